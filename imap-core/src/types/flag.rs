//! Message flags ([`Flag`], [`FlagPerm`]) and mailbox attributes ([`MailboxAttr`]).

use super::string::Atom;

/// A message flag (RFC 9051 section 2.3.2, `flag` in section 9).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Flag {
    /// `\Answered`.
    Answered,
    /// `\Flagged`.
    Flagged,
    /// `\Deleted`.
    Deleted,
    /// `\Seen`.
    Seen,
    /// `\Draft`.
    Draft,
    /// `\Recent` (IMAP4rev1 only; appears in FETCH FLAGS, never set by a client).
    Recent,
    /// A keyword without a backslash, such as `$Forwarded` or `NonJunk`.
    Keyword(Atom),
    /// Any other system-looking flag `\Name` (the atom after the backslash).
    Extension(Atom),
}

impl Flag {
    /// Builds a flag from its wire text (`\Seen`, `$Junk`, ...), case-insensitively for the system
    /// flags. `None` if the text is not a valid flag.
    pub fn parse(text: &str) -> Option<Flag> {
        match text.strip_prefix('\\') {
            Some(name) => Some(Self::system(Atom::try_from(name).ok()?)),
            None => Atom::try_from(text).ok().map(Flag::Keyword),
        }
    }

    /// The flag for `\name`.
    pub fn system(name: Atom) -> Flag {
        Self::known_system(name.as_bytes()).unwrap_or(Flag::Extension(name))
    }

    /// The predefined system flag `\name` (any case), if `name` names one.
    pub(crate) fn known_system(b: &[u8]) -> Option<Flag> {
        super::keywords::by_name(SYSTEM_FLAGS, b)
    }

    /// The name after the backslash of a predefined system flag (`Seen` for [`Flag::Seen`]).
    pub(crate) fn system_name(&self) -> Option<&'static str> {
        super::keywords::name_of(SYSTEM_FLAGS, self)
    }

    /// The flag's wire text.
    pub fn to_wire(&self) -> String {
        match self {
            Flag::Keyword(a) => a.as_str().into(),
            Flag::Extension(a) => format!("\\{a}"),
            system => format!("\\{}", system.system_name().unwrap_or_default()),
        }
    }
}

/// The predefined system flags by their names after the backslash (RFC 9051 section 2.3.2;
/// `\Recent` from RFC 3501 section 2.3.2): the one table the parser reads them by
/// ([`Flag::known_system`], any case) and the encoder writes them from ([`Flag::system_name`]).
pub(crate) const SYSTEM_FLAGS: &[(&str, Flag)] = &[
    ("Answered", Flag::Answered),
    ("Flagged", Flag::Flagged),
    ("Deleted", Flag::Deleted),
    ("Seen", Flag::Seen),
    ("Draft", Flag::Draft),
    ("Recent", Flag::Recent),
];

/// An entry of `PERMANENTFLAGS` (`flag-perm`, RFC 9051 section 9).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum FlagPerm {
    /// A flag that can be stored permanently.
    Flag(Flag),
    /// `\*`: new keywords can be created.
    Wildcard,
}

/// A mailbox attribute in a LIST response (`mbx-list-flags`, RFC 9051 section 7.3.1,
/// RFC 6154 SPECIAL-USE, RFC 5258 LIST-EXTENDED, RFC 3348 CHILDREN).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum MailboxAttr {
    /// `\Noinferiors`.
    NoInferiors,
    /// `\Noselect`.
    NoSelect,
    /// `\Marked`.
    Marked,
    /// `\Unmarked`.
    Unmarked,
    /// `\NonExistent`.
    NonExistent,
    /// `\Subscribed`.
    Subscribed,
    /// `\Remote`.
    Remote,
    /// `\HasChildren`.
    HasChildren,
    /// `\HasNoChildren`.
    HasNoChildren,
    /// `\All` (SPECIAL-USE).
    All,
    /// `\Archive`.
    Archive,
    /// `\Drafts`.
    Drafts,
    /// `\Flagged`.
    Flagged,
    /// `\Junk`.
    Junk,
    /// `\Sent`.
    Sent,
    /// `\Trash`.
    Trash,
    /// `\Important` (Gmail, RFC 8457).
    Important,
    /// Any other `\Name` attribute (the atom after the backslash).
    Other(Atom),
}

const ATTRS: &[(&str, MailboxAttr)] = &[
    ("Noinferiors", MailboxAttr::NoInferiors),
    ("Noselect", MailboxAttr::NoSelect),
    ("Marked", MailboxAttr::Marked),
    ("Unmarked", MailboxAttr::Unmarked),
    ("NonExistent", MailboxAttr::NonExistent),
    ("Subscribed", MailboxAttr::Subscribed),
    ("Remote", MailboxAttr::Remote),
    ("HasChildren", MailboxAttr::HasChildren),
    ("HasNoChildren", MailboxAttr::HasNoChildren),
    ("All", MailboxAttr::All),
    ("Archive", MailboxAttr::Archive),
    ("Drafts", MailboxAttr::Drafts),
    ("Flagged", MailboxAttr::Flagged),
    ("Junk", MailboxAttr::Junk),
    ("Sent", MailboxAttr::Sent),
    ("Trash", MailboxAttr::Trash),
    ("Important", MailboxAttr::Important),
];

impl MailboxAttr {
    /// The attribute for `\name`, matched case-insensitively.
    pub fn from_name(name: Atom) -> MailboxAttr {
        ATTRS
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n))
            .map(|(_, a)| a.clone())
            .unwrap_or(MailboxAttr::Other(name))
    }

    /// The attribute's name without the backslash.
    pub fn name(&self) -> &str {
        match self {
            MailboxAttr::Other(a) => a.as_str(),
            known => ATTRS
                .iter()
                .find(|(_, a)| a == known)
                .map(|(n, _)| *n)
                .unwrap_or(""),
        }
    }

    /// Whether this is a SPECIAL-USE attribute (RFC 6154).
    pub fn is_special_use(&self) -> bool {
        matches!(
            self,
            MailboxAttr::All
                | MailboxAttr::Archive
                | MailboxAttr::Drafts
                | MailboxAttr::Flagged
                | MailboxAttr::Junk
                | MailboxAttr::Sent
                | MailboxAttr::Trash
                | MailboxAttr::Important
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_case_insensitively() {
        assert_eq!(Flag::parse("\\SEEN"), Some(Flag::Seen));
        assert_eq!(Flag::parse("$Forwarded").unwrap().to_wire(), "$Forwarded");
        assert_eq!(Flag::parse("\\Foo").unwrap().to_wire(), "\\Foo");
        assert_eq!(Flag::parse("a b"), None);
    }

    #[test]
    fn system_flags_round_trip_their_names() {
        for (name, flag) in SYSTEM_FLAGS {
            let wire = format!("\\{name}");
            assert_eq!(Flag::parse(&wire).as_ref(), Some(flag));
            assert_eq!(Flag::parse(&wire.to_ascii_uppercase()).as_ref(), Some(flag));
            assert_eq!(flag.to_wire(), wire);
            assert_eq!(flag.system_name(), Some(*name));
        }
        assert_eq!(Flag::Keyword(Atom::from_static("Seen")).system_name(), None);
    }

    #[test]
    fn attrs_round_trip_names() {
        for (n, a) in ATTRS {
            assert_eq!(MailboxAttr::from_name(Atom::try_from(*n).unwrap()), *a);
            assert_eq!(a.name(), *n);
        }
        assert!(MailboxAttr::Sent.is_special_use());
    }
}
