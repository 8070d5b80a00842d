//! 情報提供 under the policy, through the real router on both storage backends: what a recipient
//! reads of a provision, what only NISC staff read (drafts, sanitisation findings, sources,
//! resolutions), and refusals that answer exactly like a missing id.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    recipients_read_the_sent_form_and_nisc_staff_the_hub_part,
    findings_and_drafts_are_for_nisc_staff_only,
    refusing_an_unreadable_provision_is_the_missing_id_404_on_every_route,
    a_corrupt_sanitisation_record_refuses_instead_of_passing,
    an_anonymised_source_does_not_name_its_reporter_to_nisc,
    urgent_provisions_go_to_the_organisations_nisc_names,
);

fn items(v: &Value) -> Vec<Value> {
    assert!(v["items"].is_array(), "a listing with items: {v}");
    v["items"].as_array().cloned().unwrap_or_default()
}

/// A page of the UI: status and HTML.
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

/// The source every test draws on: an electric-power operator's statutory report at `tlp`,
/// forwarded by METI to NISC. Returns the chain id.
async fn source_chain(srv: &TestServer, tlp: &str) -> String {
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form(tlp), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (st, c) = meti.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200, "{c}");
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{copy}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    chain
}

/// An AMBER provision to METI (electric power) drawing on `chain`.
fn draft(summary: &str, chain: &str, resolutions: Value) -> Value {
    json!({
        "form": {
            "importance": "caution", "tlp": "AMBER", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
            "summary": summary,
            "targets": "制御系ネットワークに接続された給電指令システム",
            "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
            "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
        },
        "sources": [ { "kind": "chain", "id": chain } ],
        "resolutions": resolutions
    })
}

const SANITISED: &str = "電力分野の事業者において給電指令システムへの大量アクセスが確認された。";
const LEAKY: &str = "東都電力株式会社（R1）で大量アクセスが確認された。担当 東都 花子。";

/// NISC saves a draft; returns its id.
async fn save_draft(nisc: &Session, body: Value) -> String {
    let (st, d) = nisc.post("/api/v1/provisions", body).await;
    assert_eq!(st, 201, "{d}");
    d["id"].as_str().expect("id").to_owned()
}

/// NISC sends a draft that has no blockers left.
async fn send(nisc: &Session, id: &str) -> String {
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(st, 200, "{check}");
    assert_eq!(check["blockers"], json!([]), "{check}");
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    sent["ident"].as_str().expect("ident").to_owned()
}

