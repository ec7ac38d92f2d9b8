//! `BODY[section]`, `BINARY[part]` and `BINARY.SIZE[part]` (RFC 9051 section 6.4.5.1, RFC 3516).
//!
//! Part numbers follow RFC 9051: a message that is not multipart has exactly one part, `1`, its
//! body; the parts of a multipart are numbered from 1; a message/rfc822 part's own numbers refer
//! to the parts of the encapsulated message, and `HEADER`/`TEXT` after its number to that
//! message's header and body. Every section that is a contiguous piece of the message is a
//! zero-copy slice of the stored bytes.

use super::{Children, ParsedMessage, Part};
use bytes::Bytes;
use imap_core::types::{Section, SectionText};

/// Why a section cannot be returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SectionError {
    /// The part number does not exist in this message.
    #[error("no such part")]
    NoSuchPart,
    /// `HEADER`/`TEXT` after a part that is not message/rfc822, or `MIME` without a part.
    #[error("section specifier does not apply to this part")]
    NotApplicable,
    /// `BINARY` on a multipart or message part (RFC 9051: leaf parts only).
    #[error("BINARY applies to leaf parts only")]
    NotLeaf,
    /// `BINARY` on a part with a Content-Transfer-Encoding the server cannot decode.
    #[error("unknown Content-Transfer-Encoding")]
    UnknownCte,
    /// The part's content is not valid in its declared encoding.
    #[error("invalid data for the part's Content-Transfer-Encoding")]
    InvalidData,
}

fn in_message<'a>(m: &'a Part, path: &[u32]) -> Option<&'a Part> {
    let Some((&first, rest)) = path.split_first() else {
        return Some(m);
    };
    let p = match &m.children {
        Children::Multi(parts) => parts.get(usize::try_from(first).ok()?.checked_sub(1)?)?,
        _ if first == 1 => m,
        _ => return None,
    };
    in_part(p, rest)
}

fn in_part<'a>(p: &'a Part, path: &[u32]) -> Option<&'a Part> {
    let Some((&first, rest)) = path.split_first() else {
        return Some(p);
    };
    match &p.children {
        Children::Multi(parts) => in_part(
            parts.get(usize::try_from(first).ok()?.checked_sub(1)?)?,
            rest,
        ),
        Children::Message(m) => in_message(m, path),
        Children::None => None,
    }
}

impl ParsedMessage {
    /// The part at `path` (empty path: the message itself).
    pub(crate) fn part(&self, path: &[u32]) -> Option<&Part> {
        in_message(self.root(), path)
    }

    /// The bytes of `BODY[section]`, before any partial range is applied. `raw` is the stored
    /// message.
    ///
    /// # Errors
    /// When the section does not exist or the specifier does not apply.
    pub fn section(&self, raw: &Bytes, section: &Section) -> Result<Bytes, SectionError> {
        let part = self.part(&section.part).ok_or(SectionError::NoSuchPart)?;
        // The message whose header/text a HEADER or TEXT specifier means.
        let message = || -> Result<&Part, SectionError> {
            if section.part.is_empty() {
                return Ok(self.root());
            }
            match &part.children {
                Children::Message(m) => Ok(m),
                _ => Err(SectionError::NotApplicable),
            }
        };
        match &section.text {
            None if section.part.is_empty() => Ok(raw.clone()),
            None => Ok(part.body_bytes()),
            Some(SectionText::Mime) if section.part.is_empty() => Err(SectionError::NotApplicable),
            Some(SectionText::Mime) => Ok(part.header_bytes()),
            Some(SectionText::Header) => Ok(message()?.header_bytes()),
            Some(SectionText::Text) => Ok(message()?.body_bytes()),
            Some(SectionText::HeaderFields(names)) | Some(SectionText::HeaderFieldsNot(names)) => {
                let not = matches!(section.text, Some(SectionText::HeaderFieldsNot(_)));
                let m = message()?;
                let names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
                Ok(Bytes::from(m.header_block().subset(&names, not)))
            }
            Some(_) => Err(SectionError::NotApplicable),
        }
    }

