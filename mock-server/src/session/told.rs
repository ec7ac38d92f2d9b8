//! The map behind [`Selected::told`](super::Selected): per message, the MODSEQ of the flags the
//! session last sent (see [`announce`](super::announce)). A FETCH of FLAGS looks up every
//! message it sends, ten thousand a command over a large mailbox, so the map is keyed for that:
//! UIDs are numbers the server hands out in ascending order, not values a peer picks, and
//! placing each by its own low bits puts neighbours side by side, so a FETCH walking a range
//! of UIDs walks the table in order. With the default (keyed SipHash) hasher each lookup
//! landed somewhere else in a table of 160 KB: the lookups were most of a large FETCH's
//! time on the server (cache misses).

use imap_core::types::Uid;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Per message, the MODSEQ of the flags last sent.
pub(super) type Told = HashMap<Uid, u64, BuildHasherDefault<UidHasher>>;

/// Hashes a UID to itself in the low bits, which place an entry in the table, and to a mix of
/// it in the top seven, which hashbrown compares sixteen entries at a time by (the same top
/// bits for every key would make every comparison a match).
#[derive(Default)]
pub(super) struct UidHasher(u64);

impl Hasher for UidHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }

    fn finish(&self) -> u64 {
        const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;
        let tag = self.0.wrapping_mul(FIBONACCI) & 0xFE00_0000_0000_0000;
        tag | self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(uid: u32) -> u64 {
        BuildHasherDefault::<UidHasher>::default().hash_one(Uid::new(uid).unwrap())
    }

    /// Neighbouring UIDs sit side by side (the low bits are the UID), and the top seven bits,
    /// which hashbrown matches entries by, take many values over a range of UIDs.
    #[test]
    fn neighbours_are_placed_side_by_side_with_mixed_tags() {
        for uid in [1, 2, 1000, 77_777, u32::MAX] {
            assert_eq!(hash(uid) & 0xFFFF_FFFF, u64::from(uid));
        }
        let tags: std::collections::HashSet<u64> = (1..=1000).map(|u| hash(u) >> 57).collect();
        assert!(tags.len() > 100, "{}", tags.len());
    }

    #[test]
    fn the_map_keeps_what_is_put_in() {
        let mut told = Told::default();
        for u in 1..=10_000 {
            told.insert(Uid::new(u).unwrap(), u64::from(u) * 3);
        }
        assert_eq!(told.len(), 10_000);
        assert!((1..=10_000).all(|u| told[&Uid::new(u).unwrap()] == u64::from(u) * 3));
    }
}
