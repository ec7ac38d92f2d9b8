//! The incremental framer: finds where each response (client role) or command (server role) ends,
//! before any parsing.
//!
//! Network bytes arrive in arbitrary pieces. The framer keeps them in one [`BytesMut`] (or, after
//! [`Framer::push_bytes`] into an empty framer, in the caller's own [`Bytes`]), scans each
//! byte once across calls (memchr for LF, then a look at the end of the line for a literal
//! marker), and hands out each complete *unit* as a frozen [`Bytes`] split off the buffer, without
//! copying it. Only complete units reach the parser, which then runs in complete mode; a growing
//! buffer is never re-parsed from the start, so a 100 MiB literal costs linear time.
//!
//! # Units
//!
//! A unit is one line ending in CRLF, except that a line whose last bytes before the CRLF are a
//! literal marker continues after the literal's bytes with more line text:
//!
//! ```text
//! literal   = "{" number64 ["+" / "-"] "}" CRLF *CHAR8     ; RFC 9051, RFC 7888
//! literal8  = "~{" number64 ["+" / "-"] "}" CRLF *OCTET    ; RFC 3516, RFC 4466
//! ```
//!
//! | marker   | [`LiteralMode`]   | binary |
//! |----------|-------------------|--------|
//! | `{N}`    | `Sync`            | no     |
//! | `{N+}`   | `NonSyncPlus`     | no     |
//! | `{N-}`   | `NonSyncMinus`    | no     |
//! | `~{N}`   | `Sync`            | yes    |
//! | `~{N+}`  | `NonSyncPlus`     | yes    |
//! | `~{N-}`  | `NonSyncMinus`    | yes    |
//!
//! RFC 7888 writes a LITERAL- literal on the wire as `{N+}` too; `{N-}` is recognised for peers
//! that spell it that way. All markers are recognised in both roles, although a server must not
//! send non-synchronizing literals: being lenient here costs nothing. Literal contents are opaque:
//! a CRLF or a `{5}` inside a literal ends nothing.
//!
//! A bare LF is accepted as a line end (some servers send one); `{N}` followed by a bare LF is a
//! marker too. Units keep their bytes exactly as received.
//!
//! In the client role, an empty line right after a literal's bytes, while the unit has
//! parentheses open, does not end the unit: servers that end a FETCH literal with an extra CRLF
//! (`BODY[1] {5}\r\nHello\r\n UID 5)`) are read whole, and the parser skips the line end in
//! tolerant mode. Parentheses are counted on the lines that end in a literal marker, outside
//! quoted strings; one such CRLF per literal at most (not a bare LF).
//!
//! # Limits and resynchronisation
//!
//! [`Limits`] bound what one unit may make the framer buffer. A unit over a limit gives exactly one
//! [`FrameError`], carrying an [`Excerpt`] of the start of the unit, and the framer then discards
//! the rest of that unit without buffering it and resumes at the next unit, so later units are
//! not lost:
//!
//! - a line over [`Limits::max_line`] (or a unit over [`Limits::max_unit`] while a line is read)
//!   is skipped up to its LF. If the skipped line ends in a literal marker (a small window of its
//!   last bytes is kept to see it), the literal's bytes and the lines after them are skipped
//!   too, up to the end of the unit;
//! - a literal over [`Limits::max_literal`] (or one that would take the unit over
//!   [`Limits::max_unit`]) is refused before any of its bytes are buffered. In the server role a
//!   synchronizing literal's bytes will not come (the server answers `BAD` instead of `+`), so
//!   framing resumes at the next line. Otherwise its bytes are skipped, then the rest of the unit;
//! - a literal length that does not fit in a `u64` cannot be skipped; the unit ends after the line
//!   that carries it.
//!
//! The framer never allocates according to a length it received.
//!
//! # Streaming large literals
//!
//! With [`Framer::set_stream_threshold`], a literal longer than the threshold is not buffered:
//! its bytes are handed out as [`Frame::LiteralChunk`]s as they arrive, and in the unit that
//! follows, the literal (marker and contents) is replaced by the three bytes `NIL`, so the parser
//! sees a valid `nstring`. Memory is then bounded by the size of the pieces pushed, not by the
//! size of the literal.
//!
//! # Use
//!
//! ```
//! use imap_core::frame::{Frame, Framer, Limits, Role};
//!
//! let mut framer = Framer::new(Role::Client, Limits::default());
//! framer.push(b"* 1 FETCH (BODY[] {5}\r\nhel");
//! assert!(framer.next_frame().is_none()); // needs more bytes
//! framer.push(b"lo)\r\n* OK done\r\n");
//! let Some(Ok(Frame::Unit(unit))) = framer.next_frame() else { panic!() };
//! assert_eq!(&unit[..], b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n");
//! let Some(Ok(Frame::Unit(unit))) = framer.next_frame() else { panic!() };
//! assert_eq!(&unit[..], b"* OK done\r\n");
//! assert!(framer.next_frame().is_none());
//! ```

use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

use crate::excerpt::Excerpt;

/// The default deepest parenthesis nesting, shared by [`Limits`] and
/// [`ParseOptions`](crate::parse::ParseOptions) so a unit the client accepts parses the same when
/// handed to the parser directly.
pub const DEFAULT_MAX_DEPTH: usize = 100;

/// Size limits for received units.
///
/// The framer enforces `max_line`, `max_literal` and `max_unit`; `max_depth` is carried for the
/// parser, which applies it to parenthesis nesting. Build with struct update syntax to change
/// only some of them: `Limits { max_literal: 50 << 20, ..Limits::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest line, in bytes, counting its CRLF (or LF) and a literal marker at its end.
    /// Each piece of line text between literals is a line of its own. Default: 16 MiB (SEARCH results of several MB are real).
    pub max_line: usize,
    /// The longest literal, in bytes. Also applies to streamed literals. Default: 1 GiB.
    pub max_literal: u64,
    /// The most bytes one unit may make the framer buffer: all its lines and buffered literals
    /// (a streamed literal counts as the three bytes `NIL` that replace it). Default: 1 GiB plus
    /// 1 MiB, room for one literal of the default maximum size and its lines.
    pub max_unit: u64,
    /// The deepest parenthesis nesting the parser accepts (body structures, search keys). The
    /// framer does not use it. Default: 100.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: 16 * 1024 * 1024,
            max_literal: 1 << 30,
            max_unit: (1 << 30) + (1 << 20),
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Which side of the connection the framer reads for.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The framer runs in a client and frames responses from a server.
    Client,
    /// The framer runs in a server and frames commands (and continuation lines) from a client.
    /// Synchronizing literals are announced (see [`Framer::take_literal_announcement`]).
    Server,
}

/// How a literal marker asks the receiver to treat the literal.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiteralMode {
    /// `{N}`: a client waits for a `+` continuation request before sending the bytes.
    Sync,
    /// `{N+}`: the bytes follow at once (LITERAL+, RFC 7888).
    NonSyncPlus,
    /// `{N-}`: the bytes follow at once. RFC 7888 spells LITERAL- literals `{N+}` on the wire;
    /// this form is recognised for peers that write `-`.
    NonSyncMinus,
}

/// A literal marker found at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiteralAnnouncement {
    /// The number of bytes announced.
    pub len: u64,
    /// Synchronizing or not. Announcements from [`Framer::take_literal_announcement`] are always
    /// [`LiteralMode::Sync`], since only those wait for the server.
    pub mode: LiteralMode,
    /// `true` for a `literal8` (`~{N}`, RFC 3516), whose bytes may include NUL.
    pub binary: bool,
}

/// What the framer hands out.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum Frame {
    /// One complete unit: a response (client role) or a command or continuation line (server
    /// role), with its final CRLF and its literals, exactly as received (except for streamed
    /// literals, replaced by `NIL`).
    Unit(Bytes),
    /// A piece of a literal longer than the stream threshold (see
    /// [`Framer::set_stream_threshold`]). The pieces of one literal come in order, before the
    /// [`Frame::Unit`] that contains its `NIL`.
    LiteralChunk {
        /// Where the `NIL` that stands for this literal starts in the [`Frame::Unit`] that will
        /// be delivered once the unit is complete: the number of bytes of that unit before it.
        /// It is also where the literal's marker (`{` or `~{`) started, counting earlier streamed
        /// literals of the same unit as three bytes each.
        unit_offset: u64,
        /// The offset of `data`'s first byte within the literal.
        literal_offset: u64,
        /// The literal's length as announced by its marker.
        total: u64,
        /// The bytes: whatever had arrived, at most the rest of the literal, never empty.
        data: Bytes,
    },
}

/// `Debug` never shows the bytes of a frame: a unit is shown as an [`Excerpt`] (so `LOGIN`
/// arguments stay hidden) and a literal chunk by its length only.
impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unit(unit) => f.debug_tuple("Unit").field(&Excerpt::new(unit)).finish(),
            Self::LiteralChunk {
                unit_offset,
                literal_offset,
                total,
                data,
            } => f
                .debug_struct("LiteralChunk")
                .field("unit_offset", unit_offset)
                .field("literal_offset", literal_offset)
                .field("total", total)
                .field("len", &data.len())
                .finish(),
        }
    }
}

/// A unit the peer sent broke a limit or could not be framed. The peer is at fault.
///
/// Each error is reported once per unit; the framer has already resynchronised and will frame
/// the next unit when it arrives.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A line is longer than [`Limits::max_line`]. The rest of its unit is skipped.
    #[error("line longer than {limit} bytes: {excerpt}")]
    LineTooLong {
        /// The limit that was exceeded.
        limit: usize,
        /// The start of the unit.
        excerpt: Excerpt,
    },
    /// A literal is longer than [`Limits::max_literal`]. None of its bytes were buffered.
    #[error("literal of {len} bytes exceeds the limit of {limit}: {excerpt}")]
    LiteralTooLarge {
        /// The announced length.
        len: u64,
        /// The limit that was exceeded.
        limit: u64,
        /// The start of the unit.
        excerpt: Excerpt,
    },
    /// A unit would make the framer buffer more than [`Limits::max_unit`] bytes. The rest of it
    /// is skipped.
    #[error("unit larger than {limit} bytes: {excerpt}")]
    UnitTooLarge {
        /// The limit that was exceeded.
        limit: u64,
        /// The start of the unit.
        excerpt: Excerpt,
    },
    /// A literal marker's length does not fit in 64 bits. Its bytes cannot be skipped, so the
    /// unit is taken to end after the line that carries the marker.
    #[error("literal length does not fit in 64 bits: {excerpt}")]
    InvalidLiteralLength {
        /// The start of the unit.
        excerpt: Excerpt,
    },
}

