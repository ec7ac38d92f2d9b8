//! Gmail labels (`X-GM-LABELS`) as people read them.
//!
//! Gmail writes a label on the wire as it writes the folder of the same name: in modified
//! UTF-7 (RFC 3501 section 5.1.3), so `Grüße` is `Gr&APwA3w-e` and `R&D` is `R&-D`. System
//! labels (`\Inbox`, `\Important`, `\Starred`, ...) are plain ASCII and read as themselves.
//! [`decode_label`] turns a label as received into text, [`encode_label`] a label as a user
//! writes it into what is sent (STORE and the `X-GM-LABELS` search key), as IMAPClient's
//! `get_gmail_labels` and `add_gmail_labels` do.

use crate::types::Str;
use crate::utf7::{decode_utf7_cow, encode_utf7_cow};

/// A label as received, decoded from modified UTF-7. Bytes that are not canonical modified
/// UTF-7 (a server that sends UTF-8 labels after `ENABLE UTF8=ACCEPT`, or a label it never
/// encoded) are read as UTF-8, invalid sequences replaced.
pub fn decode_label(wire: &[u8]) -> String {
    match decode_utf7_cow(wire) {
        Ok(text) => text.into_owned(),
        Err(_) => String::from_utf8_lossy(wire).into_owned(),
    }
}

/// A label as a user writes it, encoded for the wire in modified UTF-7.
pub fn encode_label(label: &str) -> Str {
    match encode_utf7_cow(label) {
        std::borrow::Cow::Borrowed(same) => Str::from(same),
        std::borrow::Cow::Owned(encoded) => Str::from(encoded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_labels_round_trip_through_modified_utf7() {
        for (text, wire) in [
            ("Grüße", "Gr&APwA3w-e"),
            ("R&D", "R&-D"),
            ("日本語", "&ZeVnLIqe-"),
            ("\\Important", "\\Important"),
            ("Work/Projekte 2024", "Work/Projekte 2024"),
        ] {
            assert_eq!(encode_label(text).as_bytes(), wire.as_bytes(), "{text}");
            assert_eq!(decode_label(wire.as_bytes()), text, "{wire}");
        }
    }

    #[test]
    fn labels_that_are_not_modified_utf7_read_as_utf8() {
        assert_eq!(decode_label("Grüße".as_bytes()), "Grüße");
        assert_eq!(decode_label(b"&Jjo!"), "&Jjo!");
        assert_eq!(decode_label(b"bad \xff"), "bad \u{fffd}");
    }
}
