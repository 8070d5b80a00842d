//! Conversions between stored columns and record fields, shared by both backends.

use chrono::{DateTime, TimeZone, Utc};
use kakehashi_store::StoreError;

pub fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub fn from_micros(v: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(v).single().unwrap_or_default()
}

pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub fn json_list<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

pub fn parse_list<T: serde::de::DeserializeOwned>(s: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(format!("corrupt list column: {e}")))
}

pub fn map_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.constraint().unwrap_or("unique").to_owned())
        }
        other => StoreError::Other(other.to_string()),
    }
}
