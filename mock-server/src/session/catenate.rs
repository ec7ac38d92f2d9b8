//! CATENATE (RFC 4469): the message an APPEND assembles from `TEXT` literals and `URL` parts
//! naming messages or message parts in the user's own mailboxes.

use super::Fail;
use crate::backend::MailAccount;
use bytes::{Bytes, BytesMut};
use imap_core::ops::part_url::PartUrl;
use imap_core::types::{CatPart, Code, Str};

/// The bytes of the message `parts` make, at most `limit` bytes long.
///
/// # Errors
/// `NO [BADURL url]` with the first URL that names nothing this user can read (RFC 4469
/// section 4.1: bad syntax, another server, a changed UIDVALIDITY, an unknown message or
/// part); `NO [TOOBIG]` when the parts add up to more than `limit` (section 4.2), which is
/// checked before any byte is copied.
pub(super) fn assemble(
    account: &dyn MailAccount,
    parts: &[CatPart],
    limit: u64,
) -> Result<Bytes, Fail> {
    let mut pieces: Vec<Bytes> = Vec::with_capacity(parts.len());
    let mut total: u64 = 0;
    for part in parts {
        let piece = match part {
            CatPart::Text(t) => t.bytes().clone(),
            CatPart::Url(url) => resolve(account, url)
                .ok_or_else(|| Fail::no("CATENATE URL names nothing").code(bad_url(url)))?,
            _ => return Err(Fail::bad("Unsupported CATENATE part")),
        };
        total = total.saturating_add(piece.len() as u64);
        if total > limit {
            return Err(Fail::no("The catenated message is too big").code(Code::TooBig));
        }
        pieces.push(piece);
    }
    if let [one] = pieces.as_slice() {
        return Ok(one.clone());
    }
    let mut out = BytesMut::with_capacity(total as usize);
    for p in pieces {
        out.extend_from_slice(&p);
    }
    Ok(out.freeze())
}

/// `BADURL` holding the URL as the client wrote it.
fn bad_url(url: &Str) -> Code {
    Code::BadUrl(url.clone())
}

/// The bytes `url` names, as `UID FETCH BODY.PEEK[section]<partial>` would return them (RFC
/// 5092 section 6; the `\Seen` flag is not set, RFC 4469 section 3); `None` when it names
/// nothing.
fn resolve(account: &dyn MailAccount, url: &Str) -> Option<Bytes> {
    let url = PartUrl::parse(std::str::from_utf8(url.as_bytes()).ok()?).ok()?;
    let (validity, msg) = account.message(&url.mailbox, url.uid).ok()??;
    if url.uid_validity.is_some_and(|v| v != validity) {
        return None;
    }
    let raw = msg.raw();
    let data = match &url.section {
        Some(section) => msg.parsed().section(raw, section).ok()?,
        None => raw.clone(),
    };
    Some(match url.partial {
        None => data,
        Some((offset, len)) => {
            let start = (offset as usize).min(data.len());
            let end = len.map_or(data.len(), |l| {
                start.saturating_add(l.get() as usize).min(data.len())
            });
            data.slice(start..end)
        }
    })
}
