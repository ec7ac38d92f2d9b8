//! The server under hostile clients (issue 12): resource bounds held by counting what an
//! operation allocates, never by timing it.

use mock_server::store::{ListOptions, MAX_NAME_LEVEL, MAX_NAME_LEVELS, Store, StoreError};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::sync::Mutex;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counter is process-wide: the tests take turns, each holding this for its whole run.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `f` returns, and the bytes allocated while it ran (by any thread: hold [`alone`]).
fn allocated<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let region = Region::new(GLOBAL);
    let out = f();
    (out, region.change().bytes_allocated)
}

/// A name at both limits: `MAX_NAME_LEVELS` levels of `MAX_NAME_LEVEL` bytes.
fn widest_name(tag: char) -> String {
    vec![tag.to_string().repeat(MAX_NAME_LEVEL); MAX_NAME_LEVELS].join("/")
}

/// A 39 KiB name of one-byte levels (it once froze the server for minutes) is refused at the
/// cost of reading it; a name at both limits is created at a cost linear in its length.
#[test]
fn deep_mailbox_names_cost_their_length() {
    let _alone = alone();
    let store = Store::new();
    let account = store.add_user("u", "p").unwrap();
    let before = account.mailboxes();
    let deep = vec!["a"; 20_000].join("/");
    let (res, bytes) = allocated(|| account.create(&deep, &[]));
    assert_eq!(res, Err(StoreError::NameTooLong));
    assert!(
        bytes < 1024,
        "{bytes} bytes allocated to refuse a deep name"
    );
    assert_eq!(account.mailboxes(), before);
    let long_level = "x".repeat(MAX_NAME_LEVEL + 1);
    assert_eq!(
        account.create(&long_level, &[]),
        Err(StoreError::NameTooLong)
    );
    let too_many = vec!["y"; MAX_NAME_LEVELS + 1].join("/");
    assert_eq!(account.create(&too_many, &[]), Err(StoreError::NameTooLong));

    let widest = widest_name('w');
    let (res, bytes) = allocated(|| account.create(&widest, &[]));
    res.unwrap();
    // The name and its 19 superiors (each a prefix): at most levels x length.
    assert!(
        bytes < MAX_NAME_LEVELS * widest.len() * 2,
        "{bytes} bytes allocated to create a {}-byte name",
        widest.len()
    );
    assert_eq!(account.mailboxes().len(), before.len() + MAX_NAME_LEVELS);
}

/// LIST with a long pattern of wildcards over many names at both limits allocates in
/// proportion to the names and the pattern, not their product (the matcher it replaces
/// allocated pattern length x name length bytes per name: 16 MB each here).
#[test]
fn list_costs_the_names_listed() {
    let _alone = alone();
    let store = Store::new();
    let account = store.add_user("u", "p").unwrap();
    for i in 0..50 {
        // A different first level each: 50 names at both limits, with 19 superiors each.
        let name = format!(
            "{i:a>width$}{}",
            &widest_name('a')[MAX_NAME_LEVEL..],
            width = MAX_NAME_LEVEL
        );
        account.create(&name, &[]).unwrap();
    }
    // Every name (superiors included) as LIST sees them.
    let names_len: usize = account.mailboxes().iter().map(String::len).sum();
    // `%a` 2,000 times then `b`: matches nothing, and makes a naive matcher work hard.
    let pattern = format!("{}b", "%a".repeat(2_000));
    let (entries, bytes) = allocated(|| account.list("", &[&pattern], &ListOptions::default()));
    assert!(entries.is_empty());
    let budget = 16 * (names_len + pattern.len()) + 64 * 1024;
    assert!(bytes < budget, "{bytes} bytes allocated, budget {budget}");
    // `*` lists every name and superior; still linear.
    let (entries, bytes) = allocated(|| account.list("", &["*"], &ListOptions::default()));
    assert!(entries.len() > 50);
    assert!(
        bytes < budget * 4,
        "{bytes} bytes allocated listing everything"
    );
}
