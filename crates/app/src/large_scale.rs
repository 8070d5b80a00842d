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
use kakehashi_policy::Visible;
use kakehashi_store::ProvisionSummary;
use serde::{Deserialize, Serialize};

use crate::inbox::ListingRow;

const SETTING: &str = "large_scale_mode";
/// The ended episodes, oldest first (a JSON array of [`Episode`]); written with the end of the
/// mode in one transaction, so an ended mode is never missing from the record.
const HISTORY: &str = "large_scale_history";

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
    /// When the episode began: the first declaration (a later one may change scope, cause or
    /// reason while the mode lasts). `None` in records made before this was kept.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// The declarations this one replaced during the same episode, oldest first.
    #[serde(default)]
    pub earlier: Vec<Revision>,
}

impl LargeScaleMode {
    /// When the episode began.
    pub fn since(&self) -> DateTime<Utc> {
        self.started_at.unwrap_or(self.declared_at)
    }
}

/// A declaration later replaced within the same episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub all_sectors: bool,
    pub sectors: Vec<String>,
    pub cause: Cause,
    pub reason: String,
    pub declared_by_name: String,
    pub declared_at: DateTime<Utc>,
}

/// One large-scale episode: the declaration (as last changed) and, once over, its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    /// 1 for the first episode on record, then in order.
    pub number: u32,
    pub mode: LargeScaleMode,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by_name: Option<String>,
    pub end_reason: Option<String>,
}

/// One line of an episode's record, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub what: TimelineItem,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineItem {
    /// The mode declared, or its declaration changed.
    Declared {
        sectors: Vec<String>,
        all_sectors: bool,
        cause: Cause,
        reason: String,
        by: String,
    },
    /// A case of the declared sectors the viewer may read (its newest readable copy in the
    /// episode).
    Report(Box<Visible<ListingRow>>),
    /// A provision to the declared sectors the viewer may read.
    Provision(ProvisionSummary),
    Ended {
        reason: String,
        by: String,
    },
}

