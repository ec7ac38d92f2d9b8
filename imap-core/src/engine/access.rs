//! The getters every driver's connection, client and session share, written once over the
//! [`Engine`] they hold ([`HasEngine`]).

use super::Engine;
use crate::client::{Capabilities, ConnState, Event};
use crate::mailbox::SelectedMailbox;
use crate::types::StatusResponse;

/// Something that holds an [`Engine`]: a driver's connection, or its client and session
/// types. A driver implements the two accessors; the getters are written once, here.
pub trait HasEngine {
    /// The engine.
    fn engine(&self) -> &Engine;

    /// The engine, mutable.
    fn engine_mut(&mut self) -> &mut Engine;

    /// The connection's state (not authenticated, authenticated, selected, logged out).
    fn state(&self) -> ConnState {
        self.engine().client().state()
    }

    /// The server's capabilities as last announced, without asking (see
    /// [`Capabilities::is_known`]; `Commands::capabilities` asks when they are not known).
    fn known_capabilities(&self) -> &Capabilities {
        self.engine().client().capabilities()
    }

    /// The selected mailbox as the client's model knows it: EXISTS, UIDVALIDITY, and the
    /// sequence-number/UID map with per-message flags where known.
    fn selected(&self) -> Option<&SelectedMailbox> {
        self.engine().selected()
    }

    /// Whether the stream is protected by TLS (implicit TLS, or upgraded with STARTTLS).
    fn is_tls(&self) -> bool {
        self.engine().client().is_tls()
    }

    /// The server's greeting.
    fn greeting(&self) -> Option<&StatusResponse> {
        self.engine().greeting()
    }

    /// Whether the connection has ended (cleanly or not).
    fn is_closed(&self) -> bool {
        self.engine().is_closed()
    }

    /// Removes and returns the unsolicited events received so far (mailbox updates no
    /// command asked for, alerts, BYE), oldest first.
    fn drain_events(&mut self) -> Vec<Event> {
        self.engine_mut().drain_events().collect()
    }

    /// Removes and returns the oldest unsolicited event.
    fn poll_event(&mut self) -> Option<Event> {
        self.engine_mut().poll_event()
    }

    /// How many unsolicited events were dropped because the queue was full.
    fn dropped_events(&self) -> u64 {
        self.engine().dropped_events()
    }
}
