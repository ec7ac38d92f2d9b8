//! Sans-IO IMAP.

pub mod excerpt;
pub mod frame;
