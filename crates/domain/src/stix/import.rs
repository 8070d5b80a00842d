//! STIX 2.1 bundles as source items for provisions.
//!
//! [`import_bundle`] checks a bundle the way a STIX validator does — JSON, `spec_version`, the
//! required properties of each object type, id and timestamp formats, the syntax of every STIX
//! pattern, and that every `*_ref` names an object of the bundle — and either refuses it with
//! every problem found (object id, property, rule; in Japanese and English) or returns one
//! [`ImportedItem`]: its text, its indicators (from indicator patterns and cyber-observable
//! objects, as the provision form's [`Indicator`]s) and its TLP.
//!
//! TLP: the strictest TLP marking of any object (as [`super::markings::strictest_tlp`] takes it). Content objects without a
//! TLP marking, or with a marking that is not TLP (an unknown `marking-definition`), leave the
//! level open: the import is refused unless the importer chose a level ([`decide_tlp`]). The
//! importer's choice is never wider than a marking the bundle carries. MISP events go through the
//! same decision ([`crate::misp`]).
//!
//! Pure: no I/O, no clock.

use super::markings::tlp_of_id;
use crate::provision::{canonical_indicator, is_valid_indicator};
use crate::provision::{Indicator, IndicatorKind, IndicatorOrigin};
use crate::Tlp;
use serde::Serialize;
use serde_json::{Map, Value};

/// Most indicators one import carries (as many as one provision form lists).
pub const MAX_IMPORT_INDICATORS: usize = crate::provision::MAX_INDICATORS;
/// Most characters of an import's text kept.
pub const MAX_IMPORT_TEXT_CHARS: usize = 20_000;
/// Most objects (or MISP attributes) in one import.
pub const MAX_IMPORT_OBJECTS: usize = 10_000;

/// What an import makes: one external source item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedItem {
    /// "stix" or "misp".
    pub format: &'static str,
    /// The bundle id or the MISP event uuid.
    pub external_id: String,
    /// One line: the report's (event's) name.
    pub title: String,
    /// Who published it (the creator identity, the MISP creator organisation).
    pub origin: String,
    /// A reference URL, if the content names one (http/https only).
    pub url: String,
    /// The readable content: names, descriptions, notes.
    pub text: String,
    /// Indicators, canonical (refanged), without duplicates.
    pub indicators: Vec<Indicator>,
    pub tlp: Tlp,
    /// Names that identify the source (identities, organisations), kept out of provisions by
    /// sanitisation.
    pub identifiers: Vec<String>,
}

/// Why a problem refuses an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Not JSON at all.
    Json,
    /// The wrong kind of document (not a bundle, not a MISP event).
    Structure,
    /// A required property is missing or empty.
    Required,
    /// `spec_version` is not 2.1.
    SpecVersion,
    /// A property has the wrong type or format (id, timestamp, UUID, value).
    Format,
    /// An object type STIX 2.1 does not define (custom types start with `x-`).
    UnknownType,
    /// A STIX pattern does not parse.
    PatternSyntax,
    /// A reference names no object of the bundle.
    UnknownRef,
    /// Two objects share an id.
    Duplicate,
    /// A content object has no TLP marking and the importer chose none.
    MissingTlp,
    /// A marking that is not a TLP level and the importer chose none.
    UnknownMarking,
    /// The importer's level is wider than a marking the content carries.
    WiderThanMarking,
    /// Too many objects or indicators.
    TooMany,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Json => "json",
            Rule::Structure => "structure",
            Rule::Required => "required",
            Rule::SpecVersion => "spec_version",
            Rule::Format => "format",
            Rule::UnknownType => "unknown_type",
            Rule::PatternSyntax => "pattern_syntax",
            Rule::UnknownRef => "unknown_ref",
            Rule::Duplicate => "duplicate",
            Rule::MissingTlp => "missing_tlp",
            Rule::UnknownMarking => "unknown_marking",
            Rule::WiderThanMarking => "wider_than_marking",
            Rule::TooMany => "too_many",
        }
    }
}

/// One problem: the object (its id, or `bundle` / `event`), the property and the rule, with a
/// message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    pub object: String,
    pub property: String,
    pub rule: Rule,
    pub message_ja: String,
    pub message_en: String,
}

impl ImportProblem {
    pub fn new(object: &str, property: &str, rule: Rule, detail: Option<&str>) -> Self {
        let (ja, en) = match rule {
            Rule::Json => ("JSONとして読めません", "is not JSON"),
            Rule::Structure => ("形式が違います", "has the wrong structure"),
            Rule::Required => ("必須のプロパティがありません", "is a required property"),
            Rule::SpecVersion => (
                "spec_version は \"2.1\" でなければなりません",
                "spec_version must be \"2.1\"",
            ),
            Rule::Format => ("値の形式が正しくありません", "has an invalid format"),
            Rule::UnknownType => (
                "STIX 2.1 にないオブジェクト種別です（独自の種別は x- で始めます）",
                "is not a STIX 2.1 object type (custom types start with x-)",
            ),
            Rule::PatternSyntax => ("STIXパターンの構文誤りです", "is not a valid STIX pattern"),
            Rule::UnknownRef => (
                "参照先のオブジェクトがバンドル内にありません",
                "refers to an object not in the bundle",
            ),
            Rule::Duplicate => ("同じIDのオブジェクトが複数あります", "duplicates an object id"),
            Rule::MissingTlp => (
                "TLPの指定がありません。取り込む側でTLPを選んでください",
                "has no TLP marking; choose a TLP for the import",
            ),
            Rule::UnknownMarking => (
                "TLPとして解釈できないマーキングです。取り込む側でTLPを選んでください",
                "is a marking that is not a TLP level; choose a TLP for the import",
            ),
            Rule::WiderThanMarking => (
                "選んだTLPが内容のマーキングより広い範囲です（同じか、より厳しいTLPを選んでください）",
                "the chosen TLP is wider than the content's marking (choose it or a stricter one)",
            ),
            Rule::TooMany => ("件数が上限を超えています", "has too many entries"),
        };
        let tail = detail.map(|d| format!(" ({d})")).unwrap_or_default();
        Self {
            object: object.to_owned(),
            property: property.to_owned(),
            rule,
            message_ja: format!("{object} の {property}: {ja}{tail}"),
            message_en: format!("{object}: '{property}' {en}{tail}"),
        }
    }
}

