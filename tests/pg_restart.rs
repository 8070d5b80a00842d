//! PostgreSQL restarting under a running server: **requests during the outage get a clear 503
//! problem (not a hang, not a panic), and the server recovers by itself afterwards with nothing
//! lost.**
//!
//! The shared PostgreSQL is never stopped: the test makes a throwaway cluster of its own
//! (`initdb` and `pg_ctl` from the PostgreSQL server packages, as the `postgres` user when run as
//! root) on a free port in a temporary directory, runs `kakehashi serve` on it as a child
//! process, files a liaison, stops the cluster, checks the answers, starts it again and checks
//! that signing in and filing work and that the earlier filing and the audit chain are intact.

#![cfg(unix)]

use crate::common::power_form;
use crate::crash::{audit_verify, inbox, unique, Db, Server};
use reqwest::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_is_a_503_then_the_server_recovers() {
    let cluster = Cluster::create();
    cluster.start();
    let db = Db::Postgres {
        admin_url: format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port),
        name: "kkh_restart".into(),
    };
    {
        use sqlx::Connection;
        let admin = match &db {
            Db::Postgres { admin_url, .. } => admin_url.clone(),
            Db::Sqlite(_) => unreachable!(),
        };
        let mut c = sqlx::PgConnection::connect(&admin)
            .await
            .expect("private cluster reachable");
        sqlx::query("CREATE DATABASE kkh_restart")
            .execute(&mut c)
            .await
            .expect("create db");
    }
    let server = Server::start(&db).await;
    // Longer than the server's 10 s wait for a connection, so its answer is seen.
    let client = Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");

    let csrf = sign_in(&client, &server.base).await;
    let filed = file(&client, &server.base, &csrf).await;
    assert_eq!(filed.0, 201, "filing before the restart: {}", filed.1);
    let first_chain = filed.1["chain"].as_str().expect("chain").to_owned();

    cluster.stop();

    // During the outage: a clear problem, not a hang or a dropped connection.
    let res = client
        .post(format!("{}/api/v1/liaisons", server.base))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "form": power_form("AMBER"), "statutory": true }))
        .send()
        .await
        .expect("an answer while PostgreSQL is down");
    assert_eq!(res.status(), 503, "filing while PostgreSQL is down");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    assert!(res.headers().contains_key("retry-after"));
    let problem: Value = res.json().await.expect("problem json");
    assert_eq!(problem["type"], "/problems/unavailable", "{problem}");
    assert!(
        problem["title_ja"]
            .as_str()
            .is_some_and(|t| t.contains("データベースに接続できません")),
        "{problem}"
    );
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("health answer while PostgreSQL is down");
    assert_eq!(health.status(), 503);

    cluster.start();

    // Recovery without restarting the server: the first request that reaches the database
    // again succeeds (pooled connections are checked before use).
    let deadline = Instant::now() + Duration::from_secs(60);
    let csrf = loop {
        let res = client
            .post(format!("{}/api/v1/session", server.base))
            .json(&json!({ "login": "op-power", "password": crate::common::PASSWORD }))
            .send()
            .await
            .expect("sign-in answer");
        if res.status() == 200 {
            let body: Value = res.json().await.expect("json");
            break body["csrf_token"].as_str().expect("csrf").to_owned();
        }
        assert_eq!(res.status(), 503, "sign-in after the restart");
        assert!(Instant::now() < deadline, "no recovery within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let filed = file(&client, &server.base, &csrf).await;
    assert_eq!(filed.0, 201, "filing after the restart: {}", filed.1);
    let second_chain = filed.1["chain"].as_str().expect("chain").to_owned();

    let session = crate::common::Session {
        client: client.clone(),
        base: server.base.clone(),
        csrf,
    };
    let (chains, _) = inbox(&session).await;
    assert!(chains.contains(&first_chain) && chains.contains(&second_chain));
    drop(server);
    audit_verify(&db).await;
    drop(db);
}

async fn sign_in(client: &Client, base: &str) -> String {
    let res = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "login": "op-power", "password": crate::common::PASSWORD }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in of op-power");
    let body: Value = res.json().await.expect("json");
    body["csrf_token"].as_str().expect("csrf").to_owned()
}

async fn file(client: &Client, base: &str, csrf: &str) -> (u16, Value) {
    let res = client
        .post(format!("{base}/api/v1/liaisons"))
        .header("x-csrf-token", csrf)
        .json(&json!({ "form": power_form("AMBER"), "statutory": true }))
        .send()
        .await
        .expect("filing");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json"))
}

/// A PostgreSQL cluster of the test's own; stopped and removed when dropped.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    fn create() -> Cluster {
        let bin = server_bin_dir();
        let dir = std::env::temp_dir().join(format!("kkh-pg-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        // The server refuses to run as root: use the `postgres` account then.
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown").args(["-R", "postgres"]).arg(&dir));
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let c = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = c.dir.join("data");
        run(c
            .tool("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data));
        c
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn pg_ctl(&self, args: &[&str]) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        run(self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-o", &opts, "-w"])
            .args(args));
    }

    fn start(&self) {
        self.pg_ctl(&["start"]);
    }

    fn stop(&self) {
        self.pg_ctl(&["stop", "-m", "fast"]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["stop", "-m", "immediate"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where `initdb` and `pg_ctl` are: `KAKEHASHI_TEST_PG_BIN`, else the newest Debian
/// `/usr/lib/postgresql/<major>/bin`, else `pg_config --bindir`.
fn server_bin_dir() -> PathBuf {
    if let Ok(d) = std::env::var("KAKEHASHI_TEST_PG_BIN") {
        return PathBuf::from(d);
    }
    let debian = Path::new("/usr/lib/postgresql");
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir(debian)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((n, bin))
        })
        .collect();
    majors.sort();
    if let Some((_, bin)) = majors.pop() {
        return bin;
    }
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .expect("PostgreSQL server programs (initdb, pg_ctl): set KAKEHASHI_TEST_PG_BIN");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
