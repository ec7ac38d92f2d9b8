//! Work paced by the output. Commands that may take long wait for the next
//! [`MockSession::poll_transmit`] ([`MockSession::has_work`]), which an async driver runs where it
//! cannot stall other connections. And a FETCH is answered a message at a time, paced by the client's reading: the session keeps the
//! UIDs still to send and makes the next responses only when [`MockSession::poll_transmit`] is
//! called again, so the reply to `1:* BODY[]` over a large mailbox is never built whole and a
//! client that stops reading holds about [`CHUNK`] bytes of it, not the mailbox. The core reads
//! no further command until the tagged response, as with any other command.

use super::selected::shown_data;
use super::{Fail, MockSession, Outcome, State, fetch_wire, ok};
use crate::backend::FetchedMessage;
use crate::fetch::fetch_all;
use bytes::BytesMut;
use imap_core::types::{Code, CommandBody, Data, FetchItem, SimpleCode, Tag, Uid};

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

/// Whether `body`, once read, is cheap per step (see [`MockSession::poll_transmit_cheap`]): a
/// FETCH of items written from kept data ([`fetch_wire::kept`]) without CHANGEDSINCE (which
/// walks the mailbox's changes). Setting it up resolves its set against the session's view,
/// a pass over the mailbox's UIDs at most; each step then costs its output and at most
/// [`STEP_MESSAGES`] messages.
pub(crate) fn is_cheap(body: &CommandBody) -> bool {
    match body {
        CommandBody::Fetch {
            items,
            changed_since: None,
            vanished: false,
            ..
        } => fetch_wire::kept(&items.expand()),
        _ => false,
    }
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

/// Messages a FETCH of metadata takes from the store at a time.
const BATCH: usize = 64;

/// The output of one FETCH step, in order.
enum Piece {
    /// Responses written by [`fetch_wire::write`].
    Written(BytesMut),
    /// A response for [`MockSession::data`].
    Data(Data),
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

/// Most messages one FETCH step looks at, whatever output they make (messages expunged
/// elsewhere make none), so that a step's cost is bounded by more than its output.
const STEP_MESSAGES: usize = 16 * BATCH;

/// A FETCH still being answered.
pub(crate) struct FetchJob {
    uids: Vec<Uid>,
    /// The first of `uids` not yet sent.
    next: usize,
    items: Vec<FetchItem>,
    /// MODSEQ was asked for (it is fetched anyway; see `selected::fetch_one`).
    asked_modseq: bool,
    /// A message expunged elsewhere was skipped (`NO [EXPUNGEISSUED]` at the end).
    missing: bool,
    /// Every item can be written by [`fetch_wire::write`].
    writable: bool,
    /// Every item is written from kept data ([`fetch_wire::kept`]).
    kept: bool,
    /// Set once the command's dispatch returns.
    pub(crate) end: Option<End>,
}

impl FetchJob {
    /// A FETCH of `uids` (in the session's order), de-duplicated `items`.
    pub(crate) fn new(uids: Vec<Uid>, items: Vec<FetchItem>, asked_modseq: bool) -> Self {
        FetchJob {
            uids,
            next: 0,
            writable: fetch_wire::writable(&items),
            kept: fetch_wire::kept(&items),
            items,
            asked_modseq,
            missing: false,
            end: None,
        }
    }

    /// Whether the rest of the job can be done in cheap steps, each step's cost bounded by
    /// its output and [`STEP_MESSAGES`]. `own`: the session writes the responses itself
    /// ([`fetch_wire::write`]).
    pub(crate) fn is_cheap(&self, own: bool) -> bool {
        own && self.kept
    }
}

fn expunge_issued() -> Fail {
    Fail::no("Some of the requested messages no longer exist")
        .code(Code::Simple(SimpleCode::ExpungeIssued))
}

impl MockSession {
    /// Sends the next messages of the FETCH in progress, about `budget` bytes of them (at least
    /// one message), or ends the command.
    ///
    /// Metadata items ([`fetch_wire::writable`]) are written straight from snapshots taken
    /// [`BATCH`] messages at a time (one store lock each), many messages to a buffer; any other
    /// FETCH goes a message at a time through [`MockSession::data`], so that each message's data
    /// is made only when the previous one was taken. A step looks at [`STEP_MESSAGES`] messages
    /// at most.
    pub(super) fn fetch_step(&mut self, budget: usize) {
        let Some(mut job) = self.fetch_job.take() else {
            return;
        };
        let own = job.writable && self.writes_own_fetch();
        let shown = fetch_wire::Shown {
            encode: self.encode_opts,
            rev2: self.enabled.rev2,
            condstore: self.enabled.condstore,
            asked_modseq: job.asked_modseq,
        };
        let State::Selected(_, sel) = &mut self.state else {
            return self.end_fetch(job, ok("FETCH completed"));
        };
        let batch = if own { BATCH } else { 1 };
        let mut pieces: Vec<Piece> = Vec::new();
        // Sized for the step at once: grown from empty it was copied at every doubling.
        let mut buf = BytesMut::with_capacity(if own { budget + 1024 } else { 0 });
        let mut failed = None;
        let mut done = false;
        let first = job.next;
        // The next messages still in the session's view, with their sequence numbers.
        let mut uids: Vec<Uid> = Vec::with_capacity(batch);
        let mut seqs = Vec::with_capacity(batch);
        while failed.is_none() && (buf.len() < budget || pieces.is_empty() && buf.is_empty()) {
            if job.next - first >= STEP_MESSAGES {
                break;
            }
            uids.clear();
            seqs.clear();
            while uids.len() < batch
                && let Some(&uid) = job.uids.get(job.next)
            {
                job.next += 1;
                if let Some(seq) = sel.tracker.seq(uid) {
                    uids.push(uid);
                    seqs.push(seq);
                }
            }
            if uids.is_empty() {
                done = true;
                break;
            }
            let fetched = match sel.view.fetch_many(&uids, &job.items) {
                Ok(f) => f,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            for ((&uid, &seq), f) in uids.iter().zip(&seqs).zip(fetched) {
                let data = match f {
                    None => {
                        job.missing = true;
                        continue;
                    }
                    Some(FetchedMessage::Snapshot(snap)) if own => {
                        if let Some(m) = fetch_wire::write(&mut buf, seq, snap, &job.items, shown) {
                            sel.tell(uid, m);
                        }
                        continue;
                    }
                    Some(FetchedMessage::Snapshot(snap)) => match fetch_all(&snap, &job.items) {
                        Ok(data) => data,
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    },
                    Some(FetchedMessage::Data(data)) => data,
                };
                if !buf.is_empty() {
                    pieces.push(Piece::Written(buf.split()));
                }
                let data = shown_data(sel, uid, data, job.asked_modseq, shown.condstore);
                pieces.push(Piece::Data(Data::Fetch { seq, data }));
            }
            if !own {
                break;
            }
        }
        if !buf.is_empty() {
            pieces.push(Piece::Written(buf));
        }
        for p in pieces {
            match p {
                Piece::Written(b) => self.core.send_encoded(b.freeze()),
                Piece::Data(d) => self.data(d),
            }
        }
        if let Some(e) = failed {
            return self.end_fetch(job, Err(e.into()));
        }
        if done {
            let outcome = if job.missing {
                Err(expunge_issued())
            } else {
                ok("FETCH completed")
            };
            return self.end_fetch(job, outcome);
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
