//! 演習・セプター訓練 over JSON: exercises on the real channels (NISC, or a CEPTOAR for its
//! training), their scenario injects, the after-action report and its lessons, and cleanup.
//! Every answer about an exercise carries `"exercise": true`.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::exercises::{LessonInput, NewExercise, NewInject};
use serde_json::{json, Value};

/// A sequence number in a path: anything else names nothing (404).
fn seq_of(s: &str) -> Result<u32, ApiError> {
    s.parse()
        .map_err(|_| ApiError::from(kakehashi_app::AppError::NotFound))
}

/// Exercises the caller's organisation organises or takes part in, newest first. A participant
/// sees the injects fired so far (its tasks), the organiser the whole scenario.
#[utoipa::path(get, path = "/api/v1/exercises", tag = "exercises", security(("token" = ["read"])),
    responses((status = 200, description = "Exercises")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.exercises(&a.actor).await? })))
}

/// Design an exercise (state `design`): NISC organises exercises and CEPTOAR training, a
/// CEPTOAR its own training for its members (approvers).
#[utoipa::path(post, path = "/api/v1/exercises", tag = "exercises", request_body = NewExercise, security(("token" = ["write"])),
    responses((status = 201, description = "Designed"), (status = 403, description = "Not an organiser of this kind of exercise, or no approver"),
        (status = 422, description = "`kind`, `name`, `purpose` or `participants` breaks its rule; nothing stored")))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewExercise>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let v = s.app.create_exercise(&a.actor, body).await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

/// One exercise, for its organiser or a participant.
#[utoipa::path(get, path = "/api/v1/exercises/{id}", tag = "exercises", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The exercise"), (status = 404, description = "No such exercise, or the caller's organisation neither organises nor takes part in it")))]
pub async fn get(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.exercise(&a.actor, &id).await?)))
}

/// Add a scenario inject (organiser, while designing or running).
#[utoipa::path(post, path = "/api/v1/exercises/{id}/injects", tag = "exercises", params(("id" = String, Path)), request_body = NewInject, security(("token" = ["write"])),
    responses((status = 201, description = "Added; the exercise"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise, or not the caller's"), (status = 409, description = "The exercise has ended"),
        (status = 422, description = "`kind`, `offset_minutes`, `title`, `body` or `tlp` breaks its rule; nothing stored")))]
pub async fn add_inject(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewInject>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let v = s.app.add_inject(&a.actor, &id, body).await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

/// Fire an inject now (organiser, while running). A contact-check inject sends a real contact
/// check to the participants, marked as training; a fired inject never fires again.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/injects/{seq}/fire", tag = "exercises", params(("id" = String, Path), ("seq" = u32, Path, description = "The inject's or lesson's number in the exercise (from 1)")), security(("token" = ["write"])),
    responses((status = 200, description = "Fired; the exercise"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise or inject, or not the caller's"), (status = 409, description = "Fired already, or the exercise is not running")))]
pub async fn fire(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let seq = seq_of(&seq)?;
    Ok(Json(json!(s.app.fire_inject(&a.actor, &id, seq).await?)))
}

/// Start the exercise (design → running).
#[utoipa::path(post, path = "/api/v1/exercises/{id}/start", tag = "exercises", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 200, description = "Running; the exercise"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise, or not the caller's"), (status = 409, description = "Not in design")))]
pub async fn start(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(s.app.start_exercise(&a.actor, &id).await?)))
}

/// End the exercise (running → ended).
#[utoipa::path(post, path = "/api/v1/exercises/{id}/end", tag = "exercises", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 200, description = "Ended; the exercise"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise, or not the caller's"), (status = 409, description = "Not running")))]
pub async fn end(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(s.app.end_exercise(&a.actor, &id).await?)))
}

/// Clean an ended exercise up (ended → cleaned): the chains it created are deleted, nothing
/// else; the audit log keeps its entries.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/clean-up", tag = "exercises", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 200, description = "Cleaned up; the exercise"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise, or not the caller's"), (status = 409, description = "Not ended")))]
pub async fn clean_up(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(s.app.clean_up_exercise(&a.actor, &id).await?)))
}

/// The after-action report (事後評価): timeline, response times in minutes from the injects
/// (report, forward, NISC receipt, contact-check answer), lessons. The organiser sees every
/// organisation's row; a participant its own row and only aggregates of the others.
#[utoipa::path(get, path = "/api/v1/exercises/{id}/report", tag = "exercises", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The after-action report"), (status = 404, description = "No such exercise, or not the caller's")))]
pub async fn report(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.after_action_report(&a.actor, &id).await?)))
}

/// Record a lesson with its owner (the organiser or a participant) and follow-up (organiser,
/// once the exercise has started).
#[utoipa::path(post, path = "/api/v1/exercises/{id}/lessons", tag = "exercises", params(("id" = String, Path)), request_body = LessonInput, security(("token" = ["write"])),
    responses((status = 201, description = "Recorded; the after-action report"), (status = 403, description = "A participant, not the organiser's approver"),
        (status = 404, description = "No such exercise, or not the caller's"), (status = 409, description = "Still in design"),
        (status = 422, description = "`text`, `owner`, `follow_up` or `state` breaks its rule; nothing stored")))]
pub async fn add_lesson(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LessonInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let v = s.app.add_lesson(&a.actor, &id, body).await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

/// Update a lesson's follow-up and state (its owner organisation, or the organiser, who may
/// also reassign it).
#[utoipa::path(put, path = "/api/v1/exercises/{id}/lessons/{seq}", tag = "exercises", params(("id" = String, Path), ("seq" = u32, Path, description = "The inject's or lesson's number in the exercise (from 1)")), request_body = LessonInput, security(("token" = ["write"])),
    responses((status = 200, description = "Updated; the after-action report"), (status = 403, description = "Neither the lesson's owner nor the organiser"),
        (status = 404, description = "No such exercise or lesson, or not the caller's"),
        (status = 422, description = "`owner`, `follow_up` or `state` breaks its rule; nothing changed")))]
pub async fn update_lesson(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, seq)): Path<(String, String)>,
    ApiJson(body): ApiJson<LessonInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let seq = seq_of(&seq)?;
    Ok(Json(json!(
        s.app.update_lesson(&a.actor, &id, seq, body).await?
    )))
}
