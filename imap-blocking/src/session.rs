//! After login: [`Session`] and its general commands (capabilities, NOOP, ENABLE, ID,
//! NAMESPACE, SELECT / EXAMINE / UNSELECT / CLOSE, QUOTA, ACL, METADATA, raw commands).
//! Folder, message, search, flag and IDLE commands are in their own modules.

use crate::connection::Connection;
use crate::error::{Error, Result};
use imap_core::client::{Capabilities, Completion, Event, MailboxSummary};
use imap_core::mailbox::SelectedMailbox;
use imap_core::ops::{self, info::Quota};
use imap_core::types::{
    AclEntry, Atom, Capability, CommandBody, Mailbox, MetadataOptions, Namespaces, QuotaLimit,
    RawArgs, SelectParams, Str,
};

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping the session logs out.
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Connection>,
}

impl Session {
    pub(crate) fn from_connection(mut conn: Box<Connection>) -> Session {
        conn.set_logout_on_drop(true);
        Session { conn }
    }

    /// The connection underneath, for pipelining, raw commands and the core's state.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The server's capabilities, asked for with CAPABILITY when not known (after login).
    ///
    /// # Errors
    /// When CAPABILITY fails.
    pub fn capabilities(&mut self) -> Result<&Capabilities> {
        if !self.conn.core().capabilities().is_known() {
            self.conn.run(CommandBody::Capability)?;
        }
        Ok(self.conn.core().capabilities())
    }

    /// Whether the server advertises `cap`.
    ///
    /// # Errors
    /// When CAPABILITY fails.
    pub fn has_capability(&mut self, cap: &Capability) -> Result<bool> {
        Ok(self.capabilities()?.has(cap))
    }

