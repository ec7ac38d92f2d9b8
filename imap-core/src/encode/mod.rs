//! The encoder: typed [`Command`]s and [`Response`]s to wire bytes.
//!
//! [`encode_command`] and [`encode_response`] write one unit (a command or a response line with
//! its literals) as a list of [`Fragment`]s: [`Fragment::Line`]s, each ending either with CRLF
//! (the end of the unit) or with a literal marker (`{N}\r\n`, `{N+}\r\n`, `~{N}\r\n`,
//! `~{N+}\r\n`) that the following [`Fragment::Literal`] fills. A client driver sends a line,
//! waits for the server's `+` before a synchronizing literal (`sync: true`), then sends the
//! literal's bytes and goes on with the next fragment. [`Encoded::to_vec`] gives all the bytes at
//! once (for responses, or for commands without synchronizing literals).
//!
//! Everything is written into one buffer that is split into the line fragments; literal data
//! that comes from a [`Str`](crate::types::Str) is shared, not copied.
//!
//! # String representation
//!
//! Strings choose their representation from their bytes and their slot:
//!
//! * **astring slots** (mailbox names, user names, passwords, SEARCH values, header field names,
//!   quota roots, ACL identifiers and rights, METADATA entries, ...): an *atom* when the bytes
//!   are non-empty `ASTRING-CHAR`s and are not `NIL` in any case (which some readers would take
//!   for a `NIL`); LIST patterns also allow `%` and `*` (`list-char`).
//! * otherwise, and always in **string / nstring slots** (ENVELOPE and BODYSTRUCTURE fields,
//!   FETCH section data, ID parameters, NAMESPACE prefixes, the ESEARCH `TAG`, ...): a *quoted*
//!   string when it is at most 1024 bytes and every byte is a `TEXT-CHAR` (no NUL, CR or LF;
//!   8-bit bytes only when [`EncodeOptions::utf8`] is set and the whole value is valid UTF-8),
//!   with `"` and `\` escaped. So the 3-byte string `NIL` is written `"NIL"`, and `None` in an
//!   nstring slot is `NIL`.
//! * otherwise a *literal*. A client writes `{N}` (synchronizing), or `{N+}` with
//!   [`EncodeOptions::literal_plus`], or with [`EncodeOptions::literal_minus`] when N <= 4096.
//!   A server always writes `{N}` and never waits (`sync: false`).
//! * `literal8` (`~{N}`) only where the grammar allows it: an APPEND message with
//!   `binary: true` (always), and `BINARY[...]` FETCH data and METADATA values when the value
//!   holds a NUL byte. A NUL byte anywhere else is not representable; such a value is written as
//!   an ordinary literal, which keeps the framing intact.
//!
//! Mailbox names ([`Mailbox::name`](crate::types::Mailbox::name)) are written in modified
//! UTF-7, or as UTF-8 when [`EncodeOptions::utf8`] is set; undecodable names
//! ([`Mailbox::raw`](crate::types::Mailbox::raw)) are written back byte for byte; both then
//! follow the astring rules. Charsets (SEARCH, SORT, THREAD, `BADCHARSET`) are an atom when
//! possible, else a quoted string, else a literal.
//!
//! # Framing safety
//!
//! No value can put a CR or LF into a line or unbalance a literal:
//!
//! * Human-readable text (`resp-text` of status responses and continuation requests) and the
//!   raw text of unknown response codes cannot carry CR, LF or NUL: each such byte is replaced
//!   with a space. In a response code's arguments `]` is replaced with a space too, since it
//!   would end the code.
//! * Raw values kept from a parse ([`Data::Other`](crate::types::Data::Other),
//!   [`FetchData::Other`](crate::types::FetchData::Other),
//!   [`ESearchData::Other`](crate::types::ESearchData::Other),
//!   [`StatusValue::Raw`](crate::types::StatusValue::Raw), extended LIST items, the
//!   [`RawArgs`](crate::types::RawArgs) of an unknown command) are written as held; a `{N}` /
//!   `~{N}` marker followed by CRLF and at least N bytes inside them becomes a real literal
//!   (in a command, synchronizing unless the marker is `{N+}` or `{N-}`), and every other CR,
//!   LF or NUL is replaced with a space.
//! * A line never ends with something that looks like a literal marker unless it is one: if raw
//!   text or `resp-text` ends with `{N}`, `{N+}` or `{N-}`, a space is appended before the CRLF.
//! * A response never ends right after a literal's data while a parenthesis is open (raw text
//!   can leave one open): a client-role framer would take the CRLF for the extra line end
//!   servers write after a FETCH literal and read on, so a space is appended before the CRLF.
//! * A delimiter byte (LIST, NAMESPACE) that cannot be quoted (CR, LF, NUL, 8-bit) is written
//!   as `NIL`.
//!
//! # Empty `resp-text`
//!
//! RFC 9051 has `resp-text = ["[" resp-text-code "]" SP] [text]`. When the text is empty the
//! encoder writes no trailing space: `* OK`, `a1 OK [READ-WRITE]`, `* BYE`, as Gmail, iCloud and
//! Exchange do and as common parsers (go-imap, ruby net-imap, imap-proto, swift-nio-imap)
//! accept. A continuation request with neither code nor text is written `+ ` (with the space:
//! `"+" SP base64` with empty base64, valid in RFC 3501 and RFC 9051, and what Dovecot and Cyrus
//! send for an empty SASL challenge); with a code and no text it is `+ [CODE]`.
//!
//! A text that starts with `[` while there is no code will be read back as a code; the encoder
//! does not change it.

