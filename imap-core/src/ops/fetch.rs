//! FETCH: a query builder ([`FetchQuery`]), typed per-message results ([`Message`], keyed by
//! UID in [`Messages`]), MIME outlines ([`outline`]) and header parsing ([`parse_headers`]).

use crate::client::Completion;
use crate::decode::{DecodedEnvelope, Normalise, normalise, param_text};
use crate::types::{
    BodyStructure, CommandBody, DateTime, FetchData, FetchItem, FetchItems, FetchedBody,
    FetchedEnvelope, Flag, MessageSet, PartKind, Partial, Section, SectionText, SeqNum, Str, Uid,
    UidSet,
};
use std::collections::{BTreeMap, HashMap};

/// What to fetch. `UID` is always asked, so results can be keyed by UID.
///
/// Body sections are fetched with `BODY.PEEK` (the `\Seen` flag is left alone) unless
/// [`FetchQuery::mark_seen`] is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchQuery {
    items: Vec<FetchItem>,
    peek: bool,
    changed_since: Option<u64>,
}

impl Default for FetchQuery {
    fn default() -> Self {
        FetchQuery::new()
    }
}

impl FetchQuery {
    /// Only the UID.
    pub fn new() -> Self {
        FetchQuery {
            items: vec![FetchItem::Uid],
            peek: true,
            changed_since: None,
        }
    }

    /// FLAGS, INTERNALDATE, RFC822.SIZE and ENVELOPE (the `ALL` macro).
    pub fn summary() -> Self {
        FetchQuery::new().flags().internal_date().size().envelope()
    }

    fn push(mut self, item: FetchItem) -> Self {
        if !self.items.contains(&item) {
            self.items.push(item);
        }
        self
    }

    /// `FLAGS`.
    pub fn flags(self) -> Self {
        self.push(FetchItem::Flags)
    }

    /// `ENVELOPE`.
    pub fn envelope(self) -> Self {
        self.push(FetchItem::Envelope)
    }

    /// `BODYSTRUCTURE`.
    pub fn body_structure(self) -> Self {
        self.push(FetchItem::BodyStructure)
    }

    /// `INTERNALDATE`.
    pub fn internal_date(self) -> Self {
        self.push(FetchItem::InternalDate)
    }

    /// `RFC822.SIZE`.
    pub fn size(self) -> Self {
        self.push(FetchItem::Rfc822Size)
    }

    /// `MODSEQ` (CONDSTORE).
    pub fn modseq(self) -> Self {
        self.push(FetchItem::ModSeq)
    }

    /// `(CHANGEDSINCE modseq)` (CONDSTORE, RFC 7162 section 3.1.4.1): only the messages of
    /// the set whose mod-sequence is above `modseq`, each with its `MODSEQ` (asked here too).
    /// The server must advertise CONDSTORE; the command enables it for the session.
    pub fn changed_since(mut self, modseq: u64) -> Self {
        self.changed_since = Some(modseq);
        self.modseq()
    }

    /// Gmail's `X-GM-LABELS`, `X-GM-MSGID` and `X-GM-THRID`.
    pub fn gmail(self) -> Self {
        self.push(FetchItem::GmLabels)
            .push(FetchItem::GmMsgId)
            .push(FetchItem::GmThrId)
    }

    /// Sets `\Seen` on fetched bodies (`BODY[...]` instead of `BODY.PEEK[...]`). Call it
    /// before adding sections.
    pub fn mark_seen(mut self) -> Self {
        self.peek = false;
        self
    }

    /// A body section, maybe partial.
    pub fn section(self, section: Section, partial: Option<(u32, u32)>) -> Self {
        let peek = self.peek;
        self.push(FetchItem::BodySection {
            section,
            partial: partial.map(|(offset, count)| Partial { offset, count }),
            peek,
        })
    }

    /// The whole message (`BODY.PEEK[]`).
    pub fn body(self) -> Self {
        self.section(Section::default(), None)
    }

    /// The header (`BODY.PEEK[HEADER]`).
    pub fn header(self) -> Self {
        self.section(section_header(), None)
    }

