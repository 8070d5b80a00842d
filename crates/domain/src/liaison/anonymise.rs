//! 匿名化 — the CEPTOAR secretariat (セプター事務局) anonymises an operator's report before
//! forwarding it to the ministry (情報連絡元の匿名化等を行った上で).
//!
//! What is masked is what identifies the **reporter**: its names (legal name, aliases, the
//! form's ④), its people, postal addresses (any Japanese address, and the addresses it
//! registered), phone and fax numbers, its own domains and their subdomains, its own e-mail
//! addresses and IP ranges, and any extra term the CEPTOAR adds. What describes the
//! **attacker** is kept, because the other operators need it: URLs, domains, e-mail addresses,
//! IP addresses and hashes that are not the reporter's are listed as *kept* (see [`Kept`]) so
//! the secretariat can mask one more with a click (it becomes an extra term).
//!
//! Every search runs on the one normaliser ([`crate::text::normal`]): NFKC, ASCII case,
//! invisible characters dropped, defanged hosts refanged, 「ー」 between digits. A find is
//! mapped back to the original characters, which are what is replaced. Each masked span
//! becomes a label in lenticular brackets 【…】 (see [`MaskKind::label`]), which never occurs in
//! a name and so cannot be mistaken for original text; ④ becomes [`ANONYMISED_OPERATOR_NAME`].
//! The sender block is left alone: the app replaces it with the CEPTOAR's own.
//!
//! Names also match across white space and swallow legal-form affixes (株式会社, （株）, ㈱,
//! 有限会社, Co., Ltd. …) on either side; an ASCII name is also found inside host names and
//! e-mail addresses (`tohto-electric.example`).

use super::form::LiaisonForm;
use crate::provision::defang::{self, Extracted};
use crate::provision::form::IndicatorKind;
use crate::text::find::{self, IpRange};
use crate::text::normal::{self, Unit};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What identifies the reporting operator, as the CEPTOAR secretariat knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Identifiers {
    /// The legal name and known variants (略称, English name …). Legal-form affixes are
    /// optional: 「株式会社ミナト物流」 also masks 「ミナト物流」 and 「ミナト物流（株）」.
    pub operator_names: Vec<String>,
    /// People's names; a two-part name also matches in reversed order.
    pub people: Vec<String>,
    /// Registered postal addresses (any Japanese address is masked anyway).
    pub addresses: Vec<String>,
    /// Registered phone and fax numbers (any Japanese phone number is masked anyway).
    pub phones: Vec<String>,
    /// The operator's own e-mail addresses.
    pub emails: Vec<String>,
    /// The operator's domains; subdomains are masked too (`minato-logi.co.jp` also masks
    /// `portal.minato-logi.co.jp`), and so is every URL or e-mail address on them.
    pub domains: Vec<String>,
    /// The operator's IP addresses and ranges (`192.0.2.0/24`).
    pub ips: Vec<String>,
    /// Anything else to mask: systems, sites, and the indicators the CEPTOAR chose to mask.
    pub extra_terms: Vec<String>,
}

/// Why a span was masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// The operator's name or a variant.
    Operator,
    /// One of the operator's people.
    Person,
    /// A postal address.
    Address,
    /// An extra term the CEPTOAR listed.
    Term,
    Email,
    Phone,
    Url,
    /// One of the operator's domains or a subdomain, outside a URL or address.
    Domain,
    /// One of the operator's IP addresses.
    Ip,
}

impl MaskKind {
    /// The text that replaces a masked span.
    pub fn label(self) -> &'static str {
        match self {
            MaskKind::Operator => "【事業者】",
            MaskKind::Person => "【人名】",
            MaskKind::Address => "【住所】",
            MaskKind::Term => "【非公開】",
            MaskKind::Email => "【メールアドレス】",
            MaskKind::Phone => "【電話番号】",
            MaskKind::Url => "【URL】",
            MaskKind::Domain => "【ドメイン】",
            MaskKind::Ip => "【IPアドレス】",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            MaskKind::Operator => "operator",
            MaskKind::Person => "person",
            MaskKind::Address => "address",
            MaskKind::Term => "term",
            MaskKind::Email => "email",
            MaskKind::Phone => "phone",
            MaskKind::Url => "url",
            MaskKind::Domain => "domain",
            MaskKind::Ip => "ip",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            MaskKind::Operator => "operator name",
            MaskKind::Person => "person's name",
            MaskKind::Address => "postal address",
            MaskKind::Term => "withheld term",
            MaskKind::Email => "e-mail address",
            MaskKind::Phone => "phone number",
            MaskKind::Url => "URL",
            MaskKind::Domain => "domain",
            MaskKind::Ip => "IP address",
        }
    }
}

/// What ④事象が発生した重要インフラ事業者等名 reads after anonymisation.
pub const ANONYMISED_OPERATOR_NAME: &str = "【事業者】（匿名化）";

/// One masked span, for the preview shown to the secretariat before it forwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Masking {
    /// Dotted field path (serde names); timeline rows are `timeline.at` / `timeline.event`.
    pub field: &'static str,
    /// Row index for timeline fields.
    pub row: Option<usize>,
    pub kind: MaskKind,
    /// The text as it was.
    pub original: String,
    /// The label that replaced it.
    pub replacement: String,
}

/// An indicator left in the text because it is not the reporter's (the attacker's URL, its
/// mail sender, a hash): shown in the preview with a way to mask it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub field: &'static str,
    pub row: Option<usize>,
    pub kind: IndicatorKind,
    /// The text as written (possibly defanged).
    pub original: String,
    /// The canonical value: pass it back as an extra term to mask it.
    pub value: String,
}

/// The anonymised copy, what was masked and what was kept, field by field in form order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anonymised {
    pub form: LiaisonForm,
    pub maskings: Vec<Masking>,
    pub kept: Vec<Kept>,
}

