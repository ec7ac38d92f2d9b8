//! One user: credentials, mailboxes, subscriptions, quota and the thread registry behind
//! THREADID.

use super::mailbox::MailboxState;
use crate::mime::ParsedMessage;
use imap_core::sasl::ScramCredentials;
use imap_core::types::{Atom, QuotaResource};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The hierarchy delimiter.
pub const DELIMITER: char = '/';

/// Quota limits and usage of one user (RFC 9208, one quota root `""` per user).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserQuota {
    /// `STORAGE` usage in KiB (1024 octets, rounded up per message).
    pub storage_used: u64,
    /// `STORAGE` limit in KiB, if any.
    pub storage_limit: Option<u64>,
    /// `MESSAGE` usage: number of messages in all mailboxes.
    pub messages_used: u64,
    /// `MESSAGE` limit, if any.
    pub message_limit: Option<u64>,
}

impl UserQuota {
    /// The quota root every user has (RFC 9208): the empty name.
    pub const ROOT: &'static str = "";

    /// The resources that have a limit, as a QUOTA response lists them.
    pub fn resources(&self) -> Vec<QuotaResource> {
        let mut v = Vec::new();
        if let Some(limit) = self.storage_limit {
            v.push(QuotaResource {
                name: Atom::from_static("STORAGE"),
                usage: self.storage_used,
                limit,
            });
        }
        if let Some(limit) = self.message_limit {
            v.push(QuotaResource {
                name: Atom::from_static("MESSAGE"),
                usage: self.messages_used,
                limit,
            });
        }
        v
    }
}

/// A user's state inside the store.
#[derive(Debug)]
pub(crate) struct UserState {
    pub password: String,
    /// SCRAM-SHA-256 keys, derived from the password on first use (see `Store::scram_credentials`).
    pub scram: Option<ScramCredentials>,
    /// OAuth 2.0 bearer tokens for XOAUTH2 and OAUTHBEARER (see `Store::add_oauth_token`).
    pub oauth_tokens: Vec<String>,
    /// Mailboxes by id.
    pub mailboxes: BTreeMap<u64, MailboxState>,
    /// Subscribed names (which need not exist).
    pub subscriptions: BTreeSet<String>,
    pub storage_limit: Option<u64>,
    pub message_limit: Option<u64>,
    /// Message-ID to thread number, for THREADID.
    pub threads: HashMap<Vec<u8>, u64>,
    /// Server annotations (RFC 5464, mailbox `""`), by lower-case entry name.
    pub metadata: BTreeMap<String, bytes::Bytes>,
    /// Recent SETMETADATA changes, for NOTIFY.
    pub metadata_log: super::metadata::MetadataLog,
}

impl UserState {
    pub fn new(password: String) -> Self {
        UserState {
            password,
            scram: None,
            oauth_tokens: Vec::new(),
            mailboxes: BTreeMap::new(),
            subscriptions: BTreeSet::new(),
            storage_limit: None,
            message_limit: None,
            threads: HashMap::new(),
            metadata: BTreeMap::new(),
            metadata_log: Default::default(),
        }
    }

    pub fn by_name(&self, name: &str) -> Option<&MailboxState> {
        self.mailboxes.values().find(|m| m.name == name)
    }

    pub fn by_name_mut(&mut self, name: &str) -> Option<&mut MailboxState> {
        self.mailboxes.values_mut().find(|m| m.name == name)
    }

    /// Whether some mailbox is an inferior of `name`.
    pub fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{name}{DELIMITER}");
        self.mailboxes.values().any(|m| m.name.starts_with(&prefix))
    }

    pub fn quota(&self) -> UserQuota {
        let mut q = UserQuota {
            storage_limit: self.storage_limit,
            message_limit: self.message_limit,
            ..UserQuota::default()
        };
        for m in self.mailboxes.values().flat_map(|b| &b.messages) {
            q.storage_used += m.data.size().div_ceil(1024);
            q.messages_used += 1;
        }
        q
    }

    /// Whether adding messages of these sizes stays within the quota.
    pub fn fits(&self, sizes: &[u64]) -> bool {
        if self.storage_limit.is_none() && self.message_limit.is_none() {
            return true;
        }
        let q = self.quota();
        let kib: u64 = sizes.iter().map(|s| s.div_ceil(1024)).sum();
        q.storage_limit.is_none_or(|l| q.storage_used + kib <= l)
            && q.message_limit
                .is_none_or(|l| q.messages_used + sizes.len() as u64 <= l)
    }

    /// The thread number for a new message: the thread of any message it refers to
    /// (References, In-Reply-To) or that refers to it, else `fresh`.
    pub fn thread_for(&mut self, parsed: &ParsedMessage, fresh: impl FnOnce() -> u64) -> u64 {
        let mut ids = Vec::new();
        for name in ["References", "In-Reply-To"] {
            if let Some(v) = parsed.header_value(name) {
                ids.extend(msg_ids(&v));
            }
        }
        let own = parsed
            .header_value("Message-ID")
            .and_then(|v| msg_ids(&v).into_iter().next());
        let found = own
            .iter()
            .chain(ids.iter())
            .find_map(|id| self.threads.get(id).copied());
        let t = found.unwrap_or_else(fresh);
        for id in own.into_iter().chain(ids) {
            self.threads.entry(id).or_insert(t);
        }
        t
    }
}

/// The `<...>` message ids in a header value, without the brackets.
pub(crate) fn msg_ids(v: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = v;
    while let Some(s) = rest.iter().position(|&b| b == b'<') {
        let after = &rest[s + 1..];
        match after.iter().position(|&b| b == b'>') {
            Some(e) => {
                let id: Vec<u8> = after[..e]
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                if !id.is_empty() {
                    out.push(id);
                }
                rest = &after[e + 1..];
            }
            None => break,
        }
    }
    out
}
