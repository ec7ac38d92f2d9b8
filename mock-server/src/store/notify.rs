//! Change notification: wakes sessions (IDLE) when a mailbox changes.
//!
//! Every change appended to a mailbox's change log bumps the store's generation and calls every
//! watcher registered with [`Store::watch`](super::Store::watch). Watchers run with the store
//! locked: they must only signal (send on a channel, set a flag), never call back into the store.

use std::collections::BTreeMap;
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
        self.generation.fetch_add(1, Ordering::SeqCst);
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
