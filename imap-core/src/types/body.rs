//! BODY and BODYSTRUCTURE ([`BodyStructure`]) with every extension level.

use super::envelope::Envelope;
use super::string::Str;

/// A message's MIME structure (`body`, RFC 9051 section 7.5.2 and section 9).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum BodyStructure {
    /// A non-multipart part (`body-type-1part`).
    Single {
        /// The basic fields, type-specific data and extension data: one allocation per part.
        part: Box<SinglePart>,
    },
    /// A multipart (`body-type-mpart`).
    Multi {
        /// The nested parts: at least one, except when tolerant parsing reads a server that
        /// wrote NIL in their place.
        parts: Vec<BodyStructure>,
        /// The multipart subtype (`mixed`, `alternative`, ...).
        subtype: Str,
        /// Extension data (`body-ext-mpart`), BODYSTRUCTURE only.
        ext: Option<Box<MultiExt>>,
    },
}

/// The fields of a single part (`body-fields` plus the media type and type-specific data).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SinglePart {
    /// Media type (`text`, `image`, ...). Tolerant parsing maps `NIL` to empty.
    pub media_type: Str,
    /// Media subtype.
    pub subtype: Str,
    /// `body-fld-param`: attribute/value pairs (empty for `NIL`).
    pub params: Vec<(Str, Str)>,
    /// `body-fld-id`.
    pub id: Option<Str>,
    /// `body-fld-desc`.
    pub description: Option<Str>,
    /// `body-fld-enc` (`7BIT`, `BASE64`, ...).
    pub encoding: Str,
    /// `body-fld-octets`: size in octets of the encoded body.
    pub octets: u64,
    /// Type-specific data.
    pub kind: PartKind,
    /// Extension data (`body-ext-1part`), BODYSTRUCTURE only. Held in the part itself rather
    /// than boxed beside it, so that a part costs one allocation, not two.
    pub ext: Option<SingleExt>,
}

/// What follows the basic fields, by media type.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum PartKind {
    /// Any other type (`body-type-basic`).
    Basic,
    /// `text/*` (`body-type-text`): line count.
    Text {
        /// `body-fld-lines`.
        lines: u64,
    },
    /// `message/rfc822` or `message/global` (`body-type-msg`).
    Message {
        /// The encapsulated message's envelope.
        envelope: Box<Envelope>,
        /// The encapsulated message's structure.
        body: Box<BodyStructure>,
        /// `body-fld-lines`.
        lines: u64,
    },
}

/// `body-fld-dsp`: a Content-Disposition.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Disposition {
    /// `inline`, `attachment`, ...
    pub kind: Str,
    /// Its parameters (empty for `NIL`).
    pub params: Vec<(Str, Str)>,
}

/// Extension data shared by both part kinds after the first field: each level present only if
/// the previous one is (`body-ext-1part` / `body-ext-mpart`).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ExtTail {
    /// `body-fld-dsp`; outer `None` when the level is absent, inner `None` for `NIL`.
    pub disposition: Option<Option<Disposition>>,
    /// `body-fld-lang`; outer `None` when absent, inner `None` for `NIL`.
    pub language: Option<Option<Vec<Str>>>,
    /// `body-fld-loc`; outer `None` when absent.
    pub location: Option<Option<Str>>,
    /// Further `body-extension`s, only when `location` is present.
    pub extensions: Vec<BodyExtension>,
    /// Fields of this extension data that tolerant parsing could not read as their grammar
    /// says (a disposition holding a string where its parameter list belongs, `()` as a
    /// location, ...), each kept raw, in order. The slot such a field stood in holds `NIL`, or
    /// is empty for the parameters of a multipart, and the fields after it are read as usual.
    /// Besides the levels above, this may name the `md5` of a [`SingleExt`] or the `params` of
    /// a [`MultiExt`] holding this tail. Always empty in strict mode.
    pub unreadable: Vec<UnreadableField>,
}

/// One extension field kept as received because it does not read as its grammar says.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnreadableField {
    /// Which field it stood in place of.
    pub field: ExtField,
    /// The field's bytes, one generic value (string, number, `NIL` or parenthesized list).
    pub raw: Str,
}

/// The extension fields of a body part, by position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ExtField {
    /// `body-fld-md5` (single parts).
    Md5,
    /// `body-fld-param` of a multipart.
    Params,
    /// `body-fld-dsp`.
    Disposition,
    /// `body-fld-lang`.
    Language,
    /// `body-fld-loc`.
    Location,
}

impl ExtTail {
    /// The raw bytes of `field`, when tolerant parsing kept it unreadable.
    pub fn unreadable(&self, field: ExtField) -> Option<&Str> {
        self.unreadable
            .iter()
            .find(|u| u.field == field)
            .map(|u| &u.raw)
    }

    /// The disposition's kind (`attachment`, `inline`, ...): from the typed disposition, or
    /// else from the first string of an unreadable one, so that a part whose disposition is
    /// malformed (`("attachment" "a.pdf")`) is still known as an attachment.
    pub fn disposition_kind(&self) -> Option<Str> {
        if let Some(Some(d)) = &self.disposition {
            return Some(d.kind.clone());
        }
        let raw = self.unreadable(ExtField::Disposition)?;
        let b = raw.as_bytes();
        let rest = b
            .strip_prefix(b"(")?
            .trim_ascii_start()
            .strip_prefix(b"\"")?;
        let end = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
        (rest.get(end) == Some(&b'"')).then(|| Str::new(raw.bytes().slice_ref(&rest[..end])))
    }
}

/// `body-ext-1part`: MD5 and the shared tail.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SingleExt {
    /// `body-fld-md5`.
    pub md5: Option<Str>,
    /// The remaining levels.
    pub tail: ExtTail,
}

/// `body-ext-mpart`: parameters and the shared tail.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct MultiExt {
    /// `body-fld-param` of the multipart (empty for `NIL`).
    pub params: Vec<(Str, Str)>,
    /// The remaining levels.
    pub tail: ExtTail,
}

/// `body-extension`: future extension data, kept as received.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum BodyExtension {
    /// A string or `NIL`.
    String(Option<Str>),
    /// A number.
    Number(u64),
    /// A parenthesized list.
    List(Vec<BodyExtension>),
}

impl BodyStructure {
    /// The part at `path` (1-based part numbers as in `BODY[1.2]`), if it exists.
    pub fn part(&self, path: &[u32]) -> Option<&BodyStructure> {
        let Some((&first, rest)) = path.split_first() else {
            return Some(self);
        };
        let idx = usize::try_from(first.checked_sub(1)?).ok()?;
        match self {
            BodyStructure::Multi { parts, .. } => parts.get(idx)?.part(rest),
            BodyStructure::Single { part, .. } => match &part.kind {
                PartKind::Message { body, .. } => body.part(path),
                _ if first == 1 && rest.is_empty() => Some(self),
                _ => None,
            },
        }
    }

    /// `type/subtype` in lower case.
    pub fn mime_type(&self) -> String {
        match self {
            BodyStructure::Single { part, .. } => format!(
                "{}/{}",
                part.media_type.to_string_lossy().to_ascii_lowercase(),
                part.subtype.to_string_lossy().to_ascii_lowercase()
            ),
            BodyStructure::Multi { subtype, .. } => {
                format!(
                    "multipart/{}",
                    subtype.to_string_lossy().to_ascii_lowercase()
                )
            }
        }
    }
}
