//! [`proptest`](mod@proptest) strategies for every wire type, for round-trip property tests
//! (`parse(encode(x)) == x`) and fuzzing.
//!
//! Compiled for this crate's tests and, for other crates, with the `arbitrary` feature.
//!
//! Every strategy generates only *canonical* values: values that the wire can carry and that a
//! parser gives back unchanged after [`encode_command`](crate::encode::encode_command) /
//! [`encode_response`](crate::encode::encode_response) with the default
//! [`EncodeOptions`](crate::encode::EncodeOptions). In particular:
//!
//! * catch-all variants (`Capability::Other`, `Flag::Extension`, `MailboxAttr::Other`,
//!   `StatusItem::Other`, `Code::Other`, `FetchItem::Other`, `CommandBody::Other`,
//!   `Data::Other`, ...) only hold names that are not known ones (unknown names here start with
//!   `X-` or `XX-`); capabilities are kept only when
//!   `Capability::from_atom(to_wire(c)) == c`;
//! * strings hold no NUL byte except where `literal8` can carry it (APPEND with `binary`,
//!   `BINARY[]` data, METADATA values); atoms are never `NIL`;
//! * `resp-text` is printable US-ASCII, does not start with `[` or a space, does not end with a
//!   space or something that looks like a literal marker;
//! * numbers stay in their grammar's range (`nz-number` non-zero, `number` 32 bits, `number64`
//!   and mod-sequences at most 2^63 - 1, `MODSEQ` non-zero where the grammar says so);
//! * sets never hold `*` where the grammar forbids it (UIDPLUS codes, QRESYNC, VANISHED);
//! * structures are consistent: `ExtTail` levels present only after the previous one, BODY
//!   (not BODYSTRUCTURE) without extension data, the part kind matching the media type, `MIME`
//!   only after a part number, threads with no or at least two children, VANISHED modifier
//!   only in `UID FETCH` with `CHANGEDSINCE`, tagged status responses only OK / NO / BAD,
//!   non-empty lists where the grammar needs one item;
//! * mailboxes are Unicode names (any text, INBOX normalized by [`Mailbox::new`]) or raw bytes
//!   that are neither valid modified UTF-7 nor valid UTF-8.
//!
//! Recursion (SEARCH keys, BODYSTRUCTURE, THREAD) is bounded.

use crate::secret::Secret;
use crate::types::*;
use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::strategy::Union;
use std::fmt::Debug;
use std::num::NonZeroU32;

/// Largest `number64` / mod-sequence value (2^63 - 1).
const MAX63: u64 = i64::MAX as u64;

fn one_of<T: Debug + 'static>(options: Vec<BoxedStrategy<T>>) -> BoxedStrategy<T> {
    Union::new(options).boxed()
}

fn to_atom(s: String) -> Atom {
    Atom::new(Bytes::from(s)).expect("strategy generates valid atoms")
}

#[allow(clippy::ptr_arg)] // `prop_filter` hands the value over as `&String`.
fn not_nil(s: &String) -> bool {
    !s.eq_ignore_ascii_case("NIL")
}

// ---- strings and tokens ----

/// A command tag.
pub fn tag() -> impl Strategy<Value = Tag> {
    "[A-Za-z0-9.!#&:=?@_|~-]{1,8}"
        .prop_map(|s| Tag::new(Bytes::from(s)).expect("strategy generates valid tags"))
}

/// An atom (never `NIL`).
pub fn atom() -> impl Strategy<Value = Atom> {
    "[A-Za-z0-9$._&'/:<=>?@^`|~+-]{1,12}"
        .prop_filter("NIL is not an atom value", not_nil)
        .prop_map(to_atom)
}

/// An atom that is not a known name in any of the grammar's keyword sets (`XX-...`).
pub fn unknown_atom() -> impl Strategy<Value = Atom> {
    "XX-[A-Z0-9]{1,6}".prop_map(to_atom)
}

/// An object id (RFC 8474 `objectid`).
pub fn object_id() -> impl Strategy<Value = Str> {
    "[A-Za-z0-9_-]{1,24}".prop_map(Str::from)
}

/// A string value for astring / string / nstring slots: any bytes except NUL, in shapes that
/// exercise every representation (atom, quoted with escapes, literal, `NIL`, empty, long).
pub fn string() -> impl Strategy<Value = Str> {
    prop_oneof![
        4 => "[A-Za-z0-9.$-]{1,10}".prop_map(Str::from),
        3 => "[ -~]{0,20}".prop_map(Str::from),
        1 => prop_oneof![Just("NIL"), Just("nil"), Just(""), Just("\"\\"), Just("a]")]
            .prop_map(Str::from),
        2 => vec(1u8..=255, 0..24).prop_map(Str::from),
        1 => "\\PC{0,8}".prop_map(Str::from),
        1 => vec(prop_oneof![Just(b'a'), Just(b' '), Just(b'\r'), Just(b'\n')], 1000..1100)
            .prop_map(Str::from),
    ]
}

/// Like [`string()`], but NUL bytes may appear (for `literal8` slots).
pub fn binary_string() -> impl Strategy<Value = Str> {
    prop_oneof![
        3 => string(),
        1 => vec(any::<u8>(), 0..24).prop_map(Str::from),
    ]
}

/// Human-readable `text` (`resp-text` without the code): printable US-ASCII (8-bit text is
/// only valid after `UTF8=ACCEPT` / IMAP4rev2), no leading `[` or space, no trailing space, not
/// ending like a literal marker; possibly empty.
pub fn text() -> impl Strategy<Value = Str> {
    prop_oneof![
        1 => Just(String::new()),
        6 => "[!-Z\\x5c-~]([ -~]{0,30}[!-~])?",
    ]
    .prop_filter("looks like a literal marker", |s| {
        !crate::encode::ends_with_literal_marker(s.as_bytes())
    })
    .prop_map(Str::from)
}

/// A charset name (`atom / quoted`).
pub fn charset() -> impl Strategy<Value = Str> {
    prop_oneof![
        4 => prop_oneof![Just("UTF-8"), Just("US-ASCII"), Just("ISO-8859-1")].prop_map(Str::from),
        1 => "[A-Za-z0-9_-]{1,10}".prop_filter("NIL", not_nil).prop_map(Str::from),
        1 => "[a-z]{1,4} [a-z]{1,4}".prop_map(Str::from),
    ]
}

// ---- mailboxes ----

/// A mailbox: a Unicode name (INBOX included) or undecodable raw bytes.
pub fn mailbox() -> impl Strategy<Value = Mailbox> {
    prop_oneof![
        2 => Just(Mailbox::inbox()),
        4 => "[A-Za-z0-9 ./&~#-]{0,12}".prop_map(Mailbox::new),
        2 => "\\PC{0,8}".prop_map(Mailbox::new),
        1 => any::<String>().prop_map(Mailbox::new),
        1 => (vec(1u8..=255, 0..6), vec(1u8..=255, 0..6)).prop_map(|(a, b)| {
            let mut v = a;
            v.push(0xff);
            v.extend(b);
            Mailbox::from_raw(Bytes::from(v))
        }),
        // A name holding a control byte: decoded tolerantly, sent back as received. The text
        // around it is ASCII without `&`, the same in modified UTF-7 and in UTF-8, so the name
        // reads the same with UTF8=ACCEPT.
        1 => ("[A-Za-z0-9 ./]{0,4}", prop_oneof![Just('\t'), Just('\u{1}'), Just('\u{7f}')], "[A-Za-z0-9 ./]{0,4}")
            .prop_map(|(a, c, b)| {
                let name = format!("{a}{c}{b}");
                let wire = Bytes::from(name.clone().into_bytes());
                Mailbox::decoded(name, wire)
            }),
    ]
}

/// A LIST pattern (may hold `%` and `*`).
pub fn list_pattern() -> impl Strategy<Value = Mailbox> {
    prop_oneof![
        3 => "[A-Za-z/.%*]{0,8}".prop_map(Mailbox::new),
        1 => mailbox(),
    ]
}

// ---- numbers and sets ----

/// A sequence number.
pub fn seq_num() -> impl Strategy<Value = SeqNum> {
    prop_oneof![1u32..100, 1u32..=u32::MAX].prop_map(|n| SeqNum::new(n).expect("non-zero"))
}

