//! The inbox shows what needs doing: one row per case with the newest copy the viewer may read,
//! a one-line summary, statutory / urgent / to-forward flags and the time since 判明; filters,
//! keyword and date-range search; CSV export through the same policy, audited when it holds a
//! restricted copy. Through the real router, on both backends.

use crate::common::{power_form, Backend, Session, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    inbox_rows_flags_and_filters,
    keyword_and_dates_search_only_what_may_be_read,
    csv_export_is_quoted_with_bom_and_audited,
    bad_filters_name_the_field,
    urgent_flag_follows_what_the_viewer_reads,
);

/// The rows of a listing answer, which must be a well-formed 200.
async fn rows(s: &Session, path: &str) -> Vec<Value> {
    let (st, v) = s.get(path).await;
    assert_eq!(st, 200, "GET {path}: {v}");
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("GET {path}: no items in {v}"))
        .clone()
}

/// A raw GET: status, headers and body text.
async fn raw(s: &Session, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("get");
    let st = res.status().as_u16();
    let headers = res.headers().clone();
    (st, headers, res.text().await.expect("body"))
}

/// RFC 4180 records of a CSV text (after its byte-order mark).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{FEFF}').expect("UTF-8 BOM first");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = body.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match ch {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                c => panic!("unquoted character {c:?} in {text}"),
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "ends with CRLF: {text}"
    );
    records
}

fn form(tlp: &str, description: &str) -> Value {
    let mut f = power_form(tlp);
    f["summary"]["description"] = json!(description);
    f
}

/// Yesterday, today and tomorrow in JST, `YYYY-MM-DD`, by the server's clock.
fn days(srv: &TestServer) -> (String, String, String) {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
    let today = srv.app.now().with_timezone(&jst).date_naive();
    let f = |d: Option<chrono::NaiveDate>| d.expect("a day").format("%Y-%m-%d").to_string();
    (f(today.pred_opt()), f(Some(today)), f(today.succ_opt()))
}

async fn file(s: &Session, body: Value) -> Value {
    let (st, v) = s.post("/api/v1/liaisons", body).await;
    assert_eq!(st, 201, "{v}");
    v
}

