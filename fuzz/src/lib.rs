//! Helpers shared by the fuzz targets in `fuzz_targets/`.
//!
//! Two input shapes are used:
//!
//! * **raw** (`response`, `command`): a control byte, up to seven piece-size bytes, then the
//!   bytes of the stream (see [`RawInput`]);
//! * **seeded** (`roundtrip_*`, `framer_chunks`): 32 bytes seeding a ChaCha RNG that drives a
//!   proptest strategy of `imap_core::arbitrary`, then bytes the target reads as it likes (see
//!   [`generate`]).

use bytes::Bytes;
use imap_core::encode::{EncodeOptions, encode_command, encode_response};
use imap_core::frame::{Frame, FrameError, Framer, Limits, Role};
use imap_core::parse::{ParseOptions, parse_command, parse_response};
use imap_core::types::{
    BodyStructure, Code, Command, CommandBody, Data, ESearchData, FetchData, PartKind, Response,
    StatusValue, Str,
};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Framer limits for arbitrary input: small, so that a claimed 2 GB literal is refused before
/// anything is allocated and a long line is cut off early. `max_line` stays above
/// `Excerpt::MAX_LEN` (160) so that error excerpts do not depend on how the bytes arrived.
pub const SMALL_LIMITS: Limits = Limits {
    max_line: 1024,
    max_literal: 2048,
    max_unit: 4096,
    max_depth: 32,
};

/// A raw input: `[ctl] [size; ctl & 7] stream...`.
///
/// `ctl` bits 0-2: how many piece-size bytes follow (0: the stream is pushed whole); bit 3:
/// stream literals longer than `(ctl >> 4) & 7` bytes instead of buffering them; bit 7:
/// `UTF8=ACCEPT` mode for parsing and encoding. Each size byte `s` gives a piece of `s + 1`
/// bytes; the sizes repeat until the stream is used up.
#[derive(Debug)]
pub struct RawInput<'a> {
    /// Piece sizes, in order, repeated.
    pub sizes: Vec<usize>,
    /// `Framer::set_stream_threshold`.
    pub stream_threshold: Option<u64>,
    /// `ParseOptions::utf8` and `EncodeOptions::utf8`.
    pub utf8: bool,
    /// The bytes to frame.
    pub stream: &'a [u8],
}

impl<'a> RawInput<'a> {
    /// Splits `data` into its control part and stream; `None` when `data` is empty.
    pub fn new(data: &'a [u8]) -> Option<Self> {
        let (&ctl, rest) = data.split_first()?;
        let n = usize::from(ctl & 7).min(rest.len());
        let (sizes, stream) = rest.split_at(n);
        Some(RawInput {
            sizes: sizes.iter().map(|&s| usize::from(s) + 1).collect(),
            stream_threshold: (ctl & 8 != 0).then_some(u64::from((ctl >> 4) & 7)),
            utf8: ctl & 0x80 != 0,
            stream,
        })
    }
}

/// The pieces of `stream` cut at the repeated `sizes` (one piece if `sizes` is empty).
pub fn pieces<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    if sizes.is_empty() {
        return vec![stream];
    }
    let mut out = Vec::new();
    let mut rest = stream;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        out.push(piece);
        rest = tail;
    }
    out
}

/// What the framer handed out, with the chunks of each streamed literal joined (how a
/// literal's bytes are cut into chunks depends on how they arrived).
#[derive(Debug, PartialEq, Eq)]
pub enum Out {
    /// A complete unit.
    Unit(Bytes),
    /// All chunks of one streamed literal.
    Literal {
        /// `Frame::LiteralChunk::unit_offset`.
        unit_offset: u64,
        /// `Frame::LiteralChunk::total`.
        total: u64,
        /// The bytes of all its chunks.
        data: Vec<u8>,
    },
    /// A frame error.
    Error(FrameError),
}

