//! LIST wildcards (RFC 9051 section 6.3.9): `*` matches anything, `%` anything but the
//! hierarchy delimiter, in time linear in the name (times its depth, at most
//! [`MAX_NAME_LEVELS`](super::MAX_NAME_LEVELS)) rather than pattern length x name length.
//!
//! A pattern is compiled once into blocks separated by `*`; a block into pieces separated by a
//! literal delimiter; a piece into literals separated by `%`. Because `*` absorbs anything, the
//! blocks are matched left to right at their earliest end (greedy is exact); because `%` and
//! literals never cross a delimiter, a block's pieces land on consecutive hierarchy levels, and
//! a piece's literals are found greedily inside one level with a linear substring search.

use super::user::DELIMITER;
use memchr::memmem;

const DELIM: u8 = DELIMITER as u8;

/// A compiled LIST pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// As given.
    plain: Compiled,
    /// With a leading `INBOX` (any case) upper-cased, for names under INBOX, whose `INBOX`
    /// part matches case-insensitively.
    inbox: Compiled,
}

/// Blocks (between `*`) of pieces (between literal delimiters) of literals (between `%`).
#[derive(Clone, Debug)]
struct Compiled {
    blocks: Vec<Vec<Vec<Vec<u8>>>>,
}

impl Compiled {
    fn new(pattern: &[u8]) -> Self {
        let parts: Vec<&[u8]> = pattern.split(|&b| b == b'*').collect();
        let last = parts.len() - 1;
        // The first block is anchored at the start and the last at the end; an empty block
        // between two stars (`**`) matches anywhere and is dropped.
        let blocks = parts
            .into_iter()
            .enumerate()
            .filter(|(i, b)| *i == 0 || *i == last || !b.is_empty())
            .map(|(_, block)| {
                block
                    .split(|&b| b == DELIM)
                    .map(|piece| piece.split(|&b| b == b'%').map(<[u8]>::to_vec).collect())
                    .collect()
            })
            .collect();
        Compiled { blocks }
    }
}

impl Pattern {
    /// Compiles a pattern.
    pub fn new(pattern: &str) -> Self {
        let bytes = pattern.as_bytes();
        let mut upper = bytes.to_vec();
        let lead = upper
            .iter()
            .take(5)
            .take_while(|&&b| b != b'*' && b != b'%')
            .count();
        if upper[..lead].eq_ignore_ascii_case(&b"INBOX"[..lead]) {
            upper[..lead].make_ascii_uppercase();
        }
        Pattern {
            plain: Compiled::new(bytes),
            inbox: Compiled::new(&upper),
        }
    }

    /// Whether `name` matches. The `INBOX` part of a name matches case-insensitively.
    pub fn matches(&self, name: &str) -> bool {
        let n = name.as_bytes();
        let under_inbox = name.starts_with("INBOX") && (n.len() == 5 || n[5] == DELIM);
        let c = if under_inbox {
            &self.inbox
        } else {
            &self.plain
        };
        Name::new(n).matches(c)
    }
}

/// Whether `name` matches `pattern` (`*` matches anything, `%` anything but the delimiter).
/// The `INBOX` part of a name matches case-insensitively. Compile a [`Pattern`] to match many.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    Pattern::new(pattern).matches(name)
}

/// A name cut at its delimiters.
struct Name<'a> {
    bytes: &'a [u8],
    /// Level `k` is `bytes[starts[k]..ends[k]]`.
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl<'a> Name<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut starts = vec![0];
        let mut ends = Vec::new();
        for d in memchr::memchr_iter(DELIM, bytes) {
            ends.push(d);
            starts.push(d + 1);
        }
        ends.push(bytes.len());
        Name {
            bytes,
            starts,
            ends,
        }
    }

    /// The level holding byte offset `pos` (a delimiter belongs to the level after it).
    fn level_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos) - 1
    }

    fn matches(&self, c: &Compiled) -> bool {
        let last = c.blocks.len() - 1;
        let mut pos = 0;
        for (i, block) in c.blocks.iter().enumerate() {
            match self.block(block, pos, i == 0, i == last) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        true
    }

    /// The earliest end of a match of `block` starting at or after `from` (at `from` when
    /// `at_start`), ending at the end of the name when `at_end`.
    fn block(
        &self,
        block: &[Vec<Vec<u8>>],
        from: usize,
        at_start: bool,
        at_end: bool,
    ) -> Option<usize> {
        let r = block.len() - 1;
        let first = self.level_of(from);
        let last_level = self.starts.len() - 1;
        if last_level < first + r {
            return None;
        }
        let candidates = if at_end {
            last_level - r..=last_level - r
        } else if at_start {
            first..=first
        } else {
            first..=last_level - r
        };
        for l0 in candidates {
            if at_start && l0 != first {
                return None;
            }
            if let Some(end) = self.block_at(block, from, l0, at_start, at_end) {
                return Some(end);
            }
        }
        None
    }

    /// The block with its first piece in level `l0` (starting at or after `from`).
    fn block_at(
        &self,
        block: &[Vec<Vec<u8>>],
        from: usize,
        l0: usize,
        at_start: bool,
        at_end: bool,
    ) -> Option<usize> {
        let r = block.len() - 1;
        let lo = from.max(self.starts[l0]);
        if r == 0 {
            return piece(self.bytes, &block[0], lo, self.ends[l0], at_start, at_end);
        }
        piece(self.bytes, &block[0], lo, self.ends[l0], at_start, true)?;
        for (k, p) in block.iter().enumerate().take(r).skip(1) {
            let l = l0 + k;
            piece(self.bytes, p, self.starts[l], self.ends[l], true, true)?;
        }
        let l = l0 + r;
        piece(
            self.bytes,
            &block[r],
            self.starts[l],
            self.ends[l],
            true,
            at_end,
        )
    }
}

