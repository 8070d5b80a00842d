//! Checks of the embedded data against facts of the seed, and of the public API.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use kakehashi_reference::{
    embedded, normalize_label, CauseGroup, ExceptionScope, Metric, Observed, Reference,
    SmlAssessment, SEED_LINE_COUNT,
};

fn r() -> &'static Reference {
    embedded()
}

fn assert_unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "duplicate {what} id {id:?}");
    }
}

#[test]
fn data_parses() {
    if let Err(e) = Reference::parse_embedded() {
        panic!("{e}");
    }
}

#[test]
fn version_is_set() {
    assert_eq!(
        r().version(),
        "2024 handbook / Action Plan 2024-03-08 revision"
    );
}

// ---- sectors ------------------------------------------------------------------------------

#[test]
fn fifteen_sectors_in_seed_order() {
    let ids: Vec<&str> = r().sectors().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "information_communications",
            "finance",
            "aviation",
            "airport",
            "railway",
            "electric_power",
            "gas",
            "government_administrative_services",
            "medical",
            "water_supply",
            "logistics",
            "chemical",
            "credit",
            "petroleum",
            "port",
        ]
    );
    let names: Vec<&str> = r().sectors().iter().map(|s| s.name_ja.as_str()).collect();
    // 別紙５ 重要インフラ分野 (seed 12467-12473).
    assert_eq!(
        names,
        [
            "情報通信",
            "金融",
            "航空",
            "空港",
            "鉄道",
            "電力",
            "ガス",
            "政府・行政サービス",
            "医療",
            "水道",
            "物流",
            "化学",
            "クレジット",
            "石油",
            "港湾",
        ]
    );
    for (i, s) in r().sectors().iter().enumerate() {
        assert_eq!(usize::from(s.order), i + 1, "order of {}", s.id);
        assert!(!s.services.is_empty(), "{} has no services", s.id);
        assert!(!s.operators.is_empty(), "{} has no operators", s.id);
        assert!(!s.critical_systems.is_empty(), "{} has no systems", s.id);
    }
}

#[test]
fn finance_has_five_subsectors_and_valid_references() {
    let finance = r().sector("finance").expect("finance");
    let subs: Vec<&str> = finance
        .subsectors
        .iter()
        .map(|s| s.name_ja.as_str())
        .collect();
    assert_eq!(subs, ["銀行等", "生命保険", "損害保険", "証券", "資金決済"]);
    for s in r().sectors() {
        if s.id != "finance" {
            assert!(s.subsectors.is_empty(), "{} has subsectors", s.id);
        }
        for e in s.operators.iter().chain(&s.critical_systems) {
            for sub in &e.subsectors {
                assert!(
                    s.subsector(sub).is_some(),
                    "{}: unknown subsector {sub}",
                    s.id
                );
            }
        }
        for svc in &s.services {
            match &svc.subsector {
                Some(sub) => assert!(s.subsector(sub).is_some(), "{}: bad subsector", svc.id),
                None => assert!(s.subsectors.is_empty(), "{} needs a subsector", svc.id),
            }
        }
    }
    for sub in &finance.subsectors {
        assert!(
            finance
                .services
                .iter()
                .any(|s| s.subsector.as_deref() == Some(&sub.id)),
            "no service in {}",
            sub.id
        );
    }
}

#[test]
fn sector_and_service_ids_are_unique() {
    assert_unique("sector", r().sectors().iter().map(|s| s.id.as_str()));
    assert_unique(
        "service",
        r().sectors()
            .iter()
            .flat_map(|s| &s.services)
            .map(|s| s.id.as_str()),
    );
    for svc in r().sectors().iter().flat_map(|s| &s.services) {
        assert_unique(
            "threshold",
            svc.maintenance_level
                .thresholds
                .iter()
                .map(|t| t.id.as_str()),
        );
    }
}

