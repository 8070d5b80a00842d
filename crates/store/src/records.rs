//! Plain records as stored. Domain types are rebuilt from them by the application.

use chrono::{DateTime, Utc};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRecord {
    pub id: OrgId,
    /// `OrgKind::code()`.
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    pub sectors: Vec<String>,
    pub ceptoars: Vec<OrgId>,
    pub nisc_partner: bool,
    /// Known name variants and domains, used by CEPTOAR anonymisation.
    pub aliases: Vec<String>,
    pub domains: Vec<String>,
    /// The organisation's own postal addresses, phone and fax numbers, e-mail addresses and IP
    /// addresses or ranges: what identifies it as a reporter, masked by the CEPTOAR's
    /// anonymisation. Only its own administrators and platform administrators see them.
    pub addresses: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub ip_ranges: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: PersonId,
    pub org: OrgId,
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub department: String,
    /// PHC string (Argon2id); never logged.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// `Role::code()` values.
    pub roles: Vec<String>,
    /// `Employment::code()`.
    pub employment: String,
    /// `None` = all sectors; `Some(list)` = those sectors.
    pub need_to_know: Option<Vec<String>>,
    pub active: bool,
    pub locale: String,
    /// Mail for non-alert provisions: "immediate", "digest" or "none" (警報 always at once).
    pub mail_pref: String,
    /// The password was chosen by someone else (bootstrap, an administrator): its holder must
    /// change it before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub token_hash: String,
    pub person: PersonId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenRecord {
    pub id: String,
    pub person: PersonId,
    pub name: String,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// A liaison chain (one case). `number` is NISC's n of R<n>, set on NISC's first receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainRecord {
    pub id: ChainId,
    pub number: Option<u64>,
    pub sector: String,
    /// 法令等報告対象 — decides whether the CEPTOAR route is open.
    pub statutory: bool,
    /// The handbook's case ①–③ the first report was filed under.
    pub reporting_case: kakehashi_domain::liaison::ReportingCase,
    /// Case ②: the stakeholder who judged the impact serious.
    pub case_judged_by: Option<String>,
    pub origin_org: OrgId,
    /// "open" / "closed", from ⑧ of the latest report.
    pub status: String,
    pub latest_report_no: u32,
    /// An exercise chain: `number` is then its n of E-R<n>, from the exercise series.
    pub exercise: bool,
    /// The exercise (演習) that created it, if any.
    #[serde(default)]
    pub exercise_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChainRecord {
    /// The number report `report_no` of this chain shows (R<n>, R<n>-<k>, or E-R<n>… for an
    /// exercise), once NISC has numbered the chain.
    pub fn ident(&self, report_no: u32) -> Option<String> {
        self.number.map(|n| {
            kakehashi_domain::liaison::chain_ident(n, report_no, self.exercise).to_string()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRecord {
    pub id: ReportId,
    pub chain: ChainId,
    pub report_no: u32,
    /// R<n> / R<n>-<k>, once NISC has received this report.
    pub ident: Option<String>,
    pub numbered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One hop's immutable copy: its own sender, addressee, TLP and form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyRecord {
    pub id: CopyId,
    pub chain: ChainId,
    pub report: ReportId,
    pub report_no: u32,
    /// "file", "forward", "urgent_copy".
    pub hop_kind: String,
    pub sender_org: OrgId,
    pub sender_person: PersonId,
    pub addressee_org: OrgId,
    pub added_recipients: Vec<OrgId>,
    pub tlp: String,
    pub importance: Option<String>,
    pub sector: String,
    pub held_by_nisc: bool,
    pub anonymised: bool,
    pub parent: Option<CopyId>,
    /// The `LiaisonForm` as JSON.
    pub form: String,
    pub created_at: DateTime<Utc>,
}

/// What the STIX export of a copy needs besides the copy itself ([`crate::Store::copy_exports`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CopyExport {
    pub copy: CopyId,
    /// The copy's chain.
    pub chain: ChainRecord,
    /// The indicators kept for the copy (see [`NewCopy::stix_indicators`]); `None` if not yet.
    pub stix_indicators: Option<String>,
}

/// What listings show: enough to choose, not the content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopySummary {
    pub id: CopyId,
    pub chain: ChainId,
    pub report_no: u32,
    pub ident: Option<String>,
    pub hop_kind: String,
    pub sender_org: OrgId,
    pub addressee_org: OrgId,
    pub tlp: String,
    pub importance: Option<String>,
    pub sector: String,
    pub chain_status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct CopyQuery {
    /// The viewer's audience keys (from the policy). Empty = nothing.
    pub keys: Vec<String>,
    /// Only copies addressed to or sent by this organisation (the inbox).
    pub involving_org: Option<OrgId>,
    pub sector: Option<String>,
    pub tlp: Option<String>,
    /// Only copies created strictly before this time (keyset paging).
    pub before: Option<(DateTime<Utc>, CopyId)>,
    pub limit: u32,
}

/// A worker node's claim on rows (webhook deliveries, digest rows): rows claimed are the node's
/// until `until`; claims that lapsed at `now` (their node crashed or stalled) may be claimed
/// again by any node. Workers run on every node, so a row goes out once only because of this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The claiming node (unique per server process).
    pub node: String,
    pub now: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewChain {
    pub id: ChainId,
    pub sector: String,
    pub statutory: bool,
    pub reporting_case: kakehashi_domain::liaison::ReportingCase,
    pub case_judged_by: Option<String>,
    pub origin_org: OrgId,
    pub exercise: bool,
    /// The exercise it is filed in (implies `exercise`).
    pub exercise_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: ReportId,
    pub report_no: u32,
}

#[derive(Debug, Clone)]
pub struct NewCopy {
    pub record: CopyRecord,
    /// Audience keys from the policy, stored for the indexed listing.
    pub audience: Vec<String>,
    /// What keyword search matches: the form's text, normalised (see the listing).
    pub search_text: String,
    /// The indicators the STIX export names for this copy, derived from its form when it is
    /// written (JSON; the application's encoding). `None`: derived on the first export instead.
    pub stix_indicators: Option<String>,
    /// The addressee is NISC: receiving it numbers the report (and the chain, the first time).
    pub numbers_on_receipt: bool,
}

/// One atomic liaison write.
#[derive(Debug, Clone)]
pub struct HopBatch {
    pub chain: ChainId,
    pub new_chain: Option<NewChain>,
    pub report: ReportId,
    pub new_report: Option<NewReport>,
    pub copies: Vec<NewCopy>,
    /// New chain status from ⑧, if this batch carries a new report.
    pub chain_status: Option<String>,
    /// A first report filed from a consultation: linked to the chain and closed in the same
    /// transaction; `Conflict("consultation")` (nothing written) if it cannot be.
    pub consultation: Option<crate::ConsultationLink>,
    pub audit: Vec<AuditDraft>,
    pub at: DateTime<Utc>,
    /// Whom the write tells, written in its transaction: the inbox rows and webhook deliveries
    /// are durable with the copies, or none of them is.
    pub tell: Option<Tell>,
}

/// One inbox row per person for an item (a person's existing row for it is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationDraft {
    pub people: Vec<PersonId>,
    pub kind: String,
    pub ref_id: String,
    pub title: String,
    pub importance: Option<String>,
}

/// What a write tells: inbox rows and queued webhook deliveries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Told {
    pub notifications: Vec<NotificationDraft>,
    pub webhooks: Vec<crate::WebhookDeliveryRecord>,
}

/// Whom a liaison write (or a provision's send) tells, from its outcome: an inbox title and a
/// webhook body name the R-number (the T-number), which only the write's own transaction gives. A pure function, called by the store
/// inside that transaction; who is told was decided before the write, by the policy.
#[derive(Clone)]
pub struct Tell(pub std::sync::Arc<dyn Fn(&HopOutcome) -> Told + Send + Sync>);

impl std::fmt::Debug for Tell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tell(..)")
    }
}

/// What a numbering write gave: a liaison write's chain number and the R-number of its report,
/// once NISC has it; a provision's send, its T-number as `ident` (and no chain number).
#[derive(Debug, Clone, PartialEq)]
pub struct HopOutcome {
    pub chain_number: Option<u64>,
    pub ident: Option<String>,
}

// Hand-written Debug: secrets (password hashes, token hashes, CSRF tokens) never reach a log.
impl std::fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRecord")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("login", &self.login)
            .field("roles", &self.roles)
            .field("employment", &self.employment)
            .field("need_to_know", &self.need_to_know)
            .field("active", &self.active)
            .field("must_change_password", &self.must_change_password)
            .field("password_hash", &"***")
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRecord")
            .field("person", &self.person)
            .field("expires_at", &self.expires_at)
            .field("token_hash", &"***")
            .field("csrf_token", &"***")
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ApiTokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTokenRecord")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("revoked", &self.revoked)
            .field("token_hash", &"***")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let p = crate::conformance::person("p", "o");
        let shown = format!("{p:?}");
        assert!(
            shown.contains("***") && !shown.contains("$argon2id$"),
            "{shown}"
        );
        let t = ApiTokenRecord {
            id: "t".into(),
            person: PersonId("p".into()),
            name: "n".into(),
            token_hash: "secret-hash".into(),
            scopes: vec![],
            created_at: chrono::Utc::now(),
            expires_at: None,
            revoked: false,
        };
        assert!(!format!("{t:?}").contains("secret-hash"));
    }
}
