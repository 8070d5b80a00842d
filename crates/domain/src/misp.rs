//! MISP: provisions as MISP events, the feed's manifest and hash lines, and MISP event JSON as
//! source items.
//!
//! - TLP travels as the MISP `tlp:` tags ([`tlp_tag`], [`tag_level`]): `tlp:clear`,
//!   `tlp:green`, `tlp:amber`, `tlp:amber+strict`, `tlp:red`; `tlp:white` is read as CLEAR. A
//!   `tlp:` tag that is none of these is an unknown marking — like an unknown STIX marking, the
//!   import is refused unless the importer chose a level ([`crate::stix::import::decide_tlp`]).
//! - A provision's indicators are attributes with `to_ids`; its text fields are the attributes
//!   of one `kakehashi-provision` object; T-number, importance and sectors are machine tags.
//! - Every uuid is a UUIDv5 of the provision's id under [`NAMESPACE`], so an event keeps its
//!   uuid and its attributes theirs on every export and a MISP instance updates rather than
//!   duplicates.
//!
//! Pure: no I/O, no clock.

use crate::provision::{hash_algorithm, HashAlgorithm, IndicatorKind, ProvisionForm};
use crate::stix::import::{
    clean_text, decide_tlp, http_url, is_uuid, one_line, parse_json, ImportProblem, ImportedItem,
    IndicatorSet, MarkingFindings, Rule, MAX_IMPORT_INDICATORS, MAX_IMPORT_OBJECTS,
    MAX_IMPORT_TEXT_CHARS,
};
use crate::{Importance, Tlp};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Map, Value};

/// Kakehashi's UUIDv5 namespace for MISP uuids (fixed; changing it would change every uuid).
pub const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b616b65_6861_5368_a169_6d6973700001);

/// The creator organisation of every exported event.
pub const ORGC_NAME: &str = "内閣サイバーセキュリティセンター (NISC)";

/// The name of the object that carries the form's text fields.
pub const OBJECT_NAME: &str = "kakehashi-provision";

/// A UUIDv5 (RFC 9562 §5.5) of `name` under [`NAMESPACE`].
pub fn uuid_v5(name: &str) -> String {
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes())
        .hyphenated()
        .to_string()
}

/// The event uuid of a provision.
pub fn event_uuid(provision_id: &str) -> String {
    uuid_v5(&format!("provision:{provision_id}"))
}

/// The MISP tag of a level.
pub fn tlp_tag(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "tlp:clear",
        Tlp::Green => "tlp:green",
        Tlp::Amber => "tlp:amber",
        Tlp::AmberStrict => "tlp:amber+strict",
        Tlp::Red => "tlp:red",
    }
}

/// The colour MISP's TLP taxonomy gives a level's tag.
pub fn tlp_colour(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "#ffffff",
        Tlp::Green => "#339900",
        Tlp::Amber => "#ffc000",
        Tlp::AmberStrict => "#ffc000",
        Tlp::Red => "#cc0033",
    }
}

/// What a tag says about the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagLevel {
    Tlp(Tlp),
    /// A `tlp:` tag that is no level we know (`tlp:ex:chr`, a typo …).
    Unknown,
    /// Not a TLP tag.
    NotTlp,
}

/// The level of a MISP tag (case-insensitive; `tlp:white` is CLEAR).
pub fn tag_level(name: &str) -> TagLevel {
    let n = name.trim().to_ascii_lowercase();
    if n == "tlp:white" {
        return TagLevel::Tlp(Tlp::Clear);
    }
    if let Some(t) = Tlp::ALL.into_iter().find(|t| tlp_tag(*t) == n) {
        return TagLevel::Tlp(t);
    }
    if n.starts_with("tlp:") {
        TagLevel::Unknown
    } else {
        TagLevel::NotTlp
    }
}

/// A sent provision, as the reader may read it, for export.
#[derive(Debug, Clone)]
pub struct ProvisionEvent<'a> {
    pub provision_id: &'a str,
    /// T<n> / T<n>-<k>.
    pub ident: Option<&'a str>,
    pub tlp: Tlp,
    pub importance: Option<Importance>,
    /// Target sectors (ids).
    pub sectors: &'a [String],
    pub urgent: bool,
    pub sent_at: DateTime<Utc>,
    pub form: &'a ProvisionForm,
}

