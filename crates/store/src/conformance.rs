//! The storage contract as executable cases. Every backend runs every case (see the backends'
//! `tests/conformance.rs`), so SQLite and PostgreSQL are held to the same behaviour.
//!
//! Each case takes a freshly migrated, empty store.

use crate::*;
use chrono::{Duration, TimeZone, Utc};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};
use std::sync::Arc;

mod risk_cases;

/// Names of all cases, for backends to generate one test each.
pub const CASES: &[&str] = &[
    "settings_upsert",
    "orgs_and_people",
    "directory_version_moves_with_each_change",
    "sessions_expire",
    "api_tokens",
    "credential_generation_moves_with_each_ending",
    "numbering_on_receipt",
    "numbering_is_unique_under_concurrency",
    "concurrent_writes_are_each_answered_alone",
    "listing_follows_audience_keys",
    "chain_listing_follows_audience_keys",
    "listing_walk_equals_the_rules",
    "open_chain_counts_outside_keys",
    "failed_batch_changes_nothing",
    "hops_tell_in_their_own_transaction",
    "audit_chain_verifies",
    "login_failures_window",
    "inquiry_threads",
    "notifications_fan_out",
    "events_cross_nodes",
    "webhook_outbox",
    "webhook_claims_are_exclusive_and_lapse",
    "digest_claims_are_exclusive_and_lapse",
    "provision_source_items",
    "imported_source_items_are_stored_whole",
    "provision_drafts_save_and_refuse_after_send",
    "provision_numbering",
    "provision_numbering_is_unique_under_concurrency",
    "provision_fan_out_is_set_based",
    "provision_sends_tell_in_their_own_transaction",
    "provision_relay_keeps_first_delivery",
    "provision_read_and_ack",
    "provision_listing_follows_audience_keys",
    "consent_decided_once",
    "failed_send_changes_nothing",
    "password_change_ends_other_sessions",
    "last_platform_admin_is_kept",
    "actor_submissions_and_requests",
    "reporting_policies_set_replace_remove",
    "reminders_are_claimed_once",
    "consultation_threads",
    "risk_register_is_per_organisation",
    "risk_reminders_are_claimed_once",
    "standards_assessments_and_surveys",
    "incidents_link_chains_once",
    "exercises_number_apart_and_clean_up_alone",
    "copy_exports_read_chains_in_one",
];

/// Runs one case by name.
pub async fn run(name: &str, store: Arc<dyn Store>) {
    match name {
        "exercises_number_apart_and_clean_up_alone" => {
            exercises_number_apart_and_clean_up_alone(store).await
        }
        "copy_exports_read_chains_in_one" => copy_exports_read_chains_in_one(store).await,
        "hops_tell_in_their_own_transaction" => hops_tell_in_their_own_transaction(store).await,
        "concurrent_writes_are_each_answered_alone" => {
            concurrent_writes_are_each_answered_alone(store).await
        }
        "settings_upsert" => settings_upsert(store).await,
        "orgs_and_people" => orgs_and_people(store).await,
        "directory_version_moves_with_each_change" => {
            directory_version_moves_with_each_change(store).await
        }
        "sessions_expire" => sessions_expire(store).await,
        "api_tokens" => api_tokens(store).await,
        "credential_generation_moves_with_each_ending" => {
            credential_generation_moves_with_each_ending(store).await
        }
        "numbering_on_receipt" => numbering_on_receipt(store).await,
        "numbering_is_unique_under_concurrency" => {
            numbering_is_unique_under_concurrency(store).await
        }
        "listing_follows_audience_keys" => listing_follows_audience_keys(store).await,
        "chain_listing_follows_audience_keys" => chain_listing_follows_audience_keys(store).await,
        "listing_walk_equals_the_rules" => listing_walk_equals_the_rules(store).await,
        "open_chain_counts_outside_keys" => open_chain_counts_outside_keys(store).await,
        "failed_batch_changes_nothing" => failed_batch_changes_nothing(store).await,
        "audit_chain_verifies" => audit_chain_verifies(store).await,
        "login_failures_window" => login_failures_window(store).await,
        "inquiry_threads" => inquiry_threads(store).await,
        "notifications_fan_out" => notifications_fan_out(store).await,
        "events_cross_nodes" => events_cross_nodes(store).await,
        "webhook_outbox" => webhook_outbox(store).await,
        "webhook_claims_are_exclusive_and_lapse" => {
            webhook_claims_are_exclusive_and_lapse(store).await
        }
        "digest_claims_are_exclusive_and_lapse" => {
            digest_claims_are_exclusive_and_lapse(store).await
        }
        "provision_source_items" => provision_source_items(store).await,
        "imported_source_items_are_stored_whole" => {
            imported_source_items_are_stored_whole(store).await
        }
        "provision_drafts_save_and_refuse_after_send" => {
            provision_drafts_save_and_refuse_after_send(store).await
        }
        "provision_numbering" => provision_numbering(store).await,
        "provision_numbering_is_unique_under_concurrency" => {
            provision_numbering_is_unique_under_concurrency(store).await
        }
        "provision_fan_out_is_set_based" => provision_fan_out_is_set_based(store).await,
        "provision_sends_tell_in_their_own_transaction" => {
            provision_sends_tell_in_their_own_transaction(store).await
        }
        "provision_relay_keeps_first_delivery" => provision_relay_keeps_first_delivery(store).await,
        "provision_read_and_ack" => provision_read_and_ack(store).await,
        "provision_listing_follows_audience_keys" => {
            provision_listing_follows_audience_keys(store).await
        }
        "consent_decided_once" => consent_decided_once(store).await,
        "failed_send_changes_nothing" => failed_send_changes_nothing(store).await,
        "password_change_ends_other_sessions" => password_change_ends_other_sessions(store).await,
        "last_platform_admin_is_kept" => last_platform_admin_is_kept(store).await,
        "actor_submissions_and_requests" => actor_submissions_and_requests(store).await,
        "reporting_policies_set_replace_remove" => {
            reporting_policies_set_replace_remove(store).await
        }
        "reminders_are_claimed_once" => reminders_are_claimed_once(store).await,
        "consultation_threads" => consultation_threads(store).await,
        "incidents_link_chains_once" => incidents_link_chains_once(store).await,
        "standards_assessments_and_surveys" => standards_assessments_and_surveys(store).await,
        "risk_register_is_per_organisation" => {
            risk_cases::risk_register_is_per_organisation(store).await
        }
        "risk_reminders_are_claimed_once" => {
            risk_cases::risk_reminders_are_claimed_once(store).await
        }
        other => panic!("unknown conformance case {other}"),
    }
}

/// The cases' fixed instant.
pub fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
        .single()
        .expect("valid time")
}

pub(crate) fn draft(action: &str) -> AuditDraft {
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
        addresses: vec![],
        phones: vec![],
        emails: vec![],
        ip_ranges: vec![],
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
        mail_pref: "digest".into(),
        must_change_password: false,
        created_at: t0(),
    }
}

/// The cases' small world: organisations (NISC, a ministry, operators) and person p1 of "op".
pub async fn world(store: &dyn Store) {
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

/// A copy record of `chain`/`report` with id `id`, addressed to `to`.
pub fn copy(
    chain: &str,
    report: &str,
    id: &str,
    to: &str,
    at: chrono::DateTime<Utc>,
) -> CopyRecord {
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

/// A first filing: a new chain and report with these copies.
pub fn batch_new_chain(
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
            reporting_case: kakehashi_domain::liaison::ReportingCase::SeriousImpact,
            case_judged_by: Some("経済産業省".into()),
            origin_org: OrgId("op".into()),
            exercise: false,
            exercise_id: None,
        }),
        report: ReportId(report.into()),
        new_report: Some(NewReport {
            id: ReportId(report.into()),
            report_no: 1,
        }),
        copies,
        chain_status: Some("open".into()),
        consultation: None,
        audit: vec![draft("liaison.file")],
        at,
        tell: None,
    }
}

/// A copy to write with these audience keys.
pub fn new_copy(rec: CopyRecord, keys: &[&str]) -> NewCopy {
    NewCopy {
        numbers_on_receipt: rec.addressee_org.0 == "nisc",
        audience: keys.iter().map(|k| k.to_string()).collect(),
        search_text: String::new(),
        stix_indicators: None,
        record: rec,
    }
}

