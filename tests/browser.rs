//! The main journey in a real headless Chromium, driven over the W3C WebDriver protocol
//! (chromedriver on a loopback port): an operator files → the ministry completes and sends →
//! NISC receives and numbers R1 → the operator sees R1 → a follow-up becomes R1-2 — and a user
//! outside the TLP never sees it.
//!
//! Needs `chromium` and `chromedriver` (`.ci/run` installs them). Without them the test says so
//! and passes, unless `KAKEHASHI_REQUIRE_BROWSER` is set (as CI does), where it fails.

use crate::common::{Backend, TestServer, ADMIN_PASSWORD, PASSWORD};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Driver {
    async fn start() -> Option<Driver> {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("kkh-chrome-{port}"));
        let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--hide-scrollbars", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     format!("--user-data-dir={}", profile.display())]
        } } } });
        let res: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let session = res["value"]["sessionId"].as_str()?.to_owned();
        Some(Driver {
            child,
            base,
            session,
            http,
            profile,
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("webdriver json");
        if v["value"]["error"].is_string() {
            panic!("webdriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|x| x.as_str())
            .expect("element id")
            .to_owned()
    }

    async fn count(&self, css: &str) -> usize {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        // A driver error is a failure, never "no such element".
        v.as_array()
            .unwrap_or_else(|| panic!("find elements {css}: {v}"))
            .len()
    }

    /// Waits up to five seconds for an element: a click returns before the next page has loaded.
    async fn wait(&self, css: &str) {
        for _ in 0..50 {
            if self.count(css).await > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} on {}", self.url().await);
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_in(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Sets an input's value directly: typing into `datetime-local` depends on the browser locale.
    async fn set_value(&self, css: &str, value: &str) {
        let script = "document.querySelector(arguments[0]).value = arguments[1];";
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [css, value] })),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// The page printed as the browser prints it (A4, the page's own print rules, W3C "Print
    /// Page"), as text per sheet read by poppler's `pdftotext`. `None` when pdftotext is missing
    /// (the caller fails under `KAKEHASHI_REQUIRE_BROWSER`).
    async fn printed_pages(&self) -> Option<Vec<String>> {
        use base64::Engine;
        let pdf = self
            .cmd(
                reqwest::Method::POST,
                "/print",
                Some(json!({ "page": { "width": 21.0, "height": 29.7 }, "background": true })),
            )
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(pdf.as_str().expect("base64 PDF"))
            .expect("PDF bytes");
        assert!(bytes.starts_with(b"%PDF"), "a PDF");
        let path = self.profile.with_extension("pdf");
        std::fs::write(&path, &bytes).expect("write PDF");
        let out = Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .ok()?;
        let _ = std::fs::remove_file(&path);
        assert!(out.status.success(), "pdftotext: {:?}", out);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        Some(
            text.split('\u{c}')
                .filter(|p| !p.trim().is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// An element's rendered text read in one step in the page, so a part of the page that a
    /// script replaces meanwhile (the route preview) cannot leave a stale reference; `None`
    /// while there is no such element.
    async fn text_now(&self, css: &str) -> Option<String> {
        let script = "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;";
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({ "script": script, "args": [css] })),
            )
            .await;
        v.as_str().map(str::to_owned)
    }

    /// Waits up to five seconds until the element's text contains `part`.
    async fn wait_contains(&self, css: &str, part: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            if let Some(t) = self.text_now(css).await {
                last = t;
                if last.contains(part) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} is {last:?}, without {part:?}");
    }

    /// Waits up to five seconds for an element's text to become `want`.
    async fn wait_text(&self, css: &str, want: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            if let Some(t) = self.text_now(css).await {
                last = t;
                if last.trim() == want {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} is {last:?}, not {want:?} on {}", self.url().await);
    }

    /// Sets the viewport width (CSS pixels), correcting for any window frame.
    async fn set_width(&self, width: i64) {
        let mut want = width;
        for _ in 0..3 {
            self.cmd(
                reqwest::Method::POST,
                "/window/rect",
                Some(json!({ "width": want, "height": 900 })),
            )
            .await;
            let inner = self.js("return window.innerWidth;", json!([])).await;
            let inner = inner.as_i64().unwrap_or(width);
            if inner == width {
                return;
            }
            want += width - inner;
        }
    }

    async fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Checks the page as it is now: in the `lang` it shows, at the current width. Saves a
    /// screenshot, asserts there is no horizontal overflow at phone width, that no text of the
    /// other language shows (see [`other_language`]), and that axe-core finds no serious or
    /// critical violation. Failures are collected in `w`.
    async fn check_here(&self, w: &mut Walk, label: &str, lang: &str, width: i64) {
        let url = self.url().await;
        let name = format!("{:02}-{label}-{lang}-{width}", w.shots);
        w.shots += 1;
        let png = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        if let Some(b) = png.as_str() {
            use base64::Engine as _;
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b) {
                let _ = std::fs::write(w.dir.join(format!("{name}.png")), bytes);
            }
        }
        let page_lang = self
            .js("return document.documentElement.lang;", json!([]))
            .await;
        if page_lang.as_str() != Some(lang) {
            w.fail(&name, &url, format!("page language is {page_lang}"));
        }
        if width < 700 {
            let v = self
                .js(
                    "var d = document.documentElement, iw = window.innerWidth, wide = [];\
                     function out(e) { return e.getBoundingClientRect().right > iw + 1; }\
                     function clipped(e) { for (var p = e.parentElement; p; p = p.parentElement) {\
                       var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') { return true; } } return false; }\
                     document.querySelectorAll('body, body *').forEach(function (e) {\
                       if (out(e) && !clipped(e) && wide.length < 8) {\
                         wide.push(e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); } });\
                     return [d.scrollWidth, Math.min(iw, d.clientWidth), wide.join('; ')];",
                    json!([]),
                )
                .await;
            let (sw, iw) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
            if sw > iw {
                w.fail(
                    &name,
                    &url,
                    format!("scrolls sideways: {sw} > {iw} ({})", v[2]),
                );
            }
        }
        let text = self.js(VISIBLE_TEXT, json!([])).await;
        let text = text.as_str().unwrap_or_default();
        for bad in other_language(lang, text, &w.allow) {
            w.fail(&name, &url, format!("other language: {bad:?}"));
        }
        if let Some(axe) = &w.axe {
            let v = self
                .cmd(
                    reqwest::Method::POST,
                    "/execute/async",
                    Some(json!({ "script": format!("{axe}\n;{AXE_RUN}"), "args": [] })),
                )
                .await;
            if v["passes"].as_u64().unwrap_or(0) == 0 {
                w.fail(&name, &url, format!("axe-core did not run: {v}"));
            }
            w.axe_runs += 1;
            for violation in v["violations"].as_array().into_iter().flatten() {
                w.fail(&name, &url, format!("axe: {violation}"));
            }
        }
    }

    /// Checks the current (GET) page in both languages at both widths, then leaves it in
    /// Japanese at desktop width, as the journey expects.
    async fn walk(&self, w: &mut Walk, label: &str) {
        if !w.on {
            return;
        }
        let full = self.url().await;
        let (url, query) = full.split_once('?').unwrap_or((&full, ""));
        let query: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
            .collect();
        for lang in ["en", "ja"] {
            let mut q = query.clone();
            let l = format!("lang={lang}");
            q.push(&l);
            let target = format!("{url}?{}", q.join("&"));
            self.goto(&target).await;
            for width in [390, 1366] {
                self.set_width(width).await;
                self.check_here(w, label, lang, width).await;
            }
        }
    }

    /// Checks a page reached by a POST (it cannot be reloaded) as it is: Japanese, both widths.
    async fn walk_here(&self, w: &mut Walk, label: &str) {
        if !w.on {
            return;
        }
        for width in [390, 1366] {
            self.set_width(width).await;
            self.check_here(w, label, "ja", width).await;
        }
    }

    async fn sign_in(&self, base: &str, login: &str) {
        self.sign_in_with(base, login, PASSWORD).await
    }

    async fn sign_in_with(&self, base: &str, login: &str, password: &str) {
        self.cmd(reqwest::Method::DELETE, "/cookie", None).await;
        self.goto(&format!("{base}/signin")).await;
        self.type_in("#login", login).await;
        self.type_in("#password", password).await;
        self.click("#signin-submit").await;
        // The click returns when the POST is sent; wait for the redirect to land.
        let mut url = String::new();
        for _ in 0..50 {
            url = self.url().await;
            if url.ends_with("/inbox") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(url.ends_with("/inbox"), "{login} signed in: {url}");
    }
}

/// What a page shows a reader, one text node (or label attribute) a line: visible text, the
/// title, and `title`/`aria-label`/`placeholder`/`alt` texts. Left out: user-entered text
/// (`textarea`), what is marked `translate="no"` (names), and the language switch, which
/// names the other language in that language.
const VISIBLE_TEXT: &str = r#"
var out = [document.title];
function skip(e) { return !e || e.closest('script,style,noscript,textarea,[translate=no],#lang-switch'); }
var w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (w.nextNode()) {
  var n = w.currentNode, e = n.parentElement;
  if (skip(e)) { continue; }
  if (!e.closest('option') && e.getClientRects().length === 0) { continue; }
  var t = n.nodeValue.replace(/\s+/g, ' ').trim();
  if (t) { out.push(t); }
}
document.querySelectorAll('[title],[aria-label],[placeholder],[alt]').forEach(function (e) {
  if (skip(e)) { return; }
  ['title', 'aria-label', 'placeholder', 'alt'].forEach(function (a) { var v = e.getAttribute(a); if (v) { out.push(v); } });
});
return out.join('\n');
"#;

/// Runs axe-core (loaded just before) over the page; the serious and critical violations.
const AXE_RUN: &str = r#"
var done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
  done({ passes: r.passes.length, violations: r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
    .map(function (v) {
      return v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
        v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 160); }).join(' | ');
    }) });
}, function (e) { done({ passes: 0, violations: ['axe failed: ' + e] }); });
"#;

