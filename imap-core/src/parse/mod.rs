//! The parser: framed units (complete responses or commands, as `bytes::Bytes`) into typed
//! values whose strings are zero-copy slices of the unit.
//!
//! What winnow does here, precisely: every parser is a winnow parser over winnow's stream type
//! (`Input`, a `Stateful<&[u8], Ctx>`) with winnow's error modes (backtrack, cut). Where the
//! grammar is a choice by keyword, a sequence or a list, winnow's combinators state it:
//! `dispatch!` chooses the command by its name (from [`crate::protocol::CommandKind`]'s table)
//! and the untagged response by its keyword; `preceded` and tuples read `SP`-separated
//! arguments; `separated`, `repeat` and `opt` read lists and optional parts; `cut_err` commits
//! after a prefix only one branch can match. The lexical rules (atoms, quoted strings, numbers,
//! literals, flags, sequence-set bounds, dates) are hand-written scanners over the same stream
//! (memchr where it pays), and so are three hot or tolerant places, each saying why where it is:
//! the FETCH item names of a response (compared by length first), `* n FETCH` and the other
//! numbered responses, and the parenthesized lists that accept real servers' stray spaces.
//!
//! Every parser function carries the ABNF rule it implements and the RFC section it comes from.
//! Parsing is tolerant of real-server deviations by default; [`ParseOptions::strict`] turns the
//! tolerance off for testing servers. Each tolerated deviation is named where it is accepted and
//! has a test with the bytes that motivate it.

mod body;
mod command;
mod core;
mod envelope;
mod error;
mod fetch;
mod packed;
mod response;
mod search;
mod strings;
mod text;

use bytes::Bytes;
use winnow::stream::Stateful;

pub(crate) use core::unescape_quoted;
pub(crate) use error::PErr;
pub use error::ParseError;
pub use text::TextError;

use crate::types::{Command, Response};

/// How to parse.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Reject the deviations real servers commit (extra spaces, `NIL` media types, 8-bit text,
    /// ...) instead of accepting them. Off by default.
    pub strict: bool,
    /// `UTF8=ACCEPT` is enabled: mailbox names are UTF-8, not modified UTF-7.
    pub utf8: bool,
    /// Deepest parenthesis nesting accepted (BODYSTRUCTURE, SEARCH keys, THREAD, extension
    /// data). Deeper input is an error, never unbounded recursion.
    pub max_depth: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            strict: false,
            utf8: false,
            max_depth: crate::frame::DEFAULT_MAX_DEPTH,
        }
    }
}

impl ParseOptions {
    /// Options that reject every deviation from the grammar.
    pub fn strict() -> Self {
        ParseOptions {
            strict: true,
            ..Self::default()
        }
    }
}

/// What the parsers see besides the bytes: the unit (to slice values from) and the options.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub unit: &'a Bytes,
    pub opts: &'a ParseOptions,
    /// `opts.strict`, copied here: almost every parser asks, and a field of the input is one
    /// load where the options are two.
    pub strict: bool,
    /// Inside a quoted string, take a quote that text follows as content (the second reading
    /// of a response that failed; see [`parse_response`]).
    pub loose_quotes: bool,
    /// Keep a FETCH item whose value does not parse as an unknown item, with its raw value (the
    /// last reading of a response that failed; see [`parse_response`]).
    pub salvage: bool,
}

/// How [`run`] reads a unit: as written, or one of the further readings of a failed response.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    AsWritten,
    LooseQuotes,
    Salvage,
}

impl<'a> Ctx<'a> {
    /// The context of a first reading of `unit` with `opts`.
    pub(crate) fn new(unit: &'a Bytes, opts: &'a ParseOptions) -> Self {
        Ctx {
            unit,
            opts,
            strict: opts.strict,
            loose_quotes: false,
            salvage: false,
        }
    }
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ctx")
    }
}

/// The parser input: a slice of the unit plus its context.
pub(crate) type Input<'a> = Stateful<&'a [u8], Ctx<'a>>;

/// The result type of every parser function.
pub(crate) type PResult<O> = Result<O, winnow::error::ErrMode<PErr>>;

