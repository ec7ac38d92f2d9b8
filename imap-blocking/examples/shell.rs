//! An interactive IMAP shell, like IMAPClient's `interact`: line editing and history, `help`,
//! and a command for every operation of the session (the table is shared with imap-tokio's
//! `async_shell`, in the `imap-examples` crate).
//!
//! `cargo run -p imap-blocking --example shell -- imaps://alice@imap.example.org/`, or with
//! IMAPClient's options and INI file: `... -- -H imap.example.org -u alice`,
//! `... -- -f imapclient.ini` (keys `host`, `port`, `ssl`, `starttls`, `username`,
//! `password`, `ssl_verify_cert`, `ssl_ca_file`, `timeout`, `oauth2`, ...). The password is
//! asked for without echo when neither `IMAP_PASSWORD` nor the INI file has it.

mod common;

use clap::Parser;
use imap_examples::args::Shell as Cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    imap_examples::report(common::login(&cli.conn).and_then(|(session, _)| common::shell(session)))
}
