//! The protocol over in-memory connections: raw IMAP bytes in, responses parsed by imap-core.

mod common;

use common::{MSG, Raw, data, kind, tagged};
use imap_core::frame::Limits;
use imap_core::types::{
    Code, Data, FetchData, Flag, Response, SeqNum, SimpleCode, StatusKind, StatusResponse,
};
use mock_server::listener::{MemoryConnection, MockServer};
use mock_server::session::options::{Faults, InjectPoint, Injection, Quirks};
use mock_server::store::Store;
use mock_server::transcript::Transcript;
use std::time::Duration;

fn store(n: usize) -> Store {
    let mut b = Store::builder().user("alice", "pw").mailbox("INBOX");
    for _ in 0..n {
        b = b.message(MSG, &[], None);
    }
    b.mailbox("Archive").build().unwrap()
}

fn login(server: &MockServer) -> Raw<MemoryConnection> {
    let mut c = Raw::new(server.connect_in_memory());
    let greeting = c.recv().unwrap();
    assert!(matches!(
        greeting,
        Response::Status(StatusResponse {
            kind: StatusKind::Ok,
            ..
        })
    ));
    let r = c.run("l1", "LOGIN alice pw");
    assert_eq!(kind(&r), StatusKind::Ok, "{r:?}");
    c
}

fn select(c: &mut Raw<MemoryConnection>) -> Vec<Response> {
    let r = c.run("s1", "SELECT INBOX");
    assert_eq!(kind(&r), StatusKind::Ok, "{r:?}");
    r
}

fn expunges(r: &[Response]) -> Vec<u32> {
    data(r)
        .into_iter()
        .filter_map(|d| match d {
            Data::Expunge(s) => Some(s.get()),
            _ => None,
        })
        .collect()
}

fn fetch_seqs(r: &[Response]) -> Vec<u32> {
    data(r)
        .into_iter()
        .filter_map(|d| match d {
            Data::Fetch { seq, .. } => Some(seq.get()),
            _ => None,
        })
        .collect()
}

#[test]
fn login_select_fetch_store_logout() {
    let server = MockServer::builder().store(store(3)).build().unwrap();
    let mut c = Raw::new(server.connect_in_memory());
    let greeting = c.recv().unwrap();
    assert!(matches!(
        greeting,
        Response::Status(StatusResponse {
            kind: StatusKind::Ok,
            code: Some(Code::Capability(_)),
            ..
        })
    ));
    assert_eq!(kind(&c.run("l1", "LOGIN alice pw")), StatusKind::Ok);
    let r = select(&mut c);
    assert!(data(&r).contains(&&Data::Exists(3)));
    assert_eq!(tagged(&r).code, Some(Code::ReadWrite));
    let r = c.run(
        "f1",
        "FETCH 1:2 (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
    );
    assert_eq!(fetch_seqs(&r), [1, 2]);
    let Data::Fetch { data: items, .. } = data(&r)[0] else {
        panic!()
    };
    assert!(items.iter().any(|i| matches!(i, FetchData::BodySection { data: Some(d), .. } if d.as_bytes() == b"Subject: hello\r\n\r\n")));
    let r = c.run("st", "STORE 2 +FLAGS (\\Flagged)");
    assert_eq!(kind(&r), StatusKind::Ok);
    let Data::Fetch { seq, data: items } = data(&r)[0] else {
        panic!()
    };
    assert_eq!(seq.get(), 2);
    assert!(
        matches!(&items[..], [FetchData::Flags(f)] if f.contains(&imap_core::types::Flag::Flagged))
    );
    let r = c.run("u1", "UID FETCH 3 FLAGS");
    assert!(
        matches!(data(&r)[0], Data::Fetch { data, .. } if data.contains(&FetchData::Uid(imap_core::types::Uid::new(3).unwrap())))
    );
    let r = c.run("x1", "LOGOUT");
    assert!(matches!(
        &r[0],
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Bye,
            ..
        })
    ));
    assert_eq!(kind(&r), StatusKind::Ok);
    assert!(
        c.next_within(Duration::from_secs(5)).is_none(),
        "closed after LOGOUT"
    );
}

