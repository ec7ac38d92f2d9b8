//! Fetched sections as content: [`decode_section`] undoes a part's transfer encoding and reads
//! its text by its charset, as the BODYSTRUCTURE fetched with it describes it; [`parse_message`]
//! parses a whole message with `mail-parser`.

use crate::decode::body::header_part;
use crate::decode::{DecodedPart, param_text};
use crate::types::{BodyStructure, PartKind, Section, SectionText, SinglePart};

/// The part a section's part numbers name (RFC 9051 section 6.4.5): in a multipart, the n-th
/// part; in a `message/rfc822` part, the n-th part of the message it holds (its body when that
/// is not multipart); `1` of a single-part message is its body.
pub fn locate<'a>(body: &'a BodyStructure, path: &[u32]) -> Option<&'a BodyStructure> {
    let mut cur = body;
    for (i, &n) in path.iter().enumerate() {
        let index = usize::try_from(n.checked_sub(1)?).ok()?;
        cur = match cur {
            BodyStructure::Multi { parts, .. } => parts.get(index)?,
            BodyStructure::Single { .. } if i > 0 => match enclosed(cur)? {
                BodyStructure::Multi { parts, .. } => parts.get(index)?,
                single => (index == 0).then_some(single)?,
            },
            BodyStructure::Single { .. } => (index == 0).then_some(cur)?,
        };
    }
    Some(cur)
}

/// The message a `message/rfc822` (or `message/global`) part holds.
fn enclosed(body: &BodyStructure) -> Option<&BodyStructure> {
    match body {
        BodyStructure::Single { part, .. } => match &part.kind {
            PartKind::Message { body, .. } => Some(body),
            _ => None,
        },
        BodyStructure::Multi { .. } => None,
    }
}

/// A single part's file name: the disposition's `filename`, else the type's `name`, RFC 2231
/// and RFC 2047 decoded.
pub fn filename(body: &BodyStructure) -> Option<String> {
    let BodyStructure::Single { part } = body else {
        return None;
    };
    part.ext
        .as_ref()
        .and_then(|e| e.tail.disposition.as_ref())
        .and_then(Option::as_ref)
        .and_then(|d| param_text(&d.params, "filename"))
        .or_else(|| param_text(&part.params, "name"))
}

fn decode_single(raw: &[u8], body: &BodyStructure, part: &SinglePart) -> DecodedPart {
    let charset = param_text(&part.params, "charset");
    let mut out = DecodedPart::new(
        raw,
        &body.mime_type(),
        &part.encoding.to_string_lossy(),
        charset.as_deref(),
    );
    out.filename = filename(body);
    out
}

fn undecoded(raw: &[u8], mime_type: String) -> DecodedPart {
    DecodedPart::new(raw, &mime_type, "", None)
}

/// `raw`, fetched as `section` of a message whose structure is `body` (`None` when the server
/// did not send it: parts are then kept as they are), as content:
///
/// - a part (`1`, `2.1`): its transfer encoding undone and, for text, its text by its charset;
/// - `TEXT` (of the message or of a `message/rfc822` part): the same when that message is not
///   multipart, else the multipart body as it is;
/// - `HEADER`, `HEADER.FIELDS`, `MIME`: the header text ([`header_part`]);
/// - the whole message, a multipart, or a part the structure does not have: the octets as they
///   are (`message/rfc822`, the multipart's type, or `application/octet-stream`).
pub fn decode_section(body: Option<&BodyStructure>, section: &Section, raw: &[u8]) -> DecodedPart {
    let target = match &section.text {
        Some(SectionText::Text) if section.part.is_empty() => body,
        Some(SectionText::Text) => body
            .and_then(|b| locate(b, &section.part))
            .and_then(enclosed),
        Some(_) => return header_part(raw),
        None if section.part.is_empty() => return undecoded(raw, "message/rfc822".into()),
        None => body.and_then(|b| locate(b, &section.part)),
    };
    match target {
        Some(b @ BodyStructure::Single { part, .. }) => decode_single(raw, b, part),
        Some(multi) => undecoded(raw, multi.mime_type()),
        None => undecoded(raw, "application/octet-stream".into()),
    }
}

