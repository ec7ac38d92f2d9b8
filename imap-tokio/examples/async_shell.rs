//! An interactive IMAP shell, like IMAPClient's `interact`, on tokio: the same commands as
//! imap-blocking's `shell` (one table, in the `imap-examples` crate), run with `.await`.
//!
//! `cargo run -p imap-tokio --example async_shell -- imaps://alice@imap.example.org/`, or
//! `... -- -H imap.example.org -u alice`, or `... -- -f imapclient.ini`.

mod common;

use clap::Parser;
use imap_examples::args::Shell as Cli;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match common::login(&cli.conn).await {
        Ok((session, _)) => common::shell(session).await,
        Err(e) => Err(e),
    };
    imap_examples::report(result)
}
