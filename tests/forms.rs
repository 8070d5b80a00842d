//! The liaison forms as the handbook has them, through the real router on both backends: the
//! editable sender block (情報連絡元), 報道発表's 未選択 that stays unselected, the route preview
//! (UI box and API) computed by the same planner the filings use, the confirmation step before a
//! 警報 or a forward with the message after sending, and names instead of ids on screen.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    sender_block_is_editable_with_the_profile_as_default,
    press_release_unset_stays_unset_and_every_label_has_its_own_input,
    route_preview_is_the_route_the_filing_takes,
    follow_up_form_shows_the_inherited_route,
    alert_and_forward_are_confirmed_and_the_sent_message_names_recipients,
    pages_name_people_organisations_and_cases_not_ids,
    the_reporting_case_is_asked_explained_and_kept,
    forms_leave_as_json_and_csv_and_a_saved_form_starts_a_filing,
);

const METI: &str = "経済産業省";
const CEPTOAR_POWER: &str = "電力セプター";
const OP_POWER: &str = "東都電力株式会社";

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

/// Posts a UI form (the session's CSRF token added) and follows the redirect: status, final
/// path with query, HTML.
async fn submit(s: &Session, path: &str, pairs: &[(&str, &str)]) -> (u16, String, String) {
    let mut body: Vec<(String, String)> = vec![("csrf".into(), s.csrf.clone())];
    body.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let res = s
        .client
        .post(format!("{}{path}", s.base))
        .form(&body)
        .send()
        .await
        .expect("post form");
    let st = res.status().as_u16();
    let url = res.url();
    let at = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    (st, at, res.text().await.expect("html"))
}

/// Every value of an attribute (`id`, `for`, …) in a page, in order.
fn attrs(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        let end = rest.find('"').expect("closed attribute");
        out.push(rest[..end].to_owned());
        rest = &rest[end..];
    }
    out
}

/// The element with `id`, from its opening tag to the end of the page.
fn from_id<'a>(html: &'a str, id: &str) -> &'a str {
    let pat = format!(" id=\"{id}\"");
    let i = html
        .find(&pat)
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let start = html[..i].rfind('<').expect("tag start");
    &html[start..]
}

/// The element with `id` up to its first closing tag of the same name (its opening tag alone
/// for an `input`).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let s = from_id(html, id);
    let tag: String = s[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if tag == "input" {
        return &s[..=s.find('>').expect("tag end")];
    }
    let close = format!("</{tag}>");
    let end = s.find(&close).map(|e| e + close.len()).unwrap_or(s.len());
    &s[..end]
}

/// What a page shows: its text without tags and attributes (hidden values, links).
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A page's ids are unique and every `<label for>` names exactly one element.
fn assert_labels_sound(html: &str, what: &str) {
    let ids = attrs(html, "id");
    assert!(ids.len() > 20, "{what}: a real form ({} ids)", ids.len());
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        assert!(seen.insert(id.clone()), "{what}: id {id} appears twice");
    }
    for target in attrs(html, "for") {
        assert!(
            seen.contains(&target),
            "{what}: label for {target} has no input"
        );
    }
}

/// A valid first report as the editor posts it (electric power, AMBER).
fn editor_pairs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("importance", "caution"),
        ("tlp", "AMBER"),
        ("has_attachments", "false"),
        ("event", "EV-04"),
        ("sector", "electric_power"),
        ("operator_name", OP_POWER),
        ("summary.discovered_at", "2026-11-20T10:00"),
        (
            "summary.description",
            "給電指令システムへの大量アクセスにより一部機能が停止。",
        ),
        ("statutory", "true"),
    ]
}

/// The copies of a chain as its reader sees them.
async fn chain_copies(s: &Session, chain: &str) -> Vec<Value> {
    let (st, c) = s.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{c}");
    c["copies"].as_array().cloned().expect("copies")
}

