//! Notifications of provisions: durable in-app inbox rows (set-based), live events for connected
//! clients, and e-mail whose bodies respect TLP — RED and AMBER content never leaves in a mail,
//! only a link.

use kakehashi_domain::Tlp;
use serde::{Deserialize, Serialize};

/// One e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends mail. The SMTP adapter implements it; failures are logged and retried by the adapter,
/// never turned into a failure of the action that caused the mail.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: OutgoingMail) -> Result<(), String>;
}

/// A mailer that drops everything (no SMTP server configured).
pub struct NoMail;

#[async_trait::async_trait]
impl Mailer for NoMail {
    async fn send(&self, _mail: OutgoingMail) -> Result<(), String> {
        Ok(())
    }
}

/// What a provision mail may carry: for RED, AMBER+STRICT and AMBER only the marking and a link;
/// for GREEN and CLEAR also the summary.
pub fn provision_mail(
    to: &str,
    base_url: &str,
    provision_id: &str,
    ident: &str,
    tlp: Tlp,
    importance_ja: &str,
    summary: &str,
) -> OutgoingMail {
    marked_mail(
        to,
        format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            link_of("provision", provision_id)
        ),
        format!("[{importance_ja}] 情報提供 {ident} (TLP:{})", tlp.code()),
        tlp,
        &format!("①概要:\n{summary}"),
    )
}

/// What a liaison mail may carry: the marking, the report and a link; for GREEN and CLEAR also
/// the event summary.
pub fn liaison_mail(
    to: &str,
    base_url: &str,
    copy_id: &str,
    label: &str,
    tlp: Tlp,
    importance_ja: &str,
    summary: &str,
) -> OutgoingMail {
    marked_mail(
        to,
        format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            link_of("copy", copy_id)
        ),
        format!("[{importance_ja}] 情報連絡 {label} (TLP:{})", tlp.code()),
        tlp,
        &format!("⑤事象の概要:\n{summary}"),
    )
}

/// One mail about a marked item: RED, AMBER+STRICT and AMBER content never leaves in it, only
/// the marking and the link; GREEN and CLEAR also carry `content`.
fn marked_mail(to: &str, link: String, subject: String, tlp: Tlp, content: &str) -> OutgoingMail {
    let content = match tlp {
        Tlp::Red | Tlp::AmberStrict | Tlp::Amber => format!(
            "情報共有範囲が TLP:{} のため、内容はメールに記載していません。架け橋にログインして確認してください。\n\
             The content is TLP:{} and is not included in mail. Sign in to read it.",
            tlp.code(),
            tlp.code()
        ),
        Tlp::Green | Tlp::Clear => content.to_owned(),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        body: format!("{content}\n\n{link}\n"),
    }
}

/// 重要度 as a mail subject shows it.
pub fn importance_ja(code: Option<&str>) -> &'static str {
    match code {
        Some("alert") => "警報",
        Some("caution") => "注意喚起",
        _ => "参考情報",
    }
}

/// The page an inbox row of `kind` opens.
pub fn link_of(kind: &str, ref_id: &str) -> String {
    match kind {
        "provision" => format!("/provisions/{ref_id}"),
        "copy" | "numbered" => format!("/copies/{ref_id}"),
        "consent" => "/consents".to_owned(),
        "contact_check" => format!("/contact-checks/{ref_id}"),
        // <chain>:<deadline>:<due>:<phase>
        "deadline" => format!("/chains/{}", ref_id.split(':').next().unwrap_or_default()),
        // <entry>:<date>:<phase>
        "risk" => "/risk".to_owned(),
        "continuity" => format!(
            "/continuity/plans/{}",
            ref_id.split(':').next().unwrap_or_default()
        ),
        _ => "/".to_owned(),
    }
}

/// Mail preferences a person can choose for non-alert provisions.
pub const MAIL_PREFS: [&str; 3] = ["immediate", "digest", "none"];

/// The UI languages a person can choose.
pub const LOCALES: [&str; 2] = ["ja", "en"];

impl crate::App {
    /// Sets how the actor wants non-alert provisions by mail (警報 always go at once).
    pub async fn set_mail_preference(
        &self,
        actor: &crate::Actor,
        pref: &str,
    ) -> crate::AppResult<()> {
        if !MAIL_PREFS.contains(&pref) {
            return Err(crate::AppError::bad_field(
                "mail_pref",
                "unknown_code",
                "メール設定は immediate（即時）、digest（まとめ）、none（なし）のいずれかです。",
                "Mail preference is immediate, digest or none.",
            ));
        }
        let mut p = self.store.person(&actor.person.id).await?;
        p.mail_pref = pref.to_owned();
        let audit = actor.audit(
            "person.mail_pref",
            Some(p.id.0.clone()),
            serde_json::json!({ "pref": pref }),
        );
        self.store.update_person(&p, audit).await?;
        Ok(())
    }

