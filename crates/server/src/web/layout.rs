//! The page frame (header, navigation, language switch) and small pieces every page uses:
//! badges, the error page, and who may see which navigation entry.

use crate::auth::Authed;
use crate::error::{messages, status_of};
use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::AppError;
use kakehashi_domain::{Importance, OrgKind, Role};
use maud::{html, Markup, DOCTYPE};

/// Which navigation entry is current (for `aria-current`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Inbox,
    Search,
    New,
    Provisions,
    Consultations,
    Reference,
    Contacts,
    Deadlines,
    Overdue,
    Admin,
    Tokens,
    Notifications,
    Password,
    Audit,
    Statistics,
    Situation,
    /// No entry is current (chains, copies, error pages…).
    None,
}

/// Operators, CEPTOARs and ministries file liaisons, through a reporter or approver.
pub fn may_file(a: &Authed) -> bool {
    (a.actor.has(Role::Reporter) || a.actor.has(Role::Approver))
        && matches!(
            a.actor.org.kind,
            OrgKind::Operator | OrgKind::Ceptoar | OrgKind::CiMinistry
        )
}

pub fn may_admin(a: &Authed) -> bool {
    a.actor.is_org_admin() || a.actor.is_platform_admin()
}

/// Separator of an inline list: 、 in Japanese, a comma in English.
pub fn sep(lang: Lang) -> &'static str {
    lang.t("、", ", ")
}

/// The colon after an inline label.
pub fn colon(lang: Lang) -> &'static str {
    lang.t("： ", ": ")
}

/// The organisation name in the page's language.
pub fn org_name<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En && !en.trim().is_empty() {
        en
    } else {
        ja
    }
}

/// A page: `authed` is absent on the sign-in and error pages of signed-out visitors.
/// The TLP marking at the top and the foot of every printed page (TLP 2.0 asks for the label on
/// each page of a document), as `@page` margin boxes so that no page of a long form goes without
/// it; the page numbers come from the shared print rules. `tlp` is a code the store holds, shown
/// only when it is one of the five levels, so nothing from outside reaches the style sheet.
pub fn print_marking(lang: Lang, tlp: &str) -> Markup {
    let Some(t) = kakehashi_domain::Tlp::from_code(tlp) else {
        return html! {};
    };
    let label = format!("TLP:{} {}", t.code(), lang.t(t.label_ja(), t.label_en()));
    let css = format!(
        "@media print{{@page{{@top-right{{content:\"{label}\";font-size:9pt;font-weight:bold}}@bottom-right{{content:\"{label}\";font-size:9pt}}}}}}"
    );
    html! { style.print-marking { (maud::PreEscaped(css)) } }
}

pub fn page(lang: Lang, title: &str, authed: Option<&Authed>, nav: Nav, body: Markup) -> Markup {
    let other = match lang {
        Lang::Ja => ("en", "English"),
        Lang::En => ("ja", "日本語"),
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (lang.t("架け橋", "Kakehashi")) }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            // No live feed (nor menu) while a password must be changed: the API refuses it then.
            body data-live=[authed.filter(|a| !a.actor.record.must_change_password).map(|_| "1")] {
                a.sr href="#content" { (lang.t("本文へ移動", "Skip to content")) }
                header.top {
                    a.brand href="/" { (lang.t("架け橋 Kakehashi", "Kakehashi")) }
                    @if let Some(a) = authed.filter(|a| !a.actor.record.must_change_password) {
                        (navigation(lang, a, nav))
                    }
                    div.who {
                        @if authed.is_some() {
                            // Unread in-app notifications, kept current by app.js (live feed).
                            a #live-link href="/provisions" title=(lang.t("未読の通知", "Unread notifications")) {
                                span.sr { (lang.t("未読の通知", "Unread notifications")) }
                                span.badge #live-count aria-live="polite" data-unread="" {}
                            }
                        }
                        @if let Some(a) = authed {
                            span #whoami {
                                (a.actor.record.display_name) (lang.t("（", " ("))
                                (org_name(lang, &a.actor.org.name_ja, &a.actor.org.name_en)) (lang.t("）", ")"))
                            }
                        }
                        span.lang {
                            a #lang-switch href={ "?lang=" (other.0) } lang=(other.0) { (other.1) }
                        }
                        @if let Some(a) = authed {
                            form method="post" action="/signout" {
                                input type="hidden" name="csrf" value=(a.csrf());
                                button #signout type="submit" { (lang.t("ログアウト", "Sign out")) }
                            }
                        }
                    }
                }
                @if let Some(m) = authed.and_then(|a| a.actor.large_scale.as_ref()) {
                    (large_scale_banner(lang, m))
                }
                main #content { (body) }
                footer.foot {
                    (lang.t(
                        "重要インフラのサイバーセキュリティに係る行動計画に基づく情報共有基盤",
                        "Information-sharing platform of Japan's critical-infrastructure cybersecurity framework"
                    ))
                }
            }
        }
    }
}

