//! FETCH: the items a command asks for, sections, and the data items of a FETCH response.

use super::body;
use super::writer::Writer;
use crate::types::{FetchData, FetchItem, FetchItems, Partial, Section, SectionText, Str};

/// `ALL` / `FAST` / `FULL` / one item / `(item item ...)`.
pub(super) fn fetch_items(w: &mut Writer<'_>, items: &FetchItems) {
    match items {
        FetchItems::All => w.put(b"ALL"),
        FetchItems::Fast => w.put(b"FAST"),
        FetchItems::Full => w.put(b"FULL"),
        FetchItems::Items(v) if v.len() == 1 => fetch_item(w, &v[0]),
        FetchItems::Items(v) => w.paren_list(v, fetch_item),
    }
}

/// One `fetch-att`.
pub(super) fn fetch_item(w: &mut Writer<'_>, i: &FetchItem) {
    match i {
        FetchItem::BodySection {
            section,
            partial,
            peek,
        } => {
            w.put(if *peek { b"BODY.PEEK" } else { b"BODY" });
            self::section(w, section);
            if let Some(p) = partial {
                self::partial(w, p);
            }
        }
        FetchItem::Binary {
            part,
            partial,
            peek,
        } => {
            w.put(if *peek { b"BINARY.PEEK" } else { b"BINARY" });
            section_binary(w, part);
            if let Some(p) = partial {
                self::partial(w, p);
            }
        }
        FetchItem::BinarySize { part } => {
            w.put(b"BINARY.SIZE");
            section_binary(w, part);
        }
        FetchItem::Preview { lazy } => {
            w.put(b"PREVIEW");
            if *lazy {
                w.put(b" (LAZY)");
            }
        }
        FetchItem::Other(a) => w.atom(a),
        plain => w.put(plain.plain_name().unwrap_or_default().as_bytes()),
    }
}

/// `<offset.count>`.
fn partial(w: &mut Writer<'_>, p: &Partial) {
    w.byte(b'<');
    w.num32(p.offset);
    w.byte(b'.');
    w.num32(p.count);
    w.byte(b'>');
}

/// `<origin>`.
fn origin(w: &mut Writer<'_>, o: Option<u32>) {
    if let Some(o) = o {
        w.byte(b'<');
        w.num32(o);
        w.byte(b'>');
    }
}

/// `1.2.3`.
fn part_numbers(w: &mut Writer<'_>, part: &[u32]) {
    for (i, n) in part.iter().enumerate() {
        if i > 0 {
            w.byte(b'.');
        }
        w.num32(*n);
    }
}

/// `[1.2]` (`section-binary`).
fn section_binary(w: &mut Writer<'_>, part: &[u32]) {
    w.byte(b'[');
    part_numbers(w, part);
    w.byte(b']');
}

/// `[section-spec]`.
pub(super) fn section(w: &mut Writer<'_>, s: &Section) {
    w.byte(b'[');
    part_numbers(w, &s.part);
    if let Some(text) = &s.text {
        if !s.part.is_empty() {
            w.byte(b'.');
        }
        match text {
            SectionText::Header => w.put(b"HEADER"),
            SectionText::HeaderFields(names) => {
                w.put(b"HEADER.FIELDS ");
                w.paren_list(names, |w, n| w.astring(n));
            }
            SectionText::HeaderFieldsNot(names) => {
                w.put(b"HEADER.FIELDS.NOT ");
                w.paren_list(names, |w, n| w.astring(n));
            }
            SectionText::Text => w.put(b"TEXT"),
            SectionText::Mime => w.put(b"MIME"),
        }
    }
    w.byte(b']');
}