/// A UID.
pub fn uid() -> impl Strategy<Value = Uid> {
    prop_oneof![1u32..100, 1u32..=u32::MAX].prop_map(|n| Uid::new(n).expect("non-zero"))
}

fn nz() -> impl Strategy<Value = NonZeroU32> {
    (1u32..=u32::MAX).prop_map(|n| NonZeroU32::new(n).expect("non-zero"))
}

fn num_set<K: SetKey + 'static>(
    key: impl Strategy<Value = K> + 'static,
    star: bool,
) -> BoxedStrategy<NumSet<K>> {
    let key = key.boxed();
    let bound = if star {
        prop_oneof![4 => key.prop_map(Bound::Value), 1 => Just(Bound::Star)].boxed()
    } else {
        key.prop_map(Bound::Value).boxed()
    };
    let item = prop_oneof![
        bound.clone().prop_map(SetItem::Single),
        (bound.clone(), bound).prop_map(|(a, b)| SetItem::Range(a, b)),
    ];
    vec(item, 1..5)
        .prop_map(|items| NumSet::new(items).expect("non-empty"))
        .boxed()
}

/// A set of sequence numbers, `*` allowed.
pub fn seq_set() -> impl Strategy<Value = SeqSet> {
    num_set(seq_num(), true)
}

/// A set of UIDs, `*` allowed.
pub fn uid_set() -> impl Strategy<Value = UidSet> {
    num_set(uid(), true)
}

/// A set of UIDs without `*` (UIDPLUS codes, QRESYNC, VANISHED).
pub fn uid_set_no_star() -> impl Strategy<Value = UidSet> {
    num_set(uid(), false)
}

/// A set of plain non-zero numbers (ESEARCH `ALL`, `MODIFIED`), without `*`.
pub fn u32_set() -> impl Strategy<Value = NumSet<u32>> {
    num_set(prop_oneof![1u32..100, 1u32..=u32::MAX], false)
}

/// The set a command acts on.
pub fn message_set() -> impl Strategy<Value = MessageSet> {
    prop_oneof![
        3 => seq_set().prop_map(MessageSet::Seq),
        3 => uid_set().prop_map(MessageSet::Uid),
        1 => any::<bool>().prop_map(|uid| MessageSet::Saved { uid }),
    ]
}

// ---- dates ----

/// A `date`.
pub fn date() -> impl Strategy<Value = Date> {
    (1000u16..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).expect("valid"))
}

/// A `date-time`.
pub fn date_time() -> impl Strategy<Value = DateTime> {
    (date(), 0u8..24, 0u8..60, 0u8..=60, -5999i16..=5999)
        .prop_map(|(d, h, m, s, z)| DateTime::new(d, h, m, s, z).expect("valid"))
}

// ---- flags, attributes, capabilities ----

/// A flag as a client may store it (no `\Recent`).
pub fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Seen),
        Just(Flag::Draft),
        atom().prop_map(Flag::Keyword),
        "[A-Za-z][A-Za-z0-9]{0,8}"
            .prop_filter("system flag", |s| {
                !["Answered", "Flagged", "Deleted", "Seen", "Draft", "Recent"]
                    .iter()
                    .any(|f| f.eq_ignore_ascii_case(s))
            })
            .prop_map(|s| Flag::Extension(to_atom(s))),
    ]
}

/// A flag in FETCH or FLAGS data (`\Recent` included).
pub fn fetch_flag() -> impl Strategy<Value = Flag> {
    prop_oneof![6 => flag(), 1 => Just(Flag::Recent)]
}

/// A `flag-perm`.
pub fn flag_perm() -> impl Strategy<Value = FlagPerm> {
    prop_oneof![4 => flag().prop_map(FlagPerm::Flag), 1 => Just(FlagPerm::Wildcard)]
}

/// A mailbox attribute.
pub fn mailbox_attr() -> impl Strategy<Value = MailboxAttr> {
    prop_oneof![
        4 => prop::sample::select(vec![
            MailboxAttr::NoInferiors,
            MailboxAttr::NoSelect,
            MailboxAttr::Marked,
            MailboxAttr::Unmarked,
            MailboxAttr::NonExistent,
            MailboxAttr::Subscribed,
            MailboxAttr::Remote,
            MailboxAttr::HasChildren,
            MailboxAttr::HasNoChildren,
            MailboxAttr::All,
            MailboxAttr::Archive,
            MailboxAttr::Drafts,
            MailboxAttr::Flagged,
            MailboxAttr::Junk,
            MailboxAttr::Sent,
            MailboxAttr::Trash,
            MailboxAttr::Important,
        ]),
        1 => unknown_atom().prop_map(MailboxAttr::Other),
    ]
}

/// A capability whose wire form classifies back to itself.
pub fn capability() -> impl Strategy<Value = Capability> {
    let plain = prop::sample::select(vec![
        Capability::Imap4rev1,
        Capability::Imap4rev2,
        Capability::LoginDisabled,
        Capability::StartTls,
        Capability::Idle,
        Capability::UidPlus,
        Capability::Move,
        Capability::Enable,
        Capability::Unselect,
        Capability::Id,
        Capability::Namespace,
        Capability::SpecialUse,
        Capability::CreateSpecialUse,
        Capability::Children,
        Capability::ListExtended,
        Capability::ListStatus,
        Capability::ESearch,
        Capability::SearchRes,
        Capability::Partial,
        Capability::UidOnly,
        Capability::CondStore,
        Capability::QResync,
        Capability::LiteralPlus,
        Capability::LiteralMinus,
        Capability::Binary,
        Capability::SaslIr,
        Capability::Quota,
        Capability::QuotaSet,
        Capability::Acl,
        Capability::Metadata,
        Capability::MetadataServer,
        Capability::Sort,
        Capability::SortDisplay,
        Capability::ESort,
        Capability::Catenate,
        Capability::ContextSearch,
        Capability::Notify,
        Capability::Utf8Accept,
        Capability::Utf8Only,
        Capability::ObjectId,
        Capability::StatusSize,
        Capability::AppendLimit(None),
        Capability::SaveDate,
        Capability::Preview,
        Capability::MultiAppend,
        Capability::XGmExt1,
        Capability::XList,
    ]);
    let word = || "[A-Z0-9-]{1,8}".prop_map(to_atom);
    prop_oneof![
        6 => plain,
        1 => word().prop_map(Capability::Auth),
        1 => word().prop_map(Capability::Compress),
        1 => word().prop_map(Capability::QuotaRes),
        1 => "[a-z]{1,8}".prop_map(|s| Capability::Rights(to_atom(s))),
        1 => word().prop_map(Capability::Thread),
        1 => any::<u64>().prop_map(|n| Capability::AppendLimit(Some(n))),
        1 => "X[A-Z0-9=+-]{1,8}".prop_map(|s| Capability::Other(to_atom(s))),
    ]
    .prop_filter("capability must classify back to itself", |c| {
        Atom::new(Bytes::from(c.to_wire())).is_ok_and(|a| Capability::from_atom(a) == *c)
    })
}

// ---- codes and status responses ----

/// Raw code arguments: printable, no `]`, no leading or trailing space.
fn code_args() -> impl Strategy<Value = Str> {
    "[!-\\x5c\\x5e-~]([ -\\x5c\\x5e-~]{0,10}[!-\\x5c\\x5e-~])?".prop_map(Str::from)
}

