//! Mailbox-level data: LIST/LSUB/XLIST entries, STATUS, NAMESPACE, ID parameters and METADATA
//! entry values.

use super::writer::Writer;
use crate::types::{ListEntry, Mailbox, Namespace, Namespaces, StatusItem, StatusValue, Str};

/// `LIST (attrs) delim mailbox [(extended)]` (also LSUB and XLIST).
pub(super) fn list_entry(w: &mut Writer<'_>, keyword: &[u8], e: &ListEntry) {
    w.put(keyword);
    w.sp();
    w.paren_list(&e.attributes, |w, a| w.mailbox_attr(a));
    w.sp();
    w.delimiter(e.delimiter);
    w.sp();
    w.mailbox(&e.mailbox);
    if !e.extended.is_empty() {
        w.sp();
        w.paren_list(&e.extended, |w, (tag, value)| {
            w.astring(tag);
            w.sp();
            w.raw_with_literals(value.bytes());
        });
    }
}

/// A STATUS item name.
pub(super) fn status_item(w: &mut Writer<'_>, i: &StatusItem) {
    match i {
        StatusItem::Other(a) => w.atom(a),
        known => w.put(known.name().as_bytes()),
    }
}

/// `STATUS mailbox (item value ...)`.
pub(super) fn status(w: &mut Writer<'_>, mailbox: &Mailbox, items: &[(StatusItem, StatusValue)]) {
    w.put(b"STATUS ");
    w.mailbox(mailbox);
    w.sp();
    w.paren_list(items, |w, (item, value)| {
        status_item(w, item);
        w.sp();
        match value {
            StatusValue::Number(n) => w.num(*n),
            StatusValue::MailboxId(id) => {
                w.byte(b'(');
                w.atom_or_string(id);
                w.byte(b')');
            }
            StatusValue::Nil => w.nil(),
            StatusValue::Raw(raw) => w.raw_with_literals(raw.bytes()),
        }
    });
}

/// `NAMESPACE personal other shared`.
pub(super) fn namespace(w: &mut Writer<'_>, ns: &Namespaces) {
    w.put(b"NAMESPACE ");
    namespace_list(w, &ns.personal);
    w.sp();
    namespace_list(w, &ns.other_users);
    w.sp();
    namespace_list(w, &ns.shared);
}

/// `NIL` or `((prefix delim ext...)...)`.
fn namespace_list(w: &mut Writer<'_>, list: &[Namespace]) {
    if list.is_empty() {
        w.nil();
        return;
    }
    w.byte(b'(');
    for n in list {
        w.byte(b'(');
        w.string(&n.prefix);
        w.sp();
        w.delimiter(n.delimiter);
        for (name, values) in &n.extensions {
            w.sp();
            w.string(name);
            w.sp();
            w.paren_list(values, |w, v| w.string(v));
        }
        w.byte(b')');
    }
    w.byte(b')');
}

/// ID parameters: `NIL` or `("key" "value" "key" NIL ...)` (RFC 2971).
pub(super) fn id_params(w: &mut Writer<'_>, params: Option<&[(Str, Option<Str>)]>) {
    match params {
        None => w.nil(),
        Some(params) => w.paren_list(params, |w, (k, v)| {
            w.string(k);
            w.sp();
            w.nstring(v.as_ref());
        }),
    }
}

