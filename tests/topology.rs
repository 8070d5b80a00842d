//! The sideways and downward edges of 別紙４－１ (N4, N6, N23, N25) through the real router, on
//! both backends: who may share what with whom, who then reads the share at each TLP (allowed
//! and denied cases both asserted), that a refused share is a 404 or 422 naming the field and
//! rule and changes nothing, that recipients are told, that shares are audited; and the
//! reference page that draws the diagrams from the edge table.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(sideways_edges_share_within_the_policy,);

fn id(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("an id: {v}"))
        .to_owned()
}

fn refused(st: u16, v: &Value, field: &str, rule: &str) {
    assert_eq!(st, 422, "{field}/{rule}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
    assert_eq!(v["errors"][0]["rule"], rule, "{v}");
}

async fn reads(s: &Session, copy: &str) -> bool {
    let (st, v) = s.get(&format!("/api/v1/copies/{copy}")).await;
    assert!(st == 200 || st == 404, "{st} {v}");
    if st == 200 {
        assert_eq!(v["record"]["id"], copy, "a well-formed copy: {v}");
    }
    st == 200
}

async fn copies_of(s: &Session, chain: &str) -> usize {
    let (st, v) = s.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{v}");
    v["copies"].as_array().expect("copies").len()
}

async fn told(s: &Session, copy: &str) -> bool {
    let (st, v) = s.get("/api/v1/notifications").await;
    assert_eq!(st, 200, "{v}");
    items(&v).iter().any(|n| n["ref_id"] == copy)
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

/// A person the platform administrator adds, signed in after the first password change.
async fn person(
    srv: &TestServer,
    admin: &Session,
    org: &str,
    login: &str,
    employment: &str,
    ntk: Option<&[&str]>,
) -> Session {
    let (st, v) = admin
        .post(
            &format!("/api/v1/orgs/{org}/people"),
            json!({
                "login": login, "display_name": "共有 試験", "password": "one-time-password-1",
                "roles": ["reader", "approver"], "employment": employment, "need_to_know": ntk
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    srv.login_changing_password(login, "one-time-password-1", "their-own-password-22")
        .await
}

async fn sideways_edges_share_within_the_policy(b: Backend) {
    let srv = TestServer::start(b).await;
    let admin = srv.login_admin().await;
    let (st, orgs) = admin.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{orgs}");
    let org = |name_en: &str| {
        items(&orgs)
            .iter()
            .find(|o| o["name_en"] == name_en)
            .map(|o| id(&o["id"]))
            .unwrap_or_else(|| panic!("{name_en} in the demo world"))
    };
    let (power, power2, rail) = (
        org("Tohto Electric Power Co., Inc."),
        org("Kitahama Electric Co."),
        org("Tozai Passenger Railway Co."),
    );
    let (cep_power, cep_bank, jpcert) = (
        org("Electric Power CEPTOAR"),
        org("Banking CEPTOAR"),
        org("JPCERT/CC"),
    );
    let (st, council) = admin
        .post(
            "/api/v1/orgs",
            json!({ "kind": "ceptoar_council", "name_ja": "セプターカウンシル", "name_en": "CEPTOAR Council" }),
        )
        .await;
    assert_eq!(st, 201, "{council}");
    let council = id(&council["id"]);
    let council_p = person(&srv, &admin, &council, "council", "staff", None).await;
    let bank_p = person(
        &srv,
        &admin,
        &cep_bank,
        "cep-bank",
        "staff",
        Some(&["finance"][..]),
    )
    .await;
    let jp = person(&srv, &admin, &jpcert, "jp-approver", "staff", None).await;
    let nda = person(
        &srv,
        &admin,
        &power2,
        "power2-nda",
        "nda_contractor",
        Some(&["electric_power"][..]),
    )
    .await;
    let op = srv.login("op-power").await;
    let op2 = srv.login("op-power2").await;
    let op_rail = srv.login("op-rail").await;
    let cep = srv.login("ceptoar-power").await;
    let meti = srv.login("meti").await;
    let nisc = srv.login("nisc").await;

    // ── N4: the CEPTOAR spreads a report to its members, anonymised, inside the TLP ──
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = id(&filed["chain"]);
    let c0 = id(&filed["copies"][0]);
    let (st, targets) = cep.get(&format!("/api/v1/copies/{c0}/share-targets")).await;
    assert_eq!(st, 200, "{targets}");
    let offered: Vec<(String, String)> = items(&targets)
        .iter()
        .map(|t| (id(&t["org"]), id(&t["edge"])))
        .collect();
    assert!(offered.contains(&(power2.clone(), "ceptoar_to_members".into())));
    assert!(offered.contains(&(council.clone(), "ceptoar_to_council".into())));
    assert!(!offered.iter().any(|(o, _)| *o == rail || *o == "meti"));

    // Refusals: a 404 for a caller who cannot read the copy, a 403 for a reader who does not
    // hold it, 422s naming the field and rule; none of them stores anything.
    let before = copies_of(&cep, &chain).await;
    let share = |to: &str, tlp: &str| json!({ "to": [to], "tlp": tlp });
    let (st, v) = op_rail
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "AMBER"),
        )
        .await;
    assert_eq!(st, 404, "not readable: {v}");
    let (st, v) = op
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "AMBER"),
        )
        .await;
    assert_eq!(
        st, 403,
        "the reporter reads its hop but does not hold it: {v}"
    );
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&rail, "AMBER"),
        )
        .await;
    refused(st, &v, "to", "not_member");
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share("meti", "AMBER"),
        )
        .await;
    refused(st, &v, "to", "no_share_edge");
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "RED"),
        )
        .await;
    refused(st, &v, "tlp", "red_not_shared");
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "GREEN"),
        )
        .await;
    refused(st, &v, "tlp", "looser_than_source");
    let (st, v) = cep
        .post(&format!("/api/v1/copies/{c0}/shares"), json!({ "to": [] }))
        .await;
    refused(st, &v, "to", "required");
    assert_eq!(
        copies_of(&cep, &chain).await,
        before,
        "refusals store nothing"
    );

    // AMBER+STRICT: the member's staff read it, its NDA contractor and other sectors do not.
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "AMBER+STRICT"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let strict = id(&v["copies"][0]);
    assert_eq!(copies_of(&cep, &chain).await, before + 1);
    assert!(reads(&op2, &strict).await);
    assert!(!reads(&nda, &strict).await, "AMBER+STRICT: staff only");
    assert!(!reads(&op_rail, &strict).await, "another sector");
    assert!(!reads(&bank_p, &strict).await, "another sector's CEPTOAR");
    let (_, shown) = op2.get(&format!("/api/v1/copies/{strict}")).await;
    assert_eq!(shown["record"]["anonymised"], true, "{shown}");
    assert_eq!(shown["record"]["hop_kind"], "share_members");
    assert!(!shown["form"].to_string().contains("東都電力"), "{shown}");
    assert!(told(&op2, &strict).await, "the member is told");
    assert!(!told(&nda, &strict).await, "not told what it may not read");
    // AMBER (the copy's own level): the contractor under NDA reads it too.
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&power2, "AMBER"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let amber = id(&v["copies"][0]);
    assert!(reads(&nda, &amber).await, "AMBER admits NDA contractors");
    assert!(!reads(&op_rail, &amber).await);

    // ── N23: CEPTOAR → council (anonymised) → other CEPTOARs, inside the TLP ──
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{c0}/shares"),
            share(&council, "AMBER"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let at_council = id(&v["copies"][0]);
    assert!(reads(&council_p, &at_council).await);
    let (_, shown) = council_p.get(&format!("/api/v1/copies/{at_council}")).await;
    assert!(!shown["form"].to_string().contains("東都電力"), "{shown}");
    let (st, v) = council_p
        .post(
            &format!("/api/v1/copies/{at_council}/shares"),
            share(&rail, "AMBER"),
        )
        .await;
    refused(st, &v, "to", "no_share_edge");
    let (st, v) = council_p
        .post(
            &format!("/api/v1/copies/{at_council}/shares"),
            share(&cep_bank, "AMBER"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let bank_amber = id(&v["copies"][0]);
    assert!(
        !reads(&bank_p, &bank_amber).await,
        "named, but AMBER needs to know the sector"
    );
    // GREEN needs the consent of the copy's sender (the CEPTOAR); then every stakeholder reads.
    let (st, v) = council_p
        .post(
            &format!("/api/v1/copies/{at_council}/shares"),
            share(&cep_bank, "GREEN"),
        )
        .await;
    refused(st, &v, "tlp", "looser_than_source");
    let (st, asked) = council_p
        .post(
            &format!("/api/v1/copies/{at_council}/consents"),
            json!({ "tlp": "GREEN", "note": "他分野への注意喚起" }),
        )
        .await;
    assert_eq!(st, 201, "{asked}");
    let (st, v) = cep
        .post(
            &format!("/api/v1/consents/{}/decision", id(&asked["id"])),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = council_p
        .post(
            &format!("/api/v1/copies/{at_council}/shares"),
            share(&cep_bank, "GREEN"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let bank_green = id(&v["copies"][0]);
    assert!(reads(&bank_p, &bank_green).await);
    assert!(told(&bank_p, &bank_green).await);

    // ── N6: the ministry shares a report it received with the sector's CEPTOAR ──
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER+STRICT"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain1 = id(&filed["chain"]);
    let c1 = id(&filed["copies"][0]);
    let before = copies_of(&meti, &chain1).await;
    let (st, v) = meti
        .post(
            &format!("/api/v1/copies/{c1}/shares"),
            share(&cep_bank, "AMBER+STRICT"),
        )
        .await;
    refused(st, &v, "to", "not_relevant_ceptoar");
    let (st, v) = meti
        .post(
            &format!("/api/v1/copies/{c1}/shares"),
            share(&power2, "AMBER+STRICT"),
        )
        .await;
    refused(st, &v, "to", "no_share_edge");
    assert_eq!(copies_of(&meti, &chain1).await, before);
    let (st, v) = meti
        .post(
            &format!("/api/v1/copies/{c1}/shares"),
            share(&cep_power, "AMBER+STRICT"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let to_cep = id(&v["copies"][0]);
    assert!(reads(&cep, &to_cep).await);
    assert!(told(&cep, &to_cep).await);
    assert!(!reads(&bank_p, &to_cep).await);
    assert!(!reads(&nda, &to_cep).await);

    // ── N25: an agency shares onward, anonymised, only with the reporter's consent ──
    let (_, c) = meti.get(&format!("/api/v1/copies/{c1}")).await;
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{c1}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let at_nisc = id(&fwd["copies"][0]);
    let (st, v) = nisc
        .post(
            &format!("/api/v1/copies/{at_nisc}/share"),
            json!({ "org": jpcert }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let at_jp = id(&v["copies"][0]);
    let (st, v) = jp
        .post(
            &format!("/api/v1/copies/{at_jp}/shares"),
            share(&power2, "AMBER+STRICT"),
        )
        .await;
    refused(st, &v, "to", "reporter_consent_required");
    let (st, asked) = jp
        .post(
            &format!("/api/v1/copies/{at_jp}/consents"),
            json!({ "tlp": "AMBER+STRICT", "note": "分析結果の共有" }),
        )
        .await;
    assert_eq!(st, 201, "{asked}");
    assert_eq!(
        asked["decider_org"],
        power.as_str(),
        "the reporter decides: {asked}"
    );
    let (st, mine) = op.get("/api/v1/consents").await;
    assert_eq!(st, 200);
    assert!(
        items(&mine).iter().any(|c| c["id"] == asked["id"]),
        "{mine}"
    );
    let (st, v) = op
        .post(
            &format!("/api/v1/consents/{}/decision", id(&asked["id"])),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = jp
        .post(
            &format!("/api/v1/copies/{at_jp}/shares"),
            share(&power2, "AMBER+STRICT"),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let onward = id(&v["copies"][0]);
    assert!(reads(&op2, &onward).await);
    assert!(!reads(&nda, &onward).await);
    assert!(!reads(&op_rail, &onward).await);
    let (_, shown) = op2.get(&format!("/api/v1/copies/{onward}")).await;
    assert_eq!(shown["record"]["anonymised"], true);
    assert!(!shown["form"].to_string().contains("東都電力"), "{shown}");
    // Consent covers the agreed level only.
    let (st, v) = jp
        .post(
            &format!("/api/v1/copies/{at_jp}/shares"),
            share(&power2, "GREEN"),
        )
        .await;
    assert_eq!(st, 422, "{v}");

    // Every share is in the audit chain with its edge.
    let (st, log) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{log}");
    let edges: Vec<String> = items(&log)
        .iter()
        .filter(|e| e["action"] == "liaison.share")
        .flat_map(|e| e["detail"]["edges"].as_array().cloned().unwrap_or_default())
        .map(|e| id(&e))
        .collect();
    for want in ["N4", "N23", "N6", "N25"] {
        assert!(edges.iter().any(|e| e == want), "{want} in {edges:?}");
    }

    // The web: the copy page offers the share to its holder, the share page the members.
    let (st, html) = page(&cep, &format!("/copies/{c0}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"share-link\""));
    let (_, html) = page(&op2, &format!("/copies/{strict}")).await;
    assert!(!html.contains("id=\"share-link\""), "not the holder's");
    let (st, html) = page(&cep, &format!("/copies/{c0}/share")).await;
    assert_eq!(st, 200);
    assert!(html.contains("data-edge=\"N4\"") && html.contains("北浜電力株式会社"));
    assert!(!html.contains("東西旅客鉄道株式会社"));

    // The reference page draws both diagrams from the table, with no script.
    let (st, html) = page(&op, "/reference/topology").await;
    assert_eq!(st, 200);
    for want in [
        "id=\"diagram-normal\"",
        "id=\"diagram-large\"",
        "id=\"edge-N4-normal\"",
        "id=\"edge-L1-large\"",
        "id=\"row-N25\"",
        "内閣官房（事態対処・危機管理担当）",
    ] {
        assert!(html.contains(want), "{want}");
    }
    let drawn = &html[html.find("<svg").expect("svg")..html.rfind("</svg>").expect("end")];
    assert!(
        !drawn.contains("<script") && !drawn.contains("javascript:"),
        "no script in the drawing"
    );
    // Inline SVG in an HTML page has no void elements: an unclosed <line> or <rect> swallows
    // the <text> after it, whose label then never shows.
    for el in ["line", "rect", "path", "text"] {
        let opened = drawn.matches(&format!("<{el} ")).count();
        assert!(opened > 0 || el == "path", "{el} drawn");
        assert_eq!(
            opened,
            drawn.matches(&format!("</{el}>")).count(),
            "every <{el}> is closed"
        );
    }
    let (_, html) = page(&op, "/reference").await;
    assert!(html.contains("href=\"/reference/topology\""));
}
