//! Sans-IO IMAP.
