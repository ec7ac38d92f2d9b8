//! Known-answer tests for the deviations real servers commit, which tolerant mode (the default)
//! accepts.
//!
//! Each test holds the exact bytes that motivate a tolerance, with a comment naming the server
//! known to send them and where that was reported (issue trackers of client libraries and the
//! modern-email/defects collection). Where a report shows only part of a response, the test
//! completes it minimally and says so. Each test asserts the tolerant parse, and that strict
//! mode rejects the bytes where they are not valid grammar; where they are valid grammar (the
//! deviation is only surprising), strict mode must give the same value. Every tolerant parse
//! is also snapshotted, with strict mode's verdict.

use bytes::Bytes;
use imap_core::encode::{EncodeOptions, encode_response};
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseError, ParseOptions, parse_response};
use imap_core::types::{
    Address, BodyExtension, BodyStructure, Capability, Code, Continue, Data, ESearchData, Envelope,
    ExtField, FetchData, Flag, FlagPerm, PartKind, Response, StatusItem, StatusKind,
    StatusResponse, StatusValue, Str,
};

/// Frames `bytes` (whole, and one byte at a time) and checks they are exactly one unit.
fn unit(bytes: &[u8]) -> Bytes {
    let mut units = Vec::new();
    for piece in [bytes.len(), 1] {
        let mut framer = Framer::new(Role::Client, Limits::default());
        let mut got = Vec::new();
        for chunk in bytes.chunks(piece) {
            framer.push(chunk);
            while let Some(frame) = framer.next_frame() {
                match frame {
                    Ok(Frame::Unit(u)) => got.push(u),
                    other => panic!("unexpected {other:?}"),
                }
            }
        }
        units.push(got);
    }
    assert_eq!(units[0], units[1]);
    assert_eq!(
        units[0].len(),
        1,
        "not one unit: {:?}",
        bytes.escape_ascii().to_string()
    );
    assert_eq!(&units[0][0][..], bytes);
    units[0][0].clone()
}

