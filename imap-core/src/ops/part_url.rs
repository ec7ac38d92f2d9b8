//! IMAP URLs naming a message or a part of one on the current server (RFC 5092
//! `imessagepart`, as an absolute path): `/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME`.
//! CATENATE (RFC 4469) takes them in `URL` parts; [`PartUrl`] builds and reads them.

use crate::encode::encode_section_spec;
use crate::parse::parse_section_spec;
use crate::types::{Section, Uid};
use std::fmt;
use std::num::NonZeroU32;

/// A message or message part in one of the user's mailboxes (RFC 5092 section 6, relative to
/// the server: no scheme, no server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartUrl {
    /// The mailbox name (UTF-8; percent-encoded in the URL).
    pub mailbox: String,
    /// `;UIDVALIDITY=`: when given, the URL names nothing once the mailbox's UIDVALIDITY
    /// differs.
    pub uid_validity: Option<NonZeroU32>,
    /// `;UID=`.
    pub uid: Uid,
    /// `;SECTION=`: a part of the message, as `BODY[section]` names it; `None` is the whole
    /// message.
    pub section: Option<Section>,
    /// `;PARTIAL=offset[.length]`: the bytes from `offset`, at most `length`.
    pub partial: Option<(u32, Option<NonZeroU32>)>,
}

/// Why a string is not a message-part URL this crate reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartUrlError {
    /// Not an absolute path (`/mailbox...`): a scheme and server (`imap://...`), or a path
    /// relative to a selected mailbox.
    #[error("only URLs of the form /mailbox;UIDVALIDITY=n/;UID=n are supported")]
    NotAbsolutePath,
    /// A `%` escape is invalid or does not decode to UTF-8.
    #[error("invalid percent-encoding")]
    Encoding,
    /// A parameter is missing, repeated, out of order, unknown (`;URLAUTH=` among them) or has
    /// an invalid value.
    #[error("invalid URL parameter {0:?}")]
    Parameter(String),
    /// No `;UID=`: the URL names a mailbox or a search, not a message.
    #[error("the URL names no message (no ;UID=)")]
    NoUid,
}

impl PartUrl {
    /// The whole message `uid` of `mailbox`, checked against `uid_validity`.
    pub fn new(mailbox: impl Into<String>, uid_validity: NonZeroU32, uid: Uid) -> Self {
        PartUrl {
            mailbox: mailbox.into(),
            uid_validity: Some(uid_validity),
            uid,
            section: None,
            partial: None,
        }
    }

    /// The same message, `section` of it.
    pub fn section(mut self, section: Section) -> Self {
        self.section = Some(section);
        self
    }

    // imessagepart = imailbox-ref iuid [isection] [ipartial] ; imailbox-ref = enc-mailbox
    //   [uidvalidity] ; uidvalidity = ";UIDVALIDITY=" nz-number ; iuid = "/" ";UID=" nz-number
    // isection = "/" ";SECTION=" enc-section ; ipartial = "/" ";PARTIAL=" partial-range
    // partial-range = number ["." nz-number] ; iabsolute-path = "/" [icommand]
    // (RFC 5092 section 11; parameter names are not case-sensitive)
    /// Reads `/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]`.
    ///
    /// # Errors
    /// A [`PartUrlError`] saying what is wrong.
    pub fn parse(url: &str) -> Result<PartUrl, PartUrlError> {
        let path = url
            .strip_prefix('/')
            .filter(|p| !p.starts_with('/'))
            .ok_or(PartUrlError::NotAbsolutePath)?;
        let (mailbox, params) = path.split_once(';').ok_or(PartUrlError::NoUid)?;
        let mut url = PartUrl {
            mailbox: String::new(),
            uid_validity: None,
            uid: Uid::MIN,
            section: None,
            partial: None,
        };
        // `mailbox;UIDVALIDITY=n/;UID=n` or `mailbox/;UID=n`.
        let (mailbox, mut next_slash) = match mailbox.strip_suffix('/') {
            Some(m) => (m, true),
            None => (mailbox, false),
        };
        if mailbox.is_empty() {
            return Err(PartUrlError::NotAbsolutePath);
        }
        url.mailbox = decode(mailbox)?;
        let mut seen_uid = false;
        let mut stage = 0;
        for param in params.split(';') {
            let (param, slash_after) = match param.strip_suffix('/') {
                Some(p) => (p, true),
                None => (param, false),
            };
            let bad = || PartUrlError::Parameter(param.to_owned());
            let (name, value) = param.split_once('=').ok_or_else(bad)?;
            let name = name.to_ascii_uppercase();
            // Each parameter once, in grammar order; all but UIDVALIDITY after a `/`.
            let (rank, needs_slash) = match name.as_str() {
                "UIDVALIDITY" => (1, false),
                "UID" => (2, true),
                "SECTION" => (3, true),
                "PARTIAL" => (4, true),
                _ => return Err(bad()),
            };
            if rank <= stage || needs_slash != next_slash {
                return Err(bad());
            }
            stage = rank;
            match rank {
                1 => url.uid_validity = Some(value.parse().map_err(|_| bad())?),
                2 => {
                    url.uid = value.parse::<NonZeroU32>().map_err(|_| bad())?.into();
                    seen_uid = true;
                }
                3 => {
                    let spec = decode(value)?;
                    url.section = Some(parse_section_spec(spec.as_bytes()).map_err(|_| bad())?);
                }
                _ => {
                    let (offset, len) = match value.split_once('.') {
                        Some((o, l)) => (o, Some(l.parse().map_err(|_| bad())?)),
                        None => (value, None),
                    };
                    url.partial = Some((offset.parse().map_err(|_| bad())?, len));
                }
            }
            next_slash = slash_after;
        }
        if !seen_uid {
            return Err(PartUrlError::NoUid);
        }
        if next_slash {
            return Err(PartUrlError::Parameter("/".into()));
        }
        Ok(url)
    }
}

