//! [`FetchedBody`]: a BODY or BODYSTRUCTURE as received, read through [`BodyPart`] views.

use super::envelope;
use super::tape::{Cursor, kind};
use super::writer::PlainWriter;
use crate::types::{
    BodyExtension, BodyStructure, Disposition, Envelope, ExtField, ExtTail, MultiExt, PartKind,
    SingleExt, SinglePart, Str, UnreadableField,
};
use bytes::Bytes;
use std::fmt;

/// A part's flags, in its tag: the kind of part, and whether extension data follows.
pub(crate) const BASIC: u8 = 0;
pub(crate) const TEXT: u8 = 1;
pub(crate) const MESSAGE: u8 = 2;
const KIND_MASK: u8 = 3;
/// Extension data follows (a part's or a multipart's flag).
pub(crate) const HAS_EXT: u8 = 4;

/// A `body` (RFC 9051 section 7.5.2) as a FETCH response carried it in `BODY` or
/// `BODYSTRUCTURE`: its bytes, shared with the received unit, and a table of where each field
/// lies in them. [`FetchedBody::root`] reads it part by part without building anything;
/// [`FetchedBody::to_structure`] gives the whole tree as a [`BodyStructure`]. `Debug` and
/// equality are those of that [`BodyStructure`].
///
/// ```
/// use imap_core::types::{BodyStructure, FetchedBody, PartKind, SinglePart, Str};
///
/// let text = |sub: &str| BodyStructure::Single {
///     part: Box::new(SinglePart {
///         media_type: Str::from("TEXT"),
///         subtype: Str::from(sub),
///         params: vec![(Str::from("CHARSET"), Str::from("utf-8"))],
///         id: None,
///         description: None,
///         encoding: Str::from("7BIT"),
///         octets: 10,
///         kind: PartKind::Text { lines: 1 },
///         ext: None,
///     }),
/// };
/// let body = FetchedBody::new(&BodyStructure::Multi {
///     parts: vec![text("PLAIN"), text("HTML")],
///     subtype: Str::from("ALTERNATIVE"),
///     ext: None,
/// });
/// let html = body.part(&[2]).unwrap();
/// assert_eq!(html.mime_type(), "text/html");
/// assert_eq!(html.param("charset"), Some(Str::from("utf-8")));
/// assert_eq!(body.root().parts().count(), 2);
/// assert_eq!(body.to_structure().part(&[1]).unwrap().mime_type(), "text/plain");
/// ```
#[derive(Clone)]
pub struct FetchedBody {
    raw: Bytes,
    table: Box<[u8]>,
}

impl FetchedBody {
    /// The packed form of `b`, its strings copied into one buffer (what a server sends; also
    /// `b.into()`).
    pub fn new(b: &BodyStructure) -> FetchedBody {
        let mut w = PlainWriter::default();
        write(&mut w, b);
        let (raw, table) = w.finish();
        FetchedBody { raw, table }
    }

    /// A value over `raw` with the table `table`.
    pub(crate) fn from_parts(raw: Bytes, table: Box<[u8]>) -> FetchedBody {
        FetchedBody { raw, table }
    }

    /// The outermost part.
    pub fn root(&self) -> BodyPart<'_> {
        BodyPart {
            raw: &self.raw,
            table: &self.table,
            pos: 0,
        }
    }

    /// The part at `path` (1-based part numbers as in `BODY[1.2]`), as
    /// [`BodyStructure::part`] finds it.
    pub fn part(&self, path: &[u32]) -> Option<BodyPart<'_>> {
        self.root().part(path)
    }

    /// `type/subtype` of the outermost part, in lower case.
    pub fn mime_type(&self) -> String {
        self.root().mime_type()
    }

    /// The whole tree, as a [`BodyStructure`].
    pub fn to_structure(&self) -> BodyStructure {
        self.root().to_structure()
    }

    /// The bytes the fields are read from.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// Heap bytes this value holds beside the shared bytes: its table.
    pub fn table_bytes(&self) -> usize {
        self.table.len()
    }
}

/// One part of a [`FetchedBody`], read in place.
#[derive(Clone, Copy)]
pub struct BodyPart<'a> {
    raw: &'a Bytes,
    table: &'a [u8],
    pos: usize,
}