mod body;
mod code;
mod command;
mod fetch;
mod mailbox_data;
mod notify;
mod response;
mod search;
mod writer;

use crate::types::{Command, Response};
use bytes::Bytes;
use writer::{Side, Writer};

/// One piece of an encoded unit.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Fragment {
    /// Bytes of a line. A line ends either with CRLF (the end of the unit) or with a literal
    /// marker `{N}\r\n`, `{N+}\r\n`, `~{N}\r\n` or `~{N+}\r\n` that the next fragment, a
    /// [`Fragment::Literal`], fills.
    Line(Bytes),
    /// The data of a literal announced at the end of the previous line.
    Literal {
        /// The literal's bytes.
        data: Bytes,
        /// Synchronizing (`{N}` from a client): the client must wait for the server's
        /// continuation request before sending `data`. Always `false` in responses.
        sync: bool,
        /// `literal8` (`~{N}`, RFC 3516): the data may hold NUL bytes.
        binary: bool,
    },
}

impl Fragment {
    /// The fragment's bytes on the wire (the line, or the literal's data).
    pub fn as_bytes(&self) -> &Bytes {
        match self {
            Fragment::Line(b) => b,
            Fragment::Literal { data, .. } => data,
        }
    }
}

/// What the peer has enabled or advertised that changes how values are written.
///
/// The default (all `false`) is plain IMAP4rev1 / IMAP4rev2 without extensions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct EncodeOptions {
    /// `UTF8=ACCEPT` is enabled (RFC 9755): mailbox names are written as UTF-8 instead of
    /// modified UTF-7, and quoted strings may hold 8-bit bytes when they are valid UTF-8.
    pub utf8: bool,
    /// The server supports `LITERAL+` (RFC 7888): every literal a client writes is
    /// non-synchronizing (`{N+}`).
    pub literal_plus: bool,
    /// The server supports `LITERAL-` (RFC 7888): literals of at most 4096 bytes a client
    /// writes are non-synchronizing. [`EncodeOptions::literal_plus`] takes precedence.
    pub literal_minus: bool,
}

/// An encoded command or response: its fragments, in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Encoded {
    fragments: Vec<Fragment>,
}

impl Encoded {
    /// The fragments, in the order they go on the wire.
    pub fn fragments(&self) -> &[Fragment] {
        &self.fragments
    }

    /// Consumes the value, returning the fragments.
    pub fn into_fragments(self) -> Vec<Fragment> {
        self.fragments
    }

