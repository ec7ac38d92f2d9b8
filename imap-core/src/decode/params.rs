//! MIME parameters of BODYSTRUCTURE (`filename`, `name`, `charset`, ...) as plain strings:
//! RFC 2231 extended values and continuations, and the RFC 2047 words many mailers put in
//! quoted file names although RFC 2047 section 5 forbids them there.

use super::{charset, words};
use crate::types::Str;
use std::collections::BTreeMap;

/// A parameter's value as a person reads it, with the charset and language RFC 2231 gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamValue {
    /// The decoded value.
    pub value: String,
    /// The charset of an extended value (`utf-8` in `filename*=utf-8''...`).
    pub charset: Option<String>,
    /// The language of an extended value (`en` in `title*=us-ascii'en'...`).
    pub language: Option<String>,
}

/// The value of parameter `name` (without regard to case), decoded.
///
/// In order of preference, as RFC 2231 senders write both forms for older readers: the
/// extended `name*=charset'lang'text`, the continuations `name*0=`, `name*1*=`, ... (section 3;
/// only an unbroken run from `*0` counts), then the plain `name=`, whose RFC 2047 words are
/// decoded. A charset `encoding_rs` does not know leaves the octets read as UTF-8 (lossily).
pub fn param(params: &[(Str, Str)], name: &str) -> Option<ParamValue> {
    extended(params, name)
        .or_else(|| continued(params, name))
        .or_else(|| {
            let (_, v) = params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))?;
            Some(ParamValue {
                value: words::decode_words(v.as_bytes()),
                charset: None,
                language: None,
            })
        })
}

/// The decoded value of parameter `name`, as a plain string ([`param`]).
pub fn param_text(params: &[(Str, Str)], name: &str) -> Option<String> {
    param(params, name).map(|p| p.value)
}

/// `name*=ext-value` (RFC 2231 section 4).
fn extended(params: &[(Str, Str)], name: &str) -> Option<ParamValue> {
    let (_, v) = params.iter().find(|(k, _)| {
        let k = k.as_bytes();
        k.len() == name.len() + 1
            && k.ends_with(b"*")
            && k[..name.len()].eq_ignore_ascii_case(name.as_bytes())
    })?;
    let (charset, language, octets) = ext_value(v.as_bytes());
    Some(finish(charset, language, &octets))
}

/// `name*0`, `name*1*`, ... (RFC 2231 section 3, with section 4.1's encoded segments):
/// `name*N` is literal text, `name*N*` is percent-encoded, and only segment 0 carries the
/// `charset'language'` prefix.
fn continued(params: &[(Str, Str)], name: &str) -> Option<ParamValue> {
    // Index -> (encoded?, raw value); a repeated index keeps the first.
    let mut segments: BTreeMap<u32, (bool, &[u8])> = BTreeMap::new();
    for (k, v) in params {
        let k = k.as_bytes();
        if k.len() <= name.len() + 1
            || !k[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            || k[name.len()] != b'*'
        {
            continue;
        }
        let rest = &k[name.len() + 1..];
        let (digits, encoded) = match rest.strip_suffix(b"*") {
            Some(d) => (d, true),
            None => (rest, false),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            continue;
        }
        let Some(n) = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok())
        else {
            continue;
        };
        segments.entry(n).or_insert((encoded, v.as_bytes()));
    }
    let &(first_encoded, _) = segments.get(&0)?;
    let mut charset = None;
    let mut language = None;
    let mut octets = Vec::new();
    for (expect, (n, (encoded, raw))) in segments.iter().enumerate() {
        if u32::try_from(expect).ok() != Some(*n) {
            break;
        }
        if *n == 0 && first_encoded {
            let (c, l, o) = ext_value(raw);
            (charset, language) = (c, l);
            octets.extend_from_slice(&o);
        } else if *encoded {
            octets.extend_from_slice(&percent_decode(raw));
        } else {
            octets.extend_from_slice(raw);
        }
    }
    Some(finish(charset, language, &octets))
}

