//! IMAP modified UTF-7 for mailbox names (RFC 3501 section 5.1.3, RFC 9051 appendix A.1).
//!
//! In modified UTF-7, printable US-ASCII characters (0x20-0x7e) other than `&` represent
//! themselves, `&` is written `&-`, and every other run of characters is written as `&`,
//! the modified base64 encoding (alphabet `A-Z a-z 0-9 + ,`, no padding) of its UTF-16BE
//! code units, and a closing `-`.
//!
//! # Strictness
//!
//! The RFC permits exactly one encoding of each name, and [`decode_utf7`] accepts only that
//! canonical form, so that `encode_utf7(decode_utf7(x)?) == x` for every accepted `x`.
//! In particular it rejects:
//!
//! * raw bytes outside printable US-ASCII ([`Utf7Error::InvalidByte`]);
//! * a base64 run that is not closed by `-`, including an implicit shift back to US-ASCII
//!   such as `&Jjo!` ([`Utf7Error::InvalidBase64`], [`Utf7Error::Unterminated`]);
//! * a base64 run that directly follows another one, such as `&U,BTFw-&ZeVnLIqe-`: this is
//!   the "null shift" `-&` the RFC forbids; the correct form is `&U,BTF2XlZyyKng-`
//!   ([`Utf7Error::SuperfluousShift`]). A literal `&-` right after a run (`&AOk-&-`) is
//!   allowed, because it is not a shift;
//! * printable US-ASCII (including `&`) encoded in base64 ([`Utf7Error::EncodedAscii`]);
//! * runs whose length leaves a partial UTF-16 code unit or non-zero leftover bits
//!   ([`Utf7Error::PartialCodeUnit`], [`Utf7Error::NonZeroPadding`]);
//! * unpaired UTF-16 surrogates, including a pair split across two runs
//!   ([`Utf7Error::UnpairedSurrogate`]).

use std::borrow::Cow;

