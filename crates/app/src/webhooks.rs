//! Webhooks: an organisation registers an HTTPS endpoint; events about items reaching it are
//! POSTed with an HMAC-SHA256 signature (`X-Kakehashi-Signature: sha256=<hex>` over the body),
//! retried with exponential backoff, and after the last attempt kept in a visible dead-letter
//! list. Payloads carry the marking and a link, never content.
//!
//! Destinations follow [`crate::egress`]: https only, never an internal address (judged at
//! registration and again at each delivery, on the addresses actually connected to), no
//! redirects. The delivery worker runs on every node; each delivery is claimed for a lease
//! before it is attempted, so it is posted by one node only.

use crate::auth::random_token;
use crate::egress::{self, Destination, GuardedResolver, Refusal};
use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::{new_id, App};
use chrono::Duration;
use hmac::{Hmac, Mac};
use kakehashi_domain::OrgId;
use kakehashi_store::{Lease, WebhookDeliveryRecord, WebhookRecord};
use sha2::Sha256;
use std::sync::Arc;

/// Attempts before a delivery is dead-lettered.
pub const MAX_ATTEMPTS: u32 = 6;

/// Deliveries a node claims at a time.
pub const CLAIM_BATCH: u32 = 10;

/// Time limit of one delivery (name resolution, connection, TLS, response).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a claim holds: well beyond what a batch can take (`CLAIM_BATCH` ×
/// `REQUEST_TIMEOUT`), so a claim lapses only when its node died or stalled, and then another
/// node takes the delivery over.
pub fn claim_lease() -> Duration {
    Duration::minutes(5)
}

/// The only HTTP client that posts webhooks: built by [`App::webhook_client`] with the
/// destination rule in its resolver, no redirects and no proxy.
#[derive(Clone)]
pub struct WebhookClient(reqwest::Client);

/// `sha256=<hex>` of the body under the webhook's secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delay before attempt `n + 1` after `n` failures: base × 2^(n−1), capped at an hour.
pub fn backoff(base_ms: u64, failures: u32) -> Duration {
    let factor = 1u64 << failures.saturating_sub(1).min(20);
    Duration::milliseconds(base_ms.saturating_mul(factor).min(3_600_000) as i64)
}

