//! Webhook destinations (no SSRF) and webhook workers on several nodes, through the real router
//! on both storage backends.
//!
//! Receivers run on loopback, so the servers here admit them through the webhook allow-list,
//! exactly as an on-premises deployment admits its internal receiver.

use crate::common::{Backend, TestServer};
use kakehashi_app::egress::{AllowList, HostResolver, Refusal};
use kakehashi_app::AppConfig;
use kakehashi_domain::OrgId;
use serde_json::json;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

on_both_backends!(
    registration_refuses_internal_destinations,
    redirects_are_not_followed,
    a_host_that_later_resolves_inward_is_not_posted_to,
    workers_on_two_nodes_post_each_delivery_once,
);

fn allowing(entries: &[String]) -> AppConfig {
    AppConfig {
        webhook_allow: AllowList::parse(entries).expect("allow-list"),
        ..AppConfig::default()
    }
}

async fn org_of(srv: &TestServer, login: &str) -> OrgId {
    srv.app
        .store
        .person_by_login(login)
        .await
        .expect("person")
        .org
}

/// Serves `router` on an ephemeral loopback port.
async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    addr
}

/// A bare TCP listener counting the connections made to it.
async fn connection_counter() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let n = Arc::new(AtomicUsize::new(0));
    let counted = n.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(sock);
        }
    });
    (port, n)
}

/// A DNS stand-in whose answers the test changes (real DNS cannot be made to change its answer
/// on cue); the server's resolver guard and HTTP client are the real ones.
#[derive(Default)]
struct Hosts(Mutex<HashMap<String, Vec<IpAddr>>>);

impl Hosts {
    fn set(&self, host: &str, addr: &str) {
        self.0
            .lock()
            .expect("lock")
            .insert(host.into(), vec![addr.parse().expect("address")]);
    }
}

#[async_trait::async_trait]
impl HostResolver for Hosts {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        self.0
            .lock()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .get(host)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, host.to_owned()))
    }
}

/// Literal internal addresses, a name resolving to loopback, IPv6 and IPv4-mapped forms and
/// plain http are refused at registration with problem+json naming `url` and the rule, in both
/// languages; nothing is stored, each refusal is audited; a public address is accepted.
async fn registration_refuses_internal_destinations(b: Backend) {
    let srv = TestServer::start(b).await; // the default: an empty allow-list
    let op = srv.login("op-power").await; // org admin of 東都電力
    let cases = [
        ("https://127.0.0.1/hook", "loopback_address"),
        ("https://127.1.2.3:8443/hook", "loopback_address"),
        ("https://2130706433/hook", "loopback_address"),
        ("https://localhost:8443/hook", "loopback_address"),
        ("https://[::1]/hook", "loopback_address"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback_address"),
        ("https://10.20.30.40/hook", "private_address"),
        ("https://172.16.5.4/hook", "private_address"),
        ("https://192.168.1.10/hook", "private_address"),
        ("https://[fd00::1]/hook", "private_address"),
        ("https://[::ffff:192.168.1.10]/hook", "private_address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "link_local_address",
        ),
        ("https://[fe80::1]/hook", "link_local_address"),
        ("https://100.64.0.1/hook", "shared_address"),
        ("https://0.0.0.0/hook", "unspecified_address"),
        ("https://224.0.0.1/hook", "multicast_address"),
        ("https://255.255.255.255/hook", "broadcast_address"),
        ("https://192.0.2.10/hook", "documentation_address"),
        ("http://hooks.example.jp/hook", "https_required"),
        ("http://127.0.0.1:9/hook", "https_required"),
    ];
    for (url, rule) in cases {
        let (st, v) = op.post("/api/v1/webhooks", json!({ "url": url })).await;
        assert_eq!(st, 422, "{url}: {v}");
        let e = &v["errors"][0];
        assert_eq!(
            (e["field"].as_str(), e["rule"].as_str()),
            (Some("url"), Some(rule)),
            "{url}: {v}"
        );
        let (ja, en) = (
            e["message_ja"].as_str().unwrap_or(""),
            e["message_en"].as_str().unwrap_or(""),
        );
        assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{v}");
    }
    let (st, list) = op.get("/api/v1/webhooks").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing stored: {list}"
    );
    let refused = srv
        .app
        .store
        .audit_recent(500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "webhook.refused")
        .count();
    assert_eq!(refused, cases.len(), "every refusal is audited");
    // The rule refuses internal destinations, not everything: a public address is accepted.
    let (st, v) = op
        .post("/api/v1/webhooks", json!({ "url": "https://8.8.8.8/hook" }))
        .await;
    assert_eq!(st, 201, "{v}");
    let (_, list) = op.get("/api/v1/webhooks").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
}

