//! Commands, as a server reads them: `tag SP command-name args CRLF` into [`Command`]
//! (RFC 9051 section 9, RFC 3501 section 9, and the extensions each parser names).
//!
//! Command names and keywords are matched without regard to case. A command name this parser
//! does not know becomes [`CommandBody::Other`] with its raw arguments; a known command with
//! arguments it cannot read is an error (the server answers `BAD`). Extension parameters this
//! crate has no type for (an unknown SELECT parameter, FETCH or STORE modifier, CREATE
//! parameter, LIST option with a value, APPEND extension) are errors too.

use super::core::{
    advance, astring, at_eol, at_keyword, atom, atom_bytes, byte, crlf, cut, date_time, fail, flag,
    flag_list, gm_label, lenient, list_mailbox, literal, mailbox, modseq, more_on_line, nstring8,
    number, number64, nz_number, paren_list, peek, quoted, seq_set, slice, sp, sp_or_missing, tag,
    tag_no_case, take_while1, upper,
};
use super::search::{
    charset, has_ext_value, search_keys, search_program, search_return_opts, sort_criteria,
};
use super::{Input, PResult, ParseError};
use crate::excerpt::Excerpt;
use crate::protocol::CommandKind;
use crate::secret::Secret;
use crate::types::string::is_atom_char;
use crate::types::{
    AppendData, AppendMessage, Atom, Capability, CatPart, Command, CommandBody, EventGroup,
    FetchItem, FetchItems, ListReturn, ListSelect, MailboxAttr, MailboxFilter, MessageSet,
    MetadataDepth, MetadataOptions, NotifyEvent, NotifySet, Partial, QResync, QuotaLimit, RawArgs,
    SectionText, SelectParams, SeqNum, StatusItem, StoreKind, StoreTarget, Str, Uid,
};
use crate::types::{Mailbox, Section};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use winnow::combinator::{cut_err, dispatch, empty, opt, preceded, repeat};
use winnow::prelude::*;

// command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF
// (RFC 9051 section 9)
/// A whole command unit.
pub(super) fn command(i: &mut Input<'_>) -> PResult<Command> {
    let tag = tag(i)?;
    sp(i)?;
    let body = command_body(i)?;
    crlf(i)?;
    Ok(Command { tag, body })
}

// command-any = "CAPABILITY" / "LOGOUT" / "NOOP" ; command-nonauth = login / authenticate /
//   "STARTTLS" ; command-auth = append / create / delete / enable / examine / list /
//   namespace-command / rename / select / status / subscribe / unsubscribe / idle ;
// command-select = "CLOSE" / "UNSELECT" / "EXPUNGE" / copy / move / fetch / store / search / uid
// (RFC 9051 section 9), plus "CHECK" / lsub (RFC 3501 section 9), sort / thread (RFC 5256),
// id (RFC 2971), compress (RFC 4978), the QUOTA (RFC 9208), ACL (RFC 4314) and METADATA
// (RFC 5464) commands, and XLIST (Gmail). The state a command is valid in is not checked here.
/// A command name as the shared table reads it.
enum CommandName<'a> {
    /// A command this crate has a type for.
    Known(CommandKind),
    /// The `UID` prefix (RFC 9051 section 6.4.9).
    Uid,
    /// Any other atom: a command kept as [`CommandBody::Other`].
    Unknown(&'a [u8]),
}

// command-name: the atom that starts each alternative of command-any / command-auth /
// command-nonauth / command-select (RFC 9051 section 9), matched without regard to case
/// The command name, looked up in [`CommandKind::from_name`].
fn command_name<'a>(i: &mut Input<'a>) -> PResult<CommandName<'a>> {
    let start = *i;
    let name = atom_bytes(i).or_else(|_| fail(&start, "command name"))?;
    Ok(match CommandKind::from_name(name) {
        Some(kind) => CommandName::Known(kind),
        None if name.eq_ignore_ascii_case(b"UID") => CommandName::Uid,
        None => CommandName::Unknown(name),
    })
}

