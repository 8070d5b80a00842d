//! Sign-in, sessions, API tokens and the login rate limit.
//!
//! Passwords are hashed with Argon2id (PHC strings). Session and API tokens are random 256-bit
//! values shown once; only their SHA-256 is stored, so a database leak yields no usable token.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::{new_id, App};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use kakehashi_domain::text::{self, Subject};
use kakehashi_store::{ApiTokenRecord, SessionRecord, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Scopes an API token may carry.
pub const SCOPES: [&str; 3] = ["read", "write", "admin"];

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2id takes tens of milliseconds of one core and 19 MiB per call. Run on the async
/// workers it stalls every other request while people are created or sign in (measured: about
/// 30 hashes a second took the whole server with them); so it runs on the blocking pool, and at
/// most one call per core at a time, so that a burst of sign-ins queues here instead of taking
/// 19 MiB on each of hundreds of blocking threads.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _slot = slots
        .acquire()
        .await
        .map_err(|_| AppError::Internal("password hashing slots closed".into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("password hashing task failed: {e}")))
}

/// [`hash_password`] off the async workers (see [`on_hashing_thread`]).
pub async fn hash_password_off(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    on_hashing_thread(move || hash_password(&password)).await?
}

/// [`verify_password`] off the async workers (see [`on_hashing_thread`]); a failure to run it
/// verifies nothing.
pub async fn verify_password_off(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    on_hashing_thread(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A hash of a random password, made once per process with the same parameters as every
/// stored hash: a sign-in for a login that does not exist (or a deactivated person) verifies
/// against it, so the answer takes as long as for a wrong password and does not tell which
/// logins exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token(24)).unwrap_or_default())
}

/// Refuses passwords too short to resist guessing.
pub fn check_password_rule(password: &str) -> AppResult<()> {
    if password.chars().count() < 12 {
        return Err(AppError::bad_field(
            "password",
            "min_length",
            "パスワードは12文字以上にしてください。",
            "Password must be at least 12 characters.",
        ));
    }
    Ok(())
}

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Failed sign-ins per login name allowed within [`WINDOW_MINUTES`] before further attempts
/// are refused until the window passes. The failures are stored, so every node applies the
/// same limit; the audit log records each one as well.
pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;

/// The rate-limit decision over the failures within the window (oldest first).
pub fn login_allowed(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> AppResult<()> {
    let recent: Vec<_> = failures
        .iter()
        .filter(|t| **t > now - Duration::minutes(WINDOW_MINUTES))
        .collect();
    if recent.len() >= MAX_FAILURES {
        let oldest = recent.first().map(|t| **t).unwrap_or(now);
        let retry = (oldest + Duration::minutes(WINDOW_MINUTES) - now)
            .num_seconds()
            .max(1);
        return Err(AppError::RateLimited {
            retry_after_secs: retry as u64,
        });
    }
    Ok(())
}

/// The longest lifetime of an API token, in days (a token without expiry is asked for by
/// leaving the lifetime out).
pub const MAX_TOKEN_DAYS: i64 = 366;

/// When a token made at `now` for `days` days expires: 1 to [`MAX_TOKEN_DAYS`] days, anything
/// else refused naming `days` (never an overflow of the date arithmetic).
pub fn token_expiry(now: DateTime<Utc>, days: i64) -> AppResult<DateTime<Utc>> {
    (1..=MAX_TOKEN_DAYS)
        .contains(&days)
        .then(|| Duration::try_days(days))
        .flatten()
        .and_then(|d| now.checked_add_signed(d))
        .ok_or_else(token_days_error)
}

/// The error of a token lifetime outside 1 to [`MAX_TOKEN_DAYS`] days (or not a number).
pub fn token_days_error() -> AppError {
    AppError::bad_field(
        "days",
        "range",
        format!("有効日数は1〜{MAX_TOKEN_DAYS}の整数で指定してください（空欄で無期限）。"),
        format!(
            "Days must be a whole number from 1 to {MAX_TOKEN_DAYS} (leave it out for no expiry)."
        ),
    )
}

/// A credential as presented: the raw session cookie value or the raw Bearer token.
#[derive(Clone)]
pub enum Credential {
    Session(String),
    Token(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::Session(_) => "Credential::Session(<redacted>)",
            Credential::Token(_) => "Credential::Token(<redacted>)",
        })
    }
}

