//! Real third-party clients against the mock server over 127.0.0.1: Python's standard
//! `imaplib` (tests/data/imaplib_session.py), IMAPClient (tests/data/imapclient_session.py,
//! installed with pip into tests/data/pylib), Node's ImapFlow (tests/data/imapflow, installed
//! with `npm ci` there) and curl's `imap://` / `imaps://` support, on the
//! plaintext listener (plaintext LOGIN allowed) and the implicit-TLS listener (the server's
//! self-signed certificate handed to the client as its only trust anchor).
//!
//! Every child process runs with a bounded timeout and is killed when its guard drops. When
//! `python3`, `node` (or the ImapFlow install) or `curl` is missing the test is skipped with a
//! loud message, unless `IMAP_TESTS_REQUIRE_CLIENTS=1` is set, in which case it fails.

mod support;

use mock_server::demo::demo_store;
use mock_server::listener::{MockServer, RunningServer};
use std::path::Path;
use std::process::Command;
use support::{Output, available, ca_file, missing, run};

fn server() -> RunningServer {
    MockServer::builder()
        .store(demo_store())
        .plain()
        .tls()
        .allow_plaintext_login()
        .start()
        .expect("starting the mock server")
}

// ----- Python imaplib -----

fn imaplib_session(server: &RunningServer, tls: bool) -> Vec<(String, String)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/imaplib_session.py");
    let ca = ca_file(server);
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg("127.0.0.1");
    if tls {
        cmd.arg(server.tls_addr().port().to_string())
            .arg("tls")
            .arg(ca.path());
    } else {
        cmd.arg(server.addr().port().to_string()).arg("plain");
    }
    run(cmd)
        .expect_success("the imaplib script")
        .stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn check_imaplib(lines: &[(String, String)]) {
    let get = |k: &str| -> &str {
        lines
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {k} line in {lines:?}"))
    };
    assert!(get("GREETING").starts_with("* OK"), "{lines:?}");
    assert_eq!(get("LOGIN"), "OK");
    assert_eq!(
        get("LIST"),
        "OK Archive,Archive/2023,Drafts,INBOX,Junk,Sent,Trash"
    );
    let exists: u32 = get("SELECT")
        .strip_prefix("OK ")
        .and_then(|n| n.parse().ok())
        .expect("SELECT count");
    assert!(exists >= 3, "{lines:?}");
    assert_eq!(get("FETCH"), "OK Subject: Welcome to the mock IMAP server");
    assert_eq!(get("SEARCH_ALL"), format!("OK {exists}"));
    assert_eq!(get("SEARCH_SUBJECT"), "OK 3");
    assert!(get("STORE").starts_with("OK 1 (FLAGS ("), "{lines:?}");
    assert!(get("STORE").contains("\\Flagged"), "{lines:?}");
    assert_eq!(get("COPY"), "OK");
    assert!(get("STATUS_ARCHIVE").starts_with("OK "), "{lines:?}");
    assert_eq!(get("EXPUNGE"), "OK 2");
    assert_eq!(get("APPEND"), "OK");
    // Message 2 is gone, so the appended message is the last of `exists`.
    assert_eq!(get("SEARCH_APPENDED"), format!("OK {exists}"));
    assert!(get("IDLE_CONT").starts_with('+'), "{lines:?}");
    assert_eq!(get("IDLE_EVENT"), format!("* {} EXISTS", exists + 1));
    assert_eq!(get("IDLE_DONE"), "OK");
    assert_eq!(get("CLOSE"), "OK");
    assert_eq!(get("LOGOUT"), "BYE");
}

#[test]
fn python_imaplib_over_plaintext() {
    if !available("python3") {
        return;
    }
    let server = server();
    check_imaplib(&imaplib_session(&server, false));
}

#[test]
fn python_imaplib_over_tls() {
    if !available("python3") {
        return;
    }
    let server = server();
    check_imaplib(&imaplib_session(&server, true));
}

// ----- IMAPClient (Python) -----

/// Where CI installs IMAPClient (`pip install --target`), for PYTHONPATH.
fn python_lib() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pylib")
}

