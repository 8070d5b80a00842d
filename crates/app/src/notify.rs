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
    let link = format!(
        "{}/provisions/{provision_id}",
        base_url.trim_end_matches('/')
    );
    let subject = format!("[{importance_ja}] 情報提供 {ident} (TLP:{})", tlp.code());
    let content = match tlp {
        Tlp::Red | Tlp::AmberStrict | Tlp::Amber => format!(
            "情報共有範囲が TLP:{} のため、内容はメールに記載していません。架け橋にログインして確認してください。\n\
             The content is TLP:{} and is not included in mail. Sign in to read it.",
            tlp.code(),
            tlp.code()
        ),
        Tlp::Green | Tlp::Clear => format!("①概要:\n{summary}"),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        body: format!("{content}\n\n{link}\n"),
    }
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
