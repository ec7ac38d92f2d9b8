//! Opening and leaving a folder: [`Select`] (SELECT or EXAMINE, [`SelectOptions`]) and
//! [`Unselect`] (UNSELECT, or EXAMINE + CLOSE on servers without it).

use super::caps::KnownCaps;
use super::{OpError, Operation};
use crate::client::{CommandId, MailboxSummary};
use crate::engine::OpContext;
use crate::types::{Capability, CommandBody, Mailbox, SelectParams};
use std::task::Poll;

/// Whether a folder is opened for changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// SELECT: flags can be changed and messages expunged.
    #[default]
    ReadWrite,
    /// EXAMINE: nothing changes, `\Recent` and `\Seen` included.
    ReadOnly,
}

/// How to open a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SelectOptions {
    /// SELECT or EXAMINE.
    pub access: Access,
    /// `(CONDSTORE)`: mod-sequences in the summary and in FETCH (RFC 7162).
    pub condstore: bool,
}

impl SelectOptions {
    /// SELECT, without CONDSTORE.
    pub fn read_write() -> SelectOptions {
        SelectOptions::default()
    }

    /// EXAMINE, without CONDSTORE.
    pub fn read_only() -> SelectOptions {
        SelectOptions {
            access: Access::ReadOnly,
            condstore: false,
        }
    }

    /// With `(CONDSTORE)`.
    pub fn with_condstore(mut self) -> SelectOptions {
        self.condstore = true;
        self
    }

    /// With the access given.
    pub fn with_access(mut self, access: Access) -> SelectOptions {
        self.access = access;
        self
    }

    /// The SELECT or EXAMINE command for `mailbox`.
    pub fn command(&self, mailbox: Mailbox) -> CommandBody {
        let params = SelectParams {
            condstore: self.condstore,
            qresync: None,
        };
        match self.access {
            Access::ReadWrite => CommandBody::Select { mailbox, params },
            Access::ReadOnly => CommandBody::Examine { mailbox, params },
        }
    }
}

/// SELECT or EXAMINE: opens a folder and yields its summary. Its own responses (EXISTS,
/// FLAGS, UIDVALIDITY, ...) go to the summary and the model, not to the event queue.
#[derive(Debug)]
pub struct Select {
    body: Option<CommandBody>,
    id: Option<CommandId>,
}

impl Select {
    /// Opens `folder` as `options` say.
    pub fn new(folder: &str, options: SelectOptions) -> Select {
        Select {
            body: Some(options.command(Mailbox::new(folder))),
            id: None,
        }
    }
}

impl Operation for Select {
    type Output = MailboxSummary;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<MailboxSummary, OpError>> {
        let id = match (self.id, self.body.take()) {
            (Some(id), _) => id,
            (None, Some(body)) => *self.id.insert(cx.send(body)?),
            (None, None) => return Poll::Ready(Err(OpError::Superseded)),
        };
        let c = std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(c.summary.unwrap_or_default()))
    }
}

/// Leaves the selected folder without expunging: UNSELECT (RFC 3691, or IMAP4rev2); on
/// servers without it, EXAMINE of the same folder and CLOSE (a read-only CLOSE expunges
/// nothing).
#[derive(Debug, Default)]
pub struct Unselect {
    known: KnownCaps,
    stage: UnselectStage,
}

#[derive(Debug, Default, Clone, Copy)]
enum UnselectStage {
    #[default]
    Start,
    Unselect(CommandId),
    Examine(CommandId),
    Close(CommandId),
}

impl Unselect {
    /// The operation.
    pub fn new() -> Unselect {
        Unselect::default()
    }
}

impl Operation for Unselect {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        loop {
            self.stage = match self.stage {
                UnselectStage::Start => {
                    std::task::ready!(self.known.poll(cx))?;
                    let caps = cx.capabilities();
                    if caps.has(&Capability::Unselect) || caps.is_rev2() {
                        UnselectStage::Unselect(cx.send(CommandBody::Unselect)?)
                    } else if let Some(name) = cx.selected().map(|m| m.name().clone()) {
                        let read_only = SelectOptions::read_only().command(name);
                        UnselectStage::Examine(cx.send(read_only)?)
                    } else {
                        UnselectStage::Close(cx.send(CommandBody::Close)?)
                    }
                }
                UnselectStage::Unselect(id) | UnselectStage::Close(id) => {
                    std::task::ready!(cx.poll_completion(id))?;
                    return Poll::Ready(Ok(()));
                }
                UnselectStage::Examine(id) => {
                    std::task::ready!(cx.poll_completion(id))?;
                    UnselectStage::Close(cx.send(CommandBody::Close)?)
                }
            };
        }
    }
}