#[test]
fn numeric_maintenance_levels_are_exactly_the_seven_services() {
    let explicit: BTreeSet<&str> = r()
        .sectors()
        .iter()
        .flat_map(|s| &s.services)
        .filter(|s| s.maintenance_level.explicit)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        explicit,
        BTreeSet::from([
            "telecommunications_service",
            "broadcasting",
            "cable_television",
            "general_transmission_distribution",
            "power_generation",
            "general_gas_pipeline",
            "gas_manufacturing",
        ])
    );
    let default = &r().default_maintenance_level().ja;
    for svc in r().sectors().iter().flat_map(|s| &s.services) {
        let ml = &svc.maintenance_level;
        assert_eq!(ml.explicit, !ml.thresholds.is_empty(), "{}", svc.id);
        if !ml.explicit {
            assert_eq!(&ml.ja, default, "{} should use 注２", svc.id);
        }
    }
}

#[test]
fn every_service_has_descriptions_and_outage_examples() {
    for svc in r().sectors().iter().flat_map(|s| &s.services) {
        assert!(!svc.descriptions.is_empty(), "{}", svc.id);
        assert!(!svc.outage_examples.is_empty(), "{}", svc.id);
        assert!(!svc.reporting_references.is_empty(), "{}", svc.id);
    }
}

// ---- service maintenance level thresholds -------------------------------------------------

fn service(id: &str) -> &'static kakehashi_reference::Service {
    r().service(id).expect(id).1
}

fn users_duration(users: Option<u64>, minutes: Option<u64>) -> Observed {
    Observed {
        affected_users: users,
        duration_minutes: minutes,
        ..Observed::default()
    }
}

fn deviates(a: &SmlAssessment) -> bool {
    a.is_deviation()
}

#[test]
fn telecom_needs_30000_users_and_two_hours() {
    let s = service("telecommunications_service");
    assert!(deviates(
        &s.sml_deviation(&users_duration(Some(30_000), Some(120)))
    ));
    assert!(deviates(
        &s.sml_deviation(&users_duration(Some(1_000_000), Some(600)))
    ));
    assert_eq!(
        s.sml_deviation(&users_duration(Some(29_999), Some(120))),
        SmlAssessment::NoDeviation
    );
    assert_eq!(
        s.sml_deviation(&users_duration(Some(30_000), Some(119))),
        SmlAssessment::NoDeviation
    );
    assert_eq!(
        s.sml_deviation(&users_duration(Some(30_000), None)),
        SmlAssessment::NotDeterminable {
            missing: vec![Metric::DurationMinutes]
        }
    );
    assert_eq!(
        s.sml_deviation(&Observed::default()),
        SmlAssessment::NotDeterminable {
            missing: vec![Metric::AffectedUsers, Metric::DurationMinutes]
        }
    );
    // A condition known to be missed settles it even with the other figure unknown.
    assert_eq!(
        s.sml_deviation(&users_duration(Some(100), None)),
        SmlAssessment::NoDeviation
    );
    assert_eq!(
        s.sml_deviation(&users_duration(Some(30_000), Some(120))),
        SmlAssessment::Deviation {
            rule_id: "telecom_users_duration".into()
        }
    );
}

#[test]
fn cable_tv_needs_30000_users_and_two_hours() {
    let s = service("cable_television");
    assert!(deviates(
        &s.sml_deviation(&users_duration(Some(30_000), Some(120)))
    ));
    assert!(!deviates(
        &s.sml_deviation(&users_duration(Some(29_999), Some(120)))
    ));
    assert!(!deviates(
        &s.sml_deviation(&users_duration(Some(30_000), Some(119)))
    ));
}