/// A ministry sees each case once, with what it has to forward; forwarding clears it.
async fn inbox_rows_flags_and_filters(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    // A statutory AMBER report with the urgent copy to NISC, and a follow-up.
    let first = file(
        &op,
        json!({ "form": form("AMBER", "給電指令システムに不審な通信。\n詳細は続報。"), "statutory": true, "urgent": true }),
    )
    .await;
    let chain = first["chain"].as_str().expect("chain").to_owned();
    let (st, v) = op
        .post(
            &format!("/api/v1/chains/{chain}/follow-ups"),
            json!({ "form": form("AMBER", "続報：通信は遮断済み。") }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    // A non-statutory report through the CEPTOAR (confined to the CEPTOAR and the operator).
    file(
        &op,
        json!({ "form": form("GREEN", "別件の不審メール。"), "via_ceptoar": true }),
    )
    .await;

    let meti = srv.login("meti").await;
    let inbox = rows(&meti, "/api/v1/liaisons/inbox").await;
    assert_eq!(
        inbox.len(),
        1,
        "one row per case; the CEPTOAR's case is not the ministry's: {inbox:?}"
    );
    let r = &inbox[0];
    assert_eq!(r["summary"]["chain"], json!(chain));
    assert_eq!(r["summary"]["report_no"], 2, "the newest copy: {r}");
    assert_eq!(r["line"], "続報：通信は遮断済み。");
    assert_eq!(r["statutory"], true);
    assert_eq!(
        r["urgent"], true,
        "the AMBER urgent copy is the ministry's to read: {r}"
    );
    assert_eq!(r["to_forward"], true);
    assert_eq!(r["discovered_at"], "2026-11-20T01:00:00Z");
    assert!(r["elapsed_minutes"].as_i64().expect("elapsed") >= 0, "{r}");
    assert_eq!(r["sender_name"], "東都電力株式会社");
    assert_eq!(r["addressee_name"], "経済産業省");
    let pending = r["pending_copy"].as_str().expect("pending copy").to_owned();
    let (st, c) = meti.get(&format!("/api/v1/copies/{pending}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["record"]["report_no"], 1, "the copy waiting longest");

    for (q, n) in [
        ("to_forward=true", 1),
        ("to_forward=false", 0),
        ("statutory=true", 1),
        ("statutory=false", 0),
        ("urgent=true", 1),
        ("urgent=false", 0),
        ("status=open", 1),
        ("status=closed", 0),
        ("sector=electric_power", 1),
        ("sector=railway", 0),
        ("tlp=AMBER", 1),
        ("tlp=RED", 0),
        ("importance=caution", 1),
        ("importance=alert", 0),
    ] {
        let got = rows(&meti, &format!("/api/v1/liaisons/inbox?{q}")).await;
        assert_eq!(got.len(), n, "inbox?{q}: {got:?}");
    }

    // The CEPTOAR has the anonymising route's report to forward; it is neither statutory nor
    // urgent.
    let cep = srv.login("ceptoar-power").await;
    let inbox = rows(&cep, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["line"], "別件の不審メール。");
    assert_eq!(inbox[0]["to_forward"], true);
    assert_eq!(inbox[0]["statutory"], false);
    assert_eq!(inbox[0]["urgent"], false);
    assert_eq!(inbox[0]["summary"]["hop_kind"], "file_via_ceptoar");

    // The operator's inbox: both of its cases, nothing to forward (operators do not forward).
    let inbox = rows(&op, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 2, "{inbox:?}");
    assert!(inbox
        .iter()
        .all(|r| r["to_forward"] == false && r["pending_copy"].is_null()));
    let to_forward = rows(&op, "/api/v1/liaisons/inbox?to_forward=true").await;
    assert!(to_forward.is_empty(), "{to_forward:?}");

    // Another sector's operator: a well-formed, empty inbox and search.
    let rail = srv.login("op-rail").await;
    assert!(rows(&rail, "/api/v1/liaisons/inbox").await.is_empty());
    assert!(rows(&rail, "/api/v1/liaisons").await.is_empty());

    // The ministry forwards report 1, then report 2: nothing waits any more; NISC numbers it.
    for k in [1, 2] {
        let inbox = rows(&meti, "/api/v1/liaisons/inbox?to_forward=true").await;
        assert_eq!(inbox.len(), 1, "report {k} waits: {inbox:?}");
        let id = inbox[0]["pending_copy"]
            .as_str()
            .expect("pending")
            .to_owned();
        let (_, c) = meti.get(&format!("/api/v1/copies/{id}")).await;
        assert_eq!(c["record"]["report_no"], k);
        let (st, v) = meti
            .post(
                &format!("/api/v1/copies/{id}/forward"),
                json!({ "form": c["form"] }),
            )
            .await;
        assert_eq!(st, 201, "{v}");
    }
    assert!(rows(&meti, "/api/v1/liaisons/inbox?to_forward=true")
        .await
        .is_empty());
    let inbox = rows(&meti, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["to_forward"], false);
    assert_eq!(inbox[0]["summary"]["ident"], "R1-2", "{inbox:?}");
    assert_eq!(inbox[0]["chain_number"], 1);
    let nisc = srv.login("nisc").await;
    let inbox = rows(&nisc, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["urgent"], true);
    assert_eq!(
        inbox[0]["to_forward"], false,
        "NISC numbers, it does not forward"
    );

    // The web inbox shows the same, in Japanese and in English.
    let (st, _, html) = raw(&meti, "/inbox").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("続報：通信は遮断済み。") && html.contains("R1-2"),
        "{html}"
    );
    assert!(html.contains("法令") && html.contains("緊急") && !html.contains("flag-forward"));
    let (st, _, html) = raw(&meti, "/inbox?lang=en&statutory=true").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("Statutory") && html.contains("Since discovery"),
        "{html}"
    );
    let (st, _, html) = raw(&cep, "/inbox?to_forward=true").await;
    assert_eq!(st, 200);
    assert!(html.contains("forward-pending-link") && html.contains("別件の不審メール。"));
}

/// Keywords match normalised text and R-numbers, only in what the viewer may read; dates are JST
/// days of the copy.
async fn keyword_and_dates_search_only_what_may_be_read(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    file(
        &op,
        json!({ "form": form("AMBER", "ＡＢＣ制御装置への不正ログイン（evil[.]example[.]com）。"), "statutory": true }),
    )
    .await;
    file(
        &op,
        json!({ "form": form("AMBER", "極秘の別件。"), "via_ceptoar": true }),
    )
    .await;
    let meti = srv.login("meti").await;
    let op2 = srv.login("op-power2").await;
    let rail = srv.login("op-rail").await;
    for (who, q, n) in [
        (&meti, "abc", 1),
        (&meti, "ＡＢＣ 不正ログイン", 1),
        (&meti, "evil.example.com", 1),
        (&meti, "abc zzz", 0),
        (&meti, "極秘", 0), // the CEPTOAR's confined hop is not the ministry's
        (&op, "極秘", 1),   // the reporter's own
        (&op2, "abc", 1),   // AMBER: the same sector's operators
        (&rail, "abc", 0),  // another sector
        (&op2, "%", 0),     // wildcards are literal
    ] {
        let got = rows(who, &format!("/api/v1/liaisons?q={}", urlencode(q))).await;
        assert_eq!(got.len(), n, "search q={q}: {got:?}");
    }
    // The same sector's operator finds it by search, but it is not in its inbox.
    assert!(rows(&op2, "/api/v1/liaisons/inbox?q=abc").await.is_empty());

    let (yesterday, today, tomorrow) = days(&srv);
    for (q, n) in [
        (format!("from={today}&to={today}"), 1),
        (format!("from={yesterday}"), 1),
        (format!("to={yesterday}"), 0),
        (format!("from={tomorrow}"), 0),
    ] {
        let got = rows(&meti, &format!("/api/v1/liaisons?{q}")).await;
        assert_eq!(got.len(), n, "search {q}: {got:?}");
    }

    // Once NISC numbers it, the R-number finds the case.
    let inbox = rows(&meti, "/api/v1/liaisons/inbox").await;
    let id = inbox[0]["pending_copy"]
        .as_str()
        .expect("pending")
        .to_owned();
    let (_, c) = meti.get(&format!("/api/v1/copies/{id}")).await;
    let (st, v) = meti
        .post(
            &format!("/api/v1/copies/{id}/forward"),
            json!({ "form": c["form"] }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let nisc = srv.login("nisc").await;
    let got = rows(&nisc, "/api/v1/liaisons?q=R1").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["summary"]["ident"], "R1");
    assert!(rows(&nisc, "/api/v1/liaisons?q=R2").await.is_empty());

    // Copies stored before search text was kept are indexed at start-up.
    srv.raw_sql("UPDATE copies SET search_text = NULL").await;
    assert!(rows(&meti, "/api/v1/liaisons?q=abc").await.is_empty());
    let indexed = srv.app.index_search_text().await.expect("index");
    assert!(indexed >= 3, "{indexed}");
    assert_eq!(rows(&meti, "/api/v1/liaisons?q=abc").await.len(), 1);
    assert_eq!(srv.app.index_search_text().await.expect("index"), 0);

    // The web search page: keyword and dates kept in the form.
    let (st, _, html) = raw(&meti, &format!("/search?q=abc&from={today}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("ＡＢＣ制御装置") && html.contains(&format!("value=\"{today}\"")));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn export_entries(srv: &TestServer) -> Vec<kakehashi_audit::AuditEntry> {
    srv.app
        .store
        .audit_recent(500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "liaison.export")
        .collect()
}

/// CSV export: Excel-safe CSV of exactly the listing, through the same policy; an export
/// holding a restricted copy is audited, a CLEAR-only or empty one is not.
async fn csv_export_is_quoted_with_bom_and_audited(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    file(
        &op,
        json!({ "form": form("AMBER", "=HYPERLINK(\"http://x\"), \"引用\" と改行\nあり"), "statutory": true }),
    )
    .await;
    file(&op, json!({ "form": form("CLEAR", "公開の注意喚起。") })).await;
    let meti = srv.login("meti").await;
    let listed = rows(&meti, "/api/v1/liaisons/inbox").await;
    assert_eq!(listed.len(), 2, "{listed:?}");

    assert!(export_entries(&srv).await.is_empty());
    let (st, headers, text) = raw(&meti, "/api/v1/liaisons/inbox/export").await;
    assert_eq!(st, 200, "{text}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(headers["content-disposition"]
        .to_str()
        .expect("ascii")
        .starts_with("attachment; filename=\"kakehashi-inbox-"));
    assert_eq!(headers["cache-control"], "no-store");
    let csv = parse_csv(&text);
    assert_eq!(csv.len(), 3, "header and two rows: {text}");
    assert_eq!(csv[0][0], "識別番号");
    assert!(csv.iter().all(|r| r.len() == csv[0].len()), "{csv:?}");
    let col = |name: &str| csv[0].iter().position(|h| h == name).expect(name);
    let ids: Vec<&str> = csv[1..]
        .iter()
        .map(|r| r[col("情報連絡ID")].as_str())
        .collect();
    let want: Vec<&str> = listed
        .iter()
        .map(|r| r["summary"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, want, "the same rows, in the same order");
    let amber = csv
        .iter()
        .find(|r| r[col("TLP")] == "AMBER")
        .expect("AMBER row");
    assert_eq!(
        amber[col("概要")],
        "'=HYPERLINK(\"http://x\"), \"引用\" と改行",
        "quoted, and a formula stays text"
    );
    assert_eq!(amber[col("法令等報告対象")], "○");
    assert_eq!(amber[col("要転送")], "○");
    assert_eq!(amber[col("分野")], "電力");
    // Audited: the AMBER copy left the application.
    let entries = export_entries(&srv).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let detail = &entries[0].detail;
    assert_eq!(detail["scope"], "inbox");
    assert_eq!(detail["rows"], 2);
    let amber_id = listed
        .iter()
        .find(|r| r["summary"]["tlp"] == "AMBER")
        .expect("AMBER")["summary"]["id"]
        .clone();
    assert_eq!(detail["copies"], json!([amber_id]), "{detail}");

    // CLEAR only: not audited. English headers on request.
    let (st, _, text) = raw(&meti, "/api/v1/liaisons/export?tlp=CLEAR&lang=en").await;
    assert_eq!(st, 200, "{text}");
    let csv = parse_csv(&text);
    assert_eq!(csv.len(), 2, "{text}");
    assert_eq!(csv[0][0], "Ident. no.");
    assert_eq!(
        csv[1][csv[0].iter().position(|h| h == "Summary").expect("col")],
        "公開の注意喚起。"
    );
    assert_eq!(
        export_entries(&srv).await.len(),
        1,
        "a CLEAR export is not audited"
    );

    // Another sector's operator: the public (CLEAR) case only, never the AMBER one; a CSV with
    // the header only when nothing matches. Neither is audited.
    let rail = srv.login("op-rail").await;
    let (st, _, text) = raw(&rail, "/api/v1/liaisons/export").await;
    assert_eq!(st, 200, "{text}");
    let csv = parse_csv(&text);
    assert_eq!(csv.len(), 2, "{text}");
    assert_eq!(csv[1][col("TLP")], "CLEAR");
    let (st, _, text) = raw(&rail, "/api/v1/liaisons/export?tlp=AMBER").await;
    assert_eq!(st, 200, "{text}");
    let csv = parse_csv(&text);
    assert_eq!(csv.len(), 1, "header only: {text}");
    assert_eq!(csv[0][0], "識別番号");
    assert_eq!(export_entries(&srv).await.len(), 1);

    // The web export: the same, with the page's filters; also audited.
    let (st, headers, text) = raw(&meti, "/inbox/export.csv?statutory=true").await;
    assert_eq!(st, 200, "{text}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let csv = parse_csv(&text);
    assert_eq!(csv.len(), 2, "{text}");
    assert_eq!(export_entries(&srv).await.len(), 2);
    let (st, _, html) = raw(&meti, "/inbox?statutory=true").await;
    assert_eq!(st, 200);
    assert!(html.contains("/inbox/export.csv?statutory=true"), "{html}");
    // A bad filter exports nothing.
    let (st, _, body) = raw(&meti, "/api/v1/liaisons/inbox/export?from=yesterday").await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(export_entries(&srv).await.len(), 2);
}

/// Bad filters: problem+json naming the field and rule; the web page says it next to the form.
async fn bad_filters_name_the_field(b: Backend) {
    let srv = TestServer::start(b).await;
    let meti = srv.login("meti").await;
    for (q, field, rule) in [
        ("tlp=PURPLE", "tlp", "unknown_code"),
        ("sector=moon", "sector", "unknown_code"),
        ("importance=loud", "importance", "unknown_code"),
        ("status=maybe", "status", "unknown_code"),
        ("statutory=perhaps", "statutory", "boolean"),
        ("urgent=2", "urgent", "boolean"),
        ("to_forward=x", "to_forward", "boolean"),
        ("from=2026%2F11%2F20", "from", "date_format"),
        ("from=2026-11-21&to=2026-11-20", "to", "before_from"),
        ("cursor=garbage", "cursor", "format"),
        ("limit=0", "limit", "range"),
        ("limit=lots", "limit", "range"),
        // Exactly as the OpenAPI document gives them, nothing looser.
        ("tlp=amber", "tlp", "unknown_code"),
        ("tlp=%20AMBER", "tlp", "unknown_code"),
        ("statutory=on", "statutory", "boolean"),
        ("from=2026-11-2", "from", "date_format"),
        ("limit=%2B5", "limit", "range"),
        ("limit=501", "limit", "range"),
    ] {
        for path in ["/api/v1/liaisons", "/api/v1/liaisons/inbox"] {
            let (st, v) = meti.get(&format!("{path}?{q}")).await;
            assert_eq!(st, 422, "{path}?{q}: {v}");
            assert_eq!(v["errors"][0]["field"], field, "{path}?{q}: {v}");
            assert_eq!(v["errors"][0]["rule"], rule, "{path}?{q}: {v}");
        }
    }
    let long = "あ".repeat(201);
    let (st, v) = meti
        .get(&format!("/api/v1/liaisons?q={}", urlencode(&long)))
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "q");
    let (st, _, html) = raw(&meti, "/inbox?tlp=PURPLE").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("id=\"filter-error\"") && html.contains("PURPLE"),
        "{html}"
    );
}

/// The urgent copy on the anonymising route is NISC's alone: NISC's row is urgent, the ministry's
/// row of the same case (the CEPTOAR's anonymised forward) is not.
async fn urgent_flag_follows_what_the_viewer_reads(b: Backend) {
    let srv = TestServer::start(b).await;
    let op = srv.login("op-power").await;
    file(
        &op,
        json!({ "form": form("AMBER", "匿名で緊急の連絡。"), "via_ceptoar": true, "urgent": true }),
    )
    .await;
    let nisc = srv.login("nisc").await;
    let inbox = rows(&nisc, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["urgent"], true, "{inbox:?}");
    assert_eq!(inbox[0]["summary"]["hop_kind"], "urgent_copy_confined");
    assert_eq!(
        rows(&nisc, "/api/v1/liaisons/inbox?urgent=true")
            .await
            .len(),
        1
    );

    let cep = srv.login("ceptoar-power").await;
    let inbox = rows(&cep, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(
        inbox[0]["urgent"], false,
        "the confined urgent copy is not the CEPTOAR's"
    );
    let id = inbox[0]["pending_copy"]
        .as_str()
        .expect("pending")
        .to_owned();
    let (_, c) = cep.get(&format!("/api/v1/copies/{id}")).await;
    let (st, v) = cep
        .post(
            &format!("/api/v1/copies/{id}/forward"),
            json!({ "form": c["form"], "anonymise": true }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert!(rows(&cep, "/api/v1/liaisons/inbox?to_forward=true")
        .await
        .is_empty());

    let meti = srv.login("meti").await;
    let inbox = rows(&meti, "/api/v1/liaisons/inbox").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["urgent"], false, "{inbox:?}");
    assert_eq!(inbox[0]["to_forward"], true);
    assert!(
        !inbox[0]["sender_name"]
            .as_str()
            .unwrap_or_default()
            .contains("東都電力"),
        "the ministry reads the CEPTOAR's hop: {inbox:?}"
    );
    assert!(rows(&meti, "/api/v1/liaisons/inbox?urgent=true")
        .await
        .is_empty());
}
