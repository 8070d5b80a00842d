//! 情報連絡 — the liaison use cases: file, forward (anonymising at a CEPTOAR, completing at a
//! ministry), follow up, and every read path, each asking the one sharing policy.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::orgs::NISC_ORG;
use crate::reporter::reporter_identifiers;
use crate::taxonomy::RefTaxonomy;
use crate::{new_id, App};
use chrono::{DateTime, Timelike, Utc};
use kakehashi_domain::liaison::case::{self, ReportingCase};
use kakehashi_domain::liaison::{
    self, anonymise, plan_ceptoar_hop, plan_first_hop, CeptoarRouteError, HopTarget, LiaisonForm,
    RouteError, RouteRequest, ValidationContext,
};

use crate::fanout::{MailFor, MailWhen, Reach};
use kakehashi_domain::stix::export::{copy_indicators, encode_indicators};
use kakehashi_domain::text;
use kakehashi_domain::{ChainId, CopyId, OrgId, OrgKind, Role, SectorId, Tlp};
use kakehashi_policy::Access;
use kakehashi_policy::{audience, reveal, viewer_keys, ItemScope, Visible};
use kakehashi_store::{
    ChainRecord, ConsentRecord, CopyQuery, CopyRecord, CopySummary, HopBatch, HopOutcome, NewChain,
    NewCopy, NewReport, NotificationDraft, OrgRecord, ReportRecord, Tell, Told,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub mod share;

/// Hop kinds as stored.
pub mod hop {
    /// The first hop from the reporter.
    pub const FILE: &str = "file";
    /// The operator's hop to its CEPTOAR on the anonymising route: confined to the two
    /// organisations whatever its TLP, because that route exists so the ministry does not learn
    /// who reported (notes part 3 §5.4). The TLP still governs what the CEPTOAR passes on.
    pub const FILE_VIA_CEPTOAR: &str = "file_via_ceptoar";
    /// 同報 — the urgent simultaneous copy to NISC.
    pub const URGENT_COPY: &str = "urgent_copy";
    /// 同報 on the anonymising route: the operator's own copy names it, so it is confined to NISC
    /// (kept RED, NISC its only addressee) whatever TLP was chosen.
    pub const URGENT_COPY_CONFINED: &str = "urgent_copy_confined";
    /// 大規模重要インフラサービス障害対応時: an operator or CEPTOAR secretariat reporting
    /// directly to 内閣官房 (NISC and the crisis-management office acting as one hub; 別紙４－２
    /// L7, L8). The hub numbers it like any report it receives.
    pub const DIRECT_TO_HUB: &str = "direct_to_hub";

    /// Hops confined to their sender and addressee whatever TLP was chosen.
    pub fn is_confined(kind: &str) -> bool {
        kind == FILE_VIA_CEPTOAR || kind == URGENT_COPY_CONFINED
    }
    /// An onward hop (CEPTOAR → ministry, ministry → NISC).
    pub const FORWARD: &str = "forward";
    /// ※１ — NISC sharing what it received with the crisis-management office or an agency it
    /// asked in advance to cooperate, for incident handling and analysis.
    pub const NISC_SHARE: &str = "nisc_share";
}

/// Filing a first report or a follow-up.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRequest {
    pub form: LiaisonForm,
    /// 法令等報告対象 — a law requires the report; the anonymising route is then closed.
    #[serde(default)]
    pub statutory: bool,
    /// 情報連絡を行う場合 ①–③ (first reports; a follow-up keeps its case's). Absent: ① when
    /// `statutory`, else ③. ① is the same as `statutory` (the two must agree).
    #[serde(default)]
    pub case: Option<ReportingCase>,
    /// Case ② only, and required there: the stakeholder who judged the impact serious.
    #[serde(default)]
    pub case_judged_by: Option<String>,
    /// The web form asks for the case, so none chosen is an error there; API clients that
    /// predate the case get ③ (or ① with `statutory`).
    #[serde(skip)]
    pub case_required: bool,
    /// Send through the CEPTOAR secretariat, which anonymises (non-statutory only).
    #[serde(default)]
    pub via_ceptoar: bool,
    /// 特に緊急 — copy NISC at the same time.
    #[serde(default)]
    pub urgent: bool,
    /// Recipients outside the chosen TLP scope that the sender adds.
    #[serde(default)]
    pub added_recipients: Vec<String>,
    /// Marked as an exercise (演習): numbered E-R<n>, never counted as a real case.
    #[serde(default)]
    pub exercise: bool,
    /// First reports only: the running exercise (演習) this report is filed in, one the
    /// filer's organisation takes part in. Implies `exercise`.
    #[serde(default)]
    pub exercise_id: Option<String>,
    /// Large-scale mode only: report directly to 内閣官房 (the joined hub of NISC and the
    /// crisis-management office) besides or instead of the normal route (別紙４－２ L7, L8).
    #[serde(default)]
    pub to_cabinet_secretariat: bool,
    /// First reports only: the consultation (相談) this report was filed after, one the
    /// filer's organisation opened. Filing links the two and closes the consultation.
    #[serde(default)]
    pub consultation: Option<String>,
}

/// Sending a received copy on to the next hop.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForwardRequest {
    pub form: LiaisonForm,
    /// CEPTOAR only: mask the operator before sending.
    #[serde(default)]
    pub anonymise: bool,
    #[serde(default)]
    pub added_recipients: Vec<String>,
    /// CEPTOAR only, with `anonymise`: more terms to mask besides what identifies the reporter
    /// (typically indicators the preview listed as kept).
    #[serde(default)]
    pub mask: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    pub chain: ChainId,
    pub report_no: u32,
    pub copies: Vec<CopyId>,
    /// R<n> / R<n>-<k> when this write reached NISC.
    pub ident: Option<String>,
    /// Who received it and what each sees, as planned by [`App::plan_route`] before the write.
    pub recipients: Vec<PlannedRecipient>,
}

/// Which filing a route is planned for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FilingKind {
    /// 第1報.
    #[default]
    First,
    /// 続報 on a case (`chain`).
    FollowUp,
    /// Sending a received copy (`copy`) on.
    Forward,
}

/// What decides where a filing goes: the kind of filing (with its case or copy) and the route
/// choices on the form. Nothing else on the form changes the route.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteQuery {
    pub kind: FilingKind,
    /// Follow-ups: the case.
    pub chain: Option<ChainId>,
    /// Forwards: the received copy.
    pub copy: Option<CopyId>,
    /// ③ on a first report (a follow-up or forward keeps the case's sector).
    pub sector: Option<String>,
    /// The TLP the sender chose, if any yet.
    pub tlp: Option<String>,
    pub importance: Option<String>,
    /// First reports only: a follow-up keeps the case's classification.
    pub statutory: bool,
    /// First reports only: the case ①–③ (① is statutory).
    pub case: Option<ReportingCase>,
    pub via_ceptoar: bool,
    pub urgent: bool,
    /// Large-scale mode: directly to 内閣官房.
    pub to_cabinet_secretariat: bool,
    /// Forwards by a CEPTOAR.
    pub anonymise: bool,
    pub added_recipients: Vec<String>,
}

impl RouteQuery {
    fn of_file(kind: FilingKind, chain: Option<ChainId>, req: &FileRequest) -> Self {
        RouteQuery {
            kind,
            chain,
            copy: None,
            sector: req.form.sector.as_ref().map(|s| s.0.clone()),
            tlp: req.form.tlp.map(|t| t.code().to_owned()),
            importance: req.form.importance.map(|i| i.code().to_owned()),
            statutory: req.statutory,
            case: req.case,
            via_ceptoar: req.via_ceptoar,
            urgent: req.urgent,
            to_cabinet_secretariat: req.to_cabinet_secretariat,
            anonymise: false,
            added_recipients: req.added_recipients.clone(),
        }
    }

    fn of_forward(copy: &CopyId, req: &ForwardRequest) -> Self {
        RouteQuery {
            kind: FilingKind::Forward,
            chain: None,
            copy: Some(copy.clone()),
            sector: req.form.sector.as_ref().map(|s| s.0.clone()),
            tlp: req.form.tlp.map(|t| t.code().to_owned()),
            importance: req.form.importance.map(|i| i.code().to_owned()),
            anonymise: req.anonymise,
            added_recipients: req.added_recipients.clone(),
            ..Default::default()
        }
    }
}

/// What one recipient of a filing receives, in the sender's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reception {
    /// The sector's ministry receives the report as written, completes it and sends it to NISC.
    MinistryThenNisc,
    /// Only the CEPTOAR secretariat reads this hop (with the reporter), whatever its TLP; it
    /// anonymises before anything goes to the ministry.
    CeptoarAnonymises,
    /// The ministry receives the CEPTOAR's anonymised version.
    MinistryAnonymised,
    /// The ministry receives it with the reporter's name: the CEPTOAR does not anonymise.
    MinistryNamed,
    /// NISC receives it and numbers it (R<n> / R<n>-<k>).
    NiscNumbers,
    /// 同報: NISC receives the same report at once, from the reporter, not anonymised.
    NiscUrgentCopy,
    /// 同報 on the anonymising route: only NISC's CI protection unit reads this copy (kept RED),
    /// so the reporter's name reaches neither the ministry nor the sector through it.
    NiscUrgentCopyConfined,
    /// Large-scale mode: the joined hub (NISC and the crisis-management office) receives it
    /// directly and numbers it; the office reads it for the declared sectors.
    HubDirect,
    /// ※１: the crisis-management office or a pre-arranged agency receives NISC's share.
    Partner,
    /// A recipient the sender added beyond the TLP scope: named on every copy of this filing.
    Added,
    /// A sideways or downward share (N4, N6, N23, N25).
    Shared,
}