/// A response code.
pub fn code() -> impl Strategy<Value = Code> {
    one_of(vec![
        Just(Code::Alert).boxed(),
        vec(charset(), 0..3).prop_map(Code::BadCharset).boxed(),
        vec(capability(), 1..4).prop_map(Code::Capability).boxed(),
        Just(Code::Parse).boxed(),
        vec(flag_perm(), 0..4)
            .prop_map(Code::PermanentFlags)
            .boxed(),
        Just(Code::ReadOnly).boxed(),
        Just(Code::ReadWrite).boxed(),
        Just(Code::TryCreate).boxed(),
        uid().prop_map(Code::UidNext).boxed(),
        nz().prop_map(Code::UidValidity).boxed(),
        seq_num().prop_map(Code::Unseen).boxed(),
        (nz(), uid_set_no_star())
            .prop_map(|(validity, uids)| Code::AppendUid { validity, uids })
            .boxed(),
        (nz(), uid_set_no_star(), uid_set_no_star())
            .prop_map(|(validity, source, destination)| Code::CopyUid {
                validity,
                source,
                destination,
            })
            .boxed(),
        Just(Code::UidNotSticky).boxed(),
        (1..=MAX63).prop_map(Code::HighestModSeq).boxed(),
        Just(Code::NoModSeq).boxed(),
        u32_set().prop_map(Code::Modified).boxed(),
        Just(Code::Closed).boxed(),
        object_id().prop_map(Code::MailboxId).boxed(),
        Just(Code::TooBig).boxed(),
        vec("[A-Za-z]{1,12}".prop_map(to_atom), 1..4)
            .prop_map(Code::BadEvent)
            .boxed(),
        "[A-Za-z0-9.]{1,8}"
            .prop_map(|s| Code::NoUpdate(Str::from(s)))
            .boxed(),
        "/[A-Za-z]{1,8};UIDVALIDITY=[1-9][0-9]{0,5}/;UID=[1-9][0-9]{0,5}(/;SECTION=[1-9.A-Z]{1,8})?"
            .prop_map(|s| Code::BadUrl(Str::from(s)))
            .boxed(),
        "imap://[a-z]{1,8}/[A-Za-z;=]{0,8}"
            .prop_map(|s| Code::Referral(Str::from(s)))
            .boxed(),
        (0..=u64::from(u32::MAX))
            .prop_map(Code::MetadataLongEntries)
            .boxed(),
        (0..=u64::from(u32::MAX))
            .prop_map(Code::MetadataMaxSize)
            .boxed(),
        Just(Code::MetadataTooMany).boxed(),
        Just(Code::MetadataNoPrivate).boxed(),
        prop::sample::select(
            crate::types::code::SIMPLE_CODES
                .iter()
                .map(|(_, c)| *c)
                .collect::<Vec<_>>(),
        )
        .prop_map(Code::Simple)
        .boxed(),
        ("X-[A-Z]{1,8}", option::of(code_args()))
            .prop_map(|(name, args)| Code::Other {
                name: to_atom(name),
                args,
            })
            .boxed(),
    ])
}

/// A status response; tagged ones are OK, NO or BAD.
pub fn status_response() -> impl Strategy<Value = StatusResponse> {
    let tagged = (
        tag(),
        prop::sample::select(vec![StatusKind::Ok, StatusKind::No, StatusKind::Bad]),
    )
        .prop_map(|(t, k)| (Some(t), k));
    let untagged = prop::sample::select(vec![
        StatusKind::Ok,
        StatusKind::No,
        StatusKind::Bad,
        StatusKind::PreAuth,
        StatusKind::Bye,
    ])
    .prop_map(|k| (None, k));
    (prop_oneof![tagged, untagged], option::of(code()), text()).prop_map(
        |((tag, kind), code, text)| StatusResponse {
            tag,
            kind,
            code,
            text,
        },
    )
}

/// A continuation request.
pub fn continue_req() -> impl Strategy<Value = Continue> {
    prop_oneof![
        (option::of(code()), text()).prop_map(|(code, text)| Continue { code, text }),
        vec(any::<u8>(), 0..30).prop_map(|b| {
            use base64::Engine as _;
            Continue {
                code: None,
                text: Str::from(base64::engine::general_purpose::STANDARD.encode(b)),
            }
        }),
    ]
}

// ---- envelope and body structure ----

/// An envelope address.
pub fn address() -> impl Strategy<Value = Address> {
    (
        option::of(string()),
        option::of(string()),
        option::of(string()),
        option::of(string()),
    )
        .prop_map(|(name, adl, mailbox, host)| Address {
            name,
            adl,
            mailbox,
            host,
        })
}

/// An envelope.
pub fn envelope() -> impl Strategy<Value = Envelope> {
    let addrs = || vec(address(), 0..3);
    (
        (option::of(string()), option::of(string())),
        (addrs(), addrs(), addrs(), addrs(), addrs(), addrs()),
        (option::of(string()), option::of(string())),
    )
        .prop_map(
            |(
                (date, subject),
                (from, sender, reply_to, to, cc, bcc),
                (in_reply_to, message_id),
            )| {
                Envelope {
                    date,
                    subject,
                    from,
                    sender,
                    reply_to,
                    to,
                    cc,
                    bcc,
                    in_reply_to,
                    message_id,
                }
            },
        )
}

fn params() -> impl Strategy<Value = Vec<(Str, Str)>> {
    vec((string(), string()), 0..3)
}

fn body_extension() -> impl Strategy<Value = BodyExtension> {
    let leaf = prop_oneof![
        option::of(string()).prop_map(BodyExtension::String),
        (0..=MAX63).prop_map(BodyExtension::Number),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        vec(inner, 1..3).prop_map(BodyExtension::List)
    })
}

/// Extension levels after MD5 / multipart parameters, each present only after the previous.
fn ext_tail() -> impl Strategy<Value = ExtTail> {
    let disposition =
        option::of((string(), params()).prop_map(|(kind, params)| Disposition { kind, params }));
    let language = option::of(vec(string(), 1..3));
    let location = option::of(string());
    (
        0usize..=4,
        disposition,
        language,
        location,
        vec(body_extension(), 1..3),
    )
        .prop_map(|(levels, d, l, loc, ext)| ExtTail {
            disposition: (levels >= 1).then_some(d),
            language: (levels >= 2).then_some(l),
            location: (levels >= 3).then_some(loc),
            extensions: if levels >= 4 { ext } else { Vec::new() },
            unreadable: Vec::new(),
        })
}

fn single_ext() -> impl Strategy<Value = SingleExt> {
    (option::of(string()), ext_tail()).prop_map(|(md5, tail)| SingleExt { md5, tail })
}

fn multi_ext() -> impl Strategy<Value = MultiExt> {
    (params(), ext_tail()).prop_map(|(params, tail)| MultiExt { params, tail })
}

/// The basic fields of a part of kind `kind`, with a media type that fits it.
fn single_part(kind: PartKind) -> impl Strategy<Value = SinglePart> {
    let (types, subtypes): (BoxedStrategy<Str>, BoxedStrategy<Str>) = match &kind {
        PartKind::Text { .. } => (
            prop_oneof![Just("TEXT"), Just("text")]
                .prop_map(Str::from)
                .boxed(),
            string().boxed(),
        ),
        PartKind::Message { .. } => (
            prop_oneof![Just("MESSAGE"), Just("message")]
                .prop_map(Str::from)
                .boxed(),
            prop_oneof![Just("RFC822"), Just("GLOBAL"), Just("rfc822")]
                .prop_map(Str::from)
                .boxed(),
        ),
        _ => (
            prop_oneof![
                Just("APPLICATION"),
                Just("IMAGE"),
                Just("audio"),
                Just("x-unknown"),
                Just(""),
            ]
            .prop_map(Str::from)
            .boxed(),
            string().boxed(),
        ),
    };
    (
        types,
        subtypes,
        params(),
        option::of(string()),
        option::of(string()),
        string(),
        0..=u64::from(u32::MAX),
    )
        .prop_map(
            move |(media_type, subtype, params, id, description, encoding, octets)| SinglePart {
                media_type,
                subtype,
                params,
                id,
                description,
                encoding,
                octets,
                kind: kind.clone(),
                ext: None,
            },
        )
}

fn body_structure_with(ext: bool) -> BoxedStrategy<BodyStructure> {
    let single_ext = move || {
        if ext {
            option::of(single_ext()).boxed()
        } else {
            Just(None).boxed()
        }
    };
    let leaf_kind = prop_oneof![
        Just(PartKind::Basic),
        (0..=MAX63).prop_map(|lines| PartKind::Text { lines }),
    ];
    let leaf = (
        leaf_kind.prop_flat_map(|k| single_part(k).boxed()),
        single_ext(),
    )
        .prop_map(|(part, ext)| BodyStructure::Single {
            part: Box::new(SinglePart { ext, ..part }),
        });
    leaf.prop_recursive(3, 12, 3, move |inner| {
        let multi_ext = if ext {
            option::of(multi_ext().prop_map(Box::new)).boxed()
        } else {
            Just(None).boxed()
        };
        let multi =
            (vec(inner.clone(), 1..3), string(), multi_ext).prop_map(|(parts, subtype, ext)| {
                BodyStructure::Multi {
                    parts,
                    subtype,
                    ext,
                }
            });
        let message = (envelope(), inner, 0..=MAX63)
            .prop_flat_map(|(env, body, lines)| {
                single_part(PartKind::Message {
                    envelope: Box::new(env),
                    body: Box::new(body),
                    lines,
                })
            })
            .boxed();
        let message = (message, single_ext()).prop_map(|(part, ext)| BodyStructure::Single {
            part: Box::new(SinglePart { ext, ..part }),
        });
        prop_oneof![multi, message]
    })
    .boxed()
}

