//! The edge of the server, through the real router on both backends: what a token may do on
//! which routes, credentials that end while a live stream is open, sign-in hardening, input the
//! databases cannot take, error bodies and caching, and refused attempts in the audit log.

use crate::common::{power_form, web_sign_in, Backend, Session, TestServer, PASSWORD};
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use std::time::Duration;

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

on_both_backends!(
    refused_attempts_are_audited_in_aggregate,
    web_routes_take_a_session_only_and_only_a_session_makes_tokens,
    token_lifetime_is_bounded,
    a_token_revokes_others_only_with_write_and_itself_always,
    live_streams_end_with_their_credential,
    live_streams_recheck_their_credential_while_idle,
    live_credentials_end_at_their_expiry,
    control_characters_are_refused_at_the_edge_naming_the_field,
    every_api_error_is_problem_json_with_its_status,
    answers_are_kept_out_of_caches,
    sign_in_form_refuses_posts_from_other_sites,
    sign_in_takes_as_long_for_logins_that_do_not_exist,
);

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

/// `Location` of a redirect.
fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A client that keeps no cookies and follows no redirect.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// A `read` token sent to the UI routes is no credential there: it files nothing, registers no
/// webhook, changes no preference and mints no token (the UI sends it to sign in). A token
/// cannot make a token through the API either, whatever its scopes; a session can.
async fn web_routes_take_a_session_only_and_only_a_session_makes_tokens(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (read, _) = token(&op, &["read"]).await;
    let (admin_token, _) = token(&op, &["read", "write", "admin"]).await;
    let tokens_before = items(&op, "/api/v1/tokens").await.len();
    let hooks_before = items(&op, "/api/v1/webhooks").await.len();
    let inbox_before = items(&op, "/api/v1/liaisons/inbox").await.len();
    let (st, me) = op.get("/api/v1/me").await;
    assert_eq!(st, 200);
    let pref_before = me["person"]["mail_pref"].clone();
    assert_ne!(pref_before, json!("none"), "{me}");

    let web = no_redirects();
    // The token is good on the API…
    let r = web
        .get(format!("{}/api/v1/liaisons/inbox", srv.base))
        .bearer_auth(&read)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    // …and nothing on the UI.
    for path in ["/inbox", "/account/tokens", "/account/notifications"] {
        let r = web
            .get(format!("{}{path}", srv.base))
            .bearer_auth(&read)
            .send()
            .await
            .expect("get");
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, "/signin".to_owned()),
            "GET {path}"
        );
    }
    let posts: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "/account/tokens",
            vec![
                ("name", "escalated"),
                ("scopes", "read"),
                ("scopes", "write"),
                ("scopes", "admin"),
            ],
        ),
        ("/account/mail-preference", vec![("pref", "none")]),
        (
            "/account/webhooks",
            vec![("url", "https://hooks.example.jp/kakehashi")],
        ),
        (
            "/liaison/new",
            vec![
                ("importance", "caution"),
                ("tlp", "GREEN"),
                ("sector", "electric_power"),
                ("event", "EV-04"),
                ("confirmed", "1"),
            ],
        ),
    ];
    for (path, form) in &posts {
        for t in [&read, &admin_token] {
            let r = web
                .post(format!("{}{path}", srv.base))
                .bearer_auth(t)
                .form(form)
                .send()
                .await
                .expect("post");
            assert_eq!(
                (r.status().as_u16(), location(&r)),
                (303, "/signin".to_owned()),
                "POST {path} with a token"
            );
        }
    }
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), tokens_before);
    assert_eq!(items(&op, "/api/v1/webhooks").await.len(), hooks_before);
    assert_eq!(
        items(&op, "/api/v1/liaisons/inbox").await.len(),
        inbox_before
    );
    let (_, me) = op.get("/api/v1/me").await;
    assert_eq!(
        me["person"]["mail_pref"], pref_before,
        "preference unchanged"
    );

    // The API makes tokens for a session only.
    for t in [&read, &admin_token] {
        let r = web
            .post(format!("{}/api/v1/tokens", srv.base))
            .bearer_auth(t)
            .json(&json!({ "name": "minted", "scopes": ["read", "write", "admin"] }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
        let v: Value = r.json().await.expect("problem");
        assert_eq!(v["type"], "/problems/forbidden", "{v}");
    }
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), tokens_before);
    // The signed-in person still can, on both paths.
    token(&op, &["read"]).await;
    let r = op
        .client
        .post(format!("{}/account/tokens", srv.base))
        .form(&[
            ("csrf", op.csrf.as_str()),
            ("name", "web"),
            ("scopes", "read"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("html").contains("id=\"new-token\""));
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), tokens_before + 2);
}

