//! The MIME vocabulary of BODYSTRUCTURE strings (media types and subtypes, parameter names,
//! charsets, transfer encodings, dispositions, languages), as static strings.
//!
//! Most strings of a BODYSTRUCTURE are these few words. The parser makes a quoted string that is
//! one of them (byte for byte, in upper or lower case as servers send them) a static
//! [`crate::types::Str`] instead of a slice of the received unit: the same bytes, but no atomic
//! reference-count update when it is made, cloned or dropped (about two dozen per metadata
//! FETCH response).

/// The static word that is exactly `raw`, if `raw` is one of the vocabulary.
#[inline]
pub(super) fn known(raw: &[u8]) -> Option<&'static str> {
    // A `match` on byte strings: dispatched on the length, then compared.
    Some(match raw {
        b"TEXT" => "TEXT",
        b"text" => "text",
        b"PLAIN" => "PLAIN",
        b"plain" => "plain",
        b"HTML" => "HTML",
        b"html" => "html",
        b"CALENDAR" => "CALENDAR",
        b"calendar" => "calendar",
        b"MULTIPART" => "MULTIPART",
        b"multipart" => "multipart",
        b"ALTERNATIVE" => "ALTERNATIVE",
        b"alternative" => "alternative",
        b"MIXED" => "MIXED",
        b"mixed" => "mixed",
        b"RELATED" => "RELATED",
        b"related" => "related",
        b"SIGNED" => "SIGNED",
        b"signed" => "signed",
        b"REPORT" => "REPORT",
        b"report" => "report",
        b"APPLICATION" => "APPLICATION",
        b"application" => "application",
        b"IMAGE" => "IMAGE",
        b"image" => "image",
        b"AUDIO" => "AUDIO",
        b"audio" => "audio",
        b"VIDEO" => "VIDEO",
        b"video" => "video",
        b"MESSAGE" => "MESSAGE",
        b"message" => "message",
        b"RFC822" => "RFC822",
        b"rfc822" => "rfc822",
        b"GLOBAL" => "GLOBAL",
        b"global" => "global",
        b"DELIVERY-STATUS" => "DELIVERY-STATUS",
        b"delivery-status" => "delivery-status",
        b"OCTET-STREAM" => "OCTET-STREAM",
        b"octet-stream" => "octet-stream",
        b"PDF" => "PDF",
        b"pdf" => "pdf",
        b"ZIP" => "ZIP",
        b"zip" => "zip",
        b"JPEG" => "JPEG",
        b"jpeg" => "jpeg",
        b"PNG" => "PNG",
        b"png" => "png",
        b"GIF" => "GIF",
        b"gif" => "gif",
        b"CHARSET" => "CHARSET",
        b"charset" => "charset",
        b"NAME" => "NAME",
        b"name" => "name",
        b"FILENAME" => "FILENAME",
        b"filename" => "filename",
        b"BOUNDARY" => "BOUNDARY",
        b"boundary" => "boundary",
        b"FORMAT" => "FORMAT",
        b"format" => "format",
        b"DELSP" => "DELSP",
        b"delsp" => "delsp",
        b"TYPE" => "TYPE",
        b"type" => "type",
        b"SIZE" => "SIZE",
        b"size" => "size",
        b"CREATION-DATE" => "CREATION-DATE",
        b"creation-date" => "creation-date",
        b"MODIFICATION-DATE" => "MODIFICATION-DATE",
        b"modification-date" => "modification-date",
        b"UTF-8" => "UTF-8",
        b"utf-8" => "utf-8",
        b"US-ASCII" => "US-ASCII",
        b"us-ascii" => "us-ascii",
        b"ISO-8859-1" => "ISO-8859-1",
        b"iso-8859-1" => "iso-8859-1",
        b"ISO-8859-15" => "ISO-8859-15",
        b"iso-8859-15" => "iso-8859-15",
        b"WINDOWS-1252" => "WINDOWS-1252",
        b"windows-1252" => "windows-1252",
        b"7BIT" => "7BIT",
        b"7bit" => "7bit",
        b"8BIT" => "8BIT",
        b"8bit" => "8bit",
        b"BINARY" => "BINARY",
        b"binary" => "binary",
        b"BASE64" => "BASE64",
        b"base64" => "base64",
        b"QUOTED-PRINTABLE" => "QUOTED-PRINTABLE",
        b"quoted-printable" => "quoted-printable",
        b"ATTACHMENT" => "ATTACHMENT",
        b"attachment" => "attachment",
        b"INLINE" => "INLINE",
        b"inline" => "inline",
        b"EN" => "EN",
        b"en" => "en",
        b"DE" => "DE",
        b"de" => "de",
        b"FR" => "FR",
        b"fr" => "fr",
        b"FLOWED" => "FLOWED",
        b"flowed" => "flowed",
        b"FIXED" => "FIXED",
        b"fixed" => "fixed",
        b"YES" => "YES",
        b"yes" => "yes",
        b"NO" => "NO",
        b"no" => "no",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn words_are_found_exactly() {
        assert_eq!(known(b"TEXT"), Some("TEXT"));
        assert_eq!(known(b"quoted-printable"), Some("quoted-printable"));
        assert_eq!(
            known(b"Text"),
            None,
            "only the upper- and lower-case spellings"
        );
        assert_eq!(known(b"TEXT "), None);
        assert_eq!(known(b""), None);
    }
}
