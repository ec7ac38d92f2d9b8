//! FETCH commands of [`Session`]: typed per-message results keyed by UID, and streaming one
//! section to a writer without holding it in memory.

use crate::error::{Error, Result};
use crate::session::Session;
use imap_core::ops::fetch::{self as f, FetchQuery, Message, Messages};
use imap_core::types::{MessageSet, Section, SeqSet, Uid, UidSet};
use std::io::Write;

impl Session {
    /// `UID FETCH`: the messages of `uids` with what `query` asks, keyed by UID.
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn fetch(&mut self, uids: &UidSet, query: &FetchQuery) -> Result<Messages> {
        self.fetch_set(uids, query)
    }

    /// `FETCH` by sequence numbers (results are still keyed by UID, which is always fetched).
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn fetch_seq(&mut self, seqs: &SeqSet, query: &FetchQuery) -> Result<Messages> {
        self.fetch_set(seqs, query)
    }

    /// FETCH of any message set (UIDs or sequence numbers).
    ///
    /// # Errors
    /// As [`crate::Connection::run`].
    pub fn fetch_set(
        &mut self,
        set: impl Into<MessageSet>,
        query: &FetchQuery,
    ) -> Result<Messages> {
        let c = self.conn.run(query.command(set))?;
        Ok(f::messages(&c))
    }

    /// One message by UID.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the server returned nothing for it, or as
    /// [`crate::Connection::run`].
    pub fn fetch_one(&mut self, uid: Uid, query: &FetchQuery) -> Result<Message> {
        let mut m = self.fetch(&UidSet::single(uid), query)?;
        m.remove(&uid)
            .ok_or_else(|| Error::NotFound(imap_core::ops::op::Missing::Message(uid)))
    }

    /// Writes one section of a message (`Section::default()` for the whole message) to `out`
    /// as it arrives, without holding it in memory. Returns the number of bytes written.
    ///
    /// # Errors
    /// As [`crate::Connection::stream_section`].
    pub fn fetch_to_writer(
        &mut self,
        uid: Uid,
        section: Section,
        out: &mut dyn Write,
    ) -> Result<u64> {
        self.conn.stream_section(uid, section, out)
    }

    /// Writes a whole message (RFC 5322, as an `.eml` file holds it) to `out`.
    ///
    /// # Errors
    /// As [`Session::fetch_to_writer`].
    pub fn download(&mut self, uid: Uid, out: &mut dyn Write) -> Result<u64> {
        self.fetch_to_writer(uid, Section::default(), out)
    }
}
