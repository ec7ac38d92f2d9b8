//! The demo account the binary serves by default: user `demo`, password `demo`, an INBOX of
//! realistic messages (plain, multipart/alternative, an attachment, a forwarded
//! message/rfc822, multipart/related with an inline image, non-ASCII headers, a reply thread,
//! a calendar invitation) and Sent, Drafts, Trash and Archive folders.

use crate::seed::utc;
use crate::store::{Store, StoreError};
use imap_core::types::{DateTime, Flag, MailboxAttr};

/// User name of the demo account.
pub const DEMO_USER: &str = "demo";
/// Password of the demo account.
pub const DEMO_PASSWORD: &str = "demo";

/// A store holding only the demo account.
pub fn demo_store() -> Store {
    let s = Store::new();
    // A fresh store cannot refuse these steps.
    let _ = add_demo_user(&s);
    s
}

struct Msg {
    date: DateTime,
    raw: String,
    flags: Vec<Flag>,
}

fn rfc2822_date(d: DateTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let dow = DAYS[(d.unix_timestamp().div_euclid(86_400).rem_euclid(7)) as usize];
    format!(
        "{dow}, {} {} {} {:02}:{:02}:{:02} +0000",
        d.date.day,
        imap_core::types::datetime::MONTHS[usize::from(d.date.month) - 1],
        d.date.year,
        d.hour,
        d.minute,
        d.second
    )
}

fn msg(date: DateTime, headers: &[(&str, &str)], body: &str, flags: &[Flag]) -> Msg {
    let mut raw = format!("Date: {}\r\n", rfc2822_date(date));
    for (n, v) in headers {
        raw.push_str(&format!("{n}: {v}\r\n"));
    }
    raw.push_str("\r\n");
    raw.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
    Msg {
        date,
        raw,
        flags: flags.to_vec(),
    }
}

const ALICE: &str = "Alice Example <alice@example.com>";
const DEMO: &str = "Demo User <demo@example.com>";
const BOB: &str = "\"Bob O'Brien\" <bob@example.org>";

