//! Sideways and downward shares of a received liaison copy (別紙４－１ N4, N6, N23, N25).
//!
//! Who may share with whom is the domain's rule ([`kakehashi_domain::liaison::check_share`]);
//! each share is a new immutable hop per recipient, with the holder's own sender block and a TLP
//! never looser than the copy it is made from (unless that copy's sender consented) and never
//! RED (a share names new addressees; RED is 宛先限り). Who then reads it is the policy's alone;
//! recipients are told through the fan-out; the write is audited with its hops.

use super::{copy_source, scope_of, ChainFacts, Filed, PlannedRecipient, Reception};
use crate::error::{AppError, AppResult};
use crate::identity::{org_from_record, Actor};
use crate::App;
use kakehashi_domain::liaison::{self, check_share, LiaisonForm, ShareEdge};
use kakehashi_domain::{CopyId, OrgId, OrgKind, Role, SectorId, Tlp};
use kakehashi_store::{CopyRecord, HopBatch, OrgRecord};
use serde::{Deserialize, Serialize};

/// Sharing a received copy sideways or downwards.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequest {
    /// The recipient organisations' ids (at least one).
    pub to: Vec<String>,
    /// The share's TLP; the copy's own when not given. Never RED, never looser than the copy's
    /// unless its sender consented.
    #[serde(default)]
    pub tlp: Option<Tlp>,
    /// Mask the reporter as well where the edge leaves it to the holder (a ministry's N6, the
    /// council's N23). N4, the CEPTOAR's N23 and N25 are always anonymised.
    #[serde(default)]
    pub anonymise: bool,
    /// Extra terms to mask besides what identifies the reporter.
    #[serde(default)]
    pub mask: Vec<String>,
}

/// An organisation the holder may share a copy with, and the edge the share travels.
#[derive(Debug, Clone, Serialize)]
pub struct ShareTarget {
    pub org: OrgId,
    pub name_ja: String,
    pub name_en: String,
    pub edge: ShareEdge,
}

impl App {
    /// The holder's copy, checked: readable (404 otherwise), addressed to the actor's
    /// organisation, and the actor an approver of it (403).
    async fn held_copy(&self, actor: &Actor, copy_id: &CopyId) -> AppResult<CopyRecord> {
        let (parent, _, _) = self.readable_copy(actor, copy_id).await?;
        actor.require(Role::Approver)?;
        if parent.addressee_org != actor.org.id {
            return Err(AppError::forbidden(
                "自組織宛てに受信した情報連絡のみ共有できます。",
                "You can only share a copy addressed to your organisation.",
            ));
        }
        Ok(parent)
    }

    /// Whom the actor may share this copy with: every organisation the share rule admits
    /// (for the share page's choices). Not found unless the actor reads the copy.
    pub async fn share_targets(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
    ) -> AppResult<Vec<ShareTarget>> {
        let parent = self.held_copy(actor, copy_id).await?;
        let sector = SectorId(parent.sector.clone());
        let mut out = Vec::new();
        for rec in self.directory_records().await?.iter().cloned() {
            let Ok(org) = org_from_record(&rec) else {
                continue;
            };
            if let Ok(edge) = check_share(&actor.org, &org, &sector) {
                out.push(ShareTarget {
                    org: rec.id,
                    name_ja: rec.name_ja,
                    name_en: rec.name_en,
                    edge,
                });
            }
        }
        Ok(out)
    }

    /// N25: whether the reporter (the case's originating organisation) approved a consent
    /// request about this copy for (at least) `tlp`.
    async fn reporter_consented(&self, parent: &CopyRecord, tlp: Tlp) -> AppResult<bool> {
        let chain = self.store.chain(&parent.chain).await?;
        Ok(self
            .store
            .consents_of_source(&copy_source(&parent.id))
            .await?
            .iter()
            .any(|c| {
                c.status == "approved"
                    && c.decider_org == chain.origin_org
                    && c.tlp
                        .as_deref()
                        .and_then(Tlp::from_code)
                        .is_some_and(|agreed| tlp.at_least_as_strict_as(agreed))
            }))
    }

