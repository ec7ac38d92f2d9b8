//! RFC 2047 encoded words (`=?charset?Q?...?=`, `=?charset?B?...?=`) in unstructured header
//! text: ENVELOPE subjects and address display names.

use super::charset;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Base64 as mailers write it in B words: padding optional, trailing bits tolerated.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// One encoded word, found in the text: its charset and its decoded octets.
struct Word<'a> {
    charset: &'a str,
    octets: Vec<u8>,
    /// Bytes of the text the word took, from its `=?`.
    len: usize,
}

/// Decodes the encoded words of a header value and joins the rest as text.
///
/// RFC 2047 section 6.2: whitespace between adjacent encoded words is ignored, and adjacent
/// words in one charset are joined before the charset is decoded, so a character split across
/// two words comes out whole. A word that does not decode (unknown charset, bad base64, a
/// missing `?=`) is kept as written; text outside words is UTF-8, or Windows-1252 when it is not
/// valid UTF-8. Never fails; the result is at most a few times the input's size.
pub fn decode_words(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    // Octets of the adjacent words of one charset not yet decoded.
    let mut pending: Option<(&str, Vec<u8>)> = None;
    // Text since the last word (or the start), not yet written.
    let mut text_from = 0;
    let mut i = 0;
    while i < raw.len() {
        let word = if raw[i] == b'=' && raw.get(i + 1) == Some(&b'?') {
            parse_word(&raw[i..])
        } else {
            None
        };
        let Some(word) = word else {
            i += 1;
            continue;
        };
        let gap = &raw[text_from..i];
        let adjacent = pending.is_some() && gap.iter().all(|b| b" \t\r\n".contains(b));
        if !adjacent {
            flush(&mut out, &mut pending);
            out.push_str(&charset::decode_unlabelled(gap));
        }
        match &mut pending {
            Some((cs, octets)) if cs.eq_ignore_ascii_case(word.charset) => {
                octets.extend_from_slice(&word.octets)
            }
            _ => {
                flush(&mut out, &mut pending);
                pending = Some((word.charset, word.octets));
            }
        }
        i += word.len;
        text_from = i;
    }
    flush(&mut out, &mut pending);
    out.push_str(&charset::decode_unlabelled(&raw[text_from..]));
    out
}

fn flush(out: &mut String, pending: &mut Option<(&str, Vec<u8>)>) {
    if let Some((cs, octets)) = pending.take() {
        // `parse_word` only accepts words of a known charset.
        out.push_str(&charset::decode(&octets, cs).unwrap_or_default());
    }
}

/// One encoded word at the start of `s`, or `None` when it is not one that decodes.
///
/// RFC 2047 section 2: `encoded-word = "=?" charset "?" encoding "?" encoded-text "?="`, with
/// `charset` a token (RFC 2231 section 5 adds an optional `*language`), `encoding` `Q` or `B`
/// in either case, and `encoded-text` printable ASCII without `?`. Spaces inside the text, which
/// some mailers write, are accepted; the 75-character limit is not enforced.
fn parse_word(s: &[u8]) -> Option<Word<'_>> {
    let rest = s.strip_prefix(b"=?")?;
    let cs_end = rest.iter().position(|&b| b == b'?')?;
    let charset = std::str::from_utf8(&rest[..cs_end]).ok()?;
    if charset.is_empty()
        || charset
            .bytes()
            .any(|b| b.is_ascii_whitespace() || !b.is_ascii())
    {
        return None;
    }
    charset::encoding_for(charset)?;
    let rest = &rest[cs_end + 1..];
    let (&enc, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    let text_end = rest.iter().position(|&b| b == b'?')?;
    if rest.get(text_end + 1) != Some(&b'=') {
        return None;
    }
    let text = &rest[..text_end];
    if text
        .iter()
        .any(|&b| b == b'\r' || b == b'\n' || !b.is_ascii())
    {
        return None;
    }
    let octets = match enc.to_ascii_uppercase() {
        b'B' => LENIENT_BASE64.decode(text).ok()?,
        b'Q' => decode_q(text),
        _ => return None,
    };
    Some(Word {
        charset,
        octets,
        len: 2 + cs_end + 1 + 2 + text_end + 2,
    })
}

