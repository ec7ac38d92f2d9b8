//! BODY / BODYSTRUCTURE (RFC 9051 section 7.5.2, `body` in section 9), every extension level.

use super::core::{
    at_nil, byte, cut, fail, lenient, next_is_close, nil, nstring, number64, paren_list, peek,
    raw_value, size, sp, take_while0, word,
};
use super::envelope::envelope;
use super::{Input, PResult};
use crate::types::{
    BodyExtension, BodyStructure, Disposition, ExtField, ExtTail, MultiExt, PartKind, SingleExt,
    SinglePart, Str, UnreadableField,
};
use winnow::error::{ErrMode, ParserError};

fn skip_spaces(i: &mut Input<'_>) {
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
}

/// A string where the grammar wants one; tolerated: `NIL` (read as empty), seen from servers on
/// broken MIME parts.
fn string_or_nil(i: &mut Input<'_>) -> PResult<Str> {
    if lenient(i) && at_nil(i) {
        nil(i)?;
        return Ok(Str::default());
    }
    word(i)
}

/// An `nstring` that is often a word of the MIME vocabulary (see [`word`]).
fn nword(i: &mut Input<'_>) -> PResult<Option<Str>> {
    if peek(i) == Some(b'"') {
        word(i).map(Some)
    } else {
        nstring(i)
    }
}

// body = "(" (body-type-1part / body-type-mpart) ")" (RFC 9051 section 9).
// Tolerated, each read as a multipart with no parts when the bytes are not a single part:
// NIL in place of a multipart's parts, `(NIL "alternative" (...) NIL NIL NIL)` (MailKit #1393);
// no parts at all, the subtype first, `("ALTERNATIVE" ("BOUNDARY" "x") NIL NIL)` (Gmail,
// MailKit #205 and #777); and an empty body `()` (Lotus Domino in a message/rfc822 part,
// MailKit #944), a multipart with no parts and an empty subtype.
/// A body structure, nested at most `ParseOptions::max_depth` levels.
pub(super) fn body(i: &mut Input<'_>, depth: usize) -> PResult<BodyStructure> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower BODYSTRUCTURE nesting");
    }
    byte(i, b'(', "body")?;
    skip_spaces(i);
    let b = match peek(i) {
        Some(b'(') => multipart(i, depth)?,
        Some(b')') if lenient(i) => BodyStructure::Multi {
            parts: Vec::new(),
            subtype: Str::default(),
            ext: None,
        },
        _ if lenient(i) => single_or_partless(i, depth)?,
        _ => single(i, depth)?,
    };
    skip_spaces(i);
    byte(i, b')', "end of body")?;
    Ok(b)
}

/// A single part, or else (tolerant mode) a multipart whose parts are NIL or missing.
fn single_or_partless(i: &mut Input<'_>, depth: usize) -> PResult<BodyStructure> {
    let save = *i;
    let single_err = match single(i, depth) {
        Err(ErrMode::Backtrack(e)) => e,
        done => return done,
    };
    *i = save;
    let partless = if at_nil(i) {
        nil(i)
            .and_then(|()| sp(i))
            .and_then(|()| multipart(i, depth))
    } else {
        multipart(i, depth)
    };
    match partless {
        // Report whichever reading got further.
        Err(ErrMode::Backtrack(e)) => Err(ErrMode::Backtrack(single_err.or(e))),
        other => other,
    }
}

// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart] (RFC 9051 section 9)
fn multipart(i: &mut Input<'_>, depth: usize) -> PResult<BodyStructure> {
    let mut parts = Vec::new();
    while peek(i) == Some(b'(') {
        parts.push(body(i, depth + 1)?);
        skip_spaces(i);
    }
    if !lenient(i) {
        // Strict: exactly one SP before the subtype, which `skip_spaces` did not consume.
        sp(i)?;
    }
    let subtype = string_or_nil(i)?;
    let ext = if peek(i) == Some(b' ') && !next_is_close(i) {
        sp(i)?;
        let mut unreadable = Vec::new();
        let params = or_raw(i, ExtField::Params, &mut unreadable, body_fld_param)?;
        let tail = ext_tail(i, depth, unreadable)?;
        Some(Box::new(MultiExt { params, tail }))
    } else {
        None
    };
    Ok(BodyStructure::Multi {
        parts,
        subtype,
        ext,
    })
}

