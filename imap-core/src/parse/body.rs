//! BODY / BODYSTRUCTURE (RFC 9051 section 7.5.2, `body` in section 9), every extension level,
//! written into a node table ([`crate::types::packed`]).

use super::core::{
    at_nil, byte, cut, fail, lenient, next_is_close, nil, number64, peek, raw_value, size, sp,
    take_while0,
};
use super::envelope::envelope;
use super::packed::{Out, paren_items};
use super::strings::{nstring, string};
use super::{Input, PResult};
use crate::types::ExtField;
use crate::types::packed::{body as layout, kind};
use winnow::error::{ErrMode, ParserError};

/// Extension fields kept raw by [`or_raw`], in order: which field and its bytes.
type Raws<'a> = Vec<(ExtField, &'a [u8])>;

fn skip_spaces(i: &mut Input<'_>) {
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
}

/// A string where the grammar wants one; tolerated: `NIL` (read as empty), seen from servers on
/// broken MIME parts.
#[inline(always)]
fn string_or_nil(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    if lenient(i) && at_nil(i) {
        nil(i)?;
        out.empty();
        return Ok(());
    }
    string(i, out)
}

// body = "(" (body-type-1part / body-type-mpart) ")" (RFC 9051 section 9).
// Tolerated, each read as a multipart with no parts when the bytes are not a single part:
// NIL in place of a multipart's parts, `(NIL "alternative" (...) NIL NIL NIL)` (MailKit #1393);
// no parts at all, the subtype first, `("ALTERNATIVE" ("BOUNDARY" "x") NIL NIL)` (Gmail,
// MailKit #205 and #777); and an empty body `()` (Lotus Domino in a message/rfc822 part,
// MailKit #944), a multipart with no parts and an empty subtype.
/// A body structure, nested at most `ParseOptions::max_depth` levels.
pub(super) fn body(i: &mut Input<'_>, depth: usize, out: &mut Out<'_>) -> PResult<()> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower BODYSTRUCTURE nesting");
    }
    byte(i, b'(', "body")?;
    skip_spaces(i);
    match peek(i) {
        Some(b'(') => multipart(i, depth, out)?,
        Some(b')') if lenient(i) => {
            let at = out.tape.open(kind::MULTI);
            out.empty();
            out.tape.close(at, 0);
        }
        _ if lenient(i) => single_or_partless(i, depth, out)?,
        _ => single(i, depth, out)?,
    }
    skip_spaces(i);
    byte(i, b')', "end of body")
}

/// A single part, or else (tolerant mode) a multipart whose parts are NIL or missing.
fn single_or_partless(i: &mut Input<'_>, depth: usize, out: &mut Out<'_>) -> PResult<()> {
    let save = *i;
    let mark = out.tape.len();
    let single_err = match single(i, depth, out) {
        Err(ErrMode::Backtrack(e)) => e,
        done => return done,
    };
    *i = save;
    out.tape.truncate(mark);
    let partless = if at_nil(i) {
        nil(i)
            .and_then(|()| sp(i))
            .and_then(|()| multipart(i, depth, out))
    } else {
        multipart(i, depth, out)
    };
    match partless {
        // Report whichever reading got further.
        Err(ErrMode::Backtrack(e)) => Err(ErrMode::Backtrack(single_err.or(e))),
        other => other,
    }
}

// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart] (RFC 9051 section 9)
fn multipart(i: &mut Input<'_>, depth: usize, out: &mut Out<'_>) -> PResult<()> {
    let at = out.tape.open(kind::MULTI);
    while peek(i) == Some(b'(') {
        body(i, depth + 1, out)?;
        skip_spaces(i);
    }
    if !lenient(i) {
        // Strict: exactly one SP before the subtype, which `skip_spaces` did not consume.
        sp(i)?;
    }
    string_or_nil(i, out)?;
    let ext = peek(i) == Some(b' ') && !next_is_close(i);
    if ext {
        sp(i)?;
        let mut raws = Raws::new();
        or_raw(
            i,
            out,
            ExtField::Params,
            &mut raws,
            body_fld_param,
            empty_list,
        )?;
        ext_tail(i, depth, out, raws)?;
    }
    out.tape.close(at, if ext { layout::HAS_EXT } else { 0 });
    Ok(())
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
fn single(i: &mut Input<'_>, depth: usize, out: &mut Out<'_>) -> PResult<()> {
    let at = out.tape.open(kind::PART);
    let media_node = out.tape.len();
    let media = read_from(i, |i| string_or_nil(i, out))?;
    sp(i)?;
    let subtype_node = out.tape.len();
    let subtype = if lenient(i) && peek(i) == Some(b'(') {
        out.empty();
        &[][..]
    } else {
        let subtype = read_from(i, |i| string_or_nil(i, out))?;
        sp(i)?;
        subtype
    };
    let params_node = out.tape.len();
    body_fld_param(out, i)?;
    sp(i)?;
    nstring(i, out)?;
    sp(i)?;
    nstring(i, out)?;
    sp(i)?;
    string_or_nil(i, out)?;
    sp(i)?;
    out.tape.number(size(i)?);
    let is_text = names(out, media_node, media, b"TEXT");
    let is_message = names(out, media_node, media, b"MESSAGE")
        && (names(out, subtype_node, subtype, b"RFC822")
            || names(out, subtype_node, subtype, b"GLOBAL"));
    let part_kind = if is_message && at_sp_then(i, b'(') {
        sp(i)?;
        envelope(i, out)?;
        sp(i)?;
        body(i, depth + 1, out)?;
        sp(i)?;
        out.tape.number(size(i)?);
        layout::MESSAGE
    } else if is_text && at_sp_then_digit(i) {
        sp(i)?;
        out.tape.number(size(i)?);
        layout::TEXT
    } else if is_text && !lenient(i) {
        return fail(i, "body-fld-lines");
    } else {
        // Tolerated: message/rfc822 parts sent without envelope and body, and text parts
        // without a line count (both seen on broken messages).
        layout::BASIC
    };
    let ext = peek(i) == Some(b' ') && !next_is_close(i);
    if ext {
        sp(i)?;
        let mut raws = Raws::new();
        if lenient(i) && peek(i) == Some(b'(') {
            misplaced_params(i, out, params_node)?;
        } else {
            or_raw(i, out, ExtField::Md5, &mut raws, Out::nstring, Out::nil)?;
        }
        ext_tail(i, depth, out, raws)?;
    }
    out.tape.close(at, layout::part_flags(part_kind, ext));
    Ok(())
}

/// Runs `p` and returns the bytes it read.
fn read_from<'a>(
    i: &mut Input<'a>,
    p: impl FnOnce(&mut Input<'a>) -> PResult<()>,
) -> PResult<&'a [u8]> {
    let start: &'a [u8] = i.input;
    p(i)?;
    Ok(&start[..start.len() - i.input.len()])
}

/// Whether the string read from the bytes `raw` and written at node `node` is `word` (any
/// case; `word` holds no quote and no backslash). A quoted string is compared where it was
/// received: its content between the quotes is `word` exactly when the string is (an escape or
/// a kept backslash would put a quote or a backslash in the string, which `word` lacks); a
/// literal is read back from the table.
fn names(out: &Out<'_>, node: usize, raw: &[u8], word: &[u8]) -> bool {
    match raw {
        [b'"', content @ .., b'"'] => content.eq_ignore_ascii_case(word),
        _ => out.text(node).is_some_and(|t| t.eq_ignore_ascii_case(word)),
    }
}

