//! Mailbox names ([`Mailbox`]).

use bytes::Bytes;
use std::fmt;

/// A mailbox name as users see it: Unicode text. INBOX is case-insensitive and always held as
/// `INBOX`.
///
/// On the wire the codec writes modified UTF-7 (RFC 3501 section 5.1.3), or UTF-8 once
/// `UTF8=ACCEPT` is enabled. A received name that decodes as neither is kept byte for byte
/// ([`Mailbox::raw`]), so it can be sent back unchanged. A received name that decodes only once
/// control bytes (TAB, ...) are taken as themselves, which modified UTF-7 does not allow, has
/// its Unicode name and keeps its bytes ([`Mailbox::wire`]), which are what is sent back.
///
/// Two mailboxes are equal when their Unicode names are (or, for undecodable names, their
/// bytes): the bytes kept beside a name do not count.
#[derive(Clone)]
pub struct Mailbox(Repr);

#[derive(Clone)]
enum Repr {
    Name(String),
    Raw(Bytes),
    /// A name decoded tolerantly, and the bytes it came from.
    Decoded {
        name: String,
        wire: Bytes,
    },
}

/// What equality, order and hashing look at.
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'a> {
    Name(&'a str),
    Raw(&'a [u8]),
}

impl Mailbox {
    /// The mailbox `INBOX`.
    pub fn inbox() -> Self {
        Mailbox(Repr::Name("INBOX".into()))
    }

    /// A mailbox from its Unicode name.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        if name.eq_ignore_ascii_case("INBOX") {
            Self::inbox()
        } else {
            Mailbox(Repr::Name(name))
        }
    }

    /// A mailbox whose wire bytes could not be decoded; they are sent back unchanged.
    pub fn from_raw(bytes: Bytes) -> Self {
        Mailbox(Repr::Raw(bytes))
    }

    /// A mailbox whose wire bytes decoded to `name` only tolerantly; the bytes are sent back
    /// unchanged.
    pub fn decoded(name: impl Into<String>, wire: Bytes) -> Self {
        Mailbox(Repr::Decoded {
            name: name.into(),
            wire,
        })
    }

    /// The Unicode name, or `None` when the name is held as undecodable raw bytes.
    pub fn name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Name(n) | Repr::Decoded { name: n, .. } => Some(n),
            Repr::Raw(_) => None,
        }
    }

    /// The raw bytes of a name that could not be decoded.
    pub fn raw(&self) -> Option<&Bytes> {
        match &self.0 {
            Repr::Name(_) | Repr::Decoded { .. } => None,
            Repr::Raw(b) => Some(b),
        }
    }

    /// The bytes to send for this name when they are not its encoding: those of an undecodable
    /// name, or of one decoded tolerantly ([`Mailbox::decoded`]).
    pub fn wire(&self) -> Option<&Bytes> {
        match &self.0 {
            Repr::Name(_) => None,
            Repr::Raw(b) | Repr::Decoded { wire: b, .. } => Some(b),
        }
    }

    /// The name for display: the Unicode name, or the raw bytes decoded lossily.
    pub fn display_name(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Repr::Name(n) | Repr::Decoded { name: n, .. } => n.as_str().into(),
            Repr::Raw(b) => String::from_utf8_lossy(b),
        }
    }

    /// Whether this is INBOX.
    pub fn is_inbox(&self) -> bool {
        self.name() == Some("INBOX")
    }

    fn key(&self) -> Key<'_> {
        match &self.0 {
            Repr::Name(n) | Repr::Decoded { name: n, .. } => Key::Name(n),
            Repr::Raw(b) => Key::Raw(b),
        }
    }
}

impl PartialEq for Mailbox {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Mailbox {}

impl std::hash::Hash for Mailbox {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Mailbox {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Mailbox {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Name(n) => write!(f, "{n:?}"),
            Repr::Raw(b) => write!(f, "raw\"{}\"", b.escape_ascii()),
            Repr::Decoded { name, wire } => {
                write!(f, "{name:?} (sent as \"{}\")", wire.escape_ascii())
            }
        }
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_name())
    }
}

impl From<&str> for Mailbox {
    fn from(s: &str) -> Self {
        Mailbox::new(s)
    }
}

impl From<String> for Mailbox {
    fn from(s: String) -> Self {
        Mailbox::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(Mailbox::new("inBox"), Mailbox::inbox());
        assert!(Mailbox::new("Inbox").is_inbox());
        assert_ne!(Mailbox::new("INBOX/sub"), Mailbox::inbox());
    }
}
