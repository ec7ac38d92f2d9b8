//! Charsets by name (RFC 2978 names as mail writes them) through `encoding_rs`: the WHATWG
//! labels, plus the Microsoft code-page aliases real mail uses that WHATWG does not list.

use encoding_rs::Encoding;

/// Aliases seen in real mail that are not WHATWG labels, and the WHATWG label they mean.
const ALIASES: &[(&str, &str)] = &[
    ("cp936", "gbk"),
    ("ms936", "gbk"),
    ("cp932", "shift_jis"),
    ("ms932", "shift_jis"),
    ("cp949", "euc-kr"),
    ("ms949", "euc-kr"),
    ("cp950", "big5"),
    ("big5-hkscs", "big5"),
    ("x-user-defined", "windows-1252"),
    ("ansi_x3.4-1986", "us-ascii"),
];

/// The encoding a MIME charset name stands for, ignoring case, surrounding space and an RFC 2231
/// language suffix (`utf-8*en`). `None` for a charset `encoding_rs` does not know.
pub fn encoding_for(charset: &str) -> Option<&'static Encoding> {
    let name = charset.split('*').next().unwrap_or(charset).trim();
    if let Some(e) = Encoding::for_label_no_replacement(name.as_bytes()) {
        return Some(e);
    }
    let alias = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))?
        .1;
    Encoding::for_label_no_replacement(alias.as_bytes())
}

/// `bytes` in `charset` as UTF-8 (bytes the charset cannot map become U+FFFD); `None` for an
/// unknown charset.
pub fn decode(bytes: &[u8], charset: &str) -> Option<String> {
    let encoding = encoding_for(charset)?;
    Some(encoding.decode_without_bom_handling(bytes).0.into_owned())
}

/// Bytes of unknown charset (raw 8-bit header text): UTF-8 when they are, else Windows-1252, which
/// maps every byte, so nothing is lost.
pub fn decode_unlabelled(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_real_mail() {
        for (name, want) in [
            ("UTF-8", "UTF-8"),
            ("iso-8859-1", "windows-1252"),
            ("ISO-8859-2", "ISO-8859-2"),
            ("iso-8859-15", "ISO-8859-15"),
            ("windows-1251", "windows-1251"),
            ("koi8-r", "KOI8-R"),
            ("gb2312", "GBK"),
            ("GBK", "GBK"),
            ("big5", "Big5"),
            ("ISO-2022-JP", "ISO-2022-JP"),
            ("shift_jis", "Shift_JIS"),
            ("cp932", "Shift_JIS"),
            ("us-ascii", "windows-1252"),
            ("utf-8*en", "UTF-8"),
        ] {
            assert_eq!(encoding_for(name).map(|e| e.name()), Some(want), "{name}");
        }
        assert_eq!(encoding_for("x-no-such"), None);
    }

    #[test]
    fn decodes_by_charset() {
        assert_eq!(
            decode(b"\xe4\xf6\xfc", "iso-8859-1").as_deref(),
            Some("äöü")
        );
        assert_eq!(
            decode(b"\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r").as_deref(),
            Some("Привет")
        );
        assert_eq!(
            decode(b"\xc4\xe3\xba\xc3", "gb2312").as_deref(),
            Some("你好")
        );
        assert_eq!(decode(b"x", "x-no-such"), None);
        assert_eq!(decode_unlabelled(b"caf\xe9"), "café");
        assert_eq!(decode_unlabelled("café".as_bytes()), "café");
    }
}
