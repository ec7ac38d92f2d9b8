//! rustls client configurations: [`TlsOptions`] (certificate verification, custom CAs and
//! pinned self-signed certificates, client certificates, the name to verify, the system's
//! trust store, an explicit opt-out for test servers), [`server_name`] and [`TlsError`].
//!
//! Certificate verification is on by default, against the Mozilla root store
//! (`webpki-roots`), or the operating system's with [`TlsOptions::native_roots`]. A private
//! CA can be trusted from a PEM file or bytes; a server's own self-signed certificate given
//! the same way is trusted exactly (pinned, even when marked `CA:TRUE` as `openssl req -x509`
//! makes it). For test servers, verification can be switched off explicitly with
//! [`TlsOptions::danger_accept_invalid_certs`]: the name says what it does.
//!
//! Only the `ring` crypto provider is used; configurations are built with
//! [`rustls::ClientConfig::builder_with_provider`], so no process-wide provider is installed.
//!
//! ```
//! use imap_connect::TlsOptions;
//!
//! let config = TlsOptions::new().build().unwrap();
//! assert!(config.alpn_protocols.is_empty());
//! let name = imap_connect::server_name("imap.example.org").unwrap();
//! # let _ = name;
//! ```
mod error;
mod pem;
mod verify;

pub use error::{CertError, NativeRootsError, TlsError};

use pem::PemSource;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use verify::{AcceptAnyCert, Pinning};

/// How to verify the server and what else to put in the rustls configuration. `Default`
/// verifies against the Mozilla root store.
///
/// The configuration is built once and shared by every connection made with the same options
/// (and their clones), so thousands of connections hold one root store, not thousands.
#[derive(Clone, Default)]
pub struct TlsOptions {
    no_default_roots: bool,
    native_roots: bool,
    cas: Vec<PemSource>,
    client_cert: Option<(PemSource, PemSource)>,
    verify_name: Option<String>,
    danger_accept_invalid_certs: bool,
    config: Option<Arc<ClientConfig>>,
    built: Arc<Mutex<Option<Arc<ClientConfig>>>>,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("default_roots", &!self.no_default_roots)
            .field("native_roots", &self.native_roots)
            .field("cas", &self.cas.len())
            .field("client_cert", &self.client_cert.is_some())
            .field("verify_name", &self.verify_name)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("custom_config", &self.config.is_some())
            .finish()
    }
}

impl TlsOptions {
    /// Verification against the Mozilla root store.
    pub fn new() -> Self {
        TlsOptions::default()
    }

    fn changed(mut self) -> Self {
        self.built = Arc::default();
        self
    }

