//! 突合: two operators in different sectors report the same attacker address; the ministries
//! forward to NISC; NISC sees the two as a candidate with the indicator as the reason (a third,
//! unrelated report stays out), links them into I1 (audited) and the candidate disappears;
//! dismissing another candidate works; a ministry and an operator are refused — the listings
//! with 403, an incident id with the 404 of a missing one. Both backends.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(nisc_links_reports_across_sectors_into_an_incident);

/// Files `form` as `op` and has `ministry` forward it to NISC; returns the chain id.
async fn file_and_forward(op: &Session, ministry: &Session, form: Value) -> String {
    let (st, filed) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let (st, inbox) = ministry.get("/api/v1/liaisons/inbox").await;
    assert_eq!(st, 200, "{inbox}");
    let row = items(&inbox)
        .into_iter()
        .find(|r| r["summary"]["chain"] == chain.as_str())
        .unwrap_or_else(|| panic!("the ministry holds the report: {inbox}"));
    let copy = row["summary"]["id"].as_str().expect("copy id").to_owned();
    let (st, c) = ministry.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200, "{c}");
    let (st, fwd) = ministry
        .post(
            &format!("/api/v1/copies/{copy}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    assert!(
        fwd["ident"].as_str().is_some_and(|i| i.starts_with('R')),
        "{fwd}"
    );
    chain
}

fn report(sector: &str, event: &str, cause: &str, at: &str, system: &str, text: &str) -> Value {
    let mut f = power_form("AMBER");
    f["sector"] = json!(sector);
    f["event"] = json!(event);
    f["causes"] = json!([cause]);
    f["summary"]["discovered_at"] = json!(at);
    f["summary"]["occurred_at"] = json!(at);
    f["summary"]["affected_system"] = json!(system);
    f["summary"]["description"] = json!(text);
    if sector == "railway" {
        f["impact"] =
            json!({ "service": "passenger_transport", "measures": { "outage_occurred": true } });
    }
    f
}

async fn candidates(nisc: &Session) -> Vec<Value> {
    let (st, v) = nisc.get("/api/v1/cross-check/candidates").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
}

/// The candidate group holding `chain`, if any.
fn group_of<'a>(groups: &'a [Value], chain: &str) -> Option<&'a Value> {
    groups.iter().find(|g| {
        g["chains"]
            .as_array()
            .expect("chains")
            .iter()
            .any(|c| c["id"] == chain)
    })
}