/// A person of NISC under NDA (コンサルタント・外部委託先), approver, need-to-know all sectors.
async fn nisc_contractor(srv: &TestServer) -> Session {
    let admin = srv.login_admin().await;
    let (st, v) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            json!({
                "login": "nisc-contractor", "display_name": "委託 分析", "password": "one-time-password-1",
                "roles": ["reader", "approver"], "employment": "nda_contractor"
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    srv.login_changing_password(
        "nisc-contractor",
        "one-time-password-1",
        "contractor-own-password",
    )
    .await
}

/// Issue 7 #2: a sent provision hands its recipients the sent form and their delivery state
/// only; the sources (chain id), the sanitisation decisions (the removed names) and who drafted
/// it are NISC staff's, as the optional `hub` part — on the API and on the web page.
async fn recipients_read_the_sent_form_and_nisc_staff_the_hub_part(b: Backend) {
    let srv = TestServer::start(b).await;
    let chain = source_chain(&srv, "AMBER").await;
    let nisc = srv.login("nisc").await;
    let removed = json!([{
        "key": { "source": 0, "field": "summary", "row": null, "kind": "organisation", "identifier": "東都電力株式会社" },
        "action": "removed"
    }]);
    let id = save_draft(&nisc, draft(SANITISED, &chain, removed)).await;
    assert_eq!(send(&nisc, &id).await, "T1");

    // NISC staff: the hub part names the source and the decisions.
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["hub"]["sources"],
        json!([{ "kind": "chain", "id": chain }])
    );
    assert!(v["hub"]["resolutions"]
        .to_string()
        .contains("東都電力株式会社"));

    // The recipients: METI, then the CEPTOAR it relays to.
    let meti = srv.login("meti").await;
    let (st, r) = meti
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");
    for login in ["meti", "ceptoar-power"] {
        let s = srv.login(login).await;
        let (st, v) = s.get(&format!("/api/v1/provisions/{id}")).await;
        assert_eq!(st, 200, "{login}: {v}");
        // Well-formed: the sent form and the receipt are there …
        assert_eq!(v["form"]["summary"], SANITISED, "{login}: {v}");
        assert_eq!(v["ident"], "T1", "{login}: {v}");
        assert!(v["receipt"]["read_at"].is_string(), "{login}: {v}");
        // … and nothing of how it was made.
        let obj = v.as_object().expect("object");
        for hidden in [
            "hub",
            "sources",
            "resolutions",
            "record",
            "created_by",
            "chain",
        ] {
            assert!(!obj.contains_key(hidden), "{login} gets {hidden}: {v}");
        }
        let text = v.to_string();
        assert!(!text.contains("東都電力"), "{login}: {text}");
        assert!(!text.contains(&chain), "{login}: {text}");

        let (st, html) = page(&s, &format!("/provisions/{id}")).await;
        assert_eq!(st, 200, "{login}: {html}");
        assert!(html.contains("provision-sheet") && html.contains("給電指令システム"));
        assert!(
            !html.contains("東都電力"),
            "{login}: the web page hides it too"
        );
        assert!(!html.contains(&chain), "{login}: the web page hides it too");
        assert!(!html.contains("id=\"findings"), "{login}");
    }
}

/// Issue 6 #1: the sanitisation findings (source R-numbers, the reporter's names) are NISC
/// staff's, not every reader's of the sent provision; drafts are NISC staff's, not every NISC
/// member's (an NDA contractor reads AMBER, never the source link).
async fn findings_and_drafts_are_for_nisc_staff_only(b: Backend) {
    let srv = TestServer::start(b).await;
    let chain = source_chain(&srv, "AMBER").await;
    let nisc = srv.login("nisc").await;
    let contractor = nisc_contractor(&srv).await;

    // A draft with identifying text: NISC staff see it and its findings.
    let leaky = save_draft(&nisc, draft(LEAKY, &chain, json!([]))).await;
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{leaky}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["state"], "draft");
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{leaky}/check")).await;
    assert_eq!(st, 200, "{check}");
    assert!(
        check["findings"].to_string().contains("東都電力"),
        "{check}"
    );

    // The NISC contractor: the draft is as missing as a missing id, on reading and acting.
    let (st_missing, missing) = contractor.get("/api/v1/provisions/no-such-id").await;
    assert_eq!(st_missing, 404, "{missing}");
    for path in [
        format!("/api/v1/provisions/{leaky}"),
        format!("/api/v1/provisions/{leaky}/check"),
    ] {
        let (st, v) = contractor.get(&path).await;
        assert_eq!((st, &v), (404, &missing), "{path}");
    }
    let (st, v) = contractor
        .post(&format!("/api/v1/provisions/{leaky}/send"), json!({}))
        .await;
    assert_eq!(
        (st, v["type"].clone()),
        (404, missing["type"].clone()),
        "{v}"
    );
    let (st, v) = contractor
        .put(
            &format!("/api/v1/provisions/{leaky}"),
            draft(SANITISED, &chain, json!([])),
        )
        .await;
    assert_eq!(
        (st, v["type"].clone()),
        (404, missing["type"].clone()),
        "{v}"
    );
    let (st, v) = contractor
        .post("/api/v1/provisions", draft(SANITISED, &chain, json!([])))
        .await;
    assert_eq!(st, 403, "contractors do not draft: {v}");
    // The web list shows the contractor no drafts (and still works).
    let (st, html) = page(&contractor, "/provisions").await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("id=\"provisions"), "{html}");
    assert!(!html.contains(&leaky), "{html}");
    let (st, html) = page(&contractor, &format!("/provisions/{leaky}")).await;
    assert_eq!(st, 404, "{html}");
    let (st, html) = page(&nisc, "/provisions").await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&leaky),
        "NISC staff list their drafts: {html}"
    );

    // Sent (sanitised): the recipient and the NISC contractor read it but not its findings.
    let clean = save_draft(&nisc, draft(SANITISED, &chain, json!([]))).await;
    send(&nisc, &clean).await;
    let meti = srv.login("meti").await;
    for (who, s) in [("meti", &meti), ("nisc-contractor", &contractor)] {
        let (st, v) = s.get(&format!("/api/v1/provisions/{clean}")).await;
        assert_eq!(st, 200, "{who} reads the AMBER provision: {v}");
        assert_eq!(v["form"]["summary"], SANITISED);
        assert!(v.get("hub").is_none(), "{who}: {v}");
        let (st, v) = s.get(&format!("/api/v1/provisions/{clean}/check")).await;
        assert_eq!(st, 403, "{who}: {v}");
        assert_eq!(v["type"], "/problems/forbidden", "{v}");
        assert!(v.get("findings").is_none(), "{who}: {v}");
        let (st, _) = page(s, &format!("/provisions/{clean}")).await;
        assert_eq!(st, 200);
    }
    // NISC staff still get the check of the sent one.
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{clean}/check")).await;
    assert_eq!(st, 200, "{v}");
    assert!(v["findings"].is_array() && v["blockers"].is_array(), "{v}");
}

