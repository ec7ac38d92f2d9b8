//! What the IMAP drivers (`imap-blocking`, `imap-tokio`, `imap-smol`) share to connect, written
//! once:
//!
//! - [`Connector`]: the connection settings (host, port, [`Security`], [`TlsOptions`],
//!   timeouts with [one overall connect deadline](Connector#connect-timeout), the operation
//!   deadline, IDLE settings, credentials), from parts or from an `imap://` / `imaps://` URL.
//!   Each driver connects with it through its extension trait.
//! - [`TlsOptions`] ([`tls`]): rustls client configurations (webpki roots by default or the
//!   system's, a private CA or a pinned self-signed certificate, client certificates, the name
//!   to verify, an explicit opt-out for test servers).
//! - [`Error`] ([`error`]): the one user-facing error type, `From` the core's
//!   [`imap_core::ops::OpError`].
//! - [`Reconnection`] ([`reconnect`]): what a driver's reconnecting session decides (which
//!   errors to reconnect for, the backoff, the resynchronisation to run), written once.
//! - [`handles`]: the methods of every driver's `Client` and `Session` (commands, getters,
//!   logging in, LOGOUT, IDLE, streaming into a writer), generated for each driver by one
//!   macro; a driver writes only its transport.
//! - [`Wire`] ([`wire`]): the engine-facing half of a driver's transport (the stream's
//!   state, feeding reads and write failures to the engine, LOGOUT on drop).
//! - [`ReadBuf`] ([`read_buf`]): the async drivers' read buffer, small while idle and grown
//!   while reads fill it.
//!
//! # Drop behaviour
//!
//! The same in every driver, stated once here:
//!
//! - **Connect timeout**: one overall deadline ([`Connector#connect-timeout`]).
//! - **LOGOUT on drop**: a greeted or logged-in client or session dropped without LOGOUT sends
//!   it (ending a running IDLE first) and waits for the answer at most one second
//!   ([`LOGOUT_ON_DROP`]). `imap-blocking` does it in `drop`; `imap-tokio` hands
//!   it to a task on the current runtime (outside a runtime there is none to run it, and the
//!   stream is just closed); `imap-smol` has no ambient runtime to send it from and only closes
//!   the stream (call `logout()`).
//! - **Dropping an IDLE handle** leaves the IDLE running: nothing waits in `drop`. The next
//!   operation on the session sends `DONE` first and waits for the IDLE's completion (the
//!   engine's rule, [`imap_core::engine`]), so the handle may also be forgotten.
//! - **A dropped future** (async drivers: a `select!` branch that lost, a timeout) leaves the
//!   connection usable: the engine forgets the abandoned operation when the next one starts
//!   (its answers are read and discarded), and bytes the driver took from the engine but had
//!   not written yet are kept and written first by the next operation. The one step that
//!   cannot be resumed is a TLS handshake (implicit TLS, STARTTLS): it consumes the plain
//!   stream, so a future dropped there poisons the connection and every later operation fails
//!   with [`Error::Io`] (`NotConnected`, naming the cause). A section being streamed into a
//!   writer may have been written in part.

pub mod connector;
pub mod error;
pub mod exports;
pub mod handles;
pub mod read_buf;
pub mod reconnect;
pub mod sign_in;
pub mod tls;
pub mod wire;

/// The shared part of each driver's prelude (`use imap_blocking::prelude::*;` adds the
/// driver's connect trait): the settings, the high-level commands and the getters.
pub mod prelude {
    pub use crate::connector::{Connector, Security};
    pub use imap_core::engine::HasEngine;
    pub use imap_core::ops::Commands;
}

pub use connector::{Connector, Security, TlsTarget};
pub use error::{Error, LoginError, Result, SettingsError, TimedOut};
pub use read_buf::ReadBuf;
pub use reconnect::{Reconnection, Reconnector};
pub use rustls;
pub use sign_in::{LoginMethod, SaslFactory, SignIn};
pub use tls::{CertError, NativeRootsError, TlsError, TlsOptions, provider, server_name};
pub use wire::{LOGOUT_ON_DROP, Wire};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// What `Commands::run` returns in the async drivers (`imap-tokio`, `imap-smol`): a boxed
/// future of the operation's output (`imap-blocking` returns the [`Result`] itself).
pub type RunFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;