/// 情報連絡元: edited fields are kept on first reports, follow-ups and forwards; the organisation
/// is always the sender's; a blank block or one copied from another organisation's form takes
/// the profile; a bad phone number is refused by field and nothing is stored.
async fn sender_block_is_editable_with_the_profile_as_default(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;

    // Edited: kept; the organisation is fixed to the sender's whatever was sent.
    let mut form = power_form("AMBER");
    form["sender"] = json!({
        "organisation": OP_POWER,
        "department": "システム運用部",
        "person": "連絡 太郎",
        "phone": "03-1234-5678",
        "fax": "03-1234-5679",
        "email": "renraku.taro@tohto-epco.example.jp"
    });
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();
    let copies = chain_copies(&op, &chain).await;
    let sender = &copies[0]["form"]["sender"];
    assert_eq!(sender["organisation"], OP_POWER);
    assert_eq!(sender["department"], "システム運用部");
    assert_eq!(sender["person"], "連絡 太郎");
    assert_eq!(sender["fax"], "03-1234-5679");
    assert_eq!(sender["email"], "renraku.taro@tohto-epco.example.jp");

    // Bad phone: 422 naming sender.phone and its rule; nothing stored.
    let (_, before) = op.get("/api/v1/liaisons/inbox").await;
    let mut bad = power_form("AMBER");
    bad["sender"] = json!({ "person": "連絡 太郎", "phone": "03-XXXX-YYYY" });
    let (st, err) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": bad, "statutory": true }),
        )
        .await;
    assert_eq!(st, 422, "{err}");
    let errors = err["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "sender.phone" && e["rule"] == "format"),
        "{err}"
    );
    let (_, after) = op.get("/api/v1/liaisons/inbox").await;
    assert_eq!(items(&before).len(), items(&after).len(), "nothing stored");

    // The ministry forwards the operator's form as received: the block names the operator, so it
    // is not the ministry's — the ministry person's profile fills it.
    let meti = srv.login("meti").await;
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();
    let (_, c) = meti.get(&format!("/api/v1/copies/{copy}")).await;
    let (st, fwd) = meti
        .post(
            &format!("/api/v1/copies/{copy}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let fwd_id = fwd["copies"][0].as_str().expect("forwarded copy");
    let (_, fc) = meti.get(&format!("/api/v1/copies/{fwd_id}")).await;
    assert_eq!(fc["form"]["sender"]["organisation"], METI);
    assert_eq!(fc["form"]["sender"]["person"], "経済 産業");
    assert_eq!(fc["form"]["sender"]["fax"], "");
    assert!(
        !fc.to_string().contains("連絡 太郎"),
        "the operator's person is not the ministry's sender"
    );

    // A follow-up with the block edited, and a claimed other organisation that is ignored.
    let mut f2 = power_form("AMBER");
    f2["sender"] =
        json!({ "organisation": "偽装商事", "person": "担当 次郎", "department": "広報部" });
    let (st, filed2) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": f2 }),
        )
        .await;
    assert_eq!(st, 201, "{filed2}");
    let second = filed2["copies"][0].as_str().expect("copy");
    let (_, c2) = op.get(&format!("/api/v1/copies/{second}")).await;
    let s2 = &c2["form"]["sender"];
    assert_eq!(s2["organisation"], OP_POWER, "{s2}");
    assert_eq!(
        s2["person"], "東都 花子",
        "a block naming another organisation is replaced by the profile: {s2}"
    );
    let mut f3 = power_form("AMBER");
    f3["sender"] = json!({ "person": "担当 次郎", "department": "広報部" });
    let (st, filed3) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": f3 }),
        )
        .await;
    assert_eq!(st, 201, "{filed3}");
    let third = filed3["copies"][0].as_str().expect("copy");
    let (_, c3) = op.get(&format!("/api/v1/copies/{third}")).await;
    assert_eq!(c3["form"]["sender"]["person"], "担当 次郎");
    assert_eq!(c3["form"]["sender"]["department"], "広報部");
    assert_eq!(c3["form"]["sender"]["phone"], "", "as entered, not mixed");

    // The editor: the block is prefilled from the profile, the organisation is not an input.
    let (st, html) = page(&op, "/liaison/new").await;
    assert_eq!(st, 200);
    let person = element(&html, "sender-person");
    assert!(person.contains("value=\"東都 花子\""), "{person}");
    assert!(element(&html, "sender-organisation").contains(OP_POWER));
    assert!(
        !attrs(&html, "name")
            .iter()
            .any(|n| n == "sender.organisation"),
        "the organisation is fixed"
    );
    // Edited in the editor and sent: kept.
    let mut pairs = editor_pairs();
    pairs.extend([
        ("sender.person", "画面 三郎"),
        ("sender.phone", "03-9999-0000"),
        ("sender.fax", "03-9999-0001"),
    ]);
    let (st, at, _) = submit(&op, "/liaison/new", &pairs).await;
    assert_eq!(st, 200);
    let web_chain = at
        .strip_prefix("/chains/")
        .and_then(|r| r.split('?').next())
        .unwrap_or_else(|| panic!("sent to the case: {at}"))
        .to_owned();
    let copies = chain_copies(&op, &web_chain).await;
    assert_eq!(copies[0]["form"]["sender"]["person"], "画面 三郎");
    assert_eq!(copies[0]["form"]["sender"]["fax"], "03-9999-0001");
    // A bad one in the editor: shown at its own input, nothing sent.
    let mut pairs = editor_pairs();
    pairs.push(("sender.phone", "03-XXXX-YYYY"));
    let (st, at, html) = submit(&op, "/liaison/new", &pairs).await;
    assert_eq!((st, at.as_str()), (422, "/liaison/new"));
    let field = element(&html, "f-sender-phone");
    assert!(field.contains("class=\"err\""), "{field}");
    assert!(html.contains("value=\"03-XXXX-YYYY\""), "the input is kept");

    // The forward editor of the ministry: its own profile, not the operator's block.
    let (_, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    let received = items(&inbox)
        .into_iter()
        .find(|r| {
            r["summary"]["addressee_org"] == "meti" && r["summary"]["chain"] == json!(web_chain)
        })
        .expect("the web report at the ministry");
    let rid = received["summary"]["id"].as_str().expect("id").to_owned();
    let (st, html) = page(&meti, &format!("/copies/{rid}/forward")).await;
    assert_eq!(st, 200);
    assert!(element(&html, "sender-person").contains("value=\"経済 産業\""));
    assert!(!element(&html, "sender-person").contains("画面 三郎"));
}

