//! SQL storage backends: SQLite (the embedded default) and PostgreSQL (scale-out).
//!
//! Both backends compile from one body of queries (`queries.rs`, included twice with a different
//! `Db`), because the schema is kept portable: BIGINT micros for time, 0/1 integers for flags,
//! JSON text for lists, `$n` placeholders in order of appearance. What truly differs — connection
//! settings, migrations, SQLite's single writer — stays in each backend's module.

pub mod backup;
mod convert;
mod merge;

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

    /// Where liaison writes run (dialect hook): on a thread and runtime of their own, with
    /// group commit. Every write goes through SQLite's one writer connection, and each
    /// statement of a transaction is a round trip to that connection's thread. Run on the
    /// request runtime, a transaction would wait between its statements behind every other
    /// request's work while holding the one write lock the other writers queue for; on its own
    /// thread it runs as soon as each answer arrives.
    ///
    /// Writes that arrive while one is being written are then written together, one after the
    /// other in one transaction, which commits (and syncs the disk) once for all of them.
    /// Each caller is answered after that commit, so an acknowledged write is as durable as
    /// before. If any write of a group fails, or the commit does, the group's transaction is
    /// rolled back whole and each write is made again alone, so each caller gets its own
    /// answer, as if it had been alone; SQLite rolls back a whole transaction by itself on
    /// some errors (a full disk), and a group never continues after one.
    ///
    /// The thread ends with the store.
    struct Lane {
        jobs: tokio::sync::mpsc::UnboundedSender<HopJob>,
        /// Writes committed in a group of more than one.
        shared: std::sync::Arc<std::sync::atomic::AtomicU64>,
        /// Writes made again alone after their group failed.
        redone: std::sync::Arc<std::sync::atomic::AtomicU64>,
        /// Writes sent and not yet taken into a group.
        waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        /// Held by a test to let writes queue up before the lane takes them.
        gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    }

    type HopJob = (
        kakehashi_store::HopBatch,
        tokio::sync::oneshot::Sender<kakehashi_store::StoreResult<kakehashi_store::HopOutcome>>,
    );

    /// At most this many writes share a commit.
    const GROUP_MAX: usize = 64;

    impl Lane {
        fn new(writer: sqlx::Pool<Db>) -> std::io::Result<Self> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<HopJob>();
            let lane = Self {
                jobs,
                shared: Default::default(),
                redone: Default::default(),
                waiting: Default::default(),
                gate: Default::default(),
            };
            let (counts, waiting, gate) = (
                (
                    std::sync::Arc::clone(&lane.shared),
                    std::sync::Arc::clone(&lane.redone),
                ),
                std::sync::Arc::clone(&lane.waiting),
                std::sync::Arc::clone(&lane.gate),
            );
            let taken = move || {
                waiting.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            };
            std::thread::Builder::new()
                .name("sqlite-writer".into())
                .spawn(move || {
                    rt.block_on(async move {
                        // Ends when the store (the sender) is dropped.
                        while let Some(first) = queue.recv().await {
                            let _open = gate.lock().await;
                            taken();
                            let mut group = vec![first];
                            while group.len() < GROUP_MAX {
                                match queue.try_recv() {
                                    Ok(job) => {
                                        taken();
                                        group.push(job);
                                    }
                                    Err(_) => break,
                                }
                            }
                            SqlStore::commit_group(&writer, group, (&counts.0, &counts.1)).await;
                        }
                    })
                })?;
            Ok(lane)
        }

        async fn record_hops(
            &self,
            b: kakehashi_store::HopBatch,
        ) -> kakehashi_store::StoreResult<kakehashi_store::HopOutcome> {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let gone = || kakehashi_store::StoreError::Unavailable("the writer has stopped".into());
            self.waiting
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.jobs.send((b, tx)).map_err(|_| gone())?;
            rx.await.map_err(|_| gone())?
        }
    }

    impl SqlStore {
        /// How many liaison writes were committed together with others (group commit), for
        /// tests and benchmarks.
        #[doc(hidden)]
        pub fn shared_commits(&self) -> u64 {
            self.lane.shared.load(std::sync::atomic::Ordering::Relaxed)
        }

        /// How many liaison writes were made again alone after their group failed.
        #[doc(hidden)]
        pub fn redone_alone(&self) -> u64 {
            self.lane.redone.load(std::sync::atomic::Ordering::Relaxed)
        }

        /// Liaison writes sent and not yet taken into a group.
        #[doc(hidden)]
        pub fn writes_waiting(&self) -> usize {
            self.lane.waiting.load(std::sync::atomic::Ordering::Relaxed)
        }

        /// While the guard lives, the writer takes no new group: writes queue up (for tests
        /// of group commit).
        #[doc(hidden)]
        pub async fn hold_writes(&self) -> tokio::sync::OwnedMutexGuard<()> {
            std::sync::Arc::clone(&self.lane.gate).lock_owned().await
        }

        /// Writes a group of liaison writes with one commit (see [`Lane`]); answers each.
        async fn commit_group(
            writer: &sqlx::Pool<Db>,
            mut group: Vec<HopJob>,
            (shared, redone): (&std::sync::atomic::AtomicU64, &std::sync::atomic::AtomicU64),
        ) {
            if group.len() == 1 {
                if let Some((b, reply)) = group.pop() {
                    let _ = reply.send(Self::record_hops_in(writer.clone(), b).await);
                }
                return;
            }
            match Self::try_group(writer, &group).await {
                Ok(outcomes) => {
                    shared.fetch_add(group.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    for ((_, reply), outcome) in group.into_iter().zip(outcomes) {
                        let _ = reply.send(Ok(outcome));
                    }
                }
                // Rolled back whole: each alone, for its own answer.
                Err(_) => {
                    redone.fetch_add(group.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    for (b, reply) in group {
                        let _ = reply.send(Self::record_hops_in(writer.clone(), b).await);
                    }
                }
            }
        }

        /// The group in one transaction, one write after the other; any failure fails it all
        /// (the transaction is dropped, so rolled back), so no write needs a savepoint of its
        /// own.
        async fn try_group(
            writer: &sqlx::Pool<Db>,
            group: &[HopJob],
        ) -> kakehashi_store::StoreResult<Vec<kakehashi_store::HopOutcome>> {
            use crate::convert::map_err;
            let mut tx = writer.begin().await.map_err(map_err)?;
            let mut outcomes = Vec::with_capacity(group.len());
            for (b, _) in group {
                outcomes.push(Self::hops_in(&mut tx, b.clone()).await?);
            }
            tx.commit().await.map_err(map_err)?;
            Ok(outcomes)
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

    /// The listing walk's merge of per-key index ranges (dialect hook): one arm per key, each a
    /// range of the key's index in the walk's order, merged by a compound `UNION` (which also
    /// drops a copy met under two keys). SQLite has no arrays and no LATERAL join, so the
    /// statement lists its keys. The arms carry no `ORDER BY … LIMIT` of their own: SQLite then
    /// merges them lazily (`MERGE (UNION)` over index-ordered arms, no temporary B-tree) and stops
    /// after `n` rows in all, where arms limited each to `n` read and sorted up to `n` rows under
    /// every key (a ministry holds some forty keys).
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
            let (table, id) = (walk.over.table(), walk.over.id_column());
            qb.push(format!(
                "SELECT a.created_at, a.{id} AS id FROM {table} a WHERE a.key = "
            ))
            .push_bind(key.clone());
            if let Some(sector) = walk.sector {
                qb.push(" AND a.sector = ").push_bind(sector.to_owned());
            }
            push_walk_bounds(qb, "a", id, walk, pos);
        }
        qb.push(format!(" ORDER BY 1{dir}, 2{dir} LIMIT "))
            .push_bind(n);
    }

    /// Rows of text columns `x.c0, x.c1, …`, given column by column, all of one length (dialect
    /// hook): SQLite has no arrays, so the rows are bound as one JSON array of arrays, read by
    /// `json_each` (a JSON `null` reads as `NULL`).
    fn push_rows_of(qb: &mut QueryBuilder<'_, Db>, columns: Vec<Vec<Option<String>>>) {
        let len = columns.first().map_or(0, Vec::len);
        let rows: Vec<serde_json::Value> = (0..len)
            .map(|i| {
                columns
                    .iter()
                    .map(|c| serde_json::Value::from(c[i].clone()))
                    .collect()
            })
            .collect();
        let picks: Vec<String> = (0..columns.len())
            .map(|i| format!("value ->> {i} AS c{i}"))
            .collect();
        qb.push(format!("(SELECT {} FROM json_each(", picks.join(", ")))
            .push_bind(serde_json::Value::from(rows).to_string())
            .push(")) AS x");
    }

    /// A listing walk's window over keys (dialect hook): one statement, SQLite merging the
    /// key ranges itself ([`push_key_window`]).
    impl SqlStore {
        async fn key_window(
            &self,
            walk: &Walk<'_>,
            pos: Option<&Position>,
            n: usize,
        ) -> StoreResult<Vec<((i64, String), bool)>> {
            self.window_in_one(walk, pos, n).await
        }
    }

    /// The statement of a walk's first window, for `explain_listing` (dialect hook).
    fn window_statements(
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: usize,
        _window: &[(i64, String)],
    ) -> Vec<(String, QueryBuilder<'static, Db>)> {
        let mut first = QueryBuilder::new(EXPLAIN);
        push_window_query(&mut first, walk, pos, n as i64);
        vec![("-- the walk's first window".to_owned(), first)]
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
            let lane = Lane::new(writer.clone()).map_err(sqlx::Error::Io)?;
            Ok(Self {
                reader,
                writer,
                name: "sqlite",
                lane,
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

        /// Nothing to do (dialect hook). SQLite keeps no statistics unless asked to (`ANALYZE`
        /// writes `sqlite_stat1`), and its plans here do not wait for them: each listing
        /// statement names its index path (ordered index arms, `unindexed` comparisons), and
        /// those plans were measured without statistics up to 1,000,000 copies. Statistics
        /// would let SQLite choose otherwise, which would want its own measurement first.
        async fn keep_statistics_impl(&self) -> kakehashi_store::StoreResult<Vec<String>> {
            Ok(Vec::new())
        }
    }
}

/// The scale-out backend: any number of stateless server nodes share one PostgreSQL.
pub mod postgres {
    use sqlx::postgres::PgPoolOptions;
    use std::str::FromStr;

    pub type Db = sqlx::Postgres;

    /// Row locks of a claiming statement: rows (of `alias`) another node is claiming right now
    /// are skipped, not waited for, so concurrent claimers take disjoint rows.
    fn skip_locked(alias: &str) -> String {
        format!(" FOR UPDATE OF {alias} SKIP LOCKED")
    }

    /// The transaction advisory lock a node holds while it brings table statistics up to date
    /// (`SqlStore::keep_statistics_impl`): "kkh_stat" in ASCII.
    pub const STATISTICS_LOCK: i64 = 0x6b6b_685f_7374_6174;

    /// `column` compared without its index (dialect hook): `column || ''`, an expression no
    /// index covers (unary `+` does not apply to text). With table statistics PostgreSQL still
    /// chose to AND a chain's few copies with every copy addressed to a ministry (a bitmap of
    /// 9,650 rows, 1.3 ms a row, in the world bench's plan of a ministry's listing at 30,815
    /// copies) instead of reading the chain's copies alone.
    fn unindexed(column: &str) -> String {
        format!("({column} || '')")
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
        let (table, id) = (walk.over.table(), walk.over.id_column());
        qb.push("SELECT DISTINCT w.created_at, w.id FROM UNNEST(")
            .push_bind(walk.keys.to_vec())
            .push(format!(
                ") AS k(key) CROSS JOIN LATERAL (SELECT a.created_at, a.{id} AS id FROM {table} a \
                 WHERE a.key = k.key"
            ));
        if let Some(sector) = walk.sector {
            qb.push(" AND a.sector = ").push_bind(sector.to_owned());
        }
        push_walk_bounds(qb, "a", id, walk, pos);
        qb.push(format!(" ORDER BY a.created_at{dir}, a.{id}{dir} LIMIT "))
            .push_bind(n)
            .push(format!(") AS w ORDER BY 1{dir}, 2{dir} LIMIT "))
            .push_bind(n);
    }

    /// Rows of text columns `x.c0, x.c1, …`, given column by column, all of one length (dialect
    /// hook): one bound array a column, read in step by `UNNEST`.
    fn push_rows_of(qb: &mut QueryBuilder<'_, Db>, columns: Vec<Vec<Option<String>>>) {
        let names: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
        qb.push("UNNEST(");
        for (i, c) in columns.into_iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.push_bind(c).push("::text[]");
        }
        qb.push(format!(") AS x({})", names.join(", ")));
    }

    /// A listing walk's window over keys (dialect hook), merged in the store
    /// ([`crate::merge::KeyMerge`]). PostgreSQL plans a `UNION ALL` of index-ordered arms as an
    /// append and a sort, not a merge, so one statement had to read `n` rows under every key to
    /// be sure of the first `n`: a ministry's keyword search read about 84,000 index rows for a
    /// window of 2,000 (p99 70 ms at 100,815 copies). Each round here is one statement that
    /// reads the next chunk of the keys the merge still needs; then one statement marks which
    /// copies of the window pass the listing's per-copy filters.
    impl SqlStore {
        async fn key_window(
            &self,
            walk: &Walk<'_>,
            pos: Option<&Position>,
            n: usize,
        ) -> StoreResult<Vec<((i64, String), bool)>> {
            let mut merge = crate::merge::KeyMerge::new(walk.keys.len(), n, walk.ascending);
            loop {
                let reads = merge.reads();
                if reads.is_empty() {
                    break;
                }
                let mut qb: QueryBuilder<Db> = QueryBuilder::new("");
                push_key_reads(&mut qb, walk, pos, &reads);
                let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
                let mut each: Vec<Vec<(i64, String)>> = vec![Vec::new(); reads.len()];
                for r in &rows {
                    let i = r.try_get::<i64, _>(0).map_err(map_err)?;
                    let slot = usize::try_from(i - 1)
                        .ok()
                        .and_then(|i| each.get_mut(i))
                        .ok_or_else(|| StoreError::Other(format!("key read {i} out of range")))?;
                    slot.push((
                        r.try_get::<i64, _>(1).map_err(map_err)?,
                        r.try_get::<String, _>(2).map_err(map_err)?,
                    ));
                }
                for (read, rows) in reads.iter().zip(each) {
                    merge.take(read, rows);
                }
            }
            let window = merge.window();
            let passing: std::collections::HashSet<String> = match walk.prefilter {
                Some(q) if !window.is_empty() => {
                    let mut qb: QueryBuilder<Db> = QueryBuilder::new("");
                    push_window_hits(&mut qb, q, &window);
                    qb.build()
                        .fetch_all(&self.reader)
                        .await
                        .map_err(map_err)?
                        .iter()
                        .map(|r| r.try_get::<String, _>(0).map_err(map_err))
                        .collect::<StoreResult<_>>()?
                }
                _ => Default::default(),
            };
            Ok(window
                .into_iter()
                .map(|p| {
                    let hit = walk.prefilter.is_none() || passing.contains(&p.1);
                    (p, hit)
                })
                .collect())
        }
    }

    /// One round of [`SqlStore::key_window`]: for every read, up to its `limit` rows of its key
    /// beyond its position (the window's start for a key not yet read), each row tagged with the
    /// read's number (from 1). The reads are bound as arrays, so the statement's text is the same
    /// whatever the number of keys and its prepared plan is reused.
    fn push_key_reads(
        qb: &mut QueryBuilder<'_, Db>,
        walk: &Walk<'_>,
        pos: Option<&Position>,
        reads: &[crate::merge::Read],
    ) {
        let (dir, wide, strict) = if walk.ascending {
            ("", ">=", ">")
        } else {
            (" DESC", "<=", "<")
        };
        // A read with no position of its own starts where the window does; with no position at
        // all, at the far end of time (every row lies beyond it). A position without an id
        // (`NULL`) is strictly beyond its time: `created_at < t OR NULL` holds only below `t`.
        let start = match pos {
            Some((t, id)) => (*t, id.clone()),
            None if walk.ascending => (i64::MIN, None),
            None => (i64::MAX, None),
        };
        let (mut keys, mut times, mut ids, mut limits) = (vec![], vec![], vec![], vec![]);
        for read in reads {
            let (t, id) = match &read.after {
                Some((t, id)) => (*t, Some(id.clone())),
                None => start.clone(),
            };
            keys.push(walk.keys[read.key].clone());
            times.push(t);
            ids.push(id);
            limits.push(read.limit as i64);
        }
        let (table, id) = (walk.over.table(), walk.over.id_column());
        qb.push("SELECT k.i, w.created_at, w.id FROM UNNEST(")
            .push_bind(keys)
            .push("::text[], ")
            .push_bind(times)
            .push("::int8[], ")
            .push_bind(ids)
            .push("::text[], ")
            .push_bind(limits)
            .push(format!(
                "::int8[]) WITH ORDINALITY AS k(key, t, id, lim, i) CROSS JOIN LATERAL \
                 (SELECT a.created_at, a.{id} AS id FROM {table} a WHERE a.key = k.key"
            ));
        if let Some(sector) = walk.sector {
            qb.push(" AND a.sector = ").push_bind(sector.to_owned());
        }
        push_walk_bounds(qb, "a", id, walk, None);
        qb.push(format!(
            " AND a.created_at {wide} k.t AND (a.created_at {strict} k.t OR a.{id} {strict} k.id) \
             ORDER BY a.created_at{dir}, a.{id}{dir} LIMIT k.lim) AS w"
        ));
    }

    /// The copies of `window` that pass the listing's per-copy filters (keywords, TLP,
    /// importance): one lookup of each copy by its id.
    fn push_window_hits(qb: &mut QueryBuilder<'_, Db>, q: &ListingQuery, window: &[(i64, String)]) {
        qb.push("SELECT c.id FROM copies c WHERE c.id = ANY(")
            .push_bind(window.iter().map(|(_, id)| id.clone()).collect::<Vec<_>>())
            .push(")");
        push_copy_filters(qb, "c", q);
    }

    /// The statements of a walk's first window, for `explain_listing` (dialect hook): over keys,
    /// the first round of reads and the filter of the window found (`window`).
    fn window_statements(
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: usize,
        window: &[(i64, String)],
    ) -> Vec<(String, QueryBuilder<'static, Db>)> {
        let mut first = QueryBuilder::new(EXPLAIN);
        if walk.involving.is_some() {
            push_window_query(&mut first, walk, pos, n as i64);
            return vec![("-- the walk's first window".to_owned(), first)];
        }
        let reads = crate::merge::KeyMerge::new(walk.keys.len(), n, walk.ascending).reads();
        push_key_reads(&mut first, walk, pos, &reads);
        let mut out = vec![(
            "-- the walk's first window: the first read of every key".to_owned(),
            first,
        )];
        if let (Some(q), false) = (walk.prefilter, window.is_empty()) {
            let mut hits = QueryBuilder::new(EXPLAIN);
            push_window_hits(&mut hits, q, window);
            out.push((
                "-- which copies of that window pass the copy filters".to_owned(),
                hits,
            ));
        }
        out
    }

    /// Where liaison writes run (dialect hook): where they are called, each in its own
    /// transaction. PostgreSQL takes many writers at once, each on its own connection.
    struct Lane {
        writer: sqlx::Pool<Db>,
    }

    impl Lane {
        async fn record_hops(
            &self,
            b: kakehashi_store::HopBatch,
        ) -> kakehashi_store::StoreResult<kakehashi_store::HopOutcome> {
            SqlStore::record_hops_in(self.writer.clone(), b).await
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
            // No JIT compilation: every statement here is a short transactional one, and a
            // listing whose per-row checks the planner costs above `jit_above_cost` spent more
            // time compiling (29 ms of 48 ms, seen at 100,000 copies) than running.
            let options =
                sqlx::postgres::PgConnectOptions::from_str(url)?.options([("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(std::time::Duration::from_secs(10))
                .connect_with(options)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Ok(Self {
                reader: pool.clone(),
                writer: pool.clone(),
                name: "postgres",
                lane: Lane { writer: pool },
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

        /// `ANALYZE` of each table of the schema changed enough since its last analysis, by
        /// autovacuum's own thresholds (`autovacuum_analyze_threshold` rows plus
        /// `autovacuum_analyze_scale_factor` of the table) — only while autovacuum is off, as
        /// it is on some installations: otherwise PostgreSQL does this itself. A table never
        /// analysed is costed as nearly empty, and at 1,000,000 copies that turned a TAXII
        /// page's urgent-copy check into a hash of every copy the reader may see (1.2 s a page,
        /// 3.3 ms once analysed). One node at a time: the others skip while a transaction
        /// advisory lock is held. `ANALYZE` takes no lock that stops reads or writes.
        async fn keep_statistics_impl(&self) -> kakehashi_store::StoreResult<Vec<String>> {
            use crate::convert::map_err;
            let mut tx = self.writer.begin().await.map_err(map_err)?;
            let due: bool = sqlx::query_scalar(
                "SELECT current_setting('autovacuum') = 'off' AND pg_try_advisory_xact_lock($1)",
            )
            .bind(STATISTICS_LOCK)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
            if !due {
                return Ok(Vec::new());
            }
            let tables: Vec<(String, String)> = sqlx::query_as(
                "SELECT s.relname::text, format('%I.%I', s.schemaname, s.relname) \
                 FROM pg_stat_user_tables s WHERE s.schemaname = current_schema() \
                 AND s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8 \
                 + current_setting('autovacuum_analyze_scale_factor')::float8 * GREATEST(s.n_live_tup, 0) \
                 ORDER BY s.relname",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
            for (_, qualified) in &tables {
                sqlx::query(&format!("ANALYZE {qualified}"))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
            }
            tx.commit().await.map_err(map_err)?;
            Ok(tables.into_iter().map(|(name, _)| name).collect())
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
