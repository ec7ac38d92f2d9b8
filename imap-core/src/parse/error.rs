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
    if full.as_str().contains("redacted") {
        return full;
    }
    let start = offset - WINDOW / 2;
    Excerpt::new(&unit[start..unit.len().min(start + WINDOW)])
}