/// Anonymises a form for forwarding by the CEPTOAR secretariat.
///
/// ④ becomes [`ANONYMISED_OPERATOR_NAME`]; its previous value is also treated as a name variant.
/// Every free-text field is masked with a [`Masker`]. Dates, codes and the sender block are kept.
pub fn anonymise(form: &LiaisonForm, identifiers: &Identifiers) -> Anonymised {
    let mut ids = identifiers.clone();
    if !form.operator_name.trim().is_empty() && form.operator_name != ANONYMISED_OPERATOR_NAME {
        ids.operator_names.push(form.operator_name.clone());
    }
    let masker = Masker::new(&ids);
    let mut out = form.clone();
    let mut maskings = Vec::new();
    let mut kept = Vec::new();

    if form.operator_name != ANONYMISED_OPERATOR_NAME {
        if !form.operator_name.trim().is_empty() {
            maskings.push(Masking {
                field: "operator_name",
                row: None,
                kind: MaskKind::Operator,
                original: form.operator_name.clone(),
                replacement: ANONYMISED_OPERATOR_NAME.to_owned(),
            });
        }
        out.operator_name = ANONYMISED_OPERATOR_NAME.to_owned();
    }

    let mut apply = |field: &'static str, row: Option<usize>, text: &mut String| {
        let masked = masker.mask(text);
        kept.extend(masked.kept.into_iter().map(|k| Kept {
            field,
            row,
            kind: k.kind,
            original: k.original,
            value: k.value,
        }));
        if masked.spans.is_empty() {
            return;
        }
        maskings.extend(masked.spans.into_iter().map(|s| Masking {
            field,
            row,
            kind: s.kind,
            original: s.original,
            replacement: s.kind.label().to_owned(),
        }));
        *text = masked.text;
    };

    apply("tlp_notes", None, &mut out.tlp_notes);
    apply(
        "summary.occurred_note",
        None,
        &mut out.summary.occurred_note,
    );
    apply(
        "summary.affected_system",
        None,
        &mut out.summary.affected_system,
    );
    apply("summary.description", None, &mut out.summary.description);
    apply("supplementary", None, &mut out.supplementary);
    if let Some(o) = out.impact.sml_override.as_mut() {
        apply("impact.sml_override.reason", None, &mut o.reason);
    }
    apply(
        "external.press_detail",
        None,
        &mut out.external.press_detail,
    );
    apply("external.ppc_detail", None, &mut out.external.ppc_detail);
    apply(
        "external.other_contacts",
        None,
        &mut out.external.other_contacts,
    );
    for (i, row) in out.timeline.iter_mut().enumerate() {
        apply("timeline.at", Some(i), &mut row.at);
        apply("timeline.event", Some(i), &mut row.event);
    }
    apply("lessons", None, &mut out.lessons);

    Anonymised {
        form: out,
        maskings,
        kept,
    }
}

/// A span [`Masker::mask`] replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedSpan {
    pub kind: MaskKind,
    pub original: String,
}

/// An indicator [`Masker::mask`] left in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptIndicator {
    pub kind: IndicatorKind,
    pub original: String,
    pub value: String,
}

/// Text after masking, with the spans that were replaced and the indicators kept, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedText {
    pub text: String,
    pub spans: Vec<MaskedSpan>,
    pub kept: Vec<KeptIndicator>,
}

/// A find, as a byte range of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub span: Range<usize>,
    pub kind: MaskKind,
}

/// The compiled identifiers; reusable for any text (e.g. an attachment's title).
#[derive(Debug, Clone)]
pub struct Masker {
    names: Vec<NamePattern>,
    people: Vec<Vec<char>>,
    terms: Vec<(Vec<char>, MaskKind)>,
    addresses: Vec<Vec<char>>,
    phones: Vec<String>,
    emails: Vec<Vec<char>>,
    domains: Vec<Vec<char>>,
    /// The same domains as strings, to test hosts of found indicators.
    domain_names: Vec<String>,
    ips: Vec<IpRange>,
    compact_names: Vec<String>,
    ja_affixes: Vec<Vec<char>>,
    en_suffixes: Vec<Vec<char>>,
}

#[derive(Debug, Clone)]
struct NamePattern {
    core: Vec<char>,
    /// A placeholder such as 「○○」: masked only together with a legal-form affix, so that
    /// 「○○株式会社」 is masked but 「○○県警」 and 「○○件」 are not.
    weak: bool,
}

/// Legal-form affixes that may stand before or after a Japanese name (normalised: ㈱ is (株)).
const JA_AFFIXES: &[&str] = &[
    "株式会社",
    "(株)",
    "有限会社",
    "(有)",
    "合同会社",
    "(同)",
    "合資会社",
    "(資)",
    "合名会社",
    "(名)",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "(一社)",
    "(一財)",
    "(公社)",
    "(公財)",
    "独立行政法人",
    "地方独立行政法人",
    "国立研究開発法人",
    "(独)",
];

/// Legal-form suffixes of English names (normalised keys: lower case, no spaces); an optional
/// comma may precede them.
const EN_SUFFIXES: &[&str] = &[
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "co.,limited",
    "ltd.",
    "ltd",
    "limited",
    "inc.",
    "inc",
    "incorporated",
    "corporation",
    "corp.",
    "corp",
    "k.k.",
    "co.",
    "company",
];

/// Characters that stand for a redacted or unknown name in examples (○○株式会社, XX社).
const PLACEHOLDER_CHARS: &str = "○〇●◯×✕*x?△□■・";

/// Names this short and ASCII at an edge match only as whole words there (so "ANA" does not
/// mask "banana"); longer names match anywhere, since masking too much is the safe side.
const SHORT_ASCII_NAME: usize = 3;

/// People's names shorter than this (in characters, without spaces) are not looked for: a
/// one-character name would mask that character everywhere.
const MIN_PERSON_NAME: usize = 2;

