//! The framework's records as STIX 2.1 objects (export). Pure mapping, no I/O: the caller passes
//! only what the reader may see (its copy of a liaison — anonymised where it holds the anonymised
//! hop — or the sent provision form), and gets the objects back.
//!
//! * A liaison chain is an `incident`; each copy the reader holds is a `report` on it, created by
//!   the copy's sender (`identity`), with the indicators its text names (`indicator`).
//! * A provision is a `report` created by NISC with its indicators (`indicator`) and its
//!   countermeasures (`course-of-action`).
//! * Every object carries the TLP 2.0 marking of its record ([`super::markings`]) and the
//!   framework's own fields (importance, event type, causes, R/T numbers, sector, service-level
//!   breach) in the property extension [`EXTENSION_ID`], declared by [`extension_definition`].
//!
//! Ids are UUIDv5 under [`NAMESPACE`] from the record's id, so exporting the same record again
//! gives the same ids; `modified` is the time the record last changed (a copy or a provision
//! never changes; a chain changes with its newest copy), so a version is stable too.

use super::markings::{tlp2_definition, tlp2_id, tlp_of_id};
use crate::liaison::form::LiaisonForm;
use crate::provision::defang::extract_indicators;
use crate::provision::form::{IndicatorKind, ProvisionForm};
use crate::{Importance, Tlp};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The namespace of every STIX id Kakehashi makes (UUIDv5).
pub const NAMESPACE: [u8; 16] = [
    0x6b, 0x61, 0x6b, 0x65, 0x68, 0x61, 0x73, 0x68, 0x69, 0x2d, 0x73, 0x74, 0x69, 0x78, 0x2d, 0x31,
];

/// The extension that carries the framework's fields.
pub const EXTENSION_ID: &str = "extension-definition--3b8f5d2e-6c1a-4f0e-9a47-2d6b0c8e5f13";
/// The identity that created the extension definition (the platform itself).
pub const PRODUCER_ID: &str = "identity--0f6c3a9e-2b7d-4c51-8e84-9a1d5b3c7e26";
/// When the extension was defined (fixed: the definition's version never changes silently).
pub const EXTENSION_CREATED: &str = "2026-12-01T00:00:00.000Z";
/// The STIX media type of a bundle.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

/// A deterministic STIX id: `{kind}--{UUIDv5(NAMESPACE, key)}`.
pub fn stix_id(kind: &str, key: &str) -> String {
    let id = uuid::Uuid::new_v5(&uuid::Uuid::from_bytes(NAMESPACE), key.as_bytes());
    format!("{kind}--{}", id.hyphenated())
}

/// A STIX timestamp (UTC, microseconds, `Z`).
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// An organisation as the reader may name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: String,
    pub name: String,
}

/// A liaison chain (事案), as far as the reader sees it.
#[derive(Debug, Clone)]
pub struct ChainMeta {
    pub id: String,
    /// R<n> once NISC has numbered it.
    pub number: Option<u64>,
    pub sector: String,
    pub statutory: bool,
    /// "open" / "closed".
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// One copy of a liaison the reader holds (its own hop: anonymised where the reader only has
/// the anonymised one).
#[derive(Debug, Clone)]
pub struct LiaisonCopy {
    pub id: String,
    pub report_no: u32,
    /// R<n> / R<n>-<k>.
    pub ident: Option<String>,
    pub tlp: Tlp,
    pub importance: Option<Importance>,
    pub sector: String,
    pub hop_kind: String,
    pub anonymised: bool,
    pub sender: Org,
    pub form: LiaisonForm,
    /// The indicators named in the form's text ([`copy_indicators`]) when already known (kept
    /// when the copy was written); `None`: found in the form now.
    pub indicators: Option<Vec<(IndicatorKind, String)>>,
    pub created_at: DateTime<Utc>,
}

/// A sent provision (情報提供) as its reader may see it.
#[derive(Debug, Clone)]
pub struct ProvisionMeta {
    pub id: String,
    /// T<n> / T<n>-<k>.
    pub ident: Option<String>,
    pub tlp: Tlp,
    pub importance: Option<Importance>,
    pub sectors: Vec<String>,
    pub urgent: bool,
    pub sender: Org,
    pub form: ProvisionForm,
    pub sent_at: DateTime<Utc>,
}

/// The identity of an organisation (fixed version: names are not history).
pub fn identity(org: &Org) -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id("identity", &format!("org:{}", org.id)),
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": if org.name.is_empty() { org.id.clone() } else { org.name.clone() },
        "identity_class": "organization",
    })
}