/// A receiver (on the allow-list) answering 302 to another local path: the second path never
/// gets a request, and the attempt fails with a clear `last_error`.
async fn redirects_are_not_followed(b: Backend) {
    let hits: Arc<Mutex<Vec<String>>> = Arc::default();
    let addr_cell: Arc<Mutex<Option<SocketAddr>>> = Arc::default();
    let (h1, h2, cell) = (hits.clone(), hits.clone(), addr_cell.clone());
    let router = axum::Router::new()
        .route(
            "/start",
            axum::routing::post(move || {
                let (hits, cell) = (h1.clone(), cell.clone());
                async move {
                    hits.lock().expect("lock").push("/start".into());
                    let addr = cell.lock().expect("lock").expect("address set");
                    (
                        axum::http::StatusCode::FOUND,
                        [("location", format!("http://{addr}/second"))],
                    )
                }
            }),
        )
        .route(
            "/second",
            axum::routing::any(move || {
                let hits = h2.clone();
                async move {
                    hits.lock().expect("lock").push("/second".into());
                    axum::http::StatusCode::OK
                }
            }),
        );
    let addr = serve(router).await;
    *addr_cell.lock().expect("lock") = Some(addr);
    let srv = TestServer::start_with(b, None, allowing(&[addr.to_string()])).await;
    let op = srv.login("op-power").await;
    let (st, v) = op
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("http://{addr}/start") }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let org = org_of(&srv, "op-power").await;
    srv.app
        .enqueue_webhooks(std::slice::from_ref(&org), &json!({ "event": "test" }))
        .await
        .expect("enqueue");
    let client = srv.app.webhook_client().expect("client");
    let n = srv
        .app
        .deliver_due_webhooks(&client, 60_000)
        .await
        .expect("deliver");
    assert_eq!(n, 1, "one delivery attempted");
    assert_eq!(
        hits.lock().expect("lock").clone(),
        vec!["/start".to_string()],
        "the redirect target got nothing"
    );
    let pending = srv
        .app
        .store
        .webhook_deliveries_of_org(&org, "pending", 10)
        .await
        .expect("pending");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].attempts, 1);
    assert_eq!(
        pending[0].last_error,
        "HTTP 302 (redirects are not followed)"
    );
}

/// A webhook whose host resolved to a public address at registration and resolves to loopback
/// at delivery time is not connected to; the same set-up with the name on the allow-list is
/// (so the listener was reachable and the refusal is what kept it untouched).
async fn a_host_that_later_resolves_inward_is_not_posted_to(b: Backend) {
    let (inward_port, inward) = connection_counter().await;
    let (control_port, control) = connection_counter().await;
    let srv = TestServer::start_with(b, None, allowing(&["control.example.test".into()])).await;
    let hosts = Arc::new(Hosts::default());
    hosts.set("rebind.example.test", "93.184.215.14");
    hosts.set("control.example.test", "127.0.0.1");
    let app = srv.app.clone().with_resolver(hosts.clone());
    let person = srv
        .app
        .store
        .person_by_login("op-power")
        .await
        .expect("op-power");
    let actor = app.actor(&person.id).await.expect("actor");
    let rebind = format!("https://rebind.example.test:{inward_port}/hook");
    app.create_webhook(&actor, &rebind)
        .await
        .expect("a public address at registration");
    app.create_webhook(
        &actor,
        &format!("https://control.example.test:{control_port}/hook"),
    )
    .await
    .expect("allow-listed");
    // At registration, a name without an answer is refused, and so is one answering loopback.
    let err = app
        .create_webhook(&actor, "https://rebind2.example.test/hook")
        .await;
    assert!(err.is_err(), "unresolvable");
    hosts.set("rebind.example.test", "127.0.0.1");
    let err = app
        .create_webhook(&actor, &rebind)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.starts_with("url:")),
        "{err:?}"
    );

    app.enqueue_webhooks(
        std::slice::from_ref(&person.org),
        &json!({ "event": "test" }),
    )
    .await
    .expect("enqueue");
    let client = app.webhook_client().expect("client");
    let n = app
        .deliver_due_webhooks(&client, 60_000)
        .await
        .expect("deliver");
    assert_eq!(n, 2, "both deliveries attempted");
    assert!(
        control.load(Ordering::SeqCst) >= 1,
        "the allow-listed name was connected to"
    );
    assert_eq!(
        inward.load(Ordering::SeqCst),
        0,
        "no connection to the refused address"
    );
    let pending = srv
        .app
        .store
        .webhook_deliveries_of_org(&person.org, "pending", 10)
        .await
        .expect("pending");
    let hooks = srv
        .app
        .store
        .webhooks_of_org(&person.org)
        .await
        .expect("hooks");
    let rebind_hook = hooks.iter().find(|w| w.url == rebind).expect("hook");
    let d = pending
        .iter()
        .find(|d| d.webhook == rebind_hook.id)
        .expect("the refused delivery is pending a retry");
    assert_eq!(d.attempts, 1);
    assert_eq!(d.last_error, Refusal::Loopback.delivery_error());
}

