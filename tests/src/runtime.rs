//! The runtime the scenarios of an async driver run on.

/// Runs `f` to completion on a current-thread tokio runtime of its own (timers and I/O on), as
/// `#[tokio::test]` does: the `block_on` of the imap-tokio scenarios.
///
/// # Panics
/// When the runtime cannot be built.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}
