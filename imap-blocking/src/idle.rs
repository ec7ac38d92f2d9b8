//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`, over the core's [`imap_core::ops::op::IdleStart`], [`imap_core::ops::op::IdleWait`] and
//! [`imap_core::ops::op::IdleDone`]. The core re-issues IDLE by itself before the server's inactivity timeout
//! (29 minutes by default, [`crate::Connector::idle_reissue`]), and
//! [`crate::Connector::idle_timeout`] detects a dead connection while idling.
//!
//! Dropping the handle without [`Idle::done`] leaves the IDLE running until the next
//! operation on the session, which sends `DONE` first (the engine's rule, see
//! [`imap_connect`]'s drop behaviour).

use crate::session::Session;

/// A running IDLE on a [`Session`] ([`Session::idle`], [`Session::idle_for`]): the core's
/// handle ([`imap_core::ops::Idle`]), written once for every driver. Updates arrive as
/// [`imap_core::client::Event`]s (mostly `Event::Mailbox`); the mailbox model is kept up to
/// date.
pub type Idle<'a> = imap_core::ops::Idle<'a, Session>;