/// Whether `python3` can import IMAPClient from [`python_lib`]; skips loudly or fails (with
/// `IMAP_TESTS_REQUIRE_CLIENTS=1`) when it cannot.
fn imapclient_available() -> bool {
    if !available("python3") {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", "import imapclient"])
        .env("PYTHONPATH", python_lib())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        missing(&format!(
            "IMAPClient is not installed (`python3 -m pip install --target {} \
             imapclient==3.0.1`)",
            python_lib().display()
        ));
    }
    found
}

/// IMAPClient over implicit TLS: folders, special folders, STATUS, SELECT, SEARCH with a date,
/// FETCH of ENVELOPE and BODYSTRUCTURE parsed by IMAPClient's own response parser, raw bodies and
/// header fields, flags and keywords, APPEND with APPENDUID, COPY, MOVE, UID EXPUNGE, folder
/// management, IDLE seeing another connection's APPEND, SORT and THREAD.
#[test]
fn imapclient_over_tls() {
    if !imapclient_available() {
        return;
    }
    let server = server();
    let ca = ca_file(&server);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/imapclient_session.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .arg("127.0.0.1")
        .arg(server.tls_addr().port().to_string())
        .arg(ca.path())
        .env("PYTHONPATH", python_lib());
    let stdout = run(cmd).expect_success("the IMAPClient script").stdout;
    let lines: Vec<(&str, &str)> = stdout.lines().filter_map(|l| l.split_once(": ")).collect();
    let expected = [
        ("CAPS", "True"),
        ("NAMESPACE", "(('', '/'),)"),
        (
            "FOLDERS",
            "Archive,Archive/2023,Drafts,INBOX,Junk,Sent,Trash",
        ),
        ("SPECIAL", "Sent"),
        ("STATUS", "20 21"),
        ("SELECT", "20 True 6"),
        ("SEARCH_ALL", "20"),
        ("SEARCH_SINCE", "5"),
        (
            "ENVELOPE",
            "Welcome to the mock IMAP server | team@example.com",
        ),
        ("BODY", "True"),
        ("SIZE", "True"),
        ("RAW", "True"),
        ("HEADER", "Subject: Welcome to the mock IMAP server"),
        ("FLAGS", "$Later \\Flagged \\Seen"),
        ("REMOVED", "True"),
        ("APPEND", "True"),
        ("MOVED", "True"),
        ("EXPUNGED", "True"),
        ("RENAMED", "True"),
        ("IDLE", "True"),
        ("SORT", "True"),
        ("THREAD", "True"),
        ("LOGOUT", "Logging out"),
    ];
    assert_eq!(lines, expected, "\n{stdout}");
}

// ----- ImapFlow (Node) -----

/// The ImapFlow session script and its installed dependencies (`npm ci` in its directory; CI
/// does it), or `None`, loudly or as a failure, when Node or the install is missing.
fn imapflow_script() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/imapflow");
    if !available("node") {
        return None;
    }
    if !dir.join("node_modules/imapflow").is_dir() {
        missing(&format!(
            "ImapFlow is not installed (run `npm ci` in {})",
            dir.display()
        ));
        return None;
    }
    Some(dir.join("session.js"))
}

