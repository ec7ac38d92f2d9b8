//! The client's `tracing` instrumentation: a span per connection and per command, and DEBUG
//! events for what changes (connection state, capabilities, the selected mailbox) and what
//! arrives unasked. The wire trace is in [`super::wire`].
//!
//! Spans and events use the target [`TARGET`]. Every call here is a `tracing` macro whose
//! callsite is disabled without a subscriber, so nothing is formatted or allocated then.

use super::{Capabilities, CommandId, ConnectionError, Event, Outcome};
use crate::protocol::{CommandKind, ConnState, is_uid_form};
use crate::types::{Code, CommandBody, Str, Tag};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tracing::Span;

/// The target of the client's spans and events (the wire trace has its own,
/// [`super::WIRE_TARGET`]).
pub const TRACE_TARGET: &str = "imap_core::client";

/// Numbers the connections in the trace (`imap{conn=N}`); counted only while traced.
static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// The connection's span: the parent of its command spans and of every event it emits.
pub(crate) fn connection_span() -> Span {
    tracing::debug_span!(
        target: TRACE_TARGET,
        "imap",
        conn = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed)
    )
}

/// The span of one command, from when it is queued to its completion.
pub(crate) fn command_span(connection: &Span, tag: &Tag, body: &CommandBody) -> Span {
    tracing::debug_span!(
        target: TRACE_TARGET,
        parent: connection,
        "command",
        tag = %tag,
        name = %CommandName(body)
    )
}

/// A command's name as the trace shows it: `UID FETCH`, `LOGIN`, or a raw command's own name.
struct CommandName<'a>(&'a CommandBody);

impl fmt::Display for CommandName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = CommandKind::of(self.0);
        match self.0 {
            CommandBody::Other { name, .. } => f.write_str(name.as_str()),
            body if is_uid_form(body) && kind != CommandKind::UidExpunge => {
                write!(f, "UID {}", kind.name())
            }
            _ => f.write_str(kind.label()),
        }
    }
}

/// A command completed (or was aborted, or cancelled locally): its status, response code and
/// text, and how long it took from when it was queued.
pub(crate) fn completed(
    span: &Span,
    outcome: Outcome,
    code: Option<&Code>,
    text: &Str,
    elapsed: Duration,
) {
    tracing::debug!(
        target: TRACE_TARGET,
        parent: span,
        status = ?outcome,
        code = code.map(|c| tracing::field::display(Bounded(c))),
        ?elapsed,
        "completed: {}",
        crate::terminal::escaped(text.to_string_lossy().as_ref())
    );
}

/// The connection state changed.
pub(crate) fn state(connection: &Span, from: ConnState, to: ConnState) {
    if from != to {
        tracing::debug!(
            target: TRACE_TARGET,
            parent: connection,
            from = from.name(),
            to = to.name(),
            "state changed"
        );
    }
}

/// The capabilities changed: a new list, or forgotten (after STARTTLS and authentication).
pub(crate) fn capabilities(connection: &Span, before: &Capabilities, after: &Capabilities) {
    if tracing::enabled!(target: TRACE_TARGET, tracing::Level::DEBUG) && before != after {
        if after.is_known() {
            tracing::debug!(
                target: TRACE_TARGET,
                parent: connection,
                "capabilities: {}",
                CapabilityList(after)
            );
        } else {
            tracing::debug!(
                target: TRACE_TARGET,
                parent: connection,
                "capabilities forgotten, until the server announces them again"
            );
        }
    }
}

/// The capabilities as the server writes them.
struct CapabilityList<'a>(&'a Capabilities);

impl fmt::Display for CapabilityList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.list().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", crate::terminal::escaped(&c.to_wire()))?;
        }
        Ok(())
    }
}

/// An operation of the high-level client starts ([`crate::engine::Engine::start`]); `name` is
/// its type's name.
pub(crate) fn operation_started(connection: &Span, name: &'static str) {
    tracing::debug!(
        target: TRACE_TARGET,
        parent: connection,
        "operation {}",
        ShortTypeName(name)
    );
}

/// The operation `name` finished: `error` when it failed.
pub(crate) fn operation_finished(
    connection: &Span,
    name: &'static str,
    error: Option<&crate::ops::OpError>,
) {
    tracing::debug!(
        target: TRACE_TARGET,
        parent: connection,
        error = error.map(tracing::field::display),
        "operation {} finished",
        ShortTypeName(name)
    );
}

