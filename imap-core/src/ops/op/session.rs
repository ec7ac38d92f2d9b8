//! General commands of a session: NOOP, CHECK, PROXYAUTH, ENABLE, COMPRESS, ID, NAMESPACE, CLOSE, LOGOUT and
//! raw commands. One-command operations are [`Simple`]s built here.

use super::caps::KnownCaps;
use super::{OpError, Operation, Simple};
use crate::client::{CommandId, Completion, UsageError};
use crate::engine::OpContext;
use crate::ops::info;
use crate::types::{Atom, Capability, CommandBody, Data, Namespaces, RawArgs, Str};
use std::task::Poll;
use std::time::{Duration, Instant};

/// NOOP: lets the server report changes (they land in the model and the event queue).
pub fn noop() -> Simple<()> {
    Simple::unit(CommandBody::Noop)
}

/// CHECK (RFC 3501 section 6.4.1): asks the server for a checkpoint of the selected mailbox.
/// IMAP4rev2 removed it (RFC 9051 appendix E): a server that no longer knows it answers
/// `BAD`, which is [`OpError::Command`]; NOOP does what a client needs.
pub fn check() -> Simple<()> {
    Simple::unit(CommandBody::Check)
}

/// PROXYAUTH (Cyrus IMAP, Python's `imaplib.proxyauth`): an administrator logged in acts as
/// `user` from then on (valid only before a mailbox is selected). Servers other than Cyrus
/// answer `BAD`, which is [`OpError::Command`].
pub fn proxy_auth(user: &str) -> Simple<()> {
    Simple::unit(CommandBody::ProxyAuth(Str::from(user)))
}

/// CLOSE: expunges the messages marked `\Deleted` (in a read-write folder) and leaves it.
pub fn close() -> Simple<()> {
    Simple::unit(CommandBody::Close)
}

/// ENABLE (RFC 5161); yields what the server enabled. Valid before any mailbox is selected
/// (RFC 9051 section 6.3.1): with a mailbox selected it is refused locally.
pub fn enable(caps: &[Capability]) -> Simple<Vec<Capability>> {
    Simple::map(CommandBody::Enable(caps.to_vec()), |c| {
        c.data
            .into_iter()
            .filter_map(|d| match d {
                Data::Enabled(l) => Some(l),
                _ => None,
            })
            .flatten()
            .collect()
    })
}

/// One parameter of an ID exchange (RFC 2971).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdParam {
    /// The field name (`name`, `version`, `vendor`, ...).
    pub name: String,
    /// Its value (`None` for `NIL`).
    pub value: Option<String>,
}

/// ID (RFC 2971): sends these parameters, yields the server's (empty for `ID NIL`).
pub fn id(params: &[(&str, Option<&str>)]) -> Simple<Vec<IdParam>> {
    Simple::map(info::id_command(params), |c| {
        info::id(&c)
            .into_iter()
            .map(|(name, value)| IdParam { name, value })
            .collect()
    })
}

/// NAMESPACE (RFC 2342).
pub fn namespace() -> Simple<Namespaces> {
    Simple::map(CommandBody::Namespace, |c| info::namespaces(&c))
}

/// Any command; yields its OK completion with all its data: the escape hatch for what has no
/// operation of its own.
pub fn command(body: CommandBody) -> Simple<Completion> {
    Simple::completion(body)
}

/// A raw command line (`XAPPLEPUSHSERVICE aps-version 2`): the first word is the command
/// name, the rest is sent as it is. Its untagged data arrives as [`Data::Other`] in the
/// completion when the core does not know it. Fails with [`UsageError::Invalid`] when the line
/// holds CR or LF or the name is not an atom.
pub fn raw_command(line: &str) -> Simple<Completion> {
    let line = line.trim();
    let (name, args) = line.split_once(' ').unwrap_or((line, ""));
    let invalid = |_| OpError::Usage(UsageError::Invalid("raw command"));
    let body = Atom::try_from(name).map_err(invalid).and_then(|name| {
        let args = RawArgs::new(args.as_bytes().to_vec()).map_err(invalid)?;
        Ok(CommandBody::Other { name, args })
    });
    Simple::try_new(body, |c, _| Ok(c))
}

/// COMPRESS=DEFLATE (RFC 4978): when the server offers it, compresses both directions from
/// here on (the core deflates; the transport is unchanged) and yields `true`; yields `false`
/// when the server does not offer it. A second one is refused locally.
#[derive(Debug, Default)]
pub struct Compress {
    known: KnownCaps,
    id: Option<CommandId>,
}

impl Compress {
    /// The operation.
    pub fn new() -> Compress {
        Compress::default()
    }
}

impl Operation for Compress {
    type Output = bool;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<bool, OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => {
                std::task::ready!(self.known.poll(cx))?;
                let deflate = Atom::from_static("DEFLATE");
                if !cx
                    .capabilities()
                    .has(&Capability::Compress(deflate.clone()))
                {
                    return Poll::Ready(Ok(false));
                }
                *self.id.insert(cx.send(CommandBody::Compress(deflate))?)
            }
        };
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(true))
    }
}

/// How long [`Logout`] waits for the server to close the connection after LOGOUT's OK.
pub const LOGOUT_LINGER: Duration = Duration::from_secs(2);

/// LOGOUT: sends it, waits for its completion and (at most [`LOGOUT_LINGER`]) for the server
/// to close the connection. Nothing when the connection is already closed. An IDLE still
/// running is ended first, as before any operation.
#[derive(Debug, Default)]
pub struct Logout {
    id: Option<CommandId>,
    linger_until: Option<Instant>,
}

impl Logout {
    /// The operation.
    pub fn new() -> Logout {
        Logout::default()
    }
}

impl Operation for Logout {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        if let Some(until) = self.linger_until {
            return if cx.is_closed() || cx.now() >= until {
                Poll::Ready(Ok(()))
            } else {
                Poll::Pending
            };
        }
        let id = match self.id {
            Some(id) => id,
            None if cx.is_closed() => return Poll::Ready(Ok(())),
            None => *self.id.insert(cx.send(CommandBody::Logout)?),
        };
        std::task::ready!(cx.poll_completion(id))?;
        if cx.is_closed() {
            return Poll::Ready(Ok(()));
        }
        self.linger_until = Some(cx.now() + LOGOUT_LINGER);
        Poll::Pending
    }

    fn wake_at(&self) -> Option<Instant> {
        self.linger_until
    }
}
