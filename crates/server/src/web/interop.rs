//! 情報源の取り込み: NISC approvers import a STIX 2.1 bundle or a MISP event as a source item for
//! provisions, and see the sources recorded so far.

use super::form_parse::Values;
use super::layout::{error_page, page, tlp_badge, Nav};
use super::provision::{err_box, is_nisc_approver};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::interop::{ImportFormat, ImportRequest};
use kakehashi_app::AppError;
use kakehashi_domain::Tlp;
use maud::html;

async fn render(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    err: Option<&AppError>,
    form: Option<&Values>,
) -> Response {
    if !is_nisc_approver(a) {
        return error_page(
            lang,
            Some(a),
            &AppError::forbidden(
                "情報源の取り込みはNISCの職員（承認・送信者）のみ可能です。",
                "Only NISC staff with the approver role import sources.",
            ),
        );
    }
    let items = match s.app.source_items(&a.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let get = |k: &str| form.map(|v| v.get(k).to_owned()).unwrap_or_default();
    let format = get("format");
    let tlp = get("tlp");
    let title = lang.t("情報源の取り込み", "Import a source");
    let body = html! {
        h1 { (title) }
        p { a href="/provisions" { (lang.t("← 情報提供へ戻る", "← Back to provisions")) } }
        p { (lang.t(
            "STIX 2.1 のバンドルまたは MISP のイベント（JSON）を、情報提供の情報源として取り込みます。TLPは内容のマーキング（MISPは tlp: タグ）から決まります。マーキングがない、またはTLPとして解釈できない場合は、下でTLPを選んでください（内容のマーキングより広いTLPは選べません）。",
            "Import a STIX 2.1 bundle or a MISP event (JSON) as a source for provisions. Its TLP comes from its markings (MISP: the tlp: tags). Without a marking, or with one that is not a TLP level, choose a TLP below (never wider than the content's marking)."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        form #import-form method="post" action="/provisions/sources" {
            input type="hidden" name="csrf" value=(a.csrf());
            fieldset {
                legend { (lang.t("形式", "Format")) }
                label { input type="radio" name="format" value="stix" checked[format != "misp"]; " STIX 2.1" }
                " "
                label { input type="radio" name="format" value="misp" checked[format == "misp"]; " MISP" }
            }
            div.field {
                label for="f-tlp" { (lang.t("TLP（取り込む側で指定する場合）", "TLP (when you choose it)")) }
                select #f-tlp name="tlp" {
                    option value="" selected[tlp.is_empty()] { (lang.t("内容のマーキングに従う", "As the content is marked")) }
                    @for t in Tlp::ALL {
                        option value=(t.code()) selected[tlp == t.code()] { "TLP:" (t.code()) " " (lang.t(t.label_ja(), t.label_en())) }
                    }
                }
            }
            div.field hidden {
                label for="f-file" { (lang.t("ファイルを選ぶ", "Choose a file")) }
                input #f-file type="file" accept=".json,application/json" data-fill="f-document";
            }
            div.field {
                label for="f-document" { (lang.t("内容（JSON）", "Content (JSON)")) }
                textarea #f-document name="document" rows="10" required { (get("document")) }
            }
            button type="submit" { (lang.t("取り込む", "Import")) }
        }
        h2 { (lang.t("記録済みの情報源", "Recorded sources")) }
        @if items.is_empty() {
            p.empty #sources-empty { (lang.t("記録された情報源はありません。", "No sources recorded yet.")) }
        } @else {
            table.list #sources {
                thead { tr {
                    th scope="col" { (lang.t("件名", "Title")) }
                    th scope="col" { (lang.t("入手元", "Origin")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("記録日時（JST）", "Recorded (JST)")) }
                } }
                tbody {
                    @for i in &items {
                        tr {
                            td translate="no" { (i.title) }
                            td translate="no" { (i.origin) }
                            td { (tlp_badge(&i.tlp)) }
                            td.nowrap { (show_time(i.created_at)) }
                        }
                    }
                }
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, title, Some(a), Nav::Provisions, body)).into_response()
}

pub async fn sources(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render(&s, &a, lang, None, None).await
}

pub async fn import(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let format = if v.get("format") == "misp" {
        ImportFormat::Misp
    } else {
        ImportFormat::Stix
    };
    let req = ImportRequest {
        document: serde_json::Value::String(v.get("document").to_owned()),
        tlp: Some(v.get("tlp").to_owned()),
        allowed_sectors: None,
    };
    match s.app.import_source(&a.actor, format, req).await {
        Ok(_) => Redirect::to("/provisions/sources").into_response(),
        Err(e @ (AppError::Import(_) | AppError::BadField { .. })) => {
            render(&s, &a, lang, Some(&e), Some(&v)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