/// A BODYSTRUCTURE, with extension data at any consistent level.
pub fn body_structure() -> impl Strategy<Value = BodyStructure> {
    body_structure_with(true)
}

/// A BODY structure: no extension data at any level.
pub fn body_structure_no_ext() -> impl Strategy<Value = BodyStructure> {
    body_structure_with(false)
}

// ---- FETCH ----

fn part_numbers(max: usize) -> impl Strategy<Value = Vec<u32>> {
    vec(prop_oneof![1u32..10, 1u32..=u32::MAX], 0..=max)
}

/// A body section.
pub fn section() -> impl Strategy<Value = Section> {
    let names = || vec(string(), 1..3);
    part_numbers(3).prop_flat_map(move |part| {
        let mut texts = vec![
            Just(None).boxed(),
            Just(Some(SectionText::Header)).boxed(),
            names()
                .prop_map(|n| Some(SectionText::HeaderFields(n)))
                .boxed(),
            names()
                .prop_map(|n| Some(SectionText::HeaderFieldsNot(n)))
                .boxed(),
            Just(Some(SectionText::Text)).boxed(),
        ];
        if !part.is_empty() {
            texts.push(Just(Some(SectionText::Mime)).boxed());
        }
        one_of(texts).prop_map(move |text| Section {
            part: part.clone(),
            text,
        })
    })
}

fn partial() -> impl Strategy<Value = Partial> {
    (any::<u32>(), 1u32..=u32::MAX).prop_map(|(offset, count)| Partial { offset, count })
}

/// A FETCH item.
pub fn fetch_item() -> impl Strategy<Value = FetchItem> {
    one_of(vec![
        prop::sample::select(vec![
            FetchItem::Envelope,
            FetchItem::Flags,
            FetchItem::InternalDate,
            FetchItem::Rfc822Size,
            FetchItem::Body,
            FetchItem::BodyStructure,
            FetchItem::Uid,
            FetchItem::Rfc822,
            FetchItem::Rfc822Header,
            FetchItem::Rfc822Text,
            FetchItem::ModSeq,
            FetchItem::EmailId,
            FetchItem::ThreadId,
            FetchItem::Preview { lazy: false },
            FetchItem::Preview { lazy: true },
            FetchItem::SaveDate,
            FetchItem::GmMsgId,
            FetchItem::GmThrId,
            FetchItem::GmLabels,
        ])
        .boxed(),
        (section(), option::of(partial()), any::<bool>())
            .prop_map(|(section, partial, peek)| FetchItem::BodySection {
                section,
                partial,
                peek,
            })
            .boxed(),
        (part_numbers(3), option::of(partial()), any::<bool>())
            .prop_map(|(part, partial, peek)| FetchItem::Binary {
                part,
                partial,
                peek,
            })
            .boxed(),
        part_numbers(3)
            .prop_map(|part| FetchItem::BinarySize { part })
            .boxed(),
        unknown_atom().prop_map(FetchItem::Other).boxed(),
    ])
}

/// What a FETCH command asks for.
pub fn fetch_items() -> impl Strategy<Value = FetchItems> {
    prop_oneof![
        1 => Just(FetchItems::All),
        1 => Just(FetchItems::Fast),
        1 => Just(FetchItems::Full),
        6 => vec(fetch_item(), 1..5).prop_map(FetchItems::Items),
    ]
}

/// A Gmail label: a system label `\Name` or any string.
pub fn gm_label() -> impl Strategy<Value = Str> {
    prop_oneof![
        1 => "\\\\[A-Z][a-z]{1,8}".prop_map(Str::from),
        3 => string(),
    ]
}

/// One FETCH data item.
pub fn fetch_data() -> impl Strategy<Value = FetchData> {
    one_of(vec![
        vec(fetch_flag(), 0..4).prop_map(FetchData::Flags).boxed(),
        uid().prop_map(FetchData::Uid).boxed(),
        date_time().prop_map(FetchData::InternalDate).boxed(),
        (0..=MAX63).prop_map(FetchData::Rfc822Size).boxed(),
        envelope()
            .prop_map(|e| FetchData::Envelope(e.into()))
            .boxed(),
        body_structure_no_ext()
            .prop_map(|b| FetchData::Body(b.into()))
            .boxed(),
        body_structure()
            .prop_map(|b| FetchData::BodyStructure(b.into()))
            .boxed(),
        (section(), option::of(any::<u32>()), option::of(string()))
            .prop_map(|(section, origin, data)| FetchData::BodySection {
                section,
                origin,
                data,
            })
            .boxed(),
        (
            part_numbers(3),
            option::of(any::<u32>()),
            option::of(binary_string()),
        )
            .prop_map(|(part, origin, data)| FetchData::Binary { part, origin, data })
            .boxed(),
        (part_numbers(3), 0..=u64::from(u32::MAX))
            .prop_map(|(part, size)| FetchData::BinarySize { part, size })
            .boxed(),
        option::of(string()).prop_map(FetchData::Rfc822).boxed(),
        option::of(string())
            .prop_map(FetchData::Rfc822Header)
            .boxed(),
        option::of(string()).prop_map(FetchData::Rfc822Text).boxed(),
        (1..=MAX63).prop_map(FetchData::ModSeq).boxed(),
        object_id().prop_map(FetchData::EmailId).boxed(),
        option::of(object_id())
            .prop_map(FetchData::ThreadId)
            .boxed(),
        option::of(string()).prop_map(FetchData::Preview).boxed(),
        option::of(date_time())
            .prop_map(FetchData::SaveDate)
            .boxed(),
        (1..=MAX63).prop_map(FetchData::GmMsgId).boxed(),
        (1..=MAX63).prop_map(FetchData::GmThrId).boxed(),
        vec(gm_label(), 0..3).prop_map(FetchData::GmLabels).boxed(),
        ("XX-[A-Z]{1,6}", "[A-Za-z0-9]{1,8}")
            .prop_map(|(name, value)| FetchData::Other {
                name: Str::from(name),
                value: Str::from(value),
            })
            .boxed(),
    ])
}

// ---- SEARCH, SORT, THREAD ----

fn modseq_entry() -> impl Strategy<Value = (Str, Atom)> {
    (
        prop_oneof![
            "(Seen|Answered|Flagged|Deleted|Draft)".prop_map(|f| format!("/flags/\\{f}")),
            "[a-z$]{1,8}".prop_map(|k| format!("/flags/{k}")),
        ],
        prop_oneof![Just("priv"), Just("shared"), Just("all")],
    )
        .prop_map(|(name, kind)| (Str::from(name), Atom::from_static(kind)))
}