    /// Shares a received copy with the organisations in `req.to`, one new hop each.
    pub async fn share_copy(
        &self,
        actor: &Actor,
        copy_id: &CopyId,
        req: ShareRequest,
    ) -> AppResult<Filed> {
        let parent = self.held_copy(actor, copy_id).await?;
        let sector = SectorId(parent.sector.clone());
        let mut targets: Vec<(OrgRecord, ShareEdge)> = Vec::new();
        for id in req.to.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let rec = self.store.org(&OrgId(id.to_owned())).await.map_err(|_| {
                AppError::bad_field(
                    "to",
                    "unknown",
                    format!("共有先「{id}」が見つかりません。"),
                    format!("Recipient '{id}' not found."),
                )
            })?;
            let edge = check_share(&actor.org, &org_from_record(&rec)?, &sector)
                .map_err(|e| AppError::bad_field("to", e.rule(), e.message_ja(), e.message_en()))?;
            if !targets.iter().any(|(o, _)| o.id == rec.id) {
                targets.push((rec, edge));
            }
        }
        if targets.is_empty() {
            return Err(AppError::bad_field(
                "to",
                "required",
                "共有先を1つ以上選んでください。",
                "Choose at least one recipient.",
            ));
        }
        let sent = Tlp::from_code(&parent.tlp)
            .ok_or_else(|| AppError::Internal(format!("stored TLP {}", parent.tlp)))?;
        let tlp = req.tlp.unwrap_or(sent);
        if tlp == Tlp::Red {
            return Err(AppError::bad_field(
                "tlp",
                "red_not_shared",
                "TLP:RED（宛先限り）では共有できません。共有は新たな宛先に送るため、送信元の同意を得てより広いTLPを選んでください。",
                "TLP:RED is addressees only and a share names new addressees: choose a wider TLP, with the sender's consent where the copy is RED.",
            ));
        }
        self.check_onward_tlp(&parent, Some(tlp)).await?;
        if targets.iter().any(|(_, e)| e.needs_reporter_consent())
            && !self.reporter_consented(&parent, tlp).await?
        {
            return Err(AppError::bad_field(
                "to",
                "reporter_consent_required",
                format!("関係機関からの共有には、報告者の同意（TLP:{}以上の範囲）が必要です。同意を依頼してください。", tlp.code()),
                format!("An agency shares onward only with the reporter's consent (for TLP:{} or wider); ask for it first.", tlp.code()),
            ));
        }
        let anonymise = req.anonymise || targets.iter().any(|(_, e)| e.always_anonymised());
        if !req.mask.is_empty() && !anonymise {
            return Err(AppError::bad_field(
                "mask",
                "needs_anonymise",
                "追加で伏せる語は、匿名化して共有する場合に指定します。",
                "Extra terms to mask apply only when anonymising.",
            ));
        }
        let mut form: LiaisonForm =
            serde_json::from_str(&parent.form).map_err(|e| AppError::Internal(e.to_string()))?;
        if anonymise {
            form = self.anonymised(&parent, &form, &req.mask).await?.form;
        }
        self.fill_sender(actor, &mut form);
        form.tlp = Some(tlp);
        form.ident_number = self.report_ident(&parent).await;
        let at = self.now();
        let copies = targets
            .iter()
            .map(|(o, e)| {
                self.new_copy(
                    actor,
                    &parent.chain,
                    &parent.report,
                    &form,
                    e.hop_kind(),
                    &o.id,
                    &[],
                    Some(parent.id.clone()),
                    anonymise || parent.anonymised,
                    at,
                )
            })
            .collect::<AppResult<Vec<_>>>()?;
        let ids: Vec<CopyId> = copies.iter().map(|c| c.record.id.clone()).collect();
        let records: Vec<CopyRecord> = copies.iter().map(|c| c.record.clone()).collect();
        let audit = actor.audit(
            "liaison.share",
            Some(parent.chain.0.clone()),
            serde_json::json!({
                "from": parent.id,
                "copies": ids,
                "to": targets.iter().map(|(o, _)| &o.id).collect::<Vec<_>>(),
                "edges": targets.iter().map(|(_, e)| e.edge_id()).collect::<Vec<_>>(),
                "tlp": tlp.code(),
                "anonymised": anonymise,
            }),
        );
        let chain = self.store.chain(&parent.chain).await?;
        self.write_hops(
            actor,
            &form,
            ChainFacts {
                exercise: chain.exercise,
                origin_org: chain.origin_org,
                known_ident: form.ident_number.clone(),
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
            ident: None,
            recipients: targets
                .into_iter()
                .zip(&records)
                .map(|((o, _), c)| PlannedRecipient {
                    org: o.id,
                    name_ja: o.name_ja,
                    name_en: o.name_en,
                    hop_kind: Some(c.hop_kind.clone()),
                    tlp: Some(
                        scope_of(c)
                            .map(|s| s.tlp.code().to_owned())
                            .unwrap_or_default(),
                    ),
                    reception: Reception::Shared,
                    note_ja: Reception::Shared.note_ja(),
                    note_en: Reception::Shared.note_en(),
                })
                .collect(),
        })
    }
}

