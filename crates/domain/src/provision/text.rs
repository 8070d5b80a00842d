//! A normalised view of text for finding indicators and contact details, keeping track of where
//! each character came from.
//!
//! Full-width ASCII (ｅｘａｍｐｌｅ．ｃｏｍ, ０３－…) becomes ASCII, dashes become `-`, white space
//! becomes one space, and defanging tokens (`[.]`, `(.)`, `[dot]`, `[@]`, `[at]`, `[:]`,
//! `[://]` …) collapse to the character they stand for. Case is kept; matchers compare ASCII
//! case-insensitively.

/// One character of the normalised text and the byte range of the original it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    pub ch: char,
    pub start: usize,
    pub end: usize,
    /// Produced by a defanging token.
    pub defanged: bool,
}

/// Defanging tokens (matched ASCII case-insensitively after width folding) and what they stand
/// for. Longer tokens first.
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

/// Folds one character: full-width ASCII to ASCII, dashes to `-`, white space to ` `.
pub(crate) fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// The normalised stream of `text`.
pub(crate) fn stream(text: &str) -> Vec<Unit> {
    let folded: Vec<Unit> = text
        .char_indices()
        .map(|(i, c)| Unit {
            ch: fold(c),
            start: i,
            end: i + c.len_utf8(),
            defanged: false,
        })
        .collect();
    let mut out = Vec::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let token = TOKENS.iter().find(|(t, _)| {
            let n = t.chars().count();
            i + n <= folded.len()
                && t.chars()
                    .zip(&folded[i..i + n])
                    .all(|(a, u)| u.ch.eq_ignore_ascii_case(&a))
        });
        match token {
            Some((t, stands_for)) => {
                let n = t.chars().count();
                let (start, end) = (folded[i].start, folded[i + n - 1].end);
                out.extend(stands_for.chars().map(|ch| Unit {
                    ch,
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
    out
}

/// The normalised characters of `units`.
pub(crate) fn chars(units: &[Unit]) -> String {
    units.iter().map(|u| u.ch).collect()
}

/// Whether `units[at..]` starts with `pat` (ASCII case-insensitive).
pub(crate) fn starts_with_ci(units: &[Unit], at: usize, pat: &str) -> bool {
    let n = pat.chars().count();
    at + n <= units.len()
        && pat
            .chars()
            .zip(&units[at..at + n])
            .all(|(a, u)| u.ch.eq_ignore_ascii_case(&a))
}

/// A letter, digit or hyphen of a host name (ASCII only).
pub(crate) fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_tokens_and_keeps_ranges() {
        let text = "ｅｘａｍｐｌｅ[.]co(DOT)jp a[@]b";
        let s = stream(text);
        assert_eq!(chars(&s), "example.co.jp a@b");
        let dot = s.iter().find(|u| u.ch == '.').expect("dot");
        assert_eq!(&text[dot.start..dot.end], "[.]");
        assert!(dot.defanged);
        let at = s.iter().find(|u| u.ch == '@').expect("at");
        assert_eq!(&text[at.start..at.end], "[@]");
        assert_eq!(chars(&stream("hxxps[://]x")), "hxxps://x");
        assert_eq!(chars(&stream("０３－１２３４　5678")), "03-1234 5678");
    }
}
