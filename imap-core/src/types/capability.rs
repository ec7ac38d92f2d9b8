//! Server capabilities ([`Capability`]).

use super::string::Atom;
use bytes::Bytes;

/// A capability (`capability`, RFC 9051 section 9). Known names are matched
/// case-insensitively; anything else is kept as [`Capability::Other`].
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Capability {
    /// `IMAP4rev1`.
    Imap4rev1,
    /// `IMAP4rev2`.
    Imap4rev2,
    /// `AUTH=<mechanism>`.
    Auth(Atom),
    /// `LOGINDISABLED`.
    LoginDisabled,
    /// `STARTTLS`.
    StartTls,
    /// `IDLE` (RFC 2177).
    Idle,
    /// `UIDPLUS` (RFC 4315).
    UidPlus,
    /// `MOVE` (RFC 6851).
    Move,
    /// `ENABLE` (RFC 5161).
    Enable,
    /// `UNSELECT` (RFC 3691).
    Unselect,
    /// `ID` (RFC 2971).
    Id,
    /// `NAMESPACE` (RFC 2342).
    Namespace,
    /// `SPECIAL-USE` (RFC 6154).
    SpecialUse,
    /// `CREATE-SPECIAL-USE` (RFC 6154).
    CreateSpecialUse,
    /// `CHILDREN` (RFC 3348).
    Children,
    /// `LIST-EXTENDED` (RFC 5258).
    ListExtended,
    /// `LIST-STATUS` (RFC 5819).
    ListStatus,
    /// `ESEARCH` (RFC 4731).
    ESearch,
    /// `SEARCHRES` (RFC 5182).
    SearchRes,
    /// `PARTIAL` (RFC 9394): paged SEARCH results and UID FETCH.
    Partial,
    /// `UIDONLY` (RFC 9586): once enabled, UIDs only, and UIDFETCH instead of FETCH.
    UidOnly,
    /// `CONDSTORE` (RFC 7162).
    CondStore,
    /// `QRESYNC` (RFC 7162).
    QResync,
    /// `LITERAL+` (RFC 7888).
    LiteralPlus,
    /// `LITERAL-` (RFC 7888).
    LiteralMinus,
    /// `BINARY` (RFC 3516).
    Binary,
    /// `COMPRESS=<algorithm>` (RFC 4978).
    Compress(Atom),
    /// `SASL-IR` (RFC 4959).
    SaslIr,
    /// `QUOTA` (RFC 9208 / 2087).
    Quota,
    /// `QUOTA=RES-<resource>` (RFC 9208).
    QuotaRes(Atom),
    /// `QUOTASET` (RFC 9208).
    QuotaSet,
    /// `ACL` (RFC 4314).
    Acl,
    /// `RIGHTS=<letters>` (RFC 4314).
    Rights(Atom),
    /// `METADATA` (RFC 5464).
    Metadata,
    /// `METADATA-SERVER` (RFC 5464).
    MetadataServer,
    /// `SORT` (RFC 5256).
    Sort,
    /// `SORT=DISPLAY` (RFC 5957): the DISPLAYFROM and DISPLAYTO sort keys.
    SortDisplay,
    /// `ESORT` (RFC 5267 section 3): SORT with RETURN options, answered by ESEARCH.
    ESort,
    /// `CATENATE` (RFC 4469): APPEND assembled from text and IMAP URLs.
    Catenate,
    /// `CONTEXT=SEARCH` (RFC 5267 section 4): SEARCH with CONTEXT, UPDATE and PARTIAL, and
    /// CANCELUPDATE.
    ContextSearch,
    /// `NOTIFY` (RFC 5465): the client registers for events, the server tells them at any
    /// time.
    Notify,
    /// `THREAD=<algorithm>` (RFC 5256).
    Thread(Atom),
    /// `UTF8=ACCEPT` (RFC 6855 / 9755).
    Utf8Accept,
    /// `UTF8=ONLY` (RFC 6855).
    Utf8Only,
    /// `OBJECTID` (RFC 8474).
    ObjectId,
    /// `STATUS=SIZE` (RFC 8438).
    StatusSize,
    /// `APPENDLIMIT` or `APPENDLIMIT=<n>` (RFC 7889).
    AppendLimit(Option<u64>),
    /// `SAVEDATE` (RFC 8514).
    SaveDate,
    /// `PREVIEW` (RFC 8970).
    Preview,
    /// `MULTIAPPEND` (RFC 3502).
    MultiAppend,
    /// `X-GM-EXT-1` (Gmail).
    XGmExt1,
    /// `XLIST` (old Gmail).
    XList,
    /// Anything else, kept as received.
    Other(Atom),
}

