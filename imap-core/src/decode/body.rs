//! Fetched body parts decoded: the content transfer encoding undone (RFC 2045 section 6), and
//! text parts turned into UTF-8 by their charset.

use super::charset;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;

/// A body part as its content: what [`crate::ops::Commands::fetch_part_decoded`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedPart {
    /// The octets, transfer encoding undone.
    pub bytes: Vec<u8>,
    /// `type/subtype`, lower case (`text/rfc822-headers` for a `HEADER` or `MIME` section,
    /// `message/rfc822` for a whole message).
    pub mime_type: String,
    /// The content transfer encoding it came in, lower case (empty when none applies).
    pub encoding: String,
    /// Whether the transfer encoding was undone; `false` when the part was not valid in it
    /// (broken base64), and [`DecodedPart::bytes`] are then the fetched octets as they came.
    pub transfer_decoded: bool,
    /// The `charset` parameter.
    pub charset: Option<String>,
    /// The text in UTF-8 for `text/*` parts and header sections: by the charset (characters it
    /// cannot map become U+FFFD); without one, or with one that is unknown, UTF-8 when the bytes
    /// are, else Windows-1252. `None` for other types.
    pub text: Option<String>,
    /// The file name (RFC 2231 and RFC 2047 decoded), when the part has one.
    pub filename: Option<String>,
}

impl DecodedPart {
    /// Decodes `raw`, a part fetched with this type, transfer encoding and charset.
    pub fn new(raw: &[u8], mime_type: &str, encoding: &str, charset: Option<&str>) -> DecodedPart {
        let (bytes, transfer_decoded) = match decode_transfer(raw, encoding) {
            Some(b) => (b, true),
            None => (raw.to_vec(), false),
        };
        let mime_type = mime_type.to_ascii_lowercase();
        let text = (mime_type.starts_with("text/")).then(|| text_of(&bytes, charset));
        DecodedPart {
            bytes,
            mime_type,
            encoding: encoding.to_ascii_lowercase(),
            transfer_decoded,
            charset: charset.map(str::to_owned),
            text,
            filename: None,
        }
    }
}

/// The octets of a body in content transfer encoding `encoding` (RFC 2045 section 6):
/// `base64` and `quoted-printable` decoded, `7bit`, `8bit`, `binary` and unknown ones (RFC 2045
/// section 6.4 says to treat them as opaque) as they are. `None` when the body is not valid in
/// its encoding.
pub fn decode_transfer(raw: &[u8], encoding: &str) -> Option<Vec<u8>> {
    let encoding = encoding.trim();
    if encoding.eq_ignore_ascii_case("base64") {
        base64_decode(raw)
    } else if encoding.eq_ignore_ascii_case("quoted-printable") {
        quoted_printable_decode(raw)
    } else {
        Some(raw.to_vec())
    }
}

/// Text in `charset`, as UTF-8.
fn text_of(bytes: &[u8], charset: Option<&str>) -> String {
    charset
        .and_then(|cs| charset::decode(bytes, cs))
        .unwrap_or_else(|| charset::decode_unlabelled(bytes))
}

/// A header block (`HEADER`, `MIME`, `HEADER.FIELDS` sections) as a [`DecodedPart`]: 8-bit
/// header text read as UTF-8 (else Windows-1252); encoded words are left for
/// [`super::words::decode_words`].
pub fn header_part(raw: &[u8]) -> DecodedPart {
    DecodedPart {
        bytes: raw.to_vec(),
        mime_type: "text/rfc822-headers".into(),
        encoding: String::new(),
        transfer_decoded: true,
        charset: None,
        text: Some(charset::decode_unlabelled(raw)),
        filename: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base64_text_in_utf8() {
        let p = DecodedPart::new(
            b"R3LDvMOfZSBhdXMgTcO8bmNoZW4K\r\n",
            "TEXT/plain",
            "BASE64",
            Some("utf-8"),
        );
        assert_eq!(p.text.as_deref(), Some("Grüße aus München\n"));
        assert_eq!(
            (p.mime_type.as_str(), p.encoding.as_str()),
            ("text/plain", "base64")
        );
        assert!(p.transfer_decoded);
    }

    #[test]
    fn quoted_printable_latin1_with_soft_breaks() {
        let p = DecodedPart::new(
            b"Gr=FC=DFe aus M=FCn=\r\nchen\r\n",
            "text/plain",
            "quoted-printable",
            Some("ISO-8859-1"),
        );
        assert_eq!(p.bytes, b"Gr\xfc\xdfe aus M\xfcnchen\r\n");
        assert_eq!(p.text.as_deref(), Some("Grüße aus München\r\n"));
    }

    #[test]
    fn binary_parts_have_no_text_and_broken_ones_keep_their_bytes() {
        let p = DecodedPart::new(b"AAEC/w==", "application/octet-stream", "base64", None);
        assert_eq!((p.bytes.as_slice(), p.text), (&[0, 1, 2, 255][..], None));
        let p = DecodedPart::new(b"**not base64**", "image/png", "base64", None);
        assert_eq!(
            (p.bytes.as_slice(), p.transfer_decoded),
            (&b"**not base64**"[..], false)
        );
        let p = DecodedPart::new(b"caf\xe9", "text/plain", "8bit", None);
        assert_eq!(p.text.as_deref(), Some("café"));
    }

    proptest! {
        #[test]
        fn never_panics(raw in proptest::collection::vec(any::<u8>(), 0..300),
                        enc in "(base64|quoted-printable|7bit|x-uuencode)",
                        cs in proptest::option::of("(utf-8|iso-2022-jp|gbk|x-none)")) {
            let p = DecodedPart::new(&raw, "text/plain", &enc, cs.as_deref());
            // Quoted-printable may write a bare LF as CRLF (mail-parser keeps the message's
            // line ending): at most twice the input.
            prop_assert!(p.bytes.len() <= 2 * raw.len());
        }
    }
}
