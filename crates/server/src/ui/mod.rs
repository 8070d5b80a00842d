//! The server-rendered web UI (maud): sign-in, inbox and search, the liaison form, copies printed
//! like the official sheet, forwarding with the anonymisation preview, chains and follow-ups,
//! reference data and the audit log. Every page reads through the same use cases as the API.

mod editor;
mod layout;
mod parse;
mod sheet;
mod tokens;

use crate::auth::{set_cookie, Authed, WebAuth, SESSION_COOKIE};
use crate::error::{field_errors, messages, status_of};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use editor::{editor, Options};
use kakehashi_app::liaison::{FileRequest, ForwardRequest, ListFilter};
use kakehashi_app::{App, AppError};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::{ChainId, CopyId, OrgKind};
use layout::{page, tlp_badge, CSS};
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .route("/", get(home))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route("/inbox", get(inbox))
        .route("/search", get(search))
        .route("/liaison/new", get(new_page).post(new_submit))
        .route("/copies/{id}", get(copy_page))
        .route(
            "/copies/{id}/forward",
            get(forward_page).post(forward_submit),
        )
        .route("/chains/{id}", get(chain_page))
        .route(
            "/chains/{id}/follow-up",
            get(follow_page).post(follow_submit),
        )
        .route("/reference", get(reference))
        .route("/admin/audit", get(audit_page))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .layer(axum::middleware::from_fn(remember_lang))
}