fn threat_level(i: Option<Importance>) -> &'static str {
    match i {
        Some(Importance::Alert) => "1",
        Some(Importance::Caution) => "2",
        Some(Importance::Reference) => "3",
        None => "4",
    }
}

/// MISP attribute type and category of an indicator.
pub fn attribute_type(kind: IndicatorKind, value: &str) -> (&'static str, &'static str, bool) {
    match kind {
        IndicatorKind::Ip => ("ip-dst", "Network activity", true),
        IndicatorKind::Domain => ("domain", "Network activity", true),
        IndicatorKind::Url => ("url", "Network activity", true),
        IndicatorKind::Hash => match hash_algorithm(value) {
            Some(HashAlgorithm::Md5) => ("md5", "Payload delivery", true),
            Some(HashAlgorithm::Sha1) => ("sha1", "Payload delivery", true),
            Some(HashAlgorithm::Sha256) => ("sha256", "Payload delivery", true),
            Some(HashAlgorithm::Sha512) => ("sha512", "Payload delivery", true),
            None => ("text", "Other", false),
        },
        IndicatorKind::Email => ("email-src", "Payload delivery", true),
        IndicatorKind::Other => ("text", "Other", false),
    }
}

fn jst_date(t: DateTime<Utc>) -> String {
    let jst = FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| unreachable!("+09:00 is valid"));
    t.with_timezone(&jst).format("%Y-%m-%d").to_string()
}

/// The MISP event (`{"Event": …}`) of a sent provision.
pub fn event(p: &ProvisionEvent) -> Value {
    let ts = p.sent_at.timestamp().to_string();
    let euuid = event_uuid(p.provision_id);
    let attr_uuid = |what: &str| uuid_v5(&format!("provision:{}:{what}", p.provision_id));
    let mut tags = vec![json!({"name": tlp_tag(p.tlp), "colour": tlp_colour(p.tlp)})];
    if let Some(i) = p.ident {
        tags.push(json!({"name": format!("kakehashi:ident=\"{i}\"")}));
    }
    if let Some(i) = p.importance {
        tags.push(json!({"name": format!("kakehashi:importance=\"{}\"", i.code())}));
    }
    for s in p.sectors {
        tags.push(json!({"name": format!("kakehashi:sector=\"{s}\"")}));
    }
    if p.urgent {
        tags.push(json!({"name": "kakehashi:early-warning=\"true\""}));
    }
    let attributes: Vec<Value> = p
        .form
        .indicators
        .iter()
        .map(|ind| {
            let (ty, cat, ids) = attribute_type(ind.kind, &ind.value);
            json!({
                "uuid": attr_uuid(&format!("indicator:{}:{}", ind.kind.code(), ind.value)),
                "type": ty,
                "category": cat,
                "value": ind.value,
                "to_ids": ids,
                "comment": ind.note,
                "timestamp": ts,
                "disable_correlation": false,
                "deleted": false,
            })
        })
        .collect();
    let f = p.form;
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(i) = p.ident {
        fields.push(("ident", i.to_owned()));
    }
    if let Some(i) = p.importance {
        fields.push(("importance", i.code().to_owned()));
    }
    fields.push(("report-no", f.report_no.to_string()));
    for (name, v) in [
        ("tlp-notes", &f.tlp_notes),
        ("summary", &f.summary),
        ("targets", &f.targets),
        ("countermeasures", &f.countermeasures),
        ("other", &f.other),
    ] {
        if !v.trim().is_empty() {
            fields.push((name, v.clone()));
        }
    }
    let object_attrs: Vec<Value> = fields
        .into_iter()
        .map(|(rel, v)| {
            json!({
                "uuid": attr_uuid(&format!("field:{rel}")),
                "object_relation": rel,
                "type": "text",
                "category": "Other",
                "value": v,
                "to_ids": false,
                "comment": "",
                "timestamp": ts,
                "disable_correlation": true,
                "deleted": false,
            })
        })
        .collect();
    let info = {
        let head = f
            .summary
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let head = one_line(head, 200);
        match (p.ident, head.is_empty()) {
            (Some(i), false) => format!("{i} {head}"),
            (Some(i), true) => format!("{i} 情報提供"),
            (None, false) => head,
            (None, true) => "情報提供".to_owned(),
        }
    };
    json!({
        "Event": {
            "uuid": euuid,
            "info": info,
            "date": jst_date(p.sent_at),
            "threat_level_id": threat_level(p.importance),
            "analysis": "2",
            "published": true,
            "timestamp": ts,
            "publish_timestamp": ts,
            "Orgc": {"name": ORGC_NAME, "uuid": uuid_v5("org:nisc")},
            "Tag": tags,
            "Attribute": attributes,
            "Object": [{
                "uuid": attr_uuid("object"),
                "name": OBJECT_NAME,
                "meta-category": "misc",
                "description": "情報提供様式（図７）の項目 — fields of the provision form",
                "template_uuid": uuid_v5("template:kakehashi-provision"),
                "template_version": "1",
                "timestamp": ts,
                "comment": "",
                "deleted": false,
                "Attribute": object_attrs,
            }],
        }
    })
}

