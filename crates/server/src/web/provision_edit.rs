//! 情報提供の作成・編集 — NISC approvers fill in 図７ from its sources; saving keeps a draft and
//! goes to the provision page, where the checks and the send button are.

use super::form_parse::Values;
use super::layout::{error_page, org_name, page, report_no_text, Nav};
use super::provision::{err_box, is_nisc_approver};
use crate::auth::{Authed, WebAuth};
use crate::error::status_of;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::liaison::ListFilter;
use kakehashi_app::orgs::NISC_ORG;
use kakehashi_app::provision::{DraftRequest, SourceRef};
use kakehashi_app::AppError;
use kakehashi_domain::provision::defang::{canonical_indicator, indicators_from_text};
use kakehashi_domain::provision::{Indicator, IndicatorKind, ProvisionForm, Recipient};
use kakehashi_domain::{Importance, OrgId, OrgKind, Tlp};
use maud::{html, Markup};

fn not_allowed() -> AppError {
    AppError::forbidden(
        "情報提供の作成・送信はNISC（承認・送信者）のみ可能です。",
        "Only NISC approvers draft and send provisions.",
    )
}

/// Indicators as editable lines: `kind value note`.
fn indicator_lines(list: &[Indicator]) -> String {
    list.iter()
        .map(|i| {
            let mut l = format!("{} {}", i.kind.code(), i.value);
            if !i.note.is_empty() {
                l.push(' ');
                l.push_str(&i.note);
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line `kind value [note…]`, or any pasted text (indicators are extracted from it).
fn parse_indicators(text: &str) -> Vec<Indicator> {
    let mut out: Vec<Indicator> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(3, char::is_whitespace);
        let first = parts.next().unwrap_or_default();
        let kind = IndicatorKind::from_code(first);
        let value = parts.next().map(str::trim).unwrap_or_default();
        let found = match kind {
            Some(kind) if !value.is_empty() => vec![Indicator {
                kind,
                value: canonical_indicator(kind, value),
                note: parts.next().unwrap_or_default().trim().to_owned(),
                ..Default::default()
            }],
            _ => indicators_from_text(line),
        };
        for i in found {
            if !out.iter().any(|o| o.kind == i.kind && o.value == i.value) {
                out.push(i);
            }
        }
    }
    out
}

fn source_key(s: &SourceRef) -> String {
    format!("{}:{}", s.kind, s.id)
}

/// The draft a submitted editor describes.
fn parse(v: &Values) -> DraftRequest {
    let mut form = ProvisionForm {
        importance: Importance::from_code(v.get("importance")),
        tlp: Tlp::from_code(v.get("tlp")),
        tlp_notes: v.get("tlp_notes").trim().to_owned(),
        has_attachments: match v.get("has_attachments") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        summary: v.get("summary").trim().to_owned(),
        targets: v.get("targets").trim().to_owned(),
        countermeasures: v.get("countermeasures").trim().to_owned(),
        indicators: parse_indicators(v.get("indicators")),
        other: v.get("other").trim().to_owned(),
        ..Default::default()
    };
    form.recipients = v
        .all("recipient")
        .filter_map(|r| r.split_once('|'))
        .map(|(m, s)| Recipient::new(m, s))
        .collect();
    form.contact.person = v.get("contact_person").trim().to_owned();
    form.contact.phone = v.get("contact_phone").trim().to_owned();
    form.contact.fax = v.get("contact_fax").trim().to_owned();
    form.contact.email = v.get("contact_email").trim().to_owned();
    let sources = v
        .all("source")
        .filter_map(|s| s.split_once(':'))
        .map(|(k, id)| SourceRef {
            kind: k.to_owned(),
            id: id.to_owned(),
        })
        .collect();
    // An organisation of several sectors is offered under each; chosen once.
    let mut direct_recipients: Vec<OrgId> = Vec::new();
    for id in v
        .all("direct_recipient")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !direct_recipients.iter().any(|d| d.0 == id) {
            direct_recipients.push(OrgId::from(id));
        }
    }
    DraftRequest {
        form,
        sources,
        resolutions: vec![],
        urgent: v.flag("urgent"),
        direct_recipients,
        follow_up_of: None,
    }
}

struct EditorData {
    /// (value `ministry|sector`, label).
    recipients: Vec<(String, String)>,
    /// (value `chain:<id>` / `item:<id>`, label).
    sources: Vec<(String, String)>,
    /// The CEPTOARs and operators an urgent provision may go to directly, by sector:
    /// (sector label, [(organisation id, name)]).
    direct: Vec<(String, Vec<(String, String)>)>,
}

async fn editor_data(s: &AppState, a: &Authed, lang: Lang) -> Result<EditorData, AppError> {
    let orgs = s.app.organisations().await?;
    let mut recipients = Vec::new();
    for o in orgs.iter().filter(|o| o.kind == OrgKind::CiMinistry.code()) {
        for sec in &o.sectors {
            recipients.push((
                format!("{}|{}", o.id.0, sec),
                format!(
                    "{}{}{}{}",
                    org_name(lang, &o.name_ja, &o.name_en),
                    lang.t("（", " ("),
                    super::layout::sector_name(&s.app, lang, sec),
                    lang.t("）", ")")
                ),
            ));
        }
    }
    let mut direct: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for sec in s.app.reference.sectors() {
        let members: Vec<(String, String)> = orgs
            .iter()
            .filter(|o| {
                (o.kind == OrgKind::Ceptoar.code() || o.kind == OrgKind::Operator.code())
                    && o.sectors.contains(&sec.id)
            })
            .map(|o| {
                let kind = if o.kind == OrgKind::Ceptoar.code() {
                    lang.t("セプター", "CEPTOAR")
                } else {
                    lang.t("事業者", "operator")
                };
                (
                    o.id.0.clone(),
                    format!(
                        "{}{}{kind}{}",
                        org_name(lang, &o.name_ja, &o.name_en),
                        lang.t("（", " ("),
                        lang.t("）", ")")
                    ),
                )
            })
            .collect();
        if !members.is_empty() {
            direct.push((
                org_name(lang, &sec.name_ja, &sec.name_en).to_owned(),
                members,
            ));
        }
    }
    let mut sources: Vec<(String, String)> = Vec::new();
    let rows = s
        .app
        .search(
            &a.actor,
            ListFilter {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await?;
    for r in rows
        .iter()
        .filter(|r| r.summary.addressee_org.0 == NISC_ORG)
    {
        let key = format!("chain:{}", r.summary.chain.0);
        if sources.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let number = r
            .summary
            .ident
            .as_deref()
            .and_then(|i| i.split('-').next())
            .map(str::to_owned)
            .unwrap_or_else(|| lang.t("未採番", "Not yet numbered").to_owned());
        let label = format!(
            "{} — {} ({})",
            number,
            r.sender_name,
            super::layout::sector_name(&s.app, lang, &r.summary.sector)
        );
        sources.push((key, label));
    }
    for i in s.app.source_items(&a.actor).await? {
        sources.push((
            format!("item:{}", i.id),
            format!("{} — {} (TLP:{})", i.title, i.origin, i.tlp),
        ));
    }
    Ok(EditorData {
        recipients,
        sources,
        direct,
    })
}

fn text_area(name: &str, label: &str, rows: u32, value: &str) -> Markup {
    let id = format!("f-{}", name.replace('_', "-"));
    html! {
        label for=(id) { (label) }
        textarea id=(id) name=(name) rows=(rows) { (value) }
    }
}

fn text_input(name: &str, label: &str, value: &str) -> Markup {
    let id = format!("f-{}", name.replace('_', "-"));
    html! {
        div.field {
            label for=(id) { (label) }
            input type="text" id=(id) name=(name) value=(value);
        }
    }
}

fn editor(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    action: &str,
    req: &DraftRequest,
    data: &EditorData,
) -> Markup {
    let f = &req.form;
    let imp_levels = s.app.reference.importance_levels();
    let tlp_levels = s.app.reference.tlp_levels();
    let chosen_sources: Vec<String> = req.sources.iter().map(source_key).collect();
    html! {
        form #provision-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(a.csrf());
            table.sheet-form {
                tbody {
                    tr #f-importance-row {
                        th { (lang.t("重要度", "Importance")) }
                        td {
                            div.opts.col role="radiogroup" {
                                label { input type="radio" name="importance" value="" checked[f.importance.is_none()]; " " (lang.t("未選択", "Not set")) }
                                @for i in Importance::ALL {
                                    @let def = imp_levels.iter().find(|l| l.code == i.code())
                                        .map(|l| lang.t(&l.provision.definition_ja, &l.provision.definition_en));
                                    span.opt {
                                        label { input type="radio" name="importance" value=(i.code()) checked[f.importance == Some(i)]; " " (lang.t(i.label_ja(), i.label_en())) }
                                        @if let Some(d) = def { span.opt-def { (d) } }
                                    }
                                }
                            }
                        }
                    }
                    tr #f-tlp-row {
                        th { span.req { (lang.t("情報共有範囲", "Sharing scope (TLP)")) } }
                        td {
                            div.opts.col role="radiogroup" {
                                @for t in Tlp::ALL {
                                    @let def = tlp_levels.iter().find(|l| l.code == t.code())
                                        .map(|l| lang.t(&l.provision.body.ja, &l.provision.body.en));
                                    span.opt {
                                        label { input type="radio" name="tlp" value=(t.code()) checked[f.tlp == Some(t)]; " TLP:" (t.code()) " = " (lang.t(t.label_ja(), t.label_en())) }
                                        @if let Some(d) = def { span.opt-def { (d) } }
                                    }
                                }
                            }
                            (text_area("tlp_notes", lang.t("特記事項", "Special notes"), 2, &f.tlp_notes))
                        }
                    }
                    tr {
                        th { span.req { (lang.t("別紙有無", "Attachments")) } }
                        td {
                            label { input type="radio" name="has_attachments" value="true" checked[f.has_attachments == Some(true)]; " " (lang.t("有", "Yes")) }
                            " "
                            label { input type="radio" name="has_attachments" value="false" checked[f.has_attachments == Some(false)]; " " (lang.t("無", "No")) }
                        }
                    }
                    tr #f-recipients {
                        th { span.req { (lang.t("情報提供先（所管省庁・分野）", "Recipients (ministry × sector)")) } }
                        td {
                            @if data.recipients.is_empty() {
                                p.muted { (lang.t("登録された所管省庁がありません。", "No CI ministries are registered.")) }
                            }
                            div.opts.col {
                                @for (v, l) in &data.recipients {
                                    @let (m, sec) = v.split_once('|').unwrap_or_default();
                                    @let on = f.recipients.iter().any(|r| r.ministry.0 == m && r.sector.0 == sec);
                                    label { input type="checkbox" name="recipient" value=(v) checked[on]; " " (l) }
                                }
                            }
                            label { input #f-urgent type="checkbox" name="urgent" value="true" checked[req.urgent];
                                " " (lang.t("早期警戒（選んだセプター・事業者へ直接送付し、所管省庁へ写し）", "Early warning (direct to the CEPTOARs and operators chosen below, copy to ministries)")) }
                            div.field #f-direct {
                                label for="f-direct-recipients" { (lang.t(
                                    "直接送付先（早期警戒のときに必須。情報提供先の分野のセプター・重要インフラ事業者等。TLP:RED は宛先限り）",
                                    "Direct recipients (required for an early warning: CEPTOARs and CI operators of the target sectors; TLP:RED stays with them)")) }
                                select #f-direct-recipients name="direct_recipient" multiple size="8" {
                                    @for (sector, members) in &data.direct {
                                        optgroup label=(sector) {
                                            @for (id, name) in members {
                                                option value=(id) selected[req.direct_recipients.iter().any(|d| d.0 == *id)] { (name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    tr { th { (lang.t("①概要", "① Summary")) } td { (text_area("summary", lang.t("①概要", "① Summary"), 5, &f.summary)) } }
                    tr { th { (lang.t("②対象", "② Targets")) } td { (text_area("targets", lang.t("②対象", "② Targets"), 3, &f.targets)) } }
                    tr { th { (lang.t("③対処方針", "③ Countermeasures")) } td { (text_area("countermeasures", lang.t("③対処方針", "③ Countermeasures"), 4, &f.countermeasures)) } }
                    tr {
                        th { (lang.t("指標（IoC）", "Indicators (IoC)")) }
                        td {
                            (text_area("indicators", lang.t("1行に1件「種別 値 備考」（種別は ip／domain／url／hash／email／other）、または文章を貼り付け",
                                "One per line `kind value note` (kind: ip, domain, url, hash, email, other), or paste text"), 4, &indicator_lines(&f.indicators)))
                        }
                    }
                    tr { th { (lang.t("④その他", "④ Other")) } td { (text_area("other", lang.t("④その他", "④ Other"), 3, &f.other)) } }
                    tr {
                        th { (lang.t("本件問合せ先", "Contact")) }
                        td {
                            (text_input("contact_person", lang.t("担当者名", "Person"), &f.contact.person))
                            (text_input("contact_phone", lang.t("電話番号", "Phone"), &f.contact.phone))
                            (text_input("contact_fax", lang.t("FAX番号", "Fax"), &f.contact.fax))
                            (text_input("contact_email", lang.t("電子メールアドレス", "E-mail"), &f.contact.email))
                        }
                    }
                    tr #f-sources {
                        th { (lang.t("情報源", "Sources")) }
                        td {
                            @if data.sources.is_empty() {
                                p.muted { (lang.t("選択できる情報源はありません。", "No sources to choose from.")) }
                            }
                            div.opts.col {
                                @for (v, l) in &data.sources {
                                    label { input type="checkbox" name="source" value=(v) checked[chosen_sources.contains(v)]; " " (l) }
                                }
                            }
                        }
                    }
                }
            }
            div.actions { button #provision-save type="submit" { (lang.t("下書きを保存", "Save draft")) } }
        }
    }
}

async fn editor_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: Option<&str>,
    report_no: u32,
    req: &DraftRequest,
    err: Option<&AppError>,
) -> Response {
    let data = match editor_data(s, a, lang).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let action = match id {
        Some(id) => format!("/provisions/{id}/edit"),
        None => "/provisions/new".to_owned(),
    };
    let title = match id {
        Some(_) => lang.t("情報提供の編集", "Edit provision"),
        None => lang.t("情報提供の作成", "New provision"),
    };
    let body = html! {
        h1 { (title) " " (report_no_text(lang, report_no)) }
        p { a href="/provisions" { (lang.t("← 情報提供一覧", "← Provisions")) } }
        @if let Some(e) = err { (err_box(lang, e)) }
        (editor(s, a, lang, &action, req, &data))
    };
    let status = err.map(|e| status_of(e).0).unwrap_or(StatusCode::OK);
    (status, page(lang, title, Some(a), Nav::Provisions, body)).into_response()
}

/// `GET /provisions/new`.
pub async fn new_form(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    if !is_nisc_approver(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let mut req = DraftRequest::default();
    req.form.contact.person = a.actor.record.display_name.clone();
    editor_page(&s, &a, lang, None, 1, &req, None).await
}

/// `POST /provisions/new`.
pub async fn new_submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    if !is_nisc_approver(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let req = parse(&v);
    match s
        .app
        .save_provision_draft(&a.actor, None, req.clone())
        .await
    {
        Ok(p) => Redirect::to(&format!("/provisions/{}", p.id)).into_response(),
        Err(e) => editor_page(&s, &a, lang, None, 1, &req, Some(&e)).await,
    }
}

/// `GET /provisions/{id}/edit`.
pub async fn edit_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    // Unreadable: the same 404 as a missing id; readable but not NISC's approver: 403.
    if let Err(e) = s.app.provision_gate(&a.actor, &id).await {
        return error_page(lang, Some(&a), &e);
    }
    if !is_nisc_approver(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let v = match s.app.view_provision(&a.actor, &id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    if !v.is_draft() {
        return error_page(lang, Some(&a), &already_sent());
    }
    let Some(hub) = v.hub else {
        return error_page(lang, Some(&a), &not_allowed());
    };
    let hub = hub.into_inner();
    let req = DraftRequest {
        form: v.form,
        sources: hub.sources,
        resolutions: vec![],
        urgent: v.urgent,
        direct_recipients: hub.direct_recipients,
        follow_up_of: None,
    };
    editor_page(&s, &a, lang, Some(&id), v.report_no, &req, None).await
}

fn already_sent() -> AppError {
    AppError::Conflict {
        message_ja: "送信済みの情報提供は編集できません。".into(),
        message_en: "A sent provision cannot be edited.".into(),
    }
}

/// `POST /provisions/{id}/edit` — keeps the sanitisation decisions already recorded.
pub async fn edit_submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    if let Err(e) = s.app.provision_gate(&a.actor, &id).await {
        return error_page(lang, Some(&a), &e);
    }
    if !is_nisc_approver(&a) {
        return error_page(lang, Some(&a), &not_allowed());
    }
    let old = match s.app.view_provision(&a.actor, &id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    if !old.is_draft() {
        return error_page(lang, Some(&a), &already_sent());
    }
    let Some(hub) = old.hub else {
        return error_page(lang, Some(&a), &not_allowed());
    };
    let mut req = parse(&v);
    req.resolutions = hub.into_inner().resolutions;
    match s
        .app
        .save_provision_draft(&a.actor, Some(&id), req.clone())
        .await
    {
        Ok(p) => Redirect::to(&format!("/provisions/{}", p.id)).into_response(),
        Err(e) => editor_page(&s, &a, lang, Some(&id), old.report_no, &req, Some(&e)).await,
    }
}
