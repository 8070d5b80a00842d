//! 統計 — the yearly verification's counts and response times, k-anonymised by
//! [`kakehashi_domain::statistics`].
//!
//! Who: NISC (every sector) and the CI ministries (their own sectors); anyone else is refused
//! (403). Each reads only the cases the case listing gives them: the chains come from the
//! listing's one set-based query over the viewer's audience keys
//! ([`kakehashi_policy::viewer_keys`]), each row's copy is revealed by the policy, and nothing
//! else decides what is counted. The domain rule then makes every published number one that at
//! least k distinct reporting organisations stand behind. Every read is audited
//! (`statistics.read`): who, which period and sector, k and how many cases were counted.
//!
//! A case counts in the month (JST) of its first report; exercises (訓練) never count. Its event
//! type and main cause are those of the newest copy the viewer may read (the latest report's
//! classification). The legs of its response time are ② 判明 → the first report's sending →
//! NISC's receipt (numbering R<n>) → the first sent provision the viewer may read that cites
//! the case as a source.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::inbox::{ListingFilter, Scope, PAGE_MAX};
use crate::liaison::scope_of;
use crate::provision::SourceRef;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::statistics::{
    effective_k, tabulate, Key, Month, SectorKey, StatRow, Tabulation, K_DEFAULT,
};
use kakehashi_domain::{ChainId, OrgKind, Role};
use kakehashi_policy::reveal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The platform setting holding k.
pub const SETTING: &str = "statistics.k";
/// The largest k an administrator may set.
pub const K_MAX: u32 = 50;
/// The longest period, in months.
pub const PERIOD_MAX_MONTHS: u32 = 120;
/// The most cases one statistics read counts; beyond it the answer says `truncated`.
pub const CASES_MAX: usize = 50_000;

/// The period and sector asked for, as typed; each is checked, a bad one refused naming it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StatisticsFilter {
    /// First month, `YYYY-MM` (JST). Default: eleven months before `to`.
    pub from: Option<String>,
    /// Last month, `YYYY-MM`, inclusive. Default: the current month.
    pub to: Option<String>,
    /// One sector id; empty = every sector the viewer may read.
    pub sector: Option<String>,
}

/// The statistics of a period as the viewer may read them.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub from: Month,
    pub to: Month,
    pub sector: Option<String>,
    #[serde(flatten)]
    pub table: Tabulation,
    /// More cases matched than one read counts ([`CASES_MAX`]).
    pub truncated: bool,
}

/// The kinds of organisation that read statistics.
pub fn may_read_statistics(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Nisc | OrgKind::CiMinistry)
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

fn month(field: &'static str, v: &Option<String>) -> AppResult<Option<Month>> {
    given(v)
        .map(|s| {
            Month::parse(s).ok_or_else(|| {
                AppError::bad_field(
                    field,
                    "month_format",
                    format!("月「{s}」は YYYY-MM の形式で指定してください。"),
                    format!("Month '{s}' must be written YYYY-MM."),
                )
            })
        })
        .transpose()
}

/// The month `n` months before `m`.
fn months_before(m: Month, n: u32) -> Month {
    let index = m.year() as i64 * 12 + (m.month() as i64 - 1) - n as i64;
    Month::new(
        index.div_euclid(12) as i32,
        (index.rem_euclid(12) + 1) as u32,
    )
    .unwrap_or(m)
}

