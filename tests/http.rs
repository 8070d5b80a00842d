//! HTTP tests through the real router, each run on SQLite and on PostgreSQL.

use crate::common::{items, power_form, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    statutory_route_numbers_r1_and_follow_up_r1_2,
    ceptoar_route_anonymises_and_hides_the_operator,
    invalid_form_names_field_and_rule_and_stores_nothing,
    csrf_scopes_and_rate_limit,
    audit_records_restricted_reads_and_verifies,
    follow_up_before_numbering_is_numbered_on_receipt,
    audit_truncation_is_detected,
    org_admins_manage_their_own_people_only,
    provision_is_sanitised_consented_sent_relayed_and_acknowledged,
    nisc_shares_under_note_1_with_partners_only,
    live_inbox_hears_a_provision_sent_on_another_node,
    webhooks_are_signed_retried_and_dead_lettered,
    mail_follows_each_persons_preference,
);

/// The main journey: operator → ministry (completes, sends) → NISC numbers R1 → the operator
/// sees R1 → a follow-up becomes R1-2 — and people outside the TLP never see any of it.
async fn statutory_route_numbers_r1_and_follow_up_r1_2(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER+STRICT"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    assert!(
        filed["ident"].is_null(),
        "not numbered before NISC receives it"
    );

    // The ministry overseeing electric power receives it and forwards to NISC with its own TLP.
    let meti = srv.login("meti").await;
    let (_, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1, "{inbox}");
    let copy_id = rows[0]["summary"]["id"].as_str().expect("id").to_owned();
    let (st, copy) = meti.get(&format!("/api/v1/copies/{copy_id}")).await;
    assert_eq!(st, 200);
    let mut form = copy["form"].clone();
    form["importance"] = json!("alert");
    form["tlp"] = json!("AMBER");
    form["supplementary"] = json!("所管省庁にて確認済み。");
    // AMBER is looser than the operator's AMBER+STRICT: the operator consents first.
    let (st, asked) = meti
        .post(
            &format!("/api/v1/copies/{copy_id}/consents"),
            json!({ "tlp": "AMBER", "note": "委託先の分析担当にも共有するため" }),
        )
        .await;
    assert_eq!(st, 201, "{asked}");
    let (st, v) = op
        .post(
            &format!(
                "/api/v1/consents/{}/decision",
                asked["id"].as_str().expect("id")
            ),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{copy_id}/forward"),
            json!({ "form": form }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    assert_eq!(fwd["ident"], "R1");

    // NISC holds the ministry's copy, numbered R1, with the ministry as sender.
    let nisc = srv.login("nisc").await;
    let (_, inbox) = nisc.get("/api/v1/liaisons/inbox").await;
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1, "{inbox}");
    assert_eq!(rows[0]["summary"]["ident"], "R1");
    assert_eq!(rows[0]["summary"]["sender_org"], "meti");
    let (_, nisc_copy) = nisc
        .get(&format!(
            "/api/v1/copies/{}",
            rows[0]["summary"]["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(nisc_copy["form"]["importance"], "alert");
    assert_eq!(
        nisc_copy["form"]["ident_number"],
        Value::Null,
        "the ministry sent before numbering"
    );
    assert_eq!(nisc_copy["ident"], "R1");

    // The operator sees the number on its own copy.
    let (_, inbox) = op.get("/api/v1/liaisons/inbox").await;
    assert!(
        items(&inbox).iter().all(|r| r["summary"]["ident"] == "R1"),
        "{inbox}"
    );

    // Follow-up: report 2, quoted number, numbered R1-2 when NISC receives it.
    let mut f2 = power_form("AMBER+STRICT");
    f2["next_steps"] = json!("completed");
    let (st, filed2) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": f2, "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed2}");
    assert_eq!(filed2["report_no"], 2);
    let (_, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    let second = items(&inbox)
        .into_iter()
        .find(|r| r["summary"]["report_no"] == 2 && r["summary"]["addressee_org"] == "meti")
        .expect("report 2 at the ministry");
    let sid = second["summary"]["id"].as_str().expect("id").to_owned();
    let (_, c2) = meti.get(&format!("/api/v1/copies/{sid}")).await;
    assert_eq!(
        c2["form"]["ident_number"], "R1-2",
        "the follow-up quotes the chain number"
    );
    let (st, fwd2) = meti
        .post(
            &format!("/api/v1/copies/{sid}/forward"),
            json!({ "form": c2["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd2}");
    assert_eq!(fwd2["ident"], "R1-2");
    let (_, ch) = op.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(ch["number"], 1);
    assert_eq!(
        ch["status"], "closed",
        "⑧ 対応完了（続報なし） closes the chain"
    );

    // Outside the TLP: another sector's operator, the other power operator's NDA-less view of
    // AMBER+STRICT, a contractor under NDA for the AMBER+STRICT hop.
    let rail = srv.login("op-rail").await;
    let (_, s) = rail.get("/api/v1/liaisons").await;
    assert!(items(&s).is_empty(), "railway operator sees nothing: {s}");
    let (st, _) = rail.get(&format!("/api/v1/copies/{copy_id}")).await;
    assert_eq!(st, 404);
    let (st, _) = rail.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 404);
    let contractor = srv.login("op-power-contractor").await;
    let (st, _) = contractor.get(&format!("/api/v1/copies/{copy_id}")).await;
    assert_eq!(st, 404, "AMBER+STRICT excludes contractors");
    let (_, s) = contractor.get("/api/v1/liaisons").await;
    let tlps: Vec<_> = items(&s)
        .iter()
        .map(|r| r["summary"]["tlp"].clone())
        .collect();
    assert!(
        tlps.iter().all(|t| t == "AMBER"),
        "contractor sees only the AMBER hops: {tlps:?}"
    );
    assert!(!tlps.is_empty(), "…and does see the ministry's AMBER hop");
    let vendor = srv.login("vendor").await;
    let (_, s) = vendor.get("/api/v1/liaisons").await;
    assert!(items(&s).is_empty(), "a cyberspace business sees no AMBER");
    // The platform administrator reads nothing by virtue of the role.
    let admin = srv.login_admin().await;
    let (_, s) = admin.get("/api/v1/liaisons").await;
    assert!(items(&s).is_empty(), "{s}");
}

/// Non-statutory via the CEPTOAR: the secretariat previews and masks the operator, the
/// ministry receives only the anonymised hop and cannot reach the operator's own copy.
async fn ceptoar_route_anonymises_and_hides_the_operator(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, v) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "statutory": true, "via_ceptoar": true }),
        )
        .await;
    assert_eq!(
        st, 422,
        "statutory events may not take the anonymising route: {v}"
    );
    assert_eq!(v["errors"][0]["field"], "via_ceptoar");
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();

    let cep = srv.login("ceptoar-power").await;
    let (_, inbox) = cep.get("/api/v1/liaisons/inbox").await;
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1);
    let first = rows[0]["summary"]["id"].as_str().expect("id").to_owned();
    let (st, preview) = cep
        .get(&format!("/api/v1/copies/{first}/anonymise-preview"))
        .await;
    assert_eq!(st, 200, "{preview}");
    let masked = preview["form"].to_string();
    assert!(!masked.contains("東都電力"), "{masked}");
    assert!(!masked.contains("tohto-epco"), "{masked}");
    assert!(!masked.contains("op-power@demo"), "{masked}");
    assert!(!preview["maskings"].as_array().expect("list").is_empty());
    let (st, fwd) = cep
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": preview["form"], "anonymise": true }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");

    // The ministry sees the CEPTOAR's hop only, with no trace of the operator.
    let meti = srv.login("meti").await;
    let (_, ch) = meti.get(&format!("/api/v1/chains/{chain}")).await;
    let copies = ch["copies"].as_array().expect("copies");
    assert_eq!(copies.len(), 1, "{ch}");
    let (_, me) = cep.get("/api/v1/me").await;
    assert_eq!(
        copies[0]["record"]["sender_org"], me["org"]["id"],
        "sent by the CEPTOAR"
    );
    assert!(copies[0]["record"]["anonymised"].as_bool().unwrap_or(false));
    let text = ch.to_string();
    assert!(
        !text.contains("東都電力") && !text.contains("東都 花子"),
        "{text}"
    );
    let (st, _) = meti.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(
        st, 404,
        "the operator's own hop stays with the operator and its CEPTOAR"
    );
    // The other power operator (same sector, GREEN) also cannot reach the confined first hop.
    let other = srv.login("op-power2").await;
    let (st, _) = other.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 404);
}

