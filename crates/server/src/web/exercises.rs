//! 演習・セプター訓練 — the pages: the list (the organiser's form to design one; a participant's
//! exercises and tasks), one exercise with its scenario and the organiser's controls, and the
//! after-action report with its lessons. Every page here carries the exercise banner; CEPTOAR
//! training is shown as セプター訓練 throughout.

use super::form_parse::Values;
use super::layout::{error_page, org_name, page, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::exercises::{
    AfterActionReport, ExerciseView, LessonInput, NewExercise, NewInject, OrgName,
};
use kakehashi_app::AppError;
use kakehashi_domain::exercise::{Aggregate, ExerciseKind, ExerciseState, InjectKind, LessonState};
use kakehashi_domain::{OrgKind, Tlp};
use maud::{html, Markup};

/// The banner every page of an exercise (or filed in one) carries.
pub fn exercise_banner(lang: Lang, name: &str) -> Markup {
    html! {
        div.ex-banner #exercise-banner role="note" {
            (lang.t("【演習】", "[EXERCISE] "))
            (lang.t("これは演習です。実際の事案ではありません — ", "This is an exercise, not a real case — "))
            (name)
        }
    }
}

fn name(lang: Lang, o: &OrgName) -> String {
    org_name(lang, &o.name_ja, &o.name_en).to_owned()
}

fn minutes(lang: Lang, m: Option<i64>) -> String {
    match m {
        Some(m) => format!("{m}{}", lang.t("分", " min")),
        None => lang.t("—", "—").to_owned(),
    }
}

fn status(err: Option<&AppError>) -> StatusCode {
    match err {
        Some(e) => crate::error::status_of(e).0,
        None => StatusCode::OK,
    }
}

fn csrf_refused(a: &Authed, values: &Values, lang: Lang) -> Option<Response> {
    a.check_csrf(values.get("csrf"))
        .err()
        .map(|e| error_page(lang, Some(a), &e))
}

fn kind_text(lang: Lang, v: &ExerciseView) -> &'static str {
    lang.t(v.kind_label_ja, v.kind_label_en)
}

/// `/exercises`: the exercises the organisation organises or takes part in.
pub async fn list(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render_list(&s, &a, lang, None).await
}

