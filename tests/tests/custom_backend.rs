//! Another store behind the mock server, through `mock_server::backend`'s traits only.
//!
//! [`Journal`] implements `MailStore`, `MailAccount` and `SelectionHandle` by forwarding to
//! the in-memory store through the traits (never through `Store`'s own methods), writes down
//! every call, refuses one user, can be told to fail COPY, and offers none of the extension
//! traits. The blocking client runs a whole session against it over TCP: the capabilities
//! follow the probes (no SASL beyond PLAIN/LOGIN, no QUOTA), FETCH, SEARCH, SORT and THREAD
//! run on the traits' provided implementations, IDLE is woken through `MailStore::watch`, and
//! the journal shows the calls the protocol layer made.

use imap_blocking::imap_core::mailbox::Update;
use imap_blocking::imap_core::ops::search::sort_by;
use imap_blocking::prelude::*;
use imap_blocking::types::{Capability, Flag, SortKey, Uid, UidSet};
use imap_blocking::types::{ListEntry, MailboxAttr, StatusItem, StatusValue, StoreKind};
use imap_blocking::{Connector, Error, Event, FetchQuery, Query, Security};
use mock_server::backend::{MailAccount, MailStore, SelectionHandle};
use mock_server::listener::{MockServer, RunningServer};
use mock_server::store::{
    AppendUid, Change, CopyUid, ListRequest, MessageSnapshot, NewMessage, SelectInfo, SessionId,
    Store, StoreError, StoreResult, Watch,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the protocol layer called, in order, and the switches a test flips.
#[derive(Default)]
struct Log {
    calls: Mutex<Vec<String>>,
    fail_copy: AtomicBool,
}

impl Log {
    fn push(&self, call: impl Into<String>) {
        self.calls.lock().unwrap().push(call.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }
}

/// The in-memory store seen only through `dyn MailStore`, with a journal.
#[derive(Clone)]
struct Journal {
    inner: Arc<dyn MailStore>,
    log: Arc<Log>,
}

impl MailStore for Journal {
    fn new_session(&self) -> SessionId {
        self.inner.new_session()
    }

    fn login(&self, user: &str, password: &str) -> Result<Arc<dyn MailAccount>, StoreError> {
        self.log.push(format!("login {user}"));
        if user == "mallory" {
            return Err(StoreError::AuthenticationFailed);
        }
        let inner = self.inner.login(user, password)?;
        Ok(Arc::new(JournalAccount {
            inner,
            log: self.log.clone(),
        }))
    }

    fn watch(&self, wake: Box<dyn Fn() + Send + Sync>) -> Watch {
        self.inner.watch(wake)
    }
}

struct JournalAccount {
    inner: Arc<dyn MailAccount>,
    log: Arc<Log>,
}

impl MailAccount for JournalAccount {
    fn user(&self) -> &str {
        self.inner.user()
    }

    fn create(&self, name: &str, special_use: &[MailboxAttr]) -> Result<(), StoreError> {
        self.log.push(format!("create {name}"));
        self.inner.create(name, special_use)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.log.push(format!("delete {name}"));
        self.inner.delete(name)
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        self.log.push(format!("rename {from} {to}"));
        self.inner.rename(from, to)
    }

    fn subscribe(&self, name: &str) -> Result<(), StoreError> {
        self.inner.subscribe(name)
    }

    fn unsubscribe(&self, name: &str) -> Result<(), StoreError> {
        self.inner.unsubscribe(name)
    }

    fn list(&self, reference: &str, patterns: &[&str], options: &ListRequest) -> Vec<ListEntry> {
        self.log.push("list");
        self.inner.list(reference, patterns, options)
    }

    fn lsub(&self, reference: &str, pattern: &str) -> Vec<ListEntry> {
        self.inner.lsub(reference, pattern)
    }

    fn status(
        &self,
        name: &str,
        items: &[StatusItem],
    ) -> Result<Vec<(StatusItem, StatusValue)>, StoreError> {
        self.log.push(format!("status {name}"));
        self.inner.status(name, items)
    }

    fn append_many(
        &self,
        mailbox: &str,
        messages: Vec<NewMessage>,
    ) -> Result<AppendUid, StoreError> {
        self.log
            .push(format!("append {mailbox} {}", messages.len()));
        self.inner.append_many(mailbox, messages)
    }

    fn select(
        &self,
        mailbox: &str,
        session: SessionId,
        read_only: bool,
    ) -> Result<(Box<dyn SelectionHandle>, SelectInfo), StoreError> {
        self.log.push(format!("select {mailbox}"));
        let (inner, info) = self.inner.select(mailbox, session, read_only)?;
        let view = JournalView {
            inner,
            log: self.log.clone(),
        };
        Ok((Box::new(view), info))
    }
}

/// Forwards the required methods only: FETCH, SEARCH, SORT and THREAD are the trait's own.
struct JournalView {
    inner: Box<dyn SelectionHandle>,
    log: Arc<Log>,
}

impl SelectionHandle for JournalView {
    fn session(&self) -> SessionId {
        self.inner.session()
    }

    fn is_read_only(&self) -> bool {
        self.inner.is_read_only()
    }

    fn poll(&mut self) -> Result<Vec<Change>, StoreError> {
        self.inner.poll()
    }

    fn uids(&self) -> Result<Vec<Uid>, StoreError> {
        self.inner.uids()
    }

    fn messages(&self, uids: &[Uid]) -> Result<Vec<MessageSnapshot>, StoreError> {
        self.log.push(format!("messages {}", uids.len()));
        self.inner.messages(uids)
    }

    fn store(
        &self,
        uids: &[Uid],
        kind: StoreKind,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreResult, StoreError> {
        self.log.push(format!("store {}", uids.len()));
        self.inner.store(uids, kind, flags, unchanged_since)
    }

    fn expunge(&self, uids: Option<&[Uid]>) -> Result<Vec<Uid>, StoreError> {
        self.log.push("expunge");
        self.inner.expunge(uids)
    }

    fn copy(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        self.log.push(format!("copy {dest}"));
        if self.log.fail_copy.load(Ordering::SeqCst) {
            return Err(StoreError::OverQuota);
        }
        self.inner.copy(uids, dest)
    }

    fn move_to(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        self.log.push(format!("move {dest}"));
        self.inner.move_to(uids, dest)
    }

    fn changed_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        self.inner.changed_since(modseq)
    }

    fn vanished_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        self.inner.vanished_since(modseq)
    }
}

const MSG1: &[u8] =
    b"From: Alice <alice@example.org>\r\nSubject: beta\r\nMessage-ID: <1@x>\r\n\r\nfirst body\r\n";
const MSG2: &[u8] = b"From: Bob <bob@example.org>\r\nSubject: alpha\r\nMessage-ID: <2@x>\r\nIn-Reply-To: <1@x>\r\n\r\nsecond body, with a needle\r\n";

/// The in-memory store with `alice` (two messages in INBOX, an `Archive`) and `mallory`.
fn served() -> (RunningServer<Journal>, Store, Arc<Log>) {
    let store = Store::builder()
        .user("alice", "pw")
        .user("mallory", "pw")
        .build()
        .unwrap();
    let alice = store.account("alice").unwrap();
    alice.create("Archive", &[]).unwrap();
    alice.append("INBOX", MSG1, &[], None).unwrap();
    alice.append("INBOX", MSG2, &[], None).unwrap();
    let log = Arc::new(Log::default());
    let journal = Journal {
        inner: Arc::new(store.clone()),
        log: log.clone(),
    };
    let server = MockServer::builder()
        .backend(journal)
        .allow_plaintext_login()
        .start()
        .unwrap();
    (server, store, log)
}

fn connector(server: &RunningServer<Journal>, user: &str) -> Connector {
    Connector::new("127.0.0.1")
        .port(server.addr().port())
        .connect_timeout(Some(Duration::from_secs(10)))
        .command_timeout(Duration::from_secs(10))
        .security(Security::Plain)
        .allow_plaintext_login()
        .password(user, "pw")
}

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn refused(err: &Error) -> bool {
    matches!(err, Error::Command(_))
}

#[test]
fn capabilities_follow_the_extension_probes() {
    let (server, _, _) = served();
    let mut client = connector(&server, "alice").connect().unwrap();
    let caps = client.capabilities().unwrap();
    let auth = |m: &str| Capability::Auth(imap_blocking::types::Atom::try_from(m).unwrap());
    assert!(caps.has(&auth("PLAIN")) && caps.has(&Capability::Idle));
    assert!(!caps.has(&auth("SCRAM-SHA-256")) && !caps.has(&auth("CRAM-MD5")));
    let mut s = client.login("alice", "pw").unwrap();
    assert!(!s.capabilities().unwrap().has(&Capability::Quota));
    assert!(s.capabilities().unwrap().has(&Capability::Move));
    let err = s.quota_root("INBOX").unwrap_err();
    assert!(refused(&err), "{err:?}");
    s.noop().unwrap();
}

#[test]
fn the_store_decides_who_logs_in() {
    let (server, _, log) = served();
    let err = connector(&server, "mallory").login().unwrap_err();
    assert!(format!("{err:?}").contains("uthentication"), "{err:?}");
    assert_eq!(log.take(), ["login mallory"]);
    connector(&server, "alice")
        .login()
        .unwrap()
        .logout()
        .unwrap();
}

#[test]
fn a_whole_session_goes_through_the_traits() {
    let (server, store, log) = served();
    let mut s = connector(&server, "alice").login().unwrap();
    log.take();

    let summary = s.select("INBOX").unwrap();
    assert_eq!(summary.exists, 2);
    assert_eq!(log.take(), ["select INBOX"]);

    // FETCH of a body: the provided `fetch` sets \Seen through `store`, then reads the
    // snapshot through `messages`.
    let m = s
        .fetch_one(uid(2), &FetchQuery::new().mark_seen().body())
        .unwrap();
    assert_eq!(m.body(), Some(MSG2));
    assert!(
        m.flags.as_ref().is_some_and(|f| f.contains(&Flag::Seen)),
        "{m:?}"
    );
    let calls = log.take();
    assert!(calls.contains(&"store 1".to_owned()), "{calls:?}");
    assert!(calls.iter().any(|c| c.starts_with("messages")), "{calls:?}");
    let inbox = store.account("alice").unwrap();
    assert!(
        inbox
            .message("INBOX", uid(2))
            .unwrap()
            .unwrap()
            .has(&Flag::Seen)
    );

    // SEARCH, SORT and THREAD on the provided implementations.
    assert_eq!(s.search(&Query::new().body("needle")).unwrap(), [uid(2)]);
    assert_eq!(
        s.sort(&[sort_by(SortKey::Subject)], &Query::all()).unwrap(),
        [uid(2), uid(1)]
    );
    let threads = s.thread("REFERENCES", &Query::all()).unwrap();
    assert_eq!(threads.len(), 1, "{threads:?}");

    // COPY fails when the store says so, and the session goes on.
    log.fail_copy.store(true, Ordering::SeqCst);
    let err = s.copy(UidSet::single(uid(1)), "Archive").unwrap_err();
    assert!(refused(&err), "{err:?}");
    assert!(format!("{err:?}").contains("OverQuota"), "{err:?}");
    log.fail_copy.store(false, Ordering::SeqCst);
    let mapping = s.copy(UidSet::single(uid(1)), "Archive").unwrap().unwrap();
    assert_eq!(mapping.len(), 1);
    let moved = s
        .move_messages(&UidSet::single(uid(2)), "Archive")
        .unwrap()
        .unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(inbox.uids("Archive").unwrap().len(), 2);
    let calls = log.take();
    assert!(
        calls.contains(&"copy Archive".to_owned()) && calls.contains(&"move Archive".to_owned()),
        "{calls:?}"
    );

    // IDLE is woken through `MailStore::watch` when the store changes underneath.
    s.drain_events();
    let mut idle = s.idle().unwrap();
    inbox.deliver("INBOX", MSG1, &[], None).unwrap();
    let mut woken = false;
    for _ in 0..50 {
        if let Some(Event::Mailbox(Update::Exists { .. })) =
            idle.wait_timeout(Duration::from_millis(200)).unwrap()
        {
            woken = true;
            break;
        }
    }
    assert!(woken, "IDLE was not woken");
    idle.done().unwrap();
    s.logout().unwrap();
}