fn search_leaf() -> BoxedStrategy<SearchKey> {
    use SearchKey as K;
    one_of(vec![
        prop::sample::select(vec![
            K::All,
            K::Answered,
            K::Deleted,
            K::Draft,
            K::Flagged,
            K::New,
            K::Old,
            K::Recent,
            K::Seen,
            K::Unanswered,
            K::Undeleted,
            K::Undraft,
            K::Unflagged,
            K::Unseen,
            K::SavedResult,
            K::SaveDateSupported,
        ])
        .boxed(),
        (0usize..10, string())
            .prop_map(|(which, s)| match which {
                0 => K::Bcc(s),
                1 => K::Body(s),
                2 => K::Cc(s),
                3 => K::From(s),
                4 => K::Subject(s),
                5 => K::Text(s),
                6 => K::To(s),
                7 => K::GmRaw(s),
                8 => K::GmLabels(s),
                _ => K::Header(s.clone(), s),
            })
            .boxed(),
        (string(), string())
            .prop_map(|(n, v)| K::Header(n, v))
            .boxed(),
        (0usize..7, date())
            .prop_map(|(which, d)| match which {
                0 => K::Before(d),
                1 => K::On(d),
                2 => K::SentBefore(d),
                3 => K::SentOn(d),
                4 => K::SentSince(d),
                5 => K::Since(d),
                _ => K::SavedOn(d),
            })
            .boxed(),
        date().prop_map(K::SavedBefore).boxed(),
        date().prop_map(K::SavedSince).boxed(),
        atom().prop_map(K::Keyword).boxed(),
        atom().prop_map(K::Unkeyword).boxed(),
        (0..=MAX63).prop_map(K::Larger).boxed(),
        (0..=MAX63).prop_map(K::Smaller).boxed(),
        uid_set().prop_map(K::Uid).boxed(),
        seq_set().prop_map(K::SeqSet).boxed(),
        (option::of(modseq_entry()), 0..=MAX63)
            .prop_map(|(entry, modseq)| K::ModSeq { entry, modseq })
            .boxed(),
        object_id()
            .prop_map(|s| K::EmailId(Atom::new(s.into_bytes()).expect("objectid")))
            .boxed(),
        object_id()
            .prop_map(|s| K::ThreadId(Atom::new(s.into_bytes()).expect("objectid")))
            .boxed(),
        (1u32..=u32::MAX).prop_map(K::Older).boxed(),
        (1u32..=u32::MAX).prop_map(K::Younger).boxed(),
        (0..=MAX63).prop_map(K::GmMsgId).boxed(),
        (0..=MAX63).prop_map(K::GmThrId).boxed(),
    ])
}

/// A search key, with bounded nesting of NOT / OR / parenthesized lists.
pub fn search_key() -> impl Strategy<Value = SearchKey> {
    search_leaf().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| SearchKey::Not(Box::new(k))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| SearchKey::Or(Box::new(a), Box::new(b))),
            vec(inner, 1..4).prop_map(SearchKey::And),
        ]
    })
}

/// A SEARCH `RETURN` option.
pub fn search_return() -> impl Strategy<Value = SearchReturn> {
    prop_oneof![
        5 => prop::sample::select(vec![
            SearchReturn::Min,
            SearchReturn::Max,
            SearchReturn::All,
            SearchReturn::Count,
            SearchReturn::Save,
            SearchReturn::Context,
            SearchReturn::Update,
        ]),
        1 => partial_range().prop_map(SearchReturn::Partial),
        1 => unknown_atom().prop_map(SearchReturn::Other),
    ]
}

/// A sort criterion.
pub fn sort_criterion() -> impl Strategy<Value = SortCriterion> {
    (
        any::<bool>(),
        prop::sample::select(SORT_KEYS.iter().map(|(_, k)| *k).collect::<Vec<_>>()),
    )
        .prop_map(|(reverse, key)| SortCriterion { reverse, key })
}

/// One item of an ESEARCH response.
pub fn esearch_data() -> impl Strategy<Value = ESearchData> {
    prop_oneof![
        (1u32..=u32::MAX).prop_map(ESearchData::Min),
        (1u32..=u32::MAX).prop_map(ESearchData::Max),
        u32_set().prop_map(ESearchData::All),
        any::<u32>().prop_map(ESearchData::Count),
        (1..=MAX63).prop_map(ESearchData::ModSeq),
        (partial_range(), option::of(u32_set()))
            .prop_map(|(range, results)| ESearchData::Partial { range, results }),
        vec((any::<u32>(), u32_set()), 1..3).prop_map(ESearchData::AddTo),
        vec((any::<u32>(), u32_set()), 1..3).prop_map(ESearchData::RemoveFrom),
        (
            unknown_atom(),
            prop_oneof!["[1-9][0-9]{0,4}", "\\([A-Z]{1,5}\\)"]
        )
            .prop_map(|(name, value)| ESearchData::Other {
                name,
                value: Str::from(value),
            }),
    ]
}

/// A PARTIAL page (RFC 9394), from the first or the last result, bounds in either order.
pub fn partial_range() -> impl Strategy<Value = PartialRange> {
    (any::<bool>(), nz(), nz()).prop_map(|(from_end, first, second)| PartialRange {
        from_end,
        first,
        second,
    })
}

/// An ESEARCH response.
pub fn esearch() -> impl Strategy<Value = ESearch> {
    (
        option::of(string()),
        any::<bool>(),
        vec(esearch_data(), 0..4),
    )
        .prop_map(|(tag, uid, data)| ESearch { tag, uid, data })
}

/// A thread: a chain of messages and no or at least two sub-threads.
pub fn thread() -> impl Strategy<Value = Thread> {
    let n = || prop_oneof![1u32..1000, 1u32..=u32::MAX];
    let leaf = vec(n(), 1..4).prop_map(|members| Thread {
        members,
        children: Vec::new(),
    });
    leaf.prop_recursive(3, 16, 3, move |inner| {
        (vec(n(), 0..3), vec(inner, 2..4))
            .prop_map(|(members, children)| Thread { members, children })
    })
}

// ---- mailbox data ----

/// A STATUS item name.
pub fn status_item() -> impl Strategy<Value = StatusItem> {
    prop_oneof![
        6 => prop::sample::select(
            STATUS_ITEMS.iter().map(|(_, i)| i.clone()).collect::<Vec<_>>()
        ),
        1 => unknown_atom().prop_map(StatusItem::Other),
    ]
}

/// A STATUS item with a value of the kind its name calls for.
pub fn status_pair() -> impl Strategy<Value = (StatusItem, StatusValue)> {
    let u32n = || (0..=u64::from(u32::MAX)).prop_map(StatusValue::Number);
    let nzn = || (1..=u64::from(u32::MAX)).prop_map(StatusValue::Number);
    let n64 = || (0..=MAX63).prop_map(StatusValue::Number);
    one_of(vec![
        u32n().prop_map(|v| (StatusItem::Messages, v)).boxed(),
        u32n().prop_map(|v| (StatusItem::Recent, v)).boxed(),
        nzn().prop_map(|v| (StatusItem::UidNext, v)).boxed(),
        nzn().prop_map(|v| (StatusItem::UidValidity, v)).boxed(),
        u32n().prop_map(|v| (StatusItem::Unseen, v)).boxed(),
        u32n().prop_map(|v| (StatusItem::Deleted, v)).boxed(),
        n64().prop_map(|v| (StatusItem::Size, v)).boxed(),
        n64().prop_map(|v| (StatusItem::HighestModSeq, v)).boxed(),
        prop_oneof![u32n(), Just(StatusValue::Nil)]
            .prop_map(|v| (StatusItem::AppendLimit, v))
            .boxed(),
        object_id()
            .prop_map(|id| (StatusItem::MailboxId, StatusValue::MailboxId(id)))
            .boxed(),
        n64().prop_map(|v| (StatusItem::DeletedStorage, v)).boxed(),
        (unknown_atom(), "[0-9]{1,5}")
            .prop_map(|(a, v)| (StatusItem::Other(a), StatusValue::Raw(Str::from(v))))
            .boxed(),
    ])
}

fn delimiter() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![
        1 => Just(None),
        4 => prop_oneof![Just(b'/'), Just(b'.'), Just(b'\\'), Just(b'"'), 0x20u8..=0x7e].prop_map(Some),
    ]
}

/// A LIST / LSUB / XLIST entry.
pub fn list_entry() -> impl Strategy<Value = ListEntry> {
    let extended = vec(
        (
            prop_oneof!["XX-[A-Z]{1,6}", Just("CHILDINFO".to_owned())].prop_map(Str::from),
            "\\(\"[A-Z]{1,8}\"\\)".prop_map(Str::from),
        ),
        0..2,
    );
    (vec(mailbox_attr(), 0..3), delimiter(), mailbox(), extended).prop_map(
        |(attributes, delimiter, mailbox, extended)| ListEntry {
            attributes,
            delimiter,
            mailbox,
            extended,
        },
    )
}

/// A NAMESPACE response.
pub fn namespaces() -> impl Strategy<Value = Namespaces> {
    let ns = (
        string(),
        delimiter(),
        vec((string(), vec(string(), 1..3)), 0..2),
    )
        .prop_map(|(prefix, delimiter, extensions)| Namespace {
            prefix,
            delimiter,
            extensions,
        })
        .boxed();
    let list = || vec(ns.clone(), 0..3);
    (list(), list(), list()).prop_map(|(personal, other_users, shared)| Namespaces {
        personal,
        other_users,
        shared,
    })
}

