//! The interactive shell, IMAPClient's `interact` in Rust: a prompt with line editing and a
//! history file (rustyline), `help`, and a command for every operation of
//! [`imap_core::ops::Commands`] ([`table`]). What is typed becomes an [`Action`]; the driver's
//! example runs it (`session.run(op)`, or `.await`) and prints the text.
//!
//! ```text
//! imap> select INBOX
//! INBOX: 12 messages, 0 recent, first unseen 3, UIDVALIDITY 1, UIDNEXT 13, ...
//! imap> search UNSEEN FROM alice
//! 3:4,9
//! imap> fetch 3 ENVELOPE FLAGS
//!        3  2024-03-01 10:00:00 +0100  Alice <alice@example.org>  Lunch?  \Seen
//! ```

mod capture;
pub mod table;
pub mod words;

pub use capture::{Capture, Shown};
pub use table::{Action, Command, NOT_COMMANDS, commands};
pub use words::Words;

use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;
use std::path::PathBuf;

/// The prompt, its history and the command table.
pub struct Shell {
    editor: DefaultEditor,
    history: Option<PathBuf>,
    table: Vec<Command>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

/// The help text: every command with its arguments, or one command.
pub fn help(command: Option<&str>) -> String {
    let table = commands();
    if let Some(name) = command {
        return match table.iter().find(|c| c.name == name) {
            Some(c) => format!("{} {}\n  {}", c.name, c.args, c.help),
            None => format!("no command {name:?}; `help` lists them"),
        };
    }
    let width = table
        .iter()
        .map(|c| c.name.len() + c.args.len() + 1)
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "UIDS are UID sets (4, 1:3,7, 1:*); quote names with spaces (\"Sent Items\").\n",
    );
    for c in &table {
        let usage = format!("{} {}", c.name, c.args);
        out.push_str(&format!("  {usage:<width$}  {}\n", c.help));
    }
    out.push_str("Connecting, logging in and STARTTLS are done by the command-line options.");
    out
}

impl Shell {
    /// A shell with its history in `~/.imap_shell_history` (none when `HOME` is unset).
    ///
    /// # Errors
    /// When the terminal cannot be set up.
    pub fn new() -> Result<Shell, ReadlineError> {
        let mut editor = DefaultEditor::new()?;
        let history =
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".imap_shell_history"));
        if let Some(h) = &history {
            // A missing history file is the first run.
            let _ = editor.load_history(h);
        }
        Ok(Shell {
            editor,
            history,
            table: commands(),
        })
    }

    /// Reads lines until one asks for something; `None` at the end of input (Ctrl-D). Mistakes
    /// (an unknown command, bad arguments) are printed and another line is read.
    pub fn next_action(&mut self) -> Option<Action> {
        loop {
            let line = match self.editor.readline("imap> ") {
                Ok(line) => line,
                // Ctrl-C at the prompt clears the line, as in a shell.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => return None,
                Err(e) => {
                    eprintln!("error: cannot read the terminal: {e}");
                    return None;
                }
            };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let _ = self.editor.add_history_entry(line);
            match self.parse(line) {
                Ok(action) => return Some(action),
                Err(e) => eprintln!("error: {e}"),
            }
        }
    }

    /// The action a line asks for.
    ///
    /// # Errors
    /// A sentence: an unknown command (with the nearest name), or what is wrong with the
    /// arguments.
    pub fn parse(&self, line: &str) -> Result<Action, String> {
        let words = Words::split(line)?;
        let Some(name) = words.command() else {
            return Err("an empty line".into());
        };
        let name = match name {
            "exit" | "logout" | "q" => "quit",
            "?" => "help",
            other => other,
        };
        match self.table.iter().find(|c| c.name == name) {
            Some(c) => c.parse(&words),
            None => {
                let near: Vec<&str> = self
                    .table
                    .iter()
                    .map(|c| c.name)
                    .filter(|n| n.starts_with(&name[..1]))
                    .collect();
                Err(format!(
                    "no command {name:?}{}; `help` lists them",
                    if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (perhaps {})", near.join(", "))
                    }
                ))
            }
        }
    }
}

/// Prints what a command gave: its text, then the server's unsolicited updates (`* 1 new
/// message, now 21`), or its error as a sentence. Returns the error when the session cannot go
/// on (`fatal`), so that the shell ends with it.
///
/// # Errors
/// `result`'s error when `fatal` says so.
pub fn print_outcome<E: std::error::Error + 'static>(
    result: Result<Option<String>, E>,
    events: &[imap_core::client::Event],
    fatal: impl Fn(&E) -> bool,
) -> Result<(), E> {
    if let Ok(Some(text)) = &result {
        crate::outln!("{text}");
    }
    for e in events {
        crate::outln!("* {}", crate::show::event(e));
    }
    match result {
        Err(e) if fatal(&e) => Err(e),
        Err(e) => {
            eprintln!("error: {}", crate::output::sentence(&e));
            Ok(())
        }
        Ok(_) => Ok(()),
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        if let Some(h) = &self.history
            && let Err(e) = self.editor.save_history(h)
        {
            eprintln!("warning: history not saved to {}: {e}", h.display());
        }
    }
}
