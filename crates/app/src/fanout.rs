//! 通知の配信 — telling people that something reached them: inbox rows, live events, webhooks
//! and mail, for liaison copies and provisions alike.
//!
//! Who is told is not a rule of its own. The candidates are the active people of the
//! organisations an item reached; each is told exactly when the one policy lets them read the
//! item ([`kakehashi_policy::decide`] on their [`Viewer`] and the item's [`ItemScope`]). The inbox
//! rows, the mail and the live events all come from that one answer, so none of them can drift
//! from what a read would allow (a property test checks them against `decide` on random worlds).
//! An organisation's webhook fires when the organisation as a whole may read the item (its staff
//! with every need-to-know); webhook bodies carry markings and a link, never content.

use crate::error::AppResult;
use crate::events::Event;
use crate::identity::{org_from_record, person_from_record};
use crate::notify::OutgoingMail;
use crate::App;
use kakehashi_domain::{Employment, NeedToKnow, OrgId, Person, PersonId, Role};
use kakehashi_policy::{decide_access, Access, ItemScope, Viewer};
use kakehashi_store::{OrgRecord, PersonRecord, WebhookDeliveryRecord, WebhookRecord};
use std::collections::HashMap;
use std::sync::Arc;

/// Whether a person is told about an item: exactly when they may read it.
pub fn told(viewer: &Viewer, scope: &ItemScope) -> bool {
    told_access(viewer, &Access::Item(scope.clone()))
}

/// Whether a person is told about anything the policy decides: exactly when they may read it.
pub fn told_access(viewer: &Viewer, access: &Access) -> bool {
    decide_access(viewer, access).allowed
}

/// Whether an organisation as a whole is told (its webhooks): when its staff with every
/// need-to-know may read the item.
pub fn org_told(org: &OrgRecord, scope: &ItemScope) -> bool {
    org_told_access(org, &Access::Item(scope.clone()))
}

/// As [`org_told`], for anything the policy decides.
pub fn org_told_access(org: &OrgRecord, access: &Access) -> bool {
    let Ok(org) = org_from_record(org) else {
        return false;
    };
    let whole = Person {
        id: PersonId(String::new()),
        org: org.id.clone(),
        roles: vec![Role::Reader],
        employment: Employment::Staff,
        need_to_know: NeedToKnow::All,
    };
    Viewer::new(&whole, &org).is_ok_and(|v| told_access(&v, access))
}

/// When a told person gets mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailWhen {
    /// 警報: everyone told, at once, whatever their preference.
    Alert,
    /// As each person chose: at once ("immediate"), in the digest ("digest") or never.
    ByPreference,
}

/// Builds one person's mail from their address (the body is the same TLP-safe text for all).
pub type MailFor = Arc<dyn Fn(&str) -> OutgoingMail + Send + Sync>;

/// Something new that reached some organisations.
pub struct Notice {
    /// Inbox row kind: "copy", "numbered", "provision", "consent"…
    pub kind: &'static str,
    pub ref_id: String,
    pub title: String,
    pub importance: Option<String>,
    /// The item's scope, as every read of it is decided.
    pub scope: ItemScope,
    /// The organisations reached; their active people are the candidates.
    pub orgs: Vec<OrgId>,
    pub mail: Option<(MailWhen, MailFor)>,
    /// Webhook body for the organisations told; `None` for no webhook.
    pub webhook: Option<serde_json::Value>,
}

/// Something new on an edge of its own to or from NISC (a submission, a request for
/// cooperation, a reply): inbox rows and live events for the people the policy admits; no mail
/// body or webhook of its own.
pub struct AccessNotice {
    /// Inbox row kind: "submission", "coop_request", "coop_reply"…
    pub kind: &'static str,
    pub ref_id: String,
    pub title: String,
    pub importance: Option<String>,
    /// As every read of it is decided.
    pub access: Access,
    /// The organisations reached; their active people are the candidates.
    pub orgs: Vec<OrgId>,
}

/// Who was told, for the caller (and tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    pub people: Vec<PersonId>,
    pub orgs: Vec<OrgId>,
}

/// Whom a notice reaches, as the policy decided it before the write (see [`App::reach`]).
#[derive(Debug, Clone)]
pub struct Reach {
    /// The organisations reached (the live event's; its listeners decide again).
    pub orgs: Vec<OrgId>,
    pub access: Access,
    /// The active people the policy lets read the item.
    pub people: Vec<PersonRecord>,
    /// The organisations whose staff with every need-to-know may read it (their webhooks).
    pub orgs_told: Vec<OrgId>,
    /// The active webhooks of `orgs_told`, if asked for.
    pub webhooks: Vec<WebhookRecord>,
}

impl Reach {
    pub fn people_ids(&self) -> Vec<PersonId> {
        self.people.iter().map(|p| p.id.clone()).collect()
    }

    /// One pending delivery of `payload` per webhook.
    pub fn deliveries(
        &self,
        payload: &serde_json::Value,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<WebhookDeliveryRecord> {
        crate::webhooks::pending_deliveries(&self.webhooks, payload, now)
    }
}

impl App {
    /// The person as the policy sees them, with their organisation's record.
    fn viewer_of(
        &self,
        p: &PersonRecord,
        org: &OrgRecord,
        declared: &[kakehashi_domain::SectorId],
    ) -> Option<Viewer> {
        let person = person_from_record(p).ok()?;
        let org = org_from_record(org).ok()?;
        Some(
            Viewer::new(&person, &org)
                .ok()?
                .in_large_scale_mode(declared.to_vec()),
        )
    }

