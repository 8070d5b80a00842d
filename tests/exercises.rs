//! 演習・セプター訓練 through the real router on both backends: an exercise runs beside real
//! reports without touching them (real R-numbers consecutive, statistics and the situation
//! picture unchanged, the exercise's items marked E-R<n> and `exercise: true` everywhere, and
//! cleanup removing exercise items only); the after-action report's access rule (the organiser
//! sees every organisation, a participant its own row and aggregates, an outsider nothing);
//! lessons with owners; CEPTOAR training as contact checks answered or not.

use crate::common::{items, power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    exercise_runs_beside_real_reports_without_touching_them,
    after_action_report_shows_each_participant_its_own_times,
    ceptoar_training_sees_who_answered,
    exercise_input_is_refused_with_nothing_stored,
);

/// A page of the UI as the session's person sees it (the session cookie signs the UI in too).
async fn html(s: &Session, path: &str) -> (u16, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("page");
    let st = res.status().as_u16();
    (st, res.text().await.expect("html"))
}

async fn org_of(s: &Session) -> String {
    let (st, me) = s.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    me["person"]["org"].as_str().expect("org").to_owned()
}

/// Files a statutory urgent report (its copy to NISC numbers it on receipt); the answer.
async fn file(s: &Session, exercise: Option<&str>) -> Value {
    let mut body = json!({ "form": power_form("AMBER"), "statutory": true, "urgent": true });
    if let Some(e) = exercise {
        body["exercise_id"] = json!(e);
    }
    let (st, v) = s.post("/api/v1/liaisons", body).await;
    assert_eq!(st, 201, "{v}");
    v
}

async fn create(s: &Session, body: Value) -> Value {
    let (st, v) = s.post("/api/v1/exercises", body).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["exercise"], true, "{v}");
    v
}

