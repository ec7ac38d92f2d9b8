//! Stored RFC 5322 messages parsed into a MIME part tree with byte ranges.
//!
//! [`ParsedMessage::parse`] runs the `mail-parser` crate once and keeps what FETCH, SEARCH, SORT
//! and THREAD need: every part's header and body as ranges of the stored bytes (so sections are
//! zero-copy, byte-exact slices), its Content-Type with RFC 2231 parameters decoded, and the
//! charset-decoded text of text parts. ENVELOPE and BODYSTRUCTURE are computed from it in
//! [`envelope`](ParsedMessage::envelope) and [`structure`].

mod armor;
mod encoded;
mod envelope;
mod folded;
mod header;
pub mod section;
pub mod structure;

use bytes::Bytes;
use imap_core::types::{BodyStructure, Envelope, Str};
use mail_parser::{HeaderName, HeaderValue, MessageParser, PartType};
use std::ops::Range;
use std::sync::OnceLock;

pub(crate) use armor::armored;
pub use encoded::Kept;
pub use envelope::{MISSING_DOMAIN, MISSING_MAILBOX};
pub(crate) use header::{HeaderBlock, trim, unfold};

/// How deep message/rfc822 and multipart parts may nest before the rest is treated as opaque.
const MAX_DEPTH: usize = 64;

/// A message parsed for FETCH and SEARCH. Cheap to share: the bytes are reference-counted.
///
/// ENVELOPE, BODY and BODYSTRUCTURE are computed once, on first use, and kept with the message
/// (a stored message never changes): FETCH, SEARCH and SORT of the same message again cost a
/// clone, not a header parse.
#[derive(Clone, Debug)]
pub struct ParsedMessage {
    root: Part,
    envelope: OnceLock<Envelope>,
    /// `BODY` (index 0) and `BODYSTRUCTURE` (index 1).
    structure: [OnceLock<BodyStructure>; 2],
    /// Their wire encodings ([`ParsedMessage::encoded`]).
    encoded: encoded::EncodedItems,
    /// The text SEARCH looks at, lower case ([`folded`]).
    folded: folded::Folded,
}

/// One MIME entity: a whole message, a part of a multipart, or an encapsulated message.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    /// The buffer `header` and `body` index into: the stored message, or the decoded bytes of a
    /// (non-conforming) base64-encoded message/rfc822 part.
    pub src: Bytes,
    /// The header block, including the blank line when there is one.
    pub header: Range<usize>,
    /// The body, as encoded in the message.
    pub body: Range<usize>,
    /// Lower-case media type (`text`, `multipart`, ...).
    pub media_type: String,
    /// Lower-case subtype.
    pub subtype: String,
    /// Content-Type parameters, RFC 2231 continuations decoded.
    pub params: Vec<(String, String)>,
    /// Content-Disposition type and parameters.
    pub disposition: Option<(String, Vec<(String, String)>)>,
    /// What is inside.
    pub children: Children,
    /// Charset-decoded text of a text part (HTML as is).
    pub text: Option<String>,
}

/// The content of a [`Part`].
#[derive(Clone, Debug)]
pub(crate) enum Children {
    /// A leaf.
    None,
    /// The parts of a multipart (at least one).
    Multi(Vec<Part>),
    /// The encapsulated message of a message/rfc822 or message/global part.
    Message(Box<Part>),
}

impl Part {
    /// The header block bytes (zero-copy).
    pub fn header_bytes(&self) -> Bytes {
        self.src.slice(self.header.clone())
    }

    /// The body bytes as encoded (zero-copy).
    pub fn body_bytes(&self) -> Bytes {
        self.src.slice(self.body.clone())
    }

