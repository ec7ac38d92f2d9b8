//! What the connection reads and writes: the [`Stream`] trait (a `Read + Write` whose reads can
//! time out), its implementations for TCP, Unix sockets and child processes
//! ([`CommandStream`]), and [`AnyStream`] for any other `Read + Write`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// A byte stream the connection can drive: `Read + Write + Send`, plus read timeouts so that
/// command timeouts and IDLE re-issue work while a read is blocked.
pub trait Stream: Read + Write + Send {
    /// Sets how long the next reads may block (`None`: forever). A read that times out fails
    /// with [`io::ErrorKind::WouldBlock`] or [`io::ErrorKind::TimedOut`].
    ///
    /// Returns `false` when the stream cannot time out (reads block until data or end of
    /// stream, so timeouts only fire between reads).
    ///
    /// # Errors
    /// When the operating system refuses the setting.
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool>;

    /// Sets how long the next writes may block without progress (`None`: forever), so that a
    /// server that stops reading cannot hold a command past its deadline. A write that times
    /// out fails with [`io::ErrorKind::WouldBlock`] or [`io::ErrorKind::TimedOut`] (or writes
    /// less than asked).
    ///
    /// Returns `false` when the stream cannot time out writes (the default: a write blocks
    /// until the peer takes the bytes).
    ///
    /// # Errors
    /// When the operating system refuses the setting.
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        let _ = timeout;
        Ok(false)
    }
}

impl Stream for TcpStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        TcpStream::set_read_timeout(self, timeout.map(|t| t.max(Duration::from_millis(1))))?;
        Ok(true)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        TcpStream::set_write_timeout(self, timeout.map(|t| t.max(Duration::from_millis(1))))?;
        Ok(true)
    }
}

#[cfg(unix)]
impl Stream for std::os::unix::net::UnixStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        std::os::unix::net::UnixStream::set_read_timeout(
            self,
            timeout.map(|t| t.max(Duration::from_millis(1))),
        )?;
        Ok(true)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        std::os::unix::net::UnixStream::set_write_timeout(
            self,
            timeout.map(|t| t.max(Duration::from_millis(1))),
        )?;
        Ok(true)
    }
}

/// Any `Read + Write + Send` as a [`Stream`] whose reads cannot time out: a command timeout
/// is only noticed when data arrives. Prefer a stream with real timeouts for network use.
#[derive(Debug)]
pub struct AnyStream<S>(pub S);

impl<S: Read> Read for AnyStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<S: Write> Write for AnyStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<S: Read + Write + Send> Stream for AnyStream<S> {
    fn set_read_timeout(&mut self, _timeout: Option<Duration>) -> io::Result<bool> {
        Ok(false)
    }
}

/// A child process spoken to over its stdin and stdout, like imaplib's `IMAP4_stream`
/// (`ssh host imapd`, `dovecot --exec-mail imap`). A reader thread moves its stdout into a
/// channel, so reads can time out. Dropping the stream closes stdin and kills the process if
/// it has not exited.
#[derive(Debug)]
pub struct CommandStream {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<io::Result<Vec<u8>>>,
    pending: Vec<u8>,
    pending_pos: usize,
    timeout: Option<Duration>,
    eof: bool,
}

impl CommandStream {
    /// Runs `command` through `sh -c` (`cmd /C` on Windows), with stdin and stdout piped and
    /// stderr inherited.
    ///
    /// # Errors
    /// When the process cannot be started.
    pub fn spawn(command: &str) -> io::Result<CommandStream> {
        Self::from_command(imap_connect::exports::shell_command(command))
    }

    /// Starts a prepared command; its stdin and stdout are piped whatever it said.
    ///
    /// # Errors
    /// When the process cannot be started.
    pub fn from_command(mut cmd: Command) -> io::Result<CommandStream> {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take();
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        let (tx, rx) = mpsc::sync_channel(4);
        std::thread::Builder::new()
            .name("imap-command-stream".into())
            .spawn(move || {
                loop {
                    let mut buf = vec![0u8; 16 * 1024];
                    match stdout.read(&mut buf) {
                        Ok(0) => {
                            let _ = tx.send(Ok(Vec::new()));
                            return;
                        }
                        Ok(n) => {
                            buf.truncate(n);
                            if tx.send(Ok(buf)).is_err() {
                                return;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            })?;
        Ok(CommandStream {
            child,
            stdin,
            rx,
            pending: Vec::new(),
            pending_pos: 0,
            timeout: None,
            eof: false,
        })
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Read for CommandStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending_pos == self.pending.len() {
            if self.eof {
                return Ok(0);
            }
            let next = match self.timeout {
                Some(t) => self.rx.recv_timeout(t).map_err(|e| match e {
                    RecvTimeoutError::Timeout => io::ErrorKind::TimedOut.into(),
                    RecvTimeoutError::Disconnected => io::ErrorKind::UnexpectedEof.into(),
                }),
                None => self
                    .rx
                    .recv()
                    .map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof)),
            };
            let chunk: io::Result<Vec<u8>> = next.and_then(|r| r);
            let chunk = chunk?;
            if chunk.is_empty() {
                self.eof = true;
                return Ok(0);
            }
            self.pending = chunk;
            self.pending_pos = 0;
        }
        let n = buf.len().min(self.pending.len() - self.pending_pos);
        buf[..n].copy_from_slice(&self.pending[self.pending_pos..self.pending_pos + n]);
        self.pending_pos += n;
        Ok(n)
    }
}

impl Write for CommandStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.stdin {
            Some(s) => s.write(buf),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.stdin {
            Some(s) => s.flush(),
            None => Ok(()),
        }
    }
}

impl Stream for CommandStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        self.timeout = timeout.map(|t| t.max(Duration::from_millis(1)));
        Ok(true)
    }
}

impl Drop for CommandStream {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
