//! Server and account information: NAMESPACE, QUOTA, ACL, METADATA and ID results.

use crate::client::Completion;
use crate::types::{AclEntry, Data, Mailbox, Namespaces, QuotaResource, Str};

/// The NAMESPACE response (empty lists when the server sent none).
pub fn namespaces(c: &Completion) -> Namespaces {
    c.namespaces().cloned().unwrap_or_default()
}

/// One quota root and its resources (RFC 9208).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The quota root.
    pub root: String,
    /// Usage and limit per resource (`STORAGE` in KiB, `MESSAGE`, ...).
    pub resources: Vec<QuotaResource>,
}

/// The QUOTA responses of a GETQUOTA or GETQUOTAROOT completion.
pub fn quotas(c: &Completion) -> Vec<Quota> {
    c.data
        .iter()
        .filter_map(|d| match d {
            Data::Quota { root, resources } => Some(Quota {
                root: root.to_string(),
                resources: resources.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The quota roots of a GETQUOTAROOT completion.
pub fn quota_roots(c: &Completion) -> Vec<String> {
    c.data
        .iter()
        .filter_map(|d| match d {
            Data::QuotaRoot { roots, .. } => Some(roots.iter().map(Str::to_string)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The ACL entries of a GETACL completion.
pub fn acl(c: &Completion) -> Vec<AclEntry> {
    c.data
        .iter()
        .filter_map(|d| match d {
            Data::Acl { entries, .. } => Some(entries.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The rights of a MYRIGHTS completion.
pub fn my_rights(c: &Completion) -> Option<String> {
    c.data.iter().find_map(|d| match d {
        Data::MyRights { rights, .. } => Some(rights.to_string()),
        _ => None,
    })
}

/// The required and optional rights of a LISTRIGHTS completion.
pub fn list_rights(c: &Completion) -> Option<(String, Vec<String>)> {
    c.data.iter().find_map(|d| match d {
        Data::ListRights {
            required, optional, ..
        } => Some((
            required.to_string(),
            optional.iter().map(Str::to_string).collect(),
        )),
        _ => None,
    })
}

/// The entries of a GETMETADATA completion, with the mailbox they belong to.
pub fn metadata(c: &Completion) -> Vec<(Mailbox, Str, Option<Str>)> {
    c.data
        .iter()
        .filter_map(|d| match d {
            Data::Metadata { mailbox, entries } => Some(
                entries
                    .iter()
                    .map(|(k, v)| (mailbox.clone(), k.clone(), v.clone()))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The server's ID parameters (RFC 2971), empty when it answered `ID NIL`.
pub fn id(c: &Completion) -> Vec<(String, Option<String>)> {
    c.data
        .iter()
        .find_map(|d| match d {
            Data::Id(Some(list)) => Some(
                list.iter()
                    .map(|(k, v)| (k.to_string(), v.as_ref().map(Str::to_string)))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

/// `ID (...)` from name/value pairs (`None` values are sent as `NIL`).
pub fn id_command(params: &[(&str, Option<&str>)]) -> crate::types::CommandBody {
    crate::types::CommandBody::Id(if params.is_empty() {
        None
    } else {
        Some(
            params
                .iter()
                .map(|(k, v)| (Str::from(*k), v.map(Str::from)))
                .collect(),
        )
    })
}
