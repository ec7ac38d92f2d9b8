//! Filling a store: a builder for tests, `.eml` directories and mbox files.
//!
//! ```
//! use mock_server::store::Store;
//! use imap_core::types::Flag;
//!
//! let store = Store::builder()
//!     .user("alice", "pw")
//!     .mailbox("INBOX")
//!     .message(&b"Subject: hi\r\n\r\nhello\r\n"[..], &[Flag::Seen], None)
//!     .mailbox("Archive")
//!     .build()
//!     .unwrap();
//! assert_eq!(store.account("alice").unwrap().uids("INBOX").unwrap().len(), 1);
//! ```

use crate::store::{Account, Store, StoreError};
use bytes::Bytes;
use imap_core::types::{Date, DateTime, Flag, MailboxAttr, Uid};
use std::path::Path;

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The store refused an operation.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A builder step needs a user first.
    #[error("no user: call .user() first")]
    NoUser,
}

/// Builds a store step by step: `user` selects (creating) a user, `mailbox` selects (creating)
/// a mailbox of that user, `message` appends to it. The first error is returned by
/// [`StoreBuilder::build`].
#[derive(Debug)]
pub struct StoreBuilder {
    store: Store,
    account: Option<Account>,
    mailbox: String,
    error: Option<SeedError>,
}

impl Store {
    /// A builder for a seeded store.
    pub fn builder() -> StoreBuilder {
        StoreBuilder {
            store: Store::new(),
            account: None,
            mailbox: "INBOX".into(),
            error: None,
        }
    }
}

impl StoreBuilder {
    fn step(mut self, f: impl FnOnce(&mut Self) -> Result<(), SeedError>) -> Self {
        if self.error.is_none()
            && let Err(e) = f(&mut self)
        {
            self.error = Some(e);
        }
        self
    }

    fn account(&self) -> Result<&Account, SeedError> {
        self.account.as_ref().ok_or(SeedError::NoUser)
    }

    /// Uses a fixed clock (INTERNALDATE of messages added without a date, SAVEDATE).
    pub fn clock(self, now: DateTime) -> Self {
        self.store.set_clock(move || now);
        self
    }

    /// Fixed UIDVALIDITY values `first`, `first + 1`, ... for the mailboxes created after this
    /// step, instead of unique ones from the wall clock ([`Store::set_uid_validity_seed`]).
    pub fn uid_validity_seed(self, first: std::num::NonZeroU32) -> Self {
        self.store.set_uid_validity_seed(first);
        self
    }

    /// Adds a user (with INBOX) and makes it and its INBOX current.
    pub fn user(self, name: &str, password: &str) -> Self {
        self.step(|b| {
            b.account = Some(b.store.add_user(name, password)?);
            b.mailbox = "INBOX".into();
            Ok(())
        })
    }

    /// Makes a mailbox of the current user current, creating it if needed.
    pub fn mailbox(self, name: &str) -> Self {
        self.special_mailbox(name, &[])
    }

    /// Like [`StoreBuilder::mailbox`], with SPECIAL-USE attributes.
    pub fn special_mailbox(self, name: &str, special_use: &[MailboxAttr]) -> Self {
        self.step(|b| {
            let a = b.account()?;
            if a.mailboxes().iter().any(|m| m == name) || name.eq_ignore_ascii_case("INBOX") {
                if !special_use.is_empty() {
                    a.set_special_use(name, special_use)?;
                }
            } else {
                a.create(name, special_use)?;
            }
            b.mailbox = crate::store::normalize_name(name)?;
            Ok(())
        })
    }

    /// Subscribes the current user to a name.
    pub fn subscribe(self, name: &str) -> Self {
        self.step(|b| Ok(b.account()?.subscribe(name)?))
    }

    /// Appends a message to the current mailbox; `date` defaults to the clock.
    pub fn message(self, raw: impl Into<Bytes>, flags: &[Flag], date: Option<DateTime>) -> Self {
        let raw = raw.into();
        self.step(|b| {
            b.account()?.append(&b.mailbox, raw, flags, date)?;
            Ok(())
        })
    }

