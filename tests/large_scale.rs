//! The large-scale outage mode (別紙４－２): who declares and ends it, what it opens (the
//! crisis-management office reads what NISC holds, for the declared sectors only) and that
//! ending it closes that again; every page shows the banner while it lasts. Both backends.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    declaring_opens_the_hub_to_the_crisis_office_for_its_sectors_only,
    direct_reports_to_the_hub_and_the_record_of_the_episode,
);

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
}

async fn page(s: &Session, path: &str) -> (u16, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("get page");
    let st = res.status().as_u16();
    (st, res.text().await.expect("html"))
}

async fn declared(s: &Session) -> Value {
    let (st, v) = s.get("/api/v1/large-scale").await;
    assert_eq!(st, 200, "{v}");
    assert!(v.get("mode").is_some(), "{v}");
    v["mode"].clone()
}

async fn declaring_opens_the_hub_to_the_crisis_office_for_its_sectors_only(b: Backend) {
    let srv = TestServer::start(b).await;
    // An electric-power report NISC holds.
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER+STRICT"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let first = filed["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (_, c) = meti.get(&format!("/api/v1/copies/{first}")).await;
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let at_nisc = fwd["copies"][0].as_str().expect("copy").to_owned();

    let crisis = srv.login("crisis").await;
    let nisc = srv.login("nisc").await;
    assert!(declared(&crisis).await.is_null(), "normal times");
    let (st, _) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "normal times: only what NISC shares");
    let (_, html) = page(&crisis, "/inbox").await;
    assert!(!html.contains("large-scale-banner"));

    // Who may declare: NISC's and the office's approvers; nobody else.
    let body =
        json!({ "sectors": ["gas"], "cause": "cyber", "reason": "複数分野で同時に制御系の停止" });
    for who in [&op, &meti, &crisis] {
        let (st, v) = who.post("/api/v1/large-scale", body.clone()).await;
        assert_eq!(st, 403, "{v}");
    }
    // Bad declarations name the field and change nothing.
    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "cause": "flood", "reason": "x" }),
        )
        .await;
    refused(st, &v, "cause");
    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "cause": "cyber", "reason": "" }),
        )
        .await;
    refused(st, &v, "reason");
    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "sectors": ["atlantis"], "cause": "cyber", "reason": "x" }),
        )
        .await;
    refused(st, &v, "sectors");
    assert!(declared(&nisc).await.is_null(), "nothing stored");

    // Declared for gas: the electric-power report stays closed.
    let (st, v) = nisc.post("/api/v1/large-scale", body).await;
    assert_eq!(st, 201, "{v}");
    let (st, _) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "declared for another sector");
    let (_, html) = page(&crisis, "/inbox").await;
    assert!(
        html.contains("large-scale-banner"),
        "the banner on every page"
    );

    // Declared for electric power: the office reads what NISC holds, and lists it.
    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "sectors": ["electric_power"], "cause": "cyber", "reason": "電力の広域停止" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(declared(&op).await["sectors"], json!(["electric_power"]));
    let (st, v) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = crisis.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 404, "NISC never held the operator's own hop");
    let (st, list) = crisis.get("/api/v1/liaisons?limit=200").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(items(&list).len(), 1, "{list}");

    // Ending it closes it again at once; ending twice is a conflict.
    let (st, v) = crisis
        .post("/api/v1/large-scale/end", json!({ "reason": "復旧" }))
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = nisc
        .post("/api/v1/large-scale/end", json!({ "reason": "全面復旧" }))
        .await;
    assert_eq!(st, 204, "{v}");
    assert!(declared(&crisis).await.is_null());
    let (st, _) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "back to normal");
    let (st, v) = nisc
        .post("/api/v1/large-scale/end", json!({ "reason": "再度" }))
        .await;
    assert_eq!(st, 409, "{v}");

    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=500").await;
    assert_eq!(st, 200, "{log}");
    let actions: Vec<Value> = items(&log).iter().map(|e| e["action"].clone()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "large_scale.declare")
            .count(),
        2,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "large_scale.end").count(),
        1
    );
}

/// The filed copies of a report: `(addressee, hop kind)`, sorted.
async fn hops(s: &Session, filed: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for id in filed["copies"].as_array().expect("copies") {
        let (st, c) = s
            .get(&format!("/api/v1/copies/{}", id.as_str().expect("id")))
            .await;
        assert_eq!(st, 200, "{c}");
        out.push((
            c["record"]["addressee_org"]
                .as_str()
                .expect("to")
                .to_owned(),
            c["record"]["hop_kind"].as_str().expect("kind").to_owned(),
        ));
    }
    out.sort();
    out
}

fn kinds(record: &Value) -> Vec<String> {
    record["timeline"]
        .as_array()
        .unwrap_or_else(|| panic!("a timeline: {record}"))
        .iter()
        .map(|e| e["what"]["kind"].as_str().expect("kind").to_owned())
        .collect()
}

