//! 受信箱 and 検索: one row per case (liaison chain), built by the app from what the sharing
//! policy lets the person read — the newest copy, a one-line summary, the 法令等報告対象 / 特に緊急
//! / 要転送 flags and the time since 判明 — with filters, keyword and date-range search, keyset
//! paging (`cursor=<rfc3339>|<copy id>`, so deep pages stay as fast as the first) and CSV export.

use super::layout::{
    error_page, hop_label, ident_text, importance_badge, org_name, page, report_no_text,
    sector_name, tlp_badge, Nav,
};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kakehashi_app::inbox::{Listing, ListingFilter, Scope, EXPORT_MAX};
use kakehashi_app::AppError;
use kakehashi_domain::{Importance, OrgKind, Tlp};
use maud::{html, Markup};

const PAGE: u32 = 50;

/// The filter of a page request; the page size is the page's own.
fn filter(mut q: ListingFilter) -> ListingFilter {
    q.limit = Some(PAGE.to_string());
    q
}

fn path_of(scope: Scope) -> &'static str {
    match scope {
        Scope::Inbox => "/inbox",
        Scope::All => "/search",
    }
}

async fn listing_page(
    s: AppState,
    a: Authed,
    lang: Lang,
    scope: Scope,
    q: ListingFilter,
) -> Response {
    let (title, intro, nav) = match scope {
        Scope::Inbox => (
            lang.t("受信箱", "Inbox"),
            lang.t(
                "自組織が送受信した情報連絡を事案ごとに、閲覧できる最新の連絡で表示します（新しい順）。",
                "Each case your organisation sent or received a liaison in, shown by the newest liaison you may read, newest first.",
            ),
            Nav::Inbox,
        ),
        Scope::All => (
            lang.t("検索", "Search"),
            lang.t(
                "情報共有範囲（TLP）により閲覧できる情報連絡を事案ごとに検索します。",
                "Search, case by case, every liaison the sharing scope (TLP) lets you read.",
            ),
            Nav::Search,
        ),
    };
    let q = filter(q);
    let (listing, problem) = match s.app.listing(&a.actor, scope, &q).await {
        Ok(l) => (Some(l), None),
        Err(e @ AppError::BadField { .. }) => (None, Some(e)),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let body = html! {
        h1 { (title) }
        p.muted { (intro) }
        (filters(&s, &a, lang, scope, &q))
        @if let Some(AppError::BadField { field, message_ja, message_en, .. }) = &problem {
            div.errbox #filter-error role="alert" data-field=(field) {
                p { (lang.t(message_ja, message_en)) }
            }
        }
        @if let Some(l) = &listing {
            (rows(&s, lang, scope, &q, l))
        }
    };
    page(lang, title, Some(&a), nav, body).into_response()
}

pub async fn inbox(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListingFilter>,
) -> Response {
    listing_page(s, a, lang, Scope::Inbox, q).await
}

pub async fn search(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListingFilter>,
) -> Response {
    listing_page(s, a, lang, Scope::All, q).await
}