/// `ext-value = [charset] "'" [language] "'" extended-other-values` (RFC 2231 section 7);
/// without the two quotes, the whole value is the percent-encoded text.
fn ext_value(raw: &[u8]) -> (Option<String>, Option<String>, Vec<u8>) {
    let mut parts = raw.splitn(3, |&b| b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(cs), Some(lang), Some(text)) => {
            let nonempty =
                |b: &[u8]| (!b.is_empty()).then(|| String::from_utf8_lossy(b).into_owned());
            (nonempty(cs), nonempty(lang), percent_decode(text))
        }
        _ => (None, None, percent_decode(raw)),
    }
}

fn finish(charset: Option<String>, language: Option<String>, octets: &[u8]) -> ParamValue {
    let value = charset
        .as_deref()
        .and_then(|cs| charset::decode(octets, cs))
        .unwrap_or_else(|| charset::decode_unlabelled(octets));
    ParamValue {
        value,
        charset,
        language,
    }
}

/// `%XX` to its octet; a `%` without two hex digits stays as it is.
fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let Some(b) = super::hex_octet(&raw[i + 1..])
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn params(list: &[(&str, &str)]) -> Vec<(Str, Str)> {
        list.iter()
            .map(|(k, v)| (Str::from(*k), Str::from(*v)))
            .collect()
    }

    #[test]
    fn extended_value_with_charset_and_language() {
        let p = params(&[("FILENAME*", "utf-8'de'Gr%C3%BC%C3%9Fe.pdf")]);
        assert_eq!(
            param(&p, "filename"),
            Some(ParamValue {
                value: "Grüße.pdf".into(),
                charset: Some("utf-8".into()),
                language: Some("de".into()),
            })
        );
        let p = params(&[("filename*", "iso-8859-1''Men%FC.txt")]);
        assert_eq!(param_text(&p, "filename").as_deref(), Some("Menü.txt"));
    }

    #[test]
    fn continuations_encoded_and_plain() {
        // RFC 2231 section 4.1's example, in another order than sent.
        let p = params(&[
            ("title*1*", "%2A%2A%2Afun%2A%2A%2A%20"),
            ("title*0*", "us-ascii'en'This%20is%20even%20more%20"),
            ("title*2", "isn't it!"),
        ]);
        assert_eq!(
            param(&p, "title"),
            Some(ParamValue {
                value: "This is even more ***fun*** isn't it!".into(),
                charset: Some("us-ascii".into()),
                language: Some("en".into()),
            })
        );
        // A multi-byte character split across two segments (Thunderbird does this).
        let p = params(&[
            ("filename*0*", "UTF-8''%E6%97%A5%E6%9C"),
            ("filename*1*", "%AC.txt"),
        ]);
        assert_eq!(param_text(&p, "filename").as_deref(), Some("日本.txt"));
        // Plain continuations without charset; a gap ends the run.
        let p = params(&[("name*0", "long"), ("name*1", "name"), ("name*3", "lost")]);
        assert_eq!(param_text(&p, "name").as_deref(), Some("longname"));
    }

    #[test]
    fn plain_values_with_rfc2047_words() {
        let p = params(&[("name", "=?UTF-8?B?w4RwZmVsLnBkZg==?="), ("x", "y")]);
        assert_eq!(param_text(&p, "NAME").as_deref(), Some("Äpfel.pdf"));
        assert_eq!(param_text(&p, "missing"), None);
    }

    #[test]
    fn extended_wins_over_plain_and_broken_forms_survive() {
        let p = params(&[
            ("filename", "fallback.txt"),
            ("filename*", "utf-8''real.txt"),
        ]);
        assert_eq!(param_text(&p, "filename").as_deref(), Some("real.txt"));
        let p = params(&[("filename*", "no-quotes%2")]);
        assert_eq!(param_text(&p, "filename").as_deref(), Some("no-quotes%2"));
        let p = params(&[("filename*", "x-unknown''caf%C3%A9")]);
        assert_eq!(param_text(&p, "filename").as_deref(), Some("café"));
    }

    proptest! {
        #[test]
        fn never_panics(
            keys in proptest::collection::vec("name(\\*[0-9]{0,3}\\*?)?", 0..6),
            values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..20), 6),
        ) {
            let list: Vec<(Str, Str)> = keys
                .iter()
                .zip(&values)
                .map(|(k, v)| (Str::from(k.as_str()), Str::from(v.clone())))
                .collect();
            let _ = param(&list, "name");
        }
    }
}
