//! Errors to HTTP, in one place: RFC 9457 problem+json for the API, naming field and rule.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kakehashi_app::AppError;
use serde_json::json;

/// The body of every error answer of the API (RFC 9457 problem details, served as
/// `application/problem+json`). Described here for the OpenAPI document; the answers are built
/// by [`ApiError`]'s `IntoResponse` and by the edge of the router.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    /// `/problems/<kind>`: `validation`, `unauthenticated`, `forbidden`,
    /// `password-change-required`, `not-found`, `conflict`, `rate-limited`, `payload-too-large`,
    /// `unsupported-media-type`, `method-not-allowed`, `unavailable` (503: the database cannot
    /// be reached; retry), `storage-full` (507: the disk is full, nothing stored), `internal`, …
    #[schema(example = "/problems/validation")]
    r#type: String,
    /// What went wrong, in English.
    title: String,
    /// What went wrong, in Japanese.
    title_ja: String,
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    /// Each bad input: the field as the API names it and the rule it broke (empty when the
    /// error is about no particular field).
    errors: Vec<FieldProblem>,
}

/// One bad input of a [`Problem`].
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FieldProblem {
    /// The field, e.g. `summary.description`, `limit`, `body`.
    field: String,
    /// The rule, e.g. `required`, `range`, `format`, `unknown_code`, `json`.
    rule: String,
    message_ja: String,
    message_en: String,
}

