//! 管理 — the organisation directory (platform administrators create organisations) and each
//! organisation's people (its org administrators or a platform administrator manage them).
//! The use cases enforce who may do what; the pages only hide what a person cannot use.

use super::form_parse::{from_app_errors, FieldErr, Values};
use super::layout::{error_page, may_admin, org_name, page, sector_name, sep, Nav};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::orgs::{NewOrg, NewPerson};
use kakehashi_app::AppError;
use kakehashi_domain::{OrgId, OrgKind, PersonId, Role};
use kakehashi_store::OrgRecord;
use maud::{html, Markup};

fn kind_label(lang: Lang, code: &str) -> String {
    match OrgKind::from_code(code) {
        Some(k) => lang.t(k.label_ja(), k.label_en()).to_owned(),
        None => code.to_owned(),
    }
}

fn role_label(lang: Lang, r: Role) -> &'static str {
    lang.t(r.label_ja(), r.label_en())
}

/// Roles the actor could give (their own; every role for a platform administrator). The use
/// cases decide; this only keeps the forms from offering what would be refused.
fn grantable(a: &Authed) -> impl Iterator<Item = Role> + '_ {
    Role::ALL
        .into_iter()
        .filter(|r| a.actor.is_platform_admin() || a.actor.has(*r))
}

/// Comma- (or 、-) separated text to a list.
fn list(s: &str) -> Vec<String> {
    s.split([',', '、', '\n'])
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

fn not_admin() -> AppError {
    AppError::forbidden(
        "管理画面は組織管理者・プラットフォーム管理者のみ利用できます。",
        "Only organisation or platform administrators use the admin pages.",
    )
}

/// Errors at the top of a form (the admin forms are short, so one summary is enough).
fn error_box(lang: Lang, errors: &[FieldErr]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.errbox #form-errors role="alert" {
                ul { @for e in errors { li { (lang.t(&e.message_ja, &e.message_en)) } } }
            }
        }
    }
}

fn err_at(lang: Lang, errors: &[FieldErr], field: &str) -> Markup {
    html! { @for e in errors.iter().filter(|e| e.field == field) { p.err { (lang.t(&e.message_ja, &e.message_en)) } } }
}

fn status(errors: &[FieldErr]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

async fn orgs_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    values: &Values,
    errors: &[FieldErr],
) -> Response {
    if !may_admin(a) {
        return error_page(lang, Some(a), &not_admin());
    }
    let mut orgs = match s.app.organisations().await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    orgs.sort_by(|x, y| (&x.kind, &x.name_ja).cmp(&(&y.kind, &y.name_ja)));
    let title = lang.t("管理：組織", "Admin: organisations");
    let body = html! {
        h1 { (title) }
        table.list #orgs {
            thead { tr {
                th { (lang.t("組織名", "Name")) }
                th { (lang.t("種別", "Kind")) }
                th { (lang.t("分野", "Sectors")) }
                th { (lang.t("登録日", "Created")) }
            } }
            tbody {
                @for o in &orgs {
                    tr {
                        td {
                            @if a.actor.may_manage_people_of(&o.id) {
                                a.org-link href={ "/admin/orgs/" (o.id.0) } { (org_name(lang, &o.name_ja, &o.name_en)) }
                            } @else {
                                (org_name(lang, &o.name_ja, &o.name_en))
                            }
                            br; span.muted.small.mono { (o.id.0) }
                        }
                        td { (kind_label(lang, &o.kind)) }
                        td.small { @for (i, x) in o.sectors.iter().enumerate() { @if i > 0 { (sep(lang)) } (sector_name(&s.app, lang, x)) } }
                        td.nowrap { (show_time(o.created_at)) }
                    }
                }
            }
        }
        @if a.actor.is_platform_admin() {
            (org_form(s, a, lang, &orgs, values, errors))
        }
    };
    (status(errors), page(lang, title, Some(a), Nav::Admin, body)).into_response()
}

