//! BODY / BODYSTRUCTURE and ENVELOPE.

use super::writer::Writer;
use crate::types::{
    Address, BodyExtension, BodyStructure, Envelope, ExtField, ExtTail, PartKind, Str,
};

/// A `body`. With `ext == false` (the `BODY` FETCH item) no extension data is written at any
/// level, as RFC 9051 requires; with `ext == true` (`BODYSTRUCTURE`) the extension data held is
/// written, level by level, up to the first absent level.
pub(super) fn body(w: &mut Writer<'_>, b: &BodyStructure, ext: bool) {
    w.byte(b'(');
    match b {
        BodyStructure::Single { part } => {
            w.string(&part.media_type);
            w.sp();
            w.string(&part.subtype);
            w.sp();
            params(w, &part.params);
            w.sp();
            w.nstring(part.id.as_ref());
            w.sp();
            w.nstring(part.description.as_ref());
            w.sp();
            w.string(&part.encoding);
            w.sp();
            w.num(part.octets);
            match &part.kind {
                PartKind::Basic => {}
                PartKind::Text { lines } => {
                    w.sp();
                    w.num(*lines);
                }
                PartKind::Message {
                    envelope: env,
                    body: inner,
                    lines,
                } => {
                    w.sp();
                    envelope(w, env);
                    w.sp();
                    body(w, inner, ext);
                    w.sp();
                    w.num(*lines);
                }
            }
            if let Some(e) = part.ext.as_ref().filter(|_| ext) {
                w.sp();
                if !unreadable(w, &e.tail, ExtField::Md5) {
                    w.nstring(e.md5.as_ref());
                }
                tail(w, &e.tail);
            }
        }
        BodyStructure::Multi {
            parts,
            subtype,
            ext: e,
        } => {
            for p in parts {
                body(w, p, ext);
            }
            w.sp();
            w.string(subtype);
            if let Some(e) = e.as_ref().filter(|_| ext) {
                w.sp();
                if !unreadable(w, &e.tail, ExtField::Params) {
                    params(w, &e.params);
                }
                tail(w, &e.tail);
            }
        }
    }
    w.byte(b')');
}

/// `body-fld-param`: `NIL` when empty, else `("name" "value" ...)`.
fn params(w: &mut Writer<'_>, params: &[(Str, Str)]) {
    if params.is_empty() {
        w.nil();
    } else {
        w.paren_list(params, |w, (k, v)| {
            w.string(k);
            w.sp();
            w.string(v);
        });
    }
}

/// The levels after MD5 / multipart parameters, each preceded by a space, stopping at the
/// first absent one.
fn tail(w: &mut Writer<'_>, t: &ExtTail) {
    let Some(dsp) = &t.disposition else {
        return;
    };
    w.sp();
    match dsp {
        _ if unreadable(w, t, ExtField::Disposition) => {}
        None => w.nil(),
        Some(d) => {
            w.byte(b'(');
            w.string(&d.kind);
            w.sp();
            params(w, &d.params);
            w.byte(b')');
        }
    }
    let Some(lang) = &t.language else {
        return;
    };
    w.sp();
    match lang.as_deref() {
        _ if unreadable(w, t, ExtField::Language) => {}
        None | Some([]) => w.nil(),
        Some([one]) => w.string(one),
        Some(many) => w.paren_list(many, |w, l| w.string(l)),
    }
    let Some(loc) = &t.location else {
        return;
    };
    w.sp();
    if !unreadable(w, t, ExtField::Location) {
        w.nstring(loc.as_ref());
    }
    for e in &t.extensions {
        w.sp();
        extension(w, e);
    }
}

/// Writes `field` as received when tolerant parsing kept it unreadable; whether it did.
fn unreadable(w: &mut Writer<'_>, t: &ExtTail, field: ExtField) -> bool {
    let Some(raw) = t.unreadable(field) else {
        return false;
    };
    w.raw_with_literals(raw.bytes());
    true
}

/// A `body-extension`.
fn extension(w: &mut Writer<'_>, e: &BodyExtension) {
    match e {
        BodyExtension::String(s) => w.nstring(s.as_ref()),
        BodyExtension::Number(n) => w.num(*n),
        BodyExtension::List(v) => w.paren_list(v, extension),
    }
}

/// An `envelope`.
pub(super) fn envelope(w: &mut Writer<'_>, e: &Envelope) {
    w.byte(b'(');
    w.nstring(e.date.as_ref());
    w.sp();
    w.nstring(e.subject.as_ref());
    for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
        w.sp();
        addresses(w, list);
    }
    w.sp();
    w.nstring(e.in_reply_to.as_ref());
    w.sp();
    w.nstring(e.message_id.as_ref());
    w.byte(b')');
}

