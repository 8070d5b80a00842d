//! 情報提供 over JSON: NISC drafts from sources, checks, asks consent, sends; ministries and
//! CEPTOARs relay; recipients read and acknowledge; NISC sees the receipt table.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::provision::{DraftRequest, NewSourceItem, SourceRef};
use kakehashi_app::AppError;
use serde::Deserialize;
use serde_json::{json, Value};

/// Record an external source item (NISC).
#[utoipa::path(post, path = "/api/v1/source-items", tag = "provision", request_body = NewSourceItem, security(("token" = ["write"])),
    responses((status = 201, description = "Recorded"), (status = 403, description = "Not NISC staff with the approver role"),
        (status = 422, description = "A field breaks its rule")))]
pub async fn create_source_item(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewSourceItem>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.record_source_item(&a.actor, body).await?)),
    ))
}

/// Source items NISC recorded.
#[utoipa::path(get, path = "/api/v1/source-items", tag = "provision", security(("token" = ["read"])),
    responses((status = 200, description = "Items"), (status = 403, description = "Not NISC staff with the approver role")))]
pub async fn source_items(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.source_items(&a.actor).await? }),
    ))
}

/// Create a draft provision (NISC).
#[utoipa::path(post, path = "/api/v1/provisions", tag = "provision", request_body = DraftRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Draft saved"), (status = 403, description = "Not NISC staff with the approver role"),
        (status = 404, description = "`follow_up_of` names no provision the caller reads"),
        (status = 409, description = "A stored source cannot be read (corrupt)"),
        (status = 422, description = "A field, source or recipient breaks its rule")))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<DraftRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(
            s.app.save_provision_draft(&a.actor, None, body).await?
        )),
    ))
}

/// Update a draft (refused once sent).
#[utoipa::path(put, path = "/api/v1/provisions/{id}", tag = "provision", params(("id" = String, Path)), request_body = DraftRequest, security(("token" = ["write"])),
    responses((status = 200, description = "Draft saved"), (status = 403, description = "Readable, but not for the caller to act on"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "Already sent, or a stored source cannot be read (corrupt)"),
        (status = 422, description = "A field, source or recipient breaks its rule")))]
pub async fn update(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DraftRequest>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(
        s.app
            .save_provision_draft(&a.actor, Some(&id), body)
            .await?
    )))
}

/// Sent provisions the caller may read.
#[utoipa::path(get, path = "/api/v1/provisions", tag = "provision", security(("token" = ["read"])), responses((status = 200, description = "Provisions")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.provisions(&a.actor, 100).await? }),
    ))
}

/// One provision as the caller may read it: the sent form and the caller's receipt; the `hub`
/// part (sources, sanitisation decisions) for NISC staff only. A recipient's first view marks
/// it read.
#[utoipa::path(get, path = "/api/v1/provisions/{id}", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Provision"), (status = 404, description = "Not found or not readable"),
        (status = 409, description = "NISC staff: the stored sources or resolutions cannot be read (corrupt)")))]
pub async fn get(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.view_provision(&a.actor, &id).await?)))
}

/// What still blocks sending a draft (scope, TLP, consent) and what identifies a source: NISC
/// staff only.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/check", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Blockers and findings"), (status = 403, description = "Readable, but the check is NISC staff's"), (status = 404, description = "Not found or not readable"),
        (status = 409, description = "A stored source, identifier list or resolution cannot be read (corrupt)")))]
pub async fn check(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let check = s.app.provision_check(&a.actor, &id).await?.into_inner();
    let blockers: Vec<Value> = check
        .blockers
        .into_iter()
        .map(|b| json!({ "message_ja": b.message_ja, "message_en": b.message_en }))
        .collect();
    let findings: Vec<Value> = check
        .findings
        .into_iter()
        .map(|f| json!({ "key": f.key(), "field": f.field, "row": f.row, "source": f.source_label, "matched": f.matched }))
        .collect();
    Ok(Json(json!({ "blockers": blockers, "findings": findings })))
}

/// Send a draft: numbered T<n> / T<n>-<k> and delivered.
#[utoipa::path(post, path = "/api/v1/provisions/{id}/send", tag = "provision", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 200, description = "Sent; `ident` is the T-number"), (status = 403, description = "Readable, but not for the caller to act on"), (status = 404, description = "Not found or not readable"),
        (status = 409, description = "Already sent, or a stored source cannot be read (corrupt)"), (status = 422, description = "Blocked: what still blocks sending")))]
pub async fn send(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "ident": s.app.send_provision(&a.actor, &id).await? }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Relay {
    /// Organisation ids; omitted = every eligible recipient.
    pub recipients: Option<Vec<String>>,
}

