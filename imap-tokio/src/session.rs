//! After login: [`Session`]. Its commands come from [`Commands`] (written once in the core:
//! `use imap_tokio::prelude::*`), its getters from [`HasEngine`]; what is left here needs the
//! driver (a writer to stream into, IDLE's handle in [`crate::idle`]).
//!
//! Cancellation: as the [`crate::connection`] documentation says; a multi-command operation
//! dropped between its commands leaves what the sent ones did (an UNSELECT fallback dropped
//! after its EXAMINE leaves the folder selected read-only).

use crate::connection::{Connection, Sink};
use crate::error::Result;
use imap_core::client::MailboxSummary;
use imap_core::engine::{Engine, HasEngine};
use imap_core::ops::info::Quota;
use imap_core::ops::{Commands, Operation, op};
use imap_core::types::{Capability, Section, Str, Uid};
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

    /// GETQUOTAROOT as a pair (roots, quotas), as `imap-blocking` still has it: to go once the
    /// scenarios read [`op::QuotaRoots`].
    ///
    /// # Errors
    /// As [`Commands::quota_root`].
    pub async fn quota_root(&mut self, folder: &str) -> Result<(Vec<String>, Vec<Quota>)> {
        let r = Commands::quota_root(self, folder).await?;
        Ok((r.roots, r.quotas))
    }

    /// LISTRIGHTS as a pair (required, optional): to go with [`Session::quota_root`].
    ///
    /// # Errors
    /// As [`Commands::list_rights`].
    pub async fn list_rights(&mut self, folder: &str, id: &str) -> Result<(String, Vec<String>)> {
        let r = Commands::list_rights(self, folder, id).await?;
        Ok((r.required, r.optional))
    }

    /// GETMETADATA as pairs (name, value): to go with [`Session::quota_root`].
    ///
    /// # Errors
    /// As [`Commands::metadata`].
    pub async fn metadata(
        &mut self,
        folder: &str,
        entries: &[&str],
    ) -> Result<Vec<(Str, Option<Str>)>> {
        let r = Commands::metadata(self, folder, entries).await?;
        Ok(r.into_iter().map(|e| (e.name, e.value)).collect())
    }

    /// Logs out and closes the connection.
    ///
    /// # Errors
    /// When LOGOUT fails.
    pub async fn logout(mut self) -> Result<()> {
        self.conn.logout().await
    }

    /// Writes one section of a message (`Section::default()` for the whole message) to `out`
    /// as it arrives, without holding it in memory ([`op::StreamSection`]), then flushes it.
    /// Returns the number of bytes written. Dropped in the middle, the connection stays
    /// usable, but `out` may hold part of the section.
    ///
    /// # Errors
    /// As [`op::StreamSection`], and `out`'s errors.
    pub async fn fetch_to_writer(
        &mut self,
        uid: Uid,
        section: Section,
        out: Sink<'_>,
    ) -> Result<u64> {
        let op = op::StreamSection::new(uid, section);
        self.conn.run_into(op, Some(out)).await
    }

    /// Writes a whole message (RFC 5322, as an `.eml` file holds it) to `out`.
    ///
    /// # Errors
    /// As [`Session::fetch_to_writer`].
    pub async fn download(&mut self, uid: Uid, out: Sink<'_>) -> Result<u64> {
        self.fetch_to_writer(uid, Section::default(), out).await
    }
}