/// METADATA `entry-values`: `(entry value entry value ...)`, values `nstring / literal8`.
pub(super) fn entry_values(w: &mut Writer<'_>, entries: &[(Str, Option<Str>)]) {
    w.paren_list(entries, |w, (entry, value)| {
        w.astring(entry);
        w.sp();
        w.nstring8(value.as_ref());
    });
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::data;
    use crate::types::*;

    fn entry(attrs: Vec<MailboxAttr>, delim: Option<u8>, name: &str) -> ListEntry {
        ListEntry {
            attributes: attrs,
            delimiter: delim,
            mailbox: Mailbox::new(name),
            extended: vec![],
        }
    }

    #[test]
    fn list_lsub_xlist() {
        assert_eq!(
            data(Data::List(entry(vec![], Some(b'/'), "INBOX"))),
            "* LIST () \"/\" INBOX\r\n"
        );
        assert_eq!(
            data(Data::List(entry(
                vec![MailboxAttr::NoSelect],
                Some(b'/'),
                "~/Mail/foo"
            ))),
            "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"
        );
        assert_eq!(
            data(Data::List(entry(vec![MailboxAttr::NoSelect], None, ""))),
            "* LIST (\\Noselect) NIL \"\"\r\n"
        );
        assert_eq!(
            data(Data::Lsub(entry(
                vec![MailboxAttr::HasNoChildren, MailboxAttr::Sent],
                Some(b'.'),
                "Sent Items"
            ))),
            "* LSUB (\\HasNoChildren \\Sent) \".\" \"Sent Items\"\r\n"
        );
        assert_eq!(
            data(Data::XList(entry(
                vec![MailboxAttr::Other(Atom::from_static("Inbox"))],
                Some(b'/'),
                "Inbox"
            ))),
            "* XLIST (\\Inbox) \"/\" INBOX\r\n"
        );
        assert_eq!(
            data(Data::List(entry(vec![], Some(b'\\'), "台北"))),
            "* LIST () \"\\\\\" &U,BTFw-\r\n"
        );
    }

    #[test]
    fn list_extended_items() {
        let mut e = entry(vec![MailboxAttr::Subscribed], Some(b'/'), "Foo");
        e.extended = vec![(Str::from("CHILDINFO"), Str::from("(\"SUBSCRIBED\")"))];
        assert_eq!(
            data(Data::List(e)),
            "* LIST (\\Subscribed) \"/\" Foo (CHILDINFO (\"SUBSCRIBED\"))\r\n"
        );
        let mut e = entry(vec![], Some(b'/'), "NewMailbox");
        e.extended = vec![
            (Str::from("OLDNAME"), Str::from("(OldMailbox)")),
            (Str::from("X-Y"), Str::from("1\r\n2")),
        ];
        assert_eq!(
            data(Data::List(e)),
            "* LIST () \"/\" NewMailbox (OLDNAME (OldMailbox) X-Y 1  2)\r\n"
        );
    }

    #[test]
    fn status_data() {
        assert_eq!(
            data(Data::Status {
                mailbox: Mailbox::new("blurdybloop"),
                items: vec![
                    (StatusItem::Messages, StatusValue::Number(231)),
                    (StatusItem::UidNext, StatusValue::Number(44292)),
                ]
            }),
            "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"
        );
        assert_eq!(
            data(Data::Status {
                mailbox: Mailbox::new("x"),
                items: vec![
                    (StatusItem::Recent, StatusValue::Number(0)),
                    (StatusItem::UidValidity, StatusValue::Number(1)),
                    (StatusItem::Unseen, StatusValue::Number(2)),
                    (StatusItem::Deleted, StatusValue::Number(3)),
                    (StatusItem::Size, StatusValue::Number(44)),
                    (StatusItem::HighestModSeq, StatusValue::Number(7011231777)),
                    (StatusItem::AppendLimit, StatusValue::Nil),
                    (
                        StatusItem::MailboxId,
                        StatusValue::MailboxId(Str::from("F2212ea87"))
                    ),
                    (StatusItem::DeletedStorage, StatusValue::Number(5)),
                    (
                        StatusItem::Other(Atom::from_static("X-FOO")),
                        StatusValue::Raw(Str::from("(1 2)"))
                    ),
                ]
            }),
            "* STATUS x (RECENT 0 UIDVALIDITY 1 UNSEEN 2 DELETED 3 SIZE 44 \
             HIGHESTMODSEQ 7011231777 APPENDLIMIT NIL MAILBOXID (F2212ea87) \
             DELETED-STORAGE 5 X-FOO (1 2))\r\n"
        );
        assert_eq!(
            data(Data::Status {
                mailbox: Mailbox::new("x"),
                items: vec![]
            }),
            "* STATUS x ()\r\n"
        );
    }

    #[test]
    fn namespaces() {
        let ns = |prefix: &str, d: Option<u8>| Namespace {
            prefix: Str::from(prefix),
            delimiter: d,
            extensions: vec![],
        };
        assert_eq!(
            data(Data::Namespace(Namespaces {
                personal: vec![ns("", Some(b'/'))],
                other_users: vec![],
                shared: vec![],
            })),
            "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"
        );
        assert_eq!(
            data(Data::Namespace(Namespaces {
                personal: vec![ns("", Some(b'/'))],
                other_users: vec![ns("~", Some(b'/'))],
                shared: vec![ns("#shared/", Some(b'/')), ns("#public/", Some(b'/'))],
            })),
            "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n"
        );
        let mut with_ext = ns("", Some(b'/'));
        with_ext.extensions = vec![(
            Str::from("X-PARAM"),
            vec![Str::from("FLAG1"), Str::from("FLAG2")],
        )];
        assert_eq!(
            data(Data::Namespace(Namespaces {
                personal: vec![with_ext],
                other_users: vec![],
                shared: vec![ns("Public Folders/", None)],
            })),
            "* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL ((\"Public Folders/\" NIL))\r\n"
        );
    }
}
