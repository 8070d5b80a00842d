//! 利用者管理 — who may administer whom. One rule for every change an administrator makes to a
//! person: creating them, activating or deactivating them, changing their roles, resetting their
//! password. The use cases ask [`may_administer`]; nothing else decides it.
//!
//! 1. **Reach.** A platform administrator administers the people of every organisation; an
//!    organisation administrator those of their own organisation only; nobody else anyone.
//! 2. **Rank.** Below platform administration, rights never reach beyond the actor's own: an
//!    organisation administrator may not act on a person who holds a role they do not hold
//!    themselves — a platform administrator above all — nor give a role they do not hold (so
//!    never `platform_admin`). A platform administrator holds every right.
//! 3. **Continuity.** The last active platform administrator can be neither deactivated nor
//!    stripped of the role, by anyone, themselves included: the platform always keeps someone
//!    who can administer it.
//!
//! Rules are checked in that order and the first that fails is the answer.

use crate::ids::OrgId;
use crate::org::Role;
use serde::{Deserialize, Serialize};

/// The acting administrator as the rule sees them.
#[derive(Debug, Clone, Copy)]
pub struct Administrator<'a> {
    pub org: &'a OrgId,
    pub roles: &'a [Role],
}

/// The person a change is made to, as they are before it.
#[derive(Debug, Clone, Copy)]
pub struct Administered<'a> {
    pub org: &'a OrgId,
    pub roles: &'a [Role],
    pub active: bool,
}

/// A change an administrator makes to a person.
#[derive(Debug, Clone, Copy)]
pub enum PeopleChange<'a> {
    /// A new person in `org` with `roles` (and a password the administrator chose).
    Create { org: &'a OrgId, roles: &'a [Role] },
    /// Activate (`true`) or deactivate (`false`).
    SetActive {
        person: Administered<'a>,
        active: bool,
    },
    /// Replace the person's roles with `roles`.
    SetRoles {
        person: Administered<'a>,
        roles: &'a [Role],
    },
    /// Set a new one-time password.
    ResetPassword { person: Administered<'a> },
    /// Change the profile (name, department, contact details).
    UpdateProfile { person: Administered<'a> },
}

impl PeopleChange<'_> {
    /// Stable code for audit entries.
    pub fn code(&self) -> &'static str {
        match self {
            PeopleChange::Create { .. } => "create",
            PeopleChange::SetActive { .. } => "set_active",
            PeopleChange::SetRoles { .. } => "set_roles",
            PeopleChange::ResetPassword { .. } => "reset_password",
            PeopleChange::UpdateProfile { .. } => "update_profile",
        }
    }

    fn org(&self) -> &OrgId {
        match self {
            PeopleChange::Create { org, .. } => org,
            PeopleChange::SetActive { person, .. }
            | PeopleChange::SetRoles { person, .. }
            | PeopleChange::ResetPassword { person }
            | PeopleChange::UpdateProfile { person } => person.org,
        }
    }

    fn person(&self) -> Option<&Administered<'_>> {
        match self {
            PeopleChange::Create { .. } => None,
            PeopleChange::SetActive { person, .. }
            | PeopleChange::SetRoles { person, .. }
            | PeopleChange::ResetPassword { person }
            | PeopleChange::UpdateProfile { person } => Some(person),
        }
    }

    fn granted(&self) -> &[Role] {
        match self {
            PeopleChange::Create { roles, .. } | PeopleChange::SetRoles { roles, .. } => roles,
            PeopleChange::SetActive { .. }
            | PeopleChange::ResetPassword { .. }
            | PeopleChange::UpdateProfile { .. } => &[],
        }
    }

    /// True when the person is an active platform administrator before the change and is not
    /// one after it.
    fn ends_platform_administration(&self) -> bool {
        let was = |p: &Administered| p.active && p.roles.contains(&Role::PlatformAdmin);
        match self {
            PeopleChange::Create { .. }
            | PeopleChange::ResetPassword { .. }
            | PeopleChange::UpdateProfile { .. } => false,
            PeopleChange::SetActive { person, active } => was(person) && !active,
            PeopleChange::SetRoles { person, roles } => {
                was(person) && !roles.contains(&Role::PlatformAdmin)
            }
        }
    }
}

