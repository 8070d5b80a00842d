//! A thousand filings at once and `kill -9` in the middle of them: **every filing that was
//! acknowledged survives, and the audit chain still verifies.**
//!
//! Why: an incident that hits a whole sector makes many operators file their 情報連絡 at the
//! same moment. The crash test (`crash.rs`) kills the server under a few writers; here the kill
//! lands while a thousand requests are inside the server at once — queued for a database
//! connection, inside a transaction, committed but not yet answered — which is where an
//! acknowledgement given before the commit, or a commit that the crash of a neighbouring
//! transaction takes with it, would show.
//!
//! How: the `kakehashi` binary runs as a child process on a fresh database (the helpers of
//! `crash.rs`). Four reporters of four organisations in three sectors sign in; 1,000 tasks, each
//! with one statutory AMBER liaison of its reporter's sector, wait at a barrier and are released
//! together, every request on a connection of its own (HTTP/1, a pool with no cap). Once a
//! number of filings drawn between 10 and 150 has been acknowledged, the server gets SIGKILL
//! (a filing is answered only after its recipients are told, which queues behind the other
//! filings' commits, so the acknowledgements trail the commits: early in the acknowledgements
//! is still among the commits).
//! Every request must then have been answered 201 (acknowledged) or cut off by the kill — any
//! other answer, or an error before the kill, fails the test — and both counts must be above
//! zero, so the kill did land mid-burst. The sockets the server held at the kill are printed
//! where `/proc` shows them (Linux): about a thousand, unless the machine is so busy that the
//! last connections were still being made.
//! `kakehashi audit verify` must pass on the crashed state; the binary is restarted on the same
//! database and each reporter's inbox (one paged listing) must hold every acknowledged chain and
//! every copy of it. Cut-off filings may or may not have been committed: they are counted, not
//! owed — but no more new chains may appear than filings were sent. After a last kill, the
//! chain (now with the restart's entries) verifies again.
//!
//! The test raises its soft open-file limit (towards the hard limit) so that both backends'
//! bursts fit in this process; the server, a child process, inherits it.
//!
//! What this does not prove: as for `crash.rs`, SIGKILL is not a power cut (that the commit
//! reaches the disk is `fsync`'s job), and a thousand connections from the same machine are not
//! a thousand operators on the internet — no latency, no slow or half-sent requests. The kill
//! moment is drawn from the clock, so each run tries another point of the burst; one run is
//! one point.
//!
//! Runs on SQLite (`--data-dir`) and on PostgreSQL (`--database-url`), as `crash.rs` does.

#![cfg(unix)]

use crate::common::{power_form, Session};
use crate::crash::{audit_verify, inbox, sign_in_as, Acked, Db, Server};
use reqwest::Client;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Barrier;

