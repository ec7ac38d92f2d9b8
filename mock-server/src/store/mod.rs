//! The mailbox store: users, mailboxes and messages in memory, shared by every session.
//!
//! [`Store`] is a cheap handle (`Arc<Mutex<..>>`) to the whole store. [`Store::login`] gives an
//! [`Account`] for one user's mailbox operations (CREATE, DELETE, RENAME, SUBSCRIBE, LIST,
//! STATUS, APPEND, quota, SELECT/EXAMINE); selecting gives a [`MailboxView`], one session's
//! handle on its selected mailbox (FETCH, STORE, SEARCH, SORT, THREAD, COPY, MOVE, EXPUNGE and
//! the change log).
//!
//! The store deals in UIDs only. Sequence numbers belong to each session's view of the mailbox
//! and are kept by the protocol layer; see [`MailboxView::poll`] for how a session learns what
//! changed since it last looked and when it may announce it.
//!
//! Tests change the store directly, as "another client" would, through the same [`Account`]
//! (from [`Store::account`], no password): [`Account::deliver`], [`Account::set_flags`],
//! [`Account::expunge_uids`]. Sessions that have the mailbox selected see those changes in their
//! next [`MailboxView::poll`].

pub mod acl;
mod auth;
mod changes;
mod list;
mod mailbox;
mod message;
pub mod metadata;
mod notify;
mod user;
mod validity;
mod view;
mod wildcard;
pub(crate) mod worker;

pub use changes::Change;
pub use list::ListRequest;
pub use message::{MessageData, MessageSnapshot, flag_eq};
pub use notify::{Notifier, Touched, Watch};
pub(crate) use user::msg_ids;
pub use user::{DELIMITER, UserQuota};
pub use view::{CopyUid, FlagUpdate, MailboxView, SelectInfo, StoreResult};
pub use wildcard::{Pattern, pattern_matches};

use crate::mime::ParsedMessage;
use crate::mime::section::SectionError;
use bytes::Bytes;
use imap_core::types::{
    Code, DateTime, Flag, ListEntry, MailboxAttr, SimpleCode, StatusItem, StatusValue, Uid,
};
use mailbox::MailboxState;
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use user::UserState;

/// Identifies one client session (connection) to the store, for `\Recent` and for telling a
/// session's own changes apart in the change log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// Why a store operation failed. [`StoreError::code`] gives the response code to send.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Wrong user name or password.
    #[error("authentication failed")]
    AuthenticationFailed,
    /// The user does not exist.
    #[error("no such user: {0}")]
    NoSuchUser(String),
    /// A user with that name exists already.
    #[error("user exists: {0}")]
    UserExists(String),
    /// The mailbox does not exist.
    #[error("mailbox does not exist: {0}")]
    NonExistent(String),
    /// The destination of APPEND, COPY or MOVE does not exist (`TRYCREATE`).
    #[error("destination mailbox does not exist: {0}")]
    TryCreate(String),
    /// The mailbox exists already.
    #[error("mailbox exists: {0}")]
    AlreadyExists(String),
    /// DELETE of a `\Noselect` name that has inferior names.
    #[error("mailbox has inferior hierarchical names")]
    HasChildren,
    /// The name is `\Noselect`: it holds no messages.
    #[error("mailbox cannot be selected: {0}")]
    NoSelect(String),
    /// The name is not a valid mailbox name.
    #[error("invalid mailbox name: {0:?}")]
    InvalidName(String),
    /// The name has a level longer than [`MAX_NAME_LEVEL`] bytes or more than
    /// [`MAX_NAME_LEVELS`] levels (`LIMIT`). The name is not repeated: it may be huge.
    #[error("mailbox name too long or too deep")]
    NameTooLong,
    /// A SPECIAL-USE attribute the server does not support (`USEATTR`).
    #[error("unsupported special-use attribute")]
    UseAttr,
    /// The operation is not allowed (deleting INBOX, renaming a mailbox into itself, ...).
    #[error("{0}")]
    Cannot(&'static str),
    /// The user's quota would be exceeded (`OVERQUOTA`).
    #[error("quota exceeded")]
    OverQuota,
    /// The message is larger than APPENDLIMIT (`TOOBIG`).
    #[error("message too large")]
    TooBig,
    /// The mailbox is selected read-only (EXAMINE).
    #[error("mailbox is read-only")]
    ReadOnly,
    /// The selected mailbox was deleted (or replaced) by another session.
    #[error("selected mailbox no longer exists")]
    MailboxGone,
    /// A search key, fetch item or status item this server does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A SETMETADATA value is larger than the server accepts (`[METADATA MAXSIZE n]`).
    #[error("annotation value too large (at most {0} octets)")]
    MetadataTooBig(u64),
    /// SETMETADATA would exceed the number of annotations allowed (`[METADATA TOOMANY]`).
    #[error("too many annotations")]
    MetadataTooMany,
    /// One message's FETCH response would carry more than its budget
    /// ([`crate::fetch::response_budget`]): `NO [LIMIT]`.
    #[error("FETCH response too large")]
    ResponseTooLarge,
    /// A FETCH section could not be returned.
    #[error(transparent)]
    Section(#[from] SectionError),
}

impl StoreError {
    /// The response code that goes with this error in a tagged NO, if any.
    pub fn code(&self) -> Option<Code> {
        Some(match self {
            StoreError::AuthenticationFailed | StoreError::NoSuchUser(_) => {
                Code::Simple(SimpleCode::AuthenticationFailed)
            }
            StoreError::NonExistent(_) => Code::Simple(SimpleCode::NonExistent),
            StoreError::TryCreate(_) => Code::TryCreate,
            StoreError::AlreadyExists(_) | StoreError::UserExists(_) => {
                Code::Simple(SimpleCode::AlreadyExists)
            }
            StoreError::HasChildren => Code::Simple(SimpleCode::HasChildren),
            StoreError::UseAttr => Code::Simple(SimpleCode::UseAttr),
            StoreError::Cannot(_) | StoreError::InvalidName(_) | StoreError::NoSelect(_) => {
                Code::Simple(SimpleCode::Cannot)
            }
            StoreError::NameTooLong => Code::Simple(SimpleCode::Limit),
            StoreError::OverQuota => Code::Simple(SimpleCode::OverQuota),
            StoreError::TooBig => Code::TooBig,
            StoreError::ResponseTooLarge => Code::Simple(SimpleCode::Limit),
            StoreError::MetadataTooBig(n) => Code::MetadataMaxSize(*n),
            StoreError::MetadataTooMany => Code::MetadataTooMany,
            StoreError::Section(SectionError::UnknownCte) => Code::Simple(SimpleCode::UnknownCte),
            StoreError::Section(_) => Code::Simple(SimpleCode::Cannot),
            StoreError::Unsupported(_) => Code::Simple(SimpleCode::Cannot),
            StoreError::ReadOnly | StoreError::MailboxGone => return None,
        })
    }
}

/// The current time, as the store sees it (INTERNALDATE of appends without a date, SAVEDATE).
pub type Clock = Arc<dyn Fn() -> DateTime + Send + Sync>;

/// The system clock, in UTC.
pub(crate) fn system_clock() -> DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    DateTime::from_unix_timestamp(secs).unwrap_or(DateTime {
        date: imap_core::types::Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        hour: 0,
        minute: 0,
        second: 0,
        zone_minutes: 0,
    })
}