/// The platform's own identity, creator of the extension definition.
pub fn producer() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": PRODUCER_ID,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Kakehashi",
        "identity_class": "system",
    })
}

/// The extension definition of the framework's fields.
pub fn extension_definition() -> Value {
    json!({
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": PRODUCER_ID,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Kakehashi: Japan CI cybersecurity framework fields",
        "description": "Fields of the information liaison (情報連絡, R-numbers) and information provision (情報提供, T-numbers) of Japan's critical-infrastructure cybersecurity framework.",
        "schema": "Property extension. Properties (all optional): importance (alert | caution | reference); event_type (taxonomy code of the event); causes (list of taxonomy codes of the causes); liaison_number (R<n> or R<n>-<k>); provision_number (T<n> or T<n>-<k>); report_no (integer, the report's number in its chain); sector (sector code); sectors (list of sector codes); service_level_breach (boolean, the service-level deviation of the report); statutory (boolean); chain_status (open | closed); hop_kind (how the copy travelled); anonymised (boolean, the copy is the anonymising CEPTOAR's); urgent (boolean, early warning).",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
        "object_marking_refs": [tlp2_id(Tlp::Clear)],
    })
}

/// `fields` as the framework's property extension (empty values left out).
fn extension(fields: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("extension_type".into(), json!("property-extension"));
    for (k, v) in fields {
        let empty = v.is_null()
            || v.as_str().is_some_and(str::is_empty)
            || v.as_array().is_some_and(Vec::is_empty);
        if !empty {
            m.insert(k, v);
        }
    }
    json!({ EXTENSION_ID: Value::Object(m) })
}

/// `s` as a quoted STIX pattern string.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The STIX pattern of an indicator value, if its kind has one.
pub fn pattern(kind: IndicatorKind, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    Some(match kind {
        IndicatorKind::Ip if v.contains(':') => format!("[ipv6-addr:value = {}]", quote(v)),
        IndicatorKind::Ip => format!("[ipv4-addr:value = {}]", quote(v)),
        IndicatorKind::Domain => format!("[domain-name:value = {}]", quote(v)),
        IndicatorKind::Url => format!("[url:value = {}]", quote(v)),
        IndicatorKind::Email => format!("[email-addr:value = {}]", quote(v)),
        IndicatorKind::Hash => {
            let algo = match v.len() {
                32 => "MD5",
                40 => "'SHA-1'",
                64 => "'SHA-256'",
                128 => "'SHA-512'",
                _ => return None,
            };
            format!("[file:hashes.{algo} = {}]", quote(&v.to_ascii_lowercase()))
        }
        IndicatorKind::Other => return None,
    })
}

/// An indicator object for one value.
#[allow(clippy::too_many_arguments)]
fn indicator(
    key: &str,
    kind: IndicatorKind,
    value: &str,
    note: &str,
    at: &str,
    created_by: &str,
    tlp: Tlp,
    ext: &Value,
) -> Option<Value> {
    let pattern = pattern(kind, value)?;
    let mut o = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix_id("indicator", key),
        "created": at,
        "modified": at,
        "created_by_ref": created_by,
        "name": value,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": at,
        "object_marking_refs": [tlp2_id(tlp)],
        "extensions": ext,
    });
    if !note.is_empty() {
        o["description"] = json!(note);
    }
    Some(o)
}

