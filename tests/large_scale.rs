//! The large-scale outage mode (別紙４－２): who declares and ends it, what it opens (the
//! crisis-management office reads what NISC holds, for the declared sectors only) and that
//! ending it closes that again; every page shows the banner while it lasts. Both backends.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(declaring_opens_the_hub_to_the_crisis_office_for_its_sectors_only,);

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
