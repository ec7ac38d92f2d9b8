//! Credential checks beyond comparing a password: SCRAM-SHA-256 keys, derived once per user and
//! kept, and CRAM-MD5 digests. The password itself never leaves the store.

use super::{Account, Store, StoreError};
use imap_core::sasl::{CramMd5Response, CramMd5Server, ScramCredentials};

impl Store {
    /// The user's SCRAM-SHA-256 credentials: derived from the password on first use (a random
    /// 16-byte salt, [`ScramCredentials::DEFAULT_ITERATIONS`]) and kept; `None` for an unknown
    /// user. The PBKDF2 runs without the store locked.
    pub fn scram_credentials(&self, user: &str) -> Option<ScramCredentials> {
        let password = {
            let g = self.lock();
            let u = g.users.get(user)?;
            if let Some(c) = &u.scram {
                return Some(c.clone());
            }
            u.password.clone()
        };
        let iterations = ScramCredentials::DEFAULT_ITERATIONS;
        let credentials =
            ScramCredentials::with_random_salt(&password, iterations).unwrap_or_else(|_| {
                let salt = format!("mock-server:{user}");
                ScramCredentials::new(&password, salt.as_bytes(), iterations)
            });
        let mut g = self.lock();
        let u = g.users.get_mut(user)?;
        // Another session may have derived them meanwhile: keep the first, so the salt a
        // client saw stays valid.
        Some(u.scram.get_or_insert(credentials).clone())
    }

    /// Sets the user's SCRAM-SHA-256 credentials, for a chosen salt and iteration count (the
    /// RFC 7677 example: `ScramCredentials::new("pencil", salt, 4096)`). They should come from
    /// the user's password, or SCRAM and the other mechanisms will disagree.
    ///
    /// # Errors
    /// When the user does not exist.
    pub fn set_scram_credentials(
        &self,
        user: &str,
        credentials: ScramCredentials,
    ) -> Result<(), StoreError> {
        let mut g = self.lock();
        let u = g
            .users
            .get_mut(user)
            .ok_or_else(|| StoreError::NoSuchUser(user.into()))?;
        u.scram = Some(credentials);
        Ok(())
    }

    /// Checks a CRAM-MD5 response to `exchange`'s challenge against the user's password and
    /// returns the user's account.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] for an unknown user or a wrong digest.
    pub fn login_cram_md5(
        &self,
        exchange: &CramMd5Server,
        response: &CramMd5Response,
    ) -> Result<Account, StoreError> {
        let user = response.username();
        let g = self.lock();
        match g.users.get(user) {
            Some(u) if exchange.verify(response, &u.password) => Ok(Account {
                store: self.clone(),
                user: user.into(),
            }),
            _ => Err(StoreError::AuthenticationFailed),
        }
    }
}

impl Store {
    /// Grants `token` as an OAuth 2.0 bearer token of the user, for AUTHENTICATE XOAUTH2 and
    /// OAUTHBEARER (offered by servers built with `MockServer::builder().oauth(true)`). A user
    /// may hold several tokens.
    ///
    /// # Errors
    /// When the user does not exist.
    pub fn add_oauth_token(&self, user: &str, token: &str) -> Result<(), StoreError> {
        let mut g = self.lock();
        let u = g
            .users
            .get_mut(user)
            .ok_or_else(|| StoreError::NoSuchUser(user.into()))?;
        u.oauth_tokens.push(token.to_owned());
        Ok(())
    }

    /// Withdraws `token` from the user, as an authorization server does when it expires: a
    /// login with it is then refused with the JSON error challenge of an invalid token
    /// (`"status":"401"` for XOAUTH2, `"invalid_token"` for OAUTHBEARER). Returns whether the
    /// user held it.
    ///
    /// # Errors
    /// When the user does not exist.
    pub fn expire_oauth_token(&self, user: &str, token: &str) -> Result<bool, StoreError> {
        let mut g = self.lock();
        let u = g
            .users
            .get_mut(user)
            .ok_or_else(|| StoreError::NoSuchUser(user.into()))?;
        let before = u.oauth_tokens.len();
        u.oauth_tokens.retain(|t| t != token);
        Ok(u.oauth_tokens.len() < before)
    }

    /// Checks a bearer token and returns the account it belongs to: the named user's, or with
    /// no user named (OAUTHBEARER without an authzid) the one user holding the token.
    ///
    /// # Errors
    /// [`StoreError::AuthenticationFailed`] for an unknown user or token.
    pub fn login_oauth(&self, user: Option<&str>, token: &str) -> Result<Account, StoreError> {
        let g = self.lock();
        let holds = |tokens: &[String]| tokens.iter().any(|t| t == token);
        let found = match user {
            Some(user) => g
                .users
                .get(user)
                .filter(|u| holds(&u.oauth_tokens))
                .map(|_| user.to_owned()),
            None => g
                .users
                .iter()
                .find(|(_, u)| holds(&u.oauth_tokens))
                .map(|(name, _)| name.clone()),
        };
        found
            .map(|user| Account {
                store: self.clone(),
                user,
            })
            .ok_or(StoreError::AuthenticationFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scram_credentials_are_kept_per_user() {
        let store = Store::new();
        store.add_user("alice", "pw").unwrap();
        let first = store.scram_credentials("alice").unwrap();
        let again = store.scram_credentials("alice").unwrap();
        assert_eq!(first.salt(), again.salt());
        assert_eq!(first.iterations(), ScramCredentials::DEFAULT_ITERATIONS);
        assert!(store.scram_credentials("bob").is_none());
        let pinned = ScramCredentials::new("pw", b"salt", 4096);
        store.set_scram_credentials("alice", pinned).unwrap();
        assert_eq!(store.scram_credentials("alice").unwrap().salt(), b"salt");
        assert_eq!(
            store.set_scram_credentials("bob", ScramCredentials::new("pw", b"s", 1)),
            Err(StoreError::NoSuchUser("bob".into()))
        );
    }

    #[test]
    fn cram_md5_checks_the_password() {
        let store = Store::new();
        store.add_user("tim", "tanstaaftanstaaf").unwrap();
        let exchange =
            CramMd5Server::with_challenge("<1896.697170952@postoffice.reston.mci.net>".into());
        let good = exchange
            .parse_response(b"tim b913a602c7eda7a495b4e6e7334d3890")
            .unwrap();
        assert_eq!(
            store.login_cram_md5(&exchange, &good).unwrap().user(),
            "tim"
        );
        let wrong = exchange
            .parse_response(b"tim b913a602c7eda7a495b4e6e7334d3891")
            .unwrap();
        let unknown = exchange
            .parse_response(b"tom b913a602c7eda7a495b4e6e7334d3890")
            .unwrap();
        for r in [wrong, unknown] {
            assert_eq!(
                store
                    .login_cram_md5(&exchange, &r)
                    .map(|a| a.user().to_owned()),
                Err(StoreError::AuthenticationFailed)
            );
        }
    }
}