impl<'a> BodyPart<'a> {
    fn cursor(&self) -> Cursor<'a> {
        Cursor::new(self.raw, self.table, self.pos)
    }

    /// Whether this is a multipart.
    pub fn is_multipart(&self) -> bool {
        self.cursor().peek_kind() == kind::MULTI
    }

    /// A cursor on field `k` of a single part (0 the media type, 1 the subtype, 2 the
    /// parameters, 3 the id, 4 the description, 5 the encoding, 6 the size, 7 on what follows).
    fn single_field(&self, k: usize) -> Option<Cursor<'a>> {
        let mut c = self.cursor();
        c.open(kind::PART)?;
        for _ in 0..k {
            c.skip();
        }
        Some(c)
    }

    /// A cursor on a multipart's subtype.
    fn multi_subtype(&self) -> Option<Cursor<'a>> {
        let mut c = self.cursor();
        c.open(kind::MULTI)?;
        while matches!(c.peek_kind(), kind::PART | kind::MULTI) {
            c.skip();
        }
        Some(c)
    }

    /// The media type (`text`, `image`, ...) as received; `multipart` for a multipart.
    pub fn media_type(&self) -> Str {
        match self.single_field(0) {
            Some(mut c) => c.string_or_empty(),
            None => Str::from_static("multipart"),
        }
    }

    /// The media subtype as received.
    pub fn subtype(&self) -> Str {
        self.single_field(1)
            .or_else(|| self.multi_subtype())
            .map(|mut c| c.string_or_empty())
            .unwrap_or_default()
    }

    /// `type/subtype` in lower case.
    pub fn mime_type(&self) -> String {
        format!(
            "{}/{}",
            self.media_type().to_string_lossy().to_ascii_lowercase(),
            self.subtype().to_string_lossy().to_ascii_lowercase()
        )
    }

    /// The parameters (`body-fld-param`) of a single part; none for a multipart (whose
    /// parameters are extension data: see [`BodyPart::to_structure`]).
    pub fn params(&self) -> Params<'a> {
        let mut cursor = self.cursor();
        let mut open = false;
        if let Some(mut c) = self.single_field(2) {
            open = c.open(kind::LIST).is_some();
            cursor = c;
        }
        Params { cursor, open }
    }

    /// The value of the parameter `name` (any case).
    pub fn param(&self, name: &str) -> Option<Str> {
        self.params()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
    }

    /// `body-fld-id`.
    pub fn id(&self) -> Option<Str> {
        self.single_field(3)?.string()
    }

    /// `body-fld-desc`.
    pub fn description(&self) -> Option<Str> {
        self.single_field(4)?.string()
    }

    /// `body-fld-enc` (`7BIT`, `BASE64`, ...); `None` for a multipart.
    pub fn encoding(&self) -> Option<Str> {
        Some(self.single_field(5)?.string_or_empty())
    }

    /// `body-fld-octets`: size of the encoded body; `None` for a multipart.
    pub fn octets(&self) -> Option<u64> {
        Some(self.single_field(6)?.number())
    }

    fn part_kind(&self) -> Option<u8> {
        self.cursor()
            .open(kind::PART)
            .map(|flags| flags & KIND_MASK)
    }

    /// `body-fld-lines` of a text or message part.
    pub fn lines(&self) -> Option<u64> {
        let mut c = self.single_field(7)?;
        match self.part_kind()? {
            TEXT => Some(c.number()),
            MESSAGE => {
                c.skip();
                c.skip();
                Some(c.number())
            }
            _ => None,
        }
    }

    /// The envelope of an encapsulated message (`message/rfc822` or `message/global`).
    pub fn message_envelope(&self) -> Option<Envelope> {
        let mut c = self.single_field(7)?;
        (self.part_kind()? == MESSAGE).then(|| envelope::read(&mut c))
    }

    /// The parts under this one: a multipart's parts, or the body of an encapsulated message.
    pub fn parts(&self) -> impl Iterator<Item = BodyPart<'a>> + use<'a> {
        let mut c = self.cursor();
        let mut left = usize::MAX;
        if c.open(kind::MULTI).is_some() {
            // Parts until the subtype.
        } else if self.part_kind() == Some(MESSAGE)
            && let Some(mut f) = self.single_field(7)
        {
            f.skip();
            c = f;
            left = 1;
        } else {
            left = 0;
        }
        let (raw, table) = (self.raw, self.table);
        std::iter::from_fn(move || {
            if left == 0 || !matches!(c.peek_kind(), kind::PART | kind::MULTI) {
                return None;
            }
            left -= 1;
            let part = BodyPart {
                raw,
                table,
                pos: c.pos(),
            };
            c.skip();
            Some(part)
        })
    }

    /// The part at `path` under this one, as [`BodyStructure::part`] finds it.
    pub fn part(&self, path: &[u32]) -> Option<BodyPart<'a>> {
        let Some((&first, rest)) = path.split_first() else {
            return Some(*self);
        };
        let idx = usize::try_from(first.checked_sub(1)?).ok()?;
        if self.is_multipart() {
            return self.parts().nth(idx)?.part(rest);
        }
        match self.part_kind()? {
            MESSAGE => self.parts().next()?.part(path),
            _ if first == 1 && rest.is_empty() => Some(*self),
            _ => None,
        }
    }

    /// This part and everything under it, as a [`BodyStructure`].
    pub fn to_structure(&self) -> BodyStructure {
        read(&mut self.cursor())
    }
}

