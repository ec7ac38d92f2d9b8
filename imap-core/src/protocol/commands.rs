//! Every command's kind, its canonical name and the connection states it is valid in.

use super::ConnState;
use crate::types::CommandBody;

/// Which command a [`CommandBody`] is, without its arguments: one kind per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandKind {
    /// `CAPABILITY` (RFC 9051 section 6.1.1).
    Capability,
    /// `NOOP` (RFC 9051 section 6.1.2).
    Noop,
    /// `LOGOUT` (RFC 9051 section 6.1.3).
    Logout,
    /// `STARTTLS` (RFC 9051 section 6.2.1).
    StartTls,
    /// `AUTHENTICATE` (RFC 9051 section 6.2.2).
    Authenticate,
    /// `LOGIN` (RFC 9051 section 6.2.3).
    Login,
    /// `ENABLE` (RFC 9051 section 6.3.1).
    Enable,
    /// `SELECT` (RFC 9051 section 6.3.2).
    Select,
    /// `EXAMINE` (RFC 9051 section 6.3.3).
    Examine,
    /// `CREATE` (RFC 9051 section 6.3.4).
    Create,
    /// `DELETE` (RFC 9051 section 6.3.5).
    Delete,
    /// `RENAME` (RFC 9051 section 6.3.6).
    Rename,
    /// `SUBSCRIBE` (RFC 9051 section 6.3.7).
    Subscribe,
    /// `UNSUBSCRIBE` (RFC 9051 section 6.3.8).
    Unsubscribe,
    /// `LIST` (RFC 9051 section 6.3.9).
    List,
    /// `LSUB` (RFC 3501 section 6.3.9).
    Lsub,
    /// `XLIST` (Gmail's pre-SPECIAL-USE LIST).
    XList,
    /// `NAMESPACE` (RFC 9051 section 6.3.10).
    Namespace,
    /// `STATUS` (RFC 9051 section 6.3.11).
    Status,
    /// `APPEND` (RFC 9051 section 6.3.12).
    Append,
    /// `IDLE` (RFC 9051 section 6.3.13).
    Idle,
    /// `CHECK` (RFC 3501 section 6.4.1).
    Check,
    /// `CLOSE` (RFC 9051 section 6.4.1).
    Close,
    /// `UNSELECT` (RFC 9051 section 6.4.2).
    Unselect,
    /// `EXPUNGE` (RFC 9051 section 6.4.3).
    Expunge,
    /// `UID EXPUNGE` (RFC 9051 section 6.4.9).
    UidExpunge,
    /// `SEARCH` and `UID SEARCH` (RFC 9051 section 6.4.4).
    Search,
    /// `FETCH` and `UID FETCH` (RFC 9051 section 6.4.5).
    Fetch,
    /// `STORE` and `UID STORE` (RFC 9051 section 6.4.6).
    Store,
    /// `COPY` and `UID COPY` (RFC 9051 section 6.4.7).
    Copy,
    /// `MOVE` and `UID MOVE` (RFC 9051 section 6.4.8).
    Move,
    /// `SORT` and `UID SORT` (RFC 5256 section BASE.6.4.SORT).
    Sort,
    /// `THREAD` and `UID THREAD` (RFC 5256 section BASE.6.4.THREAD).
    Thread,
    /// `CANCELUPDATE` (RFC 5267 section 4.3).
    CancelUpdate,
    /// `NOTIFY` (RFC 5465 section 3).
    Notify,
    /// `PROXYAUTH` (Cyrus IMAP, no RFC).
    ProxyAuth,
    /// `ID` (RFC 2971 section 3.1).
    Id,
    /// `COMPRESS` (RFC 4978 section 3).
    Compress,
    /// `GETQUOTA` (RFC 9208 section 4.2).
    GetQuota,
    /// `GETQUOTAROOT` (RFC 9208 section 4.3).
    GetQuotaRoot,
    /// `SETQUOTA` (RFC 9208 section 4.1).
    SetQuota,
    /// `SETACL` (RFC 4314 section 3.1).
    SetAcl,
    /// `DELETEACL` (RFC 4314 section 3.2).
    DeleteAcl,
    /// `GETACL` (RFC 4314 section 3.3).
    GetAcl,
    /// `LISTRIGHTS` (RFC 4314 section 3.4).
    ListRights,
    /// `MYRIGHTS` (RFC 4314 section 3.5).
    MyRights,
    /// `GETMETADATA` (RFC 5464 section 4.2).
    GetMetadata,
    /// `SETMETADATA` (RFC 5464 section 4.3).
    SetMetadata,
    /// A command this crate has no type for ([`CommandBody::Other`]).
    Other,
}

