//! Whom the client trusts (issue 14 point 5), each shown by a TLS handshake in memory between
//! a rustls server and the configuration [`TlsOptions`] builds: a server's own self-signed
//! certificate marked `CA:TRUE` given as the CA file (pinned), a different one refused, a
//! private CA's chain, the name to verify when connecting by IP, client certificates, and the
//! system's trust store.

use imap_connect::rustls::pki_types::pem::PemObject;
use imap_connect::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use imap_connect::rustls::server::WebPkiClientVerifier;
use imap_connect::rustls::{
    self, CertificateError, ClientConfig, ClientConnection, RootCertStore, ServerConfig,
    ServerConnection,
};
use imap_connect::{TlsOptions, provider, server_name};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, Issuer, KeyPair,
    date_time_ymd,
};
use std::path::PathBuf;
use std::sync::Arc;

/// A certificate and its key.
struct Identity {
    cert: CertificateDer<'static>,
    pem: String,
    key: KeyPair,
}

impl Identity {
    fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::try_from(self.key.serialize_der()).unwrap()
    }
}

/// What `openssl req -x509 -subj /CN=NAME -addext subjectAltName=DNS:NAME` makes (and the
/// Debian packages of Dovecot and Cyrus): a self-signed certificate for `name` with
/// `basicConstraints = CA:TRUE`.
fn openssl_req_x509(name: &str) -> Identity {
    let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    self_signed(params)
}

fn self_signed(params: CertificateParams) -> Identity {
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Identity {
        pem: cert.pem(),
        cert: cert.der().clone(),
        key,
    }
}

/// A private CA.
fn private_ca() -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "Test private CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A leaf (`CA:FALSE`) for `names`, signed by `issuer`.
fn leaf(names: &[&str], issuer: &Issuer<'_, KeyPair>) -> Identity {
    let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, issuer)
        .unwrap();
    Identity {
        pem: cert.pem(),
        cert: cert.der().clone(),
        key,
    }
}

fn server_builder() -> rustls::ConfigBuilder<ServerConfig, rustls::WantsVerifier> {
    ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
}

fn server_with(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> Arc<ServerConfig> {
    Arc::new(
        server_builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    )
}

fn server(id: &Identity) -> Arc<ServerConfig> {
    server_with(id.cert.clone(), id.key_der())
}

/// A TLS handshake in memory; the first error either side met (the client's first).
fn handshake(
    client: Arc<ClientConfig>,
    name: ServerName<'static>,
    server: Arc<ServerConfig>,
) -> Result<(), rustls::Error> {
    let mut c = ClientConnection::new(client, name)?;
    let mut s = ServerConnection::new(server)?;
    for _ in 0..20 {
        if !c.is_handshaking() && !s.is_handshaking() {
            return Ok(());
        }
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).unwrap();
        }
        s.read_tls(&mut buf.as_slice()).unwrap();
        let server_side = s.process_new_packets().map(drop);
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).unwrap();
        }
        c.read_tls(&mut buf.as_slice()).unwrap();
        c.process_new_packets()?;
        server_side?;
    }
    panic!("the handshake did not finish");
}

fn name(n: &str) -> ServerName<'static> {
    server_name(n).unwrap()
}

/// Trusting only `pem`.
fn only(pem: &str) -> TlsOptions {
    TlsOptions::new().without_default_roots().ca_pem(pem)
}

fn is_ca_used_as_end_entity(e: &rustls::Error) -> bool {
    matches!(e, rustls::Error::InvalidCertificate(CertificateError::Other(o))
        if format!("{o:?}").contains("CaUsedAsEndEntity"))
}

fn not_valid_for_name(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })
    )
}

/// A directory of this test's own, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "imap-connect-{what}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_self_signed_ca_true_certificate_given_as_the_ca_file_is_trusted_exactly() {
    let id = openssl_req_x509("localhost");
    // Before: the CA file was a root store for WebPKI, which refuses a CA certificate as
    // the server's own.
    let mut roots = RootCertStore::empty();
    roots.add(id.cert.clone()).unwrap();
    let webpki_only = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let before = handshake(Arc::new(webpki_only), name("localhost"), server(&id));
    assert!(is_ca_used_as_end_entity(&before.unwrap_err()));
    // Now: pinned, from PEM bytes and from a file (with the default roots kept).
    handshake(
        only(&id.pem).build().unwrap(),
        name("localhost"),
        server(&id),
    )
    .unwrap();
    let dir = TempDir::new("pinned");
    let file = dir.0.join("dovecot.pem");
    std::fs::write(&file, &id.pem).unwrap();
    let from_file = TlsOptions::new().ca_file(&file).build().unwrap();
    handshake(from_file, name("localhost"), server(&id)).unwrap();
}