/// Pushes `pieces` into a new framer and collects everything it hands out. Checks the
/// framer's own invariants on the way: chunks come in order, never empty, never past their
/// literal's length; announcements only in the server role.
pub fn frame(role: Role, limits: Limits, threshold: Option<u64>, pieces: &[&[u8]]) -> Vec<Out> {
    let mut framer = Framer::new(role, limits);
    framer.set_stream_threshold(threshold);
    let mut out = Vec::new();
    for piece in pieces {
        framer.push(piece);
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(Frame::Unit(unit)) => out.push(Out::Unit(unit)),
                Ok(Frame::LiteralChunk {
                    unit_offset,
                    literal_offset,
                    total,
                    data,
                }) => {
                    assert!(!data.is_empty(), "empty literal chunk");
                    if literal_offset == 0 {
                        out.push(Out::Literal {
                            unit_offset,
                            total,
                            data: Vec::new(),
                        });
                    }
                    let Some(Out::Literal {
                        unit_offset: u,
                        total: t,
                        data: d,
                    }) = out.last_mut()
                    else {
                        panic!("literal chunk at offset {literal_offset} without its start");
                    };
                    assert_eq!((*u, *t), (unit_offset, total), "chunk of another literal");
                    assert_eq!(d.len() as u64, literal_offset, "chunk out of order");
                    d.extend_from_slice(&data);
                    assert!(d.len() as u64 <= total, "literal longer than announced");
                    assert!(
                        total <= limits.max_literal,
                        "literal over the limit streamed"
                    );
                }
                Ok(other) => panic!("unknown frame {other:?}"),
                Err(e) => out.push(Out::Error(e)),
            }
        }
        let announced = framer.take_literal_announcement();
        if role == Role::Client {
            assert_eq!(announced, None, "client role announced a literal");
        }
        assert!(
            framer.buffered_len() <= limits.max_unit as usize + piece.len(),
            "framer holds {} bytes",
            framer.buffered_len()
        );
    }
    out
}

/// Frames `stream` whole and in the pieces `input` asks for; both must give the same frames.
/// Returns the units.
pub fn frame_raw(role: Role, input: &RawInput<'_>) -> Vec<Bytes> {
    let cut = pieces(input.stream, &input.sizes);
    let split = frame(role, SMALL_LIMITS, input.stream_threshold, &cut);
    if cut.len() > 1 {
        let whole = frame(role, SMALL_LIMITS, input.stream_threshold, &[input.stream]);
        assert_eq!(split, whole, "framing depends on how the bytes arrive");
    }
    split
        .into_iter()
        .filter_map(|o| match o {
            Out::Unit(u) => Some(u),
            _ => None,
        })
        .collect()
}

/// Whether tolerant mode must read `strict`, a response strict mode parsed, as `tolerant`:
/// always, unless the status text of `strict` starts or ends with a space. Tolerant mode takes
/// runs of spaces for one separator and spaces before the line end for noise (`sp`, `crlf`,
/// `text` in imap-core's parse/core.rs), while to strict mode such spaces are part of the
/// `text`: `a NO  [ALERT] x ` is text " [ALERT] x " strictly, code ALERT and text "x"
/// tolerantly.
pub fn tolerant_agrees(tolerant: &Response, strict: &Response) -> bool {
    let spaced = |t: &Str| t.as_bytes().starts_with(b" ") || t.as_bytes().ends_with(b" ");
    match strict {
        Response::Status(s) if spaced(&s.text) => true,
        Response::Continue(c) if spaced(&c.text) => true,
        _ => tolerant == strict,
    }
}

/// Like [`tolerant_agrees`], for commands: the raw arguments of an unknown command are taken
/// after any number of spaces in tolerant mode, after exactly one in strict mode.
pub fn tolerant_agrees_command(tolerant: &Command, strict: &Command) -> bool {
    match &strict.body {
        CommandBody::Other { args, .. }
            if args.as_bytes().starts_with(b" ") || args.as_bytes().ends_with(b" ") =>
        {
            true
        }
        _ => tolerant == strict,
    }
}

/// Frames encoded bytes, which must be exactly one unit, without errors.
fn one_unit(role: Role, bytes: &[u8]) -> Bytes {
    let out = frame(role, Limits::default(), None, &[bytes]);
    match &out[..] {
        [Out::Unit(u)] if u[..] == *bytes => u.clone(),
        _ => panic!(
            "encoded value does not frame as one unit: {:?}\n{out:?}",
            bytes.escape_ascii().to_string()
        ),
    }
}

/// Parse options matching encode options.
pub fn parse_opts(opts: &EncodeOptions) -> ParseOptions {
    ParseOptions {
        utf8: opts.utf8,
        ..ParseOptions::default()
    }
}

