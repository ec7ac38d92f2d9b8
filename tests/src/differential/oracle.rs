//! The flag oracle of the differential scenario (issue 15, item 1): for every session, each
//! message's flags and MODSEQ only move forward in what the session is told, and at each of
//! its tagged responses the session's view of the flags equals the store's.
//!
//! "Forward" is measured against [`History`], every state each message's flags have been in,
//! recorded from the store after every step (a step changes a message's flags at most once).
//! A `FETCH` with `MODSEQ` must tell exactly the state of that MODSEQ, and no earlier one than
//! the session was last told; a `FETCH` without it must tell a state at or after the last.
//! `\Recent` is per session and left out of the comparison.

use imap_core::client::Event;
use imap_core::mailbox::Update;
use imap_core::types::{Data, FetchData, Flag, SeqNum, Uid};
use mock_server::store::Account;
use std::collections::HashMap;

/// Flags as a set, comparable: without `\Recent`, in a fixed order.
fn set(flags: &[Flag]) -> Vec<String> {
    let mut v: Vec<String> = flags
        .iter()
        .filter(|f| **f != Flag::Recent)
        .map(|f| format!("{f:?}").to_ascii_lowercase())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Every state each message's flags have been in: `(MODSEQ, flags)`, oldest first.
#[derive(Default)]
pub(super) struct History(HashMap<Uid, Vec<(u64, Vec<String>)>>);

impl History {
    /// Records the store's current state of every message in INBOX.
    pub fn record(&mut self, account: &Account) {
        for uid in account.uids("INBOX").unwrap_or_default() {
            let Ok(Some(m)) = account.message("INBOX", uid) else {
                continue;
            };
            let states = self.0.entry(uid).or_default();
            if states.last().is_none_or(|(ms, _)| *ms != m.modseq) {
                states.push((m.modseq, set(&m.flags)));
            }
        }
    }

    /// The index of the state `flags` (at `modseq` when given) at or after `from`.
    fn find(&self, uid: Uid, from: usize, flags: &[String], modseq: Option<u64>) -> Option<usize> {
        let states = self.0.get(&uid)?;
        (from..states.len()).find(|&i| {
            let (ms, f) = &states[i];
            f == flags && modseq.is_none_or(|m| m == *ms)
        })
    }
}

/// What one session has been told so far.
#[derive(Default)]
pub(super) struct Told {
    /// Per message, the index in [`History`] of the last state told.
    last: HashMap<Uid, usize>,
    /// The UID of the FETCH being read (the model's `Fetched` update comes before the data).
    uid: Option<Uid>,
    /// The session's numbering as the events go: the client model may not know a UID (a STORE
    /// by sequence number answers without one), the server does. Set from the server's view
    /// between steps, kept through EXISTS and EXPUNGE within one.
    numbering: Vec<Option<Uid>>,
}

impl Told {
    /// A session whose numbering is `view` (UIDs in sequence order).
    pub fn new(view: &[Option<u32>]) -> Self {
        let mut t = Told::default();
        t.renumber(view);
        t
    }

    /// Takes the server's view of the session's numbering (between steps, when it equals the
    /// client's).
    pub fn renumber(&mut self, view: &[Option<u32>]) {
        self.numbering = view.iter().map(|u| u.and_then(Uid::new)).collect();
    }

    /// Reads the session's events in order and checks every `FETCH (FLAGS ..)` moves forward.
    ///
    /// # Errors
    /// The first flag state told out of order, or never held by the store.
    pub fn observe(&mut self, events: &[Event], history: &History) -> Result<(), String> {
        for e in events {
            match e {
                Event::Mailbox(Update::Exists { previous, exists }) => {
                    if *previous == 0 {
                        // A new selection.
                        self.numbering.clear();
                    }
                    self.numbering.resize(*exists as usize, None);
                }
                Event::Mailbox(u @ (Update::Expunged(_) | Update::Vanished(_))) => self.remove(u),
                Event::Mailbox(Update::Fetched(f)) => {
                    let at = f.message.seq.get() as usize - 1;
                    self.uid = f
                        .message
                        .uid
                        .or_else(|| self.numbering.get(at).copied().flatten());
                }
                Event::Completed(c) => {
                    // What the session's own commands were told: their removals, then the
                    // FETCH responses they claimed (a completion never holds both).
                    for u in &c.removals {
                        self.remove(u);
                    }
                    for d in &c.data {
                        if let Data::Fetch { seq, data } = d {
                            let at = seq.get() as usize - 1;
                            let told = data.iter().find_map(|i| match i {
                                FetchData::Uid(u) => Some(*u),
                                _ => None,
                            });
                            self.uid = told.or_else(|| self.numbering.get(at).copied().flatten());
                            self.check(*seq, data, history)?;
                        }
                    }
                }
                Event::Data(Data::Fetch { seq, data }) => self.check(*seq, data, history)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Applies a removal to the numbering.
    fn remove(&mut self, u: &Update) {
        match u {
            Update::Expunged(r) => {
                let at = r.seq.get() as usize - 1;
                if at < self.numbering.len() {
                    self.numbering.remove(at);
                }
            }
            Update::Vanished(v) => {
                let removed: Vec<_> = v.messages().collect();
                for r in removed.iter().rev() {
                    let at = r.seq.get() as usize - 1;
                    if at < self.numbering.len() {
                        self.numbering.remove(at);
                    }
                }
            }
            _ => {}
        }
    }

    /// Checks the flags one FETCH response told about the message `self.uid` names.
    fn check(&mut self, seq: SeqNum, data: &[FetchData], history: &History) -> Result<(), String> {
        let Some(uid) = self.uid.take() else {
            return Ok(());
        };
        let mut flags = None;
        let mut modseq = None;
        for d in data {
            match d {
                FetchData::Flags(f) => flags = Some(set(f)),
                FetchData::ModSeq(m) => modseq = Some(*m),
                _ => {}
            }
        }
        let Some(flags) = flags else { return Ok(()) };
        let from = self.last.get(&uid).copied().unwrap_or(0);
        let Some(at) = history.find(uid, from, &flags, modseq) else {
            return Err(format!(
                "* {seq} FETCH told UID {uid} flags {flags:?} MODSEQ {modseq:?}: not a state at \
                 or after the last told ({:?}); history {:?}",
                history.0.get(&uid).and_then(|h| h.get(from)),
                history.0.get(&uid)
            ));
        };
        self.last.insert(uid, at);
        Ok(())
    }
}

/// At a tagged response: every message whose flags (MODSEQ) the session knows and which is
/// still in the store has the store's flags (MODSEQ).
///
/// # Errors
/// The first message that differs.
pub(super) fn view_equals_store(
    model: &imap_core::mailbox::SelectedMailbox,
    account: &Account,
) -> Result<(), String> {
    for (seq, uid, flags) in model.messages().iter() {
        let Some(uid) = uid else { continue };
        let Ok(Some(m)) = account.message("INBOX", uid) else {
            continue;
        };
        if let Some(f) = flags
            && set(f) != set(&m.flags)
        {
            return Err(format!(
                "at the tagged OK, message {seq} (UID {uid}) has flags {:?}, the store {:?}",
                set(f),
                set(&m.flags)
            ));
        }
        if let Some(ms) = model.messages().modseq(seq)
            && ms != m.modseq
        {
            return Err(format!(
                "at the tagged OK, message {seq} (UID {uid}) has MODSEQ {ms}, the store {}",
                m.modseq
            ));
        }
    }
    Ok(())
}
