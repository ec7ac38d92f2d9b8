//! The listener over 127.0.0.1: plaintext LOGIN policy, STARTTLS command injection, implicit
//! TLS with the generated certificate, IDLE wake-up across TCP connections.

mod common;

use common::{MSG, Raw, data, kind, tagged};
use imap_core::types::{Capability, Code, Data, Response, SimpleCode, StatusKind};
use mock_server::listener::{MockServer, RunningServer};
use mock_server::store::Store;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

fn store() -> Store {
    Store::builder()
        .user("alice", "pw")
        .message(MSG, &[], None)
        .build()
        .unwrap()
}

fn tcp(addr: std::net::SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    s
}

fn tls_client(
    server: &RunningServer,
    sock: TcpStream,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(
            server.certificate().unwrap().der().to_vec(),
        ))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(conn, sock)
}

#[test]
fn plaintext_login_is_refused_unless_allowed() {
    let server = MockServer::builder()
        .store(store())
        .plain()
        .start()
        .unwrap();
    let mut c = Raw::new(tcp(server.addr()));
    let Some(Response::Status(g)) = c.recv() else {
        panic!()
    };
    let Some(Code::Capability(caps)) = &g.code else {
        panic!("{g:?}")
    };
    assert!(caps.contains(&Capability::LoginDisabled));
    let r = c.run("a1", "LOGIN alice pw");
    assert_eq!(
        tagged(&r).code,
        Some(Code::Simple(SimpleCode::PrivacyRequired))
    );
    server.stop();

    let server = MockServer::builder()
        .store(store())
        .allow_plaintext_login()
        .start()
        .unwrap();
    let mut c = Raw::new(tcp(server.addr()));
    c.recv();
    assert_eq!(kind(&c.run("a1", "LOGIN alice pw")), StatusKind::Ok);
    // The store is reachable while the client is connected.
    server
        .store()
        .account("alice")
        .unwrap()
        .deliver("INBOX", MSG, &[], None)
        .unwrap();
    let r = c.run("a2", "STATUS INBOX (MESSAGES)");
    assert!(
        matches!(data(&r)[0], Data::Status { items, .. } if items[0].1 == imap_core::types::StatusValue::Number(2))
    );
}

/// Bytes sent after STARTTLS in the same plaintext packet are discarded, never executed.
#[test]
fn starttls_discards_injected_commands() {
    let server = MockServer::builder()
        .store(store())
        .starttls()
        .start()
        .unwrap();
    let mut c = Raw::new(tcp(server.addr()));
    c.recv();
    c.send(b"a1 STARTTLS\r\na2 LOGIN alice pw\r\n");
    let r = c.until("a1");
    assert_eq!(kind(&r), StatusKind::Ok);
    let sock = c.stream;
    let mut t = Raw::new(tls_client(&server, sock));
    let r = t.run("a3", "CAPABILITY");
    let Data::Capability(caps) = data(&r)[0] else {
        panic!()
    };
    assert!(!caps.contains(&Capability::StartTls));
    assert!(
        caps.contains(&Capability::Auth(imap_core::types::Atom::from_static(
            "PLAIN"
        )))
    );
    // a2 was never run: still not authenticated, and no response ever named a2.
    assert_eq!(kind(&t.run("a4", "SELECT INBOX")), StatusKind::Bad);
    assert!(
        t.received.iter().all(|l| !l.starts_with("a2 ")),
        "{:?}",
        t.received
    );
    assert_eq!(kind(&t.run("a5", "LOGIN alice pw")), StatusKind::Ok);
}

#[test]
fn implicit_tls_with_the_generated_certificate() {
    let server = MockServer::builder().store(store()).tls().start().unwrap();
    assert!(
        server
            .certificate()
            .unwrap()
            .pem()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let mut c = Raw::new(tls_client(&server, tcp(server.tls_addr())));
    let Some(Response::Status(g)) = c.recv() else {
        panic!()
    };
    assert_eq!(g.kind, StatusKind::Ok);
    assert_eq!(kind(&c.run("a1", "LOGIN alice pw")), StatusKind::Ok);
    let r = c.run("a2", "SELECT INBOX");
    assert!(data(&r).contains(&&Data::Exists(1)));
}

#[test]
fn idle_over_tcp_is_woken_by_a_delivery() {
    let server = MockServer::builder()
        .store(store())
        .allow_plaintext_login()
        .start()
        .unwrap();
    let mut a = Raw::new(tcp(server.addr()));
    a.recv();
    a.run("a1", "LOGIN alice pw");
    a.run("a2", "SELECT INBOX");
    a.send(b"a3 IDLE\r\n");
    assert!(matches!(a.recv(), Some(Response::Continue(_))));
    let mut b = Raw::new(tcp(server.addr()));
    b.recv();
    b.run("b1", "LOGIN alice pw");
    b.send(format!("b2 APPEND INBOX {{{}+}}\r\n", MSG.len()).as_bytes());
    b.send(MSG);
    b.send(b"\r\n");
    assert_eq!(kind(&b.until("b2")), StatusKind::Ok);
    assert_eq!(
        a.next_within(Duration::from_secs(5)),
        Some(Response::Data(Data::Exists(2)))
    );
    a.send(b"DONE\r\n");
    assert_eq!(kind(&a.until("a3")), StatusKind::Ok);
}
