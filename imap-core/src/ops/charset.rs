//! Search criteria in a named charset: `SEARCH CHARSET ISO-8859-1 SUBJECT ...` (RFC 3501
//! section 6.4.4), what imaplib's `search(charset, ...)` and IMAPClient's
//! `search(criteria, charset)` send.
//!
//! A [`Query`](super::search::Query) with a charset ([`Query::in_charset`](super::search::Query::in_charset),
//! or a `CHARSET name` prefix of criteria text) has its strings written in that charset when
//! its command is built, here, with `encoding_rs` (the charset crate [`crate::decode`] reads
//! mail with), except where IMAP and the WHATWG Encoding Standard `encoding_rs` follows
//! differ: IMAP's `US-ASCII` is ASCII and its `ISO-8859-1` is ISO-8859-1, where the Encoding
//! Standard reads both as windows-1252 (which would send `€` as byte 0x80, a control character
//! in ISO-8859-1). Without a charset, a query that needs one is sent as `CHARSET UTF-8`, which
//! every IMAP4rev1 server must accept: name another one only for a server that refuses UTF-8.

use crate::types::{SearchKey, Str};
use encoding_rs::Encoding;
use std::borrow::Cow;

/// Why criteria cannot be written in a charset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CharsetError {
    /// The charset is not one this crate can write (`encoding_rs` does not know it, or it is
    /// UTF-16, which cannot carry IMAP strings).
    #[error("cannot write search text in the charset {0:?}")]
    Unknown(String),
    /// A character of a criterion has no form in the charset.
    #[error("{ch:?} cannot be written in {charset}")]
    Unmappable {
        /// The charset.
        charset: String,
        /// The first character that has no form in it.
        ch: char,
    },
    /// The charset's name holds CR, LF or NUL.
    #[error("invalid charset name")]
    InvalidName,
}

/// How the strings of a query are written in a charset.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CharsetWriter {
    /// As they are (UTF-8).
    Utf8,
    /// ASCII only.
    Ascii,
    /// ISO-8859-1: U+0000 to U+00FF, one byte each.
    Latin1,
    /// By an `encoding_rs` encoder.
    Encoding(&'static Encoding),
}

impl CharsetWriter {
    /// The writer for a charset name, `None` for a charset this crate cannot write.
    pub(crate) fn for_name(name: &str) -> Option<CharsetWriter> {
        let label = name.trim();
        let is = |names: &[&str]| names.iter().any(|n| label.eq_ignore_ascii_case(n));
        if is(&["us-ascii", "ascii", "ansi_x3.4-1968", "us"]) {
            return Some(CharsetWriter::Ascii);
        }
        let windows_1252 = is(&["windows-1252", "cp1252", "x-cp1252"]);
        match Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Some(CharsetWriter::Utf8),
            Some(e) if e == encoding_rs::WINDOWS_1252 && !windows_1252 => {
                Some(CharsetWriter::Latin1)
            }
            // UTF-16 labels encode as UTF-8 in `encoding_rs`, "replacement" not at all.
            Some(e) if e.output_encoding() == e => Some(CharsetWriter::Encoding(e)),
            _ => None,
        }
    }

    /// Whether the charset is ASCII only.
    pub(crate) fn is_ascii(self) -> bool {
        matches!(self, CharsetWriter::Ascii)
    }

    /// Whether the charset can write `c`.
    pub(crate) fn fits(self, c: char) -> bool {
        match self {
            CharsetWriter::Utf8 => true,
            CharsetWriter::Ascii => c.is_ascii(),
            CharsetWriter::Latin1 => u32::from(c) <= 0xff,
            CharsetWriter::Encoding(e) => c.is_ascii() || !e.encode(c.encode_utf8(&mut [0; 4])).2,
        }
    }

    fn write(self, s: &Str, charset: &str) -> Result<Str, CharsetError> {
        // ASCII is the same in every charset IMAP servers take; bytes that are not UTF-8 were
        // written in the charset by the caller.
        let text = match std::str::from_utf8(s.as_bytes()) {
            Ok(t) if !t.is_ascii() => t,
            _ => return Ok(s.clone()),
        };
        if let Some(ch) = text.chars().find(|&c| !self.fits(c)) {
            let charset = charset.to_owned();
            return Err(CharsetError::Unmappable { charset, ch });
        }
        Ok(match self {
            CharsetWriter::Utf8 | CharsetWriter::Ascii => s.clone(),
            CharsetWriter::Latin1 => Str::from(text.chars().map(|c| c as u8).collect::<Vec<u8>>()),
            CharsetWriter::Encoding(e) => match e.encode(text).0 {
                Cow::Borrowed(b) => Str::from(b),
                Cow::Owned(b) => Str::from(b),
            },
        })
    }
}

