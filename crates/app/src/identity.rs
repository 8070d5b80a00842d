//! Who is acting: a person, their organisation, and what the policy needs to know about them.

use crate::error::{AppError, AppResult};
use crate::App;
use kakehashi_audit::AuditDraft;
use kakehashi_domain::administration;
use kakehashi_domain::{
    Employment, NeedToKnow, OrgId, OrgKind, Organisation, Person, PersonId, Role, SectorId,
};
use kakehashi_policy::Viewer;
use kakehashi_store::{OrgRecord, PersonRecord};

/// An authenticated person acting in the system.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Person,
    pub org: Organisation,
    pub record: PersonRecord,
    /// The large-scale outage mode in force when this request began, if any.
    pub large_scale: Option<crate::large_scale::LargeScaleMode>,
}

impl Actor {
    /// The policy's view of this person. Fails only if the person record names another
    /// organisation than the one loaded, which `App::actor` rules out.
    pub fn viewer(&self) -> AppResult<Viewer> {
        Ok(Viewer::new(&self.person, &self.org)
            .map_err(|e| AppError::Internal(format!("{e:?}")))?
            .in_large_scale_mode(App::declared_sectors(&self.large_scale)))
    }
    pub fn has(&self, role: Role) -> bool {
        self.person.has_role(role)
    }
    pub fn is_platform_admin(&self) -> bool {
        self.has(Role::PlatformAdmin)
    }
    pub fn is_org_admin(&self) -> bool {
        self.has(Role::OrgAdmin)
    }
    /// Platform admins manage everyone; org admins manage their own organisation's people
    /// (the reach rule of [`kakehashi_domain::administration`]).
    pub fn may_manage_people_of(&self, org: &OrgId) -> bool {
        administration::administers(&self.administrator(), org)
    }
    /// This person as the people-administration rule sees them.
    pub fn administrator(&self) -> administration::Administrator<'_> {
        administration::Administrator {
            org: &self.org.id,
            roles: &self.person.roles,
        }
    }
    pub fn audit(
        &self,
        action: &str,
        target: Option<String>,
        detail: serde_json::Value,
    ) -> AuditDraft {
        AuditDraft {
            actor: Some(self.person.id.0.clone()),
            actor_org: Some(self.org.id.0.clone()),
            action: action.to_owned(),
            target,
            detail,
        }
    }
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                format!("この操作には「{}」の役割が必要です。", role_label_ja(role)),
                format!("This action needs the role '{}'.", role.code()),
            ))
        }
    }
}

pub fn role_label_ja(r: Role) -> &'static str {
    r.label_ja()
}

pub fn org_from_record(r: &OrgRecord) -> AppResult<Organisation> {
    Ok(Organisation {
        id: r.id.clone(),
        kind: OrgKind::from_code(&r.kind)
            .ok_or_else(|| AppError::Internal(format!("unknown org kind {}", r.kind)))?,
        name_ja: r.name_ja.clone(),
        name_en: r.name_en.clone(),
        sectors: r.sectors.iter().map(|s| SectorId(s.clone())).collect(),
        ceptoars: r.ceptoars.clone(),
        nisc_partner: r.nisc_partner,
    })
}

pub fn person_from_record(r: &PersonRecord) -> AppResult<Person> {
    Ok(Person {
        id: r.id.clone(),
        org: r.org.clone(),
        roles: r.roles.iter().filter_map(|c| Role::from_code(c)).collect(),
        employment: Employment::from_code(&r.employment)
            .ok_or_else(|| AppError::Internal(format!("unknown employment {}", r.employment)))?,
        need_to_know: match &r.need_to_know {
            None => NeedToKnow::All,
            Some(list) => NeedToKnow::Sectors(list.iter().map(|s| SectorId(s.clone())).collect()),
        },
    })
}

impl App {
    pub async fn actor(&self, id: &PersonId) -> AppResult<Actor> {
        let record = self.store.person(id).await?;
        let org = org_from_record(&self.store.org(&record.org).await?)?;
        Ok(Actor {
            person: person_from_record(&record)?,
            org,
            record,
            large_scale: self.large_scale().await?,
        })
    }

    /// Every sector id of the reference data (expands "need to know: all").
    pub fn all_sectors(&self) -> Vec<SectorId> {
        self.reference
            .sectors()
            .iter()
            .map(|s| SectorId(s.id.clone()))
            .collect()
    }
}
