//! Messages as wholes: APPEND ([`append_command`], [`Appended`]), COPY and MOVE
//! ([`UidMapping`]), and EXPUNGE ([`expunge_command`], [`Expunged`]).

use crate::client::{Capabilities, Completion};
use crate::mailbox::{MessageRef, SelectedMailbox, Update};
use crate::types::{
    AppendData, AppendMessage, Capability, CatPart, CommandBody, Data, DateTime, Flag, Mailbox,
    MessageSet, Uid, UidRanges, UidSet, UidValidity,
};
use bytes::Bytes;

/// `APPEND mailbox [(flags)] [date] message`.
pub fn append_command(
    mailbox: Mailbox,
    message: impl Into<Bytes>,
    flags: Vec<Flag>,
    date: Option<DateTime>,
) -> CommandBody {
    CommandBody::Append {
        mailbox,
        messages: vec![
            AppendItem::new(message)
                .flags(flags)
                .date(date)
                .into_append(),
        ],
    }
}

/// One message to append: its RFC 5322 bytes, flags and INTERNALDATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendItem {
    /// The message (sent as `literal8` when it holds NUL bytes).
    pub message: Bytes,
    /// Flags to set.
    pub flags: Vec<Flag>,
    /// The INTERNALDATE (`None`: the server's choice, its time of receipt).
    pub date: Option<DateTime>,
}

impl AppendItem {
    /// The message, no flags, no date.
    pub fn new(message: impl Into<Bytes>) -> AppendItem {
        AppendItem {
            message: message.into(),
            flags: Vec::new(),
            date: None,
        }
    }

    /// With these flags.
    pub fn flags(mut self, flags: Vec<Flag>) -> AppendItem {
        self.flags = flags;
        self
    }

    /// With this INTERNALDATE.
    pub fn date(mut self, date: Option<DateTime>) -> AppendItem {
        self.date = date;
        self
    }

    fn into_append(self) -> AppendMessage {
        let binary = self.message.contains(&0);
        AppendMessage {
            flags: self.flags,
            date: self.date,
            data: AppendData::Literal {
                data: self.message.into(),
                binary,
            },
        }
    }
}

/// `APPEND mailbox msg1 msg2 ...` (MULTIAPPEND, RFC 3502 section 6): several messages in one
/// command, appended all or none. `None` for no message at all (the command needs one).
pub fn multiappend_command(mailbox: Mailbox, messages: Vec<AppendItem>) -> Option<CommandBody> {
    if messages.is_empty() {
        return None;
    }
    Some(CommandBody::Append {
        mailbox,
        messages: messages.into_iter().map(AppendItem::into_append).collect(),
    })
}

/// `APPEND mailbox [(flags)] [date] CATENATE (parts)` (RFC 4469, for servers that advertise
/// `CATENATE`): the new message is the parts joined, each a text or the bytes an IMAP URL names
/// (build one with [`PartUrl`](super::part_url::PartUrl) and `to_string()`). The server
/// answers `NO [BADURL url]` when a URL names nothing, `NO [TOOBIG]` when the result is too
/// large.
pub fn catenate_command(
    mailbox: Mailbox,
    parts: Vec<CatPart>,
    flags: Vec<Flag>,
    date: Option<DateTime>,
) -> CommandBody {
    CommandBody::Append {
        mailbox,
        messages: vec![AppendMessage {
            flags,
            date,
            data: AppendData::Catenate(parts),
        }],
    }
}

/// What APPEND told about the new message (UIDPLUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Appended {
    /// The destination's UIDVALIDITY, when the server has UIDPLUS.
    pub uid_validity: Option<UidValidity>,
    /// The new message's UID, when the server has UIDPLUS.
    pub uid: Option<Uid>,
}

/// The `APPENDUID` of an APPEND completion.
pub fn appended(c: &Completion) -> Appended {
    match c.append_uid() {
        Some((validity, uids)) => Appended {
            uid_validity: Some(validity),
            uid: uids.first(),
        },
        None => Appended::default(),
    }
}

/// The `APPENDUID` of a MULTIAPPEND completion, one [`Appended`] for each of `count`
/// messages in the order they were sent (RFC 4315 section 3: the n-th UID of the set is the
/// n-th message's). Without UIDPLUS every UID is `None`.
pub fn multiappended(c: &Completion, count: usize) -> Vec<Appended> {
    let uids = c.append_uid();
    (0..count)
        .map(|n| match &uids {
            Some((validity, uids)) => Appended {
                uid_validity: Some(*validity),
                uid: uids.nth(n as u64),
            },
            None => Appended::default(),
        })
        .collect()
}

/// Where COPY or MOVE put the messages (`COPYUID`, UIDPLUS): the n-th source UID went to the
/// n-th destination UID. Both sides stay ranges, however many messages they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UidMapping {
    /// The destination's UIDVALIDITY.
    pub uid_validity: UidValidity,
    /// The source UIDs.
    pub source: UidRanges,
    /// The destination UIDs.
    pub destination: UidRanges,
}

impl UidMapping {
    /// The destination UID of `source`. O(ranges).
    pub fn destination(&self, source: Uid) -> Option<Uid> {
        self.destination.nth(self.source.position(source)?)
    }

    /// `(source UID, destination UID)` pairs, ascending, one at a time.
    pub fn pairs(&self) -> impl Iterator<Item = (Uid, Uid)> + '_ {
        self.source.iter().zip(self.destination.iter())
    }

    /// How many pairs there are.
    pub fn len(&self) -> u64 {
        self.source.len().min(self.destination.len())
    }

    /// Whether there is no pair.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `COPYUID` of a COPY or MOVE completion (tagged, or untagged for MOVE).
