//! Where the ENVELOPE and BODYSTRUCTURE parsers write: a node table over the value's bytes
//! ([`crate::types::packed`]), instead of a tree of allocations.

use super::core::{at_nil, literal_span, nil, peek, quoted_span, slice};
use super::{Input, PResult};
use crate::types::packed::Tape;
use crate::types::{FetchedBody, FetchedEnvelope};
use std::cell::Cell;

/// A table that grew past this many bytes is not kept for the next value.
const KEPT_BYTES: usize = 16 * 1024;

thread_local! {
    /// The table being written, kept between values so that each costs one allocation (its
    /// exact-size copy) rather than a growing `Vec`'s several.
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The table of one value being parsed, with the value's first byte as the origin of its
/// offsets.
pub(super) struct Out<'a> {
    pub(super) tape: Tape,
    base: &'a [u8],
}

impl<'a> Out<'a> {
    /// Writes a string whose content is `s` (a slice of the input), escaped or not.
    fn span(&mut self, s: &[u8], escaped: bool) {
        let start = (s.as_ptr() as usize).wrapping_sub(self.base.as_ptr() as usize);
        self.tape.string(start, s.len(), escaped);
    }

    // string = quoted / literal (RFC 9051 section 9)
    /// A string.
    pub(super) fn string(&mut self, i: &mut Input<'_>) -> PResult<()> {
        match peek(i) {
            Some(b'"') => {
                let (s, escaped) = quoted_span(i)?;
                self.span(s, escaped);
                Ok(())
            }
            Some(b'{') => {
                let s = literal_span(i, false)?;
                self.span(s, false);
                Ok(())
            }
            _ => super::core::fail(i, "string"),
        }
    }

    // nstring = string / nil (RFC 9051 section 9)
    /// A string or `NIL`.
    pub(super) fn nstring(&mut self, i: &mut Input<'_>) -> PResult<()> {
        match peek(i) {
            Some(b'"' | b'{') => self.string(i),
            Some(b'N' | b'n') if at_nil(i) => {
                nil(i)?;
                self.tape.nil();
                Ok(())
            }
            _ => super::core::fail(i, "string or NIL"),
        }
    }

    /// An empty string (what tolerant parsing reads a `NIL` as where a string is required).
    pub(super) fn empty(&mut self) {
        self.tape.string(0, 0, false);
    }

    /// `NIL`.
    pub(super) fn nil(&mut self) {
        self.tape.nil();
    }

    /// The strings under the list whose header is at node `at` (unescaped; `None` for `NIL`).
    pub(super) fn strings_of(&self, at: usize) -> Vec<Option<std::borrow::Cow<'a, [u8]>>> {
        self.tape
            .children(at)
            .into_iter()
            .map(|k| self.text(k))
            .collect()
    }

    /// Writes a raw slice of the input as a string (a field kept as received).
    pub(super) fn raw(&mut self, s: &[u8]) {
        self.span(s, false);
    }

    /// The bytes of the string written at node `at` (unescaped), `None` for `NIL`.
    pub(super) fn text(&self, at: usize) -> Option<std::borrow::Cow<'a, [u8]>> {
        let (start, len, escaped) = self.tape.string_at(at)?;
        let s = self.base.get(start..start + len)?;
        Some(if escaped {
            std::borrow::Cow::Owned(super::core::unescape_quoted(s))
        } else {
            std::borrow::Cow::Borrowed(s)
        })
    }
}

/// `"(" [item *(SP item)] ")"` as [`super::core::paren_list`] reads it, each item written by
/// `item`; returns the number of items.
pub(super) fn paren_items<'a>(
    i: &mut Input<'a>,
    out: &mut Out<'_>,
    mut item: impl FnMut(&mut Input<'a>, &mut Out<'_>) -> PResult<()>,
) -> PResult<usize> {
    super::core::paren_each(i, |i| item(i, out))
}

/// Runs `p` writing into a fresh table; returns the value's bytes (a slice of the unit) and the
/// table.
fn packed(
    i: &mut Input<'_>,
    p: impl FnOnce(&mut Input<'_>, &mut Out<'_>) -> PResult<()>,
) -> PResult<(bytes::Bytes, Box<[u8]>)> {
    let start: &[u8] = i.input;
    let mut bytes = SCRATCH.take();
    bytes.clear();
    let mut out = Out {
        tape: Tape { bytes },
        base: start,
    };
    let r = p(i, &mut out);
    let table: Box<[u8]> = Box::from(&out.tape.bytes[..]);
    let mut bytes = out.tape.bytes;
    if bytes.capacity() > KEPT_BYTES {
        bytes = Vec::new();
    }
    SCRATCH.set(bytes);
    r?;
    let raw = &start[..start.len() - i.input.len()];
    Ok((slice(i, raw), table))
}

/// An envelope (see [`super::envelope::envelope`]).
pub(super) fn fetched_envelope(i: &mut Input<'_>) -> PResult<FetchedEnvelope> {
    let (raw, table) = packed(i, super::envelope::envelope)?;
    Ok(FetchedEnvelope::from_parts(raw, table))
}

/// A body structure (see [`super::body::body`]).
pub(super) fn fetched_body(i: &mut Input<'_>) -> PResult<FetchedBody> {
    let (raw, table) = packed(i, |i, out| super::body::body(i, 0, out))?;
    Ok(FetchedBody::from_parts(raw, table))
}
