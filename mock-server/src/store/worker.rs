//! Taking the store lock from an async runtime's worker without making the worker wait.
//!
//! The TCP listener runs cheap work on its runtime's worker (reading a logged-in client's
//! commands, a `NOOP`, a step of a FETCH of kept metadata: see
//! `MockSession::poll_transmit_cheap`), where handing the worker's place to another thread
//! (`tokio::task::block_in_place`) for every command cost as much as the command. Such work
//! may still find the store lock held by another session:
//! [`lock`] then waits for it under `block_in_place`, so no runtime worker ever waits for the
//! store lock (issue 12, item 7) while an uncontended lock costs nothing more.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

thread_local! {
    /// Set while [`on_worker`] runs its function on this thread.
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on this thread, which is a worker of a multi-thread tokio runtime: every store
/// lock `f` must wait for is waited for under `block_in_place`.
pub(crate) fn on_worker<R>(f: impl FnOnce() -> R) -> R {
    /// Clears the mark however `f` ends.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            ON_WORKER.with(|w| w.set(false));
        }
    }
    ON_WORKER.with(|w| w.set(true));
    let _clear = Clear;
    f()
}

/// Locks `m` (a poisoned lock is taken as it is): at once when it is free, else by waiting,
/// with this worker's place handed to another thread when inside [`on_worker`].
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    let taken = match m.try_lock() {
        Ok(g) => Ok(g),
        Err(TryLockError::Poisoned(e)) => Err(e),
        Err(TryLockError::WouldBlock) if ON_WORKER.with(Cell::get) => {
            tokio::task::block_in_place(|| m.lock())
        }
        Err(TryLockError::WouldBlock) => m.lock(),
    };
    taken.unwrap_or_else(PoisonError::into_inner)
}
