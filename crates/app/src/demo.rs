//! A realistic demo world: NISC, the crisis-management office, the five CI ministries, several
//! CEPTOARs, a dozen operators across sectors, an agency NISC cooperates with, a cyberspace
//! business, an incident-response, a disaster-management and a cybersecurity ministry, and people with
//! every role — including a contractor under NDA. All names are fictitious.

use crate::error::AppResult;
use crate::orgs::{NewOrg, NewPerson, CRISIS_ORG, NISC_ORG};
use crate::App;
use kakehashi_store::OrgRecord;

/// The one password of every demo sign-in (documented in the README; demo data only).
pub const DEMO_PASSWORD: &str = "kakehashi-demo-2026";

struct Op {
    key: &'static str,
    name_ja: &'static str,
    name_en: &'static str,
    sector: &'static str,
    ceptoar: Option<&'static str>,
    aliases: &'static [&'static str],
    domain: &'static str,
}

const CEPTOARS: [(&str, &str, &str, &str); 5] = [
    (
        "ceptoar-power",
        "電力セプター",
        "Electric Power CEPTOAR",
        "electric_power",
    ),
    (
        "ceptoar-telecom",
        "テレコム・セプター",
        "Telecom CEPTOAR",
        "information_communications",
    ),
    (
        "ceptoar-bank",
        "銀行等セプター",
        "Banking CEPTOAR",
        "finance",
    ),
    ("ceptoar-rail", "鉄道セプター", "Railway CEPTOAR", "railway"),
    (
        "ceptoar-logistics",
        "物流セプター",
        "Logistics CEPTOAR",
        "logistics",
    ),
];

const OPERATORS: [Op; 12] = [
    Op {
        key: "power",
        name_ja: "東都電力株式会社",
        name_en: "Tohto Electric Power Co., Inc.",
        sector: "electric_power",
        ceptoar: Some("ceptoar-power"),
        aliases: &["東都電力", "Tohto Electric"],
        domain: "tohto-epco.example.jp",
    },
    Op {
        key: "power2",
        name_ja: "北浜電力株式会社",
        name_en: "Kitahama Electric Co.",
        sector: "electric_power",
        ceptoar: Some("ceptoar-power"),
        aliases: &["北浜電力"],
        domain: "kitahama-denryoku.example.jp",
    },
    Op {
        key: "gas",
        name_ja: "湾岸ガス株式会社",
        name_en: "Wangan Gas Co.",
        sector: "gas",
        ceptoar: None,
        aliases: &["湾岸ガス"],
        domain: "wangan-gas.example.jp",
    },
    Op {
        key: "telecom",
        name_ja: "株式会社みらい通信",
        name_en: "Mirai Telecom Inc.",
        sector: "information_communications",
        ceptoar: Some("ceptoar-telecom"),
        aliases: &["みらい通信"],
        domain: "mirai-tsushin.example.jp",
    },
    Op {
        key: "bank",
        name_ja: "さくら中央銀行",
        name_en: "Sakura Central Bank",
        sector: "finance",
        ceptoar: Some("ceptoar-bank"),
        aliases: &["さくら銀行"],
        domain: "sakura-chuo-bank.example.jp",
    },
    Op {
        key: "bank2",
        name_ja: "みなと信用金庫",
        name_en: "Minato Shinkin Bank",
        sector: "finance",
        ceptoar: Some("ceptoar-bank"),
        aliases: &["みなと信金"],
        domain: "minato-shinkin.example.jp",
    },
    Op {
        key: "rail",
        name_ja: "東西旅客鉄道株式会社",
        name_en: "Tozai Passenger Railway Co.",
        sector: "railway",
        ceptoar: Some("ceptoar-rail"),
        aliases: &["東西鉄道"],
        domain: "tozai-rail.example.jp",
    },
    Op {
        key: "logistics",
        name_ja: "株式会社ミナト物流",
        name_en: "Minato Logistics Co.",
        sector: "logistics",
        ceptoar: Some("ceptoar-logistics"),
        aliases: &["ミナト物流"],
        domain: "minato-logi.example.jp",
    },
    Op {
        key: "water",
        name_ja: "青葉市水道局",
        name_en: "Aoba City Waterworks Bureau",
        sector: "water_supply",
        ceptoar: None,
        aliases: &[],
        domain: "aoba-water.example.jp",
    },
    Op {
        key: "hospital",
        name_ja: "青葉中央病院",
        name_en: "Aoba Central Hospital",
        sector: "medical",
        ceptoar: None,
        aliases: &[],
        domain: "aoba-hospital.example.jp",
    },
    Op {
        key: "airline",
        name_ja: "大空航空株式会社",
        name_en: "Ozora Airlines Co.",
        sector: "aviation",
        ceptoar: None,
        aliases: &["大空航空"],
        domain: "ozora-air.example.jp",
    },
    Op {
        key: "city",
        name_ja: "青葉市",
        name_en: "Aoba City",
        sector: "government_administrative_services",
        ceptoar: None,
        aliases: &[],
        domain: "city.aoba.example.jp",
    },
];

