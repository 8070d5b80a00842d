//! CSV出力 — a case listing as a CSV file that Excel opens with its Japanese text intact: UTF-8
//! with a byte-order mark, CRLF line ends, every field quoted (RFC 4180, `"` doubled), and a
//! field that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with
//! `'` so that it stays text.
//!
//! The rows come from `App::export_listing`, which applies the sharing policy and audits the
//! export, or from `App::statistics` (k-anonymised, audited); this module only writes them.

use crate::i18n::{show_time, Lang};
use crate::web::layout::{hop_label, ident_text, org_name, report_no_text, sector_name};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use kakehashi_app::inbox::{Export, ListingRow, Scope};
use kakehashi_app::statistics::Statistics;
use kakehashi_app::App;
use kakehashi_domain::Importance;

/// One field, quoted, safe from formula evaluation.
fn field(out: &mut String, value: &str) {
    out.push('"');
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    for ch in value.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
}

/// One record (fields separated by commas, CRLF at the end).
fn record(out: &mut String, values: &[String]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, v);
    }
    out.push_str("\r\n");
}

/// The CSV text (with BOM) of a listing's rows.
pub fn listing_csv(app: &App, lang: Lang, rows: &[&ListingRow]) -> String {
    let mut out = String::from("\u{FEFF}");
    let header: Vec<String> = [
        ("識別番号", "Ident. no."),
        ("報数", "Report"),
        ("日時（JST）", "Date (JST)"),
        ("送信元", "From"),
        ("宛先", "To"),
        ("経路", "Hop"),
        ("分野", "Sector"),
        ("TLP", "TLP"),
        ("重要度", "Importance"),
        ("法令等報告対象", "Statutory"),
        ("特に緊急", "Urgent"),
        ("要転送", "To forward"),
        ("判明日時（JST）", "Discovered (JST)"),
        ("判明からの経過（分）", "Minutes since discovery"),
        ("概要", "Summary"),
        ("状態", "Status"),
        ("事案ID", "Case id"),
        ("情報連絡ID", "Copy id"),
    ]
    .iter()
    .map(|(ja, en)| lang.t(ja, en).to_owned())
    .collect();
    record(&mut out, &header);
    let yes = |b: bool| {
        if b {
            lang.t("○", "yes").to_owned()
        } else {
            String::new()
        }
    };
    for r in rows {
        let c = &r.summary;
        record(
            &mut out,
            &[
                ident_text(lang, c.ident.as_deref()),
                report_no_text(lang, c.report_no),
                show_time(c.created_at),
                org_name(lang, &r.sender_name, &r.sender_name_en).to_owned(),
                org_name(lang, &r.addressee_name, &r.addressee_name_en).to_owned(),
                hop_label(lang, &c.hop_kind).to_owned(),
                sector_name(app, lang, &c.sector),
                c.tlp.clone(),
                c.importance
                    .as_deref()
                    .and_then(Importance::from_code)
                    .map(|i| lang.t(i.label_ja(), i.label_en()).to_owned())
                    .unwrap_or_default(),
                yes(r.statutory),
                yes(r.urgent),
                yes(r.to_forward),
                r.discovered_at.map(show_time).unwrap_or_default(),
                r.elapsed_minutes.map(|m| m.to_string()).unwrap_or_default(),
                if r.exercise {
                    format!("{}{}", lang.t("【演習】", "[EXERCISE] "), r.line)
                } else {
                    r.line.clone()
                },
                if c.chain_status == "closed" {
                    lang.t("完了", "Closed")
                } else {
                    lang.t("継続", "Open")
                }
                .to_owned(),
                c.chain.0.clone(),
                c.id.0.clone(),
            ],
        );
    }
    out
}

/// The HTTP response of an export: a CSV attachment, never cached; `X-Kakehashi-Truncated:
/// true` when more rows matched than an export holds.
pub fn response(app: &App, lang: Lang, scope: Scope, export: &Export) -> Response {
    let rows: Vec<&ListingRow> = export.rows.iter().map(|r| r.get()).collect();
    let body = listing_csv(app, lang, &rows);
    let name = format!(
        "kakehashi-{}-{}.csv",
        match scope {
            Scope::Inbox => "inbox",
            Scope::All => "search",
        },
        app.now()
            .with_timezone(&crate::i18n::jst())
            .format("%Y%m%d-%H%M")
    );
    let mut res = attachment(body, &name);
    if export.truncated {
        res.headers_mut()
            .insert("x-kakehashi-truncated", HeaderValue::from_static("true"));
    }
    res
}

