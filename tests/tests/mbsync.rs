//! mbsync (isync), a real and demanding synchronizer, against the mock server's implicit-TLS
//! listener: a two-way sync of every mailbox of the demo account with a local Maildir, then
//! changes on both sides (a message written near, flags set and a message trashed near; a
//! delivery, an expunge and a flag change made far by "another client" through the store), a
//! second sync, and a third that must change nothing. After every sync the Maildir and the
//! server hold the same messages (bytes, line ends aside) with the same flags, mailbox by
//! mailbox.
//!
//! Skipped with a loud message when `mbsync` is missing, unless `IMAP_TESTS_REQUIRE_CLIENTS=1`
//! (CI installs Debian's `isync`).

mod maildir;
mod support;

use imap_core::types::{Flag, Uid};
use maildir::{
    assert_mirrored, deliver_far, far_letters, far_uid, near, near_file, set_near_flags, snapshot,
    write_near,
};
use mock_server::demo::{DEMO_PASSWORD, DEMO_USER};
use mock_server::listener::RunningServer;
use std::path::Path;
use std::process::Command;
use support::{available, ca_file, run, temp_dir, tls_demo_server};

/// The mbsync configuration: the far side is the server over implicit TLS with the server's
/// certificate as the only trust anchor, the near side a Maildir under `dir`.
fn config(server: &RunningServer, ca: &Path, dir: &Path) -> String {
    format!(
        "IMAPAccount mock\n\
         Host 127.0.0.1\n\
         Port {port}\n\
         User {DEMO_USER}\n\
         Pass {DEMO_PASSWORD}\n\
         SSLType IMAPS\n\
         CertificateFile {ca}\n\
         AuthMechs PLAIN\n\
         \n\
         IMAPStore far\n\
         Account mock\n\
         \n\
         MaildirStore near\n\
         Path {maildir}/\n\
         Inbox {maildir}/INBOX\n\
         SubFolders Verbatim\n\
         \n\
         Channel mock\n\
         Far :far:\n\
         Near :near:\n\
         Patterns *\n\
         Create Both\n\
         Expunge Both\n\
         SyncState {state}/\n",
        port = server.tls_addr().port(),
        ca = ca.display(),
        maildir = dir.join("mail").display(),
        state = dir.join("state").display(),
    )
}

/// Runs one sync of every channel; panics with mbsync's output when it fails.
fn sync(rc: &Path) -> String {
    let mut cmd = Command::new("mbsync");
    cmd.arg("-c").arg(rc).arg("-a");
    run(cmd).expect_success("mbsync").stderr
}

#[test]
fn mbsync_two_way_sync_over_tls() {
    if !available("mbsync") {
        return;
    }
    let server = tls_demo_server();
    let account = server.server().store().account(DEMO_USER).unwrap();
    let ca = ca_file(&server);
    let dir = temp_dir("mbsync");
    let rc = dir.path().join("mbsyncrc");
    std::fs::write(&rc, config(&server, ca.path(), dir.path())).unwrap();
    std::fs::create_dir_all(dir.path().join("state")).unwrap();
    std::fs::create_dir_all(dir.path().join("mail")).unwrap();

    // 1. Everything comes down.
    let log = sync(&rc);
    assert_mirrored(&account, dir.path(), &log);
    let inbox_before = account.uids("INBOX").unwrap().len();
    assert!(inbox_before >= 3);

    // 2. Changes near: a new message, flags on another, a third trashed.
    write_near(dir.path(), "1700000000.near.test");
    let uids = account.uids("INBOX").unwrap();
    let subject_of = |uid: Uid| {
        let raw = account
            .message("INBOX", uid)
            .unwrap()
            .unwrap()
            .raw()
            .clone();
        let text = String::from_utf8_lossy(&raw).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .expect("a Subject")
            .to_owned()
    };
    let flag_me = subject_of(uids[0]);
    let trash_me = subject_of(uids[1]);
    set_near_flags(&near_file(dir.path(), "INBOX", &flag_me), "FRS");
    set_near_flags(&near_file(dir.path(), "INBOX", &trash_me), "ST");

    // 3. Changes far, by another client: a delivery, an expunge, a flag change.
    deliver_far(&account);
    let expunge_me = subject_of(*uids.last().unwrap());
    account
        .expunge_uids("INBOX", &[*uids.last().unwrap()])
        .unwrap();
    let reflag = uids[2];
    let reflag_subject = subject_of(reflag);
    account
        .set_flags("INBOX", reflag, &[Flag::Flagged])
        .unwrap();

    // 4. Both ways.
    let log = sync(&rc);
    assert_mirrored(&account, dir.path(), &log);
    assert!(
        far_uid(&account, "INBOX", "<near-1@example.org>").is_some(),
        "the near message was not uploaded\n{log}"
    );
    assert_eq!(far_letters(&account, &flag_me), "FRS", "{log}");
    assert!(
        far_uid(&account, "INBOX", &format!("Subject: {trash_me}")).is_none(),
        "the trashed message is still on the server\n{log}"
    );
    near_file(dir.path(), "INBOX", "<far-1@example.net>");
    assert!(
        !near(dir.path(), "INBOX")
            .iter()
            .any(|(m, _)| m.contains(&format!("Subject: {expunge_me}\n"))),
        "the message expunged far is still near\n{log}"
    );
    let reflagged = near_file(dir.path(), "INBOX", &format!("Subject: {reflag_subject}\n"));
    assert!(
        reflagged.to_string_lossy().ends_with(":2,F"),
        "{reflagged:?}\n{log}"
    );
    // One uploaded, one trashed, one delivered, one expunged.
    assert_eq!(account.uids("INBOX").unwrap().len(), inbox_before);

    // 5. Nothing left to do: a third sync changes neither side.
    let before = snapshot(&account, dir.path());
    let log = sync(&rc);
    assert_eq!(before, snapshot(&account, dir.path()), "{log}");
    assert_mirrored(&account, dir.path(), &log);
}
