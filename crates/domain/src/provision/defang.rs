//! Indicators (指標, IoC): syntax, canonical form, defanging (無害化表記) for display, refanging of
//! typed values, and extraction from free text.
//!
//! - [`defang`]: `http://example.co.jp/top.html` → `hxxp://example[.]co[.]jp/top[.]html`,
//!   `192.0.2.1` → `192.0.2[.]1`, `a@b.jp` → `a[@]b[.]jp`, `2001:db8::1` → `2001[:]db8[:][:]1`.
//! - [`refang`]: accepts `[.]`, `(.)`, `{.}`, `[dot]`, `[@]`, `(@)`, `[at]`, `[:]`, `[://]`,
//!   `hxxp`, `hxxps`, `fxp` and full-width characters.
//! - [`extract_indicators`]: URLs, e-mail addresses, IPv4/IPv6 addresses, hashes and domains in
//!   free text, defanged or not (the official 図８ writes `http://example.co.jp/top(.)html`).

use super::form::{Indicator, IndicatorKind, IndicatorOrigin, ProvisionForm};
use crate::liaison::validate::is_email;
use crate::text::normal::{self, is_label_char, Unit};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

// ---- syntax -----------------------------------------------------------------------------------

/// Hash algorithm of a hex digest, by length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HashAlgorithm {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

/// The algorithm a hex digest belongs to (MD5 32, SHA-1 40, SHA-256 64, SHA-512 128 hex digits).
pub fn hash_algorithm(s: &str) -> Option<HashAlgorithm> {
    if !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match s.len() {
        32 => Some(HashAlgorithm::Md5),
        40 => Some(HashAlgorithm::Sha1),
        64 => Some(HashAlgorithm::Sha256),
        128 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

/// An IPv4 or IPv6 address, optionally with a CIDR prefix (`192.0.2.0/24`).
pub fn is_ip(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let max = match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => 32,
        Ok(IpAddr::V6(_)) => 128,
        Err(_) => return false,
    };
    match prefix {
        None => true,
        Some(p) => {
            !p.is_empty()
                && p.len() <= 3
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= max)
        }
    }
}

/// A host name of at least two labels (letters — including non-ASCII for IDN —, digits,
/// hyphens), ending in an alphabetic top-level label or a punycode one (`xn--`).
pub fn is_domain(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && ((tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
            || tld.to_ascii_lowercase().starts_with("xn--"))
}

/// An `http`, `https` or `ftp` URL whose host is a domain, an IPv4 address or a bracketed IPv6
/// address, with an optional port; no white space.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    if !matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp"
    ) || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = if let Some(v6) = hostport.strip_prefix('[') {
        match v6.split_once(']') {
            Some((addr, after)) => (
                addr.parse::<Ipv6Addr>().is_ok(),
                match after.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if after.is_empty() => None,
                    None => return false,
                },
            ),
            None => return false,
        }
    } else {
        let (host, port) = match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        (is_domain(host) || host.parse::<Ipv4Addr>().is_ok(), port)
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
}

/// Whether `value` (canonicalised with [`canonical_indicator`] first) is valid for `kind`.
/// [`IndicatorKind::Other`] accepts any non-blank value.
pub fn is_valid_indicator(kind: IndicatorKind, value: &str) -> bool {
    let v = canonical_indicator(kind, value);
    match kind {
        IndicatorKind::Ip => is_ip(&v),
        IndicatorKind::Domain => is_domain(&v),
        IndicatorKind::Url => is_url(&v),
        IndicatorKind::Hash => hash_algorithm(&v).is_some(),
        IndicatorKind::Email => is_email(&v),
        IndicatorKind::Other => !v.is_empty(),
    }
}

/// Guesses the kind of a typed value (defanged or not): IP, hash, e-mail, URL, domain.
pub fn detect_kind(value: &str) -> Option<IndicatorKind> {
    [
        IndicatorKind::Ip,
        IndicatorKind::Hash,
        IndicatorKind::Email,
        IndicatorKind::Url,
        IndicatorKind::Domain,
    ]
    .into_iter()
    .find(|k| is_valid_indicator(*k, value))
}

