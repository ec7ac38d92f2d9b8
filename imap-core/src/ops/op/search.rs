//! SEARCH, SORT and THREAD, by UID unless the name ends in `_seq`.

use super::caps::KnownCaps;
use super::{OpError, Operation, Simple};
use crate::client::{CommandId, UsageError};
use crate::engine::OpContext;
use crate::ops::search::{self as s, Query, SearchResult};
use crate::types::{
    Capability, CommandBody, SearchReturn, SeqNum, SeqRanges, SortCriterion, Thread, Uid, UidRanges,
};
use std::borrow::Cow;
use std::task::Poll;

/// `UID SEARCH`: the UIDs of the messages matching `query`, as ranges (a server's
/// `1:4294967295` stays one range). With ESEARCH (RFC 4731, or IMAP4rev2) it asks
/// `RETURN (ALL)`, so the server answers with ranges too; without it, a plain SEARCH.
#[derive(Debug)]
pub struct Search {
    query: Result<Query, OpError>,
    charset: Option<String>,
    known: KnownCaps,
    id: Option<CommandId>,
}

impl Search {
    /// Searches by UID.
    pub fn new(query: Query) -> Search {
        Search {
            query: Ok(query),
            charset: None,
            known: KnownCaps::default(),
            id: None,
        }
    }

    /// Searches by UID with criteria text (`SINCE 13-Jul-2013 TEXT Apress`); fails with
    /// [`OpError::Query`], sending nothing, when the text is not valid criteria.
    pub fn parse(criteria: &str) -> Search {
        Search {
            query: Query::parse(criteria).map_err(OpError::from),
            charset: None,
            known: KnownCaps::default(),
            id: None,
        }
    }

    /// Sends `CHARSET charset` with the strings written in it ([`Query::in_charset`]); fails
    /// with [`OpError::Charset`], sending nothing, when they cannot be. Without it, criteria
    /// that need a charset go as `CHARSET UTF-8`.
    pub fn charset(mut self, charset: &str) -> Search {
        self.charset = Some(charset.to_owned());
        self
    }
}

impl Operation for Search {
    type Output = UidRanges;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<UidRanges, OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => {
                let query = self.query.as_ref().map_err(Clone::clone)?;
                let query = match self.charset.as_deref() {
                    Some(c) => Cow::Owned(query.clone().in_charset(c)?),
                    None => Cow::Borrowed(query),
                };
                std::task::ready!(self.known.poll(cx))?;
                let caps = cx.capabilities();
                let body = if caps.has(&Capability::ESearch) || caps.is_rev2() {
                    query.esearch_command(&[SearchReturn::All], true)
                } else {
                    query.command(true)
                };
                *self.id.insert(cx.send(body)?)
            }
        };
        let c = std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(s::uids(&c)))
    }
}

/// `SEARCH`: sequence numbers instead of UIDs, as ranges.
pub fn search_seq(query: &Query) -> Simple<SeqRanges> {
    Simple::map(query.command(false), |c| s::seqs(&c))
}

/// `SEARCH CHARSET charset`: sequence numbers of the messages matching `query`, its strings
/// written in `charset` ([`Query::in_charset`]; [`OpError::Charset`] when they cannot be).
pub fn search_seq_charset(query: &Query, charset: &str) -> Simple<SeqRanges> {
    let body = query
        .clone()
        .in_charset(charset)
        .map(|q| q.command(false))
        .map_err(OpError::from);
    Simple::try_new(body, |c, _| Ok(s::seqs(&c)))
}

/// Gmail search syntax (`X-GM-RAW "has:attachment in:unread"`).
pub fn gmail_search(raw: &str) -> Search {
    Search::new(Query::new().gmail_raw(raw))
}

/// `UID SORT` (RFC 5256): matching UIDs in the order the server sorted them.
pub fn sort(criteria: &[SortCriterion], query: &Query) -> Simple<Vec<Uid>> {
    Simple::map(query.sort_command(criteria, true), |c| s::sorted_uids(&c))
}

/// `SORT` by sequence numbers.
pub fn sort_seq(criteria: &[SortCriterion], query: &Query) -> Simple<Vec<SeqNum>> {
    Simple::map(query.sort_command(criteria, false), |c| s::sorted_seqs(&c))
}

/// `UID SORT RETURN (returns)` (ESORT, RFC 5267 section 3), for servers that advertise
/// `ESORT`; `None` when the server sent no ESEARCH.
pub fn esort(
    criteria: &[SortCriterion],
    returns: &[SearchReturn],
    query: &Query,
) -> Simple<Option<SearchResult>> {
    Simple::map(query.esort_command(criteria, returns, true), |c| {
        s::esearch(&c)
    })
}

/// `UID THREAD algorithm` (`REFERENCES`, `ORDEREDSUBJECT`): threads of UIDs;
/// [`UsageError::Invalid`] when `algorithm` is not an atom.
pub fn thread(algorithm: &str, query: &Query) -> Simple<Vec<Thread>> {
    thread_as(algorithm, query, true)
}

/// `THREAD algorithm`: threads of sequence numbers, as [`thread`] otherwise.
pub fn thread_seq(algorithm: &str, query: &Query) -> Simple<Vec<Thread>> {
    thread_as(algorithm, query, false)
}

fn thread_as(algorithm: &str, query: &Query, uid: bool) -> Simple<Vec<Thread>> {
    let body: Result<CommandBody, OpError> = query
        .thread_command(algorithm, uid)
        .map_err(|_| OpError::Usage(UsageError::Invalid("thread algorithm")));
    Simple::try_new(body, |c, _| Ok(s::threads(&c)))
}