/// A token lives 1 to 366 days (or has no expiry); anything else is a problem+json 422 naming
/// `days` — a huge number no longer overflows the date arithmetic and drops the connection.
async fn token_lifetime_is_bounded(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let before = items(&op, "/api/v1/tokens").await.len();
    for days in [
        json!(100_000_000),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(0),
        json!(-1),
        json!(367),
    ] {
        let (st, v) = op
            .post(
                "/api/v1/tokens",
                json!({ "name": "t", "scopes": ["read"], "days": days }),
            )
            .await;
        assert_eq!(st, 422, "days {days}: {v}");
        assert_eq!(
            (&v["errors"][0]["field"], &v["errors"][0]["rule"]),
            (&json!("days"), &json!("range")),
            "{v}"
        );
    }
    let (st, v) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "t", "scopes": ["read"], "days": 1e30 }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), before);
    let (st, v) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "year", "scopes": ["read"], "days": 366 }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let year = |field: &str| -> i32 {
        v["record"][field]
            .as_str()
            .and_then(|t| t.get(..4))
            .and_then(|y| y.parse().ok())
            .unwrap_or_else(|| panic!("{field} in {v}"))
    };
    assert!(
        (1..=2).contains(&(year("expires_at") - year("created_at"))),
        "366 days on: {v}"
    );
    // The UI says the same.
    for days in ["100000000", "0", "abc"] {
        let r = op
            .client
            .post(format!("{}/account/tokens", srv.base))
            .form(&[
                ("csrf", op.csrf.as_str()),
                ("name", "web"),
                ("scopes", "read"),
                ("days", days),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422, "days {days}");
        assert!(r.text().await.expect("html").contains("id=\"form-errors\""));
    }
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), before + 1);
}

/// Revoking another token takes the `write` scope (a `read` token gets 403 and the token stays);
/// a token may always revoke itself.
async fn a_token_revokes_others_only_with_write_and_itself_always(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (a, a_id) = token(&op, &["read"]).await;
    let (b_tok, b_id) = token(&op, &["read"]).await;
    let (w, _) = token(&op, &["read", "write"]).await;
    let bare = reqwest::Client::new();
    let call = |method: reqwest::Method, path: String, t: String| {
        let bare = bare.clone();
        let url = format!("{}{path}", srv.base);
        async move {
            bare.request(method, url)
                .bearer_auth(t)
                .send()
                .await
                .expect("call")
        }
    };
    let r = call(
        reqwest::Method::DELETE,
        format!("/api/v1/tokens/{b_id}"),
        a.clone(),
    )
    .await;
    assert_eq!(r.status(), 403);
    let v: Value = r.json().await.expect("problem");
    assert_eq!(v["type"], "/problems/forbidden", "{v}");
    let r = call(reqwest::Method::GET, "/api/v1/me".into(), b_tok.clone()).await;
    assert_eq!(r.status(), 200, "the other token still works");
    let r = call(
        reqwest::Method::DELETE,
        format!("/api/v1/tokens/{a_id}"),
        a.clone(),
    )
    .await;
    assert_eq!(r.status(), 204, "a token revokes itself");
    let r = call(reqwest::Method::GET, "/api/v1/me".into(), a.clone()).await;
    assert_eq!(r.status(), 401);
    let r = call(
        reqwest::Method::DELETE,
        format!("/api/v1/tokens/{b_id}"),
        w.clone(),
    )
    .await;
    assert_eq!(r.status(), 204, "write revokes another");
    let r = call(reqwest::Method::GET, "/api/v1/me".into(), b_tok).await;
    assert_eq!(r.status(), 401);
}