fn chain_ids(g: &Value) -> Vec<String> {
    let mut ids: Vec<String> = g["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

async fn nisc_links_reports_across_sectors_into_an_incident(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let power = srv.login("op-power").await;
    let power2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    let meti = srv.login("meti").await;
    let mlit = srv.login("mlit").await;

    // Two sectors, one attacker address (the railway writes it defanged).
    let a = file_and_forward(
        &power,
        &meti,
        report(
            "electric_power",
            "EV-07",
            "CA-I-02",
            "2026-11-20T01:00:00Z",
            "社外接続用VPN装置",
            "VPN装置に 203.0.113.5 からの不正ログインを確認。",
        ),
    )
    .await;
    let b_ = file_and_forward(
        &rail,
        &mlit,
        report(
            "railway",
            "EV-05",
            "CA-I-01",
            "2026-11-26T09:00:00Z",
            "運行管理用端末",
            "マルウェアの通信先として 203.0.113[.]5 を確認。",
        ),
    )
    .await;
    // Unrelated to those two, but sharing another address with a second railway report.
    let c = file_and_forward(
        &power2,
        &meti,
        report(
            "electric_power",
            "EV-04",
            "CA-A-06",
            "2026-11-20T02:00:00Z",
            "変電所監視装置",
            "監視装置の故障。同時刻に 198.51.100.23 からの走査あり。",
        ),
    )
    .await;
    let d = file_and_forward(
        &rail,
        &mlit,
        report(
            "railway",
            "EV-01",
            "CA-I-03",
            "2026-11-10T02:00:00Z",
            "駅務システム",
            "198.51.100.23 からのポートスキャン。",
        ),
    )
    .await;

    // NISC sees A and B as one candidate, the indicator as the reason, C and D outside it.
    let groups = candidates(&nisc).await;
    let g = group_of(&groups, &a).unwrap_or_else(|| panic!("A is a candidate: {groups:?}"));
    let mut want = vec![a.clone(), b_.clone()];
    want.sort();
    assert_eq!(chain_ids(g), want, "{g}");
    let reasons = g["links"][0]["reasons"].as_array().expect("reasons");
    assert!(
        reasons.iter().any(|r| r["kind"] == "shared_indicator"
            && r["indicator"]["kind"] == "ip"
            && r["indicator"]["value"] == "203.0.113.5"
            && r["text_ja"]
                .as_str()
                .is_some_and(|t| t.contains("同じ指標 203.0.113.5 を含む"))),
        "{g}"
    );
    let names: Vec<&str> = g["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .map(|c| c["sector_name_ja"].as_str().expect("sector name"))
        .collect();
    assert!(names.contains(&"電力") && names.contains(&"鉄道"), "{g}");
    assert!(
        g["chains"]
            .as_array()
            .expect("chains")
            .iter()
            .all(|c| c["ident"].as_str().is_some_and(|i| i.starts_with('R'))),
        "{g}"
    );
    let cd = group_of(&groups, &c).expect("C and D are a candidate");
    let mut want_cd = vec![c.clone(), d.clone()];
    want_cd.sort();
    assert_eq!(chain_ids(cd), want_cd);

    // The page shows the reason in words, with names.
    let html = page(&nisc, "/cross-check").await;
    assert!(
        html.contains("同じ指標 203.0.113.5 を含む"),
        "reason in words"
    );
    assert!(html.contains("nav-cross-check"), "in NISC's menu");
    assert!(html.contains("鉄道") && html.contains("東都電力"), "names");
    let en = page(&nisc, "/cross-check?lang=en").await;
    assert!(
        en.contains("Both name the indicator 203.0.113.5"),
        "English"
    );

    // Bad input names the field and stores nothing.
    for (body, field) in [
        (json!({ "title": "", "chains": [a] }), "title"),
        (json!({ "title": "x", "chains": [] }), "chains"),
        (
            json!({ "title": "x", "chains": ["no-such-chain"] }),
            "chains",
        ),
    ] {
        let (st, v) = nisc.post("/api/v1/incidents", body).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], field, "{v}");
    }
    let (st, v) = nisc.get("/api/v1/incidents").await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).is_empty(), "nothing stored");

    // NISC links A and B into I1.
    let (st, inc) = nisc
        .post(
            "/api/v1/incidents",
            json!({ "title": "同一攻撃基盤からの侵入", "note": "203.0.113.5", "chains": [a, b_] }),
        )
        .await;
    assert_eq!(st, 201, "{inc}");
    assert_eq!(inc["ident"], "I1");
    let id = inc["id"].as_str().expect("id").to_owned();
    let (st, got) = nisc.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(st, 200, "{got}");
    let listed: Vec<&str> = got["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .map(|c| c["sector_name_ja"].as_str().expect("name"))
        .collect();
    assert_eq!(listed.len(), 2, "{got}");
    assert!(got["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .all(|c| c["ident"].as_str().is_some_and(|i| i.starts_with('R'))));
    let html = page(&nisc, &format!("/incidents/{id}?lang=ja")).await;
    assert!(
        html.contains("I1") && html.contains("鉄道") && html.contains("電力"),
        "{html}"
    );
    // A chain is in one incident at most.
    let (st, v) = nisc
        .post(
            "/api/v1/incidents",
            json!({ "title": "重複", "chains": [a] }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "chains");

    // The candidate is gone; C–D is still proposed, until dismissed.
    let groups = candidates(&nisc).await;
    assert!(group_of(&groups, &a).is_none(), "{groups:?}");
    assert!(group_of(&groups, &c).is_some());
    let (st, v) = nisc
        .post(
            "/api/v1/cross-check/dismissals",
            json!({ "chains": [c, d] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["pairs"], 1);
    let groups = candidates(&nisc).await;
    assert!(group_of(&groups, &c).is_none(), "dismissed: {groups:?}");
    let (st, v) = nisc
        .post("/api/v1/cross-check/dismissals", json!({ "chains": [c] }))
        .await;
    assert_eq!(st, 422, "{v}");

    // Unlinking B puts the pair back on the list; linking it again through the API.
    let (st, v) = nisc
        .delete(&format!("/api/v1/incidents/{id}/chains/{b_}"))
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = nisc
        .delete(&format!("/api/v1/incidents/{id}/chains/{b_}"))
        .await;
    assert_eq!(st, 404, "not in it any more: {v}");
    assert!(group_of(&candidates(&nisc).await, &b_).is_some());
    let (st, v) = nisc
        .post(
            &format!("/api/v1/incidents/{id}/chains"),
            json!({ "chains": [b_] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["chains"].as_array().expect("chains").len(), 2);

    // A ministry and an operator: their other calls work, these are refused.
    let (st, missing) = nisc.get("/api/v1/incidents/no-such-incident").await;
    assert_eq!(st, 404, "{missing}");
    for s in [&meti, &power] {
        let (st, v) = s.get("/api/v1/liaisons/inbox").await;
        assert_eq!(st, 200, "{v}");
        assert!(!items(&v).is_empty(), "{v}");
        let (st, v) = s.get(&format!("/api/v1/chains/{a}")).await;
        assert_eq!(st, 200, "reads its own chain: {v}");
        for path in ["/api/v1/cross-check/candidates", "/api/v1/incidents"] {
            let (st, v) = s.get(path).await;
            assert_eq!(st, 403, "{path}: {v}");
        }
        let (st, v) = s.get(&format!("/api/v1/incidents/{id}")).await;
        assert_eq!(st, 404, "{v}");
        assert_eq!(v, missing, "the same answer as a missing id");
        let (st, v) = s
            .post("/api/v1/incidents", json!({ "title": "x", "chains": [a] }))
            .await;
        assert_eq!(st, 403, "{v}");
        let (st, v) = s
            .post(
                &format!("/api/v1/incidents/{id}/chains"),
                json!({ "chains": [c] }),
            )
            .await;
        assert_eq!(st, 404, "{v}");
        let (st, v) = s
            .delete(&format!("/api/v1/incidents/{id}/chains/{a}"))
            .await;
        assert_eq!(st, 404, "{v}");
        let (st, v) = s
            .post(
                "/api/v1/cross-check/dismissals",
                json!({ "chains": [a, c] }),
            )
            .await;
        assert_eq!(st, 403, "{v}");
        let html = page(s, "/inbox").await;
        assert!(!html.contains("nav-cross-check"), "not in their menu");
    }
    let (_, v) = nisc.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(
        v["chains"].as_array().expect("chains").len(),
        2,
        "untouched"
    );

    // Every change is in the audit log.
    srv.app.flush_refusals().await.expect("flush");
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{log}");
    let text = log.to_string();
    for action in [
        "incident.create",
        "incident.remove_chain",
        "incident.add_chains",
        "cross_check.dismiss",
        "cross_check.read",
    ] {
        assert!(text.contains(action), "{action}");
    }
    assert!(text.contains("\"I1\""), "the number is audited");
}

async fn page(s: &Session, path: &str) -> String {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.text().await.expect("html")
}
