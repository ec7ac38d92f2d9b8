//! High-level operations on the engine against a scripted server in memory, with a virtual
//! clock: every fallback path, and the engine's rules (abandoned operations, IDLE, closed
//! connections).

mod auth;
mod fetch;
mod folders;
mod harness;
mod messages;
mod porting;
mod resync;
mod rules;
mod session;

/// A greeting with the capabilities of a server that has every extension the fallbacks test.
pub const FULL: &str = "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=SCRAM-SHA-256 IDLE UNSELECT MOVE UIDPLUS ESEARCH LIST-STATUS SPECIAL-USE LIST-EXTENDED COMPRESS=DEFLATE ENABLE] ready\r\n";

/// A greeting of a bare IMAP4rev1 server: no extension at all.
pub const BARE: &str = "* OK [CAPABILITY IMAP4rev1] ready\r\n";