/// What the receiver saw: delivery ids per path, and the most requests in flight at once.
#[derive(Default)]
struct Seen {
    ok: Mutex<Vec<String>>,
    retry: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

async fn record(seen: &Seen, retry: bool, h: &axum::http::HeaderMap) -> axum::http::StatusCode {
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(15)).await;
    let id = h
        .get("x-kakehashi-delivery")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let status = if retry {
        let mut r = seen.retry.lock().expect("lock");
        let first = !r.contains(&id);
        r.push(id);
        if first {
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        } else {
            axum::http::StatusCode::OK
        }
    } else {
        seen.ok.lock().expect("lock").push(id);
        axum::http::StatusCode::OK
    };
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    status
}

/// Two server nodes (on PostgreSQL two processes' worth of pools on one database; on SQLite
/// two workers over the one store) run the webhook worker against one receiver: every delivery
/// is posted exactly once, and one that fails once is posted exactly twice.
async fn workers_on_two_nodes_post_each_delivery_once(b: Backend) {
    let seen = Arc::new(Seen::default());
    let (s1, s2) = (seen.clone(), seen.clone());
    let router = axum::Router::new()
        .route(
            "/ok",
            axum::routing::post(move |h: axum::http::HeaderMap| {
                let seen = s1.clone();
                async move { record(&seen, false, &h).await }
            }),
        )
        .route(
            "/retry",
            axum::routing::post(move |h: axum::http::HeaderMap| {
                let seen = s2.clone();
                async move { record(&seen, true, &h).await }
            }),
        );
    let addr = serve(router).await;
    let srv = TestServer::start_with(b, None, allowing(&[addr.to_string()])).await;
    let (node2, _guard) = match b {
        Backend::Postgres => {
            let (app, _base, guard) = srv.another_node_app(None).await;
            (app, Some(guard))
        }
        Backend::Sqlite => {
            // SQLite serves one node; two workers over its one store must not double-post.
            let mut app = srv.app.clone();
            app.node = "second-worker".into();
            (app, None)
        }
    };
    assert_ne!(srv.app.node, node2.node);
    let op = srv.login("op-power").await;
    for path in ["ok", "ok", "ok", "retry"] {
        let (st, v) = op
            .post(
                "/api/v1/webhooks",
                json!({ "url": format!("http://{addr}/{path}") }),
            )
            .await;
        assert_eq!(st, 201, "{v}");
    }
    let org = org_of(&srv, "op-power").await;
    let events = 12;
    for i in 0..events {
        srv.app
            .enqueue_webhooks(
                std::slice::from_ref(&org),
                &json!({ "event": "test", "n": i }),
            )
            .await
            .expect("enqueue");
    }
    let workers = [
        srv.app.spawn_webhook_worker(Duration::from_millis(5), 1),
        node2.spawn_webhook_worker(Duration::from_millis(5), 1),
    ];
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pending = srv
            .app
            .store
            .webhook_deliveries_of_org(&org, "pending", 500)
            .await
            .expect("pending");
        if pending.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending: {}",
            pending.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for w in workers {
        w.abort();
        let _ = w.await;
    }
    let done = srv
        .app
        .store
        .webhook_deliveries_of_org(&org, "done", 500)
        .await
        .expect("done");
    assert_eq!(done.len(), events * 4, "every delivery done");
    let hooks = srv.app.store.webhooks_of_org(&org).await.expect("hooks");
    let retry_hook = hooks
        .iter()
        .find(|w| w.url.ends_with("/retry"))
        .expect("retry hook");
    let count = |ids: &[String]| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for id in ids {
            *m.entry(id.clone()).or_default() += 1;
        }
        m
    };
    let ok = count(&seen.ok.lock().expect("lock"));
    let retry = count(&seen.retry.lock().expect("lock"));
    for d in &done {
        let (map, want) = if d.webhook == retry_hook.id {
            (&retry, 2)
        } else {
            (&ok, 1)
        };
        assert_eq!(map.get(&d.id).copied(), Some(want), "delivery {}", d.id);
    }
    assert_eq!(ok.len() + retry.len(), done.len(), "nothing else posted");
    assert_eq!(
        ok.values().sum::<usize>(),
        events * 3,
        "each /ok delivery posted exactly once"
    );
    assert_eq!(
        retry.values().sum::<usize>(),
        events * 2,
        "each /retry delivery posted exactly twice"
    );
    // The two workers really ran side by side (each posts one request at a time).
    assert!(
        seen.max_in_flight.load(Ordering::SeqCst) >= 2,
        "the nodes never posted concurrently"
    );
}
