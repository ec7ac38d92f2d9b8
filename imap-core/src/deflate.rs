//! COMPRESS=DEFLATE (RFC 4978) for the client and the server state machines: raw DEFLATE (no
//! zlib header) in both directions, with a sync flush after every write so the peer can decode
//! it at once.
//!
//! A peer may end its stream (a final DEFLATE block) when it closes the connection: Dovecot
//! finishes its stream after `* BYE` and the LOGOUT completion. The data up to the end is
//! delivered; only bytes after the end are an error.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The size of the buffers the streams write into before the bytes are appended where they go.
const SCRATCH: usize = 16 * 1024;

/// The two DEFLATE streams of a compressed connection.
///
/// Both write into fixed scratch buffers, zeroed once, and append what they produced: flate2's
/// `*_vec` functions zero the whole spare capacity of the vector on every call, which made many
/// small responses into one growing buffer cost quadratic time (issue 12, item 8).
pub(crate) struct Deflate {
    out: Compress,
    input: Decompress,
    /// The peer ended its stream: nothing more may arrive.
    ended: bool,
    scratch: Box<[u8]>,
    /// Bytes of buffer zeroed so far (the scratch, once), for the test that holds it constant.
    #[cfg(test)]
    zeroed: usize,
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
    /// Streams that compress at zlib's default level (6): what a client sends is small.
    pub(crate) fn new() -> Self {
        Self::with_level(Compression::default())
    }

    /// Streams for a server's output: the fastest level (1). A server sends whole messages,
    /// and at the default level the pure-Rust backend deflates about 8-15 MB/s on this
    /// machine, slower than a network; level 1 is about ten times faster for a third more
    /// bytes on mail-like text (`cargo bench -p mock-server --bench compress`).
    pub(crate) fn for_server() -> Self {
        Self::with_level(Compression::fast())
    }

    fn with_level(level: Compression) -> Self {
        Deflate {
            out: Compress::new(level, false),
            input: Decompress::new(false),
            ended: false,
            scratch: vec![0; SCRATCH].into_boxed_slice(),
            #[cfg(test)]
            zeroed: SCRATCH,
        }
    }

    /// Bytes of buffer zeroed since the streams were made (a constant: the scratch).
    #[cfg(test)]
    pub(crate) fn zeroed(&self) -> usize {
        self.zeroed
    }

    /// Compresses `plain` onto the end of `buf`, ending with a sync flush. Costs time linear in
    /// `plain` and the output, whatever `buf` holds.
    pub(crate) fn deflate(&mut self, plain: &[u8], buf: &mut Vec<u8>) {
        self.deflate_part(plain, true, buf);
    }

    /// Compresses `plain` onto the end of `buf`; with `flush`, ends with a sync flush so that
    /// the peer can decode everything compressed so far. Without it the compressor may keep
    /// some of `plain` back for the next call (the bytes of a slice that goes on in the next
    /// chunk of the same response).
    pub(crate) fn deflate_part(&mut self, plain: &[u8], flush: bool, buf: &mut Vec<u8>) {
        let mode = if flush {
            FlushCompress::Sync
        } else {
            FlushCompress::None
        };
        let mut rest = plain;
        loop {
            let (before_in, before_out) = (self.out.total_in(), self.out.total_out());
            // Compressing a valid stream into a slice cannot fail.
            let _ = self.out.compress(rest, &mut self.scratch, mode);
            let produced = (self.out.total_out() - before_out) as usize;
            buf.extend_from_slice(&self.scratch[..produced]);
            rest = &rest[(self.out.total_in() - before_in) as usize..];
            // The flush is complete once all input is taken and the output was not filled.
            if rest.is_empty() && produced < self.scratch.len() {
                return;
            }
        }
    }

    /// Inflates all of `data` onto the end of `out` (the sessions use
    /// [`Deflate::inflate_some`], a piece at a time; this is for the tests' peers).
    ///
    /// # Errors
    /// As [`Deflate::inflate_some`].
    #[cfg(test)]
    pub(crate) fn inflate(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        let taken = self.inflate_some(data, out, usize::MAX)?;
        debug_assert_eq!(taken, data.len());
        Ok(())
    }

