//! Client commands.

use super::writer::Writer;
use super::{fetch, mailbox_data, notify, search};
use crate::protocol::{CommandKind, is_uid_form};
use crate::types::{
    AppendData, CatPart, Command, CommandBody, ListReturn, ListSelect, MetadataDepth, QResync,
    SelectParams, StoreKind, StoreTarget,
};

/// Writes one command (without the final CRLF).
pub(super) fn command(w: &mut Writer<'_>, cmd: &Command) {
    w.tag(&cmd.tag);
    w.sp();
    body(w, &cmd.body);
}

fn body(w: &mut Writer<'_>, body: &CommandBody) {
    use CommandBody as C;
    if !matches!(body, C::Other { .. }) {
        if is_uid_form(body) {
            w.put(b"UID ");
        }
        w.put(CommandKind::of(body).name().as_bytes());
    }
    match body {
        // The name alone.
        C::Capability
        | C::Noop
        | C::Logout
        | C::StartTls
        | C::Namespace
        | C::Idle
        | C::Check
        | C::Close
        | C::Unselect
        | C::Expunge => {}
        C::Authenticate { mechanism, initial } => {
            w.sp();
            w.atom(mechanism);
            if let Some(ir) = initial {
                w.sp();
                let ir = ir.expose();
                if ir.is_empty() {
                    w.byte(b'=');
                } else {
                    use base64::Engine as _;
                    let b64 = base64::engine::general_purpose::STANDARD.encode(ir);
                    w.put(b64.as_bytes());
                }
            }
        }
        C::Login { username, password } => {
            w.sp();
            w.astring(username);
            w.sp();
            w.astring(password.expose());
        }
        C::Enable(caps) => {
            w.sp_each(caps, |w, c| w.capability(c));
        }
        C::Select { mailbox, params } => {
            w.sp();
            w.mailbox(mailbox);
            select_params(w, params);
        }
        C::Examine { mailbox, params } => {
            w.sp();
            w.mailbox(mailbox);
            select_params(w, params);
        }
        C::Create {
            mailbox,
            special_use,
        } => {
            w.sp();
            w.mailbox(mailbox);
            if !special_use.is_empty() {
                w.put(b" (USE ");
                w.paren_list(special_use, |w, a| w.mailbox_attr(a));
                w.byte(b')');
            }
        }
        C::Delete(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::Rename { from, to } => {
            w.sp();
            w.mailbox(from);
            w.sp();
            w.mailbox(to);
        }
        C::Subscribe(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::Unsubscribe(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::List {
            selection,
            reference,
            patterns,
            returns,
        } => {
            w.sp();
            if !selection.is_empty() {
                w.paren_list(selection, list_select);
                w.sp();
            }
            w.mailbox(reference);
            w.sp();
            match patterns.as_slice() {
                [one] => w.list_mailbox(one),
                many => w.paren_list(many, |w, p| w.list_mailbox(p)),
            }
            if !returns.is_empty() {
                w.put(b" RETURN ");
                w.paren_list(returns, list_return);
            }
        }
        C::Lsub { reference, pattern } => {
            w.sp();
            w.mailbox(reference);
            w.sp();
            w.list_mailbox(pattern);
        }
        C::XList { reference, pattern } => {
            w.sp();
            w.mailbox(reference);
            w.sp();
            w.list_mailbox(pattern);
        }
        C::Status { mailbox, items } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            w.paren_list(items, mailbox_data::status_item);
        }
        C::Append { mailbox, messages } => {
            w.sp();
            w.mailbox(mailbox);
            for m in messages {
                if !m.flags.is_empty() {
                    w.sp();
                    w.flag_list(&m.flags);
                }
                if let Some(dt) = &m.date {
                    w.sp();
                    w.date_time(dt);
                }
                w.sp();
                match &m.data {
                    AppendData::Literal { data, binary } => w.literal(data, *binary),
                    AppendData::Catenate(parts) => {
                        w.put(b"CATENATE ");
                        w.paren_list(parts, |w, p| match p {
                            CatPart::Text(t) => {
                                w.put(b"TEXT ");
                                w.literal(t, false);
                            }
                            CatPart::Url(u) => {
                                w.put(b"URL ");
                                w.astring(u);
                            }
                        });
                    }
                }
            }
        }
        C::UidExpunge(set) => {
            w.sp();
            w.set(set);
        }
        C::Search {
            uid: _,
            returns,
            charset,
            criteria,
        } => {
            if let Some(returns) = returns {
                w.put(b" RETURN ");
                w.paren_list(returns, search::search_return);
            }
            if let Some(cs) = charset {
                w.put(b" CHARSET ");
                w.charset(cs);
            }
            w.sp();
            search::keys(w, criteria);
        }
        C::Fetch {
            set,
            items,
            changed_since,
            vanished,
        } => {
            w.sp();
            w.message_set(set);
            w.sp();
            fetch::fetch_items(w, items);
            if changed_since.is_some() || *vanished {
                w.put(b" (");
                if let Some(n) = changed_since {
                    w.put(b"CHANGEDSINCE ");
                    w.num(*n);
                    if *vanished {
                        w.sp();
                    }
                }
                if *vanished {
                    w.put(b"VANISHED");
                }
                w.byte(b')');
            }
        }
        C::Store {
            set,
            kind,
            silent,
            target,
            unchanged_since,
        } => {
            w.sp();
            w.message_set(set);
            if let Some(n) = unchanged_since {
                w.put(b" (UNCHANGEDSINCE ");
                w.num(*n);
                w.byte(b')');
            }
            w.sp();
            match kind {
                StoreKind::Replace => {}
                StoreKind::Add => w.byte(b'+'),
                StoreKind::Remove => w.byte(b'-'),
            }
            match target {
                StoreTarget::Flags(_) => w.put(b"FLAGS"),
                StoreTarget::GmLabels(_) => w.put(b"X-GM-LABELS"),
            }
            if *silent {
                w.put(b".SILENT");
            }
            w.sp();
            match target {
                StoreTarget::Flags(flags) => w.flag_list(flags),
                StoreTarget::GmLabels(labels) => w.paren_list(labels, fetch::gm_label),
            }
        }
        C::Copy { set, mailbox } => {
            w.sp();
            w.message_set(set);
            w.sp();
            w.mailbox(mailbox);
        }
        C::Move { set, mailbox } => {
            w.sp();
            w.message_set(set);
            w.sp();
            w.mailbox(mailbox);
        }
        C::Sort {
            uid: _,
            returns,
            criteria,
            charset,
            search: keys,
        } => {
            w.sp();
            if let Some(returns) = returns {
                w.put(b"RETURN ");
                w.paren_list(returns, search::search_return);
                w.sp();
            }
            w.paren_list(criteria, search::sort_criterion);
            w.sp();
            w.charset(charset);
            w.sp();
            search::keys(w, keys);
        }
        C::CancelUpdate(tags) => {
            for t in tags {
                w.sp();
                w.string(t);
            }
        }
        C::Notify(None) => w.put(b" NONE"),
        C::Notify(Some(set)) => notify::notify_set(w, set),
        C::Thread {
            uid: _,
            algorithm,
            charset,
            search: keys,
        } => {
            w.sp();
            w.atom(algorithm);
            w.sp();
            w.charset(charset);
            w.sp();
            search::keys(w, keys);
        }
        C::Id(params) => {
            w.sp();
            mailbox_data::id_params(w, params.as_deref());
        }
        C::Compress(a) => {
            w.sp();
            w.atom(a);
        }
        C::GetQuota(s) | C::ProxyAuth(s) => {
            w.sp();
            w.astring(s);
        }
        C::GetQuotaRoot(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::SetQuota { root, limits } => {
            w.sp();
            w.astring(root);
            w.sp();
            w.paren_list(limits, |w, l| {
                w.atom(&l.name);
                w.sp();
                w.num(l.limit);
            });
        }
        C::SetAcl {
            mailbox,
            identifier,
            rights,
        } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            w.astring(identifier);
            w.sp();
            w.astring(rights);
        }
        C::DeleteAcl {
            mailbox,
            identifier,
        } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            w.astring(identifier);
        }
        C::GetAcl(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::ListRights {
            mailbox,
            identifier,
        } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            w.astring(identifier);
        }
        C::MyRights(m) => {
            w.sp();
            w.mailbox(m);
        }
        C::GetMetadata {
            options,
            mailbox,
            entries,
        } => {
            w.sp();
            if options.max_size.is_some() || options.depth.is_some() {
                w.byte(b'(');
                if let Some(n) = options.max_size {
                    w.put(b"MAXSIZE ");
                    w.num(n);
                    if options.depth.is_some() {
                        w.sp();
                    }
                }
                if let Some(d) = options.depth {
                    w.put(b"DEPTH ");
                    w.put(match d {
                        MetadataDepth::Zero => b"0",
                        MetadataDepth::One => b"1",
                        MetadataDepth::Infinity => b"infinity",
                    });
                }
                w.put(b") ");
            }
            w.mailbox(mailbox);
            w.sp();
            match entries.as_slice() {
                [one] => w.astring(one),
                many => w.paren_list(many, |w, e| w.astring(e)),
            }
        }
        C::SetMetadata { mailbox, entries } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            mailbox_data::entry_values(w, entries);
        }
        C::Other { name, args } => {
            w.atom(name);
            if !args.as_bytes().is_empty() {
                w.sp();
                // Parsed arguments keep their literals whole; write them as literals again.
                w.raw_with_literals(args.bytes());
            }
        }
    }
}

