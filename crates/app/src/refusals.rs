//! Refused attempts in the audit log, without letting anyone flood it.
//!
//! A refusal — a read answered "not found" (missing, or refused by the policy: the caller cannot
//! tell, the audit log can), a failed CSRF check, an API token used beyond its scopes, a
//! rate-limited attempt, a failed sign-in — is noted with [`App::note_refusal`]: a lock and a
//! map update in memory, no I/O, so it is cheap on every path. Notes are counted per
//! *(actor, kind)* for a window ([`DEFAULT_WINDOW`], one minute); when the window ends, each
//! *(actor, kind)* becomes **one** audit entry `refusal.<kind>` whose detail holds the count,
//! the first and last time and up to [`MAX_TARGETS`] distinct targets (the rest are counted).
//!
//! So whoever is refused adds at most one entry per kind per window for each identity they
//! hold; unauthenticated callers share one bucket per kind; and at most [`MAX_BUCKETS`]
//! buckets are kept per window — past that, further actors fold into the unauthenticated
//! bucket of the kind (counted as `folded_actors`). Targets are clipped to [`MAX_TARGET_CHARS`]
//! characters with control characters replaced, so hostile input cannot break a store.
//!
//! The window's notes are written by a task the first note of a window starts (and by
//! [`App::flush_refusals`], which tests and shutdown call). Notes not yet written when a
//! process is killed are lost — at most one window of refusal counts, never an entry of the
//! log itself.

use crate::error::AppResult;
use crate::identity::Actor;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_audit::AuditDraft;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

/// How long refusals are counted before they are written as one entry per (actor, kind).
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// Distinct targets kept per entry; more are only counted.
pub const MAX_TARGETS: usize = 20;
/// (actor, kind) buckets per window; more actors fold into the unauthenticated bucket.
pub const MAX_BUCKETS: usize = 1000;
/// Characters kept of a target (and of a kind).
pub const MAX_TARGET_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    kind: String,
    /// (person, organisation) of an authenticated actor.
    actor: Option<(String, String)>,
}

#[derive(Debug)]
struct Bucket {
    count: u64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    targets: BTreeSet<String>,
    targets_omitted: u64,
    /// Authenticated actors counted here because the window was full.
    folded_actors: u64,
}

#[derive(Debug, Default)]
struct Window {
    buckets: BTreeMap<Key, Bucket>,
    /// A task to write this window is already waiting.
    flush_pending: bool,
}

/// The counting side of refusals: one per process, shared by every request.
#[derive(Debug)]
pub struct Refusals {
    window: Duration,
    current: Mutex<Window>,
}

impl Default for Refusals {
    fn default() -> Self {
        Self::new(DEFAULT_WINDOW)
    }
}

/// At most `max` characters of `s`, control characters replaced by U+FFFD.
fn clip(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

impl Refusals {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            current: Mutex::new(Window::default()),
        }
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // A panic while holding the lock leaves only counters behind: keep counting.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one refusal; true when the caller should start the task that writes the window.
    fn note(
        &self,
        actor: Option<(&str, &str)>,
        kind: &str,
        target: Option<&str>,
        at: DateTime<Utc>,
    ) -> bool {
        let kind = clip(kind, MAX_TARGET_CHARS);
        let target = target.map(|t| clip(t, MAX_TARGET_CHARS));
        let mut w = self.lock();
        let mut key = Key {
            kind,
            actor: actor.map(|(p, o)| (p.to_owned(), o.to_owned())),
        };
        let mut folded = 0;
        if key.actor.is_some() && !w.buckets.contains_key(&key) && w.buckets.len() >= MAX_BUCKETS {
            key.actor = None;
            folded = 1;
        }
        if !w.buckets.contains_key(&key) && w.buckets.len() >= MAX_BUCKETS {
            // Even the unauthenticated bucket of this kind does not fit: count it in the
            // oldest-sorted bucket of the same kind if any, else drop the note (the window
            // already holds MAX_BUCKETS entries' worth of refusals).
            if let Some((_, b)) = w.buckets.iter_mut().find(|(k, _)| k.kind == key.kind) {
                b.count += 1;
                b.last = at;
                b.folded_actors += folded;
            }
            return false;
        }
        let b = w.buckets.entry(key).or_insert_with(|| Bucket {
            count: 0,
            first: at,
            last: at,
            targets: BTreeSet::new(),
            targets_omitted: 0,
            folded_actors: 0,
        });
        b.count += 1;
        b.last = at;
        b.folded_actors += folded;
        if let Some(t) = target {
            if !b.targets.contains(&t) {
                if b.targets.len() < MAX_TARGETS {
                    b.targets.insert(t);
                } else {
                    b.targets_omitted += 1;
                }
            }
        }
        let start = !w.flush_pending;
        w.flush_pending = true;
        start
    }

    /// Takes the window's counts as audit drafts (and starts a new window).
    fn take(&self) -> Vec<AuditDraft> {
        let buckets = {
            let mut w = self.lock();
            w.flush_pending = false;
            std::mem::take(&mut w.buckets)
        };
        let window_secs = self.window.as_secs();
        buckets
            .into_iter()
            .map(|(key, b)| {
                let only_target = (b.targets.len() == 1 && b.targets_omitted == 0)
                    .then(|| b.targets.iter().next().cloned())
                    .flatten();
                let mut detail = json!({
                    "kind": key.kind,
                    "count": b.count,
                    "first_at": b.first,
                    "last_at": b.last,
                    "targets": b.targets,
                    "targets_omitted": b.targets_omitted,
                    "window_secs": window_secs,
                });
                if b.folded_actors > 0 {
                    detail["folded_actors"] = json!(b.folded_actors);
                }
                let (actor, actor_org) = match key.actor {
                    Some((p, o)) => (Some(p), Some(o)),
                    None => (None, None),
                };
                AuditDraft {
                    actor,
                    actor_org,
                    action: format!("refusal.{}", key.kind),
                    target: only_target,
                    detail,
                }
            })
            .collect()
    }

    /// Refusals counted and not yet written (for tests and diagnostics).
    pub fn pending(&self) -> u64 {
        self.lock().buckets.values().map(|b| b.count).sum()
    }
}