/// On every page while the large-scale outage mode lasts: what, since when, for which sectors.
fn large_scale_banner(lang: Lang, m: &kakehashi_app::large_scale::LargeScaleMode) -> Markup {
    let reference = kakehashi_reference::embedded();
    let sectors = if m.all_sectors {
        lang.t("全分野", "all sectors").to_owned()
    } else {
        m.sectors
            .iter()
            .map(|id| match reference.sector(id) {
                Some(s) => org_name(lang, &s.name_ja, &s.name_en).to_owned(),
                None => id.clone(),
            })
            .collect::<Vec<_>>()
            .join(lang.t("、", ", "))
    };
    html! {
        div.ls-banner #large-scale-banner role="alert" {
            (lang.t("大規模重要インフラサービス障害対応中", "Large-scale CI service outage response in effect"))
            " — " (lang.t(m.cause.label_ja(), m.cause.label_en()))
            " / " (sectors)
            " / " (lang.t("宣言 ", "declared ")) (crate::i18n::show_time(m.declared_at))
            " " a href="/large-scale" { (lang.t("詳細", "Details")) }
        }
    }
}

fn navigation(lang: Lang, a: &Authed, nav: Nav) -> Markup {
    let item = |id: &str, href: &str, me: Nav, ja: &str, en: &str| {
        html! {
            a id=(id) href=(href) aria-current=[(nav == me && me != Nav::None).then_some("page")] { (lang.t(ja, en)) }
        }
    };
    html! {
        nav aria-label=(lang.t("メインメニュー", "Main menu")) {
            (item("nav-home", "/", Nav::Home, "対応待ち", "Needs me"))
            (item("nav-inbox", "/inbox", Nav::Inbox, "受信箱", "Inbox"))
            (item("nav-search", "/search", Nav::Search, "検索", "Search"))
            @if may_file(a) {
                (item("nav-new", "/liaison/new", Nav::New, "情報連絡の作成", "New liaison"))
            }
            (item("nav-provisions", "/provisions", Nav::Provisions, "情報提供", "Provisions"))
            @if super::actors::may_see_submissions(a) {
                (item("nav-submissions", "/submissions", Nav::None, "関係主体からの情報", "From other actors"))
            }
            @if super::actors::may_see_requests(a) {
                (item("nav-cooperation", "/cooperation", Nav::None, "連携要請", "Cooperation requests"))
            }
            @if super::situation::may_see(a) {
                (item("nav-situation", "/situation", Nav::Situation, "状況把握", "Situation"))
            }
            @if super::statistics::may_see_statistics(a) {
                (item("nav-statistics", "/statistics", Nav::Statistics, "統計", "Statistics"))
            }
            @if super::consultations::may_see_consultations(a) {
                (item("nav-consultations", "/consultations", Nav::Consultations, "相談", "Consultations"))
            }
            @if super::cross_check::may_see_cross_check(a) {
                (item("nav-cross-check", "/cross-check", Nav::None, "突合", "Cross-checking"))
            }
            @if super::risk::may_see_risk(a) {
                (item("nav-risk", "/risk", Nav::None, "リスク管理", "Risk"))
                (item("nav-continuity", "/continuity", Nav::None, "事業継続計画", "Continuity"))
            }
            (item("nav-contacts", "/contacts", Nav::Contacts, "連絡先", "Contacts"))
            @if a.actor.org.kind == OrgKind::Ceptoar {
                (item("nav-exercises", "/exercises", Nav::None, "セプター訓練", "CEPTOAR training"))
            } @else {
                (item("nav-exercises", "/exercises", Nav::None, "演習", "Exercises"))
            }
            @if super::deadlines::may_watch(a) {
                (item("nav-overdue", "/overdue", Nav::Overdue, "期限超過", "Overdue"))
                (item("nav-deadlines", "/reporting-policies", Nav::Deadlines, "報告期限", "Deadlines"))
            }
            (item("nav-standards", "/standards", Nav::None, "安全基準等", "Safety standards"))
            (item("nav-reference", "/reference", Nav::Reference, "参照データ", "Reference"))
            @if may_admin(a) {
                (item("nav-admin", "/admin", Nav::Admin, "管理", "Admin"))
            }
            (item("nav-tokens", "/account/tokens", Nav::Tokens, "APIトークン", "Tokens"))
            (item("nav-notifications", "/account/notifications", Nav::Notifications, "通知設定", "Notifications"))
            (item("nav-password", "/account/password", Nav::Password, "パスワード変更", "Password"))
            @if a.actor.is_platform_admin() {
                (item("nav-audit", "/admin/audit", Nav::Audit, "監査", "Audit"))
            }
        }
    }
}

