//! Parse errors: the cheap internal error the combinators pass around ([`PErr`]) and the public
//! [`ParseError`] it becomes.

use super::Input;
use crate::excerpt::Excerpt;
use winnow::error::{AddContext, ParserError};
use winnow::stream::Stream;

/// The internal error: what was expected and how many input bytes were left. It never
/// allocates, so backtracking on hot paths stays cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PErr {
    /// The innermost expectation, if one was named.
    pub expected: Option<&'static str>,
    /// Bytes left in the unit where the error happened.
    pub remaining: usize,
}

impl<'a> ParserError<Input<'a>> for PErr {
    type Inner = Self;

    fn from_input(input: &Input<'a>) -> Self {
        PErr {
            expected: None,
            remaining: input.eof_offset(),
        }
    }

    fn into_inner(self) -> Result<Self::Inner, Self> {
        Ok(self)
    }

    fn or(self, other: Self) -> Self {
        // Keep the error that got further into the input.
        if other.remaining <= self.remaining {
            other
        } else {
            self
        }
    }
}

impl<'a> AddContext<Input<'a>, &'static str> for PErr {
    fn add_context(
        mut self,
        _input: &Input<'a>,
        _token_start: &<Input<'a> as Stream>::Checkpoint,
        context: &'static str,
    ) -> Self {
        if self.expected.is_none() {
            self.expected = Some(context);
        }
        self
    }
}

/// A unit that could not be parsed: what was expected, at which byte offset, and the unit's
/// start (credentials redacted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} at byte {offset}: {excerpt}")]
pub struct ParseError {
    /// What the parser expected at `offset`.
    pub expected: &'static str,
    /// Byte offset into the unit.
    pub offset: usize,
    /// The unit's length.
    pub unit_len: usize,
    /// The offending unit, shortened and redacted.
    pub excerpt: Excerpt,
}

impl ParseError {
    pub(crate) fn new(e: PErr, unit: &[u8]) -> Self {
        let offset = unit.len().saturating_sub(e.remaining);
        ParseError {
            expected: e.expected.unwrap_or("valid syntax"),
            offset,
            unit_len: unit.len(),
            excerpt: excerpt_around(unit, offset),
        }
    }
}

/// An excerpt that shows the start of the unit, or the bytes around `offset` when it lies past
/// what an excerpt can show.
fn excerpt_around(unit: &[u8], offset: usize) -> Excerpt {
    const WINDOW: usize = 120;
    let full = Excerpt::new(unit);
    if offset < WINDOW || unit.len() <= WINDOW {
        return full;
    }
    // The window must not show a credential: `Excerpt::new` only recognises LOGIN and
    // AUTHENTICATE within its first bytes, so a long tag (or, tolerated, a long run of spaces)
    // before the command name would otherwise let the window show the password.
    if full.as_str().contains("redacted") || is_secret_command(unit) {
        return full;
    }
    let start = offset - WINDOW / 2;
    Excerpt::new(&unit[start..unit.len().min(start + WINDOW)])
}

/// Whether `unit` is a LOGIN or AUTHENTICATE command (`[tag] [UID] name ...`), however long its
/// tag: the same test as [`Excerpt::new`] makes, without its length limit.
fn is_secret_command(unit: &[u8]) -> bool {
    let mut tokens = unit
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|t| !t.is_empty());
    for index in 0..3 {
        let Some(token) = tokens.next() else {
            return false;
        };
        let letters = token
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(token, |n| &token[..n]);
        if letters.eq_ignore_ascii_case(b"LOGIN") || letters.eq_ignore_ascii_case(b"AUTHENTICATE") {
            return true;
        }
        if index == 1 && !letters.eq_ignore_ascii_case(b"UID") {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_never_shows_login_arguments() {
        // A tag longer than an excerpt pushes LOGIN out of the redaction check of `Excerpt`.
        let mut unit = vec![b'T'; 200];
        unit.extend_from_slice(b" LOGIN fred \"hunter2");
        let e = ParseError::new(
            PErr {
                expected: Some("closing quote"),
                remaining: 0,
            },
            &unit,
        );
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let mut unit = b"A1".to_vec();
        unit.extend_from_slice(&[b' '; 200]);
        unit.extend_from_slice(b"authenticate PLAIN AGZyZWQAaHVudGVyMg==x");
        let e = ParseError::new(
            PErr {
                expected: Some("CRLF"),
                remaining: 1,
            },
            &unit,
        );
        assert!(!e.to_string().contains("AGZy"), "{e}");
    }

    #[test]
    fn window_shows_the_error_of_other_commands() {
        let mut unit = b"A1 SELECT ".to_vec();
        unit.extend_from_slice(&[b'x'; 300]);
        unit.extend_from_slice(b"(oops");
        let e = ParseError::new(
            PErr {
                expected: Some("CRLF"),
                remaining: 5,
            },
            &unit,
        );
        assert!(e.to_string().contains("(oops"), "{e}");
    }
}
