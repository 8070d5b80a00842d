//! HTML form fields → the liaison form and route flags. Input names are the form's serde paths
//! (`summary.discovered_at`, `timeline.0.at`, …) so validation errors land next to their input.

use crate::i18n::parse_local;
use kakehashi_domain::liaison::*;
use kakehashi_domain::{Importance, SectorId, Tlp};

/// A parse problem, shaped like a validation error.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub field: String,
    pub message_ja: String,
    pub message_en: String,
}

pub struct Parsed {
    pub form: LiaisonForm,
    pub statutory: bool,
    pub via_ceptoar: bool,
    pub urgent: bool,
    pub anonymise: bool,
    pub added_recipients: Vec<String>,
    pub csrf: String,
    pub errors: Vec<ParseError>,
}

fn enum_of<T>(
    v: &str,
    f: impl Fn(&str) -> Option<T>,
    field: &str,
    errors: &mut Vec<ParseError>,
) -> Option<T> {
    if v.trim().is_empty() {
        return None;
    }
    let out = f(v.trim());
    if out.is_none() {
        errors.push(ParseError {
            field: field.into(),
            message_ja: format!("選択肢にない値です: {v}"),
            message_en: format!("Not one of the options: {v}"),
        });
    }
    out
}

fn serde_code<T: serde::de::DeserializeOwned>(v: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(v.to_owned())).ok()
}

fn yes_no(v: &str) -> Option<bool> {
    match v {
        "true" | "yes" | "有" => Some(true),
        "false" | "no" | "無" => Some(false),
        _ => None,
    }
}

/// Parses the submitted pairs; never fails: problems are collected in `errors`.
pub fn parse(pairs: &[(String, String)]) -> Parsed {
    let mut f = LiaisonForm::default();
    let mut p = Parsed {
        form: LiaisonForm::default(),
        statutory: false,
        via_ceptoar: false,
        urgent: false,
        anonymise: false,
        added_recipients: vec![],
        csrf: String::new(),
        errors: vec![],
    };
    let mut rows: std::collections::BTreeMap<usize, TimelineRow> = Default::default();
    for (k, v) in pairs {
        let e = &mut p.errors;
        let time = |field: &str, e: &mut Vec<ParseError>| {
            if v.trim().is_empty() {
                return None;
            }
            let t = parse_local(v);
            if t.is_none() {
                e.push(ParseError {
                    field: field.into(),
                    message_ja: "日時の形式が正しくありません（例: 2026-04-01 09:30）。".into(),
                    message_en: "Date and time are not valid (e.g. 2026-04-01 09:30).".into(),
                });
            }
            t
        };
        match k.as_str() {
            "csrf" => p.csrf = v.clone(),
            "statutory" => p.statutory = true,
            "via_ceptoar" => p.via_ceptoar = true,
            "urgent" => p.urgent = true,
            "anonymise" => p.anonymise = true,
            "added_recipients" if !v.trim().is_empty() => p.added_recipients.push(v.clone()),
            "importance" => f.importance = enum_of(v, Importance::from_code, k, e),
            "reported_at" => f.reported_at = time(k, e),
            "tlp" => f.tlp = enum_of(v, Tlp::from_code, k, e),
            "tlp_notes" => f.tlp_notes = v.clone(),
            "has_attachments" => f.has_attachments = enum_of(v, yes_no, k, e),
            "event" => f.event = (!v.trim().is_empty()).then(|| v.trim().to_owned()),
            "causes" if !v.trim().is_empty() => f.causes.push(v.trim().to_owned()),
            "sector" => f.sector = (!v.trim().is_empty()).then(|| SectorId(v.trim().to_owned())),
            "operator_name" => f.operator_name = v.clone(),
            "summary.discovered_at" => f.summary.discovered_at = time(k, e),
            "summary.occurred_at" => f.summary.occurred_at = time(k, e),
            "summary.occurred_note" => f.summary.occurred_note = v.clone(),
            "summary.affected_system" => f.summary.affected_system = v.clone(),
            "summary.description" => f.summary.description = v.clone(),
            "supplementary" => f.supplementary = v.clone(),
            "impact.system_status" => {
                f.impact.system_status = enum_of(v, serde_code::<SystemStatus>, k, e)
            }
            "impact.sml_deviation" => f.impact.sml_deviation = enum_of(v, yes_no, k, e),
            "impact.spread_to_others" => f.impact.spread_to_others = enum_of(v, yes_no, k, e),
            "external.press" => f.external.press = enum_of(v, serde_code::<PressStatus>, k, e),
            "external.press_detail" => f.external.press_detail = v.clone(),
            "external.ppc" => f.external.ppc = enum_of(v, serde_code::<PpcStatus>, k, e),
            "external.ppc_detail" => f.external.ppc_detail = v.clone(),
            "external.other_contacts" => f.external.other_contacts = v.clone(),
            "next_steps" => f.next_steps = enum_of(v, NextSteps::from_code, k, e),
            "lessons" => f.lessons = v.clone(),
            other => {
                if let Some(rest) = other.strip_prefix("timeline.") {
                    if let Some((i, part)) = rest.split_once('.') {
                        if let Ok(i) = i.parse::<usize>() {
                            let row = rows.entry(i).or_default();
                            match part {
                                "at" => row.at = v.clone(),
                                "event" => row.event = v.clone(),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
    f.timeline = rows
        .into_values()
        .filter(|r| !r.at.trim().is_empty() || !r.event.trim().is_empty())
        .collect();
    p.form = f;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_filled_form_round_trips() {
        let p = parse(&pairs(&[
            ("csrf", "tok"),
            ("importance", "alert"),
            ("tlp", "AMBER+STRICT"),
            ("has_attachments", "false"),
            ("sector", "electric_power"),
            ("event", "EV-03"),
            ("causes", "CA-O-02"),
            ("causes", "CA-I-01"),
            ("summary.discovered_at", "2023-08-19T02:59"),
            ("impact.system_status", "stopped"),
            ("external.press", "done"),
            ("next_steps", "ongoing"),
            ("timeline.1.at", "XX/XX 01:00"),
            ("timeline.1.event", "ベンダへ連絡"),
            ("timeline.2.at", ""),
            ("statutory", "on"),
        ]));
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.csrf, "tok");
        assert!(p.statutory && !p.via_ceptoar);
        assert_eq!(p.form.tlp, Some(Tlp::AmberStrict));
        assert_eq!(p.form.has_attachments, Some(false));
        assert_eq!(p.form.causes, vec!["CA-O-02", "CA-I-01"]);
        assert_eq!(p.form.impact.system_status, Some(SystemStatus::Stopped));
        assert_eq!(p.form.external.press, Some(PressStatus::Done));
        assert_eq!(p.form.timeline.len(), 1, "empty rows are dropped");
        assert_eq!(
            p.form.summary.discovered_at.map(|t| t.to_rfc3339()),
            Some("2023-08-18T17:59:00+00:00".into()),
            "typed in JST, stored in UTC"
        );
    }

    #[test]
    fn bad_values_become_field_errors() {
        let p = parse(&pairs(&[
            ("summary.occurred_at", "yesterday"),
            ("tlp", "PURPLE"),
            ("impact.sml_deviation", "maybe"),
        ]));
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["summary.occurred_at", "tlp", "impact.sml_deviation"]
        );
    }
}
