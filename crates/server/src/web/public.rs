//! 公開情報 — the public channel, readable without signing in: `/public` lists the TLP:CLEAR
//! liaison copies and provisions newest first, each readable at `/public/copies/{id}` or
//! `/public/provisions/{id}` with its attachments, and `/public/feed.atom` is the same list as
//! an Atom 1.0 feed. What is public is the policy's answer (`kakehashi_policy::decide_public`
//! through `kakehashi_app::public`), never a TLP compared here.

use super::layout::{ident_text, page, sector_name, tlp_badge, Nav};
use crate::attach::download_response;
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use kakehashi_app::attachments::{AttachmentView, Owner};
use kakehashi_app::public::PublicItem;
use kakehashi_domain::provision::defang::{defang, defang_text};
use kakehashi_domain::CopyId;
use kakehashi_policy::Visible;
use maud::{html, Markup};

fn item_href(i: &PublicItem) -> String {
    match i.kind {
        "provision" => format!("/public/provisions/{}", i.id),
        _ => format!("/public/copies/{}", i.id),
    }
}

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "provision" => lang.t("情報提供", "Provision"),
        _ => lang.t("情報連絡", "Liaison"),
    }
}

fn error(lang: Lang, e: &kakehashi_app::AppError) -> Response {
    super::layout::error_page(lang, None, e)
}

/// `GET /public`: the public items, newest first.
pub async fn index(State(s): State<AppState>, lang: Lang) -> Response {
    let items = match s.app.public_items().await {
        Ok(i) => i,
        Err(e) => return error(lang, &e),
    };
    let body = html! {
        h1 { (lang.t("公開情報", "Public information")) }
        p.muted {
            (lang.t(
                "情報共有範囲が TLP:CLEAR（公開情報、制限なく共有可能）の情報連絡と情報提供です。ログインせずに閲覧できます。",
                "Liaisons and provisions shared as TLP:CLEAR (public, no restriction). No sign-in needed."
            ))
            " "
            a #public-feed href="/public/feed.atom" type="application/atom+xml" { (lang.t("Atomフィード", "Atom feed")) }
        }
        @if items.is_empty() {
            p #public-empty { (lang.t("公開情報はまだありません。", "Nothing has been made public yet.")) }
        } @else {
            ul #public-items {
                @for i in &items {
                    @let i = i.get();
                    li.public-item {
                        span.badge { (kind_label(lang, i.kind)) }
                        " "
                        a href=(item_href(i)) {
                            @if let Some(n) = &i.ident { (n) " " }
                            (if i.title.is_empty() { lang.t("（概要なし）", "(no summary)") } else { i.title.as_str() })
                        }
                        " "
                        span.muted {
                            (show_time(i.at))
                            @for sector in &i.sectors { " · " (sector_name(&s.app, lang, sector)) }
                        }
                    }
                }
            }
        }
    };
    page(
        lang,
        lang.t("公開情報", "Public information"),
        None,
        Nav::None,
        body,
    )
    .into_response()
}

/// The attachment list of a public item (download links under `/public/…`).
fn attachments_block(lang: Lang, base: &str, list: &[Visible<AttachmentView>]) -> Markup {
    html! {
        @if !list.is_empty() {
            section #public-attachments {
                h2 { (lang.t("別紙", "Attachments")) }
                (attachment_table(lang, base, list))
            }
        }
    }
}

/// A table of attachments with download links under `base` (`…/attachments/{id}`): name, kind,
/// size, SHA-256, and for a specimen its handling text.
pub fn attachment_table(lang: Lang, base: &str, list: &[Visible<AttachmentView>]) -> Markup {
    html! {
        table.attachments {
            thead { tr {
                th { (lang.t("ファイル", "File")) }
                th { (lang.t("種別", "Kind")) }
                th { (lang.t("大きさ", "Size")) }
                th { "SHA-256" }
            } }
            tbody {
                @for a in list {
                    @let a = a.get();
                    tr {
                        td {
                            a.attachment-link href={ (base) "/attachments/" (a.id) } download { (a.filename) }
                            div.muted { (a.content_type) }
                        }
                        td {
                            (lang.t(a.kind.label_ja(), a.kind.label_en()))
                            @if let (Some(ja), Some(en)) = (&a.handling_ja, &a.handling_en) {
                                div.note.specimen-handling { (lang.t(ja, en)) }
                            }
                        }
                        td { (a.size) " B" }
                        td.mono style="word-break:break-all" { (a.sha256) }
                    }
                }
            }
        }
    }
}

/// `GET /public/copies/{id}`: a public liaison copy.
pub async fn copy(State(s): State<AppState>, lang: Lang, Path(id): Path<String>) -> Response {
    let owner = Owner::Copy(CopyId(id.clone()));
    let c = match s.app.public_copy(&CopyId(id.clone())).await {
        Ok(c) => c,
        Err(e) => return error(lang, &e),
    };
    let files = match s.app.public_attachments(&owner).await {
        Ok(f) => f,
        Err(e) => return error(lang, &e),
    };
    let c = c.get();
    let base = format!("/public/copies/{id}");
    let body = html! {
        p { a href="/public" { (lang.t("← 公開情報", "← Public information")) } }
        p.muted {
            (tlp_badge("CLEAR")) " "
            (super::layout::org_name(lang, &c.sender_name, &c.sender_name_en))
            " · " (show_time(c.at))
        }
        (super::form_view::sheet(&s.app, lang, &c.form, c.ident.as_deref()))
        (attachments_block(lang, &base, &files))
    };
    let title = format!(
        "{} {}",
        lang.t("情報連絡", "Liaison"),
        ident_text(lang, c.ident.as_deref())
    );
    page(lang, &title, None, Nav::None, body).into_response()
}