    /// Some header fields (`BODY.PEEK[HEADER.FIELDS (...)]`).
    pub fn header_fields<I, S>(self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.section(section_header_fields(names), None)
    }

    /// The text after the header (`BODY.PEEK[TEXT]`).
    pub fn text(self) -> Self {
        self.section(
            Section {
                part: Vec::new(),
                text: Some(SectionText::Text),
            },
            None,
        )
    }

    /// One MIME part (`BODY.PEEK[1.2]`).
    pub fn part(self, part: &[u32]) -> Self {
        self.section(
            Section {
                part: part.to_vec(),
                text: None,
            },
            None,
        )
    }

    /// A part decoded by the server (`BINARY.PEEK[part]`, RFC 3516), maybe partial.
    pub fn binary(self, part: &[u32], partial: Option<(u32, u32)>) -> Self {
        let peek = self.peek;
        self.push(FetchItem::Binary {
            part: part.to_vec(),
            partial: partial.map(|(offset, count)| Partial { offset, count }),
            peek,
        })
    }

    /// Any other item.
    pub fn item(self, item: FetchItem) -> Self {
        self.push(item)
    }

    /// The items.
    pub fn items(&self) -> &[FetchItem] {
        &self.items
    }

    /// The FETCH (or UID FETCH) command for `set`.
    pub fn command(&self, set: impl Into<MessageSet>) -> CommandBody {
        CommandBody::Fetch {
            set: set.into(),
            items: FetchItems::Items(self.items.clone()),
            changed_since: self.changed_since,
            vanished: false,
        }
    }
}

/// The query as a FETCH writes its items: `(UID FLAGS BODY.PEEK[HEADER])`.
impl std::fmt::Display for FetchQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        FetchItems::Items(self.items.clone()).fmt(f)
    }
}

impl std::str::FromStr for FetchQuery {
    type Err = crate::parse::TextError;

    /// A query from FETCH items as IMAP writes them ([`FetchItems`]'s `from_str`): a list
    /// such as `(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`, one item, or a macro (`ALL`,
    /// `FAST`, `FULL`, expanded). `UID` is added when missing; `BODY[...]` stays as written (it
    /// sets `\Seen`), `BODY.PEEK[...]` too.
    ///
    /// ```
    /// use imap_core::ops::fetch::FetchQuery;
    ///
    /// let q: FetchQuery = "(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])".parse().unwrap();
    /// assert_eq!(q.to_string(), "(UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])");
    /// ```
    ///
    /// # Errors
    /// A [`crate::parse::TextError`] pointing at the first character that does not fit.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let items: FetchItems = s.parse()?;
        Ok(items
            .expand()
            .into_iter()
            .fold(FetchQuery::new(), FetchQuery::push))
    }
}

/// `HEADER`.
pub fn section_header() -> Section {
    Section {
        part: Vec::new(),
        text: Some(SectionText::Header),
    }
}

/// `HEADER.FIELDS (names)`.
pub fn section_header_fields<I, S>(names: I) -> Section
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    Section {
        part: Vec::new(),
        text: Some(SectionText::HeaderFields(
            names.into_iter().map(|n| Str::from(n.as_ref())).collect(),
        )),
    }
}

/// `UID FETCH uid (UID BODY.PEEK[section])`: one section of one message, for streaming.
pub fn stream_command(uid: Uid, section: Section) -> CommandBody {
    FetchQuery::new()
        .section(section, None)
        .command(UidSet::single(uid))
}

/// One body section of a message as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionData {
    /// The section.
    pub section: Section,
    /// The origin of a partial fetch.
    pub origin: Option<u32>,
    /// The bytes (`None` for `NIL`, or when they were streamed).
    pub data: Option<Str>,
}

/// A part fetched with BINARY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryData {
    /// The part.
    pub part: Vec<u32>,
    /// The origin of a partial fetch.
    pub origin: Option<u32>,
    /// The decoded bytes.
    pub data: Option<Str>,
}

