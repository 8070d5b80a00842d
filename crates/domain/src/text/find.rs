//! Finders over the normalised text ([`super::normal`]), shared by the CEPTOAR's anonymisation
//! and NISC's sanitisation scan: listed phone numbers, e-mail addresses, domains (and their
//! subdomains), ASCII names inside host names, postal addresses (listed ones, and Japanese
//! addresses in general), IP addresses inside listed ranges.
//!
//! A find is a unit range `[a, b)`; [`span`] turns it into the byte range of the original.

use super::normal::{self, is_label_char, Unit};
use std::net::IpAddr;
use std::ops::Range;

/// A find: units `[a, b)` and the index of the listed item that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Find {
    pub a: usize,
    pub b: usize,
    pub item: usize,
}

/// The byte range of the original text that units `[a, b)` came from.
pub fn span(u: &[Unit], a: usize, b: usize) -> Range<usize> {
    u[a].start..u[b - 1].end
}

/// Start positions where `key` occurs.
pub fn occurrences<'a>(u: &'a [Unit], key: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    (0..(u.len() + 1).saturating_sub(key.len()))
        .filter(move |&s| !key.is_empty() && key.iter().enumerate().all(|(k, c)| u[s + k].ch == *c))
}

/// The unit at `e` does not continue a host name.
pub fn host_ends(u: &[Unit], e: usize) -> bool {
    e >= u.len()
        || !(is_label_char(u[e].ch)
            || (u[e].ch == '.' && e + 1 < u.len() && is_label_char(u[e + 1].ch)))
}

// ---- phone numbers -----------------------------------------------------------------------------

/// Digits of a phone number, domestic form (`+81 3-1234-5678` → `0312345678`).
pub fn phone_key(s: &str) -> String {
    let folded = normal::folded(s);
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    if folded.trim_start().starts_with('+') {
        if let Some(rest) = digits.strip_prefix("81") {
            return if rest.starts_with('0') {
                rest.to_owned()
            } else {
                format!("0{rest}")
            };
        }
    }
    digits
}

/// Listed phone numbers (keys from [`phone_key`]) written with `-`, spaces, dots, brackets or
/// 「ー」 between digit groups, in either width, domestic or `+81`; whole digit groups only.
pub fn phones(u: &[Unit], keys: &[String]) -> Vec<Find> {
    let mut out = Vec::new();
    if keys.is_empty() {
        return out;
    }
    let is_sep = |c: char| matches!(c, '-' | ' ' | '(' | ')' | '.' | 'ー');
    let n = u.len();
    let mut i = 0;
    while i < n {
        let c = u[i].ch;
        let starts = (c.is_ascii_digit() || c == '+' || c == '(')
            && (i == 0 || !u[i - 1].ch.is_ascii_digit());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut seps = 0;
        let mut digits: Vec<(char, usize)> = Vec::new();
        if c == '+' {
            j += 1;
        }
        while j < n {
            let ch = u[j].ch;
            if ch.is_ascii_digit() {
                digits.push((ch, j));
                seps = 0;
            } else if is_sep(ch) && seps < 2 {
                seps += 1;
            } else {
                break;
            }
            j += 1;
        }
        // Domestic form of the run: +81 3 … → 0 3 …
        let mut seq = digits;
        if c == '+' && seq.len() > 2 && seq[0].0 == '8' && seq[1].0 == '1' {
            let rest: Vec<(char, usize)> = seq[2..].to_vec();
            seq = if rest.first().is_some_and(|d| d.0 == '0') {
                rest
            } else {
                std::iter::once(('0', i)).chain(rest).collect()
            };
        }
        let text: String = seq.iter().map(|d| d.0).collect();
        let group_break = |p: usize| p == 0 || p >= seq.len() || seq[p].1 > seq[p - 1].1 + 1;
        for (item, key) in keys.iter().enumerate() {
            let mut from = 0;
            while let Some(off) = text.get(from..).and_then(|t| t.find(key.as_str())) {
                let p = from + off;
                let q = p + key.len();
                if group_break(p) && group_break(q) {
                    let mut a = seq[p].1;
                    let b = seq[q - 1].1 + 1;
                    if a > 0 && u[a - 1].ch == '(' && (a..b).any(|k| u[k].ch == ')') {
                        a -= 1;
                    }
                    out.push(Find { a, b, item });
                }
                from = p + 1;
            }
        }
        i = j.max(i + 1);
    }
    out
}

