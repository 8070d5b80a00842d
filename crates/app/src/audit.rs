//! Reading and verifying the tamper-evident audit log.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::App;
use kakehashi_audit::AuditEntry;

/// The most audit entries one read returns.
pub const AUDIT_PAGE_MAX: u64 = 1000;

impl App {
    /// Newest entries first (platform administrators only).
    pub async fn audit_recent(&self, actor: &Actor, limit: u64) -> AppResult<Vec<AuditEntry>> {
        if !actor.is_platform_admin() {
            return Err(AppError::forbidden(
                "監査ログの閲覧はプラットフォーム管理者のみ可能です。",
                "Only platform administrators read the audit log.",
            ));
        }
        Ok(self
            .store
            .audit_recent(limit.clamp(1, AUDIT_PAGE_MAX))
            .await?)
    }

    /// Checks every entry's hash, the links between them and the recorded head. `Ok(Ok(n))` is a
    /// sound log of `n` entries; `Ok(Err(message))` names the first entry found altered, inserted
    /// or deleted.
    ///
    /// Entries and head are read as one consistent picture: every audited write moves the head
    /// in the transaction that adds its entries, so when the head reads the same before and
    /// after the entries were read, no write committed in between and the entries are exactly
    /// those the head seals. Otherwise (writes still landing — a live server, or a commit that
    /// reached the database just as its server was killed) it reads again.
    pub async fn verify_audit(&self) -> AppResult<Result<u64, String>> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let head = self.store.audit_head().await?;
            let entries = self.audit_all().await?;
            let settled = self.store.audit_head().await? == head;
            if settled || attempts >= 20 {
                let head_ref = head.as_ref().map(|(s, h)| (*s, h.as_str()));
                return Ok(match kakehashi_audit::verify(entries, head_ref) {
                    Ok(report) => Ok(report.entries),
                    Err(e) => Err(e.to_string()),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    async fn audit_all(&self) -> AppResult<Vec<AuditEntry>> {
        let mut entries = Vec::new();
        let mut from = 1u64;
        loop {
            let page = self.store.audit_entries(from, 5000).await?;
            let Some(last) = page.last() else { break };
            from = last.seq + 1;
            entries.extend(page);
        }
        Ok(entries)
    }
}
