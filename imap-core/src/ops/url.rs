//! IMAP server URLs (RFC 5092): `imap://user;AUTH=XOAUTH2@host:143/INBOX` and `imaps://...`.

use std::fmt;

/// A parsed `imap://` or `imaps://` URL: what a driver needs to connect and log in.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapUrl {
    /// `imaps`: TLS from the first byte (port 993 by default). `imap`: port 143, where drivers
    /// upgrade with STARTTLS unless told otherwise.
    pub implicit_tls: bool,
    /// The host name or address (IPv6 without brackets).
    pub host: String,
    /// The port, or the scheme's default.
    pub port: u16,
    /// The user name, percent-decoded.
    pub user: Option<String>,
    /// The password, percent-decoded (`user:password@`, deprecated by RFC 3986 but common).
    pub password: Option<String>,
    /// The SASL mechanism from `;AUTH=...` (`*` means any).
    pub auth: Option<String>,
    /// The mailbox path, percent-decoded, if any.
    pub mailbox: Option<String>,
}

impl fmt::Debug for ImapUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapUrl")
            .field("implicit_tls", &self.implicit_tls)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("auth", &self.auth)
            .field("mailbox", &self.mailbox)
            .finish()
    }
}

/// Why a URL could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The scheme is not `imap` or `imaps`.
    #[error("the URL scheme must be imap:// or imaps://")]
    Scheme,
    /// No host.
    #[error("the URL has no host")]
    NoHost,
    /// The port is not a number from 1 to 65535.
    #[error("invalid port {0:?}")]
    Port(String),
    /// A `%` escape is invalid or does not decode to UTF-8.
    #[error("invalid percent-encoding")]
    Encoding,
}

impl ImapUrl {
    /// Parses `imap[s]://[user[:password][;AUTH=mech]@]host[:port][/mailbox]`.
    ///
    /// # Errors
    /// A [`UrlError`] saying what is wrong.
    pub fn parse(url: &str) -> Result<ImapUrl, UrlError> {
        let (scheme, rest) = url.split_once("://").ok_or(UrlError::Scheme)?;
        let implicit_tls = if scheme.eq_ignore_ascii_case("imaps") {
            true
        } else if scheme.eq_ignore_ascii_case("imap") {
            false
        } else {
            return Err(UrlError::Scheme);
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (mut user, mut password, mut auth) = (None, None, None);
        if let Some(info) = userinfo {
            let (id, mech) = match info.find(";") {
                Some(i) => {
                    let params = &info[i + 1..];
                    let mech = params
                        .get(..5)
                        .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                        .map(|_| decode(&params[5..]))
                        .transpose()?;
                    (&info[..i], mech)
                }
                None => (info, None),
            };
            auth = mech;
            let (u, p) = match id.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (id, None),
            };
            if !u.is_empty() {
                user = Some(decode(u)?);
            }
            password = p.map(decode).transpose()?;
        }
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or(UrlError::NoHost)?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        let port = match port {
            None | Some("") => {
                if implicit_tls {
                    993
                } else {
                    143
                }
            }
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| UrlError::Port(p.to_owned()))?,
        };
        let path = path.split(['?', ';']).next().unwrap_or("");
        let path = path.trim_start_matches('/');
        let mailbox = if path.is_empty() {
            None
        } else {
            Some(decode(path)?)
        };
        Ok(ImapUrl {
            implicit_tls,
            host: host.to_owned(),
            port,
            user,
            password,
            auth,
            mailbox,
        })
    }
}

impl std::str::FromStr for ImapUrl {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Self, UrlError> {
        ImapUrl::parse(s)
    }
}

fn decode(s: &str) -> Result<String, UrlError> {
    percent_decode(s).ok_or(UrlError::Encoding)
}

/// Decodes `%XX` escapes; `None` when one is invalid or the result is not UTF-8.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_common_forms() {
        let u = ImapUrl::parse("imaps://alice@mail.example.org/").unwrap();
        assert!(u.implicit_tls);
        assert_eq!((u.host.as_str(), u.port), ("mail.example.org", 993));
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.mailbox, None);

        let u = ImapUrl::parse("imap://bob%40x.org;AUTH=XOAUTH2@[::1]:1143/Sent%20Items").unwrap();
        assert!(!u.implicit_tls);
        assert_eq!((u.host.as_str(), u.port), ("::1", 1143));
        assert_eq!(u.user.as_deref(), Some("bob@x.org"));
        assert_eq!(u.auth.as_deref(), Some("XOAUTH2"));
        assert_eq!(u.mailbox.as_deref(), Some("Sent Items"));

        let u = ImapUrl::parse("imap://u:p%21@h").unwrap();
        assert_eq!(u.password.as_deref(), Some("p!"));
        assert!(!format!("{u:?}").contains("p!"));
        assert_eq!(u.port, 143);

        assert_eq!(ImapUrl::parse("http://h"), Err(UrlError::Scheme));
        assert_eq!(ImapUrl::parse("imap://"), Err(UrlError::NoHost));
        assert!(matches!(
            ImapUrl::parse("imap://h:0"),
            Err(UrlError::Port(_))
        ));
    }
}
