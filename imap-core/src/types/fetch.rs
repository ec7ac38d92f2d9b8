//! FETCH: the items a command asks for ([`FetchItem`]) and the data a response carries
//! ([`FetchData`]), with body sections ([`Section`]).

use super::datetime::DateTime;
use super::flag::Flag;
use super::packed::{FetchedBody, FetchedEnvelope};
use super::seq::Uid;
use super::string::{Atom, Str};

/// `section-spec` (RFC 9051 section 9): which part of a message `BODY[...]` addresses.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Section {
    /// `section-part`: 1-based part numbers (empty for the whole message).
    pub part: Vec<u32>,
    /// `section-msgtext` / `MIME`, if any.
    pub text: Option<SectionText>,
}

impl std::str::FromStr for Section {
    type Err = crate::parse::ParseError;

    /// The section a person names, as written between the brackets of `BODY[...]`: `1.2`,
    /// `HEADER`, `TEXT`, `1.MIME`, `2.HEADER.FIELDS (From To)`, any case; empty for the whole
    /// message ([`crate::parse::parse_section_spec`]).
    fn from_str(s: &str) -> Result<Section, Self::Err> {
        crate::parse::parse_section_spec(s.trim().as_bytes())
    }
}

/// The text specifier of a section.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum SectionText {
    /// `HEADER`.
    Header,
    /// `HEADER.FIELDS (names)`.
    HeaderFields(Vec<Str>),
    /// `HEADER.FIELDS.NOT (names)`.
    HeaderFieldsNot(Vec<Str>),
    /// `TEXT`.
    Text,
    /// `MIME` (only after a part number).
    Mime,
}

/// A partial range `<offset.count>` in a FETCH command.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Partial {
    /// First octet.
    pub offset: u32,
    /// Number of octets (non-zero).
    pub count: u32,
}

/// A FETCH data item a client asks for (`fetch-att`, RFC 9051 section 6.4.5 plus extensions).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum FetchItem {
    /// `ENVELOPE`.
    Envelope,
    /// `FLAGS`.
    Flags,
    /// `INTERNALDATE`.
    InternalDate,
    /// `RFC822.SIZE`.
    Rfc822Size,
    /// `BODY` (structure without extension data).
    Body,
    /// `BODYSTRUCTURE`.
    BodyStructure,
    /// `UID`.
    Uid,
    /// `BODY[section]<partial>` or, with `peek`, `BODY.PEEK[...]`.
    BodySection {
        /// The section.
        section: Section,
        /// The partial range.
        partial: Option<Partial>,
        /// `BODY.PEEK`: do not set `\Seen`.
        peek: bool,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516).
    Binary {
        /// `section-binary` part numbers.
        part: Vec<u32>,
        /// The partial range.
        partial: Option<Partial>,
        /// `BINARY.PEEK`.
        peek: bool,
    },
    /// `BINARY.SIZE[part]`.
    BinarySize {
        /// `section-binary` part numbers.
        part: Vec<u32>,
    },
    /// `RFC822` (IMAP4rev1).
    Rfc822,
    /// `RFC822.HEADER` (IMAP4rev1).
    Rfc822Header,
    /// `RFC822.TEXT` (IMAP4rev1).
    Rfc822Text,
    /// `MODSEQ` (CONDSTORE).
    ModSeq,
    /// `EMAILID` (OBJECTID).
    EmailId,
    /// `THREADID` (OBJECTID).
    ThreadId,
    /// `PREVIEW` or `PREVIEW (LAZY)` (RFC 8970).
    Preview {
        /// `(LAZY)`.
        lazy: bool,
    },
    /// `SAVEDATE` (RFC 8514).
    SaveDate,
    /// `X-GM-MSGID` (Gmail).
    GmMsgId,
    /// `X-GM-THRID` (Gmail).
    GmThrId,
    /// `X-GM-LABELS` (Gmail).
    GmLabels,
    /// Any other item, written as this atom.
    Other(Atom),
}

/// The FETCH items that are a name alone, by their names (RFC 9051 section 6.4.5 and the
/// extensions [`FetchItem`] names): the one table the command parser reads them by (any case)
/// and the encoder writes them from. `BODY` is here for the item without a section.
pub(crate) const FETCH_ATT_NAMES: &[(&str, FetchItem)] = &[
    ("ENVELOPE", FetchItem::Envelope),
    ("FLAGS", FetchItem::Flags),
    ("INTERNALDATE", FetchItem::InternalDate),
    ("RFC822.SIZE", FetchItem::Rfc822Size),
    ("BODY", FetchItem::Body),
    ("BODYSTRUCTURE", FetchItem::BodyStructure),
    ("UID", FetchItem::Uid),
    ("RFC822", FetchItem::Rfc822),
    ("RFC822.HEADER", FetchItem::Rfc822Header),
    ("RFC822.TEXT", FetchItem::Rfc822Text),
    ("MODSEQ", FetchItem::ModSeq),
    ("EMAILID", FetchItem::EmailId),
    ("THREADID", FetchItem::ThreadId),
    ("SAVEDATE", FetchItem::SaveDate),
    ("X-GM-MSGID", FetchItem::GmMsgId),
    ("X-GM-THRID", FetchItem::GmThrId),
    ("X-GM-LABELS", FetchItem::GmLabels),
];

impl FetchItem {
    /// The item named `name` (any case) when the name alone is the whole item.
    pub(crate) fn from_plain_name(name: &[u8]) -> Option<FetchItem> {
        super::keywords::by_name(FETCH_ATT_NAMES, name)
    }