    /// Inflates from `data` onto the end of `out` until `out` has grown by `max` bytes (give or
    /// take one scratch buffer) or `data` is used up; returns how many bytes of `data` were
    /// taken. Call again with the rest: a bomb is inflated a piece at a time. The end of the
    /// peer's stream is accepted (the data before it is delivered) when nothing follows it.
    ///
    /// # Errors
    /// When `data` is not a valid DEFLATE stream, or bytes follow the end of the stream.
    pub(crate) fn inflate_some(
        &mut self,
        data: &[u8],
        out: &mut Vec<u8>,
        max: usize,
    ) -> Result<usize, String> {
        if self.ended && !data.is_empty() {
            return Err("data after the end of the DEFLATE stream".into());
        }
        let mut rest = data;
        let mut grown = 0usize;
        loop {
            let (before_in, before_out) = (self.input.total_in(), self.input.total_out());
            let status = self
                .input
                .decompress(rest, &mut self.scratch, FlushDecompress::Sync)
                .map_err(|e| e.to_string())?;
            let produced = (self.input.total_out() - before_out) as usize;
            out.extend_from_slice(&self.scratch[..produced]);
            grown = grown.saturating_add(produced);
            rest = &rest[(self.input.total_in() - before_in) as usize..];
            if status == Status::StreamEnd {
                self.ended = true;
                if !rest.is_empty() {
                    return Err("data after the end of the DEFLATE stream".into());
                }
                return Ok(data.len());
            }
            // Everything taken and room left: nothing more is pending inside the inflater.
            if rest.is_empty() && produced < self.scratch.len() {
                return Ok(data.len());
            }
            // No progress with room to write: nothing more can come of this input.
            if produced == 0 && self.input.total_in() == before_in {
                if rest.is_empty() {
                    return Ok(data.len());
                }
                return Err("the DEFLATE stream stalled".into());
            }
            if grown >= max && !rest.is_empty() {
                return Ok(data.len() - rest.len());
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

    /// Many small responses deflated into one buffer with a large spare capacity: nothing
    /// is zeroed per call (flate2's `compress_vec` zeroed the whole spare capacity each time),
    /// and the stream round-trips.
    #[test]
    fn small_writes_into_a_big_buffer_zero_nothing() {
        let mut z = Deflate::new();
        let mut wire = Vec::with_capacity(1 << 20);
        for i in 0..100_000 {
            z.deflate(format!("* {i} EXISTS\r\n").as_bytes(), &mut wire);
        }
        assert_eq!(z.zeroed(), SCRATCH);
        let mut plain = Vec::new();
        Deflate::new().inflate(&wire, &mut plain).unwrap();
        assert!(plain.starts_with(b"* 0 EXISTS\r\n* 1 EXISTS\r\n"));
        assert!(plain.ends_with(b"* 99999 EXISTS\r\n"));
    }

    /// A bomb (64 MiB of one byte in about 64 KiB) comes out a bounded piece at a time.
    #[test]
    fn a_bomb_inflates_a_piece_at_a_time() {
        let mut wire = Vec::new();
        Deflate::new().deflate(&vec![b'a'; 64 << 20], &mut wire);
        assert!(wire.len() < 100 * 1024, "{}", wire.len());
        let mut d = Deflate::new();
        let (mut rest, mut total, mut calls) = (&wire[..], 0, 0);
        while !rest.is_empty() {
            let mut out = Vec::new();
            let taken = d.inflate_some(rest, &mut out, 64 * 1024).unwrap();
            assert!(out.len() <= 64 * 1024 + SCRATCH, "{}", out.len());
            rest = &rest[taken..];
            total += out.len();
            calls += 1;
        }
        assert_eq!(total, 64 << 20);
        assert!(calls >= (64 << 20) / (64 * 1024 + SCRATCH));
    }

    #[test]
    fn garbage_is_an_error() {
        let mut d = Deflate::new();
        assert!(d.inflate(&[0xff; 16], &mut Vec::new()).is_err());
    }
}
