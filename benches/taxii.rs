//! `cargo bench --bench taxii -- [--backend sqlite|postgres] [--objects N] [--limit L]
//! [--repeat R] [--concurrency C] [--walkers W] [--no-medallion] [--no-python]`
//!
//! TAXII 2.1 paged reads, Kakehashi beside the OASIS reference server `medallion`, in one run and
//! through one client:
//!
//! 1. **World**: an electric-power operator files GREEN statutory first reports through the
//!    product's own API (`POST /api/v1/liaisons`, C at once) until its own collection
//!    (`/taxii2/api/collections/{own}/`, read with a personal API token) holds at least N STIX
//!    objects (default 2,000).
//! 2. **Kakehashi**: the whole collection is walked R times (`GET …/objects/?limit=L`, following
//!    `next`) by one Rust HTTP client (reqwest, each page parsed as JSON); objects per second of
//!    each walk and each page's latency.
//!    With `--walkers W` (W > 1), W clients then walk the whole collection at once, R times: the
//!    objects all of them read per second of wall time, and the process's CPU time per 1,000
//!    objects (server and client share this process and its two cores).
//! 3. **medallion** (unless `--no-medallion`): the very objects Kakehashi served, with the dates
//!    added of Kakehashi's manifest, are written into a medallion memory-backend data file (one
//!    copy of each object version: medallion answers the latest version of an id once, where
//!    Kakehashi repeats the sender's identity with every case); medallion runs as a child process
//!    on loopback and is walked R times by the same client with the same page size. It is killed
//!    when the harness ends (and by the kernel if the harness dies).
//! 4. **taxii2-client** (unless `--no-python`): the same walk with the OASIS Python client
//!    (`as_pages`) against both servers, as users run it.
//!
//! It prints a Markdown table; BENCHMARKS.md keeps the figures with the command and machine.

#[allow(dead_code, unused_macros)]
#[path = "../tests/common.rs"]
mod common;

/// The server runs in this process: it allocates as the `kakehashi` binary does (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{power_form, Backend, TestServer};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Opts {
    backend: Backend,
    objects: usize,
    limit: usize,
    repeat: usize,
    concurrency: usize,
    walkers: usize,
    medallion: bool,
    python: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        backend: Backend::Sqlite,
        objects: 2_000,
        limit: 100,
        repeat: 5,
        concurrency: 8,
        walkers: 1,
        medallion: true,
        python: true,
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
            "--objects" => o.objects = n(),
            "--limit" => o.limit = n().clamp(1, 1000),
            "--repeat" => o.repeat = n().max(1),
            "--concurrency" => o.concurrency = n().max(1),
            "--walkers" => o.walkers = n().max(1),
            "--no-medallion" => {
                o.medallion = false;
                i += 1;
                continue;
            }
            "--no-python" => {
                o.python = false;
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

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// How a client signs in to a TAXII server.
#[derive(Clone)]
enum Auth {
    Bearer(String),
    Basic(String, String),
}

/// A collection of a TAXII server: its URL (ending in `/`) and credentials.
#[derive(Clone)]
struct Target {
    collection: String,
    auth: Auth,
}

impl Target {
    async fn get(&self, client: &reqwest::Client, url: &str) -> Value {
        let req = client
            .get(url)
            .header("accept", "application/taxii+json;version=2.1");
        let req = match &self.auth {
            Auth::Bearer(t) => req.bearer_auth(t),
            Auth::Basic(u, p) => req.basic_auth(u, Some(p)),
        };
        let res = req.send().await.expect("TAXII get");
        let st = res.status().as_u16();
        let body = res.bytes().await.expect("TAXII body");
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        assert_eq!(st, 200, "{url}: {v}");
        v
    }

    /// Every page of `resource` (`objects/` or `manifest/`): each page's envelope and latency.
    async fn pages(
        &self,
        client: &reqwest::Client,
        resource: &str,
        limit: usize,
        mut each: impl FnMut(Value),
    ) -> Vec<Duration> {
        let mut lat = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let url = match &next {
                None => format!("{}{resource}?limit={limit}", self.collection),
                Some(n) => format!(
                    "{}{resource}?limit={limit}&next={}",
                    self.collection,
                    urlenc(n)
                ),
            };
            let t = Instant::now();
            let v = self.get(client, &url).await;
            lat.push(t.elapsed());
            assert!(v["more"].is_boolean(), "an envelope: {v}");
            next = match (v["more"].as_bool(), v["next"].as_str()) {
                (Some(true), Some(n)) => Some(n.to_owned()),
                _ => None,
            };
            each(v);
            if next.is_none() {
                return lat;
            }
        }
    }
}