/// The modified base64 alphabet: standard base64 with `,` instead of `/`.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Why a byte string is not canonical modified UTF-7.
///
/// Every variant carries the byte offset in the input at which the problem was detected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Utf7Error {
    /// A byte outside printable US-ASCII (0x20-0x7e) appeared outside a base64 run.
    #[error("byte 0x{byte:02x} at offset {offset} is not printable US-ASCII")]
    InvalidByte {
        /// Offset of the offending byte.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// A byte inside a base64 run is neither in the modified base64 alphabet nor the
    /// closing `-` (there is no implicit shift back to US-ASCII).
    #[error("byte 0x{byte:02x} at offset {offset} is not in the modified base64 alphabet")]
    InvalidBase64 {
        /// Offset of the offending byte.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// The input ended inside a base64 run; names must end in US-ASCII.
    #[error("base64 run starting at offset {offset} is not terminated by '-'")]
    Unterminated {
        /// Offset of the `&` that opened the run.
        offset: usize,
    },
    /// A base64 run directly follows another one (a forbidden null shift `-&`); the two
    /// runs must be merged.
    #[error("superfluous shift at offset {offset}: base64 run directly follows another")]
    SuperfluousShift {
        /// Offset of the `&` that opened the second run.
        offset: usize,
    },
    /// A base64 run encodes a printable US-ASCII character, which must represent itself
    /// (or, for `&`, be written `&-`).
    #[error("printable US-ASCII {ch:?} base64-encoded at offset {offset}")]
    EncodedAscii {
        /// Offset of the base64 character that completed the code unit.
        offset: usize,
        /// The encoded character.
        ch: char,
    },
    /// A base64 run ends with 6 or more bits that do not form a whole UTF-16 code unit.
    #[error("base64 run ending at offset {offset} holds a partial UTF-16 code unit")]
    PartialCodeUnit {
        /// Offset of the closing `-`.
        offset: usize,
    },
    /// The bits left over at the end of a base64 run are not all zero.
    #[error("base64 run ending at offset {offset} has non-zero leftover bits")]
    NonZeroPadding {
        /// Offset of the closing `-`.
        offset: usize,
    },
    /// A UTF-16 surrogate is not part of a valid high/low pair within one run.
    #[error("unpaired UTF-16 surrogate 0x{unit:04X} at offset {offset}")]
    UnpairedSurrogate {
        /// Offset of the base64 character that completed the surrogate code unit.
        offset: usize,
        /// The unpaired surrogate code unit.
        unit: u16,
    },
}

impl Utf7Error {
    /// The byte offset in the input at which the problem was detected.
    pub fn offset(&self) -> usize {
        match *self {
            Utf7Error::InvalidByte { offset, .. }
            | Utf7Error::InvalidBase64 { offset, .. }
            | Utf7Error::Unterminated { offset }
            | Utf7Error::SuperfluousShift { offset }
            | Utf7Error::EncodedAscii { offset, .. }
            | Utf7Error::PartialCodeUnit { offset }
            | Utf7Error::NonZeroPadding { offset }
            | Utf7Error::UnpairedSurrogate { offset, .. } => offset,
        }
    }
}

/// Whether `b` represents itself in modified UTF-7: printable US-ASCII except `&`.
#[inline]
fn is_direct(b: u8) -> bool {
    matches!(b, 0x20..=0x25 | 0x27..=0x7e)
}

/// Whether `c` is printable US-ASCII (0x20-0x7e), i.e. must not be base64-encoded.
#[inline]
fn is_printable_ascii(c: char) -> bool {
    matches!(c, '\x20'..='\x7e')
}

/// Value of a modified base64 character, or `None` if it is not in the alphabet.
#[inline]
fn base64_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Encode a Unicode mailbox name into modified UTF-7.
///
/// Printable US-ASCII except `&` passes through, `&` becomes `&-`, and each maximal run of
/// other characters becomes `&` + modified base64 of its UTF-16BE code units (`,` instead of
/// `/`, no padding) + `-`. The output is always printable US-ASCII and canonical.
pub fn encode_utf7(name: &str) -> String {
    encode_utf7_cow(name).into_owned()
}

/// Like [`encode_utf7`], but borrows `name` unchanged when nothing needs encoding (it is
/// printable US-ASCII without `&`), so the common case does not allocate.
pub fn encode_utf7_cow(name: &str) -> Cow<'_, str> {
    let Some(first) = name.bytes().position(|b| !is_direct(b)) else {
        return Cow::Borrowed(name);
    };
    let mut out = String::with_capacity(name.len() + name.len() / 2 + 8);
    out.push_str(&name[..first]);
    let mut chars = name[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '&' {
            out.push_str("&-");
        } else if is_printable_ascii(c) {
            out.push(c);
        } else {
            out.push('&');
            let mut acc: u32 = 0;
            let mut nbits: u32 = 0;
            let mut units = [0u16; 2];
            let mut next = Some(c);
            while let Some(c) = next {
                for &unit in c.encode_utf16(&mut units).iter() {
                    acc = (acc << 16) | u32::from(unit);
                    nbits += 16;
                    while nbits >= 6 {
                        nbits -= 6;
                        out.push(char::from(ALPHABET[((acc >> nbits) & 0x3f) as usize]));
                    }
                    acc &= (1 << nbits) - 1;
                }
                next = chars.next_if(|&c| !is_printable_ascii(c));
            }
            if nbits > 0 {
                out.push(char::from(ALPHABET[((acc << (6 - nbits)) & 0x3f) as usize]));
            }
            out.push('-');
        }
    }
    Cow::Owned(out)
}

/// Decode a modified UTF-7 mailbox name, accepting only the canonical form.
///
/// See the [module documentation](self) for exactly what is rejected; the error says what
/// was wrong and at which byte offset.
pub fn decode_utf7(bytes: &[u8]) -> Result<String, Utf7Error> {
    decode_utf7_cow(bytes).map(Cow::into_owned)
}

/// Like [`decode_utf7`], but borrows the input unchanged when it is printable US-ASCII
/// without `&`, so the common case does not allocate.
pub fn decode_utf7_cow(bytes: &[u8]) -> Result<Cow<'_, str>, Utf7Error> {
    let Some(first) = bytes.iter().position(|&b| !is_direct(b)) else {
        // All bytes are printable ASCII, hence valid UTF-8.
        let s = std::str::from_utf8(bytes).expect("printable US-ASCII is valid UTF-8");
        return Ok(Cow::Borrowed(s));
    };
    let mut out = String::with_capacity(bytes.len());
    out.push_str(std::str::from_utf8(&bytes[..first]).expect("printable US-ASCII is valid UTF-8"));
    let mut i = first;
    // Offset just past the `-` that closed the most recent base64 run.
    let mut last_run_end: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if is_direct(b) {
            out.push(char::from(b));
            i += 1;
        } else if b != b'&' {
            return Err(Utf7Error::InvalidByte { offset: i, byte: b });
        } else if bytes.get(i + 1) == Some(&b'-') {
            out.push('&');
            i += 2;
        } else {
            if last_run_end == Some(i) {
                return Err(Utf7Error::SuperfluousShift { offset: i });
            }
            i = decode_run(bytes, i, &mut out)?;
            last_run_end = Some(i);
        }
    }
    Ok(Cow::Owned(out))
}