async fn export(
    s: AppState,
    a: Authed,
    lang: Lang,
    scope: Scope,
    mut q: ListingFilter,
) -> Response {
    q.cursor = None;
    q.limit = None;
    match s.app.export_listing(&a.actor, scope, &q).await {
        Ok(export) => crate::csv::response(&s.app, lang, scope, &export),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `/inbox/export.csv`: the inbox with the page's filters as CSV (audited when it holds a
/// restricted copy).
pub async fn inbox_export(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListingFilter>,
) -> Response {
    export(s, a, lang, Scope::Inbox, q).await
}

/// `/search/export.csv`.
pub async fn search_export(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListingFilter>,
) -> Response {
    export(s, a, lang, Scope::All, q).await
}

/// `href` of `path` with these query pairs.
fn link(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// "3日4時間" / "3 d 4 h": the time since 判明, to the minute under an hour.
pub fn elapsed_text(lang: Lang, minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match lang {
        Lang::Ja if d > 0 => format!("{d}日{h}時間"),
        Lang::Ja if h > 0 => format!("{h}時間{m}分"),
        Lang::Ja => format!("{m}分"),
        Lang::En if d > 0 => format!("{d} d {h} h"),
        Lang::En if h > 0 => format!("{h} h {m} min"),
        Lang::En => format!("{m} min"),
    }
}

/// The case status in a listing: one word (the case page says what it means).
fn short_status(lang: Lang, status: &str) -> Markup {
    if status == "closed" {
        html! { span class="badge st-closed" title=(lang.t("完了（続報なし）", "Closed (no follow-up)")) { (lang.t("完了", "Closed")) } }
    } else {
        html! { span class="badge st-open" title=(lang.t("継続（続報あり）", "Open (follow-up expected)")) { (lang.t("継続", "Open")) } }
    }
}

fn given(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or_default()
}

fn checked(v: &Option<String>) -> bool {
    matches!(given(v), "true" | "1" | "on" | "yes")
}

fn filters(s: &AppState, a: &Authed, lang: Lang, scope: Scope, q: &ListingFilter) -> Markup {
    let path = path_of(scope);
    let forwards = matches!(a.actor.org.kind, OrgKind::CiMinistry | OrgKind::Ceptoar);
    let pairs = q.pairs();
    html! {
        form.filters #listing-filters method="get" action=(path) role="search" {
            div.field {
                label.lbl for="f-q" { (lang.t("キーワード", "Keywords")) }
                input #f-q type="search" name="q" value=(given(&q.q)) size="24"
                    placeholder=(lang.t("例：制御系サーバ R12", "e.g. control server R12"));
            }
            div.field {
                label.lbl for="f-from" { (lang.t("期間（送受信日、JST）", "Dates (sent, JST)")) }
                input #f-from type="date" name="from" value=(given(&q.from))
                    aria-label=(lang.t("開始日", "First day"));
                " – "
                input #f-to type="date" name="to" value=(given(&q.to))
                    aria-label=(lang.t("終了日", "Last day"));
            }
            div.field {
                label.lbl for="f-sector" { (lang.t("分野", "Sector")) }
                select #f-sector name="sector" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for sec in s.app.reference.sectors() {
                        option value=(sec.id) selected[sec.id == given(&q.sector)] { (lang.t(&sec.name_ja, &sec.name_en)) }
                    }
                }
            }
            div.field {
                label.lbl for="f-tlp" { "TLP" }
                select #f-tlp name="tlp" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for t in Tlp::ALL {
                        option value=(t.code()) selected[t.code() == given(&q.tlp)] { "TLP:" (t.code()) }
                    }
                }
            }
            div.field {
                label.lbl for="f-importance" { (lang.t("重要度", "Importance")) }
                select #f-importance name="importance" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for i in Importance::ALL {
                        option value=(i.code()) selected[i.code() == given(&q.importance)] { (lang.t(i.label_ja(), i.label_en())) }
                    }
                }
            }
            div.field {
                label.lbl for="f-status" { (lang.t("状態", "Status")) }
                select #f-status name="status" {
                    option value="" { (lang.t("すべて", "All")) }
                    option value="open" selected[given(&q.status) == "open"] { (lang.t("継続", "Open")) }
                    option value="closed" selected[given(&q.status) == "closed"] { (lang.t("完了", "Closed")) }
                }
            }
            div.field.opts {
                label { input #f-statutory type="checkbox" name="statutory" value="true" checked[checked(&q.statutory)]; " " (lang.t("法令等報告対象のみ", "Statutory only")) }
                label { input #f-urgent type="checkbox" name="urgent" value="true" checked[checked(&q.urgent)]; " " (lang.t("特に緊急のみ", "Urgent only")) }
                @if forwards {
                    label { input #f-to-forward type="checkbox" name="to_forward" value="true" checked[checked(&q.to_forward)]; " " (lang.t("要転送のみ", "To forward only")) }
                }
            }
            div.field { button #filter-submit type="submit" { (lang.t("絞り込む", "Filter")) } }
            @if !pairs.is_empty() || q.cursor.is_some() {
                div.field { a #filter-clear href=(path) { (lang.t("条件をクリア", "Clear")) } }
            }
        }
        p.noprint {
            a #export-csv href=(link(&format!("{path}/export.csv"), &pairs)) download {
                (lang.t("この一覧をCSVで出力", "Export this listing as CSV"))
            }
            " "
            span.muted.small {
                (match lang {
                    Lang::Ja => format!("（全ページ、最大{EXPORT_MAX}件。TLP:AMBER以上を含む出力は監査ログに記録されます）"),
                    Lang::En => format!("(every page, at most {EXPORT_MAX} rows; an export holding TLP:AMBER or above is recorded in the audit log)"),
                })
            }
        }
    }
}

fn rows(s: &AppState, lang: Lang, scope: Scope, q: &ListingFilter, l: &Listing) -> Markup {
    let path = path_of(scope);
    let next = l.next.as_ref().map(|c| {
        let mut pairs = q.pairs();
        pairs.push(("cursor", c.clone()));
        link(path, &pairs)
    });
    html! {
        @if l.items.is_empty() {
            p.empty #empty {
                @if q.cursor.is_some() {
                    (lang.t("これ以上はありません。", "There are no more."))
                } @else if !q.pairs().is_empty() {
                    (lang.t("条件に合う事案はありません。", "No case matches."))
                } @else {
                    (lang.t("表示できる情報連絡はありません。", "There are no liaisons to show."))
                }
            }
        } @else {
            table.list #copies {
                thead { tr {
                    th scope="col" { (lang.t("識別番号", "Ident. no.")) }
                    th scope="col" { (lang.t("概要・分野", "Summary, sector")) }
                    th scope="col" { (lang.t("最新の連絡（JST）", "Latest liaison (JST)")) }
                    th scope="col" { (lang.t("TLP・重要度", "TLP, importance")) }
                    th scope="col" { (lang.t("区分", "Flags")) }
                    th scope="col" { (lang.t("判明から", "Since discovery")) }
                    th scope="col" { (lang.t("状態", "Status")) }
                    th scope="col" { span.sr { (lang.t("操作", "Actions")) } }
                } }
                tbody {
                    @for v in &l.items {
                        @let r = v.get();
                        @let c = &r.summary;
                        tr.case-row data-copy=(c.id.0) data-chain=(c.chain.0) {
                            td.nowrap {
                                (ident_text(lang, c.ident.as_deref()))
                                br; span.muted.small { (report_no_text(lang, c.report_no)) }
                            }
                            td.line {
                                (r.line)
                                br; span.muted.small.sector { (sector_name(&s.app, lang, &c.sector)) }
                            }
                            td {
                                span.nowrap { (show_time(c.created_at)) }
                                br;
                                (org_name(lang, &r.sender_name, &r.sender_name_en)) " → " (org_name(lang, &r.addressee_name, &r.addressee_name_en))
                                @if c.hop_kind != "forward" && c.hop_kind != "file" {
                                    br; span.muted.small { (hop_label(lang, &c.hop_kind)) }
                                }
                            }
                            td.nowrap { (tlp_badge(&c.tlp)) br; (importance_badge(lang, c.importance.as_deref())) }
                            td.flags {
                                @if r.exercise { span.badge.flag.flag-exercise { (lang.t("演習", "Exercise")) } " " }
                                @if r.statutory { span.badge.flag.flag-statutory { (lang.t("法令", "Statutory")) } " " }
                                @if r.urgent { span.badge.flag-urgent { (lang.t("緊急", "Urgent")) } " " }
                                @if r.to_forward { span.badge.flag-forward { (lang.t("要転送", "To forward")) } }
                            }
                            td.nowrap.elapsed {
                                @match (r.elapsed_minutes, r.discovered_at) {
                                    (Some(m), Some(at)) => { span title=(show_time(at)) { (elapsed_text(lang, m)) } }
                                    _ => { span.muted { "—" } }
                                }
                            }
                            td.nowrap { (short_status(lang, &c.chain_status)) }
                            td.nowrap {
                                a.copy-link href={ "/copies/" (c.id.0) } { (lang.t("開く", "Open")) }
                                @if let Some(p) = &r.pending_copy {
                                    br; a.forward-pending-link href={ "/copies/" (p.0) "/forward" } { (lang.t("転送する", "Forward")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(href) = next {
            p.pager { a #next-page rel="next" href=(href) { (lang.t("次のページ →", "Next page →")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_reads_as_days_hours_minutes() {
        assert_eq!(elapsed_text(Lang::Ja, 0), "0分");
        assert_eq!(elapsed_text(Lang::Ja, 59), "59分");
        assert_eq!(elapsed_text(Lang::Ja, 61), "1時間1分");
        assert_eq!(elapsed_text(Lang::Ja, 1440 * 2 + 180), "2日3時間");
        assert_eq!(elapsed_text(Lang::En, 61), "1 h 1 min");
        assert_eq!(elapsed_text(Lang::En, 1440 + 60), "1 d 1 h");
    }

    #[test]
    fn links_keep_the_filters() {
        assert_eq!(link("/inbox", &[]), "/inbox");
        assert_eq!(
            link(
                "/inbox",
                &[("q", "制御 R1".into()), ("tlp", "AMBER+STRICT".into())]
            ),
            "/inbox?q=%E5%88%B6%E5%BE%A1+R1&tlp=AMBER%2BSTRICT"
        );
    }
}
