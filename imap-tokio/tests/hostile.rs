//! The async client under a hostile server: a few dozen bytes that claim four billion
//! messages leave every high-level result a set of ranges. Peak heap is counted by a
//! peak-tracking global allocator (the scripted server's thread included), never timed.

#[path = "../../imap-blocking/tests/support/mod.rs"]
mod support;

use imap_tokio::types::{Uid, UidSet};
use imap_tokio::{Connector, Query, Security};
use peak_alloc::PeakAlloc;
use std::time::Duration;
use support::{Options, start};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

#[tokio::test]
async fn every_result_stays_a_set_of_ranges() {
    let server = start(Options {
        answers: support::four_billion_uids(),
        ..Options::default()
    });
    let mut s = Connector::new("127.0.0.1")
        .port(server.port)
        .security(Security::Plain)
        .allow_plaintext_login(true)
        .command_timeout(Duration::from_secs(5))
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let base = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let found = s.search(&Query::all()).await.unwrap();
    let mapping = s
        .copy(UidSet::all(), "Archive")
        .await
        .unwrap()
        .expect("COPYUID");
    let appended = s
        .append("INBOX", b"Subject: x\r\n\r\nx\r\n", &[], None)
        .await
        .unwrap();
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
}
