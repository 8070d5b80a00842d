//! リスク管理と事業継続計画 (issue 13 items 1–2): an operator's risk register (criteria →
//! scope → risks → analysis → evaluation → treatment), its continuity plans with the annex
//! checklist, and the 要再評価 prompt when a provision it receives names a risk's asset or
//! keyword. The register and plans are the organisation's own: other organisations (NISC and
//! the ministry included) never read them, and another organisation's ids are 404. Both
//! backends, through the real router; the demo world gives 東都電力 a register and plans.

use crate::common::{items, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    the_register_follows_the_four_steps,
    plans_are_checked_against_the_annex,
    a_received_provision_prompts_reassessment,
    the_pages_do_it_all_with_forms,
    reminders_go_out_once_across_nodes
);

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert!(
        v["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
        "{field}: {v}"
    );
}

async fn register(s: &Session) -> Value {
    let (st, v) = s.get("/api/v1/risk/register").await;
    assert_eq!(st, 200, "{v}");
    assert!(v["risks"].is_array() && v["criteria"].is_object(), "{v}");
    v
}

fn risk<'a>(reg: &'a Value, id: &str) -> &'a Value {
    reg["risks"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("risk {id} in {reg}"))
}

async fn created(s: &Session, path: &str, body: Value) -> String {
    let (st, v) = s.post(path, body).await;
    assert_eq!(st, 201, "{path}: {v}");
    v["id"].as_str().expect("id").to_owned()
}

async fn page(s: &Session, path: &str) -> (u16, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    let st = res.status().as_u16();
    (st, res.text().await.expect("html"))
}

