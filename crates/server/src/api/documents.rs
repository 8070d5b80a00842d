//! One form as a file: a copy's (図４) or a provision's (図７) form as JSON or CSV, through the
//! same read as `GET /api/v1/copies/{id}` and `GET /api/v1/provisions/{id}`.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use kakehashi_app::documents::DocFormat;
use kakehashi_domain::CopyId;

async fn copy(
    s: &AppState,
    a: &crate::auth::Authed,
    lang: Lang,
    id: String,
    f: DocFormat,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let v = s.app.export_copy_form(&a.actor, &CopyId(id), f).await?;
    Ok(crate::documents::copy_file(lang, v.get(), f))
}

async fn provision(
    s: &AppState,
    a: &crate::auth::Authed,
    lang: Lang,
    id: String,
    f: DocFormat,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let v = s.app.export_provision_form(&a.actor, &id, f).await?;
    Ok(crate::documents::provision_file(lang, v.get(), f))
}

/// A copy's form (図４) as JSON: the shape `POST /api/v1/liaisons` takes under `form`, so a saved
/// form can be filed again or read into the filing page. Exporting a RED, AMBER+STRICT or AMBER
/// copy is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/copies/{id}/form.json", tag = "liaison", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The form", content_type = "application/json", body = kakehashi_domain::liaison::LiaisonForm,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn copy_json(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    copy(&s, &a, lang, id, DocFormat::Json).await
}

/// A copy's form as CSV (UTF-8 with BOM): a line per filled field with its name on the sheet,
/// its JSON key and its value. Names in Japanese, or English with `lang=en`.
#[utoipa::path(get, path = "/api/v1/copies/{id}/form.csv", tag = "liaison", security(("token" = ["read"])),
    params(("id" = String, Path), ("lang" = Option<String>, Query, description = "`en`: English names; anything else: Japanese")),
    responses((status = 200, description = "The form as CSV", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn copy_csv(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    copy(&s, &a, lang, id, DocFormat::Csv).await
}

/// A provision's form (図７) as JSON, as for a copy.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/form.json", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The form", content_type = "application/json", body = kakehashi_domain::provision::ProvisionForm,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn provision_json(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    provision(&s, &a, lang, id, DocFormat::Json).await
}

/// A provision's form as CSV, as for a copy.
#[utoipa::path(get, path = "/api/v1/provisions/{id}/form.csv", tag = "provision", security(("token" = ["read"])),
    params(("id" = String, Path), ("lang" = Option<String>, Query, description = "`en`: English names; anything else: Japanese")),
    responses((status = 200, description = "The form as CSV", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 404, description = "Not found or not readable")))]
pub async fn provision_csv(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    provision(&s, &a, lang, id, DocFormat::Csv).await
}