/// Finds unit boundaries in a byte stream received in arbitrary pieces.
///
/// Feed received bytes with [`push`](Self::push), then call [`next_frame`](Self::next_frame)
/// until it returns `None` (it needs more bytes). In the server role, after that, check
/// [`take_literal_announcement`](Self::take_literal_announcement): a command waits for a `+`
/// continuation request (or a rejection, [`reject_pending_literal`](Self::reject_pending_literal)).
///
/// The framer never fails for good: errors are per unit (see [`FrameError`]).
///
/// `Debug` shows the framer's state and sizes, never the bytes it holds.
pub struct Framer {
    role: Role,
    limits: Limits,
    stream_threshold: Option<u64>,
    /// Received bytes. Unless a skip state is active, `buf[..pos]` is the part of the current
    /// unit already examined and `buf[pos..]` has not been looked at yet. In skip states and in
    /// `Stream`, `pos` is 0 and `buf` holds only unexamined bytes.
    buf: RecvBuf,
    pos: usize,
    state: State,
    /// While a literal of the current unit is being streamed: the unit's bytes before it, with
    /// `NIL` in place of the streamed literals.
    held: Option<BytesMut>,
    /// Server role: a synchronizing literal whose bytes have not started to arrive.
    awaiting: Option<LiteralAnnouncement>,
    /// `awaiting`, until the server takes it.
    announcement: Option<LiteralAnnouncement>,
    /// Client role: parentheses the current unit's lines have opened and not closed, counted
    /// on the lines that end in a literal marker (outside quoted strings).
    open_parens: usize,
    /// The line being read starts right after a literal's bytes.
    after_literal: bool,
    /// Bytes examined so far, to check in tests that each byte is looked at once.
    #[cfg(test)]
    examined: u64,
}

/// Where the framer is in the current unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading line text that starts at `buf[start]`.
    Line { start: usize },
    /// Reading `remaining` more bytes of a buffered literal.
    Literal { remaining: u64 },
    /// Handing out `remaining` more bytes of a streamed literal of `total` bytes.
    Stream {
        remaining: u64,
        total: u64,
        unit_offset: u64,
    },
    /// Discarding a line of a unit already reported as an error; `tail` keeps its last bytes to
    /// see a literal marker.
    SkipLine { tail: Tail },
    /// Discarding `remaining` more bytes of a literal of a unit already reported as an error.
    SkipLiteral { remaining: u64 },
}

impl fmt::Debug for Framer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Framer")
            .field("role", &self.role)
            .field("limits", &self.limits)
            .field("stream_threshold", &self.stream_threshold)
            .field("state", &self.state)
            .field("pos", &self.pos)
            .field("buffered_len", &self.buf.len())
            .field("held_len", &self.held_len())
            .field("awaiting", &self.awaiting)
            .field("announcement", &self.announcement)
            .finish()
    }
}

impl Framer {
    /// Creates a framer for `role` that enforces `limits`.
    pub fn new(role: Role, limits: Limits) -> Self {
        Self {
            role,
            limits,
            stream_threshold: None,
            buf: RecvBuf::Owned(BytesMut::new()),
            pos: 0,
            state: State::Line { start: 0 },
            held: None,
            open_parens: 0,
            after_literal: false,
            awaiting: None,
            announcement: None,
            #[cfg(test)]
            examined: 0,
        }
    }

    /// The role given to [`Framer::new`].
    pub fn role(&self) -> Role {
        self.role
    }

    /// The limits in force: those given to [`Framer::new`] or the last
    /// [`set_limits`](Self::set_limits) (the parser takes `max_depth` from here).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Changes the limits from the next line or literal on (a server lifts its pre-login
    /// limits once the client has logged in). A unit already over the new limits is refused
    /// when its next piece is framed.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Appends received bytes. Nothing is framed until [`next_frame`](Self::next_frame).
    ///
    /// Bytes that belong to a unit being discarded after an error are dropped here without
    /// being copied.
    pub fn push(&mut self, data: &[u8]) {
        let mut data = data;
        if self.buf.is_empty() && self.is_skipping() {
            let used = skip(&mut self.state, self.role, data);
            self.count_examined(used);
            data = &data[used..];
        }
        self.buf.extend_from_slice(data);
    }

    /// Appends received bytes the caller already holds as [`Bytes`], without copying them when
    /// the framer holds no unframed bytes: units, literal chunks and the unframed tail are then
    /// zero-copy slices of `data`. Otherwise the bytes are appended as by
    /// [`push`](Self::push).
    ///
    /// For a caller that holds a whole received buffer (a file, a decompressed block, a read
    /// into a `BytesMut` that it froze). Units handed out keep `data`'s allocation alive, as
    /// units handed out after [`push`](Self::push) keep the framer's buffer alive.
    pub fn push_bytes(&mut self, data: Bytes) {
        let mut data = data;
        if self.buf.is_empty() && self.is_skipping() {
            let used = skip(&mut self.state, self.role, &data);
            self.count_examined(used);
            data.advance(used);
        }
        if self.buf.is_empty() {
            // Nothing unexamined, no partial unit: `data` can stand in for the buffer.
            self.buf = RecvBuf::Shared(data);
        } else {
            self.buf.extend_from_slice(&data);
        }
    }

