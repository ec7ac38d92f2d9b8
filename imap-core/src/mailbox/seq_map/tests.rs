//! Tests of [`super::SeqMap`]: examples, and proptests against a plain vector of messages
//! (the reference model).

use super::*;
use crate::types::{Bound, NumSet, SetItem, UidRanges};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn s(n: u32) -> SeqNum {
    SeqNum::new(n).unwrap()
}

fn u(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

/// A VANISHED result with the removed run listed message by message (the reference
/// model has no tail to tell apart), sorted.
fn flat(v: Vanished) -> (Vec<MessageRef>, Vec<UncertainRun>, u64) {
    let mut all: Vec<MessageRef> = v.messages().collect();
    all.sort_by_key(|m| m.seq);
    (all, v.uncertain, v.unmatched)
}

/// A UID set of inclusive ranges.
fn set(items: &[(u32, u32)]) -> UidSet {
    NumSet::new(
        items
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    SetItem::Single(Bound::Value(u(a)))
                } else {
                    SetItem::Range(Bound::Value(u(a)), Bound::Value(u(b)))
                }
            })
            .collect(),
    )
    .unwrap()
}

/// The UIDs in sequence order, 0 for unknown.
fn uids(m: &SeqMap) -> Vec<u32> {
    m.iter().map(|(_, u, _)| u.map_or(0, Uid::get)).collect()
}

/// A map holding messages with these UIDs (0 for unknown).
fn map_with(uids: &[u32]) -> SeqMap {
    let mut m = SeqMap::new();
    m.apply_exists(uids.len() as u32).unwrap();
    for (i, &x) in uids.iter().enumerate() {
        if x != 0 {
            m.apply_fetch(s(i as u32 + 1), Some(u(x)), None, None)
                .unwrap();
        }
    }
    m.check_invariants().unwrap();
    m
}

fn mref(seq: u32, uid: Option<u32>) -> MessageRef {
    MessageRef {
        seq: s(seq),
        uid: uid.map(u),
    }
}

#[test]
fn expunge_burst_3_3_3() {
    let mut m = map_with(&[10, 20, 30, 40, 50, 60]);
    assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(30))));
    assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(40))));
    assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(50))));
    assert_eq!(uids(&m), [10, 20, 60]);
    assert_eq!(m.seq(u(60)), Some(s(3)));
    assert_eq!(m.seq(u(40)), None);
    m.check_invariants().unwrap();
}

#[test]
fn expunge_high_to_low_equals_low_to_high() {
    // RFC 9051 section 7.5.1: the last 5 of 9 messages, either way round.
    let mut up = map_with(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let mut down = up.clone();
    for _ in 0..5 {
        up.apply_expunge(s(5)).unwrap();
    }
    for n in (5..=9).rev() {
        down.apply_expunge(s(n)).unwrap();
    }
    assert_eq!(uids(&up), [1, 2, 3, 4]);
    assert_eq!(uids(&down), uids(&up));
    up.check_invariants().unwrap();
    down.check_invariants().unwrap();
}

#[test]
fn expunge_last_then_exists() {
    let mut m = map_with(&[10, 20, 30]);
    assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(30))));
    m.check_invariants().unwrap();
    assert_eq!(m.apply_exists(3), Ok(1));
    assert_eq!(uids(&m), [10, 20, 0]);
    assert_eq!(m.uid(s(3)), None);
    m.apply_fetch(s(3), Some(u(31)), None, None).unwrap();
    assert_eq!(uids(&m), [10, 20, 31]);
    assert_eq!(m.seq(u(31)), Some(s(3)));
    m.check_invariants().unwrap();
}

#[test]
fn expunge_beyond_exists_is_error() {
    let mut m = map_with(&[10, 20, 30]);
    assert_eq!(
        m.apply_expunge(s(4)),
        Err(ModelError::NoSuchMessage {
            seq: s(4),
            exists: 3
        })
    );
    assert_eq!(uids(&m), [10, 20, 30]);
    let mut empty = SeqMap::new();
    assert!(empty.apply_expunge(s(1)).is_err());
    assert_eq!(empty.len(), 0);
}

#[test]
fn exists_never_shrinks() {
    let mut m = map_with(&[10, 20, 30]);
    assert_eq!(
        m.apply_exists(2),
        Err(ModelError::ExistsShrank {
            exists: 3,
            received: 2
        })
    );
    assert_eq!(m.apply_exists(3), Ok(0));
    assert_eq!(m.len(), 3);
}

