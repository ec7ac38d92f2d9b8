//! The options of the examples both drivers have (`browse`, `download`, `watch`, `shell`, and
//! the others'), declared once: each driver's example parses them and does the work with its
//! own session.

use crate::ConnectArgs;
use imap_core::types::Section;
use std::path::PathBuf;

/// An example that takes a connection and free arguments (its source says which).
#[derive(clap::Parser, Debug)]
#[command(long_about = None)]
pub struct Plain {
    /// How to reach the server.
    #[command(flatten)]
    pub conn: ConnectArgs,
    /// The example's own arguments.
    pub args: Vec<String>,
}

/// Browses folders -> messages -> one message -> one part.
#[derive(clap::Parser, Debug)]
#[command(long_about = None)]
pub struct Browse {
    /// How to reach the server.
    #[command(flatten)]
    pub conn: ConnectArgs,
    /// The folder (default: the URL's; none: list the folders).
    pub folder: Option<String>,
    /// A message's UID (none: the latest messages).
    pub uid: Option<u32>,
    /// A part: 1.2, HEADER, TEXT, 1.MIME (none: the header and outline).
    pub part: Option<Section>,
    /// How many messages to list.
    #[arg(long, default_value_t = 20)]
    pub last: usize,
}

/// Saves every message of a folder as UID.eml.
#[derive(clap::Parser, Debug)]
#[command(long_about = None)]
pub struct Download {
    /// How to reach the server.
    #[command(flatten)]
    pub conn: ConnectArgs,
    /// The folder (default: the URL's, else INBOX).
    pub folder: Option<String>,
    /// Where the files go.
    #[arg(long, default_value = "mail")]
    pub dir: PathBuf,
}

/// Prints the changes of a folder as they happen, until Ctrl-C (which ends IDLE with DONE and
/// logs out).
#[derive(clap::Parser, Debug)]
#[command(long_about = None)]
pub struct Watch {
    /// How to reach the server.
    #[command(flatten)]
    pub conn: ConnectArgs,
    /// The folder (default: the URL's, else INBOX).
    pub folder: Option<String>,
}

/// An interactive IMAP shell (`help` lists its commands), like IMAPClient's `interact`.
#[derive(clap::Parser, Debug)]
#[command(long_about = None)]
pub struct Shell {
    /// How to reach the server.
    #[command(flatten)]
    pub conn: ConnectArgs,
}
