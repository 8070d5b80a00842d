//! Scale-out: two server nodes on one PostgreSQL, as the product runs for many users. A session
//! made on one node holds on the other (and ends on both), a liaison filed through one node
//! reaches a client connected to the other live, NISC's R- and T-numbers stay one gapless
//! sequence when both nodes number at the same moment, and an organisation renamed through one
//! node is named anew by the other, which keeps the directory in memory; while PostgreSQL runs
//! without autovacuum, the nodes keep its table statistics between them. (Webhooks, digests and
//! reminders delivered once across nodes are tested where they live: `webhooks`, `mail`,
//! `reporting_deadlines`.) SQLite is the embedded single-node default, so this runs on
//! PostgreSQL only.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_sessions_live_events_and_numbering() {
    let srv = TestServer::start(Backend::Postgres).await;
    let (node_b, _stop_b) = srv.another_node().await;
    let node_a = srv.base.clone();
    let on = |s: &Session, base: &str| Session {
        client: s.client.clone(),
        base: base.to_owned(),
        csrf: s.csrf.clone(),
    };

    // A session made on node a holds on node b; signing out on b ends it on a too.
    let probe = srv.login("op-rail").await;
    let (st, me) = on(&probe, &node_b).get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    assert_eq!(me["person"]["login"], "op-rail", "{me}");
    let res = probe
        .client
        .delete(format!("{node_b}/api/v1/session"))
        .header("x-csrf-token", &probe.csrf)
        .send()
        .await
        .expect("sign out on b");
    assert!(res.status().is_success(), "{}", res.status());
    let (st, _) = probe.get("/api/v1/me").await;
    assert_eq!(st, 401, "signed out on b, so not signed in on a");

    // A client of node b hears a liaison filed through node a.
    let op = srv.login("op-power").await;
    let meti = srv.login("meti").await;
    let meti_b = on(&meti, &node_b);
    let mut sse = meti_b
        .client
        .get(format!("{node_b}/api/v1/events"))
        .send()
        .await
        .expect("events on b");
    assert_eq!(sse.status(), 200);
    let (st, first) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{first}");
    let first_copy = first["copies"][0].as_str().expect("copy").to_owned();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains(&first_copy) {
        let chunk = tokio::time::timeout_at(deadline, sse.chunk())
            .await
            .expect("the live event reaches node b in time")
            .expect("stream");
        seen.push_str(&String::from_utf8_lossy(&chunk.expect("open stream")));
    }

    // Twelve more cases filed, then all thirteen forwarded to NISC at once, alternately through
    // the two nodes: NISC numbers each on receipt, so both nodes number concurrently.
    let mut copies = vec![first_copy];
    for i in 0..12 {
        let via = if i % 2 == 0 { &node_a } else { &node_b };
        let (st, filed) = on(&op, via)
            .post(
                "/api/v1/liaisons",
                json!({ "form": power_form("AMBER"), "statutory": true }),
            )
            .await;
        assert_eq!(st, 201, "{filed}");
        copies.push(filed["copies"][0].as_str().expect("copy").to_owned());
    }
    let mut forwards = tokio::task::JoinSet::new();
    for (i, copy) in copies.iter().enumerate() {
        let s = on(&meti, if i % 2 == 0 { &node_a } else { &node_b });
        let copy = copy.clone();
        forwards.spawn(async move {
            let (_, c) = s.get(&format!("/api/v1/copies/{copy}")).await;
            s.post(
                &format!("/api/v1/copies/{copy}/forward"),
                json!({ "form": c["form"] }),
            )
            .await
        });
    }
    let mut r_numbers = BTreeSet::new();
    while let Some(done) = forwards.join_next().await {
        let (st, fwd) = done.expect("forward task");
        assert_eq!(st, 201, "{fwd}");
        let ident = fwd["ident"]
            .as_str()
            .expect("numbered on receipt")
            .to_owned();
        assert!(r_numbers.insert(ident.clone()), "{ident} given twice");
    }
    let expected: BTreeSet<String> = (1..=13).map(|n| format!("R{n}")).collect();
    assert_eq!(
        r_numbers, expected,
        "one gapless sequence across both nodes"
    );

    // Eight provisions sent at once through both nodes: T1…T8, each once.
    let nisc = srv.login("nisc").await;
    let mut drafts = Vec::new();
    for i in 0..8 {
        let form = json!({
            "importance": "caution", "tlp": "GREEN", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
            "summary": format!("制御系機器の脆弱性に関する注意喚起 その{}", i + 1)
        });
        let (st, draft) = nisc
            .post("/api/v1/provisions", json!({ "form": form }))
            .await;
        assert_eq!(st, 201, "{draft}");
        drafts.push(draft["id"].as_str().expect("id").to_owned());
    }
    let mut sends = tokio::task::JoinSet::new();
    for (i, id) in drafts.iter().enumerate() {
        let s = on(&nisc, if i % 2 == 0 { &node_a } else { &node_b });
        let id = id.clone();
        sends.spawn(async move {
            s.post(&format!("/api/v1/provisions/{id}/send"), json!({}))
                .await
        });
    }
    let mut t_numbers = BTreeSet::new();
    while let Some(done) = sends.join_next().await {
        let (st, sent): (u16, Value) = done.expect("send task");
        assert_eq!(st, 200, "{sent}");
        let ident = sent["ident"]
            .as_str()
            .expect("numbered when sent")
            .to_owned();
        assert!(t_numbers.insert(ident.clone()), "{ident} given twice");
    }
    let expected: BTreeSet<String> = (1..=8).map(|n| format!("T{n}")).collect();
    assert_eq!(
        t_numbers, expected,
        "one gapless sequence across both nodes"
    );

    // Each node keeps the organisation directory in memory; a rename through node a is what
    // node b shows at its next read, though b had read (and kept) the old name just before.
    let admin = srv.login_admin().await;
    let name_on = |base: String, id: String| {
        let s = on(&admin, &base);
        async move {
            let (st, v) = s.get("/api/v1/orgs").await;
            assert_eq!(st, 200, "{v}");
            let list = v
                .as_array()
                .or_else(|| v["items"].as_array())
                .cloned()
                .expect("the directory");
            list.into_iter()
                .find(|o| o["id"] == id.as_str())
                .map(|o| o["name_ja"].as_str().expect("name").to_owned())
                .expect("the organisation is listed")
        }
    };
    let rail = {
        let (st, me) = on(&srv.login("op-rail").await, &node_a)
            .get("/api/v1/me")
            .await;
        assert_eq!(st, 200, "{me}");
        me["person"]["org"].as_str().expect("org").to_owned()
    };
    let before = name_on(node_b.clone(), rail.clone()).await;
    assert!(
        !before.is_empty() && before != "改称鉄道株式会社",
        "{before}"
    );
    let (st, v) = on(&admin, &node_a)
        .patch(
            &format!("/api/v1/orgs/{rail}"),
            json!({ "name_ja": "改称鉄道株式会社" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        name_on(node_b.clone(), rail.clone()).await,
        "改称鉄道株式会社",
        "node b reads the directory again once it changed"
    );
    assert_eq!(name_on(node_a.clone(), rail).await, "改称鉄道株式会社");
}

/// Reads a live stream for up to `secs` seconds or until `until` arrives: whether the server
/// ended the stream.
async fn read_live(r: &mut reqwest::Response, seen: &mut String, until: &str, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if !until.is_empty() && seen.contains(until) {
            return false;
        }
        match tokio::time::timeout_at(deadline, r.chunk()).await {
            Err(_) => return false,
            Ok(Ok(Some(c))) => seen.push_str(&String::from_utf8_lossy(&c)),
            Ok(Ok(None)) | Ok(Err(_)) => return true,
        }
    }
}