/// The command name and its arguments, without the CRLF: the name read by the shared table
/// of [`CommandKind::from_name`] chooses the arguments' parser.
fn command_body(i: &mut Input<'_>) -> PResult<CommandBody> {
    use CommandBody as C;
    use CommandKind as K;
    use CommandName::{Known, Unknown};
    let none = |body: CommandBody| empty.value(body);
    dispatch! {command_name;
        Known(K::Capability) => none(C::Capability),
        Known(K::Noop) => none(C::Noop),
        Known(K::Logout) => none(C::Logout),
        Known(K::StartTls) => none(C::StartTls),
        Known(K::Authenticate) => authenticate,
        Known(K::Login) => login,
        Known(K::Enable) => enable,
        Known(K::Select) => select.map(|(mailbox, params)| C::Select { mailbox, params }),
        Known(K::Examine) => select.map(|(mailbox, params)| C::Examine { mailbox, params }),
        Known(K::Create) => create,
        Known(K::Delete) => preceded(sp, mailbox).map(C::Delete),
        Known(K::Rename) => (preceded(sp, mailbox), preceded(sp, mailbox))
            .map(|(from, to)| C::Rename { from, to }),
        Known(K::Subscribe) => preceded(sp, mailbox).map(C::Subscribe),
        Known(K::Unsubscribe) => preceded(sp, mailbox).map(C::Unsubscribe),
        Known(K::List) => list,
        Known(K::Lsub) => lsub.map(|(reference, pattern)| C::Lsub { reference, pattern }),
        Known(K::XList) => lsub.map(|(reference, pattern)| C::XList { reference, pattern }),
        Known(K::Namespace) => none(C::Namespace),
        Known(K::Status) => (preceded(sp, mailbox), preceded(sp, status_atts))
            .map(|(mailbox, items)| C::Status { mailbox, items }),
        Known(K::Append) => append,
        Known(K::Idle) => none(C::Idle),
        Known(K::Check) => none(C::Check),
        Known(K::Close) => none(C::Close),
        Known(K::Unselect) => none(C::Unselect),
        Known(K::Expunge) => none(C::Expunge),
        Known(K::Search) => |i: &mut Input<'_>| search(i, false),
        Known(K::Fetch) => |i: &mut Input<'_>| fetch(i, false),
        Known(K::Store) => |i: &mut Input<'_>| store(i, false),
        Known(K::Copy) => (|i: &mut Input<'_>| copy(i, false))
            .map(|(set, mailbox)| C::Copy { set, mailbox }),
        Known(K::Move) => (|i: &mut Input<'_>| copy(i, false))
            .map(|(set, mailbox)| C::Move { set, mailbox }),
        Known(K::Sort) => |i: &mut Input<'_>| sort(i, false),
        Known(K::Thread) => |i: &mut Input<'_>| thread(i, false),
        Known(K::CancelUpdate) => cancel_update,
        Known(K::Notify) => notify,
        // proxyauth = "PROXYAUTH" SP astring (Cyrus IMAP; no RFC)
        Known(K::ProxyAuth) => preceded(sp, astring).map(C::ProxyAuth),
        Known(K::Id) => id,
        Known(K::Compress) => preceded(sp, atom).map(C::Compress),
        Known(K::GetQuota) => preceded(sp, astring).map(C::GetQuota),
        Known(K::GetQuotaRoot) => preceded(sp, mailbox).map(C::GetQuotaRoot),
        Known(K::SetQuota) => setquota,
        Known(K::SetAcl) => (preceded(sp, mailbox), preceded(sp, astring), preceded(sp, astring))
            .map(|(mailbox, identifier, rights)| C::SetAcl { mailbox, identifier, rights }),
        Known(K::DeleteAcl) => (preceded(sp, mailbox), preceded(sp, astring))
            .map(|(mailbox, identifier)| C::DeleteAcl { mailbox, identifier }),
        Known(K::GetAcl) => preceded(sp, mailbox).map(C::GetAcl),
        Known(K::ListRights) => (preceded(sp, mailbox), preceded(sp, astring))
            .map(|(mailbox, identifier)| C::ListRights { mailbox, identifier }),
        Known(K::MyRights) => preceded(sp, mailbox).map(C::MyRights),
        Known(K::GetMetadata) => getmetadata,
        Known(K::SetMetadata) => setmetadata,
        // `UID` is a prefix (RFC 9051 section 6.4.9).
        CommandName::Uid => uid,
        Unknown(name) => move |i: &mut Input<'_>| other(i, name),
        // The table gives neither: `UID EXPUNGE` is read after the prefix, `Other` has no name.
        Known(K::UidExpunge | K::Other) => |i: &mut Input<'_>| fail(i, "command name"),
    }
    .parse_next(i)
}

// SP value (SP = %x20, RFC 5234; tolerant mode accepts a run of spaces)
/// `SP value`.
fn arg<T>(i: &mut Input<'_>, value: impl FnOnce(&mut Input<'_>) -> PResult<T>) -> PResult<T> {
    sp(i)?;
    value(i)
}

// "(" item *(SP item) ")" (the shape of flag-list, header-list, patterns, entry-values and the
// RFC 4466 parameter lists, RFC 9051 section 9)
/// A parenthesized list that must hold at least one item (`what` names the item).
fn paren_list1<T>(
    i: &mut Input<'_>,
    what: &'static str,
    item: impl FnMut(&mut Input<'_>) -> PResult<T>,
) -> PResult<Vec<T>> {
    let start = *i;
    let v = paren_list(i, item)?;
    if v.is_empty() {
        let mut inner = start;
        advance(&mut inner, 1);
        return fail(&inner, what);
    }
    Ok(v)
}

// uid = "UID" SP (copy / move / fetch / search / store / uid-expunge)
// uid-expunge = "EXPUNGE" SP sequence-set (RFC 9051 section 9, RFC 4315 section 4);
// "UID" SP sort / thread (RFC 5256 section 5)
/// The command after `UID`.
fn uid(i: &mut Input<'_>) -> PResult<CommandBody> {
    use CommandBody as C;
    use CommandKind as K;
    sp(i)?;
    let start = *i;
    let mut after_uid = |i: &mut Input<'_>| {
        let start = *i;
        match atom_bytes(i).map(CommandKind::from_name) {
            Ok(Some(kind)) => Ok(kind),
            _ => fail(&start, "command after UID"),
        }
    };
    dispatch! {after_uid;
        K::Fetch => |i: &mut Input<'_>| fetch(i, true),
        K::Store => |i: &mut Input<'_>| store(i, true),
        K::Copy => (|i: &mut Input<'_>| copy(i, true)).map(|(set, mailbox)| C::Copy { set, mailbox }),
        K::Move => (|i: &mut Input<'_>| copy(i, true)).map(|(set, mailbox)| C::Move { set, mailbox }),
        K::Search => |i: &mut Input<'_>| search(i, true),
        K::Sort => |i: &mut Input<'_>| sort(i, true),
        K::Thread => |i: &mut Input<'_>| thread(i, true),
        K::Expunge => preceded(sp, uid_expunge_set).map(C::UidExpunge),
        _ => |_: &mut Input<'_>| fail(&start, "command after UID"),
    }
    .parse_next(i)
}

/// The UIDs of `UID EXPUNGE`: a `sequence-set` of UIDs, never `$` (the type holds UIDs only).
fn uid_expunge_set(i: &mut Input<'_>) -> PResult<crate::types::UidSet> {
    if peek(i) == Some(b'$') {
        return fail(i, "UID set");
    }
    seq_set::<Uid>(i)
}

// sequence-set = (seq-number / seq-range) ["," sequence-set] (RFC 9051 section 9)
// sequence-set =/ seq-last-command ; seq-last-command = "$" (RFC 5182 section 3)
/// The messages a FETCH, STORE, COPY or MOVE acts on: UIDs in the `UID` form, sequence numbers
/// otherwise, or the saved result `$`.
fn message_set(i: &mut Input<'_>, uid: bool) -> PResult<MessageSet> {
    if peek(i) == Some(b'$') {
        advance(i, 1);
        return Ok(MessageSet::Saved { uid });
    }
    if uid {
        seq_set::<Uid>(i).map(MessageSet::Uid)
    } else {
        seq_set::<SeqNum>(i).map(MessageSet::Seq)
    }
}

// login = "LOGIN" SP userid SP password ; userid = astring ; password = astring
// (RFC 9051 section 9)
/// LOGIN's arguments.
fn login(i: &mut Input<'_>) -> PResult<CommandBody> {
    (preceded(sp, astring), preceded(sp, astring))
        .map(|(username, password)| CommandBody::Login {
            username,
            password: Secret::new(password),
        })
        .parse_next(i)
}

// authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp] ; auth-type = atom
// (RFC 9051 section 9, RFC 4959 section 7)
/// AUTHENTICATE's arguments.
fn authenticate(i: &mut Input<'_>) -> PResult<CommandBody> {
    (
        preceded(sp, atom),
        opt(preceded(more_on_line, cut_err(initial_resp))),
    )
        .map(|(mechanism, initial)| CommandBody::Authenticate {
            mechanism,
            initial: initial.map(Secret::new),
        })
        .parse_next(i)
}

// initial-resp = (base64 / "=") (RFC 9051 section 9, RFC 4959 section 7)
// base64 = *(4base64-char) [base64-terminal] ; base64-char = ALPHA / DIGIT / "+" / "/"
// Tolerated: missing padding.
/// A SASL initial response, decoded; `=` is the empty response.
fn initial_resp(i: &mut Input<'_>) -> PResult<Bytes> {
    let start = *i;
    let text = take_while1(
        i,
        |b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='),
        "base64",
    )?;
    if text == b"=" {
        return Ok(Bytes::new());
    }
    let engine = if lenient(i) { &TOLERANT } else { &STRICT };
    match engine.decode(text) {
        Ok(v) => Ok(Bytes::from(v)),
        Err(_) => cut(&start, "base64"),
    }
}

/// Base64 exactly as RFC 4648 section 4 writes it (padding required).
const STRICT: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Base64 that also accepts missing padding and non-zero trailing bits.
const TOLERANT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

// enable = "ENABLE" 1*(SP capability) ; capability = ("AUTH=" auth-type) / atom
// (RFC 9051 section 9, RFC 5161 section 4)
/// ENABLE's capabilities.
fn enable(i: &mut Input<'_>) -> PResult<CommandBody> {
    repeat(
        1..,
        preceded(more_on_line, cut_err(atom)).map(Capability::from_atom),
    )
    .map(CommandBody::Enable)
    .parse_next(i)
}

// select = "SELECT" SP mailbox [select-params] ; examine = "EXAMINE" SP mailbox [select-params]
// select-params = SP "(" select-param *(SP select-param) ")" (RFC 4466 section 3)
// select-param =/ condstore-param ; condstore-param = "CONDSTORE"
// select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
//                 [SP seq-match-data] ")" (RFC 7162 section 7)
/// SELECT's and EXAMINE's arguments.
fn select(i: &mut Input<'_>) -> PResult<(Mailbox, SelectParams)> {
    let mailbox = arg(i, mailbox)?;
    let mut params = SelectParams::default();
    if !at_eol(i) {
        sp(i)?;
        let start = *i;
        let n = paren_list(i, |i| select_param(i, &mut params))?.len();
        if n == 0 && !lenient(i) {
            return fail(&start, "select parameter");
        }
    }
    Ok((mailbox, params))
}

// select-param = select-param-name [SP select-param-value] (RFC 4466 section 3)
// select-param =/ "CONDSTORE" / "QRESYNC" SP "(" ... ")" (RFC 7162 section 7)
/// One `select-param`, recorded in `params`.
fn select_param(i: &mut Input<'_>, params: &mut SelectParams) -> PResult<()> {
    let start = *i;
    let name = atom_bytes(i).or_else(|_| fail(&start, "select parameter"))?;
    let mut buf = [0u8; 9];
    match upper(name, &mut buf) {
        b"CONDSTORE" => params.condstore = true,
        b"QRESYNC" => params.qresync = Some(arg(i, qresync)?),
        _ => return cut(&start, "CONDSTORE or QRESYNC"),
    }
    Ok(())
}

// "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
// known-uids = sequence-set ; seq-match-data = "(" known-sequence-set SP known-uid-set ")"
// (RFC 7162 section 7)
/// The value of the QRESYNC select parameter.
fn qresync(i: &mut Input<'_>) -> PResult<QResync> {
    byte(i, b'(', "(")?;
    let uid_validity = nz_number(i)?;
    let modseq = arg(i, modseq)?;
    let mut known_uids = None;
    let mut seq_match = None;
    if peek(i) == Some(b' ') {
        sp(i)?;
        if peek(i) != Some(b'(') {
            known_uids = Some(seq_set::<Uid>(i)?);
            if peek(i) == Some(b' ') {
                sp(i)?;
                seq_match = Some(seq_match_data(i)?);
            }
        } else {
            seq_match = Some(seq_match_data(i)?);
        }
    }
    byte(i, b')', ")")?;
    Ok(QResync {
        uid_validity,
        modseq,
        known_uids,
        seq_match,
    })
}

// seq-match-data = "(" known-sequence-set SP known-uid-set ")" (RFC 7162 section 7)
/// Known sequence numbers and their UIDs.
fn seq_match_data(i: &mut Input<'_>) -> PResult<(crate::types::SeqSet, crate::types::UidSet)> {
    byte(i, b'(', "(")?;
    let seqs = seq_set::<SeqNum>(i)?;
    let uids = arg(i, seq_set::<Uid>)?;
    byte(i, b')', ")")?;
    Ok((seqs, uids))
}

// create = "CREATE" SP mailbox [create-params]
// create-params = SP "(" create-param *(SP create-param) ")" (RFC 4466 section 3)
// create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")" ; use-attr = "\" atom
// (RFC 6154 section 6)
/// CREATE's arguments.
fn create(i: &mut Input<'_>) -> PResult<CommandBody> {
    let mailbox = arg(i, mailbox)?;
    let mut special_use = Vec::new();
    if !at_eol(i) {
        sp(i)?;
        paren_list1(i, "create parameter", |i| {
            let start = *i;
            if !at_keyword(i, "USE") {
                return cut(&start, "USE");
            }
            advance(i, 3);
            sp(i)?;
            special_use.extend(paren_list(i, use_attr)?);
            Ok(())
        })?;
    }
    Ok(CommandBody::Create {
        mailbox,
        special_use,
    })
}

// use-attr = "\All" / "\Archive" / "\Drafts" / "\Flagged" / "\Junk" / "\Sent" / "\Trash" /
//            use-attr-ext ; use-attr-ext = "\" atom (RFC 6154 section 6)
/// A special-use attribute.
fn use_attr(i: &mut Input<'_>) -> PResult<MailboxAttr> {
    byte(i, b'\\', "special-use attribute")?;
    atom(i).map(MailboxAttr::from_name)
}

// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
// mbox-or-pat = list-mailbox / patterns ; patterns = "(" list-mailbox *(SP list-mailbox) ")"
// list-return-opts = "RETURN" SP "(" [list-return-opt *(SP list-return-opt)] ")"
// (RFC 9051 section 9, RFC 5258 section 6). Tolerated: no SP between the selection options and
// the reference, as in RFC 5819 section 3: `LIST (SUBSCRIBED RECURSIVEMATCH)"" %`.
/// LIST's arguments.
fn list(i: &mut Input<'_>) -> PResult<CommandBody> {
    sp(i)?;
    let mut selection = Vec::new();
    if peek(i) == Some(b'(') {
        let start = *i;
        selection = paren_list(i, list_select_opt)?;
        // list-select-mod-opt (RECURSIVEMATCH) needs a list-select-base-opt (SUBSCRIBED,
        // SPECIAL-USE from RFC 6154, or possibly an extension option).
        if selection.contains(&ListSelect::RecursiveMatch)
            && !selection.iter().any(|o| {
                matches!(
                    o,
                    ListSelect::Subscribed | ListSelect::SpecialUse | ListSelect::Other(_)
                )
            })
        {
            return cut(&start, "a base selection option with RECURSIVEMATCH");
        }
        sp_or_missing(i)?;
    }
    let reference = mailbox(i)?;
    sp(i)?;
    let patterns = if peek(i) == Some(b'(') {
        paren_list1(i, "list pattern", list_mailbox)?
    } else {
        vec![list_mailbox(i)?]
    };
    let mut returns = Vec::new();
    if !at_eol(i) {
        sp(i)?;
        tag_no_case(i, "RETURN")?;
        sp(i)?;
        returns = paren_list(i, list_return_opt)?;
    }
    Ok(CommandBody::List {
        selection,
        reference,
        patterns,
        returns,
    })
}

// list-select-opt = list-select-base-opt / list-select-independent-opt / list-select-mod-opt
// list-select-base-opt = "SUBSCRIBED" / option-extension
// list-select-independent-opt = "REMOTE" / option-extension
// list-select-mod-opt = "RECURSIVEMATCH" / option-extension (RFC 5258 section 6)
// list-select-independent-opt =/ "SPECIAL-USE" (RFC 6154 section 6)
/// A LIST selection option. An extension option with a value is an error.
fn list_select_opt(i: &mut Input<'_>) -> PResult<ListSelect> {
    let start = *i;
    let a = atom(i).or_else(|_| fail(&start, "selection option"))?;
    let mut buf = [0u8; 14];
    let opt = match upper(a.as_bytes(), &mut buf) {
        b"SUBSCRIBED" => ListSelect::Subscribed,
        b"REMOTE" => ListSelect::Remote,
        b"RECURSIVEMATCH" => ListSelect::RecursiveMatch,
        b"SPECIAL-USE" => ListSelect::SpecialUse,
        _ => ListSelect::Other(a),
    };
    if has_ext_value(i) {
        return cut(i, "selection option without a value");
    }
    Ok(opt)
}

// return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension
// status-option = "STATUS" SP "(" status-att *(SP status-att) ")"
// (RFC 9051 section 9, RFC 5258 section 6, RFC 5819 section 4);
// return-option =/ "SPECIAL-USE" (RFC 6154 section 6)
/// A LIST return option. An extension option with a value is an error.
fn list_return_opt(i: &mut Input<'_>) -> PResult<ListReturn> {
    let start = *i;
    let a = atom(i).or_else(|_| fail(&start, "return option"))?;
    let mut buf = [0u8; 11];
    let opt = match upper(a.as_bytes(), &mut buf) {
        b"SUBSCRIBED" => ListReturn::Subscribed,
        b"CHILDREN" => ListReturn::Children,
        b"SPECIAL-USE" => ListReturn::SpecialUse,
        b"STATUS" => return arg(i, status_atts).map(ListReturn::Status),
        _ => ListReturn::Other(a),
    };
    if has_ext_value(i) {
        return cut(i, "return option without a value");
    }
    Ok(opt)
}

// lsub = "LSUB" SP mailbox SP list-mailbox (RFC 3501 section 9); XLIST likewise (Gmail)
/// LSUB's and XLIST's reference and pattern.
fn lsub(i: &mut Input<'_>) -> PResult<(Mailbox, Mailbox)> {
    (preceded(sp, mailbox), preceded(sp, list_mailbox)).parse_next(i)
}

// "(" status-att *(SP status-att) ")" ; status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" /
// "UNSEEN" / "DELETED" / "SIZE" (RFC 9051 section 9) / "RECENT" (RFC 3501 section 9) /
// "HIGHESTMODSEQ" (RFC 7162) / "MAILBOXID" (RFC 8474) / "DELETED-STORAGE" (RFC 9208) /
// "APPENDLIMIT" (RFC 7889). Tolerated: an empty list.
/// STATUS items, as in the STATUS command and the LIST-STATUS return option.
fn status_atts(i: &mut Input<'_>) -> PResult<Vec<StatusItem>> {
    let item = |i: &mut Input<'_>| atom(i).map(StatusItem::from_atom);
    if lenient(i) {
        paren_list(i, item)
    } else {
        paren_list1(i, "status item", item)
    }
}

// append = "APPEND" SP mailbox 1*append-message (RFC 4466 section 3, RFC 3502)
// append-message = append-opts SP append-data ; append-opts = [SP flag-list] [SP date-time]
// append-data = literal / literal8 (RFC 4466 section 3, RFC 3516 section 4.4)
// append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")" (RFC 4469 section 5)
/// APPEND's mailbox and messages.
fn append(i: &mut Input<'_>) -> PResult<CommandBody> {
    let mailbox = arg(i, mailbox)?;
    let mut messages = Vec::new();
    loop {
        sp(i)?;
        let flags = if peek(i) == Some(b'(') {
            let f = flag_list(i)?;
            sp(i)?;
            f
        } else {
            Vec::new()
        };
        let date = if peek(i) == Some(b'"') {
            let d = date_time(i)?;
            sp(i)?;
            Some(d)
        } else {
            None
        };
        let data = if at_keyword(i, "CATENATE") {
            tag_no_case(i, "CATENATE")?;
            sp(i)?;
            AppendData::Catenate(paren_list1(i, "cat-part", cat_part)?)
        } else {
            let binary = peek(i) == Some(b'~');
            if !matches!(peek(i), Some(b'{' | b'~')) {
                return fail(i, "literal");
            }
            let data = Str::new(literal(i, true)?);
            AppendData::Literal { data, binary }
        };
        messages.push(AppendMessage { flags, date, data });
        if at_eol(i) {
            break;
        }
    }
    Ok(CommandBody::Append { mailbox, messages })
}

// cat-part = text-literal / url ; text-literal = "TEXT" SP literal ; url = "URL" SP astring
// (RFC 4469 section 5)
/// One CATENATE part.
fn cat_part(i: &mut Input<'_>) -> PResult<CatPart> {
    if at_keyword(i, "TEXT") {
        tag_no_case(i, "TEXT")?;
        sp(i)?;
        if peek(i) != Some(b'{') {
            return fail(i, "literal");
        }
        Ok(CatPart::Text(Str::new(literal(i, false)?)))
    } else if at_keyword(i, "URL") {
        tag_no_case(i, "URL")?;
        sp(i)?;
        Ok(CatPart::Url(astring(i)?))
    } else {
        fail(i, "TEXT or URL")
    }
}

// search = "SEARCH" [search-return-opts] SP search-program (RFC 9051 section 9)
/// SEARCH's arguments.
fn search(i: &mut Input<'_>, uid: bool) -> PResult<CommandBody> {
    sp(i)?;
    let returns = if at_keyword(i, "RETURN") {
        let r = search_return_opts(i)?;
        sp(i)?;
        Some(r)
    } else {
        None
    };
    let (charset, criteria) = search_program(i)?;
    Ok(CommandBody::Search {
        uid,
        returns,
        charset,
        criteria,
    })
}

// sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria
// search-criteria = charset 1*(SP search-key) (RFC 5256 section 5)
// sort =/ extended-sort ; extended-sort = ["UID" SP] "SORT" search-return-opts SP
//   sort-criteria SP search-criteria (RFC 5267 section 6)
/// SORT's arguments, with ESORT's `RETURN (...)`.
fn sort(i: &mut Input<'_>, uid: bool) -> PResult<CommandBody> {
    let mut look = *i;
    let returns = if sp(&mut look).is_ok() && at_keyword(&look, "RETURN") {
        *i = look;
        Some(search_return_opts(i)?)
    } else {
        None
    };
    let criteria = arg(i, sort_criteria)?;
    let charset = arg(i, charset)?;
    let search = arg(i, search_keys)?;
    Ok(CommandBody::Sort {
        uid,
        returns,
        criteria,
        charset,
        search,
    })
}

// command-select =/ "CANCELUPDATE" 1*(SP quoted) (RFC 5267 section 5)
/// CANCELUPDATE's tags.
fn cancel_update(i: &mut Input<'_>) -> PResult<CommandBody> {
    repeat(1.., preceded(more_on_line, cut_err(quoted)).map(Str::new))
        .map(CommandBody::CancelUpdate)
        .parse_next(i)
}

// notify = "NOTIFY" SP (notify-set / notify-none)
// notify-set = "SET" [status-indicator] SP event-groups ; notify-none = "NONE"
// status-indicator = SP "STATUS" ; event-groups = event-group *(SP event-group)
// (RFC 5465 section 8)
/// NOTIFY's registration (`None` for `NONE`).
fn notify(i: &mut Input<'_>) -> PResult<CommandBody> {
    sp(i)?;
    if at_keyword(i, "NONE") {
        advance(i, 4);
        return Ok(CommandBody::Notify(None));
    }
    if !at_keyword(i, "SET") {
        return fail(i, "SET or NONE");
    }
    advance(i, 3);
    sp(i)?;
    let mut status = false;
    if at_keyword(i, "STATUS") {
        advance(i, 6);
        status = true;
        sp(i)?;
    }
    let mut groups = vec![event_group(i)?];
    while !at_eol(i) {
        groups.push(arg(i, event_group)?);
    }
    Ok(CommandBody::Notify(Some(NotifySet { status, groups })))
}

// event-group = "(" filter-mailboxes SP events ")"
// filter-mailboxes = filter-mailboxes-selected / filter-mailboxes-other
// filter-mailboxes-other = "inboxes" / "personal" / "subscribed" /
//   ( "subtree" SP one-or-more-mailbox ) / ( "mailboxes" SP one-or-more-mailbox )
// filter-mailboxes-selected = "selected" / "selected-delayed"
// events = ( "(" event *(SP event) ")" ) / "NONE" (RFC 5465 section 8)
/// One event group.
fn event_group(i: &mut Input<'_>) -> PResult<EventGroup> {
    byte(i, b'(', "(")?;
    let start = *i;
    let word = atom(i).or_else(|_| fail(&start, "mailbox filter"))?;
    let mut buf = [0u8; 16];
    let filter = match upper(word.as_bytes(), &mut buf) {
        b"SELECTED" => MailboxFilter::Selected,
        b"SELECTED-DELAYED" => MailboxFilter::SelectedDelayed,
        b"INBOXES" => MailboxFilter::Inboxes,
        b"PERSONAL" => MailboxFilter::Personal,
        b"SUBSCRIBED" => MailboxFilter::Subscribed,
        b"SUBTREE" => MailboxFilter::Subtree(arg(i, one_or_more_mailbox)?),
        b"MAILBOXES" => MailboxFilter::Mailboxes(arg(i, one_or_more_mailbox)?),
        _ => return cut(&start, "mailbox filter"),
    };
    sp(i)?;
    let events = if at_keyword(i, "NONE") {
        advance(i, 4);
        Vec::new()
    } else {
        paren_list1(i, "event", notify_event)?
    };
    byte(i, b')', ")")?;
    Ok(EventGroup { filter, events })
}

// one-or-more-mailbox = mailbox / many-mailboxes
// many-mailboxes = "(" mailbox *(SP mailbox) ")" (RFC 5465 section 8)
/// The mailboxes of a SUBTREE or MAILBOXES filter.
fn one_or_more_mailbox(i: &mut Input<'_>) -> PResult<Vec<Mailbox>> {
    if peek(i) == Some(b'(') {
        paren_list1(i, "mailbox", mailbox)
    } else {
        mailbox(i).map(|m| vec![m])
    }
}

// event = message-event / mailbox-event / user-event / event-ext
// message-event = ( "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")" ] ) /
//   "MessageExpunge" / "FlagChange" / "AnnotationChange"
// mailbox-event = "MailboxName" / "SubscriptionChange" / "MailboxMetadataChange"
// user-event = "ServerMetadataChange" ; event-ext = atom (RFC 5465 section 8)
/// One event.
fn notify_event(i: &mut Input<'_>) -> PResult<NotifyEvent> {
    let start = *i;
    let word = atom(i).or_else(|_| fail(&start, "event"))?;
    let mut buf = [0u8; 21];
    Ok(match upper(word.as_bytes(), &mut buf) {
        b"MESSAGENEW" => {
            let mut after = *i;
            if sp(&mut after).is_ok() && peek(&after) == Some(b'(') {
                *i = after;
                NotifyEvent::MessageNew(paren_list1(i, "fetch attribute", fetch_att)?)
            } else {
                NotifyEvent::MessageNew(Vec::new())
            }
        }
        b"MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
        b"FLAGCHANGE" => NotifyEvent::FlagChange,
        b"ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
        b"MAILBOXNAME" => NotifyEvent::MailboxName,
        b"SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
        b"MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
        b"SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
        _ => NotifyEvent::Other(word),
    })
}

// thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
// thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext ; thread-alg-ext = atom
// (RFC 5256 section 5)
/// THREAD's arguments.
fn thread(i: &mut Input<'_>, uid: bool) -> PResult<CommandBody> {
    let algorithm = arg(i, atom)?;
    let charset = arg(i, charset)?;
    let search = arg(i, search_keys)?;
    Ok(CommandBody::Thread {
        uid,
        algorithm,
        charset,
        search,
    })
}

// copy = "COPY" SP sequence-set SP mailbox (RFC 9051 section 9)
// move = "MOVE" SP sequence-set SP mailbox (RFC 6851 section 5)
/// COPY's and MOVE's arguments.
fn copy(i: &mut Input<'_>, uid: bool) -> PResult<(MessageSet, Mailbox)> {
    (
        preceded(sp, |i: &mut Input<'_>| message_set(i, uid)),
        preceded(sp, mailbox),
    )
        .parse_next(i)
}

// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
//         "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
// fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" (RFC 4466 section 3)
// fetch-modifier =/ chgsince-fetch-mod / rexpunges-fetch-mod
// chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value ; rexpunges-fetch-mod = "VANISHED"
// (RFC 7162 section 7; VANISHED only in UID FETCH and only with CHANGEDSINCE, section 3.2.6)
/// FETCH's arguments.
fn fetch(i: &mut Input<'_>, uid: bool) -> PResult<CommandBody> {
    let set = arg(i, |i| message_set(i, uid))?;
    let items = arg(i, fetch_items)?;
    let mut changed_since = None;
    let mut vanished = false;
    if !at_eol(i) {
        sp(i)?;
        let start = *i;
        paren_list1(i, "fetch modifier", |i| {
            let m = *i;
            let name = atom_bytes(i).or_else(|_| fail(&m, "fetch modifier"))?;
            let mut buf = [0u8; 12];
            match upper(name, &mut buf) {
                b"CHANGEDSINCE" => changed_since = Some(arg(i, modseq)?),
                b"VANISHED" => vanished = true,
                _ => return cut(&m, "CHANGEDSINCE or VANISHED"),
            }
            Ok(())
        })?;
        if vanished && !uid {
            return cut(&start, "VANISHED only in UID FETCH");
        }
        if vanished && changed_since.is_none() {
            return cut(&start, "CHANGEDSINCE with VANISHED");
        }
    }
    Ok(CommandBody::Fetch {
        set,
        items,
        changed_since,
        vanished,
    })
}

// "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")" (the items of fetch,
// RFC 9051 section 9)
/// The items of a FETCH: a macro, one item, or a parenthesized list.
pub(super) fn fetch_items(i: &mut Input<'_>) -> PResult<FetchItems> {
    for (word, items) in [
        ("ALL", FetchItems::All),
        ("FAST", FetchItems::Fast),
        ("FULL", FetchItems::Full),
    ] {
        if at_keyword(i, word) {
            advance(i, word.len());
            return Ok(items);
        }
    }
    if peek(i) == Some(b'(') {
        paren_list1(i, "fetch attribute", fetch_att).map(FetchItems::Items)
    } else {
        fetch_att(i).map(|a| FetchItems::Items(vec![a]))
    }
}

// fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822.SIZE" / "BODY" ["STRUCTURE"] /
//   "UID" / "BODY" section [partial] / "BODY.PEEK" section [partial] /
//   "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary
//   (RFC 9051 section 9) / "RFC822" [".HEADER" / ".TEXT"] (RFC 3501 section 9) /
//   "MODSEQ" (RFC 7162) / "EMAILID" / "THREADID" (RFC 8474) / "SAVEDATE" (RFC 8514) /
//   "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"] (RFC 8970 section 6) /
//   "X-GM-MSGID" / "X-GM-THRID" / "X-GM-LABELS" (Gmail)
/// One FETCH item. An unknown name without a section is [`FetchItem::Other`].
fn fetch_att(i: &mut Input<'_>) -> PResult<FetchItem> {
    use FetchItem as F;
    let start = *i;
    let name = take_while1(i, |b| is_atom_char(b) && b != b'[', "fetch attribute")?;
    let mut buf = [0u8; 16];
    Ok(match upper(name, &mut buf) {
        b"PREVIEW" => F::Preview {
            lazy: preview_mods(i)?,
        },
        b"BODY" | b"BODY.PEEK" if peek(i) == Some(b'[') || name.len() > 4 => F::BodySection {
            section: section(i)?,
            partial: partial(i)?,
            peek: name.len() > 4,
        },
        b"BINARY" | b"BINARY.PEEK" => F::Binary {
            part: section_binary(i)?,
            partial: partial(i)?,
            peek: name.len() > 6,
        },
        b"BINARY.SIZE" => F::BinarySize {
            part: section_binary(i)?,
        },
        _ if peek(i) == Some(b'[') => return fail(&start, "fetch attribute"),
        _ => match FetchItem::from_plain_name(name) {
            Some(item) => item,
            None => F::Other(Atom::unchecked(slice(i, name))),
        },
    })
}

// [SP "(" preview-mod *(SP preview-mod) ")"] ; preview-mod = "LAZY" (RFC 8970 section 6)
/// PREVIEW's modifiers: whether `(LAZY)` follows. A parenthesized list that does not start
/// with LAZY is left alone (it is the FETCH modifiers).
fn preview_mods(i: &mut Input<'_>) -> PResult<bool> {
    let mut look = *i;
    if sp(&mut look).is_err() || peek(&look) != Some(b'(') {
        return Ok(false);
    }
    advance(&mut look, 1);
    if !at_keyword(&look, "LAZY") {
        return Ok(false);
    }
    sp(i)?;
    paren_list1(i, "LAZY", |i| {
        if at_keyword(i, "LAZY") {
            advance(i, 4);
            Ok(())
        } else {
            fail(i, "LAZY")
        }
    })?;
    Ok(true)
}

// section = "[" [section-spec] "]"
// section-spec = section-msgtext / (section-part ["." section-text])
// section-text = section-msgtext / "MIME" (RFC 9051 section 9)
/// A body section.
pub(super) fn section(i: &mut Input<'_>) -> PResult<Section> {
    byte(i, b'[', "[")?;
    let mut section = Section::default();
    match peek(i) {
        Some(b']') => {}
        Some(b'0'..=b'9') => {
            section.part = section_part(i)?;
            if peek(i) == Some(b'.') {
                advance(i, 1);
                section.text = Some(section_text(i, true)?);
            }
        }
        _ => section.text = Some(section_text(i, false)?),
    }
    byte(i, b']', "]")?;
    Ok(section)
}

// section-part = nz-number *("." nz-number) (RFC 9051 section 9)
/// Part numbers, up to (not including) a `.` that starts a section text.
fn section_part(i: &mut Input<'_>) -> PResult<Vec<u32>> {
    let mut part = vec![nz_number(i)?.get()];
    while peek(i) == Some(b'.') && i.input.get(1).is_some_and(u8::is_ascii_digit) {
        advance(i, 1);
        part.push(nz_number(i)?.get());
    }
    Ok(part)
}

// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
// header-list = "(" header-fld-name *(SP header-fld-name) ")" ; header-fld-name = astring
// (RFC 9051 section 9). Tolerated: an empty header list.
/// A section text; `MIME` only when `mime` (after a part number).
fn section_text(i: &mut Input<'_>, mime: bool) -> PResult<SectionText> {
    let start = *i;
    let word = take_while1(
        i,
        |b| b.is_ascii_alphanumeric() || b == b'.',
        "section text",
    )?;
    let mut buf = [0u8; 17];
    Ok(match upper(word, &mut buf) {
        b"HEADER" => SectionText::Header,
        b"HEADER.FIELDS" => SectionText::HeaderFields(arg(i, header_list)?),
        b"HEADER.FIELDS.NOT" => SectionText::HeaderFieldsNot(arg(i, header_list)?),
        b"TEXT" => SectionText::Text,
        b"MIME" if mime => SectionText::Mime,
        _ if mime => return fail(&start, "HEADER, HEADER.FIELDS, TEXT or MIME"),
        _ => return fail(&start, "HEADER, HEADER.FIELDS or TEXT"),
    })
}

// header-list = "(" header-fld-name *(SP header-fld-name) ")" ; header-fld-name = astring
// (RFC 9051 section 9). Tolerated: an empty list.
/// A header-list.
fn header_list(i: &mut Input<'_>) -> PResult<Vec<Str>> {
    if lenient(i) {
        paren_list(i, astring)
    } else {
        paren_list1(i, "header field name", astring)
    }
}

// section-binary = "[" [section-part] "]" (RFC 9051 section 9, RFC 3516 section 4.3)
/// A BINARY section: part numbers only.
fn section_binary(i: &mut Input<'_>) -> PResult<Vec<u32>> {
    byte(i, b'[', "[")?;
    let part = if peek(i) == Some(b']') {
        Vec::new()
    } else {
        section_part(i)?
    };
    byte(i, b']', "]")?;
    Ok(part)
}

// partial = "<" number64 "." nz-number64 ">" (RFC 9051 section 9; `Partial` holds 32 bits,
// as RFC 3501 section 9: "<" number "." nz-number ">")
/// An optional partial range.
fn partial(i: &mut Input<'_>) -> PResult<Option<Partial>> {
    if peek(i) != Some(b'<') {
        return Ok(None);
    }
    advance(i, 1);
    let offset = number(i)?;
    byte(i, b'.', ".")?;
    let count = nz_number(i)?.get();
    byte(i, b'>', ">")?;
    Ok(Some(Partial { offset, count }))
}

// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
// store-modifiers = SP "(" store-modifier *(SP store-modifier) ")" (RFC 4466 section 3)
// store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer (RFC 7162 section 7)
// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
// (RFC 9051 section 9); "X-GM-LABELS" [".SILENT"] SP (label list / labels) in place of FLAGS
// (Gmail)
/// STORE's arguments.
fn store(i: &mut Input<'_>, uid: bool) -> PResult<CommandBody> {
    let set = arg(i, |i| message_set(i, uid))?;
    sp(i)?;
    let mut unchanged_since = None;
    if peek(i) == Some(b'(') {
        paren_list1(i, "store modifier", |i| {
            let m = *i;
            if !at_keyword(i, "UNCHANGEDSINCE") {
                return cut(&m, "UNCHANGEDSINCE");
            }
            advance(i, 14);
            unchanged_since = Some(arg(i, modseq)?);
            Ok(())
        })?;
        sp(i)?;
    }
    let kind = match peek(i) {
        Some(b'+') => StoreKind::Add,
        Some(b'-') => StoreKind::Remove,
        _ => StoreKind::Replace,
    };
    if kind != StoreKind::Replace {
        advance(i, 1);
    }
    let start = *i;
    let word = atom_bytes(i).or_else(|_| fail(&start, "FLAGS"))?;
    let mut buf = [0u8; 18];
    let word = upper(word, &mut buf);
    let (name, silent) = match word.strip_suffix(b".SILENT") {
        Some(name) => (name, true),
        None => (word, false),
    };
    sp(i)?;
    let target = match name {
        b"FLAGS" => StoreTarget::Flags(list_or_run(i, flag)?),
        b"X-GM-LABELS" => StoreTarget::GmLabels(list_or_run(i, gm_label)?),
        _ => return fail(&start, "FLAGS"),
    };
    Ok(CommandBody::Store {
        set,
        kind,
        silent,
        target,
        unchanged_since,
    })
}

// flag-list / (flag *(SP flag)) (the tail of store-att-flags, RFC 9051 section 9), also used
// for Gmail labels
/// `"(" [item *(SP item)] ")"`, or `item *(SP item)` up to the end of the line.
fn list_or_run<T>(
    i: &mut Input<'_>,
    mut item: impl FnMut(&mut Input<'_>) -> PResult<T>,
) -> PResult<Vec<T>> {
    if peek(i) == Some(b'(') {
        return paren_list(i, item);
    }
    let mut v = vec![item(i)?];
    while !at_eol(i) {
        sp(i)?;
        v.push(item(i)?);
    }
    Ok(v)
}

// id = "ID" SPACE id_params_list
// id_params_list = "(" #(string SPACE nstring) ")" / nil (RFC 2971 section 4)
/// ID's parameters.
fn id(i: &mut Input<'_>) -> PResult<CommandBody> {
    sp(i)?;
    super::core::id_params(i).map(CommandBody::Id)
}

// setquota = "SETQUOTA" SP quota-root-name SP setquota-list
// setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
// setquota-resource = resource-name SP resource-limit ; resource-name = atom-like names
// resource-limit = number64 (RFC 9208 section 7)
/// SETQUOTA's arguments.
fn setquota(i: &mut Input<'_>) -> PResult<CommandBody> {
    let root = arg(i, astring)?;
    sp(i)?;
    let limits = paren_list(i, |i| {
        let name = atom(i)?;
        let limit = arg(i, number64)?;
        Ok(QuotaLimit { name, limit })
    })?;
    Ok(CommandBody::SetQuota { root, limits })
}

// getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
// entries = entry / "(" entry *(SP entry) ")" ; entry = astring (RFC 5464 section 5).
// Tolerated, as the examples of RFC 5464 section 4.2 write them: the options after the
// mailbox (when they read as options followed by SP: a final `(DEPTH)` is an entry list),
// and several entries without parentheses.
/// GETMETADATA's arguments.
fn getmetadata(i: &mut Input<'_>) -> PResult<CommandBody> {
    sp(i)?;
    let mut options = MetadataOptions::default();
    if peek(i) == Some(b'(') {
        metadata_options(i, &mut options)?;
        sp(i)?;
    }
    let mailbox = mailbox(i)?;
    sp(i)?;
    if lenient(i) && at_metadata_options(i) {
        let save = (*i, options.clone());
        if metadata_options(i, &mut options)
            .and_then(|()| sp(i))
            .is_err()
        {
            (*i, options) = save;
        }
    }
    let entries = if peek(i) == Some(b'(') {
        paren_list1(i, "entry", astring)?
    } else {
        let mut v = vec![astring(i)?];
        while lenient(i) && !at_eol(i) {
            v.push(arg(i, astring)?);
        }
        v
    };
    Ok(CommandBody::GetMetadata {
        options,
        mailbox,
        entries,
    })
}

// "(" ("MAXSIZE" / "DEPTH") ... : the start of getmetadata-options (RFC 5464 section 5)
/// Whether the input is at `(MAXSIZE` or `(DEPTH`.
fn at_metadata_options(i: &Input<'_>) -> bool {
    let mut look = *i;
    if peek(&look) != Some(b'(') {
        return false;
    }
    advance(&mut look, 1);
    at_keyword(&look, "MAXSIZE") || at_keyword(&look, "DEPTH")
}

// getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"
// getmetadata-option = tagged-ext-label [SP tagged-ext-val] ; maxsize-opt = "MAXSIZE" SP number
// scope-opt = "DEPTH" SP ("0" / "1" / "infinity") (RFC 5464 section 5)
/// GETMETADATA options, recorded in `options`.
fn metadata_options(i: &mut Input<'_>, options: &mut MetadataOptions) -> PResult<()> {
    paren_list1(i, "MAXSIZE or DEPTH", |i| {
        let start = *i;
        if at_keyword(i, "MAXSIZE") {
            advance(i, 7);
            options.max_size = Some(arg(i, number64)?);
        } else if at_keyword(i, "DEPTH") {
            advance(i, 5);
            sp(i)?;
            let d = *i;
            let value = atom_bytes(i)?;
            options.depth = Some(match value {
                b"0" => MetadataDepth::Zero,
                b"1" => MetadataDepth::One,
                v if v.eq_ignore_ascii_case(b"infinity") => MetadataDepth::Infinity,
                _ => return fail(&d, "0, 1 or infinity"),
            });
        } else {
            return cut(&start, "MAXSIZE or DEPTH");
        }
        Ok(())
    })
    .map(drop)
}

// setmetadata = "SETMETADATA" SP mailbox SP entry-values
// entry-values = "(" entry-value *(SP entry-value) ")" ; entry-value = entry SP value
// value = nstring / literal8 (RFC 5464 section 5)
/// SETMETADATA's arguments.
fn setmetadata(i: &mut Input<'_>) -> PResult<CommandBody> {
    let mailbox = arg(i, mailbox)?;
    sp(i)?;
    let entries = paren_list1(i, "entry", |i| {
        let entry = astring(i)?;
        let value = arg(i, nstring8)?;
        Ok((entry, value))
    })?;
    Ok(CommandBody::SetMetadata { mailbox, entries })
}

// command-any =/ x-command (RFC 3501 section 9: "X" atom <experimental command arguments>);
// any other command name is kept with its raw arguments.
/// An unknown command: its arguments are the rest of the unit before the final CRLF, literals
/// included whole.
fn other(i: &mut Input<'_>, name: &[u8]) -> PResult<CommandBody> {
    let name = Atom::unchecked(slice(i, name));
    if at_eol(i) {
        return Ok(CommandBody::Other {
            name,
            args: RawArgs::default(),
        });
    }
    sp(i)?;
    let args = rest_of_command(i)?;
    Ok(CommandBody::Other {
        name,
        args: RawArgs::unchecked(slice(i, args)),
    })
}

// The rest of an x-command: *(any CHAR8 except CR and LF / literal / literal8) up to CRLF
// (literal = "{" number64 ["+"] "}" CRLF *CHAR8, RFC 9051 section 9; literal8, RFC 3516)
/// Consumes the rest of the command up to (not including) the line end that ends it, skipping
/// literals (a line that ends with `{N}`, `{N+}` or `~{N}` continues after N bytes).
fn rest_of_command<'a>(i: &mut Input<'a>) -> PResult<&'a [u8]> {
    let all: &'a [u8] = i.input;
    let mut pos = 0;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &all[pos..]) else {
            advance(i, all.len());
            return fail(i, "CRLF");
        };
        let nl = pos + nl;
        let end = if nl > pos && all[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        match literal_len_at_end(&all[pos..end]) {
            Some(n) if n <= all.len() - (nl + 1) => pos = nl + 1 + n,
            Some(_) => {
                advance(i, nl + 1);
                return cut(i, "literal data");
            }
            None => {
                advance(i, end);
                return Ok(&all[..end]);
            }
        }
    }
}

// "{" number64 ["+"] "}" / "~{" number64 "}" at the end of a line (RFC 9051 section 9,
// RFC 7888 section 8, RFC 3516 section 5); `{N-}` as the framer accepts it
/// The length of the literal whose marker ends `line`, if it ends with one.
fn literal_len_at_end(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"}")?;
    let line = line
        .strip_suffix(b"+")
        .or_else(|| line.strip_suffix(b"-"))
        .unwrap_or(line);
    let digits = line.len()
        - line
            .iter()
            .rev()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(line.len());
    let (head, digits) = line.split_at(digits);
    if digits.is_empty() || !head.ends_with(b"{") {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &d| {
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    })
}

// base64 = *(4base64-char) [base64-terminal] (RFC 9051 section 9); the client's line during
// AUTHENTICATE is base64 CRLF, or "*" CRLF to cancel (RFC 9051 section 6.2.2).
// Tolerated: missing padding, a bare LF, and "=" for an empty response (the SASL-IR
// initial-resp form).
/// A client's response line during AUTHENTICATE: the decoded bytes, or `None` when the client
/// cancels with `*`. Errors never show the line: their excerpt is redacted.
pub(super) fn authenticate_response(line: &[u8]) -> Result<Option<Vec<u8>>, ParseError> {
    let body = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line);
    if body == b"*" {
        return Ok(None);
    }
    if body.is_empty() || body == b"=" {
        return Ok(Some(Vec::new()));
    }
    TOLERANT.decode(body).map(Some).map_err(|e| {
        use base64::DecodeError as D;
        let offset = match e {
            D::InvalidByte(n, _) | D::InvalidLastSymbol(n, _) => n,
            D::InvalidLength(_) | D::InvalidPadding => body.len(),
        };
        ParseError {
            expected: "base64",
            offset,
            unit_len: line.len(),
            excerpt: Excerpt::redacted(line.len()),
        }
    })
}

