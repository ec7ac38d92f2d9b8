//! ACL (RFC 4314: GETACL, SETACL, DELETEACL, LISTRIGHTS, MYRIGHTS) and METADATA (RFC 5464:
//! GETMETADATA, SETMETADATA), in the authenticated and selected states, through the store's
//! [`AclStore`](crate::backend::AclStore) and [`MetadataStore`](crate::backend::MetadataStore).

use super::mailboxes::name;
use super::{Fail, MockSession, Outcome, ok};
use crate::store::acl::RightsChange;
use crate::store::metadata::entry_name;
use imap_core::types::{AclEntry, Code, CommandBody, Data, Mailbox, MetadataOptions, Str};

/// An identifier argument: a BAD for an empty one (RFC 4314 section 3).
fn identifier(s: &Str) -> Result<String, Fail> {
    match s.as_str() {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(Fail::bad("Invalid identifier")),
    }
}

/// A METADATA mailbox argument: `""` for the server's annotations.
fn annotated(m: &Mailbox) -> Result<String, Fail> {
    match m.name() {
        Some("") => Ok(String::new()),
        _ => name(m),
    }
}

/// Entry names, checked (a BAD for an invalid one, RFC 5464 section 3.2).
fn entries<'a>(names: impl IntoIterator<Item = &'a Str>) -> Result<Vec<String>, Fail> {
    names
        .into_iter()
        .map(|e| entry_name(e.as_bytes()).map_err(Fail::bad))
        .collect()
}

impl MockSession {
    /// Runs an ACL or METADATA command; `None` for any other command.
    pub(crate) fn acl_command(&mut self, user: &str, body: &CommandBody) -> Option<Outcome> {
        use CommandBody as C;
        let outcome = match body {
            C::GetAcl(_)
            | C::SetAcl { .. }
            | C::DeleteAcl { .. }
            | C::ListRights { .. }
            | C::MyRights(_) => self.acl(user, body),
            C::GetMetadata { .. } | C::SetMetadata { .. } => self.metadata(user, body),
            _ => return None,
        };
        Some(outcome)
    }

    fn acl(&mut self, user: &str, body: &CommandBody) -> Outcome {
        use CommandBody as C;
        let store = self.store.clone();
        let acl = store
            .as_acl()
            .ok_or_else(|| Fail::bad("ACL is not supported"))?;
        match body {
            C::GetAcl(mailbox) => {
                let entries = acl
                    .acl(user, &name(mailbox)?)?
                    .into_iter()
                    .map(|(identifier, rights)| AclEntry {
                        identifier: identifier.into(),
                        rights: rights.into(),
                    })
                    .collect();
                self.data(Data::Acl {
                    mailbox: mailbox.clone(),
                    entries,
                });
                ok("GETACL completed")
            }
            C::SetAcl {
                mailbox,
                identifier: id,
                rights,
            } => {
                let id = identifier(id)?;
                let change = rights
                    .as_str()
                    .ok_or_else(|| Fail::bad("Invalid rights"))
                    .and_then(|r| RightsChange::parse(r).map_err(Fail::bad))?;
                acl.set_acl(user, &name(mailbox)?, &id, &change)?;
                ok("SETACL completed")
            }
            C::DeleteAcl {
                mailbox,
                identifier: id,
            } => {
                acl.delete_acl(user, &name(mailbox)?, &identifier(id)?)?;
                ok("DELETEACL completed")
            }
            C::ListRights {
                mailbox,
                identifier: id,
            } => {
                let list = acl.list_rights(user, &name(mailbox)?, &identifier(id)?)?;
                self.data(Data::ListRights {
                    mailbox: mailbox.clone(),
                    identifier: id.clone(),
                    required: list.required.into(),
                    optional: list.optional.into_iter().map(Str::from).collect(),
                });
                ok("LISTRIGHTS completed")
            }
            C::MyRights(mailbox) => {
                let rights = acl.my_rights(user, &name(mailbox)?)?;
                self.data(Data::MyRights {
                    mailbox: mailbox.clone(),
                    rights: rights.into(),
                });
                ok("MYRIGHTS completed")
            }
            _ => Err(Fail::bad("Command not supported")),
        }
    }

    fn metadata(&mut self, user: &str, body: &CommandBody) -> Outcome {
        use CommandBody as C;
        let store = self.store.clone();
        let meta = store
            .as_metadata()
            .ok_or_else(|| Fail::bad("METADATA is not supported"))?;
        match body {
            C::GetMetadata {
                options: MetadataOptions { max_size, depth },
                mailbox,
                entries: asked,
            } => {
                let names = entries(asked)?;
                let found = meta.metadata(user, &annotated(mailbox)?, &names, *depth, *max_size)?;
                // One METADATA response, always (Dovecot's shape): what was found, and NIL for
                // each entry asked for that has no value and nothing below it was returned.
                let mut values: Vec<(Str, Option<Str>)> = found
                    .entries
                    .iter()
                    .map(|(e, v)| (Str::from(e.as_str()), Some(Str::from(v.clone()))))
                    .collect();
                for n in &names {
                    let below = format!("{n}/");
                    let shown = found
                        .entries
                        .iter()
                        .any(|(e, _)| e == n || e.starts_with(&below));
                    if !shown {
                        values.push((Str::from(n.as_str()), None));
                    }
                }
                self.data(Data::Metadata {
                    mailbox: mailbox.clone(),
                    entries: values,
                });
                let code = found.longest_left_out.map(Code::MetadataLongEntries);
                Ok((code, "GETMETADATA completed".into()))
            }
            C::SetMetadata {
                mailbox,
                entries: changes,
            } => {
                let names = entries(changes.iter().map(|(e, _)| e))?;
                let changes: Vec<_> = names
                    .into_iter()
                    .zip(changes)
                    .map(|(n, (_, v))| (n, v.as_ref().map(|v| v.bytes().clone())))
                    .collect();
                meta.set_metadata(user, &annotated(mailbox)?, &changes)?;
                ok("SETMETADATA completed")
            }
            _ => Err(Fail::bad("Command not supported")),
        }
    }
}
