//! FETCH response data (`msg-att`, RFC 9051 section 7.5.2) and body sections.

use super::core::{
    advance, astring, at_nil, byte, date_time, fail, lenient, modseq_value, next_is_close, nil,
    nstring, nstring8, number, nz_number, paren_list, peek, raw_value, size, slice, sp,
    sp_or_missing, take_while0, take_while1,
};
use super::packed::{fetched_body, fetched_envelope};
use super::{Input, PResult};
use crate::types::string::{class, is_astring_char, is_in};
use crate::types::{FetchData, Section, SectionText, Str, Uid};
use winnow::error::ErrMode;

// msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"
// (RFC 9051 section 9). Tolerated: a missing space between items (after a literal, as some
// servers send), extra spaces, an empty list, and items wrapped in a further pair of
// parentheses, one level deep (HCL Domino sends `(UID 1 (ENVELOPE (...)) ...)`, reported in
// MailKit #943).
/// The parenthesized list of a FETCH response, in a `Vec` of exactly its items: they are read
/// into a scratch list kept between responses and moved out, so that a `(UID 5 FLAGS (\Seen))`
/// holds two items' room, not a guess's (a `Vec` sized for eight took 768 bytes a response
/// from every FETCH of flags, and a completion holds them all).
pub(super) fn msg_att(i: &mut Input<'_>) -> PResult<Vec<FetchData>> {
    /// A scratch list that grew past this many items is not kept.
    const KEPT_ITEMS: usize = 64;
    let mut scratch = ITEMS.take();
    let read = msg_att_into(i, &mut scratch, true);
    // Not `mem::take`: the scratch list keeps its room for the next response, and the items
    // move into a list of exactly their number.
    #[allow(clippy::drain_collect)]
    let out = read.map(|()| scratch.drain(..).collect());
    scratch.clear();
    if scratch.capacity() > KEPT_ITEMS {
        scratch = Vec::new();
    }
    ITEMS.set(scratch);
    out
}

thread_local! {
    /// [`msg_att`]'s scratch list.
    static ITEMS: std::cell::Cell<Vec<FetchData>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Parses a parenthesized list of items into `out`; `outer` allows one wrapped list inside.
fn msg_att_into(i: &mut Input<'_>, out: &mut Vec<FetchData>, outer: bool) -> PResult<()> {
    byte(i, b'(', "(")?;
    let first = out.len();
    loop {
        if lenient(i) {
            take_while0(i, |b| b == b' ');
            if out.len() > first && extra_line_end(i) {
                take_while0(i, |b| b == b' ');
            }
        }
        if peek(i) == Some(b')') && (lenient(i) || out.len() > first) {
            advance(i, 1);
            return Ok(());
        }
        if out.len() > first {
            sp_or_missing(i)?;
        }
        if outer && lenient(i) && peek(i) == Some(b'(') {
            msg_att_into(i, out, false)?;
        } else {
            item(i, out)?;
        }
    }
}

/// Tolerated: a line end between two items or before the `)`, where a server wrote CRLF after
/// a literal's bytes as if the literal ended the line (`BODY[1] {5}\r\nHello\r\n UID 5)`).
/// The framer keeps such a unit whole (see [`crate::frame`]). Skips it; whether there was one.
fn extra_line_end(i: &mut Input<'_>) -> bool {
    // Never the line end that ends the unit.
    if !i.input.starts_with(b"\r\n") || i.input.len() == 2 {
        return false;
    }
    advance(i, 2);
    true
}

fn item_name<'a>(i: &mut Input<'a>) -> PResult<&'a [u8]> {
    take_while1(i, |b| is_in(b, class::ITEM_NAME), "FETCH item name")
}

// msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
// msg-att-static = "ENVELOPE" SP envelope / "INTERNALDATE" SP date-time /
//   "RFC822.SIZE" SP number64 / "BODY" ["STRUCTURE"] SP body /
//   "BODY" section ["<" number ">"] SP nstring /
//   "BINARY" section-binary SP (nstring / literal8) / "BINARY.SIZE" section-binary SP number /
//   "UID" SP uniqueid (RFC 9051 section 9)
// plus RFC822/RFC822.HEADER/RFC822.TEXT (RFC 3501), MODSEQ (RFC 7162), EMAILID/THREADID
// (RFC 8474), PREVIEW (RFC 8970), SAVEDATE (RFC 8514) and Gmail's X-GM-MSGID, X-GM-THRID,
// X-GM-LABELS.
fn item(i: &mut Input<'_>, out: &mut Vec<FetchData>) -> PResult<()> {
    let start = *i;
    match known_item(i, out) {
        // The last reading of a failed response keeps what it cannot read (see
        // `parse_response`), when it starts with an item name.
        Err(e @ (ErrMode::Backtrack(_) | ErrMode::Cut(_))) if i.state.salvage => {
            *i = start;
            if item_name(&mut start.clone()).is_err() {
                return Err(e);
            }
            out.push(other_item(i)?);
            Ok(())
        }
        parsed => parsed,
    }
}