    /// The header block split into fields.
    pub fn header_block(&self) -> HeaderBlock<'_> {
        HeaderBlock::new(&self.src[self.header.clone()])
    }

    /// The Content-Transfer-Encoding, trimmed and upper-cased; `7BIT` when absent.
    pub fn encoding(&self) -> String {
        self.header_block()
            .value("Content-Transfer-Encoding")
            .map(|v| String::from_utf8_lossy(&v).to_ascii_uppercase())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "7BIT".into())
    }

    /// Every leaf part in order, depth first, entering encapsulated messages.
    pub fn leaves<'a>(&'a self, out: &mut Vec<&'a Part>) {
        match &self.children {
            Children::None => out.push(self),
            Children::Multi(parts) => parts.iter().for_each(|p| p.leaves(out)),
            Children::Message(m) => m.leaves(out),
        }
    }
}

impl ParsedMessage {
    /// Parses `raw`. Never fails: a message without a header is one text/plain body.
    pub fn parse(raw: &Bytes) -> ParsedMessage {
        ParsedMessage {
            root: parse_entity(raw, 0..raw.len(), 0),
            envelope: OnceLock::new(),
            structure: [OnceLock::new(), OnceLock::new()],
            encoded: encoded::EncodedItems::default(),
            folded: folded::Folded::default(),
        }
    }

    /// The root entity: the message header and body.
    pub(crate) fn root(&self) -> &Part {
        &self.root
    }

    /// The ENVELOPE of the message (computed on first use).
    pub fn envelope(&self) -> &Envelope {
        self.envelope
            .get_or_init(|| envelope::envelope(&self.root.header_block()))
    }

    /// The raw (unfolded, trimmed) value of the first top-level header field `name`, or `None`.
    pub fn header_value(&self, name: &str) -> Option<Vec<u8>> {
        self.root.header_block().value(name)
    }

    /// Every top-level header field as (name, raw value), in order.
    pub fn header_fields(&self) -> Vec<(Str, Str)> {
        let h = self.root.header_block();
        h.fields
            .iter()
            .map(|f| (Str::from(h.name(f)), Str::from(&h.bytes[f.value.clone()])))
            .collect()
    }

    /// The top-level header block, byte-exact.
    pub fn header_bytes(&self) -> Bytes {
        self.root.header_bytes()
    }

    /// The top-level body, byte-exact.
    pub fn body_bytes(&self) -> Bytes {
        self.root.body_bytes()
    }

    /// The Date header: the calendar date as written (for SENT*) and the instant in Unix
    /// seconds (for SORT DATE). `None` when absent or unparsable.
    pub fn sent_date(&self) -> Option<(imap_core::types::Date, i64)> {
        let v = self.header_value("Date")?;
        let dt = mail_parser::DateTime::parse_rfc822(std::str::from_utf8(&v).ok()?)?;
        if !dt.is_valid() {
            return None;
        }
        let date = imap_core::types::Date::new(dt.year, dt.month, dt.day)?;
        Some((date, dt.to_timestamp()))
    }

    /// Decoded text of every text part, in order (for SEARCH BODY/TEXT and PREVIEW).
    pub fn texts(&self) -> Vec<(&str, bool)> {
        let mut leaves = Vec::new();
        self.root.leaves(&mut leaves);
        leaves
            .into_iter()
            .filter_map(|p| p.text.as_deref().map(|t| (t, p.subtype == "html")))
            .collect()
    }
}

/// Parses the entity at `range` of `src` (a whole message: header and body).
fn parse_entity(src: &Bytes, range: Range<usize>, depth: usize) -> Part {
    let slice = &src[range.clone()];
    let parsed = MessageParser::default().parse(slice);
    match parsed {
        Some(msg) if !msg.parts.is_empty() && depth < MAX_DEPTH => {
            to_the_end(build(&msg, 0, src, range.start, false, depth), range.end)
        }
        _ => {
            // No header at all: the whole entity is the body.
            let (header, body) = split_header(slice);
            leaf_text(
                src,
                range.start..range.start + header,
                range.start + body..range.end,
            )
        }
    }
}

/// An entity's body runs to the end of the entity: for a multipart, past the close delimiter
/// to the end of the epilogue (RFC 2046 section 5.1.1), where the parser stops at the
/// delimiter. So `BODY[n.TEXT]` is `BODY[n]` without `BODY[n.HEADER]` (RFC 9051 6.4.5.1).
fn to_the_end(mut part: Part, end: usize) -> Part {
    if part.body.start <= end && end <= part.src.len() {
        part.body.end = end;
    }
    part
}

