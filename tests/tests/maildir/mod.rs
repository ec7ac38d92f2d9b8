//! Comparing a Maildir with the mock server's store, for the synchronizer tests (mbsync,
//! offlineimap): messages by their bytes (LF line ends, without the headers the tools add) and
//! system flags as Maildir info letters.

#![allow(dead_code)] // each test file uses its own subset

use imap_core::types::{Flag, Uid};
use mock_server::store::Account;
use std::path::{Path, PathBuf};

/// A message as both sides can be compared: its bytes with LF line ends and without the
/// headers the synchronizers add to what they upload (`X-TUID`, `X-OfflineIMAP`), and its
/// system flags as Maildir letters.
pub type Mirror = Vec<(String, String)>;

/// `raw` as [`Mirror`] compares it.
pub fn normalize(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .replace("\r\n", "\n")
        .lines()
        .filter(|l| !l.starts_with("X-TUID: ") && !l.starts_with("X-OfflineIMAP: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Maildir info letters (sorted, as mbsync writes them) for the system flags in `flags`.
pub fn letters(flags: &[Flag]) -> String {
    let mut l: Vec<char> = flags
        .iter()
        .filter_map(|f| match f {
            Flag::Draft => Some('D'),
            Flag::Flagged => Some('F'),
            Flag::Answered => Some('R'),
            Flag::Seen => Some('S'),
            Flag::Deleted => Some('T'),
            _ => None,
        })
        .collect();
    l.sort_unstable();
    l.into_iter().collect()
}

/// What the server holds in `mailbox`, sorted.
pub fn far(account: &Account, mailbox: &str) -> Mirror {
    let mut out: Mirror = account
        .uids(mailbox)
        .expect("server mailbox")
        .into_iter()
        .map(|uid| {
            let m = account
                .message(mailbox, uid)
                .expect("server mailbox")
                .expect("listed message");
            (normalize(m.raw()), letters(&m.flags))
        })
        .collect();
    out.sort();
    out
}

/// The Maildir folder of `mailbox` under `dir`.
pub fn folder(dir: &Path, mailbox: &str) -> PathBuf {
    dir.join("mail").join(mailbox)
}

/// What the Maildir holds for `mailbox` (its `cur` and `new`), sorted.
pub fn near(dir: &Path, mailbox: &str) -> Mirror {
    let mut out = Mirror::new();
    for sub in ["cur", "new"] {
        let Ok(entries) = std::fs::read_dir(folder(dir, mailbox).join(sub)) else {
            continue;
        };
        for e in entries {
            let path = e.expect("a Maildir entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let info = name.split_once(":2,").map_or("", |(_, i)| i);
            let mut flags: Vec<char> = info.chars().filter(char::is_ascii_uppercase).collect();
            flags.sort_unstable();
            let raw = std::fs::read(&path).expect("reading a Maildir message");
            out.push((normalize(&raw), flags.into_iter().collect()));
        }
    }
    out.sort();
    out
}

/// Asserts that every server mailbox and its Maildir folder hold the same messages and flags.
pub fn assert_mirrored(account: &Account, dir: &Path, log: &str) {
    let mailboxes = account.mailboxes();
    assert!(mailboxes.len() >= 7, "{mailboxes:?}");
    for mailbox in &mailboxes {
        assert!(
            folder(dir, mailbox).is_dir(),
            "no Maildir folder for {mailbox}\n{log}"
        );
        assert_eq!(
            near(dir, mailbox),
            far(account, mailbox),
            "{mailbox} differs after the sync\n{log}"
        );
    }
}

/// The Maildir file in `mailbox` whose message holds `needle`.
pub fn near_file(dir: &Path, mailbox: &str, needle: &str) -> PathBuf {
    ["cur", "new"]
        .iter()
        .flat_map(|sub| {
            std::fs::read_dir(folder(dir, mailbox).join(sub))
                .into_iter()
                .flatten()
        })
        .map(|e| e.expect("a Maildir entry").path())
        .find(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).contains(needle))
        .unwrap_or_else(|| panic!("no message with {needle:?} in {mailbox}"))
}

/// The server UID in `mailbox` whose message holds `needle`.
pub fn far_uid(account: &Account, mailbox: &str, needle: &str) -> Option<Uid> {
    account.uids(mailbox).unwrap().into_iter().find(|&uid| {
        let m = account.message(mailbox, uid).unwrap().unwrap();
        String::from_utf8_lossy(m.raw()).contains(needle)
    })
}

/// Sets the Maildir flags of `file` to `letters` (moving it to `cur`, as a mail reader does).
pub fn set_near_flags(file: &Path, letters: &str) -> PathBuf {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let base = name.split_once(":2,").map_or(name.as_str(), |(b, _)| b);
    let cur = file.parent().unwrap().parent().unwrap().join("cur");
    let to = cur.join(format!("{base}:2,{letters}"));
    std::fs::rename(file, &to).expect("renaming a Maildir message");
    to
}

/// Delivers `<far-1@example.net>` to the server INBOX, `\Answered`, as another client would.
pub fn deliver_far(account: &Account) {
    account
        .append(
            "INBOX",
            b"From: far@example.net\r\nTo: demo@example.com\r\nSubject: written far\r\n\
              Message-ID: <far-1@example.net>\r\n\r\nhello from the server\r\n"
                .to_vec(),
            &[Flag::Answered],
            None,
        )
        .unwrap();
}

/// Writes `<near-1@example.org>` into the INBOX folder's `new` under `dir`, named `file`, as
/// a mail reader would.
pub fn write_near(dir: &Path, file: &str) {
    std::fs::write(
        folder(dir, "INBOX").join("new").join(file),
        "From: near@example.org\nTo: demo@example.com\nSubject: written near\n\
         Message-ID: <near-1@example.org>\nDate: Sun, 06 Dec 2026 10:00:00 +0000\n\n\
         hello from the Maildir\n",
    )
    .unwrap();
}

/// Every mailbox's server UIDs and Maildir contents, to see that a sync changed nothing.
pub fn snapshot(account: &Account, dir: &Path) -> Vec<(Vec<Uid>, Mirror)> {
    account
        .mailboxes()
        .iter()
        .map(|m| (account.uids(m).unwrap(), near(dir, m)))
        .collect()
}

/// The system flags, as Maildir letters, of the server INBOX message holding `needle`.
pub fn far_letters(account: &Account, needle: &str) -> String {
    let uid = far_uid(account, "INBOX", needle)
        .unwrap_or_else(|| panic!("no server message with {needle:?}"));
    letters(&account.message("INBOX", uid).unwrap().unwrap().flags)
}
