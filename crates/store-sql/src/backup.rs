//! Online backup and restore of either backend, verified before anything is called a backup.
//!
//! **SQLite:** `VACUUM INTO` a new file. It reads in one transaction, so the copy is a
//! consistent snapshot even while the server keeps writing (WAL lets the single writer go on),
//! and it is a plain database file — restoring is copying it into place. The copy is switched to
//! rollback-journal mode so that it is one self-contained file, then checked with
//! `PRAGMA integrity_check` and the audit chain verification before it gets its final name.
//!
//! **PostgreSQL:** `pg_dump` in custom format, on a snapshot this process exports from a
//! `REPEATABLE READ` transaction (`pg_dump --snapshot`). While `pg_dump` copies that snapshot the
//! audit chain is verified inside the same transaction, so the check covers exactly the rows
//! that were dumped. `pg_dump` rather than an export of our own: it copies every table,
//! sequence, index and constraint the migrations made (including ones a later migration adds)
//! without a second schema description to keep in step, and `pg_restore` is the tool an
//! operator's DBA already knows. The archive is then read back with `pg_restore --list`.
//!
//! Restore refuses a target that already holds data, and verifies what it restored.

use std::path::{Path, PathBuf};
use std::process::Stdio;

/// What a backup or restore did.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// "sqlite" or "postgres".
    pub backend: &'static str,
    /// The file written (backup) or the database restored into (restore).
    pub target: String,
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// What was checked besides the audit chain.
    pub checked: &'static str,
    /// Audit entries verified.
    pub audit_entries: u64,
}

