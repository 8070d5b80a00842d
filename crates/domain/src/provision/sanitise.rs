//! 情報の加工 — the check that a provision does not identify its sources (情報の提供元が特定され
//! ないよう、情報を加工する; Action Plan 別添 3, handbook 3.1).
//!
//! [`scan`] reports every occurrence of a source's identifying details in the form's text:
//! organisation names (legal-form affixes 株式会社・（株）・㈱ … optional, via the liaison side's
//! [`Masker`]), people's names, addresses and other terms, e-mail addresses, phone numbers,
//! URLs and domains (also subdomains, also defanged `example[.]co[.]jp`, also the domain of a
//! listed URL or address), and liaison numbers (R12, R12-3, Ｒ１２). Matching ignores full-/
//! half-width differences, ASCII case and white space inside names.
//!
//! [`sending_blockers`] then decides: sending is blocked until each finding is gone from the
//! text (removed) or kept with a recorded reason.

use super::form::ProvisionForm;
use super::scope::SourceScope;
use super::validate::field_label;
use crate::liaison::anonymise::{Identifiers, Masker};
use crate::text::find::{self, Find};
use crate::text::normal::{self, is_label_char, Unit};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What a source is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A liaison chain (情報連絡, `R<n>`).
    #[default]
    LiaisonChain,
    /// An item NISC recorded from elsewhere (agencies, vendors, other ministries …).
    External,
}

/// A source a provision draws on, with what would identify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    #[serde(default)]
    pub kind: SourceKind,
    /// Label, TLP, allowed sectors and consents.
    pub scope: SourceScope,
    /// The organisation's names and variants (略称, English name …); affixes are optional.
    #[serde(default)]
    pub organisation_names: Vec<String>,
    /// People's names (a two-part name also matches in reversed order).
    #[serde(default)]
    pub person_names: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    /// URLs; their host is also looked for as a domain.
    #[serde(default)]
    pub urls: Vec<String>,
    /// Domains; subdomains match too.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Liaison numbers (R12, R12-3): any report of the chain matches.
    #[serde(default)]
    pub r_numbers: Vec<String>,
    /// Postal addresses (所在地).
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Anything else that identifies it: system names, product codes, site names …
    #[serde(default)]
    pub other_terms: Vec<String>,
}

impl Source {
    /// A source with only its scope; add details with struct update syntax.
    pub fn new(scope: SourceScope) -> Self {
        Self {
            kind: SourceKind::default(),
            scope,
            organisation_names: Vec::new(),
            person_names: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            urls: Vec::new(),
            domains: Vec::new(),
            r_numbers: Vec::new(),
            addresses: Vec::new(),
            other_terms: Vec::new(),
        }
    }

    pub fn label(&self) -> &str {
        &self.scope.label
    }
}

/// What kind of identifying detail was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FindingKind {
    Organisation,
    Person,
    Email,
    Phone,
    Url,
    Domain,
    /// A liaison number `R<n>` / `R<n>-<k>`.
    RNumber,
    Address,
    Term,
}

impl FindingKind {
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Organisation => "organisation",
            FindingKind::Person => "person",
            FindingKind::Email => "email",
            FindingKind::Phone => "phone",
            FindingKind::Url => "url",
            FindingKind::Domain => "domain",
            FindingKind::RNumber => "r_number",
            FindingKind::Address => "address",
            FindingKind::Term => "term",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            FindingKind::Organisation => "組織名",
            FindingKind::Person => "人名",
            FindingKind::Email => "メールアドレス",
            FindingKind::Phone => "電話番号",
            FindingKind::Url => "URL",
            FindingKind::Domain => "ドメイン",
            FindingKind::RNumber => "情報連絡の識別番号",
            FindingKind::Address => "住所",
            FindingKind::Term => "識別情報",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            FindingKind::Organisation => "organisation name",
            FindingKind::Person => "person's name",
            FindingKind::Email => "e-mail address",
            FindingKind::Phone => "phone number",
            FindingKind::Url => "URL",
            FindingKind::Domain => "domain",
            FindingKind::RNumber => "liaison number",
            FindingKind::Address => "address",
            FindingKind::Term => "identifying term",
        }
    }
}

/// An identifying detail found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextHit {
    /// Index of the source in the slice given.
    pub source: usize,
    pub kind: FindingKind,
    /// The listed detail that matched (for a domain taken from a URL or address: that domain).
    pub identifier: String,
    /// The text as it stands.
    pub matched: String,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// An identifying detail found in a form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Dotted field path (serde names), e.g. `summary`, `indicators.value`.
    pub field: &'static str,
    /// Row for `indicators.*`.
    pub row: Option<usize>,
    pub source: usize,
    pub source_label: String,
    pub kind: FindingKind,
    pub identifier: String,
    pub matched: String,
    /// Byte range in the field's text.
    pub span: Range<usize>,
}

