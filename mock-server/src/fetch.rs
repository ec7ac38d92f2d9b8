//! FETCH: one [`FetchData`] per [`FetchItem`] for a [`MessageSnapshot`].
//!
//! [`fetch`] is pure: it never changes the store. Items that set `\Seen` implicitly (see
//! [`sets_seen`]) are handled by [`SelectionHandle::fetch`](crate::backend::SelectionHandle::fetch),
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
        FetchItem::Envelope => FetchData::Envelope(msg.parsed().envelope().into()),
        FetchItem::Flags => FetchData::Flags(msg.fetch_flags()),
        FetchItem::InternalDate => FetchData::InternalDate(msg.internal_date),
        FetchItem::Rfc822Size => FetchData::Rfc822Size(msg.size()),
        FetchItem::Body => FetchData::Body(msg.parsed().body_structure(false).into()),
        FetchItem::BodyStructure => {
            FetchData::BodyStructure(msg.parsed().body_structure(true).into())
        }
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
    let budget = response_budget(msg.size());
    let mut used = 0u64;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let data = fetch(msg, item)?;
        used = used.saturating_add(payload(&data));
        if used > budget {
            return Err(StoreError::ResponseTooLarge);
        }
        out.push(data);
    }
    Ok(out)
}

/// The most message data one FETCH response may carry for a message of `size` octets: three
/// times the message and a MiB (`BODY[]`, `BODY[TEXT]` and the headers together fit; forty
/// thousand partial copies of it do not). Items are fetched one at a time against it, so a
/// command naming the same large section over and over stops at the budget instead of
/// building gigabytes.
pub fn response_budget(size: u64) -> u64 {
    size.saturating_mul(3).saturating_add(1 << 20)
}

