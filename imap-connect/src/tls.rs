//! rustls client configurations: [`TlsOptions`] (certificate verification, custom CAs, an
//! explicit opt-out for test servers), [`server_name`] and [`TlsError`].
//!
//! Certificate verification is on by default, against the Mozilla root store
//! (`webpki-roots`). A private CA can be trusted from a PEM file or bytes, and for test
//! servers with self-signed certificates, verification can be switched off explicitly with
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

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How to verify the server and what else to put in the rustls configuration. `Default`
/// verifies against the Mozilla root store.
///
/// The configuration is built once and shared by every connection made with the same options
/// (and their clones), so thousands of connections hold one root store, not thousands.
#[derive(Clone, Default)]
pub struct TlsOptions {
    no_default_roots: bool,
    ca_files: Vec<PathBuf>,
    ca_pems: Vec<Vec<u8>>,
    danger_accept_invalid_certs: bool,
    config: Option<Arc<ClientConfig>>,
    built: Arc<Mutex<Option<Arc<ClientConfig>>>>,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("default_roots", &!self.no_default_roots)
            .field("ca_files", &self.ca_files)
            .field("ca_pems", &self.ca_pems.len())
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

    /// Also trusts the CA certificates in this PEM file (read when the configuration is built).
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.built = Arc::default();
        self.ca_files.push(path.as_ref().to_owned());
        self
    }

    /// Also trusts the CA certificates in these PEM bytes.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.built = Arc::default();
        self.ca_pems.push(pem.into());
        self
    }

    /// Trusts only the CAs given with [`TlsOptions::ca_file`] and [`TlsOptions::ca_pem`], not
    /// the Mozilla root store.
    pub fn without_default_roots(mut self) -> Self {
        self.built = Arc::default();
        self.no_default_roots = true;
        self
    }

    /// Accepts any certificate for any name: **no protection against a man in the middle**.
    /// Only for test servers with self-signed certificates. The handshake signatures are still
    /// checked, so the connection is encrypted, but to whoever answered.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.built = Arc::default();
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Whether certificate verification was switched off.
    pub fn accepts_invalid_certs(&self) -> bool {
        self.danger_accept_invalid_certs
    }

    /// Uses this rustls configuration as it is (client certificates, other providers, ...);
    /// the other options are then ignored.
    pub fn client_config(mut self, config: Arc<ClientConfig>) -> Self {
        self.built = Arc::default();
        self.config = Some(config);
        self
    }

    /// Builds the rustls configuration.
    ///
    /// # Errors
    /// [`TlsError`] when a CA file cannot be read or holds no valid certificate, or rustls
    /// refuses the configuration.
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
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?;
        let config = if self.danger_accept_invalid_certs {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCert {
                    algorithms: provider.signature_verification_algorithms,
                }))
                .with_no_client_auth()
        } else {
            builder
                .with_root_certificates(self.roots()?)
                .with_no_client_auth()
        };
        Ok(Arc::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        if !self.no_default_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for path in &self.ca_files {
            let pem = std::fs::read(path).map_err(|e| TlsError::CaFile {
                path: path.clone(),
                error: e.to_string(),
            })?;
            add_pem(&mut roots, &pem).map_err(|error| TlsError::CaFile {
                path: path.clone(),
                error,
            })?;
        }
        for pem in &self.ca_pems {
            add_pem(&mut roots, pem).map_err(TlsError::CaPem)?;
        }
        Ok(roots)
    }
}

fn add_pem(roots: &mut RootCertStore, pem: &[u8]) -> Result<(), String> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| e.to_string())?;
        roots.add(cert).map_err(|e| e.to_string())?;
        added += 1;
    }
    if added == 0 {
        return Err("no certificate found".into());
    }
    Ok(())
}

/// The TLS server name for a host name or IP address.
///
/// # Errors
/// [`TlsError::ServerName`] when `host` is neither a valid DNS name nor an IP address.
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsError> {
    ServerName::try_from(host.to_owned()).map_err(|_| TlsError::ServerName(host.to_owned()))
}

/// Why a TLS configuration could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A CA file could not be read or parsed.
    #[error("CA file {}: {error}", path.display())]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: String,
    },
    /// CA PEM bytes could not be parsed.
    #[error("CA certificates: {0}")]
    CaPem(String),
    /// The host is not a valid TLS server name.
    #[error("invalid TLS server name {0:?}")]
    ServerName(String),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(rustls::Error),
}

/// The verifier behind [`TlsOptions::danger_accept_invalid_certs`]: any certificate is
/// accepted, handshake signatures are still verified with the provider's algorithms.
#[derive(Debug)]
struct AcceptAnyCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
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
        let c = b.danger_accept_invalid_certs(true);
        assert!(!Arc::ptr_eq(&a.build().unwrap(), &c.build().unwrap()));
    }

    #[test]
    fn builds_each_kind_of_config() {
        TlsOptions::new().build().unwrap();
        TlsOptions::new()
            .danger_accept_invalid_certs(true)
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
            Err(TlsError::CaPem(_))
        ));
        assert!(matches!(
            TlsOptions::new().ca_file("/nonexistent/ca.pem").build(),
            Err(TlsError::CaFile { .. })
        ));
        assert!(server_name("127.0.0.1").is_ok());
        assert!(server_name("bad name").is_err());
    }
}