const PLAIN: &[(&str, Capability)] = &[
    ("IMAP4rev1", Capability::Imap4rev1),
    ("IMAP4rev2", Capability::Imap4rev2),
    ("LOGINDISABLED", Capability::LoginDisabled),
    ("STARTTLS", Capability::StartTls),
    ("IDLE", Capability::Idle),
    ("UIDPLUS", Capability::UidPlus),
    ("MOVE", Capability::Move),
    ("ENABLE", Capability::Enable),
    ("UNSELECT", Capability::Unselect),
    ("ID", Capability::Id),
    ("NAMESPACE", Capability::Namespace),
    ("SPECIAL-USE", Capability::SpecialUse),
    ("CREATE-SPECIAL-USE", Capability::CreateSpecialUse),
    ("CHILDREN", Capability::Children),
    ("LIST-EXTENDED", Capability::ListExtended),
    ("LIST-STATUS", Capability::ListStatus),
    ("ESEARCH", Capability::ESearch),
    ("SEARCHRES", Capability::SearchRes),
    ("PARTIAL", Capability::Partial),
    ("UIDONLY", Capability::UidOnly),
    ("CONDSTORE", Capability::CondStore),
    ("QRESYNC", Capability::QResync),
    ("LITERAL+", Capability::LiteralPlus),
    ("LITERAL-", Capability::LiteralMinus),
    ("BINARY", Capability::Binary),
    ("SASL-IR", Capability::SaslIr),
    ("QUOTA", Capability::Quota),
    ("QUOTASET", Capability::QuotaSet),
    ("ACL", Capability::Acl),
    ("METADATA", Capability::Metadata),
    ("METADATA-SERVER", Capability::MetadataServer),
    ("SORT", Capability::Sort),
    ("SORT=DISPLAY", Capability::SortDisplay),
    ("ESORT", Capability::ESort),
    ("CATENATE", Capability::Catenate),
    ("CONTEXT=SEARCH", Capability::ContextSearch),
    ("NOTIFY", Capability::Notify),
    ("UTF8=ACCEPT", Capability::Utf8Accept),
    ("UTF8=ONLY", Capability::Utf8Only),
    ("OBJECTID", Capability::ObjectId),
    ("STATUS=SIZE", Capability::StatusSize),
    ("APPENDLIMIT", Capability::AppendLimit(None)),
    ("SAVEDATE", Capability::SaveDate),
    ("PREVIEW", Capability::Preview),
    ("MULTIAPPEND", Capability::MultiAppend),
    ("X-GM-EXT-1", Capability::XGmExt1),
    ("XLIST", Capability::XList),
];

/// Builds a capability from the atom after its prefix.
type MakeCapability = fn(Atom) -> Capability;

const PREFIXED: &[(&str, MakeCapability)] = &[
    ("AUTH=", Capability::Auth),
    ("COMPRESS=", Capability::Compress),
    ("QUOTA=RES-", Capability::QuotaRes),
    ("RIGHTS=", Capability::Rights),
    ("THREAD=", Capability::Thread),
];

