//! The one normaliser: a view of text in which the same name, number or host is the same
//! characters however it was typed, with every character traced back to the bytes of the
//! original it came from (so a find can replace the original characters).
//!
//! In order:
//! 1. Invisible characters are dropped: format characters (Unicode category Cf: zero-width
//!    space and joiners, bidi marks, overrides and isolates, BOM, soft hyphen …), other
//!    default-ignorable fillers (ハングル filler …), variation selectors and control
//!    characters other than white space.
//! 2. NFKC (Unicode compatibility normalisation): full-width ASCII (ＡＢＣ０３－) to ASCII,
//!    half-width katakana (ｶﾞｽ) to full-width (ガス), ㈱ to (株), a kana and a following sound
//!    mark (カ゛, カ + U+3099) to one voiced kana. A base character and its combining marks are
//!    normalised together and share the base's byte range.
//! 3. White space becomes one space per character, ASCII letters lower case (the original case
//!    stays in [`Unit::cased`]), dashes (‐‑‒–—―−﹣) become `-`, and 「ー」 between two digits
//!    (０３ー１２３４) becomes `-`.
//! 4. Re-fanging: `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)`, `[@]`, `(@)`, `[at]`, `(at)`, `[:]`,
//!    `[/]`, `[://]` become the character they stand for, and the schemes `hxxp://`,
//!    `hxxps://`, `fxp://` become `http://`, `https://`, `ftp://`.
//!
//! Not covered: composition across base characters (Hangul conjoining jamo), which no
//! identifier here needs.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// One character of the normalised text and the byte range of the original it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// The normalised character (ASCII lower case).
    pub ch: char,
    /// The same character before ASCII case folding (a URL's path keeps its case).
    pub cased: char,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// Produced by a defanging token or scheme (`[.]`, `hxxp`).
    pub defanged: bool,
}

impl Unit {
    pub fn is_space(&self) -> bool {
        self.ch == ' '
    }
}

/// A format character (Unicode category Cf): zero-width space, joiners, bidi marks, embeddings,
/// overrides and isolates, word joiner, BOM, soft hyphen, interlinear annotation …
pub fn is_format_char(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

/// Characters that render as nothing although they are letters (Hangul fillers), refused in
/// names like format characters.
pub fn is_invisible_filler(c: char) -> bool {
    matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{034F}' | '\u{17B4}' | '\u{17B5}'
    )
}

/// A variation selector (異体字 selectors are legitimate in names, but never part of a match).
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Dropped by the normaliser: invisible, variation selectors and non-white-space controls.
fn is_ignorable(c: char) -> bool {
    is_format_char(c)
        || is_invisible_filler(c)
        || is_variation_selector(c)
        || (c.is_control() && !c.is_whitespace())
}

/// Sound marks that join the kana before them (the spacing forms are turned into the combining
/// ones so that NFKC composes them).
fn joins_previous(c: char) -> bool {
    is_combining_mark(c) || matches!(c, '\u{309B}' | '\u{309C}' | '\u{FF9E}' | '\u{FF9F}')
}

fn premap(c: char) -> char {
    match c {
        '\u{309B}' => '\u{3099}',
        '\u{309C}' => '\u{309A}',
        c => c,
    }
}

/// Dashes that stand for `-`.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{2043}'
    )
}

/// Defanging tokens (matched on the folded text) and what they stand for; longer first.
const TOKENS: &[(&str, &str)] = &[
    ("[://]", "://"),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[@]", "@"),
    ("(@)", "@"),
    ("{@}", "@"),
    ("[:]", ":"),
    ("[/]", "/"),
];

/// Defanged schemes and their live form (same length but `fxp`, handled alike).
const SCHEMES: &[(&str, &str)] = &[
    ("hxxps://", "https://"),
    ("hxxp://", "http://"),
    ("fxp://", "ftp://"),
];

fn push(out: &mut Vec<Unit>, c: char, start: usize, end: usize) {
    let cased = if c.is_whitespace() {
        ' '
    } else if is_dash(c) {
        '-'
    } else {
        c
    };
    out.push(Unit {
        ch: cased.to_ascii_lowercase(),
        cased,
        start,
        end,
        defanged: false,
    });
}

