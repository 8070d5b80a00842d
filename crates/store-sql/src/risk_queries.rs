// The risk register and continuity plans for both backends; included after `queries.rs` by
// `sqlite` and `postgres` with their own `Db` (placeholders in increasing order).

use kakehashi_domain::risk::RiskCriteria as DomainRiskCriteria;

fn day_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_day(s: Option<String>, what: &str) -> StoreResult<Option<chrono::NaiveDate>> {
    s.map(|s| {
        chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|e| StoreError::Other(format!("corrupt {what} {s:?}: {e}")))
    })
    .transpose()
}

fn risk_entry_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<RiskEntryRecord> {
    Ok(RiskEntryRecord {
        id: r.try_get("id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        kind: r.try_get("kind").map_err(map_err)?,
        parent: r.try_get("parent_id").map_err(map_err)?,
        title: r.try_get("title").map_err(map_err)?,
        body: r.try_get("body").map_err(map_err)?,
        status: r.try_get("status").map_err(map_err)?,
        due_on: parse_day(r.try_get("due_on").map_err(map_err)?, "due_on")?,
        reassess: r.try_get("reassess").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

fn plan_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ContinuityPlanRecord> {
    Ok(ContinuityPlanRecord {
        id: r.try_get("id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        kind: r.try_get("kind").map_err(map_err)?,
        status: r.try_get("status").map_err(map_err)?,
        title: r.try_get("title").map_err(map_err)?,
        body: r.try_get("body").map_err(map_err)?,
        review_on: parse_day(r.try_get("review_on").map_err(map_err)?, "review_on")?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

#[async_trait]
impl RiskStore for SqlStore {
    async fn risk_criteria(&self, org: &OrgId) -> StoreResult<Option<RiskCriteriaRecord>> {
        let row = sqlx::query("SELECT * FROM risk_criteria WHERE org_id = $1")
            .bind(org.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(map_err)?;
        let Some(r) = row else { return Ok(None) };
        let json: String = r.try_get("criteria").map_err(map_err)?;
        let criteria: DomainRiskCriteria =
            serde_json::from_str(&json).map_err(|e| StoreError::Other(format!("corrupt risk criteria: {e}")))?;
        Ok(Some(RiskCriteriaRecord {
            org: OrgId(r.try_get("org_id").map_err(map_err)?),
            criteria,
            updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
            updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
        }))
    }

    async fn put_risk_criteria(&self, r: &RiskCriteriaRecord, audit: AuditDraft) -> StoreResult<()> {
        let json = serde_json::to_string(&r.criteria).map_err(|e| StoreError::Other(e.to_string()))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO risk_criteria (org_id, criteria, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id) DO UPDATE SET criteria = excluded.criteria, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(r.org.as_str())
        .bind(json)
        .bind(r.updated_by.as_str())
        .bind(micros(r.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], r.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn risk_entries(&self, org: &OrgId) -> StoreResult<Vec<RiskEntryRecord>> {
        let rows = sqlx::query("SELECT * FROM risk_entries WHERE org_id = $1 ORDER BY kind, created_at, id")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(risk_entry_from_row).collect()
    }

    async fn put_risk_entry(&self, e: &RiskEntryRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO risk_entries (id, org_id, kind, parent_id, title, body, status, due_on, reassess, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, title = excluded.title, body = excluded.body, \
             status = excluded.status, due_on = excluded.due_on, reassess = excluded.reassess, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at \
             WHERE risk_entries.org_id = excluded.org_id AND risk_entries.kind = excluded.kind",
        )
        .bind(&e.id)
        .bind(e.org.as_str())
        .bind(&e.kind)
        .bind(e.parent.clone())
        .bind(&e.title)
        .bind(&e.body)
        .bind(&e.status)
        .bind(e.due_on.map(day_text))
        .bind(e.reassess.clone())
        .bind(micros(e.created_at))
        .bind(e.updated_by.as_str())
        .bind(micros(e.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], e.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn delete_risk_entry(&self, org: &OrgId, id: &str, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM risk_entries WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM risk_entries WHERE parent_id = $1 AND org_id = $2")
            .bind(id)
            .bind(org.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn flag_risks(&self, org: &OrgId, flags: &[(String, String)], audit: AuditDraft) -> StoreResult<u64> {
        if flags.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let mut n = 0;
        for (id, flag) in flags {
            let done = sqlx::query("UPDATE risk_entries SET reassess = $1 WHERE id = $2 AND org_id = $3 AND kind = 'risk'")
                .bind(flag)
                .bind(id)
                .bind(org.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            n += done.rows_affected();
        }
        if n > 0 {
            Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(n)
    }

    async fn continuity_plans(&self, org: &OrgId) -> StoreResult<Vec<ContinuityPlanRecord>> {
        let rows = sqlx::query("SELECT * FROM continuity_plans WHERE org_id = $1 ORDER BY kind, title, id")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(plan_from_row).collect()
    }

    async fn put_continuity_plan(&self, p: &ContinuityPlanRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO continuity_plans (id, org_id, kind, status, title, body, review_on, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, title = excluded.title, \
             body = excluded.body, review_on = excluded.review_on, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at WHERE continuity_plans.org_id = excluded.org_id",
        )
        .bind(&p.id)
        .bind(p.org.as_str())
        .bind(&p.kind)
        .bind(&p.status)
        .bind(&p.title)
        .bind(&p.body)
        .bind(p.review_on.map(day_text))
        .bind(micros(p.created_at))
        .bind(p.updated_by.as_str())
        .bind(micros(p.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], p.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn risk_due(&self, until: chrono::NaiveDate) -> StoreResult<Vec<RiskDueRecord>> {
        let rows = sqlx::query(
            "SELECT org_id, 'treatment' AS kind, id, title, due_on FROM risk_entries \
             WHERE kind = 'treatment' AND status <> 'done' AND due_on IS NOT NULL AND due_on <= $1 \
             UNION ALL SELECT org_id, 'plan' AS kind, id, title, review_on AS due_on FROM continuity_plans \
             WHERE status <> 'retired' AND review_on IS NOT NULL AND review_on <= $2 \
             ORDER BY due_on, id",
        )
        .bind(day_text(until))
        .bind(day_text(until))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(RiskDueRecord {
                    org: OrgId(r.try_get("org_id").map_err(map_err)?),
                    kind: r.try_get("kind").map_err(map_err)?,
                    ref_id: r.try_get("id").map_err(map_err)?,
                    title: r.try_get("title").map_err(map_err)?,
                    due_on: parse_day(r.try_get("due_on").map_err(map_err)?, "due_on")?
                        .ok_or_else(|| StoreError::Other("due date missing".into()))?,
                })
            })
            .collect()
    }

    async fn claim_risk_reminder(&self, key: &RiskReminderKey, lease: &Lease) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO risk_reminders (ref_id, due_on, phase, claimed_by, claimed_until) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (ref_id, due_on, phase) DO UPDATE SET claimed_by = excluded.claimed_by, \
             claimed_until = excluded.claimed_until \
             WHERE risk_reminders.sent_at IS NULL AND risk_reminders.claimed_until <= $6",
        )
        .bind(&key.ref_id)
        .bind(day_text(key.due_on))
        .bind(&key.phase)
        .bind(&lease.node)
        .bind(micros(lease.until))
        .bind(micros(lease.now))
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_risk_reminder(&self, key: &RiskReminderKey, node: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE risk_reminders SET sent_at = $1, claimed_by = NULL, claimed_until = NULL \
             WHERE ref_id = $2 AND due_on = $3 AND phase = $4 AND claimed_by = $5 AND sent_at IS NULL",
        )
        .bind(micros(at))
        .bind(&key.ref_id)
        .bind(day_text(key.due_on))
        .bind(&key.phase)
        .bind(node)
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }
}
