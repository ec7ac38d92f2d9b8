//! Server and account information: QUOTA (RFC 9208), ACL (RFC 4314) and METADATA (RFC 5464),
//! with named results.

use super::{Missing, OpError, Simple};
use crate::ops::info::{self as i, Quota};
use crate::types::{AclEntry, CommandBody, Mailbox, MetadataOptions, QuotaLimit, Str};

/// What GETQUOTAROOT answered: the quota roots of a folder and their quotas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuotaRoots {
    /// The folder's quota roots.
    pub roots: Vec<String>,
    /// The quotas of those roots.
    pub quotas: Vec<Quota>,
}

/// What LISTRIGHTS answered (RFC 4314 section 3.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRights {
    /// The rights always granted to the identifier.
    pub required: String,
    /// The groups of rights that may be granted (each group all or nothing).
    pub optional: Vec<String>,
}

/// One METADATA entry (RFC 5464).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    /// The folder it belongs to (empty: server metadata).
    pub mailbox: Mailbox,
    /// The entry name (`/private/comment`).
    pub name: Str,
    /// Its value (`None`: `NIL`, no value).
    pub value: Option<Str>,
}

/// GETQUOTAROOT: the quota roots of a folder and their quotas.
pub fn quota_root(folder: &str) -> Simple<QuotaRoots> {
    Simple::map(CommandBody::GetQuotaRoot(Mailbox::new(folder)), |c| {
        QuotaRoots {
            roots: i::quota_roots(&c),
            quotas: i::quotas(&c),
        }
    })
}

/// GETQUOTA: the quotas of a quota root.
pub fn quota(root: &str) -> Simple<Vec<Quota>> {
    Simple::map(CommandBody::GetQuota(root.into()), |c| i::quotas(&c))
}

/// SETQUOTA: sets resource limits of a quota root; yields the quotas the server reported.
pub fn set_quota(root: &str, limits: Vec<QuotaLimit>) -> Simple<Vec<Quota>> {
    let body = CommandBody::SetQuota {
        root: root.into(),
        limits,
    };
    Simple::map(body, |c| i::quotas(&c))
}

/// GETACL.
pub fn acl(folder: &str) -> Simple<Vec<AclEntry>> {
    Simple::map(CommandBody::GetAcl(Mailbox::new(folder)), |c| i::acl(&c))
}

/// SETACL: `rights` may start with `+` or `-`.
pub fn set_acl(folder: &str, identifier: &str, rights: &str) -> Simple<()> {
    Simple::unit(CommandBody::SetAcl {
        mailbox: Mailbox::new(folder),
        identifier: identifier.into(),
        rights: rights.into(),
    })
}

/// DELETEACL.
pub fn delete_acl(folder: &str, identifier: &str) -> Simple<()> {
    Simple::unit(CommandBody::DeleteAcl {
        mailbox: Mailbox::new(folder),
        identifier: identifier.into(),
    })
}

/// MYRIGHTS; [`Missing::Response`] when the server sent no MYRIGHTS response.
pub fn my_rights(folder: &str) -> Simple<String> {
    Simple::new(CommandBody::MyRights(Mailbox::new(folder)), |c, _| {
        i::my_rights(&c).ok_or(OpError::NotFound(Missing::Response("MYRIGHTS")))
    })
}

/// LISTRIGHTS; [`Missing::Response`] when the server sent no LISTRIGHTS response.
pub fn list_rights(folder: &str, identifier: &str) -> Simple<ListedRights> {
    let body = CommandBody::ListRights {
        mailbox: Mailbox::new(folder),
        identifier: identifier.into(),
    };
    Simple::new(body, |c, _| {
        let (required, optional) =
            i::list_rights(&c).ok_or(OpError::NotFound(Missing::Response("LISTRIGHTS")))?;
        Ok(ListedRights { required, optional })
    })
}

/// GETMETADATA: entries of a folder (`""` for server metadata).
pub fn metadata(folder: &str, entries: &[&str]) -> Simple<Vec<MetadataEntry>> {
    let body = CommandBody::GetMetadata {
        options: MetadataOptions::default(),
        mailbox: Mailbox::new(folder),
        entries: entries.iter().map(|e| Str::from(*e)).collect(),
    };
    Simple::map(body, |c| {
        i::metadata(&c)
            .into_iter()
            .map(|(mailbox, name, value)| MetadataEntry {
                mailbox,
                name,
                value,
            })
            .collect()
    })
}

/// SETMETADATA: sets (or, with `None`, deletes) entries.
pub fn set_metadata(folder: &str, entries: &[(&str, Option<&str>)]) -> Simple<()> {
    Simple::unit(CommandBody::SetMetadata {
        mailbox: Mailbox::new(folder),
        entries: entries
            .iter()
            .map(|(k, v)| (Str::from(*k), v.map(Str::from)))
            .collect(),
    })
}