/// Where a TLP level of the content comes from, as the import found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkingFindings {
    /// The strictest TLP marking found, if any.
    pub strictest: Option<Tlp>,
    /// Content without a TLP marking: (object, property).
    pub missing: Vec<(String, String)>,
    /// Markings that are not TLP: (object, property, the marking).
    pub unknown: Vec<(String, String, String)>,
}

/// The level of an import. Without the importer's choice: the strictest marking, provided every
/// content object carries one and none is unknown. With it: the importer's level, provided it is
/// no wider than any marking found. Never wider than what the content says.
pub fn decide_tlp(
    found: &MarkingFindings,
    importer: Option<Tlp>,
    object: &str,
) -> Result<Tlp, Vec<ImportProblem>> {
    match importer {
        Some(chosen) => match found.strictest {
            Some(marked) if !chosen.at_least_as_strict_as(marked) => Err(vec![ImportProblem::new(
                object,
                "tlp",
                Rule::WiderThanMarking,
                Some(&format!("{} > {}", chosen.code(), marked.code())),
            )]),
            _ => Ok(chosen),
        },
        None => {
            let mut problems: Vec<ImportProblem> = found
                .missing
                .iter()
                .map(|(o, p)| ImportProblem::new(o, p, Rule::MissingTlp, None))
                .collect();
            problems.extend(
                found
                    .unknown
                    .iter()
                    .map(|(o, p, m)| ImportProblem::new(o, p, Rule::UnknownMarking, Some(m))),
            );
            match found.strictest {
                Some(t) if problems.is_empty() => Ok(t),
                Some(_) => Err(problems),
                None => {
                    if problems.is_empty() {
                        problems.push(ImportProblem::new(object, "tlp", Rule::MissingTlp, None));
                    }
                    Err(problems)
                }
            }
        }
    }
}

/// Collects indicators: canonical value, valid for its kind, no duplicates, at most
/// [`MAX_IMPORT_INDICATORS`].
#[derive(Debug, Default)]
pub struct IndicatorSet {
    pub items: Vec<Indicator>,
    pub overflow: bool,
}

impl IndicatorSet {
    /// Adds a value of a kind; `false` when the value is not valid for that kind.
    pub fn add(&mut self, kind: IndicatorKind, raw: &str, note: &str) -> bool {
        if !is_valid_indicator(kind, raw) {
            return false;
        }
        let value = canonical_indicator(kind, raw);
        if self
            .items
            .iter()
            .any(|i| i.kind == kind && i.value == value)
        {
            return true;
        }
        if self.items.len() >= MAX_IMPORT_INDICATORS {
            self.overflow = true;
            return true;
        }
        self.items.push(Indicator {
            kind,
            value,
            note: one_line(note, 200),
            origin: IndicatorOrigin::Typed,
        });
        true
    }
}

/// A value on one line: control characters and line breaks become spaces, runs of spaces one,
/// at most `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.chars().take(max).collect()
}

/// Free text: control characters other than tab and line breaks dropped, at most `max`
/// characters.
pub fn clean_text(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A URL kept only when it is http(s) and on one line.
pub fn http_url(s: &str) -> String {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && t.len() <= crate::text::MAX_INDICATOR_CHARS
        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        t.to_owned()
    } else {
        String::new()
    }
}

/// Parses the raw text of an upload as JSON.
pub fn parse_json(raw: &str, object: &str) -> Result<Value, Vec<ImportProblem>> {
    serde_json::from_str(raw.trim_start_matches('\u{feff}')).map_err(|e| {
        vec![ImportProblem::new(
            object,
            "-",
            Rule::Json,
            Some(&format!("line {}, column {}", e.line(), e.column())),
        )]
    })
}

// ---- STIX ------------------------------------------------------------------------------------

const SDO_TYPES: [&str; 19] = [
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];
const SRO_TYPES: [&str; 2] = ["relationship", "sighting"];
const META_TYPES: [&str; 3] = [
    "marking-definition",
    "language-content",
    "extension-definition",
];
const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Object types whose content is not shared information and needs no TLP marking of its own.
const UNMARKED_OK: [&str; 4] = [
    "marking-definition",
    "identity",
    "extension-definition",
    "language-content",
];

fn is_sco(t: &str) -> bool {
    SCO_TYPES.contains(&t)
}

/// Required properties beyond the common ones, per type.
fn required_of(t: &str) -> &'static [&'static str] {
    match t {
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "infrastructure"
        | "intrusion-set" | "threat-actor" | "tool" | "vulnerability" | "incident" => &["name"],
        "grouping" => &["context", "object_refs"],
        "indicator" => &["pattern", "pattern_type", "valid_from"],
        "malware" => &["is_family"],
        "malware-analysis" => &["product"],
        "note" => &["content", "object_refs"],
        "observed-data" => &["first_observed", "last_observed", "number_observed"],
        "opinion" => &["opinion", "object_refs"],
        "report" => &["name", "published", "object_refs"],
        "relationship" => &["relationship_type", "source_ref", "target_ref"],
        "sighting" => &["sighting_of_ref"],
        "language-content" => &["object_ref", "object_modified", "contents"],
        "extension-definition" => &["name", "schema", "version", "extension_types"],
        "ipv4-addr" | "ipv6-addr" | "domain-name" | "url" | "email-addr" | "mac-addr" => &["value"],
        "autonomous-system" => &["number"],
        "directory" => &["path"],
        "mutex" => &["name"],
        "software" => &["name"],
        "windows-registry-key" => &[],
        _ => &[],
    }
}

/// `type--UUID` with a lower-case RFC 4122 UUID.
pub fn is_stix_id(id: &str) -> bool {
    match id.split_once("--") {
        Some((t, u)) => is_type_name(t) && is_uuid(u),
        None => false,
    }
}

