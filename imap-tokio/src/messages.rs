//! Whole-message commands of [`Session`]: APPEND, COPY, MOVE, delete and EXPUNGE.
//!
//! Cancellation: every method is cancel-safe in the crate's sense, but a dropped command may
//! still take effect (it was sent). [`Session::move_messages`] without MOVE and
//! [`Session::delete_and_expunge`] run several commands: dropped between them, the messages
//! may be copied or marked `\Deleted` and not yet expunged.

use crate::error::{Error, Result};
use crate::session::Session;
use imap_core::client::UsageError;
use imap_core::ops::Commands;
use imap_core::ops::messages::{self as m, Appended, Expunged, UidMapping};
use imap_core::types::{Capability, DateTime, Flag, Mailbox, MessageSet, StoreKind, UidSet};

impl Session {
    /// APPEND a message (RFC 5322 bytes) to a folder with flags and an INTERNALDATE; returns
    /// its UID when the server has UIDPLUS.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn append(
        &mut self,
        folder: &str,
        message: &[u8],
        flags: &[Flag],
        date: Option<DateTime>,
    ) -> Result<Appended> {
        let c = self
            .conn
            .run(m::append_command(
                Mailbox::new(folder),
                message.to_vec(),
                flags.to_vec(),
                date,
            ))
            .await?;
        Ok(m::appended(&c))
    }

    /// COPY messages to a folder; returns the UID mapping when the server has UIDPLUS.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn copy(
        &mut self,
        set: impl Into<MessageSet>,
        folder: &str,
    ) -> Result<Option<UidMapping>> {
        let c = self
            .conn
            .run(m::copy_command(set, Mailbox::new(folder)))
            .await?;
        Ok(m::uid_mapping(&c))
    }

    /// MOVE messages to a folder (RFC 6851); on servers without MOVE, COPY, then mark them
    /// `\Deleted` and UID EXPUNGE them (UIDPLUS needed for that). Returns the UID mapping when
    /// the server has UIDPLUS.
    ///
    /// # Errors
    /// [`UsageError::MissingCapability`] when neither MOVE nor UIDPLUS is there, or as
    /// [`crate::Connection::run_op`].
    pub async fn move_messages(
        &mut self,
        uids: &UidSet,
        folder: &str,
    ) -> Result<Option<UidMapping>> {
        let caps = self.capabilities().await?;
        if caps.has(&Capability::Move) || caps.is_rev2() {
            let c = self
                .conn
                .run(m::move_command(uids.clone(), Mailbox::new(folder)))
                .await?;
            return Ok(m::uid_mapping(&c));
        }
        if !caps.has(&Capability::UidPlus) {
            return Err(Error::Usage(UsageError::MissingCapability(
                "MOVE or UIDPLUS",
            )));
        }
        let mapping = self.copy(uids.clone(), folder).await?;
        self.add_flags(uids.clone(), &[Flag::Deleted]).await?;
        self.expunge_uids(uids).await?;
        Ok(mapping)
    }

    /// Marks messages `\Deleted` (they go at the next EXPUNGE or CLOSE).
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn delete(&mut self, set: impl Into<MessageSet>) -> Result<()> {
        self.conn
            .run(imap_core::ops::flags::store_command(
                set,
                StoreKind::Add,
                vec![Flag::Deleted],
                true,
            ))
            .await
            .map(drop)
    }

    /// EXPUNGE: removes every message marked `\Deleted`; returns them, each with its sequence
    /// number when it went (later messages shift down) and its UID where known.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn expunge(&mut self) -> Result<Expunged> {
        let c = self
            .conn
            .run(imap_core::types::CommandBody::Expunge)
            .await?;
        Ok(m::expunged(&c, &c.removals))
    }

    /// UID EXPUNGE (UIDPLUS): removes only these messages, if marked `\Deleted`.
    /// The result names them by UID: when the mailbox model does not know every UID, a
    /// `UID FETCH uids (UID)` runs first.
    ///
    /// # Errors
    /// [`UsageError::MissingCapability`] without UIDPLUS (a plain EXPUNGE would remove other
    /// messages too), or as [`crate::Connection::run_op`].
    pub async fn expunge_uids(&mut self, uids: &UidSet) -> Result<Expunged> {
        let caps = self.capabilities().await?;
        if !(caps.has(&Capability::UidPlus) || caps.is_rev2()) {
            return Err(Error::Usage(UsageError::MissingCapability("UIDPLUS")));
        }
        let body = m::expunge_command(Some(uids.clone()), &caps);
        // The server names the removed messages by sequence number: teach the model the UIDs
        // it lacks first, so that the result names them by UID.
        if let Some(lookup) = m::uid_lookup_command(uids, self.conn.selected()) {
            self.conn.run(lookup).await?;
        }
        let c = self.conn.run(body).await?;
        Ok(m::expunged(&c, &c.removals))
    }

    /// Marks messages `\Deleted` and expunges them: UID EXPUNGE of just these with UIDPLUS,
    /// else a plain EXPUNGE.
    ///
    /// # Errors
    /// As [`crate::Connection::run_op`].
    pub async fn delete_and_expunge(&mut self, uids: &UidSet) -> Result<Expunged> {
        self.delete(uids.clone()).await?;
        let caps = self.capabilities().await?;
        if caps.has(&Capability::UidPlus) || caps.is_rev2() {
            self.expunge_uids(uids).await
        } else {
            self.expunge().await
        }
    }
}
