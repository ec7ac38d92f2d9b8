//! The node table of a packed value: [`Node`], the writer [`Tape`] and the reader [`Cursor`].

use super::Str;
use bytes::Bytes;

/// One entry of the table: two words, the second's top four bits its kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Node {
    a: u32,
    b: u32,
}

/// The kinds of node, in the top bits of [`Node::b`].
pub(crate) mod kind {
    /// `NIL`.
    pub const NIL: u32 = 0;
    /// An optional level that is not there (the outer `None` of an `Option<Option<_>>`).
    pub const ABSENT: u32 = 1;
    /// A string: `a` its start in the bytes, the payload its length.
    pub const STR: u32 = 2;
    /// A quoted string's content with its escapes: unescaped when read.
    pub const ESC: u32 = 3;
    /// A string of 2^28 bytes or more: the next node holds start and length whole; the
    /// payload is 1 when it is escaped.
    pub const LONG: u32 = 4;
    /// A number below 2^60: `a` its low 32 bits, the payload its high bits.
    pub const NUM: u32 = 5;
    /// A larger number: the next node holds its low and high words.
    pub const NUM64: u32 = 6;
    /// A list: `a` the number of nodes under it, the payload its number of children.
    pub const LIST: u32 = 7;
    /// A single body part: `a` the nodes under it, the payload its flags.
    pub const PART: u32 = 8;
    /// A multipart: `a` the nodes under it, the payload its number of parts and a flag.
    pub const MULTI: u32 = 9;
}

const SHIFT: u32 = 28;
/// The largest payload.
pub(crate) const PAYLOAD: u32 = (1 << SHIFT) - 1;

impl Node {
    pub(crate) const NIL: Node = Node::new(kind::NIL, 0, 0);
    pub(crate) const ABSENT: Node = Node::new(kind::ABSENT, 0, 0);

    const fn new(kind: u32, a: u32, payload: u32) -> Node {
        Node {
            a,
            b: kind << SHIFT | payload,
        }
    }

    /// The node's kind (one of [`kind`]).
    pub(crate) fn kind(self) -> u32 {
        self.b >> SHIFT
    }

    /// The low 28 bits of the second word.
    pub(crate) fn payload(self) -> u32 {
        self.b & PAYLOAD
    }
}

/// The table is larger than a packed value can address (4 GiB of bytes, 2^28 children).
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Writes a node table.
#[derive(Default)]
pub(crate) struct Tape {
    pub(crate) nodes: Vec<Node>,
}

impl Tape {
    /// Number of nodes written.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Drops the nodes written after `len` (a reading that backtracked).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.nodes.truncate(len);
    }

    /// `NIL`.
    pub(crate) fn nil(&mut self) {
        self.nodes.push(Node::NIL);
    }

    /// An absent optional level.
    pub(crate) fn absent(&mut self) {
        self.nodes.push(Node::ABSENT);
    }

    /// A string of `len` bytes at `start` of the value's bytes; `escaped` when they are a quoted
    /// string's content with backslash escapes still in.
    pub(crate) fn string(
        &mut self,
        start: usize,
        len: usize,
        escaped: bool,
    ) -> Result<(), TooLarge> {
        let start = u32::try_from(start).map_err(|_| TooLarge)?;
        let len32 = u32::try_from(len).map_err(|_| TooLarge)?;
        start.checked_add(len32).ok_or(TooLarge)?;
        if len32 <= PAYLOAD {
            let k = if escaped { kind::ESC } else { kind::STR };
            self.nodes.push(Node::new(k, start, len32));
        } else {
            self.nodes
                .push(Node::new(kind::LONG, 0, u32::from(escaped)));
            self.nodes.push(Node { a: start, b: len32 });
        }
        Ok(())
    }

    /// A number.
    pub(crate) fn number(&mut self, n: u64) {
        let (lo, hi) = (n as u32, (n >> 32) as u32);
        if hi <= PAYLOAD {
            self.nodes.push(Node::new(kind::NUM, lo, hi));
        } else {
            self.nodes.push(Node::new(kind::NUM64, 0, 0));
            self.nodes.push(Node { a: lo, b: hi });
        }
    }

    /// Starts a list, a part or a multipart; returns where its header is, for [`Tape::close`].
    pub(crate) fn open(&mut self, kind: u32) -> usize {
        self.nodes.push(Node::new(kind, 0, 0));
        self.nodes.len() - 1
    }

    /// Ends what [`Tape::open`] started at `at`, with its payload (children, or flags).
    pub(crate) fn close(&mut self, at: usize, payload: usize) -> Result<(), TooLarge> {
        let under = u32::try_from(self.nodes.len() - at - 1).map_err(|_| TooLarge)?;
        let payload = u32::try_from(payload)
            .ok()
            .filter(|&p| p <= PAYLOAD)
            .ok_or(TooLarge)?;
        let k = self.nodes[at].kind();
        self.nodes[at] = Node::new(k, under, payload);
        Ok(())
    }

    /// The string written at node `at`: start, length and whether it is escaped; `None` when
    /// the node is no string.
    pub(crate) fn string_at(&self, at: usize) -> Option<(usize, usize, bool)> {
        let n = *self.nodes.get(at)?;
        match n.kind() {
            kind::STR | kind::ESC => {
                Some((n.a as usize, n.payload() as usize, n.kind() == kind::ESC))
            }
            kind::LONG => {
                let w = *self.nodes.get(at + 1)?;
                Some((w.a as usize, w.b as usize, n.payload() == 1))
            }
            _ => None,
        }
    }

    /// The number of nodes under the header at `at` (zero for a node that is no header).
    pub(crate) fn under(&self, at: usize) -> usize {
        match self.nodes.get(at) {
            Some(n) if matches!(n.kind(), kind::LIST | kind::PART | kind::MULTI) => n.a as usize,
            _ => 0,
        }
    }

    /// The nodes the value at `at` takes, itself included.
    pub(crate) fn width(&self, at: usize) -> usize {
        match self.nodes.get(at).map(|n| n.kind()) {
            Some(kind::LONG | kind::NUM64) => 2,
            Some(_) => 1 + self.under(at),
            None => 1,
        }
    }

    /// The payload of the header at `at`.
    pub(crate) fn payload_at(&self, at: usize) -> Option<u32> {
        self.nodes.get(at).map(|n| n.payload())
    }

    /// Writes again the nodes `from..to` (a list that repeats one already read).
    pub(crate) fn repeat(&mut self, from: usize, to: usize) {
        self.nodes.extend_from_within(from..to);
    }
}