/// Tolerated: a parameter list where `body-fld-md5` belongs. gmx.net describes a
/// `multipart/related` part as a single part and follows it with the extension data of a
/// multipart, whose first field is the parameter list (MailKit #878). A copy of the part's own
/// parameters (at node `params_node`) is dropped (`md5` is NIL); a different list is kept, as
/// its raw bytes, in `md5`.
fn misplaced_params(i: &mut Input<'_>, out: &mut Out<'_>, params_node: usize) -> PResult<()> {
    let start: &[u8] = i.input;
    let mark = out.tape.len();
    body_fld_param(out, i)?;
    let same = out.strings_of(mark) == out.strings_of(params_node);
    out.tape.truncate(mark);
    if same {
        out.tape.nil();
        return Ok(());
    }
    let raw = &start[..start.len() - i.input.len()];
    out.raw(raw);
    Ok(())
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
// `raws` holds what [`or_raw`] kept of the field before the tail (MD5 or parameters).
/// The tail: disposition, language and location (each absent when the level is), the further
/// extensions, and the fields kept raw.
fn ext_tail<'a, 'o>(
    i: &mut Input<'a>,
    depth: usize,
    out: &mut Out<'o>,
    mut raws: Raws<'a>,
) -> PResult<()> {
    // Each level only if the one before it is there.
    type Typed<'a, 'o> = fn(&mut Out<'o>, &mut Input<'a>) -> PResult<()>;
    let typed: [(ExtField, Typed<'a, 'o>); 3] = [
        (ExtField::Disposition, body_fld_dsp),
        (ExtField::Language, body_fld_lang),
        (ExtField::Location, Out::nstring),
    ];
    let mut levels = 0;
    for (field, read) in typed {
        if !more(i) {
            break;
        }
        sp(i)?;
        or_raw(i, out, field, &mut raws, read, Out::nil)?;
        levels += 1;
    }
    for _ in levels..3 {
        out.tape.absent();
    }
    let at = out.tape.open(kind::LIST);
    while levels == 3 && more(i) {
        sp(i)?;
        body_extension(i, depth + 1, out)?;
    }
    out.tape.close(at, 0);
    let at = out.tape.open(kind::LIST);
    for (field, raw) in &raws {
        out.tape.number(layout::ext_field_code(*field));
        out.raw(raw);
    }
    out.tape.close(at, 0);
    Ok(())
}

/// One extension field read by `typed`; tolerated (not in strict mode), a field that does not
/// read so is kept raw in `raws` as the single generic value it is, and stands as the field's
/// empty value (written by `empty`), so that the fields after it are read in their places: a
/// disposition with a string where its parameter list belongs (`("attachment" "a.pdf")`), `()`
/// or a list as a location, a language list in the disposition's place. Only a field that is
/// not even a generic value (string, number, `NIL`, parenthesized list) fails the part. The
/// typed reading never descends into a body, so a field costs at most two readings of its own
/// bytes.
fn or_raw<'a, 'o>(
    i: &mut Input<'a>,
    out: &mut Out<'o>,
    field: ExtField,
    raws: &mut Raws<'a>,
    typed: impl FnOnce(&mut Out<'o>, &mut Input<'a>) -> PResult<()>,
    empty: impl FnOnce(&mut Out<'o>),
) -> PResult<()> {
    let save = *i;
    let mark = out.tape.len();
    let err = match typed(out, i) {
        Ok(()) if !lenient(i) || ends_field(i) => return Ok(()),
        Ok(()) => None,
        Err(ErrMode::Backtrack(e)) if lenient(i) => Some(e),
        Err(e) => return Err(e),
    };
    *i = save;
    out.tape.truncate(mark);
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
    raws.push((field, raw));
    empty(out);
    Ok(())
}

/// An empty parameter list.
fn empty_list(out: &mut Out<'_>) {
    let at = out.tape.open(kind::LIST);
    out.tape.close(at, 0);
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
/// A list of name/value pairs (two strings each), empty for `NIL`.
fn body_fld_param(out: &mut Out<'_>, i: &mut Input<'_>) -> PResult<()> {
    if peek(i) != Some(b'(') {
        nil(i)?;
        empty_list(out);
        return Ok(());
    }
    let start = *i;
    let at = out.tape.open(kind::LIST);
    let pairs = paren_items(i, out, |i, out| {
        string(i, out)?;
        sp(i)?;
        string_or_nil(i, out)
    })?;
    if pairs == 0 && !lenient(i) {
        return fail(&start, "body parameter");
    }
    out.tape.close(at, 0);
    Ok(())
}

// body-fld-dsp = "(" string SP body-fld-param ")" / nil (RFC 9051 section 9).
// Tolerated: a bare string, read as a disposition of that kind with no parameters (Exchange
// sends `"inline"`, reported in MailKit #919 and jakartaee/mail-api #278); and NIL as the kind
// (Exchange sends `(NIL NIL)`, MailKit's TestParseBodyStructureWithNilNilBodyFldDsp), read as
// no disposition, or as an empty kind when parameters follow.
/// `NIL`, or a list of the kind and the parameters.
fn body_fld_dsp(out: &mut Out<'_>, i: &mut Input<'_>) -> PResult<()> {
    if lenient(i) && matches!(peek(i), Some(b'"' | b'{')) {
        let at = out.tape.open(kind::LIST);
        out.string(i)?;
        empty_list(out);
        out.tape.close(at, 0);
        return Ok(());
    }
    if peek(i) != Some(b'(') {
        nil(i)?;
        out.tape.nil();
        return Ok(());
    }
    byte(i, b'(', "(")?;
    let at = out.tape.open(kind::LIST);
    let has_kind = if lenient(i) && at_nil(i) {
        nil(i)?;
        out.empty();
        false
    } else {
        out.string(i)?;
        true
    };
    sp(i)?;
    let params = out.tape.len();
    body_fld_param(out, i)?;
    skip_spaces(i);
    byte(i, b')', ")")?;
    if !has_kind && out.tape.is_empty_list(params) {
        out.tape.truncate(at);
        out.tape.nil();
        return Ok(());
    }
    out.tape.close(at, 0);
    Ok(())
}

// body-fld-lang = nstring / "(" string *(SP string) ")" (RFC 9051 section 9)
/// `NIL`, or a list of languages.
fn body_fld_lang(out: &mut Out<'_>, i: &mut Input<'_>) -> PResult<()> {
    let at = out.tape.open(kind::LIST);
    if peek(i) == Some(b'(') {
        let n = paren_items(i, out, |i, out| out.string(i))?;
        if n == 0 {
            // Tolerated: `()`, read as NIL (what the encoder writes for no languages).
            if !lenient(i) {
                return fail(i, "language");
            }
            out.tape.truncate(at);
            out.tape.nil();
            return Ok(());
        }
        out.tape.close(at, 0);
        return Ok(());
    }
    out.nstring(i)?;
    if out.text(at + 1).is_none() {
        out.tape.truncate(at);
        out.tape.nil();
        return Ok(());
    }
    out.tape.close(at, 0);
    Ok(())
}

// body-extension = nstring / number / number64 / "(" body-extension *(SP body-extension) ")"
// (RFC 9051 section 9)
fn body_extension(i: &mut Input<'_>, depth: usize, out: &mut Out<'_>) -> PResult<()> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower body-extension nesting");
    }
    match peek(i) {
        Some(b'(') => {
            let at = out.tape.open(kind::LIST);
            paren_items(i, out, |i, out| body_extension(i, depth + 1, out))?;
            out.tape.close(at, 0);
            Ok(())
        }
        Some(b'0'..=b'9') => {
            out.tape.number(number64(i)?);
            Ok(())
        }
        _ => out.nstring(i),
    }
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::super::packed::fetched_body;
    use crate::types::{BodyStructure, PartKind, Str};

    fn parse(b: &[u8], strict: bool) -> Result<BodyStructure, String> {
        run_on(b, strict, fetched_body).map(|(v, rest)| {
            assert!(
                rest.is_empty(),
                "rest: {:?}",
                rest.escape_ascii().to_string()
            );
            v.to_structure()
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
    fn strings_are_read_from_the_received_bytes_and_escapes_resolved() {
        let src = b"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"NAME\" \"a\\\"b.txt\") NIL NIL \"BASE64\" 4554 73 NIL (\"INLINE\" NIL) \"en\")";
        let (packed, rest) = run_on(src, false, fetched_body).unwrap();
        assert!(rest.is_empty());
        let raw = packed.raw().as_ref().as_ptr_range();
        let root = packed.root();
        for (s, word) in [
            (root.media_type(), "TEXT"),
            (root.subtype(), "PLAIN"),
            (root.encoding().unwrap(), "BASE64"),
        ] {
            assert_eq!(s.as_bytes(), word.as_bytes());
            assert!(raw.contains(&s.as_bytes().as_ptr()), "{word} is a slice");
        }
        assert_eq!(root.param("name"), Some(Str::from("a\"b.txt")));
        assert_eq!(root.param("charset"), Some(Str::from("UTF-8")));
        assert_eq!((root.octets(), root.lines()), (Some(4554), Some(73)));
        let BodyStructure::Single { part } = packed.to_structure() else {
            panic!()
        };
        let tail = &part.ext.as_ref().unwrap().tail;
        let kind = &tail.disposition.as_ref().unwrap().as_ref().unwrap().kind;
        assert_eq!(kind.as_bytes(), b"INLINE");
        let lang = &tail.language.as_ref().unwrap().as_ref().unwrap()[0];
        assert_eq!(lang.as_bytes(), b"en");
        // A few bytes a field: 16 fields, each a tag and, for a string, its place in the
        // bytes (one or two bytes each here).
        assert!(packed.table_bytes() <= 64, "{}", packed.table_bytes());
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let src = vec![b'('; 100];
        assert!(parse(&src, false).is_err());
    }
}