/// One walk through a collection: objects, seconds, per-page latencies.
struct Walk {
    objects: usize,
    secs: f64,
    pages: Vec<Duration>,
}

async fn walk(client: &reqwest::Client, t: &Target, limit: usize) -> Walk {
    let mut objects = 0;
    let start = Instant::now();
    let pages = t
        .pages(client, "objects/", limit, |v| {
            objects += v["objects"].as_array().map_or(0, Vec::len);
        })
        .await;
    Walk {
        objects,
        secs: start.elapsed().as_secs_f64(),
        pages,
    }
}

/// R walks: (objects per walk, median objects/s, all pages' latencies sorted).
async fn walks(
    client: &reqwest::Client,
    t: &Target,
    limit: usize,
    repeat: usize,
) -> (usize, f64, Vec<Duration>) {
    let mut rates = Vec::new();
    let mut lat = Vec::new();
    let mut count = None;
    for _ in 0..repeat {
        let w = walk(client, t, limit).await;
        if let Some(c) = count {
            assert_eq!(c, w.objects, "every walk gives the same objects");
        }
        count = Some(w.objects);
        rates.push(w.objects as f64 / w.secs);
        lat.extend(w.pages);
    }
    lat.sort();
    (count.unwrap_or(0), median(&mut rates), lat)
}

/// CPU time this process has used so far (user and system), from `/proc/self/stat`.
fn cpu_used() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime");
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

/// W walks at once, R times: (objects per walk, median objects/s of all walks together, all
/// pages' latencies sorted, process CPU per 1,000 objects).
async fn walks_at_once(
    t: &Target,
    limit: usize,
    repeat: usize,
    walkers: usize,
) -> (usize, f64, Vec<Duration>, Duration) {
    let mut rates = Vec::new();
    let mut lat = Vec::new();
    let mut count = None;
    let (mut cpu, mut objects) = (Duration::ZERO, 0usize);
    for _ in 0..repeat {
        let cpu0 = cpu_used();
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..walkers {
            let t = t.clone();
            tasks.push(tokio::spawn(async move {
                walk(&reqwest::Client::new(), &t, limit).await
            }));
        }
        let mut total = 0;
        for task in tasks {
            let w = task.await.expect("walker");
            if let Some(c) = count {
                assert_eq!(c, w.objects, "every walk gives the same objects");
            }
            count = Some(w.objects);
            total += w.objects;
            lat.extend(w.pages);
        }
        rates.push(total as f64 / start.elapsed().as_secs_f64());
        cpu += cpu_used() - cpu0;
        objects += total;
    }
    lat.sort();
    let per_1000 = cpu.mul_f64(1000.0 / objects.max(1) as f64);
    (count.unwrap_or(0), median(&mut rates), lat, per_1000)
}

/// The objects of the operator's own collection, counted.
async fn count_objects(client: &reqwest::Client, t: &Target) -> usize {
    walk(client, t, 1000).await.objects
}

/// A medallion server, a child process; killed when dropped.
struct Medallion {
    child: Child,
    dir: PathBuf,
    base: String,
}

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const MEDALLION_USER: &str = "bench";
const MEDALLION_PASSWORD: &str = "bench-password";
const MEDALLION_COLLECTION: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

