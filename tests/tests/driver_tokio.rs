//! imap-tokio through the driver scenarios written once in the tests crate (the mock server
//! over every transport, connecting, misbehaving servers, private Dovecot and Cyrus servers),
//! each run on a current-thread runtime as `#[tokio::test]` would. What only an async driver
//! has (dropped futures, `select!`) is in `tokio_cancellation.rs`.

imap_tests::driver_scenarios!(
    driver = imap_tokio,
    async = [async],
    await = [.await],
    block_on = [imap_tests::runtime::block_on],
    stream = [imap_tests::runtime::tokio_stream],
);