/// What a resolution refers to: one identifying detail of one source in one field. Stable while
/// the text around it is edited.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingKey {
    pub source: usize,
    pub field: String,
    pub row: Option<usize>,
    pub kind: FindingKind,
    pub identifier: String,
}

impl Finding {
    pub fn key(&self) -> FindingKey {
        FindingKey {
            source: self.source,
            field: self.field.to_owned(),
            row: self.row,
            kind: self.kind,
            identifier: self.identifier.clone(),
        }
    }
}

/// NISC's decision on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ResolutionAction {
    /// Kept on purpose (e.g. the defaced site is the indicator itself); the reason is recorded.
    KeptWithReason(String),
    /// Taken out of the text.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub key: FindingKey,
    pub action: ResolutionAction,
}

/// Why a finding still blocks sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerReason {
    /// No decision yet.
    Unresolved,
    /// Marked removed, but the text still holds it.
    StillPresent,
    /// Kept, but the reason is blank.
    NoReason,
}

/// One finding key that blocks sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub key: FindingKey,
    pub reason: BlockerReason,
    /// The first occurrence, for display.
    pub finding: Finding,
    /// How many occurrences share the key.
    pub occurrences: usize,
    pub message_ja: String,
    pub message_en: String,
}

/// Domains shared by many unrelated parties: never taken as identifying when derived from a
/// listed URL or e-mail address (list them under `domains` to look for them anyway).
const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.co.jp",
    "ymail.ne.jp",
    "outlook.com",
    "outlook.jp",
    "hotmail.com",
    "hotmail.co.jp",
    "live.jp",
    "icloud.com",
    "me.com",
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "au.com",
    "softbank.ne.jp",
    "i.softbank.jp",
    "github.com",
    "google.com",
    "microsoft.com",
    "amazon.com",
];

/// Listed details of one kind: what was listed (for the finding) and the matching key.
struct Listed<K> {
    idents: Vec<String>,
    keys: Vec<K>,
}

impl<K: PartialEq> Listed<K> {
    fn new() -> Self {
        Listed {
            idents: Vec::new(),
            keys: Vec::new(),
        }
    }
    fn push(&mut self, ident: &str, key: K) {
        if !self.keys.contains(&key) {
            self.idents.push(ident.to_owned());
            self.keys.push(key);
        }
    }
    fn hits(&self, finds: Vec<Find>, u: &[Unit], kind: FindingKind, hits: &mut Hits) {
        for f in finds {
            if let Some(ident) = self.idents.get(f.item) {
                hits.push((find::span(u, f.a, f.b), kind, ident.clone()));
            }
        }
    }
}

struct Compiled {
    /// Names, people, addresses and other terms, each with its own masker.
    names: Vec<(FindingKind, String, Masker)>,
    /// ASCII organisation and person names looked for inside host names.
    compact_names: Vec<(FindingKind, String)>,
    compact_keys: Vec<String>,
    emails: Listed<Vec<char>>,
    phones: Listed<String>,
    urls: Vec<(String, Vec<char>)>,
    domains: Listed<Vec<char>>,
    chains: Vec<(String, u64)>,
}

/// The compiled identifying details of a set of sources; reusable for any text.
pub struct Sanitiser {
    labels: Vec<String>,
    sources: Vec<Compiled>,
}

impl Sanitiser {
    pub fn new(sources: &[Source]) -> Self {
        Self {
            labels: sources.iter().map(|s| s.label().to_owned()).collect(),
            sources: sources.iter().map(compile).collect(),
        }
    }

    /// Every identifying detail of every source in `text`, by position. Within one source, a
    /// find inside a larger one (a domain inside a listed e-mail address) is not repeated.
    pub fn find_in(&self, text: &str) -> Vec<TextHit> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let units = normal::normalise(text);
        let u = units.as_slice();
        let mut out = Vec::new();
        for (i, c) in self.sources.iter().enumerate() {
            let mut hits: Hits = Vec::new();
            c.emails.hits(
                find::emails(u, &c.emails.keys),
                u,
                FindingKind::Email,
                &mut hits,
            );
            find_urls(u, &c.urls, &mut hits);
            c.phones.hits(
                find::phones(u, &c.phones.keys),
                u,
                FindingKind::Phone,
                &mut hits,
            );
            find_chains(u, &c.chains, &mut hits);
            c.domains.hits(
                find::domains(u, &c.domains.keys),
                u,
                FindingKind::Domain,
                &mut hits,
            );
            for (kind, ident, masker) in &c.names {
                for h in masker.registered_in(u) {
                    hits.push((h.span, *kind, ident.clone()));
                }
            }
            for f in find::compact_names(u, &c.compact_keys) {
                if let Some((kind, ident)) = c.compact_names.get(f.item) {
                    hits.push((find::span(u, f.a, f.b), *kind, ident.clone()));
                }
            }
            for (span, kind, identifier) in outermost(hits) {
                out.push(TextHit {
                    source: i,
                    kind,
                    identifier,
                    matched: text[span.clone()].to_owned(),
                    span,
                });
            }
        }
        out.sort_by_key(|h| (h.span.start, h.source, h.span.end));
        out
    }

    /// Every identifying detail in the form's text fields ([`ProvisionForm::text_fields`]), in
    /// form order.
    pub fn scan(&self, form: &ProvisionForm) -> Vec<Finding> {
        let mut out = Vec::new();
        for (field, row, text) in form.text_fields() {
            for h in self.find_in(text) {
                out.push(Finding {
                    field,
                    row,
                    source: h.source,
                    source_label: self.labels.get(h.source).cloned().unwrap_or_default(),
                    kind: h.kind,
                    identifier: h.identifier,
                    matched: h.matched,
                    span: h.span,
                });
            }
        }
        out
    }
}