/// Whether a hop kind is one of the shares.
pub fn is_share(kind: &str) -> bool {
    ShareEdge::from_hop_kind(kind).is_some()
}

/// The organisation kinds whose approvers see the share action on a copy they received.
pub fn may_share_kind(kind: OrgKind) -> bool {
    OrgKind::ALL
        .into_iter()
        .any(|to| liaison::share_edge(kind, to).is_some())
}

#[cfg(test)]
mod tests {
    use super::super::hop;
    use super::*;

    #[test]
    fn share_hops_are_not_confined_and_not_other_hops() {
        for e in ShareEdge::ALL {
            assert!(!hop::is_confined(e.hop_kind()));
            assert!(is_share(e.hop_kind()));
        }
        for k in [
            hop::FILE,
            hop::FILE_VIA_CEPTOAR,
            hop::URGENT_COPY,
            hop::URGENT_COPY_CONFINED,
            hop::FORWARD,
            hop::NISC_SHARE,
        ] {
            assert!(!is_share(k), "{k}");
        }
    }

    /// The hop kinds the app stores are the edges of the topology table that carry them.
    #[test]
    fn hop_kinds_are_implemented_edges() {
        use kakehashi_domain::topology::{edge, Status};
        for (kind, id) in [
            (hop::FILE, "N1"),
            (hop::FILE_VIA_CEPTOAR, "N2"),
            (hop::URGENT_COPY, "N12"),
            (hop::URGENT_COPY_CONFINED, "N12"),
            (hop::FORWARD, "N5"),
            (hop::NISC_SHARE, "N21"),
        ] {
            let e = edge(id).expect("edge");
            assert!(
                matches!(e.status, Status::Implemented(by) if by.contains(&format!("`{kind}`")) || by.contains("forward") || by.contains("※1")),
                "{kind} {id}"
            );
        }
        // The confined urgent copy goes to NISC only: N12's NISC end.
        assert!(edge("N12")
            .expect("N12")
            .connects(OrgKind::Operator, OrgKind::Nisc));
        for e in ShareEdge::ALL {
            let t = edge(e.edge_id()).expect("edge");
            assert!(
                matches!(t.status, Status::Implemented(by) if by.contains(e.hop_kind())),
                "{e:?}"
            );
        }
        assert!(may_share_kind(OrgKind::Ceptoar) && !may_share_kind(OrgKind::Operator));
    }
}