    /// Returns the next frame, or `None` when more bytes are needed.
    ///
    /// Each call examines only bytes not examined before. After an `Err`, keep calling: the
    /// framer has resynchronised.
    pub fn next_frame(&mut self) -> Option<Result<Frame, FrameError>> {
        loop {
            if self.awaiting.is_some() && self.pos < self.buf.len() {
                // The client has started sending after the synchronizing literal's marker line:
                // it is no longer waiting for a continuation request.
                self.awaiting = None;
                self.announcement = None;
            }
            match self.state {
                State::Line { start } => {
                    if self.pos == self.buf.len() {
                        return None;
                    }
                    match self.scan_line(start) {
                        Step::Continue => {}
                        Step::NeedMore => return None,
                        Step::Emit(result) => return Some(result),
                    }
                }
                State::Literal { remaining } => {
                    let available = self.buf.len() - self.pos;
                    if available == 0 {
                        return None;
                    }
                    let take = take_len(remaining, available);
                    self.count_examined(take);
                    self.pos += take;
                    let remaining = remaining - take as u64;
                    self.state = if remaining == 0 {
                        State::Line { start: self.pos }
                    } else {
                        State::Literal { remaining }
                    };
                }
                State::Stream {
                    remaining,
                    total,
                    unit_offset,
                } => {
                    if self.buf.is_empty() {
                        return None;
                    }
                    let take = take_len(remaining, self.buf.len());
                    self.count_examined(take);
                    let data = self.buf.split_to(take);
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        State::Line { start: 0 }
                    } else {
                        State::Stream {
                            remaining: left,
                            total,
                            unit_offset,
                        }
                    };
                    return Some(Ok(Frame::LiteralChunk {
                        unit_offset,
                        literal_offset: total - remaining,
                        total,
                        data,
                    }));
                }
                State::SkipLine { .. } | State::SkipLiteral { .. } => {
                    if self.buf.is_empty() {
                        return None;
                    }
                    let used = skip(&mut self.state, self.role, &self.buf);
                    self.count_examined(used);
                    self.buf.advance(used);
                }
            }
        }
    }

    /// Server role: the synchronizing literal the framer is waiting for, if any.
    ///
    /// `Some` from the moment a line ending in `{N}` (or `~{N}`) has been framed until the
    /// client starts sending what follows it, or until
    /// [`reject_pending_literal`](Self::reject_pending_literal). The server must answer with a
    /// `+` continuation request, or reject the command. Always `None` in the client role.
    pub fn awaiting_literal(&self) -> Option<LiteralAnnouncement> {
        self.awaiting
    }

    /// Server role: the synchronizing literal the framer is waiting for, reported once.
    ///
    /// Returns what [`awaiting_literal`](Self::awaiting_literal) returns, but only the first
    /// time for each literal, so that a server loop sends exactly one `+` per literal. Call it
    /// after [`next_frame`](Self::next_frame) has returned `None`. If the client sends what
    /// follows the marker before the announcement is taken (it did not wait), the announcement
    /// is withdrawn and no `+` must be sent.
    pub fn take_literal_announcement(&mut self) -> Option<LiteralAnnouncement> {
        self.announcement.take()
    }

    /// Server role: the server refused the synchronizing literal it was waiting for (it sent a
    /// tagged `NO` or `BAD` instead of `+`).
    ///
    /// The partial command is dropped and framing resumes at the next line: the client will not
    /// send the literal. Does nothing when no literal is awaited.
    pub fn reject_pending_literal(&mut self) {
        if self.awaiting.take().is_none() {
            return;
        }
        self.announcement = None;
        self.drop_unit();
        self.state = State::Line { start: 0 };
    }

    /// Removes and returns everything received but not yet handed out, and restarts framing at
    /// the start of a unit.
    ///
    /// For the STARTTLS boundary (bytes received after the tagged `OK` in plaintext must be
    /// discarded) and the COMPRESS switch-over (they must be inflated and pushed again). The
    /// bytes of a partial unit are included, except while a literal is being streamed: the
    /// unit's beginning has then been rewritten and is dropped. A pending literal announcement
    /// is dropped.
    pub fn take_buffered(&mut self) -> BytesMut {
        self.pos = 0;
        self.held = None;
        self.state = State::Line { start: 0 };
        self.awaiting = None;
        self.announcement = None;
        std::mem::replace(&mut self.buf, RecvBuf::Owned(BytesMut::new())).into_mut()
    }

    /// Whether the framer is between units: nothing of a next unit received yet (no partial
    /// line, no literal announced, pending or being streamed), so the next bytes start a new
    /// command (server role) or response (client role).
    pub fn at_unit_start(&self) -> bool {
        self.buf.is_empty()
            && matches!(self.state, State::Line { .. })
            && self.held.is_none()
            && self.awaiting.is_none()
            && self.announcement.is_none()
    }

    /// The number of bytes [`take_buffered`](Self::take_buffered) would return.
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// Gives back the receive buffer's spare room, for a connection that waits with little
    /// to receive (an IDLE): an empty buffer is dropped (units handed out keep their own
    /// bytes alive), unframed bytes are copied into a buffer of their size. Nothing received
    /// is lost and framing goes on where it was; the next [`push`](Self::push) allocates
    /// again.
    pub fn shrink(&mut self) {
        if let RecvBuf::Owned(b) = &mut self.buf
            && b.capacity() > b.len()
        {
            *b = BytesMut::from(&b[..]);
        }
    }

    /// Streams literals longer than `threshold` bytes instead of buffering them (`None`, the
    /// default, buffers every literal).
    ///
    /// Applies to literals whose marker is framed after the call. See [`Frame::LiteralChunk`].
    /// Meant for the client role (large `FETCH` bodies); in the server role a streamed
    /// synchronizing literal is still announced first.
    pub fn set_stream_threshold(&mut self, threshold: Option<u64>) {
        self.stream_threshold = threshold;
    }

    fn is_skipping(&self) -> bool {
        matches!(
            self.state,
            State::SkipLine { .. } | State::SkipLiteral { .. }
        )
    }

    /// Examines the unexamined bytes of the line that starts at `buf[start]`.
    fn scan_line(&mut self, start: usize) -> Step {
        let from = self.pos;
        let lf = memchr::memchr(b'\n', &self.buf[from..]).map(|i| from + i);
        let end = lf.map_or(self.buf.len(), |lf| lf + 1);
        self.count_examined(end - from);

        // Without its LF, a line (or unit) that has reached the limit will exceed it.
        let line_len = end - start;
        let unit_len = self.held_len().saturating_add(end as u64);
        let (line_over, unit_over) = match lf {
            Some(_) => (
                line_len > self.limits.max_line,
                unit_len > self.limits.max_unit,
            ),
            None => (
                line_len >= self.limits.max_line,
                unit_len >= self.limits.max_unit,
            ),
        };
        if line_over || unit_over {
            let excerpt = self.excerpt(end);
            let error = if line_over {
                FrameError::LineTooLong {
                    limit: self.limits.max_line,
                    excerpt,
                }
            } else {
                FrameError::UnitTooLarge {
                    limit: self.limits.max_unit,
                    excerpt,
                }
            };
            self.skip_from_line(start, lf);
            return Step::Emit(Err(error));
        }

        let Some(lf) = lf else {
            self.pos = end;
            return Step::NeedMore;
        };
        self.pos = end;
        let after_literal = std::mem::take(&mut self.after_literal);
        match parse_marker(&self.buf[start..lf]) {
            Marker::None if after_literal && self.is_extra_line_end(start, lf) => {
                self.state = State::Line { start: self.pos };
                Step::Continue
            }
            Marker::None | Marker::Incomplete => Step::Emit(Ok(Frame::Unit(self.finish_unit()))),
            Marker::Invalid => {
                let excerpt = self.excerpt(end);
                self.drop_unit();
                self.state = State::Line { start: 0 };
                Step::Emit(Err(FrameError::InvalidLiteralLength { excerpt }))
            }
            Marker::Literal { ann, offset } => {
                if self.role == Role::Client {
                    self.open_parens =
                        open_parens(self.open_parens, &self.buf[start..start + offset]);
                }
                match self.begin_literal(ann, start + offset) {
                    Some(error) => Step::Emit(Err(error)),
                    None => Step::Continue,
                }
            }
        }
    }

    /// Client role, tolerated: a line end right after a literal's bytes while parentheses are
    /// open, as servers write when they end a FETCH literal with CRLF as if it ended the line
    /// (`* 1 FETCH (BODY[1] {5}\r\nHello\r\n UID 5)\r\n`). The empty line `buf[start..=lf]`
    /// does not end the unit, which goes on with the next line; the parser skips it (tolerant
    /// mode). Only one such line per literal, so a stream of line ends cannot grow a unit.
    fn is_extra_line_end(&self, start: usize, lf: usize) -> bool {
        self.role == Role::Client && self.open_parens > 0 && &self.buf[start..lf] == b"\r"
    }

    /// Starts reading the literal `ann` whose marker starts at `buf[marker]`; the marker line
    /// ends at `pos`. Returns the error if the literal is refused.
    fn begin_literal(&mut self, ann: LiteralAnnouncement, marker: usize) -> Option<FrameError> {
        let stream = self.stream_threshold.is_some_and(|t| ann.len > t);
        let unit_len = self.held_len().saturating_add(self.pos as u64);
        let error = if ann.len > self.limits.max_literal {
            Some(FrameError::LiteralTooLarge {
                len: ann.len,
                limit: self.limits.max_literal,
                excerpt: self.excerpt(self.pos),
            })
        } else if !stream && unit_len.saturating_add(ann.len) > self.limits.max_unit {
            Some(FrameError::UnitTooLarge {
                limit: self.limits.max_unit,
                excerpt: self.excerpt(self.pos),
            })
        } else {
            None
        };
        let sync_to_server = self.role == Role::Server && ann.mode == LiteralMode::Sync;
        if let Some(error) = error {
            self.drop_unit();
            // A client waits for `+` before sending a synchronizing literal; the server will
            // refuse, so those bytes never come.
            self.state = if sync_to_server {
                State::Line { start: 0 }
            } else {
                State::SkipLiteral { remaining: ann.len }
            };
            return Some(error);
        }

        if sync_to_server {
            self.awaiting = Some(ann);
            self.announcement = Some(ann);
        }
        self.after_literal = true;
        self.state = if stream {
            // Keep the unit's bytes before the marker, with NIL in place of the literal, and
            // drop the marker and its line end.
            let before = self.buf.split_to_mut(marker);
            self.buf.advance(self.pos - marker);
            self.pos = 0;
            let mut held = self.held.take().unwrap_or_default();
            held.unsplit(before);
            let unit_offset = held.len() as u64;
            held.extend_from_slice(b"NIL");
            self.held = Some(held);
            State::Stream {
                remaining: ann.len,
                total: ann.len,
                unit_offset,
            }
        } else if ann.len == 0 {
            State::Line { start: self.pos }
        } else {
            State::Literal { remaining: ann.len }
        };
        None
    }

    /// Hands out the current unit, `buf[..pos]` after any held prefix.
    fn finish_unit(&mut self) -> Bytes {
        self.open_parens = 0;
        let pos = self.pos;
        self.pos = 0;
        self.state = State::Line { start: 0 };
        match self.held.take() {
            Some(mut held) => {
                held.extend_from_slice(&self.buf[..pos]);
                self.buf.advance(pos);
                held.freeze()
            }
            None => self.buf.split_to(pos),
        }
    }

    /// Drops the examined bytes of the current unit.
    fn drop_unit(&mut self) {
        self.open_parens = 0;
        self.after_literal = false;
        self.held = None;
        self.buf.advance(self.pos);
        self.pos = 0;
    }

    /// After an error in the line that starts at `buf[start]` (and ends at `lf`, if seen):
    /// drops the unit and skips the rest of it.
    fn skip_from_line(&mut self, start: usize, lf: Option<usize>) {
        let end = lf.unwrap_or(self.buf.len());
        let mut tail = Tail::default();
        tail.push(&self.buf[start..end]);
        self.open_parens = 0;
        self.after_literal = false;
        self.held = None;
        self.pos = 0;
        match lf {
            Some(lf) => {
                self.buf.advance(lf + 1);
                self.state = after_skipped_line(&tail, self.role);
            }
            None => {
                self.buf.advance(end);
                self.state = State::SkipLine { tail };
            }
        }
    }

    /// While a literal of the current unit is being streamed: the unit's bytes held back so
    /// far, up to and including the `NIL` that stands for that literal (earlier streamed
    /// literals of the unit are `NIL` too). Lets a client tell which message and item a
    /// [`Frame::LiteralChunk`] belongs to. Empty when nothing is held.
    pub fn held_prefix(&self) -> &[u8] {
        self.held.as_deref().unwrap_or(&[])
    }

    fn held_len(&self) -> u64 {
        self.held.as_ref().map_or(0, |h| h.len() as u64)
    }

    /// An excerpt of the start of the current unit, whose bytes in `buf` end at `end`.
    fn excerpt(&self, end: usize) -> Excerpt {
        let in_buf = &self.buf[..end];
        match &self.held {
            None => Excerpt::new(in_buf),
            Some(held) => {
                // Enough bytes for Excerpt to see that the unit is longer than what it shows.
                let want = Excerpt::MAX_LEN + 1;
                let mut start = Vec::with_capacity(want);
                start.extend_from_slice(&held[..held.len().min(want)]);
                let more = want - start.len();
                start.extend_from_slice(&in_buf[..in_buf.len().min(more)]);
                Excerpt::new(&start)
            }
        }
    }

    #[cfg(test)]
    fn count_examined(&mut self, n: usize) {
        self.examined += n as u64;
    }

    #[cfg(not(test))]
    fn count_examined(&mut self, _n: usize) {}
}

/// The framer's received bytes: its own growable buffer, or a caller's [`Bytes`] taken over by
/// [`Framer::push_bytes`] (read-only, turned into an owned buffer when more bytes are appended
/// behind an unframed tail).
enum RecvBuf {
    /// Bytes copied in by [`Framer::push`].
    Owned(BytesMut),
    /// A caller's buffer, sliced without copying.
    Shared(Bytes),
}

impl RecvBuf {
    fn len(&self) -> usize {
        match self {
            Self::Owned(b) => b.len(),
            Self::Shared(b) => b.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends `data`, copying a shared buffer's bytes into an owned one first.
    fn extend_from_slice(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match self {
            Self::Owned(b) => b.extend_from_slice(data),
            Self::Shared(b) => {
                let mut owned = BytesMut::with_capacity(b.len() + data.len());
                owned.extend_from_slice(b);
                owned.extend_from_slice(data);
                *self = Self::Owned(owned);
            }
        }
    }

    /// Removes and returns the first `n` bytes.
    fn split_to(&mut self, n: usize) -> Bytes {
        match self {
            Self::Owned(b) => b.split_to(n).freeze(),
            Self::Shared(b) => b.split_to(n),
        }
    }

    /// Removes and returns the first `n` bytes as a growable buffer (copied from a shared one).
    fn split_to_mut(&mut self, n: usize) -> BytesMut {
        match self {
            Self::Owned(b) => b.split_to(n),
            Self::Shared(b) => BytesMut::from(&b.split_to(n)[..]),
        }
    }

    /// Drops the first `n` bytes.
    fn advance(&mut self, n: usize) {
        match self {
            Self::Owned(b) => b.advance(n),
            Self::Shared(b) => b.advance(n),
        }
    }

    /// The bytes as a growable buffer (copied from a shared one unless it is the only handle).
    fn into_mut(self) -> BytesMut {
        match self {
            Self::Owned(b) => b,
            Self::Shared(b) => b.try_into_mut().unwrap_or_else(|b| BytesMut::from(&b[..])),
        }
    }

    /// Bytes allocated for the buffer (a shared buffer's length: it never grows).
    #[cfg(test)]
    fn capacity(&self) -> usize {
        match self {
            Self::Owned(b) => b.capacity(),
            Self::Shared(b) => b.len(),
        }
    }
}

impl std::ops::Deref for RecvBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Owned(b) => b,
            Self::Shared(b) => b,
        }
    }
}

/// What one step of line scanning produced.
enum Step {
    /// A state change; keep going.
    Continue,
    /// All bytes examined; the line is not complete.
    NeedMore,
    /// A frame or an error to hand out.
    Emit(Result<Frame, FrameError>),
}

/// `min(remaining, available)`, as a `usize`.
/// `open` plus the parentheses `line` opens, minus those it closes, outside quoted strings
/// (never below zero).
pub(crate) fn open_parens(mut open: usize, line: &[u8]) -> usize {
    let mut quoted = false;
    let mut escaped = false;
    let mut k = 0;
    while k < line.len() {
        // Eight bytes at a time past runs holding none of the four bytes that matter (names,
        // addresses and dates between the quotes and parentheses of a FETCH line).
        if !escaped {
            while let Some(word) = line.get(k..k + 8).and_then(|w| w.first_chunk::<8>()) {
                if holds_paren_or_quote(u64::from_le_bytes(*word)) {
                    break;
                }
                k += 8;
            }
            if k >= line.len() {
                break;
            }
        }
        let b = line[k];
        k += 1;
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b'(' if !quoted => open += 1,
            b')' if !quoted => open = open.saturating_sub(1),
            _ => {}
        }
    }
    open
}

/// Whether one of the eight bytes of `word` is `(`, `)`, `"` or `\` (SWAR: a byte equal to
/// `c` is a zero byte of `word ^ c`, and `(v - 0x01..) & !v & 0x80..` is non-zero exactly when
/// `v` has a zero byte).
fn holds_paren_or_quote(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let each = |c: u8| zero(word ^ u64::from_ne_bytes([c; 8]));
    each(b'(') | each(b')') | each(b'"') | each(b'\\') != 0
}

