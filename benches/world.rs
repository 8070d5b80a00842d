//! `cargo bench --bench world -- [--backend sqlite|postgres] [--orgs N] [--people-per-org P]
//! [--checkpoints 10000,100000,1000000] [--concurrency C] [--reads K] [--probe-filings F]
//! [--live L] [--provisions P] [--build-concurrency B] [--keep] [--reuse sqlite:DIR|URL]`
//!
//! Issue 11's world, built and measured through the product's own HTTP API, with the server as a
//! **child process** (the release `kakehashi` binary cargo built for this bench, `serve --demo` on
//! a fresh SQLite data directory or a freshly created PostgreSQL database), so that its resident
//! memory and start-up time are its own and not the load generator's:
//!
//! 1. **Start-up**: spawn → first 200 of `GET /healthz`, on the fresh database and again after
//!    the world is built (a restart on the loaded database); resident memory (VmRSS, VmHWM of
//!    `/proc/<pid>/status`).
//! 2. **World**: N operator organisations spread over the 15 sectors (default 5,000), P people
//!    each (default 4: 20,000 people, every one an Argon2id hash), B requests at a time.
//! 3. **Copies**: C people of C operators (spread over the sectors) file statutory first reports
//!    (`POST /api/v1/liaisons`, mostly GREEN/AMBER, one in ten RED) until the hop copies the
//!    filings answered with (`copies` of each answer) reach each checkpoint (default 10k, 100k,
//!    1M). At each checkpoint, K reads one after another (p50/p99) of: NISC's inbox, a ministry's
//!    inbox, an operator's inbox, the operator's TLP:RED search, the ministry's keyword search,
//!    the ministry's filtered listing (sector + TLP); then F durable submissions at C at once
//!    beside the disk's fsync rate measured in the same run, with the CPU time each took in
//!    the server, in this load generator and in the rest of the machine (the database server);
//!    the server's memory.
//! 4. **Provisions**: NISC sends P provisions (default 100,000; `POST /api/v1/provisions`, then
//!    `…/send`), C at once, each to one sector's ministries, GREEN and AMBER in turn; then K reads
//!    each of the provision listing of NISC, the ministry and the operator (p50/p99) and memory.
//! 5. **警報**: L people across L organisations (default 5,000) hold `GET /api/v1/events` open;
//!    NISC sends an urgent GREEN alert provision to every sector's ministry and directly to every
//!    operator organisation; the delay from the send's acknowledgement (and from the request's
//!    start) until each client hears it (p50/p99/max), clients never told, and the inbox rows
//!    counted in the database against the people who must have one.
//!
//! `KAKEHASHI_BIN=<path>` runs another build of the server (e.g. before and after a change).
//! `--reuse sqlite:<data dir>` (or a PostgreSQL URL) measures, on a world a run kept with
//! `--keep`, a start of the server, its memory, every read of phases 3 and 4, the durable
//! submissions and the 警報 of phase 5, without building the world again.
//!
//! It prints Markdown tables; BENCHMARKS.md keeps the figures with the command and machine.

use reqwest::Method;
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

struct Opts {
    backend: Backend,
    orgs: usize,
    people_per_org: usize,
    checkpoints: Vec<usize>,
    concurrency: usize,
    build_concurrency: usize,
    reads: usize,
    probe_filings: usize,
    live: usize,
    /// Provisions NISC sends after the last checkpoint.
    provisions: usize,
    /// Keep the database when done (for profiling its statements by hand).
    keep: bool,
    /// Measure the reads only, on a database an earlier run kept: `sqlite:<data dir>` or a
    /// PostgreSQL URL.
    reuse: Option<String>,
}

fn opts() -> Opts {
    let mut o = Opts {
        backend: Backend::Sqlite,
        orgs: 5_000,
        people_per_org: 4,
        checkpoints: vec![10_000, 100_000, 1_000_000],
        concurrency: 16,
        build_concurrency: 8,
        reads: 200,
        probe_filings: 400,
        live: 5_000,
        provisions: 100_000,
        keep: false,
        reuse: None,
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
            "--orgs" => o.orgs = n().max(1),
            "--people-per-org" => o.people_per_org = n().max(1),
            "--checkpoints" => {
                o.checkpoints = value
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().parse().expect("--checkpoints: numbers"))
                    .collect();
                o.checkpoints.sort_unstable();
            }
            "--concurrency" => o.concurrency = n().max(1),
            "--build-concurrency" => o.build_concurrency = n().max(1),
            "--reads" => o.reads = n().max(1),
            "--probe-filings" => o.probe_filings = n(),
            "--live" => o.live = n(),
            "--provisions" => o.provisions = n(),
            "--reuse" => o.reuse = Some(value.clone()),
            "--keep" => {
                o.keep = true;
                i += 1;
                continue;
            }
            // cargo bench passes `--bench`; anything else is not ours.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o.concurrency = o.concurrency.min(o.orgs);
    o.live = o.live.min(o.orgs * o.people_per_org);
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

/// "p50 / p99 ms" of sorted durations.
fn p50_99(sorted: &[Duration]) -> String {
    format!("{:.1} / {:.1} ms", pct(sorted, 50.0), pct(sorted, 99.0))
}

/// The disk's durable-write rate: 4 KiB written and fdatasync'ed in a loop for two seconds (the
/// probe of `benches/national.rs`).
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

fn unique() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}{:x}", std::process::id())
}

