//! 安全基準等 over JSON: the Guideline's catalogue (browse, search, one item with its handbook
//! examples and mappings), sectors' safety standards, operators' self-assessments with gap
//! analysis and treatment plans, recurring tasks, and the yearly survey (浸透状況調査) with its
//! k-anonymous results as JSON or CSV. Rules: `kakehashi_domain::standards`, the policy's
//! `decide_assessment`, and the statistics rule for the survey's aggregates.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kakehashi_app::standards::{
    NewAssessment, NewSurvey, ShareInput, SurveyResponseInput, TaskDoneInput,
};
use kakehashi_app::AppError;
use kakehashi_domain::standards::{ItemAssessment, StandardInput};
use kakehashi_reference::{CatalogueFilter, Control, ControlLevel, Reference, SourceDoc};
use serde::Deserialize;
use serde_json::{json, Value};

/// Catalogue filters. An empty value is the same as leaving it out.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CatalogueParams {
    /// Keywords, all of which must occur (id, title, text, section; width- and case-insensitive).
    pub q: Option<String>,
    /// `required`, `recommended`, `example` or `consideration`.
    pub level: Option<String>,
    /// `guideline`, `handbook` or `handbook_annex`.
    pub doc: Option<String>,
    /// A NIST CSF 2.0 function: `GV`, `ID`, `PR`, `DE`, `RS`, `RC`.
    pub function: Option<String>,
    /// A section number or prefix, e.g. `5.1`.
    pub section: Option<String>,
}

fn blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The filter, or the field that names no known code.
pub fn catalogue_filter(p: CatalogueParams) -> Result<CatalogueFilter, AppError> {
    let level = match blank(p.level) {
        None => None,
        Some(l) => Some(ControlLevel::from_code(&l).ok_or_else(|| {
            AppError::bad_field(
                "level",
                "unknown_code",
                "程度は required・recommended・example・consideration から選んでください。",
                "level is required, recommended, example or consideration.",
            )
        })?),
    };
    let doc = match blank(p.doc).as_deref() {
        None => None,
        Some("guideline") => Some(SourceDoc::Guideline),
        Some("handbook") => Some(SourceDoc::Handbook),
        Some("handbook_annex") => Some(SourceDoc::HandbookAnnex),
        Some(_) => {
            return Err(AppError::bad_field(
                "doc",
                "unknown_code",
                "文書は guideline・handbook・handbook_annex から選んでください。",
                "doc is guideline, handbook or handbook_annex.",
            ))
        }
    };
    let function = match blank(p.function) {
        None => None,
        Some(f) => {
            let known = kakehashi_reference::embedded()
                .catalogue()
                .csf()
                .functions
                .iter()
                .any(|x| x.code.eq_ignore_ascii_case(&f));
            if !known {
                return Err(AppError::bad_field(
                    "function",
                    "unknown_code",
                    "機能は GV・ID・PR・DE・RS・RC から選んでください。",
                    "function is GV, ID, PR, DE, RS or RC.",
                ));
            }
            Some(f)
        }
    };
    let q = blank(p.q);
    if q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::bad_field(
            "q",
            "too_long",
            "検索語は200文字以内です。",
            "q is at most 200 characters.",
        ));
    }
    Ok(CatalogueFilter {
        q,
        level,
        doc,
        function,
        section: blank(p.section),
    })
}

/// One catalogue entry as the API gives it: the entry and its framework functions.
pub fn control_json(r: &Reference, c: &Control) -> Value {
    let functions: Vec<&str> = r
        .catalogue()
        .csf()
        .functions_of(c)
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    let mut v = json!(c);
    v["functions"] = json!(functions);
    v
}

/// Browse and search the catalogue: the Guideline's practices and measures (chapters 2–5), the
/// handbook's examples and the annex's considerations, each citing its seed lines, with the
/// edition, the tiers and the framework functions.
#[utoipa::path(get, path = "/api/v1/standards/catalogue", tag = "standards", params(CatalogueParams), security(("token" = ["read"])),
    responses((status = 200, description = "`edition`, `documents`, `tiers`, `functions`, `mapping_note`, `items` (each entry with `functions`)"),
        (status = 422, description = "`level`, `doc` or `function` names no known code, or `q` is too long")))]
