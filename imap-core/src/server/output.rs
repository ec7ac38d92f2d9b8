//! The server session's output: a queue of wire chunks that copies no payload.
//!
//! An encoded response is a list of fragments: framing lines (small, made by the encoder) and
//! literal payloads (for a FETCH of `BODY[]`, `Bytes` slices of the stored message). Lines and
//! short literals are gathered into one buffer; a literal of [`OWN_CHUNK`] bytes or more
//! becomes a chunk of its own, the very `Bytes` the response held, so serving a 1 GiB message
//! copies none of it. A driver takes the chunks one at a time, each at most the size it asks
//! for (a zero-copy slice of a larger one), and writes them as they come.
//!
//! Under COMPRESS=DEFLATE the same queue holds the plaintext, and [`Compressed`] deflates it a
//! bounded slice at a time as the driver takes it, ending each slice with a sync flush
//! (`Z_SYNC_FLUSH`): the first bytes of a large response go out after one slice is deflated,
//! not the whole response, and a small response queued before a large one goes out at once.

use crate::deflate::Deflate;
use crate::encode::Fragment;
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;

/// Literals of at least this many bytes are queued as the `Bytes` they are, not copied.
pub(crate) const OWN_CHUNK: usize = 1024;

/// Wire bytes waiting to be taken, as chunks.
#[derive(Debug, Default)]
pub(crate) struct Output {
    chunks: VecDeque<Bytes>,
    /// Bytes gathered after the last chunk (lines, short literals).
    tail: BytesMut,
    /// Bytes in `chunks` and `tail`.
    len: usize,
}

impl Output {
    /// Bytes waiting.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is waiting.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Queues the fragments of one encoded unit.
    pub(crate) fn push_fragments(&mut self, fragments: &[Fragment]) {
        for f in fragments {
            let b = f.as_bytes();
            if matches!(f, Fragment::Literal { .. }) && b.len() >= OWN_CHUNK {
                self.push_chunk(b.clone());
            } else {
                self.tail.extend_from_slice(b);
                self.len += b.len();
            }
        }
    }

    /// Queues bytes encoded beforehand: copied into the gathering buffer when shorter than
    /// [`OWN_CHUNK`], else queued as they are.
    pub(crate) fn push_encoded(&mut self, bytes: Bytes) {
        if bytes.len() < OWN_CHUNK {
            self.tail.extend_from_slice(&bytes);
            self.len += bytes.len();
        } else {
            self.push_chunk(bytes);
        }
    }

    /// Queues `chunk` as it is (after what is gathered so far).
    pub(crate) fn push_chunk(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        self.seal();
        self.len += chunk.len();
        self.chunks.push_back(chunk);
    }

    /// Makes the gathered bytes a chunk.
    fn seal(&mut self) {
        if !self.tail.is_empty() {
            self.chunks.push_back(self.tail.split().freeze());
        }
    }

    /// The next at most `max` bytes (at least 1), zero-copy; `None` when nothing waits.
    pub(crate) fn pop(&mut self, max: usize) -> Option<Bytes> {
        if self.chunks.is_empty() {
            self.seal();
        }
        let front = self.chunks.front_mut()?;
        let chunk = if front.len() > max.max(1) {
            front.split_to(max.max(1))
        } else {
            self.chunks.pop_front()?
        };
        self.len -= chunk.len();
        if self.len == 0 && self.tail.capacity() > KEEP_CAPACITY {
            // A large reply went through: do not keep its buffer while the session idles.
            self.tail = BytesMut::new();
        }
        Some(chunk)
    }

    /// Appends everything waiting to `buf`; returns how many bytes.
    pub(crate) fn drain_into(&mut self, buf: &mut Vec<u8>) -> usize {
        let n = self.len;
        buf.reserve(n);
        while let Some(c) = self.pop(usize::MAX) {
            buf.extend_from_slice(&c);
        }
        n
    }
}

/// Above this capacity the gathering buffer is dropped once empty.
const KEEP_CAPACITY: usize = 16 * 1024;

/// The compressed side of the output: plaintext waiting to be deflated and deflated bytes
/// waiting to be taken.
#[derive(Debug)]
pub(crate) struct Compressed {
    pub(crate) deflate: Deflate,
    /// Plaintext of the responses, not deflated yet.
    pub(crate) plain: Output,
    /// Deflated bytes not taken yet.
    wire: Vec<u8>,
}

