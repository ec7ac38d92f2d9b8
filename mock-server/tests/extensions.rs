//! Extensions the mock server advertises beyond the base protocol, as conversations: ESORT and
//! SORT=DISPLAY (RFC 5267 section 3, RFC 5957), CATENATE, CONTEXT=SEARCH and NOTIFY (RFC
//! 5465). Each test snapshots the transcript.

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
    let mut c = logged_in(server);
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

/// A multipart message with a text part and an attachment.
const MIXED: &str = "From: a@example.com\r\nSubject: with attachment\r\nMIME-Version: 1.0\r\n\
     Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
     hello world\r\n--XX\r\nContent-Type: application/octet-stream\r\n\
     Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--XX--\r\n";

/// INBOX (UIDVALIDITY 100) holds [`MIXED`] as UID 1; Drafts (101) is empty.
fn catenate_server(max_literal: Option<u64>) -> MockServer {
    let store = Store::builder()
        .uid_validity_seed(std::num::NonZeroU32::new(100).unwrap())
        .user("alice", "pw")
        .mailbox("INBOX")
        .message(MIXED.as_bytes().to_vec(), &[], None)
        .mailbox("Drafts")
        .build()
        .unwrap();
    let mut b = MockServer::builder().store(store);
    if let Some(n) = max_literal {
        b = b.limits(imap_core::frame::Limits {
            max_literal: n,
            ..imap_core::frame::Limits::default()
        });
    }
    b.build().unwrap()
}

/// A connection logged in as alice.
fn logged_in(server: &MockServer) -> Raw<MemoryConnection> {
    let mut c = Raw::new(server.connect_in_memory());
    c.recv().expect("greeting");
    c.talk("l", "LOGIN alice pw");
    c
}

/// CATENATE (RFC 4469): APPEND builds a message from text and the parts URLs name (example 1
/// of its appendix A: replace the text, keep the header and the attachment); a URL that names
/// nothing gets `NO [BADURL url]` and appends nothing, in a MULTIAPPEND too.
#[test]
fn catenate() {
    let server = catenate_server(None);
    let mut c = logged_in(&server);
    let caps = c.talk("c", "CAPABILITY");
    assert!(caps.contains(" CATENATE"), "{caps}");
    let text = "--XX\r\nContent-Type: text/plain\r\n\r\nnew text\r\n--XX\r\n";
    let end = "\r\n--XX--\r\n";
    let t = [
        c.talk(
            "a1",
            &format!(
                "APPEND Drafts (\\Draft) CATENATE \
                 (URL \"/INBOX;UIDVALIDITY=100/;UID=1/;SECTION=HEADER\" TEXT {{{}}}\r\n{text} \
                 URL \"/INBOX;UIDVALIDITY=100/;UID=1/;SECTION=2.MIME\" \
                 URL \"/INBOX;UIDVALIDITY=100/;UID=1/;SECTION=2\" TEXT {{{}+}}\r\n{end})",
                text.len(),
                end.len()
            ),
        ),
        // A part of a part, cut by PARTIAL (RFC 5092 section 6).
        c.talk(
            "a2",
            "APPEND Drafts CATENATE (TEXT {9+}\r\nSubject:  \
             URL /INBOX/;UID=1/;SECTION=1/;PARTIAL=0.5 TEXT {4+}\r\n\r\n\r\n)",
        ),
        // BADURL: another UIDVALIDITY, no such message, no such part, another server, not a
        // URL; the first failing URL is named.
        c.talk(
            "b1",
            "APPEND Drafts CATENATE (URL \"/INBOX;UIDVALIDITY=99/;UID=1\")",
        ),
        c.talk(
            "b2",
            "APPEND Drafts CATENATE (URL \"/INBOX/;UID=9\" URL \"/INBOX/;UID=8\")",
        ),
        c.talk(
            "b3",
            "APPEND Drafts CATENATE (URL \"/INBOX/;UID=1/;SECTION=3\")",
        ),
        c.talk(
            "b4",
            "APPEND Drafts CATENATE (URL \"imap://alice@h/INBOX/;UID=1\")",
        ),
        c.talk("b5", "APPEND Drafts CATENATE (URL \"/Nowhere/;UID=1\")"),
        // MULTIAPPEND: the first message is fine, the second is not: neither is stored.
        c.talk(
            "m1",
            "APPEND Drafts {5+}\r\nhello CATENATE (TEXT {2+}\r\nhi URL \"/INBOX/;UID=7\")",
        ),
        c.talk("m2", "STATUS Drafts (MESSAGES UIDNEXT)"),
        c.talk("s", "EXAMINE Drafts"),
        c.talk("f", "FETCH 1:* (FLAGS BODY[])"),
        c.talk("i", "EXAMINE INBOX"),
        // The catenated parts were not marked \Seen.
        c.talk("g", "FETCH 1 FLAGS"),
    ];
    insta::assert_snapshot!(t.concat());
}