/// The earliest end of a match of `lits` (literals joined by `%`) in `name[lo..hi]`, a range
/// without delimiters: starting at `lo` when `at_start`, ending at `hi` when `at_end`.
fn piece(
    name: &[u8],
    lits: &[Vec<u8>],
    lo: usize,
    hi: usize,
    at_start: bool,
    at_end: bool,
) -> Option<usize> {
    let at = |lit: &[u8], s: usize| s + lit.len() <= hi && &name[s..s + lit.len()] == lit;
    let find = |lit: &[u8], from: usize, to: usize| -> Option<usize> {
        if from > to {
            return None;
        }
        memmem::find(&name[from..to], lit).map(|i| from + i)
    };
    let (first, rest) = lits.split_first()?;
    if rest.is_empty() {
        return match (at_start, at_end) {
            (true, true) => (hi - lo == first.len() && at(first, lo)).then_some(hi),
            (true, false) => at(first, lo).then_some(lo + first.len()),
            (false, true) => {
                let s = hi.checked_sub(first.len()).filter(|&s| s >= lo)?;
                at(first, s).then_some(hi)
            }
            (false, false) => find(first, lo, hi).map(|s| s + first.len()),
        };
    }
    let (last, middle) = rest.split_last()?;
    let mut cur = if at_start {
        at(first, lo).then_some(lo + first.len())?
    } else {
        find(first, lo, hi)? + first.len()
    };
    // With the end fixed, the last literal sits at the end and the middle ones before it.
    let limit = if at_end {
        hi.checked_sub(last.len()).filter(|&s| s >= cur)?
    } else {
        hi
    };
    for lit in middle {
        cur = find(lit, cur, limit)? + lit.len();
    }
    if at_end {
        (cur <= limit && at(last, limit)).then_some(hi)
    } else {
        find(last, cur, hi).map(|s| s + last.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(pattern_matches("*", "a/b/c"));
        assert!(pattern_matches("*", ""));
        assert!(pattern_matches("%", "a"));
        assert!(pattern_matches("%", ""));
        assert!(!pattern_matches("%", "a/b"));
        assert!(pattern_matches("a/%", "a/b"));
        assert!(pattern_matches("a/%", "a/"));
        assert!(!pattern_matches("a/%", "a/b/c"));
        assert!(pattern_matches("a/*", "a/b/c"));
        assert!(pattern_matches("a*c", "abbbc"));
        assert!(pattern_matches("a*c", "ac"));
        assert!(!pattern_matches("a*c", "abbbd"));
        assert!(!pattern_matches("a*c", "a"));
        assert!(pattern_matches("%/b", "x/b"));
        assert!(pattern_matches("%/%", "x/b"));
        assert!(!pattern_matches("%/%", "x/b/c"));
        assert!(pattern_matches("*/%", "x/b/c"));
        assert!(pattern_matches("%/*", "x/b/c"));
        assert!(pattern_matches("x%z/%b*", "xyz/ab/cc"));
        assert!(!pattern_matches("x%z/%b*", "xy/z/ab"));
        assert!(pattern_matches("a%a%a", "aaa"));
        assert!(pattern_matches("a%a%a", "abababa"));
        assert!(!pattern_matches("a%a%a", "aa"));
        assert!(!pattern_matches("a%a%a", "aa/a"));
        assert!(pattern_matches("**a**", "xay"));
        assert!(pattern_matches("*%", "a/b"));
        assert!(pattern_matches("%*", "a/b"));
        assert!(pattern_matches("*b*b", "abcb"));
        assert!(pattern_matches("*b/c*", "a/b/cd"));
        assert!(!pattern_matches("*b/c*", "a/bx/cd"));
        assert!(pattern_matches("inbox", "INBOX"));
        assert!(pattern_matches("Inbox/%", "INBOX/x"));
        assert!(pattern_matches("inb*", "INBOX/x"));
        assert!(!pattern_matches("inbox/X", "INBOX/x"));
        assert!(!pattern_matches("inbox", "INBOXES"));
        assert!(!pattern_matches("INBOX", "inbox"));
        assert!(pattern_matches("", ""));
        assert!(!pattern_matches("", "a"));
    }

    /// The matcher agrees with the quadratic dynamic programme it replaced, on every pattern
    /// and name over a small alphabet.
    #[test]
    fn agrees_with_dynamic_programme() {
        fn dp(p: &[u8], n: &[u8]) -> bool {
            let mut m = vec![false; n.len() + 1];
            m[0] = true;
            for &pc in p {
                let mut next = vec![false; n.len() + 1];
                let mut any = false;
                for j in 0..=n.len() {
                    next[j] = match pc {
                        b'*' | b'%' => {
                            if pc == b'%' && j > 0 && n[j - 1] == DELIM {
                                any = false;
                            }
                            any |= m[j];
                            any
                        }
                        c => j > 0 && m[j - 1] && n[j - 1] == c,
                    };
                }
                m = next;
            }
            m[n.len()]
        }
        fn all(alphabet: &[u8], max: usize) -> Vec<Vec<u8>> {
            let mut out = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                let mut next = Vec::new();
                for s in &last {
                    for &c in alphabet {
                        let mut t = s.clone();
                        t.push(c);
                        next.push(t);
                    }
                }
                out.extend(next.iter().cloned());
                last = next;
            }
            out
        }
        let names = all(b"ab/", 5);
        for p in all(b"ab/*%", 4) {
            let pattern = Pattern::new(std::str::from_utf8(&p).unwrap());
            for n in &names {
                let name = std::str::from_utf8(n).unwrap();
                assert_eq!(pattern.matches(name), dp(&p, n), "{name:?} ~ {:?}", p);
            }
        }
    }
}