// idle = "IDLE" CRLF "DONE" (RFC 9051 section 9, RFC 2177 section 4). Tolerated: a bare LF.
/// Whether `line` is the `DONE` that ends IDLE (any case).
pub(super) fn idle_done(line: &[u8]) -> bool {
    line.strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .is_some_and(|w| w.eq_ignore_ascii_case(b"DONE"))
}

#[cfg(test)]
mod tests {
    use super::super::{ParseOptions, is_idle_done, parse_authenticate_response, parse_command};
    use super::*;
    use crate::types::{
        Bound, DateTime, Flag, NumSet, SearchKey, SearchReturn, SeqSet, SetItem, SortCriterion,
        SortKey, UidSet,
    };

    fn parse_opts(bytes: &[u8], opts: &ParseOptions) -> Result<Command, ParseError> {
        parse_command(&Bytes::copy_from_slice(bytes), opts)
    }

    /// Parses `bytes` strictly (so every RFC example must be exact grammar).
    fn strict(bytes: &[u8]) -> Command {
        parse_opts(bytes, &ParseOptions::strict())
            .unwrap_or_else(|e| panic!("{}: {e}", bytes.escape_ascii()))
    }

    /// Parses `bytes` with the default (tolerant) options.
    fn tolerant(bytes: &[u8]) -> Command {
        parse_opts(bytes, &ParseOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", bytes.escape_ascii()))
    }

    fn body(bytes: &[u8]) -> CommandBody {
        strict(bytes).body
    }

    fn err(bytes: &[u8]) -> ParseError {
        match parse_opts(bytes, &ParseOptions::strict()) {
            Ok(c) => panic!("{} parsed: {c:?}", bytes.escape_ascii()),
            Err(e) => e,
        }
    }

    fn s(v: &str) -> Str {
        Str::from(v)
    }

    fn a(v: &str) -> Atom {
        Atom::try_from(v).unwrap()
    }

    fn seqs(items: &[(u32, u32)]) -> SeqSet {
        set(items)
    }

    fn uids(items: &[(u32, u32)]) -> UidSet {
        set(items)
    }

    /// A set from `(a, b)` pairs: `a == b` is a single number, 0 stands for `*`.
    fn set<K: crate::types::SetKey>(items: &[(u32, u32)]) -> NumSet<K> {
        let b = |n: u32| match std::num::NonZeroU32::new(n) {
            Some(n) => Bound::Value(K::from_nonzero(n)),
            None => Bound::Star,
        };
        NumSet::new(
            items
                .iter()
                .map(|&(x, y)| {
                    if x == y {
                        SetItem::Single(b(x))
                    } else {
                        SetItem::Range(b(x), b(y))
                    }
                })
                .collect(),
        )
        .unwrap()
    }

    /// The message of the APPEND example of RFC 3501 section 6.3.11 (310 bytes).
    const RFC3501_APPEND: &str = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
        From: Fred Foobar <foobar@Blurdybloop.COM>\r\n\
        Subject: afternoon meeting\r\n\
        To: mooch@owatagu.siam.edu\r\n\
        Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n\
        Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    /// The message of the APPEND example of RFC 9051 section 6.3.12 (297 bytes).
    const RFC9051_APPEND: &str = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
        From: Fred Foobar <foobar@example.com>\r\n\
        Subject: afternoon meeting\r\n\
        To: mooch@example.com\r\n\
        Message-Id: <B27397-0100000@example.com>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n\
        Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    /// The two messages of the MULTIAPPEND example of RFC 3502 section 6 (329 and 295 bytes).
    const RFC3502_APPEND: [&str; 2] = [
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
        From: Fred Foobar <foobar@Blurdybloop.example.COM>\r\n\
        Subject: afternoon meeting\r\n\
        To: mooch@owatagu.example.net\r\n\
        Message-Id: <B27397-0100000@Blurdybloop.example.COM>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n\
        Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n",
        "Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)\r\n\
        From: Joe Mooch <mooch@OWaTaGu.example.net>\r\n\
        Subject: Re: afternoon meeting\r\n\
        To: foobar@blurdybloop.example.com\r\n\
        Message-Id: <a0434793874930@OWaTaGu.example.net>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n\
        3:30 is fine with me.\r\n",
    ];

    /// Parses each unit (strictly, or tolerantly) into a `(unit, command)` table for a snapshot.
    fn table(units: &[String], strictly: bool) -> Vec<(String, Command)> {
        units
            .iter()
            .map(|u| {
                let c = if strictly {
                    strict(u.as_bytes())
                } else {
                    tolerant(u.as_bytes())
                };
                (u.clone(), c)
            })
            .collect()
    }

    fn units(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| format!("{l}\r\n")).collect()
    }

