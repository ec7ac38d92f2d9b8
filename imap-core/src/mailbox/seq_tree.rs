//! A counted B-tree of message runs, in sequence order: the storage of [`super::SeqMap`].
//!
//! Each [`Item`] is either one message the model holds ([`Msg`]: its UID, flags and MODSEQ
//! where known) or a run of messages nothing is known about ([`Item::Gap`], a count). Leaves
//! hold items, inner nodes hold children, and each child carries a [`Summary`] of its subtree:
//! how many messages it holds, how many of them have no known UID, how many are [`Msg`] items,
//! and its smallest and largest known UID.
//!
//! Known UIDs ascend with sequence numbers (RFC 9051 section 2.3.1.1), so the same tree is
//! searched by sequence number (summing counts) and by UID (comparing the subtrees' UID
//! bounds): no separate UID index is needed, and an expunge renumbers every later message by
//! changing the counts on one path. Each operation costs O(B log_B n) for n items and fanout B,
//! whatever the message count: a run of four billion unknown messages is one item.
//!
//! Every node but the root holds at most [`LEAF_MAX`] items or [`INNER_MAX`] children; a node
//! that shrinks below a quarter of that is merged with a neighbour (and split again if the two hold too many). A leaf that overflows
//! because of an append at the very end of the tree splits as full + rest rather than in
//! halves, so that a mailbox built in order packs its leaves.

use crate::types::{Flag, Uid};

/// Most items of a leaf (few in tests, so that small cases build deep trees).
const LEAF_MAX: usize = if cfg!(test) { 8 } else { 32 };
/// Most children of an inner node: few, so that finding the child holding a sequence number
/// (a scan) and keeping the counts (a difference) stay cheap.
const INNER_MAX: usize = if cfg!(test) { 4 } else { 16 };

/// A message the model holds: 16 bytes in a leaf, its flags and MODSEQ boxed apart so that the
/// leaves that every operation scans stay small.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Msg {
    /// Its UID, once a FETCH told it.
    pub(crate) uid: Option<Uid>,
    /// Its flags and MODSEQ, once a FETCH told either.
    pub(crate) data: Option<Box<MsgData>>,
}

/// The flags and MODSEQ of a [`Msg`].
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MsgData {
    /// Its flags, as the last FETCH told them.
    pub(crate) flags: Option<std::sync::Arc<[Flag]>>,
    /// Its MODSEQ, as the last FETCH told it.
    pub(crate) modseq: Option<u64>,
}

impl Msg {
    /// Its flags, if told.
    pub(crate) fn flags(&self) -> Option<&[Flag]> {
        self.data.as_ref().and_then(|d| d.flags.as_deref())
    }

    /// Its MODSEQ, if told.
    pub(crate) fn modseq(&self) -> Option<u64> {
        self.data.as_ref().and_then(|d| d.modseq)
    }
}

/// One entry of a leaf.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// One message the model holds.
    Msg(Msg),
    /// This many consecutive messages (at least 1) nothing is known about.
    Gap(u32),
}

impl Item {
    /// How many messages the item stands for.
    #[inline]
    pub(crate) fn count(&self) -> u32 {
        match self {
            Item::Msg(_) => 1,
            Item::Gap(k) => *k,
        }
    }
}

/// What a subtree holds. UIDs are 0 where the subtree has no known UID.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Messages.
    pub(crate) count: u32,
    /// Messages whose UID is unknown (in gaps or not).
    pub(crate) unknown: u32,
    /// [`Msg`] items.
    pub(crate) held: u32,
    /// The smallest known UID, 0 for none.
    min_uid: u32,
    /// The largest known UID, 0 for none.
    pub(crate) max_uid: u32,
}

impl Summary {
    /// Adds the summary of the subtree (or item) that follows.
    fn push(&mut self, next: &Summary) {
        self.count += next.count;
        self.unknown += next.unknown;
        self.held += next.held;
        if self.min_uid == 0 {
            self.min_uid = next.min_uid;
        }
        if next.max_uid != 0 {
            self.max_uid = next.max_uid;
        }
    }

