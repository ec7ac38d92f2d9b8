//! The table of a packed value, as bytes: the writer [`Tape`] and the reader [`Cursor`].
//!
//! Each entry starts with a tag byte: its kind in the low four bits, flags in the high four.
//! A string is followed by its start and length in the value's bytes, a number by its value,
//! both as LEB128 varints (a string of a 1 KB envelope takes four bytes); `NIL` and an absent
//! level are the tag alone. A list, a part or a multipart is its tag, its children, and an
//! `END` tag, so that any value is skipped without knowing its schema.

use super::Str;
use bytes::Bytes;

/// The kinds of entry, in the low bits of the tag byte.
pub(crate) mod kind {
    /// `NIL`.
    pub const NIL: u8 = 0;
    /// An optional level that is not there (the outer `None` of an `Option<Option<_>>`).
    pub const ABSENT: u8 = 1;
    /// A string: start and length.
    pub const STR: u8 = 2;
    /// A quoted string's content with its escapes: unescaped when read.
    pub const ESC: u8 = 3;
    /// A number.
    pub const NUM: u8 = 4;
    /// A list, up to its `END`.
    pub const LIST: u8 = 5;
    /// A single body part, up to its `END`; flags in the tag.
    pub const PART: u8 = 6;
    /// A multipart, up to its `END`; flags in the tag.
    pub const MULTI: u8 = 7;
    /// The end of a list, part or multipart.
    pub const END: u8 = 8;
}

/// The kind of a tag byte.
fn kind_of(tag: u8) -> u8 {
    tag & 0x0f
}

/// Writes a table.
#[derive(Default)]
pub(crate) struct Tape {
    pub(crate) bytes: Vec<u8>,
}

impl Tape {
    /// Where the next entry goes.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Drops what was written after `len` (a reading that backtracked).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.bytes.truncate(len);
    }

    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    /// `NIL`.
    pub(crate) fn nil(&mut self) {
        self.bytes.push(kind::NIL);
    }

    /// An absent optional level.
    pub(crate) fn absent(&mut self) {
        self.bytes.push(kind::ABSENT);
    }

    /// A string of `len` bytes at `start` of the value's bytes; `escaped` when they are a quoted
    /// string's content with backslash escapes still in.
    pub(crate) fn string(&mut self, start: usize, len: usize, escaped: bool) {
        self.bytes.push(if escaped { kind::ESC } else { kind::STR });
        self.varint(start as u64);
        self.varint(len as u64);
    }

    /// A number.
    pub(crate) fn number(&mut self, n: u64) {
        self.bytes.push(kind::NUM);
        self.varint(n);
    }

    /// Starts a list, a part or a multipart; returns where its tag is, for [`Tape::close`].
    pub(crate) fn open(&mut self, kind: u8) -> usize {
        self.bytes.push(kind);
        self.bytes.len() - 1
    }

    /// Ends what [`Tape::open`] started at `at`, setting `flags` (at most four bits) in its tag.
    pub(crate) fn close(&mut self, at: usize, flags: u8) {
        if let Some(tag) = self.bytes.get_mut(at) {
            *tag |= (flags & 0x0f) << 4;
        }
        self.bytes.push(kind::END);
    }

    /// Writes again the entries `from..to` (a list that repeats one already read: its strings
    /// point at the same bytes).
    pub(crate) fn repeat(&mut self, from: usize, to: usize) {
        self.bytes.extend_from_within(from..to);
    }

    /// The string written at `at`: start, length and whether it is escaped; `None` when the
    /// entry is no string.
    pub(crate) fn string_at(&self, at: usize) -> Option<(usize, usize, bool)> {
        let mut c = Reader {
            bytes: &self.bytes,
            pos: at,
        };
        let tag = c.byte()?;
        match kind_of(tag) {
            kind::STR | kind::ESC => {
                let start = usize::try_from(c.varint()?).ok()?;
                let len = usize::try_from(c.varint()?).ok()?;
                Some((start, len, kind_of(tag) == kind::ESC))
            }
            _ => None,
        }
    }

    /// Where each child of the list, part or multipart at `at` starts.
    pub(crate) fn children(&self, at: usize) -> Vec<usize> {
        let mut c = Reader {
            bytes: &self.bytes,
            pos: at + 1,
        };
        let mut out = Vec::new();
        while c.peek().is_some_and(|t| kind_of(t) != kind::END) {
            out.push(c.pos);
            c.skip();
        }
        out
    }

    /// Whether the list at `at` has no children.
    pub(crate) fn is_empty_list(&self, at: usize) -> bool {
        self.bytes.get(at + 1).map(|&t| kind_of(t)) == Some(kind::END)
    }
}

