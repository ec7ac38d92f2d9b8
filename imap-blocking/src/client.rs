//! Before login: [`Client`] (greeted, not authenticated) and [`LoginError`].

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::session::Session;
use imap_core::client::{Capabilities, ConnState, UsageError};
use imap_core::ops;
use imap_core::sasl::{Credentials, CredentialsKind, Mechanism};
use imap_core::secret::Secret;
use imap_core::types::{Capability, CommandBody, StatusResponse};
use std::fmt;

/// A connection that has been greeted and is not logged in yet. Log in with
/// [`Client::login`] or [`Client::authenticate`] to get a [`Session`]. Dropping it logs out.
#[derive(Debug)]
pub struct Client {
    conn: Box<Connection>,
}

/// A failed login: why, and the client to try again with.
pub struct LoginError {
    /// Why the login failed (`Error::Command` when the server said NO).
    pub error: Error,
    /// The connection, still greeted and not logged in (unless `error` is fatal).
    pub client: Client,
}

impl fmt::Debug for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "login failed: {}", self.error)
    }
}

impl std::error::Error for LoginError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<LoginError> for Error {
    fn from(e: LoginError) -> Error {
        e.error
    }
}

impl Client {
    pub(crate) fn from_connection(mut conn: Connection) -> Client {
        conn.set_logout_on_drop(true);
        Client {
            conn: Box::new(conn),
        }
    }

    /// The connection underneath, for raw commands and events.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The server's greeting.
    pub fn greeting(&self) -> Option<&StatusResponse> {
        self.conn.greeting()
    }

    /// Whether the connection is protected by TLS.
    pub fn is_tls(&self) -> bool {
        self.conn.is_tls()
    }

    /// The server's capabilities, asked for with CAPABILITY when not known.
    ///
    /// # Errors
    /// When CAPABILITY fails.
    pub fn capabilities(&mut self) -> Result<&Capabilities> {
        if !self.conn.core().capabilities().is_known() {
            self.conn.run(CommandBody::Capability)?;
        }
        Ok(self.conn.core().capabilities())
    }

    /// Sends ID (RFC 2971) with these parameters and returns the server's.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn id(&mut self, params: &[(&str, Option<&str>)]) -> Result<Vec<(String, Option<String>)>> {
        let c = self.conn.run(ops::info::id_command(params))?;
        Ok(ops::info::id(&c))
    }

    /// Logs in with LOGIN, or with AUTHENTICATE PLAIN when the server disabled LOGIN and
    /// offers PLAIN. Passwords are refused on a connection without TLS unless the connector
    /// allowed it ([`Error::Usage`] with [`UsageError::PlaintextLogin`], nothing sent).
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn login(mut self, user: &str, password: &str) -> Result<Session, LoginError> {
        let disabled = self
            .conn
            .core()
            .capabilities()
            .has(&Capability::LoginDisabled);
        if disabled && self.conn.core().capabilities().has_auth("PLAIN") {
            return self.authenticate(Mechanism::Plain, Credentials::password(user, password));
        }
        let r = self.conn.run(CommandBody::Login {
            username: user.into(),
            password: Secret::new(password.into()),
        });
        self.finish(r.map(drop))
    }

    /// Logs in with a SASL mechanism (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER, SCRAM-SHA-256,
    /// CRAM-MD5), with SASL-IR when the server offers it.
    ///
    /// # Errors
    /// A [`LoginError`] with the client to try again.
    pub fn authenticate(
        mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<Session, LoginError> {
        let r = self
            .conn
            .send_authenticate(mechanism, credentials)
            .and_then(|id| self.conn.wait(id))
            .and_then(|c| Ok(ops::check(c)?));
        self.finish(r.map(drop))
    }

    /// Logs in with the strongest SASL mechanism the server advertises that fits the
    /// credentials (SCRAM-SHA-256, then PLAIN, ... for passwords; OAUTHBEARER or XOAUTH2 for
    /// tokens); LOGIN for a password when none fits.
    ///
    /// # Errors
    /// A [`LoginError`]; [`UsageError::MissingCapability`] when a token mechanism is needed and
    /// none is advertised.
    pub fn authenticate_auto(mut self, credentials: Credentials) -> Result<Session, LoginError> {
        if let Err(error) = self.capabilities() {
            return Err(LoginError {
                error,
                client: self,
            });
        }
        let caps = self.conn.core().capabilities();
        let mechanism = Mechanism::ALL
            .iter()
            .copied()
            .filter(|m| m.credentials_kind() == credentials.kind())
            .find(|m| caps.has_auth(m.name()));
        match (mechanism, credentials.kind()) {
            (Some(m), _) => self.authenticate(m, credentials),
            (None, CredentialsKind::Password) => Err(LoginError {
                error: Error::Usage(UsageError::MissingCapability("a password SASL mechanism")),
                client: self,
            }),
            (None, _) => Err(LoginError {
                error: Error::Usage(UsageError::MissingCapability("AUTH=XOAUTH2 or OAUTHBEARER")),
                client: self,
            }),
        }
    }

    /// The session of a connection the server pre-authenticated (`PREAUTH` greeting).
    ///
    /// # Errors
    /// A [`LoginError`] when the connection is not authenticated.
    pub fn into_session(self) -> Result<Session, LoginError> {
        if self.conn.core().state() == ConnState::Authenticated {
            Ok(Session::from_connection(self.conn))
        } else {
            Err(LoginError {
                error: Error::Usage(UsageError::WrongState {
                    command: "session",
                    state: "not authenticated",
                }),
                client: self,
            })
        }
    }

    /// Logs out and closes the connection.
    ///
    /// # Errors
    /// When LOGOUT fails.
    pub fn logout(mut self) -> Result<()> {
        self.conn.logout()
    }

    fn finish(self, r: Result<()>) -> Result<Session, LoginError> {
        match r {
            Ok(()) => Ok(Session::from_connection(self.conn)),
            Err(error) => Err(LoginError {
                error,
                client: self,
            }),
        }
    }
}
