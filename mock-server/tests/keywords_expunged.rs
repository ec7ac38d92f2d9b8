//! Issue 15, item 9: a keyword new to the mailbox is announced with `FLAGS` (and
//! `PERMANENTFLAGS`, which keeps `\*`) to every session that has it selected; STORE on a set
//! holding a message another session expunged follows RFC 2180 section 4.2.

mod text;

use text::{Conn, MSG, server_with};

const FLAGS: &str = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)\r\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted\r\n";

/// Before: neither session got FLAGS; B only saw the message's FETCH with a keyword its
/// FLAGS never listed.
#[test]
fn a_new_keyword_is_announced_with_flags() {
    let srv = server_with(&[MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    let mut b = Conn::selected(&srv, "u", "INBOX");
    let mut c = Conn::new(&srv);
    c.ok("c0 LOGIN u pw");
    c.ok("c1 EXAMINE INBOX");
    assert_eq!(
        a.cmd("a1 STORE 1 +FLAGS ($Label1)"),
        format!("{FLAGS}* 1 FETCH (FLAGS ($Label1 \\Recent))\r\na1 OK STORE completed\r\n")
    );
    assert_eq!(
        b.cmd("b1 NOOP"),
        format!("{FLAGS}* 1 FETCH (UID 1 FLAGS ($Label1))\r\nb1 OK NOOP completed\r\n")
    );
    // Read-only: FLAGS only (its PERMANENTFLAGS is empty and stays so).
    assert_eq!(
        c.cmd("c2 NOOP"),
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)\r\n* 1 FETCH (UID 1 FLAGS ($Label1))\r\nc2 OK NOOP completed\r\n"
    );
    // Known now (in any case): no FLAGS again.
    assert_eq!(
        b.cmd("b2 STORE 2 +FLAGS ($label1)"),
        "* 2 FETCH (FLAGS ($label1))\r\nb2 OK STORE completed\r\n"
    );
    // A new keyword arriving with a message (APPEND elsewhere) is announced too.
    b.ok("b3 APPEND INBOX (Junk) {5+}\r\nx\r\n\r\n");
    let out = a.cmd("a2 NOOP");
    assert!(
        out.starts_with("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk)\r\n"),
        "{out}"
    );
}

/// B expunges message 2 while A still numbers it. Before, `STORE 1:3 +FLAGS.SILENT` was
/// answered `NO [EXPUNGEISSUED]`; RFC 2180 4.2.1 recommends OK when the others were stored.
/// Without .SILENT, 4.2.3: FETCH for the others and NO; 4.2.2: only expunged, NO.
#[test]
fn store_on_a_message_expunged_elsewhere() {
    let srv = server_with(&[MSG, MSG, MSG]);
    let mut a = Conn::selected(&srv, "u", "INBOX");
    let mut b = Conn::selected(&srv, "u", "INBOX");
    b.ok("b1 STORE 2 +FLAGS.SILENT (\\Deleted)");
    b.ok("b2 EXPUNGE");
    assert_eq!(
        a.cmd("a1 STORE 1:3 +FLAGS.SILENT (\\Seen)"),
        "a1 OK STORE completed\r\n"
    );
    assert_eq!(
        a.cmd("a2 STORE 1:3 +FLAGS (\\Flagged)"),
        "* 1 FETCH (FLAGS (\\Seen \\Flagged \\Recent))\r\n* 3 FETCH (FLAGS (\\Seen \\Flagged \\Recent))\r\na2 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n"
    );
    assert_eq!(
        a.cmd("a3 STORE 2 +FLAGS (\\Answered)"),
        "a3 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n"
    );
    assert_eq!(a.cmd("a4 NOOP"), "* 2 EXPUNGE\r\na4 OK NOOP completed\r\n");
}
