//! The real sans-IO client against the real mock server, in memory, with a virtual clock: the
//! classic message-numbering traps, each as a named test.

use imap_core::client::{Event, Outcome};
use imap_core::mailbox::Update;
use imap_core::types::*;
use imap_tests::Pair;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::time::Instant;

fn message(n: u32) -> String {
    format!(
        "From: a{n}@example.org\r\nTo: b@example.org\r\nSubject: message {n}\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <{n}@example.org>\r\n\r\nBody {n}\r\n"
    )
}

/// A server whose user `u` (password `p`) has `n` messages in INBOX and an empty Archive.
fn server(n: u32) -> MockServer {
    let mut b = Store::builder().user("u", "p").mailbox("INBOX");
    for i in 1..=n {
        b = b.message(message(i), &[], None);
    }
    let store = b.mailbox("Archive").build().expect("store");
    MockServer::builder().store(store).build().expect("server")
}

fn fetch_uids(p: &mut Pair) {
    let c = p.call(CommandBody::Fetch {
        set: MessageSet::Seq(SeqSet::all()),
        items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]),
        changed_since: None,
        vanished: false,
    });
    assert!(c.is_ok(), "{c:?}");
}

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn seq(n: u32) -> SeqNum {
    SeqNum::new(n).unwrap()
}

fn delete_uids(p: &mut Pair, uids: &[u32]) {
    let c = p.call(CommandBody::Store {
        set: MessageSet::Uid(UidSet::from_keys(uids.iter().map(|&u| uid(u))).unwrap()),
        kind: StoreKind::Add,
        silent: true,
        target: StoreTarget::Flags(vec![Flag::Deleted]),
        unchanged_since: None,
    });
    assert!(c.is_ok(), "{c:?}");
}

fn assert_consistent(p: &Pair) {
    let m = p.client.selected().expect("selected");
    m.check_invariants().expect("client model invariants");
    assert_eq!(
        p.client_uids().len(),
        p.server_uids().len(),
        "EXISTS differs"
    );
    for (c, s) in p.client_uids().iter().zip(p.server_uids()) {
        if c.is_some() {
            assert_eq!(
                *c,
                s,
                "client {:?} server {:?}",
                p.client_uids(),
                p.server_uids()
            );
        }
    }
}

fn store_uids(srv: &MockServer) -> Vec<Option<u32>> {
    srv.store()
        .account("u")
        .unwrap()
        .uids("INBOX")
        .unwrap()
        .into_iter()
        .map(|u| Some(u.get()))
        .collect()
}

#[test]
fn login_select_fetch_through_the_real_server() {
    let srv = server(3);
    let mut a = Pair::connect(&srv, Instant::now());
    let sel = a.login_select("u", "p", "INBOX");
    let summary = sel.summary.expect("summary");
    assert_eq!(summary.exists, 3);
    assert!(summary.uid_validity.is_some());
    let c = a.call(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::all()),
        items: FetchItems::Items(vec![
            FetchItem::Uid,
            FetchItem::Envelope,
            FetchItem::BodyStructure,
        ]),
        changed_since: None,
        vanished: false,
    });
    let msgs: Vec<_> = c.fetched().collect();
    assert_eq!(msgs.len(), 3);
    let env = msgs[1]
        .data
        .iter()
        .find_map(|d| match d {
            FetchData::Envelope(e) => Some(e.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(env.subject().unwrap().as_bytes(), b"message 2");
    assert_consistent(&a);
}

#[test]
fn expunge_burst_3_3_3() {
    let srv = server(6);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    fetch_uids(&mut a);
    delete_uids(&mut a, &[3, 4, 5]);
    a.events.clear();
    let c = a.call(CommandBody::Expunge);
    assert!(c.is_ok());
    // The removals are EXPUNGE's own result, in its completion (and not events).
    assert!(!a.events.iter().any(|e| matches!(e, Event::Mailbox(_))));
    let expunged: Vec<(u32, Option<u32>)> = c
        .removals
        .iter()
        .filter_map(|u| match u {
            Update::Expunged(r) => Some((r.seq.get(), r.uid.map(Uid::get))),
            _ => None,
        })
        .collect();
    assert_eq!(expunged.len(), 3);
    let mut gone: Vec<u32> = expunged.iter().filter_map(|e| e.1).collect();
    gone.sort();
    assert_eq!(gone, vec![3, 4, 5]);
    assert_eq!(a.client_uids(), vec![Some(1), Some(2), Some(6)]);
    assert_consistent(&a);
}

#[test]
fn expunge_of_the_last_message_then_exists() {
    let srv = server(4);
    let mut a = Pair::connect(&srv, Instant::now());
    let mut b = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    b.login_select("u", "p", "INBOX");
    fetch_uids(&mut a);
    fetch_uids(&mut b);
    delete_uids(&mut b, &[4]);
    assert!(b.call(CommandBody::Expunge).is_ok());
    srv.store()
        .account("u")
        .unwrap()
        .deliver("INBOX", message(5), &[], None)
        .unwrap();
    a.events.clear();
    assert!(a.call(CommandBody::Noop).is_ok());
    let order: Vec<String> = a
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Data(Data::Expunge(s)) => Some(format!("EXPUNGE {s}")),
            Event::Data(Data::Exists(n)) => Some(format!("EXISTS {n}")),
            _ => None,
        })
        .collect();
    // Both orders are legal; the mock announces additions first. The scripted-server tests in
    // imap-core cover the other order (`EXPUNGE 4` then `EXISTS 4`, same number).
    assert!(
        order == ["EXPUNGE 4", "EXISTS 4"] || order == ["EXISTS 5", "EXPUNGE 4"],
        "{order:?}"
    );
    assert_eq!(a.client_uids().len(), 4);
    assert_eq!(
        a.client.selected().unwrap().uid(seq(4)),
        None,
        "new UID not known yet"
    );
    fetch_uids(&mut a);
    assert_eq!(a.client_uids(), vec![Some(1), Some(2), Some(3), Some(5)]);
    assert_consistent(&a);
}

