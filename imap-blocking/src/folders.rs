//! Folder commands of [`Session`]: LIST (flags, delimiter, SPECIAL-USE, subscriptions and
//! STATUS in one call with LIST-STATUS), special folders, STATUS, CREATE, RENAME, DELETE,
//! SUBSCRIBE and UNSUBSCRIBE.

use crate::error::{Error, Result};
use crate::session::Session;
use imap_core::ops::folders::{
    self as f, Folder, FolderStatus, ListOptions, SpecialUse, default_status_items,
};
use imap_core::types::{CommandBody, Mailbox, StatusItem};

impl Session {
    /// Lists folders as `options` says, using LIST-EXTENDED, SPECIAL-USE and LIST-STATUS when
    /// the server has them and falling back to LSUB and one STATUS per folder when it does not.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn list_folders(&mut self, options: &ListOptions) -> Result<Vec<Folder>> {
        let plan = options.plan(self.capabilities()?);
        let list = self.conn.run(plan.list.clone())?;
        let lsub = match &plan.lsub {
            Some(cmd) => Some(self.conn.run(cmd.clone())?),
            None => None,
        };
        let mut folders = plan.folders(&list, lsub.as_ref());
        if !plan.status_each.is_empty() {
            for folder in folders.iter_mut().filter(|f| f.is_selectable()) {
                let c = self.conn.run(f::status_command(
                    folder.name.clone(),
                    plan.status_each.clone(),
                ))?;
                folder.status = f::folder_status(&c, &folder.name);
            }
        }
        Ok(folders)
    }

    /// Every folder, with attributes, SPECIAL-USE roles and subscription state.
    ///
    /// # Errors
    /// As [`Session::list_folders`].
    pub fn folders(&mut self) -> Result<Vec<Folder>> {
        self.list_folders(&ListOptions::all().with_subscribed())
    }

    /// Every folder with its MESSAGES, UNSEEN, UIDNEXT and UIDVALIDITY (one LIST with
    /// LIST-STATUS when the server has it).
    ///
    /// # Errors
    /// As [`Session::list_folders`].
    pub fn folders_with_status(&mut self) -> Result<Vec<Folder>> {
        self.list_folders(&ListOptions::all().with_status(default_status_items()))
    }

    /// The folder with a SPECIAL-USE role (`\Sent`, `\Trash`, ...), or one with a common name
    /// for it on servers without SPECIAL-USE.
    ///
    /// # Errors
    /// As [`Session::list_folders`].
    pub fn find_special_folder(&mut self, role: SpecialUse) -> Result<Option<Folder>> {
        let folders = self.list_folders(&ListOptions::all())?;
        Ok(f::find_special(&folders, role).cloned())
    }

    /// Whether a folder exists (LIST with its exact name).
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn folder_exists(&mut self, folder: &str) -> Result<bool> {
        let c = self.conn.run(CommandBody::List {
            selection: Vec::new(),
            reference: Mailbox::new(""),
            patterns: vec![Mailbox::new(folder)],
            returns: Vec::new(),
        })?;
        let name = Mailbox::new(folder);
        Ok(f::folders(&c).iter().any(|f| {
            f.name == name
                && !f
                    .attributes
                    .contains(&imap_core::types::MailboxAttr::NonExistent)
        }))
    }

    /// STATUS of a folder: MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn folder_status(&mut self, folder: &str) -> Result<FolderStatus> {
        self.status(folder, &default_status_items())
    }

    /// STATUS of a folder with chosen items.
    ///
    /// # Errors
    /// As [`crate::Connection::run`]; [`Error::NotFound`] when the server's answer holds no
    /// STATUS data the parser could read.
    pub fn status(&mut self, folder: &str, items: &[StatusItem]) -> Result<FolderStatus> {
        let mailbox = Mailbox::new(folder);
        let c = self
            .conn
            .run(f::status_command(mailbox.clone(), items.to_vec()))?;
        // No STATUS data the parser could read: an error, never an all-empty status.
        f::folder_status(&c, &mailbox)
            .ok_or_else(|| Error::NotFound(imap_core::ops::op::Missing::Status(mailbox)))
    }

    /// CREATE.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn create_folder(&mut self, folder: &str) -> Result<()> {
        self.conn
            .run(f::create_command(Mailbox::new(folder), None))
            .map(drop)
    }

    /// CREATE with a SPECIAL-USE role (CREATE-SPECIAL-USE, RFC 6154).
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn create_special_folder(&mut self, folder: &str, role: SpecialUse) -> Result<()> {
        self.conn
            .run(f::create_command(Mailbox::new(folder), Some(role)))
            .map(drop)
    }

    /// RENAME.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn rename_folder(&mut self, from: &str, to: &str) -> Result<()> {
        self.conn
            .run(CommandBody::Rename {
                from: Mailbox::new(from),
                to: Mailbox::new(to),
            })
            .map(drop)
    }

    /// DELETE.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn delete_folder(&mut self, folder: &str) -> Result<()> {
        self.conn
            .run(CommandBody::Delete(Mailbox::new(folder)))
            .map(drop)
    }

    /// SUBSCRIBE.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn subscribe(&mut self, folder: &str) -> Result<()> {
        self.conn
            .run(CommandBody::Subscribe(Mailbox::new(folder)))
            .map(drop)
    }

    /// UNSUBSCRIBE.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn unsubscribe(&mut self, folder: &str) -> Result<()> {
        self.conn
            .run(CommandBody::Unsubscribe(Mailbox::new(folder)))
            .map(drop)
    }
}
