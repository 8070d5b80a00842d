//! Crash durability of the real binary: **a write that was acknowledged survives `kill -9`, and
//! the audit chain still verifies.**
//!
//! Why: a 201 tells an operator that their 情報連絡 is filed; they will not file it again. So the
//! server must acknowledge only after the liaison (chain, report, hop copies, audience keys) and
//! its audit entry are committed together, and a crash at any moment must leave the audit hash
//! chain and its stored head consistent — never a half-written transaction, never an entry the
//! head does not cover.
//!
//! How: the `kakehashi` binary is started as a child process on a fresh database, several tasks
//! file liaisons as `op-power` in a loop, and the process is sent SIGKILL at a different moment
//! of each of three cycles while requests are in flight. After each kill, `kakehashi audit
//! verify` runs on the crashed state, the binary is restarted on the same database, and every
//! chain and copy whose filing was answered with 201 must be in the operator's inbox. Requests
//! cut off by the kill may or may not have been committed; only the acknowledged ones are owed.
//!
//! What this does not prove: SIGKILL loses what the process holds, not what the kernel has
//! already accepted, so it checks commit-before-acknowledge, crash recovery (SQLite WAL,
//! PostgreSQL aborting the dropped connections' transactions) and the audit chain's atomicity —
//! not that `fsync` reaches the disk on power loss (that is `synchronous = FULL`'s job).
//!
//! Runs on SQLite (the default: `--data-dir`) and on PostgreSQL (`--database-url`, a freshly
//! created database at `127.0.0.1:5432` or `KAKEHASHI_TEST_PG`, dropped afterwards).

#![cfg(unix)]