#[test]
fn another_self_signed_certificate_is_refused() {
    let pinned = openssl_req_x509("localhost");
    let other = openssl_req_x509("localhost");
    let trust = only(&pinned.pem).build().unwrap();
    let e = handshake(trust.clone(), name("localhost"), server(&other)).unwrap_err();
    assert!(is_ca_used_as_end_entity(&e), "{e:?}");
    // A self-signed certificate that is not a CA's, not the one given: unknown issuer.
    let plain = self_signed(CertificateParams::new(vec!["localhost".to_owned()]).unwrap());
    let e = handshake(trust, name("localhost"), server(&plain)).unwrap_err();
    assert_eq!(
        e,
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
    );
}

#[test]
fn a_pinned_certificate_is_still_checked_for_its_name_and_dates() {
    let id = openssl_req_x509("mail.example.com");
    let trust = only(&id.pem).build().unwrap();
    let e = handshake(trust, name("other.example.com"), server(&id)).unwrap_err();
    assert!(not_valid_for_name(&e), "{e:?}");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = date_time_ymd(2001, 1, 1);
    params.not_after = date_time_ymd(2002, 1, 1);
    let expired = self_signed(params);
    let trust = only(&expired.pem).build().unwrap();
    let e = handshake(trust, name("localhost"), server(&expired)).unwrap_err();
    assert!(
        matches!(
            e,
            rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { .. })
        ),
        "{e:?}"
    );
}

#[test]
fn a_private_ca_verifies_its_chain_as_before() {
    let ca = private_ca();
    let id = leaf(&["localhost"], &ca);
    let trust = only(&ca.pem()).build().unwrap();
    handshake(trust.clone(), name("localhost"), server(&id)).unwrap();
    let e = handshake(trust, name("other.example"), server(&id)).unwrap_err();
    assert!(not_valid_for_name(&e), "{e:?}");
}

#[test]
fn connecting_by_ip_verifies_the_name_given() {
    let ca = private_ca();
    let id = leaf(&["mail.example.com"], &ca);
    let options = only(&ca.pem());
    let by_ip = options.name_for("127.0.0.1").unwrap();
    let e = handshake(options.build().unwrap(), by_ip, server(&id)).unwrap_err();
    assert!(not_valid_for_name(&e), "{e:?}");
    let options = options.verify_name("mail.example.com");
    let by_ip = options.name_for("127.0.0.1").unwrap();
    handshake(options.build().unwrap(), by_ip, server(&id)).unwrap();
}

#[test]
fn a_client_certificate_is_presented_when_the_server_asks() {
    let server_ca = private_ca();
    let server_id = leaf(&["localhost"], &server_ca);
    let client_ca = private_ca();
    let client_id = leaf(&["alice.example"], &client_ca);
    let mut client_roots = RootCertStore::empty();
    client_roots.add(client_ca.der().clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(client_roots), provider())
        .build()
        .unwrap();
    let mtls_server = Arc::new(
        server_builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_id.cert.clone()], server_id.key_der())
            .unwrap(),
    );
    let without = only(&server_ca.pem()).build().unwrap();
    let e = handshake(without, name("localhost"), mtls_server.clone()).unwrap_err();
    assert_eq!(
        e,
        rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired)
    );
    let dir = TempDir::new("mtls");
    let (chain, key) = (dir.0.join("client.pem"), dir.0.join("client.key"));
    std::fs::write(&chain, &client_id.pem).unwrap();
    std::fs::write(&key, client_id.key.serialize_pem()).unwrap();
    let with = only(&server_ca.pem()).client_cert_files(&chain, &key);
    handshake(with.build().unwrap(), name("localhost"), mtls_server).unwrap();
}

/// `rustls-native-certs` reads the file `SSL_CERT_FILE` names, as OpenSSL does: the test runs
/// itself again with it set to a private CA's (setting it in this process would need `unsafe`).
#[test]
fn native_roots_are_the_systems() {
    const CHILD: &str = "IMAP_CONNECT_NATIVE_ROOTS_DIR";
    if let Ok(dir) = std::env::var(CHILD) {
        let dir = PathBuf::from(dir);
        let cert = CertificateDer::from_pem_file(dir.join("leaf.pem")).unwrap();
        let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
        let native = TlsOptions::new().native_roots().build().unwrap();
        handshake(native, name("localhost"), server_with(cert.clone(), key)).unwrap();
        let mozilla = TlsOptions::new().build().unwrap();
        let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
        let e = handshake(mozilla, name("localhost"), server_with(cert, key)).unwrap_err();
        assert_eq!(
            e,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
        );
        return;
    }
    let ca = private_ca();
    let id = leaf(&["localhost"], &ca);
    let dir = TempDir::new("native");
    std::fs::write(dir.0.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.0.join("leaf.pem"), &id.pem).unwrap();
    std::fs::write(dir.0.join("leaf.key"), id.key.serialize_pem()).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["native_roots_are_the_systems", "--exact", "--nocapture"])
        .env(CHILD, &dir.0)
        .env("SSL_CERT_FILE", dir.0.join("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