/// Node's ImapFlow over implicit TLS: listing with STATUS, FETCH of envelopes and body
/// structures, a streamed download, SEARCH, STORE, APPEND, COPY, MOVE, delete and expunge,
/// folder management, and IDLE noticing another connection's APPEND, with CONDSTORE, QRESYNC,
/// UTF8=ACCEPT and IMAP4rev2 enabled as ImapFlow enables them.
#[test]
fn imapflow_over_tls() {
    let Some(script) = imapflow_script() else {
        return;
    };
    let server = server();
    let ca = ca_file(&server);
    let mut cmd = Command::new("node");
    cmd.arg(&script)
        .arg("127.0.0.1")
        .arg(server.tls_addr().port().to_string())
        .arg(ca.path());
    let stdout = run(cmd).expect_success("the ImapFlow script").stdout;
    // UIDVALIDITY comes from the clock (unique across restarts): any non-zero value.
    let lines: Vec<(&str, String)> = stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(
            |(k, v)| match (k, v.split(' ').collect::<Vec<_>>().as_slice()) {
                ("SELECT", &[exists, validity, modseq]) => {
                    let validity: u32 = validity.parse().expect("UIDVALIDITY");
                    assert_ne!(validity, 0, "\n{stdout}");
                    (k, format!("{exists} <uidvalidity> {modseq}"))
                }
                _ => (k, v.to_owned()),
            },
        )
        .collect();
    let expected = [
        ("ENABLED", "CONDSTORE,IMAP4REV2,QRESYNC,UTF8=ACCEPT"),
        (
            "LIST",
            "Archive/2023=-/1 Archive=\\Archive/1 Drafts=\\Drafts/1 INBOX=\\Inbox/20 \
             Junk=\\Junk/0 Sent=\\Sent/2 Trash=\\Trash/1",
        ),
        ("SELECT", "20 <uidvalidity> true"),
        ("FETCH", "20 20"),
        ("HEADER", "Subject: Welcome to the mock IMAP server"),
        ("DOWNLOAD", "same"),
        ("SEARCH_UNSEEN", "true"),
        ("SEARCH_SUBJECT", "1"),
        ("FLAGS", "$Custom \\Flagged \\Seen"),
        ("APPEND", "true"),
        ("COPY", "2"),
        ("MOVE", "1"),
        ("DELETE", "1"),
        ("STATUS", "3 4"),
        ("RENAMED", "true"),
        ("IDLE", "1"),
        ("LOGOUT", "ok"),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    assert_eq!(lines, expected, "\n{stdout}");
}

// ----- curl -----

fn curl(args: &[&str]) -> Output {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-S", "--max-time", "10", "--user", "demo:demo"])
        .args(args);
    run(cmd)
}

fn curl_ok(args: &[&str]) -> String {
    curl(args).expect_success(&format!("curl {args:?}")).stdout
}

fn check_curl(base: &str, extra: &[&str]) {
    let with = |more: &[&str]| -> Vec<String> {
        extra.iter().chain(more).map(|s| (*s).to_owned()).collect()
    };
    let call = |more: &[&str]| {
        let v = with(more);
        curl_ok(&v.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let list = call(&[&format!("{base}/")]);
    for name in ["INBOX", "Sent", "Drafts", "Trash", "Archive"] {
        assert!(
            list.lines()
                .any(|l| l.starts_with("* LIST") && l.trim_end().ends_with(name)),
            "no {name} in LIST output:\n{list}"
        );
    }

    let msg = call(&[&format!("{base}/INBOX;UID=1")]);
    assert!(
        msg.contains("Subject: Welcome to the mock IMAP server"),
        "{msg}"
    );
    assert!(msg.contains("This mailbox is served from memory."), "{msg}");

    let search = call(&["-X", "UID SEARCH ALL", &format!("{base}/INBOX")]);
    let line = search
        .lines()
        .find(|l| l.starts_with("* SEARCH"))
        .unwrap_or_else(|| panic!("no SEARCH line:\n{search}"));
    let uids: Vec<u32> = line["* SEARCH".len()..]
        .split_whitespace()
        .map(|u| u.parse().expect("a UID"))
        .collect();
    assert!(uids.len() >= 3 && uids[0] == 1, "{line}");

    // A wrong password is refused: curl exits with an error (67: login denied).
    let v = with(&[&format!("{base}/INBOX;UID=1")]);
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "--max-time", "10", "--user", "demo:wrong"])
        .args(&v);
    let o = run(cmd);
    assert!(!o.success, "wrong password accepted: {}", o.stdout);
}

#[test]
fn curl_over_plaintext() {
    if !available("curl") {
        return;
    }
    let server = server();
    check_curl(&format!("imap://127.0.0.1:{}", server.addr().port()), &[]);
}

#[test]
fn curl_over_tls() {
    if !available("curl") {
        return;
    }
    let server = server();
    let ca = ca_file(&server);
    let ca_path = ca.path().to_str().expect("a UTF-8 temp path");
    check_curl(
        &format!("imaps://127.0.0.1:{}", server.tls_addr().port()),
        &["--cacert", ca_path],
    );
}
