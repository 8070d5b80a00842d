//! Organisations and people: bootstrap, platform administration, org administration.

use crate::auth::{check_password_rule, hash_password_off, random_token};
use crate::error::{AppError, AppResult};
use crate::identity::{org_from_record, Actor};
use crate::{new_id, App};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::administration::{may_administer, Administered, PeopleChange, Refusal};
use kakehashi_domain::text::{clean, clean_list, Subject};
use kakehashi_domain::{Employment, OrgId, OrgKind, PersonId, Role};
use kakehashi_store::{OrgRecord, PersonRecord, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Fixed id of the hub organisation.
pub const NISC_ORG: &str = "nisc";
/// Fixed id of the crisis-management office.
pub const CRISIS_ORG: &str = "crisis-management";

/// Input for a new organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Postal addresses, phone and fax numbers, e-mail addresses and IP addresses or ranges of
    /// the organisation itself: masked when it reports through its CEPTOAR.
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub ip_ranges: Vec<String>,
}

/// Input for a new person.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUpdate {
    #[serde(default)]
    pub name_ja: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    #[serde(default)]
    pub domains: Option<Vec<String>>,
    #[serde(default)]
    pub addresses: Option<Vec<String>>,
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    #[serde(default)]
    pub ip_ranges: Option<Vec<String>>,
}

/// Changes to a person's profile; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What an administrator may do to one person (for pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AdminOptions {
    pub set_active: bool,
    pub set_roles: bool,
    pub reset_password: bool,
}

/// The roles among `codes` that exist.
fn known_roles(codes: &[String]) -> Vec<Role> {
    codes
        .iter()
        .filter_map(|c| Role::from_code(c.trim()))
        .collect()
}

/// One or more roles, every one of them known.
fn valid_roles(codes: &[String]) -> AppResult<Vec<String>> {
    let roles: Vec<String> = codes.iter().map(|r| r.trim().to_owned()).collect();
    if roles.is_empty() || roles.iter().any(|r| Role::from_code(r).is_none()) {
        return Err(AppError::bad_field(
            "roles",
            "unknown_code",
            "役割を1つ以上正しく選んでください。",
            "Choose one or more valid roles.",
        ));
    }
    let mut unique: Vec<String> = Vec::with_capacity(roles.len());
    for r in roles {
        if !unique.contains(&r) {
            unique.push(r);
        }
    }
    Ok(unique)
}

