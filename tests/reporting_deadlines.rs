//! 報告期限: reporting policies per sector (NISC and the overseeing ministry set them), the
//! overdue view through the case listing's access rule, the next deadline on a case, and
//! reminders sent once per deadline even when two nodes run the worker at once. Both backends.

use crate::common::{items, power_form, Backend, Session, TestServer};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

on_both_backends!(
    policies_are_set_by_nisc_and_the_overseeing_ministry,
    an_overdue_case_shows_to_its_ministry_and_nisc_only,
    reminders_go_out_once_across_nodes,
);

/// A week to the final report: with 判明 on 20 Nov 2026 (the test form's), the final report is
/// overdue from 27 Nov on.
fn week_policy() -> Value {
    json!({
        "first_report": { "unit": "hours", "value": 24 },
        "follow_up_every": { "unit": "hours", "value": 72 },
        "final_report": { "unit": "days", "value": 7 }
    })
}

fn refused(st: u16, v: &Value, field: &str, rule: &str) {
    assert_eq!(st, 422, "{field}/{rule}: {v}");
    let errs: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors in {v}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").into(),
                e["rule"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(errs, vec![(field.to_owned(), rule.to_owned())], "{v}");
    assert!(
        v["errors"][0]["message_ja"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

async fn policy_of(s: &Session, sector: &str) -> Value {
    let (st, v) = s.get("/api/v1/reporting-policies").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .into_iter()
        .find(|p| p["sector"] == sector)
        .unwrap_or_else(|| panic!("{sector} listed: {v}"))
}

async fn policies_are_set_by_nisc_and_the_overseeing_ministry(b: Backend) {
    let srv = TestServer::start(b).await;
    let meti = srv.login("meti").await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;

    // Nothing set: no deadlines anywhere; the NIS2-style preset is offered.
    let (st, v) = meti.get("/api/v1/reporting-policies").await;
    assert_eq!(st, 200, "{v}");
    assert!(items(&v).len() >= 14, "every sector: {v}");
    assert!(items(&v).iter().all(|p| p["policy"].is_null()), "{v}");
    let nis2 = v["presets"]
        .as_array()
        .expect("presets")
        .iter()
        .find(|p| p["code"] == "nis2")
        .expect("nis2 preset")
        .clone();
    assert_eq!(
        nis2["policy"],
        json!({
            "first_report": { "unit": "hours", "value": 24 },
            "follow_up_every": { "unit": "hours", "value": 72 },
            "final_report": { "unit": "months", "value": 1 }
        })
    );
    assert_eq!(policy_of(&meti, "electric_power").await["editable"], true);
    assert_eq!(policy_of(&meti, "railway").await["editable"], false);
    assert_eq!(policy_of(&op, "electric_power").await["editable"], false);

    // The ministry sets its own sector (the preset); NISC sets another ministry's.
    let (st, v) = meti
        .put(
            "/api/v1/reporting-policies/electric_power",
            json!({ "preset": "nis2" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        policy_of(&op, "electric_power").await["policy"],
        nis2["policy"]
    );
    let (st, v) = nisc
        .put("/api/v1/reporting-policies/railway", week_policy())
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(policy_of(&meti, "railway").await["policy"], week_policy());

    // A ministry setting another ministry's sector, an operator, an unknown sector: refused.
    let (st, v) = meti
        .put(
            "/api/v1/reporting-policies/railway",
            json!({ "preset": "nis2" }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = meti.delete("/api/v1/reporting-policies/railway").await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = op
        .put(
            "/api/v1/reporting-policies/electric_power",
            json!({ "preset": "nis2" }),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = nisc
        .put("/api/v1/reporting-policies/no_such_sector", week_policy())
        .await;
    assert_eq!(st, 404, "{v}");
    assert_eq!(policy_of(&meti, "railway").await["policy"], week_policy());

    // Bad input: 422 naming the field and the rule, nothing stored.
    let bad = |first: Value, fin: Value| json!({ "first_report": first, "final_report": fin });
    for (body, field, rule) in [
        (json!({ "preset": "gdpr" }), "preset", "unknown_code"),
        (json!({}), "first_report", "required"),
        (
            bad(json!({ "unit": "hours", "value": 0 }), Value::Null),
            "first_report",
            "positive",
        ),
        (
            bad(json!({ "unit": "hours", "value": -3 }), Value::Null),
            "first_report",
            "positive",
        ),
        (
            bad(json!({ "unit": "weeks", "value": 1 }), Value::Null),
            "first_report",
            "unknown_unit",
        ),
        (
            bad(
                json!({ "unit": "hours", "value": 24 }),
                json!({ "unit": "months", "value": 13 }),
            ),
            "final_report",
            "too_long",
        ),
        (
            bad(
                json!({ "unit": "days", "value": 3 }),
                json!({ "unit": "hours", "value": 48 }),
            ),
            "final_report",
            "before_first",
        ),
    ] {
        let (st, v) = meti
            .put("/api/v1/reporting-policies/electric_power", body)
            .await;
        refused(st, &v, field, rule);
    }
    assert_eq!(
        policy_of(&meti, "electric_power").await["policy"],
        nis2["policy"]
    );

    // Removal: back to no deadlines; removing again is not found.
    let (st, _) = nisc.delete("/api/v1/reporting-policies/railway").await;
    assert_eq!(st, 204);
    assert!(policy_of(&meti, "railway").await["policy"].is_null());
    let (st, v) = nisc.delete("/api/v1/reporting-policies/railway").await;
    assert_eq!(st, 404, "{v}");

    // Audited, by whom.
    let audit = srv.app.store.audit_recent(200).await.expect("audit");
    let sets: Vec<(&str, Option<&str>)> = audit
        .iter()
        .filter(|e| e.action.starts_with("reporting_policy."))
        .map(|e| (e.action.as_str(), e.target.as_deref()))
        .collect();
    assert_eq!(
        sets,
        vec![
            ("reporting_policy.remove", Some("railway")),
            ("reporting_policy.set", Some("railway")),
            ("reporting_policy.set", Some("electric_power")),
        ]
    );

    // The page: NISC and the ministries reach it from the menu, and edit there.
    let html = page(&meti, "/").await;
    assert!(html.contains("href=\"/reporting-policies\""), "menu");
    assert!(html.contains("href=\"/overdue\""), "menu");
    let html = page(&op, "/").await;
    assert!(!html.contains("href=\"/overdue\""), "not an operator's");
    let html = page(&meti, "/reporting-policies").await;
    assert!(html.contains("id=\"edit-electric_power\""), "editor");
    assert!(!html.contains("id=\"edit-railway\""), "not meti's sector");
    assert!(html.contains("NIS2"));
}

/// The body of a page as text, asserting 200.
async fn page(s: &Session, path: &str) -> String {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.text().await.expect("text")
}

/// Files a first report and returns (chain, copy).
async fn file(s: &Session, form: Value) -> (String, String) {
    let (st, v) = s.post("/api/v1/liaisons", json!({ "form": form })).await;
    assert_eq!(st, 201, "{v}");
    (
        v["chain"].as_str().expect("chain").to_owned(),
        v["copies"][0].as_str().expect("copy").to_owned(),
    )
}

/// The ministry forwards a received copy to NISC.
async fn forward(s: &Session, copy: &str) {
    let (st, c) = s.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200, "{c}");
    let (st, v) = s
        .post(
            &format!("/api/v1/copies/{copy}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

fn rail_form() -> Value {
    let mut f = power_form("AMBER");
    f["sector"] = json!("railway");
    f["summary"]["affected_system"] = json!("運行管理システム");
    f["summary"]["description"] = json!("運行管理システムで不審な通信を検知。");
    f["impact"] = json!({ "system_status": "no_impact" });
    f
}

async fn overdue(s: &Session) -> Vec<Value> {
    let (st, v) = s.get("/api/v1/liaisons/overdue").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
}

async fn an_overdue_case_shows_to_its_ministry_and_nisc_only(b: Backend) {
    let srv = TestServer::start(b).await;
    let nisc = srv.login("nisc").await;
    let meti = srv.login("meti").await;
    let mlit = srv.login("mlit").await;
    let op = srv.login("op-power").await;
    for sector in ["electric_power", "railway"] {
        let (st, v) = nisc
            .put(
                &format!("/api/v1/reporting-policies/{sector}"),
                week_policy(),
            )
            .await;
        assert_eq!(st, 200, "{v}");
    }
    // 判明 20 Nov 2026 (JST 10:00), still ongoing: the final report (7 days) is overdue.
    let (power, power_copy) = file(&op, power_form("AMBER")).await;
    forward(&meti, &power_copy).await;
    let rail_op = srv.login("op-rail").await;
    let (rail, _) = file(&rail_op, rail_form()).await;

    // The unrelated ministry's call succeeds with a well-formed list: its own sector's case,
    // not the power case.
    let got = overdue(&mlit).await;
    let chains: Vec<&str> = got
        .iter()
        .map(|r| r["case"]["summary"]["chain"].as_str().expect("chain"))
        .collect();
    assert_eq!(chains, vec![rail.as_str()], "{got:?}");

    // The overseeing ministry and NISC see the power case, with what is due, when and how late.
    for s in [&meti, &nisc] {
        let got = overdue(s).await;
        let row = got
            .iter()
            .find(|r| r["case"]["summary"]["chain"] == json!(power))
            .unwrap_or_else(|| panic!("power case listed: {got:?}"));
        let due = &row["due"];
        assert_eq!(due["kind"], "final", "{row}");
        assert_eq!(due["overdue"], true, "{row}");
        // 20 Nov 10:00 JST + 7 days.
        assert_eq!(due["due"], "2026-11-27T01:00:00Z", "{row}");
        assert_eq!(due["due_jst"], "2026-11-27 10:00 JST", "{row}");
        let late: DateTime<Utc> = Utc::now();
        let want =
            (late - "2026-11-27T01:00:00Z".parse::<DateTime<Utc>>().expect("t")).num_minutes();
        let got_late = due["late_minutes"].as_i64().expect("late");
        assert!((want - got_late).abs() <= 2, "{got_late} vs {want}");
    }
    assert!(overdue(&nisc)
        .await
        .iter()
        .any(|r| r["case"]["summary"]["chain"] == json!(rail)));
    assert!(!overdue(&meti)
        .await
        .iter()
        .any(|r| r["case"]["summary"]["chain"] == json!(rail)));

    // Operators have no overdue view; their own case shows its next deadline.
    let (st, v) = op.get("/api/v1/liaisons/overdue").await;
    assert_eq!(st, 403, "{v}");
    let (st, c) = op.get(&format!("/api/v1/chains/{power}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["deadlines"]["next"]["kind"], "final", "{c}");
    assert_eq!(c["deadlines"]["next"]["overdue"], true, "{c}");
    assert_eq!(
        c["deadlines"]["deadlines"]["first"]["state"], "met",
        "filed (late) after 判明: {c}"
    );
    let html = page(&op, &format!("/chains/{power}")).await;
    assert!(html.contains("id=\"chain-deadline\""), "the case page");
    assert!(html.contains("2026-11-27 10:00 JST"));

    // The page lists the same for the ministry.
    let html = page(&meti, "/overdue").await;
    assert!(html.contains(&format!("href=\"/chains/{power}\"")));
    assert!(!html.contains(&format!("href=\"/chains/{rail}\"")));

    // Without a policy the sector has no deadlines: the case leaves the view.
    let (st, _) = nisc
        .delete("/api/v1/reporting-policies/electric_power")
        .await;
    assert_eq!(st, 204);
    let (st, c) = meti.get(&format!("/api/v1/chains/{power}")).await;
    assert_eq!(st, 200, "{c}");
    assert!(c["deadlines"].is_null(), "{c}");
    let got = overdue(&meti).await;
    assert!(got.is_empty(), "{got:?}");
}

/// A fixed clock for the worker.
struct At(Mutex<DateTime<Utc>>);

impl kakehashi_app::Clock for At {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

#[derive(Default)]
struct Outbox(Mutex<Vec<kakehashi_app::notify::OutgoingMail>>);

#[async_trait::async_trait]
impl kakehashi_app::notify::Mailer for Outbox {
    async fn send(&self, mail: kakehashi_app::notify::OutgoingMail) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push(mail);
        Ok(())
    }
}

async fn deadline_rows(s: &Session) -> Vec<Value> {
    let (st, v) = s.get("/api/v1/notifications").await;
    assert_eq!(st, 200, "{v}");
    items(&v)
        .into_iter()
        .filter(|n| n["kind"] == "deadline")
        .collect()
}

async fn reminders_go_out_once_across_nodes(b: Backend) {
    let mail_a = Arc::new(Outbox::default());
    let mail_b = Arc::new(Outbox::default());
    let srv = TestServer::start_with_mailer(b, Some(mail_a.clone())).await;
    let nisc = srv.login("nisc").await;
    let meti = srv.login("meti").await;
    let mlit = srv.login("mlit").await;
    let op = srv.login("op-power").await;
    let (st, _) = op
        .put("/api/v1/me/mail-preference", json!({ "pref": "immediate" }))
        .await;
    assert_eq!(st, 204);
    let (st, v) = nisc
        .put("/api/v1/reporting-policies/electric_power", week_policy())
        .await;
    assert_eq!(st, 200, "{v}");
    let (chain, _) = file(&op, power_form("AMBER")).await;
    let (_, c) = op.get(&format!("/api/v1/chains/{chain}")).await;
    let follow_due: DateTime<Utc> = c["deadlines"]["deadlines"]["follow_up"]["due"]
        .as_str()
        .unwrap_or_else(|| panic!("follow-up due: {c}"))
        .parse()
        .expect("time");

    // Half an hour before the follow-up is due (and long after the final report was).
    let clock = Arc::new(At(Mutex::new(follow_due - Duration::minutes(30))));
    let node_a = srv.app.clone().with_clock(clock.clone());
    let (node_b, _, _guard) = srv.another_node_app(Some(mail_b.clone())).await;
    let node_b = node_b.with_clock(clock.clone());
    let mut live_a = node_a.events.subscribe();
    let mut live_b = node_b.events.subscribe();
    let run_both = || async {
        let (a, b) = tokio::join!(
            node_a.send_deadline_reminders(),
            node_b.send_deadline_reminders()
        );
        a.expect("node a") + b.expect("node b")
    };
    assert_eq!(run_both().await, 2, "follow-up near, final overdue");
    assert_eq!(run_both().await, 0, "each reminds once");
    // A live event per reminder, to the told organisations (on whichever node sent it; with
    // PostgreSQL each node hears both).
    let mut live = std::collections::BTreeSet::new();
    for rx in [&mut live_a, &mut live_b] {
        while let Ok(Ok(e)) =
            tokio::time::timeout(std::time::Duration::from_millis(500), rx.recv()).await
        {
            if e.kind == "deadline" {
                assert!(e.ref_id.starts_with(&chain), "{e:?}");
                assert!(e.orgs.iter().all(|o| o.0 != "mlit"), "{e:?}");
                live.insert(e.ref_id.clone());
            }
        }
    }
    assert_eq!(live.len(), 2, "{live:?}");

    let recorded = srv
        .app
        .store
        .reminders_of_chain(&kakehashi_domain::ChainId(chain.clone()))
        .await
        .expect("reminders");
    let mut kinds: Vec<(String, String)> = recorded
        .iter()
        .map(|r| {
            assert!(r.sent_at.is_some(), "{r:?}");
            (r.key.deadline.clone(), r.key.phase.clone())
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            ("final".to_owned(), "overdue".to_owned()),
            ("follow_up".to_owned(), "near".to_owned())
        ]
    );

    // The reporting organisation and the ministry are told in their inbox; an unrelated
    // ministry is not (its inbox answers, without them).
    assert!(deadline_rows(&mlit).await.is_empty());
    for s in [&op, &meti] {
        let rows = deadline_rows(s).await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().any(|r| r["title"]
            .as_str()
            .is_some_and(|t| t.contains("最終報") && t.contains("JST"))));
    }
    // Mail by preference: the operator chose immediate, once per reminder, across both nodes;
    // the mail names no content.
    let mails: Vec<kakehashi_app::notify::OutgoingMail> = mail_a
        .0
        .lock()
        .expect("a")
        .iter()
        .chain(mail_b.0.lock().expect("b").iter())
        .cloned()
        .collect();
    let to_op: Vec<_> = mails
        .iter()
        .filter(|m| m.to == "op-power@demo.example.jp")
        .collect();
    assert_eq!(to_op.len(), 2, "{mails:?}");
    assert!(to_op
        .iter()
        .all(|m| m.body.contains(&format!("/chains/{chain}")) && !m.body.contains("制御系")));
    assert!(!mails.iter().any(|m| m.to.starts_with("mlit")), "{mails:?}");

    // Past the follow-up's due time: its overdue reminder, once.
    *clock.0.lock().expect("clock") = follow_due + Duration::minutes(1);
    assert_eq!(run_both().await, 1);
    assert_eq!(run_both().await, 0);
    assert_eq!(deadline_rows(&op).await.len(), 3);
}
