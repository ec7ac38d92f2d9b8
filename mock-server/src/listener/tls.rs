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

    /// A certificate and its private key from PEM text (what `openssl req -x509 -newkey ...
    /// -out cert.pem -keyout key.pem -noenc` writes): the first certificate and the first key
    /// (PKCS#8, PKCS#1 or SEC1).
    ///
    /// # Errors
    /// When either holds no item of its kind or is not PEM.
    pub fn from_pem(
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, rustls::pki_types::pem::Error> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let der = CertificateDer::from_pem_slice(cert_pem)?.to_vec();
        let key_der = PrivateKeyDer::from_pem_slice(key_pem)?
            .secret_der()
            .to_vec();
        let pem = String::from_utf8_lossy(cert_pem).into_owned();
        Ok(Certificate { der, pem, key_der })
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
        self.server_config_with(None)
    }

    /// [`Certificate::server_config`], requiring a client certificate signed by one of
    /// `client_cas` (DER) when given (mutual TLS).
    ///
    /// # Errors
    /// When rustls refuses the key, the CA certificates or the protocol versions.
    pub fn server_config_with(
        &self,
        client_cas: Option<&[Vec<u8>]>,
    ) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        let builder = match client_cas {
            None => builder.with_no_client_auth(),
            Some(cas) => {
                let mut roots = rustls::RootCertStore::empty();
                for ca in cas {
                    roots.add(CertificateDer::from(ca.clone()))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let key = PrivateKeyDer::try_from(self.key_der.clone())
            .map_err(|e| rustls::Error::General(e.into()))?;
        let config = builder.with_single_cert(vec![CertificateDer::from(self.der.clone())], key)?;
        Ok(Arc::new(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_from_pem_files_serves_with_and_without_client_auth() {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let key_pem = made.signing_key.serialize_pem();
        let cert = Certificate::from_pem(made.cert.pem().as_bytes(), key_pem.as_bytes()).unwrap();
        assert_eq!(cert.der(), made.cert.der().as_ref());
        cert.server_config().unwrap();
        let client_ca = made.cert.der().to_vec();
        cert.server_config_with(Some(&[client_ca])).unwrap();
        assert!(cert.server_config_with(Some(&[b"junk".to_vec()])).is_err());
        assert!(Certificate::from_pem(b"", key_pem.as_bytes()).is_err());
        assert!(Certificate::from_pem(made.cert.pem().as_bytes(), b"").is_err());
    }
}