    #[test]
    fn rfc3501_examples() {
        assert_eq!(RFC3501_APPEND.len(), 310);
        let mut u = units(&[
            "abcd CAPABILITY",
            "efgh STARTTLS",
            "a002 NOOP",
            "A023 LOGOUT",
            "a004 LOGIN joe password",
            "A001 AUTHENTICATE GSSAPI",
            "a001 LOGIN SMITH SESAME",
            "A142 SELECT INBOX",
            "A932 EXAMINE blurdybloop",
            "A003 CREATE owatagusiam/",
            "A004 CREATE owatagusiam/blurdybloop",
            "A683 DELETE blurdybloop",
            "A685 DELETE foo/bar",
            "A686 LIST \"\" *",
            "A86 LIST \"\" %",
            "A683 RENAME blurdybloop sarasoop",
            "Z433 RENAME INBOX old-mail",
            "A002 SUBSCRIBE #news.comp.mail.mime",
            "A002 UNSUBSCRIBE #news.comp.mail.mime",
            "A101 LIST \"\" \"\"",
            "A102 LIST #news.comp.mail.misc \"\"",
            "A103 LIST /usr/staff/jones \"\"",
            "A202 LIST ~/Mail/ %",
            "A002 LSUB \"#news.\" \"comp.mail.*\"",
            "A003 LSUB \"#news.\" \"comp.%\"",
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
            "FXXZ CHECK",
            "A341 CLOSE",
            "A202 EXPUNGE",
            "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            "A283 SEARCH TEXT \"string not in mailbox\"",
            "A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX",
            "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
            "A003 STORE 2:4 +FLAGS (\\Deleted)",
            "A003 COPY 2:4 MEETING",
            "A999 UID FETCH 4827313:4828442 FLAGS",
            "A442 XPIG-LATIN",
            "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man",
            "a001 login mrc secret",
            "a002 select inbox",
            "a003 fetch 12 full",
            "a004 fetch 12 body[header]",
            "a005 store 12 +flags \\deleted",
            "a006 logout",
        ]);
        u.push(format!(
            "A003 APPEND saved-messages (\\Seen) {{310}}\r\n{RFC3501_APPEND}\r\n"
        ));
        insta::assert_debug_snapshot!("rfc3501_examples", table(&u, true));
    }

