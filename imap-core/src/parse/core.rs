//! Grammar primitives shared by commands and responses (RFC 9051 section 9, "core" rules):
//! spaces, numbers, atoms, strings, literals, flags, mailbox names, sequence sets and dates.

use super::{Input, PErr, PResult};
use crate::types::datetime::{Date, DateTime};
use crate::types::seq::{Bound, NumSet, SetItem, SetKey};
use crate::types::string::{class, is_astring_char, is_in};
use crate::types::{Atom, Flag, FlagPerm, Mailbox, Str, Tag};
use bytes::Bytes;
use std::num::NonZeroU32;
use winnow::error::ErrMode;

/// A backtracking error at the current position, expecting `what`.
#[inline]
pub(super) fn fail<T>(i: &Input<'_>, what: &'static str) -> PResult<T> {
    Err(backtrack(i.input.len(), what))
}

/// A cut (non-backtracking) error: used after a prefix only one branch can match.
#[inline]
pub(super) fn cut<T>(i: &Input<'_>, what: &'static str) -> PResult<T> {
    Err(cut_err(i.input.len(), what))
}

// The errors are built out of line and marked cold: every parser has error paths, a valid
// response takes none of them, and a call to a cold function tells the optimiser which way its
// branch goes (the hot path falls through, the error path moves out of the loop).
/// The error of [`fail`].
#[cold]
#[inline(never)]
fn backtrack(remaining: usize, what: &'static str) -> ErrMode<PErr> {
    ErrMode::Backtrack(PErr {
        expected: Some(what),
        remaining,
    })
}

/// The error of [`cut`].
#[cold]
#[inline(never)]
fn cut_err(remaining: usize, what: &'static str) -> ErrMode<PErr> {
    ErrMode::Cut(PErr {
        expected: Some(what),
        remaining,
    })
}

/// Turns a backtrack error into a cut error (commit to the branch).
pub(super) fn commit<T>(r: PResult<T>) -> PResult<T> {
    r.map_err(|e| match e {
        ErrMode::Backtrack(e) => ErrMode::Cut(e),
        other => other,
    })
}

/// Whether parsing is tolerant.
#[inline(always)]
pub(super) fn lenient(i: &Input<'_>) -> bool {
    !i.state.strict
}

/// A zero-copy `Bytes` for a slice of the unit (`s` is part of the parser's input, which is
/// the unit; the offset is taken from the addresses, as `Bytes::slice_ref` would, without its
/// second round of checks).
#[inline]
pub(super) fn slice(i: &Input<'_>, s: &[u8]) -> Bytes {
    if s.is_empty() {
        return Bytes::new();
    }
    let unit = i.state.unit;
    let offset = (s.as_ptr() as usize).wrapping_sub(unit.as_ptr() as usize);
    // Out of range (never, for a slice of the input) panics in `slice`.
    unit.slice(offset..offset.wrapping_add(s.len()))
}

/// Whether only spaces stand between here and `)` (tolerated spaces before a list's end, or a
/// tolerated early end).
pub(super) fn next_is_close(i: &Input<'_>) -> bool {
    i.input.iter().find(|&&b| b != b' ') == Some(&b')')
}

/// The next byte, without consuming it.
#[inline(always)]
pub(super) fn peek(i: &Input<'_>) -> Option<u8> {
    i.input.first().copied()
}

/// Consumes `n` bytes (the caller has checked they exist).
#[inline(always)]
pub(super) fn advance<'a>(i: &mut Input<'a>, n: usize) -> &'a [u8] {
    let (head, tail) = i.input.split_at(n);
    i.input = tail;
    head
}

/// Consumes bytes while `f` holds.
#[inline]
pub(super) fn take_while0<'a>(i: &mut Input<'a>, f: impl Fn(u8) -> bool) -> &'a [u8] {
    let n = i.input.iter().position(|&b| !f(b)).unwrap_or(i.input.len());
    advance(i, n)
}

/// Consumes one or more bytes while `f` holds.
#[inline]
pub(super) fn take_while1<'a>(
    i: &mut Input<'a>,
    f: impl Fn(u8) -> bool,
    what: &'static str,
) -> PResult<&'a [u8]> {
    let s = take_while0(i, f);
    if s.is_empty() { fail(i, what) } else { Ok(s) }
}

/// Consumes the byte `b`.
#[inline(always)]
pub(super) fn byte(i: &mut Input<'_>, b: u8, what: &'static str) -> PResult<()> {
    if peek(i) == Some(b) {
        advance(i, 1);
        Ok(())
    } else {
        fail(i, what)
    }
}

/// Consumes `word` case-insensitively (a keyword prefix; the caller checks what follows).
#[inline]
pub(super) fn tag_no_case(i: &mut Input<'_>, word: &'static str) -> PResult<()> {
    let w = word.as_bytes();
    if i.input.len() >= w.len() && i.input[..w.len()].eq_ignore_ascii_case(w) {
        advance(i, w.len());
        Ok(())
    } else {
        fail(i, word)
    }
}

/// `word` upper-cased into `buf`, for matching keywords with `match`; the empty slice (which no
/// keyword equals) when `word` is longer than `buf`.
#[inline]
pub(super) fn upper<'b, const N: usize>(word: &[u8], buf: &'b mut [u8; N]) -> &'b [u8] {
    if word.len() > N {
        return &[];
    }
    let out = &mut buf[..word.len()];
    out.copy_from_slice(word);
    out.make_ascii_uppercase();
    out
}

/// Whether the input starts with `word` (case-insensitive) followed by a non-atom byte.
#[inline(always)]
pub(super) fn at_keyword(i: &Input<'_>, word: &str) -> bool {
    let w = word.as_bytes();
    i.input.len() >= w.len()
        && i.input[..w.len()].eq_ignore_ascii_case(w)
        && i.input.get(w.len()).is_none_or(|&b| !is_in(b, class::ATOM))
}

// SP = %x20 (RFC 5234). Tolerated: several spaces (real servers pad).
/// One space; tolerant mode accepts a run of spaces.
#[inline(always)]
pub(super) fn sp(i: &mut Input<'_>) -> PResult<()> {
    match i.input {
        // One space and something else: what servers send.
        [b' ', next, ..] if *next != b' ' => {
            advance(i, 1);
            Ok(())
        }
        [b' ', ..] => {
            advance(i, 1);
            if lenient(i) {
                take_while0(i, |b| b == b' ');
            }
            Ok(())
        }
        _ => fail(i, "SP"),
    }
}

/// A space that tolerant mode lets servers omit (after `)`, `"` or a literal, before the next
/// item: `BODY[] {3}\r\nabcFLAGS (...)`).
#[inline]
pub(super) fn sp_or_missing(i: &mut Input<'_>) -> PResult<()> {
    if lenient(i) {
        take_while0(i, |b| b == b' ');
        Ok(())
    } else {
        sp(i)
    }
}

// CRLF = CR LF (RFC 5234). Tolerated: trailing spaces before it (after CAPABILITY, SEARCH,
// STATUS, ID ...) and a bare LF.
/// The end of a line.
pub(super) fn crlf(i: &mut Input<'_>) -> PResult<()> {
    if lenient(i) {
        take_while0(i, |b| b == b' ');
        if peek(i) == Some(b'\n') {
            advance(i, 1);
            return Ok(());
        }
    }
    if i.input.starts_with(b"\r\n") {
        advance(i, 2);
        Ok(())
    } else {
        fail(i, "CRLF")
    }
}

