//! `cargo bench --bench national -- [--backend sqlite|postgres] [--operators N]
//! [--reports M] [--concurrency C] [--reads K]`
//!
//! A world built through the product's own HTTP API, then measured through it (the real router
//! on loopback, the real database; a release build):
//!
//! 1. **People**: a platform administrator creates N operator organisations in the electric
//!    power sector and a reporter in each (`POST /api/v1/orgs`, `POST /api/v1/orgs/{id}/people`:
//!    every person costs an Argon2id hash); people per second.
//! 2. **Durable submissions**: C reporters of C different operators file M statutory first
//!    reports at once (`POST /api/v1/liaisons`, each acknowledged only after its transaction
//!    commits); submissions per second and latency p50/p99, beside the disk's own rate of
//!    4 KiB write + fdatasync measured in the same run (the bound of any durable commit).
//! 3. **Listings**: the ministry's inbox, the ministry's keyword search and one operator's inbox
//!    (`GET /api/v1/liaisons/inbox`, `GET /api/v1/liaisons?q=`), K reads each one after another;
//!    p50/p99.
//!
//! It prints a Markdown table; BENCHMARKS.md keeps the figures with the command and machine.

#[allow(dead_code, unused_macros)]
#[path = "../tests/common.rs"]
mod common;

use common::{power_form, Backend, Session, TestServer};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

struct Opts {
    backend: Backend,
    operators: usize,
    reports: usize,
    concurrency: usize,
    reads: usize,
}

fn opts() -> Opts {
    let mut o = Opts {
        backend: Backend::Sqlite,
        operators: 200,
        reports: 2_000,
        concurrency: 16,
        reads: 200,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        let n = || {
            value
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("{}: a number", args[i]))
        };
        match args[i].as_str() {
            "--backend" => {
                o.backend = match value.as_str() {
                    "postgres" => Backend::Postgres,
                    _ => Backend::Sqlite,
                }
            }
            "--operators" => o.operators = n(),
            "--reports" => o.reports = n(),
            "--concurrency" => o.concurrency = n(),
            "--reads" => o.reads = n(),
            // cargo bench passes `--bench`; anything else is not ours.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o.concurrency = o.concurrency.clamp(1, o.operators.max(1));
    o
}

/// p-th percentile (0–100) of sorted durations, in milliseconds.
fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// The disk's durable-write rate: 4 KiB written and fdatasync'ed in a loop for two seconds.
fn fsync_rate() -> f64 {
    let path = std::env::temp_dir().join(format!("kkh-fsync-{}", std::process::id()));
    let mut f = std::fs::File::create(&path).expect("temp file");
    let block = [0u8; 4096];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        f.write_all(&block).expect("write");
        f.sync_data().expect("fdatasync");
        n += 1;
    }
    let _ = std::fs::remove_file(&path);
    n as f64 / start.elapsed().as_secs_f64()
}

async fn timed_reads(s: &Session, path: &str, k: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(k);
    for _ in 0..k {
        let t = Instant::now();
        let (st, v) = s.get(path).await;
        out.push(t.elapsed());
        assert_eq!(st, 200, "{path}: {v}");
    }
    out.sort();
    out
}

fn main() {
    let o = opts();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(o));
}

async fn run(o: Opts) {
    let backend = match o.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let srv = TestServer::start(o.backend).await;
    // The server's own upkeep, as `kakehashi serve` runs it: the planner's table statistics.
    let _statistics = srv
        .app
        .spawn_statistics_worker(std::time::Duration::from_secs(60));
    let admin = srv.login_admin().await;

    // 1. People.
    let t = Instant::now();
    let mut reporters = Vec::new();
    for i in 0..o.operators {
        let name = format!("ベンチ電力{i:05}株式会社");
        let (st, org) = admin
            .post(
                "/api/v1/orgs",
                json!({ "kind": "operator", "name_ja": name, "name_en": format!("Bench Power {i:05}"),
                        "sectors": ["electric_power"] }),
            )
            .await;
        assert_eq!(st, 201, "{org}");
        let id = org["id"].as_str().expect("org id").to_owned();
        let login = format!("bench-op-{i:05}");
        let (st, p) = admin
            .post(
                &format!("/api/v1/orgs/{id}/people"),
                json!({ "login": login, "display_name": format!("報告 {i}"), "password": "bench-one-time-1",
                        "roles": ["reporter"], "employment": "staff" }),
            )
            .await;
        assert_eq!(st, 201, "{p}");
        if reporters.len() < o.concurrency {
            reporters.push((login, name));
        }
    }
    let people_secs = t.elapsed().as_secs_f64();

    // 2. Durable submissions.
    let mut sessions = Vec::new();
    for (login, name) in &reporters {
        let s = srv
            .login_changing_password(login, "bench-one-time-1", "bench-own-password-1")
            .await;
        sessions.push((s, name.clone()));
    }
    let per = o.reports / sessions.len();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (s, name) in sessions {
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per);
            for k in 0..per {
                let mut form = power_form("AMBER");
                form["operator_name"] = json!(name);
                form["summary"]["description"] = json!(format!(
                    "{name} 給電指令システムへの大量アクセス（ベンチマーク {k}）"
                ));
                let t = Instant::now();
                let (st, v) = s
                    .post(
                        "/api/v1/liaisons",
                        json!({ "form": form, "statutory": true }),
                    )
                    .await;
                lat.push(t.elapsed());
                assert_eq!(st, 201, "{v}");
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.expect("filer"));
    }
    let filing_secs = t.elapsed().as_secs_f64();
    lat.sort();
    let filed = lat.len();
    let disk = fsync_rate();

    // 3. Listings.
    let meti = srv.login("meti").await;
    let op = srv
        .login_with(&reporters[0].0, "bench-own-password-1")
        .await;
    let inbox = timed_reads(&meti, "/api/v1/liaisons/inbox?limit=50", o.reads).await;
    let search = timed_reads(
        &meti,
        "/api/v1/liaisons?q=%E7%B5%A6%E9%9B%BB&limit=50",
        o.reads,
    )
    .await;
    let own = timed_reads(&op, "/api/v1/liaisons/inbox?limit=50", o.reads).await;

    println!(
        "\n| {backend} | operators {} · reports {filed} · concurrency {} · reads {} |",
        o.operators, o.concurrency, o.reads
    );
    println!("|---|---|");
    println!(
        "| people created (Argon2id each) | {:.1} /s |",
        o.operators as f64 / people_secs
    );
    println!(
        "| durable submissions | {:.1} /s (p50 {:.1} ms, p99 {:.1} ms) |",
        filed as f64 / filing_secs,
        pct(&lat, 50.0),
        pct(&lat, 99.0)
    );
    println!("| disk: 4 KiB write + fdatasync, same run | {disk:.1} /s |");
    println!(
        "| submissions ÷ fsync rate | {:.2} |",
        filed as f64 / filing_secs / disk
    );
    for (what, d) in [
        ("ministry inbox, 50 rows", &inbox),
        ("ministry keyword search, 50 rows", &search),
        ("operator inbox, 50 rows", &own),
    ] {
        println!(
            "| {what} | p50 {:.2} ms, p99 {:.2} ms |",
            pct(d, 50.0),
            pct(d, 99.0)
        );
    }
}
