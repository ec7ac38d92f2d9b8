//! A blocking IMAP client: std::net (or any `Read + Write` stream) and rustls around the
//! sans-IO [`imap_core`]. The driver only moves bytes and time; everything IMAP is in the core.
//!
//! - [`Connector`] (from `imap-connect`, shared with `imap-tokio`): host, port, [`Security`]
//!   (implicit TLS, STARTTLS, plain), certificate verification ([`TlsOptions`]), timeouts,
//!   credentials; from parts or a URL. [`BlockingConnect`] ([`connect`]) connects with it over
//!   TCP, any [`Stream`], or a child process ([`BlockingConnect::connect_command`]).
//! - [`Client`] ([`client`]): greeted, not logged in; [`Client::login`],
//!   [`Client::authenticate`] (SASL, XOAUTH2 included).
//! - [`Session`] ([`session`]): everything after login, by concept: [`folders`], [`fetch`],
//!   [`search`], [`flags`], [`messages`], [`idle`]. UIDs by default; sequence numbers through
//!   the `_seq` methods or a [`types::SeqSet`].
//! - [`Connection`] ([`connection`]): the driver loop itself, for pipelining and raw
//!   commands.
//!
//! `imap-tokio` has the same types and methods, `async`.
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
pub mod connection;
pub mod error;
pub mod fetch;
pub mod flags;
pub mod folders;
pub mod idle;
pub mod messages;
pub mod search;
pub mod session;
pub mod stream;

pub use client::{Client, LoginError};
pub use connect::BlockingConnect;
pub use connection::Connection;
pub use error::{Error, Result};
pub use flags::FlagMap;
pub use idle::Idle;
pub use session::Session;
pub use stream::{AnyStream, CommandStream, Stream};

pub use imap_connect::{Connector, LoginMethod, Security, TimedOut, TlsOptions};
pub use imap_core;
pub use imap_core::client::{Event, MailboxSummary};
pub use imap_core::ops::date;
pub use imap_core::ops::fetch::{FetchQuery, Message, Messages, PartInfo, outline, parse_headers};
pub use imap_core::ops::flags::{format_flags, parse_flag, parse_flags};
pub use imap_core::ops::folders::{Folder, FolderStatus, ListOptions, SpecialUse};
pub use imap_core::ops::messages::{Appended, Expunged, UidMapping};
pub use imap_core::ops::search::Query;
pub use imap_core::ops::url::ImapUrl;
pub use imap_core::sasl::{Credentials, Mechanism};
pub use imap_core::types;

/// The traits a user of this crate needs in scope: `use imap_blocking::prelude::*;`.
pub mod prelude {
    pub use crate::BlockingConnect;
    pub use imap_connect::Connector;
    pub use imap_core::ops::Commands;
}

/// The compact UID set holding `uids`; `None` when there are none (IMAP has no empty set).
pub fn uid_set(uids: &[types::Uid]) -> Option<types::UidSet> {
    types::UidSet::from_keys(uids.iter().copied()).ok()
}

/// The compact sequence set holding `seqs`; `None` when there are none.
pub fn seq_set(seqs: &[types::SeqNum]) -> Option<types::SeqSet> {
    types::SeqSet::from_keys(seqs.iter().copied()).ok()
}
