//! 連絡先と連絡確認 — the pages: the overview (own contacts, who lacks them, checks to answer
//! and checks sent), an organisation's contacts with its administrators' editor, and a contact
//! check with its answers.

use super::form_parse::Values;
use super::layout::{error_page, org_name, page, sector_name, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::contacts::{CheckView, ContactInput, ContactView, NewContactCheck, OrgContacts};
use kakehashi_app::AppError;
use kakehashi_domain::contacts::{sends_checks, ContactKind, Gap};
use kakehashi_domain::{OrgId, OrgKind, Role};
use maud::{html, Markup};

fn kind_label(lang: Lang, k: ContactKind) -> &'static str {
    lang.t(k.label_ja(), k.label_en())
}

fn gap_text(lang: Lang, g: &Gap) -> String {
    match g {
        Gap::Missing { kind } => format!(
            "{}{}",
            kind_label(lang, *kind),
            lang.t("：未登録", ": none")
        ),
        Gap::Stale { kind, verified_on } => format!(
            "{}{}{}{}",
            kind_label(lang, *kind),
            lang.t("：最終確認 ", ": last verified "),
            verified_on,
            lang.t("（要確認）", " (stale)")
        ),
    }
}

fn secs_text(lang: Lang, secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match lang {
        Lang::Ja if h > 0 => format!("{h}時間{m}分"),
        Lang::Ja if m > 0 => format!("{m}分{s}秒"),
        Lang::Ja => format!("{s}秒"),
        Lang::En if h > 0 => format!("{h} h {m} min"),
        Lang::En if m > 0 => format!("{m} min {s} s"),
        Lang::En => format!("{s} s"),
    }
}

fn check_title(lang: Lang, c: &CheckView) -> String {
    format!(
        "{}{} {}",
        lang.t("連絡確認：", "Contact check: "),
        org_name(lang, &c.sender_org_name_ja, &c.sender_org_name_en),
        show_time(c.sent_at)
    )
}

fn status(err: Option<&AppError>) -> StatusCode {
    match err {
        Some(e) => crate::error::status_of(e).0,
        None => StatusCode::OK,
    }
}

/// `/contacts`: the overview.
pub async fn overview(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render_overview(&s, &a, lang, None).await
}

