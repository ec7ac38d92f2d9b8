//! An async IMAP client: tokio (or any `AsyncRead + AsyncWrite` stream) and tokio-rustls
//! around the sans-IO [`imap_core`]. The driver only moves bytes and time; everything IMAP is
//! in the core.
//!
//! - [`Connector`] (from `imap-connect`, shared with `imap-blocking`): host, port,
//!   [`Security`] (implicit TLS, STARTTLS, plain), certificate verification ([`TlsOptions`]),
//!   timeouts, credentials; from parts or a URL. [`TokioConnect`] ([`connect`]) connects with
//!   it over TCP, any [`AsyncStream`], or a child process ([`TokioConnect::connect_command`]).
//! - [`Client`] ([`client`]): greeted, not logged in; [`Client::login`],
//!   [`Client::authenticate`] (SASL, XOAUTH2 included).
//! - [`Session`] ([`session`]): everything after login. Its commands are the core's
//!   [`Commands`](imap_core::ops::Commands), written once for every driver (select, fetch,
//!   search, flags, move, ...: UIDs by default, sequence numbers through the `_seq` methods or
//!   a [`types::SeqSet`]); its getters are [`HasEngine`](imap_core::engine::HasEngine)'s.
//!   [`Session::idle`] ([`idle`]) and [`Session::fetch_to_writer`] need the driver.
//! - [`Reconnecting`] ([`reconnecting`]): a long-lived session that reconnects with backoff,
//!   reselects its folder and reports what changed meanwhile as ordinary events.
//! - [`connection`]: the transport (private: `Commands::run` runs any
//!   [`Operation`](imap_core::ops::Operation) on a client or session) and its cancellation
//!   rules.
//!
//! `imap-blocking` and `imap-smol` offer the same types under the same names ([`Client`],
//! [`Session`], [`Idle`], [`LoginError`], a connect trait), blocking or on smol, as
//! `reqwest::Client` and `reqwest::blocking::Client` do: one concept, one name per driver.
//!
//! # Cancellation
//!
//! Every future may be dropped (a `select!` branch that lost, a timeout) and the connection
//! stays usable: a dropped command's response is read and discarded by the next operation,
//! bytes not yet written are kept, and events leave the queue only when returned. The
//! exceptions are documented where they apply: the connect futures (dropping one drops the
//! half-made connection), `logout`, and `fetch_to_writer` (the writer may hold part of the
//! section). See [`connection`].
//!
//! ```no_run
//! # async fn f() -> imap_tokio::Result<()> {
//! use imap_tokio::prelude::*;
//! use imap_tokio::prelude::*;
//! use imap_tokio::{FetchQuery, Query};
//!
//! let mut session = Connector::from_url("imaps://alice@imap.example.org/")?
//!     .password("alice", "secret")
//!     .login()
//!     .await?;
//! let summary = session.select("INBOX").await?;
//! println!("{} messages", summary.exists);
//! let uids = session.search(&Query::new().unseen()).await?;
//! if let Some(set) = uids.to_set() {
//!     for (uid, m) in session.fetch(&set, &FetchQuery::summary()).await? {
//!         println!("{uid}: {:?}", m.subject());
//!     }
//! }
//! session.logout().await?;
//! # Ok(()) }
//! ```

pub mod client;
pub mod connect;
pub mod connection;
pub mod idle;
pub mod reconnecting;
pub mod session;
pub mod stream;

pub use client::{Client, LoginError};
pub use connect::TokioConnect;
pub use idle::Idle;
pub use imap_connect::RunFuture;
pub use imap_connect::exports::*;
pub use reconnecting::Reconnecting;
pub use session::{FetchStream, Session};
pub use stream::{AsyncStream, CommandStream};

/// What a user of this crate needs in scope: `use imap_tokio::prelude::*;` (the connect
/// trait, the high-level commands and the getters, and the settings).
pub mod prelude {
    pub use crate::TokioConnect;
    pub use imap_connect::prelude::*;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
