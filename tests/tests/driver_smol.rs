//! imap-smol, the third driver (smol / async-io, futures-rustls), through the same driver
//! scenarios as imap-blocking and imap-tokio (the mock server in memory and over every
//! transport, connecting, misbehaving servers, private Dovecot and Cyrus servers), each run
//! with `smol::block_on`.

imap_tests::driver_scenarios!(
    driver = imap_smol,
    async = [async],
    await = [.await],
    block_on = [smol::block_on],
    stream = [smol_stream],
);

/// A blocking socket as an async-io one, for `connect_stream` (the in-memory transport).
fn smol_stream(stream: std::net::TcpStream) -> smol::Async<std::net::TcpStream> {
    smol::Async::new(stream).expect("registering the socket with async-io")
}