fn write_key(k: &SearchKey, w: CharsetWriter, charset: &str) -> Result<SearchKey, CharsetError> {
    use SearchKey as K;
    let s = |s: &Str| w.write(s, charset);
    Ok(match k {
        K::Bcc(v) => K::Bcc(s(v)?),
        K::Body(v) => K::Body(s(v)?),
        K::Cc(v) => K::Cc(s(v)?),
        K::From(v) => K::From(s(v)?),
        K::Subject(v) => K::Subject(s(v)?),
        K::Text(v) => K::Text(s(v)?),
        K::To(v) => K::To(s(v)?),
        K::GmRaw(v) => K::GmRaw(s(v)?),
        K::Header(name, v) => K::Header(name.clone(), s(v)?),
        K::Not(k) => K::Not(Box::new(write_key(k, w, charset)?)),
        K::Or(a, b) => K::Or(
            Box::new(write_key(a, w, charset)?),
            Box::new(write_key(b, w, charset)?),
        ),
        K::And(v) => K::And(
            v.iter()
                .map(|k| write_key(k, w, charset))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// `keys` with every string written in `charset` (`ISO-8859-1`, `windows-1252`, `KOI8-R`,
/// `Shift_JIS`, `UTF-8`, ...). ASCII strings are the same in every charset; strings held as
/// bytes that are not UTF-8 are taken as already written in it.
///
/// # Errors
/// [`CharsetError::Unmappable`] naming the first character the charset cannot write;
/// [`CharsetError::Unknown`] for a charset this crate cannot write;
/// [`CharsetError::InvalidName`] for a name with CR, LF or NUL.
pub fn write_keys(keys: &[SearchKey], charset: &str) -> Result<Vec<SearchKey>, CharsetError> {
    if charset.contains(['\r', '\n', '\0']) {
        return Err(CharsetError::InvalidName);
    }
    let w = CharsetWriter::for_name(charset)
        .ok_or_else(|| CharsetError::Unknown(charset.to_owned()))?;
    keys.iter().map(|k| write_key(k, w, charset)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::search::Query;

    fn written(q: Query, charset: &str) -> Result<Vec<SearchKey>, CharsetError> {
        write_keys(&q.keys(), charset)
    }

    fn subject(keys: &[SearchKey]) -> &[u8] {
        match &keys[0] {
            SearchKey::Subject(s) => s.as_bytes(),
            k => panic!("not a subject: {k:?}"),
        }
    }

    #[test]
    fn strings_are_written_in_the_charset() {
        let q = Query::new().subject("Grüße").unseen();
        let latin1 = written(q.clone(), "ISO-8859-1").unwrap();
        assert_eq!(subject(&latin1), b"Gr\xfc\xdfe");
        assert_eq!(latin1[1], SearchKey::Unseen);
        let koi8 = written(Query::new().subject("Привет"), "koi8-r").unwrap();
        assert_eq!(subject(&koi8), b"\xf0\xd2\xc9\xd7\xc5\xd4");
        let utf8 = written(q, "utf-8").unwrap();
        assert_eq!(subject(&utf8), "Grüße".as_bytes());
        let cp1252 = written(Query::new().subject("€"), "windows-1252").unwrap();
        assert_eq!(subject(&cp1252), b"\x80");
    }

    #[test]
    fn nested_keys_are_written_too() {
        let q = Query::new().or(Query::new().from("José"), Query::new().to("Zoë"));
        let w = written(q, "windows-1252").unwrap();
        let SearchKey::Or(a, b) = &w[0] else {
            panic!("{w:?}")
        };
        assert_eq!(**a, SearchKey::From(Str::from(b"Jos\xe9".to_vec())));
        assert_eq!(**b, SearchKey::To(Str::from(b"Zo\xeb".to_vec())));
    }

    #[test]
    fn what_the_charset_cannot_write_is_refused() {
        let q = Query::new().subject("Grüße €");
        let unmappable = |charset: &str, ch| CharsetError::Unmappable {
            charset: charset.into(),
            ch,
        };
        // The Encoding Standard's ISO-8859-1 (windows-1252) would write `€`; IMAP's cannot.
        assert_eq!(
            written(q.clone(), "ISO-8859-1"),
            Err(unmappable("ISO-8859-1", '€'))
        );
        assert_eq!(
            written(q.clone(), "US-ASCII"),
            Err(unmappable("US-ASCII", 'ü'))
        );
        assert_eq!(
            written(q.clone(), "X-UNHEARD-OF"),
            Err(CharsetError::Unknown("X-UNHEARD-OF".into()))
        );
        assert_eq!(
            written(q.clone(), "UTF-16"),
            Err(CharsetError::Unknown("UTF-16".into()))
        );
        assert_eq!(written(q, "UTF-8\r\nX"), Err(CharsetError::InvalidName));
    }

    #[test]
    fn ascii_goes_in_any_charset_and_raw_bytes_stay() {
        let q = Query::new().subject("hello").body(b"caf\xe9".to_vec());
        let w = written(q, "KOI8-R").unwrap();
        assert_eq!(subject(&w), b"hello");
        assert_eq!(w[1], SearchKey::Body(Str::from(b"caf\xe9".to_vec())));
    }
}
