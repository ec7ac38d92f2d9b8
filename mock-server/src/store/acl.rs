//! Access control lists (RFC 4314): GETACL, SETACL, DELETEACL, LISTRIGHTS, MYRIGHTS.
//!
//! Every mailbox belongs to one user, who holds every right; the ACL also keeps what SETACL
//! granted to other identifiers, reported by GETACL. The store has no shared mailboxes, so
//! those grants give nobody access. Rights are the RFC's `lrswipkxtea`; the virtual `c` stands
//! for `k` and the virtual `d` for `x`, `t` and `e` (the second convention of section 2.1.1),
//! and both are added back whenever one of their members is listed.

use super::{Account, StoreError, normalize_name};
use std::collections::BTreeMap;

/// The rights this server knows, in the order it writes them.
pub const RIGHTS: &str = "lrswipkxtea";

/// The members of the virtual `c` ("create") and `d` ("delete") rights.
const CREATE: &str = "k";
const DELETE: &str = "xte";

/// How SETACL changes an identifier's rights (`mod-rights`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RightsChange {
    /// `+rights`: add.
    Add(String),
    /// `-rights`: remove.
    Remove(String),
    /// `rights`: replace.
    Replace(String),
}

impl RightsChange {
    /// Reads SETACL's third argument. The rights come back canonical (in [`RIGHTS`] order,
    /// virtual rights expanded to their members).
    ///
    /// # Errors
    /// An upper-case or unknown right (RFC 4314 section 3.1 wants a BAD for both), with the
    /// text to send.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (ctor, letters): (fn(String) -> Self, &str) = match s.as_bytes().first() {
            Some(b'+') => (RightsChange::Add, &s[1..]),
            Some(b'-') => (RightsChange::Remove, &s[1..]),
            _ => (RightsChange::Replace, s),
        };
        Ok(ctor(canonical(letters)?))
    }
}

/// `letters` as a set in [`RIGHTS`] order, `c` and `d` replaced by their members.
fn canonical(letters: &str) -> Result<String, String> {
    let mut set = [false; RIGHTS.len()];
    let mut set_all = |members: &str| {
        for m in members.chars() {
            if let Some(i) = RIGHTS.find(m) {
                set[i] = true;
            }
        }
    };
    for c in letters.chars() {
        match c {
            'c' => set_all(CREATE),
            'd' => set_all(DELETE),
            c if c.is_ascii_uppercase() => return Err("Uppercase rights are not allowed".into()),
            c if RIGHTS.contains(c) => set_all(c.encode_utf8(&mut [0; 4])),
            c => return Err(format!("The {c} right is not supported")),
        }
    }
    Ok(RIGHTS
        .chars()
        .zip(set)
        .filter_map(|(c, on)| on.then_some(c))
        .collect())
}

/// Canonical rights as a response writes them: `c` and `d` added when a member is there.
pub fn with_virtual(rights: &str) -> String {
    let mut s = rights.to_owned();
    if rights.chars().any(|c| CREATE.contains(c)) {
        s.push('c');
    }
    if rights.chars().any(|c| DELETE.contains(c)) {
        s.push('d');
    }
    s
}

/// What LISTRIGHTS answers for an identifier: the rights always granted and the groups that
/// may be granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightsList {
    /// Always granted (all of them for the owner).
    pub required: String,
    /// Each right that may be granted, one group each (`c` and `d` too, as RFC 4314 lists
    /// them).
    pub optional: Vec<String>,
}

impl Account {
    /// The mailbox's ACL: the owner with every right, then what SETACL granted, each with its
    /// virtual rights ([`with_virtual`]).
    ///
    /// # Errors
    /// An unknown mailbox.
    pub fn acl(&self, mailbox: &str) -> Result<Vec<(String, String)>, StoreError> {
        let name = normalize_name(mailbox)?;
        let owner = self.user.clone();
        self.with(|u, _, _, _| {
            let m = u
                .by_name(&name)
                .ok_or(StoreError::NonExistent(name.clone()))?;
            let mut v = vec![(owner, with_virtual(RIGHTS))];
            v.extend(m.acl.iter().map(|(id, r)| (id.clone(), with_virtual(r))));
            Ok(v)
        })
    }

    /// SETACL: changes `identifier`'s rights; an identifier left with none is removed.
    ///
    /// # Errors
    /// An unknown mailbox; the owner's rights, which cannot change.
    pub fn set_acl(
        &self,
        mailbox: &str,
        identifier: &str,
        change: &RightsChange,
    ) -> Result<(), StoreError> {
        self.change_acl(mailbox, identifier, |acl| {
            let old = acl.remove(identifier).unwrap_or_default();
            let new: String = match change {
                RightsChange::Replace(r) => r.clone(),
                RightsChange::Add(r) => RIGHTS
                    .chars()
                    .filter(|c| old.contains(*c) || r.contains(*c))
                    .collect(),
                RightsChange::Remove(r) => old.chars().filter(|c| !r.contains(*c)).collect(),
            };
            if !new.is_empty() {
                acl.insert(identifier.to_owned(), new);
            }
        })
    }

