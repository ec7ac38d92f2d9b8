//! Server responses: status responses, continuation requests and untagged data.

use super::writer::Writer;
use super::{code, fetch, mailbox_data, search};
use crate::types::{Continue, Data, Response, StatusResponse};

/// Writes one response (without the final CRLF).
pub(super) fn response(w: &mut Writer<'_>, r: &Response) {
    match r {
        Response::Status(s) => status(w, s),
        Response::Data(d) => data(w, d),
        Response::Continue(c) => continue_req(w, c),
    }
}

/// `tag SP kind SP resp-text` or `* kind ...`; no trailing space when the text is empty.
fn status(w: &mut Writer<'_>, s: &StatusResponse) {
    match &s.tag {
        Some(t) => w.tag(t),
        None => w.byte(b'*'),
    }
    w.sp();
    w.put(s.kind.name().as_bytes());
    if let Some(c) = &s.code {
        w.put(b" [");
        code::code(w, c);
        w.byte(b']');
    }
    if !s.text.is_empty() {
        w.sp();
        w.text(s.text.as_bytes());
    }
}

/// `+ [code] text`; `+ ` when both are absent.
fn continue_req(w: &mut Writer<'_>, c: &Continue) {
    w.put(b"+ ");
    if let Some(code) = &c.code {
        w.byte(b'[');
        code::code(w, code);
        w.byte(b']');
        if !c.text.is_empty() {
            w.sp();
        }
    }
    w.text(c.text.as_bytes());
}

