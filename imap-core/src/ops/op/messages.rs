//! Whole messages: APPEND, COPY, MOVE (with its COPY + STORE + UID EXPUNGE fallback) and
//! EXPUNGE (with the UID look-up that lets UID EXPUNGE name what it removed).

use super::caps::KnownCaps;
use super::{OpError, Operation, Simple};
use crate::client::{CommandId, UsageError};
use crate::engine::OpContext;
use crate::ops::fetch::{self as f, FetchQuery};
use crate::ops::flags::store_command;
use crate::ops::messages::{self as m, Appended, Expunged, UidMapping};
use crate::types::{
    Capability, CommandBody, DateTime, Flag, Mailbox, MessageSet, SeqSet, StoreKind, UidSet,
};
use std::task::Poll;

/// APPEND a message (RFC 5322 bytes) to a folder with flags and an INTERNALDATE (without one,
/// now in this machine's local zone, [`crate::ops::date::now_local`], as mail clients send);
/// yields its UID when the server has UIDPLUS.
pub fn append(
    folder: &str,
    message: &[u8],
    flags: &[Flag],
    date: Option<DateTime>,
) -> Simple<Appended> {
    let date = date.or_else(crate::ops::date::now_local);
    let body = m::append_command(Mailbox::new(folder), message.to_vec(), flags.to_vec(), date);
    Simple::map(body, |c| m::appended(&c))
}

/// MULTIAPPEND (RFC 3502): several messages appended to a folder in one APPEND, all or none;
/// yields what UIDPLUS told of each, in order. A message without a date gets now in the local
/// zone, as with [`append`]. On a server without `MULTIAPPEND` it fails with
/// [`UsageError::MissingCapability`], nothing sent (one [`append`] per message is the way
/// there, without the all-or-none); no message at all yields an empty list, nothing sent.
#[derive(Debug)]
pub struct MultiAppend {
    folder: Mailbox,
    messages: Vec<m::AppendItem>,
    known: KnownCaps,
    id: Option<(CommandId, usize)>,
}

impl MultiAppend {
    /// Appends `messages` to `folder`.
    pub fn new(folder: &str, messages: Vec<m::AppendItem>) -> MultiAppend {
        MultiAppend {
            folder: Mailbox::new(folder),
            messages,
            known: KnownCaps::default(),
            id: None,
        }
    }
}

impl Operation for MultiAppend {
    type Output = Vec<Appended>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Vec<Appended>, OpError>> {
        let (id, count) = match self.id {
            Some(sent) => sent,
            None => {
                if self.messages.is_empty() {
                    return Poll::Ready(Ok(Vec::new()));
                }
                std::task::ready!(self.known.poll(cx))?;
                if !cx.capabilities().has(&Capability::MultiAppend) {
                    let e = UsageError::MissingCapability("MULTIAPPEND");
                    return Poll::Ready(Err(OpError::Usage(e)));
                }
                let local = crate::ops::date::now_local();
                let messages: Vec<m::AppendItem> = std::mem::take(&mut self.messages)
                    .into_iter()
                    .map(|n| {
                        let date = n.date.or(local);
                        n.date(date)
                    })
                    .collect();
                let count = messages.len();
                let body = m::multiappend_command(self.folder.clone(), messages)
                    .ok_or(OpError::Superseded)?;
                *self.id.insert((cx.send(body)?, count))
            }
        };
        let c = std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(m::multiappended(&c, count)))
    }
}

/// COPY messages to a folder; yields the UID mapping when the server has UIDPLUS.
pub fn copy(set: impl Into<MessageSet>, folder: &str) -> Simple<Option<UidMapping>> {
    Simple::map(m::copy_command(set, Mailbox::new(folder)), |c| {
        m::uid_mapping(&c)
    })
}

/// EXPUNGE: removes every message marked `\Deleted`; yields them, each with its sequence
/// number when it went (later messages shift down) and its UID where the model knew it.
pub fn expunge() -> Simple<Expunged> {
    Simple::map(CommandBody::Expunge, |c| m::expunged(&c, &c.removals))
}

/// UID EXPUNGE (UIDPLUS, or IMAP4rev2): removes only these messages, if marked `\Deleted`.
/// The result names them by UID: when the mailbox model does not know every UID, a
/// `UID FETCH uids (UID)` runs first. Without UIDPLUS it fails with
/// [`UsageError::MissingCapability`] (a plain EXPUNGE would remove other messages too).
#[derive(Debug)]
pub struct ExpungeUids {
    uids: UidSet,
    known: KnownCaps,
    stage: ExpungeStage,
}