#[test]
fn broadcasting_is_15_minutes_except_relay_station_radio_equipment() {
    let s = service("broadcasting");
    let minutes = |m, scope| Observed {
        duration_minutes: Some(m),
        exception_scope: scope,
        ..Observed::default()
    };
    assert!(deviates(&s.sml_deviation(&minutes(15, None))));
    assert_eq!(
        s.sml_deviation(&minutes(14, None)),
        SmlAssessment::NoDeviation
    );
    // The user count does not matter for broadcasting.
    assert!(deviates(&s.sml_deviation(&Observed {
        affected_users: Some(1),
        ..minutes(15, None)
    })));

    let relay = Some(ExceptionScope::RelayStationRadioEquipment);
    assert_eq!(
        s.sml_deviation(&minutes(15, relay)),
        SmlAssessment::NoDeviation
    );
    assert_eq!(
        s.sml_deviation(&minutes(119, relay)),
        SmlAssessment::NoDeviation
    );
    assert_eq!(
        s.sml_deviation(&minutes(120, relay)),
        SmlAssessment::Deviation {
            rule_id: "broadcast_station_facilities".into()
        }
    );
    assert_eq!(
        s.sml_deviation(&Observed {
            exception_scope: relay,
            ..Observed::default()
        }),
        SmlAssessment::NotDeterminable {
            missing: vec![Metric::DurationMinutes]
        }
    );
    // A scope the service does not know is ignored.
    let tel = service("telecommunications_service");
    assert!(deviates(&tel.sml_deviation(&Observed {
        exception_scope: relay,
        ..users_duration(Some(30_000), Some(120))
    })));
}

#[test]
fn power_needs_100000_kw_and_ten_minutes_for_both_services() {
    for id in ["general_transmission_distribution", "power_generation"] {
        let s = service(id);
        let obs = |kw, min| Observed {
            supply_loss_kw: kw,
            duration_minutes: min,
            ..Observed::default()
        };
        assert!(
            deviates(&s.sml_deviation(&obs(Some(100_000), Some(10)))),
            "{id}"
        );
        assert_eq!(
            s.sml_deviation(&obs(Some(99_999), Some(10))),
            SmlAssessment::NoDeviation
        );
        assert_eq!(
            s.sml_deviation(&obs(Some(100_000), Some(9))),
            SmlAssessment::NoDeviation
        );
        assert_eq!(
            s.sml_deviation(&obs(None, Some(10))),
            SmlAssessment::NotDeterminable {
                missing: vec![Metric::SupplyLossKw]
            }
        );
        // Households are a gas metric and do not count for power.
        assert_eq!(
            s.sml_deviation(&Observed {
                households: Some(1_000_000),
                ..obs(Some(0), Some(600))
            }),
            SmlAssessment::NoDeviation
        );
    }
}

#[test]
fn gas_needs_30_households_for_both_services() {
    for id in ["general_gas_pipeline", "gas_manufacturing"] {
        let s = service(id);
        let obs = |h| Observed {
            households: h,
            ..Observed::default()
        };
        assert!(deviates(&s.sml_deviation(&obs(Some(30)))), "{id}");
        assert!(deviates(&s.sml_deviation(&obs(Some(31)))), "{id}");
        assert_eq!(s.sml_deviation(&obs(Some(29))), SmlAssessment::NoDeviation);
        assert_eq!(
            s.sml_deviation(&obs(None)),
            SmlAssessment::NotDeterminable {
                missing: vec![Metric::Households]
            }
        );
    }
}

#[test]
fn services_without_numbers_use_the_default() {
    for id in [
        "bank_deposits",
        "medical_care",
        "water_supply",
        "terminal_operation",
    ] {
        let s = service(id);
        assert_eq!(
            s.sml_deviation(&Observed {
                affected_users: Some(u64::MAX),
                duration_minutes: Some(u64::MAX),
                supply_loss_kw: Some(u64::MAX),
                households: Some(u64::MAX),
                exception_scope: None,
            }),
            SmlAssessment::NoNumericCriterion,
            "{id}"
        );
    }
}

// ---- taxonomy -----------------------------------------------------------------------------

#[test]
fn eight_events_with_codes_in_order() {
    let codes: Vec<&str> = r().events().iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        ["EV-01", "EV-02", "EV-03", "EV-04", "EV-05", "EV-06", "EV-07", "EV-08"]
    );
    let labels: Vec<&str> = r().events().iter().map(|e| e.label_ja.as_str()).collect();
    // 別紙３ (seed 9284-9667).
    assert_eq!(
        labels,
        [
            "予兆・ヒヤリハット",
            "情報の漏えい",
            "情報の破壊",
            "システム等の利用困難",
            "マルウェア等の感染",
            "不正コード等の実行",
            "システム等への侵入",
            "その他",
        ]
    );
    assert_unique("event key", r().events().iter().map(|e| e.key.as_str()));
    for e in r().events() {
        let cat = r()
            .event_category(&e.category)
            .expect("event category exists");
        assert_eq!(cat.class, e.class, "{}", e.code);
    }
    assert_eq!(r().event_categories().len(), 6);
    assert_unique(
        "event category",
        r().event_categories().iter().map(|c| c.id.as_str()),
    );
}

