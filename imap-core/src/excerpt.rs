//! Bounded, printable, credential-redacted copies of offending bytes, for error messages.
//!
//! Errors about received bytes (an over-long line, a literal that is too large, a unit that does
//! not parse) want to show *what* was received, but the bytes are untrusted: they may be huge,
//! binary, or carry a password. An [`Excerpt`] keeps at most [`Excerpt::MAX_LEN`] bytes, escapes
//! everything that is not printable ASCII, and hides the arguments of `LOGIN` and `AUTHENTICATE`.

use std::fmt;

/// A bounded, printable, credential-redacted copy of the start of a unit, for error messages.
///
/// Built with [`Excerpt::new`] from the bytes of a unit (a response or a command), or with
/// [`Excerpt::redacted`] for bytes that must never be shown. `Display` and `Debug` both show only
/// the redacted text, so an `Excerpt` can be logged freely.
///
/// What is kept:
/// - at most [`Excerpt::MAX_LEN`] bytes of the start of the unit, followed by `...` when the unit
///   was longer;
/// - printable ASCII as it is, a backslash as `\\`, and every other byte escaped as `\r`, `\n`,
///   `\t` or `\xNN`;
/// - if the unit looks like a `LOGIN` or `AUTHENTICATE` command (the first token, the token after
///   the tag, or the token after `<tag> UID`, compared without regard to case), only the bytes up
///   to and including the command name, followed by ` <redacted>`. Literal contents are part of
///   what is hidden.
///
/// A continuation line sent by a client during `AUTHENTICATE` is plain base64 and cannot be
/// recognised from its bytes; code that knows it is handling one uses [`Excerpt::redacted`].
#[derive(Clone, PartialEq, Eq)]
pub struct Excerpt {
    text: String,
}

/// The command names whose arguments are credentials.
const SECRET_COMMANDS: [&[u8]; 2] = [b"LOGIN", b"AUTHENTICATE"];

impl Excerpt {
    /// The largest number of bytes of a unit that an excerpt shows.
    pub const MAX_LEN: usize = 160;

    /// Builds an excerpt of the start of `unit`, redacting the arguments of `LOGIN` and
    /// `AUTHENTICATE` commands.
    ///
    /// Only the first [`Excerpt::MAX_LEN`] bytes are examined, so the cost does not depend on the
    /// length of `unit`.
    pub fn new(unit: &[u8]) -> Self {
        let shown = &unit[..unit.len().min(Self::MAX_LEN)];
        let mut text = String::with_capacity(shown.len() + 16);
        match secret_command_end(shown) {
            Some(end) => {
                escape_into(&mut text, &shown[..end]);
                if end < unit.len() {
                    text.push_str(" <redacted>");
                }
            }
            None => {
                escape_into(&mut text, shown);
                if unit.len() > shown.len() {
                    text.push_str("...");
                }
            }
        }
        Self { text }
    }

    /// Builds an excerpt that shows only the length of `len` hidden bytes:
    /// `<N bytes redacted>`.
    ///
    /// For bytes that are known to be secret but cannot be recognised as such, like a SASL
    /// continuation line sent during `AUTHENTICATE`.
    pub fn redacted(len: usize) -> Self {
        Self {
            text: format!("<{len} bytes redacted>"),
        }
    }

    /// The printable, redacted text of the excerpt (the same as its `Display` output).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Excerpt")
            .field(&format_args!("{}", self.text))
            .finish()
    }
}

/// If `bytes` start like a `LOGIN` or `AUTHENTICATE` command, returns the offset just after the
/// command name.
///
/// Tokens are separated by runs of SP or HTAB. The command name is looked for in the first token
/// (a command sent without a tag), in the second (after the tag) and, when the second is `UID`,
/// in the third. A token matches when its leading run of ASCII letters is one of the names, so
/// `LOGIN{5+}` matches too.
pub(crate) fn secret_command_end(bytes: &[u8]) -> Option<usize> {
    let mut tokens = Tokens { bytes, pos: 0 };
    for index in 0..3 {
        let (start, end) = tokens.next()?;
        let name = leading_letters(&bytes[start..end]);
        if SECRET_COMMANDS.iter().any(|c| name.eq_ignore_ascii_case(c)) {
            return Some(start + name.len());
        }
        // The third token is only a command name after `<tag> UID`.
        if index == 1 && !name.eq_ignore_ascii_case(b"UID") {
            return None;
        }
    }
    None
}

/// The leading run of ASCII letters of `token`.
fn leading_letters(token: &[u8]) -> &[u8] {
    let len = token
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(token.len());
    &token[..len]
}

/// An iterator over `(start, end)` of SP/HTAB-separated tokens.
struct Tokens<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for Tokens<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let is_space = |b: &u8| *b == b' ' || *b == b'\t';
        let rest = &self.bytes[self.pos..];
        let start = self.pos + rest.iter().position(|b| !is_space(b))?;
        let len = self.bytes[start..]
            .iter()
            .position(is_space)
            .unwrap_or(self.bytes.len() - start);
        self.pos = start + len;
        Some((start, start + len))
    }
}

/// Appends `bytes` to `out`, escaping everything that is not printable ASCII, and backslashes
/// (so the text reads back unambiguously).
pub(crate) fn escape_into(out: &mut String, bytes: &[u8]) {
    escape(out, bytes, true);
}

