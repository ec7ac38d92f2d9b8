//! The mock-server fixture of the driver scenarios ([`crate::mock_server_scenarios`], run by
//! every driver): a seeded store, a server listening on plain (with STARTTLS) and implicit-TLS
//! ports with its generated certificate, and helpers that read what the store holds, so the
//! scenarios compare a driver's results with it.

use imap_core::types::{Flag, MailboxAttr, Uid};
use mock_server::listener::{Certificate, MockServer, RunningServer};
use mock_server::store::{Account, Store};
use std::net::SocketAddr;

/// The account every scenario logs in as.
pub const USER: &str = "alice";
/// Its password.
pub const PASSWORD: &str = "secret pw";

/// Which transport a scenario runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// No TLS (LOGIN allowed by the server and the client's opt-in).
    Plain,
    /// TLS from the first byte, on the server's TLS port.
    Tls,
    /// The plain port, upgraded with STARTTLS before login.
    StartTls,
    /// The mock server's in-memory connection ([`crate::memory::in_memory`]): no TLS, and
    /// the session counts it as secure (LOGIN allowed, no STARTTLS offered).
    Memory,
}

/// `M1`: a plain text message, `\Seen`.
pub fn m1() -> Vec<u8> {
    b"From: Alice <alice@example.org>\r\n\
      To: Bob <bob@example.net>\r\n\
      Subject: hello world\r\n\
      Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\
      Message-ID: <m1@example.org>\r\n\
      \r\n\
      Hello Bob,\r\n\
      this is the first message.\r\n"
        .to_vec()
}

/// The decoded attachment of `M2` (part 2, base64 on the wire).
pub const ATTACHMENT: &[u8] = b"binary payload \x00\x01\x02\xff end";

/// `M2`: multipart/mixed, a text part and a base64 attachment; no flags.
pub fn m2() -> Vec<u8> {
    b"From: Carol <carol@example.com>\r\n\
      To: Bob <bob@example.net>\r\n\
      Subject: a report\r\n\
      Date: Tue, 8 Feb 1994 10:00:00 +0100\r\n\
      Message-ID: <m2@example.com>\r\n\
      MIME-Version: 1.0\r\n\
      Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\
      \r\n\
      --XYZ\r\n\
      Content-Type: text/plain; charset=utf-8\r\n\
      \r\n\
      See the attachment.\r\n\
      --XYZ\r\n\
      Content-Type: application/octet-stream; name=\"data.bin\"\r\n\
      Content-Disposition: attachment; filename=\"data.bin\"\r\n\
      Content-Transfer-Encoding: base64\r\n\
      \r\n\
      YmluYXJ5IHBheWxvYWQgAAEC/yBlbmQ=\r\n\
      --XYZ--\r\n"
        .to_vec()
}

/// `M3`: a reply to `M1` (same thread), `\Flagged`, with a body of about 300 KiB so that
/// streaming it goes through literal chunks.
pub fn m3() -> Vec<u8> {
    let mut m = b"From: Bob <bob@example.net>\r\n\
      To: Alice <alice@example.org>\r\n\
      Subject: Re: hello world\r\n\
      Date: Wed, 9 Feb 1994 08:00:00 +0000\r\n\
      Message-ID: <m3@example.net>\r\n\
      In-Reply-To: <m1@example.org>\r\n\
      References: <m1@example.org>\r\n\
      \r\n"
        .to_vec();
    for i in 0..5000 {
        m.extend_from_slice(
            format!("line {i:05} of a long reply, padded to sixty bytes..\r\n").as_bytes(),
        );
    }
    m
}

/// A message to APPEND, numbered so each is distinct.
pub fn extra(n: u32) -> Vec<u8> {
    format!(
        "From: Dave <dave@example.net>\r\n\
         To: Alice <alice@example.org>\r\n\
         Subject: extra {n}\r\n\
         Message-ID: <extra{n}@example.net>\r\n\
         \r\n\
         extra message {n}\r\n"
    )
    .into_bytes()
}

/// The seeded store: INBOX with M1 (`\Seen`), M2, M3 (`\Flagged`); `Archive` (`\Archive`,
/// subscribed), `Sent` (`\Sent`), an empty `Trash` (`\Trash`).
pub fn store() -> Store {
    Store::builder()
        .user(USER, PASSWORD)
        .mailbox("INBOX")
        .message(m1(), &[Flag::Seen], None)
        .message(m2(), &[], None)
        .message(m3(), &[Flag::Flagged], None)
        .subscribe("INBOX")
        .special_mailbox("Archive", &[MailboxAttr::Archive])
        .subscribe("Archive")
        .special_mailbox("Sent", &[MailboxAttr::Sent])
        .special_mailbox("Trash", &[MailboxAttr::Trash])
        .build()
        .expect("seeding the store")
}