/// Counters for identifiers that are unique across the whole store.
#[derive(Debug)]
pub(crate) struct Ids {
    uid_validity: validity::UidValidities,
    mailbox: u64,
    email: u64,
    thread: u64,
    view: u64,
    notifier: Arc<notify::Notifier>,
}

impl Ids {
    fn uid_validity(&mut self) -> NonZeroU32 {
        self.uid_validity.next()
    }

    fn mailbox(&mut self, user: &str, name: String) -> MailboxState {
        self.mailbox += 1;
        let validity = self.uid_validity();
        let mut m = MailboxState::new(self.mailbox, name, validity);
        // Every change is told (NOTIFY watches mailboxes no session selected).
        let id = m.object_id();
        m.log.set_notifier(self.notifier.clone(), user, id);
        m
    }
}

pub(crate) struct Inner {
    users: BTreeMap<String, UserState>,
    ids: Ids,
    clock: Clock,
    append_limit: Option<u64>,
}

/// The store, shared by all sessions; clones are handles on the same store.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
    /// What a new connection needs before any command, kept outside the lock so that a
    /// greeting never waits for it.
    outside: Arc<Outside>,
}

/// The parts of the store a connection reads before its first command (session ids, the
/// watcher, APPENDLIMIT for the capability list): atomics, so a new connection is greeted
/// even while another session holds the store lock.
#[derive(Debug, Default)]
struct Outside {
    sessions: AtomicU64,
    notifier: Arc<notify::Notifier>,
    /// APPENDLIMIT plus one; 0 for none (kept in step with `Inner::append_limit`).
    append_limit: AtomicU64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = self.lock();
        f.debug_struct("Store")
            .field("users", &g.users.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// The longest hierarchy level of a mailbox name, in bytes (Dovecot's limit).
pub const MAX_NAME_LEVEL: usize = 200;
/// The most hierarchy levels a mailbox name may have (Dovecot's limit). With
/// [`MAX_NAME_LEVEL`], a name is at most about 4 KiB and has at most 19 superiors.
pub const MAX_NAME_LEVELS: usize = 20;

/// Normalizes a mailbox name: `INBOX` (and the `INBOX/` prefix) in upper case, and checks it.
///
/// # Errors
/// For an empty name, an empty hierarchy level, wildcards or control characters
/// ([`StoreError::InvalidName`]); for a level longer than [`MAX_NAME_LEVEL`] or more than
/// [`MAX_NAME_LEVELS`] levels ([`StoreError::NameTooLong`]).
pub fn normalize_name(name: &str) -> Result<String, StoreError> {
    // Checked first and in one pass: a huge name costs no more than reading it.
    let mut levels = 0;
    for level in name.split(DELIMITER) {
        levels += 1;
        if level.len() > MAX_NAME_LEVEL || levels > MAX_NAME_LEVELS {
            return Err(StoreError::NameTooLong);
        }
    }
    let bad = || StoreError::InvalidName(name.to_owned());
    if name.is_empty()
        || name.split(DELIMITER).any(str::is_empty)
        || name.chars().any(|c| c == '%' || c == '*' || c.is_control())
    {
        return Err(bad());
    }
    let lower = name
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("INBOX"));
    if lower && (name.len() == 5 || name[5..].starts_with(DELIMITER)) {
        return Ok(format!("INBOX{}", &name[5..]));
    }
    Ok(name.to_owned())
}

const SUPPORTED_SPECIAL_USE: &[MailboxAttr] = &[
    MailboxAttr::All,
    MailboxAttr::Archive,
    MailboxAttr::Drafts,
    MailboxAttr::Flagged,
    MailboxAttr::Junk,
    MailboxAttr::Sent,
    MailboxAttr::Trash,
    MailboxAttr::Important,
];

impl Store {
    /// An empty store with the system clock.
    pub fn new() -> Store {
        let outside = Arc::new(Outside::default());
        Store {
            outside: outside.clone(),
            inner: Arc::new(Mutex::new(Inner {
                users: BTreeMap::new(),
                ids: Ids {
                    uid_validity: validity::UidValidities::Clock,
                    mailbox: 0,
                    email: 0,
                    thread: 0,
                    view: 0,
                    notifier: outside.notifier.clone(),
                },
                clock: Arc::new(system_clock),
                append_limit: None,
            })),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        worker::lock(&self.inner)
    }

    /// Replaces the clock (tests use a fixed time).
    pub fn set_clock(&self, clock: impl Fn() -> DateTime + Send + Sync + 'static) {
        self.lock().clock = Arc::new(clock);
    }

    /// The store's current time.
    pub fn now(&self) -> DateTime {
        let clock = self.lock().clock.clone();
        clock()
    }

    /// Gives the mailboxes created from now on the UIDVALIDITY values `first`, `first + 1`, ...
    /// instead of values from the wall clock, for tests that need fixed values. Without it
    /// every value is unique across restarts (see RFC 9051 section 2.3.1.1): the wall clock in
    /// seconds, strictly increasing. Call it before adding users (each gets an INBOX).
    pub fn set_uid_validity_seed(&self, first: NonZeroU32) {
        self.lock().ids.uid_validity = validity::UidValidities::Counter(first);
    }

    /// Sets APPENDLIMIT (RFC 7889) for every mailbox; `None` for no limit.
    pub fn set_append_limit(&self, limit: Option<u64>) {
        let mut g = self.lock();
        g.append_limit = limit;
        let stored = limit.map_or(0, |l| l.saturating_add(1));
        self.outside.append_limit.store(stored, Ordering::SeqCst);
    }

    /// The APPENDLIMIT in force.
    pub fn append_limit(&self) -> Option<u64> {
        match self.outside.append_limit.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n - 1),
        }
    }