/// One `msg-att` item of a FETCH response.
pub(super) fn fetch_data(w: &mut Writer<'_>, d: &FetchData) {
    match d {
        FetchData::Flags(flags) => {
            w.put(b"FLAGS ");
            w.flag_list(flags);
        }
        FetchData::Uid(uid) => {
            w.put(b"UID ");
            w.num32(uid.get());
        }
        FetchData::InternalDate(dt) => {
            w.put(b"INTERNALDATE ");
            w.date_time(dt);
        }
        FetchData::Rfc822Size(n) => {
            w.put(b"RFC822.SIZE ");
            w.num(*n);
        }
        FetchData::Envelope(e) => {
            w.put(b"ENVELOPE ");
            body::envelope(w, &e.to_envelope());
        }
        FetchData::Body(b) => {
            w.put(b"BODY ");
            body::body(w, &b.to_structure(), false);
        }
        FetchData::BodyStructure(b) => {
            w.put(b"BODYSTRUCTURE ");
            body::body(w, &b.to_structure(), true);
        }
        FetchData::BodySection {
            section,
            origin,
            data,
        } => {
            w.put(b"BODY");
            self::section(w, section);
            self::origin(w, *origin);
            w.sp();
            w.nliteral(data.as_ref(), false);
        }
        FetchData::Binary { part, origin, data } => {
            w.put(b"BINARY");
            section_binary(w, part);
            self::origin(w, *origin);
            w.sp();
            w.nliteral(data.as_ref(), true);
        }
        FetchData::BinarySize { part, size } => {
            w.put(b"BINARY.SIZE");
            section_binary(w, part);
            w.sp();
            w.num(*size);
        }
        FetchData::Rfc822(s) => {
            w.put(b"RFC822 ");
            w.nliteral(s.as_ref(), false);
        }
        FetchData::Rfc822Header(s) => {
            w.put(b"RFC822.HEADER ");
            w.nliteral(s.as_ref(), false);
        }
        FetchData::Rfc822Text(s) => {
            w.put(b"RFC822.TEXT ");
            w.nliteral(s.as_ref(), false);
        }
        FetchData::ModSeq(n) => {
            w.put(b"MODSEQ (");
            w.num(*n);
            w.byte(b')');
        }
        FetchData::EmailId(id) => {
            w.put(b"EMAILID (");
            w.atom_or_string(id);
            w.byte(b')');
        }
        FetchData::ThreadId(id) => {
            w.put(b"THREADID ");
            match id {
                Some(id) => {
                    w.byte(b'(');
                    w.atom_or_string(id);
                    w.byte(b')');
                }
                None => w.nil(),
            }
        }
        FetchData::Preview(s) => {
            w.put(b"PREVIEW ");
            w.nstring(s.as_ref());
        }
        FetchData::SaveDate(dt) => {
            w.put(b"SAVEDATE ");
            match dt {
                Some(dt) => w.date_time(dt),
                None => w.nil(),
            }
        }
        FetchData::GmMsgId(n) => {
            w.put(b"X-GM-MSGID ");
            w.num(*n);
        }
        FetchData::GmThrId(n) => {
            w.put(b"X-GM-THRID ");
            w.num(*n);
        }
        FetchData::GmLabels(labels) => {
            w.put(b"X-GM-LABELS ");
            w.paren_list(labels, gm_label);
        }
        FetchData::Other { name, value } => {
            w.put_clean(name.as_bytes());
            if !value.is_empty() {
                w.sp();
                w.raw_with_literals(value.bytes());
            }
        }
    }
}

