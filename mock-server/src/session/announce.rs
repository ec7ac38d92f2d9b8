//! Announcing what changed in the selected mailbox, and keeping a message's flags from ever
//! going backwards in what a session is told.
//!
//! Each `FETCH (FLAGS ..)` replaces the client's whole flag set for the message (RFC 9051
//! section 7.5.2) and mod-sequences only grow (RFC 7162 section 3.1). A command reports the
//! state it leaves (STORE, FETCH FLAGS), and the change log, read after the command, may still
//! hold older changes to the same message made by other sessions. Sending those afterwards as
//! they were would take the client back in time, so the session remembers, per message, the
//! MODSEQ of the flags it last sent ([`Selected::told`](super::Selected)); a change at or below
//! it is already known. A message changed by someone else since then is announced with its
//! current flags and MODSEQ (one response however many changes there were), which is never
//! older than anything sent before.

use super::{MockSession, Selected, State};
use crate::store::{Change, flag_eq};
use imap_core::types::{Code, Data, FetchData, FetchItem, Flag, FlagPerm, StatusKind, Uid, UidSet};

impl Selected {
    /// Adds to the mailbox's known flags those of `flags` it lacks (a keyword just created);
    /// returns whether there were any, so that `FLAGS` must be sent again.
    pub(super) fn learn_flags<'a>(&mut self, flags: impl IntoIterator<Item = &'a Flag>) -> bool {
        let mut learnt = false;
        for f in flags {
            if *f != Flag::Recent && !self.flags.iter().any(|g| flag_eq(f, g)) {
                self.flags.push(f.clone());
                learnt = true;
            }
        }
        learnt
    }

    /// Records that the client was sent the message's flags as of `modseq`.
    pub(super) fn tell(&mut self, uid: Uid, modseq: u64) {
        let e = self.told.entry(uid).or_insert(modseq);
        *e = (*e).max(modseq);
    }

    /// Whether a change to `uid` at `modseq` is newer than what the client was sent.
    fn is_news(&self, uid: Uid, modseq: u64) -> bool {
        self.told.get(&uid).is_none_or(|&t| modseq > t)
    }
}

impl MockSession {
    /// Sends the mailbox's `FLAGS`, and its `PERMANENTFLAGS` when it is read-write: a keyword
    /// was created since they were last sent (RFC 9051 section 7.3.5: the client learns the
    /// flags it may see; `\*` stays in PERMANENTFLAGS).
    pub(super) fn send_flags(&mut self) {
        let State::Selected(_, sel) = &self.state else {
            return;
        };
        let flags = sel.flags.clone();
        let writable = !sel.view.is_read_only();
        self.data(Data::Flags(flags.clone()));
        if writable {
            let perm = flags
                .into_iter()
                .map(FlagPerm::Flag)
                .chain([FlagPerm::Wildcard])
                .collect();
            self.untagged(
                StatusKind::Ok,
                Some(Code::PermanentFlags(perm)),
                "Flags permitted",
            );
        }
    }

    /// Announces what changed in the selected mailbox; expunges only when `allow_expunge`.
    pub(super) fn announce(&mut self, allow_expunge: bool) {
        self.announce_events(allow_expunge, true);
    }

