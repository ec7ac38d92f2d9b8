//! Change notification: wakes sessions (IDLE) when a mailbox changes.
//!
//! Every change appended to a mailbox's change log bumps the store's generation and calls every
//! watcher registered with [`Store::watch`](super::Store::watch). Watchers run with the store
//! locked: they must only signal (send on a channel, set a flag), never call back into the store.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A watcher: it only signals (it runs with the notifying store's lock held).
pub type Callback = Box<dyn Fn() + Send + Sync>;

/// A change counter and its watchers: what [`MailStore::watch`](crate::backend::MailStore::watch)
/// hands out. The in-memory store keeps one; another store can use it too (`Arc::new`, then
/// [`Notifier::add`] in `watch` and [`Notifier::bump`] after each change).
#[derive(Default)]
pub struct Notifier {
    generation: AtomicU64,
    next_id: AtomicU64,
    watchers: Mutex<BTreeMap<u64, Callback>>,
    /// The last [`TOUCHED`] changes by generation: whose, and which mailbox (see
    /// [`Notifier::touched`]).
    touched: Mutex<VecDeque<(u64, Touch)>>,
}

/// How many changes [`Notifier::touched`] can tell about; a reader further behind is told
/// that some were lost.
pub const TOUCHED: usize = 4096;

/// What one change concerned.
#[derive(Debug, Clone)]
enum Touch {
    /// Not said ([`Notifier::bump`]).
    Unknown,
    /// A user's mailbox (by object id, RFC 8474), or with `None` the user's mailbox list,
    /// subscriptions or annotations.
    User(Arc<str>, Option<Arc<str>>),
}

/// The changes after a point, for one user: what NOTIFY must look at (RFC 5465).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched {
    /// The point to ask from next time.
    pub next: u64,
    /// Object ids of the user's mailboxes whose messages changed (each once).
    pub mailboxes: Vec<Arc<str>>,
    /// The user's mailbox list, subscriptions or annotations changed, some change was not
    /// said ([`Notifier::bump`]), or some are no longer kept: look at everything.
    pub everything: bool,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("generation", &self.generation())
            .finish()
    }
}

impl Notifier {
    /// How many changes the store has seen.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Records a change and calls the watchers.
    pub fn bump(&self) {
        self.record(Touch::Unknown);
    }

    /// Records a change of `user`'s mailbox `mailbox` (object id; `None`: the mailbox list,
    /// subscriptions or annotations) and calls the watchers.
    pub fn bump_for(&self, user: Arc<str>, mailbox: Option<Arc<str>>) {
        self.record(Touch::User(user, mailbox));
    }

    /// The changes from generation `since` on that concern `user`: reading them costs the
    /// number of changes since, not the number of mailboxes.
    pub fn touched(&self, user: &str, since: u64) -> Touched {
        let log = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        let next = self.generation();
        let oldest = log.front().map_or(next, |t| t.0);
        let mut out = Touched {
            next,
            mailboxes: Vec::new(),
            everything: since < oldest && since < next,
        };
        for (_, t) in log.iter().filter(|t| t.0 >= since) {
            match t {
                Touch::Unknown => out.everything = true,
                Touch::User(u, _) if &**u != user => {}
                Touch::User(_, None) => out.everything = true,
                Touch::User(_, Some(m)) => {
                    if !out.mailboxes.contains(m) {
                        out.mailboxes.push(m.clone());
                    }
                }
            }
        }
        out
    }

    fn record(&self, touch: Touch) {
        {
            let mut log = self.touched.lock().unwrap_or_else(|e| e.into_inner());
            let g = self.generation.fetch_add(1, Ordering::SeqCst);
            if log.len() == TOUCHED {
                log.pop_front();
            }
            log.push_back((g, touch));
        }
        let watchers = self.watchers.lock().unwrap_or_else(|e| e.into_inner());
        for w in watchers.values() {
            w();
        }
    }

    /// Registers a watcher, called on every [`Notifier::bump`] until the [`Watch`] is dropped.
    pub fn add(self: &Arc<Self>, f: Callback) -> Watch {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        self.watchers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, f);
        Watch {
            notifier: self.clone(),
            id,
        }
    }
}

/// A registered watcher; dropping it unregisters.
pub struct Watch {
    notifier: Arc<Notifier>,
    id: u64,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("id", &self.id).finish()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.notifier
            .watchers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}
