//! Response codes: the bracketed `[CODE args]` of a status response ([`Code`]).

use super::capability::Capability;
use super::flag::FlagPerm;
use super::seq::{NumSet, SeqNum, Uid, UidSet};
use super::string::{Atom, Str};
use std::num::NonZeroU32;

/// A response code (`resp-text-code`, RFC 9051 section 7.1 and the extension RFCs). Unknown codes
/// keep their name and raw arguments in [`Code::Other`].
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Code {
    /// `ALERT`: text the user must see.
    Alert,
    /// `BADCHARSET` with the supported charsets.
    BadCharset(Vec<Str>),
    /// `CAPABILITY ...`.
    Capability(Vec<Capability>),
    /// `PARSE`.
    Parse,
    /// `PERMANENTFLAGS (...)`.
    PermanentFlags(Vec<FlagPerm>),
    /// `READ-ONLY`.
    ReadOnly,
    /// `READ-WRITE`.
    ReadWrite,
    /// `TRYCREATE`.
    TryCreate,
    /// `UIDNEXT n`.
    UidNext(Uid),
    /// `UIDVALIDITY n`.
    UidValidity(NonZeroU32),
    /// `UNSEEN n` (IMAP4rev1).
    Unseen(SeqNum),
    /// `APPENDUID validity uids` (UIDPLUS, RFC 4315; a set with MULTIAPPEND).
    AppendUid {
        /// UIDVALIDITY of the destination.
        validity: NonZeroU32,
        /// The UIDs assigned.
        uids: UidSet,
    },
    /// `COPYUID validity source destination` (UIDPLUS).
    CopyUid {
        /// UIDVALIDITY of the destination.
        validity: NonZeroU32,
        /// The source UIDs.
        source: UidSet,
        /// The destination UIDs, in the same order.
        destination: UidSet,
    },
    /// `UIDNOTSTICKY`.
    UidNotSticky,
    /// `HIGHESTMODSEQ n` (CONDSTORE).
    HighestModSeq(u64),
    /// `NOMODSEQ` (CONDSTORE).
    NoModSeq,
    /// `MODIFIED set` (CONDSTORE): sequence numbers or UIDs, depending on the command.
    Modified(NumSet<u32>),
    /// `CLOSED` (QRESYNC).
    Closed,
    /// `MAILBOXID (id)` (OBJECTID).
    MailboxId(Str),
    /// `TOOBIG` (APPENDLIMIT, RFC 7889 uses RFC 4469's code).
    TooBig,
    /// `NOUPDATE "tag"` (RFC 5267 section 4.3.1): the server will not send updates for the
    /// searching command with this tag.
    NoUpdate(Str),
    /// `BADURL url` (RFC 4469 section 4.1): the first URL of a CATENATE APPEND that could not
    /// be used.
    BadUrl(Str),
    /// `BADEVENT (event-name ...)` (RFC 5465 section 5.9): the events the server supports,
    /// given when a NOTIFY asked for others.
    BadEvent(Vec<Atom>),
    /// `REFERRAL url` (RFC 2221).
    Referral(Str),
    /// `METADATA LONGENTRIES n` (RFC 5464).
    MetadataLongEntries(u64),
    /// `METADATA MAXSIZE n`.
    MetadataMaxSize(u64),
    /// `METADATA TOOMANY`.
    MetadataTooMany,
    /// `METADATA NOPRIVATE`.
    MetadataNoPrivate,
    /// A code from RFC 5530 or another argument-less code in the table below.
    Simple(SimpleCode),
    /// Any other code: its name and the raw text of its arguments, if any.
    Other {
        /// The code's name.
        name: Atom,
        /// The raw arguments (everything up to `]`).
        args: Option<Str>,
    },
}