/// Reads a live stream until `deadline`: what arrived, and whether the server ended it.
async fn read_stream(r: &mut reqwest::Response, seen: &mut String, until: &str, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
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

/// Announces something new for `org` that its people may read (GREEN, addressed to it).
async fn emit(srv: &TestServer, org: &str, ref_id: &str) {
    use kakehashi_domain::{OrgId, SectorId, Tlp};
    let org = OrgId(org.into());
    srv.app
        .emit(kakehashi_app::events::Event {
            kind: "provision".into(),
            ref_id: ref_id.into(),
            orgs: vec![org.clone()],
            scope: kakehashi_policy::ItemScope {
                tlp: Tlp::Green,
                sectors: vec![SectorId("electric_power".into())],
                sender_org: org.clone(),
                addressees: vec![org],
                added_recipients: vec![],
                held_by_nisc: false,
            }
            .into(),
        })
        .await;
}

/// An open live stream delivers nothing after its token is revoked or its session signed out:
/// the credential is re-checked before each event, and the stream ends.
async fn live_streams_end_with_their_credential(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (_, me) = op.get("/api/v1/me").await;
    let org = me["org"]["id"].as_str().expect("org").to_owned();
    let (tok, tok_id) = token(&op, &["read"]).await;

    // A token's stream.
    let mut sse = reqwest::Client::new()
        .get(format!("{}/api/v1/events", srv.base))
        .bearer_auth(&tok)
        .send()
        .await
        .expect("events");
    assert_eq!(sse.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    emit(&srv, &org, "before-revocation").await;
    let mut seen = String::new();
    let ended = read_stream(&mut sse, &mut seen, "before-revocation", 5).await;
    assert!(!ended && seen.contains("event: notification"), "{seen}");
    let (st, _) = op.delete(&format!("/api/v1/tokens/{tok_id}")).await;
    assert_eq!(st, 204);
    emit(&srv, &org, "after-revocation").await;
    let mut seen = String::new();
    let ended = read_stream(&mut sse, &mut seen, "after-revocation", 5).await;
    assert!(
        !seen.contains("after-revocation"),
        "delivered after revocation: {seen}"
    );
    assert!(ended, "the stream ends");

    // A session's stream.
    let other = srv.login("op-power").await;
    let mut sse = other
        .client
        .get(format!("{}/api/v1/events", srv.base))
        .send()
        .await
        .expect("events");
    assert_eq!(sse.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    emit(&srv, &org, "before-sign-out").await;
    let mut seen = String::new();
    assert!(!read_stream(&mut sse, &mut seen, "before-sign-out", 5).await);
    let (st, _) = other.delete("/api/v1/session").await;
    assert_eq!(st, 204);
    emit(&srv, &org, "after-sign-out").await;
    let mut seen = String::new();
    let ended = read_stream(&mut sse, &mut seen, "after-sign-out", 5).await;
    assert!(
        !seen.contains("after-sign-out"),
        "delivered after sign-out: {seen}"
    );
    assert!(ended, "the stream ends");
}

/// With nothing to deliver, a stream still re-checks its credential on a timer (one minute by
/// default; one second here) and ends once the token is revoked.
async fn live_streams_recheck_their_credential_while_idle(b: Backend) {
    let config = kakehashi_app::AppConfig {
        live_recheck: Duration::from_secs(1),
        ..kakehashi_app::AppConfig::default()
    };
    let srv = TestServer::start_with(b, None, config).await;
    let op = srv.login("op-power").await;
    let (tok, tok_id) = token(&op, &["read"]).await;
    let mut sse = reqwest::Client::new()
        .get(format!("{}/api/v1/events", srv.base))
        .bearer_auth(&tok)
        .send()
        .await
        .expect("events");
    assert_eq!(sse.status(), 200);
    let mut seen = String::new();
    assert!(
        !read_stream(&mut sse, &mut seen, "", 3).await,
        "open while the token stands"
    );
    let (st, _) = op.delete(&format!("/api/v1/tokens/{tok_id}")).await;
    assert_eq!(st, 204);
    assert!(
        read_stream(&mut sse, &mut seen, "", 5).await,
        "ended within a re-check period"
    );
}

/// A raw request (no JSON encoding of the path or body on our side).
async fn raw(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    csrf: Option<&str>,
) -> reqwest::RequestBuilder {
    let b = client.request(method, url);
    match csrf {
        Some(c) => b.header("x-csrf-token", c),
        None => b,
    }
}

/// A problem+json answer: its status, type and first error's (field, rule).
async fn problem_of(r: reqwest::Response) -> (u16, String, String, String) {
    let st = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.expect("body");
    assert!(
        ct.starts_with("application/problem+json"),
        "status {st}: not problem+json ({ct}): {text}"
    );
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["status"], st, "{v}");
    let s = |x: &Value| x.as_str().unwrap_or("").to_owned();
    (
        st,
        s(&v["type"]),
        s(&v["errors"][0]["field"]),
        s(&v["errors"][0]["rule"]),
    )
}

/// NUL and other control characters — in the sign-in login, path ids, filters, JSON fields, UI
/// forms — are a 422 naming the field on both backends (PostgreSQL answered 500), and nothing
/// is stored; a path id that is not UTF-8 is a 422 too.
async fn control_characters_are_refused_at_the_edge_naming_the_field(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let bare = no_redirects();
    let base = &srv.base;
    let sign_in = |login: &'static str| {
        let bare = bare.clone();
        let url = format!("{base}/api/v1/session");
        async move {
            bare.post(url)
                .json(&json!({ "login": login, "password": "whatever-password" }))
                .send()
                .await
                .expect("sign in")
        }
    };
    // The same wrong password without a control character is the ordinary refusal.
    let (st, _, field, rule) = problem_of(sign_in("nobody-here").await).await;
    assert_eq!(
        (st, field.as_str(), rule.as_str()),
        (422, "login", "credentials")
    );
    for login in ["ad\u{0}min", "op-power\u{0}", "\u{1b}[31m", "a\u{85}b"] {
        let (st, ty, field, rule) = problem_of(sign_in(login).await).await;
        assert_eq!(
            (st, ty.as_str(), field.as_str(), rule.as_str()),
            (422, "/problems/validation", "login", "control_char"),
            "{login:?}"
        );
    }
    // Path ids and filters.
    for (path, field) in [
        ("/api/v1/copies/%00", "id"),
        ("/api/v1/chains/R1%00", "id"),
        ("/api/v1/provisions/%07x", "id"),
        ("/api/v1/provisions/x%00/receipts", "id"),
        ("/api/v1/liaisons?sector=%00", "sector"),
        ("/api/v1/liaisons/inbox?tlp=AMBER%00", "tlp"),
        ("/api/v1/liaisons?cursor=%00", "cursor"),
    ] {
        let r = raw(
            &op.client,
            reqwest::Method::GET,
            format!("{base}{path}"),
            None,
        )
        .await
        .send()
        .await
        .expect("get");
        let (st, _, f, rule) = problem_of(r).await;
        assert_eq!(
            (st, f.as_str(), rule.as_str()),
            (422, field, "control_char"),
            "{path}"
        );
    }
    let r = raw(
        &op.client,
        reqwest::Method::GET,
        format!("{base}/api/v1/copies/%FF%FE"),
        None,
    )
    .await
    .send()
    .await
    .expect("get");
    let (st, _, f, rule) = problem_of(r).await;
    assert_eq!((st, f.as_str(), rule.as_str()), (422, "id", "encoding"));
    // JSON fields: ids, URLs, names, notes, lists.
    let (_, me) = op.get("/api/v1/me").await;
    let me_id = me["person"]["id"].as_str().expect("id").to_owned();
    let hooks = items(&op, "/api/v1/webhooks").await.len();
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let nisc = srv.login("nisc").await;
    for (who, path, body, field) in [
        (
            &op,
            "/api/v1/webhooks".to_owned(),
            json!({ "url": "https://hooks.example.jp/\u{0}" }),
            "url",
        ),
        (
            &op,
            format!("/api/v1/people/{me_id}"),
            json!({ "display_name": "東都\u{0}花子" }),
            "display_name",
        ),
        (
            &op,
            "/api/v1/tokens".to_owned(),
            json!({ "name": "t", "scopes": ["read\u{0}"] }),
            "scopes",
        ),
        (
            &op,
            "/api/v1/liaisons/route-preview".to_owned(),
            json!({ "kind": "first", "sector": "electric\u{0}" }),
            "sector",
        ),
        (
            &nisc,
            format!("/api/v1/copies/{copy}/share"),
            json!({ "org": "\u{0}" }),
            "org",
        ),
        (
            &op,
            "/api/v1/liaisons".to_owned(),
            {
                let mut f = power_form("GREEN");
                f["summary"]["description"] = json!("説明\u{0}");
                json!({ "form": f })
            },
            "summary.description",
        ),
    ] {
        let method = if path.starts_with("/api/v1/people/") {
            reqwest::Method::PATCH
        } else {
            reqwest::Method::POST
        };
        let r = raw(
            &who.client,
            method,
            format!("{base}{path}"),
            Some(&who.csrf),
        )
        .await
        .json(&body)
        .send()
        .await
        .expect("send");
        let (st, _, f, rule) = problem_of(r).await;
        assert_eq!(
            (st, f.as_str(), rule.as_str()),
            (422, field, "control_char"),
            "{path}"
        );
    }
    assert_eq!(
        items(&op, "/api/v1/webhooks").await.len(),
        hooks,
        "nothing stored"
    );
    let (_, me2) = op.get("/api/v1/me").await;
    assert_eq!(me2["person"]["display_name"], me["person"]["display_name"]);
    // The UI: a path id, a form field, the sign-in form.
    let r = op
        .client
        .get(format!("{base}/copies/%00"))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("html").contains("U+0000"));
    let r = op
        .client
        .post(format!("{base}/account/webhooks"))
        .form(&[
            ("csrf", op.csrf.as_str()),
            ("url", "https://hooks.example.jp/\u{0}"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert_eq!(items(&op, "/api/v1/webhooks").await.len(), hooks);
    let r = bare
        .post(format!("{base}/signin"))
        .form(&[("login", "ad\u{0}min"), ("password", "whatever-password")])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("html").contains("U+0000"));
}

/// Every error of the API is problem+json with the status that fits: a page size that is not a
/// number or out of range and a cursor that is not one of ours are 422 naming the parameter,
/// an unknown route 404, a wrong method 405 (with `Allow`), a body that is not JSON 415 and
/// one over the limit 413. The UI answers the same statuses with pages.
async fn every_api_error_is_problem_json_with_its_status(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let base = &srv.base;
    let (st, v) = op.get("/api/v1/liaisons?limit=2").await;
    assert_eq!(st, 200, "a good page size: {v}");
    for (path, field, rule) in [
        ("/api/v1/liaisons?limit=-1", "limit", "range"),
        ("/api/v1/liaisons?limit=abc", "limit", "range"),
        ("/api/v1/liaisons/inbox?limit=1.5", "limit", "range"),
        ("/api/v1/liaisons?limit=0", "limit", "range"),
        ("/api/v1/liaisons?limit=501", "limit", "range"),
        ("/api/v1/liaisons?cursor=garbage", "cursor", "format"),
        (
            "/api/v1/liaisons/inbox?cursor=2026-01-01T00:00:00Z",
            "cursor",
            "format",
        ),
    ] {
        let r = op
            .client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("get");
        let (st, ty, f, ru) = problem_of(r).await;
        assert_eq!(
            (st, ty.as_str(), f.as_str(), ru.as_str()),
            (422, "/problems/validation", field, rule),
            "{path}"
        );
    }
    let admin = srv.login_admin().await;
    let r = admin
        .client
        .get(format!("{base}/api/v1/audit?limit=abc"))
        .send()
        .await
        .expect("get");
    assert_eq!(problem_of(r).await.2, "limit");
    let r = op
        .client
        .get(format!("{base}/api/v1/no-such-route"))
        .send()
        .await
        .expect("get");
    assert_eq!(problem_of(r).await.0, 404);
    let r = op
        .client
        .delete(format!("{base}/api/v1/liaisons"))
        .header("x-csrf-token", &op.csrf)
        .send()
        .await
        .expect("delete");
    assert!(r.headers().contains_key("allow"), "405 keeps Allow");
    assert_eq!(problem_of(r).await.0, 405);
    let r = op
        .client
        .post(format!("{base}/api/v1/liaisons"))
        .header("x-csrf-token", &op.csrf)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("post");
    let (st, ty, f, _) = problem_of(r).await;
    assert_eq!(
        (st, ty.as_str(), f.as_str()),
        (415, "/problems/unsupported-media-type", "body")
    );
    let mut big = power_form("GREEN");
    big["summary"]["description"] = json!("あ".repeat(1_000_000));
    // Repeated: the client must read the 413, never a reset of a socket closed mid-upload.
    for _ in 0..10 {
        let r = op
            .client
            .post(format!("{base}/api/v1/liaisons"))
            .header("x-csrf-token", &op.csrf)
            .json(&json!({ "form": big }))
            .send()
            .await
            .expect("the 413 is read, not a reset");
        let (st, ty, _, _) = problem_of(r).await;
        assert_eq!((st, ty.as_str()), (413, "/problems/payload-too-large"));
    }
    assert!(
        items(&op, "/api/v1/liaisons/inbox").await.is_empty(),
        "nothing stored"
    );
    // The UI: pages, not plain text.
    for (path, status) in [("/no-such-page", 404), ("/copies/%FF", 422)] {
        let r = op
            .client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), status, "{path}");
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(ct.starts_with("text/html"), "{path}: {ct}");
    }
    let r = op
        .client
        .post(format!("{base}/account/webhooks"))
        .form(&[("csrf", op.csrf.as_str()), ("url", &"x".repeat(3_000_000))])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
}

