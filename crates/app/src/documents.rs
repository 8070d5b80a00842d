//! Forms as documents: a copy's or a provision's form taken out as a file (JSON, CSV) by a reader
//! the policy lets read it, and a filled form read back in as the start of a new filing.
//!
//! A document is the same read as the page ([`App::view_copy`], [`App::view_provision`]): the
//! same decision, the same 404 for a refused id. Taking restricted content (RED, AMBER+STRICT,
//! AMBER) out of the application as a file is recorded in the audit log as an export, beside
//! the read itself.

use crate::liaison::{is_restricted, CopyView};
use crate::provision::ProvisionView;
use crate::{App, AppError, AppResult};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::{CopyId, Tlp};
use kakehashi_policy::Visible;

/// The file formats a form is taken out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Json,
    Csv,
}

impl DocFormat {
    pub fn code(self) -> &'static str {
        match self {
            DocFormat::Json => "json",
            DocFormat::Csv => "csv",
        }
    }
}

/// The largest filled form read back in (a form with every field at its limit is far smaller).
pub const MAX_FORM_BYTES: usize = 512 * 1024;

impl App {
    /// A copy's form for a file: the reader's view, with the export audited when restricted.
    pub async fn export_copy_form(
        &self,
        actor: &crate::Actor,
        id: &CopyId,
        format: DocFormat,
    ) -> AppResult<Visible<CopyView>> {
        let v = self.view_copy(actor, id).await?;
        let tlp = v.get().record.tlp.clone();
        if Tlp::from_code(&tlp).is_some_and(is_restricted) {
            self.store
                .append_audit(vec![actor.audit(
                    "copy.export",
                    Some(id.0.clone()),
                    serde_json::json!({ "tlp": tlp, "format": format.code() }),
                )])
                .await?;
        }
        Ok(v)
    }

    /// A provision's form for a file, as [`App::export_copy_form`] for a copy.
    pub async fn export_provision_form(
        &self,
        actor: &crate::Actor,
        id: &str,
        format: DocFormat,
    ) -> AppResult<Visible<ProvisionView>> {
        let v = self.view_provision(actor, id).await?;
        let tlp = v.get().tlp.clone();
        if Tlp::from_code(&tlp).is_some_and(is_restricted) {
            self.store
                .append_audit(vec![actor.audit(
                    "provision.export",
                    Some(id.to_owned()),
                    serde_json::json!({ "tlp": tlp, "format": format.code() }),
                )])
                .await?;
        }
        Ok(v)
    }
}

/// Reads a filled liaison form (図４) from a JSON file: the form itself as a copy's JSON export
/// gives it, or a filing request holding it under `form` (the body of `POST /api/v1/liaisons`).
/// Nothing is stored; the form only starts a filing, which is checked when it is sent. A file
/// that does not fit is refused naming the JSON path that broke and why.
pub fn read_liaison_form(bytes: &[u8]) -> AppResult<LiaisonForm> {
    let bad = |ja: String, en: String| AppError::BadField {
        field: "form_json",
        rule: "format",
        message_ja: ja,
        message_en: en,
    };
    if bytes.len() > MAX_FORM_BYTES {
        return Err(bad(
            format!(
                "様式ファイルが大きすぎます（{} KiB まで）。",
                MAX_FORM_BYTES / 1024
            ),
            format!(
                "The form file is too large (at most {} KiB).",
                MAX_FORM_BYTES / 1024
            ),
        ));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(
        |_| {
            bad(
                "様式ファイルがUTF-8のJSONではありません。".into(),
                "The form file is not UTF-8 JSON.".into(),
            )
        },
    )?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(
            format!(
                "様式ファイルがJSONとして読めません（{}行{}列）。",
                e.line(),
                e.column()
            ),
            format!(
                "The form file is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            ),
        )
    })?;
    let form = match value {
        serde_json::Value::Object(mut o) if o.contains_key("form") => {
            o.remove("form").unwrap_or_default()
        }
        v => v,
    };
    serde_path_to_error::deserialize::<_, LiaisonForm>(form).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        bad(
            format!("様式ファイルの「{path}」が様式に合いません: {inner}"),
            format!("“{path}” in the form file does not fit the form: {inner}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_form_and_a_filing_request_both_read() {
        let form =
            serde_json::json!({ "report_no": 1, "tlp": "AMBER", "operator_name": "東都電力" });
        let bare = read_liaison_form(form.to_string().as_bytes()).expect("bare form");
        assert_eq!(bare.tlp, Some(Tlp::Amber));
        assert_eq!(bare.operator_name, "東都電力");
        let wrapped = serde_json::json!({ "form": form, "statutory": true });
        let w = read_liaison_form(format!("\u{FEFF}{wrapped}").as_bytes()).expect("wrapped");
        assert_eq!(w, bare);
    }

    #[test]
    fn a_field_that_does_not_fit_is_named_by_its_path() {
        let form = serde_json::json!({ "report_no": 1, "summary": { "discovered_at": 12 } });
        match read_liaison_form(form.to_string().as_bytes()) {
            Err(AppError::BadField {
                field,
                rule,
                message_en,
                ..
            }) => {
                assert_eq!((field, rule), ("form_json", "format"));
                assert!(message_en.contains("summary.discovered_at"), "{message_en}");
            }
            other => panic!("a refusal naming the path: {other:?}"),
        }
        for bad in [&b"not json"[..], &b"\xff\xfe"[..], &b"[1,2]"[..]] {
            assert!(matches!(
                read_liaison_form(bad),
                Err(AppError::BadField {
                    field: "form_json",
                    ..
                })
            ));
        }
    }
}
