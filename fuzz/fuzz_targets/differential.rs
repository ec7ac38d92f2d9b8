//! The differential property of `tests/tests/differential.rs`, driven by fuzz bytes: 2-4
//! clients (`imap_tests::Pair`) on one mock-server mailbox run a script of operations (append,
//! store flags, expunge, UID expunge, move, copy, fetch, search, noop, idle, reselect,
//! pipelining, delivery and expunge from outside). After every operation each client's mailbox
//! model agrees with what the server announced to that session, and after a final NOOP and
//! UID FETCH on every session it equals the store.
//!
//! Input layout: byte 0: number of sessions (2 + b % 3); byte 1: initial messages (b % 8);
//! then up to 40 steps of a session byte, an op byte (op % 14, in the order of `Op`) and the
//! op's argument bytes (`pick`, then a flag byte for `Flag`, `Fetch` and `Search`). The `Op`
//! enum and `apply` are copied from the test.
#![no_main]

use imap_core::types::*;
use imap_core_fuzz::Cursor;
use imap_tests::Pair;
use libfuzzer_sys::fuzz_target;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::time::Instant;

#[derive(Debug, Clone)]
enum Op {
    Append,
    Flag {
        by_uid: bool,
        pick: u8,
        add: bool,
        deleted: bool,
    },
    Expunge,
    UidExpunge {
        pick: u8,
    },
    Move {
        pick: u8,
    },
    Copy {
        pick: u8,
    },
    Fetch {
        by_uid: bool,
    },
    Search {
        by_uid: bool,
    },
    Noop,
    Idle,
    Reselect,
    Pipelined {
        pick: u8,
    },
    Deliver,
    ExpungeElsewhere {
        pick: u8,
    },
}

fn message(n: usize) -> String {
    format!("From: x@y.org\r\nSubject: m{n}\r\nMessage-ID: <{n}@y.org>\r\n\r\nbody {n}\r\n")
}

fn setup(sessions: usize, initial: usize) -> (MockServer, Vec<Pair>) {
    let mut b = Store::builder().user("u", "p").mailbox("INBOX");
    for i in 0..initial {
        b = b.message(message(i), &[], None);
    }
    let srv = MockServer::builder()
        .store(b.mailbox("Other").build().unwrap())
        .build()
        .unwrap();
    let now = Instant::now();
    let pairs = (0..sessions)
        .map(|_| {
            let mut p = Pair::connect(&srv, now);
            p.login_select("u", "p", "INBOX");
            p
        })
        .collect();
    (srv, pairs)
}

/// A message of the session by position (sequence number) and its UID if known.
fn pick(p: &Pair, k: u8) -> Option<(SeqNum, Option<Uid>)> {
    let m = p.client.selected()?;
    let n = m.exists();
    if n == 0 {
        return None;
    }
    let s = SeqNum::new(u32::from(k) % n + 1)?;
    Some((s, m.uid(s)))
}

fn seq_set(s: SeqNum) -> MessageSet {
    MessageSet::Seq(SeqSet::single(s))
}

fn uid_fetch_all() -> CommandBody {
    CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::all()),
        items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]),
        changed_since: None,
        vanished: false,
    }
}

