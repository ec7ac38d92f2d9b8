//! The server certificate verifiers: [`Pinning`] (the usual WebPKI verification, and exactly
//! the certificates the user gave when the server presents one of them as its own), and
//! [`AcceptAnyCert`] behind [`super::TlsOptions::danger_accept_invalid_certs`].
//!
//! Why pinning: `openssl req -x509` and the Debian packages of Dovecot and Cyrus make a
//! self-signed server certificate marked `CA:TRUE`. Given as a CA file it is a trust anchor,
//! but WebPKI refuses a CA certificate as the server's own (`CaUsedAsEndEntity`), while
//! Python, curl and mbsync accept it. [`Pinning`] accepts it when the server presents exactly
//! (byte for byte) a certificate the user gave, still checking its validity dates and the
//! server name, and the handshake signatures as always.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;

/// WebPKI verification against the roots, and the pinned certificates accepted as the
/// server's own certificate.
#[derive(Debug)]
pub(super) struct Pinning {
    pub(super) webpki: Arc<WebPkiServerVerifier>,
    /// The certificates of the CA files and PEM bytes given (also in the roots).
    pub(super) pinned: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for Pinning {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verified {
            // WebPKI checks the validity dates before the basic constraints, so a pinned
            // certificate out of its dates fails above with `Expired` / `NotValidYet`; the
            // name is checked here as WebPKI would have after the chain.
            Err(e) if is_ca_used_as_end_entity(&e) && self.is_pinned(end_entity) => {
                let cert = ParsedCertificate::try_from(end_entity)?;
                verify_server_name(&cert, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        false
    }
}

impl Pinning {
    fn is_pinned(&self, cert: &CertificateDer<'_>) -> bool {
        self.pinned.iter().any(|p| p.as_ref() == cert.as_ref())
    }
}

/// Whether WebPKI refused a certificate because it is a CA's (`CaUsedAsEndEntity`).
pub(super) fn is_ca_used_as_end_entity(e: &rustls::Error) -> bool {
    match e {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
            other.0.downcast_ref::<webpki::Error>() == Some(&webpki::Error::CaUsedAsEndEntity)
        }
        _ => false,
    }
}

/// The verifier behind [`super::TlsOptions::danger_accept_invalid_certs`]: any certificate is
/// accepted, handshake signatures are still verified with the provider's algorithms.
#[derive(Debug)]
pub(super) struct AcceptAnyCert {
    pub(super) algorithms: WebPkiSupportedAlgorithms,
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
