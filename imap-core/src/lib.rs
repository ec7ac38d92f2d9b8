//! Sans-IO IMAP.

pub mod excerpt;
pub mod frame;
pub mod mailbox;
pub mod parse;
pub mod secret;
pub mod types;
pub mod utf7;