#[test]
fn unknown_uids_filled_later() {
    let mut m = SeqMap::new();
    m.apply_exists(5).unwrap();
    assert_eq!(m.unknown_uids(), 5);
    assert_eq!(uids(&m), [0, 0, 0, 0, 0]);
    let f = m.apply_fetch(s(5), Some(u(50)), None, None).unwrap();
    assert!(f.uid_learned);
    m.apply_fetch(s(1), Some(u(10)), None, None).unwrap();
    m.apply_fetch(s(3), Some(u(30)), Some(vec![Flag::Seen]), Some(7))
        .unwrap();
    assert_eq!(uids(&m), [10, 0, 30, 0, 50]);
    assert_eq!(m.unknown_uids(), 2);
    // A later FETCH without UID still names the message by its known UID.
    let f = m
        .apply_fetch(s(3), None, Some(vec![Flag::Seen]), None)
        .unwrap();
    assert_eq!(f.message, mref(3, Some(30)));
    assert!(!f.uid_learned && !f.flags_changed && !f.modseq_changed);
    // Expunging an unknown message renumbers the known ones.
    assert_eq!(m.apply_expunge(s(2)), Ok(None));
    assert_eq!(m.seq(u(30)), Some(s(2)));
    assert_eq!(m.flags(s(2)), Some(&[Flag::Seen][..]));
    assert_eq!(m.modseq(s(2)), Some(7));
    m.apply_fetch(s(3), Some(u(40)), None, None).unwrap();
    assert_eq!(uids(&m), [10, 30, 40, 50]);
    m.check_invariants().unwrap();
}

#[test]
fn contradicting_uids_are_errors() {
    let mut m = map_with(&[10, 0, 30]);
    assert_eq!(
        m.apply_fetch(s(2), Some(u(40)), None, None),
        Err(ModelError::UidOutOfOrder {
            seq: s(2),
            uid: u(40),
            other: s(3),
            other_uid: u(30)
        })
    );
    assert_eq!(
        m.apply_fetch(s(2), Some(u(5)), None, None),
        Err(ModelError::UidOutOfOrder {
            seq: s(2),
            uid: u(5),
            other: s(1),
            other_uid: u(10)
        })
    );
    assert_eq!(
        m.apply_fetch(s(2), Some(u(30)), None, None),
        Err(ModelError::DuplicateUid {
            seq: s(2),
            uid: u(30),
            other: s(3)
        })
    );
    assert_eq!(
        m.apply_fetch(s(1), Some(u(11)), None, None),
        Err(ModelError::UidChanged {
            seq: s(1),
            known: u(10),
            received: u(11)
        })
    );
    assert_eq!(
        m.apply_fetch(s(4), Some(u(40)), None, None),
        Err(ModelError::NoSuchMessage {
            seq: s(4),
            exists: 3
        })
    );
    // Refused responses change nothing, even their flags.
    assert!(
        m.apply_fetch(s(2), Some(u(40)), Some(vec![Flag::Seen]), None)
            .is_err()
    );
    assert_eq!(m.flags(s(2)), None);
    assert_eq!(uids(&m), [10, 0, 30]);
    // The same UID again is fine.
    assert!(m.apply_fetch(s(1), Some(u(10)), None, None).is_ok());
    m.check_invariants().unwrap();
}

#[test]
fn only_live_messages_constrain_new_uids() {
    // The model checks UIDs against the messages that exist now (a server reusing an
    // expunged UID is not detected), whatever expunged entries its index still holds.
    let mut m = map_with(&[50, 0, 0]);
    assert_eq!(m.apply_expunge(s(1)), Ok(Some(u(50))));
    m.apply_fetch(s(2), Some(u(40)), None, None).unwrap();
    assert_eq!(
        m.apply_fetch(s(1), Some(u(60)), None, None),
        Err(ModelError::UidOutOfOrder {
            seq: s(1),
            uid: u(60),
            other: s(2),
            other_uid: u(40)
        })
    );
    m.apply_fetch(s(1), Some(u(30)), None, None).unwrap();
    assert_eq!(m.seq(u(50)), None);
    assert_eq!(uids(&m), [30, 40]);
    m.check_invariants().unwrap();
}

