//! An application with IMAP code to test: it moves the newsletters of a mailbox to `Archive`.

use imap_blocking::prelude::*;
use imap_blocking::{Query, Session};

/// Moves every message from `sender` in `folder` to `Archive`; returns how many moved.
///
/// # Errors
/// The session's errors.
pub fn archive_newsletters(
    session: &mut Session,
    folder: &str,
    sender: &str,
) -> imap_blocking::Result<u64> {
    session.select(folder)?;
    let found = session.search(&Query::new().from(sender))?;
    if let Some(set) = found.to_set() {
        session.move_messages(&set, "Archive")?;
    }
    Ok(found.len())
}
