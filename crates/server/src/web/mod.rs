//! The server-rendered web UI (maud, no JavaScript build chain): sign-in, inbox and search, the
//! liaison form laid out like the official sheet (図４), copies printable on A4, forwarding with
//! the CEPTOAR's anonymisation preview, chains and follow-ups, reference data, administration,
//! API tokens and the audit log. Every page reads and writes through the same use cases as the
//! HTTP API, so the sharing policy is enforced in one place.
//!
//! Pages are Japanese first; `?lang=en` / `?lang=ja` switches and remembers the choice in the
//! `kkh_lang` cookie and, for a signed-in person, in their record (restored at sign-in). Every POST checks the session's CSRF token from the form's `csrf` field.

mod account;
mod actors;
mod admin;
mod assets;
mod attachments;
mod audit;
mod chains;
mod consultations;
mod contacts;
mod copies;
mod cross_check;
mod deadlines;
mod diagram;
mod documents;
mod exercises;
mod filing;
mod form_editor;
mod form_parse;
mod form_view;
mod home;
mod interop;
mod large_scale;
pub(crate) mod layout;
mod lists;
mod provision;
mod provision_act;
mod provision_edit;
mod public;
mod reference;
mod risk;
mod route_view;
mod share;
mod signin;
pub(crate) mod situation;
mod sml_view;
pub(crate) mod standards;
pub(crate) mod statistics;
mod svg;
mod tokens;

pub(crate) use layout::{error_page, status_page};

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

