//! Test servers: the real binary's router on an ephemeral port, over a fresh SQLite file or a
//! freshly created PostgreSQL database, with the demo world loaded.

use kakehashi_app::{App, AppConfig};
use reqwest::Client;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Runs each named `async fn(Backend)` of the module as two tests, on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Backend::Postgres).await } )*
        }
    };
}

/// The items of a listing; anything else (an error body, a missing array) fails the test, so
/// "sees nothing" can never pass because the endpoint failed.
pub fn items(v: &Value) -> Vec<Value> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a listing with items: {v}"))
        .clone()
}

pub const PASSWORD: &str = kakehashi_app::demo::DEMO_PASSWORD;
/// What the bootstrap administrator's one-time password is changed to at its first sign-in.
pub const ADMIN_PASSWORD: &str = "admin-chosen-password-2026";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    /// The database URL, for starting more nodes on the same database.
    pub url: String,
    pub app: App,
    /// The bootstrap administrator's one-time password (as printed on first start).
    pub admin_password: String,
    /// Whether the administrator has already replaced it with [`ADMIN_PASSWORD`].
    admin_changed: tokio::sync::Mutex<bool>,
    /// The settings the server started with (other nodes get the same).
    pub config: AppConfig,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    dir: Option<PathBuf>,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("KAKEHASHI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with_mailer(backend, None).await
    }

    /// As [`TestServer::start`], with mail going to `mailer`.
    pub async fn start_with_mailer(
        backend: Backend,
        mailer: Option<std::sync::Arc<dyn kakehashi_app::notify::Mailer>>,
    ) -> TestServer {
        Self::start_with(backend, mailer, AppConfig::default()).await
    }

    /// As [`TestServer::start_with_mailer`], with these settings (e.g. a webhook allow-list).
    pub async fn start_with(
        backend: Backend,
        mailer: Option<std::sync::Arc<dyn kakehashi_app::notify::Mailer>>,
        config: AppConfig,
    ) -> TestServer {
        let (url, dir, pg_name) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("kkh-it-{}", uuid_like()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                (
                    format!("sqlite://{}", dir.join("db.sqlite3").display()),
                    Some(dir),
                    None,
                )
            }
            Backend::Postgres => {
                use sqlx::Connection;
                let name = format!("kkh_it_{}", uuid_like());
                let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
                    .await
                    .expect("PostgreSQL reachable");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create db");
                let base = pg_admin_url();
                let i = base.rfind('/').expect("db in url");
                (format!("{}/{name}", &base[..i]), None, Some(name))
            }
        };
        let store = kakehashi_store_sql::open(&url).await.expect("open store");
        let mut app = App::new(store, config.clone());
        if let Some(m) = mailer {
            app = app.with_mailer(m);
        }
        let admin_password = app
            .bootstrap("admin")
            .await
            .expect("bootstrap")
            .expect("fresh database");
        app.load_demo().await.expect("demo world");
        app.start_event_relay().await.expect("event relay");
        let router = kakehashi_server::router(
            app.clone(),
            kakehashi_server::ServerConfig {
                secure_cookies: false,
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = kakehashi_server::serve(listener, router, async {
                let _ = rx.await;
            })
            .await;
        });
        TestServer {
            base,
            url,
            app,
            admin_password,
            admin_changed: tokio::sync::Mutex::new(false),
            config,
            shutdown: Some(tx),
            dir,
            pg_name,
        }
    }

    /// Starts another server node on the same database (scale-out); returns its base URL and
    /// a guard that stops it.
    pub async fn another_node(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        let (_, base, guard) = self.another_node_app(None).await;
        (base, guard)
    }

    /// As [`TestServer::another_node`], also returning the node's application (to run its
    /// background workers), with mail going to `mailer`.
    pub async fn another_node_app(
        &self,
        mailer: Option<std::sync::Arc<dyn kakehashi_app::notify::Mailer>>,
    ) -> (App, String, tokio::sync::oneshot::Sender<()>) {
        let store = kakehashi_store_sql::open(&self.url)
            .await
            .expect("open store");
        let mut app = App::new(store, self.config.clone());
        if let Some(m) = mailer {
            app = app.with_mailer(m);
        }
        app.start_event_relay().await.expect("event relay");
        let router = kakehashi_server::router(
            app.clone(),
            kakehashi_server::ServerConfig {
                secure_cookies: false,
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = kakehashi_server::serve(listener, router, async {
                let _ = rx.await;
            })
            .await;
        });
        (app, base, tx)
    }

    /// Runs SQL directly on the server's database, bypassing the application (to simulate
    /// tampering by someone with database access).
    pub async fn raw_sql(&self, sql: &str) {
        use sqlx::Connection;
        if let Some(dir) = &self.dir {
            let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
            sqlx::query(sql).execute(&mut c).await.expect("raw sql");
        } else if let Some(name) = &self.pg_name {
            let base = pg_admin_url();
            let i = base.rfind('/').expect("db in url");
            let mut c = sqlx::PgConnection::connect(&format!("{}/{name}", &base[..i]))
                .await
                .expect("pg");
            sqlx::query(sql).execute(&mut c).await.expect("raw sql");
        }
    }

    /// A signed-in API client (cookie session + CSRF header).
    pub async fn login(&self, login: &str) -> Session {
        self.login_with(login, PASSWORD).await
    }

    /// The bootstrap platform administrator, signed in. The first time, it signs in with the
    /// printed one-time password and changes it to [`ADMIN_PASSWORD`] as every newcomer must;
    /// later calls sign in with that.
    pub async fn login_admin(&self) -> Session {
        let mut changed = self.admin_changed.lock().await;
        if *changed {
            return self.login_with("admin", ADMIN_PASSWORD).await;
        }
        let s = self
            .login_changing_password("admin", &self.admin_password, ADMIN_PASSWORD)
            .await;
        *changed = true;
        s
    }

    /// Signs in with a password someone else chose (it must be flagged so), changes it to
    /// `new_password` through `PUT /api/v1/me/password`, and returns the session, which stays.
    pub async fn login_changing_password(
        &self,
        login: &str,
        one_time: &str,
        new_password: &str,
    ) -> Session {
        let (s, must_change) = self.sign_in(login, one_time).await;
        assert!(must_change, "{login}'s password was set by someone else");
        let (st, v) = s.get("/api/v1/liaisons").await;
        assert_eq!(
            (st, v["type"].as_str()),
            (403, Some("/problems/password-change-required")),
            "nothing else before the change: {v}"
        );
        let (st, v) = s
            .put(
                "/api/v1/me/password",
                json!({ "current_password": one_time, "new_password": new_password }),
            )
            .await;
        assert_eq!(st, 204, "password change of {login}: {v}");
        let (st, me) = s.get("/api/v1/me").await;
        assert_eq!(st, 200);
        assert_eq!(me["person"]["must_change_password"], json!(false), "{me}");
        s
    }

    /// Signs in; also says whether the password must be changed first.
    pub async fn sign_in(&self, login: &str, password: &str) -> (Session, bool) {
        let client = Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let res = client
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 200, "sign-in of {login}");
        let body: Value = res.json().await.expect("json");
        let must_change = body["must_change_password"]
            .as_bool()
            .expect("must_change_password in the sign-in answer");
        (
            Session {
                client,
                base: self.base.clone(),
                csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
            },
            must_change,
        )
    }

    /// A signed-in API client for a person whose password is their own (not flagged).
    pub async fn login_with(&self, login: &str, password: &str) -> Session {
        let (s, must_change) = self.sign_in(login, password).await;
        assert!(!must_change, "{login} must change their password first");
        s
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        if let Some(name) = self.pg_name.take() {
            // Drop the database from a separate thread: Drop cannot await.
            let url = pg_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("rt");
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Replaces the bootstrap administrator's one-time password through the self-service use case
/// (for worlds built on the application directly).
pub async fn change_bootstrap_password(app: &App, one_time: &str, new_password: &str) {
    let admin = app
        .store
        .person_by_login("admin")
        .await
        .expect("administrator");
    assert!(
        admin.must_change_password,
        "bootstrap flags the one-time password"
    );
    let actor = app.actor(&admin.id).await.expect("actor");
    app.change_own_password(&actor, one_time, new_password, None)
        .await
        .expect("password change");
}

/// Signs in through the UI's form as a browser does: fetches the form (which sets its
/// pre-session cookie and field), then posts it. `client` must keep cookies.
pub async fn web_sign_in(
    client: &Client,
    base: &str,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(format!("{base}/signin"))
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("html");
    let key = "name=\"presession\" value=\"";
    let i = page.find(key).expect("pre-session field") + key.len();
    let pre = &page[i..i + page[i..].find('"').expect("end of value")];
    client
        .post(format!("{base}/signin"))
        .form(&[
            ("login", login),
            ("password", password),
            ("presession", pre),
        ])
        .send()
        .await
        .expect("sign in")
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}{:x}", std::process::id())
}

pub struct Session {
    pub client: Client,
    pub base: String,
    pub csrf: String,
}

impl Session {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .client
            .patch(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("patch");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .client
            .put(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("put");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let res = self
            .client
            .delete(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .send()
            .await
            .expect("delete");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// A minimal valid first report from an electric-power operator.
pub fn power_form(tlp: &str) -> Value {
    json!({
        "importance": "caution",
        "tlp": tlp,
        "tlp_notes": "",
        "has_attachments": false,
        "sector": "electric_power",
        "event": "EV-04",
        "causes": ["CA-I-03"],
        "summary": {
            "discovered_at": "2026-11-20T01:00:00Z",
            "occurred_at": "2026-11-20T00:30:00Z",
            "affected_system": "東都電力株式会社 給電指令システム (https://www.tohto-epco.example.jp/)",
            "description": "東都電力の制御系サーバに大量アクセス。担当 東都 花子（op-power@demo.example.jp）。"
        },
        "impact": {
            "system_status": "partly_running",
            "service": "general_transmission_distribution",
            "measures": { "supply_loss_kw": 20000, "duration_minutes": 30 },
            "sml_deviation": false,
            "spread_to_others": false
        },
        "next_steps": "ongoing"
    })
}
