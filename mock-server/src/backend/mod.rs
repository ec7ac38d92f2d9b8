//! The mailbox store behind the protocol layer, as traits: put any store behind the server.
//!
//! The protocol layer ([`MockSession`](crate::session::MockSession)) never touches the in-memory
//! [`Store`](crate::store::Store) directly; it talks to these traits, which the in-memory store
//! implements (in [`memory`]) and which a test can implement to serve another store (a
//! maildir, a database, a wrapper that counts calls or fails on purpose):
//!
//! - [`MailStore`]: the server's store. Sessions, password login, change notification, and the
//!   probes for optional capabilities.
//! - [`MailAccount`]: one user's mailboxes: CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LIST, LSUB,
//!   STATUS, APPEND, SELECT.
//! - [`SelectionHandle`]: one session's selected mailbox: the change feed the session
//!   announces from (RFC 9051 section 7.5.1 and RFC 2180 decide when), messages as
//!   [`MessageSnapshot`](crate::store::MessageSnapshot)s, STORE, EXPUNGE, COPY, MOVE, and the CONDSTORE / QRESYNC queries.
//!   FETCH, SEARCH, SORT and THREAD have provided implementations computed from snapshots;
//!   a store with an index of its own overrides them.
//!
//! # Extension traits
//!
//! A capability that not every store can offer is a trait of its own, found by a probe on
//! [`MailStore`] that returns `None` by default. The session advertises the capability only
//! when the probe finds it:
//!
//! | probe | trait | capabilities |
//! |---|---|---|
//! | [`MailStore::as_sasl`] | [`SaslStore`] | `AUTH=SCRAM-SHA-256`, `AUTH=CRAM-MD5` |
//! | [`MailStore::as_oauth`] | [`OAuthStore`] | `AUTH=XOAUTH2`, `AUTH=OAUTHBEARER` (when the server option is on) |
//! | [`MailStore::as_quota`] | [`QuotaStore`] | `QUOTA`, `QUOTA=RES-STORAGE`, `QUOTA=RES-MESSAGE` |
//! | [`MailStore::as_acl`] | [`AclStore`] | `ACL`, `RIGHTS=texk` |
//! | [`MailStore::as_metadata`] | [`MetadataStore`] | `METADATA`, `METADATA-SERVER` |
//! | [`MailStore::append_limit`] | (a value) | `APPENDLIMIT=n` |
//!
//! # Example: a store wrapper that refuses a user
//!
//! ```
//! use mock_server::backend::{MailAccount, MailStore};
//! use mock_server::listener::MockServer;
//! use mock_server::store::{SessionId, Store, StoreError, Watch};
//! use std::sync::Arc;
//!
//! /// The in-memory store, but `mallory` may never log in, and no SASL, OAuth or QUOTA.
//! #[derive(Clone)]
//! struct Guarded(Store);
//!
//! impl MailStore for Guarded {
//!     fn new_session(&self) -> SessionId {
//!         self.0.new_session()
//!     }
//!     fn login(&self, user: &str, password: &str) -> Result<Arc<dyn MailAccount>, StoreError> {
//!         if user == "mallory" {
//!             return Err(StoreError::AuthenticationFailed);
//!         }
//!         MailStore::login(&self.0, user, password)
//!     }
//!     fn watch(&self, wake: Box<dyn Fn() + Send + Sync>) -> Watch {
//!         self.0.watch(wake)
//!     }
//! }
//!
//! let store = Store::builder().user("alice", "pw").user("mallory", "pw").build().unwrap();
//! let server = MockServer::builder().backend(Guarded(store)).build().unwrap();
//! assert!(server.store().0.users().contains(&"mallory".to_owned()));
//! ```

mod account;
pub mod memory;
mod selected;

pub use account::MailAccount;
pub use selected::{FetchedMessage, SelectionHandle};