/// A demo sign-in as the README lists it.
pub struct DemoLogin {
    pub login: &'static str,
    pub who_ja: String,
}

impl App {
    /// Loads the demo world once (idempotent: does nothing when it is already there).
    pub async fn load_demo(&self) -> AppResult<Vec<DemoLogin>> {
        let orgs = self.store.orgs().await?;
        if orgs.iter().any(|o| o.name_ja == "電力セプター") {
            return Ok(vec![]);
        }
        let mut ids = std::collections::HashMap::<String, String>::new();
        for (key, ja, en, sector) in CEPTOARS {
            let o = self
                .demo_org("ceptoar", ja, en, &[sector], &[], &[], &[], false)
                .await?;
            ids.insert(key.into(), o.id.0);
        }
        for op in &OPERATORS {
            let cep: Vec<String> = op
                .ceptoar
                .and_then(|c| ids.get(c).cloned())
                .into_iter()
                .collect();
            let o = self
                .demo_org(
                    "operator",
                    op.name_ja,
                    op.name_en,
                    &[op.sector],
                    &cep,
                    op.aliases,
                    &[op.domain],
                    false,
                )
                .await?;
            ids.insert(op.key.into(), o.id.0);
        }
        let jpcert = self
            .demo_org(
                "cybersecurity_agency",
                "一般社団法人JPCERTコーディネーションセンター",
                "JPCERT/CC",
                &[],
                &[],
                &[],
                &[],
                true,
            )
            .await?;
        ids.insert("jpcert".into(), jpcert.id.0);
        let vendor = self
            .demo_org(
                "cyberspace_business",
                "株式会社クラウドベース",
                "Cloudbase Inc.",
                &[],
                &[],
                &[],
                &[],
                false,
            )
            .await?;
        ids.insert("vendor".into(), vendor.id.0);
        // The other ministries of the diagram (別紙４－１): they send NISC what their role says.
        for (key, kind, ja, en) in [
            (
                "npa",
                "incident_response_ministry",
                "警察庁",
                "National Police Agency",
            ),
            (
                "bousai",
                "disaster_management_ministry",
                "内閣府（防災担当）",
                "Cabinet Office (Disaster Management)",
            ),
            (
                "mod",
                "cybersecurity_ministry",
                "防衛省",
                "Ministry of Defense",
            ),
        ] {
            let o = self
                .demo_org(kind, ja, en, &[], &[], &[], &[], false)
                .await?;
            ids.insert(key.into(), o.id.0);
        }
        for m in ["fsa", "mic", "mhlw", "meti", "mlit"] {
            ids.insert(m.into(), m.into());
        }
        ids.insert("nisc".into(), NISC_ORG.into());
        ids.insert("cm".into(), CRISIS_ORG.into());

        // (login, org key, name, roles, employment, need-to-know: None = all)
        type P = (
            &'static str,
            &'static str,
            &'static str,
            &'static [&'static str],
            &'static str,
            Option<&'static [&'static str]>,
        );
        let people: [P; 20] = [
            (
                "nisc",
                "nisc",
                "内閣 太郎",
                &["reader", "approver"],
                "staff",
                None,
            ),
            ("crisis", "cm", "危機 管理子", &["reader"], "staff", None),
            (
                "meti",
                "meti",
                "経済 産業",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "mlit",
                "mlit",
                "国土 交通",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "fsa",
                "fsa",
                "金融 庁子",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "mic",
                "mic",
                "総務 通信",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "mhlw",
                "mhlw",
                "厚生 労働",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "ceptoar-power",
                "ceptoar-power",
                "電力 事務局",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["electric_power"]),
            ),
            (
                "op-power",
                "power",
                "東都 花子",
                &["reader", "reporter", "approver", "org_admin"],
                "staff",
                Some(&["electric_power"]),
            ),
            (
                "op-power-contractor",
                "power",
                "委託 次郎",
                &["reader", "reporter"],
                "nda_contractor",
                Some(&["electric_power"]),
            ),
            (
                "op-power2",
                "power2",
                "北浜 一郎",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["electric_power"]),
            ),
            (
                "op-rail",
                "rail",
                "東西 鉄子",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["railway"]),
            ),
            (
                "op-bank",
                "bank",
                "桜 金太",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["finance"]),
            ),
            (
                "op-telecom",
                "telecom",
                "未来 通子",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["information_communications"]),
            ),
            (
                "op-logistics",
                "logistics",
                "港 運輸",
                &["reader", "reporter", "approver"],
                "staff",
                Some(&["logistics"]),
            ),
            (
                "jpcert",
                "jpcert",
                "分析 三郎",
                &["reader", "reporter"],
                "staff",
                None,
            ),
            (
                "vendor",
                "vendor",
                "雲 基盤",
                &["reader", "reporter"],
                "staff",
                Some(&[]),
            ),
            (
                "npa",
                "npa",
                "警察 守",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "bousai",
                "bousai",
                "防災 結衣",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
            (
                "mod",
                "mod",
                "防衛 真司",
                &["reader", "reporter", "approver"],
                "staff",
                None,
            ),
        ];
        let mut out = Vec::new();
        for (login, org, name, roles, employment, ntk) in people {
            let org_id = ids.get(org).cloned().unwrap_or_default();
            self.create_person(
                None,
                NewPerson {
                    org: org_id,
                    login: login.into(),
                    display_name: name.into(),
                    email: format!("{login}@demo.example.jp"),
                    phone: "03-0000-0000".into(),
                    department: "情報セキュリティ担当".into(),
                    password: DEMO_PASSWORD.into(),
                    roles: roles.iter().map(|r| r.to_string()).collect(),
                    employment: employment.into(),
                    need_to_know: ntk.map(|l| l.iter().map(|s| s.to_string()).collect()),
                },
            )
            .await?;
            out.push(DemoLogin {
                login,
                who_ja: name.into(),
            });
        }
        self.demo_contacts(&ids).await?;
        self.demo_risk().await?;
        Ok(out)
    }

    /// Points of contact, so that the contact pages are not empty: most organisations keep
    /// theirs, some are missing one or were verified too long ago (the oversight list shows them).
    async fn demo_contacts(
        &self,
        ids: &std::collections::HashMap<String, String>,
    ) -> AppResult<()> {
        // (org key, kind, name, phone, email, hours, verified days ago)
        type C = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            i64,
        );
        let contacts: [C; 14] = [
            (
                "nisc",
                "emergency",
                "重要インフラ防護担当 当直",
                "03-0000-1100",
                "ci-duty@nisc.example.go.jp",
                "24時間365日",
                20,
            ),
            (
                "meti",
                "emergency",
                "サイバーセキュリティ課 当番",
                "03-0000-2100",
                "cyber-duty@meti.example.go.jp",
                "24時間365日",
                40,
            ),
            (
                "meti",
                "provision",
                "サイバーセキュリティ課",
                "03-0000-2101",
                "cyber@meti.example.go.jp",
                "平日9:30-18:15",
                40,
            ),
            (
                "ceptoar-power",
                "emergency",
                "電力セプター事務局 緊急窓口",
                "03-0000-3100",
                "emergency@power-ceptoar.example.jp",
                "24時間365日",
                30,
            ),
            (
                "ceptoar-power",
                "provision",
                "電力セプター事務局",
                "03-0000-3101",
                "info@power-ceptoar.example.jp",
                "平日9:00-17:30",
                30,
            ),
            (
                "ceptoar-power",
                "ceptoar",
                "電力セプター事務局 窓口",
                "03-0000-3102",
                "poc@power-ceptoar.example.jp",
                "24時間365日",
                30,
            ),
            (
                "power",
                "emergency",
                "システム運用センター 当直長",
                "03-0000-4100",
                "soc@tohto-epco.example.jp",
                "24時間365日",
                10,
            ),
            (
                "power",
                "provision",
                "情報セキュリティ室",
                "03-0000-4101",
                "csirt@tohto-epco.example.jp",
                "平日9:00-17:40",
                60,
            ),
            (
                "power2",
                "emergency",
                "給電指令所",
                "06-0000-5100",
                "",
                "24時間365日",
                400,
            ),
            (
                "bank",
                "emergency",
                "CSIRT 当番",
                "03-0000-6100",
                "csirt@sakura-chuo-bank.example.jp",
                "24時間365日",
                90,
            ),
            (
                "bank",
                "provision",
                "CSIRT",
                "",
                "csirt@sakura-chuo-bank.example.jp",
                "平日9:00-17:00",
                250,
            ),
            (
                "rail",
                "emergency",
                "運輸指令室",
                "03-0000-7100",
                "",
                "24時間365日",
                15,
            ),
            (
                "rail",
                "provision",
                "IT企画部 セキュリティ担当",
                "03-0000-7101",
                "security@tozai-rail.example.jp",
                "平日9:00-17:30",
                15,
            ),
            (
                "telecom",
                "emergency",
                "ネットワークオペレーションセンター",
                "03-0000-8100",
                "noc@mirai-tsushin.example.jp",
                "24時間365日",
                5,
            ),
        ];
        let today = self.today();
        for (org, kind, name, phone, email, hours, days) in contacts {
            let Some(org_id) = ids.get(org) else { continue };
            let rec = kakehashi_store::ContactRecord {
                id: crate::new_id(),
                org: kakehashi_domain::OrgId(org_id.clone()),
                kind: kind.into(),
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
                hours: hours.into(),
                verified_on: today - chrono::Duration::days(days),
                updated_by: kakehashi_domain::PersonId("demo".into()),
                updated_at: self.now(),
            };
            let audit = kakehashi_audit::AuditDraft {
                actor: None,
                actor_org: None,
                action: "contact.create".into(),
                target: Some(org_id.clone()),
                detail: serde_json::json!({ "contact": rec.id, "kind": kind, "demo": true }),
            };
            self.store.insert_contact(&rec, audit).await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn demo_org(
        &self,
        kind: &str,
        ja: &str,
        en: &str,
        sectors: &[&str],
        ceptoars: &[String],
        aliases: &[&str],
        domains: &[&str],
        nisc_partner: bool,
    ) -> AppResult<OrgRecord> {
        self.create_org(
            None,
            NewOrg {
                kind: kind.into(),
                name_ja: ja.into(),
                name_en: en.into(),
                sectors: sectors.iter().map(|s| s.to_string()).collect(),
                ceptoars: ceptoars.to_vec(),
                nisc_partner,
                aliases: aliases.iter().map(|s| s.to_string()).collect(),
                domains: domains.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
        )
        .await
    }

    /// A small risk register and continuity plans for 東都電力 (op-power), so that the tour
    /// shows them: a service, three assets, risks in every state, a treatment plan, an
    /// approved BCP and an IT-BCP that hands over to it with part of the checklist answered.
    async fn demo_risk(&self) -> AppResult<()> {
        use crate::continuity::{
            Channel, ChecklistAnswer, ChecklistInput, CutoffPoint, PlanInput, PlanStatusInput,
        };
        use crate::risk::{AssetInput, RiskInput, ServiceInput, TreatmentInput};
        let person = self.store.person_by_login("op-power").await?;
        let actor = self.actor(&person.id).await?;
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let svc = self
            .save_risk_service(
                &actor,
                None,
                ServiceInput {
                    name: "電力供給（送配電）".into(),
                    description: "管内への電力の安定供給".into(),
                    operations: s(&["系統運用", "給電指令", "設備保守"]),
                    recovery_time_hours: Some(2),
                },
            )
            .await?;
        let ems = self
            .save_risk_asset(
                &actor,
                None,
                AssetInput {
                    name: "給電指令システム（EMS）".into(),
                    kind: "ics".into(),
                    importance: 3,
                    products: s(&["GridCore EMS"]),
                    services: vec![svc.clone()],
                    operations: s(&["給電指令"]),
                    owner: "系統運用部".into(),
                    location: "中央給電指令所".into(),
                },
            )
            .await?;
        let vpn = self
            .save_risk_asset(
                &actor,
                None,
                AssetInput {
                    name: "リモート保守用VPN装置".into(),
                    kind: "system".into(),
                    importance: 2,
                    products: s(&["SecureGate VPN"]),
                    services: vec![svc.clone()],
                    operations: s(&["設備保守"]),
                    owner: "情報システム部".into(),
                    location: "本店".into(),
                },
            )
            .await?;
        let cloud = self
            .save_risk_asset(
                &actor,
                None,
                AssetInput {
                    name: "需給予測クラウドサービス".into(),
                    kind: "external_service".into(),
                    importance: 2,
                    products: vec![],
                    services: vec![svc.clone()],
                    operations: s(&["系統運用"]),
                    owner: "系統運用部".into(),
                    location: "国内クラウド（委託先）".into(),
                },
            )
            .await?;
        let risk = |title: &str,
                    cats: &[&str],
                    sct: &str,
                    method: &str,
                    assets: Vec<String>,
                    l: Option<u8>,
                    d: Option<u8>,
                    v: Option<u8>| RiskInput {
            title: title.into(),
            scenario: String::new(),
            services: vec![svc.clone()],
            assets,
            categories: s(cats),
            supply_chain_threat: sct.into(),
            hse: false,
            method: method.into(),
            likelihood: l,
            damage: d,
            vulnerability: v,
            selected: false,
            selection_reason: String::new(),
            department: "系統運用部".into(),
            control_status: String::new(),
            keywords: vec![],
        };
        let mut vpn_risk = risk(
            "保守用VPN装置の脆弱性を突いた侵入による給電指令の停止",
            &["cyber"],
            "",
            "asset_based",
            vec![ems.clone(), vpn.clone()],
            Some(2),
            None,
            Some(2),
        );
        vpn_risk.scenario =
            "VPN装置の既知の脆弱性を悪用して侵入され、給電指令システムが操作不能になる。".into();
        vpn_risk.keywords = s(&["VPN"]);
        let r1 = self.save_risk(&actor, None, vpn_risk).await?;
        let mut usb = risk(
            "保守要員の持ち込み機器からのマルウェア感染",
            &["cyber"],
            "",
            "business_damage_based",
            vec![ems.clone()],
            Some(1),
            Some(3),
            Some(2),
        );
        usb.scenario = "マルウェアに感染したUSBメモリを保守要員が持ち込み、制御系に感染が広がる（別紙 特性①の例）。".into();
        self.save_risk(&actor, None, usb).await?;
        self.save_risk(
            &actor,
            None,
            risk(
                "需給予測クラウドサービスの供給途絶",
                &["cyber", "environmental_change"],
                "supply_disruption",
                "asset_based",
                vec![cloud],
                Some(1),
                None,
                Some(2),
            ),
        )
        .await?;
        self.save_risk(
            &actor,
            None,
            risk(
                "大規模地震による中央給電指令所の被災",
                &["natural_disaster"],
                "",
                "asset_based",
                vec![ems],
                None,
                None,
                None,
            ),
        )
        .await?;
        let due = (self.today() + chrono::Duration::days(10))
            .format("%Y-%m-%d")
            .to_string();
        let t = self
            .save_risk_treatment(
                &actor,
                None,
                TreatmentInput {
                    risk: r1,
                    action: "VPN装置の更新と多要素認証の導入".into(),
                    target_state: "既知の脆弱性のない版で、多要素認証を必須にする".into(),
                    owner: "情報システム部".into(),
                    due_on: due.clone(),
                    status: "planned".into(),
                    evaluation: "脆弱性診断で確認".into(),
                },
            )
            .await?;
        let _ = t;
        let review = (self.today() + chrono::Duration::days(120))
            .format("%Y-%m-%d")
            .to_string();
        let bcp = self
            .save_continuity_plan(&actor, None, PlanInput {
                kind: "bcp".into(),
                title: "電力供給事業継続計画".into(),
                scope: "送配電・給電指令".into(),
                activation_criteria: "給電指令システムの停止が30分を超える見込み、又は供給支障が10万kW以上となるおそれがあるとき".into(),
                hands_over_to: String::new(),
                handover_criteria: String::new(),
                cutoff_points: vec![CutoffPoint {
                    point: "制御系ネットワークと情報系ネットワークの境界".into(),
                    decision_maker: "系統運用部長".into(),
                    criteria: "制御系への感染拡大のおそれ".into(),
                }],
                channels: vec![Channel { channel: "社内メール".into(), fallback: "衛星電話・指令所間ホットライン".into() }],
                review_on: review.clone(),
            })
            .await?;
        self.set_plan_status(
            &actor,
            &bcp,
            PlanStatusInput {
                status: "approved".into(),
            },
        )
        .await?;
        let it = self
            .save_continuity_plan(
                &actor,
                None,
                PlanInput {
                    kind: "it_bcp".into(),
                    title: "給電指令システム IT-BCP".into(),
                    scope: "給電指令システム（EMS）".into(),
                    activation_criteria: "給電指令システムの異常をサイバー攻撃によるものと疑うとき"
                        .into(),
                    hands_over_to: bcp,
                    handover_criteria: "4時間以内に復旧の見込みが立たないとき".into(),
                    cutoff_points: vec![],
                    channels: vec![Channel {
                        channel: "社内チャット".into(),
                        fallback: String::new(),
                    }],
                    review_on: String::new(),
                },
            )
            .await?;
        let answer = |item: &str, result: &str, notes: &str| ChecklistAnswer {
            item: item.into(),
            result: result.into(),
            notes: notes.into(),
        };
        self.set_plan_checklist(
            &actor,
            &it,
            ChecklistInput {
                answers: vec![
                    answer("A-1-a", "pass", "VPN経由の侵入シナリオを作成済み"),
                    answer("A-3-a", "pass", ""),
                    answer("A-3-b", "fail", "判断責任者が未定"),
                    answer("A-5-f", "fail", "チャットの代替手段が未整備"),
                ],
            },
        )
        .await?;
        Ok(())
    }
}