/// What strict mode said about a quirk, for the snapshot.
#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`, by the snapshots
enum Strict {
    /// Not valid grammar: strict mode's error.
    Rejects {
        expected: &'static str,
        offset: usize,
    },
    /// Valid grammar: strict mode gives the same value.
    Accepts,
}

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`, by the snapshots
struct Outcome {
    tolerant: Response,
    strict: Strict,
}

fn strict_parse(unit: &Bytes) -> Result<Response, ParseError> {
    parse_response(unit, &ParseOptions::strict())
}

fn tolerant_parse(unit: &Bytes) -> Response {
    parse_response(unit, &ParseOptions::default()).unwrap_or_else(|e| {
        panic!(
            "tolerant mode rejects {:?}: {e}",
            unit.escape_ascii().to_string()
        )
    })
}

/// A deviation from the grammar: tolerant mode parses it, strict mode rejects it.
fn quirk_outcome(bytes: &[u8]) -> (Response, Outcome) {
    let unit = unit(bytes);
    let tolerant = tolerant_parse(&unit);
    let e = match strict_parse(&unit) {
        Err(e) => e,
        Ok(r) => panic!(
            "strict mode accepts {:?}: {r:?}",
            unit.escape_ascii().to_string()
        ),
    };
    assert!(e.offset <= unit.len());
    // What tolerant mode read, written back by the encoder, reads back the same.
    let written = Bytes::from(encode_response(&tolerant, &EncodeOptions::default()).to_vec());
    assert_eq!(
        parse_response(&written, &ParseOptions::default()).as_ref(),
        Ok(&tolerant),
        "written back as {:?}",
        written.escape_ascii().to_string()
    );
    let strict = Strict::Rejects {
        expected: e.expected,
        offset: e.offset,
    };
    (tolerant.clone(), Outcome { tolerant, strict })
}

/// Surprising but valid grammar: both modes parse it to the same value.
fn valid_outcome(bytes: &[u8]) -> (Response, Outcome) {
    let unit = unit(bytes);
    let tolerant = tolerant_parse(&unit);
    let strict = strict_parse(&unit).unwrap_or_else(|e| {
        panic!(
            "strict mode rejects {:?}: {e}",
            unit.escape_ascii().to_string()
        )
    });
    assert_eq!(strict, tolerant);
    (
        tolerant.clone(),
        Outcome {
            tolerant,
            strict: Strict::Accepts,
        },
    )
}

/// Checks a deviation (see `quirk_outcome`), snapshots it under the test's name, and returns
/// the tolerant parse.
macro_rules! quirk {
    ($bytes:expr $(,)?) => {{
        let (r, outcome) = quirk_outcome($bytes);
        insta::assert_debug_snapshot!(outcome);
        r
    }};
}

/// Checks valid grammar (see `valid_outcome`), snapshots it, and returns the parse.
macro_rules! valid {
    ($bytes:expr $(,)?) => {{
        let (r, outcome) = valid_outcome($bytes);
        insta::assert_debug_snapshot!(outcome);
        r
    }};
}

fn status(r: Response) -> StatusResponse {
    match r {
        Response::Status(s) => s,
        other => panic!("not a status response: {other:?}"),
    }
}

/// The ENVELOPE among a FETCH's items.
fn envelope(items: &[FetchData]) -> Envelope {
    items
        .iter()
        .find_map(|d| match d {
            FetchData::Envelope(e) => Some(e.to_envelope()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no ENVELOPE in {items:?}"))
}

/// A BODY or BODYSTRUCTURE item's tree.
fn tree(item: &FetchData) -> BodyStructure {
    match item {
        FetchData::Body(b) | FetchData::BodyStructure(b) => b.to_structure(),
        other => panic!("not a body structure: {other:?}"),
    }
}

fn fetch(r: Response) -> (u32, Vec<FetchData>) {
    match r {
        Response::Data(Data::Fetch { seq, data }) => (seq.get(), data),
        other => panic!("not a FETCH: {other:?}"),
    }
}

fn data(r: Response) -> Data {
    match r {
        Response::Data(d) => d,
        other => panic!("not untagged data: {other:?}"),
    }
}

fn flag(name: &str) -> Flag {
    Flag::parse(name).unwrap()
}

// --- Response codes without text ------------------------------------------------------------

/// Gmail sends HIGHESTMODSEQ without the SP and text that `resp-text` requires after a code
/// (modern-email/defects#28, "Observed in: Gmail"; node-imap PR #352 quotes
/// `* OK [HIGHESTMODSEQ 501328]`). Under the grammar the line is still valid, as the plain
/// text "[HIGHESTMODSEQ 501328]" (RFC 9051 section 7.1's own `e NO [CONTACTADMIN]` example is
/// the same shape), so strict mode accepts it; both modes read the code, as clients must.
#[test]
fn highestmodseq_code_without_text() {
    let s = status(valid!(b"* OK [HIGHESTMODSEQ 501328]\r\n"));
    assert_eq!(s.code, Some(Code::HighestModSeq(501328)));
    assert!(s.text.is_empty());
    let s = status(valid!(b"* OK [HIGHESTMODSEQ 5]\r\n"));
    assert_eq!(s.code, Some(Code::HighestModSeq(5)));
}

/// A server in emersion/go-imap PR #633 (not named there) sends a PERMANENTFLAGS list with a
/// space after "(" and no text after the code: `* OK [PERMANENTFLAGS ( \*)]`.
#[test]
fn permanentflags_with_leading_space_and_no_text() {
    let s = status(quirk!(b"* OK [PERMANENTFLAGS ( \\*)]\r\n"));
    assert_eq!(s.code, Some(Code::PermanentFlags(vec![FlagPerm::Wildcard])));
    assert!(s.text.is_empty());
}

// --- Bare continuation request ---------------------------------------------------------------

/// `+` with neither SP nor text: Yandex (djc/imap-proto#67), public-inbox-imapd
/// (modern-email/defects#7), SmarterMail after `AUTHENTICATE PLAIN` (closeio/sync-engine
/// PR #504).
#[test]
fn bare_continuation_request() {
    let r = quirk!(b"+\r\n");
    assert_eq!(
        r,
        Response::Continue(Continue {
            code: None,
            text: Str::default()
        })
    );
}

/// `+ ` with an empty text, as David.fx Mail Access Server sends after `AUTHENTICATE PLAIN`
/// (jstedfast/MailKit#422): valid under RFC 9051's `resp-text = [...] [text]`.
#[test]
fn continuation_request_with_empty_text() {
    let Response::Continue(c) = valid!(b"+ \r\n") else {
        panic!()
    };
    assert!(c.text.is_empty() && c.code.is_none());
}

// --- Extra spaces ---------------------------------------------------------------------------

/// SmarterMail puts two spaces between FETCH items (closeio/sync-engine PR #504).
#[test]
fn smartermail_double_space_between_fetch_items() {
    let (seq, items) = fetch(quirk!(
        b"* 1 FETCH (FLAGS (\\Seen)  INTERNALDATE \"25-Jul-2023 13:55:25 -0400\" UID 1)\r\n",
    ));
    assert_eq!(seq, 1);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], FetchData::Flags(vec![Flag::Seen]));
    assert!(matches!(&items[1], FetchData::InternalDate(d) if d.zone_minutes == -240));
}

/// imap.qq.com ends a FETCH list with a space before ")" (jakartaee/mail-api#209).
#[test]
fn qq_space_before_fetch_list_close() {
    let (seq, items) = fetch(quirk!(b"* 11487 FETCH (UID 19436 )\r\n"));
    assert_eq!(seq, 11487);
    assert!(matches!(&items[..], [FetchData::Uid(u)] if u.get() == 19436));
}

/// Gmail ends a FETCH list with a space before ")" (mscdex/node-imap#464 log).
#[test]
fn gmail_space_before_fetch_list_close() {
    let (_, items) = fetch(quirk!(
        b"* 14005 FETCH (X-GM-THRID 900154593605437028 X-GM-MSGID 900154593605437028 X-GM-LABELS (Awesome) UID 14300 MODSEQ (1) INTERNALDATE \"15-Mar-1997 19:31:57 +0000\" FLAGS (\\Seen) )\r\n",
    ));
    assert_eq!(items.len(), 7);
    assert_eq!(items[1], FetchData::GmMsgId(900154593605437028));
    assert_eq!(items[2], FetchData::GmLabels(vec![Str::from("Awesome")]));
    assert_eq!(items[6], FetchData::Flags(vec![Flag::Seen]));
}

/// A server in djc/imap-proto#190 (not named there) sends `RFC822.SIZE 5799845 )`.
#[test]
fn space_after_last_fetch_item() {
    let (_, items) = fetch(quirk!(
        b"* 11784 FETCH (UID 87567 INTERNALDATE \"06-May-2023 18:48:30 +0200\" RFC822.SIZE 5799845 )\r\n",
    ));
    assert_eq!(items[2], FetchData::Rfc822Size(5799845));
}

/// SurgeMail ends flag lists with a space before ")" (chatmail/async-imap#123); a server in
/// apple/swift-nio-imap#480 does the same inside FETCH FLAGS.
#[test]
fn space_before_flag_list_close() {
    let d = data(quirk!(
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )\r\n",
    ));
    let Data::Flags(flags) = d else { panic!() };
    assert_eq!(flags.len(), 6);
    assert_eq!(flags[5], flag("$Forwarded"));

    let s = status(quirk!(
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )] Limited\r\n",
    ));
    let Some(Code::PermanentFlags(perm)) = s.code else {
        panic!()
    };
    assert_eq!(perm.len(), 6);
    assert_eq!(s.text, Str::from("Limited"));

    let (_, items) = fetch(quirk!(
        b"* 114905 FETCH (FLAGS (\\Seen $NotJunk ) MODSEQ (445400410166781) UID 1 INTERNALDATE \"12-Dec-2020 02:18:21 +0000\" RFC822.SIZE 35943)\r\n",
    ));
    assert_eq!(
        items[0],
        FetchData::Flags(vec![Flag::Seen, flag("$NotJunk")])
    );
    assert_eq!(items[1], FetchData::ModSeq(445400410166781));
}

/// imap-n.global-mail.cn sends two spaces between capabilities (emersion/go-imap PR #653,
/// which shows the line as `IMAP4<...>LITERAL+<SP><SP>STARTTLS<...>SPECIAL-USE`; the elided
/// parts are left out here).
#[test]
fn double_space_between_capabilities() {
    let d = data(quirk!(
        b"* CAPABILITY IMAP4rev1 LITERAL+  STARTTLS SPECIAL-USE\r\n",
    ));
    let Data::Capability(caps) = d else { panic!() };
    assert_eq!(caps.len(), 4);
    assert_eq!(caps[2], Capability::StartTls);
}

/// Archiveopteryx puts extra spaces before the ")" of its ID response (apple/swift-nio-imap
/// PR #774, djc/imap-proto PR #168). The field values here are illustrative.
#[test]
fn archiveopteryx_spaces_before_id_list_close() {
    let d = data(quirk!(
        b"* ID (\"name\" \"Archiveopteryx\" \"version\" \"3.2.0\" )\r\n",
    ));
    let Data::Id(Some(params)) = d else { panic!() };
    assert_eq!(params.len(), 2);
    assert_eq!(params[1], (Str::from("version"), Some(Str::from("3.2.0"))));
}

/// A yahoo.co.jp message's BODYSTRUCTURE has a space before the ")" that ends a multipart's
/// extension data (emailjs/emailjs-imap-handler PR #8). The response there goes on with a
/// `BODY[HEADER.FIELDS (...)]` literal, left out here.
#[test]
fn yahoo_japan_space_before_multipart_close() {
    let (_, items) = fetch(quirk!(
        b"* 2 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 2515 64 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 7723 151 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"pzu8t3naw7b5therma1t\") NIL ) FLAGS (\\Seen) INTERNALDATE \"30-Oct-2014 03:23:45 +0000\" UID 2)\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Multi {
        parts,
        subtype,
        ext,
    } = &tree_of
    else {
        panic!()
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(*subtype, Str::from("alternative"));
    let ext = ext.as_ref().unwrap();
    assert_eq!(ext.params[0].1, Str::from("pzu8t3naw7b5therma1t"));
    assert_eq!(ext.tail.disposition, Some(None));
    assert_eq!(items.len(), 4);
}

// --- Missing spaces -------------------------------------------------------------------------

/// No SP between a literal and the next FETCH item. We know of no server named in a public
/// report; the tolerance is kept because the parser cannot otherwise recover the rest of the
/// response.
#[test]
fn missing_space_after_literal_in_fetch() {
    let (_, items) = fetch(quirk!(b"* 1 FETCH (BODY[] {3}\r\nabcFLAGS (\\Seen))\r\n"));
    assert!(
        matches!(&items[0], FetchData::BodySection { data: Some(d), .. } if d.as_bytes() == b"abc")
    );
    assert_eq!(items[1], FetchData::Flags(vec![Flag::Seen]));
}

// --- Keyword case ---------------------------------------------------------------------------

/// Keywords are case-insensitive (RFC 9051 section 9), so these are valid: David.fx Mail
/// Access Server sends `* 3 Recent` (jstedfast/MailKit#422), another server `* 2 Recent`
/// (emersion/go-imap PR #656), Cyrus `B0 Bad ...` (apple/swift-nio-imap#498), and
/// Archiveopteryx lower-case ESEARCH items (s1t5/mail-archiver#511).
#[test]
fn keywords_in_any_case() {
    assert_eq!(data(valid!(b"* 3 Recent\r\n")), Data::Recent(3));
    let s = status(valid!(b"B0 Bad Missing required argument to Fetch\r\n"));
    assert_eq!(s.kind, StatusKind::Bad);
    let d = data(valid!(b"* ESEARCH (TAG \"A5\") uid count 3 all 1:3\r\n"));
    let Data::ESearch(e) = d else { panic!() };
    assert!(e.uid);
    assert_eq!(e.data[0], ESearchData::Count(3));
    let (_, items) = fetch(valid!(b"* 1 fetch (uid 7 flags (\\seen \\ANSWERED))\r\n"));
    assert_eq!(items[1], FetchData::Flags(vec![Flag::Seen, Flag::Answered]));
    let s = status(valid!(b"* ok [uidvalidity 3857529045] UIDs valid\r\n"));
    assert!(matches!(s.code, Some(Code::UidValidity(v)) if v.get() == 3857529045));
}

// --- NIL where BODYSTRUCTURE wants a string -------------------------------------------------

/// NIL for the media type, subtype and encoding of a part. DavMail sent NIL in fields that do
/// not allow it (mguessan/davmail PR #239), and a NIL `body-fld-enc` is listed as
/// modern-email/defects#41; the part here is illustrative. NIL becomes the empty string.
#[test]
fn nil_media_type_and_encoding() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (NIL NIL NIL NIL NIL NIL 1024))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Single { part } = &tree_of else {
        panic!()
    };
    assert!(part.ext.is_none());
    assert!(part.media_type.is_empty() && part.subtype.is_empty() && part.encoding.is_empty());
    assert_eq!(part.octets, 1024);
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL NIL 1024 NIL NIL NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Single { part } = &tree_of else {
        panic!()
    };
    assert!(part.ext.is_some());
    assert!(part.encoding.is_empty());
}

/// Exchange (Office 365) sends a part's disposition as a bare string, `NIL "inline" NIL NIL`
/// where `body-fld-dsp = "(" string SP body-fld-param ")" / nil` (jstedfast/MailKit#919, with
/// the two parts verbatim; the multipart's boundary and the rest of the response are cut off
/// in the report, so the multipart is closed right after its subtype).
#[test]
fn exchange_disposition_as_bare_string() {
    let (_, items) = fetch(quirk!(
        b"* 37 FETCH (UID 67 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 850 31 NIL \"inline\" NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 14692 502 NIL \"inline\" NIL NIL) \"alternative\"))\r\n",
    ));
    let tree_of = tree(&items[1]);
    let BodyStructure::Multi { parts, .. } = &tree_of else {
        panic!()
    };
    for part in parts {
        let BodyStructure::Single { part } = part else {
            panic!()
        };
        let ext = part.ext.as_ref().unwrap();
        let dsp = ext.tail.disposition.clone().unwrap().unwrap();
        assert_eq!(dsp.kind, Str::from("inline"));
        assert!(dsp.params.is_empty());
        assert_eq!(ext.tail.language, Some(None));
        assert_eq!(ext.tail.location, Some(None));
    }
}

/// Exchange 2016 puts a string (the part's Content-Description, it seems) where a multipart's
/// disposition belongs (jakartaee/mail-api#278, verbatim). It is read as a disposition kind
/// with no parameters; the bytes do not say more.
#[test]
fn exchange_string_in_multipart_disposition() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 21 0 NIL (\"inline\" NIL) NIL NIL)(\"application\" \"octet-stream\" (\"name\" \"private.txt\") NIL NIL \"base64\" 690 NIL (\"attachment\" (\"filename\" \"private.txt\")) NIL NIL) \"mixed\" (\"boundary\" \"----=_Part_0_-1731707885.1504253815584\") \"S/MIME Encrypted Message\" NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let b @ BodyStructure::Multi { ext: Some(ext), .. } = &tree_of else {
        panic!()
    };
    let dsp = ext.tail.disposition.clone().unwrap().unwrap();
    assert_eq!(dsp.kind, Str::from("S/MIME Encrypted Message"));
    assert_eq!(ext.tail.language, Some(None));
    assert_eq!(
        b.part(&[2]).unwrap().mime_type(),
        "application/octet-stream"
    );
}

/// A multipart whose list of parts the server wrote as NIL, inside a message/rfc822 part
/// (jstedfast/MailKit#1393, verbatim from the report; the server is not named). It is read
/// as a multipart with no parts.
#[test]
fn nil_in_place_of_multipart_parts() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 727 16 NIL NIL NIL NIL)(\"message\" \"delivery-status\" (\"name\" \"Delivery status\") NIL NIL \"7bit\" 416 NIL NIL NIL NIL)(\"message\" \"rfc822\" (\"name\" \"Message headers\") NIL NIL \"7bit\" 903 (\"Mon, 17 Nov 2014 13:29:21 +0100\" \"Re: Adresy\" ((\"username\" NIL \"e.username\" \"example.com\")) ((\"username\" NIL \"e.username\" \"example.com\")) ((\"username\" NIL \"e.username\" \"example.com\")) ((\"=?utf-8?Q?Justyna?=\" NIL \"salesde\" \"some-company.eu\")) ((NIL NIL \"saleseu\" \"some-company.eu\")(\"Bogdan\" NIL \"bogdan\" \"some-company.eu\")) NIL \"<004901d00260$35405970$9fc10c50$@some-company.eu>\" \"<D6173425-9D71-4D78-8C3C-1CEB03BCB4D0@example.com>\") (NIL \"alternative\" (\"boundary\" \"Apple-Mail=_352FCEEC-EB15-428F-9D8B-D3B4259DD646\") NIL NIL NIL) 17 NIL NIL NIL NIL) \"report\" (\"report-type\" \"delivery-status\" \"boundary\" \"_e0d7475d888f9882b71de053e5efb221_idea\") NIL NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let b = &tree_of;
    let BodyStructure::Single { part, .. } = b.part(&[3]).unwrap() else {
        panic!()
    };
    let PartKind::Message { body, lines, .. } = &part.kind else {
        panic!()
    };
    assert_eq!(*lines, 17);
    let BodyStructure::Multi {
        parts,
        subtype,
        ext,
    } = &**body
    else {
        panic!()
    };
    assert!(parts.is_empty());
    assert_eq!(*subtype, Str::from("alternative"));
    assert_eq!(ext.as_ref().unwrap().params.len(), 1);
}

// --- Negative and oversized numbers ---------------------------------------------------------

/// A body size of -1 in a BODY response (emersion/go-imap#534, from Exchange or Dovecot per
/// modern-email/defects#27; the report's ENVELOPE item after BODY is left out). Negative
/// sizes read as 0.
#[test]
fn negative_body_size() {
    let (_, items) = fetch(quirk!(
        b"* 32 FETCH (UID 389 RFC822.SIZE 27824 BODY ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 155 1)(\"message\" \"feedback-report\" NIL NIL NIL \"7bit\" 141)(\"message\" \"rfc822\" NIL NIL NIL \"8bit\" 0 (\"Thu, 8 Jun 2023 11:37:19 +0200\" \"=?utf-8?... =?utf-8?Q?023@ID61326?=\" ((\"{.eml From}\" NIL \"{.eml From local part}\" \"{.eml From domain}\")) ((NIL NIL \"{.eml Sender local part}\" \"{.eml Sender domain}\")) NIL NIL NIL NIL NIL \"<{.eml messageID}>\") (\"multipart\" \"parallel\" (\"boundary\" \"_90b3ff09-0c78-477e-ac01-677ba1271137_\") NIL NIL \"7BIT\" -1) 0) \"report\"))\r\n",
    ));
    let tree_of = tree(&items[2]);
    let b = &tree_of;
    let BodyStructure::Single { part, .. } = b.part(&[3]).unwrap() else {
        panic!()
    };
    let PartKind::Message { body, lines, .. } = &part.kind else {
        panic!()
    };
    assert_eq!(*lines, 0);
    let BodyStructure::Single { part: inner, .. } = &**body else {
        panic!()
    };
    assert_eq!(body.mime_type(), "multipart/parallel");
    assert_eq!(inner.octets, 0);
}

/// SmarterMail sent a text part size of -2 (jstedfast/MailKit#385; the report shows the part's
/// start, completed here with NIL extension fields).
#[test]
fn smartermail_negative_part_size() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" -2 0 NIL NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Single { part, .. } = &tree_of else {
        panic!()
    };
    assert_eq!(part.octets, 0);
    assert_eq!(part.kind, PartKind::Text { lines: 0 });
}

/// A size too large for 64 bits saturates. No server is known to send one; the tolerance
/// keeps a broken size from losing the rest of the FETCH.
#[test]
fn oversized_size_saturates() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (RFC822.SIZE 99999999999999999999999 UID 5)\r\n",
    ));
    assert_eq!(items[0], FetchData::Rfc822Size(u64::MAX));
    assert!(matches!(items[1], FetchData::Uid(u) if u.get() == 5));
}

// --- 8-bit bytes ----------------------------------------------------------------------------

/// Proton Mail Bridge sends raw UTF-8 in ENVELOPE quoted strings without UTF8=ACCEPT
/// (modern-email/defects#38: "Clément" in the From name; the rest of the envelope is
/// completed here). Strict mode accepts it once UTF-8 is enabled.
#[test]
fn proton_bridge_utf8_in_quoted_string() {
    let bytes = "* 2 FETCH (UID 4 FLAGS (\\Seen) ENVELOPE (\"Thu, 22 Aug 2024 07:48:03 +0000\" \"Test\" ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((NIL NIL \"to\" \"localhost\")) NIL NIL NIL \"<1@localhost>\"))\r\n".as_bytes();
    let r = quirk!(bytes);
    let utf8 = ParseOptions {
        utf8: true,
        ..ParseOptions::strict()
    };
    assert_eq!(parse_response(&unit(bytes), &utf8).unwrap(), r);
    let (_, items) = fetch(r);
    let env = envelope(&items);
    assert_eq!(
        env.from,
        vec![Address {
            name: Some(Str::from("Clément DOUIN")),
            adl: None,
            mailbox: Some(Str::from("clement.douin")),
            host: Some(Str::from("localhost")),
        }]
    );
}

/// Gmail puts the account's display name, in UTF-8, in the text of the tagged OK to LOGIN
/// (lefcha/imapfilter PR #10: "Łukasz"). Valid text only once UTF-8 is enabled.
#[test]
fn gmail_utf8_in_text() {
    let bytes = "1001 OK lukasz.jachymczyk@gmail.com Łukasz Jachymczyk authenticated (Success)\r\n"
        .as_bytes();
    let s = status(quirk!(bytes));
    assert_eq!(
        s.text.as_str(),
        Some("lukasz.jachymczyk@gmail.com Łukasz Jachymczyk authenticated (Success)")
    );
    let utf8 = ParseOptions {
        utf8: true,
        ..ParseOptions::strict()
    };
    assert_eq!(
        status(parse_response(&unit(bytes), &utf8).unwrap()).text,
        s.text
    );
}

/// Bytes that are not UTF-8 at all (Latin-1 "für", as servers with a legacy locale send in
/// human-readable text) are kept as received in tolerant mode and rejected by strict mode,
/// with or without UTF-8 enabled.
#[test]
fn latin1_in_text_and_quoted() {
    let text = b"* OK [ALERT] Postfach f\xfcr admin ist voll\r\n";
    let s = status(quirk!(text));
    assert_eq!(s.text.as_bytes(), b"Postfach f\xfcr admin ist voll");
    let quoted = b"* LIST () \"/\" \"f\xfcr\"\r\n";
    quirk!(quoted);
    let utf8 = ParseOptions {
        utf8: true,
        ..ParseOptions::strict()
    };
    assert!(parse_response(&unit(text), &utf8).is_err());
    assert!(parse_response(&unit(quoted), &utf8).is_err());
}

/// GreenMail sent mailbox names with umlauts neither encoded nor quoted
/// (greenmail-mail-test/greenmail#74): an atom with 8-bit bytes, in LIST and STATUS. Taken as
/// UTF-8 when it is UTF-8.
#[test]
fn utf8_in_an_atom_mailbox_name() {
    let Data::List(l) = data(quirk!(b"* LIST () \"/\" Entw\xc3\xbcrfe\r\n")) else {
        panic!("not LIST")
    };
    assert_eq!(l.mailbox.name(), Some("Entwürfe"));
    let status = b"* STATUS Entw\xc3\xbcrfe (MESSAGES 1)\r\n";
    let Data::Status { mailbox, items } =
        data(parse_response(&unit(status), &ParseOptions::default()).unwrap())
    else {
        panic!("not STATUS")
    };
    assert_eq!(mailbox.name(), Some("Entwürfe"));
    assert_eq!(items.len(), 1);
    assert!(strict_parse(&unit(status)).is_err());
}

/// Exchange lists an Outlook folder whose name holds tabs as an unquoted atom, tabs and all
/// (jstedfast/MailKit#945, the log in the report).
#[test]
fn tabs_in_an_atom_mailbox_name() {
    let Data::List(l) = data(quirk!(
        b"* LIST (\\HasNoChildren) \"/\" INBOX/Da\tOggetto\tRicevuto\tDimensione\tCategorie\t\r\n"
    )) else {
        panic!("not LIST")
    };
    // Decoded, tabs as themselves, and the bytes kept: modified UTF-7 would encode a tab, so
    // only the bytes as received select the same folder.
    assert_eq!(
        l.mailbox.name(),
        Some("INBOX/Da\tOggetto\tRicevuto\tDimensione\tCategorie\t")
    );
    assert_eq!(
        l.mailbox.wire().map(|r| &r[..]),
        Some(&b"INBOX/Da\tOggetto\tRicevuto\tDimensione\tCategorie\t"[..])
    );
}

/// A name holding a TAB and a modified UTF-7 run, and one holding another control byte (issue
/// 12, point 17): still decoded, each control byte as itself, and sent back as received. The
/// quoted form is valid grammar (TAB and 0x01 are CHARs), so strict mode reads it the same.
#[test]
fn control_bytes_in_a_modified_utf7_name() {
    let Data::List(l) = data(valid!(b"* LIST () \"/\" \"Entw&APw-rfe\tAlt\"\r\n")) else {
        panic!()
    };
    assert_eq!(l.mailbox.name(), Some("Entwürfe\tAlt"));
    assert_eq!(l.mailbox, imap_core::types::Mailbox::new("Entwürfe\tAlt"));
    let Data::List(l) = data(quirk!(b"* LIST () \"/\" Gel&APY-scht\x01x\r\n")) else {
        panic!()
    };
    assert_eq!(l.mailbox.name(), Some("Gelöscht\u{1}x"));
    let written = imap_core::encode::encode_response(
        &Response::Data(Data::List(l)),
        &EncodeOptions::default(),
    );
    assert!(
        written
            .to_vec()
            .windows(13)
            .any(|w| w == b"Gel&APY-scht\x01")
    );
}

/// mail.ru writes large `body-fld-octets` in floating-point notation (jstedfast/MailKit#1838
/// and #1840, bkaankose/Wino-Mail#469: "Unexpected atom token: 9.3736e+06"). The reports show
/// only the number; the part around it is completed minimally.
#[test]
fn octets_in_floating_point_notation() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 9.3736e+06 120000 NIL NIL NIL NIL) \"mixed\"))\r\n"
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Multi { parts, .. } = &tree_of else {
        panic!("not a multipart: {items:?}")
    };
    let BodyStructure::Single { part, .. } = &parts[0] else {
        panic!("not a single part")
    };
    assert_eq!(part.octets, 9_373_600);
}

/// gmx.net describes a `multipart/related` part as a single part, then writes a multipart's
/// extension data (parameters first) where `body-fld-md5` belongs (jstedfast/MailKit#878, the
/// first response of the report, verbatim). The repeated parameter list is dropped.
#[test]
fn multipart_parameters_in_place_of_md5() {
    let (_, items) = fetch(quirk!(
        b"* 58056 FETCH (UID 168531 RFC822.SIZE 5826 INTERNALDATE \"05-Jul-2019 23:29:19 +0000\" ENVELOPE (\"Fri, 05 Jul 2019 17:50:33 -0400\" \"**** decken sie jetzt ihren willkommensbonus auf!\" ((\"Cosmo Casino\" NIL \"Miai\" \"kyta.mantzen.com\")) ((\"Cosmo Casino\" NIL \"Miai\" \"kyta.mantzen.com\")) ((\"Cosmo Casino\" NIL \"Miai\" \"kyta.mantzen.com\")) ((NIL NIL \"****\" \"gmx.de\")) NIL NIL NIL \"<1802311402.10088.1413706923455.JavaMail.fatwhs@sd-hffeprod-01.sanoma.fi>\") BODYSTRUCTURE ((\"multipart\" \"related\" (\"boundary\" \"----=_@@@@BeautyqueenS87@_@147836_6893840099.85426606923635\") NIL NIL \"7BIT\" 400 (\"boundary\" \"----=_@@@@BeautyqueenS87@_@147836_6893840099.85426606923635\") NIL NIL NIL)(\"TEXT\" \"html\" (\"charset\" \"UTF8\") NIL NIL \"7BIT\" 1115 70 NIL NIL NIL NIL)(\"TEXT\" \"html\" (\"charset\" \"UTF8\") NIL NIL \"QUOTED-PRINTABLE\" 16 2 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"----=--_DRYORTABLE@@@_@@@8957836_03253840099.78526606923635\") NIL NIL NIL) FLAGS ())\r\n"
    ));
    let body = &items
        .iter()
        .find_map(|d| match d {
            FetchData::BodyStructure(b) => Some(b.to_structure()),
            _ => None,
        })
        .expect("BODYSTRUCTURE");
    let BodyStructure::Multi { parts, .. } = body else {
        panic!("not a multipart")
    };
    assert_eq!(parts.len(), 3);
    let BodyStructure::Single { part } = &parts[0] else {
        panic!("not a single part")
    };
    assert_eq!(part.media_type.as_bytes(), b"multipart");
    assert_eq!(part.octets, 400);
    assert_eq!(part.ext.as_ref().unwrap().md5, None);
}

/// qiye.163.com copies a Content-Description of `""` into BODY unescaped, as `""""`
/// (emersion/go-imap#659, the part of the reported response that carries it). The second reading
/// takes the quotes that no delimiter follows as content.
#[test]
fn unescaped_quotes_in_a_description() {
    let (_, items) = fetch(quirk!(
        b"* 150 FETCH (UID 1733220355 BODY ((\"text\" \"html\" (\"charset\" \"UTF-8\") NIL NIL \"quoted-printable\" 1224 16)(\"application\" \"octet-stream\" (\"name\" \"2154973550.pdf\") NIL \"\"\"\" \"base64\" 65322) \"MIXED\"))\r\n"
    ));
    let tree_of = tree(&items[1]);
    let BodyStructure::Multi { parts, .. } = &tree_of else {
        panic!("not a multipart: {items:?}")
    };
    let BodyStructure::Single { part, .. } = &parts[1] else {
        panic!("not a single part")
    };
    assert_eq!(
        part.description.as_ref().map(|d| d.as_bytes()),
        Some(&b"\"\""[..])
    );
    assert_eq!(part.encoding.as_bytes(), b"base64");
}

/// iCloud sends Message-IDs that hold quotes without escaping them (MailCore/mailcore2#1967;
/// the report does not quote the bytes, so this is the shape it describes, in an envelope
/// from the same report).
#[test]
fn unescaped_quotes_in_a_message_id() {
    let (_, items) = fetch(quirk!(
        b"* 7027 FETCH (UID 11153 ENVELOPE (\"Tue, 30 Jan 2018 23:39:12 +0100 (CET)\" \"Redacted\" ((NIL NIL \"redacted\" \"me.com\")) NIL NIL NIL NIL NIL NIL \"<\"quoted.local\"@mp-be012>\"))\r\n"
    ));
    let env = envelope(&items);
    assert_eq!(
        env.message_id.as_ref().map(|m| m.as_bytes()),
        Some(&b"<\"quoted.local\"@mp-be012>"[..])
    );
}

/// The second reading takes a quote as text only before text: before a control byte it still
/// closes the string, so this (found by the `response` fuzzer) stays an error. Reading the NULs
/// as string content would give a value the encoder writes with SPs for the NULs, which no longer
/// parses (encode, then parse, must give the value back).
#[test]
fn a_quote_before_a_control_byte_still_closes_its_string() {
    let unit = unit(
        b"* LIST (\\Marked) \":\" Tables (tablecloth ((\"ed'e\"\x00\x00\x00\t \"lacy\")))\r\n",
    );
    let e = parse_response(&unit, &ParseOptions::default()).unwrap_err();
    // The error is the first reading's: a value expected where the NUL stands.
    assert_eq!((e.expected, e.offset), ("value", 48), "{e}");
}

/// On the second reading a value kept raw (unknown FETCH data) is read as written: only typed
/// strings take loose quotes. Read loosely, the raw value here would swallow ` "c`, and its bytes,
/// written back as they are, would then parse (on the first reading) into different items.
#[test]
fn raw_values_are_read_as_written_on_the_second_reading() {
    let unit = unit(b"* 1 FETCH (BODY[] \"x\"y\" X-A \"a\"b \"c\")\r\n");
    let first = tolerant_parse(&unit);
    let (_, items) = fetch(first.clone());
    assert_eq!(items.len(), 3, "{items:?}");
    let bytes = Bytes::from(encode_response(&first, &EncodeOptions::default()).to_vec());
    assert_eq!(tolerant_parse(&bytes), first);
    // Without the raw item the loose string is read, and a well-formed string beside it is
    // left alone.
    let unit = self::unit(b"* 1 FETCH (BODY[] \"x\"y\" BODY[1] \"plain\")\r\n");
    let (_, items) = fetch(tolerant_parse(&unit));
    let texts: Vec<_> = items
        .iter()
        .filter_map(|d| match d {
            FetchData::BodySection { data, .. } => data.as_ref().map(|s| s.as_bytes().to_vec()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, [b"x\"y".to_vec(), b"plain".to_vec()]);
}

/// What the second reading accepts encodes to bytes that parse back to the same value.
#[test]
fn unescaped_quotes_survive_a_round_trip() {
    let unit = unit(
        b"* 1 FETCH (ENVELOPE (NIL \"say \"hi\"now\" NIL NIL NIL NIL NIL NIL NIL \"<\"q\"@x>\"))\r\n",
    );
    let first = tolerant_parse(&unit);
    let bytes = Bytes::from(encode_response(&first, &EncodeOptions::default()).to_vec());
    assert_eq!(tolerant_parse(&bytes), first);
    assert_eq!(
        strict_parse(&bytes).as_ref().ok(),
        Some(&first),
        "written as valid grammar"
    );
}

/// A stray quote right after a space inside a string is recovered too: only the second reading
/// can tell it from a quote that opens a string.
#[test]
fn unescaped_quote_after_a_space() {
    let unit = unit(b"* 1 FETCH (ENVELOPE (NIL \"a \"b\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
    let (_, items) = fetch(tolerant_parse(&unit));
    let env = envelope(&items);
    assert_eq!(
        env.subject.as_ref().map(|s| s.as_bytes()),
        Some(&b"a \"b"[..])
    );
    assert!(strict_parse(&unit).is_err());
}

/// A response that parses as written is never read the loose way: `""` stays an empty
/// string.
#[test]
fn empty_strings_keep_their_meaning() {
    let (_, items) = fetch(valid!(
        b"* 1 FETCH (ENVELOPE (\"\" \"\" NIL NIL NIL NIL NIL NIL \"\" \"\"))\r\n"
    ));
    let env = envelope(&items);
    assert_eq!(env.subject.as_ref().map(|s| s.len()), Some(0));
}

/// A server put `NIL` before the address inside the From and Sender lists, whose names are
/// literals holding a broken encoded word (jstedfast/MailKit#991, shortened: the report's
/// literals are 123 bytes of redacted text). The stray `NIL` is skipped.
#[test]
fn nil_in_place_of_an_address() {
    let (_, items) = fetch(quirk!(
        b"* 3001 FETCH (UID 3001 ENVELOPE (\"Thu, 18 Jul 2019 01:29:32 -0300\" \"Xxx xxx xxx xxx..\" (NIL ({11}\r\n_XXXXXXXX?= NIL \"xxxxxxx\" \"xxxxxxxxxx.xxx\")) (NIL ({11}\r\n_XXXXXXXX?= NIL \"xxxxxxx\" \"xxxxxxxxxx.xxx\")) ((NIL NIL \"xxxxxxx\" \"xxxxx.xxx.xx\")) ((NIL NIL \"xxxxxxx\" \"xxxxxxx.xxx.xx\")) NIL NIL NIL \"<0A9F01100712011D213C15B6D2B6DA@XXXXXXX-XXXXXXX>\"))\r\n"
    ));
    let env = envelope(&items);
    assert_eq!(env.from.len(), 1);
    assert_eq!(
        env.from[0].name.as_ref().map(|n| n.as_bytes()),
        Some(&b"_XXXXXXXX?="[..])
    );
    assert_eq!(
        env.from[0].email().as_deref(),
        Some("xxxxxxx@xxxxxxxxxx.xxx")
    );
    assert_eq!(env.sender, env.from);
    assert_eq!(env.to.len(), 1);
}

// --- MODSEQ ---------------------------------------------------------------------------------

/// imap-codec encoded the FETCH MODSEQ item without its parentheses until its issue #722, so
/// servers built on it send `MODSEQ 624140003` (the value of RFC 7162's example 13).
#[test]
fn modseq_without_parentheses() {
    let (_, items) = fetch(quirk!(b"* 1 FETCH (MODSEQ 624140003)\r\n"));
    assert_eq!(items, [FetchData::ModSeq(624140003)]);
}

/// A server sent a mod-sequence of -1 (jstedfast/MailKit#495); read as 0, which no real
/// mod-sequence is.
#[test]
fn negative_modseq() {
    let (_, items) = fetch(quirk!(b"* 3 FETCH (UID 12 MODSEQ (-1))\r\n"));
    assert_eq!(items[1], FetchData::ModSeq(0));
}

// --- Trailing spaces ------------------------------------------------------------------------

/// imap.exmail.qq.com ends CAPABILITY with a space after authentication (emersion/go-imap#571,
/// modern-email/defects#21); apple/swift-nio-imap PR #233 saw the same from iCloud or Apple's
/// corporate server.
#[test]
fn trailing_space_after_capability() {
    let d = data(quirk!(
        b"* CAPABILITY IMAP4 IMAP4rev1 XLIST MOVE IDLE XAPPLEPUSHSERVICE NAMESPACE CHILDREN ID UIDPLUS \r\n",
    ));
    let Data::Capability(caps) = d else { panic!() };
    assert_eq!(caps.len(), 10);
    assert_eq!(caps[1], Capability::Imap4rev1);
}

/// Yahoo ends SEARCH with a space (mxk/go-imap#9: `* SEARCH 61 62 63 `; djc/imap-proto PR
/// #108; ikvk/imap_tools#97: `* SEARCH 7456 `); GreenMail (greenmail#264) and
/// smtp-n.global-mail.cn (emersion/go-imap PR #594) send `* SEARCH ` when nothing matches.
#[test]
fn trailing_space_after_search() {
    let d = data(quirk!(b"* SEARCH 61 62 63 \r\n"));
    assert_eq!(
        d,
        Data::Search {
            nums: vec![61, 62, 63],
            modseq: None
        }
    );
    let d = data(quirk!(b"* SEARCH \r\n"));
    assert_eq!(
        d,
        Data::Search {
            nums: vec![],
            modseq: None
        }
    );
}

/// Outlook / Exchange ends STATUS with a space (djc/imap-proto PR #152, duesee/imap-codec
/// PR #468, modern-email/defects#9).
#[test]
fn trailing_space_after_status() {
    let d = data(quirk!(b"* STATUS INBOX (MESSAGES 0) \r\n"));
    let Data::Status { mailbox, items } = d else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].1, StatusValue::Number(0));
}

/// A space after the ID list. We know of no server sending exactly this; it is the ID
/// counterpart of the trailing spaces above and of Archiveopteryx's spaces inside the list.
#[test]
fn trailing_space_after_id() {
    let d = data(quirk!(b"* ID (\"name\" \"x\") \r\n"));
    assert_eq!(
        d,
        Data::Id(Some(vec![(Str::from("name"), Some(Str::from("x")))]))
    );
    assert_eq!(data(quirk!(b"* ID NIL \r\n")), Data::Id(None));
}

// --- Empty lists and NIL delimiters ---------------------------------------------------------

/// mail.163.com answers STATUS with an empty list (modern-email/defects#15, djc/imap-proto
/// PR #154). `status-att-list` is optional in the grammar, so this is valid.
#[test]
fn empty_status_list() {
    let d = data(valid!(b"* STATUS \"x\" ()\r\n"));
    let Data::Status { mailbox, items } = d else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("x"));
    assert!(items.is_empty());
}

/// NIL hierarchy delimiters are valid grammar (a flat namespace): seznam.cz (emersion/go-imap
/// #329), SEINE (emailjs/emailjs-imap-client PR #27), MsgServe (OfflineIMAP#663), and
/// yahoo.co.jp in NAMESPACE (emailjs/emailjs-imap-client PR #36).
#[test]
fn nil_hierarchy_delimiters() {
    let Data::List(l) = data(valid!(b"* LIST (\\NoInferiors) NIL \"INBOX\"\r\n")) else {
        panic!()
    };
    assert_eq!(l.delimiter, None);
    assert!(l.mailbox.is_inbox());
    let Data::Namespace(ns) = data(valid!(b"* NAMESPACE ((\"\" NIL)) NIL NIL\r\n")) else {
        panic!()
    };
    assert_eq!(ns.personal[0].delimiter, None);
    assert!(ns.other_users.is_empty() && ns.shared.is_empty());
}

/// An empty quoted delimiter, read as NIL. We know of no server named in a public report.
#[test]
fn empty_quoted_delimiter() {
    let Data::List(l) = data(quirk!(b"* LIST () \"\" INBOX\r\n")) else {
        panic!()
    };
    assert_eq!(l.delimiter, None);
}

/// An empty address list `()` where `env-to = "(" 1*address ")" / nil` (apple/swift-nio-imap
/// PR #823: "Some servers emit `()` instead of `NIL`"; not named there).
#[test]
fn empty_address_list() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (ENVELOPE (\"Mon, 1 Jan 2024 00:00:00 +0000\" \"s\" ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) () NIL NIL NIL NIL))\r\n",
    ));
    let env = envelope(&items);
    assert!(env.to.is_empty());
    assert_eq!(env.from[0].email().as_deref(), Some("a@b"));
}

// --- Status lines without the usual parts ---------------------------------------------------

/// A response code with no status keyword after `*`. We know of no server named in a public
/// report; apple/swift-nio-imap PR #550 handles servers that "send nothing except the code".
/// It is read as an untagged OK.
#[test]
fn untagged_code_without_status_keyword() {
    let s = status(quirk!(b"* [ALERT] Mailbox is at 95% of quota\r\n"));
    assert_eq!(s.tag, None);
    assert_eq!(s.kind, StatusKind::Ok);
    assert_eq!(s.code, Some(Code::Alert));
    assert_eq!(s.text, Str::from("Mailbox is at 95% of quota"));
}

/// A line that starts with `[`, with neither `*` nor a tag. We know of no server named in a
/// public report. It is read as an untagged OK.
#[test]
fn line_starting_with_bracket() {
    let s = status(quirk!(b"[ALERT] Mailbox is at 95% of quota\r\n"));
    assert_eq!(s.tag, None);
    assert_eq!(s.kind, StatusKind::Ok);
    assert_eq!(s.code, Some(Code::Alert));
}

/// `A6 OK` with no SP and no text: ppops.net after COPY of a UID that does not exist
/// (mscdex/node-imap PR #539).
#[test]
fn tagged_ok_without_text() {
    let s = status(quirk!(b"A6 OK\r\n"));
    assert_eq!(s.tag.as_ref().map(|t| t.as_str()), Some("A6"));
    assert_eq!(s.kind, StatusKind::Ok);
    assert!(s.code.is_none() && s.text.is_empty());
    let s = status(quirk!(b"a1 OK\r\n"));
    assert_eq!(s.kind, StatusKind::Ok);
}

/// wp.pl answers LOGOUT with a tagged BYE (jonhoo/rust-imap#210); `response-tagged` allows
/// only OK, NO and BAD, and BYE and PREAUTH are always untagged.
#[test]
fn tagged_bye() {
    let s = status(quirk!(b"a4 BYE IMAP4rev1 Server logging out\r\n"));
    assert_eq!(s.tag.as_ref().map(|t| t.as_str()), Some("a4"));
    assert_eq!(s.kind, StatusKind::Bye);
    let s = status(quirk!(b"a4 PREAUTH hello\r\n"));
    assert_eq!(s.kind, StatusKind::PreAuth);
}

// --- Unknown data kept raw ------------------------------------------------------------------

/// Zimbra sends `* NOOP` while a command is in progress (ruby/net-imap#2). Unknown untagged
/// responses are kept raw in both modes (extensions may add any), so the client can report
/// them and go on.
#[test]
fn zimbra_unknown_untagged_response() {
    assert_eq!(
        data(valid!(b"* NOOP\r\n")),
        Data::Other {
            name: Str::from("NOOP"),
            rest: Str::default()
        }
    );
    assert_eq!(
        data(valid!(b"* 12 XFOO bar (baz) {3}\r\nabc\r\n")),
        Data::Other {
            name: Str::from("12"),
            rest: Str::from("XFOO bar (baz) {3}\r\nabc")
        }
    );
}

/// Dovecot's own FETCH items (`X-GUID`, `X-MAILBOX`) are unknown here and kept raw, name and
/// value, in both modes; the known items around them still parse.
#[test]
fn unknown_fetch_items() {
    let (_, items) = fetch(valid!(
        b"* 1 FETCH (UID 7 X-GUID 2f1c6a0f0c3b3c5a8e4a0000d5ad5b1e X-MAILBOX \"INBOX\" X-FOO[1.2] (a (b {1}\r\nc)) FLAGS ())\r\n",
    ));
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[1],
        FetchData::Other {
            name: Str::from("X-GUID"),
            value: Str::from("2f1c6a0f0c3b3c5a8e4a0000d5ad5b1e")
        }
    );
    assert_eq!(
        items[3],
        FetchData::Other {
            name: Str::from("X-FOO[1.2]"),
            value: Str::from("(a (b {1}\r\nc))")
        }
    );
    assert_eq!(items[4], FetchData::Flags(vec![]));
}

/// Gmail's WEBALERT code (pmengal/MailSystem.NET#17, URL shortened there; jstedfast/MailKit
/// #1214) and other unknown codes are kept raw, name and arguments; `atom [SP 1*<any
/// TEXT-CHAR except "]">]` makes them valid grammar.
#[test]
fn unknown_response_codes() {
    let s = status(valid!(
        b"* NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbttoGtD4OMtfxi7uAy8s84fzfawSNIPPED] Web login required.\r\n",
    ));
    let Some(Code::Other { name, args }) = &s.code else {
        panic!()
    };
    assert_eq!(name.as_str(), "WEBALERT");
    assert_eq!(
        args.as_ref().unwrap().as_str(),
        Some(
            "https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbttoGtD4OMtfxi7uAy8s84fzfawSNIPPED"
        )
    );
    assert_eq!(s.text, Str::from("Web login required."));
    let s = status(valid!(b"a1 OK [X-NO-SUCH-CODE] done\r\n"));
    assert!(
        matches!(&s.code, Some(Code::Other { name, args: None }) if name.as_str() == "X-NO-SUCH-CODE")
    );
}

/// Exchange's greeting ends its text with a bracketed blob (jstedfast/MailKit#1446): text, not
/// a code, since it does not start the text.
#[test]
fn exchange_greeting_with_bracket_in_text() {
    let s = status(valid!(
        b"* OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADEANgBDAEEAMAAwADYAMwAuAG4AYQBtAHAAcgBkADEANgAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]\r\n",
    ));
    assert!(s.code.is_none());
    assert!(s.text.as_bytes().ends_with(b"AYwBvAG0A]"));
}

// --- Other real deviations ------------------------------------------------------------------

/// A server wraps the ESEARCH MODSEQ item in parentheses, as SEARCH does (jstedfast/MailKit
/// #323: `(MODSEQ 284535)` where RFC 7162 wants `MODSEQ 284535`; the server is not named).
#[test]
fn esearch_modseq_in_parentheses() {
    let Data::ESearch(e) = data(quirk!(
        b"* ESEARCH (TAG \"A00000012\") UID ALL 33866,33897,33906 (MODSEQ 284535)\r\n",
    )) else {
        panic!()
    };
    assert!(e.uid);
    assert_eq!(e.data.len(), 2);
    assert_eq!(e.data[1], ESearchData::ModSeq(284535));
}

/// HCL Domino wraps ENVELOPE in an extra pair of parentheses inside FETCH
/// (jstedfast/MailKit#943, verbatim). The items inside are read as if they were not wrapped.
#[test]
fn domino_parenthesized_fetch_item() {
    let (_, items) = fetch(quirk!(
        b"* 2 FETCH (UID 14935 (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL))\r\n",
    ));
    assert_eq!(items.len(), 3);
    assert!(
        matches!(&items[1], FetchData::Envelope(e) if e.date().is_none() && e.from().len() == 0)
    );
    assert!(matches!(&items[2], FetchData::BodyStructure(b) if b.mime_type() == "text/plain"));
}

// --- Flags outside the atom grammar -----------------------------------------------------------

/// Gmail lists keywords holding `[` and `]` (and, for `[Gmail]/All Mail`, a space) in FLAGS and
/// PERMANENTFLAGS: jstedfast/MailKit#193 (the FLAGS line verbatim, shortened), ruby/net-imap#241,
/// djc/imap-proto#36. `]` is a resp-special, not ATOM-CHAR; tolerant mode takes it inside a
/// flag. A keyword with a space cannot be told from two keywords, and is read as two.
#[test]
fn gmail_keywords_with_brackets() {
    let Data::Flags(flags) = data(quirk!(
        b"* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen OIB-Seen-[Gmail]/Trash OIB-Seen-[Gmail]/Important $MailFlagBit2 OIB-Seen-[Gmail]/All Mail OIB-Seen-[Gmail]/Spam)\r\n",
    )) else {
        panic!()
    };
    assert_eq!(flags.len(), 11);
    assert_eq!(flags[5].to_wire(), "OIB-Seen-[Gmail]/Trash");
    assert_eq!(flags[8].to_wire(), "OIB-Seen-[Gmail]/All");
    assert_eq!(flags[9].to_wire(), "Mail");
    let s = status(quirk!(
        b"* OK [PERMANENTFLAGS (\\Answered OIB-Seen-[Gmail]/Trash \\*)] Flags permitted.\r\n",
    ));
    let Some(Code::PermanentFlags(perm)) = s.code else {
        panic!("{s:?}")
    };
    assert!(
        matches!(&perm[1], FlagPerm::Flag(f @ Flag::Keyword(_)) if f.to_wire() == "OIB-Seen-[Gmail]/Trash")
    );
    assert_eq!(perm[2], FlagPerm::Wildcard);
    assert_eq!(s.text.to_string(), "Flags permitted.");
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (FLAGS (\\Seen OIB-Seen-[Gmail]/Important))\r\n",
    ));
    assert!(
        matches!(&items[0], FetchData::Flags(f) if f[1].to_wire() == "OIB-Seen-[Gmail]/Important")
    );
}

/// Dovecot 1.0 stored Thunderbird tags such as `[css3-page]` and listed them in PERMANENTFLAGS
/// (jstedfast/MailKit#390; the bytes from emailjs/emailjs-imap-handler#6, cut off in the report
/// at the keyword and completed here). A `]` inside the list does not end the response code.
#[test]
fn keyword_in_brackets_inside_permanentflags() {
    let s = status(quirk!(
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen reading $has_cal ostern [css3-page] \\*)] Flags permitted.\r\n",
    ));
    let Some(Code::PermanentFlags(perm)) = s.code else {
        panic!("{s:?}")
    };
    assert_eq!(perm.len(), 10);
    assert!(
        matches!(&perm[8], FlagPerm::Flag(f @ Flag::Keyword(_)) if f.to_wire() == "[css3-page]")
    );
    assert_eq!(perm[9], FlagPerm::Wildcard);
}

/// Zoho sends `\*` in the untagged FLAGS list, where only PERMANENTFLAGS allows it
/// (chatmail/core#1834, the line decoded from its byte log; GreenMail had the same bug,
/// greenmail#633). It is kept as the flag extension `\*`.
#[test]
fn zoho_wildcard_in_flags() {
    let Data::Flags(flags) = data(quirk!(
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)\r\n",
    )) else {
        panic!()
    };
    assert_eq!(flags.len(), 6);
    assert!(matches!(&flags[5], f @ Flag::Extension(_) if f.to_wire() == "\\*"));
}

/// A bare `*` in PERMANENTFLAGS (mscdex/node-imap#19, verbatim; the server is not named), read
/// as `\*`.
#[test]
fn bare_star_in_permanentflags() {
    let s = status(quirk!(
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft *)] Flags permitted.\r\n",
    ));
    let Some(Code::PermanentFlags(perm)) = s.code else {
        panic!("{s:?}")
    };
    assert_eq!(perm.len(), 6);
    assert_eq!(perm[5], FlagPerm::Wildcard);
}

/// InterMail vM.8.04 (wi.rr.com) quotes a flag in FLAGS (jstedfast/MailKit#771, verbatim). The
/// string's content is read as the flag it names.
#[test]
fn intermail_quoted_flag() {
    let Data::Flags(flags) = data(quirk!(
        b"* FLAGS (\"\\\\Deleted\" \\Answered \\Flagged \\Deleted \\Draft \\Seen)\r\n",
    )) else {
        panic!()
    };
    assert_eq!(flags[0], Flag::Deleted);
    assert_eq!(flags.len(), 6);
}

// --- BODYSTRUCTURE shapes outside the grammar -------------------------------------------------

/// Gmail describes an empty multipart with no child parts: the subtype comes first, then the
/// extension data (jstedfast/MailKit#205 and #777; this is the first part of the regression
/// input of #205 in MailKit's ImapUtilsTests, with a minimal sibling and closing). It is read
/// as a multipart with no parts.
#[test]
fn gmail_multipart_without_parts() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"ALTERNATIVE\" (\"BOUNDARY\" \"==alternative_xad5934455aeex\") NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) \"RELATED\" (\"BOUNDARY\" \"x\") NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let b = &tree_of;
    let Some(BodyStructure::Multi {
        parts,
        subtype,
        ext,
    }) = b.part(&[1])
    else {
        panic!("{b:?}")
    };
    assert!(parts.is_empty());
    assert_eq!(subtype, &Str::from("ALTERNATIVE"));
    assert_eq!(ext.as_ref().unwrap().params[0].0, Str::from("BOUNDARY"));
    assert_eq!(b.part(&[2]).unwrap().mime_type(), "text/html");
}

/// Exchange writes NIL as the disposition's kind, `(NIL NIL)` (MailKit's
/// TestParseBodyStructureWithNilNilBodyFldDsp, "work-around for an Exchange bug", verbatim).
/// With no parameters either, it is read as no disposition.
#[test]
fn exchange_nil_disposition_kind() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"application\" \"msword\" NIL NIL NIL \"base64\" 50446 NIL (NIL NIL) NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Single { part } = &tree_of else {
        panic!()
    };
    let ext = part.ext.as_ref().unwrap();
    assert_eq!(ext.tail.disposition, Some(None));
    assert_eq!(ext.tail.location, Some(None));
}

/// Lotus Domino describes an attached message with an all-NIL envelope and `()` as its body
/// (jstedfast/MailKit#944, the part verbatim, double space included). The empty body is read
/// as a multipart with no parts and an empty subtype.
#[test]
fn domino_empty_body_in_a_message_part() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"message\" \"rfc822\"  NIL NIL NIL \"7BIT\" 787 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) () 0 NIL NIL NIL))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Single { part, .. } = &tree_of else {
        panic!()
    };
    let PartKind::Message { body, lines, .. } = &part.kind else {
        panic!("{part:?}")
    };
    assert_eq!(*lines, 0);
    assert!(
        matches!(&**body, BodyStructure::Multi { parts, subtype, ext: None } if parts.is_empty() && subtype.is_empty())
    );
}

/// mail.ru sends NIL as a parameter value, `()` as an empty parameter list, and message parts
/// without envelope, body and line count (kisli/vmime#159 and emersion/go-imap#557, verbatim).
#[test]
fn mailru_nil_parameter_value_and_empty_lists() {
    let (_, items) = fetch(quirk!(
        b"* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 536 0 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 7130 0 NIL NIL NIL NIL) \"alternative\" (\"boundary\" NIL)))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let BodyStructure::Multi { ext: Some(ext), .. } = &tree_of else {
        panic!()
    };
    assert_eq!(ext.params, vec![(Str::from("boundary"), Str::default())]);
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODY (((\"text\" \"plain\" (\"charset\" \"koi8-r\") NIL NIL \"quoted-printable\" 5716 0)(\"text\" \"html\" (\"charset\" \"koi8-r\") NIL NIL \"quoted-printable\" 5716 0) \"alternative\")(\"message\" \"delivery-status\" () NIL NIL \"7bit\" 340)(\"message\" \"rfc822\" () NIL NIL \"7bit\" 23925) \"report\"))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let b = &tree_of;
    let BodyStructure::Single { part, .. } = b.part(&[3]).unwrap() else {
        panic!()
    };
    assert_eq!((part.octets, &part.kind), (23925, &PartKind::Basic));
}

// --- ENVELOPE and FETCH items -----------------------------------------------------------------

/// imap.qq.com sends an ENVELOPE of nine fields, without the Message-ID (jstedfast/MailKit#669,
/// with the GBK subject shortened), and another server eight (MailKit#932). The missing
/// fields are NIL.
#[test]
fn qq_envelope_with_nine_fields() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (ENVELOPE (\"Mon, 30 Oct 2017 11:05:21 +0800\" \"=?GBK?B?suLK1A==?=\" ((\"=?GBK?B?zNrRtsbz0rXTys/k?=\" NIL \"10000\" \"qq.com\")) ((\"=?GBK?B?zNrRtsbz0rXTys/k?=\" NIL \"10000\" \"qq.com\")) ((\"=?GBK?B?zNrRtsbz0rXTys/k?=\" NIL \"10000\" \"qq.com\")) NIL NIL NIL NIL))\r\n",
    ));
    let env = envelope(&items);
    assert_eq!(env.from[0].host, Some(Str::from("qq.com")));
    assert_eq!((&env.in_reply_to, &env.message_id), (&None, &None));
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (ENVELOPE (\"Mon, 30 Oct 2017 11:05:21 +0800\" \"s\" ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) NIL NIL NIL))\r\n",
    ));
    assert!(envelope(&items).bcc.is_empty());
}

/// Yandex sends a body section with no value at all, `BODY[2] )`, for a part it could not read
/// (jstedfast/MailKit#1708, from its fixture yandex/getbodypart-missing-content.txt with the
/// 145-octet MIME header shortened). It is read as NIL.
#[test]
fn yandex_section_without_value() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (UID 3016 BODY[2.MIME] {26}\r\nContent-Type: text/plain\r\n BODY[2] )\r\n",
    ));
    assert_eq!(items.len(), 3);
    assert!(matches!(
        &items[2],
        FetchData::BodySection { data: None, .. }
    ));
}

/// A FETCH item whose value this parser cannot read is kept raw, and the rest of the response
/// with it: `UID 0` (OfflineIMAP/offlineimap#336, verbatim; `uniqueid` is nz-number) and Lotus
/// Domino's zero INTERNALDATE (jstedfast/MailKit#1236 quotes the value; the line around it is
/// minimal). Both become `FetchData::Other` with the item's name and raw value.
#[test]
fn unreadable_items_are_kept_raw() {
    let (_, items) = fetch(quirk!(b"* 1 FETCH (UID 0 FLAGS (\\Seen))\r\n"));
    assert_eq!(
        items[0],
        FetchData::Other {
            name: Str::from("UID"),
            value: Str::from("0"),
        }
    );
    assert_eq!(items[1], FetchData::Flags(vec![Flag::Seen]));
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (UID 5 INTERNALDATE \"00-Jan-0000 00:00:00 +0000\" FLAGS (\\Seen))\r\n",
    ));
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[1],
        FetchData::Other {
            name: Str::from("INTERNALDATE"),
            value: Str::from("\"00-Jan-0000 00:00:00 +0000\""),
        }
    );
}

/// Outlook 365 glues a quoted string to a response code's name, `[Error="..." ...]`
/// (ruby/net-imap#597, verbatim but for the mailbox id and the shortened exception text). The
/// code is kept as an unknown code with the arguments as sent.
#[test]
fn outlook_code_glued_to_a_quote() {
    let s = status(quirk!(
        b"RUBY0001 OK [Error=\"Microsoft.Exchange.Data.Storage.WrongServerException:Cross Server access is not allowed for mailbox xxxxxxxx\" AuthResultFromPopImapEnd=0 Proxy=XXXX.PROD.OUTLOOK.COM:1993:SSL MailboxBE=XXXX.PROD.OUTLOOK.COM Service=Imap4] AUTHENTICATE completed.\r\n",
    ));
    let Some(Code::Other {
        name,
        args: Some(args),
    }) = &s.code
    else {
        panic!("{s:?}")
    };
    assert_eq!(name.as_str(), "Error=");
    assert!(args.to_string().ends_with("Service=Imap4"));
    assert_eq!(s.text.to_string(), "AUTHENTICATE completed.");
}

/// hMailServer, with `\` as its hierarchy delimiter, wrote mailbox names in STATUS without
/// escaping the delimiter (hmailserver/hmailserver#85; the reply is described there, not
/// quoted, so the line is minimal). A backslash before a character that needs no escape is
/// kept as content, as the name was meant; before `"` or `\` it still escapes.
#[test]
fn hmailserver_unescaped_backslash_in_a_mailbox_name() {
    let Data::Status { mailbox, items } = data(quirk!(
        b"* STATUS \"Inbox\\Archive\" (MESSAGES 3 UNSEEN 1)\r\n",
    )) else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("Inbox\\Archive"));
    assert_eq!(items.len(), 2);
    let Data::Status { mailbox, .. } = data(valid!(b"* STATUS \"a\\\\b\\\"c\" (MESSAGES 3)\r\n"))
    else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("a\\b\"c"));
}

/// A Message-ID holding unescaped quotes, from a server whose reply shows in
/// jakartaee/mail-api#669 (verbatim): read on the second reading of the failed response.
#[test]
fn unescaped_quotes_in_a_javamail_message_id() {
    let (_, items) = fetch(quirk!(
        b"* 364 FETCH (ENVELOPE (\"Wed, 6 Apr 2022 17:10:18 +0800 (CST)\" \"=?utf-8?B?44CQQk9TU+ebtOiBmOOAkeW0lOS9s+aXreeahOeugOWOhg==?=\" ((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) ((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) ((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) ((\"=?utf-8?B?NTcxODYzNTU5?=\" NIL \"571863559\" \"qq.com\")) NIL NIL NIL \"<1763943481.139839.1649236218178.JavaMail.\"cv@notice.zhipin.com\"@v-bosszpmail-01>\") INTERNALDATE \"6-Apr-2022 17:10:18 +0800\" RFC822.SIZE 1103217)\r\n",
    ));
    assert_eq!(items.len(), 3);
    assert_eq!(
        envelope(&items).message_id,
        Some(Str::from(
            "<1763943481.139839.1649236218178.JavaMail.\"cv@notice.zhipin.com\"@v-bosszpmail-01>"
        ))
    );
}

// --- LIST, QUOTAROOT, NAMESPACE and VANISHED outside the grammar ------------------------------

/// A lone backslash among the mailbox attributes, from home.pl's IdeaImapServer 0.83 in XLIST
/// (Foundry376/Mailspring#967, verbatim) and from a server reported as Dovecot in LIST
/// (dinhvh/libetpan#403). It is kept as an attribute with an empty name.
#[test]
fn lone_backslash_among_mailbox_attributes() {
    let Data::XList(l) = data(quirk!(
        b"* XLIST (\\HasNoChildren \\) \".\" \"INBOX.ARCH\"\r\n"
    )) else {
        panic!()
    };
    assert_eq!(l.attributes.len(), 2);
    assert_eq!(l.attributes[1].name(), "");
    assert_eq!(l.mailbox.name(), Some("INBOX.ARCH"));
}

/// Lotus Notes sends a name holding a space and its `\` delimiter unquoted, as the last thing on
/// a LIST line (IndySockets/Indy#329, verbatim). The name is read to the end of the line.
#[test]
fn lotus_notes_unquoted_name_with_a_space() {
    let Data::List(l) = data(quirk!(
        b"* LIST (\\HasNoChildren) \"\\\\\" Folder\\Subfolder 1\r\n"
    )) else {
        panic!()
    };
    assert_eq!(l.delimiter, Some(b'\\'));
    assert_eq!(l.mailbox.name(), Some("Folder\\Subfolder 1"));
}

/// imap.telus.net sends a QUOTAROOT name with parentheses unquoted (jakartaee/mail-api#32,
/// verbatim). The name runs to the next space.
#[test]
fn telus_quotaroot_name_with_parentheses() {
    let Data::QuotaRoot { mailbox, roots } =
        data(quirk!(b"* QUOTAROOT folderB/TESTfolder(S)C \"\"\r\n"))
    else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("folderB/TESTfolder(S)C"));
    assert_eq!(roots, vec![Str::default()]);
}

/// imap.sohu.com answers NAMESPACE with namespace data under the CAPABILITY keyword
/// (jstedfast/MailKit#2006, verbatim). It is read as the NAMESPACE response it is.
#[test]
fn sohu_namespace_under_capability() {
    let Data::Namespace(ns) = data(quirk!(b"* CAPABILITY ((\"\" \"/\")) NIL NIL\r\n")) else {
        panic!()
    };
    assert_eq!(ns.personal.len(), 1);
    assert_eq!(ns.personal[0].delimiter, Some(b'/'));
    assert!(ns.other_users.is_empty() && ns.shared.is_empty());
}

/// A Dovecot regression answered `UID EXPUNGE 1` with `* VANISHED 0:1` (dovecot/core PR #162).
/// 0 at one end of a range is read as 1, which is what the range holds.
#[test]
fn dovecot_vanished_range_from_zero() {
    let Data::Vanished { earlier, uids } = data(quirk!(b"* VANISHED 0:1\r\n")) else {
        panic!()
    };
    assert!(!earlier);
    assert_eq!(
        imap_core::types::UidRanges::from_set(&uids, 10),
        [imap_core::types::Uid::new(1).unwrap()]
    );
}

// --- FETCH body sections ------------------------------------------------------------------------

/// WildDuck echoes the requested length after the origin, `BODY[TEXT]<0.28>`
/// (zone-eu/wildduck#32, the item verbatim; the literal here is short). The length is
/// dropped: the data says how long it is.
#[test]
fn wildduck_origin_with_length() {
    let (_, items) = fetch(quirk!(b"* 1 FETCH (BODY[TEXT]<0.28> {5}\r\nHello)\r\n"));
    assert!(matches!(
        &items[0],
        FetchData::BodySection { origin: Some(0), data: Some(d), .. } if d.as_bytes() == b"Hello"
    ));
}

/// GreenMail 1.5.3 writes no space between a section and its literal, `BODY[HEADER]{4169}`
/// (greenmail-mail-test/greenmail#187, with a short literal here).
#[test]
fn greenmail_no_space_before_a_literal() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (FLAGS (\\Recent \\Seen) BODY[HEADER]{12}\r\nSubject: x\r\n)\r\n",
    ));
    assert!(matches!(
        &items[1],
        FetchData::BodySection { data: Some(d), .. } if d.as_bytes() == b"Subject: x\r\n"
    ));
}

// --- BODYSTRUCTURE fields kept raw --------------------------------------------------------------

/// The parts and attachments a client lists from a BODYSTRUCTURE item: (part number, MIME
/// type, disposition, file name).
fn parts_of(items: &[FetchData]) -> Vec<(String, String, Option<String>, Option<String>)> {
    let b = items
        .iter()
        .find_map(|d| match d {
            FetchData::BodyStructure(b) => Some(b.to_structure()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no typed BODYSTRUCTURE in {items:?}"));
    imap_core::ops::fetch::outline(&b)
        .into_iter()
        .map(|p| {
            let path: Vec<String> = p.path.iter().map(u32::to_string).collect();
            (path.join("."), p.mime_type, p.disposition, p.filename)
        })
        .collect()
}

/// The unreadable fields of part `path`'s extension data.
fn unreadable(items: &[FetchData], path: &[u32]) -> Vec<(ExtField, String)> {
    let Some(item) = items.first() else {
        panic!("{items:?}")
    };
    let b = tree(item);
    let tail = match b.part(path) {
        Some(BodyStructure::Single { part }) if part.ext.is_some() => {
            &part.ext.as_ref().unwrap().tail
        }
        Some(BodyStructure::Multi { ext: Some(e), .. }) => &e.tail,
        other => panic!("no extension data at {path:?}: {other:?}"),
    };
    tail.unreadable
        .iter()
        .map(|u| (u.field, u.raw.to_string()))
        .collect()
}

fn attachment(
    path: &str,
    mime: &str,
    name: &str,
) -> (String, String, Option<String>, Option<String>) {
    (
        path.into(),
        mime.into(),
        Some("attachment".into()),
        Some(name.into()),
    )
}

/// A part without its subtype: the parameter list follows the media type directly (issue 12,
/// point 16; the shape of a part whose Content-Type lacks a subtype, as a server that copies
/// the header's words would describe it). The subtype is read as empty and every field after
/// it stays in its place, so the attachment beside it is still listed.
#[test]
fn part_without_a_subtype() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 2000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL) \"mixed\"))\r\n",
    ));
    let tree_of = tree(&items[0]);
    let b = &tree_of;
    let Some(BodyStructure::Single { part, .. }) = b.part(&[1]) else {
        panic!("{b:?}")
    };
    assert_eq!(part.subtype, Str::default());
    assert_eq!(
        part.params,
        vec![(Str::from("charset"), Str::from("utf-8"))]
    );
    assert_eq!((part.encoding.as_bytes(), part.octets), (&b"7bit"[..], 10));
    assert_eq!(part.kind, PartKind::Text { lines: 1 });
    assert_eq!(
        parts_of(&items)[2],
        attachment("2", "application/pdf", "a.pdf")
    );
}

/// A disposition with a string where its parameter list belongs, `("attachment" "a.pdf")`
/// (issue 12, point 16). Only the disposition is kept raw: the part stays typed, its language
/// and location are read in their places, and the part is still listed as an attachment.
#[test]
fn disposition_with_a_string_for_its_parameters() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 2000 NIL (\"attachment\" \"a.pdf\") \"en\" \"loc\") \"mixed\"))\r\n",
    ));
    assert_eq!(
        unreadable(&items, &[2]),
        vec![(ExtField::Disposition, "(\"attachment\" \"a.pdf\")".into())]
    );
    let body = fetch_body(&items);
    let Some(BodyStructure::Single { part }) = body.part(&[2]) else {
        panic!()
    };
    let ext = part.ext.as_ref().unwrap();
    assert_eq!(ext.tail.disposition, Some(None));
    assert_eq!(ext.tail.language, Some(Some(vec![Str::from("en")])));
    assert_eq!(ext.tail.location, Some(Some(Str::from("loc"))));
    assert_eq!(
        parts_of(&items)[2],
        attachment("2", "application/pdf", "a.pdf")
    );
}

/// A disposition with NIL where the parameter list closes and another NIL after it,
/// `("inline" NIL NIL)`, on a multipart (issue 12, point 16): the multipart's disposition is
/// kept raw, its parameters and the parts inside stay typed.
#[test]
fn disposition_with_a_nil_too_many() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 2000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL) \"mixed\" (\"boundary\" \"x\") (\"inline\" NIL NIL) NIL NIL))\r\n",
    ));
    assert_eq!(
        unreadable(&items, &[]),
        vec![(ExtField::Disposition, "(\"inline\" NIL NIL)".into())]
    );
    let BodyStructure::Multi { ext: Some(ext), .. } = fetch_body(&items) else {
        panic!()
    };
    assert_eq!(ext.params, vec![(Str::from("boundary"), Str::from("x"))]);
    assert_eq!(
        parts_of(&items)[2],
        attachment("2", "application/pdf", "a.pdf")
    );
}

/// `()` as a location (issue 12, point 16): kept raw; the disposition before it stays typed
/// and the extension after it is still read.
#[test]
fn empty_list_as_a_location() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 2000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL () 7))\r\n",
    ));
    assert_eq!(
        unreadable(&items, &[]),
        vec![(ExtField::Location, "()".into())]
    );
    let BodyStructure::Single { part } = fetch_body(&items) else {
        panic!()
    };
    let ext = part.ext.as_ref().unwrap();
    assert_eq!(ext.tail.location, Some(None));
    assert_eq!(ext.tail.extensions, vec![BodyExtension::Number(7)]);
    assert_eq!(
        parts_of(&items),
        vec![attachment("1", "application/pdf", "a.pdf")]
    );
}

/// A language list in the disposition's slot, `NIL ("en" "de") NIL NIL` (issue 12, point
/// 16): kept raw as the disposition; the NIL language and location after it stay in their
/// places. An empty language list `()` is read as NIL (the encoder's form of no languages).
#[test]
fn language_in_the_disposition_slot() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 NIL (\"en\" \"de\") () NIL))\r\n",
    ));
    assert_eq!(
        unreadable(&items, &[]),
        vec![(ExtField::Disposition, "(\"en\" \"de\")".into())]
    );
    let BodyStructure::Single { part } = fetch_body(&items) else {
        panic!()
    };
    let ext = part.ext.as_ref().unwrap();
    assert_eq!(part.kind, PartKind::Text { lines: 1 });
    assert_eq!(
        (&ext.tail.language, &ext.tail.location),
        (&Some(None), &Some(None))
    );
}

fn fetch_body(items: &[FetchData]) -> BodyStructure {
    match items.first() {
        Some(FetchData::BodyStructure(b)) => b.to_structure(),
        other => panic!("{other:?}"),
    }
}

// --- More real-server shapes (issue 12, point 17) -------------------------------------------

/// A server that ends a FETCH literal with CRLF as if it ended the line, then goes on with the
/// next item (issue 12, point 17). The framer keeps the unit whole (a parenthesis is open) and
/// tolerant mode skips the line end; the items after it are read.
#[test]
fn extra_line_end_after_a_literal_in_a_fetch() {
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODY[1] {5}\r\nHello\r\n UID 5 FLAGS (\\Seen))\r\n"
    ));
    assert!(matches!(
        &items[0],
        FetchData::BodySection { data: Some(d), .. } if d.as_bytes() == b"Hello"
    ));
    assert_eq!(items.len(), 3);
    assert_eq!(items[2], FetchData::Flags(vec![Flag::Seen]));
    let (_, items) = fetch(quirk!(b"* 2 FETCH (UID 6 BODY[] {2}\r\nab\r\n)\r\n"));
    assert_eq!(items.len(), 2);
}

/// Sections echoed with non-canonical spacing (issue 12, point 17): a space before the `]`,
/// `BODY[HEADER.FIELDS (Subject From) ]`, and none before the header list,
/// `BODY[HEADER.FIELDS(DATE)]`. Both are read as the sections they name.
#[test]
fn section_echoed_with_odd_spacing() {
    use imap_core::types::{Section, SectionText};
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (BODY[HEADER.FIELDS (Subject From) ] {12}\r\nSubject: x\r\n)\r\n"
    ));
    let FetchData::BodySection { section, data, .. } = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(
        section,
        &Section {
            part: vec![],
            text: Some(SectionText::HeaderFields(vec![
                Str::from("Subject"),
                Str::from("From")
            ])),
        }
    );
    assert_eq!(data.as_ref().map(Str::len), Some(12));
    let (_, items) = fetch(quirk!(
        b"* 1 FETCH (UID 3 BODY[HEADER.FIELDS(DATE)] {2}\r\n\r\n)\r\n"
    ));
    assert!(matches!(
        &items[1],
        FetchData::BodySection { section: Section { text: Some(SectionText::HeaderFields(h)), .. }, .. } if h == &vec![Str::from("DATE")]
    ));
}

/// LIST attributes written without their backslash (issue 12, point 17): read as the
/// attributes they name; an unknown one is kept by its name.
#[test]
fn list_attributes_without_a_backslash() {
    use imap_core::types::MailboxAttr;
    let Data::List(l) = data(quirk!(
        b"* LIST (HasNoChildren Noselect X-Foo) \"/\" INBOX\r\n"
    )) else {
        panic!()
    };
    assert_eq!(l.attributes[0], MailboxAttr::HasNoChildren);
    assert_eq!(l.attributes[1], MailboxAttr::NoSelect);
    assert_eq!(l.attributes[2].name(), "X-Foo");
    assert!(l.mailbox.is_inbox());
}

/// NUL bytes before the greeting (issue 12, point 17): skipped in tolerant mode.
#[test]
fn nul_bytes_before_the_greeting() {
    let s = status(quirk!(b"\0\0\0* OK [CAPABILITY IMAP4rev1] ready\r\n"));
    assert_eq!(s.kind, StatusKind::Ok);
    assert!(matches!(s.code, Some(Code::Capability(_))));
    assert_eq!(s.text, Str::from("ready"));
}

/// Twisted's IMAP server (twisted.mail.imap4) writes the mailbox name of a STATUS response
/// unquoted, spaces and all (issue 12, point 17). The name runs to the list that ends the line,
/// so the status is read, never left empty; a list holding a nested one still ends it.
#[test]
fn twisted_unquoted_status_name_with_spaces() {
    let Data::Status { mailbox, items } =
        data(quirk!(b"* STATUS Sent Items (MESSAGES 3 UNSEEN 1)\r\n"))
    else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("Sent Items"));
    assert_eq!(
        items,
        vec![
            (StatusItem::Messages, StatusValue::Number(3)),
            (StatusItem::Unseen, StatusValue::Number(1))
        ]
    );
    let Data::Status { mailbox, items } = data(quirk!(
        b"* STATUS Old Mail 2 (MESSAGES 1 MAILBOXID (F2212ea87))\r\n"
    )) else {
        panic!()
    };
    assert_eq!(mailbox.name(), Some("Old Mail 2"));
    assert_eq!(items.len(), 2);
    // Nothing that looks like a status list: an error, not an empty status.
    assert!(parse_response(&unit(b"* STATUS Sent Items\r\n"), &ParseOptions::default()).is_err());
}
