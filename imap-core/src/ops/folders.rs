//! Folders: LIST with its extensions ([`ListOptions`], [`Folder`]), STATUS ([`FolderStatus`])
//! and special folders ([`SpecialUse`], [`find_special`]).

use crate::client::{Capabilities, Completion};
use crate::types::{
    Capability, CommandBody, ListReturn, ListSelect, Mailbox, MailboxAttr, StatusItem, StatusValue,
    Uid, UidValidity,
};
use std::collections::{HashMap, HashSet};

/// What to list and what to learn about each folder.
#[derive(Debug, Clone)]
pub struct ListOptions {
    /// The reference name (usually empty).
    pub reference: String,
    /// The pattern: `*` lists everything, `%` one level.
    pub pattern: String,
    /// List only subscribed folders.
    pub subscribed_only: bool,
    /// List only folders with a SPECIAL-USE attribute (RFC 6154).
    pub special_use_only: bool,
    /// Ask which folders are subscribed ([`Folder::subscribed`]).
    pub subscribed: bool,
    /// Ask for SPECIAL-USE attributes.
    pub special_use: bool,
    /// Ask for these STATUS items for every folder, in the same LIST when the server has
    /// LIST-STATUS (RFC 5819), else with one STATUS per selectable folder.
    pub status: Vec<StatusItem>,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            reference: String::new(),
            pattern: "*".into(),
            subscribed_only: false,
            special_use_only: false,
            subscribed: false,
            special_use: true,
            status: Vec::new(),
        }
    }
}

impl ListOptions {
    /// Every folder (`LIST "" *`), with SPECIAL-USE attributes when the server has them.
    pub fn all() -> Self {
        Self::default()
    }

    /// Folders matching `pattern`.
    pub fn pattern(pattern: impl Into<String>) -> Self {
        ListOptions {
            pattern: pattern.into(),
            ..Self::default()
        }
    }

    /// Also asks which folders are subscribed.
    pub fn with_subscribed(mut self) -> Self {
        self.subscribed = true;
        self
    }

    /// Only subscribed folders.
    pub fn subscribed_only(mut self) -> Self {
        self.subscribed_only = true;
        self
    }

    /// Also asks for these STATUS items.
    pub fn with_status(mut self, items: impl IntoIterator<Item = StatusItem>) -> Self {
        self.status = items.into_iter().collect();
        self
    }

    /// Plans the commands for these options on a server with `caps`.
    pub fn plan(&self, caps: &Capabilities) -> ListPlan {
        let extended = caps.has(&Capability::ListExtended) || caps.is_rev2();
        let special = caps.has(&Capability::SpecialUse) || caps.is_rev2();
        let list_status = caps.has(&Capability::ListStatus);
        let mut selection = Vec::new();
        let mut returns = Vec::new();
        let mut lsub = None;
        if self.subscribed_only && extended {
            selection.push(ListSelect::Subscribed);
        }
        if self.special_use_only && special && extended {
            selection.push(ListSelect::SpecialUse);
        }
        if self.subscribed && extended {
            returns.push(ListReturn::Subscribed);
        }
        if self.special_use && special && extended {
            returns.push(ListReturn::SpecialUse);
        }
        let mut status_each = Vec::new();
        if !self.status.is_empty() {
            if list_status && extended {
                returns.push(ListReturn::Status(self.status.clone()));
            } else {
                status_each = self.status.clone();
            }
        }
        let reference = Mailbox::new(self.reference.clone());
        let pattern = Mailbox::new(self.pattern.clone());
        if (self.subscribed || self.subscribed_only) && !extended {
            lsub = Some(CommandBody::Lsub {
                reference: reference.clone(),
                pattern: pattern.clone(),
            });
        }
        ListPlan {
            list: CommandBody::List {
                selection,
                reference,
                patterns: vec![pattern],
                returns,
            },
            lsub,
            subscribed_only: self.subscribed_only && !extended,
            status_each,
        }
    }
}

/// The commands a [`ListOptions`] needs on a given server.
#[derive(Debug, Clone)]
pub struct ListPlan {
    /// The LIST command.
    pub list: CommandBody,
    /// LSUB to learn subscriptions, for servers without LIST-EXTENDED.
    pub lsub: Option<CommandBody>,
    /// Keep only folders LSUB returned (servers without LIST-EXTENDED).
    pub subscribed_only: bool,
    /// STATUS items to ask with one STATUS per selectable folder (servers without
    /// LIST-STATUS); empty when nothing is needed.
    pub status_each: Vec<StatusItem>,
}

