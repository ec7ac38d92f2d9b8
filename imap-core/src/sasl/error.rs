//! SASL errors, and the JSON error an OAuth server sends inside XOAUTH2 and OAUTHBEARER.

use std::fmt;

use super::{CredentialsKind, Mechanism};

/// Why a SASL exchange cannot go on. Server-supplied text is shown escaped; credentials are
/// never part of an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslError {
    /// The mechanism needs the other kind of credentials.
    #[error("{mechanism} needs {}, not {}", with_article(*expected), with_article(*actual))]
    WrongCredentials {
        /// The mechanism.
        mechanism: Mechanism,
        /// What it needs.
        expected: CredentialsKind,
        /// What it was given.
        actual: CredentialsKind,
    },
    /// The credentials have an authorization identity, which the mechanism cannot carry.
    #[error("{mechanism} cannot carry an authorization identity")]
    AuthzidUnsupported {
        /// The mechanism.
        mechanism: Mechanism,
    },
    /// The credentials contain something the mechanism cannot encode.
    #[error("credentials unusable with {mechanism}: {reason}")]
    InvalidCredentials {
        /// The mechanism.
        mechanism: Mechanism,
        /// What is wrong.
        reason: &'static str,
    },
    /// The server sent a challenge the mechanism does not expect at this point.
    #[error("unexpected {mechanism} challenge: {reason}")]
    UnexpectedChallenge {
        /// The mechanism.
        mechanism: Mechanism,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// The OAuth server refused the token (XOAUTH2, OAUTHBEARER).
    #[error("{0}")]
    OAuth(OAuthError),
    /// The SCRAM server-first message is malformed, or its nonce does not extend the client's.
    #[error("invalid SCRAM server-first message: {reason}")]
    InvalidServerFirst {
        /// What is wrong.
        reason: &'static str,
    },
    /// The SCRAM iteration count is below the accepted minimum.
    #[error("SCRAM iteration count {iterations} is below the accepted minimum {minimum}")]
    IterationCountTooLow {
        /// The server's count.
        iterations: u32,
        /// The lowest accepted.
        minimum: u32,
    },
    /// The SCRAM iteration count is above the accepted maximum.
    #[error("SCRAM iteration count {iterations} is above the accepted maximum {maximum}")]
    IterationCountTooHigh {
        /// The server's count.
        iterations: u32,
        /// The highest accepted.
        maximum: u32,
    },
    /// The SCRAM server-final message is malformed.
    #[error("invalid SCRAM server-final message: {reason}")]
    InvalidServerFinal {
        /// What is wrong.
        reason: &'static str,
    },
    /// The SCRAM server signature is wrong: the server does not know the password (or the
    /// exchange was tampered with). Do not trust the connection.
    #[error("the SCRAM server signature is wrong: the server is not who it claims to be")]
    ServerSignatureMismatch,
    /// The server reported success without proving it knows the password (no SCRAM `v=`).
    #[error("the server reported success without its SCRAM signature")]
    MissingServerSignature,
    /// The SCRAM server reported an error (`e=`, RFC 5802 §7 `server-error-value`), such as
    /// `invalid-proof` or `unknown-user`.
    #[error("SCRAM server error {0:?}")]
    ScramServerError(String),
    /// The operating system could not provide randomness for the SCRAM client nonce (the
    /// text is the system's reason).
    #[error("no randomness for the SCRAM client nonce: {0}")]
    Random(String),
    /// A custom mechanism ([`super::SaslMechanism`]) could not go on.
    #[error("{mechanism}: {reason}")]
    Custom {
        /// The mechanism's name.
        mechanism: String,
        /// What went wrong.
        reason: String,
    },
}

impl SaslError {
    /// The error of a custom mechanism ([`super::SaslMechanism`]).
    pub fn custom(mechanism: impl Into<String>, reason: impl Into<String>) -> SaslError {
        SaslError::Custom {
            mechanism: mechanism.into(),
            reason: reason.into(),
        }
    }

    /// Whether the server refused an OAuth token as invalid or expired
    /// ([`OAuthError::is_invalid_token`]): a fresh token may succeed.
    pub fn is_invalid_token(&self) -> bool {
        matches!(self, SaslError::OAuth(e) if e.is_invalid_token())
    }

    /// Whether the server reported this error inside the exchange.
    pub(super) fn is_from_server(&self) -> bool {
        matches!(self, SaslError::OAuth(_) | SaslError::ScramServerError(_))
    }
}

/// The kind of credentials with its indefinite article, for messages.
fn with_article(kind: CredentialsKind) -> &'static str {
    match kind {
        CredentialsKind::Password => "a password",
        CredentialsKind::OAuth2Token => "an OAuth 2.0 token",
    }
}

