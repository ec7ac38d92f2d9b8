//! Download progress: a bar on stderr when it is a terminal, and a one-line summary at the end
//! either way (so a log or a pipe gets the summary and no control characters).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// Progress of a download of `total` bytes in some messages.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    messages: u64,
    bytes: u64,
}

impl Progress {
    /// Starts counting; draws a bar when stderr is a terminal.
    pub fn new(total_bytes: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            messages: 0,
            bytes: 0,
        }
    }

    /// Whether a bar is drawn.
    pub fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    /// One message of `bytes` bytes done (`what` names it on the bar).
    pub fn message_done(&mut self, what: &str, bytes: u64) {
        self.messages += 1;
        self.bytes += bytes;
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_owned());
            bar.inc(bytes);
        }
    }

    /// Removes the bar and returns the summary line (`12 messages, 1.4 MiB in 0.8 s to mail/`).
    pub fn finish(self, destination: &str) -> String {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let secs = self.started.elapsed().as_secs_f64();
        format!(
            "{} message{}, {} in {secs:.1} s to {destination}",
            self.messages,
            if self.messages == 1 { "" } else { "s" },
            indicatif::HumanBytes(self.bytes),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_messages_and_bytes() {
        let mut p = Progress::new(3 * 1024 * 1024);
        p.message_done("UID 1", 1024 * 1024);
        p.message_done("UID 2", 2 * 1024 * 1024);
        let line = p.finish("mail/");
        assert!(line.starts_with("2 messages, 3.00 MiB in "), "{line}");
        assert!(line.ends_with(" s to mail/"), "{line}");
        let one = Progress::new(5);
        assert!(one.finish("x").starts_with("0 messages, 0 B in "));
    }
}
