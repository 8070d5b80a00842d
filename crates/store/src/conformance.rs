//! The storage contract as executable cases. Every backend runs every case (see the backends'
//! `tests/conformance.rs`), so SQLite and PostgreSQL are held to the same behaviour.
//!
//! Each case takes a freshly migrated, empty store.

use crate::*;
use chrono::{Duration, TimeZone, Utc};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};
use std::sync::Arc;

/// Names of all cases, for backends to generate one test each.
pub const CASES: &[&str] = &[
    "settings_upsert",
    "orgs_and_people",
    "sessions_expire",
    "api_tokens",
    "numbering_on_receipt",
    "numbering_is_unique_under_concurrency",
    "listing_follows_audience_keys",
    "failed_batch_changes_nothing",
    "audit_chain_verifies",
    "login_failures_window",
];

/// Runs one case by name.
pub async fn run(name: &str, store: Arc<dyn Store>) {
    match name {
        "settings_upsert" => settings_upsert(store).await,
        "orgs_and_people" => orgs_and_people(store).await,
        "sessions_expire" => sessions_expire(store).await,
        "api_tokens" => api_tokens(store).await,
        "numbering_on_receipt" => numbering_on_receipt(store).await,
        "numbering_is_unique_under_concurrency" => {
            numbering_is_unique_under_concurrency(store).await
        }
        "listing_follows_audience_keys" => listing_follows_audience_keys(store).await,
        "failed_batch_changes_nothing" => failed_batch_changes_nothing(store).await,
        "audit_chain_verifies" => audit_chain_verifies(store).await,
        "login_failures_window" => login_failures_window(store).await,
        other => panic!("unknown conformance case {other}"),
    }
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
        .single()
        .expect("valid time")
}

fn draft(action: &str) -> AuditDraft {
    AuditDraft {
        actor: Some("tester".into()),
        actor_org: None,
        action: action.into(),
        target: None,
        detail: serde_json::json!({ "case": action }),
    }
}

pub fn org(id: &str, kind: &str, sectors: &[&str]) -> OrgRecord {
    OrgRecord {
        id: OrgId(id.into()),
        kind: kind.into(),
        name_ja: format!("{id} 株式会社"),
        name_en: id.into(),
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
        ceptoars: vec![],
        nisc_partner: false,
        aliases: vec![],
        domains: vec![],
        created_at: t0(),
    }
}

pub fn person(id: &str, org: &str) -> PersonRecord {
    PersonRecord {
        id: PersonId(id.into()),
        org: OrgId(org.into()),
        login: format!("{id}-login"),
        display_name: id.into(),
        email: format!("{id}@example.jp"),
        phone: String::new(),
        department: String::new(),
        password_hash: "$argon2id$placeholder".into(),
        roles: vec!["reader".into()],
        employment: "staff".into(),
        need_to_know: Some(vec!["electric_power".into()]),
        active: true,
        locale: "ja".into(),
        created_at: t0(),
    }
}

async fn world(store: &dyn Store) {
    for o in [
        org("nisc", "nisc", &[]),
        org("meti", "ci_ministry", &["electric_power"]),
        org("op", "operator", &["electric_power"]),
    ] {
        store
            .insert_org(&o, draft("org"))
            .await
            .expect("insert org");
    }
    store
        .insert_person(&person("p1", "op"), draft("person"))
        .await
        .expect("insert person");
}

fn copy(chain: &str, report: &str, id: &str, to: &str, at: chrono::DateTime<Utc>) -> CopyRecord {
    CopyRecord {
        id: CopyId(id.into()),
        chain: ChainId(chain.into()),
        report: ReportId(report.into()),
        report_no: 1,
        hop_kind: "file".into(),
        sender_org: OrgId("op".into()),
        sender_person: PersonId("p1".into()),
        addressee_org: OrgId(to.into()),
        added_recipients: vec![],
        tlp: "AMBER".into(),
        importance: Some("caution".into()),
        sector: "electric_power".into(),
        held_by_nisc: to == "nisc",
        anonymised: false,
        parent: None,
        form: "{}".into(),
        created_at: at,
    }
}

fn batch_new_chain(
    chain: &str,
    report: &str,
    copies: Vec<NewCopy>,
    at: chrono::DateTime<Utc>,
) -> HopBatch {
    HopBatch {
        chain: ChainId(chain.into()),
        new_chain: Some(NewChain {
            id: ChainId(chain.into()),
            sector: "electric_power".into(),
            statutory: false,
            origin_org: OrgId("op".into()),
            exercise: false,
        }),
        report: ReportId(report.into()),
        new_report: Some(NewReport {
            id: ReportId(report.into()),
            report_no: 1,
        }),
        copies,
        chain_status: Some("open".into()),
        audit: vec![draft("liaison.file")],
        at,
    }
}