/// Everything FETCH responses told about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its sequence number when the response was sent.
    pub seq: SeqNum,
    /// Its UID.
    pub uid: Option<Uid>,
    /// `FLAGS`.
    pub flags: Option<Vec<Flag>>,
    /// `ENVELOPE`, as received: read its fields through the accessors, or all of them with
    /// [`FetchedEnvelope::to_envelope`].
    pub envelope: Option<FetchedEnvelope>,
    /// `BODYSTRUCTURE` (or `BODY`), as received: walk it with [`FetchedBody::root`], or build
    /// the tree with [`FetchedBody::to_structure`].
    pub body_structure: Option<FetchedBody>,
    /// `INTERNALDATE`.
    pub internal_date: Option<DateTime>,
    /// `RFC822.SIZE`.
    pub size: Option<u64>,
    /// `MODSEQ`.
    pub modseq: Option<u64>,
    /// Body sections, BINARY parts, Gmail's items and any other item, when the FETCH carried
    /// some ([`Message::sections`], [`Message::binary`], [`Message::gmail_labels`], ...). Kept
    /// apart because a metadata FETCH carries none of them, and a collected FETCH of a large
    /// mailbox holds one `Message` a message: `None` costs eight bytes, the fields 128.
    pub more: Option<Box<MoreData>>,
}

/// The items of a [`Message`] that a metadata FETCH does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MoreData {
    /// Body sections (`BODY[...]`, and `RFC822*` mapped to their sections).
    pub sections: Vec<SectionData>,
    /// BINARY parts.
    pub binary: Vec<BinaryData>,
    /// `X-GM-LABELS` as received (modified UTF-7; [`Message::labels`] decodes them).
    pub gmail_labels: Option<Vec<Str>>,
    /// `X-GM-MSGID`.
    pub gmail_msgid: Option<u64>,
    /// `X-GM-THRID`.
    pub gmail_thrid: Option<u64>,
    /// Items without a field of their own.
    pub other: Vec<FetchData>,
}

impl MoreData {
    fn absorb(&mut self, more: MoreData) {
        let MoreData {
            sections,
            binary,
            gmail_labels,
            gmail_msgid,
            gmail_thrid,
            other,
        } = more;
        self.sections.extend(sections);
        self.binary.extend(binary);
        self.gmail_labels = gmail_labels.or(self.gmail_labels.take());
        self.gmail_msgid = gmail_msgid.or(self.gmail_msgid.take());
        self.gmail_thrid = gmail_thrid.or(self.gmail_thrid.take());
        self.other.extend(other);
    }
}

impl Message {
    fn new(seq: SeqNum) -> Message {
        Message {
            seq,
            uid: None,
            flags: None,
            envelope: None,
            body_structure: None,
            internal_date: None,
            size: None,
            modseq: None,
            more: None,
        }
    }

    fn absorb(&mut self, items: Vec<FetchData>) {
        for item in items {
            match item {
                FetchData::Uid(u) => self.uid = Some(u),
                FetchData::Flags(f) => self.flags = Some(f),
                FetchData::Envelope(e) => self.envelope = Some(e),
                FetchData::BodyStructure(b) | FetchData::Body(b) => self.body_structure = Some(b),
                FetchData::InternalDate(d) => self.internal_date = Some(d),
                FetchData::Rfc822Size(n) => self.size = Some(n),
                FetchData::ModSeq(m) => self.modseq = Some(m),
                FetchData::BodySection {
                    section,
                    origin,
                    data,
                } => self.more_mut().sections.push(SectionData {
                    section,
                    origin,
                    data,
                }),
                FetchData::Rfc822(data) => self.more_mut().sections.push(SectionData {
                    section: Section::default(),
                    origin: None,
                    data,
                }),
                FetchData::Rfc822Header(data) => self.more_mut().sections.push(SectionData {
                    section: section_header(),
                    origin: None,
                    data,
                }),
                FetchData::Rfc822Text(data) => self.more_mut().sections.push(SectionData {
                    section: Section {
                        part: Vec::new(),
                        text: Some(SectionText::Text),
                    },
                    origin: None,
                    data,
                }),
                FetchData::Binary { part, origin, data } => self
                    .more_mut()
                    .binary
                    .push(BinaryData { part, origin, data }),
                FetchData::GmLabels(l) => self.more_mut().gmail_labels = Some(l),
                FetchData::GmMsgId(n) => self.more_mut().gmail_msgid = Some(n),
                FetchData::GmThrId(n) => self.more_mut().gmail_thrid = Some(n),
                other => self.more_mut().other.push(other),
            }
        }
    }

