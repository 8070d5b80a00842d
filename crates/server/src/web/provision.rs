//! 情報提供 — NISC's provisions in the browser: the list, the sheet (情報提供様式, 図７) with
//! indicators defanged, and for NISC on a draft the sanitisation findings, blockers, consent
//! requests and the send button; for a sent one the recipients' acknowledgement, the ministries'
//! and CEPTOARs' relay, and NISC's receipt table. Editing lives in `provision_edit`, the POST
//! actions and the consent page in `provision_act`.

use super::layout::{
    error_page, ident_text, importance_badge, page, report_no_text, sector_name, tlp_badge, Nav,
};
use crate::auth::{Authed, WebAuth};
use crate::error::{field_errors, messages, status_of};
use crate::i18n::{show_form_time, show_time, Lang};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kakehashi_app::provision::{ProvisionView, SourceRef};
use kakehashi_app::AppError;
use kakehashi_domain::provision::defang::{defang, defang_text};
use kakehashi_domain::provision::sanitise::{Finding, FindingKey, Resolution, ResolutionAction};
use kakehashi_domain::{Importance, OrgKind, Tlp};
use kakehashi_store::{DeliveryRecord, OrgRecord};
use maud::{html, Markup};

/// Highlight of an unread 警報 (and of 警報 rows in lists).
pub(super) const ALERT_ROW: &str = "background:#fde8ea";

/// NISC staff approvers draft, check and send provisions (the policy's hub-internal rule).
pub(super) fn is_nisc_approver(a: &Authed) -> bool {
    kakehashi_app::provision::may_draft_provisions(&a.actor)
}

pub(super) fn is_alert_code(code: Option<&str>) -> bool {
    code == Some(Importance::Alert.code())
}

/// An error box in the page's language.
pub(super) fn err_box(lang: Lang, e: &AppError) -> Markup {
    let (ja, en) = messages(e);
    let fields = field_errors(e);
    html! {
        div.errbox #error role="alert" {
            p { (lang.t(&ja, &en)) }
            @if !fields.is_empty() {
                ul.field-errors {
                    @for (field, rule, ja, en) in &fields {
                        li data-field=(field) data-rule=(rule) { (lang.t(ja, en)) }
                    }
                }
            }
        }
    }
}

fn sectors_text(s: &AppState, lang: Lang, sectors: &[String]) -> String {
    sectors
        .iter()
        .map(|x| sector_name(&s.app, lang, x))
        .collect::<Vec<_>>()
        .join(lang.t("、", ", "))
}

fn receipt_state(lang: Lang, d: Option<&DeliveryRecord>) -> Markup {
    match d {
        None => html! { span.muted { "—" } },
        Some(d) if d.acked_at.is_some() => {
            html! { span.badge.st-closed { (lang.t("確認済", "Acknowledged")) } }
        }
        Some(d) if d.read_at.is_some() => html! { span.badge { (lang.t("既読", "Read")) } },
        Some(_) => html! { span.badge.flag { (lang.t("未読", "Unread")) } },
    }
}

