//! Authenticated-state commands: SELECT/EXAMINE, mailbox management, LIST, STATUS, APPEND,
//! NAMESPACE and QUOTA; selected-state commands are passed on to `selected.rs`.

use super::{Fail, MockSession, Outcome, Selected, State, ok};
use crate::store::{ListRequest, NewMessage, UserQuota, normalize_name};
use imap_core::server::SessionTracker;
use imap_core::types::{
    AppendData, Atom, Code, CommandBody, Data, FetchData, ListEntry, ListReturn, ListSelect,
    Mailbox, MailboxAttr, Namespace, Namespaces, SelectParams, SimpleCode, StatusItem, StatusKind,
    StatusValue, Str, Tag, UidSet,
};

/// A LIST entry's attributes as XLIST writes them: `\All`, `\Junk` and `\Flagged` under
/// Gmail's names `\AllMail`, `\Spam` and `\Starred`, and `\Inbox` on INBOX.
fn xlist_attributes(entry: &mut ListEntry) {
    for a in &mut entry.attributes {
        let old = match a {
            MailboxAttr::All => "AllMail",
            MailboxAttr::Junk => "Spam",
            MailboxAttr::Flagged => "Starred",
            _ => continue,
        };
        *a = MailboxAttr::Other(Atom::from_static(old));
    }
    if entry.mailbox.is_inbox() {
        entry
            .attributes
            .push(MailboxAttr::Other(Atom::from_static("Inbox")));
    }
}

/// The mailbox name as the store knows it.
pub(crate) fn name(m: &Mailbox) -> Result<String, Fail> {
    m.name()
        .map(str::to_owned)
        .ok_or_else(|| Fail::no("Invalid mailbox name").code(Code::Simple(SimpleCode::Cannot)))
}

impl MockSession {
    /// STATUS of the selected mailbox: the messages this session holds `\Recent` are recent
    /// for it too (RFC 3501 section 2.3.2); the store counts only those no session has taken.
    fn add_own_recent(&self, mailbox: &str, items: &mut [(StatusItem, StatusValue)]) {
        let State::Selected(_, sel) = &self.state else {
            return;
        };
        if normalize_name(mailbox).ok().as_deref() != Some(sel.name.as_str()) {
            return;
        }
        let Ok(msgs) = sel.view.messages(sel.tracker.uids()) else {
            return;
        };
        let own = msgs.iter().filter(|m| m.recent).count() as u64;
        for (item, value) in items {
            if let (StatusItem::Recent, StatusValue::Number(n)) = (item, value) {
                *n += own;
            }
        }
    }
}

/// RFC 5258 section 3: an option the server does not know gets BAD (a MUST), and so does
/// RECURSIVEMATCH with no selection option but REMOTE beside it.
fn check_list_options(selection: &[ListSelect], returns: &[ListReturn]) -> Result<(), Fail> {
    if let Some(o) = selection.iter().find_map(|o| match o {
        ListSelect::Other(a) => Some(a),
        _ => None,
    }) {
        return Err(Fail::bad(format!("Unknown LIST selection option {o}")));
    }
    if let Some(o) = returns.iter().find_map(|o| match o {
        ListReturn::Other(a) => Some(a),
        _ => None,
    }) {
        return Err(Fail::bad(format!("Unknown LIST return option {o}")));
    }
    let recursive = selection.contains(&ListSelect::RecursiveMatch);
    if recursive
        && selection
            .iter()
            .all(|o| matches!(o, ListSelect::RecursiveMatch | ListSelect::Remote))
    {
        return Err(Fail::bad("RECURSIVEMATCH needs another selection option"));
    }
    Ok(())
}

