//! LIST and LSUB: reference and pattern interpretation (RFC 9051 section 6.3.9), wildcards,
//! LIST-EXTENDED selection and return options (RFC 5258), CHILDREN (RFC 3348) and SPECIAL-USE
//! (RFC 6154).

use super::user::{DELIMITER, UserState};
use imap_core::types::{ListEntry, ListReturn, ListSelect, Mailbox, MailboxAttr, Str};
use std::collections::BTreeMap;

/// What a LIST asks for, from its selection and return options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Selection `SUBSCRIBED`: subscribed names only (even ones that do not exist).
    pub subscribed: bool,
    /// Selection `RECURSIVEMATCH`: also names whose children match, with CHILDINFO.
    pub recursive_match: bool,
    /// Selection `SPECIAL-USE`: mailboxes with a special use only.
    pub special_use_only: bool,
    /// Return `SUBSCRIBED`: mark subscribed names with `\Subscribed`.
    pub return_subscribed: bool,
    /// Return `CHILDREN`: `\HasChildren` / `\HasNoChildren`.
    pub return_children: bool,
    /// The command used the extended syntax: names that do not exist are `\NonExistent`
    /// rather than `\Noselect`.
    pub extended: bool,
}

impl ListOptions {
    /// Options from a LIST command's selection and return options. The CHILDREN information is
    /// always returned (RFC 9051 servers should).
    pub fn from_command(selection: &[ListSelect], returns: &[ListReturn]) -> Self {
        ListOptions {
            subscribed: selection.contains(&ListSelect::Subscribed),
            recursive_match: selection.contains(&ListSelect::RecursiveMatch),
            special_use_only: selection.contains(&ListSelect::SpecialUse),
            return_subscribed: returns.contains(&ListReturn::Subscribed)
                || selection.contains(&ListSelect::Subscribed),
            return_children: true,
            extended: !selection.is_empty() || !returns.is_empty(),
        }
    }
}

/// Whether `name` matches `pattern` (`*` matches anything, `%` anything but the delimiter).
/// The `INBOX` part of a name matches case-insensitively.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.as_bytes();
    let n = name.as_bytes();
    let ci = if name.starts_with("INBOX") && (n.len() == 5 || n[5] == DELIMITER as u8) {
        5
    } else {
        0
    };
    // dp[j]: pattern prefix of length i matches name prefix of length j.
    let mut dp = vec![false; n.len() + 1];
    dp[0] = true;
    for &pc in p {
        let mut next = vec![false; n.len() + 1];
        match pc {
            b'*' => {
                let mut any = false;
                for j in 0..=n.len() {
                    any |= dp[j];
                    next[j] = any;
                }
            }
            b'%' => {
                let mut any = false;
                for j in 0..=n.len() {
                    if j > 0 && n[j - 1] == DELIMITER as u8 {
                        any = false;
                    }
                    any |= dp[j];
                    next[j] = any;
                }
            }
            c => {
                for j in 1..=n.len() {
                    let eq = n[j - 1] == c || (j <= ci && n[j - 1].eq_ignore_ascii_case(&c));
                    next[j] = dp[j - 1] && eq;
                }
            }
        }
        dp = next;
    }
    dp[n.len()]
}

/// The canonical pattern for a reference and a mailbox pattern.
fn canonical(reference: &str, pattern: &str) -> String {
    if reference.is_empty() {
        pattern.to_owned()
    } else if reference.ends_with(DELIMITER) && pattern.starts_with(DELIMITER) {
        format!("{reference}{}", &pattern[1..])
    } else {
        format!("{reference}{pattern}")
    }
}

#[derive(Default)]
struct Candidate {
    exists: bool,
    noselect: bool,
    special: Vec<MailboxAttr>,
    subscribed: bool,
    child_subscribed: bool,
    child_exists: bool,
}

fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices(DELIMITER).map(move |(i, _)| &name[..i])
}