fn apply(srv: &MockServer, p: &mut Pair, op: &Op, counter: &mut usize) {
    let account = srv.store().account("u").unwrap();
    match op {
        Op::Append => {
            *counter += 1;
            p.call(CommandBody::Append {
                mailbox: Mailbox::inbox(),
                messages: vec![AppendMessage {
                    flags: vec![],
                    date: None,
                    data: message(1000 + *counter).into(),
                    binary: false,
                }],
            });
        }
        Op::Flag {
            by_uid,
            pick: k,
            add,
            deleted,
        } => {
            let Some((s, u)) = pick(p, *k) else { return };
            let set = match (by_uid, u) {
                (true, Some(u)) => MessageSet::Uid(UidSet::single(u)),
                _ => seq_set(s),
            };
            p.call(CommandBody::Store {
                set,
                kind: if *add {
                    StoreKind::Add
                } else {
                    StoreKind::Remove
                },
                silent: false,
                target: StoreTarget::Flags(vec![if *deleted { Flag::Deleted } else { Flag::Seen }]),
                unchanged_since: None,
            });
        }
        Op::Expunge => {
            p.call(CommandBody::Expunge);
        }
        Op::UidExpunge { pick: k } => {
            if let Some((_, Some(u))) = pick(p, *k) {
                p.call(CommandBody::UidExpunge(UidSet::single(u)));
            }
        }
        Op::Move { pick: k } | Op::Copy { pick: k } => {
            let Some((s, _)) = pick(p, *k) else { return };
            let body = if matches!(op, Op::Move { .. }) {
                CommandBody::Move {
                    set: seq_set(s),
                    mailbox: "Other".into(),
                }
            } else {
                CommandBody::Copy {
                    set: seq_set(s),
                    mailbox: "Other".into(),
                }
            };
            p.call(body);
        }
        Op::Fetch { by_uid } => {
            p.call(if *by_uid {
                uid_fetch_all()
            } else {
                CommandBody::Fetch {
                    set: MessageSet::Seq(SeqSet::all()),
                    items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]),
                    changed_since: None,
                    vanished: false,
                }
            });
        }
        Op::Search { by_uid } => {
            p.call(CommandBody::Search {
                uid: *by_uid,
                returns: None,
                charset: None,
                criteria: vec![SearchKey::All],
            });
        }
        Op::Noop => {
            p.call(CommandBody::Noop);
        }
        Op::Idle => {
            let id = p.client.send(p.now, CommandBody::Idle).unwrap();
            p.run();
            *counter += 1;
            account
                .deliver("INBOX", message(2000 + *counter), &[], None)
                .unwrap();
            p.wake();
            p.client.idle_done(p.now).unwrap();
            p.run();
            assert!(p.take_completion(id).unwrap().is_ok());
        }
        Op::Reselect => {
            p.call(CommandBody::Unselect);
            p.call(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default(),
            });
        }
        Op::Pipelined { pick: k } => {
            // A UID command that may expunge, then sequence-number commands behind it.
            let Some((s, _)) = pick(p, *k) else { return };
            let now = p.now;
            p.client.send(now, CommandBody::Noop).unwrap();
            p.client
                .send(
                    now,
                    CommandBody::Fetch {
                        set: seq_set(s),
                        items: FetchItems::Items(vec![FetchItem::Uid]),
                        changed_since: None,
                        vanished: false,
                    },
                )
                .unwrap();
            p.client.send(now, uid_fetch_all()).unwrap();
            p.run();
        }
        Op::Deliver => {
            *counter += 1;
            account
                .deliver("INBOX", message(3000 + *counter), &[], None)
                .unwrap();
        }
        Op::ExpungeElsewhere { pick: k } => {
            let uids = account.uids("INBOX").unwrap();
            if !uids.is_empty() {
                let u = uids[usize::from(*k) % uids.len()];
                account.expunge_uids("INBOX", &[u]).unwrap();
            }
        }
    }
}

/// The client's model agrees with what the server announced to this session.
fn check_session(p: &Pair) {
    let Some(m) = p.client.selected() else {
        return;
    };
    if let Err(e) = m.check_invariants() {
        panic!("invariants: {e}");
    }
    let client = p.client_uids();
    let server = p.server_uids();
    assert_eq!(
        client.len(),
        server.len(),
        "EXISTS: client {client:?} server {server:?}"
    );
    for (c, s) in client.iter().zip(&server) {
        if c.is_some() {
            assert_eq!(c, s, "client {client:?} server {server:?}");
        }
    }
}

fn decode(c: &mut Cursor<'_>) -> Op {
    let (op, pick, bits) = (c.byte() % 14, c.byte(), c.byte());
    let by_uid = bits & 1 != 0;
    match op {
        0 => Op::Append,
        1 => Op::Flag {
            by_uid,
            pick,
            add: bits & 2 != 0,
            deleted: bits & 4 != 0,
        },
        2 => Op::Expunge,
        3 => Op::UidExpunge { pick },
        4 => Op::Move { pick },
        5 => Op::Copy { pick },
        6 => Op::Fetch { by_uid },
        7 => Op::Search { by_uid },
        8 => Op::Noop,
        9 => Op::Idle,
        10 => Op::Reselect,
        11 => Op::Pipelined { pick },
        12 => Op::Deliver,
        _ => Op::ExpungeElsewhere { pick },
    }
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let sessions = 2 + usize::from(c.byte() % 3);
    let initial = usize::from(c.byte() % 8);
    let mut script = Vec::new();
    while !c.is_empty() && script.len() < 40 {
        let who = usize::from(c.byte());
        script.push((who, decode(&mut c)));
    }
    let (srv, mut pairs) = setup(sessions, initial);
    let mut counter = 0;
    for (who, op) in &script {
        let i = who % pairs.len();
        apply(&srv, &mut pairs[i], op, &mut counter);
        for p in &pairs {
            check_session(p);
        }
    }
    let store: Vec<Option<u32>> = srv
        .store()
        .account("u")
        .unwrap()
        .uids("INBOX")
        .unwrap()
        .into_iter()
        .map(|u| Some(u.get()))
        .collect();
    for p in &mut pairs {
        p.call(CommandBody::Noop);
        p.call(uid_fetch_all());
        check_session(p);
        assert_eq!(p.server_uids(), store);
        assert_eq!(p.client_uids(), store);
    }
});
