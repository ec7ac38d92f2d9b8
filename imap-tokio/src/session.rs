//! After login: [`Session`]. Its commands come from [`Commands`] (written once in the core:
//! `use imap_tokio::prelude::*`), its getters from [`HasEngine`]; what is left here are the
//! commands whose core operation has not landed yet.
//!
//! Cancellation: as the [`crate::connection`] documentation says; a multi-command operation
//! dropped between its commands leaves what the sent ones did (an UNSELECT fallback dropped
//! after its EXAMINE leaves the folder selected read-only).

use crate::connection::{Connection, op_error};
use crate::error::Result;
use imap_core::client::{Completion, MailboxSummary};
use imap_core::engine::{Engine, HasEngine};
use imap_core::ops::{self, Commands, Operation, info::Quota, op};
use imap_core::types::{
    AclEntry, Capability, CommandBody, Mailbox, MetadataOptions, QuotaLimit, Str,
};
use std::future::Future;
use std::pin::Pin;

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping it logs out (see
/// [`Connection::set_logout_on_drop`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Connection>,
}

/// What [`Commands::run`] returns in this crate: a boxed future of the operation's output.
pub type RunFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

impl Commands for Session {
    type Run<'a, O: Operation + 'a> = RunFuture<'a, O::Output>;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> RunFuture<'a, O::Output> {
        Box::pin(self.conn.run_op(op))
    }
}

impl HasEngine for Session {
    fn engine(&self) -> &Engine {
        self.conn.engine()
    }

    fn engine_mut(&mut self) -> &mut Engine {
        self.conn.engine_mut()
    }
}

impl Session {
    pub(crate) fn from_connection(mut conn: Box<Connection>) -> Session {
        conn.set_logout_on_drop(true);
        Session { conn }
    }

    /// The connection underneath, for raw operations and the engine.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Whether the server advertises `cap` (asking with CAPABILITY when not known).
    ///
    /// # Errors
    /// When CAPABILITY fails.
    pub async fn has_capability(&mut self, cap: &Capability) -> Result<bool> {
        Ok(self.capabilities().await?.has(cap))
    }

    /// SELECT or EXAMINE (`read_only`) with `CONDSTORE` (mod-sequences in the summary and in
    /// FETCH).
    ///
    /// # Errors
    /// As [`Commands::select`].
    pub async fn select_condstore(
        &mut self,
        folder: &str,
        read_only: bool,
    ) -> Result<MailboxSummary> {
        let access = if read_only {
            op::Access::ReadOnly
        } else {
            op::Access::ReadWrite
        };
        let options = op::SelectOptions::default()
            .with_condstore()
            .with_access(access);
        self.select_with(folder, options).await
    }

    /// ID (RFC 2971): sends these parameters, returns the server's.
    ///
    /// # Errors
    /// As [`Commands::id`].
    pub async fn id(
        &mut self,
        params: &[(&str, Option<&str>)],
    ) -> Result<Vec<(String, Option<String>)>> {
        let r = Commands::id(self, params).await?;
        Ok(r.into_iter().map(|p| (p.name, p.value)).collect())
    }

    /// Logs out and closes the connection.
    ///
    /// # Errors
    /// When LOGOUT fails.
    pub async fn logout(mut self) -> Result<()> {
        self.conn.logout().await
    }

    async fn cmd(&mut self, body: CommandBody) -> Result<Completion> {
        self.conn.run_op(op::command(body)).await
    }

    /// GETQUOTAROOT (RFC 9208): the quota roots of a folder and their quotas.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn quota_root(&mut self, folder: &str) -> Result<(Vec<String>, Vec<Quota>)> {
        let c = self
            .cmd(CommandBody::GetQuotaRoot(Mailbox::new(folder)))
            .await?;
        Ok((ops::info::quota_roots(&c), ops::info::quotas(&c)))
    }

    /// GETQUOTA: the quotas of a quota root.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn quota(&mut self, root: &str) -> Result<Vec<Quota>> {
        let c = self.cmd(CommandBody::GetQuota(root.into())).await?;
        Ok(ops::info::quotas(&c))
    }

    /// SETQUOTA: sets resource limits of a quota root.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn set_quota(&mut self, root: &str, limits: Vec<QuotaLimit>) -> Result<Vec<Quota>> {
        let c = self
            .cmd(CommandBody::SetQuota {
                root: root.into(),
                limits,
            })
            .await?;
        Ok(ops::info::quotas(&c))
    }

    /// GETACL (RFC 4314).
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn acl(&mut self, folder: &str) -> Result<Vec<AclEntry>> {
        let c = self.cmd(CommandBody::GetAcl(Mailbox::new(folder))).await?;
        Ok(ops::info::acl(&c))
    }

    /// SETACL: `rights` may start with `+` or `-`.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn set_acl(&mut self, folder: &str, identifier: &str, rights: &str) -> Result<()> {
        self.cmd(CommandBody::SetAcl {
            mailbox: Mailbox::new(folder),
            identifier: identifier.into(),
            rights: rights.into(),
        })
        .await
        .map(drop)
    }

    /// DELETEACL.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn delete_acl(&mut self, folder: &str, identifier: &str) -> Result<()> {
        self.cmd(CommandBody::DeleteAcl {
            mailbox: Mailbox::new(folder),
            identifier: identifier.into(),
        })
        .await
        .map(drop)
    }

    /// MYRIGHTS.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn my_rights(&mut self, folder: &str) -> Result<String> {
        let c = self
            .cmd(CommandBody::MyRights(Mailbox::new(folder)))
            .await?;
        ops::info::my_rights(&c)
            .ok_or_else(|| op_error(op::OpError::NotFound(op::Missing::Response("MYRIGHTS"))))
    }

    /// LISTRIGHTS: the rights always granted and the groups that may be granted.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn list_rights(
        &mut self,
        folder: &str,
        identifier: &str,
    ) -> Result<(String, Vec<String>)> {
        let c = self
            .cmd(CommandBody::ListRights {
                mailbox: Mailbox::new(folder),
                identifier: identifier.into(),
            })
            .await?;
        ops::info::list_rights(&c)
            .ok_or_else(|| op_error(op::OpError::NotFound(op::Missing::Response("LISTRIGHTS"))))
    }

    /// GETMETADATA (RFC 5464): entries of a folder (`""` for server metadata).
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn metadata(
        &mut self,
        folder: &str,
        entries: &[&str],
    ) -> Result<Vec<(Str, Option<Str>)>> {
        let c = self
            .cmd(CommandBody::GetMetadata {
                options: MetadataOptions::default(),
                mailbox: Mailbox::new(folder),
                entries: entries.iter().map(|e| Str::from(*e)).collect(),
            })
            .await?;
        Ok(ops::info::metadata(&c)
            .into_iter()
            .map(|(_, k, v)| (k, v))
            .collect())
    }

    /// SETMETADATA: sets (or, with `None`, deletes) entries.
    ///
    /// # Errors
    /// As [`Connection::run_op`].
    pub async fn set_metadata(
        &mut self,
        folder: &str,
        entries: &[(&str, Option<&str>)],
    ) -> Result<()> {
        self.cmd(CommandBody::SetMetadata {
            mailbox: Mailbox::new(folder),
            entries: entries
                .iter()
                .map(|(k, v)| (Str::from(*k), v.map(Str::from)))
                .collect(),
        })
        .await
        .map(drop)
    }
}