/// Whether the input is at the end of the line (tolerating trailing spaces).
#[inline]
pub(super) fn at_eol(i: &Input<'_>) -> bool {
    let mut rest: &[u8] = i.input;
    if lenient(i) {
        while let [b' ', tail @ ..] = rest {
            rest = tail;
        }
        if rest.first() == Some(&b'\n') {
            return true;
        }
    }
    rest.starts_with(b"\r\n")
}

/// `SP` before another item of a space-separated run that ends the line: fails (so that
/// `repeat` stops) at the line end, and in tolerant mode before trailing spaces.
pub(super) fn more_on_line(i: &mut Input<'_>) -> PResult<()> {
    if peek(i) == Some(b' ') && !at_eol(i) {
        sp(i)
    } else {
        fail(i, "SP")
    }
}

fn digits<'a>(i: &mut Input<'a>) -> PResult<&'a [u8]> {
    take_while1(i, |b| b.is_ascii_digit(), "number")
}

fn fold_digits(d: &[u8]) -> Option<u64> {
    if d.len() <= 19 {
        // 19 digits never overflow 64 bits.
        return Some(d.iter().fold(0, |acc, &b| acc * 10 + u64::from(b - b'0')));
    }
    d.iter().try_fold(0u64, |acc, &b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

// number = 1*DIGIT ; Unsigned 32-bit integer (RFC 9051 section 9)
/// A 32-bit number.
pub(super) fn number(i: &mut Input<'_>) -> PResult<u32> {
    if let Some((n, value)) = short_number(i.input) {
        advance(i, n);
        return Ok(value);
    }
    let start = *i;
    let d = digits(i)?;
    match fold_digits(d).and_then(|n| u32::try_from(n).ok()) {
        Some(n) => Ok(n),
        None => fail(&start, "number within 32 bits"),
    }
}

/// The digits that start `input` and their value, when there are one to seven of them and
/// eight bytes to look at (a UID, a size, a line count): found and converted eight bytes at a
/// time (SWAR), with no loop that stops at an unpredictable byte. `None` for anything else,
/// which the byte-at-a-time readers read.
#[inline(always)]
fn short_number(input: &[u8]) -> Option<(usize, u32)> {
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const LOWS: u64 = u64::from_ne_bytes([0x7f; 8]);
    let word = u64::from_le_bytes(*input.first_chunk::<8>()?);
    // Per byte b, in its high bit: b >= 0x80, or (b & 0x7f) >= b'9' + 1 (adding 0x46 reaches
    // 0x80), or (b & 0x7f) < b'0' (adding 0x50 stays below 0x80); no sum carries out of its
    // byte.
    let low = word & LOWS;
    let above = low + u64::from_ne_bytes([0x46; 8]);
    let at_least_zero = low + u64::from_ne_bytes([0x50; 8]);
    let not_digit = (word | above | !at_least_zero) & HIGHS;
    let n = (not_digit.trailing_zeros() / 8) as usize;
    if n == 0 || n == 8 {
        return None;
    }
    // The n digits moved to the top of the word (the first one most significant, zeros before
    // it), then combined pairwise: 2 digits per 16 bits, 4 per 32, 8 in all.
    let v = (word << (8 * (8 - n))) & u64::from_ne_bytes([0x0f; 8]);
    let v = v.wrapping_mul(10 << 8 | 1) >> 8 & 0x00ff_00ff_00ff_00ff;
    let v = v.wrapping_mul(100 << 16 | 1) >> 16 & 0x0000_ffff_0000_ffff;
    let v = v.wrapping_mul(10_000 << 32 | 1) >> 32;
    Some((n, v as u32))
}

// number64 = 1*DIGIT ; Unsigned 63-bit integer (RFC 9051 section 9)
/// A 63-bit number.
pub(super) fn number64(i: &mut Input<'_>) -> PResult<u64> {
    let start = *i;
    let d = digits(i)?;
    match fold_digits(d).filter(|&n| n <= i64::MAX as u64) {
        Some(n) => Ok(n),
        None => fail(&start, "number within 63 bits"),
    }
}

// nz-number = digit-nz *DIGIT ; Non-zero unsigned 32-bit integer (RFC 9051 section 9)
/// A non-zero 32-bit number.
pub(super) fn nz_number(i: &mut Input<'_>) -> PResult<NonZeroU32> {
    let start = *i;
    match NonZeroU32::new(number(i)?) {
        Some(n) => Ok(n),
        None => fail(&start, "non-zero number"),
    }
}

// mod-sequence-valzer = "0" / mod-sequence-value (RFC 7162 section 7)
/// A mod-sequence value where 0 is allowed (`mod-sequence-valzer`).
pub(super) fn modseq(i: &mut Input<'_>) -> PResult<u64> {
    number64(i)
}

// mod-sequence-value = 1*DIGIT ; 63-bit, >= 1 (RFC 7162 section 7). Tolerated: 0.
/// A mod-sequence value that must not be 0 (in strict mode).
pub(super) fn modseq_value(i: &mut Input<'_>) -> PResult<u64> {
    let at = *i;
    match number64(i)? {
        0 if !lenient(i) => cut(&at, "non-zero mod-sequence"),
        m => Ok(m),
    }
}

/// A size such as `RFC822.SIZE`, `body-fld-octets` or `body-fld-lines`. Tolerated: negative
/// numbers (read as 0) and numbers too large for 64 bits (saturated), both seen from real
/// servers on broken messages, and floating-point notation (`9.3736e+06`, read as 9373600),
/// which mail.ru sends for large parts (MailKit #1838 and #1840, Wino-Mail #469).
#[inline]
pub(super) fn size(i: &mut Input<'_>) -> PResult<u64> {
    // What servers send, read inline: up to seven digits followed by no fraction or exponent.
    if let Some((n, value)) = short_number(i.input)
        && !matches!(i.input.get(n), Some(b'.' | b'e' | b'E'))
    {
        advance(i, n);
        return Ok(u64::from(value));
    }
    size_general(i)
}

/// [`size`] for any input: signs, floating-point notation, saturation and the errors.
#[inline(never)]
fn size_general(i: &mut Input<'_>) -> PResult<u64> {
    if !lenient(i) {
        return number64(i);
    }
    let negative = peek(i) == Some(b'-');
    if negative {
        advance(i, 1);
    }
    let d = digits(i)?;
    if matches!(peek(i), Some(b'.' | b'e' | b'E')) {
        let value = float_tail(i, d)?;
        return Ok(if negative { 0 } else { value });
    }
    Ok(if negative {
        0
    } else {
        fold_digits(d).unwrap_or(u64::MAX)
    })
}

/// The rest of a number in floating-point notation after its integer digits `int`
/// (`[ "." 1*DIGIT ] [ ("e" / "E") ["+" / "-"] 1*DIGIT ]`), as an integer: truncated,
/// saturated at `u64::MAX`.
fn float_tail(i: &mut Input<'_>, int: &[u8]) -> PResult<u64> {
    let start = i.input;
    let mut n = 0;
    if start.first() == Some(&b'.') {
        n += 1 + start[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    if matches!(start.get(n), Some(b'e' | b'E')) {
        let mut e = n + 1;
        if matches!(start.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let exp_digits = start[e..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits == 0 {
            advance(i, e);
            return cut(i, "exponent digits");
        }
        n = e + exp_digits;
    }
    // Both parts are ASCII digits and punctuation, so the text is UTF-8 and a valid float
    // unless the fraction has no digits (`1.`), which Rust's parser accepts as well.
    let mut text = String::with_capacity(int.len() + n);
    text.extend(int.iter().chain(&start[..n]).map(|&b| char::from(b)));
    advance(i, n);
    match text.parse::<f64>() {
        // `as` saturates, and truncates toward zero.
        Ok(v) => Ok(v as u64),
        Err(_) => cut(i, "number"),
    }
}

// atom = 1*ATOM-CHAR (RFC 9051 section 9)
/// An atom, as bytes.
#[inline]
pub(super) fn atom_bytes<'a>(i: &mut Input<'a>) -> PResult<&'a [u8]> {
    take_while1(i, |b| is_in(b, class::ATOM), "atom")
}

/// An atom.
pub(super) fn atom(i: &mut Input<'_>) -> PResult<Atom> {
    let s = atom_bytes(i)?;
    Ok(Atom::unchecked(slice(i, s)))
}

// tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 section 9)
/// A command tag.
pub(super) fn tag(i: &mut Input<'_>) -> PResult<Tag> {
    let s = take_while1(i, |b| is_in(b, class::TAG), "tag")?;
    Ok(Tag::unchecked(slice(i, s)))
}

// quoted = DQUOTE *QUOTED-CHAR DQUOTE
// QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials / UTF8-2/3/4
// (RFC 9051 section 9; RFC 3501 has no UTF-8 forms, and RFC 9051 sends UTF-8 only once
// UTF8=ACCEPT is enabled, so strict mode takes 8-bit bytes only with `ParseOptions::utf8`, and
// then only as valid UTF-8). Tolerated: any 8-bit byte; a backslash before any other character,
// kept as content (hMailServer wrote a `\` hierarchy delimiter unescaped in STATUS,
// hmailserver/hmailserver#85, and a David.fx server one in an ENVELOPE, jstedfast/MailKit#422);
// and on the second reading of a failed response (`parse_response`), a quote that text follows
// (see `ends_string`), read as part of the string.
/// A quoted string's content, unescaped (zero-copy when it holds no escapes).
pub(super) fn quoted(i: &mut Input<'_>) -> PResult<Bytes> {
    let (raw, escaped) = quoted_span(i)?;
    if !escaped {
        return Ok(slice(i, raw));
    }
    Ok(Bytes::from(unescape_quoted(raw)))
}

/// A quoted string's content with its escapes (`\"` and `\\`) resolved; any other backslash
/// is kept, as the tolerant reading keeps it.
pub(crate) fn unescape_quoted(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut k = 0;
    while k < raw.len() {
        match raw[k..] {
            [b'\\', next @ (b'"' | b'\\'), ..] => {
                out.push(next);
                k += 2;
            }
            [b, ..] => {
                out.push(b);
                k += 1;
            }
            [] => break,
        }
    }
    out
}

/// A quoted string's raw content (escapes kept) and whether it holds escapes.
// Always inlined (two callers): the fast path is a few instructions, and a call would cost
// more than they do (its result goes through memory).
#[inline(always)]
pub(super) fn quoted_span<'a>(i: &mut Input<'a>) -> PResult<(&'a [u8], bool)> {
    match plain_quoted(i) {
        Some(s) => Ok((s, false)),
        None => quoted_span_general(i),
    }
}

/// What nearly every quoted string is, read inline: in tolerant mode, on the first reading, a
/// string whose first quote, backslash or LF is its closing quote (no escapes; a bare CR and
/// 8-bit bytes are tolerated, so nothing else needs checking). Its content; `None`, with
/// nothing consumed, for any other input (which [`quoted_span`] reads in full).
#[inline(always)]
pub(super) fn plain_quoted<'a>(i: &mut Input<'a>) -> Option<&'a [u8]> {
    if let [b'"', body @ ..] = i.input
        && !i.state.strict
        && !i.state.loose_quotes
        && let Some(k) = find_quoted_special(body, 0)
        && body[k] == b'"'
    {
        advance(i, k + 2);
        return Some(&body[..k]);
    }
    None
}

/// [`quoted_span`] for every string: escapes, strict mode's checks, the second reading's loose
/// quotes and the errors.
#[inline(never)]
fn quoted_span_general<'a>(i: &mut Input<'a>) -> PResult<(&'a [u8], bool)> {
    byte(i, b'"', "quoted string")?;
    let body: &[u8] = i.input;
    let strict = !lenient(i);
    let mut escaped = false;
    let mut n = 0;
    // Jump between the only bytes that matter (quote, backslash, LF) with memchr; CR and the
    // strict-mode checks are verified on the whole span afterwards.
    loop {
        match find_quoted_special(body, n) {
            // On the second reading, a quote that text follows is content.
            Some(k) if body[k] == b'"' && i.state.loose_quotes && !ends_string(body.get(k + 1)) => {
                n = k + 1;
            }
            Some(k) if body[k] == b'"' => {
                n = k;
                break;
            }
            Some(k) if body[k] == b'\\' => {
                match body.get(k + 1) {
                    Some(b'"' | b'\\') => {}
                    Some(b'\r' | b'\n') | None => {
                        advance(i, k);
                        return cut(i, "quoted special after backslash");
                    }
                    Some(_) if strict => {
                        advance(i, k + 1);
                        return cut(i, "quoted special after backslash");
                    }
                    // Kept as written: a lone backslash is content.
                    Some(_) => {
                        n = k + 1;
                        continue;
                    }
                }
                escaped = true;
                n = k + 2;
            }
            Some(k) => {
                // A line end inside the string: point at its CR when there is one.
                let k = if k > 0 && body[k - 1] == b'\r' {
                    k - 1
                } else {
                    k
                };
                advance(i, k);
                return cut(i, "closing quote");
            }
            None => {
                advance(i, body.len());
                return cut(i, "closing quote");
            }
        }
    }
    let raw = &body[..n];
    // Tolerated: a bare CR inside the string (framing is by LF, so it cannot break a unit).
    if strict {
        if let Some(k) = memchr::memchr(b'\r', raw) {
            advance(i, k);
            return cut(i, "closing quote");
        }
        if i.state.opts.utf8 {
            if let Err(e) = std::str::from_utf8(raw) {
                advance(i, e.valid_up_to());
                return cut(i, "UTF-8 quoted character");
            }
        } else if let Some(k) = raw.iter().position(|&b| b == 0 || b >= 0x80) {
            advance(i, k);
            return cut(i, "7-bit quoted character");
        }
    }
    advance(i, n + 1);
    Ok((raw, escaped))
}