/// The text of a liaison form in which indicators are looked for.
fn liaison_text(form: &LiaisonForm) -> String {
    [
        form.summary.description.as_str(),
        form.summary.affected_system.as_str(),
        form.supplementary.as_str(),
    ]
    .join("\n")
}

/// The indicators a copy's STIX export names: each distinct (kind, value) found in the form's
/// text, in text order. A copy never changes, so this may be kept when the copy is written
/// ([`encode_indicators`]) instead of being found again on every export.
pub fn copy_indicators(form: &LiaisonForm) -> Vec<(IndicatorKind, String)> {
    let mut seen = BTreeSet::new();
    extract_indicators(&liaison_text(form))
        .into_iter()
        .filter(|e| seen.insert((e.kind, e.value.clone())))
        .map(|e| (e.kind, e.value))
        .collect()
}

/// [`copy_indicators`] as kept in storage (a JSON list of `[kind, value]`).
pub fn encode_indicators(found: &[(IndicatorKind, String)]) -> String {
    serde_json::to_string(found).unwrap_or_else(|_| "[]".to_owned())
}

/// Kept indicators read back; `None` if the text is not what [`encode_indicators`] writes.
pub fn decode_indicators(text: &str) -> Option<Vec<(IndicatorKind, String)>> {
    serde_json::from_str(text).ok()
}

/// The STIX objects of a liaison chain as the reader holds it: the sender identities, the
/// incident (its version is the newest copy), one report per copy and the indicators named in
/// each copy's text. `copies` must not be empty.
pub fn chain_objects(chain: &ChainMeta, copies: &[LiaisonCopy]) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(newest) = copies.iter().max_by_key(|c| (c.created_at, c.id.clone())) else {
        return out;
    };
    let incident_id = stix_id("incident", &format!("chain:{}", chain.id));
    let mut senders: Vec<&Org> = Vec::new();
    for c in copies {
        if !senders.iter().any(|o| o.id == c.sender.id) {
            senders.push(&c.sender);
        }
    }
    out.extend(senders.into_iter().map(identity));
    // The incident is as restricted as the strictest copy it is built from.
    let strictest = copies.iter().map(|c| c.tlp).min().unwrap_or(Tlp::Red);
    let chain_ident = chain.number.map(|n| format!("R{n}"));
    let f = &newest.form;
    let mut ext = Map::new();
    ext.insert("liaison_number".into(), json!(chain_ident));
    ext.insert("sector".into(), json!(chain.sector));
    ext.insert("statutory".into(), json!(chain.statutory));
    ext.insert("chain_status".into(), json!(chain.status));
    ext.insert(
        "importance".into(),
        json!(newest.importance.map(|i| i.code())),
    );
    ext.insert("event_type".into(), json!(f.event));
    ext.insert("causes".into(), json!(f.causes));
    ext.insert("service_level_breach".into(), json!(f.impact.sml_deviation));
    let name = match (&chain_ident, f.summary.affected_system.is_empty()) {
        (Some(r), _) => format!("{r} 情報連絡"),
        (None, false) => format!("情報連絡: {}", f.summary.affected_system),
        (None, true) => "情報連絡".to_owned(),
    };
    let mut incident = json!({
        "type": "incident",
        "spec_version": "2.1",
        "id": incident_id,
        "created": timestamp(chain.created_at.min(newest.created_at)),
        "modified": timestamp(newest.created_at),
        "name": name,
        "object_marking_refs": [tlp2_id(strictest)],
        "extensions": extension(ext),
    });
    if !f.summary.description.is_empty() {
        incident["description"] = json!(f.summary.description);
    }
    out.push(incident);
    for c in copies {
        out.extend(copy_objects(&incident_id, c));
    }
    out
}