impl App {
    /// The client for webhook deliveries: resolves names through [`GuardedResolver`] (so the
    /// address judged is the address connected to), follows no redirect, uses no proxy.
    pub fn webhook_client(&self) -> AppResult<WebhookClient> {
        let resolver = GuardedResolver {
            resolver: self.resolver.clone(),
            allow: self.config.webhook_allow.clone(),
        };
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("kakehashi-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(WebhookClient)
            .map_err(|e| AppError::Internal(format!("webhook client: {e}")))
    }

    /// Judges a destination as registration does: the URL rules, then every address its host
    /// name resolves to.
    async fn check_destination(&self, url: &reqwest::Url) -> Result<(), Refusal> {
        let allow = &self.config.webhook_allow;
        if let Destination::Name(host) = egress::check_url(url, allow)? {
            tokio::time::timeout(
                std::time::Duration::from_secs(5),
                egress::resolve_checked(&*self.resolver, allow, &host),
            )
            .await
            .map_err(|_| Refusal::Unresolvable)??;
        }
        Ok(())
    }

    /// Registers a webhook for the actor's organisation (org admins). The secret is returned once.
    /// Refused: anything but a valid https URL (http only for allow-listed hosts), and hosts that
    /// are or resolve to internal addresses (loopback, private, link-local…); the refusal names
    /// `url` and the rule, and is audited.
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        url: &str,
    ) -> AppResult<(WebhookRecord, String)> {
        if !actor.is_org_admin() {
            return Err(AppError::forbidden(
                "Webhookの登録は組織管理者のみ可能です。",
                "Only organisation admins register webhooks.",
            ));
        }
        let url = url.trim();
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && url.len() <= 2000);
        let Some(parsed) = parsed else {
            return Err(AppError::bad_field(
                "url",
                "format",
                "URLは https:// で始まる正しい形式で入力してください。",
                "The URL must be a valid https:// address.",
            ));
        };
        if let Err(r) = self.check_destination(&parsed).await {
            let audit = actor.audit(
                "webhook.refused",
                None,
                serde_json::json!({ "url": url, "rule": r.rule() }),
            );
            self.store.append_audit(vec![audit]).await?;
            let (ja, en) = r.messages();
            return Err(AppError::bad_field("url", r.rule(), ja, en));
        }
        let secret = random_token(32);
        let rec = WebhookRecord {
            id: new_id(),
            org: actor.org.id.clone(),
            url: url.to_owned(),
            secret: secret.clone(),
            active: true,
            created_by: actor.person.id.clone(),
            created_at: self.now(),
        };
        let audit = actor.audit(
            "webhook.create",
            Some(rec.id.clone()),
            serde_json::json!({ "url": rec.url }),
        );
        self.store.insert_webhook(&rec, audit).await?;
        Ok((rec, secret))
    }

    pub async fn webhooks(&self, actor: &Actor) -> AppResult<Vec<WebhookRecord>> {
        Ok(self.store.webhooks_of_org(&actor.org.id).await?)
    }

    /// The organisation's dead letters: deliveries that failed every attempt.
    pub async fn webhook_dead_letters(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<WebhookDeliveryRecord>> {
        Ok(self
            .store
            .webhook_deliveries_of_org(&actor.org.id, "dead", 200)
            .await?)
    }

    /// Queues one delivery per active webhook of the organisations.
    pub async fn enqueue_webhooks(
        &self,
        orgs: &[OrgId],
        payload: &serde_json::Value,
    ) -> AppResult<()> {
        let hooks = self.store.webhooks_for_orgs(orgs).await?;
        let rows = pending_deliveries(&hooks, payload, self.now());
        Ok(self.store.enqueue_webhook_deliveries(&rows).await?)
    }

    /// Claims up to [`CLAIM_BATCH`] due deliveries for this node and attempts each once;
    /// returns how many were attempted. Safe on any number of nodes: a delivery is claimed by
    /// one node at a time, and a node that dies leaves claims that lapse after
    /// [`claim_lease`]. Before each attempt the destination is judged again (the allow-list
    /// may have changed; a name is judged as it resolves now).
    pub async fn deliver_due_webhooks(
        &self,
        client: &WebhookClient,
        backoff_base_ms: u64,
    ) -> AppResult<usize> {
        let now = self.now();
        let lease = Lease {
            node: self.node.to_string(),
            now,
            until: now + claim_lease(),
        };
        let due = self
            .store
            .claim_webhook_deliveries(&lease, CLAIM_BATCH)
            .await?;
        let n = due.len();
        for (mut d, w) in due {
            d.attempts += 1;
            match self.attempt(client, &w, &d).await {
                Ok(()) => {
                    d.status = "done".into();
                    d.last_error.clear();
                }
                Err(error) => {
                    d.last_error = error;
                    if d.attempts >= MAX_ATTEMPTS {
                        d.status = "dead".into();
                        tracing::warn!(
                            "webhook {} dead-lettered after {} attempts: {}",
                            w.id,
                            d.attempts,
                            d.last_error
                        );
                    } else {
                        d.next_at = self.now() + backoff(backoff_base_ms, d.attempts);
                    }
                }
            }
            if !self.store.finish_webhook_delivery(&d, &self.node).await? {
                tracing::warn!(
                    "webhook delivery {}: claim lapsed before the attempt was recorded",
                    d.id
                );
            }
        }
        Ok(n)
    }

    /// One POST; `Err` carries the text kept as `last_error`.
    async fn attempt(
        &self,
        client: &WebhookClient,
        w: &WebhookRecord,
        d: &WebhookDeliveryRecord,
    ) -> Result<(), String> {
        let url = reqwest::Url::parse(&w.url).map_err(|_| "refused: invalid URL".to_owned())?;
        if let Err(r) = egress::check_url(&url, &self.config.webhook_allow) {
            tracing::warn!("webhook {} refused: {r}", w.id);
            return Err(r.delivery_error());
        }
        let res = client
            .0
            .post(url)
            .header("content-type", "application/json")
            .header(
                "x-kakehashi-signature",
                signature(&w.secret, d.payload.as_bytes()),
            )
            .header("x-kakehashi-delivery", &d.id)
            .body(d.payload.clone())
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) if r.status().is_redirection() => Err(format!(
                "HTTP {} (redirects are not followed)",
                r.status().as_u16()
            )),
            Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
            Err(e) => Err(match egress::refusal_in(&e) {
                Some(r) => {
                    tracing::warn!("webhook {} refused: {r}", w.id);
                    r.delivery_error()
                }
                None if e.is_timeout() => "timeout".into(),
                None if e.is_connect() => "connection failed".into(),
                None => "request failed".into(),
            }),
        }
    }

    /// Runs [`App::deliver_due_webhooks`] every `interval` (and at once again while batches come
    /// back full), until the returned task is aborted.
    pub fn spawn_webhook_worker(
        &self,
        interval: std::time::Duration,
        backoff_base_ms: u64,
    ) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            let client = match app.webhook_client() {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!("webhook worker not started: {e}");
                    return;
                }
            };
            loop {
                loop {
                    match app.deliver_due_webhooks(&client, backoff_base_ms).await {
                        Ok(n) if n == CLAIM_BATCH as usize => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!("webhook worker: {e}");
                            break;
                        }
                    }
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}

/// One pending delivery of `payload` per webhook, due now.
pub fn pending_deliveries(
    hooks: &[WebhookRecord],
    payload: &serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<WebhookDeliveryRecord> {
    let body = payload.to_string();
    hooks
        .iter()
        .map(|w| WebhookDeliveryRecord {
            id: new_id(),
            webhook: w.id.clone(),
            payload: body.clone(),
            status: "pending".into(),
            attempts: 0,
            next_at: now,
            last_error: String::new(),
            created_at: now,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        let sig = signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1000, 1), Duration::milliseconds(1000));
        assert_eq!(backoff(1000, 2), Duration::milliseconds(2000));
        assert_eq!(backoff(1000, 5), Duration::milliseconds(16000));
        assert_eq!(backoff(1000, 40), Duration::milliseconds(3_600_000));
    }
}
