//! The async drivers' read buffer ([`ReadBuf`]): small while little arrives, so that thousands
//! of connections waiting in IDLE each hold a few hundred bytes for their pending read rather
//! than a fixed 8 KiB inside their future; doubled whenever a read fills it, so that a large
//! FETCH is read in large pieces after a few reads.

/// The size of the buffer at the start of each operation (and while IDLE waits).
pub const READ_MIN: usize = 256;
/// The largest the buffer grows to.
pub const READ_MAX: usize = 64 * 1024;

/// A read buffer on the heap, owned by the transport (not by the future that reads):
/// [`READ_MIN`] bytes, doubled up to [`READ_MAX`] each time a read fills it
/// ([`ReadBuf::filled`]), back to [`READ_MIN`] when the operation ends ([`ReadBuf::reset`]).
/// What a read returned is handed to the engine before the next read, so resizing never
/// loses bytes.
#[derive(Debug, Default)]
pub struct ReadBuf {
    buf: Vec<u8>,
}

impl ReadBuf {
    /// An empty buffer: nothing is allocated until the first read.
    pub fn new() -> Self {
        ReadBuf::default()
    }

    /// The room for the next read.
    pub fn space(&mut self) -> &mut [u8] {
        if self.buf.is_empty() {
            self.buf = vec![0; READ_MIN];
        }
        &mut self.buf
    }

    /// After a read of `n` bytes (handed to the engine already): a read that filled the
    /// buffer doubles it for the next one.
    pub fn filled(&mut self, n: usize) {
        let len = self.buf.len();
        if n == len && len < READ_MAX {
            self.buf = vec![0; (len * 2).clamp(READ_MIN, READ_MAX)];
        }
    }

    /// The operation ended: back to [`READ_MIN`] bytes.
    pub fn reset(&mut self) {
        if self.buf.len() > READ_MIN {
            self.buf = vec![0; READ_MIN];
        }
    }

    /// The bytes allocated for the buffer.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_while_reads_fill_it_and_shrinks_when_the_operation_ends() {
        let mut b = ReadBuf::new();
        assert_eq!(b.capacity(), 0, "nothing before the first read");
        assert_eq!(b.space().len(), READ_MIN);
        b.filled(100);
        assert_eq!(b.space().len(), READ_MIN, "a short read keeps the size");
        let mut sizes = Vec::new();
        for _ in 0..10 {
            let n = b.space().len();
            sizes.push(n);
            b.filled(n);
        }
        assert_eq!(sizes[..4], [256, 512, 1024, 2048]);
        assert_eq!(b.space().len(), READ_MAX, "never more than the maximum");
        b.reset();
        assert_eq!(b.space().len(), READ_MIN);
        assert!(b.capacity() <= READ_MIN);
    }
}