fn pg_admin_url() -> String {
    std::env::var("KAKEHASHI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// CPU time used so far, in clock ticks (`USER_HZ`): this process's (the load generator), the
/// server's, and the whole machine's busy and total time (`/proc/stat`, every core).
fn cpu_ticks(server: u32) -> [u64; 4] {
    let process = |pid: &str| {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The fields after the command's closing parenthesis start at the third; utime and
        // stime are the 14th and 15th.
        let rest: Vec<u64> = s
            .rsplit_once(") ")
            .map(|(_, r)| {
                r.split_whitespace()
                    .map(|f| f.parse().unwrap_or(0))
                    .collect()
            })
            .unwrap_or_default();
        rest.get(11).copied().unwrap_or(0) + rest.get(12).copied().unwrap_or(0)
    };
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let field = |i: usize| cpu.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal
    let busy = field(0) + field(1) + field(2) + field(5) + field(6) + field(7);
    [
        process("self"),
        process(&server.to_string()),
        busy,
        busy + field(3) + field(4),
    ]
}

/// Where the CPU time of `n` operations went, from two [`cpu_ticks`] readings: milliseconds per
/// operation of the server, the load generator and the rest of the machine (the database
/// server, the kernel's own threads), and how busy the machine's cores were.
fn cpu_per_op(before: [u64; 4], after: [u64; 4], n: usize) -> String {
    // USER_HZ is 100 on Linux for every architecture this runs on.
    let ms = |ticks: u64| ticks as f64 * 10.0 / n.max(1) as f64;
    let d: Vec<u64> = after
        .iter()
        .zip(before)
        .map(|(a, b)| a.saturating_sub(b))
        .collect();
    let rest = d[2].saturating_sub(d[0] + d[1]);
    format!(
        "{:.2} / {:.2} / {:.2} ms, cores {:.0}% busy",
        ms(d[1]),
        ms(d[0]),
        ms(rest),
        100.0 * d[2] as f64 / d[3].max(1) as f64
    )
}

/// Memory of a process from `/proc/<pid>/status`, in MiB: (VmRSS, VmHWM).
fn memory(pid: u32) -> (f64, f64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Raises this process's open-file limit to its hard limit (the server child inherits it): each
/// live client holds a socket on both sides.
fn raise_nofile(need: usize) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap_or("");
    let nums: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    let (soft, hard) = (
        nums.first().and_then(|v| v.parse::<usize>().ok()),
        nums.get(1).copied().unwrap_or("unlimited"),
    );
    if soft.is_some_and(|s| s >= need) {
        return;
    }
    let ok = Command::new("prlimit")
        .args([
            "--pid",
            &std::process::id().to_string(),
            &format!("--nofile={hard}:{hard}"),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ok || hard.parse::<usize>().is_ok_and(|h| h < need) {
        eprintln!(
            "warning: open-file limit (soft {soft:?}, hard {hard}) may be below the {need} needed"
        );
    }
}

/// The HTTP side: one client (one connection pool) for every session; sessions carry their
/// cookie and CSRF token themselves.
#[derive(Clone)]
struct Sess {
    client: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Sess {
    async fn req(&self, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .client
            .request(m, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let res = r.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let st = res.status().as_u16();
        (st, res.json().await.unwrap_or(Value::Null))
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        self.req(Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.req(Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.req(Method::PUT, path, Some(body)).await
    }
}

/// Signs in; the session and whether the password must be changed first.
async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
) -> (Sess, bool) {
    let res = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in of {login}");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kkh_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let body: Value = res.json().await.expect("json");
    let must_change = body["must_change_password"].as_bool().unwrap_or(false);
    (
        Sess {
            client: client.clone(),
            base: base.to_owned(),
            cookie,
            csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
        },
        must_change,
    )
}

/// Signs in with a one-time password and changes it (as every newcomer must); the session stays.
async fn sign_in_new(client: &reqwest::Client, base: &str, login: &str, one_time: &str) -> Sess {
    let (s, must) = sign_in(client, base, login, one_time).await;
    if must {
        let (st, v) = s
            .put(
                "/api/v1/me/password",
                json!({ "current_password": one_time, "new_password": OWN_PASSWORD }),
            )
            .await;
        assert_eq!(st, 204, "password change of {login}: {v}");
    }
    s
}

const ONE_TIME: &str = "world-one-time-1";
const OWN_PASSWORD: &str = "world-own-password-1";
const DEMO_PASSWORD: &str = "kakehashi-demo-2026";

/// The server as a child process.
struct Server {
    child: Child,
    base: String,
    /// The bootstrap administrator's one-time password (fresh database only).
    admin_password: Option<String>,
    /// Spawn → first 200 of `/healthz`.
    startup: Duration,
}

impl Server {
    fn spawn(db: &[String]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let bind = format!("127.0.0.1:{port}");
        let t = Instant::now();
        // The binary cargo built for this bench, unless another build is named (to compare two).
        let bin = server_bin();
        let mut child = Command::new(bin)
            .arg("serve")
            .arg("--demo")
            .args(["--bind", &bind])
            .args(db)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn kakehashi");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(i) = line.find("with password: ") {
                    let _ = tx.send(line[i + "with password: ".len()..].trim().to_owned());
                }
            }
        });
        let base = format!("http://{bind}");
        let health = format!("{base}/healthz");
        loop {
            if http_ok(&health) {
                break;
            }
            if let Ok(Some(st)) = child.try_wait() {
                panic!("the server exited: {st}");
            }
            assert!(t.elapsed() < Duration::from_secs(120), "no health in 120 s");
            std::thread::sleep(Duration::from_millis(2));
        }
        let startup = t.elapsed();
        Server {
            child,
            base,
            admin_password: rx.recv_timeout(Duration::from_millis(500)).ok(),
            startup,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server as Ctrl-C does (SIGINT), waiting for it to exit.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking GET over a plain TCP socket (no runtime needed while the server starts): whether
/// it answered 200.
/// The server binary: cargo's build for this bench, or `KAKEHASHI_BIN`.
fn server_bin() -> String {
    std::env::var("KAKEHASHI_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_kakehashi").to_owned())
}

fn http_ok(url: &str) -> bool {
    use std::io::Read;
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && &buf[9..12] == b"200"
}

/// Where the data lives: the server's arguments, and a direct connection for counting rows.
struct Db {
    args: Vec<String>,
    sqlite_file: Option<std::path::PathBuf>,
    pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Db {
    async fn fresh(b: Backend) -> Db {
        match b {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("kkh-world-{}", unique()));
                std::fs::create_dir_all(&dir).expect("data dir");
                Db {
                    args: vec!["--data-dir".into(), dir.display().to_string()],
                    sqlite_file: Some(dir.join("kakehashi.sqlite3")),
                    pg: None,
                    dir: Some(dir),
                }
            }
            Backend::Postgres => {
                use sqlx::Connection;
                let name = format!("kkh_world_{}", unique());
                let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
                    .await
                    .expect("PostgreSQL reachable");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create db");
                let base = pg_admin_url();
                let i = base.rfind('/').expect("db in url");
                let url = format!("{}/{name}", &base[..i]);
                Db {
                    args: vec!["--database-url".into(), url.clone()],
                    sqlite_file: None,
                    pg: Some((url, name)),
                    dir: None,
                }
            }
        }
    }

    /// A database an earlier run kept (`--keep`): `sqlite:<data dir>` or a PostgreSQL URL.
    fn kept(at: &str) -> Db {
        match at.strip_prefix("sqlite:") {
            Some(dir) => Db {
                args: vec!["--data-dir".into(), dir.to_owned()],
                sqlite_file: Some(std::path::Path::new(dir).join("kakehashi.sqlite3")),
                pg: None,
                dir: None,
            },
            None => Db {
                args: vec!["--database-url".into(), at.to_owned()],
                sqlite_file: None,
                pg: Some((at.to_owned(), String::new())),
                dir: None,
            },
        }
    }

    /// One number from the database, read directly (not through the server).
    async fn count(&self, sql: &str, bind: &str) -> i64 {
        use sqlx::Connection;
        if let Some(f) = &self.sqlite_file {
            let mut c =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", f.display()))
                    .await
                    .expect("sqlite");
            sqlx::query_scalar(sql)
                .bind(bind)
                .fetch_one(&mut c)
                .await
                .expect("count")
        } else {
            let (url, _) = self.pg.as_ref().expect("a database");
            let mut c = sqlx::PgConnection::connect(url).await.expect("pg");
            sqlx::query_scalar(sql)
                .bind(bind)
                .fetch_one(&mut c)
                .await
                .expect("count")
        }
    }

    async fn drop_it(&self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        if let Some((_, name)) = &self.pg {
            use sqlx::Connection;
            if let Ok(mut c) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c)
                    .await;
            }
        }
    }
}

/// Reference data: the 15 sectors, and which ministry is responsible for which.
async fn world_sectors(admin: &Sess) -> Vec<Sector> {
    let (st, refs) = admin.get("/api/v1/reference/sectors").await;
    assert_eq!(st, 200, "{refs}");
    let (st, dir) = admin.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{dir}");
    let dir = dir["items"].as_array().cloned().unwrap_or_default();
    let sectors: Vec<Sector> = refs["sectors"]
        .as_array()
        .expect("sectors")
        .iter()
        .map(|s| {
            let id = s["id"].as_str().expect("sector id").to_owned();
            Sector {
                service: s["services"][0]["id"]
                    .as_str()
                    .expect("a service")
                    .to_owned(),
                ministries: dir
                    .iter()
                    .filter(|o| o["kind"] == "ci_ministry")
                    .filter(|o| {
                        o["sectors"]
                            .as_array()
                            .is_some_and(|v| v.iter().any(|x| x.as_str() == Some(id.as_str())))
                    })
                    .filter_map(|o| o["id"].as_str().map(str::to_owned))
                    .collect(),
                id,
            }
        })
        .collect();
    assert_eq!(sectors.len(), 15, "the 15 sectors");
    sectors
}

/// `--reuse`: on a world an earlier run built and kept, a start of the server on it, its memory,
/// the reads of the checkpoints and of the provisions, F durable submissions at C at once, and
/// (unless `--live 0`) the 警報 to L live clients (after a change to the server, without
/// building the world again). The world's people sign in with the password the run gave them:
/// L may not exceed the live clients of that run.
async fn reads_only(o: &Opts, db: Db) {
    let srv = Server::spawn(&db.args);
    let client = reqwest::Client::new();
    let admin = sign_in(&client, &srv.base, "admin", OWN_PASSWORD).await.0;
    let sectors = Arc::new(world_sectors(&admin).await);
    // Organisation i is of sector i % 15 and its first person files, and the operator read is
    // the first filer of electric power (as in a full run).
    let power = sectors
        .iter()
        .position(|s| s.id == "electric_power")
        .expect("electric power");
    let (st, dir) = admin.get("/api/v1/orgs").await;
    assert_eq!(st, 200, "{dir}");
    let mut filers = Vec::new();
    for i in 0..o.concurrency {
        let name = format!("ワールド{i:05}株式会社");
        let id = dir["items"]
            .as_array()
            .expect("organisations")
            .iter()
            .find(|x| x["name_ja"] == name.as_str())
            .and_then(|x| x["id"].as_str())
            .unwrap_or_else(|| panic!("organisation {name}"))
            .to_owned();
        let sess = sign_in(&client, &srv.base, &format!("w{i:05}-0"), OWN_PASSWORD)
            .await
            .0;
        filers.push(Filer {
            sess,
            org: Org {
                id,
                name,
                sector: i % sectors.len(),
            },
        });
    }
    let nisc = sign_in(&client, &srv.base, "nisc", DEMO_PASSWORD).await.0;
    let meti = sign_in(&client, &srv.base, "meti", DEMO_PASSWORD).await.0;
    let op = sign_in(&client, &srv.base, &format!("w{power:05}-0"), OWN_PASSWORD)
        .await
        .0;
    let copies = db
        .count("SELECT COUNT(*) FROM copies WHERE id <> $1", "")
        .await;
    let provisions = db
        .count("SELECT COUNT(*) FROM provisions WHERE state = $1", "sent")
        .await;
    let mem = memory(srv.pid());
    let reads = listing_reads([&nisc, &meti, &op], o.reads).await;
    let sent = provision_reads([&nisc, &meti, &op], o.reads).await;
    // Durable submissions in this world, beside the disk's fsync rate.
    let disk = fsync_rate();
    let (copies_told, filed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let t = Instant::now();
    let cpu_before = cpu_ticks(srv.pid());
    let lat = file_until(
        &filers,
        &sectors,
        &copies_told,
        &filed,
        usize::MAX,
        o.probe_filings,
    )
    .await;
    let rate = filed.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64();
    let cpu = cpu_per_op(
        cpu_before,
        cpu_ticks(srv.pid()),
        filed.load(Ordering::Relaxed),
    );
    println!("\n| kept world: {} | |", db.args.join(" "));
    println!("|---|---|");
    println!("| copies · sent provisions | {copies} · {provisions} |");
    println!(
        "| server start on it (spawn → /healthz 200) | {:.0} ms |",
        srv.startup.as_secs_f64() * 1000.0
    );
    println!(
        "| server memory after the start (VmRSS / VmHWM) | {:.0} / {:.0} MiB |",
        mem.0, mem.1
    );
    let names = [
        "NISC inbox",
        "ministry inbox",
        "operator inbox",
        "operator RED search",
        "ministry keyword search",
        "ministry sector + TLP listing",
    ];
    for (name, r) in names.iter().zip(&reads) {
        println!("| {name}, p50 / p99 ({} reads) | {} |", o.reads, p50_99(r));
    }
    for (name, r) in ["NISC", "ministry", "operator"].iter().zip(&sent) {
        println!("| {name}'s provision listing, p50 / p99 | {} |", p50_99(r));
    }
    println!(
        "| durable submissions, {} at once | {rate:.1} /s (p50 {:.0} ms, p99 {:.0} ms), {:.3} of fsync ({disk:.0} /s) |",
        o.concurrency,
        pct(&lat, 50.0),
        pct(&lat, 99.0),
        rate / disk
    );
    println!("| CPU a submission: server / load generator / rest | {cpu} |");
    if o.live > 0 {
        // The world's operators in the order they were made (their names number them), and
        // its people; the live clients are people the run that built the world signed in.
        let mut orgs: Vec<(String, String)> = dir["items"]
            .as_array()
            .expect("organisations")
            .iter()
            .filter_map(|x| {
                Some((
                    x["name_ja"].as_str()?.to_owned(),
                    x["id"].as_str()?.to_owned(),
                ))
            })
            .filter(|(name, _)| name.starts_with("ワールド"))
            .collect();
        orgs.sort();
        let people = db
            .count("SELECT COUNT(*) FROM people WHERE login LIKE $1", "w%")
            .await as usize;
        alert(&Alert {
            backend: if db.pg.is_some() {
                "postgres"
            } else {
                "sqlite"
            },
            db: &db,
            client: &client,
            base: &srv.base,
            pid: srv.pid(),
            sectors: &sectors,
            orgs: orgs.into_iter().map(|(_, id)| id).collect(),
            people,
            live: o.live.min(people),
            filers: o.concurrency,
            build_concurrency: o.build_concurrency,
            reused: true,
            restart: srv.startup,
            restart_mem: mem,
            loaded_hwm: mem.1,
        })
        .await;
    }
    srv.stop();
}

/// What phase 5 needs of the world it runs in.
struct Alert<'a> {
    backend: &'a str,
    db: &'a Db,
    client: &'a reqwest::Client,
    base: &'a str,
    pid: u32,
    sectors: &'a [Sector],
    /// The world's operator organisations, in the order they were made.
    orgs: Vec<String>,
    people: usize,
    live: usize,
    filers: usize,
    build_concurrency: usize,
    /// A kept world (`--reuse`): every live client's person changed the password already.
    reused: bool,
    restart: Duration,
    restart_mem: (f64, f64),
    loaded_hwm: f64,
}

/// Phase 5, 警報: L people across L organisations hold the live stream open; NISC sends an
/// urgent GREEN provision to every sector's ministries and every operator directly; how long
/// until each client hears it, and the alert's inbox rows counted in the database.
async fn alert(a: &Alert<'_>) {
    let t = Instant::now();
    let live_people: Vec<(usize, usize)> = (0..a.live)
        .map(|i| (i % a.orgs.len(), i / a.orgs.len()))
        .collect();
    let live_sessions: Vec<Sess> = {
        let (client, base, lp) = (a.client.clone(), a.base.to_owned(), Arc::new(live_people));
        let (filers_n, reused) = (a.filers, a.reused);
        par(lp.len(), a.build_concurrency, move |i| {
            let (client, base, lp) = (client.clone(), base.clone(), Arc::clone(&lp));
            async move {
                let (org, j) = lp[i];
                let login = format!("w{org:05}-{j}");
                // The filers changed their password already, and everyone of a kept world
                // who was a live client in the run that built it.
                if (j == 0 && org < filers_n) || reused {
                    sign_in(&client, &base, &login, OWN_PASSWORD).await.0
                } else {
                    sign_in_new(&client, &base, &login, ONE_TIME).await
                }
            }
        })
        .await
    };
    let signin_secs = t.elapsed().as_secs_f64();
    let nisc = sign_in(a.client, a.base, "nisc", DEMO_PASSWORD).await.0;
    // Signed in, no stream yet: what the sign-ins (and their hashing) left behind.
    let signed_mem = memory(a.pid);

    // Each client: its own connection, holding the stream; it reports when it hears `want`.
    let (want_tx, want_rx) = tokio::sync::watch::channel(String::new());
    let opened = Arc::new(AtomicUsize::new(0));
    let mut listeners = Vec::new();
    let t = Instant::now();
    for s in live_sessions {
        let (mut want_rx, opened) = (want_rx.clone(), Arc::clone(&opened));
        listeners.push(tokio::spawn(async move {
            // A client of its own: one connection per stream, as browsers have.
            let res = s
                .client
                .get(format!("{}/api/v1/events", s.base))
                .header("cookie", &s.cookie)
                .send()
                .await
                .expect("events");
            assert_eq!(res.status(), 200, "the live stream opens");
            opened.fetch_add(1, Ordering::Relaxed);
            let mut res = res;
            let mut buf = String::new();
            loop {
                match res.chunk().await {
                    Ok(Some(c)) => {
                        let at = Instant::now();
                        buf.push_str(&String::from_utf8_lossy(&c));
                        let want = want_rx.borrow_and_update().clone();
                        if !want.is_empty() && buf.contains(&want) {
                            return Some(at);
                        }
                        if buf.len() > 1 << 16 {
                            buf.clear();
                        }
                    }
                    _ => return None,
                }
            }
        }));
    }
    while opened.load(Ordering::Relaxed) < listeners.len() {
        assert!(
            t.elapsed() < Duration::from_secs(300),
            "live streams did not open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let open_secs = t.elapsed().as_secs_f64();
    let live_mem = memory(a.pid);

    // The alert: GREEN, urgent, every sector's ministries, every operator directly.
    let mut recipients = Vec::new();
    for s in a.sectors {
        for m in &s.ministries {
            recipients.push(json!({ "ministry": m, "sector": s.id }));
        }
    }
    let direct: Vec<&str> = a.orgs.iter().map(String::as_str).collect();
    let (st, draft) = nisc
        .post(
            "/api/v1/provisions",
            json!({
                "urgent": true,
                "direct_recipients": direct,
                "form": {
                    "importance": "alert", "tlp": "GREEN", "has_attachments": false,
                    "recipients": recipients,
                    "summary": "重要インフラ全分野を狙った攻撃の予告が確認された（ワールド警報）。",
                    "targets": "インターネットに公開された業務システム",
                    "countermeasures": "通信先をブロックすること。",
                    "contact": { "person": "提供 花子" }
                }
            }),
        )
        .await;
    assert_eq!(st, 201, "the alert's draft: {draft}");
    let id = draft["id"].as_str().expect("draft id").to_owned();
    let (st, check) = nisc.get(&format!("/api/v1/provisions/{id}/check")).await;
    assert_eq!(st, 200, "{check}");
    assert_eq!(check["blockers"], json!([]), "{check}");
    // The clients look for the provision's id in what they hear.
    want_tx.send(id.clone()).expect("listeners");
    let t0 = Instant::now();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    let ack = Instant::now();
    assert_eq!(st, 200, "the alert is sent: {sent}");
    let mut from_ack = Vec::new();
    let mut from_start = Vec::new();
    let mut missed = 0;
    let deadline = tokio::time::Instant::from_std(ack + Duration::from_secs(60));
    for l in listeners {
        let abort = l.abort_handle();
        let heard = match tokio::time::timeout_at(deadline, l).await {
            Ok(r) => r.expect("listener"),
            Err(_) => {
                abort.abort();
                None
            }
        };
        match heard {
            Some(at) => {
                from_ack.push(at.saturating_duration_since(ack));
                from_start.push(at.saturating_duration_since(t0));
            }
            None => missed += 1,
        }
    }
    from_ack.sort();
    from_start.sort();
    let after_mem = memory(a.pid);
    let rows =
        a.db.count("SELECT COUNT(*) FROM notifications WHERE ref_id = $1", &id)
            .await;
    let world_rows =
        a.db.count(
            "SELECT COUNT(*) FROM notifications n JOIN people p ON p.id = n.person_id \
             WHERE n.ref_id = $1 AND p.login LIKE 'w%'",
            &id,
        )
        .await;
    let (backend, people, restart_mem, loaded_hwm) =
        (a.backend, a.people, a.restart_mem, a.loaded_hwm);
    println!(
        "\n| {backend}: 警報 | {} live clients · {} organisations · {people} people |",
        a.live,
        a.orgs.len()
    );
    println!("|---|---|");
    println!(
        "| server start-up, restart with the world loaded | {:.0} ms |",
        a.restart.as_secs_f64() * 1000.0
    );
    println!(
        "| server memory: after restart / {} signed in / with their streams open / after the alert (VmRSS) | {:.0} / {:.0} / {:.0} / {:.0} MiB (VmHWM before the restart {loaded_hwm:.0} MiB, after the alert {:.0} MiB) |",
        a.live, restart_mem.0, signed_mem.0, live_mem.0, after_mem.0, after_mem.1
    );
    println!(
        "| live clients signed in | {:.0} s ({:.1} /s); streams opened in {open_secs:.1} s |",
        signin_secs,
        a.live as f64 / signin_secs
    );
    println!(
        "| send acknowledged (request → 200) | {:.0} ms |",
        (ack - t0).as_secs_f64() * 1000.0
    );
    println!(
        "| each client told, from the acknowledgement | p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms |",
        pct(&from_ack, 50.0),
        pct(&from_ack, 99.0),
        pct(&from_ack, 100.0)
    );
    println!(
        "| each client told, from the send request | p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms |",
        pct(&from_start, 50.0),
        pct(&from_start, 99.0),
        pct(&from_start, 100.0)
    );
    println!("| clients never told (within 60 s of the acknowledgement) | {missed} |");
    println!(
        "| inbox rows of the alert (database) | {rows} in all; {world_rows} of the {people} world people{} |",
        if world_rows as usize == people { " (every one)" } else { " (**MISSING ROWS**)" }
    );
}

/// Runs `f(i)` for i in 0..n, at most `conc` at once; the answers in order.
async fn par<T, F, Fut>(n: usize, conc: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..conc.max(1).min(n.max(1)) {
        let (f, next) = (Arc::clone(&f), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return out;
                }
                out.push((i, f(i).await));
            }
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.expect("worker"));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, v)| v).collect()
}

async fn timed_reads(s: &Sess, path: &str, k: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(k);
    for _ in 0..k {
        let t = Instant::now();
        let (st, v) = s.get(path).await;
        out.push(t.elapsed());
        assert_eq!(st, 200, "{path}: {v}");
        assert!(v["items"].is_array(), "{path}: a listing: {v}");
    }
    out.sort();
    out
}

/// The listings read at each checkpoint, one after another: whose (0 NISC, 1 the ministry,
/// 2 the operator) and which — the three inboxes, the operator's TLP:RED search, the ministry's
/// keyword search (給電指令) and the ministry's filtered listing (sector + TLP).
const LISTINGS: [(usize, &str); 6] = [
    (0, "/api/v1/liaisons/inbox?limit=50"),
    (1, "/api/v1/liaisons/inbox?limit=50"),
    (2, "/api/v1/liaisons/inbox?limit=50"),
    (2, "/api/v1/liaisons?tlp=RED&limit=50"),
    (
        1,
        "/api/v1/liaisons?q=%E7%B5%A6%E9%9B%BB%E6%8C%87%E4%BB%A4&limit=50",
    ),
    (
        1,
        "/api/v1/liaisons?sector=electric_power&tlp=AMBER&limit=50",
    ),
];

/// `k` reads of each of [`LISTINGS`] by NISC, the ministry and the operator.
async fn listing_reads(viewers: [&Sess; 3], k: usize) -> Vec<Vec<Duration>> {
    let mut out = Vec::new();
    for (who, path) in LISTINGS {
        out.push(timed_reads(viewers[who], path, k).await);
    }
    out
}

/// `k` reads of the provision listing by each of NISC, the ministry and the operator.
async fn provision_reads(viewers: [&Sess; 3], k: usize) -> Vec<Vec<Duration>> {
    let mut out = Vec::new();
    for s in viewers {
        out.push(timed_reads(s, "/api/v1/provisions", k).await);
    }
    out
}

/// A sector: its id, Japanese name, first CI service, and the ministries responsible for it.
#[derive(Clone)]
struct Sector {
    id: String,
    service: String,
    ministries: Vec<String>,
}

/// An operator organisation of the world.
#[derive(Clone)]
struct Org {
    id: String,
    name: String,
    sector: usize,
}

/// A statutory first report of an operator of `sector`, at `tlp`.
fn form(sector: &Sector, org: &Org, tlp: &str, k: usize) -> Value {
    // 給電指令 only in electric power: the ministry's keyword search finds that sector's reports.
    let system = if sector.id == "electric_power" {
        "給電指令システム"
    } else {
        "業務システム"
    };
    json!({
        "importance": "caution",
        "tlp": tlp,
        "tlp_notes": "",
        "has_attachments": false,
        "sector": sector.id,
        "event": "EV-04",
        "causes": ["CA-I-03"],
        "operator_name": org.name,
        "summary": {
            "discovered_at": "2026-11-20T01:00:00Z",
            "occurred_at": "2026-11-20T00:30:00Z",
            "affected_system": format!("{} {system}", org.name),
            "description": format!("{} の{system}への大量アクセス（ワールド {k}）。", org.name)
        },
        "impact": {
            "system_status": "partly_running",
            "service": sector.service,
            "measures": {},
            // No figures given: the deviation cannot be judged, so it is left blank (null).
            "sml_deviation": null,
            "spread_to_others": false
        },
        "next_steps": "ongoing"
    })
}

fn tlp_of(k: usize) -> &'static str {
    match k % 10 {
        0 => "RED",
        1..=4 => "AMBER",
        _ => "GREEN",
    }
}

