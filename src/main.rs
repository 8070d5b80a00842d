//! `kakehashi` — one binary: serve the platform, administer it, verify its audit log.

/// See the dependency's note in Cargo.toml: freed Argon2 buffers go back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use kakehashi_app::{App, AppConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "kakehashi",
    version,
    about = "架け橋 Kakehashi — information sharing for Japan's critical-infrastructure cybersecurity framework"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Data directory of the embedded SQLite database (created if missing).
    #[arg(long, env = "KAKEHASHI_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Use this database instead: `postgres://user@host/db` (or `sqlite://path`).
    #[arg(long, env = "KAKEHASHI_DATABASE_URL")]
    database_url: Option<String>,
}

impl DbArgs {
    /// The database a diagnostic reads: it must exist already (no data directory or SQLite
    /// file is created for it).
    fn existing_url(&self) -> anyhow::Result<String> {
        if self.database_url.is_none() {
            let file = self.data_dir.join("kakehashi.sqlite3");
            if !file.is_file() {
                bail!(
                    "no database at {} (give --data-dir or --database-url)",
                    file.display()
                );
            }
        }
        self.url()
    }

    fn url(&self) -> anyhow::Result<String> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating data directory {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("kakehashi.sqlite3").display()
        ))
    }
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "KAKEHASHI_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Load the demo world (organisations and demo sign-ins).
    #[arg(long)]
    demo: bool,
    /// Mark cookies Secure even on a loopback address (always on for other addresses).
    #[arg(long)]
    secure_cookies: bool,
    /// Login name of the platform administrator created on first start.
    #[arg(long, default_value = "admin")]
    admin_login: String,
    /// SMTP relay for notification mail: `smtp://127.0.0.1:2525` (plain, local relay),
    /// `smtp://host:587?tls=starttls` or `smtps://host:465`, optionally with `user:password@`.
    /// Without it no mail is sent.
    #[arg(long, env = "KAKEHASHI_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of notification mail.
    #[arg(
        long,
        env = "KAKEHASHI_MAIL_FROM",
        default_value = "kakehashi@localhost"
    )]
    mail_from: String,
    /// Public base URL used in links in mail (default: `http://<bind>`).
    #[arg(long, env = "KAKEHASHI_BASE_URL")]
    base_url: Option<String>,
    /// Webhook receivers that may use http:// and internal addresses (loopback, private
    /// networks): comma-separated `host[:port]`, e.g. `hooks.intra.example:8080`. Empty by
    /// default: webhooks go only to https:// on public addresses.
    #[arg(long, env = "KAKEHASHI_WEBHOOK_ALLOW", value_delimiter = ',')]
    webhook_allow: Vec<String>,
    /// A point of contact last verified more than this many days ago is shown as stale.
    #[arg(long, env = "KAKEHASHI_CONTACT_STALE_DAYS", default_value_t = kakehashi_domain::contacts::DEFAULT_STALE_DAYS)]
    contact_stale_days: u32,
    /// Minutes before a reporting deadline its reminder goes out (also how near a deadline is
    /// to show in the overdue view).
    #[arg(long, env = "KAKEHASHI_REMINDER_WINDOW_MINUTES", default_value_t = kakehashi_app::deadlines::DEFAULT_REMINDER_WINDOW_MINUTES)]
    reminder_window_minutes: i64,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (UI and API).
    Serve(ServeArgs),
    /// Run the server with the demo world loaded (same as `serve --demo`).
    Demo(ServeArgs),
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Take a consistent backup while the server runs (SQLite: a verified copy of the database
    /// file; PostgreSQL: a `pg_dump` custom-format archive of one snapshot).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write (must not exist yet).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty data directory or an empty PostgreSQL database.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file written by `kakehashi backup`.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a personal API token for a person.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the database's plans for one person's case listing (the statements the listing
    /// runs, with the same filters as the API's query parameters). Writes nothing.
    ExplainListing {
        #[command(flatten)]
        db: DbArgs,
        /// Login name of the person whose listing it is.
        #[arg(long)]
        login: String,
        /// The inbox (受信箱) instead of the search (検索) listing.
        #[arg(long)]
        inbox: bool,
        /// Filters, as the API's query parameters take them.
        #[command(flatten)]
        filter: ExplainFilter,
    },
}

