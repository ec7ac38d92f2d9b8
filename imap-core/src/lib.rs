//! Sans-IO IMAP.

#[cfg(any(test, feature = "arbitrary"))]
pub mod arbitrary;
pub mod encode;
pub mod excerpt;
pub mod frame;
pub mod parse;
pub mod sasl;
pub mod secret;
pub mod server;
pub mod types;
pub mod utf7;
