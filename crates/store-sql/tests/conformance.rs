//! The storage conformance suite, run against both backends: one named test per case and
//! backend. PostgreSQL tests create a uniquely named database on the local server
//! (`KAKEHASHI_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/postgres`) and drop it.

use kakehashi_store::conformance;
use kakehashi_store::Store;
use std::sync::Arc;

fn admin_url() -> String {
    std::env::var("KAKEHASHI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn sqlite_store() -> (Arc<dyn Store>, tempdir::Dir) {
    let dir = tempdir::Dir::new();
    let url = format!("sqlite://{}", dir.path.join("test.sqlite3").display());
    let store = kakehashi_store_sql::sqlite::SqlStore::connect(&url)
        .await
        .expect("sqlite store");
    (Arc::new(store), dir)
}

async fn postgres_store() -> (Arc<dyn Store>, String) {
    use sqlx::Connection;
    let name = format!("kkh_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url())
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let base = admin_url();
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => panic!("bad PostgreSQL URL {base}"),
    };
    let store = kakehashi_store_sql::postgres::SqlStore::connect(&url)
        .await
        .expect("postgres store");
    (Arc::new(store), name)
}

async fn drop_pg(name: String) {
    use sqlx::Connection;
    if std::env::var("KAKEHASHI_KEEP_TEST_DB").is_ok() {
        return;
    }
    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    }
}

mod tempdir {
    /// A temporary directory removed on drop.
    pub struct Dir {
        pub path: std::path::PathBuf,
    }
    impl Dir {
        pub fn new() -> Self {
            let path =
                std::env::temp_dir().join(format!("kkh-test-{}", uuid::Uuid::now_v7().simple()));
            std::fs::create_dir_all(&path).expect("temp dir");
            Dir { path }
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let (store, _dir) = super::sqlite_store().await;
                    kakehashi_store::conformance::run(stringify!($case), store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let (store, name) = super::postgres_store().await;
                    kakehashi_store::conformance::run(stringify!($case), store).await;
                    super::drop_pg(name).await;
                }
            )*
        }

        #[test]
        fn every_case_is_listed() {
            let listed: Vec<&str> = vec![$(stringify!($case)),*];
            assert_eq!(listed, conformance::CASES);
        }
    };
}

cases!(
    settings_upsert,
    orgs_and_people,
    directory_version_moves_with_each_change,
    sessions_expire,
    api_tokens,
    credential_generation_moves_with_each_ending,
    numbering_on_receipt,
    numbering_is_unique_under_concurrency,
    concurrent_writes_are_each_answered_alone,
    listing_follows_audience_keys,
    chain_listing_follows_audience_keys,
    listing_walk_equals_the_rules,
    open_chain_counts_outside_keys,
    failed_batch_changes_nothing,
    hops_tell_in_their_own_transaction,
    audit_chain_verifies,
    login_failures_window,
    inquiry_threads,
    notifications_fan_out,
    events_cross_nodes,
    webhook_outbox,
    webhook_claims_are_exclusive_and_lapse,
    digest_claims_are_exclusive_and_lapse,
    provision_source_items,
    imported_source_items_are_stored_whole,
    provision_drafts_save_and_refuse_after_send,
    provision_numbering,
    provision_numbering_is_unique_under_concurrency,
    provision_fan_out_is_set_based,
    provision_sends_tell_in_their_own_transaction,
    provision_relay_keeps_first_delivery,
    provision_read_and_ack,
    provision_listing_follows_audience_keys,
    consent_decided_once,
    failed_send_changes_nothing,
    password_change_ends_other_sessions,
    last_platform_admin_is_kept,
    actor_submissions_and_requests,
    reporting_policies_set_replace_remove,
    reminders_are_claimed_once,
    consultation_threads,
    risk_register_is_per_organisation,
    risk_reminders_are_claimed_once,
    standards_assessments_and_surveys,
    incidents_link_chains_once,
    exercises_number_apart_and_clean_up_alone,
    copy_exports_read_chains_in_one,
);