/// Kana, kanji and full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF01}'..='\u{FF9F}')
}

/// An English word: two or more ASCII letters (hyphen and apostrophe allowed), once the
/// punctuation around it is set aside. `TLP:AMBER`, `R1-2`, `2026-11-20` and e-mail addresses
/// are codes, not words.
fn is_english_word(token: &str) -> bool {
    let core = token.trim_matches(|c: char| {
        "()[]{}.,;:!?\"'“”‘’（）「」『』、。・".contains(c) || c.is_whitespace()
    });
    core.chars().filter(char::is_ascii_alphabetic).count() >= 2
        && core
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\'')
}

/// The lines of `text` that show the other language, once the allowed strings (names, text
/// typed into forms) are taken out. In Japanese: a run of two or more English words side by
/// side (a single word — a product name, "TLP", "JST", "Webhook" — is how Japanese is written);
/// in English: any kana, kanji or full-width character.
fn other_language(lang: &str, text: &str, allow: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    for line in text.lines() {
        let mut rest = line.to_owned();
        for a in allow {
            rest = rest.replace(a.as_str(), " ");
        }
        let wrong = if lang == "ja" {
            let words: Vec<&str> = rest.split_whitespace().collect();
            words
                .windows(2)
                .any(|p| is_english_word(p[0]) && is_english_word(p[1]))
        } else {
            rest.chars().any(is_cjk)
        };
        if wrong {
            bad.push(line.to_owned());
        }
    }
    bad
}

