//! Japanese first, English on request: a cookie (`kkh_lang`) or `?lang=` chooses.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, FixedOffset, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
    /// Picks the text of this language.
    pub fn t<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(q) = parts.uri.query() {
            for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default()
            {
                if k == "lang" {
                    return Ok(if v == "en" { Lang::En } else { Lang::Ja });
                }
            }
        }
        let cookie = crate::auth::cookie(parts, "kkh_lang");
        Ok(if cookie.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Ja
        })
    }
}

/// Japan Standard Time: UTC+9 all year (no daylight saving).
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

/// The JST calendar day of a stored UTC time (`2026-11-20`).
pub fn show_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&jst()).format("%Y-%m-%d").to_string()
}

/// Formats a stored UTC time for display in JST.
pub fn show_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&jst())
        .format("%Y-%m-%d %H:%M JST")
        .to_string()
}

/// Formats as the official form writes it: 2023年8月19日13時15分.
pub fn show_form_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&jst())
        .format("%Y年%-m月%-d日%-H時%-M分")
        .to_string()
}

/// Parses a date and time typed in JST, 24-hour clock: `2023-08-19 13:15` (also with `T` or
/// `/` as the browser or a person may write it, and with seconds).
pub fn parse_local(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let naive = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())?;
    naive
        .and_local_timezone(jst())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The value (JST, 24-hour) of a stored time in the date-time text fields: `2023-08-19 13:15`.
pub fn local_value(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&jst()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jst_round_trip() {
        let t = parse_local("2023-08-19T13:15").expect("parse");
        assert_eq!(t.to_rfc3339(), "2023-08-19T04:15:00+00:00");
        assert_eq!(show_form_time(t), "2023年8月19日13時15分");
        assert_eq!(local_value(Some(t)), "2023-08-19 13:15");
        assert_eq!(parse_local("2023-08-19 13:15"), Some(t));
        assert_eq!(parse_local("2023/08/19 13:15"), Some(t));
        assert!(parse_local("").is_none());
        assert!(parse_local("19/08/2023").is_none());
    }
}
