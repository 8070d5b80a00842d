//! Online backup and restore of the real binary: **a backup taken while liaisons are being filed
//! holds every filing acknowledged before it began, restores into a fresh place, verifies, and
//! serves.**
//!
//! Why: an operator restoring after a lost disk must get back every 情報連絡 that was filed
//! before the backup, with an audit chain that still verifies — and a restore must never
//! overwrite a database that is in use.
//!
//! How: `kakehashi serve` runs as a child process (as in the crash test); several tasks file
//! liaisons as `op-power` in a loop; once some are acknowledged, the acknowledged ones are noted
//! and `kakehashi backup --to FILE` runs while the filing goes on. The server is then stopped,
//! `kakehashi restore --from FILE` fills a fresh data directory (SQLite) or a freshly created
//! empty database (PostgreSQL), `kakehashi audit verify` must pass on it, a server started on it
//! must sign `op-power` in, and every filing acknowledged before the backup began must be in the
//! inbox. Then: a backup is not written over an existing file, and a restore into the
//! now-populated target is refused with a message saying why.

#![cfg(unix)]

use crate::crash::{
    audit_verify, file_in_a_loop, inbox, sign_in, unique, Acked, Db, Server, BIN, MIN_ACKS, WRITERS,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_online_backup_restores_every_acknowledged_filing() {
    backup_and_restore(Db::sqlite(), Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_online_backup_restores_every_acknowledged_filing() {
    backup_and_restore(Db::postgres().await, Db::postgres().await).await;
}

async fn backup_and_restore(db: Db, fresh: Db) {
    let scratch = Scratch::new();
    let file = scratch.0.join(format!("kakehashi-{}.backup", db.name()));

    let mut server = Server::start(&db).await;
    let session = Arc::new(sign_in(&server.base).await);
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let stopping = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(file_in_a_loop(
                session.clone(),
                acked.clone(),
                stopping.clone(),
            ))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.lock().expect("acked").len() < MIN_ACKS {
        if writers.iter().any(|w| w.is_finished()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no {MIN_ACKS} acknowledged filings within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Everything acknowledged up to here is owed by the backup; the writers keep going.
    let before: Vec<Acked> = acked.lock().expect("acked").clone();
    let out = kakehashi(&["backup", "--to", &file.display().to_string()], &db).await;
    assert_ok(&out, "backup OK", "backup while filing");
    let after = acked.lock().expect("acked").len();

    stopping.store(true, Ordering::SeqCst);
    server.kill_9();
    for w in writers {
        if let Err(e) = w.await.expect("writer task") {
            panic!("writer failed while the server was running: {e}");
        }
    }

    // A second backup to the same file is refused, and the file is left as it was.
    let len = std::fs::metadata(&file).expect("backup file").len();
    let again = kakehashi(&["backup", "--to", &file.display().to_string()], &db).await;
    assert_refused(&again, "already exists", "a backup over an existing file");
    assert_eq!(std::fs::metadata(&file).expect("backup file").len(), len);

    let out = kakehashi(&["restore", "--from", &file.display().to_string()], &fresh).await;
    assert_ok(&out, "restore OK", "restore into a fresh place");
    audit_verify(&fresh).await;

    let server = Server::start(&fresh).await;
    let reader = sign_in(&server.base).await;
    let (chains, copies) = inbox(&reader).await;
    let missing: Vec<&Acked> = before
        .iter()
        .filter(|a| !chains.contains(&a.chain) || a.copies.iter().any(|c| !copies.contains(c)))
        .collect();
    assert!(
        missing.is_empty(),
        "{}: {} of {} filings acknowledged before the backup are missing after restore: {missing:?}",
        db.name(),
        missing.len(),
        before.len()
    );
    println!(
        "{}: {} filings acknowledged before the backup, {} by its end; all {} restored ({} copies in the inbox)",
        db.name(),
        before.len(),
        after,
        before.len(),
        copies.len()
    );
    drop(server);

    // The restored target now holds data: a second restore into it is refused.
    let out = kakehashi(&["restore", "--from", &file.display().to_string()], &fresh).await;
    let expected = match fresh {
        Db::Sqlite(_) => "already holds a database",
        Db::Postgres { .. } => "not empty",
    };
    assert_refused(&out, expected, "a restore into a non-empty target");
    audit_verify(&fresh).await;
}

async fn kakehashi(args: &[&str], db: &Db) -> std::process::Output {
    tokio::process::Command::new(BIN)
        .args(args)
        .args(db.args())
        .env_remove("KAKEHASHI_DATA_DIR")
        .env_remove("KAKEHASHI_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run kakehashi")
}

fn assert_ok(out: &std::process::Output, expected: &str, what: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(expected),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_refused(out: &std::process::Output, expected: &str, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains(expected),
        "{what} was not refused with {expected:?} ({}):\n{}\n{stderr}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A directory for the backup file, removed afterwards (kept when the test fails).
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("kkh-backup-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept the backup directory {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