/// Where the header ends and the body starts in `slice` (after the blank line).
fn split_header(slice: &[u8]) -> (usize, usize) {
    if slice.starts_with(b"\r\n") {
        return (2, 2);
    }
    if slice.starts_with(b"\n") {
        return (1, 1);
    }
    let crlf = memfind(slice, b"\n\r\n").map(|i| i + 3);
    let lf = memfind(slice, b"\n\n").map(|i| i + 2);
    let end = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(slice.len()),
    };
    (end, end)
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A text/plain leaf over the given ranges.
fn leaf_text(src: &Bytes, header: Range<usize>, body: Range<usize>) -> Part {
    Part {
        text: Some(String::from_utf8_lossy(&src[body.clone()]).into_owned()),
        src: src.clone(),
        header,
        body,
        media_type: "text".into(),
        subtype: "plain".into(),
        params: vec![("charset".into(), "us-ascii".into())],
        disposition: None,
        children: Children::None,
    }
}

fn params_of(ct: &mail_parser::ContentType<'_>) -> Vec<(String, String)> {
    ct.attributes()
        .unwrap_or_default()
        .iter()
        .map(|a| (a.name.to_string(), a.value.to_string()))
        .collect()
}

/// Builds part `idx` of `msg`, whose offsets are relative to `base` in `src`.
fn build(
    msg: &mail_parser::Message<'_>,
    idx: usize,
    src: &Bytes,
    base: usize,
    in_digest: bool,
    depth: usize,
) -> Part {
    let p = &msg.parts[idx];
    let clamp = |o: u32| (base + o as usize).min(src.len());
    let header = clamp(p.offset_header)..clamp(p.offset_body);
    let body = clamp(p.offset_body)..clamp(p.offset_end).max(clamp(p.offset_body));
    let ct = p
        .headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)
        .and_then(|h| match &h.value {
            HeaderValue::ContentType(ct) => Some(ct),
            _ => None,
        });
    let (mut media_type, mut subtype, mut params) = match ct {
        Some(ct) => {
            let t = ct.ctype().to_ascii_lowercase();
            let s = ct
                .subtype()
                .map(str::to_ascii_lowercase)
                .unwrap_or_else(|| if t == "text" { "plain" } else { "octet-stream" }.into());
            (t, s, params_of(ct))
        }
        None if in_digest => ("message".into(), "rfc822".into(), Vec::new()),
        None => (
            "text".into(),
            "plain".into(),
            vec![("charset".into(), "us-ascii".into())],
        ),
    };
    if media_type == "text"
        && !params
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("charset"))
    {
        params.insert(0, ("charset".into(), "us-ascii".into()));
    }
    let disposition = p
        .headers
        .iter()
        .find(|h| h.name == HeaderName::ContentDisposition)
        .and_then(|h| match &h.value {
            HeaderValue::ContentType(ct) => Some((ct.ctype().to_ascii_lowercase(), params_of(ct))),
            _ => None,
        });
    let mut text = None;
    let children = match &p.body {
        PartType::Multipart(ids) if depth < MAX_DEPTH => {
            let digest = subtype == "digest";
            let mut parts: Vec<Part> = ids
                .iter()
                .filter(|&&id| (id as usize) < msg.parts.len() && id as usize != idx)
                .map(|&id| build(msg, id as usize, src, base, digest, depth + 1))
                .collect();
            if media_type != "multipart" {
                media_type = "multipart".into();
                subtype = "mixed".into();
            }
            if parts.is_empty() {
                parts.push(leaf_text(src, body.end..body.end, body.end..body.end));
            }
            Children::Multi(parts)
        }
        PartType::Message(nested) if depth < MAX_DEPTH && !nested.parts.is_empty() => {
            let encoded = nested.raw_message.len() != msg.raw_message.len()
                || nested.raw_message.as_ptr() != msg.raw_message.as_ptr();
            let inner = if encoded {
                let decoded = Bytes::from(nested.raw_message.to_vec());
                build(nested, 0, &decoded, 0, false, depth + 1)
            } else {
                to_the_end(build(nested, 0, src, base, false, depth + 1), body.end)
            };
            Children::Message(Box::new(inner))
        }
        PartType::Text(t) | PartType::Html(t) => {
            text = Some(t.to_string());
            Children::None
        }
        _ => Children::None,
    };
    // Keep the media type consistent with what was found inside.
    match &children {
        Children::None if media_type == "multipart" => {
            media_type = "text".into();
            subtype = "plain".into();
            params.retain(|(n, _)| !n.eq_ignore_ascii_case("boundary"));
        }
        Children::None
            if media_type == "message" && (subtype == "rfc822" || subtype == "global") =>
        {
            // An encapsulated message the parser could not read: parse the body on its own.
            let nested = parse_entity(src, body.clone(), depth + 1);
            let _ = text.take();
            return Part {
                src: src.clone(),
                header,
                body,
                media_type,
                subtype,
                params,
                disposition,
                children: Children::Message(Box::new(nested)),
                text: None,
            };
        }
        _ => {}
    }
    Part {
        src: src.clone(),
        header,
        body,
        media_type,
        subtype,
        params,
        disposition,
        children,
        text,
    }
}

