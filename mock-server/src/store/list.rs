//! LIST and LSUB: reference and pattern interpretation (RFC 9051 section 6.3.9), wildcards,
//! LIST-EXTENDED selection and return options (RFC 5258), CHILDREN (RFC 3348) and SPECIAL-USE
//! (RFC 6154).

use super::user::{DELIMITER, UserState};
use super::wildcard::Pattern;
use imap_core::types::{ListEntry, ListReturn, ListSelect, Mailbox, MailboxAttr, Str};
use std::collections::BTreeMap;

/// What a LIST asks for, from its selection and return options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRequest {
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

impl ListRequest {
    /// Options from a LIST command's selection and return options. The CHILDREN information is
    /// always returned (RFC 9051 servers should).
    pub fn from_command(selection: &[ListSelect], returns: &[ListReturn]) -> Self {
        ListRequest {
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
    /// A subscribed descendant that this LIST does not return itself (for CHILDINFO).
    child_subscribed_unlisted: bool,
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
    options: &ListRequest,
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
    let pats: Vec<(Pattern, bool)> = patterns
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = canonical(reference, p);
            (Pattern::new(&p), p.ends_with('%'))
        })
        .collect();
    let matches = |name: &str| pats.iter().any(|(p, _)| p.matches(name));
    let pct_matches = |name: &str| pats.iter().any(|(p, pct)| *pct && p.matches(name));

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
    // Whether a subscribed name is returned by this LIST (with the SUBSCRIBED selection).
    let listed =
        |n: &str, c: &Candidate| matches(n) && (!options.special_use_only || !c.special.is_empty());
    let names: Vec<(String, bool, bool)> = cands
        .iter()
        .map(|(n, c)| (n.clone(), c.exists, c.subscribed && !listed(n, c)))
        .collect();
    for (name, exists, unlisted) in &names {
        for a in ancestors(name) {
            // Look up before allocating: most superiors are candidates already.
            let c = match cands.get_mut(a) {
                Some(c) => c,
                None => cands.entry(a.to_owned()).or_default(),
            };
            c.child_subscribed_unlisted |= *unlisted;
            c.child_exists |= *exists;
        }
    }

    let mut out = Vec::new();
    for (name, c) in &cands {
        if !matches(name) {
            continue;
        }
        let selected = if options.subscribed {
            c.subscribed || (options.recursive_match && c.child_subscribed_unlisted)
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
            // Every existing name's superiors were marked above: no scan of all mailboxes.
            attrs.push(if c.child_exists {
                MailboxAttr::HasChildren
            } else {
                MailboxAttr::HasNoChildren
            });
        }
        attrs.extend(c.special.iter().cloned());
        let mut extended = Vec::new();
        // RFC 5258 section 3.5: CHILDINFO only when a matching child is not returned itself.
        if options.subscribed && options.recursive_match && c.child_subscribed_unlisted {
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
    let pct = pat.ends_with('%');
    let pat = Pattern::new(&pat);
    let mut out: BTreeMap<String, Vec<MailboxAttr>> = BTreeMap::new();
    for s in &user.subscriptions {
        if pat.matches(s) {
            let attrs = match user.by_name(s) {
                Some(m) if !m.noselect => Vec::new(),
                _ => vec![MailboxAttr::NoSelect],
            };
            out.insert(s.clone(), attrs);
        } else if pct {
            for a in ancestors(s) {
                if pat.matches(a) && !user.subscriptions.contains(a) {
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
    fn references_prefix_patterns() {
        assert_eq!(canonical("archive/", "%"), "archive/%");
        assert_eq!(canonical("archive/", "/x"), "archive/x");
        assert_eq!(canonical("", "x"), "x");
    }
}
