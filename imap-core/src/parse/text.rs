//! Text forms: the values people write by hand (`2,4:6,20:*`, `(FLAGS BODY.PEEK[HEADER])`,
//! `CHARSET UTF-8 FROM "Ann"`, `IDLE`) read by the same grammar functions that read commands
//! and responses, never a second grammar. An error names what was expected and points at the
//! offending character ([`TextError`]).

use super::{Input, PResult, ParseOptions, Reading, core::crlf, run};
use bytes::Bytes;
use std::fmt;

/// Text that is not a valid value of the kind asked for: what was expected and where.
///
/// `Display` gives a sentence and the text with a caret under the offending character:
///
/// ```text
/// invalid sequence set: expected number at character 5
///   2,4:x,20:*
///       ^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// What the text was to be (`sequence set`, `FETCH items`, `search criteria`, ...).
    pub kind: &'static str,
    /// What the grammar expected at [`offset`](TextError::offset).
    pub expected: &'static str,
    /// Byte offset of the offending character in the text as given (the text's length when it
    /// ended too soon).
    pub offset: usize,
    /// The same position counted in characters, 1-based, as people count columns.
    pub column: usize,
    /// The text around the offending character (at most 40 characters either side, `...` where
    /// it was cut), control characters escaped.
    pub excerpt: String,
    /// Where the caret goes under [`excerpt`](TextError::excerpt), in characters of its text.
    pub caret: usize,
}

impl TextError {
    /// The error for `text` at byte `offset`.
    pub(crate) fn new(
        kind: &'static str,
        expected: &'static str,
        text: &str,
        offset: usize,
    ) -> Self {
        const BEFORE: usize = 40;
        const AFTER: usize = 40;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut start = offset.saturating_sub(BEFORE);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let mut end = (offset + AFTER).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut excerpt = String::from(if start > 0 { "..." } else { "" });
        escape_into(&mut excerpt, &text[start..offset]);
        let caret = excerpt.chars().count();
        escape_into(&mut excerpt, &text[offset..end]);
        if end < text.len() {
            excerpt.push_str("...");
        }
        TextError {
            kind,
            expected,
            offset,
            column: text[..offset].chars().count() + 1,
            excerpt,
            caret,
        }
    }
}

/// Appends `text` with its control characters escaped (`\t`, `\u{1}`): the text is the
/// caller's own, so everything printable is shown as it is.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {}: expected {} at character {}\n  {}\n  {:>width$}",
            self.kind,
            self.expected,
            self.column,
            self.excerpt,
            "^",
            width = self.caret + 1
        )
    }
}

impl std::error::Error for TextError {}

/// Reads `text` (surrounding spaces ignored) as a whole with `parser`, one of the grammar's
/// functions: nothing may follow what it reads. Line breaks are refused before parsing, so no
/// literal can start inside the text.
pub(crate) fn parse_text<T>(
    kind: &'static str,
    text: &str,
    opts: &ParseOptions,
    parser: impl FnOnce(&mut Input<'_>) -> PResult<T>,
) -> Result<T, TextError> {
    if let Some(at) = text.find(['\r', '\n']) {
        return Err(TextError::new(kind, "no line break", text, at));
    }
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let mut unit = Vec::with_capacity(trimmed.len() + 2);
    unit.extend_from_slice(trimmed.as_bytes());
    unit.extend_from_slice(b"\r\n");
    let unit = Bytes::from(unit);
    run(&unit, opts, Reading::AsWritten, |i| {
        let v = parser(i)?;
        crlf(i)?;
        Ok(v)
    })
    .map_err(|e| {
        let expected = match e.expected {
            "CRLF" | "end of unit" => "end of text",
            "more input" => "more text",
            other => other,
        };
        TextError::new(kind, expected, text, lead + e.offset.min(trimmed.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_offset() {
        let e = TextError::new("sequence set", "number", "2,4:x,20:*", 4);
        assert_eq!(e.column, 5);
        assert_eq!(
            e.to_string(),
            "invalid sequence set: expected number at character 5\n  2,4:x,20:*\n      ^"
        );
    }

    #[test]
    fn long_text_is_windowed_and_escaped() {
        let text = format!("{}é\tX{}", "a".repeat(100), "b".repeat(100));
        let at = text.find('X').unwrap();
        let e = TextError::new("search criteria", "search key", &text, at);
        assert_eq!(e.column, 103);
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[1].starts_with("  ...a"), "{shown}");
        assert!(lines[1].contains("é\\tX"), "{shown}");
        assert!(lines[1].ends_with("b..."), "{shown}");
        let caret = lines[2].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[1].chars().nth(caret), Some('X'), "{shown}");
    }
}
