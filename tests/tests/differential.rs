//! The differential property: 2-4 clients on one mock-server mailbox run a random script of
//! operations (append, store flags, expunge, UID expunge, move, copy, fetch, search, noop,
//! idle, select/unselect, with pipelining). After every operation each client's mailbox model
//! agrees with what the server announced to that session, and after a final NOOP on every
//! session it equals the store.

use imap_core::types::*;
use imap_tests::Pair;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use proptest::prelude::*;
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

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Append),
        (any::<bool>(), any::<u8>(), any::<bool>(), any::<bool>()).prop_map(
            |(by_uid, pick, add, deleted)| Op::Flag {
                by_uid,
                pick,
                add,
                deleted
            }
        ),
        Just(Op::Expunge),
        any::<u8>().prop_map(|pick| Op::UidExpunge { pick }),
        any::<u8>().prop_map(|pick| Op::Move { pick }),
        any::<u8>().prop_map(|pick| Op::Copy { pick }),
        any::<bool>().prop_map(|by_uid| Op::Fetch { by_uid }),
        any::<bool>().prop_map(|by_uid| Op::Search { by_uid }),
        Just(Op::Noop),
        Just(Op::Idle),
        Just(Op::Reselect),
        any::<u8>().prop_map(|pick| Op::Pipelined { pick }),
        Just(Op::Deliver),
        any::<u8>().prop_map(|pick| Op::ExpungeElsewhere { pick }),
    ]
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
fn check_session(p: &Pair) -> Result<(), TestCaseError> {
    let Some(m) = p.client.selected() else {
        return Ok(());
    };
    m.check_invariants().map_err(TestCaseError::fail)?;
    let client = p.client_uids();
    let server = p.server_uids();
    prop_assert_eq!(
        client.len(),
        server.len(),
        "EXISTS: client {:?} server {:?}",
        client,
        server
    );
    for (c, s) in client.iter().zip(&server) {
        if c.is_some() {
            prop_assert_eq!(c, s, "client {:?} server {:?}", client, server);
        }
    }
    Ok(())
}

fn run_script(
    sessions: usize,
    initial: usize,
    script: &[(usize, Op)],
) -> Result<(), TestCaseError> {
    let (srv, mut pairs) = setup(sessions, initial);
    let mut counter = 0;
    for (who, op) in script {
        let i = who % pairs.len();
        apply(&srv, &mut pairs[i], op, &mut counter);
        for p in &pairs {
            check_session(p)?;
        }
    }
    // A final NOOP everywhere announces everything; then each model equals the store.
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
        check_session(p)?;
        prop_assert_eq!(p.server_uids(), store.clone());
        prop_assert_eq!(p.client_uids(), store.clone());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn models_agree_with_the_server_and_the_store(
        sessions in 2usize..=4,
        initial in 0usize..8,
        script in proptest::collection::vec((0usize..4, op()), 1..40),
    ) {
        run_script(sessions, initial, &script)?;
    }
}