/// Why a change was refused: the first rule that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "role")]
pub enum Refusal {
    /// Rule 1: the actor administers nobody, or not this organisation's people.
    OutOfReach,
    /// Rule 2: the person holds a right the actor does not (a platform administrator, for an
    /// organisation administrator).
    Outranks,
    /// Rule 2: the change would give a role the actor does not hold.
    GrantBeyondOwn(Role),
    /// Rule 3: the person is the last active platform administrator.
    LastPlatformAdmin,
}

impl Refusal {
    /// Stable code for audit entries and API errors.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::OutOfReach => "out_of_reach",
            Refusal::Outranks => "outranks",
            Refusal::GrantBeyondOwn(_) => "grant_beyond_own",
            Refusal::LastPlatformAdmin => "last_platform_admin",
        }
    }

    pub fn message_ja(self) -> String {
        match self {
            Refusal::OutOfReach => "この組織の利用者を管理する権限がありません。".into(),
            Refusal::Outranks => {
                "自分より多くの権限を持つ利用者（プラットフォーム管理者など）は管理できません。"
                    .into()
            }
            Refusal::GrantBeyondOwn(r) => {
                format!("自分が持たない役割「{}」は付与できません。", r.label_ja())
            }
            Refusal::LastPlatformAdmin => {
                "最後の有効なプラットフォーム管理者は、無効化することも役割を外すこともできません。"
                    .into()
            }
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Refusal::OutOfReach => "You may not manage the people of this organisation.".into(),
            Refusal::Outranks => {
                "You may not manage a person with rights you do not hold (such as a platform administrator).".into()
            }
            Refusal::GrantBeyondOwn(r) => {
                format!(
                    "You may not grant the role '{}' ({}), which you do not hold.",
                    r.label_en(),
                    r.code()
                )
            }
            Refusal::LastPlatformAdmin => {
                "The last active platform administrator can be neither deactivated nor lose the role."
                    .into()
            }
        }
    }
}

/// Whether `actor` administers the people of `org` at all (rule 1).
pub fn administers(actor: &Administrator, org: &OrgId) -> bool {
    actor.roles.contains(&Role::PlatformAdmin)
        || (actor.roles.contains(&Role::OrgAdmin) && actor.org == org)
}

