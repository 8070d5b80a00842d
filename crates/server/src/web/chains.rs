//! A case (chain) as the person may see it — its number, reports and the hops they can read —
//! and 続報 (follow-ups), the only way to correct or extend a case.

use super::form_editor::{profile_sender, recipient_options, Editor, Mode};
use super::form_parse::{
    from_app_errors, parse, prevalidate, to_values, FieldErr, Outcome, Values,
};
use super::layout::{
    error_page, hop_label, ident_text, importance_badge, may_file, org_name, page, report_no_text,
    sector_name, status_badge, tlp_badge, Nav,
};
use super::route_view::{
    confirm_page, needs_confirmation, route_box, sent_location, sent_notice, what, Filing,
};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{local_value, show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::liaison::{ChainView, CopyView, FileRequest};
use kakehashi_app::AppError;
use kakehashi_domain::ChainId;
use maud::html;

/// `?sent=<copy ids>` after a filing: the copies just sent, for the message naming recipients.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SentParam {
    #[serde(default)]
    sent: String,
}

/// The message after sending: the addressees of the copies just sent (those the person may
/// read), the added recipients, and the report's R-number if NISC has numbered it.
fn sent_message(
    lang: Lang,
    c: &ChainView,
    sent: &str,
    orgs: &[kakehashi_store::OrgRecord],
) -> Option<maud::Markup> {
    let ids: Vec<&str> = sent.split(',').filter(|s| !s.is_empty()).collect();
    let mine: Vec<&CopyView> = copies(c)
        .into_iter()
        .filter(|v| ids.contains(&v.record.id.0.as_str()))
        .collect();
    let first = mine.first()?;
    let name = |id: &kakehashi_domain::OrgId| {
        orgs.iter()
            .find(|o| &o.id == id)
            .map(|o| super::layout::org_name(lang, &o.name_ja, &o.name_en).to_owned())
            .unwrap_or_default()
    };
    let mut names: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    for v in &mine {
        let n = name(&v.record.addressee_org);
        if !names.contains(&n) {
            names.push(n);
        }
        for o in &v.record.added_recipients {
            let n = name(o);
            if !added.contains(&n) {
                added.push(n);
            }
        }
    }
    let ident = c
        .reports
        .iter()
        .find(|r| r.id == first.record.report)
        .and_then(|r| r.ident.clone());
    Some(sent_notice(lang, &names, &added, ident.as_deref()))
}

/// R<n> (E-R<n> for an exercise), or 未採番 until NISC has received the first report.
fn chain_number(lang: Lang, n: Option<u64>, exercise: bool) -> String {
    match n {
        Some(n) => kakehashi_domain::liaison::chain_ident(n, 1, exercise).to_string(),
        None => lang.t("未採番", "Not yet numbered").to_owned(),
    }
}

fn copies(c: &ChainView) -> Vec<&CopyView> {
    let mut list: Vec<&CopyView> = c.copies.iter().map(|v| v.get()).collect();
    list.sort_by(|a, b| {
        (a.record.report_no, a.record.created_at).cmp(&(b.record.report_no, b.record.created_at))
    });
    list
}

