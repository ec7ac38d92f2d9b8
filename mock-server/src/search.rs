//! SEARCH: evaluates [`SearchKey`]s against message snapshots and returns matching UIDs.
//!
//! Sequence numbers are per session, so the caller passes each message with its sequence number
//! in its own view; the result is UIDs in that order, from which the protocol layer computes
//! `SEARCH`, `ESEARCH` MIN/MAX/COUNT/ALL and SEARCHRES `$`.
//!
//! Text keys match case-insensitively as substrings: header keys against the header value with
//! RFC 2047 words decoded, BODY against the charset-decoded text of the text parts (and the raw
//! body for anything else), TEXT against both.

use crate::mime::decode_header_text;
use crate::store::{MessageSnapshot, StoreError};
use imap_core::types::{Date, DateTime, Flag, SearchKey, Str, Uid};

/// What a search needs besides the messages.
#[derive(Clone, Copy, Debug)]
pub struct SearchContext<'a> {
    /// The saved result `$` (SEARCHRES), in UIDs; `None` when nothing was saved (matches no
    /// message).
    pub saved: Option<&'a [Uid]>,
    /// Now, in Unix seconds, for OLDER and YOUNGER.
    pub now: i64,
    /// The session's largest sequence number (`*` in a sequence set).
    pub max_seq: u32,
    /// The mailbox's largest UID (`*` in a UID set).
    pub max_uid: u32,
}

/// Checks that every key can be evaluated, so an unsupported key fails even when no message
/// would be tested.
///
/// # Errors
/// [`StoreError::Unsupported`] for `X-GM-RAW` and `X-GM-LABELS`.
pub fn validate(keys: &[SearchKey]) -> Result<(), StoreError> {
    for k in keys {
        match k {
            SearchKey::GmRaw(_) => return Err(StoreError::Unsupported("X-GM-RAW".into())),
            SearchKey::GmLabels(_) => return Err(StoreError::Unsupported("X-GM-LABELS".into())),
            SearchKey::Not(k) => validate(std::slice::from_ref(k))?,
            SearchKey::Or(a, b) => validate(&[(**a).clone(), (**b).clone()])?,
            SearchKey::And(v) => validate(v)?,
            _ => {}
        }
    }
    Ok(())
}

/// The UIDs of the messages (given with their sequence numbers, in sequence order) that match
/// every key.
///
/// # Errors
/// As [`validate`].
pub fn search(
    msgs: &[(u32, MessageSnapshot)],
    keys: &[SearchKey],
    ctx: &SearchContext<'_>,
) -> Result<Vec<Uid>, StoreError> {
    validate(keys)?;
    Ok(msgs
        .iter()
        .filter(|(seq, m)| keys.iter().all(|k| matches(*seq, m, k, ctx)))
        .map(|(_, m)| m.uid)
        .collect())
}

fn lower(s: &Str) -> String {
    s.to_string_lossy().to_lowercase()
}

fn contains(hay: &str, needle_lower: &str) -> bool {
    needle_lower.is_empty() || hay.to_lowercase().contains(needle_lower)
}

fn ascii_contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether a header field `name` contains `needle` (decoded, case-insensitive); an empty needle
/// matches any message that has the field.
fn header_has(m: &MessageSnapshot, name: &[u8], needle: &Str) -> bool {
    let n = lower(needle);
    m.parsed()
        .header_fields()
        .iter()
        .filter(|(f, _)| f.as_bytes().eq_ignore_ascii_case(name))
        .any(|(_, v)| contains(&decode_header_text(v.as_bytes()), &n))
}

fn body_has(m: &MessageSnapshot, needle: &Str) -> bool {
    let n = lower(needle);
    let p = m.parsed();
    p.texts().iter().any(|(t, _)| contains(t, &n))
        || ascii_contains(&p.body_bytes(), needle.as_bytes())
}

