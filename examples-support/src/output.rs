//! Printing like a good command-line tool: a closed stdout (`example | head`) ends the program
//! quietly instead of panicking, errors are printed as sentences with their causes, and Ctrl-C
//! can be asked for instead of killing the process.

use std::error::Error;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Writes one line to stdout (like `println!`, but see [`write_line`]).
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::write_line(format_args!($($arg)*)) };
}

/// Writes one line to stdout. When stdout was closed by the reader (`example | head`), the
/// program ends at once with status 0, as a C tool dies of SIGPIPE; any other write error ends
/// it with a message and status 1 (`println!` would panic in both cases).
pub fn write_line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// An error as a sentence: its message, then each cause after a colon, unless the message
/// already ends with it (thiserror's `#[error("...: {0}")]`).
pub fn sentence(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let cause = s.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        source = s.source();
    }
    imap_core::terminal::escaped(&text).to_string()
}

/// The end of an example's `main`: `Ok` is status 0; an error is printed to stderr as a
/// sentence (`error: the server refused the command: NO [AUTHENTICATIONFAILED] ...`) and is
/// status 1.
pub fn report<E: Into<Box<dyn Error + Send + Sync>>>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let e: Box<dyn Error + Send + Sync> = e.into();
            eprintln!("error: {}", sentence(&*e));
            ExitCode::FAILURE
        }
    }
}

/// Prints `error: <message>` and ends the program with status 2 (a usage error).
pub fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

/// A flag raised by Ctrl-C (SIGINT), for the blocking examples: the first Ctrl-C sets it so
/// that the example can end IDLE with DONE and log out; a second one ends the program at once
/// (status 130, as a shell reports an interrupted program). Installed on first use.
pub fn interrupted() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        let installed = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing (Ctrl-C again to quit at once)");
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C cannot be caught ({e}); it will end the program");
        }
        flag
    })
    .clone()
}

/// Lowers the Ctrl-C flag again (the shell, after an interrupted IDLE).
pub fn clear_interrupt() {
    interrupted().store(false, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Outer(std::io::Error, bool);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.1 {
                write!(f, "connecting: {}", self.0)
            } else {
                f.write_str("connecting")
            }
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_cause_is_written_once_after_a_colon() {
        let io = || std::io::Error::new(ErrorKind::ConnectionRefused, "connection refused");
        assert_eq!(
            sentence(&Outer(io(), false)),
            "connecting: connection refused"
        );
        assert_eq!(
            sentence(&Outer(io(), true)),
            "connecting: connection refused"
        );
    }

    #[test]
    fn control_characters_from_a_server_are_shown_not_obeyed() {
        let e = std::io::Error::other("NO \u{1b}[2Jcleared");
        assert_eq!(sentence(&e), "NO \\x1b[2Jcleared");
    }
}
