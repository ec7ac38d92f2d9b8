//! What [`super::Engine::drive`] asks of the driver next ([`Step`]).

use crate::ops::OpError;
use bytes::Bytes;
use std::time::Instant;

/// What a driver does next for the operation it runs (see [`super::Engine::drive`]).
///
/// Every arm ends with another call to `drive`, except [`Step::Done`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Step<T> {
    /// The operation finished, with its output or why it failed. Everything it had to send
    /// was handed to the driver before.
    Done(Result<T, OpError>),
    /// [`super::Engine::poll_transmit`] has bytes: write them all (each write bounded by
    /// [`super::Engine::write_deadline`]), then call `drive` again.
    Transmit,
    /// The server accepted STARTTLS: upgrade the stream to TLS now (a handshake bounded by
    /// the driver's own timeout), then call [`super::Engine::handle_tls_established`] and
    /// `drive` again.
    StartTls,
    /// A piece of the section being streamed, for the caller's sink (only operations that
    /// stream produce it, such as [`crate::ops::op::StreamSection`]). Write it, then call `drive`
    /// again.
    Chunk(Bytes),
    /// Nothing to do until input arrives or the instant passes (`None`: no deadline). Read,
    /// and feed what happened to [`super::Engine::handle_input`],
    /// [`super::Engine::handle_eof`] or, at the instant, [`super::Engine::handle_timeout`];
    /// then call `drive` again.
    Wait(Option<Instant>),
}
