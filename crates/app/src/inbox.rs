//! 受信箱・検索・CSV出力 — the case listing: what needs doing, one row per case (liaison chain).
//!
//! A row is the newest copy of a case that the viewer may read and that the filters count (in
//! the inbox: sent or received by the viewer's organisation), with the case's state:
//!
//! * a one-line summary (from ② 概要 of that copy) and the time elapsed since 判明 (its
//!   discovery time);
//! * 法令等報告対象 (statutory) and 特に緊急 (urgent: the viewer may read an urgent copy, 同報, of
//!   the case — the sector's or the one confined to NISC on the anonymising route);
//! * 要転送 (to forward), for ministries and CEPTOARs: the viewer may read a copy addressed to
//!   their organisation from which the organisation has sent on no copy the viewer may read.
//!
//! Every copy consulted for a row — the row's own, the urgent copy, the received copy and the
//! onward one — is one the viewer's audience keys open ([`kakehashi_policy::viewer_keys`]), in
//! one set-based statement of the store; the rows then leave as [`Visible`], each revealed by
//! [`kakehashi_policy::reveal`] on its copy's scope. There is no other access rule.
//!
//! Keyword search matches the normalised text of a copy's form (full-width and half-width, case
//! and defanged host names alike: the one normaliser of [`kakehashi_domain::text`]) or its
//! report's R-number; the date range is on the copy's date (JST calendar days). A CSV export
//! ([`App::export_listing`]) is the same listing, all pages, and is audited when it holds a
//! restricted copy (RED, AMBER+STRICT, AMBER or the anonymising route's confined hop): content
//! leaving the application is recorded like a read.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::liaison::scope_of;
use crate::App;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::text::normal::folded;
use kakehashi_domain::{ChainId, CopyId, Importance, OrgId, OrgKind, Tlp};
use kakehashi_policy::{keys_at_level, reveal, viewer_keys, Visible};
use kakehashi_store::{CopySummary, ListingQuery, ListingRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which cases a listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 受信箱: copies sent or received by the viewer's organisation.
    Inbox,
    /// 検索: every copy the viewer may read.
    All,
}

impl Scope {
    pub fn code(self) -> &'static str {
        match self {
            Scope::Inbox => "inbox",
            Scope::All => "all",
        }
    }
}

/// The filters of a listing as typed (query parameters of the API and the web pages); each is
/// checked by [`App::listing`], and a bad one is refused naming its field. Empty = no filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListingFilter {
    /// Sector code.
    pub sector: Option<String>,
    /// TLP code of the copy (RED, AMBER+STRICT, AMBER, GREEN, CLEAR).
    pub tlp: Option<String>,
    /// Importance code of the copy (alert, caution, reference).
    pub importance: Option<String>,
    /// Case status: open or closed.
    pub status: Option<String>,
    /// `true`: only statutory cases; `false`: only the others.
    pub statutory: Option<String>,
    /// `true`: only cases with an urgent copy the viewer may read; `false`: only the others.
    pub urgent: Option<String>,
    /// `true`: only cases the viewer's organisation has to forward; `false`: only the others.
    pub to_forward: Option<String>,
    /// Keywords (white-space separated; each must occur).
    pub q: Option<String>,
    /// First day (JST, `YYYY-MM-DD`) of the copy's date.
    pub from: Option<String>,
    /// Last day (JST, `YYYY-MM-DD`), inclusive.
    pub to: Option<String>,
    /// Keyset cursor from the previous page (`<rfc3339>|<copy id>`).
    pub cursor: Option<String>,
    /// Page size 1–500 (default 50).
    pub limit: Option<String>,
}

impl ListingFilter {
    /// The filter without its cursor and page size, as query pairs (for links and exports).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("sector", &self.sector),
            ("tlp", &self.tlp),
            ("importance", &self.importance),
            ("status", &self.status),
            ("statutory", &self.statutory),
            ("urgent", &self.urgent),
            ("to_forward", &self.to_forward),
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = given(v) {
                out.push((k, v.to_owned()));
            }
        }
        out
    }
}