/// Starts medallion (memory backend) on a free loopback port holding `objects` and their
/// `manifest` in one collection.
async fn start_medallion(objects: Vec<Value>, manifest: Vec<Value>) -> Medallion {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("kkh-medallion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let data = json!({
        "/discovery": {
            "title": "medallion (benchmark)",
            "default": format!("{base}/bench/"),
            "api_roots": [format!("{base}/bench/")],
        },
        "bench": {
            "information": {
                "title": "bench",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 104_857_600,
            },
            "status": [],
            "collections": [{
                "id": MEDALLION_COLLECTION,
                "title": "bench",
                "can_read": true,
                "can_write": false,
                "media_types": ["application/stix+json;version=2.1"],
                "objects": objects,
                "manifest": manifest,
            }],
        },
    });
    let data_path = dir.join("data.json");
    std::fs::write(&data_path, data.to_string()).expect("medallion data");
    let config = json!({
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": data_path,
            // A walk's `next` must outlive the slowest walk.
            "session_timeout": 86_400,
        },
        "users": { MEDALLION_USER: MEDALLION_PASSWORD },
        "taxii": { "max_page_size": 1000 },
    });
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, config.to_string()).expect("medallion config");
    let log = std::fs::File::create(dir.join("medallion.log")).expect("medallion log");
    // PR_SET_PDEATHSIG (1) = SIGKILL (9): the kernel ends medallion if the harness dies.
    let script = "import ctypes, sys\nctypes.CDLL(None).prctl(1, 9)\nfrom medallion.scripts.run import main\nsys.argv = ['medallion'] + sys.argv[1:]\nmain()\n";
    let child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(&config_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("python3 starts medallion");
    let m = Medallion { child, dir, base };
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        let ok = client
            .get(format!("{}/taxii2/", m.base))
            .header("accept", "application/taxii+json;version=2.1")
            .basic_auth(MEDALLION_USER, Some(MEDALLION_PASSWORD))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            return m;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let log = std::fs::read_to_string(m.dir.join("medallion.log")).unwrap_or_default();
            panic!("medallion did not start in 120 s:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const PY_WALK: &str = r#"
import json, sys, time
from taxii2client.v21 import Collection, as_pages
url, user, password, limit, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
c = Collection(url, user=user, password=password)
assert c.can_read
runs = []
for _ in range(repeat):
    n, pages = 0, []
    start = last = time.perf_counter()
    for env in as_pages(c.get_objects, per_request=limit):
        now = time.perf_counter()
        pages.append(now - last)
        last = now
        n += len(env.get("objects", []))
    runs.append({"objects": n, "secs": time.perf_counter() - start, "pages": pages})
print(json.dumps(runs))
"#;

/// The taxii2-client walk, R times: (objects, median objects/s, pages' latencies sorted).
fn python_walks(
    url: &str,
    user: &str,
    password: &str,
    limit: usize,
    repeat: usize,
) -> Option<(usize, f64, Vec<Duration>)> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_WALK)
        .args([url, user, password, &limit.to_string(), &repeat.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "taxii2-client walk failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let runs: Value = serde_json::from_slice(&out.stdout).ok()?;
    let mut rates = Vec::new();
    let mut lat = Vec::new();
    let mut objects = 0;
    for r in runs.as_array()? {
        objects = r["objects"].as_u64()? as usize;
        rates.push(objects as f64 / r["secs"].as_f64()?);
        for p in r["pages"].as_array()? {
            lat.push(Duration::from_secs_f64(p.as_f64()?));
        }
    }
    lat.sort();
    Some((objects, median(&mut rates), lat))
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
    let op = srv.login("op-power").await;
    let (st, t) = op
        .post(
            "/api/v1/tokens",
            json!({ "name": "taxii-bench", "scopes": ["read"] }),
        )
        .await;
    assert_eq!(st, 201, "{t}");
    let token = t["token"].as_str().expect("token").to_owned();
    let client = reqwest::Client::new();
    let root = Target {
        collection: format!("{}/taxii2/api/collections/", srv.base),
        auth: Auth::Bearer(token.clone()),
    };
    let cols = root.get(&client, &root.collection).await;
    let own = cols["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .find(|c| c["title"].as_str().is_some_and(|t| t.starts_with("自組織")))
        .unwrap_or_else(|| panic!("the own collection: {cols}"))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let kkh = Target {
        collection: format!("{}{own}/", root.collection),
        auth: Auth::Bearer(token.clone()),
    };

    // 1. The world: cases filed until the collection holds N objects.
    let (op_client, op_base, op_csrf) = (op.client.clone(), op.base.clone(), op.csrf.clone());
    let file = move |i: usize| {
        let client = op_client.clone();
        let base = op_base.clone();
        let csrf = op_csrf.clone();
        async move {
            let mut form = power_form("GREEN");
            form["summary"]["description"] = json!(format!(
                "給電指令システムへの大量アクセス（ベンチマーク {i} 件目）。通信先 c2-{i}.example.net を確認。"
            ));
            let res = client
                .post(format!("{base}/api/v1/liaisons"))
                .header("x-csrf-token", &csrf)
                .json(&json!({ "form": form, "statutory": true }))
                .send()
                .await
                .expect("file");
            assert_eq!(res.status().as_u16(), 201);
        }
    };
    let before = count_objects(&client, &kkh).await;
    file(0).await;
    let after_one = count_objects(&client, &kkh).await;
    let per_case = after_one.saturating_sub(before).max(1);
    let cases = 1 + o.objects.saturating_sub(after_one).div_ceil(per_case);
    let t = Instant::now();
    let mut tasks = Vec::new();
    let conc = o.concurrency;
    for w in 0..conc {
        let file = file.clone();
        tasks.push(tokio::spawn(async move {
            for i in (1 + w..cases).step_by(conc) {
                file(i).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("filer");
    }
    let world_secs = t.elapsed().as_secs_f64();
    eprintln!(
        "world: {cases} cases, {per_case} objects each, filed in {world_secs:.1} s ({:.1} /s)",
        (cases - 1) as f64 / world_secs
    );

    // 2. Kakehashi, through the Rust client.
    let (k_objects, k_rate, k_lat) = walks(&client, &kkh, o.limit, o.repeat).await;

    // 3. medallion: the same objects (one copy of each version), the same client.
    // (what, objects per walk, objects/s, page latencies, walks at once)
    let mut rows: Vec<(String, usize, f64, Vec<Duration>, usize)> = vec![(
        "Kakehashi, Rust client (reqwest)".into(),
        k_objects,
        k_rate,
        k_lat,
        1,
    )];
    let mut at_once = None;
    if o.walkers > 1 {
        let (objects, rate, lat, cpu) = walks_at_once(&kkh, o.limit, o.repeat, o.walkers).await;
        rows.push((
            format!("Kakehashi, {} walks at once (Rust client)", o.walkers),
            objects,
            rate,
            lat,
            o.walkers,
        ));
        at_once = Some(cpu);
    }
    let mut medallion = None;
    if o.medallion {
        let mut objects = Vec::new();
        let mut seen = HashSet::new();
        kkh.pages(&client, "objects/", 1000, |v| {
            for x in v["objects"].as_array().cloned().unwrap_or_default() {
                let key = (x["id"].to_string(), x["modified"].to_string());
                if seen.insert(key) {
                    objects.push(x);
                }
            }
        })
        .await;
        let mut manifest = Vec::new();
        let mut seen = HashSet::new();
        kkh.pages(&client, "manifest/", 1000, |v| {
            for x in v["objects"].as_array().cloned().unwrap_or_default() {
                let key = (x["id"].to_string(), x["version"].to_string());
                if seen.insert(key) {
                    manifest.push(x);
                }
            }
        })
        .await;
        assert_eq!(
            objects.len(),
            manifest.len(),
            "one manifest entry per object"
        );
        let distinct = objects.len();
        let m = start_medallion(objects, manifest).await;
        let med = Target {
            collection: format!("{}/bench/collections/{MEDALLION_COLLECTION}/", m.base),
            auth: Auth::Basic(MEDALLION_USER.into(), MEDALLION_PASSWORD.into()),
        };
        let (m_objects, m_rate, m_lat) = walks(&client, &med, o.limit, o.repeat).await;
        assert_eq!(m_objects, distinct, "medallion serves every object once");
        rows.push((
            "medallion, Rust client (reqwest)".into(),
            m_objects,
            m_rate,
            m_lat,
            1,
        ));
        medallion = Some((m, med));
    }

    // 4. taxii2-client against both.
    if o.python {
        if let Some(r) = python_walks(&kkh.collection, "taxii", &token, o.limit, o.repeat) {
            rows.push(("Kakehashi, taxii2-client (Python)".into(), r.0, r.1, r.2, 1));
        }
        if let Some((_, med)) = &medallion {
            if let Some(r) = python_walks(
                &med.collection,
                MEDALLION_USER,
                MEDALLION_PASSWORD,
                o.limit,
                o.repeat,
            ) {
                rows.push(("medallion, taxii2-client (Python)".into(), r.0, r.1, r.2, 1));
            }
        }
    }
    drop(medallion);

    println!(
        "\n| {backend}: {cases} cases, {} objects, limit {}, {} walks | objects per walk | pages per walk | objects/s (median walk) | page p50 | page p99 |",
        rows[0].1, o.limit, o.repeat
    );
    println!("|---|---|---|---|---|---|");
    for (name, objects, rate, lat, at_once) in &rows {
        println!(
            "| {name} | {objects} | {} | {rate:.0} | {:.2} ms | {:.2} ms |",
            lat.len() / o.repeat / at_once,
            pct(lat, 50.0),
            pct(lat, 99.0)
        );
    }
    if let Some(cpu) = at_once {
        println!(
            "| CPU of this process (server and clients) per 1,000 objects, walks at once | | | {:.1} ms | | |",
            cpu.as_secs_f64() * 1000.0
        );
    }
    if let Some(m) = rows
        .iter()
        .find(|r| r.0 == "medallion, Rust client (reqwest)")
    {
        println!(
            "| Kakehashi ÷ medallion, objects/s (Rust client, one walk each) | | | {:.1}× | | |",
            rows[0].2 / m.2
        );
    }
    if let (Some(k), Some(m)) = (
        rows.iter()
            .find(|r| r.0 == "Kakehashi, taxii2-client (Python)"),
        rows.iter()
            .find(|r| r.0 == "medallion, taxii2-client (Python)"),
    ) {
        println!(
            "| Kakehashi ÷ medallion, objects/s (taxii2-client) | | | {:.1}× | | |",
            k.2 / m.2
        );
    }
    println!(
        "| world: filing through `POST /api/v1/liaisons`, {} at once | | | {:.1} cases/s | | |",
        o.concurrency,
        (cases - 1) as f64 / world_secs
    );
}