fn id_params() -> impl Strategy<Value = Option<Vec<(Str, Option<Str>)>>> {
    option::of(vec((string(), option::of(string())), 0..4))
}

fn metadata_entries() -> impl Strategy<Value = Vec<(Str, Option<Str>)>> {
    vec((string(), option::of(binary_string())), 1..3)
}

/// Untagged server data.
pub fn data() -> impl Strategy<Value = Data> {
    let nums = || vec(prop_oneof![1u32..1000, 1u32..=u32::MAX], 0..5);
    let with_modseq = move || {
        nums().prop_flat_map(|nums| {
            let modseq = if nums.is_empty() {
                Just(None).boxed()
            } else {
                option::of(1..=MAX63).boxed()
            };
            (Just(nums), modseq)
        })
    };
    one_of(vec![
        vec(capability(), 1..5).prop_map(Data::Capability).boxed(),
        vec(capability(), 0..3).prop_map(Data::Enabled).boxed(),
        vec(flag(), 0..4).prop_map(Data::Flags).boxed(),
        list_entry().prop_map(Data::List).boxed(),
        list_entry().prop_map(Data::Lsub).boxed(),
        list_entry().prop_map(Data::XList).boxed(),
        (mailbox(), vec(status_pair(), 0..4))
            .prop_map(|(mailbox, items)| Data::Status { mailbox, items })
            .boxed(),
        with_modseq()
            .prop_map(|(nums, modseq)| Data::Search { nums, modseq })
            .boxed(),
        with_modseq()
            .prop_map(|(nums, modseq)| Data::Sort { nums, modseq })
            .boxed(),
        esearch().prop_map(Data::ESearch).boxed(),
        vec(thread(), 0..4).prop_map(Data::Thread).boxed(),
        any::<u32>().prop_map(Data::Exists).boxed(),
        any::<u32>().prop_map(Data::Recent).boxed(),
        seq_num().prop_map(Data::Expunge).boxed(),
        (seq_num(), vec(fetch_data(), 1..4))
            .prop_map(|(seq, data)| Data::Fetch { seq, data })
            .boxed(),
        (uid(), vec(fetch_data(), 1..4))
            .prop_map(|(uid, data)| Data::UidFetch { uid, data })
            .boxed(),
        (any::<bool>(), uid_set_no_star())
            .prop_map(|(earlier, uids)| Data::Vanished { earlier, uids })
            .boxed(),
        namespaces().prop_map(Data::Namespace).boxed(),
        id_params().prop_map(Data::Id).boxed(),
        (
            string(),
            vec(
                (
                    "[A-Z][A-Z-]{0,10}"
                        .prop_filter("NIL", not_nil)
                        .prop_map(to_atom),
                    0..=MAX63,
                    0..=MAX63,
                )
                    .prop_map(|(name, usage, limit)| QuotaResource {
                        name,
                        usage,
                        limit,
                    }),
                1..3,
            ),
        )
            .prop_map(|(root, resources)| Data::Quota { root, resources })
            .boxed(),
        (mailbox(), vec(string(), 0..3))
            .prop_map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots })
            .boxed(),
        (
            mailbox(),
            vec(
                (string(), string())
                    .prop_map(|(identifier, rights)| AclEntry { identifier, rights }),
                0..3,
            ),
        )
            .prop_map(|(mailbox, entries)| Data::Acl { mailbox, entries })
            .boxed(),
        (mailbox(), string(), string(), vec(string(), 0..3))
            .prop_map(
                |(mailbox, identifier, required, optional)| Data::ListRights {
                    mailbox,
                    identifier,
                    required,
                    optional,
                },
            )
            .boxed(),
        (mailbox(), string())
            .prop_map(|(mailbox, rights)| Data::MyRights { mailbox, rights })
            .boxed(),
        (mailbox(), metadata_entries())
            .prop_map(|(mailbox, entries)| Data::Metadata { mailbox, entries })
            .boxed(),
        (mailbox(), vec(string(), 1..3))
            .prop_map(|(mailbox, entries)| Data::MetadataChanged { mailbox, entries })
            .boxed(),
        prop_oneof![
            (
                "XX-[A-Z]{1,6}",
                "([A-Za-z0-9]{1,5}( [A-Za-z0-9]{1,5}){0,3})?"
            ),
            ("[1-9][0-9]{0,4}", "XX-[A-Z]{1,6}( [A-Za-z0-9]{1,5}){0,3}"),
        ]
        .prop_map(|(name, rest)| Data::Other {
            name: Str::from(name),
            rest: Str::from(rest),
        })
        .boxed(),
    ])
}

/// A server response: status, data or continuation request.
pub fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        2 => status_response().prop_map(Response::Status),
        5 => data().prop_map(Response::Data),
        1 => continue_req().prop_map(Response::Continue),
    ]
}

// ---- commands ----

fn select_params() -> impl Strategy<Value = SelectParams> {
    let qresync = (
        nz(),
        1..=MAX63,
        option::of(uid_set_no_star()),
        option::of((num_set(seq_num(), false), uid_set_no_star())),
    )
        .prop_map(|(uid_validity, modseq, known_uids, seq_match)| QResync {
            uid_validity,
            modseq,
            known_uids,
            seq_match,
        });
    (any::<bool>(), option::of(qresync))
        .prop_map(|(condstore, qresync)| SelectParams { condstore, qresync })
}

/// A LIST selection option.
pub fn list_select() -> impl Strategy<Value = ListSelect> {
    prop_oneof![
        4 => prop::sample::select(vec![
            ListSelect::Subscribed,
            ListSelect::Remote,
            ListSelect::RecursiveMatch,
            ListSelect::SpecialUse,
        ]),
        1 => unknown_atom().prop_map(ListSelect::Other),
    ]
}

/// A LIST return option.
pub fn list_return() -> impl Strategy<Value = ListReturn> {
    prop_oneof![
        3 => prop::sample::select(vec![
            ListReturn::Subscribed,
            ListReturn::Children,
            ListReturn::SpecialUse,
        ]),
        1 => vec(status_item(), 1..3).prop_map(ListReturn::Status),
        1 => unknown_atom().prop_map(ListReturn::Other),
    ]
}

/// One APPEND message (NUL bytes only with `binary`), a literal or CATENATE parts.
pub fn append_message() -> impl Strategy<Value = AppendMessage> {
    (vec(flag(), 0..3), option::of(date_time()), append_data())
        .prop_map(|(flags, date, data)| AppendMessage { flags, date, data })
}

/// APPEND data: one literal (NUL bytes only with `binary`) or CATENATE parts (RFC 4469).
pub fn append_data() -> impl Strategy<Value = AppendData> {
    let literal = any::<bool>().prop_flat_map(|binary| {
        let data = if binary {
            binary_string().boxed()
        } else {
            string().boxed()
        };
        data.prop_map(move |data| AppendData::Literal { data, binary })
    });
    let part = prop_oneof![
        string().prop_map(CatPart::Text),
        string().prop_map(CatPart::Url),
    ];
    prop_oneof![
        3 => literal,
        1 => vec(part, 1..4).prop_map(AppendData::Catenate),
    ]
}

fn store_target() -> impl Strategy<Value = StoreTarget> {
    prop_oneof![
        3 => vec(flag(), 0..4).prop_map(StoreTarget::Flags),
        1 => vec(gm_label(), 0..3).prop_map(StoreTarget::GmLabels),
    ]
}

fn store_kind() -> impl Strategy<Value = StoreKind> {
    prop::sample::select(vec![StoreKind::Replace, StoreKind::Add, StoreKind::Remove])
}

