//! Catching up with a folder after a reconnection ([`Resync`]): reselects it and reports what
//! changed while the client was away as the ordinary mailbox events.
//!
//! Given the last state the client knew ([`MailboxState`], taken from the mailbox model of the
//! lost connection), the operation reselects the folder the cheapest way the server allows:
//!
//! - **QRESYNC** (RFC 7162 section 3.2.5) when offered: `ENABLE QRESYNC`, then
//!   `SELECT mbox (QRESYNC (uidvalidity modseq known-uids))`; the server answers with
//!   `VANISHED (EARLIER)` and the FETCH of every message changed since.
//! - **CONDSTORE** (RFC 7162 section 3.1) when offered: `SELECT mbox (CONDSTORE)`,
//!   `UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq)` for the changed and new messages, and
//!   `UID SEARCH UID known-uids` for the known ones still there.
//! - otherwise `SELECT` and `UID FETCH 1:* (FLAGS)`.
//!
//! In the first two ways the messages that did not change are not sent again: the model of the
//! new connection learns their UIDs and flags from the old state, when the counts agree (the
//! surviving known UIDs and the new ones are exactly `EXISTS` messages); when they do not (the
//! old model did not know every UID), a `UID FETCH 1:* (FLAGS)` tells them.
//!
//! The differences then go to the event queue as a session would have received them
//! ([`crate::client::Event::Mailbox`]): one [`Update::Vanished`] for the messages gone
//! (numbered as in the old state), [`Update::Exists`] for the new ones, and an
//! [`Update::Fetched`] for each new message and each message whose flags changed (numbered as
//! now). A changed UIDVALIDITY voids everything: [`Update::UidValidity`] with `invalidated`,
//! and [`Update::Exists`] from 0, as for a folder seen the first time.

use super::caps::KnownCaps;
use super::{OpError, Operation};
use crate::client::{CommandId, Completion, Event, MailboxSummary};
use crate::engine::OpContext;
use crate::mailbox::{FetchChange, MessageRef, SelectedMailbox, Update, Vanished};
use crate::ops::search;
use crate::types::{
    Capability, CommandBody, Data, FetchData, FetchItem, FetchItems, Flag, Mailbox, MessageSet,
    QResync, SearchKey, SelectParams, SeqNum, Uid, UidRanges, UidSet, UidValidity,
};
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::task::Poll;

/// What the client knew of a selected folder, kept across a reconnection: name, access,
/// UIDVALIDITY, HIGHESTMODSEQ, and every message whose UID it knew, with its flags where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxState {
    name: Mailbox,
    read_only: bool,
    uid_validity: Option<UidValidity>,
    highest_modseq: Option<u64>,
    exists: u32,
    /// Known messages by UID: their sequence number then and their flags.
    messages: BTreeMap<Uid, (SeqNum, Option<Vec<Flag>>)>,
}

impl MailboxState {
    /// The state of a mailbox model (the selected mailbox of a connection, lost or not).
    pub fn of(m: &SelectedMailbox) -> MailboxState {
        let messages = m
            .messages()
            .iter()
            .filter_map(|(seq, uid, flags)| Some((uid?, (seq, flags.map(<[_]>::to_vec)))))
            .collect();
        MailboxState {
            name: m.name().clone(),
            read_only: m.is_read_only(),
            uid_validity: m.uid_validity(),
            highest_modseq: m.highest_modseq().filter(|_| !m.is_no_modseq()),
            exists: m.exists(),
            messages,
        }
    }

    /// The folder's name.
    pub fn name(&self) -> &Mailbox {
        &self.name
    }

    /// Whether it was opened read-only (EXAMINE).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The UIDVALIDITY, when the server told it.
    pub fn uid_validity(&self) -> Option<UidValidity> {
        self.uid_validity
    }

    /// The HIGHESTMODSEQ, when the server keeps mod-sequences.
    pub fn highest_modseq(&self) -> Option<u64> {
        self.highest_modseq
    }

    /// The message count.
    pub fn exists(&self) -> u32 {
        self.exists
    }

    /// The UIDs known, ascending.
    pub fn uids(&self) -> impl Iterator<Item = Uid> + '_ {
        self.messages.keys().copied()
    }

    /// The known UIDs as a set (`None` when none is known).
    fn uid_set(&self) -> Option<UidSet> {
        UidSet::from_ordered(self.uids()).ok()
    }
}