/// The normalised view of `text` (see the module documentation).
pub fn normalise(text: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::with_capacity(text.len());
    let mut it = text.char_indices().peekable();
    let mut run = String::new();
    while let Some((i, c)) = it.next() {
        if is_ignorable(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        run.clear();
        run.push(premap(c));
        while let Some(&(j, d)) = it.peek() {
            if is_ignorable(d) {
                // An invisible character between a base and its mark: skip it, keep looking.
                let mut ahead = it.clone();
                ahead.next();
                let mark_follows = ahead
                    .find(|(_, x)| !is_ignorable(*x))
                    .is_some_and(|(_, x)| joins_previous(x));
                if !mark_follows {
                    break;
                }
                it.next();
                continue;
            }
            if !joins_previous(d) {
                break;
            }
            run.push(premap(d));
            end = j + d.len_utf8();
            it.next();
        }
        if run.len() == 1 {
            // ASCII is its own NFKC form.
            push(&mut units, c, i, end);
        } else {
            for n in run.nfkc() {
                if !is_ignorable(n) {
                    push(&mut units, n, i, end);
                }
            }
        }
    }
    // 「ー」 between digits is a dash (０３ー１２３４ー５６７８).
    for k in 1..units.len().saturating_sub(1) {
        if units[k].ch == 'ー'
            && units[k - 1].ch.is_ascii_digit()
            && units[k + 1].ch.is_ascii_digit()
        {
            units[k].ch = '-';
            units[k].cased = '-';
        }
    }
    refang(units)
}

fn starts_with_at(units: &[Unit], at: usize, pat: &str) -> bool {
    let n = pat.chars().count();
    at + n <= units.len() && pat.chars().zip(&units[at..at + n]).all(|(a, u)| u.ch == a)
}

fn refang(folded: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        match TOKENS.iter().find(|(t, _)| starts_with_at(&folded, i, t)) {
            Some((t, stands_for)) => {
                let n = t.chars().count();
                let (start, end) = (folded[i].start, folded[i + n - 1].end);
                out.extend(stands_for.chars().map(|ch| Unit {
                    ch,
                    cased: ch,
                    start,
                    end,
                    defanged: true,
                }));
                i += n;
            }
            None => {
                out.push(folded[i]);
                i += 1;
            }
        }
    }
    // Schemes, at the start of a word.
    let mut i = 0;
    while i < out.len() {
        let word_start = i == 0 || !out[i - 1].ch.is_ascii_alphanumeric();
        let scheme = SCHEMES
            .iter()
            .find(|(from, _)| word_start && starts_with_at(&out, i, from));
        match scheme {
            Some((from, to)) => {
                for (k, (a, b)) in from.chars().zip(to.chars()).enumerate() {
                    if a != b {
                        let u = &mut out[i + k];
                        u.ch = b;
                        u.cased = b;
                        u.defanged = true;
                    }
                }
                i += from.chars().count();
            }
            None => i += 1,
        }
    }
    out
}

/// The normalised characters of `units`.
pub fn chars(units: &[Unit]) -> String {
    units.iter().map(|u| u.ch).collect()
}

/// The normalised characters of `units` with their original ASCII case.
pub fn cased(units: &[Unit]) -> String {
    units.iter().map(|u| u.cased).collect()
}

/// The normalised text (with spaces).
pub fn folded(s: &str) -> String {
    chars(&normalise(s))
}

/// The matching key of a name or term: normalised, without white space.
pub fn key(s: &str) -> Vec<char> {
    normalise(s)
        .into_iter()
        .filter(|u| !u.is_space())
        .map(|u| u.ch)
        .collect()
}

/// Whether `units[at..]` starts with `pat` (normalised, so lower case).
pub fn starts_with(units: &[Unit], at: usize, pat: &str) -> bool {
    starts_with_at(units, at, pat)
}

