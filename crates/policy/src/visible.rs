//! 閲覧許可済みの値 — values that have passed the access decision.

use crate::decision::{decide, decide_hub_internal, Decision, Reason};
use crate::scope::{ItemScope, Viewer};
use serde::{Serialize, Serializer};
use std::fmt;

/// 閲覧可 — a value the viewer was allowed to read, with the [`Decision`] that allowed it.
///
/// Only [`reveal`] constructs it: the fields are private and there is no `Default`, `From` or
/// `Deserialize`. Read paths elsewhere return `Visible<T>`, so nothing can hand out an item that
/// did not go through [`decide`]. It serialises as the inner value alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible<T> {
    value: T,
    decision: Decision,
}

impl<T> Visible<T> {
    /// Only for a decision that allowed (the crate's reveal functions).
    pub(crate) fn new(value: T, decision: Decision) -> Self {
        debug_assert!(decision.allowed);
        Visible { value, decision }
    }

    pub fn get(&self) -> &T {
        &self.value
    }

    pub fn into_inner(self) -> T {
        self.value
    }

    /// The (allowing) decision, e.g. to show or audit why the viewer could read it.
    pub fn decision(&self) -> Decision {
        self.decision
    }
}

impl<T: Serialize> Serialize for Visible<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// 閲覧不可 — the viewer may not read the item; carries the denying [`Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied {
    decision: Decision,
}

impl Denied {
    pub(crate) fn new(decision: Decision) -> Self {
        debug_assert!(!decision.allowed);
        Denied { decision }
    }

    pub fn decision(&self) -> Decision {
        self.decision
    }

    pub fn reason(&self) -> Reason {
        self.decision.reason
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.decision.reason.label_en())
    }
}

impl std::error::Error for Denied {}

/// Decides whether `viewer` may read `item` and, if so, wraps `value` (the item's content) in
/// [`Visible`]. The value is dropped on denial.
pub fn reveal<T>(viewer: &Viewer, item: &ItemScope, value: T) -> Result<Visible<T>, Denied> {
    let decision = decide(viewer, item);
    if decision.allowed {
        Ok(Visible { value, decision })
    } else {
        Err(Denied { decision })
    }
}

/// As [`reveal`] for NISC's internal working material: decided by [`decide_hub_internal`].
pub fn reveal_hub_internal<T>(viewer: &Viewer, value: T) -> Result<Visible<T>, Denied> {
    let decision = decide_hub_internal(viewer);
    if decision.allowed {
        Ok(Visible { value, decision })
    } else {
        Err(Denied { decision })
    }
}

/// Wraps `value` when `decision` allows it: for the policy's other rules (contacts).
pub(crate) fn wrap<T>(decision: Decision, value: T) -> Result<Visible<T>, Denied> {
    if decision.allowed {
        Ok(Visible { value, decision })
    } else {
        Err(Denied { decision })
    }
}