async fn render_overview(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let checks = match s.app.contact_checks(&a.actor).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let oversees = matches!(a.actor.org.kind, OrgKind::Nisc | OrgKind::CiMinistry);
    let gaps = if oversees {
        match s.app.contact_gaps(&a.actor).await {
            Ok(g) => Some(g),
            Err(e) => return error_page(lang, Some(a), &e),
        }
    } else {
        None
    };
    let directory = match s.app.contact_directory(&a.actor).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let may_send = sends_checks(a.actor.org.kind) && a.actor.has(Role::Approver);
    let candidates = if may_send {
        match s.app.check_candidates(&a.actor).await {
            Ok(c) => c,
            Err(e) => return error_page(lang, Some(a), &e),
        }
    } else {
        Vec::new()
    };
    let to_answer: Vec<&CheckView> = checks
        .iter()
        .map(|c| c.get())
        .filter(|c| c.may_acknowledge)
        .collect();
    let sent: Vec<&CheckView> = checks
        .iter()
        .map(|c| c.get())
        .filter(|c| c.sender_org == a.actor.org.id)
        .collect();
    let title = lang.t("連絡先・連絡確認", "Contacts and contact checks");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "各組織の連絡先（緊急連絡先・情報提供窓口・セプター窓口）と最終確認日を管理します。連絡先は限定された情報です。閲覧できるのは自組織、NISC、所管省庁、セプター（構成員）であり、他組織による閲覧は監査ログに記録されます。",
            "Each organisation's points of contact (24/7 emergency, provisions, CEPTOAR) and when they were last verified. Contacts are restricted: your own organisation, NISC, the overseeing ministry and the CEPTOAR (its members) read them, and every read by another organisation is audited."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if !to_answer.is_empty() {
            section #checks-to-answer {
                h2 { (lang.t("応答が必要な連絡確認", "Contact checks awaiting your answer")) }
                ul {
                    @for c in &to_answer {
                        li {
                            a href={ "/contact-checks/" (c.id) } { (check_title(lang, c)) }
                            @if !c.message.is_empty() { " — " (c.message) }
                            form.inline method="post" action={ "/contact-checks/" (c.id) "/ack" } {
                                input type="hidden" name="csrf" value=(a.csrf());
                                " " button type="submit" { (lang.t("受信を確認しました（応答する）", "Acknowledge")) }
                            }
                        }
                    }
                }
            }
        }
        section #own-contacts {
            h2 { (lang.t("自組織の連絡先", "Your organisation's contacts")) }
            p { a href={ "/contacts/orgs/" (a.actor.org.id.0) } {
                (org_name(lang, &a.actor.org.name_ja, &a.actor.org.name_en)) (lang.t(" の連絡先を見る・編集する", ": view and edit contacts"))
            } }
        }
        @if let Some(gaps) = &gaps {
            section #contact-gaps {
                h2 { (lang.t("連絡先の未登録・要確認の組織", "Organisations with missing or stale contacts")) }
                p.muted { (lang.t("最終確認から", "Stale: last verified more than ")) (s.app.config.contact_stale_days) (lang.t("日を超えたものを要確認としています。", " days ago.")) }
                @if gaps.is_empty() {
                    p #no-gaps { (lang.t("すべての組織で必要な連絡先が確認済みです。", "Every organisation keeps its required contacts, verified.")) }
                } @else {
                    table {
                        thead { tr { th { (lang.t("組織", "Organisation")) } th { (lang.t("分野", "Sectors")) } th { (lang.t("不足・要確認", "Missing or stale")) } } }
                        tbody {
                            @for g in gaps {
                                tr data-org=(g.org.0) {
                                    td { a href={ "/contacts/orgs/" (g.org.0) } { (org_name(lang, &g.org_name_ja, &g.org_name_en)) } }
                                    td { (g.sectors.iter().map(|x| sector_name(&s.app, lang, x)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                                    td { ul { @for x in &g.gaps { li { (gap_text(lang, x)) } } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if may_send {
            section #check-send {
                h2 { (lang.t("連絡確認を送る", "Send a contact check")) }
                p.muted { (lang.t(
                    "選んだ組織の利用者に通知が届き、各組織が1クリックで応答します。応答時刻が記録されます。",
                    "The chosen organisations' people are notified; each organisation answers with one click and its response time is recorded."
                )) }
                form method="post" action="/contact-checks" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    fieldset {
                        legend { (lang.t("送信先", "Organisations to check")) }
                        @for o in &candidates {
                            label.check { input type="checkbox" name="targets" value=(o.id.0); " " (org_name(lang, &o.name_ja, &o.name_en)) }
                        }
                    }
                    label { (lang.t("連絡事項（任意）", "Message (optional)")) " " input type="text" name="message"; }
                    " " button type="submit" { (lang.t("連絡確認を送信", "Send the check")) }
                }
            }
        }
        @if !sent.is_empty() {
            section #checks-sent {
                h2 { (lang.t("送信した連絡確認", "Checks you sent")) }
                table {
                    thead { tr { th { (lang.t("送信日時", "Sent")) } th { (lang.t("応答", "Answered")) } th { (lang.t("状態", "Status")) } } }
                    tbody {
                        @for c in &sent {
                            tr {
                                td { a href={ "/contact-checks/" (c.id) } { (show_time(c.sent_at)) } }
                                td { (c.answered) " / " (c.answered + c.pending) }
                                td { @if c.closed_at.is_some() { (lang.t("終了", "Closed")) } @else { (lang.t("受付中", "Open")) } }
                            }
                        }
                    }
                }
            }
        }
        section #contact-directory {
            h2 { (lang.t("閲覧できる連絡先", "Contacts you may read")) }
            ul {
                @for o in &directory {
                    li { a href={ "/contacts/orgs/" (o.id.0) } { (org_name(lang, &o.name_ja, &o.name_en)) } }
                }
            }
        }
    };
    (status(err), page(lang, title, Some(a), Nav::Contacts, body)).into_response()
}

fn contact_fields(lang: Lang, owner_kind: OrgKind, c: Option<&ContactView>, today: &str) -> Markup {
    html! {
        label { (lang.t("種別", "Kind")) " "
            select name="kind" {
                @for k in ContactKind::ALL {
                    @if k.fits(owner_kind) {
                        option value=(k.code()) selected[c.is_some_and(|c| c.kind == k)] { (kind_label(lang, k)) }
                    }
                }
            }
        }
        " "
        label { (lang.t("担当・氏名", "Name")) " " input type="text" name="name" required value=[c.map(|c| c.name.as_str())]; }
        " "
        label { (lang.t("電話番号", "Phone")) " " input type="tel" name="phone" value=[c.map(|c| c.phone.as_str())]; }
        " "
        label { (lang.t("メールアドレス", "E-mail")) " " input type="email" name="email" value=[c.map(|c| c.email.as_str())]; }
        " "
        label { (lang.t("対応時間", "Hours")) " " input type="text" name="hours" placeholder=(lang.t("24時間365日", "24/7")) value=[c.map(|c| c.hours.as_str())]; }
        " "
        label { (lang.t("最終確認日", "Last verified")) " " input type="date" name="verified_on" max=(today) value=(today); }
    }
}

fn input_of(values: &Values) -> ContactInput {
    ContactInput {
        kind: values.get("kind").to_owned(),
        name: values.get("name").to_owned(),
        phone: values.get("phone").to_owned(),
        email: values.get("email").to_owned(),
        hours: values.get("hours").to_owned(),
        verified_on: values.get("verified_on").to_owned(),
    }
}

/// `/contacts/orgs/{id}`: an organisation's contacts; its administrators edit them here.
pub async fn org_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render_org(&s, &a, lang, &OrgId(id), None).await
}

async fn render_org(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &OrgId,
    err: Option<&AppError>,
) -> Response {
    let v = match s.app.org_contacts(&a.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let c: &OrgContacts = v.get();
    let today = s.app.today().to_string();
    let name = org_name(lang, &c.org_name_ja, &c.org_name_en).to_owned();
    let title = format!("{name}{}", lang.t(" の連絡先", ": contacts"));
    let base = format!("/contacts/orgs/{}", c.org.0);
    let body = html! {
        h1 { (title) }
        p.muted {
            (lang.t("必要な連絡先：", "Required: "))
            @if c.required.is_empty() { (lang.t("なし", "none")) } @else {
                (c.required.iter().map(|k| kind_label(lang, *k)).collect::<Vec<_>>().join(lang.t("、", ", ")))
            }
            (lang.t("。最終確認から", ". Stale after ")) (c.stale_days) (lang.t("日を超えると要確認です。", " days."))
        }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if !c.gaps.is_empty() {
            div.errbox #org-gaps role="status" {
                ul { @for g in &c.gaps { li { (gap_text(lang, g)) } } }
                @if c.may_edit { p { (lang.t("下の欄から登録・確認日の更新をしてください。", "Add or re-verify them below.")) } }
            }
        }
        @if c.contacts.is_empty() {
            p #no-contacts { (lang.t("連絡先は登録されていません。", "No contacts registered.")) }
        } @else {
            table #contacts {
                thead { tr {
                    th { (lang.t("種別", "Kind")) } th { (lang.t("担当・氏名", "Name")) } th { (lang.t("電話番号", "Phone")) }
                    th { (lang.t("メールアドレス", "E-mail")) } th { (lang.t("対応時間", "Hours")) } th { (lang.t("最終確認日", "Last verified")) }
                } }
                tbody {
                    @for x in &c.contacts {
                        tr data-kind=(x.kind.code()) {
                            td { (kind_label(lang, x.kind)) }
                            td { (x.name) }
                            td { @if !x.phone.is_empty() { a href={ "tel:" (x.phone) } { (x.phone) } } }
                            td { @if !x.email.is_empty() { a href={ "mailto:" (x.email) } { (x.email) } } }
                            td { (x.hours) }
                            td { (x.verified_on) @if x.stale { " " span.badge.st-open { (lang.t("要確認", "Stale")) } } }
                        }
                    }
                }
            }
        }
        @if c.may_edit {
            h2 { (lang.t("連絡先を追加", "Add a contact")) }
            form #contact-add method="post" action={ (base) "/add" } {
                input type="hidden" name="csrf" value=(a.csrf());
                (contact_fields(lang, c.org_kind, None, &today))
                " " button type="submit" { (lang.t("追加する", "Add")) }
            }
            @if !c.contacts.is_empty() {
                h2 { (lang.t("連絡先の更新・確認", "Update or re-verify")) }
                p.muted { (lang.t("内容を確認したら「保存（本日確認）」を押すと最終確認日が更新されます。", "After checking a contact, save it to record today as its last-verified date.")) }
                @for x in &c.contacts {
                    form.contact-edit method="post" action={ (base) "/" (x.id) } {
                        input type="hidden" name="csrf" value=(a.csrf());
                        (contact_fields(lang, c.org_kind, Some(x), &today))
                        " " button type="submit" { (lang.t("保存（本日確認）", "Save (verified today)")) }
                        " " button type="submit" formaction={ (base) "/" (x.id) "/delete" } { (lang.t("削除", "Delete")) }
                    }
                }
            }
        }
        p { a href="/contacts" { (lang.t("連絡先・連絡確認の一覧へ", "Back to contacts and checks")) } }
    };
    (
        status(err),
        page(lang, &title, Some(a), Nav::Contacts, body),
    )
        .into_response()
}

/// The error page when the form's CSRF token is wrong.
fn csrf_refused(a: &Authed, values: &Values, lang: Lang) -> Option<Response> {
    a.check_csrf(values.get("csrf"))
        .err()
        .map(|e| error_page(lang, Some(a), &e))
}

pub async fn add(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let org = OrgId(id);
    match s.app.add_contact(&a.actor, &org, input_of(&values)).await {
        Ok(_) => Redirect::to(&format!("/contacts/orgs/{}", org.0)).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Invalid(_))) => {
            render_org(&s, &a, lang, &org, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn update(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, contact)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let org = OrgId(id);
    match s
        .app
        .update_contact(&a.actor, &org, &contact, input_of(&values))
        .await
    {
        Ok(_) => Redirect::to(&format!("/contacts/orgs/{}", org.0)).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Invalid(_))) => {
            render_org(&s, &a, lang, &org, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn remove(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, contact)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let org = OrgId(id);
    match s.app.delete_contact(&a.actor, &org, &contact).await {
        Ok(()) => Redirect::to(&format!("/contacts/orgs/{}", org.0)).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn send_check(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let req = NewContactCheck {
        targets: values.all("targets").map(str::to_owned).collect(),
        message: values.get("message").to_owned(),
    };
    match s.app.send_contact_check(&a.actor, req).await {
        Ok(v) => Redirect::to(&format!("/contact-checks/{}", v.get().id)).into_response(),
        Err(e @ AppError::BadField { .. }) => render_overview(&s, &a, lang, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `/contact-checks/{id}`: who answered and when, who has not; answer or close.
pub async fn check_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let v = match s.app.contact_check(&a.actor, &id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let c = v.get();
    let title = check_title(lang, c);
    let body = html! {
        h1 { (title) }
        dl #check-state {
            dt { (lang.t("送信者", "Sent by")) } dd { (c.sender_name) (lang.t("（", " (")) (org_name(lang, &c.sender_org_name_ja, &c.sender_org_name_en)) (lang.t("）", ")")) }
            dt { (lang.t("送信日時", "Sent")) } dd { (show_time(c.sent_at)) }
            @if !c.message.is_empty() { dt { (lang.t("連絡事項", "Message")) } dd { (c.message) } }
            dt { (lang.t("状態", "Status")) } dd #check-status data-status=(c.status) {
                @match c.closed_at { Some(t) => { (lang.t("終了 ", "Closed ")) (show_time(t)) } None => { (lang.t("受付中", "Open")) } }
            }
            dt { (lang.t("応答", "Answered")) } dd { (c.answered) " / " (c.answered + c.pending) }
        }
        @if c.may_acknowledge {
            form #check-ack method="post" action={ "/contact-checks/" (c.id) "/ack" } {
                input type="hidden" name="csrf" value=(a.csrf());
                button type="submit" { (lang.t("受信を確認しました（応答する）", "Acknowledge")) }
            }
        }
        table #check-targets {
            thead { tr { th { (lang.t("組織", "Organisation")) } th { (lang.t("応答日時", "Answered at")) } th { (lang.t("応答者", "By")) } th { (lang.t("応答時間", "Response time")) } } }
            tbody {
                @for t in &c.targets {
                    tr data-answered=(if t.acknowledged_at.is_some() { "yes" } else { "no" }) {
                        td { (org_name(lang, &t.org_name_ja, &t.org_name_en)) }
                        @match t.acknowledged_at {
                            Some(at) => {
                                td { (show_time(at)) }
                                td { (t.acknowledged_by_name.clone().unwrap_or_default()) }
                                td { (t.response_secs.map(|x| secs_text(lang, x)).unwrap_or_default()) }
                            }
                            None => { td colspan="3" { span.badge.st-open { (lang.t("未応答", "Not yet answered")) } } }
                        }
                    }
                }
            }
        }
        @if c.may_close {
            form #check-close method="post" action={ "/contact-checks/" (c.id) "/close" } {
                input type="hidden" name="csrf" value=(a.csrf());
                button type="submit" { (lang.t("連絡確認を終了する", "Close the check")) }
            }
        }
        p { a href="/contacts" { (lang.t("連絡先・連絡確認の一覧へ", "Back to contacts and checks")) } }
    };
    page(lang, &title, Some(&a), Nav::Contacts, body).into_response()
}

pub async fn ack(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    match s.app.acknowledge_contact_check(&a.actor, &id).await {
        Ok(()) => Redirect::to(&format!("/contact-checks/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn close(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    match s.app.close_contact_check(&a.actor, &id).await {
        Ok(()) => Redirect::to(&format!("/contact-checks/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