/// The parameters of a part, decoded as they are taken.
#[derive(Clone)]
pub struct Params<'a> {
    cursor: Cursor<'a>,
    open: bool,
}

impl Iterator for Params<'_> {
    type Item = (Str, Str);

    fn next(&mut self) -> Option<(Str, Str)> {
        if !self.open || self.cursor.end() {
            self.open = false;
            return None;
        }
        let k = self.cursor.string_or_empty();
        Some((k, self.cursor.string_or_empty()))
    }
}

/// Reads a body written by [`write`] or the parser.
fn read(c: &mut Cursor<'_>) -> BodyStructure {
    if c.peek_kind() == kind::PART {
        let flags = c.open(kind::PART).unwrap_or(0);
        let media_type = c.string_or_empty();
        let subtype = c.string_or_empty();
        let params = params(c);
        let id = c.string();
        let description = c.string();
        let encoding = c.string_or_empty();
        let octets = c.number();
        let kind = match flags & KIND_MASK {
            TEXT => PartKind::Text { lines: c.number() },
            MESSAGE => PartKind::Message {
                envelope: Box::new(envelope::read(c)),
                body: Box::new(read(c)),
                lines: c.number(),
            },
            _ => PartKind::Basic,
        };
        let ext = (flags & HAS_EXT != 0).then(|| {
            let md5 = c.string();
            SingleExt { md5, tail: tail(c) }
        });
        c.end();
        return BodyStructure::Single {
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
        };
    }
    let flags = c.open(kind::MULTI).unwrap_or(0);
    let mut parts = Vec::new();
    while matches!(c.peek_kind(), kind::PART | kind::MULTI) {
        parts.push(read(c));
    }
    let subtype = c.string_or_empty();
    let ext = (flags & HAS_EXT != 0).then(|| {
        let params = params(c);
        Box::new(MultiExt {
            params,
            tail: tail(c),
        })
    });
    c.end();
    BodyStructure::Multi {
        parts,
        subtype,
        ext,
    }
}

fn params(c: &mut Cursor<'_>) -> Vec<(Str, Str)> {
    c.list(|c| (c.string_or_empty(), c.string_or_empty()))
}

fn tail(c: &mut Cursor<'_>) -> ExtTail {
    let disposition = (!c.take(kind::ABSENT)).then(|| {
        if c.take(kind::NIL) {
            return None;
        }
        c.open(kind::LIST);
        let kind = c.string_or_empty();
        let params = params(c);
        c.end();
        Some(Disposition { kind, params })
    });
    let language = (!c.take(kind::ABSENT)).then(|| {
        if c.take(kind::NIL) {
            return None;
        }
        Some(c.list(Cursor::string_or_empty))
    });
    let location = (!c.take(kind::ABSENT)).then(|| c.string());
    let extensions = c.list(extension);
    let unreadable = c.list(|c| UnreadableField {
        field: ext_field(c.number()),
        raw: c.string_or_empty(),
    });
    ExtTail {
        disposition,
        language,
        location,
        extensions,
        unreadable,
    }
}

fn extension(c: &mut Cursor<'_>) -> BodyExtension {
    match c.peek_kind() {
        kind::NUM => BodyExtension::Number(c.number()),
        kind::LIST => BodyExtension::List(c.list(extension)),
        _ => BodyExtension::String(c.string()),
    }
}

/// The code of an extension field in the table.
pub(crate) fn ext_field_code(f: ExtField) -> u64 {
    match f {
        ExtField::Md5 => 0,
        ExtField::Params => 1,
        ExtField::Disposition => 2,
        ExtField::Language => 3,
        ExtField::Location => 4,
    }
}

