//! After login: [`Session`]. Its commands come from [`Commands`] (written once in the core:
//! `use imap_tokio::prelude::*`), its getters from [`HasEngine`]; what is left here needs the
//! driver (a writer to stream into, IDLE's handle in [`crate::idle`]).
//!
//! Cancellation: as the [`crate::connection`] documentation says; a multi-command operation
//! dropped between its commands leaves what the sent ones did (an UNSELECT fallback dropped
//! after its EXAMINE leaves the folder selected read-only).

use crate::connection::Connection;
use imap_connect::{Result, RunFuture};
use imap_core::engine::{Engine, HasEngine};
use imap_core::ops::{Commands, Operation, op};
use imap_core::types::{Section, Uid};
use tokio::io::AsyncWrite;

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping it logs out (see
/// [`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Connection>,
}

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
        conn.wire().set_logout_on_drop(true);
        Session { conn }
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
        out: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<u64> {
        let op = op::StreamSection::new(uid, section);
        self.conn.run_into(op, out).await
    }

    /// Writes a whole message (RFC 5322, as an `.eml` file holds it) to `out`.
    ///
    /// # Errors
    /// As [`Session::fetch_to_writer`].
    pub async fn download(
        &mut self,
        uid: Uid,
        out: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<u64> {
        self.fetch_to_writer(uid, Section::default(), out).await
    }
}