/// A token revoked through node a ends its live stream on node b before b delivers another
/// event to it, although b re-reads a stream's credential only when the shared credential
/// generation moved: the revocation moves it in the database both nodes share. Another
/// stream on b, whose token stands, keeps hearing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_revoked_on_one_node_ends_its_stream_on_the_other() {
    let srv = TestServer::start(Backend::Postgres).await;
    let (node_b, _stop_b) = srv.another_node().await;
    let meti = srv.login("meti").await;
    let op = srv.login("op-power").await;
    let mut tokens = Vec::new();
    for name in ["revoked", "kept"] {
        let (st, t) = meti
            .post(
                "/api/v1/tokens",
                json!({ "name": name, "scopes": ["read"] }),
            )
            .await;
        assert_eq!(st, 201, "{t}");
        tokens.push((
            t["token"].as_str().expect("token").to_owned(),
            t["record"]["id"].as_str().expect("id").to_owned(),
        ));
    }
    let client = reqwest::Client::new();
    let mut streams = Vec::new();
    for (raw, _) in &tokens {
        let sse = client
            .get(format!("{node_b}/api/v1/events"))
            .bearer_auth(raw)
            .send()
            .await
            .expect("events on b");
        assert_eq!(sse.status(), 200);
        streams.push(sse);
    }
    let file = || async {
        let (st, filed) = op
            .post(
                "/api/v1/liaisons",
                json!({ "form": power_form("AMBER"), "statutory": true }),
            )
            .await;
        assert_eq!(st, 201, "{filed}");
        filed["copies"][0].as_str().expect("copy").to_owned()
    };

    // Both streams on b hear a filing made through a.
    let before = file().await;
    for s in &mut streams {
        let mut seen = String::new();
        let ended = read_live(s, &mut seen, &before, 10).await;
        assert!(!ended && seen.contains(&before), "heard on b: {seen}");
    }

    // Revoked through a; the next filing through a reaches b.
    let (st, v) = meti
        .delete(&format!("/api/v1/tokens/{}", tokens[0].1))
        .await;
    assert_eq!(st, 204, "{v}");
    let after = file().await;
    let mut kept = String::new();
    let ended = read_live(&mut streams[1], &mut kept, &after, 10).await;
    assert!(
        !ended && kept.contains(&after),
        "the standing token's stream hears it: {kept}"
    );
    let mut revoked = String::new();
    let ended = read_live(&mut streams[0], &mut revoked, &after, 10).await;
    assert!(
        !revoked.contains(&after),
        "nothing delivered after the revocation on the other node: {revoked}"
    );
    assert!(ended, "the revoked token's stream ends");
}