/// LIST (and, with `options.subscribed`, the names LSUB shows) for one user.
pub(crate) fn list(
    user: &UserState,
    reference: &str,
    patterns: &[&str],
    options: &ListOptions,
) -> Vec<ListEntry> {
    if patterns.iter().all(|p| p.is_empty()) {
        // `LIST "" ""`: the delimiter and the root.
        return vec![ListEntry {
            attributes: vec![MailboxAttr::NoSelect],
            delimiter: Some(DELIMITER as u8),
            mailbox: Mailbox::new(""),
            extended: Vec::new(),
        }];
    }
    let pats: Vec<String> = patterns
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| canonical(reference, p))
        .collect();
    let matches = |name: &str| pats.iter().any(|p| pattern_matches(p, name));
    let pct_matches = |name: &str| {
        pats.iter()
            .any(|p| p.ends_with('%') && pattern_matches(p, name))
    };

    let mut cands: BTreeMap<String, Candidate> = BTreeMap::new();
    for m in user.mailboxes.values() {
        let c = cands.entry(m.name.clone()).or_default();
        c.exists = true;
        c.noselect = m.noselect;
        c.special = m.special_use.clone();
    }
    for s in &user.subscriptions {
        cands.entry(s.clone()).or_default().subscribed = true;
    }
    // Parents of existing or subscribed names, for `%` and RECURSIVEMATCH.
    let names: Vec<(String, bool, bool)> = cands
        .iter()
        .map(|(n, c)| (n.clone(), c.subscribed, c.exists))
        .collect();
    for (name, subscribed, exists) in &names {
        for a in ancestors(name) {
            let c = cands.entry(a.to_owned()).or_default();
            c.child_subscribed |= *subscribed;
            c.child_exists |= *exists;
        }
    }

    let mut out = Vec::new();
    for (name, c) in &cands {
        if !matches(name) {
            continue;
        }
        let selected = if options.subscribed {
            c.subscribed || (options.recursive_match && c.child_subscribed)
        } else if options.special_use_only {
            c.exists && !c.special.is_empty()
        } else {
            c.exists || (c.child_exists && pct_matches(name))
        };
        if !selected {
            continue;
        }
        if options.subscribed && options.special_use_only && c.special.is_empty() {
            continue;
        }
        let mut attrs = Vec::new();
        if !c.exists {
            attrs.push(if options.extended {
                MailboxAttr::NonExistent
            } else {
                MailboxAttr::NoSelect
            });
        } else if c.noselect {
            attrs.push(MailboxAttr::NoSelect);
        }
        if options.return_subscribed && c.subscribed {
            attrs.push(MailboxAttr::Subscribed);
        }
        if options.return_children && c.exists {
            attrs.push(if user.has_children(name) {
                MailboxAttr::HasChildren
            } else {
                MailboxAttr::HasNoChildren
            });
        }
        attrs.extend(c.special.iter().cloned());
        let mut extended = Vec::new();
        if options.subscribed && options.recursive_match && c.child_subscribed {
            extended.push((Str::from("CHILDINFO"), Str::from("(\"SUBSCRIBED\")")));
        }
        out.push(ListEntry {
            attributes: attrs,
            delimiter: Some(DELIMITER as u8),
            mailbox: Mailbox::new(name.as_str()),
            extended,
        });
    }
    // INBOX first, the rest by name.
    out.sort_by_key(|e| !e.mailbox.is_inbox());
    out
}

/// LSUB (IMAP4rev1): subscribed names; a `%` that stops above a subscribed name shows that
/// level with `\Noselect`.
pub(crate) fn lsub(user: &UserState, reference: &str, pattern: &str) -> Vec<ListEntry> {
    let pat = canonical(reference, pattern);
    let mut out: BTreeMap<String, Vec<MailboxAttr>> = BTreeMap::new();
    for s in &user.subscriptions {
        if pattern_matches(&pat, s) {
            let attrs = match user.by_name(s) {
                Some(m) if !m.noselect => Vec::new(),
                _ => vec![MailboxAttr::NoSelect],
            };
            out.insert(s.clone(), attrs);
        } else if pat.ends_with('%') {
            for a in ancestors(s) {
                if pattern_matches(&pat, a) && !user.subscriptions.contains(a) {
                    out.insert(a.to_owned(), vec![MailboxAttr::NoSelect]);
                }
            }
        }
    }
    let mut v: Vec<ListEntry> = out
        .into_iter()
        .map(|(name, attributes)| ListEntry {
            attributes,
            delimiter: Some(DELIMITER as u8),
            mailbox: Mailbox::new(name),
            extended: Vec::new(),
        })
        .collect();
    v.sort_by_key(|e| !e.mailbox.is_inbox());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(pattern_matches("*", "a/b/c"));
        assert!(pattern_matches("%", "a"));
        assert!(!pattern_matches("%", "a/b"));
        assert!(pattern_matches("a/%", "a/b"));
        assert!(!pattern_matches("a/%", "a/b/c"));
        assert!(pattern_matches("a/*", "a/b/c"));
        assert!(pattern_matches("a*c", "abbbc"));
        assert!(!pattern_matches("a*c", "abbbd"));
        assert!(pattern_matches("%/b", "x/b"));
        assert!(pattern_matches("inbox", "INBOX"));
        assert!(pattern_matches("Inbox/%", "INBOX/x"));
        assert!(!pattern_matches("inbox/X", "INBOX/x"));
        assert!(!pattern_matches("inbox", "INBOXES"));
        assert!(pattern_matches("", ""));
        assert!(!pattern_matches("", "a"));
    }

    #[test]
    fn references_prefix_patterns() {
        assert_eq!(canonical("archive/", "%"), "archive/%");
        assert_eq!(canonical("archive/", "/x"), "archive/x");
        assert_eq!(canonical("", "x"), "x");
    }
}
