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

/// A blocking socket as a tokio one, for an async driver's `connect_stream` (the in-memory
/// transport of the scenarios, [`crate::memory::in_memory`]). Call it inside the runtime.
///
/// # Panics
/// When the socket cannot be made non-blocking or registered with the runtime.
pub fn tokio_stream(stream: std::net::TcpStream) -> tokio::net::TcpStream {
    stream.set_nonblocking(true).expect("a non-blocking socket");
    tokio::net::TcpStream::from_std(stream).expect("registering the socket with the runtime")
}
