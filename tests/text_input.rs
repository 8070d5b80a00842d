//! Text input through the real router on both backends: every field has a length and format
//! limit, names refuse invisible format characters, the error names the field and the rule, and
//! nothing stored changes.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Postgres).await } )*
        }
    };
}

on_both_backends!(
    names_refuse_overlong_and_invisible_text_and_nothing_changes,
    form_and_message_fields_are_bounded_and_nothing_is_stored,
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
