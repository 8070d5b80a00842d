//! The POST actions on a provision page (sanitisation decisions, consent requests, send,
//! acknowledge, relay) and the consent requests addressed to the person's organisation.

use super::form_parse::Values;
use super::layout::{error_page, page, sector_name, tlp_badge, Nav};
use super::provision::{err_box, finding_groups, render};
use crate::auth::{Authed, WebAuth};
use crate::error::status_of;
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::provision::{DraftRequest, SourceRef};
use kakehashi_app::AppError;
use kakehashi_domain::provision::sanitise::{FindingKey, Resolution, ResolutionAction};
use maud::html;

/// Checks the CSRF token of a POST; the error page otherwise.
fn csrf(a: &Authed, lang: Lang, v: &Values) -> Option<Response> {
    a.check_csrf(v.get("csrf"))
        .err()
        .map(|e| error_page(lang, Some(a), &e))
}

/// Back to the provision page (303), or the page again with the error and its status.
async fn after(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    r: Result<(), AppError>,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/provisions/{id}")).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/signin").into_response(),
        Err(e) => render(s, a, lang, id, Some(&e), None).await,
    }
}

/// `POST /provisions/{id}/resolutions` — removed / kept-with-reason per finding key.
pub async fn resolutions(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let r = save_resolutions(&s, &a, &id, &v).await;
    after(&s, &a, lang, &id, r).await
}

async fn save_resolutions(s: &AppState, a: &Authed, id: &str, v: &Values) -> Result<(), AppError> {
    let p = s.app.view_provision(&a.actor, id).await?.into_inner();
    let findings = s
        .app
        .provision_check(&a.actor, id)
        .await?
        .into_inner()
        .findings;
    let Some(hub) = p.hub else {
        return Err(AppError::NotFound);
    };
    let hub = hub.into_inner();
    let current: Vec<FindingKey> = finding_groups(&findings)
        .into_iter()
        .map(|(k, _, _)| k)
        .collect();
    // Earlier decisions on keys not in this form stay.
    let mut out: Vec<Resolution> = hub
        .resolutions
        .into_iter()
        .filter(|r| !current.contains(&r.key))
        .collect();
    for i in 0.. {
        let raw = v.get(&format!("key_{i}"));
        if raw.is_empty() {
            break;
        }
        let Ok(key) = serde_json::from_str::<FindingKey>(raw) else {
            continue;
        };
        let action = match v.get(&format!("action_{i}")) {
            "removed" => ResolutionAction::Removed,
            "keep" => {
                ResolutionAction::KeptWithReason(v.get(&format!("reason_{i}")).trim().to_owned())
            }
            _ => continue,
        };
        out.push(Resolution { key, action });
    }
    let req = DraftRequest {
        form: p.form,
        sources: hub.sources,
        resolutions: out,
        urgent: p.urgent,
        direct_recipients: hub.direct_recipients,
        follow_up_of: None,
    };
    s.app
        .save_provision_draft(&a.actor, Some(id), req)
        .await
        .map(|_| ())
}

/// `POST /provisions/{id}/consents` — ask a source's sender to widen its scope.
pub async fn ask_consent(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let Some((kind, sid)) = v.get("source").split_once(':') else {
        let e = AppError::bad_field(
            "source",
            "required",
            "情報源を指定してください。",
            "Choose a source.",
        );
        return render(&s, &a, lang, &id, Some(&e), None).await;
    };
    let src = SourceRef {
        kind: kind.to_owned(),
        id: sid.to_owned(),
    };
    let sectors: Vec<String> = v.all("sector").map(str::to_owned).collect();
    let tlp = Some(v.get("tlp").to_owned()).filter(|t| !t.is_empty());
    match s
        .app
        .request_consent(&a.actor, &id, &src, sectors, tlp)
        .await
    {
        Ok(_) => {
            render(
                &s,
                &a,
                lang,
                &id,
                None,
                Some(("同意を依頼しました。", "Consent requested.")),
            )
            .await
        }
        Err(e) => after(&s, &a, lang, &id, Err(e)).await,
    }
}

/// `POST /provisions/{id}/send` — refused (422, with the blockers) while any remain.
pub async fn send(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let r = s.app.send_provision(&a.actor, &id).await.map(|_| ());
    after(&s, &a, lang, &id, r).await
}

/// `POST /provisions/{id}/ack`.
pub async fn ack(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let r = s
        .app
        .acknowledge_provision(&a.actor, &id, v.get("note"))
        .await;
    after(&s, &a, lang, &id, r).await
}

