//! CONTEXT=SEARCH (RFC 5267 section 4): `SEARCH RETURN (UPDATE)` contexts, told with ADDTO and
//! REMOVEFROM as the result changes, ended by CANCELUPDATE or leaving the mailbox; `PARTIAL`
//! pages of a result.

use super::{Fail, Selected};
use imap_core::types::{
    Data, ESearch, ESearchData, NumSet, PartialRange, SearchKey, SearchReturn, Str, Uid, UidSet,
};
use std::collections::BTreeSet;

/// The most UPDATE contexts one session keeps; more get `NO [NOUPDATE]` (RFC 5267 section
/// 4.3.1 asks for at least one). Each is searched again whenever the mailbox changes.
pub(super) const MAX_CONTEXTS: usize = 8;

/// One UPDATE context: the searching command's tag, its criteria with every message number
/// and `$` already turned into UIDs (they are evaluated when the command is received, section
/// 4.3), and the result as the client was last told.
pub(super) struct UpdateContext {
    tag: Str,
    uid: bool,
    criteria: Vec<SearchKey>,
    result: BTreeSet<Uid>,
}

/// The return options a SEARCH accepts: `PARTIAL` and `ALL` exclude each other (section 4.4)
/// and options no supported extension defines get BAD (RFC 4466 section 2.6.1).
pub(super) fn check_returns(returns: &[SearchReturn]) -> Result<(), Fail> {
    use SearchReturn as R;
    if returns.iter().any(|r| matches!(r, R::Other(_))) {
        return Err(Fail::bad("Unknown SEARCH return option"));
    }
    let pages = returns
        .iter()
        .filter(|r| matches!(r, R::All | R::Partial(_)))
        .count();
    if pages > 1 {
        return Err(Fail::bad("At most one of ALL and PARTIAL"));
    }
    Ok(())
}

/// The `PARTIAL` item for `nums` (the whole result in mailbox order): the results at positions
/// `range` (1 is the first; counted from the last with `-a:-b`, RFC 9394 section 4), `NIL`
/// when none is there.
pub(super) fn partial(nums: &[u32], range: PartialRange) -> ESearchData {
    let (a, b) = range.bounds();
    let len = nums.len();
    let (a, b) = (a as usize, b as usize);
    let page: &[u32] = if a > len {
        &[]
    } else if range.from_end {
        &nums[len - b.min(len)..=len - a]
    } else {
        &nums[a - 1..b.min(len)]
    };
    ESearchData::Partial {
        range,
        results: NumSet::from_keys(page.iter().copied()).ok(),
    }
}

impl Selected {
    /// Starts an UPDATE context for the searching command `tag`, whose result is `found`.
    /// `Ok(false)`: too many contexts already, none started.
    ///
    /// # Errors
    /// BAD when `tag` already names a context (RFC 5267 section 4.3: tags are not reused).
    pub(super) fn start_context(
        &mut self,
        tag: Str,
        uid: bool,
        criteria: &[SearchKey],
        found: &[Uid],
    ) -> Result<bool, Fail> {
        if self.contexts.iter().any(|c| c.tag == tag) {
            return Err(Fail::bad("Tag reuse"));
        }
        if self.contexts.len() >= MAX_CONTEXTS {
            return Ok(false);
        }
        let criteria = criteria.iter().map(|k| self.freeze(k)).collect();
        self.contexts.push(UpdateContext {
            tag,
            uid,
            criteria,
            result: found.iter().copied().collect(),
        });
        Ok(true)
    }

    /// Whether a context was started by the command tagged `tag`.
    pub(super) fn has_context(&self, tag: &[u8]) -> bool {
        self.contexts.iter().any(|c| c.tag.as_bytes() == tag)
    }

    /// CANCELUPDATE: ends the contexts of these tags.
    pub(super) fn cancel_contexts(&mut self, tags: &[Str]) {
        self.contexts.retain(|c| !tags.contains(&c.tag));
    }

