//! Folder commands: LIST with its fallbacks ([`ListFolders`]: LIST-STATUS, or LIST, LSUB and
//! one STATUS per folder), special folders, STATUS, CREATE, RENAME, DELETE, SUBSCRIBE and
//! UNSUBSCRIBE.

use super::caps::KnownCaps;
use super::{Missing, OpError, Operation, Simple};
use crate::client::{CommandId, Completion};
use crate::engine::OpContext;
use crate::ops::folders::{
    self as f, Folder, FolderStatus, ListOptions, ListPlan, SpecialUse, default_status_items,
};
use crate::types::{CommandBody, Mailbox, MailboxAttr, StatusItem};
use std::task::Poll;

/// Lists folders as [`ListOptions`] say, using LIST-EXTENDED, SPECIAL-USE and LIST-STATUS when
/// the server has them, and falling back to LSUB (subscriptions) and one STATUS per selectable
/// folder when it does not.
#[derive(Debug)]
pub struct ListFolders {
    options: ListOptions,
    known: KnownCaps,
    stage: ListStage,
}

#[derive(Debug)]
enum ListStage {
    Start,
    List {
        plan: Box<ListPlan>,
        list: CommandId,
        lsub: Option<CommandId>,
        listed: Option<Box<Completion>>,
    },
    Status {
        status_items: Vec<StatusItem>,
        folders: Vec<Folder>,
        /// The folder whose STATUS is in flight, and the command.
        at: Option<(usize, CommandId)>,
    },
    Finished,
}

impl ListFolders {
    /// Lists as `options` say.
    pub fn new(options: ListOptions) -> ListFolders {
        ListFolders {
            options,
            known: KnownCaps::default(),
            stage: ListStage::Start,
        }
    }
}

impl Operation for ListFolders {
    type Output = Vec<Folder>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Vec<Folder>, OpError>> {
        loop {
            self.stage = match &mut self.stage {
                ListStage::Start => {
                    std::task::ready!(self.known.poll(cx))?;
                    let plan = self.options.plan(cx.capabilities());
                    let list = cx.send(plan.list.clone())?;
                    let lsub = plan.lsub.clone().map(|b| cx.send(b)).transpose()?;
                    ListStage::List {
                        plan: Box::new(plan),
                        list,
                        lsub,
                        listed: None,
                    }
                }
                ListStage::List {
                    plan,
                    list,
                    lsub,
                    listed,
                } => {
                    if listed.is_none() {
                        *listed = Some(Box::new(std::task::ready!(cx.poll_completion(*list))?));
                    }
                    let subscribed = match lsub {
                        Some(id) => Some(std::task::ready!(cx.poll_completion(*id))?),
                        None => None,
                    };
                    let listed = listed.take().ok_or(OpError::Superseded)?;
                    let folders = plan.folders(&listed, subscribed.as_ref());
                    ListStage::Status {
                        status_items: std::mem::take(&mut plan.status_each),
                        folders,
                        at: None,
                    }
                }
                ListStage::Status {
                    status_items,
                    folders,
                    at,
                } => {
                    if let Some((i, id)) = *at {
                        let c = std::task::ready!(cx.poll_completion(id))?;
                        folders[i].status = f::folder_status(&c, &folders[i].name);
                    }
                    let from = at.map_or(0, |(i, _)| i + 1);
                    let next = folders
                        .iter()
                        .skip(from)
                        .position(Folder::is_selectable)
                        .map(|p| p + from)
                        .filter(|_| !status_items.is_empty());
                    match next {
                        Some(i) => {
                            let body =
                                f::status_command(folders[i].name.clone(), status_items.clone());
                            *at = Some((i, cx.send(body)?));
                            continue;
                        }
                        None => {
                            let folders = std::mem::take(folders);
                            self.stage = ListStage::Finished;
                            return Poll::Ready(Ok(folders));
                        }
                    }
                }
                ListStage::Finished => return Poll::Ready(Err(OpError::Superseded)),
            };
        }
    }
}

/// Every folder, with attributes, SPECIAL-USE roles and subscription state.
pub fn folders() -> ListFolders {
    ListFolders::new(ListOptions::all().with_subscribed())
}