fn org_form(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    orgs: &[OrgRecord],
    v: &Values,
    errors: &[FieldErr],
) -> Markup {
    let kind = v.get("kind");
    html! {
        h2 #create-org { (lang.t("組織の作成", "Create an organisation")) }
        (error_box(lang, errors))
        form method="post" action="/admin/orgs" {
            input type="hidden" name="csrf" value=(a.csrf());
            div.field {
                label.lbl.req for="org-kind" { (lang.t("種別", "Kind")) }
                select #org-kind name="kind" {
                    @for k in OrgKind::ALL {
                        option value=(k.code()) selected[kind == k.code() || (kind.is_empty() && k == OrgKind::Operator)] { (lang.t(k.label_ja(), k.label_en())) }
                    }
                }
                (err_at(lang, errors, "kind"))
            }
            div.field {
                label.lbl.req for="org-name_ja" { (lang.t("組織名（日本語）", "Name (Japanese)")) }
                input #org-name_ja type="text" name="name_ja" value=(v.get("name_ja"));
                (err_at(lang, errors, "name_ja"))
            }
            div.field {
                label.lbl for="org-name_en" { (lang.t("組織名（英語）", "Name (English)")) }
                input #org-name_en type="text" name="name_en" value=(v.get("name_en"));
                (err_at(lang, errors, "name_en"))
            }
            div.field {
                label.lbl for="org-sectors" { (lang.t("分野（事業者・セプターは必須。所管省庁は所管分野）", "Sectors (required for operators and CEPTOARs; a ministry's overseen sectors)")) }
                select.wide #org-sectors name="sectors" multiple {
                    @for sec in s.app.reference.sectors() {
                        option value=(sec.id) selected[v.has("sectors", &sec.id)] { (lang.t(&sec.name_ja, &sec.name_en)) }
                    }
                }
                (err_at(lang, errors, "sectors"))
            }
            div.field {
                label.lbl for="org-ceptoars" { (lang.t("所属セプター（事業者のみ）", "CEPTOAR membership (operators only)")) }
                select.wide #org-ceptoars name="ceptoars" multiple {
                    @for o in orgs.iter().filter(|o| o.kind == OrgKind::Ceptoar.code()) {
                        option value=(o.id.0) selected[v.has("ceptoars", &o.id.0)] { (org_name(lang, &o.name_ja, &o.name_en)) }
                    }
                }
                (err_at(lang, errors, "ceptoars"))
            }
            div.field {
                label for="org-nisc_partner" {
                    input #org-nisc_partner type="checkbox" name="nisc_partner" value="true" checked[v.flag("nisc_partner")];
                    " " (lang.t("NISCがあらかじめ連携を要請した機関（※１）", "An agency NISC has asked in advance to cooperate (*1)"))
                }
            }
            div.field {
                label.lbl for="org-aliases" { (lang.t("別名（カンマ区切り。匿名化に使用）", "Aliases (comma-separated; used for anonymisation)")) }
                input #org-aliases type="text" name="aliases" value=(v.get("aliases"));
                (err_at(lang, errors, "aliases"))
            }
            div.field {
                label.lbl for="org-domains" { (lang.t("ドメイン（カンマ区切り）", "Domains (comma-separated)")) }
                input #org-domains type="text" name="domains" value=(v.get("domains"));
                (err_at(lang, errors, "domains"))
            }
            p.muted.small {
                (lang.t("以下は、この組織がセプター経由で報告する際に匿名化で伏せる識別情報です（本組織と管理者以外には表示されません）。",
                    "The details below identify the organisation when it reports through its CEPTOAR and are masked by the anonymisation (shown only to the organisation and administrators)."))
            }
            div.field {
                label.lbl for="org-addresses" { (lang.t("所在地（1行に1件）", "Postal addresses (one per line)")) }
                textarea #org-addresses name="addresses" rows="2" { (v.get("addresses")) }
                (err_at(lang, errors, "addresses"))
            }
            div.field {
                label.lbl for="org-phones" { (lang.t("電話・FAX番号（カンマ区切り）", "Phone and fax numbers (comma-separated)")) }
                input #org-phones type="text" name="phones" value=(v.get("phones"));
                (err_at(lang, errors, "phones"))
            }
            div.field {
                label.lbl for="org-emails" { (lang.t("メールアドレス（カンマ区切り）", "E-mail addresses (comma-separated)")) }
                input #org-emails type="text" name="emails" value=(v.get("emails"));
                (err_at(lang, errors, "emails"))
            }
            div.field {
                label.lbl for="org-ip_ranges" { (lang.t("IPアドレス・範囲（カンマ区切り、例: 192.0.2.0/24）", "IP addresses and ranges (comma-separated, e.g. 192.0.2.0/24)")) }
                input #org-ip_ranges type="text" name="ip_ranges" value=(v.get("ip_ranges"));
                (err_at(lang, errors, "ip_ranges"))
            }
            div.actions { button #create-org-submit type="submit" { (lang.t("作成する", "Create")) } }
        }
    }
}