/// The message octets an item carries (sections, BINARY, RFC822*); 0 for metadata.
fn payload(d: &FetchData) -> u64 {
    let len = |s: &Option<Str>| s.as_ref().map_or(0, |s| s.as_bytes().len() as u64);
    match d {
        FetchData::BodySection { data, .. } | FetchData::Binary { data, .. } => len(data),
        FetchData::Rfc822(s) | FetchData::Rfc822Header(s) | FetchData::Rfc822Text(s) => len(s),
        _ => 0,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::snap;
    use crate::seed::utc;
    use imap_core::types::{Address, Atom, Flag, Section, SectionText, Uid};

    const RAW: &[u8] = b"Date: Mon, 4 Mar 2024 10:00:00 +0100\r\nFrom: \"Doe, Jane\" <jane@example.com>\r\nTo: team: a@x, b@y;, c@z\r\nSubject: =?utf-8?q?Caf=C3=A9?= menu\r\nMessage-ID: <menu@example.com>\r\nIn-Reply-To: <q@example.com>\r\nContent-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nToday:   soup =E2=80=93 bread\r\n\r\nand   cake.\r\n--sep\r\nContent-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n--sep--\r\n";

    fn msg() -> MessageSnapshot {
        snap(
            7,
            Bytes::from_static(RAW),
            vec![Flag::Seen],
            utc(2024, 3, 4, 9, 1),
            true,
            42,
        )
    }

    fn f(item: FetchItem) -> FetchData {
        fetch(&msg(), &item).unwrap()
    }

    fn section(part: &[u32], text: Option<SectionText>, partial: Option<Partial>) -> FetchItem {
        FetchItem::BodySection {
            section: Section {
                part: part.to_vec(),
                text,
            },
            partial,
            peek: true,
        }
    }

    fn data(d: FetchData) -> Vec<u8> {
        match d {
            FetchData::BodySection { data, .. } | FetchData::Binary { data, .. } => {
                data.unwrap().as_bytes().to_vec()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn simple_items() {
        assert_eq!(
            f(FetchItem::Flags),
            FetchData::Flags(vec![Flag::Seen, Flag::Recent])
        );
        assert_eq!(f(FetchItem::Uid), FetchData::Uid(Uid::new(7).unwrap()));
        assert_eq!(
            f(FetchItem::Rfc822Size),
            FetchData::Rfc822Size(RAW.len() as u64)
        );
        assert_eq!(
            f(FetchItem::InternalDate),
            FetchData::InternalDate(utc(2024, 3, 4, 9, 1))
        );
        assert_eq!(f(FetchItem::ModSeq), FetchData::ModSeq(42));
        assert_eq!(
            f(FetchItem::EmailId),
            FetchData::EmailId(Str::from("M000000000007"))
        );
        assert!(matches!(
            f(FetchItem::ThreadId),
            FetchData::ThreadId(Some(_))
        ));
        assert_eq!(f(FetchItem::GmMsgId), FetchData::GmMsgId(7));
        assert!(matches!(f(FetchItem::GmThrId), FetchData::GmThrId(_)));
        assert_eq!(
            f(FetchItem::SaveDate),
            FetchData::SaveDate(Some(utc(2024, 4, 1, 0, 0)))
        );
        assert!(fetch(&msg(), &FetchItem::GmLabels).is_err());
        assert!(fetch(&msg(), &FetchItem::Other(Atom::from_static("X-FOO"))).is_err());
    }

    #[test]
    fn rfc822_items_are_byte_exact() {
        let split = RAW.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert_eq!(
            f(FetchItem::Rfc822),
            FetchData::Rfc822(Some(Str::from(RAW)))
        );
        assert_eq!(
            f(FetchItem::Rfc822Header),
            FetchData::Rfc822Header(Some(Str::from(&RAW[..split])))
        );
        assert_eq!(
            f(FetchItem::Rfc822Text),
            FetchData::Rfc822Text(Some(Str::from(&RAW[split..])))
        );
        assert_eq!(data(f(section(&[], None, None))), RAW);
    }

    #[test]
    fn partials() {
        let p = |offset, count| Some(Partial { offset, count });
        let d = f(section(&[], None, p(0, 4)));
        assert!(matches!(
            &d,
            FetchData::BodySection {
                origin: Some(0),
                ..
            }
        ));
        assert_eq!(data(d), b"Date");
        assert_eq!(data(f(section(&[], None, p(6, 3)))), b"Mon");
        // Past the end: empty; beyond it: truncated.
        assert_eq!(data(f(section(&[], None, p(100_000, 5)))), b"");
        let tail = data(f(section(&[], None, p(RAW.len() as u32 - 3, 100))));
        assert_eq!(tail, b"-\r\n");
        // Partial of HEADER.FIELDS applies after subsetting.
        let fields = section(
            &[],
            Some(SectionText::HeaderFields(vec!["subject".into()])),
            p(9, 20),
        );
        assert_eq!(data(f(fields)), b"=?utf-8?q?Caf=C3=A9?");
        assert_eq!(data(f(section(&[2], None, p(2, 2)))), b"EC");
    }

    #[test]
    fn binary_and_binary_size() {
        let bin = |part: &[u32]| FetchItem::Binary {
            part: part.to_vec(),
            partial: None,
            peek: true,
        };
        assert_eq!(data(f(bin(&[2]))), [0, 1, 2, 255]);
        assert_eq!(
            data(f(bin(&[1]))),
            "Today:   soup – bread\r\n\r\nand   cake.".as_bytes()
        );
        assert_eq!(
            f(FetchItem::BinarySize { part: vec![2] }),
            FetchData::BinarySize {
                part: vec![2],
                size: 4
            }
        );
        assert!(matches!(
            fetch(&msg(), &FetchItem::BinarySize { part: vec![3] }),
            Err(StoreError::Section(_))
        ));
        let p = FetchItem::Binary {
            part: vec![2],
            partial: Some(Partial {
                offset: 1,
                count: 2,
            }),
            peek: false,
        };
        assert_eq!(data(f(p)), [1, 2]);
        assert!(!sets_seen(&bin(&[1])));
    }

    #[test]
    fn preview_is_plain_and_short() {
        assert_eq!(
            f(FetchItem::Preview { lazy: false }),
            FetchData::Preview(Some(Str::from("Today: soup – bread and cake.")))
        );
        let long = format!("Subject: x\r\n\r\n{}\r\n", "word ".repeat(100));
        let m = snap(1, long, vec![], utc(2024, 1, 1, 0, 0), false, 1);
        assert_eq!(preview(&m).chars().count(), PREVIEW_CHARS);
        let html =
            b"Content-Type: text/html\r\n\r\n<html><body><p>Hi <b>there</b></p></body></html>\r\n";
        let m = snap(
            1,
            Bytes::from_static(html),
            vec![],
            utc(2024, 1, 1, 0, 0),
            false,
            1,
        );
        assert_eq!(preview(&m), "Hi there");
    }

    #[test]
    fn seen_rules() {
        assert!(sets_seen(&FetchItem::Rfc822));
        assert!(sets_seen(&FetchItem::Rfc822Text));
        assert!(!sets_seen(&FetchItem::Rfc822Header));
        assert!(!sets_seen(&section(&[], None, None)));
        assert!(sets_seen(&FetchItem::BodySection {
            section: Section::default(),
            partial: None,
            peek: false
        }));
    }

    #[test]
    fn envelope_of_a_group_and_quoted_name() {
        let FetchData::Envelope(e) = f(FetchItem::Envelope) else {
            panic!()
        };
        let e = e.to_envelope();
        assert_eq!(e.subject, Some(Str::from("=?utf-8?q?Caf=C3=A9?= menu")));
        assert_eq!(e.from[0].name, Some(Str::from("Doe, Jane")));
        assert_eq!(e.sender, e.from);
        assert_eq!(e.in_reply_to, Some(Str::from("<q@example.com>")));
        let group_end = Address::default();
        assert_eq!(e.to.len(), 5);
        assert_eq!(e.to[0].mailbox, Some(Str::from("team")));
        assert_eq!(e.to[0].host, None);
        assert_eq!(e.to[3], group_end);
        assert_eq!(e.to[4].email().as_deref(), Some("c@z"));
        insta::assert_debug_snapshot!("envelope_group", e);
        let FetchData::Body(b) = f(FetchItem::Body) else {
            panic!()
        };
        insta::assert_debug_snapshot!("body_mixed", b);
    }
}