    fn of_item(item: &Item) -> Summary {
        match item {
            Item::Gap(k) => Summary {
                count: *k,
                unknown: *k,
                ..Summary::default()
            },
            Item::Msg(m) => {
                let uid = m.uid.map_or(0, Uid::get);
                Summary {
                    count: 1,
                    unknown: u32::from(uid == 0),
                    held: 1,
                    min_uid: uid,
                    max_uid: uid,
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Node {
    Leaf(Vec<Item>),
    Inner(Vec<Child>),
}

#[derive(Clone, Debug)]
struct Child {
    sum: Summary,
    node: Node,
}

impl Node {
    /// Most entries of the node.
    fn max(&self) -> usize {
        match self {
            Node::Leaf(_) => LEAF_MAX,
            Node::Inner(_) => INNER_MAX,
        }
    }

    /// Fewest entries of a node that shrank (other than the root).
    fn min(&self) -> usize {
        self.max() / 4
    }

    fn len(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(v) => v.len(),
        }
    }

    fn summary(&self) -> Summary {
        let mut s = Summary::default();
        match self {
            Node::Leaf(items) => {
                // One pass for the counts; the UID bounds are found from either end.
                for item in items {
                    match item {
                        Item::Gap(k) => {
                            s.count += k;
                            s.unknown += k;
                        }
                        Item::Msg(m) => {
                            s.count += 1;
                            s.held += 1;
                            s.unknown += u32::from(m.uid.is_none());
                        }
                    }
                }
                let known = |i: &Item| match i {
                    Item::Msg(Msg { uid: Some(u), .. }) => Some(u.get()),
                    _ => None,
                };
                s.min_uid = items.iter().find_map(known).unwrap_or(0);
                s.max_uid = items.iter().rev().find_map(known).unwrap_or(0);
            }
            Node::Inner(children) => children.iter().for_each(|c| s.push(&c.sum)),
        }
        s
    }

    /// Moves the entries from `at` on into a new node of the same kind.
    fn split_off(&mut self, at: usize) -> Node {
        match self {
            Node::Leaf(v) => Node::Leaf(v.split_off(at)),
            Node::Inner(v) => Node::Inner(v.split_off(at)),
        }
    }

    /// Gives back the capacity past the node's maximum entries that an overflow left (a node that grew
    /// to one more than that entries has room for twice as many).
    fn trim(&mut self) {
        match self {
            Node::Leaf(v) => v.shrink_to(LEAF_MAX),
            Node::Inner(v) => v.shrink_to(INNER_MAX),
        }
    }

    /// Appends the entries of `other`, a node of the same kind and depth.
    fn append(&mut self, other: Node) {
        match (self, other) {
            (Node::Leaf(a), Node::Leaf(mut b)) => a.append(&mut b),
            (Node::Inner(a), Node::Inner(mut b)) => a.append(&mut b),
            _ => unreachable!("siblings have the same depth"),
        }
    }
}

fn child(node: Node) -> Child {
    Child {
        sum: node.summary(),
        node,
    }
}

/// Where an edit landed in its leaf: the item at `index` holds the message, `offset` messages
/// into it; `index` is the leaf's length when the edit appends at the end of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct At {
    pub(crate) index: usize,
    pub(crate) offset: u32,
}

/// The counted B-tree; see the [module documentation](self).
#[derive(Clone, Debug)]
pub(crate) struct SeqTree {
    root: Node,
    sum: Summary,
}

impl Default for SeqTree {
    fn default() -> Self {
        SeqTree {
            root: Node::Leaf(Vec::new()),
            sum: Summary::default(),
        }
    }
}

impl SeqTree {
    /// What the whole tree holds.
    #[inline]
    pub(crate) fn summary(&self) -> &Summary {
        &self.sum
    }

    /// A tree of `items`, in order, in O(len). Adjacent gaps are not merged.
    pub(crate) fn from_items(items: Vec<Item>) -> SeqTree {
        let mut level: Vec<Node> = chunks(items, LEAF_MAX)
            .into_iter()
            .map(Node::Leaf)
            .collect();
        while level.len() > 1 {
            let children: Vec<Child> = level.into_iter().map(child).collect();
            level = chunks(children, INNER_MAX)
                .into_iter()
                .map(Node::Inner)
                .collect();
        }
        let root = level.pop().unwrap_or(Node::Leaf(Vec::new()));
        SeqTree {
            sum: root.summary(),
            root,
        }
    }

    /// Every item, in order, in O(len).
    pub(crate) fn into_items(self) -> Vec<Item> {
        let mut out = Vec::with_capacity(self.sum.held as usize * 2 + 1);
        let mut stack = vec![self.root];
        // Children are pushed in reverse so that they are popped in order.
        while let Some(node) = stack.pop() {
            match node {
                Node::Leaf(mut items) => out.append(&mut items),
                Node::Inner(children) => stack.extend(children.into_iter().rev().map(|c| c.node)),
            }
        }
        out
    }

    /// The item holding message `n` (1-based) and how far into it the message lies; `None`
    /// past the end.
    pub(crate) fn get(&self, n: u32) -> Option<(&Item, u32)> {
        if n == 0 || n > self.sum.count {
            return None;
        }
        let mut rest = n;
        let mut node = &self.root;
        loop {
            match node {
                Node::Inner(children) => {
                    let i = descend(children, &mut rest);
                    node = &children[i].node;
                }
                Node::Leaf(items) => {
                    let at = locate(items, rest);
                    return items.get(at.index).map(|item| (item, at.offset));
                }
            }
        }
    }

    /// Runs `f` on the leaf holding message `n` (1-based), or on the last leaf at its end when
    /// `n` is one past the last message, then restores the counts, sizes and balance of the
    /// tree on the way back. `f` may change the leaf's items in any way that keeps the known
    /// UIDs ascending over the whole tree. O(B log_B n) plus what `f` costs.
    pub(crate) fn edit<R>(&mut self, n: u32, f: impl FnOnce(&mut Vec<Item>, At) -> R) -> R {
        debug_assert!(n >= 1 && u64::from(n) <= u64::from(self.sum.count) + 1);
        let at_end = n > self.sum.count;
        let out = edit_in(&mut self.root, &mut self.sum, n, at_end, f);
        if self.root.len() > self.root.max() {
            let right = split(&mut self.root, at_end);
            let left = std::mem::replace(&mut self.root, Node::Inner(Vec::new()));
            let mut children = vec![child(left)];
            children.extend(right.into_iter().map(child));
            self.root = Node::Inner(children);
        }
        while let Node::Inner(children) = &mut self.root
            && children.len() == 1
        {
            let only = children.pop().map(|c| c.node);
            self.root = only.unwrap_or(Node::Leaf(Vec::new()));
        }
        out
    }

    /// Goes down to a leaf, into the child that `pick` chooses at each inner node; returns the
    /// leaf's known messages as `(uid, seq)`. `None` when `pick` finds no child.
    fn known_by(
        &self,
        pick: impl Fn(&[Child]) -> Option<usize>,
    ) -> Option<impl Iterator<Item = (Uid, u32)> + '_> {
        let mut before = 0u32;
        let mut node = &self.root;
        loop {
            match node {
                Node::Inner(children) => {
                    let i = pick(children)?;
                    before += children[..i].iter().map(|c| c.sum.count).sum::<u32>();
                    node = &children[i].node;
                }
                Node::Leaf(items) => {
                    return Some(items.iter().filter_map(move |item| {
                        before += item.count();
                        match item {
                            Item::Msg(Msg { uid: Some(u), .. }) => Some((*u, before)),
                            _ => None,
                        }
                    }));
                }
            }
        }
    }

    /// The sequence number of the message of UID `uid`, if the tree holds it. O(B log_B n).
    pub(crate) fn seq_of(&self, uid: Uid) -> Option<u32> {
        let x = uid.get();
        if self.sum.max_uid < x || self.sum.min_uid > x {
            return None;
        }
        let mut known = self.known_by(|c| c.iter().position(|c| c.sum.max_uid >= x))?;
        let (u, seq) = known.find(|(u, _)| u.get() >= x)?;
        (u == uid).then_some(seq)
    }

    /// The message of largest known UID below `uid`: `(uid, seq)`. O(B log_B n).
    pub(crate) fn below(&self, uid: Uid) -> Option<(Uid, u32)> {
        let x = uid.get();
        let usable = |s: &Summary| s.min_uid != 0 && s.min_uid < x;
        if !usable(&self.sum) {
            return None;
        }
        let known = self.known_by(|c| c.iter().rposition(|c| usable(&c.sum)))?;
        known.take_while(|(u, _)| u.get() < x).last()
    }

    /// The message of smallest known UID above `uid`: `(uid, seq)`. O(B log_B n).
    pub(crate) fn above(&self, uid: Uid) -> Option<(Uid, u32)> {
        let x = uid.get();
        if self.sum.max_uid <= x {
            return None;
        }
        let mut known = self.known_by(|c| c.iter().position(|c| c.sum.max_uid > x))?;
        known.find(|(u, _)| u.get() > x)
    }

    /// The messages whose known UID lies in one of `ranges` (sorted, disjoint, inclusive):
    /// `(seq, uid)`, ascending. Visits only the subtrees whose UID bounds meet a range:
    /// O((k + r) B log_B n) for k hits in r ranges, and never more than O(n).
    pub(crate) fn known_in(&self, ranges: &[(u32, u32)]) -> Vec<(u32, Uid)> {
        let mut out = Vec::new();
        known_in(&self.root, &self.sum, ranges, 0, &mut out);
        out
    }

    /// The items in order.
    pub(crate) fn items(&self) -> Items<'_> {
        let mut it = Items {
            stack: Vec::new(),
            leaf: [].iter(),
        };
        it.enter(&self.root);
        it
    }

    /// Checks the structure: counts, sizes, equal depth, no empty gap, known UIDs
    /// ascending. O(n).
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut last = 0u32;
        let (sum, _) = check(&self.root, true, &mut last)?;
        if sum != self.sum {
            return Err(format!("cached summary {:?}, tree holds {sum:?}", self.sum));
        }
        Ok(())
    }
}