async fn invalid_form_names_field_and_rule_and_stores_nothing(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let mut form = power_form("AMBER");
    form["summary"]["occurred_at"] = json!("2026-11-21T00:00:00Z"); // after 判明日時
    form["event"] = json!("EV-99");
    form["tlp"] = Value::Null;
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    assert_eq!(st, 422, "{v}");
    let errs: Vec<(String, String)> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["rule"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        errs.contains(&("summary.occurred_at".into(), "order".into())),
        "{errs:?}"
    );
    assert!(
        errs.contains(&("event".into(), "unknown_code".into())),
        "{errs:?}"
    );
    assert!(
        errs.contains(&("tlp".into(), "required".into())),
        "{errs:?}"
    );
    assert!(v["errors"][0]["message_ja"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let (_, inbox) = op.get("/api/v1/liaisons/inbox").await;
    assert!(items(&inbox).is_empty(), "nothing stored");
    // A sector not the operator's own is refused by name.
    let mut f = power_form("AMBER");
    f["sector"] = json!("railway");
    f["impact"] = json!({ "system_status": "partly_running" });
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": f })).await;
    assert_eq!(
        (st, v["errors"][0]["field"].clone()),
        (422, json!("sector"))
    );
    // Malformed JSON types are refused without a server error.
    let (st, v) = op
        .post("/api/v1/liaisons", json!({ "form": { "tlp": 5 } }))
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(
        v["errors"][0]["field"], "body",
        "problem+json, not plain text: {v}"
    );
    assert!(
        v["errors"][0]["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("form.tlp")),
        "names the path: {v}"
    );
}

async fn csrf_scopes_and_rate_limit(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    // A cookie-authenticated unsafe request without the CSRF header is refused.
    let res = op
        .client
        .post(format!("{}/api/v1/liaisons", srv.base))
        .json(&json!({ "form": power_form("AMBER") }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 403);
    // Tokens act within their scopes.
    let (st, t) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "reader", "scopes": ["read"] }),
        )
        .await;
    assert_eq!(st, 201, "{t}");
    let token = t["token"].as_str().expect("token").to_owned();
    let bare = reqwest::Client::new();
    let r = bare
        .get(format!("{}/api/v1/liaisons/inbox", srv.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let r = bare
        .post(format!("{}/api/v1/liaisons", srv.base))
        .bearer_auth(&token)
        .json(&json!({ "form": power_form("AMBER") }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403, "read scope cannot write");
    let (st, w) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "writer", "scopes": ["read", "write"] }),
        )
        .await;
    assert_eq!(st, 201);
    let writer = w["token"].as_str().expect("token").to_owned();
    let r = bare
        .post(format!("{}/api/v1/liaisons", srv.base))
        .bearer_auth(&writer)
        .json(&json!({ "form": power_form("AMBER") }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201, "write scope files");
    let id = w["record"]["id"].as_str().expect("id");
    let res = op
        .client
        .delete(format!("{}/api/v1/tokens/{id}", srv.base))
        .header("x-csrf-token", &op.csrf)
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 204);
    let r = bare
        .get(format!("{}/api/v1/liaisons/inbox", srv.base))
        .bearer_auth(&writer)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401, "revoked token");
    let r = bare
        .get(format!("{}/api/v1/me", srv.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401);
    // Login rate limit: five failures, then 429 even with the right password.
    for _ in 0..5 {
        let r = bare
            .post(format!("{}/api/v1/session", srv.base))
            .json(&json!({ "login": "op-rail", "password": "wrong-password" }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422);
    }
    let r = bare
        .post(format!("{}/api/v1/session", srv.base))
        .json(&json!({ "login": "op-rail", "password": crate::common::PASSWORD }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // Health and OpenAPI.
    let h: Value = bare
        .get(format!("{}/healthz", srv.base))
        .send()
        .await
        .expect("health")
        .json()
        .await
        .expect("json");
    assert_eq!(h["status"], "ok");
    let o: Value = bare
        .get(format!("{}/api/openapi.json", srv.base))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    assert!(o["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert!(o["paths"]["/api/v1/liaisons"]["post"].is_object());
}

async fn audit_records_restricted_reads_and_verifies(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201);
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (st, _) = meti.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200);
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=50").await;
    assert_eq!(st, 200);
    let actions: Vec<String> = items(&log)
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_owned())
        .collect();
    for a in ["copy.read", "liaison.file", "sign_in"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    assert!(items(&log)
        .iter()
        .any(|e| e["action"] == "copy.read" && e["target"] == json!(copy)));
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["ok"], true, "{v}");
    let (st, _) = meti.get("/api/v1/audit").await;
    assert_eq!(st, 403, "only platform administrators read the audit log");
    // Tampering with the stored log is detected.
    let n = v["entries"].as_u64().expect("entries");
    assert!(n > 10);
    assert_eq!(srv.app.verify_audit().await.expect("verify"), Ok(n));
    // Changing one stored entry behind the application's back is detected, and named.
    srv.raw_sql("UPDATE audit_log SET action = 'copy.read.hidden' WHERE seq = 5")
        .await;
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains('5')), "{v}");
}

async fn audit_truncation_is_detected(b: Backend) {
    let srv = TestServer::start(b).await;
    let before = srv
        .app
        .verify_audit()
        .await
        .expect("verify")
        .expect("sound log");
    srv.raw_sql(&format!("DELETE FROM audit_log WHERE seq = {before}"))
        .await;
    assert!(
        srv.app.verify_audit().await.expect("verify").is_err(),
        "a removed newest entry is found"
    );
}

/// A follow-up filed before NISC has numbered the chain carries no number yet; each report is
/// numbered when it reaches NISC (report 2 may even arrive first).
async fn follow_up_before_numbering_is_numbered_on_receipt(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let (st, f2) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": power_form("AMBER") }),
        )
        .await;
    assert_eq!(st, 201, "{f2}");
    assert_eq!(f2["report_no"], 2);
    let meti = srv.login("meti").await;
    // The inbox shows the case once: its newest copy (report 2), waiting to be forwarded, and
    // the copy waiting longest (report 1) as the one to forward.
    let (st, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    assert_eq!(st, 200, "{inbox}");
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1, "one row per case: {inbox}");
    assert_eq!(rows[0]["summary"]["report_no"], 2, "{inbox}");
    assert_eq!(rows[0]["to_forward"], true, "{inbox}");
    assert_eq!(rows[0]["statutory"], true, "{inbox}");
    let (st, case) = meti.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{case}");
    let by_no = |k: u64| {
        case["copies"]
            .as_array()
            .expect("copies")
            .iter()
            .find(|c| c["record"]["report_no"] == k && c["record"]["addressee_org"] == "meti")
            .expect("copy")["record"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    assert_eq!(rows[0]["pending_copy"], json!(by_no(1)), "{inbox}");
    // Report 2 reaches NISC first: the chain gets R1 and this report R1-2.
    let (_, c2) = meti.get(&format!("/api/v1/copies/{}", by_no(2))).await;
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{}/forward", by_no(2)),
            json!({ "form": c2["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    assert_eq!(fwd["ident"], "R1-2");
    let (_, c1) = meti.get(&format!("/api/v1/copies/{}", by_no(1))).await;
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{}/forward", by_no(1)),
            json!({ "form": c1["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    assert_eq!(fwd["ident"], "R1");
    // Both forwarded: nothing waits any more.
    let (st, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    assert_eq!(st, 200, "{inbox}");
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1, "{inbox}");
    assert_eq!(rows[0]["to_forward"], false, "{inbox}");
    assert!(rows[0]["pending_copy"].is_null(), "{inbox}");
}

/// Platform admins manage organisations; org admins manage their own organisation's people.
async fn org_admins_manage_their_own_people_only(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await; // org admin of 東都電力
    let (_, me) = op.get("/api/v1/me").await;
    let own = me["org"]["id"].as_str().expect("org").to_owned();
    let person = |login: &str| {
        json!({
            "login": login, "display_name": "新人 一郎", "password": "correct-horse-battery",
            "roles": ["reader"], "employment": "nda_contractor", "need_to_know": ["electric_power"]
        })
    };
    let (st, v) = op
        .post(&format!("/api/v1/orgs/{own}/people"), person("newcomer"))
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, _) = op
        .post("/api/v1/orgs/meti/people", person("intruder"))
        .await;
    assert_eq!(st, 403, "not another organisation's people");
    let (st, v) = op
        .post(
            &format!("/api/v1/orgs/{own}/people"),
            json!({
                "login": "boss", "display_name": "x", "password": "correct-horse-battery",
                "roles": ["platform_admin"], "employment": "staff"
            }),
        )
        .await;
    assert_eq!(st, 403, "no escalation to platform admin: {v}");
    let (st, v) = op.post(&format!("/api/v1/orgs/{own}/people"), json!({
        "login": "x", "display_name": "x", "password": "short", "roles": ["reader"], "employment": "staff"
    })).await;
    assert_eq!(st, 422, "{v}");
    let fields: Vec<_> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        vec![json!("login")],
        "the first bad field is named: {v}"
    );
    let meti = srv.login("meti").await; // no org-admin role
    let (st, _) = meti
        .post("/api/v1/orgs/meti/people", person("nobody"))
        .await;
    assert_eq!(st, 403);
    let (st, _) = op
        .post(
            "/api/v1/orgs",
            json!({ "kind": "operator", "name_ja": "新電力", "sectors": ["electric_power"] }),
        )
        .await;
    assert_eq!(st, 403, "only platform admins create organisations");
    let admin = srv.login_admin().await;
    let (st, v) = admin.post("/api/v1/orgs", json!({ "kind": "operator", "name_ja": "新電力株式会社", "sectors": ["electric_power"] })).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = admin
        .post(
            "/api/v1/orgs",
            json!({ "kind": "operator", "name_ja": "x", "sectors": ["atlantis"] }),
        )
        .await;
    assert_eq!(
        (st, v["errors"][0]["field"].clone()),
        (422, json!("sectors"))
    );
    // The new person signs in (the password an administrator chose must be changed first, but
    // they may see who they are); deactivating them ends their session.
    let (newcomer, must_change) = srv.sign_in("newcomer", "correct-horse-battery").await;
    assert!(
        must_change,
        "a password set by an administrator is one-time"
    );
    let (st, _) = newcomer.get("/api/v1/me").await;
    assert_eq!(st, 200);
    let (_, people) = op.get(&format!("/api/v1/orgs/{own}/people")).await;
    let id = items(&people)
        .into_iter()
        .find(|p| p["login"] == "newcomer")
        .expect("listed")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (st, _) = op
        .post(
            &format!("/api/v1/people/{id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = newcomer.get("/api/v1/me").await;
    assert_eq!(st, 401, "deactivated: session ended");
}

/// 情報提供: NISC drafts from a liaison chain; sending is blocked while identifying details of
/// the source remain and while a target sector lies outside the source's scope; the source's
/// sender consents; T1 goes to the ministries, is relayed to CEPTOARs and operators, read and
/// acknowledged — and an operator outside the scope never sees it.
async fn provision_is_sanitised_consented_sent_relayed_and_acknowledged(b: Backend) {
    let srv = TestServer::start(b).await;
    // The source: an AMBER liaison that reached NISC through METI, numbered R1.
    let op = srv.login("op-power").await;
    let (_, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let meti = srv.login("meti").await;
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let (_, c) = meti.get(&format!("/api/v1/copies/{copy}")).await;
    let (st, _) = meti
        .post(
            &format!("/api/v1/copies/{copy}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201);

    let nisc = srv.login("nisc").await;
    let form = |summary: &str| {
        json!({
            "importance": "alert", "tlp": "AMBER", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" }, { "ministry": "mlit", "sector": "railway" } ],
            "summary": summary,
            "targets": "制御系ネットワークに接続された給電指令システム",
            "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
            "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
        })
    };
    let leaky = "東都電力株式会社（R1）で大量アクセスが確認された。担当 東都 花子。";
    let (st, draft) = nisc
        .post(
            "/api/v1/provisions",
            json!({ "form": form(leaky), "sources": [ { "kind": "chain", "id": chain } ] }),
        )
        .await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().expect("id").to_owned();
    let (_, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    let matched: Vec<String> = check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["matched"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(matched.iter().any(|m| m.contains("東都電力")), "{check}");
    assert!(matched.iter().any(|m| m.contains("R1")), "{check}");
    assert!(
        matched
            .iter()
            .any(|m| m.contains("東都 花子") || m.contains("東都花子")),
        "{check}"
    );
    let blockers = check["blockers"].to_string();
    assert!(
        blockers.contains("railway"),
        "railway is outside the AMBER source's sector: {blockers}"
    );
    let (st, v) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 422, "blocked: {v}");
    // Nobody outside NISC can see a draft.
    let (st, _) = meti.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 404);

    // Consent to widen to railway, asked of the source's sender (METI).
    let (st, req) = nisc
        .post(
            &format!("/api/v1/provisions/{id}/consents"),
            json!({ "source": { "kind": "chain", "id": chain }, "sectors": ["railway"] }),
        )
        .await;
    assert_eq!(st, 201, "{req}");
    let (_, mine) = meti.get("/api/v1/consents").await;
    let cid = items(&mine)[0]["id"].as_str().expect("consent").to_owned();
    let (st, _) = meti
        .post(
            &format!("/api/v1/consents/{cid}/decision"),
            json!({ "approve": true, "note": "匿名化を条件に同意" }),
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = meti
        .post(
            &format!("/api/v1/consents/{cid}/decision"),
            json!({ "approve": false }),
        )
        .await;
    assert_eq!(st, 409, "decided once");

    // Sanitised text: nothing identifying remains; now it can go.
    let res = nisc
        .client
        .put(format!("{}/api/v1/provisions/{id}", srv.base))
        .header("x-csrf-token", &nisc.csrf)
        .json(&json!({ "form": form("電力分野の事業者において給電指令システムへの大量アクセスが確認された。"), "sources": [ { "kind": "chain", "id": chain } ] }))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let (_, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(check["blockers"], json!([]), "{check}");
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!((st, sent["ident"].clone()), (200, json!("T1")), "{sent}");

    // Relay: METI → 電力セプター; the CEPTOAR → its member operators; MLIT → 鉄道セプター.
    let (st, r) = meti
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");
    let cep = srv.login("ceptoar-power").await;
    let (st, _) = cep.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200);
    let (st, r) = cep
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        r["recipients"].as_array().map(|a| a.len()),
        Some(2),
        "both power operators: {r}"
    );
    let mlit = srv.login("mlit").await;
    let (st, _) = mlit
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200);
    let op2 = srv.login("op-power2").await;
    let (_, list) = op2.get("/api/v1/provisions").await;
    assert_eq!(items(&list).len(), 1);
    let (st, view) = op2.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200);
    assert!(
        view["receipt"]["read_at"].is_string(),
        "reading marks it read: {view}"
    );
    let (st, _) = op2
        .post(
            &format!("/api/v1/provisions/{id}/ack"),
            json!({ "note": "ブロック設定済み" }),
        )
        .await;
    assert_eq!(st, 204);

    // NISC's receipt table: every recipient's state; op-power has not read it yet.
    let (_, rec) = nisc.get(&format!("/api/v1/provisions/{id}/receipts")).await;
    let rows = items(&rec);
    assert!(
        rows.len() >= 6,
        "2 ministries, 2 CEPTOARs, 2 operators: {rec}"
    );
    let acked = rows
        .iter()
        .find(|r| r["org_name"] == "北浜電力株式会社")
        .expect("op-power2 row");
    assert_eq!(acked["delivery"]["ack_note"], "ブロック設定済み");
    let unread = rows
        .iter()
        .find(|r| r["org_name"] == "東都電力株式会社")
        .expect("op-power row");
    assert!(unread["delivery"]["read_at"].is_null());
    let (st, _) = meti.get(&format!("/api/v1/provisions/{id}/receipts")).await;
    assert_eq!(st, 403, "the receipt table is NISC's");

    // 問合せ: METI (in scope) asks NISC; NISC answers; a ministry outside the scope may not ask,
    // and other ministries do not see the thread.
    let (st, inq) = meti
        .post(
            &format!("/api/v1/provisions/{id}/inquiries"),
            json!({ "body": "対象システムの範囲を確認したい。" }),
        )
        .await;
    assert_eq!(st, 201, "{inq}");
    let iid = inq["id"].as_str().expect("inquiry").to_owned();
    let (st, _) = nisc
        .post(
            &format!("/api/v1/inquiries/{iid}/messages"),
            json!({ "body": "給電指令システムに限ります。" }),
        )
        .await;
    assert_eq!(st, 201);
    let (_, threads) = meti
        .get(&format!("/api/v1/provisions/{id}/inquiries"))
        .await;
    assert_eq!(
        items(&threads)[0]["messages"].as_array().map(|m| m.len()),
        Some(2)
    );
    let fsa = srv.login("fsa").await;
    let (st, _) = fsa
        .post(
            &format!("/api/v1/provisions/{id}/inquiries"),
            json!({ "body": "質問" }),
        )
        .await;
    assert_eq!(
        st, 404,
        "FSA is not among the 情報提供先 and cannot read it: the same answer as a missing id"
    );
    let (st, _) = fsa
        .post(
            &format!("/api/v1/inquiries/{iid}/messages"),
            json!({ "body": "割り込み" }),
        )
        .await;
    assert_eq!(st, 404);
    let (_, threads) = mlit
        .get(&format!("/api/v1/provisions/{id}/inquiries"))
        .await;
    assert!(
        items(&threads).is_empty(),
        "MLIT does not see METI's thread"
    );
    let (st, _) = cep
        .post(
            &format!("/api/v1/provisions/{id}/inquiries"),
            json!({ "body": "質問" }),
        )
        .await;
    assert_eq!(st, 403, "only ministries inquire");

    // Outside the scope: a bank and a vendor see nothing; a non-recipient cannot acknowledge.
    for login in ["op-bank", "vendor"] {
        let s = srv.login(login).await;
        let (_, list) = s.get("/api/v1/provisions").await;
        assert!(items(&list).is_empty(), "{login}: {list}");
        let (st, _) = s.get(&format!("/api/v1/provisions/{id}")).await;
        assert_eq!(st, 404, "{login}");
        let (st, _) = s
            .post(&format!("/api/v1/provisions/{id}/ack"), json!({}))
            .await;
        assert_eq!(st, 404, "{login}");
    }
}

/// ※１: NISC may share what it received with pre-arranged agencies; nobody else may, and
/// nobody else is a valid partner.
async fn nisc_shares_under_note_1_with_partners_only(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (_, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("RED"), "statutory": true }),
        )
        .await;
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
    let (_, orgs) = meti.get("/api/v1/orgs").await;
    let org_id = |kind: &str| {
        items(&orgs)
            .into_iter()
            .find(|o| o["kind"] == kind)
            .expect(kind)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (jpcert, vendor) = (
        org_id("cybersecurity_agency"),
        org_id("cyberspace_business"),
    );

    let analyst = srv.login("jpcert").await;
    let (st, _) = analyst.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "RED: not before NISC shares it");
    let (st, _) = meti
        .post(
            &format!("/api/v1/copies/{at_nisc}/share"),
            json!({ "org": jpcert }),
        )
        .await;
    assert_eq!(st, 403, "only NISC shares under ※1");
    let nisc = srv.login("nisc").await;
    let (st, v) = nisc
        .post(
            &format!("/api/v1/copies/{at_nisc}/share"),
            json!({ "org": vendor }),
        )
        .await;
    assert_eq!(
        (st, v["errors"][0]["field"].clone()),
        (422, json!("org")),
        "a vendor is no ※1 partner: {v}"
    );
    let (st, shared) = nisc
        .post(
            &format!("/api/v1/copies/{at_nisc}/share"),
            json!({ "org": jpcert }),
        )
        .await;
    assert_eq!(st, 201, "{shared}");
    let sid = shared["copies"][0].as_str().expect("copy").to_owned();
    let (st, v) = analyst.get(&format!("/api/v1/copies/{sid}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["record"]["tlp"], "RED",
        "the sender's TLP travels with it"
    );
    let (st, _) = analyst.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 404, "the operator's own hop stays out of reach");
    let (st, _) = srv
        .login("vendor")
        .await
        .get(&format!("/api/v1/copies/{sid}"))
        .await;
    assert_eq!(st, 404);
}

/// A 警報 provision sent on one node reaches a client connected to another node live (server-sent
/// events; PostgreSQL carries it between nodes, SQLite serves a single node), with a durable
/// inbox row — and nobody outside the recipients is told.
async fn live_inbox_hears_a_provision_sent_on_another_node(b: Backend) {
    let srv = TestServer::start(b).await;
    let (other, _stop) = match b {
        Backend::Postgres => srv.another_node().await,
        Backend::Sqlite => (srv.base.clone(), tokio::sync::oneshot::channel().0),
    };
    let mut meti = srv.login("meti").await;
    meti.base = other.clone();
    let mut sse = meti
        .client
        .get(format!("{other}/api/v1/events"))
        .send()
        .await
        .expect("events");
    assert_eq!(sse.status(), 200);
    let nisc = srv.login("nisc").await;
    let form = json!({
        "importance": "alert", "tlp": "GREEN", "has_attachments": false,
        "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
        "summary": "制御系機器の脆弱性を悪用した攻撃が観測されている。"
    });
    let (st, draft) = nisc
        .post("/api/v1/provisions", json!({ "form": form }))
        .await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().expect("id").to_owned();
    let sent_at = std::time::Instant::now();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !seen.contains("event: notification") {
        let chunk = tokio::time::timeout_at(deadline, sse.chunk())
            .await
            .expect("live event in time")
            .expect("stream");
        seen.push_str(&String::from_utf8_lossy(&chunk.expect("open stream")));
    }
    assert!(seen.contains(&id), "{seen}");
    eprintln!("live event after {:?}", sent_at.elapsed());
    let (_, inbox) = meti.get("/api/v1/notifications").await;
    let rows = items(&inbox);
    assert_eq!(rows.len(), 1, "{inbox}");
    assert_eq!(rows[0]["title"], "情報提供 T1");
    assert!(rows[0]["read_at"].is_null());
    let (st, _) = meti.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200);
    let (_, inbox) = meti.get("/api/v1/notifications").await;
    assert!(items(&inbox)[0]["read_at"].is_string(), "reading clears it");
    let rail = srv.login("op-rail").await;
    let (_, inbox) = rail.get("/api/v1/notifications").await;
    assert!(items(&inbox).is_empty(), "not a recipient: {inbox}");
}

/// Webhooks: signed with the secret shown once, retried with backoff until the receiver accepts,
/// and dead-lettered (visibly) when it never does. The payload carries no content.
async fn webhooks_are_signed_retried_and_dead_lettered(b: Backend) {
    use std::sync::{Arc, Mutex};
    // A receiver on loopback: /flaky fails twice then accepts; /down always fails.
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let (seen2, calls2) = (seen.clone(), calls.clone());
    let app = axum::Router::new()
        .route(
            "/flaky",
            axum::routing::post(move |h: axum::http::HeaderMap, body: String| {
                let (seen, calls) = (seen2.clone(), calls2.clone());
                async move {
                    let sig = h
                        .get("x-kakehashi-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let id = h
                        .get("x-kakehashi-delivery")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    seen.lock().expect("lock").push((sig, id, body));
                    if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::OK
                    }
                }
            }),
        )
        .route(
            "/down",
            axum::routing::post(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let recv = format!("http://{addr}");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .ok()
    });
    // The receiver is on loopback over http: the server's allow-list admits exactly it.
    let config = kakehashi_app::AppConfig {
        webhook_allow: kakehashi_app::egress::AllowList::parse(&[addr.to_string()])
            .expect("allow-list"),
        ..kakehashi_app::AppConfig::default()
    };
    let srv = TestServer::start_with(b, None, config).await;

    let meti = srv.login("meti").await; // no org-admin role
    let (st, _) = meti
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("{recv}/flaky") }),
        )
        .await;
    assert_eq!(st, 403, "org admins only");
    let op = srv.login("op-power").await; // org admin of 東都電力
    let (st, v) = op
        .post("/api/v1/webhooks", json!({ "url": "ftp://example.jp/x" }))
        .await;
    assert_eq!((st, v["errors"][0]["field"].clone()), (422, json!("url")));
    let (st, hook) = op
        .post(
            "/api/v1/webhooks",
            json!({ "url": format!("{recv}/flaky") }),
        )
        .await;
    assert_eq!(st, 201, "{hook}");
    let secret = hook["secret"]
        .as_str()
        .expect("secret shown once")
        .to_owned();
    let (_, list) = op.get("/api/v1/webhooks").await;
    assert!(!list.to_string().contains(&secret), "never listed again");
    let (st, _) = op
        .post("/api/v1/webhooks", json!({ "url": format!("{recv}/down") }))
        .await;
    assert_eq!(st, 201);

    // An AMBER 警報 reaching 東都電力 directly (urgent early warning, NISC names it).
    let (_, me) = op.get("/api/v1/me").await;
    let tohto = me["org"]["id"].as_str().expect("org id").to_owned();
    let nisc = srv.login("nisc").await;
    let summary = "東都系統の制御サーバに対する攻撃予告";
    let (_, draft) = nisc
        .post("/api/v1/provisions", json!({ "urgent": true, "direct_recipients": [tohto], "form": {
            "importance": "alert", "tlp": "AMBER", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ], "summary": summary } }))
        .await;
    let id = draft["id"].as_str().expect("id").to_owned();
    let (st, _) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200);

    let client = srv.app.webhook_client().expect("webhook client");
    for _ in 0..12 {
        srv.app
            .deliver_due_webhooks(&client, 1)
            .await
            .expect("deliver");
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    }
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen.len(),
        3,
        "two failures, then accepted, then no more: {seen:?}"
    );
    for (sig, _, body) in &seen {
        assert_eq!(
            sig,
            &kakehashi_app::webhooks::signature(&secret, body.as_bytes()),
            "signed with the secret"
        );
        assert!(!body.contains(summary), "no content in the payload: {body}");
        assert!(body.contains("T1") && body.contains(&id));
    }
    assert!(
        seen.iter().all(|(_, d, _)| d == &seen[0].1),
        "the same delivery retried"
    );
    let (_, dead) = op.get("/api/v1/webhooks/dead-letters").await;
    let dead = items(&dead);
    assert_eq!(dead.len(), 1, "the /down delivery is dead-lettered");
    assert_eq!(dead[0]["attempts"], 6);
    assert_eq!(dead[0]["last_error"], "HTTP 503");
}