impl ListPlan {
    /// The folders of the LIST completion, marked subscribed from the LSUB completion if one
    /// was needed.
    pub fn folders(&self, list: &Completion, lsub: Option<&Completion>) -> Vec<Folder> {
        let mut folders = folders(list);
        if let Some(lsub) = lsub {
            // A set: one look-up per folder, not a scan of every LSUB entry.
            let names: HashSet<&Mailbox> = lsub.list().into_iter().map(|e| &e.mailbox).collect();
            for f in &mut folders {
                f.subscribed = names.contains(&f.name);
            }
            if self.subscribed_only {
                folders.retain(|f| f.subscribed);
            }
        }
        folders
    }
}

/// A SPECIAL-USE role (RFC 6154).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpecialUse {
    /// `\All`: every message.
    All,
    /// `\Archive`.
    Archive,
    /// `\Drafts`.
    Drafts,
    /// `\Flagged`.
    Flagged,
    /// `\Junk`.
    Junk,
    /// `\Sent`.
    Sent,
    /// `\Trash`.
    Trash,
    /// `\Important` (RFC 8457).
    Important,
}

impl SpecialUse {
    /// The role an attribute names, if it is a SPECIAL-USE attribute.
    pub fn from_attr(a: &MailboxAttr) -> Option<SpecialUse> {
        Some(match a {
            MailboxAttr::All => SpecialUse::All,
            MailboxAttr::Archive => SpecialUse::Archive,
            MailboxAttr::Drafts => SpecialUse::Drafts,
            MailboxAttr::Flagged => SpecialUse::Flagged,
            MailboxAttr::Junk => SpecialUse::Junk,
            MailboxAttr::Sent => SpecialUse::Sent,
            MailboxAttr::Trash => SpecialUse::Trash,
            MailboxAttr::Important => SpecialUse::Important,
            _ => return None,
        })
    }

    /// The attribute for the role.
    pub fn attr(self) -> MailboxAttr {
        match self {
            SpecialUse::All => MailboxAttr::All,
            SpecialUse::Archive => MailboxAttr::Archive,
            SpecialUse::Drafts => MailboxAttr::Drafts,
            SpecialUse::Flagged => MailboxAttr::Flagged,
            SpecialUse::Junk => MailboxAttr::Junk,
            SpecialUse::Sent => MailboxAttr::Sent,
            SpecialUse::Trash => MailboxAttr::Trash,
            SpecialUse::Important => MailboxAttr::Important,
        }
    }

    /// Folder names commonly used for the role by servers without SPECIAL-USE (last path
    /// component, compared without regard to case).
    pub fn common_names(self) -> &'static [&'static str] {
        match self {
            SpecialUse::All => &["All Mail", "All"],
            SpecialUse::Archive => &["Archive", "Archives"],
            SpecialUse::Drafts => &["Drafts", "Draft"],
            SpecialUse::Flagged => &["Starred", "Flagged"],
            SpecialUse::Junk => &["Junk", "Spam", "Junk E-mail", "Junk Email", "Bulk Mail"],
            SpecialUse::Sent => &["Sent", "Sent Items", "Sent Messages", "Sent Mail"],
            SpecialUse::Trash => &["Trash", "Deleted Items", "Deleted Messages", "Bin"],
            SpecialUse::Important => &["Important"],
        }
    }
}

/// One folder of a LIST response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its name.
    pub name: Mailbox,
    /// The hierarchy delimiter (`None`: flat namespace).
    pub delimiter: Option<char>,
    /// Its attributes (`\Noselect`, `\HasChildren`, `\Sent`, ...).
    pub attributes: Vec<MailboxAttr>,
    /// Whether it is subscribed (when asked, or LIST said `\Subscribed`).
    pub subscribed: bool,
    /// Its STATUS, when asked.
    pub status: Option<FolderStatus>,
}

impl Folder {
    /// Whether it can be selected (no `\Noselect` or `\NonExistent`).
    pub fn is_selectable(&self) -> bool {
        !self
            .attributes
            .iter()
            .any(|a| matches!(a, MailboxAttr::NoSelect | MailboxAttr::NonExistent))
    }