/// Splits `items` into groups of at most `max`, as even as possible (each at least a quarter of
/// it when there are enough).
fn chunks<T>(items: Vec<T>, max: usize) -> Vec<Vec<T>> {
    let n = items.len();
    let groups = n.div_ceil(max).max(1);
    let mut out = Vec::with_capacity(groups);
    let mut it = items.into_iter();
    for g in 0..groups {
        let size = n / groups + usize::from(g < n % groups);
        out.push(it.by_ref().take(size).collect());
    }
    out
}

/// The child holding message `rest` (1-based within `children`), and `rest` made relative to
/// it. Past the end, the last child (with `rest` one past its end).
#[inline]
fn descend(children: &[Child], rest: &mut u32) -> usize {
    let last = children.len() - 1;
    for (i, c) in children[..last].iter().enumerate() {
        if *rest <= c.sum.count {
            return i;
        }
        *rest -= c.sum.count;
    }
    last
}

/// The item holding message `rest` (1-based within `items`), or the end.
#[inline]
fn locate(items: &[Item], rest: u32) -> At {
    let mut rest = rest;
    for (index, item) in items.iter().enumerate() {
        let c = item.count();
        if rest <= c {
            return At {
                index,
                offset: rest - 1,
            };
        }
        rest -= c;
    }
    At {
        index: items.len(),
        offset: 0,
    }
}

