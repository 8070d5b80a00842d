//! SQL storage backends: SQLite (the embedded default) and PostgreSQL (scale-out).
//!
//! Both backends compile from one body of queries (`queries.rs`, included twice with a different
//! `Db`), because the schema is kept portable: BIGINT micros for time, 0/1 integers for flags,
//! JSON text for lists, `$n` placeholders in order of appearance. What truly differs — connection
//! settings, migrations, SQLite's single writer — stays in each backend's module.

pub mod backup;
mod convert;

/// The embedded backend: one file in the data directory, WAL, `synchronous = FULL` so that an
/// acknowledged write survives a crash or power loss, and a single writer connection so that
/// transactions never fight over SQLite's one write lock.
pub mod sqlite {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    use std::str::FromStr;
    use std::time::Duration;

    pub type Db = sqlx::Sqlite;

    /// Row locks of a claiming statement: none needed, the single writer connection runs each
    /// claiming `UPDATE … RETURNING` alone.
    fn skip_locked(_alias: &str) -> String {
        String::new()
    }

    /// `column` compared without its index (dialect hook): SQLite's unary `+`. SQLite plans
    /// without table statistics, and would otherwise read a listing's rows through an
    /// organisation's whole index range (every copy addressed to a ministry) instead of the
    /// walk's window or the row's chain.
    fn unindexed(column: &str) -> String {
        format!("+{column}")
    }

    /// Where a liaison write's transaction runs (dialect hook): on a thread and runtime of its
    /// own. Every write goes through SQLite's one writer connection, and each statement of a
    /// transaction is a round trip to that connection's thread. Run on the request runtime, the
    /// transaction would wait between its statements behind every other request's work while
    /// holding the one write lock the other writers queue for; on its own thread it runs as
    /// soon as each answer arrives. The thread ends with the store.
    #[derive(Clone)]
    struct Lane {
        handle: tokio::runtime::Handle,
        _stop: std::sync::Arc<tokio::sync::oneshot::Sender<()>>,
    }

    impl Lane {
        fn new() -> std::io::Result<Self> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = rt.handle().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            std::thread::Builder::new()
                .name("sqlite-writer".into())
                .spawn(move || {
                    let _ = rt.block_on(stopped);
                })?;
            Ok(Self {
                handle,
                _stop: std::sync::Arc::new(stop),
            })
        }

