//! Server responses (RFC 9051 section 7 and `response` in section 9, plus extension data).

use super::core::{
    advance, astring, at_eol, at_keyword, at_nil, atom, atom_bytes, byte, commit, crlf, cut,
    decode_mailbox, fail, flag_list, flag_perm, lenient, mailbox, modseq_value, more_on_line, nil,
    nstring8, number, number64, nz_number, paren_list, peek, quoted, raw_value, seq_set, slice, sp,
    string, tag, take_while0, take_while1, text, upper,
};
use super::fetch::msg_att;
use super::{Input, PErr, PResult};
use crate::types::string::is_atom_char;
use crate::types::{
    AclEntry, Atom, Capability, Code, Continue, Data, ESearch, ESearchData, ListEntry, MailboxAttr,
    Namespace, Namespaces, NumSet, PartialRange, QuotaResource, Response, SeqNum, SimpleCode,
    StatusItem, StatusKind, StatusResponse, StatusValue, Str, Thread, Uid,
};
use bytes::Bytes;
use std::num::NonZeroU32;
use winnow::combinator::{dispatch, preceded, repeat};
use winnow::error::ErrMode;
use winnow::prelude::*;

// response = continue-req / response-data / response-tagged / response-fatal (one framed unit;
// RFC 9051 section 9 groups them as `*(continue-req / response-data) response-done`)
/// One response.
//
// Tolerated: NUL bytes before a response (some servers send them before the greeting), skipped.
pub(super) fn response(i: &mut Input<'_>) -> PResult<Response> {
    if lenient(i) {
        take_while0(i, |b| b == 0);
    }
    let r = match peek(i) {
        Some(b'+') => Response::Continue(continue_req(i)?),
        Some(b'*') => {
            advance(i, 1);
            if peek(i) == Some(b' ') || !lenient(i) {
                sp(i)?;
            }
            untagged(i)?
        }
        // Tolerated: a response-code line without `* ` (`[ALERT] ...`), unless the line is
        // valid grammar: a tag may start with `[`, so `[A1 OK done` is a tagged response.
        Some(b'[') if lenient(i) && !at_tagged_status(i) => {
            Response::Status(status_rest(i, None, StatusKind::Ok)?)
        }
        _ => {
            // response-tagged = tag SP resp-cond-state CRLF
            // resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text (RFC 9051 section 9).
            // Tolerated: a tagged BYE or PREAUTH (wp.pl answers LOGOUT with `a4 BYE ...`).
            let t = tag(i)?;
            sp(i)?;
            let at_kind = *i;
            let kind = status_kind(i)?;
            if !lenient(i) && matches!(kind, StatusKind::Bye | StatusKind::PreAuth) {
                return fail(&at_kind, "OK, NO or BAD");
            }
            Response::Status(status_after_kind(i, Some(t), kind)?)
        }
    };
    crlf(i)?;
    Ok(r)
}

// continue-req = "+" SP (resp-text / base64) CRLF (RFC 9051 section 9).
// Tolerated: a bare `+` with no space or text.
fn continue_req(i: &mut Input<'_>) -> PResult<Continue> {
    byte(i, b'+', "+")?;
    if peek(i) != Some(b' ') {
        if lenient(i) && at_eol(i) {
            return Ok(Continue {
                code: None,
                text: Str::default(),
            });
        }
        return fail(i, "SP after +");
    }
    advance(i, 1);
    let (code, text) = resp_text(i)?;
    Ok(Continue { code, text })
}

/// Whether the input starts with `tag SP ("OK" / "NO" / "BAD" / "BYE" / "PREAUTH")`.
fn at_tagged_status(i: &Input<'_>) -> bool {
    let mut probe = *i;
    tag(&mut probe).is_ok() && sp(&mut probe).is_ok() && status_kind(&mut probe).is_ok()
}

fn status_kind(i: &mut Input<'_>) -> PResult<StatusKind> {
    let start = *i;
    let w = atom_bytes(i)?;
    let is = |n: &str| w.eq_ignore_ascii_case(n.as_bytes());
    Ok(if is("OK") {
        StatusKind::Ok
    } else if is("NO") {
        StatusKind::No
    } else if is("BAD") {
        StatusKind::Bad
    } else if is("PREAUTH") {
        StatusKind::PreAuth
    } else if is("BYE") {
        StatusKind::Bye
    } else {
        return fail(&start, "OK, NO, BAD, PREAUTH or BYE");
    })
}

fn status_after_kind(
    i: &mut Input<'_>,
    tag: Option<crate::types::Tag>,
    kind: StatusKind,
) -> PResult<StatusResponse> {
    // Tolerated: no text at all after the status keyword (`a1 OK\r\n`, `* BYE\r\n`).
    if at_eol(i) && lenient(i) {
        return Ok(StatusResponse {
            tag,
            kind,
            code: None,
            text: Str::default(),
        });
    }
    sp(i)?;
    status_rest(i, tag, kind)
}

fn status_rest(
    i: &mut Input<'_>,
    tag: Option<crate::types::Tag>,
    kind: StatusKind,
) -> PResult<StatusResponse> {
    let (code, text) = resp_text(i)?;
    Ok(StatusResponse {
        tag,
        kind,
        code,
        text,
    })
}

// resp-text = ["[" resp-text-code "]" SP] [text] (RFC 9051 section 9).
// Tolerated: no SP and no text after the code (`* OK [HIGHESTMODSEQ 5]`), and text that starts
// with `[` but is not a valid code followed by SP or the line end (`* OK [x]y` is text).
fn resp_text(i: &mut Input<'_>) -> PResult<(Option<Code>, Str)> {
    if peek(i) == Some(b'[') {
        let start = *i;
        match resp_text_code_bracketed(i) {
            Ok(code) if peek(i) == Some(b' ') || at_eol(i) => {
                if peek(i) == Some(b' ') {
                    advance(i, 1);
                }
                let t = text(i)?;
                return Ok((Some(code), t));
            }
            Ok(_) if !lenient(i) => return fail(i, "SP after response code"),
            Err(e) if !lenient(i) => return Err(e),
            Ok(_) | Err(_) => *i = start,
        }
    }
    Ok((None, text(i)?))
}

