// One body of queries for both backends; included by `sqlite` and `postgres` with their own `Db`.
// Placeholders appear in increasing order so that SQLite's positional binding of `$n` matches.

use crate::convert::{flag, from_micros, json_list, map_err, micros, parse_list};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kakehashi_audit::{AuditDraft, AuditEntry};
use kakehashi_domain::liaison::ReportingCase;
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, ReportId};
use kakehashi_store::*;
use sqlx::{Pool, QueryBuilder, Row};

/// A [`Store`] over this backend's connection pools.
pub struct SqlStore {
    reader: Pool<Db>,
    writer: Pool<Db>,
    name: &'static str,
    lane: Lane,
}

type Tx<'a> = sqlx::Transaction<'a, Db>;

impl SqlStore {
    /// Appends audit entries inside `tx`, extending the chain from the recorded head.
    async fn audit_in(tx: &mut Tx<'_>, drafts: Vec<AuditDraft>, at: DateTime<Utc>) -> StoreResult<()> {
        if drafts.is_empty() {
            return Ok(());
        }
        // Touch the head row and read it in one statement: on PostgreSQL the update takes its
        // row lock, serialising writers of the chain; on SQLite the single writer connection
        // already does.
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
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

    /// The chains of an incident, set-based; a chain already in an incident is a `Conflict`.
    async fn insert_incident_chains(tx: &mut Tx<'_>, incident: &str, chains: &[IncidentChainRecord]) -> StoreResult<()> {
        if chains.is_empty() {
            return Ok(());
        }
        let mut q = QueryBuilder::<Db>::new("INSERT INTO incident_chains (incident_id, chain_id, added_by, added_at) ");
        q.push_values(chains, |mut b, c| {
            b.push_bind(incident.to_owned())
                .push_bind(c.chain.as_str().to_owned())
                .push_bind(c.added_by.as_str().to_owned())
                .push_bind(micros(c.added_at));
        });
        q.build().execute(&mut **tx).await.map_err(map_err)?;
        Ok(())
    }

    async fn insert_message(tx: &mut Tx<'_>, m: &InquiryMessageRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO inquiry_messages (id, inquiry_id, author, author_org, body, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&m.id)
            .bind(&m.inquiry)
            .bind(m.author.as_str())
            .bind(m.author_org.as_str())
            .bind(&m.body)
            .bind(micros(m.at))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    /// Why a compare-and-set on a consultation changed nothing: it is missing, or it moved.
    async fn consultation_miss(tx: &mut Tx<'_>, id: &str) -> StoreError {
        match sqlx::query("SELECT status FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
        {
            Ok(None) => StoreError::NotFound,
            Ok(Some(_)) => StoreError::Conflict("consultation_status".into()),
            Err(e) => map_err(e),
        }
    }

    async fn begin(&self) -> StoreResult<Tx<'static>> {
        self.writer.begin().await.map_err(map_err)
    }

    /// [`Store::record_hops`]' transaction, on the backend's writer lane.
    async fn record_hops_in(writer: Pool<Db>, b: HopBatch) -> StoreResult<HopOutcome> {
        let mut tx = writer.begin().await.map_err(map_err)?;
        let outcome = Self::hops_in(&mut tx, b).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(outcome)
    }

    /// One liaison write's statements inside `tx` (which the caller commits).
    async fn hops_in(tx: &mut Tx<'_>, b: HopBatch) -> StoreResult<HopOutcome> {
        let at = micros(b.at);
        if let Some(c) = &b.new_chain {
            sqlx::query(
                "INSERT INTO chains (id, number, sector, statutory, origin_org, status, latest_report_no, \
                 exercise, created_at, updated_at, reporting_case, case_judged_by, exercise_id) \
                 VALUES ($1, NULL, $2, $3, $4, 'open', 0, $5, $6, $7, $8, $9, $10)",
            )
            .bind(c.id.as_str())
            .bind(&c.sector)
            .bind(flag(c.statutory))
            .bind(c.origin_org.as_str())
            .bind(flag(c.exercise || c.exercise_id.is_some()))
            .bind(at)
            .bind(at)
            .bind(c.reporting_case.code())
            .bind(&c.case_judged_by)
            .bind(&c.exercise_id)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        }
        // One statement touches the chain and reads its number: on PostgreSQL the update takes
        // the chain's row lock first, so two nodes receiving the same chain at once cannot both
        // number it. The report number only moves forward; the status moves when the write
        // carries one.
        let report_no = b.new_report.as_ref().map_or(0, |r| i64::from(r.report_no));
        let row = sqlx::query(
            "UPDATE chains SET updated_at = $1, \
             latest_report_no = CASE WHEN latest_report_no < $2 THEN $3 ELSE latest_report_no END, \
             status = COALESCE($4, status) WHERE id = $5 \
             RETURNING number, exercise_number, exercise",
        )
        .bind(at)
        .bind(report_no)
        .bind(report_no)
        .bind(b.chain_status.clone())
        .bind(b.chain.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        if let Some(r) = &b.new_report {
            sqlx::query(
                "INSERT INTO reports (id, chain_id, report_no, ident, numbered_at, created_at) \
                 VALUES ($1, $2, $3, NULL, NULL, $4)",
            )
            .bind(r.id.as_str())
            .bind(b.chain.as_str())
            .bind(i64::from(r.report_no))
            .bind(at)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        }
        // The copies in one statement, then every audience row of them in one more.
        for chunk in b.copies.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                "INSERT INTO copies (id, chain_id, report_id, report_no, hop_kind, sender_org, sender_person, \
                 addressee_org, added_recipients, tlp, importance, sector, held_by_nisc, anonymised, parent_id, \
                 form, created_at, search_text, stix_indicators) ",
            );
            qb.push_values(chunk, |mut row, c| {
                let r = &c.record;
                row.push_bind(r.id.0.clone())
                    .push_bind(r.chain.0.clone())
                    .push_bind(r.report.0.clone())
                    .push_bind(i64::from(r.report_no))
                    .push_bind(r.hop_kind.clone())
                    .push_bind(r.sender_org.0.clone())
                    .push_bind(r.sender_person.0.clone())
                    .push_bind(r.addressee_org.0.clone())
                    .push_bind(json_list(&r.added_recipients))
                    .push_bind(r.tlp.clone())
                    .push_bind(r.importance.clone())
                    .push_bind(r.sector.clone())
                    .push_bind(flag(r.held_by_nisc))
                    .push_bind(flag(r.anonymised))
                    .push_bind(r.parent.as_ref().map(|p| p.0.clone()))
                    .push_bind(r.form.clone())
                    .push_bind(micros(r.created_at))
                    .push_bind(c.search_text.clone())
                    .push_bind(c.stix_indicators.clone());
            });
            qb.build().execute(&mut **tx).await.map_err(map_err)?;
        }
        let audience: Vec<(&str, i64, &str, &str)> = b
            .copies
            .iter()
            .flat_map(|c| {
                let r = &c.record;
                c.audience
                    .iter()
                    .map(move |k| (k.as_str(), micros(r.created_at), r.id.as_str(), r.sector.as_str()))
            })
            .collect();
        for chunk in audience.chunks(1_000) {
            let mut qb: QueryBuilder<Db> =
                QueryBuilder::new("INSERT INTO copy_audience (key, created_at, copy_id, sector) ");
            qb.push_values(chunk, |mut row, (key, created_at, id, sector)| {
                row.push_bind(key.to_string())
                    .push_bind(*created_at)
                    .push_bind(id.to_string())
                    .push_bind(sector.to_string());
            });
            qb.build().execute(&mut **tx).await.map_err(map_err)?;
        }
        if let Some(link) = &b.consultation {
            // Linked once, by the operator that opened it; closed with the filing.
            let done = sqlx::query(
                "UPDATE consultations SET chain_id = $1, status = 'closed', updated_at = $2, \
                 closed_by = COALESCE(closed_by, $3), closed_at = COALESCE(closed_at, $4) \
                 WHERE id = $5 AND operator_org = $6 AND chain_id IS NULL",
            )
            .bind(b.chain.as_str())
            .bind(at)
            .bind(link.by.as_str())
            .bind(at)
            .bind(&link.id)
            .bind(link.operator_org.as_str())
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict("consultation".into()));
            }
        }
        let mut outcome = HopOutcome { chain_number: None, ident: None };
        // An exercise chain takes its n from the exercise counter into its own column: the
        // real series never sees it (the rule: `Series::counter`).
        let exercise = row.try_get::<i64, _>("exercise").map_err(map_err)? != 0;
        let column = if exercise { "exercise_number" } else { "number" };
        let mut number: Option<i64> = row.try_get(column).map_err(map_err)?;
        if b.copies.iter().any(|c| c.numbers_on_receipt) {
            if number.is_none() {
                let counter = kakehashi_domain::numbering::Series::Liaison.counter(exercise);
                let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
                    .bind(counter)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(map_err)?
                    .try_get("value")
                    .map_err(map_err)?;
                sqlx::query(&format!("UPDATE chains SET {column} = $1 WHERE id = $2"))
                    .bind(n)
                    .bind(b.chain.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                number = Some(n);
            }
            if let Some(n) = number {
                // Number every report of the chain that has reached NISC by now and is still
                // unnumbered: normally just this one.
                // A report this write made has no ident yet; an earlier one may.
                let (k, existing): (i64, Option<String>) = match &b.new_report {
                    Some(r) => (i64::from(r.report_no), None),
                    None => {
                        let rep = sqlx::query("SELECT report_no, ident FROM reports WHERE id = $1")
                            .bind(b.report.as_str())
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(map_err)?;
                        (
                            rep.try_get("report_no").map_err(map_err)?,
                            rep.try_get("ident").map_err(map_err)?,
                        )
                    }
                };
                let ident = match existing {
                    Some(i) => i,
                    None => {
                        let ident = kakehashi_domain::numbering::IdentNumber::of(
                            kakehashi_domain::numbering::Series::Liaison,
                            n as u64,
                            k as u32,
                            exercise,
                        )
                        .to_string();
                        sqlx::query("UPDATE reports SET ident = $1, numbered_at = $2 WHERE id = $3")
                            .bind(&ident)
                            .bind(at)
                            .bind(b.report.as_str())
                            .execute(&mut **tx)
                            .await
                            .map_err(map_err)?;
                        ident
                    }
                };
                outcome.ident = Some(ident);
            }
        }
        outcome.chain_number = number.map(|n| n as u64);
        if let Some(tell) = &b.tell {
            let told = (tell.0)(&outcome);
            Self::notifications_in(tx, &told.notifications, b.at).await?;
            Self::webhook_deliveries_in(tx, &told.webhooks).await?;
        }
        Self::audit_in(tx, b.audit, b.at).await?;
        Ok(outcome)
    }

