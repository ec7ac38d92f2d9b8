//! A message's text folded to lower case for SEARCH, kept with the message: header fields with
//! RFC 2047 words decoded, the charset-decoded text parts and the raw body. A stored message
//! never changes, so every SEARCH after the first reads these instead of decoding and
//! lower-casing the whole mailbox again (issue 16 point 2: that was 60% of the server's time
//! in the load bench's `UID SEARCH TEXT` over 10,000 messages). They are made on first use,
//! so a message never searched costs nothing; one searched keeps about one more copy of its
//! text.

use super::{ParsedMessage, decode_header_text};
use std::sync::OnceLock;

/// The folded forms, each made on first use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Folded {
    headers: OnceLock<Vec<(String, String)>>,
    texts: OnceLock<Vec<String>>,
    body: OnceLock<Vec<u8>>,
}

impl ParsedMessage {
    /// Top-level header fields: (name, RFC 2047-decoded value), both lower case.
    pub(crate) fn folded_headers(&self) -> &[(String, String)] {
        self.folded.headers.get_or_init(|| {
            self.header_fields()
                .iter()
                .map(|(f, v)| {
                    let value = decode_header_text(v.as_bytes()).to_lowercase();
                    (f.to_string_lossy().to_lowercase(), value)
                })
                .collect()
        })
    }

    /// The decoded text parts, lower case.
    pub(crate) fn folded_texts(&self) -> &[String] {
        self.folded
            .texts
            .get_or_init(|| self.texts().iter().map(|(t, _)| t.to_lowercase()).collect())
    }

    /// The raw top-level body, ASCII lower case.
    pub(crate) fn folded_body(&self) -> &[u8] {
        self.folded
            .body
            .get_or_init(|| self.body_bytes().to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn folded_forms_are_decoded_lower_case_and_kept() {
        let raw = Bytes::from_static(
            b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= AUS\r\nX-Tag: Mixed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHALLO =C3=9C\r\n",
        );
        let m = ParsedMessage::parse(&raw);
        assert_eq!(
            m.folded_headers()[..2],
            [
                ("subject".to_owned(), "grüße aus".to_owned()),
                ("x-tag".to_owned(), "mixed".to_owned())
            ]
        );
        assert_eq!(m.folded_texts(), ["hallo ü\r\n"]);
        assert_eq!(m.folded_body(), b"hallo =c3=9c\r\n");
        assert_eq!(m.folded_body().as_ptr(), m.folded_body().as_ptr());
    }
}