// ---- e-mail addresses, domains, names in host names ------------------------------------------

/// The matching key of an e-mail address or URL (normalised and refanged, no spaces).
pub fn value_key(s: &str) -> Vec<char> {
    normal::key(s)
}

/// Listed e-mail addresses, not inside a longer address.
pub fn emails(u: &[Unit], keys: &[Vec<char>]) -> Vec<Find> {
    let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let mut out = Vec::new();
    for (item, key) in keys.iter().enumerate() {
        for s in occurrences(u, key) {
            let e = s + key.len();
            if (s == 0 || !is_local(u[s - 1].ch)) && host_ends(u, e) {
                out.push(Find { a: s, b: e, item });
            }
        }
    }
    out
}

/// Host of a URL, e-mail address or domain as typed: normalised, without scheme, user, port,
/// path, `www.` or `*.`.
pub fn host_key(s: &str) -> String {
    let r = normal::folded(s.trim());
    let r = r.split_once("://").map_or(r.as_str(), |(_, rest)| rest);
    let r = r.split(['/', '?', '#']).next().unwrap_or("");
    let r = r.rsplit('@').next().unwrap_or("");
    let r = if r.starts_with('[') {
        r
    } else {
        r.split(':').next().unwrap_or("")
    };
    r.trim_start_matches("*.")
        .trim_start_matches("www.")
        .trim_matches('.')
        .to_owned()
}

/// Whether `host` is `domain` or one of its subdomains.
pub fn within_domain(host: &str, domain: &str) -> bool {
    !domain.is_empty()
        && (host == domain
            || host
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.')))
}

/// Listed domains and their subdomains (a subdomain is taken whole), in any width or defanged.
pub fn domains(u: &[Unit], keys: &[Vec<char>]) -> Vec<Find> {
    let mut out = Vec::new();
    for (item, key) in keys.iter().enumerate() {
        for s in occurrences(u, key) {
            let e = s + key.len();
            if e < u.len() && is_label_char(u[e].ch) {
                continue;
            }
            let mut a = s;
            if s > 0 {
                let p = u[s - 1].ch;
                if is_label_char(p) {
                    continue;
                }
                if p == '.' {
                    while a > 0 && (is_label_char(u[a - 1].ch) || u[a - 1].ch == '.') {
                        a -= 1;
                    }
                    while u[a].ch == '.' {
                        a += 1;
                    }
                }
            }
            out.push(Find { a, b: e, item });
        }
    }
    out
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c)
}

/// The end of a path (`/…`, `?…`) right after a host ending at unit `e`, without trailing
/// punctuation or an unmatched closing bracket; `None` when no path follows.
pub fn path_end(u: &[Unit], e: usize) -> Option<usize> {
    if e >= u.len() || !matches!(u[e].ch, '/' | '?') {
        return None;
    }
    let mut b = e;
    while b < u.len() && is_url_char(u[b].ch) {
        b += 1;
    }
    while b > e {
        let last = u[b - 1].ch;
        let count = |c: char| (e..b).filter(|&k| u[k].ch == c).count();
        if ".,;:!?'([".contains(last)
            || (last == ')' && count(')') > count('('))
            || (last == ']' && count(']') > count('['))
        {
            b -= 1;
        } else {
            break;
        }
    }
    (b > e + 1 || (b == e + 1 && u[e].ch == '/')).then_some(b)
}

/// Words that end a company's English name and may be left out (`Minato Logistics Co., Ltd.`).
const EN_LEGAL_WORDS: &[&str] = &[
    "co",
    "ltd",
    "inc",
    "corp",
    "corporation",
    "limited",
    "company",
    "incorporated",
    "kk",
    "k",
    "llc",
    "plc",
    "gk",
];