/// `TLP:RED` etc., coloured as TLP 2.0 prescribes; unknown codes are shown as stored.
pub fn tlp_badge(code: &str) -> Markup {
    let class = format!("badge tlp-{}", code.replace('+', "_"));
    html! { span class=(class) { "TLP:" (code) } }
}

/// Importance (重要度) badge; nothing when the sender left it unset.
pub fn importance_badge(lang: Lang, code: Option<&str>) -> Markup {
    match code.and_then(Importance::from_code) {
        Some(i) => {
            let class = format!("badge imp-{}", i.code());
            html! { span class=(class) { (lang.t(i.label_ja(), i.label_en())) } }
        }
        None => html! { span.muted { "—" } },
    }
}

/// Chain status badge: open while ⑧ announces a follow-up.
pub fn status_badge(lang: Lang, status: &str) -> Markup {
    if status == "closed" {
        html! { span class="badge st-closed" { (lang.t("完了（続報なし）", "Closed (no follow-up)")) } }
    } else {
        html! { span class="badge st-open" { (lang.t("継続（続報あり）", "Open (follow-up expected)")) } }
    }
}

/// 識別番号 as shown: the number, or 未採番 until NISC has received the report.
pub fn ident_text(lang: Lang, ident: Option<&str>) -> String {
    match ident.filter(|s| !s.trim().is_empty()) {
        Some(i) => i.to_owned(),
        None => lang.t("未採番", "Not yet numbered").to_owned(),
    }
}

pub fn report_no_text(lang: Lang, k: u32) -> String {
    match lang {
        Lang::Ja => format!("第{k}報"),
        Lang::En => format!("Report {k}"),
    }
}

pub fn hop_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "file" => lang.t("報告", "Filed"),
        "file_via_ceptoar" => lang.t("報告（セプター経由）", "Filed via CEPTOAR"),
        "urgent_copy" => lang.t("同報（緊急）", "Urgent copy"),
        "urgent_copy_confined" => lang.t("同報（緊急・NISC限り）", "Urgent copy (NISC only)"),
        "nisc_share" => lang.t("※１共有", "Shared under *1"),
        "direct_to_hub" => lang.t(
            "内閣官房へ直接連絡（大規模障害対応時）",
            "Directly to the Cabinet Secretariat (large-scale)",
        ),
        "forward" => lang.t("転送", "Forwarded"),
        "share_members" => lang.t("構成員への展開", "Spread to members"),
        "share_ceptoar" => lang.t("セプターへの共有", "Shared with the CEPTOAR"),
        "share_council" => lang.t("セプターカウンシルへの共有", "Shared with the council"),
        "share_via_council" => lang.t("セプターカウンシル経由の共有", "Shared through the council"),
        "share_agency" => lang.t("関係機関からの共有", "Shared by an agency"),
        _ => lang.t("その他", "Other"),
    }
}

