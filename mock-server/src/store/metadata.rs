//! METADATA (RFC 5464): server annotations (mailbox `""`, one set per user) and mailbox
//! annotations, which follow a RENAME and go with a DELETE (they live in the mailbox's state).
//!
//! Limits, as section 4.1 allows: values up to [`MAX_VALUE`] bytes, at most [`MAX_ENTRIES`]
//! entries per mailbox and for the server (the RFC asks for at least 1024 bytes and 10).

use super::{Account, StoreError, normalize_name};
use bytes::Bytes;
use imap_core::types::MetadataDepth;
use std::collections::{BTreeMap, VecDeque};

/// The largest value SETMETADATA accepts (`[METADATA MAXSIZE n]` above it).
pub const MAX_VALUE: u64 = 64 * 1024;

/// The most entries a mailbox (or the server) holds (`[METADATA TOOMANY]` beyond it).
pub const MAX_ENTRIES: usize = 100;

/// The most SETMETADATA changes a user's [`MetadataLog`] keeps; a NOTIFY session further behind
/// is told NOTIFICATIONOVERFLOW (RFC 5465 section 5.8).
pub const LOG_LEN: usize = 1024;

/// A user's recent annotation changes, for NOTIFY's MailboxMetadataChange and
/// ServerMetadataChange (RFC 5465 sections 5.6, 5.7): each SETMETADATA is one record of the
/// mailbox (`""` for the server) and the entry names it set or removed.
#[derive(Debug, Default, Clone)]
pub struct MetadataLog {
    /// The number of the next record.
    next: u64,
    /// The last [`LOG_LEN`] records, oldest first, with their numbers.
    records: VecDeque<(u64, String, Vec<String>)>,
}

/// The annotation changes after a point of the [`MetadataLog`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MetadataChanges {
    /// The point to ask from next time.
    pub next: u64,
    /// Mailbox (`""` for the server) and entry names, oldest first.
    pub changes: Vec<(String, Vec<String>)>,
    /// Some changes after the point asked for are no longer kept.
    pub lost: bool,
}

impl MetadataLog {
    fn record(&mut self, mailbox: String, entries: Vec<String>) {
        if self.records.len() == LOG_LEN {
            self.records.pop_front();
        }
        self.records.push_back((self.next, mailbox, entries));
        self.next += 1;
    }

    /// The changes numbered `since` or later (none, and the current point, for a `since` in
    /// the future).
    pub fn since(&self, since: u64) -> MetadataChanges {
        let oldest = self.records.front().map_or(self.next, |r| r.0);
        MetadataChanges {
            next: self.next,
            changes: self
                .records
                .iter()
                .filter(|r| r.0 >= since)
                .map(|(_, m, e)| (m.clone(), e.clone()))
                .collect(),
            lost: since < oldest && since < self.next,
        }
    }
}

/// Checks an entry name (RFC 5464 section 3.2) and returns it in lower case (names are
/// case-insensitive): `/private/..` or `/shared/..`, no `//`, no trailing `/`, no `*`, `%`,
/// non-ASCII or control characters.
///
/// # Errors
/// An invalid name, with the text of the BAD to send.
pub fn entry_name(name: &[u8]) -> Result<String, String> {
    let bad = || {
        Err(format!(
            "Invalid entry name {:?}",
            String::from_utf8_lossy(name)
        ))
    };
    let lower = name.to_ascii_lowercase();
    let scoped = [&b"/private"[..], b"/shared"]
        .iter()
        .any(|p| lower == *p || lower.starts_with(&[*p, b"/"].concat()));
    if !scoped
        || lower.ends_with(b"/")
        || lower.windows(2).any(|w| w == b"//")
        || lower
            .iter()
            .any(|&b| !(0x20..0x7f).contains(&b) || b == b'*' || b == b'%')
    {
        return bad();
    }
    String::from_utf8(lower).or_else(|_| bad())
}

/// What GETMETADATA found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataFound {
    /// Entries and values, in name order.
    pub entries: Vec<(String, Bytes)>,
    /// The largest value left out by MAXSIZE (`[METADATA LONGENTRIES n]`).
    pub longest_left_out: Option<u64>,
}

