//! The edge of the server, through the real router on both backends: what a token may do on
//! which routes, credentials that end while a live stream is open, sign-in hardening, input the
//! databases cannot take, error bodies and caching, and refused attempts in the audit log.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Postgres).await } )*
        }
    };
}

on_both_backends!(refused_attempts_are_audited_in_aggregate,);

/// A successful listing's `items`.
async fn items(s: &Session, path: &str) -> Vec<Value> {
    let (st, v) = s.get(path).await;
    assert_eq!(st, 200, "{path}: {v}");
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no items array in {v}"))
        .clone()
}

/// A personal API token of `s` with these scopes.
async fn token(s: &Session, scopes: &[&str]) -> (String, String) {
    let (st, t) = s
        .post("/api/v1/tokens", json!({ "name": "t", "scopes": scopes }))
        .await;
    assert_eq!(st, 201, "{t}");
    (
        t["token"].as_str().expect("token").to_owned(),
        t["record"]["id"].as_str().expect("id").to_owned(),
    )
}

/// The audit entries with this action, newest first.
fn entries<'a>(log: &'a [Value], action: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["action"] == action).collect()
}

/// Refused attempts — reads answered "not found", CSRF and scope refusals, rate-limited and
/// failed sign-ins — are audited, each kind of each actor as one entry per window however often
/// it is repeated, and the chain still verifies.
async fn refused_attempts_are_audited_in_aggregate(b: Backend) {
    let srv = TestServer::start(b).await;
    let admin = srv.login_admin().await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let rail = srv.login("op-rail").await;
    let (read, _) = token(&rail, &["read"]).await;
    assert_eq!(srv.app.flush_refusals().await.expect("flush"), 0);
    let before = items(&admin, "/api/v1/audit?limit=1000").await.len();

    // Another sector's operator probes the copy, the chain and a made-up id, many times.
    for _ in 0..30 {
        let (st, _) = rail.get(&format!("/api/v1/copies/{copy}")).await;
        assert_eq!(st, 404);
    }
    let (st, _) = rail.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 404);
    let (st, _) = rail.get("/api/v1/copies/no-such-copy").await;
    assert_eq!(st, 404);
    // A read token tries to write; a cookie session posts without its CSRF token.
    let bare = reqwest::Client::new();
    for _ in 0..5 {
        let r = bare
            .post(format!("{}/api/v1/liaisons", srv.base))
            .bearer_auth(&read)
            .json(&json!({ "form": power_form("AMBER") }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
    }
    for _ in 0..3 {
        let r = rail
            .client
            .post(format!("{}/api/v1/liaisons", srv.base))
            .json(&json!({ "form": power_form("AMBER") }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
    }
    // Failed sign-ins, then the rate limit.
    for i in 0..7 {
        let r = bare
            .post(format!("{}/api/v1/session", srv.base))
            .json(&json!({ "login": "op-bank", "password": format!("wrong-{i}") }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status(), if i < 5 { 422 } else { 429 });
    }
    let mid = items(&admin, "/api/v1/audit?limit=1000").await.len();
    assert_eq!(mid, before, "nothing written per attempt");

    let written = srv.app.flush_refusals().await.expect("flush");
    assert_eq!(written, 5, "one entry per (actor, kind)");
    let log = items(&admin, "/api/v1/audit?limit=1000").await;
    let rail_id = {
        let (_, me) = rail.get("/api/v1/me").await;
        me["person"]["id"].as_str().expect("id").to_owned()
    };
    let nf = entries(&log, "refusal.not_found");
    assert_eq!(nf.len(), 1, "{nf:?}");
    assert_eq!(nf[0]["actor"], json!(rail_id));
    assert_eq!(nf[0]["detail"]["count"], 32);
    let targets: Vec<&str> = nf[0]["detail"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for t in [
        format!("copy:{copy}"),
        format!("chain:{chain}"),
        "copy:no-such-copy".into(),
    ] {
        assert!(targets.contains(&t.as_str()), "{t} in {targets:?}");
    }
    let scope = entries(&log, "refusal.scope");
    assert_eq!(scope.len(), 1);
    assert_eq!(
        (&scope[0]["detail"]["count"], &scope[0]["target"]),
        (&json!(5), &json!("write"))
    );
    let csrf = entries(&log, "refusal.csrf");
    assert_eq!(csrf.len(), 1);
    assert_eq!(csrf[0]["detail"]["count"], 3);
    let failed = entries(&log, "refusal.sign_in_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (&failed[0]["detail"]["count"], &failed[0]["target"]),
        (&json!(5), &json!("op-bank"))
    );
    assert_eq!(failed[0]["actor"], Value::Null);
    let limited = entries(&log, "refusal.rate_limited");
    assert_eq!(limited.len(), 1);
    assert_eq!(limited[0]["detail"]["count"], 2);
    let (st, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!((st, &v["ok"]), (200, &json!(true)), "{v}");

    // The audit page names them.
    let page = admin
        .client
        .get(format!("{}/admin/audit", srv.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("refusal.not_found"),
        "audit page lists refusals"
    );
}