    #[test]
    fn rfc9051_examples() {
        assert_eq!(RFC9051_APPEND.len(), 297);
        let mut u = units(&[
            "a004 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
            "A01 AUTHENTICATE EXTERNAL =",
            "c1 AUTHENTICATE PLAIN",
            "t2 ENABLE CONDSTORE X-GOOD-IDEA",
            "A143 SELECT Drafts",
            "A005 CREATE NonNormalized",
            "1001 RENAME X Y",
            "A02 LIST (SUBSCRIBED) \"\" \"*\"",
            "A03 LIST () \"\" \"%\" RETURN (CHILDREN)",
            "A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)",
            "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"",
            "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)",
            "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)",
            "D03 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*2\"",
            "a1 LIST \"\" (\"foo\")",
            "a3.1 LIST \"\" (% music/rock)",
            "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
            "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))",
            "A001 NAMESPACE",
            "A002 CREATE \"INBOX.Sent Mail\"",
            "A002 LIST (SPECIAL-USE) \"\" \"*\"",
            "A003 LIST (SPECIAL-USE) \"#mh/\" \"*\"",
            "A002 LIST \"\" \"Other Users/%\"",
            "A002 LIST \"\" \"~mark/%\"",
            "A005 UID COPY 305:310 meeting",
            "A002 IDLE",
            "A003 FETCH 4 ALL",
            "A342 UNSELECT",
            "A282 SEARCH RETURN (MIN COUNT) FLAGGED",
            "A283 SEARCH RETURN () FLAGGED",
            "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск",
            "A285 UID SEARCH RETURN (MIN MAX) 1:5000",
            "A286 SEARCH RETURN (COUNT) DELETED",
            "A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            "A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])",
            "A301 UID SEARCH UID $ SMALLER 4096",
            "A301 UID SEARCH $ SMALLER 4096",
            "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать",
            "B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nXXXX",
            "E283 COPY $ \"Other Messages\"",
            "F284 STORE $ +FLAGS.Silent (\\Deleted)",
            "C286 SEARCH RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
            "a UID MOVE 42:69 foo",
            "A003 UID EXPUNGE 3000:3002",
            "b LOGIN \"fred\" \"foo\"",
            "l create \"///////\"",
            "k2 status \"/archive/projects/experiment-iv\" (messages)",
            "h search from maria@example.com",
            "m STORE 42 FLAGS f1 f2 f3 f4 f5",
        ]);
        u.push(format!(
            "A003 APPEND saved-messages (\\Seen) {{297+}}\r\n{RFC9051_APPEND}\r\n"
        ));
        insta::assert_debug_snapshot!("rfc9051_examples", table(&u, true));
    }

    #[test]
    fn extension_rfc_examples() {
        assert_eq!(RFC3502_APPEND.map(str::len), [329, 295]);
        let mut u = units(&[
            // RFC 7162 (CONDSTORE, QRESYNC)
            "A142 SELECT INBOX (CONDSTORE)",
            "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
            "a104 STORE * (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $Processed)",
            "c101 STORE 50 (UNCHANGEDSINCE 12121230045) -FLAGS.SILENT (\\Deleted)",
            "a102 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)",
            "s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
            "a FETCH 1:3 (MODSEQ)",
            "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338",
            "t SEARCH OR NOT MODSEQ 720162338 LARGER 50000",
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)",
            "a SEARCH RETURN (ALL) MODSEQ 1234",
            "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
            "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 \
             (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,\
             29988,29991,29994,29997)))",
            "s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
            "A150 STORE 1:2 (UNCHANGEDSINCE 96) +FLAGS.SILENT \\Seen",
            "A142 SELECT INBOX (QRESYNC (3857529045 20010715194032001 1:198))",
            ". UID EXPUNGE 3000:3002",
            // RFC 5256 (SORT, THREAD)
            "A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994",
            "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
            "A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"",
            "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000",
            "A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"",
            "A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000",
            // RFC 5267 section 3.3 (ESORT) and 4 (CONTEXT=SEARCH)
            "E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk",
            "A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk",
            "B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk",
            "B04 CANCELUPDATE \"B01\"",
            "A02 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED UNKEYWORD $Junk",
            // RFC 5465 section 7 (NOTIFY; the example of section 3 leaves out the parentheses
            // the grammar requires around events)
            "a notify set (mailboxes INBOX (Messagenew messageExpunge))",
            "a notify set (selected (Messagenew (uid flags) messageExpunge))",
            "b notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))",
            "a notify set (personal (MessageNew MessageExpunge FlagChange)) (selected-delayed NONE) (mailboxes (INBOX \"Other Users\") (MailboxName SubscriptionChange))",
            "a NOTIFY SET (inboxes (MessageNew MessageExpunge)) (subscribed (AnnotationChange MailboxMetadataChange ServerMetadataChange XFuture))",
            "a NOTIFY NONE",
            // RFC 7888 (LITERAL+)
            "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man",
            // RFC 5464 (METADATA), in the order of its ABNF
            "a GETMETADATA \"\" /shared/comment",
            "a GETMETADATA \"INBOX\" /private/comment",
            "a GETMETADATA \"INBOX\" (/shared/comment /private/comment)",
            "a GETMETADATA (MAXSIZE 1024) \"INBOX\" (/shared/comment /private/comment)",
            "a GETMETADATA (DEPTH 1) \"INBOX\" (/private/filters/values)",
            "a SETMETADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)",
            "a SETMETADATA INBOX (/private/comment NIL)",
            "a SETMETADATA INBOX (/private/comment \"My new comment\" \
             /shared/comment \"This one is for you!\")",
            // RFC 9208 (QUOTA)
            "G0001 GETQUOTA \"!partition/sda4\"",
            "G0002 GETQUOTAROOT INBOX",
            "S0001 SETQUOTA \"#user/alice\" (STORAGE 510)",
            "S0002 SETQUOTA \"!partition/sda4\" (STORAGE 99999999)",
            "S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)",
            // RFC 4314 (ACL)
            "A001 SeTacl INBOX/Drafts David lrswida",
            "A002 getacl INBOX/Drafts",
            "A002 SETACL INBOX/Drafts Chris +cda",
            "B002 DeleteAcl INBOX Fred",
            "a001 LISTRIGHTS ~/Mail/saved smith",
            "A003 MYRIGHTS INBOX",
            // RFC 2971 (ID)
            "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \
             \"Pink Floyd Music Limited\")",
            "a042 ID NIL",
            // RFC 4959 (SASL-IR), RFC 4978 (COMPRESS)
            "A01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
            "c compress deflate",
            // RFC 6154 (SPECIAL-USE, CREATE-SPECIAL-USE)
            "t2 LIST \"\" \"%\" RETURN (SPECIAL-USE)",
            "t3 LIST (SPECIAL-USE) \"\" \"*\"",
            "t2 CREATE MySpecial (USE (\\Drafts \\Sent))",
            "t3 CREATE Everything (USE (\\All))",
            "t3 SETMETADATA \"SavedDrafts\" (/private/specialuse \"\\\\Drafts\")",
            // RFC 8970 (PREVIEW)
            "A2 FETCH 1 (RFC822.SIZE PREVIEW)",
            "B1 FETCH 1:4 (ENVELOPE PREVIEW (LAZY))",
            "C3 FETCH $ (UID PREVIEW (LAZY))",
            // RFC 8474 (OBJECTID)
            "6 status foo (mailboxid)",
            "11 list \"\" \"*\" return (status (mailboxid))",
            "22 fetch 1:* (emailid threadid)",
            "5 append inbox \"20-Mar-2018 03:07:37 +1100\" {5}\r\nHello",
            // RFC 5032 (WITHIN), RFC 8514 (SAVEDATE)
            "a1 SEARCH UNSEEN YOUNGER 259200",
            "a2 SEARCH SAVEDSINCE 1-Jan-2019 SAVEDATESUPPORTED",
            // RFC 3516 (BINARY): its section 4 gives the syntax, not examples
            "A1 FETCH 1 (BINARY.PEEK[1.2]<0.100> BINARY.SIZE[1] BINARY[])",
            "A2 APPEND Drafts (\\Draft) ~{5}\r\n\0ab\x01c",
            // RFC 6851 (MOVE), RFC 3691 (UNSELECT), RFC 2177 (IDLE)
            "a UID MOVE 42:69 foo",
            "A341 UNSELECT",
            "A002 IDLE",
            // Gmail
            "a1 XLIST \"\" \"*\"",
            "a2 STORE 1 +X-GM-LABELS (\\Inbox \"Muy importante\" foo)",
            "a3 UID STORE 5 -X-GM-LABELS.SILENT \\Starred",
            "a4 UID SEARCH X-GM-RAW \"has:attachment in:unread\"",
            "a5 FETCH 1 (X-GM-MSGID X-GM-THRID X-GM-LABELS)",
        ]);
        u.push(format!(
            "A003 APPEND saved-messages (\\Seen) {{329}}\r\n{} (\\Seen) \" 7-Feb-1994 22:43:04 \
             -0800\" {{295}}\r\n{}\r\n",
            RFC3502_APPEND[0], RFC3502_APPEND[1]
        ));
        // RFC 4469 appendix A, example 1 (CATENATE); a boundary line with its CRLFs is 42
        // bytes, the closing one 44.
        let b = "\r\n--------------030308070208000400050907\r\n";
        let end = "\r\n--------------030308070208000400050907--\r\n";
        assert_eq!((b.len(), end.len()), (42, 44));
        u.push(format!(
            "A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE \
             (URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {{42}}\r\n{b} \
             URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME\" \
             URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1\" TEXT {{42}}\r\n{b} \
             URL \"/Drafts;UIDVALIDITY=385759045/;UID=30\" TEXT {{44}}\r\n{end})\r\n"
        ));
        insta::assert_debug_snapshot!("extension_rfc_examples", table(&u, true));
    }

    /// RFC examples that break the ABNF; the tolerant parser accepts them.
    #[test]
    fn tolerated_rfc_examples() {
        let u = units(&[
            // RFC 5819 section 3: no SP after the selection options.
            "A02 LIST (SUBSCRIBED RECURSIVEMATCH)\"\" % RETURN (STATUS (MESSAGES))",
            // RFC 5464 section 4.2: options after the mailbox, entries without parentheses.
            "a GETMETADATA \"INBOX\" (MAXSIZE 1024) (/shared/comment /private/comment)",
            "a GETMETADATA \"INBOX\" (DEPTH 1) (/private/filters/values)",
            "a GETMETADATA \"INBOX\" /private/comment /shared/comment",
        ]);
        for unit in &u {
            assert!(
                parse_opts(unit.as_bytes(), &ParseOptions::strict()).is_err(),
                "{unit}"
            );
        }
        insta::assert_debug_snapshot!("tolerated_rfc_examples", table(&u, false));
    }

    /// Found by the `command` fuzz target: tolerant mode took a final entry list whose first
    /// entry is named `DEPTH` or `MAXSIZE` for options written after the mailbox, and failed
    /// on it, while it is valid grammar (strict mode reads an entry list).
    #[test]
    fn getmetadata_entry_named_like_an_option() {
        for line in [
            &b"a GETMETADATA N (DEPTH)\r\n"[..],
            b"a GETMETADATA N (MAXSIZE /x)\r\n",
            b"a GETMETADATA N (DEPTH 1)\r\n",
        ] {
            let s = strict(line);
            assert!(
                matches!(&s.body, CommandBody::GetMetadata { options, .. } if *options == MetadataOptions::default()),
                "{s:?}"
            );
            assert_eq!(tolerant(line), s);
        }
        // Options after the mailbox, followed by the entries, are still tolerated.
        let CommandBody::GetMetadata {
            options, entries, ..
        } = tolerant(b"a GETMETADATA N (DEPTH 1) /x\r\n").body
        else {
            panic!()
        };
        assert_eq!(options.depth, Some(MetadataDepth::One));
        assert_eq!(entries, [Str::from("/x")]);
    }

    #[test]
    fn command_names_and_keywords_ignore_case() {
        let pairs: [(&[u8], &[u8]); 8] = [
            (
                b"a1 uid fetch 1:* (flags body.peek[header.fields.not (from)]<0.10>) (changedsince 5 vanished)\r\n",
                b"a1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS.NOT (from)]<0.10>) (CHANGEDSINCE 5 VANISHED)\r\n",
            ),
            (
                b"a1 Select inbox (condstore qresync (1 2 3:4 (1 5)))\r\n",
                b"a1 SELECT INBOX (CONDSTORE QRESYNC (1 2 3:4 (1 5)))\r\n",
            ),
            (
                b"a1 list (subscribed recursivematch special-use) \"\" (a b) return (children status (uidnext) special-use)\r\n",
                b"a1 LIST (SUBSCRIBED RECURSIVEMATCH SPECIAL-USE) \"\" (a b) RETURN (CHILDREN STATUS (UIDNEXT) SPECIAL-USE)\r\n",
            ),
            (
                b"a1 uid search return (min save) charset utf-8 or not seen uid 1:2\r\n",
                b"a1 UID SEARCH RETURN (MIN SAVE) CHARSET utf-8 OR NOT SEEN UID 1:2\r\n",
            ),
            (
                b"a1 store 1 (unchangedsince 4) -flags.silent (\\seen)\r\n",
                b"a1 STORE 1 (UNCHANGEDSINCE 4) -FLAGS.SILENT (\\Seen)\r\n",
            ),
            (
                b"a1 getmetadata (maxsize 5 depth Infinity) \"\" (/a)\r\n",
                b"a1 GETMETADATA (MAXSIZE 5 DEPTH infinity) \"\" (/a)\r\n",
            ),
            (
                b"a1 create x (use (\\sent))\r\n",
                b"a1 CREATE x (USE (\\Sent))\r\n",
            ),
            (
                b"a1 uid sort (reverse arrival) utf-8 all\r\n",
                b"a1 UID SORT (REVERSE ARRIVAL) utf-8 ALL\r\n",
            ),
        ];
        for (lower, upper) in pairs {
            assert_eq!(strict(lower), strict(upper), "{}", lower.escape_ascii());
        }
        assert_eq!(body(b"a inbox\r\n"), other_cmd("inbox", b""));
        assert_eq!(body(b"x id nil\r\n"), CommandBody::Id(None));
    }

    fn other_cmd(name: &str, args: &[u8]) -> CommandBody {
        CommandBody::Other {
            name: a(name),
            args: RawArgs::unchecked(Bytes::copy_from_slice(args)),
        }
    }

    #[test]
    fn fetch_items_and_sections() {
        use FetchItem as F;
        let items = |bytes: &[u8]| match body(bytes) {
            CommandBody::Fetch { items, .. } => items,
            other => panic!("{other:?}"),
        };
        assert_eq!(items(b"a FETCH 1 ALL\r\n"), FetchItems::All);
        assert_eq!(items(b"a FETCH 1 fast\r\n"), FetchItems::Fast);
        assert_eq!(items(b"a FETCH 1 FULL\r\n"), FetchItems::Full);
        assert_eq!(
            items(b"a FETCH 1 (ALL)\r\n"),
            FetchItems::Items(vec![F::Other(a("ALL"))])
        );
        let section = |part: &[u32], text: Option<SectionText>| Section {
            part: part.to_vec(),
            text,
        };
        let cases: Vec<(&[u8], FetchItem)> = vec![
            (b"ENVELOPE", F::Envelope),
            (b"FLAGS", F::Flags),
            (b"INTERNALDATE", F::InternalDate),
            (b"RFC822.SIZE", F::Rfc822Size),
            (b"RFC822", F::Rfc822),
            (b"RFC822.HEADER", F::Rfc822Header),
            (b"RFC822.TEXT", F::Rfc822Text),
            (b"BODY", F::Body),
            (b"BODYSTRUCTURE", F::BodyStructure),
            (b"UID", F::Uid),
            (b"MODSEQ", F::ModSeq),
            (b"EMAILID", F::EmailId),
            (b"THREADID", F::ThreadId),
            (b"SAVEDATE", F::SaveDate),
            (b"PREVIEW", F::Preview { lazy: false }),
            (b"X-GM-LABELS", F::GmLabels),
            (b"X-SOMETHING", F::Other(a("X-SOMETHING"))),
            (
                b"BODY[]",
                F::BodySection {
                    section: Section::default(),
                    partial: None,
                    peek: false,
                },
            ),
            (
                b"BODY.PEEK[]<0.2048>",
                F::BodySection {
                    section: Section::default(),
                    partial: Some(Partial {
                        offset: 0,
                        count: 2048,
                    }),
                    peek: true,
                },
            ),
            (
                b"BODY[1.2.MIME]",
                F::BodySection {
                    section: section(&[1, 2], Some(SectionText::Mime)),
                    partial: None,
                    peek: false,
                },
            ),
            (
                b"BODY[3.HEADER.FIELDS (Subject \"X-Y\")]",
                F::BodySection {
                    section: section(
                        &[3],
                        Some(SectionText::HeaderFields(vec![s("Subject"), s("X-Y")])),
                    ),
                    partial: None,
                    peek: false,
                },
            ),
            (
                b"BODY[4.2.2.1]",
                F::BodySection {
                    section: section(&[4, 2, 2, 1], None),
                    partial: None,
                    peek: false,
                },
            ),
            (
                b"body[text]<10.5>",
                F::BodySection {
                    section: section(&[], Some(SectionText::Text)),
                    partial: Some(Partial {
                        offset: 10,
                        count: 5,
                    }),
                    peek: false,
                },
            ),
            (
                b"BINARY[1]",
                F::Binary {
                    part: vec![1],
                    partial: None,
                    peek: false,
                },
            ),
            (
                b"BINARY.PEEK[]<0.1>",
                F::Binary {
                    part: vec![],
                    partial: Some(Partial {
                        offset: 0,
                        count: 1,
                    }),
                    peek: true,
                },
            ),
            (b"BINARY.SIZE[2.1]", F::BinarySize { part: vec![2, 1] }),
        ];
        for (text, want) in cases {
            let mut unit = b"a FETCH 1 ".to_vec();
            unit.extend_from_slice(text);
            unit.extend_from_slice(b"\r\n");
            assert_eq!(
                items(&unit),
                FetchItems::Items(vec![want.clone()]),
                "{}",
                text.escape_ascii()
            );
            let mut unit = b"a FETCH 1 (UID ".to_vec();
            unit.extend_from_slice(text);
            unit.extend_from_slice(b")\r\n");
            assert_eq!(items(&unit), FetchItems::Items(vec![F::Uid, want]));
        }
        // PREVIEW's own list is not mistaken for the FETCH modifiers, and the other way round.
        assert_eq!(
            body(b"a UID FETCH 1 PREVIEW (LAZY) (CHANGEDSINCE 7)\r\n"),
            CommandBody::Fetch {
                set: MessageSet::Uid(uids(&[(1, 1)])),
                items: FetchItems::Items(vec![F::Preview { lazy: true }]),
                changed_since: Some(7),
                vanished: false,
            }
        );
        assert_eq!(
            body(b"a FETCH 1 PREVIEW (CHANGEDSINCE 7)\r\n"),
            CommandBody::Fetch {
                set: MessageSet::Seq(seqs(&[(1, 1)])),
                items: FetchItems::Items(vec![F::Preview { lazy: false }]),
                changed_since: Some(7),
                vanished: false,
            }
        );
    }

    #[test]
    fn fetch_errors() {
        let cases: [(&[u8], &str, usize); 10] = [
            (b"a FETCH 1 (FLAGS\r\n", "SP or )", 16),
            (b"a FETCH 1 ()\r\n", "fetch attribute", 11),
            (
                b"a FETCH 1 BODY[HEAD]\r\n",
                "HEADER, HEADER.FIELDS or TEXT",
                15,
            ),
            (
                b"a FETCH 1 BODY[1.HEAD]\r\n",
                "HEADER, HEADER.FIELDS, TEXT or MIME",
                17,
            ),
            (
                b"a FETCH 1 BODY[MIME]\r\n",
                "HEADER, HEADER.FIELDS or TEXT",
                15,
            ),
            (b"a FETCH 1 BODY[]<5>\r\n", ".", 18),
            (b"a FETCH 1 X-FOO[1]\r\n", "fetch attribute", 10),
            (
                b"a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n",
                "VANISHED only in UID FETCH",
                16,
            ),
            (
                b"a UID FETCH 1 FLAGS (VANISHED)\r\n",
                "CHANGEDSINCE with VANISHED",
                20,
            ),
            (
                b"a FETCH 1 FLAGS (PARTIAL 1:5)\r\n",
                "CHANGEDSINCE or VANISHED",
                17,
            ),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn uid_forms_and_saved_results() {
        use CommandBody as C;
        let set = MessageSet::Uid(uids(&[(1, 0)]));
        assert!(matches!(body(b"a UID FETCH 1:* FLAGS\r\n"), C::Fetch { set: s, .. } if s == set));
        assert!(
            matches!(body(b"a UID STORE 1:* FLAGS ()\r\n"), C::Store { set: s, .. } if s == set)
        );
        assert_eq!(
            body(b"a UID COPY 1:* x\r\n"),
            C::Copy {
                set: set.clone(),
                mailbox: "x".into()
            }
        );
        assert_eq!(
            body(b"a UID MOVE 1:* x\r\n"),
            C::Move {
                set: set.clone(),
                mailbox: "x".into()
            }
        );
        assert!(matches!(
            body(b"a UID SEARCH ALL\r\n"),
            C::Search { uid: true, .. }
        ));
        assert!(matches!(
            body(b"a SEARCH ALL\r\n"),
            C::Search { uid: false, .. }
        ));
        assert!(matches!(
            body(b"a UID SORT (DATE) UTF-8 ALL\r\n"),
            C::Sort { uid: true, .. }
        ));
        assert!(matches!(
            body(b"a UID THREAD REFERENCES UTF-8 ALL\r\n"),
            C::Thread { uid: true, .. }
        ));
        assert_eq!(
            body(b"a UID EXPUNGE 1:*\r\n"),
            C::UidExpunge(uids(&[(1, 0)]))
        );
        // $: the saved result, in both forms.
        let saved = |uid| MessageSet::Saved { uid };
        assert!(
            matches!(body(b"a FETCH $ FLAGS\r\n"), C::Fetch { set, .. } if set == saved(false))
        );
        assert!(
            matches!(body(b"a UID FETCH $ FLAGS\r\n"), C::Fetch { set, .. } if set == saved(true))
        );
        assert!(
            matches!(body(b"a STORE $ FLAGS ()\r\n"), C::Store { set, .. } if set == saved(false))
        );
        assert_eq!(
            body(b"a UID COPY $ x\r\n"),
            C::Copy {
                set: saved(true),
                mailbox: "x".into()
            }
        );
        assert_eq!(
            body(b"a MOVE $ x\r\n"),
            C::Move {
                set: saved(false),
                mailbox: "x".into()
            }
        );
        // Sequence numbers and UIDs stay distinct.
        assert_eq!(
            body(b"a COPY 2,4:* x\r\n"),
            C::Copy {
                set: MessageSet::Seq(seqs(&[(2, 2), (4, 0)])),
                mailbox: "x".into()
            }
        );
        let e = err(b"a UID EXPUNGE $\r\n");
        assert_eq!((e.expected, e.offset), ("UID set", 14));
        let e = err(b"a UID NOOP\r\n");
        assert_eq!((e.expected, e.offset), ("command after UID", 6));
        let e = err(b"a UID\r\n");
        assert_eq!((e.expected, e.offset), ("SP", 5));
    }

    #[test]
    fn store_forms() {
        use CommandBody as C;
        assert_eq!(
            body(b"a STORE 1 (UNCHANGEDSINCE 0) FLAGS.SILENT \\Seen $Junk\r\n"),
            C::Store {
                set: MessageSet::Seq(seqs(&[(1, 1)])),
                kind: StoreKind::Replace,
                silent: true,
                target: StoreTarget::Flags(vec![Flag::Seen, Flag::Keyword(a("$Junk"))]),
                unchanged_since: Some(0),
            }
        );
        assert_eq!(
            body(b"a STORE 1 -FLAGS ()\r\n"),
            C::Store {
                set: MessageSet::Seq(seqs(&[(1, 1)])),
                kind: StoreKind::Remove,
                silent: false,
                target: StoreTarget::Flags(vec![]),
                unchanged_since: None,
            }
        );
        assert_eq!(
            body(b"a STORE 2 +X-GM-LABELS (\\Important \"a b\" c)\r\n"),
            C::Store {
                set: MessageSet::Seq(seqs(&[(2, 2)])),
                kind: StoreKind::Add,
                silent: false,
                target: StoreTarget::GmLabels(vec![s("\\Important"), s("a b"), s("c")]),
                unchanged_since: None,
            }
        );
        let cases: [(&[u8], &str, usize); 4] = [
            (b"a STORE 1 FLAGZ (x)\r\n", "FLAGS", 10),
            (b"a STORE 1 +FLAGS\r\n", "SP", 16),
            (b"a STORE 1 (UNCHANGEDSINCE x) FLAGS ()\r\n", "number", 26),
            (b"a STORE 1 (FOO 1) FLAGS ()\r\n", "UNCHANGEDSINCE", 11),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn select_and_qresync() {
        let c = body(
            b"A04 EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)) CONDSTORE)\r\n",
        );
        assert_eq!(
            c,
            CommandBody::Examine {
                mailbox: Mailbox::inbox(),
                params: SelectParams {
                    condstore: true,
                    qresync: Some(QResync {
                        uid_validity: std::num::NonZeroU32::new(67890007).unwrap(),
                        modseq: 90060115194045000,
                        known_uids: Some(uids(&[(1, 29997)])),
                        seq_match: Some((
                            seqs(&[(5000, 5000), (7500, 7500)]),
                            uids(&[(15000, 15000), (22500, 22500)])
                        )),
                    }),
                },
            }
        );
        let c = body(b"a SELECT x (QRESYNC (1 2 (3 4)))\r\n");
        assert!(matches!(
            c,
            CommandBody::Select {
                params: SelectParams {
                    qresync: Some(QResync {
                        known_uids: None,
                        seq_match: Some(_),
                        ..
                    }),
                    ..
                },
                ..
            }
        ));
        let e = err(b"a SELECT x (FOO)\r\n");
        assert_eq!((e.expected, e.offset), ("CONDSTORE or QRESYNC", 12));
        let e = err(b"a SELECT x (QRESYNC (0 1))\r\n");
        assert_eq!((e.expected, e.offset), ("non-zero number", 21));
        let e = err(b"a SELECT x ()\r\n");
        assert_eq!(e.expected, "select parameter");
    }

    #[test]
    fn list_forms() {
        assert_eq!(
            body(b"a LIST (SUBSCRIBED X-OPT) \"\" (INBOX \"Sent/%\" *) RETURN (CHILDREN STATUS (MESSAGES SIZE) X-RET)\r\n"),
            CommandBody::List {
                selection: vec![ListSelect::Subscribed, ListSelect::Other(a("X-OPT"))],
                reference: "".into(),
                patterns: vec![Mailbox::inbox(), "Sent/%".into(), "*".into()],
                returns: vec![
                    ListReturn::Children,
                    ListReturn::Status(vec![StatusItem::Messages, StatusItem::Size]),
                    ListReturn::Other(a("X-RET")),
                ],
            }
        );
        let cases: [(&[u8], &str, usize); 5] = [
            (
                b"a LIST (RECURSIVEMATCH) \"\" *\r\n",
                "a base selection option with RECURSIVEMATCH",
                7,
            ),
            (
                b"a LIST (REMOTE RECURSIVEMATCH) \"\" *\r\n",
                "a base selection option with RECURSIVEMATCH",
                7,
            ),
            (b"a LIST \"\" * (CHILDREN)\r\n", "RETURN", 12),
            (b"a LIST \"\" ()\r\n", "list pattern", 11),
            (
                b"a LIST (X-OPT (1)) \"\" *\r\n",
                "selection option without a value",
                13,
            ),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn append_messages() {
        let c = body(b"a APPEND x {1}\r\na (\\Seen) {2+}\r\nbc \" 1-Jan-2000 00:00:00 +0000\" ~{1}\r\n\0\r\n");
        let CommandBody::Append { mailbox, messages } = c else {
            panic!("{c:?}")
        };
        assert_eq!(mailbox, Mailbox::from("x"));
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0],
            AppendMessage {
                flags: vec![],
                date: None,
                data: AppendData::Literal {
                    data: s("a"),
                    binary: false,
                },
            }
        );
        assert_eq!(messages[1].flags, vec![Flag::Seen]);
        assert_eq!(messages[1].data, AppendData::literal(s("bc")));
        assert_eq!(
            messages[2].date.map(|d: DateTime| d.to_string()),
            Some("01-Jan-2000 00:00:00 +0000".to_owned())
        );
        assert_eq!(
            messages[2].data,
            AppendData::Literal {
                data: s("\0"),
                binary: true
            }
        );
        // CATENATE (RFC 4469 section 5), keywords in any case, with MULTIAPPEND.
        let c = body(
            b"a APPEND Drafts (\\Draft) catenate (url \"/Drafts;UIDVALIDITY=3/;UID=20/;section=HEADER\" \
              TEXT {2+}\r\n\r\n URL /INBOX;UID=1) CATENATE (TEXT {1}\r\nz)\r\n",
        );
        let CommandBody::Append { messages, .. } = c else {
            panic!("{c:?}")
        };
        assert_eq!(
            messages.iter().map(|m| &m.data).collect::<Vec<_>>(),
            [
                &AppendData::Catenate(vec![
                    CatPart::Url(s("/Drafts;UIDVALIDITY=3/;UID=20/;section=HEADER")),
                    CatPart::Text(s("\r\n")),
                    CatPart::Url(s("/INBOX;UID=1")),
                ]),
                &AppendData::Catenate(vec![CatPart::Text(s("z"))]),
            ]
        );
        assert_eq!(messages[0].flags, [Flag::Draft]);
        let cases: [(&[u8], &str, usize); 6] = [
            (b"a APPEND x\r\n", "SP", 10),
            (b"a APPEND x \"hello\"\r\n", "day", 12),
            (b"a APPEND x CATENATE ()\r\n", "cat-part", 21),
            (b"a APPEND x CATENATE (TEXT \"a\")\r\n", "literal", 26),
            (b"a APPEND x CATENATE (TEXT ~{1}\r\na)\r\n", "literal", 26),
            (
                b"a APPEND x CATENATE (FILE {1}\r\na)\r\n",
                "TEXT or URL",
                21,
            ),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn search_sort_thread() {
        assert_eq!(
            body(b"a UID SEARCH RETURN (COUNT) CHARSET \"UTF-8\" 1:3 X-GM-LABELS \\Inbox\r\n"),
            CommandBody::Search {
                uid: true,
                returns: Some(vec![SearchReturn::Count]),
                charset: Some(s("UTF-8")),
                criteria: vec![
                    SearchKey::SeqSet(seqs(&[(1, 3)])),
                    SearchKey::GmLabels(s("\\Inbox")),
                ],
            }
        );
        assert_eq!(
            body(b"a SORT (REVERSE SIZE) \"US-ASCII\" (SEEN UNSEEN)\r\n"),
            CommandBody::Sort {
                uid: false,
                returns: None,
                criteria: vec![SortCriterion {
                    reverse: true,
                    key: SortKey::Size
                }],
                charset: s("US-ASCII"),
                search: vec![SearchKey::And(vec![SearchKey::Seen, SearchKey::Unseen])],
            }
        );
        // ESORT (RFC 5267 section 3) and SORT=DISPLAY (RFC 5957 section 4).
        assert_eq!(
            body(b"a uid sort return (min max) (displayfrom reverse displayto) utf-8 all\r\n"),
            CommandBody::Sort {
                uid: true,
                returns: Some(vec![SearchReturn::Min, SearchReturn::Max]),
                criteria: vec![
                    SortCriterion {
                        reverse: false,
                        key: SortKey::DisplayFrom
                    },
                    SortCriterion {
                        reverse: true,
                        key: SortKey::DisplayTo
                    }
                ],
                charset: s("utf-8"),
                search: vec![SearchKey::All],
            }
        );
        let cases: [(&[u8], &str, usize); 6] = [
            (b"a SEARCH\r\n", "SP", 8),
            (b"a SEARCH FOO\r\n", "search key", 9),
            (b"a SEARCH CHARSET UTF-8\r\n", "SP", 22),
            (b"a SORT (DATE) ALL\r\n", "SP", 17),
            (b"a SORT RETURN (ALL) UTF-8 ALL\r\n", "(", 20),
            (b"a SORT RETURN ALL (DATE) UTF-8 ALL\r\n", "(", 14),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn search_nesting_is_an_error_not_a_crash() {
        for prefix in ["(", "NOT ", "OR ALL "] {
            let mut unit = b"a SEARCH ".to_vec();
            unit.extend_from_slice(prefix.repeat(200_000).as_bytes());
            unit.extend_from_slice(b"ALL\r\n");
            let e = parse_opts(&unit, &ParseOptions::default()).unwrap_err();
            assert_eq!(e.expected, "shallower nesting", "{prefix}");
        }
        // Within the limit: fine.
        let unit = format!("a SEARCH {}ALL\r\n", "NOT ".repeat(64));
        assert!(parse_opts(unit.as_bytes(), &ParseOptions::default()).is_ok());
        let opts = ParseOptions {
            max_depth: 3,
            ..ParseOptions::default()
        };
        assert!(parse_opts(b"a SEARCH (((ALL)))\r\n", &opts).is_ok());
        let e = parse_opts(b"a SEARCH ((((ALL))))\r\n", &opts).unwrap_err();
        assert_eq!((e.expected, e.offset), ("shallower nesting", 13));
    }

    #[test]
    fn authenticate_forms() {
        let CommandBody::Authenticate { mechanism, initial } =
            body(b"a AUTHENTICATE plain dGVzdAB0ZXN0AHRlc3Q=\r\n")
        else {
            panic!()
        };
        assert_eq!(mechanism, a("plain"));
        assert_eq!(initial.unwrap().expose().as_ref(), b"test\0test\0test");
        let CommandBody::Authenticate { initial, .. } = body(b"a AUTHENTICATE EXTERNAL =\r\n")
        else {
            panic!()
        };
        assert!(initial.unwrap().expose().is_empty());
        let CommandBody::Authenticate { initial, .. } = body(b"a AUTHENTICATE EXTERNAL\r\n") else {
            panic!()
        };
        assert!(initial.is_none());
        // Tolerated: missing padding.
        let c = tolerant(b"a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q\r\n");
        assert!(
            matches!(c.body, CommandBody::Authenticate { initial: Some(i), .. } if i.expose().as_ref() == b"test\0test\0test")
        );
        let e = err(b"a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q\r\n");
        assert_eq!((e.expected, e.offset), ("base64", 21));
        let e = err(b"a AUTHENTICATE PLAIN YWJj!x\r\n");
        assert_eq!((e.expected, e.offset), ("CRLF", 25));
    }

    #[test]
    fn login_keeps_the_password_secret() {
        let c = body(b"a LOGIN \"fred\" {7+}\r\nhunter2\r\n");
        let CommandBody::Login { username, password } = &c else {
            panic!()
        };
        assert_eq!(username, &s("fred"));
        assert_eq!(password.expose(), &s("hunter2"));
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn credential_errors_never_show_the_secret() {
        let mut long_tag = vec![b'T'; 180];
        long_tag.extend_from_slice(b" LOGIN fred \"hunter2\r\n");
        let mut spaced = b"a".to_vec();
        spaced.extend_from_slice(&[b' '; 170]);
        spaced.extend_from_slice(b"LOGIN fred hunter2 extra\r\n");
        let units: Vec<Vec<u8>> = vec![
            b"a LOGIN fred \"hunter2\r\n".to_vec(),
            b"a LOGIN fred hunter2 extra\r\n".to_vec(),
            b"a LOGIN fred {7}\r\nhunter2 extra\r\n".to_vec(),
            b"a UID LOGIN fred hunter2\r\n".to_vec(),
            b"a login fred (hunter2)\r\n".to_vec(),
            b"a AUTHENTICATE PLAIN aHVudGVyMg==hunter2!\r\n".to_vec(),
            b"a AUTHENTICATE PLAIN aHVudGVyMg= hunter2\r\n".to_vec(),
            long_tag,
            spaced,
        ];
        for unit in units {
            for opts in [ParseOptions::default(), ParseOptions::strict()] {
                let e = parse_opts(&unit, &opts).unwrap_err();
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains("hunter2"), "{shown}");
                assert!(!shown.contains("aHVudGVy"), "{shown}");
            }
        }
        let e = parse_authenticate_response(b"aHVudGVyMg==hunter2!\r\n").unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("aHVu"),
            "{shown}"
        );
    }

    #[test]
    fn authenticate_response_lines() {
        assert_eq!(parse_authenticate_response(b"*\r\n").unwrap(), None);
        assert_eq!(
            parse_authenticate_response(b"dGVzdAB0ZXN0AHRlc3Q=\r\n").unwrap(),
            Some(b"test\0test\0test".to_vec())
        );
        assert_eq!(parse_authenticate_response(b"\r\n").unwrap(), Some(vec![]));
        assert_eq!(parse_authenticate_response(b"=\r\n").unwrap(), Some(vec![]));
        assert_eq!(
            parse_authenticate_response(b"YQ\n").unwrap(),
            Some(b"a".to_vec())
        );
        let e = parse_authenticate_response(b"YW!j\r\n").unwrap_err();
        assert_eq!((e.expected, e.offset, e.unit_len), ("base64", 2, 6));
        assert_eq!(e.excerpt.to_string(), "<6 bytes redacted>");
        assert!(parse_authenticate_response(b"* \r\n").is_err());
    }

    #[test]
    fn idle_done() {
        assert!(is_idle_done(b"DONE\r\n"));
        assert!(is_idle_done(b"done\r\n"));
        assert!(is_idle_done(b"DoNe\n"));
        assert!(!is_idle_done(b"DONE"));
        assert!(!is_idle_done(b"DONE \r\n"));
        assert!(!is_idle_done(b"a DONE\r\n"));
        assert!(!is_idle_done(b"DONES\r\n"));
    }

    #[test]
    fn unknown_commands_keep_their_arguments() {
        assert_eq!(body(b"a XPIG-LATIN\r\n"), other_cmd("XPIG-LATIN", b""));
        assert_eq!(
            body(b"a X-FOO bar (baz \"q x\")\r\n"),
            other_cmd("X-FOO", b"bar (baz \"q x\")")
        );
        // Literals are kept whole, CRLF and all.
        assert_eq!(
            body(b"a XFOO {5}\r\nab\r\nc \"x\" {1+}\r\n)\r\n"),
            other_cmd("XFOO", b"{5}\r\nab\r\nc \"x\" {1+}\r\n)")
        );
        assert_eq!(
            body(b"a XFOO ~{2}\r\n\r\n\r\n"),
            other_cmd("XFOO", b"~{2}\r\n\r\n")
        );
        // The arguments are a zero-copy slice of the unit.
        let unit = Bytes::from_static(b"a XFOO bar\r\n");
        let c = parse_command(&unit, &ParseOptions::strict()).unwrap();
        let CommandBody::Other { args, .. } = c.body else {
            panic!()
        };
        assert_eq!(args.as_bytes().as_ptr(), unit[7..].as_ptr());
        let e = err(b"a XFOO {9}\r\nab\r\n");
        assert_eq!((e.expected, e.offset), ("literal data", 12));
        let e = err(b"a XFOO bar");
        assert_eq!((e.expected, e.offset), ("CRLF", 10));
    }

    #[test]
    fn other_commands() {
        use CommandBody as C;
        assert_eq!(body(b"a CHECK\r\n"), C::Check);
        assert_eq!(
            body(b"a ENABLE QRESYNC utf8=accept\r\n"),
            C::Enable(vec![Capability::QResync, Capability::Utf8Accept])
        );
        assert_eq!(
            body(b"a ID (\"name\" NIL)\r\n"),
            C::Id(Some(vec![(s("name"), None)]))
        );
        assert_eq!(body(b"a ID ()\r\n"), C::Id(Some(vec![])));
        assert_eq!(
            body(b"a SETQUOTA \"\" ()\r\n"),
            C::SetQuota {
                root: s(""),
                limits: vec![]
            }
        );
        assert_eq!(
            body(b"a SETQUOTA r (STORAGE 1 MESSAGE 2)\r\n"),
            C::SetQuota {
                root: s("r"),
                limits: vec![
                    QuotaLimit {
                        name: a("STORAGE"),
                        limit: 1
                    },
                    QuotaLimit {
                        name: a("MESSAGE"),
                        limit: 2
                    },
                ],
            }
        );
        assert_eq!(
            body(b"a GETMETADATA (DEPTH infinity MAXSIZE 9) \"\" (/a /b)\r\n"),
            C::GetMetadata {
                options: MetadataOptions {
                    max_size: Some(9),
                    depth: Some(MetadataDepth::Infinity)
                },
                mailbox: "".into(),
                entries: vec![s("/a"), s("/b")],
            }
        );
        assert_eq!(
            body(b"a SETMETADATA x (/a ~{2}\r\n\0\x01 /b NIL)\r\n"),
            C::SetMetadata {
                mailbox: "x".into(),
                entries: vec![(s("/a"), Some(Str::from(&b"\0\x01"[..]))), (s("/b"), None)],
            }
        );
        assert_eq!(
            body(b"a CREATE x (USE (\\Junk \\X-Custom))\r\n"),
            C::Create {
                mailbox: "x".into(),
                special_use: vec![MailboxAttr::Junk, MailboxAttr::Other(a("X-Custom"))],
            }
        );
        assert_eq!(
            body(b"a STATUS \"&ZeVnLIqe-\" (MESSAGES X-FOO)\r\n"),
            C::Status {
                mailbox: "日本語".into(),
                items: vec![StatusItem::Messages, StatusItem::Other(a("X-FOO"))],
            }
        );
        let cases: [(&[u8], &str, usize); 9] = [
            (b"+ NOOP\r\n", "tag", 0),
            (b"a  NOOP\r\n", "command name", 2),
            (b"a NOOP extra\r\n", "CRLF", 6),
            (b"a NOOP\r\nx", "end of unit", 8),
            (b"a SELECT\r\n", "SP", 8),
            (
                b"a GETMETADATA (DEPTH 2) \"\" /a\r\n",
                "0, 1 or infinity",
                21,
            ),
            (b"a CREATE x (FOO)\r\n", "USE", 12),
            (b"a STATUS x ()\r\n", "status item", 12),
            (b"a ENABLE\r\n", "SP", 8),
        ];
        for (unit, expected, offset) in cases {
            let e = err(unit);
            assert_eq!(
                (e.expected, e.offset),
                (expected, offset),
                "{}",
                unit.escape_ascii()
            );
        }
    }

    #[test]
    fn tolerated_deviations() {
        // Extra spaces, trailing spaces and a bare LF.
        let units: [&[u8]; 6] = [
            b"a  FETCH  1  (FLAGS  UID)\r\n",
            b"a NOOP \r\n",
            b"a NOOP\n",
            b"a STATUS x ()\r\n",
            b"a FETCH 1 BODY[HEADER.FIELDS ()]\r\n",
            b"a SELECT x ()\r\n",
        ];
        for unit in units {
            assert!(
                parse_opts(unit, &ParseOptions::strict()).is_err(),
                "{}",
                unit.escape_ascii()
            );
            tolerant(unit);
        }
        assert_eq!(
            tolerant(b"a  FETCH  1  (FLAGS  UID)\r\n"),
            strict(b"a FETCH 1 (FLAGS UID)\r\n")
        );
    }
}