use crate::store::acl::{RightsChange, RightsList};
use crate::store::metadata::{MetadataChanges, MetadataFound};
use crate::store::{SessionId, StoreError, UserQuota, Watch};
use bytes::Bytes;
use imap_core::sasl::{CramMd5Response, CramMd5Server, ScramCredentials};
use imap_core::types::DateTime;
use imap_core::types::MetadataDepth;
use std::sync::Arc;

/// The server's mailbox store: what every session shares.
///
/// Implementations are shared between the sessions of a server (each holds an
/// `Arc<dyn MailStore>`), so they synchronise internally.
pub trait MailStore: Send + Sync + 'static {
    /// A new session id, unique in this store: it tells a session's own changes apart in the
    /// change feed and decides who gets `\Recent`.
    fn new_session(&self) -> SessionId;

    /// LOGIN and AUTHENTICATE PLAIN: the user's account when the password is right.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] (or [`StoreError::NoSuchUser`]) when it is not;
    /// the session answers both with `NO [AUTHENTICATIONFAILED]`.
    fn login(&self, user: &str, password: &str) -> Result<Arc<dyn MailAccount>, StoreError>;

    /// Calls `wake` after every change a selected session should hear of (a message added,
    /// flags changed, a message expunged), until the returned [`Watch`] is dropped: the
    /// listener wakes IDLE sessions with it. `wake` only signals; it must not call back into
    /// the store. [`Notifier`](crate::store::Notifier) implements the bookkeeping.
    fn watch(&self, wake: Box<dyn Fn() + Send + Sync>) -> Watch;

    /// The changes from point `since` on that concern `user` (which mailboxes, by object id),
    /// so a NOTIFY session does work only for its own user's changed mailboxes; `None` (the
    /// default) when the store cannot say: the session then looks at all it watches.
    fn touched(&self, user: &str, since: u64) -> Option<crate::store::Touched> {
        let _ = (user, since);
        None
    }

    /// The current time, for INTERNALDATE and SEARCH's relative dates (OLDER, YOUNGER). The
    /// system clock unless overridden.
    fn now(&self) -> DateTime {
        crate::store::system_clock()
    }

    /// The largest message APPEND accepts (RFC 7889 `APPENDLIMIT`); `None` for no limit.
    fn append_limit(&self) -> Option<u64> {
        None
    }

    /// The SASL mechanisms that need more than a password check (SCRAM, CRAM-MD5), if this
    /// store supports them.
    fn as_sasl(&self) -> Option<&dyn SaslStore> {
        None
    }

    /// Bearer tokens (XOAUTH2, OAUTHBEARER), if this store supports them.
    fn as_oauth(&self) -> Option<&dyn OAuthStore> {
        None
    }

    /// Quotas (RFC 9208), if this store keeps them.
    fn as_quota(&self) -> Option<&dyn QuotaStore> {
        None
    }

    /// Access control lists (RFC 4314), if this store keeps them.
    fn as_acl(&self) -> Option<&dyn AclStore> {
        None
    }

    /// Annotations (RFC 5464), if this store keeps them.
    fn as_metadata(&self) -> Option<&dyn MetadataStore> {
        None
    }
}

/// Extension: the credentials SCRAM-SHA-256 (RFC 5802, RFC 7677) and CRAM-MD5 (RFC 2195) need,
/// without the password leaving the store.
pub trait SaslStore: Send + Sync {
    /// The user's SCRAM-SHA-256 salted keys; `None` for an unknown user (the session then
    /// continues with made-up keys, so the exchange fails at the proof, RFC 5802 section 9).
    fn scram_credentials(&self, user: &str) -> Option<ScramCredentials>;

    /// The account of a user whose SCRAM proof the session has verified.
    ///
    /// # Errors
    /// When the user no longer exists.
    fn account(&self, user: &str) -> Result<Arc<dyn MailAccount>, StoreError>;

