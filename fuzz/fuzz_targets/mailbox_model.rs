//! `SeqMap` against a plain `Vec<Option<u32>>` (the UID of each message by sequence number,
//! `None` while unknown), as the proptest `seq_map_matches_a_plain_vector` in
//! `imap-core/src/mailbox/seq_map.rs` does, driven by a byte script (see
//! `imap_core_fuzz::Cursor`). Each step's first byte picks:
//!
//! * `0`: `EXISTS` of the current length plus a byte mod 8; `1`: `EXISTS` of a byte (may shrink:
//!   rejected);
//! * `2`: `EXPUNGE` of a sequence number in `1..=len + 2`;
//! * `3`: `VANISHED` (plain: known UIDs only) of 1-3 ranges; `4`: `apply_vanished_visible`;
//! * `5`: `FETCH (UID x)` for an arbitrary small UID; `6`: for a UID that fits the order;
//! * `7`: `forget_uids`.
//!
//! After each step: the same result (errors compared by kind), the same UIDs in the same
//! order, the lookups by sequence number and UID agree, and `check_invariants` holds.
#![no_main]

use imap_core::mailbox::{ModelError, SeqMap, UncertainRun, Vanished};
use imap_core::types::{Bound, NumSet, SeqNum, SetItem, Uid, UidSet};
use imap_core_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fn s(n: u32) -> SeqNum {
    SeqNum::new(n).expect("nonzero")
}

fn u(n: u32) -> Uid {
    Uid::new(n).expect("nonzero")
}

/// The reference: UIDs by sequence number.
#[derive(Debug, Default)]
struct Reference(Vec<Option<u32>>);

impl Reference {
    fn len(&self) -> u32 {
        self.0.len() as u32
    }

    fn exists(&mut self, n: u32) -> Result<u32, ()> {
        if n < self.len() {
            return Err(());
        }
        let added = n - self.len();
        self.0.resize(n as usize, None);
        Ok(added)
    }

    fn expunge(&mut self, seq: u32) -> Result<Option<u32>, ()> {
        if seq > self.len() {
            return Err(());
        }
        Ok(self.0.remove(seq as usize - 1))
    }

    fn vanished(&mut self, set: &BTreeSet<u32>) -> Vec<(u32, u32)> {
        let hit = |m: &Option<u32>| m.is_some_and(|x| set.contains(&x));
        let out = (self.0.iter().enumerate())
            .filter(|(_, m)| hit(m))
            .map(|(i, m)| (i as u32 + 1, m.unwrap()))
            .collect();
        self.0.retain(|m| !hit(m));
        out
    }

    /// `(removed, uncertain runs, unmatched)`, with the same rules as the proptest's reference.
    #[allow(clippy::type_complexity)]
    fn vanished_visible(
        &mut self,
        set: &BTreeSet<u32>,
    ) -> (Vec<(u32, Option<u32>)>, Vec<(u32, u32, Vec<u32>)>, u64) {
        let n = self.0.len();
        let mut remove = vec![false; n];
        let (mut removed, mut uncertain) = (Vec::new(), Vec::new());
        let mut matched = 0u64;
        for (i, m) in self.0.iter().enumerate() {
            if let Some(x) = m.filter(|x| set.contains(x)) {
                remove[i] = true;
                removed.push((i as u32 + 1, Some(x)));
                matched += 1;
            }
        }
        let mut i = 0;
        while i < n {
            if self.0[i].is_some() {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && self.0[i].is_none() {
                i += 1;
            }
            let end = i;
            let lo = if start == 0 {
                0
            } else {
                u64::from(self.0[start - 1].unwrap())
            };
            let hi = if end == n {
                1 << 32
            } else {
                u64::from(self.0[end].unwrap())
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
                    removed.push(((start + k) as u32 + 1, (c == g).then(|| members[k])));
                }
            } else {
                matched += c as u64;
                remove[end - c..end].fill(true);
                uncertain.push((start as u32 + 1, g as u32, members));
            }
        }
        removed.sort();
        let mut k = 0;
        self.0.retain(|_| {
            k += 1;
            !remove[k - 1]
        });
        (removed, uncertain, set.len() as u64 - matched)
    }

    /// The error kind `SeqMap::apply_fetch` gives for `FETCH (UID x)` on `seq`, if any.
    fn fetch(&mut self, seq: u32, x: u32) -> Result<(), &'static str> {
        if seq > self.len() {
            return Err("NoSuchMessage");
        }
        let i = seq as usize - 1;
        match self.0[i] {
            Some(k) if k != x => return Err("UidChanged"),
            Some(_) => return Ok(()),
            None => {}
        }
        let known = || (self.0.iter().enumerate()).filter_map(|(j, m)| m.map(|v| (j, v)));
        if known().any(|(_, v)| v == x) {
            return Err("DuplicateUid");
        }
        if let Some((j, _)) = known().filter(|&(_, v)| v < x).max_by_key(|p| p.1)
            && j > i
        {
            return Err("UidOutOfOrder");
        }
        if let Some((j, _)) = known().filter(|&(_, v)| v > x).min_by_key(|p| p.1)
            && j < i
        {
            return Err("UidOutOfOrder");
        }
        self.0[i] = Some(x);
        Ok(())
    }

    /// A UID for `seq` that keeps the order, if there is room for one.
    fn fitting_uid(&self, seq: u32, pick: u32) -> u32 {
        let i = (seq as usize - 1).min(self.0.len());
        if let Some(x) = self.0.get(i).copied().flatten() {
            return x;
        }
        let lo = self.0[..i].iter().flatten().max().copied().unwrap_or(0);
        let hi = (self.0.get(i + 1..).unwrap_or_default().iter())
            .flatten()
            .min()
            .copied()
            .unwrap_or(1001);
        if hi > lo + 1 {
            lo + 1 + pick % (hi - lo - 1)
        } else {
            lo + 1
        }
    }
}

