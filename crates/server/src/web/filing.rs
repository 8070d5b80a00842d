//! 情報連絡の作成 — filing a first report (第1報) from the editable sheet.

use super::form_editor::{profile_sender, recipient_options, Editor, Mode};
use super::form_parse::{
    from_app_errors, parse, prevalidate, to_values, FieldErr, Outcome, Values,
};
use super::layout::{error_page, may_file, page, Nav};
use super::route_view::{confirm_page, needs_confirmation, route_box, sent_location, what, Filing};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{local_value, Lang};
use crate::AppState;
use axum::extract::{Form, Multipart, State};
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
        (import_box(a, lang, errors.iter().any(|e| e.field == "form_json")))
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

/// 様式ファイルから作成: a filled form saved as JSON (a copy's JSON download, or the body of
/// `POST /api/v1/liaisons`) opens the editor filled in, as a draft that is sent only when its
/// author sends it.
fn import_box(a: &Authed, lang: Lang, open: bool) -> maud::Markup {
    html! {
        details.noprint #import-form open[open] {
            summary { (lang.t("様式ファイル（JSON）から作成", "Start from a form file (JSON)")) }
            form method="post" action="/liaison/new/import" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(a.csrf());
                p.muted.small {
                    (lang.t("記入済みの情報連絡様式（JSON）を読み込み、下の様式に反映します。内容を確認してから送信してください。読み込んだだけでは送信されません。",
                        "Reads a filled liaison form (JSON) into the form below. Check it before sending; nothing is sent by reading it in."))
                }
                label for="f-form_json" { (lang.t("様式ファイル", "Form file")) }
                " "
                input #f-form_json type="file" name="form_json" accept="application/json,.json" required;
                " "
                button.secondary type="submit" #import-submit { (lang.t("読み込む", "Read in")) }
            }
        }
    }
}

/// Reads an uploaded form file into a new filing's editor (nothing is stored). A file that does
/// not fit is refused on the same page, naming the JSON path and the rule.
pub async fn import_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    mut multipart: Multipart,
) -> Response {
    let (mut csrf, mut file) = (String::new(), None::<Vec<u8>>);
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(bytes) = field.bytes().await else {
            break;
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "form_json" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    if let Err(e) = a.check_csrf(&csrf) {
        return error_page(lang, Some(&a), &e);
    }
    if !may_file(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let read = match file {
        Some(bytes) if !bytes.is_empty() => kakehashi_app::documents::read_liaison_form(&bytes),
        _ => Err(AppError::BadField {
            field: "form_json",
            rule: "required",
            message_ja: "様式ファイルを選んでください。".into(),
            message_en: "Choose a form file.".into(),
        }),
    };
    match read {
        Ok(mut form) => {
            // A new filing is a first report; NISC numbers it on receipt.
            form.report_no = 1;
            form.ident_number = None;
            let mut v = to_values(&form);
            if v.get("reported_at").is_empty() {
                v.set("reported_at", local_value(Some(s.app.now())));
            }
            profile_sender(&mut v, &a);
            let sender = &form.sender;
            for (k, given) in [
                ("sender.department", &sender.department),
                ("sender.person", &sender.person),
                ("sender.phone", &sender.phone),
                ("sender.fax", &sender.fax),
                ("sender.email", &sender.email),
            ] {
                if !given.trim().is_empty() {
                    v.set(k, given.clone());
                }
            }
            new_page(&s, &a, lang, v, vec![]).await
        }
        Err(e) => {
            let mut v = Values::default();
            v.set("reported_at", local_value(Some(s.app.now())));
            profile_sender(&mut v, &a);
            new_page(&s, &a, lang, v, from_app_errors(&e)).await
        }
    }
}
