//! Points of contact (連絡先, the N13 hotline) and contact checks (連絡確認): editing by the
//! organisation's administrators, reads allowed and denied by the policy (and audited), the
//! oversight list of missing and stale contacts by name, and a check end to end — sent, told,
//! acknowledged by one, not by another, response time recorded, closed. Both backends.

use crate::common::{items, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(contacts_are_kept_read_and_checked,);

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
}

/// Organisation ids by Japanese name.
async fn org_id(s: &Session, name: &str) -> String {
    let (st, v) = s.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .into_iter()
        .find(|o| o["name_ja"] == name)
        .and_then(|o| o["id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

async fn contacts(s: &Session, org: &str) -> (u16, Value) {
    s.get(&format!("/api/v1/orgs/{org}/contacts")).await
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

fn gap_of<'a>(gaps: &'a [Value], name: &str) -> Option<&'a Value> {
    gaps.iter().find(|g| g["org_name_ja"] == name)
}

async fn contacts_are_kept_read_and_checked(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await; // the operator's own administrator
    let power = org_id(&op, "東都電力株式会社").await;
    let power2 = org_id(&op, "北浜電力株式会社").await;

    // --- editing: bad input names the field and stores nothing --------------------------
    let (st, before) = contacts(&op, &power).await;
    assert_eq!(st, 200, "{before}");
    let n = before["contacts"].as_array().expect("contacts").len();
    let path = format!("/api/v1/orgs/{power}/contacts");
    let good = json!({ "kind": "emergency", "name": "制御所 当直", "phone": "03-1111-2222", "hours": "24時間365日" });
    for (body, field) in [
        (
            json!({ "kind": "fax", "name": "x", "phone": "03-1111-2222" }),
            "kind",
        ),
        (
            json!({ "kind": "ceptoar", "name": "x", "phone": "03-1111-2222" }),
            "kind",
        ),
        (
            json!({ "kind": "emergency", "name": "  ", "phone": "03-1111-2222" }),
            "name",
        ),
        (json!({ "kind": "emergency", "name": "x" }), "phone"),
        (
            json!({ "kind": "emergency", "name": "x", "phone": "内線12" }),
            "phone",
        ),
        (
            json!({ "kind": "emergency", "name": "x", "email": "not-mail" }),
            "email",
        ),
        (
            json!({ "kind": "emergency", "name": "x", "phone": "03-1111-2222", "verified_on": "2026-13-01" }),
            "verified_on",
        ),
        (
            json!({ "kind": "emergency", "name": "x", "phone": "03-1111-2222", "verified_on": "2999-01-01" }),
            "verified_on",
        ),
    ] {
        let (st, v) = op.post(&path, body).await;
        refused(st, &v, field);
    }
    let (_, after) = contacts(&op, &power).await;
    assert_eq!(
        after["contacts"].as_array().expect("contacts").len(),
        n,
        "nothing stored"
    );

    let (st, added) = op.post(&path, good.clone()).await;
    assert_eq!(st, 201, "{added}");
    assert_eq!(added["kind"], "emergency");
    assert_eq!(added["stale"], false, "saved today: verified today");
    let added_id = added["id"].as_str().expect("id").to_owned();
    let (st, old) = op
        .post(&path, json!({ "kind": "provision", "name": "旧窓口", "email": "old@tohto-epco.example.jp", "verified_on": "2020-04-01" }))
        .await;
    assert_eq!(st, 201, "{old}");
    assert_eq!(old["stale"], true);
    let old_id = old["id"].as_str().expect("id").to_owned();

    // --- reads: allowed and denied, both asserted ---------------------------------------
    let nisc = srv.login("nisc").await;
    let meti = srv.login("meti").await;
    let cep = srv.login("ceptoar-power").await;
    let contractor = srv.login("op-power-contractor").await;
    let op2 = srv.login("op-power2").await;
    let mlit = srv.login("mlit").await;
    let bank = srv.login("op-bank").await;
    for (who, s) in [
        ("nisc", &nisc),
        ("meti", &meti),
        ("ceptoar-power", &cep),
        ("contractor", &contractor),
    ] {
        let (st, v) = contacts(s, &power).await;
        assert_eq!(st, 200, "{who}: {v}");
        assert!(
            v["contacts"]
                .as_array()
                .expect("contacts")
                .iter()
                .any(|c| c["id"] == added_id.as_str()),
            "{who} reads the new contact: {v}"
        );
        assert_eq!(v["org_name_ja"], "東都電力株式会社");
    }
    for (who, s) in [
        ("another operator of the sector", &op2),
        ("another ministry", &mlit),
        ("another sector's operator", &bank),
    ] {
        let (st, v) = contacts(s, &power).await;
        assert_eq!(st, 404, "{who}: {v}");
    }
    // A missing organisation answers the same.
    let (st, _) = contacts(&nisc, "no-such-org").await;
    assert_eq!(st, 404);
    // A member reads its CEPTOAR's point of contact; a non-member does not.
    let cep_id = org_id(&op, "電力セプター").await;
    let (st, v) = contacts(&op2, &cep_id).await;
    assert_eq!(st, 200, "{v}");
    assert!(v["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .any(|c| c["kind"] == "ceptoar"));
    let (st, _) = contacts(&bank, &cep_id).await;
    assert_eq!(st, 404);

    // Only the organisation's administrators edit: a reader gets 403, an outsider 404.
    let one = format!("{path}/{added_id}");
    let (st, v) = meti.put(&one, good.clone()).await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = op2.put(&one, good.clone()).await;
    assert_eq!(st, 404, "{v}");
    let (st, v) = op2.delete(&one).await;
    assert_eq!(st, 404, "{v}");

    // --- oversight: missing and stale, by name ------------------------------------------
    let (st, g) = nisc.get("/api/v1/contacts/gaps").await;
    assert_eq!(st, 200, "{g}");
    assert_eq!(g["stale_days"], 180);
    let gaps = items(&g);
    assert!(
        gap_of(&gaps, "東都電力株式会社").is_none(),
        "a fresh contact of each kind: {g}"
    );
    let kitahama = gap_of(&gaps, "北浜電力株式会社").unwrap_or_else(|| panic!("{g}"));
    let problems: Vec<(&str, &str)> = kitahama["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|x| {
            (
                x["problem"].as_str().unwrap_or(""),
                x["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![("stale", "emergency"), ("missing", "provision")]
    );
    assert!(
        gap_of(&gaps, "さくら中央銀行").is_some(),
        "NISC oversees every sector"
    );
    let (st, g) = meti.get("/api/v1/contacts/gaps").await;
    assert_eq!(st, 200, "{g}");
    let gaps = items(&g);
    assert!(
        gap_of(&gaps, "北浜電力株式会社").is_some(),
        "METI oversees electric power"
    );
    assert!(
        gap_of(&gaps, "さくら中央銀行").is_none(),
        "but not finance: {g}"
    );
    let (st, v) = op.get("/api/v1/contacts/gaps").await;
    assert_eq!(st, 403, "{v}");

    // Re-verifying and removing: the stale provision contact saved today, then removed.
    let (st, v) = op
        .put(&format!("{path}/{old_id}"), json!({ "kind": "provision", "name": "情報セキュリティ室", "email": "csirt@tohto-epco.example.jp" }))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["stale"], false);
    let (st, v) = op.delete(&format!("{path}/{old_id}")).await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = op.delete(&format!("{path}/{old_id}")).await;
    assert_eq!(st, 404, "{v}");

    // --- a contact check end to end -----------------------------------------------------
    let checks = "/api/v1/contact-checks";
    let (st, v) = op.post(checks, json!({ "targets": [power2] })).await;
    assert_eq!(st, 403, "operators send no checks: {v}");
    let (st, v) = nisc.post(checks, json!({ "targets": [] })).await;
    refused(st, &v, "targets");
    let (st, v) = nisc
        .post(checks, json!({ "targets": ["no-such-org"] }))
        .await;
    refused(st, &v, "targets");
    let bank_id = org_id(&op, "さくら中央銀行").await;
    let (st, v) = cep.post(checks, json!({ "targets": [bank_id] })).await;
    refused(st, &v, "targets"); // a CEPTOAR checks its own members only
    let (st, v) = nisc.get(checks).await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).is_empty(), "nothing stored: {v}");

    let (st, sent) = nisc
        .post(checks, json!({ "targets": [power, power2], "message": "定期の連絡確認です。受信したら応答してください。" }))
        .await;
    assert_eq!(st, 201, "{sent}");
    let check = sent["id"].as_str().expect("id").to_owned();
    assert_eq!(
        (sent["answered"].as_u64(), sent["pending"].as_u64()),
        (Some(0), Some(2))
    );

    // Each target's people are told; others are not.
    for (who, s, told) in [
        ("op-power", &op, true),
        ("op-power2", &op2, true),
        ("op-bank", &bank, false),
    ] {
        let (st, v) = s.get("/api/v1/notifications").await;
        assert_eq!(st, 200, "{v}");
        let has = items(&v)
            .iter()
            .any(|n| n["kind"] == "contact_check" && n["ref_id"] == check.as_str());
        assert_eq!(has, told, "{who}: {v}");
    }
    let one = format!("{checks}/{check}");
    let (st, _) = bank.get(&one).await;
    assert_eq!(st, 404, "neither sender nor target");
    let (st, v) = bank.post(&format!("{one}/ack"), json!({})).await;
    assert_eq!(st, 404, "{v}");

    // One organisation answers (once); the other does not.
    let (st, v) = op.post(&format!("{one}/ack"), json!({})).await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = op.post(&format!("{one}/ack"), json!({})).await;
    assert_eq!(st, 409, "{v}");
    let (st, mine) = op.get(&one).await;
    assert_eq!(st, 200, "{mine}");
    let rows = mine["targets"].as_array().expect("targets");
    assert_eq!(rows.len(), 1, "a target sees its own answer only: {mine}");
    assert_eq!(rows[0]["org"], power.as_str());
    let (st, v) = nisc.post(&format!("{one}/ack"), json!({})).await;
    assert_eq!(st, 403, "the sender is no target: {v}");

    let (st, seen) = nisc.get(&one).await;
    assert_eq!(st, 200, "{seen}");
    assert_eq!(
        (seen["answered"].as_u64(), seen["pending"].as_u64()),
        (Some(1), Some(1))
    );
    let rows = seen["targets"].as_array().expect("targets");
    let answered = rows
        .iter()
        .find(|t| t["org"] == power.as_str())
        .expect("power");
    assert!(answered["acknowledged_at"].is_string(), "{seen}");
    assert!(
        answered["response_secs"].is_u64(),
        "response time recorded: {seen}"
    );
    assert_eq!(answered["acknowledged_by_name"], "東都 花子");
    let silent = rows
        .iter()
        .find(|t| t["org"] == power2.as_str())
        .expect("power2");
    assert!(
        silent["acknowledged_at"].is_null() && silent["response_secs"].is_null(),
        "{seen}"
    );
    assert_eq!(silent["org_name_ja"], "北浜電力株式会社");

    // The sender's pages name organisations, never ids.
    let (st, html) = page(&nisc, &format!("/contact-checks/{check}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("北浜電力株式会社") && html.contains("未応答"),
        "{html}"
    );
    assert!(!html.contains(&power2), "no ids on screen");
    let (st, html) = page(&op2, "/contacts").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("checks-to-answer"),
        "the next action is on the overview"
    );
    let (st, html) = page(&nisc, "/contacts").await;
    assert_eq!(st, 200);
    assert!(html.contains("contact-gaps") && html.contains("北浜電力株式会社"));
    let (st, _) = page(&op2, &format!("/contacts/orgs/{power}")).await;
    assert_eq!(st, 404);

    // Closing: only the sender; afterwards nobody answers.
    let (st, v) = op2.post(&format!("{one}/close"), json!({})).await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = nisc.post(&format!("{one}/close"), json!({})).await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = nisc.post(&format!("{one}/close"), json!({})).await;
    assert_eq!(st, 409, "{v}");
    let (st, v) = op2.post(&format!("{one}/ack"), json!({})).await;
    assert_eq!(st, 409, "closed: {v}");
    let (_, seen) = nisc.get(&one).await;
    assert_eq!(seen["status"], "closed");

    // --- audited: the writes, the check, and every read by another organisation ----------
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{log}");
    let entries = items(&log);
    let count = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
    assert!(count("contact.create") >= 2);
    assert_eq!(count("contact.update"), 1);
    assert_eq!(count("contact.delete"), 1);
    assert_eq!(count("contact_check.send"), 1);
    assert_eq!(count("contact_check.ack"), 1);
    assert_eq!(count("contact_check.close"), 1);
    let reads: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "contacts.read" && e["target"] == power.as_str())
        .collect();
    assert_eq!(
        reads.len(),
        3,
        "NISC, METI and the CEPTOAR read; the own organisation is not audited"
    );
}