fn resp_text_code_bracketed(i: &mut Input<'_>) -> PResult<Code> {
    byte(i, b'[', "[")?;
    let name_start = *i;
    let name = take_while1(i, |b| is_atom_char(b) && b != b'[', "response code")?;
    let after_name = *i;
    match known_code(i, name) {
        Ok(Some(code)) if peek(i) == Some(b']') => {
            advance(i, 1);
            Ok(code)
        }
        Err(e) if !lenient(i) => Err(e),
        _ if !lenient(i) && is_known_code_name(name) => fail(i, "]"),
        _ => {
            // Unknown code, or a known one with arguments we cannot read: keep it raw.
            *i = after_name;
            let name = Atom::unchecked(slice(&name_start, name));
            // Tolerated: arguments glued to the name by a quote, `[Error="..." Proxy=...]`
            // (Outlook 365, ruby/net-imap#597).
            let glued = lenient(i) && peek(i) == Some(b'"');
            let args = if peek(i) == Some(b' ') || glued {
                if !glued {
                    advance(i, 1);
                }
                let a = take_while0(i, |b| b != b']' && b != b'\r' && b != b'\n');
                Some(Str::new(slice(i, a)))
            } else {
                None
            };
            byte(i, b']', "]")?;
            Ok(Code::Other { name, args })
        }
    }
}

fn is_known_code_name(name: &[u8]) -> bool {
    const NAMES: &[&str] = &[
        "ALERT",
        "BADCHARSET",
        "CAPABILITY",
        "PARSE",
        "PERMANENTFLAGS",
        "READ-ONLY",
        "READ-WRITE",
        "TRYCREATE",
        "UIDNEXT",
        "UIDVALIDITY",
        "UNSEEN",
        "APPENDUID",
        "COPYUID",
        "UIDNOTSTICKY",
        "HIGHESTMODSEQ",
        "NOMODSEQ",
        "MODIFIED",
        "CLOSED",
        "MAILBOXID",
        "TOOBIG",
        "BADURL",
        "NOUPDATE",
        "REFERRAL",
        "METADATA",
    ];
    NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        || SimpleCode::from_name(name).is_some()
}

// resp-text-code = "ALERT" / "BADCHARSET" [SP "(" charset *(SP charset) ")" ] / capability-data /
//   "PARSE" / "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" / "READ-ONLY" /
//   "READ-WRITE" / "TRYCREATE" / "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
//   resp-code-apnd / resp-code-copy / "UIDNOTSTICKY" / "UNAVAILABLE" / ... / "CLOSED" /
//   "UNKNOWN-CTE" / atom [SP 1*<any TEXT-CHAR except "]">] (RFC 9051 section 9), plus UNSEEN
//   (RFC 3501), HIGHESTMODSEQ/NOMODSEQ/MODIFIED (RFC 7162), MAILBOXID (RFC 8474), TOOBIG
//   (RFC 4469), REFERRAL (RFC 2221), METADATA (RFC 5464), the RFC 5530 codes;
//   badurl-response-code = "BADURL" SP url-resp-text ; url-resp-text = 1*(%x01-09 / %x0B-0C /
//   %x0E-5B / %x5D-FE) (RFC 4469 section 5).
/// A known response code's arguments; `None` when the name is not a known code.
fn known_code(i: &mut Input<'_>, name: &[u8]) -> PResult<Option<Code>> {
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    if let Some(c) = SimpleCode::from_name(name) {
        return Ok(Some(Code::Simple(c)));
    }
    let code = if is("ALERT") {
        Code::Alert
    } else if is("PARSE") {
        Code::Parse
    } else if is("READ-ONLY") {
        Code::ReadOnly
    } else if is("READ-WRITE") {
        Code::ReadWrite
    } else if is("TRYCREATE") {
        Code::TryCreate
    } else if is("UIDNOTSTICKY") {
        Code::UidNotSticky
    } else if is("NOMODSEQ") {
        Code::NoModSeq
    } else if is("CLOSED") {
        Code::Closed
    } else if is("TOOBIG") {
        Code::TooBig
    } else if is("BADCHARSET") {
        if peek(i) == Some(b' ') {
            sp(i)?;
            Code::BadCharset(paren_list(i, astring)?)
        } else {
            Code::BadCharset(Vec::new())
        }
    } else if is("CAPABILITY") {
        Code::Capability(capability_list(i)?)
    } else if is("PERMANENTFLAGS") {
        sp(i)?;
        Code::PermanentFlags(paren_list(i, flag_perm)?)
    } else if is("UIDNEXT") {
        sp(i)?;
        Code::UidNext(Uid::from(nz_number(i)?))
    } else if is("UIDVALIDITY") {
        sp(i)?;
        Code::UidValidity(nz_number(i)?)
    } else if is("UNSEEN") {
        sp(i)?;
        Code::Unseen(SeqNum::from(nz_number(i)?))
    } else if is("APPENDUID") {
        // resp-code-apnd = "APPENDUID" SP nz-number SP append-uid (RFC 4315 / 9051)
        sp(i)?;
        let validity = nz_number(i)?;
        sp(i)?;
        Code::AppendUid {
            validity,
            uids: seq_set(i)?,
        }
    } else if is("COPYUID") {
        // resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set
        sp(i)?;
        let validity = nz_number(i)?;
        sp(i)?;
        let source = seq_set(i)?;
        sp(i)?;
        Code::CopyUid {
            validity,
            source,
            destination: seq_set(i)?,
        }
    } else if is("HIGHESTMODSEQ") {
        sp(i)?;
        Code::HighestModSeq(modseq_value(i)?)
    } else if is("MODIFIED") {
        sp(i)?;
        Code::Modified(seq_set(i)?)
    } else if is("MAILBOXID") {
        sp(i)?;
        byte(i, b'(', "(")?;
        let id = take_while1(
            i,
            |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            "id",
        )?;
        let id = Str::new(slice(i, id));
        byte(i, b')', ")")?;
        Code::MailboxId(id)
    } else if is("NOUPDATE") {
        // resp-text-code =/ "NOUPDATE" SP quoted (RFC 5267 section 5)
        sp(i)?;
        Code::NoUpdate(Str::new(quoted(i)?))
    } else if is("BADURL") {
        sp(i)?;
        let url = take_while1(i, |b| !matches!(b, b']' | b'\r' | b'\n' | 0), "URL")?;
        Code::BadUrl(Str::new(slice(i, url)))
    } else if is("BADEVENT") {
        // unsupported-events-code = "BADEVENT" SP "(" event-name *(SP event-name) ")"
        // (RFC 5465 section 8)
        sp(i)?;
        Code::BadEvent(paren_list(i, atom)?)
    } else if is("REFERRAL") {
        sp(i)?;
        let url = take_while1(i, |b| b != b']' && b != b' ' && b > 0x20, "URL")?;
        Code::Referral(Str::new(slice(i, url)))
    } else if is("METADATA") {
        sp(i)?;
        let w = atom_bytes(i)?;
        let is = |n: &str| w.eq_ignore_ascii_case(n.as_bytes());
        if is("LONGENTRIES") {
            sp(i)?;
            Code::MetadataLongEntries(number64(i)?)
        } else if is("MAXSIZE") {
            sp(i)?;
            Code::MetadataMaxSize(number64(i)?)
        } else if is("TOOMANY") {
            Code::MetadataTooMany
        } else if is("NOPRIVATE") {
            Code::MetadataNoPrivate
        } else {
            return fail(i, "METADATA code");
        }
    } else {
        return Ok(None);
    };
    Ok(Some(code))
}

// capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)
// (RFC 9051 section 9). Tolerated: trailing spaces; the required IMAP4rev1/rev2 is not checked.
fn capability_list(i: &mut Input<'_>) -> PResult<Vec<Capability>> {
    let mut caps = Vec::with_capacity(16);
    while peek(i) == Some(b' ') {
        let save = *i;
        sp(i)?;
        match atom(i) {
            Ok(a) => caps.push(Capability::from_atom(a)),
            Err(_) => {
                *i = save;
                break;
            }
        }
    }
    Ok(caps)
}

// response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
//                 capability-data / enable-data) CRLF (RFC 9051 section 9)
fn untagged(i: &mut Input<'_>) -> PResult<Response> {
    use UntaggedName as N;
    if peek(i).is_some_and(|b| b.is_ascii_digit()) {
        return numbered(i);
    }
    // Tolerated: `* [CODE] text` with no status keyword.
    if peek(i) == Some(b'[') && lenient(i) {
        return status_rest(i, None, StatusKind::Ok).map(Response::Status);
    }
    dispatch! {untagged_name;
        N::Status(kind) => move |i: &mut Input<'_>| {
            status_after_kind(i, None, kind).map(Response::Status)
        },
        N::Capability => data(capability_data),
        N::Enabled => data(capability_list.map(Data::Enabled)),
        N::Flags => data(preceded(sp, flag_list).map(Data::Flags)),
        N::List => data(preceded(sp, mailbox_list).map(Data::List)),
        N::Lsub => data(preceded(sp, mailbox_list).map(Data::Lsub)),
        N::XList => data(preceded(sp, mailbox_list).map(Data::XList)),
        N::StatusData => data(status_data),
        N::Search => data(number_list.map(|(nums, modseq)| Data::Search { nums, modseq })),
        N::Sort => data(number_list.map(|(nums, modseq)| Data::Sort { nums, modseq })),
        N::ESearch => data(esearch.map(Data::ESearch)),
        N::Thread => data(threads.map(Data::Thread)),
        N::Vanished => data(vanished),
        N::Namespace => data(namespaces.map(Data::Namespace)),
        N::Id => data(preceded(sp, super::core::id_params).map(Data::Id)),
        N::Quota => data(quota),
        N::QuotaRoot => data(quota_root),
        N::Acl => data(acl),
        N::ListRights => data(list_rights),
        N::MyRights => data((preceded(sp, mailbox), preceded(sp, astring))
            .map(|(mailbox, rights)| Data::MyRights { mailbox, rights })),
        N::Metadata => data(metadata),
        N::Other => data(other),
    }
    .parse_next(i)
}

/// Untagged data read by `p`, as a response.
fn data<'a>(
    p: impl Parser<Input<'a>, Data, ErrMode<PErr>>,
) -> impl Parser<Input<'a>, Response, ErrMode<PErr>> {
    p.map(Response::Data)
}

/// The keyword after `* ` when it is not a number: a status or a kind of untagged data.
#[derive(Clone, Copy)]
enum UntaggedName {
    Status(StatusKind),
    Capability,
    Enabled,
    Flags,
    List,
    Lsub,
    XList,
    /// `STATUS` data (not a status response).
    StatusData,
    Search,
    Sort,
    ESearch,
    Thread,
    Vanished,
    Namespace,
    Id,
    Quota,
    QuotaRoot,
    Acl,
    ListRights,
    MyRights,
    Metadata,
    /// Unknown data: the input is left before the name, for [`other`].
    Other,
}

// resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text ; resp-cond-bye = "BYE" SP resp-text ;
// resp-cond-auth = ("OK" / "PREAUTH") SP resp-text ; and the names that start mailbox-data,
// capability-data and enable-data (RFC 9051 section 9) and the extension data (RFC 5256,
// RFC 4731, RFC 7162, RFC 2342, RFC 2971, RFC 9208, RFC 4314, RFC 5464)
/// The keyword of an untagged response, matched without regard to case.
fn untagged_name(i: &mut Input<'_>) -> PResult<UntaggedName> {
    use UntaggedName as N;
    let start = *i;
    let word = atom_bytes(i)?;
    let mut buf = [0u8; 12];
    Ok(match upper(word, &mut buf) {
        b"OK" => N::Status(StatusKind::Ok),
        b"NO" => N::Status(StatusKind::No),
        b"BAD" => N::Status(StatusKind::Bad),
        b"BYE" => N::Status(StatusKind::Bye),
        b"PREAUTH" => N::Status(StatusKind::PreAuth),
        b"CAPABILITY" => N::Capability,
        b"ENABLED" => N::Enabled,
        b"FLAGS" => N::Flags,
        b"LIST" => N::List,
        b"LSUB" => N::Lsub,
        b"XLIST" => N::XList,
        b"STATUS" => N::StatusData,
        b"SEARCH" => N::Search,
        b"SORT" => N::Sort,
        b"ESEARCH" => N::ESearch,
        b"THREAD" => N::Thread,
        b"VANISHED" => N::Vanished,
        b"NAMESPACE" => N::Namespace,
        b"ID" => N::Id,
        b"QUOTA" => N::Quota,
        b"QUOTAROOT" => N::QuotaRoot,
        b"ACL" => N::Acl,
        b"LISTRIGHTS" => N::ListRights,
        b"MYRIGHTS" => N::MyRights,
        b"METADATA" => N::Metadata,
        _ => {
            *i = start;
            N::Other
        }
    })
}

// capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)
// (RFC 9051 section 9)
// Tolerated: namespace data under the CAPABILITY keyword, `* CAPABILITY (("" "/")) NIL NIL`,
// imap.sohu.com's answer to NAMESPACE (jstedfast/MailKit#2006).
/// What follows `CAPABILITY` in untagged data.
fn capability_data(i: &mut Input<'_>) -> PResult<Data> {
    if lenient(i) && i.input.starts_with(b" (") {
        namespaces(i).map(Data::Namespace)
    } else {
        capability_list(i).map(Data::Capability)
    }
}

// quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name) (RFC 9208 section 7)
// Tolerated: parentheses in an unquoted name, `* QUOTAROOT folderB/TESTfolder(S)C ""`
// (imap.telus.net, jakartaee/mail-api#32): the name runs to the next space.
/// What follows `QUOTAROOT`.
fn quota_root(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let mailbox = if lenient(i) && !matches!(peek(i), Some(b'"' | b'{')) {
        let name = take_while1(i, |b| b > b' ' && b != 0x7f, "mailbox name")?;
        decode_mailbox(slice(i, name), i.state.opts.utf8)
    } else {
        mailbox(i)?
    };
    let roots = repeat(0.., preceded(more_on_line, astring)).parse_next(i)?;
    Ok(Data::QuotaRoot { mailbox, roots })
}

// listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)
// (RFC 4314 section 7)
/// What follows `LISTRIGHTS`.
fn list_rights(i: &mut Input<'_>) -> PResult<Data> {
    let (mailbox, identifier, required) = (
        preceded(sp, mailbox),
        preceded(sp, astring),
        preceded(sp, astring),
    )
        .parse_next(i)?;
    let optional = repeat(0.., preceded(more_on_line, astring)).parse_next(i)?;
    Ok(Data::ListRights {
        mailbox,
        identifier,
        required,
        optional,
    })
}

/// Unknown untagged data: the first token and the rest of the unit, raw. Strict mode wants the
/// token to be an atom (or the number of `* n WORD`), as every response name in the grammar is;
/// tolerant mode takes anything up to the first space.
///
/// Strict mode also refuses a name that starts with `[`, although `[` is an `ATOM-CHAR`: `* [`
/// starts a response code whose status keyword is missing, which tolerant mode reads as an
/// untagged OK (`* [UIDNEXT 5] x` would otherwise be unknown data `[UIDNEXT` in strict mode and
/// a status in tolerant mode). No response name starts with `[`.
fn other(i: &mut Input<'_>) -> PResult<Data> {
    let start = *i;
    let name = take_while1(
        i,
        |b| b != b' ' && b != b'\r' && b != b'\n',
        "response name",
    )?;
    if !lenient(i) && (name[0] == b'[' || !name.iter().all(|&b| is_atom_char(b))) {
        return fail(&start, "response name");
    }
    let name = Str::new(slice(i, name));
    if peek(i) == Some(b' ') {
        advance(i, 1);
    }
    // The rest may hold literals: take everything but the final line ending.
    let all: &[u8] = i.input;
    let end = if all.ends_with(b"\r\n") {
        all.len() - 2
    } else if all.ends_with(b"\n") {
        all.len() - 1
    } else {
        all.len()
    };
    let rest = advance(i, end);
    Ok(Data::Other {
        name,
        rest: Str::new(slice(i, rest)),
    })
}

// message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
// mailbox-data =/ number SP "EXISTS" / number SP "RECENT" (RFC 9051 section 9, RFC 3501)
// Hand-written rather than a `dispatch!`: almost every response of a large mailbox is
// `* n FETCH`, tested first here without copying the keyword, and built as the response it is
// (not as data moved into a response afterwards).
fn numbered(i: &mut Input<'_>) -> PResult<Response> {
    let start = *i;
    let n = number(i)?;
    sp(i)?;
    let word = atom_bytes(i)?;
    let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
    if is("FETCH") {
        let seq = match SeqNum::new(n) {
            Some(s) => s,
            None => return cut(&start, "non-zero sequence number"),
        };
        sp(i)?;
        let data = commit(msg_att(i))?;
        Ok(Response::Data(Data::Fetch { seq, data }))
    } else if is("UIDFETCH") {
        // uidfetch-resp = uniqueid SP "UIDFETCH" SP msg-att (RFC 9586 section 4)
        let Some(uid) = Uid::new(n) else {
            return cut(&start, "non-zero UID");
        };
        sp(i)?;
        let data = commit(msg_att(i))?;
        Ok(Response::Data(Data::UidFetch { uid, data }))
    } else if is("EXISTS") {
        Ok(Response::Data(Data::Exists(n)))
    } else if is("RECENT") {
        Ok(Response::Data(Data::Recent(n)))
    } else if is("EXPUNGE") {
        SeqNum::new(n).map_or_else(
            || cut(&start, "non-zero sequence number"),
            |s| Ok(Response::Data(Data::Expunge(s))),
        )
    } else {
        *i = start;
        other(i).map(Response::Data)
    }
}

// mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
//                [SP mbox-list-extended] (RFC 9051 section 9, RFC 5258).
// Tolerated: an empty quoted delimiter (read as NIL); a lone backslash among the attributes,
// `(\HasNoChildren \)` (home.pl's IdeaImapServer in XLIST, Foundry376/Mailspring#967, and
// dinhvh/libetpan#403), kept as an attribute with an empty name; attributes written without
// their backslash, `(HasNoChildren Noselect)`, read as the attributes they name; and an unquoted
// name holding spaces or backslashes, `"\\" Folder\Subfolder 1` (Lotus Notes,
// IndySockets/Indy#329), read to the end of the line.
fn mailbox_list(i: &mut Input<'_>) -> PResult<ListEntry> {
    let attributes = paren_list(i, |i| {
        if !(lenient(i) && peek(i) != Some(b'\\')) {
            byte(i, b'\\', "mailbox attribute")?;
        }
        if lenient(i) && matches!(peek(i), Some(b' ' | b')')) {
            return Ok(MailboxAttr::Other(Atom::unchecked(Bytes::new())));
        }
        atom(i).map(MailboxAttr::from_name)
    })?;
    sp(i)?;
    let delimiter = delimiter(i)?;
    sp(i)?;
    let name_start = *i;
    let mut mailbox = mailbox(i)?;
    if lenient(i)
        && !matches!(name_start.input.first(), Some(b'"' | b'{'))
        && !at_eol(i)
        && !i.input.starts_with(b" (")
    {
        *i = name_start;
        let rest: &[u8] = i.input;
        let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
        let name = rest[..end].trim_ascii_end();
        mailbox = decode_mailbox(slice(i, name), i.state.opts.utf8);
        advance(i, name.len());
    }
    let mut extended = Vec::new();
    if peek(i) == Some(b' ') && !at_eol(i) {
        sp(i)?;
        // mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"
        // mbox-list-extended-item = mbox-list-extended-item-tag SP tagged-ext-val
        extended = paren_list(i, |i| {
            let t = astring(i)?;
            sp(i)?;
            let v = raw_value(i, 1)?;
            Ok((t, Str::new(slice(i, v))))
        })?;
    }
    Ok(ListEntry {
        attributes,
        delimiter,
        mailbox,
        extended,
    })
}