        /// Runs `f` on the lane. It runs to its end even if the caller stops waiting: a
        /// transaction is committed or rolled back, never left half-sent.
        async fn run<T: Send + 'static>(
            &self,
            f: impl std::future::Future<Output = kakehashi_store::StoreResult<T>> + Send + 'static,
        ) -> kakehashi_store::StoreResult<T> {
            match self.handle.spawn(f).await {
                Ok(out) => out,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(kakehashi_store::StoreError::Unavailable(e.to_string())),
            }
        }
    }

    /// How a statement is explained: the plan only (SQLite's `EXPLAIN QUERY PLAN` never runs it).
    const EXPLAIN: &str = "EXPLAIN QUERY PLAN ";

    /// SQLite's plan rows (id, parent, detail) as an indented tree.
    fn explain_lines(
        rows: &[sqlx::sqlite::SqliteRow],
    ) -> kakehashi_store::StoreResult<Vec<String>> {
        use sqlx::Row;
        let mut depth: std::collections::HashMap<i64, usize> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get(0).map_err(crate::convert::map_err)?;
            let parent: i64 = r.try_get(1).map_err(crate::convert::map_err)?;
            let detail: String = r.try_get(3).map_err(crate::convert::map_err)?;
            let d = depth.get(&parent).map_or(0, |d| d + 1);
            depth.insert(id, d);
            out.push(format!("{}{detail}", "  ".repeat(d)));
        }
        Ok(out)
    }

    /// The listing walk's merge of per-key index ranges (dialect hook): one range scan per key,
    /// each stopped after `n` rows, merged by a compound `UNION` (which also drops a copy met
    /// under two keys). SQLite has no arrays and no LATERAL join, so the statement lists its keys.
    fn push_key_window(
        qb: &mut QueryBuilder<'_, Db>,
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: i64,
    ) {
        let dir = if walk.ascending { "" } else { " DESC" };
        for (i, key) in walk.keys.iter().enumerate() {
            if i > 0 {
                qb.push(" UNION ");
            }
            qb.push(
                "SELECT created_at, copy_id FROM (SELECT a.created_at, a.copy_id FROM copy_audience a \
                 WHERE a.key = ",
            )
            .push_bind(key.clone());
            push_walk_bounds(qb, "a", "copy_id", walk, pos);
            qb.push(format!(
                " ORDER BY a.created_at{dir}, a.copy_id{dir} LIMIT "
            ))
            .push_bind(n)
            .push(format!(") AS k{i}"));
        }
        qb.push(format!(" ORDER BY 1{dir}, 2{dir} LIMIT "))
            .push_bind(n);
    }

    include!("queries.rs");
    include!("risk_queries.rs");

    impl SqlStore {
        /// Opens (creating if missing) the database at `url` (`sqlite://path`) and migrates it.
        pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // An embedded database has no connection to lose: the pools do not ping a
            // connection before handing it out (each ping is a round trip to the connection's
            // thread, on every query of a request).
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(opts.clone())
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&writer).await?;
            let reader = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(opts.read_only(true))
                .await?;
            Ok(Self {
                reader,
                writer,
                name: "sqlite",
                lane: Lane::new().map_err(sqlx::Error::Io)?,
            })
        }

        /// Caps the database file at `pages` pages (default: its size now) on the writer
        /// connection (`PRAGMA max_page_count`), so that SQLite answers SQLITE_FULL as it does
        /// on a full disk; returns the cap. For fault tests; `limit_pages(Some(u32::MAX as u64))`
        /// lifts it.
        #[doc(hidden)]
        pub async fn limit_pages(&self, pages: Option<u64>) -> Result<u64, sqlx::Error> {
            let pages = match pages {
                Some(p) => p,
                None => {
                    let n: i64 = sqlx::query_scalar("PRAGMA page_count")
                        .fetch_one(&self.writer)
                        .await?;
                    n as u64
                }
            };
            let cap: i64 = sqlx::query_scalar(&format!("PRAGMA max_page_count = {pages}"))
                .fetch_one(&self.writer)
                .await?;
            Ok(cap as u64)
        }

        /// One node only: live events stay inside the process.
        async fn publish_impl(&self, _payload: &str) -> kakehashi_store::StoreResult<bool> {
            Ok(false)
        }

        async fn subscribe_impl(
            &self,
        ) -> kakehashi_store::StoreResult<Option<tokio::sync::mpsc::Receiver<String>>> {
            Ok(None)
        }
    }
}

/// The scale-out backend: any number of stateless server nodes share one PostgreSQL.
pub mod postgres {
    use sqlx::postgres::PgPoolOptions;

    pub type Db = sqlx::Postgres;

    /// Row locks of a claiming statement: rows (of `alias`) another node is claiming right now
    /// are skipped, not waited for, so concurrent claimers take disjoint rows.
    fn skip_locked(alias: &str) -> String {
        format!(" FOR UPDATE OF {alias} SKIP LOCKED")
    }

    /// `column` as it is (dialect hook): PostgreSQL plans from table statistics and picks the
    /// window or the chain as the access path by itself; its unary `+` does not apply to text.
    fn unindexed(column: &str) -> String {
        column.to_owned()
    }

    /// How a statement is explained: run, with the rows and buffers each step read.
    const EXPLAIN: &str = "EXPLAIN (ANALYZE, BUFFERS) ";

