//! Work paced by the output. Commands that may take long wait for the next
//! [`MockSession::poll_transmit`] ([`MockSession::has_work`]), which an async driver runs where it
//! cannot stall other connections. And a FETCH is answered a message at a time, paced by the client's reading: the session keeps the
//! UIDs still to send and makes the next responses only when [`MockSession::poll_transmit`] is
//! called again, so the reply to `1:* BODY[]` over a large mailbox is never built whole and a
//! client that stops reading holds about [`CHUNK`] bytes of it, not the mailbox. The core reads
//! no further command until the tagged response, as with any other command.

use super::selected::fetch_one;
use super::{Fail, MockSession, Outcome, State, ok};
use imap_core::types::{Code, CommandBody, FetchItem, SimpleCode, Tag, Uid};

/// Commands that never touch messages or walk mailboxes, answered as soon as they are read;
/// every other command waits for the next `poll_transmit` (see [`MockSession::has_work`]). STARTTLS
/// and COMPRESS must be answered at once: the driver switches the byte stream right after the
/// input that carried them.
pub(crate) fn is_light(body: &CommandBody) -> bool {
    use CommandBody as C;
    matches!(
        body,
        C::Capability
            | C::Noop
            | C::Logout
            | C::StartTls
            | C::Compress(_)
            | C::Idle
            | C::Id(_)
            | C::Enable(_)
            | C::Namespace
            | C::Login { .. }
            | C::Authenticate { .. }
            | C::Unselect
    )
}

/// About how much output one call of [`MockSession::poll_transmit`] makes while a FETCH streams.
pub const CHUNK: usize = 64 * 1024;

/// Chunks shorter than this are copied together into one (see [`coalesce`]).
const SMALL: usize = 16 * 1024;

/// Joins runs of small chunks of `out[first..]` into one chunk each, leaving large ones (message
/// data) as the zero-copy slices they are: each message of a FETCH comes from the core as a
/// chunk of its own, and a driver writes each chunk with a system call of its own (fifty
/// writes for a FETCH of fifty envelopes, where one does).
pub(crate) fn coalesce(out: &mut Vec<bytes::Bytes>, first: usize) {
    if out.len() - first < 2 {
        return;
    }
    let chunks: Vec<bytes::Bytes> = out.drain(first..).collect();
    let mut run = bytes::BytesMut::new();
    for c in chunks {
        if c.len() < SMALL {
            run.extend_from_slice(&c);
            continue;
        }
        if !run.is_empty() {
            out.push(run.split().freeze());
        }
        out.push(c);
    }
    if !run.is_empty() {
        out.push(run.freeze());
    }
}

/// How a command ends, once its data is out.
pub(crate) struct End {
    pub(crate) tag: Tag,
    pub(crate) name: &'static str,
    pub(crate) allow_expunge: bool,
    /// The command changed mailboxes, subscriptions or annotations: NOTIFY does not tell this
    /// session about them (RFC 5465 section 5).
    pub(crate) own_change: bool,
}

/// A FETCH still being answered.
pub(crate) struct FetchJob {
    uids: std::vec::IntoIter<Uid>,
    items: Vec<FetchItem>,
    /// MODSEQ was asked for (it is fetched anyway; see `selected::fetch_one`).
    asked_modseq: bool,
    /// A message expunged elsewhere was skipped (`NO [EXPUNGEISSUED]` at the end).
    missing: bool,
    /// Set once the command's dispatch returns.
    pub(crate) end: Option<End>,
}

impl FetchJob {
    /// A FETCH of `uids` (in the session's order), de-duplicated `items`.
    pub(crate) fn new(uids: Vec<Uid>, items: Vec<FetchItem>, asked_modseq: bool) -> Self {
        FetchJob {
            uids: uids.into_iter(),
            items,
            asked_modseq,
            missing: false,
            end: None,
        }
    }
}

fn expunge_issued() -> Fail {
    Fail::no("Some of the requested messages no longer exist")
        .code(Code::Simple(SimpleCode::ExpungeIssued))
}

impl MockSession {
    /// Sends the next message of the FETCH in progress, or ends the command.
    pub(super) fn fetch_step(&mut self) {
        let Some(mut job) = self.fetch_job.take() else {
            return;
        };
        let State::Selected(_, sel) = &mut self.state else {
            return self.end_fetch(job, ok("FETCH completed"));
        };
        let Some(uid) = job.uids.next() else {
            let outcome = if job.missing {
                Err(expunge_issued())
            } else {
                ok("FETCH completed")
            };
            return self.end_fetch(job, outcome);
        };
        let condstore = self.enabled.condstore;
        match fetch_one(sel, uid, &job.items, job.asked_modseq, condstore) {
            Ok(Some(Some(data))) => self.data(data),
            Ok(Some(None)) => job.missing = true,
            Ok(None) => {}
            Err(e) => return self.end_fetch(job, Err(e.into())),
        }
        self.fetch_job = Some(job);
    }

    /// The tagged response of a FETCH, then whatever the client pipelined after it.
    fn end_fetch(&mut self, job: FetchJob, outcome: Outcome) {
        if let Some(end) = job.end {
            self.finish(end, outcome);
            self.drain();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn small_chunks_are_joined_and_large_ones_kept() {
        let big = Bytes::from(vec![b'x'; SMALL]);
        let mut out = vec![Bytes::from_static(b"before")];
        out.extend([
            Bytes::from_static(b"a"),
            Bytes::from_static(b"b"),
            big.clone(),
            Bytes::from_static(b"c"),
        ]);
        coalesce(&mut out, 1);
        assert_eq!(out.len(), 4);
        assert_eq!(&out[0][..], b"before");
        assert_eq!(&out[1][..], b"ab");
        // The large chunk is the same bytes, not a copy.
        assert_eq!(out[2].as_ptr(), big.as_ptr());
        assert_eq!(&out[3][..], b"c");
    }
}