pub async fn catalogue(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<CatalogueParams>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let filter = catalogue_filter(p)?;
    let r = s.app.reference;
    let cat = r.catalogue();
    let items: Vec<Value> = cat
        .search(&filter)
        .into_iter()
        .map(|c| control_json(r, c))
        .collect();
    let (note_ja, note_en) = cat.mapping_note();
    Ok(Json(json!({
        "edition": cat.edition(),
        "documents": cat.documents(),
        "tiers": cat.tiers(),
        "functions": cat.csf().functions,
        "mapping_note": { "ja": note_ja, "en": note_en },
        "items": items,
    })))
}

/// One catalogue entry with its functions, the handbook entries that detail it, and the cause
/// types (別紙３) whose incidents it would have prevented.
#[utoipa::path(get, path = "/api/v1/standards/catalogue/{id}", tag = "standards", params(("id" = String, Path, description = "Catalogue id, e.g. `G-5.1.3.3-a`")), security(("token" = ["read"])),
    responses((status = 200, description = "`item`, `examples`, `causes`"), (status = 404, description = "No such entry")))]
pub async fn catalogue_item(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let r = s.app.reference;
    let cat = r.catalogue();
    let c = cat.control(&id).ok_or(AppError::NotFound)?;
    let examples: Vec<Value> = cat
        .examples_for(&id)
        .into_iter()
        .map(|e| control_json(r, e))
        .collect();
    let causes: Vec<&str> = cat
        .cause_mappings()
        .iter()
        .filter(|m| cat.measures_for_cause(&m.cause).iter().any(|x| x.id == id))
        .map(|m| m.cause.as_str())
        .collect();
    Ok(Json(
        json!({ "item": control_json(r, c), "examples": examples, "causes": causes }),
    ))
}

/// The cause types of the liaison form and the Guideline measures that would have prevented
/// them (the project's mapping, kept as data).
#[utoipa::path(get, path = "/api/v1/standards/causes", tag = "standards", security(("token" = ["read"])),
    responses((status = 200, description = "`note`, `items`: each `cause` with its `sections` and `measures` (catalogue ids)")))]
pub async fn causes(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let cat = s.app.reference.catalogue();
    let (ja, en) = cat.cause_mapping_note();
    let items: Vec<Value> = cat
        .cause_mappings()
        .iter()
        .map(|m| {
            let ids: Vec<&str> = cat
                .measures_for_cause(&m.cause)
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            json!({ "cause": m.cause, "sections": m.sections, "measures": ids })
        })
        .collect();
    Ok(Json(
        json!({ "note": { "ja": ja, "en": en }, "items": items }),
    ))
}

/// Every sector's registered safety standards.
#[utoipa::path(get, path = "/api/v1/standards", tag = "standards", security(("token" = ["read"])),
    responses((status = 200, description = "`items`: standards (`id`, `sector`, `kind`, `title`, `edition`, `adopted`, `own_items`, `owner`)")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.safety_standards(&a.actor).await? }),
    ))
}

/// Register a sector's safety standard (an approver of the ministry overseeing the sector):
/// its kind (the four kinds of 安全基準等), the catalogue items it adopts and items of its own.
#[utoipa::path(post, path = "/api/v1/standards", tag = "standards", request_body = StandardInput, security(("token" = ["write"])),
    responses((status = 201, description = "The standard, stamped with the catalogue edition"),
        (status = 403, description = "Not an approver of a ministry overseeing the sector"),
        (status = 422, description = "A field breaks its rule (`sector` unknown, `title` missing, `adopted` empty, unknown or repeated, `own_items` badly numbered or incomplete); nothing stored")))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<StandardInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let st = s.app.put_safety_standard(&a.actor, None, body).await?;
    Ok((StatusCode::CREATED, Json(json!(st))))
}

/// One standard.
#[utoipa::path(get, path = "/api/v1/standards/{id}", tag = "standards", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The standard"), (status = 404, description = "No such standard")))]
pub async fn get(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.safety_standard(&a.actor, &id).await?)))
}

/// Revise a standard (the ministry that registered it); assessments already made keep their
/// items.
#[utoipa::path(put, path = "/api/v1/standards/{id}", tag = "standards", params(("id" = String, Path)), request_body = StandardInput, security(("token" = ["write"])),
    responses((status = 200, description = "The revised standard"),
        (status = 403, description = "Not an approver of the ministry that registered it"),
        (status = 404, description = "No such standard"),
        (status = 422, description = "A field breaks its rule; nothing stored")))]
