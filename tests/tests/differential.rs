//! The differential property: 2-4 clients on one mock-server mailbox run a random script of
//! operations (append, store flags, expunge, UID expunge, move, copy, fetch, fetch of a body
//! setting `\Seen`, search, noop, idle, select/unselect, with pipelining). After every
//! operation each client's mailbox model agrees with what the server announced to that
//! session, and after a final NOOP on every session it equals the store; every session's flags
//! and MODSEQ only move forward in what it is told and equal the store's at each of its tagged
//! responses. The scenario lives in `imap_tests::differential`.

use imap_tests::differential::{Op, run_script};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Append),
        (any::<bool>(), any::<u8>(), any::<bool>(), any::<bool>()).prop_map(
            |(by_uid, pick, add, deleted)| Op::Flag {
                by_uid,
                pick,
                add,
                deleted
            }
        ),
        Just(Op::Expunge),
        any::<u8>().prop_map(|pick| Op::UidExpunge { pick }),
        any::<u8>().prop_map(|pick| Op::Move { pick }),
        any::<u8>().prop_map(|pick| Op::Copy { pick }),
        any::<bool>().prop_map(|by_uid| Op::Fetch { by_uid }),
        any::<bool>().prop_map(|by_uid| Op::Search { by_uid }),
        Just(Op::Noop),
        Just(Op::Idle),
        Just(Op::Reselect),
        any::<u8>().prop_map(|pick| Op::Pipelined { pick }),
        Just(Op::Deliver),
        any::<u8>().prop_map(|pick| Op::ExpungeElsewhere { pick }),
        any::<u8>().prop_map(|pick| Op::FetchBody { pick }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn models_agree_with_the_server_and_the_store(
        sessions in 2usize..=4,
        initial in 0usize..8,
        condstore in any::<u8>(),
        script in proptest::collection::vec((0usize..4, op()), 1..40),
    ) {
        run_script(sessions, initial, condstore, &script).map_err(TestCaseError::fail)?;
    }
}

/// The stale-flags conversation of issue 15, item 1, as a script: B sets `\Seen` on message 1,
/// then A sets `\Deleted` on it without having polled in between. Before the fix A was told
/// its own result and then B's older state (flags and MODSEQ going backwards); the oracle
/// rejects that with and without CONDSTORE.
#[test]
fn another_sessions_older_change_never_follows_a_newer_one() {
    let script = [
        (
            1,
            Op::Flag {
                by_uid: false,
                pick: 0,
                add: true,
                deleted: false,
            },
        ),
        (
            0,
            Op::Flag {
                by_uid: true,
                pick: 0,
                add: true,
                deleted: true,
            },
        ),
        (1, Op::Noop),
    ];
    for condstore in [0b11, 0] {
        run_script(2, 1, condstore, &script).unwrap();
    }
}