/// Issue 6 #2 for provisions: on every provision route, refusing a provision the caller may not
/// read answers exactly what a missing id answers (404); 403 only when the caller reads it but
/// may not do that.
async fn refusing_an_unreadable_provision_is_the_missing_id_404_on_every_route(b: Backend) {
    let srv = TestServer::start(b).await;
    let chain = source_chain(&srv, "AMBER").await;
    let nisc = srv.login("nisc").await;
    let sent = save_draft(&nisc, draft(SANITISED, &chain, json!([]))).await;
    send(&nisc, &sent).await;
    let unsent = save_draft(&nisc, draft(SANITISED, &chain, json!([]))).await;

    /// Every provision route, as (method, path suffix, body).
    fn routes(chain: &str) -> Vec<(&'static str, &'static str, Value)> {
        vec![
            ("GET", "", Value::Null),
            ("PUT", "", draft(SANITISED, chain, json!([]))),
            ("GET", "/check", Value::Null),
            ("POST", "/send", json!({})),
            ("POST", "/relay", json!({})),
            ("POST", "/ack", json!({ "note": "確認" })),
            ("GET", "/inquiries", Value::Null),
            ("POST", "/inquiries", json!({ "body": "質問" })),
            (
                "POST",
                "/consents",
                json!({ "source": { "kind": "chain", "id": chain }, "sectors": ["railway"] }),
            ),
            ("GET", "/receipts", Value::Null),
        ]
    }
    async fn call(s: &Session, method: &str, path: &str, body: Value) -> (u16, Value) {
        match method {
            "GET" => s.get(path).await,
            "PUT" => s.put(path, body).await,
            _ => s.post(path, body).await,
        }
    }

    // (who, provision) pairs the policy refuses: a bank reads neither; METI no draft.
    let bank = srv.login("op-bank").await;
    let meti = srv.login("meti").await;
    let mut refused = 0;
    for (who, s, id) in [
        ("op-bank", &bank, &sent),
        ("op-bank", &bank, &unsent),
        ("meti", &meti, &unsent),
    ] {
        for (method, suffix, body) in routes(&chain) {
            let (st_missing, missing) = call(
                s,
                method,
                &format!("/api/v1/provisions/no-such-id{suffix}"),
                body.clone(),
            )
            .await;
            assert_eq!(
                st_missing, 404,
                "{method} {suffix} on a missing id: {missing}"
            );
            assert_eq!(missing["type"], "/problems/not-found", "{missing}");
            let (st, v) = call(s, method, &format!("/api/v1/provisions/{id}{suffix}"), body).await;
            assert_eq!(
                (st, &v),
                (st_missing, &missing),
                "{who}: {method} {suffix} on an unreadable provision"
            );
            refused += 1;
        }
    }
    assert_eq!(refused, 30);
    // The web pages answer the same way.
    for path in [
        format!("/provisions/{unsent}"),
        format!("/provisions/{unsent}/inquiries"),
        format!("/provisions/{unsent}/edit"),
    ] {
        let (st, _) = page(&meti, &path).await;
        let (st_missing, _) = page(&meti, &path.replace(&unsent, "no-such-id")).await;
        assert_eq!((st, st_missing), (404, 404), "{path}");
    }

    // A reader who may not act: the other power operator reads the AMBER provision through
    // its sector, but received nothing and is no ministry or NISC.
    let op2 = srv.login("op-power2").await;
    let (st, v) = op2.get(&format!("/api/v1/provisions/{sent}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["form"]["summary"], SANITISED);
    let (st, v) = op2
        .get(&format!("/api/v1/provisions/{sent}/inquiries"))
        .await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).is_empty(), "{v}");
    for (method, suffix, body) in routes(&chain) {
        if method == "GET" && (suffix.is_empty() || suffix == "/inquiries") {
            continue;
        }
        let (st, v) = call(
            &op2,
            method,
            &format!("/api/v1/provisions/{sent}{suffix}"),
            body,
        )
        .await;
        assert_eq!(
            (st, v["type"].as_str()),
            (403, Some("/problems/forbidden")),
            "op-power2: {method} {suffix}: {v}"
        );
    }
}

