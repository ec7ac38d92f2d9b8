//! The server side of CRAM-MD5 (RFC 2195): send a unique challenge in the form of a msg-id,
//! read `username SP hex-digest`, and check the digest, `HMAC-MD5(password, challenge)`, against
//! the user's password (in constant time).
//!
//! The mechanism needs the password in the clear on the server, which is why RFC 2195 is
//! deprecated for new deployments; a test server has the password anyway.

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;

use super::server_error::SaslServerError;

/// One server-side CRAM-MD5 exchange: the challenge, then the check of the response.
#[derive(Debug, Clone)]
pub struct CramMd5Server {
    challenge: String,
}

/// A parsed CRAM-MD5 response: who, and the digest to check. `Debug` does not show the
/// digest.
#[derive(Clone, PartialEq, Eq)]
pub struct CramMd5Response {
    username: String,
    digest: [u8; 16],
}

impl std::fmt::Debug for CramMd5Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CramMd5Response")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl CramMd5Response {
    /// The username the client sent.
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl CramMd5Server {
    /// An exchange with a random challenge `<hex@host>` (16 random bytes; there is no clock
    /// in this crate, so the RFC's timestamp is left out; the challenge is unique all the same).
    ///
    /// # Errors
    /// [`SaslServerError::Random`] when the operating system has no randomness.
    pub fn new(host: &str) -> Result<Self, SaslServerError> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| SaslServerError::Random(e.to_string()))?;
        Ok(CramMd5Server::with_challenge(format!(
            "<{}@{host}>",
            hex(&random)
        )))
    }

    /// An exchange with this challenge, for reproducible tests.
    pub fn with_challenge(challenge: String) -> Self {
        CramMd5Server { challenge }
    }

    /// The challenge to send (before base64).
    pub fn challenge(&self) -> &[u8] {
        self.challenge.as_bytes()
    }

    /// Parses the client's response: a username, one space, 32 lowercase hex digits.
    ///
    /// # Errors
    /// [`SaslServerError::InvalidEncoding`] for any other shape,
    /// [`SaslServerError::InvalidUsernameEncoding`] for a username that is empty or not UTF-8.
    pub fn parse_response(&self, response: &[u8]) -> Result<CramMd5Response, SaslServerError> {
        let malformed = |reason| SaslServerError::InvalidEncoding { reason };
        let space = response
            .iter()
            .rposition(|&b| b == b' ')
            .ok_or(malformed("no space between the username and the digest"))?;
        let (username, digest) = (&response[..space], &response[space + 1..]);
        let username = std::str::from_utf8(username).map_err(|_| {
            SaslServerError::InvalidUsernameEncoding {
                reason: "not UTF-8",
            }
        })?;
        if username.is_empty() {
            return Err(SaslServerError::InvalidUsernameEncoding {
                reason: "the name is empty",
            });
        }
        let digest = unhex(digest).ok_or(malformed("the digest is not 32 lowercase hex digits"))?;
        Ok(CramMd5Response {
            username: username.to_owned(),
            digest,
        })
    }

    /// Whether the response's digest is `HMAC-MD5(password, challenge)`, compared in constant
    /// time.
    pub fn verify(&self, response: &CramMd5Response, password: &str) -> bool {
        let mut mac = Hmac::<Md5>::new_from_slice(password.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(self.challenge.as_bytes());
        mac.verify_slice(&response.digest).is_ok()
    }
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]])
        .map(char::from)
        .collect()
}

/// 32 lowercase hex digits (RFC 2195 §2: "in lowercase") as 16 bytes.
fn unhex(text: &[u8]) -> Option<[u8; 16]> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if text.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *o = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::{Credentials, Mechanism, SaslSession, SaslStep};
    use super::*;

    const CHALLENGE: &str = "<1896.697170952@postoffice.reston.mci.net>";

    /// RFC 2195 §2, the example, from the server's side.
    #[test]
    fn rfc2195_example() {
        let s = CramMd5Server::with_challenge(CHALLENGE.into());
        assert_eq!(s.challenge(), CHALLENGE.as_bytes());
        let r = s
            .parse_response(b"tim b913a602c7eda7a495b4e6e7334d3890")
            .unwrap();
        assert_eq!(r.username(), "tim");
        assert!(s.verify(&r, "tanstaaftanstaaf"));
        assert!(!s.verify(&r, "tanstaaftanstaafx"));
        assert!(!format!("{r:?}").contains("b913"));
    }

    #[test]
    fn our_client_against_a_random_challenge() {
        let s = CramMd5Server::new("mock.example").unwrap();
        let challenge = String::from_utf8(s.challenge().to_vec()).unwrap();
        assert!(challenge.starts_with('<') && challenge.ends_with("@mock.example>"));
        assert_eq!(challenge.len(), "<@mock.example>".len() + 32);
        assert_ne!(
            CramMd5Server::new("h").unwrap().challenge(),
            CramMd5Server::new("h").unwrap().challenge()
        );
        for (password, ok) in [("pencil", true), ("crayon", false)] {
            let creds = Credentials::password("user name", password.to_owned());
            let mut client = SaslSession::new(Mechanism::CramMd5, creds).unwrap();
            let SaslStep::Respond(response) = client.step(s.challenge()).unwrap() else {
                panic!("expected a response")
            };
            // The username may contain spaces: the digest is after the last one.
            let r = s.parse_response(response.expose()).unwrap();
            assert_eq!(r.username(), "user name");
            assert_eq!(s.verify(&r, "pencil"), ok);
        }
    }

    #[test]
    fn malformed_responses() {
        let s = CramMd5Server::with_challenge(CHALLENGE.into());
        let digest_error = SaslServerError::InvalidEncoding {
            reason: "the digest is not 32 lowercase hex digits",
        };
        let cases: &[(&[u8], SaslServerError)] = &[
            (
                b"timb913a602c7eda7a495b4e6e7334d3890",
                SaslServerError::InvalidEncoding {
                    reason: "no space between the username and the digest",
                },
            ),
            (
                b"",
                SaslServerError::InvalidEncoding {
                    reason: "no space between the username and the digest",
                },
            ),
            (
                b"tim B913A602C7EDA7A495B4E6E7334D3890",
                digest_error.clone(),
            ),
            (b"tim b913a602c7eda7a495b4e6e7334d389", digest_error.clone()),
            (
                b"tim b913a602c7eda7a495b4e6e7334d3890 ",
                digest_error.clone(),
            ),
            (b"tim b913a602c7eda7a495b4e6e7334d38zz", digest_error),
            (
                b" b913a602c7eda7a495b4e6e7334d3890",
                SaslServerError::InvalidUsernameEncoding {
                    reason: "the name is empty",
                },
            ),
            (
                b"\xff b913a602c7eda7a495b4e6e7334d3890",
                SaslServerError::InvalidUsernameEncoding {
                    reason: "not UTF-8",
                },
            ),
        ];
        for (response, want) in cases {
            assert_eq!(
                s.parse_response(response).as_ref(),
                Err(want),
                "{}",
                String::from_utf8_lossy(response)
            );
        }
    }

    #[test]
    fn hex_round_trip() {
        let bytes: Vec<u8> = (0u8..16).map(|i| i * 17).collect();
        let text = hex(&bytes);
        assert_eq!(text, "00112233445566778899aabbccddeeff");
        assert_eq!(unhex(text.as_bytes()).unwrap().to_vec(), bytes);
    }
}