pub async fn chain_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<SentParam>,
) -> Response {
    let c = match s.app.view_chain(&a.actor, &ChainId(id)).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let notice = if q.sent.is_empty() {
        None
    } else {
        match s.app.organisations().await {
            Ok(orgs) => sent_message(lang, &c, &q.sent, &orgs),
            Err(e) => return error_page(lang, Some(&a), &e),
        }
    };
    let hops = copies(&c);
    // Only organisations that took part in the case may extend it (the use case checks too).
    let involved = hops
        .iter()
        .any(|v| v.record.sender_org == a.actor.org.id || v.record.addressee_org == a.actor.org.id);
    let title = lang.t("事案", "Case");
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if c.exercise {
            (super::exercises::exercise_banner(lang, lang.t("この事案は演習で作成されました", "this case was created in an exercise")))
        }
        h1 { (lang.t("事案 ", "Case: ")) span #chain-number { (chain_number(lang, c.number, c.exercise)) } }
        table {
            tbody {
                tr { th { (lang.t("分野", "Sector")) } td { (sector_name(&s.app, lang, &c.sector)) } }
                tr { th { (lang.t("状態", "Status")) } td #chain-status { (status_badge(lang, &c.status)) } }
                tr {
                    th { (lang.t("情報連絡を行うケース", "Reporting case")) }
                    td #chain-case data-case=(c.reporting_case.code()) {
                        strong { (c.reporting_case.mark()) } " "
                        (lang.t(c.reporting_case.label_ja(), c.reporting_case.label_en()))
                        @if let Some(j) = &c.case_judged_by {
                            div.small { (lang.t("判断した関係主体", "Judged by")) (super::layout::colon(lang)) (j) }
                        }
                    }
                }
                tr { th { (lang.t("最新の報数", "Latest report")) } td { (report_no_text(lang, c.latest_report_no)) } }
                @if let Some(d) = &c.deadlines {
                    tr {
                        th { (lang.t("次の報告期限", "Next deadline")) }
                        td #chain-deadline {
                            @match &d.next {
                                Some(n) => (super::deadlines::due_text(lang, n)),
                                None => span.muted { (lang.t("未了の期限なし", "None open")) },
                            }
                            br; span.muted.small { (super::deadlines::policy_text(lang, &d.policy)) }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("報", "Reports")) }
        ul #reports {
            @for r in &c.reports {
                li {
                    strong { (report_no_text(lang, r.report_no)) } " — "
                    (lang.t("識別番号", "Ident. no.")) " " (ident_text(lang, r.ident.as_deref()))
                    @if let Some(t) = r.numbered_at { span.muted.small { (lang.t("（採番 ", " (numbered ")) (show_time(t)) (lang.t("）", ")")) } }
                }
            }
        }
        h2 { (lang.t("閲覧できる写し（連絡の流れ）", "Copies you may read (the route)")) }
        table.list #hops {
            thead { tr {
                th scope="col" { (lang.t("報数", "Report")) }
                th scope="col" { (lang.t("送信元 → 宛先", "From → To")) }
                th scope="col" { (lang.t("種別", "Kind")) }
                th scope="col" { "TLP" }
                th scope="col" { (lang.t("重要度", "Importance")) }
                th scope="col" { (lang.t("日時（JST）", "Date (JST)")) }
                th scope="col" { span.sr { (lang.t("開く", "Open")) } }
            } }
            tbody {
                @for v in &hops {
                    tr {
                        td.nowrap { (report_no_text(lang, v.record.report_no)) }
                        td { (org_name(lang, &v.sender_name, &v.sender_name_en)) " → " (org_name(lang, &v.addressee_name, &v.addressee_name_en))
                            @if v.record.anonymised { " " span.badge.flag { (lang.t("匿名化", "Anonymised")) } } }
                        td { (hop_label(lang, &v.record.hop_kind)) }
                        td { (tlp_badge(&v.record.tlp)) }
                        td { (importance_badge(lang, v.record.importance.as_deref())) }
                        td.nowrap { (show_time(v.record.created_at)) }
                        td { a.hop-link href={ "/copies/" (v.record.id.0) } { (lang.t("開く", "Open")) } }
                    }
                }
            }
        }
        div.actions {
            @if may_file(&a) && involved {
                a.button #follow-up-link href={ "/chains/" (c.id.0) "/follow-up" } {
                    (lang.t("続報を作成", "File follow-up"))
                }
            }
            a.button.secondary #stix-link href={ "/api/v1/chains/" (c.id.0) "/stix" } download {
                (lang.t("STIXで出力", "Export as STIX"))
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

async fn follow_up_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &ChainId,
    values: Option<Values>,
    errors: Vec<FieldErr>,
) -> Response {
    let c = match s.app.view_chain(&a.actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let hops = copies(&c);
    // The organisation's own latest words are the best start; else the latest it may read.
    let base = hops
        .iter()
        .rev()
        .find(|v| v.record.sender_org == a.actor.org.id)
        .or(hops.last())
        .copied();
    let inherited = s.app.inherited_route(&a.actor, id).await.ok();
    let values = values.unwrap_or_else(|| {
        let mut v = base.map(|b| to_values(&b.form)).unwrap_or_default();
        v.set("reported_at", local_value(Some(s.app.now())));
        profile_sender(&mut v, a);
        // The route choices start as the case's first report went.
        if let Some(r) = &inherited {
            for (name, on) in [("via_ceptoar", r.via_ceptoar), ("urgent", r.urgent)] {
                v.remove(name);
                if on {
                    v.set(name, "true");
                }
            }
        }
        v
    });
    let mut values = values;
    values.set("sector", c.sector.clone());
    let k = c.latest_report_no + 1;
    let orgs = match s.app.organisations().await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let editor = Editor {
        app: &s.app,
        lang,
        authed: a,
        mode: Mode::FollowUp {
            report_no: k,
            ident: c
                .number
                .map(|n| kakehashi_domain::liaison::chain_ident(n, k, c.exercise).to_string()),
        },
        action: format!("/chains/{}/follow-up", c.id.0),
        values: &values,
        errors: &errors,
        sectors: vec![],
        sector_fixed: true,
        recipients: recipient_options(lang, &orgs, &a.actor.org.id.0),
        route_preview: route_box(s, a, lang, &values, &Filing::follow_up(id)).await,
        inherited,
    };
    let title = lang.t("続報の作成", "File a follow-up");
    let body = html! {
        h1 { (title) " — " span { (chain_number(lang, c.number, c.exercise)) } " " (report_no_text(lang, k)) }
        p.muted {
            (lang.t("直近の報の内容を記入済みです。訂正・追記して送信してください。",
                "Prefilled from the latest report; correct or extend it, then send."))
            " " a href={ "/chains/" (c.id.0) } { (lang.t("事案に戻る", "Back to the case")) }
        }
        (editor.render())
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn follow_up_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    follow_up_page(&s, &a, lang, &ChainId(id), None, vec![]).await
}

pub async fn follow_up_submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let id = ChainId(id);
    if values.flag("back") {
        values.remove("back");
        values.remove("confirmed");
        return follow_up_page(&s, &a, lang, &id, Some(values), vec![]).await;
    }
    let confirmed = values.flag("confirmed");
    values.remove("confirmed");
    let parsed = parse(&values);
    if !parsed.errors.is_empty() {
        let mut errors = parsed.errors.clone();
        errors.extend(prevalidate(&parsed, s.app.reference, s.app.now()));
        return follow_up_page(&s, &a, lang, &id, Some(values), errors).await;
    }
    let req = FileRequest {
        form: parsed.form,
        statutory: parsed.route.statutory,
        // The case's own classification: a follow-up does not choose it.
        case: None,
        case_judged_by: None,
        case_required: false,
        via_ceptoar: parsed.route.via_ceptoar,
        urgent: parsed.route.urgent,
        added_recipients: parsed.route.added_recipients,
        exercise: false,
        exercise_id: None,
        to_cabinet_secretariat: parsed.route.to_cabinet_secretariat,
        consultation: None,
    };
    let filing = Filing::follow_up(&id);
    if needs_confirmation(&filing, &values) && !confirmed {
        return match s.app.check_follow_up(&a.actor, &id, req).await {
            Ok(plan) => {
                let k = match s.app.view_chain(&a.actor, &id).await {
                    Ok(c) => c.latest_report_no + 1,
                    Err(e) => return error_page(lang, Some(&a), &e),
                };
                confirm_page(
                    &s,
                    &a,
                    lang,
                    &format!("/chains/{}/follow-up", id.0),
                    &what(lang, &filing, k),
                    &values,
                    &plan,
                )
            }
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                follow_up_page(&s, &a, lang, &id, Some(values), from_app_errors(&e)).await
            }
            Err(e) => error_page(lang, Some(&a), &e),
        };
    }
    match Outcome::from(s.app.follow_up(&a.actor, &id, req).await) {
        Outcome::Sent(filed) => Redirect::to(&sent_location(&filed)).into_response(),
        Outcome::Invalid(errors) => follow_up_page(&s, &a, lang, &id, Some(values), errors).await,
        Outcome::Failed(e) => error_page(lang, Some(&a), &e),
    }
}