    /// The selected mailbox as the client's model knows it: EXISTS, UIDVALIDITY, and the
    /// sequence-number/UID map with per-message flags where known.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.conn.selected()
    }

    /// Removes and returns the unsolicited events received so far (mailbox updates, alerts,
    /// BYE).
    pub fn drain_events(&mut self) -> Vec<Event> {
        self.conn.drain_events().collect()
    }

    /// NOOP: lets the server report changes (they land in [`Session::drain_events`] and in
    /// the mailbox model).
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn noop(&mut self) -> Result<()> {
        self.conn.run(CommandBody::Noop).map(drop)
    }

    /// ENABLE (RFC 5161); returns what the server enabled. Valid before any mailbox is
    /// selected (RFC 9051 section 6.3.1): with a mailbox selected it is refused locally.
    ///
    /// # Errors
    /// As [`Connection::run`]; a usage error while a mailbox is selected.
    pub fn enable(&mut self, caps: &[Capability]) -> Result<Vec<Capability>> {
        let c = self.conn.run(CommandBody::Enable(caps.to_vec()))?;
        Ok(c.data
            .iter()
            .filter_map(|d| match d {
                imap_core::types::Data::Enabled(l) => Some(l.clone()),
                _ => None,
            })
            .flatten()
            .collect())
    }

    /// COMPRESS=DEFLATE (RFC 4978): when the server offers it, compresses both directions from
    /// here on (the core does the deflating; the transport is unchanged) and returns `true`;
    /// returns `false` when the server does not offer it. Worth it on slow links and for large
    /// FETCHes; a second call is refused locally, as compression cannot be stacked.
    ///
    /// # Errors
    /// As [`Connection::run`]; [`Error::Command`] when the server refuses.
    pub fn compress(&mut self) -> Result<bool> {
        let deflate = imap_core::types::Atom::from_static("DEFLATE");
        if !self.has_capability(&Capability::Compress(deflate.clone()))? {
            return Ok(false);
        }
        self.conn.run(CommandBody::Compress(deflate))?;
        Ok(true)
    }

    /// ID (RFC 2971): sends these parameters, returns the server's.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn id(&mut self, params: &[(&str, Option<&str>)]) -> Result<Vec<(String, Option<String>)>> {
        let c = self.conn.run(ops::info::id_command(params))?;
        Ok(ops::info::id(&c))
    }

    /// NAMESPACE (RFC 2342).
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn namespace(&mut self) -> Result<Namespaces> {
        let c = self.conn.run(CommandBody::Namespace)?;
        Ok(ops::info::namespaces(&c))
    }

    /// SELECT: opens a folder read-write and returns its summary.
    ///
    /// # Errors
    /// [`Error::Command`] when the folder does not exist, or as [`Connection::run`].
    pub fn select(&mut self, folder: &str) -> Result<MailboxSummary> {
        self.select_with(folder, false, false)
    }

    /// EXAMINE: opens a folder read-only and returns its summary.
    ///
    /// # Errors
    /// As [`Session::select`].
    pub fn examine(&mut self, folder: &str) -> Result<MailboxSummary> {
        self.select_with(folder, true, false)
    }

    /// SELECT or EXAMINE with `CONDSTORE` (mod-sequences in the summary and in FETCH).
    ///
    /// # Errors
    /// As [`Session::select`].
    pub fn select_condstore(&mut self, folder: &str, read_only: bool) -> Result<MailboxSummary> {
        self.select_with(folder, read_only, true)
    }

    fn select_with(
        &mut self,
        folder: &str,
        read_only: bool,
        condstore: bool,
    ) -> Result<MailboxSummary> {
        let mailbox = Mailbox::new(folder);
        let params = SelectParams {
            condstore,
            qresync: None,
        };
        let body = if read_only {
            CommandBody::Examine { mailbox, params }
        } else {
            CommandBody::Select { mailbox, params }
        };
        let c = self.conn.run(body)?;
        Ok(c.summary.unwrap_or_default())
    }

    /// Leaves the selected folder without expunging: UNSELECT, or on servers without it,
    /// EXAMINE of the same folder and CLOSE (a read-only CLOSE expunges nothing).
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn unselect(&mut self) -> Result<()> {
        let caps = self.capabilities()?;
        if caps.has(&Capability::Unselect) || caps.is_rev2() {
            return self.conn.run(CommandBody::Unselect).map(drop);
        }
        if let Some(name) = self.selected().map(|m| m.name().clone()) {
            self.conn.run(CommandBody::Examine {
                mailbox: name,
                params: SelectParams::default(),
            })?;
        }
        self.conn.run(CommandBody::Close).map(drop)
    }

    /// CLOSE: expunges the messages marked `\Deleted` (in a read-write folder) and leaves it.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn close(&mut self) -> Result<()> {
        self.conn.run(CommandBody::Close).map(drop)
    }

    /// Logs out and closes the connection.
    ///
    /// # Errors
    /// When LOGOUT fails.
    pub fn logout(mut self) -> Result<()> {
        self.conn.logout()
    }

    /// Runs any command and returns its completion (OK only) with all its data: the escape
    /// hatch for what has no method.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn run_command(&mut self, body: CommandBody) -> Result<Completion> {
        self.conn.run(body)
    }

    /// Sends a raw command line (`XAPPLEPUSHSERVICE aps-version 2`): the first word is the
    /// command name, the rest is sent as it is. Its untagged data arrives as
    /// [`imap_core::types::Data::Other`] in the completion when the core does not know it.
    ///
    /// # Errors
    /// [`Error::Usage`] when the line holds CR or LF or the name is not an atom, or as
    /// [`Connection::run`].
    pub fn raw_command(&mut self, line: &str) -> Result<Completion> {
        let (name, args) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        let invalid = |_| Error::Usage(imap_core::client::UsageError::Invalid("raw command"));
        let name = Atom::try_from(name).map_err(invalid)?;
        let args = RawArgs::new(args.as_bytes().to_vec()).map_err(invalid)?;
        self.conn.run(CommandBody::Other { name, args })
    }

    /// GETQUOTAROOT (RFC 9208): the quota roots of a folder and their quotas.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn quota_root(&mut self, folder: &str) -> Result<(Vec<String>, Vec<Quota>)> {
        let c = self
            .conn
            .run(CommandBody::GetQuotaRoot(Mailbox::new(folder)))?;
        Ok((ops::info::quota_roots(&c), ops::info::quotas(&c)))
    }

    /// GETQUOTA: the quotas of a quota root.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn quota(&mut self, root: &str) -> Result<Vec<Quota>> {
        let c = self.conn.run(CommandBody::GetQuota(root.into()))?;
        Ok(ops::info::quotas(&c))
    }

    /// SETQUOTA: sets resource limits of a quota root.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn set_quota(&mut self, root: &str, limits: Vec<QuotaLimit>) -> Result<Vec<Quota>> {
        let c = self.conn.run(CommandBody::SetQuota {
            root: root.into(),
            limits,
        })?;
        Ok(ops::info::quotas(&c))
    }

    /// GETACL (RFC 4314).
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn acl(&mut self, folder: &str) -> Result<Vec<AclEntry>> {
        let c = self.conn.run(CommandBody::GetAcl(Mailbox::new(folder)))?;
        Ok(ops::info::acl(&c))
    }

    /// SETACL: `rights` may start with `+` or `-`.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn set_acl(&mut self, folder: &str, identifier: &str, rights: &str) -> Result<()> {
        self.conn
            .run(CommandBody::SetAcl {
                mailbox: Mailbox::new(folder),
                identifier: identifier.into(),
                rights: rights.into(),
            })
            .map(drop)
    }

    /// DELETEACL.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn delete_acl(&mut self, folder: &str, identifier: &str) -> Result<()> {
        self.conn
            .run(CommandBody::DeleteAcl {
                mailbox: Mailbox::new(folder),
                identifier: identifier.into(),
            })
            .map(drop)
    }

    /// MYRIGHTS.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn my_rights(&mut self, folder: &str) -> Result<String> {
        let c = self.conn.run(CommandBody::MyRights(Mailbox::new(folder)))?;
        ops::info::my_rights(&c)
            .ok_or_else(|| Error::NotFound(imap_core::ops::op::Missing::Response("MYRIGHTS")))
    }

    /// LISTRIGHTS: the rights always granted and the groups that may be granted.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn list_rights(&mut self, folder: &str, identifier: &str) -> Result<(String, Vec<String>)> {
        let c = self.conn.run(CommandBody::ListRights {
            mailbox: Mailbox::new(folder),
            identifier: identifier.into(),
        })?;
        ops::info::list_rights(&c)
            .ok_or_else(|| Error::NotFound(imap_core::ops::op::Missing::Response("LISTRIGHTS")))
    }

    /// GETMETADATA (RFC 5464): entries of a folder (`""` for server metadata).
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn metadata(&mut self, folder: &str, entries: &[&str]) -> Result<Vec<(Str, Option<Str>)>> {
        let c = self.conn.run(CommandBody::GetMetadata {
            options: MetadataOptions::default(),
            mailbox: Mailbox::new(folder),
            entries: entries.iter().map(|e| Str::from(*e)).collect(),
        })?;
        Ok(ops::info::metadata(&c)
            .into_iter()
            .map(|(_, k, v)| (k, v))
            .collect())
    }

    /// SETMETADATA: sets (or, with `None`, deletes) entries.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn set_metadata(&mut self, folder: &str, entries: &[(&str, Option<&str>)]) -> Result<()> {
        self.conn
            .run(CommandBody::SetMetadata {
                mailbox: Mailbox::new(folder),
                entries: entries
                    .iter()
                    .map(|(k, v)| (Str::from(*k), v.map(Str::from)))
                    .collect(),
            })
            .map(drop)
    }
}
