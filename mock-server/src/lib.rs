//! mock-server (filled by a later issue).
