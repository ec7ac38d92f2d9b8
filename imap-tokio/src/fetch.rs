//! FETCH commands of [`Session`]: typed per-message results keyed by UID, and streaming one
//! section to a writer without holding it in memory.
//!
//! Cancellation: [`Session::fetch`] and friends are cancel-safe in the crate's sense.
//! [`Session::fetch_to_writer`] and [`Session::download`] leave the connection usable too, but
//! the writer may already hold part of the section.

use crate::error::{Error, Result};
use crate::session::Session;
use imap_core::ops::fetch::{self as f, FetchQuery, Message, Messages};
use imap_core::types::{MessageSet, Section, SeqSet, Uid, UidSet};
use tokio::io::AsyncWrite;

impl Session {
    /// `UID FETCH`: the messages of `uids` with what `query` asks, keyed by UID.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn fetch(&mut self, uids: &UidSet, query: &FetchQuery) -> Result<Messages> {
        self.fetch_set(uids, query).await
    }

    /// `FETCH` by sequence numbers (results are still keyed by UID, which is always fetched).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn fetch_seq(&mut self, seqs: &SeqSet, query: &FetchQuery) -> Result<Messages> {
        self.fetch_set(seqs, query).await
    }

    /// FETCH of any message set (UIDs or sequence numbers).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn fetch_set(
        &mut self,
        set: impl Into<MessageSet>,
        query: &FetchQuery,
    ) -> Result<Messages> {
        let c = self.conn.run(query.command(set)).await?;
        Ok(f::messages(&c))
    }

    /// One message by UID.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the server returned nothing for it, or as
    /// [`crate::Connection::run_op`].
    pub async fn fetch_one(&mut self, uid: Uid, query: &FetchQuery) -> Result<Message> {
        let mut m = self.fetch(&UidSet::single(uid), query).await?;
        m.remove(&uid)
            .ok_or_else(|| Error::NotFound(imap_core::ops::op::Missing::Message(uid)))
    }

    /// Writes one section of a message (`Section::default()` for the whole message) to `out`
    /// as it arrives, without holding it in memory. Returns the number of bytes written.
    ///
    /// # Errors
    /// As [`crate::Connection::run_into`].
    pub async fn fetch_to_writer(
        &mut self,
        uid: Uid,
        section: Section,
        out: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<u64> {
        self.conn.stream_section(uid, section, out).await
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
