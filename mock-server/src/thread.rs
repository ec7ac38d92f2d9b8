//! THREAD (RFC 5256 section 4): ORDEREDSUBJECT and REFERENCES, in the caller's numbers.

use crate::sort::{base_subject, sent_date, subject};
use crate::store::MessageSnapshot;
use imap_core::types::Thread;
use std::collections::HashMap;

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
}

struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn new_node(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// Whether `a` is `b` or a descendant of `b`.
    fn is_under(&self, a: usize, b: usize) -> bool {
        let mut cur = Some(a);
        while let Some(c) = cur {
            if c == b {
                return true;
            }
            cur = self.nodes[c].parent;
        }
        false
    }

    fn unlink(&mut self, c: usize) {
        if let Some(p) = self.nodes[c].parent.take() {
            self.nodes[p].children.retain(|&x| x != c);
        }
    }

    fn link(&mut self, p: usize, c: usize) {
        self.nodes[c].parent = Some(p);
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
    let mut t = Tree { nodes: Vec::new() };
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
    let mut roots = prune(&mut t, roots, true);
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
    let mut removed: Vec<usize> = Vec::new();
    for &r in &roots {
        if removed.contains(&r) {
            continue;
        }
        let subj = thread_subject(&t, r)
            .map(|m| info[m].subject.clone())
            .unwrap_or_default();
        let Some(&target) = subjects.get(&subj).filter(|_| !subj.is_empty()) else {
            out_roots.push(r);
            continue;
        };
        if target == r {
            out_roots.push(r);
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
            if let Some(pos) = out_roots.iter().position(|&x| x == target) {
                out_roots[pos] = d;
            } else {
                removed.push(target);
                out_roots.push(d);
            }
            t.link(d, target);
            t.link(d, r);
            subjects.insert(subj, d);
        }
    }
    // (6)
    sort_siblings(&mut t, &mut out_roots, info);
    out_roots.iter().map(|&r| to_thread(&t, r, info)).collect()
}

fn prune(t: &mut Tree, list: Vec<usize>, root_level: bool) -> Vec<usize> {
    let mut out = Vec::new();
    for n in list {
        let ch = std::mem::take(&mut t.nodes[n].children);
        let ch = prune(t, ch, false);
        for &c in &ch {
            t.nodes[c].parent = Some(n);
        }
        t.nodes[n].children = ch;
        if t.nodes[n].msg.is_some() {
            out.push(n);
            continue;
        }
        let ch = &t.nodes[n].children;
        if ch.is_empty() {
            continue;
        }
        if !root_level || ch.len() == 1 {
            let ch = std::mem::take(&mut t.nodes[n].children);
            let parent = t.nodes[n].parent;
            for &c in &ch {
                t.nodes[c].parent = parent;
            }
            out.extend(ch);
        } else {
            out.push(n);
        }
    }
    out
}

fn sort_siblings(t: &mut Tree, list: &mut [usize], info: &[Info]) {
    for &n in list.iter() {
        let mut ch = std::mem::take(&mut t.nodes[n].children);
        sort_siblings(t, &mut ch, info);
        t.nodes[n].children = ch;
    }
    let key = |t: &Tree, n: usize| -> (i64, u32) {
        t.nodes[n]
            .msg
            .or_else(|| t.nodes[n].children.first().and_then(|&c| t.nodes[c].msg))
            .map_or((i64::MIN, 0), |m| info[m].date)
    };
    list.sort_by_key(|&n| key(t, n));
}

fn to_thread(t: &Tree, n: usize, info: &[Info]) -> Thread {
    let mut members = Vec::new();
    let mut cur = n;
    loop {
        let node = &t.nodes[cur];
        match node.msg {
            Some(m) => members.push(info[m].num),
            None => {
                return Thread {
                    members,
                    children: node
                        .children
                        .iter()
                        .map(|&c| to_thread(t, c, info))
                        .collect(),
                };
            }
        }
        match node.children.as_slice() {
            [] => {
                return Thread {
                    members,
                    children: Vec::new(),
                };
            }
            [only] => cur = *only,
            many => {
                return Thread {
                    members,
                    children: many.iter().map(|&c| to_thread(t, c, info)).collect(),
                };
            }
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