fn error_kind(e: &ModelError) -> &'static str {
    match e {
        ModelError::NoSuchMessage { .. } => "NoSuchMessage",
        ModelError::UidChanged { .. } => "UidChanged",
        ModelError::DuplicateUid { .. } => "DuplicateUid",
        ModelError::UidOutOfOrder { .. } => "UidOutOfOrder",
        ModelError::ExistsShrank { .. } => "ExistsShrank",
        _ => "other",
    }
}

/// 1-3 UID ranges (small UIDs, so that they hit), as a set and as the reference's members.
fn ranges(c: &mut Cursor<'_>) -> (UidSet, BTreeSet<u32>) {
    let n = 1 + c.byte() % 3;
    let mut items = Vec::new();
    let mut members = BTreeSet::new();
    for _ in 0..n {
        let a = 1 + u32::from(c.u16()) % 1000;
        let b = a + u32::from(c.byte() % 8);
        let (a, b) = if c.byte() & 1 == 1 { (b, a) } else { (a, b) };
        items.push(if a == b {
            SetItem::Single(Bound::Value(u(a)))
        } else {
            SetItem::Range(Bound::Value(u(a)), Bound::Value(u(b)))
        });
        members.extend(a.min(b)..=a.max(b));
    }
    (NumSet::new(items).expect("nonempty"), members)
}

fn check(ours: &SeqMap, r: &Reference) {
    if let Err(e) = ours.check_invariants() {
        panic!("invariants: {e}");
    }
    assert_eq!(ours.len(), r.len(), "length");
    let got: Vec<Option<u32>> = ours.iter().map(|(_, x, _)| x.map(Uid::get)).collect();
    assert_eq!(got, r.0, "UIDs");
    let mut unknown = 0;
    for (i, m) in r.0.iter().enumerate() {
        let seq = s(i as u32 + 1);
        assert_eq!(ours.uid(seq).map(Uid::get), *m);
        match m {
            Some(x) => assert_eq!(ours.seq(u(*x)), Some(seq)),
            None => unknown += 1,
        }
    }
    assert_eq!(ours.unknown_uids(), unknown);
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let mut ours = SeqMap::new();
    let mut r = Reference::default();
    for _ in 0..512 {
        if c.is_empty() {
            break;
        }
        match c.byte() % 8 {
            op @ (0 | 1) => {
                let b = u32::from(c.byte());
                let n = if op == 0 { r.len() + b % 8 } else { b };
                let got = ours.apply_exists(n);
                let want = r.exists(n);
                assert_eq!(got.as_ref().ok(), want.as_ref().ok(), "EXISTS {n}");
                if let Err(e) = &got {
                    assert_eq!(error_kind(e), "ExistsShrank");
                }
            }
            2 => {
                let seq = 1 + u32::from(c.byte()) % (r.len() + 2);
                let got = ours.apply_expunge(s(seq));
                let want = r.expunge(seq);
                assert_eq!(
                    got.as_ref().ok().map(|x| x.map(Uid::get)),
                    want.ok(),
                    "EXPUNGE {seq}"
                );
                if let Err(e) = &got {
                    assert_eq!(error_kind(e), "NoSuchMessage");
                }
            }
            3 => {
                let (set, members) = ranges(&mut c);
                let got: Vec<(u32, u32)> = (ours.apply_vanished(&set).into_iter())
                    .map(|(q, x)| (q.get(), x.get()))
                    .collect();
                assert_eq!(got, r.vanished(&members), "VANISHED {set:?}");
            }
            4 => {
                let (set, members) = ranges(&mut c);
                let v: Vanished = ours.apply_vanished_visible(&set);
                // Runs removed whole go as one entry each; the reference lists their messages.
                let removed: Vec<(u32, Option<u32>)> = (v.messages())
                    .map(|m| (m.seq.get(), m.uid.map(Uid::get)))
                    .collect();
                let uncertain: Vec<(u32, u32, Vec<u32>)> = (v.uncertain.iter())
                    .map(|r: &UncertainRun| {
                        (
                            r.first.get(),
                            r.count,
                            r.uids.iter().map(|x| x.get()).collect(),
                        )
                    })
                    .collect();
                let want = r.vanished_visible(&members);
                assert_eq!((removed, uncertain, v.unmatched), want, "VANISHED {set:?}");
            }
            op @ (5 | 6) => {
                let seq = 1 + u32::from(c.byte()) % (r.len() + 2);
                let x = if op == 5 {
                    1 + u32::from(c.u16()) % 1000
                } else {
                    r.fitting_uid(seq, u32::from(c.u16()))
                };
                let got = ours.apply_fetch(s(seq), Some(u(x)), None, None);
                let want = r.fetch(seq, x);
                match (&got, &want) {
                    (Ok(_), Ok(())) => {}
                    (Err(e), Err(k)) => assert_eq!(error_kind(e), *k, "FETCH {seq} UID {x}"),
                    _ => panic!("FETCH {seq} UID {x}: ours {got:?}, reference {want:?}"),
                }
            }
            _ => {
                ours.forget_uids();
                r.0.fill(None);
            }
        }
        check(&ours, &r);
    }
});
