//! The ENVELOPE structure ([`Envelope`], [`Address`]) with RFC 5322 groups.

use super::string::Str;

/// A message envelope (`envelope`, RFC 9051 section 7.5.2). `None` stands for `NIL`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Envelope {
    /// `Date:` header, unparsed.
    pub date: Option<Str>,
    /// `Subject:` header.
    pub subject: Option<Str>,
    /// `From:` addresses.
    pub from: Vec<Address>,
    /// `Sender:` addresses.
    pub sender: Vec<Address>,
    /// `Reply-To:` addresses.
    pub reply_to: Vec<Address>,
    /// `To:` addresses.
    pub to: Vec<Address>,
    /// `Cc:` addresses.
    pub cc: Vec<Address>,
    /// `Bcc:` addresses.
    pub bcc: Vec<Address>,
    /// `In-Reply-To:` header.
    pub in_reply_to: Option<Str>,
    /// `Message-ID:` header.
    pub message_id: Option<Str>,
}

/// One `address` of an envelope list. Groups are written as a start marker (host `NIL`, mailbox
/// the group name), the members, and an end marker (mailbox and host `NIL`); see
/// [`group_addresses`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Address {
    /// Display name (`addr-name`).
    pub name: Option<Str>,
    /// Source route (`addr-adl`), obsolete.
    pub adl: Option<Str>,
    /// Local part, or group name on a group start marker (`addr-mailbox`).
    pub mailbox: Option<Str>,
    /// Domain (`addr-host`); `NIL` marks group syntax.
    pub host: Option<Str>,
}

impl Address {
    /// `local@host` when both parts are present.
    pub fn email(&self) -> Option<String> {
        Some(format!(
            "{}@{}",
            self.mailbox.as_ref()?.to_string_lossy(),
            self.host.as_ref()?.to_string_lossy()
        ))
    }
}

/// An address or an RFC 5322 group, as [`group_addresses`] returns them.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum AddressItem {
    /// A single mailbox.
    Single(Address),
    /// A named group and its members.
    Group {
        /// The group's display name.
        name: Option<Str>,
        /// Its members.
        members: Vec<Address>,
    },
}

/// Folds the flat wire list into addresses and groups (RFC 9051 section 7.5.2: a group starts
/// with an address whose host is NIL and mailbox is the group name, and ends with one whose
/// mailbox and host are NIL). An unterminated group ends at the list's end.
pub fn group_addresses(list: &[Address]) -> Vec<AddressItem> {
    let mut out = Vec::new();
    let mut group: Option<(Option<Str>, Vec<Address>)> = None;
    for a in list {
        match (&a.mailbox, &a.host) {
            (Some(name), None) if group.is_none() => group = Some((Some(name.clone()), Vec::new())),
            (None, None) => {
                if let Some((name, members)) = group.take() {
                    out.push(AddressItem::Group { name, members });
                }
            }
            _ => match &mut group {
                Some((_, members)) => members.push(a.clone()),
                None => out.push(AddressItem::Single(a.clone())),
            },
        }
    }
    if let Some((name, members)) = group {
        out.push(AddressItem::Group { name, members });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(m: Option<&str>, h: Option<&str>) -> Address {
        Address {
            mailbox: m.map(Str::from),
            host: h.map(Str::from),
            ..Address::default()
        }
    }

    #[test]
    fn groups_fold() {
        let list = [
            addr(Some("a"), Some("x.org")),
            addr(Some("undisclosed"), None),
            addr(Some("b"), Some("y.org")),
            addr(None, None),
        ];
        let items = group_addresses(&list);
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[1], AddressItem::Group { members, .. } if members.len() == 1));
        assert_eq!(list[0].email().as_deref(), Some("a@x.org"));
    }
}