/// `NIL` or `((name adl mailbox host)...)`.
fn addresses(w: &mut Writer<'_>, list: &[Address]) {
    if list.is_empty() {
        w.nil();
        return;
    }
    w.byte(b'(');
    for a in list {
        w.byte(b'(');
        w.nstring(a.name.as_ref());
        w.sp();
        w.nstring(a.adl.as_ref());
        w.sp();
        w.nstring(a.mailbox.as_ref());
        w.sp();
        w.nstring(a.host.as_ref());
        w.byte(b')');
    }
    w.byte(b')');
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::data;
    use crate::types::*;

    fn s(x: &str) -> Str {
        Str::from(x)
    }

    fn fetch(d: FetchData) -> String {
        data(Data::Fetch {
            seq: SeqNum::new(1).unwrap(),
            data: vec![d],
        })
    }

    fn text_part(params: Vec<(Str, Str)>, octets: u64, lines: u64) -> SinglePart {
        SinglePart {
            media_type: s("TEXT"),
            subtype: s("PLAIN"),
            params,
            id: None,
            description: None,
            encoding: s("7BIT"),
            octets,
            kind: PartKind::Text { lines },
            ext: None,
        }
    }

    fn single(part: SinglePart, ext: Option<SingleExt>) -> BodyStructure {
        BodyStructure::Single {
            part: Box::new(SinglePart { ext, ..part }),
        }
    }

    fn addr(name: Option<&str>, mailbox: &str, host: &str) -> Address {
        Address {
            name: name.map(s),
            adl: None,
            mailbox: Some(s(mailbox)),
            host: Some(s(host)),
        }
    }

    fn rfc_envelope() -> Envelope {
        let gray = addr(Some("Terry Gray"), "gray", "cac.washington.edu");
        Envelope {
            date: Some(s("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)")),
            subject: Some(s("IMAP4rev1 WG mtg summary and minutes")),
            from: vec![gray.clone()],
            sender: vec![gray.clone()],
            reply_to: vec![gray],
            to: vec![addr(None, "imap", "cac.washington.edu")],
            cc: vec![
                addr(None, "minutes", "CNRI.Reston.VA.US"),
                addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
            ],
            bcc: vec![],
            in_reply_to: None,
            message_id: Some(s("<B27397-0100000@cac.washington.edu>")),
        }
    }

    #[test]
    fn rfc_envelope_example() {
        assert_eq!(
            fetch(FetchData::Envelope(rfc_envelope().into())),
            "* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
             \"IMAP4rev1 WG mtg summary and minutes\" \
             ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
             ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
             ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
             ((NIL NIL \"imap\" \"cac.washington.edu\")) \
             ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
             (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
             \"<B27397-0100000@cac.washington.edu>\"))\r\n"
        );
        assert_eq!(
            fetch(FetchData::Envelope(Default::default())),
            "* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
        );
        // Group syntax: start marker, member, end marker.
        let group = Envelope {
            to: vec![
                Address {
                    mailbox: Some(s("undisclosed-recipients")),
                    ..Address::default()
                },
                addr(None, "a", "b.example"),
                Address::default(),
            ],
            ..Envelope::default()
        };
        assert_eq!(
            fetch(FetchData::Envelope(group.into())),
            "* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL \
             ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL \"a\" \"b.example\")(NIL NIL NIL NIL)) \
             NIL NIL NIL NIL))\r\n"
        );
    }

    #[test]
    fn rfc_body_examples() {
        let b = single(
            text_part(vec![(s("CHARSET"), s("US-ASCII"))], 3028, 92),
            None,
        );
        assert_eq!(
            fetch(FetchData::Body((b.clone()).into())),
            "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
        );
        assert_eq!(
            fetch(FetchData::BodyStructure((b).into())),
            "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
        );
        let mut second = text_part(
            vec![(s("CHARSET"), s("US-ASCII")), (s("NAME"), s("cc.diff"))],
            4554,
            73,
        );
        second.id = Some(s("<960723163407.20117h@cac.washington.edu>"));
        second.description = Some(s("Compiler diff"));
        second.encoding = s("BASE64");
        let multi = BodyStructure::Multi {
            parts: vec![
                single(
                    text_part(vec![(s("CHARSET"), s("US-ASCII"))], 1152, 23),
                    None,
                ),
                single(second, None),
            ],
            subtype: s("MIXED"),
            ext: None,
        };
        assert_eq!(
            fetch(FetchData::BodyStructure((multi).into())),
            "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)\
             (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
             \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"
        );
    }

    #[test]
    fn basic_and_message_parts() {
        let basic = SinglePart {
            media_type: s("APPLICATION"),
            subtype: s("PDF"),
            params: vec![],
            id: None,
            description: None,
            encoding: s("BASE64"),
            octets: 100,
            kind: PartKind::Basic,
            ext: None,
        };
        let msg = SinglePart {
            media_type: s("MESSAGE"),
            subtype: s("RFC822"),
            params: vec![],
            id: None,
            description: None,
            encoding: s("7BIT"),
            octets: 500,
            kind: PartKind::Message {
                envelope: Box::default(),
                body: Box::new(single(basic, None)),
                lines: 12,
            },
            ext: None,
        };
        assert_eq!(
            fetch(FetchData::BodyStructure((single(msg, None)).into())),
            "* 1 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 500 \
             (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) \
             (\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 100) 12))\r\n"
        );
    }

    fn ext(md5: Option<&str>, tail: ExtTail) -> Option<SingleExt> {
        Some(SingleExt {
            md5: md5.map(s),
            tail,
        })
    }

    fn bs(e: Option<SingleExt>) -> String {
        let out = fetch(FetchData::BodyStructure(
            (single(text_part(vec![], 1, 2), e)).into(),
        ));
        out.strip_prefix("* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 2")
            .and_then(|r| r.strip_suffix("))\r\n"))
            .unwrap_or_else(|| panic!("{out}"))
            .to_owned()
    }

    #[test]
    fn single_extension_levels() {
        assert_eq!(bs(None), "");
        assert_eq!(bs(ext(None, ExtTail::default())), " NIL");
        assert_eq!(
            bs(ext(Some("Q2hlY2s="), ExtTail::default())),
            " \"Q2hlY2s=\""
        );
        let dsp = Disposition {
            kind: s("attachment"),
            params: vec![(s("filename"), s("a.txt"))],
        };
        let mut t = ExtTail {
            disposition: Some(Some(dsp)),
            ..ExtTail::default()
        };
        assert_eq!(
            bs(ext(None, t.clone())),
            " NIL (\"attachment\" (\"filename\" \"a.txt\"))"
        );
        t.language = Some(Some(vec![s("en")]));
        assert_eq!(
            bs(ext(None, t.clone())),
            " NIL (\"attachment\" (\"filename\" \"a.txt\")) \"en\""
        );
        t.language = Some(Some(vec![s("en"), s("de")]));
        t.location = Some(Some(s("http://x/")));
        assert_eq!(
            bs(ext(None, t.clone())),
            " NIL (\"attachment\" (\"filename\" \"a.txt\")) (\"en\" \"de\") \"http://x/\""
        );
        t.extensions = vec![
            BodyExtension::Number(7),
            BodyExtension::String(None),
            BodyExtension::List(vec![
                BodyExtension::String(Some(s("x"))),
                BodyExtension::List(vec![BodyExtension::Number(1)]),
            ]),
        ];
        assert_eq!(
            bs(ext(None, t)),
            " NIL (\"attachment\" (\"filename\" \"a.txt\")) (\"en\" \"de\") \"http://x/\" 7 NIL (\"x\" (1))"
        );
        // NIL at each level.
        let t = ExtTail {
            disposition: Some(None),
            language: Some(None),
            location: Some(None),
            ..ExtTail::default()
        };
        assert_eq!(bs(ext(None, t)), " NIL NIL NIL NIL");
        // Stops at the first absent level, whatever comes after.
        let t = ExtTail {
            disposition: Some(None),
            language: None,
            location: Some(Some(s("ignored"))),
            extensions: vec![BodyExtension::Number(1)],
            ..ExtTail::default()
        };
        assert_eq!(bs(ext(None, t)), " NIL NIL");
    }

    #[test]
    fn multipart_extension_and_body_strips_it() {
        let part = single(
            text_part(vec![], 1, 1),
            ext(Some("md5"), ExtTail::default()),
        );
        let multi = BodyStructure::Multi {
            parts: vec![part.clone(), part],
            subtype: s("alternative"),
            ext: Some(Box::new(MultiExt {
                params: vec![(s("BOUNDARY"), s("xyz"))],
                tail: ExtTail {
                    disposition: Some(None),
                    language: Some(Some(vec![s("en")])),
                    location: None,
                    ..ExtTail::default()
                },
            })),
        };
        let p = "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1";
        assert_eq!(
            fetch(FetchData::BodyStructure((multi.clone()).into())),
            format!(
                "* 1 FETCH (BODYSTRUCTURE ({p} \"md5\"){p} \"md5\") \"alternative\" \
                 (\"BOUNDARY\" \"xyz\") NIL \"en\"))\r\n"
            )
        );
        assert_eq!(
            fetch(FetchData::Body((multi).into())),
            format!("* 1 FETCH (BODY ({p}){p}) \"alternative\"))\r\n")
        );
        let multi = BodyStructure::Multi {
            parts: vec![single(text_part(vec![], 1, 1), None)],
            subtype: s("mixed"),
            ext: Some(Box::default()),
        };
        assert_eq!(
            fetch(FetchData::BodyStructure((multi).into())),
            format!("* 1 FETCH (BODYSTRUCTURE ({p}) \"mixed\" NIL))\r\n")
        );
    }

    #[test]
    fn body_strings_use_literals_when_needed() {
        let mut p = text_part(vec![], 1, 1);
        p.description = Some(s("two\r\nlines"));
        assert_eq!(
            fetch(FetchData::Body((single(p, None)).into())),
            "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL {10}\r\ntwo\r\nlines \"7BIT\" 1 1))\r\n"
        );
    }
}