    /// Also trusts the certificates in this PEM file (read when the configuration is built):
    /// CA certificates as roots, and a server's own self-signed certificate exactly as it is,
    /// even when it is marked `CA:TRUE` (what `openssl req -x509` and the Debian packages of
    /// Dovecot and Cyrus make). The server name is verified either way.
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.cas.push(PemSource::File(path.as_ref().to_owned()));
        self.changed()
    }

    /// Also trusts the certificates in these PEM bytes, as [`TlsOptions::ca_file`] does.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.cas.push(PemSource::Bytes(pem.into()));
        self.changed()
    }

    /// Trusts only the certificates given with [`TlsOptions::ca_file`] and
    /// [`TlsOptions::ca_pem`], not the Mozilla root store (nor the system's).
    pub fn without_default_roots(mut self) -> Self {
        self.no_default_roots = true;
        self.changed()
    }

    /// Trusts the operating system's certificate store (read when the configuration is built,
    /// with `rustls-native-certs`) instead of the Mozilla root store compiled in: for a
    /// company CA installed on the machine.
    pub fn native_roots(mut self) -> Self {
        self.native_roots = true;
        self.changed()
    }

    /// Presents this client certificate (mutual TLS): the certificate chain and its private
    /// key (PKCS#8, PKCS#1 or SEC1), as PEM files read when the configuration is built.
    pub fn client_cert_files(mut self, chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        self.client_cert = Some((
            PemSource::File(chain.as_ref().to_owned()),
            PemSource::File(key.as_ref().to_owned()),
        ));
        self.changed()
    }

    /// Presents this client certificate (mutual TLS), from PEM bytes: the certificate chain
    /// and its private key.
    pub fn client_cert_pem(mut self, chain: impl Into<Vec<u8>>, key: impl Into<Vec<u8>>) -> Self {
        self.client_cert = Some((PemSource::Bytes(chain.into()), PemSource::Bytes(key.into())));
        self.changed()
    }

    /// Verifies the certificate for this name (and sends it as SNI) instead of the host
    /// connected to: for connecting by IP address, or through a tunnel, to a server whose
    /// certificate names `mail.example.com`.
    pub fn verify_name(mut self, name: impl Into<String>) -> Self {
        self.verify_name = Some(name.into());
        self.changed()
    }

    /// The name the certificate must be valid for when connecting to `host`:
    /// [`TlsOptions::verify_name`] if given, `host` otherwise.
    ///
    /// # Errors
    /// [`TlsError::ServerName`] when it is neither a valid DNS name nor an IP address.
    pub fn name_for(&self, host: &str) -> Result<ServerName<'static>, TlsError> {
        server_name(self.verify_name.as_deref().unwrap_or(host))
    }

    /// Accepts any certificate for any name: **no protection against a man in the middle**.
    /// Only for test servers with self-signed certificates. The handshake signatures are still
    /// checked, so the connection is encrypted, but to whoever answered.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.danger_accept_invalid_certs = true;
        self.changed()
    }

    /// Whether certificate verification was switched off.
    pub fn accepts_invalid_certs(&self) -> bool {
        self.danger_accept_invalid_certs
    }

    /// Uses this rustls configuration as it is (other providers, ...); the other options are
    /// then ignored, but for [`TlsOptions::verify_name`].
    pub fn client_config(mut self, config: Arc<ClientConfig>) -> Self {
        self.config = Some(config);
        self.changed()
    }

    /// Builds the rustls configuration.
    ///
    /// # Errors
    /// [`TlsError`] when a CA file or the client certificate cannot be read or holds no valid
    /// certificate, the system's trust store gives none, or rustls refuses the configuration.
    pub fn build(&self) -> Result<Arc<ClientConfig>, TlsError> {
        if let Some(c) = &self.config {
            return Ok(c.clone());
        }
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = built.as_ref() {
            return Ok(c.clone());
        }
        let config = self.build_new()?;
        *built = Some(config.clone());
        Ok(config)
    }

    fn build_new(&self) -> Result<Arc<ClientConfig>, TlsError> {
        let provider = provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?
            .dangerous();
        let builder = if self.danger_accept_invalid_certs {
            builder.with_custom_certificate_verifier(Arc::new(AcceptAnyCert {
                algorithms: provider.signature_verification_algorithms,
            }))
        } else {
            let (roots, pinned) = self.roots()?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(TlsError::Verifier)?;
            builder.with_custom_certificate_verifier(Arc::new(Pinning { webpki, pinned }))
        };
        let config = match &self.client_cert {
            None => builder.with_no_client_auth(),
            Some((chain, key)) => {
                let read = |s: &PemSource| s.read().map(|b| b.into_owned());
                let chain = read(chain)
                    .and_then(|b| pem::certificates(&b))
                    .map_err(TlsError::ClientCert)?;
                let key = read(key)
                    .and_then(|b| pem::private_key(&b))
                    .map_err(TlsError::ClientCert)?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| TlsError::ClientCert(CertError::Rejected(e)))?
            }
        };
        Ok(Arc::new(config))
    }

    /// The root store, and the certificates given by the user (pinned as well).
    fn roots(&self) -> Result<(RootCertStore, Vec<CertificateDer<'static>>), TlsError> {
        let mut roots = RootCertStore::empty();
        if self.native_roots {
            add_native_roots(&mut roots)?;
        } else if !self.no_default_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let mut pinned = Vec::new();
        for source in &self.cas {
            let certs = source
                .read()
                .and_then(|pem| pem::certificates(&pem))
                .and_then(|certs| {
                    for c in &certs {
                        roots.add(c.clone()).map_err(CertError::Rejected)?;
                    }
                    Ok(certs)
                })
                .map_err(|e| match source {
                    PemSource::File(path) => TlsError::CaFile {
                        path: path.clone(),
                        source: e,
                    },
                    PemSource::Bytes(_) => TlsError::CaPem(e),
                })?;
            pinned.extend(certs);
        }
        Ok((roots, pinned))
    }
}

