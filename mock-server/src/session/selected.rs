//! Selected-state commands: CLOSE, UNSELECT, EXPUNGE, SEARCH (ESEARCH, SEARCHRES), FETCH
//! (CONDSTORE, QRESYNC), STORE, COPY, MOVE, SORT and THREAD.

use super::{Fail, MockSession, Outcome, Selected, State, context, ok};
use crate::store::FlagUpdate;
use crate::thread::ThreadAlgorithm;
use imap_core::types::{
    Code, CommandBody, Data, ESearch, ESearchData, FetchData, FetchItem, Flag, MessageSet, NumSet,
    SearchKey, SearchReturn, SimpleCode, StatusKind, StoreTarget, Str, Tag, Uid, UidSet,
};
use std::collections::HashSet;

fn expunge_issued() -> Fail {
    Fail::no("Some of the requested messages no longer exist")
        .code(Code::Simple(SimpleCode::ExpungeIssued))
}

/// The UIDs of a message set in this session's view; `$` is the saved search result.
fn resolve(sel: &Selected, set: &MessageSet) -> Result<Vec<Uid>, Fail> {
    match set {
        MessageSet::Seq(_) | MessageSet::Uid(_) => sel
            .tracker
            .resolve_set(set)
            .map_err(|e| Fail::bad(e.to_string())),
        _ => Ok(sel
            .saved
            .iter()
            .copied()
            .filter(|u| sel.tracker.seq(*u).is_some())
            .collect()),
    }
}

/// The criteria with their strings read from `charset` into UTF-8
/// ([`crate::search::charset`]); `NO [BADCHARSET (...)]` for a charset this server does not know.
fn in_utf8(charset: Option<&Str>, keys: Vec<SearchKey>) -> Result<Vec<SearchKey>, Fail> {
    let Some(charset) = charset else {
        return Ok(keys);
    };
    crate::search::charset::to_utf8(&String::from_utf8_lossy(charset.as_bytes()), keys).ok_or_else(
        || {
            let listed = crate::search::charset::LISTED.iter().map(|c| Str::from(*c));
            Fail::no("Unsupported charset").code(Code::BadCharset(listed.collect()))
        },
    )
}

/// The number a result reports: the UID, or the sequence number in this session.
fn number(sel: &Selected, uid_form: bool, uid: Uid) -> u32 {
    if uid_form {
        uid.get()
    } else {
        sel.tracker.seq(uid).map_or(0, |s| s.get())
    }
}

