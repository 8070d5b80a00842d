//! STIX 2.1 export of a chain or a provision: what the caller may read, as a bundle
//! (`application/stix+json;version=2.1`). Built by `kakehashi_app::stix` from the same read paths
//! as the JSON views; audited as an export when it holds TLP:AMBER or above.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use kakehashi_domain::stix::export::STIX_MEDIA_TYPE;
use kakehashi_domain::ChainId;
use serde_json::Value;

fn bundle_response(bundle: Value, name: &str) -> Response {
    let mut res = bundle.to_string().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(STIX_MEDIA_TYPE),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.stix.json\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The chain as a STIX 2.1 bundle: an `incident`, a `report` per copy the caller may read (its
/// own copy: anonymised where it holds only the anonymised hop), the senders' `identity`, the
/// `indicator`s the copies name, the TLP 2.0 marking definitions and the framework's extension
/// definition (importance, event type, causes, R-number, sector, service-level breach).
#[utoipa::path(get, path = "/api/v1/chains/{id}/stix", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "STIX 2.1 bundle", content_type = "application/stix+json;version=2.1", body = Object,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn chain(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let b = s.app.chain_stix(&a.actor, &ChainId(id.clone())).await?;
    Ok(bundle_response(b, &format!("chain-{id}")))
}

/// A sent provision as a STIX 2.1 bundle: a `report` by NISC, its `indicator`s, its
/// countermeasures as a `course-of-action`, the TLP 2.0 marking definition and the framework's
/// extension definition (importance, T-number, sectors).
#[utoipa::path(get, path = "/api/v1/provisions/{id}/stix", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "STIX 2.1 bundle", content_type = "application/stix+json;version=2.1", body = Object,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found, not readable, or not sent yet")))]
pub async fn provision(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let b = s.app.provision_stix(&a.actor, &id).await?;
    Ok(bundle_response(b, &format!("provision-{id}")))
}
