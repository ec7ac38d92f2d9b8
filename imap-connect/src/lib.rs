//! What the IMAP drivers (`imap-blocking`, `imap-tokio`) share to connect, written once:
//!
//! - [`Connector`]: the connection settings (host, port, [`Security`], [`TlsOptions`],
//!   timeouts with [one overall connect deadline](Connector#connect-timeout), the operation
//!   deadline, IDLE settings, credentials), from parts or from an `imap://` / `imaps://` URL.
//!   Each driver connects with it through its extension trait.
//! - [`TlsOptions`] ([`tls`]): rustls client configurations (webpki roots by default, a private
//!   CA, an explicit opt-out for test servers).
//! - [`Error`] ([`error`]): the one user-facing error type, `From` the core's
//!   [`imap_core::ops::OpError`].

pub mod connector;
pub mod error;
pub mod tls;

pub use connector::{Connector, LoginMethod, Security, TlsTarget};
pub use error::{Error, Result, TimedOut};
pub use rustls;
pub use tls::{TlsError, TlsOptions, provider, server_name};
