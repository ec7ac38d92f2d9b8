//! The high-level operations of `imap_core::ops` on an engine against the mock server in
//! memory, with a virtual clock: the paths a server with every extension takes (the fallbacks
//! are in imap-core's scripted tests), checked against the store.

use imap_core::client::Event;
use imap_core::mailbox::Update;
use imap_core::ops::Commands;
use imap_core::ops::fetch::FetchQuery;
use imap_core::ops::folders::{ListOptions, SpecialUse, default_status_items};
use imap_core::ops::search::Query;
use imap_core::types::{Flag, Section, Uid, UidSet};
use imap_tests::engine_pair::EnginePair;
use imap_tests::fixture::{self, PASSWORD, USER};
use mock_server::listener::MockServer;
use std::time::{Duration, Instant};

fn server() -> MockServer {
    MockServer::builder()
        .store(fixture::store())
        .build()
        .expect("server")
}

fn session(srv: &MockServer) -> EnginePair {
    let mut p = EnginePair::connect(srv, Instant::now());
    p.login(USER, PASSWORD).expect("login");
    p
}

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

#[test]
fn select_fetch_search_and_flags() {
    let srv = server();
    let mut p = session(&srv);
    let summary = p.select("INBOX").unwrap();
    assert_eq!(summary.exists, 3);
    assert_eq!(p.engine.pending_events(), 0, "SELECT's data is its summary");
    let all = UidSet::range(uid(1), uid(3));
    let m = p.fetch(&all, &FetchQuery::summary()).unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(m[&uid(1)].has_flag(&Flag::Seen), Some(true));
    let unseen = p.search(&Query::new().unseen()).unwrap();
    assert_eq!(unseen.iter().collect::<Vec<_>>(), vec![uid(2), uid(3)]);
    let flags = p
        .add_flags(UidSet::single(uid(2)), &[Flag::Answered])
        .unwrap();
    assert!(flags[&uid(2)].contains(&Flag::Answered));
    assert_eq!(
        p.engine.pending_events(),
        0,
        "FETCH and STORE results are their own"
    );
}

#[test]
fn folders_with_status_in_one_list() {
    let srv = server();
    let mut p = session(&srv);
    let folders = p
        .list_folders(
            &ListOptions::all()
                .with_subscribed()
                .with_status(default_status_items()),
        )
        .unwrap();
    let inbox = folders.iter().find(|f| f.name.is_inbox()).unwrap();
    assert_eq!(inbox.status.as_ref().unwrap().messages, Some(3));
    assert!(inbox.subscribed);
    let sent = p.find_special_folder(SpecialUse::Sent).unwrap().unwrap();
    assert_eq!(sent.name.name(), Some("Sent"));
}

#[test]
fn move_expunge_and_append_against_the_store() {
    let srv = server();
    let mut p = session(&srv);
    p.select("INBOX").unwrap();
    let mapping = p
        .move_messages(&UidSet::single(uid(2)), "Archive")
        .unwrap()
        .expect("UIDPLUS mapping");
    assert_eq!(mapping.len(), 1);
    assert_eq!(fixture_uids(&srv, "INBOX"), vec![1, 3]);
    assert_eq!(fixture_uids(&srv, "Archive").len(), 1);
    let gone = p.delete_and_expunge(&UidSet::single(uid(3))).unwrap();
    assert_eq!(gone.uids().iter().collect::<Vec<_>>(), vec![uid(3)]);
    assert_eq!(p.engine.pending_events(), 0, "the expunges are the results");
    let appended = p
        .append("Trash", &fixture::m1(), &[Flag::Seen], None)
        .unwrap();
    assert!(appended.uid.is_some());
}

fn fixture_uids(srv: &MockServer, mailbox: &str) -> Vec<u32> {
    let account = srv.store().account(USER).unwrap();
    account
        .uids(mailbox)
        .unwrap()
        .into_iter()
        .map(|u| u.get())
        .collect()
}

#[test]
fn a_whole_message_streams_to_the_sink() {
    let srv = server();
    let mut p = session(&srv);
    p.select("INBOX").unwrap();
    let n = p.stream_section(uid(1), Section::default()).unwrap();
    assert_eq!(n as usize, p.sink.len());
    assert_eq!(p.sink, fixture::m1());
}

#[test]
fn idle_wakes_on_another_sessions_append_and_ends_on_done() {
    let srv = server();
    let mut p = session(&srv);
    p.select("INBOX").unwrap();
    p.idle_start().unwrap();
    let until = p.now + Duration::from_secs(30);
    assert_eq!(p.idle_wait(Some(until)).unwrap(), None, "nothing happened");
    srv.store()
        .account(USER)
        .unwrap()
        .deliver("INBOX", fixture::m2(), &[], None)
        .unwrap();
    let e = p.idle_wait(None).unwrap();
    assert!(
        matches!(e, Some(Event::Mailbox(Update::Exists { .. }))),
        "{e:?}"
    );
    p.idle_done().unwrap();
    // The next command after IDLE works, and the model has the new message.
    p.noop().unwrap();
    assert_eq!(p.engine.selected().unwrap().exists(), 4);
}