impl Compressed {
    /// A compressed output with fresh DEFLATE streams.
    pub(crate) fn new() -> Self {
        Compressed {
            deflate: Deflate::for_server(),
            plain: Output::default(),
            wire: Vec::new(),
        }
    }

    /// Whether anything waits (plain or deflated).
    pub(crate) fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.wire.is_empty()
    }

    /// Bytes waiting: plaintext not deflated yet and deflated bytes not taken.
    pub(crate) fn len(&self) -> usize {
        self.plain.len() + self.wire.len()
    }

    /// Deflates the next slice of at most `slice` plaintext bytes and returns what it gave
    /// (ending with a sync flush, so the client can read all of it at once); `None` when no
    /// plaintext waits.
    pub(crate) fn next_slice(&mut self, slice: usize) -> Option<Bytes> {
        if self.plain.is_empty() {
            return None;
        }
        let mut budget = slice.max(1);
        while budget > 0 {
            let Some(piece) = self.plain.pop(budget) else {
                break;
            };
            budget -= piece.len();
            let last = budget == 0 || self.plain.is_empty();
            self.deflate.deflate_part(&piece, last, &mut self.wire);
        }
        Some(Bytes::from(std::mem::take(&mut self.wire)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &'static str) -> Fragment {
        Fragment::Line(Bytes::from_static(s.as_bytes()))
    }

    fn literal(b: Bytes) -> Fragment {
        Fragment::Literal {
            data: b,
            sync: false,
            binary: false,
        }
    }

    #[test]
    fn large_literals_are_not_copied() {
        let payload = Bytes::from(vec![b'x'; 10_000]);
        let mut o = Output::default();
        o.push_fragments(&[
            line("* 1 FETCH (BODY[] {10000}\r\n"),
            literal(payload.clone()),
            line(")\r\n"),
        ]);
        assert_eq!(o.len(), 27 + 10_000 + 3);
        let head = o.pop(usize::MAX).unwrap();
        assert_eq!(&head[..], b"* 1 FETCH (BODY[] {10000}\r\n");
        let body = o.pop(usize::MAX).unwrap();
        // The same allocation as the stored payload: a slice, not a copy.
        assert_eq!(body.as_ptr(), payload.as_ptr());
        assert_eq!(&o.pop(usize::MAX).unwrap()[..], b")\r\n");
        assert!(o.pop(usize::MAX).is_none() && o.is_empty());
    }

    #[test]
    fn pieces_are_bounded_and_in_order() {
        let mut o = Output::default();
        o.push_fragments(&[line("a1 OK "), literal(Bytes::from_static(b"short"))]);
        o.push_chunk(Bytes::from(vec![b'y'; 5000]));
        o.push_fragments(&[line("\r\n")]);
        let mut all = Vec::new();
        while let Some(p) = o.pop(1000) {
            assert!(!p.is_empty() && p.len() <= 1000);
            all.extend_from_slice(&p);
        }
        assert_eq!(all.len(), 11 + 5000 + 2);
        assert!(all.starts_with(b"a1 OK short") && all.ends_with(b"y\r\n"));
        let mut o = Output::default();
        o.push_fragments(&[line("x\r\n")]);
        let mut buf = b"before".to_vec();
        assert_eq!(o.drain_into(&mut buf), 3);
        assert_eq!(buf, b"beforex\r\n");
    }

    #[test]
    fn compressed_slices_each_decode_at_once() {
        let mut c = Compressed::new();
        c.plain.push_fragments(&[line("* OK small\r\n")]);
        c.plain.push_chunk(Bytes::from(vec![b'z'; 300_000]));
        let mut peer = Deflate::new();
        let first = c.next_slice(64 * 1024).unwrap();
        let mut plain = Vec::new();
        peer.inflate(&first, &mut plain).unwrap();
        // The first slice alone gives the small response and the start of the large one.
        assert!(plain.starts_with(b"* OK small\r\nzzz"), "{}", plain.len());
        assert_eq!(plain.len(), 64 * 1024);
        while let Some(s) = c.next_slice(64 * 1024) {
            peer.inflate(&s, &mut plain).unwrap();
        }
        assert_eq!(plain.len(), 12 + 300_000);
        assert!(c.is_empty());
    }
}