/// An exercise with one simulated-event inject, started and fired; its id.
async fn running_exercise(nisc: &Session, participants: &[&str]) -> String {
    let ex = create(
        nisc,
        json!({ "name": "分野横断的演習 2026", "purpose": "情報連絡体制の検証", "participants": participants }),
    )
    .await;
    let id = ex["id"].as_str().expect("id").to_owned();
    assert_eq!(ex["state"], "design");
    let (st, v) = nisc
        .post(
            &format!("/api/v1/exercises/{id}/injects"),
            json!({ "kind": "liaison", "offset_minutes": 0, "title": "給電指令システムへの不正アクセス（模擬）", "body": "報告してください", "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{id}/start"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["state"], "running");
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{id}/injects/1/fire"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert!(v["injects"][0]["fired_at"].is_string(), "{v}");
    id
}

/// What the exercise must not change: NISC's statistics and situation counts.
async fn real_picture(nisc: &Session) -> (Value, Value) {
    let (st, stats) = nisc.get("/api/v1/statistics").await;
    assert_eq!(st, 200, "{stats}");
    let (st, sit) = nisc.get("/api/v1/situation").await;
    assert_eq!(st, 200, "{sit}");
    assert!(sit["sectors"].is_array(), "{sit}");
    (
        json!({ "sectors": stats["sectors"], "suppressed": stats["suppressed"], "merged": stats["merged"] }),
        json!({ "sectors": sit["sectors"], "by_state": sit["by_state"], "by_service": sit["by_service"],
                "chains": sit["chains"].as_array().map(Vec::len) }),
    )
}

fn idents_in(listing: &[Value]) -> Vec<(String, bool)> {
    listing
        .iter()
        .map(|r| {
            (
                r["summary"]["ident"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["exercise"].as_bool().expect("exercise flag on every row"),
            )
        })
        .collect()
}

async fn exercise_runs_beside_real_reports_without_touching_them(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let power = org_of(&op).await;

    let first = file(&op, None).await;
    assert_eq!(first["ident"], "R1", "{first}");
    let before = real_picture(&nisc).await;

    let ex = running_exercise(&nisc, &[&power]).await;
    let drill = file(&op, Some(&ex)).await;
    assert_eq!(
        drill["ident"], "E-R1",
        "exercise numbers are their own: {drill}"
    );
    let drill_chain = drill["chain"].as_str().expect("chain").to_owned();
    // The exercise changed neither the statistics nor the situation picture.
    assert_eq!(real_picture(&nisc).await, before);

    // A real report made during the exercise: the real series goes on without a gap.
    let second = file(&op, None).await;
    assert_eq!(second["ident"], "R2", "{second}");
    let real_chain = second["chain"].as_str().expect("chain").to_owned();

    // Marked everywhere: the chain API, NISC's listing (flag and number).
    let (st, c) = nisc.get(&format!("/api/v1/chains/{drill_chain}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["exercise"], true, "{c}");
    assert_eq!(c["exercise_id"], ex.as_str(), "{c}");
    let (st, c) = nisc.get(&format!("/api/v1/chains/{real_chain}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["exercise"], false, "{c}");
    let (st, l) = nisc.get("/api/v1/liaisons").await;
    assert_eq!(st, 200, "{l}");
    let mut rows = idents_in(&items(&l));
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("E-R1".to_owned(), true),
            ("R1".to_owned(), false),
            ("R2".to_owned(), false)
        ]
    );
    // The number finds the exercise chain by its own series too.
    let (st, l) = nisc.get("/api/v1/liaisons?q=E-R1").await;
    assert_eq!(st, 200, "{l}");
    assert!(
        idents_in(&items(&l)).contains(&("E-R1".to_owned(), true)),
        "{l}"
    );

    // Cleanup: only after the end, only by the organiser; removes the exercise chain alone.
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{ex}/clean-up"), json!({}))
        .await;
    assert_eq!(st, 409, "a running exercise is not cleaned up: {v}");
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{ex}/end"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = op
        .post(&format!("/api/v1/exercises/{ex}/clean-up"), json!({}))
        .await;
    assert_eq!(st, 403, "a participant does not clean up: {v}");
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{ex}/clean-up"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["state"], "cleaned", "{v}");
    let (st, _) = nisc.get(&format!("/api/v1/chains/{drill_chain}")).await;
    assert_eq!(st, 404, "the exercise chain is gone");
    let (st, c) = nisc.get(&format!("/api/v1/chains/{real_chain}")).await;
    assert_eq!(
        st, 200,
        "the real chain made during the exercise stays: {c}"
    );
    let (st, c) = op
        .get(&format!(
            "/api/v1/chains/{}",
            first["chain"].as_str().expect("chain")
        ))
        .await;
    assert_eq!(st, 200, "{c}");
    let (st, l) = nisc.get("/api/v1/liaisons").await;
    assert_eq!(st, 200, "{l}");
    let mut rows = idents_in(&items(&l));
    rows.sort();
    assert_eq!(
        rows,
        vec![("R1".to_owned(), false), ("R2".to_owned(), false)]
    );
    // Filing into a cleaned exercise is refused; the real series still continues.
    let (st, v) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true, "urgent": true, "exercise_id": ex }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "exercise_id", "{v}");
    let third = file(&op, None).await;
    assert_eq!(third["ident"], "R3", "{third}");
}

async fn after_action_report_shows_each_participant_its_own_times(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let op2 = srv.login("op-power2").await;
    let meti = srv.login("meti").await;
    let rail = srv.login("op-rail").await;
    let (power, power2, meti_org) = (org_of(&op).await, org_of(&op2).await, org_of(&meti).await);
    let ex = running_exercise(&nisc, &[&power, &power2, &meti_org]).await;
    // Both operators report in the exercise (to the ministry, with the urgent copy to NISC).
    file(&op, Some(&ex)).await;
    file(&op2, Some(&ex)).await;

    // The participant's task page leads to the filing form, which says it is an exercise.
    let (st, page) = html(&op, &format!("/exercises/{ex}")).await;
    assert_eq!(st, 200, "{page}");
    assert!(
        page.contains(&format!("/liaison/new?exercise={ex}")),
        "{page}"
    );
    let (st, page) = html(&op, &format!("/liaison/new?exercise={ex}")).await;
    assert_eq!(st, 200, "{page}");
    assert!(page.contains("id=\"exercise-banner\""), "{page}");
    assert!(
        page.contains(&format!("name=\"exercise\" value=\"{ex}\"")),
        "{page}"
    );

    // A participant sees the fired injects (its tasks) in the listing of its exercises.
    let (st, mine) = op.get("/api/v1/exercises").await;
    assert_eq!(st, 200, "{mine}");
    let listed = items(&mine);
    assert_eq!(listed.len(), 1, "{mine}");
    assert_eq!(listed[0]["injects"].as_array().map(Vec::len), Some(1));
    // An outsider: the same 404 as a missing exercise, and no listing entry.
    let (st, none) = rail.get("/api/v1/exercises").await;
    assert_eq!(st, 200, "{none}");
    assert!(items(&none).is_empty(), "{none}");
    for path in [
        format!("/api/v1/exercises/{ex}"),
        format!("/api/v1/exercises/{ex}/report"),
    ] {
        let (st, v) = rail.get(&path).await;
        assert_eq!(st, 404, "{path}: {v}");
        let (st, v) = rail.get(&path.replace(&ex, "no-such-exercise")).await;
        assert_eq!(st, 404, "{v}");
    }

    // The organiser: every participant's row, report times measured.
    let (st, r) = nisc.get(&format!("/api/v1/exercises/{ex}/report")).await;
    assert_eq!(st, 200, "{r}");
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{r}");
    for org in [&power, &power2] {
        let row = rows
            .iter()
            .find(|x| x["org"]["id"] == org.as_str())
            .unwrap_or_else(|| panic!("{org} in {r}"));
        assert!(row["report_minutes"].is_i64(), "{row}");
        assert!(
            row["receipt_minutes"].is_i64(),
            "NISC received the urgent copy: {row}"
        );
        assert!(!row["org"]["name_ja"]
            .as_str()
            .unwrap_or_default()
            .is_empty());
    }
    assert_eq!(r["chains_filed"], 2, "{r}");
    assert_eq!(r["chains_received"], 2, "{r}");
    assert!(
        r["timeline"].as_array().is_some_and(|t| t.len() >= 4),
        "{r}"
    );

    // A participant: its own row only, the others aggregated; its timeline names no other
    // organisation.
    let (st, r1) = op.get(&format!("/api/v1/exercises/{ex}/report")).await;
    assert_eq!(st, 200, "{r1}");
    let rows1 = r1["rows"].as_array().expect("rows");
    assert_eq!(rows1.len(), 1, "{r1}");
    assert_eq!(rows1[0]["org"]["id"], power.as_str());
    assert_eq!(r1["others"]["organisations"], 2, "{r1}");
    assert_eq!(
        r1["others"]["report"]["count"], 1,
        "one other reported: {r1}"
    );
    let text = r1.to_string();
    assert!(
        !text.contains(&power2),
        "no other organisation's id: {text}"
    );
    let (allowed, denied) = (rows1.len(), rows.len() - rows1.len());
    assert!(allowed > 0 && denied > 0);

    // Lessons: the organiser records them with owners; the owner moves the follow-up on;
    // another participant may not.
    let (st, v) = op
        .post(
            &format!("/api/v1/exercises/{ex}/lessons"),
            json!({ "text": "x", "owner": power }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = nisc
        .post(
            &format!("/api/v1/exercises/{ex}/lessons"),
            json!({ "text": "夜間の連絡先が古かった", "owner": power, "follow_up": "連絡先の更新" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["lessons"][0]["state"], "open", "{v}");
    let (st, v) = op2
        .put(
            &format!("/api/v1/exercises/{ex}/lessons/1"),
            json!({ "owner": power2, "state": "done" }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = op
        .put(
            &format!("/api/v1/exercises/{ex}/lessons/1"),
            json!({ "owner": power, "follow_up": "更新済み", "state": "done" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["lessons"][0]["state"], "done", "{v}");
    assert_eq!(v["lessons"][0]["owner"]["id"], power.as_str(), "{v}");
    let (st, v) = op
        .put(
            &format!("/api/v1/exercises/{ex}/lessons/9"),
            json!({ "owner": power }),
        )
        .await;
    assert_eq!(st, 404, "{v}");
}

async fn ceptoar_training_sees_who_answered(b: Backend) {
    let srv = TestServer::start(b).await;
    let cep = srv.login("ceptoar-power").await;
    let op = srv.login("op-power").await;
    let op2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    let (power, power2, rail_org) = (org_of(&op).await, org_of(&op2).await, org_of(&rail).await);

    // A CEPTOAR runs training for its members, not exercises, and not for others.
    let (st, v) = cep
        .post(
            "/api/v1/exercises",
            json!({ "name": "演習", "participants": [power] }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = cep
        .post(
            "/api/v1/exercises",
            json!({ "kind": "ceptoar_training", "name": "訓練", "participants": [rail_org] }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "participants", "{v}");
    let t = create(
        &cep,
        json!({ "kind": "ceptoar_training", "name": "電力セプター訓練", "purpose": "情報疎通機能の確認", "participants": [power, power2] }),
    )
    .await;
    assert_eq!(t["kind"], "ceptoar_training");
    let id = t["id"].as_str().expect("id").to_owned();
    // Training is contact checks only.
    let (st, v) = cep
        .post(
            &format!("/api/v1/exercises/{id}/injects"),
            json!({ "kind": "liaison", "title": "模擬" }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    let (st, v) = cep
        .post(
            &format!("/api/v1/exercises/{id}/injects"),
            json!({ "kind": "contact_check", "title": "連絡確認訓練", "body": "受信したら応答してください" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    // Not before the start; a participant never fires.
    let (st, v) = cep
        .post(&format!("/api/v1/exercises/{id}/injects/1/fire"), json!({}))
        .await;
    assert_eq!(st, 409, "{v}");
    let (st, v) = cep
        .post(&format!("/api/v1/exercises/{id}/start"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = op
        .post(&format!("/api/v1/exercises/{id}/injects/1/fire"), json!({}))
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = cep
        .post(&format!("/api/v1/exercises/{id}/injects/1/fire"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let check = v["injects"][0]["check_id"]
        .as_str()
        .unwrap_or_else(|| panic!("the inject sent a check: {v}"))
        .to_owned();
    let (st, v) = cep
        .post(&format!("/api/v1/exercises/{id}/injects/1/fire"), json!({}))
        .await;
    assert_eq!(st, 409, "fired once only: {v}");

    // The members got a real contact check, marked as training; one answers.
    let (st, c) = op.get(&format!("/api/v1/contact-checks/{check}")).await;
    assert_eq!(st, 200, "{c}");
    assert!(
        c["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("【セプター訓練】")),
        "{c}"
    );
    let (st, v) = op
        .post(&format!("/api/v1/contact-checks/{check}/ack"), json!({}))
        .await;
    assert_eq!(st, 204, "{v}");

    // The CEPTOAR sees who answered and who not.
    let (st, r) = cep.get(&format!("/api/v1/exercises/{id}/report")).await;
    assert_eq!(st, 200, "{r}");
    let rows = r["rows"].as_array().expect("rows");
    let answered = |org: &str| {
        rows.iter()
            .find(|x| x["org"]["id"] == org)
            .map(|x| x["check_answer_minutes"].is_i64())
            .unwrap_or_else(|| panic!("{org} in {r}"))
    };
    assert!(answered(&power));
    assert!(!answered(&power2));
    assert_eq!(r["exercise"]["kind_label_ja"], "セプター訓練", "{r}");

    // The UI calls it セプター訓練, in the menu and on its pages, under the exercise banner.
    let (st, page) = html(&cep, "/exercises").await;
    assert_eq!(st, 200, "{page}");
    assert!(
        page.contains("id=\"nav-exercises\"") && page.contains("セプター訓練"),
        "{page}"
    );
    assert!(page.contains("電力セプター訓練"), "{page}");
    for path in [
        format!("/exercises/{id}"),
        format!("/exercises/{id}/report"),
    ] {
        for who in [&cep, &op] {
            let (st, page) = html(who, &path).await;
            assert_eq!(st, 200, "{path}: {page}");
            assert!(page.contains("id=\"exercise-banner\""), "{path}: {page}");
            assert!(page.contains("セプター訓練"), "{path}: {page}");
        }
    }
    let (st, _) = html(&rail, &format!("/exercises/{id}")).await;
    assert_eq!(st, 404, "an outsider sees nothing");
}

async fn exercise_input_is_refused_with_nothing_stored(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let meti = srv.login("meti").await;
    let power = org_of(&op).await;
    for (body, field) in [
        (json!({ "name": " ", "participants": [power] }), "name"),
        (
            json!({ "name": "演習", "participants": [] }),
            "participants",
        ),
        (
            json!({ "name": "演習", "participants": ["no-such-org"] }),
            "participants",
        ),
        (
            json!({ "kind": "drill", "name": "演習", "participants": [power] }),
            "kind",
        ),
    ] {
        let (st, v) = nisc.post("/api/v1/exercises", body).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], field, "{v}");
    }
    let (st, v) = meti
        .post(
            "/api/v1/exercises",
            json!({ "name": "演習", "participants": [power] }),
        )
        .await;
    assert_eq!(st, 403, "a ministry does not organise: {v}");
    let (st, l) = nisc.get("/api/v1/exercises").await;
    assert_eq!(st, 200, "{l}");
    assert!(items(&l).is_empty(), "nothing stored: {l}");

    // Filing in an exercise still in design, or one the filer is not in, is refused.
    let ex = create(&nisc, json!({ "name": "演習", "participants": [power] })).await;
    let id = ex["id"].as_str().expect("id");
    let (st, v) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form("AMBER"), "statutory": true, "exercise_id": id }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "exercise_id", "{v}");
    let (st, v) = nisc
        .post(
            &format!("/api/v1/exercises/{id}/injects"),
            json!({ "kind": "liaison", "title": "t", "offset_minutes": 999_999 }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "offset_minutes", "{v}");
    let (st, v) = nisc
        .post(
            &format!("/api/v1/exercises/{id}/injects"),
            json!({ "kind": "liaison", "title": "t", "tlp": "PURPLE" }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "tlp", "{v}");
    let (st, v) = nisc.get(&format!("/api/v1/exercises/{id}")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["injects"].as_array().map(Vec::len), Some(0), "{v}");
    let (st, l) = nisc.get("/api/v1/liaisons").await;
    assert_eq!(st, 200, "{l}");
    assert!(items(&l).is_empty(), "{l}");
}
