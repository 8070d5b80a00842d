//! Label matching that tolerates how the seed and its users actually write labels: full-width
//! and half-width forms (`ＩＤ`/`ID`, `ﾕｰｻﾞ`/`ユーザ`), stray spaces from PDF line breaks, and a
//! form's parenthetical gloss after the label.

/// Half-width katakana U+FF61..=U+FF9F mapped to their full-width forms, in code-point order.
const HALF_WIDTH_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

/// Folds `label` to a comparison key: width variants unified, whitespace removed, ASCII
/// lower-cased, dash variants turned into `-`. Not for display.
pub fn normalize_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        let u = c as u32;
        let mapped = match u {
            0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
            0xFF61..=0xFF9F => HALF_WIDTH_KANA
                .chars()
                .nth((u - 0xFF61) as usize)
                .unwrap_or(c),
            0x2010..=0x2015 | 0x2212 => '-',
            _ => c,
        };
        match mapped {
            // Sound marks, spacing (゛゜) or combining, fold into the preceding kana.
            '゛' | '\u{3099}' => voice(&mut out, 1),
            '゜' | '\u{309A}' => voice(&mut out, 2),
            c if c.is_whitespace() => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// Applies a (semi-)voiced sound mark to the last kana; `step` 1 = ゛, 2 = ゜.
fn voice(out: &mut String, step: u32) {
    let Some(last) = out.pop() else {
        return;
    };
    let u = last as u32;
    let ka_to = (0x30AB..=0x30C1).contains(&u) && (u - 0x30AB).is_multiple_of(2);
    let tsu_to = matches!(u, 0x30C4 | 0x30C6 | 0x30C8);
    let ha_ho = (0x30CF..=0x30DB).contains(&u) && (u - 0x30CF).is_multiple_of(3);
    let voiced = match step {
        // カ..ト: the voiced form is the next code point.
        1 if ka_to || tsu_to => char::from_u32(u + 1),
        // ハ..ホ: each is followed by its ゛ and ゜ forms.
        _ if ha_ho => char::from_u32(u + step),
        1 if last == 'ウ' => Some('ヴ'),
        _ => None,
    };
    match voiced {
        Some(v) => out.push(v),
        None => {
            out.push(last);
            out.push(if step == 1 { '゛' } else { '゜' });
        }
    }
}

/// The label without a trailing parenthetical gloss, as the liaison form prints
/// `情報の漏えい（組織の機密情報等の流出など）`. Expects a normalised key.
pub(crate) fn strip_gloss(key: &str) -> Option<&str> {
    if !key.ends_with(')') {
        return None;
    }
    match key.find('(') {
        Some(i) if i > 0 => Some(&key[..i]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_variants_fold_together() {
        assert_eq!(
            normalize_label("ユーザＩＤ等の偽り"),
            normalize_label("ユーザID等の偽り")
        );
        assert_eq!(
            normalize_label("ﾕｰｻﾞID等の偽り"),
            normalize_label("ユーザID等の偽り")
        );
        assert_eq!(normalize_label("ＤＤｏＳ攻撃"), normalize_label("DDoS攻撃"));
        assert_eq!(normalize_label("ﾊﾟｽﾜｰﾄﾞ"), "パスワード");
        assert_eq!(normalize_label("ｶﾞｽ"), "ガス");
        assert_eq!(normalize_label("ｳﾞ"), "ヴ");
    }

    #[test]
    fn spaces_and_case_are_ignored() {
        assert_eq!(normalize_label("  重要イ ンフラ\u{3000}"), "重要インフラ");
        assert_eq!(normalize_label(" ev-01 "), normalize_label("EV‐01"));
    }

    #[test]
    fn gloss_is_stripped_only_when_trailing() {
        let k = normalize_label("情報の漏えい（組織の機密情報等の流出など）");
        assert_eq!(strip_gloss(&k), Some("情報の漏えい"));
        assert_eq!(strip_gloss("(abc)"), None);
        assert_eq!(strip_gloss("abc"), None);
    }
}