/// `?lang=en|ja` also sets the language cookie.
async fn remember_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v)
    });
    let mut res = next.run(req).await;
    if let Some(l) = lang.filter(|l| l == "en" || l == "ja") {
        if let Ok(v) = set_cookie("kkh_lang", &l, 31_536_000, false, false).parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn error_page(lang: Lang, authed: Option<&Authed>, e: AppError) -> Response {
    let (status, _) = status_of(&e);
    if let AppError::Internal(m) = &e {
        tracing::error!("internal error: {m}");
    }
    let (ja, en) = messages(&e);
    (status, page(lang, lang.t("エラー", "Error"), authed, html! { h1 { (lang.t(&ja, &en)) } p { a href="/inbox" { (lang.t("受信箱へ", "To the inbox")) } } })).into_response()
}

fn errors_of(lang: Lang, e: &AppError) -> Vec<(String, String)> {
    field_errors(e)
        .into_iter()
        .map(|(f, _, ja, en)| (f, lang.t(&ja, &en).to_owned()))
        .collect()
}

async fn home(State(s): State<AppState>, headers: HeaderMap) -> Redirect {
    let signed_in = match crate::auth::cookie_header(&headers, SESSION_COOKIE) {
        Some(t) => s.app.session_actor(&t).await.is_ok(),
        None => false,
    };
    Redirect::to(if signed_in { "/inbox" } else { "/signin" })
}

fn signin_form(lang: Lang, message: Option<String>) -> maud::Markup {
    page(
        lang,
        lang.t("ログイン", "Sign in"),
        None,
        html! {
            h1 { (lang.t("ログイン", "Sign in")) }
            @if let Some(m) = message { div.errbox role="alert" id="signin-error" { (m) } }
            form method="post" action="/signin" {
                label for="login" { (lang.t("ログイン名", "Login")) } input type="text" id="login" name="login" autocomplete="username";
                label for="password" { (lang.t("パスワード", "Password")) } input type="password" id="password" name="password" autocomplete="current-password";
                div.actions { button type="submit" id="signin-submit" { (lang.t("ログイン", "Sign in")) } }
            }
        },
    )
}

async fn signin_page(lang: Lang) -> maud::Markup {
    signin_form(lang, None)
}

#[derive(serde::Deserialize)]
struct SignIn {
    login: String,
    password: String,
}

async fn signin(State(s): State<AppState>, lang: Lang, Form(f): Form<SignIn>) -> Response {
    match s.app.sign_in(&f.login, &f.password).await {
        Ok(sess) => {
            let max_age = (sess.expires_at - s.app.now()).num_seconds();
            let cookie = set_cookie(
                SESSION_COOKIE,
                &sess.token,
                max_age,
                s.config.secure_cookies,
                true,
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/inbox")).into_response()
        }
        Err(e) => {
            let (status, _) = status_of(&e);
            let (ja, en) = messages(&e);
            (status, signin_form(lang, Some(lang.t(&ja, &en).to_owned()))).into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn signout(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(e) = a.check_csrf(&f.csrf) {
        return error_page(lang, Some(&a), e);
    }
    if let crate::auth::Via::Session { token, .. } = &a.via {
        let _ = s.app.sign_out(token, &a.actor).await;
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, s.config.secure_cookies, true);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/signin")).into_response()
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    sector: Option<String>,
    tlp: Option<String>,
}

async fn list(s: AppState, lang: Lang, a: Authed, q: ListQuery, inbox: bool) -> Response {
    let filter = ListFilter {
        sector: q.sector,
        tlp: q.tlp,
        before: None,
        limit: Some(100),
    };
    let rows = if inbox {
        s.app.inbox(&a.actor, filter).await
    } else {
        s.app.search(&a.actor, filter).await
    };
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return error_page(lang, Some(&a), e),
    };
    let title = if inbox {
        lang.t("受信箱", "Inbox")
    } else {
        lang.t("検索", "Search")
    };
    let r = s.app.reference;
    page(lang, title, Some(&a), html! {
        h1 { (title) }
        @if !inbox {
            form method="get" action="/search" class="noprint" {
                select name="sector" { option value="" { (lang.t("全分野", "All sectors")) } @for sec in r.sectors() { option value=(sec.id) { (lang.t(&sec.name_ja, &sec.name_en)) } } }
                select name="tlp" { option value="" { "TLP" } @for t in kakehashi_domain::Tlp::ALL { option value=(t.code()) { (t.code()) } } }
                button type="submit" { (lang.t("絞り込み", "Filter")) }
            }
        }
        @if rows.is_empty() { p id="empty" { (lang.t("表示できる情報連絡はありません。", "Nothing to show.")) } }
        @else {
            table id="copies" {
                tr { th { (lang.t("識別番号", "Number")) } th { (lang.t("報数", "Report")) } th { (lang.t("日時", "Time")) } th { (lang.t("送信元 → 宛先", "From → to")) } th { (lang.t("分野", "Sector")) } th { "TLP" } th { (lang.t("状態", "State")) } }
                @for row in &rows {
                    tr {
                        td { a href=(format!("/copies/{}", row.summary.id)) class="copy-link" { (row.summary.ident.clone().unwrap_or_else(|| lang.t("未採番", "unnumbered").into())) } }
                        td { "第" (row.summary.report_no) "報" }
                        td { (show_time(row.summary.created_at)) }
                        td { (row.sender_name) " → " (row.addressee_name) }
                        td { (r.sector(&row.summary.sector).map(|x| x.name_ja.clone()).unwrap_or_default()) }
                        td { (tlp_badge(&row.summary.tlp)) }
                        td { (if row.summary.chain_status == "open" { lang.t("続報あり", "open") } else { lang.t("完了", "closed") }) }
                    }
                }
            }
        }
    }).into_response()
}

async fn inbox(State(s): State<AppState>, lang: Lang, WebAuth(a): WebAuth) -> Response {
    list(s, lang, a, ListQuery::default(), true).await
}

async fn search(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Query(q): Query<ListQuery>,
) -> Response {
    list(s, lang, a, q, false).await
}

async fn org_options(app: &App) -> Vec<(String, String)> {
    app.organisations()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.id.0, o.name_ja))
        .collect()
}

fn own_sectors(app: &App, a: &Authed) -> Vec<(String, String)> {
    let all = matches!(a.actor.org.kind, OrgKind::Nisc);
    app.reference
        .sectors()
        .iter()
        .filter(|s| all || a.actor.org.sectors.iter().any(|o| o.0 == s.id))
        .map(|s| (s.id.clone(), s.name_ja.clone()))
        .collect()
}

async fn form_page(
    s: &AppState,
    lang: Lang,
    a: &Authed,
    title: &str,
    form: &LiaisonForm,
    errors: &[(String, String)],
    o: Options<'_>,
    status: StatusCode,
    before: maud::Markup,
) -> Response {
    let body = html! { h1 { (title) } (before) (editor(&s.app, lang, form, errors, &o)) };
    (status, page(lang, title, Some(a), body)).into_response()
}

async fn new_page(State(s): State<AppState>, lang: Lang, WebAuth(a): WebAuth) -> Response {
    let mut form = LiaisonForm::default();
    let sectors = own_sectors(&s.app, &a);
    if sectors.len() == 1 {
        form.sector = Some(kakehashi_domain::SectorId(sectors[0].0.clone()));
    }
    let o = Options {
        action: "/liaison/new".into(),
        csrf: a.csrf(),
        route: a.actor.org.kind == OrgKind::Operator,
        anonymise: false,
        sectors,
        orgs: org_options(&s.app).await,
        submit_ja: "送信",
        submit_en: "Send",
    };
    form_page(
        &s,
        lang,
        &a,
        lang.t("情報連絡の作成（第1報）", "New liaison (1st report)"),
        &form,
        &[],
        o,
        StatusCode::OK,
        html! {},
    )
    .await
}

async fn new_submit(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let p = parse::parse(&pairs);
    if let Err(e) = a.check_csrf(&p.csrf) {
        return error_page(lang, Some(&a), e);
    }
    let mut errors: Vec<(String, String)> = p
        .errors
        .iter()
        .map(|e| {
            (
                e.field.clone(),
                lang.t(&e.message_ja, &e.message_en).to_owned(),
            )
        })
        .collect();
    if errors.is_empty() {
        let req = FileRequest {
            form: p.form.clone(),
            statutory: p.statutory,
            via_ceptoar: p.via_ceptoar,
            urgent: p.urgent,
            added_recipients: p.added_recipients.clone(),
            exercise: false,
        };
        match s.app.file_liaison(&a.actor, req).await {
            Ok(filed) => return Redirect::to(&format!("/chains/{}", filed.chain)).into_response(),
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                errors = errors_of(lang, &e)
            }
            Err(e) => return error_page(lang, Some(&a), e),
        }
    }
    let o = Options {
        action: "/liaison/new".into(),
        csrf: a.csrf(),
        route: a.actor.org.kind == OrgKind::Operator,
        anonymise: false,
        sectors: own_sectors(&s.app, &a),
        orgs: org_options(&s.app).await,
        submit_ja: "送信",
        submit_en: "Send",
    };
    form_page(
        &s,
        lang,
        &a,
        lang.t("情報連絡の作成（第1報）", "New liaison (1st report)"),
        &p.form,
        &errors,
        o,
        StatusCode::UNPROCESSABLE_ENTITY,
        html! {},
    )
    .await
}

async fn copy_page(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
) -> Response {
    let v = match s.app.view_copy(&a.actor, &CopyId(id.clone())).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), e),
    };
    let can_forward = v.record.addressee_org == a.actor.org.id
        && matches!(a.actor.org.kind, OrgKind::Ceptoar | OrgKind::CiMinistry)
        && a.actor.has(kakehashi_domain::Role::Approver);
    page(lang, lang.t("情報連絡", "Liaison"), Some(&a), html! {
        div.actions.noprint {
            a href=(format!("/chains/{}", v.record.chain)) id="chain-link" { (lang.t("案件（報の一覧）へ", "To the chain")) }
            @if can_forward { a href=(format!("/copies/{id}/forward")) id="forward-link" { (lang.t("転送", "Forward")) } }
            span.muted { (lang.t("印刷はブラウザの印刷機能で（A4）", "Print with the browser (A4)")) }
        }
        (sheet::sheet(&s.app, lang, &v))
    }).into_response()
}