/// Reads entries without decoding strings: the common part of [`Tape`]'s lookups and
/// [`Cursor`].
#[derive(Clone)]
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    /// Skips one entry and, for an opening tag, everything up to its `END`.
    fn skip(&mut self) {
        let mut depth = 0usize;
        while let Some(tag) = self.byte() {
            match kind_of(tag) {
                kind::STR | kind::ESC => {
                    self.varint();
                    self.varint();
                }
                kind::NUM => {
                    self.varint();
                }
                kind::LIST | kind::PART | kind::MULTI => depth += 1,
                kind::END => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth == 0 {
                return;
            }
        }
    }
}

/// Reads a table in order. It never panics: past the end, or where an entry is not what the
/// schema expects, it reads `NIL`, zero or an empty list.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    raw: &'a Bytes,
    r: Reader<'a>,
}

impl<'a> Cursor<'a> {
    /// A reader at `pos` of `table`, whose strings are in `raw`.
    pub(crate) fn new(raw: &'a Bytes, table: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor {
            raw,
            r: Reader { bytes: table, pos },
        }
    }

    /// Where the reader is.
    pub(crate) fn pos(&self) -> usize {
        self.r.pos
    }

    /// The kind of the next entry (`END` past the end).
    pub(crate) fn peek_kind(&self) -> u8 {
        self.r.peek().map_or(kind::END, kind_of)
    }

    /// A string, or `None` for `NIL`, an absent level or anything else (skipped).
    pub(crate) fn string(&mut self) -> Option<Str> {
        let k = self.peek_kind();
        if !matches!(k, kind::STR | kind::ESC) {
            self.skip();
            return None;
        }
        self.r.pos += 1;
        let start = usize::try_from(self.r.varint()?).ok()?;
        let len = usize::try_from(self.r.varint()?).ok()?;
        let end = start.checked_add(len)?;
        let bytes = self.raw.get(start..end)?;
        Some(if k == kind::ESC {
            Str::new(crate::parse::unescape_quoted(bytes))
        } else {
            Str::new(self.raw.slice(start..end))
        })
    }

    /// A string, empty for `NIL`.
    pub(crate) fn string_or_empty(&mut self) -> Str {
        self.string().unwrap_or_default()
    }

    /// A number, zero where there is none.
    pub(crate) fn number(&mut self) -> u64 {
        if self.peek_kind() != kind::NUM {
            self.skip();
            return 0;
        }
        self.r.pos += 1;
        self.r.varint().unwrap_or(0)
    }

    /// Whether the next entry is of `k`; consumes it if so (for `NIL` and absent levels).
    pub(crate) fn take(&mut self, k: u8) -> bool {
        let is = self.peek_kind() == k && self.r.peek().is_some();
        if is {
            self.r.pos += 1;
        }
        is
    }

    /// Enters the list, part or multipart of kind `k` at the reader: its tag's flags, with the
    /// reader on its first child. `None`, and the entry skipped, when the next entry is
    /// something else.
    pub(crate) fn open(&mut self, k: u8) -> Option<u8> {
        match self.r.peek() {
            Some(tag) if kind_of(tag) == k => {
                self.r.pos += 1;
                Some(tag >> 4)
            }
            _ => {
                self.skip();
                None
            }
        }
    }

    /// Whether the reader is at the end of what it entered (or of the table); consumes the
    /// `END` if so.
    pub(crate) fn end(&mut self) -> bool {
        match self.r.peek() {
            None => true,
            Some(tag) if kind_of(tag) == kind::END => {
                self.r.pos += 1;
                true
            }
            Some(_) => false,
        }
    }

    /// The children of a list (none for `NIL`), each read by `item`.
    pub(crate) fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let mut out = Vec::new();
        if self.open(kind::LIST).is_some() {
            while !self.end() {
                let before = self.pos();
                out.push(item(self));
                if self.pos() == before {
                    // An item that reads nothing would loop forever on a table it does not fit.
                    self.skip();
                }
            }
        }
        out
    }

    /// Skips one entry and everything under it.
    pub(crate) fn skip(&mut self) {
        self.r.skip();
    }
}