    /// `key` with message numbers and `$` replaced by the UIDs they mean now.
    fn freeze(&self, key: &SearchKey) -> SearchKey {
        let uids = |v: Vec<Uid>| match UidSet::from_keys(v) {
            Ok(set) => SearchKey::Uid(set),
            Err(_) => SearchKey::Not(Box::new(SearchKey::All)),
        };
        match key {
            SearchKey::SeqSet(set) => {
                let set = imap_core::types::MessageSet::Seq(set.clone());
                uids(self.tracker.resolve_set(&set).unwrap_or_default())
            }
            SearchKey::SavedResult => uids(self.saved.clone()),
            SearchKey::Not(k) => SearchKey::Not(Box::new(self.freeze(k))),
            SearchKey::Or(a, b) => {
                SearchKey::Or(Box::new(self.freeze(a)), Box::new(self.freeze(b)))
            }
            SearchKey::And(v) => SearchKey::And(v.iter().map(|k| self.freeze(k)).collect()),
            other => other.clone(),
        }
    }

    /// The ESEARCH updates for every context whose result changed, searched again over the
    /// messages the client knows minus those expunged in the store: REMOVEFROM and ADDTO with
    /// context position 0, in mailbox order (sections 4.3.3 and 4.3.4). Called after EXISTS
    /// and before EXPUNGE are queued, so the sequence numbers are the client's.
    pub(super) fn context_updates(&mut self) -> Vec<Data> {
        let visible: Vec<Uid> = self
            .tracker
            .uids()
            .iter()
            .copied()
            .filter(|u| !self.pending_expunge.contains(u))
            .collect();
        let mut out = Vec::new();
        let mut contexts = std::mem::take(&mut self.contexts);
        for c in &mut contexts {
            let Ok(found) = self.view.search(&visible, &c.criteria, None) else {
                continue;
            };
            let now: BTreeSet<Uid> = found.into_iter().collect();
            let number = |u: &Uid| {
                if c.uid {
                    Some(u.get())
                } else {
                    self.tracker.seq(*u).map(|s| s.get())
                }
            };
            let set = |v: Vec<u32>| NumSet::from_keys(v).ok().map(|s| vec![(0, s)]);
            let mut data = Vec::new();
            if let Some(gone) = set(c.result.difference(&now).filter_map(number).collect()) {
                data.push(ESearchData::RemoveFrom(gone));
            }
            if let Some(new) = set(now.difference(&c.result).filter_map(number).collect()) {
                data.push(ESearchData::AddTo(new));
            }
            c.result = now;
            if !data.is_empty() {
                out.push(Data::ESearch(ESearch {
                    tag: Some(c.tag.clone()),
                    uid: c.uid,
                    data,
                }));
            }
        }
        self.contexts = contexts;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn page(from_end: bool, a: u32, b: u32) -> PartialRange {
        PartialRange {
            from_end,
            first: NonZeroU32::new(a).unwrap(),
            second: NonZeroU32::new(b).unwrap(),
        }
    }

    fn results(d: ESearchData) -> Option<Vec<(u32, u32)>> {
        let ESearchData::Partial { results, .. } = d else {
            panic!("{d:?}")
        };
        results.map(|s| s.items().iter().map(|i| i.bounds(0)).collect())
    }

    #[test]
    fn partial_pages() {
        let nums: Vec<u32> = (1..=10).map(|n| n * 10).collect();
        assert_eq!(
            results(partial(&nums, page(false, 1, 3))),
            Some(vec![(10, 10), (20, 20), (30, 30)])
        );
        assert_eq!(
            results(partial(&nums, page(false, 9, 20))),
            Some(vec![(90, 90), (100, 100)])
        );
        assert_eq!(results(partial(&nums, page(false, 11, 20))), None);
        assert_eq!(
            results(partial(&nums, page(true, 1, 2))),
            Some(vec![(90, 90), (100, 100)])
        );
        assert_eq!(
            results(partial(&nums, page(true, 10, 50))),
            Some(vec![(10, 10)])
        );
        assert_eq!(results(partial(&nums, page(true, 11, 12))), None);
        assert_eq!(results(partial(&[], page(false, 1, 1))), None);
        assert_eq!(
            results(partial(&[5], page(false, 4294967295, 1))),
            Some(vec![(5, 5)])
        );
    }

    #[test]
    fn return_options() {
        use SearchReturn as R;
        assert!(check_returns(&[R::Update, R::Count, R::Context]).is_ok());
        assert!(check_returns(&[R::All, R::Partial(page(false, 1, 2))]).is_err());
        let other = R::Other(imap_core::types::Atom::from_static("X-FOO"));
        assert!(check_returns(&[other]).is_err());
    }
}