impl Reception {
    pub fn code(self) -> &'static str {
        match self {
            Reception::MinistryThenNisc => "ministry_then_nisc",
            Reception::CeptoarAnonymises => "ceptoar_anonymises",
            Reception::MinistryAnonymised => "ministry_anonymised",
            Reception::MinistryNamed => "ministry_named",
            Reception::NiscNumbers => "nisc_numbers",
            Reception::NiscUrgentCopy => "nisc_urgent_copy",
            Reception::NiscUrgentCopyConfined => "nisc_urgent_copy_confined",
            Reception::HubDirect => "hub_direct",
            Reception::Partner => "partner",
            Reception::Added => "added",
            Reception::Shared => "shared",
        }
    }

    pub fn note_ja(self) -> &'static str {
        match self {
            Reception::MinistryThenNisc => "記載のとおり受信し、確認・補完のうえ内閣官房（NISC）へ転送します。",
            Reception::CeptoarAnonymises => "セプター事務局だけが受信します（TLPにかかわらず事業者とセプターの2組織限り）。事業者名・連絡先等を匿名化してから所管省庁へ転送するため、所管省庁は匿名化後の内容だけを見ます。",
            Reception::MinistryAnonymised => "匿名化後の内容を受信します（事業者名・連絡先等は伏せられます）。",
            Reception::MinistryNamed => "匿名化されていない内容を受信します。事業者名が所管省庁に伝わります。",
            Reception::NiscNumbers => "受信して識別番号（R番号）を採番します。",
            Reception::NiscUrgentCopy => "同じ報告を同時に受信します（緊急の同報）。事業者が直接送る写しのため匿名化されません。",
            Reception::NiscUrgentCopyConfined => "同じ報告を同時に受信します（緊急の同報）。事業者が直接送る写しのため貴社名が記載されますが、TLPにかかわらずNISC重要インフラ防護担当限り（TLP:RED、宛先はNISCのみ）とし、所管省庁・同分野の事業者等には共有されません。",
            Reception::HubDirect => "大規模障害対応時の直接連絡として内閣官房（NISCと事態対処・危機管理担当が一体となった窓口）が受信し、R番号を採番します。宣言された分野については事態対処・危機管理担当も閲覧します。通常の経路とTLPの規則はそのまま適用されます。",
            Reception::Partner => "※１の共有先として、NISCが受領した内容をそのまま受信します。",
            Reception::Added => "送信者が追加した共有先として、この送信の写しを閲覧できます（選択したTLPの範囲外）。",
            Reception::Shared => "共有先として、この写しを選択したTLPの範囲で閲覧できます。",
        }
    }

    pub fn note_en(self) -> &'static str {
        match self {
            Reception::MinistryThenNisc => "Receives it as written, checks and completes it, then forwards it to the Cabinet Secretariat (NISC).",
            Reception::CeptoarAnonymises => "Only the CEPTOAR secretariat receives it (confined to the operator and the CEPTOAR, whatever the TLP). It masks the operator's name and contacts before forwarding, so the ministry sees only the anonymised version.",
            Reception::MinistryAnonymised => "Receives the anonymised version (the operator's name and contacts masked).",
            Reception::MinistryNamed => "Receives it without anonymisation: the ministry learns the operator's name.",
            Reception::NiscNumbers => "Receives it and assigns the identification number (R-number).",
            Reception::NiscUrgentCopy => "Receives the same report at once (urgent copy). The operator sends this copy itself, so it is not anonymised.",
            Reception::NiscUrgentCopyConfined => "Receives the same report at once (urgent copy). The operator sends this copy itself, so it names you, but it is kept for NISC's CI protection unit only (TLP:RED, NISC its only addressee, whatever TLP you chose): neither the ministry nor the sector sees it.",
            Reception::HubDirect => "Large-scale mode direct report: the Cabinet Secretariat (NISC and the crisis-management office acting as one hub) receives it and assigns the R-number; the office reads it for the declared sectors. Normal routes and TLP rules still apply.",
            Reception::Partner => "Receives what NISC received, unchanged, as a partner under *1.",
            Reception::Added => "Added by the sender beyond the chosen TLP scope: may read the copies of this sending.",
            Reception::Shared => "Receives the share and reads it as its TLP admits.",
        }
    }
}

/// One organisation a filing reaches.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRecipient {
    pub org: OrgId,
    pub name_ja: String,
    pub name_en: String,
    /// The hop kind of the copy addressed to it; `None` for an added recipient.
    pub hop_kind: Option<String>,
    /// The TLP its copy is kept under, as the policy applies it (RED on the anonymising route's
    /// confined hop whatever was chosen); `None` while no TLP is chosen and the route forces none.
    pub tlp: Option<String>,
    pub reception: Reception,
    pub note_ja: &'static str,
    pub note_en: &'static str,
}

/// How a case's first report travelled; what a follow-up inherits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InheritedRoute {
    /// 法令等報告対象: fixed for the whole case.
    pub statutory: bool,
    /// The first report went through the CEPTOAR (anonymised). The reporter may change this
    /// per report; going direct tells the ministry who reported.
    pub via_ceptoar: bool,
    /// The first report was copied to NISC at once. Decided per report.
    pub urgent: bool,
}

/// A remark about the planned route, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteNote {
    pub code: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
}

/// Where a filing goes and what each recipient sees: computed by [`App::plan_route`], the same
/// function the filing use cases route with, so a preview cannot differ from what is sent.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRoute {
    pub kind: FilingKind,
    /// The copies, in sending order, then the added recipients.
    pub recipients: Vec<PlannedRecipient>,
    pub tlp: Option<String>,
    pub importance: Option<String>,
    /// The route as it will be applied (a follow-up's statutory flag is the case's).
    pub statutory: bool,
    pub via_ceptoar: bool,
    pub urgent: bool,
    pub anonymise: bool,
    /// Follow-ups: how the case's first report went.
    pub inherited: Option<InheritedRoute>,
    pub notes: Vec<RouteNote>,
    #[serde(skip)]
    hops: Vec<(String, OrgId)>,
    #[serde(skip)]
    added: Vec<OrgId>,
}

/// A copy as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CopyView {
    pub record: CopyRecord,
    pub form: LiaisonForm,
    pub ident: Option<String>,
    pub chain_number: Option<u64>,
    pub chain_status: String,
    pub sender_name: String,
    pub addressee_name: String,
    pub added_names: Vec<String>,
    /// The same names in English (empty where an organisation has none).
    pub sender_name_en: String,
    pub addressee_name_en: String,
    pub added_names_en: Vec<String>,
}

/// A chain with the copies this reader may see.
#[derive(Debug, Clone, Serialize)]
pub struct ChainView {
    pub id: ChainId,
    pub number: Option<u64>,
    /// An exercise (演習): marked on every page and answer, numbered E-R<n>.
    pub exercise: bool,
    /// The exercise that created it, if any.
    pub exercise_id: Option<String>,
    pub sector: String,
    /// 法令等報告対象 (case ①).
    pub statutory: bool,
    /// 情報連絡を行う場合 ①–③, as the first report was filed.
    pub reporting_case: ReportingCase,
    /// Case ②: who judged the impact serious.
    pub case_judged_by: Option<String>,
    pub status: String,
    pub latest_report_no: u32,
    pub reports: Vec<ReportRecord>,
    pub copies: Vec<Visible<CopyView>>,
    /// The reporting deadlines under the sector's policy; `None` when it has none.
    pub deadlines: Option<crate::deadlines::ChainDue>,
}

/// A listing row with names resolved.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub summary: CopySummary,
    pub sender_name: String,
    pub addressee_name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    pub sector: Option<String>,
    pub tlp: Option<String>,
    pub before: Option<(DateTime<Utc>, CopyId)>,
    pub limit: Option<u32>,
}

/// The policy's scope of a stored copy.
pub fn scope_of(c: &CopyRecord) -> AppResult<ItemScope> {
    let tlp = Tlp::from_code(&c.tlp)
        .ok_or_else(|| AppError::Internal(format!("stored TLP {}", c.tlp)))?;
    let tlp = if hop::is_confined(&c.hop_kind) {
        Tlp::Red
    } else {
        tlp
    };
    Ok(ItemScope {
        tlp,
        sectors: vec![SectorId(c.sector.clone())],
        sender_org: c.sender_org.clone(),
        addressees: vec![c.addressee_org.clone()],
        added_recipients: c.added_recipients.clone(),
        held_by_nisc: c.held_by_nisc,
    })
}

/// The levels a copy marked `marked` may be scoped at by [`scope_of`]: its marking, or RED when
/// its hop is confined to NISC. A listing filtered to a marking walks the keys of both.
pub(crate) fn scoped_levels(marked: Tlp) -> [Tlp; 2] {
    [marked, Tlp::Red]
}

fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

/// Levels whose reads are audited.
pub(crate) fn is_restricted(tlp: Tlp) -> bool {
    matches!(tlp, Tlp::Red | Tlp::AmberStrict | Tlp::Amber)
}

impl App {
    /// Validates the form and then sets what is derived from it: ⑥逸脱の有無 from the named
    /// service, its figures and any override.
    fn validate_form(&self, form: &mut LiaisonForm, chain_unnumbered: bool) -> AppResult<()> {
        let tax = RefTaxonomy(self.reference);
        liaison::validate(
            form,
            &tax,
            &ValidationContext {
                now: self.now(),
                chain_unnumbered,
            },
        )
        .map_err(AppError::Invalid)?;
        liaison::sml::apply(form, &tax);
        Ok(())
    }