/// `encode(resp)` frames as one unit and parses back to `resp`. Returns the encoded unit.
///
/// For the values listed by [`non_canonical_response`], which tolerant parsing produces from
/// deviations and whose exact bytes the encoder does not write back, the property is narrowed:
/// the encoding must still frame as one unit, and (unless the value cannot be written at all)
/// parse to a value that does round-trip exactly: one encoding normalizes.
pub fn response_round_trip(resp: &Response, opts: &EncodeOptions, parse: &ParseOptions) -> Bytes {
    let bytes = encode_response(resp, opts).to_vec();
    let unit = one_unit(Role::Client, &bytes);
    let non_canonical = non_canonical_response(resp);
    if matches!(non_canonical, Some(NonCanonical::Unwritable(_))) {
        return unit;
    }
    let back = parse_response(&unit, parse).unwrap_or_else(|e| {
        panic!(
            "encoded response does not parse: {e}\n{:?}\nvalue: {resp:?}",
            bytes.escape_ascii().to_string()
        )
    });
    if non_canonical.is_none() {
        assert_eq!(
            &back,
            resp,
            "round trip changed the value; encoded: {:?}",
            bytes.escape_ascii().to_string()
        );
    } else if &back != resp {
        response_round_trip(&back, opts, parse);
    }
    unit
}