/// Every folder with its MESSAGES, UNSEEN, UIDNEXT and UIDVALIDITY (one LIST with LIST-STATUS
/// when the server has it).
pub fn folders_with_status() -> ListFolders {
    ListFolders::new(ListOptions::all().with_status(default_status_items()))
}

/// The folder with a SPECIAL-USE role (`\Sent`, `\Trash`, ...), or one with a common name for
/// it on servers without SPECIAL-USE.
#[derive(Debug)]
pub struct FindSpecialFolder {
    list: ListFolders,
    role: SpecialUse,
}

impl FindSpecialFolder {
    /// Finds the folder for `role`.
    pub fn new(role: SpecialUse) -> FindSpecialFolder {
        FindSpecialFolder {
            list: ListFolders::new(ListOptions::all()),
            role,
        }
    }
}

impl Operation for FindSpecialFolder {
    type Output = Option<Folder>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Option<Folder>, OpError>> {
        let folders = std::task::ready!(self.list.step(cx))?;
        Poll::Ready(Ok(f::find_special(&folders, self.role).cloned()))
    }
}

/// `XLIST "" pattern` (Gmail's LIST before SPECIAL-USE, IMAPClient's `xlist_folders`): the
/// folders with Gmail's role attributes read as SPECIAL-USE ones ([`f::xlist_folders`]), so
/// [`Folder::special_use`] names them. Servers that do not advertise `XLIST` answer `BAD`
/// ([`OpError::Command`]); [`ListFolders`] gives the same roles through SPECIAL-USE.
pub fn xlist_folders(pattern: &str) -> Simple<Vec<Folder>> {
    let body = CommandBody::XList {
        reference: Mailbox::new(""),
        pattern: Mailbox::new(pattern),
    };
    Simple::map(body, |c| f::xlist_folders(&c))
}

/// Whether a folder exists (LIST with its exact name).
pub fn folder_exists(folder: &str) -> Simple<bool> {
    let name = Mailbox::new(folder);
    let body = CommandBody::List {
        selection: Vec::new(),
        reference: Mailbox::new(""),
        patterns: vec![name.clone()],
        returns: Vec::new(),
    };
    Simple::map(body, move |c| {
        f::folders(&c)
            .iter()
            .any(|f| f.name == name && !f.attributes.contains(&MailboxAttr::NonExistent))
    })
}

/// STATUS of a folder with chosen items; [`Missing::Status`] when the answer holds no STATUS
/// data the parser could read (never an all-empty status).
pub fn status(folder: &str, items: &[StatusItem]) -> Simple<FolderStatus> {
    let mailbox = Mailbox::new(folder);
    let body = f::status_command(mailbox.clone(), items.to_vec());
    Simple::new(body, move |c, _| {
        f::folder_status(&c, &mailbox).ok_or(OpError::NotFound(Missing::Status(mailbox)))
    })
}

/// STATUS of a folder: MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY.
pub fn folder_status(folder: &str) -> Simple<FolderStatus> {
    status(folder, &default_status_items())
}

/// CREATE, with a SPECIAL-USE role when given (CREATE-SPECIAL-USE, RFC 6154).
pub fn create_folder(folder: &str, role: Option<SpecialUse>) -> Simple<()> {
    Simple::unit(f::create_command(Mailbox::new(folder), role))
}

/// RENAME.
pub fn rename_folder(from: &str, to: &str) -> Simple<()> {
    Simple::unit(CommandBody::Rename {
        from: Mailbox::new(from),
        to: Mailbox::new(to),
    })
}

/// DELETE.
pub fn delete_folder(folder: &str) -> Simple<()> {
    Simple::unit(CommandBody::Delete(Mailbox::new(folder)))
}

/// SUBSCRIBE.
pub fn subscribe(folder: &str) -> Simple<()> {
    Simple::unit(CommandBody::Subscribe(Mailbox::new(folder)))
}

/// UNSUBSCRIBE.
pub fn unsubscribe(folder: &str) -> Simple<()> {
    Simple::unit(CommandBody::Unsubscribe(Mailbox::new(folder)))
}
