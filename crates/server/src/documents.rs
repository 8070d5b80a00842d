//! A copy's or a provision's form as a file (JSON, CSV) for a reader the application already let
//! read it ([`App::export_copy_form`], [`App::export_provision_form`]): this module only writes
//! the file. The JSON is the form itself, the shape `POST /api/v1/liaisons` takes under `form`
//! (and the filing page reads back in); the CSV a line per filled field for a spreadsheet.

use crate::csv::{form_csv, form_file};
use crate::i18n::Lang;
use axum::response::Response;
use kakehashi_app::documents::DocFormat;
use kakehashi_app::liaison::CopyView;
use kakehashi_app::provision::ProvisionView;

/// `kakehashi-<ident>-<n>.<ext>`, with only letters, digits and `-` from the number.
fn file_name(kind: &str, ident: Option<&str>, report_no: u32, format: DocFormat) -> String {
    let ident: String = ident
        .unwrap_or(kind)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("kakehashi-{ident}-{report_no}.{}", format.code())
}

fn file(
    lang: Lang,
    name: String,
    ident: Option<&str>,
    tlp: &str,
    form: serde_json::Value,
    label: fn(&str) -> Option<(&'static str, &'static str)>,
    format: DocFormat,
) -> Response {
    match format {
        DocFormat::Json => form_file(
            serde_json::to_string_pretty(&form).unwrap_or_default(),
            "application/json",
            &name,
        ),
        DocFormat::Csv => form_file(
            form_csv(lang, ident, tlp, &form, label),
            "text/csv; charset=utf-8",
            &name,
        ),
    }
}

/// A copy's form (図４) as a file.
pub fn copy_file(lang: Lang, c: &CopyView, format: DocFormat) -> Response {
    let r = &c.record;
    file(
        lang,
        file_name("liaison", c.ident.as_deref(), r.report_no, format),
        c.ident.as_deref(),
        &r.tlp,
        serde_json::to_value(&c.form).unwrap_or_default(),
        kakehashi_domain::liaison::field_label,
        format,
    )
}

/// A provision's form (図７) as a file.
pub fn provision_file(lang: Lang, v: &ProvisionView, format: DocFormat) -> Response {
    file(
        lang,
        file_name("provision", v.ident.as_deref(), v.report_no, format),
        v.ident.as_deref(),
        &v.tlp,
        serde_json::to_value(&v.form).unwrap_or_default(),
        kakehashi_domain::provision::field_label,
        format,
    )
}