impl MockSession {
    pub(crate) fn authenticated_command(&mut self, tag: &Tag, body: CommandBody) -> Outcome {
        use CommandBody as C;
        let account = self.account()?;
        match body {
            C::Select { mailbox, params } => self.select(&mailbox, params, false),
            C::Examine { mailbox, params } => self.select(&mailbox, params, true),
            C::Create {
                mailbox,
                special_use,
            } => {
                // RFC 9051 section 6.3.4: a trailing hierarchy separator declares the name a
                // parent of names to come; a server that needs no such declaration MUST ignore
                // it, so `CREATE a/` creates `a`.
                let full = name(&mailbox)?;
                let bare = full
                    .strip_suffix(crate::store::DELIMITER)
                    .filter(|b| !b.is_empty())
                    .unwrap_or(&full);
                account.create(bare, &special_use)?;
                ok("CREATE completed")
            }
            C::Delete(m) => {
                account.delete(&name(&m)?)?;
                ok("DELETE completed")
            }
            C::Rename { from, to } => {
                account.rename(&name(&from)?, &name(&to)?)?;
                ok("RENAME completed")
            }
            C::Subscribe(m) => {
                account.subscribe(&name(&m)?)?;
                ok("SUBSCRIBE completed")
            }
            C::Unsubscribe(m) => {
                account.unsubscribe(&name(&m)?)?;
                ok("UNSUBSCRIBE completed")
            }
            C::List {
                selection,
                reference,
                patterns,
                returns,
            } => {
                check_list_options(&selection, &returns)?;
                let opts = ListRequest::from_command(&selection, &returns);
                let reference = name(&reference).unwrap_or_default();
                let patterns: Vec<String> = patterns.iter().filter_map(|p| name(p).ok()).collect();
                let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
                let status_items = returns.iter().find_map(|r| match r {
                    ListReturn::Status(items) => Some(items.clone()),
                    _ => None,
                });
                for entry in account.list(&reference, &patterns, &opts) {
                    let mailbox = entry.mailbox.clone();
                    let selectable = !entry.attributes.iter().any(|a| {
                        matches!(
                            a,
                            imap_core::types::MailboxAttr::NoSelect
                                | imap_core::types::MailboxAttr::NonExistent
                        )
                    });
                    self.data(Data::List(entry));
                    if let (Some(items), true) = (&status_items, selectable)
                        && let Ok(items) = account.status(&mailbox.display_name(), items)
                    {
                        self.data(Data::Status { mailbox, items });
                    }
                }
                ok("LIST completed")
            }
            // Gmail's XLIST (no RFC; unadvertised here, as Gmail stopped advertising it): LIST
            // with the roles under Gmail's old names and `\Inbox` on INBOX.
            C::XList { reference, pattern } => {
                let reference = name(&reference).unwrap_or_default();
                let pattern = name(&pattern).unwrap_or_default();
                let opts = ListRequest::from_command(&[], &[]);
                for mut entry in account.list(&reference, &[pattern.as_str()], &opts) {
                    xlist_attributes(&mut entry);
                    self.data(Data::XList(entry));
                }
                ok("XLIST completed")
            }
            C::Lsub { reference, pattern } => {
                let reference = name(&reference).unwrap_or_default();
                for entry in account.lsub(&reference, &name(&pattern).unwrap_or_default()) {
                    self.data(Data::Lsub(entry));
                }
                ok("LSUB completed")
            }
            C::Notify(set) => self.notify(set),
            C::Namespace => {
                self.data(Data::Namespace(Namespaces {
                    personal: vec![Namespace {
                        prefix: Str::from(""),
                        delimiter: Some(crate::store::DELIMITER as u8),
                        extensions: vec![],
                    }],
                    other_users: vec![],
                    shared: vec![],
                }));
                ok("NAMESPACE completed")
            }
            C::Status { mailbox, items } => {
                // STATUS (HIGHESTMODSEQ) enables CONDSTORE (RFC 7162 section 3.1).
                if items.contains(&StatusItem::HighestModSeq) {
                    self.enabled.condstore = true;
                }
                let n = name(&mailbox)?;
                let mut items = account.status(&n, &items)?;
                self.add_own_recent(&n, &mut items);
                self.data(Data::Status { mailbox, items });
                ok("STATUS completed")
            }
            C::Append { mailbox, messages } => {
                // CATENATE (RFC 4469): every message is assembled before any is stored, so a
                // bad URL in any of them appends none (MULTIAPPEND is all or none). The
                // literal limit applies to the sum of the parts.
                let limit = self
                    .options
                    .core
                    .limits
                    .max_literal
                    .min(self.store.append_limit().unwrap_or(u64::MAX));
                let messages = messages
                    .into_iter()
                    .map(|m| {
                        let raw = match m.data {
                            AppendData::Literal { data, .. } => data.into_bytes(),
                            AppendData::Catenate(parts) => {
                                super::catenate::assemble(&*account, &parts, limit)?
                            }
                            _ => return Err(Fail::bad("Unsupported APPEND data")),
                        };
                        Ok(NewMessage {
                            raw,
                            flags: m.flags,
                            date: m.date,
                        })
                    })
                    .collect::<Result<Vec<_>, Fail>>()?;
                let r = account.append_many(&name(&mailbox)?, messages)?;
                let uids = UidSet::from_keys(r.uids).map_err(|_| Fail::no("Nothing appended"))?;
                let code = self.options.uidplus.then_some(Code::AppendUid {
                    validity: r.uid_validity,
                    uids,
                });
                Ok((code, "APPEND completed".into()))
            }
            C::GetQuotaRoot(m) => {
                let n = name(&m)?;
                let resources = self.quota(account.user())?.resources();
                account.status(&n, &[StatusItem::Messages])?;
                self.data(Data::QuotaRoot {
                    mailbox: m,
                    roots: vec![Str::from(UserQuota::ROOT)],
                });
                self.data(Data::Quota {
                    root: Str::from(UserQuota::ROOT),
                    resources,
                });
                ok("GETQUOTAROOT completed")
            }
            C::GetQuota(root) => {
                if !root.is_empty() {
                    return Err(
                        Fail::no("No such quota root").code(Code::Simple(SimpleCode::NonExistent))
                    );
                }
                let resources = self.quota(account.user())?.resources();
                self.data(Data::Quota { root, resources });
                ok("GETQUOTA completed")
            }
            C::SetQuota { .. } => Err(Fail::no("Quotas are set by the administrator")
                .code(Code::Simple(SimpleCode::NoPerm))),
            other => match self.acl_command(account.user(), &other) {
                Some(outcome) => outcome,
                None => self.selected_command(tag, other),
            },
        }
    }

