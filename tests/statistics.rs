//! 統計: counts and response times for the yearly verification, through the real router on both
//! backends. NISC reads every sector, a ministry its own, an operator nothing; a world filed
//! through the API where one bank files many reports alone shows that sector withheld while a
//! sector reported by k organisations shows; k is a platform setting never below 2; every read
//! is audited.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    statistics_never_single_out_an_operator,
    statistics_refuse_outsiders_and_bad_input,
);

/// A well-formed statistics answer (status 200 and every part of the document present).
async fn stats(s: &Session, query: &str) -> Value {
    let (st, v) = s.get(&format!("/api/v1/statistics{query}")).await;
    assert_eq!(st, 200, "statistics{query}: {v}");
    assert!(v["k"].as_u64().is_some_and(|k| k >= 2), "{v}");
    assert!(v["suppressed"].is_u64() && v["merged"].is_u64(), "{v}");
    assert!(v["months"].as_array().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(v["times"].is_array(), "{v}");
    for s in v["sectors"]
        .as_array()
        .unwrap_or_else(|| panic!("sectors: {v}"))
    {
        let total = s["total"].as_u64().expect("total");
        for part in ["by_month", "events", "causes"] {
            let sum: u64 = s[part]
                .as_array()
                .unwrap_or_else(|| panic!("{part}: {s}"))
                .iter()
                .map(|c| c["count"].as_u64().expect("count"))
                .sum();
            assert_eq!(sum, total, "{part} adds up to the total: {s}");
        }
        assert!(s["times"].is_array(), "{s}");
    }
    v
}

fn sector<'a>(v: &'a Value, code: &str) -> Option<&'a Value> {
    v["sectors"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["sector"] == code))
}

