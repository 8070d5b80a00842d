//! 状況把握: the live cross-sector picture through the real router on both backends. NISC sees
//! the chains it holds in detail; a ministry of another sector, or an operator, sees them only
//! as a k-masked count; an electric-power 警報 puts the sectors depending on power at risk; the
//! dependency graph is NISC's setting, checked field by field.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    situation_shows_details_in_scope_and_counts_outside,
    situation_dependencies_are_nisc_only_and_checked,
);

/// A well-formed picture (status 200, every sector, every part present).
async fn picture(s: &Session) -> Value {
    let (st, v) = s.get("/api/v1/situation").await;
    assert_eq!(st, 200, "situation: {v}");
    assert!(v["k"].as_u64().is_some_and(|k| k >= 2), "{v}");
    let sectors = v["sectors"]
        .as_array()
        .unwrap_or_else(|| panic!("sectors: {v}"));
    assert_eq!(sectors.len(), 15, "every sector: {v}");
    for r in sectors {
        assert!(r["detailed"].is_u64() && r["breaches"].is_u64(), "{r}");
        assert!(r["outside_shown"].is_string(), "{r}");
        assert!(r["at_risk"].is_boolean() && r["source"].is_boolean(), "{r}");
        let i = &r["by_importance"];
        let sum: u64 = ["alert", "caution", "reference", "unrated"]
            .iter()
            .map(|k| i[k].as_u64().expect("count"))
            .sum();
        assert_eq!(sum, r["detailed"].as_u64().expect("detailed"), "{r}");
    }
    for part in ["chains", "by_service", "by_state", "by_age", "timeline"] {
        assert!(v[part].is_array(), "{part}: {v}");
    }
    assert!(v["dependencies"]["edges"].is_array(), "{v}");
    v
}

fn sector<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["sectors"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["sector"] == code))
        .unwrap_or_else(|| panic!("sector {code}: {v}"))
}

fn chains_of(v: &Value, code: &str) -> Vec<Value> {
    v["chains"]
        .as_array()
        .map(|a| a.iter().filter(|c| c["sector"] == code).cloned().collect())
        .unwrap_or_default()
}

fn power_alert() -> Value {
    let mut f = power_form("AMBER");
    f["importance"] = json!("alert");
    f
}

fn bank_form() -> Value {
    let mut f = power_form("AMBER");
    f["importance"] = json!("reference");
    f["sector"] = json!("finance");
    f["event"] = json!("EV-02");
    f["causes"] = json!(["CA-I-01"]);
    f["summary"]["affected_system"] = json!("インターネットバンキング");
    f["summary"]["description"] = json!("ログイン画面への不正アクセスの試行。");
    f["impact"] = json!({ "system_status": "partly_running", "sml_deviation": false, "spread_to_others": false });
    f
}

