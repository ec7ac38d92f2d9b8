//! Sans-IO IMAP.

pub mod secret;
pub mod types;
pub mod utf7;
pub mod excerpt;
pub mod parse;