impl Capability {
    /// Classifies a capability atom.
    pub fn from_atom(atom: Atom) -> Capability {
        let b = atom.as_bytes();
        if let Some((_, c)) = PLAIN
            .iter()
            .find(|(n, _)| b.eq_ignore_ascii_case(n.as_bytes()))
        {
            return c.clone();
        }
        for (prefix, make) in PREFIXED {
            let p = prefix.len();
            if b.len() > p && b[..p].eq_ignore_ascii_case(prefix.as_bytes()) {
                return make(Atom::unchecked(atom_tail(&atom, p)));
            }
        }
        if b.len() > 12
            && b[..12].eq_ignore_ascii_case(b"APPENDLIMIT=")
            && let Some(n) = std::str::from_utf8(&b[12..])
                .ok()
                .and_then(|s| s.parse().ok())
        {
            return Capability::AppendLimit(Some(n));
        }
        Capability::Other(atom)
    }

    /// The capability's wire text.
    pub fn to_wire(&self) -> String {
        match self {
            Capability::Auth(a) => format!("AUTH={a}"),
            Capability::Compress(a) => format!("COMPRESS={a}"),
            Capability::QuotaRes(a) => format!("QUOTA=RES-{a}"),
            Capability::Rights(a) => format!("RIGHTS={a}"),
            Capability::Thread(a) => format!("THREAD={a}"),
            Capability::AppendLimit(Some(n)) => format!("APPENDLIMIT={n}"),
            Capability::Other(a) => a.as_str().to_owned(),
            known => PLAIN
                .iter()
                .find(|(_, c)| c == known)
                .map(|(n, _)| (*n).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Whether this is `AUTH=<mechanism>` for `mechanism` (case-insensitive).
    pub fn is_auth(&self, mechanism: &str) -> bool {
        matches!(self, Capability::Auth(a) if a.eq_ignore_ascii_case(mechanism))
    }
}

/// The capability's wire text ([`Capability::to_wire`]).
impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl std::str::FromStr for Capability {
    type Err = crate::parse::TextError;

    /// A capability name as a server lists it (`capability`, RFC 9051 section 9): `IDLE`,
    /// `auth=plain`, `QUOTA=RES-STORAGE`; a name this crate does not know is
    /// [`Capability::Other`].
    ///
    /// ```
    /// use imap_core::types::Capability;
    ///
    /// assert_eq!("idle".parse::<Capability>().unwrap(), Capability::Idle);
    /// assert!("AUTH=XOAUTH2".parse::<Capability>().unwrap().is_auth("xoauth2"));
    /// assert_eq!("X-VENDOR".parse::<Capability>().unwrap().to_string(), "X-VENDOR");
    /// assert_eq!("LITERAL+ IDLE".parse::<Capability>().unwrap_err().column, 9);
    /// ```
    ///
    /// # Errors
    /// A [`crate::parse::TextError`] pointing at a character an atom cannot hold (space,
    /// parenthesis, quote, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::parse::parse_capability_text(s)
    }
}

fn atom_tail(atom: &Atom, from: usize) -> Bytes {
    Bytes::copy_from_slice(&atom.as_bytes()[from..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(s: &str) -> Capability {
        Capability::from_atom(Atom::try_from(s).unwrap())
    }

    #[test]
    fn classifies_known_and_unknown() {
        assert_eq!(cap("imap4REV1"), Capability::Imap4rev1);
        assert!(cap("AUTH=PLAIN").is_auth("plain"));
        assert_eq!(
            cap("APPENDLIMIT=35651584"),
            Capability::AppendLimit(Some(35651584))
        );
        assert_eq!(
            cap("XYZZY"),
            Capability::Other(Atom::try_from("XYZZY").unwrap())
        );
        assert_eq!(cap("LITERAL+").to_wire(), "LITERAL+");
        assert_eq!(cap("thread=references").to_wire(), "THREAD=references");
    }

    #[test]
    fn every_plain_name_round_trips() {
        for (n, c) in PLAIN {
            assert_eq!(cap(n), *c);
            assert_eq!(c.to_wire(), *n);
        }
    }
}