/// ` (CONDSTORE QRESYNC (...))`, or nothing.
fn select_params(w: &mut Writer<'_>, p: &SelectParams) {
    if !p.condstore && p.qresync.is_none() {
        return;
    }
    w.put(b" (");
    if p.condstore {
        w.put(b"CONDSTORE");
        if p.qresync.is_some() {
            w.sp();
        }
    }
    if let Some(q) = &p.qresync {
        qresync(w, q);
    }
    w.byte(b')');
}

/// `QRESYNC (uidvalidity modseq [known-uids] [(seqs uids)])`.
fn qresync(w: &mut Writer<'_>, q: &QResync) {
    w.put(b"QRESYNC (");
    w.num32(q.uid_validity.get());
    w.sp();
    w.num(q.modseq);
    if let Some(uids) = &q.known_uids {
        w.sp();
        w.set(uids);
    }
    if let Some((seqs, uids)) = &q.seq_match {
        w.put(b" (");
        w.set(seqs);
        w.sp();
        w.set(uids);
        w.byte(b')');
    }
    w.byte(b')');
}

fn list_select(w: &mut Writer<'_>, s: &ListSelect) {
    match s {
        ListSelect::Subscribed => w.put(b"SUBSCRIBED"),
        ListSelect::Remote => w.put(b"REMOTE"),
        ListSelect::RecursiveMatch => w.put(b"RECURSIVEMATCH"),
        ListSelect::SpecialUse => w.put(b"SPECIAL-USE"),
        ListSelect::Other(a) => w.atom(a),
    }
}

