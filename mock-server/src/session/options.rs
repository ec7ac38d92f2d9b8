//! What a server does besides the RFCs: quirk profiles of real servers ([`Quirks`]), fault
//! injection ([`Faults`], [`Injection`]) and the options shared by every session
//! ([`SessionOptions`]).

use crate::transcript::Transcript;
use imap_core::server::ServerConfig;
use imap_core::types::Response;
use std::time::Duration;

/// Behaviour of a known real server, for testing clients against it. Each profile copies
/// observed wire behaviour, not the whole server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quirks {
    /// Plain RFC behaviour (close to Dovecot: greeting with `[CAPABILITY ...]`).
    #[default]
    Standard,
    /// Gmail-like: greeting `* OK Gimap ready for requests from ...`, `X-GM-EXT-1` advertised,
    /// and the untagged `* OK [HIGHESTMODSEQ n]` of SELECT sent without any text (Gmail does
    /// this; a parser that needs text after `]` fails on it).
    Gmail,
    /// Exchange-like: greeting `* OK The Microsoft Exchange IMAP4 service is ready.` without a
    /// capability code, and tagged responses without text (`a1 OK`, `a1 NO`, as Exchange
    /// Online sends for several commands; RFC 9051 requires text after the status).
    Exchange,
    /// Exchange-like BODYSTRUCTURE: every Content-Disposition is written as a bare string
    /// where RFC 9051 wants `body-fld-dsp = "(" string SP body-fld-param ")" / nil`, with its
    /// parameters dropped: `... NIL "inline" NIL NIL)` instead of `... NIL ("inline" NIL) NIL
    /// NIL)`. Exchange / Office 365 sends single parts this way (jstedfast/MailKit#919) and
    /// Exchange 2016 puts a bare string in a multipart's disposition (jakartaee/mail-api#278);
    /// both reports are replayed verbatim in `imap-core/tests/quirks.rs`. The rest of the
    /// conversation is standard.
    ExchangeBodyStructure,
    /// A bare `+` continuation request: `+` and CRLF with neither space nor text, where RFC
    /// 9051 wants `"+" SP (resp-text / base64)`. Sent for a synchronizing literal, to start
    /// IDLE and for the empty challenge of AUTHENTICATE PLAIN (a base64 challenge, as in
    /// AUTHENTICATE LOGIN, keeps its text). Imitates Yandex (djc/imap-proto#67),
    /// public-inbox-imapd (modern-email/defects#7) and SmarterMail after `AUTHENTICATE PLAIN`
    /// (closeio/sync-engine PR #504). Not applied once COMPRESS is active.
    BareContinuation,
}

impl Quirks {
    /// Whether the profile rewrites encoded output (the session then filters its bytes).
    pub(crate) fn rewrites_output(self) -> bool {
        matches!(
            self,
            Quirks::ExchangeBodyStructure | Quirks::BareContinuation
        )
    }
}

/// Where an [`Injection`] fires.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InjectPoint {
    /// Right after the greeting.
    AfterGreeting,
    /// Before the tagged response of every command with this name (`"FETCH"`, `"NOOP"`; the
    /// `UID` prefix is ignored, case-insensitive).
    BeforeTagged(String),
    /// After the tagged response of every command with this name.
    AfterTagged(String),
    /// Right after the `+` that starts an IDLE.
    IdleStarted,
}

/// An unsolicited response sent at a chosen point, as is: the session's own view (sequence
/// numbers) is not changed, so an injected `EXPUNGE` or `EXISTS` deliberately disagrees with the
/// store. An injected `BYE` closes the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    /// When to send it.
    pub at: InjectPoint,
    /// What to send.
    pub response: Response,
}

/// Faults to inject into the connections of a server (every one, or the first few:
/// [`Faults::first_connections`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Write output in pieces of at most this many bytes, each written and flushed separately.
    pub split_writes: Option<usize>,
    /// Wait this long before each write (each piece, with `split_writes`).
    pub write_delay: Option<Duration>,
    /// Close the connection after writing this many bytes (counted on the wire, after TLS and
    /// COMPRESS), in the middle of a response if that is where the count ends.
    pub drop_after_bytes: Option<u64>,
    /// Close the connection, without answering, when a command with this name arrives
    /// (`UID` prefix ignored, case-insensitive).
    pub drop_at_command: Option<String>,
    /// Unsolicited responses to send.
    pub inject: Vec<Injection>,
    /// Commands answered with these bytes instead of by the server: a broken or hostile
    /// server's replies, written as they are (`{tag}` stands for the command's tag). The
    /// command is not run and the session's state does not change; an empty answer leaves the
    /// command unanswered for ever (the session goes on reading). Keyed by command name as
    /// [`Faults::drop_at_command`]; not applied once COMPRESS is active.
    pub answers: Vec<(String, String)>,
    /// Inject the faults into the first this many connections of the server only (numbered
    /// from 1 in the order they were accepted); later ones are served faithfully, so a client
    /// that reconnects after a cut gets through. `None`: every connection.
    pub first_connections: Option<u64>,
}