impl App {
    /// Notes a refused attempt for the audit log: `kind` is a short code (`not_found`, `csrf`,
    /// `scope`, `rate_limited`, `sign_in_failed`, …), `target` what was asked for (an id, a
    /// scope, a login). Cheap and non-blocking: counted in memory and written, aggregated per
    /// (actor, kind), when the window ends (see the module documentation).
    pub fn note_refusal(&self, actor: Option<&Actor>, kind: &str, target: Option<&str>) {
        let who = actor.map(|a| (a.person.id.0.as_str(), a.org.id.0.as_str()));
        if !self.refusals.note(who, kind, target, self.now()) {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let app = self.clone();
                rt.spawn(async move {
                    tokio::time::sleep(app.refusals.window()).await;
                    if let Err(e) = app.flush_refusals().await {
                        tracing::warn!("writing refused attempts to the audit log failed: {e}");
                    }
                });
            }
            // No runtime (a synchronous caller): the next flush_refusals writes them.
            Err(_) => self.refusals.lock().flush_pending = false,
        }
    }

    /// Writes the refusals counted so far as one audit entry per (actor, kind), in one
    /// transaction; returns how many entries were written.
    pub async fn flush_refusals(&self) -> AppResult<usize> {
        let drafts = self.refusals.take();
        let n = drafts.len();
        if n > 0 {
            self.store.append_audit(drafts).await?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).expect("time")
    }

    #[test]
    fn repeated_refusals_become_one_entry_per_actor_and_kind() {
        let r = Refusals::new(Duration::from_secs(60));
        assert!(r.note(Some(("p1", "o1")), "not_found", Some("copy:a"), t(0)));
        for i in 1..1000 {
            let target = format!("copy:{i}");
            assert!(!r.note(Some(("p1", "o1")), "not_found", Some(&target), t(i)));
        }
        assert!(!r.note(Some(("p1", "o1")), "csrf", None, t(5)));
        assert!(!r.note(None, "sign_in_failed", Some("nobody"), t(6)));
        assert_eq!(r.pending(), 1002);
        let drafts = r.take();
        assert_eq!(drafts.len(), 3, "{drafts:?}");
        let nf = drafts
            .iter()
            .find(|d| d.action == "refusal.not_found")
            .expect("not_found entry");
        assert_eq!(nf.actor.as_deref(), Some("p1"));
        assert_eq!(nf.actor_org.as_deref(), Some("o1"));
        assert_eq!(nf.detail["count"], 1000);
        assert_eq!(
            nf.detail["targets"].as_array().map(Vec::len),
            Some(MAX_TARGETS)
        );
        assert_eq!(nf.detail["targets_omitted"], 1000 - MAX_TARGETS as u64);
        assert_eq!(nf.target, None, "many targets: none singled out");
        let anon = drafts
            .iter()
            .find(|d| d.action == "refusal.sign_in_failed")
            .expect("anonymous entry");
        assert_eq!(anon.actor, None);
        assert_eq!(anon.target.as_deref(), Some("nobody"));
        // A new window starts empty and asks for a new writer.
        assert_eq!(r.pending(), 0);
        assert!(r.take().is_empty());
        assert!(r.note(None, "csrf", None, t(70)));
    }

    #[test]
    fn hostile_input_is_clipped_and_buckets_are_bounded() {
        let r = Refusals::new(Duration::from_secs(60));
        let long = format!("a\u{0}b{}", "x".repeat(10_000));
        r.note(None, "not_found", Some(&long), t(0));
        for i in 0..(MAX_BUCKETS + 50) {
            let p = format!("p{i}");
            r.note(Some((&p, "o")), "scope", Some("admin"), t(1));
        }
        let drafts = r.take();
        assert!(drafts.len() <= MAX_BUCKETS, "{}", drafts.len());
        let nf = drafts
            .iter()
            .find(|d| d.action == "refusal.not_found")
            .expect("entry");
        let kept = nf.target.as_deref().expect("one target");
        assert_eq!(kept.chars().count(), MAX_TARGET_CHARS);
        assert!(kept.starts_with("a\u{FFFD}b"), "{kept}");
        let folded: u64 = drafts
            .iter()
            .filter(|d| d.action == "refusal.scope")
            .map(|d| d.detail["count"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(
            folded,
            (MAX_BUCKETS + 50) as u64,
            "every refusal is counted"
        );
    }
}