/// The error an OAuth server reports in an XOAUTH2 or OAUTHBEARER challenge (RFC 7628 §3.2.2):
/// a JSON object whose members say why the token was refused. The members that are present are
/// extracted; the whole text is kept in [`json`](OAuthError::json).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OAuthError {
    /// `status`: the HTTP-style status or OAuth error code, such as `"401"` (Google's XOAUTH2)
    /// or `"invalid_token"` (RFC 7628).
    pub status: Option<String>,
    /// `schemes`: the authorization schemes the server accepts, such as `"Bearer"`.
    pub schemes: Option<String>,
    /// `scope`: the OAuth scope the token needs.
    pub scope: Option<String>,
    /// `openid-configuration`: where to find the OpenID Provider configuration (RFC 7628).
    pub openid_configuration: Option<String>,
    /// The challenge as received (UTF-8, with invalid bytes replaced). Not necessarily JSON, if
    /// the server sent something else.
    pub json: String,
}

impl OAuthError {
    /// Parses the decoded error challenge. Never fails: a challenge that is not a JSON object
    /// only has [`json`](OAuthError::json). A member that is a number or boolean is kept as its
    /// JSON text; other values are ignored.
    pub fn parse(challenge: &[u8]) -> OAuthError {
        let json = String::from_utf8_lossy(challenge).into_owned();
        let mut error = OAuthError {
            status: None,
            schemes: None,
            scope: None,
            openid_configuration: None,
            json,
        };
        let Ok(serde_json::Value::Object(members)) =
            serde_json::from_slice::<serde_json::Value>(challenge)
        else {
            return error;
        };
        let member = |name: &str| match members.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => Some(v.to_string()),
            _ => None,
        };
        error.status = member("status");
        error.schemes = member("schemes");
        error.scope = member("scope");
        error.openid_configuration = member("openid-configuration");
        error
    }
}

impl OAuthError {
    /// Whether the server says the token is invalid or expired: `status` `"401"` (what Gmail
    /// and Outlook send with XOAUTH2) or `"invalid_token"` (RFC 7628 section 3.2.2, the error
    /// code of RFC 6750 section 3.1). A fresh token may then succeed; other statuses
    /// (`insufficient_scope`, `"400"`) would fail again.
    pub fn is_invalid_token(&self) -> bool {
        matches!(self.status.as_deref(), Some("401" | "invalid_token"))
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the server refused the OAuth token")?;
        let members = [
            ("status", &self.status),
            ("schemes", &self.schemes),
            ("scope", &self.scope),
            ("openid-configuration", &self.openid_configuration),
        ];
        let mut any = false;
        for (name, value) in members {
            if let Some(value) = value {
                f.write_str(if any { ", " } else { ": " })?;
                write!(f, "{name} {value:?}")?;
                any = true;
            }
        }
        if !any {
            write!(f, ": {:?}", self.json)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_google_error() {
        let json = r#"{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}"#;
        let e = OAuthError::parse(json.as_bytes());
        assert_eq!(e.status.as_deref(), Some("401"));
        assert_eq!(e.schemes.as_deref(), Some("bearer mac"));
        assert_eq!(e.scope.as_deref(), Some("https://mail.google.com/"));
        assert_eq!(e.openid_configuration, None);
        assert_eq!(e.json, json);
        assert_eq!(
            e.to_string(),
            r#"the server refused the OAuth token: status "401", schemes "bearer mac", scope "https://mail.google.com/""#
        );
    }

    #[test]
    fn parse_odd_errors() {
        let e = OAuthError::parse(br#"{"status":401,"scope":["a"],"extra":true}"#);
        assert_eq!(e.status.as_deref(), Some("401"));
        assert_eq!(e.scope, None);
        let e = OAuthError::parse(b"not json\x01\xff");
        assert_eq!(e.status, None);
        assert_eq!(e.json, "not json\u{1}\u{fffd}");
        assert_eq!(
            e.to_string(),
            "the server refused the OAuth token: \"not json\\u{1}\u{fffd}\""
        );
        let e = OAuthError::parse(br#"["status"]"#);
        assert_eq!(e.status, None);
    }

    #[test]
    fn messages() {
        let e = SaslError::WrongCredentials {
            mechanism: Mechanism::XOAuth2,
            expected: CredentialsKind::OAuth2Token,
            actual: CredentialsKind::Password,
        };
        assert_eq!(
            e.to_string(),
            "XOAUTH2 needs an OAuth 2.0 token, not a password"
        );
    }
}
