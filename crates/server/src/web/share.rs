//! Sharing a received copy sideways or downwards (別紙４－１ N4, N6, N23, N25): a CEPTOAR
//! spreads it to its members or offers it to the council, a ministry shares it with the
//! sector's CEPTOAR, the council passes it to CEPTOARs, an agency shares it onward with the
//! reporter's consent. The choices are exactly those the domain's share rule admits.

use super::form_parse::Values;
use super::layout::{error_page, page, tlp_badge, Nav};
use super::provision::err_box;
use super::route_view::sent_location;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::liaison::share::{may_share_kind, ShareRequest};
use kakehashi_app::AppError;
use kakehashi_domain::liaison::ShareEdge;
use kakehashi_domain::{CopyId, OrgKind, Role, Tlp};
use maud::html;

/// The copy page shows the share action to an approver of the addressee whose kind shares.
pub fn may_share(a: &Authed, addressee: &kakehashi_domain::OrgId) -> bool {
    *addressee == a.actor.org.id && may_share_kind(a.actor.org.kind) && a.actor.has(Role::Approver)
}

async fn share_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &CopyId,
    err: Option<&AppError>,
) -> Response {
    let v = match s.app.view_copy(&a.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let c = v.get();
    let targets = match s.app.share_targets(&a.actor, id).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let sent = Tlp::from_code(&c.record.tlp).unwrap_or(Tlp::Red);
    let agency = a.actor.org.kind == OrgKind::CybersecurityAgency;
    let consents = s
        .app
        .forward_consents(&a.actor, id)
        .await
        .map(|v| v.into_inner())
        .unwrap_or_default();
    let title = lang.t("共有する", "Share");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t("受信した情報連絡を、情報共有体制（別紙４－１）の経路で共有します。", "Share a liaison you received along the sharing structure (別紙４－１).")) " "
            a href="/reference/topology" { (lang.t("情報共有体制の図", "The sharing diagram")) } }
        p { (lang.t("共有元", "Copy")) ": " (c.sender_name) " → " (c.addressee_name) " " (tlp_badge(&c.record.tlp)) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if targets.is_empty() {
            p.empty #share-none { (lang.t("この情報連絡を共有できる先はありません。", "There is nobody to share this copy with.")) }
        } @else {
            form method="post" action={ "/copies/" (id.0) "/share" } #share-form {
                input type="hidden" name="csrf" value=(a.csrf());
                @for edge in ShareEdge::ALL {
                    @let group: Vec<_> = targets.iter().filter(|t| t.edge == edge).collect();
                    @if !group.is_empty() {
                        fieldset data-edge=(edge.edge_id()) {
                            legend { (edge.edge_id()) " " (lang.t(edge.label_ja(), edge.label_en()))
                                @if edge.always_anonymised() { " " span.badge.flag { (lang.t("匿名化して共有", "Anonymised")) } } }
                            @for t in group {
                                label.check { input type="checkbox" name="to" value=(t.org.0); " " (lang.t(&t.name_ja, &t.name_en)) }
                                br;
                            }
                        }
                    }
                }
                label { "TLP " select name="tlp" {
                    @for t in Tlp::ALL.into_iter().filter(|t| *t != Tlp::Red) {
                        option value=(t.code()) selected[t == sent] { "TLP:" (t.code()) }
                    }
                } }
                p.muted.small { (lang.t(
                    "受信したTLPより緩い範囲は送信元の同意が必要です。TLP:RED（宛先限り）のままでは共有できません。閲覧できる人は共有後もTLPの規則で決まります。",
                    "A looser TLP than received needs the sender's consent; a TLP:RED copy cannot be shared as RED. Who reads the share is still decided by the TLP rules."
                )) }
                label.check { input type="checkbox" name="anonymise" value="1"; " " (lang.t("報告者を匿名化する", "Anonymise the reporter")) }
                p { button type="submit" #share-submit { (lang.t("共有する", "Share")) } }
            }
        }
        @if agency {
            section #reporter-consent {
                h2 { (lang.t("報告者の同意", "Reporter's consent")) }
                p.muted.small { (lang.t("関係機関からの共有には、報告者（情報連絡元）の同意が必要です（匿名化した上で共有します）。", "An agency shares onward only with the reporter's consent, and anonymised.")) }
                @if !consents.is_empty() {
                    ul #reporter-consent-list {
                        @for r in &consents {
                            li { (show_time(r.created_at)) " " @if let Some(t) = &r.tlp { (tlp_badge(t)) } " "
                                @match r.status.as_str() {
                                    "approved" => span.badge.st-closed { (lang.t("同意", "Approved")) },
                                    "refused" => span.badge.flag { (lang.t("不同意", "Refused")) },
                                    _ => span.badge { (lang.t("未回答", "Pending")) },
                                } }
                        }
                    }
                }
                form method="post" action={ "/copies/" (id.0) "/consents" } #reporter-consent-form {
                    input type="hidden" name="csrf" value=(a.csrf());
                    input type="hidden" name="back" value="share";
                    label { "TLP " select name="tlp" {
                        @for t in Tlp::ALL.into_iter().filter(|t| *t != Tlp::Red) { option value=(t.code()) selected[t == sent] { "TLP:" (t.code()) } }
                    } }
                    " " input type="text" name="note" aria-label=(lang.t("理由", "Reason")) placeholder=(lang.t("理由（任意）", "Reason (optional)"));
                    " " button type="submit" { (lang.t("報告者に同意を依頼", "Ask the reporter to consent")) }
                }
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn share_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    share_page(&s, &a, lang, &CopyId(id), None).await
}

pub async fn share_submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let id = CopyId(id);
    let req = ShareRequest {
        to: values.all("to").map(str::to_owned).collect(),
        tlp: Tlp::from_code(values.get("tlp")),
        anonymise: values.flag("anonymise"),
        mask: vec![],
    };
    match s.app.share_copy(&a.actor, &id, req).await {
        Ok(filed) => Redirect::to(&sent_location(&filed)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
            share_page(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