/// Appends `bytes` to `out`, escaping everything that is not printable ASCII but keeping
/// backslashes as they are: easier to read where IMAP flags (`\Seen`) are frequent, as in the
/// client's wire trace.
pub(crate) fn escape_controls_into(out: &mut String, bytes: &[u8]) {
    escape(out, bytes, false);
}

/// Appends `bytes` to `out` escaped; `backslash`: whether `\\` is doubled.
fn escape(out: &mut String, bytes: &[u8], backslash: bool) {
    use fmt::Write as _;
    for &b in bytes {
        match b {
            b'\\' if backslash => out.push_str("\\\\"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(e: &Excerpt) -> (String, String) {
        (e.to_string(), format!("{e:?}"))
    }

    #[test]
    fn plain_unit_is_escaped() {
        let e = Excerpt::new(b"* OK [ALERT] hi\\there\r\n\x00\x7f\t\xff");
        assert_eq!(
            e.to_string(),
            "* OK [ALERT] hi\\\\there\\r\\n\\x00\\x7f\\t\\xff"
        );
        assert_eq!(format!("{e:?}"), format!("Excerpt({e})"));
        assert_eq!(e.as_str(), e.to_string());
    }

    #[test]
    fn long_unit_is_truncated() {
        let unit = vec![b'a'; 1000];
        let e = Excerpt::new(&unit);
        assert_eq!(
            e.to_string(),
            format!("{}...", "a".repeat(Excerpt::MAX_LEN))
        );
        let exact = vec![b'a'; Excerpt::MAX_LEN];
        assert_eq!(
            Excerpt::new(&exact).to_string(),
            "a".repeat(Excerpt::MAX_LEN)
        );
    }

    #[test]
    fn login_quoted_password_is_hidden() {
        let e = Excerpt::new(b"A001 LOGIN fred \"s3cr3t pass\"\r\n");
        let (display, debug) = both(&e);
        for s in [&display, &debug] {
            assert!(!s.contains("s3cr3t"), "{s}");
            assert!(!s.contains("fred"), "{s}");
        }
        assert_eq!(display, "A001 LOGIN <redacted>");
    }

    #[test]
    fn login_literal_password_is_hidden() {
        let unit = b"a1 login {4+}\r\nfred {11}\r\nhunter2 xyz\r\n";
        let e = Excerpt::new(unit);
        let (display, debug) = both(&e);
        for s in [&display, &debug] {
            assert!(!s.contains("hunter2"), "{s}");
            assert!(!s.contains("fred"), "{s}");
        }
        assert_eq!(display, "a1 login <redacted>");
    }

    #[test]
    fn login_without_space_before_literal_is_hidden() {
        let e = Excerpt::new(b"a1 LoGiN{6+}\r\nsecret pw\r\n");
        assert_eq!(e.to_string(), "a1 LoGiN <redacted>");
    }

    #[test]
    fn authenticate_initial_response_is_hidden() {
        let e = Excerpt::new(b"A2 AUTHENTICATE PLAIN AGZyZWQAaHVudGVyMg==\r\n");
        assert_eq!(e.to_string(), "A2 AUTHENTICATE <redacted>");
        assert!(!format!("{e:?}").contains("AGZy"));
    }

    #[test]
    fn untagged_and_uid_forms_are_hidden() {
        assert_eq!(
            Excerpt::new(b"LOGIN fred secret\r\n").to_string(),
            "LOGIN <redacted>"
        );
        assert_eq!(
            Excerpt::new(b"A3 UID login fred secret\r\n").to_string(),
            "A3 UID login <redacted>"
        );
        assert_eq!(
            Excerpt::new(b"A3\t\tLOGIN  fred secret\r\n").to_string(),
            "A3\\t\\tLOGIN <redacted>"
        );
    }

    #[test]
    fn other_commands_are_shown() {
        assert_eq!(
            Excerpt::new(b"A4 SELECT INBOX\r\n").to_string(),
            "A4 SELECT INBOX\\r\\n"
        );
        // LOGIN as a later argument is not a LOGIN command.
        assert_eq!(
            Excerpt::new(b"A5 SELECT LOGIN\r\n").to_string(),
            "A5 SELECT LOGIN\\r\\n"
        );
        assert_eq!(Excerpt::new(b"A6 LOGINX a b").to_string(), "A6 LOGINX a b");
    }

    #[test]
    fn login_name_at_the_truncation_point() {
        // The command name ends exactly where the excerpt stops: everything after is hidden.
        let mut unit = vec![b'T'; Excerpt::MAX_LEN - 6];
        unit.extend_from_slice(b" LOGIN fred secret\r\n");
        let e = Excerpt::new(&unit);
        assert!(e.to_string().ends_with(" LOGIN <redacted>"));
        assert!(!e.to_string().contains("secret"));
        // The name is cut: only bytes before it are shown.
        let mut unit = vec![b'T'; Excerpt::MAX_LEN - 3];
        unit.extend_from_slice(b" LOGIN fred secret\r\n");
        let s = Excerpt::new(&unit).to_string();
        assert!(s.ends_with(" LO..."), "{s}");
    }

    #[test]
    fn bare_login_is_not_padded() {
        assert_eq!(Excerpt::new(b"A1 LOGIN").to_string(), "A1 LOGIN");
    }

    #[test]
    fn redacted_shows_only_length() {
        let e = Excerpt::redacted(42);
        assert_eq!(e.to_string(), "<42 bytes redacted>");
        assert_eq!(format!("{e:?}"), "Excerpt(<42 bytes redacted>)");
        assert_eq!(e.clone(), e);
    }
}
