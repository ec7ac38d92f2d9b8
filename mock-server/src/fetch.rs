//! FETCH: one [`FetchData`] per [`FetchItem`] for a [`MessageSnapshot`].
//!
//! [`fetch`] is pure: it never changes the store. Items that set `\Seen` implicitly (see
//! [`sets_seen`]) are handled by [`MailboxView::fetch`](crate::store::MailboxView::fetch),
//! which sets the flag first and then calls this.

use crate::store::{MessageSnapshot, StoreError};
use bytes::Bytes;
use imap_core::types::{FetchData, FetchItem, Partial, Str};

/// Length of a PREVIEW in characters (RFC 8970 allows at most 256).
pub const PREVIEW_CHARS: usize = 200;

/// Whether fetching `item` sets `\Seen` (RFC 9051: BODY[...] and BINARY[...] without PEEK, and
/// the IMAP4rev1 RFC822 and RFC822.TEXT).
pub fn sets_seen(item: &FetchItem) -> bool {
    matches!(
        item,
        FetchItem::BodySection { peek: false, .. }
            | FetchItem::Binary { peek: false, .. }
            | FetchItem::Rfc822
            | FetchItem::Rfc822Text
    )
}

/// Applies a partial range: the bytes from `offset`, at most `count`; empty past the end.
fn partial(data: Bytes, p: Option<Partial>) -> (Option<u32>, Bytes) {
    match p {
        None => (None, data),
        Some(Partial { offset, count }) => {
            let start = (offset as usize).min(data.len());
            let end = start.saturating_add(count as usize).min(data.len());
            (Some(offset), data.slice(start..end))
        }
    }
}

/// The data for one FETCH item.
///
/// # Errors
/// A section that does not exist or does not apply ([`StoreError::Section`], with
/// `UNKNOWN-CTE` for BINARY on an unknown encoding), or an item this server does not implement
/// (`X-GM-LABELS`, unknown items).
pub fn fetch(msg: &MessageSnapshot, item: &FetchItem) -> Result<FetchData, StoreError> {
    let raw = msg.raw();
    Ok(match item {
        FetchItem::Envelope => FetchData::Envelope(Box::new(msg.parsed().envelope())),
        FetchItem::Flags => FetchData::Flags(msg.fetch_flags()),
        FetchItem::InternalDate => FetchData::InternalDate(msg.internal_date),
        FetchItem::Rfc822Size => FetchData::Rfc822Size(msg.size()),
        FetchItem::Body => FetchData::Body(msg.parsed().body_structure(false)),
        FetchItem::BodyStructure => FetchData::BodyStructure(msg.parsed().body_structure(true)),
        FetchItem::Uid => FetchData::Uid(msg.uid),
        FetchItem::BodySection {
            section,
            partial: p,
            ..
        } => {
            let data = msg.parsed().section(raw, section)?;
            let (origin, data) = partial(data, *p);
            FetchData::BodySection {
                section: section.clone(),
                origin,
                data: Some(Str::from(data)),
            }
        }
        FetchItem::Binary {
            part, partial: p, ..
        } => {
            let data = msg.parsed().binary(raw, part)?;
            let (origin, data) = partial(data, *p);
            FetchData::Binary {
                part: part.clone(),
                origin,
                data: Some(Str::from(data)),
            }
        }
        FetchItem::BinarySize { part } => FetchData::BinarySize {
            part: part.clone(),
            size: msg.parsed().binary(raw, part)?.len() as u64,
        },
        FetchItem::Rfc822 => FetchData::Rfc822(Some(Str::from(raw.clone()))),
        FetchItem::Rfc822Header => {
            FetchData::Rfc822Header(Some(Str::from(msg.parsed().header_bytes())))
        }
        FetchItem::Rfc822Text => FetchData::Rfc822Text(Some(Str::from(msg.parsed().body_bytes()))),
        FetchItem::ModSeq => FetchData::ModSeq(msg.modseq),
        FetchItem::EmailId => FetchData::EmailId(Str::from(msg.data.email_id())),
        FetchItem::ThreadId => FetchData::ThreadId(Some(Str::from(msg.data.thread_id()))),
        FetchItem::Preview { .. } => FetchData::Preview(Some(Str::from(preview(msg)))),
        FetchItem::SaveDate => FetchData::SaveDate(msg.save_date),
        FetchItem::GmMsgId => FetchData::GmMsgId(msg.data.email_num()),
        FetchItem::GmThrId => FetchData::GmThrId(msg.data.thread_num()),
        FetchItem::GmLabels => return Err(StoreError::Unsupported("X-GM-LABELS".into())),
        FetchItem::Other(a) => return Err(StoreError::Unsupported(a.as_str().into())),
        _ => return Err(StoreError::Unsupported(format!("{item:?}"))),
    })
}

/// Every item of `items` for `msg`, in order.
///
/// # Errors
/// The first item that fails.
pub fn fetch_all(msg: &MessageSnapshot, items: &[FetchItem]) -> Result<Vec<FetchData>, StoreError> {
    items.iter().map(|i| fetch(msg, i)).collect()
}

/// PREVIEW (RFC 8970): the start of the first text part, markup removed, white space collapsed,
/// at most [`PREVIEW_CHARS`] characters. Empty when the message has no text.
pub fn preview(msg: &MessageSnapshot) -> String {
    let texts = msg.parsed().texts();
    let Some((text, html)) = texts
        .iter()
        .find(|(_, html)| !html)
        .or_else(|| texts.first())
        .copied()
    else {
        return String::new();
    };
    let plain = if html {
        mail_parser::decoders::html::html_to_text(text)
    } else {
        text.to_owned()
    };
    let mut out = String::new();
    let mut space = false;
    for c in plain.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if out.chars().count() >= PREVIEW_CHARS {
            break;
        }
        out.push(c);
    }
    out.chars().take(PREVIEW_CHARS).collect()
}
