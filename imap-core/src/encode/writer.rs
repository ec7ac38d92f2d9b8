//! The low-level writer: one buffer split into line fragments at literals, and the building
//! blocks every encoder uses (strings, atoms, literals, numbers, sequence sets, dates, flags,
//! capabilities, mailbox names).

use super::{EncodeOptions, Encoded, Fragment};
use crate::types::string::is_astring_char;
use crate::types::{
    Atom, Bound, Capability, Date, DateTime, Flag, FlagPerm, Mailbox, MailboxAttr, MessageSet,
    NumSet, SetItem, SetKey, Str, Tag,
};
use crate::utf7::encode_utf7_cow;
use bytes::{BufMut, Bytes, BytesMut};

/// Longest value written as a quoted string; longer ones become literals.
pub(crate) const QUOTED_MAX: usize = 1024;

/// Longest literal that is non-synchronizing under `LITERAL-` (RFC 7888).
pub(crate) const LITERAL_MINUS_MAX: usize = 4096;

/// Which peer writes: literals from a client may be synchronizing, from a server never.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Side {
    /// Commands.
    Client,
    /// Responses.
    Server,
}

/// The kind of slot a string goes into.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    /// `astring`: an atom is allowed.
    AString,
    /// `list-mailbox`: an atom with `%` and `*` is allowed.
    ListMailbox,
    /// `string`: quoted or literal only.
    String,
}

/// Accumulates one unit (command or response) as fragments.
pub(crate) struct Writer<'a> {
    /// The current line.
    buf: BytesMut,
    /// Finished fragments.
    frags: Vec<Fragment>,
    /// The peer's options.
    opts: &'a EncodeOptions,
    /// Who writes.
    side: Side,
}

impl<'a> Writer<'a> {
    /// An empty writer.
    pub(crate) fn new(opts: &'a EncodeOptions, side: Side) -> Self {
        Writer {
            buf: BytesMut::with_capacity(256),
            frags: Vec::new(),
            opts,
            side,
        }
    }

    /// A writer that appends to `buf` (what it holds stays in front).
    pub(crate) fn with_buffer(buf: BytesMut, opts: &'a EncodeOptions, side: Side) -> Self {
        Writer {
            buf,
            frags: Vec::new(),
            opts,
            side,
        }
    }

    /// Every byte written, literals inline, in one buffer (no CRLF is added: a piece of a unit,
    /// not a unit).
    pub(crate) fn into_inline(mut self) -> BytesMut {
        if self.frags.is_empty() {
            return self.buf;
        }
        let len = self.frags.iter().map(|f| f.as_bytes().len()).sum::<usize>() + self.buf.len();
        let mut out = BytesMut::with_capacity(len);
        for f in &self.frags {
            out.extend_from_slice(f.as_bytes());
        }
        out.extend_from_slice(&self.buf);
        self.buf.clear();
        out
    }

    /// Ends the unit with CRLF and returns the fragments.
    ///
    /// If the last line ends with something that looks like a literal marker (it can only come
    /// from raw text), a space is appended first so that no reader takes it for a literal.
    ///
    /// A response that would end right after a literal's data while a parenthesis is open gets
    /// that space too ([`Writer::ends_literal_inside_parens`]).
    pub(crate) fn finish(mut self) -> Encoded {
        if literal_marker_shape(&self.buf).is_some() || self.ends_literal_inside_parens() {
            self.sp();
        }
        self.buf.extend_from_slice(b"\r\n");
        let line = self.buf.split().freeze();
        self.frags.push(Fragment::Line(line));
        Encoded {
            fragments: self.frags,
        }
    }

    /// Whether the response written so far ends right after a literal's data while a
    /// parenthesis it opened is still open. A client-role framer reads a CRLF there as the extra
    /// line end servers write after a FETCH literal ([`crate::frame`]), so the unit would not
    /// end. Only raw text kept from a parse leaves a parenthesis open (an unknown response whose
    /// literal a bare LF ended, which a fuzzer found); a space before the CRLF ends the unit.
    fn ends_literal_inside_parens(&self) -> bool {
        self.side == Side::Server
            && self.buf.is_empty()
            && matches!(self.frags.last(), Some(Fragment::Literal { .. }))
            && self
                .frags
                .iter()
                .filter_map(|f| match f {
                    Fragment::Line(line) => Some(line),
                    _ => None,
                })
                .fold(0, |open, line| crate::frame::open_parens(open, line))
                > 0
    }

    // ---- plain bytes ----

