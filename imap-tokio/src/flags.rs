//! Flags, keywords and Gmail labels of [`Session`]: get, add, remove, set. Pass a
//! [`imap_core::types::UidSet`] (or a [`imap_core::types::Uid`]) for the UID forms, a
//! [`imap_core::types::SeqSet`] for sequence numbers.
//!
//! Cancellation: every method is cancel-safe in the crate's sense; a dropped STORE may still
//! change the flags (the command was sent).

use crate::error::Result;
use crate::session::Session;
use imap_core::ops::fetch::{FetchQuery, messages_in_order};
use imap_core::ops::flags::{labels_command, store_command};
use imap_core::types::{Flag, MessageSet, StoreKind, Str, Uid};
use std::collections::BTreeMap;

/// Flags per message, keyed by UID.
pub type FlagMap = BTreeMap<Uid, Vec<Flag>>;

impl Session {
    /// The flags of some messages.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn flags(&mut self, set: impl Into<MessageSet>) -> Result<FlagMap> {
        let m = self.fetch_set(set, &FetchQuery::new().flags()).await?;
        Ok(m.into_iter()
            .map(|(uid, m)| (uid, m.flags.unwrap_or_default()))
            .collect())
    }

    /// Adds flags (`+FLAGS`); returns the new flags the server reported.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn add_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Result<FlagMap> {
        self.store(set, StoreKind::Add, flags).await
    }

    /// Removes flags (`-FLAGS`); returns the new flags the server reported.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn remove_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Result<FlagMap> {
        self.store(set, StoreKind::Remove, flags).await
    }

    /// Replaces the flags (`FLAGS`); returns the new flags the server reported.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn set_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Result<FlagMap> {
        self.store(set, StoreKind::Replace, flags).await
    }

    /// Adds keywords (`$Forwarded`, `NonJunk`, ...).
    ///
    /// # Errors
    /// [`crate::Error::Usage`] for a keyword that is not an atom, or as
    /// [`crate::Connection::run_op`].
    pub async fn add_keywords(
        &mut self,
        set: impl Into<MessageSet>,
        keywords: &[&str],
    ) -> Result<FlagMap> {
        let flags = keywords_to_flags(keywords)?;
        self.store(set, StoreKind::Add, &flags).await
    }

    /// Removes keywords.
    ///
    /// # Errors
    /// As [`Session::add_keywords`].
    pub async fn remove_keywords(
        &mut self,
        set: impl Into<MessageSet>,
        keywords: &[&str],
    ) -> Result<FlagMap> {
        let flags = keywords_to_flags(keywords)?;
        self.store(set, StoreKind::Remove, &flags).await
    }

    async fn store(
        &mut self,
        set: impl Into<MessageSet>,
        kind: StoreKind,
        flags: &[Flag],
    ) -> Result<FlagMap> {
        let c = self
            .conn
            .run(store_command(set, kind, flags.to_vec(), false))
            .await?;
        let model = self.conn.selected();
        Ok(messages_in_order(&c)
            .into_iter()
            .filter_map(|m| {
                let uid = m.uid.or_else(|| model.and_then(|s| s.uid(m.seq)))?;
                Some((uid, m.flags?))
            })
            .collect())
    }

    /// Gmail labels (`X-GM-LABELS`) of some messages.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn labels(
        &mut self,
        set: impl Into<MessageSet>,
    ) -> Result<BTreeMap<Uid, Vec<String>>> {
        let m = self
            .fetch_set(
                set,
                &FetchQuery::new().item(imap_core::types::FetchItem::GmLabels),
            )
            .await?;
        Ok(m.into_iter()
            .map(|(uid, m)| {
                let labels = m.gmail_labels.unwrap_or_default();
                (uid, labels.iter().map(|l| l.to_string()).collect())
            })
            .collect())
    }

    /// Adds Gmail labels.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn add_labels(&mut self, set: impl Into<MessageSet>, labels: &[&str]) -> Result<()> {
        self.store_labels(set, StoreKind::Add, labels).await
    }

    /// Removes Gmail labels.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn remove_labels(
        &mut self,
        set: impl Into<MessageSet>,
        labels: &[&str],
    ) -> Result<()> {
        self.store_labels(set, StoreKind::Remove, labels).await
    }

    /// Replaces the Gmail labels.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn set_labels(&mut self, set: impl Into<MessageSet>, labels: &[&str]) -> Result<()> {
        self.store_labels(set, StoreKind::Replace, labels).await
    }

    async fn store_labels(
        &mut self,
        set: impl Into<MessageSet>,
        kind: StoreKind,
        labels: &[&str],
    ) -> Result<()> {
        let labels = labels.iter().map(|l| Str::from(*l)).collect();
        self.conn
            .run(labels_command(set, kind, labels))
            .await
            .map(drop)
    }
}

fn keywords_to_flags(keywords: &[&str]) -> Result<Vec<Flag>> {
    keywords
        .iter()
        .map(|k| {
            imap_core::ops::flags::parse_flag(k)
                .map_err(|_| crate::Error::Usage(imap_core::client::UsageError::Invalid("keyword")))
        })
        .collect()
}
