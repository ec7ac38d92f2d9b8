//! The selected mailbox as the client knows it ([`SelectedMailbox`]).
//!
//! The model holds what the server said about the mailbox selected by `SELECT` or `EXAMINE`:
//! the message count (`EXISTS`), `RECENT`, `UIDVALIDITY`, `UIDNEXT`, `HIGHESTMODSEQ`, `FLAGS`,
//! `PERMANENTFLAGS`, the access mode, and the messages themselves in a [`SeqMap`]: sequence
//! numbers `1..=EXISTS`, dense, in ascending UID order, each with its UID, flags and MODSEQ where
//! a response told them.
//!
//! Each untagged datum and response code is applied with [`SelectedMailbox::apply_data`],
//! [`SelectedMailbox::apply_code`] or [`SelectedMailbox::apply_response`], which return an
//! [`Update`] saying what changed and naming every message involved by sequence number (as of
//! the moment the server sent the response) and UID (where known). A response that contradicts
//! the model (an `EXPUNGE` beyond `EXISTS`, a shrinking `EXISTS`, a UID out of order) is a
//! [`ModelError`] and leaves the model untouched.
//!
//! The rules, from RFC 9051 sections 2.3.1, 7.4 and 7.5, RFC 7162 section 3.2.10 and RFC 2180:
//!
//! - `n EXPUNGE` removes message `n` and renumbers every later message at once, so the burst
//!   `3 EXPUNGE`, `3 EXPUNGE`, `3 EXPUNGE` removes three messages.
//! - `EXISTS` only grows; messages leave only by `EXPUNGE` or `VANISHED`. New messages have
//!   unknown UIDs until a FETCH tells them.
//! - `VANISHED uids` removes by UID and renumbers; each listed UID is a message visible in this
//!   session, even one whose UID the client has not learnt ([`SeqMap::apply_vanished_visible`]).
//! - `VANISHED (EARLIER) uids` reports messages expunged before (a QRESYNC `SELECT`, a
//!   `UID FETCH ... (VANISHED)`): the client must not renumber, so the model removes nothing and
//!   only reports the UIDs.
//! - A changed `UIDVALIDITY` voids every cached UID, and with them the flags and MODSEQs.
//!
//! The model does not know which command is in progress. Keeping sequence-number commands from
//! racing an expunge (RFC 9051 section 5.5) is the client state machine's job.

mod error;
mod event;
mod flag_sets;
pub mod seq_map;
mod seq_tree;
mod spans;

pub use error::ModelError;
pub use event::{FetchChange, MessageRef, RemovedRun, UncertainRun, Update, Vanished};
pub use seq_map::{DEFAULT_MAX_MESSAGES, MAX_LIMIT, SeqMap, SeqMapIter};

use crate::types::{
    Code, Data, FetchData, Flag, FlagPerm, Mailbox, Response, SeqNum, Uid, UidValidity,
};

/// The mailbox selected by `SELECT` or `EXAMINE`, as the server described it.
///
/// Create one when sending `SELECT`/`EXAMINE`, feed it the untagged responses that follow (and
/// the codes of the tagged completion) and every later untagged response while the mailbox is
/// selected. See the [module documentation](self) for the rules it keeps.
#[derive(Clone, Debug)]
pub struct SelectedMailbox {
    name: Mailbox,
    read_only: bool,
    exists: u32,
    recent: Option<u32>,
    uid_validity: Option<UidValidity>,
    uid_next: Option<Uid>,
    highest_modseq: Option<u64>,
    no_modseq: bool,
    flags: Option<Vec<Flag>>,
    permanent_flags: Option<Vec<FlagPerm>>,
    first_unseen: Option<SeqNum>,
    messages: SeqMap,
}

impl SelectedMailbox {
    /// A mailbox being selected: `read_only` for `EXAMINE`, until a `READ-ONLY` or
    /// `READ-WRITE` code says otherwise. Empty until `EXISTS` arrives.
    pub fn new(name: Mailbox, read_only: bool) -> Self {
        Self::with_messages(name, read_only, SeqMap::new())
    }

