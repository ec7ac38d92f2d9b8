//! Why a server-side SASL exchange ([`super::ScramServer`], [`super::CramMd5Server`]) refuses
//! the client.

/// Why the server refuses a client's SASL message. [`SaslServerError::is_malformed`] separates
/// messages that break the mechanism's syntax from well-formed ones that fail to authenticate;
/// [`SaslServerError::scram_value`] is the SCRAM `server-error-value` (RFC 5802 §7). The
/// texts never contain credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslServerError {
    /// The message does not follow the mechanism's syntax.
    #[error("malformed client message: {reason}")]
    InvalidEncoding {
        /// What is wrong.
        reason: &'static str,
    },
    /// The username (or authzid) is not a valid `saslname`: not UTF-8, empty, or a `=` that
    /// is not `=2C` or `=3D`.
    #[error("invalid username encoding: {reason}")]
    InvalidUsernameEncoding {
        /// What is wrong.
        reason: &'static str,
    },
    /// The client-first message has a mandatory extension (`m=`).
    #[error("mandatory SCRAM extensions (m=) are not supported")]
    ExtensionsNotSupported,
    /// The client requires channel binding (`p=`), which this server does not support.
    #[error("channel binding is not supported (the client requires {name:?})")]
    ChannelBindingNotSupported {
        /// The channel binding type the client named.
        name: String,
    },
    /// The client-final `c=` is not the GS2 header of the client-first message.
    #[error("the channel binding data (c=) does not match the GS2 header")]
    ChannelBindingsDontMatch,
    /// The proof (SCRAM) or digest (CRAM-MD5) is wrong: wrong password, or unknown user.
    #[error("the client proof is wrong")]
    InvalidProof,
    /// A message arrived when the exchange was not waiting for it (a bug in the caller).
    #[error("message out of order: {reason}")]
    OutOfOrder {
        /// What the exchange was waiting for.
        reason: &'static str,
    },
    /// The operating system could not provide randomness for the server nonce or challenge
    /// (the text is the system's reason).
    #[error("no randomness for the server nonce: {0}")]
    Random(String),
}

impl SaslServerError {
    /// Whether the client's message broke the mechanism's syntax (an IMAP server answers `BAD`),
    /// rather than failing to authenticate (`NO`).
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            SaslServerError::InvalidEncoding { .. }
                | SaslServerError::InvalidUsernameEncoding { .. }
        )
    }

    /// The SCRAM `server-error-value` for an `e=` server-final message (RFC 5802 §7).
    pub fn scram_value(&self) -> &'static str {
        match self {
            SaslServerError::InvalidEncoding { .. } => "invalid-encoding",
            SaslServerError::InvalidUsernameEncoding { .. } => "invalid-username-encoding",
            SaslServerError::ExtensionsNotSupported => "extensions-not-supported",
            SaslServerError::ChannelBindingNotSupported { .. } => "channel-binding-not-supported",
            SaslServerError::ChannelBindingsDontMatch => "channel-bindings-dont-match",
            SaslServerError::InvalidProof => "invalid-proof",
            SaslServerError::Random(_) => "no-resources",
            SaslServerError::OutOfOrder { .. } => "other-error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_values() {
        let e = SaslServerError::InvalidEncoding { reason: "no nonce" };
        assert!(e.is_malformed());
        assert_eq!(e.scram_value(), "invalid-encoding");
        assert_eq!(e.to_string(), "malformed client message: no nonce");
        assert!(!SaslServerError::InvalidProof.is_malformed());
        assert_eq!(SaslServerError::InvalidProof.scram_value(), "invalid-proof");
        let cb = SaslServerError::ChannelBindingNotSupported {
            name: "tls-unique".into(),
        };
        assert!(!cb.is_malformed());
        assert_eq!(cb.scram_value(), "channel-binding-not-supported");
    }
}