/// Issue 6 #8: the sanitisation gate fails closed. A corrupt sources column of a draft, or a
/// corrupt identifiers column of a source item, is a clear 409 problem+json on the check and on
/// sending — never "no sources" or "no identifiers", which would let identifying text go out.
async fn a_corrupt_sanitisation_record_refuses_instead_of_passing(b: Backend) {
    let srv = TestServer::start(b).await;
    let chain = source_chain(&srv, "AMBER").await;
    let nisc = srv.login("nisc").await;
    let meti = srv.login("meti").await;

    // A corrupt sources column: the draft's text names the reporter.
    let id = save_draft(&nisc, draft(LEAKY, &chain, json!([]))).await;
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(st, 200, "{check}");
    assert!(
        check["findings"].to_string().contains("東都電力"),
        "the intact record finds the reporter: {check}"
    );
    srv.raw_sql(&format!(
        "UPDATE provisions SET sources = 'not json' WHERE id = '{id}'"
    ))
    .await;
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/conflict")),
        "{v}"
    );
    assert!(v["title"].as_str().unwrap_or("").contains("sources"), "{v}");
    let (st, v) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/conflict")),
        "{v}"
    );
    let (st, list) = meti.get("/api/v1/provisions").await;
    assert_eq!(st, 200, "{list}");
    assert!(items(&list).is_empty(), "nothing was sent: {list}");

    // A corrupt identifiers column of a source item.
    let (st, item) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "ベンダー提供情報", "origin": "ベンダー", "tlp": "GREEN",
                    "identifiers": ["秘密ベンダー株式会社"] }),
        )
        .await;
    assert_eq!(st, 201, "{item}");
    let item_id = item["id"].as_str().expect("id").to_owned();
    let body = json!({
        "form": {
            "importance": "caution", "tlp": "GREEN", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
            "summary": "秘密ベンダー株式会社の製品に脆弱性が確認された。",
            "targets": "制御系機器", "countermeasures": "更新を適用すること。",
            "contact": { "person": "提供 花子" }
        },
        "sources": [ { "kind": "item", "id": item_id } ]
    });
    let id = save_draft(&nisc, body).await;
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(st, 200, "{check}");
    assert!(
        check["findings"].to_string().contains("秘密ベンダー"),
        "{check}"
    );
    srv.raw_sql(&format!(
        "UPDATE source_items SET identifiers = '{{broken' WHERE id = '{item_id}'"
    ))
    .await;
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/conflict")),
        "{v}"
    );
    assert!(
        v["title"].as_str().unwrap_or("").contains("identifiers"),
        "{v}"
    );
    let (st, v) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/conflict")),
        "{v}"
    );
    let (st, list) = meti.get("/api/v1/provisions").await;
    assert_eq!(st, 200, "{list}");
    assert!(items(&list).is_empty(), "nothing was sent: {list}");
}

/// Issue 7 #3: a source that reached NISC through the anonymising (CEPTOAR) route contributes
/// only what the anonymised hop shows. NISC's sanitisation check must not name the reporter:
/// its identifiers come from NISC's own copies, not from the chain's origin organisation or the
/// operator's own hop. (When NISC legitimately knows the reporter — the statutory route — the
/// check does name it: see `findings_and_drafts_are_for_nisc_staff_only`.)
async fn an_anonymised_source_does_not_name_its_reporter_to_nisc(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let first = filed["copies"][0].as_str().expect("copy").to_owned();
    let cep = srv.login("ceptoar-power").await;
    let (st, preview) = cep
        .get(&format!("/api/v1/copies/{first}/anonymise-preview"))
        .await;
    assert_eq!(st, 200, "{preview}");
    let (st, fwd) = cep
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": preview["form"], "anonymise": true }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let at_meti = fwd["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (st, c) = meti.get(&format!("/api/v1/copies/{at_meti}")).await;
    assert_eq!(st, 200, "{c}");
    assert!(!c.to_string().contains("東都電力"), "anonymised: {c}");
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{at_meti}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");

    // NISC drafts from it, with text that happens to carry the reporter's details.
    let nisc = srv.login("nisc").await;
    let body = json!({
        "form": {
            "importance": "caution", "tlp": "GREEN", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
            "summary": "東都電力株式会社（R1）で大量アクセス。担当 東都 花子（op-power@demo.example.jp）、www.tohto-epco.example.jp。",
            "targets": "給電指令システム", "countermeasures": "ブロックすること。",
            "contact": { "person": "提供 花子" }
        },
        "sources": [ { "kind": "chain", "id": chain } ]
    });
    let id = save_draft(&nisc, body).await;
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(st, 200, "{check}");
    let findings = check["findings"].as_array().expect("findings");
    // Well-formed and not empty: what NISC holds (the R-number) is found …
    assert!(
        findings.iter().any(|f| f["matched"] == "R1"),
        "the case's R-number is NISC's own: {check}"
    );
    // … but nothing that only the operator's own hop or its registration knows.
    let text = check.to_string();
    for hidden in [
        "東都電力",
        "東都 花子",
        "東都花子",
        "op-power@",
        "tohto-epco",
    ] {
        assert!(
            !text.contains(hidden),
            "NISC's check names the reporter ({hidden}): {text}"
        );
    }
}