fn administered<'a>(p: &'a PersonRecord, roles: &'a [Role]) -> Administered<'a> {
    Administered {
        org: &p.org,
        roles,
        active: p.active,
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

/// Organisation names (Japanese, English) by id.
pub(crate) type OrgNames = std::collections::HashMap<OrgId, (String, String)>;

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
                addresses: vec![],
                phones: vec![],
                emails: vec![],
                ip_ranges: vec![],
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
                addresses: vec![],
                phones: vec![],
                emails: vec![],
                ip_ranges: vec![],
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
                addresses: vec![],
                phones: vec![],
                emails: vec![],
                ip_ranges: vec![],
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
            display_name: "基盤管理者".into(),
            email: String::new(),
            phone: String::new(),
            department: String::new(),
            password_hash: hash_password_off(&password).await?,
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
            // The printed one-time password must be changed at the first sign-in.
            must_change_password: true,
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
        let addresses = clean_list(Subject::Organisation, "addresses", &input.addresses)?;
        let phones = clean_list(Subject::Organisation, "phones", &input.phones)?;
        let emails = clean_list(Subject::Organisation, "emails", &input.emails)?;
        let ip_ranges = clean_list(Subject::Organisation, "ip_ranges", &input.ip_ranges)?;
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
            addresses,
            phones,
            emails,
            ip_ranges,
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
            // Unknown role codes grant nothing here; validation below refuses them.
            let roles = known_roles(&input.roles);
            let change = PeopleChange::Create {
                org: &org,
                roles: &roles,
            };
            self.administer(a, None, &change).await?;
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
        let roles = valid_roles(&input.roles)?;
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
            password_hash: hash_password_off(&input.password).await?,
            roles,
            employment: input.employment,
            need_to_know: input.need_to_know,
            active: true,
            locale: "ja".into(),
            mail_pref: "digest".into(),
            // A password an administrator chose is changed by its holder at the first sign-in;
            // people created by the system itself (the demo world) keep theirs.
            must_change_password: actor.is_some(),
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
        let p = self.store.person(id).await?;
        let roles = known_roles(&p.roles);
        let change = PeopleChange::SetActive {
            person: administered(&p, &roles),
            active,
        };
        self.administer(actor, Some(&p), &change).await?;
        let updated = PersonRecord {
            active,
            ..p.clone()
        };
        let audit = actor.audit(
            "person.active",
            Some(p.id.0.clone()),
            serde_json::json!({ "active": active }),
        );
        self.update_administered(actor, &updated, &change, audit)
            .await
    }

    /// Replaces a person's roles.
    pub async fn set_person_roles(
        &self,
        actor: &Actor,
        id: &PersonId,
        roles: &[String],
    ) -> AppResult<PersonRecord> {
        let p = self.store.person(id).await?;
        let before = known_roles(&p.roles);
        let after = known_roles(roles);
        let change = PeopleChange::SetRoles {
            person: administered(&p, &before),
            roles: &after,
        };
        self.administer(actor, Some(&p), &change).await?;
        let roles = valid_roles(roles)?;
        let audit = actor.audit(
            "person.roles",
            Some(p.id.0.clone()),
            serde_json::json!({ "from": p.roles, "to": roles }),
        );
        let updated = PersonRecord { roles, ..p.clone() };
        self.update_administered(actor, &updated, &change, audit)
            .await?;
        Ok(updated)
    }

    /// An administrator sets a new one-time password: the person must change it at their next
    /// sign-in, and every session they have ends now.
    pub async fn reset_person_password(
        &self,
        actor: &Actor,
        id: &PersonId,
        password: &str,
    ) -> AppResult<()> {
        let p = self.store.person(id).await?;
        let roles = known_roles(&p.roles);
        let change = PeopleChange::ResetPassword {
            person: administered(&p, &roles),
        };
        self.administer(actor, Some(&p), &change).await?;
        check_password_rule(password)?;
        let audit = actor.audit(
            "person.password_reset",
            Some(p.id.0.clone()),
            serde_json::json!({ "must_change": true }),
        );
        self.store
            .set_password(
                &p.id,
                &hash_password_off(password).await?,
                true,
                None,
                audit,
            )
            .await?;
        Ok(())
    }

    /// Changes an organisation's names (platform administrators) or its identifying details
    /// (aliases, domains, addresses, phones, e-mail addresses, IP ranges: also its own
    /// organisation administrators). Fields left out stay; nothing changes on a bad field.
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
        for (field, given, stored) in [
            ("aliases", &input.aliases, &mut rec.aliases),
            ("domains", &input.domains, &mut rec.domains),
            ("addresses", &input.addresses, &mut rec.addresses),
            ("phones", &input.phones, &mut rec.phones),
            ("emails", &input.emails, &mut rec.emails),
            ("ip_ranges", &input.ip_ranges, &mut rec.ip_ranges),
        ] {
            if let Some(v) = given {
                *stored = clean_list(Subject::Organisation, field, v)?;
                changed.push(field);
            }
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
    /// or whoever the administration rule lets administer them (never an organisation admin
    /// over a platform administrator). Fields left out stay.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: &PersonId,
        input: PersonUpdate,
    ) -> AppResult<PersonRecord> {
        let mut p = self.store.person(id).await?;
        if actor.person.id != p.id {
            let roles = known_roles(&p.roles);
            let change = PeopleChange::UpdateProfile {
                person: administered(&p, &roles),
            };
            self.administer(actor, Some(&p), &change).await?;
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

    /// Which changes `actor` may make to `person`, for pages that hide what would be refused
    /// (the use cases decide again when the change is asked for).
    pub async fn administration_options(
        &self,
        actor: &Actor,
        people: &[PersonRecord],
    ) -> AppResult<Vec<AdminOptions>> {
        let count = self.store.active_platform_admins().await? as usize;
        let me = actor.administrator();
        Ok(people
            .iter()
            .map(|p| {
                let roles = known_roles(&p.roles);
                let person = administered(p, &roles);
                let ok = |c: PeopleChange| may_administer(&me, &c, count).is_ok();
                AdminOptions {
                    set_active: ok(PeopleChange::SetActive {
                        person,
                        active: !p.active,
                    }),
                    set_roles: ok(PeopleChange::SetRoles {
                        person,
                        roles: &roles,
                    }),
                    reset_password: ok(PeopleChange::ResetPassword { person }),
                }
            })
            .collect())
    }

    /// Applies the people-administration rule of the domain; a refusal is audited and answered
    /// 403 (404 when the person lies outside the actor's reach: they cannot see them at all).
    async fn administer(
        &self,
        actor: &Actor,
        person: Option<&PersonRecord>,
        change: &PeopleChange<'_>,
    ) -> AppResult<()> {
        let count = self.store.active_platform_admins().await? as usize;
        match may_administer(&actor.administrator(), change, count) {
            Ok(()) => Ok(()),
            Err(r) => Err(self.refused(actor, person, change, r).await),
        }
    }

    /// Stores an administrative update; the store's own last-platform-admin guard (a concurrent
    /// change got there first) is answered like the domain's refusal.
    async fn update_administered(
        &self,
        actor: &Actor,
        p: &PersonRecord,
        change: &PeopleChange<'_>,
        audit: AuditDraft,
    ) -> AppResult<()> {
        match self.store.update_person(p, audit).await {
            Err(StoreError::Conflict(c)) if c == "last_platform_admin" => Err(self
                .refused(actor, Some(p), change, Refusal::LastPlatformAdmin)
                .await),
            other => Ok(other?),
        }
    }

    async fn refused(
        &self,
        actor: &Actor,
        person: Option<&PersonRecord>,
        change: &PeopleChange<'_>,
        r: Refusal,
    ) -> AppError {
        let target = match (person, change) {
            (Some(p), _) => Some(p.id.0.clone()),
            (None, PeopleChange::Create { org, .. }) => Some(org.0.clone()),
            (None, _) => None,
        };
        let audit = actor.audit(
            "person.admin_refused",
            target,
            serde_json::json!({ "change": change.code(), "refusal": r }),
        );
        if let Err(e) = self.store.append_audit(vec![audit]).await {
            return e.into();
        }
        match (r, person) {
            (Refusal::OutOfReach, Some(_)) => AppError::NotFound,
            _ => AppError::forbidden(r.message_ja(), r.message_en()),
        }
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
        Ok(self.directory_records().await?.as_ref().clone())
    }

    /// Every organisation's record, from this node's copy of the directory while the store's
    /// directory version is the one the copy was read at: one small read per use instead of the
    /// whole directory, and a change made through any node is seen at the next use (the version
    /// moves in the same transaction as the change, and is read before the directory).
    pub async fn directory_records(&self) -> AppResult<Arc<Vec<OrgRecord>>> {
        Ok(self.directory_copy().await?.records)
    }

    /// Organisation names in both languages by id, from the same cached copy of the directory
    /// (built once per directory version, not per request).
    pub(crate) async fn org_names(&self) -> AppResult<Arc<OrgNames>> {
        Ok(self.directory_copy().await?.names)
    }

    /// This node's copy of the directory at the store's current directory version.
    pub(crate) async fn directory_copy(&self) -> AppResult<crate::DirectoryCopy> {
        let version = self.store.directory_version().await?;
        if let Some(copy) = self.cached_directory(version) {
            return Ok(copy);
        }
        // One read per change on this node: whoever waited here finds it done.
        let _reading = self.directory_reading.lock().await;
        if let Some(copy) = self.cached_directory(version) {
            return Ok(copy);
        }
        let orgs = self.store.orgs().await?;
        let names: OrgNames = orgs
            .iter()
            .map(|o| (o.id.clone(), (o.name_ja.clone(), o.name_en.clone())))
            .collect();
        let places = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        let copy = crate::DirectoryCopy {
            version,
            records: Arc::new(orgs),
            names: Arc::new(names),
            places: Arc::new(places),
        };
        *self
            .directory
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(copy.clone());
        Ok(copy)
    }

    /// The cached copy if it was read at `version` (or later: a slower reader of the version
    /// does not throw away a newer copy).
    fn cached_directory(&self, version: i64) -> Option<crate::DirectoryCopy> {
        self.directory
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|c| c.version >= version)
            .cloned()
    }

    /// The directory as `actor` may see it: names, kinds and sectors of every organisation;
    /// the identifying details (aliases, domains, addresses, phones, e-mail addresses, IP
    /// ranges) only of organisations the actor administers.
    pub async fn directory(&self, actor: &Actor) -> AppResult<Vec<OrgRecord>> {
        Ok(self
            .directory_records()
            .await?
            .iter()
            .cloned()
            .map(|mut o| {
                if !actor.may_manage_people_of(&o.id) {
                    for list in [
                        &mut o.aliases,
                        &mut o.domains,
                        &mut o.addresses,
                        &mut o.phones,
                        &mut o.emails,
                        &mut o.ip_ranges,
                    ] {
                        list.clear();
                    }
                }
                o
            })
            .collect())
    }

    pub async fn organisation(&self, id: &OrgId) -> AppResult<kakehashi_domain::Organisation> {
        org_from_record(&self.store.org(id).await?)
    }
}