/// The 未選択 option of 報道発表 used to share its id with 無 (`external-press-none`), so its
/// label chose 無. Every editor (first report, follow-up, forward) has unique ids and labels that
/// each point at an input; 未選択 posts the empty value and records nothing.
async fn press_release_unset_stays_unset_and_every_label_has_its_own_input(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, html) = page(&op, "/liaison/new").await;
    assert_eq!(st, 200);
    assert_labels_sound(&html, "first report");
    // 報道発表: 未選択's label points at the input with the empty value.
    let press = from_id(&html, "f-external-press");
    let press = &press[..press
        .find("id=\"f-external-press_detail\"")
        .expect("the press detail follows")];
    let unset = element(press, "external-press-unset");
    assert!(unset.contains("value=\"\""), "{unset}");
    let none = element(press, "external-press-none");
    assert!(none.contains("value=\"none\""), "{none}");
    for (id, ja) in [
        ("external-press-unset", "未選択"),
        ("external-press-none", "無"),
    ] {
        let label_at = press
            .find(&format!("for=\"{id}\""))
            .unwrap_or_else(|| panic!("a label for {id}"));
        let label = &press[label_at..];
        let text = &label[..label.find("</label>").expect("label end")];
        assert!(text.ends_with(ja), "label for {id}: {text}");
    }

    // Posted as 未選択: nothing recorded; as 無: none.
    for (value, want) in [("", Value::Null), ("none", json!("none"))] {
        let mut pairs = editor_pairs();
        pairs.push(("external.press", value));
        let (st, at, _) = submit(&op, "/liaison/new", &pairs).await;
        assert_eq!(st, 200, "{at}");
        let chain = at
            .strip_prefix("/chains/")
            .and_then(|r| r.split('?').next())
            .expect("sent")
            .to_owned();
        let copies = chain_copies(&op, &chain).await;
        assert_eq!(
            copies[0]["form"]["external"]["press"], want,
            "press posted as {value:?}"
        );
    }

    // The follow-up and forward editors too.
    let (_, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    let chain = filed["chain"].as_str().expect("chain");
    let (st, html) = page(&op, &format!("/chains/{chain}/follow-up")).await;
    assert_eq!(st, 200);
    assert_labels_sound(&html, "follow-up");
    let meti = srv.login("meti").await;
    let copy = filed["copies"][0].as_str().expect("copy");
    let (st, html) = page(&meti, &format!("/copies/{copy}/forward")).await;
    assert_eq!(st, 200);
    assert_labels_sound(&html, "forward");
}

/// The recipients of a planned route as `(org, reception, tlp)`.
fn planned(v: &Value) -> Vec<(String, String, Value)> {
    v["recipients"]
        .as_array()
        .unwrap_or_else(|| panic!("recipients in {v}"))
        .iter()
        .map(|r| {
            (
                r["org"].as_str().expect("org").to_owned(),
                r["reception"].as_str().expect("reception").to_owned(),
                r["tlp"].clone(),
            )
        })
        .collect()
}