    /// The decoded content of `BINARY[part]` (RFC 3516). An empty path means the whole message,
    /// unchanged.
    ///
    /// # Errors
    /// For a missing part, a multipart or message part, or an undecodable encoding.
    pub fn binary(&self, raw: &Bytes, path: &[u32]) -> Result<Bytes, SectionError> {
        if path.is_empty() {
            return Ok(raw.clone());
        }
        let part = self.part(path).ok_or(SectionError::NoSuchPart)?;
        if !matches!(part.children, Children::None) {
            return Err(SectionError::NotLeaf);
        }
        decode_body(part)
    }
}

/// The body of a leaf part with its Content-Transfer-Encoding removed.
pub(crate) fn decode_body(part: &Part) -> Result<Bytes, SectionError> {
    let body = part.body_bytes();
    match part.encoding().as_str() {
        "7BIT" | "8BIT" | "BINARY" => Ok(body),
        "BASE64" => mail_parser::decoders::base64::base64_decode(&body)
            .map(Bytes::from)
            .ok_or(SectionError::InvalidData),
        "QUOTED-PRINTABLE" => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(&body)
                .map(Bytes::from)
                .ok_or(SectionError::InvalidData)
        }
        _ => Err(SectionError::UnknownCte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::types::Str;

    fn sec(part: &[u32], text: Option<SectionText>) -> Section {
        Section {
            part: part.to_vec(),
            text,
        }
    }

    fn get(raw: &'static [u8], s: Section) -> Result<Bytes, SectionError> {
        let raw = Bytes::from_static(raw);
        ParsedMessage::parse(&raw).section(&raw, &s)
    }

    const RAW: &[u8] = super::super::tests::NESTED;

    #[test]
    fn whole_header_text() {
        assert_eq!(get(RAW, sec(&[], None)).unwrap(), RAW);
        let h = get(RAW, sec(&[], Some(SectionText::Header))).unwrap();
        assert_eq!(
            &h[..],
            b"From: a@b\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        );
        let t = get(RAW, sec(&[], Some(SectionText::Text))).unwrap();
        assert_eq!(h.len() + t.len(), RAW.len());
        // Zero-copy: the TEXT slice points into the stored buffer.
        let raw = Bytes::from_static(RAW);
        let m = ParsedMessage::parse(&raw);
        let t = m.section(&raw, &sec(&[], Some(SectionText::Text))).unwrap();
        assert_eq!(t.as_ptr(), raw[h.len()..].as_ptr());
    }

    /// Issue 15, item 3: the TEXT of an encapsulated multipart runs to the end of the part,
    /// its epilogue included. Before, it stopped at the close delimiter (`--YY--`).
    #[test]
    fn encapsulated_text_keeps_the_epilogue() {
        const EPI: &[u8] = b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=YY\r\n\r\npre\r\n--YY\r\n\r\nin\r\n--YY--\r\ninner epilogue\r\n";
        let whole = get(EPI, sec(&[1], None)).unwrap();
        let h = get(EPI, sec(&[1], Some(SectionText::Header))).unwrap();
        let t = get(EPI, sec(&[1], Some(SectionText::Text))).unwrap();
        assert_eq!(
            &t[..],
            b"pre\r\n--YY\r\n\r\nin\r\n--YY--\r\ninner epilogue\r\n"
        );
        assert_eq!([&h[..], &t[..]].concat(), whole);
        // The same inside a multipart, and at the top level.
        let t = get(RAW, sec(&[2], Some(SectionText::Text))).unwrap();
        assert!(t.ends_with(b"--YY--\r\n"));
        let t = get(RAW, sec(&[], Some(SectionText::Text))).unwrap();
        assert!(t.ends_with(b"--XX--\r\nepilogue\r\n"));
    }

    #[test]
    fn parts_and_nested_message() {
        assert_eq!(&get(RAW, sec(&[1], None)).unwrap()[..], b"hello");
        assert_eq!(
            &get(RAW, sec(&[1], Some(SectionText::Mime))).unwrap()[..],
            b"Content-Type: text/plain\r\n\r\n"
        );
        assert_eq!(
            &get(RAW, sec(&[2], Some(SectionText::Mime))).unwrap()[..],
            b"Content-Type: message/rfc822\r\n\r\n"
        );
        let whole = get(RAW, sec(&[2], None)).unwrap();
        assert!(whole.starts_with(b"Subject: inner\r\n"));
        let h = get(RAW, sec(&[2], Some(SectionText::Header))).unwrap();
        assert!(h.starts_with(b"Subject: inner\r\n") && h.ends_with(b"YY\r\n\r\n"));
        let t = get(RAW, sec(&[2], Some(SectionText::Text))).unwrap();
        assert_eq!(h.len() + t.len(), whole.len());
        assert_eq!(&get(RAW, sec(&[2, 1], None)).unwrap()[..], b"plain");
        assert_eq!(&get(RAW, sec(&[2, 2], None)).unwrap()[..], b"<b>x</b>");
        assert_eq!(
            &get(RAW, sec(&[2, 2], Some(SectionText::Mime))).unwrap()[..],
            b"Content-Type: text/html\r\n\r\n"
        );
        assert_eq!(&get(RAW, sec(&[3], None)).unwrap()[..], b"aGVsbG8=");
        assert_eq!(get(RAW, sec(&[4], None)), Err(SectionError::NoSuchPart));
        assert_eq!(
            get(RAW, sec(&[2, 1, 1], None)),
            Err(SectionError::NoSuchPart)
        );
        assert_eq!(
            get(RAW, sec(&[1], Some(SectionText::Header))),
            Err(SectionError::NotApplicable)
        );
        assert_eq!(
            get(RAW, sec(&[], Some(SectionText::Mime))),
            Err(SectionError::NotApplicable)
        );
    }

    #[test]
    fn non_multipart_part_one_is_the_body() {
        const M: &[u8] = b"Subject: s\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
        assert_eq!(&get(M, sec(&[1], None)).unwrap()[..], b"body\r\n");
        assert_eq!(
            &get(M, sec(&[1], Some(SectionText::Mime))).unwrap()[..],
            b"Subject: s\r\nContent-Type: text/plain\r\n\r\n"
        );
        assert_eq!(get(M, sec(&[2], None)), Err(SectionError::NoSuchPart));
        assert_eq!(get(M, sec(&[1, 1], None)), Err(SectionError::NoSuchPart));
    }

    #[test]
    fn header_fields() {
        let f = get(
            RAW,
            sec(
                &[],
                Some(SectionText::HeaderFields(vec![Str::from("FROM")])),
            ),
        )
        .unwrap();
        assert_eq!(&f[..], b"From: a@b\r\n\r\n");
        let f = get(
            RAW,
            sec(
                &[2],
                Some(SectionText::HeaderFieldsNot(vec![Str::from(
                    "content-type",
                )])),
            ),
        )
        .unwrap();
        assert_eq!(&f[..], b"Subject: inner\r\n\r\n");
    }

    #[test]
    fn binary_decodes() {
        let raw = Bytes::from_static(RAW);
        let m = ParsedMessage::parse(&raw);
        assert_eq!(&m.binary(&raw, &[3]).unwrap()[..], b"hello");
        assert_eq!(&m.binary(&raw, &[1]).unwrap()[..], b"hello");
        assert_eq!(m.binary(&raw, &[2]), Err(SectionError::NotLeaf));
        assert_eq!(m.binary(&raw, &[]).unwrap(), raw);
        let qp = Bytes::from_static(
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 soft=\r\nbreak\r\n",
        );
        let m = ParsedMessage::parse(&qp);
        assert_eq!(
            &m.binary(&qp, &[1]).unwrap()[..],
            "café softbreak\r\n".as_bytes()
        );
        let x = Bytes::from_static(b"Content-Transfer-Encoding: x-uuencode\r\n\r\nzz\r\n");
        let m = ParsedMessage::parse(&x);
        assert_eq!(m.binary(&x, &[1]), Err(SectionError::UnknownCte));
    }
}
