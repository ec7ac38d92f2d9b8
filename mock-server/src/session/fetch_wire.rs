//! FETCH responses written straight from a [`MessageSnapshot`]: `* n FETCH (...)` with the kept
//! encodings of ENVELOPE, BODY and BODYSTRUCTURE ([`ParsedMessage::encoded`](crate::mime::ParsedMessage::encoded))
//! and the other items encoded in place, many messages to one buffer. The bytes are those
//! [`encode_response`](imap_core::encode::encode_response) writes for the same response
//! (`fetch_one` and `send`); items that carry message data (sections, `RFC822*`, `BINARY*`)
//! are not written here, so that their data stays a shared slice of the stored message.

use crate::fetch::fetch;
use crate::mime::Kept;
use crate::store::MessageSnapshot;
use bytes::BytesMut;
use imap_core::encode::{EncodeOptions, encode_fetch_data};
use imap_core::types::{FetchData, FetchItem, Flag, SeqNum};

/// How the session shows a FETCH response.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shown {
    /// The session's encoding options.
    pub encode: EncodeOptions,
    /// IMAP4rev2 is enabled: FLAGS never holds `\Recent`.
    pub rev2: bool,
    /// CONDSTORE is on: MODSEQ goes last in every FETCH response, asked for or not.
    pub condstore: bool,
    /// MODSEQ was asked for: it is shown where it was asked.
    pub asked_modseq: bool,
}

/// Whether [`write`] can write every item of `items` (no message data, nothing that fails).
pub(crate) fn writable(items: &[FetchItem]) -> bool {
    items.iter().all(|i| {
        matches!(
            i,
            FetchItem::Uid
                | FetchItem::Flags
                | FetchItem::ModSeq
                | FetchItem::InternalDate
                | FetchItem::Rfc822Size
                | FetchItem::Envelope
                | FetchItem::Body
                | FetchItem::BodyStructure
                | FetchItem::EmailId
                | FetchItem::ThreadId
                | FetchItem::SaveDate
                | FetchItem::GmMsgId
                | FetchItem::GmThrId
                | FetchItem::Preview { .. }
        )
    })
}

/// Whether [`write`] writes every item of `items` at a cost bounded by the bytes it writes:
/// what [`writable`] accepts but `PREVIEW`, which is made anew each time from the message's
/// text. (The MIME structure behind ENVELOPE, BODY and BODYSTRUCTURE is parsed when the
/// [`Store`](crate::store::Store) takes a message in, and encoded once, on first use.)
pub(crate) fn kept(items: &[FetchItem]) -> bool {
    writable(items) && !items.iter().any(|i| matches!(i, FetchItem::Preview { .. }))
}

/// Appends the FETCH response of `msg`, number `seq`, to `out`; `items` pass [`writable`] and
/// hold MODSEQ (see `selected::fetch_one`). Returns the MODSEQ of the FLAGS sent, if FLAGS
/// was.
pub(crate) fn write(
    out: &mut BytesMut,
    seq: SeqNum,
    mut msg: MessageSnapshot,
    items: &[FetchItem],
    shown: Shown,
) -> Option<u64> {
    let opts = &shown.encode;
    out.extend_from_slice(b"* ");
    push_number(out, seq.get());
    out.extend_from_slice(b" FETCH (");
    let mut first = true;
    let mut sep = |out: &mut BytesMut| {
        if !std::mem::take(&mut first) {
            out.extend_from_slice(b" ");
        }
    };
    let mut flags_sent = false;
    for item in items {
        let kept = match item {
            FetchItem::Envelope => Some(Kept::Envelope),
            FetchItem::Body => Some(Kept::Body),
            FetchItem::BodyStructure => Some(Kept::BodyStructure),
            _ => None,
        };
        if let Some(k) = kept {
            sep(out);
            out.extend_from_slice(msg.parsed().encoded(k, opts));
            continue;
        }
        let data = match item {
            FetchItem::ModSeq if !shown.asked_modseq => continue,
            FetchItem::Flags => {
                flags_sent = true;
                // The snapshot's own list (a FETCH names FLAGS once): no copy of it.
                let mut flags = std::mem::take(&mut msg.flags);
                if msg.recent && !shown.rev2 {
                    flags.push(Flag::Recent);
                }
                FetchData::Flags(flags)
            }
            // `writable` items never fail.
            other => match fetch(&msg, other) {
                Ok(d) => d,
                Err(_) => continue,
            },
        };
        sep(out);
        encode_fetch_data(out, &data, opts);
    }
    if !shown.asked_modseq && shown.condstore {
        sep(out);
        encode_fetch_data(out, &FetchData::ModSeq(msg.modseq), opts);
    }
    out.extend_from_slice(b")\r\n");
    flags_sent.then_some(msg.modseq)
}

/// `n` in decimal.
fn push_number(out: &mut BytesMut, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}