/// Both nodes run the statistics worker as `kakehashi serve` does. While this PostgreSQL runs
/// without autovacuum, the demo world's tables (never analysed since their rows were written) are
/// analysed by whichever node takes the turn, without waiting for an interval to pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_keep_table_statistics_while_autovacuum_is_off() {
    use sqlx::Connection;
    let srv = TestServer::start(Backend::Postgres).await;
    let (app_b, _base_b, _stop_b) = srv.another_node_app(None).await;
    let mut db = sqlx::PgConnection::connect(&srv.url)
        .await
        .expect("connect");
    let autovacuum: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
        .fetch_one(&mut db)
        .await
        .expect("setting");
    let before = audit_rows(&mut db).await;
    let workers = [
        srv.app
            .spawn_statistics_worker(std::time::Duration::from_secs(1)),
        app_b.spawn_statistics_worker(std::time::Duration::from_secs(1)),
    ];
    if autovacuum == "on" {
        // PostgreSQL keeps them; the workers leave them alone (and keep running).
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert!(workers.iter().all(|w| !w.is_finished()));
        return;
    }
    assert!(
        before < 0.0,
        "the demo world's audit log was never analysed ({before})"
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut db)
        .await
        .expect("audit rows");
    // More rows than autovacuum's own threshold (50 and a tenth of the table): due.
    assert!(
        rows > 60,
        "the demo world wrote its audit log ({rows} rows)"
    );
    // Analysed within the time PostgreSQL takes to publish the inserts' counters (at most ten
    // seconds after a commit) and a turn.
    let mut waited = 0;
    loop {
        let now = audit_rows(&mut db).await;
        if now == rows as f32 {
            break;
        }
        waited += 1;
        assert!(
            waited < 300,
            "the audit log never analysed (reltuples {now}, {rows} rows)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        workers.iter().all(|w| !w.is_finished()),
        "the workers keep running"
    );
    for w in workers {
        w.abort();
    }
}

/// The planner's row count of the audit log (negative: never analysed).
async fn audit_rows(db: &mut sqlx::PgConnection) -> f32 {
    sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE relname = 'audit_log'")
        .fetch_one(db)
        .await
        .expect("reltuples")
}
