//! SEARCH, SORT and THREAD commands of [`Session`], by UID unless the name ends in `_seq`.
//!
//! Cancellation: every method is cancel-safe in the crate's sense.

use crate::error::Result;
use crate::session::Session;
use imap_core::ops::search::{self as s, Query};
use imap_core::types::{SearchReturn, SeqNum, SeqRanges, SortCriterion, Thread, Uid, UidRanges};

impl Session {
    /// `UID SEARCH`: the UIDs of the messages matching `query`, as ranges (ascending when
    /// iterated; a server's `1:4294967295` stays one range).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn search(&mut self, query: &Query) -> Result<UidRanges> {
        let c = self.conn.run(query.command(true)).await?;
        Ok(s::uids(&c))
    }

    /// `SEARCH`: sequence numbers instead of UIDs, as ranges.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn search_seq(&mut self, query: &Query) -> Result<SeqRanges> {
        let c = self.conn.run(query.command(false)).await?;
        Ok(s::seqs(&c))
    }

    /// `UID SEARCH` with criteria text (`SINCE 13-Jul-2013 TEXT Apress`).
    ///
    /// # Errors
    /// [`crate::Error::Query`] when the text is not valid criteria, or as
    /// [`crate::Connection::run_op`].
    pub async fn search_text(&mut self, criteria: &str) -> Result<UidRanges> {
        let q = Query::parse(criteria)?;
        self.search(&q).await
    }

    /// Gmail search syntax (`X-GM-RAW "has:attachment in:unread"`).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn gmail_search(&mut self, raw: &str) -> Result<UidRanges> {
        self.search(&Query::new().gmail_raw(raw)).await
    }

    /// `UID SORT` (RFC 5256): matching UIDs in the order the server sorted them.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn sort(&mut self, criteria: &[SortCriterion], query: &Query) -> Result<Vec<Uid>> {
        let c = self.conn.run(query.sort_command(criteria, true)).await?;
        Ok(s::sorted_uids(&c))
    }

    /// `SORT` by sequence numbers.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn sort_seq(
        &mut self,
        criteria: &[SortCriterion],
        query: &Query,
    ) -> Result<Vec<SeqNum>> {
        let c = self.conn.run(query.sort_command(criteria, false)).await?;
        Ok(s::sorted_seqs(&c))
    }

    /// `UID SORT RETURN (returns)` (ESORT, RFC 5267 section 3), for servers that advertise
    /// `ESORT`: `MIN`/`MAX` are the first and last UID in sort order, `ALL` is in sort order,
    /// `COUNT` counts the matches. `None` when the server sent no ESEARCH (nothing to report).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn esort(
        &mut self,
        criteria: &[SortCriterion],
        returns: &[SearchReturn],
        query: &Query,
    ) -> Result<Option<s::SearchResult>> {
        let c = self
            .conn
            .run(query.esort_command(criteria, returns, true))
            .await?;
        Ok(s::esearch(&c))
    }

    /// `UID THREAD algorithm` (`REFERENCES`, `ORDEREDSUBJECT`): threads of UIDs.
    ///
    /// # Errors
    /// [`crate::Error::Usage`] when `algorithm` is not an atom, or as
    /// [`crate::Connection::run_op`].
    pub async fn thread(&mut self, algorithm: &str, query: &Query) -> Result<Vec<Thread>> {
        let cmd = query.thread_command(algorithm, true).map_err(|_| {
            crate::Error::Usage(imap_core::client::UsageError::Invalid("thread algorithm"))
        })?;
        let c = self.conn.run(cmd).await?;
        Ok(s::threads(&c))
    }
}