/// The Q encoding (RFC 2047 section 4.2): `_` is a space, `=XX` an octet; an `=` not followed
/// by two hex digits is kept as it is.
fn decode_q(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => {
                if let Some(b) = super::hex_octet(&text[i + 1..]) {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf8_q_of_real_mail() {
        assert_eq!(
            decode_words(b"=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?="),
            "Grüße aus München"
        );
        assert_eq!(decode_words(b"=?utf-8?q?caf=c3=a9?="), "café");
    }

    #[test]
    fn iso_2022_jp_b() {
        // "こんにちは" as ISO-2022-JP, as Japanese mailers send subjects.
        assert_eq!(
            decode_words(b"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?="),
            "こんにちは"
        );
    }

    #[test]
    fn single_byte_and_cjk_charsets() {
        assert_eq!(decode_words(b"=?iso-8859-1?q?J=F6rg?= <x>"), "Jörg <x>");
        assert_eq!(decode_words(b"=?KOI8-R?B?8NLJ18XU?="), "Привет");
        assert_eq!(decode_words(b"=?windows-1251?Q?=CF=F0=E8?="), "При");
        assert_eq!(decode_words(b"=?GB2312?B?xOO6ww==?="), "你好");
        assert_eq!(decode_words(b"=?big5?B?pKSk5Q==?="), "中文");
        assert_eq!(decode_words(b"=?Shift_JIS?B?k/qWe4zq?="), "日本語");
    }

    #[test]
    fn adjacent_words_join_and_a_split_character_comes_out_whole() {
        // "ü" is C3 BC: the first word ends with C3, the next starts with BC.
        assert_eq!(
            decode_words(b"=?UTF-8?Q?M=C3?=\r\n =?UTF-8?Q?=BCnchen?="),
            "München"
        );
        // Same in base64: "Grüße" split after its first byte of "ü".
        assert_eq!(
            decode_words(b"=?UTF-8?B?R3LD?= =?UTF-8?B?vMOfZQ==?="),
            "Grüße"
        );
        // Space between a word and text is kept; between words it is not.
        assert_eq!(
            decode_words(b"Re: =?UTF-8?Q?a?= =?UTF-8?Q?b?= c"),
            "Re: ab c"
        );
        // Words in different charsets are each decoded in their own.
        assert_eq!(
            decode_words(b"=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?="),
            "éé"
        );
    }

    #[test]
    fn malformed_words_are_kept_as_written() {
        for raw in [
            "=?UTF-8?Q?never closed",
            "=?UTF-8?X?abc?=",
            "=?x-unknown?Q?abc?=",
            "=??Q?abc?=",
            "=?UTF-8?B?***?=",
            "a =? b ?= c",
        ] {
            assert_eq!(decode_words(raw.as_bytes()), raw);
        }
        // A bad `=` escape inside a Q word is kept as text.
        assert_eq!(decode_words(b"=?utf-8?q?100=_sure?="), "100= sure");
        assert_eq!(decode_words(b"=?utf-8?q?=+1?="), "=+1");
        // A broken word next to a good one: both texts survive.
        assert_eq!(
            decode_words(b"=?UTF-8?Q?ok?= =?UTF-8?B?***?="),
            "ok =?UTF-8?B?***?="
        );
    }

    #[test]
    fn raw_eight_bit_text_is_not_lost() {
        assert_eq!(decode_words("Grüße".as_bytes()), "Grüße");
        assert_eq!(decode_words(b"Gr\xfc\xdfe"), "Grüße");
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_small(raw in proptest::collection::vec(any::<u8>(), 0..200)) {
            let out = decode_words(&raw);
            // Windows-1252 fallback is at most 3 UTF-8 bytes per input byte.
            prop_assert!(out.len() <= 3 * raw.len() + 3);
        }

        #[test]
        fn words_with_any_bytes_never_panic(
            cs in "(utf-8|iso-8859-1|iso-2022-jp|gbk|x-none)",
            enc in "[qQbBx]",
            text in "[ -~]{0,40}",
        ) {
            let _ = decode_words(format!("a =?{cs}?{enc}?{text}?= b").as_bytes());
        }

        #[test]
        fn plain_ascii_passes_through(s in "[ -~]{0,120}") {
            prop_assume!(!s.contains("=?"));
            prop_assert_eq!(decode_words(s.as_bytes()), s);
        }
    }
}