/// A server on 127.0.0.1 over [`store`]: a plain port offering STARTTLS (LOGIN allowed
/// without TLS) and an implicit-TLS port, with a generated self-signed certificate.
pub fn server() -> RunningServer {
    MockServer::builder()
        .store(store())
        .tls()
        .starttls()
        .allow_plaintext_login()
        .start()
        .expect("starting the mock server")
}

/// The address and the certificate (PEM) a client of `transport` needs.
pub fn endpoint(server: &RunningServer, transport: Transport) -> (SocketAddr, String) {
    let pem = server
        .certificate()
        .expect("the server has a certificate")
        .pem()
        .to_owned();
    let addr = match transport {
        Transport::Tls => server.tls_addr(),
        Transport::Plain | Transport::StartTls | Transport::Memory => server.addr(),
    };
    (addr, pem)
}

/// The test account in the server's store.
pub fn account(server: &RunningServer) -> Account {
    server.store().account(USER).expect("the test account")
}

/// The UIDs of a mailbox, ascending, as the store holds them.
pub fn uids(server: &RunningServer, mailbox: &str) -> Vec<Uid> {
    account(server).uids(mailbox).expect("the mailbox exists")
}

/// The stored flags of one message (without `\Recent`), sorted by their text.
pub fn flags(server: &RunningServer, mailbox: &str, uid: Uid) -> Vec<Flag> {
    let m = account(server)
        .message(mailbox, uid)
        .expect("the mailbox exists")
        .expect("the message exists");
    sorted(m.flags)
}

/// The stored bytes of one message.
pub fn raw(server: &RunningServer, mailbox: &str, uid: Uid) -> Vec<u8> {
    account(server)
        .message(mailbox, uid)
        .expect("the mailbox exists")
        .expect("the message exists")
        .raw()
        .to_vec()
}

/// Flags sorted by their wire text, `\Recent` removed: for comparing flag lists.
pub fn sorted(mut flags: Vec<Flag>) -> Vec<Flag> {
    flags.retain(|f| *f != Flag::Recent);
    flags.sort_by_key(Flag::to_wire);
    flags
}

/// The mailbox names in the store, sorted.
pub fn mailboxes(server: &RunningServer) -> Vec<String> {
    account(server).mailboxes()
}

/// A private CA and a certificate for `localhost` and `127.0.0.1` it signed: the CA's PEM (what
/// a client trusts) and the leaf for [`mock_server::listener::MockServerBuilder::certificate`].
///
/// # Panics
/// When a key cannot be generated.
pub fn private_ca() -> (String, Certificate) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "imap-rs test CA");
    let ca = ca_params.self_signed(&ca_key).expect("the CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("a server key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server parameters")
        .signed_by(&leaf_key, &issuer)
        .expect("the server certificate");
    (ca.pem(), Certificate::from_rcgen(&leaf, &leaf_key))
}

/// What `openssl req -x509 -subj /CN=localhost -addext subjectAltName=...` makes, and the
/// Debian packages of Dovecot and Cyrus install: a self-signed certificate for `names`
/// marked `CA:TRUE`, for [`mock_server::listener::MockServerBuilder::certificate`].
///
/// # Panics
/// When a key cannot be generated.
pub fn openssl_req_x509(names: &[&str]) -> Certificate {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let key = KeyPair::generate().expect("a key");
    let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let mut params = CertificateParams::new(names.clone()).expect("parameters");
    params
        .distinguished_name
        .push(DnType::CommonName, &names[0]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("the certificate");
    Certificate::from_rcgen(&cert, &key)
}

/// A client identity for mutual TLS: the DER of the CA that signed it (for
/// [`mock_server::listener::MockServerBuilder::client_auth`]), the client certificate and
/// its private key in PEM.
///
/// # Panics
/// When a key cannot be generated.
pub fn client_identity() -> (Vec<u8>, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "imap-rs client CA");
    let ca = ca_params.self_signed(&ca_key).expect("the CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("a client key");
    let cert = CertificateParams::new(vec!["alice.example".to_owned()])
        .expect("client parameters")
        .signed_by(&key, &issuer)
        .expect("the client certificate");
    (ca.der().to_vec(), cert.pem(), key.serialize_pem())
}
