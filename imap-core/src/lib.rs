//! Sans-IO IMAP.

pub mod excerpt;
