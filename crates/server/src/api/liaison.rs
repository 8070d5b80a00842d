//! 情報連絡 over JSON. Every read goes through the app's policy-checked read paths.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::liaison::{FileRequest, ForwardRequest, RouteQuery};
use kakehashi_domain::{ChainId, CopyId};
use serde::Deserialize;
use serde_json::{json, Value};

/// File a first report (第1報). Routed by the rules: statutory → ministry; non-statutory → CEPTOAR
/// (anonymising) or ministry; urgent → also NISC at once. `consultation` names the consultation
/// (相談) the report follows: it is linked to the case and closed.
#[utoipa::path(post, path = "/api/v1/liaisons", tag = "liaison", request_body = FileRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Filed: the case, its copies and who received what"),
        (status = 403, description = "The caller's role or organisation does not file liaisons"),
        (status = 422, description = "Invalid form or route, or a `consultation` the caller's organisation did not open or already filed from; `errors` names each field and rule")))]
pub async fn file(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(req): ApiJson<FileRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let filed = s.app.file_liaison(&a.actor, req).await?;
    Ok((StatusCode::CREATED, Json(json!(filed))))
}

/// Where a filing would go, without filing it: each recipient organisation by name, the TLP its
/// copy is kept under and what it receives (e.g. the CEPTOAR anonymises before the ministry sees
/// it; the urgent copy goes to NISC). `kind` is `first` (with `sector`), `follow_up` (with
/// `chain`) or `forward` (with `copy`); the route choices are those of the filing request
/// (`statutory`, `via_ceptoar`, `urgent`, `anonymise`, `added_recipients`), plus `tlp` and
/// `importance`. Planned by the same function the filing endpoints route with. A case or copy the
/// caller may not follow up or forward is not found.
#[utoipa::path(post, path = "/api/v1/liaisons/route-preview", tag = "liaison", request_body = RouteQuery, security(("token" = ["read"])),
    responses((status = 200, description = "Planned recipients"),
        (status = 403, description = "The caller's organisation does not file or forward this"),
        (status = 404, description = "Case or copy not found or not readable (or not given for a follow-up or forward)"),
        (status = 422, description = "The route cannot be taken; `errors` names the field and rule")))]
pub async fn route_preview(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(q): ApiJson<RouteQuery>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.plan_route(&a.actor, &q).await?)))
}

/// A chain with the reports and the copies the caller may read.
#[utoipa::path(get, path = "/api/v1/chains/{id}", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Chain"), (status = 404, description = "Not found or not readable")))]
pub async fn chain(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.view_chain(&a.actor, &ChainId(id)).await?)))
}

/// File a follow-up (続報) on a chain: the only way to correct or extend it.
#[utoipa::path(post, path = "/api/v1/chains/{id}/follow-ups", tag = "liaison", params(("id" = String, Path)), request_body = FileRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Filed"),
        (status = 403, description = "The caller's role or organisation does not file liaisons"),
        (status = 404, description = "No case the caller's organisation took part in"),
        (status = 422, description = "Invalid form or route")))]
pub async fn follow_up(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FileRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let filed = s.app.follow_up(&a.actor, &ChainId(id), req).await?;
    Ok((StatusCode::CREATED, Json(json!(filed))))
}

/// One hop's copy, if the caller may read it.
#[utoipa::path(get, path = "/api/v1/copies/{id}", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Copy"), (status = 404, description = "Not found or not readable")))]
pub async fn copy(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.view_copy(&a.actor, &CopyId(id)).await?)))
}

/// Send a received copy on (CEPTOAR → ministry, ministry → NISC).
#[utoipa::path(post, path = "/api/v1/copies/{id}/forward", tag = "liaison", params(("id" = String, Path)), request_body = ForwardRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Forwarded"), (status = 403, description = "Reads the copy but is not an approver of its addressee, or the copy goes no further"), (status = 404, description = "Not found or not readable"), (status = 422, description = "Invalid form, TLP or route")))]
pub async fn forward(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ForwardRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let filed = s.app.forward(&a.actor, &CopyId(id), req).await?;
    Ok((StatusCode::CREATED, Json(json!(filed))))
}

/// What the CEPTOAR's anonymisation would mask, field by field: `maskings` (what identifies the
/// reporter, replaced by labels) and `kept` (indicators that are not the reporter's, left for
/// the other operators; pass a kept `value` back as `mask` to mask it too). Repeat `mask` for
/// extra terms, as in the forward request.
#[utoipa::path(get, path = "/api/v1/copies/{id}/anonymise-preview", tag = "liaison",
    params(("id" = String, Path), ("mask" = Option<Vec<String>>, Query, description = "Extra terms to mask (repeatable)")), security(("token" = ["read"])),
    responses((status = 200, description = "Masked form, maskings and kept indicators"), (status = 403, description = "Reads the copy but may not forward it"), (status = 404, description = "Not found or not readable"), (status = 422, description = "An extra term breaks its rule")))]