    /// Adds a user with an empty INBOX.
    ///
    /// # Errors
    /// When the user exists already.
    pub fn add_user(&self, name: &str, password: &str) -> Result<Account, StoreError> {
        let mut g = self.lock();
        let Inner { users, ids, .. } = &mut *g;
        if users.contains_key(name) {
            return Err(StoreError::UserExists(name.into()));
        }
        let mut u = UserState::new(password.into());
        let inbox = ids.mailbox(name, "INBOX".into());
        u.mailboxes.insert(inbox.id, inbox);
        u.subscriptions.insert("INBOX".into());
        users.insert(name.into(), u);
        drop(g);
        Ok(Account {
            store: self.clone(),
            user: name.into(),
        })
    }

    /// User names, sorted.
    pub fn users(&self) -> Vec<String> {
        self.lock().users.keys().cloned().collect()
    }

    /// Checks the password and returns the user's account.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] for an unknown user or a wrong password.
    pub fn login(&self, user: &str, password: &str) -> Result<Account, StoreError> {
        let g = self.lock();
        match g.users.get(user) {
            Some(u) if u.password == password => Ok(Account {
                store: self.clone(),
                user: user.into(),
            }),
            _ => Err(StoreError::AuthenticationFailed),
        }
    }

    /// A user's account without a password: for tests and administration.
    ///
    /// # Errors
    /// When the user does not exist.
    pub fn account(&self, user: &str) -> Result<Account, StoreError> {
        if self.lock().users.contains_key(user) {
            Ok(Account {
                store: self.clone(),
                user: user.into(),
            })
        } else {
            Err(StoreError::NoSuchUser(user.into()))
        }
    }

    /// Calls `f` after every change to a mailbox some session has selected (a message added,
    /// flags changed, a message expunged), until the returned [`Watch`] is dropped. `f` runs
    /// with the store locked: it must only signal (send on a channel), never use the store.
    pub fn watch(&self, f: impl Fn() + Send + Sync + 'static) -> Watch {
        let notifier = self.outside.notifier.clone();
        notifier.add(Box::new(f))
    }

    /// The changes from generation `since` on that concern `user` (see [`Notifier::touched`]).
    pub fn touched(&self, user: &str, since: u64) -> Touched {
        self.outside.notifier.touched(user, since)
    }

    /// How many changes (to selected mailboxes) the store has seen; see [`Store::watch`].
    pub fn generation(&self) -> u64 {
        self.outside.notifier.generation()
    }

    /// A new session id, unique in this store.
    pub fn new_session(&self) -> SessionId {
        SessionId(self.outside.sessions.fetch_add(1, Ordering::SeqCst) + 1)
    }
}

/// APPENDUID data (RFC 4315): the destination's UIDVALIDITY and the UIDs assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendUid {
    /// UIDVALIDITY of the mailbox.
    pub uid_validity: NonZeroU32,
    /// The UIDs, in the order the messages were given.
    pub uids: Vec<Uid>,
}

/// One message of an APPEND (several with MULTIAPPEND).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// The message, stored byte for byte.
    pub raw: Bytes,
    /// Flags to set (`\Recent` is ignored).
    pub flags: Vec<Flag>,
    /// INTERNALDATE; the store's clock when `None`.
    pub date: Option<DateTime>,
}

impl NewMessage {
    /// A message with no flags and the current time.
    pub fn new(raw: impl Into<Bytes>) -> Self {
        NewMessage {
            raw: raw.into(),
            flags: Vec::new(),
            date: None,
        }
    }
}

/// One user's view of the store: mailbox operations that need no selected mailbox.
#[derive(Clone, Debug)]
pub struct Account {
    store: Store,
    user: String,
}