#[test]
fn fetch_of_a_message_expunged_by_another_session() {
    // RFC 2180 4.1: no EXPUNGE during FETCH; the server answers NO [EXPUNGEISSUED] (4.1.2)
    // and the expunge is announced at the next legal point.
    let srv = server(3);
    let mut a = Pair::connect(&srv, Instant::now());
    let mut b = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    b.login_select("u", "p", "INBOX");
    fetch_uids(&mut a);
    delete_uids(&mut b, &[2]);
    assert!(b.call(CommandBody::Expunge).is_ok());
    a.events.clear();
    let c = a.call(CommandBody::Fetch {
        set: MessageSet::Seq(SeqSet::single(seq(2))),
        items: FetchItems::Items(vec![FetchItem::Rfc822Size]),
        changed_since: None,
        vanished: false,
    });
    assert_eq!(c.outcome, Outcome::No);
    assert_eq!(c.code, Some(Code::Simple(SimpleCode::ExpungeIssued)));
    assert!(
        !a.events
            .iter()
            .any(|e| matches!(e, Event::Data(Data::Expunge(_)))),
        "no EXPUNGE during FETCH"
    );
    assert_eq!(a.client_uids().len(), 3, "the model still has message 2");
    assert!(a.call(CommandBody::Noop).is_ok());
    assert_eq!(a.client_uids(), vec![Some(1), Some(3)]);
    assert_consistent(&a);
}

#[test]
fn vanished_earlier_after_a_qresync_select() {
    let srv = server(5);
    let mut a = Pair::connect(&srv, Instant::now());
    let c = a.call(CommandBody::Login {
        username: "u".into(),
        password: imap_core::secret::Secret::new("p".into()),
    });
    assert!(c.is_ok(), "{c:?}");
    // ENABLE before any SELECT (RFC 9051 section 6.3.1).
    let c = a.call(CommandBody::Enable(vec![Capability::QResync]));
    assert!(c.is_ok(), "{c:?}");
    let sel = a.call(CommandBody::Select {
        mailbox: Mailbox::inbox(),
        params: SelectParams::default(),
    });
    let summary = sel.summary.clone().unwrap();
    let validity = summary.uid_validity.unwrap();
    let modseq = summary.highest_modseq.expect("QRESYNC gives HIGHESTMODSEQ");
    // Another client expunges two messages while we are away.
    let mut b = Pair::connect(&srv, Instant::now());
    b.login_select("u", "p", "INBOX");
    delete_uids(&mut b, &[2, 4]);
    assert!(b.call(CommandBody::Expunge).is_ok());
    a.events.clear();
    let c = a.call(CommandBody::Select {
        mailbox: Mailbox::inbox(),
        params: SelectParams {
            condstore: false,
            qresync: Some(QResync {
                uid_validity: std::num::NonZeroU32::new(validity.get()).unwrap(),
                modseq,
                known_uids: Some(UidSet::range(uid(1), uid(5))),
                seq_match: None,
            }),
        },
    });
    assert!(c.is_ok(), "{c:?}");
    // VANISHED (EARLIER) answers SELECT's QRESYNC: it is in SELECT's completion.
    let earlier: Vec<u32> = c
        .data
        .iter()
        .filter_map(|d| match d {
            Data::Vanished {
                earlier: true,
                uids,
            } => Some(UidRanges::from_set(uids, u32::MAX)),
            _ => None,
        })
        .flat_map(|r| r.iter().map(Uid::get).collect::<Vec<_>>())
        .collect();
    assert_eq!(earlier, vec![2, 4]);
    assert_eq!(
        a.client.selected().unwrap().exists(),
        3,
        "EXISTS is the new count"
    );
    fetch_uids(&mut a);
    assert_eq!(a.client_uids(), vec![Some(1), Some(3), Some(5)]);
    assert_consistent(&a);
}