fn keys(list: &[&str]) -> Vec<Vec<char>> {
    list.iter().map(|a| normal::key(a)).collect()
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// Removes legal-form affixes from both ends of a name key.
fn strip_affixes(mut k: Vec<char>, ja: &[Vec<char>], en: &[Vec<char>]) -> Vec<char> {
    loop {
        let before = k.len();
        for a in ja {
            if k.len() > a.len() && k.starts_with(a) {
                k.drain(..a.len());
            }
            if k.len() > a.len() && k.ends_with(a) {
                k.truncate(k.len() - a.len());
            }
        }
        for a in en {
            if k.len() > a.len() && k.ends_with(a) {
                k.truncate(k.len() - a.len());
            }
        }
        while k.len() > 1 && matches!(k.last(), Some(',' | '.' | '・')) {
            k.pop();
        }
        if k.len() == before {
            return k;
        }
    }
}

impl Masker {
    pub fn new(ids: &Identifiers) -> Self {
        let ja_affixes = keys(JA_AFFIXES);
        let en_suffixes = keys(EN_SUFFIXES);
        let mut m = Masker {
            names: Vec::new(),
            people: Vec::new(),
            terms: Vec::new(),
            addresses: Vec::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            domains: Vec::new(),
            domain_names: Vec::new(),
            ips: Vec::new(),
            compact_names: Vec::new(),
            ja_affixes,
            en_suffixes,
        };
        for name in &ids.operator_names {
            m.add_name(name);
        }
        for p in &ids.people {
            m.add_person(p);
        }
        for a in &ids.addresses {
            for k in find::address_keys(a) {
                push_unique(&mut m.addresses, k);
            }
        }
        for p in &ids.phones {
            let k = find::phone_key(p);
            if k.len() >= 6 {
                push_unique(&mut m.phones, k);
            } else {
                m.add_term(p, MaskKind::Term);
            }
        }
        for e in &ids.emails {
            m.add_email(e);
        }
        for d in &ids.domains {
            m.add_domain(d);
        }
        for ip in &ids.ips {
            match IpRange::parse(ip) {
                Some(r) => push_unique(&mut m.ips, r),
                None => m.add_term(ip, MaskKind::Term),
            }
        }
        for t in &ids.extra_terms {
            // An indicator the CEPTOAR chose to mask is masked in every writing of it.
            match defang::detect_kind(t) {
                Some(IndicatorKind::Email) => m.add_email(t),
                Some(IndicatorKind::Domain) => m.add_domain(t),
                Some(IndicatorKind::Ip) => match IpRange::parse(t) {
                    Some(r) => push_unique(&mut m.ips, r),
                    None => m.add_term(t, MaskKind::Term),
                },
                Some(IndicatorKind::Url) => m.add_term(t, MaskKind::Url),
                _ => m.add_term(t, MaskKind::Term),
            }
        }
        m
    }

    fn add_name(&mut self, name: &str) {
        let core = strip_affixes(normal::key(name), &self.ja_affixes, &self.en_suffixes);
        if !core.is_empty() && !self.names.iter().any(|n| n.core == core) {
            let weak = core.iter().all(|c| PLACEHOLDER_CHARS.contains(*c));
            self.names.push(NamePattern { core, weak });
        }
        if let Some(k) = find::compact_name(name) {
            push_unique(&mut self.compact_names, k);
        }
    }

    fn add_person(&mut self, name: &str) {
        let k = normal::key(name);
        if k.len() < MIN_PERSON_NAME {
            return;
        }
        push_unique(&mut self.people, k);
        let parts: Vec<String> = normal::folded(name)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if parts.len() == 2 {
            push_unique(
                &mut self.people,
                normal::key(&format!("{}{}", parts[1], parts[0])),
            );
        }
    }

    fn add_term(&mut self, t: &str, kind: MaskKind) {
        let k = normal::key(t);
        if !k.is_empty() && !self.terms.iter().any(|(x, _)| *x == k) {
            self.terms.push((k, kind));
        }
    }

    fn add_email(&mut self, e: &str) {
        let k = find::value_key(e);
        if k.contains(&'@') {
            push_unique(&mut self.emails, k);
        } else if !k.is_empty() {
            self.add_term(e, MaskKind::Term);
        }
    }

    fn add_domain(&mut self, d: &str) {
        let host = find::host_key(d);
        if defang::is_domain(&host) {
            push_unique(&mut self.domains, host.chars().collect());
            push_unique(&mut self.domain_names, host);
        } else if !host.is_empty() {
            self.add_term(d, MaskKind::Term);
        }
    }

    /// Whether a host (lower case) is the reporter's: one of its domains or a subdomain, or it
    /// carries the reporter's ASCII name.
    fn own_host(&self, host: &str) -> bool {
        self.domain_names
            .iter()
            .any(|d| find::within_domain(host, d))
            || self.carries_name(host)
            || IpRange::parse(host).is_some_and(|ip| self.ips.iter().any(|r| r.contains(&ip)))
    }

    fn carries_name(&self, value: &str) -> bool {
        let compact: String = value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        self.compact_names
            .iter()
            .any(|k| compact.contains(k.as_str()))
    }

    /// Whether an indicator found in the text is the reporter's.
    fn is_own(&self, e: &Extracted) -> bool {
        match e.kind {
            IndicatorKind::Url => {
                self.own_host(&find::host_key(&e.value)) || self.carries_name(&e.value)
            }
            IndicatorKind::Email => {
                let k = find::value_key(&e.value);
                self.emails.contains(&k)
                    || self.own_host(&find::host_key(&e.value))
                    || self.carries_name(&e.value)
            }
            IndicatorKind::Domain => self.own_host(&e.value.to_ascii_lowercase()),
            IndicatorKind::Ip => {
                IpRange::parse(&e.value).is_some_and(|ip| self.ips.iter().any(|r| r.contains(&ip)))
            }
            IndicatorKind::Hash | IndicatorKind::Other => false,
        }
    }

    /// The listed identifiers in already-normalised text (no general detection of addresses,
    /// phone numbers or indicators): what NISC's sanitisation scan looks for.
    pub fn registered_in(&self, units: &[Unit]) -> Vec<Hit> {
        let s = Stream::new(units);
        let mut hits = Vec::new();
        self.registered(&s, &mut hits);
        hits
    }

    fn registered(&self, s: &Stream<'_>, hits: &mut Vec<Hit>) {
        let u = s.units;
        for n in &self.names {
            s.find_names(n, &self.ja_affixes, &self.en_suffixes, hits);
        }
        for p in &self.people {
            s.find_terms(p, MaskKind::Person, hits);
        }
        for (t, kind) in &self.terms {
            s.find_terms(t, *kind, hits);
        }
        let mut add = |finds: Vec<find::Find>, kind: MaskKind| {
            hits.extend(finds.into_iter().map(|f| Hit {
                span: find::span(u, f.a, f.b),
                kind,
            }));
        };
        add(find::addresses(u, &self.addresses), MaskKind::Address);
        add(find::phones(u, &self.phones), MaskKind::Phone);
        add(find::emails(u, &self.emails), MaskKind::Email);
        add(
            find::compact_names(u, &self.compact_names),
            MaskKind::Operator,
        );
        // A domain followed by a path is a URL written without its scheme.
        for f in find::domains(u, &self.domains) {
            let (b, kind) = match find::path_end(u, f.b) {
                Some(b) => (b, MaskKind::Url),
                None => (f.b, MaskKind::Domain),
            };
            hits.push(Hit {
                span: find::span(u, f.a, b),
                kind,
            });
        }
    }

    /// Every span to mask in `text` (overlapping finds merged, each labelled by its longest
    /// member) and the indicators left in place.
    pub fn scan(&self, text: &str) -> (Vec<Hit>, Vec<Extracted>) {
        let units = normal::normalise(text);
        let s = Stream::new(&units);
        let mut hits: Vec<Hit> = Vec::new();
        self.registered(&s, &mut hits);
        hits.extend(
            find::japanese_addresses(&units)
                .into_iter()
                .map(|span| Hit {
                    span,
                    kind: MaskKind::Address,
                }),
        );
        s.find_phones(&mut hits);
        let mut others = Vec::new();
        for e in defang::extract_from_units(&units) {
            if self.is_own(&e) {
                let kind = match e.kind {
                    IndicatorKind::Url => MaskKind::Url,
                    IndicatorKind::Email => MaskKind::Email,
                    IndicatorKind::Domain => MaskKind::Domain,
                    IndicatorKind::Ip => MaskKind::Ip,
                    IndicatorKind::Hash | IndicatorKind::Other => MaskKind::Term,
                };
                hits.push(Hit {
                    span: e.span.clone(),
                    kind,
                });
            } else {
                others.push(e);
            }
        }
        let merged = merge(hits);
        let kept = others
            .into_iter()
            .filter(|e| {
                !merged
                    .iter()
                    .any(|h| h.span.start < e.span.end && e.span.start < h.span.end)
            })
            .collect();
        (merged, kept)
    }

    /// Masks `text`: what identifies the reporter is replaced by labels; the other indicators
    /// are listed as kept.
    pub fn mask(&self, text: &str) -> MaskedText {
        let (merged, kept) = self.scan(text);
        let mut out = String::with_capacity(text.len());
        let mut spans = Vec::with_capacity(merged.len());
        let mut pos = 0;
        for h in merged {
            out.push_str(&text[pos..h.span.start]);
            out.push_str(h.kind.label());
            spans.push(MaskedSpan {
                kind: h.kind,
                original: text[h.span.clone()].to_owned(),
            });
            pos = h.span.end;
        }
        out.push_str(&text[pos..]);
        MaskedText {
            text: out,
            spans,
            kept: kept
                .into_iter()
                .map(|e| KeptIndicator {
                    kind: e.kind,
                    original: text[e.span].to_owned(),
                    value: e.value,
                })
                .collect(),
        }
    }
}

/// Unions overlapping finds; each union takes the kind of its longest member.
fn merge(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.span.start, std::cmp::Reverse(h.span.end)));
    let mut out: Vec<(Hit, usize)> = Vec::new(); // (union, length of the longest member)
    for h in hits {
        let len = h.span.len();
        match out.last_mut() {
            Some((u, longest)) if h.span.start < u.span.end => {
                u.span.end = u.span.end.max(h.span.end);
                if len > *longest {
                    *longest = len;
                    u.kind = h.kind;
                }
            }
            _ => out.push((h, len)),
        }
    }
    out.into_iter().map(|(h, _)| h).collect()
}

