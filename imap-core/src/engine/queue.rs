//! The bounded queue of unsolicited events ([`EventQueue`]).

use crate::client::Event;
use std::collections::VecDeque;

/// How many unsolicited events an engine keeps by default before dropping the oldest.
pub const DEFAULT_MAX_EVENTS: usize = 10_000;

/// Unsolicited events waiting for the caller: at most `max`, the oldest dropped (and counted)
/// beyond it, so a server that floods a connection nobody reads costs bounded memory.
#[derive(Debug)]
pub struct EventQueue {
    events: VecDeque<Event>,
    max: usize,
    dropped: u64,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::new(DEFAULT_MAX_EVENTS)
    }
}

impl EventQueue {
    /// An empty queue keeping at most `max` events.
    pub fn new(max: usize) -> EventQueue {
        EventQueue {
            events: VecDeque::new(),
            max,
            dropped: 0,
        }
    }

    /// Adds an event, dropping the oldest one when the queue is full.
    pub fn push(&mut self, e: Event) {
        if self.max == 0 {
            self.dropped += 1;
            return;
        }
        if self.events.len() >= self.max {
            self.events.pop_front();
            self.dropped += 1;
        }
        self.events.push_back(e);
    }

    /// Removes and returns the oldest event.
    pub fn pop(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Removes and returns every event, oldest first.
    pub fn drain(&mut self) -> std::collections::vec_deque::Drain<'_, Event> {
        self.events.drain(..)
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Gives back the spare room of the queue (it grows again with the next event).
    pub fn shrink_to_fit(&mut self) {
        self.events.shrink_to_fit();
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// How many events were dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Changes the bound; events beyond it are dropped (the oldest first) at once.
    pub fn set_max(&mut self, max: usize) {
        self.max = max;
        while self.events.len() > max {
            self.events.pop_front();
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Event;

    #[test]
    fn full_queue_drops_the_oldest_and_counts() {
        let mut q = EventQueue::new(2);
        for _ in 0..5 {
            q.push(Event::Compressing);
        }
        assert_eq!((q.len(), q.dropped()), (2, 3));
        q.set_max(0);
        q.push(Event::StartTls);
        assert_eq!((q.len(), q.dropped()), (0, 6));
    }
}
