//! The application's errors. Each says, in Japanese and English, what went wrong and — for bad
//! input — which field and which rule; the HTTP layer maps each kind to a status once.

use kakehashi_domain::liaison::{FieldError, ValidationErrors};
use kakehashi_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input broke a rule of the form; nothing was stored.
    #[error("invalid input")]
    Invalid(ValidationErrors),
    /// A single bad field outside the liaison form (e.g. a login name).
    #[error("{field}: {message_en}")]
    BadField {
        field: &'static str,
        rule: &'static str,
        message_ja: String,
        message_en: String,
    },
    /// An imported document (STIX bundle, MISP event) was refused: every problem, each naming
    /// the object, the property and the rule; nothing was stored.
    #[error("import refused")]
    Import(Vec<kakehashi_domain::stix::import::ImportProblem>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden: {message_en}")]
    Forbidden {
        message_ja: String,
        message_en: String,
    },
    /// The person's password was chosen by someone else (bootstrap, an administrator) and must
    /// be changed before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("not found")]
    NotFound,
    #[error("conflict: {message_en}")]
    Conflict {
        message_ja: String,
        message_en: String,
    },
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// The database could not be reached (e.g. PostgreSQL restarting): nothing was done; the
    /// request may be retried.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk holding the database is full: nothing was stored.
    #[error("storage full: {0}")]
    StorageFull(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn forbidden(ja: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Forbidden {
            message_ja: ja.into(),
            message_en: en.into(),
        }
    }
    pub fn bad_field(
        field: &'static str,
        rule: &'static str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        AppError::BadField {
            field,
            rule,
            message_ja: ja.into(),
            message_en: en.into(),
        }
    }
}

/// A text field broke its rule in the table of `kakehashi_domain::text`.
impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::BadField {
            field: e.field,
            rule: e.rule,
            message_ja: e.message_ja,
            message_en: e.message_en,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(c) => AppError::Conflict {
                message_ja: format!("既に存在します（{c}）"),
                message_en: format!("already exists ({c})"),
            },
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            StoreError::Full(m) => AppError::StorageFull(m),
            StoreError::Other(m) => AppError::Internal(m),
        }
    }
}