fn delimiter(i: &mut Input<'_>) -> PResult<Option<u8>> {
    if at_nil(i) {
        nil(i)?;
        return Ok(None);
    }
    let start = *i;
    let q = quoted(i)?;
    match q.len() {
        1 => Ok(Some(q[0])),
        0 if lenient(i) => Ok(None),
        _ => cut(&start, "one-character delimiter"),
    }
}

/// Where the space before the parenthesized list that ends `line` is (trailing spaces
/// allowed), found by matching the parentheses from the end.
fn last_list_start(line: &[u8]) -> Option<usize> {
    let line = line.trim_ascii_end();
    if line.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0usize;
    for (k, &b) in line.iter().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (k > 0 && line[k - 1] == b' ').then(|| k - 1);
                }
            }
            _ => {}
        }
    }
    None
}

// status-att-list = status-att-val *(SP status-att-val)
// mailbox-data =/ "STATUS" SP mailbox SP "(" [status-att-list] ")" (RFC 9051 section 9,
// RFC 8438, RFC 7889, RFC 8474, RFC 9208). Tolerated: trailing spaces, `()`.
//
// Tolerated: an unquoted name holding spaces, `* STATUS Sent Items (MESSAGES 3)` (Twisted's
// IMAP server), read up to the last ` (` of the line.
fn status_data(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let name_start = *i;
    let mut mailbox = mailbox(i)?;
    if lenient(i)
        && !matches!(name_start.input.first(), Some(b'"' | b'{'))
        && !i.input.starts_with(b" (")
    {
        *i = name_start;
        let rest: &[u8] = i.input;
        let line = &rest[..memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len())];
        let Some(end) = last_list_start(line) else {
            return fail(i, "( after the mailbox name");
        };
        mailbox = decode_mailbox(slice(i, &line[..end]), i.state.opts.utf8);
        advance(i, end);
    }
    sp(i)?;
    let items = paren_list(i, |i| {
        let name = atom(i)?;
        sp(i)?;
        let item = StatusItem::from_atom(name);
        let value = match item {
            StatusItem::MailboxId => {
                byte(i, b'(', "(")?;
                let id = take_while1(
                    i,
                    |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
                    "id",
                )?;
                let id = Str::new(slice(i, id));
                byte(i, b')', ")")?;
                StatusValue::MailboxId(id)
            }
            StatusItem::Other(_) => StatusValue::Raw({
                let v = raw_value(i, 1)?;
                Str::new(slice(i, v))
            }),
            _ if at_nil(i) => {
                nil(i)?;
                StatusValue::Nil
            }
            _ => StatusValue::Number(number64(i)?),
        };
        Ok((item, value))
    })?;
    Ok(Data::Status { mailbox, items })
}

// mailbox-data =/ "SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]
// (RFC 3501 section 9, RFC 7162 section 7); SORT likewise (RFC 5256).
fn number_list(i: &mut Input<'_>) -> PResult<(Vec<u32>, Option<u64>)> {
    let mut nums = Vec::new();
    let mut modseq_v = None;
    while peek(i) == Some(b' ') {
        let save = *i;
        sp(i)?;
        match peek(i) {
            // nz-number; tolerated: 0.
            Some(b'0'..=b'9') if lenient(i) => nums.push(number(i)?),
            Some(b'0'..=b'9') => nums.push(nz_number(i)?.get()),
            Some(b'(') => {
                advance(i, 1);
                if !at_keyword(i, "MODSEQ") {
                    return fail(i, "MODSEQ");
                }
                advance(i, 6);
                sp(i)?;
                modseq_v = Some(modseq_value(i)?);
                byte(i, b')', ")")?;
            }
            _ => {
                *i = save;
                break;
            }
        }
    }
    Ok((nums, modseq_v))
}

/// The number after MIN or MAX: `nz-number`; tolerated: 0, which a server may write for a
/// search that matched nothing instead of leaving MIN and MAX out (RFC 4731 section 3.1).
fn min_max(i: &mut Input<'_>) -> PResult<u32> {
    if lenient(i) {
        number(i)
    } else {
        nz_number(i).map(|n| n.get())
    }
}

// ret-data-partial = "PARTIAL" SP "(" partial-range SP partial-results ")"
// partial-range = partial-range-first / partial-range-last
// partial-range-first = nz-number ":" nz-number
// partial-range-last = MINUS nz-number ":" MINUS nz-number
// partial-results = sequence-set / "NIL" (RFC 9394 section 4).
// Tolerated: spaces inside the parentheses, and 0 as a bound (read as 1, the first result).
fn partial(i: &mut Input<'_>) -> PResult<ESearchData> {
    byte(i, b'(', "(")?;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    let range = partial_range(i)?;
    sp(i)?;
    let results = if at_nil(i) {
        nil(i)?;
        None
    } else {
        Some(seq_set(i)?)
    };
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', ")")?;
    Ok(ESearchData::Partial { range, results })
}

// partial-range = partial-range-first / partial-range-last
// partial-range-first = nz-number ":" nz-number
// partial-range-last = MINUS nz-number ":" MINUS nz-number (RFC 9394 section 4; RFC 5267
// section 5 has the first form only)
/// A PARTIAL page, in a return option or an ESEARCH result.
pub(super) fn partial_range(i: &mut Input<'_>) -> PResult<PartialRange> {
    let from_end = peek(i) == Some(b'-');
    let first = partial_bound(i, from_end)?;
    byte(i, b':', ":")?;
    let second = partial_bound(i, from_end)?;
    Ok(PartialRange {
        from_end,
        first,
        second,
    })
}

