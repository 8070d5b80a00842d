//! 統計 over HTTP: the yearly verification's counts and response times, k-anonymised
//! (`kakehashi_app::statistics`, rule in `kakehashi_domain::statistics`), as JSON or CSV.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use kakehashi_app::statistics::StatisticsFilter;
use serde::Deserialize;
use serde_json::{json, Value};

/// The period and sector. An empty value is the same as leaving it out.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct StatisticsParams {
    /// First month (JST), `YYYY-MM`; default eleven months before `to`.
    pub from: Option<String>,
    /// Last month (JST), `YYYY-MM`, inclusive, not before `from`, at most 120 months after it;
    /// default the current month.
    pub to: Option<String>,
    /// One sector code (`GET /api/v1/reference/sectors`); default every sector the caller may
    /// read.
    pub sector: Option<String>,
}

impl From<StatisticsParams> for StatisticsFilter {
    fn from(p: StatisticsParams) -> Self {
        StatisticsFilter {
            from: p.from,
            to: p.to,
            sector: p.sector,
        }
    }
}

/// Counts of cases by sector × month, event type and main cause, and response times (median
/// and 90th percentile in minutes: 判明 → first report → NISC receipt → first provision citing
/// the case), over the cases the caller may read: NISC every sector, a CI ministry its own.
/// Every published number stands for at least `k` distinct reporting organisations: smaller
/// cells are merged into `other` rows or withheld (`suppressed` counts withheld sector-months,
/// `merged` the month-level cells merged into an `other` row). Each read is audited.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", params(StatisticsParams), security(("token" = ["read"])),
    responses((status = 200, description = "`k`, `from`, `to`, `months`, `sectors` (each with `total`, `by_month`, `events`, `causes`, `times`), `times`, `suppressed`, `merged`, `truncated`"),
        (status = 403, description = "The caller is neither NISC nor a CI ministry"),
        (status = 422, description = "A month is not `YYYY-MM`, the period is reversed or too long, or the sector is unknown")))]
pub async fn read(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<StatisticsParams>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let stats = s.app.statistics(&a.actor, &p.into(), "json").await?;
    Ok(Json(json!(stats)))
}

/// The same statistics as CSV (UTF-8 with BOM, names not codes): one line per published
/// number. Column names in Japanese, or English with `lang=en`.
#[utoipa::path(get, path = "/api/v1/statistics.csv", tag = "statistics", security(("token" = ["read"])),
    params(StatisticsParams, ("lang" = Option<String>, Query, description = "`en`: English names; anything else: Japanese")),
    responses((status = 200, description = "The CSV file (UTF-8 with BOM)", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 403, description = "The caller is neither NISC nor a CI ministry"),
        (status = 422, description = "A month is not `YYYY-MM`, the period is reversed or too long, or the sector is unknown")))]
pub async fn csv(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    ApiQuery(p): ApiQuery<StatisticsParams>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let stats = s.app.statistics(&a.actor, &p.into(), "csv").await?;
    Ok(crate::csv::statistics_response(&s.app, lang, &stats))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct KBody {
    /// Distinct reporting organisations a published number needs (2–50).
    pub k: u32,
}

/// Set `k` (platform administrators). Audited.
#[utoipa::path(put, path = "/api/v1/statistics/settings", tag = "statistics", request_body = KBody, security(("token" = ["admin"])),
    responses((status = 200, description = "`k` in force"), (status = 403, description = "Not a platform administrator"),
        (status = 422, description = "k is outside 2–50")))]
pub async fn set_k(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<KBody>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    let k = s.app.set_statistics_k(&a.actor, body.k).await?;
    Ok(Json(json!({ "k": k })))
}