fn new_copy(rec: CopyRecord, keys: &[&str]) -> NewCopy {
    NewCopy {
        numbers_on_receipt: rec.addressee_org.0 == "nisc",
        audience: keys.iter().map(|k| k.to_string()).collect(),
        record: rec,
    }
}

pub async fn settings_upsert(store: Arc<dyn Store>) {
    assert_eq!(store.get_setting("k").await.expect("get"), None);
    store.put_setting("k", "1").await.expect("put");
    store.put_setting("k", "2").await.expect("put again");
    assert_eq!(store.get_setting("k").await.expect("get"), Some("2".into()));
}

pub async fn orgs_and_people(store: Arc<dyn Store>) {
    world(&*store).await;
    let o = store.org(&OrgId("meti".into())).await.expect("org");
    assert_eq!(o.sectors, vec!["electric_power".to_string()]);
    assert_eq!(store.orgs().await.expect("orgs").len(), 3);
    assert!(matches!(
        store.org(&OrgId("nope".into())).await,
        Err(StoreError::NotFound)
    ));

    let p = store.person_by_login("p1-login").await.expect("by login");
    assert_eq!(p.id, PersonId("p1".into()));
    assert_eq!(p.need_to_know, Some(vec!["electric_power".to_string()]));
    let mut dup = person("p2", "op");
    dup.login = "p1-login".into();
    assert!(matches!(
        store.insert_person(&dup, draft("dup")).await,
        Err(StoreError::Conflict(_))
    ));

    let mut p2 = p.clone();
    p2.need_to_know = None;
    p2.active = false;
    store
        .update_person(&p2, draft("upd"))
        .await
        .expect("update");
    let back = store.person(&p.id).await.expect("person");
    assert_eq!(back.need_to_know, None);
    assert!(!back.active);
    assert_eq!(
        store
            .people_of_org(&OrgId("op".into()))
            .await
            .expect("people")
            .len(),
        1
    );
    assert_eq!(store.count_people().await.expect("count"), 1);
}

