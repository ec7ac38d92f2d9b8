//! A blocking IMAP client: std::net (or any `Read + Write` stream) and rustls around the
//! sans-IO [`imap_core`]. The driver only moves bytes and time: every IMAP decision is in the
//! core's operations ([`imap_core::ops`]), run one at a time by one generic loop over the
//! core's [`imap_core::engine::Engine`].
//!
//! - [`Connector`] (from `imap-connect`, shared with `imap-tokio`): host, port, [`Security`]
//!   (implicit TLS, STARTTLS, plain), certificate verification ([`TlsOptions`]), timeouts,
//!   credentials; from parts or a URL. [`BlockingConnect`] ([`connect`]) connects with it over
//!   TCP, any [`Stream`], or a child process ([`BlockingConnect::connect_command`]).
//! - [`Client`] ([`client`]): greeted, not logged in; [`Client::login`],
//!   [`Client::authenticate`] (SASL, XOAUTH2 included).
//! - [`Session`] ([`session`]): everything after login. Its commands are
//!   [`imap_core::ops::Commands`]' (select, fetch, search, store, move, ...), its getters
//!   [`imap_core::engine::HasEngine`]'s (selected mailbox, capabilities, events); both traits
//!   come with `use imap_blocking::prelude::*;`. IDLE is [`idle`]. UIDs by default; sequence
//!   numbers through the `_seq` methods or a [`types::SeqSet`].
//! - [`Reconnecting`] ([`reconnecting`]): a long-lived session that reconnects with backoff,
//!   reselects its folder and reports what changed meanwhile as ordinary events.
//!
//! `imap-tokio` and `imap-smol` offer the same types under the same names ([`Client`],
//! [`Session`], [`Idle`], [`LoginError`], [`CommandStream`], a connect trait), async, as
//! `reqwest::blocking::Client` and `reqwest::Client` do: one concept, one name per driver.
//!
//! Dropping a [`Client`] or [`Session`] that did not log out sends LOGOUT, waiting at most
//! [`LOGOUT_ON_DROP`] (see [`imap_connect`]'s drop behaviour).
//!
//! ```no_run
//! use imap_blocking::prelude::*;
//! use imap_blocking::{FetchQuery, Query};
//!
//! let mut session = Connector::from_url("imaps://alice@imap.example.org/")?
//!     .password("alice", "secret")
//!     .login()?;
//! let summary = session.select("INBOX")?;
//! println!("{} messages", summary.exists);
//! let uids = session.search(&Query::new().unseen())?;
//! if let Some(set) = uids.to_set() {
//!     for (uid, m) in session.fetch(&set, &FetchQuery::summary())? {
//!         println!("{uid}: {:?}", m.subject());
//!     }
//! }
//! session.logout()?;
//! # Ok::<(), imap_blocking::Error>(())
//! ```

pub mod client;
pub mod connect;
pub mod idle;
pub mod reconnecting;
pub mod session;
pub mod stream;
mod transport;

pub use client::{Client, LoginError};
pub use connect::BlockingConnect;
pub use idle::Idle;
pub use imap_connect::exports::*;
pub use reconnecting::Reconnecting;
pub use session::{FetchStream, Session};
pub use stream::{AnyStream, CommandStream, Stream};

/// What a user of this crate needs in scope: `use imap_blocking::prelude::*;` (the connect
/// trait, the high-level commands and the getters, and the settings).
pub mod prelude {
    pub use crate::BlockingConnect;
    pub use imap_connect::prelude::*;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
