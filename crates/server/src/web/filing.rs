//! 情報連絡の作成 — filing a first report (第1報) from the editable sheet.

use super::form_editor::{profile_sender, recipient_options, Editor, Mode};
use super::form_parse::{from_app_errors, parse, prevalidate, FieldErr, Outcome, Values};
use super::layout::{error_page, may_file, page, Nav};
use super::route_view::{confirm_page, needs_confirmation, route_box, sent_location, what, Filing};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{local_value, Lang};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::liaison::FileRequest;
use kakehashi_app::AppError;
use kakehashi_domain::OrgKind;
use maud::html;

fn not_allowed() -> AppError {
    AppError::forbidden(
        "情報連絡を作成できるのは、事業者・セプター・所管省庁の報告者または承認・送信者です。",
        "Only reporters or approvers of operators, CEPTOARs and CI ministries file liaisons.",
    )
}

/// The sectors an organisation may file for: its own (an operator's, a CEPTOAR's, a ministry's
/// overseen sectors); every sector if it has none recorded.
pub fn own_sectors(s: &AppState, a: &Authed) -> Vec<String> {
    let own: Vec<String> = a.actor.org.sectors.iter().map(|x| x.0.clone()).collect();
    if own.is_empty() {
        s.app
            .reference
            .sectors()
            .iter()
            .map(|x| x.id.clone())
            .collect()
    } else {
        own
    }
}

pub(super) async fn new_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    values: Values,
    errors: Vec<FieldErr>,
) -> Response {
    let orgs = match s.app.organisations().await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let editor = Editor {
        app: &s.app,
        lang,
        authed: a,
        mode: Mode::New,
        action: "/liaison/new".into(),
        values: &values,
        errors: &errors,
        sectors: own_sectors(s, a),
        sector_fixed: false,
        recipients: recipient_options(lang, &orgs, &a.actor.org.id.0),
        route_preview: route_box(s, a, lang, &values, &Filing::first()).await,
        inherited: None,
    };
    // Filed from a consultation (相談): say which; sending links and closes it.
    let consultation = match values.get("consultation") {
        "" => None,
        id => s
            .app
            .consultation(&a.actor, id)
            .await
            .ok()
            .map(|c| c.into_inner()),
    };
    // Filed in an exercise (演習): the page says so before anything else.
    let exercise = match values.get("exercise") {
        "" => None,
        id => s.app.exercise_name(&a.actor, id).await.ok(),
    };
    let title = lang.t("情報連絡の作成", "New liaison");
    let body = html! {
        @if let Some(name) = &exercise {
            (crate::web::exercises::exercise_banner(lang, name))
        }
        h1 { (title) (lang.t("（第1報）", " (1st report)")) }
        @if let Some(c) = &consultation {
            p.banner #from-consultation {
                (lang.t("相談 ", "Following consultation "))
                a href={ "/consultations/" (c.id) } { (c.ident) " " (c.subject) }
                (lang.t(" を踏まえた情報連絡です。送信すると、この相談は終了します。",
                    ". Sending links the report to it and closes the consultation."))
            }
        }
        (editor.render())
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, page(lang, title, Some(a), Nav::New, body)).into_response()
}

/// `?consultation=<id>`: the first report follows that consultation (相談).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    pub consultation: Option<String>,
    /// `?exercise=<id>`: the report is filed in that running exercise (演習).
    pub exercise: Option<String>,
}

pub async fn new_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Response {
    if !may_file(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let mut v = Values::default();
    if let Some(c) = q.consultation.filter(|c| !c.trim().is_empty()) {
        v.set("consultation", c.trim().to_owned());
    }
    if let Some(e) = q.exercise.filter(|e| !e.trim().is_empty()) {
        v.set("exercise", e.trim().to_owned());
    }
    v.set("reported_at", local_value(Some(s.app.now())));
    let sectors = own_sectors(&s, &a);
    if a.actor.org.kind == OrgKind::Operator || sectors.len() == 1 {
        if let Some(first) = sectors.first() {
            v.set("sector", first.clone());
        }
    }
    if a.actor.org.kind == OrgKind::Operator {
        v.set("operator_name", a.actor.org.name_ja.clone());
    }
    profile_sender(&mut v, &a);
    new_page(&s, &a, lang, v, vec![]).await
}

pub async fn new_submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    if !may_file(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    // "Back to edit" from the confirmation step: the editor again, everything kept.
    if values.flag("back") {
        values.remove("back");
        values.remove("confirmed");
        return new_page(&s, &a, lang, values, vec![]).await;
    }
    let confirmed = values.flag("confirmed");
    values.remove("confirmed");
    let parsed = parse(&values);
    if !parsed.errors.is_empty() {
        let mut errors = parsed.errors.clone();
        errors.extend(prevalidate(&parsed, s.app.reference, s.app.now()));
        return new_page(&s, &a, lang, values, errors).await;
    }
    let req = FileRequest {
        form: parsed.form,
        statutory: parsed.route.statutory,
        case: parsed.route.case,
        case_judged_by: Some(parsed.route.case_judged_by).filter(|j| !j.is_empty()),
        case_required: true,
        via_ceptoar: parsed.route.via_ceptoar,
        urgent: parsed.route.urgent,
        added_recipients: parsed.route.added_recipients,
        exercise: false,
        exercise_id: Some(values.get("exercise").trim().to_owned()).filter(|e| !e.is_empty()),
        to_cabinet_secretariat: parsed.route.to_cabinet_secretariat,
        consultation: Some(values.get("consultation").to_owned()),
    };
    let filing = Filing::first();
    if needs_confirmation(&filing, &values) && !confirmed {
        return match s.app.check_liaison(&a.actor, req).await {
            Ok(plan) => confirm_page(
                &s,
                &a,
                lang,
                "/liaison/new",
                &what(lang, &filing, 1),
                &values,
                &plan,
            ),
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                new_page(&s, &a, lang, values, from_app_errors(&e)).await
            }
            Err(e) => error_page(lang, Some(&a), &e),
        };
    }
    match Outcome::from(s.app.file_liaison(&a.actor, req).await) {
        Outcome::Sent(filed) => Redirect::to(&sent_location(&filed)).into_response(),
        Outcome::Invalid(errors) => new_page(&s, &a, lang, values, errors).await,
        Outcome::Failed(e) => error_page(lang, Some(&a), &e),
    }
}
