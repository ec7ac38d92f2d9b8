//! COMPRESS=DEFLATE (RFC 4978): raw DEFLATE in both directions, with a sync flush after every
//! write so the peer can decode each command as soon as it arrives.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The two DEFLATE streams of a compressed connection.
pub(crate) struct Deflate {
    out: Compress,
    input: Decompress,
}

impl Deflate {
    pub(crate) fn new() -> Self {
        Deflate {
            out: Compress::new(Compression::default(), false),
            input: Decompress::new(false),
        }
    }

    /// Compresses `plain` onto the end of `buf`, ending with a sync flush.
    pub(crate) fn deflate(&mut self, plain: &[u8], buf: &mut Vec<u8>) {
        let mut rest = plain;
        loop {
            buf.reserve(rest.len() / 2 + 64);
            let before_in = self.out.total_in();
            // Compressing into a Vec's spare capacity cannot fail for a valid stream.
            let _ = self.out.compress_vec(rest, buf, FlushCompress::Sync);
            let used = (self.out.total_in() - before_in) as usize;
            rest = &rest[used..];
            if rest.is_empty() && buf.len() < buf.capacity() {
                break;
            }
        }
    }

    /// Inflates `data`, returning the plaintext.
    pub(crate) fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(data.len() * 3 + 64);
        let mut rest = data;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(4096));
            }
            let before_in = self.input.total_in();
            let before_out = self.input.total_out();
            let status = self
                .input
                .decompress_vec(rest, &mut out, FlushDecompress::Sync)
                .map_err(|e| e.to_string())?;
            let used = (self.input.total_in() - before_in) as usize;
            rest = &rest[used..];
            let produced = self.input.total_out() - before_out;
            if status == Status::StreamEnd {
                return Ok(out);
            }
            if rest.is_empty() && out.len() < out.capacity() {
                return Ok(out);
            }
            if used == 0 && produced == 0 && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_pieces() {
        let mut a = Deflate::new();
        let mut b = Deflate::new();
        let mut wire = Vec::new();
        a.deflate(b"a001 NOOP\r\n", &mut wire);
        let first = wire.len();
        a.deflate(&b"x".repeat(100_000), &mut wire);
        let mut plain = b.inflate(&wire[..first]).unwrap();
        assert_eq!(plain, b"a001 NOOP\r\n");
        for piece in wire[first..].chunks(7) {
            plain.extend(b.inflate(piece).unwrap());
        }
        assert_eq!(plain.len(), 11 + 100_000);
    }
}