/// RFC 9051 section 7.5.1 / RFC 2180: another session's EXPUNGE is not announced during
/// FETCH, STORE or SEARCH by sequence number, but is at NOOP (and UID commands).
#[test]
fn expunge_elsewhere_is_announced_only_at_legal_points() {
    let server = MockServer::builder().store(store(4)).build().unwrap();
    let mut a = login(&server);
    select(&mut a);
    let mut b = login(&server);
    select(&mut b);
    let r = b.run("b1", "STORE 2 +FLAGS.SILENT (\\Deleted)");
    assert_eq!(kind(&r), StatusKind::Ok);
    let r = b.run("b2", "EXPUNGE");
    assert_eq!(expunges(&r), [2]);

    // FETCH: data for the others, no EXPUNGE, NO [EXPUNGEISSUED] (RFC 2180 4.1.2).
    let r = a.run("a1", "FETCH 1:4 (FLAGS)");
    assert_eq!(expunges(&r), Vec::<u32>::new());
    assert_eq!(fetch_seqs(&r), [1, 3, 4]);
    assert_eq!(tagged(&r).kind, StatusKind::No);
    assert_eq!(
        tagged(&r).code,
        Some(Code::Simple(SimpleCode::ExpungeIssued))
    );
    // STORE and SEARCH: still no EXPUNGE; numbers are still the old ones.
    let r = a.run("a2", "STORE 4 +FLAGS (\\Seen)");
    assert_eq!(expunges(&r), Vec::<u32>::new());
    assert_eq!(fetch_seqs(&r), [4]);
    let r = a.run("a3", "SEARCH ALL");
    assert_eq!(expunges(&r), Vec::<u32>::new());
    assert!(data(&r).contains(&&Data::Search {
        nums: vec![1, 3, 4],
        modseq: None
    }));
    // NOOP: now.
    let r = a.run("a4", "NOOP");
    assert_eq!(expunges(&r), [2]);
    let r = a.run("a5", "FETCH 2 (UID)");
    assert!(
        matches!(data(&r)[0], Data::Fetch { seq, data } if seq.get() == 2 && data == &vec![FetchData::Uid(imap_core::types::Uid::new(3).unwrap())])
    );
    // A UID command announces at once.
    a.account_expunge(&server, 4);
    let r = a.run("a6", "UID FETCH 1 FLAGS");
    assert_eq!(expunges(&r), [3]);
}

trait Helper {
    fn account_expunge(&mut self, server: &MockServer, uid: u32);
}

impl Helper for Raw<MemoryConnection> {
    fn account_expunge(&mut self, server: &MockServer, uid: u32) {
        let acct = server.store().account("alice").unwrap();
        acct.expunge_uids("INBOX", &[imap_core::types::Uid::new(uid).unwrap()])
            .unwrap();
    }
}