#[test]
fn seventeen_causes_in_four_groups() {
    assert_eq!(r().causes().len(), 17);
    let counts: BTreeMap<CauseGroup, usize> =
        r().causes().iter().fold(BTreeMap::new(), |mut m, c| {
            *m.entry(c.group).or_default() += 1;
            m
        });
    assert_eq!(
        counts,
        BTreeMap::from([
            (CauseGroup::Intentional, 6),
            (CauseGroup::Accidental, 8),
            (CauseGroup::Environmental, 1),
            (CauseGroup::Other, 2),
        ])
    );
    let groups: Vec<CauseGroup> = r().cause_groups().iter().map(|g| g.id).collect();
    assert_eq!(
        groups,
        [
            CauseGroup::Intentional,
            CauseGroup::Accidental,
            CauseGroup::Environmental,
            CauseGroup::Other
        ]
    );
    assert_unique("cause", r().causes().iter().map(|c| c.code.as_str()));
    // Codes carry the group letter, and groups are contiguous in 別紙３ order.
    for c in r().causes() {
        let letter = match c.group {
            CauseGroup::Intentional => "CA-I-",
            CauseGroup::Accidental => "CA-A-",
            CauseGroup::Environmental => "CA-E-",
            CauseGroup::Other => "CA-O-",
        };
        assert!(c.code.starts_with(letter), "{}", c.code);
    }
    assert!(r().causes().windows(2).all(|w| w[0].group <= w[1].group));
    assert_eq!(r().causes_in_group(CauseGroup::Other).count(), 2);
}

#[test]
fn cause_label_variants_resolve_to_the_same_cause() {
    let a = r()
        .resolve_cause("適切なシステム等運用の未実施")
        .expect("別紙３ wording");
    let b = r()
        .resolve_cause("適切なシステム運用等の未実施")
        .expect("form wording");
    assert_eq!(a.code, "CA-I-06");
    assert_eq!(a.code, b.code);

    let a = r().resolve_cause("災害や疾病").expect("表１ wording");
    let b = r().resolve_cause("災害や疾病等").expect("別紙３ wording");
    assert_eq!(a.code, "CA-E-01");
    assert_eq!(a.code, b.code);

    let id = |s| r().resolve_cause(s).map(|c| c.code.as_str());
    assert_eq!(id("ユーザＩＤ等の偽り"), Some("CA-I-02"));
    assert_eq!(id("ユーザID等の偽り"), Some("CA-I-02"));
    assert_eq!(id(" ﾕｰｻﾞID等の偽り "), Some("CA-I-02"));
    assert_eq!(id("ＤＤｏＳ攻撃等の大量アクセス"), Some("CA-I-03"));
    assert_eq!(id("ca-a-06"), Some("CA-A-06"));
    assert_eq!(id("その他"), Some("CA-O-01"));
    assert_eq!(id("不明"), Some("CA-O-02"));
    assert_eq!(id("原因不明等"), Some("CA-O-02"));
    assert_eq!(id(""), None);
    assert_eq!(id("隕石"), None);
    // Group names are not causes.
    assert_eq!(id("その他の原因"), None);
}