/// One filer: a signed-in person of an operator.
#[derive(Clone)]
struct Filer {
    sess: Sess,
    org: Org,
}

/// Files until the answered hop copies reach `copies_target` or `filed` reaches
/// `filings_limit`, whichever comes first; each filing's latency.
async fn file_until(
    filers: &[Filer],
    sectors: &Arc<Vec<Sector>>,
    copies: &Arc<AtomicUsize>,
    filed: &Arc<AtomicUsize>,
    copies_target: usize,
    filings_limit: usize,
) -> Vec<Duration> {
    let mut tasks = Vec::new();
    for f in filers.iter().cloned() {
        let (sectors, copies, filed) = (Arc::clone(sectors), Arc::clone(copies), Arc::clone(filed));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while copies.load(Ordering::Relaxed) < copies_target {
                let k = filed.fetch_add(1, Ordering::Relaxed);
                if k >= filings_limit {
                    filed.fetch_sub(1, Ordering::Relaxed);
                    break;
                }
                let body = json!({ "form": form(&sectors[f.org.sector], &f.org, tlp_of(k), k), "statutory": true });
                let t = Instant::now();
                let (st, v) = f.sess.post("/api/v1/liaisons", body).await;
                lat.push(t.elapsed());
                assert_eq!(st, 201, "filing: {v}");
                let n = v["copies"].as_array().map_or(0, Vec::len);
                assert!(n > 0, "a filing makes copies: {v}");
                copies.fetch_add(n, Ordering::Relaxed);
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.expect("filer"));
    }
    lat.sort();
    lat
}

