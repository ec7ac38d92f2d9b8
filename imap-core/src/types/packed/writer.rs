//! [`PlainWriter`]: a node table written from plain values, with their strings copied into one
//! buffer.

use super::tape::{Node, PAYLOAD, Tape};
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
    ///
    /// # Panics
    /// When a value's strings add up to 4 GiB or more, which no packed value can address.
    pub(crate) fn string(&mut self, s: &Str) {
        let start = self.raw.len();
        self.raw.extend_from_slice(s.as_bytes());
        self.tape
            .string(start, s.len(), false)
            .expect("a packed value's strings add up to less than 4 GiB");
    }

    /// A string or `NIL`.
    pub(crate) fn nstring(&mut self, s: &Option<Str>) {
        match s {
            Some(s) => self.string(s),
            None => self.tape.nil(),
        }
    }

    /// Ends what `open` started, with `payload` (at most 2^28 - 1: a plain value with more
    /// children than that would not fit in memory).
    pub(crate) fn close(&mut self, at: usize, payload: usize) {
        let _ = self.tape.close(at, payload.min(PAYLOAD as usize));
    }

    /// The bytes and the table.
    pub(crate) fn finish(self) -> (Bytes, Box<[Node]>) {
        (Bytes::from(self.raw), self.tape.nodes.into_boxed_slice())
    }
}