/// Whether a quote followed by `next` closes its string on the second reading of a failed
/// response: unless what follows is text (a visible character other than `)` and `]`, or an
/// 8-bit byte), which is what a server that forgot to escape a quote leaves behind. A control
/// byte after the quote is no sign of text: the encoder writes NUL as SP, so reading it as text
/// would not survive a round trip (a fuzzer found that).
#[inline]
pub(super) fn ends_string(next: Option<&u8>) -> bool {
    !matches!(next, Some(&b) if (b'!'..=b'~').contains(&b) && b != b')' && b != b']' || b >= 0x80)
}

/// The first quote, backslash or LF in `body` at or after `from`.
///
/// Most quoted strings are short (a media type, a charset, a name): eight bytes at a time in a
/// `u64` (SWAR) beats memchr's set-up for them; long spans go to memchr.
#[inline(always)]
fn find_quoted_special(body: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const QUOTE: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASH: u64 = u64::from_ne_bytes([b'\\'; 8]);
    const LF: u64 = u64::from_ne_bytes([b'\n'; 8]);
    /// Words scanned before handing over to memchr.
    const SHORT_WORDS: usize = 4;
    // The high bit of each byte of `v` that is zero; bits above the lowest are unreliable,
    // which is fine: only the lowest is used.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let rest = body.get(from..)?;
    let mut words = rest.chunks_exact(8);
    for (w, chunk) in words.by_ref().take(SHORT_WORDS).enumerate() {
        let v = u64::from_le_bytes(chunk.try_into().ok()?);
        let hits = zero(v ^ QUOTE) | zero(v ^ BACKSLASH) | zero(v ^ LF);
        if hits != 0 {
            return Some(from + w * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let scanned = (rest.len() / 8).min(SHORT_WORDS) * 8;
    if scanned == SHORT_WORDS * 8 && rest.len() >= scanned + 8 {
        return memchr::memchr3(b'"', b'\\', b'\n', &rest[scanned..]).map(|k| from + scanned + k);
    }
    rest[scanned..]
        .iter()
        .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
        .map(|k| from + scanned + k)
}

/// What a literal marker said.
pub(super) struct LiteralHead {
    pub len: u64,
    pub binary: bool,
}

// literal = "{" number64 ["+"] "}" CRLF *CHAR8 (RFC 9051 section 9, RFC 7888)
// literal8 = "~{" number64 "}" CRLF *OCTET (RFC 3516 / RFC 9051)
/// A literal marker `{N}`, `{N+}`, `{N-}` or `~{N}` and its CRLF.
pub(super) fn literal_head(i: &mut Input<'_>) -> PResult<LiteralHead> {
    let binary = peek(i) == Some(b'~');
    if binary {
        advance(i, 1);
    }
    byte(i, b'{', "literal")?;
    let len = commit(number64(i))?;
    if matches!(peek(i), Some(b'+' | b'-')) {
        advance(i, 1);
    }
    commit(byte(i, b'}', "closing brace of literal"))?;
    if i.input.starts_with(b"\r\n") {
        advance(i, 2);
    } else if lenient(i) && peek(i) == Some(b'\n') {
        advance(i, 1);
    } else {
        return cut(i, "CRLF after literal marker");
    }
    Ok(LiteralHead { len, binary })
}

/// A literal (or literal8 when `allow8`), returning its bytes.
pub(super) fn literal(i: &mut Input<'_>, allow8: bool) -> PResult<Bytes> {
    let data = literal_span(i, allow8)?;
    Ok(slice(i, data))
}

/// A literal (or literal8 when `allow8`), returning its data as a slice of the input.
pub(super) fn literal_span<'a>(i: &mut Input<'a>, allow8: bool) -> PResult<&'a [u8]> {
    if !allow8 && peek(i) == Some(b'~') {
        return fail(i, "literal");
    }
    let head = literal_head(i)?;
    let _ = head.binary;
    match usize::try_from(head.len) {
        Ok(n) if n <= i.input.len() => Ok(advance(i, n)),
        _ => cut(i, "literal data"),
    }
}

// string = quoted / literal (RFC 9051 section 9)
/// A string.
pub(super) fn string(i: &mut Input<'_>) -> PResult<Str> {
    match peek(i) {
        Some(b'"') => quoted(i).map(Str::new),
        Some(b'{') => literal(i, false).map(Str::new),
        _ => fail(i, "string"),
    }
}

/// Whether the input is at the atom `NIL`.
#[inline(always)]
pub(super) fn at_nil(i: &Input<'_>) -> bool {
    at_keyword(i, "NIL")
}

// nil = "NIL" (RFC 9051 section 9)
/// `NIL`.
pub(super) fn nil(i: &mut Input<'_>) -> PResult<()> {
    if at_nil(i) {
        advance(i, 3);
        Ok(())
    } else {
        fail(i, "NIL")
    }
}

// nstring = string / nil (RFC 9051 section 9)
/// A string or `NIL`.
pub(super) fn nstring(i: &mut Input<'_>) -> PResult<Option<Str>> {
    match peek(i) {
        Some(b'"' | b'{') => string(i).map(Some),
        Some(b'N' | b'n') if at_nil(i) => {
            advance(i, 3);
            Ok(None)
        }
        _ => fail(i, "string or NIL"),
    }
}

/// An nstring or literal8 (BINARY fetch data).
pub(super) fn nstring8(i: &mut Input<'_>) -> PResult<Option<Str>> {
    match peek(i) {
        Some(b'~') => literal(i, true).map(|b| Some(Str::new(b))),
        _ => nstring(i),
    }
}

// astring = 1*ASTRING-CHAR / string (RFC 9051 section 9)
/// An atom-like string or a string.
pub(super) fn astring(i: &mut Input<'_>) -> PResult<Str> {
    match peek(i) {
        Some(b'"' | b'{') => string(i),
        _ => {
            let s = take_while1(i, |b| is_in(b, class::ASTRING), "astring")?;
            Ok(Str::new(slice(i, s)))
        }
    }
}

/// An astring as raw bytes plus whether it was quoted/literal (for mailbox decoding).
fn astring_bytes(i: &mut Input<'_>) -> PResult<Bytes> {
    astring(i).map(Str::into_bytes)
}

// mailbox = "INBOX" / astring (RFC 9051 section 9); names are modified UTF-7 (section 5.1.3),
// or UTF-8 once UTF8=ACCEPT is enabled. Tolerated in an atom name: 8-bit bytes
// (`* LIST () "/" Entwürfe`, GreenMail sent names unencoded and unquoted, greenmail #74) and
// TAB (Exchange lists Outlook folder names with tabs unquoted, MailKit #945).
/// A mailbox name, decoded.
pub(super) fn mailbox(i: &mut Input<'_>) -> PResult<Mailbox> {
    let raw = if lenient(i) && !matches!(peek(i), Some(b'"' | b'{')) {
        let s = take_while1(
            i,
            |b| is_in(b, class::ASTRING) || b >= 0x80 || b == b'\t',
            "mailbox name",
        )?;
        slice(i, s)
    } else {
        astring_bytes(i)?
    };
    Ok(decode_mailbox(raw, i.state.opts.utf8))
}

/// Decodes a mailbox name's wire bytes: modified UTF-7, or UTF-8 when `utf8` (any valid UTF-8,
/// plain ASCII included, is then taken as it is: `&` is an ordinary character). Undecodable
/// names are kept raw.
pub(crate) fn decode_mailbox(raw: Bytes, utf8: bool) -> Mailbox {
    if utf8 && let Ok(s) = std::str::from_utf8(&raw) {
        return Mailbox::new(s);
    }
    match crate::utf7::decode_utf7(&raw) {
        Ok(s) => Mailbox::new(s),
        Err(_) => match std::str::from_utf8(&raw) {
            // Tolerated: servers that send UTF-8 names without UTF8=ACCEPT.
            Ok(s) if !s.is_ascii() => Mailbox::new(s),
            _ => match decode_utf7_with_controls(&raw) {
                Some(name) => Mailbox::decoded(name, raw),
                None => Mailbox::from_raw(raw),
            },
        },
    }
}

/// Tolerated: control bytes (TAB, ...) in a modified UTF-7 name, which allows only printable
/// US-ASCII to stand for itself (Exchange lists Outlook folder names holding TABs, MailKit
/// #945). Each control byte is taken as itself and the text between them decoded; `None` when
/// there is none, or the text does not decode either.
fn decode_utf7_with_controls(raw: &[u8]) -> Option<String> {
    let is_control = |b: &u8| *b < 0x20 || *b == 0x7f;
    if !raw.iter().any(is_control) {
        return None;
    }
    let mut name = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let end = rest.iter().position(is_control).unwrap_or(rest.len());
        name.push_str(&crate::utf7::decode_utf7_cow(&rest[..end]).ok()?);
        let Some(&c) = rest.get(end) else {
            return Some(name);
        };
        name.push(char::from(c));
        rest = &rest[end + 1..];
    }
}