/// The preview (API and the UI box) is the route the filing then takes: same recipients, same
/// kept TLP; refusals are the filing's refusals; a case or copy the caller may not use is not
/// found.
async fn route_preview_is_the_route_the_filing_takes(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let preview = |body: Value| {
        let op = &op;
        async move { op.post("/api/v1/liaisons/route-preview", body).await }
    };

    // Statutory: the ministry only.
    let (st, p) = preview(
        json!({ "kind": "first", "sector": "electric_power", "tlp": "AMBER", "statutory": true }),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(
        planned(&p),
        vec![("meti".into(), "ministry_then_nisc".into(), json!("AMBER"))]
    );
    assert_eq!(p["recipients"][0]["name_ja"], METI);
    // Via the CEPTOAR, urgent: the CEPTOAR (confined), which anonymises; NISC's urgent copy.
    let body = json!({ "kind": "first", "sector": "electric_power", "tlp": "GREEN", "via_ceptoar": true, "urgent": true });
    let (st, p) = preview(body.clone()).await;
    assert_eq!(st, 200, "{p}");
    let route = planned(&p);
    assert_eq!(route.len(), 2, "{p}");
    assert_eq!(route[0].1, "ceptoar_anonymises");
    assert_eq!(route[0].2, json!("RED"), "the CEPTOAR hop is confined");
    assert_eq!(p["recipients"][0]["name_ja"], CEPTOAR_POWER);
    assert_eq!(route[1].1, "nisc_urgent_copy_confined");
    assert_eq!(
        route[1].2,
        json!("RED"),
        "the urgent copy names the reporter: NISC only"
    );
    assert!(
        p["recipients"][1]["note_ja"]
            .as_str()
            .unwrap_or("")
            .contains("NISC重要インフラ防護担当限り"),
        "{p}"
    );
    // Filing with the same choices goes exactly there.
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "via_ceptoar": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    assert_eq!(
        planned(&filed),
        route,
        "the filing reports the planned route"
    );
    let copies = chain_copies(&op, filed["chain"].as_str().expect("chain")).await;
    let mut sent: Vec<(String, String)> = copies
        .iter()
        .map(|c| {
            (
                c["record"]["addressee_org"]
                    .as_str()
                    .expect("to")
                    .to_owned(),
                c["record"]["hop_kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect();
    sent.sort();
    let mut want: Vec<(String, String)> = p["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .map(|r| {
            (
                r["org"].as_str().expect("org").to_owned(),
                r["hop_kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(sent, want);

    // A refused route is refused by the preview with the filing's field and rule.
    let (st, p) = preview(json!({ "kind": "first", "sector": "electric_power", "statutory": true, "via_ceptoar": true })).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "via_ceptoar", "{p}");
    let (st, f) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "statutory": true, "via_ceptoar": true }),
        )
        .await;
    assert_eq!(
        (st, f["errors"][0]["field"].clone()),
        (422, json!("via_ceptoar"))
    );
    // Added recipients are listed by name.
    let (st, p) = preview(json!({ "kind": "first", "sector": "electric_power", "tlp": "AMBER", "statutory": true, "added_recipients": ["mlit"] })).await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["recipients"][1]["reception"], "added");
    assert_eq!(p["recipients"][1]["org"], "mlit");

    // Forward by the CEPTOAR: to the ministry, anonymised or, if not, named.
    let cep = srv.login("ceptoar-power").await;
    let copy = filed["copies"][0].as_str().expect("copy");
    let (st, p) = cep
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "forward", "copy": copy, "tlp": "GREEN", "anonymise": true }),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(
        planned(&p),
        vec![("meti".into(), "ministry_anonymised".into(), json!("GREEN"))]
    );
    let (_, p) = cep
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "forward", "copy": copy, "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(p["recipients"][0]["reception"], "ministry_named");
    // Unknown copy or case: not found.
    let (st, _) = cep
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "forward", "copy": "no-such-copy" }),
        )
        .await;
    assert_eq!(st, 404);
    let rail = srv.login("op-rail").await;
    let (st, _) = rail
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "follow_up", "chain": filed["chain"] }),
        )
        .await;
    assert_eq!(st, 404, "not a participant of the case");

    // The UI box: server-rendered on the form, and re-planned by POST /liaison/route-preview.
    let (st, html) = page(&op, "/liaison/new").await;
    assert_eq!(st, 200);
    let box_ = element(&html, "route-preview-box");
    assert!(box_.contains(METI), "the operator's default route: {box_}");
    let (st, _, html) = submit(
        &op,
        "/liaison/route-preview",
        &[
            ("filing_kind", "first"),
            ("sector", "electric_power"),
            ("tlp", "GREEN"),
            ("via_ceptoar", "true"),
            ("urgent", "true"),
        ],
    )
    .await;
    assert_eq!(st, 200);
    assert!(html.contains(CEPTOAR_POWER), "{html}");
    assert!(html.contains("匿名化"), "{html}");
    assert!(html.contains("TLP:RED"), "{html}");
    // A route that cannot be taken: the box says why, in the filing's words.
    let (st, _, html) = submit(
        &op,
        "/liaison/route-preview",
        &[
            ("filing_kind", "first"),
            ("sector", "electric_power"),
            ("statutory", "true"),
            ("via_ceptoar", "true"),
        ],
    )
    .await;
    assert_eq!(st, 200);
    assert!(html.contains("route-preview-problem"), "{html}");
    assert!(html.contains("法令等報告対象"), "{html}");
}

/// 続報: the form shows the route the case's first report took; statutory is fixed, the route
/// choices start as the first report went; the box plans from them.
async fn follow_up_form_shows_the_inherited_route(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("GREEN"), "via_ceptoar": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain");
    let (st, html) = page(&op, &format!("/chains/{chain}/follow-up")).await;
    assert_eq!(st, 200);
    assert!(element(&html, "inherited-statutory").contains("非該当"));
    assert!(element(&html, "inherited-via_ceptoar").contains("あり"));
    assert!(element(&html, "inherited-urgent").contains("あり"));
    assert!(
        element(&html, "via_ceptoar").contains("checked"),
        "via the CEPTOAR, as the first report went"
    );
    assert!(element(&html, "urgent").contains("checked"));
    assert!(
        !attrs(&html, "name").iter().any(|n| n == "statutory"),
        "statutory is the case's: no input"
    );
    let box_ = element(&html, "route-preview-box");
    assert!(box_.contains(CEPTOAR_POWER), "{box_}");

    // Going direct is possible, with a warning that the ministry learns who reported.
    let (st, p) = op
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "follow_up", "chain": chain, "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(
        p["inherited"],
        json!({ "statutory": false, "via_ceptoar": true, "urgent": true })
    );
    assert_eq!(p["recipients"][0]["org"], "meti");
    assert_eq!(p["notes"][0]["code"], "reveals_reporter", "{p}");

    // A statutory case: the follow-up is statutory whatever it says, and shows so.
    let (_, st_filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    let st_chain = st_filed["chain"].as_str().expect("chain");
    let (_, html) = page(&op, &format!("/chains/{st_chain}/follow-up")).await;
    let line = element(&html, "inherited-statutory");
    assert!(line.contains("該当") && !line.contains("非該当"), "{line}");
    let (st, p) = op
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "follow_up", "chain": st_chain, "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 422, "statutory cases never go via the CEPTOAR: {p}");
    assert_eq!(p["errors"][0]["field"], "via_ceptoar");
}

