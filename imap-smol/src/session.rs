//! [`Client`] (greeted, not logged in), [`Session`] (logged in) and [`Idle`]. Their commands
//! come from [`Commands`], their getters from [`HasEngine`]: only logging in, streaming into
//! a writer and the IDLE handle need the driver.

use crate::connection::Connection;
use imap_connect::{Error, Result, RunFuture};
use imap_core::client::{ConnState, Event, UsageError};
use imap_core::engine::{Engine, HasEngine};
use imap_core::ops::{Commands, Operation, op};
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::secret::Secret;
use imap_core::types::{Section, Uid};
use smol::io::AsyncWrite;
use std::time::Duration;

macro_rules! driver_impls {
    ($t:ty) => {
        impl Commands for $t {
            type Run<'a, O: Operation + 'a> = RunFuture<'a, O::Output>;

            fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> RunFuture<'a, O::Output> {
                Box::pin(self.conn.run_op(op))
            }
        }

        impl HasEngine for $t {
            fn engine(&self) -> &Engine {
                self.conn.engine()
            }

            fn engine_mut(&mut self) -> &mut Engine {
                self.conn.engine_mut()
            }
        }

        impl $t {
            /// Logs out and closes the connection.
            ///
            /// # Errors
            /// When LOGOUT fails.
            pub async fn logout(mut self) -> Result<()> {
                self.conn.logout().await
            }
        }
    };
}

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

driver_impls!(Client);
driver_impls!(Session);

/// A failed login: why, and the client to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

impl Client {
    pub(crate) fn new(conn: Connection) -> Client {
        Client {
            conn: Box::new(conn),
        }
    }

    /// Logs in with LOGIN (or AUTHENTICATE PLAIN under LOGINDISABLED, [`op::Login`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub async fn login(self, user: &str, password: &str) -> Result<Session, LoginError> {
        let op = op::Login::new(user, Secret::new(password.to_owned()));
        self.log_in(op).await
    }

    /// Logs in with a SASL mechanism ([`op::Authenticate`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub async fn authenticate(self, m: Mechanism, c: Credentials) -> Result<Session, LoginError> {
        self.log_in(op::Authenticate::new(m, c)).await
    }

    /// Logs in with the strongest fitting SASL mechanism ([`op::AuthenticateAuto`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub async fn authenticate_auto(self, c: Credentials) -> Result<Session, LoginError> {
        self.log_in(op::AuthenticateAuto::new(c)).await
    }

    /// The session of a connection the server pre-authenticated (`PREAUTH`).
    ///
    /// # Errors
    /// A [`LoginError`] when the connection is not authenticated.
    pub fn into_session(self) -> Result<Session, LoginError> {
        if self.state() == ConnState::Authenticated {
            return Ok(Session { conn: self.conn });
        }
        let state = "not authenticated";
        let error = Error::Usage(UsageError::WrongState {
            command: "session",
            state,
        });
        Err(LoginError {
            error,
            client: self,
        })
    }

    pub(crate) async fn log_in<O: Operation<Output = ()>>(
        mut self,
        op: O,
    ) -> Result<Session, LoginError> {
        match self.conn.run_op(op).await {
            Ok(()) => Ok(Session { conn: self.conn }),
            Err(error) => Err(LoginError {
                error,
                client: self,
            }),
        }
    }
}

impl Session {
    /// Writes one section of a message to `out` as it arrives ([`op::StreamSection`]).
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

    /// Writes a whole message to `out`.
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

    /// Starts IDLE; the handle ([`imap_core::ops::Idle`]) waits for updates and ends it.
    /// Dropping the handle leaves the IDLE to the next operation, which sends `DONE` first.
    ///
    /// # Errors
    /// As [`op::IdleStart`].
    pub async fn idle(&mut self) -> Result<Idle<'_>> {
        self.idle_start().await?;
        Ok(Idle::new(self))
    }

    /// IDLE until something happens or `timeout` passes, then DONE: returns the events.
    ///
    /// # Errors
    /// As [`Session::idle`].
    pub async fn idle_for(&mut self, timeout: Duration) -> Result<Vec<Event>> {
        let mut idle = self.idle().await?;
        let first = idle.wait_timeout(timeout).await?;
        idle.done().await?;
        Ok(first.into_iter().chain(self.drain_events()).collect())
    }
}

/// A running IDLE on a [`Session`]: the core's handle, written once for every driver.
pub type Idle<'a> = imap_core::ops::Idle<'a, Session>;
