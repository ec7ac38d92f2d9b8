//! High-level operations, sans-IO: each method a user calls (login with its fallbacks,
//! select, fetch, move with its COPY + STORE + UID EXPUNGE fallback, IDLE, ...) is an
//! [`Operation`] that drives the client through its commands and yields a typed output. An
//! [`crate::engine::Engine`] runs one; every IMAP decision is taken here, once, for every
//! driver.
//!
//! Most operations are one command whose completion is mapped to a result ([`Simple`]);
//! the others are small state machines, one per module.

mod caps;
mod connect;
mod error;
mod fetch;
mod fetch_stream;
mod folders;
mod idle;
mod info;
mod login;
mod messages;
mod oauth2;
mod resync;
mod search;
mod select;
mod session;
mod simple;
mod store;

pub use caps::GetCapabilities;
pub use connect::{Greeting, StartTls};
pub use error::{Missing, OpError};
pub use fetch::{
    STREAM_THRESHOLD, StreamSection, fetch, fetch_one, fetch_parsed, fetch_part_decoded, fetch_text,
};
pub use fetch_stream::{FetchMessages, FetchNext, FetchStart};
pub use folders::{
    FindSpecialFolder, ListFolders, create_folder, delete_folder, folder_exists, folder_status,
    folders, folders_with_status, rename_folder, status, subscribe, unsubscribe, xlist_folders,
};
pub use idle::{IdleDone, IdleNext, IdleStart, IdleWait};
pub use info::{
    ListedRights, MetadataEntry, QuotaRoots, acl, delete_acl, list_rights, metadata, my_rights,
    quota, quota_root, set_acl, set_metadata, set_quota,
};
pub use login::{Authenticate, AuthenticateAuto, Login, choose_mechanism};
pub use messages::{
    DeleteAndExpunge, ExpungeUids, MoveMessages, MultiAppend, append, copy, expunge,
};
pub use oauth2::OAuth2Login;
pub use resync::{MailboxState, Resync, ResyncMethod, Resynced};
pub use search::{
    Search, esort, gmail_search, search_seq, search_seq_charset, sort, sort_seq, thread, thread_seq,
};
pub use select::{Access, Select, SelectOptions, Unselect};
pub use session::{
    Compress, IdParam, LOGOUT_LINGER, Logout, check, close, command, enable, id, namespace, noop,
    proxy_auth, raw_command,
};
pub use simple::Simple;
pub use store::{FlagMap, LabelMap, delete, flags, labels, store, store_keywords, store_labels};

use crate::engine::OpContext;
use std::task::Poll;
use std::time::Instant;

/// A sans-IO operation: one or more commands and the decisions between them, yielding
/// [`Operation::Output`].
///
/// The engine calls [`Operation::step`] whenever something may have changed for it (input,
/// a timeout, a finished TLS upgrade, the start); the operation issues commands through the
/// [`OpContext`], looks at what arrived, and returns `Ready` once finished. It never blocks
/// and never does I/O.
pub trait Operation: Send {
    /// What the operation yields.
    type Output: Send;

    /// Advances the operation. Called again after every input, timeout or TLS upgrade until
    /// it returns `Ready`; not called after that.
    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Self::Output, OpError>>;

    /// A wake-up time of the operation's own (an IDLE wait with a timeout): the engine's
    /// [`crate::engine::Step::Wait`] is no later. `None` by default.
    fn wake_at(&self) -> Option<Instant> {
        None
    }

    /// Whether the operation works on a running IDLE (waits for its updates, ends it), so that
    /// starting it must not end that IDLE first. `false` by default.
    fn keeps_idle(&self) -> bool {
        false
    }

    /// Whether the operation goes on with a command an earlier operation handed over
    /// ([`Operation::hands_over`]; the next message of a streamed FETCH): it starts without
    /// forgetting the commands, completions and data the engine keeps for the operation
    /// before it. `false` by default: an operation forgets what the one before left.
    fn continues(&self) -> bool {
        false
    }

    /// Whether the commands the operation sent stay claimed when it finishes, for an
    /// operation that [continues](Operation::continues) them (a streamed FETCH's start and
    /// its messages). `false` by default: the engine forgets them when the operation ends.
    fn hands_over(&self) -> bool {
        false
    }
}