fn has_modseq_key(keys: &[SearchKey]) -> bool {
    keys.iter().any(|k| match k {
        SearchKey::ModSeq { .. } => true,
        SearchKey::Not(k) => has_modseq_key(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => {
            has_modseq_key(std::slice::from_ref(a)) || has_modseq_key(std::slice::from_ref(b))
        }
        SearchKey::And(v) => has_modseq_key(v),
        _ => false,
    })
}

impl MockSession {
    pub(crate) fn selected_command(&mut self, tag: &Tag, body: CommandBody) -> Outcome {
        use CommandBody as C;
        if enables_condstore(&body) {
            self.enabled.condstore = true;
        }
        let condstore = self.enabled.condstore;
        let qresync = self.enabled.qresync;
        let rev2 = self.enabled.rev2;
        let uidplus = self.options.uidplus;
        let account = self.account()?;
        let sel = self.selected_mut()?;
        let mut out: Vec<Data> = Vec::new();
        // A STORE created a keyword: FLAGS goes out before the FETCH responses that use it.
        let mut new_keyword = false;
        let mut job = None;
        // A SEARCH's UPDATE that the server declined (RFC 5267 section 4.3.1).
        let mut noupdate: Option<Str> = None;
        let outcome = match body {
            C::Close | C::Unselect => {
                if matches!(body, C::Close) && !sel.view.is_read_only() {
                    // Silent: no EXPUNGE responses after CLOSE.
                    sel.view.expunge(None)?;
                }
                self.state = State::Authenticated(account);
                return ok("Mailbox closed");
            }
            C::Expunge => {
                sel.view.expunge(None)?;
                ok("EXPUNGE completed")
            }
            // RFC 4315 section 2.1: UID EXPUNGE is UIDPLUS's; without it, an unknown command.
            C::UidExpunge(_) if !uidplus => Err(Fail::bad("unknown command UID EXPUNGE")),
            C::UidExpunge(set) => {
                let uids = sel.tracker.resolve_uids(&set);
                sel.view.expunge(Some(&uids))?;
                ok("EXPUNGE completed")
            }
            C::Search {
                uid,
                returns,
                charset,
                criteria,
            } => {
                let criteria = in_utf8(charset.as_ref(), criteria)?;
                let updating = returns.iter().flatten().any(|r| *r == SearchReturn::Update);
                if let Some(r) = &returns {
                    context::check_returns(r)?;
                    if updating && sel.has_context(tag.as_bytes()) {
                        return Err(Fail::bad("Tag reuse"));
                    }
                }
                let found = sel
                    .view
                    .search(sel.tracker.uids(), &criteria, Some(&sel.saved))?;
                let modseq_of = |uids: &[Uid]| {
                    if has_modseq_key(&criteria) {
                        self_modseq(sel, uids)
                    } else {
                        None
                    }
                };
                let mut modseq = modseq_of(&found);
                let nums: Vec<u32> = found.iter().map(|&u| number(sel, uid, u)).collect();
                let returns = match returns {
                    None if !rev2 => {
                        out.push(Data::Search {
                            nums: nums.clone(),
                            modseq,
                        });
                        None
                    }
                    None => Some(vec![SearchReturn::All]),
                    Some(r) if r.is_empty() => Some(vec![SearchReturn::All]),
                    Some(r) => Some(r),
                };
                if let Some(returns) = returns {
                    let want = |r: SearchReturn| returns.contains(&r);
                    // RFC 4731 section 3.2: with MIN and/or MAX alone, MODSEQ is that of the
                    // message(s) returned, not the highest over every match.
                    if (want(SearchReturn::Min) || want(SearchReturn::Max))
                        && !want(SearchReturn::All)
                        && !want(SearchReturn::Count)
                    {
                        let mut shown = Vec::new();
                        if want(SearchReturn::Min) {
                            shown.extend(found.first());
                        }
                        if want(SearchReturn::Max) {
                            shown.extend(found.last());
                        }
                        modseq = modseq_of(&shown);
                    }
                    if want(SearchReturn::Save) {
                        let min_max_only = (want(SearchReturn::Min) || want(SearchReturn::Max))
                            && !want(SearchReturn::All)
                            && !want(SearchReturn::Count);
                        sel.saved = if min_max_only {
                            let mut v = Vec::new();
                            if want(SearchReturn::Min) {
                                v.extend(found.first());
                            }
                            if want(SearchReturn::Max) {
                                v.extend(found.last());
                            }
                            v.dedup();
                            v
                        } else {
                            found.clone()
                        };
                    }
                    let mut data = Vec::new();
                    if want(SearchReturn::Min)
                        && let Some(n) = nums.iter().min()
                    {
                        data.push(ESearchData::Min(*n));
                    }
                    if want(SearchReturn::Max)
                        && let Some(n) = nums.iter().max()
                    {
                        data.push(ESearchData::Max(*n));
                    }
                    if want(SearchReturn::All)
                        && let Ok(set) = NumSet::from_keys(nums.iter().copied())
                    {
                        data.push(ESearchData::All(set));
                    }
                    if want(SearchReturn::Count) {
                        data.push(ESearchData::Count(nums.len() as u32));
                    }
                    for r in &returns {
                        if let SearchReturn::Partial(range) = r {
                            data.push(context::partial(&nums, *range));
                        }
                    }
                    if let Some(m) = modseq {
                        data.push(ESearchData::ModSeq(m));
                    }
                    let tag = Str::from(tag.as_bytes());
                    if updating && !sel.start_context(tag.clone(), uid, &criteria, &found)? {
                        noupdate = Some(tag.clone());
                    }
                    // SAVE alone gives no ESEARCH response (RFC 5182 section 2.4).
                    if returns.iter().any(|r| *r != SearchReturn::Save) {
                        out.push(Data::ESearch(ESearch {
                            tag: Some(tag),
                            uid,
                            data,
                        }));
                    }
                }
                ok("SEARCH completed")
            }
            C::Fetch {
                set,
                items,
                changed_since,
                vanished,
            } => {
                let uid_form = set.is_uid();
                let mut items = items.expand();
                // One answer per distinct item: `BODY.PEEK[]` forty thousand times in one
                // command is one `BODY[]` (it built 856 MB before).
                let mut seen = HashSet::new();
                items.retain(|i| seen.insert(i.clone()));
                if uid_form && !items.contains(&FetchItem::Uid) {
                    items.insert(0, FetchItem::Uid);
                }
                if changed_since.is_some() && !items.contains(&FetchItem::ModSeq) {
                    items.push(FetchItem::ModSeq);
                }
                if vanished && (!uid_form || changed_since.is_none() || !qresync) {
                    return Err(Fail::bad(
                        "VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC enabled",
                    ));
                }
                let mut uids = resolve(sel, &set)?;
                if let Some(since) = changed_since {
                    if vanished {
                        let requested = |u: &Uid| match &set {
                            MessageSet::Uid(s) => s.contains(u.get(), u32::MAX),
                            _ => true,
                        };
                        let gone: Vec<Uid> = sel
                            .view
                            .vanished_since(since)?
                            .into_iter()
                            .filter(requested)
                            .collect();
                        if let Ok(uids) = UidSet::from_keys(gone) {
                            out.push(Data::Vanished {
                                earlier: true,
                                uids,
                            });
                        }
                    }
                    let changed: HashSet<Uid> =
                        sel.view.changed_since(since)?.into_iter().collect();
                    uids.retain(|u| changed.contains(u));
                }
                // The MODSEQ of every FLAGS sent is remembered (see `announce`), so it is
                // always fetched; it is shown when asked for, and in every FETCH once
                // CONDSTORE is on (RFC 7162 section 3.1; 3.2.4 requires it with the implicit
                // `\Seen` and allows it everywhere).
                let asked_modseq = items.contains(&FetchItem::ModSeq);
                if !asked_modseq {
                    items.push(FetchItem::ModSeq);
                }
                // The messages go out one at a time as the client reads (`stream.rs`).
                job = Some(super::stream::FetchJob::new(uids, items, asked_modseq));
                ok("FETCH completed")
            }
            C::Store {
                set,
                kind,
                silent,
                target,
                unchanged_since,
            } => {
                let StoreTarget::Flags(flags) = target else {
                    return Err(Fail::bad("X-GM-LABELS is not supported"));
                };
                let uid_form = set.is_uid();
                let uids = resolve(sel, &set)?;
                let r = sel.view.store(&uids, kind, &flags, unchanged_since)?;
                new_keyword = sel.learn_flags(r.updated.iter().flat_map(|u| u.flags.iter()));
                let modseq = condstore || unchanged_since.is_some();
                let reported: Vec<&FlagUpdate> = r
                    .updated
                    .iter()
                    .filter(|u| !silent || (modseq && u.changed && unchanged_since.is_some()))
                    .collect();
                // FLAGS is the whole set (RFC 9051 section 7.5.2): `\Recent` included.
                let recent = recent_of(sel, reported.iter().map(|u| u.uid));
                for u in reported {
                    let Some(seq) = sel.tracker.seq(u.uid) else {
                        continue;
                    };
                    sel.tell(u.uid, u.modseq);
                    let mut flags = u.flags.clone();
                    if recent.contains(&u.uid) {
                        flags.push(Flag::Recent);
                    }
                    let mut data = vec![FetchData::Flags(flags)];
                    if uid_form {
                        data.insert(0, FetchData::Uid(u.uid));
                    }
                    if modseq {
                        data.push(FetchData::ModSeq(u.modseq));
                    }
                    out.push(Data::Fetch { seq, data });
                }
                let missing = uids.len() > r.updated.len() + r.modified.len();
                if !r.modified.is_empty() {
                    let nums = r.modified.iter().map(|&u| number(sel, uid_form, u));
                    let set = NumSet::from_keys(nums).map_err(|_| Fail::bad("empty"))?;
                    Ok((Some(Code::Modified(set)), "Conditional STORE failed".into()))
                } else if missing && !silent {
                    // RFC 2180 4.2.2 and 4.2.3; with .SILENT, 4.2.1 recommends OK when the
                    // other messages were stored.
                    Err(expunge_issued())
                } else {
                    ok("STORE completed")
                }
            }
            C::Copy { set, mailbox } => {
                let uids = resolve(sel, &set)?;
                let dest = super::mailboxes::name(&mailbox)?;
                let r = sel.view.copy(&uids, &dest)?;
                let code = copy_uid(&r).filter(|_| uidplus);
                Ok((code, "COPY completed".into()))
            }
            C::Move { set, mailbox } => {
                let uids = resolve(sel, &set)?;
                let dest = super::mailboxes::name(&mailbox)?;
                let r = sel.view.move_to(&uids, &dest)?;
                if let Some(code) = copy_uid(&r).filter(|_| uidplus) {
                    // RFC 6851 section 4.3: COPYUID in an untagged OK before the expunges.
                    self.untagged(StatusKind::Ok, Some(code), "Moved");
                }
                return ok("MOVE completed");
            }
            C::Sort {
                uid,
                returns,
                criteria,
                charset,
                search,
            } => {
                let search = in_utf8(Some(&charset), search)?;
                // RFC 4466 section 2.6.1: options no supported extension defines get BAD.
                let known = |r: &SearchReturn| {
                    use SearchReturn as R;
                    matches!(r, R::Min | R::Max | R::All | R::Count | R::Save)
                };
                if !returns.iter().flatten().all(known) {
                    return Err(Fail::bad("Unknown SORT return option"));
                }
                let sorted =
                    sel.view
                        .sort(sel.tracker.uids(), &criteria, &search, Some(&sel.saved))?;
                let with_modseq = has_modseq_key(&search);
                match returns {
                    // RFC 7162 section 3.1.9: a MODSEQ key appends the highest MODSEQ of
                    // the messages returned.
                    None => {
                        let modseq = with_modseq.then(|| self_modseq(sel, &sorted)).flatten();
                        let nums = sorted.iter().map(|&u| number(sel, uid, u)).collect();
                        out.push(Data::Sort { nums, modseq });
                    }
                    Some(returns) => {
                        let esort = esort(sel, uid, &sorted, &returns, with_modseq);
                        out.extend(esort.map(|data| {
                            Data::ESearch(ESearch {
                                tag: Some(Str::from(tag.as_bytes())),
                                uid,
                                data,
                            })
                        }));
                    }
                }
                ok("SORT completed")
            }
            C::CancelUpdate(tags) => {
                sel.cancel_contexts(&tags);
                ok("No further updates")
            }
            C::Thread {
                uid,
                algorithm,
                charset,
                search,
            } => {
                let search = in_utf8(Some(&charset), search)?;
                let alg = ThreadAlgorithm::from_name(algorithm.as_str())
                    .ok_or_else(|| Fail::bad("Unknown threading algorithm"))?;
                let threads =
                    sel.view
                        .thread(sel.tracker.uids(), alg, &search, Some(&sel.saved), uid)?;
                out.push(Data::Thread(threads));
                ok("THREAD completed")
            }
            _ => Err(Fail::bad("Command not supported")),
        };
        if new_keyword {
            self.send_flags();
        }
        for d in out {
            self.data(d);
        }
        self.fetch_job = job;
        if let Some(tag) = noupdate {
            self.untagged(
                StatusKind::No,
                Some(Code::NoUpdate(tag)),
                "Too many contexts",
            );
        }
        outcome
    }
}

/// The data items of one message's FETCH response as the session shows them: the MODSEQ of
/// FLAGS is remembered (see `announce`), and MODSEQ, always fetched, is shown only when asked
/// for, or last once CONDSTORE is on. `asked_modseq`: MODSEQ was asked for.
pub(super) fn shown_data(
    sel: &mut Selected,
    uid: Uid,
    mut data: Vec<FetchData>,
    asked_modseq: bool,
    condstore: bool,
) -> Vec<FetchData> {
    let modseq = data.iter().find_map(|d| match d {
        FetchData::ModSeq(m) => Some(*m),
        _ => None,
    });
    let has_flags = data.iter().any(|d| matches!(d, FetchData::Flags(_)));
    if let (true, Some(m)) = (has_flags, modseq) {
        sel.tell(uid, m);
    }
    if !asked_modseq {
        // Not asked for: shown after the rest once CONDSTORE is on.
        data.retain(|d| !matches!(d, FetchData::ModSeq(_)));
        if let (true, Some(m)) = (condstore, modseq) {
            data.push(FetchData::ModSeq(m));
        }
    }
    data
}

/// Whether `body` is a CONDSTORE enabling command of the selected state (RFC 7162 section
/// 3.1): FETCH of MODSEQ or with CHANGEDSINCE, SEARCH with a MODSEQ key, STORE with
/// UNCHANGEDSINCE. After one, every untagged FETCH carries MODSEQ.
fn enables_condstore(body: &CommandBody) -> bool {
    match body {
        CommandBody::Fetch {
            items,
            changed_since,
            ..
        } => changed_since.is_some() || items.expand().contains(&FetchItem::ModSeq),
        CommandBody::Search { criteria, .. } => has_modseq_key(criteria),
        CommandBody::Store {
            unchanged_since, ..
        } => unchanged_since.is_some(),
        _ => false,
    }
}

/// Those of `uids` that are `\Recent` in this session.
fn recent_of(sel: &Selected, uids: impl Iterator<Item = Uid>) -> HashSet<Uid> {
    let uids: Vec<Uid> = uids.collect();
    if uids.is_empty() {
        return HashSet::new();
    }
    sel.view
        .messages(&uids)
        .map(|m| m.into_iter().filter(|m| m.recent).map(|m| m.uid).collect())
        .unwrap_or_default()
}

/// The ESEARCH data of an extended SORT (ESORT, RFC 5267 section 3.1), `sorted` in sort order:
/// MIN and MAX are the first and last message in that order, ALL lists every message in it
/// (ascending runs as ranges, section 3.2), COUNT as in ESEARCH; `RETURN ()` means ALL. SAVE
/// remembers the result as SEARCH's does (RFC 5182 section 2.1) and alone gives no ESEARCH
/// (section 2.4). With a MODSEQ key, MODSEQ is the highest of the messages returned
/// (RFC 7162 section 3.1.10, RFC 4731 section 3.2). `None`: no ESEARCH to send.
fn esort(
    sel: &mut Selected,
    uid: bool,
    sorted: &[Uid],
    returns: &[SearchReturn],
    with_modseq: bool,
) -> Option<Vec<ESearchData>> {
    let all = returns.is_empty() || returns.contains(&SearchReturn::All);
    let want = |r: SearchReturn| returns.contains(&r);
    let (min, max) = (sorted.first().copied(), sorted.last().copied());
    // MIN and MAX alone (without ALL or COUNT) save and report on those messages only
    // (RFC 5182 section 2.1, RFC 4731 section 3.2).
    let min_max_only =
        (want(SearchReturn::Min) || want(SearchReturn::Max)) && !all && !want(SearchReturn::Count);
    let mut picked: Vec<Uid> = Vec::new();
    if min_max_only {
        picked.extend(min.filter(|_| want(SearchReturn::Min)));
        picked.extend(max.filter(|m| want(SearchReturn::Max) && !picked.contains(m)));
    } else {
        picked.extend_from_slice(sorted);
    }
    if want(SearchReturn::Save) {
        sel.saved = picked.clone();
        sel.saved.sort_unstable();
    }
    let mut data = Vec::new();
    let num = |u: Uid| number(sel, uid, u);
    if let Some(m) = min.filter(|_| want(SearchReturn::Min)) {
        data.push(ESearchData::Min(num(m)));
    }
    if let Some(m) = max.filter(|_| want(SearchReturn::Max)) {
        data.push(ESearchData::Max(num(m)));
    }
    if all && let Ok(set) = NumSet::from_ordered(sorted.iter().map(|&u| num(u))) {
        data.push(ESearchData::All(set));
    }
    if want(SearchReturn::Count) {
        data.push(ESearchData::Count(sorted.len() as u32));
    }
    if with_modseq && let Some(m) = self_modseq(sel, &picked) {
        data.push(ESearchData::ModSeq(m));
    }
    (returns.is_empty() || returns.iter().any(|r| *r != SearchReturn::Save)).then_some(data)
}

/// The highest MODSEQ among `uids` (the `(MODSEQ n)` of a SEARCH with a MODSEQ key).
fn self_modseq(sel: &Selected, uids: &[Uid]) -> Option<u64> {
    sel.view.messages(uids).ok()?.iter().map(|m| m.modseq).max()
}

fn copy_uid(r: &crate::store::CopyUid) -> Option<Code> {
    let source = UidSet::from_keys(r.pairs.iter().map(|p| p.0)).ok()?;
    let destination = UidSet::from_keys(r.pairs.iter().map(|p| p.1)).ok()?;
    Some(Code::CopyUid {
        validity: r.uid_validity,
        source,
        destination,
    })
}
