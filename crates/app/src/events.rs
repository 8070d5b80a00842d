//! Live events: "something new for these organisations". Each node keeps a broadcast channel
//! for its connected clients; with PostgreSQL every event also crosses to the other nodes
//! through the store's publish/subscribe, so a client on node B hears what node A did.

use kakehashi_domain::OrgId;
use kakehashi_policy::Access;
use serde::{Deserialize, Serialize};
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

/// The node-local hub.
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(4096);
        Self { tx }
    }
}

impl Events {
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
    /// Delivers to this node's listeners (none listening is fine).
    pub fn local(&self, e: Event) {
        let _ = self.tx.send(e);
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
