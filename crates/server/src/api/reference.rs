//! Reference data (not restricted): sectors, services and thresholds, taxonomy, TLP, importance.

use crate::auth::ApiAuth;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

/// The 15 CI sectors with sub-sectors, example operators and systems, services and SML thresholds.
#[utoipa::path(get, path = "/api/v1/reference/sectors", tag = "reference", responses((status = 200, description = "Sectors")))]
pub async fn sectors(State(s): State<AppState>, _a: ApiAuth) -> Json<Value> {
    Json(json!({ "version": s.app.reference.version(), "sectors": s.app.reference.sectors() }))
}

/// Event (8) and cause (17) taxonomy with stable codes and label variants.
#[utoipa::path(get, path = "/api/v1/reference/taxonomy", tag = "reference", responses((status = 200, description = "Taxonomy")))]
pub async fn taxonomy(State(s): State<AppState>, _a: ApiAuth) -> Json<Value> {
    Json(json!({ "events": s.app.reference.events(), "causes": s.app.reference.causes() }))
}

/// TLP levels with the handbook's definitions for liaison and for provision.
#[utoipa::path(get, path = "/api/v1/reference/tlp", tag = "reference", responses((status = 200, description = "TLP levels")))]
pub async fn tlp(State(s): State<AppState>, _a: ApiAuth) -> Json<Value> {
    Json(json!({ "levels": s.app.reference.tlp_levels() }))
}

/// Importance levels (警報 / 注意喚起 / 参考情報).
#[utoipa::path(get, path = "/api/v1/reference/importance", tag = "reference", responses((status = 200, description = "Importance levels")))]
pub async fn importance(State(s): State<AppState>, _a: ApiAuth) -> Json<Value> {
    Json(json!({ "levels": s.app.reference.importance_levels() }))
}

/// The glossary of 別紙５.
#[utoipa::path(get, path = "/api/v1/reference/glossary", tag = "reference", responses((status = 200, description = "Glossary")))]
pub async fn glossary(State(s): State<AppState>, _a: ApiAuth) -> Json<Value> {
    Json(json!({ "terms": s.app.reference.glossary() }))
}