fn take_len(remaining: u64, available: usize) -> usize {
    usize::try_from(remaining).map_or(available, |r| r.min(available))
}

/// Advances a skip state over `data`; returns how many bytes belong to the unit being skipped
/// (all of `data`, or up to the end of that unit, after which the state is `Line`).
fn skip(state: &mut State, role: Role, data: &[u8]) -> usize {
    let mut used = 0;
    loop {
        match state {
            State::SkipLiteral { remaining } => {
                let take = take_len(*remaining, data.len() - used);
                used += take;
                *remaining -= take as u64;
                if *remaining > 0 {
                    return used;
                }
                *state = State::SkipLine {
                    tail: Tail::default(),
                };
            }
            State::SkipLine { tail } => {
                let rest = &data[used..];
                match memchr::memchr(b'\n', rest) {
                    None => {
                        tail.push(rest);
                        return data.len();
                    }
                    Some(i) => {
                        tail.push(&rest[..i]);
                        used += i + 1;
                        *state = after_skipped_line(tail, role);
                    }
                }
            }
            State::Line { .. } | State::Literal { .. } | State::Stream { .. } => return used,
        }
    }
}

/// The state after a skipped line whose last bytes (before the LF) are in `tail`.
fn after_skipped_line(tail: &Tail, role: Role) -> State {
    match parse_marker(tail.as_slice()) {
        // A synchronizing literal to a server that will refuse it: its bytes will not come.
        Marker::Literal { ann, .. } if role == Role::Server && ann.mode == LiteralMode::Sync => {
            State::Line { start: 0 }
        }
        Marker::Literal { ann, .. } => State::SkipLiteral { remaining: ann.len },
        // Without a marker the unit ends here. A marker too long for the window (only possible
        // with many leading zeros) or too large for u64 cannot be skipped either.
        Marker::None | Marker::Incomplete | Marker::Invalid => State::Line { start: 0 },
    }
}

/// The last bytes of a line being skipped, enough to hold any literal marker whose number has
/// no more than 20 digits (`~{18446744073709551615+}\r` is 25 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Tail {
    bytes: [u8; 32],
    len: usize,
}

impl Tail {
    const CAP: usize = 32;

    /// Appends `data`, keeping only the last [`Tail::CAP`] bytes.
    fn push(&mut self, data: &[u8]) {
        if data.len() >= Self::CAP {
            self.bytes.copy_from_slice(&data[data.len() - Self::CAP..]);
            self.len = Self::CAP;
        } else {
            let keep = self.len.min(Self::CAP - data.len());
            self.bytes.copy_within(self.len - keep..self.len, 0);
            self.bytes[keep..keep + data.len()].copy_from_slice(data);
            self.len = keep + data.len();
        }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Shows only the length: the bytes are part of a unit that may hold credentials.
impl fmt::Debug for Tail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tail").field("len", &self.len).finish()
    }
}

/// A literal marker, or its absence, at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// No marker.
    None,
    /// The line ends in `<digits>}` (or `<digits>+}`, `<digits>-}`) and the digits reach the
    /// start of the bytes examined: no marker, unless the bytes are only the end of the line.
    Incomplete,
    /// A marker whose number does not fit in a `u64`.
    Invalid,
    /// A marker; `offset` is where its `{` (or `~`) starts in the line.
    Literal {
        ann: LiteralAnnouncement,
        offset: usize,
    },
}

