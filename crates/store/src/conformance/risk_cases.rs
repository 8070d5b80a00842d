//! Conformance cases of the risk register, the continuity plans and their reminders.

use super::{draft, t0, world};
use crate::*;
use chrono::{Duration, NaiveDate};
use kakehashi_domain::risk::RiskCriteria;
use kakehashi_domain::{OrgId, PersonId};
use std::sync::Arc;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
}

fn entry(id: &str, org: &str, kind: &str, parent: Option<&str>) -> RiskEntryRecord {
    RiskEntryRecord {
        id: id.into(),
        org: OrgId(org.into()),
        kind: kind.into(),
        parent: parent.map(str::to_owned),
        title: format!("{kind} {id}"),
        body: "{}".into(),
        status: if kind == "treatment" {
            "planned".into()
        } else {
            String::new()
        },
        due_on: None,
        reassess: None,
        created_at: t0(),
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    }
}

fn plan(id: &str, org: &str, status: &str, review: Option<&str>) -> ContinuityPlanRecord {
    ContinuityPlanRecord {
        id: id.into(),
        org: OrgId(org.into()),
        kind: "bcp".into(),
        status: status.into(),
        title: format!("plan {id}"),
        body: "{}".into(),
        review_on: review.map(day),
        created_at: t0(),
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    }
}