fn inbox() -> Vec<Msg> {
    use Flag::*;
    let mut v = vec![
        msg(
            utc(2024, 3, 1, 9, 0),
            &[
                ("From", "Mock Server <team@example.com>"),
                ("To", DEMO),
                ("Subject", "Welcome to the mock IMAP server"),
                ("Message-ID", "<welcome@example.com>"),
            ],
            "Hello!\n\nThis mailbox is served from memory. Everything you do here is\nforgotten when the server stops.\n\n-- \nThe team\n",
            &[Seen],
        ),
        msg(
            utc(2024, 3, 2, 7, 30),
            &[
                ("From", "Weekly News <news@lists.example.net>"),
                ("To", DEMO),
                ("Subject", "This week: IMAP tips & tricks"),
                ("Message-ID", "<news-0302@lists.example.net>"),
                ("List-Id", "Weekly News <news.lists.example.net>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/alternative; boundary=\"alt-1\""),
            ],
            "--alt-1\nContent-Type: text/plain; charset=utf-8\n\nTip 1: use UID commands.\nTip 2: CONDSTORE saves bandwidth.\n--alt-1\nContent-Type: text/html; charset=utf-8\n\n<html><body><h1>Tips</h1><p>Tip 1: use <b>UID</b> commands.</p><p>Tip 2: CONDSTORE saves bandwidth.</p></body></html>\n--alt-1--\n",
            &[],
        ),
        msg(
            utc(2024, 3, 3, 14, 5),
            &[
                ("From", ALICE),
                ("To", DEMO),
                ("Subject", "Quarterly report (PDF attached)"),
                ("Message-ID", "<report-q1@example.com>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/mixed; boundary=\"mix-1\""),
            ],
            "--mix-1\nContent-Type: text/plain; charset=us-ascii\n\nHi,\n\nthe report is attached.\n\nAlice\n--mix-1\nContent-Type: application/pdf; name=\"report-q1.pdf\"\nContent-Disposition: attachment; filename=\"report-q1.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWls\nZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==\n--mix-1--\n",
            &[Seen, Flagged],
        ),
        msg(
            utc(2024, 3, 4, 8, 15),
            &[
                ("From", BOB),
                ("To", DEMO),
                ("Subject", "Fwd: Travel plans"),
                ("Message-ID", "<fwd-travel@example.org>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/mixed; boundary=\"fwd-1\""),
            ],
            "--fwd-1\nContent-Type: text/plain; charset=us-ascii\n\nSee below, FYI.\n--fwd-1\nContent-Type: message/rfc822\nContent-Disposition: inline\n\nDate: Sun, 3 Mar 2024 18:00:00 +0100\nFrom: Carol <carol@example.net>\nTo: \"Bob O'Brien\" <bob@example.org>\nSubject: Travel plans\nMessage-ID: <travel@example.net>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"in-1\"\n\n--in-1\nContent-Type: text/plain; charset=us-ascii\n\nTrain leaves at 9:12 from platform 4.\n--in-1\nContent-Type: text/html; charset=us-ascii\n\n<p>Train leaves at <b>9:12</b> from platform 4.</p>\n--in-1--\n\n--fwd-1--\n",
            &[],
        ),
        msg(
            utc(2024, 3, 5, 11, 0),
            &[
                (
                    "From",
                    "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>",
                ),
                ("To", DEMO),
                ("Subject", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?="),
                ("Message-ID", "<gruesse@example.de>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Transfer-Encoding", "quoted-printable"),
            ],
            "Hallo,\n\nviele Gr=C3=BC=C3=9Fe aus M=C3=BCnchen! Das Wetter ist sch=C3=B6n.\n\nJ=C3=B6rg\n",
            &[],
        ),
        msg(
            utc(2024, 3, 5, 23, 45),
            &[
                ("From", "=?UTF-8?B?55Sw5Lit5aSq6YOO?= <tanaka@example.jp>"),
                ("To", DEMO),
                ("Subject", "=?UTF-8?B?5Lya6K2w44Gu5Lu2?="),
                ("Message-ID", "<kaigi@example.jp>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Transfer-Encoding", "base64"),
            ],
            "5piO5pel44Gu5Lya6K2w44Gv5Y2I5b6MM+aZguOBi+OCieOBp+OBmeOAgg0K\n",
            &[],
        ),
        msg(
            utc(2024, 3, 6, 10, 0),
            &[
                ("From", "Calendar <calendar@example.com>"),
                ("To", DEMO),
                ("Subject", "Invitation: Sprint review"),
                ("Message-ID", "<invite-1@example.com>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/mixed; boundary=\"cal-1\""),
            ],
            "--cal-1\nContent-Type: text/plain; charset=us-ascii\n\nYou are invited to the sprint review on Friday at 15:00.\n--cal-1\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: 7bit\n\nBEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:sprint-review@example.com\nDTSTART:20240308T150000Z\nSUMMARY:Sprint review\nEND:VEVENT\nEND:VCALENDAR\n--cal-1--\n",
            &[],
        ),
        msg(
            utc(2024, 3, 7, 16, 20),
            &[
                ("From", "Shop <orders@shop.example>"),
                ("To", DEMO),
                ("Subject", "Your order #1042 has shipped"),
                ("Message-ID", "<order-1042@shop.example>"),
                ("MIME-Version", "1.0"),
                (
                    "Content-Type",
                    "multipart/related; boundary=\"rel-1\"; type=\"text/html\"",
                ),
            ],
            "--rel-1\nContent-Type: text/html; charset=us-ascii\n\n<html><body><img src=\"cid:logo@shop.example\"><p>Your order is on its way.</p></body></html>\n--rel-1\nContent-Type: image/png\nContent-ID: <logo@shop.example>\nContent-Disposition: inline; filename=\"logo.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\n--rel-1--\n",
            &[Seen],
        ),
        msg(
            utc(2024, 3, 8, 9, 30),
            &[
                ("From", ALICE),
                ("To", "undisclosed-recipients:;"),
                ("Bcc", DEMO),
                ("Subject", "Team lunch on Friday"),
                ("Message-ID", "<lunch@example.com>"),
            ],
            "Who is in for lunch on Friday? Reply by Thursday.\n",
            &[Answered, Seen],
        ),
        msg(
            utc(2024, 3, 8, 12, 0),
            &[
                ("From", "CI <ci@build.example>"),
                ("Sender", "Build Robot <robot@build.example>"),
                ("Reply-To", "Dev List <dev@example.com>"),
                ("To", DEMO),
                ("Cc", "Alice Example <alice@example.com>, bob@example.org"),
                ("Subject", "[build] main #812 failed"),
                ("Message-ID", "<build-812@build.example>"),
            ],
            "Build #812 of main failed at step `cargo test`.\n\n1 test failed: store::tests::uid_monotonic\n",
            &[],
        ),
        msg(
            utc(2024, 3, 9, 8, 0),
            &[
                ("From", "Security <security@example.com>"),
                ("To", DEMO),
                ("Subject", "Action required: rotate your keys"),
                ("Message-ID", "<rotate@example.com>"),
                ("Importance", "high"),
            ],
            "Please rotate your API keys before the end of the month.\n",
            &[Flagged],
        ),
        msg(
            utc(2024, 3, 10, 19, 0),
            &[
                ("From", "Newsletter <hello@news.example>"),
                ("To", DEMO),
                ("Subject", "Spring sale: 20% off"),
                ("Message-ID", "<sale@news.example>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/html; charset=utf-8"),
            ],
            "<html><body><h1>Spring sale</h1><p>Everything 20% off this week only.</p></body></html>\n",
            &[Flag::Keyword(imap_core::types::Atom::from_static("$Junk"))],
        ),
        msg(
            utc(2024, 3, 11, 7, 0),
            &[
                ("From", "Monitoring <alerts@example.com>"),
                ("To", DEMO),
                ("Subject", "Disk usage report"),
                ("Message-ID", "<disk@example.com>"),
            ],
            &"host-01  /var  81% used\nhost-02  /var  64% used\n".repeat(40),
            &[Seen],
        ),
    ];
    // A reply thread.
    let thread = [
        (
            ALICE,
            "Project kickoff",
            "<kickoff-1@example.com>",
            "",
            "Let's meet on Monday to start the project.",
        ),
        (
            BOB,
            "Re: Project kickoff",
            "<kickoff-2@example.org>",
            "<kickoff-1@example.com>",
            "Monday works for me.",
        ),
        (
            ALICE,
            "Re: Project kickoff",
            "<kickoff-3@example.com>",
            "<kickoff-1@example.com> <kickoff-2@example.org>",
            "Great, 10:00 in room 2.",
        ),
        (
            DEMO,
            "Re: Project kickoff",
            "<kickoff-4@example.com>",
            "<kickoff-1@example.com> <kickoff-2@example.org>",
            "I'll bring the slides.",
        ),
        (
            BOB,
            "Re: Re: Project kickoff",
            "<kickoff-5@example.org>",
            "<kickoff-1@example.com> <kickoff-2@example.org> <kickoff-3@example.com>",
            "See you there.",
        ),
    ];
    for (i, (from, subject, id, refs, body)) in thread.into_iter().enumerate() {
        let mut h = vec![
            ("From", from),
            ("To", DEMO),
            ("Subject", subject),
            ("Message-ID", id),
        ];
        if !refs.is_empty() {
            h.push(("References", refs));
            h.push(("In-Reply-To", refs.rsplit(' ').next().unwrap_or(refs)));
        }
        let flags = if i < 3 { vec![Flag::Seen] } else { Vec::new() };
        v.push(msg(
            utc(2024, 3, 12, 9 + i as u8, 0),
            &h,
            &format!("{body}\n"),
            &flags,
        ));
    }
    v.push(msg(
        utc(2024, 3, 13, 15, 0),
        &[
            ("From", BOB),
            ("To", DEMO),
            ("Subject", "Photos from the trip"),
            ("Message-ID", "<photos@example.org>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "multipart/mixed; boundary=\"ph-1\""),
        ],
        "--ph-1\nContent-Type: text/plain; charset=us-ascii\n\nTwo photos attached.\n--ph-1\nContent-Type: image/png; name=\"a.png\"\nContent-Disposition: attachment; filename=\"a.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\n--ph-1\nContent-Type: image/png; name=\"b.png\"\nContent-Disposition: attachment; filename=\"b.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\n--ph-1--\n",
        &[],
    ));
    v.push(msg(
        utc(2024, 3, 14, 10, 10),
        &[
            ("From", "Support <support@example.com>"),
            ("To", DEMO),
            ("Subject", "Re: [Ticket #77] Cannot log in"),
            ("Message-ID", "<ticket-77@example.com>"),
            ("In-Reply-To", "<ticket-77-q@example.com>"),
        ],
        "Your password has been reset. Please try again.\n",
        &[],
    ));
    v
}

/// Adds the demo user and its mailboxes to `store`.
///
/// # Errors
/// When a user called `demo` exists already.
pub fn add_demo_user(store: &Store) -> Result<(), StoreError> {
    let a = store.add_user(DEMO_USER, DEMO_PASSWORD)?;
    for (name, attr) in [
        ("Sent", MailboxAttr::Sent),
        ("Drafts", MailboxAttr::Drafts),
        ("Trash", MailboxAttr::Trash),
        ("Archive", MailboxAttr::Archive),
        ("Junk", MailboxAttr::Junk),
    ] {
        a.create(name, &[attr])?;
        a.subscribe(name)?;
    }
    a.create("Archive/2023", &[])?;
    a.subscribe("Archive/2023")?;
    for m in inbox() {
        a.append("INBOX", m.raw, &m.flags, Some(m.date))?;
    }
    let others = [
        (
            "Sent",
            msg(
                utc(2024, 3, 4, 9, 0),
                &[
                    ("From", DEMO),
                    ("To", BOB),
                    ("Subject", "Re: Fwd: Travel plans"),
                    ("Message-ID", "<re-travel@example.com>"),
                    ("In-Reply-To", "<fwd-travel@example.org>"),
                    ("References", "<fwd-travel@example.org>"),
                ],
                "Thanks, see you on the train.\n",
                &[Flag::Seen],
            ),
        ),
        (
            "Sent",
            msg(
                utc(2024, 3, 12, 12, 0),
                &[
                    ("From", DEMO),
                    ("To", ALICE),
                    ("Subject", "Re: Project kickoff"),
                    ("Message-ID", "<kickoff-4@example.com>"),
                ],
                "I'll bring the slides.\n",
                &[Flag::Seen],
            ),
        ),
        (
            "Drafts",
            msg(
                utc(2024, 3, 14, 18, 0),
                &[
                    ("From", DEMO),
                    ("To", ALICE),
                    ("Subject", "Notes for the review"),
                    ("Message-ID", "<draft-1@example.com>"),
                ],
                "- demo the new store\n- open questions\n",
                &[Flag::Draft, Flag::Seen],
            ),
        ),
        (
            "Trash",
            msg(
                utc(2024, 2, 20, 8, 0),
                &[
                    ("From", "Spam King <win@spam.example>"),
                    ("To", DEMO),
                    ("Subject", "You have WON!!!"),
                    ("Message-ID", "<won@spam.example>"),
                ],
                "Click here to claim your prize.\n",
                &[Flag::Seen, Flag::Deleted],
            ),
        ),
        (
            "Archive/2023",
            msg(
                utc(2023, 12, 24, 18, 0),
                &[
                    ("From", ALICE),
                    ("To", DEMO),
                    ("Subject", "Happy holidays"),
                    ("Message-ID", "<holidays@example.com>"),
                ],
                "Happy holidays and a good new year!\n",
                &[Flag::Seen],
            ),
        ),
        (
            "Archive",
            msg(
                utc(2024, 1, 15, 9, 0),
                &[
                    ("From", "HR <hr@example.com>"),
                    ("To", DEMO),
                    ("Subject", "Your 2024 vacation days"),
                    ("Message-ID", "<vacation@example.com>"),
                ],
                "You have 28 vacation days in 2024.\n",
                &[Flag::Seen],
            ),
        ),
    ];
    for (mailbox, m) in others {
        a.append(mailbox, m.raw, &m.flags, Some(m.date))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{fetch, preview};
    use imap_core::types::{BodyStructure, FetchData, FetchItem, PartKind, Uid};

    #[test]
    fn demo_account_is_realistic() {
        let s = demo_store();
        let a = s.login(DEMO_USER, DEMO_PASSWORD).unwrap();
        assert_eq!(
            a.mailboxes(),
            vec![
                "Archive",
                "Archive/2023",
                "Drafts",
                "INBOX",
                "Junk",
                "Sent",
                "Trash"
            ]
        );
        let uids = a.uids("INBOX").unwrap();
        assert_eq!(uids.len(), 20);
        for &uid in &uids {
            let m = a.message("INBOX", uid).unwrap().unwrap();
            // Every message parses, and its structure and envelope are computed.
            let FetchData::BodyStructure(_) = fetch(&m, &FetchItem::BodyStructure).unwrap() else {
                panic!()
            };
            let FetchData::Envelope(e) = fetch(&m, &FetchItem::Envelope).unwrap() else {
                panic!()
            };
            assert!(e.subject().is_some() && e.message_id().is_some() && e.from().len() > 0);
        }
        let fwd = a.message("INBOX", Uid::new(4).unwrap()).unwrap().unwrap();
        let BodyStructure::Multi { parts, .. } = fwd.parsed().body_structure(true) else {
            panic!()
        };
        assert!(matches!(
            &parts[1],
            BodyStructure::Single { part, .. } if matches!(part.kind, PartKind::Message { .. })
        ));
        let de = a.message("INBOX", Uid::new(5).unwrap()).unwrap().unwrap();
        assert_eq!(
            preview(&de),
            "Hallo, viele Grüße aus München! Das Wetter ist schön. Jörg"
        );
        let jp = a.message("INBOX", Uid::new(6).unwrap()).unwrap().unwrap();
        assert!(preview(&jp).starts_with("明日の会議"));
    }
}
