//! Before login: [`Client`] (greeted, not authenticated) and [`LoginError`]. Its commands
//! (CAPABILITY, ID, STARTTLS, ...) come from [`imap_core::ops::Commands`], its getters from
//! [`imap_core::engine::HasEngine`], logging in ([`Client::login`], [`Client::authenticate`],
//! [`Client::into_session`], ...) from the methods every driver shares
//! ([`imap_connect::handles`]); logging in consumes it into a [`Session`].

use crate::session::Session;
use crate::transport::Transport;

/// A connection that has been greeted and is not logged in yet. Log in with
/// [`Client::login`] or [`Client::authenticate`] to get a [`Session`]. Dropping it logs out
/// ([`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Client {
    pub(crate) conn: Box<Transport>,
}

/// A failed login: why, and the [`Client`] to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

imap_connect::driver_handles!(
    blocking,
    client: Client,
    session: Session,
    writer: &mut dyn std::io::Write
);

impl Client {
    pub(crate) fn new(mut conn: Box<Transport>) -> Client {
        conn.wire.set_logout_on_drop(true);
        Client { conn }
    }
}
