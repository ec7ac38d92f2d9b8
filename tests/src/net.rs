//! A minimal blocking driver for the sans-IO client over `std::net` ([`TcpClient`]), for tests
//! and benchmarks against servers on 127.0.0.1.
//!
//! The loop is the one the `imap-core` crate docs describe: read the socket (with a read
//! timeout) into [`ClientMachine::handle_input`], write what [`ClientMachine::poll_transmit`] gives, drain
//! [`ClientMachine::poll_event`], and call [`ClientMachine::handle_timeout`] when the client's timer is due.
//! Every wait is bounded by a deadline; nothing here spawns a thread.

use imap_core::client::{ClientConfig, ClientMachine, CommandId, Completion, Event, UsageError};
use imap_core::types::{CommandBody, StatusResponse};
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long a call waits by default before giving up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a [`TcpClient`] call failed.
#[derive(Debug)]
pub enum DriveError {
    /// The socket failed.
    Io(io::Error),
    /// The client refused the command.
    Usage(UsageError),
    /// The deadline passed before the awaited thing happened.
    Timeout(&'static str),
    /// The connection ended before the awaited thing happened.
    Closed(String),
}

impl fmt::Display for DriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriveError::Io(e) => write!(f, "socket: {e}"),
            DriveError::Usage(e) => write!(f, "refused by the client: {e}"),
            DriveError::Timeout(what) => write!(f, "timed out waiting for {what}"),
            DriveError::Closed(why) => write!(f, "connection closed: {why}"),
        }
    }
}

impl std::error::Error for DriveError {}

impl From<io::Error> for DriveError {
    fn from(e: io::Error) -> Self {
        DriveError::Io(e)
    }
}

impl From<UsageError> for DriveError {
    fn from(e: UsageError) -> Self {
        DriveError::Usage(e)
    }
}

/// The sans-IO [`ClientMachine`] on a blocking TCP socket.
pub struct TcpClient {
    /// The client state machine.
    pub client: ClientMachine,
    stream: TcpStream,
    /// Every event not yet taken, in order (completions are removed by [`TcpClient::wait`]).
    pub events: Vec<Event>,
    /// Every byte written to the socket (after COMPRESS: the compressed bytes), when
    /// [`TcpClient::record`] is on.
    pub sent: Vec<u8>,
    /// Record written bytes in [`TcpClient::sent`] (default on; benchmarks turn it off).
    pub record: bool,
    /// How long [`TcpClient::call`] and friends wait.
    pub timeout: Duration,
    eof: bool,
    buf: Vec<u8>,
}

impl fmt::Debug for TcpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpClient")
            .field("peer", &self.stream.peer_addr().ok())
            .field("state", &self.client.state())
            .finish()
    }
}