pub async fn anonymise_preview(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let mask: Vec<String> = q
        .into_iter()
        .filter(|(k, _)| k == "mask")
        .map(|(_, v)| v)
        .collect();
    let p = s
        .app
        .anonymise_preview(&a.actor, &CopyId(id), &mask)
        .await?
        .into_inner();
    Ok(Json(
        json!({ "form": p.form, "maskings": p.maskings, "kept": p.kept }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Share {
    /// The partner organisation's id.
    pub org: String,
}

/// ※１: NISC shares a copy it received with the crisis-management office or a pre-arranged agency.
#[utoipa::path(post, path = "/api/v1/copies/{id}/share", tag = "liaison", params(("id" = String, Path)), request_body = Share, security(("token" = ["write"])),
    responses((status = 201, description = "Shared"), (status = 403, description = "Not NISC's approver"), (status = 404, description = "Not found or not readable"), (status = 422, description = "Not a partner")))]
pub async fn share(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Share>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let filed = s
        .app
        .share_with_partner(&a.actor, &CopyId(id), &kakehashi_domain::OrgId(body.org))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(filed))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ForwardConsentAsk {
    /// The looser TLP the holder wants to forward the copy under.
    pub tlp: String,
    #[serde(default)]
    pub note: String,
}

/// Ask the sender of a received copy to consent to forwarding it under a looser TLP.
#[utoipa::path(post, path = "/api/v1/copies/{id}/consents", tag = "liaison", params(("id" = String, Path)), request_body = ForwardConsentAsk, security(("token" = ["write"])),
    responses((status = 201, description = "Requested"), (status = 403, description = "Reads the copy but may not forward it"), (status = 404, description = "Not found or not readable"), (status = 422, description = "Unknown TLP, or not looser than the copy's")))]
pub async fn ask_forward_consent(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ForwardConsentAsk>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let rec = s
        .app
        .request_forward_consent(&a.actor, &CopyId(id), &body.tlp, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(rec))))
}

/// The consent requests about a copy (for readers of the copy).
#[utoipa::path(get, path = "/api/v1/copies/{id}/consents", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Requests, oldest first"), (status = 404, description = "Not found or not readable")))]
pub async fn forward_consents(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let list = s.app.forward_consents(&a.actor, &CopyId(id)).await?;
    Ok(Json(json!({ "items": list })))
}

/// Share a copy the caller's organisation received sideways or downwards (別紙４－１): a CEPTOAR
/// to its member operators (N4, anonymised) or to the CEPTOAR Council (N23, anonymised), a
/// ministry to a CEPTOAR of the report's sector (N6), the council to CEPTOARs (N23), a
/// cybersecurity agency onward (N25, anonymised, only after the reporter approved a consent
/// request, `POST /api/v1/copies/{id}/consents`). One new copy per recipient; `tlp` defaults to
/// the copy's, is never RED and never looser than the copy's unless its sender consented.
#[utoipa::path(post, path = "/api/v1/copies/{id}/shares", tag = "liaison", params(("id" = String, Path)), request_body = kakehashi_app::liaison::share::ShareRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Shared: the new copies and who received them"),
        (status = 403, description = "Reads the copy but is not an approver of its addressee"),
        (status = 404, description = "Not found or not readable"),
        (status = 422, description = "No such edge to a recipient, not a member or not the sector's CEPTOAR, RED or too loose a TLP, or no reporter consent; `errors` names the field and rule")))]
pub async fn share_sideways(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<kakehashi_app::liaison::share::ShareRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let filed = s.app.share_copy(&a.actor, &CopyId(id), req).await?;
    Ok((StatusCode::CREATED, Json(json!(filed))))
}

/// The organisations the caller may share this copy with, each with the edge (`edge`:
/// `ceptoar_to_members`, `ministry_to_ceptoar`, `ceptoar_to_council`, `council_to_ceptoar`,
/// `agency_onward`).
#[utoipa::path(get, path = "/api/v1/copies/{id}/share-targets", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Possible recipients"),
        (status = 403, description = "Reads the copy but is not an approver of its addressee"),
        (status = 404, description = "Not found or not readable")))]
pub async fn share_targets(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let list = s.app.share_targets(&a.actor, &CopyId(id)).await?;
    Ok(Json(json!({ "items": list })))
}
