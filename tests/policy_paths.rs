//! Every route that touches a liaison copy asks the one policy first: a reader the policy
//! refuses gets the same 404 as a missing id, wherever they knock; only a reader of the copy
//! learns that they may not act on it (403). Each test runs on SQLite and on PostgreSQL.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    refused_readers_get_the_same_404_as_a_missing_id,
    a_ministry_approver_without_need_to_know_gets_no_preview,
    urgent_copy_on_the_anonymising_route_stays_with_nisc,
    crisis_management_reads_only_what_nisc_shares,
    forwarding_looser_than_received_needs_the_senders_consent,
    fan_out_tells_exactly_whom_the_policy_lets_read,
    liaisons_notify_their_recipients_and_the_reporter,
);

/// The id of the organisation of `kind` (and `sector`, if given), as a platform user sees it.
async fn org_id(s: &Session, kind: &str, sector: Option<&str>) -> String {
    let (st, orgs) = s.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{orgs}");
    items(&orgs)
        .into_iter()
        .find(|o| {
            o["kind"] == kind
                && sector.is_none_or(|sec| {
                    o["sectors"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == sec))
                })
        })
        .unwrap_or_else(|| panic!("an organisation of kind {kind}: {orgs}"))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A new person in `org`, signed in (their one-time password changed).
