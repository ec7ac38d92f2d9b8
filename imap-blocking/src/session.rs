//! After login: [`Session`]. Its commands come from [`imap_core::ops::Commands`] (written once
//! in the core: `use imap_blocking::prelude::*`), its getters from
//! [`imap_core::engine::HasEngine`]; what is left here writes streamed sections to a
//! [`Write`] and IDLE ([`crate::idle`]).

use crate::client::engine_handle;
use crate::transport::Transport;
use imap_connect::Result;
use imap_core::ops::op;
use imap_core::types::{Section, Uid};
use std::io::Write;

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping it logs out
/// ([`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Transport>,
}

engine_handle!(Session);

impl Session {
    pub(crate) fn new(mut conn: Box<Transport>) -> Session {
        conn.wire.set_logout_on_drop(true);
        Session { conn }
    }

    /// Writes one section of a message (`Section::default()` for the whole message) to `out`
    /// as it arrives, without holding it in memory ([`op::StreamSection`]); returns the
    /// number of bytes written.
    ///
    /// # Errors
    /// [`imap_connect::Error::NotFound`] when the server sent no such message or section, the
    /// writer's errors, or as any command.
    pub fn fetch_to_writer(
        &mut self,
        uid: Uid,
        section: Section,
        out: &mut dyn Write,
    ) -> Result<u64> {
        self.conn
            .run_into(op::StreamSection::new(uid, section), Some(out))
    }

    /// Writes a whole message (RFC 5322, as an `.eml` file holds it) to `out`.
    ///
    /// # Errors
    /// As [`Session::fetch_to_writer`].
    pub fn download(&mut self, uid: Uid, out: &mut dyn Write) -> Result<u64> {
        self.fetch_to_writer(uid, Section::default(), out)
    }
}
