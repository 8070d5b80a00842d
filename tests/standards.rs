//! 安全基準等 (the Guideline's catalogue, sectors' standards, self-assessments and the yearly
//! survey), both backends, through the real router: the catalogue is browsable and searchable
//! with its edition; a ministry registers its sector's standard and nobody else does; an
//! operator assesses yearly with history, gap analysis and plans; an assessment is read by the
//! operator's people with a role and, upward, only by those it was shared with — everyone else
//! gets the 404 of a missing id; the survey's results never single out an operator (a sector
//! below k is withheld) and export as CSV. The same journey runs through the pages' forms (with
//! their CSRF field): bad input answers 422 naming the field, nothing stored.

use crate::common::{items, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    catalogue_browse_and_search,
    standard_assessment_cycle_and_access,
    survey_aggregates_are_k_anonymous,
    web_forms_register_assess_share_and_survey
);

async fn read(s: &Session, id: &str) -> u16 {
    s.get(&format!("/api/v1/assessments/{id}")).await.0
}

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert!(
        v["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
        "{field}: {v}"
    );
}

async fn org_of(s: &Session) -> String {
    let (st, v) = s.get("/api/v1/me").await;
    assert_eq!(st, 200, "{v}");
    v["org"]["id"]
        .as_str()
        .or_else(|| v["org"].as_str())
        .expect("org id")
        .to_owned()
}

async fn catalogue_browse_and_search(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let op = srv.login("op-power").await;
    let (st, v) = op.get("/api/v1/standards/catalogue").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["edition"]["id"], "guideline-2023-07-04");
    assert_eq!(items(&v).len(), 256);
    assert_eq!(v["tiers"].as_array().map(Vec::len), Some(4));
    let (st, v) = op
        .get("/api/v1/standards/catalogue?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97&level=required")
        .await;
    assert_eq!(st, 200, "{v}");
    let hits = items(&v);
    assert!(!hits.is_empty(), "バックアップ finds required items");
    assert!(hits.iter().all(|i| i["level"] == "required"));
    assert!(hits.iter().all(|i| i["seed_lines"].is_string()));
    let (st, v) = op.get("/api/v1/standards/catalogue?function=DE").await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).iter().all(|i| i["functions"]
        .as_array()
        .is_some_and(|f| f.contains(&json!("DE")))));
    let (st, v) = op.get("/api/v1/standards/catalogue?level=mandatory").await;
    refused(st, &v, "level");
    let (st, v) = op.get("/api/v1/standards/catalogue/G-5.1.3.3-a").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["item"]["section_no"], "5.1.3.3");
    assert!(v["examples"]
        .as_array()
        .is_some_and(|e| e.iter().any(|x| x["id"]
            .as_str()
            .is_some_and(|i| i.starts_with("H-11.1.3.3")))));
    assert!(v["causes"]
        .as_array()
        .is_some_and(|c| c.contains(&json!("CA-A-06"))));
    let (st, _) = op.get("/api/v1/standards/catalogue/G-99-z").await;
    assert_eq!(st, 404);
    // Where incidents cluster: NISC and the ministries, k-anonymous counts; not operators.
    let nisc = srv.login("nisc").await;
    let (st, v) = nisc.get("/api/v1/standards/clusters").await;
    assert_eq!(st, 200, "{v}");
    assert!(v["clusters"].is_array() && v["k"] == 3, "{v}");
    let (st, _) = op.get("/api/v1/standards/clusters").await;
    assert_eq!(st, 403);
    let res = nisc
        .client
        .get(format!("{}/situation", nisc.base))
        .send()
        .await
        .expect("situation");
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("/standards/clusters"));
    let (st, v) = op.get("/api/v1/standards/causes").await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).iter().any(|i| i["cause"] == "CA-A-07"));
    // The pages, in both languages.
    for path in ["/standards", "/standards/catalogue/G-5.1.3.3-a"] {
        let res = op
            .client
            .get(format!("{}{path}", op.base))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let body = res.text().await.expect("body");
        assert!(body.contains("安全基準等"), "{path}");
    }
}