/// A copy's report and indicators.
fn copy_objects(incident_id: &str, c: &LiaisonCopy) -> Vec<Value> {
    let at = timestamp(c.created_at);
    let creator = stix_id("identity", &format!("org:{}", c.sender.id));
    let f = &c.form;
    let mut ext = Map::new();
    ext.insert("liaison_number".into(), json!(c.ident));
    ext.insert("report_no".into(), json!(c.report_no));
    ext.insert("sector".into(), json!(c.sector));
    ext.insert("importance".into(), json!(c.importance.map(|i| i.code())));
    ext.insert("event_type".into(), json!(f.event));
    ext.insert("causes".into(), json!(f.causes));
    ext.insert("service_level_breach".into(), json!(f.impact.sml_deviation));
    ext.insert("hop_kind".into(), json!(c.hop_kind));
    ext.insert("anonymised".into(), json!(c.anonymised));
    let ext = extension(ext);
    let mut ind_ext = Map::new();
    ind_ext.insert("liaison_number".into(), json!(c.ident));
    ind_ext.insert("sector".into(), json!(c.sector));
    let ind_ext = extension(ind_ext);
    let found = match &c.indicators {
        Some(kept) => std::borrow::Cow::Borrowed(kept),
        None => std::borrow::Cow::Owned(copy_indicators(f)),
    };
    let indicators: Vec<Value> = found
        .iter()
        .filter_map(|(kind, value)| {
            indicator(
                &format!("copy:{}:{}:{}", c.id, kind.code(), value),
                *kind,
                value,
                "",
                &at,
                &creator,
                c.tlp,
                &ind_ext,
            )
        })
        .collect();
    let mut refs = vec![json!(incident_id)];
    refs.extend(indicators.iter().map(|i| i["id"].clone()));
    let name = match &c.ident {
        Some(r) => format!("{r} 情報連絡 第{}報", c.report_no),
        None => format!("情報連絡 第{}報", c.report_no),
    };
    let mut report = json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", &format!("copy:{}", c.id)),
        "created": at,
        "modified": at,
        "created_by_ref": creator,
        "name": name,
        "report_types": ["incident"],
        "published": at,
        "object_refs": refs,
        "object_marking_refs": [tlp2_id(c.tlp)],
        "extensions": ext,
    });
    if !f.summary.description.is_empty() {
        report["description"] = json!(f.summary.description);
    }
    let mut out = vec![report];
    out.extend(indicators);
    out
}

/// The STIX objects of a sent provision: NISC's identity, the report, its indicators and its
/// countermeasures as a course of action.
pub fn provision_objects(p: &ProvisionMeta) -> Vec<Value> {
    let at = timestamp(p.sent_at);
    let creator = stix_id("identity", &format!("org:{}", p.sender.id));
    let f = &p.form;
    let mut ext = Map::new();
    ext.insert("provision_number".into(), json!(p.ident));
    ext.insert("importance".into(), json!(p.importance.map(|i| i.code())));
    ext.insert("sectors".into(), json!(p.sectors));
    ext.insert("urgent".into(), json!(p.urgent));
    let ext = extension(ext);
    let mut ind_ext = Map::new();
    ind_ext.insert("provision_number".into(), json!(p.ident));
    let ind_ext = extension(ind_ext);
    let mut out = vec![identity(&p.sender)];
    let mut refs: Vec<Value> = Vec::new();
    let mut seen = BTreeSet::new();
    for i in &f.indicators {
        if !seen.insert((i.kind, i.value.clone())) {
            continue;
        }
        if let Some(o) = indicator(
            &format!("provision:{}:{}:{}", p.id, i.kind.code(), i.value),
            i.kind,
            &i.value,
            &i.note,
            &at,
            &creator,
            p.tlp,
            &ind_ext,
        ) {
            refs.push(o["id"].clone());
            out.push(o);
        }
    }
    if !f.countermeasures.trim().is_empty() {
        let coa = json!({
            "type": "course-of-action",
            "spec_version": "2.1",
            "id": stix_id("course-of-action", &format!("provision:{}", p.id)),
            "created": at,
            "modified": at,
            "created_by_ref": creator,
            "name": "対処方針 (countermeasures)",
            "description": f.countermeasures,
            "object_marking_refs": [tlp2_id(p.tlp)],
            "extensions": ind_ext,
        });
        refs.push(coa["id"].clone());
        out.push(coa);
    }
    if refs.is_empty() {
        // A report must refer to something: it refers to its author.
        refs.push(json!(creator));
    }
    let name = match &p.ident {
        Some(t) => format!("{t} 情報提供"),
        None => "情報提供".to_owned(),
    };
    let mut description = f.summary.clone();
    if !f.targets.is_empty() {
        description.push_str("\n\n");
        description.push_str(&f.targets);
    }
    let mut report = json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", &format!("provision:{}", p.id)),
        "created": at,
        "modified": at,
        "created_by_ref": creator,
        "name": name,
        "report_types": ["threat-report"],
        "published": at,
        "object_refs": refs,
        "object_marking_refs": [tlp2_id(p.tlp)],
        "extensions": ext,
    });
    if !description.trim().is_empty() {
        report["description"] = json!(description);
    }
    out.insert(1, report);
    out
}