fn run<T>(
    unit: &Bytes,
    opts: &ParseOptions,
    reading: Reading,
    parser: impl FnOnce(&mut Input<'_>) -> PResult<T>,
) -> Result<T, ParseError> {
    let mut input = Input {
        input: &unit[..],
        state: Ctx {
            loose_quotes: reading == Reading::LooseQuotes,
            salvage: reading == Reading::Salvage,
            ..Ctx::new(unit, opts)
        },
    };
    match parser(&mut input) {
        Ok(v) if input.input.is_empty() => Ok(v),
        Ok(_) => Err(ParseError::new(
            PErr {
                expected: Some("end of unit"),
                remaining: input.input.len(),
            },
            unit,
        )),
        Err(e) => {
            let e = match e {
                winnow::error::ErrMode::Backtrack(e) | winnow::error::ErrMode::Cut(e) => e,
                winnow::error::ErrMode::Incomplete(_) => PErr {
                    expected: Some("more input"),
                    remaining: 0,
                },
            };
            Err(ParseError::new(e, unit))
        }
    }
}

/// Parses one framed server response (a complete unit from [`crate::frame::Framer`], CRLF
/// included).
///
/// Tolerated (unless [`ParseOptions::strict`]): quote characters a server copied into a quoted
/// string without escaping them. iCloud sends Message-IDs holding quotes that way
/// (MailCore/mailcore2#1967) and qiye.163.com a Content-Description of `""` as `""""`
/// (emersion/go-imap#659). A response that fails to parse and holds a quote that text follows (a
/// visible character other than `)` and `]`, or an 8-bit byte) is read a second time, taking
/// every quote that text follows inside a typed string (not the quote that opens it) as part of
/// it; the first error is reported if that fails too. Values kept raw (unknown extension data)
/// are read as written both times. A quote that a space follows still closes its string, so
/// `"He said "hi" there"` stays an error.
///
/// Tolerated as a last resort: a FETCH item whose value this parser cannot read (`UID 0`,
/// OfflineIMAP/offlineimap#336; Lotus Domino's `INTERNALDATE "00-Jan-0000
/// 00:00:00 +0000"`, MailKit#1236; a BODYSTRUCTURE broken beyond the tolerated deviations). A
/// response that fails both readings above is read once more, keeping each such item as
/// [`FetchData::Other`](crate::types::FetchData::Other) with its name and raw value, so the rest
/// of the response (UID, FLAGS, ...) is not lost.
///
/// Only failing responses pay for the further readings (at most three parses in all), a
/// response that parses as written is never read another way, and when every reading fails
/// the error of the first is reported.
///
/// # Errors
/// A [`ParseError`] naming what was expected and where.
pub fn parse_response(unit: &Bytes, opts: &ParseOptions) -> Result<Response, ParseError> {
    let first = match run(unit, opts, Reading::AsWritten, response::response) {
        Err(e) if !opts.strict => e,
        parsed => return parsed,
    };
    if has_quote_before_text(unit)
        && let Ok(r) = run(unit, opts, Reading::LooseQuotes, response::response)
    {
        return Ok(r);
    }
    run(unit, opts, Reading::Salvage, response::response).map_err(|_| first)
}

/// Whether a quote stands right before text (the case the second reading of [`parse_response`]
/// is for). Opening quotes count too: `"a "b"` has its stray quote after a space, where only the
/// reading itself can tell it from an opening one.
fn has_quote_before_text(unit: &[u8]) -> bool {
    memchr::memchr_iter(b'"', unit).any(|k| !core::ends_string(unit.get(k + 1)))
}

/// Parses one framed command unit (`tag SP command CRLF`, literals included), as a server
/// receives it.
///
/// Command names and keywords are matched without regard to case. An unknown command name gives
/// [`CommandBody::Other`](crate::types::CommandBody::Other) with its raw arguments.
///
/// # Errors
/// When the unit is not a command this parser can read. The error's excerpt hides the
/// arguments of LOGIN and AUTHENTICATE.
pub fn parse_command(unit: &Bytes, opts: &ParseOptions) -> Result<Command, ParseError> {
    run(unit, opts, Reading::AsWritten, command::command)
}

/// Parses a `section-spec` (RFC 9051 section 9): the text between the brackets of
/// `BODY[...]`, such as `1.2.MIME` or `HEADER.FIELDS (To)`; empty for the whole message. An
/// IMAP URL's `;SECTION=` holds one (RFC 5092 section 9, `enc-section` once percent-decoded).
///
/// # Errors
/// When `spec` is not a section specification.
pub fn parse_section_spec(spec: &[u8]) -> Result<crate::types::Section, ParseError> {
    let mut unit = Vec::with_capacity(spec.len() + 2);
    unit.push(b'[');
    unit.extend_from_slice(spec);
    unit.push(b']');
    let opts = ParseOptions::default();
    run(
        &Bytes::from(unit),
        &opts,
        Reading::AsWritten,
        command::section,
    )
}

/// Parses a client's line during AUTHENTICATE (base64 and CRLF): the decoded response, or
/// `None` when the client cancels the exchange with `*`. An empty line (or, tolerated, `=`) is
/// an empty response.
///
/// # Errors
/// When the line is not base64. The error's excerpt never shows the line.
pub fn parse_authenticate_response(line: &[u8]) -> Result<Option<Vec<u8>>, ParseError> {
    command::authenticate_response(line)
}

/// Whether `line` is the `DONE` line (any case, then CRLF) that ends an IDLE command.
pub fn is_idle_done(line: &[u8]) -> bool {
    command::idle_done(line)
}

// sequence-set (RFC 9051 section 9), as a person writes it: `2,4:6,20:*`.
/// Reads a sequence set of `K` from text ([`TextError`] at the offending character). Strict:
/// `0` is refused at either end of a range too.
pub(crate) fn parse_set_text<K: crate::types::SetKey>(
    text: &str,
) -> Result<crate::types::NumSet<K>, TextError> {
    text::parse_text(
        "sequence set",
        text,
        &ParseOptions::strict(),
        core::seq_set::<K>,
    )
}

// "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")" (RFC 9051 section 9)
/// Reads the items of a FETCH from text: `(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`, one
/// item without parentheses, or a macro.
pub(crate) fn parse_fetch_items_text(text: &str) -> Result<crate::types::FetchItems, TextError> {
    text::parse_text(
        "FETCH items",
        text,
        &ParseOptions::default(),
        command::fetch_items,
    )
}

// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key) (RFC 9051 section 9)
/// Reads SEARCH criteria from text, with an optional `CHARSET name` first.
pub(crate) fn parse_search_text(
    text: &str,
) -> Result<(Option<crate::types::Str>, Vec<crate::types::SearchKey>), TextError> {
    text::parse_text(
        "search criteria",
        text,
        &ParseOptions::default(),
        search::search_program,
    )
}

// capability = ("AUTH=" auth-type) / atom (RFC 9051 section 9)
/// Reads one capability name from text (`IDLE`, `AUTH=PLAIN`, `X-VENDOR`).
pub(crate) fn parse_capability_text(text: &str) -> Result<crate::types::Capability, TextError> {
    text::parse_text("capability", text, &ParseOptions::strict(), |i| {
        core::atom(i).map(crate::types::Capability::from_atom)
    })
}