#[test]
fn event_labels_and_codes_resolve() {
    let id = |s| r().resolve_event(s).map(|e| e.code.as_str());
    assert_eq!(id("EV-05"), Some("EV-05"));
    assert_eq!(id("ev-05"), Some("EV-05"));
    assert_eq!(id("マルウェア等の感染"), Some("EV-05"));
    assert_eq!(id("malware_infection"), Some("EV-05"));
    assert_eq!(id("予兆・ヒヤリハット"), Some("EV-01"));
    assert_eq!(id("予兆･ﾋﾔﾘﾊｯﾄ"), Some("EV-01"));
    assert_eq!(id("その他"), Some("EV-08"));
    assert_eq!(id("上記以外の事象"), Some("EV-08"));
    // Checkbox text as printed on the liaison form, with its gloss (seed 35720-35721).
    assert_eq!(
        id("情報の漏えい（組織の機密情報等の流出など）"),
        Some("EV-02")
    );
    assert_eq!(id("情報の漏えい（でたらめ"), None);
    assert_eq!(id("EV-09"), None);
    assert_eq!(
        r().event("EV-03").map(|e| e.label_ja.as_str()),
        Some("情報の破壊")
    );
    assert!(r().event("ev-03").is_none(), "event() takes exact codes");
}

#[test]
fn no_spelling_resolves_to_two_entries() {
    let mut events: BTreeMap<String, &str> = BTreeMap::new();
    for e in r().events() {
        for n in e.names() {
            if let Some(prev) = events.insert(normalize_label(n), &e.code) {
                assert_eq!(prev, e.code, "{n} is ambiguous");
            }
        }
    }
    let mut causes: BTreeMap<String, &str> = BTreeMap::new();
    for c in r().causes() {
        for n in c.names() {
            if let Some(prev) = causes.insert(normalize_label(n), &c.code) {
                assert_eq!(prev, c.code, "{n} is ambiguous");
            }
        }
    }
}

// ---- markings -----------------------------------------------------------------------------

#[test]
fn three_importance_levels() {
    let codes: Vec<(&str, &str)> = r()
        .importance_levels()
        .iter()
        .map(|l| (l.code.as_str(), l.label_ja.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("alert", "警報"),
            ("caution", "注意喚起"),
            ("reference", "参考情報")
        ]
    );
    for l in r().importance_levels() {
        assert!(!l.liaison.definition_ja.is_empty());
        assert!(!l.provision.definition_ja.is_empty());
    }
    assert_eq!(
        r().importance("注意喚起").map(|l| l.code.as_str()),
        Some("caution")
    );
    assert_eq!(
        r().importance("ALERT").map(|l| l.code.as_str()),
        Some("alert")
    );
}

#[test]
fn five_tlp_levels() {
    let codes: Vec<&str> = r().tlp_levels().iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"]);
    for (i, l) in r().tlp_levels().iter().enumerate() {
        assert_eq!(usize::from(l.order), i + 1);
        for w in [&l.liaison, &l.provision] {
            assert!(w.body.ja.starts_with(&l.code), "{} body", l.code);
            assert!(!w.form.ja.is_empty() && !w.form.en.is_empty());
        }
    }
    assert_eq!(
        r().tlp("amber + strict").map(|l| l.code.as_str()),
        Some("AMBER+STRICT")
    );
    assert_eq!(r().tlp("TLP:GREEN").map(|l| l.code.as_str()), Some("GREEN"));
    assert_eq!(r().tlp("WHITE").map(|l| l.code.as_str()), None);
    let rules: Vec<&str> = r()
        .tlp_additional_rules()
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "sender_added_recipients",
            "nisc_standing_exception",
            "special_notes_partial_sharing"
        ]
    );
    for rule in r().tlp_additional_rules() {
        if let Some(f) = &rule.liaison_form_footnote {
            for code in &f.applies_to {
                assert!(r().tlp(code).is_some(), "footnote on unknown TLP {code}");
            }
        }
    }
}

// ---- glossary and organisations -----------------------------------------------------------

#[test]
fn thirty_three_glossary_terms() {
    assert_eq!(r().glossary().len(), 33);
    for (i, t) in r().glossary().iter().enumerate() {
        assert_eq!(usize::from(t.number), i + 1);
        assert!(!t.definition_ja.is_empty(), "{}", t.term_ja);
    }
    assert_unique(
        "glossary term",
        r().glossary().iter().map(|t| t.term_ja.as_str()),
    );
    assert!(r().glossary_term("サービス維持レベル").is_some());
}

