//! SEARCH, SORT and THREAD criteria in a charset other than UTF-8 (RFC 9051 section 6.4.4,
//! RFC 5256 section 3): their strings are read into UTF-8 before matching, by the charsets
//! `imap_core::decode::charset` reads mail with. `US-ASCII` and `UTF-8` need nothing.

use imap_core::decode::charset::{decode, encoding_for};
use imap_core::types::{SearchKey, Str};

/// The charsets a `BADCHARSET` lists: a sample, any charset `encoding_rs` knows is taken.
pub const LISTED: &[&str] = &["UTF-8", "US-ASCII", "ISO-8859-1", "windows-1252", "KOI8-R"];

/// `keys` with their strings read from `charset` into UTF-8; `None` for a charset this server
/// does not know (the command is answered `NO [BADCHARSET]`).
pub fn to_utf8(charset: &str, keys: Vec<SearchKey>) -> Option<Vec<SearchKey>> {
    if ["UTF-8", "US-ASCII"]
        .iter()
        .any(|c| charset.eq_ignore_ascii_case(c))
    {
        return Some(keys);
    }
    // UTF-16 cannot carry IMAP strings: unknown like a name nobody uses.
    encoding_for(charset).filter(|e| e.output_encoding() == *e)?;
    Some(keys.into_iter().map(|k| key(k, charset)).collect())
}

fn key(k: SearchKey, charset: &str) -> SearchKey {
    use SearchKey as K;
    // `decode` knows `charset`: checked by the caller.
    let s = |v: Str| Str::from(decode(v.as_bytes(), charset).unwrap_or_default());
    match k {
        K::Bcc(v) => K::Bcc(s(v)),
        K::Body(v) => K::Body(s(v)),
        K::Cc(v) => K::Cc(s(v)),
        K::From(v) => K::From(s(v)),
        K::Subject(v) => K::Subject(s(v)),
        K::Text(v) => K::Text(s(v)),
        K::To(v) => K::To(s(v)),
        K::Header(name, v) => K::Header(name, s(v)),
        K::Not(k) => K::Not(Box::new(key(*k, charset))),
        K::Or(a, b) => K::Or(Box::new(key(*a, charset)), Box::new(key(*b, charset))),
        K::And(v) => K::And(v.into_iter().map(|k| key(k, charset)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_read_from_the_charset() {
        let keys = vec![
            SearchKey::Subject(Str::from(b"Gr\xfc\xdfe".to_vec())),
            SearchKey::Not(Box::new(SearchKey::From(Str::from(b"Jos\xe9".to_vec())))),
            SearchKey::Seen,
        ];
        let read = to_utf8("ISO-8859-1", keys).unwrap();
        assert_eq!(read[0], SearchKey::Subject(Str::from("Grüße")));
        assert_eq!(
            read[1],
            SearchKey::Not(Box::new(SearchKey::From(Str::from("José"))))
        );
        assert_eq!(read[2], SearchKey::Seen);
        let koi8 = to_utf8(
            "koi8-r",
            vec![SearchKey::Body(Str::from(b"\xf0\xd2".to_vec()))],
        );
        assert_eq!(koi8.unwrap()[0], SearchKey::Body(Str::from("Пр")));
    }

    #[test]
    fn unknown_charsets_are_refused() {
        assert_eq!(to_utf8("X-NOBODY", vec![SearchKey::All]), None);
        assert_eq!(to_utf8("UTF-16", vec![SearchKey::All]), None);
        assert_eq!(
            to_utf8("utf-8", vec![SearchKey::All]),
            Some(vec![SearchKey::All])
        );
    }
}