/// `POST /provisions/{id}/relay` — to every eligible recipient.
pub async fn relay(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let chosen: Vec<String> = v.all("recipient").map(str::to_owned).collect();
    let chosen = (!chosen.is_empty()).then_some(chosen);
    match s.app.relay_provision(&a.actor, &id, chosen).await {
        Ok(_) => {
            render(
                &s,
                &a,
                lang,
                &id,
                None,
                Some(("中継しました。", "Relayed.")),
            )
            .await
        }
        Err(e) => after(&s, &a, lang, &id, Err(e)).await,
    }
}

/// `GET /consents` — requests addressed to the person's organisation.
pub async fn consents(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    consents_page(&s, &a, lang, None).await
}

async fn consents_page(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let items = match s.app.my_consent_requests(&a.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    // Each source by name: a case's R-number (or 未採番 with sector and date), an item's title.
    let mut sources = Vec::with_capacity(items.len());
    for c in &items {
        let name = match s.app.source_label(&c.source).await {
            Some(l) => super::layout::label_text(&s.app, lang, &l),
            None => lang.t("（不明な情報源）", "(unknown source)").to_owned(),
        };
        sources.push(name);
    }
    let title = lang.t("同意依頼", "Consent requests");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "NISCが情報提供の範囲（分野・TLP）を広げるため、または貴組織が送信した情報連絡の受信者がより緩いTLPで転送するため、貴組織の同意を求めています。",
            "NISC asks your organisation's consent to share a provision more widely (sectors, TLP), or a recipient of a liaison you sent asks to forward it under a looser TLP."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if items.is_empty() {
            p.empty #consents-empty { (lang.t("同意依頼はありません。", "No consent requests.")) }
        } @else {
            table.list #consents {
                thead { tr {
                    th scope="col" { (lang.t("依頼日時", "Requested")) }
                    th scope="col" { (lang.t("情報源", "Source")) }
                    th scope="col" { (lang.t("分野", "Sectors")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("状態", "Status")) }
                    th scope="col" { (lang.t("判断", "Decision")) }
                } }
                tbody {
                    @for (c, source) in items.iter().zip(&sources) {
                        tr id={ "consent-" (c.id) } {
                            td.nowrap { (show_time(c.created_at)) }
                            td.consent-source {
                                @match c.source.split_once(':') {
                                    Some(("chain", cid)) => a href={ "/chains/" (cid) } { (source) },
                                    Some(("copy", kid)) => a href={ "/copies/" (kid) } { (source) },
                                    _ => (source),
                                }
                            }
                            td { (c.sectors.iter().map(|x| sector_name(&s.app, lang, x)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                            td { @if let Some(t) = &c.tlp { (tlp_badge(t)) } @else { "—" } }
                            td.consent-status {
                                @match c.status.as_str() {
                                    "approved" => span.badge.st-closed { (lang.t("同意", "Approved")) },
                                    "refused" => span.badge.flag { (lang.t("不同意", "Refused")) },
                                    _ => span.badge { (lang.t("未回答", "Pending")) },
                                }
                                @if let Some(t) = c.decided_at { div.muted.small { (show_time(t)) } }
                                @if !c.note.is_empty() { div.small { (c.note) } }
                            }
                            td {
                                @if c.status == "pending" {
                                    form method="post" action={ "/consents/" (c.id) "/decision" } {
                                        input type="hidden" name="csrf" value=(a.csrf());
                                        input type="text" name="note" aria-label=(lang.t("コメント", "Note"))
                                            placeholder=(lang.t("コメント（任意）", "Note (optional)"));
                                        " "
                                        button.consent-approve type="submit" name="decision" value="approve" { (lang.t("同意", "Approve")) }
                                        " "
                                        button.consent-refuse.danger type="submit" name="decision" value="refuse" { (lang.t("不同意", "Refuse")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = err.map(|e| status_of(e).0).unwrap_or(StatusCode::OK);
    (status, page(lang, title, Some(a), Nav::Provisions, body)).into_response()
}

/// `POST /consents/{id}/decision`.
pub async fn decide(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Some(r) = csrf(&a, lang, &v) {
        return r;
    }
    let approve = match v.get("decision") {
        "approve" => true,
        "refuse" => false,
        _ => {
            let e = AppError::bad_field(
                "decision",
                "required",
                "同意または不同意を選んでください。",
                "Choose approve or refuse.",
            );
            return consents_page(&s, &a, lang, Some(&e)).await;
        }
    };
    let found = match s.app.my_consent_requests(&a.actor).await {
        Ok(list) => list.into_iter().find(|c| c.id == id),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let Some(c) = found else {
        return error_page(lang, Some(&a), &AppError::NotFound);
    };
    match s
        .app
        .decide_consent(&a.actor, &c, approve, v.get("note").trim())
        .await
    {
        Ok(()) => Redirect::to("/consents").into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/signin").into_response(),
        Err(e) => consents_page(&s, &a, lang, Some(&e)).await,
    }
}