/// [`SeqTree::edit`] below `node`, whose summary `sum` it keeps right: recomputed from the
/// items in the leaf, by difference above it (the UID bounds are looked up again only when
/// the edited child's changed).
fn edit_in<R>(
    node: &mut Node,
    sum: &mut Summary,
    n: u32,
    at_end: bool,
    f: impl FnOnce(&mut Vec<Item>, At) -> R,
) -> R {
    match node {
        Node::Leaf(items) => {
            let at = locate(items, n);
            let out = f(items, at);
            *sum = node.summary();
            out
        }
        Node::Inner(children) => {
            let mut rest = n;
            let i = if at_end {
                // Appends go down the last path: no need to count.
                let last = children.len() - 1;
                rest = n - (sum.count - children[last].sum.count);
                last
            } else {
                descend(children, &mut rest)
            };
            let old = children[i].sum;
            let before = children[i].node.len();
            let c = &mut children[i];
            let out = edit_in(&mut c.node, &mut c.sum, rest, at_end, f);
            let new = c.sum;
            let after = c.node.len();
            sum.count = sum.count - old.count + new.count;
            sum.unknown = sum.unknown - old.unknown + new.unknown;
            sum.held = sum.held - old.held + new.held;
            if after == 0 {
                children.remove(i);
            } else if after > children[i].node.max() {
                let extra = split(&mut children[i].node, at_end);
                children[i].sum = children[i].node.summary();
                let new = extra.into_iter().map(child);
                children.splice(i + 1..i + 1, new);
            } else if after < before && after < children[i].node.min() && children.len() > 1 {
                rebalance(children, i);
            }
            if (old.min_uid, old.max_uid) != (new.min_uid, new.max_uid) {
                let bounds = children.iter().map(|c| (c.sum.min_uid, c.sum.max_uid));
                sum.min_uid = bounds.clone().map(|b| b.0).find(|&u| u != 0).unwrap_or(0);
                sum.max_uid = bounds.rev().map(|b| b.1).find(|&u| u != 0).unwrap_or(0);
            }
            out
        }
    }
}

/// Splits an overfull node into itself and the nodes returned, each at most the node's maximum entries:
/// in halves, or full + rest when the overflow is an append at the end of the tree.
fn split(node: &mut Node, at_end: bool) -> Vec<Node> {
    let len = node.len();
    let max = node.max();
    let mut out = Vec::new();
    if at_end {
        let mut rest = node.split_off(max);
        while rest.len() > max {
            let more = rest.split_off(max);
            out.push(rest);
            rest = more;
        }
        out.push(rest);
    } else {
        let pieces = len.div_ceil(max).max(2);
        let mut sizes: Vec<usize> = (0..pieces)
            .map(|g| len / pieces + usize::from(g < len % pieces))
            .collect();
        // Cut from the end so that each `split_off` leaves the earlier pieces in `node`.
        let mut end = len;
        while sizes.len() > 1 {
            let size = sizes.pop().unwrap_or(0);
            end -= size;
            out.push(node.split_off(end));
        }
        out.reverse();
    }
    node.trim();
    out
}