    /// 情報連絡元. The organisation is always the sending organisation: it identifies the hop's
    /// sender. Department, person, phone, FAX and e-mail are what the sender entered (checked by
    /// validation like every field); the person's profile fills them when none was entered, and
    /// also when the block names another organisation — a block copied from the form being
    /// forwarded or followed up is the previous sender's, never this one's (on the anonymising
    /// route it would name the reporter).
    fn fill_sender(&self, actor: &Actor, form: &mut LiaisonForm) {
        let s = &mut form.sender;
        let given = s.organisation.trim();
        let foreign = !given.is_empty() && given != actor.org.name_ja.trim();
        let entered = [&s.department, &s.person, &s.phone, &s.fax, &s.email]
            .iter()
            .any(|v| !v.trim().is_empty());
        if foreign || !entered {
            s.department = actor.record.department.clone();
            s.person = actor.record.display_name.clone();
            s.phone = actor.record.phone.clone();
            s.fax = String::new();
            s.email = actor.record.email.clone();
        } else {
            for v in [
                &mut s.department,
                &mut s.person,
                &mut s.phone,
                &mut s.fax,
                &mut s.email,
            ] {
                *v = v.trim().to_owned();
            }
        }
        s.organisation = actor.org.name_ja.clone();
    }

    async fn ministry_of(&self, sector: &str) -> AppResult<OrgRecord> {
        let orgs = self.directory_records().await?;
        orgs.iter()
            .find(|o| o.kind == OrgKind::CiMinistry.code() && o.sectors.iter().any(|s| s == sector))
            .cloned()
            .ok_or_else(|| {
                AppError::bad_field(
                    "sector",
                    "no_ministry",
                    "この分野を所管する省庁が登録されていません。",
                    "No ministry overseeing this sector is registered.",
                )
            })
    }

