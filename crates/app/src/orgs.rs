//! Organisations and people: bootstrap, platform administration, org administration.

use crate::auth::{check_password_rule, hash_password, random_token};
use crate::error::{AppError, AppResult};
use crate::identity::{org_from_record, Actor};
use crate::{new_id, App};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::text::{clean, clean_list, Subject};
use kakehashi_domain::{Employment, OrgId, OrgKind, PersonId, Role};
use kakehashi_store::{OrgRecord, PersonRecord, StoreError};
use serde::{Deserialize, Serialize};

/// Fixed id of the hub organisation.
pub const NISC_ORG: &str = "nisc";
/// Fixed id of the crisis-management office.
pub const CRISIS_ORG: &str = "crisis-management";

/// Input for a new organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewOrg {
    pub kind: String,
    pub name_ja: String,
    /// Defaults to the Japanese name.
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub ceptoars: Vec<String>,
    #[serde(default)]
    pub nisc_partner: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
}

/// Input for a new person.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewPerson {
    /// Taken from the URL by the API; optional in the body.
    #[serde(default)]
    pub org: String,
    pub login: String,
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub department: String,
    pub password: String,
    pub roles: Vec<String>,
    pub employment: String,
    /// `None` = all sectors.
    #[serde(default)]
    pub need_to_know: Option<Vec<String>>,
}

/// Changes to an organisation; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OrgUpdate {
    #[serde(default)]
    pub name_ja: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    #[serde(default)]
    pub domains: Option<Vec<String>>,
}

/// Changes to a person's profile; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PersonUpdate {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A person's profile, cleaned and checked by the table in `kakehashi_domain::text`.
struct Profile {
    display_name: String,
    department: String,
    email: String,
    phone: String,
}

impl Profile {
    fn cleaned(display_name: &str, department: &str, email: &str, phone: &str) -> AppResult<Self> {
        Ok(Profile {
            display_name: clean(Subject::Person, "display_name", display_name)?,
            department: clean(Subject::Person, "department", department)?,
            email: clean(Subject::Person, "email", email)?,
            phone: clean(Subject::Person, "phone", phone)?,
        })
    }
}

fn system_audit(action: &str, target: &str) -> AuditDraft {
    AuditDraft {
        actor: None,
        actor_org: None,
        action: action.to_owned(),
        target: Some(target.to_owned()),
        detail: serde_json::json!({ "by": "system" }),
    }
}