// list-mailbox = 1*list-char / string ; list-char = ATOM-CHAR / list-wildcards / resp-specials
// (RFC 9051 section 9)
/// A LIST pattern.
pub(super) fn list_mailbox(i: &mut Input<'_>) -> PResult<Mailbox> {
    let raw = match peek(i) {
        Some(b'"' | b'{') => string(i)?.into_bytes(),
        _ => {
            let s = take_while1(
                i,
                |b| is_astring_char(b) || b == b'%' || b == b'*',
                "list pattern",
            )?;
            slice(i, s)
        }
    };
    Ok(decode_mailbox(raw, i.state.opts.utf8))
}

// text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4) ; TEXT-CHAR = <any CHAR except CR and LF>
// (RFC 9051 section 9; RFC 3501 has TEXT-CHAR only, and RFC 9051 sends UTF-8 only once
// UTF8=ACCEPT is enabled, so strict mode takes 8-bit bytes only with `ParseOptions::utf8`, and
// then only as valid UTF-8). Tolerated: empty text and any 8-bit byte.
/// The rest of the line (not including CRLF).
pub(super) fn text(i: &mut Input<'_>) -> PResult<Str> {
    let n = memchr::memchr2(b'\r', b'\n', i.input).unwrap_or(i.input.len());
    if !lenient(i) {
        let utf8 = i.state.opts.utf8;
        let line = &i.input[..n];
        let bad = match line.iter().position(|&b| b == 0 || (b >= 0x80 && !utf8)) {
            Some(at) => Some(at),
            None if utf8 => std::str::from_utf8(line).err().map(|e| e.valid_up_to()),
            None => None,
        };
        if let Some(at) = bad {
            advance(i, at);
            return cut(i, if utf8 { "UTF-8 text" } else { "7-bit text" });
        }
    }
    let mut s = advance(i, n);
    if lenient(i) {
        while let [head @ .., b' '] = s {
            s = head;
        }
    }
    Ok(Str::new(slice(i, s)))
}

// flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword /
//        flag-extension ; flag-extension = "\" atom (RFC 9051 section 9)
// Tolerated: keywords holding `]` (Gmail lists keywords such as `OIB-Seen-[Gmail]/Trash` in
// FLAGS and PERMANENTFLAGS, jstedfast/MailKit#193, ruby/net-imap#241; Dovecot 1.0 stored
// Thunderbird tags such as `[css3-page]`, MailKit#390); `\*` in a flag list (Zoho and GreenMail
// send it in `* FLAGS`, chatmail/core#1834, greenmail#633), read as the flag extension `*`; and a
// flag written as a quoted string (`"\\Deleted"` from InterMail, MailKit#771), read as the flag
// it holds.
/// A flag (also `\Recent` as in `flag-fetch`).
pub(super) fn flag(i: &mut Input<'_>) -> PResult<Flag> {
    match peek(i) {
        Some(b'\\') if lenient(i) && i.input.get(1) == Some(&b'*') => {
            let star = &i.input[1..2];
            advance(i, 2);
            Ok(Flag::Extension(Atom::unchecked(slice(i, star))))
        }
        Some(b'"') if lenient(i) => {
            let start = *i;
            let text = quoted(i)?;
            flag_from(&start, text)
        }
        _ => {
            let system = peek(i) == Some(b'\\');
            if system {
                advance(i, 1);
            }
            let name = if lenient(i) {
                take_while1(i, is_flag_char, "atom")?
            } else {
                atom_bytes(i)?
            };
            if !system {
                return Ok(Flag::Keyword(Atom::unchecked(slice(i, name))));
            }
            // The predefined flags need no slice of the unit.
            Ok(Flag::known_system(name)
                .unwrap_or_else(|| Flag::Extension(Atom::unchecked(slice(i, name)))))
        }
    }
}

/// A byte of a flag name in tolerant mode: `ATOM-CHAR` or `]`.
fn is_flag_char(b: u8) -> bool {
    is_in(b, class::ATOM) || b == b']'
}

/// The flag a quoted string holds (tolerant mode): its content must read as a flag.
fn flag_from(start: &Input<'_>, text: Bytes) -> PResult<Flag> {
    let (system, name) = match text.strip_prefix(b"\\") {
        Some(name) => (true, text.slice_ref(name)),
        None => (false, text.clone()),
    };
    if name.is_empty() || !name.iter().all(|&b| is_flag_char(b)) {
        return fail(start, "flag");
    }
    if !system {
        return Ok(Flag::Keyword(Atom::unchecked(name)));
    }
    Ok(Flag::known_system(&name).unwrap_or_else(|| Flag::Extension(Atom::unchecked(name))))
}

// X-GM-LABELS label: astring, or a system label "\" atom such as \Inbox, kept with its
// backslash (Gmail IMAP extensions, developers.google.com/gmail/imap/imap-extensions)
/// A Gmail label.
pub(super) fn gm_label(i: &mut Input<'_>) -> PResult<Str> {
    if peek(i) != Some(b'\\') {
        return astring(i);
    }
    let start: &[u8] = i.input;
    advance(i, 1);
    let name = atom_bytes(i)?;
    Ok(Str::new(slice(i, &start[..1 + name.len()])))
}

// flag-perm = flag / "\*" (RFC 9051 section 9)
// Tolerated: a bare `*` (`[PERMANENTFLAGS (\Answered ... \Draft *)]`, mscdex/node-imap#19),
// read as `\*`.
/// A PERMANENTFLAGS entry.
pub(super) fn flag_perm(i: &mut Input<'_>) -> PResult<FlagPerm> {
    if i.input.starts_with(b"\\*") {
        advance(i, 2);
        Ok(FlagPerm::Wildcard)
    } else if lenient(i) && peek(i) == Some(b'*') && matches!(i.input.get(1), Some(b' ' | b')')) {
        advance(i, 1);
        Ok(FlagPerm::Wildcard)
    } else {
        flag(i).map(FlagPerm::Flag)
    }
}