    async fn checked_recipients(&self, ids: &[String]) -> AppResult<Vec<OrgId>> {
        let mut out = Vec::new();
        for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            self.store.org(&OrgId(id.to_owned())).await.map_err(|_| {
                AppError::bad_field(
                    "added_recipients",
                    "unknown",
                    format!("追加の共有先「{id}」が見つかりません。"),
                    format!("Added recipient '{id}' not found."),
                )
            })?;
            if !out.iter().any(|o: &OrgId| o.0 == id) {
                out.push(OrgId(id.to_owned()));
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn new_copy(
        &self,
        actor: &Actor,
        chain: &ChainId,
        report: &kakehashi_domain::ReportId,
        form: &LiaisonForm,
        hop_kind: &str,
        to: &OrgId,
        added: &[OrgId],
        parent: Option<CopyId>,
        anonymised: bool,
        at: DateTime<Utc>,
    ) -> AppResult<NewCopy> {
        let record = CopyRecord {
            id: CopyId(new_id()),
            chain: chain.clone(),
            report: report.clone(),
            report_no: form.report_no,
            hop_kind: hop_kind.to_owned(),
            sender_org: actor.org.id.clone(),
            sender_person: actor.person.id.clone(),
            addressee_org: to.clone(),
            added_recipients: added.to_vec(),
            tlp: form.tlp.map(|t| t.code()).unwrap_or("RED").to_owned(),
            importance: form.importance.map(|i| i.code().to_owned()),
            sector: form
                .sector
                .as_ref()
                .map(|s| s.0.clone())
                .unwrap_or_default(),
            held_by_nisc: to.0 == NISC_ORG || actor.org.id.0 == NISC_ORG,
            anonymised,
            parent,
            form: serde_json::to_string(form).map_err(|e| AppError::Internal(e.to_string()))?,
            created_at: at,
        };
        let scope = scope_of(&record)?;
        Ok(NewCopy {
            audience: audience(&scope)
                .into_iter()
                .map(|k| k.into_string())
                .collect(),
            numbers_on_receipt: to.0 == NISC_ORG,
            search_text: crate::inbox::search_text(form),
            stix_indicators: Some(encode_indicators(&copy_indicators(form))),
            record,
        })
    }

    /// Plans the first hop of a report (or follow-up) from the reporter's organisation.
    async fn first_hops(
        &self,
        actor: &Actor,
        req: &FileRequest,
        sector: &str,
    ) -> AppResult<Vec<(String, OrgId)>> {
        let nisc = OrgId(NISC_ORG.into());
        match actor.org.kind {
            OrgKind::Operator => {
                let ceptoar = self.ceptoar_of(actor, sector).await?;
                let plan = plan_first_hop(&RouteRequest {
                    statutory: req.statutory,
                    via_ceptoar: req.via_ceptoar,
                    urgent: req.urgent,
                    large_scale_mode: large_scale_here(actor, sector),
                    operator_in_ceptoar: ceptoar.is_some(),
                    to_cabinet_secretariat: req.to_cabinet_secretariat,
                })
                .map_err(|e| {
                    let field = match e {
                        RouteError::CabinetOnlyInLargeScale => "to_cabinet_secretariat",
                        _ => "via_ceptoar",
                    };
                    AppError::bad_field(field, "route", e.message_ja(), e.message_en())
                })?;
                let mut hops = match plan.first {
                    HopTarget::SectorMinistry => {
                        vec![(hop::FILE.to_owned(), self.ministry_of(sector).await?.id)]
                    }
                    HopTarget::Ceptoar => {
                        let c = ceptoar.ok_or_else(|| {
                            AppError::Internal("planned CEPTOAR route without CEPTOAR".into())
                        })?;
                        vec![(hop::FILE_VIA_CEPTOAR.to_owned(), c)]
                    }
                    HopTarget::CabinetSecretariat => {
                        let mut hops = vec![(hop::DIRECT_TO_HUB.to_owned(), nisc.clone())];
                        // A statutory event still owes its report to the ministry.
                        if plan.copy_to_ministry {
                            hops.push((hop::FILE.to_owned(), self.ministry_of(sector).await?.id));
                        }
                        hops
                    }
                };
                if plan.urgent_copy_to_nisc && !hops.iter().any(|(_, o)| *o == nisc) {
                    let kind = if plan.urgent_copy_confined {
                        hop::URGENT_COPY_CONFINED
                    } else {
                        hop::URGENT_COPY
                    };
                    hops.push((kind.to_owned(), nisc));
                }
                Ok(hops)
            }
            OrgKind::Ceptoar => match plan_ceptoar_hop(
                req.statutory,
                req.to_cabinet_secretariat,
                large_scale_here(actor, sector),
            ) {
                Err(CeptoarRouteError::Statutory) => Err(AppError::bad_field(
                    "statutory",
                    "route",
                    "法令等報告対象の事象はセプター経由では連絡できません。事業者から所管省庁へ連絡してください。",
                    "Statutory events cannot go through a CEPTOAR; the operator reports to its ministry.",
                )),
                Err(CeptoarRouteError::Route(e)) => Err(AppError::bad_field(
                    "to_cabinet_secretariat",
                    e.rule(),
                    e.message_ja(),
                    e.message_en(),
                )),
                Ok(HopTarget::CabinetSecretariat) => Ok(vec![(hop::DIRECT_TO_HUB.to_owned(), nisc)]),
                Ok(_) => Ok(vec![(
                    hop::FILE.to_owned(),
                    self.ministry_of(sector).await?.id,
                )]),
            },
            OrgKind::CiMinistry => {
                if !actor.org.sectors.iter().any(|s| s.0 == sector) {
                    return Err(AppError::bad_field(
                        "sector",
                        "not_overseen",
                        "所管していない分野の情報連絡は作成できません。",
                        "A ministry can only file for sectors it oversees.",
                    ));
                }
                Ok(vec![(hop::FILE.to_owned(), nisc)])
            }
            _ => Err(AppError::forbidden(
                "情報連絡を作成できるのは事業者・セプター・所管省庁です。",
                "Only operators, CEPTOARs and CI ministries file liaisons.",
            )),
        }
    }

    /// A follow-up's case, if the actor's organisation took part in it (else not found, as for
    /// a missing id), and how its first report travelled.
    async fn follow_up_context(
        &self,
        actor: &Actor,
        chain_id: &ChainId,
    ) -> AppResult<(ChainRecord, InheritedRoute)> {
        let chain = self.store.chain(chain_id).await?;
        let copies = self.store.copies_of_chain(chain_id).await?;
        // Only organisations that took part in the chain may extend it.
        let involved = chain.origin_org == actor.org.id
            || copies
                .iter()
                .any(|c| c.sender_org == actor.org.id || c.addressee_org == actor.org.id);
        if !involved {
            return Err(AppError::NotFound);
        }
        let first = |kind: &str| {
            copies
                .iter()
                .any(|c| c.report_no == 1 && c.sender_org == chain.origin_org && c.hop_kind == kind)
        };
        let inherited = InheritedRoute {
            statutory: chain.statutory,
            via_ceptoar: first(hop::FILE_VIA_CEPTOAR),
            urgent: first(hop::URGENT_COPY) || first(hop::URGENT_COPY_CONFINED),
        };
        Ok((chain, inherited))
    }

    /// How a case's first report travelled, for a follow-up form: not found unless the actor's
    /// organisation took part in the case.
    pub async fn inherited_route(
        &self,
        actor: &Actor,
        chain_id: &ChainId,
    ) -> AppResult<InheritedRoute> {
        Ok(self.follow_up_context(actor, chain_id).await?.1)
    }

    /// The onward hop from a received copy: CEPTOAR → the sector's ministry, ministry → NISC.
    async fn forward_target(
        &self,
        actor: &Actor,
        parent: &CopyRecord,
        anonymise: bool,
    ) -> AppResult<OrgId> {
        let target = match actor.org.kind {
            OrgKind::Ceptoar => self.ministry_of(&parent.sector).await?.id,
            OrgKind::CiMinistry => OrgId(NISC_ORG.into()),
            _ => {
                return Err(AppError::forbidden(
                    "この組織からの転送先はありません。",
                    "Your organisation has no onward hop for liaisons.",
                ))
            }
        };
        let target_org = self.organisation(&target).await?;
        if !liaison::may_forward(actor.org.kind, target_org.kind) {
            return Err(AppError::forbidden(
                "この転送経路は許可されていません。",
                "This forwarding route is not allowed.",
            ));
        }
        if anonymise && actor.org.kind != OrgKind::Ceptoar {
            return Err(AppError::bad_field(
                "anonymise",
                "ceptoar_only",
                "匿名化はセプター事務局のみが行います。",
                "Only a CEPTOAR secretariat anonymises.",
            ));
        }
        Ok(target)
    }

    /// Where a filing goes and what each recipient sees. The filing use cases route with this
    /// very function (and a preview asks it the same question), so what the form announces is
    /// what is sent. Checks what routing needs — the sector, the route choices, the case or copy
    /// (not found unless the actor may extend or forward it), the added recipients — but not the
    /// rest of the form.
    pub async fn plan_route(&self, actor: &Actor, q: &RouteQuery) -> AppResult<PlannedRoute> {
        let mut statutory = q.statutory || q.case.is_some_and(ReportingCase::is_statutory);
        let mut inherited = None;
        let mut notes = Vec::new();
        let added: Vec<OrgId>;
        let hops = match q.kind {
            FilingKind::First => {
                let sector = q.sector.as_deref().map(str::trim).unwrap_or_default();
                if sector.is_empty() {
                    return Err(AppError::bad_field(
                        "sector",
                        "required",
                        "③分野名を選択すると送信先が決まります。",
                        "Choose ③ the sector to see where the report goes.",
                    ));
                }
                self.check_operator_sector(actor, sector)?;
                added = self.checked_recipients(&q.added_recipients).await?;
                self.first_hops(actor, &route_only(q, statutory), sector)
                    .await?
            }
            FilingKind::FollowUp => {
                let id = q.chain.as_ref().ok_or(AppError::NotFound)?;
                let (chain, from) = self.follow_up_context(actor, id).await?;
                statutory = chain.statutory;
                if actor.org.kind == OrgKind::Operator
                    && from.via_ceptoar
                    && !q.via_ceptoar
                    && chain.origin_org == actor.org.id
                {
                    notes.push(RouteNote {
                        code: "reveals_reporter",
                        ja: "この事案の第1報はセプター経由（匿名化）でした。この続報を直接送ると、所管省庁に貴社名が伝わります。",
                        en: "This case's first report went through the CEPTOAR (anonymised). Sending this follow-up directly tells the ministry who you are.",
                    });
                }
                inherited = Some(from);
                added = self.checked_recipients(&q.added_recipients).await?;
                self.first_hops(actor, &route_only(q, statutory), &chain.sector)
                    .await?
            }
            FilingKind::Forward => {
                let id = q.copy.as_ref().ok_or(AppError::NotFound)?;
                let (parent, _, _) = self.readable_copy(actor, id).await?;
                self.check_forwarder(actor, &parent)?;
                let to = self.forward_target(actor, &parent, q.anonymise).await?;
                added = self.checked_recipients(&q.added_recipients).await?;
                vec![(hop::FORWARD.to_owned(), to)]
            }
        };
        let tlp = match q.tlp.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(code) => Some(Tlp::from_code(code).ok_or_else(|| {
                AppError::bad_field(
                    "tlp",
                    "unknown_code",
                    format!("TLP「{code}」は選択肢にありません。"),
                    format!("TLP '{code}' is not one of the choices."),
                )
            })?),
        };
        let importance = q
            .importance
            .as_deref()
            .and_then(kakehashi_domain::Importance::from_code);
        let names = self.org_names().await?;
        let name = |o: &OrgId| names.get(o).cloned().unwrap_or_default();
        let mut recipients = Vec::new();
        for (kind, to) in &hops {
            let reception = reception_of(actor.org.kind, kind, to, q.anonymise);
            let (name_ja, name_en) = name(to);
            recipients.push(PlannedRecipient {
                org: to.clone(),
                name_ja,
                name_en,
                hop_kind: Some(kind.clone()),
                tlp: self.kept_tlp(actor, kind, to, &added, tlp, q.anonymise)?,
                reception,
                note_ja: reception.note_ja(),
                note_en: reception.note_en(),
            });
        }
        for o in &added {
            let (name_ja, name_en) = name(o);
            recipients.push(PlannedRecipient {
                org: o.clone(),
                name_ja,
                name_en,
                hop_kind: None,
                tlp: tlp.map(|t| t.code().to_owned()),
                reception: Reception::Added,
                note_ja: Reception::Added.note_ja(),
                note_en: Reception::Added.note_en(),
            });
        }
        Ok(PlannedRoute {
            kind: q.kind,
            recipients,
            tlp: tlp.map(|t| t.code().to_owned()),
            importance: importance.map(|i| i.code().to_owned()),
            statutory,
            via_ceptoar: q.via_ceptoar,
            urgent: q.urgent,
            anonymise: q.anonymise,
            inherited,
            notes,
            hops,
            added,
        })
    }

    /// The TLP a planned copy is kept under: the scope the policy will apply to the copy the use
    /// case creates (built the same way), so a hop confined by the route shows as such. With no
    /// TLP chosen yet, only a TLP the route forces is reported.
    fn kept_tlp(
        &self,
        actor: &Actor,
        kind: &str,
        to: &OrgId,
        added: &[OrgId],
        chosen: Option<Tlp>,
        anonymise: bool,
    ) -> AppResult<Option<String>> {
        let form = LiaisonForm {
            tlp: Some(chosen.unwrap_or(Tlp::Clear)),
            ..LiaisonForm::default()
        };
        let probe = self.new_copy(
            actor,
            &ChainId(String::new()),
            &kakehashi_domain::ReportId(String::new()),
            &form,
            kind,
            to,
            added,
            None,
            anonymise,
            self.now(),
        )?;
        let kept = scope_of(&probe.record)?.tlp;
        Ok(match chosen {
            None if kept == Tlp::Clear => None,
            _ => Some(kept.code().to_owned()),
        })
    }

    async fn ceptoar_of(&self, actor: &Actor, sector: &str) -> AppResult<Option<OrgId>> {
        for c in &actor.org.ceptoars {
            if let Ok(org) = self.store.org(c).await {
                if org.sectors.iter().any(|s| s == sector) {
                    return Ok(Some(org.id));
                }
            }
        }
        Ok(actor.org.ceptoars.first().cloned())
    }

    fn prepare_form(&self, actor: &Actor, form: &mut LiaisonForm) {
        self.fill_sender(actor, form);
        if form.reported_at.is_none() {
            form.reported_at = Some(minute(self.now()));
        }
        if actor.org.kind == OrgKind::Operator && form.operator_name.trim().is_empty() {
            form.operator_name = actor.org.name_ja.clone();
        }
    }

    fn check_operator_sector(&self, actor: &Actor, sector: &str) -> AppResult<()> {
        if matches!(actor.org.kind, OrgKind::Operator | OrgKind::Ceptoar)
            && !actor.org.sectors.iter().any(|s| s.0 == sector)
        {
            return Err(AppError::bad_field(
                "sector",
                "not_own_sector",
                "自組織の分野以外は選べません。",
                "Choose one of your organisation's own sectors.",
            ));
        }
        Ok(())
    }

    /// 第1報 checked but not sent: the prepared form (sender block, date, operator filled in)
    /// after validation, and where it would go. [`App::file_liaison`] sends exactly this.
    async fn prepare_file(
        &self,
        actor: &Actor,
        mut req: FileRequest,
    ) -> AppResult<(FileRequest, PlannedRoute)> {
        if !actor.has(Role::Reporter) && !actor.has(Role::Approver) {
            actor.require(Role::Reporter)?;
        }
        if let Some(id) = req.exercise_id.as_deref() {
            self.check_exercise_filing(actor, id).await?;
            req.exercise = true;
        }
        let (case, judged_by) = case::settle(
            req.case,
            req.statutory,
            req.case_judged_by.as_deref(),
            req.case_required,
        )
        .map_err(|e| AppError::bad_field(e.field(), e.rule(), e.message_ja(), e.message_en()))?;
        req.case = Some(case);
        req.case_judged_by = judged_by;
        req.statutory = case.is_statutory();
        req.form.report_no = 1;
        req.form.ident_number = None;
        req.consultation = req
            .consultation
            .take()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(id) = &req.consultation {
            self.consultation_to_file_from(actor, id).await?;
        }
        self.prepare_form(actor, &mut req.form);
        self.validate_form(&mut req.form, false)?;
        let plan = self
            .plan_route(actor, &RouteQuery::of_file(FilingKind::First, None, &req))
            .await?;
        Ok((req, plan))
    }

    /// Everything [`App::file_liaison`] checks, without sending: the route it would take. For a
    /// confirmation step before a 警報 goes out.
    pub async fn check_liaison(&self, actor: &Actor, req: FileRequest) -> AppResult<PlannedRoute> {
        Ok(self.prepare_file(actor, req).await?.1)
    }

    /// 第1報: files a new liaison chain.
    pub async fn file_liaison(&self, actor: &Actor, req: FileRequest) -> AppResult<Filed> {
        let (req, plan) = self.prepare_file(actor, req).await?;
        let sector = req.form.sector.clone().map(|s| s.0).unwrap_or_default();
        let at = self.now();
        let chain = ChainId(new_id());
        let report = kakehashi_domain::ReportId(new_id());
        let copies = plan
            .hops
            .iter()
            .map(|(kind, to)| {
                self.new_copy(
                    actor,
                    &chain,
                    &report,
                    &req.form,
                    kind,
                    to,
                    &plan.added,
                    None,
                    false,
                    at,
                )
            })
            .collect::<AppResult<Vec<_>>>()?;
        let ids: Vec<CopyId> = copies.iter().map(|c| c.record.id.clone()).collect();
        let mut detail = serde_json::json!({
            "report_no": 1,
            "copies": ids,
            "tlp": req.form.tlp.map(|t| t.code()),
            "case": req.case.map(ReportingCase::code),
        });
        if let Some(c) = &req.consultation {
            detail["consultation"] = serde_json::json!(c);
        }
        let audit = actor.audit("liaison.file", Some(chain.0.clone()), detail);
        let consultation = req
            .consultation
            .clone()
            .map(|id| kakehashi_store::ConsultationLink {
                id,
                operator_org: actor.org.id.clone(),
                by: actor.person.id.clone(),
            });
        let outcome = self
            .write_hops(
                actor,
                &req.form,
                ChainFacts {
                    exercise: req.exercise || req.exercise_id.is_some(),
                    origin_org: actor.org.id.clone(),
                    known_ident: None,
                },
                HopBatch {
                    chain: chain.clone(),
                    new_chain: Some(NewChain {
                        id: chain.clone(),
                        sector,
                        statutory: req.statutory,
                        reporting_case: req
                            .case
                            .ok_or_else(|| AppError::Internal("the case was not settled".into()))?,
                        case_judged_by: req.case_judged_by.clone(),
                        origin_org: actor.org.id.clone(),
                        exercise: req.exercise || req.exercise_id.is_some(),
                        exercise_id: req.exercise_id.clone(),
                    }),
                    report: report.clone(),
                    new_report: Some(NewReport {
                        id: report,
                        report_no: 1,
                    }),
                    copies,
                    chain_status: Some(status_code(&req.form).into()),
                    consultation,
                    audit: vec![audit],
                    at,
                    tell: None,
                },
                |e| match e {
                    // Filed from the same consultation meanwhile: nothing was written.
                    kakehashi_store::StoreError::Conflict(c) if c == "consultation" => {
                        AppError::bad_field(
                            "consultation",
                            "already_filed",
                            "この相談からは既に情報連絡が作成されています。",
                            "A liaison was already filed from this consultation.",
                        )
                    }
                    e => e.into(),
                },
            )
            .await?;
        Ok(Filed {
            chain,
            report_no: 1,
            copies: ids,
            ident: outcome.ident,
            recipients: plan.recipients,
        })
    }

    /// 続報 checked but not sent. The case's classification (法令等報告対象) and sector are
    /// the case's whatever the request says; the route choices are the request's.
    async fn prepare_follow_up(
        &self,
        actor: &Actor,
        chain_id: &ChainId,
        mut req: FileRequest,
    ) -> AppResult<(FileRequest, PlannedRoute, ChainRecord)> {
        if !actor.has(Role::Reporter) && !actor.has(Role::Approver) {
            actor.require(Role::Reporter)?;
        }
        // Not found before anything else for an organisation that did not take part.
        let (chain, _) = self.follow_up_context(actor, chain_id).await?;
        if req
            .consultation
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
        {
            return Err(AppError::bad_field(
                "consultation",
                "first_report_only",
                "相談との関連付けは第1報で行います。",
                "A consultation is linked on the first report.",
            ));
        }
        let k = chain.latest_report_no + 1;
        req.form.report_no = k;
        req.form.ident_number = chain.ident(k);
        req.form.sector = Some(SectorId(chain.sector.clone()));
        req.statutory = chain.statutory;
        req.case = Some(chain.reporting_case);
        req.case_judged_by = chain.case_judged_by.clone();
        self.prepare_form(actor, &mut req.form);
        self.validate_form(&mut req.form, chain.number.is_none())?;
        let plan = self
            .plan_route(
                actor,
                &RouteQuery::of_file(FilingKind::FollowUp, Some(chain_id.clone()), &req),
            )
            .await?;
        Ok((req, plan, chain))
    }

    /// Everything [`App::follow_up`] checks, without sending.
    pub async fn check_follow_up(
        &self,
        actor: &Actor,
        chain_id: &ChainId,
        req: FileRequest,
    ) -> AppResult<PlannedRoute> {
        Ok(self.prepare_follow_up(actor, chain_id, req).await?.1)
    }

    /// 続報: a follow-up on an existing chain, the only way to correct or extend it.
    pub async fn follow_up(
        &self,
        actor: &Actor,
        chain_id: &ChainId,
        req: FileRequest,
    ) -> AppResult<Filed> {
        let (req, plan, chain) = self.prepare_follow_up(actor, chain_id, req).await?;
        let k = chain.latest_report_no + 1;
        let at = self.now();
        let report = kakehashi_domain::ReportId(new_id());
        let new_copies = plan
            .hops
            .iter()
            .map(|(kind, to)| {
                self.new_copy(
                    actor,
                    chain_id,
                    &report,
                    &req.form,
                    kind,
                    to,
                    &plan.added,
                    None,
                    false,
                    at,
                )
            })
            .collect::<AppResult<Vec<_>>>()?;
        let ids: Vec<CopyId> = new_copies.iter().map(|c| c.record.id.clone()).collect();
        let audit = actor.audit(
            "liaison.follow_up",
            Some(chain_id.0.clone()),
            serde_json::json!({ "report_no": k, "copies": ids }),
        );
        let outcome = self
            .write_hops(
                actor,
                &req.form,
                ChainFacts {
                    exercise: chain.exercise,
                    origin_org: chain.origin_org.clone(),
                    known_ident: None,
                },
                HopBatch {
                    chain: chain_id.clone(),
                    new_chain: None,
                    report: report.clone(),
                    new_report: Some(NewReport {
                        id: report,
                        report_no: k,
                    }),
                    copies: new_copies,
                    chain_status: Some(status_code(&req.form).into()),
                    consultation: None,
                    audit: vec![audit],
                    at,
                    tell: None,
                },
                AppError::from,
            )
            .await?;
        Ok(Filed {
            chain: chain_id.clone(),
            report_no: k,
            copies: ids,
            ident: outcome.ident,
            recipients: plan.recipients,
        })
    }

    /// What a CEPTOAR's anonymisation would mask, before it sends: the masked form and the list
    /// (which holds the masked originals), so only for a reader of the copy who may forward it.
    pub async fn anonymise_preview(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        mask: &[String],
    ) -> AppResult<Visible<liaison::Anonymised>> {
        let (parent, scope, viewer) = self.readable_copy(actor, copy_id).await?;
        self.check_forwarder(actor, &parent)?;
        let form: LiaisonForm =
            serde_json::from_str(&parent.form).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut out = self.anonymised(&parent, &form, mask).await?;
        // The forwarded hop carries the CEPTOAR's own sender block, so the preview shows it too.
        self.fill_sender(actor, &mut out.form);
        reveal(&viewer, &scope, out).map_err(|_| AppError::NotFound)
    }

    /// Anonymises `form` (a copy of `parent`'s report) against everything that identifies the
    /// reporter, plus the extra terms in `mask`.
    async fn anonymised(
        &self,
        parent: &CopyRecord,
        form: &LiaisonForm,
        mask: &[String],
    ) -> AppResult<liaison::Anonymised> {
        let mask = text::clean_list(text::Subject::Forward, "mask", mask)?;
        let chain = self.store.chain(&parent.chain).await?;
        let origin = self.store.org(&chain.origin_org).await?;
        let people = self.store.people_of_org(&origin.id).await?;
        let filed: LiaisonForm =
            serde_json::from_str(&parent.form).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(anonymise(
            form,
            &reporter_identifiers(&origin, &people, &filed, &mask),
        ))
    }

    /// A copy the actor may read, with its scope and the actor's viewer; a copy the policy
    /// refuses is the same not-found as a missing id, so no route reveals that it exists.
    pub(crate) async fn readable_copy(
        &self,
        actor: &Actor,
        id: &CopyId,
    ) -> AppResult<(CopyRecord, ItemScope, kakehashi_policy::Viewer)> {
        let r = self.readable_copy_checked(actor, id).await;
        if matches!(r, Err(AppError::NotFound)) {
            // Refused and missing alike, counted for the audit log (aggregated).
            self.note_refusal(Some(actor), "not_found", Some(&format!("copy:{}", id.0)));
        }
        r
    }

    async fn readable_copy_checked(
        &self,
        actor: &Actor,
        id: &CopyId,
    ) -> AppResult<(CopyRecord, ItemScope, kakehashi_policy::Viewer)> {
        let c = self.store.copy(id).await?;
        let scope = scope_of(&c)?;
        let viewer = actor.viewer()?;
        if !kakehashi_policy::decide(&viewer, &scope).allowed {
            return Err(AppError::NotFound);
        }
        Ok((c, scope, viewer))
    }

    /// May the actor send this (readable) copy on? Only an approver of the addressed
    /// organisation.
    fn check_forwarder(&self, actor: &Actor, parent: &CopyRecord) -> AppResult<()> {
        actor.require(Role::Approver)?;
        if parent.addressee_org != actor.org.id {
            return Err(AppError::forbidden(
                "自組織宛ての情報連絡のみ転送できます。",
                "You can only forward a copy addressed to your organisation.",
            ));
        }
        Ok(())
    }

    /// A forward checked but not sent: the prepared form (numbering, anonymisation, sender
    /// block) after validation, and where it goes.
    async fn prepare_forward(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        mut req: ForwardRequest,
    ) -> AppResult<(ForwardRequest, PlannedRoute, CopyRecord)> {
        let (parent, _, _) = self.readable_copy(actor, copy_id).await?;
        self.check_forwarder(actor, &parent)?;
        let plan = self
            .plan_route(actor, &RouteQuery::of_forward(copy_id, &req))
            .await?;
        let reports = self.store.reports_of_chain(&parent.chain).await?;
        // The report's own number if NISC has it already, else the one a numbered chain implies.
        let chain = self.store.chain(&parent.chain).await?;
        let ident = reports
            .iter()
            .find(|r| r.id == parent.report)
            .and_then(|r| r.ident.clone())
            .or_else(|| chain.ident(parent.report_no));
        req.form.report_no = parent.report_no;
        req.form.ident_number = ident;
        req.form.sector = Some(SectorId(parent.sector.clone()));
        if !req.mask.is_empty() && !req.anonymise {
            return Err(AppError::bad_field(
                "mask",
                "needs_anonymise",
                "追加で伏せる語は、匿名化して転送する場合に指定します。",
                "Extra terms to mask apply only when anonymising before forwarding.",
            ));
        }
        if req.anonymise {
            req.form = self.anonymised(&parent, &req.form, &req.mask).await?.form;
        }
        self.fill_sender(actor, &mut req.form);
        if req.form.reported_at.is_none() {
            req.form.reported_at = Some(minute(self.now()));
        }
        self.validate_form(&mut req.form, chain.number.is_none())?;
        self.check_onward_tlp(&parent, req.form.tlp).await?;
        Ok((req, plan, parent))
    }

    /// An onward hop is never looser than the copy it is made from, unless that copy's sender
    /// approved a consent request for (at least) that level.
    async fn check_onward_tlp(&self, parent: &CopyRecord, onward: Option<Tlp>) -> AppResult<()> {
        let Some(onward) = onward else {
            return Ok(()); // validation has already asked for one
        };
        let sent = Tlp::from_code(&parent.tlp)
            .ok_or_else(|| AppError::Internal(format!("stored TLP {}", parent.tlp)))?;
        if onward.at_least_as_strict_as(sent) {
            return Ok(());
        }
        let consented = self
            .store
            .consents_of_source(&copy_source(&parent.id))
            .await?
            .iter()
            .any(|c| {
                c.status == "approved"
                    && c.tlp
                        .as_deref()
                        .and_then(Tlp::from_code)
                        .is_some_and(|agreed| onward.at_least_as_strict_as(agreed))
            });
        if liaison::onward_tlp_allowed(sent, onward, consented) {
            return Ok(());
        }
        Err(AppError::bad_field(
            "tlp",
            "looser_than_source",
            format!(
                "受信した情報連絡（TLP:{}）より緩いTLP:{}では転送できません。送信元の同意を得るか、TLP:{}以上の範囲を選んでください。",
                sent.code(),
                onward.code(),
                sent.code()
            ),
            format!(
                "A copy received as TLP:{} cannot be forwarded as the looser TLP:{}. Ask its sender's consent, or choose TLP:{} or stricter.",
                sent.code(),
                onward.code(),
                sent.code()
            ),
        ))
    }

    /// Asks the sender of a received copy to let its holder forward it under a looser TLP. Only
    /// a reader of the copy learns it exists (404 otherwise); only the holder's approver asks.
    pub async fn request_forward_consent(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        tlp: &str,
        note: &str,
    ) -> AppResult<ConsentRecord> {
        let (parent, _, _) = self.readable_copy(actor, copy_id).await?;
        self.check_forwarder(actor, &parent)?;
        let wanted = Tlp::from_code(tlp.trim()).ok_or_else(|| {
            AppError::bad_field(
                "tlp",
                "unknown_code",
                format!("TLP「{tlp}」は選択肢にありません。"),
                format!("TLP '{tlp}' is not one of the choices."),
            )
        })?;
        let sent = Tlp::from_code(&parent.tlp)
            .ok_or_else(|| AppError::Internal(format!("stored TLP {}", parent.tlp)))?;
        // N25: an agency asks the reporter (the case's originating organisation), whose consent
        // it needs to share onward at all, at whatever TLP.
        let chain = self.store.chain(&parent.chain).await?;
        let agency = actor.org.kind == OrgKind::CybersecurityAgency;
        let decider = if agency {
            chain.origin_org.clone()
        } else {
            parent.sender_org.clone()
        };
        if !agency && wanted.at_least_as_strict_as(sent) {
            return Err(AppError::bad_field(
                "tlp",
                "not_looser",
                format!(
                    "TLP:{}はこの情報連絡（TLP:{}）の範囲内です。同意は不要です。",
                    wanted.code(),
                    sent.code()
                ),
                format!(
                    "TLP:{} is within this copy's TLP:{}; no consent is needed.",
                    wanted.code(),
                    sent.code()
                ),
            ));
        }
        let note = text::clean(text::Subject::Consent, "note", note)?;
        let rec = ConsentRecord {
            id: new_id(),
            provision: None,
            source: copy_source(&parent.id),
            decider_org: decider.clone(),
            sectors: vec![],
            tlp: Some(wanted.code().to_owned()),
            status: "pending".into(),
            note,
            decided_by: None,
            decided_at: None,
            created_at: self.now(),
            requester_org: Some(actor.org.id.clone()),
        };
        let audit = actor.audit(
            "consent.request",
            Some(rec.id.clone()),
            serde_json::json!({ "copy": parent.id, "to": rec.decider_org, "tlp": rec.tlp }),
        );
        self.store.insert_consent(&rec, audit).await?;
        // The decider's people who may read the copy learn that a decision waits for them; the
        // reporter is told under the scope of its own copy of the report (the agency's copy may
        // be one it does not read).
        let scope = if agency {
            let copies = self.store.copies_of_chain(&parent.chain).await?;
            match copies
                .iter()
                .find(|c| c.report == parent.report && c.sender_org == decider)
            {
                Some(own) => scope_of(own)?,
                None => scope_of(&parent)?,
            }
        } else {
            scope_of(&parent)?
        };
        let title = if agency {
            format!("同意依頼: 関係機関からの共有（TLP:{}）", wanted.code())
        } else {
            format!("同意依頼: TLP:{} での転送", wanted.code())
        };
        let notice = crate::fanout::Notice {
            kind: "consent",
            ref_id: rec.id.clone(),
            title,
            importance: None,
            scope,
            orgs: vec![decider],
            mail: None,
            webhook: None,
        };
        if let Err(e) = self.fan_out(notice).await {
            tracing::warn!("telling the sender of a consent request failed: {e}");
        }
        Ok(rec)
    }

    /// The consent requests about a copy, for a reader of the copy (404 otherwise).
    pub async fn forward_consents(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
    ) -> AppResult<Visible<Vec<ConsentRecord>>> {
        let (parent, scope, viewer) = self.readable_copy(actor, copy_id).await?;
        let list = self
            .store
            .consents_of_source(&copy_source(&parent.id))
            .await?;
        reveal(&viewer, &scope, list).map_err(|_| AppError::NotFound)
    }

    /// Everything [`App::forward`] checks, without sending: for the confirmation step.
    pub async fn check_forward(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        req: ForwardRequest,
    ) -> AppResult<PlannedRoute> {
        Ok(self.prepare_forward(actor, copy_id, req).await?.1)
    }

    /// Sends a received copy on: CEPTOAR → ministry (optionally anonymised), ministry → NISC
    /// (completed or edited). The new hop has its own sender, TLP and immutable copy.
    pub async fn forward(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        req: ForwardRequest,
    ) -> AppResult<Filed> {
        let (req, plan, parent) = self.prepare_forward(actor, copy_id, req).await?;
        let at = self.now();
        let copies = plan
            .hops
            .iter()
            .map(|(kind, to)| {
                self.new_copy(
                    actor,
                    &parent.chain,
                    &parent.report,
                    &req.form,
                    kind,
                    to,
                    &plan.added,
                    Some(parent.id.clone()),
                    req.anonymise || parent.anonymised,
                    at,
                )
            })
            .collect::<AppResult<Vec<_>>>()?;
        let ids: Vec<CopyId> = copies.iter().map(|c| c.record.id.clone()).collect();
        let to: Vec<&OrgId> = plan.hops.iter().map(|(_, o)| o).collect();
        let audit = actor.audit(
            "liaison.forward",
            Some(parent.chain.0.clone()),
            serde_json::json!({ "from": parent.id, "copy": ids.first(), "to": to.first(), "anonymised": req.anonymise }),
        );
        let chain = self.store.chain(&parent.chain).await?;
        let outcome = self
            .write_hops(
                actor,
                &req.form,
                ChainFacts {
                    exercise: chain.exercise,
                    origin_org: chain.origin_org,
                    known_ident: req.form.ident_number.clone(),
                },
                HopBatch {
                    chain: parent.chain.clone(),
                    new_chain: None,
                    report: parent.report.clone(),
                    new_report: None,
                    copies,
                    chain_status: None,
                    consultation: None,
                    audit: vec![audit],
                    at,
                    tell: None,
                },
                AppError::from,
            )
            .await?;
        Ok(Filed {
            chain: parent.chain,
            report_no: parent.report_no,
            copies: ids,
            ident: outcome.ident,
            recipients: plan.recipients,
        })
    }

    /// ※１: NISC shares a copy it received, unchanged, with the crisis-management office or a
    /// pre-arranged cybersecurity agency. The new hop keeps the TLP the sender chose; it names
    /// the partner as addressee, which is what lets the partner read it.
    pub async fn share_with_partner(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        partner: &OrgId,
    ) -> AppResult<Filed> {
        let (parent, _, _) = self.readable_copy(actor, copy_id).await?;
        actor.require(Role::Approver)?;
        if actor.org.kind != OrgKind::Nisc || parent.addressee_org != actor.org.id {
            return Err(AppError::forbidden(
                "※１の共有はNISCが受領した情報連絡についてのみ行えます。",
                "Only NISC shares, under ※1, a copy it received.",
            ));
        }
        let target = self.store.org(partner).await.map_err(|_| {
            AppError::bad_field(
                "org",
                "unknown",
                "共有先が見つかりません。",
                "Partner organisation not found.",
            )
        })?;
        let ok = target.kind == OrgKind::CrisisManagement.code()
            || (target.kind == OrgKind::CybersecurityAgency.code() && target.nisc_partner);
        if !ok {
            return Err(AppError::bad_field(
                "org",
                "not_partner",
                "※１の共有先は内閣官房（事態対処・危機管理担当）とあらかじめ連携を要請したサイバーセキュリティ関係機関に限られます。",
                "Under ※1 NISC shares only with the crisis-management office and agencies it asked in advance to cooperate.",
            ));
        }
        let form: LiaisonForm =
            serde_json::from_str(&parent.form).map_err(|e| AppError::Internal(e.to_string()))?;
        let at = self.now();
        let copy = self.new_copy(
            actor,
            &parent.chain,
            &parent.report,
            &form,
            hop::NISC_SHARE,
            &target.id,
            &[],
            Some(parent.id.clone()),
            parent.anonymised,
            at,
        )?;
        let id = copy.record.id.clone();
        let audit = actor.audit(
            "liaison.nisc_share",
            Some(parent.chain.0.clone()),
            serde_json::json!({ "from": parent.id, "copy": id, "to": target.id }),
        );
        let chain = self.store.chain(&parent.chain).await?;
        self.write_hops(
            actor,
            &form,
            ChainFacts {
                exercise: chain.exercise,
                origin_org: chain.origin_org,
                known_ident: self.report_ident(&parent).await,
            },
            HopBatch {
                chain: parent.chain.clone(),
                new_chain: None,
                report: parent.report.clone(),
                new_report: None,
                copies: vec![copy],
                chain_status: None,
                consultation: None,
                audit: vec![audit],
                at,
                tell: None,
            },
            AppError::from,
        )
        .await?;
        Ok(Filed {
            chain: parent.chain,
            report_no: parent.report_no,
            copies: vec![id],
            ident: None,
            recipients: vec![PlannedRecipient {
                org: target.id,
                name_ja: target.name_ja,
                name_en: target.name_en,
                hop_kind: Some(hop::NISC_SHARE.to_owned()),
                tlp: Some(parent.tlp),
                reception: Reception::Partner,
                note_ja: Reception::Partner.note_ja(),
                note_en: Reception::Partner.note_en(),
            }],
        })
    }

    /// The report's R-number once NISC has numbered it.
    async fn report_ident(&self, c: &CopyRecord) -> Option<String> {
        self.store
            .reports_of_chain(&c.chain)
            .await
            .ok()?
            .into_iter()
            .find(|r| r.id == c.report)
            .and_then(|r| r.ident)
    }

    /// A liaison write (a filing, follow-up, forward, share or ※１ share): whom it tells is decided
    /// first ([`App::plan_telling`]), the copies go in with their inbox rows and webhook
    /// deliveries in one transaction, and the live events and mail follow the commit
    /// ([`App::after_hops`]). `store_error` says what the store's refusal means to this write.
    async fn write_hops(
        &self,
        actor: &Actor,
        form: &LiaisonForm,
        chain: ChainFacts,
        batch: HopBatch,
        store_error: impl FnOnce(kakehashi_store::StoreError) -> AppError,
    ) -> AppResult<HopOutcome> {
        let telling = self.plan_telling(actor, &batch.copies, form, chain).await?;
        let outcome = self
            .store
            .record_hops(HopBatch {
                tell: Some(telling.tell()),
                ..batch
            })
            .await
            .map_err(store_error)?;
        self.after_hops(&telling, &outcome).await;
        Ok(outcome)
    }

    /// Whom a liaison write tells, decided by the policy before the write (reads only; see
    /// [`crate::fanout`]): each new copy's addressee, the added recipients once per filing, and —
    /// when the write has NISC number the report — the reporter, on its own copy. The inbox
    /// rows and webhook deliveries go into the write's own transaction ([`Telling::tell`]); the
    /// live events and mail follow its commit ([`App::after_hops`]).
    async fn plan_telling(
        &self,
        actor: &Actor,
        copies: &[NewCopy],
        form: &LiaisonForm,
        chain: ChainFacts,
    ) -> AppResult<Arc<Telling>> {
        let mut added_told = false;
        let mut told = Vec::new();
        for c in copies {
            let c = &c.record;
            let mut orgs = vec![c.addressee_org.clone()];
            if !added_told {
                orgs.extend(c.added_recipients.iter().cloned());
                added_told = true;
            }
            orgs.retain(|o| *o != actor.org.id);
            orgs.sort();
            orgs.dedup();
            if orgs.is_empty() {
                continue;
            }
            let scope = scope_of(c)?;
            let reach = self
                .reach(&orgs, &Access::Item(scope.clone()), true)
                .await?;
            told.push((c.clone(), scope.tlp, reach));
        }
        // The reporter learns its report's R-number (unless it is the one sending to NISC).
        let mut reporter = None;
        if chain.origin_org != actor.org.id && copies.iter().any(|c| c.numbers_on_receipt) {
            if let Some(first) = copies.first() {
                let own = self
                    .store
                    .copies_of_chain(&first.record.chain)
                    .await?
                    .into_iter()
                    .find(|c| c.report == first.record.report && c.sender_org == chain.origin_org);
                if let Some(own) = own {
                    let scope = scope_of(&own)?;
                    let reach = self
                        .reach(
                            std::slice::from_ref(&chain.origin_org),
                            &Access::Item(scope.clone()),
                            true,
                        )
                        .await?;
                    reporter = Some((own, scope.tlp, reach));
                }
            }
        }
        Ok(Arc::new(Telling {
            copies: told,
            reporter,
            form: form.clone(),
            exercise: chain.exercise,
            known_ident: chain.known_ident,
            base_url: self.config.base_url.clone(),
            at: self.now(),
        }))
    }

    /// After a liaison write commits: the live events of its notices, and their mail in the
    /// background. The inbox rows are already durable with the copies.
    async fn after_hops(&self, telling: &Telling, outcome: &HopOutcome) {
        for (c, scope, reach) in &telling.copies {
            let n = telling.notice(c, *scope, "copy", &telling.label(c, outcome));
            self.after_telling(reach, "copy", &c.id.0, Some(n.mail))
                .await;
        }
        if let (Some((own, scope, reach)), Some(ident)) = (&telling.reporter, &outcome.ident) {
            let n = telling.notice(own, *scope, "numbered", &format!("{ident} 採番"));
            self.after_telling(reach, "numbered", &own.id.0, Some(n.mail))
                .await;
        }
    }

    async fn list(
        &self,
        actor: &Actor,
        filter: ListFilter,
        inbox: bool,
    ) -> AppResult<Vec<ListRow>> {
        let keys = viewer_keys(&actor.viewer()?, &self.all_sectors());
        let rows = self
            .store
            .list_copies(&CopyQuery {
                keys: keys.into_iter().map(|k| k.into_string()).collect(),
                involving_org: inbox.then(|| actor.org.id.clone()),
                sector: filter.sector.filter(|s| !s.is_empty()),
                tlp: filter.tlp.filter(|s| !s.is_empty()),
                before: filter.before,
                limit: filter.limit.unwrap_or(50),
            })
            .await?;
        let names = self.org_names().await?;
        let name = |o: &OrgId| names.get(o).map(|(ja, _)| ja.clone()).unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|s| ListRow {
                sender_name: name(&s.sender_org),
                addressee_name: name(&s.addressee_org),
                summary: s,
            })
            .collect())
    }

    /// Copies addressed to or sent by the actor's organisation that the policy lets them read.
    pub async fn inbox(&self, actor: &Actor, filter: ListFilter) -> AppResult<Vec<ListRow>> {
        self.list(actor, filter, true).await
    }

    /// Every copy the policy lets the actor read.
    pub async fn search(&self, actor: &Actor, filter: ListFilter) -> AppResult<Vec<ListRow>> {
        self.list(actor, filter, false).await
    }

    async fn view_of(
        &self,
        c: CopyRecord,
        chain: &ChainRecord,
        reports: &[ReportRecord],
        names: &std::collections::HashMap<OrgId, (String, String)>,
    ) -> AppResult<CopyView> {
        let mut form: LiaisonForm =
            serde_json::from_str(&c.form).map_err(|e| AppError::Internal(e.to_string()))?;
        // 別紙有無 follows from what is attached to this hop (the typed value stays for records
        // from before attachments were kept here).
        let attached = self
            .attachment_count(&crate::attachments::Owner::Copy(c.id.clone()))
            .await?;
        form.has_attachments =
            kakehashi_domain::attachment::has_attachments(form.has_attachments, attached);
        let ja = |o: &OrgId| names.get(o).map(|n| n.0.clone()).unwrap_or_default();
        let en = |o: &OrgId| names.get(o).map(|n| n.1.clone()).unwrap_or_default();
        Ok(CopyView {
            ident: reports
                .iter()
                .find(|r| r.id == c.report)
                .and_then(|r| r.ident.clone()),
            chain_number: chain.number,
            chain_status: chain.status.clone(),
            sender_name: ja(&c.sender_org),
            addressee_name: ja(&c.addressee_org),
            added_names: c.added_recipients.iter().map(ja).collect(),
            sender_name_en: en(&c.sender_org),
            addressee_name_en: en(&c.addressee_org),
            added_names_en: c.added_recipients.iter().map(en).collect(),
            form,
            record: c,
        })
    }

    /// One copy, if the policy allows; reads of RED and AMBER copies are audited.
    pub async fn view_copy(&self, actor: &Actor, id: &CopyId) -> AppResult<Visible<CopyView>> {
        // Deny as "not found": a refused reader learns nothing about the item's existence.
        let (c, scope, viewer) = self.readable_copy(actor, id).await?;
        let chain = self.store.chain(&c.chain).await?;
        let reports = self.store.reports_of_chain(&c.chain).await?;
        let names = self.org_names().await?;
        let restricted = is_restricted(scope.tlp);
        for kind in ["copy", "numbered"] {
            self.store
                .mark_notification_read(&actor.person.id, kind, &id.0, self.now())
                .await?;
        }
        let view = self.view_of(c, &chain, &reports, &names).await?;
        let visible = reveal(&viewer, &scope, view).map_err(|_| AppError::NotFound)?;
        if restricted {
            self.store
                .append_audit(vec![actor.audit(
                    "copy.read",
                    Some(id.0.clone()),
                    serde_json::json!({ "tlp": visible.get().record.tlp }),
                )])
                .await?;
        }
        Ok(visible)
    }

    /// The copies of a chain the policy lets `viewer` read, with their scopes: the one read
    /// path of a chain's copies (the chain page, cross-checking). No side effects; the caller
    /// audits restricted reads.
    pub(crate) async fn readable_copies_of_chain(
        &self,
        viewer: &kakehashi_policy::Viewer,
        id: &ChainId,
    ) -> AppResult<Vec<(CopyRecord, ItemScope)>> {
        let mut out = Vec::new();
        for c in self.store.copies_of_chain(id).await? {
            let scope = scope_of(&c)?;
            if kakehashi_policy::decide(viewer, &scope).allowed {
                out.push((c, scope));
            }
        }
        Ok(out)
    }

    /// A chain with only the copies the policy lets the actor read; not found if none (noted
    /// as a refusal for the audit log).
    pub async fn view_chain(&self, actor: &Actor, id: &ChainId) -> AppResult<ChainView> {
        let r = self.view_chain_checked(actor, id).await;
        if matches!(r, Err(AppError::NotFound)) {
            self.note_refusal(Some(actor), "not_found", Some(&format!("chain:{}", id.0)));
        }
        r
    }

    async fn view_chain_checked(&self, actor: &Actor, id: &ChainId) -> AppResult<ChainView> {
        let chain = self.store.chain(id).await?;
        let reports = self.store.reports_of_chain(id).await?;
        let names = self.org_names().await?;
        let viewer = actor.viewer()?;
        let mut copies = Vec::new();
        let mut restricted = Vec::new();
        for (c, scope) in self.readable_copies_of_chain(&viewer, id).await? {
            if is_restricted(scope.tlp) {
                restricted.push(c.id.0.clone());
            }
            let view = self.view_of(c, &chain, &reports, &names).await?;
            if let Ok(v) = reveal(&viewer, &scope, view) {
                copies.push(v);
            }
        }
        if copies.is_empty() {
            return Err(AppError::NotFound);
        }
        if !restricted.is_empty() {
            self.store
                .append_audit(vec![actor.audit(
                    "chain.read",
                    Some(id.0.clone()),
                    serde_json::json!({ "copies": restricted }),
                )])
                .await?;
        }
        let deadlines = self.chain_due(&chain).await?;
        Ok(ChainView {
            deadlines,
            id: chain.id,
            number: chain.number,
            exercise: chain.exercise,
            exercise_id: chain.exercise_id,
            sector: chain.sector,
            statutory: chain.statutory,
            reporting_case: chain.reporting_case,
            case_judged_by: chain.case_judged_by,
            status: chain.status,
            latest_report_no: chain.latest_report_no,
            reports,
            copies,
        })
    }
}

