//! Sans-IO IMAP: a pure state machine for IMAP clients and servers.
//!
//! `imap-core` consumes bytes and emits typed events and outgoing bytes. It never opens a
//! socket, reads a clock or spawns a thread: time comes in as an argument, so the same code runs
//! under a blocking driver, tokio, a custom event loop or a fuzzer.
//!
//! - [`frame`]: finds response (or command) boundaries in arbitrary pieces of input, literals
//!   included, with limits on every size.
//! - [`parse`] and [`encode`]: the parser (winnow combinators for keyword choices, sequences
//!   and lists over hand-written scanners for atoms, strings, numbers and literals) and the encoder for every command and response
//!   of IMAP4rev1, IMAP4rev2 and the common extensions; parsed strings are zero-copy slices.
//! - [`client`]: the client state machine (tags, pipelining, literals, SASL, IDLE, STARTTLS,
//!   COMPRESS) and, in [`mailbox`], the selected-mailbox model (sequence numbers and UIDs).
//! - [`protocol`]: the rules both sides apply: command names, the states each command is valid
//!   in, the commands that forbid EXPUNGE responses.
//! - [`types`]: the typed values, with distinct [`types::SeqNum`] and [`types::Uid`].
//! - [`engine`] and [`ops`]: the high-level client, sans-IO: every operation a user calls
//!   (login with its fallbacks, select, fetch, move, IDLE, ...) is an [`ops::Operation`] that
//!   an [`engine::Engine`] runs, and [`ops::Commands`] makes them the methods of a client;
//!   a driver for any runtime is one loop around [`engine::Engine::drive`].
//!
//! # The run loop
//!
//! A driver feeds received bytes to [`client::ClientMachine::handle_input`], writes what
//! [`client::ClientMachine::poll_transmit`] gives, handles every [`client::ClientMachine::poll_event`], and
//! sleeps until [`client::ClientMachine::poll_timeout`]. Here the "network" is a scripted server:
//!
//! ```
//! use imap_core::client::{ClientMachine, ClientConfig, Event};
//! use imap_core::types::{CommandBody, Mailbox, SelectParams};
//! use imap_core::secret::Secret;
//! use std::time::Instant;
//!
//! /// A scripted server: answers each command line it receives.
//! fn server(input: &[u8]) -> Vec<u8> {
//!     let text = String::from_utf8_lossy(input);
//!     let mut out = String::new();
//!     for line in text.split_terminator("\r\n") {
//!         let (tag, cmd) = line.split_once(' ').unwrap();
//!         if cmd.starts_with("LOGIN") {
//!             out += &format!("{tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n");
//!         } else if cmd.starts_with("SELECT") {
//!             out += "* 2 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n";
//!             out += &format!("{tag} OK [READ-WRITE] selected\r\n");
//!         } else if cmd.starts_with("LOGOUT") {
//!             out += &format!("* BYE bye\r\n{tag} OK done\r\n");
//!         }
//!     }
//!     out.into_bytes()
//! }
//!
//! let now = Instant::now();
//! let config = ClientConfig { allow_plaintext_login: true, ..ClientConfig::default() };
//! let mut client = ClientMachine::new(config, now);
//! // Commands may be queued before the greeting; they are sent once it arrives.
//! client.send(now, CommandBody::Login {
//!     username: "alice".into(),
//!     password: Secret::new("secret".into()),
//! })?;
//! client.send(now, CommandBody::Select {
//!     mailbox: Mailbox::inbox(),
//!     params: SelectParams::default(),
//! })?;
//! client.send(now, CommandBody::Logout)?;
//!
//! let mut inbound = b"* OK [CAPABILITY IMAP4rev1] ready\r\n".to_vec();
//! let mut exists = None;
//! loop {
//!     client.handle_input(now, &inbound);
//!     let mut outbound = Vec::new();
//!     client.poll_transmit(&mut outbound);
//!     while let Some(event) = client.poll_event() {
//!         match event {
//!             Event::Completed(done) => {
//!                 if let Some(summary) = &done.summary {
//!                     exists = Some(summary.exists);
//!                 }
//!             }
//!             Event::Closed(reason) => assert!(reason.is_none()),
//!             _ => {}
//!         }
//!     }
//!     if outbound.is_empty() {
//!         client.handle_eof(now); // the server closed the connection after BYE
//!         break;
//!     }
//!     inbound = server(&outbound); // a driver writes and reads a socket here
//! }
//! assert_eq!(exists, Some(2));
//! assert!(client.is_closed());
//! # Ok::<(), imap_core::client::UsageError>(())
//! ```
//!
//! # Tracing
//!
//! The client is instrumented with [`tracing`]; without a subscriber that listens, every
//! callsite is a cached "disabled" check and nothing is formatted. With one:
//!
//! - a span `imap{conn=N}` per connection (a [`client::ClientMachine`]) and, inside it, a span
//!   `command{tag, name}` per command, from when it is queued to its completion;
//! - DEBUG events on the target [`client::TRACE_TARGET`] (`imap_core::client`): state changes
//!   (`not authenticated` -> `authenticated` -> `selected` ...), capability changes (and
//!   capabilities forgotten after STARTTLS and authentication), each command's completion with
//!   its status, response code and time, unsolicited updates of the selected mailbox (EXISTS,
//!   EXPUNGE, FETCH flags, VANISHED ...) and other unsolicited responses, BYE, skipped
//!   responses, the end of the connection and why, and each operation of the
//!   [`engine::Engine`] (`operation Select`, `operation Select finished`, with its error);
//! - the wire trace, opt-in: TRACE events on the target [`client::WIRE_TARGET`]
//!   (`imap_core::wire`), one per response received (`S: ...`) and per piece of a command sent
//!   (`C: ...`). It is taken inside the client, after decryption and decompression and before
//!   compression, so TLS and COMPRESS=DEFLATE connections show plain IMAP under every driver.
//!   Credentials never appear: `LOGIN` and `AUTHENTICATE` show up to the command name and
//!   SASL mechanism, then `<redacted>`, and SASL responses are `<redacted>`; literal payloads
//!   are shown by size (`{310}<310 bytes>`); a line shows at most [`client::MAX_SHOWN`] bytes.
//!
//! Enable it with any subscriber, for example tracing-subscriber's fmt subscriber with
//! `EnvFilter::new("imap_core=debug,imap_core::wire=trace")` (what the examples' `-v` and
//! `IMAP_DEBUG=1` install), or `imap_core=debug` for the events without the wire.

#[cfg(any(test, feature = "arbitrary"))]
pub mod arbitrary;
pub mod client;
pub mod decode;
mod deflate;
pub mod encode;
pub mod engine;
pub mod excerpt;
pub mod frame;
pub mod mailbox;
pub mod ops;
pub mod parse;
pub mod protocol;
pub mod sasl;
pub mod secret;
pub mod server;
pub mod terminal;
pub mod types;
pub mod utf7;

/// The MIME parser behind [`ops::Commands::fetch_parsed`], re-exported so its types can be named.
pub use mail_parser;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