    /// One inbox row per person of each draft, in multi-row statements (the drafts together),
    /// inside `tx`; a person's existing row for the same item is kept. How many rows were written.
    async fn notifications_in(tx: &mut Tx<'_>, drafts: &[NotificationDraft], at: DateTime<Utc>) -> StoreResult<u64> {
        // Every inbox row of a write in one statement, its columns bound as lists
        // ([`push_rows_of`]): a 警報's 20,000 rows were 41 statements of 500 rows and 3,000
        // bound values each. (`WHERE true`: SQLite reads `ON` after a `FROM` as a join's.)
        let rows: Vec<(&NotificationDraft, &PersonId)> =
            drafts.iter().flat_map(|n| n.people.iter().map(move |p| (n, p))).collect();
        if rows.is_empty() {
            return Ok(0);
        }
        let column = |f: fn(&NotificationDraft, &PersonId) -> Option<String>| -> Vec<Option<String>> {
            rows.iter().map(|(n, p)| f(n, p)).collect()
        };
        let columns = vec![
            column(|_, p| Some(p.0.clone())),
            column(|n, _| Some(n.kind.clone())),
            column(|n, _| Some(n.ref_id.clone())),
            column(|n, _| Some(n.title.clone())),
            column(|n, _| n.importance.clone()),
        ];
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO notifications (person_id, kind, ref_id, title, importance, created_at, read_at) \
             SELECT x.c0, x.c1, x.c2, x.c3, x.c4, ",
        );
        qb.push_bind(micros(at)).push(", NULL FROM ");
        push_rows_of(&mut qb, columns);
        qb.push(" WHERE true ON CONFLICT (person_id, kind, ref_id) DO NOTHING");
        Ok(qb.build().execute(&mut **tx).await.map_err(map_err)?.rows_affected())
    }

    /// Queues webhook deliveries inside `tx` (multi-row statements).
    async fn webhook_deliveries_in(tx: &mut Tx<'_>, d: &[WebhookDeliveryRecord]) -> StoreResult<()> {
        for chunk in d.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                "INSERT INTO webhook_deliveries (id, webhook_id, payload, status, attempts, next_at, last_error, created_at) ",
            );
            qb.push_values(chunk, |mut row, x| {
                row.push_bind(x.id.clone())
                    .push_bind(x.webhook.clone())
                    .push_bind(x.payload.clone())
                    .push_bind(x.status.clone())
                    .push_bind(i64::from(x.attempts))
                    .push_bind(micros(x.next_at))
                    .push_bind(x.last_error.clone())
                    .push_bind(micros(x.created_at));
            });
            qb.build().execute(&mut **tx).await.map_err(map_err)?;
        }
        Ok(())
    }

    /// Moves the credential generation ([`Store::credential_generation`]) in `tx`.
    async fn bump_credentials(tx: &mut Tx<'_>) -> StoreResult<()> {
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'credentials'")
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    /// Moves the directory's version on, inside the transaction that changes `organisations`.
    async fn bump_directory(tx: &mut Tx<'_>) -> StoreResult<()> {
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'directory'")
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        Ok(())
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
        addresses: parse_list(&r.try_get::<String, _>("addresses").map_err(map_err)?)?,
        phones: parse_list(&r.try_get::<String, _>("phones").map_err(map_err)?)?,
        emails: parse_list(&r.try_get::<String, _>("emails").map_err(map_err)?)?,
        ip_ranges: parse_list(&r.try_get::<String, _>("ip_ranges").map_err(map_err)?)?,
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
        mail_pref: r.try_get("mail_pref").map_err(map_err)?,
        must_change_password: r.try_get::<i64, _>("must_change_password").map_err(map_err)? != 0,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

/// Active people holding the platform-admin role (roles are a JSON list of codes).
const ACTIVE_PLATFORM_ADMINS: &str =
    "SELECT COUNT(*) AS n FROM people WHERE active = 1 AND roles LIKE '%\"platform_admin\"%'";

fn chain_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ChainRecord> {
    Ok(ChainRecord {
        id: ChainId(r.try_get("id").map_err(map_err)?),
        // A real chain's n of R<n>, or an exercise chain's n of E-R<n> (its own column).
        number: r
            .try_get::<Option<i64>, _>("number")
            .map_err(map_err)?
            .or(r.try_get::<Option<i64>, _>("exercise_number").map_err(map_err)?)
            .map(|n| n as u64),
        sector: r.try_get("sector").map_err(map_err)?,
        statutory: r.try_get::<i64, _>("statutory").map_err(map_err)? != 0,
        reporting_case: {
            let code: String = r.try_get("reporting_case").map_err(map_err)?;
            ReportingCase::from_code(&code)
                .ok_or_else(|| StoreError::Other(format!("unknown reporting case {code:?} on a chain")))?
        },
        case_judged_by: r.try_get("case_judged_by").map_err(map_err)?,
        origin_org: OrgId(r.try_get("origin_org").map_err(map_err)?),
        status: r.try_get("status").map_err(map_err)?,
        latest_report_no: r.try_get::<i64, _>("latest_report_no").map_err(map_err)? as u32,
        exercise: r.try_get::<i64, _>("exercise").map_err(map_err)? != 0,
        exercise_id: r.try_get("exercise_id").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

fn exercise_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ExerciseRecord> {
    let at = |c: &str| -> StoreResult<Option<DateTime<Utc>>> {
        Ok(r.try_get::<Option<i64>, _>(c).map_err(map_err)?.map(from_micros))
    };
    Ok(ExerciseRecord {
        id: r.try_get("id").map_err(map_err)?,
        kind: r.try_get("kind").map_err(map_err)?,
        name: r.try_get("name").map_err(map_err)?,
        purpose: r.try_get("purpose").map_err(map_err)?,
        organiser_org: OrgId(r.try_get("organiser_org").map_err(map_err)?),
        state: r.try_get("state").map_err(map_err)?,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        started_at: at("started_at")?,
        ended_at: at("ended_at")?,
        cleaned_at: at("cleaned_at")?,
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

/// Verifies the audit hash chain and its stored head as `conn` sees them — inside the caller's
/// transaction, so on one snapshot (a backup checks exactly what it copied). The same check as
/// `kakehashi audit verify` ([`kakehashi_audit::verify`]); returns the number of entries.
pub async fn verify_audit_on(conn: &mut <Db as sqlx::Database>::Connection) -> Result<u64, String> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| format!("reading the audit head: {e}"))?;
    let seq: i64 = head.try_get("seq").map_err(|e| e.to_string())?;
    let hash: String = head.try_get("hash").map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    let mut from = 1i64;
    loop {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2")
            .bind(from)
            .bind(5000i64)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| format!("reading the audit log: {e}"))?;
        let Some(last) = rows.last() else { break };
        from = last.try_get::<i64, _>("seq").map_err(|e| e.to_string())? + 1;
        for r in &rows {
            entries.push(audit_from_row(r).map_err(|e| e.to_string())?);
        }
    }
    let head = (seq != 0).then_some((seq as u64, hash.as_str()));
    kakehashi_audit::verify(entries, head)
        .map(|report| report.entries)
        .map_err(|e| e.to_string())
}

const COPY_COLUMNS: &str = "c.id, c.chain_id, c.report_id, c.report_no, c.hop_kind, c.sender_org, \
    c.sender_person, c.addressee_org, c.added_recipients, c.tlp, c.importance, c.sector, \
    c.held_by_nisc, c.anonymised, c.parent_id, c.form, c.created_at";

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.name
    }

    async fn put_settings_audited(
        &self,
        pairs: &[(&str, &str)],
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for (key, value) in pairs {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
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
             aliases, domains, created_at, addresses, phones, emails, ip_ranges) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
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
        .bind(json_list(&o.addresses))
        .bind(json_list(&o.phones))
        .bind(json_list(&o.emails))
        .bind(json_list(&o.ip_ranges))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::bump_directory(&mut tx).await?;
        Self::audit_in(&mut tx, vec![audit], o.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_org(&self, o: &OrgRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE organisations SET kind = $1, name_ja = $2, name_en = $3, sectors = $4, \
             ceptoars = $5, nisc_partner = $6, aliases = $7, domains = $8, addresses = $9, \
             phones = $10, emails = $11, ip_ranges = $12 WHERE id = $13",
        )
        .bind(&o.kind)
        .bind(&o.name_ja)
        .bind(&o.name_en)
        .bind(json_list(&o.sectors))
        .bind(json_list(&o.ceptoars))
        .bind(flag(o.nisc_partner))
        .bind(json_list(&o.aliases))
        .bind(json_list(&o.domains))
        .bind(json_list(&o.addresses))
        .bind(json_list(&o.phones))
        .bind(json_list(&o.emails))
        .bind(json_list(&o.ip_ranges))
        .bind(o.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::bump_directory(&mut tx).await?;
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

    async fn directory_version(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT value FROM counters WHERE name = 'directory'")
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)
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
             password_hash, roles, employment, need_to_know, active, locale, created_at, mail_pref, \
             must_change_password) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
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
        .bind(&p.mail_pref)
        .bind(flag(p.must_change_password))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], p.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_person(&self, p: &PersonRecord, audit: AuditDraft) -> StoreResult<()> {
        let is_platform_admin = |active: bool, roles: &[String]| active && roles.iter().any(|r| r == "platform_admin");
        let mut tx = self.begin().await?;
        let before = sqlx::query("SELECT active, roles FROM people WHERE id = $1")
            .bind(p.id.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        let was_platform_admin = is_platform_admin(
            before.try_get::<i64, _>("active").map_err(map_err)? != 0,
            &parse_list::<String>(&before.try_get::<String, _>("roles").map_err(map_err)?)?,
        );
        let done = sqlx::query(
            "UPDATE people SET display_name = $1, email = $2, phone = $3, department = $4, \
             password_hash = $5, roles = $6, employment = $7, need_to_know = $8, active = $9, \
             locale = $10, mail_pref = $11, must_change_password = $12 WHERE id = $13",
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
        .bind(&p.mail_pref)
        .bind(flag(p.must_change_password))
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
        // Deactivation, a password change required, new roles: whatever changed, streams re-check.
        Self::bump_credentials(&mut tx).await?;
        // The audit append takes the chain's head lock, serialising writers: the count below
        // therefore sees every concurrent change committed before this one.
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        if was_platform_admin && !is_platform_admin(p.active, &p.roles) {
            let left: i64 = sqlx::query(ACTIVE_PLATFORM_ADMINS)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?
                .try_get("n")
                .map_err(map_err)?;
            if left == 0 {
                // Dropping the transaction rolls everything back.
                return Err(StoreError::Conflict("last_platform_admin".into()));
            }
        }
        tx.commit().await.map_err(map_err)
    }

    async fn set_password(
        &self,
        person: &PersonId,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE people SET password_hash = $1, must_change_password = $2 WHERE id = $3 RETURNING login",
        )
        .bind(password_hash)
        .bind(flag(must_change))
        .bind(person.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let login: String = row.try_get("login").map_err(map_err)?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
            .bind(person.as_str())
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query("DELETE FROM login_failures WHERE login = $1")
            .bind(&login)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Self::bump_credentials(&mut tx).await?;
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn active_platform_admins(&self) -> StoreResult<u64> {
        let r = sqlx::query(ACTIVE_PLATFORM_ADMINS)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        Ok(r.try_get::<i64, _>("n").map_err(map_err)? as u64)
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
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Self::bump_credentials(&mut tx).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn credential_generation(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT value FROM counters WHERE name = 'credentials'")
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)
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
        Self::bump_credentials(&mut tx).await?;
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
        self.lane.record_hops(b).await
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
        let walk = Walk {
            keys: &q.keys,
            sector: q.sector.as_deref(),
            involving: q.involving_org.as_ref(),
            from: None,
            until: None,
            ascending: false,
            prefilter: None,
            over: Ranges::Copies,
        };
        let pos = q.before.as_ref().map(|(t, id)| (micros(*t), Some(id.0.clone())));
        let limit = q.limit.clamp(1, 500) as usize;
        self.walk(&walk, pos, limit, |window| async move {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                "SELECT c.id, c.chain_id, c.report_no, r.ident, c.hop_kind, c.sender_org, c.addressee_org, \
                 c.tlp, c.importance, c.sector, ch.status, c.created_at \
                 FROM copies c JOIN reports r ON r.id = c.report_id JOIN chains ch ON ch.id = c.chain_id WHERE ",
            );
            push_window(&mut qb, "c", &window);
            qb.push(" AND ");
            push_readable(&mut qb, "c", &q.keys);
            if let Some(org) = &q.involving_org {
                qb.push(format!(" AND ({} = ", unindexed("c.addressee_org")))
                    .push_bind(org.0.clone());
                qb.push(format!(" OR {} = ", unindexed("c.sender_org")))
                    .push_bind(org.0.clone())
                    .push(")");
            }
            if let Some(s) = &q.sector {
                qb.push(" AND c.sector = ").push_bind(s.clone());
            }
            if let Some(t) = &q.tlp {
                qb.push(" AND c.tlp = ").push_bind(t.clone());
            }
            qb.push(" ORDER BY c.created_at DESC, c.id DESC");
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
        })
        .await
    }

    async fn list_chains(&self, q: &ListingQuery) -> StoreResult<Vec<ListingRecord>> {
        let Some((walk, pos)) = chain_walk(q) else {
            return Ok(Vec::new());
        };
        let limit = q.limit.clamp(1, 500) as usize;
        self.walk(&walk, pos, limit, |window| async move {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("");
            push_chain_rows(&mut qb, q, &window);
            let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
            rows.iter()
                .map(|r| {
                    Ok(ListingRecord {
                        copy: copy_from_row(r)?,
                        ident: r.try_get("ident").map_err(map_err)?,
                        chain_number: r
                            .try_get::<Option<i64>, _>("chain_number")
                            .map_err(map_err)?
                            .map(|n| n as u64),
                        chain_status: r.try_get("chain_status").map_err(map_err)?,
                        statutory: r.try_get::<i64, _>("chain_statutory").map_err(map_err)? != 0,
                        exercise: r.try_get::<i64, _>("chain_exercise").map_err(map_err)? != 0,
                        urgent: r.try_get::<i64, _>("urgent").map_err(map_err)? != 0,
                        pending: r.try_get::<Option<String>, _>("pending").map_err(map_err)?.map(CopyId),
                    })
                })
                .collect()
        })
        .await
    }

    async fn explain_listing(&self, q: &ListingQuery) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        let Some((walk, pos)) = chain_walk(q) else {
            return Ok(out);
        };
        let n = (q.limit.clamp(1, 500) as usize + 1).clamp(WALK_FIRST, WALK_MAX);
        let read = self.window(&walk, pos.as_ref(), n).await?;
        let found = read.len();
        let mut window: Vec<(i64, String)> =
            read.into_iter().filter_map(|(p, hit)| hit.then_some(p)).collect();
        if window.is_empty() {
            // Nothing to walk yet: explain the rows statement for one (absent) copy, as a walk
            // never runs it on an empty window.
            window.push((0, String::new()));
        }
        let first = window_statements(&walk, pos.as_ref(), n, &window);
        let mut rows = QueryBuilder::new(EXPLAIN);
        push_chain_rows(&mut rows, q, &window);
        let title = format!(
            "-- rows of that window ({} of its {found} copies pass the copy filters)",
            window.iter().filter(|(_, id)| !id.is_empty()).count()
        );
        for (title, mut qb) in first.into_iter().chain([(title, rows)]) {
            out.push(title);
            let plan = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
            out.extend(explain_lines(&plan)?);
        }
        Ok(out)
    }

    async fn count_open_chains_outside(&self, keys: &[String]) -> StoreResult<Vec<SectorCount>> {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT ch.sector AS sector, COUNT(*) AS chains, COUNT(DISTINCT ch.origin_org) AS orgs \
             FROM chains ch WHERE ch.status = 'open' AND ch.exercise = ",
        );
        qb.push_bind(flag(false));
        if !keys.is_empty() {
            qb.push(" AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.chain_id = ch.id AND ");
            push_readable(&mut qb, "c", keys);
            qb.push(")");
        }
        qb.push(" GROUP BY ch.sector ORDER BY ch.sector");
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(SectorCount {
                    sector: r.try_get("sector").map_err(map_err)?,
                    chains: r.try_get::<i64, _>("chains").map_err(map_err)?.max(0) as u64,
                    orgs: r.try_get::<i64, _>("orgs").map_err(map_err)?.max(0) as u64,
                })
            })
            .collect()
    }

    async fn copies_without_search_text(&self, limit: u32) -> StoreResult<Vec<(CopyId, String)>> {
        let rows = sqlx::query(
            "SELECT id, form FROM copies WHERE search_text IS NULL ORDER BY created_at, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    CopyId(r.try_get("id").map_err(map_err)?),
                    r.try_get("form").map_err(map_err)?,
                ))
            })
            .collect()
    }

    async fn set_search_text(&self, texts: &[(CopyId, String)]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for (id, text) in texts {
            sqlx::query("UPDATE copies SET search_text = $1 WHERE id = $2")
                .bind(text)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn copy_exports(&self, ids: &[CopyId]) -> StoreResult<Vec<CopyExport>> {
        let mut out = Vec::with_capacity(ids.len());
        // One statement per page of a TAXII walk (a page names at most a few hundred copies).
        for part in ids.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                "SELECT c.id AS copy_id, c.stix_indicators AS copy_stix_indicators, ch.* \
                 FROM copies c JOIN chains ch ON ch.id = c.chain_id WHERE c.id IN (",
            );
            let mut sep = qb.separated(", ");
            for id in part {
                sep.push_bind(id.0.clone());
            }
            qb.push(")");
            let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
            for r in &rows {
                out.push(CopyExport {
                    copy: CopyId(r.try_get("copy_id").map_err(map_err)?),
                    chain: chain_from_row(r)?,
                    stix_indicators: r.try_get("copy_stix_indicators").map_err(map_err)?,
                });
            }
        }
        Ok(out)
    }

    async fn set_stix_indicators(&self, texts: &[(CopyId, String)]) -> StoreResult<()> {
        if texts.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for (id, text) in texts {
            // Only where none is kept yet: a copy's indicators are written once.
            sqlx::query("UPDATE copies SET stix_indicators = $1 WHERE id = $2 AND stix_indicators IS NULL")
                .bind(text)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    // --- provision (情報提供) ------------------------------------------------------------

    async fn insert_source_item(&self, item: &SourceItemRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO source_items (id, title, origin, url, tlp, allowed_sectors, identifiers, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&item.id)
        .bind(&item.title)
        .bind(&item.origin)
        .bind(&item.url)
        .bind(&item.tlp)
        .bind(item.allowed_sectors.as_ref().map(|v| json_list(v)))
        .bind(&item.identifiers)
        .bind(item.created_by.as_str())
        .bind(micros(item.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], item.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn source_item(&self, id: &str) -> StoreResult<SourceItemRecord> {
        let r = sqlx::query("SELECT * FROM source_items WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        source_item_from_row(&r)
    }

    async fn insert_imported_source_item(
        &self,
        item: &SourceItemRecord,
        content: &SourceImportRecord,
        audit: Vec<AuditDraft>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO source_items (id, title, origin, url, tlp, allowed_sectors, identifiers, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&item.id)
        .bind(&item.title)
        .bind(&item.origin)
        .bind(&item.url)
        .bind(&item.tlp)
        .bind(item.allowed_sectors.as_ref().map(|v| json_list(v)))
        .bind(&item.identifiers)
        .bind(item.created_by.as_str())
        .bind(micros(item.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO source_item_imports (source_item, format, external_id, body, indicators) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&item.id)
        .bind(&content.format)
        .bind(&content.external_id)
        .bind(&content.body)
        .bind(&content.indicators)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, audit, item.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn source_import(&self, source_item: &str) -> StoreResult<Option<SourceImportRecord>> {
        let r = sqlx::query("SELECT * FROM source_item_imports WHERE source_item = $1")
            .bind(source_item)
            .fetch_optional(&self.reader)
            .await
            .map_err(map_err)?;
        match r {
            None => Ok(None),
            Some(r) => Ok(Some(SourceImportRecord {
                source_item: r.try_get("source_item").map_err(map_err)?,
                format: r.try_get("format").map_err(map_err)?,
                external_id: r.try_get("external_id").map_err(map_err)?,
                body: r.try_get("body").map_err(map_err)?,
                indicators: r.try_get("indicators").map_err(map_err)?,
            })),
        }
    }

    async fn source_items(&self) -> StoreResult<Vec<SourceItemRecord>> {
        let rows = sqlx::query("SELECT * FROM source_items ORDER BY created_at DESC, id DESC")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(source_item_from_row).collect()
    }

    async fn save_provision_draft(&self, p: &ProvisionRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        // A draft may open a new chain: its row exists (unnumbered) from the first save on.
        sqlx::query(
            "INSERT INTO provision_chains (id, number, created_at) VALUES ($1, NULL, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&p.chain)
        .bind(micros(p.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        // Replace the content of a draft; creation metadata, state, ident and sent_at stay.
        // On PostgreSQL the update locks the row, so a concurrent send cannot slip in between.
        let updated = sqlx::query(
            "UPDATE provisions SET chain_id = $1, report_no = $2, form = $3, tlp = $4, importance = $5, \
             sectors = $6, sources = $7, resolutions = $8, urgent = $9, direct_recipients = $10 \
             WHERE id = $11 AND state = 'draft'",
        )
        .bind(&p.chain)
        .bind(i64::from(p.report_no))
        .bind(&p.form)
        .bind(&p.tlp)
        .bind(p.importance.clone())
        .bind(json_list(&p.sectors))
        .bind(&p.sources)
        .bind(&p.resolutions)
        .bind(flag(p.urgent))
        .bind(json_list(&p.direct_recipients))
        .bind(&p.id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if updated.rows_affected() == 0 {
            let existing = sqlx::query("SELECT state FROM provisions WHERE id = $1")
                .bind(&p.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            if existing.is_some() {
                return Err(StoreError::Conflict("provision already sent".into()));
            }
            // Always stored as a draft: only `send_provision` numbers and sends.
            sqlx::query(
                "INSERT INTO provisions (id, chain_id, report_no, ident, state, form, tlp, importance, sectors, \
                 sources, resolutions, urgent, direct_recipients, created_by, created_at, sent_at) \
                 VALUES ($1, $2, $3, NULL, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL)",
            )
            .bind(&p.id)
            .bind(&p.chain)
            .bind(i64::from(p.report_no))
            .bind(&p.form)
            .bind(&p.tlp)
            .bind(p.importance.clone())
            .bind(json_list(&p.sectors))
            .bind(&p.sources)
            .bind(&p.resolutions)
            .bind(flag(p.urgent))
            .bind(json_list(&p.direct_recipients))
            .bind(p.created_by.as_str())
            .bind(micros(p.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn provision(&self, id: &str) -> StoreResult<ProvisionRecord> {
        let r = sqlx::query("SELECT * FROM provisions WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        provision_from_row(&r)
    }

    async fn provisions_of_chain(&self, chain: &str) -> StoreResult<Vec<ProvisionRecord>> {
        let rows = sqlx::query("SELECT * FROM provisions WHERE chain_id = $1 ORDER BY report_no")
            .bind(chain)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(provision_from_row).collect()
    }

    async fn send_provision(
        &self,
        id: &str,
        audience: Vec<String>,
        deliveries: Vec<DeliveryRecord>,
        at: DateTime<Utc>,
        audit: Vec<AuditDraft>,
        tell: Option<Tell>,
    ) -> StoreResult<String> {
        let mut tx = self.begin().await?;
        let sent_at = micros(at);
        // Check-and-set in one statement: only a draft becomes sent. On PostgreSQL a concurrent
        // send of the same provision waits for the row lock and then finds it no longer a draft.
        let row = sqlx::query(
            "UPDATE provisions SET state = 'sent', sent_at = $1 WHERE id = $2 AND state = 'draft' \
             RETURNING chain_id, report_no",
        )
        .bind(sent_at)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(row) = row else {
            let exists = sqlx::query("SELECT state FROM provisions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("provision already sent".into()),
                None => StoreError::NotFound,
            });
        };
        let chain: String = row.try_get("chain_id").map_err(map_err)?;
        let k: i64 = row.try_get("report_no").map_err(map_err)?;
        // Lock the chain row (PostgreSQL) before reading its number, so that two nodes sending
        // reports of the same unnumbered chain at once cannot both number it.
        let touched = sqlx::query("UPDATE provision_chains SET number = number WHERE id = $1")
            .bind(&chain)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let number: Option<i64> = sqlx::query("SELECT number FROM provision_chains WHERE id = $1")
            .bind(&chain)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("number")
            .map_err(map_err)?;
        let n = match number {
            Some(n) => n,
            None => {
                let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'T' RETURNING value")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .try_get("value")
                    .map_err(map_err)?;
                sqlx::query("UPDATE provision_chains SET number = $1 WHERE id = $2")
                    .bind(n)
                    .bind(&chain)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                n
            }
        };
        let ident = kakehashi_domain::numbering::IdentNumber::new(
            kakehashi_domain::numbering::Series::Provision,
            n as u64,
            k as u32,
        )
        .to_string();
        sqlx::query("UPDATE provisions SET ident = $1 WHERE id = $2")
            .bind(&ident)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        for chunk in audience.chunks(INSERT_CHUNK) {
            let mut qb: QueryBuilder<Db> =
                QueryBuilder::new("INSERT INTO provision_audience (key, created_at, provision_id) ");
            qb.push_values(chunk, |mut row, key| {
                row.push_bind(key.clone()).push_bind(sent_at).push_bind(id.to_owned());
            });
            qb.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        insert_deliveries(&mut tx, id, &deliveries, false).await?;
        if let Some(tell) = &tell {
            let told = (tell.0)(&HopOutcome { chain_number: None, ident: Some(ident.clone()) });
            Self::notifications_in(&mut tx, &told.notifications, at).await?;
            Self::webhook_deliveries_in(&mut tx, &told.webhooks).await?;
        }
        Self::audit_in(&mut tx, audit, at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(ident)
    }

    async fn record_relay(&self, relay: &RelayRecord, deliveries: Vec<DeliveryRecord>, audit: AuditDraft, told: Told) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        // Only a sent provision travels on (a sent provision never returns to draft).
        let state = sqlx::query("SELECT state FROM provisions WHERE id = $1")
            .bind(&relay.provision)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        match state {
            None => return Err(StoreError::NotFound),
            Some(r) => {
                let s: String = r.try_get("state").map_err(map_err)?;
                if s != "sent" {
                    return Err(StoreError::Conflict("provision not sent".into()));
                }
            }
        }
        sqlx::query(
            "INSERT INTO provision_relays (id, provision_id, from_org, by_person, recipients, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&relay.id)
        .bind(&relay.provision)
        .bind(relay.from_org.as_str())
        .bind(relay.by_person.as_str())
        .bind(json_list(&relay.recipients))
        .bind(micros(relay.at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_deliveries(&mut tx, &relay.provision, &deliveries, true).await?;
        Self::notifications_in(&mut tx, &told.notifications, relay.at).await?;
        Self::webhook_deliveries_in(&mut tx, &told.webhooks).await?;
        Self::audit_in(&mut tx, vec![audit], relay.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn deliveries_of(&self, provision: &str) -> StoreResult<Vec<DeliveryRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM provision_deliveries WHERE provision_id = $1 ORDER BY delivered_at, org_id",
        )
        .bind(provision)
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(delivery_from_row).collect()
    }

    async fn mark_delivery_read(&self, provision: &str, org: &OrgId, at: DateTime<Utc>) -> StoreResult<()> {
        // COALESCE keeps the first read; the row still counts as matched, so 0 means no delivery.
        let done = sqlx::query(
            "UPDATE provision_deliveries SET read_at = COALESCE(read_at, $1) WHERE provision_id = $2 AND org_id = $3",
        )
        .bind(micros(at))
        .bind(provision)
        .bind(org.as_str())
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn acknowledge_delivery(
        &self,
        provision: &str,
        org: &OrgId,
        at: DateTime<Utc>,
        note: &str,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE provision_deliveries SET acked_at = $1, ack_note = $2, read_at = COALESCE(read_at, $3) \
             WHERE provision_id = $4 AND org_id = $5",
        )
        .bind(micros(at))
        .bind(note)
        .bind(micros(at))
        .bind(provision)
        .bind(org.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_provisions(&self, keys: &[String], limit: u32) -> StoreResult<Vec<ProvisionSummary>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // Key-driven: the newest `limit` sends under the viewer's keys, merged from each key's
        // range (an audience row exists only for a sent provision, dated at its send), then
        // those provisions by id. The cost follows the page, not the number of provisions.
        let walk = Walk::provisions(keys, false);
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT p.id, p.chain_id, p.report_no, p.ident, p.tlp, p.importance, p.sectors, p.sent_at FROM (",
        );
        push_key_window(&mut qb, &walk, None, i64::from(limit.clamp(1, 500)));
        // The state is compared without its index: through it, SQLite read every sent
        // provision and looked each up in the window (33 ms at 100,000; 0.5 ms this way).
        qb.push(format!(
            ") AS win JOIN provisions p ON p.id = win.id WHERE {} = 'sent' \
             ORDER BY p.sent_at DESC, p.id DESC",
            unindexed("p.state")
        ));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter().map(provision_summary_from_row).collect()
    }

    async fn provisions_after(
        &self,
        keys: &[String],
        after: Option<(DateTime<Utc>, Option<String>)>,
        limit: u32,
    ) -> StoreResult<Vec<ProvisionRecord>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // Key-driven, oldest first from `after`: the next sends under the viewer's keys, merged
        // from each key's range, then those provisions by id. Each provision was tested against
        // the keys one by one, every sent provision from `after` on until the page filled.
        let walk = Walk::provisions(keys, true);
        let pos = after.map(|(t, id)| (micros(t), id));
        let window = self.key_window(&walk, pos.as_ref(), limit.clamp(1, 500) as usize).await?;
        if window.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM provisions p WHERE ");
        push_window(&mut qb, "p", &window.into_iter().map(|(p, _)| p).collect::<Vec<_>>());
        qb.push(format!(" AND {} = 'sent' ORDER BY p.sent_at, p.id", unindexed("p.state")));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter().map(provision_from_row).collect()
    }

    async fn provision_drafts(&self) -> StoreResult<Vec<ProvisionSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.chain_id, p.report_no, p.ident, p.tlp, p.importance, p.sectors, p.sent_at \
             FROM provisions p WHERE p.state = 'draft' ORDER BY p.created_at DESC, p.id DESC",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(provision_summary_from_row).collect()
    }

    async fn insert_consent(&self, c: &ConsentRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO consent_requests (id, provision_id, source, decider_org, sectors, tlp, status, note, \
             decided_by, decided_at, created_at, requester_org) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&c.id)
        .bind(c.provision.clone())
        .bind(&c.source)
        .bind(c.decider_org.as_str())
        .bind(json_list(&c.sectors))
        .bind(c.tlp.clone())
        .bind(&c.status)
        .bind(&c.note)
        .bind(c.decided_by.as_ref().map(|p| p.0.clone()))
        .bind(c.decided_at.map(micros))
        .bind(micros(c.created_at))
        .bind(c.requester_org.as_ref().map(|o| o.0.clone()))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], c.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn consents_of(&self, provision: &str) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query("SELECT * FROM consent_requests WHERE provision_id = $1 ORDER BY created_at, id")
            .bind(provision)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn consents_of_source(&self, source: &str) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query("SELECT * FROM consent_requests WHERE source = $1 ORDER BY created_at, id")
            .bind(source)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn consent(&self, id: &str) -> StoreResult<ConsentRecord> {
        let row = sqlx::query("SELECT * FROM consent_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        consent_from_row(&row)
    }

    async fn consents_for_org(&self, org: &OrgId) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM consent_requests WHERE decider_org = $1 \
             ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, created_at DESC, id DESC",
        )
        .bind(org.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn decide_consent(
        &self,
        id: &str,
        approve: bool,
        by: &PersonId,
        at: DateTime<Utc>,
        note: &str,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        // Check-and-set: only a pending request is decided, and only once.
        let done = sqlx::query(
            "UPDATE consent_requests SET status = $1, decided_by = $2, decided_at = $3, note = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(if approve { "approved" } else { "refused" })
        .bind(by.as_str())
        .bind(micros(at))
        .bind(note)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT status FROM consent_requests WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("consent already decided".into()),
                None => StoreError::NotFound,
            });
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn insert_submission(&self, s: &SubmissionRecord, audit: AuditDraft) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'S' RETURNING value")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("value")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO actor_submissions (id, number, sender_org, sender_person, kind, title, body, tlp, \
             importance, sectors, source_item, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)",
        )
        .bind(&s.id)
        .bind(n)
        .bind(s.sender_org.as_str())
        .bind(s.sender_person.as_str())
        .bind(&s.kind)
        .bind(&s.title)
        .bind(&s.body)
        .bind(&s.tlp)
        .bind(s.importance.clone())
        .bind(json_list(&s.sectors))
        .bind(micros(s.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let mut audit = audit;
        audit.detail["number"] = serde_json::json!(kakehashi_domain::actors::submission_ident(n as u64));
        Self::audit_in(&mut tx, vec![audit], s.created_at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(n as u64)
    }

    async fn submission(&self, id: &str) -> StoreResult<SubmissionRecord> {
        let r = sqlx::query("SELECT * FROM actor_submissions WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        submission_from_row(&r)
    }

    async fn submissions(&self, sender: Option<&OrgId>, limit: u32) -> StoreResult<Vec<SubmissionRecord>> {
        let rows = match sender {
            Some(o) => sqlx::query("SELECT * FROM actor_submissions WHERE sender_org = $1 ORDER BY created_at DESC, number DESC LIMIT $2")
                .bind(o.as_str())
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await,
            None => sqlx::query("SELECT * FROM actor_submissions ORDER BY created_at DESC, number DESC LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await,
        }
        .map_err(map_err)?;
        rows.iter().map(submission_from_row).collect()
    }

    async fn record_submission_source(&self, submission: &str, item: &SourceItemRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let linked: Option<String> = sqlx::query("SELECT source_item FROM actor_submissions WHERE id = $1")
            .bind(submission)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("source_item")
            .map_err(map_err)?;
        if linked.is_some() {
            return Err(StoreError::Conflict("submission_source".into()));
        }
        sqlx::query(
            "INSERT INTO source_items (id, title, origin, url, tlp, allowed_sectors, identifiers, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&item.id)
        .bind(&item.title)
        .bind(&item.origin)
        .bind(&item.url)
        .bind(&item.tlp)
        .bind(item.allowed_sectors.as_ref().map(|v| json_list(v)))
        .bind(&item.identifiers)
        .bind(item.created_by.as_str())
        .bind(micros(item.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        // The guard in the statement keeps two concurrent recordings from both linking.
        let done = sqlx::query("UPDATE actor_submissions SET source_item = $1 WHERE id = $2 AND source_item IS NULL")
            .bind(&item.id)
            .bind(submission)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("submission_source".into()));
        }
        Self::audit_in(&mut tx, vec![audit], item.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn insert_incident(&self, i: &IncidentRecord, chains: &[IncidentChainRecord], audit: AuditDraft) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'I' RETURNING value")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("value")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO incidents (id, number, title, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&i.id)
        .bind(n)
        .bind(&i.title)
        .bind(&i.note)
        .bind(i.created_by.as_str())
        .bind(micros(i.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::insert_incident_chains(&mut tx, &i.id, chains).await?;
        let mut audit = audit;
        audit.detail["number"] = serde_json::json!(kakehashi_domain::cross_check::incident_ident(n as u64));
        Self::audit_in(&mut tx, vec![audit], i.created_at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(n as u64)
    }

    async fn incident(&self, id: &str) -> StoreResult<IncidentRecord> {
        let r = sqlx::query("SELECT * FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        incident_from_row(&r)
    }

    async fn incidents(&self, limit: u32) -> StoreResult<Vec<IncidentRecord>> {
        let rows = sqlx::query("SELECT * FROM incidents ORDER BY created_at DESC, number DESC LIMIT $1")
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(incident_from_row).collect()
    }

    async fn incident_chains(&self, incident: &str) -> StoreResult<Vec<IncidentChainRecord>> {
        let rows = sqlx::query("SELECT * FROM incident_chains WHERE incident_id = $1 ORDER BY added_at, chain_id")
            .bind(incident)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(incident_chain_from_row).collect()
    }

    async fn linked_chains(&self) -> StoreResult<Vec<IncidentChainRecord>> {
        let rows = sqlx::query("SELECT * FROM incident_chains ORDER BY incident_id, added_at, chain_id")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(incident_chain_from_row).collect()
    }

    async fn add_incident_chains(&self, incident: &str, chains: &[IncidentChainRecord], audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let exists = sqlx::query("SELECT id FROM incidents WHERE id = $1")
            .bind(incident)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        Self::insert_incident_chains(&mut tx, incident, chains).await?;
        let at = chains.first().map_or_else(Utc::now, |c| c.added_at);
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn remove_incident_chain(&self, incident: &str, chain: &ChainId, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM incident_chains WHERE incident_id = $1 AND chain_id = $2")
            .bind(incident)
            .bind(chain.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn dismiss_pairs(&self, pairs: &[DismissalRecord], audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for p in pairs {
            sqlx::query(
                "INSERT INTO cross_check_dismissals (chain_a, chain_b, dismissed_by, at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (chain_a, chain_b) DO NOTHING",
            )
            .bind(p.chain_a.as_str())
            .bind(p.chain_b.as_str())
            .bind(p.dismissed_by.as_str())
            .bind(micros(p.at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        let at = pairs.first().map_or_else(Utc::now, |p| p.at);
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn dismissals(&self) -> StoreResult<Vec<DismissalRecord>> {
        let rows = sqlx::query("SELECT * FROM cross_check_dismissals ORDER BY chain_a, chain_b")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(DismissalRecord {
                    chain_a: ChainId(r.try_get("chain_a").map_err(map_err)?),
                    chain_b: ChainId(r.try_get("chain_b").map_err(map_err)?),
                    dismissed_by: PersonId(r.try_get("dismissed_by").map_err(map_err)?),
                    at: from_micros(r.try_get("at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn insert_coop_request(&self, r: &CoopRequestRecord, addressees: &[OrgId], audit: AuditDraft) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'K' RETURNING value")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("value")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO coop_requests (id, number, title, body, tlp, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&r.id)
        .bind(n)
        .bind(&r.title)
        .bind(&r.body)
        .bind(&r.tlp)
        .bind(r.created_by.as_str())
        .bind(micros(r.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if !addressees.is_empty() {
            let mut q = QueryBuilder::<Db>::new("INSERT INTO coop_addressees (request_id, org, status, updated_by, updated_at) ");
            q.push_values(addressees, |mut b, org| {
                b.push_bind(&r.id)
                    .push_bind(org.as_str())
                    .push_bind("sent")
                    .push_bind(None::<String>)
                    .push_bind(micros(r.created_at));
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        let mut audit = audit;
        audit.detail["number"] = serde_json::json!(kakehashi_domain::actors::request_ident(n as u64));
        Self::audit_in(&mut tx, vec![audit], r.created_at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(n as u64)
    }

    async fn coop_request(&self, id: &str) -> StoreResult<CoopRequestRecord> {
        let r = sqlx::query("SELECT * FROM coop_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        coop_request_from_row(&r)
    }

    async fn coop_requests(&self, addressee: Option<&OrgId>, limit: u32) -> StoreResult<Vec<CoopRequestRecord>> {
        let rows = match addressee {
            Some(o) => sqlx::query(
                "SELECT r.* FROM coop_requests r JOIN coop_addressees a ON a.request_id = r.id \
                 WHERE a.org = $1 ORDER BY r.created_at DESC, r.number DESC LIMIT $2",
            )
            .bind(o.as_str())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await,
            None => sqlx::query("SELECT * FROM coop_requests ORDER BY created_at DESC, number DESC LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await,
        }
        .map_err(map_err)?;
        rows.iter().map(coop_request_from_row).collect()
    }

    async fn coop_addressees(&self, request: &str) -> StoreResult<Vec<CoopAddresseeRecord>> {
        let rows = sqlx::query("SELECT * FROM coop_addressees WHERE request_id = $1 ORDER BY org")
            .bind(request)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let by: Option<String> = r.try_get("updated_by").map_err(map_err)?;
                Ok(CoopAddresseeRecord {
                    request: r.try_get("request_id").map_err(map_err)?,
                    org: OrgId(r.try_get("org").map_err(map_err)?),
                    status: r.try_get("status").map_err(map_err)?,
                    updated_by: by.map(PersonId),
                    updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn set_coop_status(&self, a: &CoopAddresseeRecord, from: &str, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE coop_addressees SET status = $1, updated_by = $2, updated_at = $3 \
             WHERE request_id = $4 AND org = $5 AND status = $6",
        )
        .bind(&a.status)
        .bind(a.updated_by.as_ref().map(|p| p.as_str().to_owned()))
        .bind(micros(a.updated_at))
        .bind(&a.request)
        .bind(a.org.as_str())
        .bind(from)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            let exists = sqlx::query("SELECT status FROM coop_addressees WHERE request_id = $1 AND org = $2")
                .bind(&a.request)
                .bind(a.org.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => StoreError::Conflict("coop_status".into()),
            });
        }
        Self::audit_in(&mut tx, vec![audit], a.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn add_coop_message(&self, m: &CoopMessageRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO coop_messages (id, request_id, thread_org, author, author_org, body, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&m.id)
        .bind(&m.request)
        .bind(m.thread_org.as_str())
        .bind(m.author.as_str())
        .bind(m.author_org.as_str())
        .bind(&m.body)
        .bind(micros(m.at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], m.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn coop_messages(&self, request: &str) -> StoreResult<Vec<CoopMessageRecord>> {
        let rows = sqlx::query("SELECT * FROM coop_messages WHERE request_id = $1 ORDER BY at, id")
            .bind(request)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(CoopMessageRecord {
                    id: r.try_get("id").map_err(map_err)?,
                    request: r.try_get("request_id").map_err(map_err)?,
                    thread_org: OrgId(r.try_get("thread_org").map_err(map_err)?),
                    author: PersonId(r.try_get("author").map_err(map_err)?),
                    author_org: OrgId(r.try_get("author_org").map_err(map_err)?),
                    body: r.try_get("body").map_err(map_err)?,
                    at: from_micros(r.try_get("at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn insert_inquiry(&self, i: &InquiryRecord, first: &InquiryMessageRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO inquiries (id, provision_id, ministry_org, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&i.id)
            .bind(&i.provision)
            .bind(i.ministry_org.as_str())
            .bind(i.created_by.as_str())
            .bind(micros(i.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Self::insert_message(&mut tx, first).await?;
        Self::audit_in(&mut tx, vec![audit], i.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn add_inquiry_message(&self, m: &InquiryMessageRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        Self::insert_message(&mut tx, m).await?;
        Self::audit_in(&mut tx, vec![audit], m.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn inquiry(&self, id: &str) -> StoreResult<InquiryRecord> {
        let r = sqlx::query("SELECT * FROM inquiries WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        inquiry_from_row(&r)
    }

    async fn inquiries_of(&self, provision: &str) -> StoreResult<Vec<InquiryRecord>> {
        let rows = sqlx::query("SELECT * FROM inquiries WHERE provision_id = $1 ORDER BY created_at, id")
            .bind(provision)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(inquiry_from_row).collect()
    }

    async fn inquiry_messages(&self, inquiry: &str) -> StoreResult<Vec<InquiryMessageRecord>> {
        let rows = sqlx::query("SELECT * FROM inquiry_messages WHERE inquiry_id = $1 ORDER BY at, id")
            .bind(inquiry)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(InquiryMessageRecord {
                    id: r.try_get("id").map_err(map_err)?,
                    inquiry: r.try_get("inquiry_id").map_err(map_err)?,
                    author: PersonId(r.try_get("author").map_err(map_err)?),
                    author_org: OrgId(r.try_get("author_org").map_err(map_err)?),
                    body: r.try_get("body").map_err(map_err)?,
                    at: from_micros(r.try_get("at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn insert_consultation(&self, c: &ConsultationRecord, audit: AuditDraft) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'C' RETURNING value")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("value")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO consultations (id, number, operator_org, opened_by, addressee_org, subject, body, sector, \
             service, status, chain_id, created_at, updated_at, closed_by, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&c.id)
        .bind(n)
        .bind(c.operator_org.as_str())
        .bind(c.opened_by.as_str())
        .bind(c.addressee_org.as_str())
        .bind(&c.subject)
        .bind(&c.body)
        .bind(c.sector.clone())
        .bind(c.service.clone())
        .bind(&c.status)
        .bind(c.chain.clone())
        .bind(micros(c.created_at))
        .bind(micros(c.updated_at))
        .bind(c.closed_by.as_ref().map(|p| p.as_str().to_owned()))
        .bind(c.closed_at.map(micros))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let mut audit = audit;
        audit.detail["number"] = serde_json::json!(kakehashi_domain::consultation::consultation_ident(n as u64));
        Self::audit_in(&mut tx, vec![audit], c.created_at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(n as u64)
    }

    async fn consultation(&self, id: &str) -> StoreResult<ConsultationRecord> {
        let r = sqlx::query("SELECT * FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        consultation_from_row(&r)
    }

    async fn consultations(&self, q: &ConsultationQuery) -> StoreResult<Vec<ConsultationRecord>> {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM consultations WHERE ");
        if q.addressed_only {
            qb.push("addressee_org = ").push_bind(q.org.0.clone());
        } else {
            qb.push("(operator_org = ")
                .push_bind(q.org.0.clone())
                .push(" OR addressee_org = ")
                .push_bind(q.org.0.clone())
                .push(")");
        }
        if let Some(st) = &q.status {
            qb.push(" AND status = ").push_bind(st.clone());
        }
        if let Some(n) = q.before {
            qb.push(" AND number < ").push_bind(n as i64);
        }
        qb.push(" ORDER BY number DESC LIMIT ").push_bind(i64::from(q.limit));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter().map(consultation_from_row).collect()
    }

    async fn add_consultation_message(&self, m: &ConsultationMessageRecord, from: &str, to: &str, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE consultations SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(to)
            .bind(micros(m.at))
            .bind(&m.consultation)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(Self::consultation_miss(&mut tx, &m.consultation).await);
        }
        sqlx::query(
            "INSERT INTO consultation_messages (id, consultation_id, author, author_org, body, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(&m.consultation)
        .bind(m.author.as_str())
        .bind(m.author_org.as_str())
        .bind(&m.body)
        .bind(micros(m.at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], m.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn consultation_messages(&self, consultation: &str) -> StoreResult<Vec<ConsultationMessageRecord>> {
        let rows = sqlx::query("SELECT * FROM consultation_messages WHERE consultation_id = $1 ORDER BY at, id")
            .bind(consultation)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(ConsultationMessageRecord {
                    id: r.try_get("id").map_err(map_err)?,
                    consultation: r.try_get("consultation_id").map_err(map_err)?,
                    author: PersonId(r.try_get("author").map_err(map_err)?),
                    author_org: OrgId(r.try_get("author_org").map_err(map_err)?),
                    body: r.try_get("body").map_err(map_err)?,
                    at: from_micros(r.try_get("at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn close_consultation(&self, id: &str, from: &str, by: &PersonId, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE consultations SET status = 'closed', updated_at = $1, closed_by = $2, closed_at = $3 \
             WHERE id = $4 AND status = $5",
        )
        .bind(micros(at))
        .bind(by.as_str())
        .bind(micros(at))
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(Self::consultation_miss(&mut tx, id).await);
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn people_in_orgs(&self, orgs: &[OrgId]) -> StoreResult<Vec<PersonRecord>> {
        let mut out = Vec::new();
        for chunk in orgs.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM people WHERE active = 1 AND org_id IN (");
            let mut sep = qb.separated(", ");
            for o in chunk {
                sep.push_bind(o.0.clone());
            }
            qb.push(") ORDER BY org_id, login");
            let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
            for r in &rows {
                out.push(person_from_row(r)?);
            }
        }
        Ok(out)
    }

    async fn insert_notifications(&self, people: &[PersonId], kind: &str, ref_id: &str, title: &str, importance: Option<&str>, at: DateTime<Utc>) -> StoreResult<u64> {
        let draft = NotificationDraft {
            people: people.to_vec(),
            kind: kind.to_owned(),
            ref_id: ref_id.to_owned(),
            title: title.to_owned(),
            importance: importance.map(str::to_owned),
        };
        let mut tx = self.begin().await?;
        let total = Self::notifications_in(&mut tx, std::slice::from_ref(&draft), at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(total)
    }

    async fn notifications(&self, person: &PersonId, limit: u32) -> StoreResult<Vec<NotificationRecord>> {
        let rows = sqlx::query("SELECT * FROM notifications WHERE person_id = $1 ORDER BY created_at DESC, ref_id LIMIT $2")
            .bind(person.as_str())
            .bind(i64::from(limit.clamp(1, 500)))
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(NotificationRecord {
                    person: PersonId(r.try_get("person_id").map_err(map_err)?),
                    kind: r.try_get("kind").map_err(map_err)?,
                    ref_id: r.try_get("ref_id").map_err(map_err)?,
                    title: r.try_get("title").map_err(map_err)?,
                    importance: r.try_get("importance").map_err(map_err)?,
                    created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
                    read_at: r.try_get::<Option<i64>, _>("read_at").map_err(map_err)?.map(from_micros),
                })
            })
            .collect()
    }

    async fn mark_notification_read(&self, person: &PersonId, kind: &str, ref_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND kind = $3 AND ref_id = $4 AND read_at IS NULL")
            .bind(micros(at))
            .bind(person.as_str())
            .bind(kind)
            .bind(ref_id)
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn publish(&self, payload: &str) -> StoreResult<bool> {
        self.publish_impl(payload).await
    }

    async fn subscribe(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<String>>> {
        self.subscribe_impl().await
    }

    async fn keep_statistics(&self) -> StoreResult<Vec<String>> {
        self.keep_statistics_impl().await
    }

    async fn insert_webhook(&self, w: &WebhookRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO webhooks (id, org_id, url, secret, active, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&w.id)
            .bind(w.org.as_str())
            .bind(&w.url)
            .bind(&w.secret)
            .bind(flag(w.active))
            .bind(w.created_by.as_str())
            .bind(micros(w.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], w.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn webhooks_of_org(&self, org: &OrgId) -> StoreResult<Vec<WebhookRecord>> {
        let rows = sqlx::query("SELECT * FROM webhooks WHERE org_id = $1 ORDER BY created_at")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(webhook_from_row).collect()
    }

    async fn webhooks_for_orgs(&self, orgs: &[OrgId]) -> StoreResult<Vec<WebhookRecord>> {
        let mut out = Vec::new();
        for chunk in orgs.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM webhooks WHERE active = 1 AND org_id IN (");
            let mut sep = qb.separated(", ");
            for o in chunk {
                sep.push_bind(o.0.clone());
            }
            qb.push(")");
            for r in qb.build().fetch_all(&self.reader).await.map_err(map_err)? {
                out.push(webhook_from_row(&r)?);
            }
        }
        Ok(out)
    }

    async fn enqueue_webhook_deliveries(&self, d: &[WebhookDeliveryRecord]) -> StoreResult<()> {
        if d.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        Self::webhook_deliveries_in(&mut tx, d).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn claim_webhook_deliveries(&self, lease: &Lease, limit: u32) -> StoreResult<Vec<(WebhookDeliveryRecord, WebhookRecord)>> {
        let sql = format!(
            "UPDATE webhook_deliveries SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
             SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_at <= $3 \
             AND (d.claimed_until IS NULL OR d.claimed_until <= $4) ORDER BY d.next_at, d.id LIMIT $5{}) \
             RETURNING *",
            skip_locked("d")
        );
        let rows = sqlx::query(&sql)
            .bind(&lease.node)
            .bind(micros(lease.until))
            .bind(micros(lease.now))
            .bind(micros(lease.now))
            .bind(i64::from(limit.clamp(1, 500)))
            .fetch_all(&self.writer)
            .await
            .map_err(map_err)?;
        let mut claimed = rows.iter().map(webhook_delivery_from_row).collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by(|a, b| (a.next_at, &a.id).cmp(&(b.next_at, &b.id)));
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM webhooks WHERE id IN (");
        let mut sep = qb.separated(", ");
        for d in &claimed {
            sep.push_bind(d.webhook.clone());
        }
        qb.push(")");
        let hooks = qb
            .build()
            .fetch_all(&self.writer)
            .await
            .map_err(map_err)?
            .iter()
            .map(webhook_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        claimed
            .into_iter()
            .map(|d| {
                let w = hooks
                    .iter()
                    .find(|w| w.id == d.webhook)
                    .cloned()
                    .ok_or_else(|| StoreError::Other(format!("delivery {} has no webhook", d.id)))?;
                Ok((d, w))
            })
            .collect()
    }

    async fn finish_webhook_delivery(&self, d: &WebhookDeliveryRecord, node: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_at = $3, last_error = $4, \
             claimed_by = NULL, claimed_until = NULL WHERE id = $5 AND claimed_by = $6",
        )
        .bind(&d.status)
        .bind(i64::from(d.attempts))
        .bind(micros(d.next_at))
        .bind(&d.last_error)
        .bind(&d.id)
        .bind(node)
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn webhook_deliveries_of_org(&self, org: &OrgId, status: &str, limit: u32) -> StoreResult<Vec<WebhookDeliveryRecord>> {
        let rows = sqlx::query(
            "SELECT d.* FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE w.org_id = $1 AND d.status = $2 ORDER BY d.created_at DESC, d.id LIMIT $3",
        )
        .bind(org.as_str())
        .bind(status)
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(webhook_delivery_from_row).collect()
    }

    async fn claim_unmailed_notifications(&self, mail_pref: &str, lease: &Lease, people: u32) -> StoreResult<Vec<(NotificationRecord, String)>> {
        // The people are taken first (skipping those another claimer holds), then all of their
        // claimable rows: a person's rows go to one claimer, and a row to one claimer only
        // (rows claimed meanwhile fail the re-checked condition of the UPDATE).
        let sql = format!(
            "UPDATE notifications SET mail_claimed_by = $1, mail_claimed_until = $2 \
             WHERE mailed_at IS NULL AND read_at IS NULL AND (mail_claimed_until IS NULL OR mail_claimed_until <= $3) \
             AND person_id IN (SELECT p.id FROM people p WHERE p.active = 1 AND p.mail_pref = $4 AND p.email <> '' \
             AND EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = p.id AND n.mailed_at IS NULL AND n.read_at IS NULL \
             AND (n.mail_claimed_until IS NULL OR n.mail_claimed_until <= $5)) ORDER BY p.id LIMIT $6{}) \
             RETURNING person_id, kind, ref_id, title, importance, created_at",
            skip_locked("p")
        );
        let rows = sqlx::query(&sql)
            .bind(&lease.node)
            .bind(micros(lease.until))
            .bind(micros(lease.now))
            .bind(mail_pref)
            .bind(micros(lease.now))
            .bind(i64::from(people.clamp(1, 10_000)))
            .fetch_all(&self.writer)
            .await
            .map_err(map_err)?;
        let mut claimed = rows
            .iter()
            .map(|r| {
                Ok(NotificationRecord {
                    person: PersonId(r.try_get("person_id").map_err(map_err)?),
                    kind: r.try_get("kind").map_err(map_err)?,
                    ref_id: r.try_get("ref_id").map_err(map_err)?,
                    title: r.try_get("title").map_err(map_err)?,
                    importance: r.try_get("importance").map_err(map_err)?,
                    created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
                    read_at: None,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by(|a, b| (&a.person.0, a.created_at, &a.ref_id).cmp(&(&b.person.0, b.created_at, &b.ref_id)));
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<String> = claimed.iter().map(|n| n.person.0.clone()).collect();
        ids.dedup();
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT id, email FROM people WHERE id IN (");
        let mut sep = qb.separated(", ");
        for id in &ids {
            sep.push_bind(id.clone());
        }
        qb.push(")");
        let mut emails = std::collections::HashMap::new();
        for r in qb.build().fetch_all(&self.writer).await.map_err(map_err)? {
            emails.insert(r.try_get::<String, _>("id").map_err(map_err)?, r.try_get::<String, _>("email").map_err(map_err)?);
        }
        claimed
            .into_iter()
            .map(|n| {
                let email = emails
                    .get(&n.person.0)
                    .cloned()
                    .ok_or_else(|| StoreError::Other(format!("no person {}", n.person)))?;
                Ok((n, email))
            })
            .collect()
    }

    async fn mark_notifications_mailed(&self, person: &PersonId, ref_ids: &[String], at: DateTime<Utc>) -> StoreResult<()> {
        if ref_ids.is_empty() {
            return Ok(());
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("UPDATE notifications SET mail_claimed_by = NULL, mail_claimed_until = NULL, mailed_at = ");
        qb.push_bind(micros(at)).push(" WHERE person_id = ").push_bind(person.0.clone()).push(" AND ref_id IN (");
        let mut sep = qb.separated(", ");
        for r in ref_ids {
            sep.push_bind(r.clone());
        }
        qb.push(")");
        qb.build().execute(&self.writer).await.map_err(map_err)?;
        Ok(())
    }

    async fn contacts_of(&self, org: &OrgId) -> StoreResult<Vec<ContactRecord>> {
        let rows = sqlx::query("SELECT * FROM org_contacts WHERE org_id = $1 ORDER BY kind, name, id")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(contact_from_row).collect()
    }

    async fn all_contacts(&self) -> StoreResult<Vec<ContactRecord>> {
        let rows = sqlx::query("SELECT * FROM org_contacts ORDER BY org_id, kind, name, id")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(contact_from_row).collect()
    }

    async fn insert_contact(&self, c: &ContactRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO org_contacts (id, org_id, kind, name, phone, email, hours, verified_on, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&c.id)
        .bind(c.org.as_str())
        .bind(&c.kind)
        .bind(&c.name)
        .bind(&c.phone)
        .bind(&c.email)
        .bind(&c.hours)
        .bind(c.verified_on.format("%Y-%m-%d").to_string())
        .bind(c.updated_by.as_str())
        .bind(micros(c.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], c.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_contact(&self, c: &ContactRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE org_contacts SET kind = $1, name = $2, phone = $3, email = $4, hours = $5, verified_on = $6, \
             updated_by = $7, updated_at = $8 WHERE id = $9 AND org_id = $10",
        )
        .bind(&c.kind)
        .bind(&c.name)
        .bind(&c.phone)
        .bind(&c.email)
        .bind(&c.hours)
        .bind(c.verified_on.format("%Y-%m-%d").to_string())
        .bind(c.updated_by.as_str())
        .bind(micros(c.updated_at))
        .bind(&c.id)
        .bind(c.org.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], c.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn delete_contact(&self, org: &OrgId, id: &str, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM org_contacts WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn insert_contact_check(&self, check: &ContactCheckRecord, targets: &[OrgId], audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO contact_checks (id, sender_org, sender_person, message, sent_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&check.id)
        .bind(check.sender_org.as_str())
        .bind(check.sender_person.as_str())
        .bind(&check.message)
        .bind(micros(check.sent_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for chunk in targets.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO contact_check_targets (check_id, org_id) ");
            qb.push_values(chunk, |mut row, org| {
                row.push_bind(check.id.clone()).push_bind(org.0.clone());
            });
            qb.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], check.sent_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn contact_check(&self, id: &str) -> StoreResult<ContactCheckRecord> {
        let r = sqlx::query("SELECT * FROM contact_checks WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        check_from_row(&r)
    }

    async fn contact_check_targets(&self, id: &str) -> StoreResult<Vec<CheckTargetRecord>> {
        let rows = sqlx::query("SELECT * FROM contact_check_targets WHERE check_id = $1 ORDER BY org_id")
            .bind(id)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(CheckTargetRecord {
                    check: r.try_get("check_id").map_err(map_err)?,
                    org: OrgId(r.try_get("org_id").map_err(map_err)?),
                    acknowledged_at: r.try_get::<Option<i64>, _>("acknowledged_at").map_err(map_err)?.map(from_micros),
                    acknowledged_by: r.try_get::<Option<String>, _>("acknowledged_by").map_err(map_err)?.map(PersonId),
                })
            })
            .collect()
    }

    async fn contact_checks_of_org(&self, org: &OrgId, limit: u32) -> StoreResult<Vec<ContactCheckRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM contact_checks WHERE sender_org = $1 \
             OR id IN (SELECT check_id FROM contact_check_targets WHERE org_id = $2) \
             ORDER BY sent_at DESC, id DESC LIMIT $3",
        )
        .bind(org.as_str())
        .bind(org.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(check_from_row).collect()
    }

    async fn acknowledge_contact_check(&self, id: &str, org: &OrgId, by: &PersonId, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE contact_check_targets SET acknowledged_at = $1, acknowledged_by = $2 \
             WHERE check_id = $3 AND org_id = $4 AND acknowledged_at IS NULL \
             AND EXISTS (SELECT 1 FROM contact_checks c WHERE c.id = $5 AND c.closed_at IS NULL)",
        )
        .bind(micros(at))
        .bind(by.as_str())
        .bind(id)
        .bind(org.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT 1 FROM contact_check_targets WHERE check_id = $1 AND org_id = $2")
                .bind(id)
                .bind(org.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("contact_check_answered_or_closed".into()),
                None => StoreError::NotFound,
            });
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn close_contact_check(&self, id: &str, by: &PersonId, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE contact_checks SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL")
            .bind(micros(at))
            .bind(by.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("contact_check_closed".into()));
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    // --- exercises ------------------------------------------------------------------------
    async fn insert_exercise(&self, e: &ExerciseRecord, participants: &[OrgId], audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO exercises (id, kind, name, purpose, organiser_org, state, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&e.id)
        .bind(&e.kind)
        .bind(&e.name)
        .bind(&e.purpose)
        .bind(e.organiser_org.as_str())
        .bind(&e.state)
        .bind(e.created_by.as_str())
        .bind(micros(e.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for chunk in participants.chunks(500) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO exercise_participants (exercise_id, org_id) ");
            qb.push_values(chunk, |mut row, org| {
                row.push_bind(e.id.clone()).push_bind(org.0.clone());
            });
            qb.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], e.created_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn exercise(&self, id: &str) -> StoreResult<ExerciseRecord> {
        let r = sqlx::query("SELECT * FROM exercises WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        exercise_from_row(&r)
    }

    async fn exercise_participants(&self, id: &str) -> StoreResult<Vec<OrgId>> {
        let rows = sqlx::query("SELECT org_id FROM exercise_participants WHERE exercise_id = $1 ORDER BY org_id")
            .bind(id)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(|r| Ok(OrgId(r.try_get("org_id").map_err(map_err)?))).collect()
    }

    async fn exercises_of_org(&self, org: &OrgId) -> StoreResult<Vec<ExerciseRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM exercises WHERE organiser_org = $1 \
             OR id IN (SELECT exercise_id FROM exercise_participants WHERE org_id = $2) \
             ORDER BY created_at DESC, id DESC",
        )
        .bind(org.as_str())
        .bind(org.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter().map(exercise_from_row).collect()
    }

    async fn set_exercise_state(&self, id: &str, from: &str, to: &str, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let column = match to {
            "running" => "started_at",
            "ended" => "ended_at",
            "cleaned" => "cleaned_at",
            other => return Err(StoreError::Other(format!("no exercise state {other:?}"))),
        };
        let mut tx = self.begin().await?;
        let done = sqlx::query(&format!("UPDATE exercises SET state = $1, {column} = $2 WHERE id = $3 AND state = $4"))
            .bind(to)
            .bind(micros(at))
            .bind(id)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("exercise state".into()));
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn insert_inject(&self, i: &InjectRecord, audit: AuditDraft) -> StoreResult<u32> {
        let mut tx = self.begin().await?;
        // Lock the exercise row (PostgreSQL) so that two writers take distinct seqs.
        sqlx::query("UPDATE exercises SET state = state WHERE id = $1")
            .bind(&i.exercise)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM exercise_injects WHERE exercise_id = $1")
            .bind(&i.exercise)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("next")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO exercise_injects (exercise_id, seq, offset_minutes, kind, title, body, tlp) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&i.exercise)
        .bind(seq)
        .bind(i64::from(i.offset_minutes))
        .bind(&i.kind)
        .bind(&i.title)
        .bind(&i.body)
        .bind(&i.tlp)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(seq as u32)
    }

    async fn injects(&self, exercise: &str) -> StoreResult<Vec<InjectRecord>> {
        let rows = sqlx::query("SELECT * FROM exercise_injects WHERE exercise_id = $1 ORDER BY offset_minutes, seq")
            .bind(exercise)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(InjectRecord {
                    exercise: r.try_get("exercise_id").map_err(map_err)?,
                    seq: r.try_get::<i64, _>("seq").map_err(map_err)? as u32,
                    offset_minutes: r.try_get::<i64, _>("offset_minutes").map_err(map_err)? as u32,
                    kind: r.try_get("kind").map_err(map_err)?,
                    title: r.try_get("title").map_err(map_err)?,
                    body: r.try_get("body").map_err(map_err)?,
                    tlp: r.try_get("tlp").map_err(map_err)?,
                    fired_at: r.try_get::<Option<i64>, _>("fired_at").map_err(map_err)?.map(from_micros),
                    check_id: r.try_get("check_id").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn fire_inject(&self, exercise: &str, seq: u32, at: DateTime<Utc>, check_id: Option<&str>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE exercise_injects SET fired_at = $1, check_id = $2 \
             WHERE exercise_id = $3 AND seq = $4 AND fired_at IS NULL",
        )
        .bind(micros(at))
        .bind(check_id)
        .bind(exercise)
        .bind(i64::from(seq))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("inject".into()));
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn attach_inject_check(&self, exercise: &str, seq: u32, check: &str) -> StoreResult<()> {
        sqlx::query("UPDATE exercise_injects SET check_id = $1 WHERE exercise_id = $2 AND seq = $3 AND check_id IS NULL")
            .bind(check)
            .bind(exercise)
            .bind(i64::from(seq))
            .execute(&self.writer)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn exercise_chains(&self, exercise: &str) -> StoreResult<Vec<ChainRecord>> {
        let rows = sqlx::query("SELECT * FROM chains WHERE exercise_id = $1 AND exercise = 1 ORDER BY created_at, id")
            .bind(exercise)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(chain_from_row).collect()
    }

    async fn insert_lesson(&self, l: &LessonRecord, audit: AuditDraft) -> StoreResult<u32> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE exercises SET state = state WHERE id = $1")
            .bind(&l.exercise)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM exercise_lessons WHERE exercise_id = $1")
            .bind(&l.exercise)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .try_get("next")
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO exercise_lessons (exercise_id, seq, text, owner_org, follow_up, state, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&l.exercise)
        .bind(seq)
        .bind(&l.text)
        .bind(l.owner_org.as_str())
        .bind(&l.follow_up)
        .bind(&l.state)
        .bind(l.created_by.as_str())
        .bind(micros(l.created_at))
        .bind(micros(l.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], l.created_at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(seq as u32)
    }

    async fn update_lesson(&self, l: &LessonRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE exercise_lessons SET follow_up = $1, state = $2, owner_org = $3, updated_at = $4 \
             WHERE exercise_id = $5 AND seq = $6",
        )
        .bind(&l.follow_up)
        .bind(&l.state)
        .bind(l.owner_org.as_str())
        .bind(micros(l.updated_at))
        .bind(&l.exercise)
        .bind(i64::from(l.seq))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], l.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn lessons(&self, exercise: &str) -> StoreResult<Vec<LessonRecord>> {
        let rows = sqlx::query("SELECT * FROM exercise_lessons WHERE exercise_id = $1 ORDER BY seq")
            .bind(exercise)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(LessonRecord {
                    exercise: r.try_get("exercise_id").map_err(map_err)?,
                    seq: r.try_get::<i64, _>("seq").map_err(map_err)? as u32,
                    text: r.try_get("text").map_err(map_err)?,
                    owner_org: OrgId(r.try_get("owner_org").map_err(map_err)?),
                    follow_up: r.try_get("follow_up").map_err(map_err)?,
                    state: r.try_get("state").map_err(map_err)?,
                    created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
                    created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
                    updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn clean_up_exercise(&self, exercise: &str, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE exercises SET state = 'cleaned', cleaned_at = $1 WHERE id = $2 AND state = 'ended'")
            .bind(micros(at))
            .bind(exercise)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("exercise state".into()));
        }
        // Only chains both marked as exercises and linked to this one; children before parents.
        const MINE: &str = "SELECT id FROM chains WHERE exercise_id = $1 AND exercise = 1";
        let steps = [
            format!("DELETE FROM copy_audience WHERE copy_id IN (SELECT id FROM copies WHERE chain_id IN ({MINE}))"),
            format!("DELETE FROM consent_requests WHERE source IN (SELECT 'copy:' || id FROM copies WHERE chain_id IN ({MINE}))"),
            format!("DELETE FROM notifications WHERE ref_id IN (SELECT id FROM copies WHERE chain_id IN ({MINE}))"),
            format!("DELETE FROM deadline_reminders WHERE chain_id IN ({MINE})"),
            format!("DELETE FROM incident_chains WHERE chain_id IN ({MINE})"),
            format!("DELETE FROM cross_check_dismissals WHERE chain_a IN ({MINE}) OR chain_b IN ({})", MINE.replace("$1", "$2")),
            format!("UPDATE consultations SET chain_id = NULL WHERE chain_id IN ({MINE})"),
            format!("DELETE FROM copies WHERE chain_id IN ({MINE})"),
            format!("DELETE FROM reports WHERE chain_id IN ({MINE})"),
        ];
        for sql in &steps {
            let q = sqlx::query(sql).bind(exercise);
            let q = if sql.contains("$2") { q.bind(exercise) } else { q };
            q.execute(&mut *tx).await.map_err(map_err)?;
        }
        let removed = sqlx::query("DELETE FROM chains WHERE exercise_id = $1 AND exercise = 1")
            .bind(exercise)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?
            .rows_affected();
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(removed)
    }

    async fn reporting_policies(&self) -> StoreResult<Vec<ReportingPolicyRecord>> {
        let rows = sqlx::query("SELECT * FROM reporting_policies ORDER BY sector")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(reporting_policy_from_row).collect()
    }

    async fn put_reporting_policy(&self, p: &ReportingPolicyRecord, audit: AuditDraft) -> StoreResult<()> {
        let policy = serde_json::to_string(&p.policy).map_err(|e| StoreError::Other(e.to_string()))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO reporting_policies (sector, policy, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sector) DO UPDATE SET policy = excluded.policy, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(&p.sector)
        .bind(policy)
        .bind(p.updated_by.as_str())
        .bind(micros(p.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], p.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn delete_reporting_policy(&self, sector: &str, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM reporting_policies WHERE sector = $1")
            .bind(sector)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn open_chains_in_sectors(&self, sectors: &[String]) -> StoreResult<Vec<ChainRecord>> {
        if sectors.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM chains WHERE status = 'open' AND sector IN (");
        let mut sep = qb.separated(", ");
        for s in sectors {
            sep.push_bind(s.clone());
        }
        qb.push(") ORDER BY created_at, id");
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter().map(chain_from_row).collect()
    }

    async fn filed_copies(&self, chains: &[ChainId]) -> StoreResult<Vec<CopyRecord>> {
        if chains.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new(format!("SELECT {COPY_COLUMNS} FROM copies c WHERE c.parent_id IS NULL AND c.chain_id IN ("));
        let mut sep = qb.separated(", ");
        for c in chains {
            sep.push_bind(c.0.clone());
        }
        qb.push(") ORDER BY c.chain_id, c.report_no, c.created_at, c.id");
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter().map(copy_from_row).collect()
    }

    async fn claim_reminder(&self, key: &ReminderKey, lease: &Lease) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO deadline_reminders (chain_id, deadline, due_at, phase, claimed_by, claimed_until) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (chain_id, deadline, due_at, phase) DO UPDATE SET claimed_by = excluded.claimed_by, \
             claimed_until = excluded.claimed_until \
             WHERE deadline_reminders.sent_at IS NULL AND deadline_reminders.claimed_until <= $7",
        )
        .bind(key.chain.as_str())
        .bind(&key.deadline)
        .bind(micros(key.due))
        .bind(&key.phase)
        .bind(&lease.node)
        .bind(micros(lease.until))
        .bind(micros(lease.now))
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_reminder(&self, key: &ReminderKey, node: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE deadline_reminders SET sent_at = $1, claimed_by = NULL, claimed_until = NULL \
             WHERE chain_id = $2 AND deadline = $3 AND due_at = $4 AND phase = $5 AND claimed_by = $6 AND sent_at IS NULL",
        )
        .bind(micros(at))
        .bind(key.chain.as_str())
        .bind(&key.deadline)
        .bind(micros(key.due))
        .bind(&key.phase)
        .bind(node)
        .execute(&self.writer)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn reminders_of_chain(&self, chain: &ChainId) -> StoreResult<Vec<ReminderRecord>> {
        let rows = sqlx::query("SELECT * FROM deadline_reminders WHERE chain_id = $1 ORDER BY due_at, deadline, phase")
            .bind(chain.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(ReminderRecord {
                    key: ReminderKey {
                        chain: ChainId(r.try_get("chain_id").map_err(map_err)?),
                        deadline: r.try_get("deadline").map_err(map_err)?,
                        due: from_micros(r.try_get("due_at").map_err(map_err)?),
                        phase: r.try_get("phase").map_err(map_err)?,
                    },
                    claimed_by: r.try_get("claimed_by").map_err(map_err)?,
                    sent_at: r.try_get::<Option<i64>, _>("sent_at").map_err(map_err)?.map(from_micros),
                })
            })
            .collect()
    }

    async fn insert_attachment(&self, a: &AttachmentRecord, chunks: Vec<Vec<u8>>, audit: AuditDraft) -> StoreResult<()> {
        if chunks.len() != a.chunks as usize || chunks.iter().any(|c| c.len() > ATTACHMENT_CHUNK) {
            return Err(StoreError::Other("attachment chunks do not match the record".into()));
        }
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO attachments (id, owner_kind, owner_id, kind, filename, content_type, size, sha256, chunks, \
             uploaded_by, uploaded_org, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&a.id)
        .bind(&a.owner_kind)
        .bind(&a.owner_id)
        .bind(&a.kind)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(a.size as i64)
        .bind(&a.sha256)
        .bind(i64::from(a.chunks))
        .bind(a.uploaded_by.as_str())
        .bind(a.uploaded_org.as_str())
        .bind(micros(a.uploaded_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for (seq, data) in chunks.into_iter().enumerate() {
            sqlx::query("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ($1, $2, $3)")
                .bind(&a.id)
                .bind(seq as i64)
                .bind(data)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        Self::audit_in(&mut tx, vec![audit], a.uploaded_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn attachment(&self, id: &str) -> StoreResult<AttachmentRecord> {
        let r = sqlx::query("SELECT * FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        attachment_from_row(&r)
    }

    async fn attachments_of(&self, owner_kind: &str, owner_id: &str) -> StoreResult<Vec<AttachmentRecord>> {
        let rows = sqlx::query("SELECT * FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY uploaded_at, id")
            .bind(owner_kind)
            .bind(owner_id)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn attachment_chunk(&self, id: &str, seq: u32) -> StoreResult<Vec<u8>> {
        let r = sqlx::query("SELECT data FROM attachment_chunks WHERE attachment_id = $1 AND seq = $2")
            .bind(id)
            .bind(i64::from(seq))
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        r.try_get("data").map_err(map_err)
    }

    async fn safety_standards(&self) -> StoreResult<Vec<SafetyStandardRecord>> {
        let rows = sqlx::query("SELECT * FROM safety_standards ORDER BY sector, id")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body").map_err(map_err)?;
                Ok(SafetyStandardRecord {
                    standard: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Other(format!("corrupt standard: {e}")))?,
                    updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
                    updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn put_safety_standard(&self, s: &SafetyStandardRecord, audit: AuditDraft) -> StoreResult<()> {
        let body = serde_json::to_string(&s.standard).map_err(|e| StoreError::Other(e.to_string()))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO safety_standards (id, sector, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET sector = excluded.sector, body = excluded.body, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&s.standard.id)
        .bind(&s.standard.sector)
        .bind(body)
        .bind(s.updated_by.as_str())
        .bind(micros(s.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], s.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn assessments_shared_with(&self, org: &OrgId) -> StoreResult<Vec<AssessmentRecord>> {
        // `shared_with` is a JSON list: the quoted id narrows the rows, the exact list decides.
        let quoted = serde_json::to_string(org.as_str()).map_err(|e| StoreError::Other(e.to_string()))?;
        let rows = sqlx::query(
            "SELECT * FROM assessments WHERE shared_with LIKE $1 ESCAPE '\\' ORDER BY org_id, year DESC, standard_id",
        )
        .bind(like_pattern(&quoted))
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let a = assessment_from_row(r)?;
            if a.shared_with.contains(org) {
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn assessments_of_org(&self, org: &OrgId) -> StoreResult<Vec<AssessmentRecord>> {
        let rows = sqlx::query("SELECT * FROM assessments WHERE org_id = $1 ORDER BY year DESC, standard_id")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter().map(assessment_from_row).collect()
    }

    async fn assessment(&self, id: &str) -> StoreResult<AssessmentRecord> {
        let r = sqlx::query("SELECT * FROM assessments WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await
            .map_err(map_err)?;
        assessment_from_row(&r)
    }

    async fn insert_assessment(&self, a: &AssessmentRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO assessments (id, org_id, standard_id, year, edition, items, shared_with, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.id)
        .bind(a.org.as_str())
        .bind(&a.standard)
        .bind(a.year)
        .bind(&a.edition)
        .bind(json_list(&a.items))
        .bind(json_list(&a.shared_with))
        .bind(a.updated_by.as_str())
        .bind(micros(a.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], a.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_assessment(&self, a: &AssessmentRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE assessments SET items = $1, shared_with = $2, updated_by = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(json_list(&a.items))
        .bind(json_list(&a.shared_with))
        .bind(a.updated_by.as_str())
        .bind(micros(a.updated_at))
        .bind(&a.id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::audit_in(&mut tx, vec![audit], a.updated_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn tasks_done(&self, org: &OrgId) -> StoreResult<Vec<TaskDoneRecord>> {
        let rows = sqlx::query("SELECT * FROM assessment_tasks WHERE org_id = $1 ORDER BY item")
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let day: String = r.try_get("done_on").map_err(map_err)?;
                Ok(TaskDoneRecord {
                    org: OrgId(r.try_get("org_id").map_err(map_err)?),
                    item: r.try_get("item").map_err(map_err)?,
                    done_on: chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                        .map_err(|e| StoreError::Other(format!("corrupt day: {e}")))?,
                    by: PersonId(r.try_get("done_by").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn put_task_done(&self, t: &TaskDoneRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO assessment_tasks (org_id, item, done_on, done_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, item) DO UPDATE SET done_on = excluded.done_on, done_by = excluded.done_by",
        )
        .bind(t.org.as_str())
        .bind(&t.item)
        .bind(t.done_on.format("%Y-%m-%d").to_string())
        .bind(t.by.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], Utc::now()).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn surveys(&self) -> StoreResult<Vec<SurveyRecord>> {
        let rows = sqlx::query("SELECT * FROM surveys ORDER BY year DESC")
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let sectors: String = r.try_get("sectors").map_err(map_err)?;
                Ok(SurveyRecord {
                    id: r.try_get("id").map_err(map_err)?,
                    year: r.try_get::<i32, _>("year").map_err(map_err)?,
                    sectors: parse_list(&sectors)?,
                    opened_by: PersonId(r.try_get("opened_by").map_err(map_err)?),
                    opened_at: from_micros(r.try_get("opened_at").map_err(map_err)?),
                    closed_at: r.try_get::<Option<i64>, _>("closed_at").map_err(map_err)?.map(from_micros),
                })
            })
            .collect()
    }

    async fn insert_survey(&self, s: &SurveyRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO surveys (id, year, sectors, opened_by, opened_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id)
        .bind(s.year)
        .bind(json_list(&s.sectors))
        .bind(s.opened_by.as_str())
        .bind(micros(s.opened_at))
        .bind(s.closed_at.map(micros))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], s.opened_at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn close_survey(&self, id: &str, at: DateTime<Utc>, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE surveys SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
            .bind(micros(at))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT id FROM surveys WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("survey_closed".into()),
                None => StoreError::NotFound,
            });
        }
        Self::audit_in(&mut tx, vec![audit], at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn survey_responses(&self, survey: &str) -> StoreResult<Vec<SurveyResponseRecord>> {
        let rows = sqlx::query("SELECT * FROM survey_responses WHERE survey_id = $1 ORDER BY org_id")
            .bind(survey)
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let answers: String = r.try_get("answers").map_err(map_err)?;
                Ok(SurveyResponseRecord {
                    survey: r.try_get("survey_id").map_err(map_err)?,
                    org: OrgId(r.try_get("org_id").map_err(map_err)?),
                    sector: r.try_get("sector").map_err(map_err)?,
                    answers: parse_list(&answers)?,
                    submitted_by: PersonId(r.try_get("submitted_by").map_err(map_err)?),
                    submitted_at: from_micros(r.try_get("submitted_at").map_err(map_err)?),
                })
            })
            .collect()
    }

    async fn put_survey_response(&self, r: &SurveyResponseRecord, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let survey = sqlx::query("SELECT closed_at FROM surveys WHERE id = $1")
            .bind(&r.survey)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        if survey.try_get::<Option<i64>, _>("closed_at").map_err(map_err)?.is_some() {
            return Err(StoreError::Conflict("survey_closed".into()));
        }
        sqlx::query(
            "INSERT INTO survey_responses (survey_id, org_id, sector, answers, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey_id, org_id) DO UPDATE SET \
             sector = excluded.sector, answers = excluded.answers, submitted_by = excluded.submitted_by, \
             submitted_at = excluded.submitted_at",
        )
        .bind(&r.survey)
        .bind(r.org.as_str())
        .bind(&r.sector)
        .bind(json_list(&r.answers))
        .bind(r.submitted_by.as_str())
        .bind(micros(r.submitted_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        Self::audit_in(&mut tx, vec![audit], r.submitted_at).await?;
        tx.commit().await.map_err(map_err)
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

/// Rows per multi-row INSERT: fan-out may reach thousands of organisations, and one statement
/// per chunk keeps well under both backends' bind-parameter limits (8 columns × 500 = 4,000).
const INSERT_CHUNK: usize = 500;

/// Inserts deliveries of `provision` set-based, one multi-row INSERT per chunk. With `keep_first`
/// an organisation already reached keeps its first delivery; without it a repeat is a conflict.
async fn insert_deliveries(
    tx: &mut Tx<'_>,
    provision: &str,
    deliveries: &[DeliveryRecord],
    keep_first: bool,
) -> StoreResult<()> {
    for chunk in deliveries.chunks(INSERT_CHUNK) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO provision_deliveries (provision_id, org_id, via_org, relay_id, delivered_at, read_at, \
             acked_at, ack_note) ",
        );
        qb.push_values(chunk, |mut row, d| {
            row.push_bind(provision.to_owned())
                .push_bind(d.org.0.clone())
                .push_bind(d.via_org.as_ref().map(|o| o.0.clone()))
                .push_bind(d.relay.clone())
                .push_bind(micros(d.delivered_at))
                .push_bind(d.read_at.map(micros))
                .push_bind(d.acked_at.map(micros))
                .push_bind(d.ack_note.clone());
        });
        if keep_first {
            qb.push(" ON CONFLICT (provision_id, org_id) DO NOTHING");
        }
        qb.build().execute(&mut **tx).await.map_err(map_err)?;
    }
    Ok(())
}

fn attachment_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<AttachmentRecord> {
    Ok(AttachmentRecord {
        id: r.try_get("id").map_err(map_err)?,
        owner_kind: r.try_get("owner_kind").map_err(map_err)?,
        owner_id: r.try_get("owner_id").map_err(map_err)?,
        kind: r.try_get("kind").map_err(map_err)?,
        filename: r.try_get("filename").map_err(map_err)?,
        content_type: r.try_get("content_type").map_err(map_err)?,
        size: r.try_get::<i64, _>("size").map_err(map_err)? as u64,
        sha256: r.try_get("sha256").map_err(map_err)?,
        chunks: r.try_get::<i64, _>("chunks").map_err(map_err)? as u32,
        uploaded_by: PersonId(r.try_get("uploaded_by").map_err(map_err)?),
        uploaded_org: OrgId(r.try_get("uploaded_org").map_err(map_err)?),
        uploaded_at: from_micros(r.try_get("uploaded_at").map_err(map_err)?),
    })
}

fn incident_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<IncidentRecord> {
    Ok(IncidentRecord {
        id: r.try_get("id").map_err(map_err)?,
        number: r.try_get::<i64, _>("number").map_err(map_err)? as u64,
        title: r.try_get("title").map_err(map_err)?,
        note: r.try_get("note").map_err(map_err)?,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn incident_chain_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<IncidentChainRecord> {
    Ok(IncidentChainRecord {
        incident: r.try_get("incident_id").map_err(map_err)?,
        chain: ChainId(r.try_get("chain_id").map_err(map_err)?),
        added_by: PersonId(r.try_get("added_by").map_err(map_err)?),
        added_at: from_micros(r.try_get("added_at").map_err(map_err)?),
    })
}

fn submission_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<SubmissionRecord> {
    Ok(SubmissionRecord {
        id: r.try_get("id").map_err(map_err)?,
        number: r.try_get::<i64, _>("number").map_err(map_err)? as u64,
        sender_org: OrgId(r.try_get("sender_org").map_err(map_err)?),
        sender_person: PersonId(r.try_get("sender_person").map_err(map_err)?),
        kind: r.try_get("kind").map_err(map_err)?,
        title: r.try_get("title").map_err(map_err)?,
        body: r.try_get("body").map_err(map_err)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        importance: r.try_get("importance").map_err(map_err)?,
        sectors: parse_list(&r.try_get::<String, _>("sectors").map_err(map_err)?)?,
        source_item: r.try_get("source_item").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn coop_request_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<CoopRequestRecord> {
    Ok(CoopRequestRecord {
        id: r.try_get("id").map_err(map_err)?,
        number: r.try_get::<i64, _>("number").map_err(map_err)? as u64,
        title: r.try_get("title").map_err(map_err)?,
        body: r.try_get("body").map_err(map_err)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn consultation_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ConsultationRecord> {
    let closed_by: Option<String> = r.try_get("closed_by").map_err(map_err)?;
    let closed_at: Option<i64> = r.try_get("closed_at").map_err(map_err)?;
    Ok(ConsultationRecord {
        id: r.try_get("id").map_err(map_err)?,
        number: r.try_get::<i64, _>("number").map_err(map_err)? as u64,
        operator_org: OrgId(r.try_get("operator_org").map_err(map_err)?),
        opened_by: PersonId(r.try_get("opened_by").map_err(map_err)?),
        addressee_org: OrgId(r.try_get("addressee_org").map_err(map_err)?),
        subject: r.try_get("subject").map_err(map_err)?,
        body: r.try_get("body").map_err(map_err)?,
        sector: r.try_get("sector").map_err(map_err)?,
        service: r.try_get("service").map_err(map_err)?,
        status: r.try_get("status").map_err(map_err)?,
        chain: r.try_get("chain_id").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
        closed_by: closed_by.map(PersonId),
        closed_at: closed_at.map(from_micros),
    })
}

fn source_item_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<SourceItemRecord> {
    let allowed: Option<String> = r.try_get("allowed_sectors").map_err(map_err)?;
    Ok(SourceItemRecord {
        id: r.try_get("id").map_err(map_err)?,
        title: r.try_get("title").map_err(map_err)?,
        origin: r.try_get("origin").map_err(map_err)?,
        url: r.try_get("url").map_err(map_err)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        allowed_sectors: match allowed {
            Some(s) => Some(parse_list(&s)?),
            None => None,
        },
        identifiers: r.try_get("identifiers").map_err(map_err)?,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn provision_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ProvisionRecord> {
    Ok(ProvisionRecord {
        id: r.try_get("id").map_err(map_err)?,
        chain: r.try_get("chain_id").map_err(map_err)?,
        report_no: r.try_get::<i64, _>("report_no").map_err(map_err)? as u32,
        ident: r.try_get("ident").map_err(map_err)?,
        state: r.try_get("state").map_err(map_err)?,
        form: r.try_get("form").map_err(map_err)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        importance: r.try_get("importance").map_err(map_err)?,
        sectors: parse_list(&r.try_get::<String, _>("sectors").map_err(map_err)?)?,
        sources: r.try_get("sources").map_err(map_err)?,
        resolutions: r.try_get("resolutions").map_err(map_err)?,
        urgent: r.try_get::<i64, _>("urgent").map_err(map_err)? != 0,
        direct_recipients: parse_list(
            &r.try_get::<String, _>("direct_recipients")
                .map_err(map_err)?,
        )?,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        sent_at: r.try_get::<Option<i64>, _>("sent_at").map_err(map_err)?.map(from_micros),
    })
}

fn provision_summary_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ProvisionSummary> {
    Ok(ProvisionSummary {
        id: r.try_get("id").map_err(map_err)?,
        chain: r.try_get("chain_id").map_err(map_err)?,
        report_no: r.try_get::<i64, _>("report_no").map_err(map_err)? as u32,
        ident: r.try_get("ident").map_err(map_err)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        importance: r.try_get("importance").map_err(map_err)?,
        sectors: parse_list(&r.try_get::<String, _>("sectors").map_err(map_err)?)?,
        sent_at: r.try_get::<Option<i64>, _>("sent_at").map_err(map_err)?.map(from_micros),
    })
}

fn delivery_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<DeliveryRecord> {
    Ok(DeliveryRecord {
        provision: r.try_get("provision_id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        via_org: r.try_get::<Option<String>, _>("via_org").map_err(map_err)?.map(OrgId),
        relay: r.try_get("relay_id").map_err(map_err)?,
        delivered_at: from_micros(r.try_get("delivered_at").map_err(map_err)?),
        read_at: r.try_get::<Option<i64>, _>("read_at").map_err(map_err)?.map(from_micros),
        acked_at: r.try_get::<Option<i64>, _>("acked_at").map_err(map_err)?.map(from_micros),
        ack_note: r.try_get("ack_note").map_err(map_err)?,
    })
}

fn consent_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ConsentRecord> {
    Ok(ConsentRecord {
        id: r.try_get("id").map_err(map_err)?,
        provision: r.try_get("provision_id").map_err(map_err)?,
        source: r.try_get("source").map_err(map_err)?,
        decider_org: OrgId(r.try_get("decider_org").map_err(map_err)?),
        sectors: parse_list(&r.try_get::<String, _>("sectors").map_err(map_err)?)?,
        tlp: r.try_get("tlp").map_err(map_err)?,
        status: r.try_get("status").map_err(map_err)?,
        note: r.try_get("note").map_err(map_err)?,
        decided_by: r.try_get::<Option<String>, _>("decided_by").map_err(map_err)?.map(PersonId),
        decided_at: r.try_get::<Option<i64>, _>("decided_at").map_err(map_err)?.map(from_micros),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
        requester_org: r.try_get::<Option<String>, _>("requester_org").map_err(map_err)?.map(OrgId),
    })
}

fn reporting_policy_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ReportingPolicyRecord> {
    let policy: String = r.try_get("policy").map_err(map_err)?;
    Ok(ReportingPolicyRecord {
        sector: r.try_get("sector").map_err(map_err)?,
        policy: serde_json::from_str(&policy).map_err(|e| StoreError::Other(format!("corrupt policy: {e}")))?,
        updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

fn contact_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ContactRecord> {
    let day: String = r.try_get("verified_on").map_err(map_err)?;
    Ok(ContactRecord {
        id: r.try_get("id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        kind: r.try_get("kind").map_err(map_err)?,
        name: r.try_get("name").map_err(map_err)?,
        phone: r.try_get("phone").map_err(map_err)?,
        email: r.try_get("email").map_err(map_err)?,
        hours: r.try_get("hours").map_err(map_err)?,
        verified_on: chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|e| StoreError::Other(format!("corrupt verified_on {day:?}: {e}")))?,
        updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}

fn check_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<ContactCheckRecord> {
    Ok(ContactCheckRecord {
        id: r.try_get("id").map_err(map_err)?,
        sender_org: OrgId(r.try_get("sender_org").map_err(map_err)?),
        sender_person: PersonId(r.try_get("sender_person").map_err(map_err)?),
        message: r.try_get("message").map_err(map_err)?,
        sent_at: from_micros(r.try_get("sent_at").map_err(map_err)?),
        closed_at: r.try_get::<Option<i64>, _>("closed_at").map_err(map_err)?.map(from_micros),
        closed_by: r.try_get::<Option<String>, _>("closed_by").map_err(map_err)?.map(PersonId),
    })
}

fn inquiry_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<InquiryRecord> {
    Ok(InquiryRecord {
        id: r.try_get("id").map_err(map_err)?,
        provision: r.try_get("provision_id").map_err(map_err)?,
        ministry_org: OrgId(r.try_get("ministry_org").map_err(map_err)?),
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn webhook_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<WebhookRecord> {
    Ok(WebhookRecord {
        id: r.try_get("id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        url: r.try_get("url").map_err(map_err)?,
        secret: r.try_get("secret").map_err(map_err)?,
        active: r.try_get::<i64, _>("active").map_err(map_err)? != 0,
        created_by: PersonId(r.try_get("created_by").map_err(map_err)?),
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

fn webhook_delivery_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<WebhookDeliveryRecord> {
    Ok(WebhookDeliveryRecord {
        id: r.try_get("id").map_err(map_err)?,
        webhook: r.try_get("webhook_id").map_err(map_err)?,
        payload: r.try_get("payload").map_err(map_err)?,
        status: r.try_get("status").map_err(map_err)?,
        attempts: r.try_get::<i64, _>("attempts").map_err(map_err)? as u32,
        next_at: from_micros(r.try_get("next_at").map_err(map_err)?),
        last_error: r.try_get("last_error").map_err(map_err)?,
        created_at: from_micros(r.try_get("created_at").map_err(map_err)?),
    })
}

// --- the case listing ------------------------------------------------------------------------

/// The fewest rows one round of a listing walk reads from the index (the first reads a page and
/// one more; [`next_batch`] sizes the others), up to [`WALK_MAX`].
const WALK_FIRST: usize = 16;
/// The most rows one round of a listing walk reads from the index.
const WALK_MAX: usize = 2_000;

/// A place in a listing walk: a copy's `created_at` (micros) and, unless the place is a time
/// alone, its id.
type Position = (i64, Option<String>);

/// What a listing walks, newest first (or oldest first): the copies under the viewer's audience
/// keys, or — for an inbox — the copies addressed to or sent by one organisation, whose keys the
/// evaluation then checks.
struct Walk<'a> {
    keys: &'a [String],
    /// Only copies of this sector: each key's range within it (index `copy_audience_sector_walk`).
    sector: Option<&'a str>,
    involving: Option<&'a OrgId>,
    /// Only copies created at or after this time (micros).
    from: Option<i64>,
    /// Only copies created strictly before this time (micros).
    until: Option<i64>,
    ascending: bool,
    /// The listing whose per-copy filters (keywords, TLP, importance) each window marks as it
    /// is read, so that the listing's rules run only on the copies that pass them.
    prefilter: Option<&'a ListingQuery>,
    /// Whose audience ranges the keys walk.
    over: Ranges,
}

impl<'a> Walk<'a> {
    /// The sent provisions under `keys`, by their send: newest first unless `ascending`.
    fn provisions(keys: &'a [String], ascending: bool) -> Self {
        Walk {
            keys,
            sector: None,
            involving: None,
            from: None,
            until: None,
            ascending,
            prefilter: None,
            over: Ranges::Provisions,
        }
    }
}

/// The audience index a key walk reads: (key, created_at, id) in both.
#[derive(Clone, Copy)]
enum Ranges {
    /// `copy_audience`: liaison hop copies.
    Copies,
    /// `provision_audience`: sent provisions (a row's `created_at` is the send's `sent_at`).
    Provisions,
}

impl Ranges {
    fn table(self) -> &'static str {
        match self {
            Ranges::Copies => "copy_audience",
            Ranges::Provisions => "provision_audience",
        }
    }

    fn id_column(self) -> &'static str {
        match self {
            Ranges::Copies => "copy_id",
            Ranges::Provisions => "provision_id",
        }
    }
}

/// The listing walk: key-driven, the cost bound by the page, not by how many copies exist.
///
/// Each round reads the next rows of the walk's index ranges — a per-key (or per-organisation)
/// range scan, merged in the backend's own way ([`SqlStore::key_window`], a dialect hook) —
/// and hands that window of copies to `eval`, which applies the listing's rules to those copies
/// only. Every row a listing can show lies in exactly one window (it is readable, so it is under
/// one of the keys; an inbox row involves the organisation), so the windows' results in order
/// are the listing in order; the walk stops once `limit` rows are found or the ranges end.
impl SqlStore {
    async fn walk<T, F, Fut>(
        &self,
        walk: &Walk<'_>,
        mut pos: Option<Position>,
        limit: usize,
        mut eval: F,
    ) -> StoreResult<Vec<T>>
    where
        F: FnMut(Vec<(i64, String)>) -> Fut,
        Fut: std::future::Future<Output = StoreResult<Vec<T>>>,
    {
        let mut out = Vec::new();
        let mut batch = (limit + 1).clamp(WALK_FIRST, WALK_MAX);
        let mut read = 0;
        loop {
            let window = self.window(walk, pos.as_ref(), batch).await?;
            let exhausted = window.len() < batch;
            read += window.len();
            let last = window.last().map(|(p, _)| p.clone());
            let hits: Vec<(i64, String)> =
                window.into_iter().filter_map(|(p, hit)| hit.then_some(p)).collect();
            if !hits.is_empty() {
                out.extend(eval(hits).await?);
            }
            match last {
                Some((t, id)) if !exhausted && out.len() < limit => pos = Some((t, Some(id))),
                _ => break,
            }
            batch = next_batch(batch, read, out.len(), limit);
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The next `n` positions (created_at, copy id) of the walk beyond `pos`, in its order, each
    /// with whether the copy passes the walk's per-copy filters (true when it has none). A walk
    /// over keys is the backend's own ([`SqlStore::key_window`]); an inbox's two ranges are one
    /// statement on both.
    async fn window(
        &self,
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: usize,
    ) -> StoreResult<Vec<((i64, String), bool)>> {
        match walk.involving {
            Some(_) => self.window_in_one(walk, pos, n).await,
            None => self.key_window(walk, pos, n).await,
        }
    }

    /// [`Self::window`] as one statement: the positions, merged by the database, joined to their
    /// copies for the per-copy filters.
    async fn window_in_one(
        &self,
        walk: &Walk<'_>,
        pos: Option<&Position>,
        n: usize,
    ) -> StoreResult<Vec<((i64, String), bool)>> {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("");
        push_window_query(&mut qb, walk, pos, n as i64);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let hit = match walk.prefilter {
                    Some(_) => r.try_get::<i64, _>(2).map_err(map_err)? != 0,
                    None => true,
                };
                Ok(((r.try_get::<i64, _>(0).map_err(map_err)?, r.try_get::<String, _>(1).map_err(map_err)?), hit))
            })
            .collect()
    }
}

/// How many positions the next round of a walk reads, after `read` positions gave `found` of the
/// `limit` rows wanted: as many as the rows found so far per position read say the rest of the
/// page takes, with a quarter more, or four times the last round while none was found. A keyword
/// search, whose rows are few among the copies it walks, then takes two rounds where growing by
/// four took three or four.
fn next_batch(last: usize, read: usize, found: usize, limit: usize) -> usize {
    let wanted = limit.saturating_sub(found);
    let next = match found {
        0 => last * 4,
        _ => (wanted * read).div_ceil(found) * 5 / 4,
    };
    next.clamp(WALK_FIRST, WALK_MAX)
}

/// The walk of a chain listing and where it starts; `None` when nothing can be listed.
fn chain_walk(q: &ListingQuery) -> Option<(Walk<'_>, Option<Position>)> {
    if q.keys.is_empty() || (q.to_forward == Some(true) && q.forwarding_org.is_none()) {
        return None;
    }
    let walk = Walk {
        // A listing filtered to one level walks only the keys that level can carry.
        keys: match (&q.tlp, &q.level_keys) {
            (Some(_), Some(narrowed)) => narrowed,
            _ => &q.keys,
        },
        sector: q.sector.as_deref(),
        involving: q.involving_org.as_ref(),
        from: q.from.map(micros),
        until: q.until.map(micros),
        ascending: q.after.is_some(),
        prefilter: (!q.terms.is_empty() || q.tlp.is_some() || q.importance.is_some()).then_some(q),
        over: Ranges::Copies,
    };
    if walk.keys.is_empty() {
        return None;
    }
    let pos = match (&q.after, &q.before) {
        (Some((t, id)), _) => Some((micros(*t), id.as_ref().map(|i| i.0.clone()))),
        (None, Some((t, id))) => Some((micros(*t), Some(id.0.clone()))),
        (None, None) => None,
    };
    Some((walk, pos))
}

/// The next `n` positions (created_at, copy id) of `walk` beyond `pos`, in its order; with a
/// prefilter, a third column: 1 where the copy passes the listing's per-copy filters, else 0.
/// The filters cost one lookup of the copy by its id per position, against the listing's rules
/// (readability, the chain's newest counted copy, urgency, forwarding) on every one.
fn push_window_query(
    qb: &mut QueryBuilder<'_, Db>,
    walk: &Walk<'_>,
    pos: Option<&Position>,
    n: i64,
) {
    let Some(q) = walk.prefilter else {
        return push_positions(qb, walk, pos, n);
    };
    let dir = if walk.ascending { "" } else { " DESC" };
    qb.push("SELECT win.created_at, win.id, CASE WHEN 1 = 1");
    push_copy_filters(qb, "c", q);
    qb.push(" THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS hit FROM (");
    push_positions(qb, walk, pos, n);
    qb.push(format!(
        ") AS win JOIN copies c ON c.id = win.id ORDER BY win.created_at{dir}, win.id{dir}"
    ));
}

/// The next `n` positions (`created_at`, `id`) of `walk` beyond `pos`, in its order.
fn push_positions(
    qb: &mut QueryBuilder<'_, Db>,
    walk: &Walk<'_>,
    pos: Option<&Position>,
    n: i64,
) {
    let dir = if walk.ascending { "" } else { " DESC" };
    match walk.involving {
        // An inbox: the organisation's two ranges (addressed to it, sent by it).
        Some(org) => {
            for (i, column) in ["addressee_org", "sender_org"].into_iter().enumerate() {
                if i > 0 {
                    qb.push(" UNION ");
                }
                qb.push(format!(
                    "SELECT created_at, id FROM (SELECT o.created_at, o.id FROM copies o WHERE o.{column} = "
                ))
                .push_bind(org.0.clone());
                push_walk_bounds(qb, "o", "id", walk, pos);
                qb.push(format!(" ORDER BY o.created_at{dir}, o.id{dir} LIMIT "))
                    .push_bind(n)
                    .push(format!(") AS w{i}"));
            }
            qb.push(format!(" ORDER BY 1{dir}, 2{dir} LIMIT ")).push_bind(n);
        }
        None => push_key_window(qb, walk, pos, n),
    }
}

/// ` AND …`: copy `alias` (its id in `id_column`) lies beyond `pos` in the walk's order and within
/// its time bounds. The plain `created_at` bound comes first so that every planner reads it as the
/// range of its index scan; the row comparison then settles ties at the same instant.
fn push_walk_bounds(
    qb: &mut QueryBuilder<'_, Db>,
    alias: &str,
    id_column: &str,
    walk: &Walk<'_>,
    pos: Option<&Position>,
) {
    if let Some(t) = walk.from {
        qb.push(format!(" AND {alias}.created_at >= ")).push_bind(t);
    }
    if let Some(t) = walk.until {
        qb.push(format!(" AND {alias}.created_at < ")).push_bind(t);
    }
    if let Some((t, id)) = pos {
        let (wide, strict) = if walk.ascending { (">=", ">") } else { ("<=", "<") };
        match id {
            Some(id) => {
                qb.push(format!(" AND {alias}.created_at {wide} ")).push_bind(*t);
                qb.push(format!(" AND ({alias}.created_at, {alias}.{id_column}) {strict} ("))
                    .push_bind(*t)
                    .push(", ")
                    .push_bind(id.clone())
                    .push(")");
            }
            None => {
                qb.push(format!(" AND {alias}.created_at {strict} ")).push_bind(*t);
            }
        }
    }
}

/// The rows of one window of a chain listing: the listing's rules applied to those copies only.
fn push_chain_rows(qb: &mut QueryBuilder<'_, Db>, q: &ListingQuery, window: &[(i64, String)]) {
    qb.push(format!(
        "SELECT {COPY_COLUMNS}, r.ident, COALESCE(ch.number, ch.exercise_number) AS chain_number, ch.status AS chain_status, \
         ch.statutory AS chain_statutory, ch.exercise AS chain_exercise, CASE WHEN EXISTS ("
    ));
    push_urgent(qb, q);
    qb.push(") THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS urgent, ");
    match &q.forwarding_org {
        Some(org) => {
            qb.push("(");
            push_pending(qb, q, org);
            qb.push(" ORDER BY p.created_at, p.id LIMIT 1)");
        }
        None => {
            qb.push("CAST(NULL AS TEXT)");
        }
    }
    qb.push(
        " AS pending FROM copies c JOIN reports r ON r.id = c.report_id \
         JOIN chains ch ON ch.id = c.chain_id WHERE ",
    );
    push_window(qb, "c", window);
    qb.push(" AND ");
    push_readable(qb, "c", &q.keys);
    push_copy_filters(qb, "c", q);
    if let Some(s) = &q.sector {
        qb.push(" AND c.sector = ").push_bind(s.clone());
    }
    if let Some(s) = &q.status {
        qb.push(" AND ch.status = ").push_bind(s.clone());
    }
    if let Some(b) = q.statutory {
        qb.push(" AND ch.statutory = ").push_bind(flag(b));
    }
    // Each per-row check below ends in `LIMIT 1 OFFSET 0`: a subquery with an OFFSET stays a
    // check of the row's own chain through its index on PostgreSQL, which otherwise may turn it
    // into a join against every copy the viewer reads (seen at 100,000 copies: a hash of 66,000
    // copies built for a window of five rows, 685 ms). SQLite plans it as before.
    if let Some(b) = q.urgent {
        qb.push(if b { " AND EXISTS (" } else { " AND NOT EXISTS (" });
        push_urgent(qb, q);
        qb.push(" LIMIT 1 OFFSET 0)");
    }
    if let (Some(b), Some(org)) = (q.to_forward, &q.forwarding_org) {
        qb.push(if b { " AND EXISTS (" } else { " AND NOT EXISTS (" });
        push_pending(qb, q, org);
        qb.push(" LIMIT 1 OFFSET 0)");
    }
    // The row is the newest counted copy of its chain: no newer one is counted.
    qb.push(
        " AND NOT EXISTS (SELECT 1 FROM copies n WHERE n.chain_id = c.chain_id \
         AND (n.created_at > c.created_at OR (n.created_at = c.created_at AND n.id > c.id)) AND ",
    );
    push_readable(qb, "n", &q.keys);
    push_copy_filters(qb, "n", q);
    qb.push(" LIMIT 1 OFFSET 0)");
    qb.push(if q.after.is_some() {
        " ORDER BY c.created_at, c.id"
    } else {
        " ORDER BY c.created_at DESC, c.id DESC"
    });
}

/// `{alias}.id IN (…)`: the copies of one window of a walk.
fn push_window(qb: &mut QueryBuilder<'_, Db>, alias: &str, window: &[(i64, String)]) {
    qb.push(format!("{alias}.id IN ("));
    let mut sep = qb.separated(", ");
    for (_, id) in window {
        sep.push_bind(id.clone());
    }
    qb.push(")");
}

/// `EXISTS (…)`: one of the stored audience keys of copy `alias` is among `keys` — the policy's
/// index form, and the only access rule of every listing statement.
fn push_readable(qb: &mut QueryBuilder<'_, Db>, alias: &str, keys: &[String]) {
    qb.push(format!(
        "EXISTS (SELECT 1 FROM copy_audience a_{alias} WHERE a_{alias}.copy_id = {alias}.id AND a_{alias}.key IN ("
    ));
    let mut sep = qb.separated(", ");
    for k in keys {
        sep.push_bind(k.clone());
    }
    qb.push("))");
}

/// The copy filters of a listing, on copy `alias` (` AND …` each).
fn push_copy_filters(qb: &mut QueryBuilder<'_, Db>, alias: &str, q: &ListingQuery) {
    if let Some(org) = &q.involving_org {
        // The window (or the chain) is the access path, not the organisation's whole range.
        qb.push(format!(" AND ({} = ", unindexed(&format!("{alias}.addressee_org"))))
            .push_bind(org.0.clone());
        qb.push(format!(" OR {} = ", unindexed(&format!("{alias}.sender_org"))))
            .push_bind(org.0.clone())
            .push(")");
    }
    if let Some(t) = &q.tlp {
        qb.push(format!(" AND {alias}.tlp = ")).push_bind(t.clone());
    }
    if let Some(i) = &q.importance {
        qb.push(format!(" AND {alias}.importance = ")).push_bind(i.clone());
    }
    if let Some(t) = q.from {
        qb.push(format!(" AND {alias}.created_at >= ")).push_bind(micros(t));
    }
    if let Some(t) = q.until {
        qb.push(format!(" AND {alias}.created_at < ")).push_bind(micros(t));
    }
    for term in &q.terms {
        let pattern = like_pattern(term);
        qb.push(format!(" AND ({alias}.search_text LIKE "))
            .push_bind(pattern.clone())
            .push(format!(
                " ESCAPE '\\' OR EXISTS (SELECT 1 FROM reports t_{alias} WHERE t_{alias}.id = {alias}.report_id \
                 AND LOWER(t_{alias}.ident) LIKE "
            ))
            .push_bind(pattern)
            // `LIMIT 1 OFFSET 0` keeps the check a lookup of the copy's own report: PostgreSQL
            // otherwise may hash every report whose identifier holds the term (a read of the
            // whole table, 110 ms at 100,000 reports) for a window of a thousand copies.
            .push(" ESCAPE '\\' LIMIT 1 OFFSET 0))");
    }
}

/// `SELECT 1 FROM copies u …`: an urgent copy (同報) of the row's chain that the keys open.
fn push_urgent(qb: &mut QueryBuilder<'_, Db>, q: &ListingQuery) {
    qb.push("SELECT 1 FROM copies u WHERE u.chain_id = c.chain_id AND u.hop_kind IN (");
    let mut kinds = qb.separated(", ");
    for k in URGENT_HOPS {
        kinds.push_bind(k.to_owned());
    }
    qb.push(") AND ");
    push_readable(qb, "u", &q.keys);
}

/// `SELECT p.id FROM copies p …`: copies of the row's chain addressed to `org` that the keys
/// open, from which `org` sent no onward copy the keys open.
fn push_pending(qb: &mut QueryBuilder<'_, Db>, q: &ListingQuery, org: &OrgId) {
    qb.push(format!(
        "SELECT p.id FROM copies p WHERE p.chain_id = c.chain_id AND {} = ",
        unindexed("p.addressee_org")
    ))
        .push_bind(org.0.clone())
        .push(" AND ");
    push_readable(qb, "p", &q.keys);
    qb.push(" AND NOT EXISTS (SELECT 1 FROM copies f WHERE f.parent_id = p.id AND f.sender_org = ")
        .push_bind(org.0.clone())
        .push(" AND ");
    push_readable(qb, "f", &q.keys);
    qb.push(")");
}

/// `%term%` with LIKE's wildcards and the escape character taken literally.
fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for ch in term.chars() {
        if matches!(ch, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

fn assessment_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<AssessmentRecord> {
    let items: String = r.try_get("items").map_err(map_err)?;
    let shared: String = r.try_get("shared_with").map_err(map_err)?;
    Ok(AssessmentRecord {
        id: r.try_get("id").map_err(map_err)?,
        org: OrgId(r.try_get("org_id").map_err(map_err)?),
        standard: r.try_get("standard_id").map_err(map_err)?,
        year: r.try_get::<i32, _>("year").map_err(map_err)?,
        edition: r.try_get("edition").map_err(map_err)?,
        items: parse_list(&items)?,
        shared_with: parse_list(&shared)?,
        updated_by: PersonId(r.try_get("updated_by").map_err(map_err)?),
        updated_at: from_micros(r.try_get("updated_at").map_err(map_err)?),
    })
}
