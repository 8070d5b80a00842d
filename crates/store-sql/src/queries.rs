// One body of queries for both backends; included by `sqlite` and `postgres` with their own `Db`.
// Placeholders appear in increasing order so that SQLite's positional binding of `$n` matches.

use crate::convert::{flag, from_micros, json_list, map_err, micros, parse_list};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kakehashi_audit::{AuditDraft, AuditEntry};
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};
use kakehashi_store::*;
use sqlx::{Pool, QueryBuilder, Row};

/// A [`Store`] over this backend's connection pools.
pub struct SqlStore {
    reader: Pool<Db>,
    writer: Pool<Db>,
    name: &'static str,
}

type Tx<'a> = sqlx::Transaction<'a, Db>;

impl SqlStore {
    /// Appends audit entries inside `tx`, extending the chain from the recorded head.
    async fn audit_in(tx: &mut Tx<'_>, drafts: Vec<AuditDraft>, at: DateTime<Utc>) -> StoreResult<()> {
        if drafts.is_empty() {
            return Ok(());
        }
        // Touch the head row first: on PostgreSQL this takes its row lock, serialising writers
        // of the chain; on SQLite the single writer connection already does.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
        let mut seq: i64 = row.try_get("seq").map_err(map_err)?;
        let mut hash: String = row.try_get("hash").map_err(map_err)?;
        for draft in drafts {
            let prev = if seq == 0 { None } else { Some((seq as u64, hash.as_str())) };
            let e = kakehashi_audit::seal(prev, draft, at);
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor, actor_org, action, target, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(e.seq as i64)
            .bind(e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
            .bind(e.actor.clone())
            .bind(e.actor_org.clone())
            .bind(e.action.clone())
            .bind(e.target.clone())
            .bind(kakehashi_audit::canonical_json(&e.detail))
            .bind(e.prev_hash.clone())
            .bind(e.hash.clone())
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            seq = e.seq as i64;
            hash = e.hash;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn begin(&self) -> StoreResult<Tx<'static>> {
        self.writer.begin().await.map_err(map_err)
    }
}

fn org_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<OrgRecord> {
    Ok(OrgRecord {
        id: OrgId(r.try_get("id").map_err(map_err)?),
        kind: r.try_get("kind").map_err(map_err)?,
        name_ja: r.try_get("name_ja").map_err(map_err)?,
        name_en: r.try_get("name_en").map_err(map_err)?,
        sectors: parse_list(&r.try_get::<String, _>("sectors").map_err(map_err)?)?,
        ceptoars: parse_list(&r.try_get::<String, _>("ceptoars").map_err(map_err)?)?,
        nisc_partner: r.try_get::<i64, _>("nisc_partner").map_err(map_err)? != 0,
        aliases: parse_list(&r.try_get::<String, _>("aliases").map_err(map_err)?)?,
        domains: parse_list(&r.try_get::<String, _>("domains").map_err(map_err)?)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn person_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<PersonRecord> {
    let ntk: Option<String> = r.try_get("need_to_know").map_err(map_err)?;
    Ok(PersonRecord {
        id: PersonId(r.try_get("id").map_err(map_err)?),
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        login: r.try_get("login").map_err(map_err)?,
        display_name: r.try_get("display_name").map_err(map_err)?,
        email: r.try_get("email").map_err(map_err)?,
        phone: r.try_get("phone").map_err(map_err)?,
        department: r.try_get("department").map_err(map_err)?,
        password_hash: r.try_get("password_hash").map_err(map_err)?,
        roles: parse_list(&r.try_get::<String, _>("roles").map_err(map_err)?)?,
        employment: r.try_get("employment").map_err(map_err)?,
        need_to_know: match ntk {
            Some(s) => Some(parse_list(&s)?),
            None => None,
        },
        active: r.try_get::<i64, _>("active").map_err(map_err)? != 0,
        locale: r.try_get("locale").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn chain_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ChainRecord> {
    Ok(ChainRecord {
        id: ChainId(r.try_get("id").map_err(map_err)?),
        number: r.try_get::<Option<i64>, _>("number").map_err(map_err)?.map(|n| n as u64),
        sector: r.try_get("sector").map_err(map_err)?,
        statutory: r.try_get::<i64, _>("statutory").map_err(map_err)? != 0,
        origin_org: OrgId(r.try_get("origin_org").map_err(map_err)?),
        status: r.try_get("status").map_err(map_err)?,
        latest_report_no: r.try_get::<i64, _>("latest_report_no").map_err(map_err)? as u32,
        exercise: r.try_get::<i64, _>("exercise").map_err(map_err)? != 0,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

fn report_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ReportRecord> {
    Ok(ReportRecord {
        id: ReportId(r.try_get("id").map_err(map_err)?),
        chain: ChainId(r.try_get("chain_id").map_err(map_err)?),
        report_no: r.try_get::<i64, _>("report_no").map_err(map_err)? as u32,
        ident: r.try_get("ident").map_err(map_err)?,
        numbered_at: r.try_get::<Option<i64>, _>("numbered_at").map_err(map_err)?.map(from_micros),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn copy_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<CopyRecord> {
    Ok(CopyRecord {
        id: CopyId(r.try_get("id").map_err(map_err)?),
        chain: ChainId(r.try_get("chain_id").map_err(map_err)?),
        report: ReportId(r.try_get("report_id").map_err(map_err)?),
        report_no: r.try_get::<i64, _>("report_no").map_err(map_err)? as u32,
        hop_kind: r.try_get("hop_kind").map_err(map_err)?,
        sender_org: OrgId(r.try_get("sender_org").map_err(map_err)?),
        sender_person: PersonId(r.try_get("sender_person").map_err(map_err)?),
        addressee_org: OrgId(r.try_get("addressee_org").map_err(map_err)?),
        added_recipients: parse_list(&r.try_get::<String, _>("added_recipients").map_err(map_err)?)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        importance: r.try_get("importance").map_err(map_err)?,
        sector: r.try_get("sector").map_err(map_err)?,
        held_by_nisc: r.try_get::<i64, _>("held_by_nisc").map_err(map_err)? != 0,
        anonymised: r.try_get::<i64, _>("anonymised").map_err(map_err)? != 0,
        parent: r.try_get::<Option<String>, _>("parent_id").map_err(map_err)?.map(CopyId),
        form: r.try_get("form").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn audit_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<AuditEntry> {
    let at: String = r.try_get("at").map_err(map_err)?;
    let detail: String = r.try_get("detail").map_err(map_err)?;
    Ok(AuditEntry {
        seq: r.try_get::<i64, _>("seq").map_err(map_err)? as u64,
        at: DateTime::parse_from_rfc3339(&at)
            .map_err(|e| StoreError::Other(format!("corrupt audit time: {e}")))?
            .with_timezone(&Utc),
        actor: r.try_get("actor").map_err(map_err)?,
        actor_org: r.try_get("actor_org").map_err(map_err)?,
        action: r.try_get("action").map_err(map_err)?,
        target: r.try_get("target").map_err(map_err)?,
        detail: serde_json::from_str(&detail)
            .map_err(|e| StoreError::Other(format!("corrupt audit detail: {e}")))?,
        prev_hash: r.try_get("prev_hash").map_err(map_err)?,
        hash: r.try_get("hash").map_err(map_err)?,
    })
}

const COPY_COLUMNS: &str = "c.id, c.chain_id, c.report_id, c.report_no, c.hop_kind, c.sender_org, \
    c.sender_person, c.addressee_org, c.added_recipients, c.tlp, c.importance, c.sector, \
    c.held_by_nisc, c.anonymised, c.parent_id, c.form, c.created_at";

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.name
    }

    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.reader)
            .await
            .map_err(map_err)?;
        row.map(|r| r.try_get("value").map_err(map_err)).transpose()
    }

    async fn put_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn insert_org(&self, o: &OrgRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO organisations (id, kind, name_ja, name_en, sectors, ceptoars, nisc_partner, \
             aliases, domains, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(o.id.as_str())
        .bind(&o.kind)
        .bind(&o.name_ja)
        .bind(&o.name_en)
        .bind(json_list(&o.sectors))
        .bind(json_list(&o.ceptoars))
        .bind(flag(o.nisc_partner))
        .bind(json_list(&o.aliases))
        .bind(json_list(&o.domains))
        .bind(micros(o.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], o.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_org(&self, o: &OrgRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE organisations SET kind = $1, name_ja = $2, name_en = $3, sectors = $4, \
             ceptoars = $5, nisc_partner = $6, aliases = $7, domains = $8 WHERE id = $9",
        )
        .bind(&o.kind)
        .bind(&o.name_ja)
        .bind(&o.name_en)
        .bind(json_list(&o.sectors))
        .bind(json_list(&o.ceptoars))
        .bind(flag(o.nisc_partner))
        .bind(json_list(&o.aliases))
        .bind(json_list(&o.domains))
        .bind(o.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn org(&self, id: &OrgId) -> StoreResult<OrgRecord> {
        let r = sqlx::query("SELECT * FROM organisations WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        org_from_row(&r)
    }

    async fn orgs(&self) -> StoreResult<Vec<OrgRecord>> {
        let rows = sqlx::query("SELECT * FROM organisations ORDER BY kind, name_ja")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(org_from_row).collect()
    }

    async fn insert_person(&self, p: &PersonRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO people (id, org_id, login, display_name, email, phone, department, \
             password_hash, roles, employment, need_to_know, active, locale, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(p.id.as_str())
        .bind(p.org.as_str())
        .bind(&p.login)
        .bind(&p.display_name)
        .bind(&p.email)
        .bind(&p.phone)
        .bind(&p.department)
        .bind(&p.password_hash)
        .bind(json_list(&p.roles))
        .bind(&p.employment)
        .bind(p.need_to_know.as_ref().map(|v| json_list(v)))
        .bind(flag(p.active))
        .bind(&p.locale)
        .bind(micros(p.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], p.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_person(&self, p: &PersonRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE people SET display_name = $1, email = $2, phone = $3, department = $4, \
             password_hash = $5, roles = $6, employment = $7, need_to_know = $8, active = $9, \
             locale = $10 WHERE id = $11",
        )
        .bind(&p.display_name)
        .bind(&p.email)
        .bind(&p.phone)
        .bind(&p.department)
        .bind(&p.password_hash)
        .bind(json_list(&p.roles))
        .bind(&p.employment)
        .bind(p.need_to_know.as_ref().map(|v| json_list(v)))
        .bind(flag(p.active))
        .bind(&p.locale)
        .bind(p.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if !p.active {
            sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(p.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn person(&self, id: &PersonId) -> StoreResult<PersonRecord> {
        let r = sqlx::query("SELECT * FROM people WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        person_from_row(&r)
    }

    async fn person_by_login(&self, login: &str) -> StoreResult<PersonRecord> {
        let r = sqlx::query("SELECT * FROM people WHERE login = $1")
            .bind(login)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        person_from_row(&r)
    }

    async fn people_of_org(&self, org: &OrgId) -> StoreResult<Vec<PersonRecord>> {
        let rows = sqlx::query("SELECT * FROM people WHERE org_id = $1 ORDER BY login")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(person_from_row).collect()
    }

    async fn count_people(&self) -> StoreResult<u64> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM people")
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        Ok(r.try_get::<i64, _>("n").map_err(map_err)? as u64)
    }

    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.token_hash)
        .bind(s.person.as_str())
        .bind(&s.csrf_token)
        .bind(micros(s.created_at))
        .bind(micros(s.expires_at))
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<SessionRecord> {
        let r = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(micros(now))
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        Ok(SessionRecord {
            token_hash: r.try_get("token_hash").map_err(map_err)?,
            person: PersonId(r.try_get("person_id").map_err(map_err)?),
            csrf_token: r.try_get("csrf_token").map_err(map_err)?,
            created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
            expires_at: from_micros(r.try_get("expires_at").map_err(map_err)?),
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn insert_api_token(&self, t: &ApiTokenRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, person_id, name, token_hash, scopes, created_at, expires_at, revoked) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&t.id)
        .bind(t.person.as_str())
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(json_list(&t.scopes))
        .bind(micros(t.created_at))
        .bind(t.expires_at.map(micros))
        .bind(flag(t.revoked))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], t.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<ApiTokenRecord> {
        let r = sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        token_from_row(&r)
    }

    async fn api_tokens_of(&self, person: &PersonId) -> StoreResult<Vec<ApiTokenRecord>> {
        let rows = sqlx::query("SELECT * FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC")
            .bind(person.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(&self, id: &str, person: &PersonId, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND person_id = $2")
            .bind(id)
            .bind(person.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn record_login_failure(&self, login: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_failures (login, at) VALUES ($1, $2)")
            .bind(login)
            .bind(micros(at))
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn login_failures_since(&self, login: &str, since: DateTime<Utc>) -> StoreResult<Vec<DateTime<Utc>>> {
        let rows = sqlx::query("SELECT at FROM login_failures WHERE login = $1 AND at >= $2 ORDER BY at")
            .bind(login)
            .bind(micros(since))
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(|r| Ok(from_micros(r.try_get("at").map_err(map_err)?))).collect()
    }

    async fn clear_login_failures(&self, login: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE login = $1")
            .bind(login)
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn record_hops(&self, b: HopBatch) -> StoreResult<HopOutcome> {
        let mut tx = self.begin().await?;
        let at = micros(b.at);
        if let Some(c) = &b.new_chain {
            sqlx::query(
                "INSERT INTO chains (id, number, sector, statutory, origin_org, status, latest_report_no, \
                 exercise, created_at, updated_at) VALUES ($1, NULL, $2, $3, $4, 'open', 0, $5, $6, $7)",
            )
            .bind(c.id.as_str())
            .bind(&c.sector)
            .bind(flag(c.statutory))
            .bind(c.origin_org.as_str())
            .bind(flag(c.exercise))
            .bind(at)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        // Lock the chain row (PostgreSQL) before reading its number, so that two nodes
        // receiving the same chain at once cannot both number it.
        let touched = sqlx::query("UPDATE chains SET updated_at = $1 WHERE id = $2")
            .bind(at)
            .bind(b.chain.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(r) = &b.new_report {
            sqlx::query(
                "INSERT INTO reports (id, chain_id, report_no, ident, numbered_at, created_at) \
                 VALUES ($1, $2, $3, NULL, NULL, $4)",
            )
            .bind(r.id.as_str())
            .bind(b.chain.as_str())
            .bind(i64::from(r.report_no))
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            sqlx::query("UPDATE chains SET latest_report_no = $1 WHERE id = $2 AND latest_report_no < $3")
                .bind(i64::from(r.report_no))
                .bind(b.chain.as_str())
                .bind(i64::from(r.report_no))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        if let Some(status) = &b.chain_status {
            sqlx::query("UPDATE chains SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(b.chain.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        for c in &b.copies {
            let r = &c.record;
            sqlx::query(
                "INSERT INTO copies (id, chain_id, report_id, report_no, hop_kind, sender_org, sender_person, \
                 addressee_org, added_recipients, tlp, importance, sector, held_by_nisc, anonymised, parent_id, \
                 form, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(r.id.as_str())
            .bind(r.chain.as_str())
            .bind(r.report.as_str())
            .bind(i64::from(r.report_no))
            .bind(&r.hop_kind)
            .bind(r.sender_org.as_str())
            .bind(r.sender_person.as_str())
            .bind(r.addressee_org.as_str())
            .bind(json_list(&r.added_recipients))
            .bind(&r.tlp)
            .bind(r.importance.clone())
            .bind(&r.sector)
            .bind(flag(r.held_by_nisc))
            .bind(flag(r.anonymised))
            .bind(r.parent.as_ref().map(|p| p.0.clone()))
            .bind(&r.form)
            .bind(micros(r.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if !c.audience.is_empty() {
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new("INSERT INTO copy_audience (key, created_at, copy_id) ");
                qb.push_values(&c.audience, |mut row, key| {
                    row.push_bind(key.clone())
                        .push_bind(micros(r.created_at))
                        .push_bind(r.id.0.clone());
                });
                qb.build().execute(&mut *tx).await.map_err(map_err)?;
            }
        }
        let mut outcome = HopOutcome { chain_number: None, ident: None };
        let row = sqlx::query("SELECT number FROM chains WHERE id = $1")
            .bind(b.chain.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        let mut number: Option<i64> = row.try_get("number").map_err(map_err)?;
        if b.copies.iter().any(|c| c.numbers_on_receipt) {
            if number.is_none() {
                let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'R' RETURNING value")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .try_get("value")
                    .map_err(map_err)?;
                sqlx::query("UPDATE chains SET number = $1 WHERE id = $2")
                    .bind(n)
                    .bind(b.chain.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                number = Some(n);
            }
            if let Some(n) = number {
                // Number every report of the chain that has reached NISC by now and is still
                // unnumbered: normally just this one.
                let rep = sqlx::query("SELECT report_no, ident FROM reports WHERE id = $1")
                    .bind(b.report.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let k: i64 = rep.try_get("report_no").map_err(map_err)?;
                let existing: Option<String> = rep.try_get("ident").map_err(map_err)?;
                let ident = match existing {
                    Some(i) => i,
                    None => {
                        let ident = kakehashi_domain::numbering::IdentNumber::new(
                            kakehashi_domain::numbering::Series::Liaison,
                            n as u64,
                            k as u32,
                        )
                        .to_string();
                        sqlx::query("UPDATE reports SET ident = $1, numbered_at = $2 WHERE id = $3")
                            .bind(&ident)
                            .bind(at)
                            .bind(b.report.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                        ident
                    }
                };
                outcome.ident = Some(ident);
            }
        }
        outcome.chain_number = number.map(|n| n as u64);
        Self::audit_in(&mut tx, b.audit, b.at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(outcome)
    }

    async fn chain(&self, id: &ChainId) -> StoreResult<ChainRecord> {
        let r = sqlx::query("SELECT * FROM chains WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        chain_from_row(&r)
    }

    async fn chain_by_number(&self, number: u64) -> StoreResult<ChainRecord> {
        let r = sqlx::query("SELECT * FROM chains WHERE number = $1")
            .bind(number as i64)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        chain_from_row(&r)
    }

    async fn reports_of_chain(&self, id: &ChainId) -> StoreResult<Vec<ReportRecord>> {
        let rows = sqlx::query("SELECT * FROM reports WHERE chain_id = $1 ORDER BY report_no")
            .bind(id.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(report_from_row).collect()
    }

    async fn copy(&self, id: &CopyId) -> StoreResult<CopyRecord> {
        let sql = format!("SELECT {COPY_COLUMNS} FROM copies c WHERE c.id = $1");
        let r = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        copy_from_row(&r)
    }

    async fn copies_of_chain(&self, id: &ChainId) -> StoreResult<Vec<CopyRecord>> {
        let sql = format!("SELECT {COPY_COLUMNS} FROM copies c WHERE c.chain_id = $1 ORDER BY c.created_at, c.id");
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(copy_from_row).collect()
    }

    async fn list_copies(&self, q: &CopyQuery) -> StoreResult<Vec<CopySummary>> {
        if q.keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT c.id, c.chain_id, c.report_no, r.ident, c.hop_kind, c.sender_org, c.addressee_org, \
             c.tlp, c.importance, c.sector, ch.status, c.created_at \
             FROM copies c JOIN reports r ON r.id = c.report_id JOIN chains ch ON ch.id = c.chain_id \
             WHERE EXISTS (SELECT 1 FROM copy_audience a WHERE a.copy_id = c.id AND a.key IN (",
        );
        let mut sep = qb.separated(", ");
        for k in &q.keys {
            sep.push_bind(k.clone());
        }
        qb.push("))");
        if let Some(org) = &q.involving_org {
            qb.push(" AND (c.addressee_org = ").push_bind(org.0.clone());
            qb.push(" OR c.sender_org = ").push_bind(org.0.clone()).push(")");
        }
        if let Some(s) = &q.sector {
            qb.push(" AND c.sector = ").push_bind(s.clone());
        }
        if let Some(t) = &q.tlp {
            qb.push(" AND c.tlp = ").push_bind(t.clone());
        }
        if let Some((t, id)) = &q.before {
            qb.push(" AND (c.created_at < ").push_bind(micros(*t));
            qb.push(" OR (c.created_at = ").push_bind(micros(*t));
            qb.push(" AND c.id < ").push_bind(id.0.clone()).push("))");
        }
        qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(i64::from(q.limit.clamp(1, 500)));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(CopySummary {
                    id: CopyId(r.try_get("id").map_err(map_err)?),
                    chain: ChainId(r.try_get("chain_id").map_err(map_err)?),
                    report_no: r.try_get::<i64, _>("report_no").map_err(map_err)? as u32,
                    ident: r.try_get("ident").map_err(map_err)?,
                    hop_kind: r.try_get("hop_kind").map_err(map_err)?,
                    sender_org: OrgId(r.try_get("sender_org").map_err(map_err)?),
                    addressee_org: OrgId(r.try_get("addressee_org").map_err(map_err)?),
                    tlp: r.try_get("tlp").map_err(map_err)?,
                    importance: r.try_get("importance").map_err(map_err)?,
                    sector: r.try_get("sector").map_err(map_err)?,
                    chain_status: r.try_get("status").map_err(map_err)?,
                    created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn append_audit(&self, drafts: Vec<AuditDraft>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        Self::audit_in(&mut tx, drafts, Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn audit_entries(&self, from: u64, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2")
            .bind(from as i64)
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_recent(&self, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1")
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_head(&self) -> StoreResult<Option<(u64, String)>> {
        let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        let seq: i64 = r.try_get("seq").map_err(map_err)?;
        if seq == 0 {
            return Ok(None);
        }
        Ok(Some((seq as u64, r.try_get("hash").map_err(map_err)?)))
    }
}

fn token_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: r.try_get("id").map_err(map_err)?,
        person: PersonId(r.try_get("person_id").map_err(map_err)?),
        name: r.try_get("name").map_err(map_err)?,
        token_hash: r.try_get("token_hash").map_err(map_err)?,
        scopes: parse_list(&r.try_get::<String, _>("scopes").map_err(map_err)?)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        expires_at: r.try_get::<Option<i64>, _>("expires_at").map_err(map_err)?.map(from_micros),
        revoked: r.try_get::<i64, _>("revoked").map_err(map_err)? != 0,
    })
}
