//! Notification mail through a REAL SMTP server on loopback: Python's `aiosmtpd` (installed by
//! `.ci/run`) receives what the SMTP mailer sends; each message is decoded with Python's `email`
//! package (RFC 2047 subjects, base64/quoted-printable bodies) and written as one JSON file, so
//! Japanese text is compared after decoding.

use crate::common::{Session, PASSWORD};
use kakehashi_app::{App, AppConfig};
use kakehashi_domain::OrgId;
use kakehashi_notify_smtp::SmtpMailer;
use serde_json::{json, Value};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The SMTP sink: every message is parsed with the `email` package and written atomically as
/// `<n>.json` with the envelope recipients, decoded subject and decoded text body.
const SINK: &str = r#"
import email, email.policy, json, os, sys, uuid
from aiosmtpd.controller import Controller

out, port = sys.argv[1], int(sys.argv[2])

class Handler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": part.get_content() if part is not None else "",
            "seven_bit": all(b < 128 for b in raw),
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(out, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(rec, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(out, name + ".json"))
        return "250 OK"

c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
print("ready", flush=True)
try:
    sys.stdin.read()  # until the test closes stdin (or dies)
finally:
    c.stop()
"#;

/// A running `aiosmtpd`; killed on drop.
struct SmtpSink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("kkh-mail-{}", unique()));
        std::fs::create_dir_all(&dir).expect("mail dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(SINK)
            .arg(&dir)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("sink stdout");
        if line.trim() != "ready" {
            let _ = child.kill();
            panic!(
                "aiosmtpd did not start (install it: python3 -m pip install aiosmtpd); said {line:?}"
            );
        }
        SmtpSink { child, port, dir }
    }

    fn mails(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.dir).expect("mail dir").flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&p).expect("mail file");
                out.push(serde_json::from_str(&text).expect("mail json"));
            }
        }
        out
    }

    /// Waits until `done(mails)` holds (or panics after `limit`).
    async fn wait_for(&self, limit: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let m = self.mails();
            if done(&m) {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "mail did not arrive in {limit:?}: {m:#?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unique() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}{:x}", std::process::id())
}