    /// As [`SelectedMailbox::new`], with a limit on messages with known data (see
    /// [`SeqMap::with_limit`]).
    pub fn with_limit(name: Mailbox, read_only: bool, max_messages: u32) -> Self {
        Self::with_messages(name, read_only, SeqMap::with_limit(max_messages))
    }

    fn with_messages(name: Mailbox, read_only: bool, messages: SeqMap) -> Self {
        SelectedMailbox {
            name,
            read_only,
            exists: messages.len(),
            recent: None,
            uid_validity: None,
            uid_next: None,
            highest_modseq: None,
            no_modseq: false,
            flags: None,
            permanent_flags: None,
            first_unseen: None,
            messages,
        }
    }

    /// The mailbox's name.
    pub fn name(&self) -> &Mailbox {
        &self.name
    }

    /// Whether the mailbox is read-only (`EXAMINE`, or the `READ-ONLY` code).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The number of messages (`EXISTS`, kept current by `EXPUNGE` and `VANISHED`).
    pub fn exists(&self) -> u32 {
        self.exists
    }

    /// The last `RECENT` count (IMAP4rev1), if any.
    pub fn recent(&self) -> Option<u32> {
        self.recent
    }

    /// `UIDVALIDITY`, once received.
    pub fn uid_validity(&self) -> Option<UidValidity> {
        self.uid_validity
    }

    /// `UIDNEXT`, the predicted next UID, as last received.
    pub fn uid_next(&self) -> Option<Uid> {
        self.uid_next
    }

    /// `HIGHESTMODSEQ` (CONDSTORE), as last received.
    pub fn highest_modseq(&self) -> Option<u64> {
        self.highest_modseq
    }

    /// Whether the server said `NOMODSEQ`: the mailbox keeps no mod-sequences.
    pub fn is_no_modseq(&self) -> bool {
        self.no_modseq
    }

    /// The flags applicable in the mailbox (`FLAGS`), once received.
    pub fn flags(&self) -> Option<&[Flag]> {
        self.flags.as_deref()
    }

    /// The flags that can be changed permanently (`PERMANENTFLAGS`), once received.
    pub fn permanent_flags(&self) -> Option<&[FlagPerm]> {
        self.permanent_flags.as_deref()
    }

    /// The first unseen message (`UNSEEN`, IMAP4rev1), renumbered by later expunges; `None`
    /// if never received or that message was expunged.
    pub fn first_unseen(&self) -> Option<SeqNum> {
        self.first_unseen
    }

    /// The messages: sequence numbers, UIDs, flags and MODSEQs.
    pub fn messages(&self) -> &SeqMap {
        &self.messages
    }

    /// The UID of message `seq`, if known.
    pub fn uid(&self, seq: SeqNum) -> Option<Uid> {
        self.messages.uid(seq)
    }

    /// The sequence number of the message with UID `uid`, if known.
    pub fn seq(&self, uid: Uid) -> Option<SeqNum> {
        self.messages.seq(uid)
    }

    /// Applies a server response: the code of a status response (tagged or untagged), or
    /// untagged data. Continuation requests change nothing.
    ///
    /// # Errors
    /// As [`SelectedMailbox::apply_data`].
    pub fn apply_response(&mut self, response: &Response) -> Result<Update, ModelError> {
        match response {
            Response::Status(s) => Ok(s
                .code
                .as_ref()
                .map_or(Update::Unchanged, |c| self.apply_code(c))),
            Response::Data(d) => self.apply_data(d),
            _ => Ok(Update::Unchanged),
        }
    }