async fn forward_options<'a>(s: &AppState, a: &'a Authed, id: &str) -> Options<'a> {
    Options {
        action: format!("/copies/{id}/forward"),
        csrf: a.csrf(),
        route: false,
        anonymise: a.actor.org.kind == OrgKind::Ceptoar,
        sectors: vec![],
        orgs: org_options(&s.app).await,
        submit_ja: "転送",
        submit_en: "Forward",
    }
}

async fn forward_page(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
) -> Response {
    let cid = CopyId(id.clone());
    let v = match s.app.view_copy(&a.actor, &cid).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), e),
    };
    let mut form = v.form.clone();
    let mut preview = html! {};
    if a.actor.org.kind == OrgKind::Ceptoar {
        match s.app.anonymise_preview(&a.actor, &cid).await {
            Ok(p) => {
                form = p.form.clone();
                preview = html! {
                    h2 { (lang.t("匿名化のプレビュー", "Anonymisation preview")) }
                    table id="maskings" { tr { th { (lang.t("項目", "Field")) } th { (lang.t("元の記載", "Original")) } th { (lang.t("置換後", "Replacement")) } }
                        @for m in &p.maskings { tr { td { (m.field) } td { (m.original) } td { (m.replacement) } } } }
                };
            }
            Err(e) => return error_page(lang, Some(&a), e),
        }
    }
    form.reported_at = None;
    let o = forward_options(&s, &a, &id).await;
    form_page(
        &s,
        lang,
        &a,
        lang.t("転送（次の宛先へ送信）", "Forward to the next hop"),
        &form,
        &[],
        o,
        StatusCode::OK,
        preview,
    )
    .await
}

