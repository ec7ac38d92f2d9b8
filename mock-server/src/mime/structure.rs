//! BODY and BODYSTRUCTURE (RFC 9051 section 7.5.2) from a [`ParsedMessage`].

use super::{Children, ParsedMessage, Part, count_lines, envelope::envelope, trim, unfold};
use imap_core::types::{
    BodyStructure, Disposition, ExtTail, MultiExt, PartKind, SingleExt, SinglePart, Str,
};

impl ParsedMessage {
    /// `BODYSTRUCTURE` (with `extended`) or `BODY` (without extension data), computed on
    /// first use.
    pub fn body_structure(&self, extended: bool) -> &BodyStructure {
        self.structure[usize::from(extended)].get_or_init(|| structure(self.root(), extended))
    }
}

/// Converts decoded parameters to the wire form: a value that is not ASCII is sent as `name*`
/// with its UTF-8 text, as RFC 9051 section 7.5.2 describes for RFC 2231 values.
fn params(list: &[(String, String)]) -> Vec<(Str, Str)> {
    list.iter()
        .map(|(n, v)| {
            let name = if v.is_ascii() || n.ends_with('*') {
                n.clone()
            } else {
                format!("{n}*")
            };
            (Str::from(name), Str::from(v.as_str()))
        })
        .collect()
}

/// The trimmed, unfolded value of a header field, raw (`None` when absent).
fn raw_field(part: &Part, name: &str) -> Option<Str> {
    part.header_block().value(name).map(Str::from)
}

fn languages(part: &Part) -> Option<Vec<Str>> {
    let v = part.header_block().value("Content-Language")?;
    let langs: Vec<Str> = v
        .split(|&b| b == b',')
        .map(|l| {
            // Drop comments such as "en (English)".
            let l = match l.iter().position(|&b| b == b'(') {
                Some(i) => &l[..i],
                None => l,
            };
            trim(l)
        })
        .filter(|l| !l.is_empty())
        .map(Str::from)
        .collect();
    (!langs.is_empty()).then_some(langs)
}

fn tail(part: &Part) -> ExtTail {
    ExtTail {
        disposition: Some(part.disposition.as_ref().map(|(kind, p)| Disposition {
            kind: Str::from(kind.as_str()),
            params: params(p),
        })),
        language: Some(languages(part)),
        location: Some(raw_field(part, "Content-Location").map(|v| {
            // Content-Location may be folded into several words: join them (RFC 2557).
            let joined: Vec<u8> = unfold(v.as_bytes())
                .into_iter()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            Str::from(joined)
        })),
        ..ExtTail::default()
    }
}

/// The structure of `part` seen as a body (the message root or any part).
pub(crate) fn structure(part: &Part, extended: bool) -> BodyStructure {
    match &part.children {
        Children::Multi(parts) => BodyStructure::Multi {
            parts: parts.iter().map(|p| structure(p, extended)).collect(),
            subtype: Str::from(part.subtype.as_str()),
            ext: extended.then(|| {
                Box::new(MultiExt {
                    params: params(&part.params),
                    tail: tail(part),
                })
            }),
        },
        children => {
            let body = &part.src[part.body.clone()];
            let kind = match children {
                Children::Message(inner) => PartKind::Message {
                    envelope: Box::new(envelope(&inner.header_block())),
                    body: Box::new(structure(inner, extended)),
                    lines: count_lines(body),
                },
                _ if part.media_type == "text" => PartKind::Text {
                    lines: count_lines(body),
                },
                _ => PartKind::Basic,
            };
            let h = part.header_block();
            BodyStructure::Single {
                part: Box::new(SinglePart {
                    media_type: Str::from(part.media_type.as_str()),
                    subtype: Str::from(part.subtype.as_str()),
                    params: params(&part.params),
                    id: h.value("Content-ID").map(Str::from),
                    description: h.value("Content-Description").map(Str::from),
                    encoding: Str::from(part.encoding()),
                    octets: body.len() as u64,
                    kind,
                    ext: extended.then(|| SingleExt {
                        md5: h.value("Content-MD5").map(Str::from),
                        tail: tail(part),
                    }),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn bs(raw: &'static [u8], ext: bool) -> BodyStructure {
        ParsedMessage::parse(&Bytes::from_static(raw))
            .body_structure(ext)
            .clone()
    }

    #[test]
    fn plain_message_defaults() {
        let b = bs(b"Subject: x\r\n\r\nline 1\r\nline 2\r\n", true);
        let BodyStructure::Single { part } = b else {
            panic!()
        };
        assert_eq!(part.media_type.as_bytes(), b"text");
        assert_eq!(part.subtype.as_bytes(), b"plain");
        assert_eq!(
            part.params,
            vec![(Str::from("charset"), Str::from("us-ascii"))]
        );
        assert_eq!(part.encoding.as_bytes(), b"7BIT");
        assert_eq!(part.octets, 16);
        assert_eq!(part.kind, PartKind::Text { lines: 2 });
        let ext = part.ext.unwrap();
        assert_eq!(ext.md5, None);
        assert_eq!(ext.tail.disposition, Some(None));
        assert_eq!(ext.tail.language, Some(None));
        assert_eq!(ext.tail.location, Some(None));
    }

    #[test]
    fn body_has_no_extension_data() {
        let BodyStructure::Multi { ext, parts, .. } = bs(super::super::tests::NESTED, false) else {
            panic!()
        };
        assert!(ext.is_none());
        assert!(
            parts
                .iter()
                .all(|p| matches!(p, BodyStructure::Single { part } if part.ext.is_none()))
        );
    }

    #[test]
    fn rfc2231_and_disposition() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: application/pdf; name*0=\"long\"; name*1=\"name.pdf\"\r\nContent-Disposition: attachment;\r\n filename*=utf-8''%E2%82%AC.pdf\r\nContent-Language: en, de (German)\r\nContent-Location: http://x.test/\r\n a.pdf\r\nContent-ID: <id@x>\r\nContent-Description: The doc\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n";
        let BodyStructure::Multi {
            parts,
            ext,
            subtype,
        } = bs(raw, true)
        else {
            panic!()
        };
        assert_eq!(subtype.as_bytes(), b"mixed");
        assert_eq!(
            ext.unwrap().params,
            vec![(Str::from("boundary"), Str::from("b"))]
        );
        let BodyStructure::Single { part } = &parts[0] else {
            panic!()
        };
        assert_eq!(
            part.params,
            vec![(Str::from("name"), Str::from("longname.pdf"))]
        );
        assert_eq!(part.id, Some(Str::from("<id@x>")));
        assert_eq!(part.description, Some(Str::from("The doc")));
        assert_eq!(part.octets, 4);
        let tail = &part.ext.as_ref().unwrap().tail;
        let d = tail.disposition.clone().unwrap().unwrap();
        assert_eq!(d.kind.as_bytes(), b"attachment");
        assert_eq!(d.params, vec![(Str::from("filename*"), Str::from("€.pdf"))]);
        assert_eq!(
            tail.language,
            Some(Some(vec![Str::from("en"), Str::from("de")]))
        );
        assert_eq!(tail.location, Some(Some(Str::from("http://x.test/a.pdf"))));
    }

    #[test]
    fn snapshot_nested() {
        insta::assert_debug_snapshot!(bs(super::super::tests::NESTED, true));
    }
}