fn multiline(text: &str) -> Markup {
    html! { div.pre { (defang_text(text)) } }
}

/// `GET /public/provisions/{id}`: a public provision (the sent form's content).
pub async fn provision(State(s): State<AppState>, lang: Lang, Path(id): Path<String>) -> Response {
    let owner = Owner::Provision(id.clone());
    let p = match s.app.public_provision(&id).await {
        Ok(p) => p,
        Err(e) => return error(lang, &e),
    };
    let files = match s.app.public_attachments(&owner).await {
        Ok(f) => f,
        Err(e) => return error(lang, &e),
    };
    let p = p.get();
    let f = &p.form;
    let base = format!("/public/provisions/{id}");
    let body = html! {
        p { a href="/public" { (lang.t("← 公開情報", "← Public information")) } }
        div.sheet #provision-sheet {
            h1 { (lang.t("情報提供", "Provision")) " " (ident_text(lang, p.ident.as_deref())) }
            table { tbody {
                tr { th { (lang.t("情報提供日時", "Provided at")) } td { @if let Some(t) = p.at { (show_time(t)) } @else { "—" } } }
                tr { th { (lang.t("情報共有範囲", "Sharing scope")) } td { (tlp_badge("CLEAR")) } }
                tr { th { (lang.t("別紙有無", "Attachments")) } td #attachments {
                    @match f.has_attachments { Some(true) => (lang.t("有", "Yes")), Some(false) => (lang.t("無", "No")), None => "—" }
                } }
                tr { th { (lang.t("①概要", "① Summary")) } td #summary { (multiline(&f.summary)) } }
                tr { th { (lang.t("②対象", "② Targets")) } td #targets { (multiline(&f.targets)) } }
                tr { th { (lang.t("③対処方針", "③ Countermeasures")) } td #countermeasures {
                    (multiline(&f.countermeasures))
                    @if !f.indicators.is_empty() {
                        ul #indicators { @for i in &f.indicators {
                            li { (lang.t(i.kind.label_ja(), i.kind.label_en())) (lang.t("：", ": ")) span.mono { (defang(i.kind, &i.value)) } }
                        } }
                    }
                } }
                tr { th { (lang.t("④その他", "④ Other")) } td #other { (multiline(&f.other)) } }
            } }
        }
        (attachments_block(lang, &base, &files))
    };
    let title = format!(
        "{} {}",
        lang.t("情報提供", "Provision"),
        ident_text(lang, p.ident.as_deref())
    );
    page(lang, &title, None, Nav::None, body).into_response()
}

/// `GET /public/copies/{id}/attachments/{attachment}`.
pub async fn copy_file(
    State(s): State<AppState>,
    lang: Lang,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    match s
        .app
        .open_public_attachment(&Owner::Copy(CopyId(id)), &attachment)
        .await
    {
        Ok(d) => download_response(s.app.clone(), d),
        Err(e) => error(lang, &e),
    }
}

/// `GET /public/provisions/{id}/attachments/{attachment}`.
pub async fn provision_file(
    State(s): State<AppState>,
    lang: Lang,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    match s
        .app
        .open_public_attachment(&Owner::Provision(id), &attachment)
        .await
    {
        Ok(d) => download_response(s.app.clone(), d),
        Err(e) => error(lang, &e),
    }
}

/// `GET /public/feed.atom`: the public items as Atom 1.0 (titles Japanese first, then English).
pub async fn feed(State(s): State<AppState>, lang: Lang) -> Response {
    use atom_syndication::{Entry, Feed, FixedDateTime, Link, Text};
    let items = match s.app.public_items().await {
        Ok(i) => i,
        Err(e) => return error(lang, &e),
    };
    let base = s.app.config.base_url.trim_end_matches('/').to_owned();
    let when = |t: chrono::DateTime<chrono::Utc>| -> FixedDateTime { t.fixed_offset() };
    let link = |href: String, rel: &str| Link {
        href,
        rel: rel.to_owned(),
        ..Link::default()
    };
    let entries: Vec<Entry> = items
        .iter()
        .map(|i| {
            let i = i.get();
            let url = format!("{base}{}", item_href(i));
            let kind = format!(
                "{} / {}",
                kind_label(Lang::Ja, i.kind),
                kind_label(Lang::En, i.kind)
            );
            let title = match &i.ident {
                Some(n) => format!("{n} {}", i.title),
                None => i.title.clone(),
            };
            let sectors: Vec<String> = i
                .sectors
                .iter()
                .map(|sct| {
                    format!(
                        "{} / {}",
                        sector_name(&s.app, Lang::Ja, sct),
                        sector_name(&s.app, Lang::En, sct)
                    )
                })
                .collect();
            Entry {
                id: url.clone(),
                title: Text::plain(if title.trim().is_empty() {
                    kind.clone()
                } else {
                    title
                }),
                updated: when(i.at),
                published: Some(when(i.at)),
                links: vec![link(url, "alternate")],
                summary: Some(Text::plain(format!(
                    "{kind} · TLP:CLEAR · {}",
                    sectors.join(", ")
                ))),
                ..Entry::default()
            }
        })
        .collect();
    let updated = items
        .first()
        .map(|i| i.get().at)
        .unwrap_or_else(|| s.app.now());
    let feed = Feed {
        title: Text::plain("架け橋 公開情報 / Kakehashi public information"),
        id: format!("{base}/public"),
        updated: when(updated),
        links: vec![
            link(format!("{base}/public/feed.atom"), "self"),
            link(format!("{base}/public"), "alternate"),
        ],
        subtitle: Some(Text::plain(
            "TLP:CLEAR の情報連絡・情報提供 / TLP:CLEAR liaisons and provisions",
        )),
        lang: Some("ja".into()),
        entries,
        ..Feed::default()
    };
    let mut res = feed.to_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    res
}
