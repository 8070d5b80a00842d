//! Every actor of the diagram takes part (別紙４－１ N15–N19, L1): the cybersecurity,
//! incident-response and disaster-management ministries, the agencies and the cyberspace
//! businesses send NISC what their role says; NISC and the sender read it, nobody else (the
//! crisis-management office reads damage of the declared sectors in a large-scale outage); NISC
//! records one as a source; NISC's requests for cooperation reach their addressees only, each
//! with its own reply thread and status. Both backends.

use crate::common::{items, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(every_actor_takes_part);

fn refused(st: u16, v: &Value, field: &str) {
    assert_eq!(st, 422, "{field}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
}

async fn org_of(s: &Session) -> String {
    let (st, me) = s.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    me["person"]["org"].as_str().expect("org").to_owned()
}

fn body(kind: &str, tlp: &str, sectors: &[&str]) -> Value {
    json!({ "kind": kind, "title": "件名", "body": "本文です", "tlp": tlp, "sectors": sectors })
}

async fn listed(s: &Session, path: &str) -> Vec<String> {
    let (st, v) = s.get(path).await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn every_actor_takes_part(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let crisis = srv.login("crisis").await;
    let npa = srv.login("npa").await;
    let bousai = srv.login("bousai").await;
    let defense = srv.login("mod").await;
    let jpcert = srv.login("jpcert").await;
    let vendor = srv.login("vendor").await;
    let meti = srv.login("meti").await;
    let op = srv.login("op-power").await;

    // --- who may send what (the role × kind rule, through the API) -----------------------
    let cases: [(&Session, &str, &str, bool); 12] = [
        (&npa, "npa", "damage", true),
        (&npa, "npa", "attack_technique", false),
        (&bousai, "bousai", "response_status", true),
        (&bousai, "bousai", "recovery_method", false),
        (&defense, "mod", "attack_technique", true),
        (&defense, "mod", "damage", false),
        (&jpcert, "jpcert", "recovery_method", true),
        (&jpcert, "jpcert", "supplementary", false),
        (&vendor, "vendor", "supplementary", true),
        (&vendor, "vendor", "terrorism", false),
        (&npa, "npa", "terrorism", true),
        (&defense, "mod", "related", true),
    ];
    let mut sent: Vec<(String, String)> = Vec::new();
    for (s, who, kind, ok) in cases {
        let (st, v) = s
            .post("/api/v1/submissions", body(kind, "AMBER", &[]))
            .await;
        if ok {
            assert_eq!(st, 201, "{who} {kind}: {v}");
            assert!(
                v["ident"].as_str().is_some_and(|i| i.starts_with('S')),
                "{v}"
            );
            sent.push((who.to_owned(), v["id"].as_str().expect("id").to_owned()));
        } else {
            refused(st, &v, "kind");
        }
    }
    // Kinds of organisation with no edge on this form are refused outright.
    for s in [&nisc, &meti, &op, &crisis] {
        let (st, v) = s
            .post("/api/v1/submissions", body("related", "GREEN", &[]))
            .await;
        assert_eq!(st, 403, "{v}");
    }
    // Bad input names the field and stores nothing.
    let before = listed(&nisc, "/api/v1/submissions").await;
    assert_eq!(before.len(), sent.len());
    for (input, field) in [
        (body("gossip", "AMBER", &[]), "kind"),
        (
            json!({ "kind": "damage", "title": "", "body": "x", "tlp": "AMBER" }),
            "title",
        ),
        (
            json!({ "kind": "damage", "title": "x", "body": " ", "tlp": "AMBER" }),
            "body",
        ),
        (body("damage", "PURPLE", &[]), "tlp"),
        (body("damage", "AMBER", &["atlantis"]), "sectors"),
        (
            json!({ "kind": "damage", "title": "x", "body": "x", "tlp": "AMBER", "importance": "urgent" }),
            "importance",
        ),
    ] {
        let (st, v) = npa.post("/api/v1/submissions", input).await;
        refused(st, &v, field);
    }
    assert_eq!(
        listed(&nisc, "/api/v1/submissions").await,
        before,
        "nothing stored"
    );

    // --- who reads -------------------------------------------------------------------------
    let npa_sub = sent[0].1.clone();
    let (st, v) = nisc.get(&format!("/api/v1/submissions/{npa_sub}")).await;
    assert_eq!(st, 200, "NISC reads: {v}");
    assert_eq!(v["sender_org_name_ja"], "警察庁", "{v}");
    let (st, _) = npa.get(&format!("/api/v1/submissions/{npa_sub}")).await;
    assert_eq!(st, 200, "the sender reads its own");
    for s in [&bousai, &jpcert, &vendor, &meti, &op, &crisis] {
        let (st, v) = s.get(&format!("/api/v1/submissions/{npa_sub}")).await;
        assert_eq!(st, 404, "nobody else: {v}");
    }
    let (st, _) = nisc.get("/api/v1/submissions/no-such-id").await;
    assert_eq!(st, 404, "the same answer as a missing id");
    let mine = listed(&npa, "/api/v1/submissions").await;
    assert!(
        !mine.is_empty()
            && mine
                .iter()
                .all(|id| sent.iter().any(|(w, s)| w == "npa" && s == id)),
        "{mine:?}"
    );
    assert!(listed(&op, "/api/v1/submissions").await.is_empty());
    assert!(
        listed(&crisis, "/api/v1/submissions").await.is_empty(),
        "normal times"
    );
    // NISC was told.
    let (_, n) = nisc.get("/api/v1/notifications").await;
    assert!(n.to_string().contains(&npa_sub), "{n}");

    // --- NISC records one as a source for a provision ------------------------------------
    let (st, v) = npa
        .post(&format!("/api/v1/submissions/{npa_sub}/source"), json!({}))
        .await;
    assert_eq!(st, 403, "the sender cannot: {v}");
    let (st, item) = nisc
        .post(&format!("/api/v1/submissions/{npa_sub}/source"), json!({}))
        .await;
    assert_eq!(st, 201, "{item}");
    assert_eq!(item["origin"], "警察庁");
    let (st, v) = nisc
        .post(&format!("/api/v1/submissions/{npa_sub}/source"), json!({}))
        .await;
    assert_eq!(st, 409, "once: {v}");
    let (_, items_now) = nisc.get("/api/v1/source-items").await;
    assert!(items(&items_now).iter().any(|i| i["id"] == item["id"]));

    // --- large-scale: the crisis office reads damage of the declared sectors (L1) ----------
    let (st, gas) = npa
        .post("/api/v1/submissions", body("damage", "AMBER", &["gas"]))
        .await;
    assert_eq!(st, 201, "{gas}");
    let (st, rail) = bousai
        .post("/api/v1/submissions", body("damage", "AMBER", &["railway"]))
        .await;
    assert_eq!(st, 201, "{rail}");
    let (st, terror) = npa
        .post("/api/v1/submissions", body("terrorism", "AMBER", &["gas"]))
        .await;
    assert_eq!(st, 201, "{terror}");
    let (st, v) = nisc
        .post(
            "/api/v1/large-scale",
            json!({ "sectors": ["gas"], "cause": "disaster", "reason": "広域地震" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let seen = listed(&crisis, "/api/v1/submissions").await;
    assert_eq!(
        seen,
        vec![gas["id"].as_str().expect("id").to_owned()],
        "damage of gas only"
    );
    // L10: the disaster-management ministry reads the incident-response ministry's damage of
    // the declared sector too, in its listing and by id; not terrorism, not another sector.
    let id = |v: &Value| v["id"].as_str().expect("id").to_owned();
    let structure = listed(&bousai, "/api/v1/submissions").await;
    assert!(structure.contains(&id(&gas)), "L10: {structure:?}");
    assert!(structure.contains(&id(&rail)), "its own: {structure:?}");
    assert!(!structure.contains(&id(&terror)), "{structure:?}");
    let (st, v) = bousai
        .get(&format!("/api/v1/submissions/{}", id(&gas)))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = npa.get(&format!("/api/v1/submissions/{}", id(&rail))).await;
    assert_eq!(st, 404, "another sector, even for the structure");
    let (st, _) = crisis
        .get(&format!(
            "/api/v1/submissions/{}",
            rail["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(st, 404, "another sector");
    let (st, _) = crisis
        .get(&format!(
            "/api/v1/submissions/{}",
            terror["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(st, 404, "not what the hub aggregates");
    let html = page(&crisis, "/submissions").await;
    assert!(
        html.contains("damage-by-sector") && html.contains("件名"),
        "the aggregate by sector"
    );
    let (st, _) = nisc
        .post("/api/v1/large-scale/end", json!({ "reason": "収束" }))
        .await;
    assert_eq!(st, 204);
    assert!(
        listed(&crisis, "/api/v1/submissions").await.is_empty(),
        "closed again"
    );
    let after = listed(&bousai, "/api/v1/submissions").await;
    assert!(
        after.contains(&id(&rail)) && !after.contains(&id(&gas)),
        "the structure closes with the mode: {after:?}"
    );

    // --- requests for cooperation ----------------------------------------------------------
    let jp = org_of(&jpcert).await;
    let md = org_of(&defense).await;
    let np = org_of(&npa).await;
    let req = json!({ "title": "攻撃手法の分析依頼", "body": "添付の検体について", "tlp": "AMBER", "addressees": [jp, md] });
    for s in [&jpcert, &meti, &crisis] {
        let (st, v) = s.post("/api/v1/cooperation-requests", req.clone()).await;
        assert_eq!(st, 403, "only NISC asks: {v}");
    }
    let (st, v) = nisc
        .post(
            "/api/v1/cooperation-requests",
            json!({ "title": "x", "body": "x", "tlp": "AMBER", "addressees": [np] }),
        )
        .await;
    refused(st, &v, "addressees");
    let (st, v) = nisc
        .post(
            "/api/v1/cooperation-requests",
            json!({ "title": "x", "body": "x", "tlp": "AMBER", "addressees": [] }),
        )
        .await;
    refused(st, &v, "addressees");
    let (st, v) = nisc
        .post(
            "/api/v1/cooperation-requests",
            json!({ "title": " ", "body": "x", "tlp": "AMBER", "addressees": [jp] }),
        )
        .await;
    refused(st, &v, "title");
    assert!(
        listed(&nisc, "/api/v1/cooperation-requests")
            .await
            .is_empty(),
        "nothing stored"
    );
    let (st, r) = nisc.post("/api/v1/cooperation-requests", req).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["ident"], "K1", "{r}");
    let rid = r["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/cooperation-requests/{rid}");
    // Addressees see it; anyone else gets the 404 of a missing id.
    let (st, v) = jpcert.get(&path).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["addressees"].as_array().map(Vec::len),
        Some(1),
        "its own answer only: {v}"
    );
    assert_eq!(
        listed(&jpcert, "/api/v1/cooperation-requests").await,
        vec![rid.clone()]
    );
    for s in [&vendor, &npa, &meti, &crisis, &op] {
        let (st, _) = s.get(&path).await;
        assert_eq!(st, 404);
        assert!(listed(s, "/api/v1/cooperation-requests").await.is_empty());
        let (st, _) = s
            .post(&format!("{path}/messages"), json!({ "message": "x" }))
            .await;
        assert_eq!(st, 404);
    }
    let (_, n) = jpcert.get("/api/v1/notifications").await;
    assert!(n.to_string().contains(&rid), "the addressee was told: {n}");

    // Statuses: the state machine, per addressee; NISC sees each.
    let (st, v) = jpcert
        .put(&format!("{path}/status"), json!({ "status": "answered" }))
        .await;
    refused(st, &v, "status");
    let (st, v) = jpcert
        .put(&format!("{path}/status"), json!({ "status": "accepted" }))
        .await;
    assert_eq!((st, &v["status"]), (200, &json!("accepted")), "{v}");
    let (st, v) = jpcert
        .put(&format!("{path}/status"), json!({ "status": "answered" }))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = jpcert
        .put(&format!("{path}/status"), json!({ "status": "declined" }))
        .await;
    refused(st, &v, "status");
    let (st, v) = defense
        .put(&format!("{path}/status"), json!({ "status": "declined" }))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = nisc
        .put(&format!("{path}/status"), json!({ "status": "accepted" }))
        .await;
    assert_eq!(st, 403, "NISC does not answer for them: {v}");
    let (_, v) = nisc.get(&path).await;
    let statuses: Vec<(String, String)> = v["addressees"]
        .as_array()
        .expect("addressees")
        .iter()
        .map(|a| {
            (
                a["org_name_ja"].as_str().unwrap_or("").to_owned(),
                a["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(
            "一般社団法人JPCERTコーディネーションセンター".into(),
            "answered".into()
        )),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("防衛省".into(), "declined".into())),
        "{statuses:?}"
    );

    // The reply thread: each addressee's own, NISC in each.
    let (st, v) = jpcert
        .post(
            &format!("{path}/messages"),
            json!({ "message": "分析結果を送ります" }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = jpcert
        .post(&format!("{path}/messages"), json!({ "message": "  " }))
        .await;
    refused(st, &v, "message");
    let (st, v) = nisc
        .post(
            &format!("{path}/messages"),
            json!({ "message": "ありがとうございます" }),
        )
        .await;
    refused(st, &v, "addressee");
    let (st, v) = nisc
        .post(
            &format!("{path}/messages"),
            json!({ "message": "ありがとうございます", "addressee": jp }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (_, v) = jpcert.get(&path).await;
    let thread = v["addressees"][0]["thread"]
        .as_array()
        .expect("thread")
        .clone();
    assert_eq!(thread.len(), 2, "{v}");
    assert_eq!(thread[1]["from_nisc"], true);
    let (_, v) = defense.get(&path).await;
    assert_eq!(v["addressees"].as_array().map(Vec::len), Some(1));
    assert!(
        v["addressees"][0]["thread"]
            .as_array()
            .expect("thread")
            .is_empty(),
        "not another's thread: {v}"
    );

    // Pages: names, not ids; menu entries for those who can use them.
    let html = page(&nisc, &format!("/cooperation/{rid}")).await;
    assert!(
        html.contains("防衛省") && html.contains("辞退"),
        "names on the page"
    );
    assert_eq!(
        html.matches(md.as_str()).count(),
        html.matches(&format!("value=\"{md}\"")).count(),
        "an id only in a form's hidden field, never on screen"
    );
    let html = page(&jpcert, "/inbox").await;
    assert!(html.contains("nav-cooperation") && html.contains("nav-submissions"));
    let html = page(&op, "/inbox").await;
    assert!(!html.contains("nav-cooperation") && !html.contains("nav-submissions"));
    let html = page(&npa, "/submissions?lang=en").await;
    assert!(
        html.contains("Send information to NISC") && html.contains("Disaster / damage information")
    );

    // The audit log holds every write.
    srv.app.flush_refusals().await.expect("flush");
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=200").await;
    assert_eq!(st, 200, "{log}");
    let text = log.to_string();
    for action in [
        "submission.create",
        "source_item.create",
        "coop_request.create",
        "coop_request.status",
        "coop_request.reply",
    ] {
        assert!(text.contains(action), "{action}");
    }
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
