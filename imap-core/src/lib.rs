//! Sans-IO IMAP.

pub mod encode;
pub mod secret;
pub mod types;
pub mod utf7;