/// A 警報 and every forward stop at a confirmation page listing recipients, TLP and importance;
/// nothing is stored until "send"; "back" reopens the editor with every value; after sending the
/// case page names the recipients and the R-number.
async fn alert_and_forward_are_confirmed_and_the_sent_message_names_recipients(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let mut pairs = editor_pairs();
    pairs.retain(|(k, _)| *k != "importance");
    pairs.extend([
        ("importance", "alert"),
        ("urgent", "true"),
        ("statutory", "true"),
    ]);
    let (_, before) = op.get("/api/v1/liaisons/inbox").await;
    assert!(items(&before).is_empty());
    let (st, at, html) = submit(&op, "/liaison/new", &pairs).await;
    assert_eq!((st, at.as_str()), (200, "/liaison/new"));
    let summary = element(&html, "confirm-summary");
    assert!(
        element(summary, "confirm-recipients").contains(METI),
        "{summary}"
    );
    assert!(summary.contains("TLP:AMBER"), "{summary}");
    assert!(summary.contains("警報"), "{summary}");
    assert!(html.contains("confirm-alert"));
    let (_, after) = op.get("/api/v1/liaisons/inbox").await;
    assert!(items(&after).is_empty(), "nothing sent before confirming");
    // Every entered value travels in the confirmation form.
    let form = element(&html, "confirm-form");
    assert!(form.contains("給電指令システムへの大量アクセスにより一部機能が停止。"));

    // Back to edit: the editor with every value.
    let mut back = pairs.clone();
    back.push(("back", "true"));
    let (st, _, html) = submit(&op, "/liaison/new", &back).await;
    assert_eq!(st, 200);
    assert!(html.contains("id=\"submit\""), "the editor again");
    assert!(element(&html, "importance-alert").contains("checked"));
    assert!(element(&html, "urgent").contains("checked"));
    assert!(html.contains("給電指令システムへの大量アクセスにより一部機能が停止。"));
    let (_, after) = op.get("/api/v1/liaisons/inbox").await;
    assert!(items(&after).is_empty(), "still nothing sent");

    // Send: the case page names the recipients and the R-number NISC assigned (urgent copy).
    let mut send = pairs.clone();
    send.push(("confirmed", "true"));
    let (st, at, html) = submit(&op, "/liaison/new", &send).await;
    assert_eq!(st, 200);
    assert!(at.starts_with("/chains/") && at.contains("?sent="), "{at}");
    let notice = element(&html, "sent-notice");
    assert!(notice.contains(METI), "{notice}");
    assert!(
        notice.contains("内閣サイバーセキュリティセンター"),
        "{notice}"
    );
    assert!(element(notice, "sent-ident").contains("R1"), "{notice}");
    let (st, after) = op.get("/api/v1/liaisons/inbox").await;
    assert_eq!(st, 200, "{after}");
    assert_eq!(items(&after).len(), 1, "one case: {after}");
    let chain = at
        .trim_start_matches("/chains/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let (st, case) = op.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{case}");
    assert_eq!(
        case["copies"].as_array().map(Vec::len),
        Some(2),
        "sent once: ministry and NISC copies: {case}"
    );

    // A non-alert first report is sent at once, with the message.
    let (st, at, html) = submit(&op, "/liaison/new", &editor_pairs()).await;
    assert_eq!(st, 200);
    assert!(at.contains("?sent="), "{at}");
    let notice = element(&html, "sent-notice");
    assert!(
        notice.contains(METI) && !notice.contains("sent-ident"),
        "{notice}"
    );

    // The ministry's forward is confirmed first too.
    let meti = srv.login("meti").await;
    let (_, inbox) = meti.get("/api/v1/liaisons/inbox").await;
    let copy = items(&inbox)[0]["summary"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let fwd = vec![
        ("importance", "caution"),
        ("tlp", "AMBER"),
        ("has_attachments", "false"),
        ("event", "EV-04"),
        ("sector", "electric_power"),
        ("summary.description", "所管省庁にて確認済み。"),
    ];
    let (st, at, html) = submit(&meti, &format!("/copies/{copy}/forward"), &fwd).await;
    assert_eq!(st, 200);
    assert!(at.ends_with("/forward"), "{at}");
    assert!(element(&html, "confirm-recipients").contains("内閣サイバーセキュリティセンター"));
    let mut go = fwd.clone();
    go.push(("confirmed", "true"));
    let (st, at, html) = submit(&meti, &format!("/copies/{copy}/forward"), &go).await;
    assert_eq!(st, 200, "{html}");
    assert!(at.contains("?sent="), "{at}");
    let notice = element(&html, "sent-notice");
    assert!(
        notice.contains("内閣サイバーセキュリティセンター"),
        "{notice}"
    );
    assert!(element(notice, "sent-ident").contains("R"), "{notice}");
}

/// Names, never ids: the audit log's actors, organisations and targets; the receipt table's
/// relaying organisation; provision sources and consent requests by R-number.
async fn pages_name_people_organisations_and_cases_not_ids(b: Backend) {
    let srv = TestServer::start(b).await;
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

    // NISC drafts a provision from R1 and asks METI's consent to widen it.
    let nisc = srv.login("nisc").await;
    let form = json!({
        "importance": "caution", "tlp": "AMBER", "has_attachments": false,
        "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
        "summary": "電力分野の事業者において給電指令システムへの大量アクセスが確認された。",
        "targets": "制御系ネットワークに接続された給電指令システム",
        "countermeasures": "通信先 203.0.113.7 をブロックし、ログを確認すること。",
        "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
    });
    let (st, draft) = nisc
        .post(
            "/api/v1/provisions",
            json!({ "form": form, "sources": [ { "kind": "chain", "id": chain } ] }),
        )
        .await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().expect("id").to_owned();
    let (st, html) = page(&nisc, &format!("/provisions/{id}")).await;
    assert_eq!(st, 200);
    let legend = element(&html, "consent-0");
    assert!(legend.contains("R1"), "{legend}");
    assert!(
        !visible(&html).contains(&chain),
        "no chain id on the draft page"
    );
    let (st, r) = nisc
        .post(
            &format!("/api/v1/provisions/{id}/consents"),
            json!({ "source": { "kind": "chain", "id": chain }, "sectors": ["railway"] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let (st, html) = page(&meti, "/consents").await;
    assert_eq!(st, 200);
    let table = visible(element(&html, "consents"));
    assert!(table.contains("事案 R1"), "{table}");
    assert!(
        !table.contains(&chain) && !table.contains("chain:"),
        "{table}"
    );

    // Sent, relayed by METI: NISC's receipt table names the relaying ministry.
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    let (st, _) = meti
        .post(&format!("/api/v1/provisions/{id}/relay"), json!({}))
        .await;
    assert_eq!(st, 200);
    let (st, html) = page(&nisc, &format!("/provisions/{id}")).await;
    assert_eq!(st, 200);
    let receipts = element(&html, "receipts");
    let via: Vec<&str> = receipts
        .split("<td class=\"via\">")
        .skip(1)
        .map(|s| &s[..s.find("</td>").expect("cell end")])
        .collect();
    assert!(via.len() >= 2, "{receipts}");
    assert!(via.contains(&METI), "{via:?}");
    assert!(!via.contains(&"meti"), "{via:?}");

    // The audit log: people and organisations by name, targets as cases and names.
    let admin = srv.login_admin().await;
    let (st, html) = page(&admin, "/admin/audit").await;
    assert_eq!(st, 200);
    let log = visible(element(&html, "audit"));
    assert!(
        log.contains("東都 花子") && log.contains("経済 産業"),
        "{log}"
    );
    assert!(log.contains(OP_POWER) && log.contains(METI));
    assert!(log.contains("事案 R1"), "{log}");
    let (_, me) = op.get("/api/v1/me").await;
    let op_id = me["person"]["id"]
        .as_str()
        .or_else(|| me["id"].as_str())
        .unwrap_or_else(|| panic!("person id in {me}"))
        .to_owned();
    assert!(!log.contains(&op_id), "no person id");
    assert!(!log.contains(&chain), "no chain id");
    assert!(!log.contains(">meti<"), "no organisation id");
}

/// A listing's items, the call first proven to succeed.
async fn listing(s: &Session, path: &str) -> Vec<Value> {
    let (st, v) = s.get(path).await;
    assert_eq!(st, 200, "{path}: {v}");
    items(&v)
}

/// 情報連絡を行う場合 ①–③ (行動計画 2.1): the editor asks which case applies, says what each
/// means before sending and what to do when unsure; ② names who judged the impact serious; the
/// chain keeps the case and a follow-up inherits it; bad combinations are refused naming the
/// field and store nothing; API clients that send only `statutory` keep working.
async fn the_reporting_case_is_asked_explained_and_kept(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, html) = page(&op, "/liaison/new").await;
    assert_eq!(st, 200);
    let field = element(&html, "f-case");
    for code in ["statutory", "serious_impact", "own_judgement"] {
        assert!(
            attrs(field, "id").contains(&format!("case-{code}")),
            "{code} is offered: {field}"
        );
    }
    assert!(
        field.contains("セプター経由（匿名化）は選べません"),
        "① says what it closes"
    );
    assert!(
        visible(&html).contains("所管省庁又は内閣官房（NISC）に相談"),
        "what to do when unsure"
    );
    assert!(
        !field.contains("checked"),
        "no case is chosen for the reporter"
    );

    // The editor refuses a report with no case chosen, naming the field; nothing is sent.
    let without_case: Vec<(&str, &str)> = editor_pairs()
        .into_iter()
        .filter(|(k, _)| *k != "statutory")
        .collect();
    let (st, at, html) = submit(&op, "/liaison/new", &without_case).await;
    assert_eq!(
        (st, at.as_str()),
        (422, "/liaison/new"),
        "{}",
        visible(&html)
    );
    assert!(
        element(&html, "f-case").contains("class=\"err\""),
        "shown at the case"
    );
    assert!(
        listing(&op, "/api/v1/liaisons/inbox").await.is_empty(),
        "nothing sent"
    );
    // ② without who judged: refused at that input, the choice kept.
    let mut two = without_case.clone();
    two.push(("case", "serious_impact"));
    let (st, _, html) = submit(&op, "/liaison/new", &two).await;
    assert_eq!(st, 422);
    assert!(element(&html, "f-case_judged_by").contains("class=\"err\""));
    assert!(
        element(&html, "case-serious_impact").contains("checked"),
        "choice kept"
    );
    // ② with who judged: sent, and the case page says so.
    two.push(("case_judged_by", "経済産業省"));
    let (st, at, html) = submit(&op, "/liaison/new", &two).await;
    assert_eq!(st, 200, "{}", visible(&html));
    let chain = at
        .strip_prefix("/chains/")
        .and_then(|r| r.split('?').next())
        .unwrap_or_else(|| panic!("sent to the case: {at}"))
        .to_owned();
    let shown = element(&html, "chain-case");
    assert!(
        shown.contains("②") && shown.contains("経済産業省"),
        "{shown}"
    );
    let (st, c) = op.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(
        (&c["reporting_case"], &c["case_judged_by"], &c["statutory"]),
        (
            &json!("serious_impact"),
            &json!("経済産業省"),
            &json!(false)
        )
    );
    // A follow-up keeps the case, whatever it sends.
    let mut follow = power_form("AMBER");
    follow["report_no"] = json!(2);
    let (st, f) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": follow, "case": "statutory" }),
        )
        .await;
    assert_eq!(st, 201, "{f}");
    let (_, c) = op.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(
        (c["latest_report_no"].as_u64(), &c["reporting_case"]),
        (Some(2), &json!("serious_impact"))
    );

    // The API: a case that contradicts `statutory`, or who-judged outside ②, is refused by
    // field and stores nothing.
    let before = listing(&op, "/api/v1/liaisons").await.len();
    assert!(before >= 1, "the listing works and holds the case above");
    for (body, field, rule) in [
        (
            json!({ "form": power_form("AMBER"), "statutory": true, "case": "own_judgement" }),
            "case",
            "conflicts_with_statutory",
        ),
        (
            json!({ "form": power_form("AMBER"), "case": "own_judgement", "case_judged_by": "経済産業省" }),
            "case_judged_by",
            "serious_impact_only",
        ),
        (
            json!({ "form": power_form("AMBER"), "case": "serious_impact" }),
            "case_judged_by",
            "required",
        ),
        (
            json!({ "form": power_form("AMBER"), "case": "serious_impact", "case_judged_by": "あ".repeat(201) }),
            "case_judged_by",
            "text",
        ),
    ] {
        let (st, v) = op.post("/api/v1/liaisons", body).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            (
                v["errors"][0]["field"].as_str(),
                v["errors"][0]["rule"].as_str()
            ),
            (Some(field), Some(rule)),
            "{v}"
        );
    }
    assert_eq!(
        listing(&op, "/api/v1/liaisons").await.len(),
        before,
        "nothing stored"
    );
    // Older clients: `statutory` alone is ①, nothing is ③.
    for (body, want) in [
        (
            json!({ "form": power_form("AMBER"), "statutory": true }),
            "statutory",
        ),
        (json!({ "form": power_form("AMBER") }), "own_judgement"),
    ] {
        let (st, f) = op.post("/api/v1/liaisons", body).await;
        assert_eq!(st, 201, "{f}");
        let (_, c) = op
            .get(&format!(
                "/api/v1/chains/{}",
                f["chain"].as_str().expect("chain")
            ))
            .await;
        assert_eq!(c["reporting_case"], want, "{c}");
    }
    // The route preview follows the case: ① closes the CEPTOAR route, ③ opens it.
    let (st, p) = op
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "first", "sector": "electric_power", "tlp": "AMBER", "case": "statutory", "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let (st, p) = op
        .post(
            "/api/v1/liaisons/route-preview",
            json!({ "kind": "first", "sector": "electric_power", "tlp": "AMBER", "case": "own_judgement", "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["recipients"][0]["name_ja"], CEPTOAR_POWER, "{p}");
}

/// A GET of a file: status, content type, content disposition, body.
async fn download(s: &Session, path: &str) -> (u16, String, String, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("get file");
    let st = res.status().as_u16();
    let header = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    (st, ct, cd, res.text().await.expect("body"))
}

/// Uploads a form file to the filing page: status and HTML.
async fn upload_form(s: &Session, bytes: Vec<u8>) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("form.json")
        .mime_str("application/json")
        .expect("mime");
    let body = reqwest::multipart::Form::new()
        .text("csrf", s.csrf.clone())
        .part("form_json", part);
    let res = s
        .client
        .post(format!("{}/liaison/new/import", s.base))
        .multipart(body)
        .send()
        .await
        .expect("upload");
    let st = res.status().as_u16();
    (st, res.text().await.expect("html"))
}

/// Each copy and provision leaves as a JSON and a CSV file for its readers only (the same 404
/// as a missing id for anyone else, an AMBER export audited), on the API and the pages alike;
/// the JSON file read back into the filing page fills the editor, and a file that does not fit
/// the form is refused naming the JSON path.
async fn forms_leave_as_json_and_csv_and_a_saved_form_starts_a_filing(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let copy = filed["copies"][0].as_str().expect("copy").to_owned();

    // JSON: the form itself, the shape the filing takes.
    for path in [
        format!("/api/v1/copies/{copy}/form.json"),
        format!("/copies/{copy}/form.json"),
    ] {
        let (st, ct, cd, body) = download(&op, &path).await;
        assert_eq!(st, 200, "{path}: {body}");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        assert!(
            cd.starts_with("attachment;") && cd.contains(".json"),
            "{cd}"
        );
        let form: Value = serde_json::from_str(&body).expect("JSON form");
        assert_eq!(form["tlp"], "AMBER");
        assert_eq!(
            form["summary"]["affected_system"],
            power_form("AMBER")["summary"]["affected_system"]
        );
    }
    // CSV: BOM, a header, the TLP line, one line per filled field with its name on the sheet.
    let (st, ct, _, csv) = download(&op, &format!("/api/v1/copies/{copy}/form.csv")).await;
    assert_eq!(st, 200, "{csv}");
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(
        csv.starts_with("\u{FEFF}\"項目\",\"キー\",\"値\"\r\n"),
        "{csv}"
    );
    assert!(csv.contains("\"情報共有範囲\",\"\",\"AMBER\""), "{csv}");
    assert!(
        csv.contains("\"⑤概要 判明日時\",\"summary.discovered_at\""),
        "{csv}"
    );
    let (_, _, _, csv_en) = download(&op, &format!("/copies/{copy}/form.csv?lang=en")).await;
    assert!(csv_en.contains("\"Item\",\"Key\",\"Value\""), "{csv_en}");

    // Another sector's operator: the same 404 as an id that does not exist.
    let rail = srv.login("op-rail").await;
    for path in [
        format!("/api/v1/copies/{copy}/form.json"),
        format!("/api/v1/copies/{copy}/form.csv"),
        "/api/v1/copies/no-such-copy/form.json".to_owned(),
    ] {
        let (st, _, _, body) = download(&rail, &path).await;
        assert_eq!(st, 404, "{path}: {body}");
    }

    // A provision NISC drafted: its JSON and CSV for NISC, nothing for an operator.
    let nisc = srv.login("nisc").await;
    let pform = json!({
        "importance": "caution", "tlp": "GREEN", "has_attachments": false,
        "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
        "summary": "電力分野で給電指令システムへの大量アクセス。",
        "targets": "給電指令システム",
        "countermeasures": "通信先 203.0.113.7 をブロックすること。",
        "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
    });
    let (st, draft) = nisc
        .post(
            "/api/v1/provisions",
            json!({ "form": pform, "sources": [] }),
        )
        .await;
    assert_eq!(st, 201, "{draft}");
    let pid = draft["id"].as_str().expect("id").to_owned();
    let (st, _, _, body) = download(&nisc, &format!("/api/v1/provisions/{pid}/form.json")).await;
    assert_eq!(st, 200, "{body}");
    let pjson: Value = serde_json::from_str(&body).expect("provision JSON");
    assert_eq!(pjson["targets"], "給電指令システム");
    let (st, _, _, pcsv) = download(&nisc, &format!("/provisions/{pid}/form.csv")).await;
    assert_eq!(st, 200);
    assert!(pcsv.contains("\"targets\",\"給電指令システム\""), "{pcsv}");
    let (st, _, _, _) = download(&op, &format!("/api/v1/provisions/{pid}/form.json")).await;
    assert_eq!(st, 404, "a draft is NISC's own");

    // The AMBER export is in the audit log.
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{log}");
    assert!(log.to_string().contains("copy.export"), "exports audited");

    // The saved JSON starts a new filing: the editor comes back filled in, nothing sent.
    let (_, _, _, saved) = download(&op, &format!("/api/v1/copies/{copy}/form.json")).await;
    let (_, before) = op.get("/api/v1/liaisons/inbox").await;
    let (st, html) = upload_form(&op, saved.into_bytes()).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("給電指令システム"), "the form is filled in");
    assert!(
        element(&html, "tlp-AMBER").contains("checked"),
        "the TLP is chosen"
    );
    let (_, after) = op.get("/api/v1/liaisons/inbox").await;
    assert_eq!(
        items(&before).len(),
        items(&after).len(),
        "reading a file sends nothing"
    );

    // A file that does not fit: refused on the page, naming the path; still nothing sent.
    let (st, html) = upload_form(&op, br#"{"summary":{"discovered_at":12}}"#.to_vec()).await;
    assert_eq!(st, 422, "{html}");
    assert!(html.contains("summary.discovered_at"), "names the path");
    assert!(
        element(&html, "import-form").contains("open"),
        "the upload box stays open"
    );
    let (st, html) = upload_form(&op, b"not json".to_vec()).await;
    assert_eq!(st, 422);
    // (The page is in the person's language, English since the `?lang=en` download above.)
    let errors = element(&html, "form-errors");
    assert!(
        errors.contains("#f-form_json") && errors.contains("Form file"),
        "names the field: {errors}"
    );
    let (_, after) = op.get("/api/v1/liaisons/inbox").await;
    assert_eq!(items(&before).len(), items(&after).len());
}
