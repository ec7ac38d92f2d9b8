//! Extensions the mock server advertises beyond the base protocol, as conversations: ESORT and
//! SORT=DISPLAY (RFC 5267 section 3, RFC 5957). Each test snapshots the transcript.

mod common;

use common::Raw;
use mock_server::listener::{MemoryConnection, MockServer};
use mock_server::store::Store;

/// Three messages whose FROM/TO mailboxes sort differently from their display names.
const MSGS: [&str; 3] = [
    "From: \"Zoe Adams\" <zoe@example.com>\r\nTo: \"Dora\" <a1@example.com>\r\n\
     Date: Wed, 3 Jan 2024 10:00:00 +0000\r\nSubject: third\r\n\r\none\r\n",
    "From: carl@example.com\r\nTo: \"Carl\" <zz@example.com>\r\n\
     Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nSubject: first\r\n\r\ntwo\r\n",
    "From: \"Bea\" <yves@example.com>\r\nTo: \"Al\" <aa@example.com>\r\n\
     Date: Tue, 2 Jan 2024 10:00:00 +0000\r\nSubject: second\r\n\r\nthree\r\n",
];

fn server() -> MockServer {
    let mut b = Store::builder().user("alice", "pw").mailbox("INBOX");
    for m in MSGS {
        b = b.message(m.as_bytes().to_vec(), &[], None);
    }
    let store = b.mailbox("Archive").build().unwrap();
    MockServer::builder().store(store).build().unwrap()
}

/// A connection logged in as alice with INBOX selected.
fn selected(server: &MockServer) -> Raw<MemoryConnection> {
    let mut c = Raw::new(server.connect_in_memory());
    c.recv().expect("greeting");
    c.talk("l", "LOGIN alice pw");
    c.talk("s", "SELECT INBOX");
    c
}

/// SORT=DISPLAY (RFC 5957 section 3): DISPLAYFROM and DISPLAYTO sort by the display name, or
/// the address when there is none, where FROM and TO sort by the mailbox part.
#[test]
fn sort_display() {
    let server = server();
    let mut c = selected(&server);
    let caps = c.talk("c", "CAPABILITY");
    assert!(caps.contains(" SORT SORT=DISPLAY ESORT "), "{caps}");
    let t = [
        c.talk("a1", "SORT (FROM) UTF-8 ALL"),
        c.talk("a2", "SORT (DISPLAYFROM) UTF-8 ALL"),
        c.talk("a3", "SORT (TO) UTF-8 ALL"),
        c.talk("a4", "UID SORT (REVERSE DISPLAYTO) UTF-8 ALL"),
    ];
    insta::assert_snapshot!(t.concat());
}

/// ESORT (RFC 5267 section 3): SORT with RETURN options answers with an ESEARCH whose MIN and
/// MAX are first and last in sort order and whose ALL is in sort order; SAVE feeds `$`;
/// unknown options get BAD (RFC 4466 section 2.6.1).
#[test]
fn esort() {
    let server = server();
    let mut c = selected(&server);
    let t = [
        // The example of RFC 5267 section 3.3: `RETURN ()` is ALL.
        c.talk(
            "E01",
            "UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk",
        ),
        c.talk("e2", "SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL"),
        c.talk("e3", "SORT RETURN (ALL) (SUBJECT) UTF-8 ALL"),
        c.talk("e4", "SORT RETURN (MIN) (DATE) UTF-8 SUBJECT nothing"),
        // SAVE alone: no ESEARCH, and `$` holds the result (RFC 5182 section 2.4).
        c.talk("e5", "SORT RETURN (SAVE) (DATE) UTF-8 SUBJECT second"),
        c.talk("e6", "FETCH $ (UID)"),
        // SAVE with MIN only saves the first in sort order.
        c.talk("e7", "SORT RETURN (SAVE MIN) (REVERSE DATE) UTF-8 ALL"),
        c.talk("e8", "FETCH $ (UID)"),
        // RFC 7162 section 3.1.10, example 20: MODSEQ joins the ESEARCH.
        c.talk("e9", "SORT RETURN (ALL) (DATE) UTF-8 MODSEQ 1"),
        // With MAX alone, MODSEQ is that message's (RFC 4731 section 3.2).
        c.talk("e9b", "SORT RETURN (MAX) (DATE) UTF-8 MODSEQ 1"),
        c.talk("e10", "SORT RETURN (FOO) (DATE) UTF-8 ALL"),
        c.talk("e11", "SORT RETURN (ALL) UTF-8 ALL"),
    ];
    insta::assert_snapshot!(t.concat());
}