    /// Whether it has children, if the server said.
    pub fn has_children(&self) -> Option<bool> {
        self.attributes.iter().find_map(|a| match a {
            MailboxAttr::HasChildren => Some(true),
            MailboxAttr::HasNoChildren | MailboxAttr::NoInferiors => Some(false),
            _ => None,
        })
    }

    /// Its SPECIAL-USE role, if any.
    pub fn special_use(&self) -> Option<SpecialUse> {
        self.attributes.iter().find_map(SpecialUse::from_attr)
    }

    /// The last component of its name.
    pub fn leaf(&self) -> String {
        let name = self.name.display_name();
        match self.delimiter {
            Some(d) => name.rsplit(d).next().unwrap_or(&name).to_owned(),
            None => name.into_owned(),
        }
    }

    /// How deep it is in the hierarchy (0 for a top-level folder).
    pub fn depth(&self) -> usize {
        match self.delimiter {
            Some(d) => self.name.display_name().matches(d).count(),
            None => 0,
        }
    }
}

/// The STATUS of a folder; `None` for items not asked or not returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderStatus {
    /// `MESSAGES`.
    pub messages: Option<u32>,
    /// `RECENT` (IMAP4rev1).
    pub recent: Option<u32>,
    /// `UIDNEXT`.
    pub uid_next: Option<Uid>,
    /// `UIDVALIDITY`.
    pub uid_validity: Option<UidValidity>,
    /// `UNSEEN`: how many messages are unseen (a count, not a sequence number).
    pub unseen: Option<u32>,
    /// `DELETED`.
    pub deleted: Option<u32>,
    /// `SIZE`.
    pub size: Option<u64>,
    /// `HIGHESTMODSEQ`.
    pub highest_modseq: Option<u64>,
    /// `APPENDLIMIT` (`Some(None)`: no limit).
    pub append_limit: Option<Option<u64>>,
    /// `MAILBOXID`.
    pub mailbox_id: Option<String>,
}

impl FolderStatus {
    /// The items of one STATUS response.
    pub fn from_items(items: &[(StatusItem, StatusValue)]) -> FolderStatus {
        let mut s = FolderStatus::default();
        for (item, value) in items {
            let n = match value {
                StatusValue::Number(n) => Some(*n),
                _ => None,
            };
            let n32 = n.and_then(|n| u32::try_from(n).ok());
            match item {
                StatusItem::Messages => s.messages = n32,
                StatusItem::Recent => s.recent = n32,
                StatusItem::UidNext => s.uid_next = n32.and_then(Uid::new),
                StatusItem::UidValidity => s.uid_validity = n32.and_then(UidValidity::new),
                StatusItem::Unseen => s.unseen = n32,
                StatusItem::Deleted => s.deleted = n32,
                StatusItem::Size => s.size = n,
                StatusItem::HighestModSeq => s.highest_modseq = n,
                StatusItem::AppendLimit => s.append_limit = Some(n),
                StatusItem::MailboxId => {
                    if let StatusValue::MailboxId(id) = value {
                        s.mailbox_id = Some(id.to_string());
                    }
                }
                _ => {}
            }
        }
        s
    }
}

/// The usual STATUS items: MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY.
pub fn default_status_items() -> Vec<StatusItem> {
    vec![
        StatusItem::Messages,
        StatusItem::Unseen,
        StatusItem::UidNext,
        StatusItem::UidValidity,
    ]
}

/// `STATUS mailbox (items)`.
pub fn status_command(mailbox: Mailbox, items: Vec<StatusItem>) -> CommandBody {
    CommandBody::Status { mailbox, items }
}

/// The folders of a LIST (or LSUB) completion, with the STATUS data LIST-STATUS added.
pub fn folders(c: &Completion) -> Vec<Folder> {
    // By name: one look-up per folder, not a scan of every STATUS (the first one of a name
    // wins, as before).
    let mut statuses: HashMap<&Mailbox, &[(StatusItem, StatusValue)]> = HashMap::new();
    for (m, items) in c.statuses() {
        statuses.entry(m).or_insert(items);
    }
    c.list()
        .into_iter()
        .map(|e| Folder {
            name: e.mailbox.clone(),
            delimiter: e.delimiter.map(char::from),
            subscribed: e.attributes.contains(&MailboxAttr::Subscribed),
            attributes: e.attributes.clone(),
            status: statuses
                .get(&e.mailbox)
                .map(|items| FolderStatus::from_items(items)),
        })
        .collect()
}