    /// Applies one untagged datum: `EXISTS`, `RECENT`, `EXPUNGE`, `VANISHED`, `FETCH` (its
    /// `UID`, `FLAGS` and `MODSEQ` items) and `FLAGS`. Any other datum changes nothing.
    ///
    /// # Errors
    /// A [`ModelError`] when the datum contradicts the model (a shrinking `EXISTS`, an `EXPUNGE`
    /// or `FETCH` beyond `EXISTS`, a UID that changes or breaks ascending order); the model is
    /// then unchanged.
    pub fn apply_data(&mut self, data: &Data) -> Result<Update, ModelError> {
        let update = match data {
            Data::Exists(n) => {
                let previous = self.exists;
                if self.messages.apply_exists(*n)? == 0 {
                    return Ok(Update::Unchanged);
                }
                self.exists = *n;
                Update::Exists {
                    previous,
                    exists: *n,
                }
            }
            Data::Recent(n) => {
                if self.recent == Some(*n) {
                    return Ok(Update::Unchanged);
                }
                let previous = self.recent.replace(*n);
                Update::Recent {
                    previous,
                    recent: *n,
                }
            }
            Data::Expunge(seq) => {
                let uid = self.messages.apply_expunge(*seq)?;
                self.exists -= 1;
                if let Some(u) = self.first_unseen {
                    self.first_unseen = match u.cmp(seq) {
                        std::cmp::Ordering::Less => Some(u),
                        std::cmp::Ordering::Equal => None,
                        std::cmp::Ordering::Greater => SeqNum::new(u.get() - 1),
                    };
                }
                Update::Expunged(MessageRef { seq: *seq, uid })
            }
            Data::Vanished {
                earlier: false,
                uids,
            } => {
                let vanished = self.messages.apply_vanished_visible(uids);
                self.exists -= vanished.removed_count();
                self.renumber_unseen(&vanished);
                Update::Vanished(vanished)
            }
            Data::Vanished {
                earlier: true,
                uids,
            } => Update::VanishedEarlier {
                uids: uids.clone(),
                still_present: self
                    .messages
                    .find_uids(uids)
                    .into_iter()
                    .map(|(seq, uid)| MessageRef {
                        seq,
                        uid: Some(uid),
                    })
                    .collect(),
            },
            Data::Fetch { seq, data } => {
                let (mut uid, mut flags, mut modseq) = (None, None, None);
                for item in data {
                    match item {
                        FetchData::Uid(u) => uid = Some(*u),
                        FetchData::Flags(f) => flags = Some(f),
                        FetchData::ModSeq(m) => modseq = Some(*m),
                        _ => {}
                    }
                }
                Update::Fetched(self.messages.apply_fetch_ref(
                    *seq,
                    uid,
                    flags.map(Vec::as_slice),
                    modseq,
                )?)
            }
            Data::Flags(flags) => {
                if self.flags.as_ref() == Some(flags) {
                    return Ok(Update::Unchanged);
                }
                self.flags = Some(flags.clone());
                Update::Flags
            }
            _ => Update::Unchanged,
        };
        Ok(update)
    }