/// Whether `entry` is `asked` or below it within `depth`.
fn within(entry: &str, asked: &str, depth: Option<MetadataDepth>) -> bool {
    if entry == asked {
        return true;
    }
    let Some(rest) = entry.strip_prefix(asked).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    match depth {
        None | Some(MetadataDepth::Zero) => false,
        Some(MetadataDepth::One) => !rest.contains('/'),
        Some(_) => true,
    }
}

impl Account {
    /// GETMETADATA: the entries named (checked with [`entry_name`]) and, with DEPTH, those
    /// below them; values over `max_size` are left out and reported.
    ///
    /// # Errors
    /// An unknown mailbox.
    pub fn metadata(
        &self,
        mailbox: &str,
        entries: &[String],
        depth: Option<MetadataDepth>,
        max_size: Option<u64>,
    ) -> Result<MetadataFound, StoreError> {
        self.with_metadata(mailbox, |m| {
            let mut found = MetadataFound::default();
            for (name, value) in m.iter() {
                if !entries.iter().any(|e| within(name, e, depth)) {
                    continue;
                }
                let len = value.len() as u64;
                if max_size.is_some_and(|max| len > max) {
                    found.longest_left_out = found.longest_left_out.max(Some(len));
                } else {
                    found.entries.push((name.clone(), value.clone()));
                }
            }
            Ok(found)
        })
    }

    /// SETMETADATA: sets (or, for `None`, removes) every entry, or none when one fails.
    ///
    /// # Errors
    /// An unknown mailbox, a value over [`MAX_VALUE`], more than [`MAX_ENTRIES`] entries.
    pub fn set_metadata(
        &self,
        mailbox: &str,
        changes: &[(String, Option<Bytes>)],
    ) -> Result<(), StoreError> {
        if changes
            .iter()
            .any(|(_, v)| v.as_ref().is_some_and(|v| v.len() as u64 > MAX_VALUE))
        {
            return Err(StoreError::MetadataTooBig(MAX_VALUE));
        }
        self.with_metadata(mailbox, |m| {
            let mut next = m.clone();
            for (name, value) in changes {
                match value {
                    Some(v) => next.insert(name.clone(), v.clone()),
                    None => next.remove(name),
                };
            }
            if next.len() > MAX_ENTRIES && next.len() > m.len() {
                return Err(StoreError::MetadataTooMany);
            }
            *m = next;
            Ok(())
        })?;
        let mailbox = match mailbox {
            "" => String::new(),
            m => normalize_name(m)?,
        };
        let entries = changes.iter().map(|(n, _)| n.clone()).collect();
        let logged = self.with(|u, _, _, _| {
            u.metadata_log.record(mailbox, entries);
            Ok(())
        });
        self.told(logged)
    }

    /// The annotation changes numbered `since` or later (see [`MetadataLog::since`]).
    ///
    /// # Errors
    /// An unknown user.
    pub fn metadata_changes(&self, since: u64) -> Result<MetadataChanges, StoreError> {
        self.with(|u, _, _, _| Ok(u.metadata_log.since(since)))
    }