async fn render_list(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let all = match s.app.exercises(&a.actor).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let organises = s.app.organises_exercises(&a.actor);
    let candidates = if organises {
        s.app
            .exercise_candidates(&a.actor)
            .await
            .unwrap_or_default()
    } else {
        vec![]
    };
    let title = if a.actor.org.kind == OrgKind::Ceptoar {
        lang.t("セプター訓練", "CEPTOAR training")
    } else {
        lang.t("演習・セプター訓練", "Exercises and CEPTOAR training")
    };
    let body = html! {
        h1 { (title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if all.is_empty() {
            p #no-exercises { (lang.t("参加中・主催中の演習はありません。", "No exercises you organise or take part in.")) }
        } @else {
            table #exercise-list {
                thead { tr {
                    th { (lang.t("演習名", "Name")) } th { (lang.t("種別", "Kind")) }
                    th { (lang.t("主催", "Organiser")) } th { (lang.t("状態", "State")) }
                } }
                tbody {
                    @for v in &all {
                        tr {
                            td { a href={ "/exercises/" (v.id) } { (lang.t("【演習】", "[EXERCISE] ")) (v.name) } }
                            td { (kind_text(lang, v)) }
                            td { (name(lang, &v.organiser)) }
                            td { (lang.t(v.state_label_ja, v.state_label_en)) }
                        }
                    }
                }
            }
        }
        @if organises && a.actor.has(kakehashi_domain::Role::Approver) {
            section #new-exercise {
                h2 { (lang.t("演習を設計する", "Design an exercise")) }
                form method="post" action="/exercises" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    @if a.actor.org.kind == OrgKind::Ceptoar {
                        input type="hidden" name="kind" value=(ExerciseKind::CeptoarTraining.code());
                    } @else {
                        label { (lang.t("種別", "Kind")) " "
                            select name="kind" {
                                @for k in ExerciseKind::ALL { option value=(k.code()) { (lang.t(k.label_ja(), k.label_en())) } }
                            }
                        }
                    }
                    label { (lang.t("演習名", "Name")) " " input type="text" name="name" required; }
                    label { (lang.t("目的（検証すること）", "Purpose (what it verifies)")) " " input type="text" name="purpose"; }
                    fieldset {
                        legend { (lang.t("参加組織", "Participants")) }
                        @for o in &candidates {
                            label.check { input type="checkbox" name="participants" value=(o.id.0); " " (org_name(lang, &o.name_ja, &o.name_en)) }
                        }
                    }
                    button #create-exercise type="submit" { (lang.t("設計を開始", "Create")) }
                }
            }
        }
    };
    (status(err), page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn create(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let req = NewExercise {
        kind: Some(values.get("kind").to_owned()),
        name: values.get("name").to_owned(),
        purpose: values.get("purpose").to_owned(),
        participants: values.all("participants").map(str::to_owned).collect(),
    };
    match s.app.create_exercise(&a.actor, req).await {
        Ok(v) => Redirect::to(&format!("/exercises/{}", v.id)).into_response(),
        Err(e @ AppError::BadField { .. }) => render_list(&s, &a, lang, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `/exercises/{id}`: the scenario (organiser) or the tasks (participant).
pub async fn show(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render_show(&s, &a, lang, &id, None).await
}

async fn render_show(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let v = match s.app.exercise(&a.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let title = format!("{}{}", lang.t("【演習】", "[EXERCISE] "), v.name);
    let live = v.state == ExerciseState::Running;
    let body = html! {
        (exercise_banner(lang, &v.name))
        h1 { (v.name) }
        @if let Some(e) = err { (err_box(lang, e)) }
        dl #exercise-state {
            dt { (lang.t("種別", "Kind")) } dd #exercise-kind { (kind_text(lang, &v)) }
            dt { (lang.t("主催", "Organiser")) } dd { (name(lang, &v.organiser)) }
            @if !v.purpose.is_empty() { dt { (lang.t("目的", "Purpose")) } dd { (v.purpose) } }
            dt { (lang.t("状態", "State")) } dd #exercise-status data-state=(v.state.code()) { (lang.t(v.state_label_ja, v.state_label_en)) }
            @if let Some(t) = v.started_at { dt { (lang.t("開始", "Started")) } dd { (show_time(t)) } }
            @if let Some(t) = v.ended_at { dt { (lang.t("終了", "Ended")) } dd { (show_time(t)) } }
            dt { (lang.t("参加組織", "Participants")) }
            dd {
                @for (i, p) in v.participants.iter().enumerate() { @if i > 0 { (lang.t("、", ", ")) } (name(lang, p)) }
                @if v.participants.len() < v.participant_count {
                    (lang.t("（ほか", " (and ")) (v.participant_count - v.participants.len()) (lang.t("組織）", " more)"))
                }
            }
        }
        p { a #report-link href={ "/exercises/" (v.id) "/report" } { (lang.t("事後評価（応答時間・教訓）を見る", "After-action report (response times, lessons)")) } }
        section #injects {
            h2 { @if v.may_manage { (lang.t("シナリオ", "Scenario")) } @else { (lang.t("課題", "Tasks")) } }
            @if v.injects.is_empty() {
                p { (lang.t("まだありません。", "None yet.")) }
            } @else {
                table {
                    thead { tr {
                        th { (lang.t("開始から", "Offset")) } th { (lang.t("種別", "Kind")) } th { (lang.t("件名", "Title")) }
                        th { "TLP" } th { (lang.t("実行", "Fired")) } th { (lang.t("操作", "Action")) }
                    } }
                    tbody {
                        @for i in &v.injects {
                            tr {
                                td { (i.offset_minutes) (lang.t("分", " min")) }
                                td { (lang.t(i.kind_label_ja, i.kind_label_en)) }
                                td { (i.title) @if !i.body.is_empty() { br; span.muted.small { (i.body) } } }
                                td { (i.tlp) }
                                td { @if let Some(t) = i.fired_at { (show_time(t)) } @else { (lang.t("未実行", "Not yet")) } }
                                td {
                                    @if v.may_manage && live && i.fired_at.is_none() {
                                        form method="post" action={ "/exercises/" (v.id) "/injects/" (i.seq) "/fire" } {
                                            input type="hidden" name="csrf" value=(a.csrf());
                                            button.fire type="submit" { (lang.t("今すぐ実行", "Fire now")) }
                                        }
                                    }
                                    @if !v.may_manage && live && i.fired_at.is_some() && i.kind == InjectKind::Liaison {
                                        a.task href={ "/liaison/new?exercise=" (v.id) } { (lang.t("この演習で情報連絡を作成", "File a liaison in this exercise")) }
                                    }
                                    @if let Some(c) = &i.check_id {
                                        a href={ "/contact-checks/" (c) } { (lang.t("連絡確認を開く", "Open the contact check")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if v.may_manage {
            @if v.state.editable() {
                section #add-inject {
                    h2 { (lang.t("インジェクトを追加", "Add an inject")) }
                    form method="post" action={ "/exercises/" (v.id) "/injects" } {
                        input type="hidden" name="csrf" value=(a.csrf());
                        label { (lang.t("種別", "Kind")) " "
                            select name="kind" {
                                @for k in InjectKind::ALL.into_iter().filter(|k| k.fits(v.kind)) {
                                    option value=(k.code()) { (lang.t(k.label_ja(), k.label_en())) }
                                }
                            }
                        }
                        label { (lang.t("開始からの時間（分）", "Minutes after the start")) " " input type="number" name="offset_minutes" min="0" value="0"; }
                        label { (lang.t("件名", "Title")) " " input type="text" name="title" required; }
                        label { (lang.t("内容", "Content")) " " input type="text" name="body"; }
                        label { "TLP " select name="tlp" {
                            @for t in [Tlp::Amber, Tlp::AmberStrict, Tlp::Green, Tlp::Red, Tlp::Clear] { option value=(t.code()) { (t.code()) } }
                        } }
                        button #add-inject-button type="submit" { (lang.t("追加", "Add")) }
                    }
                }
            }
            section #controls {
                @let next = match v.state {
                    ExerciseState::Design => Some(("start", "演習を開始", "Start the exercise")),
                    ExerciseState::Running => Some(("end", "演習を終了", "End the exercise")),
                    ExerciseState::Ended => Some(("clean-up", "後片付け（演習で作成した事案を削除）", "Clean up (delete the cases the exercise created)")),
                    ExerciseState::Cleaned => None,
                };
                @if let Some((action, ja, en)) = next {
                    form method="post" action={ "/exercises/" (v.id) "/" (action) } {
                        input type="hidden" name="csrf" value=(a.csrf());
                        button #exercise-next type="submit" { (lang.t(ja, en)) }
                    }
                }
            }
        }
        p { a href="/exercises" { (lang.t("演習の一覧へ", "Back to exercises")) } }
    };
    (status(err), page(lang, &title, Some(a), Nav::None, body)).into_response()
}

pub async fn add_inject(
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
    let offset = values.get("offset_minutes").trim();
    let offset_minutes = match offset {
        "" => 0,
        o => match o.parse() {
            Ok(n) => n,
            Err(_) => {
                let e = AppError::bad_field(
                    "offset_minutes",
                    "not_a_number",
                    "開始からの時間は0以上の整数（分）で入力してください。",
                    "Enter the minutes after the start as a whole number from 0.",
                );
                return render_show(&s, &a, lang, &id, Some(&e)).await;
            }
        },
    };
    let req = NewInject {
        offset_minutes,
        kind: values.get("kind").to_owned(),
        title: values.get("title").to_owned(),
        body: values.get("body").to_owned(),
        tlp: Some(values.get("tlp").to_owned()),
    };
    match s.app.add_inject(&a.actor, &id, req).await {
        Ok(_) => Redirect::to(&format!("/exercises/{id}")).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Conflict { .. })) => {
            render_show(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn fire(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, seq)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let Ok(seq) = seq.parse::<u32>() else {
        return error_page(lang, Some(&a), &AppError::NotFound);
    };
    match s.app.fire_inject(&a.actor, &id, seq).await {
        Ok(_) => Redirect::to(&format!("/exercises/{id}")).into_response(),
        Err(e @ AppError::Conflict { .. }) => render_show(&s, &a, lang, &id, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// Start, end or clean up.
pub async fn step(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let done = match action.as_str() {
        "start" => s.app.start_exercise(&a.actor, &id).await,
        "end" => s.app.end_exercise(&a.actor, &id).await,
        "clean-up" => s.app.clean_up_exercise(&a.actor, &id).await,
        _ => Err(AppError::NotFound),
    };
    match done {
        Ok(_) => Redirect::to(&format!("/exercises/{id}")).into_response(),
        Err(e @ AppError::Conflict { .. }) => render_show(&s, &a, lang, &id, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

fn aggregate_text(lang: Lang, g: &Aggregate) -> String {
    if g.count == 0 {
        return lang.t("—", "—").to_owned();
    }
    format!(
        "{}{}{} / {}{}",
        g.count,
        lang.t("組織・中央値 ", " orgs, median "),
        minutes(lang, g.median_minutes),
        lang.t("最長 ", "slowest "),
        minutes(lang, g.max_minutes)
    )
}

/// `/exercises/{id}/report`: the after-action report.
pub async fn report(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render_report(&s, &a, lang, &id, None).await
}

async fn render_report(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let r: AfterActionReport = match s.app.after_action_report(&a.actor, id).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let v = &r.exercise;
    let title = format!(
        "{}{}",
        lang.t("事後評価：", "After-action report: "),
        v.name
    );
    let owners: Vec<&OrgName> = std::iter::once(&v.organiser)
        .chain(v.participants.iter())
        .collect();
    let body = html! {
        (exercise_banner(lang, &v.name))
        h1 { (title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        p { (kind_text(lang, v)) " — " (lang.t(v.state_label_ja, v.state_label_en))
            " — " (lang.t("演習で作成された事案 ", "Cases filed in the exercise: ")) (r.chains_filed)
            (lang.t("件（NISC受領 ", " (received by NISC: ")) (r.chains_received) (lang.t("件）", ")")) }
        section #response-times {
            h2 { (lang.t("応答時間（インジェクトから）", "Response times (from the inject)")) }
            table {
                thead { tr {
                    th { (lang.t("組織", "Organisation")) } th { (lang.t("報告", "Report")) } th { (lang.t("転送", "Forward")) }
                    th { (lang.t("NISC受領", "NISC receipt")) } th { (lang.t("連絡確認への応答", "Contact check answered")) }
                } }
                tbody {
                    @for row in &r.rows {
                        tr {
                            td { (name(lang, &row.org)) }
                            td { (minutes(lang, row.report_minutes)) }
                            td { (minutes(lang, row.forward_minutes)) }
                            td { (minutes(lang, row.receipt_minutes)) }
                            td { (minutes(lang, row.check_answer_minutes)) }
                        }
                    }
                }
            }
            @if v.access != kakehashi_domain::exercise::ReportAccess::Organiser {
                h3 { (lang.t("他の参加組織（集計のみ）", "Other participants (aggregates only)")) }
                dl #others {
                    dt { (lang.t("報告", "Report")) } dd { (aggregate_text(lang, &r.others.report)) }
                    dt { (lang.t("転送", "Forward")) } dd { (aggregate_text(lang, &r.others.forward)) }
                    dt { (lang.t("NISC受領", "NISC receipt")) } dd { (aggregate_text(lang, &r.others.receipt)) }
                    dt { (lang.t("連絡確認への応答", "Contact check answered")) } dd { (aggregate_text(lang, &r.others.check_answer)) }
                }
            }
        }
        section #timeline {
            h2 { (lang.t("経過", "Timeline")) }
            table {
                thead { tr { th { (lang.t("日時", "Time")) } th { (lang.t("出来事", "Event")) } th { (lang.t("組織", "Organisation")) } } }
                tbody {
                    @for t in &r.timeline {
                        tr { td.nowrap { (show_time(t.at)) } td { (lang.t(&t.what_ja, &t.what_en)) } td { @if let Some(o) = &t.org { (name(lang, o)) } } }
                    }
                }
            }
        }
        section #lessons {
            h2 { (lang.t("教訓とフォローアップ", "Lessons and follow-up")) }
            @if r.lessons.is_empty() { p { (lang.t("まだ記録されていません。", "None recorded yet.")) } }
            @for l in &r.lessons {
                article.lesson {
                    p { strong { (l.seq) ". " } (l.text) }
                    p.muted.small { (lang.t("担当：", "Owner: ")) (name(lang, &l.owner)) " — " (lang.t(l.state_label_ja, l.state_label_en)) }
                    @if l.may_update {
                        form method="post" action={ "/exercises/" (v.id) "/lessons/" (l.seq) } {
                            input type="hidden" name="csrf" value=(a.csrf());
                            input type="hidden" name="owner" value=(l.owner.id.0);
                            label { (lang.t("フォローアップ", "Follow-up")) " " input type="text" name="follow_up" value=(l.follow_up); }
                            label { (lang.t("状態", "State")) " " select name="state" {
                                @for st in LessonState::ALL { option value=(st.code()) selected[st == l.state] { (lang.t(st.label_ja(), st.label_en())) } }
                            } }
                            button type="submit" { (lang.t("更新", "Update")) }
                        }
                    } @else if !l.follow_up.is_empty() {
                        p { (lang.t("フォローアップ：", "Follow-up: ")) (l.follow_up) }
                    }
                }
            }
            @if v.may_manage && v.state != ExerciseState::Design {
                form #add-lesson method="post" action={ "/exercises/" (v.id) "/lessons" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    label { (lang.t("教訓", "Lesson")) " " input type="text" name="text" required; }
                    label { (lang.t("担当組織", "Owner")) " " select name="owner" {
                        @for o in &owners { option value=(o.id.0) { (name(lang, o)) } }
                    } }
                    label { (lang.t("フォローアップ", "Follow-up")) " " input type="text" name="follow_up"; }
                    button type="submit" { (lang.t("記録", "Record")) }
                }
            }
        }
        p { a href={ "/exercises/" (v.id) } { (lang.t("演習に戻る", "Back to the exercise")) } }
    };
    (status(err), page(lang, &title, Some(a), Nav::None, body)).into_response()
}

fn lesson_of(values: &Values) -> LessonInput {
    LessonInput {
        text: values.get("text").to_owned(),
        owner: values.get("owner").to_owned(),
        follow_up: values.get("follow_up").to_owned(),
        state: Some(values.get("state").to_owned()),
    }
}

pub async fn add_lesson(
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
    match s.app.add_lesson(&a.actor, &id, lesson_of(&values)).await {
        Ok(_) => Redirect::to(&format!("/exercises/{id}/report")).into_response(),
        Err(e @ (AppError::BadField { .. } | AppError::Conflict { .. })) => {
            render_report(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn update_lesson(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, seq)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let Ok(seq) = seq.parse::<u32>() else {
        return error_page(lang, Some(&a), &AppError::NotFound);
    };
    match s
        .app
        .update_lesson(&a.actor, &id, seq, lesson_of(&values))
        .await
    {
        Ok(_) => Redirect::to(&format!("/exercises/{id}/report")).into_response(),
        Err(e @ AppError::BadField { .. }) => render_report(&s, &a, lang, &id, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
