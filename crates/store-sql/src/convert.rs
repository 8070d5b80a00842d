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
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            let postgres = d
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some();
            match fault_of(&code, postgres) {
                Some(Fault::Full) => StoreError::Full(d.to_string()),
                Some(Fault::Unavailable) => StoreError::Unavailable(d.to_string()),
                None => StoreError::Other(d.to_string()),
            }
        }
        // The connection is gone or could not be made in time: PostgreSQL restarting or
        // unreachable, every pooled connection busy.
        e @ (sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed) => StoreError::Unavailable(e.to_string()),
        other => StoreError::Other(other.to_string()),
    }
}

#[derive(Debug, PartialEq)]
enum Fault {
    Full,
    Unavailable,
}

/// The faults a database error code stands for: PostgreSQL's SQLSTATE, or SQLite's (extended)
/// result code.
fn fault_of(code: &str, postgres: bool) -> Option<Fault> {
    if !postgres {
        // SQLite: the primary result code is the low byte of the extended one.
        return match code.parse::<i64>().ok()? & 0xff {
            13 => Some(Fault::Full),           // SQLITE_FULL
            5 | 6 => Some(Fault::Unavailable), // SQLITE_BUSY, SQLITE_LOCKED (after busy_timeout)
            _ => None,
        };
    }
    match code {
        // disk_full; out_of_memory and too_many_connections are "try again later".
        "53100" => Some(Fault::Full),
        "53200" | "53300" => Some(Fault::Unavailable),
        // admin_shutdown, crash_shutdown, cannot_connect_now; connection exceptions (class 08).
        "57P01" | "57P02" | "57P03" => Some(Fault::Unavailable),
        c if c.starts_with("08") => Some(Fault::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_codes_name_their_fault() {
        assert_eq!(fault_of("13", false), Some(Fault::Full));
        assert_eq!(fault_of("5", false), Some(Fault::Unavailable));
        assert_eq!(fault_of("517", false), Some(Fault::Unavailable)); // SQLITE_BUSY_SNAPSHOT
        assert_eq!(fault_of("2067", false), None); // SQLITE_CONSTRAINT_UNIQUE
        assert_eq!(fault_of("53100", true), Some(Fault::Full));
        assert_eq!(fault_of("57P01", true), Some(Fault::Unavailable));
        assert_eq!(fault_of("08006", true), Some(Fault::Unavailable));
        assert_eq!(fault_of("23505", true), None);
        assert_eq!(fault_of("13", true), None);
    }
}
