//! 早期警戒の直接送付先 — who an urgent provision goes to directly.
//!
//! The handbook sends urgent provisions 「直接セプター又は個別重要インフラ事業者等へ」: NISC names the
//! CEPTOARs and CI operators it sends to. They become addressees of the sent provision (so a RED
//! one is theirs to read, and nobody else's in the sectors); everyone else in the target sectors
//! gets it only through relays, within what its TLP admits.
//!
//! [`check_direct_recipients`] holds the rules, all problems at once:
//!
//! | Rule | Field | Code |
//! |---|---|---|
//! | an urgent provision names at least one | `direct_recipients` | `required` |
//! | only an urgent provision names any | `direct_recipients` | `only_when_urgent` |
//! | each is a known organisation | `direct_recipients` | `unknown` |
//! | each is a CEPTOAR or CI operator of a target sector | `direct_recipients` | `not_eligible` |
//! | each at most once | `direct_recipients` | `duplicate` |
//! | at most [`MAX_DIRECT_RECIPIENTS`] | `direct_recipients` | `too_many` |

use super::validate::ProvisionErrors;
use crate::ids::{OrgId, SectorId};
use crate::liaison::validate::FieldError;
use crate::org::OrgKind;

/// More than every CEPTOAR and operator of a large sector, far fewer than a runaway list.
pub const MAX_DIRECT_RECIPIENTS: usize = 10_000;

const FIELD: &str = "direct_recipients";

/// Whether an organisation of `kind` concerned with `org_sectors` may be named as a direct
/// recipient of a provision to `targets`: a CEPTOAR or a CI operator of one of those sectors.
pub fn is_eligible(kind: OrgKind, org_sectors: &[SectorId], targets: &[SectorId]) -> bool {
    let kind_ok = match kind {
        OrgKind::Ceptoar | OrgKind::Operator => true,
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil => false,
    };
    kind_ok && org_sectors.iter().any(|s| targets.contains(s))
}

fn err(rule: &'static str, ja: String, en: String) -> FieldError {
    FieldError {
        field: FIELD,
        rule,
        message_ja: ja,
        message_en: en,
    }
}