/// On SQLite, liaison writes that queue while one is written share one commit (group commit);
/// a group with a failing write is rolled back whole and each of its writes made again alone,
/// so each caller still gets its own answer.
#[tokio::test]
async fn sqlite_queued_writes_share_a_commit_or_are_redone_alone() {
    use kakehashi_store::conformance::{batch_new_chain, copy, new_copy, t0, world};
    let dir = tempdir::Dir::new();
    let url = format!("sqlite://{}", dir.path.join("test.sqlite3").display());
    let store = Arc::new(
        kakehashi_store_sql::sqlite::SqlStore::connect(&url)
            .await
            .expect("sqlite store"),
    );
    world(&*store).await;
    // Writes queue while the writer is held; released, it takes them as one group.
    let group = |names: Vec<(&'static str, bool)>| {
        let store = store.clone();
        async move {
            let hold = store.hold_writes().await;
            let mut tasks = Vec::new();
            for (name, fails) in names {
                let s = store.clone();
                tasks.push(tokio::spawn(async move {
                    let (c, r) = (format!("c-{name}"), format!("r-{name}"));
                    let second = if fails {
                        format!("k-{name}")
                    } else {
                        format!("k2-{name}")
                    };
                    let b = batch_new_chain(
                        &c,
                        &r,
                        vec![
                            new_copy(copy(&c, &r, &format!("k-{name}"), "nisc", t0()), &["a"]),
                            new_copy(copy(&c, &r, &second, "meti", t0()), &["a"]),
                        ],
                        t0(),
                    );
                    s.record_hops(b).await.map(|o| o.ident)
                }));
            }
            // Every write sent (the first may already be taken, and waits at the gate).
            while store.writes_waiting() + 1 < tasks.len() {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            drop(hold);
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.expect("join"));
            }
            out
        }
    };
    let out = group(vec![("a", false), ("b", true), ("c", false)]).await;
    assert_eq!(
        out[0].as_ref().expect("a is written").as_deref(),
        Some("R1")
    );
    assert!(out[1].is_err(), "b fails: {:?}", out[1]);
    assert_eq!(
        out[2].as_ref().expect("c is written").as_deref(),
        Some("R2")
    );
    assert_eq!((store.shared_commits(), store.redone_alone()), (0, 3));
    let out = group(vec![("d", false), ("e", false), ("f", false)]).await;
    let idents: Vec<Option<String>> = out.into_iter().map(|o| o.expect("written")).collect();
    assert_eq!(
        idents,
        vec![Some("R3".into()), Some("R4".into()), Some("R5".into())]
    );
    assert_eq!((store.shared_commits(), store.redone_alone()), (3, 3));
    for name in ["a", "c", "d", "e", "f"] {
        store
            .chain(&kakehashi_domain::ChainId(format!("c-{name}")))
            .await
            .expect("written chain");
    }
    assert!(store
        .chain(&kakehashi_domain::ChainId("c-b".into()))
        .await
        .is_err());
}

/// The listing walk reads indexes only: every table access in the plans of a key-driven listing,
/// a level-filtered one and an inbox is a `SEARCH` through an index, never a `SCAN` of a table
/// (scanning the walk's own merged window, `k0`…/`w0`…, is the merge). SQLite only: its plans
/// follow the schema, while PostgreSQL's follow table statistics, so its plans are shown by the
/// benchmark on a full-size world instead.
#[tokio::test]
async fn sqlite_listing_plans_search_indexes_and_scan_no_table() {
    use kakehashi_domain::OrgId;
    use kakehashi_store::ListingQuery;
    let (store, _dir) = sqlite_store().await;
    let keys: Vec<String> = ["public", "stakeholder", "org/op/electric_power/staff"]
        .iter()
        .map(|k| k.to_string())
        .collect();
    let queries = [
        ListingQuery {
            keys: keys.clone(),
            limit: 50,
            ..Default::default()
        },
        ListingQuery {
            keys: keys.clone(),
            tlp: Some("RED".into()),
            level_keys: Some(vec!["org/op/electric_power/staff".into()]),
            terms: vec!["給電".into()],
            limit: 50,
            ..Default::default()
        },
        ListingQuery {
            keys,
            involving_org: Some(OrgId::from("op")),
            forwarding_org: Some(OrgId::from("op")),
            urgent: Some(true),
            limit: 50,
            ..Default::default()
        },
    ];
    for q in &queries {
        let plan = store.explain_listing(q).await.expect("explain");
        assert!(
            plan.iter()
                .filter(|l| l.trim_start().starts_with("SEARCH"))
                .count()
                >= 3,
            "{plan:#?}"
        );
        // The rows are read through the window (copies' primary key) and each row's chain,
        // never through an organisation's whole range of copies.
        let rows = plan
            .iter()
            .skip_while(|l| !l.starts_with("-- rows"))
            .map(|l| l.trim_start())
            .collect::<Vec<_>>();
        for step in &rows {
            if let Some(what) = step.strip_prefix("SEARCH ") {
                let via_org =
                    what.contains("copies_addressee_walk") || what.contains("copies_sender_walk");
                assert!(
                    !via_org,
                    "rows read through an organisation's range: {step}\n{plan:#?}"
                );
            }
        }
        assert!(
            rows.iter()
                .any(|l| l.starts_with("SEARCH c USING INDEX sqlite_autoindex_copies_1")),
            "{plan:#?}"
        );
        for line in &plan {
            let step = line.trim_start();
            if let Some(what) = step.strip_prefix("SCAN ") {
                // An organisation's two ranges (w0, w1), or the window's positions themselves
                // (`win`, marked with the copy filters), each read once.
                let merged = what == "win"
                    || (what.starts_with('w') && what[1..2].chars().all(|c| c.is_ascii_digit()));
                assert!(merged, "a table scan: {line}\n{plan:#?}");
            }
        }
    }
}