pub fn uid_mapping(c: &Completion) -> Option<UidMapping> {
    let (uid_validity, source, destination) = c.copy_uid()?;
    Some(UidMapping {
        uid_validity,
        source,
        destination,
    })
}

/// `[UID] COPY set mailbox`.
pub fn copy_command(set: impl Into<MessageSet>, mailbox: Mailbox) -> CommandBody {
    CommandBody::Copy {
        set: set.into(),
        mailbox,
    }
}

/// `[UID] MOVE set mailbox` (RFC 6851).
pub fn move_command(set: impl Into<MessageSet>, mailbox: Mailbox) -> CommandBody {
    CommandBody::Move {
        set: set.into(),
        mailbox,
    }
}

/// `UID EXPUNGE uids` when `uids` is given and the server has UIDPLUS (or IMAP4rev2), else
/// `EXPUNGE` (which removes every message marked `\Deleted`).
pub fn expunge_command(uids: Option<UidSet>, caps: &Capabilities) -> CommandBody {
    match uids {
        Some(set) if caps.has(&Capability::UidPlus) || caps.is_rev2() => {
            CommandBody::UidExpunge(set)
        }
        _ => CommandBody::Expunge,
    }
}

/// `UID FETCH uids (UID)`, to run before `UID EXPUNGE uids` when the mailbox model does not
/// know every message's UID (new messages after `EXISTS`, messages never fetched): the server
/// announces the removals by sequence number, and only a model that knows the UIDs can name
/// them in [`Expunged`]. `None` when nothing is selected or every UID is known. The answer is
/// bounded by `uids`, unlike learning the UIDs of the whole mailbox.
pub fn uid_lookup_command(
    uids: &UidSet,
    selected: Option<&SelectedMailbox>,
) -> Option<CommandBody> {
    let model = selected?;
    if model.messages().unknown_uids() == 0 {
        return None;
    }
    Some(crate::ops::fetch::FetchQuery::new().command(uids.clone()))
}

/// The messages an EXPUNGE (or MOVE) removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expunged {
    /// The removed messages, in the order the server announced them, each with its sequence
    /// number at that moment (so a burst `3, 3, 3` is three different messages) and its UID
    /// when the mailbox model knew it. Only messages the model held one by one: a VANISHED
    /// that removed never-fetched messages is counted in `vanished_uids` or `unnamed`.
    pub messages: Vec<MessageRef>,
    /// UIDs reported by VANISHED (QRESYNC) whose messages the model could not name, as ranges.
    pub vanished_uids: UidRanges,
    /// Messages a VANISHED removed that are named neither in `messages` nor by
    /// `vanished_uids` (a server that listed more UIDs than it had messages).
    pub unnamed: u64,
}

impl Expunged {
    /// The UIDs removed, where known, as ranges.
    pub fn uids(&self) -> UidRanges {
        let named: UidRanges = self.messages.iter().filter_map(|m| m.uid).collect();
        named.union(&self.vanished_uids)
    }

    /// How many messages were removed.
    pub fn count(&self) -> u64 {
        self.messages.len() as u64 + self.vanished_uids.len() + self.unnamed
    }
}

/// The removals among mailbox-model updates (those a driver saw while the command ran), or,
/// without updates, from the completion's EXPUNGE data (sequence numbers only).
pub fn expunged(c: &Completion, updates: &[Update]) -> Expunged {
    let mut out = Expunged::default();
    // Ranges of every run, merged once at the end.
    let mut vanished: Vec<(u32, u32)> = Vec::new();
    let mut add =
        |uids: &UidRanges| vanished.extend(uids.ranges().map(|(a, b)| (a.get(), b.get())));
    for u in updates {
        match u {
            Update::Expunged(r) => out.messages.push(*r),
            Update::Vanished(v) => {
                out.messages.extend(v.removed.iter().copied());
                v.uncertain.iter().for_each(|run| add(&run.uids));
                for run in &v.removed_runs {
                    match &run.uids {
                        Some(uids) => add(uids),
                        None => out.unnamed += u64::from(run.count),
                    }
                }
            }
            _ => {}
        }
    }
    out.vanished_uids = UidRanges::from_ranges(vanished);
    if out.count() == 0 {
        for d in &c.data {
            if let Data::Expunge(seq) = d {
                out.messages.push(MessageRef {
                    seq: *seq,
                    uid: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FetchData, FetchItems, SeqNum};

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    #[test]
    fn uid_lookup_only_while_the_model_misses_uids() {
        let set = UidSet::single(uid(7));
        assert_eq!(uid_lookup_command(&set, None), None);
        let mut model = SelectedMailbox::new(Mailbox::new("INBOX"), false);
        model.apply_data(&Data::Exists(1)).unwrap();
        // The message's UID is unknown: look the asked UIDs up, by UID.
        let Some(CommandBody::Fetch {
            set: asked, items, ..
        }) = uid_lookup_command(&set, Some(&model))
        else {
            panic!("a UID FETCH");
        };
        assert_eq!(asked, MessageSet::from(set.clone()));
        assert!(matches!(items, FetchItems::Items(i) if i == vec![crate::types::FetchItem::Uid]));
        model
            .apply_data(&Data::Fetch {
                seq: SeqNum::new(1).unwrap(),
                data: vec![FetchData::Uid(uid(7))],
            })
            .unwrap();
        assert_eq!(uid_lookup_command(&set, Some(&model)), None);
    }
}