/// How a consent request names the copy it is about.
fn copy_source(id: &CopyId) -> String {
    format!("copy:{}", id.0)
}

/// Whether the large-scale mode in force covers this sector for the actor's request.
fn large_scale_here(actor: &Actor, sector: &str) -> bool {
    actor
        .large_scale
        .as_ref()
        .is_some_and(|m| m.sectors.iter().any(|s| s == sector))
}

/// The route facts of a query as the first-hop planner takes them.
fn route_only(q: &RouteQuery, statutory: bool) -> FileRequest {
    FileRequest {
        statutory,
        via_ceptoar: q.via_ceptoar,
        urgent: q.urgent,
        to_cabinet_secretariat: q.to_cabinet_secretariat,
        ..FileRequest::default()
    }
}

/// What a hop's addressee receives, in the sender's terms.
fn reception_of(from: OrgKind, kind: &str, to: &OrgId, anonymise: bool) -> Reception {
    match kind {
        hop::FILE_VIA_CEPTOAR => Reception::CeptoarAnonymises,
        hop::URGENT_COPY => Reception::NiscUrgentCopy,
        hop::URGENT_COPY_CONFINED => Reception::NiscUrgentCopyConfined,
        hop::DIRECT_TO_HUB => Reception::HubDirect,
        hop::NISC_SHARE => Reception::Partner,
        _ if to.0 == NISC_ORG => Reception::NiscNumbers,
        hop::FORWARD if from == OrgKind::Ceptoar && anonymise => Reception::MinistryAnonymised,
        hop::FORWARD if from == OrgKind::Ceptoar => Reception::MinistryNamed,
        _ => Reception::MinistryThenNisc,
    }
}