#[test]
fn new_messages_cost_nothing_until_fetched() {
    let mut m = SeqMap::new();
    m.apply_exists(u32::MAX).unwrap();
    assert_eq!(m.len(), u32::MAX);
    assert_eq!(m.uid(s(123_456)), None);
    let f = m.apply_fetch(s(4_000_000_000), None, None, None).unwrap();
    assert_eq!(f.message, mref(4_000_000_000, None));
    assert_eq!(m.tree.summary().held, 0);
    assert_eq!(m.apply_expunge(s(4_000_000_000)), Ok(None));
    assert_eq!(m.len(), u32::MAX - 1);
    m.check_invariants().unwrap();
}

#[test]
fn limit_bounds_held_messages_not_their_numbers() {
    let mut m = SeqMap::with_limit(3);
    m.apply_exists(100).unwrap();
    // Sequence numbers far apart cost one held message each.
    for (seq, uid) in [(90, 90), (5, 5), (50, 50)] {
        m.apply_fetch(s(seq), Some(u(uid)), None, None).unwrap();
    }
    assert_eq!(m.tree.summary().held, 3);
    assert_eq!(
        m.apply_fetch(s(11), Some(u(11)), None, None),
        Err(ModelError::TooManyMessages {
            seq: s(11),
            limit: 3
        })
    );
    // What is held can still change.
    m.apply_fetch(s(50), None, Some(vec![Flag::Seen]), None)
        .unwrap();
    // An expunge frees room.
    assert_eq!(m.apply_expunge(s(5)), Ok(Some(u(5))));
    m.apply_fetch(s(10), Some(u(11)), None, None).unwrap();
    assert_eq!(uids(&m)[..11], [0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0]);
    assert_eq!(SeqMap::with_limit(u32::MAX).limit(), MAX_LIMIT);
    m.check_invariants().unwrap();
}

#[test]
fn vanished_removes_known_uids_with_pre_response_numbers() {
    let mut m = map_with(&[10, 20, 30, 40, 50]);
    assert_eq!(
        m.apply_vanished(&set(&[(20, 20), (40, 45)])),
        vec![(s(2), u(20)), (s(4), u(40))]
    );
    assert_eq!(uids(&m), [10, 30, 50]);
    assert_eq!(m.apply_vanished(&set(&[(15, 15), (60, 70)])), vec![]);
    assert_eq!(uids(&m), [10, 30, 50]);
    m.check_invariants().unwrap();
}

#[test]
fn vanished_plain_ignores_unknown_uids() {
    let mut m = map_with(&[10, 20, 0]);
    assert_eq!(m.apply_vanished(&set(&[(25, 25)])), vec![]);
    assert_eq!(m.len(), 3);
}

#[test]
fn vanished_names_a_new_arrival_of_unknown_uid() {
    // RFC 7162 section 3.2.10.2: a message announced by EXISTS, expunged before the client
    // fetched its UID, is reported by UID and must still decrement the count.
    let mut m = map_with(&[10, 20, 0]);
    let v = m.apply_vanished_visible(&set(&[(25, 25)]));
    assert_eq!(flat(v.clone()).0, vec![mref(3, Some(25))]);
    assert!(v.uncertain.is_empty());
    assert_eq!(v.unmatched, 0);
    assert_eq!(uids(&m), [10, 20]);
    m.check_invariants().unwrap();
}

#[test]
fn vanished_in_a_run_of_unknown_uids_is_uncertain() {
    let mut m = map_with(&[10, 0, 0, 0, 50]);
    m.apply_fetch(s(2), None, Some(vec![Flag::Seen]), Some(3))
        .unwrap();
    let v = m.apply_vanished_visible(&set(&[(30, 30), (50, 50)]));
    assert_eq!(v.removed, vec![mref(5, Some(50))]);
    assert_eq!(
        v.uncertain,
        vec![UncertainRun {
            first: s(2),
            count: 3,
            uids: [u(30)].into_iter().collect()
        }]
    );
    assert_eq!(v.removed_count(), 2);
    assert_eq!(uids(&m), [10, 0, 0]);
    // Which message went is unknown, so the run's flags are no longer attributable.
    assert_eq!(m.flags(s(2)), None);
    assert_eq!(m.modseq(s(2)), None);
    m.check_invariants().unwrap();
}

#[test]
fn vanished_counts_uids_no_message_can_have() {
    let mut m = map_with(&[10, 11, 0, 0]);
    // 5 lies before 10 with no message in between; 12 and 13 fill the unknown run exactly.
    let v = m.apply_vanished_visible(&set(&[(5, 5), (12, 13)]));
    assert_eq!(
        flat(v.clone()).0,
        vec![mref(3, Some(12)), mref(4, Some(13))]
    );
    assert_eq!(v.unmatched, 1);
    assert_eq!(uids(&m), [10, 11]);
    // Everything unknown (just selected): more UIDs than messages removes them all.
    let mut m = SeqMap::new();
    m.apply_exists(5).unwrap();
    let v = m.apply_vanished_visible(&set(&[(1, 1000)]));
    assert_eq!(v.messages().count(), 5);
    assert!(v.messages().all(|r| r.uid.is_none()));
    assert_eq!(v.unmatched, 995);
    assert!(m.is_empty());
    m.check_invariants().unwrap();
}