    /// The items kept apart, made when the first arrives.
    fn more_mut(&mut self) -> &mut MoreData {
        self.more.get_or_insert_with(Box::default)
    }

    /// Body sections (`BODY[...]`, and `RFC822*` mapped to their sections).
    pub fn sections(&self) -> &[SectionData] {
        self.more.as_ref().map_or(&[], |m| &m.sections)
    }

    /// BINARY parts.
    pub fn binary(&self) -> &[BinaryData] {
        self.more.as_ref().map_or(&[], |m| &m.binary)
    }

    /// `X-GM-LABELS` as received (modified UTF-7; [`Message::labels`] decodes them).
    pub fn gmail_labels(&self) -> Option<&[Str]> {
        self.more.as_ref()?.gmail_labels.as_deref()
    }

    /// `X-GM-MSGID`.
    pub fn gmail_msgid(&self) -> Option<u64> {
        self.more.as_ref()?.gmail_msgid
    }

    /// `X-GM-THRID`.
    pub fn gmail_thrid(&self) -> Option<u64> {
        self.more.as_ref()?.gmail_thrid
    }

    /// Items without a field of their own.
    pub fn other(&self) -> &[FetchData] {
        self.more.as_ref().map_or(&[], |m| &m.other)
    }

    /// The bytes of `section`, if fetched (the first match, partial or not).
    pub fn section(&self, section: &Section) -> Option<&[u8]> {
        self.sections()
            .iter()
            .find(|s| s.section == *section)
            .and_then(|s| s.data.as_ref())
            .map(Str::as_bytes)
    }

    /// The whole message (`BODY[]` or `RFC822`).
    pub fn body(&self) -> Option<&[u8]> {
        self.section(&Section::default())
    }

    /// The header: `BODY[HEADER]`, else the first `HEADER.FIELDS` section fetched.
    pub fn header(&self) -> Option<&[u8]> {
        self.section(&section_header()).or_else(|| {
            self.sections()
                .iter()
                .find(|s| {
                    s.section.part.is_empty()
                        && matches!(
                            s.section.text,
                            Some(SectionText::HeaderFields(_) | SectionText::HeaderFieldsNot(_))
                        )
                })
                .and_then(|s| s.data.as_ref())
                .map(Str::as_bytes)
        })
    }

    /// The header fields of [`Message::header`], unfolded.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.header().map(parse_headers).unwrap_or_default()
    }

    /// The first value of header field `name`, unfolded (from a fetched header section).
    pub fn header_value(&self, name: &str) -> Option<String> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The text after the header (`BODY[TEXT]`).
    pub fn text(&self) -> Option<&[u8]> {
        self.section(&Section {
            part: Vec::new(),
            text: Some(SectionText::Text),
        })
    }

    /// The decoded bytes of a BINARY part.
    pub fn binary_part(&self, part: &[u32]) -> Option<&[u8]> {
        self.binary()
            .iter()
            .find(|b| b.part == part)
            .and_then(|b| b.data.as_ref())
            .map(Str::as_bytes)
    }

    /// The Gmail labels, decoded from modified UTF-7 ([`crate::ops::labels::decode_label`]),
    /// if `X-GM-LABELS` was fetched.
    pub fn labels(&self) -> Option<Vec<String>> {
        let labels = self.gmail_labels()?;
        Some(
            labels
                .iter()
                .map(|l| crate::ops::labels::decode_label(l.as_bytes()))
                .collect(),
        )
    }

    /// Whether the message has `flag`, if flags were fetched.
    pub fn has_flag(&self, flag: &Flag) -> Option<bool> {
        self.flags.as_ref().map(|f| f.contains(flag))
    }

    /// The envelope's subject, RFC 2047 words decoded in their charsets (the raw bytes are in
    /// [`Envelope::subject`]).
    pub fn subject(&self) -> Option<String> {
        self.envelope.as_ref()?.decoded_subject()
    }

    /// The envelope decoded: subject and names through RFC 2047, the date typed
    /// ([`Envelope::decoded`]).
    pub fn decoded_envelope(&self) -> Option<DecodedEnvelope> {
        self.envelope.as_ref().map(FetchedEnvelope::decoded)
    }

    /// The envelope's `Date:` typed and normalised (`Normalise::AsSent` keeps its zone), like
    /// IMAPClient's `normalise_times`; `None` without an envelope or a readable date.
    pub fn date(&self, zone: Normalise) -> Option<DateTime> {
        self.envelope.as_ref()?.date_in(zone)
    }

    /// INTERNALDATE normalised (`Normalise::AsSent` keeps the server's zone).
    pub fn internal_date_in(&self, zone: Normalise) -> Option<DateTime> {
        self.internal_date.map(|d| normalise(&d, zone))
    }
}