/// Every occurrence of the sources' identifying details in the form (see [`Sanitiser`]).
pub fn scan(form: &ProvisionForm, sources: &[Source]) -> Vec<Finding> {
    Sanitiser::new(sources).scan(form)
}

/// The findings that still block sending, one per [`FindingKey`] in finding order.
///
/// `findings` must come from scanning the form as it will be sent: a finding no longer found is
/// removed and needs no resolution. A key still found blocks unless it is kept with a non-blank
/// reason. With several resolutions for one key, the last one counts.
pub fn sending_blockers(findings: &[Finding], resolutions: &[Resolution]) -> Vec<Blocker> {
    let mut groups: Vec<(FindingKey, &Finding, usize)> = Vec::new();
    for f in findings {
        let key = f.key();
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some(g) => g.2 += 1,
            None => groups.push((key, f, 1)),
        }
    }
    let mut out = Vec::new();
    for (key, f, occurrences) in groups {
        let action = resolutions
            .iter()
            .rev()
            .find(|r| r.key == key)
            .map(|r| &r.action);
        let reason = match action {
            None => BlockerReason::Unresolved,
            Some(ResolutionAction::Removed) => BlockerReason::StillPresent,
            Some(ResolutionAction::KeptWithReason(r)) if r.trim().is_empty() => {
                BlockerReason::NoReason
            }
            Some(ResolutionAction::KeptWithReason(_)) => continue,
        };
        let (message_ja, message_en) = blocker_message(f, reason);
        out.push(Blocker {
            key,
            reason,
            finding: f.clone(),
            occurrences,
            message_ja,
            message_en,
        });
    }
    out
}

fn blocker_message(f: &Finding, reason: BlockerReason) -> (String, String) {
    let (fja, fen) = field_label(f.field).unwrap_or((f.field, f.field));
    let (rja, ren) = match f.row {
        Some(i) => (format!("（{}行目）", i + 1), format!(" (row {})", i + 1)),
        None => (String::new(), String::new()),
    };
    let (kja, ken) = (f.kind.label_ja(), f.kind.label_en());
    let (src, m) = (&f.source_label, &f.matched);
    let head_ja = format!("「{fja}」{rja}の{kja}「{m}」は情報源「{src}」を特定し得ます。");
    let head_en = format!("{fen}{ren}: the {ken} \"{m}\" may identify source \"{src}\".");
    match reason {
        BlockerReason::Unresolved => (
            format!("{head_ja}削除するか、残す理由を記録してください。"),
            format!("{head_en} Remove it or record why it is kept."),
        ),
        BlockerReason::StillPresent => (
            format!("{head_ja}削除済みとされていますが、まだ含まれています。"),
            format!("{head_en} It is marked removed but is still there."),
        ),
        BlockerReason::NoReason => (
            format!("{head_ja}残す理由が記録されていません。"),
            format!("{head_en} No reason is recorded for keeping it."),
        ),
    }
}

// ---- compiling the details --------------------------------------------------------------------

/// A masker that finds one name, person, address or term (the anonymisation's own matching).
fn masker_for(kind: FindingKind, text: &str) -> Masker {
    let mut ids = Identifiers::default();
    match kind {
        FindingKind::Organisation => ids.operator_names.push(text.to_owned()),
        FindingKind::Person => ids.people.push(text.to_owned()),
        FindingKind::Address if !find::address_keys(text).is_empty() => {
            ids.addresses.push(text.to_owned())
        }
        _ => ids.extra_terms.push(text.to_owned()),
    }
    Masker::new(&ids)
}

