//! Before login: [`Client`] (greeted, not authenticated) and [`LoginError`]. Its commands
//! (CAPABILITY, ID, STARTTLS, ...) come from [`Commands`], its getters from [`HasEngine`];
//! logging in consumes it into a [`Session`].

use crate::connection::Connection;
use crate::session::Session;
use imap_connect::{Error, Result, RunFuture};
use imap_core::client::{ConnState, UsageError};
use imap_core::engine::{Engine, HasEngine};
use imap_core::ops::{Commands, Operation, op};
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::secret::Secret;

/// A connection that has been greeted and is not logged in yet. Log in with
/// [`Client::login`] or [`Client::authenticate`] to get a [`Session`]. Dropping it logs out.
#[derive(Debug)]
pub struct Client {
    conn: Box<Connection>,
}

/// A failed login: why, and the client to try again with.
pub type LoginError = imap_connect::LoginError<Client>;

impl Commands for Client {
    type Run<'a, O: Operation + 'a> = RunFuture<'a, O::Output>;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> RunFuture<'a, O::Output> {
        Box::pin(self.conn.run_op(op))
    }
}

impl HasEngine for Client {
    fn engine(&self) -> &Engine {
        self.conn.engine()
    }

    fn engine_mut(&mut self) -> &mut Engine {
        self.conn.engine_mut()
    }
}

impl Client {
    pub(crate) fn from_connection(mut conn: Connection) -> Client {
        conn.wire().set_logout_on_drop(true);
        Client {
            conn: Box::new(conn),
        }
    }

    /// Logs in with LOGIN, or with AUTHENTICATE PLAIN when the server disabled LOGIN
    /// ([`op::Login`]). Passwords are refused on a connection without TLS unless the connector
    /// allowed it ([`Error::Usage`] with [`UsageError::PlaintextLogin`], nothing sent).
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
    pub async fn authenticate(
        self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<Session, LoginError> {
        self.log_in(op::Authenticate::new(mechanism, credentials))
            .await
    }

    /// Logs in with the strongest SASL mechanism the server advertises that fits the
    /// credentials ([`op::AuthenticateAuto`]).
    ///
    /// # Errors
    /// A [`LoginError`]; [`UsageError::MissingCapability`] when no advertised mechanism fits.
    pub async fn authenticate_auto(self, credentials: Credentials) -> Result<Session, LoginError> {
        self.log_in(op::AuthenticateAuto::new(credentials)).await
    }

    /// The session of a connection the server pre-authenticated (`PREAUTH` greeting).
    ///
    /// # Errors
    /// A [`LoginError`] when the connection is not authenticated.
    pub fn into_session(self) -> Result<Session, LoginError> {
        if self.state() == ConnState::Authenticated {
            return Ok(Session::from_connection(self.conn));
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

    /// Logs out and closes the connection.
    ///
    /// # Errors
    /// When LOGOUT fails.
    pub async fn logout(mut self) -> Result<()> {
        self.conn.logout().await
    }

    pub(crate) async fn log_in<O: Operation<Output = ()>>(
        mut self,
        op: O,
    ) -> Result<Session, LoginError> {
        match self.conn.run_op(op).await {
            Ok(()) => Ok(Session::from_connection(self.conn)),
            Err(error) => Err(LoginError {
                error,
                client: self,
            }),
        }
    }
}
