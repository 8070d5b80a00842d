//! 別紙・検体 over HTTP: upload as the raw body, list, download. Every read goes through the
//! owner's read gate in `kakehashi_app::attachments`.

use crate::attach::{download_response, read_limited, too_large_problem, ReadError};
use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiQuery;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kakehashi_app::attachments::{AttachmentView, Owner, Upload};
use kakehashi_app::AppError;
use kakehashi_domain::attachment::AttachmentKind;
use kakehashi_domain::CopyId;
use serde::Deserialize;
use serde_json::json;

/// The query of an upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file name (its last path component is kept; required).
    pub filename: Option<String>,
    /// `material` (別紙, the default) or `specimen` (検体: a password-protected ZIP archive,
    /// every entry encrypted; the password is never sent here).
    pub kind: Option<AttachmentKind>,
}

/// The listing of an owner's attachments.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentList {
    pub items: Vec<AttachmentView>,
}

async fn upload(
    s: &AppState,
    a: &crate::auth::Authed,
    owner: Owner,
    p: UploadParams,
    body: Body,
) -> Result<Response, ApiError> {
    a.require_scope("write")?;
    let limit = s.app.attachment_limit();
    let mut bytes = Vec::new();
    match read_limited(body.into_data_stream(), limit, &mut bytes).await {
        Ok(()) => {}
        Err(ReadError::TooLarge) => return Ok(too_large_problem(limit)),
        Err(ReadError::Broken) => {
            return Err(AppError::bad_field(
                "file",
                "incomplete",
                "ファイルを最後まで受け取れませんでした。",
                "The file did not arrive complete.",
            )
            .into())
        }
    }
    let upload = Upload {
        filename: p.filename.unwrap_or_default(),
        kind: p.kind.unwrap_or(AttachmentKind::Material),
        bytes,
    };
    let view = s.app.attach(&a.actor, &owner, upload).await?;
    Ok((StatusCode::CREATED, Json(json!(view))).into_response())
}

/// Attach a file to a liaison hop copy (別紙, or a 検体 as a password-protected ZIP archive).
/// The body is the file itself; its type is sniffed from the bytes. Only a reporter or approver
/// of the organisation that sent the hop attaches; the file has the hop's TLP and audience.
#[utoipa::path(post, path = "/api/v1/copies/{id}/attachments", tag = "attachments", params(("id" = String, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    security(("token" = ["write"])),
    responses((status = 201, description = "Attached", body = AttachmentView),
        (status = 403, description = "The caller reads the copy but is no reporter or approver of the organisation that sent it"),
        (status = 404, description = "Not found or not readable"),
        (status = 413, description = "Over the attachment size limit (rule `attachment_size`); nothing stored"),
        (status = 422, description = "No or a bad file name, an empty file, or a specimen that is not a ZIP archive with every entry encrypted (`errors` names the rule)")))]
pub async fn upload_to_copy(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<UploadParams>,
    body: Body,
) -> Result<Response, ApiError> {
    upload(&s, &a, Owner::Copy(CopyId(id)), p, body).await
}

/// Attach a file to a provision (NISC staff with the approver role).
#[utoipa::path(post, path = "/api/v1/provisions/{id}/attachments", tag = "attachments", params(("id" = String, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    security(("token" = ["write"])),
    responses((status = 201, description = "Attached", body = AttachmentView),
        (status = 403, description = "The caller reads the provision but is not NISC staff with the approver role"),
        (status = 404, description = "Not found or not readable"),
        (status = 413, description = "Over the attachment size limit (rule `attachment_size`); nothing stored"),
        (status = 422, description = "No or a bad file name, an empty file, or a specimen that is not a ZIP archive with every entry encrypted (`errors` names the rule)")))]
pub async fn upload_to_provision(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<UploadParams>,
    body: Body,
) -> Result<Response, ApiError> {
    upload(&s, &a, Owner::Provision(id), p, body).await
}

/// The attachments of a copy the caller may read.
#[utoipa::path(get, path = "/api/v1/copies/{id}/attachments", tag = "attachments", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The copy's attachments, oldest first", body = AttachmentList),
        (status = 404, description = "Not found or not readable")))]
pub async fn list_of_copy(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    a.require_scope("read")?;
    let items = s
        .app
        .attachments(&a.actor, &Owner::Copy(CopyId(id)))
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// The attachments of a provision the caller may read.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/attachments", tag = "attachments", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The provision's attachments, oldest first", body = AttachmentList),
        (status = 404, description = "Not found or not readable")))]
pub async fn list_of_provision(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    a.require_scope("read")?;
    let items = s.app.attachments(&a.actor, &Owner::Provision(id)).await?;
    Ok(Json(json!({ "items": items })))
}

/// Download one attachment of a copy: `Content-Disposition: attachment`, a safe content type,
/// `Repr-Digest` with the SHA-256. Downloads of RED/AMBER copies' files are audited.
#[utoipa::path(get, path = "/api/v1/copies/{id}/attachments/{attachment}", tag = "attachments",
    params(("id" = String, Path), ("attachment" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The file", content(
            (Vec<u8> = "application/octet-stream"), (Vec<u8> = "application/pdf"), (Vec<u8> = "application/zip"),
            (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/gif"), (Vec<u8> = "image/webp"),
            (String = "text/plain"), (Vec<u8> = "message/rfc822")),
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"),
                ("Repr-Digest" = String, description = "`sha-256=:…:` of the file"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn download_of_copy(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let d = s
        .app
        .open_attachment(&a.actor, &Owner::Copy(CopyId(id)), &attachment)
        .await?;
    Ok(download_response(s.app.clone(), d))
}

/// Download one attachment of a provision (as for a copy).
#[utoipa::path(get, path = "/api/v1/provisions/{id}/attachments/{attachment}", tag = "attachments",
    params(("id" = String, Path), ("attachment" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The file", content(
            (Vec<u8> = "application/octet-stream"), (Vec<u8> = "application/pdf"), (Vec<u8> = "application/zip"),
            (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/gif"), (Vec<u8> = "image/webp"),
            (String = "text/plain"), (Vec<u8> = "message/rfc822")),
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"),
                ("Repr-Digest" = String, description = "`sha-256=:…:` of the file"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn download_of_provision(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let d = s
        .app
        .open_attachment(&a.actor, &Owner::Provision(id), &attachment)
        .await?;
    Ok(download_response(s.app.clone(), d))
}
