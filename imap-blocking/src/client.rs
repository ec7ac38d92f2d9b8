//! Before login: [`Client`] (greeted, not authenticated) and [`LoginError`]. Its commands
//! (CAPABILITY, ID, STARTTLS, ...) come from [`Commands`], its getters from [`HasEngine`];
//! logging in consumes it into a [`Session`].

use crate::session::Session;
use crate::transport::Transport;
use imap_connect::{Error, Result};
use imap_core::client::{ConnState, UsageError};
use imap_core::engine::HasEngine;
use imap_core::ops::{Commands, Operation, op};
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::secret::Secret;

/// A connection that has been greeted and is not logged in yet. Log in with
/// [`Client::login`] or [`Client::authenticate`] to get a [`Session`]. Dropping it logs out
/// ([`crate::LOGOUT_ON_DROP`]).
#[derive(Debug)]
pub struct Client {
    pub(crate) conn: Box<Transport>,
}

/// A failed login: why, and the [`Client`] to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

/// [`Commands`], [`HasEngine`] and a consuming `logout` for a type holding the transport
/// in `conn`.
macro_rules! engine_handle {
    ($t:ty) => {
        impl imap_core::ops::Commands for $t {
            type Run<'a, O: imap_core::ops::Operation + 'a> = imap_connect::Result<O::Output>;

            fn run<'a, O: imap_core::ops::Operation + 'a>(
                &'a mut self,
                op: O,
            ) -> imap_connect::Result<O::Output> {
                self.conn.run(op)
            }
        }

        impl imap_core::engine::HasEngine for $t {
            fn engine(&self) -> &imap_core::engine::Engine {
                self.conn.engine()
            }

            fn engine_mut(&mut self) -> &mut imap_core::engine::Engine {
                self.conn.engine_mut()
            }
        }

        impl $t {
            /// LOGOUT ([`imap_core::ops::op::Logout`]), consuming the connection.
            ///
            /// # Errors
            /// When LOGOUT fails; [`imap_connect::Error::Closed`] when the connection was
            /// already logged out.
            pub fn logout(mut self) -> imap_connect::Result<()> {
                self.conn.run(imap_core::ops::op::Logout::new())
            }
        }
    };
}
pub(crate) use engine_handle;

engine_handle!(Client);

impl Client {
    pub(crate) fn new(mut conn: Box<Transport>) -> Client {
        conn.wire.set_logout_on_drop(true);
        Client { conn }
    }

    /// Logs in with LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN
    /// ([`op::Login`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn login(self, user: &str, password: &str) -> Result<Session, LoginError> {
        self.log_in(op::Login::new(user, Secret::new(password.to_owned())))
    }

    /// Logs in with a SASL mechanism ([`op::Authenticate`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn authenticate(
        self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<Session, LoginError> {
        self.log_in(op::Authenticate::new(mechanism, credentials))
    }

    /// Logs in with the strongest advertised SASL mechanism that fits the credentials
    /// ([`op::AuthenticateAuto`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn authenticate_auto(self, credentials: Credentials) -> Result<Session, LoginError> {
        self.log_in(op::AuthenticateAuto::new(credentials))
    }

    /// Logs in with any login operation (such as [`imap_connect::LoginMethod::operation`]).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn log_in<O: Operation<Output = ()>>(mut self, op: O) -> Result<Session, LoginError> {
        match self.run(op) {
            Ok(()) => Ok(Session::new(self.conn)),
            Err(error) => Err(LoginError {
                error,
                client: self,
            }),
        }
    }

    /// The session of a connection the server pre-authenticated (`PREAUTH` greeting).
    ///
    /// # Errors
    /// A [`LoginError`] when the connection is not authenticated.
    pub fn into_session(self) -> Result<Session, LoginError> {
        if self.state() == ConnState::Authenticated {
            return Ok(Session::new(self.conn));
        }
        let error = Error::Usage(UsageError::WrongState {
            command: "session",
            state: "not authenticated",
        });
        Err(LoginError {
            error,
            client: self,
        })
    }
}