pub async fn sessions_expire(store: Arc<dyn Store>) {
    world(&*store).await;
    let s = SessionRecord {
        token_hash: "h1".into(),
        person: PersonId("p1".into()),
        csrf_token: "c".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(1),
    };
    store.insert_session(&s).await.expect("insert");
    assert_eq!(
        store.session("h1", t0()).await.expect("valid").csrf_token,
        "c"
    );
    assert!(matches!(
        store.session("h1", t0() + Duration::hours(2)).await,
        Err(StoreError::NotFound)
    ));
    store.delete_session("h1").await.expect("delete");
    assert!(matches!(
        store.session("h1", t0()).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn api_tokens(store: Arc<dyn Store>) {
    world(&*store).await;
    let t = ApiTokenRecord {
        id: "t1".into(),
        person: PersonId("p1".into()),
        name: "ci".into(),
        token_hash: "th".into(),
        scopes: vec!["read".into(), "write".into()],
        created_at: t0(),
        expires_at: None,
        revoked: false,
    };
    store
        .insert_api_token(&t, draft("tok"))
        .await
        .expect("insert");
    assert_eq!(store.api_token("th").await.expect("get").scopes, t.scopes);
    assert!(matches!(
        store
            .revoke_api_token("t1", &PersonId("other".into()), draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .revoke_api_token("t1", &PersonId("p1".into()), draft("rev"))
        .await
        .expect("revoke");
    assert!(store.api_token("th").await.expect("get").revoked);
    assert_eq!(
        store
            .api_tokens_of(&PersonId("p1".into()))
            .await
            .expect("list")
            .len(),
        1
    );
}

pub async fn numbering_on_receipt(store: Arc<dyn Store>) {
    world(&*store).await;
    // Operator → ministry: not yet at NISC, so no number.
    let out = store
        .record_hops(batch_new_chain(
            "c1",
            "r1",
            vec![new_copy(copy("c1", "r1", "k1", "meti", t0()), &["a"])],
            t0(),
        ))
        .await
        .expect("file");
    assert_eq!(
        out,
        HopOutcome {
            chain_number: None,
            ident: None
        }
    );
    // Ministry → NISC: numbered R1 on receipt.
    let fwd = HopBatch {
        chain: ChainId("c1".into()),
        new_chain: None,
        report: ReportId("r1".into()),
        new_report: None,
        copies: vec![new_copy(copy("c1", "r1", "k2", "nisc", t0()), &["a"])],
        chain_status: None,
        audit: vec![draft("fwd")],
        at: t0(),
    };
    let out = store.record_hops(fwd).await.expect("forward");
    assert_eq!(out.ident.as_deref(), Some("R1"));
    assert_eq!(
        store
            .chain(&ChainId("c1".into()))
            .await
            .expect("chain")
            .number,
        Some(1)
    );
    // A second copy of the same report reaching NISC keeps the number.
    let again = HopBatch {
        chain: ChainId("c1".into()),
        new_chain: None,
        report: ReportId("r1".into()),
        new_report: None,
        copies: vec![new_copy(copy("c1", "r1", "k3", "nisc", t0()), &["a"])],
        chain_status: None,
        audit: vec![],
        at: t0(),
    };
    assert_eq!(
        store
            .record_hops(again)
            .await
            .expect("again")
            .ident
            .as_deref(),
        Some("R1")
    );
    // Follow-up report 2 to NISC: R1-2; the chain closes as ⑧ says.
    let mut c = copy("c1", "r2", "k4", "nisc", t0() + Duration::minutes(5));
    c.report_no = 2;
    let follow = HopBatch {
        chain: ChainId("c1".into()),
        new_chain: None,
        report: ReportId("r2".into()),
        new_report: Some(NewReport {
            id: ReportId("r2".into()),
            report_no: 2,
        }),
        copies: vec![new_copy(c, &["a"])],
        chain_status: Some("closed".into()),
        audit: vec![draft("follow")],
        at: t0(),
    };
    assert_eq!(
        store
            .record_hops(follow)
            .await
            .expect("follow")
            .ident
            .as_deref(),
        Some("R1-2")
    );
    let chain = store.chain(&ChainId("c1".into())).await.expect("chain");
    assert_eq!(
        (chain.latest_report_no, chain.status.as_str()),
        (2, "closed")
    );
    let reports = store
        .reports_of_chain(&ChainId("c1".into()))
        .await
        .expect("reports");
    let idents: Vec<_> = reports.iter().map(|r| r.ident.clone()).collect();
    assert_eq!(
        idents,
        vec![Some("R1".to_string()), Some("R1-2".to_string())]
    );
    assert_eq!(
        store.chain_by_number(1).await.expect("by number").id,
        ChainId("c1".into())
    );
    // A second chain gets the next number.
    let out = store
        .record_hops(batch_new_chain(
            "c2",
            "r9",
            vec![new_copy(copy("c2", "r9", "k9", "nisc", t0()), &["a"])],
            t0(),
        ))
        .await
        .expect("second chain");
    assert_eq!(out.ident.as_deref(), Some("R2"));
    assert_eq!(
        store
            .copies_of_chain(&ChainId("c1".into()))
            .await
            .expect("copies")
            .len(),
        4
    );
}

pub async fn numbering_is_unique_under_concurrency(store: Arc<dyn Store>) {
    world(&*store).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let (c, r, k) = (format!("cc{i}"), format!("rr{i}"), format!("kk{i}"));
            let b = batch_new_chain(
                &c,
                &r,
                vec![new_copy(copy(&c, &r, &k, "nisc", t0()), &["a"])],
                t0(),
            );
            s.record_hops(b)
                .await
                .expect("concurrent file")
                .ident
                .expect("numbered")
        }));
    }
    let mut idents = Vec::new();
    for t in tasks {
        idents.push(t.await.expect("join"));
    }
    idents.sort();
    idents.dedup();
    assert_eq!(idents.len(), 24, "every chain got its own number");
    let mut numbers: Vec<u64> = idents
        .iter()
        .map(|s| s[1..].parse().expect("R<n>"))
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        (1..=24).collect::<Vec<_>>(),
        "numbers are dense, no gaps or repeats"
    );
}

pub async fn listing_follows_audience_keys(store: Arc<dyn Store>) {
    world(&*store).await;
    // Five copies in five chains, one minute apart, with different audiences.
    let specs = [
        ("x1", &["red-key"][..]),
        ("x2", &["green"]),
        ("x3", &["amber", "green"]),
        ("x4", &["red-key"]),
        ("x5", &[]),
    ];
    for (i, (id, keys)) in specs.iter().enumerate() {
        let at = t0() + Duration::minutes(i as i64);
        let (c, r) = (format!("c-{id}"), format!("r-{id}"));
        let to = if i % 2 == 0 { "meti" } else { "nisc" };
        store
            .record_hops(batch_new_chain(
                &c,
                &r,
                vec![new_copy(copy(&c, &r, id, to, at), keys)],
                at,
            ))
            .await
            .expect("file");
    }
    let q = |keys: &[&str]| CopyQuery {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        limit: 50,
        ..Default::default()
    };
    let ids = |rows: Vec<CopySummary>| rows.into_iter().map(|r| r.id.0).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_copies(&q(&["green"])).await.expect("list")),
        vec!["x3", "x2"]
    );
    assert_eq!(
        ids(store.list_copies(&q(&["red-key"])).await.expect("list")),
        vec!["x4", "x1"]
    );
    assert_eq!(
        ids(store
            .list_copies(&q(&["green", "red-key"]))
            .await
            .expect("list")),
        vec!["x4", "x3", "x2", "x1"]
    );
    assert!(
        store.list_copies(&q(&[])).await.expect("list").is_empty(),
        "no keys, nothing"
    );
    assert!(store
        .list_copies(&q(&["other"]))
        .await
        .expect("list")
        .is_empty());
    // Inbox filter and keyset paging.
    let mut inbox = q(&["green", "red-key", "amber"]);
    inbox.involving_org = Some(OrgId("nisc".into()));
    assert_eq!(
        ids(store.list_copies(&inbox).await.expect("list")),
        vec!["x4", "x2"]
    );
    let mut first = q(&["green", "red-key"]);
    first.limit = 2;
    let page1 = store.list_copies(&first).await.expect("page 1");
    assert_eq!(ids(page1.clone()), vec!["x4", "x3"]);
    let last = page1.last().expect("row");
    first.before = Some((last.created_at, last.id.clone()));
    assert_eq!(
        ids(store.list_copies(&first).await.expect("page 2")),
        vec!["x2", "x1"]
    );
    let rows = store.list_copies(&q(&["red-key"])).await.expect("list");
    assert_eq!(
        rows[0].ident.as_deref(),
        Some("R2"),
        "the ident of the report comes with the row"
    );
}