/// Argument-less response codes (RFC 5530 and others).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum SimpleCode {
    /// `UNAVAILABLE`.
    Unavailable,
    /// `AUTHENTICATIONFAILED`.
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED`.
    AuthorizationFailed,
    /// `EXPIRED`.
    Expired,
    /// `PRIVACYREQUIRED`.
    PrivacyRequired,
    /// `CONTACTADMIN`.
    ContactAdmin,
    /// `NOPERM`.
    NoPerm,
    /// `INUSE`.
    InUse,
    /// `EXPUNGEISSUED`.
    ExpungeIssued,
    /// `CORRUPTION`.
    Corruption,
    /// `SERVERBUG`.
    ServerBug,
    /// `CLIENTBUG`.
    ClientBug,
    /// `CANNOT`.
    Cannot,
    /// `LIMIT`.
    Limit,
    /// `OVERQUOTA`.
    OverQuota,
    /// `ALREADYEXISTS`.
    AlreadyExists,
    /// `NONEXISTENT`.
    NonExistent,
    /// `NOTSAVED` (SEARCHRES).
    NotSaved,
    /// `HASCHILDREN`.
    HasChildren,
    /// `UNKNOWN-CTE` (BINARY).
    UnknownCte,
    /// `USEATTR` (SPECIAL-USE).
    UseAttr,
    /// `COMPRESSIONACTIVE` (COMPRESS).
    CompressionActive,
    /// `UIDREQUIRED` (RFC 9586): a command used message sequence numbers once UIDONLY was
    /// enabled.
    UidRequired,
    /// `NOTIFICATIONOVERFLOW` (RFC 5465 section 5.8): the server stopped notifying.
    NotificationOverflow,
}

/// Wire names of [`SimpleCode`]s.
pub const SIMPLE_CODES: &[(&str, SimpleCode)] = &[
    ("UNAVAILABLE", SimpleCode::Unavailable),
    ("AUTHENTICATIONFAILED", SimpleCode::AuthenticationFailed),
    ("AUTHORIZATIONFAILED", SimpleCode::AuthorizationFailed),
    ("EXPIRED", SimpleCode::Expired),
    ("PRIVACYREQUIRED", SimpleCode::PrivacyRequired),
    ("CONTACTADMIN", SimpleCode::ContactAdmin),
    ("NOPERM", SimpleCode::NoPerm),
    ("INUSE", SimpleCode::InUse),
    ("EXPUNGEISSUED", SimpleCode::ExpungeIssued),
    ("CORRUPTION", SimpleCode::Corruption),
    ("SERVERBUG", SimpleCode::ServerBug),
    ("CLIENTBUG", SimpleCode::ClientBug),
    ("CANNOT", SimpleCode::Cannot),
    ("LIMIT", SimpleCode::Limit),
    ("OVERQUOTA", SimpleCode::OverQuota),
    ("ALREADYEXISTS", SimpleCode::AlreadyExists),
    ("NONEXISTENT", SimpleCode::NonExistent),
    ("NOTSAVED", SimpleCode::NotSaved),
    ("HASCHILDREN", SimpleCode::HasChildren),
    ("UNKNOWN-CTE", SimpleCode::UnknownCte),
    ("USEATTR", SimpleCode::UseAttr),
    ("COMPRESSIONACTIVE", SimpleCode::CompressionActive),
    ("UIDREQUIRED", SimpleCode::UidRequired),
    ("NOTIFICATIONOVERFLOW", SimpleCode::NotificationOverflow),
];

impl SimpleCode {
    /// The code's wire name.
    pub fn name(self) -> &'static str {
        SIMPLE_CODES
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }

    /// Looks a code up by name, case-insensitively.
    pub fn from_name(name: &[u8]) -> Option<SimpleCode> {
        SIMPLE_CODES
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
            .map(|(_, c)| *c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_code_names_round_trip() {
        for (n, c) in SIMPLE_CODES {
            assert_eq!(c.name(), *n);
            assert_eq!(
                SimpleCode::from_name(n.to_ascii_lowercase().as_bytes()),
                Some(*c)
            );
        }
    }
}