/// Entries and plans are kept per organisation: another organisation's id is never replaced
/// nor deleted through `org`, a kind never changes, a deleted risk takes its treatments, the
/// flag touches only the organisation's risks, and the due list holds open treatments and live
/// plans only.
pub async fn risk_register_is_per_organisation(store: Arc<dyn Store>) {
    world(&*store).await;
    assert_eq!(
        store
            .risk_criteria(&OrgId("op".into()))
            .await
            .expect("none"),
        None
    );
    let mut c = RiskCriteriaRecord {
        org: OrgId("op".into()),
        criteria: RiskCriteria::default(),
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    };
    store
        .put_risk_criteria(&c, draft("risk.criteria"))
        .await
        .expect("criteria");
    c.criteria.threshold = 6;
    store
        .put_risk_criteria(&c, draft("risk.criteria"))
        .await
        .expect("replace");
    assert_eq!(
        store
            .risk_criteria(&OrgId("op".into()))
            .await
            .expect("read"),
        Some(c)
    );

    for e in [
        entry("s1", "op", "service", None),
        entry("a1", "op", "asset", None),
        entry("r1", "op", "risk", None),
        entry("r2", "op", "risk", None),
        entry("x1", "meti", "risk", None),
    ] {
        store
            .put_risk_entry(&e, draft("risk.entry"))
            .await
            .expect("insert");
    }
    let mut t1 = entry("t1", "op", "treatment", Some("r1"));
    t1.due_on = Some(day("2026-04-10"));
    store
        .put_risk_entry(&t1, draft("risk.entry"))
        .await
        .expect("treatment");
    let mut t2 = entry("t2", "op", "treatment", Some("r2"));
    t2.due_on = Some(day("2026-04-05"));
    t2.status = "done".into();
    store
        .put_risk_entry(&t2, draft("risk.entry"))
        .await
        .expect("treatment done");

    // Replacing: same organisation and kind only.
    let mut r1 = entry("r1", "op", "risk", None);
    r1.title = "renamed".into();
    store
        .put_risk_entry(&r1, draft("risk.entry"))
        .await
        .expect("replace");
    assert!(matches!(
        store
            .put_risk_entry(&entry("x1", "op", "risk", None), draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .put_risk_entry(&entry("r1", "op", "asset", None), draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    let ids = |v: &[RiskEntryRecord]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    let mine = store.risk_entries(&OrgId("op".into())).await.expect("list");
    assert_eq!(ids(&mine), ["a1", "r1", "r2", "s1", "t1", "t2"]);
    assert_eq!(mine[1].title, "renamed");
    assert_eq!(mine[4].due_on, Some(day("2026-04-10")));
    assert_eq!(
        ids(&store
            .risk_entries(&OrgId("meti".into()))
            .await
            .expect("list")),
        ["x1"]
    );

    // The flag: own risks only.
    let n = store
        .flag_risks(
            &OrgId("op".into()),
            &[
                ("r1".into(), "{\"p\":1}".into()),
                ("x1".into(), "{}".into()),
                ("a1".into(), "{}".into()),
            ],
            draft("risk.flag"),
        )
        .await
        .expect("flag");
    assert_eq!(n, 1);
    let mine = store.risk_entries(&OrgId("op".into())).await.expect("list");
    let flagged: Vec<_> = mine
        .iter()
        .filter(|e| e.reassess.is_some())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(flagged, ["r1"]);
    assert_eq!(
        store.risk_entries(&OrgId("meti".into())).await.expect("x")[0].reassess,
        None
    );

    // Plans.
    store
        .put_continuity_plan(
            &plan("b1", "op", "approved", Some("2026-04-20")),
            draft("p"),
        )
        .await
        .expect("plan");
    store
        .put_continuity_plan(&plan("b2", "op", "retired", Some("2026-04-01")), draft("p"))
        .await
        .expect("plan");
    store
        .put_continuity_plan(&plan("m1", "meti", "draft", Some("2026-04-02")), draft("p"))
        .await
        .expect("plan");
    assert!(matches!(
        store
            .put_continuity_plan(&plan("m1", "op", "draft", None), draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    let plans = store
        .continuity_plans(&OrgId("op".into()))
        .await
        .expect("plans");
    assert_eq!(
        plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["b1", "b2"]
    );
    assert_eq!(plans[0].review_on, Some(day("2026-04-20")));

    // Due: open treatments and live plans on or before the day, by date.
    let due = store.risk_due(day("2026-04-30")).await.expect("due");
    let got: Vec<_> = due
        .iter()
        .map(|d| (d.kind.as_str(), d.ref_id.as_str(), d.org.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("plan", "m1", "meti"),
            ("treatment", "t1", "op"),
            ("plan", "b1", "op")
        ]
    );
    assert_eq!(
        store.risk_due(day("2026-04-09")).await.expect("due").len(),
        1
    );

    // Deleting: own only, and a risk takes its treatments.
    assert!(matches!(
        store
            .delete_risk_entry(&OrgId("op".into()), "x1", draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_risk_entry(&OrgId("op".into()), "r1", draft("risk.delete"))
        .await
        .expect("delete");
    let mine = store.risk_entries(&OrgId("op".into())).await.expect("list");
    assert_eq!(ids(&mine), ["a1", "r2", "s1", "t2"]);
}

/// A reminder is claimed by one node at a time, taken over once its claim lapses, and never
/// sent twice.
pub async fn risk_reminders_are_claimed_once(store: Arc<dyn Store>) {
    let key = RiskReminderKey {
        ref_id: "t1".into(),
        due_on: day("2026-04-10"),
        phase: "near".into(),
    };
    let lease = |node: &str, at: chrono::DateTime<chrono::Utc>| Lease {
        node: node.into(),
        now: at,
        until: at + Duration::minutes(5),
    };
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        let k = key.clone();
        let l = lease(&format!("n{i}"), t0());
        tasks.push(tokio::spawn(async move {
            (i, s.claim_risk_reminder(&k, &l).await.expect("claim"))
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, won) = t.await.expect("task");
        if won {
            winners.push(i);
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let w = format!("n{}", winners[0]);
    let other = if w == "n0" { "n1" } else { "n0" };
    // Still held: nobody else; lapsed: taken over, and the first holder can no longer finish.
    assert!(!store
        .claim_risk_reminder(&key, &lease(other, t0() + Duration::minutes(1)))
        .await
        .expect("held"));
    assert!(store
        .claim_risk_reminder(&key, &lease(other, t0() + Duration::minutes(6)))
        .await
        .expect("lapsed"));
    assert!(!store
        .finish_risk_reminder(&key, &w, t0() + Duration::minutes(7))
        .await
        .expect("lost"));
    assert!(store
        .finish_risk_reminder(&key, other, t0() + Duration::minutes(7))
        .await
        .expect("sent"));
    assert!(!store
        .claim_risk_reminder(&key, &lease(&w, t0() + Duration::hours(1)))
        .await
        .expect("sent once"));
    // Another phase or date is another reminder.
    let overdue = RiskReminderKey {
        phase: "overdue".into(),
        ..key.clone()
    };
    assert!(store
        .claim_risk_reminder(&overdue, &lease(&w, t0()))
        .await
        .expect("other phase"));
    let moved = RiskReminderKey {
        due_on: day("2026-05-10"),
        ..key
    };
    assert!(store
        .claim_risk_reminder(&moved, &lease(&w, t0()))
        .await
        .expect("other date"));
}
