//! Text input through the real router on both backends: every field has a length and format
//! limit, names refuse invisible format characters, the error names the field and the rule, and
//! nothing stored changes.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    names_refuse_overlong_and_invisible_text_and_nothing_changes,
    form_and_message_fields_are_bounded_and_nothing_is_stored,
    ceptoar_masks_the_reporter_and_keeps_the_attacker,
);

/// A successful listing's `items` (the call must have succeeded and returned an array).
async fn items(s: &Session, path: &str) -> Vec<Value> {
    let (st, v) = s.get(path).await;
    assert_eq!(st, 200, "{path}: {v}");
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no items array in {v}"))
        .clone()
}

/// The 422 names exactly this field and rule, in both languages.
fn refused(st: u16, v: &Value, field: &str, rule: &str) {
    assert_eq!(st, 422, "{field}/{rule}: {v}");
    assert_eq!(v["errors"][0]["field"], field, "{v}");
    assert_eq!(v["errors"][0]["rule"], rule, "{v}");
    for lang in ["message_ja", "message_en"] {
        assert!(
            v["errors"][0][lang].as_str().is_some_and(|m| !m.is_empty()),
            "{lang}: {v}"
        );
    }
}

async fn names_refuse_overlong_and_invisible_text_and_nothing_changes(b: Backend) {
    let srv = TestServer::start(b).await;
    let admin = srv.login_admin().await;
    let before = items(&admin, "/api/v1/orgs").await;
    assert!(!before.is_empty());

    // Creating an organisation.
    let org =
        |name: &str| json!({ "kind": "operator", "name_ja": name, "sectors": ["electric_power"] });
    let (st, v) = admin.post("/api/v1/orgs", org(&"東".repeat(100_000))).await;
    refused(st, &v, "name_ja", "too_long");
    let (st, v) = admin.post("/api/v1/orgs", org("東都\u{202E}電力")).await;
    refused(st, &v, "name_ja", "invisible_char");
    assert!(v["errors"][0]["message_en"]
        .as_str()
        .is_some_and(|m| m.contains("U+202E")));
    let (st, v) = admin.post("/api/v1/orgs", org("東\u{200B}都電力")).await;
    refused(st, &v, "name_ja", "invisible_char");
    let (st, v) = admin.post("/api/v1/orgs", org("東都\u{0000}電力")).await;
    refused(st, &v, "name_ja", "control_char");
    let mut with_alias = org("新電力株式会社");
    with_alias["aliases"] = json!(["新\u{200D}電力"]);
    let (st, v) = admin.post("/api/v1/orgs", with_alias).await;
    refused(st, &v, "aliases", "invisible_char");
    let after = items(&admin, "/api/v1/orgs").await;
    assert_eq!(after.len(), before.len(), "no organisation was created");

    // A full-width name is stored NFKC-normalised.
    let (st, v) = admin.post("/api/v1/orgs", org("ＮＥＷ電力㈱")).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["name_ja"], "NEW電力(株)");

    // Updating an organisation: refused changes leave it as it was.
    let op = srv.login("op-power").await; // org admin of 東都電力
    let (st, me) = op.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    let own = me["org"]["id"].as_str().expect("org").to_owned();
    let name_before = me["org"]["name_ja"].clone();
    let (st, v) = admin
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "name_ja": "東都\u{202E}電力" }),
        )
        .await;
    refused(st, &v, "name_ja", "invisible_char");
    let (st, v) = admin
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "name_ja": "東".repeat(100_000) }),
        )
        .await;
    refused(st, &v, "name_ja", "too_long");
    let (st, v) = op
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "aliases": ["東都\u{200B}"] }),
        )
        .await;
    refused(st, &v, "aliases", "invisible_char");
    let (st, v) = op
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "name_ja": "改名電力" }),
        )
        .await;
    assert_eq!(
        st, 403,
        "an org admin does not rename its organisation: {v}"
    );
    let (_, me) = op.get("/api/v1/me").await;
    assert_eq!(me["org"]["name_ja"], name_before, "unchanged");
    let (st, v) = op
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "aliases": ["東都電力", "ＴＯＨＴＯ"] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["aliases"], json!(["東都電力", "TOHTO"]));

    // Creating a person.
    let people_path = format!("/api/v1/orgs/{own}/people");
    let people_before = items(&op, &people_path).await;
    let person = |name: &str| {
        json!({
            "login": "newcomer", "display_name": name, "password": "correct-horse-battery",
            "roles": ["reader"], "employment": "staff"
        })
    };
    let (st, v) = op.post(&people_path, person(&"山".repeat(100_000))).await;
    refused(st, &v, "display_name", "too_long");
    let (st, v) = op.post(&people_path, person("山田\u{202E}太郎")).await;
    refused(st, &v, "display_name", "invisible_char");
    let (st, v) = op.post(&people_path, person("山田\u{200B}太郎")).await;
    refused(st, &v, "display_name", "invisible_char");
    let mut bad_mail = person("山田 太郎");
    bad_mail["email"] = json!("yamada.example.jp");
    let (st, v) = op.post(&people_path, bad_mail).await;
    refused(st, &v, "email", "format");
    let mut bad_phone = person("山田 太郎");
    bad_phone["phone"] = json!("03-1234-5678 内線");
    let (st, v) = op.post(&people_path, bad_phone).await;
    refused(st, &v, "phone", "format");
    let mut bad_dept = person("山田 太郎");
    bad_dept["department"] = json!("情報\u{2066}システム部");
    let (st, v) = op.post(&people_path, bad_dept).await;
    refused(st, &v, "department", "invisible_char");
    assert_eq!(
        items(&op, &people_path).await.len(),
        people_before.len(),
        "nobody was created"
    );

    // Updating one's own profile.
    let my_id = me["person"]["id"].as_str().expect("person id").to_owned();
    let name_before = me["person"]["display_name"].clone();
    let (st, v) = op
        .patch(
            &format!("/api/v1/people/{my_id}"),
            json!({ "display_name": "東都\u{202E}花子" }),
        )
        .await;
    refused(st, &v, "display_name", "invisible_char");
    let (st, v) = op
        .patch(
            &format!("/api/v1/people/{my_id}"),
            json!({ "display_name": "東".repeat(100_000) }),
        )
        .await;
    refused(st, &v, "display_name", "too_long");
    let (_, me) = op.get("/api/v1/me").await;
    assert_eq!(me["person"]["display_name"], name_before, "unchanged");
    let (st, v) = op
        .patch(
            &format!("/api/v1/people/{my_id}"),
            json!({ "phone": "０３－１２３４－５６７８" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["phone"], "03-1234-5678");
}

async fn form_and_message_fields_are_bounded_and_nothing_is_stored(b: Backend) {
    let srv = TestServer::start(b).await;

    // 情報連絡様式 (図４).
    let op = srv.login("op-power").await;
    assert!(items(&op, "/api/v1/liaisons/inbox").await.is_empty());
    let mut form = power_form("AMBER");
    form["summary"]["description"] = json!("あ".repeat(100_000));
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    refused(st, &v, "summary.description", "too_long");
    let mut form = power_form("AMBER");
    form["operator_name"] = json!("東都\u{200B}電力");
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    refused(st, &v, "operator_name", "invisible_char");
    let mut form = power_form("AMBER");
    form["lessons"] = json!("教訓\u{0000}");
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    refused(st, &v, "lessons", "control_char");
    let mut form = power_form("AMBER");
    form["timeline"] = json!([{ "at": "8/19\n04:00", "event": "検知" }]);
    let (st, v) = op.post("/api/v1/liaisons", json!({ "form": form })).await;
    refused(st, &v, "timeline.at", "line_break");
    assert!(
        items(&op, "/api/v1/liaisons/inbox").await.is_empty(),
        "nothing stored"
    );

    // 情報提供様式 (図７): a draft keeps its last valid content.
    let nisc = srv.login("nisc").await;
    let draft = |summary: &str| {
        json!({ "form": {
            "importance": "caution", "tlp": "GREEN", "has_attachments": false,
            "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
            "summary": summary
        } })
    };
    let (st, v) = nisc
        .post("/api/v1/provisions", draft(&"あ".repeat(100_000)))
        .await;
    refused(st, &v, "summary", "too_long");
    let (st, d) = nisc
        .post("/api/v1/provisions", draft("注意喚起の概要"))
        .await;
    assert_eq!(st, 201, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let (st, v) = nisc
        .put(
            &format!("/api/v1/provisions/{id}"),
            draft(&"あ".repeat(20_001)),
        )
        .await;
    refused(st, &v, "summary", "too_long");
    let (st, v) = nisc
        .put(&format!("/api/v1/provisions/{id}"), draft("概要\u{0000}"))
        .await;
    refused(st, &v, "summary", "control_char");
    let (st, v) = nisc.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v["form"]["summary"], "注意喚起の概要",
        "the draft is unchanged: {v}"
    );

    // A source item NISC records.
    let before = items(&nisc, "/api/v1/source-items").await;
    let (st, v) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "件名\n改行", "tlp": "GREEN" }),
        )
        .await;
    refused(st, &v, "title", "line_break");
    let (st, v) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "t".repeat(100_000), "tlp": "GREEN" }),
        )
        .await;
    refused(st, &v, "title", "too_long");
    assert_eq!(
        items(&nisc, "/api/v1/source-items").await.len(),
        before.len(),
        "nothing recorded"
    );

    // A personal API token.
    let tokens = items(&op, "/api/v1/tokens").await;
    let (st, v) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "x".repeat(101), "scopes": ["read"] }),
        )
        .await;
    refused(st, &v, "name", "too_long");
    let (st, v) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "CI\u{0000}", "scopes": ["read"] }),
        )
        .await;
    refused(st, &v, "name", "control_char");
    assert_eq!(items(&op, "/api/v1/tokens").await.len(), tokens.len());
}