    /// Applies a response code: `UIDVALIDITY`, `UIDNEXT`, `HIGHESTMODSEQ`, `NOMODSEQ`,
    /// `PERMANENTFLAGS`, `READ-ONLY`, `READ-WRITE` and `UNSEEN`. Any other code changes nothing.
    ///
    /// A `UIDVALIDITY` that differs from the one received before forgets every UID, flag list
    /// and MODSEQ of the messages (their count stays), and `UIDNEXT` and `HIGHESTMODSEQ`, and
    /// says so in [`Update::UidValidity`].
    pub fn apply_code(&mut self, code: &Code) -> Update {
        match code {
            Code::UidValidity(v) => {
                let v = UidValidity::from(*v);
                if self.uid_validity == Some(v) {
                    return Update::Unchanged;
                }
                let previous = self.uid_validity.replace(v);
                let invalidated = previous.is_some();
                if invalidated {
                    self.messages.forget_uids();
                    self.uid_next = None;
                    self.highest_modseq = None;
                }
                Update::UidValidity {
                    previous,
                    uid_validity: v,
                    invalidated,
                }
            }
            Code::UidNext(u) => {
                if self.uid_next == Some(*u) {
                    return Update::Unchanged;
                }
                Update::UidNext {
                    previous: self.uid_next.replace(*u),
                    uid_next: *u,
                }
            }
            Code::HighestModSeq(m) => {
                if self.highest_modseq == Some(*m) && !self.no_modseq {
                    return Update::Unchanged;
                }
                self.no_modseq = false;
                Update::HighestModSeq {
                    previous: self.highest_modseq.replace(*m),
                    highest_modseq: *m,
                }
            }
            Code::NoModSeq => {
                if self.no_modseq && self.highest_modseq.is_none() {
                    return Update::Unchanged;
                }
                self.no_modseq = true;
                self.highest_modseq = None;
                Update::NoModSeq
            }
            Code::PermanentFlags(p) => {
                if self.permanent_flags.as_ref() == Some(p) {
                    return Update::Unchanged;
                }
                self.permanent_flags = Some(p.clone());
                Update::PermanentFlags
            }
            Code::ReadOnly | Code::ReadWrite => {
                let read_only = matches!(code, Code::ReadOnly);
                if self.read_only == read_only {
                    return Update::Unchanged;
                }
                self.read_only = read_only;
                Update::Access { read_only }
            }
            Code::Unseen(seq) => {
                if self.first_unseen == Some(*seq) {
                    return Update::Unchanged;
                }
                self.first_unseen = Some(*seq);
                Update::Unseen(MessageRef {
                    seq: *seq,
                    uid: self.messages.uid(*seq),
                })
            }
            _ => Update::Unchanged,
        }
    }