/// Minutes from `a` to `b`, when both are known and in order.
fn minutes(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<i64> {
    let (a, b) = (a?, b?);
    (b >= a).then(|| (b - a).num_minutes())
}

impl App {
    /// k as set by the platform administrator (default [`K_DEFAULT`], never below 2).
    pub async fn statistics_k(&self) -> AppResult<u32> {
        let stored = self.store.get_setting(SETTING).await?;
        Ok(effective_k(
            stored
                .as_deref()
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(K_DEFAULT),
        ))
    }

    /// Sets k (platform administrators only; 2 to [`K_MAX`]), audited.
    pub async fn set_statistics_k(&self, actor: &Actor, k: u32) -> AppResult<u32> {
        actor.require(Role::PlatformAdmin)?;
        if !(effective_k(0)..=K_MAX).contains(&k) {
            return Err(AppError::bad_field(
                "k",
                "range",
                format!("k は{}から{K_MAX}で指定してください。", effective_k(0)),
                format!("k must be {} to {K_MAX}.", effective_k(0)),
            ));
        }
        let before = self.statistics_k().await?;
        self.store
            .put_setting_audited(
                SETTING,
                &k.to_string(),
                actor.audit(
                    "statistics.k",
                    None,
                    serde_json::json!({ "from": before, "to": k }),
                ),
            )
            .await?;
        Ok(k)
    }

    /// The statistics of a period (see the module documentation). `format` names the output
    /// (`json`, `csv`, `web`) in the audit entry.
    pub async fn statistics(
        &self,
        actor: &Actor,
        filter: &StatisticsFilter,
        format: &str,
    ) -> AppResult<Statistics> {
        if !may_read_statistics(actor.org.kind) {
            return Err(AppError::forbidden(
                "統計はNISCと重要インフラ所管省庁が閲覧します。",
                "Statistics are for NISC and the CI ministries.",
            ));
        }
        let now = Month::of(self.now());
        let to = month("to", &filter.to)?.unwrap_or(now);
        let from = month("from", &filter.from)?.unwrap_or_else(|| months_before(to, 11));
        if to < from {
            return Err(AppError::bad_field(
                "to",
                "before_from",
                "終了月が開始月より前です。",
                "The last month is before the first month.",
            ));
        }
        if from.span(to) > PERIOD_MAX_MONTHS {
            return Err(AppError::bad_field(
                "from",
                "period_too_long",
                format!("期間は{PERIOD_MAX_MONTHS}か月以内で指定してください。"),
                format!("The period may be at most {PERIOD_MAX_MONTHS} months."),
            ));
        }
        let k = self.statistics_k().await?;
        // The chains: the listing of every case the viewer may read with a copy since the
        // period began (a case first reported in the period has all its copies since then).
        let listing = ListingFilter {
            sector: filter.sector.clone(),
            from: Some(format!("{:04}-{:02}-01", from.year(), from.month())),
            ..ListingFilter::default()
        };
        let mut q = self.listing_query(actor, Scope::All, &listing)?;
        q.limit = PAGE_MAX;
        let viewer = actor.viewer()?;
        let own_sectors: Option<Vec<&str>> = (actor.org.kind == OrgKind::CiMinistry)
            .then(|| actor.org.sectors.iter().map(|s| s.0.as_str()).collect());
        let mut cases: Vec<(
            kakehashi_policy::Visible<kakehashi_store::CopyRecord>,
            LiaisonForm,
        )> = Vec::new();
        let mut truncated = false;
        loop {
            let (records, full) = self.listing_page(&mut q).await?;
            for r in records {
                let c = r.copy;
                let scope = scope_of(&c)?;
                match reveal(&viewer, &scope, c) {
                    Ok(v) => {
                        let form: LiaisonForm =
                            serde_json::from_str(&v.get().form).map_err(|e| {
                                AppError::Internal(format!(
                                    "stored form of copy {}: {e}",
                                    v.get().id
                                ))
                            })?;
                        cases.push((v, form));
                    }
                    Err(denied) => tracing::error!(
                        reason = denied.reason().code(),
                        "statistics row refused by the policy although its audience keys matched"
                    ),
                }
            }
            if cases.len() > CASES_MAX {
                cases.truncate(CASES_MAX);
                truncated = true;
                break;
            }
            if !full {
                break;
            }
        }
        let first_provision = if cases.is_empty() {
            HashMap::new()
        } else {
            self.first_provisions(actor).await?
        };
        let mut rows: Vec<StatRow> = Vec::with_capacity(cases.len());
        for (copy, form) in &cases {
            let copy = copy.get();
            let chain = self.store.chain(&copy.chain).await?;
            let m = Month::of(chain.created_at);
            if chain.exercise || m < from || m > to {
                continue;
            }
            if let Some(own) = &own_sectors {
                if !own.contains(&chain.sector.as_str()) {
                    continue;
                }
            }
            let reports = self.store.reports_of_chain(&chain.id).await?;
            let first = reports.iter().min_by_key(|r| r.report_no);
            let sent = first.map(|r| r.created_at);
            let received = first.and_then(|r| r.numbered_at);
            rows.push(StatRow {
                sector: chain.sector.clone(),
                month: m,
                event: form.event.clone().filter(|e| !e.is_empty()),
                cause: form.causes.iter().find(|c| !c.is_empty()).cloned(),
                org: chain.origin_org.0.clone(),
                legs: [
                    minutes(form.summary.discovered_at, sent),
                    minutes(sent, received),
                    minutes(received, first_provision.get(&chain.id).copied()),
                ],
            });
        }
        let mut table = tabulate(&rows, &from.through(to), k);
        self.in_reference_order(&mut table);
        let sector = given(&filter.sector).map(str::to_owned);
        self.store
            .append_audit(vec![actor.audit(
                "statistics.read",
                None,
                serde_json::json!({
                    "format": format,
                    "from": from.to_string(),
                    "to": to.to_string(),
                    "sector": sector,
                    "k": k,
                    "cases": rows.len(),
                    "truncated": truncated,
                }),
            )])
            .await?;
        Ok(Statistics {
            from,
            to,
            sector,
            table,
            truncated,
        })
    }

    /// Sectors, event types and causes in the order of the reference data (別紙１, 別紙３);
    /// 未分類 and その他 last.
    fn in_reference_order(&self, table: &mut Tabulation) {
        let r = self.reference;
        let place = |list: Vec<&str>, k: &Key| match k {
            Key::Code(c) => list.iter().position(|x| x == c).unwrap_or(list.len()),
            Key::Unclassified => usize::MAX - 1,
            Key::Other => usize::MAX,
        };
        let sectors: Vec<&str> = r.sectors().iter().map(|s| s.id.as_str()).collect();
        table.sectors.sort_by_key(|s| match &s.sector {
            SectorKey::Sector(id) => sectors
                .iter()
                .position(|x| x == id)
                .unwrap_or(sectors.len()),
            SectorKey::Other => usize::MAX,
        });
        for s in &mut table.sectors {
            s.events.sort_by_key(|c| {
                place(r.events().iter().map(|e| e.code.as_str()).collect(), &c.key)
            });
            s.causes.sort_by_key(|c| {
                place(r.causes().iter().map(|e| e.code.as_str()).collect(), &c.key)
            });
        }
    }

    /// For each liaison chain, when the first sent provision the actor may read that cites it
    /// was sent (the provisions come from the audience-keyed provision listing).
    async fn first_provisions(&self, actor: &Actor) -> AppResult<HashMap<ChainId, DateTime<Utc>>> {
        let keys: Vec<String> =
            kakehashi_policy::viewer_keys(&actor.viewer()?, &self.all_sectors())
                .into_iter()
                .map(|k| k.into_string())
                .collect();
        let mut out: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        for p in self.store.list_provisions(&keys, CASES_MAX as u32).await? {
            let Some(sent) = p.sent_at else { continue };
            let record = self.store.provision(&p.id).await?;
            let sources: Vec<SourceRef> = serde_json::from_str(&record.sources).unwrap_or_default();
            for s in sources.into_iter().filter(|s| s.kind == "chain") {
                let at = out.entry(s.id).or_insert(sent);
                if sent < *at {
                    *at = sent;
                }
            }
        }
        Ok(out.into_iter().map(|(id, at)| (ChainId(id), at)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_checked_and_counted_back() {
        assert!(matches!(
            month("from", &Some("2026-4".into())),
            Err(AppError::BadField {
                field: "from",
                rule: "month_format",
                ..
            })
        ));
        assert_eq!(month("to", &Some(String::new())).expect("empty"), None);
        let m = Month::new(2026, 3).expect("month");
        assert_eq!(months_before(m, 11).to_string(), "2025-04");
        assert_eq!(months_before(m, 2).to_string(), "2026-01");
        assert_eq!(months_before(m, 0), m);
    }

    #[test]
    fn only_nisc_and_ministries_read_statistics() {
        assert!(may_read_statistics(OrgKind::Nisc));
        assert!(may_read_statistics(OrgKind::CiMinistry));
        assert!(!may_read_statistics(OrgKind::Ceptoar));
        assert!(!may_read_statistics(OrgKind::Operator));
    }
}