/// A credential a long-lived request found standing, with the credential generation read
/// before that check and the credential's own expiry ([`App::standing_credential`]).
#[derive(Debug)]
pub struct StandingCredential {
    credential: Credential,
    generation: i64,
    until: Option<DateTime<Utc>>,
}

/// One read of the credential generation by this node: its value, the number of the last event
/// the node had heard and the moment when the read began.
#[derive(Debug)]
pub struct GenerationRead {
    after_event: u64,
    at: std::time::Instant,
    value: i64,
}

/// A new session: the raw token goes into the cookie and is never stored.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
    pub actor: Actor,
}

impl App {
    pub async fn sign_in(&self, login: &str, password: &str) -> AppResult<NewSession> {
        let now = self.now();
        let key = login.trim().to_lowercase();
        let since = now - Duration::minutes(WINDOW_MINUTES);
        if let Err(e) = login_allowed(&self.store.login_failures_since(&key, since).await?, now) {
            self.note_refusal(None, "rate_limited", Some(&key));
            return Err(e);
        }
        let found = match self.store.person_by_login(&key).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        // Exactly one password verification whatever the login names: no timing difference
        // between a login that exists and one that does not.
        let verified = match &found {
            Some(p) => verify_password_off(password, &p.password_hash).await,
            None => verify_password_off(password, dummy_hash()).await,
        };
        let person = match found {
            Some(p) if p.active && verified => p,
            _ => {
                self.store.record_login_failure(&key, now).await?;
                // Counted, and written once per window (an entry per attempt would let anyone
                // flood the log with made-up logins).
                self.note_refusal(None, "sign_in_failed", Some(&key));
                return Err(AppError::bad_field(
                    "login",
                    "credentials",
                    "ログイン名またはパスワードが正しくありません。",
                    "Login name or password is incorrect.",
                ));
            }
        };
        self.store.clear_login_failures(&key).await?;
        let token = random_token(32);
        let csrf = random_token(24);
        let expires_at = now + Duration::hours(self.config.session_hours);
        self.store
            .insert_session(&SessionRecord {
                token_hash: token_hash(&token),
                person: person.id.clone(),
                csrf_token: csrf.clone(),
                created_at: now,
                expires_at,
            })
            .await?;
        let actor = self.actor(&person.id).await?;
        self.store
            .append_audit(vec![actor.audit("sign_in", None, serde_json::json!({}))])
            .await?;
        Ok(NewSession {
            token,
            csrf,
            expires_at,
            actor,
        })
    }