/// `"(" [item *(SP item)] ")"`, tolerating extra spaces inside the parentheses.
// Hand-written rather than `delimited("(", separated(0.., item, SP), ")")`: the tolerances
// (spaces after `(` and before `)`, a missing SP before `(` or `"`) sit between the separator
// and the items, and FLAGS, BODYSTRUCTURE and envelope lists run through it on hot paths.
pub(super) fn paren_list<T>(
    i: &mut Input<'_>,
    mut item: impl FnMut(&mut Input<'_>) -> PResult<T>,
) -> PResult<Vec<T>> {
    let mut out = Vec::new();
    paren_each(i, |i| item(i).map(|v| out.push(v)))?;
    Ok(out)
}

/// [`paren_list`]'s reading, each item handed to `item` as it is read; returns how many.
#[inline]
pub(super) fn paren_each<'a>(
    i: &mut Input<'a>,
    mut item: impl FnMut(&mut Input<'a>) -> PResult<()>,
) -> PResult<usize> {
    byte(i, b'(', "(")?;
    let mut n = 0;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    if peek(i) == Some(b')') {
        advance(i, 1);
        return Ok(n);
    }
    loop {
        item(i)?;
        n += 1;
        match peek(i) {
            Some(b')') => {
                advance(i, 1);
                return Ok(n);
            }
            Some(b' ') => {
                sp(i)?;
                if lenient(i) && peek(i) == Some(b')') {
                    advance(i, 1);
                    return Ok(n);
                }
            }
            _ if lenient(i) && matches!(i.input.first(), Some(b'(' | b'"')) => {}
            _ => return fail(i, "SP or )"),
        }
    }
}

// flag-list = "(" [flag *(SP flag)] ")" (RFC 9051 section 9)
/// A flag list.
pub(super) fn flag_list(i: &mut Input<'_>) -> PResult<Vec<Flag>> {
    paren_list(i, flag)
}

// seq-number = nz-number / "*" ; seq-range = seq-number ":" seq-number
// sequence-set = (seq-number / seq-range) ["," sequence-set] (RFC 9051 section 9)
/// A sequence set of keys `K`.
// Tolerated: 0 as one end of a range, read as 1 (Dovecot sent `* VANISHED 0:1` after
// `UID EXPUNGE 1`, dovecot/core PR #162); a lone 0 stays an error.
pub(super) fn seq_set<K: SetKey>(i: &mut Input<'_>) -> PResult<NumSet<K>> {
    fn bound<K: SetKey>(i: &mut Input<'_>, in_range: bool) -> PResult<Bound<K>> {
        if peek(i) == Some(b'*') {
            advance(i, 1);
            Ok(Bound::Star)
        } else if in_range
            && lenient(i)
            && peek(i) == Some(b'0')
            && !i.input.get(1).is_some_and(u8::is_ascii_digit)
        {
            advance(i, 1);
            Ok(Bound::Value(K::from_nonzero(NonZeroU32::MIN)))
        } else {
            nz_number(i).map(|n| Bound::Value(K::from_nonzero(n)))
        }
    }
    // seq-number / seq-range
    fn item<K: SetKey>(i: &mut Input<'_>) -> PResult<SetItem<K>> {
        let zero_starts_range = i.input.starts_with(b"0:");
        let a = bound::<K>(i, zero_starts_range)?;
        if peek(i) == Some(b':') {
            advance(i, 1);
            let b = commit(bound::<K>(i, true))?;
            Ok(SetItem::Range(a, b))
        } else {
            Ok(SetItem::Single(a))
        }
    }
    // Hand-written rather than `separated(1.., item, ",")`: a "," commits to another item, so
    // `2,,3` fails at its second comma instead of backtracking to the first.
    let mut items: Vec<SetItem<K>> = vec![item::<K>(i)?];
    while peek(i) == Some(b',') {
        advance(i, 1);
        items.push(commit(item::<K>(i))?);
    }
    NumSet::new(items).or_else(|_| fail(i, "sequence set"))
}

fn month(i: &mut Input<'_>) -> PResult<u8> {
    match i.input.get(..3).and_then(month_of) {
        Some(m) => {
            advance(i, 3);
            Ok(m)
        }
        None => fail(i, "month name"),
    }
}

// date-month = "Jan" / "Feb" / "Mar" / "Apr" / "May" / "Jun" / "Jul" / "Aug" / "Sep" / "Oct" /
//              "Nov" / "Dec" (RFC 9051 section 9; case-insensitive, as every ABNF string)
/// The number (1-12) of the month named by `name` (three letters, any case).
#[inline]
fn month_of(name: &[u8]) -> Option<u8> {
    let &[a, b, c] = name else { return None };
    // `| 0x20` lower-cases a letter, and gives a lower-case letter for no other byte.
    Some(match [a | 0x20, b | 0x20, c | 0x20] {
        [b'j', b'a', b'n'] => 1,
        [b'f', b'e', b'b'] => 2,
        [b'm', b'a', b'r'] => 3,
        [b'a', b'p', b'r'] => 4,
        [b'm', b'a', b'y'] => 5,
        [b'j', b'u', b'n'] => 6,
        [b'j', b'u', b'l'] => 7,
        [b'a', b'u', b'g'] => 8,
        [b's', b'e', b'p'] => 9,
        [b'o', b'c', b't'] => 10,
        [b'n', b'o', b'v'] => 11,
        [b'd', b'e', b'c'] => 12,
        _ => return None,
    })
}

fn fixed_digits(i: &mut Input<'_>, n: usize, what: &'static str) -> PResult<u32> {
    if i.input.len() >= n && i.input[..n].iter().all(u8::is_ascii_digit) {
        let d = advance(i, n);
        Ok(d.iter().fold(0, |a, &b| a * 10 + u32::from(b - b'0')))
    } else {
        fail(i, what)
    }
}

// date-text = date-day "-" date-month "-" date-year ; date-day = 1*2DIGIT
fn date_text(i: &mut Input<'_>) -> PResult<Date> {
    let start = *i;
    let d = take_while1(i, |b| b.is_ascii_digit(), "day")?;
    if d.len() > 2 {
        return fail(&start, "day");
    }
    let day = fold_digits(d).unwrap_or(0) as u8;
    byte(i, b'-', "-")?;
    let m = month(i)?;
    byte(i, b'-', "-")?;
    let y = fixed_digits(i, 4, "year")?;
    // The grammar does not check the calendar, so neither does the parser.
    Date::any_day(y as u16, m, day).map_or_else(|| fail(&start, "valid date"), Ok)
}

// date = date-text / DQUOTE date-text DQUOTE (RFC 9051 section 9)
/// A SEARCH date.
pub(super) fn date(i: &mut Input<'_>) -> PResult<Date> {
    if peek(i) == Some(b'"') {
        advance(i, 1);
        let d = date_text(i)?;
        byte(i, b'"', "closing quote")?;
        Ok(d)
    } else {
        date_text(i)
    }
}

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
// date-day-fixed = (SP DIGIT) / 2DIGIT ; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
// zone = ("+" / "-") 4DIGIT (RFC 9051 section 9).
// Tolerated: a one-digit day without the leading space.
/// An INTERNALDATE-style date-time.
pub(super) fn date_time(i: &mut Input<'_>) -> PResult<DateTime> {
    if let Some(dt) = i.input.first_chunk().and_then(date_time_exact) {
        advance(i, DATE_TIME_LEN);
        return Ok(dt);
    }
    date_time_general(i)
}

/// The length of a `date-time`, quotes included.
const DATE_TIME_LEN: usize = 28;

/// A `date-time` read at once when its bytes have exactly the grammar's shape (what servers
/// send); `None` for anything else, which [`date_time_general`] reads (or refuses) as it would
/// have anyway.
fn date_time_exact(s: &[u8; DATE_TIME_LEN]) -> Option<DateTime> {
    let digit = |k: usize| {
        let d = s[k].wrapping_sub(b'0');
        (d < 10).then_some(u16::from(d))
    };
    let two = |k: usize| Some(digit(k)? * 10 + digit(k + 1)?);
    let four = |k: usize| Some(two(k)? * 100 + two(k + 2)?);
    let punctuation = [(0, b'"'), (3, b'-'), (7, b'-'), (12, b' ')];
    let time = [(15, b':'), (18, b':'), (21, b' '), (27, b'"')];
    if punctuation.iter().chain(&time).any(|&(k, b)| s[k] != b) {
        return None;
    }
    // date-day-fixed = (SP DIGIT) / 2DIGIT
    let day = if s[1] == b' ' { digit(2)? } else { two(1)? };
    let sign = match s[22] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let zone = four(23)? as i16;
    let date = Date::any_day(four(8)?, month_of(&s[4..7])?, day as u8)?;
    DateTime::new(
        date,
        two(13)? as u8,
        two(16)? as u8,
        two(19)? as u8,
        sign * (zone / 100 * 60 + zone % 100),
    )
}

/// [`date_time`] for any input: the tolerated one-digit day, and the errors.
fn date_time_general(i: &mut Input<'_>) -> PResult<DateTime> {
    let start = *i;
    byte(i, b'"', "date-time")?;
    if peek(i) == Some(b' ') {
        advance(i, 1);
    }
    let d = take_while1(i, |b| b.is_ascii_digit(), "day")?;
    if d.len() > 2 || (d.len() == 1 && !lenient(i) && start.input.get(1) != Some(&b' ')) {
        return cut(&start, "two-digit day");
    }
    let day = fold_digits(d).unwrap_or(0) as u8;
    byte(i, b'-', "-")?;
    let m = month(i)?;
    byte(i, b'-', "-")?;
    let y = fixed_digits(i, 4, "year")?;
    byte(i, b' ', "SP")?;
    let h = fixed_digits(i, 2, "hour")?;
    byte(i, b':', ":")?;
    let mi = fixed_digits(i, 2, "minute")?;
    byte(i, b':', ":")?;
    let s = fixed_digits(i, 2, "second")?;
    byte(i, b' ', "SP")?;
    let sign: i16 = match peek(i) {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return fail(i, "zone"),
    };
    advance(i, 1);
    let z = fixed_digits(i, 4, "zone")? as i16;
    byte(i, b'"', "closing quote")?;
    let date = Date::any_day(y as u16, m, day);
    match date.and_then(|date| {
        DateTime::new(
            date,
            h as u8,
            mi as u8,
            s as u8,
            sign * (z / 100 * 60 + z % 100),
        )
    }) {
        Some(dt) => Ok(dt),
        None => cut(&start, "valid date-time"),
    }
}

/// Skips one generic value (atom, number, string, literal, literal8, NIL, parenthesized list,
/// or a bracketed section suffix), returning its raw bytes. Used to keep unknown items whole.
pub(super) fn raw_value<'a>(i: &mut Input<'a>, depth: usize) -> PResult<&'a [u8]> {
    let start: &'a [u8] = i.input;
    skip_value(i, depth)?;
    Ok(&start[..start.len() - i.input.len()])
}