/// API answers carrying restricted content, their errors and the pages are never cached; the
/// static assets may be.
async fn answers_are_kept_out_of_caches(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER+STRICT"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    for path in [
        format!("/api/v1/copies/{copy}"),
        format!("/api/v1/chains/{chain}"),
        "/api/v1/liaisons/inbox".to_owned(),
        "/api/v1/me".to_owned(),
        "/api/v1/copies/no-such-copy".to_owned(),
        "/inbox".to_owned(),
        format!("/copies/{copy}"),
    ] {
        let r = op
            .client
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .expect("get");
        assert!(r.status().as_u16() < 500, "{path}");
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path} ({})",
            r.status()
        );
    }
    let r = op
        .client
        .get(format!("{}/static/app.css", srv.base))
        .send()
        .await
        .expect("css");
    assert_eq!(r.status(), 200);
    assert_ne!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}

/// Login CSRF: a sign-in POST without the form's pre-session value (as another site's form
/// would send it), with a value that does not match the cookie, or marked cross-site by the
/// browser, signs nobody in; the refusal is audited. Our own form still signs in.
async fn sign_in_form_refuses_posts_from_other_sites(b: Backend) {
    let srv = TestServer::start(b).await;
    let client = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    };
    let signed_in = |c: reqwest::Client| {
        let url = format!("{}/inbox", srv.base);
        async move {
            let r = c.get(url).send().await.expect("inbox");
            r.status() == 200
        }
    };
    let sets_session = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.starts_with("kkh_session=") && !v.starts_with("kkh_session=;"))
    };
    // Another site's form: the right credentials, no pre-session value.
    let c = client();
    let r = c
        .post(format!("{}/signin", srv.base))
        .form(&[("login", "op-power"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(!sets_session(&r));
    assert!(r
        .text()
        .await
        .expect("html")
        .contains("id=\"signin-error\""));
    assert!(!signed_in(c).await, "nobody signed in");
    // A value of the attacker's own (the victim's cookie is not theirs to read).
    let c = client();
    let _ = c
        .get(format!("{}/signin", srv.base))
        .send()
        .await
        .expect("form");
    let r = c
        .post(format!("{}/signin", srv.base))
        .form(&[
            ("login", "op-power"),
            ("password", PASSWORD),
            ("presession", "guessed"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(!sets_session(&r));
    assert!(!signed_in(c).await);
    // A browser marks a cross-site form post so.
    let c = client();
    let page = c
        .get(format!("{}/signin", srv.base))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("html");
    let key = "name=\"presession\" value=\"";
    let i = page.find(key).expect("field") + key.len();
    let pre = page[i..i + page[i..].find('"').expect("end")].to_owned();
    let r = c
        .post(format!("{}/signin", srv.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("login", "op-power"),
            ("password", PASSWORD),
            ("presession", pre.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(!sets_session(&r));
    // Our own form signs in.
    let c = client();
    let r = web_sign_in(&c, &srv.base, "op-power", PASSWORD).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/inbox".to_owned())
    );
    assert!(sets_session(&r));
    assert!(signed_in(c).await);
    // Audited (aggregated): three refusals of the sign-in form.
    srv.app.flush_refusals().await.expect("flush");
    let admin = srv.login_admin().await;
    let log = items(&admin, "/api/v1/audit?limit=200").await;
    let csrf = entries(&log, "refusal.csrf");
    assert_eq!(csrf.len(), 1, "{csrf:?}");
    assert_eq!(
        (&csrf[0]["detail"]["count"], &csrf[0]["target"]),
        (&json!(3), &json!("signin"))
    );
}

/// Signing in with a login that does not exist takes as long as with a wrong password for one
/// that does (one password hash either way), so timing does not reveal which logins exist.
async fn sign_in_takes_as_long_for_logins_that_do_not_exist(b: Backend) {
    let srv = TestServer::start(b).await;
    let bare = reqwest::Client::new();
    let attempt = |login: String| {
        let bare = bare.clone();
        let url = format!("{}/api/v1/session", srv.base);
        async move {
            let t = std::time::Instant::now();
            let r = bare
                .post(url)
                .json(&json!({ "login": login, "password": "not-the-password" }))
                .send()
                .await
                .expect("sign in");
            let took = t.elapsed();
            assert_eq!(r.status(), 422, "{login}");
            took
        }
    };
    // Warm up (the first unknown login makes the stand-in hash).
    attempt("warm-up-nobody".into()).await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..4 {
        // Four failures each: under the rate limit of five.
        for login in ["op-power", "op-rail", "meti"] {
            known.push(attempt(login.into()).await);
        }
        for j in 0..3 {
            unknown.push(attempt(format!("nobody-{i}-{j}")).await);
        }
    }
    let min = |v: &[Duration]| v.iter().min().copied().unwrap_or_default();
    let (k, u) = (min(&known), min(&unknown));
    eprintln!("fastest wrong password {k:?}, fastest unknown login {u:?}");
    assert!(
        u * 2 >= k,
        "an unknown login answers much faster ({u:?}) than a known one ({k:?})"
    );
}

/// A clock the test moves.
struct Moved(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl kakehashi_app::Clock for Moved {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().expect("clock")
    }
}

/// A stream's credential is read again once its own expiry passes, although nothing changed
/// the shared credential generation: a session or token that expired no longer stands before
/// the next event or timer, while one that has not expired still does.
async fn live_credentials_end_at_their_expiry(b: Backend) {
    use kakehashi_app::auth::Credential;
    let srv = TestServer::start(b).await;
    let now = chrono::Utc::now();
    let clock = std::sync::Arc::new(Moved(std::sync::Mutex::new(now)));
    let app = srv.app.clone().with_clock(clock.clone());
    let session = app.sign_in("op-power", PASSWORD).await.expect("sign in");
    let actor = session.actor.clone();
    let (_, token) = app
        .create_api_token(&actor, "expiring", &["read".to_owned()], Some(1))
        .await
        .expect("token");
    let recheck = Duration::from_secs(1);
    for (what, credential, lifetime) in [
        (
            "session",
            Credential::Session(session.token.clone()),
            session.expires_at - now,
        ),
        ("token", Credential::Token(token), chrono::Duration::days(1)),
    ] {
        *clock.0.lock().expect("clock") = now;
        let mut standing = app
            .standing_credential(credential)
            .await
            .unwrap_or_else(|| panic!("the {what} stands when the stream opens"));
        let seq = app.events.last_seq();
        assert!(
            app.credential_still_stands(&mut standing, Some(seq), recheck)
                .await,
            "the {what} stands before its expiry"
        );
        *clock.0.lock().expect("clock") = now + lifetime - chrono::Duration::seconds(1);
        assert!(
            app.credential_still_stands(&mut standing, None, recheck)
                .await,
            "the {what} stands a second before its expiry"
        );
        *clock.0.lock().expect("clock") = now + lifetime + chrono::Duration::seconds(1);
        assert!(
            !app.credential_still_stands(&mut standing, Some(seq), recheck)
                .await,
            "the {what} no longer stands once expired"
        );
        assert!(
            !app.credential_still_stands(&mut standing, None, recheck)
                .await,
            "nor on the timer"
        );
    }
}
