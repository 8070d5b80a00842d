//! 受信箱・検索・CSV出力 over HTTP: one row per case, built by the app from what the sharing
//! policy lets the caller read (`kakehashi_app::inbox`).

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::json::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use kakehashi_app::inbox::{ListingFilter, Scope};
use serde::Deserialize;
use serde_json::{json, Value};

/// The filters of a listing. Every value is checked; a bad one is refused (422) naming its
/// field and rule. Copy filters (`tlp`, `importance`, `q`, `from`, `to`) choose which copies
/// count, and a case's row is its newest counted copy; case filters (`sector`, `status`,
/// `statutory`, `urgent`, `to_forward`) keep or drop whole cases. An empty value is the same as
/// leaving the filter out (as an HTML form sends it).
///
/// The fields are read as text and checked by the application (`kakehashi_app::inbox`), which
/// the web UI's filters share; the document gives each the type that check accepts.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListingParams {
    /// Sector code (`GET /api/v1/reference/sectors`).
    pub sector: Option<String>,
    /// TLP of the copy.
    #[param(value_type = Option<kakehashi_domain::Tlp>, inline)]
    pub tlp: Option<String>,
    /// Importance of the copy.
    #[param(value_type = Option<kakehashi_domain::Importance>, inline)]
    pub importance: Option<String>,
    /// Case status.
    #[param(value_type = Option<CaseStatus>, inline)]
    pub status: Option<String>,
    /// `true`: only statutory cases (法令等報告対象); `false`: only the others.
    #[param(value_type = Option<bool>)]
    pub statutory: Option<String>,
    /// `true`: only cases with an urgent copy (同報) the caller may read; `false`: the others.
    #[param(value_type = Option<bool>)]
    pub urgent: Option<String>,
    /// `true`: only cases a copy received by the caller's ministry or CEPTOAR waits to be
    /// forwarded in; `false`: the others.
    #[param(value_type = Option<bool>)]
    pub to_forward: Option<String>,
    /// Keywords, white-space separated, each must occur (normalised: full-width and half-width,
    /// upper and lower case, defanged host names alike); an R-number matches its reports. At
    /// most 200 characters and 8 distinct keywords.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// First day (JST) of the copy's date.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Last day (JST), inclusive; not before `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// Keyset cursor: the previous page's `next`, unchanged.
    pub cursor: Option<String>,
    /// Page size (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

/// A case's status, as the `status` filter takes it.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CaseStatus {
    Open,
    Closed,
}

impl From<ListingParams> for ListingFilter {
    fn from(p: ListingParams) -> Self {
        ListingFilter {
            sector: p.sector,
            tlp: p.tlp,
            importance: p.importance,
            status: p.status,
            statutory: p.statutory,
            urgent: p.urgent,
            to_forward: p.to_forward,
            q: p.q,
            from: p.from,
            to: p.to,
            cursor: p.cursor,
            limit: p.limit,
        }
    }
}

async fn page(
    s: &AppState,
    a: &crate::auth::Authed,
    scope: Scope,
    p: ListingParams,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let listing = s.app.listing(&a.actor, scope, &p.into()).await?;
    Ok(Json(json!(listing)))
}

async fn export(
    s: &AppState,
    a: &crate::auth::Authed,
    lang: Lang,
    scope: Scope,
    p: ListingParams,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let export = s.app.export_listing(&a.actor, scope, &p.into()).await?;
    Ok(crate::csv::response(&s.app, lang, scope, &export))
}

/// The caller's inbox: one row per case their organisation sent or received a copy of, with the
/// newest such copy they may read, a one-line summary, 法令等報告対象 / 特に緊急 / 要転送 flags
/// and the minutes since 判明. Newest first; `next` is the cursor of the next page.
#[utoipa::path(get, path = "/api/v1/liaisons/inbox", tag = "liaison", params(ListingParams), security(("token" = ["read"])),
    responses((status = 200, description = "Page of cases: `items`, `next`"), (status = 422, description = "A filter breaks its rule")))]
pub async fn inbox(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<ListingParams>,
) -> Result<Json<Value>, ApiError> {
    page(&s, &a, Scope::Inbox, p).await
}

/// Search: one row per case the caller may read any copy of, as in the inbox, over every copy
/// the sharing policy (TLP) lets them read.
#[utoipa::path(get, path = "/api/v1/liaisons", tag = "liaison", params(ListingParams), security(("token" = ["read"])),
    responses((status = 200, description = "Page of cases: `items`, `next`"), (status = 422, description = "A filter breaks its rule")))]
pub async fn search(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<ListingParams>,
) -> Result<Json<Value>, ApiError> {
    page(&s, &a, Scope::All, p).await
}

/// The inbox with these filters as CSV (UTF-8 with BOM, every page, at most 10,000 rows;
/// `X-Kakehashi-Truncated: true` if more matched). Column names in Japanese, or English with
/// `lang=en`. An export holding a RED, AMBER+STRICT or AMBER copy is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/liaisons/inbox/export", tag = "liaison", security(("token" = ["read"])),
    params(ListingParams, ("lang" = Option<String>, Query, description = "`en`: English column names; anything else: Japanese")),
    responses((status = 200, description = "The CSV file (UTF-8 with BOM)", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"),
                ("X-Kakehashi-Truncated" = String, description = "`true` when more rows matched than an export holds"))),
        (status = 422, description = "A filter breaks its rule")))]
pub async fn inbox_export(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    ApiQuery(p): ApiQuery<ListingParams>,
) -> Result<Response, ApiError> {
    export(&s, &a, lang, Scope::Inbox, p).await
}

/// The search listing with these filters as CSV, as for the inbox export.
#[utoipa::path(get, path = "/api/v1/liaisons/export", tag = "liaison", security(("token" = ["read"])),
    params(ListingParams, ("lang" = Option<String>, Query, description = "`en`: English column names; anything else: Japanese")),
    responses((status = 200, description = "The CSV file (UTF-8 with BOM)", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"),
                ("X-Kakehashi-Truncated" = String, description = "`true` when more rows matched than an export holds"))),
        (status = 422, description = "A filter breaks its rule")))]
pub async fn search_export(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    ApiQuery(p): ApiQuery<ListingParams>,
) -> Result<Response, ApiError> {
    export(&s, &a, lang, Scope::All, p).await
}
