//! One hop's copy, printed like the official sheet under a banner of its markings, and
//! forwarding it on (CEPTOAR → ministry with the anonymisation preview, ministry → NISC).

use super::form_editor::{profile_sender, recipient_options, Editor, Mode};
use super::form_parse::{
    from_app_errors, parse, prevalidate, to_values, FieldErr, Outcome, Values,
};
use super::layout::{
    colon, error_page, hop_label, ident_text, importance_badge, org_name, page, report_no_text,
    sector_name, sep, tlp_badge, Nav,
};
use super::route_view::{confirm_page, route_box, sent_location, what, Filing};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{local_value, show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::liaison::{CopyView, ForwardRequest};
use kakehashi_app::AppError;
use kakehashi_domain::liaison::{field_label, Anonymised};
use kakehashi_domain::{CopyId, OrgKind, Role, Tlp};
use maud::{html, Markup};

/// The addressee's approver at a CEPTOAR or ministry sends a copy on.
fn may_forward(a: &Authed, c: &CopyView) -> bool {
    c.record.addressee_org == a.actor.org.id
        && matches!(a.actor.org.kind, OrgKind::Ceptoar | OrgKind::CiMinistry)
        && a.actor.has(Role::Approver)
}

fn banner(s: &AppState, lang: Lang, c: &CopyView) -> Markup {
    let r = &c.record;
    let tlp_def = s
        .app
        .reference
        .tlp(&r.tlp)
        .map(|l| lang.t(&l.liaison.body.ja, &l.liaison.body.en).to_owned());
    html! {
        section.banner #banner aria-label=(lang.t("この写しの区分", "Markings of this copy")) {
            span { (tlp_badge(&r.tlp)) }
            span { span.k { (lang.t("重要度", "Importance")) } (importance_badge(lang, r.importance.as_deref())) }
            span { span.k { (lang.t("識別番号", "Ident. no.")) } strong #ident { (ident_text(lang, c.ident.as_deref())) } }
            span { span.k { (lang.t("報数", "Report")) } strong #report-no { (report_no_text(lang, r.report_no)) } }
            span #route-line {
                span.k { (lang.t("送信元 → 宛先", "From → To")) }
                (org_name(lang, &c.sender_name, &c.sender_name_en)) " → " (org_name(lang, &c.addressee_name, &c.addressee_name_en))
                " " span.muted.small { (lang.t("（", "(")) (hop_label(lang, &r.hop_kind)) (lang.t("）", ")")) }
            }
            @if !c.added_names.is_empty() {
                span { span.k { (lang.t("追加の共有先", "Added recipients")) } (c.added_names.iter().zip(&c.added_names_en).map(|(ja, en)| org_name(lang, ja, en)).collect::<Vec<_>>().join(sep(lang))) }
            }
            span { span.k { (lang.t("分野", "Sector")) } (sector_name(&s.app, lang, &r.sector)) }
            span { span.k { (lang.t("送信日時", "Sent")) } (show_time(r.created_at)) }
            @if r.anonymised {
                span.badge.flag #anonymised { (lang.t("匿名化済み", "Anonymised")) }
            }
            @if let Some(d) = tlp_def { span.tlpdef { (d) } }
        }
    }
}

pub async fn copy_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let v = match s.app.view_copy(&a.actor, &CopyId(id)).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let c = v.get();
    let files = super::attachments::panel(
        &s,
        &a,
        lang,
        &kakehashi_app::attachments::Owner::Copy(c.record.id.clone()),
        super::attachments::may_attach_to_copy(&a, &c.record.sender_org),
    )
    .await;
    let body = html! {
        (super::layout::print_marking(lang, &c.record.tlp))
        h1.noprint { (lang.t("情報連絡", "Liaison")) " " (report_no_text(lang, c.record.report_no)) }
        (banner(&s, lang, c))
        div.actions {
            a.button.secondary #print-link href="#" { (lang.t("印刷", "Print")) }
            a.button.secondary #json-link href={ "/copies/" (c.record.id.0) "/form.json" } download { (lang.t("JSONで出力", "Download JSON")) }
            a.button.secondary #csv-link href={ "/copies/" (c.record.id.0) "/form.csv" } download { (lang.t("CSVで出力", "Download CSV")) }
            @if may_forward(&a, c) {
                a.button #forward-link href={ "/copies/" (c.record.id.0) "/forward" } { (lang.t("転送", "Forward")) }
            }
            @if super::share::may_share(&a, &c.record.addressee_org) {
                a.button.secondary #share-link href={ "/copies/" (c.record.id.0) "/share" } { (lang.t("共有 / Share", "Share")) }
            }
            a #chain-link href={ "/chains/" (c.record.chain.0) } { (lang.t("事案（連絡の流れ）を見る", "View the case (chain)")) }
        }
        (super::form_view::sheet(&s.app, lang, &c.form, c.ident.as_deref()))
        (files)
    };
    page(
        lang,
        lang.t("情報連絡", "Liaison"),
        Some(&a),
        Nav::None,
        body,
    )
    .into_response()
}

