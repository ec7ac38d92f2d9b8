//! What the examples of `imap-blocking` and `imap-tokio` share, written once so that both
//! drivers have the same examples (browse, download, watch, the shell) with a thin
//! driver-specific `main`:
//!
//! - [`args`]: the options of each example, declared once for both drivers;
//! - [`options`]: the options every example takes (a URL, or IMAPClient's `-H/-P/-u` and INI
//!   file, `--starttls`, `--plain`, `--ca-file`, ...) turned into a [`imap_connect::Connector`],
//!   with the folder of the URL;
//! - [`config`]: IMAPClient's INI file (its keys, Python configparser's rules);
//! - [`oauth2`]: the INI file's refresh token exchanged for an access token at the provider's
//!   token endpoint;
//! - [`output`]: printing that ends quietly when stdout is closed (`| head`), errors printed as
//!   sentences, Ctrl-C;
//! - [`show`]: how folders, messages, events and results are printed;
//! - [`progress`]: download progress on a terminal, a summary otherwise;
//! - [`shell`]: the interactive shell (IMAPClient's `interact`): line editing, history, help and
//!   one table of commands covering every operation of [`imap_core::ops::Commands`];
//! - [`trace`]: `-v` (or `IMAP_DEBUG=1`) prints imap-core's trace on stderr.

pub mod args;
pub mod config;
pub mod oauth2;
pub mod options;
pub mod output;
pub mod progress;
pub mod shell;
pub mod show;
pub mod trace;

pub use options::ConnectArgs;
pub use output::{fail, report};