/// An item this parser knows by name, read by its grammar; any other item as [`other_item`].
fn known_item(i: &mut Input<'_>, out: &mut Vec<FetchData>) -> PResult<()> {
    let start = *i;
    let name = item_name(i)?;
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    // Dispatch on length first: most names differ in length, so few comparisons run. Hand-written
    // on purpose, not winnow's `dispatch!` over an upper-cased copy of the name as the untagged
    // keywords are: every FETCH item of every `* n FETCH` comes through here (the hottest path
    // of the parse bench's metadata corpus), and this match copies nothing.
    match name.len() {
        3 if is("UID") => {
            sp(i)?;
            out.push(FetchData::Uid(Uid::from(nz_number(i)?)))
        }
        4 if is("BODY") => {
            if peek(i) == Some(b'[') {
                let section = section(i)?;
                let origin = origin(i)?;
                // Tolerated: no value at all, `BODY[2] )` (Yandex, for a part it could not
                // read, jstedfast/MailKit#1708), read as NIL.
                let data = if lenient(i) && next_is_close(i) {
                    None
                } else {
                    // Tolerated: no space before a literal, `BODY[HEADER]{4169}` (GreenMail
                    // 1.5, greenmail-mail-test/greenmail#187).
                    if !(lenient(i) && peek(i) == Some(b'{')) {
                        sp(i)?;
                    }
                    nstring8(i)?
                };
                out.push(FetchData::BodySection {
                    section,
                    origin,
                    data,
                })
            } else {
                sp(i)?;
                out.push(FetchData::Body(fetched_body(i)?))
            }
        }
        5 if is("FLAGS") => {
            sp(i)?;
            out.push(FetchData::Flags(paren_list(i, super::core::flag)?))
        }
        // fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")" (RFC 7162 section 7).
        // Tolerated: no parentheses (`MODSEQ 624140003`, as imap-codec encoded it until its
        // issue #722, so servers built on it send it) and a negative value (`MODSEQ (-1)`,
        // MailKit #495), read as 0, which no real mod-sequence is (see `size`).
        6 if is("MODSEQ") => {
            sp(i)?;
            let parens = !lenient(i) || peek(i) == Some(b'(');
            if parens {
                byte(i, b'(', "(")?;
            }
            // permsg-modsequence = mod-sequence-value; tolerant mode reads it as sizes are read.
            let m = if lenient(i) {
                size(i)?
            } else {
                modseq_value(i)?
            };
            if parens {
                byte(i, b')', ")")?;
            }
            out.push(FetchData::ModSeq(m))
        }
        6 if is("RFC822") => {
            sp(i)?;
            out.push(FetchData::Rfc822(nstring(i)?))
        }
        6 if is("BINARY") => {
            let part = section_binary(i)?;
            let origin = origin(i)?;
            sp(i)?;
            out.push(FetchData::Binary {
                part,
                origin,
                data: nstring8(i)?,
            })
        }
        7 if is("EMAILID") => {
            sp(i)?;
            out.push(FetchData::EmailId(objectid_paren(i)?))
        }
        7 if is("PREVIEW") => {
            sp(i)?;
            out.push(FetchData::Preview(nstring(i)?))
        }
        8 if is("ENVELOPE") => {
            sp(i)?;
            out.push(FetchData::Envelope(fetched_envelope(i)?))
        }
        8 if is("THREADID") => {
            sp(i)?;
            if at_nil(i) {
                nil(i)?;
                out.push(FetchData::ThreadId(None))
            } else {
                out.push(FetchData::ThreadId(Some(objectid_paren(i)?)))
            }
        }
        8 if is("SAVEDATE") => {
            sp(i)?;
            if at_nil(i) {
                nil(i)?;
                out.push(FetchData::SaveDate(None))
            } else {
                out.push(FetchData::SaveDate(Some(date_time(i)?)))
            }
        }
        10 if is("X-GM-MSGID") => {
            sp(i)?;
            out.push(FetchData::GmMsgId(number64_any(i)?))
        }
        10 if is("X-GM-THRID") => {
            sp(i)?;
            out.push(FetchData::GmThrId(number64_any(i)?))
        }
        11 if is("RFC822.SIZE") => {
            sp(i)?;
            out.push(FetchData::Rfc822Size(size(i)?))
        }
        11 if is("RFC822.TEXT") => {
            sp(i)?;
            out.push(FetchData::Rfc822Text(nstring(i)?))
        }
        11 if is("BINARY.SIZE") => {
            let part = section_binary(i)?;
            sp(i)?;
            out.push(FetchData::BinarySize {
                part,
                size: size(i)?,
            })
        }
        11 if is("X-GM-LABELS") => {
            sp(i)?;
            out.push(FetchData::GmLabels(paren_list(i, gm_label)?))
        }
        12 if is("INTERNALDATE") => {
            sp(i)?;
            out.push(FetchData::InternalDate(date_time(i)?))
        }
        13 if is("BODYSTRUCTURE") => {
            sp(i)?;
            out.push(FetchData::BodyStructure(fetched_body(i)?))
        }
        13 if is("RFC822.HEADER") => {
            sp(i)?;
            out.push(FetchData::Rfc822Header(nstring(i)?))
        }
        _ => {
            *i = start;
            out.push(other_item(i)?);
        }
    }
    Ok(())
}