async fn file(s: &Session, form: Value) {
    let (st, v) = s
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "statutory": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

async fn page(s: &Session, path: &str) -> (u16, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    let st = res.status().as_u16();
    (st, res.text().await.expect("text"))
}

async fn situation_shows_details_in_scope_and_counts_outside(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let quiet = picture(&nisc).await;
    assert!(quiet["chains"].as_array().is_some_and(Vec::is_empty));
    assert!(sector(&quiet, "finance")["at_risk"] == false);
    assert_eq!(sector(&quiet, "electric_power")["outside_shown"], "0");

    file(&srv.login("op-power").await, power_alert()).await;

    // NISC holds the power chain: in detail, and its 警報 puts the dependants at risk.
    let v = picture(&nisc).await;
    let power = chains_of(&v, "electric_power");
    assert_eq!(power.len(), 1, "{v}");
    let c = &power[0];
    assert_eq!(c["importance"], "alert");
    assert_eq!(c["service"], "general_transmission_distribution");
    assert_eq!(c["state"], "ongoing");
    assert!(
        c["age_minutes"].is_i64() && c["age_band"].is_string(),
        "{c}"
    );
    assert_eq!(c["sml_breach"], false);
    assert_eq!(c["sender_name"], "東都電力株式会社", "names, not ids: {c}");
    let p = sector(&v, "electric_power");
    assert_eq!(p["detailed"], 1);
    assert_eq!(p["by_importance"]["alert"], 1);
    assert_eq!(p["source"], true);
    assert_eq!(p["outside_shown"], "0", "nothing outside NISC's scope");
    for dependant in ["finance", "railway", "information_communications", "gas"] {
        let r = sector(&v, dependant);
        assert_eq!(r["at_risk"], true, "{dependant}: {r}");
        assert_eq!(r["risk_from"], json!(["electric_power"]), "{r}");
    }
    assert_eq!(p["at_risk"], false, "not at risk from itself");
    assert!(v["timeline"]
        .as_array()
        .is_some_and(|t| t.iter().any(|e| e["kind"] == "report")));

    // A ministry of another sector: its call succeeds, the power chain is a count only.
    let fsa = srv.login("fsa").await;
    let f = picture(&fsa).await;
    assert!(chains_of(&f, "electric_power").is_empty(), "{f}");
    let fp = sector(&f, "electric_power");
    assert_eq!(fp["detailed"], 0);
    assert_eq!(fp["outside"], json!({ "kind": "below_k" }), "{fp}");
    assert_eq!(fp["outside_shown"], "<3", "one company, below k = 3");
    assert_eq!(
        sector(&f, "finance")["at_risk"],
        false,
        "risk is judged from what the viewer reads"
    );
    let text = f.to_string();
    assert!(
        !text.contains("東都") && !text.contains("給電指令"),
        "no detail leaks: {f}"
    );
    // The power ministry reads it in detail.
    let meti = picture(&srv.login("meti").await).await;
    assert_eq!(chains_of(&meti, "electric_power").len(), 1, "{meti}");

    // An operator: its own chain in detail, the others as counts.
    let bank = srv.login("op-bank").await;
    file(&bank, bank_form()).await;
    let o = picture(&bank).await;
    assert_eq!(chains_of(&o, "finance").len(), 1, "{o}");
    assert!(chains_of(&o, "electric_power").is_empty(), "{o}");
    assert_eq!(sector(&o, "electric_power")["outside_shown"], "<3");
    assert!(!o.to_string().contains("東都"), "{o}");

    // Two power companies and k = 2: the count stands.
    file(&srv.login("op-power2").await, power_form("AMBER")).await;
    let admin = srv.login_admin().await;
    let (st, body) = admin
        .put("/api/v1/statistics/settings", json!({ "k": 2 }))
        .await;
    assert_eq!(st, 200, "{body}");
    let f = picture(&fsa).await;
    assert_eq!(
        sector(&f, "electric_power")["outside"],
        json!({ "kind": "count", "count": 2 })
    );
    assert_eq!(sector(&f, "electric_power")["outside_shown"], "2");
    let o = picture(&bank).await;
    assert_eq!(sector(&o, "electric_power")["outside_shown"], "2");
    assert_eq!(
        sector(&o, "finance")["outside_shown"],
        "0",
        "its own is in detail"
    );

    // Outsiders are refused.
    let (st, v) = srv.login("jpcert").await.get("/api/v1/situation").await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(v["status"], 403, "problem+json: {v}");

    // The page: in the menu, charts drawn by the server, live, in both languages.
    let (st, html) = page(&nisc, "/situation").await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"nav-situation\""), "menu entry");
    assert!(html.contains("id=\"situation-live\""), "live container");
    assert!(html.contains("data-live-refresh"));
    assert!(html.contains("<svg class=\"bars hbars\""), "sector chart");
    assert!(html.contains("id=\"situation-graph\""), "dependency graph");
    assert!(
        html.contains("class=\"node at-risk\" data-sector=\"finance\""),
        "{html}"
    );
    assert!(html.contains("class=\"node source\" data-sector=\"electric_power\""));
    assert!(
        html.contains("⚠波及リスク"),
        "risk told by label, not colour alone"
    );
    assert!(html.contains("</rect>") && html.contains("</line>"));
    let (st, html) = page(&nisc, "/situation?lang=en").await;
    assert_eq!(st, 200);
    assert!(html.contains("Cascade risk") && html.contains("⚠ at risk"));
    let (st, html) = page(&fsa, "/situation").await;
    assert_eq!(st, 200);
    assert!(html.contains("data-sector=\"electric_power\""));
    assert!(!html.contains("東都"), "counts only on the page too");
    let (st, _) = page(&srv.login("jpcert").await, "/situation").await;
    assert_eq!(st, 403);

    // Restricted reads are audited.
    let recent = srv.app.store.audit_recent(200).await.expect("audit");
    let reads: Vec<_> = recent
        .iter()
        .filter(|e| e.action == "situation.read")
        .collect();
    assert!(!reads.is_empty());
    assert!(reads
        .iter()
        .any(|e| e.detail["format"] == "web" && e.detail["copies"].is_array()));
}