    /// All bytes of every fragment, concatenated.
    pub fn to_vec(&self) -> Vec<u8> {
        let len = self.fragments.iter().map(|f| f.as_bytes().len()).sum();
        let mut out = Vec::with_capacity(len);
        for f in &self.fragments {
            out.extend_from_slice(f.as_bytes());
        }
        out
    }
}

/// Encodes a client command, ending with CRLF.
///
/// See the [module documentation](self) for how strings are represented.
pub fn encode_command(cmd: &Command, opts: &EncodeOptions) -> Encoded {
    let mut w = Writer::new(opts, Side::Client);
    command::command(&mut w, cmd);
    w.finish()
}

/// Encodes a server response, ending with CRLF. Literals are written `{N}` and never waited on
/// (`sync: false`).
///
/// See the [module documentation](self) for how strings and texts are represented.
pub fn encode_response(resp: &Response, opts: &EncodeOptions) -> Encoded {
    let mut w = Writer::new(opts, Side::Server);
    response::response(&mut w, resp);
    w.finish()
}

/// Appends one FETCH data item as it appears inside a FETCH response's parentheses
/// (`FLAGS (\\Seen)`, `ENVELOPE (...)`, `BODY[] {5}\r\nhello`) to `out`: the same bytes
/// [`encode_response`] writes for it, literals inline (marker, CRLF and data in one buffer).
///
/// For a server that keeps the encoding of what never changes (a message's ENVELOPE or
/// BODYSTRUCTURE) and sends it again with [`ServerSession::send_encoded`](crate::server::ServerSession::send_encoded).
/// Message data is copied: large literals are better sent as [`FetchData`](crate::types::FetchData)
/// in a [`Response`], which shares them.
pub fn encode_fetch_data(
    out: &mut bytes::BytesMut,
    data: &crate::types::FetchData,
    opts: &EncodeOptions,
) {
    let mut w = Writer::with_buffer(std::mem::take(out), opts, Side::Server);
    fetch::fetch_data(&mut w, data);
    *out = w.into_inline();
}

/// The line a client sends in answer to an AUTHENTICATE challenge: `data` in base64, then
/// CRLF. Empty data gives an empty line.
pub fn encode_authenticate_response(data: &[u8]) -> Bytes {
    use base64::Engine as _;
    let mut s = base64::engine::general_purpose::STANDARD.encode(data);
    s.push_str("\r\n");
    Bytes::from(s)
}

/// Whether `line` ends with something a reader would take for a literal marker (`{N}`,
/// `{N+}`, `{N-}`, `~{N}`); the encoder appends a space after such a line end.
#[cfg(any(test, feature = "arbitrary"))]
pub(crate) fn ends_with_literal_marker(line: &[u8]) -> bool {
    writer::literal_marker_shape(line).is_some()
}

/// A `section-spec` (RFC 9051 section 9) without its brackets: `1.2.MIME`,
/// `HEADER.FIELDS (To)`, empty for the whole message; what an IMAP URL's `;SECTION=` holds
/// before percent-encoding (RFC 5092 section 9).
pub fn encode_section_spec(section: &crate::types::Section) -> Vec<u8> {
    let opts = EncodeOptions::default();
    let mut w = Writer::new(&opts, Side::Client);
    fetch::section(&mut w, section);
    // `[spec]` and the CRLF `finish` ends every unit with.
    let v = w.finish().to_vec();
    let spec = v.strip_suffix(b"]\r\n").unwrap_or(&v);
    spec.strip_prefix(b"[").unwrap_or(spec).to_vec()
}

