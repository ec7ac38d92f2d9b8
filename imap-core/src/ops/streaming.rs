//! The streamed FETCH every driver hands out ([`FetchStream`]), written once over
//! [`Commands`]: its method returns what the driver's `run` returns (a result, or a future of
//! one).

use super::{Commands, op};
use crate::client::CommandId;

/// A FETCH whose messages are handed out one at a time as they arrive, as go-imap's
/// `FetchCommand.Next()` does: what the client holds does not grow with the number of messages
/// (the caller keeps what it chooses; the mailbox model still learns each message's UID and
/// flags). Started by a driver's `fetch_stream` ([`op::FetchStart`]); each [`FetchStream::next`]
/// runs an [`op::FetchNext`].
///
/// A message the server answered in several FETCH responses comes once for each. Dropping the
/// handle before the end leaves the rest of the answer to the next operation on the session,
/// which reads and drops it (the engine's rule for abandoned operations).
///
/// Each driver starts one with `fetch_stream` (imap-blocking's `Session::fetch_stream` shows
/// it at work); the loop is the same everywhere, `.await` added in the async drivers:
///
/// ```text
/// let mut messages = session.fetch_stream(&UidSet::all(), &FetchQuery::summary())?;
/// while let Some(m) = messages.next()? {
///     println!("{:?} {:?}", m.uid, m.subject());
/// }
/// ```
#[derive(Debug)]
pub struct FetchStream<'a, S> {
    session: &'a mut S,
    id: CommandId,
}

impl<'a, S: Commands> FetchStream<'a, S> {
    /// The handle of the streamed FETCH `id` on `session` (after [`op::FetchStart`] yielded
    /// `id`).
    pub fn new(session: &'a mut S, id: CommandId) -> Self {
        FetchStream { session, id }
    }

    /// The next message as it arrives, or `None` once the FETCH completed OK (and on every
    /// call after that). Fails with [`op::OpError::Command`] when the server refused the FETCH.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> S::Run<'_, op::FetchNext> {
        self.session.run(op::FetchNext::new(self.id))
    }

    /// The FETCH command's handle.
    pub fn id(&self) -> CommandId {
        self.id
    }
}