impl App {
    /// First start: creates the hub, the crisis-management office, the five CI ministries with
    /// their sectors from the reference data, and a platform administrator. Returns the
    /// administrator's one-time password, or `None` when the database already has people.
    pub async fn bootstrap(&self, admin_login: &str) -> AppResult<Option<String>> {
        if self.store.count_people().await? > 0 {
            return Ok(None);
        }
        let now = self.now();
        let mut fixed = vec![
            OrgRecord {
                id: OrgId(NISC_ORG.into()),
                kind: OrgKind::Nisc.code().into(),
                name_ja: self.config.nisc_name_ja.clone(),
                name_en: self.config.nisc_name_en.clone(),
                sectors: vec![],
                ceptoars: vec![],
                nisc_partner: false,
                aliases: vec![],
                domains: vec![],
                created_at: now,
            },
            OrgRecord {
                id: OrgId(CRISIS_ORG.into()),
                kind: OrgKind::CrisisManagement.code().into(),
                name_ja: "内閣官房（事態対処・危機管理担当）".into(),
                name_en: "Cabinet Secretariat (Incident Response and Crisis Management)".into(),
                sectors: vec![],
                ceptoars: vec![],
                nisc_partner: false,
                aliases: vec![],
                domains: vec![],
                created_at: now,
            },
        ];
        for m in self.reference.ci_ministries() {
            fixed.push(OrgRecord {
                id: OrgId(m.id.clone()),
                kind: OrgKind::CiMinistry.code().into(),
                name_ja: m.name_ja.clone(),
                name_en: m.name_en.clone(),
                sectors: m.sectors.iter().map(|a| a.sector_id.clone()).collect(),
                ceptoars: vec![],
                nisc_partner: false,
                aliases: vec![],
                domains: vec![],
                created_at: now,
            });
        }
        for o in fixed {
            match self
                .store
                .insert_org(&o, system_audit("org.create", o.id.as_str()))
                .await
            {
                Ok(()) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let password = random_token(15);
        let admin = PersonRecord {
            id: PersonId(new_id()),
            org: OrgId(NISC_ORG.into()),
            login: admin_login.to_lowercase(),
            display_name: "Platform administrator".into(),
            email: String::new(),
            phone: String::new(),
            department: String::new(),
            password_hash: hash_password(&password)?,
            roles: vec![
                Role::PlatformAdmin.code().into(),
                Role::OrgAdmin.code().into(),
            ],
            employment: Employment::Staff.code().into(),
            // No need-to-know: administering the platform grants no reading of restricted items.
            need_to_know: Some(vec![]),
            active: true,
            locale: "ja".into(),
            mail_pref: "digest".into(),
            created_at: now,
        };
        self.store
            .insert_person(&admin, system_audit("person.create", admin.id.as_str()))
            .await?;
        Ok(Some(password))
    }

    pub async fn create_org(&self, actor: Option<&Actor>, input: NewOrg) -> AppResult<OrgRecord> {
        if let Some(a) = actor {
            if !a.is_platform_admin() {
                return Err(AppError::forbidden(
                    "組織の作成はプラットフォーム管理者のみ可能です。",
                    "Only platform administrators may create organisations.",
                ));
            }
        }
        let kind = OrgKind::from_code(&input.kind).ok_or_else(|| {
            AppError::bad_field(
                "kind",
                "unknown_code",
                "組織種別が不明です。",
                "Unknown organisation kind.",
            )
        })?;
        let name_ja = clean(Subject::Organisation, "name_ja", &input.name_ja)?;
        let name_en = clean(Subject::Organisation, "name_en", &input.name_en)?;
        let aliases = clean_list(Subject::Organisation, "aliases", &input.aliases)?;
        let domains = clean_list(Subject::Organisation, "domains", &input.domains)?;
        for s in &input.sectors {
            if self.reference.sector(s).is_none() {
                return Err(AppError::bad_field(
                    "sectors",
                    "unknown_code",
                    format!("分野コード「{s}」は存在しません。"),
                    format!("Unknown sector code '{s}'."),
                ));
            }
        }
        if matches!(kind, OrgKind::Operator | OrgKind::Ceptoar) && input.sectors.is_empty() {
            return Err(AppError::bad_field(
                "sectors",
                "required",
                "事業者・セプターには分野が必要です。",
                "Operators and CEPTOARs need a sector.",
            ));
        }
        for c in &input.ceptoars {
            let org = self.store.org(&OrgId(c.clone())).await.map_err(|_| {
                AppError::bad_field(
                    "ceptoars",
                    "unknown",
                    format!("セプター「{c}」が見つかりません。"),
                    format!("CEPTOAR '{c}' not found."),
                )
            })?;
            if org.kind != OrgKind::Ceptoar.code() {
                return Err(AppError::bad_field(
                    "ceptoars",
                    "kind",
                    format!("「{c}」はセプターではありません。"),
                    format!("'{c}' is not a CEPTOAR."),
                ));
            }
        }
        let rec = OrgRecord {
            id: OrgId(new_id()),
            kind: kind.code().into(),
            name_en: if name_en.is_empty() {
                name_ja.clone()
            } else {
                name_en
            },
            name_ja,
            sectors: input.sectors,
            ceptoars: input.ceptoars.into_iter().map(OrgId).collect(),
            nisc_partner: input.nisc_partner,
            aliases,
            domains,
            created_at: self.now(),
        };
        let audit = match actor {
            Some(a) => a.audit(
                "org.create",
                Some(rec.id.0.clone()),
                serde_json::json!({ "kind": rec.kind }),
            ),
            None => system_audit("org.create", rec.id.as_str()),
        };
        self.store.insert_org(&rec, audit).await?;
        Ok(rec)
    }

    pub async fn create_person(
        &self,
        actor: Option<&Actor>,
        input: NewPerson,
    ) -> AppResult<PersonRecord> {
        let org = OrgId(input.org.clone());
        if let Some(a) = actor {
            if !a.may_manage_people_of(&org) {
                return Err(AppError::forbidden(
                    "この組織の利用者を管理する権限がありません。",
                    "You may not manage the people of this organisation.",
                ));
            }
            if input.roles.iter().any(|r| r == Role::PlatformAdmin.code()) && !a.is_platform_admin()
            {
                return Err(AppError::forbidden(
                    "プラットフォーム管理者の役割は付与できません。",
                    "You may not grant the platform-admin role.",
                ));
            }
        }
        self.store.org(&org).await.map_err(|_| {
            AppError::bad_field(
                "org",
                "unknown",
                "組織が見つかりません。",
                "Organisation not found.",
            )
        })?;
        let login = clean(Subject::Person, "login", &input.login)?;
        let profile = Profile::cleaned(
            &input.display_name,
            &input.department,
            &input.email,
            &input.phone,
        )?;
        check_password_rule(&input.password)?;
        let roles: Vec<String> = input.roles.iter().map(|r| r.trim().to_owned()).collect();
        if roles.is_empty() || roles.iter().any(|r| Role::from_code(r).is_none()) {
            return Err(AppError::bad_field(
                "roles",
                "unknown_code",
                "役割を1つ以上正しく選んでください。",
                "Choose one or more valid roles.",
            ));
        }
        if Employment::from_code(&input.employment).is_none() {
            return Err(AppError::bad_field(
                "employment",
                "unknown_code",
                "雇用形態が不明です。",
                "Unknown employment kind.",
            ));
        }
        if let Some(list) = &input.need_to_know {
            if let Some(bad) = list.iter().find(|s| self.reference.sector(s).is_none()) {
                return Err(AppError::bad_field(
                    "need_to_know",
                    "unknown_code",
                    format!("分野コード「{bad}」は存在しません。"),
                    format!("Unknown sector code '{bad}'."),
                ));
            }
        }
        let rec = PersonRecord {
            id: PersonId(new_id()),
            org,
            login,
            display_name: profile.display_name,
            email: profile.email,
            phone: profile.phone,
            department: profile.department,
            password_hash: hash_password(&input.password)?,
            roles,
            employment: input.employment,
            need_to_know: input.need_to_know,
            active: true,
            locale: "ja".into(),
            mail_pref: "digest".into(),
            created_at: self.now(),
        };
        let detail = serde_json::json!({ "login": rec.login, "roles": rec.roles, "employment": rec.employment });
        let audit = match actor {
            Some(a) => a.audit("person.create", Some(rec.id.0.clone()), detail),
            None => system_audit("person.create", rec.id.as_str()),
        };
        self.store
            .insert_person(&rec, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::bad_field(
                    "login",
                    "unique",
                    "このログイン名は既に使われています。",
                    "This login name is already taken.",
                ),
                e => e.into(),
            })?;
        Ok(rec)
    }

    /// Activates or deactivates a person; deactivation ends their sessions.
    pub async fn set_person_active(
        &self,
        actor: &Actor,
        id: &PersonId,
        active: bool,
    ) -> AppResult<()> {
        let mut p = self.store.person(id).await?;
        if !actor.may_manage_people_of(&p.org) {
            return Err(AppError::forbidden(
                "この利用者を管理する権限がありません。",
                "You may not manage this person.",
            ));
        }
        p.active = active;
        let audit = actor.audit(
            "person.active",
            Some(p.id.0.clone()),
            serde_json::json!({ "active": active }),
        );
        self.store.update_person(&p, audit).await?;
        Ok(())
    }

    /// Changes an organisation's names (platform administrators) or its identifying details
    /// (aliases, domains: also its own organisation administrators). Fields left out stay.
    pub async fn update_org(
        &self,
        actor: &Actor,
        id: &OrgId,
        input: OrgUpdate,
    ) -> AppResult<OrgRecord> {
        let mut rec = self.store.org(id).await?;
        let renames = input.name_ja.is_some() || input.name_en.is_some();
        let allowed = if renames {
            actor.is_platform_admin()
        } else {
            actor.may_manage_people_of(id)
        };
        if !allowed {
            return Err(AppError::forbidden(
                "組織名の変更はプラットフォーム管理者、識別情報の変更は自組織の管理者のみ可能です。",
                "Only platform administrators rename organisations; an organisation's own administrators edit its identifying details.",
            ));
        }
        let mut changed: Vec<&str> = Vec::new();
        if let Some(v) = &input.name_ja {
            rec.name_ja = clean(Subject::Organisation, "name_ja", v)?;
            changed.push("name_ja");
        }
        if let Some(v) = &input.name_en {
            let v = clean(Subject::Organisation, "name_en", v)?;
            rec.name_en = if v.is_empty() { rec.name_ja.clone() } else { v };
            changed.push("name_en");
        }
        if let Some(v) = &input.aliases {
            rec.aliases = clean_list(Subject::Organisation, "aliases", v)?;
            changed.push("aliases");
        }
        if let Some(v) = &input.domains {
            rec.domains = clean_list(Subject::Organisation, "domains", v)?;
            changed.push("domains");
        }
        let audit = actor.audit(
            "org.update",
            Some(rec.id.0.clone()),
            serde_json::json!({ "fields": changed }),
        );
        self.store.update_org(&rec, audit).await?;
        Ok(rec)
    }

    /// Changes a person's profile (name, department, contact details): the person themself,
    /// or an administrator of their organisation (a platform administrator's profile only by
    /// a platform administrator). Fields left out stay.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: &PersonId,
        input: PersonUpdate,
    ) -> AppResult<PersonRecord> {
        let mut p = self.store.person(id).await?;
        let is_self = actor.person.id == p.id;
        let target_is_platform_admin = p.roles.iter().any(|r| r == Role::PlatformAdmin.code());
        let allowed = is_self
            || (actor.may_manage_people_of(&p.org)
                && (!target_is_platform_admin || actor.is_platform_admin()));
        if !allowed {
            return Err(AppError::forbidden(
                "この利用者を管理する権限がありません。",
                "You may not manage this person.",
            ));
        }
        let profile = Profile::cleaned(
            input.display_name.as_deref().unwrap_or(&p.display_name),
            input.department.as_deref().unwrap_or(&p.department),
            input.email.as_deref().unwrap_or(&p.email),
            input.phone.as_deref().unwrap_or(&p.phone),
        )?;
        p.display_name = profile.display_name;
        p.department = profile.department;
        p.email = profile.email;
        p.phone = profile.phone;
        let changed: Vec<&str> = [
            ("display_name", input.display_name.is_some()),
            ("department", input.department.is_some()),
            ("email", input.email.is_some()),
            ("phone", input.phone.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        let audit = actor.audit(
            "person.update",
            Some(p.id.0.clone()),
            serde_json::json!({ "fields": changed }),
        );
        self.store.update_person(&p, audit).await?;
        Ok(p)
    }

    pub async fn people_of(&self, actor: &Actor, org: &OrgId) -> AppResult<Vec<PersonRecord>> {
        if !actor.may_manage_people_of(org) {
            return Err(AppError::forbidden(
                "この組織の利用者一覧は閲覧できません。",
                "You may not list this organisation's people.",
            ));
        }
        Ok(self.store.people_of_org(org).await?)
    }

    /// The directory of organisations (names and kinds are not restricted information).
    pub async fn organisations(&self) -> AppResult<Vec<OrgRecord>> {
        Ok(self.store.orgs().await?)
    }

    pub async fn organisation(&self, id: &OrgId) -> AppResult<kakehashi_domain::Organisation> {
        org_from_record(&self.store.org(id).await?)
    }
}