/// The states a command is valid in.
#[derive(Clone, Copy)]
enum Valid {
    /// Not authenticated, authenticated and selected (RFC 9051 section 6.1).
    Any,
    /// Not authenticated only (RFC 9051 section 6.2).
    NotAuthenticated,
    /// Authenticated only.
    Authenticated,
    /// Authenticated or selected (RFC 9051 section 6.3).
    AuthOrSelected,
    /// Selected only (RFC 9051 section 6.4).
    Selected,
}

impl CommandKind {
    /// Every kind, for tables and tests.
    pub const ALL: &'static [CommandKind] = &{
        use CommandKind::*;
        [
            Capability,
            Noop,
            Logout,
            StartTls,
            Authenticate,
            Login,
            Enable,
            Select,
            Examine,
            Create,
            Delete,
            Rename,
            Subscribe,
            Unsubscribe,
            List,
            Lsub,
            XList,
            Namespace,
            Status,
            Append,
            Idle,
            Check,
            Close,
            Unselect,
            Expunge,
            UidExpunge,
            Search,
            Fetch,
            Store,
            Copy,
            Move,
            Sort,
            Thread,
            CancelUpdate,
            Notify,
            ProxyAuth,
            Id,
            Compress,
            GetQuota,
            GetQuotaRoot,
            SetQuota,
            SetAcl,
            DeleteAcl,
            GetAcl,
            ListRights,
            MyRights,
            GetMetadata,
            SetMetadata,
            Other,
        ]
    };

    /// The kind of `body`.
    pub fn of(body: &CommandBody) -> CommandKind {
        use CommandBody as C;
        use CommandKind as K;
        match body {
            C::Capability => K::Capability,
            C::Noop => K::Noop,
            C::Logout => K::Logout,
            C::StartTls => K::StartTls,
            C::Authenticate { .. } => K::Authenticate,
            C::Login { .. } => K::Login,
            C::Enable(_) => K::Enable,
            C::Select { .. } => K::Select,
            C::Examine { .. } => K::Examine,
            C::Create { .. } => K::Create,
            C::Delete(_) => K::Delete,
            C::Rename { .. } => K::Rename,
            C::Subscribe(_) => K::Subscribe,
            C::Unsubscribe(_) => K::Unsubscribe,
            C::List { .. } => K::List,
            C::Lsub { .. } => K::Lsub,
            C::XList { .. } => K::XList,
            C::Namespace => K::Namespace,
            C::Status { .. } => K::Status,
            C::Append { .. } => K::Append,
            C::Idle => K::Idle,
            C::Check => K::Check,
            C::Close => K::Close,
            C::Unselect => K::Unselect,
            C::Expunge => K::Expunge,
            C::UidExpunge(_) => K::UidExpunge,
            C::Search { .. } => K::Search,
            C::Fetch { .. } => K::Fetch,
            C::Store { .. } => K::Store,
            C::Copy { .. } => K::Copy,
            C::Move { .. } => K::Move,
            C::Sort { .. } => K::Sort,
            C::Thread { .. } => K::Thread,
            C::CancelUpdate(_) => K::CancelUpdate,
            C::Notify(_) => K::Notify,
            C::ProxyAuth(_) => K::ProxyAuth,
            C::Id(_) => K::Id,
            C::Compress(_) => K::Compress,
            C::GetQuota(_) => K::GetQuota,
            C::GetQuotaRoot(_) => K::GetQuotaRoot,
            C::SetQuota { .. } => K::SetQuota,
            C::SetAcl { .. } => K::SetAcl,
            C::DeleteAcl { .. } => K::DeleteAcl,
            C::GetAcl(_) => K::GetAcl,
            C::ListRights { .. } => K::ListRights,
            C::MyRights(_) => K::MyRights,
            C::GetMetadata { .. } => K::GetMetadata,
            C::SetMetadata { .. } => K::SetMetadata,
            C::Other { .. } => K::Other,
        }
    }

    /// The command name as the encoder writes it and the parser reads it (case-insensitively):
    /// the `command-name` atom, after the `UID` prefix where the command has one, so
    /// [`CommandKind::UidExpunge`] is `EXPUNGE`. [`CommandKind::Other`] has no fixed name: `""`.
    pub fn name(self) -> &'static str {
        use CommandKind::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate => "AUTHENTICATE",
            Login => "LOGIN",
            Enable => "ENABLE",
            Select => "SELECT",
            Examine => "EXAMINE",
            Create => "CREATE",
            Delete => "DELETE",
            Rename => "RENAME",
            Subscribe => "SUBSCRIBE",
            Unsubscribe => "UNSUBSCRIBE",
            List => "LIST",
            Lsub => "LSUB",
            XList => "XLIST",
            Namespace => "NAMESPACE",
            Status => "STATUS",
            Append => "APPEND",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge | UidExpunge => "EXPUNGE",
            Search => "SEARCH",
            Fetch => "FETCH",
            Store => "STORE",
            Copy => "COPY",
            Move => "MOVE",
            Sort => "SORT",
            Thread => "THREAD",
            CancelUpdate => "CANCELUPDATE",
            Notify => "NOTIFY",
            ProxyAuth => "PROXYAUTH",
            Id => "ID",
            Compress => "COMPRESS",
            GetQuota => "GETQUOTA",
            GetQuotaRoot => "GETQUOTAROOT",
            SetQuota => "SETQUOTA",
            SetAcl => "SETACL",
            DeleteAcl => "DELETEACL",
            GetAcl => "GETACL",
            ListRights => "LISTRIGHTS",
            MyRights => "MYRIGHTS",
            GetMetadata => "GETMETADATA",
            SetMetadata => "SETMETADATA",
            Other => "",
        }
    }

    /// The kind a command name (any case) starts, as the command parser reads it: `None` for a
    /// name this crate does not know (the command is then [`CommandKind::Other`]). `UID` is a
    /// prefix, not a command: `None`, and `EXPUNGE` is [`CommandKind::Expunge`].
    pub fn from_name(name: &[u8]) -> Option<CommandKind> {
        Self::ALL.iter().copied().find(|k| {
            !matches!(k, CommandKind::UidExpunge | CommandKind::Other)
                && k.name().as_bytes().eq_ignore_ascii_case(name)
        })
    }

    /// The command's name for messages: [`CommandKind::name`], with `UID EXPUNGE` whole and
    /// `raw command` for [`CommandKind::Other`].
    pub fn label(self) -> &'static str {
        match self {
            CommandKind::UidExpunge => "UID EXPUNGE",
            CommandKind::Other => "raw command",
            k => k.name(),
        }
    }

    /// An example of the command as a client writes it, without tag and CRLF, valid in the
    /// states [`CommandKind::valid_in`] allows (for documentation and for the tests that run
    /// every kind against the client and the server). The sequence-number form where there is
    /// a UID form too.
    pub fn example(self) -> &'static str {
        use CommandKind::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate => "AUTHENTICATE PLAIN AGFsaWNlAHB3",
            Login => "LOGIN alice pw",
            Enable => "ENABLE CONDSTORE",
            Select => "SELECT INBOX",
            Examine => "EXAMINE INBOX",
            Create => "CREATE Drafts",
            Delete => "DELETE Drafts",
            Rename => "RENAME Drafts Old",
            Subscribe => "SUBSCRIBE INBOX",
            Unsubscribe => "UNSUBSCRIBE INBOX",
            List => "LIST \"\" *",
            Lsub => "LSUB \"\" *",
            XList => "XLIST \"\" *",
            Namespace => "NAMESPACE",
            Status => "STATUS INBOX (MESSAGES)",
            Append => "APPEND INBOX {4+}\r\nHi!\n",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge => "EXPUNGE",
            UidExpunge => "UID EXPUNGE 1",
            Search => "SEARCH ALL",
            Fetch => "FETCH 1 (FLAGS)",
            Store => "STORE 1 +FLAGS (\\Seen)",
            Copy => "COPY 1 INBOX",
            Move => "MOVE 1 INBOX",
            Sort => "SORT (DATE) UTF-8 ALL",
            Thread => "THREAD REFERENCES UTF-8 ALL",
            CancelUpdate => "CANCELUPDATE \"A1\"",
            Notify => "NOTIFY NONE",
            ProxyAuth => "PROXYAUTH bob",
            Id => "ID NIL",
            Compress => "COMPRESS DEFLATE",
            GetQuota => "GETQUOTA \"\"",
            GetQuotaRoot => "GETQUOTAROOT INBOX",
            SetQuota => "SETQUOTA \"\" (STORAGE 512)",
            SetAcl => "SETACL INBOX chris lrs",
            DeleteAcl => "DELETEACL INBOX chris",
            GetAcl => "GETACL INBOX",
            ListRights => "LISTRIGHTS INBOX chris",
            MyRights => "MYRIGHTS INBOX",
            GetMetadata => "GETMETADATA INBOX (/private/comment)",
            SetMetadata => "SETMETADATA INBOX (/private/comment \"c\")",
            Other => "XYZZY",
        }
    }

    /// Whether the command has a `UID` form besides this one (RFC 9051 section 6.4.9, RFC 5256
    /// section 3): FETCH, STORE, COPY, MOVE, SEARCH, SORT and THREAD. (`UID EXPUNGE` is a kind
    /// of its own: EXPUNGE takes no set.)
    pub fn has_uid_form(self) -> bool {
        use CommandKind::*;
        matches!(self, Fetch | Store | Copy | Move | Search | Sort | Thread)
    }

    fn valid(self) -> Valid {
        use CommandKind::*;
        match self {
            // RFC 9051 6.1; ID "is valid in any state" (RFC 2971 section 3.1); a command this
            // crate does not know is the caller's (or the server's) business.
            Capability | Noop | Logout | Id | Other => Valid::Any,
            StartTls | Authenticate | Login => Valid::NotAuthenticated,
            // "Clients MUST NOT issue ENABLE once they SELECT/EXAMINE a mailbox"
            // (RFC 9051 section 6.3.1). PROXYAUTH "is valid only in the authenticated state"
            // (Cyrus IMAP's documentation of the command).
            Enable | ProxyAuth => Valid::Authenticated,
            // RFC 9051 6.4; RFC 3501 6.4.1 (CHECK); RFC 5256 (SORT, THREAD); RFC 5267 4.3
            // (CANCELUPDATE names an update of the selected mailbox).
            Check | Close | Unselect | Expunge | UidExpunge | Search | Fetch | Store | Copy
            | Move | Sort | Thread | CancelUpdate => Valid::Selected,
            // RFC 9051 6.3 and the extensions (QUOTA, ACL, METADATA, NOTIFY, COMPRESS, XLIST).
            Select | Examine | Create | Delete | Rename | Subscribe | Unsubscribe | List | Lsub
            | XList | Namespace | Status | Append | Idle | Notify | Compress | GetQuota
            | GetQuotaRoot | SetQuota | SetAcl | DeleteAcl | GetAcl | ListRights | MyRights
            | GetMetadata | SetMetadata => Valid::AuthOrSelected,
        }
    }

    /// Whether the command may be sent (by a client) or run (by a server) in `state`. Nothing
    /// is valid before the greeting or after LOGOUT.
    pub fn valid_in(self, state: ConnState) -> bool {
        use ConnState as S;
        match (self.valid(), state) {
            (_, S::Greeting | S::Logout) => false,
            (Valid::Any, _) => true,
            (Valid::NotAuthenticated, s) => s == S::NotAuthenticated,
            (Valid::Authenticated, s) => s == S::Authenticated,
            (Valid::AuthOrSelected, s) => matches!(s, S::Authenticated | S::Selected),
            (Valid::Selected, s) => s == S::Selected,
        }
    }
}