pub async fn update(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StandardInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(
        s.app.put_safety_standard(&a.actor, Some(&id), body).await?
    )))
}

/// The caller's organisation's self-assessments (every year kept) and those other operators
/// shared with it.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "standards", security(("token" = ["read"])),
    responses((status = 200, description = "`items` (own, newest year first) and `shared` (shared with the caller's organisation)")))]
pub async fn assessments(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({
        "items": s.app.my_assessments(&a.actor).await?,
        "shared": s.app.shared_assessments(&a.actor).await?,
    })))
}

/// Start the year's self-assessment of a standard of the caller's sector (an operator's
/// approvers and org admins); the latest earlier year's answers are carried over.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "standards", request_body = NewAssessment, security(("token" = ["write"])),
    responses((status = 201, description = "The assessment"),
        (status = 403, description = "Not an operator's approver or org admin"),
        (status = 409, description = "This year's assessment of the standard exists"),
        (status = 422, description = "`standard` unknown or not of the caller's sector, or `year` outside 2000–2100; nothing stored")))]
pub async fn create_assessment(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewAssessment>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let rec = s.app.create_assessment(&a.actor, body).await?;
    Ok((StatusCode::CREATED, Json(json!(rec))))
}

/// One assessment with its gap analysis (ranked), per-function summary and recurring tasks:
/// the operator's own people with a role, or an organisation it shared it with (audited).
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "standards", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The assessment with `gaps`, `by_function`, `tasks`"), (status = 404, description = "Not found or not readable")))]
pub async fn assessment(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.assessment(&a.actor, &id).await?)))
}

/// Record one item's assessment: status, current and target tier, risk and cost, evidence
/// links (URL, description, TLP) and the treatment plan (target state, actions, resources,
/// owner, deadline, evaluation, done).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/items", tag = "standards", params(("id" = String, Path)), request_body = ItemAssessment, security(("token" = ["write"])),
    responses((status = 200, description = "The assessment"),
        (status = 403, description = "A reader who may not edit"),
        (status = 404, description = "Not found or not readable"),
        (status = 422, description = "A field breaks its rule (`item` not of the standard, `reason` missing for not applicable, a tier outside 1–4 or the target below the current, `evidence.url` not http(s), a plan field missing); nothing stored")))]
pub async fn assess_item(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ItemAssessment>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(s.app.assess_item(&a.actor, &id, body).await?)))
}

/// Share the assessment upward — NISC, the sector's ministry, the operator's CEPTOAR — or
/// stop sharing (an empty list).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/sharing", tag = "standards", params(("id" = String, Path)), request_body = ShareInput, security(("token" = ["write"])),
    responses((status = 200, description = "The assessment"),
        (status = 403, description = "A reader who may not edit"),
        (status = 404, description = "Not found or not readable"),
        (status = 422, description = "`shared_with` names an unknown organisation or one that is not upward; nothing stored")))]
pub async fn share(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShareInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(
        s.app.share_assessment(&a.actor, &id, body).await?
    )))
}

/// Mark a recurring task of a measure done (backups and restore tests, access reviews,
/// supplier checks…): its reminder rests until it is due again (at least yearly).
#[utoipa::path(post, path = "/api/v1/assessments/tasks", tag = "standards", request_body = TaskDoneInput, security(("token" = ["write"])),
    responses((status = 200, description = "Recorded: `item`"),
        (status = 403, description = "Not an operator's approver or org admin"),
        (status = 422, description = "`item` not in the catalogue or `done_on` in the future; nothing stored")))]
pub async fn task_done(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<TaskDoneInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let item = body.item.clone();
    s.app.mark_task_done(&a.actor, body).await?;
    Ok(Json(json!({ "item": item })))
}

/// The surveys the caller's organisation takes part in.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "standards", security(("token" = ["read"])),
    responses((status = 200, description = "`items`: surveys with `open`, `answered`, `may_answer`, `may_see_results`")))]
pub async fn surveys(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.surveys(&a.actor).await? })))
}

/// Open the year's survey (浸透状況調査) for chosen sectors (NISC's approvers).
#[utoipa::path(post, path = "/api/v1/surveys", tag = "standards", request_body = NewSurvey, security(("token" = ["write"])),
    responses((status = 201, description = "The survey"),
        (status = 403, description = "Not an approver of NISC"),
        (status = 409, description = "This year's survey exists"),
        (status = 422, description = "`year` outside 2000–2100 or `sectors` empty or unknown; nothing stored")))]
