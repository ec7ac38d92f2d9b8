//! Response codes: the `CODE args` inside `[...]` (`resp-text-code`).

use super::writer::Writer;
use crate::types::Code;

/// Writes a response code without the brackets.
pub(super) fn code(w: &mut Writer<'_>, c: &Code) {
    match c {
        Code::Alert => w.put(b"ALERT"),
        Code::BadCharset(charsets) => {
            w.put(b"BADCHARSET");
            if !charsets.is_empty() {
                w.sp();
                w.paren_list(charsets, |w, c| w.charset(c));
            }
        }
        Code::Capability(caps) => {
            w.put(b"CAPABILITY");
            w.sp_each(caps, |w, c| w.capability(c));
        }
        Code::Parse => w.put(b"PARSE"),
        Code::PermanentFlags(flags) => {
            w.put(b"PERMANENTFLAGS ");
            w.paren_list(flags, |w, f| w.flag_perm(f));
        }
        Code::ReadOnly => w.put(b"READ-ONLY"),
        Code::ReadWrite => w.put(b"READ-WRITE"),
        Code::TryCreate => w.put(b"TRYCREATE"),
        Code::UidNext(uid) => {
            w.put(b"UIDNEXT ");
            w.num32(uid.get());
        }
        Code::UidValidity(v) => {
            w.put(b"UIDVALIDITY ");
            w.num32(v.get());
        }
        Code::Unseen(seq) => {
            w.put(b"UNSEEN ");
            w.num32(seq.get());
        }
        Code::AppendUid { validity, uids } => {
            w.put(b"APPENDUID ");
            w.num32(validity.get());
            w.sp();
            w.set(uids);
        }
        Code::CopyUid {
            validity,
            source,
            destination,
        } => {
            w.put(b"COPYUID ");
            w.num32(validity.get());
            w.sp();
            w.set(source);
            w.sp();
            w.set(destination);
        }
        Code::UidNotSticky => w.put(b"UIDNOTSTICKY"),
        Code::HighestModSeq(n) => {
            w.put(b"HIGHESTMODSEQ ");
            w.num(*n);
        }
        Code::NoModSeq => w.put(b"NOMODSEQ"),
        Code::Modified(set) => {
            w.put(b"MODIFIED ");
            w.set(set);
        }
        Code::Closed => w.put(b"CLOSED"),
        Code::MailboxId(id) => {
            w.put(b"MAILBOXID (");
            w.atom_or_string(id);
            w.byte(b')');
        }
        Code::TooBig => w.put(b"TOOBIG"),
        Code::NoUpdate(tag) => {
            w.put(b"NOUPDATE ");
            w.string(tag);
        }
        Code::BadUrl(url) => {
            w.put(b"BADURL ");
            w.code_text(url.as_bytes());
        }
        Code::BadEvent(events) => {
            w.put(b"BADEVENT ");
            w.paren_list(events, |w, a| w.atom(a));
        }
        Code::Referral(url) => {
            w.put(b"REFERRAL ");
            w.code_text(url.as_bytes());
        }
        Code::MetadataLongEntries(n) => {
            w.put(b"METADATA LONGENTRIES ");
            w.num(*n);
        }
        Code::MetadataMaxSize(n) => {
            w.put(b"METADATA MAXSIZE ");
            w.num(*n);
        }
        Code::MetadataTooMany => w.put(b"METADATA TOOMANY"),
        Code::MetadataNoPrivate => w.put(b"METADATA NOPRIVATE"),
        Code::Simple(s) => w.put(s.name().as_bytes()),
        Code::Other { name, args } => {
            w.atom(name);
            if let Some(args) = args.as_ref().filter(|a| !a.is_empty()) {
                w.sp();
                w.code_text(args.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::resp;
    use crate::types::*;
    use std::num::NonZeroU32;

    fn ok(code: Code) -> String {
        resp(Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(code),
            text: Str::from("x"),
        }))
    }

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    fn uids(s: &[(u32, u32)]) -> UidSet {
        NumSet::new(
            s.iter()
                .map(|&(a, b)| {
                    let u = |n| Bound::Value(Uid::new(n).unwrap());
                    if a == b {
                        SetItem::Single(u(a))
                    } else {
                        SetItem::Range(u(a), u(b))
                    }
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn base_codes() {
        assert_eq!(ok(Code::Alert), "* OK [ALERT] x\r\n");
        assert_eq!(ok(Code::Parse), "* OK [PARSE] x\r\n");
        assert_eq!(ok(Code::ReadOnly), "* OK [READ-ONLY] x\r\n");
        assert_eq!(ok(Code::ReadWrite), "* OK [READ-WRITE] x\r\n");
        assert_eq!(ok(Code::TryCreate), "* OK [TRYCREATE] x\r\n");
        assert_eq!(
            ok(Code::UidNext(Uid::new(4392).unwrap())),
            "* OK [UIDNEXT 4392] x\r\n"
        );
        assert_eq!(
            ok(Code::UidValidity(nz(3857529045))),
            "* OK [UIDVALIDITY 3857529045] x\r\n"
        );
        assert_eq!(
            ok(Code::Unseen(SeqNum::new(12).unwrap())),
            "* OK [UNSEEN 12] x\r\n"
        );
        assert_eq!(
            ok(Code::PermanentFlags(vec![
                FlagPerm::Flag(Flag::Deleted),
                FlagPerm::Flag(Flag::Seen),
                FlagPerm::Wildcard
            ])),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] x\r\n"
        );
        assert_eq!(
            ok(Code::PermanentFlags(vec![])),
            "* OK [PERMANENTFLAGS ()] x\r\n"
        );
        assert_eq!(
            ok(Code::Capability(vec![
                Capability::Imap4rev2,
                Capability::StartTls,
                Capability::Auth(Atom::from_static("GSSAPI")),
                Capability::LoginDisabled
            ])),
            "* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED] x\r\n"
        );
        assert_eq!(ok(Code::BadCharset(vec![])), "* OK [BADCHARSET] x\r\n");
        assert_eq!(
            ok(Code::BadCharset(vec![Str::from("UTF-8"), Str::from("a b")])),
            "* OK [BADCHARSET (UTF-8 \"a b\")] x\r\n"
        );
    }

    #[test]
    fn extension_codes() {
        assert_eq!(
            ok(Code::AppendUid {
                validity: nz(38505),
                uids: uids(&[(3955, 3955)])
            }),
            "* OK [APPENDUID 38505 3955] x\r\n"
        );
        assert_eq!(
            ok(Code::CopyUid {
                validity: nz(38505),
                source: uids(&[(304, 304), (319, 320)]),
                destination: uids(&[(3956, 3958)])
            }),
            "* OK [COPYUID 38505 304,319:320 3956:3958] x\r\n"
        );
        assert_eq!(ok(Code::UidNotSticky), "* OK [UIDNOTSTICKY] x\r\n");
        assert_eq!(
            ok(Code::HighestModSeq(715194045007)),
            "* OK [HIGHESTMODSEQ 715194045007] x\r\n"
        );
        assert_eq!(ok(Code::NoModSeq), "* OK [NOMODSEQ] x\r\n");
        assert_eq!(
            ok(Code::Modified(
                NumSet::new(vec![
                    SetItem::Single(Bound::Value(7)),
                    SetItem::Range(Bound::Value(9), Bound::Value(12))
                ])
                .unwrap()
            )),
            "* OK [MODIFIED 7,9:12] x\r\n"
        );
        assert_eq!(ok(Code::Closed), "* OK [CLOSED] x\r\n");
        assert_eq!(
            ok(Code::MailboxId(Str::from(
                "F2212ea87-6097-4256-9d51-71338625"
            ))),
            "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] x\r\n"
        );
        assert_eq!(ok(Code::TooBig), "* OK [TOOBIG] x\r\n");
        assert_eq!(
            ok(Code::BadUrl(Str::from(
                "/INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1"
            ))),
            "* OK [BADURL /INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1] x\r\n"
        );
        assert_eq!(
            ok(Code::Referral(Str::from("IMAP://user;AUTH=*@SERVER2/"))),
            "* OK [REFERRAL IMAP://user;AUTH=*@SERVER2/] x\r\n"
        );
        assert_eq!(
            ok(Code::MetadataLongEntries(2199)),
            "* OK [METADATA LONGENTRIES 2199] x\r\n"
        );
        assert_eq!(
            ok(Code::MetadataMaxSize(1024)),
            "* OK [METADATA MAXSIZE 1024] x\r\n"
        );
        assert_eq!(ok(Code::MetadataTooMany), "* OK [METADATA TOOMANY] x\r\n");
        assert_eq!(
            ok(Code::MetadataNoPrivate),
            "* OK [METADATA NOPRIVATE] x\r\n"
        );
        for (name, c) in crate::types::code::SIMPLE_CODES {
            assert_eq!(ok(Code::Simple(*c)), format!("* OK [{name}] x\r\n"));
        }
    }

    #[test]
    fn other_codes_cannot_break_out() {
        assert_eq!(
            ok(Code::Other {
                name: Atom::from_static("X-FOO"),
                args: None
            }),
            "* OK [X-FOO] x\r\n"
        );
        assert_eq!(
            ok(Code::Other {
                name: Atom::from_static("X-FOO"),
                args: Some(Str::from("1 2 (a)"))
            }),
            "* OK [X-FOO 1 2 (a)] x\r\n"
        );
        assert_eq!(
            ok(Code::Other {
                name: Atom::from_static("X-FOO"),
                args: Some(Str::from("a] b\r\n* BYE"))
            }),
            "* OK [X-FOO a  b  * BYE] x\r\n"
        );
        assert_eq!(
            ok(Code::Referral(Str::from("imap://x/]\r\n"))),
            "* OK [REFERRAL imap://x/   ] x\r\n"
        );
    }
}