/// Filings in flight at once, each on a connection of its own.
const BURST: usize = 1_000;
/// Open files this process and the server each need: a socket per filing (this process holds
/// two bursts when both backends run at once), plus database files, pools and pipes.
const OPEN_FILES: u64 = 3 * BURST as u64;
/// The kill lands once this many filings were acknowledged, plus up to `KILL_SPREAD` more
/// drawn from the clock: some answered, most still outstanding (counted in acknowledgements,
/// not time, so that a faster machine does not finish the burst first).
const KILL_AT_ACKS: usize = 10;
const KILL_SPREAD: usize = 140;
/// The reporters, of four organisations in three sectors; filing `i` is sent by reporter
/// `i % 4`.
const REPORTERS: [&str; 4] = ["op-power", "op-power2", "op-rail", "op-telecom"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_thousand_concurrent_filings_survive_kill_9_as_acknowledged() {
    burst_then_kill(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_thousand_concurrent_filings_survive_kill_9_as_acknowledged() {
    burst_then_kill(Db::postgres().await).await;
}

/// How one filing of the burst ended.
enum Outcome {
    Acknowledged(Acked),
    CutOff,
}

async fn burst_then_kill(db: Db) {
    let started = Instant::now();
    let open_files = rlimit::increase_nofile_limit(OPEN_FILES).expect("raise RLIMIT_NOFILE");
    assert!(
        open_files >= OPEN_FILES,
        "the open-file limit is {open_files} (the hard limit); a burst of {BURST} needs {OPEN_FILES}"
    );

    let mut server = Server::start(&db).await;
    let mut sessions = Vec::new();
    for login in REPORTERS {
        sessions.push(Arc::new(
            sign_in_as(burst_client(), &server.base, login).await,
        ));
    }
    let before = all_chains(&sessions).await;

    let go = Arc::new(Barrier::new(BURST + 1));
    let acks = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let killing = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..BURST)
        .map(|i| {
            let r = i % REPORTERS.len();
            let body = json!({ "form": form_of(REPORTERS[r]), "statutory": true });
            let (s, go, acks, failed, killing) = (
                sessions[r].clone(),
                go.clone(),
                acks.clone(),
                failed.clone(),
                killing.clone(),
            );
            tokio::spawn(async move {
                go.wait().await;
                let outcome = file_once(&s, &body, &killing).await;
                match &outcome {
                    Ok(Outcome::Acknowledged(_)) => acks.fetch_add(1, Ordering::SeqCst),
                    Ok(Outcome::CutOff) => 0,
                    Err(_) => failed.fetch_add(1, Ordering::SeqCst),
                };
                (r, outcome)
            })
        })
        .collect();

    go.wait().await;
    let released = Instant::now();
    let kill_at = KILL_AT_ACKS + drawn(KILL_SPREAD);
    while acks.load(Ordering::SeqCst) < kill_at && failed.load(Ordering::SeqCst) == 0 {
        assert!(
            released.elapsed() < Duration::from_secs(50),
            "{}: not {kill_at} of {BURST} filings acknowledged within 50 s",
            db.name()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let sockets = sockets_of(server.pid());
    // Set before the kill: a transport error seen while this is false was not caused by it.
    killing.store(true, Ordering::SeqCst);
    server.kill_9();
    let killed_after = released.elapsed();

    let mut acked: Vec<Vec<Acked>> = vec![Vec::new(); REPORTERS.len()];
    let (mut cut_off, mut errors) = (0usize, Vec::new());
    for t in tasks {
        match t.await.expect("filing task") {
            (r, Ok(Outcome::Acknowledged(a))) => acked[r].push(a),
            (_, Ok(Outcome::CutOff)) => cut_off += 1,
            (r, Err(e)) => errors.push(format!("{}: {e}", REPORTERS[r])),
        }
    }
    let acknowledged: usize = acked.iter().map(Vec::len).sum();
    assert!(
        errors.is_empty(),
        "{}: {} of {BURST} filings failed before the kill, e.g. {:?}",
        db.name(),
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(
        acknowledged > 0,
        "{}: no filing acknowledged before the kill",
        db.name()
    );
    assert!(
        cut_off > 0,
        "{}: every filing answered before the kill; it did not land mid-burst",
        db.name()
    );
    assert_eq!(acknowledged + cut_off, BURST, "every filing accounted for");

    // The crashed state itself, before a restarted server touches it.
    audit_verify(&db).await;

    server = Server::start(&db).await;
    let mut after = HashSet::new();
    for (login, owed) in REPORTERS.iter().zip(&acked) {
        let s = sign_in_as(burst_client(), &server.base, login).await;
        let (chains, copies) = inbox(&s).await;
        let missing: Vec<&Acked> = owed
            .iter()
            .filter(|a| !chains.contains(&a.chain) || a.copies.iter().any(|c| !copies.contains(c)))
            .collect();
        assert!(
            missing.is_empty(),
            "{} ({login}): {} of {} acknowledged filings lost after kill -9 and restart: {missing:?}",
            db.name(),
            missing.len(),
            owed.len()
        );
        after.extend(chains);
    }
    let new_chains = after.difference(&before).count();
    assert!(
        (acknowledged..=BURST).contains(&new_chains),
        "{}: {new_chains} new chains after {acknowledged} acknowledged of {BURST} sent",
        db.name()
    );
    server.kill_9();
    audit_verify(&db).await;
    println!(
        "{}: {BURST} filings released together; killed after {killed_after:?} with {acknowledged} \
         acknowledged (all present after restart) and {cut_off} cut off, of which {} had \
         committed; server sockets at the kill: {}; test took {:?}",
        db.name(),
        new_chains - acknowledged,
        sockets.map_or("unknown".into(), |n| n.to_string()),
        started.elapsed()
    );
}

/// One filing: acknowledged (201 and its ids read in full), or cut off by the kill; any other
/// answer, or a failure before the kill, is an error.
async fn file_once(s: &Session, body: &Value, killing: &AtomicBool) -> Result<Outcome, String> {
    let res = s
        .client
        .post(format!("{}/api/v1/liaisons", s.base))
        .header("x-csrf-token", &s.csrf)
        .json(body)
        .send()
        .await;
    let res = match res {
        Ok(r) => r,
        Err(_) if killing.load(Ordering::SeqCst) => return Ok(Outcome::CutOff),
        Err(e) => return Err(format!("request failed: {e}")),
    };
    let status = res.status().as_u16();
    // A body cut off by the kill means the filing was never acknowledged.
    let filed: Value = match res.json().await {
        Ok(v) => v,
        Err(_) if killing.load(Ordering::SeqCst) => return Ok(Outcome::CutOff),
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
    Ok(Outcome::Acknowledged(Acked {
        chain: chain.to_owned(),
        copies,
    }))
}

/// A reporter's client: cookies for the session; HTTP/1, where a request that finds no idle
/// connection opens one, and a pool that keeps as many as the burst, so no request waits for
/// another's connection; a timeout well beyond the burst (a request unanswered by then fails).
fn burst_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .http1_only()
        .pool_max_idle_per_host(BURST)
        .timeout(Duration::from_secs(90))
        .build()
        .expect("client")
}

/// A first report of `login`'s sector.
fn form_of(login: &str) -> Value {
    let mut f = power_form("AMBER");
    match login {
        "op-rail" => {
            f["sector"] = json!("railway");
            f["summary"]["affected_system"] = json!("運行管理システム");
            f["summary"]["description"] = json!("運行管理システムに不審な通信。");
            f["impact"] = json!({ "service": "passenger_transport", "measures": { "outage_occurred": true } });
        }
        "op-telecom" => {
            f["sector"] = json!("information_communications");
            f["summary"]["affected_system"] = json!("音声交換設備");
            f["summary"]["description"] = json!("音声通話サービスが停止。");
            f["impact"] = json!({
                "system_status": "stopped",
                "service": "telecommunications_service",
                "measures": { "affected_users": 30_000, "duration_minutes": 120 }
            });
        }
        _ => {}
    }
    f
}

/// The chains in the reporters' inboxes, together.
async fn all_chains(sessions: &[Arc<Session>]) -> HashSet<String> {
    let mut all = HashSet::new();
    for s in sessions {
        all.extend(inbox(s).await.0);
    }
    all
}

/// The sockets process `pid` holds (`/proc/PID/fd`, Linux), for the report; `None` elsewhere.
fn sockets_of(pid: u32) -> Option<usize> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(
        fds.filter_map(Result::ok)
            .filter(|e| {
                std::fs::read_link(e.path())
                    .is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
            })
            .count(),
    )
}

/// Up to `max`, from the clock: enough to vary the kill moment between runs.
fn drawn(max: usize) -> usize {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    n as usize / 1000 % (max + 1)
}
