//! Output rewriting for the quirk profiles that typed [`Response`] values cannot express:
//! [`Quirks::ExchangeBodyStructure`] (a disposition as a bare string) and
//! [`Quirks::BareContinuation`] (`+` with neither space nor text).
//!
//! The session encodes each response it sends itself, so it knows the exact bytes; only those
//! bytes are rewritten. Output the protocol core writes on its own (the `+ Ready` of a literal,
//! `BAD` for unparsable input) never holds literals, so its lines are rewritten whole. Nothing
//! is rewritten once COMPRESS is active.

use super::options::Quirks;
use imap_core::types::{
    BodyStructure, Data, Disposition, ExtTail, FetchData, PartKind, Response, Str,
};

/// Marks a disposition to be written as a bare string: `("<MARK>inline" NIL)` becomes
/// `"inline"`.
const MARK: &str = "X-MOCK-SERVER-QUIRK-DSP:";

/// Prepares `resp` for `quirks`: returns the response to hand to the protocol core and
/// whether its encoded bytes need [`rewrite_own`].
pub(crate) fn prepare(resp: Response, quirks: Quirks) -> (Response, bool) {
    match (quirks, resp) {
        (Quirks::ExchangeBodyStructure, Response::Data(Data::Fetch { seq, mut data })) => {
            let mut marked = false;
            for item in &mut data {
                if let FetchData::BodyStructure(b) = item {
                    let mut tree = b.to_structure();
                    if mark(&mut tree) {
                        *b = tree.into();
                        marked = true;
                    }
                }
            }
            (Response::Data(Data::Fetch { seq, data }), marked)
        }
        // Only requests that carry nothing (IDLE's, AUTHENTICATE PLAIN's empty one): a SASL
        // challenge keeps its text.
        (Quirks::BareContinuation, Response::Continue(c))
            if c.text.is_empty() || c.text.as_bytes() == b"idling" =>
        {
            (Response::Continue(c), true)
        }
        (_, r) => (r, false),
    }
}

fn mark_tail(tail: &mut ExtTail) -> bool {
    match &mut tail.disposition {
        Some(Some(d)) => {
            let kind = format!("{MARK}{}", d.kind.to_string_lossy());
            *d = Disposition {
                kind: Str::from(kind.as_str()),
                params: Vec::new(),
            };
            true
        }
        _ => false,
    }
}

fn mark(b: &mut BodyStructure) -> bool {
    match b {
        BodyStructure::Single { part } => {
            let mut m = part.ext.as_mut().is_some_and(|e| mark_tail(&mut e.tail));
            if let PartKind::Message { body, .. } = &mut part.kind {
                m |= mark(body);
            }
            m
        }
        BodyStructure::Multi { parts, ext, .. } => {
            let mut m = ext.as_mut().is_some_and(|e| mark_tail(&mut e.tail));
            for p in parts {
                m |= mark(p);
            }
            m
        }
        _ => false,
    }
}

/// Rewrites the encoded bytes of a response the session sent itself.
pub(crate) fn rewrite_own(bytes: &[u8], quirks: Quirks) -> Vec<u8> {
    match quirks {
        Quirks::BareContinuation if bytes.starts_with(b"+") => b"+\r\n".to_vec(),
        Quirks::ExchangeBodyStructure => unmark(bytes),
        _ => bytes.to_vec(),
    }
}

/// `("<MARK>kind" NIL)` → `"kind"`.
fn unmark(bytes: &[u8]) -> Vec<u8> {
    let open = [b"(\"".as_slice(), MARK.as_bytes()].concat();
    let close = b"\" NIL)";
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(i) = find(rest, &open) {
        let after = &rest[i + open.len()..];
        let Some(j) = find(after, close) else { break };
        out.extend_from_slice(&rest[..i]);
        out.push(b'"');
        out.extend_from_slice(&after[..j]);
        out.push(b'"');
        rest = &after[j + close.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Rewrites output the protocol core wrote on its own (no literals in it).
pub(crate) fn rewrite_core(bytes: &[u8], quirks: Quirks) -> Vec<u8> {
    if quirks != Quirks::BareContinuation {
        return bytes.to_vec();
    }
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"+ ") && line.ends_with(b"\r\n") {
            out.extend_from_slice(b"+\r\n");
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmark_turns_marked_lists_into_strings() {
        let m = format!("(NIL (\"{MARK}inline\" NIL) NIL NIL)");
        assert_eq!(unmark(m.as_bytes()), b"(NIL \"inline\" NIL NIL)");
    }

    #[test]
    fn core_continuations_become_bare() {
        assert_eq!(
            rewrite_core(b"+ Ready\r\n", Quirks::BareContinuation),
            b"+\r\n"
        );
    }
}
