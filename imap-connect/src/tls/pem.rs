//! Certificates and private keys from PEM files and bytes, with typed errors ([`CertError`]).

use super::error::CertError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;

/// Where PEM text comes from: a file (read when the configuration is built) or bytes.
#[derive(Clone, Debug)]
pub(super) enum PemSource {
    File(std::path::PathBuf),
    Bytes(Vec<u8>),
}

impl PemSource {
    /// The PEM text.
    pub(super) fn read(&self) -> Result<std::borrow::Cow<'_, [u8]>, CertError> {
        match self {
            PemSource::File(path) => read_file(path).map(Into::into),
            PemSource::Bytes(b) => Ok(b.as_slice().into()),
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, CertError> {
    std::fs::read(path).map_err(CertError::Read)
}

/// Every certificate in `pem`; at least one.
pub(super) fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, CertError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(CertError::Pem)?;
    match certs.is_empty() {
        true => Err(CertError::NoCertificate),
        false => Ok(certs),
    }
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) in `pem`.
pub(super) fn private_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, CertError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => CertError::NoPrivateKey,
        e => CertError::Pem(e),
    })
}
