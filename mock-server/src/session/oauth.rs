//! The client messages of AUTHENTICATE XOAUTH2 (Google's format) and OAUTHBEARER (RFC 7628),
//! and the JSON error challenges a server sends for a refused token.

/// Who a bearer-token message claims to be, and its token.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BearerLogin {
    /// The user; OAUTHBEARER may leave it out (the token alone names the user).
    pub user: Option<String>,
    /// The access token.
    pub token: String,
}

/// The XOAUTH2 error challenge (what Gmail sends, base64-encoded by the caller).
pub(crate) const XOAUTH2_ERROR: &str =
    r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;

/// The OAUTHBEARER error challenge (RFC 7628 section 3.2.2).
pub(crate) const OAUTHBEARER_ERROR: &str = r#"{"status":"invalid_token","scope":"mail"}"#;

/// The `auth=Bearer <token>` value of a key-value list.
fn bearer(value: &str) -> Result<String, &'static str> {
    let (scheme, token) = value
        .split_once(' ')
        .ok_or("auth is not `Bearer <token>`")?;
    if !scheme.eq_ignore_ascii_case("Bearer") || token.is_empty() {
        return Err("auth is not `Bearer <token>`");
    }
    Ok(token.to_owned())
}

/// `kvpair *(kvsep kvpair) kvsep kvsep`-shaped tails: the pairs between 0x01 separators, the
/// message ending in two of them.
fn pairs(s: &str) -> Result<Vec<(&str, &str)>, &'static str> {
    let body = s
        .strip_suffix("\x01\x01")
        .ok_or("the message does not end with two 0x01")?;
    body.split('\x01')
        .map(|kv| kv.split_once('=').ok_or("a key-value pair without `=`"))
        .collect()
}

/// XOAUTH2: `"user=" user 0x01 "auth=Bearer " token 0x01 0x01`.
pub(crate) fn parse_xoauth2(data: &[u8]) -> Result<BearerLogin, &'static str> {
    let s = std::str::from_utf8(data).map_err(|_| "not UTF-8")?;
    let (mut user, mut token) = (None, None);
    for (k, v) in pairs(s)? {
        match k {
            "user" => user = Some(v.to_owned()),
            "auth" => token = Some(bearer(v)?),
            _ => {}
        }
    }
    match (user, token) {
        (Some(u), Some(t)) if !u.is_empty() => Ok(BearerLogin {
            user: Some(u),
            token: t,
        }),
        (None, _) | (Some(_), Some(_)) => Err("no user"),
        (Some(_), None) => Err("no auth"),
    }
}

/// RFC 7628 section 3.1: `gs2-header kvsep *kvpair kvsep` where
/// `gs2-header = gs2-cbind-flag "," [gs2-authzid] ","`; channel binding is not supported, so
/// the flag must be `n` or `y`.
pub(crate) fn parse_oauthbearer(data: &[u8]) -> Result<BearerLogin, &'static str> {
    let s = std::str::from_utf8(data).map_err(|_| "not UTF-8")?;
    let (header, rest) = s.split_once('\x01').ok_or("no 0x01 after the GS2 header")?;
    let mut fields = header.splitn(3, ',');
    match fields.next() {
        Some("n" | "y") => {}
        Some(f) if f.starts_with("p=") => return Err("channel binding is not supported"),
        _ => return Err("invalid channel binding flag"),
    }
    let authzid = fields.next().ok_or("no authzid field")?;
    if fields.next() != Some("") {
        return Err("the GS2 header does not end with `,`");
    }
    let user = match authzid {
        "" => None,
        a => Some(saslname(a.strip_prefix("a=").ok_or("invalid authzid")?)?),
    };
    let mut token = None;
    for (k, v) in pairs(rest)? {
        if k == "auth" {
            token = Some(bearer(v)?);
        }
    }
    Ok(BearerLogin {
        user,
        token: token.ok_or("no auth")?,
    })
}

/// RFC 5801 `saslname`: `,` and `=` written `=2C` and `=3D`.
fn saslname(s: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("=2C") {
            out.push(',');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("=3D") {
            out.push('=');
            rest = r;
        } else {
            return Err("invalid authzid encoding");
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(user: Option<&str>, token: &str) -> BearerLogin {
        BearerLogin {
            user: user.map(str::to_owned),
            token: token.to_owned(),
        }
    }

    #[test]
    fn xoauth2_messages() {
        assert_eq!(
            parse_xoauth2(b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"),
            Ok(login(Some("someuser@example.com"), "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"))
        );
        assert_eq!(
            parse_xoauth2(b"user=a\x01auth=Bearer t\x01"),
            Err("the message does not end with two 0x01")
        );
        assert_eq!(
            parse_xoauth2(b"user=a\x01auth=Basic t\x01\x01"),
            Err("auth is not `Bearer <token>`")
        );
        assert_eq!(parse_xoauth2(b"auth=Bearer t\x01\x01"), Err("no user"));
        assert_eq!(parse_xoauth2(b"user=a\x01\x01"), Err("no auth"));
    }

    #[test]
    fn oauthbearer_messages() {
        // RFC 7628 section 4.1.
        assert_eq!(
            parse_oauthbearer(b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"),
            Ok(login(Some("user@example.com"), "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="))
        );
        assert_eq!(
            parse_oauthbearer(b"n,,\x01auth=Bearer tok\x01\x01"),
            Ok(login(None, "tok"))
        );
        assert_eq!(
            parse_oauthbearer(b"y,a=a=2Cb=3Dc,\x01auth=Bearer t\x01\x01"),
            Ok(login(Some("a,b=c"), "t"))
        );
        assert_eq!(
            parse_oauthbearer(b"p=tls-unique,,\x01auth=Bearer t\x01\x01"),
            Err("channel binding is not supported")
        );
        assert_eq!(
            parse_oauthbearer(b"n,a=x=41,\x01auth=Bearer t\x01\x01"),
            Err("invalid authzid encoding")
        );
        assert_eq!(parse_oauthbearer(b"n,,\x01host=h\x01\x01"), Err("no auth"));
        assert_eq!(
            parse_oauthbearer(b"n,,auth=Bearer t"),
            Err("no 0x01 after the GS2 header")
        );
    }
}