    /// The user's quota, when the store keeps quotas.
    fn quota(&self, user: &str) -> Result<UserQuota, Fail> {
        match self.store.as_quota() {
            Some(q) => Ok(q.quota(user)?),
            None => Err(Fail::bad("QUOTA is not supported")),
        }
    }

    /// SELECT or EXAMINE, with CONDSTORE and QRESYNC (RFC 7162).
    fn select(&mut self, mailbox: &Mailbox, params: SelectParams, read_only: bool) -> Outcome {
        let account = self.account()?;
        if params.qresync.is_some() && !self.enabled.qresync {
            return Err(Fail::bad("QRESYNC is not enabled"));
        }
        if params.condstore {
            self.enabled.condstore = true;
        }
        // Leaving the selected mailbox, even when the new SELECT fails (RFC 9051 6.3.2).
        if matches!(self.state, State::Selected(..)) {
            self.state = State::Authenticated(account.clone());
            if self.enabled.qresync {
                self.untagged(
                    StatusKind::Ok,
                    Some(Code::Closed),
                    "Previous mailbox closed",
                );
            }
        }
        let selected_name = name(mailbox)?;
        let (view, info) = account.select(&selected_name, self.id, read_only)?;
        let tracker = SessionTracker::new(info.uids.iter().copied());
        let rev2 = self.enabled.rev2;
        self.data(Data::Exists(tracker.len()));
        if !rev2 {
            self.data(Data::Recent(info.recent));
        }
        self.data(Data::Flags(info.flags.clone()));
        self.untagged(
            StatusKind::Ok,
            Some(Code::PermanentFlags(info.permanent_flags.clone())),
            "Flags permitted",
        );
        if !rev2 && let Some(seq) = info.first_unseen.and_then(|u| tracker.seq(u)) {
            self.untagged(StatusKind::Ok, Some(Code::Unseen(seq)), "First unseen");
        }
        self.untagged(
            StatusKind::Ok,
            Some(Code::UidValidity(info.uid_validity)),
            "UIDs valid",
        );
        self.untagged(
            StatusKind::Ok,
            Some(Code::UidNext(info.uid_next)),
            "Predicted next UID",
        );
        let hms_text = if self.options.quirks == super::options::Quirks::Gmail {
            ""
        } else {
            "Highest"
        };
        self.untagged(
            StatusKind::Ok,
            Some(Code::HighestModSeq(info.highest_modseq)),
            hms_text,
        );
        self.untagged(
            StatusKind::Ok,
            Some(Code::MailboxId(Str::from(info.mailbox_id.clone()))),
            "Ok",
        );
        let mut told = super::told::Told::default();
        if let Some(q) = &params.qresync
            && q.uid_validity == info.uid_validity
        {
            let known = |u: &imap_core::types::Uid| {
                q.known_uids
                    .as_ref()
                    .is_none_or(|k| k.contains(u.get(), u32::MAX))
            };
            let vanished: Vec<_> = view
                .vanished_since(q.modseq)?
                .into_iter()
                .filter(known)
                .collect();
            if let Ok(uids) = UidSet::from_keys(vanished) {
                self.data(Data::Vanished {
                    earlier: true,
                    uids,
                });
            }
            let changed = view.changed_since(q.modseq)?;
            for snap in view.messages(&changed)? {
                if let Some(seq) = tracker.seq(snap.uid) {
                    told.insert(snap.uid, snap.modseq);
                    self.data(Data::Fetch {
                        seq,
                        data: vec![
                            FetchData::Uid(snap.uid),
                            FetchData::Flags(snap.fetch_flags()),
                            FetchData::ModSeq(snap.modseq),
                        ],
                    });
                }
            }
        }
        let code = if info.read_only {
            Code::ReadOnly
        } else {
            Code::ReadWrite
        };
        self.state = State::Selected(
            account,
            Box::new(Selected {
                view,
                tracker,
                pending_expunge: Default::default(),
                saved: Vec::new(),
                told,
                flags: info.flags,
                name: normalize_name(&selected_name).unwrap_or(selected_name),
                contexts: Vec::new(),
                unsent_flags: Vec::new(),
            }),
        );
        Ok((
            Some(code),
            format!("{} completed", if read_only { "EXAMINE" } else { "SELECT" }),
        ))
    }
}
