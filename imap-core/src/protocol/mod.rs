//! Protocol rules stated once, for the client and the server alike: the canonical name of every
//! command (what the encoder writes and the command parser reads), the connection states each
//! command is valid in (RFC 9051 section 3 and section 6), and which commands forbid untagged
//! EXPUNGE responses while they run (RFC 9051 section 7.5.1, RFC 5256).
//!
//! The client state machine refuses a command locally with these rules before a byte is sent;
//! a server (the mock server does) answers `BAD` to a command its state does not allow and holds
//! back EXPUNGE responses during the commands that forbid them, with the same rules.

mod commands;
mod expunge;
mod state;

pub use commands::{CommandKind, is_uid_form};
pub use expunge::forbids_expunge;
pub use state::ConnState;