/// The messages of a FETCH completion, keyed by UID. Several responses for one message are
/// merged; messages without a UID (never, since [`FetchQuery`] always asks for it) are left out.
pub type Messages = BTreeMap<Uid, Message>;

/// Per-message results of a FETCH (or STORE) completion, keyed by UID.
pub fn messages(c: &Completion) -> Messages {
    by_uid(c.fetched().map(|f| (f.seq, f.data)))
}

/// [`messages`], taking the completion: the fetched items move into the messages, nothing is
/// copied.
pub fn into_messages(c: Completion) -> Messages {
    by_uid(owned_fetches(c))
}

/// Per-message results in arrival order (each message where its first response came), keyed
/// by nothing: for sequence-number FETCHes of data without UIDs. Linear in the responses.
pub fn messages_in_order(c: &Completion) -> Vec<Message> {
    in_order(c.fetched().map(|f| (f.seq, f.data)))
}

/// [`messages_in_order`], taking the completion (nothing is copied).
pub fn into_messages_in_order(c: Completion) -> Vec<Message> {
    in_order(owned_fetches(c))
}

fn owned_fetches(c: Completion) -> impl Iterator<Item = (SeqNum, Vec<FetchData>)> {
    c.data.into_iter().filter_map(|d| match d {
        crate::types::Data::Fetch { seq, data } => Some((seq, data)),
        _ => None,
    })
}

/// Merges the responses of each message (by sequence number), then keys them by UID.
fn by_uid(fetches: impl Iterator<Item = (SeqNum, Vec<FetchData>)>) -> Messages {
    let mut collector = Collector::default();
    for (seq, data) in fetches {
        collector.add(seq, data);
    }
    collector.into_messages()
}

/// FETCH responses merged into per-message results as they arrive ([`Collector::add`]), then
/// keyed by UID ([`Collector::into_messages`]): what [`into_messages`] makes of a completion,
/// without the completion holding every response first (the collected FETCH of
/// [`crate::ops::op::fetch`] feeds it each response as it arrives).
#[derive(Debug, Default)]
pub struct Collector {
    by_seq: BTreeMap<SeqNum, Message>,
}

impl Collector {
    /// Adds one FETCH response: merged with the earlier ones of the same message.
    pub fn add(&mut self, seq: SeqNum, data: Vec<FetchData>) {
        match self.by_seq.entry(seq) {
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().absorb(data),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(Message::new(seq)).absorb(data);
            }
        }
    }

    /// The messages keyed by UID (several sequence numbers with one UID merged; messages
    /// without a UID left out, as [`messages`] does).
    pub fn into_messages(self) -> Messages {
        let mut out = Messages::new();
        for (_, m) in self.by_seq {
            if let Some(uid) = m.uid {
                match out.get_mut(&uid) {
                    Some(existing) => existing.absorb_message(m),
                    None => {
                        out.insert(uid, m);
                    }
                }
            }
        }
        out
    }
}