#[test]
fn uidvalidity_changes_when_a_mailbox_is_recreated() {
    let srv = server(2);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let first = a
        .call(CommandBody::Select {
            mailbox: "Archive".into(),
            params: SelectParams::default(),
        })
        .summary
        .unwrap()
        .uid_validity;
    assert!(a.call(CommandBody::Close).is_ok());
    assert!(a.call(CommandBody::Delete("Archive".into())).is_ok());
    assert!(
        a.call(CommandBody::Create {
            mailbox: "Archive".into(),
            special_use: vec![],
        })
        .is_ok()
    );
    let second = a
        .call(CommandBody::Select {
            mailbox: "Archive".into(),
            params: SelectParams::default(),
        })
        .summary
        .unwrap()
        .uid_validity;
    assert_ne!(first, second, "a re-created mailbox gets a new UIDVALIDITY");
}

#[test]
fn sequence_number_commands_pipelined_behind_an_expunge() {
    let srv = server(5);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    fetch_uids(&mut a);
    delete_uids(&mut a, &[1, 2]);
    let expunge = a.client.send(a.now, CommandBody::Expunge).unwrap();
    let fetch = a
        .client
        .send(
            a.now,
            CommandBody::Fetch {
                set: MessageSet::Seq(SeqSet::single(seq(1))),
                items: FetchItems::Items(vec![FetchItem::Uid]),
                changed_since: None,
                vanished: false,
            },
        )
        .unwrap();
    a.run();
    assert!(a.take_completion(expunge).unwrap().is_ok());
    let f = a.take_completion(fetch).unwrap();
    let got: Vec<_> = f.fetched().collect();
    assert_eq!(
        got[0].uid,
        Some(uid(3)),
        "FETCH 1 was sent after the EXPUNGE finished"
    );
    assert_consistent(&a);
}

#[test]
fn idle_sees_a_delivery_from_another_client() {
    let srv = server(1);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let idle = a.client.send(a.now, CommandBody::Idle).unwrap();
    a.run();
    assert!(a.events.iter().any(|e| *e == Event::IdleStarted(idle)));
    srv.store()
        .account("u")
        .unwrap()
        .deliver("INBOX", message(2), &[], None)
        .unwrap();
    a.wake();
    assert_eq!(a.client.selected().unwrap().exists(), 2);
    a.client.idle_done(a.now).unwrap();
    a.run();
    assert!(a.take_completion(idle).unwrap().is_ok());
    fetch_uids(&mut a);
    assert_eq!(a.client_uids(), store_uids(&srv));
}

#[test]
fn append_with_literal_returns_the_uid_and_move_maps_uids() {
    let srv = server(1);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let c = a.call(CommandBody::Append {
        mailbox: Mailbox::inbox(),
        messages: vec![AppendMessage {
            flags: vec![Flag::Seen],
            date: None,
            data: AppendData::Literal {
                data: message(9).into(),
                binary: false,
            },
        }],
    });
    let (_, uids) = c.append_uid().expect("APPENDUID");
    assert_eq!(uids, [uid(2)]);
    fetch_uids(&mut a);
    let c = a.call(CommandBody::Move {
        set: MessageSet::Uid(UidSet::single(uid(2))),
        mailbox: "Archive".into(),
    });
    assert!(c.is_ok(), "{c:?}");
    let (_, source, destination) = c.copy_uid().expect("COPYUID");
    assert_eq!((source.len(), destination.len()), (1, 1));
    assert_eq!(source, [uid(2)]);
    assert_eq!(a.client_uids(), vec![Some(1)]);
    assert_consistent(&a);
}