/// Collects mail instead of sending it; the SMTP adapter itself is tested against a real SMTP
/// server in `mail.rs`.
#[derive(Default)]
struct Outbox(std::sync::Mutex<Vec<kakehashi_app::notify::OutgoingMail>>);

#[async_trait::async_trait]
impl kakehashi_app::notify::Mailer for Outbox {
    async fn send(&self, mail: kakehashi_app::notify::OutgoingMail) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push(mail);
        Ok(())
    }
}

/// 警報 go to everyone admitted at once; other levels at once only to those who chose it, to
/// the others in one digest; "none" gets no digest. Nobody outside the recipients gets mail.
async fn mail_follows_each_persons_preference(b: Backend) {
    let outbox = std::sync::Arc::new(Outbox::default());
    let srv = TestServer::start_with_mailer(b, Some(outbox.clone())).await;
    let meti = srv.login("meti").await;
    let (st, _) = meti
        .client
        .put(format!("{}/api/v1/me/mail-preference", srv.base))
        .header("x-csrf-token", &meti.csrf)
        .json(&json!({ "pref": "immediate" }))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .expect("put");
    assert_eq!(st, 204);
    let mlit = srv.login("mlit").await; // keeps the default: digest
    let fsa = srv.login("fsa").await;
    let res = fsa
        .client
        .put(format!("{}/api/v1/me/mail-preference", srv.base))
        .header("x-csrf-token", &fsa.csrf)
        .json(&json!({ "pref": "weekly" }))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 422);
    drop((mlit, fsa));
    let nisc = srv.login("nisc").await;
    let send = |importance: &str, summary: &str| {
        json!({ "form": { "importance": importance, "tlp": "GREEN", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" }, { "ministry": "mlit", "sector": "railway" } ],
            "summary": summary } })
    };
    let (_, d) = nisc
        .post("/api/v1/provisions", send("caution", "注意喚起の概要"))
        .await;
    let id = d["id"].as_str().expect("id").to_owned();
    let (st, _) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200);
    let wait = || async {
        for _ in 0..50 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    wait().await;
    let to = |o: &Outbox| {
        o.0.lock()
            .expect("lock")
            .iter()
            .map(|m| m.to.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        to(&outbox),
        vec!["meti@demo.example.jp".to_string()],
        "caution: only the 'immediate' person at once"
    );
    assert_eq!(
        srv.app.send_digests().await.expect("digest"),
        1,
        "one digest, for MLIT"
    );
    let all = outbox.0.lock().expect("lock").clone();
    assert_eq!(all[1].to, "mlit@demo.example.jp");
    assert!(
        all[1].body.contains(&id) && all[1].body.contains("T1"),
        "{}",
        all[1].body
    );
    assert_eq!(
        srv.app.send_digests().await.expect("digest"),
        0,
        "nothing twice"
    );
    // A 警報 goes to everyone admitted at once, whatever they chose.
    let (_, d) = nisc
        .post("/api/v1/provisions", send("alert", "警報の概要"))
        .await;
    let id2 = d["id"].as_str().expect("id").to_owned();
    nisc.post(&format!("/api/v1/provisions/{id2}/send"), json!({}))
        .await;
    wait().await;
    let mut after: Vec<String> = to(&outbox).into_iter().skip(2).collect();
    after.sort();
    assert_eq!(
        after,
        vec![
            "meti@demo.example.jp".to_string(),
            "mlit@demo.example.jp".to_string()
        ]
    );
    assert!(
        to(&outbox)
            .iter()
            .all(|t| !t.starts_with("op-") && !t.starts_with("fsa")),
        "only recipients"
    );
}