impl Faults {
    /// No faults at all.
    const NONE: &Faults = &Faults {
        split_writes: None,
        write_delay: None,
        drop_after_bytes: None,
        drop_at_command: None,
        inject: Vec::new(),
        answers: Vec::new(),
        first_connections: None,
    };

    /// The faults that apply to connection number `connection` (from 1): these, or none past
    /// [`Faults::first_connections`].
    pub fn for_connection(&self, connection: u64) -> &Faults {
        match self.first_connections {
            Some(n) if connection > n => Faults::NONE,
            _ => self,
        }
    }
}

/// Options shared by the sessions of one server.
#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// Framing and parsing limits, autologout.
    pub core: ServerConfig,
    /// Allow LOGIN and AUTHENTICATE PLAIN/LOGIN on a connection without TLS. Without it a
    /// plaintext connection advertises `LOGINDISABLED` and refuses them with
    /// `NO [PRIVACYREQUIRED]`. In-memory connections count as secure.
    pub allow_plaintext_login: bool,
    /// Offer STARTTLS on plaintext connections (the listener has a TLS configuration).
    pub starttls: bool,
    /// A real server's quirks.
    pub quirks: Quirks,
    /// Faults to inject.
    pub faults: Faults,
    /// Where to record conversations, if anywhere.
    pub transcript: Option<Transcript>,
    /// A fixed SCRAM-SHA-256 server nonce and CRAM-MD5 challenge instead of random ones, for
    /// reproducible exchanges (the RFC 7677 example, transcripts). Must be printable ASCII
    /// without `,` (RFC 5802's `printable`); a value that is not is ignored.
    pub sasl_nonce: Option<String>,
    /// Offer and accept AUTHENTICATE XOAUTH2 and OAUTHBEARER, checked against the tokens of
    /// `Store::add_oauth_token`. Bearer tokens are credentials sent as they are, so they are
    /// gated like PLAIN (TLS or `allow_plaintext_login`).
    pub oauth: bool,
    /// How long the answer to a failed LOGIN or AUTHENTICATE is held back (nothing else is
    /// read meanwhile), so guessing passwords costs the guesser time. Zero by default, for
    /// tests; the binary waits 2 seconds, as Dovecot's `auth_failure_delay`.
    pub auth_failure_delay: Duration,
    /// After this many failed LOGIN and AUTHENTICATE attempts on one connection, the last
    /// answer is followed by `* BYE` and the connection closes. `None`: never.
    pub max_auth_failures: Option<u32>,
    /// Close a TCP connection whose client has read nothing of a pending reply for this long
    /// (a reply is made as the client reads, so a client that stops reading holds one piece
    /// of it, and this frees even that). `None`: wait for ever. Default: 60 seconds.
    pub write_timeout: Option<Duration>,
    /// Act as a server with UIDPLUS (RFC 4315), the default. Without it the server is an
    /// IMAP4rev1 server without that extension: neither `UIDPLUS` nor `IMAP4rev2` (which
    /// includes it, RFC 9051 appendix E) is advertised and `ENABLE IMAP4rev2` enables nothing,
    /// APPEND, COPY and MOVE succeed without `[APPENDUID ...]` / `[COPYUID ...]`, and
    /// `UID EXPUNGE` is refused with `BAD` as an unknown command.
    pub uidplus: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            core: ServerConfig::default(),
            allow_plaintext_login: false,
            starttls: false,
            quirks: Quirks::Standard,
            faults: Faults::default(),
            transcript: None,
            sasl_nonce: None,
            oauth: false,
            auth_failure_delay: Duration::ZERO,
            max_auth_failures: Some(3),
            write_timeout: Some(Duration::from_secs(60)),
            uidplus: true,
        }
    }
}