async fn the_register_follows_the_four_steps(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;

    // The demo register: risks in several states, a treatment plan.
    let demo = register(&op).await;
    let states: Vec<&str> = demo["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .filter_map(|r| r["state"].as_str())
        .collect();
    for s in ["treating", "accepted", "identified"] {
        assert!(states.contains(&s), "{s}: {states:?}");
    }
    assert!(
        !items(&json!({ "items": demo["treatments"] })).is_empty(),
        "{demo}"
    );
    let demo_risk = demo["risks"][0]["id"].as_str().expect("id").to_owned();

    // Criteria: the rule names the field; a good one is kept.
    let (st, v) = op.put("/api/v1/risk/criteria", json!({ "likelihood_levels": 3, "impact_levels": 3, "vulnerability_levels": 1, "threshold": 10 })).await;
    refused(st, &v, "threshold");
    let (st, v) = op.put("/api/v1/risk/criteria", json!({ "likelihood_levels": 11, "impact_levels": 3, "vulnerability_levels": 1, "threshold": 4 })).await;
    refused(st, &v, "likelihood_levels");
    let (st, v) = op.put("/api/v1/risk/criteria", json!({ "likelihood_levels": 3, "impact_levels": 3, "vulnerability_levels": 1, "threshold": 6 })).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(register(&op).await["criteria_set"], true);

    // Scope: a service, an asset on the impact scale.
    let svc = created(
        &op,
        "/api/v1/risk/services",
        json!({ "name": "試験用サービス", "operations": ["監視"] }),
    )
    .await;
    let (st, v) = op
        .post(
            "/api/v1/risk/assets",
            json!({ "name": "監視サーバ", "kind": "system", "importance": 4, "services": [svc] }),
        )
        .await;
    refused(st, &v, "importance");
    let (st, v) = op
        .post(
            "/api/v1/risk/assets",
            json!({ "name": "監視サーバ", "kind": "mainframe", "importance": 2 }),
        )
        .await;
    refused(st, &v, "kind");
    let asset = created(&op, "/api/v1/risk/assets", json!({ "name": "監視サーバ", "kind": "system", "importance": 3, "services": [svc], "products": ["WatchBox 2"] })).await;

    // Identification and analysis: asset-based needs an asset; factors on their scales.
    let base = json!({ "title": "監視サーバへの不正アクセス", "categories": ["cyber"], "method": "asset_based", "assets": [asset], "services": [svc] });
    let mut no_asset = base.clone();
    no_asset["assets"] = json!([]);
    let (st, v) = op.post("/api/v1/risk/risks", no_asset).await;
    refused(st, &v, "assets");
    let mut off = base.clone();
    off["likelihood"] = json!(4);
    let (st, v) = op.post("/api/v1/risk/risks", off).await;
    refused(st, &v, "likelihood");
    let mut no_cat = base.clone();
    no_cat["categories"] = json!([]);
    let (st, v) = op.post("/api/v1/risk/risks", no_cat).await;
    refused(st, &v, "categories");
    let r = created(&op, "/api/v1/risk/risks", base.clone()).await;
    assert_eq!(risk(&register(&op).await, &r)["state"], "identified");
    let mut analysed = base.clone();
    analysed["likelihood"] = json!(2);
    let (st, v) = op
        .put(&format!("/api/v1/risk/risks/{r}"), analysed.clone())
        .await;
    assert_eq!(st, 200, "{v}");
    let reg = register(&op).await;
    // importance 3 × likelihood 2 (vulnerability not used) = 6 ≥ 6: to treat.
    assert_eq!(risk(&reg, &r)["level"], 6, "{reg}");
    assert_eq!(risk(&reg, &r)["state"], "to_treat");
    // Below the threshold: left to its department, unless selected with a reason.
    let mut low = analysed.clone();
    low["likelihood"] = json!(1);
    let low_id = created(&op, "/api/v1/risk/risks", low.clone()).await;
    assert_eq!(risk(&register(&op).await, &low_id)["state"], "accepted");
    low["selected"] = json!(true);
    let (st, v) = op
        .put(&format!("/api/v1/risk/risks/{low_id}"), low.clone())
        .await;
    refused(st, &v, "selection_reason");
    low["selection_reason"] = json!("監督官庁から指摘あり");
    let (st, v) = op.put(&format!("/api/v1/risk/risks/{low_id}"), low).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(risk(&register(&op).await, &low_id)["state"], "to_treat");

    // Treatment: tracked to done, never back to planned.
    let (st, v) = op
        .post(
            "/api/v1/risk/treatments",
            json!({ "risk": r, "action": "多要素認証の導入", "due_on": "2026-02-30" }),
        )
        .await;
    refused(st, &v, "due_on");
    let t = created(&op, "/api/v1/risk/treatments", json!({ "risk": r, "action": "多要素認証の導入", "due_on": "2030-03-31", "owner": "情報システム部" })).await;
    assert_eq!(risk(&register(&op).await, &r)["state"], "treating");
    let done = json!({ "risk": r, "action": "多要素認証の導入", "due_on": "2030-03-31", "status": "done" });
    let (st, v) = op.put(&format!("/api/v1/risk/treatments/{t}"), done).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(risk(&register(&op).await, &r)["state"], "treated");
    let (st, v) = op
        .put(
            &format!("/api/v1/risk/treatments/{t}"),
            json!({ "risk": r, "action": "x", "due_on": "2030-03-31", "status": "planned" }),
        )
        .await;
    refused(st, &v, "status");

    // The contractor under NDA reads the same register; the reader role cannot change it.
    let nda = srv.login("op-power-contractor").await;
    let theirs = register(&nda).await;
    assert!(
        theirs["risks"]
            .as_array()
            .expect("risks")
            .iter()
            .any(|x| x["id"] == r),
        "{theirs}"
    );

    // Another operator: its own (empty) register; our ids are 404 to it, nothing changes.
    let other = srv.login("op-power2").await;
    let reg2 = register(&other).await;
    assert!(
        reg2["risks"].as_array().expect("risks").is_empty(),
        "{reg2}"
    );
    let (st, v) = other
        .put(&format!("/api/v1/risk/risks/{r}"), analysed)
        .await;
    assert_eq!(st, 404, "{v}");
    let (st, v) = other
        .delete(&format!("/api/v1/risk/entries/{demo_risk}"))
        .await;
    assert_eq!(st, 404, "{v}");
    let (st, v) = other
        .post(&format!("/api/v1/risk/risks/{r}/reassessed"), json!({}))
        .await;
    assert_eq!(st, 404, "{v}");
    assert!(register(&op).await["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .any(|x| x["id"] == demo_risk));
    // Not an operator: no register at all (NISC and the ministry included).
    for login in ["nisc", "meti", "ceptoar-power"] {
        let s = srv.login(login).await;
        let (st, v) = s.get("/api/v1/risk/register").await;
        assert_eq!(st, 403, "{login}: {v}");
        let (st, v) = s.get("/api/v1/continuity/plans").await;
        assert_eq!(st, 403, "{login}: {v}");
    }

    // Deleting a risk takes its plans.
    let (st, v) = op.delete(&format!("/api/v1/risk/entries/{r}")).await;
    assert_eq!(st, 204, "{v}");
    let reg = register(&op).await;
    assert!(
        !reg["treatments"]
            .as_array()
            .expect("t")
            .iter()
            .any(|x| x["id"] == t),
        "{reg}"
    );

    // The page, in both languages.
    let (st, html) = page(&op, "/risk").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("リスク基準") && html.contains("保守用VPN装置"),
        "{html}"
    );
    let (st, html) = page(&op, "/risk?lang=en").await;
    assert_eq!(st, 200);
    assert!(html.contains("Risk criteria"), "{html}");
}

async fn plans_are_checked_against_the_annex(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, refdata) = op.get("/api/v1/continuity/checklist").await;
    assert_eq!(st, 200, "{refdata}");
    assert_eq!(
        refdata["cp_bcp_checklist"].as_array().expect("items").len(),
        31
    );

    // The demo plans: an approved BCP and an IT-BCP handing over to it.
    let (st, v) = op.get("/api/v1/continuity/plans").await;
    assert_eq!(st, 200, "{v}");
    let plans = items(&v);
    let bcp = plans.iter().find(|p| p["kind"] == "bcp").expect("bcp");
    assert_eq!(bcp["status"], "approved", "{bcp}");
    let it = plans
        .iter()
        .find(|p| p["kind"] == "it_bcp")
        .expect("it-bcp");
    assert_eq!(it["hands_over_to"], bcp["id"], "{it}");
    assert_eq!(it["summary"]["fail"], 2, "{it}");
    let bcp_id = bcp["id"].as_str().expect("id").to_owned();

    // A new IT-BCP: the hand-over goes to a BCP only.
    let cp = created(
        &op,
        "/api/v1/continuity/plans",
        json!({ "kind": "cp", "title": "初動対応計画" }),
    )
    .await;
    let (st, v) = op
        .post(
            "/api/v1/continuity/plans",
            json!({ "kind": "it_bcp", "title": "X", "hands_over_to": cp }),
        )
        .await;
    refused(st, &v, "hands_over_to");
    let (st, v) = op
        .post(
            "/api/v1/continuity/plans",
            json!({ "kind": "plan_b", "title": "X" }),
        )
        .await;
    refused(st, &v, "kind");
    let id = created(
        &op,
        "/api/v1/continuity/plans",
        json!({
            "kind": "it_bcp", "title": "基幹系 IT-BCP", "hands_over_to": bcp_id,
            "activation_criteria": "基幹系の停止が1時間を超えるとき",
            "channels": [ { "channel": "メール", "fallback": "" } ],
            "cutoff_points": [ { "point": "インターネット接続点", "decision_maker": "" } ]
        }),
    )
    .await;

    // Approval needs every part: the gaps are named.
    let (st, v) = op.get(&format!("/api/v1/continuity/plans/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["approval_gaps"],
        json!(["channels", "cutoff_points", "review_on"]),
        "{v}"
    );
    let (st, v) = op
        .post(
            &format!("/api/v1/continuity/plans/{id}/status"),
            json!({ "status": "approved" }),
        )
        .await;
    refused(st, &v, "channels");
    let (st, v) = op
        .put(
            &format!("/api/v1/continuity/plans/{id}"),
            json!({
                "kind": "it_bcp", "title": "基幹系 IT-BCP", "hands_over_to": bcp_id,
                "activation_criteria": "基幹系の停止が1時間を超えるとき", "review_on": "2030-04-01",
                "channels": [ { "channel": "メール", "fallback": "衛星電話" } ],
                "cutoff_points": [ { "point": "インターネット接続点", "decision_maker": "CISO" } ]
            }),
        )
        .await;
    assert_eq!(st, 200, "{v}");

    // Its checklist rows are the reference data's items, in order, with the annex's wording.
    let reference = refdata["cp_bcp_checklist"].as_array().expect("items");
    let (st, v) = op.get(&format!("/api/v1/continuity/plans/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert!(
        v["approval_gaps"].as_array().is_some_and(|g| g.is_empty()),
        "{v}"
    );
    let rows = v["checklist"].as_array().expect("rows");
    assert_eq!(rows.len(), reference.len(), "{v}");
    for (row, item) in rows.iter().zip(reference) {
        assert_eq!(row["item"], item["id"], "{row}");
        assert_eq!(row["text_ja"], item["text_ja"], "{row}");
        assert_eq!(row["result"], "unchecked", "{row}");
    }

    // The checklist: pass/fail/notes per item of the annex.
    let (st, v) = op
        .put(
            &format!("/api/v1/continuity/plans/{id}/checklist"),
            json!({ "answers": [ { "item": "A-9-z", "result": "pass" } ] }),
        )
        .await;
    refused(st, &v, "answers");
    let (st, v) = op
        .put(
            &format!("/api/v1/continuity/plans/{id}/checklist"),
            json!({ "answers": [
        { "item": "A-3-b", "result": "pass", "notes": "CISOが判断" },
        { "item": "A-5-f", "result": "fail", "notes": "代替手段の訓練なし" } ] }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (_, v) = op.get(&format!("/api/v1/continuity/plans/{id}")).await;
    assert_eq!(
        v["summary"],
        json!({ "pass": 1, "fail": 1, "unchecked": 29 }),
        "{v}"
    );
    let row = v["checklist"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["item"] == "A-5-f")
        .expect("row")
        .clone();
    assert_eq!(row["notes"], "代替手段の訓練なし");
    assert!(
        row["text_ja"]
            .as_str()
            .expect("text")
            .contains("複数の情報共有手段"),
        "{row}"
    );
    let (st, v) = op
        .post(
            &format!("/api/v1/continuity/plans/{id}/status"),
            json!({ "status": "approved" }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = op
        .post(
            &format!("/api/v1/continuity/plans/{id}/status"),
            json!({ "status": "approved" }),
        )
        .await;
    assert_eq!(st, 409, "{v}");

    // Nobody else reads or changes it.
    let other = srv.login("op-power2").await;
    let (st, v) = other.get("/api/v1/continuity/plans").await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).is_empty(), "{v}");
    for path in [
        format!("/api/v1/continuity/plans/{id}"),
        format!("/api/v1/continuity/plans/{bcp_id}"),
    ] {
        let (st, v) = other.get(&path).await;
        assert_eq!(st, 404, "{v}");
    }
    let (st, v) = other
        .post(
            &format!("/api/v1/continuity/plans/{id}/status"),
            json!({ "status": "retired" }),
        )
        .await;
    assert_eq!(st, 404, "{v}");

    // The pages.
    let (st, html) = page(&op, &format!("/continuity/plans/{id}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("A-5-f") && html.contains("別紙チェックリスト"),
        "{html}"
    );
    let (st, html) = page(&op, "/continuity?lang=en").await;
    assert_eq!(st, 200);
    assert!(html.contains("Continuity plans"), "{html}");
}

async fn a_received_provision_prompts_reassessment(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let (st, me) = op.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    let tohto = me["org"]["id"].as_str().expect("org").to_owned();

    // Before: nothing flagged.
    let before = register(&op).await;
    assert!(
        before["risks"]
            .as_array()
            .expect("r")
            .iter()
            .all(|r| r["reassess"].is_null()),
        "{before}"
    );

    // NISC sends 東都電力 directly a provision naming the VPN product of one of its assets.
    let (st, d) = nisc
        .post(
            "/api/v1/provisions",
            json!({
                "urgent": true, "direct_recipients": [tohto],
                "form": {
                    "importance": "alert", "tlp": "AMBER", "has_attachments": false,
                    "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
                    "summary": "ＳｅｃｕｒｅＧａｔｅ ＶＰＮ の脆弱性を悪用する攻撃が確認された。",
                    "targets": "リモートアクセス装置", "countermeasures": "修正版を適用すること。",
                    "contact": { "person": "提供 花子" }
                }
            }),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");

    // The risk touching the VPN asset is flagged, linked to the provision; the others are not.
    let after = register(&op).await;
    let flagged: Vec<&Value> = after["risks"]
        .as_array()
        .expect("r")
        .iter()
        .filter(|r| !r["reassess"].is_null())
        .collect();
    assert_eq!(flagged.len(), 1, "{after}");
    assert_eq!(flagged[0]["reassess"]["provision"], id.as_str());
    assert_eq!(flagged[0]["reassess"]["provision_ident"], sent["ident"]);
    assert!(
        flagged[0]["title"].as_str().expect("t").contains("VPN"),
        "{after}"
    );
    let natural: Vec<&Value> = after["risks"]
        .as_array()
        .expect("r")
        .iter()
        .filter(|r| r["categories"] == json!(["natural_disaster"]))
        .collect();
    assert!(
        natural.iter().all(|r| r["reassess"].is_null()),
        "not cyber: {after}"
    );

    // Only that organisation sees it; it clears the flag once reassessed, once.
    let other = register(&srv.login("op-power2").await).await;
    assert!(other["risks"].as_array().expect("r").is_empty(), "{other}");
    let rid = flagged[0]["id"].as_str().expect("id").to_owned();
    let (st, v) = op
        .post(&format!("/api/v1/risk/risks/{rid}/reassessed"), json!({}))
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = op
        .post(&format!("/api/v1/risk/risks/{rid}/reassessed"), json!({}))
        .await;
    assert_eq!(st, 409, "{v}");
    assert!(risk(&register(&op).await, &rid)["reassess"].is_null());
}

/// Posts a form of the pages with the session's CSRF token (following the redirect, as a
/// browser does); answers the final status and page.
async fn form(s: &Session, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    let res = s
        .client
        .post(format!("{}{path}", s.base))
        .form(&all)
        .send()
        .await
        .expect("form");
    let st = res.status().as_u16();
    (st, res.text().await.expect("html"))
}

fn id_of(list: &Value, key: &str, name: &str) -> String {
    list.as_array()
        .and_then(|l| l.iter().find(|x| x[key] == name))
        .and_then(|x| x["id"].as_str())
        .unwrap_or_else(|| panic!("{name} in {list}"))
        .to_owned()
}

/// Items 1 and 2 from the pages alone: scope, a risk identified then analysed, evaluated,
/// treated to done; a plan created and checked. Forms need the CSRF token; another operator
/// gets the 404 of a missing page for each of them.
async fn the_pages_do_it_all_with_forms(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;

    // Without the token nothing is stored.
    let res = op
        .client
        .post(format!("{}/risk/services", op.base))
        .form(&[("name", "偽のサービス")])
        .send()
        .await
        .expect("post");
    assert!(!res.status().is_success(), "{}", res.status());
    assert!(!register(&op).await["services"]
        .to_string()
        .contains("偽のサービス"));

    let (st, html) = form(
        &op,
        "/risk/services",
        &[("name", "ガス供給"), ("operations", "導管監視\n供給指令")],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("ガス供給") && html.contains("導管監視"),
        "{html}"
    );
    let svc = id_of(&register(&op).await["services"], "name", "ガス供給");
    let (st, html) = form(
        &op,
        "/risk/assets",
        &[
            ("name", "導管監視サーバ"),
            ("kind", "ics"),
            ("importance", "3"),
            ("products", "PipeWatch 5"),
            ("services", &svc),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    let asset = id_of(&register(&op).await["assets"], "name", "導管監視サーバ");

    // A bad risk: the page says which field, nothing stored.
    let (st, html) = form(
        &op,
        "/risk/risks",
        &[
            ("title", "種類なし"),
            ("method", "asset_based"),
            ("assets", &asset),
        ],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    assert!(
        html.contains("リスクの種類を1つ以上選んでください"),
        "{html}"
    );
    assert!(!register(&op).await["risks"]
        .to_string()
        .contains("種類なし"));

    // Identified first, analysed on its own page.
    let (st, _) = form(
        &op,
        "/risk/risks",
        &[
            ("title", "導管監視サーバの乗っ取り"),
            ("categories", "cyber"),
            ("method", "asset_based"),
            ("assets", &asset),
            ("services", &svc),
        ],
    )
    .await;
    assert_eq!(st, 200);
    let reg = register(&op).await;
    let r = id_of(&reg["risks"], "title", "導管監視サーバの乗っ取り");
    assert_eq!(risk(&reg, &r)["state"], "identified");
    let (st, html) = page(&op, &format!("/risk/risks/{r}")).await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("発生可能性が未評価") && html.contains("分析・評価を更新"),
        "{html}"
    );
    let analysed = [
        ("title", "導管監視サーバの乗っ取り"),
        ("categories", "cyber"),
        ("method", "asset_based"),
        ("assets", asset.as_str()),
        ("services", svc.as_str()),
        ("likelihood", "3"),
        ("vulnerability", "2"),
    ];
    let (st, html) = form(&op, &format!("/risk/risks/{r}"), &analysed).await;
    assert_eq!(st, 200, "{html}");
    // importance 3 × likelihood 3 × vulnerability 2 = 18 ≥ 12 (the template's threshold).
    assert!(html.contains("要対応"), "{html}");
    let reg = register(&op).await;
    assert_eq!(risk(&reg, &r)["level"], 18, "{reg}");
    assert_eq!(risk(&reg, &r)["state"], "to_treat");
    // The asset changed on its page: the level follows its importance (2 × 3 × 2 = 12 ≥ 12).
    let (st, html) = page(&op, &format!("/risk/entries/{asset}")).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("PipeWatch 5"), "{html}");
    let (st, html) = form(
        &op,
        &format!("/risk/entries/{asset}"),
        &[
            ("name", "導管監視サーバ"),
            ("kind", "ics"),
            ("importance", "9"),
            ("services", &svc),
        ],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    let (st, html) = form(
        &op,
        &format!("/risk/entries/{asset}"),
        &[
            ("name", "導管監視サーバ"),
            ("kind", "ics"),
            ("importance", "2"),
            ("products", "PipeWatch 5"),
            ("services", &svc),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert_eq!(risk(&register(&op).await, &r)["level"], 12);

    // Treated: a plan from the risk's page, started, done.
    let (st, html) = form(
        &op,
        "/risk/treatments",
        &[
            ("risk", &r),
            ("action", "監視サーバの分離"),
            ("due_on", "2031-01-31"),
            ("owner", "供給部"),
            ("back", &format!("/risk/risks/{r}")),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("監視サーバの分離") && html.contains("着手する"),
        "{html}"
    );
    let t = id_of(
        &register(&op).await["treatments"],
        "action",
        "監視サーバの分離",
    );
    assert_eq!(risk(&register(&op).await, &r)["state"], "treating");
    for to in ["in_progress", "done"] {
        let (st, html) = form(
            &op,
            &format!("/risk/treatments/{t}/status"),
            &[("status", to), ("back", &format!("/risk/risks/{r}"))],
        )
        .await;
        assert_eq!(st, 200, "{to}: {html}");
    }
    assert_eq!(risk(&register(&op).await, &r)["state"], "treated");
    let (st, html) = form(
        &op,
        &format!("/risk/treatments/{t}/status"),
        &[("status", "planned")],
    )
    .await;
    assert_eq!(st, 422, "{html}");

    // A continuity plan and its checklist.
    let (st, html) = form(
        &op,
        "/continuity/plans",
        &[
            ("kind", "cp"),
            ("title", "ガス供給 初動対応計画"),
            ("activation_criteria", "導管監視が停止したとき"),
            ("channels", "社内メール | 無線"),
            (
                "cutoff_points",
                "監視網の外部接続 | 供給部長 | 感染拡大のおそれ",
            ),
            ("review_on", "2031-04-01"),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("別紙チェックリスト") && html.contains("供給部長"),
        "{html}"
    );
    let (_, plans) = op.get("/api/v1/continuity/plans").await;
    let plan = id_of(&json!(items(&plans)), "title", "ガス供給 初動対応計画");
    let (st, html) = form(
        &op,
        &format!("/continuity/plans/{plan}/checklist"),
        &[
            ("result_A-1-a", "pass"),
            ("notes_A-1-a", "侵入シナリオあり"),
            ("result_A-3-b", "fail"),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    let (_, v) = op.get(&format!("/api/v1/continuity/plans/{plan}")).await;
    assert_eq!(
        v["summary"],
        json!({ "pass": 1, "fail": 1, "unchecked": 29 }),
        "{v}"
    );
    let (st, html) = form(
        &op,
        &format!("/continuity/plans/{plan}/status"),
        &[("status", "approved")],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert_eq!(
        op.get(&format!("/api/v1/continuity/plans/{plan}")).await.1["status"],
        "approved"
    );

    // Another operator: the owner reads each page; to the other it is a missing page, and
    // its forms change nothing.
    let other = srv.login("op-power2").await;
    for path in [
        format!("/risk/risks/{r}"),
        format!("/risk/entries/{asset}"),
        format!("/continuity/plans/{plan}"),
    ] {
        let (st, _) = page(&op, &path).await;
        assert_eq!(st, 200, "{path}");
        let (st, html) = page(&other, &path).await;
        assert_eq!(st, 404, "{path}");
        assert!(
            !html.contains("導管監視") && !html.contains("ガス供給"),
            "{html}"
        );
    }
    let (st, _) = form(&other, &format!("/risk/risks/{r}/delete"), &[]).await;
    assert_eq!(st, 404);
    assert_eq!(risk(&register(&op).await, &r)["state"], "treated");
    // The menu shows the entries to operators only.
    let (_, html) = page(&op, "/").await;
    assert!(html.contains("href=\"/risk\""), "{html}");
    let (_, html) = page(&srv.login("meti").await, "/").await;
    assert!(!html.contains("href=\"/risk\""), "{html}");

    // Removed from its page, with its plans.
    let (st, _) = form(&op, &format!("/risk/risks/{r}/delete"), &[]).await;
    assert_eq!(st, 200);
    let reg = register(&op).await;
    assert!(!reg.to_string().contains("監視サーバの分離"), "{reg}");
}

async fn notes_of(s: &Session, kind: &str) -> Vec<Value> {
    let (st, v) = s.get("/api/v1/notifications").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .into_iter()
        .filter(|n| n["kind"] == kind)
        .collect()
}

/// Treatment deadlines and plan review dates remind the organisation's people once, when near
/// and when past, however many nodes run the worker; nobody outside it is told.
async fn reminders_go_out_once_across_nodes(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    // The demo's treatment plan is due in 10 days (near); a plan's review date passed yesterday.
    let yesterday = (srv.app.today() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    created(
        &op,
        "/api/v1/continuity/plans",
        json!({ "kind": "recovery", "title": "復旧計画", "review_on": yesterday }),
    )
    .await;
    let (node_b, _, _guard) = srv.another_node_app(None).await;
    let run_both = || async {
        let (a, b) = tokio::join!(srv.app.send_risk_reminders(), node_b.send_risk_reminders());
        a.expect("node a") + b.expect("node b")
    };
    assert_eq!(
        run_both().await,
        2,
        "the treatment near, the review overdue"
    );
    assert_eq!(run_both().await, 0, "each reminds once");

    for login in ["op-power", "op-power-contractor"] {
        let s = srv.login(login).await;
        let risk_rows = notes_of(&s, "risk").await;
        assert_eq!(risk_rows.len(), 1, "{login}: {risk_rows:?}");
        assert!(
            risk_rows[0]["title"]
                .as_str()
                .is_some_and(|t| t.contains("リスク対応計画の期限が近づいています")),
            "{risk_rows:?}"
        );
        let plan_rows = notes_of(&s, "continuity").await;
        assert_eq!(plan_rows.len(), 1, "{login}: {plan_rows:?}");
        assert!(plan_rows[0]["title"].as_str().is_some_and(|t| t.contains("見直し予定日を過ぎています") && t.contains("復旧計画")), "{plan_rows:?}");
    }
    for login in ["op-power2", "meti", "nisc"] {
        let s = srv.login(login).await;
        assert!(
            notes_of(&s, "risk").await.is_empty() && notes_of(&s, "continuity").await.is_empty(),
            "{login}"
        );
    }
}