/// The literal limit applies to the catenated message, not to each part (RFC 4469 section
/// 4.2): `NO [TOOBIG]`.
#[test]
fn catenate_too_big() {
    let server = catenate_server(Some(150));
    let mut c = logged_in(&server);
    let a = "a".repeat(100);
    let t = [
        c.talk("t1", "APPEND Drafts CATENATE (URL \"/INBOX/;UID=1\")"),
        c.talk(
            "t2",
            &format!("APPEND Drafts CATENATE (TEXT {{100+}}\r\n{a} TEXT {{100+}}\r\n{a})"),
        ),
        c.talk(
            "t3",
            &format!("APPEND Drafts CATENATE (TEXT {{100+}}\r\n{a})"),
        ),
    ];
    insta::assert_snapshot!(t.concat());
}

/// CONTEXT=SEARCH (RFC 5267 section 4): CONTEXT is a hint, PARTIAL pages the result, UPDATE
/// keeps the client told with ADDTO and REMOVEFROM as other sessions and its own commands
/// change the result (REMOVEFROM before the EXPUNGE, ADDTO after the EXISTS, and the
/// REMOVEFROM of an expunged message even where EXPUNGE may not be sent yet, appendix A.3),
/// until CANCELUPDATE.
#[test]
fn context_search() {
    let server = server();
    let mut a = selected(&server);
    let mut b = selected(&server);
    let caps = a.talk("c", "CAPABILITY");
    assert!(caps.contains(" CONTEXT=SEARCH"), "{caps}");
    let mut t = vec![
        a.talk("B01", "UID SEARCH RETURN (UPDATE COUNT) UNSEEN"),
        a.talk("B01", "SEARCH RETURN (UPDATE) ALL"),
        a.talk("S01", "SEARCH RETURN (UPDATE) FLAGGED"),
        a.talk("c1", "SEARCH RETURN (CONTEXT COUNT) ALL"),
        a.talk("p1", "SEARCH RETURN (PARTIAL 2:5) ALL"),
        a.talk("p2", "UID SEARCH RETURN (PARTIAL -1:-1) ALL"),
        a.talk("p3", "SEARCH RETURN (PARTIAL 4:9) ALL"),
        a.talk("p4", "SEARCH RETURN (ALL PARTIAL 1:2) ALL"),
        a.talk("p5", "SORT RETURN (UPDATE) (DATE) UTF-8 ALL"),
    ];
    // Another session reads message 2 and flags it, and a message arrives.
    b.talk("b1", "STORE 2 +FLAGS (\\Seen \\Flagged)");
    b.talk("b2", "APPEND INBOX {20+}\r\nSubject: new\r\n\r\nhi\r\n");
    t.push(a.talk("n1", "NOOP"));
    // This session's own change is told too.
    t.push(a.talk("s1", "STORE 2 -FLAGS.SILENT (\\Flagged)"));
    // Message 1 is expunged elsewhere: REMOVEFROM at once, EXPUNGE when allowed.
    b.talk("b3", "STORE 1 +FLAGS.SILENT (\\Deleted)");
    b.talk("b4", "EXPUNGE");
    t.push(a.talk("f1", "FETCH 3 (FLAGS)"));
    t.push(a.talk("n2", "NOOP"));
    t.push(a.talk("x1", "CANCELUPDATE \"B01\" \"S01\""));
    b.talk("b5", "STORE 1 +FLAGS.SILENT (\\Flagged)");
    t.push(a.talk("n3", "NOOP"));
    insta::assert_snapshot!(t.concat());
}