/// A one-click form that reloads the forward page with `masks` as the extra terms.
fn mask_form(copy: &CopyId, masks: &[String], button: Markup) -> Markup {
    html! {
        form.inline method="get" action={ "/copies/" (copy.0) "/forward" } {
            @for m in masks { input type="hidden" name="mask" value=(m); }
            (button)
        }
    }
}

/// `masks` with `value` added (once).
fn with_mask(masks: &[String], value: &str) -> Vec<String> {
    let mut out = masks.to_vec();
    if !out.iter().any(|m| m == value) {
        out.push(value.to_owned());
    }
    out
}

/// `masks` without the `i`-th.
fn without_mask(masks: &[String], i: usize) -> Vec<String> {
    masks
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, m)| m.clone())
        .collect()
}

fn where_label(lang: Lang, field: &'static str, row: Option<usize>) -> Markup {
    html! {
        (field_label(field).map(|(ja, en)| lang.t(ja, en)).unwrap_or(field))
        @if let Some(row) = row { " " (lang.t("行", "row")) " " (row + 1) }
    }
}

fn preview(lang: Lang, copy: &CopyId, an: &Anonymised, masks: &[String]) -> Markup {
    html! {
        section #anonymise-preview {
            h2 { (lang.t("匿名化プレビュー", "Anonymisation preview")) }
            p.muted.small {
                (lang.t("「匿名化して転送する」を選ぶと、報告した事業者を特定し得る箇所（名称・担当者・住所・電話番号・自社のドメイン・メールアドレス・IPアドレス）が置き換えられます。下の様式は置換後の内容です。",
                    "With 'Anonymise before forwarding', whatever identifies the reporting operator (names, people, addresses, phone numbers, its own domains, e-mail addresses and IP addresses) is replaced. The form below already shows the result."))
            }
            @if an.maskings.is_empty() {
                p.empty #no-maskings { (lang.t("置き換える箇所はありません。", "Nothing needs masking.")) }
            } @else {
                table.list #maskings {
                    thead { tr {
                        th scope="col" { (lang.t("項目", "Field")) }
                        th scope="col" { (lang.t("種別", "Kind")) }
                        th scope="col" { (lang.t("元の記載", "Original")) }
                        th scope="col" { (lang.t("置換後", "Replacement")) }
                    } }
                    tbody {
                        @for m in &an.maskings {
                            tr {
                                td { (where_label(lang, m.field, m.row)) }
                                td { (lang.t(m.kind.label(), m.kind.label_en())) }
                                td.pre { (m.original) }
                                td { "→ " (m.replacement) }
                            }
                        }
                    }
                }
            }
            @if !masks.is_empty() {
                h3 { (lang.t("追加で伏せる語", "Extra terms masked")) }
                ul #extra-masks {
                    @for (i, m) in masks.iter().enumerate() {
                        li {
                            span.mono { (m) } " "
                            (mask_form(copy, &without_mask(masks, i), html! {
                                button.secondary.small type="submit" { (lang.t("戻す", "Unmask")) }
                            }))
                        }
                    }
                }
            }
            h3 { (lang.t("残す指標（攻撃者側の情報）", "Indicators kept (the attacker's)")) }
            p.muted.small {
                (lang.t("報告者のものではないURL・ドメイン・メールアドレス・IPアドレス・ハッシュ値は、他の事業者の対策に必要なため残します。報告者を特定し得るものは「これも伏せる」で伏せてください。",
                    "URLs, domains, e-mail addresses, IP addresses and hashes that are not the reporter's stay: other operators need them. Mask any that could identify the reporter with 'Mask this too'."))
            }
            @if an.kept.is_empty() {
                p.empty #no-kept { (lang.t("残す指標はありません。", "No indicators are kept.")) }
            } @else {
                table.list #kept {
                    thead { tr {
                        th scope="col" { (lang.t("項目", "Field")) }
                        th scope="col" { (lang.t("種別", "Kind")) }
                        th scope="col" { (lang.t("記載", "As written")) }
                        th scope="col" { span.sr-only { (lang.t("操作", "Action")) } }
                    } }
                    tbody {
                        @for k in &an.kept {
                            tr {
                                td { (where_label(lang, k.field, k.row)) }
                                td { (lang.t(k.kind.label_ja(), k.kind.label_en())) }
                                td.pre.mono { (k.original) }
                                td {
                                    (mask_form(copy, &with_mask(masks, &k.value), html! {
                                        button.secondary.small.mask-this type="submit" { (lang.t("これも伏せる", "Mask this too")) }
                                    }))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Renders the forward editor, fetching what it shows (the copy, the preview, the directory).
async fn forward_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &CopyId,
    values: Option<Values>,
    masks: Vec<String>,
    errors: Vec<FieldErr>,
) -> Response {
    let v = match s.app.view_copy(&a.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let c = v.get();
    if !may_forward(a, c) {
        let e = AppError::forbidden(
            "自組織宛ての情報連絡を、承認・送信者として転送できます。",
            "Only an approver of the addressee (CEPTOAR or ministry) forwards a copy.",
        );
        return error_page(lang, Some(a), &e);
    }
    let ceptoar = a.actor.org.kind == OrgKind::Ceptoar;
    let (form, anonymised) = if ceptoar {
        match s.app.anonymise_preview(&a.actor, id, &masks).await {
            Ok(an) => {
                let an = an.into_inner();
                (an.form.clone(), Some(an))
            }
            Err(e) => return error_page(lang, Some(a), &e),
        }
    } else {
        (c.form.clone(), None)
    };
    let fresh = values.is_none();
    let values = values.unwrap_or_else(|| {
        let mut v = to_values(&form);
        v.set("reported_at", local_value(Some(s.app.now())));
        v.set("sector", c.record.sector.clone());
        if ceptoar {
            v.set("anonymise", "true");
            for m in &masks {
                v.push("mask", m.clone());
            }
        }
        profile_sender(&mut v, a);
        v
    });
    let orgs = match s.app.organisations().await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let editor = Editor {
        app: &s.app,
        lang,
        authed: a,
        mode: Mode::Forward {
            report_no: c.record.report_no,
            ident: c.ident.clone(),
            ceptoar,
        },
        action: format!("/copies/{}/forward", c.record.id.0),
        values: &values,
        errors: &errors,
        sectors: vec![],
        sector_fixed: true,
        recipients: recipient_options(lang, &orgs, &a.actor.org.id.0),
        route_preview: route_box(s, a, lang, &values, &Filing::forward(id)).await,
        inherited: None,
    };
    let title = lang.t("転送", "Forward");
    let body = html! {
        h1 { (title) " — " (report_no_text(lang, c.record.report_no)) }
        p {
            (lang.t("受信した写し", "Received copy")) (colon(lang))
            a href={ "/copies/" (c.record.id.0) } { (org_name(lang, &c.sender_name, &c.sender_name_en)) " → " (org_name(lang, &c.addressee_name, &c.addressee_name_en)) }
            " " (tlp_badge(&c.record.tlp))
        }
        p.muted {
            @if ceptoar {
                (lang.t("所管省庁へ転送します。この転送は貴セプターを送信者とする新しい写しになり、TLPと重要度を改めて設定できます。",
                    "Goes to the sector's ministry as a new copy sent by your CEPTOAR, with its own TLP and importance."))
            } @else {
                (lang.t("内閣官房（NISC）へ転送します。内容を補完・修正し、重要度と貴省庁のTLPを設定してください。",
                    "Goes to the Cabinet Secretariat (NISC). Complete or correct the content, then set the importance and your own TLP."))
            }
        }
        @if let Some(an) = &anonymised { (preview(lang, &c.record.id, an, &masks)) }
        (consent_panel(s, a, lang, c).await)
        @if fresh && ceptoar {
            p.small { (lang.t("※ 下の様式は匿名化後の内容で記入済みです。", "* The form below is prefilled with the anonymised content.")) }
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

/// Forwarding under a looser TLP than the copy's needs its sender's consent: the requests made
/// so far and a form to ask for one.
async fn consent_panel(s: &AppState, a: &Authed, lang: Lang, c: &CopyView) -> Markup {
    let Some(sent) = Tlp::from_code(&c.record.tlp) else {
        return html! {};
    };
    let looser: Vec<Tlp> = Tlp::ALL
        .into_iter()
        .filter(|t| !t.at_least_as_strict_as(sent))
        .collect();
    let asked = s
        .app
        .forward_consents(&a.actor, &c.record.id)
        .await
        .map(|v| v.into_inner())
        .unwrap_or_default();
    if looser.is_empty() && asked.is_empty() {
        return html! {};
    }
    html! {
        section #forward-consents {
            h2 { (lang.t("より緩いTLPでの転送（送信元の同意）", "Forwarding under a looser TLP (sender's consent)")) }
            p.muted.small { (lang.t(
                "受信したTLPより緩い範囲で転送するには、この写しの送信元の同意が必要です。",
                "To forward under a looser TLP than received, this copy's sender must consent."
            )) }
            @if !asked.is_empty() {
                ul #forward-consent-list {
                    @for r in &asked {
                        li {
                            (show_time(r.created_at)) " "
                            @if let Some(t) = &r.tlp { (tlp_badge(t)) } " "
                            @match r.status.as_str() {
                                "approved" => span.badge.st-closed { (lang.t("同意", "Approved")) },
                                "refused" => span.badge.flag { (lang.t("不同意", "Refused")) },
                                _ => span.badge { (lang.t("未回答", "Pending")) },
                            }
                            @if !r.note.is_empty() { " " span.small { (r.note) } }
                        }
                    }
                }
            }
            @if !looser.is_empty() {
                form method="post" action={ "/copies/" (c.record.id.0) "/consents" } #forward-consent-form {
                    input type="hidden" name="csrf" value=(a.csrf());
                    label { (lang.t("希望するTLP", "TLP wanted")) " "
                        select name="tlp" {
                            @for t in &looser { option value=(t.code()) { "TLP:" (t.code()) } }
                        }
                    }
                    " "
                    input type="text" name="note" aria-label=(lang.t("理由", "Reason"))
                        placeholder=(lang.t("理由（任意）", "Reason (optional)"));
                    " " button type="submit" { (lang.t("送信元に同意を依頼", "Ask the sender to consent")) }
                }
            }
        }
    }
}

/// Asks the copy's sender to consent to a looser TLP, then returns to the forward page.
pub async fn ask_consent_submit(
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
    match s
        .app
        .request_forward_consent(&a.actor, &id, values.get("tlp"), values.get("note"))
        .await
    {
        Ok(_) if values.get("back") == "share" => {
            Redirect::to(&format!("/copies/{}/share#reporter-consent", id.0)).into_response()
        }
        Ok(_) => {
            Redirect::to(&format!("/copies/{}/forward#forward-consents", id.0)).into_response()
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// The forward page; `?mask=…` (repeatable) adds extra terms to mask, chosen in the preview.
pub async fn forward_form(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let mut masks: Vec<String> = Vec::new();
    for (k, v) in q {
        if k == "mask" && !v.trim().is_empty() && !masks.contains(&v) {
            masks.push(v);
        }
    }
    forward_page(&s, &a, lang, &CopyId(id), None, masks, vec![]).await
}

pub async fn forward_submit(
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
    let id = CopyId(id);
    let masks: Vec<String> = values.all("mask").map(str::to_owned).collect();
    if values.flag("back") {
        values.remove("back");
        values.remove("confirmed");
        return forward_page(&s, &a, lang, &id, Some(values), masks, vec![]).await;
    }
    let confirmed = values.flag("confirmed");
    values.remove("confirmed");
    let parsed = parse(&values);
    if !parsed.errors.is_empty() {
        let mut errors = parsed.errors.clone();
        errors.extend(prevalidate(&parsed, s.app.reference, s.app.now()));
        return forward_page(&s, &a, lang, &id, Some(values), masks, errors).await;
    }
    let req = ForwardRequest {
        form: parsed.form,
        anonymise: parsed.route.anonymise,
        added_recipients: parsed.route.added_recipients,
        mask: if parsed.route.anonymise {
            masks.clone()
        } else {
            vec![]
        },
    };
    // Every forward is confirmed first: recipients, TLP and importance on one page.
    if !confirmed {
        return match s.app.check_forward(&a.actor, &id, req).await {
            Ok(plan) => {
                let k = match s.app.view_copy(&a.actor, &id).await {
                    Ok(v) => v.get().record.report_no,
                    Err(e) => return error_page(lang, Some(&a), &e),
                };
                confirm_page(
                    &s,
                    &a,
                    lang,
                    &format!("/copies/{}/forward", id.0),
                    &what(lang, &Filing::forward(&id), k),
                    &values,
                    &plan,
                )
            }
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                forward_page(&s, &a, lang, &id, Some(values), masks, from_app_errors(&e)).await
            }
            Err(e) => error_page(lang, Some(&a), &e),
        };
    }
    match Outcome::from(s.app.forward(&a.actor, &id, req).await) {
        Outcome::Sent(filed) => Redirect::to(&sent_location(&filed)).into_response(),
        Outcome::Invalid(errors) => {
            forward_page(&s, &a, lang, &id, Some(values), masks, errors).await
        }
        Outcome::Failed(e) => error_page(lang, Some(&a), &e),
    }
}
