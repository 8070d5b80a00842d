//! 匿名化 — the CEPTOAR secretariat (セプター事務局) anonymises an operator's report before
//! forwarding it to the ministry (情報連絡元の匿名化等を行った上で).
//!
//! The point of the CEPTOAR route is that the operator cannot be identified, so the masking errs
//! on the side of masking too much. Every masked span is replaced by a label in lenticular
//! brackets 【…】 (see [`MaskKind::label`]), which never occurs in a name and so cannot be
//! mistaken for original text; ④ becomes [`ANONYMISED_OPERATOR_NAME`]. The sender block is left
//! alone: the app replaces it with the CEPTOAR's own.
//!
//! Matching ignores full-/half-width differences (ＡＢＣ, ｱｲｳ), ASCII case and white space inside
//! a name, and swallows legal-form affixes (株式会社, （株）, ㈱, 有限会社, Co., Ltd. …) on either
//! side of the name.

use super::form::LiaisonForm;
use serde::{Deserialize, Serialize};

/// What identifies the operator, as the CEPTOAR secretariat knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Identifiers {
    /// The legal name and known variants (略称, English name …). Legal-form affixes are
    /// optional: 「株式会社ミナト物流」 also masks 「ミナト物流」 and 「ミナト物流（株）」.
    pub operator_names: Vec<String>,
    /// People, systems, addresses … the CEPTOAR adds; masked wherever they occur.
    pub extra_terms: Vec<String>,
    /// The operator's domains; subdomains are masked too (`minato-logi.co.jp` also masks
    /// `portal.minato-logi.co.jp`).
    pub domains: Vec<String>,
}

/// Why a span was masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// The operator's name or a variant.
    Operator,
    /// An extra term the CEPTOAR listed.
    Term,
    Email,
    Phone,
    Url,
    /// One of the operator's domains or a subdomain, outside a URL or address.
    Domain,
}

impl MaskKind {
    /// The text that replaces a masked span.
    pub fn label(self) -> &'static str {
        match self {
            MaskKind::Operator => "【事業者】",
            MaskKind::Term => "【非公開】",
            MaskKind::Email => "【メールアドレス】",
            MaskKind::Phone => "【電話番号】",
            MaskKind::Url => "【URL】",
            MaskKind::Domain => "【ドメイン】",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            MaskKind::Operator => "operator",
            MaskKind::Term => "term",
            MaskKind::Email => "email",
            MaskKind::Phone => "phone",
            MaskKind::Url => "url",
            MaskKind::Domain => "domain",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            MaskKind::Operator => "operator name",
            MaskKind::Term => "withheld term",
            MaskKind::Email => "e-mail address",
            MaskKind::Phone => "phone number",
            MaskKind::Url => "URL",
            MaskKind::Domain => "domain",
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

/// The anonymised copy and what was masked, field by field in form order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anonymised {
    pub form: LiaisonForm,
    pub maskings: Vec<Masking>,
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
    }
}

/// A span [`Masker::mask`] replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedSpan {
    pub kind: MaskKind,
    pub original: String,
}

/// Text after masking, with the spans that were replaced, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedText {
    pub text: String,
    pub spans: Vec<MaskedSpan>,
}