    /// PostgreSQL's plan, one text row per line.
    fn explain_lines(rows: &[sqlx::postgres::PgRow]) -> kakehashi_store::StoreResult<Vec<String>> {
        use sqlx::Row;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(crate::convert::map_err))
            .collect()
    }

    /// The listing walk's merge of per-key index ranges (dialect hook): the keys bound as one
    /// array, each driving a LATERAL range scan stopped after `n` rows. One statement text
    /// whatever the number of keys, so its prepared plan is reused (a `UNION` of sixty branches,
    /// as NISC's keys would make, costs PostgreSQL more to plan than to run).
    fn push_key_window(
        qb: &mut QueryBuilder<'_, Db>,
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: i64,
    ) {
        let dir = if walk.ascending { "" } else { " DESC" };
        qb.push("SELECT DISTINCT w.created_at, w.copy_id FROM UNNEST(")
            .push_bind(walk.keys.to_vec())
            .push(
                ") AS k(key) CROSS JOIN LATERAL (SELECT a.created_at, a.copy_id FROM copy_audience a \
                 WHERE a.key = k.key",
            );
        push_walk_bounds(qb, "a", "copy_id", walk, pos);
        qb.push(format!(
            " ORDER BY a.created_at{dir}, a.copy_id{dir} LIMIT "
        ))
        .push_bind(n)
        .push(format!(") AS w ORDER BY 1{dir}, 2{dir} LIMIT "))
        .push_bind(n);
    }

    /// Where a liaison write's transaction runs (dialect hook): where it is called. PostgreSQL
    /// takes many writers at once, each on its own connection.
    struct Lane;

    impl Lane {
        async fn run<T>(
            &self,
            f: impl std::future::Future<Output = kakehashi_store::StoreResult<T>>,
        ) -> kakehashi_store::StoreResult<T> {
            f.await
        }
    }

    include!("queries.rs");
    include!("risk_queries.rs");

    impl SqlStore {
        /// Connects to `url` (`postgres://…`) and migrates the schema.
        pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
            // While PostgreSQL is down (restarting, unreachable) a request waits at most this
            // long for a connection and is then answered 503, instead of sqlx's default 30 s.
            // Pooled connections are pinged before use, so after a restart the dead ones are
            // dropped and new ones made: the server recovers by itself.
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(std::time::Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Ok(Self {
                reader: pool.clone(),
                writer: pool,
                name: "postgres",
                lane: Lane,
            })
        }

        /// NOTIFY reaches every node listening on the same database. A payload too large for
        /// NOTIFY (8000 bytes) is stored in `live_events` and announced as `@<id>`.
        async fn publish_impl(&self, payload: &str) -> kakehashi_store::StoreResult<bool> {
            let announced = if payload.len() > crate::NOTIFY_LIMIT {
                let now = chrono::Utc::now().timestamp_micros();
                let mut tx = self.writer.begin().await.map_err(crate::convert::map_err)?;
                sqlx::query("DELETE FROM live_events WHERE created_at < $1")
                    .bind(now - 3_600_000_000)
                    .execute(&mut *tx)
                    .await
                    .map_err(crate::convert::map_err)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO live_events (payload, created_at) VALUES ($1, $2) RETURNING id",
                )
                .bind(payload)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::convert::map_err)?;
                tx.commit().await.map_err(crate::convert::map_err)?;
                format!("@{id}")
            } else {
                payload.to_owned()
            };
            sqlx::query("SELECT pg_notify('kakehashi_events', $1)")
                .bind(announced)
                .execute(&self.writer)
                .await
                .map_err(crate::convert::map_err)?;
            Ok(true)
        }

        /// A LISTEN connection forwarding payloads (sqlx's listener reconnects by itself).
        async fn subscribe_impl(
            &self,
        ) -> kakehashi_store::StoreResult<Option<tokio::sync::mpsc::Receiver<String>>> {
            let mut listener = sqlx::postgres::PgListener::connect_with(&self.writer)
                .await
                .map_err(crate::convert::map_err)?;
            listener
                .listen("kakehashi_events")
                .await
                .map_err(crate::convert::map_err)?;
            let (tx, rx) = tokio::sync::mpsc::channel(1024);
            let pool = self.writer.clone();
            tokio::spawn(async move {
                loop {
                    match listener.recv().await {
                        Ok(n) => {
                            let payload = match n.payload().strip_prefix('@') {
                                None => n.payload().to_owned(),
                                Some(id) => match crate::stored_event(&pool, id).await {
                                    Some(p) => p,
                                    None => continue,
                                },
                            };
                            if tx.send(payload).await.is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            tracing::warn!("event listener: {e}");
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        }
                    }
                }
            });
            Ok(Some(rx))
        }
    }
}

/// The largest payload sent through NOTIFY itself (PostgreSQL refuses more than 8000 bytes).
pub const NOTIFY_LIMIT: usize = 7000;

/// A stored live event, by the id a notification announced.
async fn stored_event(pool: &sqlx::PgPool, id: &str) -> Option<String> {
    let id: i64 = id.parse().ok()?;
    match sqlx::query_scalar::<_, String>("SELECT payload FROM live_events WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("reading a stored live event: {e}");
            None
        }
    }
}

/// Opens the backend the URL names. Refuses unknown schemes rather than guessing, so that a
/// mistyped URL never silently creates an empty SQLite file.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn kakehashi_store::Store>, String> {
    if url.starts_with("sqlite:") {
        let s = sqlite::SqlStore::connect(url)
            .await
            .map_err(|e| format!("SQLite {url}: {e}"))?;
        Ok(std::sync::Arc::new(s))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = postgres::SqlStore::connect(url)
            .await
            .map_err(|e| format!("PostgreSQL: {e}"))?;
        Ok(std::sync::Arc::new(s))
    } else {
        Err(format!(
            "unsupported database URL scheme in {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
        ))
    }
}
