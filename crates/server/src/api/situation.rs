//! 状況把握 over HTTP: the live cross-sector picture as JSON (`kakehashi_app::situation`,
//! rules in `kakehashi_domain::situation`) and the sector dependency graph NISC sets.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use kakehashi_domain::situation::Edge;
use serde::Deserialize;
use serde_json::{json, Value};

/// The situation picture for the caller: every sector (reference order) with its open cases
/// read in detail by importance, breaches, the k-masked count of open cases outside the caller's
/// scope (`outside`: `{"kind":"count","count":n}` or `{"kind":"below_k"}`, shown as
/// `outside_shown`, e.g. `<3`), whether it is a `source` and whether it is `at_risk` (and from
/// which sectors); the open cases read in detail (sector, service, importance, ⑧ state, age since
/// 判明, ⑥ breach); tallies by service, state and age; the latest entries; the dependency graph
/// in force. A picture holding a restricted copy is audited.
#[utoipa::path(get, path = "/api/v1/situation", tag = "situation", security(("token" = ["read"])),
    responses((status = 200, description = "`generated_at`, `k`, `sectors`, `chains`, `by_service`, `by_state`, `by_age`, `timeline`, `dependencies`, `truncated`"),
        (status = 403, description = "The caller's organisation is not NISC, the crisis-management office, a CI ministry, a CEPTOAR or an operator")))]
pub async fn read(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let st = s.app.situation(&a.actor, "json").await?;
    Ok(Json(json!(st)))
}

/// The sector dependency graph in force.
#[utoipa::path(get, path = "/api/v1/situation/dependencies", tag = "situation", security(("token" = ["read"])),
    responses((status = 200, description = "`edges` (each `sector` depends on `depends_on`), `default` (no graph set: the seed's default, every sector on electric power and information and communications), `seed_lines`"),
        (status = 403, description = "The caller's organisation does not see the situation picture")))]
pub async fn dependencies(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    if !kakehashi_app::situation::may_see_situation(a.actor.org.kind) {
        return Err(kakehashi_app::AppError::forbidden(
            "状況把握を閲覧できない組織です。",
            "Your organisation does not see the situation picture.",
        )
        .into());
    }
    Ok(Json(json!(s.app.situation_dependencies().await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DependenciesBody {
    /// The whole graph (replaces the one in force); `null` restores the default. Sector codes
    /// of `GET /api/v1/reference/sectors`; no sector depends on itself; no edge twice; at most
    /// 400 edges.
    pub edges: Option<Vec<Edge>>,
}

/// Set the sector dependency graph (NISC's approvers). Audited.
#[utoipa::path(put, path = "/api/v1/situation/dependencies", tag = "situation", request_body = DependenciesBody, security(("token" = ["write"])),
    responses((status = 200, description = "The graph in force"),
        (status = 403, description = "Not an approver of NISC"),
        (status = 422, description = "An unknown sector (`edges.sector`, `edges.depends_on`), a self-edge, a duplicate or too many edges (`edges`)")))]
pub async fn set_dependencies(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<DependenciesBody>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let d = s
        .app
        .set_situation_dependencies(&a.actor, body.edges)
        .await?;
    Ok(Json(json!(d)))
}