fn main() {
    let o = opts();
    raise_nofile(2 * o.live + 1024);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(o));
}

async fn run(o: Opts) {
    if let Some(kept) = &o.reuse {
        return reads_only(&o, Db::kept(kept)).await;
    }
    let backend = match o.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let db = Db::fresh(o.backend).await;
    let mut srv = Server::spawn(&db.args);
    let fresh_startup = srv.startup;
    let fresh_mem = memory(srv.pid());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("client");
    let base = srv.base.clone();
    let admin_pw = srv
        .admin_password
        .clone()
        .expect("first start prints the admin password");
    let admin = sign_in_new(&client, &base, "admin", &admin_pw).await;

    let sectors = Arc::new(world_sectors(&admin).await);

    // 2. The world: organisations, then people.
    let t = Instant::now();
    let orgs: Vec<Org> = {
        let (admin, sectors) = (admin.clone(), Arc::clone(&sectors));
        par(o.orgs, o.build_concurrency, move |i| {
            let (admin, sectors) = (admin.clone(), Arc::clone(&sectors));
            async move {
                let sector = i % sectors.len();
                let name = format!("ワールド{i:05}株式会社");
                let (st, v) = admin
                    .post(
                        "/api/v1/orgs",
                        json!({ "kind": "operator", "name_ja": name, "name_en": format!("World {i:05}"),
                                "sectors": [sectors[sector].id] }),
                    )
                    .await;
                assert_eq!(st, 201, "{v}");
                Org {
                    id: v["id"].as_str().expect("org id").to_owned(),
                    name,
                    sector,
                }
            }
        })
        .await
    };
    let orgs_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let people = o.orgs * o.people_per_org;
    {
        let (admin, orgs) = (admin.clone(), Arc::new(orgs.clone()));
        let per = o.people_per_org;
        par(people, o.build_concurrency, move |i| {
            let (admin, orgs) = (admin.clone(), Arc::clone(&orgs));
            async move {
                // Person j of every organisation before person j+1 of any.
                let (org, j) = (i % orgs.len(), i / orgs.len());
                let _ = per;
                let (st, v) = admin
                    .post(
                        &format!("/api/v1/orgs/{}/people", orgs[org].id),
                        json!({ "login": format!("w{org:05}-{j}"), "display_name": format!("ワールド {org} {j}"),
                                "password": ONE_TIME, "roles": ["reader", "reporter"], "employment": "staff" }),
                    )
                    .await;
                assert_eq!(st, 201, "{v}");
            }
        })
        .await;
    }
    let people_secs = t.elapsed().as_secs_f64();
    let world_mem = memory(srv.pid());
    println!(
        "\n| {backend}: world | {} organisations · {people} people |",
        o.orgs
    );
    println!("|---|---|");
    println!(
        "| server start-up, fresh database (spawn → /healthz 200) | {:.0} ms |",
        fresh_startup.as_secs_f64() * 1000.0
    );
    println!(
        "| server memory at start, fresh (VmRSS / VmHWM) | {:.0} / {:.0} MiB |",
        fresh_mem.0, fresh_mem.1
    );
    println!(
        "| organisations created | {:.1} /s |",
        o.orgs as f64 / orgs_secs
    );
    println!(
        "| people created (Argon2id each), {} at once | {:.1} /s ({:.0} s) |",
        o.build_concurrency,
        people as f64 / people_secs,
        people_secs
    );
    println!(
        "| server memory with the world (VmRSS / VmHWM) | {:.0} / {:.0} MiB |",
        world_mem.0, world_mem.1
    );

    // 3. Copies, and the reads at each checkpoint.
    let filers: Vec<Filer> = {
        let (client, base, orgs) = (client.clone(), base.clone(), Arc::new(orgs.clone()));
        par(o.concurrency, o.build_concurrency, move |i| {
            let (client, base, orgs) = (client.clone(), base.clone(), Arc::clone(&orgs));
            async move {
                // Spread over the sectors: organisation i is of sector i % 15.
                let org = orgs[i].clone();
                let sess = sign_in_new(&client, &base, &format!("w{i:05}-0"), ONE_TIME).await;
                Filer { sess, org }
            }
        })
        .await
    };
    let nisc = sign_in(&client, &base, "nisc", DEMO_PASSWORD).await.0;
    let meti = sign_in(&client, &base, "meti", DEMO_PASSWORD).await.0;
    // The operator read: the electric-power filer (organisation 5 is of sector 5, electric
    // power, when it files; else the first filer).
    let op_index = filers
        .iter()
        .position(|f| sectors[f.org.sector].id == "electric_power")
        .unwrap_or(0);
    let op = filers[op_index].sess.clone();
    let copies = Arc::new(AtomicUsize::new(0));
    let filed = Arc::new(AtomicUsize::new(0));
    let disk = fsync_rate();
    println!("\n| {backend}: copies | filings | build rate | NISC inbox p50/p99 | ministry inbox | operator inbox | operator RED search | ministry keyword search | ministry sector+TLP listing | durable submissions, {} at once | ÷ fsync ({disk:.0} /s) | CPU a submission: server / load generator / rest | server VmRSS / VmHWM |", o.concurrency);
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for &cp in &o.checkpoints {
        let t = Instant::now();
        let before = filed.load(Ordering::Relaxed);
        let _ = file_until(&filers, &sectors, &copies, &filed, cp, usize::MAX).await;
        let build_rate =
            (filed.load(Ordering::Relaxed) - before) as f64 / t.elapsed().as_secs_f64();
        let reads = listing_reads([&nisc, &meti, &op], o.reads).await;
        // Durable submissions in this world: F more filings at C at once.
        let t = Instant::now();
        let b = filed.load(Ordering::Relaxed);
        let cpu_before = cpu_ticks(srv.pid());
        let lat = file_until(
            &filers,
            &sectors,
            &copies,
            &filed,
            usize::MAX,
            b + o.probe_filings,
        )
        .await;
        let probe_rate = (filed.load(Ordering::Relaxed) - b) as f64 / t.elapsed().as_secs_f64();
        let cpu = cpu_per_op(
            cpu_before,
            cpu_ticks(srv.pid()),
            filed.load(Ordering::Relaxed) - b,
        );
        let (rss, hwm) = memory(srv.pid());
        println!(
            "| {} | {} | {build_rate:.0} /s | {} | {} | {} | {} | {} | {} | {probe_rate:.1} /s (p50 {:.0} ms, p99 {:.0} ms) | {:.3} | {cpu} | {rss:.0} / {hwm:.0} MiB |",
            copies.load(Ordering::Relaxed),
            filed.load(Ordering::Relaxed),
            p50_99(&reads[0]),
            p50_99(&reads[1]),
            p50_99(&reads[2]),
            p50_99(&reads[3]),
            p50_99(&reads[4]),
            p50_99(&reads[5]),
            pct(&lat, 50.0),
            pct(&lat, 99.0),
            probe_rate / disk,
        );
    }

    // The database's plans of the listings measured, on the world as it stands
    // (`kakehashi admin explain-listing`, the statements the listing runs; PostgreSQL's are run
    // and show the rows each step read).
    let op_login = format!("w{op_index:05}-0");
    let explained: [(&str, &str, &[&str]); 4] = [
        ("NISC inbox", "nisc", &["--inbox"]),
        ("operator RED search", &op_login, &["--tlp", "RED"]),
        ("ministry keyword search", "meti", &["--q", "給電指令"]),
        (
            "ministry sector+TLP listing",
            "meti",
            &["--sector", "electric_power", "--tlp", "AMBER"],
        ),
    ];
    for (title, login, filters) in explained {
        let out = Command::new(server_bin())
            .args(["admin", "explain-listing"])
            .args(&db.args)
            .args(["--login", login, "--limit", "50"])
            .args(filters)
            .output()
            .expect("explain-listing");
        println!(
            "\n```text\n-- {backend}, {} copies: {title}\n{}{}```",
            copies.load(Ordering::Relaxed),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // 4. Provisions: NISC sends P of them, C at once, each to one sector's ministries.
    if o.provisions > 0 {
        let t = Instant::now();
        let rates = {
            let (nisc, sectors) = (nisc.clone(), Arc::clone(&sectors));
            par(o.provisions, o.concurrency, move |i| {
                let (nisc, sectors) = (nisc.clone(), Arc::clone(&sectors));
                async move {
                    let s = &sectors[i % sectors.len()];
                    let recipients: Vec<Value> = s
                        .ministries
                        .iter()
                        .map(|m| json!({ "ministry": m, "sector": s.id }))
                        .collect();
                    let (tlp, importance) = if i % 2 == 0 {
                        ("GREEN", "reference")
                    } else {
                        ("AMBER", "caution")
                    };
                    let t = Instant::now();
                    let (st, draft) = nisc
                        .post(
                            "/api/v1/provisions",
                            json!({ "form": {
                                "importance": importance, "tlp": tlp, "has_attachments": false,
                                "recipients": recipients,
                                "summary": format!("業務システムを狙った不審な通信が確認された（ワールド提供 {i}）。"),
                                "targets": "インターネットに公開された業務システム",
                                "countermeasures": "通信先をブロックすること。",
                                "contact": { "person": "提供 花子" }
                            }}),
                        )
                        .await;
                    assert_eq!(st, 201, "a provision's draft: {draft}");
                    let id = draft["id"].as_str().expect("draft id").to_owned();
                    let (st, sent) = nisc
                        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
                        .await;
                    assert_eq!(st, 200, "a provision is sent: {sent}");
                    t.elapsed()
                }
            })
            .await
        };
        let secs = t.elapsed().as_secs_f64();
        let mut lat = rates;
        lat.sort();
        let reads = provision_reads([&nisc, &meti, &op], o.reads).await;
        let mem = memory(srv.pid());
        println!(
            "\n| {backend}: provisions | sent (draft + send, {} at once) | NISC's provisions p50/p99 (100 rows) | ministry's | operator's | server VmRSS / VmHWM |",
            o.concurrency
        );
        println!("|---|---|---|---|---|---|");
        println!(
            "| {} | {:.1} /s (pair p50 {:.0} ms, p99 {:.0} ms) | {} | {} | {} | {:.0} / {:.0} MiB |",
            o.provisions,
            o.provisions as f64 / secs,
            pct(&lat, 50.0),
            pct(&lat, 99.0),
            p50_99(&reads[0]),
            p50_99(&reads[1]),
            p50_99(&reads[2]),
            mem.0,
            mem.1
        );
    }

    // 1 (again). A restart on the loaded database.
    let loaded_hwm = memory(srv.pid()).1;
    srv.stop();
    srv = Server::spawn(&db.args);
    let restart = srv.startup;
    let restart_mem = memory(srv.pid());

    // 5. 警報: L live clients, then an urgent alert to every organisation.
    alert(&Alert {
        backend,
        db: &db,
        client: &client,
        base: &srv.base,
        pid: srv.pid(),
        sectors: &sectors,
        orgs: orgs.iter().map(|o| o.id.clone()).collect(),
        people,
        live: o.live,
        filers: o.concurrency,
        build_concurrency: o.build_concurrency,
        reused: false,
        restart,
        restart_mem,
        loaded_hwm,
    })
    .await;
    srv.stop();
    if o.keep {
        println!("\nThe database is kept: {}", db.args.join(" "));
    } else {
        db.drop_it().await;
    }
}