// body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
// body-type-basic = media-basic SP body-fields
// body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
// body-type-text = media-text SP body-fields SP body-fld-lines
// body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
//               body-fld-octets (RFC 9051 section 9)
//
// Tolerated: no subtype, the parameter list right after the media type (`("text" ("charset"
// "utf-8") NIL NIL "7bit" 10 1)`), read as an empty subtype so that the fields after it stay in
// their places.
fn single(i: &mut Input<'_>, depth: usize) -> PResult<BodyStructure> {
    let media_type = string_or_nil(i)?;
    sp(i)?;
    let subtype = if lenient(i) && peek(i) == Some(b'(') {
        Str::default()
    } else {
        let subtype = string_or_nil(i)?;
        sp(i)?;
        subtype
    };
    let params = body_fld_param(i)?;
    sp(i)?;
    let id = nstring(i)?;
    sp(i)?;
    let description = nstring(i)?;
    sp(i)?;
    let encoding = string_or_nil(i)?;
    sp(i)?;
    let octets = size(i)?;
    let is_message = media_type.eq_ignore_ascii_case(b"MESSAGE")
        && (subtype.eq_ignore_ascii_case(b"RFC822") || subtype.eq_ignore_ascii_case(b"GLOBAL"));
    let kind = if is_message && at_sp_then(i, b'(') {
        sp(i)?;
        let env = envelope(i)?;
        sp(i)?;
        let inner = body(i, depth + 1)?;
        sp(i)?;
        let lines = size(i)?;
        PartKind::Message {
            envelope: env,
            body: Box::new(inner),
            lines,
        }
    } else if media_type.eq_ignore_ascii_case(b"TEXT") && at_sp_then_digit(i) {
        sp(i)?;
        PartKind::Text { lines: size(i)? }
    } else if media_type.eq_ignore_ascii_case(b"TEXT") && !lenient(i) {
        return fail(i, "body-fld-lines");
    } else {
        // Tolerated: message/rfc822 parts sent without envelope and body, and text parts
        // without a line count (both seen on broken messages).
        PartKind::Basic
    };
    let ext = if peek(i) == Some(b' ') && !next_is_close(i) {
        sp(i)?;
        let mut unreadable = Vec::new();
        let md5 = if lenient(i) && peek(i) == Some(b'(') {
            misplaced_params(i, &params)?
        } else {
            or_raw(i, ExtField::Md5, &mut unreadable, nstring)?
        };
        let tail = ext_tail(i, depth, unreadable)?;
        Some(SingleExt { md5, tail })
    } else {
        None
    };
    Ok(BodyStructure::Single {
        part: Box::new(SinglePart {
            media_type,
            subtype,
            params,
            id,
            description,
            encoding,
            octets,
            kind,
            ext,
        }),
    })
}

/// Tolerated: a parameter list where `body-fld-md5` belongs. gmx.net describes a
/// `multipart/related` part as a single part and follows it with the extension data of a
/// multipart, whose first field is the parameter list (MailKit #878). A copy of the part's own
/// parameters is dropped (`md5` is NIL); a different list is kept, as its raw bytes, in `md5`.
fn misplaced_params(i: &mut Input<'_>, params: &[(Str, Str)]) -> PResult<Option<Str>> {
    let start = i.input;
    let list = body_fld_param(i)?;
    if list == params {
        return Ok(None);
    }
    let raw = &start[..start.len() - i.input.len()];
    Ok(Some(Str::new(super::core::slice(i, raw))))
}

fn at_sp_then(i: &Input<'_>, b: u8) -> bool {
    let n = i.input.iter().position(|&c| c != b' ').unwrap_or(0);
    n >= 1 && i.input.get(n) == Some(&b)
}

fn at_sp_then_digit(i: &Input<'_>) -> bool {
    let n = i.input.iter().position(|&c| c != b' ').unwrap_or(0);
    n >= 1
        && i.input
            .get(n)
            .is_some_and(|c| c.is_ascii_digit() || *c == b'-')
}

// [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
// (the shared tail of body-ext-1part and body-ext-mpart, RFC 9051 section 9)
// `unreadable` holds what [`or_raw`] kept of the field before the tail (MD5 or parameters).
fn ext_tail(i: &mut Input<'_>, depth: usize, unreadable: Vec<UnreadableField>) -> PResult<ExtTail> {
    let mut tail = ExtTail {
        unreadable,
        ..ExtTail::default()
    };
    if !more(i) {
        return Ok(tail);
    }
    sp(i)?;
    let raws = &mut tail.unreadable;
    tail.disposition = Some(or_raw(i, ExtField::Disposition, raws, body_fld_dsp)?);
    if !more(i) {
        return Ok(tail);
    }
    sp(i)?;
    let raws = &mut tail.unreadable;
    tail.language = Some(or_raw(i, ExtField::Language, raws, body_fld_lang)?);
    if !more(i) {
        return Ok(tail);
    }
    sp(i)?;
    let raws = &mut tail.unreadable;
    tail.location = Some(or_raw(i, ExtField::Location, raws, nstring)?);
    while more(i) {
        sp(i)?;
        tail.extensions.push(body_extension(i, depth + 1)?);
    }
    Ok(tail)
}