/// One FETCH response as a message (a streamed FETCH hands them out one by one,
/// [`crate::ops::FetchStream`]): the items in their fields, the UID from the response.
impl From<crate::client::Fetched> for Message {
    fn from(f: crate::client::Fetched) -> Message {
        let mut m = Message::new(f.seq);
        m.absorb(f.data);
        m.uid = m.uid.or(f.uid);
        m
    }
}

/// Merges the responses of each message in arrival order: an index by sequence number finds
/// a message's earlier response in O(1), not by walking every message before it.
fn in_order(fetches: impl Iterator<Item = (SeqNum, Vec<FetchData>)>) -> Vec<Message> {
    let mut out: Vec<Message> = Vec::new();
    let mut at: HashMap<SeqNum, usize> = HashMap::new();
    for (seq, data) in fetches {
        let i = *at.entry(seq).or_insert_with(|| {
            out.push(Message::new(seq));
            out.len() - 1
        });
        out[i].absorb(data);
    }
    out
}

impl Message {
    fn absorb_message(&mut self, m: Message) {
        let Message {
            flags,
            envelope,
            body_structure,
            internal_date,
            size,
            modseq,
            more,
            ..
        } = m;
        self.flags = flags.or(self.flags.take());
        self.envelope = envelope.or(self.envelope.take());
        self.body_structure = body_structure.or(self.body_structure.take());
        self.internal_date = internal_date.or(self.internal_date.take());
        self.size = size.or(self.size.take());
        self.modseq = modseq.or(self.modseq.take());
        if let Some(more) = more {
            self.more_mut().absorb(*more);
        }
    }
}

/// One leaf or multipart node of a BODYSTRUCTURE, for outlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartInfo {
    /// The part number (`[1, 2]` is `BODY[1.2]`; empty for the message itself).
    pub path: Vec<u32>,
    /// Nesting depth.
    pub depth: usize,
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// Encoded size in octets (0 for multiparts).
    pub size: u64,
    /// Content-Transfer-Encoding (empty for multiparts).
    pub encoding: String,
    /// The `charset` parameter.
    pub charset: Option<String>,
    /// A file name from the disposition's `filename` or the type's `name` parameter, decoded
    /// (RFC 2231 extended values and continuations, RFC 2047 words; the raw parameters are in
    /// the BODYSTRUCTURE).
    pub filename: Option<String>,
    /// The disposition (`inline`, `attachment`).
    pub disposition: Option<String>,
}

/// A BODYSTRUCTURE [`outline`] reads: the tree, or the packed form a FETCH carried.
pub trait Structure {
    /// The tree.
    fn tree(&self) -> std::borrow::Cow<'_, BodyStructure>;
}

impl Structure for BodyStructure {
    fn tree(&self) -> std::borrow::Cow<'_, BodyStructure> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl Structure for FetchedBody {
    fn tree(&self) -> std::borrow::Cow<'_, BodyStructure> {
        std::borrow::Cow::Owned(self.to_structure())
    }
}

/// The parts of a BODYSTRUCTURE, depth first, with the part numbers to fetch them by.
pub fn outline(body: &impl Structure) -> Vec<PartInfo> {
    let mut out = Vec::new();
    walk(&body.tree(), Vec::new(), 0, &mut out);
    out
}

fn walk(body: &BodyStructure, path: Vec<u32>, depth: usize, out: &mut Vec<PartInfo>) {
    match body {
        BodyStructure::Multi { parts, .. } => {
            out.push(PartInfo {
                path: path.clone(),
                depth,
                mime_type: body.mime_type(),
                size: 0,
                encoding: String::new(),
                charset: None,
                filename: None,
                disposition: None,
            });
            for (i, p) in parts.iter().enumerate() {
                let mut sub = path.clone();
                sub.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                walk(p, sub, depth + 1, out);
            }
        }
        BodyStructure::Single { part } => {
            let filename = super::parts::filename(body);
            // A malformed disposition kept raw still names its kind.
            let kind = part.ext.as_ref().and_then(|e| e.tail.disposition_kind());
            // A single-part message is part 1 (RFC 9051 section 6.4.5).
            let path = if path.is_empty() { vec![1] } else { path };
            out.push(PartInfo {
                path: path.clone(),
                depth,
                mime_type: body.mime_type(),
                size: part.octets,
                encoding: part.encoding.to_string_lossy().to_ascii_lowercase(),
                charset: param_text(&part.params, "charset"),
                filename,
                disposition: kind.map(|k| k.to_string_lossy().to_ascii_lowercase()),
            });
            if let PartKind::Message { body: inner, .. } = &part.kind {
                walk_message(inner, path, depth + 1, out);
            }
        }
    }
}