/// The TLP levels the objects are marked with.
pub fn levels_used(objects: &[Value]) -> BTreeSet<Tlp> {
    objects
        .iter()
        .filter_map(|o| o["object_marking_refs"].as_array())
        .flatten()
        .filter_map(|r| r.as_str().and_then(tlp_of_id))
        .collect()
}

/// A bundle of `objects` with what they refer to by definition: the platform identity, the
/// extension definition and the TLP marking definitions used. Each (id, version) once; the
/// bundle id is derived from its content, so the same export gives the same bundle.
pub fn bundle(objects: Vec<Value>) -> Value {
    let mut all = vec![producer(), extension_definition()];
    let mut levels = levels_used(&objects);
    levels.insert(Tlp::Clear);
    all.extend(levels.into_iter().map(tlp2_definition));
    all.extend(objects);
    let mut seen = BTreeSet::new();
    all.retain(|o| {
        seen.insert((
            o["id"].as_str().unwrap_or_default().to_owned(),
            o["modified"].as_str().unwrap_or_default().to_owned(),
        ))
    });
    let key: String = all
        .iter()
        .map(|o| format!("{}|{};", o["id"], o["modified"]))
        .collect();
    json!({
        "type": "bundle",
        "id": stix_id("bundle", &key),
        "objects": all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::form::Indicator;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("an RFC 3339 time")
            .with_timezone(&Utc)
    }

    fn copy(id: &str, tlp: Tlp, text: &str, at: &str) -> LiaisonCopy {
        let mut form = LiaisonForm::default();
        form.summary.description = text.to_owned();
        form.event = Some("unauthorised_access".into());
        form.causes = vec!["malware".into()];
        LiaisonCopy {
            id: id.into(),
            report_no: 1,
            ident: Some("R7".into()),
            tlp,
            importance: Some(Importance::Caution),
            sector: "electric_power".into(),
            hop_kind: "forward".into(),
            anonymised: false,
            sender: Org {
                id: "org-a".into(),
                name: "電力セプター".into(),
            },
            form,
            indicators: None,
            created_at: t(at),
        }
    }

    fn chain() -> ChainMeta {
        ChainMeta {
            id: "ch1".into(),
            number: Some(7),
            sector: "electric_power".into(),
            statutory: true,
            status: "open".into(),
            created_at: t("2026-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn ids_are_uuid_v5_and_deterministic() {
        let a = stix_id("report", "copy:x");
        assert_eq!(a, stix_id("report", "copy:x"));
        assert_ne!(a, stix_id("report", "copy:y"));
        let u = a.strip_prefix("report--").expect("a report id");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn a_chain_is_an_incident_with_a_report_per_copy_and_its_indicators() {
        let copies = [
            copy(
                "c1",
                Tlp::Green,
                "通信先 evil[.]example.com を確認",
                "2026-01-02T00:00:00Z",
            ),
            copy(
                "c2",
                Tlp::Amber,
                "203.0.113.9 から攻撃",
                "2026-01-03T00:00:00Z",
            ),
        ];
        let objs = chain_objects(&chain(), &copies);
        let types: Vec<&str> = objs
            .iter()
            .map(|o| o["type"].as_str().expect("a type"))
            .collect();
        assert_eq!(
            types,
            [
                "identity",
                "incident",
                "report",
                "indicator",
                "report",
                "indicator"
            ]
        );
        let incident = &objs[1];
        assert_eq!(incident["modified"], "2026-01-03T00:00:00.000000Z");
        assert_eq!(incident["object_marking_refs"][0], tlp2_id(Tlp::Amber));
        assert_eq!(
            objs[3]["pattern"],
            "[domain-name:value = 'evil.example.com']"
        );
        assert_eq!(objs[5]["pattern"], "[ipv4-addr:value = '203.0.113.9']");
        assert_eq!(objs[2]["extensions"][EXTENSION_ID]["causes"][0], "malware");
        // Re-exporting gives the same objects.
        assert_eq!(objs, chain_objects(&chain(), &copies));
        // And so does exporting with the indicators kept when the copies were written.
        let kept: Vec<LiaisonCopy> = copies
            .iter()
            .map(|c| {
                let text = encode_indicators(&copy_indicators(&c.form));
                LiaisonCopy {
                    indicators: Some(decode_indicators(&text).expect("kept indicators")),
                    ..c.clone()
                }
            })
            .collect();
        assert_eq!(
            kept[0].indicators.as_deref(),
            Some(&[(IndicatorKind::Domain, "evil.example.com".to_owned())][..])
        );
        assert_eq!(objs, chain_objects(&chain(), &kept));
    }

    #[test]
    fn a_provision_is_a_report_with_indicators_and_a_course_of_action() {
        let mut form = ProvisionForm {
            summary: "注意喚起".into(),
            countermeasures: "パッチを適用".into(),
            ..Default::default()
        };
        form.indicators = vec![
            Indicator {
                kind: IndicatorKind::Hash,
                value: "d41d8cd98f00b204e9800998ecf8427e".into(),
                ..Default::default()
            },
            Indicator {
                kind: IndicatorKind::Other,
                value: "not a pattern".into(),
                ..Default::default()
            },
        ];
        let p = ProvisionMeta {
            id: "p1".into(),
            ident: Some("T3".into()),
            tlp: Tlp::Clear,
            importance: Some(Importance::Alert),
            sectors: vec!["electric_power".into()],
            urgent: false,
            sender: Org {
                id: "nisc".into(),
                name: "NISC".into(),
            },
            form,
            sent_at: t("2026-02-01T00:00:00Z"),
        };
        let b = bundle(provision_objects(&p));
        let types: Vec<&str> = b["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .map(|o| o["type"].as_str().expect("a type"))
            .collect();
        assert_eq!(
            types,
            [
                "identity",
                "extension-definition",
                "marking-definition",
                "identity",
                "report",
                "indicator",
                "course-of-action"
            ]
        );
        assert_eq!(
            b["objects"][5]["pattern"],
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"
        );
        assert_eq!(b["id"], bundle(provision_objects(&p))["id"]);
    }

    #[test]
    fn patterns_quote_their_values() {
        assert_eq!(
            pattern(IndicatorKind::Url, "http://x.example/a'b").expect("a pattern"),
            "[url:value = 'http://x.example/a\\'b']"
        );
        assert_eq!(
            pattern(IndicatorKind::Ip, "2001:db8::1").expect("a pattern"),
            "[ipv6-addr:value = '2001:db8::1']"
        );
        assert!(pattern(IndicatorKind::Hash, "abc").is_none());
    }
}
