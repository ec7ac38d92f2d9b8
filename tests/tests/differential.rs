//! The differential property: 2-4 clients on one mock-server mailbox run a random script of
//! operations (append, store flags, expunge, UID expunge, move, copy, fetch, search, noop,
//! idle, select/unselect, with pipelining). After every operation each client's mailbox model
//! agrees with what the server announced to that session, and after a final NOOP on every
//! session it equals the store. The scenario lives in `imap_tests::differential`.

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
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn models_agree_with_the_server_and_the_store(
        sessions in 2usize..=4,
        initial in 0usize..8,
        script in proptest::collection::vec((0usize..4, op()), 1..40),
    ) {
        run_script(sessions, initial, &script).map_err(TestCaseError::fail)?;
    }
}