/// How a [`Resync`] caught up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResyncMethod {
    /// `SELECT ... (QRESYNC ...)`.
    QResync,
    /// `SELECT ... (CONDSTORE)`, `UID FETCH ... (CHANGEDSINCE ...)` and `UID SEARCH`.
    CondStore,
    /// `SELECT` and `UID FETCH 1:* (FLAGS)`.
    Full,
}

/// What a [`Resync`] found changed while the client was away (the same as the events it
/// queued).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resynced {
    /// The folder's summary from the new SELECT.
    pub summary: MailboxSummary,
    /// How the operation caught up.
    pub method: ResyncMethod,
    /// UIDVALIDITY changed: every UID known before is void, and the lists below are empty.
    pub uid_validity_changed: bool,
    /// Messages that arrived, ascending.
    pub new: Vec<Uid>,
    /// Messages that were expunged, ascending.
    pub vanished: Vec<Uid>,
    /// Messages whose flags changed (of those whose flags were known), ascending.
    pub flags_changed: Vec<Uid>,
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    Caps,
    Enable(CommandId),
    Select(CommandId, ResyncMethod),
    Changed(CommandId),
    Survivors(CommandId),
    Full(CommandId),
    Done,
}

/// Reselects a folder after a reconnection and reports what changed since [`MailboxState`]
/// (see the [module documentation](self)). Run it on a new, authenticated connection.
#[derive(Debug)]
pub struct Resync {
    old: MailboxState,
    known: KnownCaps,
    stage: Stage,
    summary: MailboxSummary,
    method: ResyncMethod,
    validity_changed: bool,
}

impl Resync {
    /// Catches up with the folder `old` describes.
    pub fn new(old: MailboxState) -> Resync {
        Resync {
            old,
            known: KnownCaps::default(),
            stage: Stage::Caps,
            summary: MailboxSummary::default(),
            method: ResyncMethod::Full,
            validity_changed: false,
        }
    }

    /// The state the operation started from.
    pub fn old_state(&self) -> &MailboxState {
        &self.old
    }

    fn select(&self, cx: &mut OpContext<'_>, params: SelectParams) -> Result<CommandId, OpError> {
        let mailbox = self.old.name.clone();
        cx.send(if self.old.read_only {
            CommandBody::Examine { mailbox, params }
        } else {
            CommandBody::Select { mailbox, params }
        })
    }

    /// SELECT with `(QRESYNC ...)` when `qresync` and the old state allows it, else with
    /// `(CONDSTORE)` when offered and useful, else plain.
    fn send_select(&self, cx: &mut OpContext<'_>, qresync: bool) -> Result<Stage, OpError> {
        let validity = self.old.uid_validity.and_then(|v| NonZeroU32::new(v.get()));
        let modseq = self.old.highest_modseq;
        if let (true, Some(uid_validity), Some(modseq)) = (qresync, validity, modseq) {
            let q = QResync {
                uid_validity,
                modseq,
                known_uids: self.old.uid_set(),
                seq_match: None,
            };
            let params = SelectParams {
                condstore: false,
                qresync: Some(q),
            };
            return Ok(Stage::Select(
                self.select(cx, params)?,
                ResyncMethod::QResync,
            ));
        }
        let condstore =
            modseq.is_some() && validity.is_some() && cx.capabilities().has(&Capability::CondStore);
        let params = SelectParams {
            condstore,
            qresync: None,
        };
        let method = if condstore {
            ResyncMethod::CondStore
        } else {
            ResyncMethod::Full
        };
        Ok(Stage::Select(self.select(cx, params)?, method))
    }

