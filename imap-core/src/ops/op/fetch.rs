//! FETCH: typed per-message results ([`fetch`], [`fetch_one`]) and one section streamed to the
//! caller's sink without being held in memory ([`StreamSection`]).

use super::{Missing, OpError, Operation, Simple};
use crate::client::CommandId;
use crate::engine::OpContext;
use crate::ops::fetch::{self as f, FetchQuery, Message, Messages};
use crate::types::{MessageSet, Section, Uid, UidSet};
use std::task::Poll;

/// Literals longer than this are streamed by [`StreamSection`] (64 KiB).
pub const STREAM_THRESHOLD: u64 = 64 * 1024;

/// FETCH of any message set (UIDs: `UID FETCH`; sequence numbers: `FETCH`); the messages with
/// what `query` asks, keyed by UID (always fetched).
pub fn fetch(set: impl Into<MessageSet>, query: &FetchQuery) -> Simple<Messages> {
    Simple::map(query.command(set), f::into_messages)
}

/// One message by UID; [`Missing::Message`] when the server returned nothing for it.
pub fn fetch_one(uid: Uid, query: &FetchQuery) -> Simple<Message> {
    Simple::new(query.command(UidSet::single(uid)), move |c, _| {
        f::into_messages(c)
            .remove(&uid)
            .ok_or(OpError::NotFound(Missing::Message(uid)))
    })
}

/// One section of one message (`UID FETCH uid BODY.PEEK[section]`) handed to the driver as
/// [`crate::engine::Step::Chunk`]s as it arrives: literals above [`STREAM_THRESHOLD`] are
/// streamed piece by piece, a smaller one is handed over whole. Yields the number of bytes
/// handed over. Fails with [`Missing::Message`] or [`Missing::Section`] when the server sent
/// no such message or section.
#[derive(Debug)]
pub struct StreamSection {
    uid: Uid,
    section: Section,
    id: Option<CommandId>,
}

impl StreamSection {
    /// Streams `section` (`Section::default()`: the whole message) of message `uid`.
    pub fn new(uid: Uid, section: Section) -> StreamSection {
        StreamSection {
            uid,
            section,
            id: None,
        }
    }
}

impl Operation for StreamSection {
    type Output = u64;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<u64, OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => {
                cx.stream_literals(STREAM_THRESHOLD);
                let body = f::stream_command(self.uid, self.section.clone());
                *self.id.insert(cx.send(body)?)
            }
        };
        let c = std::task::ready!(cx.poll_completion(id))?;
        let streamed = cx.streamed();
        let mut messages = f::into_messages(c);
        let Some(m) = messages.remove(&self.uid) else {
            return Poll::Ready(Err(OpError::NotFound(Missing::Message(self.uid))));
        };
        if streamed > 0 {
            return Poll::Ready(Ok(streamed));
        }
        let data = m
            .sections
            .into_iter()
            .find(|s| s.section == self.section)
            .and_then(|s| s.data);
        match data {
            Some(data) => {
                let bytes = data.into_bytes();
                let n = bytes.len() as u64;
                cx.emit_chunk(bytes);
                Poll::Ready(Ok(n))
            }
            None => Poll::Ready(Err(OpError::NotFound(Missing::Section(self.uid)))),
        }
    }
}