/// A type's name without module paths: `Simple<Appended>` for
/// `imap_core::ops::op::Simple<imap_core::ops::Appended>`.
struct ShortTypeName(&'static str);

impl fmt::Display for ShortTypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
        let mut rest = self.0;
        while !rest.is_empty() {
            let end = rest.find(|c: char| !is_path(c)).unwrap_or(rest.len());
            let path = &rest[..end];
            f.write_str(path.rsplit("::").next().unwrap_or(path))?;
            let next = rest[end..].chars().next().map_or(0, char::len_utf8);
            f.write_str(&rest[end..end + next])?;
            rest = &rest[end + next..];
        }
        Ok(())
    }
}

/// The connection failed (a sticky error): every pending command is aborted.
pub(crate) fn failed(connection: &Span, error: &ConnectionError) {
    tracing::debug!(target: TRACE_TARGET, parent: connection, %error, "connection failed");
}

/// An event leaves the client: what no command asked for (mailbox updates, unsolicited data
/// and status responses, BYE, unparsed responses), the greeting, IDLE, STARTTLS, COMPRESS and
/// the end of the connection. Completions have their own event ([`completed`]), literal chunks
/// and continuations none.
pub(crate) fn event(connection: &Span, event: &Event) {
    macro_rules! debug {
        ($($arg:tt)+) => {
            tracing::debug!(target: TRACE_TARGET, parent: connection, $($arg)+)
        };
    }
    match event {
        Event::Greeting(s) => debug!(kind = s.kind.name(), "greeting"),
        Event::Mailbox(update) => debug!(update = %Bounded(update), "mailbox update"),
        Event::Data(data) => debug!(data = %Bounded(data), "unsolicited data"),
        Event::Status(s) => debug!(
            kind = s.kind.name(),
            code = s.code.as_ref().map(|c| tracing::field::display(Bounded(c))),
            "unsolicited status: {}",
            crate::terminal::escaped(s.text.to_string_lossy().as_ref())
        ),
        Event::Bye(s) => debug!(
            "BYE: {}",
            crate::terminal::escaped(s.text.to_string_lossy().as_ref())
        ),
        Event::IdleStarted(CommandId(id)) => debug!(command = id, "IDLE started"),
        Event::StartTls => debug!("STARTTLS accepted: the driver upgrades the connection"),
        Event::Compressing => debug!("COMPRESS=DEFLATE on"),
        Event::Unparsed(error) => debug!(%error, "response skipped: it does not parse"),
        Event::Closed(None) => debug!("connection closed"),
        Event::Closed(Some(error)) => debug!(%error, "connection closed"),
        _ => {}
    }
}

/// The most characters of a value's `Debug` that an event shows.
const MAX_DEBUG: usize = 300;

/// A value's `Debug`, cut after [`MAX_DEBUG`] characters (with `...`): formatting stops there,
/// so a FETCH holding a whole message costs no more than a short one.
struct Bounded<'a, T: fmt::Debug>(&'a T);

impl<T: fmt::Debug> fmt::Display for Bounded<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Limited {
            f,
            left: MAX_DEBUG,
            cut: false,
        };
        let written = fmt::write(&mut out, format_args!("{:?}", self.0));
        if out.cut {
            out.f.write_str("...")
        } else {
            written
        }
    }
}

/// A writer that passes at most `left` bytes on, then fails (which stops the formatting).
struct Limited<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    left: usize,
    cut: bool,
}

impl fmt::Write for Limited<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.len() <= self.left {
            self.left -= s.len();
            return self.f.write_str(s);
        }
        let mut end = self.left;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.f.write_str(&s[..end])?;
        self.left = 0;
        self.cut = true;
        Err(fmt::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Data;

    #[test]
    fn bounded_debug_stops_early() {
        let big = Data::Search {
            nums: (1..100_000).collect(),
            modseq: None,
        };
        let shown = Bounded(&big).to_string();
        assert_eq!(shown.len(), MAX_DEBUG + 3);
        assert!(shown.starts_with("Search"), "{shown}");
        assert!(shown.ends_with("..."));
        assert_eq!(Bounded(&"short").to_string(), "\"short\"");
    }

    #[test]
    fn command_names() {
        use crate::types::SearchKey;
        let uid_search = CommandBody::Search {
            uid: true,
            returns: None,
            charset: None,
            criteria: vec![SearchKey::All],
        };
        assert_eq!(CommandName(&uid_search).to_string(), "UID SEARCH");
        assert_eq!(CommandName(&CommandBody::Noop).to_string(), "NOOP");
    }

    #[test]
    fn short_type_names() {
        let name = ShortTypeName("imap_core::ops::op::Simple<imap_core::ops::Appended>");
        assert_eq!(name.to_string(), "Simple<Appended>");
        assert_eq!(
            ShortTypeName("a::B<c::D, (e::F, u32)>").to_string(),
            "B<D, (F, u32)>"
        );
    }
}
