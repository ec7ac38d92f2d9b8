//! The strings of ENVELOPE and BODYSTRUCTURE written into their table, the common cases read
//! inline: a quoted string without escapes, and `NIL`. Everything else goes to [`Out`]'s
//! readers, which read every form.

use super::core::{advance, at_nil, plain_quoted};
use super::packed::Out;
use super::{Input, PResult};

// string = quoted / literal (RFC 9051 section 9)
/// A string, as [`Out::string`] writes it.
#[inline(always)]
pub(super) fn string(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    match plain_quoted(i) {
        // No escapes: the content is the string, as received.
        Some(s) => {
            out.raw(s);
            Ok(())
        }
        None => out.string(i),
    }
}

// nstring = string / nil (RFC 9051 section 9)
/// A string or `NIL`, as [`Out::nstring`] writes it.
#[inline(always)]
pub(super) fn nstring(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    if let Some(s) = plain_quoted(i) {
        out.raw(s);
        return Ok(());
    }
    if at_nil(i) {
        advance(i, 3);
        out.nil();
        return Ok(());
    }
    out.nstring(i)
}