/// Takes a consistent online backup of the database at `url` into the new file `to`.
pub async fn backup(url: &str, to: &Path) -> Result<BackupReport, String> {
    if to.exists() {
        return Err(format!(
            "バックアップ先が既に存在します。上書きしません / the backup target already exists, not overwriting it: {}",
            to.display()
        ));
    }
    let partial = partial_path(to);
    let _ = std::fs::remove_file(&partial);
    let result = if let Some(path) = sqlite_path(url) {
        sqlite_backup(&path, &partial).await
    } else if is_postgres(url) {
        pg_backup(url, &partial).await
    } else {
        Err(unsupported(url))
    };
    match result {
        Ok(mut report) => {
            sync_file(&partial)?;
            std::fs::rename(&partial, to)
                .map_err(|e| format!("renaming {} to {}: {e}", partial.display(), to.display()))?;
            sync_parent(to);
            report.target = to.display().to_string();
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Restores the backup file `from` into the database at `url`, which must be empty (SQLite:
/// no database file yet; PostgreSQL: a database without tables).
pub async fn restore(url: &str, from: &Path) -> Result<BackupReport, String> {
    if !from.is_file() {
        return Err(format!(
            "バックアップファイルがありません / no backup file at {}",
            from.display()
        ));
    }
    if let Some(path) = sqlite_path(url) {
        sqlite_restore(from, &path).await
    } else if is_postgres(url) {
        pg_restore(url, from).await
    } else {
        Err(unsupported(url))
    }
}

fn unsupported(url: &str) -> String {
    format!(
        "unsupported database URL scheme in {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
    )
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The file of a `sqlite://` URL (without its `?options`).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(rest))
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    to.with_file_name(name)
}

fn sync_file(path: &Path) -> Result<(), String> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("syncing {}: {e}", path.display()))
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

// --- SQLite -------------------------------------------------------------------------------

async fn sqlite_connect(path: &Path, read_only: bool) -> Result<sqlx::SqliteConnection, String> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await
        .map_err(|e| format!("SQLite {}: {e}", path.display()))
}

async fn sqlite_backup(source: &Path, partial: &Path) -> Result<BackupReport, String> {
    use sqlx::Connection;
    if !source.is_file() {
        return Err(format!(
            "データベースがありません / no database at {}",
            source.display()
        ));
    }
    let mut conn = sqlite_connect(source, true).await?;
    let target = partial
        .to_str()
        .ok_or_else(|| format!("not a UTF-8 path: {}", partial.display()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(|e| format!("VACUUM INTO {target}: {e}"))?;
    conn.close().await.map_err(|e| e.to_string())?;
    let audit_entries = sqlite_verify(partial).await?;
    Ok(BackupReport {
        backend: "sqlite",
        target: String::new(),
        bytes: file_len(partial),
        checked: "PRAGMA integrity_check ok",
        audit_entries,
    })
}

/// Turns the copy at `path` into one self-contained file and checks it: page structure
/// (`PRAGMA integrity_check`) and the audit chain.
async fn sqlite_verify(path: &Path) -> Result<u64, String> {
    use sqlx::Connection;
    let mut conn = sqlite_connect(path, false).await?;
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("integrity check of {}: {e}", path.display()))?;
    if problems != ["ok"] {
        return Err(format!(
            "整合性検査に失敗しました / integrity check of {} failed: {}",
            path.display(),
            problems.join("; ")
        ));
    }
    let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
    let entries = crate::sqlite::verify_audit_on(&mut tx).await.map_err(|e| {
        format!(
            "監査ログの検証に失敗しました / audit log of {} failed verification: {e}",
            path.display()
        )
    })?;
    tx.rollback().await.map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    Ok(entries)
}

async fn sqlite_restore(from: &Path, target: &Path) -> Result<BackupReport, String> {
    let taken = [target.to_path_buf(), wal_path(target, "-wal")];
    if let Some(p) = taken.iter().find(|p| p.exists()) {
        return Err(format!(
            "復元先に既にデータベースがあります。空のデータディレクトリに復元してください / \
             the target already holds a database ({}): restore only into an empty data directory",
            p.display()
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let partial = partial_path(target);
    let _ = std::fs::remove_file(&partial);
    let restored = async {
        std::fs::copy(from, &partial)
            .map_err(|e| format!("copying {} to {}: {e}", from.display(), partial.display()))?;
        let audit_entries = sqlite_verify(&partial).await?;
        sync_file(&partial)?;
        // A hard link never replaces an existing file: a database created meanwhile is kept.
        std::fs::hard_link(&partial, target).map_err(|e| {
            format!(
                "復元先に既にデータベースがあります / cannot put the database in place at {}: {e}",
                target.display()
            )
        })?;
        sync_parent(target);
        Ok::<_, String>(audit_entries)
    }
    .await;
    let _ = std::fs::remove_file(&partial);
    Ok(BackupReport {
        backend: "sqlite",
        target: target.display().to_string(),
        bytes: file_len(from),
        checked: "PRAGMA integrity_check ok",
        audit_entries: restored?,
    })
}

fn wal_path(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

// --- PostgreSQL ---------------------------------------------------------------------------

/// The PostgreSQL client tools are looked up on `PATH`. A password in `url` goes to the tool
/// in its environment (`PGPASSWORD`), not on its command line where `ps` would show it; the
/// returned URL is the one to pass.
fn pg_tool(name: &str, url: &str) -> (tokio::process::Command, String) {
    let mut c = tokio::process::Command::new(name);
    let (url, password) = split_password(url);
    if let Some(p) = password {
        c.env("PGPASSWORD", p);
    }
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    (c, url)
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `secret` percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    if let (Some(s), Some(at)) = (url.find("://"), url.rfind('@')) {
        if at > s {
            let creds = &url[s + 3..at];
            if let Some(c) = creds.find(':') {
                let stripped = format!("{}{}{}", &url[..s + 3], &creds[..c], &url[at..]);
                return (stripped, Some(percent_decode(&creds[c + 1..])));
            }
        }
    }
    (url.to_owned(), None)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn pg_tool_error(name: &str, e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        format!(
            "{name} が見つかりません。PostgreSQL のクライアントツール（サーバと同じメジャーバージョン）を \
             インストールしてください / {name} not found on PATH: install the PostgreSQL client tools \
             of the server's major version (Debian: postgresql-client)"
        )
    } else {
        format!("running {name}: {e}")
    }
}

async fn pg_backup(url: &str, partial: &Path) -> Result<BackupReport, String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| format!("exporting a snapshot: {e}"))?;
    let (mut dump, tool_url) = pg_tool("pg_dump", url);
    let dump = dump
        .arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(partial)
        .arg("--dbname")
        .arg(&tool_url)
        .spawn()
        .map_err(|e| pg_tool_error("pg_dump", e))?;
    // The audit chain of the very snapshot being dumped, while pg_dump runs.
    let audit = crate::postgres::verify_audit_on(&mut tx).await;
    let out = dump
        .wait_with_output()
        .await
        .map_err(|e| format!("pg_dump: {e}"))?;
    // The snapshot must stay exported until pg_dump has taken it: end the transaction only now.
    let _ = tx.rollback().await;
    if !out.status.success() {
        return Err(format!(
            "pg_dump failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let audit_entries = audit.map_err(|e| {
        format!("監査ログの検証に失敗しました / the audit log failed verification: {e}")
    })?;
    let list = pg_tool("pg_restore", url)
        .0
        .arg("--list")
        .arg(partial)
        .output()
        .await
        .map_err(|e| pg_tool_error("pg_restore", e))?;
    let listing = String::from_utf8_lossy(&list.stdout);
    if !list.status.success() || !listing.contains("TABLE DATA public audit_log") {
        return Err(format!(
            "the dump cannot be read back with pg_restore --list ({}): {}",
            list.status,
            String::from_utf8_lossy(&list.stderr).trim()
        ));
    }
    Ok(BackupReport {
        backend: "postgres",
        target: String::new(),
        bytes: file_len(partial),
        checked: "archive read back with pg_restore --list",
        audit_entries,
    })
}

async fn pg_restore(url: &str, from: &Path) -> Result<BackupReport, String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    let relations: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' \
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| format!("PostgreSQL: {e}"))?;
    if relations > 0 {
        return Err(format!(
            "復元先のデータベースは空ではありません（{relations}個のテーブル等）。空のデータベースに復元してください / \
             the target database is not empty ({relations} tables or sequences): restore only into an empty database"
        ));
    }
    let (mut restore, tool_url) = pg_tool("pg_restore", url);
    let out = restore
        .args([
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
        ])
        .arg("--dbname")
        .arg(&tool_url)
        .arg(from)
        .output()
        .await
        .map_err(|e| pg_tool_error("pg_restore", e))?;
    if !out.status.success() {
        return Err(format!(
            "pg_restore failed ({}); nothing was restored: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
    let audit_entries = crate::postgres::verify_audit_on(&mut tx)
        .await
        .map_err(|e| {
            format!(
                "監査ログの検証に失敗しました / the restored audit log failed verification: {e}"
            )
        })?;
    let _ = tx.rollback().await;
    Ok(BackupReport {
        backend: "postgres",
        target: redact(url),
        bytes: file_len(from),
        checked: "restored in one transaction by pg_restore",
        audit_entries,
    })
}

/// The URL without a password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/kakehashi.sqlite3"),
            Some(PathBuf::from("data/kakehashi.sqlite3"))
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            split_password("postgres://u:p%40ss@h:5432/db"),
            ("postgres://u@h:5432/db".to_owned(), Some("p@ss".to_owned()))
        );
        assert_eq!(
            split_password("postgres://u@h/db"),
            ("postgres://u@h/db".to_owned(), None)
        );
    }
}
