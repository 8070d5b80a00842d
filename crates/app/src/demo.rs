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
}
