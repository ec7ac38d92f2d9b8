//! An async IMAP client for smol and async-io (any futures-io `AsyncRead + AsyncWrite`
//! stream, TLS with futures-rustls, timeouts with `async_io::Timer`) around the sans-IO
//! [`imap_core`]: the proof that the core runs on any runtime. Everything IMAP is in the core
//! (the [`Commands`](imap_core::ops::Commands) a session has, the engine's rules); the
//! settings and the error type are `imap-connect`'s, shared with `imap-blocking` and
//! `imap-tokio`. This crate only moves bytes and time.
//!
//! Dropping a [`Session`] closes the stream without LOGOUT (smol has no ambient runtime to
//! send it from): call `logout()`. Dropping an [`Idle`] handle leaves the IDLE to the next
//! operation, which sends `DONE` first. A future dropped in the middle of an operation leaves
//! the connection usable, except in a TLS handshake (see [`connection`]).
//!
//! `imap-blocking` and `imap-tokio` offer the same types under the same names ([`Client`],
//! [`Session`], [`Idle`], [`LoginError`], [`AsyncStream`] as in `imap-tokio`, a connect trait).
//!
//! ```no_run
//! use imap_smol::prelude::*;
//! use imap_smol::Query;
//!
//! smol::block_on(async {
//!     let mut session = Connector::from_url("imaps://alice@imap.example.org/")?
//!         .password("alice", "secret")
//!         .login()
//!         .await?;
//!     session.select("INBOX").await?;
//!     let unseen = session.search(&Query::new().unseen()).await?;
//!     println!("{} unseen", unseen.len());
//!     session.logout().await
//! })?;
//! # Ok::<(), imap_smol::Error>(())
//! ```

pub mod connect;
pub mod connection;
pub mod reconnecting;
pub mod session;

pub use connect::SmolConnect;
pub use connection::AsyncStream;
pub use imap_connect::RunFuture;
pub use imap_connect::exports::*;
pub use reconnecting::Reconnecting;
pub use session::{Client, FetchStream, Idle, LoginError, Session};

/// The traits a user of this crate needs in scope: `use imap_smol::prelude::*;`.
pub mod prelude {
    pub use crate::SmolConnect;
    pub use imap_connect::prelude::*;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