/// The chain's state after a report: open while ⑧ announces a follow-up or is unset.
fn status_code(form: &LiaisonForm) -> &'static str {
    match form.next_steps {
        Some(n) if !n.follow_up_expected() => "closed",
        _ => "open",
    }
}

/// What [`App::plan_telling`] needs of the chain a write goes into.
pub(crate) struct ChainFacts {
    /// An exercise's notices carry the marking in the inbox title and the mail subject.
    pub exercise: bool,
    /// The reporter's organisation, told the report's R-number when NISC numbers it.
    pub origin_org: OrgId,
    /// The report's R-number before this write, for a write that does not number it.
    pub known_ident: Option<String>,
}

/// Whom a liaison write tells, decided before the write; see [`App::plan_telling`].
pub(crate) struct Telling {
    /// Each new copy that reaches someone, with its scope and whom it reaches.
    copies: Vec<(CopyRecord, Tlp, Reach)>,
    /// The reporter's own copy, if numbering the report tells the reporter.
    reporter: Option<(CopyRecord, Tlp, Reach)>,
    form: LiaisonForm,
    exercise: bool,
    known_ident: Option<String>,
    base_url: String,
    at: DateTime<Utc>,
}

/// The parts of one notice of a copy: inbox title, TLP-safe mail, webhook body.
struct CopyNotice {
    title: String,
    mail: (MailWhen, MailFor),
    webhook: serde_json::Value,
}