/// Decode the non-empty base64 run opened by the `&` at `start`, appending to `out`.
/// Returns the offset just past the closing `-`.
fn decode_run(bytes: &[u8], start: usize, out: &mut String) -> Result<usize, Utf7Error> {
    let mut acc: u32 = 0;
    let mut nbits: u32 = 0;
    // A high surrogate waiting for its low half, with the offset where it was completed.
    let mut pending_high: Option<(u16, usize)> = None;
    let mut i = start + 1;
    loop {
        let Some(&c) = bytes.get(i) else {
            return Err(Utf7Error::Unterminated { offset: start });
        };
        if c == b'-' {
            break;
        }
        let v = base64_value(c).ok_or(Utf7Error::InvalidBase64 { offset: i, byte: c })?;
        acc = (acc << 6) | v;
        nbits += 6;
        if nbits >= 16 {
            nbits -= 16;
            let unit = (acc >> nbits) as u16;
            acc &= (1 << nbits) - 1;
            match (pending_high.take(), unit) {
                (Some((high, _)), 0xDC00..=0xDFFF) => {
                    let c =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    out.push(char::from_u32(c).expect("surrogate pair yields a valid scalar"));
                }
                (Some((high, at)), _) => {
                    return Err(Utf7Error::UnpairedSurrogate {
                        offset: at,
                        unit: high,
                    });
                }
                (None, 0xD800..=0xDBFF) => pending_high = Some((unit, i)),
                (None, 0xDC00..=0xDFFF) => {
                    return Err(Utf7Error::UnpairedSurrogate { offset: i, unit });
                }
                (None, _) => {
                    let ch = char::from_u32(u32::from(unit)).expect("non-surrogate BMP unit");
                    if is_printable_ascii(ch) {
                        return Err(Utf7Error::EncodedAscii { offset: i, ch });
                    }
                    out.push(ch);
                }
            }
        }
        i += 1;
    }
    if let Some((unit, offset)) = pending_high {
        return Err(Utf7Error::UnpairedSurrogate { offset, unit });
    }
    if nbits >= 6 {
        return Err(Utf7Error::PartialCodeUnit { offset: i });
    }
    if acc != 0 {
        return Err(Utf7Error::NonZeroPadding { offset: i });
    }
    Ok(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RFC_ENCODED: &str = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
    const RFC_DECODED: &str = "~peter/mail/台北/日本語";

    fn dec(s: &str) -> Result<String, Utf7Error> {
        decode_utf7(s.as_bytes())
    }

    #[test]
    fn rfc_example_round_trip() {
        assert_eq!(encode_utf7(RFC_DECODED), RFC_ENCODED);
        assert_eq!(dec(RFC_ENCODED).unwrap(), RFC_DECODED);
    }

    #[test]
    fn rfc_merged_form() {
        // RFC 9051 A.1: the correct form of "&U,BTFw-&ZeVnLIqe-".
        assert_eq!(encode_utf7("台北日本語"), "&U,BTF2XlZyyKng-");
        assert_eq!(dec("&U,BTF2XlZyyKng-").unwrap(), "台北日本語");
        // RFC 9051 A.1: the correct form of "&Jjo!".
        assert_eq!(dec("&Jjo-!").unwrap(), "\u{263a}!");
        assert_eq!(encode_utf7("\u{263a}!"), "&Jjo-!");
    }

    #[test]
    fn ampersand() {
        assert_eq!(encode_utf7("&"), "&-");
        assert_eq!(encode_utf7("a&b&&"), "a&-b&-&-");
        assert_eq!(dec("&-").unwrap(), "&");
        assert_eq!(dec("a&-b&-&-").unwrap(), "a&b&&");
        // A literal "&-" right after a run is not a null shift.
        assert_eq!(encode_utf7("é&é"), "&AOk-&-&AOk-");
        assert_eq!(dec("&AOk-&-&AOk-").unwrap(), "é&é");
    }

    #[test]
    fn emoji_surrogate_pairs() {
        assert_eq!(encode_utf7("😀"), "&2D3eAA-");
        assert_eq!(dec("&2D3eAA-").unwrap(), "😀");
        let s = "Inbox/📬 mail 🎉🎉";
        assert_eq!(dec(&encode_utf7(s)).unwrap(), s);
    }

    #[test]
    fn empty_and_plain() {
        assert_eq!(encode_utf7(""), "");
        assert_eq!(dec("").unwrap(), "");
        assert_eq!(
            encode_utf7("INBOX/Sent Items ~+\\"),
            "INBOX/Sent Items ~+\\"
        );
        assert_eq!(
            dec("INBOX/Sent Items ~+\\").unwrap(),
            "INBOX/Sent Items ~+\\"
        );
    }

    #[test]
    fn control_characters_are_encoded() {
        assert_eq!(encode_utf7("a\tb"), "a&AAk-b");
        assert_eq!(dec("a&AAk-b").unwrap(), "a\tb");
        assert_eq!(encode_utf7("\0\u{7f}"), "&AAAAfw-");
        assert_eq!(dec("&AAAAfw-").unwrap(), "\0\u{7f}");
    }

    #[test]
    fn cow_fast_paths_borrow() {
        assert!(matches!(
            encode_utf7_cow("INBOX.Drafts"),
            Cow::Borrowed("INBOX.Drafts")
        ));
        assert!(matches!(encode_utf7_cow("a&b"), Cow::Owned(_)));
        assert!(matches!(
            decode_utf7_cow(b"INBOX.Drafts"),
            Ok(Cow::Borrowed("INBOX.Drafts"))
        ));
        assert!(matches!(decode_utf7_cow(b"a&-b"), Ok(Cow::Owned(_))));
        assert!(matches!(encode_utf7_cow(""), Cow::Borrowed("")));
        assert!(matches!(decode_utf7_cow(b""), Ok(Cow::Borrowed(""))));
    }

    #[test]
    fn error_invalid_byte() {
        assert_eq!(
            dec("ab\tc"),
            Err(Utf7Error::InvalidByte {
                offset: 2,
                byte: b'\t'
            })
        );
        assert_eq!(
            decode_utf7(b"ab\xc3\xa9"),
            Err(Utf7Error::InvalidByte {
                offset: 2,
                byte: 0xc3
            })
        );
        assert_eq!(
            dec("\x7f"),
            Err(Utf7Error::InvalidByte {
                offset: 0,
                byte: 0x7f
            })
        );
    }

    #[test]
    fn error_invalid_base64() {
        // No implicit shift back to US-ASCII (RFC 9051 A.1 example).
        assert_eq!(
            dec("&Jjo!"),
            Err(Utf7Error::InvalidBase64 {
                offset: 4,
                byte: b'!'
            })
        );
        // '/' is standard base64 but not modified base64.
        assert_eq!(
            dec("&U/BTFw-"),
            Err(Utf7Error::InvalidBase64 {
                offset: 2,
                byte: b'/'
            })
        );
        // No padding.
        assert_eq!(
            dec("&AOk=-"),
            Err(Utf7Error::InvalidBase64 {
                offset: 4,
                byte: b'='
            })
        );
    }

    #[test]
    fn error_unterminated() {
        assert_eq!(dec("&"), Err(Utf7Error::Unterminated { offset: 0 }));
        assert_eq!(dec("ab&Jjo"), Err(Utf7Error::Unterminated { offset: 2 }));
        assert_eq!(dec("x&AOk"), Err(Utf7Error::Unterminated { offset: 1 }));
    }

    #[test]
    fn error_superfluous_shift() {
        assert_eq!(
            dec("&U,BTFw-&ZeVnLIqe-"),
            Err(Utf7Error::SuperfluousShift { offset: 8 })
        );
        // With ASCII in between, two runs are fine.
        assert_eq!(dec("&U,BTFw-/&ZeVnLIqe-").unwrap(), "台北/日本語");
    }

    #[test]
    fn error_encoded_ascii() {
        // "A" (U+0041) encoded.
        assert_eq!(
            dec("&AEE-"),
            Err(Utf7Error::EncodedAscii { offset: 3, ch: 'A' })
        );
        // "&" encoded instead of "&-".
        assert_eq!(
            dec("&ACY-"),
            Err(Utf7Error::EncodedAscii { offset: 3, ch: '&' })
        );
        // Space after a valid unit.
        assert_eq!(
            dec("&AOkAIA-"),
            Err(Utf7Error::EncodedAscii { offset: 6, ch: ' ' })
        );
        // Non-printable ASCII may (must) be encoded.
        assert_eq!(dec("&AH8-").unwrap(), "\u{7f}");
    }

    #[test]
    fn error_partial_code_unit() {
        assert_eq!(dec("&A-"), Err(Utf7Error::PartialCodeUnit { offset: 2 }));
        assert_eq!(dec("&AO-"), Err(Utf7Error::PartialCodeUnit { offset: 3 }));
        assert_eq!(dec("&AOkA-"), Err(Utf7Error::PartialCodeUnit { offset: 5 }));
    }

    #[test]
    fn error_non_zero_padding() {
        // "AOk" = 0x00E9 + 2 zero bits; "AOl" sets a leftover bit.
        assert_eq!(dec("&AOl-"), Err(Utf7Error::NonZeroPadding { offset: 4 }));
        assert_eq!(dec("&Jjp-"), Err(Utf7Error::NonZeroPadding { offset: 4 }));
    }

    #[test]
    fn error_unpaired_surrogates() {
        // Lone high surrogate D83D at the end of a run.
        assert_eq!(
            dec("&2D0-"),
            Err(Utf7Error::UnpairedSurrogate {
                offset: 3,
                unit: 0xD83D
            })
        );
        // Lone low surrogate DE00.
        assert_eq!(
            dec("&3gA-"),
            Err(Utf7Error::UnpairedSurrogate {
                offset: 3,
                unit: 0xDE00
            })
        );
        // High surrogate followed by a non-surrogate (D83D 00E9).
        assert_eq!(
            dec("&2D0A6Q-"),
            Err(Utf7Error::UnpairedSurrogate {
                offset: 3,
                unit: 0xD83D
            })
        );
        // High followed by high (D83D D83D).
        assert_eq!(
            dec("&2D3YPQ-"),
            Err(Utf7Error::UnpairedSurrogate {
                offset: 3,
                unit: 0xD83D
            })
        );
        // A pair split across two runs (with ASCII between) is still unpaired.
        assert_eq!(
            dec("&2D0-x&3gA-"),
            Err(Utf7Error::UnpairedSurrogate {
                offset: 3,
                unit: 0xD83D
            })
        );
    }

    #[test]
    fn error_offset_and_display() {
        let err = dec("ab&Jjo!").unwrap_err();
        assert_eq!(err.offset(), 6);
        assert_eq!(
            err.to_string(),
            "byte 0x21 at offset 6 is not in the modified base64 alphabet"
        );
    }

    proptest! {
        #[test]
        fn prop_round_trip(s in any::<String>()) {
            let encoded = encode_utf7(&s);
            prop_assert_eq!(decode_utf7(encoded.as_bytes()), Ok(s.clone()));
            prop_assert_eq!(encode_utf7_cow(&s), Cow::<str>::Owned(encoded));
        }

        #[test]
        fn prop_encode_is_printable_ascii(s in any::<String>()) {
            let encoded = encode_utf7(&s);
            prop_assert!(encoded.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{:?}", encoded);
        }

        #[test]
        fn prop_round_trip_mixed(s in "[a-z&/ \u{e9}\u{263a}\u{1f600}\t]{0,24}") {
            prop_assert_eq!(decode_utf7(encode_utf7(&s).as_bytes()), Ok(s.clone()));
        }

        /// Strictness: anything the decoder accepts is the unique canonical encoding.
        #[test]
        fn prop_accepted_input_is_canonical(s in "[A-Za-z0-9+,&/-]{0,16}") {
            if let Ok(decoded) = decode_utf7(s.as_bytes()) {
                prop_assert_eq!(encode_utf7(&decoded), s);
            }
        }
    }
}