#[test]
fn five_ci_ministries_cover_every_sector_exactly_once() {
    let ids: Vec<&str> = r().ci_ministries().iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["fsa", "mic", "mhlw", "meti", "mlit"]);
    let mut covered: Vec<&str> = r()
        .ci_ministries()
        .iter()
        .flat_map(|m| &m.sectors)
        .map(|s| s.sector_id.as_str())
        .collect();
    covered.sort_unstable();
    let mut all: Vec<&str> = r().sectors().iter().map(|s| s.id.as_str()).collect();
    all.sort_unstable();
    assert_eq!(covered, all);
    for s in r().sectors() {
        assert_eq!(r().ministries_for_sector(&s.id).len(), 1, "{}", s.id);
    }
    let owner = |s| r().ministries_for_sector(s)[0].id.as_str();
    assert_eq!(owner("finance"), "fsa");
    assert_eq!(owner("government_administrative_services"), "mic");
    assert_eq!(owner("medical"), "mhlw");
    assert_eq!(owner("credit"), "meti");
    // Dated data: the deck puts water under MLIT.
    assert_eq!(owner("water_supply"), "mlit");
    let mapping = r().sector_mapping().expect("mapping provenance");
    assert_eq!(mapping.as_of, "2024-09-30");
    assert!(r().ministries_for_sector("nonexistent").is_empty());
}

#[test]
fn other_organisation_categories() {
    let ids = |c: &kakehashi_reference::OrganisationCategory| {
        c.members.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(r().cybersecurity_ministries()),
        ["npa", "digital", "mic", "mofa", "meti", "nra", "mod"]
    );
    assert_eq!(
        ids(r().incident_response_ministries()),
        ["npa", "fdma", "jcg", "mod"]
    );
    assert_eq!(
        ids(r().cybersecurity_agencies()),
        ["nict", "ipa", "jpcert_cc", "jc3"]
    );
    assert!(r().disaster_management_ministries().members.is_empty());
    // The same body has the same names wherever it is listed.
    let mut by_id: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for c in r().organisation_categories() {
        assert_unique("member", c.members.iter().map(|m| m.id.as_str()));
        for m in &c.members {
            let names = (m.name_ja.as_str(), m.name_en.as_str());
            assert_eq!(*by_id.entry(&m.id).or_insert(names), names, "{}", m.id);
        }
    }
    assert_eq!(
        r().organisation("jpcert_cc")
            .and_then(|o| o.abbreviation.as_deref()),
        Some("JPCERT/CC")
    );
}

#[test]
fn ceptoars_per_sector() {
    assert_eq!(r().ceptoars().len(), 21);
    assert_eq!(r().ceptoar_list().as_of, "2024-09-30");
    assert_unique("ceptoar", r().ceptoars().iter().map(|c| c.id.as_str()));
    for c in r().ceptoars() {
        let sector = r().sector(&c.sector_id).expect("ceptoar sector exists");
        if let Some(sub) = &c.subsector {
            assert!(sector.subsector(sub).is_some(), "{}", c.id);
        }
        assert!(!c.secretariat_ja.is_empty());
    }
    for s in r().sectors() {
        assert!(
            !r().ceptoars_for_sector(&s.id).is_empty(),
            "{} has no CEPTOAR",
            s.id
        );
    }
    assert_eq!(r().ceptoars_for_sector("finance").len(), 5);
    assert_eq!(
        r().ceptoars_for_sector("information_communications").len(),
        3
    );
}

// ---- provenance ---------------------------------------------------------------------------

#[test]
fn every_entry_cites_seed_lines_inside_the_seed() {
    let citations = r().citations();
    assert!(citations.len() > 200, "only {} citations", citations.len());
    for (entry, lines) in &citations {
        assert!(!lines.is_empty(), "{entry}: no seed lines");
        assert!(
            lines.within_seed(),
            "{entry}: {lines} outside 1..={SEED_LINE_COUNT}"
        );
    }
}

#[test]
fn reference_serialises_for_clients() {
    let json = serde_json::to_value(r()).expect("serialise");
    assert!(json["sectors"]["sectors"]
        .as_array()
        .is_some_and(|a| a.len() == 15));
}