/// One case in a listing, as the viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub struct ListingRow {
    /// The row's copy: the newest the viewer may read that the filters count.
    pub summary: CopySummary,
    pub sender_name: String,
    pub sender_name_en: String,
    pub addressee_name: String,
    pub addressee_name_en: String,
    /// R<n> of the case, once NISC has it (E-R<n> for an exercise).
    pub chain_number: Option<u64>,
    /// An exercise (演習): marked wherever the row shows, numbered E-R<n>.
    pub exercise: bool,
    /// One line of ② 概要 (its description, else the affected system).
    pub line: String,
    /// 法令等報告対象.
    pub statutory: bool,
    /// 特に緊急: the viewer may read an urgent copy (同報) of the case.
    pub urgent: bool,
    /// 要転送: a copy received by the viewer's organisation (a ministry or CEPTOAR) waits to be
    /// sent on; `pending_copy` is the one waiting longest.
    pub to_forward: bool,
    pub pending_copy: Option<CopyId>,
    /// 判明日時 of the row's copy.
    pub discovered_at: Option<DateTime<Utc>>,
    /// Minutes from 判明 to now.
    pub elapsed_minutes: Option<i64>,
    /// RED, AMBER+STRICT or AMBER as the policy applies it (the confined hop counts as RED).
    pub restricted: bool,
}

/// A page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub items: Vec<Visible<ListingRow>>,
    /// Cursor of the next page, when this one is full.
    pub next: Option<String>,
}

/// A whole listing for export.
#[derive(Debug, Clone)]
pub struct Export {
    pub rows: Vec<Visible<ListingRow>>,
    /// More rows matched than an export holds ([`EXPORT_MAX`]).
    pub truncated: bool,
}

/// The most rows one export holds.
pub const EXPORT_MAX: usize = 10_000;
/// Page size of a listing when none is asked for.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page size of a listing.
pub const PAGE_MAX: u32 = 500;
/// The longest keyword query, in characters.
pub const QUERY_MAX_CHARS: usize = 200;
const TERMS_MAX: usize = 8;
const LINE_MAX_CHARS: usize = 80;

/// What keyword search matches in a copy: every text field of its form, each normalised, one per
/// line (so that a term never spans two fields).
pub fn search_text(form: &LiaisonForm) -> String {
    let s = &form.sender;
    let sum = &form.summary;
    let ext = &form.external;
    let mut parts: Vec<&str> = vec![
        form.ident_number.as_deref().unwrap_or_default(),
        &form.operator_name,
        &s.organisation,
        &s.department,
        &s.person,
        &s.phone,
        &s.fax,
        &s.email,
        &form.tlp_notes,
        form.event.as_deref().unwrap_or_default(),
        &sum.affected_system,
        &sum.description,
        &sum.occurred_note,
        &form.supplementary,
        &ext.press_detail,
        &ext.ppc_detail,
        &ext.other_contacts,
        &form.lessons,
    ];
    parts.extend(form.causes.iter().map(String::as_str));
    for row in &form.timeline {
        parts.push(&row.at);
        parts.push(&row.event);
    }
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(folded)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line of ② 概要: the first non-empty line of the description (else the affected system),
/// white space collapsed, at most [`LINE_MAX_CHARS`] characters.
pub fn summary_line(form: &LiaisonForm) -> String {
    let sum = &form.summary;
    let source = sum
        .description
        .lines()
        .chain(sum.affected_system.lines())
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let line = source.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > LINE_MAX_CHARS {
        let mut cut: String = line.chars().take(LINE_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        line
    }
}

/// A filter value that says something.
/// A filter's value, if one is given: an empty value is none (as an HTML form sends an unset
/// filter). Values are taken exactly as written, as the API documents them: codes, `true` and
/// `false`, `YYYY-MM-DD` and whole numbers, without spaces around them.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

pub(crate) fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// Midnight JST starting `day`, in UTC.
fn jst_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(jst()).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn flag(field: &'static str, v: &Option<String>) -> AppResult<Option<bool>> {
    match given(v) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(AppError::bad_field(
            field,
            "boolean",
            format!("「{other}」は true か false で指定してください。"),
            format!("'{other}' must be true or false."),
        )),
    }
}

fn day(field: &'static str, v: &Option<String>) -> AppResult<Option<NaiveDate>> {
    given(v)
        .map(|s| {
            // Four-digit year, two-digit month and day (chrono alone also takes `2026-1-5`).
            let written = s.len() == 10
                && s.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|_| written);
            parsed.ok_or_else(|| {
                AppError::bad_field(
                    field,
                    "date_format",
                    format!("日付「{s}」は YYYY-MM-DD の形式で指定してください。"),
                    format!("Date '{s}' must be written YYYY-MM-DD."),
                )
            })
        })
        .transpose()
}

