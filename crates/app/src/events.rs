//! Live events: "something new for these organisations". Each node keeps a broadcast channel
//! for its connected clients; with PostgreSQL every event also crosses to the other nodes
//! through the store's publish/subscribe, so a client on node B hears what node A did.

use kakehashi_domain::OrgId;
use kakehashi_policy::Access;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Something new for the people of some organisations. A connected client hears it only when
/// its organisation is among `orgs` and the policy lets its person read the item (`scope`):
/// [`crate::App::tells`], the same answer as the inbox row written before the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The inbox row kind: "copy", "numbered", "provision", "consent"…
    pub kind: String,
    pub ref_id: String,
    /// Organisations reached (their inbox rows are already written).
    pub orgs: Vec<OrgId>,
    /// The item's scope, decided again for each listener.
    pub scope: Access,
}

/// An event as this node heard it: numbered in the order the node heard events (so that work
/// done once per event, such as reading the credential generation, can be shared by every open
/// stream), with the reached organisations as a set. One allocation per event, shared by every
/// listener of the node: a listener receives a clone of the handle, not of the event.
#[derive(Debug, Clone)]
pub struct Heard(Arc<HeardInner>);

#[derive(Debug)]
struct HeardInner {
    seq: u64,
    event: Event,
    orgs: HashSet<OrgId>,
}

impl Heard {
    /// The event's number on this node: later events have larger numbers.
    pub fn seq(&self) -> u64 {
        self.0.seq
    }
    /// Whether `org` is among the organisations reached (a set lookup, whatever their number).
    pub fn reaches(&self, org: &OrgId) -> bool {
        self.0.orgs.contains(org)
    }
}

impl std::ops::Deref for Heard {
    type Target = Event;
    fn deref(&self) -> &Event {
        &self.0.event
    }
}

/// The node-local hub.
pub struct Events {
    tx: broadcast::Sender<Heard>,
    /// The number of the last event heard.
    seq: AtomicU64,
}

impl Default for Events {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(4096);
        Self {
            tx,
            seq: AtomicU64::new(0),
        }
    }
}

impl Events {
    pub fn subscribe(&self) -> broadcast::Receiver<Heard> {
        self.tx.subscribe()
    }
    /// Delivers to this node's listeners (none listening is fine). The event is numbered before
    /// any listener can receive it.
    pub fn local(&self, e: Event) {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let orgs = e.orgs.iter().cloned().collect();
        let _ = self.tx.send(Heard(Arc::new(HeardInner {
            seq,
            event: e,
            orgs,
        })));
    }
    /// The number of the last event heard on this node (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }
}

impl crate::App {
    /// Announces an event: through the store to every node when it can, else on this node.
    pub async fn emit(&self, e: Event) {
        let payload = match serde_json::to_string(&e) {
            Ok(p) => p,
            Err(_) => return,
        };
        match self.store.publish(&payload).await {
            Ok(true) => {}
            Ok(false) => self.events.local(e),
            Err(err) => {
                tracing::warn!("publishing an event failed, delivering locally: {err}");
                self.events.local(e);
            }
        }
    }

    /// Forwards events published by any node into this node's hub. Call once at start-up.
    pub async fn start_event_relay(&self) -> crate::AppResult<()> {
        if let Some(mut rx) = self.store.subscribe().await? {
            let events = self.events.clone();
            tokio::spawn(async move {
                while let Some(p) = rx.recv().await {
                    if let Ok(e) = serde_json::from_str::<Event>(&p) {
                        events.local(e);
                    }
                }
            });
        }
        Ok(())
    }
}
