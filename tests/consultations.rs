//! 相談 (手引書 Ⅱ.2.1): an operator unsure whether a case applies consults its ministry, the
//! CEPTOAR it belongs to or NISC; the two organisations read and write the thread, nobody else
//! (NISC neither, unless consulted); the thread moves open → answered → closed; a first report
//! filed from it links and closes it, and naming another's is refused with nothing stored. Both
//! backends, through the real router.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(operators_consult_and_file, only_the_two_organisations_read);

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert!(
        v["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
        "{field}: {v}"
    );
}

/// The ids of the caller's consultation listing (which must answer 200 with `items`).
async fn listed(s: &Session) -> Vec<String> {
    let (st, v) = s.get("/api/v1/consultations").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn addressee_id(s: &Session, role: &str) -> String {
    let (st, v) = s.get("/api/v1/consultations/addressees").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .iter()
        .find(|a| a["role"] == role)
        .and_then(|a| a["org"].as_str())
        .unwrap_or_else(|| panic!("a {role} to consult: {v}"))
        .to_owned()
}

async fn open(s: &Session, addressee: &str, subject: &str) -> Value {
    let (st, v) = s
        .post(
            "/api/v1/consultations",
            json!({ "addressee": addressee, "subject": subject,
                    "body": "制御系サーバへの大量アクセスがありましたが、サービス影響は軽微です。情報連絡の対象か分かりません。",
                    "sector": "electric_power" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    v
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

async fn operators_consult_and_file(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let meti = srv.login("meti").await;
    let cep = srv.login("ceptoar-power").await;
    let rail = srv.login("op-rail").await;

    // The operator may consult its ministry, its CEPTOAR and NISC: by name.
    let (st, v) = op.get("/api/v1/consultations/addressees").await;
    assert_eq!(st, 200, "{v}");
    let roles: Vec<String> = items(&v)
        .iter()
        .map(|a| a["role"].as_str().expect("role").to_owned())
        .collect();
    assert_eq!(roles, ["ministry", "ceptoar", "cabinet_secretariat"], "{v}");
    assert!(items(&v)
        .iter()
        .all(|a| a["name_ja"].as_str().is_some_and(|n| !n.is_empty())));
    let ministry = addressee_id(&op, "ministry").await;
    let ceptoar = addressee_id(&op, "ceptoar").await;
    assert_eq!(ministry, "meti");

    // Bad input names the field; nothing is stored.
    assert!(listed(&op).await.is_empty());
    let rail_ceptoar = addressee_id(&rail, "ceptoar").await;
    for (input, field) in [
        (
            json!({ "addressee": rail_ceptoar, "subject": "件名", "body": "本文" }),
            "addressee",
        ),
        (
            json!({ "addressee": "mlit", "subject": "件名", "body": "本文" }),
            "addressee",
        ),
        (
            json!({ "addressee": "op-nowhere", "subject": "件名", "body": "本文" }),
            "addressee",
        ),
        (
            json!({ "addressee": ministry, "subject": " ", "body": "本文" }),
            "subject",
        ),
        (
            json!({ "addressee": ministry, "subject": "件名", "body": "" }),
            "body",
        ),
        (
            json!({ "addressee": ministry, "subject": "件名", "body": "本文", "sector": "railway" }),
            "sector",
        ),
        (
            json!({ "addressee": ministry, "subject": "件名", "body": "本文", "service": "no_such_service" }),
            "service",
        ),
    ] {
        let (st, v) = op.post("/api/v1/consultations", input).await;
        refused(st, &v, field);
    }
    // A non-member operator cannot consult the power CEPTOAR.
    let (st, v) = rail
        .post(
            "/api/v1/consultations",
            json!({ "addressee": ceptoar, "subject": "件名", "body": "本文" }),
        )
        .await;
    refused(st, &v, "addressee");
    assert_eq!(v["errors"][0]["rule"], "not_its_ceptoar", "{v}");
    // A ministry opens none.
    let (st, v) = meti
        .post(
            "/api/v1/consultations",
            json!({ "addressee": "nisc", "subject": "件名", "body": "本文" }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    assert!(listed(&op).await.is_empty(), "nothing stored");
    assert!(listed(&rail).await.is_empty(), "nothing stored");

    // The operator opens one with its ministry; the ministry is told, reads and answers.
    let c = open(&op, &ministry, "該当ケースの確認").await;
    let id = c["id"].as_str().expect("id").to_owned();
    assert_eq!(c["ident"], "C1", "{c}");
    assert_eq!(c["status"], "open");
    assert_eq!(c["addressee_role"], "ministry");
    let (_, n) = meti.get("/api/v1/notifications").await;
    assert!(n.to_string().contains(&id), "the ministry was told: {n}");
    assert_eq!(listed(&meti).await, vec![id.clone()]);
    let (st, v) = meti.get(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["operator_org_name_ja"], "東都電力株式会社", "{v}");
    // The home page lists it as waiting for the ministry's answer.
    let (st, home) = page(&meti, "/").await;
    assert_eq!(st, 200);
    assert!(
        home.contains("count-consultations") && home.contains(&id),
        "home"
    );
    let (st, v) = meti
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({ "message": "サービス影響が軽微でも、情報共有が適切と判断されれば③として連絡できます。" }),
        )
        .await;
    assert_eq!((st, &v["status"]), (200, &json!("answered")), "{v}");
    let (_, n) = op.get("/api/v1/notifications").await;
    assert!(n.to_string().contains(&id), "the operator was told: {n}");
    let (_, home) = page(&meti, "/").await;
    assert!(!home.contains(&id), "answered: no longer waiting");
    // The operator asks again (open), the ministry closes it; a closed thread takes nothing.
    let (st, v) = op
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({ "message": "承知しました。" }),
        )
        .await;
    assert_eq!((st, &v["status"]), (200, &json!("open")), "{v}");
    let (st, v) = op
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({ "message": "   " }),
        )
        .await;
    refused(st, &v, "message");
    let (st, _) = meti
        .post(&format!("/api/v1/consultations/{id}/close"), json!({}))
        .await;
    assert_eq!(st, 204);
    let (st, v) = op
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({ "message": "追記" }),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    let (st, _) = op
        .post(&format!("/api/v1/consultations/{id}/close"), json!({}))
        .await;
    assert_eq!(st, 409, "closed once");
    let (_, v) = op.get(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(v["status"], "closed");
    assert_eq!(v["thread"].as_array().map(Vec::len), Some(2), "{v}");

    // A second one with its CEPTOAR, then the liaison filed from it.
    let c2 = open(&op, &ceptoar, "セプターへの相談").await;
    let id2 = c2["id"].as_str().expect("id").to_owned();
    assert_eq!(c2["ident"], "C2");
    let (st, v) = cep.get(&format!("/api/v1/consultations/{id2}")).await;
    assert_eq!(st, 200, "the CEPTOAR consulted reads it: {v}");
    // The filing page carries it as a hidden field and says which consultation it follows.
    let (st, html) = page(&op, &format!("/liaison/new?consultation={id2}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("name=\"consultation\" value=\"{id2}\"")),
        "hidden field"
    );
    assert!(html.contains("from-consultation") && html.contains("consult-note"));
    let (st, html) = page(&op, &format!("/consultations/{id2}")).await;
    assert_eq!(st, 200);
    assert!(html.contains(&format!("/liaison/new?consultation={id2}")));

    // Another operator naming it is refused, and nothing is stored.
    let op2 = srv.login("op-power2").await;
    let (st, before) = op2.get("/api/v1/liaisons").await;
    assert_eq!(st, 200);
    let before = items(&before).len();
    for foreign in [id2.as_str(), "no-such-consultation"] {
        let (st, v) = op2
            .post(
                "/api/v1/liaisons",
                json!({ "form": power_form("AMBER"), "urgent": true, "consultation": foreign }),
            )
            .await;
        refused(st, &v, "consultation");
    }
    let (_, after) = op2.get("/api/v1/liaisons").await;
    assert_eq!(items(&after).len(), before, "nothing stored");
    let (_, v) = cep.get(&format!("/api/v1/consultations/{id2}")).await;
    assert_eq!(v["status"], "open", "untouched: {v}");

    // Filed from it: linked and closed; the operator sees the case it led to, numbered.
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "urgent": true, "consultation": id2 }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let (_, v) = op.get(&format!("/api/v1/consultations/{id2}")).await;
    assert_eq!(v["status"], "closed", "{v}");
    assert_eq!(v["filed"]["chain"], chain.as_str(), "{v}");
    assert_eq!(v["filed"]["ident"], filed["ident"], "{v}");
    assert!(
        v["filed"]["ident"]
            .as_str()
            .is_some_and(|i| i.starts_with('R')),
        "numbered by NISC's urgent copy: {v}"
    );
    // Once only.
    let (st, v) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "consultation": id2 }),
        )
        .await;
    refused(st, &v, "consultation");
    // A follow-up names none.
    let (st, v) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": power_form("AMBER"), "consultation": id }),
        )
        .await;
    refused(st, &v, "consultation");
}

