//! Search criteria in a named charset: `SEARCH CHARSET ISO-8859-1 SUBJECT ...` (RFC 3501
//! section 6.4.4), what imaplib's `search(charset, ...)` and IMAPClient's
//! `search(criteria, charset)` send.
//!
//! [`Query`] strings are Unicode; [`Query::in_charset`] writes each string criterion in the
//! named charset (with `encoding_rs`, the charset crate [`crate::decode`] reads mail with) and
//! names it after `CHARSET`. Without a charset, a [`Query`] that needs one is sent as
//! `CHARSET UTF-8`, which every IMAP4rev1 server must accept: name another one only for a
//! server that refuses UTF-8.

use super::search::Query;
use crate::types::{CommandBody, SearchKey, SearchReturn, Str};
use encoding_rs::Encoding;
use std::borrow::Cow;

/// Criteria written in a charset: the name to send after `CHARSET` and the keys, their strings
/// in that charset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InCharset {
    /// The charset's name as given.
    pub charset: Str,
    /// The criteria (at least one).
    pub keys: Vec<SearchKey>,
}

/// Why criteria cannot be written in a charset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CharsetError {
    /// The charset is not one this crate can write, and a criterion holds non-ASCII text.
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

/// How the strings of a query are written.
#[derive(Clone, Copy)]
enum Writer {
    /// As they are (UTF-8).
    Utf8,
    /// ASCII only.
    Ascii,
    /// ISO-8859-1: U+0000 to U+00FF, one byte each.
    Latin1,
    /// By an `encoding_rs` encoder.
    Encoding(&'static Encoding),
    /// Unknown to `encoding_rs`: only ASCII text can be sent.
    Unknown,
}

impl Writer {
    fn for_name(name: &str) -> Writer {
        let label = name.trim();
        // `encoding_rs` follows the WHATWG labels, where US-ASCII is windows-1252: IMAP's
        // US-ASCII is ASCII.
        if ["us-ascii", "ascii", "ansi_x3.4-1968"]
            .iter()
            .any(|a| label.eq_ignore_ascii_case(a))
        {
            return Writer::Ascii;
        }
        let windows_1252 = ["windows-1252", "cp1252", "x-cp1252"]
            .iter()
            .any(|w| label.eq_ignore_ascii_case(w));
        match Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Writer::Utf8,
            // And ISO-8859-1 is windows-1252 there too: IMAP's is ISO-8859-1, without `€`.
            Some(e) if e == encoding_rs::WINDOWS_1252 && !windows_1252 => Writer::Latin1,
            // UTF-16 labels encode as UTF-8 in `encoding_rs` (WHATWG): not what the name says.
            Some(e) if e.output_encoding() == e => Writer::Encoding(e),
            _ => Writer::Unknown,
        }
    }

    fn write(self, s: &Str, charset: &str) -> Result<Str, CharsetError> {
        let bytes = s.as_bytes();
        // ASCII is the same in every charset IMAP servers take; bytes that are not UTF-8 were
        // written in the charset by the caller.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) if !t.is_ascii() => t,
            _ => return Ok(s.clone()),
        };
        match self {
            Writer::Utf8 => Ok(s.clone()),
            Writer::Unknown => Err(CharsetError::Unknown(charset.to_owned())),
            Writer::Ascii => Err(unmappable(charset, text, |c| c.is_ascii())),
            Writer::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect::<Option<Vec<u8>>>()
                .map(Str::from)
                .ok_or_else(|| unmappable(charset, text, |c| u32::from(c) <= 0xff)),
            Writer::Encoding(e) => {
                let (out, _, had_errors) = e.encode(text);
                if had_errors {
                    let fits = |c: char| !e.encode(c.encode_utf8(&mut [0; 4])).2;
                    return Err(unmappable(charset, text, fits));
                }
                Ok(match out {
                    Cow::Borrowed(b) => Str::from(b.to_vec()),
                    Cow::Owned(b) => Str::from(b),
                })
            }
        }
    }
}

fn unmappable(charset: &str, text: &str, fits: impl Fn(char) -> bool) -> CharsetError {
    CharsetError::Unmappable {
        charset: charset.to_owned(),
        ch: text.chars().find(|&c| !fits(c)).unwrap_or('\u{fffd}'),
    }
}