/// A value written as a command would carry it, as text for people (`Display` of the types that
/// have a text form): one line, without the CRLF that ends a unit. A string that needs a literal
/// shows it as the command would send it (`{3}` CRLF and the bytes).
fn text_form(write: impl FnOnce(&mut Writer<'_>)) -> String {
    // UTF-8 strings quoted (RFC 9051 `utf8-quoted`), as people write them, not as literals.
    let opts = EncodeOptions {
        utf8: true,
        ..EncodeOptions::default()
    };
    let mut w = Writer::new(&opts, Side::Client);
    write(&mut w);
    let v = w.finish().to_vec();
    let v = v
        .strip_suffix(b" \r\n")
        .or(v.strip_suffix(b"\r\n"))
        .unwrap_or(&v);
    String::from_utf8_lossy(v).into_owned()
}

/// FETCH items as a command writes them: `(FLAGS BODY.PEEK[HEADER.FIELDS (FROM)])`, `ALL`.
pub(crate) fn fetch_items_text(items: &crate::types::FetchItems) -> String {
    text_form(|w| fetch::fetch_items(w, items))
}

/// SEARCH criteria as a command writes them, `CHARSET name` first when given.
pub(crate) fn search_text(
    charset: Option<&crate::types::Str>,
    keys: &[crate::types::SearchKey],
) -> String {
    text_form(|w| {
        if let Some(c) = charset {
            w.put(b"CHARSET ");
            w.charset(c);
            w.sp();
        }
        search::keys(w, keys);
    })
}

/// A response code (`resp-text-code`, RFC 9051 section 9) without its brackets, as the server
/// writes it: `AUTHENTICATIONFAILED`, `UIDNEXT 4`; for messages that quote a server's answer.
pub fn encode_code(code: &crate::types::Code) -> Vec<u8> {
    let opts = EncodeOptions::default();
    let mut w = Writer::new(&opts, Side::Server);
    code::code(&mut w, code);
    let mut v = w.finish().to_vec();
    // The CRLF `finish` ends every unit with.
    v.truncate(v.len().saturating_sub(2));
    v
}

/// `DONE\r\n`, which ends IDLE.
pub fn encode_done() -> Bytes {
    Bytes::from_static(b"DONE\r\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::types::*;

    /// The whole encoded command as text (lossy), for known-answer tests.
    pub(crate) fn cmd(body: CommandBody) -> String {
        cmd_with(body, EncodeOptions::default())
    }

    /// Like [`cmd`] with options.
    pub(crate) fn cmd_with(body: CommandBody, opts: EncodeOptions) -> String {
        let c = Command {
            tag: Tag::try_from("a1").unwrap(),
            body,
        };
        let e = encode_command(&c, &opts);
        check_framing(&e);
        String::from_utf8_lossy(&e.to_vec()).into_owned()
    }

    /// The whole encoded response as text (lossy).
    pub(crate) fn resp(r: Response) -> String {
        resp_with(r, EncodeOptions::default())
    }

    /// Like [`resp`] with options.
    pub(crate) fn resp_with(r: Response, opts: EncodeOptions) -> String {
        let e = encode_response(&r, &opts);
        check_framing(&e);
        String::from_utf8_lossy(&e.to_vec()).into_owned()
    }

    /// Untagged data, encoded.
    pub(crate) fn data(d: Data) -> String {
        resp(Response::Data(d))
    }

    /// Asserts the framing invariants: lines end with CRLF and hold no other CR or LF; a line
    /// ending with a literal marker is followed by a literal of that size; the unit ends with a
    /// plain CRLF line.
    pub(crate) fn check_framing(e: &Encoded) {
        if let Err(msg) = framing_error(e) {
            panic!("{msg}: {:?}", e.fragments());
        }
    }

    /// The first framing invariant `e` breaks, if any.
    pub(crate) fn framing_error(e: &Encoded) -> Result<(), String> {
        let f = e.fragments();
        if f.is_empty() {
            return Err("no fragment".into());
        }
        let mut i = 0;
        while i < f.len() {
            let Fragment::Line(line) = &f[i] else {
                return Err(format!("fragment {i} is a literal without a marker"));
            };
            let Some(body) = line.strip_suffix(b"\r\n") else {
                return Err(format!("line {i} does not end with CRLF"));
            };
            if body.iter().any(|&b| b == b'\r' || b == b'\n') {
                return Err(format!("line {i} holds CR or LF"));
            }
            match writer::literal_marker(body) {
                Some((n, plus, tilde)) => {
                    let Some(Fragment::Literal { data, sync, binary }) = f.get(i + 1) else {
                        return Err(format!("line {i} announces a literal that is missing"));
                    };
                    if data.len() as u64 != n || *binary != tilde || (*sync && plus) {
                        return Err(format!("literal {} does not match its marker", i + 1));
                    }
                    if i + 2 >= f.len() {
                        return Err("unit ends after a literal".into());
                    }
                    i += 2;
                }
                None if i + 1 == f.len() => return Ok(()),
                None => return Err(format!("line {i} ends the unit early")),
            }
        }
        Err("unit ends after a literal".into())
    }

    #[test]
    fn rfc9051_select_transcript() {
        let ok = |code, text: &str| {
            Response::Status(StatusResponse {
                tag: None,
                kind: StatusKind::Ok,
                code: Some(code),
                text: Str::from(text),
            })
        };
        let responses = vec![
            Response::Data(Data::Exists(172)),
            ok(
                Code::UidValidity(std::num::NonZeroU32::new(3857529045).unwrap()),
                "UIDs valid",
            ),
            ok(Code::UidNext(Uid::new(4392).unwrap()), "Predicted next UID"),
            Response::Data(Data::Flags(vec![
                Flag::Answered,
                Flag::Flagged,
                Flag::Deleted,
                Flag::Seen,
                Flag::Draft,
            ])),
            ok(
                Code::PermanentFlags(vec![
                    FlagPerm::Flag(Flag::Deleted),
                    FlagPerm::Flag(Flag::Seen),
                    FlagPerm::Wildcard,
                ]),
                "Limited",
            ),
            Response::Data(Data::List(ListEntry {
                attributes: vec![],
                delimiter: Some(b'/'),
                mailbox: Mailbox::inbox(),
                extended: vec![],
            })),
            Response::Status(StatusResponse {
                tag: Some(Tag::try_from("A142").unwrap()),
                kind: StatusKind::Ok,
                code: Some(Code::ReadWrite),
                text: Str::from("SELECT completed"),
            }),
        ];
        let wire: String = responses.into_iter().map(resp).collect();
        assert_eq!(
            wire,
            "* 172 EXISTS\r\n\
             * OK [UIDVALIDITY 3857529045] UIDs valid\r\n\
             * OK [UIDNEXT 4392] Predicted next UID\r\n\
             * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
             * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n\
             * LIST () \"/\" INBOX\r\n\
             A142 OK [READ-WRITE] SELECT completed\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default()
            }),
            "a1 SELECT INBOX\r\n"
        );
    }

    #[test]
    fn crlf_injection_attempts() {
        let evil = Str::from("x\r\na2 DELETE INBOX");
        let bad_atom = Atom::unchecked(Bytes::from_static(b"A\r\nB"));
        let utf8 = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        let commands = vec![
            CommandBody::Login {
                username: evil.clone(),
                password: crate::secret::Secret::new(evil.clone()),
            },
            CommandBody::Select {
                mailbox: Mailbox::new("x\r\na2 DELETE INBOX"),
                params: SelectParams::default(),
            },
            CommandBody::Select {
                mailbox: Mailbox::from_raw(evil.bytes().clone()),
                params: SelectParams::default(),
            },
            CommandBody::Search {
                uid: false,
                returns: None,
                charset: Some(evil.clone()),
                criteria: vec![
                    SearchKey::Subject(evil.clone()),
                    SearchKey::Keyword(bad_atom.clone()),
                ],
            },
            CommandBody::Enable(vec![Capability::Other(bad_atom.clone())]),
            CommandBody::Authenticate {
                mechanism: bad_atom.clone(),
                initial: Some(crate::secret::Secret::new(Bytes::from_static(b"\r\n"))),
            },
            CommandBody::Other {
                name: bad_atom.clone(),
                args: RawArgs::unchecked(Bytes::from_static(b"\r\na2 LOGOUT")),
            },
            CommandBody::Id(Some(vec![(evil.clone(), Some(evil.clone()))])),
        ];
        for body in commands {
            for opts in [EncodeOptions::default(), utf8] {
                let c = Command {
                    tag: Tag::unchecked(Bytes::from_static(b"a\r\n1")),
                    body: body.clone(),
                };
                let e = encode_command(&c, &opts);
                check_framing(&e);
                // The injected command never starts a line of its own.
                for f in e.fragments() {
                    if let Fragment::Line(l) = f {
                        assert!(!l.starts_with(b"a2 "), "{:?}", e.fragments());
                    }
                }
            }
        }
        let responses = vec![
            Response::Status(StatusResponse {
                tag: Some(Tag::unchecked(Bytes::from_static(b"a\r\n1"))),
                kind: StatusKind::Ok,
                code: Some(Code::Other {
                    name: bad_atom.clone(),
                    args: Some(evil.clone()),
                }),
                text: evil.clone(),
            }),
            Response::Continue(Continue {
                code: Some(Code::Referral(evil.clone())),
                text: evil.clone(),
            }),
            Response::Data(Data::Other {
                name: evil.clone(),
                rest: evil.clone(),
            }),
            Response::Data(Data::Fetch {
                seq: SeqNum::new(1).unwrap(),
                data: vec![
                    FetchData::Other {
                        name: evil.clone(),
                        value: evil.clone(),
                    },
                    FetchData::EmailId(evil.clone()),
                    FetchData::GmLabels(vec![evil.clone()]),
                ],
            }),
            Response::Data(Data::Status {
                mailbox: Mailbox::from_raw(evil.bytes().clone()),
                items: vec![
                    (
                        StatusItem::Other(bad_atom.clone()),
                        StatusValue::Raw(evil.clone()),
                    ),
                    (StatusItem::MailboxId, StatusValue::MailboxId(evil.clone())),
                ],
            }),
            Response::Data(Data::List(ListEntry {
                attributes: vec![MailboxAttr::Other(bad_atom.clone())],
                delimiter: Some(b'\n'),
                mailbox: Mailbox::new("a\r\nb"),
                extended: vec![(evil.clone(), evil.clone())],
            })),
        ];
        for r in responses {
            for opts in [EncodeOptions::default(), utf8] {
                let e = encode_response(&r, &opts);
                check_framing(&e);
                for f in e.fragments() {
                    if let Fragment::Line(l) = f {
                        assert!(!l.starts_with(b"a2 "), "{:?}", e.fragments());
                    }
                }
            }
        }
    }

    /// An unknown response whose raw rest ends with a literal inside an open parenthesis (what
    /// tolerant parsing reads when a bare LF ends the literal's line) is written with a space
    /// before the CRLF, so that a client-role framer ends the unit there (found by the fuzzer).
    #[test]
    fn a_raw_literal_at_the_end_inside_parentheses_ends_the_unit() {
        let raw = Bytes::from_static(b"* OS(BDY[H {12}\nSubject: x\r$\n");
        let resp =
            crate::parse::parse_response(&raw, &crate::parse::ParseOptions::default()).unwrap();
        let wire = Bytes::from(encode_response(&resp, &EncodeOptions::default()).to_vec());
        assert_eq!(&wire[..], b"* OS(BDY[H {12}\r\nSubject: x\r$ \r\n");
        let mut framer =
            crate::frame::Framer::new(crate::frame::Role::Client, crate::frame::Limits::default());
        framer.push(&wire);
        let Some(Ok(crate::frame::Frame::Unit(unit))) = framer.next_frame() else {
            panic!("not one unit")
        };
        assert_eq!(unit, wire);
        // Balanced parentheses: written as held (the LIST name needs no literal).
        for (r, w) in [
            (&b"* OS(B) {2}\r\nab\r\n"[..], &b"* OS(B) {2}\r\nab\r\n"[..]),
            (
                b"* LIST () \"/\" {5}\r\nINBOX\r\n",
                b"* LIST () \"/\" INBOX\r\n",
            ),
        ] {
            let resp = crate::parse::parse_response(
                &Bytes::copy_from_slice(r),
                &crate::parse::ParseOptions::default(),
            )
            .unwrap();
            assert_eq!(
                encode_response(&resp, &EncodeOptions::default()).to_vec(),
                w
            );
        }
    }

    #[test]
    fn authenticate_response_and_done() {
        assert_eq!(&encode_authenticate_response(b"")[..], b"\r\n");
        assert_eq!(
            &encode_authenticate_response(b"\0user\0pass")[..],
            b"AHVzZXIAcGFzcw==\r\n"
        );
        assert_eq!(&encode_done()[..], b"DONE\r\n");
    }

    /// Each FETCH data item alone is the bytes `encode_response` writes for it inside the
    /// parentheses, literals inline, after what the buffer already held.
    #[test]
    fn fetch_data_alone_is_what_the_response_holds() {
        let items = vec![
            FetchData::Uid(Uid::new(7).unwrap()),
            FetchData::Flags(vec![
                Flag::Seen,
                Flag::Keyword(Atom::try_from("$Junk").unwrap()),
            ]),
            FetchData::ModSeq(12),
            FetchData::Envelope(FetchedEnvelope::new(&Envelope {
                subject: Some(Str::from("caf\u{e9} \"x\"")),
                ..Envelope::default()
            })),
            FetchData::Rfc822Header(Some(Str::from("Subject: a\r\n\r\n"))),
            FetchData::Rfc822Size(44),
        ];
        for utf8 in [false, true] {
            let opts = EncodeOptions {
                utf8,
                ..EncodeOptions::default()
            };
            let whole = encode_response(
                &Response::Data(Data::Fetch {
                    seq: SeqNum::new(3).unwrap(),
                    data: items.clone(),
                }),
                &opts,
            )
            .to_vec();
            let mut out = bytes::BytesMut::from(&b"* 3 FETCH ("[..]);
            for (i, d) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b" ");
                }
                encode_fetch_data(&mut out, d, &opts);
            }
            out.extend_from_slice(b")\r\n");
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole),
                "utf8: {utf8}"
            );
        }
    }

    #[test]
    fn fragments_split_at_literals() {
        let c = Command {
            tag: Tag::try_from("A003").unwrap(),
            body: CommandBody::Append {
                mailbox: Mailbox::new("saved-messages"),
                messages: vec![AppendMessage {
                    flags: vec![Flag::Seen],
                    date: None,
                    data: AppendData::Literal {
                        data: Str::from("Subject: hi\r\n\r\nbody\r\n"),
                        binary: false,
                    },
                }],
            },
        };
        let e = encode_command(&c, &EncodeOptions::default());
        check_framing(&e);
        assert_eq!(
            e.fragments(),
            &[
                Fragment::Line(Bytes::from_static(
                    b"A003 APPEND saved-messages (\\Seen) {21}\r\n"
                )),
                Fragment::Literal {
                    data: Bytes::from_static(b"Subject: hi\r\n\r\nbody\r\n"),
                    sync: true,
                    binary: false
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        let all = e.to_vec();
        assert_eq!(
            all,
            b"A003 APPEND saved-messages (\\Seen) {21}\r\nSubject: hi\r\n\r\nbody\r\n\r\n"
        );
        assert_eq!(e.clone().into_fragments().len(), 3);
    }

    #[test]
    fn literal_data_is_shared_not_copied() {
        let data = Bytes::from(vec![b'\n'; 5000]);
        let c = Command {
            tag: Tag::try_from("a1").unwrap(),
            body: CommandBody::Login {
                username: Str::new(data.clone()),
                password: crate::secret::Secret::new(Str::from("p")),
            },
        };
        let e = encode_command(&c, &EncodeOptions::default());
        let Fragment::Literal { data: lit, .. } = &e.fragments()[1] else {
            panic!("expected a literal");
        };
        assert_eq!(lit.as_ptr(), data.as_ptr());
    }
}