use crate::common::{power_form, Session, PASSWORD};
use reqwest::Client;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_kakehashi");
/// Kill cycles per test.
const CYCLES: usize = 3;
/// Concurrent filing tasks.
pub(crate) const WRITERS: usize = 4;
/// Acknowledged filings to wait for in a cycle before the kill timer starts.
pub(crate) const MIN_ACKS: usize = 5;
/// Base delay between "load is running" and SIGKILL, per cycle (plus up to 250 ms of jitter).
const KILL_AFTER_MS: [u64; CYCLES] = [300, 800, 1300];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_writes_survive_kill_9_and_audit_verifies() {
    kill_cycles(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_writes_survive_kill_9_and_audit_verifies() {
    kill_cycles(Db::postgres().await).await;
}

/// A filing the server answered with 201.
#[derive(Debug, Clone)]
pub(crate) struct Acked {
    pub(crate) chain: String,
    pub(crate) copies: Vec<String>,
}

async fn kill_cycles(db: Db) {
    let started = Instant::now();
    let mut acked: Vec<Acked> = Vec::new();
    let mut server = Server::start(&db).await;
    for (cycle, kill_after_ms) in KILL_AFTER_MS.into_iter().enumerate() {
        let delay = Duration::from_millis(kill_after_ms + jitter_ms(250));
        let new = load_then_kill(&mut server, delay).await;
        assert!(
            new.len() >= MIN_ACKS,
            "cycle {cycle}: only {} filings acknowledged before the kill",
            new.len()
        );
        acked.extend(new);

        // The crashed state itself, before a restarted server touches it.
        audit_verify(&db).await;

        server = Server::start(&db).await;
        let reader = sign_in(&server.base).await;
        let (chains, copies) = inbox(&reader).await;
        let missing: Vec<&Acked> = acked
            .iter()
            .filter(|a| !chains.contains(&a.chain) || a.copies.iter().any(|c| !copies.contains(c)))
            .collect();
        assert!(
            missing.is_empty(),
            "cycle {cycle} ({}): {} of {} acknowledged filings lost after kill -9 and restart: {missing:?}",
            db.name(),
            missing.len(),
            acked.len()
        );
        println!(
            "{} cycle {cycle}: killed after {delay:?}; {} acknowledged so far, all present ({} copies in the inbox)",
            db.name(),
            acked.len(),
            copies.len()
        );
    }
    server.kill_9();
    audit_verify(&db).await;
    println!("{} crash test took {:?}", db.name(), started.elapsed());
}

/// Files liaisons from `WRITERS` tasks until `delay` after the first `MIN_ACKS` acknowledgements,
/// then SIGKILLs the server; returns every filing that was acknowledged.
async fn load_then_kill(server: &mut Server, delay: Duration) -> Vec<Acked> {
    let session = Arc::new(sign_in(&server.base).await);
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let killing = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(file_in_a_loop(
                session.clone(),
                acked.clone(),
                killing.clone(),
            ))
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.lock().expect("acked").len() < MIN_ACKS {
        // A writer that stopped early has an error to report: go on and collect it.
        if writers.iter().any(|w| w.is_finished()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no {MIN_ACKS} acknowledged filings within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(delay).await;

    // Set before the kill: a transport error seen while this is false was not caused by it.
    killing.store(true, Ordering::SeqCst);
    server.kill_9();

    for w in writers {
        if let Err(e) = w.await.expect("writer task") {
            panic!("writer failed before the kill: {e}");
        }
    }
    let acked = acked.lock().expect("acked").clone();
    acked
}

/// One writer: file statutory AMBER liaisons until the server goes away.
pub(crate) async fn file_in_a_loop(
    s: Arc<Session>,
    acked: Arc<Mutex<Vec<Acked>>>,
    killing: Arc<AtomicBool>,
) -> Result<(), String> {
    let body = json!({ "form": power_form("AMBER"), "statutory": true });
    loop {
        let res = s
            .client
            .post(format!("{}/api/v1/liaisons", s.base))
            .header("x-csrf-token", &s.csrf)
            .json(&body)
            .send()
            .await;
        let res = match res {
            Ok(r) => r,
            Err(_) if killing.load(Ordering::SeqCst) => return Ok(()),
            Err(e) => return Err(format!("request failed: {e}")),
        };
        let status = res.status().as_u16();
        // A body cut off by the kill means the filing was never acknowledged.
        let filed: Value = match res.json().await {
            Ok(v) => v,
            Err(_) if killing.load(Ordering::SeqCst) => return Ok(()),
            Err(e) => return Err(format!("response {status} unreadable: {e}")),
        };
        if status != 201 {
            return Err(format!("filing answered {status}: {filed}"));
        }
        let chain = filed["chain"].as_str().ok_or("201 without chain")?;
        let copies = filed["copies"]
            .as_array()
            .ok_or("201 without copies")?
            .iter()
            .map(|c| c.as_str().map(str::to_owned).ok_or("copy id not a string"))
            .collect::<Result<Vec<_>, _>>()?;
        acked.lock().map_err(|e| e.to_string())?.push(Acked {
            chain: chain.to_owned(),
            copies,
        });
    }
}

pub(crate) async fn sign_in(base: &str) -> Session {
    let client = Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    sign_in_as(client, base, "op-power").await
}

/// Signs the demo person `login` in on `client` (which must keep cookies).
pub(crate) async fn sign_in_as(client: Client, base: &str, login: &str) -> Session {
    let res = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in of {login}");
    let body: Value = res.json().await.expect("json");
    Session {
        client,
        base: base.to_owned(),
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
    }
}

/// Chain ids and copy ids of every copy in the inbox, following the `next` cursor.
pub(crate) async fn inbox(s: &Session) -> (HashSet<String>, HashSet<String>) {
    let (mut chains, mut copies) = (HashSet::new(), HashSet::new());
    let mut cursor: Option<String> = None;
    loop {
        let mut req = s
            .client
            .get(format!("{}/api/v1/liaisons/inbox", s.base))
            .query(&[("limit", "500")]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let res = req.send().await.expect("inbox");
        assert_eq!(res.status(), 200, "inbox");
        let page: Value = res.json().await.expect("inbox json");
        for item in page["items"].as_array().expect("items") {
            let summary = &item["summary"];
            chains.insert(summary["chain"].as_str().expect("chain").to_owned());
            copies.insert(summary["id"].as_str().expect("copy id").to_owned());
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (chains, copies),
        }
    }
}

/// `kakehashi audit verify` on the database must exit 0 and say so.
pub(crate) async fn audit_verify(db: &Db) {
    let out = tokio::process::Command::new(BIN)
        .args(["audit", "verify"])
        .args(db.args())
        .env_remove("KAKEHASHI_DATA_DIR")
        .env_remove("KAKEHASHI_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run kakehashi audit verify");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("audit log OK"),
        "audit verify on {} failed ({}):\n{stdout}\n{}",
        db.name(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `kakehashi serve` child process; killed (SIGKILL) and reaped when dropped, so that a
/// failing assertion never leaves a server behind.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary on `db` with the demo world (loading it is idempotent), on a port the
    /// kernel picks (read back from the "listening on" line), and waits for `/healthz`.
    pub(crate) async fn start(db: &Db) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(db.args())
            .args(["--bind", "127.0.0.1:0", "--demo"])
            .env_remove("KAKEHASHI_DATA_DIR")
            .env_remove("KAKEHASHI_DATABASE_URL")
            .env_remove("KAKEHASHI_BIND")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kakehashi serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        drain(child.stdout.take().expect("stdout"), log.clone(), Some(tx));
        drain(child.stderr.take().expect("stderr"), log.clone(), None);
        let mut server = Server {
            child,
            base: String::new(),
            log,
        };

        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match rx.try_recv() {
                Ok(base) => {
                    server.base = base;
                    break;
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    panic!("kakehashi serve exited before listening")
                }
                Err(mpsc::TryRecvError::Empty) => {
                    assert!(Instant::now() < deadline, "kakehashi serve: not listening");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        let client = Client::new();
        loop {
            let ok = client
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return server;
            }
            assert!(Instant::now() < deadline, "kakehashi serve: /healthz");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and check it was the signal that ended the process (not an earlier exit).
    pub(crate) fn kill_9(&mut self) {
        self.child.kill().expect("kill -9");
        let status = self.child.wait().expect("wait");
        assert_eq!(
            status.signal(),
            Some(9),
            "server ended by {status}, not by SIGKILL"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            if let Ok(log) = self.log.lock() {
                let tail = &log[log.len().saturating_sub(40)..];
                eprintln!(
                    "--- kakehashi serve output (last lines) ---\n{}",
                    tail.join("\n")
                );
            }
        }
    }
}

/// Reads the child's output on a thread (so a full pipe never blocks it), keeping the lines for
/// failure messages and sending the base URL once the "listening on" line appears.
fn drain(
    out: impl Read + Send + 'static,
    log: Arc<Mutex<Vec<String>>>,
    mut listening: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.split("listening on ").nth(1) {
                if let (Some(tx), Some(url)) = (listening.take(), rest.split_whitespace().next()) {
                    let _ = tx.send(url.to_owned());
                }
            }
            if let Ok(mut l) = log.lock() {
                l.push(line);
            }
        }
    });
}

/// The database the server runs on; removed (SQLite directory) or dropped (PostgreSQL database)
/// afterwards. A failed SQLite run keeps its directory for inspection.
pub(crate) enum Db {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Db {
    pub(crate) fn sqlite() -> Db {
        let dir = std::env::temp_dir().join(format!("kkh-crash-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Db::Sqlite(dir)
    }

    pub(crate) async fn postgres() -> Db {
        use sqlx::Connection;
        let admin_url = std::env::var("KAKEHASHI_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("kkh_crash_{}", unique());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("PostgreSQL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create db");
        Db::Postgres { admin_url, name }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres { .. } => "postgres",
        }
    }

    /// The command-line arguments that point the binary at this database.
    pub(crate) fn args(&self) -> Vec<String> {
        match self {
            Db::Sqlite(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Db::Postgres { admin_url, name } => {
                let i = admin_url.rfind('/').expect("database in url");
                vec![
                    "--database-url".into(),
                    format!("{}/{name}", &admin_url[..i]),
                ]
            }
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        match self {
            Db::Sqlite(dir) => {
                if std::thread::panicking() {
                    eprintln!("kept the crashed data directory {}", dir.display());
                } else {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            Db::Postgres { admin_url, name } => {
                // Drop cannot await: use a runtime of its own on a separate thread.
                let (url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("rt");
                    rt.block_on(async {
                        use sqlx::Connection;
                        if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut c)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub(crate) fn unique() -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}{:x}", std::process::id())
}

/// Up to `max` ms, from the clock: enough to vary the kill moment between runs.
fn jitter_ms(max: u64) -> u64 {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from(n / 1000) % (max + 1)
}
