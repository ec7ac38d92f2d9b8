//! Issue 15, item 1: a session is never told a message's flags or MODSEQ going backwards.
//!
//! Each `FETCH (FLAGS ..)` replaces the client's flag set for the message (RFC 9051 section
//! 7.5.2) and mod-sequences only grow (RFC 7162 section 3.1). Another session's older change,
//! still queued for this session when it runs its own STORE or FETCH, must not be sent after
//! the newer state that command reported.

#[path = "common/text.rs"]
mod text;

use text::{Conn, MSG, server_with};

/// A selected first and took `\\Recent` for both messages; B did not.
fn two_sessions() -> (Conn, Conn) {
    let srv = server_with(&[MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    let mut b = Conn::selected(&srv, "u", "INBOX");
    a.ok("e ENABLE CONDSTORE");
    b.ok("e ENABLE CONDSTORE");
    (a, b)
}

/// The conversation of the issue: B sets `\Seen`, then A sets `\Flagged` on the same message.
/// A was told the state after both (MODSEQ 5) and must not then hear B's (MODSEQ 4).
#[test]
fn another_sessions_older_store_is_not_sent_after_a_newer_one() {
    let (mut a, mut b) = two_sessions();
    assert_eq!(
        b.cmd("b1 STORE 1 +FLAGS (\\Seen)"),
        "* 1 FETCH (FLAGS (\\Seen) MODSEQ (4))\r\nb1 OK STORE completed\r\n"
    );
    assert_eq!(
        a.cmd("a1 STORE 1 +FLAGS (\\Flagged)"),
        "* 1 FETCH (FLAGS (\\Seen \\Flagged \\Recent) MODSEQ (5))\r\na1 OK STORE completed\r\n"
    );
    // B hears A's change, once, as it is now.
    assert_eq!(
        b.cmd("b2 NOOP"),
        "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged) MODSEQ (5))\r\nb2 OK NOOP completed\r\n"
    );
    assert_eq!(a.cmd("a2 NOOP"), "a2 OK NOOP completed\r\n");
}

/// The same with FETCH FLAGS instead of STORE: what FETCH reported is not followed by the
/// older change it already includes.
#[test]
fn fetch_flags_is_not_followed_by_an_older_change() {
    let (mut a, mut b) = two_sessions();
    b.ok("b1 STORE 2 +FLAGS (\\Answered)");
    b.ok("b2 STORE 2 +FLAGS (\\Draft)");
    assert_eq!(
        a.cmd("a1 FETCH 2 (FLAGS)"),
        "* 2 FETCH (FLAGS (\\Answered \\Draft \\Recent) MODSEQ (5))\r\na1 OK FETCH completed\r\n"
    );
    assert_eq!(a.cmd("a2 NOOP"), "a2 OK NOOP completed\r\n");
}

/// Several changes by others to one message since the session last looked: one FETCH, the
/// latest state. A change after the session's own STORE is still announced.
#[test]
fn changes_by_others_collapse_to_the_current_state() {
    let (mut a, mut b) = two_sessions();
    b.ok("b1 STORE 1 +FLAGS (\\Seen)");
    a.ok("a1 STORE 1 +FLAGS.SILENT (\\Flagged)");
    b.ok("b2 STORE 1 -FLAGS (\\Seen)");
    assert_eq!(
        a.cmd("a2 NOOP"),
        "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (6))\r\na2 OK NOOP completed\r\n"
    );
}