    /// The person behind a session cookie, with the session's CSRF token.
    pub async fn session_actor(&self, token: &str) -> AppResult<(Actor, String)> {
        let s = self
            .store
            .session(&token_hash(token), self.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::Unauthenticated,
                e => e.into(),
            })?;
        let actor = self.actor(&s.person).await?;
        if !actor.record.active {
            return Err(AppError::Unauthenticated);
        }
        Ok((actor, s.csrf_token))
    }

    pub async fn sign_out(&self, token: &str, actor: &Actor) -> AppResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        self.store
            .append_audit(vec![actor.audit("sign_out", None, serde_json::json!({}))])
            .await?;
        Ok(())
    }

    /// The person behind a Bearer token, with the token's record (id, scopes).
    pub async fn token_actor(&self, token: &str) -> AppResult<(Actor, ApiTokenRecord)> {
        let t = self
            .store
            .api_token(&token_hash(token))
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::Unauthenticated,
                e => e.into(),
            })?;
        if t.revoked || t.expires_at.is_some_and(|e| e <= self.now()) {
            return Err(AppError::Unauthenticated);
        }
        let actor = self.actor(&t.person).await?;
        if !actor.record.active {
            return Err(AppError::Unauthenticated);
        }
        Ok((actor, t))
    }

    /// Whether a credential a long-lived request (a live-event stream) was opened with still
    /// stands: the session or token exists, has not ended, expired or been revoked, and its
    /// person is active and not held at a password change. Two indexed reads.
    pub async fn credential_stands(&self, c: &Credential) -> bool {
        self.credential_until(c).await.is_some()
    }

    /// As [`App::credential_stands`]: `None` when the credential does not stand, else when it
    /// expires (`Some(None)`: no expiry).
    async fn credential_until(&self, c: &Credential) -> Option<Option<DateTime<Utc>>> {
        let now = self.now();
        let (person, until) = match c {
            Credential::Session(raw) => match self.store.session(&token_hash(raw), now).await {
                Ok(s) => (s.person, Some(s.expires_at)),
                Err(_) => return None,
            },
            Credential::Token(raw) => match self.store.api_token(&token_hash(raw)).await {
                Ok(t) if !t.revoked && t.expires_at.is_none_or(|e| e > now) => {
                    (t.person, t.expires_at)
                }
                _ => return None,
            },
        };
        matches!(self.store.person(&person).await, Ok(p) if p.active && !p.must_change_password)
            .then_some(until)
    }

    /// A credential found standing now, for a long-lived request to re-check cheaply with
    /// [`App::credential_still_stands`]; `None` if it does not stand. The credential generation
    /// is read before the credential, so a change committed after the check moves it.
    pub async fn standing_credential(&self, c: Credential) -> Option<StandingCredential> {
        let generation = self.store.credential_generation().await.ok()?;
        let until = self.credential_until(&c).await?;
        Some(StandingCredential {
            credential: c,
            generation,
            until,
        })
    }

    /// Whether `s` still stands, checked after this node heard event number `after_event`
    /// (before delivering it), or on a stream's timer (`None`). The same answer as
    /// [`App::credential_stands`] at a moment after the event was heard (or within `max_age`
    /// of the timer), at the cost of one read of the credential generation per event per
    /// node, shared by every stream (at most one a `max_age` on timers): the stream's own
    /// credential is read again only when the generation moved since it was last found
    /// standing, or its own expiry has passed.
    pub async fn credential_still_stands(
        &self,
        s: &mut StandingCredential,
        after_event: Option<u64>,
        max_age: std::time::Duration,
    ) -> bool {
        let generation = self.credential_generation_after(after_event, max_age).await;
        let expired = s.until.is_some_and(|u| u <= self.now());
        if !expired && generation.as_ref().is_ok_and(|g| *g == s.generation) {
            return true;
        }
        match self.credential_until(&s.credential).await {
            Some(until) => {
                s.until = until;
                // Read before the credential: a later change moves it past this value.
                if let Ok(g) = generation {
                    s.generation = g;
                }
                true
            }
            None => false,
        }
    }

    /// The credential generation, read once for all streams of this node: after the node heard
    /// event `after_event` (a read begun once that event was numbered), or, on timers, a read
    /// begun at most `max_age` ago. A failed read is not kept.
    async fn credential_generation_after(
        &self,
        after_event: Option<u64>,
        max_age: std::time::Duration,
    ) -> AppResult<i64> {
        let mut memo = self.credential_generation.lock().await;
        let fresh = memo.as_ref().is_some_and(|m| match after_event {
            Some(seq) => m.after_event >= seq,
            None => m.at.elapsed() <= max_age,
        });
        if let Some(m) = memo.as_ref().filter(|_| fresh) {
            return Ok(m.value);
        }
        // Numbered and timed before the read begins: every event up to this number was heard
        // before the value was read.
        let after_event = self.events.last_seq();
        let at = std::time::Instant::now();
        let value = self.store.credential_generation().await?;
        *memo = Some(GenerationRead {
            after_event,
            at,
            value,
        });
        Ok(value)
    }

    /// Creates a personal API token; the raw value is returned once and never stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        scopes: &[String],
        days: Option<i64>,
    ) -> AppResult<(ApiTokenRecord, String)> {
        if actor.record.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        let name = &text::clean(Subject::Token, "name", name)?;
        if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(&s.as_str())) {
            return Err(AppError::bad_field(
                "scopes",
                "unknown_scope",
                format!(
                    "スコープは {} から1つ以上選んでください。",
                    SCOPES.join(", ")
                ),
                format!("Choose one or more scopes from {}.", SCOPES.join(", ")),
            ));
        }
        if scopes.iter().any(|s| s == "admin")
            && !actor.is_platform_admin()
            && !actor.is_org_admin()
        {
            return Err(AppError::forbidden(
                "admin スコープは管理者のみ作成できます。",
                "Only administrators may create tokens with the admin scope.",
            ));
        }
        let now = self.now();
        let expires_at = match days {
            None => None,
            Some(d) => Some(token_expiry(now, d)?),
        };
        let raw = format!("kkh_{}", random_token(32));
        let rec = ApiTokenRecord {
            id: new_id(),
            person: actor.person.id.clone(),
            name: name.to_owned(),
            token_hash: token_hash(&raw),
            scopes: scopes.to_vec(),
            created_at: now,
            expires_at,
            revoked: false,
        };
        let audit = actor.audit(
            "api_token.create",
            Some(rec.id.clone()),
            serde_json::json!({ "name": rec.name, "scopes": rec.scopes }),
        );
        self.store.insert_api_token(&rec, audit).await?;
        Ok((rec, raw))
    }

    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let audit = actor.audit(
            "api_token.revoke",
            Some(id.to_owned()),
            serde_json::json!({}),
        );
        self.store
            .revoke_api_token(id, &actor.person.id, audit)
            .await?;
        Ok(())
    }

    pub async fn api_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiTokenRecord>> {
        Ok(self.store.api_tokens_of(&actor.person.id).await?)
    }

    /// A signed-in person changes their own password: the current one is required (and a wrong
    /// one counts as a failed sign-in), the new one follows [`check_password_rule`] and differs
    /// from it. Every other session of the person ends, their sign-in failures are cleared, the
    /// must-change flag is lifted, and the change is audited — in one transaction.
    /// `session_token` is the raw token of the session making the change, which stays.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new_password: &str,
        session_token: Option<&str>,
    ) -> AppResult<()> {
        check_password_rule(new_password).map_err(|e| match e {
            AppError::BadField {
                rule,
                message_ja,
                message_en,
                ..
            } => AppError::BadField {
                field: "new_password",
                rule,
                message_ja,
                message_en,
            },
            e => e,
        })?;
        if new_password == current {
            return Err(AppError::bad_field(
                "new_password",
                "unchanged",
                "新しいパスワードは現在のパスワードと異なるものにしてください。",
                "The new password must differ from the current one.",
            ));
        }
        let now = self.now();
        let person = self.store.person(&actor.person.id).await?;
        let since = now - Duration::minutes(WINDOW_MINUTES);
        if let Err(e) = login_allowed(
            &self
                .store
                .login_failures_since(&person.login, since)
                .await?,
            now,
        ) {
            self.note_refusal(Some(actor), "rate_limited", Some(&person.login));
            return Err(e);
        }
        if !verify_password_off(current, &person.password_hash).await {
            self.store.record_login_failure(&person.login, now).await?;
            self.store
                .append_audit(vec![actor.audit(
                    "person.password_change_failed",
                    Some(person.id.0.clone()),
                    serde_json::json!({}),
                )])
                .await?;
            return Err(AppError::bad_field(
                "current_password",
                "credentials",
                "現在のパスワードが正しくありません。",
                "The current password is incorrect.",
            ));
        }
        let keep = session_token.map(token_hash);
        let audit = actor.audit(
            "person.password_change",
            Some(person.id.0.clone()),
            serde_json::json!({ "other_sessions_ended": true }),
        );
        self.store
            .set_password(
                &person.id,
                &hash_password_off(new_password).await?,
                false,
                keep.as_deref(),
                audit,
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn limiter_blocks_after_five_failures_and_recovers() {
        let t0 = Utc::now();
        let mut failures = Vec::new();
        for _ in 0..MAX_FAILURES {
            assert!(login_allowed(&failures, t0).is_ok());
            failures.push(t0);
        }
        assert!(matches!(
            login_allowed(&failures, t0),
            Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs == 900
        ));
        assert!(login_allowed(
            &failures,
            t0 + Duration::minutes(WINDOW_MINUTES) + Duration::seconds(1)
        )
        .is_ok());
    }

    #[test]
    fn token_lifetime_is_bounded_and_never_overflows() {
        let now = Utc::now();
        assert_eq!(token_expiry(now, 1).ok(), Some(now + Duration::days(1)));
        assert_eq!(token_expiry(now, 366).ok(), Some(now + Duration::days(366)));
        for bad in [0, -1, 367, 100_000_000, i64::MAX, i64::MIN] {
            assert!(
                matches!(
                    token_expiry(now, bad),
                    Err(AppError::BadField {
                        field: "days",
                        rule: "range",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
