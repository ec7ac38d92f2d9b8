//! The in-memory store behind the traits: [`Store`], [`Account`] and [`MailboxView`]
//! implement [`MailStore`], [`MailAccount`] and [`SelectionHandle`], with every extension
//! ([`SaslStore`], [`OAuthStore`], [`QuotaStore`]).

use super::{
    AclStore, FetchedMessage, MailAccount, MailStore, MetadataStore, OAuthStore, QuotaStore,
    SaslStore, SelectionHandle, selected,
};
use crate::store::acl::{RightsChange, RightsList};
use crate::store::metadata::{MetadataChanges, MetadataFound};
use crate::store::{
    Account, AppendUid, Change, CopyUid, ListRequest, MailboxView, MessageSnapshot, NewMessage,
    SelectInfo, SessionId, Store, StoreError, StoreResult, UserQuota, Watch,
};
use bytes::Bytes;
use imap_core::sasl::{CramMd5Response, CramMd5Server, ScramCredentials};
use imap_core::types::MetadataDepth;
use imap_core::types::{
    DateTime, FetchItem, Flag, ListEntry, MailboxAttr, StatusItem, StatusValue, StoreKind, Uid,
};
use std::num::NonZeroU32;
use std::sync::Arc;

fn shared(account: Account) -> Arc<dyn MailAccount> {
    Arc::new(account)
}

impl MailStore for Store {
    fn new_session(&self) -> SessionId {
        Store::new_session(self)
    }

    fn login(&self, user: &str, password: &str) -> Result<Arc<dyn MailAccount>, StoreError> {
        Store::login(self, user, password).map(shared)
    }

    fn watch(&self, wake: Box<dyn Fn() + Send + Sync>) -> Watch {
        Store::watch(self, wake)
    }

    fn touched(&self, user: &str, since: u64) -> Option<crate::store::Touched> {
        Some(Store::touched(self, user, since))
    }

    fn now(&self) -> DateTime {
        Store::now(self)
    }

    fn append_limit(&self) -> Option<u64> {
        Store::append_limit(self)
    }

    fn as_sasl(&self) -> Option<&dyn SaslStore> {
        Some(self)
    }

    fn as_oauth(&self) -> Option<&dyn OAuthStore> {
        Some(self)
    }

    fn as_quota(&self) -> Option<&dyn QuotaStore> {
        Some(self)
    }

    fn as_acl(&self) -> Option<&dyn AclStore> {
        Some(self)
    }

    fn as_metadata(&self) -> Option<&dyn MetadataStore> {
        Some(self)
    }
}

impl AclStore for Store {
    fn acl(&self, user: &str, mailbox: &str) -> Result<Vec<(String, String)>, StoreError> {
        Store::account(self, user)?.acl(mailbox)
    }

    fn set_acl(
        &self,
        user: &str,
        mailbox: &str,
        identifier: &str,
        change: &RightsChange,
    ) -> Result<(), StoreError> {
        Store::account(self, user)?.set_acl(mailbox, identifier, change)
    }

    fn delete_acl(&self, user: &str, mailbox: &str, identifier: &str) -> Result<(), StoreError> {
        Store::account(self, user)?.delete_acl(mailbox, identifier)
    }

    fn my_rights(&self, user: &str, mailbox: &str) -> Result<String, StoreError> {
        Store::account(self, user)?.my_rights(mailbox)
    }

    fn list_rights(
        &self,
        user: &str,
        mailbox: &str,
        identifier: &str,
    ) -> Result<RightsList, StoreError> {
        Store::account(self, user)?.list_rights(mailbox, identifier)
    }
}

impl MetadataStore for Store {
    fn metadata(
        &self,
        user: &str,
        mailbox: &str,
        entries: &[String],
        depth: Option<MetadataDepth>,
        max_size: Option<u64>,
    ) -> Result<MetadataFound, StoreError> {
        Store::account(self, user)?.metadata(mailbox, entries, depth, max_size)
    }

    fn set_metadata(
        &self,
        user: &str,
        mailbox: &str,
        changes: &[(String, Option<Bytes>)],
    ) -> Result<(), StoreError> {
        Store::account(self, user)?.set_metadata(mailbox, changes)
    }

    fn metadata_changes(&self, user: &str, since: u64) -> Result<MetadataChanges, StoreError> {
        Store::account(self, user)?.metadata_changes(since)
    }
}

impl SaslStore for Store {
    fn scram_credentials(&self, user: &str) -> Option<ScramCredentials> {
        Store::scram_credentials(self, user)
    }