/// Whether `body` is sent in its `UID` form (`UID FETCH`, `UID SEARCH`, ..., `UID EXPUNGE`):
/// the form whose arguments and results are UIDs, not sequence numbers (RFC 9051 section
/// 6.4.9). A FETCH, STORE, COPY or MOVE of `$` takes the form the set says.
pub fn is_uid_form(body: &CommandBody) -> bool {
    use CommandBody as C;
    match body {
        C::Fetch { set, .. } | C::Store { set, .. } | C::Copy { set, .. } | C::Move { set, .. } => {
            set.is_uid()
        }
        C::Search { uid, .. } | C::Sort { uid, .. } | C::Thread { uid, .. } => *uid,
        C::UidExpunge(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_kind() {
        for &k in CommandKind::ALL {
            match k {
                CommandKind::Other => assert_eq!(k.name(), ""),
                CommandKind::UidExpunge => {
                    assert_eq!(
                        CommandKind::from_name(b"expunge"),
                        Some(CommandKind::Expunge)
                    )
                }
                _ => {
                    assert_eq!(CommandKind::from_name(k.name().as_bytes()), Some(k));
                    let lower = k.name().to_ascii_lowercase();
                    assert_eq!(CommandKind::from_name(lower.as_bytes()), Some(k));
                }
            }
        }
        assert_eq!(CommandKind::from_name(b"UID"), None);
        assert_eq!(CommandKind::from_name(b"XYZZY"), None);
    }

    #[test]
    fn nothing_is_valid_before_the_greeting_or_after_logout() {
        for &k in CommandKind::ALL {
            assert!(!k.valid_in(ConnState::Greeting), "{k:?}");
            assert!(!k.valid_in(ConnState::Logout), "{k:?}");
            let states = [
                ConnState::NotAuthenticated,
                ConnState::Authenticated,
                ConnState::Selected,
            ];
            assert!(states.iter().any(|&s| k.valid_in(s)), "{k:?}");
        }
    }
}
