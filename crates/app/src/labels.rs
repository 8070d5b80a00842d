//! What things are called on screen: a case by its R-number (or, before NISC numbers it, by its
//! sector and the day it was opened), a copy by its case and report, a provision by its
//! T-number, a person and an organisation by name. Pages show these, never stored ids.
//!
//! A label tells no content: R-numbers, sectors and dates are what the case's own participants
//! and NISC already see on every listing. Callers use it only where the id is already theirs to
//! hold (their consent requests, NISC's provision sources, the platform administrator's audit
//! log).

use crate::error::AppResult;
use crate::identity::Actor;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_audit::AuditEntry;
use kakehashi_domain::{ChainId, CopyId, PersonId};
use serde::Serialize;
use std::collections::HashMap;

/// A case (chain) as people call it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseLabel {
    /// R<n> once NISC has received the case; `None` before (未採番).
    pub number: Option<u64>,
    /// An exercise (演習): `number` is then its n of E-R<n>.
    pub exercise: bool,
    pub sector: String,
    /// When the first report was filed.
    pub opened_at: DateTime<Utc>,
}

/// What an audit entry's target is, as people call it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetLabel {
    /// A liaison case.
    Case(CaseLabel),
    /// One hop's copy: its case and report number.
    Copy {
        case: CaseLabel,
        report_no: u32,
    },
    Person {
        name: String,
    },
    Organisation {
        name_ja: String,
        name_en: String,
    },
    /// A sector (its reporting policy).
    Sector {
        name_ja: String,
        name_en: String,
    },
    /// A provision: T-number once sent, and its report number.
    Provision {
        ident: Option<String>,
        report_no: u32,
    },
    /// A source item NISC recorded.
    SourceItem {
        title: String,
    },
    /// The login name typed at a failed sign-in (there is no person behind it necessarily).
    Login {
        login: String,
    },
    /// Something named only by its kind (a token, a webhook, a consent request), or an id that
    /// no longer resolves.
    Other {
        what: &'static str,
    },
}

/// An audit entry with names for its actor, organisation and target.
#[derive(Debug, Clone, Serialize)]
pub struct NamedAuditEntry {
    pub entry: AuditEntry,
    /// The acting person's display name; `None` for the system.
    pub actor_name: Option<String>,
    pub org_name_ja: Option<String>,
    pub org_name_en: Option<String>,
    pub target: Option<TargetLabel>,
}

impl App {
    /// A case's label; not found for an unknown id.
    pub async fn case_label(&self, id: &ChainId) -> AppResult<CaseLabel> {
        let c = self.store.chain(id).await?;
        Ok(CaseLabel {
            number: c.number,
            exercise: c.exercise,
            sector: c.sector,
            opened_at: c.created_at,
        })
    }

    /// The label of a `chain:<id>` / `item:<id>` / `copy:<id>` source reference (provision
    /// sources, consent requests); `None` when it names nothing known.
    pub async fn source_label(&self, source: &str) -> Option<TargetLabel> {
        let (kind, id) = source.split_once(':')?;
        match kind {
            "chain" => self
                .case_label(&ChainId(id.to_owned()))
                .await
                .ok()
                .map(TargetLabel::Case),
            "copy" => self.copy_label(&CopyId(id.to_owned())).await.ok(),
            "item" => self
                .store
                .source_item(id)
                .await
                .ok()
                .map(|i| TargetLabel::SourceItem { title: i.title }),
            _ => None,
        }
    }

    async fn copy_label(&self, id: &CopyId) -> AppResult<TargetLabel> {
        let c = self.store.copy(id).await?;
        Ok(TargetLabel::Copy {
            case: self.case_label(&c.chain).await?,
            report_no: c.report_no,
        })
    }