/// An unknown item: its full name (with any bracketed part) and its raw value.
fn other_item(i: &mut Input<'_>) -> PResult<FetchData> {
    let full = raw_value(i, 0)?;
    let name = Str::new(slice(i, full));
    sp(i)?;
    let value = raw_value(i, 0)?;
    Ok(FetchData::Other {
        name,
        value: Str::new(slice(i, value)),
    })
}

/// Gmail's message and thread ids are unsigned 64-bit; accept the full range.
fn number64_any(i: &mut Input<'_>) -> PResult<u64> {
    let start = *i;
    let d = take_while1(i, |b| b.is_ascii_digit(), "number")?;
    d.iter()
        .try_fold(0u64, |a, &b| {
            a.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
        .map_or_else(|| fail(&start, "number within 64 bits"), Ok)
}

// objectid = 1*255(ALPHA / DIGIT / "_" / "-") in parentheses (RFC 8474 section 7)
fn objectid_paren(i: &mut Input<'_>) -> PResult<Str> {
    byte(i, b'(', "(")?;
    let id = take_while1(
        i,
        |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
        "object id",
    )?;
    let id = Str::new(slice(i, id));
    byte(i, b')', ")")?;
    Ok(id)
}

/// A Gmail label: an astring, or a system label such as `\Inbox` written unquoted.
fn gm_label(i: &mut Input<'_>) -> PResult<Str> {
    if peek(i) == Some(b'\\') {
        let start: &[u8] = i.input;
        advance(i, 1);
        take_while1(i, is_astring_char, "label")?;
        let n = start.len() - i.input.len();
        return Ok(Str::new(slice(i, &start[..n])));
    }
    astring(i)
}

// "<" number ">" after a section in a FETCH response (RFC 9051 section 9). Tolerated: the
// requested length echoed too, `BODY[TEXT]<0.28>` (WildDuck, zone-eu/wildduck#32), dropped.
fn origin(i: &mut Input<'_>) -> PResult<Option<u32>> {
    if peek(i) != Some(b'<') {
        return Ok(None);
    }
    advance(i, 1);
    let n = number(i)?;
    if lenient(i) && peek(i) == Some(b'.') {
        advance(i, 1);
        number(i)?;
    }
    byte(i, b'>', ">")?;
    Ok(Some(n))
}

// section = "[" [section-spec] "]"
// section-spec = section-msgtext / (section-part ["." section-text])
// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
// section-part = nz-number *("." nz-number) ; section-text = section-msgtext / "MIME"
// (RFC 9051 section 9). Tolerated in an echoed section: no space or several before the header
// list, `HEADER.FIELDS(DATE)`, and spaces before the `]`, `HEADER.FIELDS (Subject From) ]`.
/// A body section specifier, brackets included.
pub(crate) fn section(i: &mut Input<'_>) -> PResult<Section> {
    byte(i, b'[', "[")?;
    let mut part = Vec::new();
    while peek(i).is_some_and(|b| b.is_ascii_digit()) {
        part.push(nz_number(i)?.get());
        if peek(i) == Some(b'.') {
            advance(i, 1);
        } else {
            break;
        }
    }
    let text = if peek(i) == Some(b']') {
        None
    } else {
        Some(section_text(i, !part.is_empty())?)
    };
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b']', "]")?;
    Ok(Section { part, text })
}

fn section_text(i: &mut Input<'_>, after_part: bool) -> PResult<SectionText> {
    let name = take_while1(
        i,
        |b| b.is_ascii_alphabetic() || b == b'.',
        "HEADER, HEADER.FIELDS, TEXT or MIME",
    )?;
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    Ok(if is("HEADER") {
        SectionText::Header
    } else if is("TEXT") {
        SectionText::Text
    } else if is("MIME") && after_part {
        SectionText::Mime
    } else if is("HEADER.FIELDS") {
        sp_or_missing(i)?;
        SectionText::HeaderFields(header_list(i)?)
    } else if is("HEADER.FIELDS.NOT") {
        sp_or_missing(i)?;
        SectionText::HeaderFieldsNot(header_list(i)?)
    } else {
        return fail(i, "HEADER, HEADER.FIELDS, TEXT or MIME");
    })
}

// header-list = "(" header-fld-name *(SP header-fld-name) ")" ; header-fld-name = astring
// (RFC 9051 section 9)
fn header_list(i: &mut Input<'_>) -> PResult<Vec<Str>> {
    let v = paren_list(i, astring)?;
    if v.is_empty() {
        return fail(i, "header field name");
    }
    Ok(v)
}

// section-binary = "[" [section-part] "]" (RFC 9051 section 9)
/// A BINARY section: part numbers only.
pub(crate) fn section_binary(i: &mut Input<'_>) -> PResult<Vec<u32>> {
    byte(i, b'[', "[")?;
    let mut part = Vec::new();
    while peek(i) != Some(b']') {
        if !part.is_empty() {
            byte(i, b'.', ".")?;
        }
        part.push(nz_number(i)?.get());
    }
    advance(i, 1);
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::*;

    #[test]
    fn common_items() {
        let src = b"(UID 7 FLAGS (\\Seen $Junk) RFC822.SIZE 44827 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" MODSEQ (12345))";
        let (v, _) = run_on(src, true, msg_att).unwrap();
        assert_eq!(v.len(), 5);
        assert_eq!(v[0], FetchData::Uid(Uid::new(7).unwrap()));
        assert_eq!(v[4], FetchData::ModSeq(12345));
    }

    #[test]
    fn body_sections() {
        let src = b"(BODY[1.2.HEADER.FIELDS (FROM \"To\")] {5}\r\nab\r\nc BODY[]<10> \"x\" BINARY[1] ~{2}\r\n\0\x01 BINARY.SIZE[1] 2)";
        let (v, _) = run_on(src, true, msg_att).unwrap();
        let FetchData::BodySection { section, data, .. } = &v[0] else {
            panic!()
        };
        assert_eq!(section.part, vec![1, 2]);
        assert_eq!(data.as_ref().unwrap().as_bytes(), b"ab\r\nc");
        assert!(matches!(
            &v[1],
            FetchData::BodySection {
                origin: Some(10),
                ..
            }
        ));
        assert!(matches!(&v[2], FetchData::Binary { .. }));
    }

    #[test]
    fn missing_space_after_literal_is_tolerated() {
        // Seen from real servers: no SP between a literal and the next item.
        let src = b"(BODY[] {3}\r\nabcFLAGS (\\Seen))";
        let (v, _) = run_on(src, false, msg_att).unwrap();
        assert_eq!(v.len(), 2);
        assert!(run_on(src, true, msg_att).is_err());
    }

    #[test]
    fn gmail_items() {
        let src = b"(X-GM-THRID 1278455344230334865 X-GM-MSGID 18446744073709551615 X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))";
        let (v, _) = run_on(src, true, msg_att).unwrap();
        assert_eq!(v[1], FetchData::GmMsgId(u64::MAX));
        let FetchData::GmLabels(l) = &v[2] else {
            panic!()
        };
        assert_eq!(l[0].as_bytes(), b"\\Inbox");
        assert_eq!(l[3].as_bytes(), b"Muy Importante");
    }

    #[test]
    fn unknown_items_are_kept_raw() {
        let src = b"(X-FOO[bar] (1 \"2\") UID 3)";
        let (v, _) = run_on(src, true, msg_att).unwrap();
        assert_eq!(
            v[0],
            FetchData::Other {
                name: Str::from("X-FOO[bar]"),
                value: Str::from("(1 \"2\")")
            }
        );
        assert_eq!(v[1], FetchData::Uid(Uid::new(3).unwrap()));
    }

    #[test]
    fn object_ids_and_preview() {
        let src = b"(EMAILID (M6d99ac3275bb4e) THREADID NIL PREVIEW \"Hello\" SAVEDATE NIL)";
        let (v, _) = run_on(src, true, msg_att).unwrap();
        assert_eq!(v[0], FetchData::EmailId(Str::from("M6d99ac3275bb4e")));
        assert_eq!(v[1], FetchData::ThreadId(None));
    }
}