// ---- canonical form, refang ------------------------------------------------------------------

/// Refangs a typed indicator: folds full-width characters, collapses defanging tokens and turns
/// `hxxp`/`hxxps`/`fxp` schemes back into `http`/`https`/`ftp`. Meant for indicator values, not
/// for prose (it folds full-width punctuation too).
pub fn refang(s: &str) -> String {
    let folded = normal::cased(&normal::normalise(s.trim()));
    let lower = folded.to_ascii_lowercase();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let at_word_start = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric();
        let scheme = [
            ("hxxps://", "https://"),
            ("hxxp://", "http://"),
            ("fxp://", "ftp://"),
        ]
        .into_iter()
        .find(|(from, _)| at_word_start && lower[i..].starts_with(from));
        match scheme {
            Some((from, to)) => {
                out.push_str(to);
                i += from.len();
            }
            None => {
                let Some(c) = folded[i..].chars().next() else {
                    break;
                };
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out.trim().to_owned()
}

/// The canonical (refanged) value of an indicator: domains and hashes in lower case, IP addresses
/// in their standard text form, URL scheme and host in lower case, the domain of an e-mail
/// address in lower case. [`IndicatorKind::Other`] is only trimmed.
pub fn canonical_indicator(kind: IndicatorKind, raw: &str) -> String {
    if kind == IndicatorKind::Other {
        return raw.trim().to_owned();
    }
    let s = refang(raw);
    match kind {
        IndicatorKind::Domain => s.trim_end_matches('.').to_lowercase(),
        IndicatorKind::Hash => s.to_ascii_lowercase(),
        IndicatorKind::Ip => canonical_ip(&s).unwrap_or(s),
        IndicatorKind::Url => canonical_url(&s),
        IndicatorKind::Email => match s.rsplit_once('@') {
            Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
            None => s,
        },
        IndicatorKind::Other => s,
    }
}

fn canonical_ip(s: &str) -> Option<String> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    Some(match prefix {
        Some(p) => format!("{addr}/{}", p.parse::<u32>().ok()?),
        None => addr.to_string(),
    })
}

fn canonical_url(s: &str) -> String {
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        rest[..end].to_lowercase(),
        &rest[end..]
    )
}

/// Canonicalises every indicator of a form in place (call before storing typed values).
pub fn normalise_indicators(form: &mut ProvisionForm) {
    for ind in &mut form.indicators {
        ind.value = canonical_indicator(ind.kind, &ind.value);
        ind.note = ind.note.trim().to_owned();
    }
}

// ---- defang ----------------------------------------------------------------------------------

/// The defanged display form of an indicator (the value is canonicalised first, so defanging is
/// idempotent). Hashes are unchanged; [`IndicatorKind::Other`] gets [`defang_text`].
pub fn defang(kind: IndicatorKind, value: &str) -> String {
    let v = canonical_indicator(kind, value);
    match kind {
        IndicatorKind::Url => defang_url(&v),
        IndicatorKind::Domain => v.replace('.', "[.]"),
        IndicatorKind::Ip => defang_ip(&v),
        IndicatorKind::Email => defang_email(&v),
        IndicatorKind::Hash => v,
        IndicatorKind::Other => defang_text(&v),
    }
}

fn defang_url(v: &str) -> String {
    let lower = v.to_ascii_lowercase();
    let (scheme, rest) = [
        ("https://", "hxxps://"),
        ("http://", "hxxp://"),
        ("ftp://", "fxp://"),
    ]
    .into_iter()
    .find(|(from, _)| lower.starts_with(from))
    .map_or(("", v), |(from, to)| (to, &v[from.len()..]));
    format!("{scheme}{}", rest.replace('.', "[.]").replace('@', "[@]"))
}

