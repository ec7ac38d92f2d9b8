//! Sans-IO IMAP.

pub mod secret;
pub mod utf7;