    /// [`MockSession::announce`]; flag changes made by others only when `flags` (a NOTIFY without
    /// FlagChange), else kept for the next announcement.
    pub(super) fn announce_events(&mut self, allow_expunge: bool, flags: bool) {
        let (rev2, condstore, qresync) = (
            self.enabled.rev2,
            self.enabled.condstore,
            self.enabled.qresync,
        );
        let me = self.id;
        // NOTIFY's MessageNew fetch attributes (RFC 5465 section 5.2).
        let new_items: Vec<FetchItem> = self
            .notify
            .as_ref()
            .and_then(|n| n.selected.as_ref())
            .map(|s| s.fetch.clone())
            .unwrap_or_default();
        let State::Selected(_, sel) = &mut self.state else {
            return;
        };
        let changes = match sel.view.poll() {
            Ok(c) => c,
            Err(_) => {
                self.state = State::Logout;
                self.untagged(StatusKind::Bye, None, "The selected mailbox was deleted");
                return;
            }
        };
        let changed = !changes.is_empty();
        let mut added = Vec::new();
        // Messages someone else changed since this session last sent their flags. Changes the
        // session made itself were reported by the command that made them (or, after
        // STORE.SILENT, the client knows what it asked for).
        let mut flagged: Vec<Uid> = Vec::new();
        let mut new_keyword = false;
        let mut new_fetch: Vec<Uid> = Vec::new();
        for c in changes {
            match c {
                Change::Added { uid, origin, .. } => {
                    added.push(uid);
                    // No FETCH for a message this session added itself (section 5.2).
                    if origin != Some(me) && !new_items.is_empty() {
                        new_fetch.push(uid);
                    }
                }
                Change::Flags {
                    uid,
                    modseq,
                    origin,
                    flags,
                } => {
                    new_keyword |= sel.learn_flags(&flags);
                    if origin != Some(me) && sel.is_news(uid, modseq) {
                        flagged.push(uid);
                    }
                }
                Change::Expunged { uid, .. } => {
                    sel.pending_expunge.insert(uid);
                }
            }
        }
        if !added.is_empty() {
            let snaps = sel.view.messages(&added).unwrap_or_default();
            new_keyword |= sel.learn_flags(snaps.iter().flat_map(|m| m.flags.iter()));
        }
        let mut out = Vec::new();
        if !added.is_empty() {
            let before = sel.tracker.len();
            let exists = sel.tracker.apply_added(added.iter().copied());
            if exists != before {
                out.push(Data::Exists(exists));
                if !rev2 {
                    let recent = sel
                        .view
                        .messages(sel.tracker.uids())
                        .map(|m| m.iter().filter(|m| m.recent).count() as u32)
                        .unwrap_or(0);
                    out.push(Data::Recent(recent));
                }
            }
        }
        if flags {
            flagged.append(&mut sel.unsent_flags);
        } else {
            sel.unsent_flags.append(&mut flagged);
            sel.unsent_flags.sort_unstable();
            sel.unsent_flags.dedup();
        }
        flagged.sort_unstable();
        flagged.dedup();
        flagged.retain(|u| !sel.pending_expunge.contains(u) && sel.tracker.seq(*u).is_some());
        let mut fetches: Vec<(u32, Data)> = Vec::new();
        // The current state: at least as new as every change just read.
        let snaps = if flagged.is_empty() {
            Vec::new()
        } else {
            sel.view.messages(&flagged).unwrap_or_default()
        };
        for snap in snaps {
            let Some(seq) = sel.tracker.seq(snap.uid) else {
                continue;
            };
            sel.tell(snap.uid, snap.modseq);
            let mut data = vec![
                FetchData::Uid(snap.uid),
                FetchData::Flags(snap.fetch_flags()),
            ];
            if condstore {
                data.push(FetchData::ModSeq(snap.modseq));
            }
            fetches.push((seq.get(), Data::Fetch { seq, data }));
        }
        fetches.sort_by_key(|(s, _)| *s);
        out.extend(fetches.into_iter().map(|(_, d)| d));
        // CONTEXT=SEARCH updates: after the EXISTS that numbers new messages, before the
        // EXPUNGE that renumbers (RFC 5267 sections 4.3.3 and 4.3.4).
        if changed && !sel.contexts.is_empty() {
            out.extend(sel.context_updates());
        }
        // NOTIFY MessageNew: the items asked for, after EXISTS and any ESEARCH ADDTO.
        if !new_fetch.is_empty() {
            for snap in sel.view.messages(&new_fetch).unwrap_or_default() {
                let Some(seq) = sel.tracker.seq(snap.uid) else {
                    continue;
                };
                if let Ok(data) = crate::fetch::fetch_all(&snap, &new_items) {
                    if new_items.contains(&FetchItem::Flags) {
                        sel.tell(snap.uid, snap.modseq);
                    }
                    out.push(Data::Fetch { seq, data });
                }
            }
        }
        if allow_expunge && !sel.pending_expunge.is_empty() {
            let gone = std::mem::take(&mut sel.pending_expunge);
            for u in &gone {
                sel.told.remove(u);
            }
            if qresync {
                let known: Vec<Uid> = gone
                    .iter()
                    .copied()
                    .filter(|u| sel.tracker.seq(*u).is_some())
                    .collect();
                sel.tracker.apply_expunged(known.iter().copied());
                if let Ok(uids) = UidSet::from_keys(known) {
                    out.push(Data::Vanished {
                        earlier: false,
                        uids,
                    });
                }
            } else {
                for seq in sel.tracker.apply_expunged(gone) {
                    out.push(Data::Expunge(seq));
                }
            }
        }
        if new_keyword {
            self.send_flags();
        }
        for d in out {
            self.data(d);
        }
    }
}
