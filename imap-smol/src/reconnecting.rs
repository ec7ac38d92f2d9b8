//! Long-lived sessions: [`Reconnecting`] keeps a session alive across lost connections, as
//! `imap_blocking::Reconnecting` does: it reconnects (after the [`Backoff`]'s wait), logs in
//! again, reselects the folder it had selected and reports what changed while it was away
//! (new messages, vanished ones, flag changes) as the ordinary [`Event::Mailbox`] events of
//! the new session. What it holds and decides is [`imap_connect::Reconnector`]'s, the
//! catching up the core's [`imap_core::ops::op::Resync`]; the type itself is defined once for
//! the async drivers (`imap_connect::async_reconnecting!`).
//!
//! ```no_run
//! use imap_smol::prelude::*;
//! use imap_smol::{Backoff, Reconnecting};
//! use std::time::Duration;
//!
//! # async fn f() -> imap_smol::Result<()> {
//! let connector = Connector::new("imap.example.org").password("alice", "secret");
//! let mut watcher = Reconnecting::new(connector, Backoff::default());
//! watcher.run(async |s| s.select("INBOX").await).await?;
//! loop {
//!     for event in watcher.idle_for(Duration::from_secs(600)).await? {
//!         println!("{event:?}");
//!     }
//! }
//! # }
//! ```

#[cfg(doc)]
use imap_core::{client::Event, ops::reconnect::Backoff};

imap_connect::async_reconnecting!(
    session = crate::session::Session,
    connect = crate::connect::SmolConnect,
    sleep = smol::Timer::after,
);
