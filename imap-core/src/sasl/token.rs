//! OAuth 2.0 access tokens asked for when they are needed ([`TokenProvider`], shared as a
//! [`TokenSource`]): at login, and again when the server refuses the token as expired.

use crate::secret::Secret;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Where XOAUTH2 and OAUTHBEARER logins get their access token: asked at login with
/// `expired == false`, and once more with `expired == true` when the server refused the token
/// as invalid or expired ([`super::OAuthError::is_invalid_token`]), so that a provider holding
/// a cached token refreshes it then.
///
/// The call is synchronous, as the rest of the core is sans-IO: the operation asks for the
/// token in the middle of its step and needs the answer at once. A blocking program refreshes
/// inside the call (an HTTP request to the token endpoint); an asynchronous one keeps a fresh
/// token at hand (refreshed by a task of its own before it expires) and hands it over, or
/// fails with a [`TokenError`] when it has none.
///
/// Closures `FnMut(&str, bool) -> Result<Secret<String>, TokenError>` are providers
/// ([`TokenSource::from_fn`]):
///
/// ```
/// use imap_core::sasl::TokenSource;
/// use imap_core::secret::Secret;
///
/// let mut cached = Some("ya29.cached".to_owned());
/// let tokens = TokenSource::from_fn(move |_user, expired| {
///     if expired {
///         cached = None;
///     }
///     match &cached {
///         Some(t) => Ok(Secret::new(t.clone())),
///         None => Ok(Secret::new("ya29.refreshed".to_owned())),
///     }
/// });
/// assert_eq!(tokens.token("ann", false).unwrap().expose(), "ya29.cached");
/// assert_eq!(tokens.token("ann", true).unwrap().expose(), "ya29.refreshed");
/// ```
pub trait TokenProvider: Send {
    /// The access token for `user`; `expired` when the server refused the last one as invalid
    /// or expired.
    ///
    /// # Errors
    /// When no token can be had (the refresh failed, the grant was revoked): the login fails
    /// with [`crate::ops::OpError::Token`] and nothing more is sent.
    fn token(&mut self, user: &str, expired: bool) -> Result<Secret<String>, TokenError>;
}

impl<F> TokenProvider for F
where
    F: FnMut(&str, bool) -> Result<Secret<String>, TokenError> + Send,
{
    fn token(&mut self, user: &str, expired: bool) -> Result<Secret<String>, TokenError> {
        self(user, expired)
    }
}

/// Why a [`TokenProvider`] has no token: its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no OAuth 2.0 token: {message}")]
pub struct TokenError {
    message: String,
}

impl TokenError {
    /// The error, described by `reason` (a message, or an error of the token request).
    pub fn new(reason: impl fmt::Display) -> TokenError {
        TokenError {
            message: reason.to_string(),
        }
    }

    /// The provider's description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A [`TokenProvider`] shared by every login that uses it (each connection of a pool, every
/// reconnection of a session): cloning shares the provider, which is asked under a lock, one
/// login at a time.
#[derive(Clone)]
pub struct TokenSource(Arc<Mutex<dyn TokenProvider>>);

impl TokenSource {
    /// Shares `provider`.
    pub fn new(provider: impl TokenProvider + 'static) -> TokenSource {
        TokenSource(Arc::new(Mutex::new(provider)))
    }

    /// Shares a closure as the provider: `f(user, expired)`.
    pub fn from_fn(
        f: impl FnMut(&str, bool) -> Result<Secret<String>, TokenError> + Send + 'static,
    ) -> TokenSource {
        TokenSource::new(f)
    }

    /// Asks the provider for the token of `user` ([`TokenProvider::token`]). A provider that
    /// panicked in an earlier call is asked all the same.
    ///
    /// # Errors
    /// The provider's [`TokenError`].
    pub fn token(&self, user: &str, expired: bool) -> Result<Secret<String>, TokenError> {
        let mut provider = self.0.lock().unwrap_or_else(|e| e.into_inner());
        provider.token(user, expired)
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSource(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(u32);

    impl TokenProvider for Counting {
        fn token(&mut self, user: &str, expired: bool) -> Result<Secret<String>, TokenError> {
            if user.is_empty() {
                return Err(TokenError::new("no user"));
            }
            self.0 += u32::from(expired);
            Ok(Secret::new(format!("{user}-{}", self.0)))
        }
    }

    #[test]
    fn clones_share_the_provider_and_debug_shows_no_token() {
        let a = TokenSource::new(Counting(0));
        let b = a.clone();
        assert_eq!(a.token("ann", false).unwrap().expose(), "ann-0");
        assert_eq!(b.token("ann", true).unwrap().expose(), "ann-1");
        assert_eq!(a.token("ann", false).unwrap().expose(), "ann-1");
        assert_eq!(format!("{a:?}"), "TokenSource(..)");
        let e = a.token("", false).unwrap_err();
        assert_eq!(e.to_string(), "no OAuth 2.0 token: no user");
        assert_eq!(e.message(), "no user");
    }
}
