//! People administration and people managing themselves, through the real router on both
//! backends: administration rights never reach a platform administrator or anyone with more
//! rights than the actor, the last platform administrator stays, everyone changes their own
//! password, and a password someone else chose must be changed before anything else.

use crate::common::{items, web_sign_in, Backend, Session, TestServer, ADMIN_PASSWORD, PASSWORD};
use reqwest::redirect::Policy;
use reqwest::Client;
use serde_json::{json, Value};

on_both_backends!(
    org_admin_inside_nisc_cannot_touch_the_platform_admin,
    the_last_platform_admin_stays,
    people_change_their_own_password,
    one_time_passwords_must_be_changed_first,
    web_sends_a_one_time_password_to_the_change_page,
);

/// The id of `login` in `org`'s people, as `who` lists them.
async fn person_id(who: &Session, org: &str, login: &str) -> String {
    let (st, people) = who.get(&format!("/api/v1/orgs/{org}/people")).await;
    assert_eq!(st, 200, "{people}");
    items(&people)
        .into_iter()
        .find(|p| p["login"] == login)
        .unwrap_or_else(|| panic!("{login} listed in {org}"))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A 403 problem+json naming why, in Japanese and English.
fn assert_refused(st: u16, v: &Value, what: &str) {
    assert_eq!(st, 403, "{what}: {v}");
    assert_eq!(v["type"], "/problems/forbidden", "{what}: {v}");
    assert!(
        v["title"].as_str().is_some_and(|t| !t.is_empty())
            && v["title_ja"].as_str().is_some_and(|t| !t.is_ascii()),
        "{what}: bilingual message in {v}"
    );
}

/// Audit entries with this action, newest first (as a platform administrator reads them).
async fn audited(admin: &Session, action: &str) -> Vec<Value> {
    let (st, log) = admin.get("/api/v1/audit?limit=500").await;
    assert_eq!(st, 200, "{log}");
    items(&log)
        .into_iter()
        .filter(|e| e["action"] == action)
        .collect()
}

fn new_person(login: &str, roles: &[&str]) -> Value {
    json!({
        "login": login, "display_name": "新人 一郎", "password": "one-time-password-1",
        "roles": roles, "employment": "staff"
    })
}

/// Issue 7 #5: an organisation administrator inside NISC sees the platform administrator in
/// NISC's people but cannot deactivate them, change their roles or reset their password, nor
/// grant a role they do not hold; each refusal is a 403 and audited. The same administrator
/// still manages an ordinary member, and another organisation's admin does not even see them.
async fn org_admin_inside_nisc_cannot_touch_the_platform_admin(b: Backend) {
    let srv = TestServer::start(b).await;
    let admin = srv.login_admin().await;
    let (st, v) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            new_person("nisc-admin", &["reader", "org_admin"]),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            new_person("nisc-member", &["reader"]),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let nisc_admin = srv
        .login_changing_password("nisc-admin", "one-time-password-1", "nisc-admin-own-pw")
        .await;

    // The platform administrator is visible to NISC's org admin: refusals are 403, not 404.
    let admin_id = person_id(&nisc_admin, "nisc", "admin").await;
    let before = audited(&admin, "person.admin_refused").await.len();
    let (st, v) = nisc_admin
        .post(
            &format!("/api/v1/people/{admin_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_refused(st, &v, "deactivating the platform admin");
    let (st, v) = nisc_admin
        .put(
            &format!("/api/v1/people/{admin_id}/roles"),
            json!({ "roles": ["reader"] }),
        )
        .await;
    assert_refused(st, &v, "editing the platform admin's roles");
    let (st, v) = nisc_admin
        .put(
            &format!("/api/v1/people/{admin_id}/password"),
            json!({ "password": "taken-over-password" }),
        )
        .await;
    assert_refused(st, &v, "resetting the platform admin's password");
    let (st, v) = nisc_admin
        .patch(
            &format!("/api/v1/people/{admin_id}"),
            json!({ "display_name": "乗っ取り 太郎" }),
        )
        .await;
    assert_refused(st, &v, "editing the platform admin's profile");
    // Nor granting what they do not hold: platform_admin above all, but also approver.
    let member_id = person_id(&nisc_admin, "nisc", "nisc-member").await;
    let (st, v) = nisc_admin
        .put(
            &format!("/api/v1/people/{member_id}/roles"),
            json!({ "roles": ["reader", "platform_admin"] }),
        )
        .await;
    assert_refused(st, &v, "granting platform_admin");
    let (st, v) = nisc_admin
        .put(
            &format!("/api/v1/people/{member_id}/roles"),
            json!({ "roles": ["reader", "approver"] }),
        )
        .await;
    assert_refused(st, &v, "granting a role the actor lacks");
    let (st, v) = nisc_admin
        .post(
            "/api/v1/orgs/nisc/people",
            new_person("boss", &["platform_admin"]),
        )
        .await;
    assert_refused(st, &v, "creating a platform admin");

    // Nothing changed: the platform administrator still signs in with their own password and
    // keeps the role; the member keeps theirs.
    let again = srv.login_with("admin", ADMIN_PASSWORD).await;
    let (st, me) = again.get("/api/v1/me").await;
    assert_eq!(st, 200);
    assert_eq!(me["person"]["active"], json!(true));
    assert_eq!(me["person"]["display_name"], "基盤管理者");
    assert!(me["person"]["roles"]
        .as_array()
        .expect("roles")
        .contains(&json!("platform_admin")));
    let (_, people) = admin.get("/api/v1/orgs/nisc/people").await;
    let member = items(&people)
        .into_iter()
        .find(|p| p["login"] == "nisc-member")
        .expect("member");
    assert_eq!(member["roles"], json!(["reader"]));

    // Every refusal is audited, naming the change and the rule.
    let refused = audited(&admin, "person.admin_refused").await;
    assert_eq!(refused.len(), before + 7, "{refused:?}");
    let rules: Vec<&str> = refused[..7]
        .iter()
        .filter_map(|e| e["detail"]["refusal"]["rule"].as_str())
        .collect();
    assert_eq!(
        rules.iter().filter(|r| **r == "outranks").count(),
        4,
        "{rules:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == "grant_beyond_own").count(),
        3,
        "{rules:?}"
    );

    // Positive control: the rule does not refuse everything.
    let (st, v) = nisc_admin
        .put(
            &format!("/api/v1/people/{member_id}/roles"),
            json!({ "roles": ["reader", "org_admin"] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["roles"], json!(["reader", "org_admin"]));
    let (st, v) = nisc_admin
        .post(
            &format!("/api/v1/people/{member_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(st, 204, "{v}");

    // Another organisation's administrator cannot see NISC's people at all: 404, like a
    // missing id, and audited too.
    let op = srv.login("op-power").await;
    let (st, _) = op
        .post(
            &format!("/api/v1/people/{admin_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(st, 404);
    let (st, _) = op
        .post(
            "/api/v1/people/no-such-person/active",
            json!({ "active": false }),
        )
        .await;
    assert_eq!(st, 404, "the same answer as a missing id");
    let refused = audited(&admin, "person.admin_refused").await;
    assert_eq!(refused[0]["detail"]["refusal"]["rule"], "out_of_reach");

    // The admin page shows NISC's org admin no control over the platform admin's row.
    let page = html(&nisc_admin, "/admin/orgs/nisc").await;
    let row = row_of(&page, "admin");
    assert!(
        !row.contains("/active\"") && !row.contains("/password\"") && !row.contains("/roles\""),
        "no controls on the platform admin's row: {row}"
    );
    let row = row_of(&page, "nisc-admin");
    assert!(
        row.contains("/password\""),
        "controls on a peer's row: {row}"
    );
}

/// A UI page as the session's person sees it.
async fn html(s: &Session, path: &str) -> String {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.expect("html")
}

/// The caller's own person and organisation ids.
async fn ids_of(s: &Session) -> (String, String) {
    let (st, me) = s.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    (
        me["person"]["id"].as_str().expect("person id").to_owned(),
        me["org"]["id"].as_str().expect("org id").to_owned(),
    )
}

/// The `<tr>` of `login` in the people table.
fn row_of<'a>(page: &'a str, login: &str) -> &'a str {
    let start = page
        .find(&format!("<tr data-login=\"{login}\">"))
        .unwrap_or_else(|| panic!("row of {login}"));
    let end = page[start..].find("</tr>").expect("row end") + start;
    &page[start..end]
}

/// The last active platform administrator can be neither deactivated nor stripped of the role,
/// by themselves or another platform administrator; with two, one may go.
async fn the_last_platform_admin_stays(b: Backend) {
    let srv = TestServer::start(b).await;
    let admin = srv.login_admin().await;
    let admin_id = person_id(&admin, "nisc", "admin").await;
    let (st, v) = admin
        .post(
            &format!("/api/v1/people/{admin_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_refused(st, &v, "deactivating oneself as the last platform admin");
    let (st, v) = admin
        .put(
            &format!("/api/v1/people/{admin_id}/roles"),
            json!({ "roles": ["org_admin"] }),
        )
        .await;
    assert_refused(st, &v, "dropping the last platform-admin role");
    let refused = audited(&admin, "person.admin_refused").await;
    assert_eq!(
        refused[0]["detail"]["refusal"]["rule"], "last_platform_admin",
        "{refused:?}"
    );

    // A second platform administrator (their password is one-time too).
    let (st, v) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            new_person("admin2", &["platform_admin"]),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let admin2 = srv
        .login_changing_password("admin2", "one-time-password-1", "admin2-own-password")
        .await;
    let (st, v) = admin2
        .post(
            &format!("/api/v1/people/{admin_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(st, 204, "one of two may go: {v}");
    let (st, _) = admin.get("/api/v1/me").await;
    assert_eq!(st, 401, "deactivated: session ended");
    let admin2_id = person_id(&admin2, "nisc", "admin2").await;
    let (st, v) = admin2
        .post(
            &format!("/api/v1/people/{admin2_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_refused(st, &v, "the second is now the last");
    // Reactivating the first is fine, and then the second may drop the role.
    let (st, _) = admin2
        .post(
            &format!("/api/v1/people/{admin_id}/active"),
            json!({ "active": true }),
        )
        .await;
    assert_eq!(st, 204);
    let (st, v) = admin2
        .put(
            &format!("/api/v1/people/{admin2_id}/roles"),
            json!({ "roles": ["reader"] }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
}

/// A signed-in person changes their own password: current password required (a wrong one counts
/// as a failed sign-in), the password rule applies, an API token cannot do it; afterwards every
/// other session has ended, this one stays, failed sign-ins are cleared, and it is audited.
async fn people_change_their_own_password(b: Backend) {
    let srv = TestServer::start(b).await;
    let here = srv.login("op-power").await;
    let elsewhere = srv.login("op-power").await;
    let (st, t) = here
        .post(
            "/api/v1/tokens",
            json!({ "name": "ci", "scopes": ["read", "write", "admin"] }),
        )
        .await;
    assert_eq!(st, 201, "{t}");
    let token = t["token"].as_str().expect("token").to_owned();
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });

    // A token must not change a password.
    let res = reqwest::Client::new()
        .put(format!("{}/api/v1/me/password", srv.base))
        .bearer_auth(&token)
        .json(&change(PASSWORD, "a-token-chosen-password"))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 403);
    let v: Value = res.json().await.expect("problem");
    assert_eq!(v["type"], "/problems/forbidden", "{v}");

    // Bad input names the field and the rule; nothing changes.
    let (st, v) = here
        .put(
            "/api/v1/me/password",
            change("wrong-password!", "brand-new-password"),
        )
        .await;
    assert_eq!(
        (
            st,
            v["errors"][0]["field"].as_str(),
            v["errors"][0]["rule"].as_str()
        ),
        (422, Some("current_password"), Some("credentials")),
        "{v}"
    );
    let (st, v) = here
        .put("/api/v1/me/password", change(PASSWORD, "short"))
        .await;
    assert_eq!(
        (
            st,
            v["errors"][0]["field"].as_str(),
            v["errors"][0]["rule"].as_str()
        ),
        (422, Some("new_password"), Some("min_length")),
        "{v}"
    );
    let (st, v) = here
        .put("/api/v1/me/password", change(PASSWORD, PASSWORD))
        .await;
    assert_eq!(
        (st, v["errors"][0]["rule"].as_str()),
        (422, Some("unchanged")),
        "{v}"
    );
    let (st, _) = elsewhere.get("/api/v1/me").await;
    assert_eq!(st, 200, "nothing changed yet");

    // Failed sign-ins before the change (with the wrong current password above: 4 of 5).
    for _ in 0..3 {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/session", srv.base))
            .json(&json!({ "login": "op-power", "password": "not-the-password" }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 422);
    }

    let (st, v) = here
        .put(
            "/api/v1/me/password",
            change(PASSWORD, "op-power-new-password"),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, _) = here.get("/api/v1/me").await;
    assert_eq!(st, 200, "the session that changed it stays");
    let (st, _) = elsewhere.get("/api/v1/me").await;
    assert_eq!(st, 401, "every other session ended");

    // Failures were cleared: four more wrong attempts do not reach the limit of five.
    for _ in 0..4 {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/session", srv.base))
            .json(&json!({ "login": "op-power", "password": PASSWORD }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 422, "the old password no longer works");
    }
    let fresh = srv.login_with("op-power", "op-power-new-password").await;
    let (st, _) = fresh.get("/api/v1/liaisons").await;
    assert_eq!(st, 200);

    let admin = srv.login_admin().await;
    let changes = audited(&admin, "person.password_change").await;
    let (op_id, _) = ids_of(&here).await;
    assert!(
        changes.iter().any(|e| e["target"] == json!(op_id)),
        "audited: {changes:?}"
    );
    assert!(!audited(&admin, "person.password_change_failed")
        .await
        .is_empty());
}

/// A password someone else chose (the bootstrap administrator's, one an administrator set or
/// reset) must be changed first: the API answers 403 `password-change-required` everywhere but
/// who-am-I, the change and sign-out, and no API token can be made. Demo people are not
/// flagged. An administrator's reset ends the person's sessions and flags them again.
async fn one_time_passwords_must_be_changed_first(b: Backend) {
    let srv = TestServer::start(b).await;
    let (admin, must_change) = srv.sign_in("admin", &srv.admin_password).await;
    assert!(must_change, "bootstrap's printed password is one-time");
    let (st, me) = admin.get("/api/v1/me").await;
    assert_eq!(st, 200);
    assert_eq!(me["person"]["must_change_password"], json!(true));
    for path in [
        "/api/v1/liaisons",
        "/api/v1/orgs",
        "/api/v1/audit",
        "/api/v1/tokens",
        "/api/v1/notifications",
    ] {
        let (st, v) = admin.get(path).await;
        assert_eq!(st, 403, "GET {path}: {v}");
        assert_eq!(v["type"], "/problems/password-change-required", "{v}");
        assert_eq!(v["errors"][0]["rule"], "change_required", "{v}");
        assert!(v["title_ja"].as_str().is_some_and(|t| !t.is_ascii()));
    }
    let (st, v) = admin
        .post("/api/v1/tokens", json!({ "name": "x", "scopes": ["read"] }))
        .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (403, Some("/problems/password-change-required")),
        "no token before the change: {v}"
    );
    let (st, v) = admin
        .post(
            "/api/v1/orgs",
            json!({ "kind": "operator", "name_ja": "x", "sectors": ["electric_power"] }),
        )
        .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (403, Some("/problems/password-change-required"))
    );
    // Signing out is allowed.
    let (other, _) = srv.sign_in("admin", &srv.admin_password).await;
    let (st, _) = other.delete("/api/v1/session").await;
    assert_eq!(st, 204);
    let (st, _) = other.get("/api/v1/me").await;
    assert_eq!(st, 401);

    // The change lifts the restriction for this session.
    let (st, v) = admin
        .put(
            "/api/v1/me/password",
            json!({ "current_password": srv.admin_password, "new_password": ADMIN_PASSWORD }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, v) = admin.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{v}");
    assert!(!items(&v).is_empty());
    let (st, v) = admin
        .post(
            "/api/v1/tokens",
            json!({ "name": "ops", "scopes": ["read"] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");

    // Demo people keep the known demo password.
    let (_, must_change) = srv.sign_in("op-power2", PASSWORD).await;
    assert!(!must_change, "demo people are not flagged");

    // An administrator resets a password: the person's sessions end, and the new one is
    // one-time again.
    let (victim, _) = srv.sign_in("op-power2", PASSWORD).await;
    let (id, _) = ids_of(&victim).await;
    let (st, v) = admin
        .put(
            &format!("/api/v1/people/{id}/password"),
            json!({ "password": "short" }),
        )
        .await;
    assert_eq!(
        (st, v["errors"][0]["field"].as_str()),
        (422, Some("password")),
        "{v}"
    );
    let (st, _) = victim.get("/api/v1/me").await;
    assert_eq!(st, 200, "a refused reset changes nothing");
    let (st, v) = admin
        .put(
            &format!("/api/v1/people/{id}/password"),
            json!({ "password": "reset-by-admin-1" }),
        )
        .await;
    assert_eq!(st, 204, "{v}");
    let (st, _) = victim.get("/api/v1/me").await;
    assert_eq!(st, 401, "sessions ended by the reset");
    let s = srv
        .login_changing_password("op-power2", "reset-by-admin-1", "op-power2-own-pw")
        .await;
    let (st, _) = s.get("/api/v1/liaisons").await;
    assert_eq!(st, 200);
    assert_eq!(audited(&admin, "person.password_reset").await.len(), 1);

    // A flagged person's API token (made before a reset) is held to the same gate.
    let (st, t) = s
        .post("/api/v1/tokens", json!({ "name": "t", "scopes": ["read"] }))
        .await;
    assert_eq!(st, 201, "{t}");
    let token = t["token"].as_str().expect("token").to_owned();
    let (st, _) = admin
        .put(
            &format!("/api/v1/people/{id}/password"),
            json!({ "password": "reset-by-admin-2" }),
        )
        .await;
    assert_eq!(st, 204);
    let bearer = |path: &str| {
        reqwest::Client::new()
            .get(format!("{}{path}", srv.base))
            .bearer_auth(&token)
            .send()
    };
    let res = bearer("/api/v1/liaisons").await.expect("get");
    assert_eq!(res.status(), 403);
    let v: Value = res.json().await.expect("problem");
    assert_eq!(v["type"], "/problems/password-change-required");
    let res = bearer("/api/v1/me").await.expect("get");
    assert_eq!(res.status(), 200, "who-am-I stays open");
}

/// In the UI, a person with a one-time password is sent to the change-password page from every
/// page but sign-out and static assets; changing it there lets them in.
async fn web_sends_a_one_time_password_to_the_change_page(b: Backend) {
    let srv = TestServer::start(b).await;
    let client = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    let res = web_sign_in(&client, &srv.base, "admin", &srv.admin_password).await;
    assert_eq!(res.status(), 303);
    let location = |r: &reqwest::Response| {
        r.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    for path in [
        "/inbox",
        "/admin",
        "/account/tokens",
        "/liaison/new",
        "/admin/audit",
    ] {
        let res = client
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .expect("get");
        assert_eq!(
            (res.status().as_u16(), location(&res)),
            (303, "/account/password".to_owned()),
            "GET {path}"
        );
    }
    let res = client
        .post(format!("{}/account/tokens", srv.base))
        .form(&[("name", "x"), ("scopes", "read")])
        .send()
        .await
        .expect("post");
    assert_eq!(
        location(&res),
        "/account/password",
        "no token from the UI either"
    );
    let res = client
        .get(format!("{}/static/app.css", srv.base))
        .send()
        .await
        .expect("css");
    assert_eq!(res.status(), 200, "static assets load");

    let res = client
        .get(format!("{}/account/password", srv.base))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("html");
    assert!(page.contains("id=\"must-change\""), "says why");
    assert!(
        !page.contains("id=\"nav-inbox\""),
        "no menu leading nowhere"
    );
    let csrf = hidden(&page, "csrf");

    // Confirmation mismatch, then a wrong current password: the form says which field.
    let post = |fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = format!("{}/account/password", srv.base);
        async move { client.post(url).form(&fields).send().await.expect("post") }
    };
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("current_password", srv.admin_password.clone()),
        ("new_password", ADMIN_PASSWORD.into()),
        ("new_password_confirm", "something-else-entirely".into()),
    ])
    .await;
    assert_eq!(res.status(), 422);
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("current_password", "wrong-one-time-pw".into()),
        ("new_password", ADMIN_PASSWORD.into()),
        ("new_password_confirm", ADMIN_PASSWORD.into()),
    ])
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("html");
    assert!(body.contains("id=\"current_password\"") && body.contains("aria-invalid=\"true\""));
    let res = post(vec![
        ("csrf", "forged".into()),
        ("current_password", srv.admin_password.clone()),
        ("new_password", ADMIN_PASSWORD.into()),
        ("new_password_confirm", ADMIN_PASSWORD.into()),
    ])
    .await;
    assert_eq!(res.status(), 403, "CSRF checked");

    let res = post(vec![
        ("csrf", csrf.clone()),
        ("current_password", srv.admin_password.clone()),
        ("new_password", ADMIN_PASSWORD.into()),
        ("new_password_confirm", ADMIN_PASSWORD.into()),
    ])
    .await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/account/password?changed=1".to_owned())
    );
    let res = client
        .get(format!("{}/admin/audit", srv.base))
        .send()
        .await
        .expect("audit page");
    assert_eq!(res.status(), 200, "in after the change");
    let page = res.text().await.expect("html");
    assert!(
        page.contains("id=\"nav-password\""),
        "the change page is in the menu"
    );

    // Signing out works while flagged too (a fresh one-time password via a reset).
    let admin = srv.login_with("admin", ADMIN_PASSWORD).await;
    let (st, v) = admin
        .post(
            "/api/v1/orgs/nisc/people",
            new_person("nisc-new", &["reader"]),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let c2 = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    web_sign_in(&c2, &srv.base, "nisc-new", "one-time-password-1").await;
    let page = c2
        .get(format!("{}/account/password", srv.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let res = c2
        .post(format!("{}/signout", srv.base))
        .form(&[("csrf", hidden(&page, "csrf"))])
        .send()
        .await
        .expect("sign out");
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/signin".to_owned())
    );
}

/// The value of the first hidden input named `name`.
fn hidden(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let i = page.find(&key).unwrap_or_else(|| panic!("{name} in page")) + key.len();
    page[i..i + page[i..].find('"').expect("end")].to_owned()
}
