//! IMAPClient's OAuth 2.0 refresh: with `oauth2 = true`, `oauth2_client_id`,
//! `oauth2_client_secret` and `oauth2_refresh_token` in the INI file, the access token is had
//! from the provider's token endpoint (RFC 6749 section 6): a form-encoded POST of
//! `client_id`, `client_secret`, `refresh_token` and `grant_type=refresh_token`, whose JSON
//! answer holds `access_token`. The endpoint is the INI file's `oauth2_url` (ours; also
//! `IMAP_OAUTH2_URL`) or, as IMAPClient knows them, Google's and Yahoo's by the IMAP host.
//!
//! [`RefreshToken`] is an [`imap_core::sasl::TokenProvider`]: asked at login and again when
//! the server says the token expired, it makes one request each time.

use imap_core::sasl::{TokenError, TokenProvider};
use imap_core::secret::Secret;
use std::io::Read;
use std::time::Duration;

/// The token endpoints IMAPClient knows, by IMAP host.
const KNOWN_ENDPOINTS: &[(&str, &str)] = &[
    (
        "imap.gmail.com",
        "https://accounts.google.com/o/oauth2/token",
    ),
    (
        "imap.mail.yahoo.com",
        "https://api.login.yahoo.com/oauth2/get_token",
    ),
];

/// The most of a token endpoint's answer that is read: an answer is a few hundred bytes.
const MAX_ANSWER: u64 = 64 * 1024;

/// The token endpoint IMAPClient uses for `host`, if it knows one.
pub fn known_endpoint(host: &str) -> Option<&'static str> {
    KNOWN_ENDPOINTS
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host))
        .map(|(_, url)| *url)
}

/// Exchanges a refresh token for an access token at an OAuth 2.0 token endpoint.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    url: String,
    client_id: String,
    client_secret: String,
    refresh_token: Secret<String>,
    timeout: Duration,
}

impl RefreshToken {
    /// A refresher asking `url` (the token endpoint), each request bounded by `timeout`.
    pub fn new(
        url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        refresh_token: impl Into<String>,
        timeout: Duration,
    ) -> RefreshToken {
        RefreshToken {
            url: url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: Secret::new(refresh_token.into()),
            timeout,
        }
    }

    /// One request to the token endpoint: the access token it gives.
    ///
    /// # Errors
    /// The request failed, the endpoint refused (its `error` and `error_description`), or
    /// the answer holds no `access_token`.
    pub fn refresh(&self) -> Result<Secret<String>, TokenError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let failed = |e: &dyn std::fmt::Display| {
            TokenError::new(format!("the token endpoint {} failed: {e}", self.url))
        };
        let mut answer = agent
            .post(&self.url)
            .send_form([
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.as_str()),
                ("refresh_token", self.refresh_token.expose().as_str()),
                ("grant_type", "refresh_token"),
            ])
            .map_err(|e| failed(&e))?;
        let status = answer.status();
        let mut body = Vec::new();
        answer
            .body_mut()
            .as_reader()
            .take(MAX_ANSWER)
            .read_to_end(&mut body)
            .map_err(|e| failed(&e))?;
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(|v| v.as_str())
        };
        if !status.is_success() {
            let reason = match (field("error"), field("error_description")) {
                (Some(e), Some(d)) => format!("{e} ({d})"),
                (Some(e), None) => e.to_owned(),
                _ => "no OAuth 2.0 error in the answer".to_owned(),
            };
            return Err(TokenError::new(format!(
                "the token endpoint {} refused the refresh token: HTTP {}, {reason}",
                self.url,
                status.as_u16()
            )));
        }
        match field("access_token") {
            Some(token) if !token.is_empty() => Ok(Secret::new(token.to_owned())),
            _ => Err(TokenError::new(format!(
                "the token endpoint {} answered without an access_token",
                self.url
            ))),
        }
    }
}

impl TokenProvider for RefreshToken {
    fn token(&mut self, _user: &str, _expired: bool) -> Result<Secret<String>, TokenError> {
        // No cache: a connection asks once at login and once more only if the server said
        // the token expired, and each time a fresh token is what is wanted.
        self.refresh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_endpoints_are_imapclients() {
        assert_eq!(
            known_endpoint("IMAP.gmail.com"),
            Some("https://accounts.google.com/o/oauth2/token")
        );
        assert_eq!(
            known_endpoint("imap.mail.yahoo.com"),
            Some("https://api.login.yahoo.com/oauth2/get_token")
        );
        assert_eq!(known_endpoint("imap.example.org"), None);
    }
}