/// An episode with what happened during it, as the viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub struct EpisodeRecord {
    pub episode: Episode,
    pub timeline: Vec<TimelineEntry>,
    /// More cases matched than one record holds.
    pub truncated: bool,
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
        // A declaration while the mode lasts changes the episode; it does not start a new one.
        let (started_at, earlier) = match self.large_scale().await? {
            Some(old) => {
                let since = old.since();
                let mut earlier = old.earlier;
                earlier.push(Revision {
                    all_sectors: old.all_sectors,
                    sectors: old.sectors,
                    cause: old.cause,
                    reason: old.reason,
                    declared_by_name: old.declared_by_name,
                    declared_at: old.declared_at,
                });
                (Some(since), earlier)
            }
            None => (None, Vec::new()),
        };
        let now = self.now();
        let mode = LargeScaleMode {
            all_sectors,
            sectors,
            cause,
            reason,
            declared_by: actor.person.id.clone(),
            declared_by_name: actor.record.display_name.clone(),
            declared_org: actor.org.id.clone(),
            declared_at: now,
            started_at: Some(started_at.unwrap_or(now)),
            earlier,
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
        let Some(mode) = self.large_scale().await? else {
            return Err(AppError::Conflict {
                message_ja: "大規模障害対応は宣言されていません。".into(),
                message_en: "The large-scale mode is not declared.".into(),
            });
        };
        let mut history = self.ended_episodes().await?;
        history.push(Episode {
            number: history.len() as u32 + 1,
            mode,
            ended_at: Some(self.now()),
            ended_by_name: Some(actor.record.display_name.clone()),
            end_reason: Some(reason.clone()),
        });
        let history =
            serde_json::to_string(&history).map_err(|e| AppError::Internal(e.to_string()))?;
        let audit = actor.audit(
            "large_scale.end",
            None,
            serde_json::json!({ "reason": reason }),
        );
        self.store
            .put_settings_audited(&[(SETTING, ""), (HISTORY, &history)], audit)
            .await?;
        self.announce_mode().await;
        Ok(())
    }

    async fn ended_episodes(&self) -> AppResult<Vec<Episode>> {
        match self.store.get_setting(HISTORY).await? {
            None => Ok(Vec::new()),
            Some(v) if v.is_empty() => Ok(Vec::new()),
            Some(v) => serde_json::from_str(&v)
                .map_err(|e| AppError::Internal(format!("stored large-scale history: {e}"))),
        }
    }

    /// Every episode on record, newest first (the one in force, if any, first of all).
    pub async fn large_scale_episodes(&self) -> AppResult<Vec<Episode>> {
        let mut all = self.ended_episodes().await?;
        if let Some(mode) = self.large_scale().await? {
            all.push(Episode {
                number: all.len() as u32 + 1,
                mode,
                ended_at: None,
                ended_by_name: None,
                end_reason: None,
            });
        }
        all.reverse();
        Ok(all)
    }

    /// The record of episode `number`: its declarations, every case of the declared sectors
    /// and every provision to them during the episode, and its end, in time order, each only
    /// as far as the policy lets the viewer read (a case through the listing, a provision
    /// through the audience keys). An unknown number is not found.
    pub async fn large_scale_record(&self, actor: &Actor, number: u32) -> AppResult<EpisodeRecord> {
        let episode = self
            .large_scale_episodes()
            .await?
            .into_iter()
            .find(|e| e.number == number)
            .ok_or(AppError::NotFound)?;
        let start = episode.mode.since();
        let end = episode.ended_at.unwrap_or_else(|| self.now());
        let in_window = |at: DateTime<Utc>| at >= start && at <= end;
        let in_sectors = |s: &str| episode.mode.sectors.iter().any(|d| d == s);
        let mut timeline = Vec::new();
        let mut declared = |at, sectors: &[String], all, cause, reason: &str, by: &str| {
            timeline.push(TimelineEntry {
                at,
                what: TimelineItem::Declared {
                    sectors: sectors.to_vec(),
                    all_sectors: all,
                    cause,
                    reason: reason.to_owned(),
                    by: by.to_owned(),
                },
            })
        };
        for r in &episode.mode.earlier {
            declared(
                r.declared_at,
                &r.sectors,
                r.all_sectors,
                r.cause,
                &r.reason,
                &r.declared_by_name,
            );
        }
        let m = &episode.mode;
        declared(
            m.declared_at,
            &m.sectors,
            m.all_sectors,
            m.cause,
            &m.reason,
            &m.declared_by_name,
        );
        let jst = |at: DateTime<Utc>| {
            at.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"))
                .format("%Y-%m-%d")
                .to_string()
        };
        let filter = crate::inbox::ListingFilter {
            from: Some(jst(start)),
            to: Some(jst(end)),
            ..Default::default()
        };
        let export = self
            .export_listing(actor, crate::inbox::Scope::All, &filter)
            .await?;
        for row in export.rows {
            let (at, sector) = {
                let r = row.get();
                (r.summary.created_at, r.summary.sector.clone())
            };
            if in_window(at) && in_sectors(&sector) {
                timeline.push(TimelineEntry {
                    at,
                    what: TimelineItem::Report(Box::new(row)),
                });
            }
        }
        for p in self.provisions(actor, crate::inbox::PAGE_MAX).await? {
            if let Some(at) = p.sent_at {
                if in_window(at) && p.sectors.iter().any(|s| in_sectors(s)) {
                    timeline.push(TimelineEntry {
                        at,
                        what: TimelineItem::Provision(p),
                    });
                }
            }
        }
        if let (Some(at), Some(by)) = (episode.ended_at, episode.ended_by_name.clone()) {
            timeline.push(TimelineEntry {
                at,
                what: TimelineItem::Ended {
                    reason: episode.end_reason.clone().unwrap_or_default(),
                    by,
                },
            });
        }
        timeline.sort_by_key(|e| e.at);
        Ok(EpisodeRecord {
            episode,
            timeline,
            truncated: export.truncated,
        })
    }

    /// Tells every connected client to look again (the banner); the event carries no content.
    async fn announce_mode(&self) {
        let orgs: Vec<OrgId> = match self.directory_records().await {
            Ok(o) => o.iter().map(|o| o.id.clone()).collect(),
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
