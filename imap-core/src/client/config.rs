//! Client settings ([`ClientConfig`]).

use crate::frame::Limits;
use std::time::Duration;

/// The default of [`ClientConfig::operation_deadline`]: 30 minutes.
pub const DEFAULT_OPERATION_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// The default of [`ClientConfig::max_command_data`]: 1.5 GiB.
pub const DEFAULT_MAX_COMMAND_DATA: u64 = (1 << 30) + (1 << 29);

/// What [`ClientConfig::greeting_probe`] sends: one line of spaces, five bytes, the length of
/// a TLS record header, so that every TLS implementation reads a whole header and refuses it
/// (the first byte, 0x20, is no TLS content type).
pub const GREETING_PROBE: &[u8] = b"   \r\n";

/// How the client behaves. `Default` is safe: TLS required for passwords, IDLE re-issued every
/// 29 minutes, no streaming.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The connection is already protected by TLS (implicit TLS on port 993). STARTTLS sets
    /// this by itself once the upgrade is done.
    pub tls: bool,
    /// Allow LOGIN and plaintext SASL mechanisms on a connection without TLS (test servers).
    pub allow_plaintext_login: bool,
    /// End and re-issue IDLE after this long (RFC 2177 advises before 29 minutes).
    pub idle_reissue: Duration,
    /// While idling, treat the connection as dead if nothing (not even a keep-alive `* OK`)
    /// arrives for this long.
    pub idle_liveness: Option<Duration>,
    /// Fail the connection if a command gets no completion, and nothing at all arrives from the
    /// server, for this long (a long FETCH that keeps receiving data does not time out).
    pub command_timeout: Option<Duration>,
    /// Fail the connection if no greeting arrives for this long.
    pub greeting_timeout: Option<Duration>,
    /// On a connection without TLS, when not a byte arrived for this long after connecting,
    /// send [`GREETING_PROBE`]: a server on an implicit-TLS port (993) waits in silence for
    /// a TLS ClientHello, and answers these bytes with a TLS alert, which the driver
    /// recognises (rather than waiting for the greeting timeout). An IMAP server that is
    /// merely slow to greet reads one line of spaces, at worst answering `BAD`. `None`
    /// (the default): never.
    pub greeting_probe: Option<Duration>,
    /// The overall deadline of one command, from the moment the caller queued it to its
    /// completion, however steadily the server sends (a server that sends one byte every
    /// 100 ms defeats [`ClientConfig::command_timeout`], not this). It also bounds the wait
    /// for the greeting, and the writes of the command's bytes (a server that stops reading
    /// cannot hold a large APPEND: see [`super::ClientMachine::write_deadline`]). A running IDLE is
    /// exempt until its DONE is sent. Past it the connection fails
    /// with [`super::ConnectionError::DeadlineExceeded`]: every pending command completes as
    /// aborted, the connection is closed, and later calls get [`super::UsageError::Closed`].
    /// `None`: no deadline. Default: 30 minutes ([`DEFAULT_OPERATION_DEADLINE`]); raise it
    /// for downloads that take longer.
    pub operation_deadline: Option<Duration>,
    /// Deliver literals longer than this as [`super::Event::LiteralChunk`]s instead of holding
    /// them in memory.
    pub stream_threshold: Option<u64>,
    /// Framer limits (line length, literal size, unit size, nesting depth).
    pub limits: Limits,
    /// The most untagged data one command may collect for its [`super::Completion`]: the
    /// bytes of its responses plus the size of each parsed element. Past it the connection
    /// fails with [`super::ConnectionError::TooMuchData`]: the command and every other
    /// pending one complete as aborted (what they collected is dropped), and later calls get
    /// [`super::UsageError::Closed`]. Data received outside a command (or not collected by
    /// it) goes out as events and is not counted. Default: 1.5 GiB, a little more than the
    /// largest response the framer accepts ([`Limits::max_unit`]); stream large literals
    /// ([`ClientConfig::stream_threshold`]) rather than raise it.
    pub max_command_data: u64,
    /// Parse strictly (reject real-server deviations); for testing servers.
    pub strict: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            tls: false,
            allow_plaintext_login: false,
            idle_reissue: Duration::from_secs(29 * 60),
            idle_liveness: None,
            command_timeout: None,
            greeting_timeout: None,
            greeting_probe: None,
            operation_deadline: Some(DEFAULT_OPERATION_DEADLINE),
            stream_threshold: None,
            limits: Limits::default(),
            max_command_data: DEFAULT_MAX_COMMAND_DATA,
            strict: false,
        }
    }
}