struct Stream<'a> {
    units: &'a [Unit],
    /// Indices of the non-space units: names and terms match across white space.
    compact: Vec<usize>,
}

impl<'a> Stream<'a> {
    fn new(units: &'a [Unit]) -> Self {
        Stream {
            units,
            compact: (0..units.len()).filter(|&i| !units[i].is_space()).collect(),
        }
    }

    fn ch(&self, i: usize) -> char {
        self.units[i].ch
    }

    /// Compact positions where `pat` starts.
    fn compact_matches<'p>(&'p self, pat: &'p [char]) -> impl Iterator<Item = usize> + 'p {
        let n = self.compact.len();
        (0..(n + 1).saturating_sub(pat.len())).filter(move |&s| {
            !pat.is_empty()
                && pat
                    .iter()
                    .enumerate()
                    .all(|(k, c)| self.ch(self.compact[s + k]) == *c)
        })
    }

    /// The byte range covering compact positions `[a, b)`.
    fn hit(&self, a: usize, b: usize, kind: MaskKind) -> Hit {
        Hit {
            span: self.units[self.compact[a]].start..self.units[self.compact[b - 1]].end,
            kind,
        }
    }

    /// Whether a short ASCII pattern at compact `[a, b)` is a whole word where it needs to be.
    fn word_bounded(&self, pat: &[char], a: usize, b: usize) -> bool {
        if pat.len() > SHORT_ASCII_NAME {
            return true;
        }
        let first = self.compact[a];
        let last = self.compact[b - 1];
        let before_ok = !pat[0].is_ascii_alphanumeric()
            || first == 0
            || !self.ch(first - 1).is_ascii_alphanumeric();
        let after_ok = !pat[pat.len() - 1].is_ascii_alphanumeric()
            || last + 1 >= self.units.len()
            || !self.ch(last + 1).is_ascii_alphanumeric();
        before_ok && after_ok
    }

    /// Whether the compact stream holds `pat` at `[a, a + len)`.
    fn compact_has(&self, pat: &[char], a: usize) -> bool {
        a + pat.len() <= self.compact.len()
            && pat
                .iter()
                .enumerate()
                .all(|(k, c)| self.ch(self.compact[a + k]) == *c)
    }

    fn find_names(&self, n: &NamePattern, ja: &[Vec<char>], en: &[Vec<char>], hits: &mut Vec<Hit>) {
        for s in self.compact_matches(&n.core) {
            let e = s + n.core.len();
            if !self.word_bounded(&n.core, s, e) {
                continue;
            }
            // Longest affix directly before.
            let before = ja
                .iter()
                .filter(|a| a.len() <= s && self.compact_has(a, s - a.len()))
                .map(Vec::len)
                .max()
                .unwrap_or(0);
            // Longest affix directly after: Japanese, or English with an optional comma.
            let mut after = ja
                .iter()
                .filter(|a| self.compact_has(a, e))
                .map(Vec::len)
                .max()
                .unwrap_or(0);
            for a in en {
                for comma in [0, 1] {
                    let at = e + comma;
                    if (comma == 0 || self.compact_has(&[','], e))
                        && self.compact_has(a, at)
                        && self.suffix_ends_word(a, at + a.len())
                    {
                        after = after.max(comma + a.len());
                    }
                }
            }
            if n.weak && before == 0 && after == 0 {
                continue;
            }
            hits.push(self.hit(s - before, e + after, MaskKind::Operator));
        }
    }

    /// An English suffix ending in a letter must not run on into a longer word ("Inc" vs
    /// "Incubator").
    fn suffix_ends_word(&self, suffix: &[char], end: usize) -> bool {
        let last_alnum = suffix.last().is_some_and(|c| c.is_ascii_alphanumeric());
        if !last_alnum || end >= self.compact.len() {
            return true;
        }
        let last_unit = self.compact[end - 1];
        last_unit + 1 >= self.units.len() || !self.ch(last_unit + 1).is_ascii_alphanumeric()
    }

    fn find_terms(&self, t: &[char], kind: MaskKind, hits: &mut Vec<Hit>) {
        for s in self.compact_matches(t) {
            let e = s + t.len();
            if self.word_bounded(t, s, e) {
                hits.push(self.hit(s, e, kind));
            }
        }
    }