/// An API error; converts from every application error.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// Status and stable type slug of an application error.
pub fn status_of(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Invalid(_) | AppError::BadField { .. } | AppError::Import(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "validation")
        }
        AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::PasswordChangeRequired => (StatusCode::FORBIDDEN, "password-change-required"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        AppError::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
        AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate-limited"),
        AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        AppError::StorageFull(_) => (StatusCode::INSUFFICIENT_STORAGE, "storage-full"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// Field errors as `(field, rule, ja, en)`.
pub fn field_errors(e: &AppError) -> Vec<(String, String, String, String)> {
    match e {
        AppError::Invalid(errs) => errs
            .iter()
            .map(|f| {
                (
                    f.field.to_string(),
                    f.rule.to_string(),
                    f.message_ja.clone(),
                    f.message_en.clone(),
                )
            })
            .collect(),
        AppError::BadField {
            field,
            rule,
            message_ja,
            message_en,
        } => {
            vec![(
                field.to_string(),
                rule.to_string(),
                message_ja.clone(),
                message_en.clone(),
            )]
        }
        AppError::Import(problems) => problems
            .iter()
            .map(|p| {
                (
                    format!("{}.{}", p.object, p.property),
                    p.rule.code().to_owned(),
                    p.message_ja.clone(),
                    p.message_en.clone(),
                )
            })
            .collect(),
        AppError::PasswordChangeRequired => {
            let (ja, en) = messages(e);
            vec![("password".into(), "change_required".into(), ja, en)]
        }
        _ => vec![],
    }
}

/// A one-line message in both languages.
pub fn messages(e: &AppError) -> (String, String) {
    match e {
        AppError::Invalid(errs) => (
            format!("入力内容に{}件の誤りがあります。", errs.len()),
            format!("The input has {} error(s).", errs.len()),
        ),
        AppError::BadField {
            message_ja,
            message_en,
            ..
        } => (message_ja.clone(), message_en.clone()),
        AppError::Import(problems) => (
            format!("取り込めません（{}件の問題）。何も保存していません。", problems.len()),
            format!("Refused ({} problem(s)); nothing was stored.", problems.len()),
        ),
        AppError::Unauthenticated => ("ログインが必要です。".into(), "Sign-in required.".into()),
        AppError::Forbidden {
            message_ja,
            message_en,
        } => (message_ja.clone(), message_en.clone()),
        AppError::PasswordChangeRequired => (
            "パスワードの変更が必要です。PUT /api/v1/me/password（画面では /account/password）で変更してください。".into(),
            "A password change is required: change it with PUT /api/v1/me/password (in the UI, /account/password).".into(),
        ),
        AppError::NotFound => ("見つかりません。".into(), "Not found.".into()),
        AppError::Conflict {
            message_ja,
            message_en,
        } => (message_ja.clone(), message_en.clone()),
        AppError::RateLimited { retry_after_secs } => (
            format!("試行回数が多すぎます。{retry_after_secs}秒後に再試行してください。"),
            format!("Too many attempts. Retry in {retry_after_secs} seconds."),
        ),
        AppError::Unavailable(_) => (
            "データベースに接続できません。何も保存していません。しばらくしてから再試行してください。".into(),
            "The database is unavailable; nothing was stored. Retry in a moment.".into(),
        ),
        AppError::StorageFull(_) => (
            "サーバの記憶領域（ディスク）が満杯のため保存できません。何も保存していません。プラットフォーム管理者に連絡してください。".into(),
            "The server's storage (disk) is full; nothing was stored. Tell the platform administrator.".into(),
        ),
        AppError::Internal(_) => (
            "内部エラーが発生しました。".into(),
            "Internal error.".into(),
        ),
    }
}

/// Logs a failure of the server itself (not of the request) with its cause, for the operator.
pub fn log_server_fault(e: &AppError) {
    match e {
        AppError::Internal(m) => tracing::error!("internal error: {m}"),
        AppError::Unavailable(m) => tracing::error!("database unavailable: {m}"),
        AppError::StorageFull(m) => tracing::error!("storage full, nothing stored: {m}"),
        _ => {}
    }
}

/// One entry of a problem's `errors`: the field (as the API names it), the rule it broke and
/// the message in both languages.
pub fn field_error(field: &str, rule: &str, ja: &str, en: &str) -> serde_json::Value {
    json!({ "field": field, "rule": rule, "message_ja": ja, "message_en": en })
}

/// An RFC 9457 problem+json response: every error of the API has this shape.
pub fn problem(
    status: StatusCode,
    slug: &str,
    ja: &str,
    en: &str,
    errors: Vec<serde_json::Value>,
) -> Response {
    let body = json!({
        "type": format!("/problems/{slug}"),
        "title": en,
        "title_ja": ja,
        "status": status.as_u16(),
        "errors": errors,
    });
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// The problem type and bilingual title of a bare HTTP status (errors the framework answers
/// before a handler runs: unknown route, wrong method, body too large, wrong media type).
pub fn status_problem(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad-request", "リクエストが不正です。", "Bad request."),
        401 => (
            "unauthenticated",
            "ログインが必要です。",
            "Sign-in required.",
        ),
        403 => ("forbidden", "権限がありません。", "Forbidden."),
        404 => ("not-found", "見つかりません。", "Not found."),
        405 => (
            "method-not-allowed",
            "このメソッドは使えません。",
            "Method not allowed.",
        ),
        406 => (
            "not-acceptable",
            "この形式では応答できません。",
            "Not acceptable.",
        ),
        409 => ("conflict", "競合しました。", "Conflict."),
        413 => (
            "payload-too-large",
            "リクエスト本文が大きすぎます。",
            "The request body is too large.",
        ),
        415 => (
            "unsupported-media-type",
            "リクエスト本文の形式（Content-Type）が不正です。",
            "Unsupported media type.",
        ),
        422 => ("validation", "入力内容に誤りがあります。", "Invalid input."),
        429 => (
            "rate-limited",
            "試行回数が多すぎます。",
            "Too many requests.",
        ),
        s if s >= 500 => ("internal", "内部エラーが発生しました。", "Internal error."),
        _ => ("error", "エラーが発生しました。", "Error."),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, slug) = status_of(&self.0);
        log_server_fault(&self.0);
        let (ja, en) = messages(&self.0);
        let errors: Vec<_> = field_errors(&self.0)
            .into_iter()
            .map(|(field, rule, ja, en)| field_error(&field, &rule, &ja, &en))
            .collect();
        let mut res = problem(status, slug, &ja, &en, errors);
        if let AppError::Unavailable(_) = self.0 {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}