fn skip_value(i: &mut Input<'_>, depth: usize) -> PResult<()> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower nesting");
    }
    match peek(i) {
        Some(b'(') => {
            advance(i, 1);
            loop {
                take_while0(i, |b| b == b' ');
                match peek(i) {
                    Some(b')') => {
                        advance(i, 1);
                        return Ok(());
                    }
                    None | Some(b'\r' | b'\n') => return cut(i, ")"),
                    _ => skip_value(i, depth + 1)?,
                }
            }
        }
        Some(b'"') => {
            // A value kept raw is written back byte for byte, so it is read as written even on
            // the second reading: a loose quote here could change where the next parse, on the
            // first reading, splits the re-encoded bytes.
            let loose = std::mem::replace(&mut i.state.loose_quotes, false);
            let r = quoted(i).map(drop);
            i.state.loose_quotes = loose;
            r
        }
        Some(b'{' | b'~') => literal(i, true).map(drop),
        Some(_) => {
            // An atom-like token, possibly with a bracketed part: `BODY[HEADER.FIELDS (A B)]`.
            let mut any = false;
            loop {
                let t = take_while0(i, |b| {
                    is_astring_char(b) && b != b'[' || b == b'%' || b == b'*'
                });
                any |= !t.is_empty();
                if peek(i) == Some(b'[') {
                    any = true;
                    advance(i, 1);
                    let mut level = 1;
                    while level > 0 {
                        match peek(i) {
                            Some(b'[') => level += 1,
                            Some(b']') => level -= 1,
                            None | Some(b'\r' | b'\n') => return cut(i, "]"),
                            _ => {}
                        }
                        advance(i, 1);
                    }
                } else {
                    break;
                }
            }
            if any { Ok(()) } else { fail(i, "value") }
        }
        None => fail(i, "value"),
    }
}

#[cfg(test)]
pub(super) mod testing {
    //! Helpers for the parser unit tests.
    use super::super::{Ctx, Input, PResult, ParseOptions};
    use bytes::Bytes;

