//! SMTP delivery of notification mail: an implementation of [`kakehashi_app::notify::Mailer`]
//! on [`lettre`]'s async tokio transport.
//!
//! # Configuration
//!
//! One URL names the relay:
//!
//! - `smtp://127.0.0.1:2525` — plain SMTP, no TLS (for a local relay on loopback);
//! - `smtp://host:587?tls=starttls` — STARTTLS required (`tls=opportunistic` upgrades when the
//!   server offers it; `tls=none` is the default for `smtp://`);
//! - `smtps://host:465` — implicit TLS.
//!
//! Optional credentials go in the URL (`smtps://user:pass@host`, percent-encoded). The password
//! is never printed: [`SmtpMailer`] and [`SmtpConfig`] have a hand-written `Debug` that redacts it,
//! and log lines name only the relay's scheme, host and port.
//!
//! # Choice of features
//!
//! `lettre` is built with `default-features = false` and `builder`, `smtp-transport`, `tokio1`,
//! `tokio1-rustls`, `ring`, `webpki-roots`: TLS is rustls with the `ring` crypto provider and the
//! Mozilla root store compiled in. Everything comes from crates.io and builds offline once
//! vendored/cached — no system OpenSSL (`native-tls`), no cmake/NASM toolchain (`aws-lc-rs`), and
//! no dependence on the host's certificate store. Connection pooling (`pool`) is left out: mail is
//! rare (警報 only, or immediate-preference people), and a fresh connection per message avoids
//! stale pooled sessions.
//!
//! # Encoding
//!
//! Messages are `text/plain; charset=utf-8`; lettre encodes non-ASCII subjects as RFC 2047
//! encoded-words and non-ASCII bodies as quoted-printable or base64, so Japanese text arrives
//! intact through any 7-bit relay.
//!
//! # Failures
//!
//! A failed send is retried a bounded number of times with exponential backoff; each failure is
//! logged with the attempt number and the error, never with the recipient, subject or body.

use async_trait::async_trait;
use kakehashi_app::notify::{Mailer, OutgoingMail};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;

/// How the connection to the relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS at all (local relays on loopback).
    None,
    /// Upgrade with STARTTLS when the server offers it.
    Opportunistic,
    /// STARTTLS required.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A parsed relay URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    password: Option<String>,
}

