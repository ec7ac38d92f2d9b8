//! A wrapper for credentials (passwords, tokens) that keeps them out of logs.

use std::fmt;

/// A secret value, such as a password or an OAuth token.
///
/// * [`Debug`](fmt::Debug) prints `Secret(<redacted>)` and never the value; there is
///   deliberately no `Display`. Use [`Secret::expose`] to get at the value explicitly.
/// * Equality is only available for byte-like values (`T: AsRef<[u8]>`, e.g. `String`,
///   `Vec<u8>`, `&str`, `Box<[u8]>`), and compares the contents in constant time: the
///   running time depends on the lengths, but not on where the values differ.
/// * The value is not zeroed on drop.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wrap a value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// Borrow the secret value.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwrap the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T: AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_ref(), other.0.as_ref())
    }
}

impl<T: AsRef<[u8]>> Eq for Secret<T> {}

/// Compare two byte strings in time independent of their contents (but not their lengths).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Secret::new(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_value() {
        let s = Secret::new(String::from("hunter2"));
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{s:#?}"), "Secret(<redacted>)");
        let nested = Some(vec![Secret::from(b"p4ssw0rd".to_vec())]);
        let printed = format!("{nested:?} {nested:#?}");
        assert!(!printed.contains("p4ssw0rd"));
        assert!(
            !printed.contains("112"),
            "byte values must not leak: {printed}"
        );
        assert!(printed.contains("Secret(<redacted>)"));
    }

    #[test]
    fn expose_into_inner_clone() {
        let s = Secret::from(String::from("token"));
        assert_eq!(s.expose(), "token");
        let c = s.clone();
        assert_eq!(c.into_inner(), "token");
        assert_eq!(s.into_inner(), "token");
    }

    #[test]
    fn equality() {
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
        assert_ne!(Secret::new("abc"), Secret::new("ab"));
        assert_eq!(Secret::new(Vec::<u8>::new()), Secret::new(Vec::new()));
        assert_ne!(Secret::new(vec![0u8]), Secret::new(vec![]));
        assert_eq!(Secret::new([1u8, 2, 3]), Secret::new([1, 2, 3]));
    }
}
