//! The differential scenario shared by the proptest (`tests/tests/differential.rs`) and the
//! `differential` fuzz target: 2-4 clients on one mock-server mailbox run a script of
//! operations; after every operation each client's mailbox model agrees with what the server
//! announced to that session, and after a final NOOP on every session it equals the store.
//! The flag oracle ([`oracle`]) checks, for every session, that each message's flags and MODSEQ
//! only move forward in what it is told, and that its view of them equals the store's at each
//! of its tagged responses. Sessions chosen by a bit mask enable CONDSTORE, so that MODSEQ is
//! told too.

mod oracle;

use crate::Pair;
use imap_core::types::*;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use oracle::{History, Told, view_equals_store};
use std::time::Instant;

/// One step of a script.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Op {
    /// The client appends a message.
    Append,
    /// STORE +/-FLAGS (\Seen or \Deleted) on a picked message, by UID or sequence number.
    Flag {
        /// Use UID STORE when the UID is known.
        by_uid: bool,
        /// Which message (modulo EXISTS).
        pick: u8,
        /// Add (else remove).
        add: bool,
        /// `\Deleted` (else `\Seen`).
        deleted: bool,
    },
    /// EXPUNGE.
    Expunge,
    /// UID EXPUNGE of a picked message.
    UidExpunge {
        /// Which message.
        pick: u8,
    },
    /// MOVE of a picked message to `Other`.
    Move {
        /// Which message.
        pick: u8,
    },
    /// COPY of a picked message to `Other`.
    Copy {
        /// Which message.
        pick: u8,
    },
    /// FETCH of every message's UID and flags.
    Fetch {
        /// UID FETCH (else FETCH 1:*).
        by_uid: bool,
    },
    /// SEARCH ALL.
    Search {
        /// UID SEARCH.
        by_uid: bool,
    },
    /// NOOP.
    Noop,
    /// IDLE while another client delivers a message, then DONE.
    Idle,
    /// UNSELECT and SELECT again.
    Reselect,
    /// NOOP, FETCH of a picked message by number, and UID FETCH, pipelined.
    Pipelined {
        /// Which message.
        pick: u8,
    },
    /// A delivery into the store from outside.
    Deliver,
    /// An expunge in the store from outside.
    ExpungeElsewhere {
        /// Which message.
        pick: u8,
    },
    /// FETCH of a picked message's body by number, which sets `\Seen` (and reports FLAGS).
    FetchBody {
        /// Which message.
        pick: u8,
    },
}

fn message(n: usize) -> String {
    format!("From: x@y.org\r\nSubject: m{n}\r\nMessage-ID: <{n}@y.org>\r\n\r\nbody {n}\r\n")
}

fn setup(sessions: usize, initial: usize, condstore: u8) -> (MockServer, Vec<Pair>) {
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
        .map(|i| {
            let mut p = Pair::connect(&srv, now);
            if condstore >> i & 1 != 0 {
                // ENABLE is for the authenticated state (RFC 5161 section 3.1).
                let c = p.call(CommandBody::Login {
                    username: "u".into(),
                    password: imap_core::secret::Secret::new("p".into()),
                });
                assert!(c.is_ok());
                p.call(CommandBody::Enable(vec![Capability::CondStore]));
                p.call(CommandBody::Select {
                    mailbox: Mailbox::inbox(),
                    params: SelectParams::default(),
                });
            } else {
                p.login_select("u", "p", "INBOX");
            }
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
                    data: AppendData::Literal {
                        data: message(1000 + *counter).into(),
                        binary: false,
                    },
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
        Op::FetchBody { pick: k } => {
            let Some((s, _)) = pick(p, *k) else { return };
            p.call(CommandBody::Fetch {
                set: seq_set(s),
                items: FetchItems::Items(vec![FetchItem::BodySection {
                    section: Section::default(),
                    partial: None,
                    peek: false,
                }]),
                changed_since: None,
                vanished: false,
            });
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
fn check_session(p: &Pair) -> Result<(), String> {
    let Some(m) = p.client.selected() else {
        return Ok(());
    };
    m.check_invariants()?;
    let client = p.client_uids();
    let server = p.server_uids();
    if client.len() != server.len() {
        return Err(format!("EXISTS: client {client:?} server {server:?}"));
    }
    for (c, s) in client.iter().zip(&server) {
        if c.is_some() && c != s {
            return Err(format!("client {client:?} server {server:?}"));
        }
    }
    Ok(())
}

/// Runs `script` (session index, operation) on `sessions` clients over a mailbox of `initial`
/// messages, checking the property after every step and at the end. Session `i` enables
/// CONDSTORE when bit `i` of `condstore` is set.
///
/// # Errors
/// The first disagreement, described.
pub fn run_script(
    sessions: usize,
    initial: usize,
    condstore: u8,
    script: &[(usize, Op)],
) -> Result<(), String> {
    let (srv, mut pairs) = setup(sessions, initial, condstore);
    let account = srv.store().account("u").unwrap();
    let mut history = History::default();
    history.record(&account);
    let mut told: Vec<Told> = pairs.iter().map(|p| Told::new(&p.server_uids())).collect();
    for p in &mut pairs {
        p.events.clear();
    }
    let observe = |pairs: &mut [Pair], told: &mut [Told], history: &History| {
        for (p, t) in pairs.iter_mut().zip(told.iter_mut()) {
            let events = std::mem::take(&mut p.events);
            t.observe(&events, history)?;
            t.renumber(&p.server_uids());
        }
        Ok::<(), String>(())
    };
    let mut counter = 0;
    for (step, (who, op)) in script.iter().enumerate() {
        let i = who % pairs.len();
        let sent = pairs[i].client_bytes.len();
        apply(&srv, &mut pairs[i], op, &mut counter);
        history.record(&account);
        observe(&mut pairs, &mut told, &history).map_err(|e| format!("step {step}: {e}"))?;
        for p in &pairs {
            check_session(p)?;
        }
        // The session that ran a command has just had its tagged response.
        if pairs[i].client_bytes.len() > sent
            && let Some(m) = pairs[i].client.selected()
        {
            view_equals_store(m, &account).map_err(|e| {
                let p = &pairs[i];
                format!(
                    "step {step}, session {i}: {e}\nclient:\n{}\nserver:\n{}",
                    String::from_utf8_lossy(&p.client_bytes),
                    String::from_utf8_lossy(&p.server_bytes)
                )
            })?;
        }
    }
    // A final NOOP everywhere announces everything; then each model equals the store.
    let store: Vec<Option<u32>> = account
        .uids("INBOX")
        .unwrap()
        .into_iter()
        .map(|u| Some(u.get()))
        .collect();
    for (i, p) in pairs.iter_mut().enumerate() {
        p.call(CommandBody::Noop);
        p.call(uid_fetch_all());
        told[i].observe(&std::mem::take(&mut p.events), &history)?;
        check_session(p)?;
        if p.server_uids() != store || p.client_uids() != store {
            return Err(format!(
                "after NOOP: client {:?} server {:?} store {store:?}",
                p.client_uids(),
                p.server_uids()
            ));
        }
        if let Some(m) = p.client.selected() {
            view_equals_store(m, &account).map_err(|e| format!("after NOOP, session {i}: {e}"))?;
        }
    }
    Ok(())
}