    /// Checks a CRAM-MD5 response to `exchange`'s challenge and returns the user's account.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] for an unknown user or a wrong digest.
    fn login_cram_md5(
        &self,
        exchange: &CramMd5Server,
        response: &CramMd5Response,
    ) -> Result<Arc<dyn MailAccount>, StoreError>;
}

/// Extension: OAuth 2.0 bearer tokens (RFC 7628 OAUTHBEARER, Google's XOAUTH2).
pub trait OAuthStore: Send + Sync {
    /// The account `token` was issued for. `user` is the user the client named (XOAUTH2's
    /// `user=`, OAUTHBEARER's authzid); `None` lets the token say whose it is.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] when the token is unknown or names another user.
    fn login_oauth(
        &self,
        user: Option<&str>,
        token: &str,
    ) -> Result<Arc<dyn MailAccount>, StoreError>;
}

/// Extension: QUOTA (RFC 9208), one quota root `""` per user.
pub trait QuotaStore: Send + Sync {
    /// The user's usage and limits.
    ///
    /// # Errors
    /// When the user does not exist.
    fn quota(&self, user: &str) -> Result<UserQuota, StoreError>;
}

/// Extension: access control lists (RFC 4314) on `user`'s mailboxes. Names are as
/// [`MailAccount`] takes them; rights are canonical letters (see [`crate::store::acl`]).
pub trait AclStore: Send + Sync {
    /// GETACL: identifiers and their rights, the owner first.
    ///
    /// # Errors
    /// An unknown mailbox.
    fn acl(&self, user: &str, mailbox: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// SETACL.
    ///
    /// # Errors
    /// An unknown mailbox, a change the store refuses.
    fn set_acl(
        &self,
        user: &str,
        mailbox: &str,
        identifier: &str,
        change: &RightsChange,
    ) -> Result<(), StoreError>;

    /// DELETEACL.
    ///
    /// # Errors
    /// As [`AclStore::set_acl`].
    fn delete_acl(&self, user: &str, mailbox: &str, identifier: &str) -> Result<(), StoreError>;

    /// MYRIGHTS: the rights `user` has on the mailbox.
    ///
    /// # Errors
    /// An unknown mailbox.
    fn my_rights(&self, user: &str, mailbox: &str) -> Result<String, StoreError>;

    /// LISTRIGHTS: what may be granted to `identifier`.
    ///
    /// # Errors
    /// An unknown mailbox.
    fn list_rights(
        &self,
        user: &str,
        mailbox: &str,
        identifier: &str,
    ) -> Result<RightsList, StoreError>;
}

/// Extension: annotations (RFC 5464), on `user`'s mailboxes and (mailbox `""`) the server.
/// Entry names come checked and in lower case ([`crate::store::metadata::entry_name`]).
pub trait MetadataStore: Send + Sync {
    /// GETMETADATA.
    ///
    /// # Errors
    /// An unknown mailbox.
    fn metadata(
        &self,
        user: &str,
        mailbox: &str,
        entries: &[String],
        depth: Option<MetadataDepth>,
        max_size: Option<u64>,
    ) -> Result<MetadataFound, StoreError>;

    /// SETMETADATA: all changes or none (`None` removes an entry).
    ///
    /// # Errors
    /// An unknown mailbox, a value too large ([`StoreError::MetadataTooBig`]), too many entries
    /// ([`StoreError::MetadataTooMany`]).
    fn set_metadata(
        &self,
        user: &str,
        mailbox: &str,
        changes: &[(String, Option<Bytes>)],
    ) -> Result<(), StoreError>;

    /// The SETMETADATA changes of `user` from point `since` on, for NOTIFY (RFC 5465 sections
    /// 5.6, 5.7); a store that offers this calls the watchers after each SETMETADATA.
    ///
    /// # Errors
    /// An unknown user.
    fn metadata_changes(&self, user: &str, since: u64) -> Result<MetadataChanges, StoreError>;
}