    /// Japanese phone numbers: domestic (0 + 9 or 10 digits: 03-1234-5678, 090-1234-5678,
    /// 0120-123-456, (03)1234-5678) and international (+81 3 1234 5678), separated by `-`,
    /// spaces, dots or parentheses, in either width.
    fn find_phones(&self, hits: &mut Vec<Hit>) {
        let u = self.units;
        let is_sep = |c: char| matches!(c, '-' | ' ' | '(' | ')' | '.');
        let mut i = 0;
        while i < u.len() {
            let c = u[i].ch;
            let next = u.get(i + 1).map(|x| x.ch);
            let starts = match c {
                '0' => true,
                '+' => next.is_some_and(|n| n.is_ascii_digit()),
                '(' => next == Some('0'),
                _ => false,
            } && (i == 0 || !u[i - 1].ch.is_ascii_alphanumeric());
            if !starts {
                i += 1;
                continue;
            }
            let international = c == '+';
            // Walk digits and separators; remember each point where a digit group ends.
            let mut digits = String::new();
            let mut group_ends: Vec<(usize, usize)> = Vec::new(); // (end unit, digits so far)
            let mut seps_in_row = 0;
            let mut j = if international { i + 1 } else { i };
            while j < u.len() {
                let ch = u[j].ch;
                if ch.is_ascii_digit() {
                    digits.push(ch);
                    seps_in_row = 0;
                    if !u.get(j + 1).is_some_and(|x| x.ch.is_ascii_digit()) {
                        group_ends.push((j + 1, digits.len()));
                    }
                } else if is_sep(ch) && seps_in_row < 2 {
                    seps_in_row += 1;
                } else {
                    break;
                }
                j += 1;
            }
            let valid = |n: usize| {
                if international {
                    digits.starts_with("81") && (11..=13).contains(&n)
                } else {
                    digits.starts_with('0') && (10..=11).contains(&n)
                }
            };
            // Not part of a longer word (a hash, a serial number).
            let word_end = |e: usize| e >= u.len() || !u[e].ch.is_ascii_alphanumeric();
            match group_ends
                .iter()
                .rev()
                .find(|(e, n)| valid(*n) && word_end(*e))
            {
                Some(&(end, _)) => {
                    // 「（03-1234-5678）」: the bracket encloses the number, it is not part of it.
                    let count = |c: char| (i..end).filter(|&k| u[k].ch == c).count();
                    let start = if c == '(' && count('(') > count(')') {
                        i + 1
                    } else {
                        i
                    };
                    hits.push(Hit {
                        span: u[start].start..u[end - 1].end,
                        kind: MaskKind::Phone,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liaison::fixtures::official_fig5_example;
    use crate::liaison::form::TimelineRow;
    use proptest::prelude::*;

    fn minato() -> Identifiers {
        Identifiers {
            operator_names: vec![
                "株式会社ミナト物流".into(),
                "ミナトロジスティクス".into(),
                "Minato Logistics Co., Ltd.".into(),
            ],
            people: vec!["山田 太郎".into()],
            addresses: vec!["東京都港区芝浦1-2-3".into()],
            extra_terms: vec!["MLS-CTRL01".into()],
            domains: vec!["minato-logi.co.jp".into()],
            ..Default::default()
        }
    }

    fn mask(text: &str) -> String {
        Masker::new(&minato()).mask(text).text
    }

    #[test]
    fn operator_name_variants() {
        let cases = [
            (
                "株式会社ミナト物流の倉庫管理システム",
                "【事業者】の倉庫管理システム",
            ),
            ("（株）ミナト物流", "【事業者】"),
            ("(株)ミナト物流", "【事業者】"),
            ("ミナト物流(株)が", "【事業者】が"),
            ("㈱ミナト物流", "【事業者】"),
            ("ミナト物流株式会社", "【事業者】"),
            ("有限会社ミナト物流", "【事業者】"),
            ("ミナト 物流　株式会社は", "【事業者】は"),
            ("ﾐﾅﾄ物流", "【事業者】"),
            ("ﾐﾅﾄﾛｼﾞｽﾃｨｸｽ本社", "【事業者】本社"),
            ("ミナトロシ\u{3099}スティクス", "【事業者】"),
            ("MINATO LOGISTICS社", "【事業者】社"),
            ("Ｍｉｎａｔｏ　Ｌｏｇｉｓｔｉｃｓ", "【事業者】"),
            ("minato logistics, inc. reported", "【事業者】 reported"),
            ("Minato Logistics Co.,Ltd.", "【事業者】"),
            ("Minato Logistics Incubator", "【事業者】 Incubator"),
            ("ミナト運輸", "ミナト運輸"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn electric_power_example() {
        let ids = Identifiers {
            operator_names: vec!["○○電力株式会社".into()],
            ..Default::default()
        };
        let m = Masker::new(&ids)
            .mask("○○電力株式会社の制御系サーバで不審な通信を検知。○○電力は調査中。");
        assert_eq!(
            m.text,
            "【事業者】の制御系サーバで不審な通信を検知。【事業者】は調査中。"
        );
        assert_eq!(m.spans.len(), 2);
        assert_eq!(m.spans[0].original, "○○電力株式会社");
    }

    #[test]
    fn placeholder_names_need_an_affix() {
        let ids = Identifiers {
            operator_names: vec!["○○株式会社".into()],
            ..Default::default()
        };
        let m = Masker::new(&ids);
        assert_eq!(
            m.mask("○○株式会社のHP、○○県警へ通報、○○件").text,
            "【事業者】のHP、○○県警へ通報、○○件"
        );
    }

    #[test]
    fn short_ascii_names_match_whole_words() {
        let ids = Identifiers {
            operator_names: vec!["ANA".into()],
            ..Default::default()
        };
        let m = Masker::new(&ids);
        assert_eq!(
            m.mask("ANAの予約系 banana ANA便").text,
            "【事業者】の予約系 banana 【事業者】便"
        );
    }

    #[test]
    fn phones() {
        let cases = [
            (
                "代表：０３－１２３４－５６７８（平日）",
                "代表：【電話番号】（平日）",
            ),
            ("TEL 03-1234-5678", "TEL 【電話番号】"),
            ("携帯090-1234-5678まで", "携帯【電話番号】まで"),
            ("0120-123-456", "【電話番号】"),
            ("(03)1234-5678", "【電話番号】"),
            ("山田（03-1234-5678）", "山田（【電話番号】）"),
            ("(03) 1234-5678", "【電話番号】"),
            ("（０３）１２３４－５６７８", "【電話番号】"),
            ("+81-3-1234-5678", "【電話番号】"),
            ("+81 90 1234 5678へ", "【電話番号】へ"),
            ("0312345678", "【電話番号】"),
            ("03-1234-5678 12345", "【電話番号】 12345"),
            // Not phone numbers.
            ("2023-08-19 13:15", "2023-08-19 13:15"),
            ("XX/XX 09:00頃", "XX/XX 09:00頃"),
            ("v99.99", "v99.99"),
            ("10.0.0.1", "10.0.0.1"),
            ("03-XXXX-YYYY", "03-XXXX-YYYY"),
            ("0000-0000-0000", "0000-0000-0000"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn own_emails_urls_domains_are_masked_others_kept() {
        let cases = [
            (
                "連絡先 soc@minato-logi.co.jp まで",
                "連絡先 【メールアドレス】 まで",
            ),
            (
                "ｓｏｃ＠ｍｉｎａｔｏ－ｌｏｇｉ．ｃｏ．ｊｐ",
                "【メールアドレス】",
            ),
            ("soc[@]minato-logi[.]co[.]jp", "【メールアドレス】"),
            (
                "詳細はhttps://www.minato-logi.co.jp/newsを参照",
                "詳細は【URL】を参照",
            ),
            ("hxxps://portal.minato-logi[.]co[.]jp/login。", "【URL】。"),
            ("www.minato-logi.co.jp/recruit", "【URL】"),
            ("portal.minato-logi.co.jp が停止", "【ドメイン】 が停止"),
            ("minato-logi[.]co[.]jp が停止", "【ドメイン】 が停止"),
            ("MINATO-LOGI.CO.JP", "【ドメイン】"),
            ("minato-logistics.example.net へ誘導", "【事業者】 へ誘導"),
            ("minato-logi.co.jpx", "minato-logi.co.jpx"),
            ("notminato-logi.co.jp", "notminato-logi.co.jp"),
            ("@ 単独", "@ 単独"),
            // The attacker's indicators stay.
            ("attacker@evil.example.", "attacker@evil.example."),
            (
                "（https://example.com/newsXXXX）",
                "（https://example.com/newsXXXX）",
            ),
            ("hxxps://evil[.]example/x.", "hxxps://evil[.]example/x."),
            ("通信先 evil[.]co[.]jp", "通信先 evil[.]co[.]jp"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn kept_indicators_are_listed_with_their_values() {
        let m = Masker::new(&minato()).mask(
            "送信元 attacker[@]evil[.]example から hxxps://evil[.]example/a.php を踏み、\
             192.0.2[.]5 と通信。検体 MD5:D41D8CD98F00B204E9800998ECF8427E。\
             当社 soc@minato-logi.co.jp が検知。",
        );
        let kept: Vec<(IndicatorKind, &str, &str)> = m
            .kept
            .iter()
            .map(|k| (k.kind, k.original.as_str(), k.value.as_str()))
            .collect();
        assert_eq!(
            kept,
            vec![
                (
                    IndicatorKind::Email,
                    "attacker[@]evil[.]example",
                    "attacker@evil.example"
                ),
                (
                    IndicatorKind::Url,
                    "hxxps://evil[.]example/a.php",
                    "https://evil.example/a.php"
                ),
                (IndicatorKind::Ip, "192.0.2[.]5", "192.0.2.5"),
                (
                    IndicatorKind::Hash,
                    "D41D8CD98F00B204E9800998ECF8427E",
                    "d41d8cd98f00b204e9800998ecf8427e"
                ),
            ]
        );
        assert!(m.text.contains("【メールアドレス】 が検知"), "{}", m.text);
    }

    #[test]
    fn registered_ips_and_ranges_are_masked() {
        let ids = Identifiers {
            ips: vec!["192.0.2.0/24".into(), "2001:db8::/32".into()],
            ..minato()
        };
        let m = Masker::new(&ids).mask(
            "社内 192.0.2[.]15 と 2001:db8::5 から 203.0.113.9 へ。管理画面 http://192.0.2.1/admin",
        );
        assert_eq!(
            m.text,
            "社内 【IPアドレス】 と 【IPアドレス】 から 203.0.113.9 へ。管理画面 【URL】"
        );
        assert_eq!(m.kept.len(), 1);
    }

    #[test]
    fn extra_terms_mask_a_kept_indicator_in_any_writing() {
        let ids = Identifiers {
            extra_terms: vec![
                "https://evil.example/x".into(),
                "attacker@evil.example".into(),
                "evil2.example.jp".into(),
            ],
            ..minato()
        };
        let m = Masker::new(&ids).mask(
            "hxxps://evil[.]example/x と attacker[@]evil[.]example と cdn.evil2[.]example[.]jp",
        );
        assert_eq!(m.text, "【URL】 と 【メールアドレス】 と 【ドメイン】");
        assert!(m.kept.is_empty(), "{:?}", m.kept);
    }

    #[test]
    fn postal_addresses_in_any_writing() {
        let ids = Identifiers {
            addresses: vec!["〒980-0000 青葉市本町2-3-4".into()],
            ..minato()
        };
        let m = Masker::new(&ids);
        let cases = [
            (
                "本社（東京都千代田区丸の内1-1-1）で障害",
                "本社（【住所】）で障害",
            ),
            (
                "〒100-0005 東京都千代田区丸の内一丁目1番1号 東京ビル",
                "【住所】 東京ビル",
            ),
            ("所在地：東京都港区芝浦１－２－３", "所在地：【住所】"),
            ("港区芝浦一丁目2番3号の倉庫", "【住所】の倉庫"),
            ("青葉市本町２丁目３番４号の本社", "【住所】の本社"),
            ("東京都内の拠点で", "東京都内の拠点で"),
        ];
        for (text, want) in cases {
            assert_eq!(m.mask(text).text, want, "{text}");
        }
    }

    #[test]
    fn invisible_characters_and_widths_do_not_hide_an_identifier() {
        let ids = Identifiers {
            operator_names: vec!["東都電力".into()],
            ..minato()
        };
        let m = Masker::new(&ids);
        let cases = [
            ("東\u{200D}都電力の制御系", "【事業者】の制御系"),
            ("\u{202E}東都電力\u{202C}が", "\u{202E}【事業者】\u{202C}が"),
            ("山田\u{200B}太郎が確認", "【人名】が確認"),
            ("ＴＥＬ：０３ー１２３４ー５６７８", "ＴＥＬ：【電話番号】"),
            ("ｍｉｎａｔｏ－ｌｏｇｉ［．］ｃｏ［．］ｊｐ", "【ドメイン】"),
        ];
        for (text, want) in cases {
            assert_eq!(m.mask(text).text, want, "{text:?}");
        }
    }

    #[test]
    fn extra_terms() {
        let cases = [
            ("担当の山田太郎が確認", "担当の【人名】が確認"),
            ("担当：山田　太郎", "担当：【人名】"),
            ("太郎 山田より", "【人名】より"),
            ("mls-ctrl01 で検知", "【非公開】 で検知"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn overlapping_finds_merge() {
        // The domain inside the address and the URL: one span each, labelled by the longest.
        let m = Masker::new(&minato())
            .mask("ミナト物流 info@minato-logi.co.jp https://minato-logi.co.jp/");
        assert_eq!(m.text, "【事業者】 【メールアドレス】 【URL】");
        let kinds: Vec<_> = m.spans.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![MaskKind::Operator, MaskKind::Email, MaskKind::Url]
        );
    }

    #[test]
    fn anonymises_the_form_and_previews_field_by_field() {
        let mut f = official_fig5_example();
        f.operator_name = "株式会社ミナト物流".into();
        f.summary.description =
            "ミナト物流の会員サイト（https://www.minato-logi.co.jp/member）が改竄された。".into();
        f.timeline.push(TimelineRow {
            at: "8/19 04:00".into(),
            event: "（株）ミナト物流 情報システム部 山田太郎（03-1234-5678）より連絡".into(),
        });
        f.lessons = "MINATO LOGISTICSとしての教訓".into();
        f.tlp_notes = "ミナト物流の名前は伏せること".into();
        f.supplementary = "問合せ先 soc@minato-logi.co.jp".into();
        let a = anonymise(&f, &minato());

        assert_eq!(a.form.operator_name, ANONYMISED_OPERATOR_NAME);
        assert_eq!(a.form.sender, f.sender, "sender untouched");
        assert_eq!(a.form.summary.discovered_at, f.summary.discovered_at);
        assert_eq!(
            a.form.summary.description,
            "【事業者】の会員サイト（【URL】）が改竄された。"
        );
        let last = a.form.timeline.last().expect("row");
        assert_eq!(
            last.event,
            "【事業者】 情報システム部 【人名】（【電話番号】）より連絡"
        );
        assert_eq!(last.at, "8/19 04:00");
        assert_eq!(a.form.lessons, "【事業者】としての教訓");
        assert_eq!(a.form.tlp_notes, "【事業者】の名前は伏せること");
        assert_eq!(a.form.supplementary, "問合せ先 【メールアドレス】");

        let first = &a.maskings[0];
        assert_eq!(
            (first.field, first.kind),
            ("operator_name", MaskKind::Operator)
        );
        assert_eq!(first.original, "株式会社ミナト物流");
        let row: Vec<_> = a
            .maskings
            .iter()
            .filter(|m| m.field == "timeline.event" && m.row == Some(3))
            .map(|m| (m.kind, m.original.as_str(), m.replacement.as_str()))
            .collect();
        assert_eq!(
            row,
            vec![
                (MaskKind::Operator, "（株）ミナト物流", "【事業者】"),
                (MaskKind::Person, "山田太郎", "【人名】"),
                (MaskKind::Phone, "03-1234-5678", "【電話番号】"),
            ]
        );
        // Fields in form order.
        let fields: Vec<_> = a.maskings.iter().map(|m| m.field).collect();
        let pos = |f: &str| fields.iter().position(|x| *x == f).expect("field");
        assert!(pos("tlp_notes") < pos("summary.description"));
        assert!(pos("summary.description") < pos("timeline.event"));
        assert!(pos("timeline.event") < pos("lessons"));
    }

    #[test]
    fn official_example_masks_the_operator_and_keeps_unregistered_urls() {
        let a = anonymise(&official_fig5_example(), &Identifiers::default());
        let f = &a.form;
        assert_eq!(f.summary.description.matches("【事業者】").count(), 1);
        // example.com is not registered as the operator's: kept, and listed with a way to mask it.
        assert!(f
            .summary
            .affected_system
            .starts_with("会社情報管理サービス（https://example.com/top.php）"));
        assert!(a.kept.iter().any(|k| k.field == "summary.affected_system"
            && k.kind == IndicatorKind::Url
            && k.value == "https://example.com/top.php"));
        assert!(f.external.press_detail.contains("【事業者】のトップページ"));
        assert_eq!(f.external.other_contacts, "XX/XX 10:00頃　○○県警へ通報");
        assert!(f.supplementary.contains("○○件の個人情報流出"));
        assert!(f.timeline[0].event.contains("外部より【事業者】のHP"));
        assert!(!serde_json::to_string(f)
            .unwrap_or_default()
            .contains("○○株式会社"));
        // Registering the domain masks it.
        let ids = Identifiers {
            domains: vec!["example.com".into()],
            ..Default::default()
        };
        let b = anonymise(&official_fig5_example(), &ids);
        assert!(b
            .form
            .summary
            .affected_system
            .starts_with("会社情報管理サービス（【URL】）"));
        assert!(b.kept.iter().all(|k| !k.value.contains("example.com")));
    }

    #[test]
    fn idempotent() {
        let a = anonymise(&official_fig5_example(), &minato());
        let b = anonymise(&a.form, &minato());
        assert_eq!(a.form, b.form);
        assert!(b.maskings.is_empty(), "{:?}", b.maskings);
    }

    // --- property: no variant of the name survives --------------------------------------------

    /// The display forms of the operator's names, as people write them.
    const DISPLAY: [&str; 3] = ["ミナト物流", "ミナトロジスティクス", "Minato Logistics"];
    const AFFIXES: [(&str, bool); 9] = [
        ("", false),
        ("株式会社", true),
        ("株式会社", false),
        ("（株）", true),
        ("(株)", false),
        ("㈱", true),
        ("有限会社", false),
        (" Co., Ltd.", false),
        (", Inc.", false),
    ];

    /// Half-width katakana U+FF66..=U+FF9D, in order, as full-width.
    const HALF_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    const VOICEABLE: &str = "カキクケコサシスセソタチツテトハヒフヘホ";
    const SEMI_VOICEABLE: &str = "ハヒフヘホ";

    fn voiced(c: char) -> Option<char> {
        match c {
            'ウ' => Some('ヴ'),
            c if VOICEABLE.contains(c) => char::from_u32(c as u32 + 1),
            _ => None,
        }
    }

    fn semi_voiced(c: char) -> Option<char> {
        SEMI_VOICEABLE
            .contains(c)
            .then(|| char::from_u32(c as u32 + 2))
            .flatten()
    }

    /// Full-width katakana to half-width (voiced kana become two characters).
    fn to_half_kana(c: char) -> String {
        if let Some(i) = HALF_KANA.chars().position(|k| k == c) {
            return char::from_u32(0xFF66 + i as u32)
                .map(String::from)
                .unwrap_or_default();
        }
        for base in VOICEABLE.chars().chain(['ウ']) {
            if voiced(base) == Some(c) {
                return to_half_kana(base) + "\u{FF9E}";
            }
            if semi_voiced(base) == Some(c) {
                return to_half_kana(base) + "\u{FF9F}";
            }
        }
        c.to_string()
    }

    fn to_full_ascii(c: char) -> char {
        match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        }
    }

    #[derive(Debug, Clone)]
    struct Variant {
        name: usize,
        affix: usize,
        width: bool,
        case_bits: u64,
        spaces: Vec<(usize, bool)>,
    }

    fn variant() -> impl Strategy<Value = Variant> {
        (
            0..DISPLAY.len(),
            0..AFFIXES.len(),
            any::<bool>(),
            any::<u64>(),
            proptest::collection::vec((0..20usize, any::<bool>()), 0..3),
        )
            .prop_map(|(name, affix, width, case_bits, spaces)| Variant {
                name,
                affix,
                width,
                case_bits,
                spaces,
            })
    }

    fn render(v: &Variant) -> String {
        let mut chars: Vec<String> = DISPLAY[v.name]
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let c = if v.case_bits >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                match (v.width, c.is_ascii()) {
                    (true, true) => to_full_ascii(c).to_string(),
                    (true, false) => to_half_kana(c),
                    _ => c.to_string(),
                }
            })
            .collect();
        for (pos, wide) in &v.spaces {
            let at = 1 + pos % (chars.len() - 1);
            chars.insert(at, if *wide { "\u{3000}" } else { " " }.to_owned());
        }
        let name: String = chars.concat();
        let (affix, before) = AFFIXES[v.affix];
        if before {
            format!("{affix}{name}")
        } else {
            format!("{name}{affix}")
        }
    }

    fn filler() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "[の制御系サーバで障害が発生。、ミナト物流株式会社abcXYZ0-9（） ]{0,12}",
        )
        .expect("valid regex")
    }

    proptest! {
        #[test]
        fn no_variant_of_the_name_survives(
            parts in proptest::collection::vec((filler(), variant()), 1..5),
            tail in filler(),
        ) {
            let mut text = String::new();
            let mut rendered = Vec::new();
            for (fill, v) in &parts {
                text.push_str(fill);
                let r = render(v);
                text.push_str(&r);
                rendered.push(r);
            }
            text.push_str(&tail);

            let mut form = LiaisonForm {
                operator_name: "株式会社ミナト物流".into(),
                ..LiaisonForm::default()
            };
            form.summary.description = text.clone();
            form.lessons = text.clone();
            form.timeline.push(TimelineRow { at: "8/19".into(), event: text.clone() });
            let ids = Identifiers {
                operator_names: vec![
                    "ミナトロジスティクス".into(),
                    "Minato Logistics Co., Ltd.".into(),
                ],
                ..Default::default()
            };
            let a = anonymise(&form, &ids);
            let cores: Vec<Vec<char>> =
                ["ミナト物流", "ミナトロジスティクス", "minatologistics"].iter().map(|c| normal::key(c)).collect();
            for out in [&a.form.summary.description, &a.form.lessons, &a.form.timeline[0].event] {
                let k = normal::key(out);
                for core in &cores {
                    prop_assert!(
                        !k.windows(core.len()).any(|w| w == core.as_slice()),
                        "{:?} survives in {:?} (from {:?})", core, out, text
                    );
                }
                for r in &rendered {
                    prop_assert!(!out.contains(r.as_str()), "{:?} survives in {:?}", r, out);
                }
                prop_assert!(out.contains("【事業者】"));
            }
        }
    }

    // --- properties: disguises never hide the reporter; the attacker is never masked ---------

    const INVISIBLE: [char; 11] = [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{202E}', '\u{202D}',
        '\u{2066}', '\u{2069}', '\u{200E}', '\u{00AD}',
    ];
    const DOTS: [&str; 6] = [".", "[.]", "(.)", "[dot]", "{.}", "．"];
    const ATS: [&str; 5] = ["@", "[@]", "(at)", "[at]", "＠"];

    /// One of the reporter's registered identifiers, as registered: (text, what the masked
    /// output's normalised form must no longer contain).
    fn registered() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            Just(("ミナト物流".to_owned(), "ミナト物流".to_owned())),
            Just(("山田太郎".to_owned(), "山田太郎".to_owned())),
            Just((
                "portal.minato-logi.co.jp".to_owned(),
                "minato-logi".to_owned()
            )),
            Just(("soc@minato-logi.co.jp".to_owned(), "minato-logi".to_owned())),
            Just((
                "https://minato-logi.co.jp/login".to_owned(),
                "minato-logi".to_owned()
            )),
            Just(("03-1234-5678".to_owned(), "1234".to_owned())),
            Just(("192.0.2.33".to_owned(), "192.0.2.33".to_owned())),
            Just(("東京都港区芝浦1-2-3".to_owned(), "芝浦".to_owned())),
        ]
    }

    /// Defangs, widens and sprinkles invisible characters over a registered identifier.
    fn disguise(
        text: &str,
        dots: &[usize],
        at: usize,
        width: bool,
        invisible: &[(usize, usize)],
    ) -> String {
        let mut out = String::new();
        let mut d = 0;
        for c in text.chars() {
            match c {
                '.' => {
                    out.push_str(DOTS[dots[d % dots.len()] % DOTS.len()]);
                    d += 1;
                }
                '@' => out.push_str(ATS[at % ATS.len()]),
                c if width && c.is_ascii_graphic() => out.push(to_full_ascii(c)),
                c => out.push(c),
            }
        }
        if let Some(rest) = out.strip_prefix("https://") {
            out = format!("hxxps://{rest}");
        }
        let mut chars: Vec<char> = out.chars().collect();
        for (pos, which) in invisible {
            let at = pos % (chars.len() + 1);
            chars.insert(at, INVISIBLE[which % INVISIBLE.len()]);
        }
        chars.into_iter().collect()
    }

    fn jp_filler() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[の制御系サーバで障害が発生。、（）：]{0,8}")
            .expect("regex")
    }

    /// An attacker's indicator: never on the reporter's domains or in its range.
    fn attacker() -> impl Strategy<Value = (IndicatorKind, String)> {
        let label = "[a-z][a-z0-9]{1,7}";
        let tld = proptest::sample::select(&["com", "net", "ru", "example", "top"][..]);
        let domain = (proptest::collection::vec(label, 1..3), tld)
            .prop_map(|(l, t)| format!("{}.{t}", l.join(".")));
        prop_oneof![
            domain
                .clone()
                .prop_map(|d| (IndicatorKind::Url, format!("https://{d}/login"))),
            (label, domain.clone()).prop_map(|(l, d)| (IndicatorKind::Email, format!("{l}@{d}"))),
            (1u8..=223, any::<u8>(), any::<u8>(), 1u8..=254)
                .prop_filter("outside 192.0.2.0/24", |(a, b, _, _)| !(*a == 192
                    && *b == 0))
                .prop_map(|(a, b, c, d)| (IndicatorKind::Ip, format!("{a}.{b}.{c}.{d}"))),
            "[0-9a-f]{64}".prop_map(|h| (IndicatorKind::Hash, h)),
        ]
    }

    proptest! {
        #[test]
        fn no_disguise_hides_a_registered_identifier(
            (text, core) in registered(),
            dots in proptest::collection::vec(0usize..6, 1..4),
            at in 0usize..5,
            width in any::<bool>(),
            invisible in proptest::collection::vec((0usize..40, 0usize..11), 0..4),
            before in jp_filler(),
            after in jp_filler(),
        ) {
            let disguised = disguise(&text, &dots, at, width, &invisible);
            let whole = format!("{before}：{disguised}：{after}");
            let ids = Identifiers { ips: vec!["192.0.2.0/24".into()], ..minato() };
            let m = Masker::new(&ids).mask(&whole);
            let out = normal::key(&m.text).into_iter().collect::<String>();
            prop_assert!(!out.contains(&core), "{:?} survives in {:?} (from {:?})", core, m.text, whole);
            prop_assert!(m.text.contains('【'), "{:?}", m.text);
            prop_assert!(m.text.starts_with(&before), "text before the find is untouched");
            prop_assert!(m.kept.is_empty(), "{:?}", m.kept);
        }

        #[test]
        fn the_attackers_indicators_are_never_masked(
            (kind, value) in attacker(),
            defang in any::<bool>(),
            before in jp_filler(),
        ) {
            let written = if defang { crate::provision::defang::defang(kind, &value) } else { value.clone() };
            let whole = format!("{before}ミナト物流のサーバが {written} と通信。担当 山田太郎（03-1234-5678）。");
            let ids = Identifiers { ips: vec!["192.0.2.0/24".into()], ..minato() };
            let m = Masker::new(&ids).mask(&whole);
            prop_assert!(m.text.contains(&written), "{:?} was masked: {:?}", written, m.text);
            prop_assert!(
                m.kept.iter().any(|k| k.kind == kind && k.value == value && k.original == written),
                "{:?} not listed as kept: {:?}", value, m.kept
            );
            // The reporter is masked in the same text (the kept indicator may itself hold the
            // phone number's digits, as https://a1234.com/ does).
            let rest = m.text.replacen(&written, "", 1);
            prop_assert!(!rest.contains("ミナト物流") && !rest.contains("山田太郎") && !rest.contains("1234"), "{:?}", m.text);
        }
    }
}
