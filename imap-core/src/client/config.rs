//! Client settings ([`ClientConfig`]).

use crate::frame::Limits;
use std::time::Duration;

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
    /// Deliver literals longer than this as [`super::Event::LiteralChunk`]s instead of holding
    /// them in memory.
    pub stream_threshold: Option<u64>,
    /// Framer limits (line length, literal size, unit size, nesting depth).
    pub limits: Limits,
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
            stream_threshold: None,
            limits: Limits::default(),
            strict: false,
        }
    }
}
