//! imap-blocking through the driver scenarios written once in the tests crate (the mock
//! server over every transport, connecting, misbehaving servers, private Dovecot and Cyrus
//! servers), and what only a blocking driver has.

use imap_blocking::prelude::*;
use imap_blocking::{Connector, Query, Security};
use imap_tests::fixture::{self, PASSWORD, USER};
use std::time::Duration;

imap_tests::driver_scenarios!(
    driver = imap_blocking,
    async = [],
    await = [],
    block_on = [],
    stream = [],
);

/// Regression: a command after an IDLE started with `idle_start` and never ended used to
/// queue behind the IDLE and wait for ever (no command timeout applies to a
/// command that was never sent). It ends the IDLE first, as imap-tokio does.
#[test]
fn a_command_after_a_connection_level_idle_ends_it() {
    let server = fixture::server();
    let mut s = Connector::new("127.0.0.1")
        .port(server.addr().port())
        .security(Security::Plain)
        .allow_plaintext_login()
        .connect_timeout(Some(Duration::from_secs(10)))
        .command_timeout(Duration::from_secs(10))
        .password(USER, PASSWORD)
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    s.idle_start().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = s.search(&Query::all());
        let _ = tx.send(r.map(|uids| uids.len()));
        let _ = s.logout();
    });
    let found = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the SEARCH after IDLE hung");
    assert_eq!(found.unwrap(), 3);
}

/// LOGOUT on drop: a session dropped without LOGOUT sends it (after `DONE` when an IDLE
/// handle was dropped first), and so does a client dropped before login.
#[test]
fn dropping_a_session_or_client_logs_out() {
    use mock_server::listener::MockServer;
    use mock_server::transcript::{Direction, Transcript};
    let transcript = Transcript::new().exact();
    let server = MockServer::builder()
        .store(fixture::store())
        .plain()
        .allow_plaintext_login()
        .transcript(transcript.clone())
        .start()
        .expect("starting the mock server");
    let connector = Connector::new("127.0.0.1")
        .port(server.addr().port())
        .security(Security::Plain)
        .allow_plaintext_login()
        .password(USER, PASSWORD);
    let mut s = connector.login().unwrap();
    s.select("INBOX").unwrap();
    // The handle goes out of scope without `done`.
    let _ = s.idle().unwrap();
    drop(s);
    drop(connector.connect().unwrap());
    let sent: Vec<String> = transcript
        .entries()
        .into_iter()
        .filter(|e| e.direction == Direction::Client)
        .map(|e| e.text)
        .collect();
    let logouts = sent.iter().filter(|c| c.ends_with(" LOGOUT")).count();
    assert_eq!(logouts, 2, "{sent:?}");
    let done = sent.iter().position(|c| c == "DONE").expect("DONE");
    assert!(sent[done + 1].ends_with(" LOGOUT"), "{sent:?}");
}