impl SmtpConfig {
    /// Parses `smtp://[user[:password]@]host[:port][?tls=none|opportunistic|starttls]` or
    /// `smtps://[user[:password]@]host[:port]`. Errors never repeat the URL (it may hold a
    /// password).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw).map_err(|e| format!("invalid SMTP URL: {e}"))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("SMTP URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_ascii_lowercase());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None | Some("implicit") | Some("tls")) => Security::Implicit,
            ("smtps", Some(other)) => {
                return Err(format!("tls={other} is not valid with smtps://"));
            }
            ("smtp", None | Some("none") | Some("off")) => Security::None,
            ("smtp", Some("opportunistic")) => Security::Opportunistic,
            ("smtp", Some("starttls") | Some("required")) => Security::StartTls,
            ("smtp", Some(other)) => {
                return Err(format!(
                    "unknown tls={other} (use none, opportunistic or starttls)"
                ));
            }
            (s, _) => return Err(format!("unsupported scheme {s}:// (use smtp or smtps)")),
        };
        let port = url.port().unwrap_or(match security {
            Security::Implicit => 465,
            Security::StartTls => 587,
            Security::None | Security::Opportunistic => 25,
        });
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        // Percent-decoding only ('+' is literal in userinfo).
        let pct = |s: &str| decode(&s.replace('+', "%2B"));
        let user = (!url.username().is_empty()).then(|| pct(url.username()));
        let password = url.password().map(pct);
        if password.is_some() && user.is_none() {
            return Err("SMTP URL has a password but no user".into());
        }
        Ok(Self {
            host,
            port,
            security,
            user,
            password,
        })
    }

    /// `scheme://host:port` — safe to log.
    pub fn display_target(&self) -> String {
        let scheme = match self.security {
            Security::Implicit => "smtps",
            _ => "smtp",
        };
        format!("{scheme}://{}:{}", self.host, self.port)
    }

    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Retry policy for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Total attempts, at least 1.
    pub attempts: u32,
    /// Delay before the second attempt; doubled for each later one.
    pub first_backoff: Duration,
    /// Upper bound of a single delay.
    pub max_backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl Retry {
    /// The delay after failed attempt `n` (1-based).
    pub fn delay_after(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// Sends [`OutgoingMail`] through an SMTP relay.
pub struct SmtpMailer {
    config: SmtpConfig,
    from: Mailbox,
    retry: Retry,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("config", &self.config)
            .field("from", &self.from.to_string())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the relay at `url`, sending as `from` (e.g. `kakehashi@localhost` or
    /// `架け橋 <kakehashi@example.jp>`).
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let config = SmtpConfig::parse(url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("invalid sender address {from:?}: {e}"))?;
        type T = AsyncSmtpTransport<Tokio1Executor>;
        let tls_err = |e: lettre::transport::smtp::Error| format!("TLS setup failed: {e}");
        let mut builder = match config.security {
            Security::None => T::builder_dangerous(&config.host),
            Security::Implicit => T::relay(&config.host).map_err(tls_err)?,
            Security::StartTls => T::starttls_relay(&config.host).map_err(tls_err)?,
            Security::Opportunistic => {
                use lettre::transport::smtp::client::{Tls, TlsParameters};
                let params = TlsParameters::new(config.host.clone()).map_err(tls_err)?;
                T::builder_dangerous(&config.host).tls(Tls::Opportunistic(params))
            }
        }
        .port(config.port)
        .timeout(Some(Duration::from_secs(15)));
        if let Some(user) = &config.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                config.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            config,
            from,
            retry: Retry::default(),
        })
    }

    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = Retry {
            attempts: retry.attempts.max(1),
            ..retry
        };
        self
    }

    pub fn config(&self) -> &SmtpConfig {
        &self.config
    }

    /// Builds the MIME message (UTF-8 text/plain, encoded subject and body).
    pub fn message(&self, mail: &OutgoingMail) -> Result<Message, String> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("invalid recipient address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| format!("cannot build message: {e}"))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: OutgoingMail) -> Result<(), String> {
        let message = match self.message(&mail) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(relay = %self.config.display_target(), error = %e, "mail not sent");
                return Err(e);
            }
        };
        let mut attempt = 1;
        loop {
            match self.transport.send(message.clone()).await {
                Ok(_) => return Ok(()),
                Err(e) => {
                    let permanent = e.is_permanent();
                    if permanent || attempt >= self.retry.attempts {
                        tracing::warn!(
                            relay = %self.config.display_target(),
                            attempt,
                            permanent,
                            error = %e,
                            "mail not sent; giving up"
                        );
                        return Err(format!("SMTP send failed after {attempt} attempt(s): {e}"));
                    }
                    let delay = self.retry.delay_after(attempt);
                    tracing::warn!(
                        relay = %self.config.display_target(),
                        attempt,
                        error = %e,
                        retry_in_ms = delay.as_millis() as u64,
                        "mail send failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_kinds_of_url() {
        let c = SmtpConfig::parse("smtp://127.0.0.1:2525").expect("plain");
        assert_eq!(
            (c.host.as_str(), c.port, c.security, c.user.as_deref()),
            ("127.0.0.1", 2525, Security::None, None)
        );
        let c = SmtpConfig::parse("smtps://mail.example.jp").expect("smtps");
        assert_eq!((c.port, c.security), (465, Security::Implicit));
        let c =
            SmtpConfig::parse("smtp://relay%40x:p%40ss+w%3Ard@mail.example.jp:587?tls=starttls")
                .expect("starttls");
        assert_eq!((c.port, c.security), (587, Security::StartTls));
        assert_eq!(c.user.as_deref(), Some("relay@x"));
        assert_eq!(c.password.as_deref(), Some("p@ss+w:rd"));
        let c = SmtpConfig::parse("smtp://mail.example.jp?tls=starttls").expect("default port");
        assert_eq!(c.port, 587);
        let c = SmtpConfig::parse("smtp://mail.example.jp?tls=opportunistic").expect("opp");
        assert_eq!((c.port, c.security), (25, Security::Opportunistic));
        let c = SmtpConfig::parse("smtp://[::1]:2525").expect("ipv6");
        assert_eq!(c.host, "::1");
    }

    #[test]
    fn rejects_bad_urls_without_echoing_them() {
        for bad in [
            "http://user:hunter2@example.jp",
            "smtp://user:hunter2@example.jp?tls=bogus",
            "smtps://user:hunter2@example.jp?tls=none",
            "smtp://:hunter2@example.jp",
            "not a url hunter2",
        ] {
            let e = SmtpConfig::parse(bad).expect_err(bad);
            assert!(!e.contains("hunter2"), "{e}");
        }
    }

    #[tokio::test]
    async fn debug_never_shows_the_password() {
        let m = SmtpMailer::new(
            "smtps://alerts:s3cr3t-pw@mail.example.jp",
            "kakehashi@localhost",
        )
        .expect("mailer");
        let d = format!("{m:?} {:?}", m.config());
        assert!(!d.contains("s3cr3t-pw"), "{d}");
        assert!(d.contains("<redacted>") && d.contains("alerts"), "{d}");
        assert!(m.config().has_password());
        assert_eq!(m.config().display_target(), "smtps://mail.example.jp:465");
    }

    #[tokio::test]
    async fn japanese_is_encoded_for_a_seven_bit_relay() {
        let m = SmtpMailer::new("smtp://127.0.0.1:2525", "架け橋 <kakehashi@localhost>")
            .expect("mailer");
        let msg = m
            .message(&OutgoingMail {
                to: "meti@demo.example.jp".into(),
                subject: "[警報] 情報提供 T1 (TLP:GREEN)".into(),
                body: "①概要:\n制御系機器の脆弱性を悪用した攻撃が観測されている。\n".into(),
            })
            .expect("message");
        let raw = msg.formatted();
        assert!(raw.is_ascii(), "every byte on the wire is 7-bit");
        let text = String::from_utf8(raw).expect("ascii");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(text.contains("To: meti@demo.example.jp"), "{text}");
        assert!(
            text.contains("Content-Transfer-Encoding: base64")
                || text.contains("Content-Transfer-Encoding: quoted-printable"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn bad_addresses_are_refused() {
        assert!(SmtpMailer::new("smtp://127.0.0.1:2525", "not an address").is_err());
        let m = SmtpMailer::new("smtp://127.0.0.1:2525", "kakehashi@localhost").expect("mailer");
        let e = m
            .send(OutgoingMail {
                to: "nobody".into(),
                subject: "秘密".into(),
                body: "秘密".into(),
            })
            .await
            .expect_err("invalid recipient");
        assert!(!e.contains("秘密"));
    }

    #[test]
    fn backoff_doubles_and_is_bounded() {
        let r = Retry {
            attempts: 10,
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        let d: Vec<u128> = (1..=5).map(|n| r.delay_after(n).as_millis()).collect();
        assert_eq!(d, vec![100, 200, 350, 350, 350]);
        assert_eq!(r.delay_after(100), Duration::from_millis(350));
    }

    /// A relay that accepts TCP and hangs up at once: every attempt fails, the mailer tries
    /// exactly `attempts` times and then reports failure.
    #[tokio::test]
    async fn retries_a_bounded_number_of_times() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let count = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let c2 = count.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(s);
            }
        });
        let m = SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "kakehashi@localhost")
            .expect("mailer")
            .with_retry(Retry {
                attempts: 3,
                first_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
            });
        let r = m
            .send(OutgoingMail {
                to: "meti@demo.example.jp".into(),
                subject: "s".into(),
                body: "b".into(),
            })
            .await;
        assert!(r.is_err());
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