/// A case as people call it: R<n>, or 未採番 with its sector and opening day until NISC numbers
/// it. Never the stored id.
pub fn case_text(
    app: &kakehashi_app::App,
    lang: Lang,
    c: &kakehashi_app::labels::CaseLabel,
) -> String {
    match c.number {
        Some(n) => kakehashi_domain::liaison::chain_ident(n, 1, c.exercise).to_string(),
        None => format!(
            "{}{}{}{}{}",
            lang.t("未採番（", "Not yet numbered ("),
            sector_name(app, lang, &c.sector),
            lang.t("・", ", "),
            crate::i18n::show_date(c.opened_at),
            lang.t("）", ")"),
        ),
    }
}

/// Any labelled thing (audit targets, provision sources, consent sources) in words.
pub fn label_text(
    app: &kakehashi_app::App,
    lang: Lang,
    l: &kakehashi_app::labels::TargetLabel,
) -> String {
    use kakehashi_app::labels::TargetLabel as L;
    match l {
        L::Case(c) => format!("{}{}", lang.t("事案 ", "Case "), case_text(app, lang, c)),
        L::Copy { case, report_no } => format!(
            "{}{} {}",
            lang.t("事案 ", "Case "),
            case_text(app, lang, case),
            report_no_text(lang, *report_no)
        ),
        L::Person { name } => name.clone(),
        L::Organisation { name_ja, name_en } => org_name(lang, name_ja, name_en).to_owned(),
        L::Sector { name_ja, name_en } => format!(
            "{}{}",
            lang.t("分野 ", "Sector "),
            org_name(lang, name_ja, name_en)
        ),
        L::Provision { ident, report_no } => format!(
            "{}{} {}",
            lang.t("情報提供 ", "Provision "),
            ident_text(lang, ident.as_deref()),
            report_no_text(lang, *report_no)
        ),
        L::SourceItem { title } => format!("{}{}", lang.t("情報源 ", "Source "), title),
        L::Login { login } => format!("{}{}", lang.t("ログイン名 ", "Login "), login),
        L::Other { what } => match *what {
            "api_token" => lang.t("APIトークン", "API token").to_owned(),
            "webhook" => lang.t("Webhook", "Webhook").to_owned(),
            "consent" => lang.t("同意依頼", "Consent request").to_owned(),
            "contact_check" => lang.t("連絡確認", "Contact check").to_owned(),
            "refusal" => lang.t("拒否された要求", "Refused request").to_owned(),
            _ => lang.t("（不明）", "(unknown)").to_owned(),
        },
    }
}

pub fn sector_name(app: &kakehashi_app::App, lang: Lang, id: &str) -> String {
    match app.reference.sector(id) {
        Some(s) => org_name(lang, &s.name_ja, &s.name_en).to_owned(),
        None if id.is_empty() => "—".to_owned(),
        None => id.to_owned(),
    }
}

/// Any application error as a page: sign-in redirect, the message in the page's language and
/// the right status.
pub fn error_page(lang: Lang, authed: Option<&Authed>, e: &AppError) -> Response {
    if matches!(e, AppError::Unauthenticated) {
        return Redirect::to("/signin").into_response();
    }
    crate::error::log_server_fault(e);
    let (status, _) = status_of(e);
    let (ja, en) = messages(e);
    status_page_for(lang, authed, status, &ja, &en)
}

/// An error page for a bare status with its message (errors answered before a handler ran).
pub fn status_page(lang: Lang, status: StatusCode, ja: &str, en: &str) -> Response {
    status_page_for(lang, None, status, ja, en)
}

fn status_page_for(
    lang: Lang,
    authed: Option<&Authed>,
    status: StatusCode,
    ja: &str,
    en: &str,
) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => lang.t("見つかりません", "Not found"),
        StatusCode::FORBIDDEN => lang.t("権限がありません", "Forbidden"),
        StatusCode::TOO_MANY_REQUESTS => lang.t("しばらくお待ちください", "Too many requests"),
        StatusCode::CONFLICT => lang.t("競合しました", "Conflict"),
        StatusCode::PAYLOAD_TOO_LARGE => lang.t("送信内容が大きすぎます", "Too large"),
        _ => lang.t("エラー", "Error"),
    };
    let body = html! {
        h1 { (title) }
        div.errbox #error role="alert" { p { (lang.t(ja, en)) } }
        p { a href="/inbox" { (lang.t("受信箱へ戻る", "Back to the inbox")) } }
    };
    (status, page(lang, title, authed, Nav::None, body)).into_response()
}