async fn forward_submit(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let p = parse::parse(&pairs);
    if let Err(e) = a.check_csrf(&p.csrf) {
        return error_page(lang, Some(&a), e);
    }
    let mut errors: Vec<(String, String)> = p
        .errors
        .iter()
        .map(|e| {
            (
                e.field.clone(),
                lang.t(&e.message_ja, &e.message_en).to_owned(),
            )
        })
        .collect();
    if errors.is_empty() {
        let req = ForwardRequest {
            form: p.form.clone(),
            anonymise: p.anonymise,
            added_recipients: p.added_recipients.clone(),
        };
        match s.app.forward(&a.actor, &CopyId(id.clone()), req).await {
            Ok(filed) => return Redirect::to(&format!("/chains/{}", filed.chain)).into_response(),
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                errors = errors_of(lang, &e)
            }
            Err(e) => return error_page(lang, Some(&a), e),
        }
    }
    let o = forward_options(&s, &a, &id).await;
    form_page(
        &s,
        lang,
        &a,
        lang.t("転送（次の宛先へ送信）", "Forward to the next hop"),
        &p.form,
        &errors,
        o,
        StatusCode::UNPROCESSABLE_ENTITY,
        html! {},
    )
    .await
}

async fn chain_page(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
) -> Response {
    let c = match s.app.view_chain(&a.actor, &ChainId(id.clone())).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(&a), e),
    };
    let r = s.app.reference;
    page(lang, lang.t("案件", "Chain"), Some(&a), html! {
        h1 { (lang.t("情報連絡 案件 ", "Liaison chain ")) span id="chain-number" { (c.number.map(|n| format!("R{n}")).unwrap_or_else(|| lang.t("未採番", "unnumbered").into())) } }
        p { (r.sector(&c.sector).map(|x| x.name_ja.clone()).unwrap_or_default()) " · "
            span id="chain-status" { (if c.status == "open" { lang.t("続報あり（継続中）", "open (follow-up expected)") } else { lang.t("続報なし（完了）", "closed") }) } }
        h2 { (lang.t("報", "Reports")) }
        ul id="reports" { @for rep in &c.reports { li { "第" (rep.report_no) "報 " span.ident { (rep.ident.clone().unwrap_or_else(|| lang.t("未採番", "unnumbered").into())) } } } }
        h2 { (lang.t("閲覧できる写し（各経路の送信）", "Copies you may read (one per hop)")) }
        table id="hops" {
            tr { th { (lang.t("報数", "Report")) } th { (lang.t("送信元 → 宛先", "From → to")) } th { "TLP" } th { (lang.t("日時", "Time")) } }
            @for v in &c.copies { @let v = v.get(); tr {
                td { a href=(format!("/copies/{}", v.record.id)) { "第" (v.record.report_no) "報" } }
                td { (v.sender_name) " → " (v.addressee_name) @if v.record.anonymised { " (" (lang.t("匿名化", "anonymised")) ")" } }
                td { (tlp_badge(&v.record.tlp)) } td { (show_time(v.record.created_at)) } } }
        }
        @if layout::may_file(&a) { div.actions { a href=(format!("/chains/{id}/follow-up")) id="follow-up-link" { (lang.t("続報を作成", "File a follow-up")) } } }
    }).into_response()
}

async fn follow_options<'a>(s: &AppState, a: &'a Authed, id: &str) -> Options<'a> {
    Options {
        action: format!("/chains/{id}/follow-up"),
        csrf: a.csrf(),
        route: a.actor.org.kind == OrgKind::Operator,
        anonymise: false,
        sectors: vec![],
        orgs: org_options(&s.app).await,
        submit_ja: "続報を送信",
        submit_en: "Send follow-up",
    }
}

async fn follow_page(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
) -> Response {
    let c = match s.app.view_chain(&a.actor, &ChainId(id.clone())).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(&a), e),
    };
    // Start from the latest copy this organisation sent, else the latest it may read.
    let own = c
        .copies
        .iter()
        .rev()
        .find(|v| v.get().record.sender_org == a.actor.org.id);
    let mut form = own
        .or(c.copies.last())
        .map(|v| v.get().form.clone())
        .unwrap_or_default();
    form.reported_at = None;
    let o = follow_options(&s, &a, &id).await;
    let head = html! { p { (lang.t("報数と識別番号はシステムが付与します: 第", "Report number and identification are assigned: report ")) (c.latest_report_no + 1) (lang.t("報", "")) } };
    form_page(
        &s,
        lang,
        &a,
        lang.t("続報の作成", "Follow-up"),
        &form,
        &[],
        o,
        StatusCode::OK,
        head,
    )
    .await
}