impl Account {
    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The store this account lives in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Tells the watchers that the mailbox list or the subscriptions changed (NOTIFY's
    /// MailboxName and SubscriptionChange, RFC 5465), after a successful change.
    fn told<R>(&self, r: Result<R, StoreError>) -> Result<R, StoreError> {
        if r.is_ok() {
            self.store
                .outside
                .notifier
                .bump_for(self.user.as_str().into(), None);
        }
        r
    }

    fn with<R>(
        &self,
        f: impl FnOnce(&mut UserState, &mut Ids, &Clock, Option<u64>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut g = self.store.lock();
        let Inner {
            users,
            ids,
            clock,
            append_limit,
        } = &mut *g;
        let u = users
            .get_mut(&self.user)
            .ok_or_else(|| StoreError::NoSuchUser(self.user.clone()))?;
        f(u, ids, clock, *append_limit)
    }

    /// CREATE, with CREATE-SPECIAL-USE attributes (RFC 6154). Missing superior names are
    /// created too. Creating a `\Noselect` name makes it a real mailbox.
    ///
    /// # Errors
    /// Invalid name, existing mailbox, unsupported special use.
    pub fn create(&self, name: &str, special_use: &[MailboxAttr]) -> Result<(), StoreError> {
        let name = normalize_name(name)?;
        if special_use
            .iter()
            .any(|a| !SUPPORTED_SPECIAL_USE.contains(a))
        {
            return Err(StoreError::UseAttr);
        }
        self.told(self.with(|u, ids, _, _| {
            if let Some(m) = u.by_name(&name) {
                if !m.noselect {
                    return Err(StoreError::AlreadyExists(name.clone()));
                }
                let old = m.id;
                u.mailboxes.remove(&old);
            }
            create_superiors(&self.user, u, ids, &name);
            let mut m = ids.mailbox(&self.user, name.clone());
            m.special_use = special_use.to_vec();
            u.mailboxes.insert(m.id, m);
            Ok(())
        }))
    }

    /// Sets the SPECIAL-USE attributes of an existing mailbox.
    ///
    /// # Errors
    /// Unknown mailbox or unsupported attribute.
    pub fn set_special_use(
        &self,
        name: &str,
        special_use: &[MailboxAttr],
    ) -> Result<(), StoreError> {
        let name = normalize_name(name)?;
        if special_use
            .iter()
            .any(|a| !SUPPORTED_SPECIAL_USE.contains(a))
        {
            return Err(StoreError::UseAttr);
        }
        self.with(|u, _, _, _| {
            let m = u
                .by_name_mut(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            m.special_use = special_use.to_vec();
            Ok(())
        })
    }

    /// DELETE (RFC 9051 section 6.3.5). A mailbox with inferior names loses its messages and
    /// becomes `\Noselect`; a `\Noselect` name with inferiors cannot be deleted.
    ///
    /// # Errors
    /// INBOX, unknown mailbox, `\Noselect` with children.
    pub fn delete(&self, name: &str) -> Result<(), StoreError> {
        let name = normalize_name(name)?;
        if name == "INBOX" {
            return Err(StoreError::Cannot("INBOX cannot be deleted"));
        }
        self.told(self.with(|u, ids, _, _| {
            let m = u
                .by_name(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            let (id, noselect) = (m.id, m.noselect);
            if u.has_children(&name) {
                if noselect {
                    return Err(StoreError::HasChildren);
                }
                u.mailboxes.remove(&id);
                let mut placeholder = ids.mailbox(&self.user, name.clone());
                placeholder.noselect = true;
                u.mailboxes.insert(placeholder.id, placeholder);
            } else {
                u.mailboxes.remove(&id);
            }
            Ok(())
        }))
    }

    /// RENAME (RFC 9051 section 6.3.6): inferior names move along; renaming INBOX moves its
    /// messages to a new mailbox and leaves INBOX empty (its inferiors stay). Subscriptions are
    /// not changed.
    ///
    /// # Errors
    /// Unknown source, existing destination, renaming a mailbox into itself.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        let from = normalize_name(from)?;
        let to = normalize_name(to)?;
        self.told(self.with(|u, ids, clock, _| {
            if u.by_name(&from).is_none() {
                return Err(StoreError::NonExistent(from.clone()));
            }
            if u.by_name(&to).is_some() {
                return Err(StoreError::AlreadyExists(to.clone()));
            }
            if to.starts_with(&format!("{from}{DELIMITER}")) {
                return Err(StoreError::Cannot("cannot rename a mailbox into itself"));
            }
            if from != "INBOX" {
                let prefix = format!("{from}{DELIMITER}");
                for m in u.mailboxes.values() {
                    if let Some(rest) = m.name.strip_prefix(&prefix) {
                        let new = format!("{to}{DELIMITER}{rest}");
                        if u.by_name(&new).is_some() {
                            return Err(StoreError::AlreadyExists(new));
                        }
                    }
                }
            }
            create_superiors(&self.user, u, ids, &to);
            if from == "INBOX" {
                let now = clock();
                let mut dest = ids.mailbox(&self.user, to.clone());
                let inbox = u.by_name_mut("INBOX").expect("checked above");
                let moved: Vec<_> = inbox.messages.clone();
                let uids: Vec<Uid> = moved.iter().map(|m| m.uid).collect();
                inbox.expunge(&uids, None);
                for m in moved {
                    dest.add(m.data, &m.flags, m.internal_date, now, None);
                }
                u.mailboxes.insert(dest.id, dest);
                return Ok(());
            }
            let prefix = format!("{from}{DELIMITER}");
            for m in u.mailboxes.values_mut() {
                if m.name == from {
                    m.name = to.clone();
                } else if let Some(rest) = m.name.strip_prefix(&prefix) {
                    m.name = format!("{to}{DELIMITER}{rest}");
                }
            }
            Ok(())
        }))
    }

    /// SUBSCRIBE. The name need not exist.
    ///
    /// # Errors
    /// Invalid name.
    pub fn subscribe(&self, name: &str) -> Result<(), StoreError> {
        let name = normalize_name(name)?;
        self.told(self.with(|u, _, _, _| {
            u.subscriptions.insert(name);
            Ok(())
        }))
    }

    /// UNSUBSCRIBE.
    ///
    /// # Errors
    /// Invalid name.
    pub fn unsubscribe(&self, name: &str) -> Result<(), StoreError> {
        let name = normalize_name(name)?;
        self.told(self.with(|u, _, _, _| {
            u.subscriptions.remove(&name);
            Ok(())
        }))
    }

    /// Subscribed names.
    pub fn subscriptions(&self) -> Vec<String> {
        self.with(|u, _, _, _| Ok(u.subscriptions.iter().cloned().collect()))
            .unwrap_or_default()
    }

    /// LIST with a reference name, patterns and LIST-EXTENDED options. Special-use attributes
    /// are always included.
    pub fn list(
        &self,
        reference: &str,
        patterns: &[&str],
        options: &ListRequest,
    ) -> Vec<ListEntry> {
        self.with(|u, _, _, _| Ok(list::list(u, reference, patterns, options)))
            .unwrap_or_default()
    }

    /// LSUB (IMAP4rev1).
    pub fn lsub(&self, reference: &str, pattern: &str) -> Vec<ListEntry> {
        self.with(|u, _, _, _| Ok(list::lsub(u, reference, pattern)))
            .unwrap_or_default()
    }

    /// Names of every mailbox, `\Noselect` ones included, sorted.
    pub fn mailboxes(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .with(|u, _, _, _| Ok(u.mailboxes.values().map(|m| m.name.clone()).collect()))
            .unwrap_or_default();
        v.sort();
        v
    }

    /// STATUS. Unknown items give [`StoreError::Unsupported`].
    ///
    /// # Errors
    /// Unknown or `\Noselect` mailbox, unsupported item.
    pub fn status(
        &self,
        name: &str,
        items: &[StatusItem],
    ) -> Result<Vec<(StatusItem, StatusValue)>, StoreError> {
        let name = normalize_name(name)?;
        self.with(|u, _, _, limit| {
            let m = u
                .by_name(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            if m.noselect {
                return Err(StoreError::NoSelect(name.clone()));
            }
            status_of(m, items, limit, None)
        })
    }

    /// APPEND one message. Returns APPENDUID data.
    ///
    /// # Errors
    /// Unknown destination (`TRYCREATE`), too big, over quota.
    pub fn append(
        &self,
        mailbox: &str,
        raw: impl Into<Bytes>,
        flags: &[Flag],
        date: Option<DateTime>,
    ) -> Result<AppendUid, StoreError> {
        self.append_many(
            mailbox,
            vec![NewMessage {
                raw: raw.into(),
                flags: flags.to_vec(),
                date,
            }],
        )
    }

    /// APPEND several messages at once (MULTIAPPEND, RFC 3502): all or none.
    ///
    /// # Errors
    /// As [`Account::append`].
    pub fn append_many(
        &self,
        mailbox: &str,
        messages: Vec<NewMessage>,
    ) -> Result<AppendUid, StoreError> {
        let name = normalize_name(mailbox).map_err(|_| StoreError::TryCreate(mailbox.into()))?;
        // Checked before parsing (the limit is read again under the lock).
        if let Some(l) = self.store.append_limit()
            && messages.iter().any(|m| m.raw.len() as u64 > l)
        {
            return Err(StoreError::TooBig);
        }
        let parsed: Vec<(NewMessage, Parsed)> = messages
            .into_iter()
            .map(|m| {
                let p = Parsed::new(m.raw.clone());
                (m, p)
            })
            .collect();
        self.with(|u, ids, clock, limit| {
            let m = u
                .by_name(&name)
                .ok_or_else(|| StoreError::TryCreate(name.clone()))?;
            if m.noselect {
                return Err(StoreError::NoSelect(name.clone()));
            }
            let sizes: Vec<u64> = parsed.iter().map(|(m, _)| m.raw.len() as u64).collect();
            if limit.is_some_and(|l| sizes.iter().any(|&s| s > l)) {
                return Err(StoreError::TooBig);
            }
            if !u.fits(&sizes) {
                return Err(StoreError::OverQuota);
            }
            let now = clock();
            let mut uids = Vec::new();
            for (msg, p) in parsed {
                let data = new_data(u, ids, p);
                let m = u.by_name_mut(&name).expect("checked above");
                uids.push(m.add(data, &msg.flags, msg.date.unwrap_or(now), now, None));
            }
            let m = u.by_name(&name).expect("checked above");
            Ok(AppendUid {
                uid_validity: m.uid_validity,
                uids,
            })
        })
    }

    /// Delivers a message as an MTA would (a test hook: the same as APPEND).
    ///
    /// # Errors
    /// As [`Account::append`].
    pub fn deliver(
        &self,
        mailbox: &str,
        raw: impl Into<Bytes>,
        flags: &[Flag],
        date: Option<DateTime>,
    ) -> Result<Uid, StoreError> {
        let a = self.append(mailbox, raw, flags, date)?;
        Ok(a.uids[0])
    }

    /// Replaces a message's flags, as another client would (a test hook).
    ///
    /// # Errors
    /// Unknown mailbox or UID.
    pub fn set_flags(&self, mailbox: &str, uid: Uid, flags: &[Flag]) -> Result<(), StoreError> {
        let name = normalize_name(mailbox)?;
        self.with(|u, _, _, _| {
            let m = u
                .by_name_mut(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            let idx = m
                .index(uid)
                .ok_or(StoreError::Cannot("no message with that UID"))?;
            m.set_flags(idx, flags.to_vec(), None);
            Ok(())
        })
    }

    /// Expunges messages by UID whatever their flags, as another client would (a test hook).
    /// Returns the UIDs that were present.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn expunge_uids(&self, mailbox: &str, uids: &[Uid]) -> Result<Vec<Uid>, StoreError> {
        let name = normalize_name(mailbox)?;
        self.with(|u, _, _, _| {
            let m = u
                .by_name_mut(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            Ok(m.expunge(uids, None))
        })
    }

    /// The UIDs in a mailbox, ascending.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn uids(&self, mailbox: &str) -> Result<Vec<Uid>, StoreError> {
        let name = normalize_name(mailbox)?;
        self.with(|u, _, _, _| {
            let m = u
                .by_name(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            Ok(m.messages.iter().map(|m| m.uid).collect())
        })
    }

    /// A message as a session-less snapshot (no `\Recent`).
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn message(&self, mailbox: &str, uid: Uid) -> Result<Option<MessageSnapshot>, StoreError> {
        Ok(self.message_with_validity(mailbox, uid)?.map(|(_, m)| m))
    }

    /// A message as a session-less snapshot, with its mailbox's UIDVALIDITY (what an IMAP URL
    /// checks, RFC 5092 section 6).
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn message_with_validity(
        &self,
        mailbox: &str,
        uid: Uid,
    ) -> Result<Option<(NonZeroU32, MessageSnapshot)>, StoreError> {
        let name = normalize_name(mailbox)?;
        self.with(|u, _, _, _| {
            let m = u
                .by_name(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            Ok(m.index(uid)
                .map(|i| (m.uid_validity, m.messages[i].snapshot(None))))
        })
    }

    /// Quota usage and limits (quota root `""`, resources STORAGE and MESSAGE).
    pub fn quota(&self) -> UserQuota {
        self.with(|u, _, _, _| Ok(u.quota())).unwrap_or_default()
    }

    /// Sets the quota limits: STORAGE in KiB and MESSAGE count; `None` for no limit.
    pub fn set_quota(&self, storage_kib: Option<u64>, messages: Option<u64>) {
        let _ = self.with(|u, _, _, _| {
            u.storage_limit = storage_kib;
            u.message_limit = messages;
            Ok(())
        });
    }

    /// SELECT (`read_only == false`) or EXAMINE. A read-write selection takes `\Recent` for
    /// every message no session has been told about yet.
    ///
    /// # Errors
    /// Unknown or `\Noselect` mailbox.
    pub fn select(
        &self,
        mailbox: &str,
        session: SessionId,
        read_only: bool,
    ) -> Result<(MailboxView, SelectInfo), StoreError> {
        let name = normalize_name(mailbox)?;
        let (id, view, info) = self.with(|u, ids, _, _| {
            let m = u
                .by_name_mut(&name)
                .ok_or_else(|| StoreError::NonExistent(name.clone()))?;
            if m.noselect {
                return Err(StoreError::NoSelect(name.clone()));
            }
            let recent = if read_only {
                m.messages
                    .iter()
                    .filter(|x| x.recent == message::Recent::Unclaimed)
                    .count() as u32
            } else {
                m.claim_recent(session)
            };
            ids.view += 1;
            m.log.register(ids.view, session, m.highest_modseq);
            let id = m.object_id();
            m.log.set_notifier(ids.notifier.clone(), &self.user, id);
            let info = view::select_info(m, recent, read_only);
            Ok((m.id, ids.view, info))
        })?;
        Ok((
            MailboxView::new(
                self.store.clone(),
                self.user.clone(),
                id,
                view,
                session,
                read_only,
            ),
            info,
        ))
    }
}

/// A new message content with EMAILID and THREADID assigned.
/// A message parsed (and its binary parts armored) before the store is locked: the MIME work
/// of a large APPEND must not hold every other session back.
pub(crate) struct Parsed {
    raw: Bytes,
    parsed: ParsedMessage,
}

impl Parsed {
    /// Parses `raw`, with no lock held.
    pub(crate) fn new(raw: Bytes) -> Self {
        let parsed = ParsedMessage::parse(&raw);
        // Binary parts are kept in base64, which IMAP can send in BODY[..] (mime::armor).
        match crate::mime::armored(&raw, &parsed) {
            Some(armored) => Parsed {
                parsed: ParsedMessage::parse(&armored),
                raw: armored,
            },
            None => Parsed { raw, parsed },
        }
    }
}

/// A stored message from a parsed one: only numbering happens here, under the lock.
fn new_data(u: &mut UserState, ids: &mut Ids, msg: Parsed) -> Arc<MessageData> {
    let Parsed { raw, parsed } = msg;
    ids.email += 1;
    let thread = u.thread_for(&parsed, || {
        ids.thread += 1;
        ids.thread
    });
    Arc::new(MessageData::with_parsed(raw, parsed, ids.email, thread))
}

/// Creates the missing superior names of `name`.
fn create_superiors(user: &str, u: &mut UserState, ids: &mut Ids, name: &str) {
    for (i, _) in name.match_indices(DELIMITER) {
        let sup = &name[..i];
        if u.by_name(sup).is_none() {
            let m = ids.mailbox(user, sup.to_owned());
            u.mailboxes.insert(m.id, m);
        }
    }
}

fn status_of(
    m: &MailboxState,
    items: &[StatusItem],
    append_limit: Option<u64>,
    viewer: Option<SessionId>,
) -> Result<Vec<(StatusItem, StatusValue)>, StoreError> {
    let count = |f: &Flag| m.messages.iter().filter(|x| x.has(f)).count() as u64;
    items
        .iter()
        .map(|item| {
            let v = match item {
                StatusItem::Messages => StatusValue::Number(m.messages.len() as u64),
                StatusItem::Recent => StatusValue::Number(m.recent_count(viewer)),
                StatusItem::UidNext => StatusValue::Number(u64::from(m.uid_next)),
                StatusItem::UidValidity => StatusValue::Number(u64::from(m.uid_validity.get())),
                StatusItem::Unseen => {
                    StatusValue::Number(m.messages.len() as u64 - count(&Flag::Seen))
                }
                StatusItem::Deleted => StatusValue::Number(count(&Flag::Deleted)),
                StatusItem::Size => StatusValue::Number(m.size()),
                StatusItem::HighestModSeq => StatusValue::Number(m.highest_modseq),
                StatusItem::AppendLimit => {
                    append_limit.map_or(StatusValue::Nil, StatusValue::Number)
                }
                StatusItem::MailboxId => StatusValue::MailboxId(m.object_id().into()),
                StatusItem::DeletedStorage => StatusValue::Number(
                    m.messages
                        .iter()
                        .filter(|x| x.has(&Flag::Deleted))
                        .map(|x| x.data.size().div_ceil(1024))
                        .sum(),
                ),
                other => return Err(StoreError::Unsupported(other.name().to_owned())),
            };
            Ok((item.clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::utc;
    use imap_core::types::{ListReturn, ListSelect};

    const MSG: &[u8] = b"Subject: t\r\n\r\nbody\r\n";

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn store() -> (Store, Account) {
        let s = Store::new();
        s.set_clock(|| utc(2024, 5, 1, 12, 0));
        let a = s.add_user("alice", "pw").unwrap();
        (s, a)
    }

    fn names(l: &[ListEntry]) -> Vec<String> {
        l.iter().map(|e| e.mailbox.to_string()).collect()
    }

    #[test]
    fn handles_are_shareable_across_threads() {
        fn check<T: Send + Sync + Clone>() {}
        fn check_send<T: Send + Sync>() {}
        check::<Store>();
        check::<Account>();
        check_send::<MailboxView>();
        check::<MessageSnapshot>();
    }

    #[test]
    fn login_checks_password() {
        let (s, _) = store();
        assert!(s.login("alice", "pw").is_ok());
        assert_eq!(
            s.login("alice", "nope").unwrap_err(),
            StoreError::AuthenticationFailed
        );
        assert_eq!(
            s.login("mallory", "pw").unwrap_err().code(),
            Some(Code::Simple(SimpleCode::AuthenticationFailed))
        );
        assert!(s.add_user("alice", "x").is_err());
    }

    #[test]
    fn uids_ascend_and_are_never_reused() {
        let (_, a) = store();
        let r = a.append("INBOX", MSG, &[], None).unwrap();
        assert_eq!(r.uids, vec![uid(1)]);
        a.append("inbox", MSG, &[], None).unwrap();
        a.append("INBOX", MSG, &[], None).unwrap();
        assert_eq!(a.expunge_uids("INBOX", &[uid(3)]).unwrap(), vec![uid(3)]);
        assert_eq!(
            a.append("INBOX", MSG, &[], None).unwrap().uids,
            vec![uid(4)]
        );
        assert_eq!(a.uids("INBOX").unwrap(), vec![uid(1), uid(2), uid(4)]);
        let st = a.status("INBOX", &[StatusItem::UidNext]).unwrap();
        assert_eq!(st[0].1, StatusValue::Number(5));
        // A re-created mailbox gets a new UIDVALIDITY.
        a.create("Box", &[]).unwrap();
        let v1 = a.status("Box", &[StatusItem::UidValidity]).unwrap();
        a.delete("Box").unwrap();
        a.create("Box", &[]).unwrap();
        let v2 = a.status("Box", &[StatusItem::UidValidity]).unwrap();
        assert_ne!(v1, v2);
    }

    fn validities(s: &Store, user: &str) -> Vec<u64> {
        let a = s.account(user).unwrap();
        a.mailboxes()
            .iter()
            .map(
                |m| match a.status(m, &[StatusItem::UidValidity]).unwrap()[0].1 {
                    StatusValue::Number(n) => n,
                    ref other => panic!("{other:?}"),
                },
            )
            .collect()
    }

    /// RFC 9051 section 2.3.1.1: a restarted server (a new in-memory store built the same
    /// way) gives every mailbox a new UIDVALIDITY, so a client's saved UIDs are invalidated
    /// instead of silently matching other messages. Before: 1, 2, 3, ... on every run.
    #[test]
    fn uid_validity_is_unique_across_restarts() {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let first = validities(&crate::demo::demo_store(), crate::demo::DEMO_USER);
        let second = validities(&crate::demo::demo_store(), crate::demo::DEMO_USER);
        assert!(first.len() > 1);
        assert!(
            first.iter().all(|&v| v + 1 >= secs),
            "{first:?} from the clock"
        );
        for (a, b) in first.iter().zip(&second) {
            assert!(a < b, "{first:?} then {second:?}");
        }
        // A seeded store gives fixed values, the same on every run.
        let seeded = || {
            let s = Store::new();
            s.set_uid_validity_seed(NonZeroU32::new(100).unwrap());
            s.add_user("bob", "pw").unwrap().create("A", &[]).unwrap();
            validities(&s, "bob")
        };
        assert_eq!(seeded(), vec![101, 100], "A, then INBOX");
        assert_eq!(seeded(), vec![101, 100], "A, then INBOX");
    }

    #[test]
    fn create_delete_hierarchy_rules() {
        let (_, a) = store();
        a.create("a/b/c", &[]).unwrap();
        assert_eq!(a.mailboxes(), vec!["INBOX", "a", "a/b", "a/b/c"]);
        assert_eq!(
            a.create("a/b", &[]).unwrap_err(),
            StoreError::AlreadyExists("a/b".into())
        );
        assert!(a.create("INBOX", &[]).is_err());
        assert!(a.create("x//y", &[]).is_err());
        assert!(a.create("x*", &[]).is_err());
        assert_eq!(
            a.delete("INBOX").unwrap_err().code(),
            Some(Code::Simple(SimpleCode::Cannot))
        );
        assert!(matches!(a.delete("nope"), Err(StoreError::NonExistent(_))));
        // Deleting a name with inferiors makes it \Noselect.
        a.append("a", MSG, &[], None).unwrap();
        a.delete("a").unwrap();
        assert!(matches!(a.status("a", &[]), Err(StoreError::NoSelect(_))));
        let l = a.list("", &["*"], &ListRequest::default());
        assert_eq!(l[1].attributes, vec![MailboxAttr::NoSelect]);
        assert_eq!(a.delete("a").unwrap_err(), StoreError::HasChildren);
        a.delete("a/b/c").unwrap();
        a.delete("a/b").unwrap();
        a.delete("a").unwrap();
        assert_eq!(a.mailboxes(), vec!["INBOX"]);
        // CREATE on a \Noselect name makes it selectable again.
        a.create("p/q", &[]).unwrap();
        a.delete("p").unwrap();
        a.create("p", &[]).unwrap();
        assert!(a.status("p", &[StatusItem::Messages]).is_ok());
        assert_eq!(
            a.create("x", &[MailboxAttr::Remote]),
            Err(StoreError::UseAttr)
        );
    }

    #[test]
    fn rename_moves_children() {
        let (_, a) = store();
        a.create("foo/bar", &[]).unwrap();
        a.append("foo", MSG, &[], None).unwrap();
        let v = a.status("foo", &[StatusItem::UidValidity]).unwrap();
        a.rename("foo", "zap/zowie").unwrap();
        assert_eq!(
            a.mailboxes(),
            vec!["INBOX", "zap", "zap/zowie", "zap/zowie/bar"]
        );
        assert_eq!(
            a.status("zap/zowie", &[StatusItem::UidValidity]).unwrap(),
            v
        );
        assert_eq!(a.uids("zap/zowie").unwrap().len(), 1);
        assert!(matches!(
            a.rename("nope", "x"),
            Err(StoreError::NonExistent(_))
        ));
        assert!(matches!(
            a.rename("zap", "INBOX"),
            Err(StoreError::AlreadyExists(_))
        ));
        assert!(matches!(
            a.rename("zap", "zap/in"),
            Err(StoreError::Cannot(_))
        ));
        // A \Noselect name still exists as a destination.
        a.create("c/bar", &[]).unwrap();
        a.delete("c").unwrap();
        assert_eq!(
            a.rename("zap", "c"),
            Err(StoreError::AlreadyExists("c".into()))
        );
    }

    #[test]
    fn renaming_inbox_moves_messages_and_leaves_it_empty() {
        let (s, a) = store();
        a.create("INBOX/child", &[]).unwrap();
        a.append("INBOX", MSG, &[Flag::Seen], Some(utc(2020, 1, 1, 0, 0)))
            .unwrap();
        a.append("INBOX", MSG, &[], None).unwrap();
        let sess = s.new_session();
        let (mut view, _) = a.select("INBOX", sess, false).unwrap();
        a.rename("inbox", "old-mail").unwrap();
        assert_eq!(a.mailboxes(), vec!["INBOX", "INBOX/child", "old-mail"]);
        assert!(a.uids("INBOX").unwrap().is_empty());
        assert_eq!(a.uids("old-mail").unwrap(), vec![uid(1), uid(2)]);
        let m = a.message("old-mail", uid(1)).unwrap().unwrap();
        assert_eq!(m.flags, vec![Flag::Seen]);
        assert_eq!(m.internal_date, utc(2020, 1, 1, 0, 0));
        // A session with INBOX selected sees the messages go.
        let ch = view.poll().unwrap();
        assert_eq!(
            ch.iter()
                .filter(|c| matches!(c, Change::Expunged { .. }))
                .count(),
            2
        );
        // New mail still arrives in INBOX, with UIDs after the old ones.
        assert_eq!(
            a.append("INBOX", MSG, &[], None).unwrap().uids,
            vec![uid(3)]
        );
    }

    #[test]
    fn subscriptions_and_list_extended() {
        let (_, a) = store();
        for n in ["Fruit/Apple", "Fruit/Banana", "Tofu", "Vegetable/Broccoli"] {
            a.create(n, &[]).unwrap();
        }
        a.create("Sent", &[MailboxAttr::Sent]).unwrap();
        a.subscribe("Fruit/Banana").unwrap();
        a.subscribe("Peach").unwrap();
        a.subscribe("Tofu").unwrap();
        a.delete("Vegetable").unwrap();
        let all = a.list("", &["*"], &ListRequest::default());
        assert_eq!(
            names(&all),
            vec![
                "INBOX",
                "Fruit",
                "Fruit/Apple",
                "Fruit/Banana",
                "Sent",
                "Tofu",
                "Vegetable",
                "Vegetable/Broccoli"
            ]
        );
        let top = a.list(
            "",
            &["%"],
            &ListRequest::from_command(&[], &[ListReturn::Children]),
        );
        assert_eq!(
            names(&top),
            vec!["INBOX", "Fruit", "Sent", "Tofu", "Vegetable"]
        );
        assert!(top[1].attributes.contains(&MailboxAttr::HasChildren));
        assert!(top[2].attributes.contains(&MailboxAttr::HasNoChildren));
        assert!(top[2].attributes.contains(&MailboxAttr::Sent));
        assert_eq!(
            names(&a.list("Fruit/", &["%"], &ListRequest::default())),
            vec!["Fruit/Apple", "Fruit/Banana"]
        );
        let sub = a.list(
            "",
            &["*"],
            &ListRequest::from_command(&[ListSelect::Subscribed], &[]),
        );
        assert_eq!(names(&sub), vec!["INBOX", "Fruit/Banana", "Peach", "Tofu"]);
        assert!(sub[2].attributes.contains(&MailboxAttr::NonExistent));
        assert!(
            sub.iter()
                .all(|e| e.attributes.contains(&MailboxAttr::Subscribed))
        );
        let rec = a.list(
            "",
            &["%"],
            &ListRequest::from_command(&[ListSelect::Subscribed, ListSelect::RecursiveMatch], &[]),
        );
        assert_eq!(names(&rec), vec!["INBOX", "Fruit", "Peach", "Tofu"]);
        assert_eq!(rec[1].extended[0].0.as_bytes(), b"CHILDINFO");
        assert!(!rec[1].attributes.contains(&MailboxAttr::Subscribed));
        let su = a.list(
            "",
            &["*"],
            &ListRequest::from_command(&[ListSelect::SpecialUse], &[]),
        );
        assert_eq!(names(&su), vec!["Sent"]);
        let root = a.list("", &[""], &ListRequest::default());
        assert_eq!(root[0].attributes, vec![MailboxAttr::NoSelect]);
        assert_eq!(root[0].delimiter, Some(b'/'));
        assert_eq!(
            names(&a.list("", &["inbox"], &ListRequest::default())),
            vec!["INBOX"]
        );
        assert_eq!(
            names(&a.lsub("", "%")),
            vec!["INBOX", "Fruit", "Peach", "Tofu"]
        );
        assert_eq!(a.lsub("", "%")[1].attributes, vec![MailboxAttr::NoSelect]);
        a.unsubscribe("Peach").unwrap();
        assert!(!a.subscriptions().contains(&"Peach".to_owned()));
    }

    #[test]
    fn status_items() {
        let (s, a) = store();
        s.set_append_limit(Some(1000));
        a.append("INBOX", MSG, &[Flag::Seen], None).unwrap();
        a.append("INBOX", MSG, &[Flag::Deleted], None).unwrap();
        let st = a
            .status(
                "INBOX",
                &[
                    StatusItem::Messages,
                    StatusItem::Recent,
                    StatusItem::Unseen,
                    StatusItem::Deleted,
                    StatusItem::Size,
                    StatusItem::HighestModSeq,
                    StatusItem::AppendLimit,
                    StatusItem::DeletedStorage,
                ],
            )
            .unwrap();
        let nums: Vec<_> = st.iter().map(|(_, v)| v.clone()).collect();
        assert_eq!(
            nums,
            [2, 2, 1, 1, 2 * MSG.len() as u64, 3, 1000, 1].map(StatusValue::Number)
        );
        let id = a.status("INBOX", &[StatusItem::MailboxId]).unwrap();
        assert!(matches!(&id[0].1, StatusValue::MailboxId(s) if s.as_bytes()[0] == b'F'));
        assert!(matches!(
            a.status(
                "INBOX",
                &[StatusItem::Other(imap_core::types::Atom::from_static("X"))]
            ),
            Err(StoreError::Unsupported(_))
        ));
        assert!(matches!(
            a.append("INBOX", vec![b'x'; 1001], &[], None),
            Err(StoreError::TooBig)
        ));
        assert!(matches!(
            a.append("Nope", MSG, &[], None),
            Err(StoreError::TryCreate(_))
        ));
        assert_eq!(
            StoreError::TryCreate("x".into()).code(),
            Some(Code::TryCreate)
        );
    }

    #[test]
    fn quota_limits_storage_and_messages() {
        let (_, a) = store();
        a.set_quota(Some(2), Some(3));
        a.append("INBOX", vec![b'a'; 1500], &[], None).unwrap();
        let q = a.quota();
        assert_eq!((q.storage_used, q.messages_used), (2, 1));
        assert_eq!(
            a.append("INBOX", MSG, &[], None).unwrap_err(),
            StoreError::OverQuota
        );
        a.set_quota(None, Some(2));
        a.append("INBOX", MSG, &[], None).unwrap();
        assert_eq!(
            a.append_many("INBOX", vec![NewMessage::new(MSG)])
                .unwrap_err(),
            StoreError::OverQuota
        );
        assert_eq!(
            a.quota().resources(),
            vec![imap_core::types::QuotaResource {
                name: imap_core::types::Atom::from_static("MESSAGE"),
                usage: 2,
                limit: 2
            }]
        );
        a.set_quota(None, None);
        assert!(a.quota().resources().is_empty());
        let r = a
            .append_many("INBOX", vec![NewMessage::new(MSG), NewMessage::new(MSG)])
            .unwrap();
        assert_eq!(r.uids, vec![uid(3), uid(4)]);
        assert_eq!(a.quota().messages_used, 4);
    }

    #[test]
    fn thread_ids_follow_references() {
        let (_, a) = store();
        a.append("INBOX", &b"Message-ID: <a@x>\r\n\r\n"[..], &[], None)
            .unwrap();
        a.append(
            "INBOX",
            &b"Message-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\n\r\n"[..],
            &[],
            None,
        )
        .unwrap();
        a.append("INBOX", &b"Message-ID: <c@x>\r\n\r\n"[..], &[], None)
            .unwrap();
        let t = |n| {
            a.message("INBOX", uid(n))
                .unwrap()
                .unwrap()
                .data
                .thread_id()
        };
        let e = |n| a.message("INBOX", uid(n)).unwrap().unwrap().data.email_id();
        assert_eq!(t(1), t(2));
        assert_ne!(t(1), t(3));
        assert_ne!(e(1), e(2));
    }
}
