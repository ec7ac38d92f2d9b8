//! The wire encoding of a message's ENVELOPE, BODY and BODYSTRUCTURE, kept with its parsed form:
//! a stored message never changes, so a FETCH of them again copies bytes instead of encoding a
//! tree of strings (issue 16 point 2: the encoding was the largest cost of the load bench's
//! `UID FETCH 1:* (FLAGS ENVELOPE)` once the values themselves were kept).

use super::ParsedMessage;
use bytes::{Bytes, BytesMut};
use imap_core::encode::{EncodeOptions, encode_fetch_data};
use imap_core::types::FetchData;
use std::sync::OnceLock;

/// An item whose encoding is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// `ENVELOPE (...)`.
    Envelope,
    /// `BODY (...)`: BODYSTRUCTURE without extension data.
    Body,
    /// `BODYSTRUCTURE (...)`.
    BodyStructure,
}

/// One encoding per item and per value of [`EncodeOptions::utf8`], the only option that
/// changes what a server writes (the literal options are a client's).
#[derive(Clone, Debug, Default)]
pub(crate) struct EncodedItems {
    slots: [OnceLock<Bytes>; 6],
}

impl ParsedMessage {
    /// The item as a FETCH response holds it, name included (`ENVELOPE ("Mon, ...`): the bytes
    /// [`encode_fetch_data`] writes, encoded on first use and kept.
    pub fn encoded(&self, item: Kept, opts: &EncodeOptions) -> &Bytes {
        let slot = 2 * item as usize + usize::from(opts.utf8);
        self.encoded.slots[slot].get_or_init(|| {
            let data = match item {
                Kept::Envelope => FetchData::Envelope(self.envelope().into()),
                Kept::Body => FetchData::Body(self.body_structure(false).into()),
                Kept::BodyStructure => FetchData::BodyStructure(self.body_structure(true).into()),
            };
            let opts = EncodeOptions {
                utf8: opts.utf8,
                ..EncodeOptions::default()
            };
            let mut out = BytesMut::new();
            encode_fetch_data(&mut out, &data, &opts);
            out.freeze()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &[u8] = b"From: =?utf-8?q?Jos=C3=A9?= <jose@example.com>\r\nTo: team: a@x, b@y;\r\nSubject: caf\xc3\xa9 \"menu\"\r\nMessage-ID: <m@x>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8; name*=utf-8''caf%C3%A9.txt\r\n\r\nhi\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n";

    /// The kept bytes are what encoding the value gives, for both settings of `utf8`, and the
    /// second call hands out the same buffer.
    #[test]
    fn kept_encodings_are_the_encoder_s_bytes() {
        let m = ParsedMessage::parse(&Bytes::from_static(RAW));
        for utf8 in [false, true] {
            let opts = EncodeOptions {
                utf8,
                literal_plus: true,
                ..EncodeOptions::default()
            };
            let values = [
                (Kept::Envelope, FetchData::Envelope(m.envelope().into())),
                (Kept::Body, FetchData::Body(m.body_structure(false).into())),
                (
                    Kept::BodyStructure,
                    FetchData::BodyStructure(m.body_structure(true).into()),
                ),
            ];
            for (item, value) in values {
                let mut fresh = BytesMut::new();
                encode_fetch_data(&mut fresh, &value, &opts);
                let kept = m.encoded(item, &opts);
                assert_eq!(kept[..], fresh[..], "{item:?} utf8 {utf8}");
                assert_eq!(kept.as_ptr(), m.encoded(item, &opts).as_ptr());
            }
        }
        // 8-bit text is a literal without UTF8=ACCEPT, quoted with it.
        let plain = m.encoded(Kept::Envelope, &EncodeOptions::default());
        let utf8 = EncodeOptions {
            utf8: true,
            ..EncodeOptions::default()
        };
        assert!(plain.windows(3).any(|w| w == b"}\r\n"));
        assert!(!m.encoded(Kept::Envelope, &utf8).contains(&b'\n'));
    }
}
