//! 受信箱 and 検索: the copies a person may read, newest first, filtered by sector and TLP, paged
//! with a keyset cursor (`before=<rfc3339>|<copy id>`) so deep pages stay as fast as the first.

use super::layout::{
    error_page, hop_label, ident_text, importance_badge, page, report_no_text, sector_name,
    status_badge, tlp_badge, Nav,
};
use crate::auth::WebAuth;
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kakehashi_app::liaison::{ListFilter, ListRow};
use kakehashi_domain::{CopyId, Tlp};
use maud::{html, Markup};
use serde::Deserialize;

const PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    sector: Option<String>,
    #[serde(default)]
    tlp: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

/// `<rfc3339>|<copy id>` → the cursor; anything else means "from the start".
fn cursor(s: &str) -> Option<(DateTime<Utc>, CopyId)> {
    let (t, id) = s.split_once('|')?;
    let t = DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc);
    (!id.is_empty()).then(|| (t, CopyId(id.to_owned())))
}

fn filter(q: &ListQuery) -> ListFilter {
    ListFilter {
        sector: q.sector.clone().filter(|s| !s.is_empty()),
        tlp: q.tlp.clone().filter(|s| !s.is_empty()),
        before: q.before.as_deref().and_then(cursor),
        limit: Some(PAGE),
    }
}

pub async fn inbox(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Response {
    match s.app.inbox(&a.actor, filter(&q)).await {
        Ok(rows) => {
            let title = lang.t("受信箱", "Inbox");
            let intro = lang.t(
                "自組織宛て・自組織発の情報連絡のうち、閲覧できるもの（新しい順）。",
                "Liaisons addressed to or sent by your organisation that you may read, newest first.",
            );
            page(
                lang,
                title,
                Some(&a),
                Nav::Inbox,
                listing(&s, lang, title, intro, "/inbox", &q, &rows),
            )
            .into_response()
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn search(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<ListQuery>,
) -> Response {
    match s.app.search(&a.actor, filter(&q)).await {
        Ok(rows) => {
            let title = lang.t("検索", "Search");
            let intro = lang.t(
                "情報共有範囲（TLP）により閲覧できる全ての情報連絡。",
                "Every liaison the sharing scope (TLP) lets you read.",
            );
            page(
                lang,
                title,
                Some(&a),
                Nav::Search,
                listing(&s, lang, title, intro, "/search", &q, &rows),
            )
            .into_response()
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

fn listing(
    s: &AppState,
    lang: Lang,
    title: &str,
    intro: &str,
    path: &str,
    q: &ListQuery,
    rows: &[ListRow],
) -> Markup {
    let sector = q.sector.clone().unwrap_or_default();
    let tlp = q.tlp.clone().unwrap_or_default();
    let next = (rows.len() as u32 >= PAGE)
        .then(|| rows.last())
        .flatten()
        .map(|last| {
            let mut params = vec![(
                "before",
                format!(
                    "{}|{}",
                    last.summary.created_at.to_rfc3339(),
                    last.summary.id.0
                ),
            )];
            if !sector.is_empty() {
                params.push(("sector", sector.clone()));
            }
            if !tlp.is_empty() {
                params.push(("tlp", tlp.clone()));
            }
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&params).unwrap_or_default()
            )
        });
    html! {
        h1 { (title) }
        p.muted { (intro) }
        form.filters method="get" action=(path) role="search" {
            div.field {
                label.lbl for="f-sector" { (lang.t("分野", "Sector")) }
                select #f-sector name="sector" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for sec in s.app.reference.sectors() {
                        option value=(sec.id) selected[sec.id == sector] { (lang.t(&sec.name_ja, &sec.name_en)) }
                    }
                }
            }
            div.field {
                label.lbl for="f-tlp" { "TLP" }
                select #f-tlp name="tlp" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for t in Tlp::ALL {
                        option value=(t.code()) selected[t.code() == tlp] { "TLP:" (t.code()) }
                    }
                }
            }
            div.field { button #filter-submit type="submit" { (lang.t("絞り込む", "Filter")) } }
            @if q.before.is_some() || !sector.is_empty() || !tlp.is_empty() {
                div.field { a href=(path) { (lang.t("条件をクリア", "Clear")) } }
            }
        }
        @if rows.is_empty() {
            p.empty #empty {
                @if q.before.is_some() {
                    (lang.t("これ以上はありません。", "There are no more."))
                } @else {
                    (lang.t("表示できる情報連絡はありません。", "There are no liaisons to show."))
                }
            }
        } @else {
            table.list #copies {
                thead { tr {
                    th scope="col" { (lang.t("識別番号", "Ident. no.")) }
                    th scope="col" { (lang.t("報数", "Report")) }
                    th scope="col" { (lang.t("日時（JST）", "Date (JST)")) }
                    th scope="col" { (lang.t("送信元 → 宛先", "From → To")) }
                    th scope="col" { (lang.t("分野", "Sector")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("重要度", "Importance")) }
                    th scope="col" { (lang.t("状態", "Status")) }
                    th scope="col" { span.sr { (lang.t("開く", "Open")) } }
                } }
                tbody {
                    @for r in rows {
                        @let c = &r.summary;
                        tr {
                            td.nowrap { (ident_text(lang, c.ident.as_deref())) }
                            td.nowrap { (report_no_text(lang, c.report_no)) }
                            td.nowrap { (show_time(c.created_at)) }
                            td {
                                (r.sender_name) " → " (r.addressee_name)
                                @if c.hop_kind != "forward" && c.hop_kind != "file" {
                                    br; span.muted.small { (hop_label(lang, &c.hop_kind)) }
                                }
                            }
                            td { (sector_name(&s.app, lang, &c.sector)) }
                            td { (tlp_badge(&c.tlp)) }
                            td { (importance_badge(lang, c.importance.as_deref())) }
                            td { (status_badge(lang, &c.chain_status)) }
                            td.nowrap { a.copy-link href={ "/copies/" (c.id.0) } { (lang.t("開く", "Open")) } }
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
    fn cursor_round_trips_and_rejects_garbage() {
        let t = DateTime::parse_from_rfc3339("2026-11-20T01:02:03.456+00:00")
            .expect("time")
            .with_timezone(&Utc);
        let s = format!("{}|{}", t.to_rfc3339(), "abc");
        assert_eq!(cursor(&s), Some((t, CopyId("abc".into()))));
        assert_eq!(cursor("yesterday|abc"), None);
        assert_eq!(cursor("2026-11-20T01:02:03Z|"), None);
        assert_eq!(cursor("no separator"), None);
    }
}
