//! Header blocks split into fields, byte-exact (RFC 5322 section 2.2).
//!
//! Splitting a header block into its fields is a matter of line folding only: a field starts at a
//! line that does not begin with white space and runs until the next such line. The MIME parser
//! crate decodes values; this module keeps the raw bytes, which `BODY[HEADER.FIELDS ...]` must
//! return unchanged and ENVELOPE must return undecoded.

use std::ops::Range;

/// One header field of a block: where it is, and where its name ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    /// The whole field, name to the end of its last line (including the line ending).
    pub range: Range<usize>,
    /// The field name, without the colon and any white space before it.
    pub name: Range<usize>,
    /// The value: after the colon, to the end of the field.
    pub value: Range<usize>,
}

/// The fields of `block` (a header block, possibly ending with the empty line). Offsets are
/// relative to `block`. A line without a colon becomes a field with an empty name.
pub(crate) fn fields(block: &[u8]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut pos = 0;
    while pos < block.len() {
        let end = match block[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => pos + i + 1,
            None => block.len(),
        };
        let line = &block[pos..end];
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t'))
            && let Some(last) = out.last_mut()
        {
            last.range.end = end;
            last.value.end = end;
            pos = end;
            continue;
        }
        let (name, value_start) = match line.iter().position(|&b| b == b':') {
            Some(c) => {
                let mut ne = pos + c;
                while ne > pos && matches!(block[ne - 1], b' ' | b'\t') {
                    ne -= 1;
                }
                (pos..ne, pos + c + 1)
            }
            None => (pos..pos, pos),
        };
        out.push(Field {
            range: pos..end,
            name,
            value: value_start..end,
        });
        pos = end;
    }
    out
}

/// Whether `block` ends with the empty line that separates header and body.
pub(crate) fn has_blank_line(block: &[u8]) -> bool {
    block.ends_with(b"\n\n") || block.ends_with(b"\n\r\n") || block == b"\r\n" || block == b"\n"
}

/// A field value unfolded (line breaks removed) and trimmed of surrounding white space.
pub(crate) fn unfold(value: &[u8]) -> Vec<u8> {
    let v: Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    trim(&v).to_vec()
}

/// `bytes` without leading and trailing white space.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end.max(start)]
}

/// A parsed view of one header block, for looking fields up by name.
#[derive(Clone, Debug)]
pub(crate) struct HeaderBlock<'a> {
    pub bytes: &'a [u8],
    pub fields: Vec<Field>,
}

impl<'a> HeaderBlock<'a> {
    /// Splits `bytes` into fields.
    pub fn new(bytes: &'a [u8]) -> Self {
        HeaderBlock {
            bytes,
            fields: fields(bytes),
        }
    }

    /// The name of `f`.
    pub fn name(&self, f: &Field) -> &'a [u8] {
        &self.bytes[f.name.clone()]
    }

    /// The raw value of the first field called `name` (case-insensitive), as in the message.
    pub fn raw(&self, name: &str) -> Option<&'a [u8]> {
        self.fields
            .iter()
            .find(|f| self.name(f).eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| &self.bytes[f.value.clone()])
    }

    /// The unfolded, trimmed value of the first field called `name`.
    pub fn value(&self, name: &str) -> Option<Vec<u8>> {
        self.raw(name).map(unfold)
    }

    /// The fields whose name is (or, with `not`, is not) in `names`, byte-exact, followed by the
    /// blank line when the block has one (RFC 9051 section 6.4.5.1).
    pub fn subset(&self, names: &[&[u8]], not: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for f in &self.fields {
            let n = self.name(f);
            let listed = names.iter().any(|m| m.eq_ignore_ascii_case(n));
            if listed != not {
                out.extend_from_slice(&self.bytes[f.range.clone()]);
            }
        }
        if has_blank_line(self.bytes) {
            out.extend_from_slice(b"\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &[u8] = b"Subject: hi\r\n there\r\nFrom: a@b\r\nX-Empty:\r\nbroken line\r\n\r\n";

    #[test]
    fn splits_folded_fields() {
        let h = HeaderBlock::new(BLOCK);
        assert_eq!(h.fields.len(), 4);
        assert_eq!(h.name(&h.fields[0]), b"Subject");
        assert_eq!(
            &BLOCK[h.fields[0].range.clone()],
            b"Subject: hi\r\n there\r\n"
        );
        assert_eq!(h.value("subject").unwrap(), b"hi there");
        assert_eq!(h.value("x-empty").unwrap(), b"");
        assert_eq!(h.name(&h.fields[3]), b"");
        assert!(h.raw("To").is_none());
    }

    #[test]
    fn subsets_keep_lines_and_blank_line() {
        let h = HeaderBlock::new(BLOCK);
        assert_eq!(
            h.subset(&[b"FROM", b"subject"], false),
            b"Subject: hi\r\n there\r\nFrom: a@b\r\n\r\n"
        );
        assert_eq!(
            h.subset(&[b"subject"], true),
            b"From: a@b\r\nX-Empty:\r\nbroken line\r\n\r\n"
        );
        let nobody = HeaderBlock::new(b"Subject: x\r\n");
        assert_eq!(nobody.subset(&[b"subject"], false), b"Subject: x\r\n");
    }

    #[test]
    fn trims() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(unfold(b" a\r\n\tb\r\n"), b"a\tb");
    }
}