fn compile(s: &Source) -> Compiled {
    let mut c = Compiled {
        names: Vec::new(),
        compact_names: Vec::new(),
        compact_keys: Vec::new(),
        emails: Listed::new(),
        phones: Listed::new(),
        urls: Vec::new(),
        domains: Listed::new(),
        chains: Vec::new(),
    };
    let add_domain = |c: &mut Compiled, ident: &str, host: String, derived: bool| {
        if derived && SHARED_DOMAINS.contains(&host.as_str()) {
            return;
        }
        if super::defang::is_domain(&host) {
            let key: Vec<char> = host.chars().collect();
            c.domains
                .push(if derived { host.as_str() } else { ident }, key);
        }
    };
    let add_term = |c: &mut Compiled, kind: FindingKind, t: &str| {
        if t.trim().is_empty() {
            return;
        }
        c.names.push((kind, t.to_owned(), masker_for(kind, t)));
        if matches!(kind, FindingKind::Organisation | FindingKind::Person) {
            if let Some(k) = find::compact_name(t) {
                c.compact_names.push((kind, t.to_owned()));
                c.compact_keys.push(k);
            }
        }
    };

    for e in s.emails.iter().filter(|e| !e.trim().is_empty()) {
        let key = find::value_key(e);
        let r: String = key.iter().collect();
        match r.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
                c.emails.push(e, key.clone());
                add_domain(&mut c, e, find::host_key(domain), true);
            }
            _ => add_term(&mut c, FindingKind::Term, e),
        }
    }
    for u in s.urls.iter().filter(|u| !u.trim().is_empty()) {
        let host = find::host_key(u);
        let r: String = find::value_key(u).into_iter().collect();
        let rest = r.split_once("://").map_or(r.as_str(), |(_, x)| x);
        let rest = rest.trim_start_matches("www.").trim_end_matches('/');
        if rest.contains('/') || rest.contains('?') {
            c.urls.push((u.clone(), rest.chars().collect()));
        }
        if super::defang::is_domain(&host) {
            add_domain(&mut c, u, host, true);
        } else if !rest.contains('/') {
            add_term(&mut c, FindingKind::Term, u);
        }
    }
    for d in s.domains.iter().filter(|d| !d.trim().is_empty()) {
        let host = find::host_key(d);
        if super::defang::is_domain(&host) {
            add_domain(&mut c, d, host, false);
        } else {
            add_term(&mut c, FindingKind::Term, d);
        }
    }
    for p in s.phones.iter().filter(|p| !p.trim().is_empty()) {
        let key = find::phone_key(p);
        if key.len() >= 6 {
            c.phones.push(p, key);
        } else {
            add_term(&mut c, FindingKind::Term, p);
        }
    }
    for r in s.r_numbers.iter().filter(|r| !r.trim().is_empty()) {
        match r.parse::<crate::numbering::IdentNumber>() {
            Ok(n) if n.series == crate::numbering::Series::Liaison => {
                c.chains.push((r.clone(), n.chain))
            }
            _ => add_term(&mut c, FindingKind::Term, r),
        }
    }
    for (kind, list) in [
        (FindingKind::Organisation, &s.organisation_names),
        (FindingKind::Person, &s.person_names),
        (FindingKind::Address, &s.addresses),
        (FindingKind::Term, &s.other_terms),
    ] {
        for t in list {
            add_term(&mut c, kind, t);
        }
    }
    c
}

// ---- matching ---------------------------------------------------------------------------------

type Hits = Vec<(Range<usize>, FindingKind, String)>;

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c)
}

fn find_urls(u: &[Unit], urls: &[(String, Vec<char>)], hits: &mut Hits) {
    for (ident, key) in urls {
        for s in find::occurrences(u, key) {
            let mut a = s;
            if a >= 4 && normal::starts_with(u, a - 4, "www.") {
                a -= 4;
            }
            if a > 0 && (is_label_char(u[a - 1].ch) || u[a - 1].ch == '.') {
                continue;
            }
            if a >= 3 && normal::starts_with(u, a - 3, "://") {
                a -= 3;
                while a > 0 && u[a - 1].ch.is_ascii_alphabetic() {
                    a -= 1;
                }
            }
            // The rest of a longer URL belongs to the find.
            let mut e = s + key.len();
            while e < u.len() && is_url_char(u[e].ch) {
                e += 1;
            }
            while e > s + key.len() {
                let last = u[e - 1].ch;
                let count = |c: char| (a..e).filter(|&k| u[k].ch == c).count();
                if ".,;:!?'([".contains(last)
                    || (last == ')' && count(')') > count('('))
                    || (last == ']' && count(']') > count('['))
                {
                    e -= 1;
                } else {
                    break;
                }
            }
            hits.push((find::span(u, a, e), FindingKind::Url, ident.clone()));
        }
    }
}

