//! After login: [`Session`]. Its commands come from [`imap_core::ops::Commands`] (written once
//! in the core: `use imap_blocking::prelude::*`), its getters from
//! [`imap_core::engine::HasEngine`]; streaming a section into a [`std::io::Write`]
//! ([`Session::fetch_to_writer`]), IDLE ([`crate::idle`]) and LOGOUT are the methods every
//! driver shares ([`imap_connect::handles`]).

use crate::transport::Transport;

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping it logs out
/// ([`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Transport>,
}

impl Session {
    pub(crate) fn new(mut conn: Box<Transport>) -> Session {
        conn.wire.set_logout_on_drop(true);
        Session { conn }
    }
}