/// Number of lines in `body`: line ends, plus one for a last line without one.
pub(crate) fn count_lines(body: &[u8]) -> u64 {
    let n = body.iter().filter(|&&b| b == b'\n').count() as u64;
    if body.last().is_some_and(|&b| b != b'\n') {
        n + 1
    } else {
        n
    }
}

/// Decodes RFC 2047 encoded words in a header value (for SEARCH, SORT and THREAD).
pub fn decode_header_text(raw: &[u8]) -> String {
    let unfolded = unfold(raw);
    let mut v = unfolded.clone();
    v.extend_from_slice(b"\r\n");
    match mail_parser::parsers::MessageStream::new(&v).parse_unstructured() {
        HeaderValue::Text(t) => t.into_owned(),
        HeaderValue::TextList(l) => l.join(" "),
        _ => String::from_utf8_lossy(&unfolded).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const NESTED: &[u8] = b"From: a@b\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\npreamble\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n--YY\r\n\r\nplain\r\n--YY\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--YY--\r\n\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--XX--\r\nepilogue\r\n";

    #[test]
    fn tree_has_exact_ranges() {
        let raw = Bytes::from_static(NESTED);
        let m = ParsedMessage::parse(&raw);
        let Children::Multi(parts) = &m.root().children else {
            panic!("multipart expected")
        };
        assert_eq!(parts.len(), 3);
        assert_eq!(&parts[0].body_bytes()[..], b"hello");
        let Children::Message(inner) = &parts[1].children else {
            panic!("message expected")
        };
        assert!(inner.header_bytes().starts_with(b"Subject: inner"));
        assert!(parts[1].body_bytes().ends_with(b"--YY--\r\n"));
        assert_eq!(inner.subtype, "alternative");
        assert_eq!(parts[2].encoding(), "BASE64");
        assert_eq!(m.texts().len(), 3);
    }

    #[test]
    fn headerless_and_bodyless() {
        let m = ParsedMessage::parse(&Bytes::from_static(b"Subject: x\r\n"));
        assert_eq!(&m.root().header_bytes()[..], b"Subject: x\r\n");
        assert!(m.root().body_bytes().is_empty());
        let m = ParsedMessage::parse(&Bytes::from_static(b""));
        assert!(m.root().body_bytes().is_empty());
    }

    #[test]
    fn lines() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\r\n"), 1);
        assert_eq!(count_lines(b"a\r\nb"), 2);
    }

    #[test]
    fn decodes_words() {
        assert_eq!(decode_header_text(b" =?utf-8?q?J=C3=B6rg?= x"), "Jörg x");
        assert_eq!(decode_header_text(b"plain"), "plain");
    }
}