/// The STATUS of `mailbox` in a STATUS completion (the first STATUS response if the server
/// spelled the name differently).
pub fn folder_status(c: &Completion, mailbox: &Mailbox) -> Option<FolderStatus> {
    let statuses = c.statuses();
    statuses
        .iter()
        .find(|(m, _)| *m == mailbox)
        .or(statuses.first())
        .map(|(_, items)| FolderStatus::from_items(items))
}

/// The folder with the SPECIAL-USE role `role`, or else one with a common name for it.
pub fn find_special(folders: &[Folder], role: SpecialUse) -> Option<&Folder> {
    folders
        .iter()
        .find(|f| f.special_use() == Some(role))
        .or_else(|| {
            role.common_names().iter().find_map(|n| {
                folders
                    .iter()
                    .find(|f| f.is_selectable() && f.leaf().eq_ignore_ascii_case(n))
            })
        })
}

/// The folders of an XLIST completion (Gmail's LIST before SPECIAL-USE), with its role
/// attributes read as the RFC 6154 ones: `\AllMail` is `\All`, `\Spam` is `\Junk`, `\Starred`
/// is `\Flagged` (`\Sent`, `\Drafts`, `\Trash` and `\Important` are the same). XLIST's
/// `\Inbox`, which marks the localised name of INBOX, stays as it is.
pub fn xlist_folders(c: &Completion) -> Vec<Folder> {
    let mut folders = folders(c);
    for f in &mut folders {
        for a in &mut f.attributes {
            if let MailboxAttr::Other(name) = a {
                let role = [
                    ("AllMail", MailboxAttr::All),
                    ("Spam", MailboxAttr::Junk),
                    ("Starred", MailboxAttr::Flagged),
                ]
                .into_iter()
                .find(|(n, _)| name.eq_ignore_ascii_case(n));
                if let Some((_, attr)) = role {
                    *a = attr;
                }
            }
        }
    }
    folders
}

/// `CREATE mailbox`, with a SPECIAL-USE role when given (CREATE-SPECIAL-USE).
pub fn create_command(mailbox: Mailbox, role: Option<SpecialUse>) -> CommandBody {
    CommandBody::Create {
        mailbox,
        special_use: role.map(|r| vec![r.attr()]).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Str;

    fn folder(name: &str, attrs: Vec<MailboxAttr>) -> Folder {
        Folder {
            name: Mailbox::new(name),
            delimiter: Some('/'),
            attributes: attrs,
            subscribed: false,
            status: None,
        }
    }

    #[test]
    fn special_folders_by_attribute_then_name() {
        let fs = vec![
            folder("INBOX", vec![]),
            folder("Archive/2020", vec![]),
            folder("Stuff/Sent Items", vec![]),
            folder("Bin", vec![MailboxAttr::Trash]),
        ];
        assert_eq!(
            find_special(&fs, SpecialUse::Trash).unwrap().name,
            Mailbox::new("Bin")
        );
        assert_eq!(
            find_special(&fs, SpecialUse::Sent).unwrap().name,
            Mailbox::new("Stuff/Sent Items")
        );
        assert!(find_special(&fs, SpecialUse::Junk).is_none());
        assert_eq!(fs[2].leaf(), "Sent Items");
        assert_eq!(fs[2].depth(), 1);
    }

    #[test]
    fn plan_uses_list_status_when_advertised() {
        let caps = Capabilities::new(vec![
            Capability::Imap4rev1,
            Capability::ListExtended,
            Capability::ListStatus,
            Capability::SpecialUse,
        ]);
        let plan = ListOptions::all()
            .with_subscribed()
            .with_status(default_status_items())
            .plan(&caps);
        assert!(plan.status_each.is_empty());
        assert!(plan.lsub.is_none());
        match plan.list {
            CommandBody::List { returns, .. } => assert_eq!(returns.len(), 3),
            _ => unreachable!(),
        }
        let plain = ListOptions::all()
            .with_subscribed()
            .with_status(default_status_items())
            .plan(&Capabilities::new(vec![Capability::Imap4rev1]));
        assert_eq!(plain.status_each.len(), 4);
        assert!(plain.lsub.is_some());
        let _ = Str::from("x");
    }
}
