//! The high-level client, written once: [`Commands`].

use super::fetch::{FetchQuery, Message};
use super::folders::{Folder, FolderStatus, ListOptions, SpecialUse};
use super::info::Quota;
use super::messages::{AppendItem, Appended, Expunged, UidMapping};
use super::op::{self, Operation, Simple};
use super::search::{Query, SearchResult};
use crate::sasl::{Credentials, Mechanism, SaslMechanism, TokenSource};
use crate::secret::Secret;
use crate::types::{
    AclEntry, Capability, CommandBody, DateTime, Flag, MessageSet, QuotaLimit, SearchReturn,
    Section, SeqNum, SeqRanges, SeqSet, SortCriterion, StatusItem, StoreKind, Thread, Uid, UidSet,
};
use std::time::Instant;

/// The high-level client: every method is a default that runs one [`Operation`]; a driver
/// implements only [`Commands::run`].
///
/// `Run` is what running an operation returns: `Result<O::Output, Error>` for a blocking
/// driver, a future of it for an async one. So `session.select("INBOX")?` and
/// `session.select("INBOX").await?` are the same method.
///
/// Message commands use UIDs unless their name ends in `_seq` or they take a
/// [`crate::types::SeqSet`].
pub trait Commands {
    /// What running an operation returns (a result, or a future of one).
    type Run<'a, O: Operation + 'a>
    where
        Self: 'a;

    /// Runs `op` on the connection: starts it on the engine and drives it to its end.
    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> Self::Run<'a, O>;

    // ----- connection and session -----

