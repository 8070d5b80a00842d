//! A full disk: **a filing SQLite cannot store is answered 507 with a problem naming the cause,
//! nothing of it is stored, and filing works again once there is room.**
//!
//! The disk is filled without a tiny mounted filesystem (which needs root): the writer
//! connection's `PRAGMA max_page_count` is set to the database's present size, so SQLite answers
//! SQLITE_FULL — the same result code a full disk gives — as soon as a transaction needs a new
//! page. Requests go through the real router.

use crate::common::power_form;
use crate::crash::{inbox, sign_in, unique};
use kakehashi_app::{App, AppConfig};
use serde_json::{json, Value};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_disk_full_is_a_507_problem_and_nothing_partial_is_stored() {
    let dir = std::env::temp_dir().join(format!("kkh-full-{}", unique()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
    let store = Arc::new(
        kakehashi_store_sql::sqlite::SqlStore::connect(&url)
            .await
            .expect("open store"),
    );
    let app = App::new(store.clone(), AppConfig::default());
    app.bootstrap("admin").await.expect("bootstrap");
    app.load_demo().await.expect("demo world");
    let router = kakehashi_server::router(
        app.clone(),
        kakehashi_server::ServerConfig {
            secure_cookies: false,
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(kakehashi_server::serve(listener, router, async {
        let _ = stopped.await;
    }));

    let s = sign_in(&base).await;
    let (chains_before, copies_before) = inbox(&s).await;
    let body = json!({ "form": power_form("AMBER"), "statutory": true });
    let file = || async {
        let res = s
            .client
            .post(format!("{base}/api/v1/liaisons"))
            .header("x-csrf-token", &s.csrf)
            .json(&body)
            .send()
            .await
            .expect("filing request");
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let v: Value = res.json().await.expect("json answer");
        (status, content_type, v)
    };

    // With room, a filing is stored.
    let (status, _, first) = file().await;
    assert_eq!(status, 201, "filing before the disk is full: {first}");
    let mut stored_copies = first["copies"].as_array().expect("copies").len();
    let mut stored_chains = 1;

    // Fill the disk: filings that still fit in free space inside existing pages are stored;
    // the first that needs a new page must be refused.
    store.limit_pages(None).await.expect("cap the database");
    let mut refused = None;
    for _ in 0..500 {
        let (status, content_type, v) = file().await;
        if status == 201 {
            stored_chains += 1;
            stored_copies += v["copies"].as_array().expect("copies").len();
            continue;
        }
        refused = Some((status, content_type, v));
        break;
    }
    let (status, content_type, problem) = refused.expect("a filing refused once the disk is full");
    assert_eq!(status, 507, "disk full: {problem}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["type"], "/problems/storage-full", "{problem}");
    assert_eq!(problem["status"], 507);
    assert!(
        problem["title"]
            .as_str()
            .is_some_and(|t| t.contains("full") && t.contains("nothing was stored")),
        "{problem}"
    );
    assert!(
        problem["title_ja"]
            .as_str()
            .is_some_and(|t| t.contains("満杯") && t.contains("何も保存していません")),
        "{problem}"
    );

    // Nothing of the refused filing is stored: the inbox holds exactly the acknowledged ones,
    // and the audit chain (which the filing would have extended) still verifies.
    let (chains, copies) = inbox(&s).await;
    assert_eq!(chains.len(), chains_before.len() + stored_chains);
    assert_eq!(copies.len(), copies_before.len() + stored_copies);
    let verified = app.verify_audit().await.expect("read the audit log");
    assert!(
        verified.is_ok(),
        "audit verify after SQLITE_FULL: {verified:?}"
    );

    // Room again: filing works without a restart.
    store
        .limit_pages(Some(u64::from(u32::MAX)))
        .await
        .expect("lift the cap");
    let (status, _, v) = file().await;
    assert_eq!(status, 201, "filing after room is made: {v}");
    let (chains, _) = inbox(&s).await;
    assert_eq!(chains.len(), chains_before.len() + stored_chains + 1);
    let verified = app.verify_audit().await.expect("read the audit log");
    assert!(
        verified.is_ok(),
        "audit verify after recovery: {verified:?}"
    );

    let _ = stop.send(());
    let _ = std::fs::remove_dir_all(&dir);
}
