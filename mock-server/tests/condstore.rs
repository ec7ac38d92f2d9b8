//! Issue 15, item 5: CONDSTORE as RFC 7162 section 3.1 says. A FETCH or SEARCH with MODSEQ
//! (and STORE UNCHANGEDSINCE, STATUS HIGHESTMODSEQ) enables CONDSTORE for the session, after
//! which every untagged FETCH carries MODSEQ; ESEARCH with MIN or MAX reports the
//! mod-sequence of the message(s) returned (RFC 4731 section 3.2).

mod text;

use text::{Conn, MSG, server_with};

/// A changes message 1 after B ran `line`; B's NOOP then shows the change.
fn announced_after(line: &str) -> Vec<String> {
    let srv = server_with(&[MSG, MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    let mut b = Conn::selected(&srv, "u", "INBOX");
    b.ok(line);
    a.ok("a1 STORE 1 +FLAGS (\\Seen)");
    b.untagged("b9 NOOP")
}

/// Before: `* 1 FETCH (UID 1 FLAGS (\Seen))`, without MODSEQ, after each of these.
#[test]
fn a_command_with_modseq_enables_condstore() {
    let with_modseq = ["* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (5))"];
    assert_eq!(announced_after("b1 FETCH 2 (MODSEQ)"), with_modseq);
    assert_eq!(
        announced_after("b1 FETCH 2 (FLAGS) (CHANGEDSINCE 1)"),
        with_modseq
    );
    assert_eq!(announced_after("b1 SEARCH MODSEQ 1"), with_modseq);
    assert_eq!(
        announced_after("b1 STORE 2 (UNCHANGEDSINCE 10) +FLAGS (x)"),
        ["* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (6))"]
    );
    assert_eq!(
        announced_after("b1 STATUS INBOX (HIGHESTMODSEQ)"),
        with_modseq
    );
    // Without one, no MODSEQ.
    assert_eq!(
        announced_after("b1 FETCH 2 (FLAGS)"),
        ["* 1 FETCH (UID 1 FLAGS (\\Seen))"]
    );
}

/// Once enabled, every FETCH answer carries MODSEQ too, the FLAGS a FETCH of a body adds when
/// it sets `\Seen` included (RFC 7162 section 3.2.4).
#[test]
fn fetch_answers_carry_modseq_once_enabled() {
    let srv = server_with(&[MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    a.ok("a1 FETCH 1 (MODSEQ)");
    assert_eq!(
        a.untagged("a2 FETCH 1 (FLAGS)"),
        ["* 1 FETCH (FLAGS (\\Recent) MODSEQ (2))"]
    );
    assert_eq!(
        a.untagged("a4 FETCH 1 (UID)"),
        ["* 1 FETCH (UID 1 MODSEQ (2))"]
    );
    assert_eq!(
        a.cmd("a3 FETCH 2 (BODY[TEXT])"),
        "* 2 FETCH (BODY[TEXT] {6}\r\nbody\r\n FLAGS (\\Seen \\Recent) MODSEQ (4))\r\na3 OK FETCH completed\r\n"
    );
}

/// RFC 4731 section 3.2: MIN alone reports the MIN message's mod-sequence, MAX alone the MAX
/// message's, MIN and MAX the higher of the two; with ALL or COUNT, the highest of all.
/// Before, every one of these said MODSEQ 6 (the highest over all matches).
#[test]
fn esearch_min_max_report_the_modseq_of_what_they_return() {
    let srv = server_with(&[MSG, MSG, MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    // Messages 1..4 at MODSEQ 2, 3, 4, 5; then 2 goes to 6.
    a.ok("a0 STORE 2 +FLAGS.SILENT (\\Flagged)");
    let es = |a: &mut Conn, ret: &str| {
        a.untagged(&format!("s SEARCH RETURN ({ret}) MODSEQ 1"))
            .join("")
    };
    assert_eq!(es(&mut a, "MIN"), "* ESEARCH (TAG \"s\") MIN 1 MODSEQ 2");
    assert_eq!(es(&mut a, "MAX"), "* ESEARCH (TAG \"s\") MAX 4 MODSEQ 5");
    assert_eq!(
        es(&mut a, "MIN MAX"),
        "* ESEARCH (TAG \"s\") MIN 1 MAX 4 MODSEQ 5"
    );
    assert_eq!(
        es(&mut a, "MIN COUNT"),
        "* ESEARCH (TAG \"s\") MIN 1 COUNT 4 MODSEQ 6"
    );
    assert_eq!(es(&mut a, "ALL"), "* ESEARCH (TAG \"s\") ALL 1:4 MODSEQ 6");
}