fn ext_field(code: u64) -> ExtField {
    match code {
        0 => ExtField::Md5,
        1 => ExtField::Params,
        2 => ExtField::Disposition,
        3 => ExtField::Language,
        _ => ExtField::Location,
    }
}

/// The tag flags of a part of `kind` (`BASIC`, `TEXT` or `MESSAGE`).
pub(crate) fn part_flags(kind: u8, has_ext: bool) -> u8 {
    kind | if has_ext { HAS_EXT } else { 0 }
}

/// Writes `b` in the schema [`read`] reads.
fn write(w: &mut PlainWriter, b: &BodyStructure) {
    match b {
        BodyStructure::Single { part } => {
            let at = w.tape.open(kind::PART);
            w.string(&part.media_type);
            w.string(&part.subtype);
            write_params(w, &part.params);
            w.nstring(&part.id);
            w.nstring(&part.description);
            w.string(&part.encoding);
            w.tape.number(part.octets);
            let k = match &part.kind {
                PartKind::Text { lines } => {
                    w.tape.number(*lines);
                    TEXT
                }
                PartKind::Message {
                    envelope: env,
                    body,
                    lines,
                } => {
                    envelope::write(w, env);
                    write(w, body);
                    w.tape.number(*lines);
                    MESSAGE
                }
                _ => BASIC,
            };
            if let Some(ext) = &part.ext {
                w.nstring(&ext.md5);
                write_tail(w, &ext.tail);
            }
            w.tape.close(at, part_flags(k, part.ext.is_some()));
        }
        BodyStructure::Multi {
            parts,
            subtype,
            ext,
        } => {
            let at = w.tape.open(kind::MULTI);
            for p in parts {
                write(w, p);
            }
            w.string(subtype);
            if let Some(ext) = ext {
                write_params(w, &ext.params);
                write_tail(w, &ext.tail);
            }
            w.tape.close(at, if ext.is_some() { HAS_EXT } else { 0 });
        }
    }
}

fn write_params(w: &mut PlainWriter, params: &[(Str, Str)]) {
    let at = w.tape.open(kind::LIST);
    for (k, v) in params {
        w.string(k);
        w.string(v);
    }
    w.tape.close(at, 0);
}

fn write_tail(w: &mut PlainWriter, t: &ExtTail) {
    match &t.disposition {
        None => w.tape.absent(),
        Some(None) => w.tape.nil(),
        Some(Some(d)) => {
            let at = w.tape.open(kind::LIST);
            w.string(&d.kind);
            write_params(w, &d.params);
            w.tape.close(at, 0);
        }
    }
    match &t.language {
        None => w.tape.absent(),
        Some(None) => w.tape.nil(),
        Some(Some(langs)) => {
            let at = w.tape.open(kind::LIST);
            for l in langs {
                w.string(l);
            }
            w.tape.close(at, 0);
        }
    }
    match &t.location {
        None => w.tape.absent(),
        Some(loc) => w.nstring(loc),
    }
    let at = w.tape.open(kind::LIST);
    for e in &t.extensions {
        write_extension(w, e);
    }
    w.tape.close(at, 0);
    let at = w.tape.open(kind::LIST);
    for u in &t.unreadable {
        w.tape.number(ext_field_code(u.field));
        w.string(&u.raw);
    }
    w.tape.close(at, 0);
}

fn write_extension(w: &mut PlainWriter, e: &BodyExtension) {
    match e {
        BodyExtension::String(s) => w.nstring(s),
        BodyExtension::Number(n) => w.tape.number(*n),
        BodyExtension::List(items) => {
            let at = w.tape.open(kind::LIST);
            for i in items {
                write_extension(w, i);
            }
            w.tape.close(at, 0);
        }
    }
}

impl From<&BodyStructure> for FetchedBody {
    fn from(b: &BodyStructure) -> FetchedBody {
        FetchedBody::new(b)
    }
}

impl From<BodyStructure> for FetchedBody {
    fn from(b: BodyStructure) -> FetchedBody {
        FetchedBody::new(&b)
    }
}

impl fmt::Debug for FetchedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_structure(), f)
    }
}

impl PartialEq for FetchedBody {
    fn eq(&self, other: &FetchedBody) -> bool {
        self.to_structure() == other.to_structure()
    }
}

impl Eq for FetchedBody {}