/// IDLE is woken at once by a delivery from another session, and by a store change.
#[test]
fn idle_is_woken_by_another_session() {
    let server = MockServer::builder().store(store(2)).build().unwrap();
    let mut a = login(&server);
    select(&mut a);
    a.send(b"i1 IDLE\r\n");
    assert!(matches!(a.recv(), Some(Response::Continue(_))));
    let mut b = login(&server);
    let line = format!("APPEND INBOX {{{}+}}\r\n", MSG.len());
    b.send(format!("b1 {line}").as_bytes());
    b.send(MSG);
    b.send(b"\r\n");
    assert_eq!(kind(&b.until("b1")), StatusKind::Ok);
    let r = a.next_within(Duration::from_secs(5)).expect("woken");
    assert_eq!(r, Response::Data(Data::Exists(3)));
    // A flag change made directly on the store wakes it too.
    let acct = server.store().account("alice").unwrap();
    acct.set_flags(
        "INBOX",
        imap_core::types::Uid::new(1).unwrap(),
        &[imap_core::types::Flag::Seen],
    )
    .unwrap();
    loop {
        match a.next_within(Duration::from_secs(5)).expect("woken") {
            Response::Data(Data::Fetch { seq, .. }) => {
                assert_eq!(seq, SeqNum::new(1).unwrap());
                break;
            }
            Response::Data(Data::Recent(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    a.send(b"DONE\r\n");
    assert_eq!(kind(&a.until("i1")), StatusKind::Ok);
}

#[test]
fn append_with_synchronizing_and_non_synchronizing_literals() {
    let server = MockServer::builder().store(store(0)).build().unwrap();
    let mut c = login(&server);
    c.send(format!("a1 APPEND INBOX (\\Seen) {{{}}}\r\n", MSG.len()).as_bytes());
    match c.recv().unwrap() {
        Response::Continue(k) => assert_eq!(k.text.as_bytes(), b"Ready"),
        other => panic!("{other:?}"),
    }
    c.send(MSG);
    c.send(b"\r\n");
    let r = c.until("a1");
    assert!(
        matches!(tagged(&r).code, Some(Code::AppendUid { .. })),
        "{r:?}"
    );
    // LITERAL+: no continuation; MULTIAPPEND of two messages.
    c.send(format!("a2 APPEND INBOX {{{0}+}}\r\n", MSG.len()).as_bytes());
    c.send(MSG);
    c.send(format!(" {{{0}+}}\r\n", MSG.len()).as_bytes());
    c.send(MSG);
    c.send(b"\r\n");
    let r = c.until("a2");
    assert_eq!(r.len(), 1, "no + for LITERAL+: {r:?}");
    assert_eq!(kind(&r), StatusKind::Ok);
    assert_eq!(
        server
            .store()
            .account("alice")
            .unwrap()
            .uids("INBOX")
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn over_limit_literal_is_refused_before_its_bytes() {
    let limits = Limits {
        max_literal: 1000,
        ..mock_server::session::options::SessionOptions::default()
            .core
            .limits
    };
    let server = MockServer::builder()
        .store(store(0))
        .limits(limits)
        .build()
        .unwrap();
    let mut c = login(&server);
    c.send(b"a1 APPEND INBOX {5000}\r\n");
    let r = c.until("a1");
    assert_eq!(r.len(), 1);
    assert_eq!(tagged(&r).kind, StatusKind::No);
    assert_eq!(tagged(&r).code, Some(Code::TooBig));
    assert_eq!(kind(&c.run("a2", "NOOP")), StatusKind::Ok);
    assert!(
        server
            .store()
            .account("alice")
            .unwrap()
            .uids("INBOX")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn malformed_commands_get_bad_and_the_session_goes_on() {
    let server = MockServer::builder().store(store(1)).build().unwrap();
    let mut c = login(&server);
    assert_eq!(kind(&c.run("a1", "FETCH")), StatusKind::Bad);
    assert_eq!(kind(&c.run("a2", "FROBNICATE now")), StatusKind::Bad);
    assert_eq!(
        kind(&c.run("a3", "FETCH 1 FLAGS")),
        StatusKind::Bad,
        "not selected"
    );
    c.send(b"\x00\xff garbage\r\n");
    assert!(matches!(
        c.recv(),
        Some(Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Bad,
            ..
        }))
    ));
    select(&mut c);
    assert_eq!(
        kind(&c.run("a4", "FETCH 9 FLAGS")),
        StatusKind::Bad,
        "out of range"
    );
    assert_eq!(kind(&c.run("a5", "NOOP")), StatusKind::Ok);
}

/// A server with one message that records into `t`.
fn recorded(t: &Transcript) -> MockServer {
    MockServer::builder()
        .store(store(1))
        .transcript(t.clone())
        .build()
        .unwrap()
}

#[test]
fn transcript_is_readable_and_redacted() {
    let t = Transcript::new();
    let server = recorded(&t);
    let mut c = login(&server);
    c.send(b"a1 AUTHENTICATE PLAIN\r\n");
    c.recv();
    let text = t.text(1);
    assert!(text.contains("C: l1 LOGIN <redacted>"), "{text}");
    assert!(!text.contains("pw"), "{text}");
    assert!(text.contains("S: l1 OK [CAPABILITY"), "{text}");
}

/// An exact transcript shows what the client sent, byte for byte (lower case, double
/// spaces, a non-synchronizing literal, a command the server rejected), not a re-serialisation
/// of the parsed command; credentials stay redacted (issue 12, item 14).
#[test]
fn exact_transcript_records_the_client_bytes() {
    let t = Transcript::new().exact();
    let server = recorded(&t);
    let mut c = login(&server);
    c.send(b"a1 select  inbox\r\n");
    c.until("a1");
    c.send(b"a2 append INBOX {4+}\r\nx\r\ny\r\n");
    c.until("a2");
    c.send(b"a3 login alice \"pw\r\n");
    c.until("a3");
    let e = t.entries();
    let client: Vec<_> = e
        .iter()
        .filter(|e| e.direction == mock_server::transcript::Direction::Client)
        .collect();
    assert_eq!(client[0].text, "l1 LOGIN <redacted>");
    assert_eq!(client[0].bytes, None);
    assert_eq!(
        client[1].bytes.as_deref(),
        Some(&b"a1 select  inbox\r\n"[..])
    );
    assert_eq!(
        client[2].bytes.as_deref(),
        Some(&b"a2 append INBOX {4+}\r\nx\r\ny\r\n"[..])
    );
    let text = t.text(1);
    assert!(text.contains("C: a1 select  inbox\n"), "{text}");
    assert!(
        text.contains("C: a2 append INBOX {4+}\nC: x\nC: y\n"),
        "{text}"
    );
    assert!(!text.contains("pw"), "{text}");
    assert!(text.contains("C: <rejected: "), "{text}");
}

#[test]
fn authenticate_plain_with_and_without_initial_response() {
    let server = MockServer::builder().store(store(0)).build().unwrap();
    let mut c = Raw::new(server.connect_in_memory());
    c.recv();
    // "\0alice\0pw" in base64.
    let r = c.run("a1", "AUTHENTICATE PLAIN AGFsaWNlAHB3");
    assert_eq!(kind(&r), StatusKind::Ok, "{r:?}");
    let mut c = Raw::new(server.connect_in_memory());
    c.recv();
    c.send(b"a1 AUTHENTICATE LOGIN\r\n");
    assert!(matches!(c.recv(), Some(Response::Continue(_))));
    c.send(b"YWxpY2U=\r\n");
    assert!(matches!(c.recv(), Some(Response::Continue(_))));
    c.send(b"d3Jvbmc=\r\n");
    let r = c.until("a1");
    assert_eq!(
        tagged(&r).code,
        Some(Code::Simple(SimpleCode::AuthenticationFailed))
    );
}

#[test]
fn quirk_profiles() {
    let server = MockServer::builder()
        .store(store(1))
        .quirks(Quirks::Exchange)
        .build()
        .unwrap();
    let mut c = login(&server);
    c.send(b"a1 NOOP\r\n");
    c.until("a1");
    assert_eq!(c.received.last().unwrap(), "a1 OK\r\n");
    let server = MockServer::builder()
        .store(store(1))
        .quirks(Quirks::Gmail)
        .build()
        .unwrap();
    let mut c = Raw::new(server.connect_in_memory());
    c.recv();
    assert!(c.received[0].starts_with("* OK Gimap ready"));
    c.run("l1", "LOGIN alice pw");
    select(&mut c);
    assert!(
        c.received
            .iter()
            .any(|l| l.starts_with("* OK [HIGHESTMODSEQ ") && l.ends_with("]\r\n")),
        "{:?}",
        c.received
    );
    assert!(c.run("c1", "CAPABILITY").iter().any(|r| matches!(r, Response::Data(Data::Capability(caps)) if caps.contains(&imap_core::types::Capability::XGmExt1))));
}

#[test]
fn faults_split_inject_and_drop() {
    let faults = Faults {
        split_writes: Some(3),
        drop_at_command: Some("FETCH".into()),
        inject: vec![Injection {
            at: InjectPoint::BeforeTagged("NOOP".into()),
            response: Response::Data(Data::Exists(99)),
        }],
        ..Faults::default()
    };
    let server = MockServer::builder()
        .store(store(1))
        .faults(faults)
        .build()
        .unwrap();
    let mut c = login(&server);
    let r = c.run("a1", "NOOP");
    assert_eq!(r[0], Response::Data(Data::Exists(99)));
    select(&mut c);
    c.send(b"a2 FETCH 1 FLAGS\r\n");
    assert!(
        c.next_within(Duration::from_secs(5)).is_none(),
        "dropped at FETCH"
    );
}

#[test]
fn scripted_answers_replace_the_servers_and_an_empty_one_is_silence() {
    let faults = Faults {
        answers: vec![
            (
                "STATUS".into(),
                "* STATUS Sent (MESSAGES 7)\r\n{tag} OK done\r\n".into(),
            ),
            ("SEARCH".into(), String::new()),
        ],
        ..Faults::default()
    };
    let server = MockServer::builder()
        .store(store(1))
        .faults(faults)
        .build()
        .unwrap();
    let mut c = login(&server);
    c.received.clear();
    c.run("t1", "STATUS INBOX (MESSAGES)");
    assert_eq!(
        c.received,
        ["* STATUS Sent (MESSAGES 7)\r\n", "t1 OK done\r\n"]
    );
    select(&mut c);
    c.send(b"u1 UID SEARCH ALL\r\n");
    c.stream.set_read_timeout(Some(Duration::from_millis(50)));
    assert!(
        c.next_within(Duration::from_millis(200)).is_none(),
        "no answer to SEARCH"
    );
    c.stream.set_read_timeout(Some(Duration::from_secs(10)));
    // The session goes on reading: the next command gets its own answer.
    assert_eq!(kind(&c.run("n1", "NOOP")), StatusKind::Ok);
}

#[test]
fn drop_after_bytes_cuts_the_greeting() {
    let faults = Faults {
        drop_after_bytes: Some(10),
        ..Faults::default()
    };
    let server = MockServer::builder().faults(faults).build().unwrap();
    let conn = server.connect_in_memory();
    let got = conn.recv_until(b"never", Duration::from_secs(5));
    assert_eq!(got, b"* OK [CAPA");
    assert!(conn.is_closed());
}

#[test]
fn faults_limited_to_the_first_connections_spare_the_later_ones() {
    let faults = Faults {
        drop_after_bytes: Some(10),
        first_connections: Some(1),
        ..Faults::default()
    };
    let server = MockServer::builder().faults(faults).build().unwrap();
    let first = server.connect_in_memory();
    assert_eq!(
        first.recv_until(b"never", Duration::from_secs(5)),
        b"* OK [CAPA"
    );
    assert!(first.is_closed());
    let second = server.connect_in_memory();
    let greeting = second.recv_until(b"\r\n", Duration::from_secs(5));
    assert!(greeting.ends_with(b"ready.\r\n"), "{greeting:?}");
    assert!(!second.is_closed());
}

#[test]
fn condstore_qresync_and_esearch() {
    let server = MockServer::builder().store(store(3)).build().unwrap();
    let mut c = login(&server);
    assert_eq!(kind(&c.run("e1", "ENABLE QRESYNC")), StatusKind::Ok);
    let r = select(&mut c);
    let validity = r
        .iter()
        .find_map(|r| match r {
            Response::Status(StatusResponse {
                code: Some(Code::UidValidity(v)),
                ..
            }) => Some(*v),
            _ => None,
        })
        .unwrap();
    let hms = r
        .iter()
        .find_map(|r| match r {
            Response::Status(StatusResponse {
                code: Some(Code::HighestModSeq(v)),
                ..
            }) => Some(*v),
            _ => None,
        })
        .unwrap();
    c.run("s2", "STORE 1 +FLAGS (\\Seen)");
    let acct = server.store().account("alice").unwrap();
    acct.expunge_uids("INBOX", &[imap_core::types::Uid::new(3).unwrap()])
        .unwrap();
    let r = c.run("n1", "NOOP");
    assert!(
        data(&r)
            .iter()
            .any(|d| matches!(d, Data::Vanished { earlier: false, .. })),
        "{r:?}"
    );
    c.run("u1", "UNSELECT");
    let r = c.run("q1", &format!("SELECT INBOX (QRESYNC ({validity} {hms}))"));
    assert!(
        data(&r)
            .iter()
            .any(|d| matches!(d, Data::Vanished { earlier: true, .. })),
        "{r:?}"
    );
    assert_eq!(fetch_seqs(&r), [1]);
    let r = c.run("e2", "SEARCH RETURN (MIN MAX COUNT) ALL");
    assert!(
        data(&r)
            .iter()
            .any(|d| matches!(d, Data::ESearch(e) if e.data.len() == 3)),
        "{r:?}"
    );
    let r = c.run("e3", "UID SEARCH RETURN (SAVE) SEEN");
    assert!(data(&r).is_empty());
    let r = c.run("e4", "UID FETCH $ (FLAGS)");
    assert_eq!(fetch_seqs(&r), [1]);
}

/// After ENABLE IMAP4rev2 the deprecated RECENT response and `\Recent` flag are left out
/// (RFC 9051 appendix E, item 12); an IMAP4rev1 session on the same mailbox still gets both.
#[test]
fn imap4rev2_sessions_get_no_recent() {
    let server = MockServer::builder().store(store(2)).build().unwrap();
    let recent_of = |r: &[Response]| -> (bool, bool) {
        let ds = data(r);
        let response = ds.iter().any(|d| matches!(d, Data::Recent(_)));
        let flag = ds.iter().any(|d| match d {
            Data::Fetch { data, .. } => data
                .iter()
                .any(|i| matches!(i, FetchData::Flags(f) if f.contains(&Flag::Recent))),
            _ => false,
        });
        (response, flag)
    };
    let mut rev2 = login(&server);
    assert_eq!(kind(&rev2.run("e1", "ENABLE IMAP4rev2")), StatusKind::Ok);
    let r = select(&mut rev2);
    assert_eq!(recent_of(&r), (false, false), "{r:?}");
    // This session took `\Recent` for both messages, but is not told of it.
    let r = rev2.run("f1", "FETCH 1:* (FLAGS)");
    assert_eq!(fetch_seqs(&r), [1, 2]);
    assert_eq!(recent_of(&r), (false, false), "{r:?}");

    // A new message, seen by an IMAP4rev1 session first: it gets `\Recent` and RECENT.
    let mut rev1 = login(&server);
    server
        .store()
        .account("alice")
        .unwrap()
        .append("INBOX", MSG.to_vec(), &[], None)
        .unwrap();
    let r = select(&mut rev1);
    assert!(recent_of(&r).0, "{r:?}");
    let r = rev1.run("f2", "FETCH 3 (FLAGS)");
    assert_eq!(recent_of(&r), (false, true), "{r:?}");
}

/// ACL (RFC 4314) and METADATA (RFC 5464) commands answer in the authenticated state, as the
/// RFCs say; they were `BAD No mailbox selected` before (issue 12, item 15).
#[test]
fn acl_and_metadata_in_the_authenticated_state() {
    use imap_core::types::AclEntry;
    let server = MockServer::builder().store(store(0)).build().unwrap();
    let mut c = login(&server);
    let caps = c.run("c", "CAPABILITY");
    let caps = format!("{:?}", data(&caps));
    for cap in ["Acl", "Rights(texk)", "Metadata", "MetadataServer"] {
        assert!(caps.contains(cap), "{caps}");
    }
    assert_eq!(kind(&c.run("a1", "SETACL INBOX chris lrs")), StatusKind::Ok);
    assert_eq!(
        kind(&c.run("a2", "SETACL INBOX chris +cda")),
        StatusKind::Ok
    );
    let r = c.run("a3", "GETACL INBOX");
    assert_eq!(kind(&r), StatusKind::Ok, "{r:?}");
    let acl = |id: &str, rights: &str| AclEntry {
        identifier: id.into(),
        rights: rights.into(),
    };
    assert!(matches!(
        data(&r)[..],
        [Data::Acl { entries, .. }]
            if *entries == [acl("alice", "lrswipkxteacd"), acl("chris", "lrskxteacd")]
    ));
    let r = c.run("a4", "MYRIGHTS INBOX");
    assert!(
        matches!(data(&r)[..], [Data::MyRights { rights, .. }] if rights.as_bytes() == b"lrswipkxteacd")
    );
    let r = c.run("a5", "LISTRIGHTS INBOX anyone");
    assert!(matches!(
        data(&r)[..],
        [Data::ListRights { required, optional, .. }] if required.is_empty() && optional.len() == 13
    ));
    assert_eq!(kind(&c.run("a6", "DELETEACL INBOX chris")), StatusKind::Ok);
    assert_eq!(
        kind(&c.run("a7", "SETACL INBOX chris lrQ")),
        StatusKind::Bad
    );
    assert_eq!(
        kind(&c.run("a8", "SETACL INBOX chris lrq")),
        StatusKind::Bad
    );
    let r = c.run("a9", "GETACL Nope");
    assert_eq!(tagged(&r).code, Some(Code::Simple(SimpleCode::NonExistent)));
    // METADATA: the server's and a mailbox's annotations.
    let r = c.run("m1", "SETMETADATA INBOX (/private/comment \"My comment\")");
    assert_eq!(kind(&r), StatusKind::Ok, "{r:?}");
    let r = c.run("m2", "GETMETADATA INBOX (/private/comment /shared/comment)");
    assert!(
        matches!(
            data(&r)[..],
            [Data::Metadata { entries, .. }]
                if *entries == [
                    ("/private/comment".into(), Some("My comment".into())),
                    ("/shared/comment".into(), None),
                ]
        ),
        "{r:?}"
    );
    assert_eq!(
        kind(&c.run("m3", "SETMETADATA \"\" (/shared/motd \"hi\")")),
        StatusKind::Ok
    );
    let r = c.run("m4", "GETMETADATA (MAXSIZE 1) \"\" /shared/motd");
    assert_eq!(tagged(&r).code, Some(Code::MetadataLongEntries(2)));
    assert_eq!(
        kind(&c.run("m5", "GETMETADATA INBOX /bogus")),
        StatusKind::Bad
    );
    // Still answered once a mailbox is selected.
    select(&mut c);
    assert_eq!(kind(&c.run("s1", "MYRIGHTS INBOX")), StatusKind::Ok);
}