    /// The server's capabilities, asked for with CAPABILITY when not known.
    fn capabilities(&mut self) -> Self::Run<'_, op::GetCapabilities> {
        self.run(op::GetCapabilities::new())
    }

    /// STARTTLS: the driver upgrades the stream on the server's OK.
    fn starttls(&mut self) -> Self::Run<'_, op::StartTls> {
        self.run(op::StartTls::new())
    }

    /// Logs in with LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN
    /// ([`op::Login`]).
    fn login(&mut self, user: &str, password: &str) -> Self::Run<'_, op::Login> {
        self.run(op::Login::new(user, Secret::new(password.to_owned())))
    }

    /// Logs in with a SASL mechanism ([`op::Authenticate`]).
    fn authenticate(
        &mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Self::Run<'_, op::Authenticate> {
        self.run(op::Authenticate::new(mechanism, credentials))
    }

    /// Logs in with a SASL mechanism of the caller's (EXTERNAL, GSSAPI, a vendor's), which
    /// answers the server's challenges ([`op::Authenticate::custom`]).
    fn authenticate_with(
        &mut self,
        mechanism: impl SaslMechanism + 'static,
    ) -> Self::Run<'_, op::Authenticate> {
        self.run(op::Authenticate::custom(mechanism))
    }

    /// Logs in with OAuth 2.0 (OAUTHBEARER or XOAUTH2, as advertised), the access token asked
    /// of `tokens` and asked again, once, when the server refuses it as expired
    /// ([`op::OAuth2Login`]).
    fn login_oauth2(&mut self, user: &str, tokens: &TokenSource) -> Self::Run<'_, op::OAuth2Login> {
        self.run(op::OAuth2Login::new(user, tokens.clone()))
    }

    /// Logs in with the strongest advertised SASL mechanism that fits the credentials
    /// ([`op::AuthenticateAuto`]).
    fn authenticate_auto(
        &mut self,
        credentials: Credentials,
    ) -> Self::Run<'_, op::AuthenticateAuto> {
        self.run(op::AuthenticateAuto::new(credentials))
    }

    /// NOOP: lets the server report changes.
    fn noop(&mut self) -> Self::Run<'_, Simple<()>> {
        self.run(op::noop())
    }

    /// CHECK (IMAP4rev1): a checkpoint of the selected folder ([`op::check`]).
    fn check(&mut self) -> Self::Run<'_, Simple<()>> {
        self.run(op::check())
    }

    /// PROXYAUTH (Cyrus): an administrator acts as `user` from then on ([`op::proxy_auth`]).
    fn proxy_auth(&mut self, user: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::proxy_auth(user))
    }

    /// ENABLE (RFC 5161); yields what the server enabled.
    fn enable(&mut self, caps: &[Capability]) -> Self::Run<'_, Simple<Vec<Capability>>> {
        self.run(op::enable(caps))
    }

    /// COMPRESS=DEFLATE when the server offers it (`true`), else nothing (`false`).
    fn compress(&mut self) -> Self::Run<'_, op::Compress> {
        self.run(op::Compress::new())
    }

    /// ID (RFC 2971): sends these parameters, yields the server's.
    fn id(&mut self, params: &[(&str, Option<&str>)]) -> Self::Run<'_, Simple<Vec<op::IdParam>>> {
        self.run(op::id(params))
    }

    /// NAMESPACE (RFC 2342).
    fn namespace(&mut self) -> Self::Run<'_, Simple<crate::types::Namespaces>> {
        self.run(op::namespace())
    }

    /// LOGOUT, then (briefly) waits for the server to close the connection.
    fn logout(&mut self) -> Self::Run<'_, op::Logout> {
        self.run(op::Logout::new())
    }

    /// Runs any command and yields its OK completion with all its data.
    fn run_command(
        &mut self,
        body: CommandBody,
    ) -> Self::Run<'_, Simple<crate::client::Completion>> {
        self.run(op::command(body))
    }

    /// Sends a raw command line (`XAPPLEPUSHSERVICE aps-version 2`), see [`op::raw_command`].
    fn raw_command(&mut self, line: &str) -> Self::Run<'_, Simple<crate::client::Completion>> {
        self.run(op::raw_command(line))
    }

    // ----- folders: open and leave -----

    /// SELECT: opens a folder read-write and yields its summary.
    fn select(&mut self, folder: &str) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, op::SelectOptions::read_write()))
    }

    /// EXAMINE: opens a folder read-only and yields its summary.
    fn examine(&mut self, folder: &str) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, op::SelectOptions::read_only()))
    }

    /// SELECT or EXAMINE as `options` say (CONDSTORE, access).
    fn select_with(
        &mut self,
        folder: &str,
        options: op::SelectOptions,
    ) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, options))
    }

    /// Leaves the selected folder without expunging (UNSELECT, or EXAMINE + CLOSE).
    fn unselect(&mut self) -> Self::Run<'_, op::Unselect> {
        self.run(op::Unselect::new())
    }

    /// CLOSE: expunges the messages marked `\Deleted` and leaves the folder.
    fn close(&mut self) -> Self::Run<'_, Simple<()>> {
        self.run(op::close())
    }

    // ----- IDLE -----

    /// Starts IDLE; finishes once the server accepted it.
    fn idle_start(&mut self) -> Self::Run<'_, op::IdleStart> {
        self.run(op::IdleStart::new())
    }

    /// The next unsolicited event, at most until `until` (`None` when it passed first).
    fn idle_wait(&mut self, until: Option<Instant>) -> Self::Run<'_, op::IdleWait> {
        self.run(op::IdleWait::new(until))
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it.
    fn idle_done(&mut self) -> Self::Run<'_, op::IdleDone> {
        self.run(op::IdleDone::new())
    }
    // ----- folders -----

    /// Lists folders as `options` say (LIST-STATUS, or LIST [+ LSUB] + STATUS each).
    fn list_folders(&mut self, options: &ListOptions) -> Self::Run<'_, op::ListFolders> {
        self.run(op::ListFolders::new(options.clone()))
    }

    /// Every folder, with attributes, SPECIAL-USE roles and subscription state.
    fn folders(&mut self) -> Self::Run<'_, op::ListFolders> {
        self.run(op::folders())
    }

    /// Every folder with its MESSAGES, UNSEEN, UIDNEXT and UIDVALIDITY.
    fn folders_with_status(&mut self) -> Self::Run<'_, op::ListFolders> {
        self.run(op::folders_with_status())
    }

    /// The folder with a SPECIAL-USE role, or one with a common name for it.
    fn find_special_folder(&mut self, role: SpecialUse) -> Self::Run<'_, op::FindSpecialFolder> {
        self.run(op::FindSpecialFolder::new(role))
    }

    /// `XLIST "" pattern` (old Gmail): folders with Gmail's roles read as SPECIAL-USE ones
    /// ([`op::xlist_folders`]).
    fn xlist_folders(&mut self, pattern: &str) -> Self::Run<'_, Simple<Vec<Folder>>> {
        self.run(op::xlist_folders(pattern))
    }

    /// Whether a folder exists.
    fn folder_exists(&mut self, folder: &str) -> Self::Run<'_, Simple<bool>> {
        self.run(op::folder_exists(folder))
    }

    /// STATUS of a folder: MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY.
    fn folder_status(&mut self, folder: &str) -> Self::Run<'_, Simple<FolderStatus>> {
        self.run(op::folder_status(folder))
    }

    /// STATUS of a folder with chosen items.
    fn status(
        &mut self,
        folder: &str,
        items: &[StatusItem],
    ) -> Self::Run<'_, Simple<FolderStatus>> {
        self.run(op::status(folder, items))
    }

    /// CREATE.
    fn create_folder(&mut self, folder: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::create_folder(folder, None))
    }

    /// CREATE with a SPECIAL-USE role (CREATE-SPECIAL-USE, RFC 6154).
    fn create_special_folder(
        &mut self,
        folder: &str,
        role: SpecialUse,
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::create_folder(folder, Some(role)))
    }

    /// RENAME.
    fn rename_folder(&mut self, from: &str, to: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::rename_folder(from, to))
    }

    /// DELETE.
    fn delete_folder(&mut self, folder: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::delete_folder(folder))
    }

    /// SUBSCRIBE.
    fn subscribe(&mut self, folder: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::subscribe(folder))
    }

    /// UNSUBSCRIBE.
    fn unsubscribe(&mut self, folder: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::unsubscribe(folder))
    }

    // ----- fetch -----

    /// `UID FETCH`: the messages of `uids` with what `query` asks, keyed by UID.
    fn fetch(&mut self, uids: &UidSet, query: &FetchQuery) -> Self::Run<'_, op::FetchMessages> {
        self.run(op::fetch(uids.clone(), query))
    }

    /// `FETCH` by sequence numbers (results still keyed by UID).
    fn fetch_seq(&mut self, seqs: &SeqSet, query: &FetchQuery) -> Self::Run<'_, op::FetchMessages> {
        self.run(op::fetch(seqs.clone(), query))
    }

    /// FETCH of any message set (UIDs or sequence numbers).
    fn fetch_set(
        &mut self,
        set: impl Into<MessageSet>,
        query: &FetchQuery,
    ) -> Self::Run<'_, op::FetchMessages> {
        self.run(op::fetch(set, query))
    }

    /// `UID FETCH` written as text, as imaplib's `uid('FETCH', ...)` takes it: `uids` such as
    /// `2,4:6,20:*` and `items` such as `(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])`
    /// ([`op::fetch_text`]); an error points at the offending character, and nothing is sent.
    fn fetch_text(&mut self, uids: &str, items: &str) -> Self::Run<'_, op::FetchMessages> {
        self.run(op::fetch_text(uids, items, true))
    }

    /// `FETCH` by sequence numbers written as text, as imaplib's `fetch` takes it
    /// ([`op::fetch_text`]).
    fn fetch_seq_text(&mut self, seqs: &str, items: &str) -> Self::Run<'_, op::FetchMessages> {
        self.run(op::fetch_text(seqs, items, false))
    }

    /// One message by UID ([`op::Missing::Message`] when the server returned nothing).
    fn fetch_one(&mut self, uid: Uid, query: &FetchQuery) -> Self::Run<'_, Simple<Message>> {
        self.run(op::fetch_one(uid, query))
    }

    /// One part of a message as content: `section` (`"1.2".parse()?`, `"TEXT"`, `"1.MIME"`)
    /// fetched with the BODYSTRUCTURE, its transfer encoding (base64, quoted-printable)
    /// undone and, for text, its text in UTF-8 by its charset ([`op::fetch_part_decoded`]).
    fn fetch_part_decoded(
        &mut self,
        uid: Uid,
        section: Section,
    ) -> Self::Run<'_, Simple<crate::decode::DecodedPart>> {
        self.run(op::fetch_part_decoded(uid, section))
    }

    /// One whole message parsed as MIME by `mail-parser` (decoded headers, parts, attachments;
    /// what Python's `email` gives) ([`op::fetch_parsed`]).
    fn fetch_parsed(&mut self, uid: Uid) -> Self::Run<'_, Simple<mail_parser::Message<'static>>> {
        self.run(op::fetch_parsed(uid))
    }

    /// One section of a message streamed to the driver's sink as it arrives
    /// ([`op::StreamSection`]); yields the number of bytes.
    fn stream_section(&mut self, uid: Uid, section: Section) -> Self::Run<'_, op::StreamSection> {
        self.run(op::StreamSection::new(uid, section))
    }

    // ----- search -----

    /// `UID SEARCH` (with ESEARCH `RETURN (ALL)` when offered): matching UIDs as ranges.
    fn search(&mut self, query: &Query) -> Self::Run<'_, op::Search> {
        self.run(op::Search::new(query.clone()))
    }

    /// `SEARCH`: sequence numbers instead of UIDs.
    fn search_seq(&mut self, query: &Query) -> Self::Run<'_, Simple<SeqRanges>> {
        self.run(op::search_seq(query))
    }

    /// `UID SEARCH CHARSET charset`: the strings of `query` written in `charset`
    /// ([`Query::in_charset`]).
    fn search_charset(&mut self, query: &Query, charset: &str) -> Self::Run<'_, op::Search> {
        self.run(op::Search::new(query.clone()).charset(charset))
    }

    /// `SEARCH CHARSET charset`: sequence numbers ([`op::search_seq_charset`]).
    fn search_seq_charset(
        &mut self,
        query: &Query,
        charset: &str,
    ) -> Self::Run<'_, Simple<SeqRanges>> {
        self.run(op::search_seq_charset(query, charset))
    }

    /// `UID SEARCH` with criteria text (`SINCE 13-Jul-2013 TEXT Apress`, maybe after
    /// `CHARSET name`), read by [`Query::parse`]: an error points at the offending character,
    /// and nothing is sent.
    fn search_text(&mut self, criteria: &str) -> Self::Run<'_, op::Search> {
        self.run(op::Search::parse(criteria))
    }

    /// Gmail search syntax (`X-GM-RAW`).
    fn gmail_search(&mut self, raw: &str) -> Self::Run<'_, op::Search> {
        self.run(op::gmail_search(raw))
    }

    /// `UID SORT` (RFC 5256): matching UIDs in the server's order.
    fn sort(
        &mut self,
        criteria: &[SortCriterion],
        query: &Query,
    ) -> Self::Run<'_, Simple<Vec<Uid>>> {
        self.run(op::sort(criteria, query))
    }

    /// `SORT` by sequence numbers.
    fn sort_seq(
        &mut self,
        criteria: &[SortCriterion],
        query: &Query,
    ) -> Self::Run<'_, Simple<Vec<SeqNum>>> {
        self.run(op::sort_seq(criteria, query))
    }

    /// `UID SORT RETURN (returns)` (ESORT, RFC 5267).
    fn esort(
        &mut self,
        criteria: &[SortCriterion],
        returns: &[SearchReturn],
        query: &Query,
    ) -> Self::Run<'_, Simple<Option<SearchResult>>> {
        self.run(op::esort(criteria, returns, query))
    }

    /// `UID THREAD algorithm` (`REFERENCES`, `ORDEREDSUBJECT`).
    fn thread(&mut self, algorithm: &str, query: &Query) -> Self::Run<'_, Simple<Vec<Thread>>> {
        self.run(op::thread(algorithm, query))
    }

    /// `THREAD algorithm`: threads of sequence numbers.
    fn thread_seq(&mut self, algorithm: &str, query: &Query) -> Self::Run<'_, Simple<Vec<Thread>>> {
        self.run(op::thread_seq(algorithm, query))
    }

    // ----- flags -----

    /// The flags of some messages.
    fn flags(&mut self, set: impl Into<MessageSet>) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::flags(set))
    }

    /// Adds flags (`+FLAGS`); yields the new flags the server reported.
    fn add_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::store(set, StoreKind::Add, flags))
    }

    /// Removes flags (`-FLAGS`).
    fn remove_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::store(set, StoreKind::Remove, flags))
    }

    /// Replaces the flags (`FLAGS`).
    fn set_flags(
        &mut self,
        set: impl Into<MessageSet>,
        flags: &[Flag],
    ) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::store(set, StoreKind::Replace, flags))
    }

    /// Adds keywords (`$Forwarded`, `NonJunk`, ...).
    fn add_keywords(
        &mut self,
        set: impl Into<MessageSet>,
        keywords: &[&str],
    ) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::store_keywords(set, StoreKind::Add, keywords))
    }

    /// Removes keywords.
    fn remove_keywords(
        &mut self,
        set: impl Into<MessageSet>,
        keywords: &[&str],
    ) -> Self::Run<'_, Simple<op::FlagMap>> {
        self.run(op::store_keywords(set, StoreKind::Remove, keywords))
    }

    /// Gmail labels (`X-GM-LABELS`) of some messages.
    fn labels(&mut self, set: impl Into<MessageSet>) -> Self::Run<'_, Simple<op::LabelMap>> {
        self.run(op::labels(set))
    }

    /// Adds Gmail labels.
    fn add_labels(
        &mut self,
        set: impl Into<MessageSet>,
        labels: &[&str],
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::store_labels(set, StoreKind::Add, labels))
    }

    /// Removes Gmail labels.
    fn remove_labels(
        &mut self,
        set: impl Into<MessageSet>,
        labels: &[&str],
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::store_labels(set, StoreKind::Remove, labels))
    }

    /// Replaces the Gmail labels.
    fn set_labels(
        &mut self,
        set: impl Into<MessageSet>,
        labels: &[&str],
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::store_labels(set, StoreKind::Replace, labels))
    }

    // ----- whole messages -----

    /// APPEND a message with flags and an INTERNALDATE (`None`: now, with the local zone's
    /// offset); its UID with UIDPLUS.
    fn append(
        &mut self,
        folder: &str,
        message: &[u8],
        flags: &[Flag],
        date: Option<DateTime>,
    ) -> Self::Run<'_, Simple<Appended>> {
        self.run(op::append(folder, message, flags, date))
    }

    /// MULTIAPPEND (RFC 3502): several messages in one APPEND, all or none; what UIDPLUS told
    /// of each ([`op::MultiAppend`]).
    fn multiappend(
        &mut self,
        folder: &str,
        messages: Vec<AppendItem>,
    ) -> Self::Run<'_, op::MultiAppend> {
        self.run(op::MultiAppend::new(folder, messages))
    }

    /// COPY messages to a folder; the UID mapping with UIDPLUS.
    fn copy(
        &mut self,
        set: impl Into<MessageSet>,
        folder: &str,
    ) -> Self::Run<'_, Simple<Option<UidMapping>>> {
        self.run(op::copy(set, folder))
    }

    /// MOVE messages (or COPY + STORE + UID EXPUNGE without MOVE); the UID mapping with
    /// UIDPLUS.
    fn move_messages(&mut self, uids: &UidSet, folder: &str) -> Self::Run<'_, op::MoveMessages> {
        self.run(op::MoveMessages::new(uids.clone(), folder))
    }

    /// `MOVE` by sequence numbers (the fallback without MOVE asks their UIDs first).
    fn move_seq(&mut self, seqs: &SeqSet, folder: &str) -> Self::Run<'_, op::MoveMessages> {
        self.run(op::MoveMessages::seq(seqs.clone(), folder))
    }

    /// Marks messages `\Deleted` (they go at the next EXPUNGE or CLOSE).
    fn delete(&mut self, set: impl Into<MessageSet>) -> Self::Run<'_, Simple<()>> {
        self.run(op::delete(set))
    }

    /// EXPUNGE: removes every message marked `\Deleted`; yields them.
    fn expunge(&mut self) -> Self::Run<'_, Simple<Expunged>> {
        self.run(op::expunge())
    }

    /// UID EXPUNGE (UIDPLUS): removes only these messages, named by UID.
    fn expunge_uids(&mut self, uids: &UidSet) -> Self::Run<'_, op::ExpungeUids> {
        self.run(op::ExpungeUids::new(uids.clone()))
    }

    /// Marks messages `\Deleted` and expunges them (UID EXPUNGE with UIDPLUS, else EXPUNGE).
    fn delete_and_expunge(&mut self, uids: &UidSet) -> Self::Run<'_, op::DeleteAndExpunge> {
        self.run(op::DeleteAndExpunge::new(uids.clone()))
    }

    // ----- quota, ACL, metadata -----

    /// GETQUOTAROOT: the quota roots of a folder and their quotas.
    fn quota_root(&mut self, folder: &str) -> Self::Run<'_, Simple<op::QuotaRoots>> {
        self.run(op::quota_root(folder))
    }

    /// GETQUOTA: the quotas of a quota root.
    fn quota(&mut self, root: &str) -> Self::Run<'_, Simple<Vec<Quota>>> {
        self.run(op::quota(root))
    }

    /// SETQUOTA: sets resource limits of a quota root.
    fn set_quota(
        &mut self,
        root: &str,
        limits: Vec<QuotaLimit>,
    ) -> Self::Run<'_, Simple<Vec<Quota>>> {
        self.run(op::set_quota(root, limits))
    }

    /// GETACL.
    fn acl(&mut self, folder: &str) -> Self::Run<'_, Simple<Vec<AclEntry>>> {
        self.run(op::acl(folder))
    }

    /// SETACL: `rights` may start with `+` or `-`.
    fn set_acl(
        &mut self,
        folder: &str,
        identifier: &str,
        rights: &str,
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::set_acl(folder, identifier, rights))
    }

    /// DELETEACL.
    fn delete_acl(&mut self, folder: &str, identifier: &str) -> Self::Run<'_, Simple<()>> {
        self.run(op::delete_acl(folder, identifier))
    }

    /// MYRIGHTS.
    fn my_rights(&mut self, folder: &str) -> Self::Run<'_, Simple<String>> {
        self.run(op::my_rights(folder))
    }

    /// LISTRIGHTS: the rights always granted and the groups that may be granted.
    fn list_rights(
        &mut self,
        folder: &str,
        identifier: &str,
    ) -> Self::Run<'_, Simple<op::ListedRights>> {
        self.run(op::list_rights(folder, identifier))
    }

    /// GETMETADATA: entries of a folder (`""` for server metadata).
    fn metadata(
        &mut self,
        folder: &str,
        entries: &[&str],
    ) -> Self::Run<'_, Simple<Vec<op::MetadataEntry>>> {
        self.run(op::metadata(folder, entries))
    }

    /// SETMETADATA: sets (or, with `None`, deletes) entries.
    fn set_metadata(
        &mut self,
        folder: &str,
        entries: &[(&str, Option<&str>)],
    ) -> Self::Run<'_, Simple<()>> {
        self.run(op::set_metadata(folder, entries))
    }
}