impl Telling {
    /// For the store to call inside the write's transaction.
    pub(crate) fn tell(self: &Arc<Self>) -> Tell {
        let me = Arc::clone(self);
        Tell(Arc::new(move |outcome| me.told(outcome)))
    }

    /// The inbox rows and webhook deliveries, given the R-number the write gave (if any).
    fn told(&self, outcome: &HopOutcome) -> Told {
        let mut told = Told::default();
        let mut add = |c: &CopyRecord, tlp: Tlp, reach: &Reach, kind: &str, label: &str| {
            let n = self.notice(c, tlp, kind, label);
            told.notifications.push(NotificationDraft {
                people: reach.people_ids(),
                kind: kind.to_owned(),
                ref_id: c.id.0.clone(),
                title: n.title,
                importance: c.importance.clone(),
            });
            told.webhooks.extend(reach.deliveries(&n.webhook, self.at));
        };
        for (c, scope, reach) in &self.copies {
            add(c, *scope, reach, "copy", &self.label(c, outcome));
        }
        if let (Some((own, scope, reach)), Some(ident)) = (&self.reporter, &outcome.ident) {
            add(own, *scope, reach, "numbered", &format!("{ident} 採番"));
        }
        told
    }

    /// How a copy is named in its notice: the report's R-number, or 未採番 and its report number.
    fn label(&self, c: &CopyRecord, outcome: &HopOutcome) -> String {
        match outcome.ident.as_ref().or(self.known_ident.as_ref()) {
            Some(i) => i.clone(),
            None => format!("未採番 第{}報", c.report_no),
        }
    }

