//! Issue 15, item 8: SEARCH FROM/TO/CC/BCC look in the envelope's addresses (RFC 9051 section
//! 6.4.4), as the ENVELOPE shows them (name, mailbox, host), not in the raw header with its
//! comments and quotes; SORT by FROM/TO/CC orders by the mailbox the ENVELOPE shows
//! (RFC 5256 section 3).

mod text;

use text::{Conn, server_with};

const M1: &[u8] = b"From: \"Smith, John\" <john@example.org> (work)\r\nTo: undisclosed-recipients:;\r\nCc: \"Zed\" <amy@example.net>\r\nSubject: one\r\n\r\n1\r\n";
const M2: &[u8] = b"From: work@example.com\r\nTo: Team: ann@example.com, bo@example.com;\r\nCc: (Aaron) zoe@example.net\r\nSubject: two\r\n\r\n2\r\n";
const M3: &[u8] = b"From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\r\nBcc: \"Dave (ops)\" <dave@example.com>\r\nCc: bob@example.net\r\nSubject: three\r\n\r\n3\r\n";

fn search(c: &mut Conn, criteria: &str) -> String {
    c.untagged(&format!("s SEARCH {criteria}")).join("")
}

/// Before: FROM work found 1 2 (message 1's comment `(work)`), FROM "Smith, John
/// <john@example.org>" found nothing (the header has quotes), BCC ops found 3 only because
/// of the quoted name (it still does: the name is part of the envelope).
#[test]
fn search_matches_the_envelope_address() {
    let srv = server_with(&[M1, M2, M3]);
    let mut c = Conn::selected(&srv, "u", "INBOX");
    assert_eq!(search(&mut c, "FROM work"), "* SEARCH 2");
    assert_eq!(
        search(&mut c, "FROM \"smith, john <john@example.org>\""),
        "* SEARCH 1"
    );
    let jorg = c.cmd("s SEARCH CHARSET UTF-8 FROM {5+}\r\nJ\u{d6}RG");
    assert!(jorg.starts_with("* SEARCH 3\r\n"), "{jorg}");
    assert_eq!(search(&mut c, "FROM \"joerg@example.de\""), "* SEARCH 3");
    assert_eq!(search(&mut c, "TO team"), "* SEARCH 2");
    assert_eq!(search(&mut c, "TO undisclosed"), "* SEARCH 1");
    assert_eq!(search(&mut c, "TO bo@"), "* SEARCH 2");
    assert_eq!(search(&mut c, "BCC ops"), "* SEARCH 3");
    assert_eq!(search(&mut c, "CC \"\\\"Zed\\\"\""), "* SEARCH");
    assert_eq!(search(&mut c, "CC zed"), "* SEARCH 1");
}

/// SORT FROM and CC go by the envelope's mailbox (`john`, `work`, `joerg`; `amy`, `zoe`,
/// `bob`), whatever names and comments the headers carry.
#[test]
fn sort_uses_the_envelope_mailbox() {
    let srv = server_with(&[M1, M2, M3]);
    let mut c = Conn::selected(&srv, "u", "INBOX");
    assert_eq!(c.untagged("s1 SORT (FROM) UTF-8 ALL"), ["* SORT 3 1 2"]);
    assert_eq!(c.untagged("s2 SORT (CC) UTF-8 ALL"), ["* SORT 1 3 2"]);
    let env = c.cmd("f FETCH 2 (ENVELOPE)");
    assert!(
        env.contains("((\"Aaron\" NIL \"zoe\" \"example.net\"))"),
        "{env}"
    );
}