async fn situation_dependencies_are_nisc_only_and_checked(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let (st, d) = nisc.get("/api/v1/situation/dependencies").await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["default"], true);
    assert_eq!(d["seed_lines"], "28111-28178");
    let edges = d["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 13 * 2 + 2, "{d}");
    assert!(edges.contains(&json!({ "sector": "finance", "depends_on": "electric_power" })));

    // Nobody but NISC's approvers.
    for login in ["meti", "op-power", "crisis"] {
        let s = srv.login(login).await;
        let (st, v) = s.get("/api/v1/situation/dependencies").await;
        assert_eq!(st, 200, "{login} reads the graph: {v}");
        let (st, v) = s
            .put("/api/v1/situation/dependencies", json!({ "edges": [] }))
            .await;
        assert_eq!(st, 403, "{login}: {v}");
    }

    // Checked field by field; nothing stored.
    for (edges, field, rule) in [
        (
            json!([{ "sector": "finance", "depends_on": "moon" }]),
            "edges.depends_on",
            "unknown_code",
        ),
        (
            json!([{ "sector": "banks", "depends_on": "electric_power" }]),
            "edges.sector",
            "unknown_code",
        ),
        (
            json!([{ "sector": "gas", "depends_on": "gas" }]),
            "edges.depends_on",
            "self_edge",
        ),
        (
            json!([{ "sector": "gas", "depends_on": "electric_power" }, { "sector": "gas", "depends_on": "electric_power" }]),
            "edges.depends_on",
            "duplicate",
        ),
    ] {
        let (st, v) = nisc
            .put("/api/v1/situation/dependencies", json!({ "edges": edges }))
            .await;
        assert_eq!(st, 422, "{edges}: {v}");
        assert_eq!(v["errors"][0]["field"], field, "{v}");
        assert_eq!(v["errors"][0]["rule"], rule, "{v}");
        assert!(
            v["errors"][0]["message_ja"].is_string() && v["errors"][0]["message_en"].is_string()
        );
    }
    let (st, v) = nisc
        .put("/api/v1/situation/dependencies", json!({ "edges": "all" }))
        .await;
    assert_eq!(st, 422, "{v}");
    let (_, d) = nisc.get("/api/v1/situation/dependencies").await;
    assert_eq!(d["default"], true, "nothing stored: {d}");

    // A graph of one edge: a power alert puts only the railway at risk.
    let (st, d) = nisc
        .put(
            "/api/v1/situation/dependencies",
            json!({ "edges": [{ "sector": "railway", "depends_on": "electric_power" }] }),
        )
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["default"], false);
    file(&srv.login("op-power").await, power_alert()).await;
    let v = picture(&nisc).await;
    assert_eq!(sector(&v, "railway")["at_risk"], true, "{v}");
    assert_eq!(sector(&v, "finance")["at_risk"], false, "{v}");
    assert!(srv
        .app
        .store
        .audit_recent(50)
        .await
        .expect("audit")
        .iter()
        .any(|e| e.action == "situation.dependencies"));

    // The web form: NISC saves by checkboxes; null restores the default.
    let (st, html) = page(&nisc, "/situation/dependencies").await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"dependencies-form\""));
    let (st, html) = page(&srv.login("meti").await, "/situation/dependencies").await;
    assert_eq!(st, 403, "{html}");
    let (st, d) = nisc
        .put("/api/v1/situation/dependencies", json!({ "edges": null }))
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["default"], true);
    let v = picture(&nisc).await;
    assert_eq!(sector(&v, "finance")["at_risk"], true, "{v}");
}
