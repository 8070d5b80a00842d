//! The JSON API under `/api/v1`. Every handler is described in the OpenAPI document generated
//! from these annotations and completed by [`doc::document`] (`/api/openapi.json`).

mod actors;
mod admin;
mod attachments;
mod consultations;
mod contacts;
mod cross_check;
mod deadlines;
pub mod doc;
mod documents;
mod exercises;
mod hooks;
mod interop;
pub mod large_scale;
mod liaison;
mod listing;
mod live;
mod provision;
mod reference;
mod risk;
mod session;
mod situation;
pub(crate) mod standards;
mod statistics;
mod stix;

use crate::AppState;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kakehashi API", version = "1", description = "Information sharing for Japan's critical-infrastructure cybersecurity framework. Authenticate with a personal API token (`Authorization: Bearer kkh_…`) or a session cookie plus the `X-CSRF-Token` header. Errors are RFC 9457 problem+json naming the field and rule."),
    paths(
        session::sign_in, session::sign_out, session::me, session::mail_preference, session::change_password,
        reference::sectors, reference::taxonomy, reference::tlp, reference::importance, reference::glossary,
        liaison::file, liaison::route_preview, listing::inbox, listing::search, listing::inbox_export, listing::search_export, liaison::chain, liaison::follow_up,
        liaison::copy, liaison::forward, liaison::anonymise_preview, liaison::share, liaison::share_sideways, liaison::share_targets,
        liaison::ask_forward_consent, liaison::forward_consents,
        documents::copy_json, documents::copy_csv, documents::provision_json, documents::provision_csv,
        admin::orgs, admin::create_org, admin::update_org, admin::update_person, admin::people, admin::create_person, admin::set_active,
        admin::set_roles, admin::reset_password,
        admin::tokens, admin::create_token, admin::revoke_token, admin::audit, admin::audit_verify,
        provision::create_source_item, provision::source_items, provision::create, provision::update,
        interop::import_stix, interop::import_misp, interop::provision_event,
        provision::list, provision::get, provision::check, provision::send, provision::relay,
        provision::ack, provision::receipts, provision::ask_consent, provision::my_consents,
        provision::decide, provision::open_inquiry, provision::inquiries, provision::reply,
        large_scale::state, large_scale::declare, large_scale::end,
        large_scale::episodes, large_scale::episode,
        actors::submit, actors::submissions, actors::submission, actors::record_source,
        actors::send_request, actors::requests, actors::request, actors::reply, actors::set_status,
        consultations::open, consultations::list, consultations::addressees, consultations::get,
        consultations::message, consultations::close,
        contacts::list, contacts::create, contacts::update, contacts::remove, contacts::gaps,
        contacts::checks, contacts::send, contacts::check, contacts::ack, contacts::close,
        deadlines::list, deadlines::put, deadlines::remove, deadlines::overdue,
        cross_check::candidates, cross_check::dismiss, cross_check::create, cross_check::list,
        cross_check::get, cross_check::add_chains, cross_check::remove_chain,
        live::notifications, live::events, hooks::create, hooks::list, hooks::dead_letters,
        statistics::read, statistics::csv, statistics::set_k,
        situation::read, situation::dependencies, situation::set_dependencies,
        stix::chain, stix::provision,
        attachments::upload_to_copy, attachments::upload_to_provision, attachments::list_of_copy,
        attachments::list_of_provision, attachments::download_of_copy, attachments::download_of_provision,
        exercises::list, exercises::create, exercises::get, exercises::add_inject, exercises::fire,
        exercises::start, exercises::end, exercises::clean_up, exercises::report,
        exercises::add_lesson, exercises::update_lesson,
        standards::catalogue, standards::catalogue_item, standards::causes, standards::clusters, standards::list, standards::create,
        standards::get, standards::update, standards::assessments, standards::create_assessment,
        standards::assessment, standards::assess_item, standards::share, standards::task_done,
        standards::surveys, standards::open_survey, standards::respond, standards::close_survey,
        standards::results, standards::results_csv,
        risk::register, risk::criteria, risk::add_service, risk::put_service, risk::add_asset, risk::put_asset,
        risk::add_risk, risk::put_risk, risk::reassessed, risk::add_treatment, risk::put_treatment, risk::remove,
        risk::checklist, risk::plans, risk::create_plan, risk::plan, risk::put_plan, risk::set_checklist, risk::set_status,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem)),
    tags((name = "liaison", description = "情報連絡 — information liaison"), (name = "provision", description = "情報提供 — information provision"), (name = "actors", description = "関係主体 — what the other actors send NISC, and NISC's requests for cooperation (連携要請)"), (name = "statistics", description = "統計 — counts and response times for the yearly verification, never singling out an operator"), (name = "consultations", description = "相談 — an operator consulting its ministry, CEPTOAR or NISC before filing"), (name = "situation", description = "状況把握 — the live cross-sector situation picture and the sector dependency graph"), (name = "cross_check", description = "突合 — NISC's candidate links between reports across sectors, and incidents (インシデント) linking chains"), (name = "attachments", description = "別紙・検体 — files attached to a liaison hop or a provision, read through the same policy as their owner"), (name = "exercises", description = "演習・セプター訓練 — exercises on the real channels and CEPTOAR training: scenario injects, response times, after-action report, lessons, cleanup"), (name = "standards", description = "安全基準等 — the Guideline's catalogue, sectors' safety standards, operators' self-assessments and the yearly survey (浸透状況調査)"), (name = "risk", description = "リスク管理・事業継続計画 — an operator's own risk register and continuity plans (CP/BCP/IT-BCP) with the annex checklist"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(|| async { Json(doc::document()) }))
        .route(
            "/api/v1/session",
            post(session::sign_in).delete(session::sign_out),
        )
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/risk/register", get(risk::register))
        .route("/api/v1/risk/criteria", axum::routing::put(risk::criteria))
        .route("/api/v1/risk/services", post(risk::add_service))
        .route(
            "/api/v1/risk/services/{id}",
            axum::routing::put(risk::put_service),
        )
        .route("/api/v1/risk/assets", post(risk::add_asset))
        .route(
            "/api/v1/risk/assets/{id}",
            axum::routing::put(risk::put_asset),
        )
        .route("/api/v1/risk/risks", post(risk::add_risk))
        .route(
            "/api/v1/risk/risks/{id}",
            axum::routing::put(risk::put_risk),
        )
        .route("/api/v1/risk/risks/{id}/reassessed", post(risk::reassessed))
        .route("/api/v1/risk/treatments", post(risk::add_treatment))
        .route(
            "/api/v1/risk/treatments/{id}",
            axum::routing::put(risk::put_treatment),
        )
        .route("/api/v1/risk/entries/{id}", delete(risk::remove))
        .route("/api/v1/continuity/checklist", get(risk::checklist))
        .route(
            "/api/v1/continuity/plans",
            get(risk::plans).post(risk::create_plan),
        )
        .route(
            "/api/v1/continuity/plans/{id}",
            get(risk::plan).put(risk::put_plan),
        )
        .route(
            "/api/v1/continuity/plans/{id}/checklist",
            axum::routing::put(risk::set_checklist),
        )
        .route(
            "/api/v1/continuity/plans/{id}/status",
            post(risk::set_status),
        )
        .route(
            "/api/v1/me/mail-preference",
            axum::routing::put(session::mail_preference),
        )
        .route(
            "/api/v1/me/password",
            axum::routing::put(session::change_password),
        )
        .route("/api/v1/reference/sectors", get(reference::sectors))
        .route("/api/v1/reference/taxonomy", get(reference::taxonomy))
        .route("/api/v1/reference/tlp", get(reference::tlp))
        .route("/api/v1/reference/importance", get(reference::importance))
        .route("/api/v1/reference/glossary", get(reference::glossary))
        .route("/api/v1/liaisons", post(liaison::file).get(listing::search))
        .route("/api/v1/liaisons/inbox", get(listing::inbox))
        .route("/api/v1/liaisons/overdue", get(deadlines::overdue))
        .route("/api/v1/reporting-policies", get(deadlines::list))
        .route(
            "/api/v1/reporting-policies/{sector}",
            axum::routing::put(deadlines::put).delete(deadlines::remove),
        )
        .route("/api/v1/liaisons/inbox/export", get(listing::inbox_export))
        .route("/api/v1/liaisons/export", get(listing::search_export))
        .route(
            "/api/v1/liaisons/route-preview",
            post(liaison::route_preview),
        )
        .route("/api/v1/chains/{id}", get(liaison::chain))
        .route("/api/v1/chains/{id}/stix", get(stix::chain))
        .route("/api/v1/provisions/{id}/stix", get(stix::provision))
        .route("/api/v1/chains/{id}/follow-ups", post(liaison::follow_up))
        .route("/api/v1/copies/{id}", get(liaison::copy))
        .route("/api/v1/copies/{id}/form.json", get(documents::copy_json))
        .route("/api/v1/copies/{id}/form.csv", get(documents::copy_csv))
        .route(
            "/api/v1/provisions/{id}/form.json",
            get(documents::provision_json),
        )
        .route(
            "/api/v1/provisions/{id}/form.csv",
            get(documents::provision_csv),
        )
        .route(
            "/api/v1/copies/{id}/attachments",
            get(attachments::list_of_copy).post(attachments::upload_to_copy),
        )
        .route(
            "/api/v1/copies/{id}/attachments/{attachment}",
            get(attachments::download_of_copy),
        )
        .route(
            "/api/v1/provisions/{id}/attachments",
            get(attachments::list_of_provision).post(attachments::upload_to_provision),
        )
        .route(
            "/api/v1/provisions/{id}/attachments/{attachment}",
            get(attachments::download_of_provision),
        )
        .route("/api/v1/copies/{id}/forward", post(liaison::forward))
        .route("/api/v1/copies/{id}/share", post(liaison::share))
        .route("/api/v1/copies/{id}/shares", post(liaison::share_sideways))
        .route(
            "/api/v1/copies/{id}/share-targets",
            get(liaison::share_targets),
        )
        .route(
            "/api/v1/large-scale",
            get(large_scale::state).post(large_scale::declare),
        )
        .route("/api/v1/large-scale/end", post(large_scale::end))
        .route("/api/v1/large-scale/episodes", get(large_scale::episodes))
        .route(
            "/api/v1/large-scale/episodes/{number}",
            get(large_scale::episode),
        )
        .route(
            "/api/v1/submissions",
            get(actors::submissions).post(actors::submit),
        )
        .route("/api/v1/submissions/{id}", get(actors::submission))
        .route(
            "/api/v1/submissions/{id}/source",
            post(actors::record_source),
        )
        .route(
            "/api/v1/cooperation-requests",
            get(actors::requests).post(actors::send_request),
        )
        .route("/api/v1/cooperation-requests/{id}", get(actors::request))
        .route(
            "/api/v1/cooperation-requests/{id}/messages",
            post(actors::reply),
        )
        .route(
            "/api/v1/cooperation-requests/{id}/status",
            axum::routing::put(actors::set_status),
        )
        .route(
            "/api/v1/consultations",
            get(consultations::list).post(consultations::open),
        )
        .route(
            "/api/v1/consultations/addressees",
            get(consultations::addressees),
        )
        .route("/api/v1/consultations/{id}", get(consultations::get))
        .route(
            "/api/v1/consultations/{id}/messages",
            post(consultations::message),
        )
        .route(
            "/api/v1/consultations/{id}/close",
            post(consultations::close),
        )
        .route(
            "/api/v1/copies/{id}/consents",
            post(liaison::ask_forward_consent).get(liaison::forward_consents),
        )
        .route(
            "/api/v1/copies/{id}/anonymise-preview",
            get(liaison::anonymise_preview),
        )
        .route(
            "/api/v1/cross-check/candidates",
            get(cross_check::candidates),
        )
        .route("/api/v1/cross-check/dismissals", post(cross_check::dismiss))
        .route(
            "/api/v1/incidents",
            get(cross_check::list).post(cross_check::create),
        )
        .route("/api/v1/incidents/{id}", get(cross_check::get))
        .route(
            "/api/v1/incidents/{id}/chains",
            post(cross_check::add_chains),
        )
        .route(
            "/api/v1/incidents/{id}/chains/{chain}",
            delete(cross_check::remove_chain),
        )
        .route("/api/v1/orgs", get(admin::orgs).post(admin::create_org))
        .route("/api/v1/orgs/{id}", axum::routing::patch(admin::update_org))
        .route(
            "/api/v1/orgs/{id}/contacts",
            get(contacts::list).post(contacts::create),
        )
        .route(
            "/api/v1/orgs/{id}/contacts/{contact}",
            axum::routing::put(contacts::update).delete(contacts::remove),
        )
        .route("/api/v1/contacts/gaps", get(contacts::gaps))
        .route(
            "/api/v1/contact-checks",
            get(contacts::checks).post(contacts::send),
        )
        .route("/api/v1/contact-checks/{id}", get(contacts::check))
        .route(
            "/api/v1/exercises",
            get(exercises::list).post(exercises::create),
        )
        .route("/api/v1/exercises/{id}", get(exercises::get))
        .route(
            "/api/v1/exercises/{id}/injects",
            post(exercises::add_inject),
        )
        .route(
            "/api/v1/exercises/{id}/injects/{seq}/fire",
            post(exercises::fire),
        )
        .route("/api/v1/exercises/{id}/start", post(exercises::start))
        .route("/api/v1/exercises/{id}/end", post(exercises::end))
        .route("/api/v1/exercises/{id}/clean-up", post(exercises::clean_up))
        .route("/api/v1/exercises/{id}/report", get(exercises::report))
        .route(
            "/api/v1/exercises/{id}/lessons",
            post(exercises::add_lesson),
        )
        .route(
            "/api/v1/exercises/{id}/lessons/{seq}",
            axum::routing::put(exercises::update_lesson),
        )
        .route("/api/v1/contact-checks/{id}/ack", post(contacts::ack))
        .route("/api/v1/contact-checks/{id}/close", post(contacts::close))
        .route(
            "/api/v1/people/{id}",
            axum::routing::patch(admin::update_person),
        )
        .route(
            "/api/v1/orgs/{id}/people",
            get(admin::people).post(admin::create_person),
        )
        .route("/api/v1/people/{id}/active", post(admin::set_active))
        .route(
            "/api/v1/people/{id}/roles",
            axum::routing::put(admin::set_roles),
        )
        .route(
            "/api/v1/people/{id}/password",
            axum::routing::put(admin::reset_password),
        )
        .route(
            "/api/v1/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(admin::revoke_token))
        .route("/api/v1/audit", get(admin::audit))
        .route("/api/v1/audit/verify", get(admin::audit_verify))
        .route(
            "/api/v1/source-items",
            get(provision::source_items).post(provision::create_source_item),
        )
        .route("/api/v1/source-items/stix", post(interop::import_stix))
        .route("/api/v1/source-items/misp", post(interop::import_misp))
        .route(
            "/api/v1/provisions/{id}/misp",
            get(interop::provision_event),
        )
        .route("/misp/feed/manifest.json", get(interop::feed_manifest))
        .route("/misp/feed/hashes.csv", get(interop::feed_hashes))
        .route("/misp/feed/{file}", get(interop::feed_event))
        .route(
            "/api/v1/provisions",
            get(provision::list).post(provision::create),
        )
        .route(
            "/api/v1/provisions/{id}",
            get(provision::get).put(provision::update),
        )
        .route("/api/v1/provisions/{id}/check", get(provision::check))
        .route("/api/v1/provisions/{id}/send", post(provision::send))
        .route("/api/v1/provisions/{id}/relay", post(provision::relay))
        .route("/api/v1/provisions/{id}/ack", post(provision::ack))
        .route("/api/v1/provisions/{id}/receipts", get(provision::receipts))
        .route(
            "/api/v1/provisions/{id}/consents",
            post(provision::ask_consent),
        )
        .route("/api/v1/consents", get(provision::my_consents))
        .route("/api/v1/notifications", get(live::notifications))
        .route("/api/v1/events", get(live::events))
        .route("/api/v1/webhooks", get(hooks::list).post(hooks::create))
        .route("/api/v1/webhooks/dead-letters", get(hooks::dead_letters))
        .route(
            "/api/v1/provisions/{id}/inquiries",
            get(provision::inquiries).post(provision::open_inquiry),
        )
        .route("/api/v1/inquiries/{id}/messages", post(provision::reply))
        .route("/api/v1/consents/{id}/decision", post(provision::decide))
        .route("/api/v1/situation", get(situation::read))
        .route(
            "/api/v1/situation/dependencies",
            get(situation::dependencies).put(situation::set_dependencies),
        )
        .route(
            "/api/v1/standards",
            get(standards::list).post(standards::create),
        )
        .route("/api/v1/standards/catalogue", get(standards::catalogue))
        .route(
            "/api/v1/standards/catalogue/{id}",
            get(standards::catalogue_item),
        )
        .route("/api/v1/standards/causes", get(standards::causes))
        .route("/api/v1/standards/clusters", get(standards::clusters))
        .route(
            "/api/v1/standards/{id}",
            get(standards::get).put(standards::update),
        )
        .route(
            "/api/v1/assessments",
            get(standards::assessments).post(standards::create_assessment),
        )
        .route("/api/v1/assessments/tasks", post(standards::task_done))
        .route("/api/v1/assessments/{id}", get(standards::assessment))
        .route(
            "/api/v1/assessments/{id}/items",
            axum::routing::put(standards::assess_item),
        )
        .route(
            "/api/v1/assessments/{id}/sharing",
            axum::routing::put(standards::share),
        )
        .route(
            "/api/v1/surveys",
            get(standards::surveys).post(standards::open_survey),
        )
        .route("/api/v1/surveys/{id}/responses", post(standards::respond))
        .route("/api/v1/surveys/{id}/close", post(standards::close_survey))
        .route("/api/v1/surveys/{id}/results", get(standards::results))
        .route(
            "/api/v1/surveys/{id}/results.csv",
            get(standards::results_csv),
        )
        .route("/api/v1/statistics", get(statistics::read))
        .route("/api/v1/statistics.csv", get(statistics::csv))
        .route(
            "/api/v1/statistics/settings",
            axum::routing::put(statistics::set_k),
        )
}