/// The CSV text (with BOM) of statistics: one line per published number, names not codes.
pub fn statistics_csv(app: &App, lang: Lang, st: &Statistics) -> String {
    use crate::web::statistics::{key_label, leg_label, sector_label};
    let mut out = String::from("\u{FEFF}");
    let header: Vec<String> = [
        ("区分", "Kind"),
        ("分野", "Sector"),
        ("項目", "Item"),
        ("件数", "Cases"),
        ("中央値（分）", "Median (min)"),
        ("90パーセンタイル値（分）", "90th percentile (min)"),
    ]
    .iter()
    .map(|(ja, en)| lang.t(ja, en).to_owned())
    .collect();
    record(&mut out, &header);
    let t = |ja: &str, en: &str| lang.t(ja, en).to_owned();
    record(
        &mut out,
        &[
            t("期間", "Period"),
            String::new(),
            format!("{} – {}", st.from, st.to),
            String::new(),
            String::new(),
            String::new(),
        ],
    );
    for s in &st.table.sectors {
        let sector = sector_label(app, lang, &s.sector);
        record(
            &mut out,
            &[
                t("合計", "Total"),
                sector.clone(),
                String::new(),
                s.total.to_string(),
                String::new(),
                String::new(),
            ],
        );
        for c in &s.by_month {
            record(
                &mut out,
                &[
                    t("月別", "By month"),
                    sector.clone(),
                    c.month.to_string(),
                    c.count.to_string(),
                    String::new(),
                    String::new(),
                ],
            );
        }
        for (kind, cells, is_event) in [
            (t("事象の類型", "Event type"), &s.events, true),
            (t("原因の類型", "Cause"), &s.causes, false),
        ] {
            for c in cells {
                record(
                    &mut out,
                    &[
                        kind.clone(),
                        sector.clone(),
                        key_label(app, lang, &c.key, is_event),
                        c.count.to_string(),
                        String::new(),
                        String::new(),
                    ],
                );
            }
        }
        for ts in &s.times {
            record(
                &mut out,
                &[
                    t("応答時間", "Response time"),
                    sector.clone(),
                    leg_label(lang, ts.leg).to_owned(),
                    String::new(),
                    ts.median_minutes.to_string(),
                    ts.p90_minutes.to_string(),
                ],
            );
        }
    }
    for ts in &st.table.times {
        record(
            &mut out,
            &[
                t("応答時間", "Response time"),
                t("全分野", "All sectors"),
                leg_label(lang, ts.leg).to_owned(),
                String::new(),
                ts.median_minutes.to_string(),
                ts.p90_minutes.to_string(),
            ],
        );
    }
    for (ja, en, v) in [
        (
            "k（必要な報告組織数）",
            "k (reporting organisations needed)",
            st.table.k,
        ),
        (
            "非表示の分野・月",
            "Sector-months withheld",
            st.table.suppressed,
        ),
        (
            "その他に統合したセル",
            "Cells merged into other",
            st.table.merged,
        ),
    ] {
        record(
            &mut out,
            &[
                t("注記", "Note"),
                String::new(),
                t(ja, en),
                v.to_string(),
                String::new(),
                String::new(),
            ],
        );
    }
    out
}

/// The HTTP response of statistics as CSV: an attachment, never cached.
pub fn statistics_response(app: &App, lang: Lang, st: &Statistics) -> Response {
    let name = format!("kakehashi-statistics-{}-{}.csv", st.from, st.to);
    attachment(statistics_csv(app, lang, st), &name)
}

/// A CSV attachment, never cached.
fn attachment(body: String, name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The CSV text (with BOM) of one form: a line per filled field, by its key in the JSON form —
/// the field's name on the sheet, the key, its value — after the number NISC gave it and its
/// TLP. Every field of the JSON form is there (nothing is left out because no label
/// was written for it); `label` names the ones the form names.
pub fn form_csv(
    lang: Lang,
    ident: Option<&str>,
    tlp: &str,
    form: &serde_json::Value,
    label: fn(&str) -> Option<(&'static str, &'static str)>,
) -> String {
    let mut out = String::from("\u{FEFF}");
    let t = |ja: &str, en: &str| lang.t(ja, en).to_owned();
    record(
        &mut out,
        &[t("項目", "Item"), t("キー", "Key"), t("値", "Value")],
    );
    record(
        &mut out,
        &[
            t("識別番号", "Ident. no."),
            String::new(),
            ident_text(lang, ident),
        ],
    );
    record(
        &mut out,
        &[
            t("情報共有範囲", "Sharing scope (TLP)"),
            String::new(),
            tlp.to_owned(),
        ],
    );
    let mut fields = Vec::new();
    flatten(String::new(), form, &mut fields);
    for (key, value) in fields {
        // `timeline[2].at` is named as `timeline.at` is.
        let bare: String = {
            let mut s = String::new();
            let mut skip = false;
            for ch in key.chars() {
                match ch {
                    '[' => skip = true,
                    ']' => skip = false,
                    c if !skip => s.push(c),
                    _ => {}
                }
            }
            s
        };
        let name = label(&bare)
            .or_else(|| bare.split('.').next().and_then(label))
            .map(|(ja, en)| lang.t(ja, en).to_owned())
            .unwrap_or_default();
        record(&mut out, &[name, key, value]);
    }
    out
}

/// Leaves of a JSON value as (path, text); empty strings, nulls and empty lists are left out.
fn flatten(path: String, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match v {
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => out.push((path, s.clone())),
        Value::Bool(b) => out.push((path, b.to_string())),
        Value::Number(n) => out.push((path, n.to_string())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{path}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(p, item, out);
            }
        }
    }
}