pub async fn open_survey(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewSurvey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let rec = s.app.open_survey(&a.actor, body).await?;
    Ok((StatusCode::CREATED, Json(json!(rec))))
}

/// Answer a survey from the caller's assessment of the survey's year (replaces an earlier
/// answer while the survey is open).
#[utoipa::path(post, path = "/api/v1/surveys/{id}/responses", tag = "standards", params(("id" = String, Path)), request_body = SurveyResponseInput, security(("token" = ["write"])),
    responses((status = 200, description = "The survey as the caller sees it"),
        (status = 403, description = "Not an operator's approver or org admin"),
        (status = 404, description = "No such survey for the caller"),
        (status = 409, description = "The survey is closed"),
        (status = 422, description = "`assessment` not the caller's, of another year or of a sector not surveyed; nothing stored")))]
pub async fn respond(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SurveyResponseInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(
        s.app.respond_to_survey(&a.actor, &id, body).await?
    )))
}

/// Close a survey (NISC's approvers).
#[utoipa::path(post, path = "/api/v1/surveys/{id}/close", tag = "standards", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 200, description = "Closed: `id`"),
        (status = 403, description = "Not an approver of NISC"),
        (status = 404, description = "No such survey for the caller"),
        (status = 409, description = "Closed already")))]
pub async fn close_survey(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    s.app.close_survey(&a.actor, &id).await?;
    Ok(Json(json!({ "id": id })))
}

/// Response rates and, per item, sector rows by status and tier — never one operator's answer:
/// every published number stands for at least `k` distinct organisations (the statistics
/// rule). NISC sees every surveyed sector, a ministry its own. Audited.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "standards", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "`k`, `rates` (`sector`, `invited`, `responded`), `items` (each `item` with its `table`: `sectors` with `total`, `events` = status counts, `causes` = tier counts, `suppressed`, `merged`)"),
        (status = 403, description = "Neither NISC nor a CI ministry"),
        (status = 404, description = "No such survey for the caller")))]
pub async fn results(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.survey_results(&a.actor, &id).await?)))
}

/// The same results as CSV (UTF-8 with BOM, one line per published number).
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results.csv", tag = "standards", security(("token" = ["read"])),
    params(("id" = String, Path), ("lang" = Option<String>, Query, description = "`en`: English names; anything else: Japanese")),
    responses((status = 200, description = "The CSV file (UTF-8 with BOM)", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 403, description = "Neither NISC nor a CI ministry"),
        (status = 404, description = "No such survey for the caller")))]
pub async fn results_csv(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    a.require_scope("read")?;
    let r = s.app.survey_results(&a.actor, &id).await?;
    Ok(crate::csv::survey_response(&s.app, lang, &r))
}

/// The period and sector of the cluster view. An empty value is the same as leaving it out.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ClusterParams {
    /// First month (JST), `YYYY-MM`; default eleven months before `to`.
    pub from: Option<String>,
    /// Last month (JST), `YYYY-MM`, inclusive; default the current month.
    pub to: Option<String>,
    /// One sector code; default every sector the caller may read.
    pub sector: Option<String>,
}

impl From<ClusterParams> for kakehashi_app::statistics::StatisticsFilter {
    fn from(p: ClusterParams) -> Self {
        kakehashi_app::statistics::StatisticsFilter {
            from: p.from,
            to: p.to,
            sector: p.sector,
        }
    }
}

/// Which Guideline measures the reported incidents cluster on: the cases the caller may count
/// (NISC, CI ministries), by main cause as the statistics publish them (k-anonymous), mapped
/// onto the sections whose measures would have prevented them; most cases first.
#[utoipa::path(get, path = "/api/v1/standards/clusters", tag = "standards", params(ClusterParams), security(("token" = ["read"])),
    responses((status = 200, description = "`from`, `to`, `k`, `clusters` (each `section`, `section_ja`, `section_en`, `cases`, `causes`)"),
        (status = 403, description = "The caller is neither NISC nor a CI ministry"),
        (status = 422, description = "A month is not `YYYY-MM`, the period is reversed or too long, or the sector is unknown")))]
pub async fn clusters(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<ClusterParams>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(
        s.app.measure_clusters(&a.actor, &p.into()).await?
    )))
}