async fn register_power_standard(meti: &Session) -> String {
    let (st, v) = meti
        .post(
            "/api/v1/standards",
            json!({ "sector": "electric_power", "kind": "state_guideline",
                    "title": "電力制御システムセキュリティガイドライン",
                    "adopted": ["G-5.1.3.3-a", "G-4.7-a", "G-4.5-c", "G-5.1.3.6-a"],
                    "own_items": [{ "id": "S-1", "title": "制御系の遠隔保守", "text": "遠隔保守の経路を限定する。", "level": "required" }] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["edition"], "guideline-2023-07-04");
    v["id"].as_str().expect("id").to_owned()
}

async fn standard_assessment_cycle_and_access(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let meti = srv.login("meti").await;
    let mlit = srv.login("mlit").await;
    let op = srv.login("op-power").await;
    let contractor = srv.login("op-power-contractor").await;
    let op2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    let nisc = srv.login("nisc").await;
    let cep = srv.login("ceptoar-power").await;

    // Only the overseeing ministry's approver registers; bad input names the field.
    let body = json!({ "sector": "electric_power", "kind": "mandatory", "title": "x", "adopted": ["G-4.7-a"] });
    let (st, v) = mlit.post("/api/v1/standards", body.clone()).await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = op.post("/api/v1/standards", body).await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = meti
        .post(
            "/api/v1/standards",
            json!({ "sector": "electric_power", "kind": "mandatory", "title": "x", "adopted": ["G-0-x"] }),
        )
        .await;
    refused(st, &v, "adopted");
    let (st, v) = meti.get("/api/v1/standards").await;
    assert_eq!(st, 200);
    assert!(items(&v).is_empty(), "nothing stored: {v}");
    let std_id = register_power_standard(&meti).await;
    let (st, v) = rail.get("/api/v1/standards").await;
    assert_eq!(st, 200);
    assert_eq!(items(&v).len(), 1, "standards are not restricted");

    // The operator starts 2025, assesses, and 2026 carries it over; another sector cannot.
    let (st, v) = rail
        .post(
            "/api/v1/assessments",
            json!({ "standard": std_id, "year": 2025 }),
        )
        .await;
    refused(st, &v, "standard");
    let (st, v) = contractor
        .post(
            "/api/v1/assessments",
            json!({ "standard": std_id, "year": 2025 }),
        )
        .await;
    assert_eq!(st, 403, "a reporter-only contractor does not edit: {v}");
    let (st, v) = op
        .post(
            "/api/v1/assessments",
            json!({ "standard": std_id, "year": 2025 }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let a2025 = v["id"].as_str().expect("id").to_owned();
    let (st, v) = op
        .post(
            "/api/v1/assessments",
            json!({ "standard": std_id, "year": 2025 }),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    let path = format!("/api/v1/assessments/{a2025}/items");
    let (st, v) = op
        .put(&path, json!({ "item": "S-1", "status": "not_applicable" }))
        .await;
    refused(st, &v, "reason");
    let (st, v) = op
        .put(&path, json!({ "item": "G-5.1.3.3-a", "status": "partial", "current_tier": 3, "target_tier": 2 }))
        .await;
    refused(st, &v, "target_tier");
    let (st, v) = op
        .put(
            &path,
            json!({ "item": "G-5.1.3.3-a", "status": "partial", "current_tier": 2, "target_tier": 3, "risk": 3,
                    "evidence": [{ "url": "https://intra.example/backup-test-2025", "description": "復元テスト記録", "tlp": "AMBER" }],
                    "plan": { "target_state": "月次の復元テスト", "actions": "手順書を整備する", "resources": "運用課2名",
                              "owner": "運用課長", "deadline": "2026-03-31", "evaluation": "復元時間の計測" } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["open_plans"], 1);
    let gaps: Vec<&str> = v["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| g["item"].as_str().expect("item"))
        .collect();
    // Required before recommended, prevention first: backups (PR) lead, G-4.5-c (recommended) last.
    assert_eq!(gaps.first(), Some(&"G-5.1.3.3-a"), "{gaps:?}");
    assert_eq!(gaps.last(), Some(&"G-4.5-c"), "{gaps:?}");
    assert!(v["tasks"].as_array().is_some_and(|t| !t.is_empty()), "{v}");
    let (st, v) = op
        .post(
            "/api/v1/assessments",
            json!({ "standard": std_id, "year": 2026 }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let a2026 = v["id"].as_str().expect("id").to_owned();
    assert_eq!(v["items"][0]["item"], "G-5.1.3.3-a", "carried over: {v}");
    let (st, v) = op.get("/api/v1/assessments").await;
    assert_eq!(st, 200);
    assert_eq!(items(&v).len(), 2, "history kept: {v}");

    // Access: own people with a role read; other operators, ministries, NISC, the CEPTOAR do
    // not until shared — and then only those shared with.
    assert_eq!(read(&op, &a2026).await, 200);
    assert_eq!(read(&contractor, &a2026).await, 200, "reporter role reads");
    for other in [&op2, &rail, &meti, &mlit, &nisc, &cep] {
        assert_eq!(read(other, &a2026).await, 404);
    }
    let (st, v) = op
        .put(
            &format!("/api/v1/assessments/{a2026}/sharing"),
            json!({ "shared_with": [org_of(&rail).await] }),
        )
        .await;
    refused(st, &v, "shared_with");
    let meti_org = org_of(&meti).await;
    let (st, v) = op
        .put(
            &format!("/api/v1/assessments/{a2026}/sharing"),
            json!({ "shared_with": [meti_org] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(read(&meti, &a2026).await, 200, "shared upward");
    // Evidence under its TLP: a RED link stays with the operator, the rest goes with the share.
    let (st, v) = op
        .put(
            &format!("/api/v1/assessments/{a2026}/items"),
            json!({ "item": "G-5.1.3.3-a", "status": "partial", "current_tier": 2, "target_tier": 3,
                    "evidence": [{ "url": "https://intra.example/backup-test-2026", "description": "復元テスト記録", "tlp": "AMBER" },
                                 { "url": "https://intra.example/red-team", "description": "侵入試験報告", "tlp": "RED" }] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let evidence_of = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .and_then(|i| i.iter().find(|i| i["item"] == "G-5.1.3.3-a"))
            .and_then(|i| i["evidence"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|e| e["tlp"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let (st, v) = op.get(&format!("/api/v1/assessments/{a2026}")).await;
    assert_eq!(st, 200);
    assert_eq!(
        evidence_of(&v),
        ["AMBER", "RED"],
        "the operator sees both: {v}"
    );
    let (st, v) = meti.get(&format!("/api/v1/assessments/{a2026}")).await;
    assert_eq!(st, 200);
    assert_eq!(
        evidence_of(&v),
        ["AMBER"],
        "the ministry not the RED link: {v}"
    );
    let (st, v) = meti.get("/api/v1/assessments").await;
    assert_eq!(st, 200);
    assert_eq!(
        evidence_of(&v["shared"][0]),
        ["AMBER"],
        "nor in the list: {v}"
    );
    assert_eq!(read(&meti, &a2025).await, 404, "only what was shared");
    for other in [&op2, &rail, &mlit, &nisc, &cep] {
        assert_eq!(read(other, &a2026).await, 404);
    }
    let (st, v) = meti.get("/api/v1/assessments").await;
    assert_eq!(st, 200);
    assert_eq!(v["shared"].as_array().map(Vec::len), Some(1), "{v}");
    let (st, v) = meti
        .put(
            &format!("/api/v1/assessments/{a2026}/items"),
            json!({ "item": "S-1", "status": "implemented" }),
        )
        .await;
    assert_eq!(st, 403, "a reader who may not edit: {v}");
    let (st, _) = rail
        .put(
            &format!("/api/v1/assessments/{a2026}/items"),
            json!({ "item": "S-1", "status": "implemented" }),
        )
        .await;
    assert_eq!(st, 404, "a stranger gets the 404 of a missing id");
    // Recurring task reminders rest once done.
    let (st, v) = op
        .post(
            "/api/v1/assessments/tasks",
            json!({ "item": "G-5.1.3.3-a" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = op.get(&format!("/api/v1/assessments/{a2026}")).await;
    assert_eq!(st, 200);
    let backup = v["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["item"] == "G-5.1.3.3-a").cloned());
    if let Some(t) = backup {
        assert_eq!(t["due"], false, "{t}");
    }
    let (st, v) = op
        .post(
            "/api/v1/assessments/tasks",
            json!({ "item": "G-5.1.3.3-a", "done_on": "2999-01-01" }),
        )
        .await;
    refused(st, &v, "done_on");
    // Pages.
    for (s, path) in [
        (&op, "/standards/assessments".to_string()),
        (&op, format!("/standards/assessments/{a2026}")),
    ] {
        let res = s
            .client
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status().as_u16(), 200, "{path}");
    }
    let res = rail
        .client
        .get(format!("{}/standards/assessments/{a2026}", rail.base))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status().as_u16(), 404);
}

async fn survey_aggregates_are_k_anonymous(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let meti = srv.login("meti").await;
    let mlit = srv.login("mlit").await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let op2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    let std_id = register_power_standard(&meti).await;

    let (st, v) = meti
        .post(
            "/api/v1/surveys",
            json!({ "year": 2026, "sectors": ["electric_power"] }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = nisc
        .post(
            "/api/v1/surveys",
            json!({ "year": 2026, "sectors": ["nowhere"] }),
        )
        .await;
    refused(st, &v, "sectors");
    let (st, v) = nisc
        .post(
            "/api/v1/surveys",
            json!({ "year": 2026, "sectors": ["electric_power", "railway"] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let survey = v["id"].as_str().expect("id").to_owned();

    // Both power operators answer from their assessments.
    for (s, status, tier) in [(&op, "implemented", 3), (&op2, "partial", 2)] {
        let (st, v) = s
            .post(
                "/api/v1/assessments",
                json!({ "standard": std_id, "year": 2026 }),
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let id = v["id"].as_str().expect("id").to_owned();
        let (st, v) = s
            .put(
                &format!("/api/v1/assessments/{id}/items"),
                json!({ "item": "G-5.1.3.3-a", "status": status, "current_tier": tier, "target_tier": 4 }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s
            .post(
                &format!("/api/v1/surveys/{survey}/responses"),
                json!({ "assessment": id }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["answered"], true);
    }
    let (st, v) = rail.get("/api/v1/surveys").await;
    assert_eq!(st, 200);
    assert_eq!(items(&v).len(), 1, "railway is surveyed");
    let (st, _) = rail.get(&format!("/api/v1/surveys/{survey}/results")).await;
    assert_eq!(st, 403, "operators see no results");
    let (st, v) = mlit.get(&format!("/api/v1/surveys/{survey}/results")).await;
    assert_eq!(st, 200, "{v}");
    assert!(
        v["rates"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["sector"] == "railway")),
        "a ministry sees its sectors: {v}"
    );
    assert!(items(&v).is_empty(), "no power answers for MLIT: {v}");

    // k = 3 (default): two operators are fewer than k — the power sector is withheld.
    let (st, v) = nisc.get(&format!("/api/v1/surveys/{survey}/results")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["k"], 3);
    let power_rate = v["rates"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["sector"] == "electric_power").cloned())
        .expect("rate");
    assert_eq!(power_rate["responded"], 2);
    let text = v.to_string();
    assert!(
        !text.contains(&org_of(&op).await) && !text.contains(&org_of(&op2).await),
        "no operator named: {v}"
    );
    for item in items(&v) {
        let sectors = item["table"]["sectors"].as_array().expect("sectors");
        assert!(sectors.is_empty(), "below k withheld: {item}");
    }
    // k = 2: the sector reaches k; cells below k (one operator each) are merged, never shown.
    let admin = srv.login_admin().await;
    let (st, v) = admin
        .put("/api/v1/statistics/settings", json!({ "k": 2 }))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = nisc.get(&format!("/api/v1/surveys/{survey}/results")).await;
    assert_eq!(st, 200, "{v}");
    let item = items(&v)
        .into_iter()
        .find(|i| i["item"] == "G-5.1.3.3-a")
        .expect("backup item");
    let row = &item["table"]["sectors"][0];
    assert_eq!(row["sector"], "electric_power", "{item}");
    assert_eq!(row["total"], 2);
    for cell in row["events"]
        .as_array()
        .expect("events")
        .iter()
        .chain(row["causes"].as_array().expect("causes"))
    {
        assert!(
            cell["key"] == "other",
            "one operator's status or tier never shown alone: {cell}"
        );
    }
    // CSV, and the survey closes once.
    let res = nisc
        .client
        .get(format!("{}/api/v1/surveys/{survey}/results.csv", nisc.base))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    let csv = res.text().await.expect("csv body");
    assert!(csv.starts_with('\u{feff}') && csv.contains("電力"), "{csv}");
    let (st, _) = nisc
        .post(&format!("/api/v1/surveys/{survey}/close"), json!({}))
        .await;
    assert_eq!(st, 200);
    let (st, _) = nisc
        .post(&format!("/api/v1/surveys/{survey}/close"), json!({}))
        .await;
    assert_eq!(st, 409);
    let (st, v) = op.get("/api/v1/assessments").await;
    assert_eq!(st, 200);
    let mine = items(&v)[0]["id"].as_str().expect("id").to_owned();
    let (st, _) = op
        .post(
            &format!("/api/v1/surveys/{survey}/responses"),
            json!({ "assessment": mine }),
        )
        .await;
    assert_eq!(st, 409, "closed");
}

/// Posts a page's form (with the session's CSRF field unless `csrf` is false); follows the
/// redirect. Returns the final status, URL and body.
async fn form(
    s: &Session,
    path: &str,
    fields: &[(&str, &str)],
    csrf: bool,
) -> (u16, String, String) {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    if csrf {
        all.push(("csrf", s.csrf.as_str()));
    }
    let res = s
        .client
        .post(format!("{}{path}", s.base))
        .form(&all)
        .send()
        .await
        .expect("form post");
    let status = res.status().as_u16();
    let url = res.url().path().to_owned();
    (status, url, res.text().await.expect("body"))
}

async fn page_of(s: &Session, path: &str) -> (u16, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    (res.status().as_u16(), res.text().await.expect("body"))
}

fn names_field(st: u16, body: &str, field: &str) {
    assert_eq!(st, 422, "{field}: {body}");
    assert!(
        body.contains(&format!("data-field=\"{field}\"")),
        "{field}: {body}"
    );
}

async fn web_forms_register_assess_share_and_survey(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let meti = srv.login("meti").await;
    let op = srv.login("op-power").await;
    let op2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    let nisc = srv.login("nisc").await;

    // A ministry's approver registers the standard on the page; an operator has no such form.
    let (st, html) = page_of(&meti, "/standards/sectors").await;
    assert_eq!(st, 200);
    assert!(html.contains("standard-register"), "{html}");
    let (st, html) = page_of(&op, "/standards/sectors").await;
    assert_eq!(st, 200);
    assert!(!html.contains("standard-register"));
    let register = [
        ("sector", "electric_power"),
        ("kind", "state_guideline"),
        ("title", "電力制御システムセキュリティガイドライン"),
        ("adopted", "G-5.1.3.3-a G-4.7-a\nG-4.5-c"),
        (
            "own_items",
            "S-1 | 制御系の遠隔保守 | 遠隔保守の経路を限定する。 | required",
        ),
    ];
    let (st, _, _) = form(&meti, "/standards/sectors", &register, false).await;
    assert_eq!(st, 403, "no CSRF field, refused");
    let mut bad = register.to_vec();
    bad[3] = ("adopted", "G-0-x");
    let (st, _, body) = form(&meti, "/standards/sectors", &bad, true).await;
    names_field(st, &body, "adopted");
    let mut bad = register.to_vec();
    bad[4] = ("own_items", "S-1 only a title");
    let (st, _, body) = form(&meti, "/standards/sectors", &bad, true).await;
    names_field(st, &body, "own_items");
    let (st, v) = meti.get("/api/v1/standards").await;
    assert_eq!(st, 200);
    assert!(items(&v).is_empty(), "nothing stored: {v}");
    let (st, _, _) = form(&op, "/standards/sectors", &register, true).await;
    assert_eq!(st, 403, "an operator does not register");
    let (st, url, body) = form(&meti, "/standards/sectors", &register, true).await;
    assert_eq!((st, url.as_str()), (200, "/standards/sectors"), "{body}");
    let (st, v) = meti.get("/api/v1/standards").await;
    assert_eq!(st, 200);
    let standards = items(&v);
    assert_eq!(standards.len(), 1, "{v}");
    assert_eq!(standards[0]["own_items"][0]["id"], "S-1");
    let std_id = standards[0]["id"].as_str().expect("id").to_owned();
    // The ministry revises it on the page (same id); bad input names the field.
    let (st, html) = page_of(&meti, "/standards/sectors").await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("/standards/sectors/{std_id}")),
        "{html}"
    );
    let revise = format!("/standards/sectors/{std_id}");
    let mut revised = register.to_vec();
    revised[2] = ("title", "");
    let (st, _, body) = form(&meti, &revise, &revised, true).await;
    names_field(st, &body, "title");
    revised[2] = ("title", "電力制御システムセキュリティガイドライン（改定）");
    revised[3] = ("adopted", "G-5.1.3.3-a G-4.7-a G-4.5-c G-5.1.3.6-a");
    let (st, _, _) = form(&op, &revise, &revised, true).await;
    assert_eq!(st, 403, "an operator does not revise");
    let (st, url, body) = form(&meti, &revise, &revised, true).await;
    assert_eq!((st, url.as_str()), (200, "/standards/sectors"), "{body}");
    let (st, v) = meti.get(&format!("/api/v1/standards/{std_id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["title"], "電力制御システムセキュリティガイドライン（改定）",
        "{v}"
    );
    assert_eq!(v["adopted"].as_array().map(Vec::len), Some(4), "{v}");
    assert_eq!(v["own_items"][0]["id"], "S-1", "own items kept: {v}");

    // The operator starts the year's assessment from the page.
    let (st, html) = page_of(&op, "/standards/assessments").await;
    assert_eq!(st, 200);
    assert!(html.contains("assessment-start"), "{html}");
    let (st, _, body) = form(
        &op,
        "/standards/assessments",
        &[("standard", &std_id), ("year", "next")],
        true,
    )
    .await;
    names_field(st, &body, "year");
    let (st, url, body) = form(
        &op,
        "/standards/assessments",
        &[("standard", &std_id), ("year", "2026")],
        true,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let id = url.rsplit('/').next().expect("id").to_owned();
    assert!(
        url.starts_with("/standards/assessments/") && !id.is_empty(),
        "{url}"
    );
    assert!(body.contains("assess-item"), "the item forms: {body}");

    // Items: bad input names the field and stores nothing; then a full answer.
    let items_path = format!("/standards/assessments/{id}/items");
    let (st, _, body) = form(
        &op,
        &items_path,
        &[("item", "S-1"), ("status", "not_applicable")],
        true,
    )
    .await;
    names_field(st, &body, "reason");
    let (st, _, body) = form(
        &op,
        &items_path,
        &[
            ("item", "S-1"),
            ("status", "partial"),
            ("current_tier", "two"),
        ],
        true,
    )
    .await;
    names_field(st, &body, "current_tier");
    let (st, _, body) = form(
        &op,
        &items_path,
        &[
            ("item", "S-1"),
            ("status", "partial"),
            ("evidence", "https://intra.example/x | 記録 | PURPLE"),
        ],
        true,
    )
    .await;
    names_field(st, &body, "evidence");
    let (st, _, body) = form(
        &op,
        &items_path,
        &[
            ("item", "S-1"),
            ("status", "partial"),
            ("plan.owner", "運用課長"),
        ],
        true,
    )
    .await;
    names_field(st, &body, "plan.deadline");
    let (st, v) = op.get(&format!("/api/v1/assessments/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert!(
        v["items"].as_array().is_some_and(Vec::is_empty),
        "nothing stored: {v}"
    );
    let (st, url, body) = form(
        &op,
        &items_path,
        &[
            ("item", "G-5.1.3.3-a"),
            ("status", "partial"),
            ("current_tier", "2"),
            ("target_tier", "3"),
            ("risk", "3"),
            ("cost", "1"),
            (
                "evidence",
                "https://intra.example/backup-test | 復元テスト記録 | AMBER",
            ),
            ("plan.target_state", "月次の復元テスト"),
            ("plan.actions", "手順書を整備する"),
            ("plan.resources", "運用課2名"),
            ("plan.owner", "運用課長"),
            ("plan.deadline", "2027-03-31"),
            ("plan.evaluation", "復元時間の計測"),
        ],
        true,
    )
    .await;
    assert_eq!(
        (st, url.as_str()),
        (200, format!("/standards/assessments/{id}").as_str()),
        "{body}"
    );
    let (st, v) = op.get(&format!("/api/v1/assessments/{id}")).await;
    assert_eq!(st, 200, "{v}");
    let item = &v["items"][0];
    assert_eq!(item["item"], "G-5.1.3.3-a", "{v}");
    assert_eq!(item["risk"], 3);
    assert_eq!(item["evidence"][0]["tlp"], "AMBER", "{v}");
    assert_eq!(item["plan"]["deadline"], "2027-03-31", "{v}");
    assert_eq!(v["open_plans"], 1);

    // Recurring task reminders on the home page; done from the page (a future day names the
    // field), the reminder rests.
    let backup_due = r#"data-item="G-5.1.3.3-a""#;
    let (st, html) = page_of(&op, "/").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("tasks-due") && html.contains(backup_due),
        "{html}"
    );
    let (st, _, body) = form(
        &op,
        "/standards/tasks",
        &[
            ("item", "G-5.1.3.3-a"),
            ("back", &id),
            ("done_on", "2999-01-01"),
        ],
        true,
    )
    .await;
    names_field(st, &body, "done_on");
    let (st, url, _) = form(
        &op,
        "/standards/tasks",
        &[("item", "G-5.1.3.3-a"), ("back", &id)],
        true,
    )
    .await;
    assert_eq!(
        (st, url.as_str()),
        (200, format!("/standards/assessments/{id}").as_str())
    );
    let (st, html) = page_of(&op, "/").await;
    assert_eq!(st, 200);
    assert!(!html.contains(backup_due), "{html}");

    // Sharing upward from the page: the operator reads, the ministry not until shared; a
    // sideways share names the field.
    let (st, _) = page_of(&op, &format!("/standards/assessments/{id}")).await;
    assert_eq!(st, 200);
    let (st, _) = page_of(&meti, &format!("/standards/assessments/{id}")).await;
    assert_eq!(st, 404, "not shared yet");
    let share_path = format!("/standards/assessments/{id}/sharing");
    let rail_org = org_of(&rail).await;
    let (st, _, body) = form(&op, &share_path, &[("shared_with", &rail_org)], true).await;
    names_field(st, &body, "shared_with");
    let meti_org = org_of(&meti).await;
    let (st, _, body) = form(&op, &share_path, &[("shared_with", &meti_org)], true).await;
    assert_eq!(st, 200, "{body}");
    let (st, html) = page_of(&meti, &format!("/standards/assessments/{id}")).await;
    assert_eq!(st, 200, "shared upward");
    assert!(!html.contains("assess-item"), "a reader has no edit forms");
    assert!(
        html.contains("items-read") && html.contains("https://intra.example/backup-test"),
        "{html}"
    );
    for other in [&op2, &rail, &nisc] {
        assert_eq!(
            page_of(other, &format!("/standards/assessments/{id}"))
                .await
                .0,
            404
        );
    }
    let (st, _, _) = form(
        &meti,
        &items_path,
        &[("item", "S-1"), ("status", "implemented")],
        true,
    )
    .await;
    assert_eq!(st, 403, "a reader does not edit");
    let (st, _, _) = form(
        &rail,
        &items_path,
        &[("item", "S-1"), ("status", "implemented")],
        true,
    )
    .await;
    assert_eq!(st, 404, "a stranger gets the 404 of a missing id");

    // The survey: NISC opens it on the page, the operator answers from its assessment, NISC
    // sees the results page and closes it.
    let (st, html) = page_of(&nisc, "/standards/surveys").await;
    assert_eq!(st, 200);
    assert!(html.contains("survey-open"));
    let (st, _, body) = form(&nisc, "/standards/surveys", &[("year", "2026")], true).await;
    names_field(st, &body, "sectors");
    let (st, _, _) = form(
        &meti,
        "/standards/surveys",
        &[("year", "2026"), ("sectors", "electric_power")],
        true,
    )
    .await;
    assert_eq!(st, 403);
    let (st, _, body) = form(
        &nisc,
        "/standards/surveys",
        &[
            ("year", "2026"),
            ("sectors", "electric_power"),
            ("sectors", "railway"),
        ],
        true,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let (st, v) = nisc.get("/api/v1/surveys").await;
    assert_eq!(st, 200);
    let survey = items(&v)[0]["id"].as_str().expect("id").to_owned();
    let (st, html) = page_of(&op, "/standards/surveys").await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("/standards/surveys/{survey}/responses")),
        "{html}"
    );
    let (st, _, body) = form(
        &op,
        &format!("/standards/surveys/{survey}/responses"),
        &[("assessment", &id)],
        true,
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let (st, v) = op.get("/api/v1/surveys").await;
    assert_eq!(st, 200);
    assert_eq!(items(&v)[0]["answered"], true, "{v}");
    let (st, html) = page_of(&nisc, &format!("/standards/surveys/{survey}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("survey-rates") && html.contains("data-sector=\"electric_power\""),
        "{html}"
    );
    assert!(!html.contains(&org_of(&op).await), "no operator named");
    let (st, _) = page_of(&op, &format!("/standards/surveys/{survey}")).await;
    assert_eq!(st, 403, "operators see no results");
    let (st, _, _) = form(
        &nisc,
        &format!("/standards/surveys/{survey}/close"),
        &[],
        true,
    )
    .await;
    assert_eq!(st, 200);
    let (st, v) = nisc.get("/api/v1/surveys").await;
    assert_eq!(st, 200);
    assert_eq!(items(&v)[0]["open"], false, "{v}");
}