    /// Checks the model's invariants: those of the [`SeqMap`] (sequence numbers dense, UIDs
    /// strictly ascending where known, index and counts consistent) and `EXISTS` equal to the
    /// number of messages. For tests and fuzzing; O(n).
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.messages.check_invariants()?;
        if self.exists != self.messages.len() {
            return Err(format!(
                "EXISTS is {} but the model holds {} messages",
                self.exists,
                self.messages.len()
            ));
        }
        Ok(())
    }

    /// Renumbers `first_unseen` after a `VANISHED`.
    fn renumber_unseen(&mut self, vanished: &Vanished) {
        let Some(unseen) = self.first_unseen else {
            return;
        };
        let u = unseen.get();
        let mut shift = 0u32;
        for m in &vanished.removed {
            match m.seq.get().cmp(&u) {
                std::cmp::Ordering::Less => shift += 1,
                std::cmp::Ordering::Equal => {
                    self.first_unseen = None;
                    return;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        for run in &vanished.uncertain {
            let first = run.first.get();
            if u64::from(u) >= u64::from(first) + u64::from(run.count) {
                // At most `run.count` UIDs of a run are removed.
                shift += run.uids.len() as u32;
            } else if u >= first {
                self.first_unseen = None;
                return;
            }
        }
        for run in &vanished.removed_runs {
            let first = run.first.get();
            if u64::from(u) >= u64::from(first) + u64::from(run.count) {
                shift += run.count;
            } else if u >= first {
                self.first_unseen = None;
                return;
            }
        }
        self.first_unseen = SeqNum::new(u - shift);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_response};
    use crate::types::{Bound, NumSet, SetItem, UidSet};
    use bytes::Bytes;
    use proptest::prelude::*;

    fn s(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    fn u(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn mref(seq: u32, uid: Option<u32>) -> MessageRef {
        MessageRef {
            seq: s(seq),
            uid: uid.map(u),
        }
    }

    fn response(line: &str) -> Response {
        let unit = Bytes::from(format!("{}\r\n", line.trim()));
        parse_response(&unit, &ParseOptions::default()).unwrap()
    }

    /// Applies each line of a server transcript; returns the updates.
    fn feed(m: &mut SelectedMailbox, transcript: &str) -> Vec<Update> {
        let updates = transcript
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                m.apply_response(&response(l))
                    .unwrap_or_else(|e| panic!("{l}: {e}"))
            })
            .collect();
        m.check_invariants().unwrap();
        updates
    }

    /// The UIDs in sequence order, 0 for unknown.
    fn uids(m: &SelectedMailbox) -> Vec<u32> {
        m.messages()
            .iter()
            .map(|(_, u, _)| u.map_or(0, Uid::get))
            .collect()
    }

    /// INBOX selected with messages of UIDs 1..=n known.
    fn selected(n: u32) -> SelectedMailbox {
        let mut m = SelectedMailbox::new(Mailbox::inbox(), false);
        feed(
            &mut m,
            &format!(
                "* {n} EXISTS\n* OK [UIDVALIDITY 1] ok\n* OK [UIDNEXT {}] ok",
                n + 1
            ),
        );
        for i in 1..=n {
            feed(&mut m, &format!("* {i} FETCH (UID {i})"));
        }
        m
    }

    #[test]
    fn expunge_burst_3_3_3() {
        let mut m = selected(6);
        let updates = feed(&mut m, "* 3 EXPUNGE\n* 3 EXPUNGE\n* 3 EXPUNGE");
        assert_eq!(
            updates,
            [
                Update::Expunged(mref(3, Some(3))),
                Update::Expunged(mref(3, Some(4))),
                Update::Expunged(mref(3, Some(5)))
            ]
        );
        assert_eq!(m.exists(), 3);
        assert_eq!(uids(&m), [1, 2, 6]);
        // RFC 2180 section 4.1.1: an EXISTS repeating the count after the burst changes nothing.
        assert_eq!(feed(&mut m, "* 3 EXISTS"), [Update::Unchanged]);
    }

    #[test]
    fn expunge_last_then_exists() {
        let mut m = selected(3);
        let updates = feed(
            &mut m,
            "* 3 EXPUNGE\n* 3 EXISTS\n* 3 FETCH (FLAGS (\\Recent))\n* 3 FETCH (UID 7)",
        );
        assert_eq!(updates[0], Update::Expunged(mref(3, Some(3))));
        assert_eq!(
            updates[1],
            Update::Exists {
                previous: 2,
                exists: 3
            }
        );
        let Update::Fetched(f) = &updates[2] else {
            panic!("{:?}", updates[2])
        };
        assert_eq!(f.message, mref(3, None));
        assert!(f.flags_changed && !f.uid_learned);
        let Update::Fetched(f) = &updates[3] else {
            panic!("{:?}", updates[3])
        };
        assert_eq!(f.message, mref(3, Some(7)));
        assert!(f.uid_learned);
        assert_eq!(uids(&m), [1, 2, 7]);
        assert_eq!(m.messages().flags(s(3)), Some(&[Flag::Recent][..]));
    }

    #[test]
    fn expunge_beyond_exists_is_error() {
        let mut m = selected(3);
        let before = snapshot(&m);
        assert_eq!(
            m.apply_response(&response("* 4 EXPUNGE")),
            Err(ModelError::NoSuchMessage {
                seq: s(4),
                exists: 3
            })
        );
        assert_eq!(
            m.apply_response(&response("* 2 EXISTS")),
            Err(ModelError::ExistsShrank {
                exists: 3,
                received: 2
            })
        );
        assert!(m.apply_response(&response("* 4 FETCH (FLAGS ())")).is_err());
        assert!(
            m.apply_response(&response("* 2 FETCH (UID 9 FLAGS (\\Seen))"))
                .is_err()
        );
        assert_eq!(snapshot(&m), before);
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_earlier_after_qresync_select() {
        // RFC 7162 section 3.2.5.1, second example.
        let mut m = SelectedMailbox::new(Mailbox::inbox(), false);
        let updates = feed(
            &mut m,
            r"* OK [CLOSED]
            * 100 EXISTS
            * 11 RECENT
            * OK [UIDVALIDITY 67890007] UIDVALIDITY
            * OK [UIDNEXT 600] Predicted next UID
            * OK [HIGHESTMODSEQ 90060115205545359] Highest mailbox mod-sequence
            * OK [UNSEEN 7] There are some unseen messages in the mailbox
            * FLAGS (\Answered \Flagged \Draft \Deleted \Seen)
            * OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen \*)] Permanent flags
            * VANISHED (EARLIER) 41,43:116,118,120:211,214:540
            * 49 FETCH (UID 117 FLAGS (\Seen \Answered) MODSEQ (90060115194045001))
            * 50 FETCH (UID 119 FLAGS (\Draft $MDNSent) MODSEQ (90060115194045308))
            * 51 FETCH (UID 541 FLAGS (\Seen $Forwarded) MODSEQ (90060115194045001))
            A03 OK [READ-WRITE] mailbox selected",
        );
        assert_eq!(updates[0], Update::Unchanged);
        assert_eq!(
            updates[1],
            Update::Exists {
                previous: 0,
                exists: 100
            }
        );
        let Update::VanishedEarlier {
            uids,
            still_present,
        } = &updates[9]
        else {
            panic!("{:?}", updates[9])
        };
        assert_eq!(uids.items().len(), 5);
        assert!(still_present.is_empty());
        // Nothing was renumbered: the VANISHED (EARLIER) UIDs were gone before the session.
        assert_eq!(m.exists(), 100);
        assert_eq!(m.seq(u(117)), Some(s(49)));
        assert_eq!(m.seq(u(541)), Some(s(51)));
        assert_eq!(m.messages().modseq(s(50)), Some(90060115194045308));
        assert_eq!(m.uid_validity(), UidValidity::new(67890007));
        assert_eq!(m.uid_next(), Some(u(600)));
        assert_eq!(m.highest_modseq(), Some(90060115205545359));
        assert_eq!(m.first_unseen(), Some(s(7)));
        assert_eq!(m.recent(), Some(11));
        assert_eq!(m.flags().map(<[Flag]>::len), Some(5));
        assert_eq!(
            m.permanent_flags().and_then(<[FlagPerm]>::last),
            Some(&FlagPerm::Wildcard)
        );
        assert!(!m.is_read_only());
        assert_eq!(updates[13], Update::Unchanged);

        // A UID the model still shows is reported but stays until a VANISHED without EARLIER.
        let updates = feed(&mut m, "* VANISHED (EARLIER) 117:118");
        assert_eq!(
            updates,
            [Update::VanishedEarlier {
                uids: NumSet::range(u(117), u(118)),
                still_present: vec![mref(49, Some(117))],
            }]
        );
        assert_eq!(m.seq(u(117)), Some(s(49)));
        let updates = feed(&mut m, "* VANISHED 117");
        let Update::Vanished(v) = &updates[0] else {
            panic!("{:?}", updates[0])
        };
        assert_eq!(v.removed, [mref(49, Some(117))]);
        assert_eq!(m.exists(), 99);
        assert_eq!(m.seq(u(119)), Some(s(49)));
    }

    #[test]
    fn uidvalidity_change_invalidates_cached_uids() {
        let mut m = selected(3);
        feed(
            &mut m,
            "* 1 FETCH (FLAGS (\\Seen) MODSEQ (5))\n* OK [HIGHESTMODSEQ 9] ok",
        );
        assert_eq!(
            feed(&mut m, "* OK [UIDVALIDITY 1] same"),
            [Update::Unchanged]
        );
        let updates = feed(&mut m, "* OK [UIDVALIDITY 2] changed");
        assert_eq!(
            updates,
            [Update::UidValidity {
                previous: UidValidity::new(1),
                uid_validity: UidValidity::new(2).unwrap(),
                invalidated: true
            }]
        );
        assert_eq!(m.exists(), 3);
        assert_eq!(uids(&m), [0, 0, 0]);
        assert_eq!(m.seq(u(1)), None);
        assert_eq!(m.messages().flags(s(1)), None);
        assert_eq!(m.messages().modseq(s(1)), None);
        assert_eq!(m.uid_next(), None);
        assert_eq!(m.highest_modseq(), None);
        // The new UIDs may be anything: the old ones no longer constrain them.
        feed(&mut m, "* 1 FETCH (UID 100)\n* 3 FETCH (UID 300)");
        assert_eq!(uids(&m), [100, 0, 300]);
    }

    #[test]
    fn unknown_uids_filled_later() {
        let mut m = selected(2);
        let updates = feed(
            &mut m,
            "* 4 EXISTS\n* 4 FETCH (FLAGS (\\Seen))\n* 3 FETCH (UID 10 FLAGS ())",
        );
        assert_eq!(
            updates[0],
            Update::Exists {
                previous: 2,
                exists: 4
            }
        );
        assert_eq!(uids(&m), [1, 2, 10, 0]);
        assert_eq!(m.messages().unknown_uids(), 1);
        // An UNSEEN code names the message with its UID where known.
        assert_eq!(
            feed(&mut m, "* OK [UNSEEN 3] first unseen"),
            [Update::Unseen(mref(3, Some(10)))]
        );
        let updates = feed(&mut m, "* 4 FETCH (UID 11 BODY[] \"hi\")");
        let Update::Fetched(f) = &updates[0] else {
            panic!("{:?}", updates[0])
        };
        assert_eq!(f.message, mref(4, Some(11)));
        assert_eq!(m.messages().flags(s(4)), Some(&[Flag::Seen][..]));
        // A FETCH without UID names the message with the UID the model knows.
        let updates = feed(&mut m, "* 3 FETCH (RFC822.SIZE 44)");
        let Update::Fetched(f) = &updates[0] else {
            panic!("{:?}", updates[0])
        };
        assert_eq!(f.message, mref(3, Some(10)));
        assert!(!f.uid_learned && !f.flags_changed && !f.modseq_changed);
    }

    #[test]
    fn vanished_renumbers_and_counts_unknown_arrivals() {
        let mut m = selected(5);
        feed(&mut m, "* 7 EXISTS\n* OK [UNSEEN 5] x");
        // 2 and 4 are known; 6 is one of the two new arrivals (UIDs unknown), and there are
        // two of them: the model cannot tell which.
        let updates = feed(&mut m, "* VANISHED 2,4,6");
        let Update::Vanished(v) = &updates[0] else {
            panic!("{:?}", updates[0])
        };
        assert_eq!(v.removed, [mref(2, Some(2)), mref(4, Some(4))]);
        assert_eq!(
            v.uncertain,
            [UncertainRun {
                first: s(6),
                count: 2,
                uids: [u(6)].into_iter().collect()
            }]
        );
        assert_eq!(m.exists(), 4);
        assert_eq!(uids(&m), [1, 3, 5, 0]);
        assert_eq!(m.first_unseen(), Some(s(3)));
        feed(&mut m, "* 3 EXPUNGE");
        assert_eq!(m.first_unseen(), None);
    }

    #[test]
    fn vanished_of_runs_in_the_middle_renumbers_the_first_unseen() {
        let mut m = selected(0);
        // Messages 3, 6 and 9 known; runs of unknown UIDs before, between and after them.
        feed(
            &mut m,
            "* 10 EXISTS\n* 3 FETCH (UID 30)\n* 6 FETCH (UID 60)\n* 9 FETCH (UID 90)",
        );
        feed(&mut m, "* OK [UNSEEN 9] x");
        // 1:2 and 4:5 go whole (exactly their UIDs), one run each.
        let updates = feed(&mut m, "* VANISHED 1:29,31:59");
        let Update::Vanished(v) = &updates[0] else {
            panic!("{:?}", updates[0])
        };
        assert_eq!(v.removed, []);
        assert_eq!(
            v.removed_runs
                .iter()
                .map(|r| (r.first.get(), r.count))
                .collect::<Vec<_>>(),
            [(1, 2), (4, 2)]
        );
        assert_eq!(m.exists(), 6);
        assert_eq!(m.first_unseen(), Some(s(5)));
        assert_eq!(uids(&m), [30, 60, 0, 0, 90, 0]);
        // A run holding the first unseen message goes: it is no longer known.
        feed(&mut m, "* OK [UNSEEN 3] x");
        feed(&mut m, "* VANISHED 61:89");
        assert_eq!(m.first_unseen(), None);
        assert_eq!(uids(&m), [30, 60, 90, 0]);
    }

    #[test]
    fn access_and_modseq_codes() {
        let mut m = SelectedMailbox::new(Mailbox::new("Archive"), false);
        assert_eq!(m.name(), &Mailbox::new("Archive"));
        assert_eq!(
            feed(&mut m, "* OK [READ-ONLY] now read-only"),
            [Update::Access { read_only: true }]
        );
        assert!(m.is_read_only());
        assert_eq!(feed(&mut m, "A1 OK [READ-ONLY] done"), [Update::Unchanged]);
        assert_eq!(feed(&mut m, "* OK [NOMODSEQ] no"), [Update::NoModSeq]);
        assert!(m.is_no_modseq());
        assert_eq!(
            feed(&mut m, "* OK [HIGHESTMODSEQ 4] yes"),
            [Update::HighestModSeq {
                previous: None,
                highest_modseq: 4
            }]
        );
        assert!(!m.is_no_modseq());
        assert_eq!(
            feed(
                &mut m,
                "* OK [ALERT] hello\n* CAPABILITY IMAP4rev2\n+ go on"
            ),
            [Update::Unchanged, Update::Unchanged, Update::Unchanged]
        );
        let m = SelectedMailbox::with_limit(Mailbox::inbox(), true, 5);
        assert_eq!(m.messages().limit(), 5);
        assert!(m.is_read_only());
    }

    /// Everything observable about the mailbox, through the public API.
    fn snapshot(m: &SelectedMailbox) -> String {
        let messages: Vec<_> = m
            .messages()
            .iter()
            .map(|(seq, uid, flags)| (seq, uid, flags, m.messages().modseq(seq)))
            .collect();
        format!(
            "{:?} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            m.name(),
            m.is_read_only(),
            m.exists(),
            m.recent(),
            m.uid_validity(),
            m.uid_next(),
            m.highest_modseq(),
            m.flags(),
            m.permanent_flags(),
            m.first_unseen(),
            messages
        )
    }

    /// Untagged data with small numbers, so that many of them apply.
    fn datum() -> impl Strategy<Value = Data> {
        let uid_set = (1u32..60, 0u32..4).prop_map(|(a, l)| -> UidSet {
            NumSet::new(vec![SetItem::Range(
                Bound::Value(u(a)),
                Bound::Value(u(a + l)),
            )])
            .unwrap()
        });
        prop_oneof![
            2 => (0u32..20).prop_map(Data::Exists),
            3 => (1u32..22).prop_map(|n| Data::Expunge(s(n))),
            2 => (any::<bool>(), uid_set).prop_map(|(earlier, uids)| Data::Vanished { earlier, uids }),
            5 => (1u32..22, proptest::option::of(1u32..60), proptest::option::of(any::<bool>()))
                .prop_map(|(n, uid, seen)| {
                    let mut data = Vec::new();
                    data.extend(uid.map(|x| FetchData::Uid(u(x))));
                    data.extend(seen.map(|seen| FetchData::Flags(if seen { vec![Flag::Seen] } else { vec![] })));
                    Data::Fetch { seq: s(n), data }
                }),
            1 => (0u32..3).prop_map(Data::Recent),
        ]
    }

    proptest! {
        #[test]
        fn invariants_hold_and_errors_change_nothing(
            data in proptest::collection::vec(datum(), 1..80),
        ) {
            let mut m = SelectedMailbox::new(Mailbox::inbox(), false);
            for d in data {
                let before = snapshot(&m);
                let exists = m.exists();
                match m.apply_data(&d) {
                    Err(_) => prop_assert_eq!(snapshot(&m), before),
                    Ok(Update::Expunged(_)) => prop_assert_eq!(m.exists(), exists - 1),
                    Ok(Update::Vanished(v)) => {
                        prop_assert_eq!(m.exists(), exists - v.removed_count());
                    }
                    Ok(_) => {}
                }
                m.check_invariants().map_err(TestCaseError::fail)?;
            }
        }
    }
}