    /// DELETEACL: removes `identifier` from the ACL.
    ///
    /// # Errors
    /// As [`Account::set_acl`].
    pub fn delete_acl(&self, mailbox: &str, identifier: &str) -> Result<(), StoreError> {
        self.change_acl(mailbox, identifier, |acl| {
            acl.remove(identifier);
        })
    }

    fn change_acl(
        &self,
        mailbox: &str,
        identifier: &str,
        f: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Result<(), StoreError> {
        let name = normalize_name(mailbox)?;
        if identifier == self.user {
            return Err(StoreError::Cannot("The owner's rights cannot be changed"));
        }
        self.with(|u, _, _, _| {
            let m = u
                .by_name_mut(&name)
                .ok_or(StoreError::NonExistent(name.clone()))?;
            f(&mut m.acl);
            Ok(())
        })
    }

    /// MYRIGHTS: the owner holds every right.
    ///
    /// # Errors
    /// An unknown mailbox.
    pub fn my_rights(&self, mailbox: &str) -> Result<String, StoreError> {
        self.acl(mailbox)?;
        Ok(with_virtual(RIGHTS))
    }

    /// LISTRIGHTS: every right for the owner; for anyone else none required, each grantable
    /// on its own.
    ///
    /// # Errors
    /// An unknown mailbox.
    pub fn list_rights(&self, mailbox: &str, identifier: &str) -> Result<RightsList, StoreError> {
        self.acl(mailbox)?;
        Ok(if identifier == self.user {
            RightsList {
                required: with_virtual(RIGHTS),
                optional: Vec::new(),
            }
        } else {
            RightsList {
                required: String::new(),
                optional: with_virtual(RIGHTS).chars().map(String::from).collect(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn rights_are_read_as_rfc_4314_says() {
        assert_eq!(
            RightsChange::parse("+cda"),
            Ok(RightsChange::Add("kxtea".into()))
        );
        assert_eq!(
            RightsChange::parse("lrswida"),
            Ok(RightsChange::Replace("lrswixtea".into()))
        );
        assert_eq!(
            RightsChange::parse("-w"),
            Ok(RightsChange::Remove("w".into()))
        );
        assert_eq!(
            RightsChange::parse("lrQswicda"),
            Err("Uppercase rights are not allowed".into())
        );
        assert_eq!(
            RightsChange::parse("lrqswicda"),
            Err("The q right is not supported".into())
        );
        assert_eq!(with_virtual("lrswixtea"), "lrswixtead");
        assert_eq!(with_virtual("lk"), "lkc");
    }

    #[test]
    fn setacl_getacl_deleteacl() {
        let s = Store::new();
        let a = s.add_user("fred", "pw").unwrap();
        a.set_acl("INBOX", "chris", &RightsChange::parse("lrswi").unwrap())
            .unwrap();
        a.set_acl("INBOX", "chris", &RightsChange::parse("+cda").unwrap())
            .unwrap();
        assert_eq!(
            a.acl("inbox").unwrap(),
            vec![
                ("fred".into(), "lrswipkxteacd".into()),
                ("chris".into(), "lrswikxteacd".into())
            ]
        );
        a.set_acl(
            "INBOX",
            "chris",
            &RightsChange::parse("-lrswikxtea").unwrap(),
        )
        .unwrap();
        assert_eq!(a.acl("INBOX").unwrap().len(), 1, "no rights left: removed");
        a.set_acl("INBOX", "chris", &RightsChange::parse("l").unwrap())
            .unwrap();
        a.delete_acl("INBOX", "chris").unwrap();
        assert_eq!(a.acl("INBOX").unwrap().len(), 1);
        assert!(matches!(
            a.set_acl("INBOX", "fred", &RightsChange::parse("l").unwrap()),
            Err(StoreError::Cannot(_))
        ));
        assert!(matches!(a.acl("Nope"), Err(StoreError::NonExistent(_))));
        assert_eq!(a.my_rights("INBOX").unwrap(), "lrswipkxteacd");
        assert_eq!(a.list_rights("INBOX", "fred").unwrap().optional.len(), 0);
        let other = a.list_rights("INBOX", "anyone").unwrap();
        assert_eq!(other.required, "");
        assert_eq!(other.optional.concat(), "lrswipkxteacd");
    }
}
