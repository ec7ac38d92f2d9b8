//! Why a TLS configuration could not be built: [`TlsError`], and [`CertError`] for the PEM
//! files and bytes it is made of. Each carries its cause as a typed source (the I/O error,
//! the PEM error, rustls' error), not as text.

use rustls::pki_types::InvalidDnsNameError;
use rustls::pki_types::pem;
use std::io;
use std::path::PathBuf;

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A CA file could not be read or holds no usable certificate.
    #[error("CA file {}: {source}", path.display())]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: CertError,
    },
    /// CA PEM bytes given in memory hold no usable certificate.
    #[error("CA certificates: {0}")]
    CaPem(#[source] CertError),
    /// The client certificate or its key (mutual TLS) could not be read or used.
    #[error("client certificate: {0}")]
    ClientCert(#[source] CertError),
    /// The operating system's trust store could not be read, or holds no certificate.
    #[error("the system's trust store: {0}")]
    NativeRoots(#[source] NativeRootsError),
    /// The host (or the name to verify) is not a valid TLS server name.
    #[error("invalid TLS server name {name:?}")]
    ServerName {
        /// The name.
        name: String,
        /// Why it is invalid.
        #[source]
        source: InvalidDnsNameError,
    },
    /// The certificate verifier could not be built (no trust anchor at all).
    #[error("TLS verification: {0}")]
    Verifier(#[source] rustls::client::VerifierBuilderError),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[source] rustls::Error),
}

/// Why certificates or a private key could not be taken from a PEM file or PEM bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The file could not be read.
    #[error("{0}")]
    Read(#[source] io::Error),
    /// The PEM text is malformed.
    #[error("malformed PEM: {0}")]
    Pem(#[source] pem::Error),
    /// The PEM text holds no certificate.
    #[error("no certificate found")]
    NoCertificate,
    /// The PEM text holds no private key.
    #[error("no private key found")]
    NoPrivateKey,
    /// rustls refused a certificate or key (for example a CA certificate it cannot parse).
    #[error("{0}")]
    Rejected(#[source] rustls::Error),
}

/// Why the operating system's trust store gave no certificate ([`TlsError::NativeRoots`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NativeRootsError {
    /// Nothing could be loaded; the errors met while looking.
    #[error("no certificate found{}", describe(.0))]
    Empty(Vec<rustls_native_certs::Error>),
    /// rustls refused every certificate found.
    #[error("none of its {0} certificates could be used")]
    Unusable(usize),
}

fn describe(errors: &[rustls_native_certs::Error]) -> String {
    errors.iter().map(|e| format!(" ({e})")).collect()
}
