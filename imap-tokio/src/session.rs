//! After login: [`Session`]. Its commands come from [`imap_core::ops::Commands`] (written once
//! in the core: `use imap_tokio::prelude::*`), its getters from
//! [`imap_core::engine::HasEngine`]; streaming a section into an `AsyncWrite`
//! ([`Session::fetch_to_writer`]), IDLE ([`crate::idle`]) and LOGOUT are the methods every
//! driver shares ([`imap_connect::handles`]).
//!
//! Cancellation: as the [`crate::connection`] documentation says; a multi-command operation
//! dropped between its commands leaves what the sent ones did (an UNSELECT fallback dropped
//! after its EXAMINE leaves the folder selected read-only).

use crate::connection::Connection;

/// An authenticated IMAP session. Message commands use UIDs unless their name ends in `_seq`
/// or they take a [`imap_core::types::SeqSet`]. Dropping it logs out (see
/// [`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Session {
    pub(crate) conn: Box<Connection>,
}

impl Session {
    pub(crate) fn new(mut conn: Box<Connection>) -> Session {
        conn.wire().set_logout_on_drop(true);
        Session { conn }
    }
}

/// A FETCH handed out message by message as it arrives ([`Session::fetch_stream`]): the
/// core's handle ([`imap_core::ops::FetchStream`]), written once for every driver.
///
/// ```no_run
/// use imap_tokio::prelude::*;
/// use imap_tokio::{FetchQuery, types::UidSet};
///
/// # async fn run() -> imap_tokio::Result<()> {
/// let mut session = Connector::new("imap.example.org")
///     .password("alice", "secret")
///     .login()
///     .await?;
/// session.select("INBOX").await?;
/// let mut messages = session.fetch_stream(&UidSet::all(), &FetchQuery::summary()).await?;
/// while let Some(m) = messages.next().await? {
///     println!("{:?}: {:?}", m.uid, m.subject());
/// }
/// # Ok(())
/// # }
/// ```
pub type FetchStream<'a> = imap_core::ops::FetchStream<'a, Session>;
