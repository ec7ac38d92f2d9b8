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

/// A FETCH handed out message by message as it arrives ([`Session::fetch_stream`]): the
/// core's handle ([`imap_core::ops::FetchStream`]), written once for every driver.
///
/// ```no_run
/// use imap_blocking::prelude::*;
/// use imap_blocking::{FetchQuery, types::UidSet};
///
/// let mut session = Connector::new("imap.example.org")
///     .password("alice", "secret")
///     .login()?;
/// session.select("INBOX")?;
/// let mut messages = session.fetch_stream(&UidSet::all(), &FetchQuery::summary())?;
/// while let Some(m) = messages.next()? {
///     println!("{:?}: {:?}", m.uid, m.subject());
/// }
/// # Ok::<(), imap_blocking::Error>(())
/// ```
pub type FetchStream<'a> = imap_core::ops::FetchStream<'a, Session>;
