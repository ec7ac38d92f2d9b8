//! Folder operations: LIST with LIST-STATUS, or LIST + LSUB + STATUS each; special folders;
//! STATUS.

use crate::session::logged_in;
use imap_core::ops::folders::{ListOptions, SpecialUse};
use imap_core::ops::op::Missing;
use imap_core::ops::{Commands, OpError};
use imap_core::types::Mailbox;

#[test]
fn list_status_in_one_command() {
    let mut h =
        logged_in("* OK [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS SPECIAL-USE] hi\r\n");
    h.expect(
        "LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY))",
        concat!(
            "* LIST () \"/\" INBOX\r\n",
            "* STATUS INBOX (MESSAGES 3 UNSEEN 1 UIDNEXT 4 UIDVALIDITY 1)\r\n",
            "* LIST (\\Noselect) \"/\" Shared\r\n",
            "{tag} OK listed\r\n",
        ),
    );
    let folders = h.folders_with_status().unwrap();
    assert_eq!(folders.len(), 2);
    assert_eq!(folders[0].status.as_ref().unwrap().messages, Some(3));
    assert_eq!(folders[1].status, None);
    assert!(h.script_done());
}

#[test]
fn without_list_status_one_status_per_selectable_folder() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect(
        "LIST \"\" *",
        concat!(
            "* LIST () \"/\" INBOX\r\n",
            "* LIST (\\Noselect) \"/\" Shared\r\n",
            "* LIST () \"/\" Sent\r\n",
            "{tag} OK listed\r\n",
        ),
    )
    .expect(
        "STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)",
        "* STATUS INBOX (MESSAGES 3)\r\n{tag} OK ok\r\n",
    )
    .expect(
        "STATUS Sent (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)",
        "* STATUS Sent (MESSAGES 7)\r\n{tag} OK ok\r\n",
    );
    let folders = h.folders_with_status().unwrap();
    let counts: Vec<Option<u32>> = folders
        .iter()
        .map(|f| f.status.as_ref().and_then(|s| s.messages))
        .collect();
    assert_eq!(counts, vec![Some(3), None, Some(7)]);
    assert!(h.script_done());
}

#[test]
fn without_list_extended_subscriptions_come_from_lsub() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect(
        "LIST \"\" *",
        "* LIST () \"/\" INBOX\r\n* LIST () \"/\" Old\r\n{tag} OK listed\r\n",
    )
    .expect("LSUB \"\" *", "* LSUB () \"/\" INBOX\r\n{tag} OK ok\r\n");
    let folders = h.folders().unwrap();
    let subscribed: Vec<bool> = folders.iter().map(|f| f.subscribed).collect();
    assert_eq!(subscribed, vec![true, false]);
    assert!(h.script_done());
}

#[test]
fn subscribed_only_without_list_extended_keeps_lsub_folders() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect(
        "LIST \"\" *",
        "* LIST () \"/\" INBOX\r\n* LIST () \"/\" Old\r\n{tag} OK listed\r\n",
    )
    .expect("LSUB \"\" *", "* LSUB () \"/\" Old\r\n{tag} OK ok\r\n");
    let folders = h
        .list_folders(&ListOptions::all().subscribed_only())
        .unwrap();
    assert_eq!(folders.len(), 1);
    assert_eq!(folders[0].name, Mailbox::new("Old"));
}

#[test]
fn special_folder_by_role_or_by_common_name() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE] hi\r\n");
    h.expect(
        "LIST \"\" * RETURN (SPECIAL-USE)",
        "* LIST (\\Sent) \"/\" Outbox\r\n* LIST () \"/\" Trash\r\n{tag} OK listed\r\n",
    )
    .expect(
        "LIST \"\" * RETURN (SPECIAL-USE)",
        "* LIST (\\Sent) \"/\" Outbox\r\n* LIST () \"/\" Trash\r\n{tag} OK listed\r\n",
    );
    let sent = h.find_special_folder(SpecialUse::Sent).unwrap().unwrap();
    assert_eq!(sent.name, Mailbox::new("Outbox"));
    let trash = h.find_special_folder(SpecialUse::Trash).unwrap().unwrap();
    assert_eq!(trash.name, Mailbox::new("Trash"));
}

#[test]
fn status_without_data_is_not_found() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect(
        "STATUS Gone (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)",
        "{tag} OK odd\r\n",
    );
    let e = h.folder_status("Gone").unwrap_err();
    assert_eq!(e, OpError::NotFound(Missing::Status(Mailbox::new("Gone"))));
}

#[test]
fn folder_exists_by_exact_name() {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect("LIST \"\" Work", "* LIST () \"/\" Work\r\n{tag} OK ok\r\n")
        .expect("LIST \"\" Play", "{tag} OK ok\r\n");
    assert!(h.folder_exists("Work").unwrap());
    assert!(!h.folder_exists("Play").unwrap());
}