/// One extension field read by `typed`; tolerated (not in strict mode), a field that does not
/// read so is kept raw in `raws` as the single generic value it is, and stands as the field's
/// empty value (`NIL`), so that the fields after it are read in their places: a disposition
/// with a string where its parameter list belongs (`("attachment" "a.pdf")`), `()` or a list
/// as a location, a language list in the disposition's place. Only a field that is not even a
/// generic value (string, number, `NIL`, parenthesized list) fails the part. The typed reading
/// never descends into a body, so a field costs at most two readings of its own bytes.
fn or_raw<T: Default>(
    i: &mut Input<'_>,
    field: ExtField,
    raws: &mut Vec<UnreadableField>,
    typed: impl FnOnce(&mut Input<'_>) -> PResult<T>,
) -> PResult<T> {
    let save = *i;
    let err = match typed(i) {
        Ok(v) if !lenient(i) || ends_field(i) => return Ok(v),
        Ok(_) => None,
        Err(ErrMode::Backtrack(e)) if lenient(i) => Some(e),
        Err(e) => return Err(e),
    };
    *i = save;
    let raw = match raw_value(i, 0) {
        Ok(raw) if ends_field(i) => raw,
        _ => {
            *i = save;
            return match err {
                Some(e) => Err(ErrMode::Backtrack(e)),
                None => fail(i, "extension field"),
            };
        }
    };
    raws.push(UnreadableField {
        field,
        raw: Str::new(super::core::slice(i, raw)),
    });
    Ok(T::default())
}

/// Whether a field ends here: a space, the `)` that closes the part, or the end.
fn ends_field(i: &Input<'_>) -> bool {
    matches!(peek(i), None | Some(b' ' | b')'))
}

fn more(i: &Input<'_>) -> bool {
    i.input.first() == Some(&b' ') && !next_is_close(i)
}

// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil (RFC 9051 section 9).
// Tolerated: `()`, NIL values, and extra spaces inside the parentheses.
fn body_fld_param(i: &mut Input<'_>) -> PResult<Vec<(Str, Str)>> {
    if peek(i) != Some(b'(') {
        nil(i)?;
        return Ok(Vec::new());
    }
    let start = *i;
    let params = paren_list(i, |i| {
        let k = word(i)?;
        sp(i)?;
        Ok((k, string_or_nil(i)?))
    })?;
    if params.is_empty() && !lenient(i) {
        return fail(&start, "body parameter");
    }
    Ok(params)
}

// body-fld-dsp = "(" string SP body-fld-param ")" / nil (RFC 9051 section 9).
// Tolerated: a bare string, read as a disposition of that kind with no parameters (Exchange
// sends `"inline"`, reported in MailKit #919 and jakartaee/mail-api #278); and NIL as the kind
// (Exchange sends `(NIL NIL)`, MailKit's TestParseBodyStructureWithNilNilBodyFldDsp), read as
// no disposition, or as an empty kind when parameters follow.
fn body_fld_dsp(i: &mut Input<'_>) -> PResult<Option<Disposition>> {
    if lenient(i) && matches!(peek(i), Some(b'"' | b'{')) {
        return Ok(Some(Disposition {
            kind: word(i)?,
            params: Vec::new(),
        }));
    }
    if peek(i) != Some(b'(') {
        nil(i)?;
        return Ok(None);
    }
    byte(i, b'(', "(")?;
    let kind = if lenient(i) && at_nil(i) {
        nil(i)?;
        None
    } else {
        Some(word(i)?)
    };
    sp(i)?;
    let params = body_fld_param(i)?;
    skip_spaces(i);
    byte(i, b')', ")")?;
    Ok(match kind {
        Some(kind) => Some(Disposition { kind, params }),
        None if params.is_empty() => None,
        None => Some(Disposition {
            kind: Str::default(),
            params,
        }),
    })
}

// body-fld-lang = nstring / "(" string *(SP string) ")" (RFC 9051 section 9)
fn body_fld_lang(i: &mut Input<'_>) -> PResult<Option<Vec<Str>>> {
    if peek(i) == Some(b'(') {
        let v = super::core::paren_list(i, word)?;
        if v.is_empty() {
            // Tolerated: `()`, read as NIL (what the encoder writes for no languages).
            return if lenient(i) {
                Ok(None)
            } else {
                fail(i, "language")
            };
        }
        Ok(Some(v))
    } else {
        Ok(nword(i)?.map(|s| vec![s]))
    }
}

// body-extension = nstring / number / number64 / "(" body-extension *(SP body-extension) ")"
// (RFC 9051 section 9)
fn body_extension(i: &mut Input<'_>, depth: usize) -> PResult<BodyExtension> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower body-extension nesting");
    }
    match peek(i) {
        Some(b'(') => {
            let v = super::core::paren_list(i, |i| body_extension(i, depth + 1))?;
            Ok(BodyExtension::List(v))
        }
        Some(b'0'..=b'9') => number64(i).map(BodyExtension::Number),
        _ => nstring(i).map(BodyExtension::String),
    }
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::*;

    fn parse(b: &[u8], strict: bool) -> Result<BodyStructure, String> {
        run_on(b, strict, |i| body(i, 0)).map(|(v, rest)| {
            assert!(
                rest.is_empty(),
                "rest: {:?}",
                rest.escape_ascii().to_string()
            );
            v
        })
    }

    #[test]
    fn rfc_example_text_part() {
        let b = parse(
            b"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)",
            true,
        )
        .unwrap();
        assert_eq!(b.mime_type(), "text/plain");
        assert!(
            matches!(b, BodyStructure::Single { ref part } if part.ext.is_none() && part.kind == PartKind::Text { lines: 92 })
        );
    }

    #[test]
    fn multipart_with_extensions() {
        let src = b"((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 100 4 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 2000 NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL) \"mixed\" (\"boundary\" \"xyz\") NIL (\"en\" \"de\") \"loc\" 5 (\"x\" 6))";
        let b = parse(src, true).unwrap();
        let BodyStructure::Multi { parts, ext, .. } = &b else {
            panic!()
        };
        assert_eq!(parts.len(), 2);
        let ext = ext.as_ref().unwrap();
        assert_eq!(
            ext.tail.language,
            Some(Some(vec![Str::from("en"), Str::from("de")]))
        );
        assert_eq!(ext.tail.extensions.len(), 2);
        assert_eq!(b.part(&[2]).unwrap().mime_type(), "application/pdf");
    }

    #[test]
    fn message_rfc822_nests() {
        let src = b"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 12)";
        let b = parse(src, true).unwrap();
        assert_eq!(b.part(&[1]).unwrap().mime_type(), "text/plain");
    }

    #[test]
    fn several_parameters_in_both_modes() {
        // RFC 3501 section 7.4.2's attachment part: two parameter pairs.
        let src = b"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") NIL NIL \"BASE64\" 4554 73)";
        for strict in [true, false] {
            let b = parse(src, strict).unwrap();
            let BodyStructure::Single { part, .. } = &b else {
                panic!()
            };
            assert_eq!(part.params.len(), 2, "strict: {strict}");
            assert_eq!(part.params[1].1, Str::from("cc.diff"));
        }
        let empty = b"(\"TEXT\" \"PLAIN\" () NIL NIL \"7BIT\" 0 0)";
        assert!(parse(empty, true).is_err());
        assert!(parse(empty, false).is_ok());
    }

    #[test]
    fn nil_media_type_is_tolerated() {
        // Seen from servers on broken MIME: NIL where a string is required.
        let src = b"(NIL NIL NIL NIL NIL NIL 0)";
        assert!(parse(src, false).is_ok());
        assert!(parse(src, true).is_err());
    }

    #[test]
    fn vocabulary_words_are_static_and_other_strings_slices_of_the_unit() {
        let src = b"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"NAME\" \"a\\\"b.txt\") NIL NIL \"BASE64\" 4554 73 NIL (\"INLINE\" NIL) \"en\")";
        let b = parse(src, false).unwrap();
        let BodyStructure::Single { part } = &b else {
            panic!()
        };
        let ext = &part.ext;
        // Made from the vocabulary's static string, not copied from the unit.
        let is_static = |s: &Str| {
            super::super::mime_words::known(s.as_bytes()).map(str::as_ptr)
                == Some(s.as_bytes().as_ptr())
        };
        for (s, word) in [
            (&part.media_type, "TEXT"),
            (&part.subtype, "PLAIN"),
            (&part.params[0].0, "CHARSET"),
            (&part.params[0].1, "UTF-8"),
            (&part.params[1].0, "NAME"),
            (&part.encoding, "BASE64"),
        ] {
            assert_eq!(s.as_bytes(), word.as_bytes());
            assert!(is_static(s), "{word} is static");
        }
        assert_eq!(
            part.params[1].1,
            Str::from("a\"b.txt"),
            "escapes still resolved"
        );
        assert!(!is_static(&part.params[1].1));
        let tail = &ext.as_ref().unwrap().tail;
        let kind = &tail.disposition.as_ref().unwrap().as_ref().unwrap().kind;
        assert_eq!(kind.as_bytes(), b"INLINE");
        let lang = &tail.language.as_ref().unwrap().as_ref().unwrap()[0];
        assert_eq!(lang.as_bytes(), b"en");
        assert!(is_static(kind) && is_static(lang));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let src = vec![b'('; 100];
        assert!(parse(&src, false).is_err());
    }
}
