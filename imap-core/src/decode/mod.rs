//! Mail as people read it: RFC 2047 encoded words in headers ([`words`]), RFC 2231 parameters
//! ([`params`]), charsets ([`charset`]), `Date:` headers and zone normalising ([`date`]),
//! decoded envelopes ([`envelope`]) and content transfer encodings ([`body`]).
//!
//! The raw forms stay where they were ([`crate::types::Envelope`], the BODYSTRUCTURE's
//! parameters, the fetched sections); everything here is computed from them on request.

pub mod body;
pub mod charset;
pub mod date;
pub mod envelope;
pub mod params;
pub mod words;

pub use body::{DecodedPart, decode_transfer};
pub use date::{Normalise, normalise, parse_mail_date};
pub use envelope::{DecodedEnvelope, MailAddress};
pub use params::{ParamValue, param, param_text};
pub use words::decode_words;

/// The octet two hex digits at the start of `s` write (`=XX` in Q words, `%XX` in RFC 2231
/// values), either case.
fn hex_octet(s: &[u8]) -> Option<u8> {
    let digits = s.get(..2)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None; // `from_str_radix` would take `+1`
    }
    u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}