/// `GET /provisions` — sent provisions the person may read; for NISC also the drafts.
pub async fn list(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let items = match s.app.provisions(&a.actor, 200).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let nisc = is_nisc_approver(&a);
    let drafts = if nisc {
        match s.app.provision_drafts(&a.actor).await {
            Ok(d) => d,
            Err(e) => return error_page(lang, Some(&a), &e),
        }
    } else {
        vec![]
    };
    // The person's own organisation's receipt per provision (read / acknowledged).
    let mut mine: Vec<Option<DeliveryRecord>> = Vec::with_capacity(items.len());
    for p in &items {
        let d = s
            .app
            .store
            .deliveries_of(&p.id)
            .await
            .ok()
            .and_then(|v| v.into_iter().find(|d| d.org == a.actor.org.id));
        mine.push(d);
    }
    let title = lang.t("情報提供", "Provisions");
    let body = html! {
        h1 { (title) }
        @if nisc {
            div.actions {
                a.button #provision-new href="/provisions/new" { (lang.t("新規作成", "New")) }
                " " a #sources-import href="/provisions/sources" { (lang.t("情報源の取り込み（STIX・MISP）", "Import a source (STIX, MISP)")) }
                " " a href="/consents" { (lang.t("同意依頼", "Consent requests")) }
            }
        } @else {
            p { a #consents-link href="/consents" { (lang.t("同意依頼（自組織宛て）", "Consent requests to my organisation")) } }
        }
        h2 { (lang.t("送信済みの情報提供", "Sent provisions")) }
        // app.js re-fetches this page and swaps this container when a notification arrives.
        div #provisions-live data-live-refresh="1" data-live-version="0" {
        @if items.is_empty() {
            p.empty #provisions-empty { (lang.t("閲覧できる情報提供はありません。", "No provisions you may read.")) }
        } @else {
            table.list #provisions {
                thead { tr {
                    th scope="col" { (lang.t("識別番号", "Ident. no.")) }
                    th scope="col" { (lang.t("報数", "Report")) }
                    th scope="col" { (lang.t("日時（JST）", "Date (JST)")) }
                    th scope="col" { (lang.t("重要度", "Importance")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("分野", "Sectors")) }
                    th scope="col" { (lang.t("自組織の受領状況", "Your receipt")) }
                } }
                tbody {
                    @for (p, d) in items.iter().zip(mine.iter()) {
                        @let alert = is_alert_code(p.importance.as_deref());
                        tr.alert[alert] style=[alert.then_some(ALERT_ROW)] {
                            td.nowrap { a.provision-link href={ "/provisions/" (p.id) } { (ident_text(lang, p.ident.as_deref())) } }
                            td.nowrap { (report_no_text(lang, p.report_no)) }
                            td.nowrap { @if let Some(t) = p.sent_at { (show_time(t)) } }
                            td { (importance_badge(lang, p.importance.as_deref())) }
                            td { (tlp_badge(&p.tlp)) }
                            td { (sectors_text(&s, lang, &p.sectors)) }
                            td { (receipt_state(lang, d.as_ref())) }
                        }
                    }
                }
            }
        }
        }
        @if nisc {
            h2 { (lang.t("下書き", "Drafts")) }
            @if drafts.is_empty() {
                p.empty #drafts-empty { (lang.t("下書きはありません。", "No drafts.")) }
            } @else {
                table.list #drafts {
                    thead { tr {
                        th scope="col" { (lang.t("報数", "Report")) }
                        th scope="col" { (lang.t("重要度", "Importance")) }
                        th scope="col" { "TLP" }
                        th scope="col" { (lang.t("分野", "Sectors")) }
                        th scope="col" { span.sr { (lang.t("操作", "Actions")) } }
                    } }
                    tbody {
                        @for p in &drafts {
                            tr {
                                td.nowrap { (report_no_text(lang, p.report_no)) }
                                td { (importance_badge(lang, p.importance.as_deref())) }
                                td { (tlp_badge(&p.tlp)) }
                                td { (sectors_text(&s, lang, &p.sectors)) }
                                td.nowrap {
                                    a.draft-link href={ "/provisions/" (p.id) } { (lang.t("確認", "Check")) }
                                    " | "
                                    a href={ "/provisions/" (p.id) "/edit" } { (lang.t("編集", "Edit")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::Provisions, body).into_response()
}

/// `GET /provisions/{id}`.
pub async fn view(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render(&s, &a, lang, &id, None, None).await
}

/// The provision page, optionally with an error from a POST on it (status from the error) or a
/// confirmation message.
pub(super) async fn render(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
    ok: Option<(&str, &str)>,
) -> Response {
    let v = match s.app.view_provision(&a.actor, id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let draft = v.is_draft();
    let nisc = is_nisc_approver(a);
    let mut extra = html! {};
    if draft && nisc && v.hub.is_some() {
        extra = match draft_panel(s, a, lang, &v).await {
            Ok(m) => m,
            Err(e) => return error_page(lang, Some(a), &e),
        };
    } else if !draft {
        extra = match sent_panel(s, a, lang, &v).await {
            Ok(m) => m,
            Err(e) => return error_page(lang, Some(a), &e),
        };
    }
    let files = super::attachments::panel(
        s,
        a,
        lang,
        &kakehashi_app::attachments::Owner::Provision(v.id.clone()),
        super::attachments::may_attach_to_provision(a),
    )
    .await;
    let orgs = s.app.organisations().await.unwrap_or_default();
    let title = lang.t("情報提供", "Provision");
    let body = html! {
        (super::layout::print_marking(lang, &v.tlp))
        p.noprint { a href="/provisions" { (lang.t("← 情報提供一覧", "← Provisions")) } }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if let Some((ja, en)) = ok {
            div.okbox.noprint #notice role="status" { (lang.t(ja, en)) }
        }
        div.actions {
            a.button.secondary #print-link href="#" { (lang.t("印刷", "Print")) }
            a.button.secondary #json-link href={ "/provisions/" (v.id) "/form.json" } download { (lang.t("JSONで出力", "Download JSON")) }
            a.button.secondary #csv-link href={ "/provisions/" (v.id) "/form.csv" } download { (lang.t("CSVで出力", "Download CSV")) }
            @if !draft {
                a.button.secondary #stix-link href={ "/api/v1/provisions/" (v.id) "/stix" } download {
                    (lang.t("STIXで出力", "Export as STIX"))
                }
                " " a.button.secondary #misp-link href={ "/api/v1/provisions/" (v.id) "/misp" } download={ "provision-" (v.id) "-misp.json" } { (lang.t("MISP形式で保存", "Save as MISP event")) }
            }
        }
        @if draft {
            div.banner #draft-banner {
                (lang.t("下書き（未送信）", "Draft (not sent)"))
                @if nisc { " " a #edit-link href={ "/provisions/" (v.id) "/edit" } { (lang.t("編集", "Edit")) } }
            }
        }
        (sheet(s, &orgs, lang, &v))
        (files)
        // Acknowledgement, relay and the receipt table are screen-only: the printout is the sheet.
        div.noprint { (extra) }
    };
    let status = err.map(|e| status_of(e).0).unwrap_or(StatusCode::OK);
    (status, page(lang, title, Some(a), Nav::Provisions, body)).into_response()
}

/// An organisation's name; an id that names no organisation is not shown as such.
fn ministry_name(orgs: &[OrgRecord], lang: Lang, id: &str) -> String {
    orgs.iter()
        .find(|m| m.id.0 == id)
        .map(|m| super::layout::org_name(lang, &m.name_ja, &m.name_en).to_owned())
        .unwrap_or_else(|| {
            lang.t("（不明な組織）", "(unknown organisation)")
                .to_owned()
        })
}

fn multiline(text: &str) -> Markup {
    html! { div.pre { (defang_text(text)) } }
}

/// The form as the official sheet prints it.
fn sheet(s: &AppState, orgs: &[OrgRecord], lang: Lang, v: &ProvisionView) -> Markup {
    let f = &v.form;
    let tlp = f.tlp.map(|t| t.code()).unwrap_or(v.tlp.as_str());
    html! {
        div.sheet #provision-sheet {
            h1 { (lang.t("情報提供様式", "Provision form")) }
            p.sub { (lang.t("内閣官房 → 重要インフラ所管省庁", "NISC → CI ministries")) }
            table {
                tbody {
                    tr {
                        th { (lang.t("重要度", "Importance")) }
                        td #importance { (importance_badge(lang, f.importance.map(|i| i.code()))) }
                        th { (lang.t("報数", "Report")) }
                        td #report-no { (report_no_text(lang, v.report_no)) }
                    }
                    tr {
                        th { (lang.t("識別番号", "Ident. no.")) }
                        td #ident { (ident_text(lang, v.ident.as_deref())) }
                        th { (lang.t("情報提供日時", "Provided at")) }
                        td #provided-at {
                            @if let Some(t) = f.provided_at.or(v.sent_at) { (match lang { Lang::Ja => show_form_time(t), Lang::En => show_time(t) }) } @else { "—" }
                        }
                    }
                    tr {
                        th { (lang.t("情報提供先", "Recipients")) }
                        td colspan="3" #recipients {
                            @for r in &f.recipients {
                                div { (ministry_name(orgs, lang, &r.ministry.0)) (lang.t("（", " (")) (sector_name(&s.app, lang, &r.sector.0)) (lang.t("）", ")")) }
                            }
                            @if v.urgent { span.badge.flag #urgent { (lang.t("早期警戒（直接送付）", "Early warning (direct)")) } }
                            @if let Some(hub) = &v.hub {
                                @if !hub.get().direct_recipients.is_empty() {
                                    div #direct-recipients {
                                        (lang.t("直接送付先：", "Sent directly to: "))
                                        (hub.get().direct_recipients.iter().map(|o| ministry_name(orgs, lang, &o.0)).collect::<Vec<_>>().join(lang.t("、", ", ")))
                                    }
                                }
                            }
                        }
                    }
                    tr {
                        th { (lang.t("情報共有範囲", "Sharing scope")) }
                        td colspan="3" #tlp {
                            (tlp_badge(tlp))
                            @if !f.tlp_notes.trim().is_empty() {
                                div.note { (lang.t("特記事項：", "Notes: ")) (defang_text(&f.tlp_notes)) }
                            }
                        }
                    }
                    tr {
                        th { (lang.t("別紙有無", "Attachments")) }
                        td colspan="3" #attachments {
                            @match f.has_attachments {
                                Some(true) => (lang.t("有", "Yes")),
                                Some(false) => (lang.t("無", "No")),
                                None => "—",
                            }
                        }
                    }
                    tr { th colspan="4" { (lang.t("脅威等の内容", "The threat")) } }
                    tr { th { (lang.t("①概要", "① Summary")) } td colspan="3" #summary { (multiline(&f.summary)) } }
                    tr { th { (lang.t("②対象", "② Targets")) } td colspan="3" #targets { (multiline(&f.targets)) } }
                    tr {
                        th { (lang.t("③対処方針", "③ Countermeasures")) }
                        td colspan="3" #countermeasures {
                            (multiline(&f.countermeasures))
                            @if !f.indicators.is_empty() {
                                table #indicators {
                                    thead { tr {
                                        th { (lang.t("種別", "Kind")) }
                                        th { (lang.t("指標（無害化表示）", "Indicator (defanged)")) }
                                        th { (lang.t("備考", "Note")) }
                                    } }
                                    tbody {
                                        @for i in &f.indicators {
                                            tr {
                                                td { (lang.t(i.kind.label_ja(), i.kind.label_en())) }
                                                td.mono.indicator { (defang(i.kind, &i.value)) }
                                                td { (defang_text(&i.note)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    tr { th { (lang.t("④その他", "④ Other")) } td colspan="3" #other { (multiline(&f.other)) } }
                    tr {
                        th { (lang.t("本件問合せ先", "Contact")) }
                        td colspan="3" #contact {
                            div { (lang.t("内閣サイバーセキュリティセンター 重要インフラ防護担当", "NISC, critical-infrastructure protection")) }
                            @if !f.contact.person.is_empty() { div { (lang.t("担当者：", "Person: ")) (f.contact.person) } }
                            @if !f.contact.phone.is_empty() { div { (lang.t("電話番号：", "Phone: ")) (f.contact.phone) } }
                            @if !f.contact.fax.is_empty() { div { (lang.t("FAX番号：", "Fax: ")) (f.contact.fax) } }
                            @if !f.contact.email.is_empty() { div { (lang.t("電子メール：", "E-mail: ")) (defang_text(&f.contact.email)) } }
                        }
                    }
                }
            }
        }
    }
}

/// Distinct finding keys in order, with the first finding and the count.
pub(super) fn finding_groups(findings: &[Finding]) -> Vec<(FindingKey, &Finding, usize)> {
    let mut out: Vec<(FindingKey, &Finding, usize)> = Vec::new();
    for f in findings {
        let k = f.key();
        match out.iter_mut().find(|(x, _, _)| *x == k) {
            Some(g) => g.2 += 1,
            None => out.push((k, f, 1)),
        }
    }
    out
}

fn field_label(lang: Lang, field: &str) -> String {
    match kakehashi_domain::provision::validate::field_label(field) {
        Some((ja, en)) => lang.t(ja, en).to_owned(),
        None => field.to_owned(),
    }
}

async fn draft_panel(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &ProvisionView,
) -> Result<Markup, AppError> {
    let Some(hub) = &v.hub else {
        return Ok(html! {});
    };
    let check = s.app.provision_check(&a.actor, &v.id).await?.into_inner();
    let findings = check.findings;
    let blockers: Vec<(String, String)> = check
        .blockers
        .into_iter()
        .map(|b| (b.message_ja, b.message_en))
        .collect();
    let resolutions: &[Resolution] = &hub.get().resolutions;
    let sources: &[SourceRef] = &hub.get().sources;
    let groups = finding_groups(&findings);
    let id = &v.id;
    let csrf = a.csrf();
    let target = v.form.target_sectors();
    // Sources by name (R-number, or 未採番 with sector and date; an item's title), never ids.
    let mut source_names = Vec::with_capacity(sources.len());
    for src in sources {
        let name = match s
            .app
            .source_label(&format!("{}:{}", src.kind, src.id))
            .await
        {
            Some(l) => super::layout::label_text(&s.app, lang, &l),
            None => lang.t("（不明な情報源）", "(unknown source)").to_owned(),
        };
        source_names.push(name);
    }
    Ok(html! {
        h2 { (lang.t("無害化チェック（識別情報）", "Sanitisation findings")) }
        @if groups.is_empty() {
            p.empty #findings-empty { (lang.t("情報源を特定する記載は見つかりません。", "Nothing identifying the sources was found.")) }
        } @else {
            form method="post" action={ "/provisions/" (id) "/resolutions" } {
                input type="hidden" name="csrf" value=(csrf);
                table.list #findings {
                    thead { tr {
                        th scope="col" { (lang.t("項目", "Field")) }
                        th scope="col" { (lang.t("情報源", "Source")) }
                        th scope="col" { (lang.t("種類", "Kind")) }
                        th scope="col" { (lang.t("該当箇所", "Matched text")) }
                        th scope="col" { (lang.t("対応", "Decision")) }
                    } }
                    tbody {
                        @for (i, (key, f, n)) in groups.iter().enumerate() {
                            @let cur = resolutions.iter().find(|r| &r.key == key).map(|r| &r.action);
                            @let removed = matches!(cur, Some(ResolutionAction::Removed));
                            @let reason = match cur { Some(ResolutionAction::KeptWithReason(r)) => Some(r.as_str()), _ => None };
                            tr {
                                td { (field_label(lang, f.field)) @if let Some(r) = f.row { " #" (r + 1) } }
                                td { (f.source_label) }
                                td { (lang.t(f.kind.label_ja(), f.kind.label_en())) }
                                td.mono { (f.matched) @if *n > 1 { span.muted.small { " ×" (n) } } }
                                td {
                                    input type="hidden" name={ "key_" (i) } value=(serde_json::to_string(key).unwrap_or_default());
                                    label { input type="radio" name={ "action_" (i) } value="removed" checked[removed]; (lang.t("削除済み", "Removed")) }
                                    " "
                                    label { input type="radio" name={ "action_" (i) } value="keep" checked[reason.is_some()]; (lang.t("残す（理由）", "Keep (reason)")) }
                                    " "
                                    input type="text" name={ "reason_" (i) } value=(reason.unwrap_or_default())
                                        aria-label=(lang.t("残す理由", "Reason to keep"));
                                }
                            }
                        }
                    }
                }
                div.actions { button #resolutions-submit type="submit" { (lang.t("対応を保存", "Save decisions")) } }
            }
        }
        h2 { (lang.t("送信を妨げる事項", "What blocks sending")) }
        @if blockers.is_empty() {
            p.okbox #blockers-none { (lang.t("送信できます。", "Ready to send.")) }
        } @else {
            ul.errbox #blockers {
                @for (ja, en) in &blockers { li { (lang.t(ja, en)) } }
            }
        }
        @if !sources.is_empty() {
            h2 { (lang.t("情報源への同意依頼", "Ask a source for consent")) }
            @for (i, src) in sources.iter().enumerate() {
                form.consent-ask method="post" action={ "/provisions/" (id) "/consents" } id={ "consent-" (i) } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="source" value={ (src.kind) ":" (src.id) };
                    fieldset {
                        legend.source-name { (lang.t("情報源：", "Source: ")) (source_names[i]) }
                        div.opts {
                            @for sec in s.app.reference.sectors() {
                                label { input type="checkbox" name="sector" value=(sec.id) checked[target.iter().any(|t| t.0 == sec.id)]; (super::layout::org_name(lang, &sec.name_ja, &sec.name_en)) }
                            }
                        }
                        label { "TLP " select name="tlp" {
                            option value="" { (lang.t("変更しない", "Unchanged")) }
                            @for t in Tlp::ALL { option value=(t.code()) { "TLP:" (t.code()) } }
                        } }
                        " " button type="submit" { (lang.t("同意を依頼", "Request consent")) }
                    }
                }
            }
        }
        h2 { (lang.t("送信", "Send")) }
        form method="post" action={ "/provisions/" (id) "/send" } {
            input type="hidden" name="csrf" value=(csrf);
            button #send-submit type="submit" disabled[!blockers.is_empty()] { (lang.t("送信", "Send")) }
        }
    })
}

async fn sent_panel(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &ProvisionView,
) -> Result<Markup, AppError> {
    let id = &v.id;
    let csrf = a.csrf();
    let may_relay = v.receipt.is_some() && kakehashi_app::provision::may_relay(&a.actor, &v.tlp);
    let receipts = if is_nisc_approver(a) {
        Some(s.app.provision_receipts(&a.actor, id).await?)
    } else {
        None
    };
    let alert = is_alert_code(v.importance.as_deref());
    let orgs = if receipts.is_some() {
        s.app.organisations().await?
    } else {
        vec![]
    };
    // The relaying organisation by name.
    let via = |d: &DeliveryRecord| match &d.via_org {
        Some(o) => ministry_name(&orgs, lang, &o.0),
        None => lang.t("NISC（直接）", "NISC (direct)").to_owned(),
    };
    Ok(html! {
        @if let Some(d) = &v.receipt {
            h2 { (lang.t("受領確認", "Acknowledgement")) }
            @if let Some(t) = d.acked_at {
                p #ack-state { (lang.t("確認済み ", "Acknowledged ")) (show_time(t))
                    @if !d.ack_note.is_empty() { " — " (d.ack_note) } }
            } @else {
                form method="post" action={ "/provisions/" (id) "/ack" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="ack-note" { (lang.t("回答・コメント（任意）", "Response note (optional)")) }
                    textarea #ack-note name="note" rows="2" {}
                    div.actions { button #ack-submit type="submit" { (lang.t("受領を確認", "Acknowledge")) } }
                }
            }
        }
        p { a #inquiries-link href={ "/provisions/" (id) "/inquiries" } { (lang.t("問合せ（所管省庁とNISC）", "Inquiries (ministries and NISC)")) } }
        @if let (true, Some(t)) = (may_relay, v.relayed_at) {
            h2 { (lang.t("中継", "Relay")) }
            p #relayed { (lang.t("中継済み ", "Relayed ")) (show_time(t)) }
        } @else if may_relay {
            h2 { (lang.t("中継", "Relay")) }
            form method="post" action={ "/provisions/" (id) "/relay" } {
                input type="hidden" name="csrf" value=(csrf);
                p.muted { (match a.actor.org.kind {
                    OrgKind::CiMinistry => lang.t("対象分野のセプターへ中継します。", "Relays to the CEPTOARs of the target sectors you oversee."),
                    _ => lang.t("構成員の事業者へ中継します。", "Relays to your member operators."),
                }) }
                button #relay-submit type="submit" { (lang.t("中継", "Relay")) }
            }
        }
        @if let Some(rows) = receipts {
            h2 { (lang.t("受領状況", "Receipts")) }
            table.list #receipts {
                thead { tr {
                    th scope="col" { (lang.t("組織", "Organisation")) }
                    th scope="col" { (lang.t("経由", "Via")) }
                    th scope="col" { (lang.t("配信", "Delivered")) }
                    th scope="col" { (lang.t("既読", "Read")) }
                    th scope="col" { (lang.t("確認", "Acknowledged")) }
                    th scope="col" { (lang.t("コメント", "Note")) }
                } }
                tbody {
                    @for r in &rows {
                        @let unread = alert && r.delivery.read_at.is_none();
                        tr.unread-alert[unread] style=[unread.then_some(ALERT_ROW)] {
                            td { (ministry_name(&orgs, lang, &r.delivery.org.0)) }
                            td.via { (via(&r.delivery)) }
                            td.nowrap { (show_time(r.delivery.delivered_at)) }
                            td.nowrap { @if let Some(t) = r.delivery.read_at { (show_time(t)) } @else { span.badge.flag { (lang.t("未読", "Unread")) } } }
                            td.nowrap { @if let Some(t) = r.delivery.acked_at { (show_time(t)) } @else { "—" } }
                            td { (r.delivery.ack_note) }
                        }
                    }
                }
            }
        }
    })
}