/// The feed manifest's entry of an event: its uuid and what MISP lists before fetching it.
pub fn manifest_entry(event: &Value) -> (String, Value) {
    let e = &event["Event"];
    let uuid = e["uuid"].as_str().unwrap_or_default().to_owned();
    let entry = json!({
        "Orgc": e["Orgc"],
        "Tag": e["Tag"],
        "info": e["info"],
        "date": e["date"],
        "analysis": e["analysis"],
        "threat_level_id": e["threat_level_id"],
        "timestamp": e["timestamp"],
    });
    (uuid, entry)
}

/// The feed's `hashes.csv` lines of an event: the MD5 of each attribute value, with the event
/// uuid (attributes of objects too; `a|b` values give one line per part), as MISP writes them.
pub fn hash_lines(event: &Value) -> Vec<String> {
    use md5::{Digest, Md5};
    let e = &event["Event"];
    let uuid = e["uuid"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    let mut add = |a: &Value| {
        let ty = a["type"].as_str().unwrap_or("");
        let v = a["value"].as_str().unwrap_or("");
        let parts: Vec<&str> = if ty.contains('|') || ty == "malware-sample" {
            v.split('|').collect()
        } else {
            vec![v]
        };
        for part in parts {
            let d = Md5::digest(part.as_bytes());
            let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
            out.push(format!("{hex},{uuid}"));
        }
    };
    for a in e["Attribute"].as_array().into_iter().flatten() {
        add(a);
    }
    for o in e["Object"].as_array().into_iter().flatten() {
        for a in o["Attribute"].as_array().into_iter().flatten() {
            add(a);
        }
    }
    out
}

// ---- import ----------------------------------------------------------------------------------

type Attrs<'a> = Vec<(String, &'a Map<String, Value>)>;

/// The attributes of a list (`Attribute` of the event or of an object), each labelled by its
/// uuid or its place.
fn collect<'a>(
    list: Option<&'a Value>,
    prefix: &str,
    problems: &mut Vec<ImportProblem>,
    attrs: &mut Attrs<'a>,
) {
    match list {
        None => {}
        Some(Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                let at = x
                    .get("uuid")
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{prefix}[{i}]"));
                match x.as_object() {
                    Some(m) => attrs.push((at, m)),
                    None => problems.push(ImportProblem::new(
                        &at,
                        "-",
                        Rule::Structure,
                        Some("not an object"),
                    )),
                }
            }
        }
        Some(_) => problems.push(ImportProblem::new(
            prefix,
            "-",
            Rule::Structure,
            Some("not an array"),
        )),
    }
}