/// A form file's response: a download, never cached.
pub fn form_file(body: String, content_type: &'static str, name: &str) -> Response {
    let mut res = attachment(body, name);
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The CSV text (with BOM) of a survey's k-anonymous results: the response rate per sector,
/// then one line per published number (sector, item, status or tier, count).
pub fn survey_csv(app: &App, lang: Lang, r: &kakehashi_app::standards::SurveyResults) -> String {
    use kakehashi_domain::statistics::SectorKey;
    let ja = lang == Lang::Ja;
    let sector = |s: &SectorKey| match s {
        SectorKey::Sector(id) => sector_name(app, lang, id),
        SectorKey::Other => lang.t("その他の分野", "Other sectors").to_owned(),
    };
    let mut out = String::from("\u{feff}");
    record(
        &mut out,
        &[
            lang.t("分野", "Sector").into(),
            lang.t("項目", "Item").into(),
            lang.t("区分", "Breakdown").into(),
            lang.t("値", "Value").into(),
            lang.t("件数", "Count").into(),
        ],
    );
    for rate in &r.rates {
        let name = sector_name(app, lang, &rate.sector);
        record(
            &mut out,
            &[
                name.clone(),
                String::new(),
                lang.t("回答率", "Response rate").into(),
                lang.t("対象事業者数", "Operators asked").into(),
                rate.invited.to_string(),
            ],
        );
        record(
            &mut out,
            &[
                name,
                String::new(),
                lang.t("回答率", "Response rate").into(),
                lang.t("回答数", "Answers").into(),
                rate.responded.to_string(),
            ],
        );
    }
    for item in &r.items {
        for row in &item.table.sectors {
            let s = sector(&row.sector);
            record(
                &mut out,
                &[
                    s.clone(),
                    item.item.clone(),
                    lang.t("合計", "Total").into(),
                    String::new(),
                    row.total.to_string(),
                ],
            );
            for c in &row.events {
                record(
                    &mut out,
                    &[
                        s.clone(),
                        item.item.clone(),
                        lang.t("実施状況", "Status").into(),
                        kakehashi_app::standards::status_label(c.key.code(), ja),
                        c.count.to_string(),
                    ],
                );
            }
            for c in &row.causes {
                let value = match c.key.code() {
                    "other" => lang.t("その他", "Other").to_owned(),
                    "unclassified" => lang.t("未評価", "Not rated").to_owned(),
                    t => t.replace("tier", "Tier "),
                };
                record(
                    &mut out,
                    &[
                        s.clone(),
                        item.item.clone(),
                        lang.t("ティア", "Tier").into(),
                        value,
                        c.count.to_string(),
                    ],
                );
            }
        }
    }
    out
}

/// The HTTP response of survey results as CSV: an attachment, never cached.
pub fn survey_response(
    app: &App,
    lang: Lang,
    r: &kakehashi_app::standards::SurveyResults,
) -> Response {
    let name = format!("kakehashi-survey-{}.csv", r.year);
    attachment(survey_csv(app, lang, r), &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(values: &[&str]) -> String {
        let mut out = String::new();
        record(
            &mut out,
            &values.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        );
        out
    }

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(line(&["a", "b,c"]), "\"a\",\"b,c\"\r\n");
        assert_eq!(line(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(line(&["two\nlines"]), "\"two\nlines\"\r\n");
        assert_eq!(
            line(&["=1+2", "@x", "-3", "+4"]),
            "\"'=1+2\",\"'@x\",\"'-3\",\"'+4\"\r\n"
        );
        assert_eq!(line(&["東京都千代田区"]), "\"東京都千代田区\"\r\n");
        assert_eq!(line(&[""]), "\"\"\r\n");
    }
}
