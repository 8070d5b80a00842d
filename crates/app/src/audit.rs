//! Reading and verifying the tamper-evident audit log.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::App;
use kakehashi_audit::AuditEntry;

impl App {
    /// Newest entries first (platform administrators only).
    pub async fn audit_recent(&self, actor: &Actor, limit: u64) -> AppResult<Vec<AuditEntry>> {
        if !actor.is_platform_admin() {
            return Err(AppError::forbidden(
                "監査ログの閲覧はプラットフォーム管理者のみ可能です。",
                "Only platform administrators read the audit log.",
            ));
        }
        Ok(self.store.audit_recent(limit.clamp(1, 1000)).await?)
    }

    /// Checks every entry's hash, the links between them and the recorded head. `Ok(Ok(n))` is a
    /// sound log of `n` entries; `Ok(Err(message))` names the first entry found altered, inserted
    /// or deleted.
    pub async fn verify_audit(&self) -> AppResult<Result<u64, String>> {
        let head = self.store.audit_head().await?;
        let mut entries = Vec::new();
        let mut from = 1u64;
        loop {
            let page = self.store.audit_entries(from, 5000).await?;
            let Some(last) = page.last() else { break };
            from = last.seq + 1;
            entries.extend(page);
        }
        let head_ref = head.as_ref().map(|(s, h)| (*s, h.as_str()));
        Ok(match kakehashi_audit::verify(entries, head_ref) {
            Ok(report) => Ok(report.entries),
            Err(e) => Err(e.to_string()),
        })
    }
}