/// Checks the direct recipients of a provision. `lookup` gives an organisation's kind and
/// sectors (`None`: no such organisation); `targets` are the provision's target sectors.
pub fn check_direct_recipients(
    urgent: bool,
    direct: &[OrgId],
    targets: &[SectorId],
    lookup: impl Fn(&OrgId) -> Option<(OrgKind, Vec<SectorId>)>,
) -> ProvisionErrors {
    let mut out = Vec::new();
    if urgent && direct.is_empty() {
        out.push(err(
            "required",
            "早期警戒の情報提供は、直接送付するセプター又は重要インフラ事業者等を選んでください。"
                .into(),
            "An urgent provision names the CEPTOARs or CI operators it goes to directly.".into(),
        ));
    }
    if !urgent && !direct.is_empty() {
        out.push(err(
            "only_when_urgent",
            "直接送付先は早期警戒の情報提供でのみ指定できます。".into(),
            "Direct recipients are named only for an urgent provision.".into(),
        ));
    }
    if direct.len() > MAX_DIRECT_RECIPIENTS {
        out.push(err(
            "too_many",
            format!("直接送付先は{MAX_DIRECT_RECIPIENTS}件までです。"),
            format!("At most {MAX_DIRECT_RECIPIENTS} direct recipients."),
        ));
        return ProvisionErrors(out);
    }
    let mut seen: Vec<&OrgId> = Vec::with_capacity(direct.len());
    for org in direct {
        if seen.contains(&org) {
            out.push(err(
                "duplicate",
                format!("直接送付先「{org}」が重複しています。"),
                format!("Direct recipient '{org}' is listed twice."),
            ));
            continue;
        }
        seen.push(org);
        match lookup(org) {
            None => out.push(err(
                "unknown",
                format!("直接送付先「{org}」が見つかりません。"),
                format!("Direct recipient '{org}' not found."),
            )),
            Some((kind, sectors)) if !is_eligible(kind, &sectors, targets) => out.push(err(
                "not_eligible",
                format!(
                    "「{org}」は情報提供先の分野のセプター又は重要インフラ事業者等ではないため、直接送付できません。"
                ),
                format!(
                    "'{org}' is not a CEPTOAR or CI operator of the provision's sectors; it cannot be sent to directly."
                ),
            )),
            Some(_) => {}
        }
    }
    ProvisionErrors(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(s: &str) -> OrgId {
        OrgId::from(s)
    }

    fn sectors(s: &[&str]) -> Vec<SectorId> {
        s.iter().map(|x| SectorId::from(*x)).collect()
    }

    fn lookup(id: &OrgId) -> Option<(OrgKind, Vec<SectorId>)> {
        match id.as_str() {
            "cep-power" => Some((OrgKind::Ceptoar, sectors(&["electric_power"]))),
            "op-power" => Some((OrgKind::Operator, sectors(&["electric_power"]))),
            "op-rail" => Some((OrgKind::Operator, sectors(&["railway"]))),
            "meti" => Some((OrgKind::CiMinistry, sectors(&["electric_power", "gas"]))),
            "vendor" => Some((OrgKind::CyberspaceBusiness, sectors(&["electric_power"]))),
            _ => None,
        }
    }

    fn rules(urgent: bool, direct: &[&str]) -> Vec<&'static str> {
        let direct: Vec<OrgId> = direct.iter().map(|d| org(d)).collect();
        check_direct_recipients(urgent, &direct, &sectors(&["electric_power"]), lookup)
            .iter()
            .inspect(|e| {
                assert_eq!(e.field, "direct_recipients");
                assert!(!e.message_ja.is_empty() && !e.message_en.is_empty());
            })
            .map(|e| e.rule)
            .collect()
    }

    #[test]
    fn the_table() {
        let none: Vec<&str> = vec![];
        assert_eq!(rules(false, &[]), none, "not urgent, nobody named");
        assert_eq!(
            rules(true, &["cep-power", "op-power"]),
            none,
            "urgent, eligible"
        );
        assert_eq!(rules(true, &[]), vec!["required"]);
        assert_eq!(rules(false, &["op-power"]), vec!["only_when_urgent"]);
        assert_eq!(rules(true, &["nobody"]), vec!["unknown"]);
        assert_eq!(
            rules(true, &["op-rail"]),
            vec!["not_eligible"],
            "another sector"
        );
        assert_eq!(rules(true, &["meti"]), vec!["not_eligible"], "a ministry");
        assert_eq!(rules(true, &["vendor"]), vec!["not_eligible"], "a vendor");
        assert_eq!(rules(true, &["op-power", "op-power"]), vec!["duplicate"]);
        assert_eq!(
            rules(false, &["op-rail", "nobody"]),
            vec!["only_when_urgent", "not_eligible", "unknown"],
            "all problems at once"
        );
    }

    #[test]
    fn eligibility_is_ceptoar_or_operator_of_a_target_sector() {
        let targets = sectors(&["electric_power", "gas"]);
        for kind in OrgKind::ALL {
            let ok = is_eligible(kind, &sectors(&["gas"]), &targets);
            assert_eq!(
                ok,
                matches!(kind, OrgKind::Ceptoar | OrgKind::Operator),
                "{kind:?}"
            );
            assert!(
                !is_eligible(kind, &sectors(&["railway"]), &targets),
                "{kind:?}"
            );
            assert!(!is_eligible(kind, &[], &targets), "{kind:?}");
        }
    }

    #[test]
    fn too_many_is_one_error() {
        let direct: Vec<OrgId> = (0..=MAX_DIRECT_RECIPIENTS)
            .map(|i| org(&format!("o{i}")))
            .collect();
        let errs = check_direct_recipients(true, &direct, &sectors(&["gas"]), |_| None);
        assert_eq!(
            errs.iter().map(|e| e.rule).collect::<Vec<_>>(),
            vec!["too_many"]
        );
    }
}
