//! mock-server: an in-memory IMAP server with real RFC semantics.
//!
//! This crate holds the mailbox store and the message semantics behind it, as a library over
//! the typed values of `imap-core`, with no wire formatting:
//!
//! - [`backend`]: the traits the protocol layer talks to, so any store can be put behind the
//!   server; the in-memory [`store`] implements them.
//! - [`store`]: users, mailboxes, messages, UIDs, MODSEQs, `\Recent`, quota and the change log
//!   that gives every session its own view.
//! - [`mime`]: stored RFC 5322 messages parsed into ENVELOPE, BODYSTRUCTURE and sections.
//! - [`fetch`], [`search`], [`sort`], [`thread`]: FETCH items, SEARCH keys, SORT and THREAD.
//! - [`seed`]: a builder, `.eml` directories, mbox files and a demo account.
//! - [`session`]: the protocol layer, one connection's IMAP session over the store (sans-IO,
//!   driving `imap_core::server::ServerSession`), with quirks and fault injection.
//! - [`listener`]: the server: in-memory connections and a 127.0.0.1 listener with TLS and
//!   STARTTLS ([`listener::MockServer`]).
//! - [`transcript`]: readable, redacted records of conversations.
//! - [`script`]: script mode, exact scripted replies for client tests, in memory or on
//!   127.0.0.1.

pub mod backend;
pub mod demo;
pub mod fetch;
pub mod listener;
pub mod mime;
pub mod script;
pub mod search;
pub mod seed;
pub mod session;
pub mod sort;
pub mod store;
pub mod thread;
pub mod transcript;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
