//! COMPRESS=DEFLATE (RFC 4978) for the client and the server state machines: raw DEFLATE (no
//! zlib header) in both directions, with a sync flush after every write so the peer can decode
//! it at once.
//!
//! A peer may end its stream (a final DEFLATE block) when it closes the connection: Dovecot
//! finishes its stream after `* BYE` and the LOGOUT completion. The data up to the end is
//! delivered; only bytes after the end are an error.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The two DEFLATE streams of a compressed connection.
pub(crate) struct Deflate {
    out: Compress,
    input: Decompress,
    /// The peer ended its stream: nothing more may arrive.
    ended: bool,
}

impl std::fmt::Debug for Deflate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflate")
            .field("in", &self.input.total_in())
            .field("out", &self.out.total_out())
            .finish()
    }
}

impl Deflate {
    pub(crate) fn new() -> Self {
        Deflate {
            out: Compress::new(Compression::default(), false),
            input: Decompress::new(false),
            ended: false,
        }
    }

    /// Compresses `plain` onto the end of `buf`, ending with a sync flush.
    pub(crate) fn deflate(&mut self, plain: &[u8], buf: &mut Vec<u8>) {
        let mut rest = plain;
        loop {
            buf.reserve(rest.len() / 2 + 64);
            let before = self.out.total_in();
            // Compressing into a Vec's spare capacity cannot fail for a valid stream.
            let _ = self.out.compress_vec(rest, buf, FlushCompress::Sync);
            rest = &rest[(self.out.total_in() - before) as usize..];
            // The flush is complete once all input is taken and the output was not filled.
            if rest.is_empty() && buf.len() < buf.capacity() {
                return;
            }
        }
    }

    /// Inflates `data` into a new vector.
    ///
    /// # Errors
    /// As [`Deflate::inflate`].
    pub(crate) fn inflate_vec(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.inflate(data, &mut out)?;
        Ok(out)
    }

    /// Inflates `data` onto the end of `out`. The end of the peer's stream is accepted (the
    /// data before it is delivered) when nothing follows it.
    ///
    /// # Errors
    /// When `data` is not a valid DEFLATE stream, or bytes follow the end of the stream.
    pub(crate) fn inflate(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        if self.ended && !data.is_empty() {
            return Err("data after the end of the DEFLATE stream".into());
        }
        let mut rest = data;
        loop {
            out.reserve(rest.len().saturating_mul(4).clamp(256, 1 << 20));
            let before = self.input.total_in();
            let status = self
                .input
                .decompress_vec(rest, out, FlushDecompress::Sync)
                .map_err(|e| e.to_string())?;
            rest = &rest[(self.input.total_in() - before) as usize..];
            if status == Status::StreamEnd {
                self.ended = true;
                if !rest.is_empty() {
                    return Err("data after the end of the DEFLATE stream".into());
                }
                return Ok(());
            }
            // Everything taken and room left: nothing more is pending inside the inflater.
            if rest.is_empty() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_pieces() {
        let (mut a, mut b) = (Deflate::new(), Deflate::new());
        let mut wire = Vec::new();
        a.deflate(b"* OK hello\r\n", &mut wire);
        let first = wire.len();
        let big = b"x".repeat(300_000);
        a.deflate(&big, &mut wire);
        let mut plain = Vec::new();
        b.inflate(&wire[..first], &mut plain).unwrap();
        assert_eq!(plain, b"* OK hello\r\n");
        for piece in wire[first..].chunks(7) {
            b.inflate(piece, &mut plain).unwrap();
        }
        assert_eq!(plain.len(), 12 + big.len());
    }

    #[test]
    fn a_finished_stream_delivers_its_data_and_nothing_after() {
        let mut wire = Vec::new();
        let mut z = Compress::new(Compression::default(), false);
        wire.reserve(256);
        let _ = z.compress_vec(
            b"* BYE bye\r\na1 OK done\r\n",
            &mut wire,
            FlushCompress::Finish,
        );
        let mut d = Deflate::new();
        let mut plain = Vec::new();
        d.inflate(&wire, &mut plain).unwrap();
        assert_eq!(plain, b"* BYE bye\r\na1 OK done\r\n");
        assert!(d.inflate(b"x", &mut plain).is_err());
        let mut d = Deflate::new();
        let mut trailing = wire.clone();
        trailing.push(0);
        assert!(d.inflate(&trailing, &mut Vec::new()).is_err());
    }

    #[test]
    fn garbage_is_an_error() {
        let mut d = Deflate::new();
        assert!(d.inflate(&[0xff; 16], &mut Vec::new()).is_err());
    }
}