#[test]
fn the_language_check_itself() {
    let none: Vec<String> = vec![];
    assert!(other_language(
        "ja",
        "受信箱\nTLP:AMBER 警報\nR1-2 2026-11-20 10:00 JST",
        &none
    )
    .is_empty());
    assert_eq!(
        other_language("ja", "印刷 / Print\n続報を作成 / File follow-up", &none),
        vec!["続報を作成 / File follow-up"]
    );
    assert_eq!(
        other_language("ja", "Platform administrator", &none).len(),
        1
    );
    assert!(other_language("en", "Inbox\nTLP:AMBER (Alert)", &none).is_empty());
    assert_eq!(other_language("en", "Print\n印刷", &none), vec!["印刷"]);
    let names = vec!["東都 花子".to_owned()];
    assert!(other_language("en", "Filed by 東都 花子", &names).is_empty());
}

/// The state of a walk over pages: where screenshots go, what text is allowed in the other
/// language, axe-core's source, and every failure found (reported together at the end).
struct Walk {
    on: bool,
    dir: std::path::PathBuf,
    shots: usize,
    allow: Vec<String>,
    axe: Option<String>,
    axe_runs: usize,
    failures: Vec<String>,
}

impl Walk {
    /// `on`: whether this run walks (one backend is enough: the pages are the same).
    fn new(on: bool, name: &str, typed: &[&str]) -> Walk {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        let dir = target.join("browser-screenshots").join(name);
        if on {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("screenshot directory");
        }
        let axe_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser-tools/node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&axe_path).ok();
        if on && axe.is_none() {
            assert!(
                std::env::var("KAKEHASHI_REQUIRE_BROWSER").is_err(),
                "axe-core is not installed (run .ci/run)"
            );
            eprintln!("axe-core not installed: accessibility checks skipped (run .ci/run)");
        }
        // People's names (demo world) and what the journey types into forms.
        let mut allow: Vec<String> = [
            "内閣 太郎",
            "分析 三郎",
            "北浜 一郎",
            "危機 管理子",
            "厚生 労働",
            "国土 交通",
            "委託 次郎",
            "未来 通子",
            "東西 鉄子",
            "東都 花子",
            "桜 金太",
            "港 運輸",
            "経済 産業",
            "総務 通信",
            "金融 庁子",
            "雲 基盤",
            "電力 事務局",
            "基盤管理者",
            "防衛 真司",
            "防災 結衣",
            "警察 守",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        allow.extend(typed.iter().map(|s| s.to_string()));
        Walk {
            on,
            dir,
            shots: 0,
            allow,
            axe,
            axe_runs: 0,
            failures: Vec::new(),
        }
    }

    fn fail(&mut self, name: &str, url: &str, what: String) {
        self.failures.push(format!("{name} {url}: {what}"));
    }