fn mailbox_commands() -> BoxedStrategy<CommandBody> {
    use CommandBody as C;
    one_of(vec![
        (mailbox(), select_params())
            .prop_map(|(mailbox, params)| C::Select { mailbox, params })
            .boxed(),
        (mailbox(), select_params())
            .prop_map(|(mailbox, params)| C::Examine { mailbox, params })
            .boxed(),
        (mailbox(), vec(mailbox_attr(), 0..3))
            .prop_map(|(mailbox, special_use)| C::Create {
                mailbox,
                special_use,
            })
            .boxed(),
        mailbox().prop_map(C::Delete).boxed(),
        (mailbox(), mailbox())
            .prop_map(|(from, to)| C::Rename { from, to })
            .boxed(),
        mailbox().prop_map(C::Subscribe).boxed(),
        mailbox().prop_map(C::Unsubscribe).boxed(),
        (
            vec(list_select(), 0..3),
            mailbox(),
            vec(list_pattern(), 1..3),
            vec(list_return(), 0..3),
        )
            .prop_map(|(mut selection, reference, patterns, returns)| {
                // RFC 5258: RECURSIVEMATCH needs a base option.
                if selection.contains(&ListSelect::RecursiveMatch)
                    && !selection.iter().any(|o| {
                        matches!(
                            o,
                            ListSelect::Subscribed | ListSelect::SpecialUse | ListSelect::Other(_)
                        )
                    })
                {
                    selection.push(ListSelect::Subscribed);
                }
                C::List {
                    selection,
                    reference,
                    patterns,
                    returns,
                }
            })
            .boxed(),
        (mailbox(), list_pattern())
            .prop_map(|(reference, pattern)| C::Lsub { reference, pattern })
            .boxed(),
        (mailbox(), list_pattern())
            .prop_map(|(reference, pattern)| C::XList { reference, pattern })
            .boxed(),
        (mailbox(), vec(status_item(), 1..4))
            .prop_map(|(mailbox, items)| C::Status { mailbox, items })
            .boxed(),
        (mailbox(), vec(append_message(), 1..3))
            .prop_map(|(mailbox, messages)| C::Append { mailbox, messages })
            .boxed(),
    ])
}

fn message_commands() -> BoxedStrategy<CommandBody> {
    use CommandBody as C;
    let fetch = (message_set(), fetch_items(), option::of(1..=MAX63)).prop_flat_map(
        |(set, items, changed_since)| {
            let vanished = if set.is_uid() && changed_since.is_some() {
                any::<bool>().boxed()
            } else {
                Just(false).boxed()
            };
            vanished.prop_map(move |vanished| C::Fetch {
                set: set.clone(),
                items: items.clone(),
                changed_since,
                vanished,
            })
        },
    );
    one_of(vec![
        uid_set().prop_map(C::UidExpunge).boxed(),
        (
            any::<bool>(),
            option::of(vec(search_return(), 0..3)),
            option::of(charset()),
            vec(search_key(), 1..3),
        )
            .prop_map(|(uid, returns, charset, criteria)| C::Search {
                uid,
                returns,
                charset,
                criteria,
            })
            .boxed(),
        fetch.boxed(),
        (
            message_set(),
            store_kind(),
            any::<bool>(),
            store_target(),
            option::of(0..=MAX63),
        )
            .prop_map(|(set, kind, silent, target, unchanged_since)| C::Store {
                set,
                kind,
                silent,
                target,
                unchanged_since,
            })
            .boxed(),
        (message_set(), mailbox())
            .prop_map(|(set, mailbox)| C::Copy { set, mailbox })
            .boxed(),
        (message_set(), mailbox())
            .prop_map(|(set, mailbox)| C::Move { set, mailbox })
            .boxed(),
        (
            any::<bool>(),
            option::of(vec(search_return(), 0..3)),
            vec(sort_criterion(), 1..3),
            charset(),
            vec(search_key(), 1..3),
        )
            .prop_map(|(uid, returns, criteria, charset, search)| C::Sort {
                uid,
                returns,
                criteria,
                charset,
                search,
            })
            .boxed(),
        (
            any::<bool>(),
            prop_oneof![
                Just("REFERENCES".to_owned()),
                Just("ORDEREDSUBJECT".to_owned()),
                "X[A-Z]{1,8}"
            ]
            .prop_map(to_atom),
            charset(),
            vec(search_key(), 1..3),
        )
            .prop_map(|(uid, algorithm, charset, search)| C::Thread {
                uid,
                algorithm,
                charset,
                search,
            })
            .boxed(),
    ])
}

fn extension_commands() -> BoxedStrategy<CommandBody> {
    use CommandBody as C;
    let depth = prop::sample::select(vec![
        MetadataDepth::Zero,
        MetadataDepth::One,
        MetadataDepth::Infinity,
    ]);
    one_of(vec![
        id_params().prop_map(C::Id).boxed(),
        prop_oneof![Just("DEFLATE".to_owned()), "X[A-Z]{1,8}"]
            .prop_map(|s| C::Compress(to_atom(s)))
            .boxed(),
        string().prop_map(C::GetQuota).boxed(),
        mailbox().prop_map(C::GetQuotaRoot).boxed(),
        (
            string(),
            vec(
                ("[A-Z][A-Z-]{0,10}".prop_filter("NIL", not_nil), 0..=MAX63).prop_map(
                    |(name, limit)| QuotaLimit {
                        name: to_atom(name),
                        limit,
                    },
                ),
                0..3,
            ),
        )
            .prop_map(|(root, limits)| C::SetQuota { root, limits })
            .boxed(),
        (mailbox(), string(), string())
            .prop_map(|(mailbox, identifier, rights)| C::SetAcl {
                mailbox,
                identifier,
                rights,
            })
            .boxed(),
        (mailbox(), string())
            .prop_map(|(mailbox, identifier)| C::DeleteAcl {
                mailbox,
                identifier,
            })
            .boxed(),
        mailbox().prop_map(C::GetAcl).boxed(),
        (mailbox(), string())
            .prop_map(|(mailbox, identifier)| C::ListRights {
                mailbox,
                identifier,
            })
            .boxed(),
        mailbox().prop_map(C::MyRights).boxed(),
        string().prop_map(C::ProxyAuth).boxed(),
        (
            option::of(0..=u64::from(u32::MAX)),
            option::of(depth),
            mailbox(),
            vec(string(), 1..3),
        )
            .prop_map(|(max_size, depth, mailbox, entries)| C::GetMetadata {
                options: MetadataOptions { max_size, depth },
                mailbox,
                entries,
            })
            .boxed(),
        (mailbox(), metadata_entries())
            .prop_map(|(mailbox, entries)| C::SetMetadata { mailbox, entries })
            .boxed(),
        (
            "X-[A-Z]{1,8}",
            "([A-Za-z0-9.]{1,5}( [A-Za-z0-9.]{1,5}){0,3})?",
        )
            .prop_map(|(name, args)| C::Other {
                name: to_atom(name),
                args: RawArgs::new(Bytes::from(args)).expect("no CR or LF"),
            })
            .boxed(),
        option::of(notify_set()).prop_map(C::Notify).boxed(),
    ])
}

/// A NOTIFY registration (RFC 5465).
pub fn notify_set() -> impl Strategy<Value = NotifySet> {
    (any::<bool>(), vec(event_group(), 1..4))
        .prop_map(|(status, groups)| NotifySet { status, groups })
}

/// A NOTIFY event group.
pub fn event_group() -> impl Strategy<Value = EventGroup> {
    let filter = prop_oneof![
        prop::sample::select(vec![
            MailboxFilter::Selected,
            MailboxFilter::SelectedDelayed,
            MailboxFilter::Inboxes,
            MailboxFilter::Personal,
            MailboxFilter::Subscribed,
        ]),
        vec(mailbox(), 1..3).prop_map(MailboxFilter::Subtree),
        vec(mailbox(), 1..3).prop_map(MailboxFilter::Mailboxes),
    ];
    (filter, vec(notify_event(), 0..4)).prop_map(|(filter, events)| EventGroup { filter, events })
}

/// A NOTIFY event.
pub fn notify_event() -> impl Strategy<Value = NotifyEvent> {
    prop_oneof![
        prop::sample::select(vec![
            NotifyEvent::MessageExpunge,
            NotifyEvent::FlagChange,
            NotifyEvent::AnnotationChange,
            NotifyEvent::MailboxName,
            NotifyEvent::SubscriptionChange,
            NotifyEvent::MailboxMetadataChange,
            NotifyEvent::ServerMetadataChange,
        ]),
        vec(fetch_item(), 0..3).prop_map(NotifyEvent::MessageNew),
        "X[A-Za-z]{1,8}".prop_map(|s| NotifyEvent::Other(to_atom(s))),
    ]
}