#[test]
fn vanished_of_whole_runs_between_known_messages_lists_each_run_once() {
    let mut m = SeqMap::new();
    m.apply_exists(1_000_000).unwrap();
    m.apply_fetch(s(500_000), Some(u(500_000)), None, None)
        .unwrap();
    m.apply_fetch(s(1_000_000), Some(u(2_000_000)), None, None)
        .unwrap();
    m.apply_exists(1_000_010).unwrap();
    let v = m.apply_vanished_visible(&set(&[(1, 499_999), (600_000, 2_000_010)]));
    let run = |first, count, uids: Option<(u32, u32)>| RemovedRun {
        first: s(first),
        count,
        uids: uids.map(|(a, b)| UidRanges::from_ranges([(a, b)])),
    };
    // Before the first known message (exact), between the two (more UIDs than messages),
    // and the never-fetched tail (exact).
    assert_eq!(
        v.removed_runs,
        vec![
            run(1, 499_999, Some((1, 499_999))),
            run(500_001, 499_999, None),
            run(1_000_001, 10, Some((2_000_001, 2_000_010))),
        ]
    );
    assert_eq!(v.removed, vec![mref(1_000_000, Some(2_000_000))]);
    assert_eq!(v.unmatched, 1_400_000 - 499_999);
    assert_eq!(v.removed_count(), 1_000_009);
    assert_eq!(uids(&m), [500_000]);
    let all: Vec<MessageRef> = v.messages().collect();
    assert_eq!(all.len(), 1_000_009);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(all[999_998], mref(1_000_000, Some(2_000_000)));
    m.check_invariants().unwrap();
}

#[test]
fn vanished_star_means_the_largest_uid() {
    let star: UidSet = NumSet::new(vec![SetItem::Range(Bound::Value(u(15)), Bound::Star)]).unwrap();
    let mut m = map_with(&[10, 20, 0]);
    let v = m.apply_vanished_visible(&star);
    assert_eq!(flat(v).0, vec![mref(2, Some(20)), mref(3, None)]);
    assert_eq!(uids(&m), [10]);
    let mut m = map_with(&[10, 20, 30]);
    assert_eq!(m.apply_vanished(&star), vec![(s(2), u(20)), (s(3), u(30))]);
    m.check_invariants().unwrap();
}

#[test]
fn rfc7162_vanished_example() {
    // RFC 7162 section 3.2.10.2: "x" messages have UIDs the client does not know.
    let mut m = map_with(&[0, 504, 505, 507, 508, 0, 510, 0, 0, 0, 625]);
    let mut e = m.clone();
    let v = m.apply_vanished_visible(&set(&[(505, 505), (507, 507), (510, 510), (625, 625)]));
    assert_eq!(
        v.removed,
        vec![
            mref(3, Some(505)),
            mref(4, Some(507)),
            mref(7, Some(510)),
            mref(11, Some(625))
        ]
    );
    assert_eq!(v.unmatched, 0);
    // The same without QRESYNC: EXPUNGE 3, 3, 5, 8.
    for n in [3, 3, 5, 8] {
        e.apply_expunge(s(n)).unwrap();
    }
    assert_eq!(uids(&m), uids(&e));
    assert_eq!(uids(&m), [0, 504, 508, 0, 0, 0, 0]);
    let v = m.apply_vanished_visible(&set(&[(504, 504), (508, 508)]));
    assert_eq!(v.removed, vec![mref(2, Some(504)), mref(3, Some(508))]);
    assert_eq!(m.len(), 5);
    m.check_invariants().unwrap();
}

