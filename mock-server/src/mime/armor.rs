//! Binary parts stored in a form IMAP can send: a leaf part whose Content-Transfer-Encoding is
//! `binary`, or whose body holds NUL, is re-encoded in base64 when the message is stored.
//!
//! An ordinary literal carries CHAR8, never NUL (RFC 9051 sections 4.3.1 and 9), so such a part
//! cannot go out as it came in for `BODY[...]`; RFC 3516 section 4.4 lets the server change the
//! CTE of data appended with `literal8` so long as nothing is lost, and section 6 wants
//! BODYSTRUCTURE to describe the message in a CTE the base protocol accepts and `BODY[...]` to
//! match it. Dovecot does the same. `BINARY[...]` decodes the base64 and gives the bytes back
//! exactly.

use super::{ParsedMessage, Part};
use base64::Engine;
use bytes::Bytes;
use std::ops::Range;

const CTE: &[u8] = b"Content-Transfer-Encoding";

/// `raw` with its binary parts in base64, or `None` when it has none.
pub(crate) fn armored(raw: &Bytes, parsed: &ParsedMessage) -> Option<Bytes> {
    let mut leaves = Vec::new();
    parsed.root().leaves(&mut leaves);
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    for p in leaves {
        // Parts of a base64-encoded message/rfc822 live in a decoded copy: left alone.
        if p.src.as_ptr() != raw.as_ptr() || p.src.len() != raw.len() || !needs_armor(p) {
            continue;
        }
        edits.push(header_edit(raw, p.header.clone()));
        edits.push((p.body.clone(), base64_lines(&raw[p.body.clone()])));
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 2);
    let mut at = 0;
    for (range, with) in edits {
        if range.start < at {
            // Overlapping edits would mean a malformed tree: keep the message as it is.
            return None;
        }
        out.extend_from_slice(&raw[at..range.start]);
        out.extend_from_slice(&with);
        at = range.end;
    }
    out.extend_from_slice(&raw[at..]);
    Some(Bytes::from(out))
}

fn needs_armor(p: &Part) -> bool {
    match p.encoding().as_str() {
        "BINARY" => true,
        "BASE64" | "QUOTED-PRINTABLE" => false,
        _ => p.src[p.body.clone()].contains(&0),
    }
}

/// The edit that makes the header at `header` say `Content-Transfer-Encoding: base64`: the
/// field replaced (with its continuation lines), or added before the blank line.
fn header_edit(raw: &[u8], header: Range<usize>) -> (Range<usize>, Vec<u8>) {
    let field = b"Content-Transfer-Encoding: base64\r\n".to_vec();
    let h = &raw[header.clone()];
    let mut line_start = 0;
    while line_start < h.len() {
        let line_end = h[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(h.len(), |i| line_start + i + 1);
        let line = &h[line_start..line_end];
        let is_cte = line.len() > CTE.len()
            && line[..CTE.len()].eq_ignore_ascii_case(CTE)
            && line[CTE.len()..]
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t'))
                .is_some_and(|&b| b == b':');
        if is_cte {
            // Continuation lines start with white space.
            let mut end = line_end;
            while end < h.len() && matches!(h[end], b' ' | b'\t') {
                end = h[end..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(h.len(), |i| end + i + 1);
            }
            return (header.start + line_start..header.start + end, field);
        }
        line_start = line_end;
    }
    // No such field: before the blank line that ends the header (or at its start when the
    // header is only that blank line).
    let blank = if h.ends_with(b"\r\n\r\n") || h == b"\r\n" {
        2
    } else if h.ends_with(b"\n\n") || h == b"\n" {
        1
    } else {
        0
    };
    let at = header.end - blank.min(h.len());
    (at..at, field)
}

/// Base64 in lines of 76 characters, each ending in CRLF (RFC 2045 section 6.8).
fn base64_lines(data: &[u8]) -> Vec<u8> {
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(text.len() + text.len() / 38 + 2);
    for chunk in text.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn armor(raw: &'static [u8]) -> Option<String> {
        let raw = Bytes::from_static(raw);
        armored(&raw, &ParsedMessage::parse(&raw)).map(|b| String::from_utf8(b.to_vec()).unwrap())
    }

    #[test]
    fn binary_leaves_become_base64_and_decode_back() {
        const RAW: &[u8] = b"Subject: b\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\na\0b\r\n--X\r\n\r\nno header \0\r\n--X--\r\n";
        let out = armor(RAW).unwrap();
        assert_eq!(
            out,
            "Subject: b\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nYQBi\r\n\r\n--X\r\nContent-Transfer-Encoding: base64\r\n\r\nbm8gaGVhZGVyIAA=\r\n\r\n--X--\r\n"
        );
        let raw = Bytes::from(out);
        let parsed = ParsedMessage::parse(&raw);
        assert_eq!(&parsed.binary(&raw, &[2]).unwrap()[..], b"a\0b");
        assert_eq!(&parsed.binary(&raw, &[3]).unwrap()[..], b"no header \0");
        assert!(!raw.contains(&0));
    }

    #[test]
    fn a_folded_field_is_replaced_whole_and_text_is_left_alone() {
        let out = armor(b"Content-Transfer-Encoding:\r\n binary\r\nX: y\r\n\r\n\x01\x02").unwrap();
        assert_eq!(
            out,
            "Content-Transfer-Encoding: base64\r\nX: y\r\n\r\nAQI=\r\n"
        );
        assert_eq!(armor(b"Subject: t\r\n\r\n8bit \xe9 text\r\n"), None);
        assert_eq!(
            armor(b"Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n"),
            None
        );
    }
}
