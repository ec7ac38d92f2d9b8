//! fetchmail, the classic mail retriever, against the mock server's implicit-TLS listener: it
//! downloads every INBOX message of the demo account to a local mailbox through an MDA command,
//! then (without `keep`) flags them `\Deleted` and expunges them, leaving the server INBOX empty.
//!
//! Skipped with a loud message when `fetchmail` is missing, unless
//! `IMAP_TESTS_REQUIRE_CLIENTS=1` (CI installs Debian's `fetchmail`).

mod support;

use mock_server::demo::{DEMO_PASSWORD, DEMO_USER};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use support::{available, ca_file, run, temp_dir, tls_demo_server};

#[test]
fn fetchmail_downloads_and_deletes_over_tls() {
    if !available("fetchmail") {
        return;
    }
    let server = tls_demo_server();
    let account = server.server().store().account(DEMO_USER).unwrap();
    let subjects: Vec<String> = account
        .uids("INBOX")
        .unwrap()
        .into_iter()
        .map(|uid| {
            let m = account.message("INBOX", uid).unwrap().unwrap();
            let text = String::from_utf8_lossy(m.raw()).into_owned();
            text.lines()
                .find(|l| l.starts_with("Subject: "))
                .expect("a Subject")
                .to_owned()
        })
        .collect();
    assert!(subjects.len() >= 3);

    let ca = ca_file(&server);
    let dir = temp_dir("fetchmail");
    let mbox = dir.path().join("delivered");
    let rc = dir.path().join("fetchmailrc");
    // The certificate names `localhost`; fetchmail compares names, not IP addresses.
    std::fs::write(
        &rc,
        format!(
            "set no bouncemail\n\
             poll 127.0.0.1 protocol IMAP port {port}\n\
             \x20 user \"{DEMO_USER}\" password \"{DEMO_PASSWORD}\" is \"{DEMO_USER}\" here\n\
             \x20 ssl sslcertck sslcertfile \"{ca}\" sslcommonname \"localhost\"\n\
             \x20 fetchall\n\
             \x20 mda \"/bin/sh -c 'cat >> {mbox}; echo >> {mbox}'\"\n",
            port = server.tls_addr().port(),
            ca = ca.path().display(),
            mbox = mbox.display(),
        ),
    )
    .unwrap();
    // fetchmail refuses a run control file others may read.
    std::fs::set_permissions(&rc, std::fs::Permissions::from_mode(0o600)).unwrap();

    let mut cmd = Command::new("fetchmail");
    cmd.arg("-f")
        .arg(&rc)
        .args(["-v", "--nodetach", "--nosyslog"])
        .env("FETCHMAILHOME", dir.path());
    let o = run(cmd).expect_success("fetchmail");
    let log = format!("{}{}", o.stdout, o.stderr);

    let delivered = std::fs::read_to_string(&mbox).unwrap_or_default();
    for subject in &subjects {
        assert!(
            delivered.contains(subject.as_str()),
            "{subject:?} was not delivered\n{log}"
        );
    }
    assert_eq!(
        delivered.matches("\nReceived: from 127.0.0.1").count()
            + usize::from(delivered.starts_with("Received: from 127.0.0.1")),
        subjects.len(),
        "one delivery per message\n{log}"
    );
    assert_eq!(
        account.uids("INBOX").unwrap(),
        Vec::new(),
        "fetchmail deletes what it delivered\n{log}"
    );
}