/// ASCII names this long and longer are looked for inside host names and addresses.
pub const MIN_COMPACT_NAME: usize = 4;

/// Compact key of an ASCII name without legal-form words (`Minato Logistics Co., Ltd.` →
/// `minatologistics`); `None` when not ASCII or shorter than [`MIN_COMPACT_NAME`].
pub fn compact_name(s: &str) -> Option<String> {
    let folded = normal::folded(s);
    if !folded.is_ascii() {
        return None;
    }
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| EN_LEGAL_WORDS.contains(w)) {
        words.pop();
    }
    let key = words.concat();
    (key.len() >= MIN_COMPACT_NAME).then_some(key)
}

/// ASCII names inside host names, URLs and e-mail addresses (`minato-logistics.example`), where
/// the separators break an ordinary name match: the whole token is the find.
pub fn compact_names(u: &[Unit], keys: &[String]) -> Vec<Find> {
    let mut out = Vec::new();
    if keys.is_empty() {
        return out;
    }
    let n = u.len();
    let mut i = 0;
    while i < n {
        if !u[i].ch.is_ascii_graphic() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && u[j].ch.is_ascii_graphic() {
            j += 1;
        }
        let token = &u[i..j];
        if token.iter().any(|x| matches!(x.ch, '.' | '@')) {
            let compact: String = token
                .iter()
                .map(|x| x.ch)
                .filter(char::is_ascii_alphanumeric)
                .collect();
            for (item, key) in keys.iter().enumerate() {
                if compact.contains(key.as_str()) {
                    out.push(Find { a: i, b: j, item });
                }
            }
        }
        i = j;
    }
    out
}

// ---- IP addresses ------------------------------------------------------------------------------

/// An IP address or CIDR range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    addr: IpAddr,
    prefix: u32,
}