async fn follow_submit(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let p = parse::parse(&pairs);
    if let Err(e) = a.check_csrf(&p.csrf) {
        return error_page(lang, Some(&a), e);
    }
    let mut errors: Vec<(String, String)> = p
        .errors
        .iter()
        .map(|e| {
            (
                e.field.clone(),
                lang.t(&e.message_ja, &e.message_en).to_owned(),
            )
        })
        .collect();
    if errors.is_empty() {
        let req = FileRequest {
            form: p.form.clone(),
            statutory: p.statutory,
            via_ceptoar: p.via_ceptoar,
            urgent: p.urgent,
            added_recipients: p.added_recipients.clone(),
            exercise: false,
        };
        match s.app.follow_up(&a.actor, &ChainId(id.clone()), req).await {
            Ok(filed) => return Redirect::to(&format!("/chains/{}", filed.chain)).into_response(),
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                errors = errors_of(lang, &e)
            }
            Err(e) => return error_page(lang, Some(&a), e),
        }
    }
    let o = follow_options(&s, &a, &id).await;
    form_page(
        &s,
        lang,
        &a,
        lang.t("続報の作成", "Follow-up"),
        &p.form,
        &errors,
        o,
        StatusCode::UNPROCESSABLE_ENTITY,
        html! {},
    )
    .await
}

async fn reference(State(s): State<AppState>, lang: Lang, WebAuth(a): WebAuth) -> Response {
    let r = s.app.reference;
    page(lang, lang.t("参照データ", "Reference data"), Some(&a), html! {
        h1 { (lang.t("参照データ", "Reference data")) } p.muted { (r.version()) }
        h2 { (lang.t("重要インフラ分野とサービス維持レベル", "CI sectors and service maintenance levels")) }
        @for sec in r.sectors() {
            h3 id=(sec.id) { (sec.order) ". " (lang.t(&sec.name_ja, &sec.name_en)) }
            @if !sec.subsectors.is_empty() { p { @for sub in &sec.subsectors { (lang.t(&sub.name_ja, &sub.name_en)) " " } } }
            table { @for svc in &sec.services { tr { th { (lang.t(&svc.name_ja, &svc.name_en)) } td { div { (lang.t(&svc.maintenance_level.ja, &svc.maintenance_level.en)) } @if !svc.maintenance_level.thresholds.is_empty() { div.muted { (lang.t("数値基準あり", "Numeric criteria")) } } } } } }
        }
        h2 { (lang.t("事象の類型", "Event types")) }
        table { @for e in r.events() { tr { th { (e.code) } td { (lang.t(&e.label_ja, &e.label_en)) } } } }
        h2 { (lang.t("原因の類型", "Cause types")) }
        table { @for c in r.causes() { tr { th { (c.code) } td { (lang.t(&c.label_ja, &c.label_en)) } } } }
        h2 { "TLP" }
        table { @for t in kakehashi_domain::Tlp::ALL { tr { th { (tlp_badge(t.code())) } td { (lang.t(t.label_ja(), t.label_en())) } } } }
        h2 { (lang.t("用語集", "Glossary")) }
        table { @for g in r.glossary() { tr { th { (g.term_ja) } td { (lang.t(&g.definition_ja, &g.definition_en)) } } } }
    }).into_response()
}

async fn audit_page(State(s): State<AppState>, lang: Lang, WebAuth(a): WebAuth) -> Response {
    let entries = match s.app.audit_recent(&a.actor, 200).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, Some(&a), e),
    };
    let verdict = match s.app.verify_audit().await {
        Ok(Ok(n)) => format!(
            "{} ({n})",
            lang.t("ハッシュチェーン検証済み", "Hash chain verified")
        ),
        Ok(Err(m)) => format!("{}: {m}", lang.t("改ざんを検出", "Tampering detected")),
        Err(e) => format!("{e}"),
    };
    page(lang, lang.t("監査ログ", "Audit log"), Some(&a), html! {
        h1 { (lang.t("監査ログ", "Audit log")) } p id="audit-verdict" { strong { (verdict) } }
        table { tr { th { "#" } th { (lang.t("日時", "Time")) } th { (lang.t("操作", "Action")) } th { (lang.t("実行者", "Actor")) } th { (lang.t("対象", "Target")) } th { "hash" } }
            @for e in &entries { tr { td { (e.seq) } td { (show_time(e.at)) } td { (e.action) } td { (e.actor.clone().unwrap_or_default()) } td { (e.target.clone().unwrap_or_default()) } td { code { (&e.hash[..12.min(e.hash.len())]) } } } } }
    }).into_response()
}
