//! Every driver under a hostile server: a few dozen bytes that claim four billion messages
//! (UID SEARCH answered by ESEARCH ALL, UID COPY by COPYUID and APPEND by APPENDUID, each of
//! `1:4294967295`, through the mock server's scripted answers) leave every high-level result a
//! set of ranges. Peak heap is counted by a peak-tracking global allocator (the mock server's
//! threads included), never timed. A binary of its own, for the allocator; the scenario is
//! written once and expanded for each driver.

use mock_server::listener::{MockServer, RunningServer};
use mock_server::session::options::Faults;
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

/// Held by each test for its whole run: the peak is the process's, so the tests of this
/// binary must not run at once.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The fixture's store behind a server whose answers claim every UID.
fn hostile_server() -> RunningServer {
    let answers = [
        (
            "SEARCH",
            "* ESEARCH (TAG \"{tag}\") UID ALL 1:4294967295\r\n{tag} OK done\r\n",
        ),
        (
            "COPY",
            "{tag} OK [COPYUID 9 1:4294967295 1:4294967295] done\r\n",
        ),
        ("APPEND", "{tag} OK [APPENDUID 9 1:4294967295] done\r\n"),
    ];
    MockServer::builder()
        .store(imap_tests::fixture::store())
        .plain()
        .allow_plaintext_login()
        .faults(Faults {
            answers: answers
                .iter()
                .map(|(n, a)| ((*n).to_owned(), (*a).to_owned()))
                .collect(),
            ..Faults::default()
        })
        .start()
        .expect("starting the mock server")
}

macro_rules! hostile_scenario {
    (
        module = $m:ident,
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*] $(,)?
    ) => {
        mod $m {
            use super::*;
            use imap_tests::fixture::{PASSWORD, USER};
            use $d::types::{Uid, UidSet};
            use $d::prelude::*;
            use $d::{Connector, Query, Security};
            use std::time::Duration;

            #[test]
            fn every_result_stays_a_set_of_ranges() {
                let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
                $($block_on)* ($($async)* {
                    let server = hostile_server();
                    let mut s = Connector::new("127.0.0.1")
                        .port(server.addr().port())
                        .security(Security::Plain)
                        .allow_plaintext_login()
                        .command_timeout(Duration::from_secs(10))
                        .password(USER, PASSWORD)
                        .login()
                        $($aw)* .unwrap();
                    s.select("INBOX") $($aw)* .unwrap();
                    let base = PEAK.current_usage();
                    PEAK.reset_peak_usage();
                    let found = s.search(&Query::all()) $($aw)* .unwrap();
                    let mapping = s
                        .copy(UidSet::all(), "Archive")
                        $($aw)* .unwrap()
                        .expect("COPYUID");
                    let appended = s
                        .append("INBOX", b"Subject: x\r\n\r\nx\r\n", &[], None)
                        $($aw)* .unwrap();
                    let peak = PEAK.peak_usage().saturating_sub(base);
                    assert!(peak < 1 << 20, "peak {peak} bytes");
                    let max = Uid::new(u32::MAX).unwrap();
                    assert_eq!(
                        (found.len(), found.last()),
                        (u64::from(u32::MAX), Some(max))
                    );
                    assert_eq!(mapping.len(), u64::from(u32::MAX));
                    assert_eq!(mapping.destination(max), Some(max));
                    assert_eq!(appended.uid, Uid::new(1));
                })
            }
        }
    };
}

hostile_scenario!(
    module = blocking,
    driver = imap_blocking,
    async = [],
    await = [],
    block_on = [],
);
hostile_scenario!(
    module = tokio_driver,
    driver = imap_tokio,
    async = [async],
    await = [.await],
    block_on = [imap_tests::runtime::block_on],
);