pub async fn settings_upsert(store: Arc<dyn Store>) {
    assert_eq!(store.get_setting("k").await.expect("get"), None);
    store.put_setting("k", "1").await.expect("put");
    store.put_setting("k", "2").await.expect("put again");
    assert_eq!(store.get_setting("k").await.expect("get"), Some("2".into()));
    let before = head_seq(&*store).await;
    store
        .put_setting_audited("mode", "{\"on\":true}", draft("mode.declare"))
        .await
        .expect("put audited");
    assert_eq!(
        store.get_setting("mode").await.expect("get"),
        Some("{\"on\":true}".into())
    );
    assert_eq!(
        head_seq(&*store).await,
        before + 1,
        "audited with the write"
    );
    store
        .put_settings_audited(&[("mode", ""), ("history", "[1]")], draft("mode.end"))
        .await
        .expect("put both audited");
    assert_eq!(
        store.get_setting("mode").await.expect("get"),
        Some(String::new())
    );
    assert_eq!(
        store.get_setting("history").await.expect("get"),
        Some("[1]".into())
    );
    assert_eq!(head_seq(&*store).await, before + 2, "one entry for both");
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
    // Identifying details round-trip through an update, Japanese text and all.
    let mut o2 = o.clone();
    o2.aliases = vec!["経産".into()];
    o2.domains = vec!["meti.example.go.jp".into()];
    o2.addresses = vec!["東京都千代田区霞が関1-3-1".into()];
    o2.phones = vec!["03-0000-0000".into()];
    o2.emails = vec!["soc@meti.example.go.jp".into()];
    o2.ip_ranges = vec!["192.0.2.0/24".into(), "2001:db8::/32".into()];
    store
        .update_org(&o2, draft("org-upd"))
        .await
        .expect("update org");
    assert_eq!(store.org(&o.id).await.expect("org"), o2);
    assert!(matches!(
        store
            .update_org(&org("nope", "operator", &[]), draft("missing"))
            .await,
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

/// The credential generation moves in the transaction of every change that can end a standing
/// credential — a session deleted, a token revoked, a person's record or password changed — and
/// not with sign-ins, new tokens or reads; a refused revocation leaves it.
pub async fn credential_generation_moves_with_each_ending(store: Arc<dyn Store>) {
    world(&*store).await;
    let g = || async { store.credential_generation().await.expect("generation") };
    let g0 = g().await;
    store
        .insert_session(&SessionRecord {
            token_hash: "h1".into(),
            person: PersonId("p1".into()),
            csrf_token: "c".into(),
            created_at: t0(),
            expires_at: t0() + Duration::hours(1),
        })
        .await
        .expect("insert session");
    let t = ApiTokenRecord {
        id: "t1".into(),
        person: PersonId("p1".into()),
        name: "ci".into(),
        token_hash: "th".into(),
        scopes: vec!["read".into()],
        created_at: t0(),
        expires_at: None,
        revoked: false,
    };
    store
        .insert_api_token(&t, draft("tok"))
        .await
        .expect("insert token");
    store.session("h1", t0()).await.expect("read session");
    store.api_token("th").await.expect("read token");
    assert_eq!(g().await, g0, "sign-ins, new tokens and reads leave it");

    store.delete_session("h1").await.expect("sign out");
    let g1 = g().await;
    assert!(g1 > g0, "a sign-out moves it: {g0} → {g1}");
    assert!(matches!(
        store
            .revoke_api_token("t1", &PersonId("other".into()), draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(g().await, g1, "a refused revocation leaves it");
    store
        .revoke_api_token("t1", &PersonId("p1".into()), draft("revoke"))
        .await
        .expect("revoke");
    let g2 = g().await;
    assert!(g2 > g1, "a revocation moves it: {g1} → {g2}");
    store
        .set_password(&PersonId("p1".into()), "phc", true, None, draft("pw"))
        .await
        .expect("password");
    let g3 = g().await;
    assert!(g3 > g2, "a password change moves it: {g2} → {g3}");
    let mut p = store.person(&PersonId("p1".into())).await.expect("person");
    p.active = false;
    store
        .update_person(&p, draft("deactivate"))
        .await
        .expect("deactivate");
    let g4 = g().await;
    assert!(g4 > g3, "a deactivation moves it: {g3} → {g4}");
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
        consultation: None,
        audit: vec![draft("fwd")],
        at: t0(),
        tell: None,
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
        consultation: None,
        audit: vec![],
        at: t0(),
        tell: None,
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
        consultation: None,
        audit: vec![draft("follow")],
        at: t0(),
        tell: None,
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
    assert_eq!(
        (chain.reporting_case, chain.case_judged_by.as_deref()),
        (
            kakehashi_domain::liaison::ReportingCase::SeriousImpact,
            Some("経済産業省")
        ),
        "the case and who judged are kept"
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

/// Liaison writes made at once, some of which fail, are each answered as if made alone (a
/// backend may commit several together): a failed one leaves nothing and takes no number, a
/// successful one is all there, and the numbers given are dense.
pub async fn concurrent_writes_are_each_answered_alone(store: Arc<dyn Store>) {
    world(&*store).await;
    let head = store.audit_head().await.expect("head").map(|h| h.0);
    let mut tasks = Vec::new();
    for i in 0..96 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let (c, r) = (format!("gc{i}"), format!("gr{i}"));
            // One in six carries two copies with one id: its second insert fails.
            let second = if i % 6 == 5 {
                format!("gk{i}")
            } else {
                format!("gk{i}-b")
            };
            let mut b = batch_new_chain(
                &c,
                &r,
                vec![
                    new_copy(copy(&c, &r, &format!("gk{i}"), "nisc", t0()), &["a"]),
                    new_copy(copy(&c, &r, &second, "meti", t0()), &["a"]),
                ],
                t0(),
            );
            b.tell = Some(Tell(Arc::new(move |o: &HopOutcome| Told {
                notifications: vec![NotificationDraft {
                    people: vec![PersonId("p1".into())],
                    kind: "copy".into(),
                    ref_id: format!("gk{i}"),
                    title: o.ident.clone().unwrap_or_default(),
                    importance: None,
                }],
                webhooks: vec![],
            })));
            (i, s.record_hops(b).await)
        }));
    }
    let mut idents = Vec::new();
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        let (i, out) = t.await.expect("join");
        let chain = store.chain(&ChainId(format!("gc{i}"))).await;
        if i % 6 == 5 {
            assert!(out.is_err(), "write {i} fails");
            assert!(
                matches!(chain, Err(StoreError::NotFound)),
                "failed write {i} left its chain"
            );
            failed += 1;
        } else {
            let ident = out.expect("write succeeds").ident.expect("numbered");
            assert_eq!(
                chain.expect("its chain").number.map(|n| format!("R{n}")),
                Some(ident.clone())
            );
            idents.push(ident);
            ok += 1;
        }
    }
    assert!(ok > 0 && failed > 0, "both kinds were written");
    // Each successful write's inbox row names its own number; the failed ones left none.
    let rows = store
        .notifications(&PersonId("p1".into()), 500)
        .await
        .expect("inbox");
    assert_eq!(rows.len(), ok);
    for n in &rows {
        assert!(
            idents.contains(&n.title),
            "row {} names its number",
            n.ref_id
        );
    }
    let mut numbers: Vec<u64> = idents
        .iter()
        .map(|s| s[1..].parse().expect("R<n>"))
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        (1..=ok as u64).collect::<Vec<_>>(),
        "numbers are dense: no failed write took one"
    );
    // One audit entry per successful write.
    let after = store.audit_head().await.expect("head").map(|h| h.0);
    assert_eq!(after.unwrap_or(0) - head.unwrap_or(0), ok as u64);
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

/// The situation picture's counts: open chains per sector that no copy the keys open belongs
/// to, with their distinct reporting organisations; closed chains and exercises never count.
pub async fn open_chain_counts_outside_keys(store: Arc<dyn Store>) {
    world(&*store).await;
    store
        .insert_org(&org("op2", "operator", &["electric_power"]), draft("org"))
        .await
        .expect("op2");
    let at = |m: i64| t0() + Duration::minutes(m);
    // A (op) open, k1; B (op) open, k2; C (op2) open, k2; D (op) closed, k2; E exercise, k2;
    // F (op) open, finance, k2.
    for (chain, keys, origin, status, exercise, sector) in [
        ("A", "k1", "op", "open", false, "electric_power"),
        ("B", "k2", "op", "open", false, "electric_power"),
        ("C", "k2", "op2", "open", false, "electric_power"),
        ("D", "k2", "op", "closed", false, "electric_power"),
        ("E", "k2", "op", "open", true, "electric_power"),
        ("F", "k2", "op", "open", false, "finance"),
    ] {
        let report = format!("r{chain}");
        let mut c = copy(chain, &report, &format!("{chain}1"), "meti", at(0));
        c.sector = sector.into();
        let mut b = batch_new_chain(chain, &report, vec![new_copy(c, &[keys])], at(0));
        b.chain_status = Some(status.into());
        if let Some(n) = b.new_chain.as_mut() {
            n.origin_org = OrgId(origin.into());
            n.exercise = exercise;
            n.sector = sector.into();
        }
        store.record_hops(b).await.expect(chain);
    }
    let counts = |keys: &[&str]| {
        let store = store.clone();
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        async move {
            store
                .count_open_chains_outside(&keys)
                .await
                .expect("counts")
                .into_iter()
                .map(|c| (c.sector, c.chains, c.orgs))
                .collect::<Vec<_>>()
        }
    };
    let all = vec![
        ("electric_power".to_owned(), 3, 2),
        ("finance".to_owned(), 1, 1),
    ];
    assert_eq!(counts(&[]).await, all, "no keys: every open chain");
    assert_eq!(counts(&["other"]).await, all);
    assert_eq!(
        counts(&["k1"]).await,
        vec![
            ("electric_power".to_owned(), 2, 2),
            ("finance".to_owned(), 1, 1)
        ],
        "A is readable with k1"
    );
    assert_eq!(
        counts(&["k2"]).await,
        vec![("electric_power".to_owned(), 1, 1)],
        "only A lies outside k2"
    );
    assert!(counts(&["k1", "k2"]).await.is_empty());
    // The listing tells each row's chain an exercise or not (views of real cases skip them).
    let listed = store
        .list_chains(&ListingQuery {
            keys: vec!["k2".into()],
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("listing");
    let mut flags: Vec<(String, bool)> = listed
        .iter()
        .map(|r| (r.copy.chain.0.clone(), r.exercise))
        .collect();
    flags.sort();
    assert_eq!(
        flags,
        vec![
            ("B".to_owned(), false),
            ("C".to_owned(), false),
            ("D".to_owned(), false),
            ("E".to_owned(), true),
            ("F".to_owned(), false),
        ]
    );
}

/// The listings walk the index in windows that grow from a few rows. This world is larger than
/// several windows, has copies at the same instant, copies hidden from the keys between readable
/// ones, and filters that drop most of a window. Every listing, whole and paged backwards and
/// forwards, must equal the one computed here straight from the rules: a copy counts when one of
/// its keys is held and the filters pass; a chain's row is its newest counted copy.
pub async fn listing_walk_equals_the_rules(store: Arc<dyn Store>) {
    world(&*store).await;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut rnd = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let orgs = ["op", "meti", "nisc"];
    let pool = ["k1", "k2", "k3", "k4"];
    let levels = ["RED", "AMBER", "GREEN"];
    let mut stored: Vec<(CopyRecord, Vec<String>, String)> = Vec::new();
    let hop_text = |b: &HopBatch| b.copies[0].search_text.clone();
    for c in 0..120 {
        let (chain, report) = (format!("W{c:03}"), format!("rW{c:03}"));
        for h in 0..1 + rnd(4) {
            // About 300 copies over 150 minutes: many share their instant.
            let at = t0() + Duration::minutes(rnd(150) as i64);
            let mut rec = copy(
                &chain,
                &report,
                &format!("w{c:03}-{h}"),
                orgs[rnd(3) as usize],
                at,
            );
            rec.sender_org = OrgId(orgs[rnd(3) as usize].into());
            rec.tlp = levels[rnd(3) as usize].into();
            // A chain's copies share its sector; a third of the chains are railway ones.
            if c % 3 == 0 {
                rec.sector = "railway".into();
            }
            let keys: Vec<&str> = pool.iter().copied().filter(|_| rnd(3) == 0).collect();
            let mut hop = new_copy(rec.clone(), &keys);
            // A quarter of the copies hold the keyword; a copy's text is its own.
            hop.search_text = if rnd(4) == 0 {
                "給電指令 alpha"
            } else {
                "業務 beta"
            }
            .into();
            let batch = if h == 0 {
                batch_new_chain(&chain, &report, vec![hop], at)
            } else {
                HopBatch {
                    chain: ChainId(chain.clone()),
                    new_chain: None,
                    report: ReportId(report.clone()),
                    new_report: None,
                    copies: vec![hop],
                    chain_status: None,
                    consultation: None,
                    audit: vec![draft("liaison.forward")],
                    at,
                    tell: None,
                }
            };
            let text = hop_text(&batch);
            store.record_hops(batch).await.expect("hop");
            stored.push((rec, keys.iter().map(|k| k.to_string()).collect(), text));
        }
    }
    let rules = |q: &ListingQuery| -> Vec<String> {
        let mut newest: std::collections::BTreeMap<&str, &CopyRecord> = Default::default();
        for (c, keys, text) in &stored {
            let counted = keys.iter().any(|k| q.keys.contains(k))
                && q.terms.iter().all(|t| text.contains(t.as_str()))
                && q.involving_org
                    .as_ref()
                    .is_none_or(|o| &c.addressee_org == o || &c.sender_org == o)
                && q.tlp.as_ref().is_none_or(|t| &c.tlp == t)
                && q.sector.as_ref().is_none_or(|s| &c.sector == s);
            if !counted {
                continue;
            }
            let e = newest.entry(c.chain.as_str()).or_insert(c);
            if (c.created_at, &c.id.0) > (e.created_at, &e.id.0) {
                *e = c;
            }
        }
        let mut rows: Vec<&CopyRecord> = newest.into_values().collect();
        rows.sort_by(|a, b| (b.created_at, &b.id.0).cmp(&(a.created_at, &a.id.0)));
        rows.into_iter().map(|c| c.id.0.clone()).collect()
    };
    let ids = |rows: Vec<ListingRecord>| rows.into_iter().map(|r| r.copy.id.0).collect::<Vec<_>>();
    let mut queries = Vec::new();
    for keys in [
        &["k1"][..],
        &["k1", "k2"],
        &["k3", "k4", "other"],
        &pool,
        &["other"],
    ] {
        for involving in [None, Some("op"), Some("nisc")] {
            for tlp in [None, Some("RED"), Some("GREEN")] {
                for sector in [None, Some("railway"), Some("electric_power")] {
                    queries.push(ListingQuery {
                        keys: keys.iter().map(|k| k.to_string()).collect(),
                        involving_org: involving.map(|o| OrgId(o.into())),
                        tlp: tlp.map(str::to_owned),
                        sector: sector.map(str::to_owned),
                        limit: 500,
                        ..Default::default()
                    });
                }
                // A keyword search: the windows mark the copies that hold the term.
                queries.push(ListingQuery {
                    keys: keys.iter().map(|k| k.to_string()).collect(),
                    involving_org: involving.map(|o| OrgId(o.into())),
                    tlp: tlp.map(str::to_owned),
                    terms: vec!["給電指令".into()],
                    limit: 500,
                    ..Default::default()
                });
            }
        }
    }
    // Some listings show part of the world, some none of it: the rules hid rows.
    let (mut partial, mut empty) = (0, 0);
    for q in queries {
        let want = rules(&q);
        if want.is_empty() {
            empty += 1
        } else if want.len() < 120 {
            partial += 1
        }
        assert_eq!(
            ids(store.list_chains(&q).await.expect("list")),
            want,
            "{q:?}"
        );
        // Backwards, seven rows a page.
        let mut page = ListingQuery {
            limit: 7,
            ..q.clone()
        };
        let mut seen = Vec::new();
        loop {
            let rows = store.list_chains(&page).await.expect("page");
            assert!(rows.len() <= 7);
            let Some(last) = rows.last() else { break };
            page.before = Some((last.copy.created_at, last.copy.id.clone()));
            seen.extend(ids(rows));
        }
        assert_eq!(seen, want, "paged backwards: {q:?}");
        // Forwards (TAXII), oldest first.
        let mut page = ListingQuery {
            limit: 5,
            after: Some((chrono::DateTime::<Utc>::UNIX_EPOCH, None)),
            ..q.clone()
        };
        let mut seen = Vec::new();
        loop {
            let rows = store.list_chains(&page).await.expect("page");
            let Some(last) = rows.last() else { break };
            page.after = Some((last.copy.created_at, Some(last.copy.id.clone())));
            seen.extend(ids(rows));
        }
        seen.reverse();
        assert_eq!(seen, want, "paged forwards: {q:?}");
    }
    assert!(
        partial > 20 && empty > 0,
        "partial {partial}, empty {empty}"
    );
    // A listing filtered to a level may walk only that level's keys (the policy narrows them);
    // the rules still see every key, so the rows are the same.
    let q = ListingQuery {
        keys: pool.iter().map(|k| k.to_string()).collect(),
        tlp: Some("RED".into()),
        limit: 500,
        ..Default::default()
    };
    let narrowed = ListingQuery {
        level_keys: Some(vec!["k1".into(), "k2".into(), "k3".into(), "k4".into()]),
        ..q.clone()
    };
    assert_eq!(
        ids(store.list_chains(&narrowed).await.expect("list")),
        rules(&q)
    );
    let none = ListingQuery {
        level_keys: Some(Vec::new()),
        ..q
    };
    assert!(
        store.list_chains(&none).await.expect("list").is_empty(),
        "no key carries the level"
    );
    // The copy listing walks the same way, nine copies a page: an inbox, then one sector under
    // two keys.
    let pages = |q: CopyQuery| {
        let store = Arc::clone(&store);
        async move {
            let mut page = CopyQuery { limit: 9, ..q };
            let mut seen = Vec::new();
            loop {
                let rows = store.list_copies(&page).await.expect("copies");
                let Some(last) = rows.last() else { break };
                page.before = Some((last.created_at, last.id.clone()));
                seen.extend(rows.into_iter().map(|r| r.id.0));
            }
            seen
        }
    };
    let newest_first = |keep: &dyn Fn(&CopyRecord, &[String]) -> bool| {
        let mut want: Vec<&CopyRecord> = stored
            .iter()
            .filter(|(c, k, _)| keep(c, k))
            .map(|(c, _, _)| c)
            .collect();
        want.sort_by(|a, b| (b.created_at, &b.id.0).cmp(&(a.created_at, &a.id.0)));
        want.into_iter().map(|c| c.id.0.clone()).collect::<Vec<_>>()
    };
    let want = newest_first(&|c, k| {
        !k.is_empty() && (c.addressee_org.0 == "meti" || c.sender_org.0 == "meti")
    });
    assert!(!want.is_empty());
    let seen = pages(CopyQuery {
        keys: pool.iter().map(|k| k.to_string()).collect(),
        involving_org: Some(OrgId("meti".into())),
        ..Default::default()
    })
    .await;
    assert_eq!(seen, want);
    let want =
        newest_first(&|c, k| c.sector == "railway" && k.iter().any(|k| k == "k1" || k == "k2"));
    assert!(!want.is_empty() && want.len() < stored.len() / 2);
    let seen = pages(CopyQuery {
        keys: vec!["k1".into(), "k2".into()],
        sector: Some("railway".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(seen, want);
}

pub async fn chain_listing_follows_audience_keys(store: Arc<dyn Store>) {
    world(&*store).await;
    let at = |m: i64| t0() + Duration::minutes(m);
    let hop = |rec: CopyRecord, keys: &[&str], text: &str| NewCopy {
        search_text: text.into(),
        ..new_copy(rec, keys)
    };
    let add = |chain: &str, report: &str, c: NewCopy| HopBatch {
        chain: ChainId(chain.into()),
        new_chain: None,
        report: ReportId(report.into()),
        new_report: None,
        copies: vec![c],
        chain_status: None,
        consultation: None,
        audit: vec![draft("liaison.forward")],
        at: t0(),
        tell: None,
    };
    // Case A: a1 op → meti (k1); a2 meti → nisc, forwarded from a1 (k2 only); a3 the urgent copy
    // op → nisc (k2). Case B (statutory): b1 op → meti (k1), not forwarded, text "alpha abc".
    // Case C: c1 with no audience at all.
    store
        .record_hops(batch_new_chain(
            "A",
            "rA",
            vec![hop(copy("A", "rA", "a1", "meti", at(0)), &["k1"], "first")],
            at(0),
        ))
        .await
        .expect("a1");
    let mut a2 = copy("A", "rA", "a2", "nisc", at(1));
    a2.hop_kind = "forward".into();
    a2.sender_org = OrgId("meti".into());
    a2.parent = Some(CopyId("a1".into()));
    store
        .record_hops(add("A", "rA", hop(a2, &["k2"], "second")))
        .await
        .expect("a2");
    let mut a3 = copy("A", "rA", "a3", "nisc", at(2));
    a3.hop_kind = URGENT_HOPS[1].into();
    a3.tlp = "RED".into();
    store
        .record_hops(add("A", "rA", hop(a3, &["k2"], "third")))
        .await
        .expect("a3");
    let mut b = batch_new_chain(
        "B",
        "rB",
        vec![hop(
            copy("B", "rB", "b1", "meti", at(3)),
            &["k1"],
            "alpha abc",
        )],
        at(3),
    );
    if let Some(c) = b.new_chain.as_mut() {
        c.statutory = true;
    }
    store.record_hops(b).await.expect("b1");
    store
        .record_hops(batch_new_chain(
            "C",
            "rC",
            vec![hop(copy("C", "rC", "c1", "meti", at(4)), &[], "alpha")],
            at(4),
        ))
        .await
        .expect("c1");

    let q = |keys: &[&str]| ListingQuery {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        limit: 50,
        ..Default::default()
    };
    let list = |q: ListingQuery| {
        let store = store.clone();
        async move { store.list_chains(&q).await.expect("list chains") }
    };
    let ids = |rows: &[ListingRecord]| rows.iter().map(|r| r.copy.id.0.clone()).collect::<Vec<_>>();

    // The newest copy the keys open, one row per case, newest first; never case C.
    let rows = list(q(&["k1"])).await;
    assert_eq!(ids(&rows), vec!["b1", "a1"]);
    assert!(!rows[1].urgent, "the urgent copy is not open to k1");
    assert_eq!(
        rows[1].pending, None,
        "nothing to forward without a forwarding org"
    );
    assert_eq!(rows[1].ident.as_deref(), Some("R1"), "{rows:?}");
    assert_eq!(rows[1].chain_number, Some(1));
    assert!(rows[0].statutory && !rows[1].statutory);
    assert_eq!(rows[0].chain_status, "open");
    assert_eq!(rows[1].copy.form, "{}", "the whole copy comes with the row");
    let rows = list(q(&["k1", "k2"])).await;
    assert_eq!(ids(&rows), vec!["b1", "a3"]);
    assert!(rows[1].urgent);
    assert!(list(q(&[])).await.is_empty(), "no keys, nothing");
    assert!(list(q(&["other"])).await.is_empty());

    // To forward: a received copy with no onward copy the keys open.
    let fwd = |keys: &[&str], to_forward: Option<bool>| ListingQuery {
        forwarding_org: Some(OrgId("meti".into())),
        to_forward,
        ..q(keys)
    };
    let rows = list(fwd(&["k1"], None)).await;
    assert_eq!(ids(&rows), vec!["b1", "a1"]);
    assert_eq!(rows[0].pending, Some(CopyId("b1".into())));
    assert_eq!(
        rows[1].pending,
        Some(CopyId("a1".into())),
        "the onward copy a2 is not open to k1, so it does not count"
    );
    let rows = list(fwd(&["k1", "k2"], None)).await;
    assert_eq!(rows[1].pending, None, "a1 was forwarded as a2");
    assert_eq!(ids(&list(fwd(&["k1", "k2"], Some(true))).await), vec!["b1"]);
    assert_eq!(
        ids(&list(fwd(&["k1", "k2"], Some(false))).await),
        vec!["a3"]
    );
    let nobody = ListingQuery {
        to_forward: Some(true),
        ..q(&["k1", "k2"])
    };
    assert!(
        list(nobody).await.is_empty(),
        "no forwarding org, nothing to forward"
    );

    // Copy filters choose the row copy; chain filters whole cases.
    let inbox = |org: &str| ListingQuery {
        involving_org: Some(OrgId(org.into())),
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(inbox("nisc")).await), vec!["a3"]);
    assert_eq!(ids(&list(inbox("meti")).await), vec!["b1", "a2"]);
    let tlp = ListingQuery {
        tlp: Some("AMBER".into()),
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(tlp).await), vec!["b1", "a2"]);
    let term = |t: &str| ListingQuery {
        terms: vec![t.into()],
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(term("alpha")).await), vec!["b1"]);
    assert_eq!(ids(&list(term("abc")).await), vec!["b1"]);
    assert_eq!(ids(&list(term("second")).await), vec!["a2"]);
    assert!(list(term("alp%")).await.is_empty(), "wildcards are literal");
    assert!(list(term("_")).await.is_empty(), "wildcards are literal");
    assert_eq!(
        ids(&list(term("r1")).await),
        vec!["a3"],
        "the report's R-number matches"
    );
    let both = ListingQuery {
        terms: vec!["alpha".into(), "zzz".into()],
        ..q(&["k1", "k2"])
    };
    assert!(list(both).await.is_empty(), "every term must occur");
    let from = ListingQuery {
        from: Some(at(1)),
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(from).await), vec!["b1", "a3"]);
    let until = ListingQuery {
        until: Some(at(1)),
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(until).await), vec!["a1"]);
    let flags = |statutory: Option<bool>, urgent: Option<bool>| ListingQuery {
        statutory,
        urgent,
        ..q(&["k1", "k2"])
    };
    assert_eq!(ids(&list(flags(Some(true), None)).await), vec!["b1"]);
    assert_eq!(ids(&list(flags(Some(false), None)).await), vec!["a3"]);
    assert_eq!(ids(&list(flags(None, Some(true))).await), vec!["a3"]);
    assert_eq!(ids(&list(flags(None, Some(false))).await), vec!["b1"]);
    assert!(list(ListingQuery {
        urgent: Some(true),
        ..q(&["k1"])
    })
    .await
    .is_empty());
    let sector = ListingQuery {
        sector: Some("railway".into()),
        ..q(&["k1", "k2"])
    };
    assert!(list(sector).await.is_empty());
    let status = ListingQuery {
        status: Some("closed".into()),
        ..q(&["k1", "k2"])
    };
    assert!(list(status).await.is_empty());

    // Keyset paging.
    let mut page = ListingQuery {
        limit: 1,
        ..q(&["k1", "k2"])
    };
    let mut seen = Vec::new();
    loop {
        let rows = list(page.clone()).await;
        let Some(last) = rows.last() else { break };
        seen.push(last.copy.id.0.clone());
        page.before = Some((last.copy.created_at, last.copy.id.clone()));
    }
    assert_eq!(seen, vec!["b1", "a3"]);
    // Forward paging (TAXII): oldest first, strictly after the cursor.
    let mut page = ListingQuery {
        limit: 1,
        after: Some((chrono::DateTime::<Utc>::UNIX_EPOCH, None)),
        ..q(&["k1", "k2"])
    };
    let mut seen = Vec::new();
    let mut first_time = None;
    loop {
        let rows = list(page.clone()).await;
        let Some(last) = rows.last() else { break };
        first_time.get_or_insert(last.copy.created_at);
        seen.push(last.copy.id.0.clone());
        page.after = Some((last.copy.created_at, Some(last.copy.id.clone())));
    }
    assert_eq!(seen, vec!["a3", "b1"]);
    let later: Vec<String> = list(ListingQuery {
        after: first_time.map(|t| (t, None)),
        ..q(&["k1", "k2"])
    })
    .await
    .into_iter()
    .map(|r| r.copy.id.0)
    .collect();
    assert_eq!(later, vec!["b1"], "strictly after the time alone");

    // Every copy stored through record_hops has its search text.
    assert!(store
        .copies_without_search_text(10)
        .await
        .expect("without text")
        .is_empty());
    store
        .set_search_text(&[(CopyId("c1".into()), "gamma".into())])
        .await
        .expect("set text");
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

/// A liaison write's inbox rows and webhook deliveries are written in its own transaction, from
/// its outcome (the R-number it gave): all of them with the copies, or none.
/// An active webhook "w1" of "op" (after [`world`]).
async fn webhook_of_op(store: &dyn Store) {
    store
        .insert_webhook(
            &WebhookRecord {
                id: "w1".into(),
                org: OrgId("op".into()),
                url: "http://127.0.0.1:9/w1".into(),
                secret: "s".into(),
                active: true,
                created_by: PersonId("p1".into()),
                created_at: t0(),
            },
            draft("webhook"),
        )
        .await
        .expect("webhook");
}

pub async fn hops_tell_in_their_own_transaction(store: Arc<dyn Store>) {
    world(&*store).await; // p1 of "op"
    webhook_of_op(&*store).await;
    let tell = |copy: &'static str| {
        Tell(Arc::new(move |o: &HopOutcome| {
            let label = o.ident.clone().unwrap_or_else(|| "未採番".into());
            Told {
                notifications: vec![NotificationDraft {
                    people: vec![PersonId("p1".into())],
                    kind: "copy".into(),
                    ref_id: copy.into(),
                    title: format!("情報連絡 {label}"),
                    importance: None,
                }],
                webhooks: vec![WebhookDeliveryRecord {
                    id: format!("d-{copy}"),
                    webhook: "w1".into(),
                    payload: format!(r#"{{"ident":"{label}"}}"#),
                    status: "pending".into(),
                    attempts: 0,
                    next_at: t0(),
                    last_error: String::new(),
                    created_at: t0(),
                }],
            }
        }))
    };
    let inbox = |store: Arc<dyn Store>| async move {
        store
            .notifications(&PersonId("p1".into()), 50)
            .await
            .expect("notifications")
    };
    let queued = |store: Arc<dyn Store>| async move {
        store
            .webhook_deliveries_of_org(&OrgId("op".into()), "pending", 50)
            .await
            .expect("deliveries")
    };
    // A batch that fails (two copies with one id) tells nobody.
    let mut bad = batch_new_chain(
        "cf",
        "rf",
        vec![
            new_copy(copy("cf", "rf", "dup", "nisc", t0()), &["a"]),
            new_copy(copy("cf", "rf", "dup", "meti", t0()), &["a"]),
        ],
        t0(),
    );
    bad.tell = Some(tell("dup"));
    assert!(store.record_hops(bad).await.is_err(), "the batch fails");
    assert!(inbox(store.clone()).await.is_empty(), "no inbox row");
    assert!(
        queued(store.clone()).await.is_empty(),
        "no webhook delivery"
    );
    // One that NISC numbers names its R-number in the rows written with it.
    let mut ok = batch_new_chain(
        "cg",
        "rg",
        vec![new_copy(copy("cg", "rg", "k1", "nisc", t0()), &["a"])],
        t0(),
    );
    ok.tell = Some(tell("k1"));
    let out = store.record_hops(ok).await.expect("numbered");
    assert_eq!(out.ident.as_deref(), Some("R1"));
    let rows = inbox(store.clone()).await;
    assert_eq!(
        rows.iter()
            .map(|n| (n.ref_id.as_str(), n.title.as_str()))
            .collect::<Vec<_>>(),
        vec![("k1", "情報連絡 R1")]
    );
    let d = queued(store.clone()).await;
    assert_eq!(
        d.iter()
            .map(|d| (d.id.as_str(), d.payload.as_str()))
            .collect::<Vec<_>>(),
        vec![("d-k1", r#"{"ident":"R1"}"#)]
    );
    // One that is not numbered says so.
    let mut plain = batch_new_chain(
        "ch",
        "rh",
        vec![new_copy(copy("ch", "rh", "k2", "meti", t0()), &["a"])],
        t0(),
    );
    plain.tell = Some(tell("k2"));
    store.record_hops(plain).await.expect("unnumbered");
    let titles: Vec<String> = inbox(store.clone())
        .await
        .into_iter()
        .filter(|n| n.ref_id == "k2")
        .map(|n| n.title)
        .collect();
    assert_eq!(titles, vec!["情報連絡 未採番".to_owned()]);
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

// --- provision (情報提供) ----------------------------------------------------------------

fn provision_rec(
    id: &str,
    chain: &str,
    report_no: u32,
    at: chrono::DateTime<Utc>,
) -> ProvisionRecord {
    ProvisionRecord {
        id: id.into(),
        chain: chain.into(),
        report_no,
        ident: None,
        state: "draft".into(),
        form: format!(r#"{{"title":"{id}"}}"#),
        tlp: "AMBER".into(),
        importance: Some("caution".into()),
        sectors: vec!["electric_power".into()],
        sources: r#"[{"kind":"item","id":"s1"}]"#.into(),
        resolutions: "[]".into(),
        urgent: false,
        direct_recipients: vec![],
        created_by: PersonId("p1".into()),
        created_at: at,
        sent_at: None,
    }
}

fn delivery(provision: &str, org: &str, at: chrono::DateTime<Utc>) -> DeliveryRecord {
    DeliveryRecord {
        provision: provision.into(),
        org: OrgId(org.into()),
        via_org: None,
        relay: None,
        delivered_at: at,
        read_at: None,
        acked_at: None,
        ack_note: String::new(),
    }
}

fn keys(ks: &[&str]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

async fn save_draft(store: &dyn Store, p: &ProvisionRecord) {
    store
        .save_provision_draft(p, draft("provision.draft"))
        .await
        .expect("save draft");
}

/// Sends `id` to `orgs` (delivered at `at`) with audience `ks` and one audit entry.
async fn send_to(
    store: &dyn Store,
    id: &str,
    ks: &[&str],
    orgs: &[&str],
    at: chrono::DateTime<Utc>,
) -> StoreResult<String> {
    store
        .send_provision(
            id,
            keys(ks),
            orgs.iter().map(|o| delivery(id, o, at)).collect(),
            at,
            vec![draft("provision.send")],
            None,
        )
        .await
}

/// A provision's send and a relay write their inbox rows and webhook deliveries in their own
/// transaction: a send names its T-number in them; a refused send or relay writes none.
pub async fn provision_sends_tell_in_their_own_transaction(store: Arc<dyn Store>) {
    world(&*store).await; // p1 of "op"
    webhook_of_op(&*store).await;
    let told = |id: &str, label: &str| Told {
        notifications: vec![NotificationDraft {
            people: vec![PersonId("p1".into())],
            kind: "provision".into(),
            ref_id: id.into(),
            title: format!("情報提供 {label}"),
            importance: Some("alert".into()),
        }],
        webhooks: vec![WebhookDeliveryRecord {
            id: format!("d-{id}-{label}"),
            webhook: "w1".into(),
            payload: format!(r#"{{"ident":"{label}"}}"#),
            status: "pending".into(),
            attempts: 0,
            next_at: t0(),
            last_error: String::new(),
            created_at: t0(),
        }],
    };
    let tell = |id: &'static str| {
        Tell(Arc::new(move |o: &HopOutcome| {
            told(id, o.ident.as_deref().unwrap_or("none"))
        }))
    };
    let inbox = |store: Arc<dyn Store>| async move {
        store
            .notifications(&PersonId("p1".into()), 50)
            .await
            .expect("notifications")
            .into_iter()
            .map(|n| (n.ref_id, n.title))
            .collect::<Vec<_>>()
    };
    let queued = |store: Arc<dyn Store>| async move {
        store
            .webhook_deliveries_of_org(&OrgId("op".into()), "pending", 50)
            .await
            .expect("deliveries")
            .into_iter()
            .map(|d| d.payload)
            .collect::<Vec<_>>()
    };
    let at = t0() + Duration::minutes(1);
    save_draft(&*store, &provision_rec("pt", "tpt", 1, t0())).await;
    let send = |store: Arc<dyn Store>| async move {
        store
            .send_provision(
                "pt",
                keys(&["k"]),
                vec![delivery("pt", "op", at)],
                at,
                vec![draft("provision.send")],
                Some(tell("pt")),
            )
            .await
    };
    let ident = send(store.clone()).await.expect("send");
    assert_eq!(
        inbox(store.clone()).await,
        vec![("pt".to_owned(), format!("情報提供 {ident}"))],
        "the inbox row names the T-number the send gave"
    );
    assert_eq!(
        queued(store.clone()).await,
        vec![format!(r#"{{"ident":"{ident}"}}"#)]
    );
    // Sent once: a second send is refused and tells nobody again.
    assert!(matches!(
        send(store.clone()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(inbox(store.clone()).await.len(), 1);
    assert_eq!(queued(store.clone()).await.len(), 1);
    // A relay of a draft is refused whole: no delivery, no inbox row, no webhook delivery.
    save_draft(&*store, &provision_rec("pd", "tpd", 1, t0())).await;
    let relay = RelayRecord {
        id: "rl".into(),
        provision: "pd".into(),
        from_org: OrgId("meti".into()),
        by_person: PersonId("p1".into()),
        recipients: vec![OrgId("op".into())],
        at,
    };
    assert!(matches!(
        store
            .record_relay(
                &relay,
                vec![delivery("pd", "op", at)],
                draft("provision.relay"),
                told("pd", "relay")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(inbox(store.clone()).await.len(), 1);
    assert_eq!(queued(store.clone()).await.len(), 1);
    // A relay of the sent one writes its rows with it.
    let relay = RelayRecord {
        provision: "pt".into(),
        id: "rl2".into(),
        ..relay
    };
    store
        .record_relay(
            &relay,
            vec![delivery("pt", "op", at)],
            draft("provision.relay"),
            told("pt", "relay"),
        )
        .await
        .expect("relay");
    assert_eq!(
        queued(store.clone()).await.len(),
        2,
        "the relay's webhook delivery"
    );
}

async fn head_seq(store: &dyn Store) -> u64 {
    store.audit_head().await.expect("head").map_or(0, |h| h.0)
}

pub async fn provision_source_items(store: Arc<dyn Store>) {
    world(&*store).await;
    let s1 = SourceItemRecord {
        id: "s1".into(),
        title: "Vendor advisory".into(),
        origin: "JPCERT/CC".into(),
        url: "https://example.jp/adv/1".into(),
        tlp: "CLEAR".into(),
        allowed_sectors: None,
        identifiers: r#"["example.jp"]"#.into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    let mut s2 = s1.clone();
    s2.id = "s2".into();
    s2.allowed_sectors = Some(vec!["gas".into(), "electric_power".into()]);
    s2.created_at = t0() + Duration::minutes(1);
    let before = head_seq(&*store).await;
    for s in [&s1, &s2] {
        store
            .insert_source_item(s, draft("source"))
            .await
            .expect("insert source");
    }
    assert_eq!(head_seq(&*store).await, before + 2, "audited");
    assert_eq!(store.source_item("s1").await.expect("s1"), s1);
    assert_eq!(store.source_item("s2").await.expect("s2"), s2);
    assert_eq!(
        store.source_items().await.expect("items"),
        vec![s2.clone(), s1.clone()],
        "newest first"
    );
    assert!(matches!(
        store.source_item("nope").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.insert_source_item(&s1, draft("dup")).await,
        Err(StoreError::Conflict(_))
    ));
}

/// An imported source item and what the import read are stored together or not at all.
pub async fn imported_source_items_are_stored_whole(store: Arc<dyn Store>) {
    world(&*store).await;
    let item = SourceItemRecord {
        id: "imp1".into(),
        title: "STIX bundle".into(),
        origin: "Vendor".into(),
        url: String::new(),
        tlp: "AMBER".into(),
        allowed_sectors: None,
        identifiers: r#"["Vendor"]"#.into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    let content = SourceImportRecord {
        source_item: "imp1".into(),
        format: "stix".into(),
        external_id: "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d".into(),
        body: "[indicator] C2".into(),
        indicators: r#"[{"kind":"ip","value":"198.51.100.7","note":"","origin":"typed"}]"#.into(),
    };
    let before = head_seq(&*store).await;
    store
        .insert_imported_source_item(&item, &content, vec![draft("import")])
        .await
        .expect("insert import");
    assert_eq!(head_seq(&*store).await, before + 1, "audited");
    assert_eq!(store.source_item("imp1").await.expect("item"), item);
    assert_eq!(
        store.source_import("imp1").await.expect("content"),
        Some(content.clone())
    );
    // A second insert of the same id fails whole: no second audit entry, the first content kept.
    let mut again = content.clone();
    again.body = "other".into();
    assert!(store
        .insert_imported_source_item(&item, &again, vec![draft("import")])
        .await
        .is_err());
    assert_eq!(head_seq(&*store).await, before + 1, "nothing written");
    assert_eq!(
        store.source_import("imp1").await.expect("content"),
        Some(content)
    );
    // A hand-recorded item has no import content.
    let mut hand = item.clone();
    hand.id = "hand1".into();
    store
        .insert_source_item(&hand, draft("source"))
        .await
        .expect("insert source");
    assert_eq!(store.source_import("hand1").await.expect("none"), None);
}

pub async fn provision_drafts_save_and_refuse_after_send(store: Arc<dyn Store>) {
    world(&*store).await;
    let p = provision_rec("pv1", "tc1", 1, t0());
    let before = head_seq(&*store).await;
    save_draft(&*store, &p).await;
    assert_eq!(head_seq(&*store).await, before + 1, "the save is audited");
    assert_eq!(store.provision("pv1").await.expect("pv1"), p);
    // Whatever the record says, saving stores a draft: only sending numbers and sends.
    let mut sneaky = provision_rec("pv2", "tc1", 2, t0() + Duration::minutes(1));
    sneaky.state = "sent".into();
    sneaky.ident = Some("T99".into());
    sneaky.sent_at = Some(t0());
    save_draft(&*store, &sneaky).await;
    let back = store.provision("pv2").await.expect("pv2");
    assert_eq!(
        (back.state.as_str(), back.ident, back.sent_at),
        ("draft", None, None)
    );
    // Saving again replaces the draft's content.
    let mut p2 = p.clone();
    p2.form = r#"{"title":"改訂"}"#.into();
    p2.tlp = "GREEN".into();
    p2.importance = None;
    p2.sectors = vec!["electric_power".into(), "gas".into()];
    p2.resolutions = r#"[{"field":"name","action":"remove"}]"#.into();
    p2.urgent = true;
    // The CEPTOARs/operators an urgent provision goes to directly travel with the draft, in order.
    p2.direct_recipients = vec![OrgId("op-b".into()), OrgId("ceptoar-a".into())];
    save_draft(&*store, &p2).await;
    assert_eq!(store.provision("pv1").await.expect("pv1"), p2);
    assert_eq!(
        store.provision("pv1").await.expect("pv1").direct_recipients,
        vec![OrgId("op-b".into()), OrgId("ceptoar-a".into())]
    );
    let drafts = store.provision_drafts().await.expect("drafts");
    assert_eq!(
        drafts.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        vec!["pv2", "pv1"],
        "newest first"
    );
    assert_eq!(drafts[1].sectors, p2.sectors);
    assert_eq!(
        store
            .provisions_of_chain("tc1")
            .await
            .expect("chain")
            .iter()
            .map(|p| (p.id.as_str(), p.report_no))
            .collect::<Vec<_>>(),
        vec![("pv1", 1), ("pv2", 2)]
    );
    // Report numbers are unique within a chain.
    assert!(matches!(
        store
            .save_provision_draft(&provision_rec("pv3", "tc1", 1, t0()), draft("dup"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.provision("nope").await,
        Err(StoreError::NotFound)
    ));
    // Once sent, the provision can no longer be saved as a draft.
    assert_eq!(
        send_to(&*store, "pv1", &["k"], &["op"], t0() + Duration::hours(1))
            .await
            .expect("send"),
        "T1"
    );
    let head = store.audit_head().await.expect("head");
    let mut late = p2.clone();
    late.form = r#"{"title":"too late"}"#.into();
    match store.save_provision_draft(&late, draft("late")).await {
        Err(StoreError::Conflict(m)) => assert_eq!(m, "provision already sent"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(
        store.audit_head().await.expect("head"),
        head,
        "no audit entry"
    );
    let sent = store.provision("pv1").await.expect("pv1");
    assert_eq!(sent.form, p2.form, "the sent content is unchanged");
    assert_eq!(
        sent.direct_recipients, p2.direct_recipients,
        "and so are its direct recipients"
    );
    assert_eq!(sent.state, "sent");
    assert_eq!(sent.ident.as_deref(), Some("T1"));
    assert_eq!(sent.sent_at, Some(t0() + Duration::hours(1)));
    assert_eq!(
        store
            .provision_drafts()
            .await
            .expect("drafts")
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        vec!["pv2"]
    );
}

pub async fn provision_numbering(store: Arc<dyn Store>) {
    world(&*store).await;
    for p in [
        provision_rec("a1", "ta", 1, t0()),
        provision_rec("a2", "ta", 2, t0()),
        provision_rec("b1", "tb", 1, t0()),
        provision_rec("c1", "tc", 1, t0()),
        provision_rec("c2", "tc", 2, t0()),
    ] {
        save_draft(&*store, &p).await;
    }
    let at = t0() + Duration::minutes(1);
    let before = head_seq(&*store).await;
    assert_eq!(
        send_to(&*store, "a1", &["k"], &["op"], at)
            .await
            .expect("a1"),
        "T1"
    );
    assert_eq!(
        send_to(&*store, "a2", &["k"], &["op"], at)
            .await
            .expect("a2"),
        "T1-2"
    );
    assert_eq!(
        send_to(&*store, "b1", &["k"], &["op"], at)
            .await
            .expect("b1"),
        "T2"
    );
    // The chain is numbered by whichever of its reports is sent first.
    assert_eq!(
        send_to(&*store, "c2", &["k"], &["op"], at)
            .await
            .expect("c2"),
        "T3-2"
    );
    assert_eq!(
        send_to(&*store, "c1", &["k"], &["op"], at)
            .await
            .expect("c1"),
        "T3"
    );
    assert_eq!(head_seq(&*store).await, before + 5, "each send is audited");
    let chain = store.provisions_of_chain("ta").await.expect("chain");
    assert_eq!(
        chain
            .iter()
            .map(|p| (p.ident.as_deref(), p.state.as_str(), p.sent_at))
            .collect::<Vec<_>>(),
        vec![
            (Some("T1"), "sent", Some(at)),
            (Some("T1-2"), "sent", Some(at))
        ]
    );
    assert!(matches!(
        send_to(&*store, "nope", &["k"], &["op"], at).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn provision_numbering_is_unique_under_concurrency(store: Arc<dyn Store>) {
    world(&*store).await;
    // 16 chains with two reports each, all 32 sent at once: report 1 and 2 of one chain race to
    // number the chain, and the chains race for the counter.
    for i in 0..16 {
        for k in 1..=2 {
            save_draft(
                &*store,
                &provision_rec(&format!("q{i}-{k}"), &format!("tq{i}"), k, t0()),
            )
            .await;
        }
    }
    let mut tasks = Vec::new();
    for i in 0..16 {
        for k in 1..=2 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                let id = format!("q{i}-{k}");
                let ident = send_to(&*s, &id, &["k"], &["op"], t0())
                    .await
                    .expect("concurrent send");
                (i, k, ident)
            }));
        }
    }
    let mut per_chain = std::collections::BTreeMap::<i32, Vec<(u32, String)>>::new();
    for t in tasks {
        let (i, k, ident) = t.await.expect("join");
        per_chain.entry(i).or_default().push((k, ident));
    }
    let mut numbers = Vec::new();
    for (i, mut idents) in per_chain {
        idents.sort();
        let n: u64 = idents[0].1[1..].parse().expect("T<n>");
        assert_eq!(
            idents,
            vec![(1, format!("T{n}")), (2, format!("T{n}-2"))],
            "both reports of chain {i} carry the same number"
        );
        numbers.push(n);
    }
    numbers.sort();
    assert_eq!(
        numbers,
        (1..=16).collect::<Vec<_>>(),
        "numbers are dense, no gaps or repeats"
    );
}

pub async fn provision_fan_out_is_set_based(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("big", "tbig", 1, t0())).await;
    // More than 3,000 recipients, not a multiple of the chunk size.
    let orgs: Vec<String> = (0..3001).map(|i| format!("org{i:05}")).collect();
    let at = t0() + Duration::minutes(1);
    let audience: Vec<String> = (0..700).map(|i| format!("key{i:04}")).collect();
    let before = head_seq(&*store).await;
    let started = std::time::Instant::now();
    let ident = store
        .send_provision(
            "big",
            audience,
            orgs.iter().map(|o| delivery("big", o, at)).collect(),
            at,
            vec![draft("provision.send"), draft("provision.fanout")],
            None,
        )
        .await
        .expect("send to thousands");
    let took = started.elapsed();
    assert_eq!(ident, "T1");
    assert!(
        took < std::time::Duration::from_secs(5),
        "fan-out to 3,001 organisations took {took:?}"
    );
    let stored = store.deliveries_of("big").await.expect("deliveries");
    assert_eq!(stored.len(), orgs.len(), "every delivery is stored");
    assert_eq!(
        stored.iter().map(|d| d.org.0.clone()).collect::<Vec<_>>(),
        orgs,
        "ordered by delivered_at, then organisation"
    );
    assert!(stored.iter().all(|d| *d == delivery("big", &d.org.0, at)));
    assert_eq!(head_seq(&*store).await, before + 2);
    // Every audience key was stored, also past the first chunk.
    for k in ["key0000", "key0499", "key0500", "key0699"] {
        assert_eq!(
            store
                .list_provisions(&keys(&[k]), 10)
                .await
                .expect("list")
                .len(),
            1,
            "{k}"
        );
    }
}

pub async fn provision_relay_keeps_first_delivery(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("rp", "trp", 1, t0())).await;
    let t1 = t0() + Duration::minutes(1);
    send_to(&*store, "rp", &["k"], &["ceptoar", "op-a"], t1)
        .await
        .expect("send");
    store
        .mark_delivery_read("rp", &OrgId("op-a".into()), t1 + Duration::minutes(1))
        .await
        .expect("read");
    // The CEPTOAR relays to op-a (already reached) and op-b (new).
    let t2 = t0() + Duration::minutes(10);
    let relay = RelayRecord {
        id: "rl1".into(),
        provision: "rp".into(),
        from_org: OrgId("ceptoar".into()),
        by_person: PersonId("p1".into()),
        recipients: vec![OrgId("op-a".into()), OrgId("op-b".into())],
        at: t2,
    };
    let via = |org: &str, from: &str, relay: &str, at| DeliveryRecord {
        via_org: Some(OrgId(from.into())),
        relay: Some(relay.into()),
        ..delivery("rp", org, at)
    };
    let before = head_seq(&*store).await;
    store
        .record_relay(
            &relay,
            vec![
                via("op-a", "ceptoar", "rl1", t2),
                via("op-b", "ceptoar", "rl1", t2),
            ],
            draft("provision.relay"),
            Told::default(),
        )
        .await
        .expect("relay");
    assert_eq!(head_seq(&*store).await, before + 1, "the relay is audited");
    let mut op_a = delivery("rp", "op-a", t1);
    op_a.read_at = Some(t1 + Duration::minutes(1));
    let expected = vec![
        delivery("rp", "ceptoar", t1),
        op_a.clone(),
        via("op-b", "ceptoar", "rl1", t2),
    ];
    assert_eq!(
        store.deliveries_of("rp").await.expect("deliveries"),
        expected
    );
    // op-b relays on to op-b's peer op-c and back to the CEPTOAR: only op-c is new.
    let t3 = t0() + Duration::minutes(20);
    let relay2 = RelayRecord {
        id: "rl2".into(),
        from_org: OrgId("op-b".into()),
        recipients: vec![OrgId("op-c".into()), OrgId("ceptoar".into())],
        at: t3,
        ..relay.clone()
    };
    store
        .record_relay(
            &relay2,
            vec![
                via("op-c", "op-b", "rl2", t3),
                via("ceptoar", "op-b", "rl2", t3),
            ],
            draft("provision.relay"),
            Told::default(),
        )
        .await
        .expect("relay 2");
    let mut expected2 = expected.clone();
    expected2.push(via("op-c", "op-b", "rl2", t3));
    assert_eq!(
        store.deliveries_of("rp").await.expect("deliveries"),
        expected2
    );
    // A relay of a provision that does not exist, or was not sent, changes nothing.
    let head = store.audit_head().await.expect("head");
    let ghost = RelayRecord {
        id: "rl3".into(),
        provision: "nope".into(),
        ..relay.clone()
    };
    assert!(matches!(
        store
            .record_relay(&ghost, vec![], draft("x"), Told::default())
            .await,
        Err(StoreError::NotFound)
    ));
    save_draft(&*store, &provision_rec("rp-draft", "trp", 2, t0())).await;
    let head = {
        assert_eq!(head_seq(&*store).await, head.map_or(0, |h| h.0) + 1);
        store.audit_head().await.expect("head")
    };
    let early = RelayRecord {
        id: "rl4".into(),
        provision: "rp-draft".into(),
        ..relay.clone()
    };
    assert!(matches!(
        store
            .record_relay(
                &early,
                vec![via("op-a", "ceptoar", "rl4", t3)],
                draft("x"),
                Told::default(),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store
        .deliveries_of("rp-draft")
        .await
        .expect("deliveries")
        .is_empty());
    assert_eq!(store.audit_head().await.expect("head"), head);
}

pub async fn provision_read_and_ack(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("ra", "tra", 1, t0())).await;
    let t1 = t0() + Duration::minutes(1);
    send_to(&*store, "ra", &["k"], &["op-a", "op-b"], t1)
        .await
        .expect("send");
    let (a, b, c) = (
        OrgId("op-a".into()),
        OrgId("op-b".into()),
        OrgId("op-c".into()),
    );
    let m = |n: i64| t0() + Duration::minutes(n);
    let before = head_seq(&*store).await;
    store
        .mark_delivery_read("ra", &a, m(2))
        .await
        .expect("read");
    store
        .mark_delivery_read("ra", &a, m(3))
        .await
        .expect("read again");
    let get = |rows: Vec<DeliveryRecord>, org: &OrgId| {
        rows.into_iter()
            .find(|d| &d.org == org)
            .expect("delivery row")
    };
    let da = get(store.deliveries_of("ra").await.expect("rows"), &a);
    assert_eq!(da.read_at, Some(m(2)), "the first read is kept");
    assert_eq!(da.acked_at, None);
    assert_eq!(head_seq(&*store).await, before, "reads are not audited");
    // Acknowledging a read delivery keeps its read time.
    store
        .acknowledge_delivery("ra", &a, m(4), "対応済み", draft("provision.ack"))
        .await
        .expect("ack a");
    let da = get(store.deliveries_of("ra").await.expect("rows"), &a);
    assert_eq!(
        (da.read_at, da.acked_at, da.ack_note.as_str()),
        (Some(m(2)), Some(m(4)), "対応済み")
    );
    // Acknowledging an unread delivery also marks it read.
    store
        .acknowledge_delivery("ra", &b, m(5), "", draft("provision.ack"))
        .await
        .expect("ack b");
    let db = get(store.deliveries_of("ra").await.expect("rows"), &b);
    assert_eq!((db.read_at, db.acked_at), (Some(m(5)), Some(m(5))));
    assert_eq!(head_seq(&*store).await, before + 2, "acks are audited");
    // Not a recipient: NotFound, and nothing recorded.
    let head = store.audit_head().await.expect("head");
    assert!(matches!(
        store.mark_delivery_read("ra", &c, m(6)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .acknowledge_delivery("ra", &c, m(6), "", draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.mark_delivery_read("nope", &a, m(6)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .acknowledge_delivery("nope", &a, m(6), "", draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.audit_head().await.expect("head"), head);
    assert_eq!(store.deliveries_of("ra").await.expect("rows").len(), 2);
}

pub async fn provision_listing_follows_audience_keys(store: Arc<dyn Store>) {
    world(&*store).await;
    for p in [
        provision_rec("s1", "t1", 1, t0()),
        provision_rec("s2", "t2", 1, t0()),
        provision_rec("s3", "t3", 1, t0()),
        provision_rec("d4", "t4", 1, t0() + Duration::minutes(9)),
    ] {
        save_draft(&*store, &p).await;
    }
    let m = |n: i64| t0() + Duration::minutes(n);
    // Sent out of order: the listing follows sent_at, not the order of sending.
    send_to(&*store, "s3", &["k-c"], &["op"], m(3))
        .await
        .expect("s3");
    send_to(&*store, "s1", &["k-a"], &["op"], m(1))
        .await
        .expect("s1");
    send_to(&*store, "s2", &["k-b", "k-a"], &["op"], m(2))
        .await
        .expect("s2");
    let ids = |ks: &[&str], limit: u32| {
        let store = store.clone();
        let ks = keys(ks);
        async move {
            store
                .list_provisions(&ks, limit)
                .await
                .expect("list")
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(&["k-a"], 50).await, vec!["s2", "s1"]);
    assert_eq!(ids(&["k-c", "k-b"], 50).await, vec!["s3", "s2"]);
    assert_eq!(
        ids(&["k-a", "k-b", "k-c"], 50).await,
        vec!["s3", "s2", "s1"]
    );
    assert_eq!(ids(&["k-a", "k-b", "k-c"], 2).await, vec!["s3", "s2"]);
    assert!(ids(&[], 50).await.is_empty(), "no keys, nothing");
    assert!(ids(&["other"], 50).await.is_empty());
    // Forward paging (TAXII): oldest first, strictly after the cursor; drafts never.
    let after =
        |ks: &[&str], after: Option<(chrono::DateTime<Utc>, Option<String>)>, limit: u32| {
            let store = store.clone();
            let ks = keys(ks);
            async move {
                store
                    .provisions_after(&ks, after, limit)
                    .await
                    .expect("after")
                    .into_iter()
                    .map(|p| p.id)
                    .collect::<Vec<_>>()
            }
        };
    let all = ["k-a", "k-b", "k-c", "k-d"];
    assert_eq!(after(&all, None, 50).await, vec!["s1", "s2", "s3"]);
    assert_eq!(after(&all, None, 1).await, vec!["s1"]);
    assert_eq!(after(&all, Some((m(1), None)), 50).await, vec!["s2", "s3"]);
    assert_eq!(
        after(&all, Some((m(2), Some("s2".into()))), 50).await,
        vec!["s3"]
    );
    assert_eq!(
        after(&all, Some((m(2), Some("s1".into()))), 50).await,
        vec!["s2", "s3"]
    );
    assert_eq!(after(&["k-b"], None, 50).await, vec!["s2"]);
    assert!(after(&[], None, 50).await.is_empty());
    let row = store
        .list_provisions(&keys(&["k-c"]), 10)
        .await
        .expect("list")
        .remove(0);
    assert_eq!(
        row,
        ProvisionSummary {
            id: "s3".into(),
            chain: "t3".into(),
            report_no: 1,
            ident: Some("T1".into()),
            tlp: "AMBER".into(),
            importance: Some("caution".into()),
            sectors: vec!["electric_power".into()],
            sent_at: Some(m(3)),
        }
    );
    let drafts = store.provision_drafts().await.expect("drafts");
    assert_eq!(
        drafts.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        vec!["d4"],
        "drafts are never listed as sent, sent ones never as drafts"
    );
}

pub async fn consent_decided_once(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("cp", "tcp", 1, t0())).await;
    let consent = |id: &str, org: &str, n: i64| ConsentRecord {
        id: id.into(),
        provision: Some("cp".into()),
        source: format!("chain:{id}"),
        decider_org: OrgId(org.into()),
        sectors: vec!["gas".into()],
        tlp: Some("GREEN".into()),
        status: "pending".into(),
        note: "範囲拡大のお願い".into(),
        decided_by: None,
        decided_at: None,
        created_at: t0() + Duration::minutes(n),
        requester_org: None,
    };
    let (c1, c2, c3) = (
        consent("c1", "op", 1),
        consent("c2", "op", 2),
        consent("c3", "meti", 3),
    );
    let before = head_seq(&*store).await;
    for c in [&c1, &c2, &c3] {
        store
            .insert_consent(c, draft("consent.request"))
            .await
            .expect("insert consent");
    }
    assert_eq!(head_seq(&*store).await, before + 3);
    // A liaison copy's consent names no provision; it is found by its source and by id.
    let of_copy = ConsentRecord {
        id: "cc".into(),
        provision: None,
        source: "copy:k1".into(),
        decider_org: OrgId("meti".into()),
        sectors: vec![],
        tlp: Some("CLEAR".into()),
        requester_org: Some(OrgId("op".into())),
        ..consent("cc", "meti", 4)
    };
    store
        .insert_consent(&of_copy, draft("consent.request"))
        .await
        .expect("insert copy consent");
    assert_eq!(
        store
            .consents_of_source("copy:k1")
            .await
            .expect("of source"),
        vec![of_copy.clone()]
    );
    assert_eq!(store.consent("cc").await.expect("by id"), of_copy);
    assert_eq!(of_copy.copy(), Some("k1"));
    assert!(matches!(
        store.consent("nope").await,
        Err(StoreError::NotFound)
    ));
    // Each request has one subject: a provision's names no copy, a copy's names no provision.
    let both = ConsentRecord {
        id: "bad1".into(),
        provision: Some("cp".into()),
        ..of_copy.clone()
    };
    assert!(store.insert_consent(&both, draft("x")).await.is_err());
    let neither = ConsentRecord {
        id: "bad2".into(),
        provision: None,
        source: "chain:x".into(),
        ..of_copy.clone()
    };
    assert!(store.insert_consent(&neither, draft("x")).await.is_err());
    assert_eq!(
        head_seq(&*store).await,
        before + 4,
        "refused inserts audit nothing"
    );
    assert_eq!(
        store.consents_of("cp").await.expect("of"),
        vec![c1.clone(), c2.clone(), c3.clone()],
        "oldest first"
    );
    let op = OrgId("op".into());
    assert_eq!(
        store.consents_for_org(&op).await.expect("for org"),
        vec![c2.clone(), c1.clone()],
        "newest first"
    );
    assert_eq!(
        store
            .consents_for_org(&OrgId("meti".into()))
            .await
            .expect("for org"),
        vec![of_copy.clone(), c3.clone()],
        "copy consents are listed to their decider with the others"
    );
    let at = t0() + Duration::minutes(5);
    store
        .decide_consent(
            "c2",
            true,
            &PersonId("p1".into()),
            at,
            "了承",
            draft("consent.decide"),
        )
        .await
        .expect("decide");
    let decided = ConsentRecord {
        status: "approved".into(),
        decided_by: Some(PersonId("p1".into())),
        decided_at: Some(at),
        note: "了承".into(),
        ..c2.clone()
    };
    assert_eq!(
        store.consents_for_org(&op).await.expect("for org"),
        vec![c1.clone(), decided.clone()],
        "pending first"
    );
    assert_eq!(head_seq(&*store).await, before + 5);
    // Decided once: a second decision is refused and changes nothing.
    let head = store.audit_head().await.expect("head");
    assert!(matches!(
        store
            .decide_consent(
                "c2",
                false,
                &PersonId("p1".into()),
                at + Duration::minutes(1),
                "やはり不可",
                draft("x")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .decide_consent("nope", true, &PersonId("p1".into()), at, "", draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.audit_head().await.expect("head"), head);
    assert_eq!(store.consents_of("cp").await.expect("of")[1], decided);
    store
        .decide_consent(
            "c3",
            false,
            &PersonId("p1".into()),
            at,
            "不可",
            draft("consent.decide"),
        )
        .await
        .expect("refuse");
    assert_eq!(
        store.consents_of("cp").await.expect("of")[2].status,
        "refused"
    );
}

pub async fn failed_send_changes_nothing(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("f1", "tf", 1, t0())).await;
    save_draft(&*store, &provision_rec("g1", "tg", 1, t0())).await;
    let head_before = store.audit_head().await.expect("head");
    let at = t0() + Duration::minutes(1);
    // The same organisation twice in one batch: the delivery insert fails after the number was
    // taken, so everything must roll back.
    assert!(send_to(&*store, "f1", &["k-f"], &["op", "meti", "op"], at)
        .await
        .is_err());
    let f1 = store.provision("f1").await.expect("f1");
    assert_eq!(
        (f1.state.as_str(), f1.ident, f1.sent_at),
        ("draft", None, None)
    );
    assert!(store.deliveries_of("f1").await.expect("rows").is_empty());
    assert!(store
        .list_provisions(&keys(&["k-f"]), 10)
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        store.audit_head().await.expect("head"),
        head_before,
        "no audit entry for a failed send"
    );
    // Unknown provision.
    assert!(matches!(
        send_to(&*store, "nope", &["k-f"], &["op"], at).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.audit_head().await.expect("head"), head_before);
    // The counter was not consumed: the retry is T1.
    assert_eq!(
        send_to(&*store, "f1", &["k-f"], &["op", "meti"], at)
            .await
            .expect("retry"),
        "T1"
    );
    // Sending it again is refused and changes nothing either.
    let head = store.audit_head().await.expect("head");
    match send_to(
        &*store,
        "f1",
        &["k-again"],
        &["nisc"],
        at + Duration::minutes(1),
    )
    .await
    {
        Err(StoreError::Conflict(m)) => assert_eq!(m, "provision already sent"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(store.audit_head().await.expect("head"), head);
    let f1 = store.provision("f1").await.expect("f1");
    assert_eq!((f1.ident.as_deref(), f1.sent_at), (Some("T1"), Some(at)));
    assert_eq!(store.deliveries_of("f1").await.expect("rows").len(), 2);
    assert!(store
        .list_provisions(&keys(&["k-again"]), 10)
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        send_to(&*store, "g1", &["k-g"], &["op"], at)
            .await
            .expect("next chain"),
        "T2"
    );
}

pub async fn inquiry_threads(store: Arc<dyn Store>) {
    world(&*store).await;
    save_draft(&*store, &provision_rec("pq", "cq", 1, t0())).await;
    send_to(&*store, "pq", &["k"], &["meti"], t0())
        .await
        .expect("send");
    let msg = |id: &str, inquiry: &str, org: &str, m: i64| InquiryMessageRecord {
        id: id.into(),
        inquiry: inquiry.into(),
        author: PersonId("p1".into()),
        author_org: OrgId(org.into()),
        body: format!("本文 {id}"),
        at: t0() + Duration::minutes(m),
    };
    let i = InquiryRecord {
        id: "i1".into(),
        provision: "pq".into(),
        ministry_org: OrgId("meti".into()),
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    let before = head_seq(&*store).await;
    store
        .insert_inquiry(&i, &msg("m1", "i1", "meti", 0), draft("inquiry.open"))
        .await
        .expect("open");
    store
        .add_inquiry_message(&msg("m2", "i1", "nisc", 5), draft("inquiry.reply"))
        .await
        .expect("reply");
    assert_eq!(head_seq(&*store).await, before + 2, "both audited");
    assert_eq!(store.inquiry("i1").await.expect("get"), i);
    assert_eq!(
        store.inquiries_of("pq").await.expect("list"),
        vec![i.clone()]
    );
    let ids: Vec<String> = store
        .inquiry_messages("i1")
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, vec!["m1", "m2"]);
    assert!(matches!(
        store.inquiry("nope").await,
        Err(StoreError::NotFound)
    ));
    // A message on a thread that does not exist is refused and leaves no audit entry.
    let head = head_seq(&*store).await;
    assert!(store
        .add_inquiry_message(&msg("m3", "nope", "nisc", 9), draft("x"))
        .await
        .is_err());
    assert_eq!(head_seq(&*store).await, head);
}

pub async fn notifications_fan_out(store: Arc<dyn Store>) {
    world(&*store).await; // p1: staff of "op", need-to-know electric_power
    let mut p2 = person("p2", "op");
    p2.employment = "nda_contractor".into();
    let mut p3 = person("p3", "op");
    p3.need_to_know = Some(vec!["railway".into()]);
    let mut p4 = person("p4", "meti");
    p4.need_to_know = None;
    let mut p5 = person("p5", "op");
    p5.active = false;
    for p in [&p2, &p3, &p4, &p5] {
        store
            .insert_person(p, draft("person"))
            .await
            .expect("person");
    }
    let orgs = vec![OrgId("op".into()), OrgId("meti".into())];
    // The candidates of a fan-out: every active person of the organisations, nobody else.
    let people = store.people_in_orgs(&orgs).await.expect("people in orgs");
    let mut ids: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, vec!["p1", "p2", "p3", "p4"], "active people only");
    assert!(store.people_in_orgs(&[]).await.expect("no orgs").is_empty());
    let many: Vec<OrgId> = (0..1200)
        .map(|i| OrgId(format!("none-{i}")))
        .chain(orgs.clone())
        .collect();
    assert_eq!(
        store.people_in_orgs(&many).await.expect("chunked").len(),
        4,
        "more organisations than one statement takes"
    );
    let who = |list: &[&str]| {
        list.iter()
            .map(|p| PersonId((*p).into()))
            .collect::<Vec<_>>()
    };
    let n = store
        .insert_notifications(
            &who(&["p1", "p4"]),
            "provision",
            "x1",
            "情報提供 T1",
            Some("alert"),
            t0(),
        )
        .await
        .expect("notify");
    assert_eq!(n, 2, "one row per person told");
    let again = store
        .insert_notifications(
            &who(&["p1", "p4"]),
            "provision",
            "x1",
            "情報提供 T1",
            Some("alert"),
            t0(),
        )
        .await
        .expect("again");
    assert_eq!(again, 0, "one row per person and item");
    let n = store
        .insert_notifications(
            &who(&["p1", "p2", "p3", "p4"]),
            "provision",
            "x2",
            "情報提供 T2",
            None,
            t0() + Duration::minutes(1),
        )
        .await
        .expect("notify");
    assert_eq!(n, 4);
    let crowd: Vec<PersonId> = (0..1100).map(|i| PersonId(format!("nobody-{i}"))).collect();
    assert_eq!(
        store
            .insert_notifications(&crowd, "provision", "x3", "t", None, t0())
            .await
            .expect("more rows than one statement takes"),
        1100
    );
    let rows = store
        .notifications(&PersonId("p1".into()), 10)
        .await
        .expect("list");
    assert_eq!(
        rows.iter().map(|r| r.ref_id.as_str()).collect::<Vec<_>>(),
        vec!["x2", "x1"]
    );
    assert!(store
        .notifications(&PersonId("p2".into()), 10)
        .await
        .expect("list")
        .iter()
        .all(|r| r.ref_id == "x2"));
    store
        .mark_notification_read(&PersonId("p1".into()), "provision", "x1", t0())
        .await
        .expect("read");
    let rows = store
        .notifications(&PersonId("p1".into()), 10)
        .await
        .expect("list");
    assert!(rows
        .iter()
        .find(|r| r.ref_id == "x1")
        .expect("x1")
        .read_at
        .is_some());
    assert!(rows
        .iter()
        .find(|r| r.ref_id == "x2")
        .expect("x2")
        .read_at
        .is_none());
}

/// Backends with a cross-node channel deliver what any node publishes; others say they have none.
pub async fn events_cross_nodes(store: Arc<dyn Store>) {
    match store.subscribe().await.expect("subscribe") {
        Some(mut rx) => {
            assert!(store.publish("hello-nodes").await.expect("publish"));
            let got = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
                .await
                .expect("in time");
            assert_eq!(got.as_deref(), Some("hello-nodes"));
            // An event naming thousands of organisations is larger than a notification may
            // carry; it still arrives whole, and in order with the small ones.
            let big = format!(
                "{{\"orgs\":[{}]}}",
                (0..5000)
                    .map(|i| format!("\"org-{i:05}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            assert!(big.len() > 8000);
            assert!(store.publish(&big).await.expect("publish big"));
            assert!(store.publish("after-big").await.expect("publish"));
            for want in [big.as_str(), "after-big"] {
                let got = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
                    .await
                    .expect("in time");
                assert_eq!(got.as_deref(), Some(want));
            }
        }
        None => assert!(!store.publish("x").await.expect("publish")),
    }
}

pub async fn webhook_outbox(store: Arc<dyn Store>) {
    world(&*store).await;
    let hook = |id: &str, org: &str, active: bool| WebhookRecord {
        id: id.into(),
        org: OrgId(org.into()),
        url: format!("http://127.0.0.1:9/{id}"),
        secret: "s3cret".into(),
        active,
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    store
        .insert_webhook(&hook("w1", "op", true), draft("webhook"))
        .await
        .expect("w1");
    store
        .insert_webhook(&hook("w2", "op", false), draft("webhook"))
        .await
        .expect("w2");
    store
        .insert_webhook(&hook("w3", "meti", true), draft("webhook"))
        .await
        .expect("w3");
    let active = store
        .webhooks_for_orgs(&[OrgId("op".into())])
        .await
        .expect("for orgs");
    assert_eq!(
        active.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(),
        vec!["w1"]
    );
    assert_eq!(
        store
            .webhooks_of_org(&OrgId("op".into()))
            .await
            .expect("of org")
            .len(),
        2
    );
    assert_eq!(
        active[0].secret, "s3cret",
        "the secret is stored for signing"
    );
    let d = |id: &str, hook: &str, m: i64| WebhookDeliveryRecord {
        id: id.into(),
        webhook: hook.into(),
        payload: format!(r#"{{"id":"{id}"}}"#),
        status: "pending".into(),
        attempts: 0,
        next_at: t0() + Duration::minutes(m),
        last_error: String::new(),
        created_at: t0(),
    };
    store
        .enqueue_webhook_deliveries(&[d("d1", "w1", 0), d("d2", "w1", 10), d("d3", "w3", 0)])
        .await
        .expect("enqueue");
    let lease = |node: &str, at: chrono::DateTime<Utc>| Lease {
        node: node.into(),
        now: at,
        until: at + Duration::minutes(1),
    };
    let due = store
        .claim_webhook_deliveries(&lease("n1", t0()), 10)
        .await
        .expect("due");
    assert_eq!(
        due.iter().map(|(x, _)| x.id.as_str()).collect::<Vec<_>>(),
        vec!["d1", "d3"]
    );
    assert_eq!(due[0].1.url, "http://127.0.0.1:9/w1");
    assert_eq!(due[0].1.secret, "s3cret");
    let mut dead = due[0].0.clone();
    dead.status = "dead".into();
    dead.attempts = 6;
    dead.last_error = "HTTP 500".into();
    assert!(store
        .finish_webhook_delivery(&dead, "n1")
        .await
        .expect("update"));
    let letters = store
        .webhook_deliveries_of_org(&OrgId("op".into()), "dead", 10)
        .await
        .expect("dead letters");
    assert_eq!(letters, vec![dead]);
    // d3 stays claimed by n1 (never finished); its claim lapses after the lease.
    let due = store
        .claim_webhook_deliveries(&lease("n2", t0() + Duration::minutes(10)), 10)
        .await
        .expect("due later");
    assert_eq!(
        due.iter().map(|(x, _)| x.id.as_str()).collect::<Vec<_>>(),
        vec!["d3", "d2"],
        "oldest due first"
    );
}

/// A password change is one transaction: new hash and must-change flag, every other session of
/// the person ended (theirs only), their sign-in failures cleared (theirs only), audited.
pub async fn password_change_ends_other_sessions(store: Arc<dyn Store>) {
    world(&*store).await;
    let mut flagged = person("p2", "op");
    flagged.must_change_password = true;
    store
        .insert_person(&flagged, draft("person"))
        .await
        .expect("insert flagged");
    assert!(
        store
            .person(&flagged.id)
            .await
            .expect("p2")
            .must_change_password
    );
    assert!(
        !store
            .person(&PersonId("p1".into()))
            .await
            .expect("p1")
            .must_change_password
    );
    let session = |hash: &str, who: &str| SessionRecord {
        token_hash: hash.into(),
        person: PersonId(who.into()),
        csrf_token: "c".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(1),
    };
    for (h, who) in [("a1", "p2"), ("a2", "p2"), ("a3", "p2"), ("b1", "p1")] {
        store
            .insert_session(&session(h, who))
            .await
            .expect("session");
    }
    for login in ["p2-login", "p2-login", "p1-login"] {
        store
            .record_login_failure(login, t0())
            .await
            .expect("failure");
    }
    let head = store.audit_head().await.expect("head").expect("some").0;

    store
        .set_password(&flagged.id, "$argon2id$new", false, Some("a1"), draft("pw"))
        .await
        .expect("set password");
    let back = store.person(&flagged.id).await.expect("p2");
    assert_eq!(back.password_hash, "$argon2id$new");
    assert!(!back.must_change_password, "flag cleared");
    assert!(
        store.session("a1", t0()).await.is_ok(),
        "the current session stays"
    );
    for h in ["a2", "a3"] {
        assert!(
            matches!(store.session(h, t0()).await, Err(StoreError::NotFound)),
            "other session {h} ended"
        );
    }
    assert!(
        store.session("b1", t0()).await.is_ok(),
        "another person's session stays"
    );
    let since = t0() - Duration::hours(1);
    assert!(store
        .login_failures_since("p2-login", since)
        .await
        .expect("failures")
        .is_empty());
    assert_eq!(
        store
            .login_failures_since("p1-login", since)
            .await
            .expect("failures")
            .len(),
        1,
        "another login's failures stay"
    );
    assert_eq!(
        store.audit_head().await.expect("head").expect("some").0,
        head + 1,
        "audited"
    );

    // Set by someone else (no session kept): flagged again, every session ended.
    store
        .set_password(&flagged.id, "$argon2id$reset", true, None, draft("reset"))
        .await
        .expect("reset");
    let back = store.person(&flagged.id).await.expect("p2");
    assert!(back.must_change_password);
    assert!(matches!(
        store.session("a1", t0()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_password(&PersonId("nobody".into()), "x", false, None, draft("x"))
            .await,
        Err(StoreError::NotFound)
    ));
    // update_person carries the flag too.
    let mut p = store.person(&flagged.id).await.expect("p2");
    p.must_change_password = false;
    store.update_person(&p, draft("upd")).await.expect("update");
    assert!(!store.person(&p.id).await.expect("p2").must_change_password);
}

/// The platform never loses its last active platform administrator through an update, even when
/// two administrators are deactivated at the same moment; other updates are unaffected.
pub async fn last_platform_admin_is_kept(store: Arc<dyn Store>) {
    world(&*store).await;
    // Without any platform administrator, updates are not constrained.
    let mut p1 = store.person(&PersonId("p1".into())).await.expect("p1");
    p1.active = false;
    store
        .update_person(&p1, draft("upd"))
        .await
        .expect("plain update");
    assert_eq!(store.active_platform_admins().await.expect("count"), 0);

    let admin = |id: &str| {
        let mut p = person(id, "nisc");
        p.roles = vec!["platform_admin".into(), "org_admin".into()];
        p
    };
    for id in ["pa1", "pa2"] {
        store
            .insert_person(&admin(id), draft("person"))
            .await
            .expect("admin");
    }
    assert_eq!(store.active_platform_admins().await.expect("count"), 2);
    let mut off = admin("pa1");
    off.active = false;
    store
        .update_person(&off, draft("off"))
        .await
        .expect("one of two");
    assert_eq!(store.active_platform_admins().await.expect("count"), 1);

    let head = store.audit_head().await.expect("head");
    let mut last = admin("pa2");
    last.active = false;
    assert!(matches!(
        store.update_person(&last, draft("off")).await,
        Err(StoreError::Conflict(c)) if c == "last_platform_admin"
    ));
    let mut demoted = admin("pa2");
    demoted.roles = vec!["org_admin".into()];
    assert!(matches!(
        store.update_person(&demoted, draft("demote")).await,
        Err(StoreError::Conflict(c)) if c == "last_platform_admin"
    ));
    let back = store.person(&PersonId("pa2".into())).await.expect("pa2");
    assert!(back.active && back.roles.iter().any(|r| r == "platform_admin"));
    assert_eq!(
        store.audit_head().await.expect("head"),
        head,
        "nothing stored"
    );
    // Other changes to the last one are fine.
    let mut renamed = admin("pa2");
    renamed.display_name = "renamed".into();
    store
        .update_person(&renamed, draft("rename"))
        .await
        .expect("rename");

    // Two administrators deactivated concurrently: exactly one succeeds.
    let mut on = admin("pa1");
    on.display_name = "back".into();
    store
        .update_person(&on, draft("on"))
        .await
        .expect("reactivate");
    assert_eq!(store.active_platform_admins().await.expect("count"), 2);
    let mut tasks = Vec::new();
    for id in ["pa1", "pa2"] {
        let s = store.clone();
        let mut p = admin(id);
        p.active = false;
        tasks.push(tokio::spawn(async move {
            s.update_person(&p, draft("race")).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("join") {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(c)) => assert_eq!(c, "last_platform_admin"),
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 1, "one deactivation wins, the other is refused");
    assert_eq!(store.active_platform_admins().await.expect("count"), 1);
}

/// Workers on several nodes: concurrent claimers never get the same delivery, a live claim is
/// skipped, a lapsed claim is taken over, and only the holder of a claim records the attempt.
pub async fn webhook_claims_are_exclusive_and_lapse(store: Arc<dyn Store>) {
    world(&*store).await;
    store
        .insert_webhook(
            &WebhookRecord {
                id: "w1".into(),
                org: OrgId("op".into()),
                url: "https://hooks.example.jp/w1".into(),
                secret: "s".into(),
                active: true,
                created_by: PersonId("p1".into()),
                created_at: t0(),
            },
            draft("webhook"),
        )
        .await
        .expect("webhook");
    let total = 120;
    let rows: Vec<WebhookDeliveryRecord> = (0..total)
        .map(|i| WebhookDeliveryRecord {
            id: format!("d{i:03}"),
            webhook: "w1".into(),
            payload: "{}".into(),
            status: "pending".into(),
            attempts: 0,
            next_at: t0(),
            last_error: String::new(),
            created_at: t0(),
        })
        .collect();
    store
        .enqueue_webhook_deliveries(&rows)
        .await
        .expect("enqueue");
    let lease = |node: &str, at: chrono::DateTime<Utc>| Lease {
        node: node.into(),
        now: at,
        until: at + Duration::minutes(5),
    };
    // Two claimers at once, each taking small batches until nothing is left.
    let claimer = |node: &'static str| {
        let s = store.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = s
                    .claim_webhook_deliveries(&lease(node, t0()), 7)
                    .await
                    .expect("claim");
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|(d, _)| d.id));
                assert!(got.len() <= total, "{node} claimed rows twice: {got:?}");
            }
        })
    };
    let (a, b) = (claimer("n1"), claimer("n2"));
    let (a, b) = (a.await.expect("n1"), b.await.expect("n2"));
    let mut all: Vec<String> = a.iter().chain(b.iter()).cloned().collect();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a delivery claimed twice: {a:?} / {b:?}");
    assert_eq!(all.len(), total, "every due delivery claimed");
    // Claims are live: nothing for a third node now.
    let none = store
        .claim_webhook_deliveries(&lease("n3", t0() + Duration::minutes(4)), 500)
        .await
        .expect("claim");
    assert!(none.is_empty(), "live claims are skipped");
    // Only the holder records an attempt; the holder's record releases the claim.
    let mut d = rows[0].clone();
    let holder = if a.contains(&d.id) { "n1" } else { "n2" };
    let other = if holder == "n1" { "n2" } else { "n1" };
    d.status = "done".into();
    d.attempts = 1;
    assert!(!store
        .finish_webhook_delivery(&d, other)
        .await
        .expect("finish"));
    let pending = store
        .webhook_deliveries_of_org(&OrgId("op".into()), "pending", 500)
        .await
        .expect("pending");
    assert_eq!(pending.len(), total, "a non-holder wrote nothing");
    assert!(store
        .finish_webhook_delivery(&d, holder)
        .await
        .expect("finish"));
    // The nodes die; after the lease every unfinished delivery is taken over, once.
    let later = lease("n3", t0() + Duration::minutes(6));
    let taken = store
        .claim_webhook_deliveries(&later, 500)
        .await
        .expect("take over");
    assert_eq!(taken.len(), total - 1, "all but the finished one");
    assert!(taken.iter().all(|(x, _)| x.id != d.id));
    assert!(store
        .claim_webhook_deliveries(&later, 500)
        .await
        .expect("again")
        .is_empty());
    // The old holder's late record is refused: the claim is n3's now.
    let mut late = taken[0].0.clone();
    late.status = "done".into();
    assert!(!store
        .finish_webhook_delivery(&late, holder)
        .await
        .expect("late"));
    assert!(store
        .finish_webhook_delivery(&late, "n3")
        .await
        .expect("n3"));
}

/// The digest worker on several nodes: concurrent claimers never get the same inbox row, a
/// person's rows go to one claimer together, only people who chose digests (active, with an
/// address) and only unread, unmailed rows are claimed, and a lapsed claim is taken over.
pub async fn digest_claims_are_exclusive_and_lapse(store: Arc<dyn Store>) {
    world(&*store).await; // p1 in "op", digest
    let mut expected_people = vec!["p1".to_string()];
    for i in 0..14 {
        let id = format!("q{i:02}");
        store
            .insert_person(&person(&id, "op"), draft("person"))
            .await
            .expect("person");
        expected_people.push(id);
    }
    let mut immediate = person("r-imm", "op");
    immediate.mail_pref = "immediate".into();
    let mut none = person("r-none", "op");
    none.mail_pref = "none".into();
    let mut inactive = person("r-off", "op");
    inactive.active = false;
    let mut no_mail = person("r-nomail", "op");
    no_mail.email = String::new();
    for p in [&immediate, &none, &inactive, &no_mail] {
        store
            .insert_person(p, draft("person"))
            .await
            .expect("person");
    }
    let everyone: Vec<PersonId> = store
        .people_in_orgs(&[OrgId("op".into())])
        .await
        .expect("people")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let refs = 6;
    for k in 0..refs {
        store
            .insert_notifications(
                &everyone,
                "provision",
                &format!("x{k}"),
                &format!("情報提供 T{k}"),
                None,
                t0() + Duration::seconds(k),
            )
            .await
            .expect("notify");
    }
    store
        .mark_notification_read(&PersonId("p1".into()), "provision", "x0", t0())
        .await
        .expect("read");
    let lease = |node: &str, at: chrono::DateTime<Utc>| Lease {
        node: node.into(),
        now: at,
        until: at + Duration::minutes(30),
    };
    let most = expected_people.len() * refs as usize;
    let claimer = |node: &'static str| {
        let s = store.clone();
        tokio::spawn(async move {
            let mut batches = Vec::new();
            loop {
                let batch = s
                    .claim_unmailed_notifications("digest", &lease(node, t0()), 2)
                    .await
                    .expect("claim");
                if batch.is_empty() {
                    return batches;
                }
                batches.push(batch);
                let n: usize = batches.iter().map(Vec::len).sum();
                assert!(n <= most, "{node} claimed rows twice");
            }
        })
    };
    let (a, b) = (claimer("n1"), claimer("n2"));
    let (a, b) = (a.await.expect("n1"), b.await.expect("n2"));
    let mut rows: Vec<(String, String)> = Vec::new();
    for batch in a.iter().chain(b.iter()) {
        let mut people: Vec<&str> = batch.iter().map(|(n, _)| n.person.as_str()).collect();
        people.dedup();
        assert!(people.len() <= 2, "at most the batch's people: {people:?}");
        for p in &people {
            let n = batch
                .iter()
                .filter(|(n, _)| n.person.as_str() == *p)
                .count();
            let want = if *p == "p1" { refs - 1 } else { refs };
            assert_eq!(n as i64, want, "all of {p}'s rows in one claim");
        }
        for (n, email) in batch {
            assert_eq!(email, &format!("{}@example.jp", n.person), "the address");
            assert!(n.read_at.is_none());
            rows.push((n.person.0.clone(), n.ref_id.clone()));
        }
    }
    rows.sort();
    let before = rows.len();
    rows.dedup();
    assert_eq!(before, rows.len(), "a row claimed twice");
    let mut want: Vec<(String, String)> = expected_people
        .iter()
        .flat_map(|p| (0..refs).map(move |k| (p.clone(), format!("x{k}"))))
        .filter(|(p, r)| !(p == "p1" && r == "x0"))
        .collect();
    want.sort();
    assert_eq!(rows, want, "exactly the digest people's unread rows");
    // Live claims are skipped; mailed rows are never claimed again; lapsed claims are.
    assert!(store
        .claim_unmailed_notifications("digest", &lease("n3", t0() + Duration::minutes(29)), 100)
        .await
        .expect("claim")
        .is_empty());
    let q00: Vec<String> = (0..refs).map(|k| format!("x{k}")).collect();
    store
        .mark_notifications_mailed(&PersonId("q00".into()), &q00, t0())
        .await
        .expect("mailed");
    let later = store
        .claim_unmailed_notifications("digest", &lease("n3", t0() + Duration::minutes(31)), 100)
        .await
        .expect("take over");
    assert_eq!(
        later.len(),
        want.len() - refs as usize,
        "all but q00's mailed rows"
    );
    assert!(later.iter().all(|(n, _)| n.person.as_str() != "q00"));
}

/// Submissions are numbered S1, S2… and recorded as a source once; requests are numbered K1…,
/// each addressee's status moves by compare-and-set, and threads keep their addressee.
pub async fn actor_submissions_and_requests(store: Arc<dyn Store>) {
    world(&*store).await;
    let sub = |id: &str, org: &str, minute: i64| SubmissionRecord {
        id: id.into(),
        number: 0,
        sender_org: OrgId(org.into()),
        sender_person: PersonId("p1".into()),
        kind: "damage".into(),
        title: "被害".into(),
        body: "本文".into(),
        tlp: "AMBER".into(),
        importance: None,
        sectors: vec!["gas".into()],
        source_item: None,
        created_at: t0() + Duration::minutes(minute),
    };
    let before = head_seq(&*store).await;
    assert_eq!(
        store
            .insert_submission(&sub("a", "o1", 0), draft("sub"))
            .await
            .expect("a"),
        1
    );
    assert_eq!(
        store
            .insert_submission(&sub("b", "o2", 1), draft("sub"))
            .await
            .expect("b"),
        2
    );
    assert_eq!(head_seq(&*store).await, before + 2, "audited");
    let a = store.submission("a").await.expect("a");
    assert_eq!(
        (a.number, a.sectors.clone(), a.source_item.clone()),
        (1, vec!["gas".to_owned()], None)
    );
    let all: Vec<String> = store
        .submissions(None, 10)
        .await
        .expect("all")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(all, vec!["b", "a"], "newest first");
    let own: Vec<String> = store
        .submissions(Some(&OrgId("o1".into())), 10)
        .await
        .expect("own")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(own, vec!["a"]);
    let item = SourceItemRecord {
        id: "si".into(),
        title: "S1 被害".into(),
        origin: "o1".into(),
        url: String::new(),
        tlp: "AMBER".into(),
        allowed_sectors: Some(vec!["gas".into()]),
        identifiers: "[]".into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    store
        .record_submission_source("a", &item, draft("src"))
        .await
        .expect("record");
    assert_eq!(
        store
            .submission("a")
            .await
            .expect("a")
            .source_item
            .as_deref(),
        Some("si")
    );
    assert_eq!(store.source_item("si").await.expect("item"), item);
    let mut again = item.clone();
    again.id = "si2".into();
    let seq = head_seq(&*store).await;
    assert!(matches!(
        store
            .record_submission_source("a", &again, draft("src"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(store.source_item("si2").await, Err(StoreError::NotFound)),
        "nothing written"
    );
    assert_eq!(head_seq(&*store).await, seq);

    let req = CoopRequestRecord {
        id: "r".into(),
        number: 0,
        title: "依頼".into(),
        body: "本文".into(),
        tlp: "AMBER".into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
    };
    let (o1, o2) = (OrgId("o1".into()), OrgId("o2".into()));
    assert_eq!(
        store
            .insert_coop_request(&req, &[o1.clone(), o2.clone()], draft("req"))
            .await
            .expect("req"),
        1
    );
    assert_eq!(store.coop_request("r").await.expect("r").number, 1);
    assert_eq!(
        store.coop_requests(Some(&o2), 10).await.expect("o2").len(),
        1
    );
    assert!(store
        .coop_requests(Some(&OrgId("o3".into())), 10)
        .await
        .expect("o3")
        .is_empty());
    let ads = store.coop_addressees("r").await.expect("addressees");
    assert_eq!(ads.len(), 2);
    assert!(ads.iter().all(|a| a.status == "sent"));
    let mut moved = ads[0].clone();
    moved.status = "accepted".into();
    moved.updated_by = Some(PersonId("p1".into()));
    store
        .set_coop_status(&moved, "sent", draft("status"))
        .await
        .expect("move");
    assert!(
        matches!(
            store.set_coop_status(&moved, "sent", draft("status")).await,
            Err(StoreError::Conflict(_))
        ),
        "compare-and-set"
    );
    let mut stranger = moved.clone();
    stranger.org = OrgId("o3".into());
    assert!(matches!(
        store
            .set_coop_status(&stranger, "sent", draft("status"))
            .await,
        Err(StoreError::NotFound)
    ));
    let after = store.coop_addressees("r").await.expect("addressees");
    assert_eq!(
        after
            .iter()
            .find(|a| a.org == moved.org)
            .map(|a| a.status.as_str()),
        Some("accepted")
    );
    let msg = CoopMessageRecord {
        id: "m".into(),
        request: "r".into(),
        thread_org: o2.clone(),
        author: PersonId("p1".into()),
        author_org: o2.clone(),
        body: "返信".into(),
        at: t0(),
    };
    store
        .add_coop_message(&msg, draft("reply"))
        .await
        .expect("reply");
    assert_eq!(store.coop_messages("r").await.expect("messages"), vec![msg]);
}

/// A sector's reporting policy: set, replaced, listed by sector, removed once (a second removal
/// is `NotFound`), each change with its audit entry.
pub async fn reporting_policies_set_replace_remove(store: Arc<dyn Store>) {
    use kakehashi_domain::liaison::deadline::{ReportingPolicy, Span};
    assert!(store.reporting_policies().await.expect("none").is_empty());
    let rec = |sector: &str, policy: ReportingPolicy| ReportingPolicyRecord {
        sector: sector.into(),
        policy,
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    };
    let mine = ReportingPolicy {
        first_report: Span::Hours(6),
        follow_up_every: None,
        final_report: Some(Span::Days(14)),
    };
    let audit_before = store.audit_recent(1000).await.expect("audit").len();
    store
        .put_reporting_policy(&rec("railway", ReportingPolicy::NIS2), draft("policy.put"))
        .await
        .expect("put");
    store
        .put_reporting_policy(
            &rec("electric_power", ReportingPolicy::NIS2),
            draft("policy.put"),
        )
        .await
        .expect("put");
    store
        .put_reporting_policy(&rec("railway", mine), draft("policy.put"))
        .await
        .expect("replace");
    let all = store.reporting_policies().await.expect("list");
    assert_eq!(
        all,
        vec![
            rec("electric_power", ReportingPolicy::NIS2),
            rec("railway", mine)
        ]
    );
    store
        .delete_reporting_policy("railway", draft("policy.delete"))
        .await
        .expect("delete");
    assert!(matches!(
        store
            .delete_reporting_policy("railway", draft("policy.delete"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.reporting_policies().await.expect("list"),
        vec![rec("electric_power", ReportingPolicy::NIS2)]
    );
    let audit_after = store.audit_recent(1000).await.expect("audit").len();
    assert_eq!(
        audit_after - audit_before,
        4,
        "three puts and one removal audited"
    );
}

/// Reminders of a deadline on several nodes: concurrent claimers of the same reminder get it
/// once; a sent reminder is never claimed again; an unsent claim lapses and is taken over, and
/// the old holder can no longer record it. Open chains of a sector and their filed copies are
/// what the worker reads.
pub async fn reminders_are_claimed_once(store: Arc<dyn Store>) {
    world(&*store).await;
    store
        .record_hops(batch_new_chain(
            "ch1",
            "r1",
            vec![new_copy(copy("ch1", "r1", "c1", "meti", t0()), &["org:op"])],
            t0(),
        ))
        .await
        .expect("chain");
    let open = store
        .open_chains_in_sectors(&["electric_power".into()])
        .await
        .expect("open");
    assert_eq!(
        open.iter().map(|c| c.id.0.as_str()).collect::<Vec<_>>(),
        ["ch1"]
    );
    assert!(store
        .open_chains_in_sectors(&["railway".into()])
        .await
        .expect("none")
        .is_empty());
    let filed = store
        .filed_copies(&[ChainId("ch1".into())])
        .await
        .expect("filed");
    assert_eq!(
        filed.iter().map(|c| c.id.0.as_str()).collect::<Vec<_>>(),
        ["c1"]
    );

    let key = ReminderKey {
        chain: ChainId("ch1".into()),
        deadline: "first".into(),
        due: t0() + Duration::hours(24),
        phase: "overdue".into(),
    };
    let lease = |node: &str, at: chrono::DateTime<Utc>| Lease {
        node: node.into(),
        now: at,
        until: at + Duration::minutes(5),
    };
    // Eight claimers at once: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        let k = key.clone();
        let l = lease(&format!("n{i}"), t0());
        tasks.push(tokio::spawn(async move {
            (i, s.claim_reminder(&k, &l).await.expect("claim"))
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, won) = t.await.expect("task");
        if won {
            winners.push(i);
        }
    }
    assert_eq!(winners.len(), 1, "one claimer wins: {winners:?}");
    let holder = format!("n{}", winners[0]);
    // A live claim is not taken; after the lease it is, and the old holder's record is refused.
    assert!(!store
        .claim_reminder(&key, &lease("x", t0() + Duration::minutes(4)))
        .await
        .expect("live"));
    assert!(store
        .claim_reminder(&key, &lease("y", t0() + Duration::minutes(6)))
        .await
        .expect("lapsed"));
    assert!(!store
        .finish_reminder(&key, &holder, t0() + Duration::minutes(7))
        .await
        .expect("late"));
    assert!(store
        .finish_reminder(&key, "y", t0() + Duration::minutes(7))
        .await
        .expect("sent"));
    assert!(!store
        .finish_reminder(&key, "y", t0() + Duration::minutes(8))
        .await
        .expect("twice"));
    // Sent: never claimed again, however late.
    assert!(!store
        .claim_reminder(&key, &lease("z", t0() + Duration::days(30)))
        .await
        .expect("sent stays"));
    // Another phase of the same deadline is a reminder of its own.
    let near = ReminderKey {
        phase: "near".into(),
        ..key.clone()
    };
    assert!(store
        .claim_reminder(&near, &lease("z", t0()))
        .await
        .expect("near"));
    let recs = store
        .reminders_of_chain(&ChainId("ch1".into()))
        .await
        .expect("recs");
    assert_eq!(recs.len(), 2);
    let sent = recs.iter().find(|r| r.key == key).expect("sent row");
    assert_eq!(sent.sent_at, Some(t0() + Duration::minutes(7)));
    assert_eq!(sent.claimed_by, None);
    let claimed = recs.iter().find(|r| r.key == near).expect("near row");
    assert_eq!(
        (claimed.claimed_by.as_deref(), claimed.sent_at),
        (Some("z"), None)
    );
}

/// Consultations are numbered C1, C2…; a listing holds what an organisation opened or was
/// consulted on, newest first, by state and page; a message moves the state by compare-and-set
/// in its transaction; closing is once; a first report links and closes its consultation in the
/// filing's transaction, for the operator that opened it only, once.
pub async fn consultation_threads(store: Arc<dyn Store>) {
    world(&*store).await;
    let rec = |id: &str, to: &str, minute: i64| ConsultationRecord {
        id: id.into(),
        number: 0,
        operator_org: OrgId("op".into()),
        opened_by: PersonId("p1".into()),
        addressee_org: OrgId(to.into()),
        subject: "該当ケースの確認".into(),
        body: "法令等報告の対象か分かりません".into(),
        sector: Some("electric_power".into()),
        service: None,
        status: "open".into(),
        chain: None,
        created_at: t0() + Duration::minutes(minute),
        updated_at: t0() + Duration::minutes(minute),
        closed_by: None,
        closed_at: None,
    };
    let before = head_seq(&*store).await;
    for (i, (id, to)) in [("c1", "meti"), ("c2", "nisc"), ("c3", "meti")]
        .into_iter()
        .enumerate()
    {
        let n = store
            .insert_consultation(&rec(id, to, i as i64), draft("consultation.open"))
            .await
            .expect("insert");
        assert_eq!(n, i as u64 + 1, "C{}", i + 1);
    }
    assert_eq!(head_seq(&*store).await, before + 3, "audited");
    let c1 = store.consultation("c1").await.expect("c1");
    assert_eq!(
        c1,
        ConsultationRecord {
            number: 1,
            ..rec("c1", "meti", 0)
        }
    );
    assert!(matches!(
        store.consultation("nope").await,
        Err(StoreError::NotFound)
    ));
    let q = |org: &str, addressed_only: bool, status: Option<&str>, before: Option<u64>| {
        ConsultationQuery {
            org: OrgId(org.into()),
            addressed_only,
            status: status.map(str::to_owned),
            before,
            limit: 10,
        }
    };
    let ids = |v: Vec<ConsultationRecord>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .consultations(&q("op", false, None, None))
            .await
            .expect("op")),
        vec!["c3", "c2", "c1"],
        "newest first"
    );
    assert!(
        store
            .consultations(&q("op", true, None, None))
            .await
            .expect("op addressed")
            .is_empty(),
        "the operator opened them, it was consulted on none"
    );
    assert_eq!(
        ids(store
            .consultations(&q("meti", true, None, None))
            .await
            .expect("meti")),
        vec!["c3", "c1"]
    );
    assert_eq!(
        ids(store
            .consultations(&q("meti", false, None, Some(3)))
            .await
            .expect("page")),
        vec!["c1"],
        "keyset"
    );
    let mut one = q("op", false, None, None);
    one.limit = 1;
    assert_eq!(
        ids(store.consultations(&one).await.expect("limit")),
        vec!["c3"]
    );
    assert!(store
        .consultations(&q("other", false, None, None))
        .await
        .expect("other")
        .is_empty());

    // A message moves the state by compare-and-set, in one transaction.
    let msg = |id: &str, c: &str, org: &str, minute: i64| ConsultationMessageRecord {
        id: id.into(),
        consultation: c.into(),
        author: PersonId("p1".into()),
        author_org: OrgId(org.into()),
        body: "回答します".into(),
        at: t0() + Duration::minutes(10 + minute),
    };
    let m1 = msg("m1", "c1", "meti", 0);
    store
        .add_consultation_message(&m1, "open", "answered", draft("consultation.reply"))
        .await
        .expect("answer");
    let seq = head_seq(&*store).await;
    assert!(
        matches!(
            store
                .add_consultation_message(
                    &msg("m2", "c1", "meti", 1),
                    "open",
                    "answered",
                    draft("consultation.reply")
                )
                .await,
            Err(StoreError::Conflict(_))
        ),
        "compare-and-set"
    );
    assert!(matches!(
        store
            .add_consultation_message(
                &msg("m3", "nope", "meti", 1),
                "open",
                "answered",
                draft("consultation.reply")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(head_seq(&*store).await, seq, "nothing written");
    let m4 = msg("m4", "c1", "op", 2);
    store
        .add_consultation_message(&m4, "answered", "open", draft("consultation.reply"))
        .await
        .expect("asked again");
    assert_eq!(
        store.consultation_messages("c1").await.expect("thread"),
        vec![m1, m4],
        "oldest first, the refused one absent"
    );
    let c1 = store.consultation("c1").await.expect("c1");
    assert_eq!(
        (c1.status.as_str(), c1.updated_at),
        ("open", t0() + Duration::minutes(12))
    );
    assert_eq!(
        ids(store
            .consultations(&q("meti", true, Some("open"), None))
            .await
            .expect("awaiting")),
        vec!["c3", "c1"]
    );

    // Closing is once.
    let by = PersonId("p1".into());
    let at = t0() + Duration::hours(1);
    store
        .close_consultation("c2", "open", &by, at, draft("consultation.close"))
        .await
        .expect("close");
    assert!(matches!(
        store
            .close_consultation("c2", "open", &by, at, draft("consultation.close"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .close_consultation("nope", "open", &by, at, draft("consultation.close"))
            .await,
        Err(StoreError::NotFound)
    ));
    let c2 = store.consultation("c2").await.expect("c2");
    assert_eq!(
        (c2.status.as_str(), c2.closed_by.clone(), c2.closed_at),
        ("closed", Some(by.clone()), Some(at))
    );

    // Filing from a consultation: another organisation's id writes nothing at all.
    let filing = |chain: &str, report: &str, copy_id: &str, org: &str, c: &str| {
        let mut b = batch_new_chain(
            chain,
            report,
            vec![new_copy(
                copy(chain, report, copy_id, "meti", at),
                &["o:meti"],
            )],
            at,
        );
        b.consultation = Some(ConsultationLink {
            id: c.into(),
            operator_org: OrgId(org.into()),
            by: by.clone(),
        });
        b
    };
    let seq = head_seq(&*store).await;
    let refused = store
        .record_hops(filing("ch-x", "r-x", "cp-x", "meti", "c3"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert!(matches!(
        store.chain(&ChainId("ch-x".into())).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(head_seq(&*store).await, seq, "nothing written");
    assert_eq!(store.consultation("c3").await.expect("c3").status, "open");
    store
        .record_hops(filing("ch-1", "r-1", "cp-1", "op", "c3"))
        .await
        .expect("filed from c3");
    let c3 = store.consultation("c3").await.expect("c3");
    assert_eq!(
        (
            c3.status.as_str(),
            c3.chain.as_deref(),
            c3.closed_by.clone()
        ),
        ("closed", Some("ch-1"), Some(by.clone()))
    );
    // Once: a second filing from it is refused and writes nothing.
    assert!(matches!(
        store
            .record_hops(filing("ch-2", "r-2", "cp-2", "op", "c3"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.chain(&ChainId("ch-2".into())).await,
        Err(StoreError::NotFound)
    ));
    // A consultation closed by hand may still be linked (the filing came later); its closing
    // stays as it was.
    store
        .record_hops(filing("ch-3", "r-3", "cp-3", "op", "c2"))
        .await
        .expect("filed from the closed c2");
    let c2 = store.consultation("c2").await.expect("c2");
    assert_eq!(
        (c2.chain.as_deref(), c2.closed_at),
        (Some("ch-3"), Some(at))
    );
}

/// Incidents are numbered I<n>; a chain is in one incident at most (a second link is a
/// conflict and writes nothing); chains are added and removed with their audit entries; a
/// dismissed pair is kept once however often it is dismissed.
pub async fn incidents_link_chains_once(store: Arc<dyn Store>) {
    world(&*store).await;
    for (c, r, k) in [("c1", "r1", "k1"), ("c2", "r2", "k2"), ("c3", "r3", "k3")] {
        store
            .record_hops(batch_new_chain(
                c,
                r,
                vec![new_copy(copy(c, r, k, "nisc", t0()), &["a"])],
                t0(),
            ))
            .await
            .expect("chain");
    }
    let link = |chain: &str, minute: i64| IncidentChainRecord {
        incident: String::new(),
        chain: ChainId(chain.into()),
        added_by: PersonId("p1".into()),
        added_at: t0() + Duration::minutes(minute),
    };
    let inc = |id: &str, minute: i64| IncidentRecord {
        id: id.into(),
        number: 0,
        title: "同一攻撃基盤".into(),
        note: "203.0.113.5".into(),
        created_by: PersonId("p1".into()),
        created_at: t0() + Duration::minutes(minute),
    };
    let before = head_seq(&*store).await;
    assert_eq!(
        store
            .insert_incident(
                &inc("i1", 0),
                &[link("c1", 0), link("c2", 0)],
                draft("incident")
            )
            .await
            .expect("i1"),
        1
    );
    assert_eq!(head_seq(&*store).await, before + 1, "audited");
    let got = store.incident("i1").await.expect("i1");
    assert_eq!((got.number, got.title.as_str()), (1, "同一攻撃基盤"));
    let chains: Vec<String> = store
        .incident_chains("i1")
        .await
        .expect("chains")
        .into_iter()
        .map(|c| {
            assert_eq!(c.incident, "i1");
            c.chain.0
        })
        .collect();
    assert_eq!(chains, vec!["c1", "c2"]);
    // c2 is in I1: a second incident with it is refused whole.
    let seq = head_seq(&*store).await;
    assert!(matches!(
        store
            .insert_incident(
                &inc("i2", 1),
                &[link("c3", 1), link("c2", 1)],
                draft("incident")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.incident("i2").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(head_seq(&*store).await, seq, "nothing written");
    assert_eq!(
        store
            .insert_incident(&inc("i2", 2), &[link("c3", 2)], draft("incident"))
            .await
            .expect("i2"),
        2,
        "the counter did not move for the refused one"
    );
    let newest: Vec<String> = store
        .incidents(10)
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(newest, vec!["i2", "i1"]);
    // Adding a chain already linked elsewhere conflicts; to a missing incident is not found.
    assert!(matches!(
        store
            .add_incident_chains("i1", &[link("c3", 3)], draft("add"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .add_incident_chains("nope", &[link("c3", 3)], draft("add"))
            .await,
        Err(StoreError::NotFound)
    ));
    // Removing moves it: out of I2, into I1.
    let seq = head_seq(&*store).await;
    store
        .remove_incident_chain("i2", &ChainId("c3".into()), t0(), draft("remove"))
        .await
        .expect("remove");
    assert!(matches!(
        store
            .remove_incident_chain("i2", &ChainId("c3".into()), t0(), draft("remove"))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .add_incident_chains("i1", &[link("c3", 4)], draft("add"))
        .await
        .expect("add");
    assert_eq!(head_seq(&*store).await, seq + 2);
    let linked: Vec<(String, String)> = store
        .linked_chains()
        .await
        .expect("linked")
        .into_iter()
        .map(|c| (c.incident, c.chain.0))
        .collect();
    assert_eq!(
        linked,
        vec![
            ("i1".to_owned(), "c1".to_owned()),
            ("i1".to_owned(), "c2".to_owned()),
            ("i1".to_owned(), "c3".to_owned())
        ]
    );
    assert!(store.incident_chains("i2").await.expect("i2").is_empty());
    // Dismissals: once per pair.
    let d = DismissalRecord {
        chain_a: ChainId("c1".into()),
        chain_b: ChainId("c3".into()),
        dismissed_by: PersonId("p1".into()),
        at: t0(),
    };
    store
        .dismiss_pairs(std::slice::from_ref(&d), draft("dismiss"))
        .await
        .expect("dismiss");
    let mut later = d.clone();
    later.at = t0() + Duration::minutes(9);
    store
        .dismiss_pairs(&[later], draft("dismiss"))
        .await
        .expect("again");
    assert_eq!(store.dismissals().await.expect("dismissals"), vec![d]);
}

/// Exercises: their chains take E-R numbers from their own counter (the real series goes on
/// without a gap), the state moves once per step, an inject fires once, and cleanup deletes the
/// exercise's chains (reports, copies, audience keys) and nothing else.
pub async fn exercises_number_apart_and_clean_up_alone(store: Arc<dyn Store>) {
    world(&*store).await;
    let ex = ExerciseRecord {
        id: "ex1".into(),
        kind: "exercise".into(),
        name: "演習".into(),
        purpose: String::new(),
        organiser_org: OrgId("nisc".into()),
        state: "design".into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
        started_at: None,
        ended_at: None,
        cleaned_at: None,
    };
    store
        .insert_exercise(&ex, &[OrgId("op".into())], draft("exercise.create"))
        .await
        .expect("exercise");
    assert_eq!(
        store.exercise_participants("ex1").await.expect("parts"),
        vec![OrgId("op".into())]
    );
    assert_eq!(
        store
            .exercises_of_org(&OrgId("op".into()))
            .await
            .expect("of org")
            .len(),
        1
    );
    assert!(store
        .exercises_of_org(&OrgId("meti".into()))
        .await
        .expect("of org")
        .is_empty());
    // One step at a time, once.
    store
        .set_exercise_state("ex1", "design", "running", t0(), draft("exercise.start"))
        .await
        .expect("start");
    assert!(matches!(
        store
            .set_exercise_state("ex1", "design", "running", t0(), draft("exercise.start"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let inject = InjectRecord {
        exercise: "ex1".into(),
        seq: 0,
        offset_minutes: 5,
        kind: "liaison".into(),
        title: "模擬".into(),
        body: String::new(),
        tlp: "AMBER".into(),
        fired_at: None,
        check_id: None,
    };
    assert_eq!(
        store
            .insert_inject(&inject, draft("i"))
            .await
            .expect("inject"),
        1
    );
    assert_eq!(
        store
            .insert_inject(&inject, draft("i"))
            .await
            .expect("inject"),
        2
    );
    store
        .fire_inject("ex1", 1, t0(), None, draft("fire"))
        .await
        .expect("fire");
    assert!(matches!(
        store.fire_inject("ex1", 1, t0(), None, draft("fire")).await,
        Err(StoreError::Conflict(_))
    ));
    let fired: Vec<bool> = store
        .injects("ex1")
        .await
        .expect("injects")
        .iter()
        .map(|i| i.fired_at.is_some())
        .collect();
    assert_eq!(fired, vec![true, false]);

    // A real chain, an exercise chain, another real chain: R1, E-R1, R2.
    let mut idents = Vec::new();
    for (c, r, k, exercise) in [
        ("real1", "rr1", "kr1", false),
        ("drill", "rd1", "kd1", true),
        ("real2", "rr2", "kr2", false),
    ] {
        let mut b = batch_new_chain(
            c,
            r,
            vec![new_copy(copy(c, r, k, "nisc", t0()), &["a"])],
            t0(),
        );
        if let Some(n) = b.new_chain.as_mut() {
            n.exercise = exercise;
            n.exercise_id = exercise.then(|| "ex1".to_owned());
        }
        let out = store.record_hops(b).await.expect("chain");
        idents.push(out.ident.expect("numbered on NISC's receipt"));
    }
    assert_eq!(idents, vec!["R1", "E-R1", "R2"]);
    let drill = store.chain(&ChainId("drill".into())).await.expect("drill");
    assert!(drill.exercise);
    assert_eq!(drill.exercise_id.as_deref(), Some("ex1"));
    assert_eq!(drill.ident(2).as_deref(), Some("E-R1-2"));
    assert_eq!(
        store.chain_by_number(2).await.expect("R2").id,
        ChainId("real2".into()),
        "the real number finds the real chain"
    );
    assert_eq!(
        store
            .exercise_chains("ex1")
            .await
            .expect("chains")
            .iter()
            .map(|c| c.id.0.clone())
            .collect::<Vec<_>>(),
        vec!["drill"]
    );

    // Lessons.
    let lesson = LessonRecord {
        exercise: "ex1".into(),
        seq: 0,
        text: "教訓".into(),
        owner_org: OrgId("op".into()),
        follow_up: String::new(),
        state: "open".into(),
        created_by: PersonId("p1".into()),
        created_at: t0(),
        updated_at: t0(),
    };
    let seq = store
        .insert_lesson(&lesson, draft("l"))
        .await
        .expect("lesson");
    store
        .update_lesson(
            &LessonRecord {
                seq,
                state: "done".into(),
                ..lesson.clone()
            },
            draft("l"),
        )
        .await
        .expect("update");
    assert_eq!(
        store.lessons("ex1").await.expect("lessons")[0].state,
        "done"
    );
    assert!(matches!(
        store
            .update_lesson(&LessonRecord { seq: 9, ..lesson }, draft("l"))
            .await,
        Err(StoreError::NotFound)
    ));

    // Cleanup only once ended; then the exercise chain is gone and the real ones stay.
    assert!(matches!(
        store.clean_up_exercise("ex1", t0(), draft("clean")).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .set_exercise_state("ex1", "running", "ended", t0(), draft("exercise.end"))
        .await
        .expect("end");
    let before = head_seq(&*store).await;
    assert_eq!(
        store
            .clean_up_exercise("ex1", t0(), draft("clean"))
            .await
            .expect("clean"),
        1
    );
    assert_eq!(
        head_seq(&*store).await,
        before + 1,
        "audited with the write"
    );
    assert!(matches!(
        store.chain(&ChainId("drill".into())).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .copies_of_chain(&ChainId("drill".into()))
        .await
        .expect("copies")
        .is_empty());
    for c in ["real1", "real2"] {
        let chain = store.chain(&ChainId(c.into())).await.expect("real chain");
        assert!(!chain.exercise);
        assert_eq!(
            store
                .copies_of_chain(&ChainId(c.into()))
                .await
                .expect("copies")
                .len(),
            1
        );
    }
    assert_eq!(store.exercise("ex1").await.expect("ex").state, "cleaned");
    // The real series goes on: R3.
    let out = store
        .record_hops(batch_new_chain(
            "real3",
            "rr3",
            vec![new_copy(copy("real3", "rr3", "kr3", "nisc", t0()), &["a"])],
            t0(),
        ))
        .await
        .expect("chain");
    assert_eq!(out.ident.as_deref(), Some("R3"));
}

/// Standards are replaced by id; an assessment is one per organisation, standard and year
/// (a second is `Conflict`, nothing written) and updates keep the history of other years;
/// recurring tasks move forward; a survey per year, responses replaced while open and refused
/// once closed; every write audited.
pub async fn standards_assessments_and_surveys(store: Arc<dyn Store>) {
    use kakehashi_domain::standards::{ItemAssessment, ItemStatus, SafetyStandard, StandardKind};
    let audit_before = store.audit_recent(1000).await.expect("audit").len();
    let std_rec = |title: &str| SafetyStandardRecord {
        standard: SafetyStandard {
            id: "std-1".into(),
            sector: "electric_power".into(),
            kind: StandardKind::StateGuideline,
            title: title.into(),
            edition: "guideline-2023-07-04".into(),
            adopted: vec!["G-5.1.3.3-a".into()],
            own_items: vec![],
            owner: OrgId("meti".into()),
        },
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    };
    store
        .put_safety_standard(&std_rec("初版"), draft("standard.put"))
        .await
        .expect("put");
    store
        .put_safety_standard(&std_rec("改定版"), draft("standard.put"))
        .await
        .expect("replace");
    assert_eq!(
        store.safety_standards().await.expect("list"),
        vec![std_rec("改定版")]
    );
    let item = |status| ItemAssessment {
        item: "G-5.1.3.3-a".into(),
        status,
        reason: None,
        current_tier: Some(2),
        target_tier: Some(3),
        risk: None,
        cost: None,
        evidence: vec![],
        plan: None,
    };
    let a = |id: &str, year: i32| AssessmentRecord {
        id: id.into(),
        org: OrgId("op".into()),
        standard: "std-1".into(),
        year,
        edition: "guideline-2023-07-04".into(),
        items: vec![item(ItemStatus::Partial)],
        shared_with: vec![],
        updated_by: PersonId("p1".into()),
        updated_at: t0(),
    };
    store
        .insert_assessment(&a("a-2025", 2025), draft("assessment.create"))
        .await
        .expect("insert");
    store
        .insert_assessment(&a("a-2026", 2026), draft("assessment.create"))
        .await
        .expect("next year");
    assert!(matches!(
        store
            .insert_assessment(&a("a-dup", 2026), draft("assessment.create"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let mut changed = a("a-2026", 2026);
    changed.items = vec![item(ItemStatus::Implemented)];
    changed.shared_with = vec![OrgId("meti".into())];
    store
        .update_assessment(&changed, draft("assessment.update"))
        .await
        .expect("update");
    assert!(matches!(
        store
            .update_assessment(&a("missing", 2026), draft("assessment.update"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.assessment("a-2026").await.expect("get"), changed);
    assert_eq!(
        store
            .assessments_shared_with(&OrgId("meti".into()))
            .await
            .expect("shared"),
        vec![changed.clone()],
        "only what names the organisation"
    );
    for other in ["met", "eti", "op"] {
        assert!(
            store
                .assessments_shared_with(&OrgId(other.into()))
                .await
                .expect("shared")
                .is_empty(),
            "{other}: a part of an id is not the id"
        );
    }
    assert!(matches!(
        store.assessment("a-dup").await,
        Err(StoreError::NotFound)
    ));
    let mine = store
        .assessments_of_org(&OrgId("op".into()))
        .await
        .expect("list");
    assert_eq!(
        mine,
        vec![changed, a("a-2025", 2025)],
        "newest year first, history kept"
    );
    assert!(store
        .assessments_of_org(&OrgId("other".into()))
        .await
        .expect("list")
        .is_empty());
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
    let task = |d: &str| TaskDoneRecord {
        org: OrgId("op".into()),
        item: "H-11.1.3.3-a".into(),
        done_on: day(d),
        by: PersonId("p1".into()),
    };
    store
        .put_task_done(&task("2025-04-01"), draft("task.done"))
        .await
        .expect("task");
    store
        .put_task_done(&task("2026-04-01"), draft("task.done"))
        .await
        .expect("task again");
    assert_eq!(
        store.tasks_done(&OrgId("op".into())).await.expect("tasks"),
        vec![task("2026-04-01")]
    );
    let survey = SurveyRecord {
        id: "sv-2026".into(),
        year: 2026,
        sectors: vec!["electric_power".into()],
        opened_by: PersonId("nisc".into()),
        opened_at: t0(),
        closed_at: None,
    };
    store
        .insert_survey(&survey, draft("survey.open"))
        .await
        .expect("survey");
    assert!(matches!(
        store
            .insert_survey(
                &SurveyRecord {
                    id: "sv-other".into(),
                    ..survey.clone()
                },
                draft("survey.open")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let resp = |tier: u8| SurveyResponseRecord {
        survey: "sv-2026".into(),
        org: OrgId("op".into()),
        sector: "electric_power".into(),
        answers: vec![SurveyAnswer {
            item: "G-5.1.3.3-a".into(),
            status: ItemStatus::Partial,
            tier: Some(tier),
        }],
        submitted_by: PersonId("p1".into()),
        submitted_at: t0(),
    };
    store
        .put_survey_response(&resp(2), draft("survey.respond"))
        .await
        .expect("respond");
    store
        .put_survey_response(&resp(3), draft("survey.respond"))
        .await
        .expect("resubmit");
    assert_eq!(
        store.survey_responses("sv-2026").await.expect("responses"),
        vec![resp(3)]
    );
    assert!(matches!(
        store
            .put_survey_response(
                &SurveyResponseRecord {
                    survey: "nope".into(),
                    ..resp(1)
                },
                draft("survey.respond")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let closed_at = t0() + Duration::days(30);
    store
        .close_survey("sv-2026", closed_at, draft("survey.close"))
        .await
        .expect("close");
    assert!(matches!(
        store
            .close_survey("sv-2026", closed_at, draft("survey.close"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .close_survey("nope", closed_at, draft("survey.close"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .put_survey_response(&resp(4), draft("survey.respond"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.survey_responses("sv-2026").await.expect("responses"),
        vec![resp(3)],
        "a refused response changes nothing"
    );
    let surveys = store.surveys().await.expect("surveys");
    assert_eq!(surveys.len(), 1);
    assert_eq!(surveys[0].closed_at, Some(closed_at));
    let audit_after = store.audit_recent(1000).await.expect("audit").len();
    assert_eq!(
        audit_after - audit_before,
        11,
        "two standard puts, two inserts, one update, two tasks, one survey, two responses, one close"
    );
}

/// The directory's version moves in the transaction of every insert and update of an
/// organisation, and only then: a refused update and reads leave it where it was, so a node's
/// copy of the directory read at the current version is the directory.
pub async fn directory_version_moves_with_each_change(store: Arc<dyn Store>) {
    let v0 = store.directory_version().await.expect("version");
    store
        .insert_org(&org("op", "operator", &["electric_power"]), draft("org"))
        .await
        .expect("insert");
    let v1 = store.directory_version().await.expect("version");
    assert!(v1 > v0, "an insert moves it: {v0} → {v1}");
    let mut renamed = org("op", "operator", &["electric_power"]);
    renamed.name_ja = "改称後 株式会社".into();
    store
        .update_org(&renamed, draft("org-upd"))
        .await
        .expect("update");
    let v2 = store.directory_version().await.expect("version");
    assert!(v2 > v1, "an update moves it: {v1} → {v2}");
    assert!(matches!(
        store
            .update_org(&org("nope", "operator", &[]), draft("missing"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .insert_org(&org("op", "operator", &[]), draft("dup"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.orgs().await.expect("orgs")[0].name_ja,
        "改称後 株式会社"
    );
    assert_eq!(
        store.directory_version().await.expect("version"),
        v2,
        "refused writes and reads leave it"
    );
}

/// The STIX export's batch read: each copy's chain and kept indicators, for many copies at once;
/// indicators kept once (a later write does not replace them).
pub async fn copy_exports_read_chains_in_one(store: Arc<dyn Store>) {
    world(&*store).await;
    let at = |m: i64| t0() + Duration::minutes(m);
    // Chain A: a1 op → meti with its indicators kept; a2 op → nisc (numbers the chain) without.
    let mut a1 = new_copy(copy("A", "rA", "a1", "meti", at(0)), &["k1"]);
    a1.stix_indicators = Some("[[\"domain\",\"a.example\"]]".into());
    let a2 = new_copy(copy("A", "rA", "a2", "nisc", at(1)), &["k2"]);
    store
        .record_hops(batch_new_chain("A", "rA", vec![a1, a2], at(0)))
        .await
        .expect("chain A");
    // Chain B: b1, closed.
    let mut b = batch_new_chain(
        "B",
        "rB",
        vec![new_copy(copy("B", "rB", "b1", "meti", at(2)), &["k1"])],
        at(2),
    );
    b.chain_status = Some("closed".into());
    store.record_hops(b).await.expect("chain B");

    let ids = |v: &[&str]| -> Vec<CopyId> { v.iter().map(|x| CopyId((*x).into())).collect() };
    let read = |v: Vec<CopyId>| {
        let store = store.clone();
        async move {
            let mut rows = store.copy_exports(&v).await.expect("copy exports");
            rows.sort_by(|x, y| x.copy.0.cmp(&y.copy.0));
            rows
        }
    };
    let rows = read(ids(&["b1", "a2", "missing", "a1"])).await;
    let got: Vec<&str> = rows.iter().map(|r| r.copy.as_str()).collect();
    assert_eq!(
        got,
        ["a1", "a2", "b1"],
        "every existing copy once; none invented"
    );
    for r in &rows {
        let chain = store.chain(&r.chain.id).await.expect("the chain alone");
        assert_eq!(r.chain, chain, "the same chain as the single read");
    }
    assert_eq!(rows[0].chain.id.as_str(), "A");
    assert_eq!(
        rows[0].chain.number,
        Some(1),
        "numbered by the copy to NISC"
    );
    assert_eq!(rows[2].chain.status, "closed");
    assert_eq!(
        rows[0].stix_indicators.as_deref(),
        Some("[[\"domain\",\"a.example\"]]")
    );
    assert_eq!(rows[1].stix_indicators, None, "not kept yet");
    assert!(store
        .copy_exports(&[])
        .await
        .expect("nothing asked")
        .is_empty());

    // Kept later for a2; a1's are not replaced.
    store
        .set_stix_indicators(&[
            (CopyId("a2".into()), "[]".into()),
            (CopyId("a1".into()), "[[\"ip\",\"192.0.2.1\"]]".into()),
        ])
        .await
        .expect("keep indicators");
    let rows = read(ids(&["a1", "a2"])).await;
    assert_eq!(rows.len(), 2, "both read: {rows:?}");
    assert_eq!(
        rows[0].stix_indicators.as_deref(),
        Some("[[\"domain\",\"a.example\"]]"),
        "kept once"
    );
    assert_eq!(rows[1].stix_indicators.as_deref(), Some("[]"));

    // More copies than one statement names.
    let many: Vec<CopyId> = (0..1200)
        .map(|i| CopyId(format!("none-{i}")))
        .chain(ids(&["b1"]))
        .collect();
    let rows = read(many).await;
    assert_eq!(rows.len(), 1, "b1 found among 1,201 ids");
}