/// A Gmail label: a system label `\Name` bare (as Gmail writes it), anything else an astring.
pub(super) fn gm_label(w: &mut Writer<'_>, label: &Str) {
    let b = label.as_bytes();
    match b.strip_prefix(b"\\") {
        Some(name)
            if !name.is_empty() && name.iter().all(|&c| crate::types::string::is_atom_char(c)) =>
        {
            w.put(b);
        }
        _ => w.astring(label),
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::cmd;
    use crate::types::*;

    fn fetch(items: FetchItems) -> String {
        cmd(CommandBody::Fetch {
            set: MessageSet::Seq(SeqSet::range(
                SeqNum::new(2).unwrap(),
                SeqNum::new(4).unwrap(),
            )),
            items,
            changed_since: None,
            vanished: false,
        })
    }

    fn one(i: FetchItem) -> String {
        fetch(FetchItems::Items(vec![i]))
    }

    fn sec(part: Vec<u32>, text: Option<SectionText>) -> Section {
        Section { part, text }
    }

    fn fd(seq: u32, data: Vec<FetchData>) -> String {
        super::super::tests::data(Data::Fetch {
            seq: SeqNum::new(seq).unwrap(),
            data,
        })
    }

    #[test]
    fn macros_and_lists() {
        assert_eq!(fetch(FetchItems::All), "a1 FETCH 2:4 ALL\r\n");
        assert_eq!(fetch(FetchItems::Fast), "a1 FETCH 2:4 FAST\r\n");
        assert_eq!(fetch(FetchItems::Full), "a1 FETCH 2:4 FULL\r\n");
        assert_eq!(one(FetchItem::Flags), "a1 FETCH 2:4 FLAGS\r\n");
        assert_eq!(
            fetch(FetchItems::Items(vec![
                FetchItem::Flags,
                FetchItem::BodySection {
                    section: sec(
                        vec![],
                        Some(SectionText::HeaderFields(vec![
                            Str::from("DATE"),
                            Str::from("FROM")
                        ]))
                    ),
                    partial: None,
                    peek: false
                }
            ])),
            "a1 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n"
        );
    }

    #[test]
    fn every_item() {
        let cases: Vec<(FetchItem, &str)> = vec![
            (FetchItem::Envelope, "ENVELOPE"),
            (FetchItem::Flags, "FLAGS"),
            (FetchItem::InternalDate, "INTERNALDATE"),
            (FetchItem::Rfc822Size, "RFC822.SIZE"),
            (FetchItem::Body, "BODY"),
            (FetchItem::BodyStructure, "BODYSTRUCTURE"),
            (FetchItem::Uid, "UID"),
            (
                FetchItem::BodySection {
                    section: sec(vec![], None),
                    partial: None,
                    peek: false,
                },
                "BODY[]",
            ),
            (
                FetchItem::BodySection {
                    section: sec(vec![], None),
                    partial: Some(Partial {
                        offset: 0,
                        count: 2048,
                    }),
                    peek: true,
                },
                "BODY.PEEK[]<0.2048>",
            ),
            (
                FetchItem::BodySection {
                    section: sec(vec![1, 2, 3], Some(SectionText::Mime)),
                    partial: None,
                    peek: false,
                },
                "BODY[1.2.3.MIME]",
            ),
            (
                FetchItem::BodySection {
                    section: sec(vec![4, 2], Some(SectionText::Header)),
                    partial: None,
                    peek: true,
                },
                "BODY.PEEK[4.2.HEADER]",
            ),
            (
                FetchItem::BodySection {
                    section: sec(vec![], Some(SectionText::Text)),
                    partial: None,
                    peek: false,
                },
                "BODY[TEXT]",
            ),
            (
                FetchItem::BodySection {
                    section: sec(
                        vec![],
                        Some(SectionText::HeaderFieldsNot(vec![
                            Str::from("Subject"),
                            Str::from("X Y"),
                        ])),
                    ),
                    partial: None,
                    peek: true,
                },
                "BODY.PEEK[HEADER.FIELDS.NOT (Subject \"X Y\")]",
            ),
            (
                FetchItem::BodySection {
                    section: sec(vec![3], None),
                    partial: None,
                    peek: false,
                },
                "BODY[3]",
            ),
            (
                FetchItem::Binary {
                    part: vec![1, 2],
                    partial: None,
                    peek: false,
                },
                "BINARY[1.2]",
            ),
            (
                FetchItem::Binary {
                    part: vec![],
                    partial: Some(Partial {
                        offset: 100,
                        count: 50,
                    }),
                    peek: true,
                },
                "BINARY.PEEK[]<100.50>",
            ),
            (FetchItem::BinarySize { part: vec![3] }, "BINARY.SIZE[3]"),
            (FetchItem::Rfc822, "RFC822"),
            (FetchItem::Rfc822Header, "RFC822.HEADER"),
            (FetchItem::Rfc822Text, "RFC822.TEXT"),
            (FetchItem::ModSeq, "MODSEQ"),
            (FetchItem::EmailId, "EMAILID"),
            (FetchItem::ThreadId, "THREADID"),
            (FetchItem::Preview { lazy: false }, "PREVIEW"),
            (FetchItem::Preview { lazy: true }, "PREVIEW (LAZY)"),
            (FetchItem::SaveDate, "SAVEDATE"),
            (FetchItem::GmMsgId, "X-GM-MSGID"),
            (FetchItem::GmThrId, "X-GM-THRID"),
            (FetchItem::GmLabels, "X-GM-LABELS"),
            (FetchItem::Other(Atom::from_static("X-FOO")), "X-FOO"),
        ];
        for (item, want) in cases {
            assert_eq!(one(item), format!("a1 FETCH 2:4 {want}\r\n"));
        }
    }

    #[test]
    fn modifiers_and_uid() {
        assert_eq!(
            cmd(CommandBody::Fetch {
                set: MessageSet::Uid(UidSet::all()),
                items: FetchItems::Items(vec![FetchItem::Flags]),
                changed_since: Some(12345),
                vanished: true,
            }),
            "a1 UID FETCH 1:* FLAGS (CHANGEDSINCE 12345 VANISHED)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Fetch {
                set: MessageSet::Seq(SeqSet::all()),
                items: FetchItems::Items(vec![FetchItem::Flags, FetchItem::ModSeq]),
                changed_since: Some(12345),
                vanished: false,
            }),
            "a1 FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Fetch {
                set: MessageSet::Saved { uid: false },
                items: FetchItems::Fast,
                changed_since: None,
                vanished: false,
            }),
            "a1 FETCH $ FAST\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Fetch {
                set: MessageSet::Saved { uid: true },
                items: FetchItems::Fast,
                changed_since: None,
                vanished: false,
            }),
            "a1 UID FETCH $ FAST\r\n"
        );
    }

    #[test]
    fn fetch_responses() {
        let dt = DateTime::new(Date::new(1996, 7, 17).unwrap(), 2, 44, 25, -420).unwrap();
        assert_eq!(
            fd(
                12,
                vec![
                    FetchData::Flags(vec![Flag::Seen]),
                    FetchData::InternalDate(dt),
                    FetchData::Rfc822Size(4286),
                    FetchData::Uid(Uid::new(4827313).unwrap()),
                ]
            ),
            "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 UID 4827313)\r\n"
        );
        assert_eq!(
            fd(
                12,
                vec![FetchData::BodySection {
                    section: Section::default(),
                    origin: None,
                    data: Some(Str::from("Subject: x\r\n\r\nhi\r\n")),
                }]
            ),
            "* 12 FETCH (BODY[] {18}\r\nSubject: x\r\n\r\nhi\r\n)\r\n"
        );
        // Short sections too go out as literals, as Dovecot and Cyrus send them (curl cannot
        // read `BODY[1]<0> "short"`; imaplib returns it in another shape).
        assert_eq!(
            fd(
                12,
                vec![FetchData::BodySection {
                    section: sec(vec![1], None),
                    origin: Some(0),
                    data: Some(Str::from("short")),
                }]
            ),
            "* 12 FETCH (BODY[1]<0> {5}\r\nshort)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![FetchData::BodySection {
                    section: sec(
                        vec![],
                        Some(SectionText::HeaderFields(vec![Str::from("FROM")]))
                    ),
                    origin: None,
                    data: None,
                }]
            ),
            "* 1 FETCH (BODY[HEADER.FIELDS (FROM)] NIL)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![FetchData::BodySection {
                    section: Section::default(),
                    origin: None,
                    data: Some(Str::from("NIL")),
                }]
            ),
            "* 1 FETCH (BODY[] {3}\r\nNIL)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![
                    FetchData::Binary {
                        part: vec![1],
                        origin: None,
                        data: Some(Str::from(&b"a\0b"[..]))
                    },
                    FetchData::Binary {
                        part: vec![2],
                        origin: Some(7),
                        data: Some(Str::from("ok"))
                    },
                    FetchData::Binary {
                        part: vec![],
                        origin: None,
                        data: None
                    },
                    FetchData::BinarySize {
                        part: vec![1, 2],
                        size: 2000
                    },
                ]
            ),
            "* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY[2]<7> {2}\r\nok BINARY[] NIL BINARY.SIZE[1.2] 2000)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![
                    FetchData::Rfc822(None),
                    FetchData::Rfc822Header(Some(Str::from("a"))),
                    FetchData::Rfc822Text(Some(Str::from(""))),
                ]
            ),
            "* 1 FETCH (RFC822 NIL RFC822.HEADER {1}\r\na RFC822.TEXT {0}\r\n)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![
                    FetchData::ModSeq(12121231000),
                    FetchData::EmailId(Str::from("M6d99ac3275bb4e")),
                    FetchData::ThreadId(Some(Str::from("T64b478a75b7ea9"))),
                    FetchData::ThreadId(None),
                    FetchData::Preview(Some(Str::from("Hello"))),
                    FetchData::Preview(None),
                    FetchData::SaveDate(Some(dt)),
                    FetchData::SaveDate(None),
                ]
            ),
            "* 1 FETCH (MODSEQ (12121231000) EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) \
             THREADID NIL PREVIEW \"Hello\" PREVIEW NIL SAVEDATE \"17-Jul-1996 02:44:25 -0700\" SAVEDATE NIL)\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![
                    FetchData::GmMsgId(1278455344230334865),
                    FetchData::GmThrId(1266894439832287888),
                    FetchData::GmLabels(vec![
                        Str::from("\\Inbox"),
                        Str::from("\\Sent"),
                        Str::from("Important"),
                        Str::from("Muy Importante"),
                        Str::from("\\"),
                    ]),
                ]
            ),
            "* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 \
             X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" \"\\\\\"))\r\n"
        );
        assert_eq!(
            fd(
                1,
                vec![
                    FetchData::Other {
                        name: Str::from("X-FOO"),
                        value: Str::from("(1 2)")
                    },
                    FetchData::Other {
                        name: Str::from("X-BAR"),
                        value: Str::from("{2}\r\nab")
                    },
                ]
            ),
            "* 1 FETCH (X-FOO (1 2) X-BAR {2}\r\nab)\r\n"
        );
    }
}