/// The start-up's look for copies without search text reads the partial index of those copies
/// (empty once every copy has its text), not every copy: on a million copies the walk through
/// the table held the server's start for seconds.
#[tokio::test]
async fn sqlite_start_up_finds_copies_without_search_text_by_index() {
    use sqlx::{Connection, Row};
    let dir = tempdir::Dir::new();
    let url = format!("sqlite://{}", dir.path.join("test.sqlite3").display());
    let store = kakehashi_store_sql::sqlite::SqlStore::connect(&url)
        .await
        .expect("sqlite store");
    assert!(store
        .copies_without_search_text(10)
        .await
        .expect("none yet")
        .is_empty());
    let mut c = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    // The statement of `copies_without_search_text`.
    let plan: Vec<String> = sqlx::query(
        "EXPLAIN QUERY PLAN SELECT id, form FROM copies WHERE search_text IS NULL ORDER BY created_at, id LIMIT 500",
    )
    .fetch_all(&mut c)
    .await
    .expect("explain")
    .iter()
    .map(|r| r.get::<String, _>(3))
    .collect();
    assert_eq!(
        plan,
        vec!["SCAN copies USING INDEX copies_without_search_text".to_owned()],
        "{plan:?}"
    );
}

/// PostgreSQL: while autovacuum is off (as on some installations, and on this project's test
/// machines), the store analyses the tables that changed enough since their last analysis,
/// one node at a time; while autovacuum is on, it leaves that to PostgreSQL.
#[tokio::test]
async fn postgres_keeps_table_statistics_while_autovacuum_is_off() {
    use sqlx::Connection;
    let (store, name) = postgres_store().await;
    let base = admin_url();
    let url = format!("{}/{name}", &base[..base.rfind('/').expect("db in url")]);
    let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
    let autovacuum: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
        .fetch_one(&mut c)
        .await
        .expect("setting");
    // Counters reach the statistics views shortly after a commit; sooner when asked (15+).
    let _ = sqlx::query("SELECT pg_stat_force_next_flush()")
        .execute(&mut c)
        .await;
    sqlx::query(
        "INSERT INTO live_events (payload, created_at) SELECT 'x' || g, g FROM generate_series(1, 200) g",
    )
    .execute(&mut c)
    .await
    .expect("insert");
    if autovacuum == "on" {
        assert_eq!(
            store.keep_statistics().await.expect("upkeep"),
            Vec::<String>::new(),
            "autovacuum keeps the statistics"
        );
        drop(c);
        drop_pg(name).await;
        return;
    }
    assert!(reltuples(&mut c).await < 0.0, "never analysed yet");
    let mut waited = 0;
    loop {
        let changed: i64 = sqlx::query_scalar(
            "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'live_events'",
        )
        .fetch_one(&mut c)
        .await
        .expect("counters");
        if changed >= 200 {
            break;
        }
        waited += 1;
        assert!(
            waited < 300,
            "the insert never reached the counters ({changed})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Another node has the turn: this one does nothing.
    let mut other = sqlx::PgConnection::connect(&url).await.expect("connect");
    let mut turn = other.begin().await.expect("begin");
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(kakehashi_store_sql::postgres::STATISTICS_LOCK)
        .execute(&mut *turn)
        .await
        .expect("lock");
    assert_eq!(
        store
            .keep_statistics()
            .await
            .expect("upkeep while another node has the turn"),
        Vec::<String>::new()
    );
    assert!(reltuples(&mut c).await < 0.0, "still not analysed");
    turn.rollback().await.expect("end the other node's turn");
    let analysed = store.keep_statistics().await.expect("upkeep");
    assert!(analysed.iter().any(|t| t == "live_events"), "{analysed:?}");
    assert_eq!(reltuples(&mut c).await, 200.0);
    let again = store.keep_statistics().await.expect("upkeep again");
    assert!(
        !again.iter().any(|t| t == "live_events"),
        "nothing due: {again:?}"
    );
    drop(c);
    drop(other);
    drop_pg(name).await;
}

/// The planner's row count of `live_events` (negative: never analysed).
async fn reltuples(c: &mut sqlx::PgConnection) -> f32 {
    sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE relname = 'live_events'")
        .fetch_one(c)
        .await
        .expect("reltuples")
}

/// SQLite keeps no statistics unless asked, and the store does not ask (see the dialect hook).
#[tokio::test]
async fn sqlite_keeps_no_table_statistics() {
    use sqlx::Connection;
    let dir = tempdir::Dir::new();
    let url = format!("sqlite://{}", dir.path.join("test.sqlite3").display());
    let store = kakehashi_store_sql::sqlite::SqlStore::connect(&url)
        .await
        .expect("sqlite store");
    assert_eq!(
        store.keep_statistics().await.expect("upkeep"),
        Vec::<String>::new()
    );
    let mut c = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let stat: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .fetch_one(&mut c)
            .await
            .expect("schema");
    assert_eq!(stat, 0, "no ANALYZE was run");
}