impl fmt::Display for PartUrl {
    /// The URL, with the mailbox and section percent-encoded (RFC 5092 `bchar`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", encode(self.mailbox.as_bytes()))?;
        if let Some(v) = self.uid_validity {
            write!(f, ";UIDVALIDITY={v}")?;
        }
        write!(f, "/;UID={}", self.uid)?;
        if let Some(s) = &self.section {
            write!(f, "/;SECTION={}", encode(&encode_section_spec(s)))?;
        }
        match self.partial {
            Some((o, Some(l))) => write!(f, "/;PARTIAL={o}.{l}"),
            Some((o, None)) => write!(f, "/;PARTIAL={o}"),
            None => Ok(()),
        }
    }
}

/// Percent-encodes everything but RFC 5092's `bchar` (unreserved, `sub-delims-sh`, `&`, `=`,
/// `:`, `@`, `/`).
fn encode(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for &c in b {
        if c.is_ascii_alphanumeric() || b"-._~!$'()*+,&=:@/".contains(&c) {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Result<String, PartUrlError> {
    super::url::percent_decode(s).ok_or(PartUrlError::Encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SectionText;

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    #[test]
    fn reads_the_rfc_4469_examples() {
        let u = PartUrl::parse("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME").unwrap();
        assert_eq!(u.mailbox, "Drafts");
        assert_eq!(u.uid_validity, NonZeroU32::new(385759045));
        assert_eq!(u.uid, uid(20));
        assert_eq!(
            u.section,
            Some(Section {
                part: vec![1],
                text: Some(SectionText::Mime)
            })
        );
        let u = PartUrl::parse("/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9").unwrap();
        assert_eq!(u.section.map(|s| s.part), Some(vec![1, 5, 9]));
        let u = PartUrl::parse("/Drafts;UIDVALIDITY=385759045/;UID=30").unwrap();
        assert_eq!((u.uid, u.section, u.partial), (uid(30), None, None));
        let u = PartUrl::parse("/a%20b/c/;UID=7/;PARTIAL=10.5").unwrap();
        assert_eq!((u.mailbox.as_str(), u.uid_validity), ("a b/c", None));
        assert_eq!(u.partial, Some((10, NonZeroU32::new(5))));
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        use PartUrlError as E;
        let cases = [
            ("imap://h/INBOX/;UID=1", E::NotAbsolutePath),
            (";UID=1", E::NotAbsolutePath),
            ("//h/INBOX/;UID=1", E::NotAbsolutePath),
            ("/INBOX", E::NoUid),
            ("/INBOX;UIDVALIDITY=3", E::NoUid),
            ("/INBOX;UID=1", E::Parameter("UID=1".into())),
            ("/INBOX/;UID=0", E::Parameter("UID=0".into())),
            ("/INBOX/;UID=1/;UID=2", E::Parameter("UID=2".into())),
            (
                "/INBOX/;UID=1/;SECTION=NOPE",
                E::Parameter("SECTION=NOPE".into()),
            ),
            (
                "/INBOX/;UID=1/;URLAUTH=anonymous",
                E::Parameter("URLAUTH=anonymous".into()),
            ),
            ("/INBOX/;UID=1/", E::Parameter("/".into())),
            ("/IN%ZZ/;UID=1", E::Encoding),
        ];
        for (url, e) in cases {
            assert_eq!(PartUrl::parse(url), Err(e), "{url}");
        }
    }

    #[test]
    fn writes_what_it_reads() {
        let section = Section {
            part: vec![2],
            text: Some(SectionText::HeaderFields(vec!["To".into(), "X Y".into()])),
        };
        let u =
            PartUrl::new("Sent Items/2024", NonZeroU32::new(9).unwrap(), uid(4)).section(section);
        let text = u.to_string();
        assert_eq!(
            text,
            "/Sent%20Items/2024;UIDVALIDITY=9/;UID=4/;SECTION=2.HEADER.FIELDS%20(To%20%22X%20Y%22)"
        );
        assert_eq!(PartUrl::parse(&text), Ok(u));
        let whole = PartUrl {
            partial: Some((0, None)),
            ..PartUrl::new("INBOX", NonZeroU32::MIN, uid(1))
        };
        assert_eq!(whole.to_string(), "/INBOX;UIDVALIDITY=1/;UID=1/;PARTIAL=0");
        assert_eq!(PartUrl::parse(&whole.to_string()), Ok(whole));
    }
}
