//! What the connection reads and writes: any [`AsyncStream`] (`AsyncRead + AsyncWrite +
//! Unpin + Send`), and [`CommandStream`] for a child process's stdin and stdout.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// A byte stream the connection can drive. Implemented for every `AsyncRead + AsyncWrite +
/// Unpin + Send` type (TCP, Unix sockets, duplex pipes, [`CommandStream`], ...). Timeouts are
/// timers around reads, so any stream supports them.
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

/// A child process spoken to over its stdin and stdout, like imaplib's `IMAP4_stream`
/// (`ssh host imapd`). The process is killed when the stream is dropped.
#[derive(Debug)]
pub struct CommandStream {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl CommandStream {
    /// Runs `command` through `sh -c` (`cmd /C` on Windows), with stdin and stdout piped and
    /// stderr inherited.
    ///
    /// # Errors
    /// When the process cannot be started.
    pub fn spawn(command: &str) -> io::Result<CommandStream> {
        Self::from_command(imap_connect::exports::shell_command(command).into())
    }

    /// Starts a prepared command; its stdin and stdout are piped whatever it said.
    ///
    /// # Errors
    /// When the process cannot be started.
    pub fn from_command(mut cmd: Command) -> io::Result<CommandStream> {
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        Ok(CommandStream {
            child,
            stdin,
            stdout,
        })
    }

    /// The process id, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

impl AsyncRead for CommandStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdout).poll_read(cx, buf)
    }
}

impl AsyncWrite for CommandStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stdin).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_shutdown(cx)
    }
}