/// Merges the underfull child `i` with a neighbour, splitting the pair again in halves when it
/// holds more than the node's maximum entries.
fn rebalance(children: &mut Vec<Child>, i: usize) {
    let (l, r) = if i > 0 { (i - 1, i) } else { (i, i + 1) };
    let right = children.remove(r).node;
    let left = &mut children[l];
    left.node.append(right);
    if left.node.len() > left.node.max() {
        let half = left.node.len() / 2;
        let right = left.node.split_off(half);
        left.sum = left.node.summary();
        children.insert(l + 1, child(right));
    } else {
        left.sum = left.node.summary();
    }
}

fn known_in(
    node: &Node,
    sum: &Summary,
    ranges: &[(u32, u32)],
    before: u32,
    out: &mut Vec<(u32, Uid)>,
) {
    // The ranges that meet [min_uid, max_uid].
    if sum.max_uid == 0 {
        return;
    }
    let i = ranges.partition_point(|r| r.1 < sum.min_uid);
    let j = ranges.partition_point(|r| r.0 <= sum.max_uid);
    if i >= j {
        return;
    }
    let ranges = &ranges[i..j];
    match node {
        Node::Inner(children) => {
            let mut before = before;
            for c in children {
                known_in(&c.node, &c.sum, ranges, before, out);
                before += c.sum.count;
            }
        }
        Node::Leaf(items) => {
            let mut seq = before;
            let mut r = ranges.iter().peekable();
            for item in items {
                seq += item.count();
                let Item::Msg(Msg { uid: Some(u), .. }) = item else {
                    continue;
                };
                let x = u.get();
                while r.next_if(|&&(_, b)| b < x).is_some() {}
                match r.peek() {
                    None => break,
                    Some(&&(a, _)) if a <= x => out.push((seq, *u)),
                    Some(_) => {}
                }
            }
        }
    }
}

/// Checks `node`; returns its summary and depth. `last` is the last known UID seen.
fn check(node: &Node, root: bool, last: &mut u32) -> Result<(Summary, usize), String> {
    if !root && (node.len() == 0 || node.len() > node.max()) {
        return Err(format!("a node holds {} entries", node.len()));
    }
    match node {
        Node::Leaf(items) => {
            let mut s = Summary::default();
            for item in items {
                match item {
                    Item::Gap(0) => return Err("an empty gap".into()),
                    Item::Msg(Msg { uid: Some(u), .. }) => {
                        if u.get() <= *last {
                            return Err(format!("UID {u} is not above {last}"));
                        }
                        *last = u.get();
                    }
                    _ => {}
                }
                s.push(&Summary::of_item(item));
            }
            Ok((s, 0))
        }
        Node::Inner(children) => {
            if root && children.len() < 2 {
                return Err("an inner root with one child".into());
            }
            let mut s = Summary::default();
            let mut depth = None;
            for c in children {
                let (sum, d) = check(&c.node, false, last)?;
                if sum != c.sum {
                    return Err(format!("a child says {:?}, holds {sum:?}", c.sum));
                }
                if depth.is_some_and(|x| x != d) {
                    return Err("leaves at different depths".into());
                }
                depth = Some(d);
                s.push(&sum);
            }
            Ok((s, depth.unwrap_or(0) + 1))
        }
    }
}

/// The items of a [`SeqTree`] in order ([`SeqTree::items`]).
#[derive(Clone, Debug)]
pub(crate) struct Items<'a> {
    stack: Vec<std::slice::Iter<'a, Child>>,
    leaf: std::slice::Iter<'a, Item>,
}

impl<'a> Items<'a> {
    /// Goes down the first path of `node`.
    fn enter(&mut self, mut node: &'a Node) {
        loop {
            match node {
                Node::Leaf(items) => {
                    self.leaf = items.iter();
                    return;
                }
                Node::Inner(children) => {
                    let mut it = children.iter();
                    let Some(first) = it.next() else { return };
                    self.stack.push(it);
                    node = &first.node;
                }
            }
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a Item;

    fn next(&mut self) -> Option<&'a Item> {
        loop {
            if let Some(item) = self.leaf.next() {
                return Some(item);
            }
            let top = self.stack.last_mut()?;
            match top.next() {
                Some(c) => self.enter(&c.node),
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}