#[test]
fn many_expunges_keep_the_mapping_and_the_tree_balanced() {
    let all: Vec<u32> = (1..=2000).map(|i| i * 2).collect();
    let mut m = map_with(&all);
    for i in 1..=1000 {
        // Remove every other message, front to back.
        assert_eq!(m.apply_expunge(s(i)), Ok(Some(u(i * 4 - 2))));
        if i % 97 == 0 {
            m.check_invariants().unwrap();
        }
    }
    assert_eq!(uids(&m), (1..=1000).map(|i| i * 4).collect::<Vec<_>>());
    for i in 1..=1000 {
        assert_eq!(m.seq(u(i * 4)), Some(s(i)));
    }
    // Then the rest, from the back: the tree shrinks to nothing.
    for i in (1..=1000).rev() {
        assert_eq!(m.apply_expunge(s(i)), Ok(Some(u(i * 4))));
    }
    assert!(m.is_empty());
    m.check_invariants().unwrap();
}

#[test]
fn a_far_fetch_splits_a_run_and_an_expunge_joins_it_again() {
    let mut m = SeqMap::new();
    m.apply_exists(10_000_000).unwrap();
    m.apply_fetch(s(10_000_000), None, Some(vec![]), None)
        .unwrap();
    m.apply_fetch(s(5_000_000), Some(u(500)), None, None)
        .unwrap();
    m.check_invariants().unwrap();
    assert_eq!(m.seq(u(500)), Some(s(5_000_000)));
    assert_eq!(m.tree.summary().held, 2);
    assert_eq!(m.unknown_uids(), 9_999_999);
    // Expunges inside the runs renumber the messages after them.
    m.apply_expunge(s(1)).unwrap();
    m.apply_expunge(s(6_000_000)).unwrap();
    assert_eq!(m.seq(u(500)), Some(s(4_999_999)));
    assert_eq!(m.flags(s(9_999_998)), Some(&[][..]));
    // Removing the held message joins the runs on both sides.
    assert_eq!(m.apply_expunge(s(4_999_999)), Ok(Some(u(500))));
    assert_eq!(m.tree.items().count(), 2);
    // And removing the last one leaves only the tail.
    m.apply_expunge(s(9_999_997)).unwrap();
    assert_eq!(m.tree.items().count(), 0);
    assert_eq!(m.len(), 9_999_996);
    m.check_invariants().unwrap();
}

#[test]
fn forget_and_clear() {
    let mut m = map_with(&[10, 20, 30]);
    m.forget_uids();
    assert_eq!(uids(&m), [0, 0, 0]);
    assert_eq!(m.seq(u(10)), None);
    m.check_invariants().unwrap();
    m.clear();
    assert!(m.is_empty());
    m.check_invariants().unwrap();
}

#[test]
fn iter_and_find_uids() {
    let mut m = map_with(&[10, 0, 30]);
    m.apply_exists(5).unwrap();
    m.apply_fetch(s(2), None, Some(vec![Flag::Flagged]), None)
        .unwrap();
    let all: Vec<_> = m.iter().collect();
    assert_eq!(m.iter().len(), 5);
    assert_eq!(all[1], (s(2), None, Some(&[Flag::Flagged][..])));
    assert_eq!(all[4], (s(5), None, None));
    assert_eq!(
        m.find_uids(&set(&[(1, 20), (30, 40)])),
        vec![(s(1), u(10)), (s(3), u(30))]
    );
    assert_eq!((&m).into_iter().count(), 5);
}

// ---- The reference model: a plain vector, as naive as possible. ----

#[derive(Clone, Debug, Default, PartialEq)]
struct RefMsg {
    uid: Option<Uid>,
    flags: Option<Vec<Flag>>,
    modseq: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Reference {
    msgs: Vec<RefMsg>,
}

impl Reference {
    fn len(&self) -> u32 {
        self.msgs.len() as u32
    }

    fn exists(&mut self, n: u32) -> Result<u32, ModelError> {
        if n < self.len() {
            return Err(ModelError::ExistsShrank {
                exists: self.len(),
                received: n,
            });
        }
        let added = n - self.len();
        self.msgs.resize(n as usize, RefMsg::default());
        Ok(added)
    }

    fn expunge(&mut self, seq: SeqNum) -> Result<Option<Uid>, ModelError> {
        if seq.get() > self.len() {
            return Err(ModelError::NoSuchMessage {
                seq,
                exists: self.len(),
            });
        }
        Ok(self.msgs.remove(seq.get() as usize - 1).uid)
    }

    fn vanished(&mut self, set: &BTreeSet<u32>) -> Vec<(SeqNum, Uid)> {
        let hit = |m: &RefMsg| m.uid.is_some_and(|x| set.contains(&x.get()));
        let out = (self.msgs.iter().enumerate())
            .filter(|(_, m)| hit(m))
            .map(|(i, m)| (s(i as u32 + 1), m.uid.unwrap()))
            .collect();
        self.msgs.retain(|m| !hit(m));
        out
    }

