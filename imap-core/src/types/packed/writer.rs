//! [`PlainWriter`]: a node table written from plain values, with their strings copied into one
//! buffer.

use super::tape::Tape;
use crate::types::Str;
use bytes::Bytes;

/// Writes plain values' strings into one buffer and their nodes into a [`Tape`].
#[derive(Default)]
pub(crate) struct PlainWriter {
    raw: Vec<u8>,
    pub(crate) tape: Tape,
}

impl PlainWriter {
    /// A string.
    pub(crate) fn string(&mut self, s: &Str) {
        let start = self.raw.len();
        self.raw.extend_from_slice(s.as_bytes());
        self.tape.string(start, s.len(), false);
    }

    /// A string or `NIL`.
    pub(crate) fn nstring(&mut self, s: &Option<Str>) {
        match s {
            Some(s) => self.string(s),
            None => self.tape.nil(),
        }
    }

    /// The bytes and the table.
    pub(crate) fn finish(self) -> (Bytes, Box<[u8]>) {
        (Bytes::from(self.raw), self.tape.bytes.into_boxed_slice())
    }
}