/// Like `common::TestServer` on SQLite, with the SMTP mailer plugged in and `base_url` set to
/// the server's own address.
struct MailServer {
    base: String,
    app: App,
    dir: PathBuf,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl MailServer {
    async fn start(smtp_url: &str) -> MailServer {
        let dir = std::env::temp_dir().join(format!("kkh-mail-db-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
        let store = kakehashi_store_sql::open(&url).await.expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mailer = SmtpMailer::new(smtp_url, "架け橋 <kakehashi@localhost>").expect("mailer");
        let app = App::new(
            store,
            AppConfig {
                base_url: base.clone(),
                ..AppConfig::default()
            },
        )
        .with_mailer(Arc::new(mailer));
        app.bootstrap("admin").await.expect("bootstrap");
        app.load_demo().await.expect("demo world");
        app.start_event_relay().await.expect("event relay");
        let router = kakehashi_server::router(
            app.clone(),
            kakehashi_server::ServerConfig {
                secure_cookies: false,
            },
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = kakehashi_server::serve(listener, router, async {
                let _ = rx.await;
            })
            .await;
        });
        MailServer {
            base,
            app,
            dir,
            _shutdown: tx,
        }
    }

    async fn login(&self, login: &str) -> Session {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let res = client
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({ "login": login, "password": PASSWORD }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 200, "sign-in of {login}");
        let body: Value = res.json().await.expect("json");
        Session {
            client,
            base: self.base.clone(),
            csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rcpts(m: &Value) -> Vec<String> {
    m["rcpt_tos"]
        .as_array()
        .unwrap_or_else(|| panic!("a received mail with recipients: {m}"))
        .iter()
        .filter_map(|x| x.as_str().map(str::to_lowercase))
        .collect()
}

async fn send_alert(nisc: &Session, tlp: &str, summary: &str) -> (String, String) {
    let form = json!({
        "importance": "alert", "tlp": tlp, "has_attachments": false,
        "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
        "summary": summary
    });
    let (st, draft) = nisc
        .post("/api/v1/provisions", json!({ "form": form }))
        .await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().expect("id").to_owned();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    let ident = sent["ident"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("ident in {sent}"));
    (id, ident)
}

fn mails_to<'a>(mails: &'a [Value], addr: &str, ident: &str) -> Vec<&'a Value> {
    let tag = format!(" {ident} ");
    mails
        .iter()
        .filter(|m| rcpts(m).iter().any(|r| r == addr))
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains(&tag)))
        .collect()
}

fn check_mail(m: &Value, base: &str, id: &str) {
    assert_eq!(m["content_type"], "text/plain", "{m:#}");
    assert_eq!(m["charset"], "utf-8", "{m:#}");
    assert_eq!(m["seven_bit"], true, "encoded for any relay: {m:#}");
    assert_eq!(m["mail_from"], "kakehashi@localhost", "{m:#}");
    let subject = m["subject"].as_str().expect("subject");
    assert!(subject.contains("警報"), "{subject}");
    let body = m["body"].as_str().expect("body");
    assert!(
        body.contains(&format!("{base}/provisions/{id}")),
        "link: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_mail_reaches_the_ministry_and_respects_tlp() {
    let started = Instant::now();
    let sink = SmtpSink::start();
    let srv = MailServer::start(&format!("smtp://127.0.0.1:{}", sink.port)).await;
    // Everyone the mail may reach: the people of the recipient ministry.
    let allowed: Vec<String> = srv
        .app
        .store
        .people_of_org(&OrgId("meti".into()))
        .await
        .expect("people of meti")
        .into_iter()
        .map(|p| p.email.to_lowercase())
        .collect();
    let meti = "meti@demo.example.jp";
    assert!(allowed.iter().any(|a| a == meti), "{allowed:?}");

    let nisc = srv.login("nisc").await;
    let secret = "東都電力の給電指令システムへの侵入を確認。詳細は TLP:AMBER+STRICT。";
    let open = "制御系機器の脆弱性を悪用した攻撃が観測されている。";
    let (amber_id, amber_ident) = send_alert(&nisc, "AMBER+STRICT", secret).await;
    let (green_id, green_ident) = send_alert(&nisc, "GREEN", open).await;
    assert_ne!(amber_ident, green_ident);

    let mails = sink
        .wait_for(Duration::from_secs(5), |m| {
            !mails_to(m, meti, &amber_ident).is_empty()
                && !mails_to(m, meti, &green_ident).is_empty()
        })
        .await;
    eprintln!("mail arrived after {:?}", started.elapsed());

    let amber = mails_to(&mails, meti, &amber_ident);
    assert_eq!(amber.len(), 1, "{mails:#?}");
    check_mail(amber[0], &srv.base, &amber_id);
    let body = amber[0]["body"].as_str().expect("body");
    assert!(
        !body.contains(secret),
        "AMBER+STRICT content leaked: {body}"
    );
    assert!(!body.contains("東都電力"), "{body}");
    assert!(
        amber[0]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("TLP:AMBER+STRICT")),
        "{:#}",
        amber[0]
    );

    let green = mails_to(&mails, meti, &green_ident);
    assert_eq!(green.len(), 1, "{mails:#?}");
    check_mail(green[0], &srv.base, &green_id);
    let body = green[0]["body"].as_str().expect("body");
    assert!(body.contains(open), "GREEN carries the summary: {body}");

    // Give stray mail a moment to show up, then nobody outside the recipients got any.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = sink.mails();
    for m in &mails {
        for r in rcpts(m) {
            assert!(allowed.contains(&r), "mail to a non-recipient {r}: {m:#}");
            assert_ne!(r, "op-rail@demo.example.jp");
        }
        let body = m["body"].as_str().unwrap_or("");
        assert!(!body.contains(secret), "{m:#}");
    }
    eprintln!("mail test took {:?}", started.elapsed());
}

/// Lets each node's first mail through only once the other node is mailing too (or after a
/// while), so that the two digest runs below overlap for certain.
struct Overlap {
    inner: SmtpMailer,
    barrier: Arc<tokio::sync::Barrier>,
    /// Told when this node holds its first claim and is about to mail.
    arrived: Arc<tokio::sync::Notify>,
    first: std::sync::atomic::AtomicBool,
    sent: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl kakehashi_app::notify::Mailer for Overlap {
    async fn send(&self, mail: kakehashi_app::notify::OutgoingMail) -> Result<(), String> {
        if self.first.swap(false, std::sync::atomic::Ordering::SeqCst) {
            self.arrived.notify_one();
            // Generous: on a loaded machine the other node's first claim can take long; the
            // barrier releases at once when both arrive, so a quiet run never waits.
            let _ = tokio::time::timeout(Duration::from_secs(300), self.barrier.wait()).await;
        }
        self.inner.send(mail).await?;
        self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// Two server nodes on one PostgreSQL database run the digest at the same moment, mailing
/// through a real SMTP server: every unread row of every person who chose digests is listed in
/// exactly one mail, both nodes sent some, and a second run sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digests_from_two_nodes_list_each_row_once() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let arrived = Arc::new(tokio::sync::Notify::new());
    let overlap = || {
        Arc::new(Overlap {
            inner: SmtpMailer::new(&smtp, "kakehashi@localhost").expect("mailer"),
            barrier: barrier.clone(),
            arrived: arrived.clone(),
            first: true.into(),
            sent: 0.into(),
        })
    };
    let (mail_a, mail_b) = (overlap(), overlap());
    let srv = crate::common::TestServer::start_with(
        crate::common::Backend::Postgres,
        Some(mail_a.clone()),
        AppConfig::default(),
    )
    .await;
    let (node_b, _, _guard) = srv.another_node_app(Some(mail_b.clone())).await;
    let store = &srv.app.store;
    // More people than one claim takes, so both nodes find work.
    for i in 0..(2 * kakehashi_app::notify::DIGEST_BATCH + 20) {
        let mut p = kakehashi_store::conformance::person(&format!("digest-{i:03}"), "meti");
        p.email = format!("digest-{i:03}@demo.example.jp");
        p.need_to_know = None;
        let audit = kakehashi_audit::AuditDraft {
            actor: None,
            actor_org: None,
            action: "test.person".into(),
            target: None,
            detail: json!({}),
        };
        store.insert_person(&p, audit).await.expect("person");
    }
    let orgs: Vec<OrgId> = store
        .orgs()
        .await
        .expect("orgs")
        .into_iter()
        .map(|o| o.id)
        .collect();
    let everyone: Vec<kakehashi_domain::PersonId> = store
        .people_in_orgs(&orgs)
        .await
        .expect("people")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let refs = ["dg-1", "dg-2", "dg-3"];
    for r in refs {
        store
            .insert_notifications(
                &everyone,
                "provision",
                r,
                &format!("情報提供 {r}"),
                None,
                srv.app.now(),
            )
            .await
            .expect("notify");
    }
    // Who must get which rows: active people who chose digests and have an address.
    let mut want: Vec<(String, String)> = Vec::new();
    for o in &orgs {
        for p in store.people_of_org(o).await.expect("people") {
            if p.active && p.mail_pref == "digest" && !p.email.is_empty() {
                for r in refs {
                    want.push((p.email.to_lowercase(), r.to_owned()));
                }
            }
        }
    }
    want.sort();
    assert!(want.len() > 3 * 2 * kakehashi_app::notify::DIGEST_BATCH as usize);

    // Node a claims its first people and holds them (its first mail waits for node b); only
    // then does node b run, so it must claim around a's claim, and both mail at once. (Two
    // claim statements at the same instant are the conformance suite's concern.)
    let node_a = srv.app.clone();
    let run_a = tokio::spawn(async move { node_a.send_digests().await });
    tokio::time::timeout(Duration::from_secs(120), arrived.notified())
        .await
        .expect("node a claimed and is mailing");
    let b = node_b.send_digests().await.expect("node b");
    let a = run_a.await.expect("node a ran").expect("node a");
    eprintln!("digests: node a {a}, node b {b}");
    assert!(a > 0 && b > 0, "both nodes mailed: {a} / {b}");
    assert_eq!(a + b, want.len() / refs.len(), "one digest per person");
    let mails = sink
        .wait_for(Duration::from_secs(90), |m| m.len() >= a + b)
        .await;
    let mut got: Vec<(String, String)> = Vec::new();
    for m in &mails {
        let body = m["body"].as_str().expect("body");
        for to in rcpts(m) {
            for r in refs {
                if body.contains(&format!("/provisions/{r}")) {
                    got.push((to.clone(), r.to_owned()));
                }
            }
        }
    }
    got.sort();
    assert_eq!(got, want, "every row in exactly one digest");
    assert_eq!(
        (
            srv.app.send_digests().await.expect("again"),
            node_b.send_digests().await.expect("again")
        ),
        (0, 0),
        "nothing twice"
    );
    assert_eq!(
        mail_a.sent.load(std::sync::atomic::Ordering::SeqCst)
            + mail_b.sent.load(std::sync::atomic::Ordering::SeqCst),
        a + b
    );
}

/// An exercise's report travels the real route and its mail says so: 【演習】[EXERCISE] in front of
/// the subject and its own number E-R1; a real report filed beside it is mailed unmarked as R1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exercise_mail_is_marked_and_real_mail_is_not() {
    let sink = SmtpSink::start();
    let srv = MailServer::start(&format!("smtp://127.0.0.1:{}", sink.port)).await;
    let nisc = srv.login("nisc").await;
    let op = srv.login("op-power").await;
    let (st, me) = op.get("/api/v1/me").await;
    assert_eq!(st, 200, "{me}");
    let power = me["person"]["org"].as_str().expect("org").to_owned();
    let (st, ex) = nisc
        .post(
            "/api/v1/exercises",
            json!({ "name": "演習", "participants": [power] }),
        )
        .await;
    assert_eq!(st, 201, "{ex}");
    let id = ex["id"].as_str().expect("id");
    let (st, v) = nisc
        .post(&format!("/api/v1/exercises/{id}/start"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let mut form = crate::common::power_form("AMBER");
    form["importance"] = json!("alert");
    let (st, real) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "statutory": true, "urgent": true }),
        )
        .await;
    assert_eq!(st, 201, "{real}");
    let (st, drill) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": form, "statutory": true, "urgent": true, "exercise_id": id }),
        )
        .await;
    assert_eq!(st, 201, "{drill}");
    assert_eq!(real["ident"], "R1");
    assert_eq!(drill["ident"], "E-R1");
    let meti = "meti@demo.example.jp";
    let mails = sink
        .wait_for(Duration::from_secs(5), |m| {
            !mails_to(m, meti, "R1").is_empty() && !mails_to(m, meti, "E-R1").is_empty()
        })
        .await;
    for m in mails_to(&mails, meti, "E-R1") {
        let subject = m["subject"].as_str().expect("subject");
        assert!(subject.starts_with("【演習】[EXERCISE] "), "{m:#}");
    }
    for m in mails_to(&mails, meti, "R1") {
        let subject = m["subject"].as_str().expect("subject");
        assert!(
            !subject.contains("演習") && !subject.contains("EXERCISE"),
            "{m:#}"
        );
    }
}