/// The CEPTOAR route: what identifies the reporter (an address, its own domain defanged, its
/// IP range, its people, its phone number) is masked; the attacker's URL is kept for the other
/// operators, and the CEPTOAR can mask a kept indicator too. The ministry's copy holds none of
/// the reporter's identifiers but does hold the attacker's URL.
async fn ceptoar_masks_the_reporter_and_keeps_the_attacker(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await; // org admin of 東都電力 (domain tohto-epco.example.jp)
    let (st, me) = op.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    let own = me["org"]["id"].as_str().expect("org").to_owned();
    let (st, v) = op
        .patch(
            &format!("/api/v1/orgs/{own}"),
            json!({ "ip_ranges": ["192.0.2.0/24"], "addresses": ["〒100-0011 東京都千代田区内幸町一丁目1番3号"] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    // Other operators do not see the registered details; the organisation's own admin does.
    let others = items(&srv.login("op-power2").await, "/api/v1/orgs").await;
    let seen = others
        .iter()
        .find(|o| o["id"] == own.as_str())
        .expect("listed");
    assert_eq!(seen["ip_ranges"], json!([]), "{seen}");
    let mine = items(&op, "/api/v1/orgs").await;
    let seen = mine
        .iter()
        .find(|o| o["id"] == own.as_str())
        .expect("listed");
    assert_eq!(seen["ip_ranges"], json!(["192.0.2.0/24"]), "{seen}");

    let mut form = power_form("GREEN");
    form["summary"]["affected_system"] = json!("社内ポータル portal[.]tohto-epco[.]example[.]jp");
    form["summary"]["description"] = json!(
        "東都電力の本社（東京都千代田区丸の内1-1-1）で、社内の 192.0.2[.]10 から \
         hxxps://evil-c2[.]example/gate.php への通信を検知。送信元 attacker@phish.example。\
         担当 東都 花子（０３－１２３４－５６７８）。"
    );
    form["timeline"] =
        json!([{ "at": "11/20 10:00", "event": "委託 次郎が内幸町一丁目1番3号の拠点で確認" }]);
    form["lessons"] = json!("東\u{200D}都電力として再発防止に努める");
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "via_ceptoar": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    let chain = filed["chain"].as_str().expect("chain").to_owned();

    let cep = srv.login("ceptoar-power").await;
    let rows = items(&cep, "/api/v1/liaisons/inbox").await;
    assert_eq!(rows.len(), 1);
    let first = rows[0]["summary"]["id"].as_str().expect("id").to_owned();
    let (st, preview) = cep
        .get(&format!("/api/v1/copies/{first}/anonymise-preview"))
        .await;
    assert_eq!(st, 200, "{preview}");
    let maskings = preview["maskings"].as_array().expect("maskings array");
    let kept = preview["kept"].as_array().expect("kept array");
    let masked = |kind: &str, original: &str| {
        maskings.iter().any(|m| {
            m["kind"] == kind && m["original"].as_str().is_some_and(|o| o.contains(original))
        })
    };
    assert!(masked("address", "東京都千代田区丸の内1-1-1"), "{preview}");
    assert!(masked("address", "内幸町一丁目1番3号"), "{preview}");
    assert!(
        masked("domain", "portal[.]tohto-epco[.]example[.]jp"),
        "{preview}"
    );
    assert!(masked("ip", "192.0.2[.]10"), "{preview}");
    assert!(masked("person", "東都 花子"), "{preview}");
    assert!(masked("person", "委託 次郎"), "{preview}");
    assert!(masked("phone", "０３－１２３４－５６７８"), "{preview}");
    assert!(masked("operator", "東\u{200D}都電力"), "{preview}");
    let kept_value = |value: &str| kept.iter().any(|k| k["value"] == value);
    assert!(kept_value("https://evil-c2.example/gate.php"), "{preview}");
    assert!(kept_value("attacker@phish.example"), "{preview}");
    let text = preview["form"].to_string();
    for gone in [
        "東都",
        "丸の内",
        "内幸町",
        "tohto-epco",
        "192.0.2",
        "花子",
        "次郎",
        "１２３４",
    ] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    assert!(
        text.contains("hxxps://evil-c2[.]example/gate.php"),
        "{text}"
    );

    // One more term masked on request: the kept e-mail address.
    let (st, again) = cep
        .get(&format!(
            "/api/v1/copies/{first}/anonymise-preview?mask=attacker%40phish.example"
        ))
        .await;
    assert_eq!(st, 200, "{again}");
    assert!(again["kept"]
        .as_array()
        .expect("kept")
        .iter()
        .all(|k| k["value"] != "attacker@phish.example"));
    assert!(
        !again["form"].to_string().contains("phish.example"),
        "{again}"
    );
    // The forward page offers the same, one click per kept indicator.
    let res = cep
        .client
        .get(format!(
            "{}/copies/{first}/forward?mask=attacker%40phish.example",
            cep.base
        ))
        .send()
        .await
        .expect("forward page");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.expect("html");
    assert!(
        html.contains("id=\"kept\"") && html.contains("mask-this"),
        "{html}"
    );
    assert!(
        html.contains("name=\"mask\" value=\"attacker@phish.example\""),
        "{html}"
    );

    // Extra terms only with anonymisation.
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": again["form"], "anonymise": false, "mask": ["attacker@phish.example"] }),
        )
        .await;
    refused(st, &v, "mask", "needs_anonymise");
    let meti = srv.login("meti").await;
    let (st, _) = meti.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 404, "nothing reached the ministry");

    // The ministry's copy: none of the reporter's identifiers, the attacker's URL intact.
    let (st, fwd) = cep
        .post(
            &format!("/api/v1/copies/{first}/forward"),
            json!({ "form": preview["form"], "anonymise": true, "mask": ["attacker@phish.example"] }),
        )
        .await;
    assert_eq!(st, 201, "{fwd}");
    let (st, ch) = meti.get(&format!("/api/v1/chains/{chain}")).await;
    assert_eq!(st, 200, "{ch}");
    let copies = ch["copies"].as_array().expect("copies");
    assert_eq!(copies.len(), 1, "{ch}");
    let copy = copies[0].to_string();
    for gone in [
        "東都",
        "丸の内",
        "内幸町",
        "tohto-epco",
        "tohto",
        "192.0.2",
        "花子",
        "次郎",
        "１２３４",
        "phish.example",
        "op-power@demo",
    ] {
        assert!(!copy.contains(gone), "{gone} reached the ministry: {copy}");
    }
    assert!(
        copy.contains("hxxps://evil-c2[.]example/gate.php"),
        "{copy}"
    );
}