/// Relay a received provision (ministry → CEPTOARs, CEPTOAR → member operators).
#[utoipa::path(post, path = "/api/v1/provisions/{id}/relay", tag = "provision", params(("id" = String, Path)), request_body = Relay, security(("token" = ["write"])),
    responses((status = 200, description = "Relayed"), (status = 403, description = "Readable, but not for the caller to act on (not an approver of a receiving organisation, or TLP:RED)"), (status = 404, description = "Not found or not readable"),
        (status = 422, description = "A recipient is not eligible")))]
pub async fn relay(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Relay>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "recipients": s.app.relay_provision(&a.actor, &id, body.recipients).await? }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Ack {
    #[serde(default)]
    pub note: String,
}

/// Acknowledge receipt, with an optional response note.
#[utoipa::path(post, path = "/api/v1/provisions/{id}/ack", tag = "provision", params(("id" = String, Path)), request_body = Ack, security(("token" = ["write"])),
    responses((status = 204, description = "Acknowledged"), (status = 403, description = "Readable, but the caller's organisation is no recipient"), (status = 404, description = "Not found or not readable"),
        (status = 422, description = "The note breaks its rule")))]
pub async fn ack(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Ack>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app
        .acknowledge_provision(&a.actor, &id, &body.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// NISC's receipt table: delivered / read / acknowledged per recipient organisation.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/receipts", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Receipts"), (status = 403, description = "Readable, but not for the caller to act on"), (status = 404, description = "Not found or not readable")))]
pub async fn receipts(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.provision_receipts(&a.actor, &id).await? }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ConsentAsk {
    pub source: SourceRefBody,
    #[serde(default)]
    pub sectors: Vec<String>,
    pub tlp: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SourceRefBody {
    pub kind: String,
    pub id: String,
}

/// Ask a source's sender to widen the scope it allowed.
#[utoipa::path(post, path = "/api/v1/provisions/{id}/consents", tag = "provision", params(("id" = String, Path)), request_body = ConsentAsk, security(("token" = ["write"])),
    responses((status = 201, description = "Requested"), (status = 403, description = "Readable, but not for the caller to act on"), (status = 404, description = "Not found or not readable"),
        (status = 409, description = "The stored source cannot be read (corrupt)"), (status = 422, description = "Unknown source, a source without a sender, or a field breaking its rule")))]
pub async fn ask_consent(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConsentAsk>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let src = SourceRef {
        kind: body.source.kind,
        id: body.source.id,
    };
    Ok((
        StatusCode::CREATED,
        Json(json!(
            s.app
                .request_consent(&a.actor, &id, &src, body.sectors, body.tlp)
                .await?
        )),
    ))
}

/// Consent requests addressed to the caller's organisation.
#[utoipa::path(get, path = "/api/v1/consents", tag = "provision", security(("token" = ["read"])), responses((status = 200, description = "Requests")))]
pub async fn my_consents(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.my_consent_requests(&a.actor).await? }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// Approve or refuse a consent request (the source's sender).
#[utoipa::path(post, path = "/api/v1/consents/{id}/decision", tag = "provision", params(("id" = String, Path)), request_body = Decision, security(("token" = ["write"])),
    responses((status = 204, description = "Decided"), (status = 403, description = "Not an approver"), (status = 404, description = "No request addressed to the caller's organisation"),
        (status = 409, description = "Already decided"), (status = 422, description = "The note breaks its rule")))]
pub async fn decide(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    let c = s
        .app
        .my_consent_requests(&a.actor)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    s.app
        .decide_consent(&a.actor, &c, body.approve, &body.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Message {
    pub body: String,
}

/// Open an inquiry with NISC (ministries inside the provision's scope only).
#[utoipa::path(post, path = "/api/v1/provisions/{id}/inquiries", tag = "provision", params(("id" = String, Path)), request_body = Message, security(("token" = ["write"])),
    responses((status = 201, description = "Opened"), (status = 403, description = "Readable, but the caller is no CI ministry inside the scope"), (status = 404, description = "Not found or not readable"),
        (status = 422, description = "The message breaks its rule")))]
pub async fn open_inquiry(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Message>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.open_inquiry(&a.actor, &id, &body.body).await?)),
    ))
}

/// The inquiry threads on a provision the caller takes part in.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/inquiries", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Threads"), (status = 404, description = "Not found or not readable")))]
pub async fn inquiries(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let items: Vec<Value> = s
        .app
        .inquiries(&a.actor, &id)
        .await?
        .into_iter()
        .map(|(i, m)| json!({ "inquiry": i, "messages": m }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// Reply on an inquiry thread (NISC or the ministry that opened it).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/messages", tag = "provision", params(("id" = String, Path)), request_body = Message, security(("token" = ["write"])),
    responses((status = 201, description = "Posted"), (status = 404, description = "No thread the caller takes part in"), (status = 422, description = "The message breaks its rule")))]
pub async fn reply(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Message>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.reply_inquiry(&a.actor, &id, &body.body).await?)),
    ))
}
