//! Connection caps for the TCP listener: at most so many connections in all and from one
//! address. When a cap is reached the oldest connection that has not logged in yet is dropped
//! to make room (Dovecot's behaviour); when every connection has logged in, the new one is
//! refused with `* BYE`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// How many TCP connections a listener keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// Connections in all.
    pub max_connections: usize,
    /// Connections from one IP address.
    pub max_per_address: usize,
}

impl Default for ConnectionLimits {
    /// 10,000 in all and 2,048 per address: room for the load tests' thousand connections
    /// from 127.0.0.1, while one address cannot take the whole server.
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 10_000,
            max_per_address: 2_048,
        }
    }
}

impl ConnectionLimits {
    /// Limits of `max_connections` in all and `max_per_address` per address.
    pub fn new(max_connections: usize, max_per_address: usize) -> Self {
        ConnectionLimits {
            max_connections,
            max_per_address,
        }
    }
}

/// What a connection's task and the registry share about it.
#[derive(Debug, Default)]
pub(crate) struct Ticket {
    /// Set by the task when its client has logged in.
    logged_in: AtomicBool,
    /// Set by the registry to make room: the task ends at its next wakeup.
    evicted: AtomicBool,
    /// Wakes the task when it is evicted.
    pub(crate) wake: Notify,
}

impl Ticket {
    /// The client logged in: the connection is no longer the first to go.
    pub(crate) fn set_logged_in(&self) {
        self.logged_in.store(true, Ordering::Relaxed);
    }

    /// Whether the registry dropped this connection to make room.
    pub(crate) fn is_evicted(&self) -> bool {
        self.evicted.load(Ordering::Relaxed)
    }
}

#[derive(Debug)]
struct Entry {
    addr: IpAddr,
    ticket: Arc<Ticket>,
}

/// The live TCP connections of a server, oldest first (connection numbers increase).
#[derive(Debug, Default)]
pub(crate) struct Registry {
    limits: ConnectionLimits,
    live: Mutex<BTreeMap<u64, Entry>>,
}

/// Deregisters a connection when its task ends.
#[derive(Debug)]
pub(crate) struct Admitted {
    registry: Arc<Registry>,
    id: u64,
    /// The connection's ticket.
    pub(crate) ticket: Arc<Ticket>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    pub(crate) fn new(limits: ConnectionLimits) -> Self {
        Registry {
            limits,
            live: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Entry>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits connection `id` from `addr`, evicting the oldest connection not logged in when
    /// a cap is reached; `None` when there is no room (every candidate has logged in).
    pub(crate) fn admit(self: &Arc<Self>, id: u64, addr: IpAddr) -> Option<Admitted> {
        let mut live = self.lock();
        let from_addr = live.values().filter(|e| e.addr == addr).count();
        if from_addr >= self.limits.max_per_address && !evict(&mut live, Some(addr)) {
            return None;
        }
        if live.len() >= self.limits.max_connections && !evict(&mut live, None) {
            return None;
        }
        let ticket = Arc::new(Ticket::default());
        live.insert(
            id,
            Entry {
                addr,
                ticket: ticket.clone(),
            },
        );
        Some(Admitted {
            registry: self.clone(),
            id,
            ticket,
        })
    }
}

/// Evicts the oldest connection not logged in (from `addr`, if given); whether there was one.
fn evict(live: &mut BTreeMap<u64, Entry>, addr: Option<IpAddr>) -> bool {
    let victim = live
        .iter()
        .find(|(_, e)| {
            addr.is_none_or(|a| e.addr == a) && !e.ticket.logged_in.load(Ordering::Relaxed)
        })
        .map(|(&id, _)| id);
    let Some(id) = victim else {
        return false;
    };
    if let Some(e) = live.remove(&id) {
        e.ticket.evicted.store(true, Ordering::Relaxed);
        e.ticket.wake.notify_one();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn the_oldest_pre_login_connection_makes_room() {
        let r = Arc::new(Registry::new(ConnectionLimits::new(4, 2)));
        let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        let a1 = r.admit(1, a).unwrap();
        let a2 = r.admit(2, a).unwrap();
        a2.ticket.set_logged_in();
        // Per address: 1 (not logged in) goes, not 2.
        let a3 = r.admit(3, a).unwrap();
        assert!(a1.ticket.is_evicted() && !a2.ticket.is_evicted());
        // Both of a's connections logged in: a fourth from a is refused.
        a3.ticket.set_logged_in();
        assert!(r.admit(4, a).is_none());
        // In all: b's first connections fill the server, then the oldest pre-login goes.
        let b5 = r.admit(5, b).unwrap();
        let b6 = r.admit(6, b).unwrap();
        drop(a1);
        assert_eq!(r.lock().len(), 4);
        b6.ticket.set_logged_in();
        let _b7 = r.admit(7, b);
        assert!(b5.ticket.is_evicted());
        // A finished connection leaves room.
        drop(a2);
        assert_eq!(r.lock().len(), 3);
    }
}
