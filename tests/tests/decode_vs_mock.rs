//! Mail as people read it, through `Commands` against the mock server in memory: decoded parts
//! (base64, quoted-printable, ISO-8859-1 text), the book's section names, a message parsed by
//! mail-parser, decoded envelopes, typed dates and APPEND's local default date.

use imap_core::decode::Normalise;
use imap_core::decode::date::local_offset_minutes;
use imap_core::mail_parser::MimeHeaders;
use imap_core::ops::Commands;
use imap_core::ops::fetch::{FetchQuery, outline};
use imap_core::types::{Section, Uid};
use imap_tests::engine_pair::EnginePair;
use imap_tests::fixture::{self, PASSWORD, USER};
use mock_server::listener::MockServer;
use std::time::Instant;

/// A German newsletter as Thunderbird sends it: an encoded subject and name, a QP ISO-8859-1
/// text part, a base64 UTF-8 HTML part, and a PDF with an RFC 2231 file name.
const MAIL: &[u8] = b"Date: Mon, 7 Dec 2026 01:02:03 +0100 (CET)\r\n\
From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.de>\r\n\
To: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n\
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=\r\n\
Message-ID: <a1@example.de>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=ISO-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Gr=FC=DFe aus M=FCnchen, sch=F6ne =\r\nW=FCnsche!\r\n\
--b1\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
PHA+R3LDvMOfZTwvcD4=\r\n\
--b1\r\n\
Content-Type: application/pdf; name=\"=?UTF-8?Q?=C3=9Cbersicht.pdf?=\"\r\n\
Content-Disposition: attachment;\r\n filename*0*=UTF-8''%C3%9Cbersicht%20;\r\n filename*1*=2026.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b1--\r\n";

fn session_with_mail() -> (MockServer, EnginePair, Uid) {
    let srv = MockServer::builder()
        .store(fixture::store())
        .build()
        .expect("server");
    let mut p = EnginePair::connect(&srv, Instant::now());
    p.login(USER, PASSWORD).expect("login");
    let uid = p
        .append("INBOX", MAIL, &[], None)
        .unwrap()
        .uid
        .expect("UIDPLUS");
    p.select("INBOX").unwrap();
    (srv, p, uid)
}

fn section(text: &str) -> Section {
    text.parse().expect(text)
}

#[test]
fn parts_come_decoded_by_transfer_encoding_and_charset() {
    let (_srv, mut p, uid) = session_with_mail();
    let qp = p.fetch_part_decoded(uid, section("1")).unwrap();
    assert_eq!(qp.mime_type, "text/plain");
    assert_eq!(qp.encoding, "quoted-printable");
    assert_eq!(qp.charset.as_deref(), Some("ISO-8859-1"));
    assert_eq!(
        qp.bytes,
        b"Gr\xfc\xdfe aus M\xfcnchen, sch\xf6ne W\xfcnsche!"
    );
    assert_eq!(
        qp.text.as_deref(),
        Some("Grüße aus München, schöne Wünsche!")
    );

    let html = p.fetch_part_decoded(uid, section("2")).unwrap();
    assert_eq!(
        (html.encoding.as_str(), html.text.as_deref()),
        ("base64", Some("<p>Grüße</p>"))
    );

    let pdf = p.fetch_part_decoded(uid, section("3")).unwrap();
    assert_eq!(pdf.bytes, b"%PDF-1.4\n");
    assert_eq!(pdf.text, None);
    assert_eq!(pdf.filename.as_deref(), Some("Übersicht 2026.pdf"));
}

#[test]
fn the_book_section_names_fetch_what_they_name() {
    let (_srv, mut p, uid) = session_with_mail();
    let header = p.fetch_part_decoded(uid, section("HEADER")).unwrap();
    let header = header.text.unwrap();
    assert!(header.starts_with("Date: Mon, 7 Dec 2026"), "{header}");
    assert!(header.ends_with("boundary=\"b1\"\r\n\r\n"), "{header}");

    let text = p.fetch_part_decoded(uid, section("TEXT")).unwrap();
    assert_eq!(text.mime_type, "multipart/mixed");
    assert!(text.bytes.starts_with(b"--b1\r\n"));

    let mime = p.fetch_part_decoded(uid, section("1.MIME")).unwrap();
    assert_eq!(
        mime.text.as_deref(),
        Some(
            "Content-Type: text/plain; charset=ISO-8859-1\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
    );
    let fields = p
        .fetch_part_decoded(uid, section("header.fields (subject)"))
        .unwrap();
    assert_eq!(
        fields.text.as_deref(),
        Some("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=\r\n\r\n")
    );
}

#[test]
fn a_whole_message_parsed_as_mime() {
    let (_srv, mut p, uid) = session_with_mail();
    let m = p.fetch_parsed(uid).unwrap();
    assert_eq!(m.subject(), Some("Grüße aus München"));
    let from = m.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("Jörg Müller"));
    assert_eq!(
        m.body_text(0).as_deref(),
        Some("Grüße aus München, schöne Wünsche!")
    );
    let attachment = m.attachment(0).unwrap();
    assert_eq!(attachment.attachment_name(), Some("Übersicht 2026.pdf"));
    assert_eq!(attachment.contents(), b"%PDF-1.4\n");
}

#[test]
fn envelopes_and_structures_read_as_people_write_them() {
    let (_srv, mut p, uid) = session_with_mail();
    let m = p
        .fetch_one(
            uid,
            &FetchQuery::new()
                .envelope()
                .body_structure()
                .internal_date(),
        )
        .unwrap();
    assert_eq!(m.subject().as_deref(), Some("Grüße aus München"));
    let env = m.decoded_envelope().unwrap();
    assert_eq!(env.from[0].to_string(), "Jörg Müller <joerg@example.de>");
    assert_eq!(env.to[0].to_string(), "山田 <yamada@example.jp>");
    // The raw forms stay.
    let raw = m.envelope.as_ref().unwrap();
    assert_eq!(
        raw.subject().unwrap().as_bytes(),
        b"=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?="
    );
    assert_eq!(env.date.unwrap().to_string(), "07-Dec-2026 01:02:03 +0100");
    assert_eq!(
        m.date(Normalise::Utc).unwrap().to_string(),
        "07-Dec-2026 00:02:03 +0000"
    );
    let names: Vec<Option<String>> = outline(m.body_structure.as_ref().unwrap())
        .into_iter()
        .map(|p| p.filename)
        .collect();
    assert_eq!(names, [None, None, None, Some("Übersicht 2026.pdf".into())]);

    // APPEND without a date sent now in the local zone: INTERNALDATE carries its offset.
    let internal = m.internal_date.unwrap();
    assert_eq!(
        internal.zone_minutes,
        local_offset_minutes(internal.unix_timestamp())
    );
    let utc = m.internal_date_in(Normalise::Utc).unwrap();
    assert_eq!(
        (utc.zone_minutes, utc.unix_timestamp()),
        (0, internal.unix_timestamp())
    );
}
