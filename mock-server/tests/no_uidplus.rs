//! A server without UIDPLUS (RFC 4315), `MockServerBuilder::without_uidplus`: neither UIDPLUS
//! nor IMAP4rev2 advertised, APPEND, COPY and MOVE without APPENDUID / COPYUID, UID EXPUNGE
//! refused as an unknown command; the default server has all of them.

mod common;

use common::Raw;
use mock_server::listener::{MemoryConnection, MockServer};
use mock_server::store::Store;

fn server(uidplus: bool) -> MockServer {
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .message(b"Subject: one\r\n\r\none\r\n".to_vec(), &[], None)
        .mailbox("Archive")
        .build()
        .unwrap();
    let b = MockServer::builder().store(store);
    let b = if uidplus { b } else { b.without_uidplus() };
    b.build().unwrap()
}

/// The whole conversation, as text.
fn conversation(server: &MockServer) -> String {
    let mut c: Raw<MemoryConnection> = Raw::new(server.connect_in_memory());
    c.recv().expect("greeting");
    let mut out = String::new();
    for (tag, line) in [
        ("a", "CAPABILITY"),
        ("b", "LOGIN alice pw"),
        ("c", "ENABLE IMAP4rev2"),
        ("d", "APPEND INBOX {12+}\r\nSubject: x\r\n"),
        ("e", "SELECT INBOX"),
        ("f", "UID COPY 1 Archive"),
        ("g", "UID STORE 1 +FLAGS.SILENT (\\Deleted)"),
        ("h", "UID EXPUNGE 1"),
        ("i", "UID MOVE 2 Archive"),
    ] {
        out.push_str(&c.talk(tag, line));
    }
    out
}

#[test]
fn without_uidplus_no_uid_codes_and_no_uid_expunge() {
    let t = conversation(&server(false));
    let said: Vec<&str> = t.lines().filter(|l| l.starts_with("S: ")).collect();
    assert!(
        !said
            .iter()
            .any(|l| l.contains("UIDPLUS") || l.contains("IMAP4rev2")),
        "{t}"
    );
    assert!(
        t.contains("S: c OK"),
        "ENABLE answers, enabling nothing: {t}"
    );
    assert!(!t.contains("* ENABLED IMAP4rev2"), "{t}");
    assert!(!t.contains("APPENDUID") && !t.contains("COPYUID"), "{t}");
    assert!(
        t.contains("S: d OK") && t.contains("S: f OK") && t.contains("S: i OK"),
        "{t}"
    );
    assert!(
        t.contains("S: h BAD"),
        "UID EXPUNGE is an unknown command: {t}"
    );
    assert!(!t.contains("BAD Error"), "{t}");
    assert!(
        !t.contains("S: * 1 EXPUNGE"),
        "UID EXPUNGE removed nothing: {t}"
    );
}

#[test]
fn with_uidplus_by_default() {
    let t = conversation(&server(true));
    assert!(t.contains("UIDPLUS") && t.contains("IMAP4rev2"), "{t}");
    assert!(t.contains("[APPENDUID ") && t.contains("[COPYUID "), "{t}");
    assert!(t.contains("S: h OK") && !t.contains("BAD"), "{t}");
}