async fn new_person(
    srv: &TestServer,
    org: &str,
    login: &str,
    employment: &str,
    need_to_know: Option<&[&str]>,
) -> Session {
    let admin = srv.login_admin().await;
    let (st, v) = admin
        .post(
            &format!("/api/v1/orgs/{org}/people"),
            json!({
                "login": login, "display_name": "検証 一郎", "password": "one-time-password-1",
                "roles": ["reader", "reporter", "approver"], "employment": employment,
                "need_to_know": need_to_know,
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    srv.login_changing_password(
        login,
        "one-time-password-1",
        &format!("{login}-own-password"),
    )
    .await
}

/// What a missing id answers on each copy route, to compare refusals with.
struct Knock {
    preview: (u16, Value),
    forward: (u16, Value),
    route: (u16, Value),
    share: (u16, Value),
}

async fn knock(s: &Session, copy: &str) -> Knock {
    Knock {
        preview: s
            .get(&format!("/api/v1/copies/{copy}/anonymise-preview"))
            .await,
        forward: s
            .post(
                &format!("/api/v1/copies/{copy}/forward"),
                json!({ "form": power_form("RED"), "anonymise": true }),
            )
            .await,
        route: s
            .post(
                "/api/v1/liaisons/route-preview",
                json!({ "kind": "forward", "copy": copy, "anonymise": true }),
            )
            .await,
        share: s
            .post(
                &format!("/api/v1/copies/{copy}/share"),
                json!({ "org": "crisis-management" }),
            )
            .await,
    }
}

/// The answer a refused reader gets is exactly the missing id's: a 404 problem with the same
/// body on every route.
fn same_as_missing(who: &str, got: &Knock, missing: &Knock) {
    for (route, g, m) in [
        ("anonymise-preview", &got.preview, &missing.preview),
        ("forward", &got.forward, &missing.forward),
        ("route-preview", &got.route, &missing.route),
        ("share", &got.share, &missing.share),
    ] {
        assert_eq!(m.0, 404, "{route}: a missing id is not found: {}", m.1);
        assert_eq!(
            g, m,
            "{who} on {route}: a refusal must look like a missing id"
        );
    }
}

/// Issue 6 #1/#2, issue 7 #8: the CEPTOAR's anonymise-preview (full form and every masked
/// original), the forward, the forward's route preview and the ※１ share answer 404 to whoever
/// may not read the copy — another operator of the sector, and a contractor of the CEPTOAR itself
/// (the anonymising hop is confined to staff) — exactly as for an id that does not exist. The
/// reporter, who reads its own hop, learns only that it may not forward it (403); the CEPTOAR's
/// approver gets the preview.
async fn refused_readers_get_the_same_404_as_a_missing_id(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();

    let cep = srv.login("ceptoar-power").await;
    let (st, preview) = cep
        .get(&format!("/api/v1/copies/{copy}/anonymise-preview"))
        .await;
    assert_eq!(st, 200, "the CEPTOAR's approver previews: {preview}");
    assert!(
        preview["maskings"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{preview}"
    );

    let ceptoar = org_id(&cep, "ceptoar", Some("electric_power")).await;
    let contractor = new_person(&srv, &ceptoar, "cep-contractor", "nda_contractor", None).await;
    let (st, _) = contractor.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(
        st, 404,
        "the policy refuses the contractor the confined hop"
    );
    let other = srv.login("op-power2").await;

    let missing = knock(&other, "no-such-copy").await;
    for (who, s) in [("another operator", &other), ("a contractor", &contractor)] {
        let got = knock(s, &copy).await;
        same_as_missing(who, &got, &knock(s, "no-such-copy").await);
        assert_eq!(got.preview, missing.preview);
        let text = got.preview.1.to_string();
        assert!(
            !text.contains("東都"),
            "nothing of the report leaks: {text}"
        );
    }

    // The reporter reads its hop but is not the addressee: a 403 says only that.
    let (st, _) = op.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200);
    let got = knock(&op, &copy).await;
    assert_eq!(got.preview.0, 403, "{}", got.preview.1);
    assert_eq!(got.forward.0, 403, "{}", got.forward.1);
    assert_eq!(got.route.0, 403, "{}", got.route.1);
    assert_eq!(got.share.0, 403, "{}", got.share.1);
}

/// Issue 6 #1: a ministry approver whose need-to-know does not cover the sector may not read a
/// RED report addressed to the ministry, so it gets neither the report nor its preview nor a
/// forward (404, like a missing id); the ministry's approver who needs to know gets them.
async fn a_ministry_approver_without_need_to_know_gets_no_preview(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("RED"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (st, v) = meti
        .get(&format!("/api/v1/copies/{copy}/anonymise-preview"))
        .await;
    assert_eq!(st, 200, "the ministry's approver who needs to know: {v}");
    assert!(v["form"].is_object(), "{v}");

    let gas_only = new_person(&srv, "meti", "meti-gas", "staff", Some(&["gas"])).await;
    let (st, _) = gas_only.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 404);
    same_as_missing(
        "a ministry approver without need-to-know",
        &knock(&gas_only, &copy).await,
        &knock(&gas_only, "no-such-copy").await,
    );
}

/// Issue 6 #5: an operator filing through its CEPTOAR (anonymising) and ticking urgent sends
/// NISC a copy that names it; that copy is confined to NISC (RED, NISC the only addressee)
/// whatever TLP was chosen, so the ministry and the sector's other operators never read it,
/// while NISC does. The form said so before sending.
async fn urgent_copy_on_the_anonymising_route_stays_with_nisc(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "via_ceptoar": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let planned = filed["recipients"].as_array().expect("recipients");
    let urgent = planned
        .iter()
        .find(|r| r["reception"] == "nisc_urgent_copy_confined")
        .unwrap_or_else(|| panic!("the urgent copy is planned as confined: {filed}"));
    assert_eq!(urgent["tlp"], "RED", "{urgent}");
    let copies: Vec<String> = filed["copies"]
        .as_array()
        .expect("copies")
        .iter()
        .map(|c| c.as_str().expect("id").to_owned())
        .collect();
    assert_eq!(copies.len(), 2);

    let nisc = srv.login("nisc").await;
    let mut at_nisc = None;
    for c in &copies {
        let (st, v) = nisc.get(&format!("/api/v1/copies/{c}")).await;
        if st == 200 {
            assert_eq!(v["record"]["hop_kind"], "urgent_copy_confined", "{v}");
            assert!(v["form"]["operator_name"]
                .as_str()
                .unwrap_or("")
                .contains("東都"));
            at_nisc = Some(c.clone());
        }
    }
    let at_nisc = at_nisc.expect("NISC reads its urgent copy");

    for login in ["meti", "op-power2", "ceptoar-power", "crisis"] {
        let s = srv.login(login).await;
        let (st, v) = s.get(&format!("/api/v1/copies/{at_nisc}")).await;
        assert_eq!(st, 404, "{login} must not read the urgent copy: {v}");
        let (st, list) = s.get("/api/v1/liaisons?limit=200").await;
        assert_eq!(st, 200, "{list}");
        assert!(
            !items(&list)
                .iter()
                .any(|r| r["summary"]["id"] == at_nisc.as_str()),
            "{login} lists the urgent copy"
        );
    }
}

/// Issue 6 #4: ※１ is "as needed": in normal times the crisis-management office does not read
/// what NISC holds; it reads what NISC explicitly shares with it (an audited share hop).
async fn crisis_management_reads_only_what_nisc_shares(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let first = filed["copies"][0].as_str().expect("copy").to_owned();
    let meti = srv.login("meti").await;
    let (st, c) = meti.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 200, "{c}");
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let at_nisc = fwd["copies"][0].as_str().expect("copy").to_owned();

    let crisis = srv.login("crisis").await;
    let (st, list) = crisis.get("/api/v1/liaisons?limit=200").await;
    assert_eq!(st, 200, "{list}");
    assert!(items(&list).is_empty(), "nothing shared yet: {list}");
    let (st, _) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "NISC holds it, but has not shared it");

    let nisc = srv.login("nisc").await;
    let (st, shared) = nisc
        .post(
            &format!("/api/v1/copies/{at_nisc}/share"),
            json!({ "org": "crisis-management" }),
        )
        .await;
    assert_eq!(st, 201, "{shared}");
    let sid = shared["copies"][0].as_str().expect("copy").to_owned();
    let (st, v) = crisis.get(&format!("/api/v1/copies/{sid}")).await;
    assert_eq!(st, 200, "{v}");
    let (st, list) = crisis.get("/api/v1/liaisons?limit=200").await;
    assert_eq!(st, 200, "{list}");
    let ids: Vec<Value> = items(&list)
        .iter()
        .map(|r| r["summary"]["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(sid)], "only the share: {list}");
    let (st, _) = crisis.get(&format!("/api/v1/copies/{at_nisc}")).await;
    assert_eq!(st, 404, "the share opens the shared hop only");
}

/// The rule and field of a 422 problem.
fn refused(st: u16, v: &Value, field: &str, rule: &str) {
    assert_eq!(st, 422, "{field}/{rule}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
    assert_eq!(v["errors"][0]["rule"], rule, "{v}");
}

/// Issue 6 #3: a ministry may not forward an operator's RED report onward as CLEAR (after which
/// anyone would read it). A hop is never looser than the copy it is made from unless that copy's
/// sender consented: the holder asks (recorded, audited), the sender decides once, and only
/// then — and only down to the level agreed — does the forward go through.
async fn forwarding_looser_than_received_needs_the_senders_consent(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("RED"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let first = filed["copies"][0].as_str().expect("copy").to_owned();
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let meti = srv.login("meti").await;
    let (st, c) = meti.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 200, "{c}");
    let as_tlp = |tlp: &str| {
        let mut f = c["form"].clone();
        f["tlp"] = json!(tlp);
        json!({ "form": f })
    };
    let copies_in_chain = || async {
        let (st, v) = op.get(&format!("/api/v1/chains/{chain}")).await;
        assert_eq!(st, 200, "{v}");
        v["copies"].as_array().expect("copies").len()
    };
    let before = copies_in_chain().await;

    let (st, v) = meti
        .post(&format!("/api/v1/copies/{first}/forward"), as_tlp("CLEAR"))
        .await;
    refused(st, &v, "tlp", "looser_than_source");
    assert_eq!(
        copies_in_chain().await,
        before,
        "a refused forward stores nothing"
    );

    // Asking: only a looser level, only by the holder; outsiders learn nothing.
    let (st, v) = meti
        .post(
            &format!("/api/v1/copies/{first}/consents"),
            json!({ "tlp": "RED" }),
        )
        .await;
    refused(st, &v, "tlp", "not_looser");
    let (st, _) = srv
        .login("op-power2")
        .await
        .post(
            &format!("/api/v1/copies/{first}/consents"),
            json!({ "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(st, 404);
    let (st, asked) = meti
        .post(
            &format!("/api/v1/copies/{first}/consents"),
            json!({ "tlp": "GREEN", "note": "他分野の事業者へ注意喚起するため" }),
        )
        .await;
    assert_eq!(st, 201, "{asked}");
    assert_eq!(asked["status"], "pending");
    let (st, v) = meti
        .post(&format!("/api/v1/copies/{first}/forward"), as_tlp("GREEN"))
        .await;
    refused(st, &v, "tlp", "looser_than_source");

    // The sender decides, once.
    let (st, mine) = op.get("/api/v1/consents").await;
    assert_eq!(st, 200, "{mine}");
    let request = items(&mine)
        .into_iter()
        .find(|r| r["id"] == asked["id"])
        .unwrap_or_else(|| panic!("the sender sees the request: {mine}"));
    assert_eq!(request["source"], format!("copy:{first}"));
    assert_eq!(request["requester_org"], "meti");
    let id = asked["id"].as_str().expect("id");
    let (st, v) = op
        .post(
            &format!("/api/v1/consents/{id}/decision"),
            json!({ "approve": true, "note": "了承" }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, _) = op
        .post(
            &format!("/api/v1/consents/{id}/decision"),
            json!({ "approve": false }),
        )
        .await;
    assert_eq!(st, 409, "decided once");

    // Down to the agreed level, not beyond.
    let (st, v) = meti
        .post(&format!("/api/v1/copies/{first}/forward"), as_tlp("CLEAR"))
        .await;
    refused(st, &v, "tlp", "looser_than_source");
    let (st, fwd) = meti
        .post(&format!("/api/v1/copies/{first}/forward"), as_tlp("GREEN"))
        .await;
    assert_eq!(st, 201, "{fwd}");
    let (st, list) = meti.get(&format!("/api/v1/copies/{first}/consents")).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(items(&list).len(), 1);
    assert_eq!(items(&list)[0]["status"], "approved");

    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=500").await;
    assert_eq!(st, 200, "{log}");
    let actions: Vec<String> = items(&log)
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    for a in ["consent.request", "consent.decide", "liaison.forward"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

/// The inbox rows of a person, as they list them.
async fn inbox_rows(s: &Session) -> Vec<Value> {
    let (st, v) = s.get("/api/v1/notifications").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
}

fn has_row(rows: &[Value], kind: &str, ref_id: &str) -> bool {
    rows.iter()
        .any(|r| r["kind"] == kind && r["ref_id"] == ref_id)
}

/// Issue 6 #7: a multi-sector AMBER provision reaches an electric-power operator through its
/// CEPTOAR; a member of that operator whose need-to-know is railway only reaches the provision
/// only through electric power, which they do not need to know, so the policy refuses them —
/// and so does the fan-out: no inbox row for them, while their colleague who needs to know is
/// told. (The fan-out used to restate the rule in SQL as "need-to-know covers any sector of the
/// item" and told them.)
async fn fan_out_tells_exactly_whom_the_policy_lets_read(b: Backend) {
    let srv = TestServer::start(b).await;
    let power = org_id(
        &srv.login("op-power").await,
        "operator",
        Some("electric_power"),
    )
    .await;
    let odd = new_person(
        &srv,
        &power,
        "op-power-railway",
        "staff",
        Some(&["railway"]),
    )
    .await;
    let nisc = srv.login("nisc").await;
    let (st, draft) = nisc
        .post(
            "/api/v1/provisions",
            json!({ "form": {
                "importance": "alert", "tlp": "AMBER", "has_attachments": false,
                "recipients": [ { "ministry": "meti", "sector": "electric_power" }, { "ministry": "mlit", "sector": "railway" } ],
                "summary": "制御系ネットワークへの不審な通信が複数分野で確認された。",
                "targets": "制御系ネットワークに接続された監視システム",
                "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
                "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
            }, "sources": [] }),
        )
        .await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().expect("id").to_owned();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    let meti = srv.login("meti").await;
    let (st, r) = meti
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");
    let (st, r) = srv
        .login("ceptoar-power")
        .await
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200, "{r}");

    let op = srv.login("op-power").await;
    let (st, _) = op.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200, "the colleague who needs to know reads it");
    assert!(
        has_row(&inbox_rows(&op).await, "provision", &id),
        "and was told"
    );
    let (st, _) = odd.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 404, "the policy refuses the railway-only member");
    assert!(
        !has_row(&inbox_rows(&odd).await, "provision", &id),
        "so the fan-out does not tell them"
    );
}

/// Issue 6, "liaisons notify": a new copy in an organisation's inbox raises an inbox row for its
/// people the policy admits — the ministry receiving a report, a CEPTOAR receiving through the
/// anonymising route, NISC receiving the forward — and the reporter is told when NISC numbers
/// its report. People the policy refuses (a contractor on AMBER+STRICT, another operator) are
/// not told.
async fn liaisons_notify_their_recipients_and_the_reporter(b: Backend) {
    let srv = TestServer::start(b).await;
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
    assert!(
        has_row(&inbox_rows(&meti).await, "copy", &first),
        "the ministry is told"
    );
    assert!(
        !has_row(&inbox_rows(&op).await, "copy", &first),
        "the sender is not told of its own report"
    );
    for login in ["op-power2", "op-power-contractor", "nisc"] {
        let s = srv.login(login).await;
        let rows = inbox_rows(&s).await;
        assert!(!has_row(&rows, "copy", &first), "{login} is not told");
    }

    let (st, c) = meti.get(&format!("/api/v1/copies/{first}")).await;
    assert_eq!(st, 200, "{c}");
    let rows = inbox_rows(&meti).await;
    let row = rows
        .iter()
        .find(|r| r["kind"] == "copy" && r["ref_id"] == first.as_str())
        .expect("row");
    assert!(
        !row["read_at"].is_null(),
        "reading the copy marks the row read: {row}"
    );
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let at_nisc = fwd["copies"][0].as_str().expect("copy").to_owned();
    let nisc = srv.login("nisc").await;
    let rows = inbox_rows(&nisc).await;
    assert!(has_row(&rows, "copy", &at_nisc), "NISC is told: {rows:?}");
    assert!(
        rows.iter()
            .any(|r| r["title"].as_str().unwrap_or("").contains("R1")),
        "by R-number: {rows:?}"
    );
    let rows = inbox_rows(&op).await;
    assert!(
        has_row(&rows, "numbered", &first),
        "the reporter learns R1 on its own copy: {rows:?}"
    );

    // Through the anonymising route, the CEPTOAR is told of the confined hop.
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let hop = filed["copies"][0].as_str().expect("copy").to_owned();
    let cep = srv.login("ceptoar-power").await;
    assert!(has_row(&inbox_rows(&cep).await, "copy", &hop));
    assert!(
        !has_row(&inbox_rows(&meti).await, "copy", &hop),
        "the ministry is not told of the confined hop"
    );
}
