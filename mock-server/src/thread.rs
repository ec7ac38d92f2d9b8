//! THREAD (RFC 5256 section 4): ORDEREDSUBJECT and REFERENCES, in the caller's numbers.

use crate::sort::{base_subject, sent_date, subject};
use crate::store::MessageSnapshot;
use imap_core::types::Thread;
use std::collections::{HashMap, HashSet};

/// A threading algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`: threads by base subject.
    OrderedSubject,
    /// `REFERENCES`: threads by Message-ID / References / In-Reply-To, then by subject.
    References,
}

impl ThreadAlgorithm {
    /// The algorithm for a THREAD argument, case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("ORDEREDSUBJECT") {
            Some(Self::OrderedSubject)
        } else if name.eq_ignore_ascii_case("REFERENCES") {
            Some(Self::References)
        } else {
            None
        }
    }
}

/// What threading needs of one message.
struct Info {
    /// The number to report: sequence number or UID.
    num: u32,
    /// Sort key: sent date, then sequence number.
    date: (i64, u32),
    subject: String,
    reply: bool,
}

fn infos(msgs: &[(u32, MessageSnapshot)], uid: bool) -> Vec<Info> {
    msgs.iter()
        .map(|(seq, m)| {
            let (subject, reply) = base_subject(&subject(m));
            Info {
                num: if uid { m.uid.get() } else { *seq },
                date: (sent_date(m), *seq),
                subject,
                reply,
            }
        })
        .collect()
}

/// Threads messages (given in sequence order with their sequence numbers). The numbers in the
/// result are UIDs when `uid` is set, sequence numbers otherwise.
pub fn thread(
    msgs: &[(u32, MessageSnapshot)],
    algorithm: ThreadAlgorithm,
    uid: bool,
) -> Vec<Thread> {
    let info = infos(msgs, uid);
    match algorithm {
        ThreadAlgorithm::OrderedSubject => ordered_subject(&info),
        ThreadAlgorithm::References => references(msgs, &info),
    }
}

