//! Webhooks: an organisation registers an HTTPS endpoint; events about items reaching it are
//! POSTed with an HMAC-SHA256 signature (`X-Kakehashi-Signature: sha256=<hex>` over the body),
//! retried with exponential backoff, and after the last attempt kept in a visible dead-letter
//! list. Payloads carry the marking and a link, never content.

use crate::auth::random_token;
use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::{new_id, App};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use kakehashi_domain::OrgId;
use kakehashi_store::{WebhookDeliveryRecord, WebhookRecord};
use sha2::Sha256;

/// Attempts before a delivery is dead-lettered.
pub const MAX_ATTEMPTS: u32 = 6;

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
    /// Registers a webhook for the actor's organisation (org admins). The secret is returned once.
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
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 2000
            && reqwest::Url::parse(url).is_ok();
        if !ok {
            return Err(AppError::bad_field(
                "url",
                "format",
                "URLは http:// または https:// で始まる正しい形式で入力してください。",
                "The URL must be a valid http:// or https:// address.",
            ));
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
        let now = self.now();
        let body = payload.to_string();
        let rows: Vec<WebhookDeliveryRecord> = hooks
            .into_iter()
            .map(|w| WebhookDeliveryRecord {
                id: new_id(),
                webhook: w.id,
                payload: body.clone(),
                status: "pending".into(),
                attempts: 0,
                next_at: now,
                last_error: String::new(),
                created_at: now,
            })
            .collect();
        Ok(self.store.enqueue_webhook_deliveries(&rows).await?)
    }

    /// Attempts every due delivery once; returns how many were attempted. Run by a background
    /// worker; safe to run on several nodes only with PostgreSQL row claims (not yet: one worker).
    pub async fn deliver_due_webhooks(
        &self,
        client: &reqwest::Client,
        backoff_base_ms: u64,
    ) -> AppResult<usize> {
        let now: DateTime<Utc> = self.now();
        let due = self.store.due_webhook_deliveries(now, 100).await?;
        let n = due.len();
        for (mut d, w) in due {
            let sig = signature(&w.secret, d.payload.as_bytes());
            let res = client
                .post(&w.url)
                .header("content-type", "application/json")
                .header("x-kakehashi-signature", sig)
                .header("x-kakehashi-delivery", &d.id)
                .body(d.payload.clone())
                .timeout(std::time::Duration::from_secs(10))
                .send()
                .await;
            d.attempts += 1;
            match res {
                Ok(r) if r.status().is_success() => {
                    d.status = "done".into();
                    d.last_error.clear();
                }
                other => {
                    d.last_error = match other {
                        Ok(r) => format!("HTTP {}", r.status().as_u16()),
                        Err(e) if e.is_timeout() => "timeout".into(),
                        Err(e) if e.is_connect() => "connection failed".into(),
                        Err(_) => "request failed".into(),
                    };
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
            self.store.update_webhook_delivery(&d).await?;
        }
        Ok(n)
    }

    /// Runs [`App::deliver_due_webhooks`] forever, every `interval`.
    pub fn spawn_webhook_worker(&self, interval: std::time::Duration, backoff_base_ms: u64) {
        let app = self.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            loop {
                if let Err(e) = app.deliver_due_webhooks(&client, backoff_base_ms).await {
                    tracing::warn!("webhook worker: {e}");
                }
                tokio::time::sleep(interval).await;
            }
        });
    }
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