pub async fn orgs(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    orgs_page(&s, &a, lang, &Values::default(), &[]).await
}

pub async fn create_org(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let input = NewOrg {
        kind: v.get("kind").trim().to_owned(),
        name_ja: v.get("name_ja").to_owned(),
        name_en: v.get("name_en").to_owned(),
        sectors: v.all("sectors").map(str::to_owned).collect(),
        ceptoars: v.all("ceptoars").map(str::to_owned).collect(),
        nisc_partner: v.flag("nisc_partner"),
        aliases: list(v.get("aliases")),
        domains: list(v.get("domains")),
        addresses: v
            .get("addresses")
            .lines()
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect(),
        phones: list(v.get("phones")),
        emails: list(v.get("emails")),
        ip_ranges: list(v.get("ip_ranges")),
    };
    match s.app.create_org(Some(&a.actor), input).await {
        Ok(o) => Redirect::to(&format!("/admin/orgs/{}", o.id.0)).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Invalid(_))) => {
            orgs_page(&s, &a, lang, &v, &from_app_errors(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

async fn people_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    org_id: &str,
    v: &Values,
    errors: &[FieldErr],
) -> Response {
    let org = OrgId(org_id.to_owned());
    let people = match s.app.people_of(&a.actor, &org).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let options = match s.app.administration_options(&a.actor, &people).await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let record = match s.app.organisations().await {
        Ok(list) => list.into_iter().find(|o| o.id == org),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let Some(o) = record else {
        return error_page(lang, Some(a), &AppError::NotFound);
    };
    let name = org_name(lang, &o.name_ja, &o.name_en).to_owned();
    let ntk_all = v.get("need_to_know") != "sectors";
    let employment = v.get("employment");
    let body = html! {
        h1 { (name) }
        p.muted { (kind_label(lang, &o.kind)) " · " span.mono { (o.id.0) } " · " a href="/admin" { (lang.t("組織一覧へ", "All organisations")) } }
        h2 { (lang.t("利用者", "People")) }
        @if people.is_empty() {
            p.empty #empty { (lang.t("利用者はいません。", "No people yet.")) }
        } @else {
            table.list #people {
                thead { tr {
                    th { (lang.t("ログイン名", "Login")) }
                    th { (lang.t("氏名", "Name")) }
                    th { (lang.t("役割", "Roles")) }
                    th { (lang.t("雇用形態", "Employment")) }
                    th { (lang.t("業務上知る必要", "Need to know")) }
                    th { (lang.t("状態", "State")) }
                    th { (lang.t("操作", "Manage")) }
                } }
                tbody {
                    @for (p, may) in people.iter().zip(&options) {
                        tr data-login=(p.login) {
                            td.mono { (p.login) }
                            td { (p.display_name) @if !p.department.is_empty() { br; span.muted.small { (p.department) } } }
                            td.small { @for (i, r) in p.roles.iter().filter_map(|c| Role::from_code(c)).enumerate() { @if i > 0 { (sep(lang)) } (role_label(lang, r)) } }
                            td.small { @if p.employment == "nda_contractor" { (lang.t("委託先等（秘密保持契約）", "Contractor under NDA")) } @else { (lang.t("職員", "Staff")) } }
                            td.small {
                                @match &p.need_to_know {
                                    None => { (lang.t("全分野", "All sectors")) }
                                    Some(list) if list.is_empty() => { (lang.t("なし", "None")) }
                                    Some(list) => { @for (i, x) in list.iter().enumerate() { @if i > 0 { (sep(lang)) } (sector_name(&s.app, lang, x)) } }
                                }
                            }
                            td {
                                @if p.active { span { (lang.t("有効", "Active")) } } @else { span.muted { (lang.t("無効", "Inactive")) } }
                                @if p.must_change_password { br; span.muted.small.must-change { (lang.t("パスワード変更待ち", "Password change pending")) } }
                                @if may.set_active {
                                    form method="post" action={ "/admin/people/" (p.id.0) "/active" } {
                                        input type="hidden" name="csrf" value=(a.csrf());
                                        input type="hidden" name="org" value=(o.id.0);
                                        @if p.active {
                                            input type="hidden" name="active" value="false";
                                            button.danger.small.deactivate type="submit" { (lang.t("無効にする", "Deactivate")) }
                                        } @else {
                                            input type="hidden" name="active" value="true";
                                            button.secondary.small.activate type="submit" { (lang.t("有効にする", "Activate")) }
                                        }
                                    }
                                }
                            }
                            td.small {
                                @if may.set_roles {
                                    details.roles {
                                        summary { (lang.t("役割の変更", "Change roles")) }
                                        form method="post" action={ "/admin/people/" (p.id.0) "/roles" } {
                                            input type="hidden" name="csrf" value=(a.csrf());
                                            input type="hidden" name="org" value=(o.id.0);
                                            @for r in grantable(a) {
                                                @let id = format!("role-{}-{}", p.id.0, r.code());
                                                label for=(id) {
                                                    input type="checkbox" id=(id) name="roles" value=(r.code()) checked[p.roles.iter().any(|c| c == r.code())];
                                                    " " (role_label(lang, r))
                                                } " "
                                            }
                                            button.small type="submit" { (lang.t("保存", "Save")) }
                                        }
                                    }
                                }
                                @if may.reset_password {
                                    details.reset {
                                        summary { (lang.t("パスワードの再設定", "Reset password")) }
                                        form method="post" action={ "/admin/people/" (p.id.0) "/password" } {
                                            input type="hidden" name="csrf" value=(a.csrf());
                                            input type="hidden" name="org" value=(o.id.0);
                                            @let id = format!("reset-{}", p.id.0);
                                            label.lbl for=(id) { (lang.t("一時パスワード（12文字以上。本人が次回ログイン時に変更）", "One-time password (12+ characters; changed by the person at next sign-in)")) }
                                            input type="password" id=(id) name="password" autocomplete="new-password";
                                            button.small type="submit" { (lang.t("設定", "Set")) }
                                        }
                                    }
                                }
                                @if !may.set_active && !may.set_roles && !may.reset_password {
                                    span.muted { (lang.t("管理できません", "Not yours to manage")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #create-person { (lang.t("利用者の追加", "Add a person")) }
        (error_box(lang, errors))
        form method="post" action={ "/admin/orgs/" (o.id.0) "/people" } {
            input type="hidden" name="csrf" value=(a.csrf());
            div.field {
                label.lbl.req for="p-login" { (lang.t("ログイン名", "Login name")) }
                input #p-login type="text" name="login" value=(v.get("login")) autocomplete="off";
                (err_at(lang, errors, "login"))
            }
            div.field {
                label.lbl.req for="p-display_name" { (lang.t("氏名", "Display name")) }
                input #p-display_name type="text" name="display_name" value=(v.get("display_name"));
                (err_at(lang, errors, "display_name"))
            }
            div.field {
                label.lbl for="p-email" { (lang.t("電子メールアドレス", "E-mail")) }
                input #p-email type="email" name="email" value=(v.get("email"));
            }
            div.field {
                label.lbl for="p-phone" { (lang.t("電話番号", "Phone")) }
                input #p-phone type="tel" name="phone" value=(v.get("phone"));
            }
            div.field {
                label.lbl for="p-department" { (lang.t("部局名", "Department")) }
                input #p-department type="text" name="department" value=(v.get("department"));
            }
            div.field {
                label.lbl.req for="p-password" { (lang.t("初期パスワード（12文字以上。本人が初回ログイン時に変更）", "Initial password (12+ characters; changed by the person at first sign-in)")) }
                input #p-password type="password" name="password" autocomplete="new-password";
                (err_at(lang, errors, "password"))
            }
            fieldset {
                legend.req { (lang.t("役割", "Roles")) }
                div.opts {
                    @for r in grantable(a) {
                        @let id = format!("p-role-{}", r.code());
                        label for=(id) {
                            input type="checkbox" id=(id) name="roles" value=(r.code()) checked[v.has("roles", r.code())];
                            " " (role_label(lang, r))
                        }
                    }
                }
                (err_at(lang, errors, "roles"))
            }
            fieldset {
                legend.req { (lang.t("雇用形態", "Employment")) }
                div.opts {
                    label for="p-emp-staff" {
                        input #p-emp-staff type="radio" name="employment" value="staff" checked[employment != "nda_contractor"];
                        " " (lang.t("職員", "Staff"))
                    }
                    label for="p-emp-nda" {
                        input #p-emp-nda type="radio" name="employment" value="nda_contractor" checked[employment == "nda_contractor"];
                        " " (lang.t("コンサルタント・外部委託先等（秘密保持契約下）", "Consultant / contractor under an NDA"))
                    }
                }
                p.muted.small { (lang.t("TLP:AMBER+STRICT は職員のみ、AMBER は秘密保持契約下の委託先等も閲覧できます。",
                    "TLP:AMBER+STRICT is for staff only; AMBER also reaches contractors under an NDA.")) }
                (err_at(lang, errors, "employment"))
            }
            fieldset {
                legend { (lang.t("業務上知る必要（閲覧できる制限付き情報の分野）", "Need to know (sectors of restricted information)")) }
                div.opts.col {
                    label for="p-ntk-all" {
                        input #p-ntk-all type="radio" name="need_to_know" value="all" checked[ntk_all];
                        " " (lang.t("全分野", "All sectors"))
                    }
                    label for="p-ntk-sectors" {
                        input #p-ntk-sectors type="radio" name="need_to_know" value="sectors" checked[!ntk_all];
                        " " (lang.t("選択した分野のみ", "Only the chosen sectors"))
                    }
                }
                label.sr for="p-ntk-list" { (lang.t("分野", "Sectors")) }
                select.wide #p-ntk-list name="ntk_sectors" multiple {
                    @for sec in s.app.reference.sectors() {
                        option value=(sec.id) selected[v.has("ntk_sectors", &sec.id)] { (lang.t(&sec.name_ja, &sec.name_en)) }
                    }
                }
                (err_at(lang, errors, "need_to_know"))
            }
            div.actions { button #create-person-submit type="submit" { (lang.t("追加する", "Add")) } }
        }
    };
    (status(errors), page(lang, &name, Some(a), Nav::Admin, body)).into_response()
}

pub async fn org_people(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    people_page(&s, &a, lang, &id, &Values::default(), &[]).await
}

pub async fn create_person(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let input = NewPerson {
        org: id.clone(),
        login: v.get("login").to_owned(),
        display_name: v.get("display_name").to_owned(),
        email: v.get("email").to_owned(),
        phone: v.get("phone").to_owned(),
        department: v.get("department").to_owned(),
        password: v.get("password").to_owned(),
        roles: v.all("roles").map(str::to_owned).collect(),
        employment: v.get("employment").to_owned(),
        need_to_know: (v.get("need_to_know") == "sectors")
            .then(|| v.all("ntk_sectors").map(str::to_owned).collect()),
    };
    match s.app.create_person(Some(&a.actor), input).await {
        Ok(_) => Redirect::to(&format!("/admin/orgs/{id}")).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Invalid(_))) => {
            // The password is never sent back to the browser.
            v.set("password", "");
            people_page(&s, &a, lang, &id, &v, &from_app_errors(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn set_active(
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
    let active = v.get("active") == "true";
    if let Err(e) = s
        .app
        .set_person_active(&a.actor, &PersonId(id), active)
        .await
    {
        return error_page(lang, Some(&a), &e);
    }
    back_to_org(&v)
}

pub async fn set_roles(
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
    let roles: Vec<String> = v.all("roles").map(str::to_owned).collect();
    if let Err(e) = s
        .app
        .set_person_roles(&a.actor, &PersonId(id), &roles)
        .await
    {
        return error_page(lang, Some(&a), &e);
    }
    back_to_org(&v)
}

pub async fn reset_password(
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
    if let Err(e) = s
        .app
        .reset_person_password(&a.actor, &PersonId(id), v.get("password"))
        .await
    {
        return error_page(lang, Some(&a), &e);
    }
    back_to_org(&v)
}

/// Back to the organisation's page; the id only goes into our own path.
fn back_to_org(v: &Values) -> Response {
    let org = v.get("org");
    let safe = !org.is_empty()
        && org
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if safe {
        Redirect::to(&format!("/admin/orgs/{org}")).into_response()
    } else {
        Redirect::to("/admin").into_response()
    }
}
