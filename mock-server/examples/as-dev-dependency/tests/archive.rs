//! The application's test: a mock server seeded with the mail the code should see, reached
//! over TLS with the server's own certificate trusted, and the store checked afterwards.

use archive_newsletters::archive_newsletters;
use imap_blocking::prelude::*;
use imap_blocking::{Connector, Security, TlsOptions};
use mock_server::listener::MockServer;
use mock_server::store::Store;

fn message(from: &str, subject: &str) -> Vec<u8> {
    format!("From: {from}\r\nSubject: {subject}\r\n\r\nHello.\r\n").into_bytes()
}

#[test]
fn newsletters_move_to_archive_and_the_rest_stays() -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .message(message("news@lists.example.net", "Issue 1"), &[], None)
        .message(message("bob@example.org", "Lunch?"), &[], None)
        .message(message("news@lists.example.net", "Issue 2"), &[], None)
        .mailbox("Archive")
        .build()?;
    let server = MockServer::builder().store(store).tls().start()?;
    let cert = server
        .certificate()
        .expect("a TLS server has one")
        .pem()
        .to_owned();

    let mut session = Connector::new("localhost")
        .port(server.tls_addr().port())
        .security(Security::Tls)
        .tls(TlsOptions::new().ca_pem(cert).without_default_roots())
        .password("alice", "pw")
        .login()?;
    let moved = archive_newsletters(&mut session, "INBOX", "news@lists.example.net")?;
    session.logout()?;

    assert_eq!(moved, 2);
    let alice = server.store().account("alice")?;
    assert_eq!(alice.uids("Archive")?.len(), 2);
    assert_eq!(alice.uids("INBOX")?.len(), 1);
    server.stop();
    Ok(())
}