    fn notice(&self, c: &CopyRecord, tlp: Tlp, kind: &str, label: &str) -> CopyNotice {
        let exercise = self.exercise;
        let (base, id, label_owned, summary) = (
            self.base_url.clone(),
            c.id.0.clone(),
            label.to_owned(),
            self.form.summary.description.clone(),
        );
        let level = crate::notify::importance_ja(c.importance.as_deref());
        let mail_for: MailFor = Arc::new(move |to: &str| {
            let mut mail =
                crate::notify::liaison_mail(to, &base, &id, &label_owned, tlp, level, &summary);
            if exercise {
                mail.subject = kakehashi_domain::exercise::mark_subject(&mail.subject);
            }
            mail
        });
        let when = if c.importance.as_deref() == Some("alert") {
            MailWhen::Alert
        } else {
            MailWhen::ByPreference
        };
        CopyNotice {
            title: if exercise {
                format!("{}情報連絡 {label}", kakehashi_domain::exercise::MARK_JA)
            } else {
                format!("情報連絡 {label}")
            },
            mail: (when, mail_for),
            webhook: serde_json::json!({
                "event": if kind == "numbered" { "liaison_numbered" } else { "liaison" },
                "id": c.id,
                "ident": label,
                "importance": c.importance,
                "exercise": exercise,
                "tlp": tlp.code(),
                "url": format!("{}/copies/{}", self.base_url.trim_end_matches('/'), c.id.0),
            }),
        }
    }
}

#[cfg(test)]
mod scoped_level_tests {
    use super::*;
    use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};

    /// Every stored hop kind at every marking is scoped at one of the levels a listing filtered
    /// to that marking walks the keys of.
    #[test]
    fn every_copy_is_scoped_at_a_level_its_marking_walks() {
        let kinds = [
            hop::FILE,
            hop::FILE_VIA_CEPTOAR,
            hop::URGENT_COPY,
            hop::URGENT_COPY_CONFINED,
            hop::DIRECT_TO_HUB,
            hop::FORWARD,
            hop::NISC_SHARE,
        ];
        let mut confined = 0;
        for kind in kinds {
            for marked in Tlp::ALL {
                let c = CopyRecord {
                    id: CopyId("c".into()),
                    chain: ChainId("ch".into()),
                    report: ReportId("r".into()),
                    report_no: 1,
                    hop_kind: kind.into(),
                    sender_org: OrgId("op".into()),
                    sender_person: PersonId("p".into()),
                    addressee_org: OrgId("nisc".into()),
                    added_recipients: vec![],
                    tlp: marked.code().into(),
                    importance: None,
                    sector: "electric_power".into(),
                    held_by_nisc: true,
                    anonymised: false,
                    parent: None,
                    form: "{}".into(),
                    created_at: chrono::DateTime::<Utc>::UNIX_EPOCH,
                };
                let scoped = scope_of(&c).expect("scope").tlp;
                assert!(
                    scoped_levels(marked).contains(&scoped),
                    "{kind} {marked:?} → {scoped:?}"
                );
                if scoped != marked {
                    confined += 1;
                }
            }
        }
        assert!(confined > 0, "no hop was scoped apart from its marking");
    }
}