/// How a value the wire cannot carry exactly is narrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonCanonical {
    /// No bytes parse back to it; its encoding need only frame.
    Unwritable(&'static str),
    /// The encoder writes a normalized form (documented in `imap_core::encode`, "Framing
    /// safety"); that form must round-trip.
    Normalized(&'static str),
}

/// Checks that the accessors of every packed ENVELOPE and BODY/BODYSTRUCTURE in `resp` read
/// what building the whole value reads ([`imap_core::types::FetchedEnvelope::to_envelope`],
/// [`imap_core::types::FetchedBody::to_structure`]), for the first parts of the first levels.
pub fn packed_views_agree(resp: &Response) {
    let Response::Data(Data::Fetch { data, .. }) = resp else {
        return;
    };
    for item in data {
        match item {
            FetchData::Envelope(e) => {
                let plain = e.to_envelope();
                assert_eq!(e.subject(), plain.subject);
                assert_eq!(e.date(), plain.date);
                assert_eq!(e.message_id(), plain.message_id);
                assert_eq!(e.in_reply_to(), plain.in_reply_to);
                assert_eq!(e.from().collect::<Vec<_>>(), plain.from);
                assert_eq!(e.cc().len(), plain.cc.len());
                assert_eq!(e.bcc().collect::<Vec<_>>(), plain.bcc);
            }
            FetchData::Body(b) | FetchData::BodyStructure(b) => {
                let tree = b.to_structure();
                let mut paths = vec![vec![]];
                while let Some(path) = paths.pop() {
                    let (plain, view) = (tree.part(&path), b.part(&path));
                    assert_eq!(plain.is_some(), view.is_some(), "part {path:?}");
                    let (Some(plain), Some(view)) = (plain, view) else {
                        continue;
                    };
                    assert_eq!(&view.to_structure(), plain);
                    assert_eq!(view.mime_type(), plain.mime_type());
                    if let BodyStructure::Single { part } = plain {
                        assert_eq!(view.params().collect::<Vec<_>>(), part.params);
                        assert_eq!(view.octets(), Some(part.octets));
                        assert_eq!(view.encoding().as_ref(), Some(&part.encoding));
                    }
                    if path.len() < 3 {
                        for k in 1..=4 {
                            let mut p = path.clone();
                            p.push(k);
                            paths.push(p);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Why `resp` has no wire form that parses back to it exactly, if it is such a value:
///
/// * an unknown response that ends with a literal's data inside open parentheses (see
///   `ends_in_literal_inside_parens`): tolerant parsing reads it from a unit whose literal a
///   bare LF ended; the encoder appends a space before the CRLF, or the unit would go on past
///   that line end.
/// * a multipart body with no parts: `body-type-mpart = 1*body SP media-subtype` needs at least
///   one part. Tolerant parsing reads a server's `(NIL "alternative" ...)` that way
///   (MailKit #1393; `BodyStructure::Multi::parts` documents it). Writing `NIL` back would not
///   be canonical either: with extension data, `(NIL "mixed" NIL NIL NIL NIL 5)` is also a
///   single part with a NIL media type, which is how tolerant parsing reads it first.
/// * text and raw values holding bytes that cannot appear there on the wire: the encoder
///   replaces NUL, CR and LF in `resp-text`, in the raw arguments of unknown response codes
///   (and `]` there; empty arguments, `[X ]` in tolerant mode, are written `[X]`, read back
///   as no arguments) and in raw values kept from a parse (`Data::Other`, `FetchData::Other`,
///   `ESearchData::Other`, `StatusValue::Raw`, extended LIST items, BODYSTRUCTURE extension
///   fields kept unreadable) with a space; it appends a
///   space to a line that would end like a literal marker; it writes a hierarchy delimiter
///   that cannot be quoted as `NIL`; a text that starts with `[` where there is no code is
///   written as is and read back as a code when it is one. Tolerant parsing accepts such
///   bytes (8-bit and control characters in text are real-server deviations), so these values
///   come back normalized.
/// * extension data in a `BODY` FETCH item (grammar-valid, as `body` allows it): the encoder
///   writes `BODY` without extension data, as RFC 9051 describes the item.
pub fn non_canonical_response(resp: &Response) -> Option<NonCanonical> {
    use NonCanonical::Normalized;
    let dirty = |b: &Str| b.as_bytes().iter().any(|&c| matches!(c, 0 | b'\r' | b'\n'));
    let ends_like_marker = |b: &Str| marker(b.as_bytes()).is_some();
    let code = |c: &Option<Code>| match c {
        Some(Code::Other { args: Some(a), .. }) => {
            a.is_empty() || dirty(a) || a.as_bytes().contains(&b']')
        }
        Some(Code::Referral(a)) => dirty(a) || a.as_bytes().contains(&b']'),
        _ => false,
    };
    // A text that starts with `[` is read back as a code when it can be one (the encoder does
    // not change it, see imap-core's encode module, "Empty `resp-text`").
    let text = |code: &Option<Code>, t: &Str| {
        dirty(t) || ends_like_marker(t) || (code.is_none() && t.as_bytes().starts_with(b"["))
    };
    let delimiter =
        |d: Option<u8>| d.is_some_and(|c| c == 0 || c >= 0x80 || c == b'\r' || c == b'\n');
    let raw = |r: &Str| !raw_is_canonical(r.as_bytes());
    let salvaged = |name: &Str| {
        [
            &b"BODYSTRUCTURE"[..],
            b"BODY",
            b"ENVELOPE",
            b"INTERNALDATE",
            b"UID",
            b"RFC822.SIZE",
            b"MODSEQ",
            b"FLAGS",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
    };
    let normalized = match resp {
        Response::Status(s) => code(&s.code) || text(&s.code, &s.text),
        Response::Continue(c) => code(&c.code) || text(&c.code, &c.text),
        Response::Data(d) => match d {
            Data::List(e) | Data::Lsub(e) | Data::XList(e) => {
                delimiter(e.delimiter) || e.extended.iter().any(|(_, v)| raw(v))
            }
            Data::Status { items, .. } => items
                .iter()
                .any(|(_, v)| matches!(v, StatusValue::Raw(r) if raw(r))),
            Data::ESearch(e) => e
                .data
                .iter()
                .any(|d| matches!(d, ESearchData::Other { value, .. } if raw(value))),
            Data::Namespace(ns) => [&ns.personal, &ns.other_users, &ns.shared]
                .into_iter()
                .flatten()
                .any(|n| delimiter(n.delimiter)),
            Data::Other { name, rest } => {
                let line = [name.as_bytes(), b" ", rest.as_bytes()].concat();
                dirty(name) || raw(rest) || ends_in_literal_inside_parens(&line)
            }
            Data::Fetch { data, .. } => {
                for item in data {
                    match item {
                        FetchData::Body(b) | FetchData::BodyStructure(b)
                            if has_empty_multipart(&b.to_structure()) =>
                        {
                            return Some(NonCanonical::Unwritable("multipart body with no parts"));
                        }
                        _ => {}
                    }
                }
                data.iter().any(|item| match item {
                    // A typed item whose value no reading could type is kept raw (the last
                    // reading of a failed response); written alone, the rest of the response
                    // canonical, it may read typed: one encoding normalizes.
                    FetchData::Other { name, value } => dirty(name) || raw(value) || salvaged(name),
                    FetchData::Body(b) => has_extension_data(&b.to_structure()),
                    FetchData::BodyStructure(b) => has_unreadable(&b.to_structure(), &raw),
                    _ => false,
                })
            }
            _ => false,
        },
        _ => false,
    };
    normalized.then_some(Normalized("bytes the encoder replaces"))
}

/// If `line` ends with a literal marker (`{N}`, `{N+}`, `{N-}`, after `~` or not): N.
fn marker(line: &[u8]) -> Option<u64> {
    let rest = line.strip_suffix(b"}")?;
    let rest = rest
        .strip_suffix(b"+")
        .or_else(|| rest.strip_suffix(b"-"))
        .unwrap_or(rest);
    let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || !rest[..rest.len() - digits].ends_with(b"{") {
        return None;
    }
    std::str::from_utf8(&rest[rest.len() - digits..])
        .ok()?
        .parse()
        .ok()
}

/// Whether `raw` ends with a literal's data while a parenthesis it opened before the literal is
/// still open. Written at the end of a unit (the rest of an unknown response), the CRLF after it
/// is the empty line that the client-role framer reads as the extra line end servers put after
/// a FETCH literal (`imap_core::frame`), so the unit does not end there. Tolerant parsing reads
/// such a value from a unit whose literal a bare LF ended, which framing tells apart.
fn ends_in_literal_inside_parens(raw: &[u8]) -> bool {
    let (mut open, mut i, mut line_start) = (0usize, 0, 0);
    let (mut quoted, mut literal_end) = (false, None);
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            match b {
                b'\\' => i += 1,
                b'"' => quoted = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'(' => open += 1,
            b')' => open = open.saturating_sub(1),
            b'\n' => {
                let line = &raw[line_start..i];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let end = marker(line)
                    .and_then(|n| usize::try_from(n).ok())
                    .and_then(|n| (i + 1).checked_add(n))
                    .filter(|&end| end <= raw.len());
                if let Some(end) = end {
                    (i, line_start, literal_end) = (end, end, Some(end));
                    continue;
                }
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    literal_end == Some(raw.len()) && open > 0
}

/// Whether the encoder writes raw bytes kept from a parse back unchanged: every CR, LF and NUL
/// is inside a literal (a marker, CRLF and that many bytes), and the bytes do not end like a
/// literal marker (the encoder would append a space if they end the line).
pub fn raw_is_canonical(raw: &[u8]) -> bool {
    let mut line_start = 0;
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' if raw.get(i + 1) == Some(&b'\n') => {
                let Some(n) = marker(&raw[line_start..i]) else {
                    return false;
                };
                let end = usize::try_from(n)
                    .ok()
                    .and_then(|n| (i + 2).checked_add(n))
                    .filter(|&end| end <= raw.len());
                let Some(end) = end else {
                    return false;
                };
                i = end;
                line_start = end;
            }
            0 | b'\r' | b'\n' => return false,
            _ => i += 1,
        }
    }
    marker(&raw[line_start..]).is_none()
}

/// Why `cmd` has no wire form that parses back to it exactly, if it is such a value: the raw
/// arguments of an unknown command holding CR, LF or NUL outside a literal (or ending like a
/// literal marker), which the encoder replaces with a space (or defuses with a space), as for
/// the raw values of responses (see [`non_canonical_response`]).
pub fn non_canonical_command(cmd: &Command) -> Option<NonCanonical> {
    match &cmd.body {
        CommandBody::Other { args, .. } if !raw_is_canonical(args.as_bytes()) => {
            Some(NonCanonical::Normalized("raw arguments the encoder cleans"))
        }
        _ => None,
    }
}

/// Whether a body holds, at any level, an extension field kept raw
/// (`ExtTail::unreadable`) for which `dirty` holds.
///
/// Also whether an extension string (MD5, language, location) holds a quote or a backslash:
/// the second reading of a failed response (doubled quotes such as `""""`) keeps such a field
/// as it was written, and the encoder writes it back as it was, which a later reading of the
/// whole unit need not take the same way (the fuzzer found an MD5 slot holding a parameter
/// list beside a `""""` language, read back as one raw BODYSTRUCTURE).
fn has_unreadable(body: &BodyStructure, dirty: &dyn Fn(&Str) -> bool) -> bool {
    let as_written = |s: &Str| s.as_bytes().iter().any(|&c| matches!(c, b'"' | b'\\'));
    let tail_dirty = |t: &imap_core::types::ExtTail| {
        t.unreadable.iter().any(|u| dirty(&u.raw))
            || t.language.iter().flatten().flatten().any(as_written)
            || t.location.iter().flatten().any(as_written)
    };
    match body {
        BodyStructure::Multi { parts, ext, .. } => {
            ext.as_ref().is_some_and(|e| tail_dirty(&e.tail))
                || parts.iter().any(|p| has_unreadable(p, dirty))
        }
        BodyStructure::Single { part } => {
            part.ext
                .as_ref()
                .is_some_and(|e| tail_dirty(&e.tail) || e.md5.as_ref().is_some_and(as_written))
                || matches!(&part.kind, PartKind::Message { body, .. } if has_unreadable(body, dirty))
        }
        _ => false,
    }
}

/// Whether a body holds extension data at any level. The `BODY` FETCH item is written without
/// it (RFC 9051: "a form of BODYSTRUCTURE without extension data"), though the `body` grammar
/// lets a server send it there and tolerant parsing keeps it.
fn has_extension_data(body: &BodyStructure) -> bool {
    match body {
        BodyStructure::Multi { parts, ext, .. } => {
            ext.is_some() || parts.iter().any(has_extension_data)
        }
        BodyStructure::Single { part } => {
            part.ext.is_some()
                || matches!(&part.kind, PartKind::Message { body, .. } if has_extension_data(body))
        }
        _ => false,
    }
}

fn has_empty_multipart(body: &BodyStructure) -> bool {
    match body {
        BodyStructure::Multi { parts, .. } => {
            parts.is_empty() || parts.iter().any(has_empty_multipart)
        }
        BodyStructure::Single { part, .. } => match &part.kind {
            PartKind::Message { body, .. } => has_empty_multipart(body),
            _ => false,
        },
        _ => false,
    }
}

/// `encode(cmd)` frames as one unit and parses back to `cmd`, narrowed like
/// [`response_round_trip`] for the values of [`non_canonical_command`]. Returns the encoded
/// unit.
pub fn command_round_trip(cmd: &Command, opts: &EncodeOptions, parse: &ParseOptions) -> Bytes {
    let bytes = encode_command(cmd, opts).to_vec();
    let unit = one_unit(Role::Server, &bytes);
    let back = parse_command(&unit, parse).unwrap_or_else(|e| {
        panic!(
            "encoded command does not parse: {e}\n{:?}\nvalue: {cmd:?}",
            bytes.escape_ascii().to_string()
        )
    });
    if non_canonical_command(cmd).is_none() {
        assert_eq!(
            &back,
            cmd,
            "round trip changed the value; encoded: {:?}",
            bytes.escape_ascii().to_string()
        );
    } else if &back != cmd {
        command_round_trip(&back, opts, parse);
    }
    unit
}

/// Splits a seeded input into its 32-byte seed (zero-padded) and the rest.
pub fn seed(data: &[u8]) -> ([u8; 32], &[u8]) {
    let mut seed = [0u8; 32];
    let n = data.len().min(32);
    seed[..n].copy_from_slice(&data[..n]);
    (seed, &data[n..])
}

/// One value of `strategy`, drawn with a ChaCha RNG seeded with `seed`.
pub fn generate<S: Strategy>(strategy: &S, seed: &[u8; 32]) -> S::Value {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    strategy
        .new_tree(&mut runner)
        .expect("imap_core::arbitrary strategies do not reject")
        .current()
}

/// The encoder option sets of `tests/roundtrip.rs`, chosen by a byte.
pub fn encode_opts(selector: Option<&u8>) -> EncodeOptions {
    let d = EncodeOptions::default();
    match selector.map_or(0, |s| s % 4) {
        0 => d,
        1 => EncodeOptions {
            literal_plus: true,
            ..d
        },
        2 => EncodeOptions {
            literal_minus: true,
            ..d
        },
        _ => EncodeOptions { utf8: true, ..d },
    }
}

/// A reader over the input of the stateful targets (`client`, `server`, `mailbox_model`,
/// `differential`): each operation takes a byte or a few from the front, so that libFuzzer's
/// mutations change one step of the script rather than all of it. Past the end every read
/// gives 0 / empty.
#[derive(Debug)]
pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data }
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.byte()) | (u16::from(self.byte()) << 8)
    }

    /// The next four bytes, little-endian.
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | (u32::from(self.u16()) << 16)
    }

    /// The next `n` bytes (fewer at the end).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A length byte, then that many bytes.
    pub fn chunk(&mut self) -> &'a [u8] {
        let n = usize::from(self.byte());
        self.take(n)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}
