//! Which message and FETCH item a streamed literal belongs to, read from the part of the FETCH
//! response that precedes it (`* 12 FETCH (UID 7 BODY[1.2] `).

use crate::types::{SeqNum, Str, Uid};

/// `(sequence number, UID, item name)` from the bytes of a FETCH response before a literal.
pub(crate) fn context(prefix: &[u8]) -> (Option<SeqNum>, Option<Uid>, Str) {
    let seq = prefix
        .strip_prefix(b"* ")
        .map(leading_number)
        .and_then(SeqNum::new);
    let uid = find_uid(prefix).and_then(Uid::new);
    (seq, uid, Str::from(item_before_end(prefix)))
}

fn leading_number(b: &[u8]) -> u32 {
    b.iter()
        .take_while(|c| c.is_ascii_digit())
        .try_fold(0u32, |n, &c| {
            n.checked_mul(10)?.checked_add(u32::from(c - b'0'))
        })
        .unwrap_or(0)
}

/// The value of a `UID n` item, matched at an item boundary.
fn find_uid(prefix: &[u8]) -> Option<u32> {
    let mut from = 0;
    while let Some(k) = find(&prefix[from..], b"UID ") {
        let at = from + k;
        let boundary = at > 0 && matches!(prefix[at - 1], b' ' | b'(');
        if boundary {
            let n = leading_number(&prefix[at + 4..]);
            if n > 0 {
                return Some(n);
            }
        }
        from = at + 4;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The item name just before the literal: the last token, with brackets kept whole
/// (`BODY[HEADER.FIELDS (A B)]<0>`).
fn item_before_end(prefix: &[u8]) -> &[u8] {
    let mut end = prefix.len();
    while end > 0 && prefix[end - 1] == b' ' {
        end -= 1;
    }
    let mut start = end;
    let mut depth = 0usize;
    while start > 0 {
        let c = prefix[start - 1];
        match c {
            b']' => depth += 1,
            b'[' => depth = depth.saturating_sub(1),
            b' ' | b'(' if depth == 0 => break,
            _ => {}
        }
        start -= 1;
    }
    &prefix[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_message_and_item() {
        let (seq, uid, item) = context(b"* 12 FETCH (UID 7 BODY[HEADER.FIELDS (A B)]<0> ");
        assert_eq!(seq, SeqNum::new(12));
        assert_eq!(uid, Uid::new(7));
        assert_eq!(item.as_bytes(), b"BODY[HEADER.FIELDS (A B)]<0>");
        let (_, uid, item) = context(b"* 1 FETCH (BODY[] ");
        assert_eq!(uid, None);
        assert_eq!(item.as_bytes(), b"BODY[]");
        let (seq, _, _) = context(b"garbage");
        assert_eq!(seq, None);
    }
}
