//! The server's certificate (self-signed, or given) and the rustls server configuration.

use std::sync::Arc;

/// The server's certificate and its key: generated and self-signed for `localhost` and
/// `127.0.0.1`, or given ([`Certificate::from_rcgen`]).
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    pem: String,
    key_der: Vec<u8>,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("der_len", &self.der.len())
            .finish()
    }
}

impl Certificate {
    /// Generates a new certificate (ECDSA P-256, valid for `localhost` and `127.0.0.1`).
    ///
    /// # Errors
    /// When key generation fails.
    pub fn generate() -> Result<Self, rcgen::Error> {
        let ck = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
        ])?;
        Ok(Certificate {
            der: ck.cert.der().to_vec(),
            pem: ck.cert.pem(),
            key_der: ck.signing_key.serialize_der(),
        })
    }

    /// A certificate made elsewhere (a leaf signed by a test's private CA, say) and its key.
    /// The server sends the leaf alone: a client trusts the CA that signed it.
    pub fn from_rcgen(cert: &rcgen::Certificate, key: &rcgen::KeyPair) -> Self {
        Certificate {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            key_der: key.serialize_der(),
        }
    }

    /// The certificate in DER, for a client's trust store.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate in PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A rustls server configuration serving this certificate (ring provider).
    ///
    /// # Errors
    /// When rustls refuses the key or the protocol versions.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
            )?;
        Ok(Arc::new(config))
    }
}