/// Looks for a literal marker at the end of `line` (a line without its LF, maybe with its CR).
///
/// ```text
/// marker = ["~"] "{" 1*DIGIT ["+" / "-"] "}" [CR]
/// ```
pub(crate) fn parse_marker(line: &[u8]) -> Marker {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(rest) = line.strip_suffix(b"}") else {
        return Marker::None;
    };
    let (rest, mode) = match rest.split_last() {
        Some((b'+', rest)) => (rest, LiteralMode::NonSyncPlus),
        Some((b'-', rest)) => (rest, LiteralMode::NonSyncMinus),
        _ => (rest, LiteralMode::Sync),
    };
    let digits_start = rest
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let digits = &rest[digits_start..];
    if digits.is_empty() {
        return Marker::None;
    }
    if digits_start == 0 {
        return Marker::Incomplete;
    }
    let open = digits_start - 1;
    if rest[open] != b'{' {
        return Marker::None;
    }
    let (offset, binary) = match open.checked_sub(1) {
        Some(tilde) if rest[tilde] == b'~' => (tilde, true),
        _ => (open, false),
    };
    let len = digits.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    match len {
        Some(len) => Marker::Literal {
            ann: LiteralAnnouncement { len, mode, binary },
            offset,
        },
        None => Marker::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Out = Result<Frame, FrameError>;

    fn unit(bytes: &[u8]) -> Out {
        Ok(Frame::Unit(Bytes::copy_from_slice(bytes)))
    }

    proptest! {
        #[test]
        fn open_parens_counts_as_a_byte_at_a_time(
            open in 0usize..3,
            line in proptest::collection::vec(
                // Runs of other bytes long enough for the eight-byte skips.
                prop_oneof![
                    1 => Just(b'('),
                    1 => Just(b')'),
                    1 => Just(b'"'),
                    1 => Just(b'\\'),
                    20 => Just(b'a'),
                ],
                0..80,
            ),
        ) {
            let mut naive = open;
            let (mut quoted, mut escaped) = (false, false);
            for &b in &line {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' if quoted => escaped = true,
                    b'"' => quoted = !quoted,
                    b'(' if !quoted => naive += 1,
                    b')' if !quoted => naive = naive.saturating_sub(1),
                    _ => {}
                }
            }
            prop_assert_eq!(open_parens(open, &line), naive);
        }
    }

    fn drain(framer: &mut Framer, out: &mut Vec<Out>) {
        while let Some(frame) = framer.next_frame() {
            out.push(frame);
        }
    }

    /// Pushes `pieces` one at a time, draining after each, and returns everything framed.
    fn frame_pieces(framer: &mut Framer, pieces: &[&[u8]]) -> Vec<Out> {
        let mut out = Vec::new();
        for piece in pieces {
            framer.push(piece);
            drain(framer, &mut out);
        }
        out
    }

    /// Like [`frame_pieces`], but hands piece `k` over with [`Framer::push_bytes`] when
    /// `via_bytes[k]` is true (missing entries: `push`).
    fn frame_pieces_mixed(framer: &mut Framer, pieces: &[&[u8]], via_bytes: &[bool]) -> Vec<Out> {
        let mut out = Vec::new();
        for (k, piece) in pieces.iter().enumerate() {
            if via_bytes.get(k).copied().unwrap_or(false) {
                framer.push_bytes(Bytes::copy_from_slice(piece));
            } else {
                framer.push(piece);
            }
            drain(framer, &mut out);
        }
        out
    }

    fn frame_with(role: Role, limits: Limits, pieces: &[&[u8]]) -> Vec<Out> {
        frame_pieces(&mut Framer::new(role, limits), pieces)
    }

    fn frame_whole(role: Role, input: &[u8]) -> Vec<Out> {
        frame_with(role, Limits::default(), &[input])
    }

    fn units(out: &[Out]) -> Vec<Vec<u8>> {
        out.iter()
            .map(|r| match r {
                Ok(Frame::Unit(u)) => u.to_vec(),
                other => panic!("not a unit: {other:?}"),
            })
            .collect()
    }

    fn limits(max_line: usize, max_literal: u64, max_unit: u64) -> Limits {
        Limits {
            max_line,
            max_literal,
            max_unit,
            ..Limits::default()
        }
    }

    /// A stream exercising every marker form, literals with CRLF and marker text inside, an
    /// empty literal, several literals in one unit and a bare LF.
    const STREAM: &[u8] = b"* OK ready\r\n\
        * 1 FETCH (BODY[] {12}\r\nab\r\n{5}\r\nxyz FLAGS (\\Seen))\r\n\
        A1 LOGIN {4+}\r\nfred {6-}\r\nsecret\r\n\
        A2 APPEND x ~{3}\r\n\x00\r\n {0}\r\n {2+}\r\n}\n\r\n\
        * 2 EXISTS\n\
        A3 NOOP\r\n";

    fn stream_units() -> Vec<Vec<u8>> {
        vec![
            b"* OK ready\r\n".to_vec(),
            b"* 1 FETCH (BODY[] {12}\r\nab\r\n{5}\r\nxyz FLAGS (\\Seen))\r\n".to_vec(),
            b"A1 LOGIN {4+}\r\nfred {6-}\r\nsecret\r\n".to_vec(),
            b"A2 APPEND x ~{3}\r\n\x00\r\n {0}\r\n {2+}\r\n}\n\r\n".to_vec(),
            b"* 2 EXISTS\n".to_vec(),
            b"A3 NOOP\r\n".to_vec(),
        ]
    }

    #[test]
    fn single_line() {
        assert_eq!(
            frame_whole(Role::Client, b"* OK IMAP4rev2 ready\r\n"),
            vec![unit(b"* OK IMAP4rev2 ready\r\n")]
        );
    }

    #[test]
    fn incomplete_line_waits() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"* OK no line end");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.buffered_len(), 16);
        framer.push(b"\r");
        assert_eq!(framer.next_frame(), None);
        framer.push(b"\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* OK no line end\r\n")));
        assert_eq!(framer.buffered_len(), 0);
    }

    #[test]
    fn shrinking_keeps_unframed_bytes_and_gives_back_the_room() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        let big = [
            b"* 1 FETCH (BODY[] {4096}\r\n".as_slice(),
            &[b'x'; 4096],
            b")\r\n",
        ]
        .concat();
        framer.push(&big);
        framer.push(b"* 2 EXISTS\r\n* 3 EXI");
        let first = framer.next_frame();
        assert!(matches!(first, Some(Ok(_))));
        assert_eq!(framer.next_frame(), Some(unit(b"* 2 EXISTS\r\n")));
        assert_eq!(framer.next_frame(), None, "half a line examined");
        assert!(framer.buf.capacity() > 4096);
        framer.shrink();
        assert_eq!(framer.buf.capacity(), 7, "only the unframed bytes are kept");
        framer.push(b"STS\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* 3 EXISTS\r\n")));
        framer.shrink();
        assert_eq!(framer.buf.capacity(), 0, "an empty buffer is dropped");
        framer.push(b"* 4 EXISTS\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* 4 EXISTS\r\n")));
    }

    #[test]
    fn many_units_in_one_push() {
        let out = frame_whole(Role::Client, STREAM);
        assert_eq!(units(&out), stream_units());
        let out = frame_whole(Role::Server, STREAM);
        assert_eq!(units(&out), stream_units());
    }

    #[test]
    fn each_marker_form() {
        for (marker, body) in [
            (&b"{3}"[..], &b"a\r\n"[..]),
            (b"{3+}", b"a\r\n"),
            (b"{3-}", b"a\r\n"),
            (b"~{3}", b"\x00\r\n"),
            (b"~{3+}", b"\x00\x01\x02"),
            (b"~{3-}", b"}\r\n"),
        ] {
            let mut input = b"A1 APPEND INBOX ".to_vec();
            input.extend_from_slice(marker);
            input.extend_from_slice(b"\r\n");
            input.extend_from_slice(body);
            input.extend_from_slice(b"\r\n");
            let mut whole = input.clone();
            whole.extend_from_slice(b"A2 NOOP\r\n");
            assert_eq!(
                units(&frame_whole(Role::Client, &whole)),
                vec![input.clone(), b"A2 NOOP\r\n".to_vec()],
                "{}",
                String::from_utf8_lossy(marker)
            );
        }
    }

    #[test]
    fn literal_contents_are_opaque() {
        // CRLF, a marker and a whole command inside a literal end nothing.
        let input = b"* 1 FETCH (BODY[] {25}\r\nA9 NOOP\r\nx {5}\r\nhello\r\n)\r\n";
        assert_eq!(
            units(&frame_whole(Role::Client, input)),
            vec![input.to_vec()]
        );
    }

    #[test]
    fn marker_split_by_a_literal_is_not_a_marker() {
        // The literal's contents end in "{1", the line after it is "2}": no marker.
        let input = b"* 1 FETCH (X {2}\r\n{12}\r\n* 2 EXISTS\r\n";
        assert_eq!(
            units(&frame_whole(Role::Client, input)),
            vec![
                b"* 1 FETCH (X {2}\r\n{12}\r\n".to_vec(),
                b"* 2 EXISTS\r\n".to_vec()
            ]
        );
    }

    #[test]
    fn zero_length_literal() {
        let input = b"A1 LOGIN {0}\r\n {0+}\r\n\r\nA2 NOOP\r\n";
        assert_eq!(
            units(&frame_whole(Role::Client, input)),
            vec![
                b"A1 LOGIN {0}\r\n {0+}\r\n\r\n".to_vec(),
                b"A2 NOOP\r\n".to_vec()
            ]
        );
    }

    #[test]
    fn several_literals_in_one_unit() {
        let input =
            b"* 1 FETCH (BODY[1] {3}\r\none BODY[2] {3}\r\ntwo BODY[3] ~{5}\r\nth\r\ne)\r\n";
        assert_eq!(
            units(&frame_whole(Role::Client, input)),
            vec![input.to_vec()]
        );
    }

    #[test]
    fn not_markers() {
        for line in [
            &b"* OK {}\r\n"[..],
            b"* OK {+}\r\n",
            b"* OK { 5}\r\n",
            b"* OK {5 }\r\n",
            b"* OK 5}\r\n",
            b"* OK {5}x\r\n",
            b"* OK {5}\r\r\n",
            b"* OK {5+-}\r\n",
            b"* OK {x5}\r\n",
        ] {
            assert_eq!(
                frame_whole(Role::Client, line),
                vec![unit(line)],
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn parse_marker_forms() {
        let lit = |len, mode, binary, offset| Marker::Literal {
            ann: LiteralAnnouncement { len, mode, binary },
            offset,
        };
        assert_eq!(
            parse_marker(b"a {5}\r"),
            lit(5, LiteralMode::Sync, false, 2)
        );
        assert_eq!(parse_marker(b"a {5}"), lit(5, LiteralMode::Sync, false, 2));
        assert_eq!(
            parse_marker(b"~{07+}"),
            lit(7, LiteralMode::NonSyncPlus, true, 0)
        );
        assert_eq!(
            parse_marker(b"x~{1-}"),
            lit(1, LiteralMode::NonSyncMinus, true, 1)
        );
        assert_eq!(
            parse_marker(b"{18446744073709551615}"),
            lit(u64::MAX, LiteralMode::Sync, false, 0)
        );
        assert_eq!(parse_marker(b"{18446744073709551616}"), Marker::Invalid);
        assert_eq!(parse_marker(b"123}"), Marker::Incomplete);
        assert_eq!(parse_marker(b"{}"), Marker::None);
        assert_eq!(parse_marker(b""), Marker::None);
        assert_eq!(parse_marker(b"\r"), Marker::None);
        assert_eq!(parse_marker(b"}"), Marker::None);
    }

    #[test]
    fn every_split_point_gives_the_same_units() {
        let expected = stream_units();
        for role in [Role::Client, Role::Server] {
            for i in 0..=STREAM.len() {
                let out = frame_with(role, Limits::default(), &[&STREAM[..i], &STREAM[i..]]);
                assert_eq!(units(&out), expected, "split at {i}");
            }
        }
    }

    #[test]
    fn every_pair_of_split_points_gives_the_same_units() {
        let expected = stream_units();
        for i in 0..=STREAM.len() {
            for j in i..=STREAM.len() {
                let pieces = [&STREAM[..i], &STREAM[i..j], &STREAM[j..]];
                let out = frame_with(Role::Client, Limits::default(), &pieces);
                assert_eq!(units(&out), expected, "split at {i}, {j}");
            }
        }
    }

    #[test]
    fn byte_by_byte_gives_the_same_units() {
        let pieces: Vec<&[u8]> = STREAM.chunks(1).collect();
        for role in [Role::Client, Role::Server] {
            let mut framer = Framer::new(role, Limits::default());
            let out = frame_pieces(&mut framer, &pieces);
            assert_eq!(units(&out), stream_units());
            assert_eq!(framer.examined, STREAM.len() as u64);
        }
    }

    #[test]
    fn extra_line_end_after_a_literal_inside_parentheses() {
        // Client role: one empty line right after a literal, with a parenthesis open, does not
        // end the unit; whole, byte by byte, and with the literal streamed.
        let input: &[u8] =
            b"* 1 FETCH (BODY[1] {5}\r\nHello\r\n UID 5)\r\n* 2 FETCH (BODY[1] {1}\r\nx\r\n)\r\n";
        let expected: Vec<Vec<u8>> = vec![
            b"* 1 FETCH (BODY[1] {5}\r\nHello\r\n UID 5)\r\n".to_vec(),
            b"* 2 FETCH (BODY[1] {1}\r\nx\r\n)\r\n".to_vec(),
        ];
        assert_eq!(units(&frame_whole(Role::Client, input)), expected);
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(
            units(&frame_with(Role::Client, Limits::default(), &bytes)),
            expected
        );
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(2));
        let out = frame_pieces(&mut framer, &[input]);
        let first = out.iter().find_map(|o| match o {
            Ok(Frame::Unit(u)) => Some(u.to_vec()),
            _ => None,
        });
        assert_eq!(
            first,
            Some(b"* 1 FETCH (BODY[1] NIL\r\n UID 5)\r\n".to_vec())
        );
        // Not when every parenthesis is closed (a LIST name as a literal ends its line), nor in
        // quoted strings, nor for a second empty line, nor a bare LF, nor in the server role.
        for (role, input, n) in [
            (
                Role::Client,
                &b"* LIST () \"/\" {5}\r\nINBOX\r\n\r\n"[..],
                2,
            ),
            (
                Role::Client,
                &b"* 1 FETCH (X \"(\" Y) {1}\r\nx\r\n)\r\n"[..],
                2,
            ),
            (Role::Client, &b"* 1 FETCH (X {1}\r\nx\r\n\r\n)\r\n"[..], 2),
            (Role::Client, &b"* 1 FETCH (X {1}\r\nx\n)\r\n"[..], 2),
            (Role::Server, &b"a APPEND x ({1+}\r\nx\r\n)\r\n"[..], 2),
        ] {
            let out = frame_whole(role, input);
            assert_eq!(
                units(&out).len(),
                n,
                "{:?}",
                input.escape_ascii().to_string()
            );
        }
    }

    #[test]
    fn units_are_zero_copy_slices_of_the_buffer() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"* 1 EXISTS\r\n* 2 EXISTS\r\n");
        let Some(Ok(Frame::Unit(a))) = framer.next_frame() else {
            panic!()
        };
        let Some(Ok(Frame::Unit(b))) = framer.next_frame() else {
            panic!()
        };
        // Both units share one allocation: the second starts where the first ends.
        assert_eq!(a.as_ptr().wrapping_add(a.len()), b.as_ptr());
    }

    #[test]
    fn bare_lf_is_a_line_end() {
        let input = b"* OK hi\n* 1 FETCH (BODY[] {3}\nabc)\n* BYE\r\n";
        assert_eq!(
            units(&frame_whole(Role::Client, input)),
            vec![
                b"* OK hi\n".to_vec(),
                b"* 1 FETCH (BODY[] {3}\nabc)\n".to_vec(),
                b"* BYE\r\n".to_vec()
            ]
        );
    }

    #[test]
    fn bare_cr_is_not_a_line_end() {
        assert_eq!(
            frame_whole(Role::Client, b"* OK a\rb\r\n"),
            vec![unit(b"* OK a\rb\r\n")]
        );
    }

    // ---- limits and resynchronisation ----

    fn assert_line_too_long(out: &Out, limit: usize) {
        match out {
            Err(FrameError::LineTooLong { limit: l, .. }) => assert_eq!(*l, limit),
            other => panic!("expected LineTooLong, got {other:?}"),
        }
    }

    #[test]
    fn long_line_is_skipped_and_the_next_unit_kept() {
        let long = format!("* OK {}\r\n", "x".repeat(100));
        let input = format!("* 1 EXISTS\r\n{long}* 2 EXISTS\r\n");
        for step in [1, 7, input.len()] {
            let pieces: Vec<&[u8]> = input.as_bytes().chunks(step).collect();
            let out = frame_with(Role::Client, limits(64, 1000, 10_000), &pieces);
            assert_eq!(out.len(), 3, "step {step}: {out:?}");
            assert_eq!(out[0], unit(b"* 1 EXISTS\r\n"));
            assert_line_too_long(&out[1], 64);
            assert_eq!(out[2], unit(b"* 2 EXISTS\r\n"));
        }
    }

    #[test]
    fn line_at_the_limit_is_accepted() {
        let line = format!("* OK {}\r\n", "x".repeat(10));
        let out = frame_with(
            Role::Client,
            limits(line.len(), 1000, 10_000),
            &[line.as_bytes()],
        );
        assert_eq!(out, vec![unit(line.as_bytes())]);
        let out = frame_with(
            Role::Client,
            limits(line.len() - 1, 1000, 10_000),
            &[line.as_bytes()],
        );
        assert_line_too_long(&out[0], line.len() - 1);
    }

    #[test]
    fn skipped_bytes_are_not_buffered() {
        let mut framer = Framer::new(Role::Client, limits(64, 1000, 10_000));
        framer.push(&[b'x'; 100]);
        assert_line_too_long(&framer.next_frame().unwrap(), 64);
        assert_eq!(framer.buffered_len(), 0);
        for _ in 0..100 {
            framer.push(&[b'x'; 1000]);
            assert_eq!(framer.buffered_len(), 0);
            assert_eq!(framer.next_frame(), None);
        }
        framer.push(b"\r\n* OK\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* OK\r\n")));
    }

    #[test]
    fn skipped_line_ending_in_a_literal_skips_the_literal() {
        // The literal holds what looks like units; they must not be delivered.
        let input = format!(
            "* 1 FETCH (X {} BODY[] {{22+}}\r\n* 3 EXISTS\r\n* 4 BYE\r\n FLAGS ()) {{2+}}\r\nab)\r\n* 2 EXISTS\r\n",
            "y".repeat(100)
        );
        for role in [Role::Client, Role::Server] {
            for step in [1, 5, input.len()] {
                let pieces: Vec<&[u8]> = input.as_bytes().chunks(step).collect();
                let out = frame_with(role, limits(64, 1000, 10_000), &pieces);
                assert_eq!(out.len(), 2, "step {step}: {out:?}");
                assert_line_too_long(&out[0], 64);
                assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
            }
        }
    }

    #[test]
    fn too_long_continuation_line_skips_the_rest_of_the_unit() {
        let input = format!(
            "* 1 FETCH (BODY[] {{3}}\r\nabc {}\r\n* 2 EXISTS\r\n",
            "z".repeat(100)
        );
        let out = frame_with(Role::Client, limits(64, 1000, 10_000), &[input.as_bytes()]);
        assert_eq!(out.len(), 2, "{out:?}");
        match &out[0] {
            Err(FrameError::LineTooLong { excerpt, .. }) => {
                assert!(
                    excerpt
                        .as_str()
                        .starts_with("* 1 FETCH (BODY[] {3}\\r\\nabc z")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
    }

    #[test]
    fn skipped_sync_literal_to_a_server_is_not_skipped() {
        // The server will answer BAD: the client never sends the literal, its next command
        // follows.
        let input = format!("A1 APPEND {} {{5}}\r\nA2 NOOP\r\n", "m".repeat(100));
        let out = frame_with(Role::Server, limits(64, 1000, 10_000), &[input.as_bytes()]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_line_too_long(&out[0], 64);
        assert_eq!(out[1], unit(b"A2 NOOP\r\n"));
    }

    #[test]
    fn literal_too_large_client_skips_it() {
        let mut framer = Framer::new(Role::Client, limits(1000, 10, 10_000));
        framer.push(b"* 1 FETCH (BODY[] {50}\r\n");
        match framer.next_frame() {
            Some(Err(FrameError::LiteralTooLarge {
                len,
                limit,
                excerpt,
            })) => {
                assert_eq!((len, limit), (50, 10));
                assert_eq!(excerpt.as_str(), "* 1 FETCH (BODY[] {50}\\r\\n");
            }
            other => panic!("{other:?}"),
        }
        // 50 literal bytes that look like units, then the rest of the unit, then a unit.
        let body = b"* 9 EXISTS\r\n* 9 EXISTS\r\n* 9 EXISTS\r\n* 9 EXISTS\r\nxx";
        assert_eq!(body.len(), 50);
        for b in body {
            framer.push(&[*b]);
            assert_eq!(framer.buffered_len(), 0);
            assert_eq!(framer.next_frame(), None);
        }
        framer.push(b" FLAGS ({3}\r\nabc))\r\n* 2 EXISTS\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* 2 EXISTS\r\n")));
        assert_eq!(framer.next_frame(), None);
    }

    #[test]
    fn literal_too_large_server_sync_resumes_at_next_line() {
        let mut framer = Framer::new(Role::Server, limits(1000, 10, 10_000));
        framer.push(b"A1 APPEND INBOX {5000}\r\n");
        assert!(matches!(
            framer.next_frame(),
            Some(Err(FrameError::LiteralTooLarge { len: 5000, .. }))
        ));
        assert_eq!(framer.take_literal_announcement(), None);
        assert_eq!(framer.awaiting_literal(), None);
        framer.push(b"A2 NOOP\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"A2 NOOP\r\n")));
    }

    #[test]
    fn literal_too_large_server_nonsync_skips_it() {
        let input = b"A1 APPEND INBOX {20+}\r\nA9 NOOP\r\nA9 NOOP\r\n)\r\nA2 NOOP\r\n";
        for step in [1, 3, input.len()] {
            let pieces: Vec<&[u8]> = input.chunks(step).collect();
            let out = frame_with(Role::Server, limits(1000, 10, 10_000), &pieces);
            assert_eq!(out.len(), 2, "{out:?}");
            assert!(matches!(
                out[0],
                Err(FrameError::LiteralTooLarge { len: 20, .. })
            ));
            assert_eq!(out[1], unit(b"A2 NOOP\r\n"));
        }
    }

    #[test]
    fn unit_too_large_from_several_literals() {
        let input = b"* 1 FETCH (A {40}\r\n0123456789012345678901234567890123456789 B {40}\r\n0123456789012345678901234567890123456789)\r\n* 2 EXISTS\r\n";
        let out = frame_with(Role::Client, limits(1000, 50, 80), &[input]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(matches!(
            out[0],
            Err(FrameError::UnitTooLarge { limit: 80, .. })
        ));
        assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
    }

    #[test]
    fn unit_too_large_from_many_lines() {
        let input = b"* 1 FETCH (A {1}\r\nx B {1}\r\nx C {1}\r\nx D {1}\r\nx)\r\n* 2 EXISTS\r\n";
        for step in [1, input.len()] {
            let pieces: Vec<&[u8]> = input.chunks(step).collect();
            let out = frame_with(Role::Client, limits(1000, 50, 30), &pieces);
            assert_eq!(out.len(), 2, "{out:?}");
            assert!(matches!(
                out[0],
                Err(FrameError::UnitTooLarge { limit: 30, .. })
            ));
            assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
        }
    }

    #[test]
    fn overflowing_literal_length_is_an_error() {
        let input = b"* 1 FETCH (BODY[] {99999999999999999999999}\r\n* 2 EXISTS\r\n";
        for role in [Role::Client, Role::Server] {
            let out = frame_with(role, Limits::default(), &[input]);
            assert_eq!(out.len(), 2, "{out:?}");
            assert!(matches!(
                out[0],
                Err(FrameError::InvalidLiteralLength { .. })
            ));
            assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
        }
    }

    #[test]
    fn huge_literal_length_is_refused_without_allocating() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"* 1 FETCH (BODY[] {18446744073709551615}\r\n");
        assert!(matches!(
            framer.next_frame(),
            Some(Err(FrameError::LiteralTooLarge { len: u64::MAX, .. }))
        ));
        framer.push(&[b'x'; 4096]);
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.buffered_len(), 0);

        // Even with no limits at all, nothing is reserved from the length.
        let no_limits = limits(usize::MAX, u64::MAX, u64::MAX);
        let mut framer = Framer::new(Role::Client, no_limits);
        framer.push(b"* 1 FETCH (BODY[] {18446744073709551615}\r\nabc");
        assert_eq!(framer.next_frame(), None);
        assert!(framer.buf.capacity() < 4096);
    }

    #[test]
    fn one_error_per_unit_with_leading_zeros_in_a_skipped_marker() {
        // A marker too long for the tail window ends the skipped unit rather than looping.
        let input = format!(
            "* OK {} {{{}5}}\r\n* 2 EXISTS\r\n",
            "q".repeat(100),
            "0".repeat(40)
        );
        let out = frame_with(Role::Client, limits(64, 1000, 10_000), &[input.as_bytes()]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_line_too_long(&out[0], 64);
        assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
    }

    #[test]
    fn errors_do_not_show_login_secrets() {
        let input = format!("A1 LOGIN fred {}\r\n", "secret".repeat(30));
        let out = frame_with(Role::Server, limits(64, 1000, 10_000), &[input.as_bytes()]);
        let Err(error) = &out[0] else { panic!() };
        assert!(!error.to_string().contains("secret"), "{error}");
        assert!(!format!("{error:?}").contains("secret"));
        assert!(!format!("{:?}", unit(input.as_bytes())).contains("secret"));
    }

    #[test]
    fn framer_debug_shows_no_bytes() {
        let mut framer = Framer::new(Role::Server, limits(40, 1000, 10_000));
        framer.push(b"A1 LOGIN fred hunter2hunter2hunter2hunter2 {5}\r\nA2 LOGIN {3+}\r\npw!");
        assert!(format!("{framer:?}").contains("buffered_len"));
        assert!(!format!("{framer:?}").contains("hunter2"));
        assert!(matches!(
            framer.next_frame(),
            Some(Err(FrameError::LineTooLong { .. }))
        ));
        assert_eq!(framer.next_frame(), None);
        assert!(!format!("{framer:?}").contains("hunter2"));
        assert!(!format!("{framer:?}").contains("pw!"));
    }

    // ---- streaming ----

    fn chunk(unit_offset: u64, literal_offset: u64, total: u64, data: &[u8]) -> Out {
        Ok(Frame::LiteralChunk {
            unit_offset,
            literal_offset,
            total,
            data: Bytes::copy_from_slice(data),
        })
    }

    #[test]
    fn streamed_literal_is_chunked_and_replaced_by_nil() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(4));
        let out = frame_pieces(
            &mut framer,
            &[
                b"* 1 FETCH (UID 7 BODY[] {10}\r\n01",
                b"2345",
                b"6789 FLAGS (\\Seen) BODY[1] {3}\r\nabc)\r\n* 2 EXISTS\r\n",
            ],
        );
        assert_eq!(
            out,
            vec![
                chunk(24, 0, 10, b"01"),
                chunk(24, 2, 10, b"2345"),
                chunk(24, 6, 10, b"6789"),
                unit(b"* 1 FETCH (UID 7 BODY[] NIL FLAGS (\\Seen) BODY[1] {3}\r\nabc)\r\n"),
                unit(b"* 2 EXISTS\r\n"),
            ]
        );
        assert_eq!(framer.buffered_len(), 0);
    }

    #[test]
    fn two_streamed_literals_in_one_unit() {
        let input = b"* 1 FETCH (A ~{6}\r\n\x00\x01\x02\x03\x04\x05 B {5}\r\nhello)\r\n";
        let mut whole = Framer::new(Role::Client, Limits::default());
        whole.set_stream_threshold(Some(4));
        assert_eq!(
            frame_pieces(&mut whole, &[input]),
            vec![
                chunk(13, 0, 6, b"\x00\x01\x02\x03\x04\x05"),
                chunk(19, 0, 5, b"hello"),
                unit(b"* 1 FETCH (A NIL B NIL)\r\n"),
            ]
        );

        // Byte by byte: one chunk per byte, same unit.
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(4));
        let pieces: Vec<&[u8]> = input.chunks(1).collect();
        let out = frame_pieces(&mut framer, &pieces);
        assert_eq!(out.len(), 12);
        let mut first = Vec::new();
        let mut second = Vec::new();
        for frame in &out[..11] {
            let Ok(Frame::LiteralChunk {
                unit_offset,
                literal_offset,
                data,
                ..
            }) = frame
            else {
                panic!("{frame:?}")
            };
            let literal = if *unit_offset == 13 {
                &mut first
            } else {
                &mut second
            };
            assert_eq!(*literal_offset, literal.len() as u64);
            literal.extend_from_slice(data);
        }
        assert_eq!(first, b"\x00\x01\x02\x03\x04\x05");
        assert_eq!(second, b"hello");
        assert_eq!(out[11], unit(b"* 1 FETCH (A NIL B NIL)\r\n"));
        assert_eq!(framer.examined, input.len() as u64);
    }

    #[test]
    fn literal_at_threshold_is_buffered() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(4));
        let input = b"* 1 FETCH (BODY[] {4}\r\nabcd)\r\n";
        assert_eq!(frame_pieces(&mut framer, &[input]), vec![unit(input)]);
    }

    #[test]
    fn streamed_literal_still_obeys_max_literal() {
        let mut framer = Framer::new(Role::Client, limits(1000, 8, 10_000));
        framer.set_stream_threshold(Some(4));
        let out = frame_pieces(
            &mut framer,
            &[b"* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n* 2 EXISTS\r\n"],
        );
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(matches!(
            out[0],
            Err(FrameError::LiteralTooLarge { len: 10, .. })
        ));
        assert_eq!(out[1], unit(b"* 2 EXISTS\r\n"));
    }

    #[test]
    fn streamed_literal_does_not_count_towards_max_unit() {
        let mut framer = Framer::new(Role::Client, limits(1000, 1 << 20, 100));
        framer.set_stream_threshold(Some(10));
        framer.push(b"* 1 FETCH (BODY[] {1000}\r\n");
        assert_eq!(framer.next_frame(), None);
        let mut total = 0;
        for _ in 0..10 {
            framer.push(&[b'a'; 100]);
            let Some(Ok(Frame::LiteralChunk { data, .. })) = framer.next_frame() else {
                panic!()
            };
            total += data.len();
        }
        assert_eq!(total, 1000);
        framer.push(b")\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"* 1 FETCH (BODY[] NIL)\r\n"))
        );
    }

    #[test]
    fn error_excerpt_after_a_streamed_literal() {
        let mut framer = Framer::new(Role::Client, limits(20, 1 << 20, 10_000));
        framer.set_stream_threshold(Some(1));
        let input = format!(
            "* 1 FETCH (X {{2}}\r\nab {}\r\n* 2 EXISTS\r\n",
            "w".repeat(40)
        );
        let out = frame_pieces(&mut framer, &[input.as_bytes()]);
        assert_eq!(out.len(), 3, "{out:?}");
        match &out[1] {
            Err(FrameError::LineTooLong { excerpt, .. }) => {
                assert!(
                    excerpt.as_str().starts_with("* 1 FETCH (X NIL www"),
                    "{excerpt}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(out[2], unit(b"* 2 EXISTS\r\n"));
    }

    #[test]
    fn hundred_mib_streamed_literal_in_64k_pieces() {
        const TOTAL: u64 = 100 << 20;
        const PIECE: usize = 64 << 10;
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(1 << 20));
        framer.push(format!("* 1 FETCH (BODY[] {{{TOTAL}}}\r\n").as_bytes());
        assert_eq!(framer.next_frame(), None);
        let piece = vec![b'm'; PIECE];
        let mut received = 0u64;
        while received < TOTAL {
            framer.push(&piece);
            while let Some(frame) = framer.next_frame() {
                let Ok(Frame::LiteralChunk {
                    literal_offset,
                    data,
                    ..
                }) = frame
                else {
                    panic!("{frame:?}")
                };
                assert_eq!(literal_offset, received);
                received += data.len() as u64;
            }
            // Memory stays bounded by the piece size, not the literal size.
            assert!(
                framer.buf.capacity() <= 4 * PIECE,
                "{}",
                framer.buf.capacity()
            );
        }
        framer.push(b")\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"* 1 FETCH (BODY[] NIL)\r\n"))
        );
        assert!(framer.examined <= TOTAL + 64);
    }

    #[test]
    fn buffered_literal_in_64k_pieces_is_examined_once() {
        const TOTAL: usize = 16 << 20;
        const PIECE: usize = 64 << 10;
        let mut framer = Framer::new(Role::Client, Limits::default());
        let head = format!("* 1 FETCH (BODY[] {{{TOTAL}}}\r\n");
        framer.push(head.as_bytes());
        let piece = vec![b'\n'; PIECE];
        for _ in 0..TOTAL / PIECE {
            framer.push(&piece);
            assert_eq!(framer.next_frame(), None);
        }
        framer.push(b")\r\n");
        let Some(Ok(Frame::Unit(u))) = framer.next_frame() else {
            panic!()
        };
        assert_eq!(u.len(), head.len() + TOTAL + 3);
        assert_eq!(framer.examined, u.len() as u64);
    }

    // ---- server role ----

    #[test]
    fn sync_literal_is_announced_once() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A1 APPEND INBOX {5}\r\n");
        assert_eq!(framer.next_frame(), None);
        let ann = LiteralAnnouncement {
            len: 5,
            mode: LiteralMode::Sync,
            binary: false,
        };
        assert_eq!(framer.awaiting_literal(), Some(ann));
        assert_eq!(framer.take_literal_announcement(), Some(ann));
        assert_eq!(framer.take_literal_announcement(), None);
        assert_eq!(framer.awaiting_literal(), Some(ann));
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.take_literal_announcement(), None);
        framer.push(b"he");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.awaiting_literal(), None);
        framer.push(b"llo ~{2}\r\n");
        assert_eq!(framer.next_frame(), None);
        let ann2 = LiteralAnnouncement {
            len: 2,
            mode: LiteralMode::Sync,
            binary: true,
        };
        assert_eq!(framer.take_literal_announcement(), Some(ann2));
        framer.push(b"\x00\x00\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"A1 APPEND INBOX {5}\r\nhello ~{2}\r\n\x00\x00\r\n"))
        );
        assert_eq!(framer.awaiting_literal(), None);
        assert_eq!(framer.take_literal_announcement(), None);
    }

    #[test]
    fn nonsync_literals_are_not_announced() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A1 LOGIN {4+}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.awaiting_literal(), None);
        assert_eq!(framer.take_literal_announcement(), None);
        framer.push(b"fred {1-}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.take_literal_announcement(), None);
    }

    #[test]
    fn client_role_never_announces() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"* 1 FETCH (BODY[] {5}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.awaiting_literal(), None);
        assert_eq!(framer.take_literal_announcement(), None);
    }

    #[test]
    fn zero_length_sync_literal_is_announced() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A1 LOGIN fred {0}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.take_literal_announcement().map(|a| a.len), Some(0));
        framer.push(b"\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"A1 LOGIN fred {0}\r\n\r\n"))
        );
    }

    #[test]
    fn early_literal_bytes_withdraw_the_announcement() {
        // The client did not wait for "+": no continuation request must be sent.
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A1 APPEND INBOX {5}\r\nhello\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"A1 APPEND INBOX {5}\r\nhello\r\n"))
        );
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.take_literal_announcement(), None);
        assert_eq!(framer.awaiting_literal(), None);
    }

    #[test]
    fn rejected_literal_resumes_at_next_line() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A0 NOOP\r\nA1 APPEND INBOX (\\Seen) {5}\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"A0 NOOP\r\n")));
        assert_eq!(framer.next_frame(), None);
        assert!(framer.take_literal_announcement().is_some());
        framer.reject_pending_literal();
        assert_eq!(framer.awaiting_literal(), None);
        assert_eq!(framer.buffered_len(), 0);
        // Nothing pending: a no-op.
        framer.reject_pending_literal();
        framer.push(b"A2 NOOP\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"A2 NOOP\r\n")));
    }

    #[test]
    fn rejected_literal_keeps_bytes_already_received() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.push(b"A1 APPEND INBOX {5}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert!(framer.take_literal_announcement().is_some());
        // The next command arrived before the server acted on the announcement.
        framer.push(b"A2 NOOP\r\n");
        framer.reject_pending_literal();
        assert_eq!(framer.next_frame(), Some(unit(b"A2 NOOP\r\n")));
    }

    #[test]
    fn rejected_streamed_literal() {
        let mut framer = Framer::new(Role::Server, Limits::default());
        framer.set_stream_threshold(Some(2));
        framer.push(b"A1 APPEND INBOX {5}\r\n");
        assert_eq!(framer.next_frame(), None);
        assert!(framer.take_literal_announcement().is_some());
        framer.reject_pending_literal();
        framer.push(b"A2 NOOP\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"A2 NOOP\r\n")));
    }

    #[test]
    fn take_buffered_returns_unframed_bytes() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"A1 OK begin TLS\r\n* OK injected\r\n* 1 FETCH {3}\r\na");
        assert_eq!(framer.next_frame(), Some(unit(b"A1 OK begin TLS\r\n")));
        assert_eq!(framer.buffered_len(), 31);
        let rest = framer.take_buffered();
        assert_eq!(&rest[..], b"* OK injected\r\n* 1 FETCH {3}\r\na");
        assert_eq!(framer.buffered_len(), 0);
        assert_eq!(framer.next_frame(), None);
        framer.push(b"* OK fresh\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* OK fresh\r\n")));
    }

    #[test]
    fn take_buffered_mid_unit_restarts_framing() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push(b"* 1 FETCH (BODY[] {10}\r\nabc");
        assert_eq!(framer.next_frame(), None);
        assert_eq!(
            &framer.take_buffered()[..],
            b"* 1 FETCH (BODY[] {10}\r\nabc"
        );
        framer.push(b"* OK\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* OK\r\n")));
    }

    // ---- push_bytes ----

    #[test]
    fn push_bytes_units_are_slices_of_the_callers_buffer() {
        let data = Bytes::from_static(STREAM);
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push_bytes(data.clone());
        let mut out = Vec::new();
        drain(&mut framer, &mut out);
        assert_eq!(units(&out), stream_units());
        let mut at = 0;
        for frame in &out {
            let Ok(Frame::Unit(u)) = frame else { panic!() };
            // No copy: each unit is the caller's bytes, where they were.
            assert_eq!(u.as_ptr(), data[at..].as_ptr());
            at += u.len();
        }
        assert_eq!(framer.examined, STREAM.len() as u64);
        assert_eq!(framer.buffered_len(), 0);
    }

    #[test]
    fn push_bytes_keeps_an_unframed_tail_and_appends_behind_it() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push_bytes(Bytes::from_static(
            b"* 1 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhe",
        ));
        assert_eq!(framer.next_frame(), Some(unit(b"* 1 EXISTS\r\n")));
        assert_eq!(framer.next_frame(), None);
        assert_eq!(framer.buffered_len(), 25);
        // Bytes behind a tail are appended, whichever way they come; nothing is lost.
        framer.push_bytes(Bytes::from_static(b"ll"));
        assert_eq!(framer.next_frame(), None);
        framer.push(b"o)\r\n* 2 EXISTS\r\n");
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n"))
        );
        assert_eq!(framer.next_frame(), Some(unit(b"* 2 EXISTS\r\n")));
        assert_eq!(framer.next_frame(), None);
        // Empty again: the next buffer is taken over without a copy.
        let data = Bytes::from_static(b"* 3 EXISTS\r\n");
        framer.push_bytes(data.clone());
        let Some(Ok(Frame::Unit(u))) = framer.next_frame() else {
            panic!()
        };
        assert_eq!(u.as_ptr(), data.as_ptr());
        framer.push_bytes(Bytes::new());
        assert_eq!(framer.next_frame(), None);
    }

    #[test]
    fn push_bytes_every_split_point_gives_the_same_units() {
        let expected = stream_units();
        for role in [Role::Client, Role::Server] {
            for i in 0..=STREAM.len() {
                for via in [[true, true], [true, false], [false, true]] {
                    let mut framer = Framer::new(role, Limits::default());
                    let pieces = [&STREAM[..i], &STREAM[i..]];
                    let out = frame_pieces_mixed(&mut framer, &pieces, &via);
                    assert_eq!(units(&out), expected, "split at {i}, {via:?}");
                    assert_eq!(framer.examined, STREAM.len() as u64);
                    assert_eq!(framer.buffered_len(), 0);
                }
            }
        }
    }

    #[test]
    fn push_bytes_every_pair_of_split_points_gives_the_same_units() {
        let expected = stream_units();
        for i in 0..=STREAM.len() {
            for j in i..=STREAM.len() {
                let pieces = [&STREAM[..i], &STREAM[i..j], &STREAM[j..]];
                let mut framer = Framer::new(Role::Client, Limits::default());
                let out = frame_pieces_mixed(&mut framer, &pieces, &[true, true, true]);
                assert_eq!(units(&out), expected, "split at {i}, {j}");
            }
        }
    }

    #[test]
    fn push_bytes_enforces_limits_and_resynchronises() {
        let mut input = b"* OK first\r\n* 1 FETCH (BODY[] {100}\r\n".to_vec();
        input.extend_from_slice(&[b'x'; 100]);
        input.extend_from_slice(b")\r\n* OK ");
        input.extend_from_slice(&[b'y'; 64]);
        input.extend_from_slice(b"\r\n* OK last\r\n");
        let lim = limits(32, 50, 1 << 20);
        for i in 0..=input.len() {
            let mut framer = Framer::new(Role::Client, lim);
            let pieces = [&input[..i], &input[i..]];
            let out = frame_pieces_mixed(&mut framer, &pieces, &[true, true]);
            assert_eq!(out.len(), 4, "split at {i}: {out:?}");
            assert_eq!(out[0], unit(b"* OK first\r\n"));
            assert!(matches!(
                out[1],
                Err(FrameError::LiteralTooLarge { len: 100, .. })
            ));
            assert!(matches!(
                out[2],
                Err(FrameError::LineTooLong { limit: 32, .. })
            ));
            assert_eq!(out[3], unit(b"* OK last\r\n"));
            assert_eq!(framer.buffered_len(), 0);
        }
    }

    #[test]
    fn push_bytes_streams_a_big_literal_without_copying() {
        let head = b"* 1 FETCH (UID 7 BODY[] {1000}\r\n";
        let mut input = head.to_vec();
        input.extend((0..1000u32).map(|k| (k % 251) as u8));
        input.extend_from_slice(b")\r\n");
        let data = Bytes::from(input);
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.set_stream_threshold(Some(100));
        framer.push_bytes(data.slice(..head.len() + 400));
        let Some(Ok(Frame::LiteralChunk {
            unit_offset,
            literal_offset: 0,
            total: 1000,
            data: chunk,
        })) = framer.next_frame()
        else {
            panic!()
        };
        assert_eq!(unit_offset, 24);
        assert_eq!(chunk.len(), 400);
        assert_eq!(chunk.as_ptr(), data[head.len()..].as_ptr());
        assert_eq!(framer.held_prefix(), b"* 1 FETCH (UID 7 BODY[] NIL");
        assert_eq!(framer.next_frame(), None);
        framer.push_bytes(data.slice(head.len() + 400..));
        let Some(Ok(Frame::LiteralChunk {
            literal_offset: 400,
            data: chunk,
            ..
        })) = framer.next_frame()
        else {
            panic!()
        };
        assert_eq!(&chunk[..], &data[head.len() + 400..head.len() + 1000]);
        assert_eq!(
            framer.next_frame(),
            Some(unit(b"* 1 FETCH (UID 7 BODY[] NIL)\r\n"))
        );
        assert_eq!(framer.next_frame(), None);
    }

    #[test]
    fn push_bytes_while_skipping_drops_without_buffering() {
        let lim = limits(16, 1 << 20, 1 << 20);
        let mut framer = Framer::new(Role::Client, lim);
        framer.push_bytes(Bytes::from_static(b"* OK this line is too long"));
        assert!(matches!(
            framer.next_frame(),
            Some(Err(FrameError::LineTooLong { .. }))
        ));
        assert_eq!(framer.buffered_len(), 0);
        framer.push_bytes(Bytes::from_static(b" still the same line\r\n* OK next\r\n"));
        assert_eq!(framer.buffered_len(), 11);
        assert_eq!(framer.next_frame(), Some(unit(b"* OK next\r\n")));
    }

    #[test]
    fn take_buffered_after_push_bytes() {
        let mut framer = Framer::new(Role::Client, Limits::default());
        framer.push_bytes(Bytes::from_static(b"A1 OK begin TLS\r\n* OK injected\r\n"));
        assert_eq!(framer.next_frame(), Some(unit(b"A1 OK begin TLS\r\n")));
        assert_eq!(&framer.take_buffered()[..], b"* OK injected\r\n");
        assert_eq!(framer.buffered_len(), 0);
        framer.push(b"* OK fresh\r\n");
        assert_eq!(framer.next_frame(), Some(unit(b"* OK fresh\r\n")));
    }

    // ---- property tests ----

    /// A generated unit: line texts separated by literals.
    #[derive(Debug, Clone)]
    struct GenUnit {
        first: Vec<u8>,
        rest: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
        bare_lf: bool,
    }

    impl GenUnit {
        fn encode(&self, out: &mut Vec<u8>) {
            let eol: &[u8] = if self.bare_lf { b"\n" } else { b"\r\n" };
            out.extend_from_slice(&self.first);
            for (form, literal, text) in &self.rest {
                let marker = form.replace('N', &literal.len().to_string());
                out.extend_from_slice(marker.as_bytes());
                out.extend_from_slice(eol);
                out.extend_from_slice(literal);
                out.extend_from_slice(text);
            }
            out.extend_from_slice(eol);
        }
    }

    /// Line text that cannot end in a marker and holds no LF.
    fn line_text() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b'a'),
                Just(b' '),
                Just(b'{'),
                Just(b'}'),
                Just(b'+'),
                Just(b'~'),
                Just(b'5'),
                Just(b'\r'),
            ],
            0..12,
        )
        .prop_map(|mut v| {
            v.push(b')');
            v
        })
    }

    fn gen_unit() -> impl Strategy<Value = GenUnit> {
        let literal = proptest::collection::vec(
            prop_oneof![
                Just(b'\r'),
                Just(b'\n'),
                Just(b'{'),
                Just(b'}'),
                Just(b'7'),
                any::<u8>()
            ],
            0..40,
        );
        let form = prop_oneof![
            Just("{N}"),
            Just("{N+}"),
            Just("{N-}"),
            Just("~{N}"),
            Just("~{N+}")
        ];
        (
            line_text(),
            proptest::collection::vec((form, literal, line_text()), 0..4),
            any::<bool>(),
        )
            .prop_map(|(first, rest, bare_lf)| GenUnit {
                first,
                rest,
                bare_lf,
            })
    }

    fn encode_all(gen_units: &[GenUnit]) -> (Vec<u8>, Vec<Vec<u8>>) {
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for u in gen_units {
            let mut one = Vec::new();
            u.encode(&mut one);
            stream.extend_from_slice(&one);
            expected.push(one);
        }
        (stream, expected)
    }

    /// Turns sorted cut points into pieces of `stream`.
    fn pieces_at(stream: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        cuts.sort_unstable();
        let mut pieces = Vec::new();
        let mut at = 0;
        for c in cuts {
            pieces.push(stream[at..c].to_vec());
            at = c;
        }
        pieces.push(stream[at..].to_vec());
        pieces
    }

    proptest! {
        #[test]
        fn arbitrary_splits_give_identical_units(
            gen_units in proptest::collection::vec(gen_unit(), 1..8),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
            server in any::<bool>(),
            via_bytes in proptest::collection::vec(any::<bool>(), 13),
        ) {
            let role = if server { Role::Server } else { Role::Client };
            let (stream, expected) = encode_all(&gen_units);
            let pieces = pieces_at(&stream, &cuts);
            let refs: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
            let mut framer = Framer::new(role, Limits::default());
            let out = frame_pieces_mixed(&mut framer, &refs, &via_bytes);
            prop_assert_eq!(units(&out), expected);
            prop_assert_eq!(framer.examined, stream.len() as u64);
            prop_assert_eq!(framer.buffered_len(), 0);
        }

        #[test]
        fn streaming_gives_the_literal_bytes_and_nil(
            gen_units in proptest::collection::vec(gen_unit(), 1..6),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
            threshold in 0u64..20,
            via_bytes in proptest::collection::vec(any::<bool>(), 13),
        ) {
            let (stream, _) = encode_all(&gen_units);
            // Expected: each unit with its long literals replaced by NIL, and their bytes.
            let mut expected_units = Vec::new();
            let mut expected_literals = Vec::new();
            for u in &gen_units {
                let eol: &[u8] = if u.bare_lf { b"\n" } else { b"\r\n" };
                let mut rebuilt = u.first.clone();
                for (form, literal, text) in &u.rest {
                    if literal.len() as u64 > threshold {
                        expected_literals.push((expected_units.len(), rebuilt.len() as u64, literal.clone()));
                        rebuilt.extend_from_slice(b"NIL");
                    } else {
                        let marker = form.replace('N', &literal.len().to_string());
                        rebuilt.extend_from_slice(marker.as_bytes());
                        rebuilt.extend_from_slice(eol);
                        rebuilt.extend_from_slice(literal);
                    }
                    rebuilt.extend_from_slice(text);
                }
                rebuilt.extend_from_slice(eol);
                expected_units.push(rebuilt);
            }
            let pieces = pieces_at(&stream, &cuts);
            let refs: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
            let mut framer = Framer::new(Role::Client, Limits::default());
            framer.set_stream_threshold(Some(threshold));
            let out = frame_pieces_mixed(&mut framer, &refs, &via_bytes);
            let mut got_units = Vec::new();
            let mut got_literals: Vec<(usize, u64, Vec<u8>)> = Vec::new();
            for frame in out {
                match frame {
                    Ok(Frame::Unit(u)) => got_units.push(u.to_vec()),
                    Ok(Frame::LiteralChunk { unit_offset, literal_offset, total, data }) => {
                        prop_assert!(!data.is_empty());
                        if literal_offset == 0 {
                            got_literals.push((got_units.len(), unit_offset, Vec::new()));
                        }
                        let (_, offset, bytes) = got_literals.last_mut().unwrap();
                        prop_assert_eq!(*offset, unit_offset);
                        prop_assert_eq!(literal_offset, bytes.len() as u64);
                        bytes.extend_from_slice(&data);
                        prop_assert!(bytes.len() as u64 <= total);
                    }
                    Err(e) => prop_assert!(false, "{}", e),
                }
            }
            prop_assert_eq!(got_units, expected_units);
            prop_assert_eq!(got_literals, expected_literals);
            prop_assert_eq!(framer.buffered_len(), 0);
        }
    }
}
