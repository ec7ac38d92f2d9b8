//! The shell's commands are [`Commands`] methods: [`Capture`] is a `Commands` whose `run` hands
//! the operation back instead of running it, so the table calls the very methods a program
//! calls, and the driver runs what they build. [`Shown`] is such an operation with its result
//! turned into the text to print.

use imap_core::engine::OpContext;
use imap_core::ops::{Commands, OpError, Operation};
use std::task::Poll;
use std::time::Instant;

/// A [`Commands`] that returns each operation instead of running it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Capture;

impl Commands for Capture {
    type Run<'a, O: Operation + 'a> = O;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> O {
        op
    }
}

/// An operation whose output is the text the shell prints: run it with the driver's `run`
/// (`session.run(shown)?`, or `.await?`).
pub struct Shown(Box<dyn Operation<Output = String>>);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shown(..)")
    }
}

impl Shown {
    /// `op`, its result printed by `show`.
    pub fn new<O, F>(op: O, show: F) -> Shown
    where
        O: Operation + 'static,
        F: FnOnce(O::Output) -> String + Send + 'static,
    {
        Shown(Box::new(Mapped {
            op,
            show: Some(show),
        }))
    }
}

impl Operation for Shown {
    type Output = String;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<String, OpError>> {
        self.0.step(cx)
    }

    fn wake_at(&self) -> Option<Instant> {
        self.0.wake_at()
    }

    fn keeps_idle(&self) -> bool {
        self.0.keeps_idle()
    }
}

struct Mapped<O, F> {
    op: O,
    show: Option<F>,
}

impl<O, F> Operation for Mapped<O, F>
where
    O: Operation,
    F: FnOnce(O::Output) -> String + Send,
{
    type Output = String;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<String, OpError>> {
        match self.op.step(cx) {
            Poll::Ready(Ok(out)) => {
                // `step` is not called again after `Ready` (the `Operation` contract).
                let show = self.show.take().expect("an operation ends once");
                Poll::Ready(Ok(show(out)))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn wake_at(&self) -> Option<Instant> {
        self.op.wake_at()
    }

    fn keeps_idle(&self) -> bool {
        self.op.keeps_idle()
    }
}
