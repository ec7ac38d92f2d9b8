//! What every driver re-exports at its root (`pub use imap_connect::exports::*;`), defined
//! once: the shared settings and error, and the core's types a user of a driver names.

pub use crate::connector::{Connector, LoginMethod, Security};
pub use crate::error::{Error, LoginError, Result, SettingsError, TimedOut};
pub use crate::tls::TlsOptions;
pub use crate::wire::LOGOUT_ON_DROP;
pub use imap_core;
pub use imap_core::client::{Event, MailboxSummary};
pub use imap_core::ops::date;
pub use imap_core::ops::fetch::{FetchQuery, Message, Messages, PartInfo, outline, parse_headers};
pub use imap_core::ops::flags::{format_flags, parse_flag, parse_flags};
pub use imap_core::ops::folders::{Folder, FolderStatus, ListOptions, SpecialUse};
pub use imap_core::ops::messages::{Appended, Expunged, UidMapping};
pub use imap_core::ops::op::{FlagMap, LabelMap, Resynced};
pub use imap_core::ops::reconnect::Backoff;
pub use imap_core::ops::search::Query;
pub use imap_core::ops::url::ImapUrl;
pub use imap_core::sasl::{Credentials, Mechanism};
pub use imap_core::types;

/// The compact UID set holding `uids`; `None` when there are none (IMAP has no empty set).
pub fn uid_set(uids: &[types::Uid]) -> Option<types::UidSet> {
    types::UidSet::from_keys(uids.iter().copied()).ok()
}

/// The compact sequence set holding `seqs`; `None` when there are none.
pub fn seq_set(seqs: &[types::SeqNum]) -> Option<types::SeqSet> {
    types::SeqSet::from_keys(seqs.iter().copied()).ok()
}

/// The shell command line `command` as a process (`sh -c`, or `cmd /C` on Windows) for a
/// driver's `connect_command`, its stderr inherited.
pub fn shell_command(command: &str) -> std::process::Command {
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut cmd = std::process::Command::new(shell);
    cmd.arg(flag)
        .arg(command)
        .stderr(std::process::Stdio::inherit());
    cmd
}
