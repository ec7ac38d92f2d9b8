//! Before login: [`Client`] (greeted, not authenticated) and [`LoginError`]. Its commands
//! (CAPABILITY, ID, STARTTLS, ...) come from [`imap_core::ops::Commands`], its getters from
//! [`imap_core::engine::HasEngine`], logging in ([`Client::login`], [`Client::authenticate`],
//! [`Client::into_session`], ...) from the methods every driver shares
//! ([`imap_connect::handles`]); logging in consumes it into a [`Session`].

use crate::connection::Connection;
use crate::session::Session;

/// A connection that has been greeted and is not logged in yet. Log in with
/// [`Client::login`] or [`Client::authenticate`] to get a [`Session`]. Dropping it logs out.
#[derive(Debug)]
pub struct Client {
    conn: Box<Connection>,
}

/// A failed login: why, and the client to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

imap_connect::driver_handles!(
    async,
    client: Client,
    session: Session,
    writer: &mut (dyn tokio::io::AsyncWrite + Unpin + Send)
);

impl Client {
    pub(crate) fn from_connection(mut conn: Connection) -> Client {
        conn.wire().set_logout_on_drop(true);
        Client {
            conn: Box::new(conn),
        }
    }
}