    /// Tells the people the policy admits: inbox rows (one multi-row write), a live event to
    /// every node, webhooks of the organisations told, and mail in the background.
    pub async fn fan_out(&self, n: Notice) -> AppResult<Delivery> {
        let access = Access::Item(n.scope);
        self.deliver(
            AccessNotice {
                kind: n.kind,
                ref_id: n.ref_id,
                title: n.title,
                importance: n.importance,
                access,
                orgs: n.orgs,
            },
            n.mail,
            n.webhook,
        )
        .await
    }

    /// Tells the people the policy admits about a submission, a request or a reply: inbox
    /// rows and a live event (see [`App::fan_out`]).
    pub async fn fan_out_access(&self, n: AccessNotice) -> AppResult<Delivery> {
        self.deliver(n, None, None).await
    }

    /// Who a notice reaches, decided by the policy before the write that makes it (reads only):
    /// the people told, the organisations told as a whole, and — when `hooks` — their active
    /// webhooks.
    pub(crate) async fn reach(
        &self,
        orgs: &[OrgId],
        access: &Access,
        hooks: bool,
    ) -> AppResult<Reach> {
        // This node's copy of the directory (no read of every organisation per write), each
        // organisation reached looked up by id (an alert reaches thousands).
        let all = self.directory_copy().await?;
        let directory: HashMap<&OrgId, &OrgRecord> = orgs
            .iter()
            .filter_map(|id| all.get(id).map(|o| (id, o)))
            .collect();
        let candidates = self.store.people_in_orgs(orgs).await?;
        let declared = App::declared_sectors(&self.large_scale().await?);
        let people: Vec<PersonRecord> = candidates
            .into_iter()
            .filter(|p| {
                directory
                    .get(&p.org)
                    .and_then(|o| self.viewer_of(p, o, &declared))
                    .is_some_and(|v| told_access(&v, access))
            })
            .collect();
        let orgs_told: Vec<OrgId> = orgs
            .iter()
            .filter(|o| directory.get(o).is_some_and(|r| org_told_access(r, access)))
            .cloned()
            .collect();
        let webhooks = if hooks && !orgs_told.is_empty() {
            self.store.webhooks_for_orgs(&orgs_told).await?
        } else {
            Vec::new()
        };
        Ok(Reach {
            orgs: orgs.to_vec(),
            access: access.clone(),
            people,
            orgs_told,
            webhooks,
        })
    }

    async fn deliver(
        &self,
        n: AccessNotice,
        mail: Option<(MailWhen, MailFor)>,
        webhook: Option<serde_json::Value>,
    ) -> AppResult<Delivery> {
        let reach = self.reach(&n.orgs, &n.access, webhook.is_some()).await?;
        let now = self.now();
        self.store
            .insert_notifications(
                &reach.people_ids(),
                n.kind,
                &n.ref_id,
                &n.title,
                n.importance.as_deref(),
                now,
            )
            .await?;
        if let Some(payload) = &webhook {
            self.store
                .enqueue_webhook_deliveries(&reach.deliveries(payload, now))
                .await?;
        }
        Ok(self.after_telling(&reach, n.kind, &n.ref_id, mail).await)
    }

    /// After the inbox rows are durable: the live event to every node, and mail in the
    /// background to the people told who get it now.
    pub(crate) async fn after_telling(
        &self,
        reach: &Reach,
        kind: &str,
        ref_id: &str,
        mail: Option<(MailWhen, MailFor)>,
    ) -> Delivery {
        self.emit(Event {
            kind: kind.to_owned(),
            ref_id: ref_id.to_owned(),
            orgs: reach.orgs.clone(),
            scope: reach.access.clone(),
        })
        .await;
        if let Some((when, mail_for)) = mail {
            let app = self.clone();
            let ref_id = ref_id.to_owned();
            let recipients: Vec<(PersonId, String)> = reach
                .people
                .iter()
                .filter(|p| !p.email.is_empty())
                .filter(|p| when == MailWhen::Alert || p.mail_pref == "immediate")
                .map(|p| (p.id.clone(), p.email.clone()))
                .collect();
            tokio::spawn(async move {
                for (person, email) in recipients {
                    match app.mailer.send(mail_for(&email)).await {
                        Ok(()) => {
                            let _ = app
                                .store
                                .mark_notifications_mailed(
                                    &person,
                                    std::slice::from_ref(&ref_id),
                                    app.now(),
                                )
                                .await;
                        }
                        Err(e) => tracing::warn!("notification mail failed: {e}"),
                    }
                }
            });
        }
        Delivery {
            people: reach.people_ids(),
            orgs: reach.orgs_told.clone(),
        }
    }

    /// Whether a connected client of `viewer` hears `event`: its organisation was reached and
    /// the policy lets the viewer read the item — the same answer as its inbox row.
    /// A set lookup and a policy decision in memory: no database read.
    pub fn tells(&self, viewer: &Viewer, event: &crate::events::Heard) -> bool {
        event.reaches(&viewer.org) && told_access(viewer, &event.scope)
    }
}