/// RFC 5267 section 4.3.1: past its limit the server declines UPDATE with an untagged
/// `NO [NOUPDATE "tag"]` and still answers the search; a cancelled context frees a place.
#[test]
fn context_search_limit() {
    let server = server();
    let mut a = selected(&server);
    for n in 1..=8 {
        let r = a.talk(&format!("u{n}"), "SEARCH RETURN (UPDATE) ALL");
        assert!(!r.contains("NOUPDATE"), "{r}");
    }
    let t = [
        a.talk("u9", "SEARCH RETURN (UPDATE COUNT) ALL"),
        a.talk("x", "CANCELUPDATE \"u1\""),
        a.talk("u10", "SEARCH RETURN (UPDATE COUNT) ALL"),
    ];
    insta::assert_snapshot!(t.concat());
}

/// The transcript with every UIDVALIDITY value (taken from the clock) replaced by `<v>`.
fn without_validity(t: &str) -> String {
    let mut t = t.to_owned();
    for word in ["UIDVALIDITY ", "APPENDUID "] {
        let mut out = String::new();
        let mut rest = t.as_str();
        while let Some(i) = rest.find(word) {
            let (head, tail) = rest.split_at(i + word.len());
            out.push_str(head);
            out.push_str("<v>");
            rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        out.push_str(rest);
        t = out;
    }
    t
}

/// What a connection received that was not the answer to a command: the units since
/// `from`, as transcript lines.
fn unsolicited(received: &[String], from: usize) -> String {
    received[from..]
        .iter()
        .map(|u| format!("S: {}\n", u.strip_suffix("\r\n").unwrap_or(u)))
        .collect()
}

/// Reads `n` responses the server sends without being asked.
fn expect_unsolicited<S: std::io::Read + std::io::Write>(c: &mut Raw<S>, n: usize) -> String {
    let from = c.received.len();
    for _ in 0..n {
        c.recv().expect("an unsolicited response");
    }
    unsolicited(&c.received, from)
}

/// NOTIFY's rules (RFC 5465 sections 3, 5 and 8): BAD for MessageNew without MessageExpunge,
/// FlagChange without both, a mailbox event or two filters for the selected mailbox, fetch
/// attributes for other mailboxes; NO [BADEVENT] listing what is told for events it does not
/// tell; STATUS sends the figures of the other mailboxes at once; NONE stops it.
#[test]
fn notify_rules() {
    let server = server();
    let mut c = logged_in(&server);
    let caps = c.talk("c", "CAPABILITY");
    assert!(caps.contains(" NOTIFY"), "{caps}");
    let t = [
        c.talk("b1", "NOTIFY SET (SELECTED (MessageNew))"),
        c.talk("b2", "NOTIFY SET (PERSONAL (FlagChange))"),
        c.talk("b3", "NOTIFY SET (SELECTED (MailboxName))"),
        c.talk(
            "b4",
            "NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED NONE)",
        ),
        c.talk(
            "b5",
            "NOTIFY SET (INBOXES (MessageNew (UID) MessageExpunge))",
        ),
        c.talk(
            "b6",
            "NOTIFY SET (SELECTED (MessageNew MessageExpunge AnnotationChange))",
        ),
        c.talk("b7", "NOTIFY SET (PERSONAL (MailboxMetadataChange))"),
        c.talk("b8", "NOTIFY BOGUS"),
        c.talk(
            "n1",
            "NOTIFY SET STATUS (SELECTED (MessageNew (UID) MessageExpunge)) \
             (MAILBOXES (Archive INBOX Nowhere) (MessageNew MessageExpunge FlagChange))",
        ),
        c.talk(
            "n2",
            "NOTIFY SET STATUS (SUBTREE INBOX (MessageNew MessageExpunge))",
        ),
        c.talk("n3", "NOTIFY NONE"),
    ];
    insta::assert_snapshot!(without_validity(&t.concat()));
}

/// A connection logged in as alice that registered for `notify` and selected INBOX.
fn notified<S: std::io::Read + std::io::Write>(mut c: Raw<S>, notify: &str) -> Raw<S> {
    c.recv().expect("greeting");
    c.talk("l", "LOGIN alice pw");
    c.talk("n", notify);
    c.talk("s", "SELECT INBOX");
    c
}

const NOTIFY_ALL: &str = "NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) \
                          (MAILBOXES Archive (MessageNew MessageExpunge))";

/// Another session changes INBOX (selected) and Archive; the notified connection `a` is told
/// at once, without a command: EXISTS and the FETCH it asked for, the FETCH of a flag change,
/// the EXPUNGE (SELECTED: at any time), and a STATUS for Archive (RFC 5465 section 5.2).
fn notify_conversation<S: std::io::Read + std::io::Write>(
    a: &mut Raw<S>,
    mut other: Raw<MemoryConnection>,
) -> String {
    other.recv().expect("greeting");
    other.talk("l", "LOGIN alice pw");
    let mut t = String::new();
    t += &other.talk("o1", "APPEND INBOX {12+}\r\nSubject: n\r\n");
    t += &expect_unsolicited(a, 3);
    t += &other.talk("o2", "APPEND Archive {12+}\r\nSubject: m\r\n");
    t += &expect_unsolicited(a, 1);
    other.talk("o3", "SELECT INBOX");
    t += &other.talk("o4", "STORE 1 +FLAGS.SILENT (\\Deleted)");
    t += &expect_unsolicited(a, 1);
    t += &other.talk("o5", "EXPUNGE");
    t += &expect_unsolicited(a, 1);
    t += &a.talk("a1", "NOOP");
    without_validity(&t)
}

/// NOTIFY over the in-memory listener: the store's watcher wakes the session.
#[test]
fn notify_in_memory() {
    let server = server();
    let mut a = notified(Raw::new(server.connect_in_memory()), NOTIFY_ALL);
    let t = notify_conversation(&mut a, Raw::new(server.connect_in_memory()));
    insta::assert_snapshot!(t);
}

/// The same over TCP: the listener's task wakes on the store's notification.
#[test]
fn notify_tcp() {
    let mut b = Store::builder().user("alice", "pw").mailbox("INBOX");
    for m in MSGS {
        b = b.message(m.as_bytes().to_vec(), &[], None);
    }
    let store = b.mailbox("Archive").build().unwrap();
    let running = MockServer::builder()
        .store(store)
        .allow_plaintext_login()
        .start()
        .unwrap();
    let s = std::net::TcpStream::connect(running.addr()).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    let mut a = notified(Raw::new(s), NOTIFY_ALL);
    let t = notify_conversation(&mut a, Raw::new(running.server().connect_in_memory()));
    assert_eq!(t, notify_conversation_expected());
}

/// What `notify_in_memory` snapshots, for the TCP test to compare with.
fn notify_conversation_expected() -> String {
    let server = server();
    let mut a = notified(Raw::new(server.connect_in_memory()), NOTIFY_ALL);
    notify_conversation(&mut a, Raw::new(server.connect_in_memory()))
}

/// SELECTED-DELAYED (RFC 5465 section 6.1): new messages at once, but the expunge waits for
/// a command after which EXPUNGE is allowed (not FETCH by sequence number).
#[test]
fn notify_selected_delayed() {
    let server = server();
    let mut a = notified(
        Raw::new(server.connect_in_memory()),
        "NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))",
    );
    let mut other = logged_in(&server);
    other.talk("o1", "SELECT INBOX");
    let mut t = other.talk("o2", "STORE 1 +FLAGS.SILENT (\\Deleted)");
    t += &other.talk("o3", "EXPUNGE");
    t += &other.talk("o4", "APPEND INBOX {12+}\r\nSubject: n\r\n");
    t += &expect_unsolicited(&mut a, 2);
    t += &a.talk("a1", "FETCH 1 (UID)");
    t += &a.talk("a2", "NOOP");
    insta::assert_snapshot!(without_recent(&without_validity(&t)));
}

/// The transcript with `* n RECENT` counts as `<r>`: which of two sessions that selected the
/// mailbox gets a new message's \Recent depends on which one the store's change reaches
/// first (RFC 3501 gives it to one of them), so the counts race.
fn without_recent(t: &str) -> String {
    t.lines()
        .map(|l| match l.strip_prefix("S: * ") {
            Some(r) if r.ends_with(" RECENT") => "S: * <r> RECENT".to_owned(),
            _ => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// NOTIFICATIONOVERFLOW (RFC 5465 section 5.8): a client that does not read while messages
/// keep arriving is sent `* OK [NOTIFICATIONOVERFLOW]` once its unread output passes the
/// backlog limit, and nothing more is queued for it: the unread output stays under the limit
/// plus one notification, however many messages arrive. Sans-IO, the wake-ups explicit.
#[test]
fn notify_overflow() {
    let server = server();
    let now = std::time::Instant::now();
    let mut a = server.session(now);
    let mut b = server.session(now);
    let mut sink = Vec::new();
    for line in [
        "l LOGIN alice pw\r\n",
        "n NOTIFY SET (SELECTED (MessageNew (UID BODY.PEEK[]) MessageExpunge))\r\n",
        "s SELECT INBOX\r\n",
    ] {
        a.handle_input(now, line.as_bytes());
        a.poll_transmit(&mut sink);
    }
    b.handle_input(now, b"l LOGIN alice pw\r\n");
    let body = "x".repeat(16 * 1024);
    let message = format!("Subject: big\r\n\r\n{body}\r\n");
    let mut appended = 0;
    for i in 0..64 {
        let cmd = format!("a{i} APPEND INBOX {{{}+}}\r\n{message}\r\n", message.len());
        b.handle_input(now, cmd.as_bytes());
        sink.clear();
        b.poll_transmit(&mut sink);
        assert!(String::from_utf8_lossy(&sink).contains(" OK [APPENDUID"));
        appended += message.len();
        a.wake();
    }
    // Everything queued, taken piece by piece (a piece is bounded).
    let mut unread = Vec::new();
    while a.poll_transmit(&mut unread) > 0 {}
    let text = String::from_utf8_lossy(&unread);
    assert_eq!(text.matches("[NOTIFICATIONOVERFLOW]").count(), 1);
    assert!(
        unread.len() <= mock_server::session::NOTIFY_BACKLOG + 2 * message.len(),
        "{} bytes queued for {appended} appended",
        unread.len()
    );
    assert!(appended > 3 * unread.len());
    // Notifications are off: a new message is told only at the next command.
    b.handle_input(now, b"z APPEND INBOX {3+}\r\nx\r\n\r\n");
    a.wake();
    let mut after = Vec::new();
    a.poll_transmit(&mut after);
    assert!(after.is_empty(), "{}", String::from_utf8_lossy(&after));
    a.handle_input(now, b"z NOOP\r\n");
    a.poll_transmit(&mut after);
    assert!(String::from_utf8_lossy(&after).contains(" EXISTS\r\n"));
}

/// MailboxName and SubscriptionChange (RFC 5465 sections 5.4 and 5.5): another session's
/// CREATE, RENAME (children move without their own event), SUBSCRIBE, UNSUBSCRIBE and
/// DELETE reach the notified connection as LIST responses (OLDNAME for a rename,
/// `\NonExistent` for a delete, `\Subscribed` while subscribed); a SUBTREE filter leaves out
/// names outside it.
#[test]
fn notify_mailbox_names() {
    let server = server();
    let mut a = logged_in(&server);
    let mut t = a.talk(
        "n",
        "NOTIFY SET (SUBTREE Lists (MailboxName SubscriptionChange))",
    );
    let mut other = logged_in(&server);
    for (i, line) in [
        "CREATE Lists/a/x",
        "CREATE Elsewhere",
        "RENAME Lists/a Lists/b",
        "SUBSCRIBE Lists/b",
        "UNSUBSCRIBE Lists/b",
        "DELETE Lists/b/x",
    ]
    .into_iter()
    .enumerate()
    {
        t += &other.talk(&format!("o{i}"), line);
        t += &a.talk(&format!("a{i}"), "NOOP");
    }
    insta::assert_snapshot!(t);
}

/// MailboxMetadataChange and ServerMetadataChange (RFC 5465 sections 5.6, 5.7): another
/// session's SETMETADATA on a watched mailbox, and on the server, is told as an unsolicited
/// `METADATA` with the entry names (RFC 5464 section 4.4.2), a removed entry too; an unwatched
/// mailbox is not told; each change is told at the store's wake-up, without a command.
/// AnnotationChange stays refused: the server has no ANNOTATE.
#[test]
fn notify_metadata() {
    let server = server();
    let mut a = logged_in(&server);
    let mut t = a.talk(
        "n",
        "NOTIFY SET (MAILBOXES INBOX (MailboxMetadataChange)) (INBOXES (ServerMetadataChange))",
    );
    let mut other = logged_in(&server);
    for (i, line) in [
        "SETMETADATA INBOX (/shared/comment \"hi\")",
        "SETMETADATA Archive (/shared/comment \"not watched\")",
        "SETMETADATA \"\" (/shared/admin \"mailto:a@example.org\")",
        "SETMETADATA INBOX (/shared/comment NIL /private/x \"1\")",
    ]
    .into_iter()
    .enumerate()
    {
        t += &other.talk(&format!("o{i}"), line);
        t += &a.talk(&format!("a{i}"), "NOOP");
    }
    t += &a.talk(
        "b",
        "NOTIFY SET (PERSONAL (AnnotationChange MessageNew MessageExpunge))",
    );
    insta::assert_snapshot!(t);
}

/// RFC 5465 section 5: the client is not told about the changes it made itself (APPEND to a
/// watched mailbox, CREATE, RENAME, SUBSCRIBE, SETMETADATA, DELETE), but still gets what the
/// base protocol requires (EXISTS after its APPEND to the selected mailbox); another session's
/// change is still told.
#[test]
fn notify_not_own_changes() {
    let server = server();
    let mut a = notified(
        Raw::new(server.connect_in_memory()),
        "NOTIFY SET (SELECTED (MessageNew MessageExpunge)) \
         (PERSONAL (MessageNew MessageExpunge MailboxName SubscriptionChange \
         MailboxMetadataChange))",
    );
    let mut other = logged_in(&server);
    let mut t = String::new();
    for (i, line) in [
        "APPEND Archive {12+}\r\nSubject: a\r\n",
        "APPEND INBOX {12+}\r\nSubject: b\r\n",
        "CREATE Own/x",
        "SUBSCRIBE Own/x",
        "SETMETADATA Archive (/shared/comment \"mine\")",
        "RENAME Own/x Own/y",
        "DELETE Own/y",
    ]
    .into_iter()
    .enumerate()
    {
        t += &a.talk(&format!("a{i}"), line);
    }
    t += &other.talk("o1", "CREATE Theirs");
    t += &expect_unsolicited(&mut a, 1);
    t += &a.talk("a7", "NOOP");
    insta::assert_snapshot!(without_validity(&t));
}

/// With CONDSTORE on, a watched mailbox's STATUS carries HIGHESTMODSEQ, and a flag change
/// there is told when FlagChange was asked for (RFC 5465 sections 3 and 5.1).
#[test]
fn notify_condstore_status() {
    let server = server();
    let mut a = logged_in(&server);
    a.talk("e", "ENABLE CONDSTORE");
    let mut t = a.talk(
        "n",
        "NOTIFY SET STATUS (MAILBOXES INBOX (MessageNew MessageExpunge FlagChange))",
    );
    let mut other = logged_in(&server);
    other.talk("s", "SELECT INBOX");
    t += &other.talk("o1", "STORE 1 +FLAGS.SILENT (\\Flagged)");
    t += &a.talk("a1", "NOOP");
    insta::assert_snapshot!(without_validity(&t));
}

/// NOTIFY's cost (issue: every store change listed all the user's mailboxes and ran STATUS on
/// each watched one, for any user's change): a session watching 41 mailboxes (PERSONAL)
/// computes their figures once at NOTIFY SET, none for 20 changes of another user, and one
/// per change of its own user's mailboxes; counted by `MockSession::notify_status_computed`.
#[test]
fn notify_cost_is_per_change() {
    let mut b = Store::builder().user("alice", "pw").mailbox("INBOX");
    for i in 0..40 {
        b = b.mailbox(&format!("Box{i}"));
    }
    let store = b.user("bob", "pw").mailbox("INBOX").build().unwrap();
    let server = MockServer::builder().store(store).build().unwrap();
    let now = std::time::Instant::now();
    let mut a = server.session(now);
    let mut sink = Vec::new();
    for line in [
        "l LOGIN alice pw\r\n",
        "n NOTIFY SET (PERSONAL (MessageNew MessageExpunge))\r\n",
    ] {
        a.handle_input(now, line.as_bytes());
        a.poll_transmit(&mut sink);
    }
    assert_eq!(a.notify_status_computed(), 41);
    let mut bob = server.session(now);
    bob.handle_input(now, b"l LOGIN bob pw\r\n");
    for i in 0..20 {
        bob.handle_input(
            now,
            format!("a{i} APPEND INBOX {{3+}}\r\nx\r\n\r\n").as_bytes(),
        );
        bob.poll_transmit(&mut Vec::new());
        a.wake();
    }
    sink.clear();
    a.poll_transmit(&mut sink);
    assert!(sink.is_empty(), "{}", String::from_utf8_lossy(&sink));
    assert_eq!(a.notify_status_computed(), 41);
    let mut other = server.session(now);
    other.handle_input(now, b"l LOGIN alice pw\r\n");
    for i in 0..3 {
        other.handle_input(
            now,
            format!("a{i} APPEND Box7 {{3+}}\r\nx\r\n\r\n").as_bytes(),
        );
        other.poll_transmit(&mut Vec::new());
        a.wake();
    }
    a.poll_transmit(&mut sink);
    let text = String::from_utf8_lossy(&sink);
    assert_eq!(
        text.matches("* STATUS Box7 (MESSAGES ").count(),
        3,
        "{text}"
    );
    assert_eq!(a.notify_status_computed(), 41 + 3);
}

/// A message whose subject and body are not ASCII, for SEARCH CHARSET.
fn charset_server() -> MockServer {
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .message(
            "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nviele Grüße\r\n"
                .as_bytes()
                .to_vec(),
            &[],
            None,
        )
        .message(b"Subject: other\r\n\r\nnothing\r\n".to_vec(), &[], None)
        .build()
        .unwrap();
    MockServer::builder().store(store).build().unwrap()
}

/// SEARCH, SORT and THREAD with a CHARSET other than UTF-8 (RFC 9051 section 6.4.4, RFC 5256
/// section 3): the strings are read in that charset (here ISO-8859-1 and KOI8-R bytes in
/// literals, as imaplib and the client's `search_charset` send them); a charset the server
/// does not know is `NO [BADCHARSET (...)]`.
#[test]
fn search_charset() {
    let server = charset_server();
    let mut c = logged_in(&server);
    c.talk("s", "SELECT INBOX");
    use imap_core::types::Data;
    // The numbers of a SEARCH, SORT or THREAD answer (a thread's members, flattened).
    let mut found = |tag: &str, command: &[u8]| -> Vec<u32> {
        c.send(command);
        let r = c.until(tag);
        assert_eq!(common::kind(&r), imap_core::types::StatusKind::Ok, "{r:?}");
        common::data(&r)
            .into_iter()
            .flat_map(|d| match d {
                Data::Search { nums, .. } | Data::Sort { nums, .. } => nums.clone(),
                Data::Thread(threads) => threads.iter().flat_map(|t| t.members.clone()).collect(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let latin1 = b"a1 SEARCH CHARSET ISO-8859-1 SUBJECT {5+}\r\nGr\xfc\xdfe\r\n";
    assert_eq!(found("a1", latin1), [1]);
    let cp1252 = b"a2 SEARCH CHARSET windows-1252 BODY {5+}\r\ngr\xfc\xdfe\r\n";
    assert_eq!(found("a2", cp1252), [1]);
    let sort = b"a3 SORT (SUBJECT) ISO-8859-1 NOT SUBJECT {5+}\r\nGr\xfc\xdfe\r\n";
    assert_eq!(found("a3", sort), [2]);
    // "При" in KOI8-R matches no subject: nothing threaded.
    let koi8 = b"a4 THREAD ORDEREDSUBJECT KOI8-R SUBJECT {3+}\r\n\xf0\xd2\xc9\r\n";
    assert_eq!(found("a4", koi8), Vec::<u32>::new());
    let refused = c.talk("a5", "SEARCH CHARSET X-NOBODY SUBJECT x");
    assert!(
        refused.contains("a5 NO [BADCHARSET (UTF-8 US-ASCII ISO-8859-1 windows-1252 KOI8-R)]"),
        "{refused}"
    );
}

/// XLIST (Gmail's LIST before SPECIAL-USE, unadvertised): the roles under Gmail's old names
/// (`\AllMail`, `\Spam`, `\Starred`), the others as they are, and `\Inbox` on INBOX.
#[test]
fn xlist() {
    use imap_core::types::MailboxAttr;
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .special_mailbox("All Mail", &[MailboxAttr::All])
        .special_mailbox("Spam", &[MailboxAttr::Junk])
        .special_mailbox("Starred", &[MailboxAttr::Flagged])
        .special_mailbox("Sent", &[MailboxAttr::Sent])
        .build()
        .unwrap();
    let server = MockServer::builder().store(store).build().unwrap();
    let mut c = logged_in(&server);
    let t = c.talk("x", "XLIST \"\" *");
    for line in [
        "* XLIST (\\HasNoChildren \\AllMail) \"/\" \"All Mail\"",
        "* XLIST (\\HasNoChildren \\Inbox) \"/\" INBOX",
        "* XLIST (\\HasNoChildren \\Sent) \"/\" Sent",
        "* XLIST (\\HasNoChildren \\Spam) \"/\" Spam",
        "* XLIST (\\HasNoChildren \\Starred) \"/\" Starred",
        "x OK XLIST completed",
    ] {
        assert!(t.contains(line), "{line} not in\n{t}");
    }
}