// ret-data-addto = "ADDTO" SP "(" context-position SP sequence-set *(SP context-position SP
//   sequence-set) ")" ; ret-data-removefrom = "REMOVEFROM" SP "(" ... ")" (the same shape)
// context-position = number (RFC 5267 section 5)
/// The pairs of an ADDTO or REMOVEFROM item.
fn context_updates(i: &mut Input<'_>) -> PResult<Vec<(u32, NumSet<u32>)>> {
    byte(i, b'(', "(")?;
    let mut out = Vec::new();
    loop {
        let position = number(i)?;
        sp(i)?;
        out.push((position, seq_set(i)?));
        if peek(i) == Some(b')') {
            advance(i, 1);
            return Ok(out);
        }
        sp(i)?;
    }
}

/// One bound of a `partial-range`: `nz-number`, after a `-` when counting from the end.
fn partial_bound(i: &mut Input<'_>, from_end: bool) -> PResult<NonZeroU32> {
    if from_end {
        byte(i, b'-', "-")?;
    }
    if lenient(i) {
        return Ok(NonZeroU32::new(number(i)?).unwrap_or(NonZeroU32::MIN));
    }
    nz_number(i)
}

// esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
// search-correlator = SP "(" "TAG" SP tag-string ")"
// search-return-data = "MIN" SP nz-number / "MAX" SP nz-number / "ALL" SP sequence-set /
//   "COUNT" SP number / search-ret-data-ext (RFC 4731, RFC 9051 section 9)
// search-return-data =/ "MODSEQ" SP mod-sequence-value (RFC 7162 section 7)
// search-return-data =/ ret-data-partial (RFC 9394 section 4, see `partial`).
// Tolerated: `(MODSEQ n)` in parentheses, as SEARCH writes it (reported in MailKit #323), and
// `MIN 0` / `MAX 0` (see `min_max`).
fn esearch(i: &mut Input<'_>) -> PResult<ESearch> {
    let mut out = ESearch {
        tag: None,
        uid: false,
        data: Vec::new(),
    };
    if i.input.starts_with(b" (") {
        sp(i)?;
        byte(i, b'(', "(")?;
        if !at_keyword(i, "TAG") {
            return fail(i, "TAG");
        }
        advance(i, 3);
        sp(i)?;
        out.tag = Some(astring(i)?);
        byte(i, b')', ")")?;
    }
    while peek(i) == Some(b' ') && !at_eol(i) {
        sp(i)?;
        if lenient(i) && peek(i) == Some(b'(') {
            let save = *i;
            advance(i, 1);
            if at_keyword(i, "MODSEQ") {
                advance(i, 6);
                sp(i)?;
                out.data.push(ESearchData::ModSeq(modseq_value(i)?));
                byte(i, b')', ")")?;
                continue;
            }
            *i = save;
        }
        let name = atom(i)?;
        if name.eq_ignore_ascii_case("UID") && out.data.is_empty() && !out.uid {
            out.uid = true;
            continue;
        }
        sp(i)?;
        let n = name.as_bytes();
        let is = |w: &str| n.eq_ignore_ascii_case(w.as_bytes());
        out.data.push(if is("MIN") {
            ESearchData::Min(min_max(i)?)
        } else if is("MAX") {
            ESearchData::Max(min_max(i)?)
        } else if is("COUNT") {
            ESearchData::Count(number(i)?)
        } else if is("ALL") {
            ESearchData::All(seq_set(i)?)
        } else if is("MODSEQ") {
            ESearchData::ModSeq(modseq_value(i)?)
        } else if is("PARTIAL") {
            partial(i)?
        } else if is("ADDTO") {
            ESearchData::AddTo(context_updates(i)?)
        } else if is("REMOVEFROM") {
            ESearchData::RemoveFrom(context_updates(i)?)
        } else {
            let v = raw_value(i, 1)?;
            ESearchData::Other {
                name,
                value: Str::new(slice(i, v)),
            }
        });
    }
    Ok(out)
}

// thread-data = "THREAD" [SP 1*thread-list]
// thread-list = "(" (thread-members / thread-nested) ")"
// thread-members = nz-number *(SP nz-number) [SP thread-nested]
// thread-nested = 2*thread-list (RFC 5256 section 4)
fn threads(i: &mut Input<'_>) -> PResult<Vec<Thread>> {
    let mut out = Vec::new();
    if peek(i) == Some(b' ') && !at_eol(i) {
        sp(i)?;
        while peek(i) == Some(b'(') {
            out.push(thread_list(i, 0)?);
        }
    }
    Ok(out)
}

fn thread_list(i: &mut Input<'_>, depth: usize) -> PResult<Thread> {
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower THREAD nesting");
    }
    byte(i, b'(', "(")?;
    let mut t = Thread::default();
    loop {
        match peek(i) {
            Some(b'0'..=b'9') => t.members.push(nz_number(i)?.get()),
            Some(b'(') => t.children.push(thread_list(i, depth + 1)?),
            Some(b')') => {
                advance(i, 1);
                break;
            }
            Some(b' ') if !t.members.is_empty() => {
                advance(i, 1);
            }
            _ => return fail(i, "thread member"),
        }
    }
    if (t.members.is_empty() && t.children.len() < 2 && !lenient(i))
        || (t.members.is_empty() && t.children.is_empty())
    {
        return fail(i, "thread members");
    }
    Ok(t)
}

// expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids (RFC 7162 section 7)
fn vanished(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let earlier = if peek(i) == Some(b'(') {
        advance(i, 1);
        if !at_keyword(i, "EARLIER") {
            return fail(i, "EARLIER");
        }
        advance(i, 7);
        byte(i, b')', ")")?;
        sp(i)?;
        true
    } else {
        false
    };
    Ok(Data::Vanished {
        earlier,
        uids: seq_set(i)?,
    })
}

// Namespace-Response = "NAMESPACE" SP Namespace SP Namespace SP Namespace
// Namespace = nil / "(" 1*Namespace-Descr ")"
// Namespace-Descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
//                   [Namespace-Response-Extensions] ")"
// Namespace-Response-Extension = SP string SP "(" string *(SP string) ")" (RFC 2342 / 9051)
fn namespaces(i: &mut Input<'_>) -> PResult<Namespaces> {
    sp(i)?;
    let personal = namespace(i)?;
    sp(i)?;
    let other_users = namespace(i)?;
    sp(i)?;
    let shared = namespace(i)?;
    Ok(Namespaces {
        personal,
        other_users,
        shared,
    })
}