/// Reads a node table in order. It never panics: past the end, or where a node is not what the
/// schema expects, it reads `NIL`, zero or an empty list.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    raw: &'a Bytes,
    nodes: &'a [Node],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A reader at node `pos`.
    pub(crate) fn new(raw: &'a Bytes, nodes: &'a [Node], pos: usize) -> Cursor<'a> {
        Cursor { raw, nodes, pos }
    }

    /// Where the reader is.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The next node, not consumed.
    pub(crate) fn peek(&self) -> Node {
        self.nodes.get(self.pos).copied().unwrap_or(Node::NIL)
    }

    fn take(&mut self) -> Node {
        let n = self.peek();
        self.pos += 1;
        n
    }

    /// A string, or `None` for `NIL` or an absent level.
    pub(crate) fn string(&mut self) -> Option<Str> {
        let n = self.take();
        let (start, len, escaped) = match n.kind() {
            kind::STR => (n.a, n.payload(), false),
            kind::ESC => (n.a, n.payload(), true),
            kind::LONG => {
                let whole = self.take();
                (whole.a, whole.b, n.payload() == 1)
            }
            k => {
                self.skip_under(n, k);
                return None;
            }
        };
        let (start, len) = (start as usize, len as usize);
        let bytes = self.raw.get(start..start + len)?;
        Some(if escaped {
            Str::new(crate::parse::unescape_quoted(bytes))
        } else {
            Str::new(self.raw.slice(start..start + len))
        })
    }

    /// A string, empty for `NIL`.
    pub(crate) fn string_or_empty(&mut self) -> Str {
        self.string().unwrap_or_default()
    }

    /// A number, zero where there is none.
    pub(crate) fn number(&mut self) -> u64 {
        let n = self.take();
        match n.kind() {
            kind::NUM => u64::from(n.payload()) << 32 | u64::from(n.a),
            kind::NUM64 => {
                let whole = self.take();
                u64::from(whole.b) << 32 | u64::from(whole.a)
            }
            k => {
                self.skip_under(n, k);
                0
            }
        }
    }

    /// Whether the next node is an absent level; consumes it if so.
    pub(crate) fn absent(&mut self) -> bool {
        let absent = self.peek().kind() == kind::ABSENT;
        if absent {
            self.pos += 1;
        }
        absent
    }

    /// Whether the next node is `NIL`; consumes it if so.
    pub(crate) fn nil(&mut self) -> bool {
        let nil = self.peek().kind() == kind::NIL;
        if nil {
            self.pos += 1;
        }
        nil
    }

    /// A header of `kind`: its payload, with the reader on its first child. `None`, and the
    /// node skipped, when the next node is something else.
    pub(crate) fn open(&mut self, k: u32) -> Option<u32> {
        let n = self.take();
        if n.kind() == k {
            Some(n.payload())
        } else {
            self.skip_under(n, n.kind());
            None
        }
    }

    /// A list's number of children (zero for `NIL`), with the reader on the first.
    pub(crate) fn list(&mut self) -> u32 {
        self.open(kind::LIST).unwrap_or(0)
    }

    /// Skips one value and everything under it.
    pub(crate) fn skip(&mut self) {
        let n = self.take();
        self.skip_under(n, n.kind());
    }

    fn skip_under(&mut self, n: Node, k: u32) {
        match k {
            kind::LIST | kind::PART | kind::MULTI => self.pos += n.a as usize,
            kind::LONG | kind::NUM64 => self.pos += 1,
            _ => {}
        }
    }
}