    /// Trusted bytes (constants of the grammar).
    #[inline]
    pub(crate) fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// One trusted byte.
    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        self.buf.put_u8(b);
    }

    /// A space.
    #[inline]
    pub(crate) fn sp(&mut self) {
        self.byte(b' ');
    }

    /// Bytes that should be clean (validated tokens, raw arguments, text), with every CR, LF
    /// and NUL replaced by a space.
    pub(crate) fn put_clean(&mut self, b: &[u8]) {
        let mut rest = b;
        while let Some(i) = memchr::memchr3(b'\r', b'\n', 0, rest) {
            self.put(&rest[..i]);
            self.sp();
            rest = &rest[i + 1..];
        }
        self.put(rest);
    }

    /// Human-readable text (`text` of `resp-text`): CR, LF and NUL become spaces.
    pub(crate) fn text(&mut self, b: &[u8]) {
        self.put_clean(b);
    }

    /// The raw arguments of a response code (`1*<any TEXT-CHAR except "]">`): CR, LF, NUL and
    /// `]` become spaces.
    pub(crate) fn code_text(&mut self, b: &[u8]) {
        let mut rest = b;
        while let Some(i) = rest
            .iter()
            .position(|&c| matches!(c, b'\r' | b'\n' | 0 | b']'))
        {
            self.put(&rest[..i]);
            self.sp();
            rest = &rest[i + 1..];
        }
        self.put(rest);
    }

    /// Raw bytes kept from a parse, which may contain literals (`{N}\r\n` and N bytes, or
    /// `~{N}\r\n` and N bytes): those become literal fragments, synchronizing when a client
    /// writes a marker without `+` or `-`; every other CR, LF and NUL becomes a space.
    pub(crate) fn raw_with_literals(&mut self, raw: &Bytes) {
        let b = &raw[..];
        let mut start = 0;
        let mut i = 0;
        while let Some(p) = memchr::memchr3(b'\r', b'\n', 0, &b[i..]) {
            let pos = i + p;
            // The marker's line end: CRLF, or a bare LF, which tolerant parsing reads as one
            // (`literal_head`); written back as CRLF, since a space there would leave a marker
            // no parser reads.
            let eol = match b[pos] {
                b'\r' if b.get(pos + 1) == Some(&b'\n') => Some(2),
                b'\n' => Some(1),
                _ => None,
            };
            let literal = eol.and_then(|eol| {
                literal_marker(&b[start..pos]).and_then(|(n, non_sync, tilde)| {
                    let n = usize::try_from(n).ok()?;
                    let data = pos + eol;
                    let end = data.checked_add(n)?;
                    (end <= b.len()).then_some((data, end, non_sync, tilde))
                })
            });
            match literal {
                Some((data, end, non_sync, tilde)) => {
                    self.put(&b[start..pos]);
                    self.put(b"\r\n");
                    let line = self.buf.split().freeze();
                    self.frags.push(Fragment::Line(line));
                    self.frags.push(Fragment::Literal {
                        data: raw.slice(data..end),
                        sync: self.side == Side::Client && !non_sync,
                        binary: tilde,
                    });
                    start = end;
                }
                None => {
                    self.put(&b[start..pos]);
                    self.sp();
                    start = pos + 1;
                }
            }
            i = start;
        }
        self.put(&b[start..]);
    }

    // ---- numbers ----

    /// A decimal number.
    pub(crate) fn num(&mut self, n: u64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        let mut n = n;
        loop {
            i -= 1;
            tmp[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.put(&tmp[i..]);
    }

    /// A decimal `u32`.
    #[inline]
    pub(crate) fn num32(&mut self, n: u32) {
        self.num(u64::from(n));
    }

    /// At least two decimal digits (zero-padded).
    fn num2(&mut self, n: u8) {
        if n < 10 {
            self.byte(b'0');
        }
        self.num(u64::from(n));
    }

    // ---- tokens ----

    /// A tag.
    pub(crate) fn tag(&mut self, t: &Tag) {
        self.put_clean(t.as_bytes());
    }

    /// An atom.
    pub(crate) fn atom(&mut self, a: &Atom) {
        self.put_clean(a.as_bytes());
    }

    /// A bare token when `s` is a non-empty run of `ATOM-CHAR`s, else a string (used where the
    /// grammar wants a bare token, such as object ids, and the value does not fit).
    pub(crate) fn atom_or_string(&mut self, s: &Str) {
        let b = s.as_bytes();
        if !b.is_empty() && b.iter().all(|&c| crate::types::string::is_atom_char(c)) {
            self.put(b);
        } else {
            self.string(s);
        }
    }

    /// A `charset` (`atom / quoted`): an atom when possible, else quoted, else a literal.
    pub(crate) fn charset(&mut self, s: &Str) {
        self.atom_or_string(s);
    }

    // ---- strings ----

    /// An `astring`.
    pub(crate) fn astring(&mut self, s: &Str) {
        self.str_in(s.as_bytes(), Some(s.bytes()), Slot::AString, false);
    }

    /// A `string` (quoted or literal, never an atom).
    pub(crate) fn string(&mut self, s: &Str) {
        self.str_in(s.as_bytes(), Some(s.bytes()), Slot::String, false);
    }

    /// A `string`, or `literal8` when the value holds a NUL byte.
    pub(crate) fn string8(&mut self, s: &Str) {
        self.str_in(s.as_bytes(), Some(s.bytes()), Slot::String, true);
    }

    /// An `nstring`: `NIL` for `None`.
    pub(crate) fn nstring(&mut self, s: Option<&Str>) {
        match s {
            Some(s) => self.string(s),
            None => self.nil(),
        }
    }

    /// An `nstring / literal8`: `NIL` for `None`, `literal8` when the value holds a NUL.
    pub(crate) fn nstring8(&mut self, s: Option<&Str>) {
        match s {
            Some(s) => self.string8(s),
            None => self.nil(),
        }
    }

    /// Message data (`BODY[..]`, `RFC822*` and `BINARY[..]` values): always a literal, as
    /// Dovecot and Cyrus send them, whatever the length; `literal8` when `binary` and the value
    /// holds a NUL; `NIL` for `None`. A short section as a quoted string is valid IMAP, but
    /// curl cannot read it and imaplib hands it to the caller in another shape.
    pub(crate) fn nliteral(&mut self, s: Option<&Str>, binary: bool) {
        match s {
            Some(s) => {
                let eight = binary && memchr::memchr(0, s.as_bytes()).is_some();
                self.literal_impl(s.as_bytes(), Some(s.bytes()), eight);
            }
            None => self.nil(),
        }
    }

    /// `NIL`.
    #[inline]
    pub(crate) fn nil(&mut self) {
        self.put(b"NIL");
    }

    /// A literal, whatever the bytes (`literal8` when `binary`).
    pub(crate) fn literal(&mut self, s: &Str, binary: bool) {
        self.literal_impl(s.as_bytes(), Some(s.bytes()), binary);
    }

    /// A mailbox name (`mailbox`): modified UTF-7 (or UTF-8 with `UTF8=ACCEPT`), or the raw
    /// bytes, as an astring.
    pub(crate) fn mailbox(&mut self, m: &Mailbox) {
        self.mailbox_in(m, Slot::AString);
    }

    /// A LIST pattern (`list-mailbox`): like [`Writer::mailbox`], with `%` and `*` allowed in
    /// the atom form.
    pub(crate) fn list_mailbox(&mut self, m: &Mailbox) {
        self.mailbox_in(m, Slot::ListMailbox);
    }

    fn mailbox_in(&mut self, m: &Mailbox, slot: Slot) {
        if let Some(wire) = m.wire() {
            self.str_in(wire, Some(wire), slot, false);
        } else if let Some(name) = m.name() {
            if self.opts.utf8 {
                self.str_in(name.as_bytes(), None, slot, false);
            } else {
                let enc = encode_utf7_cow(name);
                self.str_in(enc.as_bytes(), None, slot, false);
            }
        } else {
            self.put(b"\"\"");
        }
    }

    /// A hierarchy delimiter (`DQUOTE QUOTED-CHAR DQUOTE / nil`). A byte that cannot be
    /// quoted (NUL, CR, LF, 8-bit) is written as `NIL`.
    pub(crate) fn delimiter(&mut self, d: Option<u8>) {
        match d {
            Some(c) if is_text_char(c) => {
                self.byte(b'"');
                if c == b'"' || c == b'\\' {
                    self.byte(b'\\');
                }
                self.byte(c);
                self.byte(b'"');
            }
            _ => self.nil(),
        }
    }

    /// Writes `data` in the representation its slot and bytes call for. `owner`, when given,
    /// holds exactly `data` and is shared (not copied) if a literal is needed.
    fn str_in(&mut self, data: &[u8], owner: Option<&Bytes>, slot: Slot, literal8: bool) {
        let atom = match slot {
            Slot::AString => is_astring_atom(data),
            Slot::ListMailbox => is_list_atom(data),
            Slot::String => false,
        };
        if atom {
            self.put(data);
        } else if literal8 && memchr::memchr(0, data).is_some() {
            self.literal_impl(data, owner, true);
        } else if self.quotable(data) {
            self.quoted(data);
        } else {
            self.literal_impl(data, owner, false);
        }
    }

    /// Whether `data` can be a quoted string.
    fn quotable(&self, data: &[u8]) -> bool {
        if data.len() > QUOTED_MAX {
            return false;
        }
        let mut eight_bit = false;
        for &b in data {
            match b {
                0 | b'\r' | b'\n' => return false,
                0x80.. => eight_bit = true,
                _ => {}
            }
        }
        !eight_bit || (self.opts.utf8 && std::str::from_utf8(data).is_ok())
    }

    /// A quoted string, escaping `"` and `\`.
    fn quoted(&mut self, data: &[u8]) {
        self.buf.reserve(data.len() + 2);
        self.byte(b'"');
        let mut rest = data;
        while let Some(i) = memchr::memchr2(b'"', b'\\', rest) {
            self.put(&rest[..i]);
            self.byte(b'\\');
            self.byte(rest[i]);
            rest = &rest[i + 1..];
        }
        self.put(rest);
        self.byte(b'"');
    }

    /// A literal: the marker and CRLF end the current line, the data is the next fragment.
    fn literal_impl(&mut self, data: &[u8], owner: Option<&Bytes>, binary: bool) {
        let n = data.len();
        let non_sync = match self.side {
            Side::Client => {
                self.opts.literal_plus || (self.opts.literal_minus && n <= LITERAL_MINUS_MAX)
            }
            Side::Server => false,
        };
        if binary {
            self.byte(b'~');
        }
        self.byte(b'{');
        self.num(n as u64);
        if non_sync {
            self.byte(b'+');
        }
        self.put(b"}\r\n");
        let line = self.buf.split().freeze();
        self.frags.push(Fragment::Line(line));
        let data = match owner {
            Some(b) => b.clone(),
            None => Bytes::copy_from_slice(data),
        };
        self.frags.push(Fragment::Literal {
            data,
            sync: self.side == Side::Client && !non_sync,
            binary,
        });
    }

    // ---- structured values ----

    /// A sequence set, exactly as held.
    pub(crate) fn set<K: SetKey>(&mut self, s: &NumSet<K>) {
        for (i, item) in s.items().iter().enumerate() {
            if i > 0 {
                self.byte(b',');
            }
            match *item {
                SetItem::Single(b) => self.bound(b),
                SetItem::Range(a, b) => {
                    self.bound(a);
                    self.byte(b':');
                    self.bound(b);
                }
            }
        }
    }

    fn bound<K: SetKey>(&mut self, b: Bound<K>) {
        match b {
            Bound::Value(k) => self.num32(k.value()),
            Bound::Star => self.byte(b'*'),
        }
    }

    /// The set a command acts on: numbers, or `$`.
    pub(crate) fn message_set(&mut self, s: &MessageSet) {
        match s {
            MessageSet::Seq(s) => self.set(s),
            MessageSet::Uid(s) => self.set(s),
            MessageSet::Saved { .. } => self.byte(b'$'),
        }
    }

    /// A `date` (SEARCH), unquoted: `1-Feb-1994`.
    pub(crate) fn date(&mut self, d: &Date) {
        self.num(u64::from(d.day));
        self.byte(b'-');
        self.put(month(d.month));
        self.byte(b'-');
        self.year(d.year);
    }

    fn year(&mut self, y: u16) {
        for p in [1000, 100, 10] {
            if y < p {
                self.byte(b'0');
            }
        }
        self.num(u64::from(y));
    }

    /// A `date-time`, quoted: `"17-Jul-1996 02:44:25 -0700"`.
    pub(crate) fn date_time(&mut self, dt: &DateTime) {
        self.byte(b'"');
        self.num2(dt.date.day);
        self.byte(b'-');
        self.put(month(dt.date.month));
        self.byte(b'-');
        self.year(dt.date.year);
        self.sp();
        self.num2(dt.hour);
        self.byte(b':');
        self.num2(dt.minute);
        self.byte(b':');
        self.num2(dt.second);
        self.sp();
        let z = dt.zone_minutes;
        self.byte(if z < 0 { b'-' } else { b'+' });
        let abs = z.unsigned_abs();
        self.num2((abs / 60).min(99) as u8);
        self.num2((abs % 60) as u8);
        self.byte(b'"');
    }

    /// A flag.
    pub(crate) fn flag(&mut self, f: &Flag) {
        match f {
            Flag::Keyword(a) => self.atom(a),
            Flag::Extension(a) => {
                self.byte(b'\\');
                self.atom(a);
            }
            system => {
                self.byte(b'\\');
                self.put(system.system_name().unwrap_or_default().as_bytes());
            }
        }
    }

    /// A `flag-list`: `(\Seen $Junk)`.
    pub(crate) fn flag_list(&mut self, flags: &[Flag]) {
        self.paren_list(flags, |w, f| w.flag(f));
    }

    /// A `flag-perm`.
    pub(crate) fn flag_perm(&mut self, f: &FlagPerm) {
        match f {
            FlagPerm::Flag(f) => self.flag(f),
            FlagPerm::Wildcard => self.put(b"\\*"),
        }
    }

    /// A mailbox attribute: `\` and its name.
    pub(crate) fn mailbox_attr(&mut self, a: &MailboxAttr) {
        self.byte(b'\\');
        self.put_clean(a.name().as_bytes());
    }

    /// A capability ([`Capability::to_wire`]).
    pub(crate) fn capability(&mut self, c: &Capability) {
        self.put_clean(c.to_wire().as_bytes());
    }

    /// `(a b c)`, each item written by `f`.
    pub(crate) fn paren_list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.byte(b'(');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.sp();
            }
            f(self, x);
        }
        self.byte(b')');
    }

    /// ` a b c`: each item preceded by a space.
    pub(crate) fn sp_each<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        for x in items {
            self.sp();
            f(self, x);
        }
    }
}