fn list_return(w: &mut Writer<'_>, r: &ListReturn) {
    match r {
        ListReturn::Subscribed => w.put(b"SUBSCRIBED"),
        ListReturn::Children => w.put(b"CHILDREN"),
        ListReturn::SpecialUse => w.put(b"SPECIAL-USE"),
        ListReturn::Status(items) => {
            w.put(b"STATUS ");
            w.paren_list(items, mailbox_data::status_item);
        }
        ListReturn::Other(a) => w.atom(a),
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::{cmd, cmd_with};
    use crate::encode::{EncodeOptions, Fragment, encode_command};
    use crate::secret::Secret;
    use crate::types::*;
    use bytes::Bytes;
    use std::num::NonZeroU32;

    fn mb(s: &str) -> Mailbox {
        Mailbox::new(s)
    }

    fn seqs(a: u32, b: u32) -> SeqSet {
        SeqSet::range(SeqNum::new(a).unwrap(), SeqNum::new(b).unwrap())
    }

    fn uids(a: u32, b: u32) -> UidSet {
        UidSet::range(Uid::new(a).unwrap(), Uid::new(b).unwrap())
    }

    #[test]
    fn simple_commands() {
        assert_eq!(cmd(CommandBody::Capability), "a1 CAPABILITY\r\n");
        assert_eq!(cmd(CommandBody::Noop), "a1 NOOP\r\n");
        assert_eq!(cmd(CommandBody::Logout), "a1 LOGOUT\r\n");
        assert_eq!(cmd(CommandBody::StartTls), "a1 STARTTLS\r\n");
        assert_eq!(cmd(CommandBody::Namespace), "a1 NAMESPACE\r\n");
        assert_eq!(cmd(CommandBody::Idle), "a1 IDLE\r\n");
        assert_eq!(cmd(CommandBody::Check), "a1 CHECK\r\n");
        assert_eq!(cmd(CommandBody::Close), "a1 CLOSE\r\n");
        assert_eq!(cmd(CommandBody::Unselect), "a1 UNSELECT\r\n");
        assert_eq!(cmd(CommandBody::Expunge), "a1 EXPUNGE\r\n");
        assert_eq!(
            cmd(CommandBody::UidExpunge(uids(3000, 3002))),
            "a1 UID EXPUNGE 3000:3002\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Compress(Atom::from_static("DEFLATE"))),
            "a1 COMPRESS DEFLATE\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Enable(vec![
                Capability::CondStore,
                Capability::Other(Atom::from_static("X-GOOD-IDEA"))
            ])),
            "a1 ENABLE CONDSTORE X-GOOD-IDEA\r\n"
        );
    }

    #[test]
    fn login_and_authenticate() {
        assert_eq!(
            cmd(CommandBody::Login {
                username: Str::from("SMITH"),
                password: Secret::new(Str::from("SESAME")),
            }),
            "a1 LOGIN SMITH SESAME\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Login {
                username: Str::from("fred foobar"),
                password: Secret::new(Str::from("p\"w\\d")),
            }),
            "a1 LOGIN \"fred foobar\" \"p\\\"w\\\\d\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Login {
                username: Str::from("u"),
                password: Secret::new(Str::from("a\r\nb")),
            }),
            "a1 LOGIN u {4}\r\na\r\nb\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Authenticate {
                mechanism: Atom::from_static("GSSAPI"),
                initial: None,
            }),
            "a1 AUTHENTICATE GSSAPI\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Authenticate {
                mechanism: Atom::from_static("PLAIN"),
                initial: Some(Secret::new(Bytes::from_static(b"\0user\0pass"))),
            }),
            "a1 AUTHENTICATE PLAIN AHVzZXIAcGFzcw==\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Authenticate {
                mechanism: Atom::from_static("EXTERNAL"),
                initial: Some(Secret::new(Bytes::new())),
            }),
            "a1 AUTHENTICATE EXTERNAL =\r\n"
        );
    }

    #[test]
    fn mailbox_commands() {
        assert_eq!(
            cmd(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default()
            }),
            "a1 SELECT INBOX\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Examine {
                mailbox: mb("blurdybloop"),
                params: SelectParams {
                    condstore: true,
                    qresync: None
                }
            }),
            "a1 EXAMINE blurdybloop (CONDSTORE)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams {
                    condstore: false,
                    qresync: Some(QResync {
                        uid_validity: NonZeroU32::new(67890007).unwrap(),
                        modseq: 20050715194045000,
                        known_uids: Some(uids(41, 211)),
                        seq_match: None,
                    })
                }
            }),
            "a1 SELECT INBOX (QRESYNC (67890007 20050715194045000 41:211))\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams {
                    condstore: true,
                    qresync: Some(QResync {
                        uid_validity: NonZeroU32::new(67890007).unwrap(),
                        modseq: 90060115194045000,
                        known_uids: Some(uids(1, 2)),
                        seq_match: Some((seqs(1, 3), uids(5, 7))),
                    })
                }
            }),
            "a1 SELECT INBOX (CONDSTORE QRESYNC (67890007 90060115194045000 1:2 (1:3 5:7)))\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams {
                    condstore: false,
                    qresync: Some(QResync {
                        uid_validity: NonZeroU32::new(1).unwrap(),
                        modseq: 2,
                        known_uids: None,
                        seq_match: Some((seqs(1, 3), uids(5, 7))),
                    })
                }
            }),
            "a1 SELECT INBOX (QRESYNC (1 2 (1:3 5:7)))\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Create {
                mailbox: mb("owatagusiam/"),
                special_use: vec![]
            }),
            "a1 CREATE owatagusiam/\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Create {
                mailbox: mb("MySpecialArchive"),
                special_use: vec![MailboxAttr::Archive, MailboxAttr::Drafts]
            }),
            "a1 CREATE MySpecialArchive (USE (\\Archive \\Drafts))\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Delete(mb("blurdybloop"))),
            "a1 DELETE blurdybloop\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Rename {
                from: mb("blurdybloop"),
                to: mb("sarasoop")
            }),
            "a1 RENAME blurdybloop sarasoop\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Subscribe(mb("#news.comp.mail.mime"))),
            "a1 SUBSCRIBE #news.comp.mail.mime\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Unsubscribe(mb("#news.comp.mail.mime"))),
            "a1 UNSUBSCRIBE #news.comp.mail.mime\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Status {
                mailbox: mb("blurdybloop"),
                items: vec![StatusItem::UidNext, StatusItem::Messages]
            }),
            "a1 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"
        );
        let all: Vec<StatusItem> = STATUS_ITEMS
            .iter()
            .map(|(_, i)| i.clone())
            .chain([StatusItem::Other(Atom::from_static("X-Y"))])
            .collect();
        assert_eq!(
            cmd(CommandBody::Status {
                mailbox: Mailbox::inbox(),
                items: all
            }),
            "a1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE \
             HIGHESTMODSEQ APPENDLIMIT MAILBOXID DELETED-STORAGE X-Y)\r\n"
        );
    }

    #[test]
    fn mailbox_names_utf7_and_utf8() {
        let body = || CommandBody::Select {
            mailbox: mb("~peter/mail/台北/日本語"),
            params: SelectParams::default(),
        };
        assert_eq!(cmd(body()), "a1 SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n");
        let utf8 = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        assert_eq!(
            cmd_with(body(), utf8),
            "a1 SELECT \"~peter/mail/台北/日本語\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Delete(mb("Entwürfe & Notizen"))),
            "a1 DELETE \"Entw&APw-rfe &- Notizen\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Delete(Mailbox::from_raw(Bytes::from_static(
                b"bad&name"
            )))),
            "a1 DELETE bad&name\r\n"
        );
    }

    #[test]
    fn list_commands() {
        let list = |selection, reference: &str, patterns: Vec<&str>, returns| {
            cmd(CommandBody::List {
                selection,
                reference: mb(reference),
                patterns: patterns.into_iter().map(mb).collect(),
                returns,
            })
        };
        assert_eq!(list(vec![], "", vec![""], vec![]), "a1 LIST \"\" \"\"\r\n");
        assert_eq!(
            list(vec![], "/usr/staff/jones", vec![""], vec![]),
            "a1 LIST /usr/staff/jones \"\"\r\n"
        );
        assert_eq!(
            list(vec![], "~/Mail/", vec!["%"], vec![]),
            "a1 LIST ~/Mail/ %\r\n"
        );
        assert_eq!(
            list(vec![ListSelect::Subscribed], "", vec!["*"], vec![]),
            "a1 LIST (SUBSCRIBED) \"\" *\r\n"
        );
        assert_eq!(
            list(
                vec![
                    ListSelect::Subscribed,
                    ListSelect::Remote,
                    ListSelect::RecursiveMatch,
                    ListSelect::SpecialUse,
                    ListSelect::Other(Atom::from_static("vendor.x-y"))
                ],
                "",
                vec!["%", "Other Users/*"],
                vec![
                    ListReturn::Subscribed,
                    ListReturn::Children,
                    ListReturn::SpecialUse,
                    ListReturn::Status(vec![StatusItem::Messages, StatusItem::Unseen]),
                    ListReturn::Other(Atom::from_static("MYRIGHTS"))
                ]
            ),
            "a1 LIST (SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE vendor.x-y) \"\" \
             (% \"Other Users/*\") RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN) MYRIGHTS)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Lsub {
                reference: mb("#news."),
                pattern: mb("comp.mail.*")
            }),
            "a1 LSUB #news. comp.mail.*\r\n"
        );
        assert_eq!(
            cmd(CommandBody::XList {
                reference: mb(""),
                pattern: mb("*")
            }),
            "a1 XLIST \"\" *\r\n"
        );
    }

    #[test]
    fn append_and_multiappend() {
        let dt = DateTime::new(Date::new(1994, 2, 7).unwrap(), 21, 52, 25, -480).unwrap();
        let msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\r\nHello Joe\r\n";
        let c = Command {
            tag: Tag::try_from("A003").unwrap(),
            body: CommandBody::Append {
                mailbox: mb("saved-messages"),
                messages: vec![
                    AppendMessage {
                        flags: vec![Flag::Seen],
                        date: Some(dt),
                        data: AppendData::Literal {
                            data: Str::from(msg),
                            binary: false,
                        },
                    },
                    AppendMessage {
                        flags: vec![],
                        date: None,
                        data: AppendData::Literal {
                            data: Str::from(&b"bin\0ary"[..]),
                            binary: true,
                        },
                    },
                ],
            },
        };
        let e = encode_command(&c, &EncodeOptions::default());
        crate::encode::tests::check_framing(&e);
        let f = e.fragments();
        assert_eq!(f.len(), 5);
        assert_eq!(
            f[0],
            Fragment::Line(Bytes::from(
                "A003 APPEND saved-messages (\\Seen) \"07-Feb-1994 21:52:25 -0800\" {57}\r\n"
            ))
        );
        assert_eq!(
            f[1],
            Fragment::Literal {
                data: Bytes::from(msg),
                sync: true,
                binary: false
            }
        );
        assert_eq!(f[2], Fragment::Line(Bytes::from(" ~{7}\r\n")));
        assert_eq!(
            f[3],
            Fragment::Literal {
                data: Bytes::from_static(b"bin\0ary"),
                sync: true,
                binary: true
            }
        );
        assert_eq!(f[4], Fragment::Line(Bytes::from("\r\n")));
        // Short data is still a literal; LITERAL+ makes it non-synchronizing.
        let plus = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        assert_eq!(
            cmd_with(
                CommandBody::Append {
                    mailbox: Mailbox::inbox(),
                    messages: vec![AppendMessage {
                        flags: vec![],
                        date: None,
                        data: AppendData::Literal {
                            data: Str::from("x"),
                            binary: false,
                        },
                    }]
                },
                plus
            ),
            "a1 APPEND INBOX {1+}\r\nx\r\n"
        );
    }

    #[test]
    fn message_commands() {
        assert_eq!(
            cmd(CommandBody::Store {
                set: MessageSet::Seq(seqs(2, 4)),
                kind: StoreKind::Add,
                silent: false,
                target: StoreTarget::Flags(vec![Flag::Deleted]),
                unchanged_since: None,
            }),
            "a1 STORE 2:4 +FLAGS (\\Deleted)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Store {
                set: MessageSet::Uid(uids(1, 5)),
                kind: StoreKind::Remove,
                silent: true,
                target: StoreTarget::Flags(vec![
                    Flag::Seen,
                    Flag::Keyword(Atom::from_static("$Junk"))
                ]),
                unchanged_since: Some(320162338),
            }),
            "a1 UID STORE 1:5 (UNCHANGEDSINCE 320162338) -FLAGS.SILENT (\\Seen $Junk)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Store {
                set: MessageSet::Seq(seqs(1, 1)),
                kind: StoreKind::Replace,
                silent: false,
                target: StoreTarget::Flags(vec![]),
                unchanged_since: Some(0),
            }),
            "a1 STORE 1:1 (UNCHANGEDSINCE 0) FLAGS ()\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Store {
                set: MessageSet::Seq(SeqSet::single(SeqNum::new(1).unwrap())),
                kind: StoreKind::Add,
                silent: true,
                target: StoreTarget::GmLabels(vec![
                    Str::from("\\Important"),
                    Str::from("Work Stuff")
                ]),
                unchanged_since: None,
            }),
            "a1 STORE 1 +X-GM-LABELS.SILENT (\\Important \"Work Stuff\")\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Copy {
                set: MessageSet::Seq(seqs(2, 4)),
                mailbox: mb("MEETING")
            }),
            "a1 COPY 2:4 MEETING\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Move {
                set: MessageSet::Uid(uids(42, 69)),
                mailbox: mb("foo")
            }),
            "a1 UID MOVE 42:69 foo\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Copy {
                set: MessageSet::Saved { uid: true },
                mailbox: mb("x y")
            }),
            "a1 UID COPY $ \"x y\"\r\n"
        );
    }

    #[test]
    fn id_quota_acl_metadata() {
        assert_eq!(cmd(CommandBody::Id(None)), "a1 ID NIL\r\n");
        assert_eq!(
            cmd(CommandBody::Id(Some(vec![
                (Str::from("name"), Some(Str::from("sodr"))),
                (Str::from("version"), Some(Str::from("19.34"))),
                (
                    Str::from("vendor"),
                    Some(Str::from("Pink Floyd Music Limited"))
                ),
                (Str::from("os"), None),
            ]))),
            "a1 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\" \"os\" NIL)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetQuota(Str::from(""))),
            "a1 GETQUOTA \"\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::ProxyAuth(Str::from("bob smith"))),
            "a1 PROXYAUTH \"bob smith\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetQuotaRoot(Mailbox::inbox())),
            "a1 GETQUOTAROOT INBOX\r\n"
        );
        assert_eq!(
            cmd(CommandBody::SetQuota {
                root: Str::from(""),
                limits: vec![QuotaLimit {
                    name: Atom::from_static("STORAGE"),
                    limit: 512
                }]
            }),
            "a1 SETQUOTA \"\" (STORAGE 512)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::SetQuota {
                root: Str::from("#user/alice"),
                limits: vec![]
            }),
            "a1 SETQUOTA #user/alice ()\r\n"
        );
        assert_eq!(
            cmd(CommandBody::SetAcl {
                mailbox: mb("INBOX.important"),
                identifier: Str::from("Fred"),
                rights: Str::from("+lr")
            }),
            "a1 SETACL INBOX.important Fred +lr\r\n"
        );
        assert_eq!(
            cmd(CommandBody::DeleteAcl {
                mailbox: mb("~/Mail/saved"),
                identifier: Str::from("-Fred Smith")
            }),
            "a1 DELETEACL ~/Mail/saved \"-Fred Smith\"\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetAcl(Mailbox::inbox())),
            "a1 GETACL INBOX\r\n"
        );
        assert_eq!(
            cmd(CommandBody::ListRights {
                mailbox: mb("~/Mail/saved"),
                identifier: Str::from("smith")
            }),
            "a1 LISTRIGHTS ~/Mail/saved smith\r\n"
        );
        assert_eq!(
            cmd(CommandBody::MyRights(Mailbox::inbox())),
            "a1 MYRIGHTS INBOX\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetMetadata {
                options: MetadataOptions::default(),
                mailbox: mb(""),
                entries: vec![Str::from("/shared/comment")]
            }),
            "a1 GETMETADATA \"\" /shared/comment\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetMetadata {
                options: MetadataOptions {
                    max_size: Some(1024),
                    depth: Some(MetadataDepth::Infinity)
                },
                mailbox: Mailbox::inbox(),
                entries: vec![Str::from("/private/filters/values"), Str::from("/shared/x")]
            }),
            "a1 GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/private/filters/values /shared/x)\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetMetadata {
                options: MetadataOptions {
                    max_size: None,
                    depth: Some(MetadataDepth::One)
                },
                mailbox: Mailbox::inbox(),
                entries: vec![Str::from("/a")]
            }),
            "a1 GETMETADATA (DEPTH 1) INBOX /a\r\n"
        );
        assert_eq!(
            cmd(CommandBody::GetMetadata {
                options: MetadataOptions {
                    max_size: Some(5),
                    depth: Some(MetadataDepth::Zero)
                },
                mailbox: Mailbox::inbox(),
                entries: vec![Str::from("/a")]
            }),
            "a1 GETMETADATA (MAXSIZE 5 DEPTH 0) INBOX /a\r\n"
        );
        assert_eq!(
            cmd(CommandBody::SetMetadata {
                mailbox: Mailbox::inbox(),
                entries: vec![
                    (
                        Str::from("/private/comment"),
                        Some(Str::from("My new comment"))
                    ),
                    (Str::from("/shared/comment"), None),
                    (Str::from("/shared/bin"), Some(Str::from(&b"\0"[..]))),
                ]
            }),
            "a1 SETMETADATA INBOX (/private/comment \"My new comment\" /shared/comment NIL /shared/bin ~{1}\r\n\0)\r\n"
        );
    }

    #[test]
    fn other_commands_cannot_inject() {
        assert_eq!(
            cmd(CommandBody::Other {
                name: Atom::from_static("XYZZY"),
                args: RawArgs::default()
            }),
            "a1 XYZZY\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Other {
                name: Atom::from_static("X-FOO"),
                args: RawArgs::new(Bytes::from_static(b"1 (a b) \"c\"")).unwrap()
            }),
            "a1 X-FOO 1 (a b) \"c\"\r\n"
        );
        // Raw arguments ending like a literal marker cannot make the server wait for data.
        assert_eq!(
            cmd(CommandBody::Other {
                name: Atom::from_static("X-FOO"),
                args: RawArgs::new(Bytes::from_static(b"x {5}")).unwrap()
            }),
            "a1 X-FOO x {5} \r\n"
        );
        assert_eq!(
            cmd(CommandBody::Other {
                name: Atom::from_static("X-FOO"),
                args: RawArgs::unchecked(Bytes::from_static(b"a\r\nb2 LOGOUT"))
            }),
            "a1 X-FOO a  b2 LOGOUT\r\n"
        );
    }

    /// Found by the `command` fuzz target: the parsed arguments of an unknown command keep
    /// their literals whole (`{N}` CRLF and the data), but the encoder replaced their CRLF with
    /// spaces, so the literal was lost: `a1 XFOO bar {2}\r\nqu` came back as `bar {2}  qu`.
    #[test]
    fn parsed_other_command_keeps_its_literals() {
        use crate::parse::{ParseOptions, parse_command};
        let wire = b"a1 XFOO bar (baz {2}\r\nqu ~{1+}\r\n\0) \"x\"\r\n";
        let c = parse_command(&Bytes::from_static(wire), &ParseOptions::default()).unwrap();
        let e = encode_command(&c, &EncodeOptions::default());
        crate::encode::tests::check_framing(&e);
        assert_eq!(e.to_vec(), wire);
        let literals: Vec<(&[u8], bool, bool)> = e
            .fragments()
            .iter()
            .filter_map(|f| match f {
                Fragment::Literal { data, sync, binary } => Some((&data[..], *sync, *binary)),
                _ => None,
            })
            .collect();
        // `{2}` waits for the server's continuation request, `~{1+}` does not.
        assert_eq!(
            literals,
            [(&b"qu"[..], true, false), (&b"\0"[..], false, true)]
        );
        let back = parse_command(&Bytes::from(e.to_vec()), &ParseOptions::default()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn every_literal_is_framed_for_the_client() {
        let plain = EncodeOptions::default();
        let c = Command {
            tag: Tag::try_from("a1").unwrap(),
            body: CommandBody::Rename {
                from: Mailbox::from_raw(Bytes::from_static(b"x\ny")),
                to: Mailbox::from_raw(Bytes::from_static(b"\xff")),
            },
        };
        let e = encode_command(&c, &plain);
        crate::encode::tests::check_framing(&e);
        assert_eq!(e.to_vec(), b"a1 RENAME {3}\r\nx\ny {1}\r\n\xff\r\n");
        let syncs: Vec<bool> = e
            .fragments()
            .iter()
            .filter_map(|f| match f {
                Fragment::Literal { sync, .. } => Some(*sync),
                _ => None,
            })
            .collect();
        assert_eq!(syncs, vec![true, true]);
    }
}