    /// The name of an item that is a name alone.
    pub(crate) fn plain_name(&self) -> Option<&'static str> {
        super::keywords::name_of(FETCH_ATT_NAMES, self)
    }
}

/// What a FETCH command asks for: a macro or a list of items.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum FetchItems {
    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`.
    All,
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`.
    Fast,
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`.
    Full,
    /// Explicit items (one item is written without parentheses).
    Items(Vec<FetchItem>),
}

/// The items as a command writes them: `(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`, one
/// item without parentheses, or the macro.
impl std::fmt::Display for FetchItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::encode::fetch_items_text(self))
    }
}

impl std::str::FromStr for FetchItems {
    type Err = crate::parse::TextError;

    /// The items of a FETCH as IMAP writes them (RFC 9051 section 9): a parenthesized list
    /// (`(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`), one item, or `ALL`, `FAST` or
    /// `FULL`; any case.
    ///
    /// ```
    /// use imap_core::types::{FetchItem, FetchItems};
    ///
    /// let items: FetchItems = "(flags BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])".parse().unwrap();
    /// assert_eq!(items.expand()[0], FetchItem::Flags);
    /// assert_eq!(items.to_string(), "(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])");
    /// let e = "(FLAGS BODY.PEEK[HEADER.FIELDS FROM])".parse::<FetchItems>().unwrap_err();
    /// assert_eq!(e.column, 32);
    /// ```
    ///
    /// # Errors
    /// A [`crate::parse::TextError`] pointing at the first character that does not fit.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::parse::parse_fetch_items_text(s)
    }
}

impl FetchItems {
    /// The items this request stands for, with macros expanded.
    pub fn expand(&self) -> Vec<FetchItem> {
        use FetchItem::*;
        match self {
            FetchItems::All => vec![Flags, InternalDate, Rfc822Size, Envelope],
            FetchItems::Fast => vec![Flags, InternalDate, Rfc822Size],
            FetchItems::Full => vec![Flags, InternalDate, Rfc822Size, Envelope, Body],
            FetchItems::Items(v) => v.clone(),
        }
    }
}

/// One data item of a FETCH response (`msg-att`, RFC 9051 section 7.5.2 plus extensions).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum FetchData {
    /// `FLAGS (...)`.
    Flags(Vec<Flag>),
    /// `UID n`.
    Uid(Uid),
    /// `INTERNALDATE "..."`.
    InternalDate(DateTime),
    /// `RFC822.SIZE n` (number64).
    Rfc822Size(u64),
    /// `ENVELOPE (...)`.
    Envelope(FetchedEnvelope),
    /// `BODY (...)`: structure without extension data.
    Body(FetchedBody),
    /// `BODYSTRUCTURE (...)`.
    BodyStructure(FetchedBody),
    /// `BODY[section]<origin> nstring`.
    BodySection {
        /// The section.
        section: Section,
        /// `<origin>` of a partial fetch.
        origin: Option<u32>,
        /// The data (`None` for `NIL`, also when the framer streamed the literal).
        data: Option<Str>,
    },
    /// `BINARY[part]<origin> nstring / literal8`.
    Binary {
        /// `section-binary` part numbers.
        part: Vec<u32>,
        /// `<origin>` of a partial fetch.
        origin: Option<u32>,
        /// The decoded data (`None` for `NIL`).
        data: Option<Str>,
    },
    /// `BINARY.SIZE[part] n`.
    BinarySize {
        /// `section-binary` part numbers.
        part: Vec<u32>,
        /// Decoded size.
        size: u64,
    },
    /// `RFC822 nstring`.
    Rfc822(Option<Str>),
    /// `RFC822.HEADER nstring`.
    Rfc822Header(Option<Str>),
    /// `RFC822.TEXT nstring`.
    Rfc822Text(Option<Str>),
    /// `MODSEQ (n)`.
    ModSeq(u64),
    /// `EMAILID (id)`.
    EmailId(Str),
    /// `THREADID (id)` or `THREADID NIL`.
    ThreadId(Option<Str>),
    /// `PREVIEW nstring`.
    Preview(Option<Str>),
    /// `SAVEDATE date-time` or `NIL`.
    SaveDate(Option<DateTime>),
    /// `X-GM-MSGID n`.
    GmMsgId(u64),
    /// `X-GM-THRID n`.
    GmThrId(u64),
    /// `X-GM-LABELS (...)`: labels as astrings (system labels keep their backslash).
    GmLabels(Vec<Str>),
    /// An unknown item: its name and the raw bytes of its value.
    Other {
        /// The item name as received.
        name: Str,
        /// The raw value.
        value: Str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{EncodeOptions, encode_command};
    use crate::parse::{ParseOptions, parse_command};
    use crate::types::CommandBody;
    use bytes::Bytes;

    /// Every name of the table reads (in any case) as its item and is written back as it was.
    #[test]
    fn plain_fetch_items_round_trip_through_parser_and_encoder() {
        for (name, item) in FETCH_ATT_NAMES {
            for spelled in [name.to_string(), name.to_ascii_lowercase()] {
                let unit = Bytes::from(format!("a FETCH 1 {spelled}\r\n"));
                let cmd = parse_command(&unit, &ParseOptions::default()).unwrap();
                let CommandBody::Fetch { items, .. } = &cmd.body else {
                    panic!("{spelled}: {cmd:?}")
                };
                assert_eq!(*items, FetchItems::Items(vec![item.clone()]), "{spelled}");
                let wire = encode_command(&cmd, &EncodeOptions::default()).to_vec();
                assert_eq!(wire, format!("a FETCH 1 {name}\r\n").into_bytes());
            }
            assert_eq!(item.plain_name(), Some(*name));
        }
    }
}
