//! Flags, keywords and Gmail labels: get, add, remove, set. Pass a
//! [`crate::types::UidSet`] (or a [`Uid`]) for the UID forms, a [`crate::types::SeqSet`] for
//! sequence numbers.

use super::{OpError, Simple};
use crate::client::UsageError;
use crate::ops::fetch::{self as f, FetchQuery};
use crate::ops::flags::{labels_command, parse_flag, store_command};
use crate::ops::labels::encode_label;
use crate::types::{FetchItem, Flag, MessageSet, StoreKind, Uid};
use std::collections::BTreeMap;

/// Flags per message, keyed by UID.
pub type FlagMap = BTreeMap<Uid, Vec<Flag>>;

/// Gmail labels per message, keyed by UID.
pub type LabelMap = BTreeMap<Uid, Vec<String>>;

/// The flags of some messages (`FETCH (UID FLAGS)`).
pub fn flags(set: impl Into<MessageSet>) -> Simple<FlagMap> {
    Simple::map(FetchQuery::new().flags().command(set), |c| {
        f::into_messages(c)
            .into_iter()
            .map(|(uid, m)| (uid, m.flags.unwrap_or_default()))
            .collect()
    })
}

/// `STORE [+|-]FLAGS`: adds, removes or replaces flags as `kind` says; yields the new flags
/// the server reported, keyed by UID (from the response, else from the mailbox model).
pub fn store(set: impl Into<MessageSet>, kind: StoreKind, flags: &[Flag]) -> Simple<FlagMap> {
    Simple::new(
        store_command(set, kind, flags.to_vec(), false),
        |c, client| {
            let model = client.selected();
            Ok(f::into_messages_in_order(c)
                .into_iter()
                .filter_map(|m| {
                    let uid = m.uid.or_else(|| model.and_then(|s| s.uid(m.seq)))?;
                    Some((uid, m.flags?))
                })
                .collect())
        },
    )
}

/// [`store`] of keywords (`$Forwarded`, `NonJunk`, ...); [`UsageError::Invalid`] for a keyword
/// that is not an atom (nothing is sent).
pub fn store_keywords(
    set: impl Into<MessageSet>,
    kind: StoreKind,
    keywords: &[&str],
) -> Simple<FlagMap> {
    let parsed: Result<Vec<Flag>, OpError> = keywords
        .iter()
        .map(|k| parse_flag(k).map_err(|_| OpError::Usage(UsageError::Invalid("keyword"))))
        .collect();
    match parsed {
        Ok(flags) => store(set, kind, &flags),
        Err(e) => Simple::failed(e),
    }
}

/// Marks messages `\Deleted` (`STORE +FLAGS.SILENT`): they go at the next EXPUNGE or CLOSE.
pub fn delete(set: impl Into<MessageSet>) -> Simple<()> {
    Simple::unit(store_command(
        set,
        StoreKind::Add,
        vec![Flag::Deleted],
        true,
    ))
}

/// Gmail labels (`X-GM-LABELS`) of some messages, decoded from modified UTF-7
/// ([`crate::ops::labels::decode_label`]).
pub fn labels(set: impl Into<MessageSet>) -> Simple<LabelMap> {
    let query = FetchQuery::new().item(FetchItem::GmLabels);
    Simple::map(query.command(set), |c| {
        f::into_messages(c)
            .into_iter()
            .map(|(uid, m)| (uid, m.labels().unwrap_or_default()))
            .collect()
    })
}

/// `STORE [+|-]X-GM-LABELS`: adds, removes or replaces Gmail labels as `kind` says, each
/// written in modified UTF-7 ([`encode_label`]).
pub fn store_labels(set: impl Into<MessageSet>, kind: StoreKind, labels: &[&str]) -> Simple<()> {
    let labels = labels.iter().map(|l| encode_label(l)).collect();
    Simple::unit(labels_command(set, kind, labels))
}