/// 別紙４－２ L7/L8: while the mode covers their sector, an operator or a CEPTOAR secretariat
/// may report directly to 内閣官房 (the joined hub numbers it; a statutory event still goes to
/// the ministry); outside it, or for another sector, the choice is refused naming the field and
/// nothing is stored. After the end, the episode's record lists what happened, per reader.
async fn direct_reports_to_the_hub_and_the_record_of_the_episode(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let nisc = srv.login("nisc").await;
    let crisis = srv.login("crisis").await;
    let bank = srv.login("op-bank").await;
    let direct = |tlp: &str, statutory: bool| json!({ "form": power_form(tlp), "statutory": statutory, "to_cabinet_secretariat": true });
    let count = |s: &'static str| {
        let nisc = &nisc;
        async move {
            let (st, l) = nisc.get("/api/v1/liaisons?limit=500").await;
            assert_eq!(st, 200, "{s}: {l}");
            items(&l).len()
        }
    };

    // Normal times: refused, naming the field; nothing stored.
    let before = count("before").await;
    let (st, v) = op.post("/api/v1/liaisons", direct("AMBER", false)).await;
    refused(st, &v, "to_cabinet_secretariat");
    assert_eq!(count("normal").await, before, "nothing stored");
    let (_, html) = page(&op, "/liaison/new").await;
    assert!(
        !html.contains("name=\"to_cabinet_secretariat\""),
        "not offered in normal times"
    );

    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "sectors": ["electric_power"], "cause": "disaster", "reason": "広域停電" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (_, html) = page(&op, "/liaison/new").await;
    assert!(
        html.contains("name=\"to_cabinet_secretariat\""),
        "offered now"
    );

    // Non-statutory: one copy, to the hub, numbered on receipt; the office reads it.
    let (st, filed) = op.post("/api/v1/liaisons", direct("AMBER", false)).await;
    assert_eq!(st, 201, "{filed}");
    assert_eq!(
        hops(&op, &filed).await,
        vec![("nisc".to_owned(), "direct_to_hub".to_owned())]
    );
    assert!(
        filed["ident"].as_str().is_some_and(|i| i.starts_with('R')),
        "{filed}"
    );
    let hub_copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let (st, v) = crisis.get(&format!("/api/v1/copies/{hub_copy}")).await;
    assert_eq!(st, 200, "the office reads it while the mode lasts: {v}");
    // Statutory: the ministry still gets its report.
    let (st, filed) = op.post("/api/v1/liaisons", direct("AMBER", true)).await;
    assert_eq!(st, 201, "{filed}");
    assert_eq!(
        hops(&op, &filed).await,
        vec![
            ("meti".to_owned(), "file".to_owned()),
            ("nisc".to_owned(), "direct_to_hub".to_owned())
        ]
    );
    // The CEPTOAR secretariat may report directly as well.
    let cep = srv.login("ceptoar-power").await;
    let (st, filed) = cep.post("/api/v1/liaisons", direct("AMBER", false)).await;
    assert_eq!(st, 201, "{filed}");
    assert_eq!(
        hops(&cep, &filed).await,
        vec![("nisc".to_owned(), "direct_to_hub".to_owned())]
    );
    // Not with the anonymising route, and not for a sector outside the declaration.
    let during = count("during").await;
    let (st, v) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "via_ceptoar": true, "to_cabinet_secretariat": true }),
        )
        .await;
    refused(st, &v, "via_ceptoar");
    let mut bank_form = power_form("AMBER");
    bank_form["sector"] = json!("finance");
    bank_form["impact"] = json!({ "system_status": "partly_running", "sml_deviation": false, "spread_to_others": false });
    let (st, v) = bank
        .post(
            "/api/v1/liaisons",
            json!({ "form": bank_form, "to_cabinet_secretariat": true }),
        )
        .await;
    refused(st, &v, "to_cabinet_secretariat");
    assert_eq!(count("refused").await, during, "nothing stored");

    let (st, v) = nisc
        .post("/api/v1/large-scale/end", json!({ "reason": "復旧完了" }))
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = op.post("/api/v1/liaisons", direct("AMBER", false)).await;
    refused(st, &v, "to_cabinet_secretariat");

    // The record: one episode, ended; NISC's record holds the three reports between the
    // declaration and the end; an operator of another sector sees the same episode without
    // them (the policy), and an unknown episode is not found.
    let (st, eps) = op.get("/api/v1/large-scale/episodes").await;
    assert_eq!(st, 200, "{eps}");
    let eps = items(&eps);
    assert_eq!(eps.len(), 1, "{eps:?}");
    assert_eq!(eps[0]["number"], 1);
    assert!(eps[0]["ended_at"].is_string(), "{eps:?}");
    let (st, rec) = nisc.get("/api/v1/large-scale/episodes/1").await;
    assert_eq!(st, 200, "{rec}");
    let k = kinds(&rec);
    assert_eq!(k.first().map(String::as_str), Some("declared"), "{k:?}");
    assert_eq!(k.last().map(String::as_str), Some("ended"), "{k:?}");
    assert_eq!(k.iter().filter(|x| *x == "report").count(), 3, "{k:?}");
    let (st, rec) = bank.get("/api/v1/large-scale/episodes/1").await;
    assert_eq!(st, 200, "{rec}");
    let k = kinds(&rec);
    assert_eq!(k, vec!["declared".to_owned(), "ended".to_owned()], "{rec}");
    for path in [
        "/api/v1/large-scale/episodes/2",
        "/api/v1/large-scale/episodes/x",
    ] {
        let (st, v) = nisc.get(path).await;
        assert_eq!(st, 404, "{path}: {v}");
    }
    let (st, html) = page(&nisc, "/large-scale/episodes/1").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("episode-timeline") && html.contains("広域停電"),
        "{html}"
    );
    let (_, html) = page(&nisc, "/large-scale").await;
    assert!(html.contains("/large-scale/episodes/1"), "listed");
}