    /// Appends every `.eml` file of a directory to the current mailbox (see [`load_eml_dir`]).
    pub fn eml_dir(self, dir: impl AsRef<Path>) -> Self {
        self.step(|b| {
            load_eml_dir(b.account()?, &b.mailbox, dir.as_ref())?;
            Ok(())
        })
    }

    /// Appends every message of an mbox file to the current mailbox (see [`load_mbox`]).
    pub fn mbox(self, file: impl AsRef<Path>) -> Self {
        self.step(|b| {
            load_mbox(b.account()?, &b.mailbox, file.as_ref())?;
            Ok(())
        })
    }

    /// Sets the current user's quota: STORAGE in KiB, MESSAGE count.
    pub fn quota(self, storage_kib: Option<u64>, messages: Option<u64>) -> Self {
        self.step(|b| {
            b.account()?.set_quota(storage_kib, messages);
            Ok(())
        })
    }

    /// Adds the demo account (see [`crate::demo`]).
    pub fn demo(self) -> Self {
        self.step(|b| {
            crate::demo::add_demo_user(&b.store)?;
            Ok(())
        })
    }

    /// The store, or the first error.
    ///
    /// # Errors
    /// The first step that failed.
    pub fn build(self) -> Result<Store, SeedError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.store),
        }
    }
}

/// Bare LF line ends turned into CRLF (files on disk often use LF; IMAP messages use CRLF).
pub fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// The Date header of a message as an INTERNALDATE, in UTC.
fn header_date(raw: &Bytes) -> Option<DateTime> {
    let (_, ts) = crate::mime::ParsedMessage::parse(raw).sent_date()?;
    DateTime::from_unix_timestamp(ts)
}

/// Appends every `*.eml` file of `dir` (sorted by file name) to `mailbox`, with line ends made
/// CRLF and INTERNALDATE taken from the Date header (the clock when there is none).
///
/// # Errors
/// Unreadable directory or file, or a store error.
pub fn load_eml_dir(account: &Account, mailbox: &str, dir: &Path) -> Result<Vec<Uid>, SeedError> {
    let io = |e| SeedError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("eml")))
        .collect();
    files.sort();
    let mut uids = Vec::new();
    for f in files {
        let raw = std::fs::read(&f).map_err(|e| SeedError::Io {
            path: f.display().to_string(),
            source: e,
        })?;
        let raw = Bytes::from(to_crlf(&raw));
        let date = header_date(&raw);
        uids.push(account.deliver(mailbox, raw, &[], date)?);
    }
    Ok(uids)
}

/// Splits an mbox into messages: each starts at a `From ` line (which is dropped), `>From `
/// lines are unescaped (mboxrd: one `>` removed), the blank line before the next `From ` is
/// dropped and line ends become CRLF. The date of the `From ` line is returned when valid.
pub fn split_mbox(data: &[u8]) -> Vec<(Vec<u8>, Option<DateTime>)> {
    mail_parser::mailbox::mbox::MessageIterator::new(data)
        .filter_map(Result::ok)
        .map(|m| {
            let date = match m.internal_date() {
                0 => None,
                t => DateTime::from_unix_timestamp(t as i64),
            };
            let mut c = m.unwrap_contents();
            if c.ends_with(b"\n\n") {
                c.pop();
            } else if c.ends_with(b"\n\r\n") {
                c.truncate(c.len() - 2);
            }
            (to_crlf(&c), date)
        })
        .collect()
}