fn walk_message(inner: &BodyStructure, path: Vec<u32>, depth: usize, out: &mut Vec<PartInfo>) {
    match inner {
        BodyStructure::Multi { .. } => walk(inner, path, depth, out),
        BodyStructure::Single { .. } => {
            let mut sub = path;
            sub.push(1);
            walk(inner, sub, depth, out);
        }
    }
}

/// Parses an RFC 5322 header block into unfolded `(name, value)` pairs, in order. Stops at the
/// first empty line; lines that are not fields are skipped. Values are decoded lossily as
/// UTF-8 (no RFC 2047 decoding).
pub fn parse_headers(header: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(header);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_unfold() {
        let h = parse_headers(b"Subject: a\r\n long one\r\nFrom: x@y\r\n\r\nbody: no\r\n");
        assert_eq!(
            h,
            vec![
                ("Subject".into(), "a long one".into()),
                ("From".into(), "x@y".into())
            ]
        );
    }

    fn completion(data: Vec<crate::types::Data>) -> Completion {
        let mut c = crate::client::Completion {
            id: crate::client::CommandId(1),
            tag: crate::types::Tag::new(bytes::Bytes::from_static(b"A1")).unwrap(),
            outcome: crate::client::Outcome::Ok,
            code: None,
            text: Str::from_static("done"),
            data: Vec::new(),
            untagged_codes: Vec::new(),
            removals: Vec::new(),
            summary: None,
            sasl_error: None,
        };
        c.data = data;
        c
    }

    fn fetch(seq: u32, data: Vec<FetchData>) -> crate::types::Data {
        crate::types::Data::Fetch {
            seq: SeqNum::new(seq).unwrap(),
            data,
        }
    }

    #[test]
    fn responses_merge_per_message_in_arrival_order() {
        let c = completion(vec![
            fetch(3, vec![FetchData::Rfc822Size(30)]),
            fetch(1, vec![FetchData::Rfc822Size(10)]),
            fetch(3, vec![FetchData::Flags(vec![Flag::Seen])]),
        ]);
        let m = into_messages_in_order(c.clone());
        assert_eq!(m, messages_in_order(&c));
        let seqs: Vec<u32> = m.iter().map(|m| m.seq.get()).collect();
        assert_eq!(seqs, vec![3, 1]);
        assert_eq!(
            (m[0].size, m[0].flags.as_deref()),
            (Some(30), Some(&[Flag::Seen][..]))
        );
    }

    #[test]
    fn a_large_fetch_merges_in_linear_time() {
        // 200,000 messages, each answered twice: merging by walking the messages before each
        // response (as this did) is 2 * 10^10 comparisons, hours in a debug build; the index
        // makes it one look-up per response.
        let n = 200_000u32;
        let data = (1..=n)
            .chain(1..=n)
            .map(|i| fetch(i, vec![FetchData::Uid(Uid::new(i).unwrap())]))
            .collect();
        let m = into_messages_in_order(completion(data));
        assert_eq!(m.len(), n as usize);
        assert_eq!(m[n as usize - 1].uid, Uid::new(n));
    }

    #[test]
    fn query_always_has_uid_and_peeks() {
        let q = FetchQuery::new().flags().header().flags();
        assert_eq!(q.items().len(), 3);
        assert!(matches!(
            q.items()[2],
            FetchItem::BodySection { peek: true, .. }
        ));
    }
}