/// A whole message (`BODY[]`) parsed as MIME by `mail-parser`: headers decoded, parts with
/// their bodies decoded, attachments, nested messages; what Python's `email` package gives.
/// `None` when the bytes are not a message at all (`mail-parser` finds no header).
pub fn parse_message(raw: &[u8]) -> Option<mail_parser::Message<'static>> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .map(mail_parser::Message::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_response};
    use crate::types::{Data, FetchData, Response};

    /// A BODYSTRUCTURE as a server writes it.
    fn structure(text: &str) -> BodyStructure {
        let unit = bytes::Bytes::from(format!("* 1 FETCH (BODYSTRUCTURE {text})\r\n"));
        let Ok(Response::Data(Data::Fetch { data, .. })) =
            parse_response(&unit, &ParseOptions::default())
        else {
            panic!("not a FETCH: {text}");
        };
        match data.into_iter().next() {
            Some(FetchData::BodyStructure(b)) => b.to_structure(),
            other => panic!("{other:?}"),
        }
    }

    /// multipart/mixed: a QP Latin-1 text, a message/rfc822 holding one base64 text part, a PDF
    /// whose name is in RFC 2231 continuations.
    fn mixed() -> BodyStructure {
        structure(
            "((\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") NIL NIL \"quoted-printable\" 10 1)\
             (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 100 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) \
              (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 12 1) 5)\
             (\"application\" \"pdf\" (\"name\" \"x.pdf\") NIL NIL \"base64\" 12 NIL \
              (\"attachment\" (\"filename*0*\" \"utf-8''%C3%9C\" \"filename*1\" \"ber.pdf\")) NIL NIL) \
             \"mixed\")",
        )
    }

    fn section(text: &str) -> Section {
        text.parse().unwrap()
    }

    #[test]
    fn part_numbers_name_parts_and_enclosed_messages() {
        let b = mixed();
        let names = |path: &[u32]| locate(&b, path).map(BodyStructure::mime_type);
        assert_eq!(names(&[]).as_deref(), Some("multipart/mixed"));
        assert_eq!(names(&[1]).as_deref(), Some("text/plain"));
        assert_eq!(names(&[2]).as_deref(), Some("message/rfc822"));
        assert_eq!(names(&[2, 1]).as_deref(), Some("text/plain"));
        assert_eq!(names(&[2, 2]), None);
        assert_eq!(names(&[4]), None);
        assert_eq!(names(&[0]), None);
        let single = structure("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)");
        assert_eq!(locate(&single, &[1]), Some(&single));
        assert_eq!(locate(&single, &[2]), None);
    }

    #[test]
    fn sections_decode_as_the_structure_says() {
        let b = mixed();
        let d = decode_section(Some(&b), &section("1"), b"Gr=FC=DFe");
        assert_eq!(d.text.as_deref(), Some("Grüße"));
        let d = decode_section(Some(&b), &section("2.TEXT"), b"R3LDvMOfZQ==");
        assert_eq!(
            (d.mime_type.as_str(), d.text.as_deref()),
            ("text/plain", Some("Grüße"))
        );
        let d = decode_section(Some(&b), &section("3"), b"JVBERi0xLjQK");
        assert_eq!(
            (d.bytes.as_slice(), d.filename.as_deref()),
            (&b"%PDF-1.4\n"[..], Some("Über.pdf"))
        );
        let d = decode_section(
            Some(&b),
            &section("1.MIME"),
            b"Content-Type: text/plain\r\n\r\n",
        );
        assert_eq!(d.mime_type, "text/rfc822-headers");
        let d = decode_section(Some(&b), &section("TEXT"), b"--b\r\n");
        assert_eq!((d.mime_type.as_str(), d.text), ("multipart/mixed", None));
        let d = decode_section(None, &section("1"), b"R3LD");
        assert_eq!(
            (d.mime_type.as_str(), d.bytes.as_slice()),
            ("application/octet-stream", &b"R3LD"[..])
        );
        let d = decode_section(Some(&b), &section(""), b"Subject: x\r\n\r\n");
        assert_eq!(d.mime_type, "message/rfc822");
        // TEXT of a single-part message is that part's content.
        let single =
            structure("(\"text\" \"plain\" (\"charset\" \"koi8-r\") NIL NIL \"base64\" 8 1)");
        let d = decode_section(Some(&single), &section("TEXT"), b"8NLJ18XU");
        assert_eq!(d.text.as_deref(), Some("Привет"));
    }

    #[test]
    fn section_names_parse_as_the_book_writes_them() {
        assert_eq!(section("HEADER").text, Some(SectionText::Header));
        assert_eq!(section("text").text, Some(SectionText::Text));
        let mime = section("1.MIME");
        assert_eq!((mime.part, mime.text), (vec![1], Some(SectionText::Mime)));
        assert_eq!(section("2.1").part, vec![2, 1]);
        assert_eq!(section(""), Section::default());
        assert!("1.BOGUS".parse::<Section>().is_err());
    }

    #[test]
    fn messages_parse_as_mime() {
        let m = parse_message(
            b"Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: text/plain; charset=koi8-r\r\n\
              Content-Transfer-Encoding: base64\r\n\r\n8NLJ18XU\r\n",
        )
        .unwrap();
        assert_eq!(m.subject(), Some("café"));
        assert_eq!(m.body_text(0).as_deref(), Some("Привет"));
    }
}