    /// `UID FETCH 1:* (FLAGS)` (with `CHANGEDSINCE` when given), or `Done` on an empty folder.
    fn fetch_flags(cx: &mut OpContext<'_>, changed_since: Option<u64>) -> Result<Stage, OpError> {
        if cx.selected().is_none_or(|m| m.exists() == 0) {
            return Ok(Stage::Done);
        }
        let id = cx.send(CommandBody::Fetch {
            set: MessageSet::Uid(UidSet::all()),
            items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]),
            changed_since,
            vanished: false,
        })?;
        Ok(if changed_since.is_some() {
            Stage::Changed(id)
        } else {
            Stage::Full(id)
        })
    }

    /// The stage after SELECT completed.
    fn after_select(
        &mut self,
        cx: &mut OpContext<'_>,
        c: Completion,
        method: ResyncMethod,
    ) -> Result<Stage, OpError> {
        self.summary = c.summary.clone().unwrap_or_default();
        self.method = method;
        let now = cx.selected().and_then(SelectedMailbox::uid_validity);
        if self.old.uid_validity.is_none() || now != self.old.uid_validity {
            self.validity_changed = true;
            self.method = ResyncMethod::Full;
            return Self::fetch_flags(cx, None);
        }
        match method {
            ResyncMethod::QResync => {
                let mut earlier: Vec<UidSet> = c
                    .data
                    .iter()
                    .filter_map(|d| match d {
                        Data::Vanished { uids, .. } => Some(uids.clone()),
                        _ => None,
                    })
                    .collect();
                earlier.extend(take_select_updates(cx));
                // One sorted union, so that each known UID costs a binary search however many
                // ranges the server listed.
                let items = earlier.iter().flat_map(|set| set.items());
                let gone = UidRanges::from_ranges(items.map(|i| i.bounds(u32::MAX)));
                let survivors = self.old.uids().filter(|u| !gone.contains(*u)).collect();
                self.fill_or_fetch(cx, &survivors)
            }
            ResyncMethod::CondStore => Self::fetch_flags(cx, self.old.highest_modseq),
            ResyncMethod::Full => Self::fetch_flags(cx, None),
        }
    }

    /// Completes the new model from the old state when `survivors` (the known UIDs still
    /// there) and the UIDs the model learnt account for every message; else fetches them all.
    fn fill_or_fetch(
        &mut self,
        cx: &mut OpContext<'_>,
        survivors: &BTreeSet<Uid>,
    ) -> Result<Stage, OpError> {
        if self.fill(cx, survivors) {
            Ok(Stage::Done)
        } else {
            self.method = ResyncMethod::Full;
            Self::fetch_flags(cx, None)
        }
    }

    fn fill(&self, cx: &mut OpContext<'_>, survivors: &BTreeSet<Uid>) -> bool {
        let Some(m) = cx.selected() else {
            return false;
        };
        let mut all = survivors.clone();
        all.extend(m.messages().iter().filter_map(|(_, uid, _)| uid));
        if all.len() != m.exists() as usize {
            return false;
        }
        let mut learn = Vec::new();
        for ((seq, known, _), uid) in m.messages().iter().zip(&all) {
            match known {
                Some(k) if k != *uid => return false,
                Some(_) => {}
                None => learn.push((seq, *uid)),
            }
        }
        let Some(m) = cx.selected_mut() else {
            return false;
        };
        for (seq, uid) in learn {
            let mut data = vec![FetchData::Uid(uid)];
            if let Some((_, Some(flags))) = self.old.messages.get(&uid) {
                data.push(FetchData::Flags(flags.clone()));
            }
            if m.apply_data(&Data::Fetch { seq, data }).is_err() {
                return false;
            }
        }
        true
    }

    /// Compares the new model with the old state, queues the differences as events and
    /// yields them.
    fn finish(&mut self, cx: &mut OpContext<'_>) -> Resynced {
        let mut out = Resynced {
            summary: self.summary.clone(),
            method: self.method,
            uid_validity_changed: self.validity_changed,
            new: Vec::new(),
            vanished: Vec::new(),
            flags_changed: Vec::new(),
        };
        let Some(m) = cx.selected() else {
            return out;
        };
        let exists = m.exists();
        if self.validity_changed {
            let events = [
                Update::UidValidity {
                    previous: self.old.uid_validity,
                    uid_validity: m.uid_validity().unwrap_or(UidValidity::MIN),
                    invalidated: true,
                },
                Update::Exists {
                    previous: 0,
                    exists,
                },
            ];
            for u in events {
                cx.report(Event::Mailbox(u));
            }
            return out;
        }
        let now: BTreeMap<Uid, (SeqNum, Option<Vec<Flag>>)> = m
            .messages()
            .iter()
            .filter_map(|(seq, uid, flags)| Some((uid?, (seq, flags.map(<[_]>::to_vec)))))
            .collect();
        let mut removed = Vec::new();
        for (uid, (seq, _)) in &self.old.messages {
            if !now.contains_key(uid) {
                out.vanished.push(*uid);
                removed.push(MessageRef {
                    seq: *seq,
                    uid: Some(*uid),
                });
            }
        }
        let mut fetched = Vec::new();
        for (uid, (seq, flags)) in &now {
            let message = MessageRef {
                seq: *seq,
                uid: Some(*uid),
            };
            match self.old.messages.get(uid) {
                None => {
                    out.new.push(*uid);
                    fetched.push(change(message, true));
                }
                Some((_, Some(before))) if flags.as_ref().is_some_and(|f| !same(before, f)) => {
                    out.flags_changed.push(*uid);
                    fetched.push(change(message, false));
                }
                Some(_) => {}
            }
        }
        if !removed.is_empty() {
            let v = Vanished {
                removed,
                ..Vanished::default()
            };
            cx.report(Event::Mailbox(Update::Vanished(v)));
        }
        if !out.new.is_empty() {
            let previous = exists.saturating_sub(u32::try_from(out.new.len()).unwrap_or(u32::MAX));
            cx.report(Event::Mailbox(Update::Exists { previous, exists }));
        }
        for f in fetched {
            cx.report(Event::Mailbox(Update::Fetched(f)));
        }
        out
    }
}