/// Adds the operating system's trust store; an error when it gives no usable certificate.
fn add_native_roots(roots: &mut RootCertStore) -> Result<(), TlsError> {
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        return Err(TlsError::NativeRoots(NativeRootsError::Empty(found.errors)));
    }
    let (added, _) = roots.add_parsable_certificates(found.certs.iter().cloned());
    match added {
        0 => Err(TlsError::NativeRoots(NativeRootsError::Unusable(
            found.certs.len(),
        ))),
        _ => Ok(()),
    }
}

/// A rustls error as a sentence for people: what an untrusted server certificate means and
/// what to do about it; rustls' own text otherwise.
pub(crate) fn describe(e: &rustls::Error) -> String {
    use rustls::CertificateError;
    match e {
        _ if verify::is_ca_used_as_end_entity(e) => "the server's certificate is a CA \
            certificate (CA:TRUE, as `openssl req -x509` makes a self-signed one) and not one \
            given as the CA file: give exactly that certificate as the CA file (IMAP_CA_FILE) \
            to trust it"
            .into(),
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => "the server's \
            certificate is not signed by a trusted CA (self-signed, or by a private CA): give \
            it or its CA as the CA file (IMAP_CA_FILE) to trust it"
            .into(),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => format!(
            "{e} (to verify another name than the host connected to, as when connecting by \
             IP address: TlsOptions::verify_name, IMAP_TLS_NAME)"
        ),
        rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired) => {
            format!(
                "{e}: the server requires a client certificate (TlsOptions::client_cert_files, \
                 IMAP_CLIENT_CERT and IMAP_CLIENT_KEY)"
            )
        }
        e => e.to_string(),
    }
}

/// The TLS server name for a host name or IP address.
///
/// # Errors
/// [`TlsError::ServerName`] when `host` is neither a valid DNS name nor an IP address.
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsError> {
    ServerName::try_from(host.to_owned()).map_err(|source| TlsError::ServerName {
        name: host.to_owned(),
        source,
    })
}

/// The crypto provider the drivers use (`ring`), for servers built in tests.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_built_config_until_changed() {
        let a = TlsOptions::new();
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.build().unwrap(), &b.build().unwrap()));
        let c = b.danger_accept_invalid_certs();
        assert!(!Arc::ptr_eq(&a.build().unwrap(), &c.build().unwrap()));
    }

    #[test]
    fn builds_each_kind_of_config() {
        TlsOptions::new().build().unwrap();
        TlsOptions::new()
            .danger_accept_invalid_certs()
            .build()
            .unwrap();
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        TlsOptions::new()
            .without_default_roots()
            .ca_pem(cert.cert.pem())
            .build()
            .unwrap();
        assert!(matches!(
            TlsOptions::new().ca_pem("nothing").build(),
            Err(TlsError::CaPem(CertError::NoCertificate))
        ));
        let truncated = "-----BEGIN CERTIFICATE-----\nMIIB\n";
        assert!(matches!(
            TlsOptions::new().ca_pem(truncated).build(),
            Err(TlsError::CaPem(CertError::Pem(_)))
        ));
        match TlsOptions::new().ca_file("/nonexistent/ca.pem").build() {
            Err(TlsError::CaFile {
                source: CertError::Read(e),
                ..
            }) => assert_eq!(e.kind(), std::io::ErrorKind::NotFound),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            TlsOptions::new()
                .client_cert_pem(cert.cert.pem(), cert.cert.pem())
                .build(),
            Err(TlsError::ClientCert(CertError::NoPrivateKey))
        ));
        assert!(matches!(
            TlsOptions::new().without_default_roots().build(),
            Err(TlsError::Verifier(_))
        ));
        assert!(server_name("127.0.0.1").is_ok());
        assert!(matches!(
            server_name("bad name"),
            Err(TlsError::ServerName { name, .. }) if name == "bad name"
        ));
        let by_ip = TlsOptions::new().verify_name("mail.example.com");
        assert_eq!(
            by_ip.name_for("127.0.0.1").unwrap(),
            server_name("mail.example.com").unwrap()
        );
    }
}