impl IpRange {
    /// Parses `192.0.2.0/24`, `2001:db8::/32` or a single address, defanged or not.
    pub fn parse(s: &str) -> Option<Self> {
        let r: String = normal::folded(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (addr, prefix) = match r.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (r.as_str(), None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u32>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(IpRange { addr, prefix })
    }

    /// Whether the address (or every address of the range) `other` lies inside this range.
    pub fn contains(&self, other: &IpRange) -> bool {
        if other.prefix < self.prefix {
            return false;
        }
        match (self.addr, other.addr) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix).unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix).unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

// ---- postal addresses --------------------------------------------------------------------------

/// The 47 prefectures.
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// Municipalities often written without their prefecture: the designated cities and Tokyo's
/// special wards.
const CITIES: &[&str] = &[
    "札幌市",
    "仙台市",
    "さいたま市",
    "千葉市",
    "横浜市",
    "川崎市",
    "相模原市",
    "新潟市",
    "静岡市",
    "浜松市",
    "名古屋市",
    "京都市",
    "大阪市",
    "堺市",
    "神戸市",
    "岡山市",
    "広島市",
    "北九州市",
    "福岡市",
    "熊本市",
    "千代田区",
    "中央区",
    "港区",
    "新宿区",
    "文京区",
    "台東区",
    "墨田区",
    "江東区",
    "品川区",
    "目黒区",
    "大田区",
    "世田谷区",
    "渋谷区",
    "中野区",
    "杉並区",
    "豊島区",
    "北区",
    "荒川区",
    "板橋区",
    "練馬区",
    "足立区",
    "葛飾区",
    "江戸川区",
];

/// Block-number suffixes (longest first): they read as `-` between numbers.
const BLOCK_SUFFIXES: [&str; 4] = ["丁目", "番地", "番", "号"];

const KANJI_DIGITS: &str = "〇一二三四五六七八九";

fn is_kanji_numeral(c: char) -> bool {
    KANJI_DIGITS.contains(c) || matches!(c, '十' | '百' | '千')
}

/// The value of a run of kanji numerals (一丁目 → 1, 二十三 → 23, 二〇二四 → 2024).
fn kanji_number(run: &[char]) -> String {
    let digit = |c: char| KANJI_DIGITS.chars().position(|k| k == c);
    if !run.iter().any(|c| matches!(c, '十' | '百' | '千')) {
        return run
            .iter()
            .filter_map(|c| digit(*c))
            .map(|d| char::from(b'0' + d as u8))
            .collect();
    }
    let (mut total, mut cur) = (0usize, 0usize);
    for &c in run {
        match c {
            '十' => total += cur.max(1) * 10,
            '百' => total += cur.max(1) * 100,
            '千' => total += cur.max(1) * 1000,
            c => {
                cur = digit(c).unwrap_or(0);
                continue;
            }
        }
        cur = 0;
    }
    (total + cur).to_string()
}

/// One character of the address view of a text: kanji numerals as digits, block suffixes as
/// `-`, no spaces; `[a, b)` are the units it came from.
#[derive(Debug, Clone, Copy)]
struct AddrChar {
    ch: char,
    a: usize,
    b: usize,
    /// A `-` that stands for 丁目, 番地, 番 or 号.
    suffix: bool,
}

fn address_view(u: &[Unit]) -> Vec<AddrChar> {
    let idx: Vec<usize> = (0..u.len()).filter(|&i| !u[i].is_space()).collect();
    let ch = |k: usize| u[idx[k]].ch;
    let mut out: Vec<AddrChar> = Vec::with_capacity(idx.len());
    let mut k = 0;
    while k < idx.len() {
        let c = ch(k);
        let last_is_number = out
            .last()
            .is_some_and(|x| x.ch.is_ascii_digit() || x.suffix);
        let suffix_at = |at: usize| {
            BLOCK_SUFFIXES.iter().find(|s| {
                let n = s.chars().count();
                at + n <= idx.len() && s.chars().enumerate().all(|(m, x)| ch(at + m) == x)
            })
        };
        if is_kanji_numeral(c) {
            let mut j = k;
            while j < idx.len() && is_kanji_numeral(ch(j)) {
                j += 1;
            }
            // Kanji numerals are block numbers only next to a suffix or a separator (一丁目,
            // 二番, 1の三): 千代田区 and 九段南 stay names.
            let numeric = (j < idx.len() && (suffix_at(j).is_some() || ch(j) == '-'))
                || out.last().is_some_and(|x| x.ch == '-');
            if numeric {
                let run: Vec<char> = (k..j).map(ch).collect();
                for d in kanji_number(&run).chars() {
                    out.push(AddrChar {
                        ch: d,
                        a: idx[k],
                        b: idx[j - 1] + 1,
                        suffix: false,
                    });
                }
            } else {
                out.extend((k..j).map(|m| AddrChar {
                    ch: ch(m),
                    a: idx[m],
                    b: idx[m] + 1,
                    suffix: false,
                }));
            }
            k = j;
            continue;
        }
        let suffix = suffix_at(k);
        if let (Some(s), true) = (suffix, out.last().is_some_and(|x| x.ch.is_ascii_digit())) {
            let n = s.chars().count();
            out.push(AddrChar {
                ch: '-',
                a: idx[k],
                b: idx[k + n - 1] + 1,
                suffix: true,
            });
            k += n;
            continue;
        }
        let next_is_number =
            k + 1 < idx.len() && (ch(k + 1).is_ascii_digit() || is_kanji_numeral(ch(k + 1)));
        if c == 'の' && last_is_number && next_is_number {
            // 1番地の2, 1の2: a separator.
            if out.last().is_some_and(|x| x.suffix) {
                if let Some(last) = out.last_mut() {
                    last.b = idx[k] + 1;
                }
            } else {
                out.push(AddrChar {
                    ch: '-',
                    a: idx[k],
                    b: idx[k] + 1,
                    suffix: false,
                });
            }
            k += 1;
            continue;
        }
        out.push(AddrChar {
            ch: c,
            a: idx[k],
            b: idx[k] + 1,
            suffix: false,
        });
        k += 1;
    }
    out
}

fn view_starts_with(v: &[AddrChar], at: usize, pat: &str) -> bool {
    let n = pat.chars().count();
    at + n <= v.len() && pat.chars().zip(&v[at..at + n]).all(|(a, x)| x.ch == a)
}

/// The postal code at `at` (`100-0005` or `1000005`), returning its end.
fn postal_code(v: &[AddrChar], at: usize) -> Option<usize> {
    let digits =
        |from: usize, n: usize| (from..from + n).all(|k| k < v.len() && v[k].ch.is_ascii_digit());
    let end = if digits(at, 3) && at + 3 < v.len() && v[at + 3].ch == '-' && digits(at + 4, 4) {
        at + 8
    } else if digits(at, 7) {
        at + 7
    } else {
        return None;
    };
    (end >= v.len() || !v[end].ch.is_ascii_digit()).then_some(end)
}

/// Matching keys of a listed postal address: the address view without a leading postal code,
/// with and without its prefecture.
pub fn address_keys(s: &str) -> Vec<Vec<char>> {
    let u = normal::normalise(s);
    let v = address_view(&u);
    let mut from = 0;
    if v.first().is_some_and(|x| x.ch == '〒') {
        from = 1;
    }
    if let Some(end) = postal_code(&v, from) {
        from = end;
    } else if from == 1 {
        from = 0;
    }
    let mut key: Vec<char> = v[from..].iter().map(|x| x.ch).collect();
    while key.last() == Some(&'-') {
        key.pop();
    }
    let mut out: Vec<Vec<char>> = Vec::new();
    if key.len() < 4 {
        return out;
    }
    out.push(key.clone());
    if let Some(p) = PREFECTURES
        .iter()
        .find(|p| key.starts_with(&p.chars().collect::<Vec<_>>()))
    {
        let rest = key[p.chars().count()..].to_vec();
        if rest.len() >= 4 {
            out.push(rest);
        }
    }
    // The town and block numbers alone (内幸町1-1-3), when there are two numbers or more.
    let first_digit = key
        .iter()
        .position(char::is_ascii_digit)
        .unwrap_or(key.len());
    if let Some(m) = key[..first_digit]
        .iter()
        .rposition(|c| matches!(c, '市' | '区' | '郡' | '村'))
    {
        let town = key[m + 1..].to_vec();
        let two_numbers = key[first_digit..]
            .windows(2)
            .any(|w| w[0] == '-' && w[1].is_ascii_digit());
        if first_digit > m + 1 && two_numbers && !out.contains(&town) {
            out.push(town);
        }
    }
    out
}

/// Listed postal addresses (keys from [`address_keys`]), however the block numbers are written
/// (１－２－３, 一丁目2番3号, 1丁目2-3).
pub fn addresses(u: &[Unit], keys: &[Vec<char>]) -> Vec<Find> {
    let mut out = Vec::new();
    if keys.is_empty() {
        return out;
    }
    let v = address_view(u);
    for (item, key) in keys.iter().enumerate() {
        if key.is_empty() || key.len() > v.len() {
            continue;
        }
        for s in 0..=v.len() - key.len() {
            if !key.iter().enumerate().all(|(k, c)| v[s + k].ch == *c) {
                continue;
            }
            let mut e = s + key.len();
            // Not the start of a longer number (1-2-3 is not 1-2-34).
            if key.last().is_some_and(char::is_ascii_digit)
                && e < v.len()
                && v[e].ch.is_ascii_digit()
            {
                continue;
            }
            if e < v.len() && v[e].suffix {
                e += 1;
            }
            out.push(Find {
                a: v[s].a,
                b: v[e - 1].b,
                item,
            });
        }
    }
    out
}

/// A character that may be part of a Japanese address: kanji, katakana, 々, ヶ, の, が.
fn is_address_char(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{30A1}'..='\u{30FA}' | 'ー' | '々' | '〆' | 'の' | 'が')
        || c.is_ascii_digit()
        || c == '-'
}

/// Longest chunk of addresses this finder takes after the prefecture or city.
const MAX_ADDRESS_CHARS: usize = 40;

/// Japanese postal addresses in general: a prefecture (or a designated city, or one of Tokyo's
/// wards), a municipality, and block numbers in any width, with kanji numerals or 丁目・番地・号
/// (東京都千代田区丸の内1-1-1, 千代田区丸の内一丁目1番1号), optionally after a postal code
/// (〒100-0005). A prefecture and a municipality without block numbers are not an address.
pub fn japanese_addresses(u: &[Unit]) -> Vec<Range<usize>> {
    let v = address_view(u);
    let n = v.len();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut k = 0;
    while k < n {
        let mut p = k;
        let mut postal_end = None;
        if v[p].ch == '〒' {
            if let Some(e) = postal_code(&v, p + 1) {
                postal_end = Some(e);
                p = e;
            }
        } else if (k == 0 || !v[k - 1].ch.is_ascii_digit()) && postal_code(&v, p).is_some() {
            // A postal code without 〒 counts only right before a prefecture.
            if let Some(e) = postal_code(&v, p) {
                if PREFECTURES.iter().any(|x| view_starts_with(&v, e, x)) {
                    postal_end = Some(e);
                    p = e;
                }
            }
        }
        let mut municipality = false;
        let mut anchored = postal_end.is_some();
        if let Some(x) = PREFECTURES.iter().find(|x| view_starts_with(&v, p, x)) {
            p += x.chars().count();
            anchored = true;
        } else if let Some(x) = CITIES.iter().find(|x| view_starts_with(&v, p, x)) {
            p += x.chars().count();
            anchored = true;
            municipality = true;
        }
        if !anchored {
            k += 1;
            continue;
        }
        // The run of address characters after the anchor.
        let mut q = p;
        while q < n && q - p < MAX_ADDRESS_CHARS && is_address_char(v[q].ch) {
            q += 1;
        }
        // The last block number in the run after a municipality: two or more numbers joined
        // by `-`, or one followed by 丁目・番地・番・号.
        let mut end = None;
        let mut i = p;
        while i < q {
            let c = v[i].ch;
            if matches!(c, '市' | '区' | '町' | '村' | '郡') {
                municipality = true;
            }
            let starts_number = c.is_ascii_digit()
                && (i == p || !(v[i - 1].ch.is_ascii_digit() || v[i - 1].ch == '-'));
            if !(municipality && starts_number) {
                i += 1;
                continue;
            }
            let (mut j, mut groups, mut suffixed) = (i, 0, false);
            loop {
                while j < q && v[j].ch.is_ascii_digit() {
                    j += 1;
                }
                groups += 1;
                if j < q && v[j].ch == '-' {
                    if v[j].suffix {
                        suffixed = true;
                    }
                    if j + 1 < q && v[j + 1].ch.is_ascii_digit() {
                        j += 1;
                        continue;
                    }
                    if v[j].suffix {
                        j += 1;
                    }
                }
                break;
            }
            if groups >= 2 || suffixed {
                end = Some(j);
            }
            i = j.max(i + 1);
        }
        let stop = match (end, postal_end) {
            (Some(e), _) => Some(e),
            (None, Some(e)) => Some(e),
            (None, None) => None,
        };
        match stop {
            Some(e) if e > k => {
                out.push(u[v[k].a].start..u[v[e - 1].b - 1].end);
                k = e;
            }
            _ => k += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(text: &str) -> Vec<&str> {
        japanese_addresses(&normal::normalise(text))
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn japanese_addresses_in_every_writing() {
        let cases: [(&str, &[&str]); 14] = [
            (
                "本社は東京都千代田区丸の内1-1-1にある",
                &["東京都千代田区丸の内1-1-1"],
            ),
            (
                "東京都千代田区丸の内１－１－１",
                &["東京都千代田区丸の内１－１－１"],
            ),
            (
                "東京都千代田区丸の内一丁目1番1号 東京ビル",
                &["東京都千代田区丸の内一丁目1番1号"],
            ),
            (
                "〒100-0005 東京都千代田区丸の内1丁目1-1",
                &["〒100-0005 東京都千代田区丸の内1丁目1-1"],
            ),
            (
                "〒１００－０００５　東京都千代田区丸の内１ー１ー１",
                &["〒１００－０００５　東京都千代田区丸の内１ー１ー１"],
            ),
            (
                "100-0005東京都千代田区丸の内1-1-1",
                &["100-0005東京都千代田区丸の内1-1-1"],
            ),
            (
                "所在地：千代田区九段南1-2-3（本館）",
                &["千代田区九段南1-2-3"],
            ),
            ("横浜市中区山下町1番地の2", &["横浜市中区山下町1番地の2"]),
            (
                "大阪府大阪市北区梅田三丁目",
                &["大阪府大阪市北区梅田三丁目"],
            ),
            ("〒100-0005のみ", &["〒100-0005"]),
            ("東京都 港区 芝浦 1-2-3", &["東京都 港区 芝浦 1-2-3"]),
            // Not addresses: no block numbers, a count, a date.
            ("東京都内の事業所で障害", &[]),
            ("東京都港区内の拠点3か所", &[]),
            ("東京都千代田区で2023-08-19に発生", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(addrs(text), want.to_vec(), "{text}");
        }
    }

    #[test]
    fn listed_addresses_however_the_numbers_are_written() {
        let keys = address_keys("〒100-0013 東京都千代田区霞が関1-2-3");
        let found = |text: &str| -> Vec<String> {
            let u = normal::normalise(text);
            addresses(&u, &keys)
                .iter()
                .map(|f| text[span(&u, f.a, f.b)].to_owned())
                .collect()
        };
        assert_eq!(
            found("所在地：東京都千代田区霞が関１－２－３"),
            vec![
                "東京都千代田区霞が関１－２－３",
                "千代田区霞が関１－２－３",
                "霞が関１－２－３"
            ]
        );
        assert_eq!(
            found("千代田区霞が関一丁目2番3号の庁舎"),
            vec!["千代田区霞が関一丁目2番3号", "霞が関一丁目2番3号"]
        );
        assert_eq!(found("霞が関1丁目2-3"), vec!["霞が関1丁目2-3"]);
        assert!(found("千代田区霞が関1-2-34").is_empty());
        assert!(found("千代田区霞が関1-2").is_empty());
    }

    #[test]
    fn kanji_numbers() {
        let k = |s: &str| kanji_number(&s.chars().collect::<Vec<_>>());
        assert_eq!(k("一"), "1");
        assert_eq!(k("十"), "10");
        assert_eq!(k("二十三"), "23");
        assert_eq!(k("百五"), "105");
        assert_eq!(k("千二百"), "1200");
        assert_eq!(k("二〇二四"), "2024");
    }

    #[test]
    fn ip_ranges() {
        let r = |s: &str| IpRange::parse(s).expect(s);
        assert!(r("192.0.2.0/24").contains(&r("192.0.2[.]17")));
        assert!(!r("192.0.2.0/24").contains(&r("192.0.3.1")));
        assert!(r("192.0.2.0/24").contains(&r("192.0.2.128/25")));
        assert!(!r("192.0.2.128/25").contains(&r("192.0.2.0/24")));
        assert!(r("0.0.0.0/0").contains(&r("203.0.113.9")));
        assert!(r("2001:db8::/32").contains(&r("2001:db8:1::5")));
        assert!(!r("2001:db8::/32").contains(&r("192.0.2.1")));
        assert!(IpRange::parse("10.0.0.0/33").is_none());
    }

    #[test]
    fn hosts_and_domains() {
        assert_eq!(
            host_key("hxxps://www[.]Example[.]co[.]jp:8443/path"),
            "example.co.jp"
        );
        assert_eq!(host_key("soc@minato-logi.co.jp"), "minato-logi.co.jp");
        assert!(within_domain("portal.example.co.jp", "example.co.jp"));
        assert!(!within_domain("notexample.co.jp", "example.co.jp"));
        assert_eq!(
            compact_name("Minato Logistics Co., Ltd."),
            Some("minatologistics".into())
        );
        assert_eq!(compact_name("ミナト物流"), None);
        assert_eq!(phone_key("+81 3-1234-5678"), "0312345678");
        assert_eq!(phone_key("０３ー１２３４ー５６７８"), "0312345678");
    }
}
