//! `-v` (or `--verbose`) and `IMAP_DEBUG=1`: print imap-core's trace on stderr.
//!
//! The trace is the connection and command spans, the events of imap-core's client (state
//! and capability changes, unsolicited updates, completions with their time) and the wire
//! trace (what went over the connection in plain IMAP, inside TLS and COMPRESS, credentials
//! redacted and literals shown by size). `RUST_LOG` (tracing-subscriber's `EnvFilter` syntax)
//! chooses other targets and levels, for example `RUST_LOG=imap_core=debug` without the wire.

use tracing_subscriber::EnvFilter;

/// What `-v` turns on: the client's spans and events, and the wire trace.
pub const VERBOSE_FILTER: &str = "imap_core=debug,imap_core::wire=trace";

/// Whether `-v` or `--verbose` is among the program's arguments (for an example without
/// [`crate::ConnectArgs`]).
pub fn flag_given() -> bool {
    std::env::args()
        .skip(1)
        .any(|a| a == "-v" || a == "--verbose")
}

/// Installs the fmt subscriber on stderr when `verbose` (the `-v` flag) or `IMAP_DEBUG=1`, or
/// when `RUST_LOG` is set (which then chooses what is shown).
pub fn init(verbose: bool) {
    let verbose = verbose || std::env::var("IMAP_DEBUG").is_ok_and(|v| v == "1");
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) => EnvFilter::new(spec),
        Err(_) if verbose => EnvFilter::new(VERBOSE_FILTER),
        Err(_) => return,
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