    fn vanished_visible(&mut self, set: &BTreeSet<u32>) -> Vanished {
        let n = self.msgs.len();
        let mut remove = vec![false; n];
        let mut out = Vanished::default();
        let mut matched = 0u64;
        for (i, m) in self.msgs.iter().enumerate() {
            if let Some(x) = m.uid.filter(|x| set.contains(&x.get())) {
                remove[i] = true;
                out.removed.push(mref(i as u32 + 1, Some(x.get())));
                matched += 1;
            }
        }
        let mut i = 0;
        while i < n {
            if self.msgs[i].uid.is_some() {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && self.msgs[i].uid.is_none() {
                i += 1;
            }
            let end = i;
            let lo = if start == 0 {
                0
            } else {
                u64::from(self.msgs[start - 1].uid.unwrap().get())
            };
            let hi = if end == n {
                1 << 32
            } else {
                u64::from(self.msgs[end].uid.unwrap().get())
            };
            let members: Vec<u32> = (set.iter())
                .filter(|&&x| lo < u64::from(x) && u64::from(x) < hi)
                .copied()
                .collect();
            let (g, c) = (end - start, members.len());
            if c == 0 {
                continue;
            }
            if c >= g {
                matched += g as u64;
                for k in 0..g {
                    remove[start + k] = true;
                    let uid = (c == g).then(|| members[k]);
                    out.removed.push(mref((start + k) as u32 + 1, uid));
                }
            } else {
                matched += c as u64;
                for m in &mut self.msgs[start..end - c] {
                    m.flags = None;
                    m.modseq = None;
                }
                remove[end - c..end].fill(true);
                out.uncertain.push(UncertainRun {
                    first: s(start as u32 + 1),
                    count: g as u32,
                    uids: members.into_iter().map(u).collect(),
                });
            }
        }
        out.removed.sort_by_key(|m| m.seq);
        let mut k = 0;
        self.msgs.retain(|_| {
            k += 1;
            !remove[k - 1]
        });
        out.unmatched = set.len() as u64 - matched;
        out
    }

    fn fetch(
        &mut self,
        seq: SeqNum,
        uid: Option<Uid>,
        flags: Option<Vec<Flag>>,
        modseq: Option<u64>,
    ) -> Result<FetchChange, ModelError> {
        if seq.get() > self.len() {
            return Err(ModelError::NoSuchMessage {
                seq,
                exists: self.len(),
            });
        }
        let i = seq.get() as usize - 1;
        let at = |j: usize| s(j as u32 + 1);
        if let Some(x) = uid {
            match self.msgs[i].uid {
                Some(k) if k != x => {
                    return Err(ModelError::UidChanged {
                        seq,
                        known: k,
                        received: x,
                    });
                }
                Some(_) => {}
                None => {
                    let known = || {
                        (self.msgs.iter().enumerate()).filter_map(|(j, m)| m.uid.map(|v| (j, v)))
                    };
                    if let Some((j, _)) = known().find(|&(_, v)| v == x) {
                        return Err(ModelError::DuplicateUid {
                            seq,
                            uid: x,
                            other: at(j),
                        });
                    }
                    if let Some((j, v)) = known().filter(|&(_, v)| v < x).max_by_key(|p| p.1)
                        && j > i
                    {
                        return Err(ModelError::UidOutOfOrder {
                            seq,
                            uid: x,
                            other: at(j),
                            other_uid: v,
                        });
                    }
                    if let Some((j, v)) = known().filter(|&(_, v)| v > x).min_by_key(|p| p.1)
                        && j < i
                    {
                        return Err(ModelError::UidOutOfOrder {
                            seq,
                            uid: x,
                            other: at(j),
                            other_uid: v,
                        });
                    }
                }
            }
        }
        let m = &mut self.msgs[i];
        let uid_learned = uid.is_some() && m.uid.is_none();
        if uid_learned {
            m.uid = uid;
        }
        let flags_changed = flags
            .as_ref()
            .is_some_and(|f| m.flags.as_deref().is_none_or(|old| !same_flags(old, f)));
        if flags.is_some() {
            m.flags = flags;
        }
        let modseq_changed = modseq.is_some() && m.modseq != modseq;
        if modseq.is_some() {
            m.modseq = modseq;
        }
        Ok(FetchChange {
            message: MessageRef { seq, uid: m.uid },
            uid_learned,
            flags_changed,
            modseq_changed,
        })
    }

    /// A UID for message `seq` that keeps the order, if there is room for one.
    fn fitting_uid(&self, seq: SeqNum, pick: u32) -> Uid {
        let i = (seq.get() as usize - 1).min(self.msgs.len());
        if let Some(x) = self.msgs.get(i).and_then(|m| m.uid) {
            return x;
        }
        let lo = self.msgs[..i]
            .iter()
            .filter_map(|m| m.uid)
            .map(Uid::get)
            .max()
            .unwrap_or(0);
        let hi = (self.msgs.get(i + 1..).unwrap_or_default().iter())
            .filter_map(|m| m.uid)
            .map(Uid::get)
            .min()
            .unwrap_or(1001);
        if hi > lo + 1 {
            u(lo + 1 + pick % (hi - lo - 1))
        } else {
            u(lo + 1)
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Grow(u32),
    /// Many new messages at once: later FETCHes land far apart, in runs of unknowns.
    Leap(u32),
    Exists(u32),
    Expunge(u32),
    Vanished(Vec<(u32, u32)>),
    VanishedVisible(Vec<(u32, u32)>),
    FetchUid(u32, u32),
    FetchFittingUid(u32, u32),
    FetchFlags(u32, u8, Option<u64>),
    Forget,
}

fn ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
    proptest::collection::vec(
        prop_oneof![
            4 => (1u32..1000, 0u32..4).prop_map(|(a, l)| (a, a + l)),
            1 => (1u32..1000, 0u32..200).prop_map(|(a, l)| (a + l, a)),
        ],
        1..4,
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..6).prop_map(Op::Grow),
        1 => (0u32..300).prop_map(Op::Leap),
        1 => (0u32..40).prop_map(Op::Exists),
        6 => any::<u32>().prop_map(Op::Expunge),
        2 => ranges().prop_map(Op::Vanished),
        3 => ranges().prop_map(Op::VanishedVisible),
        2 => (any::<u32>(), 1u32..1000).prop_map(|(p, x)| Op::FetchUid(p, x)),
        8 => (any::<u32>(), any::<u32>()).prop_map(|(p, x)| Op::FetchFittingUid(p, x)),
        3 => (any::<u32>(), any::<u8>(), proptest::option::of(1u64..4))
            .prop_map(|(p, f, m)| Op::FetchFlags(p, f, m)),
        1 => Just(Op::Forget),
    ]
}

fn flags_from(bits: u8) -> Vec<Flag> {
    [
        Flag::Seen,
        Flag::Answered,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Draft,
    ]
    .into_iter()
    .enumerate()
    .filter(|(i, _)| bits & (1 << i) != 0)
    .map(|(_, f)| f)
    .collect()
}

/// Ours and the reference hold the same messages, and ours keeps its invariants.
fn assert_same(ours: &SeqMap, r: &Reference) -> Result<(), TestCaseError> {
    ours.check_invariants().map_err(TestCaseError::fail)?;
    prop_assert_eq!(ours.len(), r.len());
    let got: Vec<_> = ours
        .iter()
        .map(|(q, x, f)| (q.get(), x, f.map(<[Flag]>::to_vec)))
        .collect();
    let want: Vec<_> = (r.msgs.iter().enumerate())
        .map(|(i, m)| (i as u32 + 1, m.uid, m.flags.clone()))
        .collect();
    prop_assert_eq!(got, want);
    let mut known = Vec::new();
    for (i, m) in r.msgs.iter().enumerate() {
        let seq = s(i as u32 + 1);
        prop_assert_eq!(ours.uid(seq), m.uid);
        prop_assert_eq!(ours.modseq(seq), m.modseq);
        if let Some(x) = m.uid {
            prop_assert_eq!(ours.seq(x), Some(seq));
            known.push((seq, x));
        }
    }
    prop_assert_eq!(ours.find_uids(&set(&[(1, u32::MAX)])), known.clone());
    prop_assert_eq!(ours.unknown_uids() as usize, r.msgs.len() - known.len());
    Ok(())
}

fn pick(raw: u32, len: u32) -> SeqNum {
    s(1 + raw % (len + 2))
}

/// A map of `len` messages holding those of `held` (seq, uid or 0, flagged).
fn sparse(len: u32, held: &BTreeMap<u32, (u32, bool)>) -> SeqMap {
    let mut m = SeqMap::new();
    m.apply_exists(len).unwrap();
    let mut last_uid = 0;
    for (&seq, &(uid, flagged)) in held.range(1..=len) {
        let uid = (uid > last_uid).then(|| {
            last_uid = uid;
            u(uid)
        });
        let flags = flagged.then(|| vec![Flag::Flagged]);
        m.apply_fetch(s(seq), uid, flags, None).ok();
    }
    m.check_invariants().unwrap();
    m
}

/// Everything observable of a map.
fn contents(m: &SeqMap) -> Vec<(u32, Option<Uid>, Option<Vec<Flag>>)> {
    m.iter()
        .map(|(q, x, f)| (q.get(), x, f.map(<[Flag]>::to_vec)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn edits_one_at_a_time_equal_a_rebuild(
        len in 1u32..400,
        held in proptest::collection::btree_map(1u32..400, (0u32..2000, any::<bool>()), 0..120),
        cuts in proptest::collection::vec((0u32..400, 1u32..20, 0u32..20), 0..12),
    ) {
        let m = sparse(len, &held);
        let count = m.tree.summary().count;
        // Disjoint edits within the tree, ascending.
        let mut edits = Vec::new();
        let mut next = 1u32;
        for (skip, n, gap) in cuts {
            let first = next + skip % 40;
            if first > count {
                break;
            }
            let n = n.min(count + 1 - first);
            edits.push(Edit { first, len: n, gap: gap.min(n) });
            next = first + n;
        }
        let mut one = m.clone();
        one.apply_edits_by(&edits, false);
        let mut all = m.clone();
        all.apply_edits_by(&edits, true);
        one.check_invariants().map_err(TestCaseError::fail)?;
        all.check_invariants().map_err(TestCaseError::fail)?;
        prop_assert_eq!(one.len(), all.len());
        prop_assert_eq!(contents(&one), contents(&all));
        let removed: u32 = edits.iter().map(|e| e.len - e.gap).sum();
        prop_assert_eq!(one.len(), m.len() - removed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn seq_map_matches_a_plain_vector(ops in proptest::collection::vec(op(), 1..120)) {
        let mut ours = SeqMap::new();
        let mut r = Reference::default();
        for op in ops {
            match op {
                Op::Grow(k) | Op::Leap(k) => {
                    let n = r.len() + k;
                    prop_assert_eq!(ours.apply_exists(n), r.exists(n));
                }
                Op::Exists(n) => prop_assert_eq!(ours.apply_exists(n), r.exists(n)),
                Op::Expunge(p) => {
                    let seq = pick(p, r.len());
                    prop_assert_eq!(ours.apply_expunge(seq), r.expunge(seq));
                }
                Op::Vanished(items) => {
                    let members: BTreeSet<u32> =
                        items.iter().flat_map(|&(a, b)| a.min(b)..=a.max(b)).collect();
                    prop_assert_eq!(ours.apply_vanished(&set(&items)), r.vanished(&members));
                }
                Op::VanishedVisible(items) => {
                    let members: BTreeSet<u32> =
                        items.iter().flat_map(|&(a, b)| a.min(b)..=a.max(b)).collect();
                    let known = ours.len() - ours.unknown_uids();
                    let v = ours.apply_vanished_visible(&set(&items));
                    // One entry per known message or per run between known ones, never
                    // one per message of a run.
                    prop_assert!(v.removed.iter().all(|m| m.uid.is_some()));
                    prop_assert!(v.removed.len() as u32 <= known);
                    prop_assert!((v.removed_runs.len() + v.uncertain.len()) as u32 <= known + 1);
                    prop_assert_eq!(flat(v), flat(r.vanished_visible(&members)));
                }
                Op::FetchUid(p, x) => {
                    let seq = pick(p, r.len());
                    prop_assert_eq!(
                        ours.apply_fetch(seq, Some(u(x)), None, None),
                        r.fetch(seq, Some(u(x)), None, None)
                    );
                }
                Op::FetchFittingUid(p, x) => {
                    let seq = pick(p, r.len());
                    let uid = r.fitting_uid(seq, x);
                    prop_assert_eq!(
                        ours.apply_fetch(seq, Some(uid), None, None),
                        r.fetch(seq, Some(uid), None, None)
                    );
                }
                Op::FetchFlags(p, bits, modseq) => {
                    let seq = pick(p, r.len());
                    let flags = Some(flags_from(bits));
                    prop_assert_eq!(
                        ours.apply_fetch(seq, None, flags.clone(), modseq),
                        r.fetch(seq, None, flags, modseq)
                    );
                }
                Op::Forget => {
                    ours.forget_uids();
                    r.msgs.fill(RefMsg::default());
                }
            }
            assert_same(&ours, &r)?;
        }
    }
}