    fn finish(self) {
        if self.on {
            eprintln!(
                "walked {} page views ({} checked by axe-core); screenshots in {}",
                self.shots,
                self.axe_runs,
                self.dir.display()
            );
        }
        assert!(
            self.failures.is_empty(),
            "{} problem(s):\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn liaison_journey_in_a_real_browser_sqlite() {
    journey(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn liaison_journey_in_a_real_browser_postgres() {
    journey(Backend::Postgres).await
}

async fn journey(backend: Backend) {
    let Some(d) = Driver::start().await else {
        if std::env::var("KAKEHASHI_REQUIRE_BROWSER").is_ok() {
            panic!("headless Chromium / chromedriver not available");
        }
        eprintln!("SKIPPED: chromium and chromedriver are not installed (run .ci/run)");
        return;
    };
    let srv = TestServer::start(backend).await;
    let base = srv.base.clone();
    // On one backend, every page on the way is checked in both languages at 1366 and 390 px.
    let mut w = Walk::new(
        matches!(backend, Backend::Sqlite),
        "liaison",
        &[
            "連絡 太郎",
            "給電指令システムへの大量アクセスにより一部機能が停止。",
            "所管省庁にて確認済み。",
            "原因はDDoS攻撃と判明。",
            "東都電力株式会社",
            "情報セキュリティ担当",
            "該当ケースの確認",
            "制御系への大量アクセス。情報連絡の対象か分かりません。",
            "③として連絡できます。",
        ],
    );

    // 1. The operator files an AMBER statutory report; a bad date is refused by field first.
    d.sign_in(&base, "op-power").await;
    d.walk(&mut w, "inbox-empty").await;
    d.click("#nav-new").await;
    d.wait("#submit").await;
    d.walk(&mut w, "new-liaison").await;
    // Before sending, the form says where the report goes, and follows the route choices.
    d.wait_text("#route-names", "経済産業省").await;
    d.click("#via_ceptoar").await;
    d.wait_text("#route-names", "電力セプター").await;
    assert!(d.text("#route-preview").await.contains("匿名化"));
    d.click("#via_ceptoar").await;
    d.wait_text("#route-names", "経済産業省").await;
    d.click("#urgent").await;
    d.wait_contains("#route-names", "内閣サイバーセキュリティセンター")
        .await;
    d.click("#urgent").await;
    d.wait_text("#route-names", "経済産業省").await;
    // The sender block starts from the profile and may be edited.
    d.type_in("#sender-person", "連絡 太郎").await;
    d.click("#tlp-AMBER").await;
    d.click("#has_attachments-false").await;
    d.click("#event-EV-04").await;
    d.type_in(
        "#description",
        "給電指令システムへの大量アクセスにより一部機能が停止。",
    )
    .await;
    d.set_value("#discovered", "2026-11-20T10:00").await;
    d.set_value("#occurred", "2026-11-20T11:00").await; // after 判明: refused
    d.click("#case-statutory").await;
    d.click("#submit").await;
    d.wait("#form-errors").await;
    d.walk_here(&mut w, "new-liaison-errors").await;
    assert!(
        d.source()
            .await
            .contains("給電指令システムへの大量アクセス"),
        "input kept"
    );
    d.set_value("#occurred", "2026-11-20T09:30").await;
    // The re-rendered form keeps every input, the route flags included.
    assert_eq!(d.count("#case-statutory:checked").await, 1);
    d.click("#submit").await;
    d.wait("#chain-number").await;
    let chain_url = d.url().await;
    let chain_url = chain_url.split('?').next().unwrap_or_default().to_owned();
    assert!(
        chain_url.contains("/chains/"),
        "filed: {chain_url} {}",
        d.text("#form-errors").await
    );
    assert!(d.text("#chain-number").await.contains("未採番"));
    // After sending: a message naming the recipient.
    assert!(d.text("#sent-recipients").await.contains("経済産業省"));
    d.walk(&mut w, "chain-filed").await;
    d.click("a.hop-link").await;
    d.wait("#print-link").await;
    d.walk(&mut w, "copy").await;
    assert!(
        d.source().await.contains("連絡 太郎"),
        "the edited sender block"
    );
    // Printed, the form keeps its TLP at the head and foot of every sheet, numbers its pages
    // and carries the form's footnotes ※１–※６.
    match d.printed_pages().await {
        Some(pages) => {
            assert!(
                pages.len() >= 2,
                "the form takes more than one A4 sheet: {pages:?}"
            );
            let n = pages.len();
            for (i, text) in pages.iter().enumerate() {
                assert!(
                    text.matches("TLP:AMBER").count() >= 2,
                    "sheet {} of {n} marked at head and foot: {text}",
                    i + 1
                );
                let squeezed: String = text.split_whitespace().collect();
                assert!(
                    squeezed.contains(&format!("{}/{n}TLP:AMBER", i + 1)),
                    "sheet {} of {n} numbered: {text}",
                    i + 1
                );
            }
            let all: String = pages.concat().split_whitespace().collect();
            for note in ["※１：", "※２：", "※３：", "※４：", "※５：", "※６："]
            {
                assert!(all.contains(note), "footnote {note} printed");
            }
            assert!(
                !all.contains("ログアウト"),
                "the printout is the sheet, not the page chrome"
            );
        }
        None if std::env::var_os("KAKEHASHI_REQUIRE_BROWSER").is_some() => {
            panic!("pdftotext (poppler-utils) is needed to read the printout (run .ci/run)")
        }
        None => eprintln!("pdftotext not installed: the printout is not checked (run .ci/run)"),
    }

    // 2. The ministry forwards to NISC, raising importance: a 警報 forward is confirmed first,
    //    and "back to edit" keeps what was entered.
    d.sign_in(&base, "meti").await;
    // The home page says what waits: one case to forward, linked to its forwarding form.
    d.goto(&format!("{base}/")).await;
    d.wait("#waiting-counts").await;
    assert_eq!(d.text("#count-forward .n").await, "1");
    assert_eq!(d.count("#to-forward a.forward-pending-link").await, 1);
    d.walk(&mut w, "home").await;
    d.goto(&format!("{base}/inbox")).await;
    // The inbox row says what needs doing: statutory, to forward, with the summary line; the
    // keyword search and the to-forward filter find it, and the listing exports as CSV.
    d.wait("tr.case-row").await;
    d.walk(&mut w, "inbox-to-forward").await;
    assert!(d.text("tr.case-row .flags").await.contains("要転送"));
    assert!(d
        .text("tr.case-row .line")
        .await
        .contains("給電指令システム"));
    d.type_in("#f-q", "ＤＵＭＭＹ該当なし").await;
    d.click("#filter-submit").await;
    d.wait("#empty").await;
    d.goto(&format!("{base}/inbox")).await;
    d.type_in("#f-q", "給電指令").await;
    d.click("#f-to-forward").await;
    d.click("#filter-submit").await;
    for _ in 0..50 {
        if d.url().await.contains("to_forward=true") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    d.wait("tr.case-row").await;
    assert_eq!(d.count("tr.case-row").await, 1);
    assert_eq!(d.count("a.forward-pending-link").await, 1);
    assert_eq!(
        d.count("#f-to-forward:checked").await,
        1,
        "the filter is kept"
    );
    assert_eq!(d.count("#export-csv").await, 1);
    d.click("a.copy-link").await;
    d.wait("#forward-link").await;
    d.click("#forward-link").await;
    d.wait("#submit").await;
    d.walk(&mut w, "forward").await;
    d.click("#importance-alert").await;
    d.type_in("#supplementary", "所管省庁にて確認済み。").await;
    d.click("#submit").await;
    d.wait("#confirm-send").await;
    d.walk_here(&mut w, "forward-confirm").await;
    assert!(d
        .text("#confirm-recipients")
        .await
        .contains("内閣サイバーセキュリティセンター"));
    assert!(d.text("#confirm-importance").await.contains("警報"));
    assert!(d.text("#confirm-tlp").await.contains("TLP:AMBER"));
    d.click("#confirm-back").await;
    d.wait("#submit").await;
    assert_eq!(d.count("#importance-alert:checked").await, 1, "kept");
    assert!(d.source().await.contains("所管省庁にて確認済み。"));
    d.click("#submit").await;
    d.wait("#confirm-send").await;
    d.click("#confirm-send").await;
    d.wait("#chain-number").await;
    assert_eq!(d.text("#chain-number").await, "R1");
    assert!(d
        .text("#sent-recipients")
        .await
        .contains("内閣サイバーセキュリティセンター"));
    assert_eq!(d.text("#sent-ident").await, "R1");

    // 3. NISC has it, numbered R1.
    d.sign_in(&base, "nisc").await;
    d.click("a.copy-link").await;
    d.wait("#ident").await;
    assert_eq!(d.text("#ident").await, "R1");

    // 4. The operator sees R1 and files a follow-up; after the ministry sends it, it is R1-2.
    d.sign_in(&base, "op-power").await;
    d.goto(&chain_url).await;
    assert_eq!(d.text("#chain-number").await, "R1");
    d.click("#follow-up-link").await;
    d.wait("#submit").await;
    // The inherited route: statutory, fixed.
    let statutory = d.text("#inherited-statutory").await;
    assert!(
        statutory.contains("該当") && !statutory.contains("非該当"),
        "{statutory}"
    );
    d.wait_text("#route-names", "経済産業省").await;
    d.type_in("#supplementary", "原因はDDoS攻撃と判明。").await;
    d.click("#next_steps-completed").await;
    d.click("#submit").await;
    d.wait("#chain-number").await;
    d.sign_in(&base, "meti").await;
    d.goto(&chain_url).await;
    let src = d.source().await;
    assert!(src.contains("第2報"), "report 2 reached the ministry");
    // The ministry's inbox lists the newest copy first: report 2 addressed to it.
    d.goto(&format!("{base}/inbox")).await;
    d.click("a.copy-link").await;
    d.wait("#report-no").await;
    assert_eq!(d.text("#report-no").await, "第2報");
    d.click("#forward-link").await;
    d.wait("#submit").await;
    d.click("#submit").await;
    d.wait("#confirm-send").await;
    d.click("#confirm-send").await;
    d.wait("#chain-number").await;
    assert_eq!(d.text("#sent-ident").await, "R1-2");
    let reports = d.text("#reports").await;
    assert!(reports.contains("R1-2"), "{reports}");
    assert!(
        d.text("#chain-status").await.contains("完了")
            || d.text("#chain-status").await.contains("closed")
    );

    // A personal API token created in the UI is shown once and works as a Bearer token.
    d.goto(&format!("{base}/account/tokens")).await;
    d.type_in("#token-name", "ui-token").await;
    d.click("#create-token-submit").await;
    d.wait("#new-token").await;
    let token = d.text("#new-token").await;
    d.walk_here(&mut w, "token-created").await;
    assert!(token.starts_with("kkh_"), "{token}");
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/liaisons/inbox"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 200);

    // The audit log names people, organisations and the case; it prints no ids.
    srv.login_admin().await; // replaces the one-time password, as a newcomer must
    d.sign_in_with(&base, "admin", ADMIN_PASSWORD).await;
    d.goto(&format!("{base}/admin/audit")).await;
    d.wait("#audit").await;
    d.walk(&mut w, "audit").await;
    let log = d.text("#audit").await;
    assert!(
        log.contains("東都 花子") && log.contains("経済 産業"),
        "{log}"
    );
    assert!(log.contains("東都電力株式会社") && log.contains("経済産業省"));
    assert!(log.contains("事案 R1"), "{log}");
    let chain_id = chain_url.rsplit('/').next().unwrap_or_default();
    assert!(!chain_id.is_empty() && !log.contains(chain_id), "no ids");
    for (label, path) in [("admin", "/admin"), ("password", "/account/password")] {
        d.goto(&format!("{base}{path}")).await;
        d.walk(&mut w, label).await;
    }

    // 5. Outside the TLP: a railway operator sees nothing, and the chain is not found.
    d.sign_in(&base, "op-rail").await;
    assert_eq!(d.count("#empty").await, 1, "railway inbox is empty");
    d.goto(&format!("{base}/search")).await;
    assert_eq!(d.count("a.copy-link").await, 0);
    d.goto(&chain_url).await;
    assert!(
        !d.source().await.contains("給電指令システム"),
        "not readable by another sector"
    );
    d.walk(&mut w, "not-found").await;

    // 6. 相談 (手引書 2.1): the operator consults its ministry from the menu; the ministry sees
    //    it waiting on its home page and answers on the thread.
    d.sign_in(&base, "op-power").await;
    d.click("#nav-consultations").await;
    d.wait("#consultations-empty").await;
    d.walk(&mut w, "consultations-empty").await;
    d.click("#new-consultation").await;
    d.wait("#consultation-form").await;
    d.walk(&mut w, "consultation-new").await;
    d.click("input[name=addressee][value=meti]").await;
    d.type_in("input[name=subject]", "該当ケースの確認").await;
    d.type_in(
        "textarea[name=body]",
        "制御系への大量アクセス。情報連絡の対象か分かりません。",
    )
    .await;
    d.click("#consultation-form button[type=submit]").await;
    d.wait("#consultation-thread").await;
    let consultation_url = d.url().await;
    d.walk(&mut w, "consultation").await;
    d.sign_in(&base, "meti").await;
    d.goto(&format!("{base}/")).await;
    d.wait("#consultations a.consultation-link").await;
    d.click("#consultations a.consultation-link").await;
    d.wait("#consultation-reply").await;
    d.type_in("#consultation-reply textarea", "③として連絡できます。")
        .await;
    d.click("#consultation-reply button[type=submit]").await;
    d.wait("#consultation-thread .message").await;
    assert!(d.text("#consultation-status").await.contains("回答済"));
    assert_eq!(d.url().await, consultation_url);
    d.walk(&mut w, "consultation-answered").await;
    d.goto(&format!("{base}/consultations")).await;
    d.walk(&mut w, "consultations").await;

    // The other pages of the menu, for a ministry (who reads, forwards and files).
    d.sign_in(&base, "meti").await;
    for (label, path) in [
        ("search", "/search?q=%E7%B5%A6%E9%9B%BB"),
        ("chain", chain_url.as_str()),
        ("follow-up", &format!("{chain_url}/follow-up")),
        ("reference", "/reference"),
        ("notifications", "/account/notifications"),
        ("tokens", "/account/tokens"),
        ("consents", "/consents"),
        ("statistics", "/statistics"),
        ("situation", "/situation"),
        ("overdue", "/overdue"),
        ("reporting-policies", "/reporting-policies"),
        (
            "standards",
            "/standards?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97",
        ),
        ("standards-item", "/standards/catalogue/G-5.1.3.3-a"),
        ("standards-sectors", "/standards/sectors"),
        ("standards-assessments", "/standards/assessments"),
        ("standards-surveys", "/standards/surveys"),
        ("standards-clusters", "/standards/clusters"),
    ] {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{base}{path}")
        };
        d.goto(&url).await;
        d.walk(&mut w, label).await;
    }
    // NISC's own pages.
    d.sign_in(&base, "nisc").await;
    for (label, path) in [
        ("cross-check", "/cross-check"),
        ("situation-dependencies", "/situation/dependencies"),
        ("exercises", "/exercises"),
        ("provision-sources", "/provisions/sources"),
    ] {
        d.goto(&format!("{base}{path}")).await;
        d.walk(&mut w, label).await;
    }
    // An operator's own risk register and continuity plans (the demo's).
    d.sign_in(&base, "op-power").await;
    for (label, path) in [("risk", "/risk"), ("continuity", "/continuity")] {
        d.goto(&format!("{base}{path}")).await;
        d.walk(&mut w, label).await;
    }
    d.goto(&format!("{base}/reference")).await;
    let sections: Vec<String> = d
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('main a[href^=\"/reference/\"]'), function (a) { return a.getAttribute('href'); });",
            json!([]),
        )
        .await
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for s in &sections {
        d.goto(&format!("{base}{s}")).await;
        d.walk(
            &mut w,
            &format!("reference-{}", s.rsplit('/').next().unwrap_or_default()),
        )
        .await;
    }
    // The sign-in page, signed out.
    d.cmd(reqwest::Method::DELETE, "/cookie", None).await;
    d.goto(&format!("{base}/signin")).await;
    d.walk(&mut w, "signin").await;
    // The public channel (TLP:CLEAR), read without signing in.
    d.goto(&format!("{base}/public")).await;
    d.walk(&mut w, "public").await;
    w.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provision_journey_with_live_updates_sqlite() {
    provision_journey(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provision_journey_with_live_updates_postgres() {
    provision_journey(Backend::Postgres).await
}

/// NISC drafts and sends a 情報提供 (T1); METI and the electric-power CEPTOAR relay it; an
/// operator whose `/provisions` page was already open sees T1 arrive without reloading (server-
/// sent events), opens and acknowledges it, and NISC's receipt table shows the acknowledgement.
/// A bank operator, outside the scope, sees nothing.
async fn provision_journey(backend: Backend) {
    let (Some(d), Some(op)) = (Driver::start().await, Driver::start().await) else {
        if std::env::var("KAKEHASHI_REQUIRE_BROWSER").is_ok() {
            panic!("headless Chromium / chromedriver not available");
        }
        eprintln!("SKIPPED: chromium and chromedriver are not installed (run .ci/run)");
        return;
    };
    let srv = TestServer::start(backend).await;
    let base = srv.base.clone();
    let summary = "電力分野の事業者において給電指令システムへの大量アクセスが確認された。";
    let mut w = Walk::new(
        matches!(backend, Backend::Sqlite),
        "provision",
        &[
            summary,
            "制御系ネットワークに接続された給電指令システム",
            "不審な通信先をブロックし、ログを確認すること。",
            "対象システムの範囲を確認したい。",
            "給電指令システムに限ります。",
            "ブロック設定済み",
        ],
    );

    // The operator's provisions page is open, connected to the live feed, and still empty.
    op.sign_in(&base, "op-power").await;
    op.goto(&format!("{base}/provisions")).await;
    op.wait("#provisions-live #provisions-empty").await;
    op.wait("body[data-live-state=open]").await;
    op.wait("#live-count:not([data-unread=''])").await;

    // 1. NISC drafts (警報, AMBER, 別紙 無, METI × 電力 and MLIT × 鉄道), saves and sends: T1.
    d.sign_in(&base, "nisc").await;
    d.goto(&format!("{base}/provisions/sources")).await;
    d.wait("#import-form").await;
    d.walk(&mut w, "provision-sources").await;
    d.goto(&format!("{base}/provisions/new")).await;
    d.wait("#provision-save").await;
    d.walk(&mut w, "provision-new").await;
    d.click("input[name=importance][value=alert]").await;
    d.click("input[name=tlp][value=AMBER]").await;
    d.click("input[name=has_attachments][value=false]").await;
    d.click(r#"input[name=recipient][value="meti|electric_power"]"#)
        .await;
    d.click(r#"input[name=recipient][value="mlit|railway"]"#)
        .await;
    d.type_in("#f-summary", summary).await;
    d.type_in(
        "#f-targets",
        "制御系ネットワークに接続された給電指令システム",
    )
    .await;
    d.type_in(
        "#f-countermeasures",
        "不審な通信先をブロックし、ログを確認すること。",
    )
    .await;
    d.click("#provision-save").await;
    d.wait("#send-submit").await;
    assert_eq!(
        d.count("#send-submit[disabled]").await,
        0,
        "blocked: {}",
        d.source().await
    );
    assert_eq!(d.text("#ident").await, "未採番");
    d.walk(&mut w, "provision-draft").await;
    d.click("#send-submit").await;
    d.wait_text("#ident", "T1").await;
    let url = d.url().await;
    let url = url.split('?').next().unwrap_or_default().to_owned();
    assert!(url.contains("/provisions/"), "{url}");
    assert_eq!(
        op.count("#provisions-live a.provision-link").await,
        0,
        "not yet relayed to the operator"
    );

    // 2. METI relays to 電力セプター; the CEPTOAR relays to its member operators.
    d.sign_in(&base, "meti").await;
    d.goto(&format!("{base}/")).await;
    d.wait("#waiting-counts").await;
    assert_eq!(
        d.text("#count-relay .n").await,
        "1",
        "T1 waits to be relayed"
    );
    d.walk(&mut w, "home-ministry").await;
    d.goto(&format!("{base}/provisions")).await;
    d.walk(&mut w, "provisions").await;
    d.click("a.provision-link").await;
    d.wait("#relay-submit").await;
    assert_eq!(d.text("#ident").await, "T1");
    d.walk(&mut w, "provision-to-relay").await;
    d.click("#relay-submit").await;
    d.wait("#notice").await;
    // Relayed: the button gives way to when it was done, also on a fresh view.
    assert_eq!(d.count("#relay-submit").await, 0, "no second relay button");
    assert_eq!(d.count("#relayed").await, 1);
    d.walk_here(&mut w, "provision-relayed").await;
    d.goto(&url).await;
    d.wait("#relayed").await;
    assert_eq!(d.count("#relay-submit").await, 0);
    // METI, inside the scope, asks NISC a question on the provision (問合せ).
    d.click("#inquiries-link").await;
    d.wait("#inquiry-body").await;
    d.type_in("#inquiry-body", "対象システムの範囲を確認したい。")
        .await;
    d.click("#inquiry-submit").await;
    d.wait_contains("section.thread", "対象システムの範囲を確認したい。")
        .await;
    d.walk(&mut w, "inquiries").await;
    assert!(d
        .source()
        .await
        .contains("対象システムの範囲を確認したい。"));
    d.sign_in(&base, "ceptoar-power").await;
    d.goto(&url).await;
    d.wait("#relay-submit").await;
    d.click("#relay-submit").await;
    d.wait("#notice").await;

    // 3. The operator's open page shows T1 without a reload, and the header counts it.
    op.wait("#provisions-live[data-live-updated] a.provision-link")
        .await;
    assert_eq!(op.text("#provisions-live a.provision-link").await, "T1");
    assert_eq!(
        op.count("#provisions tr.alert").await,
        1,
        "警報 highlighted"
    );
    op.wait("#live-count:not([data-unread='']):not([data-unread='0'])")
        .await;
    let unread: u32 = op.text("#live-count").await.parse().expect("a number");
    assert!(unread >= 1, "{unread}");

    // The operator's home page: an unread 警報 to acknowledge.
    op.goto(&format!("{base}/")).await;
    op.wait("#waiting-counts").await;
    assert_eq!(op.text("#count-alerts .n").await, "1");
    assert_eq!(op.text("#count-ack .n").await, "1");
    op.goto(&format!("{base}/provisions")).await;
    op.wait("#provisions-live a.provision-link").await;

    // 4. The operator opens it and acknowledges.
    op.click("#provisions-live a.provision-link").await;
    op.wait("#ack-submit").await;
    assert_eq!(op.text("#ident").await, "T1");
    assert!(op.text("#summary").await.contains("給電指令システム"));
    op.type_in("#ack-note", "ブロック設定済み").await;
    op.click("#ack-submit").await;
    op.wait("#ack-state").await;
    op.walk_here(&mut w, "provision-acked").await;
    op.goto(&format!("{base}/provisions")).await;
    op.walk(&mut w, "provisions-operator").await;

    // 5. NISC's receipt table shows the operator's acknowledgement.
    d.sign_in(&base, "nisc").await;
    d.goto(&url).await;
    d.wait("#receipts").await;
    d.walk(&mut w, "provision-receipts").await;
    let receipts = d.text("#receipts").await;
    let row = receipts
        .lines()
        .find(|l| l.contains("東都電力株式会社"))
        .unwrap_or_else(|| panic!("operator row: {receipts}"));
    assert!(row.contains("ブロック設定済み"), "{row}");
    // NISC answers METI's inquiry.
    d.click("#inquiries-link").await;
    d.wait("button.reply-submit").await;
    d.type_in("section.thread textarea", "給電指令システムに限ります。")
        .await;
    d.click("button.reply-submit").await;
    d.wait_contains("section.thread", "給電指令システムに限ります。")
        .await;
    let thread = d.text("section.thread").await;
    assert!(
        thread.contains("対象システムの範囲") && thread.contains("給電指令システムに限ります。"),
        "{thread}"
    );

    // 6. Outside the scope: a bank operator sees no T1 and the provision is not found.
    d.sign_in(&base, "op-bank").await;
    d.goto(&format!("{base}/provisions")).await;
    d.wait("#provisions-live").await;
    assert_eq!(d.count("a.provision-link").await, 0);
    assert_eq!(d.count("#provisions-empty").await, 1);
    d.goto(&url).await;
    d.wait("#error").await;
    let src = d.source().await;
    assert!(
        src.contains("見つかりません") && !src.contains("給電指令システム"),
        "not found for another sector"
    );
    w.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_in_changes_the_one_time_password_sqlite() {
    first_sign_in(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_in_changes_the_one_time_password_postgres() {
    first_sign_in(Backend::Postgres).await
}

/// The platform administrator signs in with the printed one-time password: every page leads to
/// the change-password page until a password of their own is set there; then the menu opens.
async fn first_sign_in(backend: Backend) {
    let Some(d) = Driver::start().await else {
        if std::env::var("KAKEHASHI_REQUIRE_BROWSER").is_ok() {
            panic!("headless Chromium / chromedriver not available");
        }
        eprintln!("SKIPPED: chromium and chromedriver are not installed (run .ci/run)");
        return;
    };
    let srv = TestServer::start(backend).await;
    let base = srv.base.clone();
    d.goto(&format!("{base}/signin")).await;
    d.type_in("#login", "admin").await;
    d.type_in("#password", &srv.admin_password).await;
    d.click("#signin-submit").await;
    d.wait("#must-change").await;
    assert!(d.url().await.ends_with("/account/password"));
    assert_eq!(d.count("#nav-inbox").await, 0, "no menu yet");
    d.goto(&format!("{base}/admin")).await;
    d.wait("#must-change").await;
    assert!(
        d.url().await.ends_with("/account/password"),
        "still sent here"
    );

    // A mismatched confirmation is refused with the reason next to the field.
    d.type_in("#current_password", &srv.admin_password).await;
    d.type_in("#new_password", ADMIN_PASSWORD).await;
    d.type_in("#new_password_confirm", "something-else-entirely")
        .await;
    d.click("#password-submit").await;
    d.wait("#form-errors").await;
    d.type_in("#current_password", &srv.admin_password).await;
    d.type_in("#new_password", ADMIN_PASSWORD).await;
    d.type_in("#new_password_confirm", ADMIN_PASSWORD).await;
    d.click("#password-submit").await;
    d.wait("#notice").await;
    assert_eq!(d.count("#must-change").await, 0);
    d.click("#nav-admin").await;
    d.wait("#orgs").await;
    assert!(d.url().await.ends_with("/admin"));
}
