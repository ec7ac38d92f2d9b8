//! Whole messages: APPEND, COPY, MOVE (with its COPY + STORE + UID EXPUNGE fallback) and
//! EXPUNGE (with the UID look-up that lets UID EXPUNGE name what it removed).

use super::caps::KnownCaps;
use super::{OpError, Operation, Simple};
use crate::client::{CommandId, UsageError};
use crate::engine::OpContext;
use crate::ops::flags::store_command;
use crate::ops::messages::{self as m, Appended, Expunged, UidMapping};
use crate::types::{
    Capability, CommandBody, DateTime, Flag, Mailbox, MessageSet, StoreKind, UidSet,
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
#[derive(Debug)]
pub struct MoveMessages {
    uids: UidSet,
    folder: Mailbox,
    known: KnownCaps,
    stage: MoveStage,
    mapping: Option<UidMapping>,
}

#[derive(Debug)]
enum MoveStage {
    Start,
    Move(CommandId),
    Copy(CommandId),
    Flag(CommandId),
    Expunge(Box<ExpungeUids>),
}

impl MoveMessages {
    /// Moves `uids` to `folder`.
    pub fn new(uids: UidSet, folder: &str) -> MoveMessages {
        MoveMessages {
            uids,
            folder: Mailbox::new(folder),
            known: KnownCaps::default(),
            stage: MoveStage::Start,
            mapping: None,
        }
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
                        let body = m::move_command(self.uids.clone(), self.folder.clone());
                        MoveStage::Move(cx.send(body)?)
                    } else if caps.has(&Capability::UidPlus) {
                        let body = m::copy_command(self.uids.clone(), self.folder.clone());
                        MoveStage::Copy(cx.send(body)?)
                    } else {
                        let e = UsageError::MissingCapability("MOVE or UIDPLUS");
                        return Poll::Ready(Err(OpError::Usage(e)));
                    }
                }
                MoveStage::Move(id) => {
                    let c = std::task::ready!(cx.poll_completion(*id))?;
                    return Poll::Ready(Ok(m::uid_mapping(&c)));
                }
                MoveStage::Copy(id) => {
                    let c = std::task::ready!(cx.poll_completion(*id))?;
                    self.mapping = m::uid_mapping(&c);
                    let deleted = vec![Flag::Deleted];
                    let body = store_command(self.uids.clone(), StoreKind::Add, deleted, false);
                    MoveStage::Flag(cx.send(body)?)
                }
                MoveStage::Flag(id) => {
                    std::task::ready!(cx.poll_completion(*id))?;
                    MoveStage::Expunge(Box::new(ExpungeUids::new(self.uids.clone())))
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
