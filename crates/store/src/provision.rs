//! Records of 情報提供 (information provision): NISC's notices, their sources, sanitisation
//! decisions, consent requests, relays, per-recipient receipts and inquiries.

use chrono::{DateTime, Utc};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// A source NISC recorded that is not a liaison chain: a vendor advisory, a JPCERT/CC alert…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceItemRecord {
    pub id: String,
    pub title: String,
    /// Who published or provided it.
    pub origin: String,
    pub url: String,
    pub tlp: String,
    /// Sectors the source allows sharing with; `None` = no sector restriction.
    pub allowed_sectors: Option<Vec<String>>,
    /// Identifying details to keep out of provisions (names, e-mails, phones, URLs, domains), JSON.
    pub identifiers: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

/// What an import (STIX bundle, MISP event) read into a source item besides its row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceImportRecord {
    pub source_item: String,
    /// "stix" or "misp".
    pub format: String,
    /// The bundle id or the MISP event uuid.
    pub external_id: String,
    /// The readable text (names, descriptions, notes).
    pub body: String,
    /// The provision form's indicators, JSON.
    pub indicators: String,
}

/// One report (第k報) of a provision chain T<n>; a draft until sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionRecord {
    pub id: String,
    pub chain: String,
    pub report_no: u32,
    /// T<n> / T<n>-<k>, assigned when sent.
    pub ident: Option<String>,
    /// "draft" or "sent".
    pub state: String,
    /// The `ProvisionForm` as JSON.
    pub form: String,
    pub tlp: String,
    pub importance: Option<String>,
    /// Target sectors (情報提供先).
    pub sectors: Vec<String>,
    /// The sources it draws on, JSON (`[{ "kind": "chain"|"item", "id": … }]`).
    pub sources: String,
    /// Sanitisation decisions, JSON.
    pub resolutions: String,
    /// 早期警戒: sent directly to the CEPTOARs/operators NISC named, with a copy to the ministries.
    pub urgent: bool,
    /// The CEPTOARs and operators an urgent provision goes to directly (「直接セプター又は個別
    /// 重要インフラ事業者等へ」); they are addressees of the sent provision. Empty unless urgent.
    pub direct_recipients: Vec<OrgId>,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Per-recipient organisation state of a sent provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub provision: String,
    pub org: OrgId,
    /// The organisation that relayed it here (None = NISC sent it).
    pub via_org: Option<OrgId>,
    pub relay: Option<String>,
    pub delivered_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub acked_at: Option<DateTime<Utc>>,
    pub ack_note: String,
}

/// An explicit relay action: one organisation passing a provision on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelayRecord {
    pub id: String,
    pub provision: String,
    pub from_org: OrgId,
    pub by_person: PersonId,
    pub recipients: Vec<OrgId>,
    pub at: DateTime<Utc>,
}

/// A request to a source's sender to widen the scope it allowed: for a provision (NISC asks a
/// source's sender) or for a liaison copy (its holder asks the copy's sender before forwarding
/// it under a looser TLP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub id: String,
    /// The provision that needs it; `None` for a copy's consent.
    pub provision: Option<String>,
    /// The source: `chain:<id>` or `item:<id>` for a provision, `copy:<id>` for a copy.
    pub source: String,
    /// The organisation that decides (the source's sender).
    pub decider_org: OrgId,
    pub sectors: Vec<String>,
    pub tlp: Option<String>,
    /// "pending", "approved", "refused".
    pub status: String,
    pub note: String,
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The organisation that asked (a copy's holder); `None` for NISC's provision requests.
    #[serde(default)]
    pub requester_org: Option<OrgId>,
}

impl ConsentRecord {
    /// The copy a copy consent is about.
    pub fn copy(&self) -> Option<&str> {
        self.source.strip_prefix("copy:")
    }
}

/// What provision listings show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionSummary {
    pub id: String,
    pub chain: String,
    pub report_no: u32,
    pub ident: Option<String>,
    pub tlp: String,
    pub importance: Option<String>,
    pub sectors: Vec<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// 問合せ — an inquiry thread a ministry in the provision's scope opened with NISC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquiryRecord {
    pub id: String,
    pub provision: String,
    pub ministry_org: OrgId,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquiryMessageRecord {
    pub id: String,
    pub inquiry: String,
    pub author: PersonId,
    pub author_org: OrgId,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// One row of a person's in-app inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub person: PersonId,
    /// e.g. "provision".
    pub kind: String,
    pub ref_id: String,
    /// Marking and number only (e.g. 「情報提供 T1」), never content.
    pub title: String,
    pub importance: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A webhook an organisation registered: events about items reaching it are POSTed, signed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub id: String,
    pub org: OrgId,
    pub url: String,
    /// HMAC-SHA256 key; shown once at creation, never logged.
    #[serde(skip_serializing)]
    pub secret: String,
    pub active: bool,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for WebhookRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookRecord")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("url", &self.url)
            .field("secret", &"***")
            .finish_non_exhaustive()
    }
}

/// One queued POST of an event to a webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDeliveryRecord {
    pub id: String,
    pub webhook: String,
    pub payload: String,
    /// "pending", "done", "dead".
    pub status: String,
    pub attempts: u32,
    pub next_at: DateTime<Utc>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
}