    /// Runs `p` over `bytes`, returning the value and the unconsumed rest.
    pub fn run_on<T>(
        bytes: &[u8],
        strict: bool,
        p: impl FnOnce(&mut Input<'_>) -> PResult<T>,
    ) -> Result<(T, Vec<u8>), String> {
        let unit = Bytes::copy_from_slice(bytes);
        let opts = ParseOptions {
            strict,
            ..ParseOptions::default()
        };
        let mut i = Input {
            input: &unit[..],
            state: Ctx::new(&unit, &opts),
        };
        match p(&mut i) {
            Ok(v) => Ok((v, i.input.to_vec())),
            Err(e) => Err(format!("{e:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::run_on;
    use super::*;

    #[test]
    fn quoted_unescapes_and_stays_zero_copy() {
        let (v, rest) = run_on(b"\"a\\\"b\" x", true, quoted).unwrap();
        assert_eq!(&v[..], b"a\"b");
        assert_eq!(rest, b" x");
        let (v, _) = run_on(b"\"plain\"", true, quoted).unwrap();
        assert_eq!(&v[..], b"plain");
    }

    #[test]
    fn quoted_specials_are_found_at_every_offset_and_length() {
        let naive = |body: &[u8], from: usize| {
            body.get(from..)?
                .iter()
                .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
                .map(|k| from + k)
        };
        for len in 0..80 {
            for special in [None, Some(b'"'), Some(b'\\'), Some(b'\n')] {
                for at in 0..len.max(1) {
                    // Bytes next to the specials in value: `!`, `#`, `[`, `]`, 0x0b, 0x80+.
                    let mut body: Vec<u8> = (0..len)
                        .map(|k| [b'!', b'#', b'[', b']', 0x0b, 0xa2, 0xdc][k % 7])
                        .collect();
                    if let Some(c) = special.filter(|_| at < len) {
                        body[at] = c;
                    }
                    for from in 0..=len.min(9) {
                        assert_eq!(
                            find_quoted_special(&body, from),
                            naive(&body, from),
                            "{body:?} from {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_date_time_fast_path_reads_what_the_general_one_reads() {
        let base = *b"\"17-Jul-1996 02:44:25 -0700\" x";
        let bytes = [
            b' ', b'0', b'3', b'9', b'-', b'+', b'"', b':', b'j', b'U', b'a',
        ];
        let mut inputs = vec![base.to_vec(), b"\" 7-jUL-1996 23:59:59 +1400\"".to_vec()];
        for k in 0..base.len() {
            for b in bytes {
                let mut v = base.to_vec();
                v[k] = b;
                inputs.push(v);
            }
        }
        for input in inputs {
            for strict in [false, true] {
                assert_eq!(
                    run_on(&input, strict, date_time),
                    run_on(&input, strict, date_time_general),
                    "{:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    #[test]
    fn short_numbers_are_read_as_a_byte_at_a_time() {
        let naive = |input: &[u8]| {
            let n = input.iter().take_while(|b| b.is_ascii_digit()).count();
            let value = input[..n]
                .iter()
                .fold(0u64, |a, &b| a * 10 + u64::from(b - b'0'));
            (input.len() >= 8 && (1..8).contains(&n)).then_some((n, value as u32))
        };
        // Every byte after every run of digits, and digit runs of every length and value shape.
        for n in 0..=9 {
            for after in 0..=255u8 {
                for digits in ["9876543210", "0000000000", "1000000009", "5050505050"] {
                    let mut input = digits.as_bytes()[..n].to_vec();
                    input.push(after);
                    input.extend_from_slice(b"\x00\xff 9 ~\x39\x3a\x2f");
                    assert_eq!(short_number(&input), naive(&input), "{input:?}");
                    assert_eq!(short_number(&input[..7]), None);
                }
            }
        }
    }

    #[test]
    fn the_size_fast_path_reads_what_the_general_one_reads() {
        let digits = "123456789012345678901234";
        let tails = ["", ")", " ", ".5)", "e3)", "E+2)", "x"];
        for n in 0..digits.len() {
            for sign in ["", "-"] {
                for tail in tails {
                    let input = format!("{sign}{}{tail}", &digits[..n]);
                    for strict in [false, true] {
                        assert_eq!(
                            run_on(input.as_bytes(), strict, size),
                            run_on(input.as_bytes(), strict, size_general),
                            "{input}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_quoted_fast_path_reads_what_the_general_one_reads() {
        let specials = [b'"', b'\\', b'\r', b'\n', 0xe9, b'a'];
        for len in 0..20 {
            for (k, special) in (0..len).flat_map(|k| specials.map(|s| (k, s))) {
                let mut input = vec![b'"'];
                input.extend((0..len).map(|n| if n == k { special } else { b'x' }));
                input.extend_from_slice(b"\" y");
                for strict in [false, true] {
                    let fast = run_on(&input, strict, |i| {
                        quoted_span(i).map(|(s, e)| (s.to_vec(), e))
                    });
                    let general = run_on(&input, strict, |i| {
                        quoted_span_general(i).map(|(s, e)| (s.to_vec(), e))
                    });
                    assert_eq!(fast, general, "{input:?}");
                }
            }
        }
    }

    #[test]
    fn dates_are_kept_as_the_grammar_allows_them() {
        for strict in [false, true] {
            let (dt, _) = run_on(b"\"31-Feb-2024 10:00:00 +0000\"", strict, date_time).unwrap();
            assert_eq!((dt.date.month, dt.date.day), (2, 31), "kept as sent");
            let (d, _) = run_on(b"30-Feb-2023", strict, date).unwrap();
            assert_eq!((d.month, d.day), (2, 30));
            assert!(run_on(b"32-Jan-2024", strict, date).is_err());
            assert!(run_on(b"0-Jan-2024", strict, date).is_err());
        }
    }

    #[test]
    fn quoted_8bit_is_tolerated_only_when_lenient() {
        assert!(run_on("\"caf\u{e9}\"".as_bytes(), false, quoted).is_ok());
        assert!(run_on("\"caf\u{e9}\"".as_bytes(), true, quoted).is_err());
    }

    #[test]
    fn literal_forms() {
        let (v, rest) = run_on(b"{3}\r\nabc)", true, string).unwrap();
        assert_eq!(v.as_bytes(), b"abc");
        assert_eq!(rest, b")");
        assert!(run_on(b"{5}\r\nabc", true, string).is_err());
        let (v, _) = run_on(b"~{2}\r\n\0\x01", true, nstring8).unwrap();
        assert_eq!(v.unwrap().as_bytes(), b"\0\x01");
        assert!(run_on(b"{99999999999999999999}\r\n", true, string).is_err());
    }

    #[test]
    fn numbers_and_sizes() {
        assert_eq!(run_on(b"4294967295", true, number).unwrap().0, u32::MAX);
        assert!(run_on(b"4294967296", true, number).is_err());
        // Real servers: negative and oversized sizes on broken messages.
        assert_eq!(run_on(b"-1", false, size).unwrap().0, 0);
        assert_eq!(
            run_on(b"99999999999999999999999", false, size).unwrap().0,
            u64::MAX
        );
        assert!(run_on(b"-1", true, size).is_err());
    }

    #[test]
    fn sizes_in_floating_point_notation_are_read_when_lenient() {
        for (text, value) in [
            (&b"9.3736e+06)"[..], 9_373_600),
            (b"1.86931e+06)", 1_869_310),
            (b"1.5E3)", 1500),
            (b"2.75)", 2),
            (b"7e-1)", 0),
            (b"1e400)", u64::MAX),
            (b"-2.5e3)", 0),
        ] {
            let (v, rest) = run_on(text, false, size).unwrap();
            assert_eq!((v, rest.as_slice()), (value, &b")"[..]), "{text:?}");
            // Strict mode reads the integer digits at most.
            let strict = run_on(text, true, size);
            assert!(strict.is_err() || strict.is_ok_and(|(_, rest)| rest != b")"));
        }
        assert!(run_on(b"1e)", false, size).is_err());
        assert!(run_on(b"1e+)", false, size).is_err());
    }

    #[test]
    fn sets_are_kept_exactly() {
        use crate::types::SeqNum;
        let (s, _) = run_on(b"3:1,5,*", true, seq_set::<SeqNum>).unwrap();
        assert_eq!(s.items().len(), 3);
        assert!(matches!(s.items()[0], SetItem::Range(Bound::Value(a), _) if a.get() == 3));
        assert!(matches!(s.items()[2], SetItem::Single(Bound::Star)));
        assert!(run_on(b"0", true, seq_set::<SeqNum>).is_err());
    }

    #[test]
    fn dates() {
        let (d, _) = run_on(b"\"17-Jul-1996 02:44:25 -0700\"", true, date_time).unwrap();
        assert_eq!(d.to_string(), "17-Jul-1996 02:44:25 -0700");
        let (d, _) = run_on(b"\" 7-Jul-1996 02:44:25 +0130\"", true, date_time).unwrap();
        assert_eq!(d.zone_minutes, 90);
        assert!(run_on(b"\"7-Jul-1996 02:44:25 +0000\"", true, date_time).is_err());
        assert!(run_on(b"\"7-Jul-1996 02:44:25 +0000\"", false, date_time).is_ok());
        assert!(run_on(b"\"31-Foo-1996 02:44:25 +0000\"", false, date_time).is_err());
        assert_eq!(run_on(b"1-feb-1994", true, date).unwrap().0.month, 2);
    }

    #[test]
    fn mailbox_names_decode() {
        let (m, _) = run_on(b"\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"", true, mailbox).unwrap();
        assert_eq!(m.name(), Some("~peter/mail/台北/日本語"));
        let (m, _) = run_on(b"inbox", true, mailbox).unwrap();
        assert!(m.is_inbox());
        let (m, _) = run_on(b"\"bad&\"", true, mailbox).unwrap();
        assert!(m.raw().is_some());
    }

    #[test]
    fn raw_values_skip_whole_items() {
        let (v, rest) = run_on(b"(a \"b)\" {1}\r\n) (c)) z", true, |i| {
            raw_value(i, 0).map(<[u8]>::to_vec)
        })
        .unwrap();
        assert_eq!(v, b"(a \"b)\" {1}\r\n) (c))");
        assert_eq!(rest, b" z");
        let deep = [b'('; 200];
        assert!(run_on(&deep, true, |i| raw_value(i, 0).map(<[u8]>::to_vec)).is_err());
    }
}

/// One ID field and its value.
type IdParam = (Str, Option<Str>);

// id_params_list ::= "(" #(string SPACE nstring) ")" / nil (RFC 2971 section 4; the pairs are
// separated by SP). Tolerated: extra and trailing spaces inside the list.
/// The parameters of an ID command or response.
pub(super) fn id_params(i: &mut Input<'_>) -> PResult<Option<Vec<IdParam>>> {
    if at_nil(i) {
        nil(i)?;
        return Ok(None);
    }
    paren_list(i, |i| {
        let k = string(i)?;
        sp(i)?;
        Ok((k, nstring(i)?))
    })
    .map(Some)
}
