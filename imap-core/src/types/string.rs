//! Byte-string values as they travel on the wire: [`Str`], [`Atom`] and [`Tag`].

use bytes::Bytes;
use std::fmt;

/// An IMAP string value (`astring`, `string`, `nstring` content, `text`), held as bytes.
///
/// Parsed values are zero-copy slices of the received unit. When encoded, the encoder chooses the
/// representation (atom, quoted or literal) that can carry the bytes, so a caller's string can
/// never inject a CRLF or break framing.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Str(Bytes);

impl Str {
    /// Wraps bytes without copying.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Str(bytes.into())
    }

    /// A string from static text, without allocation.
    pub const fn from_static(s: &'static str) -> Self {
        Str(Bytes::from_static(s.as_bytes()))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The underlying shared buffer slice.
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }

    /// The value as UTF-8 text, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The value as text, replacing invalid UTF-8 sequences.
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Consumes the value, returning its bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Case-insensitive ASCII comparison with `other`.
    pub fn eq_ignore_ascii_case(&self, other: &[u8]) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str(Bytes::from(s))
    }
}

impl From<&[u8]> for Str {
    fn from(s: &[u8]) -> Self {
        Str(Bytes::copy_from_slice(s))
    }
}

impl From<Vec<u8>> for Str {
    fn from(s: Vec<u8>) -> Self {
        Str(Bytes::from(s))
    }
}

impl From<Bytes> for Str {
    fn from(s: Bytes) -> Self {
        Str(s)
    }
}

impl AsRef<[u8]> for Str {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Character classes of [`CLASSES`]: bit flags.
pub(crate) mod class {
    /// `ATOM-CHAR`.
    pub const ATOM: u8 = 1;
    /// `ASTRING-CHAR`.
    pub const ASTRING: u8 = 2;
    /// `tag` characters.
    pub const TAG: u8 = 4;
    /// A FETCH item name's characters: `ASTRING-CHAR` except `[`, `<` and `]`.
    pub const ITEM_NAME: u8 = 8;
}

/// The character classes of every byte, so that scanning a token costs one load per byte.
pub(crate) static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let atom = matches!(c, 0x21..=0x7e)
            && !matches!(
                c,
                b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
            );
        let astring = atom || c == b']';
        let mut v = 0;
        if atom {
            v |= class::ATOM;
        }
        if astring {
            v |= class::ASTRING;
        }
        if astring && c != b'+' {
            v |= class::TAG;
        }
        if astring && !matches!(c, b'[' | b'<' | b']') {
            v |= class::ITEM_NAME;
        }
        t[b] = v;
        b += 1;
    }
    t
};

/// Whether `b` is in every class of the bit set `class` (see [`class`]).
#[inline]
pub(crate) fn is_in(b: u8, class: u8) -> bool {
    CLASSES[b as usize] & class == class
}

/// Whether `b` is an `ATOM-CHAR` (RFC 9051 section 9): any CHAR except atom-specials.
pub const fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e)
        && !matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        )
}

/// Whether `b` is an `ASTRING-CHAR` (RFC 9051 section 9): `ATOM-CHAR / resp-specials`.
pub const fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// Whether `b` may appear in a `tag` (RFC 9051 section 9): `ASTRING-CHAR` except `+`.
pub const fn is_tag_char(b: u8) -> bool {
    is_astring_char(b) && b != b'+'
}

/// The error returned when a value cannot be represented as the requested token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} may not contain byte {byte:#04x} at offset {offset} (or be empty)")]
pub struct InvalidToken {
    /// What was being built ("atom", "tag", ...).
    pub kind: &'static str,
    /// The first offending byte (0 when the value was empty).
    pub byte: u8,
    /// Its offset.
    pub offset: usize,
}

fn validate(kind: &'static str, b: &[u8], ok: fn(u8) -> bool) -> Result<(), InvalidToken> {
    if b.is_empty() {
        return Err(InvalidToken {
            kind,
            byte: 0,
            offset: 0,
        });
    }
    match b.iter().position(|&c| !ok(c)) {
        Some(offset) => Err(InvalidToken {
            kind,
            byte: b[offset],
            offset,
        }),
        None => Ok(()),
    }
}

/// An `atom` (RFC 9051 section 9): one or more `ATOM-CHAR`s. Used for flag keywords, capability
/// names, SASL mechanism names and other tokens that are never quoted.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(Bytes);

impl Atom {
    /// Validates and wraps `value`.
    ///
    /// # Errors
    /// When `value` is empty or holds a byte that is not an `ATOM-CHAR`.
    pub fn new(value: impl Into<Bytes>) -> Result<Self, InvalidToken> {
        let b = value.into();
        validate("atom", &b, is_atom_char)?;
        Ok(Atom(b))
    }

    /// An atom from static text.
    ///
    /// # Panics
    /// When `s` is not a valid atom (a programming error in a constant).
    pub fn from_static(s: &'static str) -> Self {
        Self::new(Bytes::from_static(s.as_bytes())).expect("static atom is valid")
    }

    /// Wraps bytes the parser has already checked.
    pub(crate) fn unchecked(b: Bytes) -> Self {
        Atom(b)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The atom as text (atoms are ASCII, so this never fails for validated atoms).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Case-insensitive ASCII comparison.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.as_bytes())
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.escape_ascii())
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Atom {
    type Error = InvalidToken;
    fn try_from(s: &str) -> Result<Self, InvalidToken> {
        Atom::new(Bytes::copy_from_slice(s.as_bytes()))
    }
}

/// A command tag (RFC 9051 section 9: `tag = 1*<any ASTRING-CHAR except "+">`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(Bytes);

impl Tag {
    /// Validates and wraps `value`.
    ///
    /// # Errors
    /// When `value` is empty or holds a byte not allowed in a tag.
    pub fn new(value: impl Into<Bytes>) -> Result<Self, InvalidToken> {
        let b = value.into();
        validate("tag", &b, is_tag_char)?;
        Ok(Tag(b))
    }

    /// Wraps bytes the parser has already checked.
    pub(crate) fn unchecked(b: Bytes) -> Self {
        Tag(b)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.escape_ascii())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Tag {
    type Error = InvalidToken;
    fn try_from(s: &str) -> Result<Self, InvalidToken> {
        Tag::new(Bytes::copy_from_slice(s.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_table_matches_the_predicates() {
        for b in 0..=255u8 {
            assert_eq!(is_in(b, class::ATOM), is_atom_char(b), "{b}");
            assert_eq!(is_in(b, class::ASTRING), is_astring_char(b), "{b}");
            assert_eq!(is_in(b, class::TAG), is_tag_char(b), "{b}");
            assert_eq!(
                is_in(b, class::ITEM_NAME),
                is_astring_char(b) && !matches!(b, b'[' | b'<' | b']'),
                "{b}"
            );
        }
    }

    #[test]
    fn atom_validation() {
        assert!(Atom::try_from("FOO").is_ok());
        assert!(Atom::try_from("a b").is_err());
        assert!(Atom::try_from("").is_err());
        assert!(Atom::try_from("x]").is_err());
        assert_eq!(Atom::try_from("a\r\n").unwrap_err().offset, 1);
    }

    #[test]
    fn tag_validation() {
        assert!(Tag::try_from("A001").is_ok());
        assert!(Tag::try_from("a+b").is_err());
        assert!(Tag::try_from("*").is_err());
    }

    #[test]
    fn str_debug_escapes() {
        assert_eq!(format!("{:?}", Str::from("a\r\n\"")), "\"a\\r\\n\\\"\"");
    }
}