/// `date-month` for 1..=12 (clamped).
fn month(m: u8) -> &'static [u8] {
    crate::types::datetime::MONTHS[usize::from(m.clamp(1, 12)) - 1].as_bytes()
}

/// `TEXT-CHAR` (ASCII without NUL, CR, LF).
fn is_text_char(b: u8) -> bool {
    matches!(b, 0x01..=0x7f) && b != b'\r' && b != b'\n'
}

/// Whether `b` is `NIL` in any case.
fn is_nil(b: &[u8]) -> bool {
    b.eq_ignore_ascii_case(b"NIL")
}

/// Whether `b` can be written as an atom in an astring slot.
fn is_astring_atom(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|&c| is_astring_char(c)) && !is_nil(b)
}

/// Whether `b` can be written as `1*list-char`.
fn is_list_atom(b: &[u8]) -> bool {
    !b.is_empty()
        && b.iter()
            .all(|&c| is_astring_char(c) || c == b'%' || c == b'*')
        && !is_nil(b)
}

/// If `line` ends with `{digits}`, `{digits+}` or `{digits-}` (possibly after `~`): the
/// position of the digits, whether it is non-synchronizing (`+`, or the `-` some peers write
/// and framers accept), and whether `~` is present.
pub(crate) fn literal_marker_shape(line: &[u8]) -> Option<(std::ops::Range<usize>, bool, bool)> {
    let rest = line.strip_suffix(b"}")?;
    let (rest, non_sync) = match rest.split_last() {
        Some((b'+' | b'-', r)) => (r, true),
        _ => (rest, false),
    };
    let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let open = rest.len() - digits;
    let before = rest[..open].strip_suffix(b"{")?;
    Some((open..rest.len(), non_sync, before.ends_with(b"~")))
}