/// The compiled identifiers; reusable for any text (e.g. an attachment's title).
#[derive(Debug, Clone)]
pub struct Masker {
    names: Vec<NamePattern>,
    terms: Vec<Vec<char>>,
    domains: Vec<Vec<char>>,
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

/// Legal-form affixes that may stand before or after a Japanese name (normalised keys).
const JA_AFFIXES: &[&str] = &[
    "株式会社",
    "(株)",
    "㈱",
    "㍿",
    "有限会社",
    "(有)",
    "㈲",
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

impl Masker {
    pub fn new(ids: &Identifiers) -> Self {
        let ja_affixes = keys(JA_AFFIXES);
        let en_suffixes = keys(EN_SUFFIXES);
        let mut names: Vec<NamePattern> = Vec::new();
        for name in &ids.operator_names {
            let core = strip_affixes(key(name), &ja_affixes, &en_suffixes);
            if core.is_empty() || names.iter().any(|n| n.core == core) {
                continue;
            }
            let weak = core.iter().all(|c| PLACEHOLDER_CHARS.contains(*c));
            names.push(NamePattern { core, weak });
        }
        let mut terms: Vec<Vec<char>> = Vec::new();
        for t in &ids.extra_terms {
            let k = key(t);
            if !k.is_empty() && !terms.contains(&k) {
                terms.push(k);
            }
        }
        let mut domains: Vec<Vec<char>> = Vec::new();
        for d in &ids.domains {
            let k = domain_key(d);
            if !k.is_empty() && !domains.contains(&k) {
                domains.push(k);
            }
        }
        Masker {
            names,
            terms,
            domains,
            ja_affixes,
            en_suffixes,
        }
    }

    /// Masks `text`: the operator's names, extra terms, e-mail addresses, phone numbers, URLs
    /// and the operator's domains. Overlapping finds are merged into one masked span labelled
    /// by the longest find.
    pub fn mask(&self, text: &str) -> MaskedText {
        let units = normalise(text);
        let compact: Vec<usize> = (0..units.len()).filter(|&i| !units[i].space).collect();
        let s = Stream {
            units: &units,
            compact: &compact,
        };

        let mut hits: Vec<Hit> = Vec::new();
        for n in &self.names {
            s.find_names(n, &self.ja_affixes, &self.en_suffixes, &mut hits);
        }
        for t in &self.terms {
            s.find_terms(t, &mut hits);
        }
        s.find_emails(&mut hits);
        s.find_urls(&mut hits);
        for d in &self.domains {
            s.find_domain(d, &mut hits);
        }
        s.find_phones(&mut hits);

        let merged = merge(hits);
        let mut out = String::with_capacity(text.len());
        let mut spans = Vec::with_capacity(merged.len());
        let mut pos = 0;
        for h in merged {
            out.push_str(&text[pos..h.start]);
            out.push_str(h.kind.label());
            spans.push(MaskedSpan {
                kind: h.kind,
                original: text[h.start..h.end].to_owned(),
            });
            pos = h.end;
        }
        out.push_str(&text[pos..]);
        MaskedText { text: out, spans }
    }
}

/// A find, as a byte range of the original text.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    kind: MaskKind,
}

/// Unions overlapping finds; each union takes the kind of its longest member.
fn merge(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out: Vec<(Hit, usize)> = Vec::new(); // (union, length of the longest member)
    for h in hits {
        let len = h.end - h.start;
        match out.last_mut() {
            Some((u, longest)) if h.start < u.end => {
                u.end = u.end.max(h.end);
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

/// One character of the normalised text and the byte range of the original it came from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    ch: char,
    start: usize,
    end: usize,
    space: bool,
}

/// Half-width katakana U+FF66..=U+FF9D, in order, as full-width.
const HALF_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
const VOICEABLE: &str =
    "カキクケコサシスセソタチツテトハヒフヘホかきくけこさしすせそたちつてとはひふへほ";
const SEMI_VOICEABLE: &str = "ハヒフヘホはひふへほ";

fn voiced(c: char) -> Option<char> {
    match c {
        'ウ' => Some('ヴ'),
        'う' => Some('ゔ'),
        c if VOICEABLE.contains(c) => char::from_u32(c as u32 + 1),
        _ => None,
    }
}

fn semi_voiced(c: char) -> Option<char> {
    if SEMI_VOICEABLE.contains(c) {
        char::from_u32(c as u32 + 2)
    } else {
        None
    }
}

/// Folds one character: full-width ASCII to ASCII, half-width katakana to full-width, dashes to
/// `-`, ASCII to lower case.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF66}'..='\u{FF9D}' => HALF_KANA
            .chars()
            .nth((c as u32 - 0xFF66) as usize)
            .unwrap_or(c),
        '\u{FF61}' => '。',
        '\u{FF62}' => '「',
        '\u{FF63}' => '」',
        '\u{FF64}' => '、',
        '\u{FF65}' => '・',
        '\u{FF9E}' => '゛',
        '\u{FF9F}' => '゜',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Normalises text for matching, keeping track of where each character came from. A kana
/// followed by a (half-width or combining) sound mark becomes one voiced kana.
fn normalise(text: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::with_capacity(text.len());
    for (i, raw) in text.char_indices() {
        let end = i + raw.len_utf8();
        if raw.is_whitespace() {
            units.push(Unit {
                ch: ' ',
                start: i,
                end,
                space: true,
            });
            continue;
        }
        let ch = fold(raw);
        let composed = match (units.last(), ch) {
            (Some(prev), '゛' | '\u{3099}') if !prev.space => voiced(prev.ch),
            (Some(prev), '゜' | '\u{309A}') if !prev.space => semi_voiced(prev.ch),
            _ => None,
        };
        match (composed, units.last_mut()) {
            (Some(v), Some(prev)) => {
                prev.ch = v;
                prev.end = end;
            }
            _ => units.push(Unit {
                ch,
                start: i,
                end,
                space: false,
            }),
        }
    }
    units
}

/// The matching key of a name or term: normalised, without white space.
fn key(s: &str) -> Vec<char> {
    normalise(s)
        .into_iter()
        .filter(|u| !u.space)
        .map(|u| u.ch)
        .collect()
}

fn keys(list: &[&str]) -> Vec<Vec<char>> {
    list.iter().map(|a| key(a)).collect()
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

/// The key of a domain as the CEPTOAR might type it (`https://www.example.co.jp/`, `*.example.jp`).
fn domain_key(d: &str) -> Vec<char> {
    let k: String = key(d).into_iter().collect();
    let k = k.split_once("://").map_or(k.as_str(), |(_, rest)| rest);
    let k = k.split('/').next().unwrap_or("");
    let k = k.rsplit('@').next().unwrap_or("");
    let k = k
        .trim_start_matches("*.")
        .trim_start_matches("www.")
        .trim_matches('.');
    k.chars().collect()
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c)
}

struct Stream<'a> {
    units: &'a [Unit],
    /// Indices of the non-space units: names and terms match across white space.
    compact: &'a [usize],
}

impl Stream<'_> {
    fn ch(&self, i: usize) -> char {
        self.units[i].ch
    }

    /// Compact positions where `pat` starts.
    fn compact_matches<'p>(&'p self, pat: &'p [char]) -> impl Iterator<Item = usize> + 'p {
        let n = self.compact.len();
        (0..(n + 1).saturating_sub(pat.len())).filter(move |&s| {
            pat.iter()
                .enumerate()
                .all(|(k, c)| self.ch(self.compact[s + k]) == *c)
        })
    }

    /// The byte range covering compact positions `[a, b)`.
    fn hit(&self, a: usize, b: usize, kind: MaskKind) -> Hit {
        Hit {
            start: self.units[self.compact[a]].start,
            end: self.units[self.compact[b - 1]].end,
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

    fn find_terms(&self, t: &[char], hits: &mut Vec<Hit>) {
        for s in self.compact_matches(t) {
            let e = s + t.len();
            if self.word_bounded(t, s, e) {
                hits.push(self.hit(s, e, MaskKind::Term));
            }
        }
    }

    fn find_emails(&self, hits: &mut Vec<Hit>) {
        let u = self.units;
        let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        let is_domain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
        for at in (0..u.len()).filter(|&i| u[i].ch == '@') {
            let mut a = at;
            while a > 0 && is_local(u[a - 1].ch) {
                a -= 1;
            }
            while a < at && u[a].ch == '.' {
                a += 1;
            }
            let mut b = at + 1;
            while b < u.len() && is_domain(u[b].ch) {
                b += 1;
            }
            while b > at + 1 && matches!(u[b - 1].ch, '.' | '-') {
                b -= 1;
            }
            let domain_has_dot = (at + 1..b).any(|i| u[i].ch == '.');
            if a < at && domain_has_dot {
                hits.push(Hit {
                    start: u[a].start,
                    end: u[b - 1].end,
                    kind: MaskKind::Email,
                });
            }
        }
    }

    fn find_urls(&self, hits: &mut Vec<Hit>) {
        let u = self.units;
        let schemes: Vec<Vec<char>> = [
            "https://", "http://", "hxxps://", "hxxp://", "ftp://", "www.",
        ]
        .iter()
        .map(|s| s.chars().collect())
        .collect();
        let mut i = 0;
        while i < u.len() {
            let scheme = schemes.iter().find(|s| {
                i + s.len() <= u.len()
                    && s.iter().enumerate().all(|(k, c)| u[i + k].ch == *c)
                    && (i == 0 || !(is_label_char(u[i - 1].ch) || u[i - 1].ch == '.'))
            });
            let Some(scheme) = scheme else {
                i += 1;
                continue;
            };
            let mut b = i + scheme.len();
            while b < u.len() && is_url_char(u[b].ch) {
                b += 1;
            }
            // Trailing punctuation belongs to the sentence, an unmatched bracket to the text.
            while let Some(last) = (b > i + scheme.len()).then(|| u[b - 1].ch) {
                let count = |c: char| (i..b).filter(|&k| u[k].ch == c).count();
                let trim = ".,;:!?'".contains(last)
                    || (last == ')' && count(')') > count('('))
                    || (last == ']' && count(']') > count('['));
                if !trim {
                    break;
                }
                b -= 1;
            }
            if b > i + scheme.len() {
                hits.push(Hit {
                    start: u[i].start,
                    end: u[b - 1].end,
                    kind: MaskKind::Url,
                });
                i = b;
            } else {
                i += 1;
            }
        }
    }

    fn find_domain(&self, d: &[char], hits: &mut Vec<Hit>) {
        let u = self.units;
        if d.is_empty() || d.len() > u.len() {
            return;
        }
        for i in 0..=u.len() - d.len() {
            if !d.iter().enumerate().all(|(k, c)| u[i + k].ch == *c) {
                continue;
            }
            let j = i + d.len();
            if j < u.len() && is_label_char(u[j].ch) {
                continue;
            }
            let mut a = i;
            if a > 0 {
                let p = u[a - 1].ch;
                if is_label_char(p) {
                    continue;
                }
                if p == '.' {
                    while a > 0 && (is_label_char(u[a - 1].ch) || u[a - 1].ch == '.') {
                        a -= 1;
                    }
                }
            }
            hits.push(Hit {
                start: u[a].start,
                end: u[j - 1].end,
                kind: MaskKind::Domain,
            });
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
            } && (i == 0 || !u[i - 1].ch.is_ascii_digit());
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
            match group_ends.iter().rev().find(|(_, n)| valid(*n)) {
                Some(&(end, _)) => {
                    // 「（03-1234-5678）」: the bracket encloses the number, it is not part of it.
                    let count = |c: char| (i..end).filter(|&k| u[k].ch == c).count();
                    let start = if c == '(' && count('(') > count(')') {
                        i + 1
                    } else {
                        i
                    };
                    hits.push(Hit {
                        start: u[start].start,
                        end: u[end - 1].end,
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
            extra_terms: vec![
                "山田 太郎".into(),
                "MLS-CTRL01".into(),
                "東京都港区芝浦1-2-3".into(),
            ],
            domains: vec!["minato-logi.co.jp".into()],
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
    fn emails_urls_domains() {
        let cases = [
            (
                "連絡先 soc@minato-logi.co.jp まで",
                "連絡先 【メールアドレス】 まで",
            ),
            (
                "ｓｏｃ＠ｍｉｎａｔｏ－ｌｏｇｉ．ｃｏ．ｊｐ",
                "【メールアドレス】",
            ),
            ("attacker@evil.example.", "【メールアドレス】."),
            (
                "詳細はhttps://www.minato-logi.co.jp/newsを参照",
                "詳細は【URL】を参照",
            ),
            ("（https://example.com/newsXXXX）", "（【URL】）"),
            ("(https://example.com/a_(b))", "(【URL】)"),
            ("hxxps://evil[.]example/x.", "【URL】."),
            ("www.minato-logi.co.jp/recruit", "【URL】"),
            ("portal.minato-logi.co.jp が停止", "【ドメイン】 が停止"),
            ("MINATO-LOGI.CO.JP", "【ドメイン】"),
            ("minato-logi.co.jpx", "minato-logi.co.jpx"),
            ("notminato-logi.co.jp", "notminato-logi.co.jp"),
            ("@ 単独", "@ 単独"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn extra_terms() {
        let cases = [
            ("担当の山田太郎が確認", "担当の【非公開】が確認"),
            ("担当：山田　太郎", "担当：【非公開】"),
            ("mls-ctrl01 で検知", "【非公開】 で検知"),
            ("所在地：東京都港区芝浦１－２－３", "所在地：【非公開】"),
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
            "【事業者】 情報システム部 【非公開】（【電話番号】）より連絡"
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
                (MaskKind::Term, "山田太郎", "【非公開】"),
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
    fn official_example_masks_operator_and_urls_only() {
        let a = anonymise(&official_fig5_example(), &Identifiers::default());
        let f = &a.form;
        assert_eq!(f.summary.description.matches("【事業者】").count(), 1);
        assert!(f
            .summary
            .affected_system
            .starts_with("会社情報管理サービス（【URL】）"));
        assert!(f.external.press_detail.contains("【事業者】のトップページ"));
        assert!(f.external.press_detail.contains("（【URL】）"));
        assert_eq!(f.external.other_contacts, "XX/XX 10:00頃　○○県警へ通報");
        assert!(f.supplementary.contains("○○件の個人情報流出"));
        assert!(f.timeline[0].event.contains("外部より【事業者】のHP"));
        assert!(!serde_json::to_string(f)
            .unwrap_or_default()
            .contains("○○株式会社"));
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
                ["ミナト物流", "ミナトロジスティクス", "minatologistics"].iter().map(|c| key(c)).collect();
            for out in [&a.form.summary.description, &a.form.lessons, &a.form.timeline[0].event] {
                let k = key(out);
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
}
