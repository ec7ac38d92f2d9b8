//! [`Client`] (greeted, not logged in), [`Session`] (logged in) and [`Idle`]. Their commands
//! come from [`imap_core::ops::Commands`], their getters from
//! [`imap_core::engine::HasEngine`], and logging in, LOGOUT, IDLE and streaming into a writer
//! from the methods every driver shares ([`imap_connect::handles`]).

use crate::connection::Connection;

/// A connection that has been greeted and is not logged in yet.
#[derive(Debug)]
pub struct Client {
    conn: Box<Connection>,
}

/// An authenticated IMAP session.
#[derive(Debug)]
pub struct Session {
    conn: Box<Connection>,
}

/// A failed login: why, and the client to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

/// A running IDLE on a [`Session`]: the core's handle, written once for every driver.
pub type Idle<'a> = imap_core::ops::Idle<'a, Session>;

/// A FETCH handed out message by message as it arrives ([`Session::fetch_stream`]): the
/// core's handle ([`imap_core::ops::FetchStream`]), written once for every driver.
pub type FetchStream<'a> = imap_core::ops::FetchStream<'a, Session>;

imap_connect::driver_handles!(
    async,
    client: Client,
    session: Session,
    writer: &mut (dyn smol::io::AsyncWrite + Unpin + Send)
);

impl Client {
    pub(crate) fn new(conn: Connection) -> Client {
        Client {
            conn: Box::new(conn),
        }
    }
}

impl Session {
    fn new(conn: Box<Connection>) -> Session {
        Session { conn }
    }
}
