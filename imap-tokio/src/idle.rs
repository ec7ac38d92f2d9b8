//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`, over the core's [`imap_core::ops::op::IdleStart`], [`imap_core::ops::op::IdleWait`] and
//! [`imap_core::ops::op::IdleDone`]. The core re-issues IDLE by itself before the server's inactivity timeout
//! (29 minutes by default, [`crate::Connector::idle_reissue`]), and
//! [`crate::Connector::idle_timeout`] detects a dead connection while idling.
//!
//! [`Idle::wait`] is cancel-safe (an event leaves the queue only when it is returned), so it
//! can sit in `tokio::select!` beside a shutdown signal:
//!
//! ```no_run
//! # async fn f(mut session: imap_tokio::Session, mut stop: tokio::sync::oneshot::Receiver<()>)
//! # -> imap_tokio::Result<()> {
//! use imap_tokio::prelude::*;
//!
//! session.select("INBOX").await?;
//! let mut idle = session.idle().await?;
//! loop {
//!     tokio::select! {
//!         event = idle.wait() => println!("{:?}", event?),
//!         _ = &mut stop => break,
//!     }
//! }
//! idle.done().await?;
//! # Ok(()) }
//! ```
//!
//! Dropping the handle (or a future of it) without [`Idle::done`] leaves the IDLE running
//! until the next operation on the session, which sends `DONE` first (the engine's rule).

use crate::session::Session;

/// A running IDLE on a [`Session`] ([`Session::idle`], [`Session::idle_for`]): the core's
/// handle ([`imap_core::ops::Idle`]), written once for every driver; its `wait`,
/// `wait_timeout` and `done` are futures here.
pub type Idle<'a> = imap_core::ops::Idle<'a, Session>;
