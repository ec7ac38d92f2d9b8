//! Flags and keywords: parsing ([`parse_flags`]) and STORE builders ([`store_command`],
//! [`labels_command`]).

use crate::types::{CommandBody, Flag, MessageSet, StoreKind, StoreTarget, Str};

/// A flag text that is not a valid flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid flag: {0:?}")]
pub struct InvalidFlag(pub String);

/// Parses flags separated by spaces, with or without parentheses: `\Seen $Forwarded` or
/// `(\Seen \Flagged)`. System flags are matched without regard to case.
///
/// # Errors
/// [`InvalidFlag`] naming the first invalid flag.
pub fn parse_flags(text: &str) -> Result<Vec<Flag>, InvalidFlag> {
    let t = text.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t);
    t.split_ascii_whitespace()
        .map(|f| Flag::parse(f).ok_or_else(|| InvalidFlag(f.to_owned())))
        .collect()
}

/// Parses one flag or keyword (`\Seen`, `$Junk`, `Important`).
///
/// # Errors
/// [`InvalidFlag`] when `text` is not a valid flag.
pub fn parse_flag(text: &str) -> Result<Flag, InvalidFlag> {
    Flag::parse(text.trim()).ok_or_else(|| InvalidFlag(text.to_owned()))
}

/// Formats flags the way IMAP writes them: `\Seen $Forwarded`.
pub fn format_flags(flags: &[Flag]) -> String {
    flags
        .iter()
        .map(Flag::to_wire)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[UID] STORE set [+|-]FLAGS (flags)`; with `silent`, `.SILENT` (no FETCH responses).
pub fn store_command(
    set: impl Into<MessageSet>,
    kind: StoreKind,
    flags: Vec<Flag>,
    silent: bool,
) -> CommandBody {
    CommandBody::Store {
        set: set.into(),
        kind,
        silent,
        target: StoreTarget::Flags(flags),
        unchanged_since: None,
    }
}

/// `[UID] STORE set [+|-]X-GM-LABELS (labels)` (Gmail).
pub fn labels_command(
    set: impl Into<MessageSet>,
    kind: StoreKind,
    labels: Vec<Str>,
) -> CommandBody {
    CommandBody::Store {
        set: set.into(),
        kind,
        silent: false,
        target: StoreTarget::GmLabels(labels),
        unchanged_since: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_with_or_without_parens() {
        let f = parse_flags("(\\seen $Forwarded)").unwrap();
        assert_eq!(f, vec![Flag::Seen, Flag::parse("$Forwarded").unwrap()]);
        assert_eq!(format_flags(&f), "\\Seen $Forwarded");
        assert!(parse_flags("\\Seen a(b").is_err());
        assert_eq!(parse_flags("").unwrap(), vec![]);
    }
}