impl TcpClient {
    /// Connects to `addr` (without waiting for the greeting) with plaintext LOGIN allowed.
    ///
    /// # Errors
    /// When the connection cannot be made within [`DEFAULT_TIMEOUT`].
    pub fn connect(addr: SocketAddr) -> io::Result<TcpClient> {
        let config = ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        };
        TcpClient::connect_with(addr, config)
    }

    /// Connects to `addr` with `config`, without waiting for the greeting: commands sent before
    /// [`TcpClient::greeting`] are queued and go out once the greeting arrives.
    ///
    /// # Errors
    /// When the connection cannot be made within [`DEFAULT_TIMEOUT`].
    pub fn connect_with(addr: SocketAddr, config: ClientConfig) -> io::Result<TcpClient> {
        let stream = TcpStream::connect_timeout(&addr, DEFAULT_TIMEOUT)?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(DEFAULT_TIMEOUT))?;
        Ok(TcpClient {
            client: ClientMachine::new(config, Instant::now()),
            stream,
            events: Vec::new(),
            sent: Vec::new(),
            record: true,
            timeout: DEFAULT_TIMEOUT,
            eof: false,
            buf: vec![0; 64 * 1024],
        })
    }

    /// Waits for the greeting and returns it.
    ///
    /// # Errors
    /// When the connection fails or no greeting arrives in time.
    pub fn greeting(&mut self) -> Result<StatusResponse, DriveError> {
        let deadline = Instant::now() + self.timeout;
        self.run_until(deadline, "the greeting", |events| {
            events.iter().find_map(|e| match e {
                Event::Greeting(g) => Some(g.clone()),
                _ => None,
            })
        })
    }

    /// Queues `body` and writes what can be written now; the completion comes later (see
    /// [`TcpClient::wait`]).
    ///
    /// # Errors
    /// When the client refuses the command or the socket fails.
    pub fn send(&mut self, body: CommandBody) -> Result<CommandId, DriveError> {
        let id = self.client.send(Instant::now(), body)?;
        self.flush()?;
        Ok(id)
    }

    /// Runs until command `id` completes and returns (and removes) its completion.
    ///
    /// # Errors
    /// When the connection fails or the command does not complete in time.
    pub fn wait(&mut self, id: CommandId) -> Result<Completion, DriveError> {
        let deadline = Instant::now() + self.timeout;
        self.run_until(deadline, "a command completion", |events| {
            let at = events
                .iter()
                .position(|e| matches!(e, Event::Completed(c) if c.id == id))?;
            match events.remove(at) {
                Event::Completed(c) => Some(c),
                _ => None,
            }
        })
    }

    /// Sends `body` and waits for its completion.
    ///
    /// # Errors
    /// As [`TcpClient::send`] and [`TcpClient::wait`].
    pub fn try_call(&mut self, body: CommandBody) -> Result<Completion, DriveError> {
        let id = self.send(body)?;
        self.wait(id)
    }

    /// Sends `body` and waits for its completion.
    ///
    /// # Panics
    /// When the command is refused, the connection fails or the command does not complete in
    /// time (tests want a loud failure with the events seen so far).
    pub fn call(&mut self, body: CommandBody) -> Completion {
        let what = format!("{body:?}");
        self.try_call(body)
            .unwrap_or_else(|e| panic!("{what}: {e}; events: {:?}", self.events))
    }

    /// Writes everything the client has to send.
    ///
    /// # Errors
    /// When the socket fails.
    pub fn flush(&mut self) -> io::Result<()> {
        let mut out = Vec::new();
        self.client.poll_transmit(&mut out);
        if !out.is_empty() {
            self.stream.write_all(&out)?;
            if self.record {
                self.sent.extend_from_slice(&out);
            }
        }
        Ok(())
    }

    /// Moves bytes (one read of at most `deadline - now`, or until the client's timer) and
    /// drains the events into [`TcpClient::events`]. Returns whether anything was read.
    ///
    /// # Errors
    /// When the socket fails.
    pub fn step(&mut self, deadline: Instant) -> Result<bool, DriveError> {
        self.flush()?;
        self.drain();
        if self.eof {
            return Ok(false);
        }
        let now = Instant::now();
        let until = self
            .client
            .poll_timeout()
            .map_or(deadline, |t| t.min(deadline));
        let wait = until
            .saturating_duration_since(now)
            .max(Duration::from_millis(1));
        self.stream.set_read_timeout(Some(wait))?;
        let read = match self.stream.read(&mut self.buf) {
            Ok(0) => {
                self.eof = true;
                self.client.handle_eof(Instant::now());
                false
            }
            Ok(n) => {
                self.client.handle_input(Instant::now(), &self.buf[..n]);
                true
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                self.client.handle_timeout(Instant::now());
                false
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                self.eof = true;
                self.client.handle_eof(Instant::now());
                false
            }
            Err(e) => return Err(e.into()),
        };
        self.flush()?;
        self.drain();
        Ok(read)
    }

    /// Steps until `found` returns something or `deadline` passes. `found` sees (and may take
    /// from) the recorded events after every step.
    ///
    /// # Errors
    /// When the socket fails, the connection closes first, or the deadline passes.
    pub fn run_until<T>(
        &mut self,
        deadline: Instant,
        what: &'static str,
        mut found: impl FnMut(&mut Vec<Event>) -> Option<T>,
    ) -> Result<T, DriveError> {
        self.flush()?;
        self.drain();
        loop {
            if let Some(t) = found(&mut self.events) {
                return Ok(t);
            }
            if let Some(reason) = self.events.iter().find_map(|e| match e {
                Event::Closed(r) => Some(r.clone()),
                _ => None,
            }) {
                return Err(DriveError::Closed(match reason {
                    Some(e) => e.to_string(),
                    None => "after LOGOUT".into(),
                }));
            }
            if self.eof {
                return Err(DriveError::Closed("end of stream".into()));
            }
            if Instant::now() >= deadline {
                return Err(DriveError::Timeout(what));
            }
            self.step(deadline)?;
        }
    }

    /// Waits until the server closes the connection (after LOGOUT), at most `timeout`.
    /// Returns the `Closed` event's reason.
    ///
    /// # Errors
    /// When the socket fails or the server keeps the connection open.
    pub fn wait_closed(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<imap_core::client::ConnectionError>, DriveError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self.events.iter().find_map(|e| match e {
                Event::Closed(r) => Some(r.clone()),
                _ => None,
            }) {
                return Ok(r);
            }
            if Instant::now() >= deadline {
                return Err(DriveError::Timeout("the end of the connection"));
            }
            self.step(deadline)?;
        }
    }

    /// Reads for `period` (bounded), collecting whatever arrives.
    ///
    /// # Errors
    /// When the socket fails.
    pub fn settle(&mut self, period: Duration) -> Result<(), DriveError> {
        let deadline = Instant::now() + period;
        while Instant::now() < deadline && !self.eof {
            self.step(deadline)?;
        }
        Ok(())
    }

    fn drain(&mut self) {
        while let Some(e) = self.client.poll_event() {
            self.events.push(e);
        }
    }
}