/// `* ...` untagged data.
fn data(w: &mut Writer<'_>, d: &Data) {
    w.put(b"* ");
    match d {
        Data::Capability(caps) => {
            w.put(b"CAPABILITY");
            w.sp_each(caps, |w, c| w.capability(c));
        }
        Data::Enabled(caps) => {
            w.put(b"ENABLED");
            w.sp_each(caps, |w, c| w.capability(c));
        }
        Data::Flags(flags) => {
            w.put(b"FLAGS ");
            w.flag_list(flags);
        }
        Data::List(e) => mailbox_data::list_entry(w, b"LIST", e),
        Data::Lsub(e) => mailbox_data::list_entry(w, b"LSUB", e),
        Data::XList(e) => mailbox_data::list_entry(w, b"XLIST", e),
        Data::Status { mailbox, items } => mailbox_data::status(w, mailbox, items),
        Data::Search { nums, modseq } => search::numbers(w, b"SEARCH", nums, *modseq),
        Data::Sort { nums, modseq } => search::numbers(w, b"SORT", nums, *modseq),
        Data::ESearch(e) => search::esearch(w, e),
        Data::Thread(threads) => search::threads(w, threads),
        Data::Exists(n) => {
            w.num32(*n);
            w.put(b" EXISTS");
        }
        Data::Recent(n) => {
            w.num32(*n);
            w.put(b" RECENT");
        }
        Data::Expunge(seq) => {
            w.num32(seq.get());
            w.put(b" EXPUNGE");
        }
        Data::Fetch { seq, data } => {
            w.num32(seq.get());
            w.put(b" FETCH ");
            w.paren_list(data, fetch::fetch_data);
        }
        Data::UidFetch { uid, data } => {
            w.num32(uid.get());
            w.put(b" UIDFETCH ");
            w.paren_list(data, fetch::fetch_data);
        }
        Data::Vanished { earlier, uids } => {
            w.put(b"VANISHED ");
            if *earlier {
                w.put(b"(EARLIER) ");
            }
            w.set(uids);
        }
        Data::Namespace(ns) => mailbox_data::namespace(w, ns),
        Data::Id(params) => {
            w.put(b"ID ");
            mailbox_data::id_params(w, params.as_deref());
        }
        Data::Quota { root, resources } => {
            w.put(b"QUOTA ");
            w.astring(root);
            w.sp();
            w.paren_list(resources, |w, r| {
                w.atom(&r.name);
                w.sp();
                w.num(r.usage);
                w.sp();
                w.num(r.limit);
            });
        }
        Data::QuotaRoot { mailbox, roots } => {
            w.put(b"QUOTAROOT ");
            w.mailbox(mailbox);
            w.sp_each(roots, |w, r| w.astring(r));
        }
        Data::Acl { mailbox, entries } => {
            w.put(b"ACL ");
            w.mailbox(mailbox);
            w.sp_each(entries, |w, e| {
                w.astring(&e.identifier);
                w.sp();
                w.astring(&e.rights);
            });
        }
        Data::ListRights {
            mailbox,
            identifier,
            required,
            optional,
        } => {
            w.put(b"LISTRIGHTS ");
            w.mailbox(mailbox);
            w.sp();
            w.astring(identifier);
            w.sp();
            w.astring(required);
            w.sp_each(optional, |w, r| w.astring(r));
        }
        Data::MyRights { mailbox, rights } => {
            w.put(b"MYRIGHTS ");
            w.mailbox(mailbox);
            w.sp();
            w.astring(rights);
        }
        Data::Metadata { mailbox, entries } => {
            w.put(b"METADATA ");
            w.mailbox(mailbox);
            w.sp();
            mailbox_data::entry_values(w, entries);
        }
        Data::MetadataChanged { mailbox, entries } => {
            w.put(b"METADATA ");
            w.mailbox(mailbox);
            w.sp_each(entries, |w, e| w.astring(e));
        }
        Data::Other { name, rest } => {
            w.put_clean(name.as_bytes());
            if !rest.is_empty() {
                w.sp();
                w.raw_with_literals(rest.bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::{data, resp, resp_with};
    use crate::encode::{EncodeOptions, Fragment, encode_response};
    use crate::types::*;
    use bytes::Bytes;

    fn status(tag: Option<&str>, kind: StatusKind, code: Option<Code>, text: &str) -> String {
        resp(Response::Status(StatusResponse {
            tag: tag.map(|t| Tag::try_from(t).unwrap()),
            kind,
            code,
            text: Str::from(text),
        }))
    }

    fn cont(code: Option<Code>, text: &str) -> String {
        resp(Response::Continue(Continue {
            code,
            text: Str::from(text),
        }))
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    #[test]
    fn status_responses() {
        assert_eq!(
            status(None, StatusKind::Ok, None, "IMAP4rev2 server ready"),
            "* OK IMAP4rev2 server ready\r\n"
        );
        assert_eq!(
            status(
                Some("A142"),
                StatusKind::Ok,
                Some(Code::ReadWrite),
                "SELECT completed"
            ),
            "A142 OK [READ-WRITE] SELECT completed\r\n"
        );
        assert_eq!(
            status(Some("a1"), StatusKind::No, None, "no such mailbox"),
            "a1 NO no such mailbox\r\n"
        );
        assert_eq!(
            status(Some("a1"), StatusKind::Bad, None, "what?"),
            "a1 BAD what?\r\n"
        );
        assert_eq!(
            status(None, StatusKind::PreAuth, None, "welcome back"),
            "* PREAUTH welcome back\r\n"
        );
        assert_eq!(
            status(None, StatusKind::Bye, None, "logging out"),
            "* BYE logging out\r\n"
        );
    }

    #[test]
    fn empty_text_has_no_trailing_space() {
        assert_eq!(status(None, StatusKind::Ok, None, ""), "* OK\r\n");
        assert_eq!(status(None, StatusKind::Bye, None, ""), "* BYE\r\n");
        assert_eq!(
            status(Some("a1"), StatusKind::Ok, Some(Code::ReadWrite), ""),
            "a1 OK [READ-WRITE]\r\n"
        );
        assert_eq!(
            status(None, StatusKind::Ok, Some(Code::HighestModSeq(1)), ""),
            "* OK [HIGHESTMODSEQ 1]\r\n"
        );
    }

    #[test]
    fn text_cannot_inject() {
        assert_eq!(
            status(Some("a1"), StatusKind::Ok, None, "done\r\na2 OK fake"),
            "a1 OK done  a2 OK fake\r\n"
        );
        assert_eq!(
            status(None, StatusKind::Ok, None, "nul\0here\n"),
            "* OK nul here \r\n"
        );
        assert_eq!(
            status(None, StatusKind::Ok, None, "see {10}"),
            "* OK see {10} \r\n"
        );
        assert_eq!(cont(None, "x\r\ny"), "+ x  y\r\n");
        assert_eq!(cont(None, "go {3}"), "+ go {3} \r\n");
    }

    #[test]
    fn continuation_requests() {
        assert_eq!(
            cont(None, "Ready for literal data"),
            "+ Ready for literal data\r\n"
        );
        assert_eq!(cont(None, ""), "+ \r\n");
        assert_eq!(
            cont(
                None,
                "YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMCAQGiQgRAtHTEuOP2BXb9sBYFR4SJlDZxmg39IxmRBOhXRKdDA0uHTCOT9Bq3OsUTXUlk0CsFLoa8j+gvGDlgHuqzWHPSQg=="
            ),
            "+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMCAQGiQgRAtHTEuOP2BXb9sBYFR4SJlDZxmg39IxmRBOhXRKdDA0uHTCOT9Bq3OsUTXUlk0CsFLoa8j+gvGDlgHuqzWHPSQg==\r\n"
        );
        assert_eq!(cont(Some(Code::Alert), "look"), "+ [ALERT] look\r\n");
        assert_eq!(cont(Some(Code::Alert), ""), "+ [ALERT]\r\n");
    }

    #[test]
    fn simple_data() {
        assert_eq!(data(Data::Exists(23)), "* 23 EXISTS\r\n");
        assert_eq!(data(Data::Recent(0)), "* 0 RECENT\r\n");
        assert_eq!(data(Data::Expunge(seq(44))), "* 44 EXPUNGE\r\n");
        assert_eq!(
            data(Data::Capability(vec![
                Capability::Imap4rev2,
                Capability::StartTls,
                Capability::Auth(Atom::from_static("GSSAPI")),
                Capability::Auth(Atom::from_static("PLAIN")),
            ])),
            "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI AUTH=PLAIN\r\n"
        );
        assert_eq!(data(Data::Capability(vec![])), "* CAPABILITY\r\n");
        assert_eq!(
            data(Data::Enabled(vec![
                Capability::CondStore,
                Capability::Utf8Accept
            ])),
            "* ENABLED CONDSTORE UTF8=ACCEPT\r\n"
        );
        assert_eq!(data(Data::Enabled(vec![])), "* ENABLED\r\n");
        assert_eq!(
            data(Data::Flags(vec![
                Flag::Answered,
                Flag::Flagged,
                Flag::Deleted,
                Flag::Seen,
                Flag::Draft
            ])),
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        );
        assert_eq!(
            data(Data::Vanished {
                earlier: true,
                uids: NumSet::new(vec![
                    SetItem::Range(
                        Bound::Value(Uid::new(300).unwrap()),
                        Bound::Value(Uid::new(310).unwrap())
                    ),
                    SetItem::Single(Bound::Value(Uid::new(405).unwrap())),
                ])
                .unwrap()
            }),
            "* VANISHED (EARLIER) 300:310,405\r\n"
        );
        assert_eq!(
            data(Data::Vanished {
                earlier: false,
                uids: UidSet::single(Uid::new(405).unwrap())
            }),
            "* VANISHED 405\r\n"
        );
    }

    #[test]
    fn acl_quota_rights() {
        assert_eq!(
            data(Data::Acl {
                mailbox: Mailbox::new("INBOX"),
                entries: vec![
                    AclEntry {
                        identifier: Str::from("Fred"),
                        rights: Str::from("rwipslxetad")
                    },
                    AclEntry {
                        identifier: Str::from("-Fred Smith"),
                        rights: Str::from("")
                    },
                ]
            }),
            "* ACL INBOX Fred rwipslxetad \"-Fred Smith\" \"\"\r\n"
        );
        assert_eq!(
            data(Data::ListRights {
                mailbox: Mailbox::new("~/Mail/saved"),
                identifier: Str::from("smith"),
                required: Str::from("la"),
                optional: vec![Str::from("r"), Str::from("swicdkxte")]
            }),
            "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n"
        );
        assert_eq!(
            data(Data::MyRights {
                mailbox: Mailbox::new("INBOX"),
                rights: Str::from("rwiptsldaex")
            }),
            "* MYRIGHTS INBOX rwiptsldaex\r\n"
        );
        assert_eq!(
            data(Data::Quota {
                root: Str::from(""),
                resources: vec![QuotaResource {
                    name: Atom::from_static("STORAGE"),
                    usage: 10,
                    limit: 512
                }]
            }),
            "* QUOTA \"\" (STORAGE 10 512)\r\n"
        );
        assert_eq!(
            data(Data::QuotaRoot {
                mailbox: Mailbox::inbox(),
                roots: vec![Str::from("")]
            }),
            "* QUOTAROOT INBOX \"\"\r\n"
        );
        assert_eq!(
            data(Data::QuotaRoot {
                mailbox: Mailbox::new("comp.mail.mime"),
                roots: vec![]
            }),
            "* QUOTAROOT comp.mail.mime\r\n"
        );
    }

    #[test]
    fn metadata() {
        assert_eq!(
            data(Data::Metadata {
                mailbox: Mailbox::new("INBOX"),
                entries: vec![
                    (Str::from("/shared/comment"), Some(Str::from("My comment"))),
                    (Str::from("/private/comment"), None),
                ]
            }),
            "* METADATA INBOX (/shared/comment \"My comment\" /private/comment NIL)\r\n"
        );
        assert_eq!(
            data(Data::Metadata {
                mailbox: Mailbox::new(""),
                entries: vec![(Str::from("/shared/x"), Some(Str::from(&b"a\0b"[..])))]
            }),
            "* METADATA \"\" (/shared/x ~{3}\r\na\0b)\r\n"
        );
        assert_eq!(
            data(Data::MetadataChanged {
                mailbox: Mailbox::new("INBOX"),
                entries: vec![Str::from("/shared/comment"), Str::from("/private/comment")]
            }),
            "* METADATA INBOX /shared/comment /private/comment\r\n"
        );
    }

    #[test]
    fn id_data() {
        assert_eq!(
            data(Data::Id(Some(vec![
                (Str::from("name"), Some(Str::from("Cyrus"))),
                (Str::from("version"), Some(Str::from("1.5"))),
                (Str::from("support-url"), None),
            ]))),
            "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"support-url\" NIL)\r\n"
        );
        assert_eq!(data(Data::Id(None)), "* ID NIL\r\n");
        assert_eq!(data(Data::Id(Some(vec![]))), "* ID ()\r\n");
    }

    #[test]
    fn other_data_is_raw_with_literals() {
        assert_eq!(
            data(Data::Other {
                name: Str::from("XSTUFF"),
                rest: Str::from("a (b c) 12")
            }),
            "* XSTUFF a (b c) 12\r\n"
        );
        assert_eq!(
            data(Data::Other {
                name: Str::from("XSTUFF"),
                rest: Str::from("")
            }),
            "* XSTUFF\r\n"
        );
        assert_eq!(
            data(Data::Other {
                name: Str::from("3"),
                rest: Str::from("XTHING {4}\r\nab\r\n done")
            }),
            "* 3 XTHING {4}\r\nab\r\n done\r\n"
        );
        let e = encode_response(
            &Response::Data(Data::Other {
                name: Str::from("X"),
                rest: Str::from("{2}\r\nab"),
            }),
            &EncodeOptions::default(),
        );
        assert_eq!(
            e.fragments(),
            &[
                Fragment::Line(Bytes::from("* X {2}\r\n")),
                Fragment::Literal {
                    data: Bytes::from("ab"),
                    sync: false,
                    binary: false
                },
                Fragment::Line(Bytes::from("\r\n")),
            ]
        );
        assert_eq!(
            data(Data::Other {
                name: Str::from("X\r\n"),
                rest: Str::from("a\rb\nc {7}")
            }),
            "* X   a b c {7} \r\n"
        );
    }

    #[test]
    fn options_do_not_change_response_literals() {
        let opts = EncodeOptions {
            literal_plus: true,
            literal_minus: true,
            utf8: false,
        };
        assert_eq!(
            resp_with(
                Response::Data(Data::QuotaRoot {
                    mailbox: Mailbox::new("a"),
                    roots: vec![Str::from("x\ny")]
                }),
                opts
            ),
            "* QUOTAROOT a {3}\r\nx\ny\r\n"
        );
    }
}