/// Removes from the event queue the updates a QRESYNC SELECT made as it reported the changes
/// (the FETCH of each changed message, `VANISHED (EARLIER)`): the resynchronisation reports
/// the changes itself, once, compared with the old state. Yields the UIDs `VANISHED (EARLIER)`
/// listed; other events stay queued, in their order.
fn take_select_updates(cx: &mut OpContext<'_>) -> Vec<UidSet> {
    let mut earlier = Vec::new();
    let mut keep = Vec::new();
    while let Some(e) = cx.pop_event() {
        match e {
            Event::Mailbox(Update::VanishedEarlier { uids, .. }) => earlier.push(uids),
            Event::Mailbox(Update::Fetched(_)) => {}
            other => keep.push(other),
        }
    }
    for e in keep {
        cx.report(e);
    }
    earlier
}

/// What a FETCH telling the flags (and, for a new message, the UID) of `message` changed.
fn change(message: MessageRef, new: bool) -> FetchChange {
    FetchChange {
        message,
        uid_learned: new,
        flags_changed: true,
        modseq_changed: false,
    }
}

/// Whether two flag lists hold the same flags.
fn same(a: &[Flag], b: &[Flag]) -> bool {
    a.len() == b.len() && a.iter().all(|f| b.contains(f))
}

impl Operation for Resync {
    type Output = Resynced;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Resynced, OpError>> {
        loop {
            self.stage = match self.stage {
                Stage::Caps => {
                    std::task::ready!(self.known.poll(cx))?;
                    let offered = cx.capabilities().has(&Capability::QResync);
                    if offered
                        && self.old.uid_validity.is_some()
                        && self.old.highest_modseq.is_some()
                    {
                        Stage::Enable(cx.send(CommandBody::Enable(vec![Capability::QResync]))?)
                    } else {
                        self.send_select(cx, false)?
                    }
                }
                Stage::Enable(id) => {
                    // A server that refuses ENABLE is resynchronised without QRESYNC.
                    let enabled = match std::task::ready!(cx.poll_completion(id)) {
                        Ok(c) => c.data.iter().any(
                            |d| matches!(d, Data::Enabled(l) if l.contains(&Capability::QResync)),
                        ),
                        Err(OpError::Command(_)) => false,
                        Err(e) => return Poll::Ready(Err(e)),
                    };
                    self.send_select(cx, enabled)?
                }
                Stage::Select(id, method) => {
                    let c = std::task::ready!(cx.poll_completion(id))?;
                    self.after_select(cx, c, method)?
                }
                Stage::Changed(id) => {
                    std::task::ready!(cx.poll_completion(id))?;
                    match self.old.uid_set() {
                        Some(set) => Stage::Survivors(cx.send(CommandBody::Search {
                            uid: true,
                            returns: None,
                            charset: None,
                            criteria: vec![SearchKey::Uid(set)],
                        })?),
                        None => self.fill_or_fetch(cx, &BTreeSet::new())?,
                    }
                }
                Stage::Survivors(id) => {
                    let c = std::task::ready!(cx.poll_completion(id))?;
                    let found = search::uids(&c);
                    let survivors = self.old.uids().filter(|u| found.contains(*u)).collect();
                    self.fill_or_fetch(cx, &survivors)?
                }
                Stage::Full(id) => {
                    std::task::ready!(cx.poll_completion(id))?;
                    Stage::Done
                }
                Stage::Done => return Poll::Ready(Ok(self.finish(cx))),
            };
        }
    }
}