pub async fn failed_batch_changes_nothing(store: Arc<dyn Store>) {
    world(&*store).await;
    let head_before = store.audit_head().await.expect("head");
    // Two copies with the same id: the second insert fails, so the whole batch must roll back.
    let b = batch_new_chain(
        "cf",
        "rf",
        vec![
            new_copy(copy("cf", "rf", "dup", "nisc", t0()), &["a"]),
            new_copy(copy("cf", "rf", "dup", "meti", t0()), &["a"]),
        ],
        t0(),
    );
    assert!(store.record_hops(b).await.is_err());
    assert!(matches!(
        store.chain(&ChainId("cf".into())).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .list_copies(&CopyQuery {
            keys: vec!["a".into()],
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        store.audit_head().await.expect("head"),
        head_before,
        "no audit entry for a failed write"
    );
    // The counter was not consumed either: the next chain is still R1.
    let ok = batch_new_chain(
        "cg",
        "rg",
        vec![new_copy(copy("cg", "rg", "k", "nisc", t0()), &["a"])],
        t0(),
    );
    assert_eq!(
        store.record_hops(ok).await.expect("ok").ident.as_deref(),
        Some("R1")
    );
}

pub async fn audit_chain_verifies(store: Arc<dyn Store>) {
    world(&*store).await; // 4 entries
    store
        .append_audit((0..10).map(|i| draft(&format!("a{i}"))).collect())
        .await
        .expect("append");
    let entries = store.audit_entries(1, 1000).await.expect("entries");
    assert_eq!(entries.len(), 14);
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=14).collect::<Vec<_>>()
    );
    let head = store.audit_head().await.expect("head").expect("some head");
    assert_eq!(head.0, 14);
    let report = kakehashi_audit::verify(entries.clone(), Some((head.0, head.1.as_str())))
        .expect("verifies");
    assert_eq!(report.entries, 14);
    assert_eq!(
        store
            .audit_recent(3)
            .await
            .expect("recent")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![14, 13, 12]
    );
    assert_eq!(store.audit_entries(13, 10).await.expect("tail").len(), 2);
    assert_eq!(entries[4].detail, serde_json::json!({ "case": "a0" }));
}

pub async fn login_failures_window(store: Arc<dyn Store>) {
    for m in [0, 5, 10] {
        store
            .record_login_failure("a", t0() + Duration::minutes(m))
            .await
            .expect("record");
    }
    store.record_login_failure("b", t0()).await.expect("record");
    let since = store
        .login_failures_since("a", t0() + Duration::minutes(5))
        .await
        .expect("since");
    assert_eq!(
        since,
        vec![t0() + Duration::minutes(5), t0() + Duration::minutes(10)]
    );
    store.clear_login_failures("a").await.expect("clear");
    assert!(store
        .login_failures_since("a", t0())
        .await
        .expect("since")
        .is_empty());
    assert_eq!(
        store
            .login_failures_since("b", t0())
            .await
            .expect("since")
            .len(),
        1
    );
}