fn defang_ip(v: &str) -> String {
    let (addr, prefix) = match v.split_once('/') {
        Some((a, p)) => (a, format!("/{p}")),
        None => (v, String::new()),
    };
    let addr = if addr.contains(':') {
        addr.replace(':', "[:]")
    } else {
        match addr.rsplit_once('.') {
            Some((head, last)) => format!("{head}[.]{last}"),
            None => addr.to_owned(),
        }
    };
    format!("{addr}{prefix}")
}

fn defang_email(v: &str) -> String {
    match v.rsplit_once('@') {
        Some((local, domain)) => format!("{local}[@]{}", domain.replace('.', "[.]")),
        None => v.replace('.', "[.]"),
    }
}

/// Defangs every indicator found in free text (for mail and printed copies), leaving the rest of
/// the text as it is.
pub fn defang_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for e in extract_indicators(text) {
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&defang(e.kind, &e.value));
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    out
}

// ---- extraction ------------------------------------------------------------------------------

/// An indicator found in free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extracted {
    pub kind: IndicatorKind,
    /// Canonical (refanged) value.
    pub value: String,
    /// Byte range in the text.
    pub span: Range<usize>,
    /// Written defanged in the text.
    pub defanged: bool,
}

/// Top-level domains accepted for a domain written without a scheme and without defanging (a
/// defanged domain needs none of this). File extensions that are also TLDs (`.md`, `.sh`, `.py`,
/// `.zip` …) are left out on purpose.
const KNOWN_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "io", "co", "me", "tv", "cc",
    "ai", "app", "dev", "xyz", "top", "online", "site", "club", "shop", "store", "tech", "cloud",
    "page", "link", "live", "news", "blog", "email", "icu", "vip", "work", "tokyo", "jp", "us",
    "uk", "cn", "ru", "kr", "kp", "tw", "hk", "mo", "sg", "de", "fr", "it", "es", "nl", "eu", "ca",
    "au", "in", "br", "ch", "se", "no", "fi", "dk", "be", "at", "cz", "ua", "vn", "th", "id", "my",
    "ph", "nz", "za", "mx", "ar", "tr", "ir", "il", "sa", "ae", "pk", "bd", "ws", "to", "su", "kz",
    "by", "ro", "hu", "gr", "pt", "ie", "lk", "np", "mn", "la", "kh", "mm",
];

/// Finds URLs, e-mail addresses, IP addresses, hashes and domains in free text, defanged or
/// not, in text order. Overlaps go to the first finder in that order (a URL's host is not
/// reported again as a domain).
pub fn extract_indicators(text: &str) -> Vec<Extracted> {
    extract_from_units(&normal::normalise(text))
}

/// [`extract_indicators`] on text already normalised with [`crate::text::normal::normalise`].
pub fn extract_from_units(u: &[Unit]) -> Vec<Extracted> {
    let mut x = Extractor {
        u,
        taken: Vec::new(),
        out: Vec::new(),
    };
    x.urls();
    x.emails();
    x.ipv6();
    x.ipv4();
    x.hashes();
    x.domains();
    let mut out = x.out;
    out.sort_by_key(|e| e.span.start);
    out
}

/// The distinct indicators of a text, in text order, marked [`IndicatorOrigin::Extracted`].
pub fn indicators_from_text(text: &str) -> Vec<Indicator> {
    let mut out: Vec<Indicator> = Vec::new();
    for e in extract_indicators(text) {
        if !out.iter().any(|i| i.kind == e.kind && i.value == e.value) {
            out.push(Indicator {
                kind: e.kind,
                value: e.value,
                note: String::new(),
                origin: IndicatorOrigin::Extracted,
            });
        }
    }
    out
}

/// Indicators found in ①②③④ that the form's list does not hold yet — suggestions for the list.
pub fn suggest_indicators(form: &ProvisionForm) -> Vec<Indicator> {
    let mut out: Vec<Indicator> = Vec::new();
    for text in [
        &form.summary,
        &form.targets,
        &form.countermeasures,
        &form.other,
    ] {
        for ind in indicators_from_text(text) {
            let listed = form
                .indicators
                .iter()
                .any(|i| i.kind == ind.kind && canonical_indicator(i.kind, &i.value) == ind.value);
            let seen = out
                .iter()
                .any(|i| i.kind == ind.kind && i.value == ind.value);
            if !listed && !seen {
                out.push(ind);
            }
        }
    }
    out
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c)
}

