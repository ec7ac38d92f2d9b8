//! FETCH: typed per-message results ([`fetch`], [`fetch_one`]), sections decoded
//! ([`fetch_part_decoded`]) and messages parsed ([`fetch_parsed`]), and one section streamed to the
//! caller's sink without being held in memory ([`StreamSection`]).

use super::{FetchMessages, Missing, OpError, Operation, Simple};
use crate::client::CommandId;
use crate::decode::DecodedPart;
use crate::engine::OpContext;
use crate::ops::fetch::{self as f, FetchQuery, Message};
use crate::ops::parts;
use crate::types::{MessageSet, Section, Uid, UidSet};
use std::task::Poll;

/// Literals longer than this are streamed by [`StreamSection`] (64 KiB).
pub const STREAM_THRESHOLD: u64 = 64 * 1024;

/// FETCH of any message set (UIDs: `UID FETCH`; sequence numbers: `FETCH`); the messages with
/// what `query` asks, keyed by UID (always fetched).
/// The responses are merged into the result as they arrive ([`FetchMessages`]): the data is
/// held once, never in the command's completion as well.
pub fn fetch(set: impl Into<MessageSet>, query: &FetchQuery) -> FetchMessages {
    FetchMessages::new(Ok(query.command(set)))
}

/// FETCH written as text, for people porting scripts: `set` as IMAP writes a set
/// (`2,4:6,20:*`, or `$`), UIDs when `uid` (`UID FETCH`) and sequence numbers otherwise, and
/// `items` as IMAP writes FETCH items (`(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`, read by
/// [`FetchQuery`]'s `from_str`; `UID` is added). Fails with [`OpError::Query`], sending nothing,
/// when either text does not parse; the error points at the offending character.
pub fn fetch_text(set: &str, items: &str, uid: bool) -> FetchMessages {
    let body = MessageSet::from_text(set, uid)
        .and_then(|set| Ok(items.parse::<FetchQuery>()?.command(set)))
        .map_err(OpError::Query);
    FetchMessages::new(body)
}

/// One message by UID; [`Missing::Message`] when the server returned nothing for it.
pub fn fetch_one(uid: Uid, query: &FetchQuery) -> Simple<Message> {
    Simple::new(query.command(UidSet::single(uid)), move |c, _| one(c, uid))
}

/// One section of one message decoded (`UID FETCH uid (BODYSTRUCTURE BODY.PEEK[section])`):
/// transfer encoding undone and text read by its charset, as the BODYSTRUCTURE describes the
/// part ([`crate::ops::parts::decode_section`]). Fails with [`Missing::Message`] or
/// [`Missing::Section`] when the server sent no such message or section.
pub fn fetch_part_decoded(uid: Uid, section: Section) -> Simple<DecodedPart> {
    let query = FetchQuery::new()
        .body_structure()
        .section(section.clone(), None);
    Simple::new(query.command(UidSet::single(uid)), move |c, _| {
        let m = one(c, uid)?;
        let raw = m
            .section(&section)
            .ok_or(OpError::NotFound(Missing::Section(uid)))?;
        let body = m.body_structure.as_ref().map(|b| b.to_structure());
        Ok(parts::decode_section(body.as_ref(), &section, raw))
    })
}

/// One whole message (`UID FETCH uid BODY.PEEK[]`) parsed as MIME by `mail-parser`
/// ([`crate::ops::parts::parse_message`]). Fails with [`Missing::Message`], or with
/// [`Missing::Section`] when the server sent no body or one `mail-parser` cannot read as a
/// message.
pub fn fetch_parsed(uid: Uid) -> Simple<mail_parser::Message<'static>> {
    let query = FetchQuery::new().section(Section::default(), None);
    Simple::new(query.command(UidSet::single(uid)), move |c, _| {
        one(c, uid)?
            .body()
            .and_then(parts::parse_message)
            .ok_or(OpError::NotFound(Missing::Section(uid)))
    })
}

fn one(c: crate::client::Completion, uid: Uid) -> Result<Message, OpError> {
    f::into_messages(c)
        .remove(&uid)
        .ok_or(OpError::NotFound(Missing::Message(uid)))
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
            .more
            .map(|more| more.sections)
            .unwrap_or_default()
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