    /// Sets the language the actor reads the UI in ("ja" or "en"), remembered across browsers
    /// and sign-ins. Nothing is written when it is already so.
    pub async fn set_locale(&self, actor: &crate::Actor, locale: &str) -> crate::AppResult<()> {
        if !LOCALES.contains(&locale) {
            return Err(crate::AppError::bad_field(
                "locale",
                "unknown_code",
                "表示言語は ja（日本語）または en（英語）です。",
                "The display language is ja (Japanese) or en (English).",
            ));
        }
        let mut p = self.store.person(&actor.person.id).await?;
        if p.locale == locale {
            return Ok(());
        }
        p.locale = locale.to_owned();
        let audit = actor.audit(
            "person.locale",
            Some(p.id.0.clone()),
            serde_json::json!({ "locale": locale }),
        );
        self.store.update_person(&p, audit).await?;
        Ok(())
    }

    /// Sends one digest mail per person who chose "digest" and has unread, unmailed inbox rows;
    /// returns how many mails went out. Titles and links only — never content. Safe on any
    /// number of nodes: rows are claimed (a person's rows together, [`DIGEST_BATCH`] people at
    /// a time) before they are mailed, so two nodes never mail the same rows; rows of a failed
    /// mail stay claimed until the lease lapses and go out in a later run.
    pub async fn send_digests(&self) -> crate::AppResult<usize> {
        let mut sent = 0;
        loop {
            let now = self.now();
            let lease = kakehashi_store::Lease {
                node: self.node.to_string(),
                now,
                until: now + digest_lease(),
            };
            let rows = self
                .store
                .claim_unmailed_notifications("digest", &lease, DIGEST_BATCH)
                .await?;
            if rows.is_empty() {
                return Ok(sent);
            }
            sent += self.mail_digests(rows).await?;
        }
    }

    /// One digest per person of the claimed rows (grouped by person); marks what went out.
    async fn mail_digests(
        &self,
        rows: Vec<(kakehashi_store::NotificationRecord, String)>,
    ) -> crate::AppResult<usize> {
        let mut sent = 0;
        let mut i = 0;
        while i < rows.len() {
            let person = rows[i].0.person.clone();
            let email = rows[i].1.clone();
            let mut lines = Vec::new();
            let mut refs = Vec::new();
            while i < rows.len() && rows[i].0.person == person {
                let n = &rows[i].0;
                lines.push(format!(
                    "・{} {}{}",
                    n.title,
                    self.config.base_url.trim_end_matches('/'),
                    link_of(&n.kind, &n.ref_id)
                ));
                refs.push(n.ref_id.clone());
                i += 1;
            }
            let mail = OutgoingMail {
                to: email,
                subject: format!("[架け橋] 未読のお知らせ {}件", refs.len()),
                body: format!(
                    "未読のお知らせ（情報提供・情報連絡）があります。内容は架け橋にログインして確認してください。\nUnread provisions and liaisons — sign in to read them.\n\n{}\n",
                    lines.join("\n")
                ),
            };
            match self.mailer.send(mail).await {
                Ok(()) => {
                    self.store
                        .mark_notifications_mailed(&person, &refs, self.now())
                        .await?;
                    sent += 1;
                }
                Err(e) => tracing::warn!("digest mail failed: {e}"),
            }
        }
        Ok(sent)
    }

    /// Runs [`crate::App::send_digests`] every `interval`, until the returned task is aborted.
    pub fn spawn_digest_worker(
        &self,
        interval: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        self.spawn_every(
            "digest worker",
            interval,
            crate::FirstTurn::AfterInterval,
            |app| async move { app.send_digests().await },
        )
    }
}

/// People whose digest rows one claim takes.
pub const DIGEST_BATCH: u32 = 50;

/// How long a digest claim holds: far beyond the time to mail a batch, shorter than the hourly
/// run, so the rows of a node that died mid-run go out in the next run of any node.
pub fn digest_lease() -> chrono::Duration {
    chrono::Duration::minutes(30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_content_never_leaves_in_mail() {
        let secret = "東都電力の給電指令システムに侵入";
        for tlp in [Tlp::Red, Tlp::AmberStrict, Tlp::Amber] {
            let m = provision_mail(
                "a@example.jp",
                "https://k.example",
                "p1",
                "T1",
                tlp,
                "警報",
                secret,
            );
            assert!(
                !m.body.contains(secret) && !m.subject.contains(secret),
                "{tlp:?}"
            );
            assert!(m.body.contains("https://k.example/provisions/p1"));
            let l = liaison_mail(
                "a@example.jp",
                "https://k.example",
                "c1",
                "R1",
                tlp,
                "警報",
                secret,
            );
            assert!(
                !l.body.contains(secret) && !l.subject.contains(secret),
                "{tlp:?}"
            );
            assert!(l.body.contains("https://k.example/copies/c1"));
        }
        for tlp in [Tlp::Green, Tlp::Clear] {
            let m = provision_mail(
                "a@example.jp",
                "https://k.example/",
                "p1",
                "T1",
                tlp,
                "注意喚起",
                secret,
            );
            assert!(m.body.contains(secret), "{tlp:?}");
        }
    }
}
