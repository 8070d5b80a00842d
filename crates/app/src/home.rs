//! "What needs me now?" — the items waiting for the actor's organisation to act, newest first:
//! cases to forward, provisions to relay and to acknowledge, unread 警報, consent requests,
//! consultations (相談) the organisation was asked and has not answered. It
//! is put together from the same listings as the inbox ([`crate::inbox`], its 要転送 filter)
//! and the provisions page (the policy's audience keys), so it shows nothing those pages would
//! not: there is no access rule here.

use crate::consultations::ConsultationView;
use crate::inbox::{ListingFilter, ListingRow, Scope};
use crate::provision::may_relay;
use crate::{Actor, App, AppResult};
use kakehashi_domain::Importance;
use kakehashi_policy::Visible;
use kakehashi_store::{ConsentRecord, DeliveryRecord, ProvisionSummary};

/// How many items of each kind the home page lists (the count says whether there are more).
pub const HOME_ITEMS: usize = 10;

/// One kind of waiting item: the newest [`HOME_ITEMS`], and how many there are in all
/// (`more`: at least that many, when the listing has further pages).
#[derive(Debug)]
pub struct Waiting<T> {
    pub items: Vec<T>,
    pub count: usize,
    pub more: bool,
}

impl<T> Waiting<T> {
    fn of(mut all: Vec<T>) -> Waiting<T> {
        let count = all.len();
        all.truncate(HOME_ITEMS);
        Waiting {
            items: all,
            count,
            more: false,
        }
    }
}

/// A provision with the actor's organisation's receipt.
#[derive(Debug)]
pub struct WaitingProvision {
    pub summary: ProvisionSummary,
    pub receipt: DeliveryRecord,
}

#[derive(Debug)]
pub struct Needs {
    /// Cases whose copy to the actor's organisation waits to be sent on (要転送).
    pub to_forward: Waiting<Visible<ListingRow>>,
    /// Provisions received and not yet relayed (ministries and CEPTOARs, approvers).
    pub to_relay: Waiting<WaitingProvision>,
    /// Provisions received and not yet acknowledged.
    pub to_ack: Waiting<WaitingProvision>,
    /// 警報 provisions nobody of the organisation has opened yet.
    pub unread_alerts: Waiting<WaitingProvision>,
    /// Consent requests addressed to the organisation, still undecided.
    pub consents: Waiting<ConsentRecord>,
    /// Consultations the organisation was asked, open and waiting for its answer (相談中).
    pub consultations: Waiting<Visible<ConsultationView>>,
}

/// How many provisions the home page looks through (the newest).
const PROVISIONS_SCANNED: u32 = 200;

impl App {
    pub async fn needs_me(&self, actor: &Actor) -> AppResult<Needs> {
        let filter = ListingFilter {
            to_forward: Some("true".into()),
            limit: Some(HOME_ITEMS.to_string()),
            ..ListingFilter::default()
        };
        let listing = self.listing(actor, Scope::Inbox, &filter).await?;
        let more = listing.next.is_some();
        let mut to_forward = Waiting::of(listing.items);
        to_forward.more = more;

        let mut received = Vec::new();
        for p in self.provisions(actor, PROVISIONS_SCANNED).await? {
            let deliveries = self.store.deliveries_of(&p.id).await?;
            let relayed = deliveries
                .iter()
                .any(|d| d.via_org.as_ref() == Some(&actor.org.id));
            if let Some(receipt) = deliveries.into_iter().find(|d| d.org == actor.org.id) {
                received.push((
                    relayed,
                    WaitingProvision {
                        summary: p,
                        receipt,
                    },
                ));
            }
        }
        // Newest first, as delivered to the organisation.
        received.sort_by_key(|r| std::cmp::Reverse(r.1.receipt.delivered_at));
        let mut to_relay = Vec::new();
        let mut to_ack = Vec::new();
        let mut unread_alerts = Vec::new();
        for (relayed, w) in received {
            let alert = w.summary.importance.as_deref() == Some(Importance::Alert.code());
            let unread = w.receipt.read_at.is_none();
            let unacked = w.receipt.acked_at.is_none();
            let relay = !relayed && may_relay(actor, &w.summary.tlp);
            let copy = || WaitingProvision {
                summary: w.summary.clone(),
                receipt: w.receipt.clone(),
            };
            if alert && unread {
                unread_alerts.push(copy());
            }
            if relay {
                to_relay.push(copy());
            }
            if unacked {
                to_ack.push(w);
            }
        }
        let mut consents: Vec<ConsentRecord> = self
            .my_consent_requests(actor)
            .await?
            .into_iter()
            .filter(|c| c.status == "pending")
            .collect();
        consents.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        // One more than shown, to say whether there are more.
        let asked = self
            .consultations_awaiting_me(actor, HOME_ITEMS as u32 + 1)
            .await?;
        let mut consultations = Waiting::of(asked);
        consultations.more = consultations.count > HOME_ITEMS;
        consultations.count = consultations.count.min(HOME_ITEMS);
        Ok(Needs {
            to_forward,
            to_relay: Waiting::of(to_relay),
            to_ack: Waiting::of(to_ack),
            unread_alerts: Waiting::of(unread_alerts),
            consents: Waiting::of(consents),
            consultations,
        })
    }
}