/// Every UI route.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(signin::signin_page).post(signin::signin))
        .route("/signout", post(signin::signout))
        .route("/public", get(public::index))
        .route("/public/feed.atom", get(public::feed))
        .route("/public/copies/{id}", get(public::copy))
        .route(
            "/public/copies/{id}/attachments/{attachment}",
            get(public::copy_file),
        )
        .route("/public/provisions/{id}", get(public::provision))
        .route(
            "/public/provisions/{id}/attachments/{attachment}",
            get(public::provision_file),
        )
        .route("/static/app.css", get(assets::css))
        .route("/static/app.js", get(assets::js))
        .route("/inbox", get(lists::inbox))
        .route(
            "/large-scale",
            get(large_scale::view).post(large_scale::declare),
        )
        .route("/large-scale/end", post(large_scale::end))
        .route("/large-scale/episodes/{number}", get(large_scale::record))
        .route("/submissions", get(actors::list).post(actors::submit))
        .route("/submissions/{id}", get(actors::view))
        .route("/submissions/{id}/source", post(actors::record_source))
        .route(
            "/cooperation",
            get(actors::requests).post(actors::send_request),
        )
        .route("/cooperation/{id}", get(actors::request))
        .route("/cooperation/{id}/reply", post(actors::reply))
        .route("/cooperation/{id}/status", post(actors::set_status))
        .route("/reporting-policies", get(deadlines::policies))
        .route("/reporting-policies/{sector}", post(deadlines::set))
        .route(
            "/reporting-policies/{sector}/delete",
            post(deadlines::remove),
        )
        .route("/overdue", get(deadlines::overdue))
        .route(
            "/consultations",
            get(consultations::list).post(consultations::open),
        )
        .route("/consultations/new", get(consultations::new_form))
        .route("/consultations/{id}", get(consultations::view))
        .route("/consultations/{id}/reply", post(consultations::reply))
        .route("/consultations/{id}/close", post(consultations::close))
        .route("/cross-check", get(cross_check::overview))
        .route("/cross-check/link", post(cross_check::link))
        .route("/cross-check/dismiss", post(cross_check::dismiss))
        .route("/incidents/{id}", get(cross_check::incident))
        .route("/incidents/{id}/remove", post(cross_check::remove))
        .route("/risk", get(risk::register))
        .route("/risk/criteria", post(risk::criteria))
        .route("/risk/services", post(risk::add_service))
        .route("/risk/assets", post(risk::add_asset))
        .route(
            "/risk/entries/{id}",
            get(risk::entry).post(risk::update_entry),
        )
        .route("/risk/entries/{id}/delete", post(risk::delete_entry))
        .route("/risk/risks", post(risk::add_risk))
        .route("/risk/risks/{id}", get(risk::risk).post(risk::update_risk))
        .route("/risk/risks/{id}/delete", post(risk::delete_risk))
        .route("/risk/risks/{id}/reassessed", post(risk::reassessed))
        .route("/risk/treatments", post(risk::add_treatment))
        .route("/risk/treatments/{id}/status", post(risk::treatment_move))
        .route("/continuity", get(risk::plans))
        .route("/continuity/plans", post(risk::create_plan))
        .route(
            "/continuity/plans/{id}",
            get(risk::plan).post(risk::update_plan),
        )
        .route("/continuity/plans/{id}/checklist", post(risk::checklist))
        .route("/continuity/plans/{id}/status", post(risk::plan_status))
        .route("/contacts", get(contacts::overview))
        .route("/contacts/orgs/{id}", get(contacts::org_page))
        .route("/contacts/orgs/{id}/add", post(contacts::add))
        .route("/contacts/orgs/{id}/{contact}", post(contacts::update))
        .route(
            "/contacts/orgs/{id}/{contact}/delete",
            post(contacts::remove),
        )
        .route(
            "/contact-checks",
            get(contacts::overview).post(contacts::send_check),
        )
        .route("/contact-checks/{id}", get(contacts::check_page))
        .route("/exercises", get(exercises::list).post(exercises::create))
        .route("/exercises/{id}", get(exercises::show))
        .route("/exercises/{id}/report", get(exercises::report))
        .route("/exercises/{id}/injects", post(exercises::add_inject))
        .route("/exercises/{id}/injects/{seq}/fire", post(exercises::fire))
        .route("/exercises/{id}/lessons", post(exercises::add_lesson))
        .route(
            "/exercises/{id}/lessons/{seq}",
            post(exercises::update_lesson),
        )
        .route("/exercises/{id}/{action}", post(exercises::step))
        .route("/contact-checks/{id}/ack", post(contacts::ack))
        .route("/contact-checks/{id}/close", post(contacts::close))
        .route("/search", get(lists::search))
        .route("/situation", get(situation::situation_page))
        .route(
            "/situation/dependencies",
            get(situation::dependencies_page).post(situation::dependencies_save),
        )
        .route("/statistics", get(statistics::statistics_page))
        .route("/statistics.csv", get(statistics::statistics_csv))
        .route("/inbox/export.csv", get(lists::inbox_export))
        .route("/search/export.csv", get(lists::search_export))
        .route(
            "/liaison/new",
            get(filing::new_form).post(filing::new_submit),
        )
        .route("/liaison/new/import", post(filing::import_form))
        .route("/copies/{id}/form.json", get(documents::copy_json))
        .route("/copies/{id}/form.csv", get(documents::copy_csv))
        .route("/provisions/{id}/form.json", get(documents::provision_json))
        .route("/provisions/{id}/form.csv", get(documents::provision_csv))
        .route("/liaison/route-preview", post(route_view::route_preview))
        .route("/liaison/sml-preview", post(sml_view::sml_preview))
        .route("/copies/{id}", get(copies::copy_page))
        .route(
            "/copies/{id}/attachments",
            post(attachments::upload_to_copy).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/copies/{id}/attachments/{attachment}",
            get(attachments::copy_file),
        )
        .route(
            "/provisions/{id}/attachments",
            post(attachments::upload_to_provision)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/provisions/{id}/attachments/{attachment}",
            get(attachments::provision_file),
        )
        .route(
            "/copies/{id}/forward",
            get(copies::forward_form).post(copies::forward_submit),
        )
        .route("/copies/{id}/consents", post(copies::ask_consent_submit))
        .route(
            "/copies/{id}/share",
            get(share::share_form).post(share::share_submit),
        )
        .route("/chains/{id}", get(chains::chain_page))
        .route(
            "/chains/{id}/follow-up",
            get(chains::follow_up_form).post(chains::follow_up_submit),
        )
        .route("/provisions", get(provision::list))
        .route(
            "/provisions/new",
            get(provision_edit::new_form).post(provision_edit::new_submit),
        )
        .route(
            "/provisions/sources",
            get(interop::sources).post(interop::import),
        )
        .route("/provisions/{id}", get(provision::view))
        .route(
            "/provisions/{id}/edit",
            get(provision_edit::edit_form).post(provision_edit::edit_submit),
        )
        .route(
            "/provisions/{id}/resolutions",
            post(provision_act::resolutions),
        )
        .route(
            "/provisions/{id}/consents",
            post(provision_act::ask_consent),
        )
        .route("/provisions/{id}/send", post(provision_act::send))
        .route("/provisions/{id}/ack", post(provision_act::ack))
        .route("/provisions/{id}/relay", post(provision_act::relay))
        .route("/consents", get(provision_act::consents))
        .route("/consents/{id}/decision", post(provision_act::decide))
        .route("/standards", get(standards::catalogue))
        .route("/standards/catalogue/{id}", get(standards::catalogue_item))
        .route(
            "/standards/sectors",
            get(standards::sectors).post(standards::register_standard),
        )
        .route("/standards/sectors/{id}", post(standards::revise_standard))
        .route(
            "/standards/assessments",
            get(standards::assessments).post(standards::create_assessment),
        )
        .route("/standards/assessments/{id}", get(standards::assessment))
        .route(
            "/standards/assessments/{id}/items",
            post(standards::assess_item),
        )
        .route(
            "/standards/assessments/{id}/sharing",
            post(standards::share),
        )
        .route("/standards/tasks", post(standards::task_done))
        .route(
            "/standards/surveys",
            get(standards::surveys).post(standards::open_survey),
        )
        .route("/standards/surveys/{id}", get(standards::survey_results))
        .route(
            "/standards/surveys/{id}/responses",
            post(standards::respond),
        )
        .route(
            "/standards/surveys/{id}/close",
            post(standards::close_survey),
        )
        .route("/standards/clusters", get(standards::clusters))
        .route("/reference", get(reference::index))
        .route("/reference/{section}", get(reference::section))
        .route("/admin", get(admin::orgs))
        .route("/admin/orgs", post(admin::create_org))
        .route("/admin/orgs/{id}", get(admin::org_people))
        .route("/admin/orgs/{id}/people", post(admin::create_person))
        .route("/admin/people/{id}/active", post(admin::set_active))
        .route("/admin/people/{id}/roles", post(admin::set_roles))
        .route("/admin/people/{id}/password", post(admin::reset_password))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route(
            crate::auth::WEB_PASSWORD_PAGE,
            get(account::password_form).post(account::change_password),
        )
        .route("/account/notifications", get(account::settings))
        .route(
            "/account/mail-preference",
            post(account::set_mail_preference),
        )
        .route("/account/webhooks", post(account::create_webhook))
        .route(
            "/provisions/{id}/inquiries",
            get(account::inquiries).post(account::open_inquiry),
        )
        .route("/inquiries/{id}/reply", post(account::reply))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/admin/audit", get(audit::recent))
        .route("/admin/audit/verify", post(audit::verify))
        .layer(axum::middleware::from_fn_with_state(state, ui_headers))
}

/// The `lang` query value, when it names a language we have.
fn lang_param(req: &Request) -> Option<&'static str> {
    let q = req.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| match v.as_str() {
            "en" => Some("en"),
            "ja" => Some("ja"),
            _ => None,
        })
}

/// Remembers `?lang=` in the `kkh_lang` cookie (readable by scripts; it holds no secret) and,
/// for a signed-in person, as their own choice (sign-in restores it on any browser); keeps
/// pages — which may carry restricted information — out of every cache.
async fn ui_headers(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang_param(&req);
    if let (Some(l), Some(token)) = (
        lang,
        crate::auth::cookie_header(req.headers(), crate::auth::SESSION_COOKIE),
    ) {
        if let Ok((actor, _)) = s.app.session_actor(&token).await {
            if let Err(e) = s.app.set_locale(&actor, l).await {
                tracing::warn!("language choice not stored: {e}");
            }
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Some(l) = lang {
        let cookie = crate::auth::set_cookie("kkh_lang", l, 365 * 24 * 3600, false, false);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, v);
        }
    }
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