/// `R<n>` and `R<n>-<k>` (either width) of a listed chain.
fn find_chains(u: &[Unit], chains: &[(String, u64)], hits: &mut Hits) {
    if chains.is_empty() {
        return;
    }
    let n = u.len();
    for i in 0..n {
        if u[i].ch != 'r' || (i > 0 && u[i - 1].ch.is_ascii_alphanumeric()) {
            continue;
        }
        let mut j = i + 1;
        while j < n && u[j].ch.is_ascii_digit() {
            j += 1;
        }
        if j == i + 1 {
            continue;
        }
        let number: String = u[i + 1..j].iter().map(|x| x.ch).collect();
        let Ok(chain) = number.parse::<u64>() else {
            continue;
        };
        let mut e = j;
        if e + 1 < n && u[e].ch == '-' && u[e + 1].ch.is_ascii_digit() {
            e += 1;
            while e < n && u[e].ch.is_ascii_digit() {
                e += 1;
            }
        }
        // Not a word or a host name (`r1.example.jp`).
        if e < n
            && (u[e].ch.is_ascii_alphanumeric()
                || (u[e].ch == '.' && e + 1 < n && is_label_char(u[e + 1].ch)))
        {
            continue;
        }
        if let Some((ident, _)) = chains.iter().find(|(_, c)| *c == chain) {
            hits.push((find::span(u, i, e), FindingKind::RNumber, ident.clone()));
        }
    }
}

