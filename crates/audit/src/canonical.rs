//! Canonical JSON: the one text form of a `detail` value that goes into an entry's hash.
//!
//! It is a storage format: the hash of every stored entry depends on it byte for byte, so the
//! rules are spelled out here rather than left to whatever a JSON library does by default.

use serde_json::Value;

/// Renders `v` as canonical JSON, so that equal values always hash alike.
///
/// Rules (part of the audit hash format, see the crate docs):
/// - no whitespace anywhere;
/// - object members sorted by key, comparing the keys' UTF-8 bytes (Rust `str` order), whatever
///   order the map iterates in (`serde_json`'s `preserve_order` feature may be on elsewhere in
///   the build, and PostgreSQL `jsonb` reorders keys);
/// - strings escape only `"` `\` and the control characters U+0000–U+001F (`\b \f \n \r \t`,
///   otherwise `\u00xx` in lower-case hex); everything else, including non-ASCII, is literal;
/// - integers (those `serde_json` holds as `u64`/`i64`) in plain decimal, exactly;
/// - other numbers (`f64`) as RFC 8785 / ECMAScript write them: the shortest digits that read
///   back to the same `f64`, plain for magnitudes in [1e-6, 1e21), else `1.5e+300`, `-0` as
///   `0`. So `1.0` is written `1`, like the integer 1: the same number hashes the same.
///   Re-parsing the output gives a value with the same canonical form (this needs
///   `serde_json`'s `float_roundtrip` feature, which this crate turns on);
/// - `null`, `true`, `false` as themselves.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, value);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(f) = n.as_f64() {
        write_f64(out, f);
    } else {
        // Only reachable with serde_json's `arbitrary_precision`: keep the number's own text.
        out.push_str(&n.to_string());
    }
}

/// ECMAScript `Number.prototype.toString`, as RFC 8785 (JCS) prescribes: shortest digits that
/// read back to the same `f64`, plain notation for magnitudes in [1e-6, 1e21), otherwise
/// `d.ddde±x`. Done here rather than by `serde_json`, whose float notation has changed between
/// releases (`1e300` became `1e+300`), which would silently break stored hashes.
fn write_f64(out: &mut String, x: f64) {
    if x == 0.0 {
        // Also -0.0, as in ECMAScript.
        out.push('0');
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` without a precision gives the shortest round-trip digits, e.g. "1.25e-7".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` output has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // The value is 0.DIGITS × 10^n.
    let n = exp + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).unsigned_abs().to_string());
    }
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_at_every_depth_and_drops_whitespace() {
        let a: Value = serde_json::from_str(
            r#"{ "b": 1, "a": { "d": [ 2, { "z": null, "y": true } ], "c": "x" } }"#,
        )
        .expect("valid JSON");
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":"x","d":[2,{"y":true,"z":null}]},"b":1}"#
        );
    }

    #[test]
    fn keys_sort_by_utf8_bytes() {
        // "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9) < "あ" (0xE3 ...).
        let v = json!({"あ": 4, "é": 3, "a": 2, "Z": 1});
        assert_eq!(canonical_json(&v), r#"{"Z":1,"a":2,"é":3,"あ":4}"#);
    }

    #[test]
    fn escapes_only_quotes_backslash_and_controls() {
        let v = json!("q\"b\\\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}/漢字\u{2028}");
        assert_eq!(
            canonical_json(&v),
            "\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}/漢字\u{2028}\""
        );
    }

    #[test]
    fn integers_are_exact_decimals() {
        let v = json!([0, -1, u64::MAX, i64::MIN]);
        assert_eq!(
            canonical_json(&v),
            "[0,-1,18446744073709551615,-9223372036854775808]"
        );
    }

    #[test]
    #[allow(clippy::excessive_precision)] // RFC 8785's own inputs, digit for digit.
    fn floats_follow_ecmascript_notation() {
        // Expected strings are what JavaScript's `String(x)` gives (RFC 8785, appendix B).
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (100.0, "100"),
            (123.456, "123.456"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e300, "1e+300"),
            (0.000001, "0.000001"),
            (0.0000012345, "0.0000012345"),
            (1e-7, "1e-7"),
            (1.2345e-7, "1.2345e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (333333333.33333329, "333333333.3333333"),
            (9007199254740993.0, "9007199254740992"),
        ];
        for (x, want) in cases {
            let v = serde_json::Value::from(*x);
            assert!(v.as_f64().is_some(), "{x} must stay a float for this test");
            assert_eq!(canonical_json(&v), *want, "for {x:e}");
        }
    }
}
