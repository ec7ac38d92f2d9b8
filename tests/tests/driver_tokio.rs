//! imap-tokio through the driver scenarios written once in the tests crate (the mock server
//! over every transport, private Dovecot and Cyrus servers), each run on a current-thread
//! runtime as `#[tokio::test]` would. Dropped futures are in `tokio_cancellation.rs`.

imap_tests::mock_server_scenarios!(
    driver = imap_tokio,
    async = [async],
    await = [.await],
    block_on = [block_on],
);
imap_tests::real_server_scenarios!(
    driver = imap_tokio,
    async = [async],
    await = [.await],
    block_on = [block_on],
);

/// Runs a scenario's future to completion on a runtime of its own.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}