    /// Runs `f` on the annotations of `mailbox` (the server's for `""`).
    fn with_metadata<R>(
        &self,
        mailbox: &str,
        f: impl FnOnce(&mut BTreeMap<String, Bytes>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let name = match mailbox {
            "" => None,
            m => Some(normalize_name(m)?),
        };
        self.with(|u, _, _, _| match &name {
            None => f(&mut u.metadata),
            Some(n) => {
                let m = u
                    .by_name_mut(n)
                    .ok_or_else(|| StoreError::NonExistent(n.clone()))?;
                f(&mut m.metadata)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter()
            .map(|s| entry_name(s.as_bytes()).unwrap())
            .collect()
    }

    #[test]
    fn entry_names_follow_section_3_2() {
        assert_eq!(entry_name(b"/Private/Comment").unwrap(), "/private/comment");
        assert_eq!(entry_name(b"/shared").unwrap(), "/shared");
        for bad in [
            &b"/other/x"[..],
            b"/private/",
            b"/shared//x",
            b"/shared/a*",
            b"/shared/%",
            b"/shared/\x01",
            b"/sharedx",
            b"comment",
        ] {
            assert!(entry_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn get_and_set_with_depth_maxsize_and_limits() {
        let s = Store::new();
        let a = s.add_user("fred", "pw").unwrap();
        let v = |s: &str| Some(Bytes::copy_from_slice(s.as_bytes()));
        let set = |m: &str, e: &str, val| a.set_metadata(m, &[(names(&[e])[0].clone(), val)]);
        set("INBOX", "/private/comment", v("mine")).unwrap();
        set("INBOX", "/private/filters/values/small", v("SMALLER 5000")).unwrap();
        set("INBOX", "/private/filters/values/small/x", v("deep")).unwrap();
        set("", "/shared/comment", v(&"x".repeat(2000))).unwrap();
        let get = |m, e: &[&str], d, max| a.metadata(m, &names(e), d, max).unwrap();
        assert_eq!(
            get("inbox", &["/PRIVATE/comment"], None, None).entries,
            vec![("/private/comment".into(), Bytes::from("mine"))]
        );
        let one = get(
            "INBOX",
            &["/private/filters/values"],
            Some(MetadataDepth::One),
            None,
        );
        assert_eq!(one.entries.len(), 1);
        let all = get(
            "INBOX",
            &["/private/filters"],
            Some(MetadataDepth::Infinity),
            None,
        );
        assert_eq!(all.entries.len(), 2);
        let long = get("", &["/shared/comment"], None, Some(1024));
        assert_eq!(long.entries, vec![]);
        assert_eq!(long.longest_left_out, Some(2000));
        // NIL removes.
        set("INBOX", "/private/comment", None).unwrap();
        assert!(
            get("INBOX", &["/private/comment"], None, None)
                .entries
                .is_empty()
        );
        // Too big, too many: nothing changes.
        assert_eq!(
            set(
                "INBOX",
                "/private/big",
                v(&"x".repeat(MAX_VALUE as usize + 1))
            ),
            Err(StoreError::MetadataTooBig(MAX_VALUE))
        );
        let many: Vec<_> = (0..=MAX_ENTRIES)
            .map(|i| (format!("/private/n{i}"), v("x")))
            .collect();
        assert_eq!(
            a.set_metadata("INBOX", &many),
            Err(StoreError::MetadataTooMany)
        );
        assert_eq!(
            get("INBOX", &["/private"], Some(MetadataDepth::Infinity), None)
                .entries
                .len(),
            2
        );
        assert!(matches!(
            set("Nope", "/private/x", v("y")),
            Err(StoreError::NonExistent(_))
        ));
        // Annotations go with a deleted mailbox.
        a.create("Box", &[]).unwrap();
        set("Box", "/private/x", v("y")).unwrap();
        a.delete("Box").unwrap();
        a.create("Box", &[]).unwrap();
        assert!(get("Box", &["/private/x"], None, None).entries.is_empty());
    }

    #[test]
    fn log_keeps_the_last_changes_and_says_when_some_are_lost() {
        let mut log = MetadataLog::default();
        assert_eq!(log.since(u64::MAX), MetadataChanges::default());
        for i in 0..LOG_LEN + 2 {
            log.record(format!("m{i}"), vec!["/private/x".into()]);
        }
        let end = (LOG_LEN + 2) as u64;
        let tail = log.since(end - 1);
        assert_eq!(tail.next, end);
        assert_eq!(
            tail.changes,
            vec![(format!("m{}", LOG_LEN + 1), vec!["/private/x".into()])]
        );
        assert!(!tail.lost);
        let all = log.since(0);
        assert!(all.lost);
        assert_eq!(all.changes.len(), LOG_LEN);
        assert!(!log.since(2).lost);
        assert!(log.since(end).changes.is_empty());
    }
}