/// The organisation id of `login`'s organisation.
async fn org_of(srv: &TestServer, login: &str) -> String {
    let (st, me) = srv.login(login).await.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    me["org"]["id"].as_str().expect("org id").to_owned()
}

/// The notifications of a person: asserts a well-formed listing first.
async fn notified(s: &Session, provision: &str) -> bool {
    let (st, v) = s.get("/api/v1/notifications").await;
    assert_eq!(st, 200, "{v}");
    items(&v).iter().any(|n| n["ref_id"] == provision)
}

/// Issue 6 #6: an urgent provision goes 「直接セプター又は個別重要インフラ事業者等へ」 — to the
/// CEPTOARs/operators NISC names (required when urgent, each a CEPTOAR/operator of the target
/// sectors, only when urgent), who become addressees. Nobody else in the sectors gets it (no
/// delivery, no inbox row) except through relays, within what the TLP admits: RED stays with
/// the addressees.
async fn urgent_provisions_go_to_the_organisations_nisc_names(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let tohto = org_of(&srv, "op-power").await;
    let rail = org_of(&srv, "op-rail").await;
    let cep = org_of(&srv, "ceptoar-power").await;
    let urgent = |tlp: &str, direct: Value, urgent: bool| {
        json!({
            "urgent": urgent,
            "direct_recipients": direct,
            "form": {
                "importance": "alert", "tlp": tlp, "has_attachments": false,
                "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
                "summary": "制御系機器を狙った攻撃の予告が確認された。",
                "targets": "給電指令システム", "countermeasures": "通信先をブロックすること。",
                "contact": { "person": "提供 花子" }
            }
        })
    };

    // The rules, each a 422 naming the field and the rule, nothing stored.
    for (body, rule) in [
        (urgent("RED", json!([]), true), "required"),
        (urgent("RED", json!([tohto]), false), "only_when_urgent"),
        (urgent("RED", json!([rail]), true), "not_eligible"),
        (urgent("RED", json!(["meti"]), true), "not_eligible"),
        (urgent("RED", json!(["no-such-org"]), true), "unknown"),
    ] {
        let (st, v) = nisc.post("/api/v1/provisions", body).await;
        assert_eq!(st, 422, "{rule}: {v}");
        assert_eq!(v["errors"][0]["field"], "direct_recipients", "{v}");
        assert_eq!(v["errors"][0]["rule"], rule, "{v}");
    }
    let (st, html) = page(&nisc, "/provisions").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("id=\"drafts-empty\""),
        "nothing stored: {html}"
    );

    // RED, urgent, to 東都電力 directly.
    let red = save_draft(&nisc, urgent("RED", json!([tohto]), true)).await;
    send(&nisc, &red).await;
    let op = srv.login("op-power").await;
    let (st, v) = op.get(&format!("/api/v1/provisions/{red}")).await;
    assert_eq!(st, 200, "the named operator reads its RED provision: {v}");
    assert!(v["receipt"].is_object(), "delivered to it: {v}");
    assert!(v["receipt"]["via_org"].is_null(), "directly by NISC: {v}");
    assert!(notified(&op, &red).await, "and told");
    // Nobody else in the sector: no delivery, no inbox row, no read.
    for login in ["op-power2", "ceptoar-power", "op-power-contractor"] {
        let s = srv.login(login).await;
        let (st, v) = s.get(&format!("/api/v1/provisions/{red}")).await;
        assert_eq!(st, 404, "{login}: {v}");
        assert!(!notified(&s, &red).await, "{login} is not told");
        let (st, list) = s.get("/api/v1/provisions").await;
        assert_eq!(st, 200, "{list}");
        assert!(items(&list).is_empty(), "{login}: {list}");
    }
    let (st, rec) = nisc
        .get(&format!("/api/v1/provisions/{red}/receipts"))
        .await;
    assert_eq!(st, 200, "{rec}");
    let mut got: Vec<String> = items(&rec)
        .iter()
        .map(|r| r["delivery"]["org"].as_str().unwrap_or("").to_owned())
        .collect();
    got.sort();
    let mut want = vec!["meti".to_owned(), tohto.clone()];
    want.sort();
    assert_eq!(got, want, "the ministry and the named operator only: {rec}");
    let (st, v) = srv
        .login("meti")
        .await
        .post(&format!("/api/v1/provisions/{red}/relay"), json!({}))
        .await;
    assert_eq!(st, 403, "RED stays with the addressees: {v}");
    // NISC sees whom it went to; the operator does not see the list.
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{red}")).await;
    assert_eq!(st, 200);
    assert_eq!(v["hub"]["direct_recipients"], json!([tohto]), "{v}");

    // AMBER, urgent, to the power CEPTOAR directly: its members get it when it relays.
    let amber = save_draft(&nisc, urgent("AMBER", json!([cep]), true)).await;
    send(&nisc, &amber).await;
    let ceptoar = srv.login("ceptoar-power").await;
    let (st, v) = ceptoar.get(&format!("/api/v1/provisions/{amber}")).await;
    assert_eq!(st, 200, "{v}");
    assert!(v["receipt"].is_object(), "{v}");
    let op2 = srv.login("op-power2").await;
    assert!(!notified(&op2, &amber).await, "not before the relay");
    let (_, v) = op2.get(&format!("/api/v1/provisions/{amber}")).await;
    assert!(
        v["receipt"].is_null(),
        "not delivered before the relay: {v}"
    );
    let (st, r) = ceptoar
        .post(&format!("/api/v1/provisions/{amber}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");
    assert!(notified(&op2, &amber).await, "told once relayed");
    let (_, v) = op2.get(&format!("/api/v1/provisions/{amber}")).await;
    assert_eq!(v["receipt"]["via_org"], json!(cep), "{v}");
    let rail = srv.login("op-rail").await;
    assert!(
        !notified(&rail, &amber).await,
        "another sector is never told"
    );

    // The editor: a multi-select of the sectors' CEPTOARs and operators; a missing choice is
    // the same 422 naming the field; the choice is kept and shown to NISC.
    let (st, html) = page(&nisc, "/provisions/new").await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"f-direct-recipients\""), "{html}");
    assert!(
        html.contains(&format!("value=\"{tohto}\"")),
        "operators offered"
    );
    assert!(
        !html.contains("<option value=\"meti\""),
        "ministries are not offered"
    );
    let form = |direct: &[&str]| {
        let mut pairs: Vec<(String, String)> = vec![
            ("csrf".into(), nisc.csrf.clone()),
            ("importance".into(), "alert".into()),
            ("tlp".into(), "RED".into()),
            ("has_attachments".into(), "false".into()),
            ("recipient".into(), "meti|electric_power".into()),
            ("urgent".into(), "true".into()),
            ("summary".into(), "攻撃の予告".into()),
        ];
        pairs.extend(
            direct
                .iter()
                .map(|d| ("direct_recipient".to_owned(), d.to_string())),
        );
        pairs
    };
    let post = |pairs: Vec<(String, String)>| {
        nisc.client
            .post(format!("{}/provisions/new", nisc.base))
            .form(&pairs)
            .send()
    };
    let res = post(form(&[])).await.expect("post");
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.expect("html");
    assert!(
        html.contains("data-field=\"direct_recipients\" data-rule=\"required\""),
        "{html}"
    );
    let res = post(form(&[&tohto, &tohto])).await.expect("post");
    assert_eq!(res.status().as_u16(), 200, "saved, then the provision page");
    let url = res.url().path().to_owned();
    let html = res.text().await.expect("html");
    assert!(url.starts_with("/provisions/"), "{url}");
    assert!(
        html.contains("id=\"direct-recipients\"") && html.contains("東都電力"),
        "{html}"
    );
    let (st, html) = page(&nisc, &format!("{url}/edit")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("value=\"{tohto}\" selected")),
        "kept: {html}"
    );
}
