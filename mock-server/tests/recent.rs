//! Issue 15, item 7: `\Recent` as RFC 3501 section 2.3.2 defines it. The first read-write
//! session told of a message has it `\Recent`; no other session does, so another session's
//! STATUS RECENT does not count it.

mod text;

use text::{Conn, MSG, server_with};

#[test]
fn status_recent_leaves_out_what_a_read_write_session_was_told_of() {
    let srv = server_with(&[MSG, MSG]);
    let mut b = Conn::new(&srv);
    b.ok("b0 LOGIN u pw");
    assert_eq!(
        b.untagged("b1 STATUS INBOX (RECENT)"),
        ["* STATUS INBOX (RECENT 2)"]
    );
    let mut a = Conn::selected(&srv, "u", "INBOX");
    // A was told of both (`* 2 RECENT` in its SELECT). Before: RECENT 2 here.
    assert_eq!(
        b.untagged("b2 STATUS INBOX (RECENT)"),
        ["* STATUS INBOX (RECENT 0)"]
    );
    // New mail: recent for whoever is told first; until then STATUS counts it.
    srv.store()
        .account("u")
        .unwrap()
        .deliver("INBOX", MSG, &[], None)
        .unwrap();
    assert_eq!(
        b.untagged("b3 STATUS INBOX (RECENT)"),
        ["* STATUS INBOX (RECENT 1)"]
    );
    assert_eq!(a.untagged("a1 NOOP"), ["* 3 EXISTS", "* 3 RECENT"]);
    // For A itself the three are recent.
    assert_eq!(
        a.untagged("a2 STATUS inbox (RECENT MESSAGES)"),
        ["* STATUS INBOX (RECENT 3 MESSAGES 3)"]
    );
    assert_eq!(
        b.untagged("b4 STATUS INBOX (RECENT)"),
        ["* STATUS INBOX (RECENT 0)"]
    );
    // EXAMINE takes nothing: a read-only session is not "told" in this sense.
    srv.store()
        .account("u")
        .unwrap()
        .deliver("INBOX", MSG, &[], None)
        .unwrap();
    let mut c = Conn::new(&srv);
    c.ok("c0 LOGIN u pw");
    assert!(c.ok("c1 EXAMINE INBOX").contains("* 1 RECENT\r\n"));
    assert_eq!(
        b.untagged("b5 STATUS INBOX (RECENT)"),
        ["* STATUS INBOX (RECENT 1)"]
    );
}
