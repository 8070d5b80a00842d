//! 別紙・検体 in the browser: the panel under a copy's or provision's sheet (the files, with
//! size, SHA-256 and, for a specimen, its handling text; an upload form for whoever may attach),
//! the multipart upload and the download. Every read goes through the owner's read gate in
//! `kakehashi_app::attachments`.

use super::layout::error_page;
use crate::attach::download_response;
use crate::auth::{Authed, WebAuth};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::attachments::{Owner, Upload};
use kakehashi_app::provision::may_draft_provisions;
use kakehashi_app::AppError;
use kakehashi_domain::attachment::{AttachmentKind, SPECIMEN_HANDLING_EN, SPECIMEN_HANDLING_JA};
use kakehashi_domain::{CopyId, Role};
use maud::{html, Markup};

fn base(owner: &Owner) -> String {
    match owner {
        Owner::Copy(c) => format!("/copies/{}", c.0),
        Owner::Provision(p) => format!("/provisions/{p}"),
    }
}

/// Whether the actor may attach to a copy sent by `sender_org` (the app enforces the same).
pub fn may_attach_to_copy(a: &Authed, sender_org: &kakehashi_domain::OrgId) -> bool {
    a.actor.org.id == *sender_org && (a.actor.has(Role::Reporter) || a.actor.has(Role::Approver))
}

/// Whether the actor may attach to a provision.
pub fn may_attach_to_provision(a: &Authed) -> bool {
    may_draft_provisions(&a.actor)
}

/// The panel: the owner's files and, when `may_upload`, the upload form.
pub async fn panel(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    owner: &Owner,
    may_upload: bool,
) -> Markup {
    let list = s.app.attachments(&a.actor, owner).await.unwrap_or_default();
    let limit = s.app.attachment_limit();
    let b = base(owner);
    html! {
        section.noprint #attachments-panel {
            h2 { (lang.t("別紙・検体", "Attachments and specimens")) }
            @if list.is_empty() {
                p.muted #no-attachments { (lang.t("添付ファイルはありません。", "No files attached.")) }
            } @else {
                (super::public::attachment_table(lang, &b, &list))
            }
            @if may_upload {
                form #attach-form method="post" action={ (b) "/attachments" } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    fieldset {
                        legend { (lang.t("種別", "Kind")) }
                        label { input type="radio" name="kind" value="material" checked; " " (lang.t("別紙（報道発表・ログ・画面写し等）", "Attachment (press release, log, screenshot…)")) }
                        " "
                        label { input type="radio" name="kind" value="specimen"; " " (lang.t("検体（パスワード付きZIP書庫）", "Specimen (password-protected ZIP archive)")) }
                    }
                    p.muted.small { (lang.t(SPECIMEN_HANDLING_JA, SPECIMEN_HANDLING_EN)) }
                    label.lbl for="attach-file" {
                        (lang.t("ファイル", "File"))
                        " (" (lang.t("上限", "limit")) " " (limit) " B)"
                    }
                    input #attach-file type="file" name="file" required;
                    " "
                    button #attach-submit type="submit" { (lang.t("添付する", "Attach")) }
                    p.muted.small { (lang.t("添付したファイルはこの報と同じ情報共有範囲（TLP）で共有されます。転送しても自動では引き継がれません。", "A file has this hop's sharing scope (TLP). Forwarding does not carry it on by itself.")) }
                }
            }
        }
    }
}

/// Reads the multipart form (csrf first, then kind and file), attaches, and goes back to the
/// owner's page; errors as an error page with their status.
async fn receive(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    owner: Owner,
    mut form: Multipart,
) -> Response {
    let limit = s.app.attachment_limit();
    let mut csrf_ok = false;
    let mut kind = AttachmentKind::Material;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return error_page(lang, Some(a), &broken()),
        };
        match field.name().unwrap_or("") {
            "csrf" => {
                let given = field.text().await.unwrap_or_default();
                if let Err(e) = a.check_csrf(&given) {
                    return error_page(lang, Some(a), &e);
                }
                csrf_ok = true;
            }
            _ if !csrf_ok => {
                return error_page(
                    lang,
                    Some(a),
                    &a.check_csrf("").err().unwrap_or_else(broken),
                )
            }
            "kind" => {
                let v = field.text().await.unwrap_or_default();
                kind = AttachmentKind::from_code(&v).unwrap_or(AttachmentKind::Material);
            }
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let mut bytes = Vec::new();
                let mut field = field;
                let mut over = false;
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) if !over && (bytes.len() + c.len()) as u64 <= limit => {
                            bytes.extend_from_slice(&c)
                        }
                        Ok(Some(_)) => {
                            // Read on (bounded by the time the client takes) so the 413 arrives.
                            over = true;
                            bytes.clear();
                        }
                        Ok(None) => break,
                        Err(_) => return error_page(lang, Some(a), &broken()),
                    }
                }
                if over {
                    let e = kakehashi_domain::attachment::too_large(limit);
                    return super::layout::status_page(
                        lang,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        &e.message_ja,
                        &e.message_en,
                    );
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let Some((filename, bytes)) = file else {
        return error_page(
            lang,
            Some(a),
            &kakehashi_domain::attachment::empty_file().into(),
        );
    };
    let back = base(&owner);
    match s
        .app
        .attach(
            &a.actor,
            &owner,
            Upload {
                filename,
                kind,
                bytes,
            },
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}#attachments-panel")).into_response(),
        Err(e) => error_page(lang, Some(a), &e),
    }
}

fn broken() -> AppError {
    AppError::bad_field(
        "file",
        "incomplete",
        "ファイルを最後まで受け取れませんでした。",
        "The file did not arrive complete.",
    )
}

/// `POST /copies/{id}/attachments` (multipart).
pub async fn upload_to_copy(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    form: Multipart,
) -> Response {
    receive(&s, &a, lang, Owner::Copy(CopyId(id)), form).await
}

/// `POST /provisions/{id}/attachments` (multipart).
pub async fn upload_to_provision(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    form: Multipart,
) -> Response {
    receive(&s, &a, lang, Owner::Provision(id), form).await
}

/// `GET /copies/{id}/attachments/{attachment}`.
pub async fn copy_file(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    match s
        .app
        .open_attachment(&a.actor, &Owner::Copy(CopyId(id)), &attachment)
        .await
    {
        Ok(d) => download_response(s.app.clone(), d),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `GET /provisions/{id}/attachments/{attachment}`.
pub async fn provision_file(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    match s
        .app
        .open_attachment(&a.actor, &Owner::Provision(id), &attachment)
        .await
    {
        Ok(d) => download_response(s.app.clone(), d),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