#[derive(Debug, Clone, Copy)]
enum ExpungeStage {
    Start,
    LookUp(CommandId),
    Expunge(CommandId),
}

impl ExpungeUids {
    /// Expunges `uids`.
    pub fn new(uids: UidSet) -> ExpungeUids {
        ExpungeUids {
            uids,
            known: KnownCaps::default(),
            stage: ExpungeStage::Start,
        }
    }

    fn send_expunge(&self, cx: &mut OpContext<'_>) -> Result<ExpungeStage, OpError> {
        let body = m::expunge_command(Some(self.uids.clone()), cx.capabilities());
        Ok(ExpungeStage::Expunge(cx.send(body)?))
    }
}

impl Operation for ExpungeUids {
    type Output = Expunged;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Expunged, OpError>> {
        loop {
            self.stage = match self.stage {
                ExpungeStage::Start => {
                    std::task::ready!(self.known.poll(cx))?;
                    let caps = cx.capabilities();
                    if !(caps.has(&Capability::UidPlus) || caps.is_rev2()) {
                        let e = UsageError::MissingCapability("UIDPLUS");
                        return Poll::Ready(Err(OpError::Usage(e)));
                    }
                    // The server names the removed messages by sequence number: teach the
                    // model the UIDs it lacks first, so that the result names them by UID.
                    match m::uid_lookup_command(&self.uids, cx.selected()) {
                        Some(lookup) => ExpungeStage::LookUp(cx.send(lookup)?),
                        None => self.send_expunge(cx)?,
                    }
                }
                ExpungeStage::LookUp(id) => {
                    std::task::ready!(cx.poll_completion(id))?;
                    self.send_expunge(cx)?
                }
                ExpungeStage::Expunge(id) => {
                    let c = std::task::ready!(cx.poll_completion(id))?;
                    return Poll::Ready(Ok(m::expunged(&c, &c.removals)));
                }
            };
        }
    }
}

/// MOVE messages to a folder (RFC 6851, or IMAP4rev2); on servers without MOVE, COPY, then
/// `STORE +FLAGS (\Deleted)` and UID EXPUNGE of just them (UIDPLUS needed for that: without
/// either it fails with [`UsageError::MissingCapability`], nothing sent). Yields the UID
/// mapping when the server has UIDPLUS.
///
/// The set is UIDs ([`MoveMessages::new`]) or sequence numbers ([`MoveMessages::seq`], or `$`):
/// `MOVE` and `UID MOVE` take either; the fallback first asks the UIDs of the messages named
/// otherwise (`FETCH set (UID)`), so that its UID EXPUNGE removes only them.
#[derive(Debug)]
pub struct MoveMessages {
    set: MessageSet,
    uids: Option<UidSet>,
    folder: Mailbox,
    known: KnownCaps,
    stage: MoveStage,
    mapping: Option<UidMapping>,
}

#[derive(Debug)]
enum MoveStage {
    Start,
    Move(CommandId),
    LookUp(CommandId),
    Copy(CommandId),
    Flag(CommandId),
    Expunge(Box<ExpungeUids>),
}

impl MoveMessages {
    /// Moves `uids` to `folder`.
    pub fn new(uids: UidSet, folder: &str) -> MoveMessages {
        MoveMessages::set(uids, folder)
    }

    /// Moves the messages with these sequence numbers to `folder`.
    pub fn seq(seqs: SeqSet, folder: &str) -> MoveMessages {
        MoveMessages::set(seqs, folder)
    }

    /// Moves the messages of any set to `folder`.
    pub fn set(set: impl Into<MessageSet>, folder: &str) -> MoveMessages {
        let set = set.into();
        MoveMessages {
            uids: match &set {
                MessageSet::Uid(uids) => Some(uids.clone()),
                _ => None,
            },
            set,
            folder: Mailbox::new(folder),
            known: KnownCaps::default(),
            stage: MoveStage::Start,
            mapping: None,
        }
    }

    fn copy(&self, uids: UidSet, cx: &mut OpContext<'_>) -> Result<MoveStage, OpError> {
        let body = m::copy_command(uids, self.folder.clone());
        Ok(MoveStage::Copy(cx.send(body)?))
    }
}