fn tags_of(v: &Value) -> Vec<&str> {
    v.get("Tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect()
}

/// Indicator kinds of a MISP attribute type, with the part of a composite value (`a|b`) each
/// takes.
fn kinds_of_type(ty: &str) -> Vec<(usize, IndicatorKind)> {
    match ty {
        "ip-src" | "ip-dst" | "ip-src|port" | "ip-dst|port" => vec![(0, IndicatorKind::Ip)],
        "domain" | "hostname" | "domain|port" | "hostname|port" => vec![(0, IndicatorKind::Domain)],
        "domain|ip" => vec![(0, IndicatorKind::Domain), (1, IndicatorKind::Ip)],
        "url" => vec![(0, IndicatorKind::Url)],
        "md5" | "sha1" | "sha256" | "sha512" => vec![(0, IndicatorKind::Hash)],
        "filename|md5" | "filename|sha1" | "filename|sha256" | "filename|sha512" => {
            vec![(1, IndicatorKind::Hash)]
        }
        "email" | "email-src" | "email-dst" | "email-reply-to" => vec![(0, IndicatorKind::Email)],
        _ => Vec::new(),
    }
}

/// Checks and maps a MISP event (`{"Event": …}` or the bare event), the raw upload.
pub fn import_event(
    raw: &str,
    importer_tlp: Option<Tlp>,
) -> Result<ImportedItem, Vec<ImportProblem>> {
    let v = parse_json(raw, "event")?;
    import_event_value(&v, importer_tlp)
}

/// [`import_event`] on JSON already parsed.
pub fn import_event_value(
    v: &Value,
    importer_tlp: Option<Tlp>,
) -> Result<ImportedItem, Vec<ImportProblem>> {
    let e: &Map<String, Value> = match v.get("Event").unwrap_or(v).as_object() {
        Some(e) => e,
        None => {
            return Err(vec![ImportProblem::new(
                "event",
                "Event",
                Rule::Structure,
                Some("not an object"),
            )])
        }
    };
    let mut problems = Vec::new();
    // A blank uuid names nothing: the problem then names the event by what it is.
    let label = e
        .get("uuid")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| "event".to_owned());
    match e.get("uuid").and_then(Value::as_str) {
        Some(u) if is_uuid(u) => {}
        Some(_) => problems.push(ImportProblem::new(
            &label,
            "uuid",
            Rule::Format,
            Some("UUID"),
        )),
        None => problems.push(ImportProblem::new(&label, "uuid", Rule::Required, None)),
    }
    let info = e.get("info").and_then(Value::as_str).unwrap_or("");
    if info.trim().is_empty() {
        problems.push(ImportProblem::new(&label, "info", Rule::Required, None));
    }
    for (p, allowed) in [
        ("threat_level_id", &["1", "2", "3", "4"][..]),
        ("analysis", &["0", "1", "2"][..]),
    ] {
        if let Some(x) = e.get(p) {
            let s = match x {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            };
            if !allowed.contains(&s.as_str()) {
                problems.push(ImportProblem::new(
                    &label,
                    p,
                    Rule::Format,
                    Some(&allowed.join("|")),
                ));
            }
        }
    }
    let mut found = MarkingFindings::default();
    let mut levels: Vec<Tlp> = Vec::new();
    let mut tag_scan =
        |object: &str, prop: &str, tags: Vec<&str>, found: &mut MarkingFindings| -> bool {
            let mut any = false;
            for t in tags {
                match tag_level(t) {
                    TagLevel::Tlp(l) => {
                        levels.push(l);
                        any = true;
                    }
                    TagLevel::Unknown => {
                        found
                            .unknown
                            .push((object.to_owned(), prop.to_owned(), t.to_owned()))
                    }
                    TagLevel::NotTlp => {}
                }
            }
            any
        };
    if !tag_scan(
        &label,
        "Tag",
        tags_of(&Value::Object(e.clone())),
        &mut found,
    ) {
        found.missing.push((label.clone(), "Tag".into()));
    }

    let mut indicators = IndicatorSet::default();
    let mut texts: Vec<String> = vec![clean_text(info, MAX_IMPORT_TEXT_CHARS)];
    let mut url = String::new();
    let mut attrs: Attrs = Vec::new();
    let vlabel = label.clone();
    collect(
        e.get("Attribute"),
        &format!("{vlabel}.Attribute"),
        &mut problems,
        &mut attrs,
    );
    if let Some(objs) = e.get("Object") {
        match objs.as_array() {
            Some(a) => {
                for (i, o) in a.iter().enumerate() {
                    collect(
                        o.get("Attribute"),
                        &format!("{vlabel}.Object[{i}].Attribute"),
                        &mut problems,
                        &mut attrs,
                    );
                }
            }
            None => problems.push(ImportProblem::new(
                &label,
                "Object",
                Rule::Structure,
                Some("not an array"),
            )),
        }
    }
    if attrs.len() > MAX_IMPORT_OBJECTS {
        return Err(vec![ImportProblem::new(
            &label,
            "Attribute",
            Rule::TooMany,
            Some(&format!("> {MAX_IMPORT_OBJECTS}")),
        )]);
    }
    for (at, a) in &attrs {
        if let Some(u) = a.get("uuid").and_then(Value::as_str) {
            if !is_uuid(u) {
                problems.push(ImportProblem::new(at, "uuid", Rule::Format, Some("UUID")));
            }
        }
        let Some(ty) = a
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        else {
            problems.push(ImportProblem::new(at, "type", Rule::Required, None));
            continue;
        };
        let value = match a.get("value") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.as_str(),
            _ => {
                problems.push(ImportProblem::new(at, "value", Rule::Required, None));
                continue;
            }
        };
        let _ = tag_scan(at, "Tag", tags_of(&Value::Object((*a).clone())), &mut found);
        let comment = a.get("comment").and_then(Value::as_str).unwrap_or("");
        let parts: Vec<&str> = if ty.contains('|') {
            value.split('|').collect()
        } else {
            vec![value]
        };
        for (idx, kind) in kinds_of_type(ty) {
            match parts.get(idx) {
                Some(p) if indicators.add(kind, p, comment) => {}
                _ => problems.push(ImportProblem::new(
                    at,
                    "value",
                    Rule::Format,
                    Some(&format!("{ty}: {value}")),
                )),
            }
        }
        match ty {
            "text" | "comment" | "other" => {
                let rel = a
                    .get("object_relation")
                    .and_then(Value::as_str)
                    .unwrap_or(ty);
                texts.push(format!(
                    "[{rel}] {}",
                    clean_text(value, MAX_IMPORT_TEXT_CHARS)
                ));
            }
            "link" if url.is_empty() => url = http_url(value),
            "vulnerability" => texts.push(format!("[vulnerability] {}", one_line(value, 200))),
            _ => {}
        }
    }
    if indicators.overflow {
        problems.push(ImportProblem::new(
            &label,
            "Attribute",
            Rule::TooMany,
            Some(&format!("> {MAX_IMPORT_INDICATORS} indicators")),
        ));
    }
    found.strictest = levels.iter().copied().min();
    let tlp = match decide_tlp(&found, importer_tlp, &label) {
        Ok(t) => Some(t),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut identifiers: Vec<String> = Vec::new();
    for k in ["Orgc", "Org"] {
        if let Some(n) = e.get(k).and_then(|o| o.get("name")).and_then(Value::as_str) {
            let n = one_line(n, 300);
            if !n.is_empty() && !identifiers.contains(&n) {
                identifiers.push(n);
            }
        }
    }
    Ok(ImportedItem {
        format: "misp",
        external_id: label,
        title: one_line(info, 300),
        origin: identifiers.first().cloned().unwrap_or_default(),
        url,
        text: clean_text(&texts.join("\n\n"), MAX_IMPORT_TEXT_CHARS),
        indicators: indicators.items,
        tlp: tlp.unwrap_or(Tlp::Red),
        identifiers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::{Indicator, IndicatorOrigin};

    fn form() -> ProvisionForm {
        ProvisionForm {
            summary: "不審な通信の観測\n詳細".into(),
            countermeasures: "遮断してください".into(),
            indicators: vec![
                Indicator {
                    kind: IndicatorKind::Ip,
                    value: "198.51.100.7".into(),
                    note: "C2".into(),
                    origin: IndicatorOrigin::Typed,
                },
                Indicator {
                    kind: IndicatorKind::Hash,
                    value: "d41d8cd98f00b204e9800998ecf8427e".into(),
                    note: String::new(),
                    origin: IndicatorOrigin::Typed,
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn tags_round_trip_and_white_is_clear() {
        for t in Tlp::ALL {
            assert_eq!(tag_level(tlp_tag(t)), TagLevel::Tlp(t));
        }
        assert_eq!(tag_level("TLP:WHITE"), TagLevel::Tlp(Tlp::Clear));
        assert_eq!(tag_level("tlp:ex:chr"), TagLevel::Unknown);
        assert_eq!(
            tag_level("osint:source-type=\"blog-post\""),
            TagLevel::NotTlp
        );
    }

    #[test]
    fn uuids_are_v5_and_stable() {
        let a = event_uuid("p1");
        assert_eq!(a, event_uuid("p1"));
        assert_ne!(a, event_uuid("p2"));
        let u = uuid::Uuid::parse_str(&a).expect("uuid");
        assert_eq!(u.get_version_num(), 5);
    }

    #[test]
    fn an_exported_event_imports_back_with_its_level_and_indicators() {
        let f = form();
        let sectors = vec!["electric_power".to_owned()];
        let ev = event(&ProvisionEvent {
            provision_id: "p1",
            ident: Some("T1"),
            tlp: Tlp::Amber,
            importance: Some(Importance::Alert),
            sectors: &sectors,
            urgent: false,
            sent_at: DateTime::parse_from_rfc3339("2026-04-01T16:00:00Z")
                .expect("t")
                .with_timezone(&Utc),
            form: &f,
        });
        assert_eq!(ev["Event"]["date"], "2026-04-02");
        assert_eq!(ev["Event"]["info"], "T1 不審な通信の観測");
        assert_eq!(ev["Event"]["Attribute"][0]["to_ids"], true);
        let (uuid, entry) = manifest_entry(&ev);
        assert_eq!(uuid, event_uuid("p1"));
        assert_eq!(entry["Tag"][0]["name"], "tlp:amber");
        let lines = hash_lines(&ev);
        assert!(lines[0].ends_with(&uuid));
        let item = import_event(&ev.to_string(), None).expect("imports");
        assert_eq!(item.tlp, Tlp::Amber);
        assert_eq!(item.indicators.len(), 2);
        assert!(item.text.contains("遮断してください"));
        assert_eq!(item.origin, ORGC_NAME);
    }

    #[test]
    fn missing_unknown_and_wider_levels_are_refused() {
        let ev = |tags: Value| {
            json!({"Event": {"uuid": "5d0092c5-5f74-4287-9642-33f4c354e56d", "info": "x", "Tag": tags,
                "Attribute": [{"type": "domain", "value": "evil.example", "to_ids": true}]}})
            .to_string()
        };
        let e = import_event(&ev(json!([])), None).expect_err("missing");
        assert_eq!(
            (e[0].property.as_str(), e[0].rule),
            ("Tag", Rule::MissingTlp)
        );
        assert_eq!(
            import_event(&ev(json!([])), Some(Tlp::Green))
                .expect("chosen")
                .tlp,
            Tlp::Green
        );
        let e = import_event(&ev(json!([{"name": "tlp:ex:chr"}])), None).expect_err("unknown");
        assert!(e.iter().any(|p| p.rule == Rule::UnknownMarking));
        let e =
            import_event(&ev(json!([{"name": "tlp:amber"}])), Some(Tlp::Clear)).expect_err("wider");
        assert_eq!(e[0].rule, Rule::WiderThanMarking);
        let ok = import_event(&ev(json!([{"name": "tlp:white"}])), None).expect("white");
        assert_eq!(ok.tlp, Tlp::Clear);
        let bad = json!({"Event": {"uuid": "5d0092c5-5f74-4287-9642-33f4c354e56d", "info": "x",
            "Tag": [{"name": "tlp:green"}], "Attribute": [{"type": "ip-dst", "value": "not-an-ip"}]}});
        let e = import_event(&bad.to_string(), None).expect_err("bad value");
        assert_eq!((e[0].property.as_str(), e[0].rule), ("value", Rule::Format));
    }
}

#[cfg(test)]
mod blank_uuid_tests {
    use super::*;

    /// Found by the `misp_event` fuzz target: a blank uuid named the problem's object "" (a
    /// message starting " の uuid"). The event is then named "event".
    #[test]
    fn a_blank_uuid_is_named_by_what_it_is() {
        let raw = r#"{"uuid": "", "info": "x", "Tag": [{"name": "tlp:ex:chr"}], "Attribute": [{"type": "url", "value": "jxxp://evil[.a", "uuid": " "}]}"#;
        let problems = import_event(raw, None).expect_err("refused");
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(
                !p.object.trim().is_empty() && !p.property.is_empty(),
                "{p:?}"
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.object == "event" && p.property == "uuid"),
            "{problems:?}"
        );
    }
}