    /// The newest audit entries with names instead of ids (platform administrators only, like
    /// [`App::audit_recent`]).
    pub async fn audit_recent_named(
        &self,
        actor: &Actor,
        limit: u64,
    ) -> AppResult<Vec<NamedAuditEntry>> {
        let entries = self.audit_recent(actor, limit).await?;
        let orgs: HashMap<String, (String, String)> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.0, (o.name_ja, o.name_en)))
            .collect();
        let mut people: HashMap<String, Option<String>> = HashMap::new();
        let mut targets: HashMap<(String, String), TargetLabel> = HashMap::new();
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let actor_name = match &entry.actor {
                Some(p) => {
                    if !people.contains_key(p) {
                        let name = self
                            .store
                            .person(&PersonId(p.clone()))
                            .await
                            .ok()
                            .map(|r| r.display_name);
                        people.insert(p.clone(), name);
                    }
                    people.get(p).cloned().flatten()
                }
                None => None,
            };
            let org = entry.actor_org.as_ref().and_then(|o| orgs.get(o)).cloned();
            let target = match &entry.target {
                Some(t) => {
                    let key = (entry.action.clone(), t.clone());
                    if !targets.contains_key(&key) {
                        let label = self.target_label(&entry.action, t, &orgs).await;
                        targets.insert(key.clone(), label);
                    }
                    targets.get(&key).cloned()
                }
                None => None,
            };
            out.push(NamedAuditEntry {
                actor_name,
                org_name_ja: org.as_ref().map(|o| o.0.clone()),
                org_name_en: org.map(|o| o.1),
                target,
                entry,
            });
        }
        Ok(out)
    }

    /// What an audit target is, from the action that names it.
    async fn target_label(
        &self,
        action: &str,
        target: &str,
        orgs: &HashMap<String, (String, String)>,
    ) -> TargetLabel {
        let unknown = TargetLabel::Other { what: "unknown" };
        if matches!(action, "refusal.sign_in_failed" | "refusal.rate_limited") {
            return TargetLabel::Login {
                login: target.to_owned(),
            };
        }
        let (kind, _) = action.split_once('.').unwrap_or((action, ""));
        match kind {
            "liaison" | "chain" => self
                .case_label(&ChainId(target.to_owned()))
                .await
                .map(TargetLabel::Case)
                .unwrap_or(unknown),
            "copy" => self
                .copy_label(&CopyId(target.to_owned()))
                .await
                .unwrap_or(unknown),
            "person" => self
                .store
                .person(&PersonId(target.to_owned()))
                .await
                .map(|p| TargetLabel::Person {
                    name: p.display_name,
                })
                .unwrap_or(unknown),
            // A risk-register change names the organisation; a reassessment prompt the
            // provision that prompted it.
            "risk" if action == "risk.reassess_prompt" => {
                self.provision_label(target).await.unwrap_or(unknown)
            }
            "org" | "contact" | "contacts" | "risk" | "continuity" => orgs
                .get(target)
                .map(|(ja, en)| TargetLabel::Organisation {
                    name_ja: ja.clone(),
                    name_en: en.clone(),
                })
                .unwrap_or(unknown),
            "provision" => self.provision_label(target).await.unwrap_or(unknown),
            "inquiry" => match self.store.inquiry(target).await {
                Ok(i) => self.provision_label(&i.provision).await.unwrap_or(unknown),
                Err(_) => unknown,
            },
            "source_item" => self
                .store
                .source_item(target)
                .await
                .map(|i| TargetLabel::SourceItem { title: i.title })
                .unwrap_or(unknown),
            "sign_in_failed" => TargetLabel::Login {
                login: target.to_owned(),
            },
            "api_token" => TargetLabel::Other { what: "api_token" },
            "webhook" => TargetLabel::Other { what: "webhook" },
            "consent" => TargetLabel::Other { what: "consent" },
            "contact_check" => TargetLabel::Other {
                what: "contact_check",
            },
            "refusal" => TargetLabel::Other { what: "refusal" },
            "reporting_policy" => self
                .reference
                .sector(target)
                .map(|s| TargetLabel::Sector {
                    name_ja: s.name_ja.clone(),
                    name_en: s.name_en.clone(),
                })
                .unwrap_or(unknown),
            _ => unknown,
        }
    }

    async fn provision_label(&self, id: &str) -> Option<TargetLabel> {
        let p = self.store.provision(id).await.ok()?;
        Some(TargetLabel::Provision {
            ident: p.ident,
            report_no: p.report_no,
        })
    }
}