/// Appends every message of the mbox file `path` to `mailbox` (see [`split_mbox`]).
///
/// # Errors
/// Unreadable file or a store error.
pub fn load_mbox(account: &Account, mailbox: &str, path: &Path) -> Result<Vec<Uid>, SeedError> {
    let data = std::fs::read(path).map_err(|e| SeedError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let mut uids = Vec::new();
    for (raw, date) in split_mbox(&data) {
        uids.push(account.deliver(mailbox, raw, &[], date)?);
    }
    Ok(uids)
}

/// A fixed date-time in UTC, for seeds and tests.
///
/// # Panics
/// When the values are out of range (a programming error in a constant).
pub fn utc(year: u16, month: u8, day: u8, hour: u8, minute: u8) -> DateTime {
    DateTime::new(
        Date::new(year, month, day).expect("valid date"),
        hour,
        minute,
        0,
        0,
    )
    .expect("valid time")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_seeds_users_and_mailboxes() {
        let s = Store::builder()
            .clock(utc(2024, 1, 2, 3, 4))
            .user("alice", "pw")
            .message(&b"Subject: a\r\n\r\nx\r\n"[..], &[], None)
            .special_mailbox("Sent", &[MailboxAttr::Sent])
            .message(&b"Subject: b\r\n\r\ny\r\n"[..], &[Flag::Seen], None)
            .user("bob", "secret")
            .quota(Some(100), Some(10))
            .build()
            .unwrap();
        assert_eq!(s.users(), vec!["alice", "bob"]);
        let a = s.login("alice", "pw").unwrap();
        assert_eq!(a.mailboxes(), vec!["INBOX", "Sent"]);
        let m = a.message("Sent", Uid::MIN).unwrap().unwrap();
        assert_eq!(m.flags, vec![Flag::Seen]);
        assert_eq!(m.internal_date, utc(2024, 1, 2, 3, 4));
        assert_eq!(s.account("bob").unwrap().quota().storage_limit, Some(100));
        assert!(matches!(
            Store::builder().mailbox("x").build(),
            Err(SeedError::NoUser)
        ));
        assert!(
            Store::builder()
                .user("a", "b")
                .user("a", "c")
                .build()
                .is_err()
        );
    }

    #[test]
    fn mbox_splits_and_unescapes() {
        let mbox = b"From a@b Sat Jan  3 01:05:34 1996\nSubject: one\n\nHello\n>From here\n>>From there\n\nFrom c@d Mon Feb  5 10:00:00 2001\nSubject: two\n\nBye\n";
        let msgs = split_mbox(mbox);
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            msgs[0].0,
            b"Subject: one\r\n\r\nHello\r\nFrom here\r\n>From there\r\n"
        );
        assert_eq!(msgs[0].1.unwrap().date, Date::new(1996, 1, 3).unwrap());
        assert_eq!(msgs[1].0, b"Subject: two\r\n\r\nBye\r\n");
    }

    #[test]
    fn eml_dir_and_mbox_files_load() {
        let dir = std::env::temp_dir().join(format!("mock-server-seed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("2.eml"),
            b"Date: Tue, 2 Jan 2024 10:00:00 +0100\nSubject: second\n\nb\n",
        )
        .unwrap();
        std::fs::write(dir.join("1.eml"), b"Subject: first\r\n\r\na\r\n").unwrap();
        std::fs::write(dir.join("notes.txt"), b"ignored").unwrap();
        std::fs::write(
            dir.join("box.mbox"),
            b"From x Mon Feb  5 10:00:00 2001\nSubject: m\n\nbody\n",
        )
        .unwrap();
        let s = Store::builder()
            .clock(utc(2020, 1, 1, 0, 0))
            .user("u", "p")
            .eml_dir(&dir)
            .mailbox("Old")
            .mbox(dir.join("box.mbox"))
            .build()
            .unwrap();
        let a = s.account("u").unwrap();
        let first = a.message("INBOX", Uid::MIN).unwrap().unwrap();
        assert!(first.raw().starts_with(b"Subject: first"));
        let second = a.message("INBOX", Uid::new(2).unwrap()).unwrap().unwrap();
        assert_eq!(
            &second.raw()[..],
            b"Date: Tue, 2 Jan 2024 10:00:00 +0100\r\nSubject: second\r\n\r\nb\r\n"
        );
        assert_eq!(second.internal_date, utc(2024, 1, 2, 9, 0));
        assert_eq!(a.uids("Old").unwrap().len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(
            Store::builder().user("u", "p").eml_dir(&dir).build(),
            Err(SeedError::Io { .. })
        ));
    }

    #[test]
    fn crlf() {
        assert_eq!(to_crlf(b"a\nb\r\nc"), b"a\r\nb\r\nc");
    }
}
