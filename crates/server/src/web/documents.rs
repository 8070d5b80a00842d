//! Downloads of one form as a file: `/copies/{id}/form.json|csv` and
//! `/provisions/{id}/form.json|csv`, the same files as the API's, through the same read.

use super::layout::error_page;
use crate::auth::WebAuth;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kakehashi_app::documents::DocFormat;
use kakehashi_domain::CopyId;

async fn copy(
    s: AppState,
    a: crate::auth::Authed,
    lang: Lang,
    id: String,
    f: DocFormat,
) -> Response {
    match s.app.export_copy_form(&a.actor, &CopyId(id), f).await {
        Ok(v) => crate::documents::copy_file(lang, v.get(), f),
        Err(e) => error_page(lang, Some(&a), &e).into_response(),
    }
}

async fn provision(
    s: AppState,
    a: crate::auth::Authed,
    lang: Lang,
    id: String,
    f: DocFormat,
) -> Response {
    match s.app.export_provision_form(&a.actor, &id, f).await {
        Ok(v) => crate::documents::provision_file(lang, v.get(), f),
        Err(e) => error_page(lang, Some(&a), &e).into_response(),
    }
}

pub async fn copy_json(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    copy(s, a, lang, id, DocFormat::Json).await
}

pub async fn copy_csv(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    copy(s, a, lang, id, DocFormat::Csv).await
}

pub async fn provision_json(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    provision(s, a, lang, id, DocFormat::Json).await
}

pub async fn provision_csv(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    provision(s, a, lang, id, DocFormat::Csv).await
}