fn is_type_name(t: &str) -> bool {
    t.len() >= 3
        && t.len() <= 250
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !t.starts_with('-')
        && !t.ends_with('-')
}

/// An RFC 4122 UUID in its canonical text form.
pub fn is_uuid(u: &str) -> bool {
    let parts: Vec<&str> = u.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// An RFC 3339 timestamp in UTC (`…Z`), as STIX requires.
fn is_timestamp(s: &str) -> bool {
    s.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

const TIMESTAMP_PROPS: [&str; 9] = [
    "created",
    "modified",
    "valid_from",
    "valid_until",
    "published",
    "first_seen",
    "last_seen",
    "first_observed",
    "last_observed",
];

/// Checks and maps a STIX 2.1 bundle (the raw upload). `importer_tlp` is the level the
/// importer chose, if any (see [`decide_tlp`]).
pub fn import_bundle(
    raw: &str,
    importer_tlp: Option<Tlp>,
) -> Result<ImportedItem, Vec<ImportProblem>> {
    let v = parse_json(raw, "bundle")?;
    import_bundle_value(&v, importer_tlp)
}

/// [`import_bundle`] on JSON already parsed.
pub fn import_bundle_value(
    v: &Value,
    importer_tlp: Option<Tlp>,
) -> Result<ImportedItem, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let Some(b) = v.as_object() else {
        return Err(vec![ImportProblem::new(
            "bundle",
            "-",
            Rule::Structure,
            Some("not an object"),
        )]);
    };
    // A blank id names nothing: the problem then names the bundle by its place.
    let bundle_id = b
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("bundle");
    match b.get("type").and_then(Value::as_str) {
        Some("bundle") => {}
        Some(other) => {
            return Err(vec![ImportProblem::new(
                bundle_id,
                "type",
                Rule::Structure,
                Some(&format!("\"{other}\" != \"bundle\"")),
            )]);
        }
        None => {
            return Err(vec![ImportProblem::new(
                bundle_id,
                "type",
                Rule::Required,
                None,
            )])
        }
    }
    match b.get("id").and_then(Value::as_str) {
        Some(id) if id.starts_with("bundle--") && is_stix_id(id) => {}
        Some(_) => problems.push(ImportProblem::new(bundle_id, "id", Rule::Format, None)),
        None => problems.push(ImportProblem::new("bundle", "id", Rule::Required, None)),
    }
    if b.contains_key("spec_version") {
        // STIX 2.0 bundles carried spec_version; a 2.1 bundle must not.
        problems.push(ImportProblem::new(
            bundle_id,
            "spec_version",
            Rule::SpecVersion,
            Some("STIX 2.0 bundle"),
        ));
    }
    let objects: Vec<&Map<String, Value>> = match b.get("objects") {
        None => Vec::new(),
        Some(Value::Array(a)) if a.len() > MAX_IMPORT_OBJECTS => {
            return Err(vec![ImportProblem::new(
                bundle_id,
                "objects",
                Rule::TooMany,
                Some(&format!("> {MAX_IMPORT_OBJECTS}")),
            )]);
        }
        Some(Value::Array(a)) => {
            let mut out = Vec::new();
            for (i, o) in a.iter().enumerate() {
                match o.as_object() {
                    Some(m) => out.push(m),
                    None => problems.push(ImportProblem::new(
                        bundle_id,
                        &format!("objects[{i}]"),
                        Rule::Structure,
                        Some("not an object"),
                    )),
                }
            }
            out
        }
        Some(_) => {
            return Err(vec![ImportProblem::new(
                bundle_id,
                "objects",
                Rule::Structure,
                Some("not an array"),
            )]);
        }
    };
    if objects.is_empty() && problems.is_empty() {
        problems.push(ImportProblem::new(
            bundle_id,
            "objects",
            Rule::Required,
            None,
        ));
    }

    // Ids first, so references can be checked in any order.
    let mut ids: Vec<&str> = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let label = o
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("objects[{i}]"));
        let Some(t) = o.get("type").and_then(Value::as_str) else {
            problems.push(ImportProblem::new(&label, "type", Rule::Required, None));
            continue;
        };
        match o.get("id").and_then(Value::as_str) {
            None => problems.push(ImportProblem::new(&label, "id", Rule::Required, None)),
            Some(id) if !is_stix_id(id) || !id.starts_with(&format!("{t}--")) => problems.push(
                ImportProblem::new(&label, "id", Rule::Format, Some("<type>--<UUID>")),
            ),
            Some(id) if ids.contains(&id) => {
                // Versions of one object share an id; the same id with the same `modified`
                // is a duplicate.
                let same = objects.iter().take(i).any(|p| {
                    p.get("id").and_then(Value::as_str) == Some(id)
                        && p.get("modified") == o.get("modified")
                });
                if same {
                    problems.push(ImportProblem::new(&label, "id", Rule::Duplicate, None));
                }
            }
            Some(id) => ids.push(id),
        }
    }

    let mut found = MarkingFindings::default();
    let mut tlps: Vec<Tlp> = Vec::new();
    let mut indicators = IndicatorSet::default();
    let mut texts: Vec<String> = Vec::new();
    let mut title = String::new();
    let mut origin_ref: Option<String> = None;
    let mut url = String::new();
    let mut identifiers: Vec<String> = Vec::new();

    for (i, o) in objects.iter().enumerate() {
        let Some(t) = o.get("type").and_then(Value::as_str) else {
            continue;
        };
        let label = o
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("objects[{i}]"));
        let known = SDO_TYPES.contains(&t)
            || SRO_TYPES.contains(&t)
            || META_TYPES.contains(&t)
            || is_sco(t);
        if !known && !t.starts_with("x-") {
            problems.push(ImportProblem::new(
                &label,
                "type",
                Rule::UnknownType,
                Some(t),
            ));
            continue;
        }
        // Common properties.
        match o.get("spec_version") {
            Some(Value::String(s)) if s == "2.1" => {}
            Some(_) => problems.push(ImportProblem::new(
                &label,
                "spec_version",
                Rule::SpecVersion,
                None,
            )),
            None if !is_sco(t) => problems.push(ImportProblem::new(
                &label,
                "spec_version",
                Rule::Required,
                None,
            )),
            None => {}
        }
        let mut required: Vec<&str> = Vec::new();
        if !is_sco(t) {
            required.push("created");
            if t != "marking-definition" {
                required.push("modified");
            }
        }
        required.extend_from_slice(required_of(t));
        for p in required {
            match o.get(p) {
                None | Some(Value::Null) => {
                    problems.push(ImportProblem::new(&label, p, Rule::Required, None))
                }
                Some(Value::String(s)) if s.trim().is_empty() => {
                    problems.push(ImportProblem::new(&label, p, Rule::Required, None))
                }
                Some(Value::Array(a)) if a.is_empty() && p.ends_with("_refs") => {
                    problems.push(ImportProblem::new(&label, p, Rule::Required, None))
                }
                _ => {}
            }
        }
        if t == "file" && !o.contains_key("hashes") && !o.contains_key("name") {
            problems.push(ImportProblem::new(
                &label,
                "hashes",
                Rule::Required,
                Some("hashes or name"),
            ));
        }
        for p in TIMESTAMP_PROPS {
            // `published` of a report is a timestamp; elsewhere (MISP) it is not our concern.
            if let Some(v) = o.get(p) {
                match v.as_str() {
                    Some(s) if is_timestamp(s) => {}
                    _ => problems.push(ImportProblem::new(
                        &label,
                        p,
                        Rule::Format,
                        Some("RFC 3339 UTC timestamp"),
                    )),
                }
            }
        }
        // References.
        for (k, v) in o.iter() {
            if k == "object_marking_refs" {
                continue;
            }
            if k.ends_with("_ref") {
                check_ref(&ids, &label, k, v, &mut problems);
            } else if k.ends_with("_refs") {
                match v.as_array() {
                    Some(a) => {
                        for r in a {
                            check_ref(&ids, &label, k, r, &mut problems);
                        }
                    }
                    None => problems.push(ImportProblem::new(
                        &label,
                        k,
                        Rule::Format,
                        Some("list of ids"),
                    )),
                }
            }
        }
        // Markings.
        let mut marking_refs: Vec<(String, String)> = Vec::new();
        match o.get("object_marking_refs") {
            None => {}
            Some(Value::Array(a)) => {
                for r in a {
                    match r.as_str() {
                        Some(s) if is_stix_id(s) && s.starts_with("marking-definition--") => {
                            marking_refs.push(("object_marking_refs".into(), s.to_owned()))
                        }
                        _ => problems.push(ImportProblem::new(
                            &label,
                            "object_marking_refs",
                            Rule::Format,
                            None,
                        )),
                    }
                }
            }
            Some(_) => problems.push(ImportProblem::new(
                &label,
                "object_marking_refs",
                Rule::Format,
                Some("list of ids"),
            )),
        }
        if let Some(g) = o.get("granular_markings") {
            match g.as_array() {
                Some(a) => {
                    for (j, gm) in a.iter().enumerate() {
                        match gm.get("marking_ref").and_then(Value::as_str) {
                            Some(s) if is_stix_id(s) => marking_refs.push((
                                format!("granular_markings[{j}].marking_ref"),
                                s.to_owned(),
                            )),
                            Some(_) => problems.push(ImportProblem::new(
                                &label,
                                &format!("granular_markings[{j}].marking_ref"),
                                Rule::Format,
                                None,
                            )),
                            // A language marking only: no level.
                            None => {}
                        }
                    }
                }
                None => problems.push(ImportProblem::new(
                    &label,
                    "granular_markings",
                    Rule::Format,
                    None,
                )),
            }
        }
        let mut object_tlp: Option<Tlp> = None;
        for (prop, r) in &marking_refs {
            match tlp_of_id(r) {
                Some(level) => {
                    tlps.push(level);
                    object_tlp = Some(object_tlp.map_or(level, |o: Tlp| o.min(level)));
                }
                None if is_statement(&objects, r) => {}
                None => found.unknown.push((label.clone(), prop.clone(), r.clone())),
            }
        }
        if object_tlp.is_none() && !UNMARKED_OK.contains(&t) {
            found
                .missing
                .push((label.clone(), "object_marking_refs".into()));
        }

        // Content.
        match t {
            "indicator" => {
                let pattern_type = o.get("pattern_type").and_then(Value::as_str).unwrap_or("");
                if let Some(p) = o.get("pattern").and_then(Value::as_str) {
                    if pattern_type == "stix" {
                        match pattern::parse(p) {
                            Ok(tests) => {
                                let note = o.get("name").and_then(Value::as_str).unwrap_or("");
                                for (path, value) in tests {
                                    if let Some(kind) = kind_of_path(&path) {
                                        if !indicators.add(kind, &value, note) {
                                            problems.push(ImportProblem::new(
                                                &label,
                                                "pattern",
                                                Rule::Format,
                                                Some(&format!("{path} = '{value}'")),
                                            ));
                                        }
                                    }
                                }
                            }
                            Err(e) => problems.push(ImportProblem::new(
                                &label,
                                "pattern",
                                Rule::PatternSyntax,
                                Some(&e),
                            )),
                        }
                    }
                } else if o.get("pattern").is_some() {
                    problems.push(ImportProblem::new(&label, "pattern", Rule::Format, None));
                }
            }
            "ipv4-addr" | "ipv6-addr" | "domain-name" | "url" | "email-addr" => {
                let kind = match t {
                    "ipv4-addr" | "ipv6-addr" => IndicatorKind::Ip,
                    "domain-name" => IndicatorKind::Domain,
                    "url" => IndicatorKind::Url,
                    _ => IndicatorKind::Email,
                };
                if let Some(v) = o.get("value").and_then(Value::as_str) {
                    if !indicators.add(kind, v, "") {
                        problems.push(ImportProblem::new(&label, "value", Rule::Format, Some(v)));
                    }
                }
            }
            "file" => {
                if let Some(h) = o.get("hashes").and_then(Value::as_object) {
                    for (alg, v) in h {
                        if let (Some(v), true) = (v.as_str(), is_digest_name(alg)) {
                            if !indicators.add(
                                IndicatorKind::Hash,
                                v,
                                o.get("name").and_then(Value::as_str).unwrap_or(""),
                            ) {
                                problems.push(ImportProblem::new(
                                    &label,
                                    &format!("hashes.{alg}"),
                                    Rule::Format,
                                    Some(v),
                                ));
                            }
                        }
                    }
                }
            }
            "identity" => {
                if let Some(n) = o.get("name").and_then(Value::as_str) {
                    let n = one_line(n, 300);
                    if !n.is_empty() && !identifiers.contains(&n) {
                        identifiers.push(n);
                    }
                }
            }
            _ => {}
        }
        if matches!(t, "report" | "grouping") && title.is_empty() {
            title = one_line(o.get("name").and_then(Value::as_str).unwrap_or(""), 300);
            if let Some(r) = o.get("created_by_ref").and_then(Value::as_str) {
                origin_ref = Some(r.to_owned());
            }
            if let Some(refs) = o.get("external_references").and_then(Value::as_array) {
                if let Some(u) = refs
                    .iter()
                    .filter_map(|r| r.get("url").and_then(Value::as_str))
                    .map(http_url)
                    .find(|u| !u.is_empty())
                {
                    url = u;
                }
            }
        }
        if origin_ref.is_none() {
            if let Some(r) = o.get("created_by_ref").and_then(Value::as_str) {
                origin_ref = Some(r.to_owned());
            }
        }
        if !UNMARKED_OK.contains(&t) {
            let mut parts: Vec<String> = Vec::new();
            for p in [
                "name",
                "abstract",
                "description",
                "content",
                "explanation",
                "opinion",
            ] {
                if let Some(s) = o.get(p).and_then(Value::as_str) {
                    let s = clean_text(s, MAX_IMPORT_TEXT_CHARS);
                    if !s.is_empty() {
                        parts.push(s);
                    }
                }
            }
            if !parts.is_empty() {
                texts.push(format!("[{t}] {}", parts.join("\n")));
            }
        }
    }
    if indicators.overflow {
        problems.push(ImportProblem::new(
            bundle_id,
            "objects",
            Rule::TooMany,
            Some(&format!("> {MAX_IMPORT_INDICATORS} indicators")),
        ));
    }
    found.strictest = strictest_levels(&tlps);
    let tlp = match decide_tlp(&found, importer_tlp, bundle_id) {
        Ok(t) => Some(t),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let origin = origin_ref
        .and_then(|r| {
            objects
                .iter()
                .find(|o| o.get("id").and_then(Value::as_str) == Some(r.as_str()))
                .and_then(|o| o.get("name").and_then(Value::as_str))
                .map(|n| one_line(n, 300))
        })
        .unwrap_or_default();
    if title.is_empty() {
        title = objects
            .iter()
            .filter(|o| !UNMARKED_OK.contains(&o.get("type").and_then(Value::as_str).unwrap_or("")))
            .find_map(|o| {
                o.get("name")
                    .and_then(Value::as_str)
                    .map(|n| one_line(n, 300))
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("STIX {bundle_id}"));
    }
    let text = clean_text(&texts.join("\n\n"), MAX_IMPORT_TEXT_CHARS);
    Ok(ImportedItem {
        format: "stix",
        external_id: bundle_id.to_owned(),
        title,
        origin,
        url,
        text,
        indicators: indicators.items,
        tlp: tlp.unwrap_or(Tlp::Red),
        identifiers,
    })
}

fn strictest_levels(levels: &[Tlp]) -> Option<Tlp> {
    levels.iter().copied().min()
}

fn check_ref(ids: &[&str], object: &str, prop: &str, v: &Value, problems: &mut Vec<ImportProblem>) {
    match v.as_str() {
        Some(r) if !is_stix_id(r) => {
            problems.push(ImportProblem::new(object, prop, Rule::Format, Some(r)))
        }
        Some(r) if ids.contains(&r) || tlp_of_id(r).is_some() => {}
        Some(r) => problems.push(ImportProblem::new(object, prop, Rule::UnknownRef, Some(r))),
        None => problems.push(ImportProblem::new(
            object,
            prop,
            Rule::Format,
            Some("not a string"),
        )),
    }
}

/// A statement marking of the bundle (copyright and the like) sets no level.
fn is_statement(objects: &[&Map<String, Value>], id: &str) -> bool {
    objects.iter().any(|o| {
        o.get("id").and_then(Value::as_str) == Some(id)
            && o.get("definition_type").and_then(Value::as_str) == Some("statement")
    })
}

fn is_digest_name(alg: &str) -> bool {
    matches!(
        alg.to_ascii_uppercase().replace('_', "-").as_str(),
        "MD5" | "SHA-1" | "SHA1" | "SHA-256" | "SHA256" | "SHA-512" | "SHA512"
    )
}

/// The indicator kind of an object path a pattern compares by `=`, if it is one we keep.
fn kind_of_path(path: &str) -> Option<IndicatorKind> {
    match path {
        "ipv4-addr:value" | "ipv6-addr:value" => Some(IndicatorKind::Ip),
        "domain-name:value" => Some(IndicatorKind::Domain),
        "url:value" => Some(IndicatorKind::Url),
        "email-addr:value" | "email-message:from_ref.value" | "email-message:sender_ref.value" => {
            Some(IndicatorKind::Email)
        }
        p if p.starts_with("file:hashes.") || p.starts_with("artifact:hashes.") => {
            let alg = p
                .rsplit_once("hashes.")
                .map(|(_, a)| a.trim_matches('\''))
                .unwrap_or("");
            is_digest_name(alg).then_some(IndicatorKind::Hash)
        }
        _ => None,
    }
}

/// The STIX patterning language (STIX 2.1 §9): a parser that accepts the grammar and returns
/// the `path = 'string'` comparisons it holds.
pub mod pattern {
    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        LBrack,
        RBrack,
        LParen,
        RParen,
        Comma,
        Colon,
        Dot,
        Word(String),
        Str(String),
        Num(String),
        /// t'…', h'…', b'…'
        Typed(char, String),
        Op(String),
        Star,
        Minus,
    }

    fn lex(s: &str) -> Result<Vec<Tok>, String> {
        let c: Vec<char> = s.chars().collect();
        let mut i = 0;
        let mut out = Vec::new();
        while i < c.len() {
            let ch = c[i];
            match ch {
                ' ' | '\t' | '\n' | '\r' => i += 1,
                '[' => {
                    out.push(Tok::LBrack);
                    i += 1
                }
                ']' => {
                    out.push(Tok::RBrack);
                    i += 1
                }
                '(' => {
                    out.push(Tok::LParen);
                    i += 1
                }
                ')' => {
                    out.push(Tok::RParen);
                    i += 1
                }
                ',' => {
                    out.push(Tok::Comma);
                    i += 1
                }
                ':' => {
                    out.push(Tok::Colon);
                    i += 1
                }
                '.' => {
                    out.push(Tok::Dot);
                    i += 1
                }
                '*' => {
                    out.push(Tok::Star);
                    i += 1
                }
                '\'' => {
                    let (v, n) = quoted(&c, i)?;
                    out.push(Tok::Str(v));
                    i = n;
                }
                '=' => {
                    out.push(Tok::Op("=".into()));
                    i += 1
                }
                '!' if c.get(i + 1) == Some(&'=') => {
                    out.push(Tok::Op("!=".into()));
                    i += 2
                }
                '<' | '>' => {
                    if c.get(i + 1) == Some(&'=') {
                        out.push(Tok::Op(format!("{ch}=")));
                        i += 2;
                    } else if ch == '<' && c.get(i + 1) == Some(&'>') {
                        out.push(Tok::Op("!=".into()));
                        i += 2;
                    } else {
                        out.push(Tok::Op(ch.to_string()));
                        i += 1;
                    }
                }
                '-' | '+' if c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                    let (v, n) = number(&c, i + 1);
                    out.push(Tok::Num(format!("{ch}{v}")));
                    i = n;
                }
                '-' => {
                    out.push(Tok::Minus);
                    i += 1
                }
                d if d.is_ascii_digit() => {
                    let (v, n) = number(&c, i);
                    out.push(Tok::Num(v));
                    i = n;
                }
                w if w.is_ascii_alphabetic() || w == '_' => {
                    if matches!(w, 't' | 'h' | 'b') && c.get(i + 1) == Some(&'\'') {
                        let (v, n) = quoted(&c, i + 1)?;
                        out.push(Tok::Typed(w, v));
                        i = n;
                        continue;
                    }
                    let start = i;
                    while i < c.len()
                        && (c[i].is_ascii_alphanumeric() || c[i] == '_' || c[i] == '-')
                    {
                        i += 1;
                    }
                    out.push(Tok::Word(c[start..i].iter().collect()));
                }
                other => return Err(format!("unexpected '{other}' at {i}")),
            }
        }
        Ok(out)
    }

    fn quoted(c: &[char], start: usize) -> Result<(String, usize), String> {
        let mut i = start + 1;
        let mut v = String::new();
        while i < c.len() {
            match c[i] {
                '\\' => match c.get(i + 1) {
                    Some(&e @ ('\'' | '\\')) => {
                        v.push(e);
                        i += 2;
                    }
                    _ => return Err(format!("bad escape at {i}")),
                },
                '\'' => return Ok((v, i + 1)),
                ch => {
                    v.push(ch);
                    i += 1;
                }
            }
        }
        Err("unterminated string".into())
    }

    fn number(c: &[char], start: usize) -> (String, usize) {
        let mut i = start;
        while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
            i += 1;
        }
        (c[start..i].iter().collect(), i)
    }

    struct P {
        t: Vec<Tok>,
        i: usize,
        found: Vec<(String, String)>,
    }

    impl P {
        fn peek(&self) -> Option<&Tok> {
            self.t.get(self.i)
        }
        fn next(&mut self) -> Option<Tok> {
            let t = self.t.get(self.i).cloned();
            self.i += 1;
            t
        }
        fn word(&self, w: &str) -> bool {
            matches!(self.peek(), Some(Tok::Word(x)) if x == w)
        }
        fn expect(&mut self, t: Tok, what: &str) -> Result<(), String> {
            if self.peek() == Some(&t) {
                self.i += 1;
                Ok(())
            } else {
                Err(format!("expected {what} at token {}", self.i))
            }
        }

        // pattern := obs (( AND | OR | FOLLOWEDBY ) obs)*
        fn pattern(&mut self) -> Result<(), String> {
            self.observation()?;
            while self.word("AND") || self.word("OR") || self.word("FOLLOWEDBY") {
                self.i += 1;
                self.observation()?;
            }
            Ok(())
        }

        // obs := '[' comparison ']' qualifier* | '(' pattern ')' qualifier*
        fn observation(&mut self) -> Result<(), String> {
            match self.next() {
                Some(Tok::LBrack) => {
                    self.comparison()?;
                    self.expect(Tok::RBrack, "']'")?;
                }
                Some(Tok::LParen) => {
                    self.pattern()?;
                    self.expect(Tok::RParen, "')'")?;
                }
                _ => return Err(format!("expected '[' or '(' at token {}", self.i - 1)),
            }
            self.qualifiers()
        }

        fn qualifiers(&mut self) -> Result<(), String> {
            loop {
                if self.word("WITHIN") {
                    self.i += 1;
                    self.positive_number()?;
                    self.keyword("SECONDS")?;
                } else if self.word("REPEATS") {
                    self.i += 1;
                    self.positive_number()?;
                    self.keyword("TIMES")?;
                } else if self.word("START") {
                    self.i += 1;
                    self.timestamp()?;
                    self.keyword("STOP")?;
                    self.timestamp()?;
                } else {
                    return Ok(());
                }
            }
        }

        fn keyword(&mut self, k: &str) -> Result<(), String> {
            if self.word(k) {
                self.i += 1;
                Ok(())
            } else {
                Err(format!("expected {k} at token {}", self.i))
            }
        }

        fn positive_number(&mut self) -> Result<(), String> {
            match self.next() {
                Some(Tok::Num(n))
                    if !n.starts_with('-') && n.parse::<f64>().is_ok_and(|x| x > 0.0) =>
                {
                    Ok(())
                }
                _ => Err(format!(
                    "expected a positive number at token {}",
                    self.i - 1
                )),
            }
        }

        fn timestamp(&mut self) -> Result<(), String> {
            match self.next() {
                Some(Tok::Typed('t', s)) if super::is_timestamp(&s) => Ok(()),
                _ => Err(format!("expected t'<timestamp>' at token {}", self.i - 1)),
            }
        }

        // comparison := term (( AND | OR ) term)*
        fn comparison(&mut self) -> Result<(), String> {
            self.term()?;
            while self.word("AND") || self.word("OR") {
                self.i += 1;
                self.term()?;
            }
            Ok(())
        }

        // term := '(' comparison ')' | EXISTS path | path [NOT] op value
        fn term(&mut self) -> Result<(), String> {
            if self.peek() == Some(&Tok::LParen) {
                self.i += 1;
                self.comparison()?;
                return self.expect(Tok::RParen, "')'");
            }
            if self.word("EXISTS") {
                self.i += 1;
                self.path()?;
                return Ok(());
            }
            let path = self.path()?;
            let negated = if self.word("NOT") {
                self.i += 1;
                true
            } else {
                false
            };
            let op = match self.next() {
                Some(Tok::Op(o)) => o,
                Some(Tok::Word(w))
                    if matches!(
                        w.as_str(),
                        "IN" | "LIKE" | "MATCHES" | "ISSUBSET" | "ISSUPERSET"
                    ) =>
                {
                    w
                }
                _ => {
                    return Err(format!(
                        "expected a comparison operator at token {}",
                        self.i - 1
                    ))
                }
            };
            if op == "IN" {
                self.expect(Tok::LParen, "'('")?;
                self.literal()?;
                while self.peek() == Some(&Tok::Comma) {
                    self.i += 1;
                    self.literal()?;
                }
                return self.expect(Tok::RParen, "')'");
            }
            let v = self.literal()?;
            if op == "=" && !negated {
                if let Some(s) = v {
                    self.found.push((path, s));
                }
            }
            Ok(())
        }

        /// A literal; the string if it is one.
        fn literal(&mut self) -> Result<Option<String>, String> {
            match self.next() {
                Some(Tok::Str(s)) => Ok(Some(s)),
                Some(Tok::Num(_)) => Ok(None),
                Some(Tok::Typed('t', s)) if super::is_timestamp(&s) => Ok(None),
                Some(Tok::Typed('h', s))
                    if s.len() % 2 == 0 && s.chars().all(|c| c.is_ascii_hexdigit()) =>
                {
                    Ok(None)
                }
                Some(Tok::Typed('b', s))
                    if s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')) =>
                {
                    Ok(None)
                }
                Some(Tok::Word(w)) if w == "true" || w == "false" => Ok(None),
                _ => Err(format!("expected a constant at token {}", self.i - 1)),
            }
        }

        // path := type ':' step ('.' step | '[' (int | '*') ']')*
        fn path(&mut self) -> Result<String, String> {
            let ty = match self.next() {
                Some(Tok::Word(w)) if super::is_type_name(&w) => w,
                _ => return Err(format!("expected an object type at token {}", self.i - 1)),
            };
            self.expect(Tok::Colon, "':'")?;
            let mut out = format!("{ty}:");
            out.push_str(&self.step()?);
            loop {
                match self.peek() {
                    Some(Tok::Dot) => {
                        self.i += 1;
                        out.push('.');
                        out.push_str(&self.step()?);
                    }
                    Some(Tok::LBrack) => {
                        self.i += 1;
                        match self.next() {
                            Some(Tok::Num(n)) if n.parse::<u64>().is_ok() => {
                                out.push_str(&format!("[{n}]"))
                            }
                            Some(Tok::Star) => out.push_str("[*]"),
                            _ => {
                                return Err(format!(
                                    "expected a list index at token {}",
                                    self.i - 1
                                ))
                            }
                        }
                        self.expect(Tok::RBrack, "']'")?;
                    }
                    _ => return Ok(out),
                }
            }
        }

        fn step(&mut self) -> Result<String, String> {
            match self.next() {
                Some(Tok::Word(w)) if !w.contains('-') || w.starts_with("x-") => Ok(w),
                Some(Tok::Str(s)) if !s.is_empty() => Ok(s),
                _ => Err(format!("expected a property name at token {}", self.i - 1)),
            }
        }
    }

    /// Parses a STIX pattern; the `path = 'string'` comparisons (not negated) it holds, with the
    /// path written `type:prop.sub` (quoted steps unquoted).
    pub fn parse(s: &str) -> Result<Vec<(String, String)>, String> {
        let mut p = P {
            t: lex(s)?,
            i: 0,
            found: Vec::new(),
        };
        if p.t.is_empty() {
            return Err("empty pattern".into());
        }
        p.pattern()?;
        if p.i != p.t.len() {
            return Err(format!("unexpected token {} after the pattern", p.i));
        }
        Ok(p.found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stix::markings::tlp2_id;
    use serde_json::json;

    const ID: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

    fn indicator(pattern: &str, markings: Value) -> Value {
        json!({
            "type": "indicator", "spec_version": "2.1", "id": ID,
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": "C2", "pattern": pattern, "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": markings,
        })
    }

    fn bundle(objects: Vec<Value>) -> String {
        json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": objects})
            .to_string()
    }

    #[test]
    fn patterns_parse_and_yield_equalities() {
        let got = pattern::parse(
            "[ipv4-addr:value = '198.51.100.1' OR domain-name:value = 'evil.example'] AND [file:hashes.'SHA-256' = 'aa'] WITHIN 300 SECONDS",
        )
        .expect("parses");
        assert_eq!(
            got,
            vec![
                ("ipv4-addr:value".to_owned(), "198.51.100.1".to_owned()),
                ("domain-name:value".to_owned(), "evil.example".to_owned()),
                ("file:hashes.SHA-256".to_owned(), "aa".to_owned()),
            ]
        );
        for ok in [
            "[url:value LIKE 'http://%']",
            "[network-traffic:dst_port IN (80, 443)] REPEATS 5 TIMES",
            "([a-b:c[*].d != 'x'] FOLLOWEDBY [a-b:e NOT = 1]) START t'2026-01-01T00:00:00Z' STOP t'2026-01-02T00:00:00Z'",
            "[file:name = 'it''s']".replace("''", "\\'").as_str(),
        ] {
            assert!(pattern::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ipv4-addr:value = '1.2.3.4'",
            "[ipv4-addr:value = '1.2.3.4'",
            "[ipv4-addr:value '1.2.3.4']",
            "[ipv4-addr value = '1.2.3.4']",
            "[ipv4-addr:value = '1.2.3.4'] WITHIN SECONDS",
            "[a:b = 'x'] AND",
            "[a:b = 'unterminated]",
        ] {
            assert!(pattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_marked_bundle_imports_with_its_level_and_indicators() {
        let raw = bundle(vec![indicator(
            "[ipv4-addr:value = '198.51.100.7'] OR [url:value = 'http://evil.example/a']",
            json!([tlp2_id(Tlp::Amber)]),
        )]);
        let item = import_bundle(&raw, None).expect("imports");
        assert_eq!(item.tlp, Tlp::Amber);
        assert_eq!(item.indicators.len(), 2);
        assert_eq!(item.indicators[0].kind, IndicatorKind::Ip);
        assert!(item.text.contains("C2"));
        // The importer may narrow, never widen.
        assert_eq!(
            import_bundle(&raw, Some(Tlp::Red)).expect("narrower").tlp,
            Tlp::Red
        );
        let wider = import_bundle(&raw, Some(Tlp::Green)).expect_err("wider");
        assert_eq!(wider[0].rule, Rule::WiderThanMarking);
    }

    #[test]
    fn missing_or_unknown_markings_need_the_importers_level() {
        let raw = bundle(vec![indicator(
            "[domain-name:value = 'evil.example']",
            json!([]),
        )]);
        let e = import_bundle(&raw, None).expect_err("missing");
        assert_eq!((e[0].object.as_str(), e[0].rule), (ID, Rule::MissingTlp));
        assert_eq!(e[0].property, "object_marking_refs");
        assert_eq!(
            import_bundle(&raw, Some(Tlp::Green)).expect("chosen").tlp,
            Tlp::Green
        );

        let unknown = "marking-definition--3b7f7e0e-2f4f-4b5c-8c6e-5f6d7e8f9a0b";
        let raw = bundle(vec![indicator(
            "[domain-name:value = 'evil.example']",
            json!([unknown]),
        )]);
        let e = import_bundle(&raw, None).expect_err("unknown");
        assert!(e
            .iter()
            .any(|p| p.rule == Rule::UnknownMarking && p.object == ID));
        assert_eq!(
            import_bundle(&raw, Some(Tlp::Amber)).expect("chosen").tlp,
            Tlp::Amber
        );
    }

    #[test]
    fn bad_bundles_are_refused_with_object_property_and_rule() {
        assert_eq!(
            import_bundle("{not json", None).expect_err("json")[0].rule,
            Rule::Json
        );
        let mut i = indicator("[ipv4-addr:value = ", json!([tlp2_id(Tlp::Green)]));
        let e = import_bundle(&bundle(vec![i.clone()]), None).expect_err("pattern");
        assert_eq!(
            (e[0].property.as_str(), e[0].rule),
            ("pattern", Rule::PatternSyntax)
        );
        i["spec_version"] = json!("2.0");
        i["pattern"] = json!("[ipv4-addr:value = '198.51.100.1']");
        let e = import_bundle(&bundle(vec![i.clone()]), None).expect_err("spec");
        assert_eq!(e[0].rule, Rule::SpecVersion);
        i["spec_version"] = json!("2.1");
        i.as_object_mut().expect("object").remove("valid_from");
        i["created_by_ref"] = json!("identity--6f2b7f6e-1b7c-4c35-9d5a-3f6f2d5c8b01");
        let e = import_bundle(&bundle(vec![i]), None).expect_err("required");
        assert!(e
            .iter()
            .any(|p| p.rule == Rule::Required && p.property == "valid_from"));
        assert!(e
            .iter()
            .any(|p| p.rule == Rule::UnknownRef && p.property == "created_by_ref"));
        assert!(e[0].message_ja.contains(ID) && e[0].message_en.contains(ID));
    }

    #[test]
    fn decide_tlp_never_widens() {
        for marked in Tlp::ALL {
            for chosen in Tlp::ALL {
                let found = MarkingFindings {
                    strictest: Some(marked),
                    ..Default::default()
                };
                let got = decide_tlp(&found, Some(chosen), "x");
                assert_eq!(got.is_ok(), chosen.at_least_as_strict_as(marked));
            }
            let found = MarkingFindings {
                strictest: Some(marked),
                missing: vec![("o".into(), "p".into())],
                ..Default::default()
            };
            assert!(decide_tlp(&found, None, "x").is_err());
        }
        assert!(decide_tlp(&MarkingFindings::default(), None, "x").is_err());
    }
}

#[cfg(test)]
mod blank_id_tests {
    use super::*;

    /// Found by the `stix_bundle` fuzz target: a blank id named the problem's object "" (a
    /// message starting " の id"). The object is then named by its place in the bundle.
    #[test]
    fn a_blank_id_is_named_by_its_place() {
        let raw = r#"{"type": "bundle", "id": " ", "objects": [{"type": "indicator", "spec_version": "2.1", "id": "", "created": "2026-01-10T00:00:00.000Z", "modified": "2026-01-10T00:00:00.000Z", "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix", "valid_from": "2026-01-10T00:00:00Z"}]}"#;
        let problems = import_bundle(raw, Some(Tlp::Green)).expect_err("refused");
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
                .any(|p| p.object == "objects[0]" && p.property == "id"),
            "{problems:?}"
        );
    }
}
