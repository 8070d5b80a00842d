//! The API against its own OpenAPI document, on both storage backends: schemathesis reads
//! `/api/openapi.json`, generates requests for every operation — valid ones and ones that break
//! the schema — and checks every answer: no server error, a status the operation documents, the
//! documented media type and headers, a body of the documented schema, schema-breaking input
//! refused, a missing credential refused with 401, an undocumented method answered 405.
//!
//! The caller is NISC's staff member `nisc` (approver, made an organisation administrator for
//! the run) with a token holding every scope, over a world where the operations with an `{id}`
//! have something real to act on: a liaison case and NISC's copy of it, a draft and a sent
//! provision, an inquiry, an organisation and a colleague to administer (never the caller, so
//! the run cannot lock itself out). Other ids are generated, which exercises the 404s.
//!
//! Not checked: `positive_data_acceptance`, because the schema states types and shapes while
//! many rules are the use cases' (a sector code that exists, a route that may be taken, a TLP
//! no looser than the copy's), so a request of the right shape is still refused with a 422 that
//! the document lists. Not run: the stateful phase, which chains operations from their answers
//! and could reach the caller's own person or token (deactivating, re-passwording, revoking it).
//!
//! Needs schemathesis 4.x for `python3` (`.ci/run` installs it). Without it the test says so and
//! passes, unless `KAKEHASHI_REQUIRE_SCHEMATHESIS` is set (as CI does), where it fails.
//! `KAKEHASHI_SCHEMATHESIS_EXAMPLES` overrides the examples per operation (default 10) and
//! `KAKEHASHI_SCHEMATHESIS_SEED` the seed (fixed by default, so CI runs the same cases).

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(
    api_conforms_to_its_openapi_document,
    a_body_is_an_object_as_the_document_says
);

/// Operations left out (by operation id), each with its reason.
const EXCLUDED: &[&str] = &[
    // `GET /api/v1/events`, server-sent events: the answer is a stream that stays open until the
    // client leaves, so every generated request would wait for the request timeout. Its
    // credential and scope rules are those of every other read; the stream itself is tested
    // with real events elsewhere.
    "events",
];

/// The schemathesis CLI of `python3` (the interpreter `.ci/run` installs it into).
fn st() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("python3");
    cmd.args(["-m", "schemathesis.cli"]);
    cmd
}

/// schemathesis's version, if it is 4.x.
async fn schemathesis() -> Option<String> {
    let out = st().arg("--version").output().await.ok()?;
    // "python -m schemathesis.cli, version 4.32.5"
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let number = version.rsplit(' ').next()?.to_owned();
    (out.status.success() && number.split('.').next() == Some("4"))
        .then(|| format!("schemathesis {number}"))
}