/// The body of a command.
pub fn command_body() -> impl Strategy<Value = CommandBody> {
    use CommandBody as C;
    let simple = prop::sample::select(vec![
        C::Capability,
        C::Noop,
        C::Logout,
        C::StartTls,
        C::Namespace,
        C::Idle,
        C::Check,
        C::Close,
        C::Unselect,
        C::Expunge,
    ]);
    let auth = one_of(vec![
        (
            "[A-Z0-9-]{1,12}".prop_map(to_atom),
            option::of(vec(any::<u8>(), 0..32)),
        )
            .prop_map(|(mechanism, initial)| C::Authenticate {
                mechanism,
                initial: initial.map(|b| Secret::new(Bytes::from(b))),
            })
            .boxed(),
        (string(), string())
            .prop_map(|(username, password)| C::Login {
                username,
                password: Secret::new(password),
            })
            .boxed(),
        vec(capability(), 1..4).prop_map(C::Enable).boxed(),
    ]);
    prop_oneof![
        2 => simple,
        2 => auth,
        4 => mailbox_commands(),
        5 => message_commands(),
        3 => extension_commands(),
    ]
}

/// A tagged command.
pub fn command() -> impl Strategy<Value = Command> {
    (tag(), command_body()).prop_map(|(tag, body)| Command { tag, body })
}

/// Runs `f` on a thread with a 16 MiB stack: generating a value from the whole response and
/// command strategies (or the BODYSTRUCTURE one) nests so many boxed strategies that,
/// unoptimised, it needs close to the 2 MiB stack of a test thread, and overflowed it now and
/// then (as in `tests/roundtrip.rs`).
#[cfg(test)]
pub(crate) fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(f)
        .expect("spawning the test thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::tests::framing_error;
    use crate::encode::{EncodeOptions, Fragment, encode_command, encode_response};
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};

    const OPTIONS: [EncodeOptions; 4] = [
        EncodeOptions {
            utf8: false,
            literal_plus: false,
            literal_minus: false,
        },
        EncodeOptions {
            utf8: true,
            literal_plus: false,
            literal_minus: false,
        },
        EncodeOptions {
            utf8: false,
            literal_plus: true,
            literal_minus: false,
        },
        EncodeOptions {
            utf8: false,
            literal_plus: false,
            literal_minus: true,
        },
    ];

    /// Draws `n` values from `s`, so every strategy is known to generate values.
    fn sample<S: Strategy>(s: S, n: usize) -> Vec<S::Value> {
        let mut runner = TestRunner::deterministic();
        (0..n)
            .map(|_| {
                s.new_tree(&mut runner)
                    .expect("strategy generates a value")
                    .current()
            })
            .collect()
    }

    use super::with_big_stack;

    #[test]
    fn every_strategy_generates_values() {
        with_big_stack(|| {
            macro_rules! check {
                ($($s:expr),* $(,)?) => {$(
                    let values = sample($s, 16);
                    assert_eq!(values.len(), 16, stringify!($s));
                    assert!(!format!("{values:?}").is_empty());
                )*};
            }
            check!(
                tag(),
                atom(),
                unknown_atom(),
                object_id(),
                string(),
                binary_string(),
                text(),
                charset(),
                mailbox(),
                list_pattern(),
                seq_num(),
                uid(),
                seq_set(),
                uid_set(),
                uid_set_no_star(),
                u32_set(),
                message_set(),
                date(),
                date_time(),
                flag(),
                fetch_flag(),
                flag_perm(),
                mailbox_attr(),
                capability(),
                code(),
                status_response(),
                continue_req(),
                address(),
                envelope(),
                body_structure(),
                body_structure_no_ext(),
                section(),
                fetch_item(),
                fetch_items(),
                gm_label(),
                fetch_data(),
                search_key(),
                search_return(),
                sort_criterion(),
                esearch_data(),
                partial_range(),
                esearch(),
                thread(),
                status_item(),
                status_pair(),
                list_entry(),
                namespaces(),
                data(),
                response(),
                list_select(),
                list_return(),
                append_message(),
                command_body(),
                command(),
            );
        });
    }

    #[test]
    fn generated_values_keep_their_invariants() {
        with_big_stack(|| {
            for c in sample(capability(), 200) {
                let wire = Atom::new(Bytes::from(c.to_wire())).unwrap();
                assert_eq!(Capability::from_atom(wire), c);
            }
            for t in sample(text(), 200) {
                let b = t.as_bytes();
                assert!(!b.contains(&b'\r') && !b.contains(&b'\n') && !b.starts_with(b"["));
            }
            for m in sample(mailbox(), 200) {
                if let Some(raw) = m.raw() {
                    assert!(crate::utf7::decode_utf7(raw).is_err());
                    assert!(std::str::from_utf8(raw).is_err());
                }
            }
            fn no_ext(b: &BodyStructure) -> bool {
                match b {
                    BodyStructure::Single { part } => {
                        part.ext.is_none()
                            && match &part.kind {
                                PartKind::Message { body, .. } => no_ext(body),
                                _ => true,
                            }
                    }
                    BodyStructure::Multi { parts, ext, .. } => {
                        ext.is_none() && parts.iter().all(no_ext)
                    }
                }
            }
            assert!(sample(body_structure_no_ext(), 100).iter().all(no_ext));
            fn threads_ok(t: &Thread) -> bool {
                (t.children.is_empty() || t.children.len() >= 2)
                    && !(t.members.is_empty() && t.children.is_empty())
                    && t.children.iter().all(threads_ok)
            }
            assert!(sample(thread(), 100).iter().all(threads_ok));
        });
    }

    fn check_response(e: &crate::encode::Encoded) -> Result<(), TestCaseError> {
        framing_error(e).map_err(TestCaseError::fail)?;
        for f in e.fragments() {
            if let Fragment::Literal { sync, .. } = f {
                prop_assert!(!sync, "a server never waits");
            }
        }
        Ok(())
    }

    #[test]
    fn encoding_commands_never_breaks_framing() {
        with_big_stack(|| {
            let mut runner = TestRunner::new(Config {
                cases: 512,
                ..Config::default()
            });
            runner
                .run(&command(), |c| {
                    for opts in &OPTIONS {
                        let e = encode_command(&c, opts);
                        framing_error(&e).map_err(TestCaseError::fail)?;
                        prop_assert_eq!(&e, &encode_command(&c, opts));
                    }
                    Ok(())
                })
                .unwrap();
        });
    }

    #[test]
    fn encoding_responses_never_breaks_framing() {
        with_big_stack(|| {
            let mut runner = TestRunner::new(Config {
                cases: 512,
                ..Config::default()
            });
            runner
                .run(&response(), |r| {
                    for opts in &OPTIONS {
                        check_response(&encode_response(&r, opts))?;
                    }
                    Ok(())
                })
                .unwrap();
        });
    }

    proptest! {
        /// Arbitrary (not canonical) strings in every slot still keep the framing.
        #[test]
        fn hostile_strings_never_break_framing(
            b in vec(any::<u8>(), 0..64),
            t in vec(any::<u8>(), 0..64),
        ) {
            let s = Str::from(b.clone());
            let text = Str::from(t);
            let r = Response::Status(StatusResponse {
                tag: None,
                kind: StatusKind::Ok,
                code: Some(Code::Other {
                    name: Atom::from_static("X"),
                    args: Some(s.clone()),
                }),
                text: text.clone(),
            });
            check_response(&encode_response(&r, &EncodeOptions::default()))?;
            let r = Response::Continue(Continue { code: None, text });
            check_response(&encode_response(&r, &EncodeOptions::default()))?;
            let r = Response::Data(Data::Other { name: s.clone(), rest: s.clone() });
            check_response(&encode_response(&r, &EncodeOptions::default()))?;
            let r = Response::Data(Data::List(ListEntry {
                attributes: vec![],
                delimiter: b.first().copied(),
                mailbox: Mailbox::from_raw(s.bytes().clone()),
                extended: vec![(s.clone(), s.clone())],
            }));
            check_response(&encode_response(&r, &EncodeOptions::default()))?;
            for opts in &OPTIONS {
                let c = Command {
                    tag: Tag::try_from("a").unwrap(),
                    body: CommandBody::Search {
                        uid: false,
                        returns: None,
                        charset: Some(s.clone()),
                        criteria: vec![
                            SearchKey::Header(s.clone(), s.clone()),
                            SearchKey::GmRaw(s.clone()),
                        ],
                    },
                };
                framing_error(&encode_command(&c, opts)).map_err(TestCaseError::fail)?;
            }
        }
    }
}