/// If `line` ends with a literal marker: its size, whether it is non-synchronizing, and whether
/// it is a `literal8` (`~{`).
pub(crate) fn literal_marker(line: &[u8]) -> Option<(u64, bool, bool)> {
    let (digits, non_sync, tilde) = literal_marker_shape(line)?;
    let n = std::str::from_utf8(&line[digits]).ok()?.parse().ok()?;
    Some((n, non_sync, tilde))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::tests::check_framing;
    use crate::types::{SeqNum, Uid, UidSet};

    fn enc(opts: EncodeOptions, side: Side, f: impl FnOnce(&mut Writer<'_>)) -> Encoded {
        let mut w = Writer::new(&opts, side);
        f(&mut w);
        let e = w.finish();
        check_framing(&e);
        e
    }

    fn client(f: impl FnOnce(&mut Writer<'_>)) -> String {
        text(&enc(EncodeOptions::default(), Side::Client, f))
    }

    fn server(f: impl FnOnce(&mut Writer<'_>)) -> String {
        text(&enc(EncodeOptions::default(), Side::Server, f))
    }

    fn text(e: &Encoded) -> String {
        String::from_utf8_lossy(&e.to_vec()).into_owned()
    }

    fn astr(s: &[u8]) -> String {
        client(|w| w.astring(&Str::from(s)))
    }

    #[test]
    fn astring_atom_when_possible() {
        assert_eq!(astr(b"INBOX"), "INBOX\r\n");
        assert_eq!(astr(b"fred]"), "fred]\r\n");
        assert_eq!(astr(b"+lr"), "+lr\r\n");
        assert_eq!(astr(b"a.b-c_d$e&f"), "a.b-c_d$e&f\r\n");
    }

    #[test]
    fn astring_quoted_when_needed() {
        assert_eq!(astr(b""), "\"\"\r\n");
        assert_eq!(astr(b"a b"), "\"a b\"\r\n");
        assert_eq!(astr(b"a(b"), "\"a(b\"\r\n");
        assert_eq!(astr(b"a{b"), "\"a{b\"\r\n");
        assert_eq!(astr(b"%"), "\"%\"\r\n");
        assert_eq!(astr(b"*"), "\"*\"\r\n");
        assert_eq!(astr(b"say \"hi\""), "\"say \\\"hi\\\"\"\r\n");
        assert_eq!(astr(b"back\\slash"), "\"back\\\\slash\"\r\n");
        assert_eq!(astr(b"tab\there"), "\"tab\there\"\r\n");
    }

    #[test]
    fn nil_is_never_an_atom() {
        assert_eq!(astr(b"NIL"), "\"NIL\"\r\n");
        assert_eq!(astr(b"nil"), "\"nil\"\r\n");
        assert_eq!(astr(b"NILS"), "NILS\r\n");
        assert_eq!(client(|w| w.string(&Str::from("NIL"))), "\"NIL\"\r\n");
        assert_eq!(client(|w| w.nstring(None)), "NIL\r\n");
        assert_eq!(client(|w| w.nstring(Some(&Str::from("")))), "\"\"\r\n");
    }

    #[test]
    fn string_slot_never_atom() {
        assert_eq!(client(|w| w.string(&Str::from("abc"))), "\"abc\"\r\n");
        assert_eq!(client(|w| w.nstring(Some(&Str::from("x")))), "\"x\"\r\n");
    }

    #[test]
    fn literal_for_crlf_nul_and_8bit() {
        assert_eq!(astr(b"a\r\nb"), "{4}\r\na\r\nb\r\n");
        assert_eq!(astr(b"a\0b"), "{3}\r\na\0b\r\n");
        assert_eq!(astr(b"\xff"), "{1}\r\n\u{fffd}\r\n");
        // Valid UTF-8 is a literal without UTF8=ACCEPT, quoted with it.
        assert_eq!(astr("café".as_bytes()), "{5}\r\ncafé\r\n");
        let utf8 = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        assert_eq!(
            text(&enc(utf8, Side::Client, |w| w.astring(&Str::from("café")))),
            "\"café\"\r\n"
        );
        // Invalid UTF-8 stays a literal even with UTF8=ACCEPT.
        let e = enc(utf8, Side::Client, |w| {
            w.astring(&Str::from(&b"caf\xe9"[..]))
        });
        assert_eq!(e.to_vec(), b"{4}\r\ncaf\xe9\r\n");
    }

    #[test]
    fn quoted_length_limit() {
        let q = vec![b' '; QUOTED_MAX];
        let s = client(|w| w.astring(&Str::from(q.clone())));
        assert!(s.starts_with('"'));
        let l = vec![b' '; QUOTED_MAX + 1];
        let s = client(|w| w.astring(&Str::from(l)));
        assert!(s.starts_with("{1025}\r\n"));
        // Long atoms stay atoms.
        let a = vec![b'x'; 5000];
        assert_eq!(client(|w| w.astring(&Str::from(a))).len(), 5002);
    }

    #[test]
    fn literal_modes() {
        let small = Str::from("a\r\nb");
        let big = Str::from(vec![b'\n'; LITERAL_MINUS_MAX + 1]);
        let edge = Str::from(vec![b'\n'; LITERAL_MINUS_MAX]);
        let frags = |opts: EncodeOptions, s: &Str| {
            enc(opts, Side::Client, |w| w.astring(s)).into_fragments()
        };
        let plain = EncodeOptions::default();
        let plus = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        let minus = EncodeOptions {
            literal_minus: true,
            ..Default::default()
        };
        assert_eq!(
            frags(plain, &small)[0],
            Fragment::Line(Bytes::from("{4}\r\n"))
        );
        assert!(matches!(
            frags(plain, &small)[1],
            Fragment::Literal {
                sync: true,
                binary: false,
                ..
            }
        ));
        assert_eq!(
            frags(plus, &small)[0],
            Fragment::Line(Bytes::from("{4+}\r\n"))
        );
        assert!(matches!(
            frags(plus, &small)[1],
            Fragment::Literal { sync: false, .. }
        ));
        assert_eq!(
            frags(plus, &big)[0],
            Fragment::Line(Bytes::from("{4097+}\r\n"))
        );
        assert_eq!(
            frags(minus, &small)[0],
            Fragment::Line(Bytes::from("{4+}\r\n"))
        );
        assert_eq!(
            frags(minus, &edge)[0],
            Fragment::Line(Bytes::from("{4096+}\r\n"))
        );
        assert_eq!(
            frags(minus, &big)[0],
            Fragment::Line(Bytes::from("{4097}\r\n"))
        );
        assert!(matches!(
            frags(minus, &big)[1],
            Fragment::Literal { sync: true, .. }
        ));
        let both = EncodeOptions {
            literal_plus: true,
            literal_minus: true,
            ..Default::default()
        };
        assert_eq!(
            frags(both, &big)[0],
            Fragment::Line(Bytes::from("{4097+}\r\n"))
        );
        // Servers never write `+` and never wait.
        let e = enc(plus, Side::Server, |w| w.string(&small)).into_fragments();
        assert_eq!(e[0], Fragment::Line(Bytes::from("{4}\r\n")));
        assert!(matches!(e[1], Fragment::Literal { sync: false, .. }));
    }

    #[test]
    fn literal8_only_when_allowed_and_needed() {
        let nul = Str::from(&b"a\0b"[..]);
        assert_eq!(client(|w| w.string8(&nul)), "~{3}\r\na\0b\r\n");
        assert_eq!(client(|w| w.string8(&Str::from("ab"))), "\"ab\"\r\n");
        assert_eq!(client(|w| w.string(&nul)), "{3}\r\na\0b\r\n");
        assert_eq!(server(|w| w.nstring8(Some(&nul))), "~{3}\r\na\0b\r\n");
        let plus = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        assert_eq!(
            text(&enc(plus, Side::Client, |w| w.literal(&nul, true))),
            "~{3+}\r\na\0b\r\n"
        );
    }

    #[test]
    fn clean_text_cannot_inject() {
        assert_eq!(server(|w| w.text(b"a\r\n* BYE\0x")), "a  * BYE x\r\n");
        assert_eq!(server(|w| w.code_text(b"a]b\rc")), "a b c\r\n");
        assert_eq!(
            server(|w| w.tag(&Tag::unchecked(Bytes::from_static(b"a\r\nb")))),
            "a  b\r\n"
        );
    }

    #[test]
    fn trailing_literal_marker_is_defused() {
        assert_eq!(server(|w| w.text(b"see {5}")), "see {5} \r\n");
        assert_eq!(server(|w| w.text(b"see {5+}")), "see {5+} \r\n");
        assert_eq!(server(|w| w.text(b"see ~{5}")), "see ~{5} \r\n");
        assert_eq!(server(|w| w.text(b"see {5-}")), "see {5-} \r\n");
        assert_eq!(server(|w| w.text(b"see {}")), "see {}\r\n");
        assert_eq!(server(|w| w.text(b"see {x}")), "see {x}\r\n");
        assert_eq!(server(|w| w.text(b"5}")), "5}\r\n");
    }

    #[test]
    fn raw_with_literals_keeps_real_literals() {
        let raw = Bytes::from_static(b"X {3}\r\nabc Y\r\nZ {9}\r\nshort");
        let e = enc(EncodeOptions::default(), Side::Server, |w| {
            w.raw_with_literals(&raw)
        });
        assert_eq!(
            e.fragments(),
            &[
                Fragment::Line(Bytes::from("X {3}\r\n")),
                Fragment::Literal {
                    data: Bytes::from("abc"),
                    sync: false,
                    binary: false
                },
                Fragment::Line(Bytes::from(" Y  Z {9}  short\r\n")),
            ]
        );
        let raw = Bytes::from_static(b"~{2}\r\n\0\n");
        let e = enc(EncodeOptions::default(), Side::Server, |w| {
            w.raw_with_literals(&raw)
        });
        assert!(
            matches!(&e.fragments()[1], Fragment::Literal { binary: true, data, .. } if data[..] == b"\0\n"[..])
        );
        // A marker ending with a bare LF (tolerant parsing's literal) is a literal too, written
        // with CRLF (fuzz: `{11}` and a space after it parsed back as nothing).
        let raw = Bytes::from_static(b"(A {3}\nx\ry B)");
        let e = enc(EncodeOptions::default(), Side::Server, |w| {
            w.raw_with_literals(&raw)
        });
        assert_eq!(e.to_vec(), b"(A {3}\r\nx\ry B)\r\n");
        // A marker at the very end gets a space.
        let raw = Bytes::from_static(b"X {3}");
        let e = enc(EncodeOptions::default(), Side::Server, |w| {
            w.raw_with_literals(&raw)
        });
        assert_eq!(e.to_vec(), b"X {3} \r\n");
    }

    #[test]
    fn mailbox_names() {
        let mb = |m: Mailbox| client(|w| w.mailbox(&m));
        assert_eq!(mb(Mailbox::inbox()), "INBOX\r\n");
        assert_eq!(mb(Mailbox::new("inbox")), "INBOX\r\n");
        assert_eq!(mb(Mailbox::new("")), "\"\"\r\n");
        assert_eq!(
            mb(Mailbox::new("~peter/mail/台北/日本語")),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n"
        );
        assert_eq!(mb(Mailbox::new("Sent Items")), "\"Sent Items\"\r\n");
        assert_eq!(mb(Mailbox::new("a&b")), "a&-b\r\n");
        assert_eq!(mb(Mailbox::new("a\r\nb")), "a&AA0ACg-b\r\n");
        assert_eq!(mb(Mailbox::new("NIL")), "\"NIL\"\r\n");
        assert_eq!(
            mb(Mailbox::from_raw(Bytes::from_static(b"&Jjo!"))),
            "&Jjo!\r\n"
        );
        assert_eq!(
            mb(Mailbox::from_raw(Bytes::from_static(b"\xff x"))),
            "{3}\r\n\u{fffd} x\r\n"
        );
        let utf8 = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        let e = enc(utf8, Side::Client, |w| w.mailbox(&Mailbox::new("台北&x")));
        assert_eq!(text(&e), "\"台北&x\"\r\n");
        let e = enc(utf8, Side::Client, |w| w.mailbox(&Mailbox::new("a&b")));
        assert_eq!(text(&e), "a&b\r\n");
        // Patterns keep wildcards as atoms.
        assert_eq!(client(|w| w.list_mailbox(&Mailbox::new("%"))), "%\r\n");
        assert_eq!(
            client(|w| w.list_mailbox(&Mailbox::new("INBOX/*"))),
            "INBOX/*\r\n"
        );
        assert_eq!(client(|w| w.mailbox(&Mailbox::new("a*"))), "\"a*\"\r\n");
    }

    #[test]
    fn delimiters() {
        assert_eq!(server(|w| w.delimiter(Some(b'/'))), "\"/\"\r\n");
        assert_eq!(server(|w| w.delimiter(Some(b'\\'))), "\"\\\\\"\r\n");
        assert_eq!(server(|w| w.delimiter(Some(b'"'))), "\"\\\"\"\r\n");
        assert_eq!(server(|w| w.delimiter(None)), "NIL\r\n");
        assert_eq!(server(|w| w.delimiter(Some(b'\n'))), "NIL\r\n");
        assert_eq!(server(|w| w.delimiter(Some(0xe9))), "NIL\r\n");
    }

    #[test]
    fn numbers() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, u64::MAX] {
            assert_eq!(client(|w| w.num(n)), format!("{n}\r\n"));
        }
    }

    #[test]
    fn sets_exactly_as_held() {
        let s = |n| Bound::Value(SeqNum::new(n).unwrap());
        let set = NumSet::new(vec![
            SetItem::Range(s(1), s(3)),
            SetItem::Range(s(3), s(1)),
            SetItem::Single(Bound::Star),
            SetItem::Single(s(7)),
            SetItem::Range(s(9), Bound::Star),
        ])
        .unwrap();
        assert_eq!(client(|w| w.set(&set)), "1:3,3:1,*,7,9:*\r\n");
        let u = UidSet::single(Uid::new(4_294_967_295).unwrap());
        assert_eq!(client(|w| w.set(&u)), "4294967295\r\n");
        assert_eq!(
            client(|w| w.message_set(&MessageSet::Saved { uid: true })),
            "$\r\n"
        );
    }

    #[test]
    fn dates() {
        let dt = DateTime::new(Date::new(1996, 7, 17).unwrap(), 2, 44, 25, -420).unwrap();
        assert_eq!(
            client(|w| w.date_time(&dt)),
            "\"17-Jul-1996 02:44:25 -0700\"\r\n"
        );
        let dt = DateTime::new(Date::new(2024, 1, 5).unwrap(), 0, 0, 0, 0).unwrap();
        assert_eq!(
            client(|w| w.date_time(&dt)),
            "\"05-Jan-2024 00:00:00 +0000\"\r\n"
        );
        let dt = DateTime::new(Date::new(2024, 12, 31).unwrap(), 23, 59, 60, 5999).unwrap();
        assert_eq!(
            client(|w| w.date_time(&dt)),
            "\"31-Dec-2024 23:59:60 +9959\"\r\n"
        );
        assert_eq!(
            client(|w| w.date(&Date::new(1994, 2, 1).unwrap())),
            "1-Feb-1994\r\n"
        );
        assert_eq!(
            client(|w| w.date(&Date::new(33, 10, 21).unwrap())),
            "21-Oct-0033\r\n"
        );
        // Matches the Display impls.
        let dt = DateTime::new(Date::new(2001, 3, 9).unwrap(), 8, 7, 6, 90).unwrap();
        assert_eq!(client(|w| w.date_time(&dt)), format!("\"{dt}\"\r\n"));
    }

    #[test]
    fn flags_and_attrs() {
        let flags = [
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
            Flag::Recent,
            Flag::Keyword(Atom::from_static("$Forwarded")),
            Flag::Extension(Atom::from_static("Foo")),
        ];
        assert_eq!(
            client(|w| w.flag_list(&flags)),
            "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\Recent $Forwarded \\Foo)\r\n"
        );
        for f in &flags {
            assert_eq!(client(|w| w.flag(f)), format!("{}\r\n", f.to_wire()));
        }
        assert_eq!(client(|w| w.flag_list(&[])), "()\r\n");
        assert_eq!(client(|w| w.flag_perm(&FlagPerm::Wildcard)), "\\*\r\n");
        assert_eq!(
            client(|w| w.mailbox_attr(&MailboxAttr::HasNoChildren)),
            "\\HasNoChildren\r\n"
        );
        assert_eq!(
            client(|w| w.capability(&Capability::Auth(Atom::from_static("PLAIN")))),
            "AUTH=PLAIN\r\n"
        );
    }

    #[test]
    fn charsets_and_tokens() {
        assert_eq!(client(|w| w.charset(&Str::from("UTF-8"))), "UTF-8\r\n");
        assert_eq!(client(|w| w.charset(&Str::from("a b"))), "\"a b\"\r\n");
        assert_eq!(client(|w| w.atom_or_string(&Str::from("M6d9"))), "M6d9\r\n");
        assert_eq!(client(|w| w.atom_or_string(&Str::from(""))), "\"\"\r\n");
        assert_eq!(client(|w| w.atom_or_string(&Str::from("a]"))), "\"a]\"\r\n");
    }

    #[test]
    fn marker_parsing() {
        assert_eq!(literal_marker(b"x {12}"), Some((12, false, false)));
        assert_eq!(literal_marker(b"x {12+}"), Some((12, true, false)));
        assert_eq!(literal_marker(b"~{0}"), Some((0, false, true)));
        assert_eq!(literal_marker(b"x {12-}"), Some((12, true, false)));
        assert_eq!(literal_marker(b"{+}"), None);
        assert_eq!(literal_marker(b"{1+-}"), None);
        assert_eq!(literal_marker(b"12}"), None);
        assert_eq!(literal_marker(b"{99999999999999999999999}"), None);
        assert!(literal_marker_shape(b"{99999999999999999999999}").is_some());
    }
}