impl Operation for MoveMessages {
    type Output = Option<UidMapping>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Option<UidMapping>, OpError>> {
        loop {
            self.stage = match &mut self.stage {
                MoveStage::Start => {
                    std::task::ready!(self.known.poll(cx))?;
                    let caps = cx.capabilities();
                    if caps.has(&Capability::Move) || caps.is_rev2() {
                        let body = m::move_command(self.set.clone(), self.folder.clone());
                        MoveStage::Move(cx.send(body)?)
                    } else if caps.has(&Capability::UidPlus) {
                        match &self.uids {
                            Some(uids) => self.copy(uids.clone(), cx)?,
                            None => {
                                let body = FetchQuery::new().command(self.set.clone());
                                MoveStage::LookUp(cx.send(body)?)
                            }
                        }
                    } else {
                        let e = UsageError::MissingCapability("MOVE or UIDPLUS");
                        return Poll::Ready(Err(OpError::Usage(e)));
                    }
                }
                MoveStage::Move(id) => {
                    let c = std::task::ready!(cx.poll_completion(*id))?;
                    return Poll::Ready(Ok(m::uid_mapping(&c)));
                }
                MoveStage::LookUp(id) => {
                    let c = std::task::ready!(cx.poll_completion(*id))?;
                    let uids = f::into_messages(c).into_keys();
                    match UidSet::from_keys(uids) {
                        Ok(uids) => {
                            self.uids = Some(uids.clone());
                            self.copy(uids, cx)?
                        }
                        // No such message: nothing to move.
                        Err(_) => return Poll::Ready(Ok(None)),
                    }
                }
                MoveStage::Copy(id) => {
                    let c = std::task::ready!(cx.poll_completion(*id))?;
                    self.mapping = m::uid_mapping(&c);
                    let uids = self.uids.clone().ok_or(OpError::Superseded)?;
                    let deleted = vec![Flag::Deleted];
                    let body = store_command(uids, StoreKind::Add, deleted, false);
                    MoveStage::Flag(cx.send(body)?)
                }
                MoveStage::Flag(id) => {
                    std::task::ready!(cx.poll_completion(*id))?;
                    let uids = self.uids.clone().ok_or(OpError::Superseded)?;
                    MoveStage::Expunge(Box::new(ExpungeUids::new(uids)))
                }
                MoveStage::Expunge(expunge) => {
                    std::task::ready!(expunge.step(cx))?;
                    return Poll::Ready(Ok(self.mapping.take()));
                }
            };
        }
    }
}

/// Marks messages `\Deleted` (`STORE +FLAGS.SILENT`) and expunges them: UID EXPUNGE of just
/// these with UIDPLUS (or IMAP4rev2), else a plain EXPUNGE (which also removes any other
/// message marked `\Deleted`).
#[derive(Debug)]
pub struct DeleteAndExpunge {
    uids: UidSet,
    known: KnownCaps,
    stage: DeleteStage,
}

#[derive(Debug)]
enum DeleteStage {
    Start,
    Flag(CommandId),
    ExpungeUids(Box<ExpungeUids>),
    Expunge(Box<Simple<Expunged>>),
}

impl DeleteAndExpunge {
    /// Deletes and expunges `uids`.
    pub fn new(uids: UidSet) -> DeleteAndExpunge {
        DeleteAndExpunge {
            uids,
            known: KnownCaps::default(),
            stage: DeleteStage::Start,
        }
    }
}

impl Operation for DeleteAndExpunge {
    type Output = Expunged;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Expunged, OpError>> {
        loop {
            self.stage = match &mut self.stage {
                DeleteStage::Start => {
                    std::task::ready!(self.known.poll(cx))?;
                    let deleted = vec![Flag::Deleted];
                    let body = store_command(self.uids.clone(), StoreKind::Add, deleted, true);
                    DeleteStage::Flag(cx.send(body)?)
                }
                DeleteStage::Flag(id) => {
                    std::task::ready!(cx.poll_completion(*id))?;
                    let caps = cx.capabilities();
                    if caps.has(&Capability::UidPlus) || caps.is_rev2() {
                        DeleteStage::ExpungeUids(Box::new(ExpungeUids::new(self.uids.clone())))
                    } else {
                        DeleteStage::Expunge(Box::new(expunge()))
                    }
                }
                DeleteStage::ExpungeUids(op) => return op.step(cx),
                DeleteStage::Expunge(op) => return op.step(cx),
            };
        }
    }
}