fn text_has(m: &MessageSnapshot, needle: &Str) -> bool {
    let n = lower(needle);
    m.parsed().header_fields().iter().any(|(f, v)| {
        contains(&f.to_string_lossy(), &n) || contains(&decode_header_text(v.as_bytes()), &n)
    }) || body_has(m, needle)
}

fn day(dt: &DateTime) -> Date {
    dt.date
}

fn flag(m: &MessageSnapshot, f: Flag) -> bool {
    m.has(&f)
}

/// Whether message `m` (sequence number `seq`) matches `key`. Unsupported keys match nothing
/// (use [`validate`] first).
pub fn matches(seq: u32, m: &MessageSnapshot, key: &SearchKey, ctx: &SearchContext<'_>) -> bool {
    use SearchKey as K;
    let sent = || m.parsed().sent_date().map(|(d, _)| d);
    match key {
        K::All => true,
        K::Answered => flag(m, Flag::Answered),
        K::Deleted => flag(m, Flag::Deleted),
        K::Draft => flag(m, Flag::Draft),
        K::Flagged => flag(m, Flag::Flagged),
        K::Seen => flag(m, Flag::Seen),
        K::Recent => m.recent,
        K::New => m.recent && !flag(m, Flag::Seen),
        K::Old => !m.recent,
        K::Unanswered => !flag(m, Flag::Answered),
        K::Undeleted => !flag(m, Flag::Deleted),
        K::Undraft => !flag(m, Flag::Draft),
        K::Unflagged => !flag(m, Flag::Flagged),
        K::Unseen => !flag(m, Flag::Seen),
        K::Keyword(k) => m.has(&Flag::Keyword(k.clone())),
        K::Unkeyword(k) => !m.has(&Flag::Keyword(k.clone())),
        K::Bcc(s) => header_has(m, b"Bcc", s),
        K::Cc(s) => header_has(m, b"Cc", s),
        K::From(s) => header_has(m, b"From", s),
        K::To(s) => header_has(m, b"To", s),
        K::Subject(s) => header_has(m, b"Subject", s),
        K::Header(name, s) => header_has(m, name.as_bytes(), s),
        K::Body(s) => body_has(m, s),
        K::Text(s) => text_has(m, s),
        K::Before(d) => day(&m.internal_date) < *d,
        K::On(d) => day(&m.internal_date) == *d,
        K::Since(d) => day(&m.internal_date) >= *d,
        K::SentBefore(d) => sent().is_some_and(|s| s < *d),
        K::SentOn(d) => sent().is_some_and(|s| s == *d),
        K::SentSince(d) => sent().is_some_and(|s| s >= *d),
        K::SavedBefore(d) => m.save_date.is_some_and(|s| day(&s) < *d),
        K::SavedOn(d) => m.save_date.is_some_and(|s| day(&s) == *d),
        K::SavedSince(d) => m.save_date.is_some_and(|s| day(&s) >= *d),
        K::SaveDateSupported => true,
        K::Larger(n) => m.size() > *n,
        K::Smaller(n) => m.size() < *n,
        K::Older(secs) => ctx.now - m.internal_date.unix_timestamp() >= i64::from(*secs),
        K::Younger(secs) => ctx.now - m.internal_date.unix_timestamp() <= i64::from(*secs),
        K::Uid(set) => set.contains(m.uid.get(), ctx.max_uid),
        K::SeqSet(set) => set.contains(seq, ctx.max_seq),
        K::SavedResult => ctx.saved.is_some_and(|s| s.contains(&m.uid)),
        K::Not(k) => !matches(seq, m, k, ctx),
        K::Or(a, b) => matches(seq, m, a, ctx) || matches(seq, m, b, ctx),
        K::And(v) => v.iter().all(|k| matches(seq, m, k, ctx)),
        K::ModSeq { modseq, .. } => m.modseq >= *modseq,
        K::EmailId(id) => m.data.email_id() == id.as_str(),
        K::ThreadId(id) => m.data.thread_id() == id.as_str(),
        K::GmMsgId(n) => m.data.email_num() == *n,
        K::GmThrId(n) => m.data.thread_num() == *n,
        _ => false,
    }
}