/// Parses a keyset cursor `<rfc3339>|<copy id>`.
pub fn parse_cursor(s: &str) -> Option<(DateTime<Utc>, CopyId)> {
    let (t, id) = s.split_once('|')?;
    let t = DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc);
    (!id.is_empty()).then(|| (t, CopyId(id.to_owned())))
}

/// The cursor after `row`.
pub fn cursor_of(row: &ListingRow) -> String {
    format!(
        "{}|{}",
        row.summary.created_at.to_rfc3339(),
        row.summary.id.0
    )
}

/// The keyword terms of a query: normalised, split at white space, each once.
fn terms(q: &Option<String>) -> AppResult<Vec<String>> {
    let Some(q) = given(q) else {
        return Ok(Vec::new());
    };
    if q.chars().count() > QUERY_MAX_CHARS {
        return Err(AppError::bad_field(
            "q",
            "too_long",
            format!("キーワードは{QUERY_MAX_CHARS}文字以内で指定してください。"),
            format!("Keywords may be at most {QUERY_MAX_CHARS} characters."),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for t in folded(q).split(' ').filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > TERMS_MAX {
        return Err(AppError::bad_field(
            "q",
            "too_many_terms",
            format!("キーワードは{TERMS_MAX}語までです。"),
            format!("At most {TERMS_MAX} keywords."),
        ));
    }
    Ok(out)
}

impl App {
    /// The checked store query of a listing for `actor` (audience keys from the policy).
    pub(crate) fn listing_query(
        &self,
        actor: &Actor,
        scope: Scope,
        f: &ListingFilter,
    ) -> AppResult<ListingQuery> {
        let sector = given(&f.sector)
            .map(|s| {
                self.reference
                    .sector(s)
                    .map(|_| s.to_owned())
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "sector",
                            "unknown_code",
                            format!("分野「{s}」はありません。"),
                            format!("There is no sector '{s}'."),
                        )
                    })
            })
            .transpose()?;
        let level = given(&f.tlp)
            .map(|s| {
                Tlp::ALL.into_iter().find(|t| t.code() == s).ok_or_else(|| {
                    AppError::bad_field(
                        "tlp",
                        "unknown_code",
                        format!("TLP「{s}」は選択肢にありません。"),
                        format!("TLP '{s}' is not one of the choices."),
                    )
                })
            })
            .transpose()?;
        let importance = given(&f.importance)
            .map(|s| {
                Importance::from_code(s)
                    .map(|i| i.code().to_owned())
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "importance",
                            "unknown_code",
                            format!("重要度「{s}」は選択肢にありません。"),
                            format!("Importance '{s}' is not one of the choices."),
                        )
                    })
            })
            .transpose()?;
        let status = given(&f.status)
            .map(|s| match s {
                "open" | "closed" => Ok(s.to_owned()),
                _ => Err(AppError::bad_field(
                    "status",
                    "unknown_code",
                    format!("状態「{s}」は open か closed で指定してください。"),
                    format!("Status '{s}' must be open or closed."),
                )),
            })
            .transpose()?;
        let from = day("from", &f.from)?;
        let to = day("to", &f.to)?;
        if let (Some(a), Some(b)) = (from, to) {
            if b < a {
                return Err(AppError::bad_field(
                    "to",
                    "before_from",
                    "終了日が開始日より前です。",
                    "The last day is before the first day.",
                ));
            }
        }
        let before = given(&f.cursor)
            .map(|c| {
                parse_cursor(c).ok_or_else(|| {
                    AppError::bad_field(
                        "cursor",
                        "format",
                        "ページの続きの指定が正しくありません。",
                        "The page cursor is not one this listing gave.",
                    )
                })
            })
            .transpose()?;
        let limit = given(&f.limit)
            .map(|l| {
                l.bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| l.parse::<u32>().ok())
                    .flatten()
                    .filter(|n| (1..=PAGE_MAX).contains(n))
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "limit",
                            "range",
                            format!("件数は1から{PAGE_MAX}で指定してください。"),
                            format!("The page size must be 1 to {PAGE_MAX}."),
                        )
                    })
            })
            .transpose()?
            .unwrap_or(PAGE_DEFAULT);
        let keys = viewer_keys(&actor.viewer()?, &self.all_sectors());
        // The filter is on the copy's marking; its keys follow the level it is scoped at.
        let level_keys = level.map(|t| {
            crate::liaison::scoped_levels(t)
                .into_iter()
                .flat_map(|l| keys_at_level(&keys, l))
                .map(|k| k.into_string())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        });
        // Ministries and CEPTOARs send liaisons on; nobody else has anything to forward.
        let forwards = matches!(actor.org.kind, OrgKind::CiMinistry | OrgKind::Ceptoar);
        Ok(ListingQuery {
            keys: keys.into_iter().map(|k| k.into_string()).collect(),
            involving_org: (scope == Scope::Inbox).then(|| actor.org.id.clone()),
            forwarding_org: forwards.then(|| actor.org.id.clone()),
            sector,
            tlp: level.map(|t| t.code().to_owned()),
            level_keys,
            importance,
            status,
            statutory: flag("statutory", &f.statutory)?,
            urgent: flag("urgent", &f.urgent)?,
            to_forward: flag("to_forward", &f.to_forward)?,
            terms: terms(&f.q)?,
            from: from.map(jst_midnight),
            until: to.and_then(|d| d.succ_opt()).map(jst_midnight),
            before,
            after: None,
            limit,
        })
    }

    /// Rows of the store revealed by the policy, each on its own copy's scope.
    pub(crate) fn reveal_rows(
        &self,
        actor: &Actor,
        records: Vec<ListingRecord>,
        names: &HashMap<OrgId, (String, String)>,
    ) -> AppResult<Vec<Visible<ListingRow>>> {
        let viewer = actor.viewer()?;
        let now = self.now();
        let name = |o: &OrgId| names.get(o).cloned().unwrap_or_default();
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            let c = r.copy;
            let scope = scope_of(&c)?;
            let form: LiaisonForm = serde_json::from_str(&c.form)
                .map_err(|e| AppError::Internal(format!("stored form of copy {}: {e}", c.id)))?;
            let discovered_at = form.summary.discovered_at;
            let (sender_name, sender_name_en) = name(&c.sender_org);
            let (addressee_name, addressee_name_en) = name(&c.addressee_org);
            let row = ListingRow {
                line: summary_line(&form),
                discovered_at,
                elapsed_minutes: discovered_at.map(|d| (now - d).num_minutes().max(0)),
                restricted: matches!(scope.tlp, Tlp::Red | Tlp::AmberStrict | Tlp::Amber),
                sender_name,
                sender_name_en,
                addressee_name,
                addressee_name_en,
                chain_number: r.chain_number,
                exercise: r.exercise,
                statutory: r.statutory,
                urgent: r.urgent,
                to_forward: r.pending.is_some(),
                pending_copy: r.pending,
                summary: CopySummary {
                    id: c.id.clone(),
                    chain: c.chain.clone(),
                    report_no: c.report_no,
                    ident: r.ident,
                    hop_kind: c.hop_kind.clone(),
                    sender_org: c.sender_org.clone(),
                    addressee_org: c.addressee_org.clone(),
                    tlp: c.tlp.clone(),
                    importance: c.importance.clone(),
                    sector: c.sector.clone(),
                    chain_status: r.chain_status,
                    created_at: c.created_at,
                },
            };
            match reveal(&viewer, &scope, row) {
                Ok(v) => out.push(v),
                // The store selected it by the viewer's keys, so this is a disagreement between
                // the index and the decision: leave the row out (fail closed) and say so.
                Err(denied) => tracing::error!(
                    copy = %c.id,
                    reason = denied.reason().code(),
                    "listing row refused by the policy although its audience keys matched"
                ),
            }
        }
        Ok(out)
    }

    /// The database's plans for `actor`'s listing under `filter`: the very query
    /// [`App::listing`] runs (for the benchmark notes and `kakehashi admin explain-listing`).
    pub async fn explain_listing(
        &self,
        actor: &Actor,
        scope: Scope,
        filter: &ListingFilter,
    ) -> AppResult<Vec<String>> {
        let q = self.listing_query(actor, scope, filter)?;
        Ok(self.store.explain_listing(&q).await?)
    }

    /// A page of the case listing (see the module documentation).
    pub async fn listing(
        &self,
        actor: &Actor,
        scope: Scope,
        filter: &ListingFilter,
    ) -> AppResult<Listing> {
        let q = self.listing_query(actor, scope, filter)?;
        let limit = q.limit;
        let records = self.store.list_chains(&q).await?;
        let full = records.len() as u32 >= limit;
        let names = self.org_names().await?;
        let next = if full {
            records
                .last()
                .map(|r| format!("{}|{}", r.copy.created_at.to_rfc3339(), r.copy.id.0))
        } else {
            None
        };
        Ok(Listing {
            items: self.reveal_rows(actor, records, &names)?,
            next,
        })
    }

    /// One page of a walk over a whole listing (exports, statistics, the situation picture,
    /// the overdue view): the rows, with `q.before` moved past them, and whether a further page
    /// may follow. Callers reveal each row through the policy as the listing does.
    pub(crate) async fn listing_page(
        &self,
        q: &mut ListingQuery,
    ) -> AppResult<(Vec<ListingRecord>, bool)> {
        let records = self.store.list_chains(q).await?;
        let more = records.len() as u32 >= q.limit;
        q.before = records
            .last()
            .map(|r| (r.copy.created_at, r.copy.id.clone()));
        Ok((records, more))
    }

    /// The whole listing (every page, at most [`EXPORT_MAX`] rows) for a CSV export. Audited
    /// as `liaison.export` when it holds a restricted copy: the restricted copies by id, how
    /// many rows, and the filter.
    pub async fn export_listing(
        &self,
        actor: &Actor,
        scope: Scope,
        filter: &ListingFilter,
    ) -> AppResult<Export> {
        let mut q = self.listing_query(actor, scope, filter)?;
        q.limit = PAGE_MAX;
        let names = self.org_names().await?;
        let mut rows: Vec<Visible<ListingRow>> = Vec::new();
        let mut truncated = false;
        loop {
            let (records, full) = self.listing_page(&mut q).await?;
            rows.extend(self.reveal_rows(actor, records, &names)?);
            if rows.len() > EXPORT_MAX {
                rows.truncate(EXPORT_MAX);
                truncated = true;
                break;
            }
            if !full {
                break;
            }
        }
        let restricted: Vec<&CopyId> = rows
            .iter()
            .filter(|r| r.get().restricted)
            .map(|r| &r.get().summary.id)
            .collect();
        if !restricted.is_empty() {
            let chains: Vec<&ChainId> = rows
                .iter()
                .filter(|r| r.get().restricted)
                .map(|r| &r.get().summary.chain)
                .collect();
            self.store
                .append_audit(vec![actor.audit(
                    "liaison.export",
                    None,
                    serde_json::json!({
                        "scope": scope.code(),
                        "format": "csv",
                        "rows": rows.len(),
                        "truncated": truncated,
                        "filter": filter.pairs().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
                        "copies": restricted,
                        "chains": chains,
                    }),
                )])
                .await?;
        }
        Ok(Export { rows, truncated })
    }

    /// Computes the search text of copies stored before it was kept; returns how many. Run at
    /// start-up; a no-op once every copy has one.
    pub async fn index_search_text(&self) -> AppResult<u64> {
        let mut done = 0u64;
        loop {
            let batch = self.store.copies_without_search_text(500).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let texts: Vec<(CopyId, String)> = batch
                .into_iter()
                .map(|(id, form)| {
                    // A form that does not parse matches no keyword (and its copy cannot be
                    // opened either); it is not retried.
                    let text = serde_json::from_str::<LiaisonForm>(&form)
                        .map(|f| search_text(&f))
                        .unwrap_or_default();
                    (id, text)
                })
                .collect();
            done += texts.len() as u64;
            self.store.set_search_text(&texts).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(description: &str, affected: &str) -> LiaisonForm {
        let mut f = LiaisonForm::default();
        f.summary.description = description.into();
        f.summary.affected_system = affected.into();
        f
    }

    #[test]
    fn summary_line_is_one_short_line() {
        assert_eq!(
            summary_line(&form("\n  制御系サーバに\t大量アクセス。\n二行目", "")),
            "制御系サーバに 大量アクセス。"
        );
        assert_eq!(summary_line(&form(" ", "基幹システム")), "基幹システム");
        assert_eq!(summary_line(&form("", "")), "");
        let long = "あ".repeat(200);
        let line = summary_line(&form(&long, ""));
        assert_eq!(line.chars().count(), LINE_MAX_CHARS);
        assert!(line.ends_with('…'));
    }

    #[test]
    fn search_text_is_normalised_per_field() {
        let mut f = form("ＡＢＣ社のｻｰﾊﾞ", "");
        f.summary.occurred_note = "evil[.]example[.]com".into();
        f.timeline.push(kakehashi_domain::liaison::TimelineRow {
            at: "10:00".into(),
            event: "検知".into(),
        });
        let t = search_text(&f);
        assert!(t.contains("abc社のサーバ"), "{t}");
        assert!(t.contains("evil.example.com"), "{t}");
        assert!(t.contains("検知"), "{t}");
        assert_eq!(t.lines().count(), 4, "one line per field: {t}");
    }

    #[test]
    fn keywords_are_normalised_split_and_bounded() {
        assert_eq!(
            terms(&Some(" ＡＢＣ　サーバ abc ".into())).expect("terms"),
            vec!["abc".to_string(), "サーバ".to_string()]
        );
        assert!(terms(&Some("   ".into())).expect("terms").is_empty());
        assert!(matches!(
            terms(&Some((0..9).map(|i| format!("t{i} ")).collect())),
            Err(AppError::BadField { field: "q", .. })
        ));
        assert!(matches!(
            terms(&Some("x".repeat(QUERY_MAX_CHARS + 1))),
            Err(AppError::BadField { field: "q", .. })
        ));
    }

    #[test]
    fn days_are_jst() {
        let d = NaiveDate::from_ymd_opt(2026, 4, 1).expect("day");
        assert_eq!(jst_midnight(d).to_rfc3339(), "2026-03-31T15:00:00+00:00");
        assert!(matches!(
            day("from", &Some("2026/04/01".into())),
            Err(AppError::BadField {
                field: "from",
                rule: "date_format",
                ..
            })
        ));
        // Exactly as the API documents them: `YYYY-MM-DD`, `true` / `false`, empty = not given.
        for written in ["2026-4-1", "20261-1-01", " 2026-04-01", "+2026-04-01"] {
            assert!(day("from", &Some(written.into())).is_err(), "{written}");
        }
        assert_eq!(
            day("from", &Some("2026-04-01".into())).expect("day"),
            Some(d)
        );
        assert_eq!(day("from", &Some(String::new())).expect("empty"), None);
        assert_eq!(
            flag("urgent", &Some("true".into())).expect("flag"),
            Some(true)
        );
        assert_eq!(flag("urgent", &Some(String::new())).expect("flag"), None);
        for loose in ["on", "1", "yes", "True", " true", "maybe"] {
            assert!(flag("urgent", &Some(loose.into())).is_err(), "{loose}");
        }
    }

    #[test]
    fn the_store_knows_the_urgent_hops() {
        use crate::liaison::hop;
        assert_eq!(
            kakehashi_store::URGENT_HOPS,
            [hop::URGENT_COPY, hop::URGENT_COPY_CONFINED]
        );
    }
}