fn ordered_subject(info: &[Info]) -> Vec<Thread> {
    let mut idx: Vec<usize> = (0..info.len()).collect();
    idx.sort_by(|&a, &b| (&info[a].subject, info[a].date).cmp(&(&info[b].subject, info[b].date)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        match groups.last_mut() {
            Some(g) if info[g[0]].subject == info[i].subject => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups.sort_by_key(|g| info[g[0]].date);
    groups
        .into_iter()
        .map(|g| {
            let nums: Vec<u32> = g.iter().map(|&i| info[i].num).collect();
            match nums.len() {
                1 | 2 => Thread {
                    members: nums,
                    children: Vec::new(),
                },
                _ => Thread {
                    members: vec![nums[0]],
                    children: nums[1..]
                        .iter()
                        .map(|&n| Thread {
                            members: vec![n],
                            children: Vec::new(),
                        })
                        .collect(),
                },
            }
        })
        .collect()
}

/// A container of the REFERENCES algorithm: a message or a dummy.
#[derive(Default)]
struct Node {
    msg: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
    /// This node's index in its parent's `children` while the tree is built (step 1), so an
    /// unlink costs O(1) however many siblings there are.
    slot: usize,
}

/// How many parent links [`Tree::is_under`] follows before it answers "yes": linking is then
/// refused, which can only leave a thread split, never make a loop. Natural chains never walk
/// (a node without children cannot be an ancestor), so only crafted References pay this.
const MAX_WALK: usize = 1024;

struct Tree {
    nodes: Vec<Node>,
    /// Parent links followed by `is_under`, for the tests that bound the work.
    walked: usize,
}

impl Tree {
    fn new_node(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// Whether `a` is `b` or a descendant of `b`, conservatively: a walk longer than
    /// [`MAX_WALK`] counts as "yes", so the caller does not link.
    fn is_under(&mut self, a: usize, b: usize) -> bool {
        if a == b {
            return true;
        }
        if self.nodes[b].children.is_empty() {
            return false;
        }
        let mut cur = self.nodes[a].parent;
        for _ in 0..MAX_WALK {
            let Some(c) = cur else {
                return false;
            };
            self.walked += 1;
            if c == b {
                return true;
            }
            cur = self.nodes[c].parent;
        }
        true
    }

    /// Detaches `c` from its parent. Sibling order is not kept: every list is sorted later.
    fn unlink(&mut self, c: usize) {
        if let Some(p) = self.nodes[c].parent.take() {
            let slot = self.nodes[c].slot;
            let siblings = &mut self.nodes[p].children;
            siblings.swap_remove(slot);
            if let Some(&moved) = siblings.get(slot) {
                self.nodes[moved].slot = slot;
            }
        }
    }

    fn link(&mut self, p: usize, c: usize) {
        self.nodes[c].parent = Some(p);
        self.nodes[c].slot = self.nodes[p].children.len();
        self.nodes[p].children.push(c);
    }
}

/// Message ids normalized for comparison: brackets, quotes and white space removed.
fn ids(v: &[u8]) -> Vec<Vec<u8>> {
    crate::store::msg_ids(v)
        .into_iter()
        .map(|id| id.into_iter().filter(|&b| b != b'"').collect())
        .collect()
}

fn references(msgs: &[(u32, MessageSnapshot)], info: &[Info]) -> Vec<Thread> {
    references_tree(msgs, info).0
}

/// REFERENCES, with the number of parent links followed (for the tests that bound the work).
fn references_tree(msgs: &[(u32, MessageSnapshot)], info: &[Info]) -> (Vec<Thread>, usize) {
    let mut t = Tree {
        nodes: Vec::new(),
        walked: 0,
    };
    let mut table: HashMap<Vec<u8>, usize> = HashMap::new();
    // (1)
    for (i, (_, m)) in msgs.iter().enumerate() {
        let p = m.parsed();
        let own = p
            .header_value("Message-ID")
            .and_then(|v| ids(&v).into_iter().next());
        let node = match own {
            Some(id) => match table.get(&id) {
                Some(&n) if t.nodes[n].msg.is_none() => n,
                Some(_) => t.new_node(),
                None => {
                    let n = t.new_node();
                    table.insert(id, n);
                    n
                }
            },
            None => t.new_node(),
        };
        t.nodes[node].msg = Some(i);
        let mut refs = p
            .header_value("References")
            .map(|v| ids(&v))
            .unwrap_or_default();
        if refs.is_empty() {
            refs = p
                .header_value("In-Reply-To")
                .and_then(|v| ids(&v).into_iter().next())
                .into_iter()
                .collect();
        }
        let mut containers = Vec::with_capacity(refs.len());
        for r in refs {
            let n = *table.entry(r).or_insert_with(|| {
                t.nodes.push(Node::default());
                t.nodes.len() - 1
            });
            containers.push(n);
        }
        // (A)
        for w in containers.windows(2) {
            let (p, c) = (w[0], w[1]);
            if p != c && t.nodes[c].parent.is_none() && !t.is_under(p, c) {
                t.link(p, c);
            }
        }
        // (B)
        t.unlink(node);
        if let Some(&last) = containers.last()
            && !t.is_under(last, node)
        {
            t.link(last, node);
        }
    }
    // (2)
    let roots: Vec<usize> = (0..t.nodes.len())
        .filter(|&n| t.nodes[n].parent.is_none())
        .collect();
    // (3)
    let mut roots = prune(&mut t, roots);
    // (4)
    let date = |t: &Tree, n: usize| -> (i64, u32) {
        let m = t.nodes[n]
            .msg
            .or_else(|| t.nodes[n].children.first().and_then(|&c| t.nodes[c].msg));
        m.map_or((i64::MIN, 0), |m| info[m].date)
    };
    for &r in &roots {
        if t.nodes[r].msg.is_none() {
            let mut ch = std::mem::take(&mut t.nodes[r].children);
            ch.sort_by_key(|&c| date(&t, c));
            t.nodes[r].children = ch;
        }
    }
    roots.sort_by_key(|&r| date(&t, r));
    // (5)
    let thread_subject = |t: &Tree, n: usize| -> Option<usize> {
        t.nodes[n]
            .msg
            .or_else(|| t.nodes[n].children.first().and_then(|&c| t.nodes[c].msg))
    };
    let mut subjects: HashMap<String, usize> = HashMap::new();
    for &r in &roots {
        let Some(m) = thread_subject(&t, r) else {
            continue;
        };
        let s = &info[m].subject;
        if s.is_empty() {
            continue;
        }
        match subjects.get(s) {
            None => {
                subjects.insert(s.clone(), r);
            }
            Some(&old) => {
                let old_dummy = t.nodes[old].msg.is_none();
                let cur_dummy = t.nodes[r].msg.is_none();
                let old_reply = t.nodes[old].msg.is_some_and(|m| info[m].reply);
                let cur_reply = t.nodes[r].msg.is_some_and(|m| info[m].reply);
                if !old_dummy && (cur_dummy || (old_reply && !cur_reply)) {
                    subjects.insert(s.clone(), r);
                }
            }
        }
    }
    let mut out_roots: Vec<usize> = Vec::new();
    // Where each root sits in `out_roots`, and the roots merged before their turn: hashed, so
    // merging costs the same for the ten-thousandth subject as for the first.
    let mut out_pos: HashMap<usize, usize> = HashMap::new();
    let mut removed: HashSet<usize> = HashSet::new();
    let keep = |out_roots: &mut Vec<usize>, out_pos: &mut HashMap<usize, usize>, r: usize| {
        out_pos.insert(r, out_roots.len());
        out_roots.push(r);
    };
    for &r in &roots {
        if removed.contains(&r) {
            continue;
        }
        let subj = thread_subject(&t, r)
            .map(|m| info[m].subject.clone())
            .unwrap_or_default();
        let Some(&target) = subjects.get(&subj).filter(|_| !subj.is_empty()) else {
            keep(&mut out_roots, &mut out_pos, r);
            continue;
        };
        if target == r {
            keep(&mut out_roots, &mut out_pos, r);
            continue;
        }
        let t_dummy = t.nodes[target].msg.is_none();
        let r_dummy = t.nodes[r].msg.is_none();
        let r_reply = t.nodes[r].msg.is_some_and(|m| info[m].reply);
        let t_reply = t.nodes[target].msg.is_some_and(|m| info[m].reply);
        if t_dummy && r_dummy {
            let ch = std::mem::take(&mut t.nodes[r].children);
            for c in ch {
                t.nodes[c].parent = None;
                t.link(target, c);
            }
        } else if t_dummy || (r_reply && !t_reply) {
            t.link(target, r);
        } else {
            let d = t.new_node();
            // The dummy takes the subject table entry's place among the roots.
            if let Some(pos) = out_pos.get(&target).copied() {
                out_roots[pos] = d;
                out_pos.insert(d, pos);
            } else {
                removed.insert(target);
                keep(&mut out_roots, &mut out_pos, d);
            }
            t.link(d, target);
            t.link(d, r);
            subjects.insert(subj, d);
        }
    }
    // (6)
    sort_siblings(&mut t, &mut out_roots, info);
    let threads = out_roots.iter().map(|&r| to_thread(&t, r, info)).collect();
    (threads, t.walked)
}

/// Step (3): removes empty dummies and promotes the children of dummies (at the root level only
/// when there is one child). Post-order with an explicit stack: reply chains are as deep as the
/// mailbox is long, far deeper than a thread's stack.
fn prune(t: &mut Tree, roots: Vec<usize>) -> Vec<usize> {
    /// A node whose children are being pruned (`None`: the root list).
    struct Frame {
        node: Option<usize>,
        todo: std::vec::IntoIter<usize>,
        out: Vec<usize>,
    }
    let mut stack = vec![Frame {
        node: None,
        todo: roots.into_iter(),
        out: Vec::new(),
    }];
    loop {
        let top = stack.last_mut().expect("the root frame is popped last");
        if let Some(n) = top.todo.next() {
            let ch = std::mem::take(&mut t.nodes[n].children);
            stack.push(Frame {
                node: Some(n),
                todo: ch.into_iter(),
                out: Vec::new(),
            });
            continue;
        }
        let done = stack.pop().expect("non-empty");
        let Some(n) = done.node else {
            return done.out;
        };
        let root_level = stack.len() == 1;
        let parent = stack.last_mut().expect("the root frame is below");
        for &c in &done.out {
            t.nodes[c].parent = Some(n);
        }
        t.nodes[n].children = done.out;
        if t.nodes[n].msg.is_some() {
            parent.out.push(n);
            continue;
        }
        let ch = &t.nodes[n].children;
        if ch.is_empty() {
            continue;
        }
        if !root_level || ch.len() == 1 {
            let ch = std::mem::take(&mut t.nodes[n].children);
            let grand = t.nodes[n].parent;
            for &c in &ch {
                t.nodes[c].parent = grand;
            }
            parent.out.extend(ch);
        } else {
            parent.out.push(n);
        }
    }
}

/// Step (6): sorts every sibling list by date, children before their parents (a node's key
/// reads its first child). Iterative: reverse pre-order visits descendants first.
fn sort_siblings(t: &mut Tree, list: &mut [usize], info: &[Info]) {
    let key = |t: &Tree, n: usize| -> (i64, u32) {
        t.nodes[n]
            .msg
            .or_else(|| t.nodes[n].children.first().and_then(|&c| t.nodes[c].msg))
            .map_or((i64::MIN, 0), |m| info[m].date)
    };
    let mut order = Vec::new();
    let mut stack: Vec<usize> = list.to_vec();
    while let Some(n) = stack.pop() {
        order.push(n);
        stack.extend_from_slice(&t.nodes[n].children);
    }
    for &n in order.iter().rev() {
        let mut ch = std::mem::take(&mut t.nodes[n].children);
        ch.sort_by_key(|&c| key(t, c));
        t.nodes[n].children = ch;
    }
    list.sort_by_key(|&n| key(t, n));
}

/// Converts a pruned, sorted tree to a [`Thread`]: a chain of single children becomes one
/// member list. Iterative, for the same reason as [`prune`].
fn to_thread(t: &Tree, root: usize, info: &[Info]) -> Thread {
    /// A thread being built: its chain, the branches left to convert, those converted.
    struct Frame<'a> {
        members: Vec<u32>,
        todo: std::slice::Iter<'a, usize>,
        done: Vec<Thread>,
    }
    let open = |n: usize| -> Frame<'_> {
        let mut members = Vec::new();
        let mut cur = n;
        loop {
            let node = &t.nodes[cur];
            let Some(m) = node.msg else {
                break Frame {
                    members,
                    todo: node.children.iter(),
                    done: Vec::new(),
                };
            };
            members.push(info[m].num);
            match node.children.as_slice() {
                [only] => cur = *only,
                branches => {
                    break Frame {
                        members,
                        todo: branches.iter(),
                        done: Vec::new(),
                    };
                }
            }
        }
    };
    let mut stack = vec![open(root)];
    loop {
        let top = stack.last_mut().expect("popped only when finished");
        if let Some(&c) = top.todo.next() {
            let f = open(c);
            stack.push(f);
            continue;
        }
        let f = stack.pop().expect("non-empty");
        let thread = Thread {
            members: f.members,
            children: f.done,
        };
        match stack.last_mut() {
            Some(parent) => parent.done.push(thread),
            None => return thread,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::snap;
    use crate::seed::utc;

    fn m(seq: u32, day: u8, headers: &str) -> (u32, MessageSnapshot) {
        let raw = format!("Date: {day} Jan 2024 12:00:00 +0000\r\n{headers}\r\n\r\nx\r\n");
        (
            seq,
            snap(seq + 100, raw, vec![], utc(2024, 2, 1, 0, 0), false, 1),
        )
    }

    fn t(members: &[u32], children: Vec<Thread>) -> Thread {
        Thread {
            members: members.to_vec(),
            children,
        }
    }

    fn leaf(members: &[u32]) -> Thread {
        t(members, Vec::new())
    }

    #[test]
    fn ordered_subject() {
        let msgs = vec![
            m(1, 2, "Subject: A"),
            m(2, 3, "Subject: Re: A"),
            m(3, 1, "Subject: B"),
            m(4, 4, "Subject: re: a"),
            m(5, 5, "Subject: C"),
            m(6, 6, "Subject: Re: [x] C"),
        ];
        // As in RFC 5256: (3)(1 (2)(4))(5 6): a thread of two is a chain, more are children.
        assert_eq!(
            thread(&msgs, ThreadAlgorithm::OrderedSubject, false),
            vec![
                leaf(&[3]),
                t(&[1], vec![leaf(&[2]), leaf(&[4])]),
                leaf(&[5, 6]),
            ]
        );
        assert_eq!(
            thread(&msgs[..2], ThreadAlgorithm::OrderedSubject, true),
            vec![leaf(&[101, 102])]
        );
    }

    #[test]
    fn references() {
        let msgs = vec![
            m(1, 2, "Message-ID: <1@x>\r\nSubject: Hello"),
            m(
                2,
                3,
                "Message-ID: <2@x>\r\nReferences: <1@x>\r\nSubject: Re: Hello",
            ),
            m(
                3,
                4,
                "Message-ID: <3@x>\r\nReferences: <1@x> <2@x>\r\nSubject: Re: Hello",
            ),
            m(
                4,
                5,
                "Message-ID: <4@x>\r\nIn-Reply-To: <1@x>\r\nSubject: Re: Hello",
            ),
            m(
                5,
                6,
                "Message-ID: <5@x>\r\nReferences: <gone@x>\r\nSubject: Other",
            ),
            m(
                6,
                7,
                "Message-ID: <6@x>\r\nReferences: <gone@x>\r\nSubject: Re: Other",
            ),
            m(7, 1, "Message-ID: <7@x>\r\nSubject: Re: Hello"),
            m(8, 8, "Message-ID: <8@x>\r\nSubject: Alone"),
            m(9, 9, "Message-ID: <1@x>\r\nSubject: Duplicate id"),
            m(10, 10, "Subject: no id"),
        ];
        // Like RFC 5256's example: chains (2 3), a dummy parent kept at the root ((5)(6)),
        // a reply without references merged by subject under its original (7 under 1).
        assert_eq!(
            thread(&msgs, ThreadAlgorithm::References, false),
            vec![
                t(&[1], vec![leaf(&[7]), leaf(&[2, 3]), leaf(&[4])]),
                t(&[], vec![leaf(&[5]), leaf(&[6])]),
                leaf(&[8]),
                leaf(&[9]),
                leaf(&[10]),
            ]
        );
    }

    #[test]
    fn references_survive_loops_and_merge_dummies() {
        let msgs = vec![
            m(
                1,
                1,
                "Message-ID: <a@x>\r\nReferences: <b@x>\r\nSubject: Loop",
            ),
            m(
                2,
                2,
                "Message-ID: <b@x>\r\nReferences: <a@x>\r\nSubject: Re: Loop",
            ),
            m(
                3,
                3,
                "Message-ID: <c@x>\r\nReferences: <c@x>\r\nSubject: Self",
            ),
            m(
                4,
                4,
                "Message-ID: <d@x>\r\nReferences: <p@x>\r\nSubject: Topic",
            ),
            m(
                5,
                5,
                "Message-ID: <e@x>\r\nReferences: <p@x>\r\nSubject: Topic",
            ),
            m(
                6,
                6,
                "Message-ID: <f@x>\r\nReferences: <q@x>\r\nSubject: Re: Topic",
            ),
            m(
                7,
                7,
                "Message-ID: <g@x>\r\nReferences: <q@x>\r\nSubject: Topic",
            ),
        ];
        let out = thread(&msgs, ThreadAlgorithm::References, false);
        // 1 refers to 2's id, so 2 is its parent; 2's reference back to 1 would make a loop
        // and is ignored. 3 refers to itself.
        assert_eq!(out[0], leaf(&[2, 1]));
        assert_eq!(out[1], leaf(&[3]));
        // Two dummies with the same subject merge their children.
        assert_eq!(
            out[2],
            t(&[], vec![leaf(&[4]), leaf(&[5]), leaf(&[6]), leaf(&[7])])
        );
        assert_eq!(out.len(), 3);
    }

    /// Every message number in a thread list, walking it without recursion; with the deepest
    /// nesting seen.
    fn flatten(threads: &[Thread]) -> (Vec<u32>, usize) {
        let mut nums = Vec::new();
        let mut deepest = 0;
        let mut stack: Vec<(&Thread, usize)> = threads.iter().rev().map(|t| (t, 1)).collect();
        while let Some((t, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            nums.extend(&t.members);
            stack.extend(t.children.iter().rev().map(|c| (c, depth + 1)));
        }
        (nums, deepest)
    }

    /// A reply chain of 100,000 messages (each answering the one before by In-Reply-To) threads
    /// on a test thread's ordinary stack, in both arrival orders, following no parent link.
    #[test]
    fn hundred_thousand_message_chain() {
        const N: u32 = 100_000;
        let msg = |i: u32| {
            m(
                i,
                1,
                &format!(
                    "Message-ID: <{i}@x>\r\nIn-Reply-To: <{}@x>\r\nSubject: Re: c",
                    i - 1
                ),
            )
        };
        let msgs: Vec<_> = (1..=N).map(msg).collect();
        let info = infos(&msgs, false);
        let (out, walked) = references_tree(&msgs, &info);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].members, (1..=N).collect::<Vec<_>>());
        assert!(out[0].children.is_empty());
        assert_eq!(walked, 0);
        // Newest first: every message arrives after its reply made it a dummy.
        let reversed: Vec<_> = msgs.iter().rev().cloned().collect();
        let info = infos(&reversed, false);
        let (out, walked) = references_tree(&reversed, &info);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].members.len(), N as usize);
        assert!(walked <= N as usize, "{walked} parent links followed");
    }

    /// 50,000 levels, every spine message answered twice: the result nests 50,000 deep and is built,
    /// sorted and dropped without recursion.
    #[test]
    fn deep_reply_tree() {
        const LEVELS: u32 = 50_000;
        let msgs: Vec<_> = (1..=2 * LEVELS)
            .map(|i| {
                // Odd messages form the spine; each even one answers the odd one before it.
                let parent = if i % 2 == 1 {
                    i.saturating_sub(2)
                } else {
                    i - 1
                };
                m(
                    i,
                    1,
                    &format!("Message-ID: <{i}@x>\r\nIn-Reply-To: <{parent}@x>\r\nSubject: t"),
                )
            })
            .collect();
        let out = thread(&msgs, ThreadAlgorithm::References, false);
        let (mut nums, deepest) = flatten(&out);
        assert_eq!(deepest, LEVELS as usize);
        nums.sort_unstable();
        assert_eq!(nums, (1..=2 * LEVELS).collect::<Vec<_>>());
    }

    /// References crafted so every message makes the loop check climb a deep chain: the climb
    /// is cut at MAX_WALK links per check, and no message is lost.
    #[test]
    fn loop_checks_are_bounded() {
        const SPINE: u32 = 5_000;
        let mut msgs: Vec<_> = (1..=SPINE)
            .map(|i| {
                m(
                    i,
                    1,
                    &format!(
                        "Message-ID: <{i}@x>\r\nIn-Reply-To: <{}@x>\r\nSubject: s",
                        i - 1
                    ),
                )
            })
            .collect();
        // Each attacker message first makes <d{i}> a dummy with a child, then asks to hang
        // it under the deepest spine message: the check walks up from there.
        for i in 0..SPINE {
            let seq = SPINE + 2 * i + 1;
            msgs.push(m(
                seq,
                2,
                &format!("Message-ID: <a{i}@x>\r\nReferences: <d{i}@x>\r\nSubject: a"),
            ));
            msgs.push(m(
                seq + 1,
                2,
                &format!("Message-ID: <b{i}@x>\r\nReferences: <{SPINE}@x> <d{i}@x>\r\nSubject: b"),
            ));
        }
        let info = infos(&msgs, false);
        let (out, walked) = references_tree(&msgs, &info);
        // The checks did climb (this input reaches the bound), and no further than it.
        assert!(walked > SPINE as usize, "{walked} parent links followed");
        assert!(
            walked <= SPINE as usize * MAX_WALK,
            "{walked} parent links followed"
        );
        let (mut nums, _) = flatten(&out);
        nums.sort_unstable();
        assert_eq!(nums, (1..=3 * SPINE).collect::<Vec<_>>());
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(
            ThreadAlgorithm::from_name("references"),
            Some(ThreadAlgorithm::References)
        );
        assert_eq!(
            ThreadAlgorithm::from_name("ORDEREDSUBJECT"),
            Some(ThreadAlgorithm::OrderedSubject)
        );
        assert_eq!(ThreadAlgorithm::from_name("X"), None);
    }
}
