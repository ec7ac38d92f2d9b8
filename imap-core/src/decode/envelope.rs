//! The ENVELOPE decoded: subject and display names through RFC 2047, the date typed.

use super::date::{Normalise, normalise, parse_mail_date};
use super::words::decode_words;
use crate::types::{
    Address, AddressItem, DateTime, Envelope, FetchedEnvelope, Str, group_addresses,
};
use std::fmt;

/// An ENVELOPE as people read it ([`Envelope::decoded`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedEnvelope {
    /// The `Date:` header typed; `None` when absent or unreadable (the raw text is in
    /// [`Envelope::date`]).
    pub date: Option<DateTime>,
    /// The subject, encoded words decoded.
    pub subject: Option<String>,
    /// `From:`.
    pub from: Vec<MailAddress>,
    /// `Sender:`.
    pub sender: Vec<MailAddress>,
    /// `Reply-To:`.
    pub reply_to: Vec<MailAddress>,
    /// `To:`.
    pub to: Vec<MailAddress>,
    /// `Cc:`.
    pub cc: Vec<MailAddress>,
    /// `Bcc:`.
    pub bcc: Vec<MailAddress>,
    /// `In-Reply-To:`.
    pub in_reply_to: Option<String>,
    /// `Message-ID:`.
    pub message_id: Option<String>,
}

/// One mailbox of an address list, decoded. Groups are flattened: each member carries its
/// group's name (an empty group lists nobody).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailAddress {
    /// The display name, encoded words decoded.
    pub name: Option<String>,
    /// `local@host`, when the server gave both.
    pub email: Option<String>,
    /// The name of the RFC 5322 group it was listed in.
    pub group: Option<String>,
}

impl fmt::Display for MailAddress {
    /// `Name <local@host>`, or whichever of the two there is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.email) {
            (Some(n), Some(e)) => write!(f, "{n} <{e}>"),
            (Some(n), None) => f.write_str(n),
            (None, Some(e)) => f.write_str(e),
            (None, None) => Ok(()),
        }
    }
}

fn text(s: &Option<Str>) -> Option<String> {
    s.as_ref().map(|s| decode_words(s.as_bytes()))
}

fn mail_address(a: &Address, group: Option<String>) -> MailAddress {
    MailAddress {
        name: a.display_name(),
        email: a.email(),
        group,
    }
}

fn addresses(list: &[Address]) -> Vec<MailAddress> {
    let mut out = Vec::with_capacity(list.len());
    for item in group_addresses(list) {
        match item {
            AddressItem::Single(a) => out.push(mail_address(&a, None)),
            AddressItem::Group { name, members } => {
                let group = text(&name);
                out.extend(members.iter().map(|a| mail_address(a, group.clone())));
            }
        }
    }
    out
}

impl Address {
    /// The display name, RFC 2047 words decoded (the raw bytes are in [`Address::name`]).
    pub fn display_name(&self) -> Option<String> {
        text(&self.name)
    }
}

impl Envelope {
    /// Everything decoded: subject and display names through RFC 2047 in their charsets, the
    /// date typed, groups flattened.
    pub fn decoded(&self) -> DecodedEnvelope {
        DecodedEnvelope {
            date: self.parsed_date(),
            subject: self.decoded_subject(),
            from: addresses(&self.from),
            sender: addresses(&self.sender),
            reply_to: addresses(&self.reply_to),
            to: addresses(&self.to),
            cc: addresses(&self.cc),
            bcc: addresses(&self.bcc),
            in_reply_to: text(&self.in_reply_to),
            message_id: text(&self.message_id),
        }
    }

    /// The subject, RFC 2047 words decoded.
    pub fn decoded_subject(&self) -> Option<String> {
        text(&self.subject)
    }

    /// The `Date:` header typed ([`parse_mail_date`]); `None` when absent or unreadable.
    pub fn parsed_date(&self) -> Option<DateTime> {
        parse_mail_date(&self.date.as_ref()?.to_string_lossy())
    }

    /// [`Envelope::parsed_date`] normalised to UTC or local time.
    pub fn date_in(&self, zone: Normalise) -> Option<DateTime> {
        self.parsed_date().map(|d| normalise(&d, zone))
    }
}

impl FetchedEnvelope {
    /// Everything decoded, as [`Envelope::decoded`] decodes it.
    pub fn decoded(&self) -> DecodedEnvelope {
        self.to_envelope().decoded()
    }

    /// The subject, RFC 2047 words decoded (read from the one field).
    pub fn decoded_subject(&self) -> Option<String> {
        text(&self.subject())
    }

    /// The `Date:` header typed ([`parse_mail_date`]); `None` when absent or unreadable.
    pub fn parsed_date(&self) -> Option<DateTime> {
        parse_mail_date(&self.date()?.to_string_lossy())
    }

    /// [`FetchedEnvelope::parsed_date`] normalised to UTC or local time.
    pub fn date_in(&self, zone: Normalise) -> Option<DateTime> {
        self.parsed_date().map(|d| normalise(&d, zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(name: Option<&str>, mailbox: Option<&str>, host: Option<&str>) -> Address {
        Address {
            name: name.map(Str::from),
            adl: None,
            mailbox: mailbox.map(Str::from),
            host: host.map(Str::from),
        }
    }

    /// An envelope as Dovecot returns it for a German newsletter reply.
    fn german() -> Envelope {
        Envelope {
            date: Some("Mon, 7 Dec 2026 01:02:03 +0100 (CET)".into()),
            subject: Some("Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=".into()),
            from: vec![addr(
                Some("=?ISO-8859-1?Q?J=F6rg_M=FCller?="),
                Some("joerg"),
                Some("example.de"),
            )],
            to: vec![
                addr(None, Some("team"), None),
                addr(
                    Some("=?utf-8?b?5bGx55Sw?="),
                    Some("yamada"),
                    Some("example.jp"),
                ),
                addr(Some("Plain Name"), Some("plain"), Some("example.org")),
                addr(None, None, None),
            ],
            message_id: Some("<a1@example.de>".into()),
            ..Envelope::default()
        }
    }

    #[test]
    fn decoded_envelope() {
        insta::assert_debug_snapshot!(german().decoded());
    }

    #[test]
    fn decoded_envelope_of_broken_and_cjk_mail() {
        let e = Envelope {
            date: Some("Wed, 2 Oct 02 08:00 EST".into()),
            subject: Some("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?= =?UTF-8?Q?broken".into()),
            from: vec![addr(
                Some("=?GB2312?B?xOO6ww==?="),
                Some("li"),
                Some("example.cn"),
            )],
            sender: vec![addr(
                Some("=?koi8-r?q?=F0=D2=C9=D7=C5=D4?="),
                Some("ivan"),
                Some("example.ru"),
            )],
            ..Envelope::default()
        };
        insta::assert_debug_snapshot!(e.decoded());
    }

    #[test]
    fn addresses_print_as_people_write_them() {
        let d = german().decoded();
        let shown: Vec<String> = d.from.iter().chain(&d.to).map(|a| a.to_string()).collect();
        assert_eq!(
            shown,
            [
                "Jörg Müller <joerg@example.de>",
                "山田 <yamada@example.jp>",
                "Plain Name <plain@example.org>"
            ]
        );
        let utc = german().date_in(Normalise::Utc).unwrap();
        assert_eq!(utc.to_string(), "07-Dec-2026 00:02:03 +0000");
    }
}