/// Drops finds inside a larger find of the same source (and exact repeats).
fn outermost(mut hits: Hits) -> Hits {
    // Larger first at each start, so containers come before what they contain.
    let order: Vec<usize> = {
        let mut idx: Vec<usize> = (0..hits.len()).collect();
        idx.sort_by_key(|&k| (hits[k].0.start, std::cmp::Reverse(hits[k].0.end), k));
        idx
    };
    let mut keep: Vec<usize> = Vec::new();
    for k in order {
        let r = &hits[k].0;
        if !keep
            .iter()
            .any(|&q| hits[q].0.start <= r.start && r.end <= hits[q].0.end)
        {
            keep.push(k);
        }
    }
    keep.sort_unstable();
    let mut out = Vec::with_capacity(keep.len());
    for (k, h) in hits.drain(..).enumerate() {
        if keep.binary_search(&k).is_ok() {
            out.push(h);
        }
    }
    out.sort_by_key(|h| (h.0.start, h.0.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::fixtures::official_fig8_example;
    use crate::provision::form::{Indicator, IndicatorKind};
    use crate::sharing::Tlp;
    use proptest::prelude::*;

    fn scope(label: &str) -> SourceScope {
        SourceScope {
            label: label.into(),
            tlp: Tlp::Amber,
            allowed_sectors: None,
            consents: vec![],
        }
    }

    /// A liaison chain from a logistics operator, and an external item about a power company.
    fn sources() -> Vec<Source> {
        vec![
            Source {
                organisation_names: vec![
                    "株式会社ミナト物流".into(),
                    "ミナトロジスティクス".into(),
                    "Minato Logistics Co., Ltd.".into(),
                ],
                person_names: vec!["山田 太郎".into(), "Taro Yamada".into()],
                emails: vec!["soc@minato-logi.co.jp".into()],
                phones: vec!["03-1234-5678".into()],
                urls: vec!["https://www.example.co.jp/news/2024/0501.html".into()],
                domains: vec!["minato-logi.co.jp".into()],
                r_numbers: vec!["R12".into()],
                addresses: vec!["東京都千代田区霞が関1-2-3".into()],
                other_terms: vec!["MLS-CTRL01".into()],
                ..Source::new(scope("R12"))
            },
            Source {
                kind: SourceKind::External,
                organisation_names: vec!["○○電力株式会社".into()],
                phones: vec!["+81-6-9876-5432".into()],
                r_numbers: vec!["Ｒ７－２".into()],
                emails: vec!["info@gmail.com".into()],
                ..Source::new(scope("外部情報A"))
            },
        ]
    }

    fn hits(text: &str) -> Vec<(usize, FindingKind, String)> {
        Sanitiser::new(&sources())
            .find_in(text)
            .into_iter()
            .map(|h| {
                assert_eq!(&text[h.span.clone()], h.matched, "span matches the text");
                (h.source, h.kind, h.matched)
            })
            .collect()
    }

    #[test]
    fn identifying_details_in_japanese_text() {
        use FindingKind::*;
        let one = |s: usize, k: FindingKind, m: &str| vec![(s, k, m.to_owned())];
        type Want = Vec<(usize, FindingKind, String)>;
        let cases: Vec<(&str, Want)> = vec![
            // Organisation names, affixes before and after, abbreviations, widths, scripts.
            (
                "株式会社ミナト物流の倉庫管理システムで障害",
                one(0, Organisation, "株式会社ミナト物流"),
            ),
            (
                "ミナト物流株式会社が公表",
                one(0, Organisation, "ミナト物流株式会社"),
            ),
            (
                "（株）ミナト物流より連絡",
                one(0, Organisation, "（株）ミナト物流"),
            ),
            ("㈱ミナト物流", one(0, Organisation, "㈱ミナト物流")),
            ("ﾐﾅﾄ物流の拠点", one(0, Organisation, "ﾐﾅﾄ物流")),
            (
                "ミナト　物流（株）の拠点",
                one(0, Organisation, "ミナト　物流（株）"),
            ),
            (
                "ＭＩＮＡＴＯ　ＬＯＧＩＳＴＩＣＳ社のサーバ",
                one(0, Organisation, "ＭＩＮＡＴＯ　ＬＯＧＩＳＴＩＣＳ"),
            ),
            (
                "minato logistics, inc. reported",
                one(0, Organisation, "minato logistics, inc."),
            ),
            (
                "minato-logistics.example.net がC2",
                one(0, Organisation, "minato-logistics.example.net"),
            ),
            (
                "○○電力株式会社の制御系",
                one(1, Organisation, "○○電力株式会社"),
            ),
            // People.
            ("担当の山田太郎氏が確認", one(0, Person, "山田太郎")),
            ("担当：山田　太郎", one(0, Person, "山田　太郎")),
            ("reported by YAMADA Taro", one(0, Person, "YAMADA Taro")),
            // Addresses, full-width digits and dashes.
            (
                "所在地：東京都千代田区霞が関１－２－３",
                one(0, Address, "東京都千代田区霞が関１－２－３"),
            ),
            // Phones in either width and with any separators.
            (
                "連絡先 ０３－１２３４－５６７８（代表）",
                one(0, Phone, "０３－１２３４－５６７８"),
            ),
            ("TEL:+81 3 1234 5678", one(0, Phone, "+81 3 1234 5678")),
            ("(03)1234-5678まで", one(0, Phone, "(03)1234-5678")),
            ("03ー1234ー5678", one(0, Phone, "03ー1234ー5678")),
            ("06-9876-5432へ", one(1, Phone, "06-9876-5432")),
            // E-mail addresses, also defanged; the address wins over its domain.
            (
                "送信元 SOC＠MINATO-LOGI.CO.JP から",
                one(0, Email, "SOC＠MINATO-LOGI.CO.JP"),
            ),
            (
                "soc[@]minato-logi[.]co[.]jp",
                one(0, Email, "soc[@]minato-logi[.]co[.]jp"),
            ),
            // Domains and subdomains, also defanged.
            (
                "portal.minato-logi.co.jp が停止",
                one(0, Domain, "portal.minato-logi.co.jp"),
            ),
            (
                "次のドメインをブロック：example[.]co[.]jp",
                one(0, Domain, "example[.]co[.]jp"),
            ),
            (
                "ｅｘａｍｐｌｅ．ｃｏ．ｊｐ",
                one(0, Domain, "ｅｘａｍｐｌｅ．ｃｏ．ｊｐ"),
            ),
            (
                "http://example.co.jp/top(.)html にアクセスした場合",
                one(0, Domain, "example.co.jp"),
            ),
            // The listed URL (and a longer one starting with it), also defanged.
            (
                "（https://www.example.co.jp/news/2024/0501.html?ref=top）参照",
                one(
                    0,
                    Url,
                    "https://www.example.co.jp/news/2024/0501.html?ref=top",
                ),
            ),
            (
                "hxxps://example[.]co[.]jp/news/2024/0501[.]html",
                one(0, Url, "hxxps://example[.]co[.]jp/news/2024/0501[.]html"),
            ),
            // Liaison numbers inside sentences, either width.
            ("本件はR12-3の続報に基づく。", one(0, RNumber, "R12-3")),
            ("Ｒ１２で報告された事象", one(0, RNumber, "Ｒ１２")),
            (
                "（R7）と（R7-5）",
                vec![
                    (1, RNumber, "R7".to_owned()),
                    (1, RNumber, "R7-5".to_owned()),
                ],
            ),
            // Other terms.
            ("mls-ctrl01 で検知", one(0, Term, "mls-ctrl01")),
            // Several at once, in text order.
            (
                "ミナト物流（soc@minato-logi.co.jp、03-1234-5678）",
                vec![
                    (0, Organisation, "ミナト物流".to_owned()),
                    (0, Email, "soc@minato-logi.co.jp".to_owned()),
                    (0, Phone, "03-1234-5678".to_owned()),
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(hits(text), want, "{text}");
        }
    }

    #[test]
    fn invisible_characters_widths_and_defanging_do_not_hide_a_source() {
        use FindingKind::*;
        let cases: Vec<(&str, FindingKind, &str)> = vec![
            (
                "ミナト\u{200B}物流の倉庫",
                Organisation,
                "ミナト\u{200B}物流",
            ),
            (
                "\u{202E}ミナト物流\u{202C}の倉庫",
                Organisation,
                "ミナト物流",
            ),
            ("ﾐﾅﾄ\u{200D}物流(株)", Organisation, "ﾐﾅﾄ\u{200D}物流(株)"),
            ("担当 山田\u{2060}太郎", Person, "山田\u{2060}太郎"),
            (
                "０３ー１２３４ー５６７８",
                Phone,
                "０３ー１２３４ー５６７８",
            ),
            (
                "portal.minato-logi(.)co(.)jp",
                Domain,
                "portal.minato-logi(.)co(.)jp",
            ),
            (
                "東京都千代田区霞が関一丁目2番3号",
                Address,
                "東京都千代田区霞が関一丁目2番3号",
            ),
        ];
        for (text, kind, matched) in cases {
            assert_eq!(hits(text), vec![(0, kind, matched.to_owned())], "{text:?}");
        }
    }

    #[test]
    fn no_false_alarms() {
        for text in [
            "大手サイトfunifuniにおいてサイト改ざんが行われ",
            "ミナト運輸の倉庫",
            "example.com をブロック",
            "myexample.co.jp と example.co.jpn",
            "notminato-logi.co.jp",
            "R120 と R1 と TR12 と r12.example.jp",
            "203-1234-5678 と 03-1234-56789",
            "○○県警へ通報、○○件",
            "gmail.com は共用",
            "2023-08-19 13:15",
        ] {
            assert_eq!(hits(text), vec![], "{text}");
        }
    }

    fn form_with_leaks() -> ProvisionForm {
        let mut f = official_fig8_example();
        f.summary =
            "株式会社ミナト物流の会員サイトが改ざんされ、ミナト物流の利用者に感染のおそれ。".into();
        f.countermeasures = "次のドメインをブロックする。example[.]co[.]jp".into();
        f.indicators = vec![
            Indicator {
                kind: IndicatorKind::Domain,
                value: "example.co.jp".into(),
                note: "改ざんされたサイト".into(),
                ..Default::default()
            },
            Indicator {
                kind: IndicatorKind::Ip,
                value: "192.0.2.1".into(),
                note: "R12-3で報告された通信先".into(),
                ..Default::default()
            },
        ];
        f
    }

    #[test]
    fn scans_every_field_in_form_order() {
        let findings = scan(&form_with_leaks(), &sources());
        let got: Vec<_> = findings
            .iter()
            .map(|f| (f.field, f.row, f.source, f.kind, f.matched.as_str()))
            .collect();
        use FindingKind::*;
        assert_eq!(
            got,
            vec![
                ("summary", None, 0, Organisation, "株式会社ミナト物流"),
                ("summary", None, 0, Organisation, "ミナト物流"),
                ("targets", None, 0, Domain, "example.co.jp"),
                ("countermeasures", None, 0, Domain, "example[.]co[.]jp"),
                ("indicators.value", Some(0), 0, Domain, "example.co.jp"),
                ("indicators.note", Some(1), 0, RNumber, "R12-3"),
            ]
        );
        assert!(findings.iter().all(|f| f.source_label == "R12"));
        assert_eq!(
            findings[1].span,
            "株式会社ミナト物流の会員サイトが改ざんされ、".len()
                .."株式会社ミナト物流の会員サイトが改ざんされ、ミナト物流".len()
        );
        // The official example itself names no source of ours.
        assert_eq!(scan(&official_fig8_example(), &sources()[1..]), vec![]);
    }

    #[test]
    fn sending_is_blocked_until_each_finding_is_resolved() {
        let form = form_with_leaks();
        let findings = scan(&form, &sources());
        let keys = |b: &[Blocker]| -> Vec<(String, BlockerReason, usize)> {
            b.iter()
                .map(|b| (b.key.field.clone(), b.reason, b.occurrences))
                .collect()
        };

        // Nothing resolved: one blocker per key (the two summary finds share the identifier).
        let b = sending_blockers(&findings, &[]);
        assert_eq!(
            keys(&b),
            vec![
                ("summary".into(), BlockerReason::Unresolved, 2),
                ("targets".into(), BlockerReason::Unresolved, 1),
                ("countermeasures".into(), BlockerReason::Unresolved, 1),
                ("indicators.value".into(), BlockerReason::Unresolved, 1),
                ("indicators.note".into(), BlockerReason::Unresolved, 1),
            ]
        );
        assert!(b[0]
            .message_ja
            .contains("「脅威等の内容 ①概要」の組織名「株式会社ミナト物流」"));
        assert!(b[0].message_ja.contains("情報源「R12」"));
        assert!(b[4].message_en.contains("(row 2)") && b[4].message_en.contains("liaison number"));

        let key_of = |field: &str| {
            findings
                .iter()
                .find(|f| f.field == field)
                .map(Finding::key)
                .expect("finding")
        };
        let kept = |field: &str, why: &str| Resolution {
            key: key_of(field),
            action: ResolutionAction::KeptWithReason(why.into()),
        };
        let removed = |field: &str| Resolution {
            key: key_of(field),
            action: ResolutionAction::Removed,
        };
        let reason = "改ざんされたサイト自体が指標であり、既に公表済み";
        let resolutions = vec![
            kept("targets", reason),
            kept("countermeasures", reason),
            kept("indicators.value", reason),
            kept("indicators.note", "　"),
            removed("summary"),
        ];
        let b = sending_blockers(&findings, &resolutions);
        assert_eq!(
            keys(&b),
            vec![
                ("summary".into(), BlockerReason::StillPresent, 2),
                ("indicators.note".into(), BlockerReason::NoReason, 1),
            ]
        );

        // Edit the text as decided and scan again: nothing blocks.
        let mut fixed = form.clone();
        fixed.summary = "大手サイトの会員サイトが改ざんされ、利用者に感染のおそれ。".into();
        fixed.indicators[1].note = "通信先".into();
        let again = scan(&fixed, &sources());
        assert_eq!(sending_blockers(&again, &resolutions), vec![]);

        // The last resolution of a key counts.
        let mut flip = resolutions.clone();
        flip.push(Resolution {
            key: key_of("targets"),
            action: ResolutionAction::Removed,
        });
        assert_eq!(
            keys(&sending_blockers(&again, &flip)),
            vec![("targets".into(), BlockerReason::StillPresent, 1)]
        );
    }

    #[test]
    fn resolution_serde_shape() {
        let r = Resolution {
            key: FindingKey {
                source: 0,
                field: "summary".into(),
                row: None,
                kind: FindingKind::Organisation,
                identifier: "株式会社ミナト物流".into(),
            },
            action: ResolutionAction::KeptWithReason("公表済み".into()),
        };
        let json = serde_json::to_string(&r).expect("json");
        assert!(
            json.contains(r#""action":{"kept_with_reason":"公表済み"}"#),
            "{json}"
        );
        let back: Resolution = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, r);
        let removed: ResolutionAction = serde_json::from_str(r#""removed""#).expect("parses");
        assert_eq!(removed, ResolutionAction::Removed);
    }

    // --- properties: however a detail is written, it is found -------------------------------

    fn to_full(c: char) -> char {
        match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        }
    }

    /// `03-1234-5678` with random separators and widths.
    fn phone() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(&["-", "－", "ー", " ", ".", "‐"][..]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(sep, full, paren)| {
                let body = if paren {
                    format!("(03){}1234{sep}5678", "")
                } else {
                    format!("03{sep}1234{sep}5678")
                };
                if full {
                    body.chars().map(to_full).collect()
                } else {
                    body
                }
            })
    }

    /// `minato-logi.co.jp` (or a subdomain) with random defanging, widths and case.
    fn domain() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(
                proptest::sample::select(&[".", "[.]", "(.)", "[dot]", "．", "{.}"][..]),
                3,
            ),
            any::<bool>(),
            any::<u8>(),
            any::<bool>(),
        )
            .prop_map(|(dots, full, case, sub)| {
                let labels = if sub {
                    vec!["Portal", "minato-logi", "co", "jp"]
                } else {
                    vec!["", "minato-logi", "co", "jp"]
                };
                let mut s = String::new();
                for (i, l) in labels.iter().enumerate().skip(usize::from(!sub)) {
                    s.push_str(l);
                    if i < 3 {
                        s.push_str(dots[i.min(2)]);
                    }
                }
                let s: String = s
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if case >> (i % 8) & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                if full {
                    s.chars().map(to_full).collect()
                } else {
                    s
                }
            })
    }

    fn r_number() -> impl Strategy<Value = String> {
        (any::<bool>(), proptest::option::of(2u32..40)).prop_map(|(full, k)| {
            let s = match k {
                Some(k) => format!("R12-{k}"),
                None => "R12".to_owned(),
            };
            if full {
                s.chars().map(to_full).collect()
            } else {
                s
            }
        })
    }

    fn filler() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[の制御系サーバで障害が発生。、（）：abc ]{0,8}")
            .expect("regex")
    }

    proptest! {
        #[test]
        fn every_rendering_is_found(
            before in filler(),
            after in filler(),
            which in 0..3usize,
            p in phone(),
            d in domain(),
            r in r_number(),
        ) {
            let (detail, kind) = match which {
                0 => (p, FindingKind::Phone),
                1 => (d, FindingKind::Domain),
                _ => (r, FindingKind::RNumber),
            };
            // Keep the detail from running into ASCII filler.
            let text = format!("{before}：{detail}：{after}");
            let at = before.len() + "：".len();
            let span = at..at + detail.len();
            let found = Sanitiser::new(&sources()).find_in(&text);
            prop_assert!(
                found.iter().any(|h| h.kind == kind && h.span.start <= span.start && span.end <= h.span.end),
                "{:?} not found in {:?}: {:?}", detail, text, found
            );
        }
    }
}