fn write_key(k: &SearchKey, w: Writer, charset: &str) -> Result<SearchKey, CharsetError> {
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

impl InCharset {
    /// `[UID] SEARCH [RETURN (returns)] CHARSET charset keys`: with `returns`, the extended
    /// SEARCH (ESEARCH, RFC 4731).
    pub fn search_command(&self, returns: Option<&[SearchReturn]>, uid: bool) -> CommandBody {
        CommandBody::Search {
            uid,
            returns: returns.map(<[SearchReturn]>::to_vec),
            charset: Some(self.charset.clone()),
            criteria: self.keys.clone(),
        }
    }
}

impl Query {
    /// The criteria with every string written in `charset` (`ISO-8859-1`, `windows-1252`,
    /// `KOI8-R`, `Shift_JIS`, `UTF-8`, ...), for `SEARCH CHARSET charset`. ASCII strings are
    /// the same in every charset; strings given as bytes that are not UTF-8 are taken as
    /// already written in it.
    ///
    /// # Errors
    /// [`CharsetError::Unmappable`] naming the first character the charset cannot write;
    /// [`CharsetError::Unknown`] for a charset `encoding_rs` does not know when a string is
    /// not ASCII; [`CharsetError::InvalidName`] for a name with CR, LF or NUL.
    pub fn in_charset(&self, charset: &str) -> Result<InCharset, CharsetError> {
        if charset.contains(['\r', '\n', '\0']) {
            return Err(CharsetError::InvalidName);
        }
        let w = Writer::for_name(charset);
        let keys = self
            .keys()
            .iter()
            .map(|k| write_key(k, w, charset))
            .collect::<Result<_, _>>()?;
        Ok(InCharset {
            charset: Str::from(charset),
            keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(q: &InCharset) -> &[u8] {
        match &q.keys[0] {
            SearchKey::Subject(s) => s.as_bytes(),
            k => panic!("not a subject: {k:?}"),
        }
    }

    #[test]
    fn strings_are_written_in_the_charset() {
        let q = Query::new().subject("Grüße").unseen();
        let latin1 = q.in_charset("ISO-8859-1").unwrap();
        assert_eq!(latin1.charset.as_bytes(), b"ISO-8859-1");
        assert_eq!(subject(&latin1), b"Gr\xfc\xdfe");
        assert_eq!(latin1.keys[1], SearchKey::Unseen);
        let koi8 = Query::new().subject("Привет").in_charset("koi8-r").unwrap();
        assert_eq!(subject(&koi8), b"\xf0\xd2\xc9\xd7\xc5\xd4");
        let utf8 = q.in_charset("utf-8").unwrap();
        assert_eq!(subject(&utf8), "Grüße".as_bytes());
    }

    #[test]
    fn nested_keys_are_written_too() {
        let q = Query::new().or(Query::new().from("José"), Query::new().to("Zoë"));
        let w = q.in_charset("windows-1252").unwrap();
        let SearchKey::Or(a, b) = &w.keys[0] else {
            panic!("{w:?}")
        };
        assert_eq!(**a, SearchKey::From(Str::from(b"Jos\xe9".to_vec())));
        assert_eq!(**b, SearchKey::To(Str::from(b"Zo\xeb".to_vec())));
    }

    #[test]
    fn what_the_charset_cannot_write_is_refused() {
        let q = Query::new().subject("Grüße €");
        assert_eq!(
            q.in_charset("ISO-8859-1"),
            Err(CharsetError::Unmappable {
                charset: "ISO-8859-1".into(),
                ch: '€'
            })
        );
        assert_eq!(
            Query::new()
                .subject("€")
                .in_charset("windows-1252")
                .unwrap()
                .keys[0],
            SearchKey::Subject(Str::from(b"\x80".to_vec()))
        );
        assert_eq!(
            q.in_charset("US-ASCII"),
            Err(CharsetError::Unmappable {
                charset: "US-ASCII".into(),
                ch: 'ü'
            })
        );
        assert_eq!(
            q.in_charset("X-UNHEARD-OF"),
            Err(CharsetError::Unknown("X-UNHEARD-OF".into()))
        );
        assert_eq!(q.in_charset("UTF-8\r\nX"), Err(CharsetError::InvalidName));
    }

    #[test]
    fn ascii_goes_in_any_charset_and_raw_bytes_stay() {
        let q = Query::new().subject("hello").body(b"caf\xe9".to_vec());
        let w = q.in_charset("X-UNHEARD-OF").unwrap();
        assert_eq!(subject(&w), b"hello");
        assert_eq!(w.keys[1], SearchKey::Body(Str::from(b"caf\xe9".to_vec())));
    }
}