    fn account(&self, user: &str) -> Result<Arc<dyn MailAccount>, StoreError> {
        Store::account(self, user).map(shared)
    }

    fn login_cram_md5(
        &self,
        exchange: &CramMd5Server,
        response: &CramMd5Response,
    ) -> Result<Arc<dyn MailAccount>, StoreError> {
        Store::login_cram_md5(self, exchange, response).map(shared)
    }
}

impl OAuthStore for Store {
    fn login_oauth(
        &self,
        user: Option<&str>,
        token: &str,
    ) -> Result<Arc<dyn MailAccount>, StoreError> {
        Store::login_oauth(self, user, token).map(shared)
    }
}

impl QuotaStore for Store {
    fn quota(&self, user: &str) -> Result<UserQuota, StoreError> {
        Ok(Store::account(self, user)?.quota())
    }
}

impl MailAccount for Account {
    fn user(&self) -> &str {
        Account::user(self)
    }

    fn create(&self, name: &str, special_use: &[MailboxAttr]) -> Result<(), StoreError> {
        Account::create(self, name, special_use)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        Account::delete(self, name)
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        Account::rename(self, from, to)
    }

    fn subscribe(&self, name: &str) -> Result<(), StoreError> {
        Account::subscribe(self, name)
    }

    fn unsubscribe(&self, name: &str) -> Result<(), StoreError> {
        Account::unsubscribe(self, name)
    }

    fn list(&self, reference: &str, patterns: &[&str], options: &ListRequest) -> Vec<ListEntry> {
        Account::list(self, reference, patterns, options)
    }

    fn lsub(&self, reference: &str, pattern: &str) -> Vec<ListEntry> {
        Account::lsub(self, reference, pattern)
    }

    fn status(
        &self,
        name: &str,
        items: &[StatusItem],
    ) -> Result<Vec<(StatusItem, StatusValue)>, StoreError> {
        Account::status(self, name, items)
    }

    fn append_many(
        &self,
        mailbox: &str,
        messages: Vec<NewMessage>,
    ) -> Result<AppendUid, StoreError> {
        Account::append_many(self, mailbox, messages)
    }

    fn message(
        &self,
        mailbox: &str,
        uid: Uid,
    ) -> Result<Option<(NonZeroU32, MessageSnapshot)>, StoreError> {
        Account::message_with_validity(self, mailbox, uid)
    }

    fn select(
        &self,
        mailbox: &str,
        session: SessionId,
        read_only: bool,
    ) -> Result<(Box<dyn SelectionHandle>, SelectInfo), StoreError> {
        let (view, info) = Account::select(self, mailbox, session, read_only)?;
        Ok((Box::new(view), info))
    }
}

impl SelectionHandle for MailboxView {
    fn session(&self) -> SessionId {
        MailboxView::session(self)
    }

    fn is_read_only(&self) -> bool {
        MailboxView::is_read_only(self)
    }

    fn poll(&mut self) -> Result<Vec<Change>, StoreError> {
        MailboxView::poll(self)
    }

    fn uids(&self) -> Result<Vec<Uid>, StoreError> {
        MailboxView::uids(self)
    }

    fn messages(&self, uids: &[Uid]) -> Result<Vec<MessageSnapshot>, StoreError> {
        MailboxView::messages(self, uids)
    }

    /// Without an item that sets `\Seen` (or read-only), snapshots taken under one lock.
    fn fetch_many(
        &self,
        uids: &[Uid],
        items: &[FetchItem],
    ) -> Result<Vec<Option<FetchedMessage>>, StoreError> {
        if !self.is_read_only() && items.iter().any(crate::fetch::sets_seen) {
            return uids
                .iter()
                .map(|&u| Ok(SelectionHandle::fetch(self, u, items)?.map(FetchedMessage::Data)))
                .collect();
        }
        Ok(selected::line_up(uids, MailboxView::messages(self, uids)?))
    }

    fn store(
        &self,
        uids: &[Uid],
        kind: StoreKind,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreResult, StoreError> {
        MailboxView::store(self, uids, kind, flags, unchanged_since)
    }

    fn expunge(&self, uids: Option<&[Uid]>) -> Result<Vec<Uid>, StoreError> {
        MailboxView::expunge(self, uids)
    }

    fn copy(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        MailboxView::copy(self, uids, dest)
    }

    fn move_to(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        MailboxView::move_to(self, uids, dest)
    }

    fn changed_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        MailboxView::changed_since(self, modseq)
    }

    fn vanished_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        MailboxView::vanished_since(self, modseq)
    }

    fn now(&self) -> DateTime {
        MailboxView::now(self)
    }
}