/// The listing filters `admin explain-listing` passes on.
#[derive(Args)]
struct ExplainFilter {
    #[arg(long)]
    sector: Option<String>,
    #[arg(long)]
    tlp: Option<String>,
    /// Keywords.
    #[arg(long)]
    q: Option<String>,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    limit: Option<String>,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it once.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// Login name of the person the token acts for.
        #[arg(long)]
        login: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated scopes: read, write, admin.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Expiry in days (none = no expiry).
        #[arg(long)]
        days: Option<i64>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain: detects any changed, inserted or deleted entry.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// The person with `login` as the application sees them (for the commands that act as someone).
async fn actor_by_login(app: &App, login: &str) -> anyhow::Result<kakehashi_app::Actor> {
    let person = app
        .store
        .person_by_login(&login.to_lowercase())
        .await
        .map_err(|_| anyhow::anyhow!("no person with login {login:?}"))?;
    app.actor(&person.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn open_app(db: &DbArgs) -> anyhow::Result<App> {
    open_app_with(db, AppConfig::default()).await
}

async fn open_app_with(db: &DbArgs, config: AppConfig) -> anyhow::Result<App> {
    let url = db.url()?;
    let store = kakehashi_store_sql::open(&url)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(App::new(store, config))
}

async fn serve(args: ServeArgs, demo: bool) -> anyhow::Result<()> {
    // Each live client holds a connection: the soft open-file limit goes up to the hard one.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::info!(open_files = n, "open-file limit"),
        Err(e) => tracing::warn!("the open-file limit could not be raised: {e}"),
    }
    let config = AppConfig {
        base_url: args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.bind)),
        webhook_allow: kakehashi_app::egress::AllowList::parse(&args.webhook_allow)
            .map_err(|e| anyhow::anyhow!("--webhook-allow: {e}"))?,
        contact_stale_days: args.contact_stale_days,
        reminder_window_minutes: args.reminder_window_minutes.max(0),
        ..AppConfig::default()
    };
    let mut app = open_app_with(&args.db, config).await?;
    if let Some(smtp_url) = &args.smtp_url {
        let mailer = kakehashi_notify_smtp::SmtpMailer::new(smtp_url, &args.mail_from)
            .map_err(|e| anyhow::anyhow!("--smtp-url / --mail-from: {e}"))?;
        tracing::info!(relay = %mailer.config().display_target(), "notification mail via SMTP");
        app = app.with_mailer(Arc::new(mailer));
    }
    if let Some(password) = app
        .bootstrap(&args.admin_login)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        // Shown once on the console of the person who started the server; never logged.
        println!("First start: platform administrator created.");
        println!(
            "  Sign in at http://{}/signin as '{}' with password: {password}",
            args.bind, args.admin_login
        );
        println!("  (you choose your own at the first sign-in; it is not shown again)");
    }
    // Copies stored before keyword search existed get their search text once.
    let indexed = app
        .index_search_text()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if indexed > 0 {
        tracing::info!(copies = indexed, "search text computed for earlier copies");
    }
    if demo {
        let logins = app.load_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if !logins.is_empty() {
            println!(
                "Demo world loaded. Password of every demo sign-in: {}",
                kakehashi_app::demo::DEMO_PASSWORD
            );
            for l in logins {
                println!("  {:<22} {}", l.login, l.who_ja);
            }
        }
    }
    app.start_event_relay()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Signed webhook deliveries: attempted every second, backing off 2 s, 4 s, 8 s… per failure.
    // Every node runs the workers; rows are claimed, so each delivery and digest goes out once.
    let _webhooks = app.spawn_webhook_worker(std::time::Duration::from_secs(1), 2000);
    // Digest mail for people who chose it: unread, not yet mailed provisions, hourly.
    let _digests = app.spawn_digest_worker(std::time::Duration::from_secs(3600));
    // Reporting-deadline reminders (near and overdue), each sent once, checked every minute.
    let _reminders = app.spawn_reminder_worker(std::time::Duration::from_secs(60));
    // The planner's table statistics, where the database does not keep them itself: now, then
    // every minute (autovacuum's own pace).
    let _statistics = app.spawn_statistics_worker(std::time::Duration::from_secs(60));
    let secure = args.secure_cookies || !args.bind.ip().is_loopback();
    let router = kakehashi_server::router(
        app.clone(),
        kakehashi_server::ServerConfig {
            secure_cookies: secure,
        },
    );
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    println!(
        "Kakehashi listening on http://{} ({})",
        listener.local_addr()?,
        app.store.backend()
    );
    kakehashi_server::serve(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    // Refused attempts still being counted go to the audit log before the process ends.
    if let Err(e) = app.flush_refusals().await {
        tracing::warn!("writing refused attempts to the audit log failed: {e}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(a) => {
            let demo = a.demo;
            serve(a, demo).await
        }
        Command::Demo(a) => serve(a, true).await,
        Command::Admin {
            command:
                AdminCommand::Token {
                    command:
                        TokenCommand::Create {
                            db,
                            login,
                            name,
                            scopes,
                            days,
                        },
                },
        } => {
            let app = open_app(&db).await?;
            let actor = actor_by_login(&app, &login).await?;
            let scopes: Vec<String> = scopes
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            let (rec, raw) = app
                .create_api_token(&actor, &name, &scopes, days)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{raw}");
            eprintln!(
                "token {} for {login} with scopes {:?} (shown once)",
                rec.id, rec.scopes
            );
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::ExplainListing {
                    db,
                    login,
                    inbox,
                    filter,
                },
        } => {
            let store = kakehashi_store_sql::open(&db.existing_url()?)
                .await
                .map_err(anyhow::Error::msg)?;
            let app = App::new(store, AppConfig::default());
            let actor = actor_by_login(&app, &login).await?;
            let filter = kakehashi_app::inbox::ListingFilter {
                sector: filter.sector,
                tlp: filter.tlp,
                q: filter.q,
                status: filter.status,
                limit: filter.limit,
                ..Default::default()
            };
            let scope = if inbox {
                kakehashi_app::inbox::Scope::Inbox
            } else {
                kakehashi_app::inbox::Scope::All
            };
            let plan = app
                .explain_listing(&actor, scope, &filter)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for line in plan {
                println!("{line}");
            }
            Ok(())
        }
        Command::Backup { db, to } => {
            let r = kakehashi_store_sql::backup::backup(&db.url()?, &to)
                .await
                .map_err(anyhow::Error::msg)?;
            println!(
                "backup OK ({}): {} ({} bytes); {}; audit log OK: {} entries",
                r.backend, r.target, r.bytes, r.checked, r.audit_entries
            );
            Ok(())
        }
        Command::Restore { db, from } => {
            let r = kakehashi_store_sql::backup::restore(&db.url()?, &from)
                .await
                .map_err(anyhow::Error::msg)?;
            println!(
                "restore OK ({}): {} restored into {}; {}; audit log OK: {} entries",
                r.backend,
                from.display(),
                r.target,
                r.checked,
                r.audit_entries
            );
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let app = open_app(&db).await?;
            match app
                .verify_audit()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                Ok(n) => {
                    println!("audit log OK: {n} entries, hash chain and head verified");
                    Ok(())
                }
                Err(e) => bail!("audit log FAILED verification: {e}"),
            }
        }
    }
}