/// A letter, digit or hyphen of a host name (ASCII only).
pub fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// NFKC of a whole string, for values stored normalised (names, logins).
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn k(s: &str) -> String {
        key(s).into_iter().collect()
    }

    #[test]
    fn widths_kana_case_dashes() {
        assert_eq!(k("ＡＢＣ　ｄｅｆ"), "abcdef");
        assert_eq!(k("ｶﾞｽ"), "ガス");
        assert_eq!(k("カ゛ス"), "ガス");
        assert_eq!(k("カ\u{3099}ス"), "ガス");
        assert_eq!(k("ﾐﾅﾄﾛｼﾞｽﾃｨｸｽ"), "ミナトロジスティクス");
        assert_eq!(k("㈱東都"), "(株)東都");
        assert_eq!(k("０３－１２３４－５６７８"), "03-1234-5678");
        assert_eq!(k("03ー1234ー5678"), "03-1234-5678");
        assert_eq!(k("03‐1234–5678"), "03-1234-5678");
        assert_eq!(
            k("サーバー"),
            "サーバー",
            "a long-vowel mark between kana stays"
        );
        assert_eq!(k("ｻｰﾊﾞｰ"), "サーバー");
    }

    #[test]
    fn invisible_characters_are_dropped() {
        for s in [
            "東\u{200B}都電力",
            "東\u{200D}都\u{200C}電力",
            "\u{202E}東都電力\u{202C}",
            "東都\u{2066}電力\u{2069}",
            "\u{FEFF}東都電力",
            "東都\u{00AD}電力",
            "東都\u{3164}電力",
            "東都電\u{FE00}力",
            "東都\u{0000}電力",
        ] {
            assert_eq!(k(s), "東都電力", "{s:?}");
        }
        // A joiner between a kana and its sound mark does not stop the composition.
        assert_eq!(k("カ\u{200B}\u{3099}"), "ガ");
    }

    #[test]
    fn refangs_tokens_and_schemes() {
        assert_eq!(folded("example[.]co(.)jp"), "example.co.jp");
        assert_eq!(folded("EXAMPLE[DOT]com"), "example.com");
        assert_eq!(folded("a[@]b{.}jp a(at)b[dot]jp"), "a@b.jp a@b.jp");
        assert_eq!(folded("hxxps://evil[.]example/A"), "https://evil.example/a");
        assert_eq!(folded("hXXp[://]x.jp"), "http://x.jp");
        assert_eq!(folded("fxp://files.example"), "ftp://files.example");
        assert_eq!(folded("shxxp://x"), "shxxp://x", "not at a word start");
        assert_eq!(
            folded("ｈｘｘｐｓ：／／ｅｖｉｌ［．］ｅｘａｍｐｌｅ"),
            "https://evil.example"
        );
        let u = normalise("hxxps://Evil[.]example/Path");
        assert_eq!(cased(&u), "https://Evil.example/Path");
        assert!(u.iter().any(|x| x.defanged));
    }

    #[test]
    fn units_map_back_to_the_original() {
        let text = "ｅｘ[.]ｊｐ ｶﾞ\u{200B}東";
        let u = normalise(text);
        assert_eq!(chars(&u), "ex.jp ガ東");
        let dot = u.iter().find(|x| x.ch == '.').expect("dot");
        assert_eq!(&text[dot.start..dot.end], "[.]");
        let ga = u.iter().find(|x| x.ch == 'ガ').expect("ga");
        assert_eq!(&text[ga.start..ga.end], "ｶﾞ");
        let last = u.last().expect("last");
        assert_eq!(&text[last.start..last.end], "東");
    }

    proptest! {
        /// Any text: the ranges are in order, on character boundaries, inside the text.
        #[test]
        fn ranges_are_ordered_and_on_boundaries(text in "\\PC{0,40}") {
            let u = normalise(&text);
            let mut prev = 0;
            for x in &u {
                prop_assert!(x.start < x.end && x.end <= text.len());
                prop_assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
                prop_assert!(x.start >= prev);
                prev = x.start;
            }
        }

        /// Inserting invisible characters anywhere does not change the key.
        #[test]
        fn invisible_insertions_do_not_change_the_key(
            text in "[東都電力ミナトｶﾞabc0-9\\-. ]{1,16}",
            inserts in proptest::collection::vec((0usize..32, proptest::sample::select(&['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{202E}', '\u{202D}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{00AD}'][..])), 0..4),
        ) {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, c) in &inserts {
                let at = at % (chars.len() + 1);
                chars.insert(at, *c);
            }
            let noisy: String = chars.into_iter().collect();
            prop_assert_eq!(key(&noisy), key(&text));
        }
    }
}