async fn only_the_two_organisations_read(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let contractor = srv.login("op-power-contractor").await;
    let meti = srv.login("meti").await;
    let others = [
        ("op-power2", srv.login("op-power2").await),
        ("op-rail", srv.login("op-rail").await),
        ("mlit", srv.login("mlit").await),
        ("nisc", srv.login("nisc").await),
        ("ceptoar-power", srv.login("ceptoar-power").await),
        ("crisis", srv.login("crisis").await),
    ];
    // Each listing works before anything exists.
    for (who, s) in &others {
        assert!(listed(s).await.is_empty(), "{who}");
    }
    let c = open(&op, "meti", "該当ケースの確認").await;
    let id = c["id"].as_str().expect("id").to_owned();
    let to_nisc = open(&op, "nisc", "内閣官房への相談").await;
    let nisc_id = to_nisc["id"].as_str().expect("id").to_owned();

    // The two organisations read it (the operator's contractor too: its own question).
    for s in [&op, &contractor, &meti] {
        let (st, v) = s.get(&format!("/api/v1/consultations/{id}")).await;
        assert_eq!(st, 200, "{v}");
    }
    assert_eq!(listed(&op).await, vec![nisc_id.clone(), id.clone()]);
    assert_eq!(listed(&meti).await, vec![id.clone()]);
    // Nobody else: their listing works and does not hold it; by id, the same 404 as a
    // missing id.
    for (who, s) in &others {
        let seen = listed(s).await;
        assert!(!seen.contains(&id), "{who}: {seen:?}");
        let (st, v) = s.get(&format!("/api/v1/consultations/{id}")).await;
        assert_eq!(st, 404, "{who}: {v}");
        let (st, _) = s
            .post(
                &format!("/api/v1/consultations/{id}/messages"),
                json!({ "message": "横から" }),
            )
            .await;
        assert_eq!(st, 404, "{who} cannot write");
        let (st, _) = s
            .post(&format!("/api/v1/consultations/{id}/close"), json!({}))
            .await;
        assert_eq!(st, 404, "{who} cannot close");
    }
    let (st, missing) = meti.get("/api/v1/consultations/no-such-id").await;
    assert_eq!(st, 404, "{missing}");
    // NISC reads only what it is consulted on.
    let nisc = &others[3].1;
    assert_eq!(listed(nisc).await, vec![nisc_id.clone()]);
    let (st, _) = nisc.get(&format!("/api/v1/consultations/{nisc_id}")).await;
    assert_eq!(st, 200);
    let (st, _) = meti.get(&format!("/api/v1/consultations/{nisc_id}")).await;
    assert_eq!(st, 404, "the ministry does not read the one to NISC");

    // Paging: newest first, the cursor continues, bad values are refused.
    let (st, p1) = op.get("/api/v1/consultations?limit=1").await;
    assert_eq!(st, 200, "{p1}");
    assert_eq!(items(&p1).len(), 1);
    assert_eq!(items(&p1)[0]["id"], nisc_id.as_str());
    let next = p1["next"].as_str().expect("next").to_owned();
    let (_, p2) = op
        .get(&format!("/api/v1/consultations?limit=1&cursor={next}"))
        .await;
    assert_eq!(items(&p2)[0]["id"], id.as_str(), "{p2}");
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let (st, v) = op.get(&format!("/api/v1/consultations?{q}")).await;
        refused(st, &v, field);
    }

    // Reads are audited; refused ones noted.
    srv.app.flush_refusals().await.expect("flush");
    let admin = srv.login_admin().await;
    let (st, audit) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{audit}");
    let text = audit.to_string();
    assert!(text.contains("consultation.read"), "reads audited");
    assert!(
        text.contains(&format!("consultation:{id}")),
        "refusals noted"
    );

    // The pages: a ministry sees the list and the thread; the menu shows 相談.
    let (st, html) = page(&meti, "/consultations").await;
    assert_eq!(st, 200);
    assert!(html.contains("nav-consultations") && html.contains(&id));
    let (st, html) = page(&meti, &format!("/consultations/{id}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("consultation-reply") && !html.contains("file-from-consultation"));
    let (st, html) = page(&op, "/consultations/new").await;
    assert_eq!(st, 200);
    assert!(html.contains("電力セプター"), "names, never ids");
    let (st, _) = page(&others[0].1, &format!("/consultations/{id}")).await;
    assert_eq!(st, 404);
}