fn sector_codes(v: &Value) -> Vec<String> {
    v["sectors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["sector"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn bank_form() -> Value {
    let mut f = power_form("AMBER");
    f["sector"] = json!("finance");
    f["event"] = json!("EV-02");
    f["causes"] = json!(["CA-I-01"]);
    f["summary"]["affected_system"] = json!("インターネットバンキング");
    f["summary"]["description"] = json!("ログイン画面への不正アクセスの試行。");
    f["impact"] = json!({ "system_status": "partly_running", "sml_deviation": false, "spread_to_others": false });
    f
}

/// Files a statutory report with its urgent copy to NISC (numbered on receipt); the chain id.
async fn file(s: &Session, form: Value) -> String {
    let (st, v) = s
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "statutory": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    v["chain"].as_str().expect("chain").to_owned()
}

/// NISC sends an AMBER provision to METI citing these chains.
async fn provide(nisc: &Session, chains: &[String]) {
    let sources: Vec<Value> = chains
        .iter()
        .map(|c| json!({ "kind": "chain", "id": c }))
        .collect();
    let (st, d) = nisc
        .post(
            "/api/v1/provisions",
            json!({
                "form": {
                    "importance": "caution", "tlp": "AMBER", "has_attachments": false,
                    "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
                    "summary": "電力分野の事業者において給電指令システムへの大量アクセスが確認された。",
                    "targets": "制御系ネットワークに接続された給電指令システム",
                    "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
                    "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
                },
                "sources": sources,
                "resolutions": []
            }),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    let id = d["id"].as_str().expect("id");
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
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

/// Two power companies report once each; one bank reports six times, alone in its sector.
async fn statistics_never_single_out_an_operator(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let before = stats(&nisc, "").await;
    assert_eq!(before["k"], 3, "the default k");

    let power_chains = vec![
        file(&srv.login("op-power").await, power_form("AMBER")).await,
        file(&srv.login("op-power2").await, power_form("AMBER")).await,
    ];
    let bank = srv.login("op-bank").await;
    for _ in 0..6 {
        file(&bank, bank_form()).await;
    }

    // k = 3: neither sector reaches three organisations alone; together they do, as その他.
    let v = stats(&nisc, "").await;
    assert!(sector(&v, "finance").is_none(), "{v}");
    assert!(sector(&v, "electric_power").is_none(), "{v}");
    let other = sector(&v, "other").unwrap_or_else(|| panic!("その他の分野: {v}"));
    assert_eq!(other["total"], 8, "{other}");

    // k = 2 (a platform setting): the power sector shows; the bank, alone, is withheld, and
    // its six reports are counted nowhere.
    let admin = srv.login_admin().await;
    let (st, body) = admin
        .put("/api/v1/statistics/settings", json!({ "k": 2 }))
        .await;
    assert_eq!(st, 200, "{body}");
    let v = stats(&nisc, "").await;
    assert_eq!(v["k"], 2);
    let power = sector(&v, "electric_power").unwrap_or_else(|| panic!("power: {v}"));
    assert_eq!(power["total"], 2, "{power}");
    assert_eq!(power["events"], json!([{ "key": "EV-04", "count": 2 }]));
    assert!(sector(&v, "finance").is_none(), "{v}");
    assert!(
        sector(&v, "other").is_none(),
        "the bank alone is no group: {v}"
    );
    assert!(v["suppressed"].as_u64().expect("suppressed") >= 1, "{v}");
    let legs = |s: &Value| -> Vec<String> {
        s["times"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| t["leg"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        legs(power).contains(&"report_to_receipt".to_owned()),
        "{power}"
    );
    assert!(
        !legs(power).contains(&"receipt_to_provision".to_owned()),
        "no provision yet: {power}"
    );

    // NISC provides on both power cases: the third leg is measured for two organisations.
    provide(&nisc, &power_chains).await;
    let v = stats(&nisc, "").await;
    let power = sector(&v, "electric_power").unwrap_or_else(|| panic!("power: {v}"));
    assert!(
        legs(power).contains(&"receipt_to_provision".to_owned()),
        "{power}"
    );
    let t = power["times"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["leg"] == "receipt_to_provision"))
        .expect("leg");
    assert!(t["median_minutes"].as_i64().is_some_and(|m| m >= 0), "{t}");
    assert!(
        t.get("count").is_none(),
        "how many were measured is not published: {t}"
    );
    let text = v.to_string();
    assert!(
        !text.contains("\"count\":6") && !text.contains("\"total\":6"),
        "the bank's six reports are nowhere: {v}"
    );
    assert!(!text.contains("bank"), "no organisation is named: {v}");

    // A ministry: its own sectors only.
    let meti = stats(&srv.login("meti").await, "").await;
    assert_eq!(
        sector_codes(&meti),
        vec!["electric_power".to_owned()],
        "{meti}"
    );
    let fsa = srv.login("fsa").await;
    let fin = stats(&fsa, "").await;
    assert!(sector_codes(&fin).is_empty(), "{fin}");
    assert_eq!(fin["suppressed"], 1, "{fin}");
    let fin_power = stats(&fsa, "?sector=electric_power").await;
    assert!(sector_codes(&fin_power).is_empty(), "{fin_power}");

    // CSV with a byte-order mark, names not codes.
    let res = nisc
        .client
        .get(format!("{}/api/v1/statistics.csv", nisc.base))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    let csv = res.text().await.expect("csv text");
    assert!(csv.starts_with('\u{FEFF}'), "BOM");
    assert!(csv.contains("\"電力\""), "{csv}");
    assert!(!csv.contains("金融"), "{csv}");

    // The page: charts drawn by the server, in the menu of NISC and the ministries only.
    let (st, html) = page(&nisc, "/statistics").await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"nav-statistics\""), "menu entry");
    assert!(html.contains("<svg class=\"bars\""), "chart");
    // One bar, with its end tag (an SVG element left open in HTML swallows what follows).
    assert_eq!(html.matches("<rect ").count(), 1, "{html}");
    assert!(html.contains("</rect>") && html.contains("</line>"));
    assert!(html.contains("data-sector=\"electric_power\""));
    let (st, html) = page(&nisc, "/statistics?lang=en").await;
    assert_eq!(st, 200);
    assert!(html.contains("Cases by month"), "English page");
    let op = srv.login("op-power").await;
    let (_, home) = page(&op, "/").await;
    assert!(
        !home.contains("nav-statistics"),
        "no menu entry for an operator"
    );
    let (st, _) = page(&op, "/statistics").await;
    assert_eq!(st, 403);

    // Every read is audited, with its period and k.
    let recent = srv.app.store.audit_recent(200).await.expect("audit");
    let reads: Vec<_> = recent
        .iter()
        .filter(|e| e.action == "statistics.read")
        .collect();
    assert!(reads.len() >= 8, "{}", reads.len());
    assert!(reads
        .iter()
        .any(|e| e.detail["format"] == "csv" && e.detail["k"] == 2));
    assert!(recent.iter().any(|e| e.action == "statistics.k"));
}

async fn statistics_refuse_outsiders_and_bad_input(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, v) = op.get("/api/v1/statistics").await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(v["status"], 403, "problem+json: {v}");
    let (st, _) = srv
        .login("ceptoar-power")
        .await
        .get("/api/v1/statistics.csv")
        .await;
    assert_eq!(st, 403);

    let nisc = srv.login("nisc").await;
    for (q, field) in [
        ("?from=2026-4", "from"),
        ("?to=2026-13", "to"),
        ("?from=2026-05&to=2026-04", "to"),
        ("?from=2000-01&to=2026-04", "from"),
        ("?sector=space", "sector"),
    ] {
        let (st, v) = nisc.get(&format!("/api/v1/statistics{q}")).await;
        assert_eq!(st, 422, "{q}: {v}");
        assert_eq!(v["errors"][0]["field"], field, "{q}: {v}");
    }
    let v = stats(&nisc, "?from=2026-04&to=2027-03&sector=").await;
    assert_eq!(v["months"].as_array().map(Vec::len), Some(12));

    // k: platform administrators only, never below 2.
    let (st, _) = nisc
        .put("/api/v1/statistics/settings", json!({ "k": 4 }))
        .await;
    assert_eq!(st, 403);
    let admin = srv.login_admin().await;
    for k in [0, 1, 51] {
        let (st, v) = admin
            .put("/api/v1/statistics/settings", json!({ "k": k }))
            .await;
        assert_eq!(st, 422, "k = {k}: {v}");
    }
    assert_eq!(stats(&nisc, "").await["k"], 3, "unchanged");
}
