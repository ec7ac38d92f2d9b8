//! Mailbox-level data: LIST entries ([`ListEntry`]), STATUS items ([`StatusItem`],
//! [`StatusValue`]), NAMESPACE ([`Namespaces`]), QUOTA, ACL and METADATA values.

use super::flag::MailboxAttr;
use super::mailbox::Mailbox;
use super::string::{Atom, Str};

/// A `LIST`/`LSUB`/`XLIST` entry (`mailbox-list`, RFC 9051 section 7.3.1, RFC 5258).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ListEntry {
    /// Attributes.
    pub attributes: Vec<MailboxAttr>,
    /// Hierarchy delimiter, `None` for `NIL` (flat namespace).
    pub delimiter: Option<u8>,
    /// The mailbox.
    pub mailbox: Mailbox,
    /// `mbox-list-extended` items such as `("CHILDINFO" ("SUBSCRIBED"))` or `("OLDNAME" (...))`:
    /// tag and raw value.
    pub extended: Vec<(Str, Str)>,
}

/// A STATUS data item name (`status-att`, RFC 9051 section 6.3.11 plus extensions).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum StatusItem {
    /// `MESSAGES`.
    Messages,
    /// `RECENT` (IMAP4rev1).
    Recent,
    /// `UIDNEXT`.
    UidNext,
    /// `UIDVALIDITY`.
    UidValidity,
    /// `UNSEEN`.
    Unseen,
    /// `DELETED` (IMAP4rev2).
    Deleted,
    /// `SIZE` (STATUS=SIZE / IMAP4rev2).
    Size,
    /// `HIGHESTMODSEQ` (CONDSTORE).
    HighestModSeq,
    /// `APPENDLIMIT` (RFC 7889).
    AppendLimit,
    /// `MAILBOXID` (OBJECTID).
    MailboxId,
    /// `DELETED-STORAGE` (RFC 9208).
    DeletedStorage,
    /// Any other item name.
    Other(Atom),
}

/// Wire names of the argument-less [`StatusItem`]s.
pub const STATUS_ITEMS: &[(&str, StatusItem)] = &[
    ("MESSAGES", StatusItem::Messages),
    ("RECENT", StatusItem::Recent),
    ("UIDNEXT", StatusItem::UidNext),
    ("UIDVALIDITY", StatusItem::UidValidity),
    ("UNSEEN", StatusItem::Unseen),
    ("DELETED", StatusItem::Deleted),
    ("SIZE", StatusItem::Size),
    ("HIGHESTMODSEQ", StatusItem::HighestModSeq),
    ("APPENDLIMIT", StatusItem::AppendLimit),
    ("MAILBOXID", StatusItem::MailboxId),
    ("DELETED-STORAGE", StatusItem::DeletedStorage),
];

impl StatusItem {
    /// Classifies an item name, case-insensitively.
    pub fn from_atom(a: Atom) -> StatusItem {
        STATUS_ITEMS
            .iter()
            .find(|(n, _)| a.eq_ignore_ascii_case(n))
            .map(|(_, i)| i.clone())
            .unwrap_or(StatusItem::Other(a))
    }

    /// The item's wire name.
    pub fn name(&self) -> &str {
        match self {
            StatusItem::Other(a) => a.as_str(),
            known => STATUS_ITEMS
                .iter()
                .find(|(_, i)| i == known)
                .map(|(n, _)| *n)
                .unwrap_or(""),
        }
    }
}

/// A value in a STATUS response.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum StatusValue {
    /// A number (every standard item except MAILBOXID and a `NIL` APPENDLIMIT).
    Number(u64),
    /// `MAILBOXID (id)`.
    MailboxId(Str),
    /// `APPENDLIMIT NIL`: no limit.
    Nil,
    /// An unknown item's raw value.
    Raw(Str),
}

/// One namespace (`Namespace-Descr`, RFC 2342).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Namespace {
    /// The prefix.
    pub prefix: Str,
    /// The hierarchy delimiter, `None` for `NIL`.
    pub delimiter: Option<u8>,
    /// `Namespace-Response-Extension`s: name and values.
    pub extensions: Vec<(Str, Vec<Str>)>,
}

/// The three namespace lists of a NAMESPACE response; an empty list is `NIL`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Namespaces {
    /// Personal namespaces.
    pub personal: Vec<Namespace>,
    /// Other users' namespaces.
    pub other_users: Vec<Namespace>,
    /// Shared namespaces.
    pub shared: Vec<Namespace>,
}

/// One resource of a QUOTA response (RFC 9208 `quota-resource`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QuotaResource {
    /// `STORAGE`, `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`, ...
    pub name: Atom,
    /// Current usage.
    pub usage: u64,
    /// Limit.
    pub limit: u64,
}

/// One resource limit of SETQUOTA (RFC 9208 `setquota-resource`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QuotaLimit {
    /// Resource name.
    pub name: Atom,
    /// Limit.
    pub limit: u64,
}

/// An identifier/rights pair of an ACL response (RFC 4314).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AclEntry {
    /// The identifier (user or group).
    pub identifier: Str,
    /// The rights letters.
    pub rights: Str,
}

/// GETMETADATA options (RFC 5464).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct MetadataOptions {
    /// `MAXSIZE n`.
    pub max_size: Option<u64>,
    /// `DEPTH 0 / 1 / infinity` (`None` for infinity when `depth_set`).
    pub depth: Option<MetadataDepth>,
}

/// GETMETADATA `DEPTH`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum MetadataDepth {
    /// `0`.
    Zero,
    /// `1`.
    One,
    /// `infinity`.
    Infinity,
}