/// May `actor` make `change`? `active_platform_admins` counts the active platform administrators
/// right now, the person changed included. The rules are in the module documentation.
pub fn may_administer(
    actor: &Administrator,
    change: &PeopleChange,
    active_platform_admins: usize,
) -> Result<(), Refusal> {
    // 1. Reach.
    if !administers(actor, change.org()) {
        return Err(Refusal::OutOfReach);
    }
    // 2. Rank: a platform administrator holds every right; anyone else only their own roles.
    let holds = |r: &Role| actor.roles.contains(&Role::PlatformAdmin) || actor.roles.contains(r);
    if let Some(p) = change.person() {
        if !p.roles.iter().all(holds) {
            return Err(Refusal::Outranks);
        }
    }
    if let Some(r) = change.granted().iter().find(|r| !holds(r)) {
        return Err(Refusal::GrantBeyondOwn(*r));
    }
    // 3. Continuity.
    if change.ends_platform_administration() && active_platform_admins <= 1 {
        return Err(Refusal::LastPlatformAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    /// Every subset of the roles, as lists.
    fn role_sets() -> Vec<Vec<Role>> {
        (0u32..1 << Role::ALL.len())
            .map(|bits| {
                Role::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect()
            })
            .collect()
    }

    fn org(id: &str) -> OrgId {
        OrgId(id.into())
    }

    /// The rule table: actor roles, same organisation?, change, target roles, target active,
    /// active platform admins → expected answer. Each row names the case it pins down.
    #[test]
    fn rule_table() {
        #[derive(Clone, Copy)]
        enum C {
            Create,
            Deactivate,
            Activate,
            Roles(&'static [Role]),
            Reset,
            Profile,
        }
        type Row = (
            &'static str,
            &'static [Role],
            bool,
            C,
            &'static [Role],
            bool,
            usize,
            Result<(), Refusal>,
        );
        const PA: &[Role] = &[PlatformAdmin, OrgAdmin];
        const OA: &[Role] = &[Reader, Reporter, Approver, OrgAdmin];
        const PLAIN: &[Role] = &[Reader, Reporter];
        #[rustfmt::skip]
        let rows: &[Row] = &[
            // The defect of issue 7 #5: an org admin inside NISC and the platform administrator.
            ("org admin deactivates platform admin", OA, true, C::Deactivate, PA, true, 2, Err(Refusal::Outranks)),
            ("org admin resets platform admin's password", OA, true, C::Reset, PA, true, 2, Err(Refusal::Outranks)),
            ("org admin edits platform admin's roles", OA, true, C::Roles(&[Reader]), PA, true, 2, Err(Refusal::Outranks)),
            ("org admin reactivates a deactivated platform admin", OA, true, C::Activate, PA, false, 1, Err(Refusal::Outranks)),
            ("org admin grants platform_admin", OA, true, C::Roles(&[Reader, PlatformAdmin]), PLAIN, true, 1, Err(Refusal::GrantBeyondOwn(PlatformAdmin))),
            ("org admin creates a platform admin", OA, true, C::Create, PA, true, 1, Err(Refusal::GrantBeyondOwn(PlatformAdmin))),
            // Rank below platform administration.
            ("org admin manages a plain member", OA, true, C::Deactivate, PLAIN, true, 1, Ok(())),
            ("org admin resets a member's password", OA, true, C::Reset, PLAIN, true, 1, Ok(())),
            ("org admin edits a member's profile", OA, true, C::Profile, PLAIN, true, 1, Ok(())),
            ("org admin edits platform admin's profile", OA, true, C::Profile, PA, true, 2, Err(Refusal::Outranks)),
            ("platform admin edits the last platform admin's profile", PA, true, C::Profile, PA, true, 1, Ok(())),
            ("org admin manages a peer org admin", OA, true, C::Roles(&[Reader]), OA, true, 1, Ok(())),
            ("org admin without approver manages an approver", &[OrgAdmin, Reader], true, C::Deactivate, &[Reader, Approver], true, 1, Err(Refusal::Outranks)),
            ("org admin without approver grants approver", &[OrgAdmin, Reader], true, C::Roles(&[Reader, Approver]), &[Reader], true, 1, Err(Refusal::GrantBeyondOwn(Approver))),
            ("org admin creates with own roles", OA, true, C::Create, OA, true, 1, Ok(())),
            // Reach.
            ("org admin of another organisation", OA, false, C::Deactivate, PLAIN, true, 1, Err(Refusal::OutOfReach)),
            ("org admin creates in another organisation", OA, false, C::Create, PLAIN, true, 1, Err(Refusal::OutOfReach)),
            ("no admin role", &[Reader, Reporter, Approver], true, C::Reset, PLAIN, true, 1, Err(Refusal::OutOfReach)),
            ("nobody at all", &[], true, C::Create, &[], true, 1, Err(Refusal::OutOfReach)),
            ("platform admin anywhere", PA, false, C::Reset, OA, true, 1, Ok(())),
            ("platform admin grants any role", &[PlatformAdmin], false, C::Create, &[Reader, Reporter, Approver, OrgAdmin, PlatformAdmin], true, 1, Ok(())),
            // Continuity.
            ("last platform admin deactivated by self", PA, true, C::Deactivate, PA, true, 1, Err(Refusal::LastPlatformAdmin)),
            ("last platform admin drops the role", PA, true, C::Roles(&[OrgAdmin]), PA, true, 1, Err(Refusal::LastPlatformAdmin)),
            ("one of two platform admins deactivated", PA, true, C::Deactivate, PA, true, 2, Ok(())),
            ("one of two platform admins drops the role", PA, true, C::Roles(&[OrgAdmin]), PA, true, 2, Ok(())),
            ("last platform admin keeps the role, gains another", PA, true, C::Roles(&[PlatformAdmin, OrgAdmin, Reader]), PA, true, 1, Ok(())),
            ("last platform admin's password reset", PA, true, C::Reset, PA, true, 1, Ok(())),
            ("inactive platform admin loses the role", PA, true, C::Roles(&[Reader]), PA, false, 1, Ok(())),
            ("inactive platform admin reactivated", PA, true, C::Activate, PA, false, 1, Ok(())),
        ];
        let (home, away) = (org("nisc"), org("other"));
        for (name, actor_roles, same, c, target_roles, active, count, want) in rows {
            let actor = Administrator {
                org: if *same { &home } else { &away },
                roles: actor_roles,
            };
            let person = Administered {
                org: &home,
                roles: target_roles,
                active: *active,
            };
            let change = match *c {
                C::Create => PeopleChange::Create {
                    org: &home,
                    roles: target_roles,
                },
                C::Deactivate => PeopleChange::SetActive {
                    person,
                    active: false,
                },
                C::Activate => PeopleChange::SetActive {
                    person,
                    active: true,
                },
                C::Roles(roles) => PeopleChange::SetRoles { person, roles },
                C::Reset => PeopleChange::ResetPassword { person },
                C::Profile => PeopleChange::UpdateProfile { person },
            };
            assert_eq!(may_administer(&actor, &change, *count), *want, "{name}");
        }
    }

    /// Every actor role set × every target role set × every change × same/other organisation ×
    /// active or not × one or two platform admins, against the rules stated independently.
    #[test]
    fn exhaustive_over_all_role_sets() {
        let sets = role_sets();
        let (home, away) = (org("home"), org("away"));
        let (mut allowed, mut refused) = (0usize, 0usize);
        for actor_roles in &sets {
            for same in [true, false] {
                let actor = Administrator {
                    org: if same { &home } else { &away },
                    roles: actor_roles,
                };
                let is_pa = actor_roles.contains(&PlatformAdmin);
                let reaches = is_pa || (same && actor_roles.contains(&OrgAdmin));
                let covers =
                    |roles: &[Role]| is_pa || roles.iter().all(|r| actor_roles.contains(r));
                for target in &sets {
                    for active in [true, false] {
                        for count in [1usize, 2] {
                            let person = Administered {
                                org: &home,
                                roles: target,
                                active,
                            };
                            let target_pa = active && target.contains(&PlatformAdmin);
                            let mut changes = vec![
                                (
                                    PeopleChange::Create {
                                        org: &home,
                                        roles: target,
                                    },
                                    covers(target),
                                    false,
                                ),
                                (
                                    PeopleChange::ResetPassword { person },
                                    covers(target),
                                    false,
                                ),
                                (
                                    PeopleChange::UpdateProfile { person },
                                    covers(target),
                                    false,
                                ),
                                (
                                    PeopleChange::SetActive {
                                        person,
                                        active: true,
                                    },
                                    covers(target),
                                    false,
                                ),
                                (
                                    PeopleChange::SetActive {
                                        person,
                                        active: false,
                                    },
                                    covers(target),
                                    target_pa,
                                ),
                            ];
                            for new in &sets {
                                changes.push((
                                    PeopleChange::SetRoles { person, roles: new },
                                    covers(target) && covers(new),
                                    target_pa && !new.contains(&PlatformAdmin),
                                ));
                            }
                            for (change, ranked, ends_pa) in changes {
                                let want = reaches && ranked && !(ends_pa && count == 1);
                                let got = may_administer(&actor, &change, count);
                                assert_eq!(
                                    got.is_ok(),
                                    want,
                                    "{actor:?} {change:?} {count}: {got:?}"
                                );
                                // Never: a non-platform admin reaching a platform admin or granting the role.
                                if !is_pa && got.is_ok() {
                                    assert!(!change
                                        .person()
                                        .is_some_and(|p| p.roles.contains(&PlatformAdmin)));
                                    assert!(!change.granted().contains(&PlatformAdmin));
                                }
                                if got.is_ok() {
                                    allowed += 1;
                                } else {
                                    refused += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(allowed > 0 && refused > 0, "both outcomes occur");
    }

    #[test]
    fn refusals_speak_both_languages() {
        for r in [
            Refusal::OutOfReach,
            Refusal::Outranks,
            Refusal::GrantBeyondOwn(PlatformAdmin),
            Refusal::LastPlatformAdmin,
        ] {
            assert!(!r.message_ja().is_empty() && !r.message_ja().is_ascii());
            assert!(r.message_en().is_ascii() && !r.message_en().is_empty());
            assert!(!r.code().is_empty());
        }
    }
}
