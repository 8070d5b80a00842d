//! Declaring and ending the large-scale outage mode (大規模重要インフラサービス障害対応時).
//!
//! The declaration is one settings row read with every request's person ([`App::actor`]), so
//! every node applies it at once; declaring and ending are audited in the same transaction as
//! the row. Who may switch it is the domain's rule ([`kakehashi_domain::large_scale`]); what it
//! opens is the policy's (`Viewer::large_scale_sectors`).

use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::identity::Actor;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_domain::large_scale::{may_declare, Cause};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{OrgId, PersonId, Role, SectorId, Tlp};
use kakehashi_policy::ItemScope;
use serde::{Deserialize, Serialize};

const SETTING: &str = "large_scale_mode";

/// The mode as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LargeScaleMode {
    /// Declared for every sector.
    pub all_sectors: bool,
    /// The declared sectors (every sector when `all_sectors`).
    pub sectors: Vec<String>,
    pub cause: Cause,
    pub reason: String,
    pub declared_by: PersonId,
    pub declared_by_name: String,
    pub declared_org: OrgId,
    pub declared_at: DateTime<Utc>,
}

/// A declaration as asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Declare {
    /// Sector ids; empty means every sector.
    #[serde(default)]
    pub sectors: Vec<String>,
    pub cause: String,
    pub reason: String,
}

impl App {
    /// The mode in force, if any.
    pub async fn large_scale(&self) -> AppResult<Option<LargeScaleMode>> {
        match self.store.get_setting(SETTING).await? {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => serde_json::from_str(&v)
                .map(Some)
                .map_err(|e| AppError::Internal(format!("stored large-scale mode: {e}"))),
        }
    }

    fn check_declarer(&self, actor: &Actor) -> AppResult<()> {
        if !may_declare(actor.org.kind) {
            return Err(AppError::forbidden(
                "大規模障害対応の宣言・終了はNISCと内閣官房（事態対処・危機管理担当）が行います。",
                "Only NISC and the crisis-management office declare or end the large-scale mode.",
            ));
        }
        actor.require(Role::Approver)
    }

    /// Declares the mode (or changes a declaration in force): scope, cause, reason, who.
    pub async fn declare_large_scale(
        &self,
        actor: &Actor,
        req: Declare,
    ) -> AppResult<LargeScaleMode> {
        self.check_declarer(actor)?;
        let cause = Cause::from_code(req.cause.trim()).ok_or_else(|| {
            AppError::bad_field(
                "cause",
                "unknown_code",
                "原因はサイバー攻撃・自然災害・テロ・その他から選んでください。",
                "Choose the cause: cyber, disaster, terrorism or other.",
            )
        })?;
        let reason = text::clean(Subject::LargeScale, "reason", &req.reason)?;
        let known = self.all_sectors();
        let mut sectors = Vec::new();
        for s in req
            .sectors
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            if !known.iter().any(|k| k.0 == s) {
                return Err(AppError::bad_field(
                    "sectors",
                    "unknown",
                    format!("分野「{s}」はありません。"),
                    format!("No sector '{s}'."),
                ));
            }
            if !sectors.iter().any(|x: &String| x == s) {
                sectors.push(s.to_owned());
            }
        }
        let all_sectors = sectors.is_empty();
        if all_sectors {
            sectors = known.into_iter().map(|s| s.0).collect();
        }
        let mode = LargeScaleMode {
            all_sectors,
            sectors,
            cause,
            reason,
            declared_by: actor.person.id.clone(),
            declared_by_name: actor.record.display_name.clone(),
            declared_org: actor.org.id.clone(),
            declared_at: self.now(),
        };
        let value = serde_json::to_string(&mode).map_err(|e| AppError::Internal(e.to_string()))?;
        let audit = actor.audit(
            "large_scale.declare",
            None,
            serde_json::json!({ "sectors": if all_sectors { vec!["*".to_owned()] } else { mode.sectors.clone() }, "cause": cause.code(), "reason": mode.reason }),
        );
        self.store
            .put_setting_audited(SETTING, &value, audit)
            .await?;
        self.announce_mode().await;
        Ok(mode)
    }

    /// Ends the mode: access falls back to the normal rules at once.
    pub async fn end_large_scale(&self, actor: &Actor, reason: &str) -> AppResult<()> {
        self.check_declarer(actor)?;
        let reason = text::clean(Subject::LargeScale, "reason", reason)?;
        if self.large_scale().await?.is_none() {
            return Err(AppError::Conflict {
                message_ja: "大規模障害対応は宣言されていません。".into(),
                message_en: "The large-scale mode is not declared.".into(),
            });
        }
        let audit = actor.audit(
            "large_scale.end",
            None,
            serde_json::json!({ "reason": reason }),
        );
        self.store.put_setting_audited(SETTING, "", audit).await?;
        self.announce_mode().await;
        Ok(())
    }

    /// Tells every connected client to look again (the banner); the event carries no content.
    async fn announce_mode(&self) {
        let orgs: Vec<OrgId> = match self.store.orgs().await {
            Ok(o) => o.into_iter().map(|o| o.id).collect(),
            Err(_) => return,
        };
        self.emit(Event {
            kind: "large_scale".into(),
            ref_id: String::new(),
            orgs,
            scope: kakehashi_policy::Access::Item(ItemScope {
                tlp: Tlp::Clear,
                sectors: vec![],
                sender_org: OrgId(crate::orgs::NISC_ORG.into()),
                addressees: vec![],
                added_recipients: vec![],
                held_by_nisc: true,
            }),
        })
        .await;
    }

    /// The sectors the policy treats as declared, for a viewer built now.
    pub(crate) fn declared_sectors(mode: &Option<LargeScaleMode>) -> Vec<SectorId> {
        mode.as_ref()
            .map(|m| m.sectors.iter().map(|s| SectorId(s.clone())).collect())
            .unwrap_or_default()
    }
}
