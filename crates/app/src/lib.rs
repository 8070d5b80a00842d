//! Use cases: what a person can do, each one the domain rules + the sharing policy + storage +
//! audit in one transaction. Generic over nothing: the store is chosen once at start-up and held
//! as `Arc<dyn Store>`, which keeps the HTTP layer free of type parameters.

pub mod actors;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod consultations;
pub mod contacts;
pub mod continuity;
pub mod cross_check;
pub mod deadlines;
pub mod demo;
pub mod documents;
pub mod egress;
pub mod error;
pub mod events;
pub mod exercises;
pub mod fanout;
pub mod home;
pub mod identity;
pub mod inbox;
pub mod interop;
pub mod labels;
pub mod large_scale;
pub mod liaison;
pub mod notify;
pub mod orgs;
pub mod provision;
pub mod public;
pub mod refusals;
pub mod reporter;
pub mod risk;
pub mod situation;
pub mod standards;
pub mod statistics;
pub mod stix;
pub mod taxonomy;
pub mod upkeep;
pub mod webhooks;

use chrono::{DateTime, Utc};
use kakehashi_reference::Reference;
use kakehashi_store::Store;
use std::sync::Arc;

pub use error::{AppError, AppResult};
pub use identity::Actor;

/// Time as a parameter: tests and replays pass their own clock.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Display name of the hub organisation (NISC), as the deployment wants it shown.
    pub nisc_name_ja: String,
    pub nisc_name_en: String,
    /// Session lifetime.
    pub session_hours: i64,
    /// Public address of the UI, for links in mail.
    pub base_url: String,
    /// Webhook hosts (`host[:port]`) that may use `http` and internal addresses; empty by
    /// default (see [`egress`]).
    pub webhook_allow: egress::AllowList,
    /// How often an open live-event stream re-checks the credential it was opened with (it is
    /// also re-checked before every event it delivers).
    pub live_recheck: std::time::Duration,
    /// A point of contact last verified more than this many days ago is stale (連絡先の確認).
    pub contact_stale_days: u32,
    /// How many minutes before a reporting deadline its reminder goes out (and how near a
    /// deadline is to show in the overdue view).
    pub reminder_window_minutes: i64,
    /// The size limit of one attachment (別紙・検体), in bytes.
    pub attachment_max_bytes: u64,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            nisc_name_ja: "内閣サイバーセキュリティセンター（重要インフラ防護担当）".into(),
            nisc_name_en: "NISC (Critical Infrastructure Protection)".into(),
            session_hours: 12,
            base_url: "http://127.0.0.1:8080".into(),
            webhook_allow: egress::AllowList::default(),
            live_recheck: std::time::Duration::from_secs(60),
            contact_stale_days: kakehashi_domain::contacts::DEFAULT_STALE_DAYS,
            reminder_window_minutes: deadlines::DEFAULT_REMINDER_WINDOW_MINUTES,
            attachment_max_bytes: kakehashi_domain::attachment::DEFAULT_MAX_BYTES,
        }
    }
}

/// A node's copy of the organisation directory and the directory version it was read at, with
/// the names by id (what every listing needs to name senders and addressees) and each record's
/// place by id (what a fan-out looks up). Built once per directory version.
#[derive(Clone)]
pub(crate) struct DirectoryCopy {
    version: i64,
    records: Arc<Vec<kakehashi_store::OrgRecord>>,
    names: Arc<orgs::OrgNames>,
    places: Arc<std::collections::HashMap<kakehashi_domain::OrgId, usize>>,
}

impl DirectoryCopy {
    /// The organisation's record, if the directory holds it.
    pub(crate) fn get(&self, id: &kakehashi_domain::OrgId) -> Option<&kakehashi_store::OrgRecord> {
        self.places.get(id).map(|&i| &self.records[i])
    }
}

/// The application: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub reference: &'static Reference,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    pub events: Arc<events::Events>,
    pub mailer: Arc<dyn notify::Mailer>,
    /// Resolves webhook host names (the system resolver unless a test replaces it).
    pub resolver: Arc<dyn egress::HostResolver>,
    /// This node's name in row claims of the background workers (unique per process).
    pub node: Arc<str>,
    /// Refused attempts counted for the audit log (see [`refusals`]).
    pub refusals: Arc<refusals::Refusals>,
    /// This node's copy of the organisation directory with the version it was read at
    /// ([`App::directory_records`]).
    directory: Arc<std::sync::RwLock<Option<DirectoryCopy>>>,
    /// Held while this node reads the directory anew, so that requests arriving together after
    /// a change wait for one read instead of each making its own.
    directory_reading: Arc<tokio::sync::Mutex<()>>,
    /// This node's last read of the credential generation, shared by its open live streams
    /// ([`App::credential_still_stands`]).
    credential_generation: Arc<tokio::sync::Mutex<Option<auth::GenerationRead>>>,
}

/// When a periodic worker ([`App::spawn_every`]) takes its first turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FirstTurn {
    /// As soon as it is spawned.
    Now,
    /// One interval after it is spawned.
    AfterInterval,
}

impl App {
    /// Runs `turn` every `interval` on a task of its own, until the returned task is aborted. A
    /// failed turn is logged under `worker`'s name; the next turn comes as usual.
    pub(crate) fn spawn_every<T, F, Fut>(
        &self,
        worker: &'static str,
        interval: std::time::Duration,
        first: FirstTurn,
        turn: F,
    ) -> tokio::task::JoinHandle<()>
    where
        T: Send + 'static,
        F: Fn(App) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = AppResult<T>> + Send + 'static,
    {
        let app = self.clone();
        tokio::spawn(async move {
            if first == FirstTurn::AfterInterval {
                tokio::time::sleep(interval).await;
            }
            loop {
                if let Err(e) = turn(app.clone()).await {
                    tracing::warn!("{worker}: {e}");
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}

impl App {
    pub fn new(store: Arc<dyn Store>, config: AppConfig) -> Self {
        Self {
            store,
            reference: kakehashi_reference::embedded(),
            clock: Arc::new(SystemClock),
            config: Arc::new(config),
            events: Arc::new(events::Events::default()),
            mailer: Arc::new(notify::NoMail),
            resolver: Arc::new(egress::SystemResolver),
            node: new_id().into(),
            refusals: Arc::new(refusals::Refusals::default()),
            directory: Arc::default(),
            directory_reading: Arc::default(),
            credential_generation: Arc::default(),
        }
    }

    pub fn with_mailer(mut self, mailer: Arc<dyn notify::Mailer>) -> Self {
        self.mailer = mailer;
        self
    }

    pub fn with_resolver(mut self, resolver: Arc<dyn egress::HostResolver>) -> Self {
        self.resolver = resolver;
        self
    }

    /// Counts refused attempts for `window` before writing them (one minute by default).
    pub fn with_refusal_window(mut self, window: std::time::Duration) -> Self {
        self.refusals = Arc::new(refusals::Refusals::new(window));
        self
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A fresh, time-ordered identifier.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