struct Extractor<'a> {
    u: &'a [Unit],
    /// Unit ranges already reported.
    taken: Vec<Range<usize>>,
    out: Vec<Extracted>,
}

impl Extractor<'_> {
    fn ch(&self, i: usize) -> char {
        self.u[i].ch
    }

    fn free(&self, a: usize, b: usize) -> bool {
        !self.taken.iter().any(|r| a < r.end && r.start < b)
    }

    /// Reports `[a, b)` as `kind` when free and valid; returns whether it did.
    fn push(&mut self, a: usize, b: usize, kind: IndicatorKind) -> bool {
        if a >= b || !self.free(a, b) {
            return false;
        }
        let value = canonical_indicator(kind, &normal::cased(&self.u[a..b]));
        if !is_valid_indicator(kind, &value) {
            return false;
        }
        self.taken.push(a..b);
        self.out.push(Extracted {
            kind,
            value,
            span: self.u[a].start..self.u[b - 1].end,
            defanged: self.u[a..b].iter().any(|x| x.defanged),
        });
        true
    }

    fn urls(&mut self) {
        const SCHEMES: [&str; 6] = [
            "https://", "http://", "hxxps://", "hxxp://", "ftp://", "fxp://",
        ];
        let n = self.u.len();
        let mut i = 0;
        while i < n {
            let boundary = i == 0 || !self.ch(i - 1).is_ascii_alphanumeric();
            let Some(scheme) = SCHEMES
                .iter()
                .find(|s| boundary && normal::starts_with(self.u, i, s))
            else {
                i += 1;
                continue;
            };
            let body = i + scheme.len();
            let mut b = body;
            while b < n && is_url_char(self.ch(b)) {
                b += 1;
            }
            // Trailing punctuation belongs to the sentence, an unmatched bracket to the text.
            while b > body {
                let last = self.ch(b - 1);
                let count = |c: char| (i..b).filter(|&k| self.u[k].ch == c).count();
                let trim = ".,;:!?'([".contains(last)
                    || (last == ')' && count(')') > count('('))
                    || (last == ']' && count(']') > count('['));
                if !trim {
                    break;
                }
                b -= 1;
            }
            if self.push(i, b, IndicatorKind::Url) {
                i = b;
            } else {
                i += 1;
            }
        }
    }

    fn emails(&mut self) {
        let n = self.u.len();
        let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        let ats: Vec<usize> = (0..n).filter(|&k| self.ch(k) == '@').collect();
        for at in ats {
            let mut a = at;
            while a > 0 && is_local(self.ch(a - 1)) {
                a -= 1;
            }
            while a < at && self.ch(a) == '.' {
                a += 1;
            }
            let mut b = at + 1;
            while b < n && (is_label_char(self.ch(b)) || self.ch(b) == '.') {
                b += 1;
            }
            while b > at + 1 && matches!(self.ch(b - 1), '.' | '-') {
                b -= 1;
            }
            if a < at && b > at + 1 {
                self.push(a, b, IndicatorKind::Email);
            }
        }
    }

    fn ipv6(&mut self) {
        let n = self.u.len();
        let in_run = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
        for i in 0..n {
            let prev_ok = i == 0 || {
                let p = self.ch(i - 1);
                !(p.is_ascii_alphanumeric() || p == ':' || p == '.')
            };
            if !prev_ok || !in_run(self.ch(i)) {
                continue;
            }
            let mut j = i;
            while j < n && in_run(self.ch(j)) {
                j += 1;
            }
            if j < n && self.ch(j).is_ascii_alphanumeric() {
                continue; // part of a word
            }
            let mut b = j;
            while b > i && self.ch(b - 1) == '.' {
                b -= 1;
            }
            let colons = (i..b).filter(|&k| self.ch(k) == ':').count();
            // `::` alone (full-width colons in prose become ASCII) is not an address.
            if colons < 2 || !(i..b).any(|k| self.ch(k).is_ascii_hexdigit()) {
                continue;
            }
            let b = self.with_prefix(b);
            self.push(i, b, IndicatorKind::Ip);
        }
    }

    /// Extends an address ending at `b` over a `/nn` CIDR prefix.
    fn with_prefix(&self, b: usize) -> usize {
        let n = self.u.len();
        if b < n && self.ch(b) == '/' {
            let mut e = b + 1;
            while e < n && e < b + 4 && self.ch(e).is_ascii_digit() {
                e += 1;
            }
            let ends = e >= n || !self.ch(e).is_ascii_alphanumeric();
            if e > b + 1 && ends {
                return e;
            }
        }
        b
    }

    fn ipv4(&mut self) {
        let n = self.u.len();
        for i in 0..n {
            let prev_ok = i == 0 || {
                let p = self.ch(i - 1);
                !(p.is_ascii_alphanumeric() || p == '.')
            };
            if !prev_ok || !self.ch(i).is_ascii_digit() {
                continue;
            }
            // Four groups of 1–3 digits separated by dots.
            let mut j = i;
            let mut groups = 0;
            loop {
                let start = j;
                while j < n && j < start + 3 && self.ch(j).is_ascii_digit() {
                    j += 1;
                }
                if j == start {
                    break;
                }
                groups += 1;
                if groups == 4 || j >= n || self.ch(j) != '.' {
                    break;
                }
                j += 1;
            }
            if groups != 4 {
                continue;
            }
            // Not followed by more of a word or a host name (`1.2.3.4.example.com`).
            let next_bad = j < n
                && (is_label_char(self.ch(j))
                    || (self.ch(j) == '.' && j + 1 < n && is_label_char(self.ch(j + 1))));
            if next_bad {
                continue;
            }
            let b = self.with_prefix(j);
            self.push(i, b, IndicatorKind::Ip);
        }
    }

    fn hashes(&mut self) {
        let n = self.u.len();
        let mut i = 0;
        while i < n {
            if !self.ch(i).is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < n && self.ch(j).is_ascii_alphanumeric() {
                j += 1;
            }
            let word = normal::chars(&self.u[i..j]);
            // Not a label of a host name or part of a hyphenated word.
            let prev_bad = i > 0 && matches!(self.ch(i - 1), '.' | '-');
            let next_bad = j < n
                && (self.ch(j) == '-'
                    || (self.ch(j) == '.' && j + 1 < n && is_label_char(self.ch(j + 1))));
            if hash_algorithm(&word).is_some() && !prev_bad && !next_bad {
                self.push(i, j, IndicatorKind::Hash);
            }
            i = j;
        }
    }

    fn domains(&mut self) {
        let n = self.u.len();
        let mut i = 0;
        while i < n {
            let prev_ok = i == 0 || {
                let p = self.ch(i - 1);
                !(is_label_char(p) || p == '.')
            };
            if !prev_ok || !self.ch(i).is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < n && (is_label_char(self.ch(j)) || self.ch(j) == '.') {
                j += 1;
            }
            let mut b = j;
            while b > i && matches!(self.ch(b - 1), '.' | '-') {
                b -= 1;
            }
            let candidate = normal::chars(&self.u[i..b]);
            let defanged = self.u[i..b].iter().any(|x| x.defanged);
            let tld = candidate.rsplit('.').next().unwrap_or("");
            if candidate.contains('.') && (defanged || KNOWN_TLDS.contains(&tld)) {
                self.push(i, b, IndicatorKind::Domain);
            }
            i = j.max(i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defang_examples() {
        use IndicatorKind::*;
        let cases = [
            (
                Url,
                "http://example.co.jp/top.html",
                "hxxp://example[.]co[.]jp/top[.]html",
            ),
            (
                Url,
                "HTTPS://Example.CO.JP/A.php?x=1",
                "hxxps://example[.]co[.]jp/A[.]php?x=1",
            ),
            (Ip, "192.0.2.1", "192.0.2[.]1"),
            (Ip, "192.0.2.0/24", "192.0.2[.]0/24"),
            (Ip, "2001:DB8::1", "2001[:]db8[:][:]1"),
            (Email, "a@b.jp", "a[@]b[.]jp"),
            (Domain, "example.co.jp", "example[.]co[.]jp"),
            (Domain, "Example.COM.", "example[.]com"),
            (
                Hash,
                "D41D8CD98F00B204E9800998ECF8427E",
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            // Already defanged input is canonicalised first: defang is idempotent.
            (Domain, "example[.]co[.]jp", "example[.]co[.]jp"),
            (
                Url,
                "hxxp://example.co.jp/top(.)html",
                "hxxp://example[.]co[.]jp/top[.]html",
            ),
            (
                Other,
                "see http://evil.example/x",
                "see hxxp://evil[.]example/x",
            ),
        ];
        for (kind, value, want) in cases {
            assert_eq!(defang(kind, value), want, "{kind:?} {value}");
        }
    }

    #[test]
    fn refang_examples() {
        let cases = [
            (
                "hxxp://example[.]co[.]jp/top(.)html",
                "http://example.co.jp/top.html",
            ),
            ("hXXps://evil{.}example/a", "https://evil.example/a"),
            ("http[:]//a[dot]b(dot)jp", "http://a.b.jp"),
            ("hxxp[://]a.jp", "http://a.jp"),
            ("fxp://files[.]example[.]com", "ftp://files.example.com"),
            ("a[@]b[.]jp", "a@b.jp"),
            ("a(at)b(.)jp", "a@b.jp"),
            ("192.0.2[.]1", "192.0.2.1"),
            ("2001[:]db8[:][:]1", "2001:db8::1"),
            ("　ｅｘａｍｐｌｅ［．］ｃｏｍ　", "example.com"),
            ("shxxp://x", "shxxp://x"),
        ];
        for (typed, want) in cases {
            assert_eq!(refang(typed), want, "{typed}");
        }
    }

    #[test]
    fn syntax_per_kind() {
        use IndicatorKind::*;
        let cases = [
            (Ip, "192.0.2.1", true),
            (Ip, "192.0.2[.]1", true),
            (Ip, "10.0.0.0/8", true),
            (Ip, "10.0.0.0/33", false),
            (Ip, "256.0.0.1", false),
            (Ip, "XX.XX.XX.XX", false),
            (Ip, "fe80::1", true),
            (Ip, "2001:db8::/32", true),
            (Ip, "2001:db8:::1", false),
            (Ip, "example.com", false),
            (Domain, "example.co.jp", true),
            (Domain, "例え.jp", true),
            (Domain, "xn--r8jz45g.xn--q9jyb4c", true),
            (Domain, "localhost", false),
            (Domain, "-bad.example", false),
            (Domain, "a..b.jp", false),
            (Domain, "v99.99", false),
            (Domain, "http://example.com", false),
            (Url, "http://example.co.jp/top(.)html", true),
            (Url, "https://192.0.2.1:8443/x", true),
            (Url, "http://[2001:db8::1]/", true),
            (Url, "http://[2001:db8::1]x/", false),
            (Url, "http://example.com:99999999/", false),
            (Url, "javascript://x.com", false),
            (Url, "http:///path", false),
            (Url, "http://exa mple.com/", false),
            (Url, "example.com/path", false),
            (Hash, "d41d8cd98f00b204e9800998ecf8427e", true),
            (Hash, "da39a3ee5e6b4b0d3255bfef95601890afd80709", true),
            (
                Hash,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                true,
            ),
            (Hash, "d41d8cd98f00b204e9800998ecf8427", false),
            (Hash, "g41d8cd98f00b204e9800998ecf8427e", false),
            (Email, "a[@]b[.]jp", true),
            (Email, "a@b", false),
            (Other, "Invoice.pdf.exe", true),
            (Other, "  ", false),
        ];
        for (kind, value, ok) in cases {
            assert_eq!(is_valid_indicator(kind, value), ok, "{kind:?} {value}");
        }
        assert_eq!(detect_kind("192.0.2[.]1"), Some(IndicatorKind::Ip));
        assert_eq!(detect_kind("example[.]com"), Some(IndicatorKind::Domain));
        assert_eq!(
            detect_kind("hxxp://example[.]com/"),
            Some(IndicatorKind::Url)
        );
        assert_eq!(detect_kind("a[@]b[.]jp"), Some(IndicatorKind::Email));
        assert_eq!(detect_kind("マルウェア"), None);
    }

    fn found(text: &str) -> Vec<(IndicatorKind, String, &str)> {
        extract_indicators(text)
            .into_iter()
            .map(|e| (e.kind, e.value, &text[e.span]))
            .collect()
    }

    #[test]
    fn extracts_from_the_official_example() {
        use IndicatorKind::*;
        assert_eq!(
            found("XX年XX月XX日以降に\nhttp://example.co.jp/top(.)html\nにアクセスした場合。"),
            vec![(
                Url,
                "http://example.co.jp/top.html".to_owned(),
                "http://example.co.jp/top(.)html"
            )]
        );
        assert_eq!(
            found("○マルウェアの通信先である次のIP及びドメインをブロックする。\n　XX.XX.XX.XX、ZZ.ZZ.ZZ.ZZ、example.com"),
            vec![(Domain, "example.com".to_owned(), "example.com")]
        );
        assert!(found("大手サイトfunifuniにおいてサイト改ざんが行われ").is_empty());
    }

    #[test]
    fn extracts_each_kind() {
        use IndicatorKind::*;
        let text = "通信先192.0.2[.]1及び198.51.100.7/32、2001:db8::53へ。\
                    （https://evil.example/a_(b)）送信元 attacker[@]evil[.]example、\
                    検体 MD5:D41D8CD98F00B204E9800998ECF8427E。www.example.jp と example[.]co[.]jp。\
                    ｅｖｉｌ．ｃｏｍ も。";
        let got = found(text);
        let kinds: Vec<_> = got.iter().map(|(k, v, _)| (*k, v.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (Ip, "192.0.2.1"),
                (Ip, "198.51.100.7/32"),
                (Ip, "2001:db8::53"),
                (Url, "https://evil.example/a_(b)"),
                (Email, "attacker@evil.example"),
                (Hash, "d41d8cd98f00b204e9800998ecf8427e"),
                (Domain, "www.example.jp"),
                (Domain, "example.co.jp"),
                (Domain, "evil.com"),
            ]
        );
        assert_eq!(got[1].2, "198.51.100.7/32");
        assert_eq!(got[3].2, "https://evil.example/a_(b)");
        assert_eq!(got[7].2, "example[.]co[.]jp");
    }

    #[test]
    fn ignores_non_indicators() {
        for text in [
            "2023-08-19 13:15 に判明",
            "v99.99 の脆弱性",
            "XX/XX 09:00頃",
            "top.html と readme.md と setup.sh",
            "e.g. 参照",
            "std::vector",
            "バージョン1.2.3",
            "03-1234-5678",
            "deadbeef",
            "Node.js",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn defang_text_keeps_prose() {
        assert_eq!(
            defang_text("接続先：http://example.co.jp/top.html（改ざん）と 192.0.2.1"),
            "接続先：hxxp://example[.]co[.]jp/top[.]html（改ざん）と 192.0.2[.]1"
        );
    }

    #[test]
    fn suggestions_skip_listed_indicators() {
        let form = ProvisionForm {
            targets: "http://example.co.jp/top(.)html にアクセス".into(),
            countermeasures: "example.com と EXAMPLE.COM をブロック".into(),
            indicators: vec![Indicator {
                kind: IndicatorKind::Url,
                value: "hxxp://example[.]co[.]jp/top[.]html".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let s = suggest_indicators(&form);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(
            (s[0].kind, s[0].value.as_str(), s[0].origin),
            (
                IndicatorKind::Domain,
                "example.com",
                IndicatorOrigin::Extracted
            )
        );
    }

    // --- properties ------------------------------------------------------------------------

    fn label() -> impl Strategy<Value = String> {
        "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?"
    }

    fn domain(tlds: &'static [&'static str]) -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(label(), 1..4),
            proptest::sample::select(tlds),
        )
            .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
    }

    const ANY_TLDS: &[&str] = &["jp", "com", "example", "test", "online", "xn--q9jyb4c"];
    const COMMON_TLDS: &[&str] = &["jp", "com", "net", "org", "io"];

    fn indicator(tlds: &'static [&'static str]) -> impl Strategy<Value = (IndicatorKind, String)> {
        prop_oneof![
            domain(tlds).prop_map(|d| (IndicatorKind::Domain, d)),
            any::<u32>().prop_map(|n| (IndicatorKind::Ip, Ipv4Addr::from(n).to_string())),
            any::<u128>().prop_map(|n| (IndicatorKind::Ip, Ipv6Addr::from(n).to_string())),
            (
                "[a-z0-9]{1,6}([._+-][a-z0-9]{1,6}){0,2}",
                domain(COMMON_TLDS)
            )
                .prop_map(|(l, d)| (IndicatorKind::Email, format!("{l}@{d}"))),
            (
                proptest::sample::select(&["http", "https", "ftp"][..]),
                domain(tlds),
                "(/[A-Za-z0-9_~-]{1,8}(\\.[a-z]{1,4})?){0,3}",
                "(\\?[a-z]{1,3}=[A-Za-z0-9]{1,5})?",
            )
                .prop_map(|(s, d, p, q)| (IndicatorKind::Url, format!("{s}://{d}{p}{q}"))),
            "([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})".prop_map(|h| (IndicatorKind::Hash, h)),
        ]
    }

    proptest! {
        #[test]
        fn refang_undoes_defang((kind, v) in indicator(ANY_TLDS)) {
            prop_assert_eq!(canonical_indicator(kind, &v), v.clone());
            let d = defang(kind, &v);
            prop_assert_eq!(refang(&d), v.clone());
            prop_assert_eq!(defang(kind, &d), d.clone(), "idempotent");
            prop_assert!(is_valid_indicator(kind, &d));
            // No live dot is left in a host or URL; no live scheme.
            let live = match kind {
                IndicatorKind::Url | IndicatorKind::Domain => d.as_str(),
                IndicatorKind::Email => d.split_once("[@]").map_or("", |(_, dom)| dom),
                _ => "",
            };
            prop_assert!(!live.replace("[.]", "").contains('.'), "{}", d);
            prop_assert!(!d.contains("http://") && !d.contains("https://") && !d.contains("ftp://"));
        }

        #[test]
        fn defanged_indicators_are_extracted_from_prose(
            (kind, v) in indicator(ANY_TLDS),
            before in "[あ-ん、。]{0,5}",
            after in "[あ-ん、。]{0,5}",
        ) {
            let d = defang(kind, &v);
            let text = format!("{before}{d}{after}");
            let got = extract_indicators(&text);
            prop_assert_eq!(got.len(), 1, "{} -> {:?}", text, got);
            prop_assert_eq!(got[0].kind, kind);
            prop_assert_eq!(&got[0].value, &v);
            prop_assert_eq!(&text[got[0].span.clone()], d.as_str());
        }

        #[test]
        fn plain_indicators_are_extracted_from_prose(
            (kind, v) in indicator(COMMON_TLDS),
            before in "[あ-ん、。 ]{0,5}",
            after in "[あ-ん、。 ]{0,5}",
        ) {
            let text = format!("{before}{v}{after}");
            let got = extract_indicators(&text);
            prop_assert_eq!(got.len(), 1, "{} -> {:?}", text, got);
            prop_assert_eq!(got[0].kind, kind);
            prop_assert_eq!(&got[0].value, &v);
        }
    }
}