async fn api_conforms_to_its_openapi_document(backend: Backend) {
    let Some(version) = schemathesis().await else {
        if std::env::var("KAKEHASHI_REQUIRE_SCHEMATHESIS").is_ok() {
            panic!(
                "schemathesis 4.x is not installed for python3: python3 -m pip install schemathesis (or run .ci/run)"
            );
        }
        eprintln!("SKIPPED: schemathesis 4.x is not installed (run .ci/run)");
        return;
    };
    let srv = TestServer::start(backend).await;
    let (token, world) = seed(&srv).await;

    let dir = std::env::temp_dir().join(format!(
        "kkh-schemathesis-{}-{:?}",
        std::process::id(),
        backend
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("schemathesis.toml");
    std::fs::write(&config, world.config()).expect("config");

    let examples = std::env::var("KAKEHASHI_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "10".into());
    let seed = std::env::var("KAKEHASHI_SCHEMATHESIS_SEED").unwrap_or_else(|_| "20261204".into());
    let mut cmd = st();
    cmd.current_dir(&dir)
        .env("NO_COLOR", "1")
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{}/api/openapi.json", srv.base))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all"])
        .args(["--exclude-checks", "positive_data_acceptance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", &examples])
        .args(["--seed", &seed])
        .args(["--request-timeout", "20"])
        .args(["--generation-database", "none"])
        .arg("--continue-on-failure")
        .arg("--no-color");
    let keep = std::env::var("KAKEHASHI_SCHEMATHESIS_KEEP").is_ok();
    if keep {
        // Every request and answer, for looking into a run.
        cmd.args(["--report", "har"]);
    }
    for operation in EXCLUDED {
        cmd.args(["--exclude-operation-id", operation]);
    }
    let run = tokio::time::timeout(Duration::from_secs(600), cmd.output())
        .await
        .expect("schemathesis finishes within 10 minutes")
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    if keep {
        eprintln!("schemathesis report kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if !run.status.success() {
        eprintln!("{stdout}\n{stderr}");
        panic!(
            "{version} on {backend:?}: the API does not conform to its OpenAPI document (output above)"
        );
    }
    // A run that tested nothing is no pass.
    assert!(
        stdout.contains("Tested:") && !stdout.contains("Tested: 0"),
        "schemathesis tested no operation:\n{stdout}\n{stderr}"
    );
    let summary = stdout.lines().rev().take(30).collect::<Vec<_>>();
    eprintln!(
        "{}",
        summary.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

/// serde's derive also reads a struct from an array of its fields in order; the document says
/// object, and so does the server, at every depth (schemathesis found `PATCH /api/v1/orgs/{id}`
/// taking `[null, null]` as an update that changes nothing).
async fn a_body_is_an_object_as_the_document_says(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let (st, me) = nisc.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    let before = me["person"]["mail_pref"].clone();
    assert!(before.is_string(), "{me}");
    let (st, v) = nisc
        .put("/api/v1/me/mail-preference", json!(["none"]))
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(
        (&v["errors"][0]["field"], &v["errors"][0]["rule"]),
        (&json!("body"), &json!("json")),
        "{v}"
    );
    let (_, me) = nisc.get("/api/v1/me").await;
    assert_eq!(me["person"]["mail_pref"], before, "nothing changed");
    let (st, v) = nisc
        .put("/api/v1/me/mail-preference", json!({ "pref": "none" }))
        .await;
    assert_eq!(st, 204, "the object form is taken: {v}");

    // Nested: a source reference given as `[kind, id]`.
    let (st, item) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "ベンダー提供情報", "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(st, 201, "{item}");
    let draft = |source: Value| {
        json!({
            "form": { "tlp": "GREEN", "summary": "概要",
                      "recipients": [ { "ministry": "meti", "sector": "electric_power" } ] },
            "sources": [ source ]
        })
    };
    let (st, v) = nisc
        .post(
            "/api/v1/provisions",
            draft(json!(["item", id(&item, "id")])),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert!(
        v["title"]
            .as_str()
            .is_some_and(|t| t.contains("sources[0]")),
        "names where: {v}"
    );
    let (st, v) = nisc
        .post(
            "/api/v1/provisions",
            draft(json!({ "kind": "item", "id": id(&item, "id") })),
        )
        .await;
    assert_eq!(st, 201, "the object form is taken: {v}");
}

/// What the run acts on: ids that exist and that the caller may act on.
struct World {
    chain: String,
    copy: String,
    draft: String,
    sent: String,
    inquiry: String,
    colleague: String,
    consultation: String,
}

impl World {
    /// schemathesis settings: real ids for the operations on one item. An operation is matched
    /// by its name, `METHOD /path` (one filter per entry: several filters of an entry would
    /// each include operations on their own).
    fn config(&self) -> String {
        let op = |name: &str, id: &str| {
            format!(
                "[[operations]]\ninclude-name-regex = '{name}'\nparameters = {{ \"path.id\" = \"{id}\" }}\n\n"
            )
        };
        [
            op(" /api/v1/chains/", &self.chain),
            op(" /api/v1/copies/", &self.copy),
            // The draft takes the edits and the send; the sent provision everything after.
            op("^PUT /api/v1/provisions/\\{id\\}$", &self.draft),
            op(" /api/v1/provisions/\\{id\\}/(check|send)$", &self.draft),
            op("^GET /api/v1/provisions/\\{id\\}$", &self.sent),
            op(
                " /api/v1/provisions/\\{id\\}/(relay|ack|receipts|consents|inquiries)$",
                &self.sent,
            ),
            op(" /api/v1/inquiries/", &self.inquiry),
            op(" /api/v1/orgs/\\{id\\}", "nisc"),
            op(" /api/v1/people/", &self.colleague),
            op(" /api/v1/consultations/\\{id\\}", &self.consultation),
        ]
        .concat()
    }
}

fn id(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` in {v}"))
        .to_owned()
}

/// Builds the world and returns the caller's token.
async fn seed(srv: &TestServer) -> (String, World) {
    // NISC's `nisc` administers its organisation for the run; a colleague is the one the
    // people operations act on.
    let admin = srv.login_admin().await;
    let (st, people) = admin.get("/api/v1/orgs/nisc/people").await;
    assert_eq!(st, 200, "{people}");
    let nisc_person = people["items"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["login"] == "nisc"))
        .cloned()
        .unwrap_or_else(|| panic!("nisc among {people}"));
    let mut roles: Vec<Value> = nisc_person["roles"].as_array().cloned().unwrap_or_default();
    roles.push(json!("org_admin"));
    let (st, v) = admin
        .put(
            &format!("/api/v1/people/{}/roles", id(&nisc_person, "id")),
            json!({ "roles": roles }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, colleague) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            json!({
                "login": "nisc-colleague", "display_name": "同僚 一郎",
                "password": "one-time-password-1", "roles": ["reader"], "employment": "staff"
            }),
        )
        .await;
    assert_eq!(st, 201, "{colleague}");

    let nisc = srv.login("nisc").await;
    let (st, t) = nisc
        .post(
            "/api/v1/tokens",
            json!({ "name": "schemathesis", "scopes": ["read", "write", "admin"] }),
        )
        .await;
    assert_eq!(st, 201, "{t}");

    // An urgent report: the ministry's copy and NISC's simultaneous copy (同報).
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let mut copy = None;
    for c in filed["copies"].as_array().cloned().unwrap_or_default() {
        let c = c.as_str().expect("copy id").to_owned();
        if nisc.get(&format!("/api/v1/copies/{c}")).await.0 == 200 {
            copy = Some(c);
        }
    }
    let copy = copy.unwrap_or_else(|| panic!("NISC reads a copy of {filed}"));

    // A source item, a draft on it and a sent provision to METI; METI asks about the latter.
    let (st, item) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "ベンダー提供情報", "origin": "ベンダー", "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(st, 201, "{item}");
    let draft = save_draft(&nisc, &id(&item, "id")).await;
    let sent = save_draft(&nisc, &id(&item, "id")).await;
    let (st, v) = nisc
        .post(&format!("/api/v1/provisions/{sent}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let meti = srv.login("meti").await;
    let (st, inquiry) = meti
        .post(
            &format!("/api/v1/provisions/{sent}/inquiries"),
            json!({ "body": "対象システムの範囲を教えてください。" }),
        )
        .await;
    assert_eq!(st, 201, "{inquiry}");
    // A consultation the operator opened with NISC (相談): NISC reads, answers and closes it.
    let (st, consultation) = op
        .post(
            "/api/v1/consultations",
            json!({ "addressee": "nisc", "subject": "該当ケースの確認", "body": "情報連絡の対象か分かりません。" }),
        )
        .await;
    assert_eq!(st, 201, "{consultation}");

    (
        id(&t, "token"),
        World {
            chain: id(&filed, "chain"),
            copy,
            draft,
            sent,
            inquiry: id(&inquiry, "id"),
            colleague: id(&colleague, "id"),
            consultation: id(&consultation, "id"),
        },
    )
}

async fn save_draft(nisc: &Session, item: &str) -> String {
    let (st, d) = nisc
        .post(
            "/api/v1/provisions",
            json!({
                "form": {
                    "importance": "caution", "tlp": "GREEN", "has_attachments": false,
                    "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
                    "summary": "電力分野の制御系システムを狙う不審な通信が確認された。",
                    "targets": "制御系ネットワークに接続された給電指令システム",
                    "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
                    "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
                },
                "sources": [ { "kind": "item", "id": item } ]
            }),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    id(&d, "id")
}
