//! OfflineIMAP (offlineimap3, imaplib2 underneath), a widely used synchronizer, against the mock
//! server's implicit-TLS listener: a sync of every mailbox of the demo account into a local
//! Maildir, then changes on both sides (a message written near and flags set near; a delivery
//! and a flag change made far by "another client" through the store), a second sync, and a
//! third that must change nothing. After every sync the Maildir and the server hold the same
//! messages with the same flags, mailbox by mailbox.
//!
//! Skipped with a loud message when `offlineimap` is missing, unless
//! `IMAP_TESTS_REQUIRE_CLIENTS=1` (CI installs Debian's `offlineimap3`).

mod maildir;
mod support;

use imap_core::types::Flag;
use maildir::{
    assert_mirrored, deliver_far, far_letters, far_uid, near_file, set_near_flags, snapshot,
    write_near,
};
use mock_server::demo::{DEMO_PASSWORD, DEMO_USER};
use mock_server::listener::RunningServer;
use std::path::Path;
use std::process::Command;
use support::{available, ca_file, run, temp_dir, tls_demo_server};

/// The OfflineIMAP configuration: the remote is the server over implicit TLS with the server's
/// certificate as the only trust anchor, the local side a Maildir under `dir` with `/` between
/// folder levels, as on the server. The host is `localhost` (the loopback address): OfflineIMAP
/// matches the certificate's DNS names itself and ignores its IP addresses.
fn config(server: &RunningServer, ca: &Path, dir: &Path) -> String {
    format!(
        "[general]\n\
         accounts = mock\n\
         metadata = {meta}\n\
         ui = quiet\n\
         \n\
         [Account mock]\n\
         localrepository = near\n\
         remoterepository = far\n\
         \n\
         [Repository near]\n\
         type = Maildir\n\
         localfolders = {maildir}\n\
         sep = /\n\
         \n\
         [Repository far]\n\
         type = IMAP\n\
         remotehost = localhost\n\
         remoteport = {port}\n\
         remoteuser = {DEMO_USER}\n\
         remotepass = {DEMO_PASSWORD}\n\
         ssl = yes\n\
         sslcacertfile = {ca}\n\
         maxconnections = 1\n",
        port = server.tls_addr().port(),
        ca = ca.display(),
        maildir = dir.join("mail").display(),
        meta = dir.join("meta").display(),
    )
}

/// Runs one sync of the account; panics with OfflineIMAP's output when it fails.
fn sync(rc: &Path) -> String {
    let mut cmd = Command::new("offlineimap");
    cmd.arg("-c").arg(rc).arg("-o").arg("-u").arg("basic");
    let out = run(cmd).expect_success("offlineimap");
    format!("{}{}", out.stdout, out.stderr)
}

#[test]
fn offlineimap_two_way_sync_over_tls() {
    if !available("offlineimap") {
        return;
    }
    let server = tls_demo_server();
    let account = server.server().store().account(DEMO_USER).unwrap();
    let ca = ca_file(&server);
    let dir = temp_dir("offlineimap");
    let rc = dir.path().join("offlineimaprc");
    std::fs::write(&rc, config(&server, ca.path(), dir.path())).unwrap();

    // 1. Everything comes down.
    let log = sync(&rc);
    assert_mirrored(&account, dir.path(), &log);
    let inbox_before = account.uids("INBOX").unwrap().len();

    // 2. Changes near: a new message, flags on another.
    write_near(dir.path(), "1700000000_0.near.test");
    let uids = account.uids("INBOX").unwrap();
    let first = account.message("INBOX", uids[0]).unwrap().unwrap();
    let first_id = String::from_utf8_lossy(first.raw())
        .lines()
        .find(|l| l.starts_with("Message-ID: "))
        .expect("a Message-ID")
        .to_owned();
    set_near_flags(&near_file(dir.path(), "INBOX", &first_id), "FS");

    // 3. Changes far, by another client: a delivery and a flag change.
    deliver_far(&account);
    account
        .set_flags("INBOX", uids[1], &[Flag::Flagged])
        .unwrap();

    // 4. Both ways.
    let log = sync(&rc);
    assert_mirrored(&account, dir.path(), &log);
    assert!(
        far_uid(&account, "INBOX", "<near-1@example.org>").is_some(),
        "the near message was not uploaded\n{log}"
    );
    assert_eq!(far_letters(&account, &first_id), "FS", "{log}");
    near_file(dir.path(), "INBOX", "<far-1@example.net>");
    assert_eq!(account.uids("INBOX").unwrap().len(), inbox_before + 2);

    // 5. Nothing left to do: a third sync changes neither side.
    let before = snapshot(&account, dir.path());
    let log = sync(&rc);
    assert_eq!(before, snapshot(&account, dir.path()), "{log}");
    assert_mirrored(&account, dir.path(), &log);
}
