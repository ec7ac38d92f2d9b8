//! Flag lists shared between the messages of the model ([`FlagSets`]): most messages of a
//! mailbox carry one of a few flag lists (none, `\Seen`, `\Seen \Answered`, ...), so the model
//! keeps one copy of each and a reference in every message, rather than a list per message.

use crate::types::{Atom, Flag};
use std::sync::Arc;

/// How many distinct flag lists are remembered for sharing (the most recent ones): a server
/// that gives every message other keywords costs a list per message, as without sharing, and
/// never more than this many remembered lists.
const REMEMBERED: usize = 32;

/// The flag lists recently recorded, to share with the next messages that carry the same.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlagSets {
    recent: Vec<Arc<[Flag]>>,
    /// Where the next list not remembered yet replaces one, once `recent` is full.
    next: usize,
}

impl FlagSets {
    /// The shared list equal to `flags` (same flags, same order), made if not remembered.
    /// A new list holds its keywords in bytes of its own, not in slices of the response they
    /// came in (which would keep the whole response alive as long as the model).
    pub(crate) fn share(&mut self, flags: &[Flag]) -> Arc<[Flag]> {
        if let Some(known) = self.recent.iter().find(|known| ***known == *flags) {
            return known.clone();
        }
        let list: Arc<[Flag]> = flags.iter().map(detached).collect();
        if self.recent.len() < REMEMBERED {
            self.recent.push(list.clone());
        } else {
            self.recent[self.next] = list.clone();
            self.next = (self.next + 1) % REMEMBERED;
        }
        list
    }
}

/// `flag` with its atom copied out of the buffer it was parsed from.
fn detached(flag: &Flag) -> Flag {
    let copy = |a: &Atom| {
        Atom::new(bytes::Bytes::copy_from_slice(a.as_bytes())).unwrap_or_else(|_| a.clone())
    };
    match flag {
        Flag::Keyword(a) => Flag::Keyword(copy(a)),
        Flag::Extension(a) => Flag::Extension(copy(a)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_lists_are_one_list_and_the_memory_stays_bounded() {
        let mut sets = FlagSets::default();
        let a = sets.share(&[Flag::Seen, Flag::Answered]);
        let b = sets.share(&[Flag::Seen, Flag::Answered]);
        assert!(Arc::ptr_eq(&a, &b));
        // Another order is another list (the model gives flags back as the server sent them).
        let c = sets.share(&[Flag::Answered, Flag::Seen]);
        assert!(!Arc::ptr_eq(&a, &c));
        for i in 0..1000 {
            let k = Atom::try_from(format!("k{i}").as_str()).unwrap();
            sets.share(&[Flag::Keyword(k)]);
        }
        assert_eq!(sets.recent.len(), REMEMBERED);
    }

    #[test]
    fn a_shared_keyword_does_not_hold_the_response_it_came_in() {
        let response = bytes::Bytes::from_static(b"* 1 FETCH (FLAGS ($Junk))");
        let keyword = Atom::new(response.slice(18..23)).unwrap();
        let list = FlagSets::default().share(&[Flag::Keyword(keyword)]);
        let Flag::Keyword(k) = &list[0] else {
            panic!("a keyword");
        };
        assert_eq!(k.as_str(), "$Junk");
        let inside = response.as_ptr_range();
        assert!(!inside.contains(&k.as_bytes().as_ptr()));
    }
}