fn namespace(i: &mut Input<'_>) -> PResult<Vec<Namespace>> {
    if at_nil(i) {
        nil(i)?;
        return Ok(Vec::new());
    }
    byte(i, b'(', "namespace list")?;
    let mut out = Vec::new();
    loop {
        if lenient(i) {
            take_while0(i, |b| b == b' ');
        }
        match peek(i) {
            Some(b')') if !out.is_empty() || lenient(i) => {
                advance(i, 1);
                return Ok(out);
            }
            Some(b'(') => {
                advance(i, 1);
                let prefix = string(i)?;
                sp(i)?;
                let delimiter = delimiter(i)?;
                let mut extensions = Vec::new();
                while peek(i) == Some(b' ') {
                    sp(i)?;
                    let name = string(i)?;
                    sp(i)?;
                    extensions.push((name, paren_list(i, string)?));
                }
                byte(i, b')', ")")?;
                out.push(Namespace {
                    prefix,
                    delimiter,
                    extensions,
                });
            }
            _ => return fail(i, "namespace"),
        }
    }
}

// quota-response = "QUOTA" SP quota-root-name SP quota-list
// quota-list = "(" quota-resource *(SP quota-resource) ")"
// quota-resource = resource-name SP resource-usage SP resource-limit (RFC 9208 section 7)
fn quota(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let root = astring(i)?;
    sp(i)?;
    let resources = paren_list(i, |i| {
        let name = atom(i)?;
        sp(i)?;
        let usage = number64(i)?;
        sp(i)?;
        let limit = number64(i)?;
        Ok(QuotaResource { name, usage, limit })
    })?;
    Ok(Data::Quota { root, resources })
}

// acl-data = "ACL" SP mailbox *(SP identifier SP rights) (RFC 4314 section 7)
fn acl(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let mailbox = mailbox(i)?;
    let mut entries = Vec::new();
    while peek(i) == Some(b' ') && !at_eol(i) {
        sp(i)?;
        let identifier = astring(i)?;
        sp(i)?;
        entries.push(AclEntry {
            identifier,
            rights: astring(i)?,
        });
    }
    Ok(Data::Acl { mailbox, entries })
}

// metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)
// entry-values = "(" entry-value *(SP entry-value) ")" ; entry-value = entry SP value
// entry-list = entry *(SP entry) ; value = nstring / literal8 (RFC 5464 section 5)
fn metadata(i: &mut Input<'_>) -> PResult<Data> {
    sp(i)?;
    let mailbox = mailbox(i)?;
    sp(i)?;
    if peek(i) == Some(b'(') {
        let entries = paren_list(i, |i| {
            let e = astring(i)?;
            sp(i)?;
            Ok((e, nstring8(i)?))
        })?;
        Ok(Data::Metadata { mailbox, entries })
    } else {
        let mut entries = vec![astring(i)?];
        while peek(i) == Some(b' ') && !at_eol(i) {
            sp(i)?;
            entries.push(astring(i)?);
        }
        Ok(Data::MetadataChanged { mailbox, entries })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::super::{ParseOptions, parse_response};
    use crate::types::{Code, Data, Response, StatusKind, Str};

    fn parse(bytes: &[u8], opts: &ParseOptions) -> Option<Response> {
        parse_response(&Bytes::copy_from_slice(bytes), opts).ok()
    }

    /// CONTEXT=SEARCH (RFC 5267 sections 4.3.1 to 4.3.4): the server lines of its examples, read
    /// in strict mode and written back byte for byte.
    #[test]
    fn rfc5267_context_examples() {
        use crate::encode::{EncodeOptions, encode_response};
        use crate::types::{ESearch, ESearchData, NumSet, SetItem};
        let set = |v: &[(u32, u32)]| {
            NumSet::new(
                v.iter()
                    .map(|&(a, b)| {
                        use crate::types::Bound::Value;
                        if a == b {
                            SetItem::Single(Value(a))
                        } else {
                            SetItem::Range(Value(a), Value(b))
                        }
                    })
                    .collect(),
            )
            .unwrap()
        };
        let lines: [(&[u8], Response); 4] = [
            (
                b"* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n",
                Response::Data(Data::ESearch(ESearch {
                    tag: Some(Str::from("B01")),
                    uid: true,
                    data: vec![ESearchData::AddTo(vec![(0, set(&[(32768, 32769)]))])],
                })),
            ),
            (
                b"* ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2732 1 2731)\r\n",
                Response::Data(Data::ESearch(ESearch {
                    tag: Some(Str::from("C01")),
                    uid: true,
                    data: vec![ESearchData::AddTo(vec![
                        (1, set(&[(2733, 2733)])),
                        (1, set(&[(2732, 2732)])),
                        (1, set(&[(2731, 2731)])),
                    ])],
                })),
            ),
            (
                b"* ESEARCH (TAG \"B01\") UID REMOVEFROM (0 32768) ADDTO (1 2731:2732)\r\n",
                Response::Data(Data::ESearch(ESearch {
                    tag: Some(Str::from("B01")),
                    uid: true,
                    data: vec![
                        ESearchData::RemoveFrom(vec![(0, set(&[(32768, 32768)]))]),
                        ESearchData::AddTo(vec![(1, set(&[(2731, 2732)]))]),
                    ],
                })),
            ),
            (
                b"* NO [NOUPDATE \"B02\"] Too many contexts\r\n",
                Response::Status(crate::types::StatusResponse {
                    tag: None,
                    kind: StatusKind::No,
                    code: Some(Code::NoUpdate(Str::from("B02"))),
                    text: Str::from("Too many contexts"),
                }),
            ),
        ];
        for (line, want) in lines {
            let got = parse(line, &ParseOptions::strict());
            assert_eq!(got.as_ref(), Some(&want), "{}", line.escape_ascii());
            let back = encode_response(&want, &EncodeOptions::default()).to_vec();
            assert_eq!(back, line);
        }
        for bad in [
            &b"* ESEARCH UID ADDTO ()\r\n"[..],
            b"* ESEARCH UID ADDTO (0)\r\n",
            b"* ESEARCH UID REMOVEFROM (0 1:2 3)\r\n",
            b"* NO [NOUPDATE B02] x\r\n",
        ] {
            assert_eq!(
                parse(bad, &ParseOptions::strict()),
                None,
                "{}",
                bad.escape_ascii()
            );
        }
    }

    /// Found by the `response` fuzz target: `* [ALERco ...` is unknown data named `[ALERco` to
    /// strict mode but an untagged OK to tolerant mode. `* [` starts a response code without its
    /// status keyword: strict mode rejects it, tolerant mode reads an untagged OK.
    #[test]
    fn untagged_bracket_is_a_code_in_both_modes() {
        for line in [
            &b"* [ALERco Mailbox is at 95% of quota\r\n"[..],
            b"* [UIDNEXT 5] x\r\n",
            b"* [ALERT] Mailbox is at 95% of quota\r\n",
        ] {
            assert_eq!(
                parse(line, &ParseOptions::strict()),
                None,
                "{}",
                line.escape_ascii()
            );
            let Some(Response::Status(s)) = parse(line, &ParseOptions::default()) else {
                panic!("{}", line.escape_ascii())
            };
            assert_eq!((s.tag, s.kind), (None, StatusKind::Ok));
        }
        // Other unknown data is still read the same in both modes.
        let line = b"* X-UNKNOWN [a b\r\n";
        let strict = parse(line, &ParseOptions::strict());
        assert!(matches!(strict, Some(Response::Data(Data::Other { .. }))));
        assert_eq!(parse(line, &ParseOptions::default()), strict);
    }

    /// Found by the `response` fuzz target: tolerant mode read `* OK [a\0]b` as text (the NUL
    /// ends the code's name, so it is not a code), but rejected `* OK [a ]b`, which is what the
    /// encoder writes for that text (NUL becomes a space): a code not followed by SP or the line
    /// end is text, like a `[` that does not start a code.
    #[test]
    fn code_without_sp_after_it_is_text_in_tolerant_mode() {
        for line in [
            &b"* OK [a ]b\r\n"[..],
            b"* OK [ALERT]b c\r\n",
            b"+ [X-Y z]]\r\n",
        ] {
            assert_eq!(
                parse(line, &ParseOptions::strict()),
                None,
                "{}",
                line.escape_ascii()
            );
            let text = &line[line.iter().position(|&b| b == b'[').unwrap()..line.len() - 2];
            let (code, t) = match parse(line, &ParseOptions::default()) {
                Some(Response::Status(s)) => (s.code, s.text),
                Some(Response::Continue(c)) => (c.code, c.text),
                other => panic!("{}: {other:?}", line.escape_ascii()),
            };
            assert_eq!((code, t.as_bytes()), (None, text));
        }
        // A code followed by SP or the line end is still a code.
        let Some(Response::Status(s)) = parse(b"* OK [ALERT]\r\n", &ParseOptions::default()) else {
            panic!()
        };
        assert_eq!(s.code, Some(Code::Alert));
    }

    /// A tag may start with `[`: a tagged status response with such a tag is valid grammar and
    /// must not be taken for a response-code line without `* `.
    #[test]
    fn tag_starting_with_bracket_is_a_tag() {
        let line = b"[A1 OK done\r\n";
        let strict = parse(line, &ParseOptions::strict());
        let Some(Response::Status(s)) = &strict else {
            panic!("{strict:?}")
        };
        assert_eq!(
            s.tag.as_ref().map(|t| t.as_bytes().to_vec()),
            Some(b"[A1".to_vec())
        );
        assert_eq!(s.text, Str::from("done"));
        assert_eq!(parse(line, &ParseOptions::default()), strict);
        // The quirk itself is unchanged.
        let Some(Response::Status(s)) =
            parse(b"[ALERT] Mailbox is full\r\n", &ParseOptions::default())
        else {
            panic!()
        };
        assert_eq!((s.tag, s.code), (None, Some(Code::Alert)));
    }

    /// RFC 9394's PARTIAL result and RFC 9586's UIDFETCH: what each mode reads and rejects.
    #[test]
    fn partial_and_uidfetch_in_both_modes() {
        use crate::types::{ESearchData, PartialRange};
        use std::num::NonZeroU32;
        let strict = ParseOptions::strict();
        let tolerant = ParseOptions::default();
        let partial = |line: &[u8], opts: &ParseOptions| match parse(line, opts) {
            Some(Response::Data(Data::ESearch(e))) => match &e.data[..] {
                [ESearchData::Partial { range, results }] => Some((*range, results.is_some())),
                other => panic!("{other:?}"),
            },
            _ => None,
        };
        let range = |from_end, a, b| PartialRange {
            from_end,
            first: NonZeroU32::new(a).unwrap(),
            second: NonZeroU32::new(b).unwrap(),
        };
        for opts in [&strict, &tolerant] {
            assert_eq!(
                partial(b"* ESEARCH UID PARTIAL (-1:-3 5,7:9)\r\n", opts),
                Some((range(true, 1, 3), true))
            );
            assert_eq!(
                partial(b"* ESEARCH partial (500:400 NIL)\r\n", opts),
                Some((range(false, 500, 400), false))
            );
            // Mixed signs, a missing set and a missing parenthesis are no partial-range.
            for bad in [
                &b"* ESEARCH PARTIAL (-1:3 1)\r\n"[..],
                b"* ESEARCH PARTIAL (1:3)\r\n",
                b"* ESEARCH PARTIAL 1:3 NIL\r\n",
            ] {
                assert_eq!(partial(bad, opts), None, "{}", bad.escape_ascii());
            }
        }
        // Tolerated only: spaces inside the parentheses and 0 as a bound.
        for line in [
            &b"* ESEARCH PARTIAL ( 1:3 NIL )\r\n"[..],
            b"* ESEARCH PARTIAL (0:3 NIL)\r\n",
        ] {
            assert_eq!(partial(line, &strict), None, "{}", line.escape_ascii());
            assert_eq!(partial(line, &tolerant), Some((range(false, 1, 3), false)));
        }
        for opts in [&strict, &tolerant] {
            let Some(Response::Data(Data::UidFetch { uid, data })) =
                parse(b"* 25996 UIDFETCH (FLAGS (\\Seen))\r\n", opts)
            else {
                panic!()
            };
            assert_eq!((uid.get(), data.len()), (25996, 1));
            assert_eq!(parse(b"* 0 UIDFETCH (FLAGS ())\r\n", opts), None);
        }
        let Some(Response::Status(s)) = parse(
            b"07 BAD [UIDREQUIRED] Message numbers are not allowed\r\n",
            &strict,
        ) else {
            panic!()
        };
        assert_eq!(
            s.code,
            Some(Code::Simple(crate::types::SimpleCode::UidRequired))
        );
    }
}
