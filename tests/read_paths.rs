//! No read path returns what the policy denies — and listings return everything it allows.
//!
//! The policy crate checks `decide` against its own index form (`audience` ∩ `viewer_keys`) on
//! random scopes. This test checks the *application*: random worlds are built through the real
//! use cases on a fresh SQLite store, and every read path is compared, person by person and copy
//! by copy, with the policy's answer.
//!
//! A world: the bootstrapped hub, crisis-management office and CI ministries; 0–3 CEPTOARs and
//! 2–5 operators over three sectors (an operator may or may not belong to a CEPTOAR); a
//! cybersecurity agency and a cyberspace business; people in every organisation with random
//! roles (platform admin included: roles must not grant reading), employment (staff or contractor
//! under NDA) and need-to-know (all sectors, or a random subset that may include a sector no
//! CEPTOAR or operator of the world works in), plus the platform administrator. Then random liaison activity:
//! operators, CEPTOARs and ministries file at random TLP (statutory or not, via the CEPTOAR or
//! not, urgent or not, with random added recipients), CEPTOARs and ministries forward copies
//! addressed to them (CEPTOARs sometimes anonymising) at their own TLP, and involved organisations
//! file follow-ups. Whether a filing is refused is predicted (the CEPTOAR route for a statutory
//! event or a non-member), and every stored copy is checked against what was asked for: its
//! sender, addressee, hop kind, sector, TLP and added recipients.
//!
//! The oracle is `kakehashi_policy::decide` on a scope this test states itself from the stored
//! record (the chosen TLP, RED for the operator's confined hop on the anonymising route, the
//! copy's sector, sender, addressee and added recipients, held by NISC when NISC sends or
//! receives it) — and that scope must equal `liaison::scope_of`, so a read path cannot be made to
//! agree with the oracle by changing the scope both use. For every person:
//!
//! * `App::search` (limit 500) returns exactly the copies the policy allows: no leak, and nothing
//!   missing; newest first, each once; with every sector filter, every TLP filter and every pair,
//!   exactly the allowed copies of that sector/TLP (filters only narrow);
//! * paging `search` by its keyset cursor (3 per page) yields the same set, each copy once;
//! * `App::inbox` returns exactly the allowed copies the person's organisation sent or received,
//!   also with a sector filter;
//! * `App::view_copy` succeeds for exactly the allowed copies and is `NotFound` otherwise (as for
//!   an id that does not exist);
//! * `App::view_chain` shows exactly the allowed copies of each chain, and is `NotFound` when
//!   there are none.
//!
//! * `App::listing` (the case listing: inbox and search) returns, for every filter (TLP, sector,
//!   statutory, urgent, to forward, a keyword typed in another width or case than written, JST
//!   date ranges, combinations), exactly one row per case with an allowed copy the filter
//!   counts: the newest such copy, in order, with the urgent flag and the copy to forward as
//!   the oracle states them from allowed copies only; paged by its cursor, the same rows.
//!
//! For a random sample of people per world, the same through the real router over HTTP, signed in
//! with their password: `GET /api/v1/liaisons` and `/api/v1/liaisons/inbox` (filtered, and by
//! following `next` cursors), their CSV exports (exactly the same rows, and an audit entry
//! exactly when one is restricted), `/api/v1/copies/{id}` (200 or 404) and
//! `/api/v1/chains/{id}` (the allowed copies, or 404).
//!
//! The world's clock moves on between actions, so its copies fall on several JST days; a GREEN
//! report at the end and the restricted first one (which the administrator, whose need-to-know
//! is empty, never reads) make sure every world has both allowed and denied (person, copy)
//! pairs, which the test asserts.
//!
//! Six worlds of typically 12–15 organisations, 12–20 people and 13–30 copies each; about ten
//! seconds in a debug build on two cores.

use crate::common::Session;
use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_app::inbox::{ListingFilter, Scope};
use kakehashi_app::liaison::{hop, scope_of, FileRequest, ForwardRequest, ListFilter, ListRow};
use kakehashi_app::orgs::{NewOrg, NewPerson, CRISIS_ORG, NISC_ORG};
use kakehashi_app::{Actor, App, AppConfig, AppError};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId, SectorId, Tlp};
use kakehashi_policy::{decide, ItemScope};
use kakehashi_store::{ChainRecord, CopyRecord, OrgRecord};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The sectors the world's CEPTOARs and operators work in.
const SECTORS: [&str; 3] = ["electric_power", "railway", "finance"];
/// A real sector (overseen by METI) that none of the world's CEPTOARs or operators works in:
/// need-to-know for it alone opens none of the world's restricted copies.
const UNRELATED: &str = "gas";
const TLPS: [&str; 5] = ["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"];
const ROLES: [&str; 5] = [
    "reader",
    "reporter",
    "approver",
    "org_admin",
    "platform_admin",
];
const PASSWORD: &str = "read-paths-password-2026";
/// A word in each report's description, as written and as a person searches for it: keyword
/// search must find it whatever the width or case (the oracle only looks for the written word).
const WORDS: [(&str, &str); 3] = [
    ("ＡＬＰＨＡ", "alpha"),
    ("ﾍﾞｰﾀ", "ベータ"),
    ("gamma", "GAMMA"),
];

// ---------------------------------------------------------------------------------------------
// The random world, as plain data (indices are taken modulo what exists, so every value is
// meaningful and shrinking stays meaningful).

#[derive(Debug, Clone)]
struct PersonSpec {
    roles: [bool; 5],
    contractor: bool,
    /// `None` = all sectors; else a subset of `SECTORS` + `UNRELATED`.
    need_to_know: Option<[bool; 4]>,
}

#[derive(Debug, Clone)]
struct FileSpec {
    filer: usize,
    tlp: usize,
    statutory: bool,
    via_ceptoar: bool,
    urgent: bool,
    added: Vec<usize>,
}

#[derive(Debug, Clone)]
enum Action {
    File(FileSpec),
    Forward {
        copy: usize,
        tlp: usize,
        anonymise: bool,
        added: Vec<usize>,
    },
    FollowUp {
        chain: usize,
        spec: FileSpec,
    },
}

#[derive(Debug, Clone)]
struct WorldSpec {
    /// Sector of each CEPTOAR.
    ceptoars: Vec<usize>,
    /// Sector of each operator and, maybe, which CEPTOAR it belongs to.
    operators: Vec<(usize, Option<usize>)>,
    /// The first person of each organisation (cycled); always reporter and approver.
    first_people: Vec<PersonSpec>,
    /// More people, each in some organisation.
    more_people: Vec<(usize, PersonSpec)>,
    /// Always an operator's filing (not via the CEPTOAR) at a restricted level, so every world
    /// has a chain and a restricted copy.
    first: FileSpec,
    actions: Vec<Action>,
    /// People checked over HTTP as well.
    http: Vec<usize>,
}

fn person_spec() -> impl Strategy<Value = PersonSpec> {
    (
        prop::array::uniform5(any::<bool>()),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.6, prop::array::uniform4(any::<bool>())),
    )
        .prop_map(|(roles, contractor, need_to_know)| PersonSpec {
            roles,
            contractor,
            need_to_know,
        })
}

fn added() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => prop::collection::vec(any::<usize>(), 1..=2),
    ]
}

fn file_spec(tlps: std::ops::Range<usize>) -> impl Strategy<Value = FileSpec> {
    (
        any::<usize>(),
        tlps,
        prop::bool::weighted(0.4),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.3),
        added(),
    )
        .prop_map(
            |(filer, tlp, statutory, via_ceptoar, urgent, added)| FileSpec {
                filer,
                tlp,
                statutory,
                via_ceptoar,
                urgent,
                added,
            },
        )
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => file_spec(0..5).prop_map(Action::File),
        4 => (any::<usize>(), 0..5usize, any::<bool>(), added()).prop_map(
            |(copy, tlp, anonymise, added)| Action::Forward { copy, tlp, anonymise, added }
        ),
        2 => (any::<usize>(), file_spec(0..5))
            .prop_map(|(chain, spec)| Action::FollowUp { chain, spec }),
    ]
}

fn world() -> impl Strategy<Value = WorldSpec> {
    (
        prop::collection::vec(0..SECTORS.len(), 0..=3),
        prop::collection::vec(
            (
                0..SECTORS.len(),
                prop::option::weighted(0.7, any::<usize>()),
            ),
            2..=5,
        ),
        prop::collection::vec(person_spec(), 1..=18),
        prop::collection::vec((any::<usize>(), person_spec()), 0..=4),
        file_spec(0..3),
        prop::collection::vec(action(), 18..=34),
        prop::collection::vec(any::<usize>(), 3),
    )
        .prop_map(
            |(ceptoars, operators, first_people, more_people, first, actions, http)| WorldSpec {
                ceptoars,
                operators,
                first_people,
                more_people,
                first,
                actions,
                http,
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Building the world through the use cases.

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Person {
    id: PersonId,
    login: String,
    password: String,
    org: OrgId,
}

/// What a copy should be, from what the test asked for.
#[derive(Debug, Clone, PartialEq)]
struct Intent {
    chain: ChainId,
    hop_kind: &'static str,
    sender: OrgId,
    addressee: OrgId,
    sector: String,
    tlp: String,
    added: BTreeSet<OrgId>,
}

/// The world's clock: moved on before each action, so that copies fall on different JST days.
struct StepClock(std::sync::Mutex<DateTime<Utc>>);

impl kakehashi_app::Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

impl StepClock {
    fn advance(&self, hours: i64) {
        *self.0.lock().expect("clock") += chrono::Duration::hours(hours);
    }
}

struct World {
    app: App,
    clock: std::sync::Arc<StepClock>,
    /// Every organisation, in a fixed order.
    orgs: Vec<OrgRecord>,
    ceptoars: Vec<OrgRecord>,
    operators: Vec<OrgRecord>,
    people: Vec<Person>,
    /// The acting person of each organisation (reporter and approver).
    acting: BTreeMap<OrgId, PersonId>,
    chains: Vec<ChainId>,
    /// Copy id → what it should be, in creation order.
    intents: Vec<(CopyId, Intent)>,
    forwarded: BTreeSet<CopyId>,
    refusals: usize,
    _dir: TempDir,
}

fn form(sector: &str, tlp: &str) -> LiaisonForm {
    serde_json::from_value(json!({
        "importance": "caution",
        "tlp": tlp,
        "tlp_notes": "",
        "has_attachments": false,
        "sector": sector,
        "event": "EV-04",
        "causes": ["CA-I-03"],
        "summary": {
            "discovered_at": "2024-04-01T01:00:00Z",
            "occurred_at": "2024-04-01T00:30:00Z",
            "affected_system": "制御系サーバ",
            "description": "制御系サーバに大量アクセス。"
        },
        "impact": { "system_status": "partly_running", "spread_to_others": false },
        "next_steps": "ongoing"
    }))
    .expect("valid form")
}

/// The form with the `k`-th search word (cycled) in its description.
fn worded(mut f: LiaisonForm, k: usize) -> LiaisonForm {
    f.summary.description = format!("{} {}", f.summary.description, WORDS[k % WORDS.len()].0);
    f
}

fn unique_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "kkh-read-paths-{}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

impl World {
    async fn build(spec: &WorldSpec) -> World {
        let dir = unique_dir();
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = kakehashi_store_sql::open(&format!("sqlite://{}", dir.join("db").display()))
            .await
            .expect("open store");
        let clock = std::sync::Arc::new(StepClock(std::sync::Mutex::new(Utc::now())));
        let app = App::new(store, AppConfig::default()).with_clock(clock.clone());
        let admin_password = app
            .bootstrap("admin")
            .await
            .expect("bootstrap")
            .expect("fresh database");
        // The one-time password is changed first, as at every real first sign-in.
        crate::common::change_bootstrap_password(&app, &admin_password, PASSWORD).await;

        let org = |kind: &str, name: String, sectors: Vec<String>, ceptoars: Vec<String>| NewOrg {
            kind: kind.into(),
            name_en: name.clone(),
            aliases: vec![name.clone()],
            domains: vec![format!("{}.example.jp", name.to_lowercase())],
            name_ja: name,
            sectors,
            ceptoars,
            nisc_partner: kind == "cybersecurity_agency",
            ..Default::default()
        };
        let mut ceptoars = Vec::new();
        for (i, &s) in spec.ceptoars.iter().enumerate() {
            let o = org(
                "ceptoar",
                format!("Ceptoar{i}"),
                vec![SECTORS[s].into()],
                vec![],
            );
            ceptoars.push(app.create_org(None, o).await.expect("ceptoar"));
        }
        let mut operators = Vec::new();
        for (i, &(s, member)) in spec.operators.iter().enumerate() {
            // Mostly the CEPTOAR of the operator's own sector, else any.
            let same: Vec<&OrgRecord> = ceptoars
                .iter()
                .filter(|c| c.sectors.iter().any(|x| x == SECTORS[s]))
                .collect();
            let pool: Vec<&OrgRecord> = if same.is_empty() {
                ceptoars.iter().collect()
            } else {
                same
            };
            let cep: Vec<String> = member
                .filter(|_| !pool.is_empty())
                .map(|k| pool[k % pool.len()].id.0.clone())
                .into_iter()
                .collect();
            let o = org(
                "operator",
                format!("Operator{i}"),
                vec![SECTORS[s].into()],
                cep,
            );
            operators.push(app.create_org(None, o).await.expect("operator"));
        }
        let agency = app
            .create_org(
                None,
                org("cybersecurity_agency", "Agency".into(), vec![], vec![]),
            )
            .await
            .expect("agency");
        let vendor = app
            .create_org(
                None,
                org("cyberspace_business", "Vendor".into(), vec![], vec![]),
            )
            .await
            .expect("vendor");

        let mut orgs = Vec::new();
        for id in [NISC_ORG, CRISIS_ORG, "fsa", "mic", "mhlw", "meti", "mlit"] {
            orgs.push(
                app.store
                    .org(&OrgId(id.into()))
                    .await
                    .expect("bootstrapped org"),
            );
        }
        orgs.extend(ceptoars.iter().cloned());
        orgs.extend(operators.iter().cloned());
        orgs.push(agency);
        orgs.push(vendor);

        let admin = app
            .store
            .person_by_login("admin")
            .await
            .expect("administrator");
        let mut people = vec![Person {
            id: admin.id,
            login: "admin".into(),
            password: PASSWORD.into(),
            org: admin.org,
        }];
        let mut acting = BTreeMap::new();
        let mut assignments: Vec<(&OrgRecord, &PersonSpec, bool)> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o, &spec.first_people[i % spec.first_people.len()], true))
            .collect();
        for (k, p) in &spec.more_people {
            assignments.push((&orgs[k % orgs.len()], p, false));
        }
        for (n, (o, p, first)) in assignments.into_iter().enumerate() {
            let mut roles: Vec<String> = ROLES
                .iter()
                .zip(p.roles)
                .filter(|(_, on)| *on)
                .map(|(r, _)| r.to_string())
                .collect();
            if first {
                for r in ["reporter", "approver"] {
                    if !roles.iter().any(|x| x == r) {
                        roles.push(r.into());
                    }
                }
            } else if roles.is_empty() {
                roles.push("reader".into());
            }
            let need_to_know = p.need_to_know.map(|pick| {
                SECTORS
                    .iter()
                    .chain([&UNRELATED])
                    .zip(pick)
                    .filter(|(_, on)| *on)
                    .map(|(s, _)| s.to_string())
                    .collect()
            });
            let login = format!("person-{n}");
            let rec = app
                .create_person(
                    None,
                    NewPerson {
                        org: o.id.0.clone(),
                        login: login.clone(),
                        display_name: format!("Person {n}"),
                        email: format!("{login}@example.jp"),
                        password: PASSWORD.into(),
                        roles,
                        employment: if p.contractor {
                            "nda_contractor"
                        } else {
                            "staff"
                        }
                        .into(),
                        need_to_know,
                        ..Default::default()
                    },
                )
                .await
                .expect("person");
            if first {
                acting.insert(o.id.clone(), rec.id.clone());
            }
            people.push(Person {
                id: rec.id,
                login,
                password: PASSWORD.into(),
                org: o.id.clone(),
            });
        }

        let mut w = World {
            app,
            clock,
            orgs,
            ceptoars,
            operators,
            people,
            acting,
            chains: Vec::new(),
            intents: Vec::new(),
            forwarded: BTreeSet::new(),
            refusals: 0,
            _dir: TempDir(dir),
        };
        // The first filing is always an operator's, on a route that is open.
        let first = FileSpec {
            filer: spec.first.filer % w.operators.len(),
            via_ceptoar: false,
            ..spec.first.clone()
        };
        w.file(&first, None).await;
        for (i, a) in spec.actions.iter().enumerate() {
            w.clock.advance(1 + (i as i64 * 7) % 11);
            match a {
                Action::File(f) => w.file(f, None).await,
                Action::FollowUp { chain, spec } => {
                    let c = w.chains[chain % w.chains.len()].clone();
                    w.file(spec, Some(c)).await
                }
                Action::Forward {
                    copy,
                    tlp,
                    anonymise,
                    added,
                } => w.forward(*copy, *tlp, *anonymise, added).await,
            }
        }
        // A GREEN report every CI stakeholder reads, so that every world has allowed cases (and
        // the restricted first report, which the administrator never reads, denied ones).
        let green = FileSpec {
            tlp: 3,
            statutory: false,
            urgent: false,
            added: Vec::new(),
            ..first
        };
        w.file(&green, None).await;
        w
    }

    fn org(&self, id: &OrgId) -> &OrgRecord {
        self.orgs.iter().find(|o| &o.id == id).expect("known org")
    }

    fn ministry_for(&self, sector: &str) -> OrgId {
        self.orgs
            .iter()
            .find(|o| o.kind == "ci_ministry" && o.sectors.iter().any(|s| s == sector))
            .expect("a ministry oversees the sector")
            .id
            .clone()
    }

    async fn actor_of(&self, org: &OrgId) -> Actor {
        self.app
            .actor(&self.acting[org])
            .await
            .expect("acting person")
    }

    fn added(&self, picks: &[usize]) -> Vec<OrgId> {
        picks
            .iter()
            .map(|k| self.orgs[k % self.orgs.len()].id.clone())
            .collect()
    }

    /// A first report (`chain` None) or a follow-up, with its refusal predicted.
    async fn file(&mut self, f: &FileSpec, chain: Option<ChainId>) {
        let nisc = OrgId(NISC_ORG.into());
        let (filer, sector, statutory) = match &chain {
            None => {
                // Operators, CEPTOARs, and the ministries of the world's sectors.
                let mut filers: Vec<(OrgId, String)> = self
                    .operators
                    .iter()
                    .chain(&self.ceptoars)
                    .map(|o| (o.id.clone(), o.sectors[0].clone()))
                    .collect();
                filers.extend(
                    SECTORS
                        .iter()
                        .map(|s| (self.ministry_for(s), s.to_string())),
                );
                let (o, s) = filers[f.filer % filers.len()].clone();
                (o, s, f.statutory)
            }
            Some(id) => {
                let c = self.app.store.chain(id).await.expect("chain");
                // Any organisation that sent or received a copy of the chain may follow up.
                let mut involved = vec![c.origin_org.clone()];
                for (_, i) in self.intents.iter().filter(|(_, i)| &i.chain == id) {
                    for o in [&i.sender, &i.addressee] {
                        if !involved.contains(o)
                            && matches!(
                                self.org(o).kind.as_str(),
                                "operator" | "ceptoar" | "ci_ministry"
                            )
                        {
                            involved.push(o.clone());
                        }
                    }
                }
                let o = involved[f.filer % involved.len()].clone();
                (o, c.sector, c.statutory)
            }
        };
        let org = self.org(&filer).clone();
        let tlp = TLPS[f.tlp];
        let added = self.added(&f.added);
        // Where the copies should go, or the field that refuses the route.
        let planned: Result<Vec<(&'static str, OrgId)>, &'static str> = match org.kind.as_str() {
            "operator" => {
                if f.via_ceptoar && (statutory || org.ceptoars.is_empty()) {
                    Err("via_ceptoar")
                } else {
                    let mut hops = vec![if f.via_ceptoar {
                        (hop::FILE_VIA_CEPTOAR, org.ceptoars[0].clone())
                    } else {
                        (hop::FILE, self.ministry_for(&sector))
                    }];
                    if f.urgent {
                        // On the anonymising route NISC's urgent copy is confined to NISC.
                        hops.push((
                            if f.via_ceptoar {
                                hop::URGENT_COPY_CONFINED
                            } else {
                                hop::URGENT_COPY
                            },
                            nisc.clone(),
                        ));
                    }
                    Ok(hops)
                }
            }
            "ceptoar" if statutory => Err("statutory"),
            "ceptoar" => Ok(vec![(hop::FILE, self.ministry_for(&sector))]),
            "ci_ministry" => Ok(vec![(hop::FILE, nisc.clone())]),
            k => panic!("no filer of kind {k}"),
        };
        let req = FileRequest {
            form: worded(form(&sector, tlp), self.intents.len()),
            statutory,
            via_ceptoar: f.via_ceptoar,
            urgent: f.urgent,
            added_recipients: added.iter().map(|o| o.0.clone()).collect(),
            exercise: false,
            to_cabinet_secretariat: false,
            ..FileRequest::default()
        };
        let actor = self.actor_of(&filer).await;
        let result = match &chain {
            None => self.app.file_liaison(&actor, req).await,
            Some(id) => self.app.follow_up(&actor, id, req).await,
        };
        match (planned, result) {
            (Err(field), Err(AppError::BadField { field: f, .. })) if f == field => {
                self.refusals += 1;
            }
            (Ok(hops), Ok(filed)) => {
                assert_eq!(filed.copies.len(), hops.len(), "copies of {filed:?}");
                if chain.is_none() {
                    self.chains.push(filed.chain.clone());
                }
                for (id, (kind, to)) in filed.copies.into_iter().zip(hops) {
                    self.intents.push((
                        id,
                        Intent {
                            chain: filed.chain.clone(),
                            hop_kind: kind,
                            sender: filer.clone(),
                            addressee: to,
                            sector: sector.clone(),
                            tlp: tlp.into(),
                            added: added.iter().cloned().collect(),
                        },
                    ));
                }
            }
            (planned, result) => panic!(
                "filing by {} ({}), statutory {statutory}, via CEPTOAR {}: expected {planned:?}, got {result:?}",
                org.name_en, org.kind, f.via_ceptoar
            ),
        }
    }

    /// A CEPTOAR or ministry forwards a copy addressed to it (preferring one not yet forwarded).
    async fn forward(&mut self, pick: usize, tlp: usize, anonymise: bool, added: &[usize]) {
        let forwardable = |(id, i): &&(CopyId, Intent)| {
            matches!(
                self.org(&i.addressee).kind.as_str(),
                "ceptoar" | "ci_ministry"
            ) && !self.forwarded.contains(id)
        };
        let candidates: Vec<(CopyId, Intent)> =
            self.intents.iter().filter(forwardable).cloned().collect();
        if candidates.is_empty() {
            return;
        }
        let (parent_id, parent) = candidates[pick % candidates.len()].clone();
        let holder = self.org(&parent.addressee).clone();
        let anonymise = anonymise && holder.kind == "ceptoar";
        let to = if holder.kind == "ceptoar" {
            self.ministry_for(&parent.sector)
        } else {
            OrgId(NISC_ORG.into())
        };
        let record = self.app.store.copy(&parent_id).await.expect("parent copy");
        let mut form: LiaisonForm = serde_json::from_str(&record.form).expect("stored form");
        let onward = Tlp::from_code(TLPS[tlp]).expect("tlp");
        form.tlp = Some(onward);
        let added = self.added(added);
        let actor = self.actor_of(&holder.id).await;
        // Whoever may not read the copy may not forward it, and learns nothing of it.
        let may_read = decide(&actor.viewer().expect("viewer"), &stated_scope(&record)).allowed;
        let req = ForwardRequest {
            form,
            anonymise,
            added_recipients: added.iter().map(|o| o.0.clone()).collect(),
            ..Default::default()
        };
        let mut result = self.app.forward(&actor, &parent_id, req.clone()).await;
        let sent = Tlp::from_code(&record.tlp).expect("stored TLP");
        if may_read && !onward.at_least_as_strict_as(sent) {
            // Looser than received: refused until the copy's sender consents, then sent.
            assert!(
                matches!(
                    &result,
                    Err(AppError::BadField {
                        field: "tlp",
                        rule: "looser_than_source",
                        ..
                    })
                ),
                "a looser forward without consent: {result:?}"
            );
            self.refusals += 1;
            let asked = self
                .app
                .request_forward_consent(&actor, &parent_id, onward.code(), "")
                .await
                .expect("ask the sender");
            let sender = self.actor_of(&record.sender_org).await;
            self.app
                .decide_consent(&sender, &asked, true, "")
                .await
                .expect("the sender consents");
            result = self.app.forward(&actor, &parent_id, req).await;
        }
        if !may_read {
            assert!(
                matches!(result, Err(AppError::NotFound)),
                "forward by {} who may not read the copy: {result:?}",
                holder.name_en
            );
            self.forwarded.insert(parent_id);
            self.refusals += 1;
            return;
        }
        let filed = result.unwrap_or_else(|e| panic!("forward by {}: {e:?}", holder.name_en));
        self.forwarded.insert(parent_id);
        assert_eq!(filed.copies.len(), 1);
        let id = filed.copies[0].clone();
        self.intents.push((
            id,
            Intent {
                chain: filed.chain,
                hop_kind: hop::FORWARD,
                sender: holder.id,
                addressee: to,
                sector: parent.sector,
                tlp: TLPS[tlp].into(),
                added: added.into_iter().collect(),
            },
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle.

type Ids = BTreeSet<CopyId>;

/// The policy scope of a stored copy, stated by this test from the record (see the module doc).
fn stated_scope(c: &CopyRecord) -> ItemScope {
    let chosen = Tlp::from_code(&c.tlp).expect("stored TLP");
    ItemScope {
        // The operator's hop on the anonymising route stays with the operator and its CEPTOAR;
        // its urgent copy to NISC on that route stays with the operator and NISC.
        tlp: if c.hop_kind == hop::FILE_VIA_CEPTOAR || c.hop_kind == hop::URGENT_COPY_CONFINED {
            Tlp::Red
        } else {
            chosen
        },
        sectors: vec![SectorId(c.sector.clone())],
        sender_org: c.sender_org.clone(),
        addressees: vec![c.addressee_org.clone()],
        added_recipients: c.added_recipients.clone(),
        held_by_nisc: c.sender_org.0 == NISC_ORG || c.addressee_org.0 == NISC_ORG,
    }
}

/// Every stored copy; each is what the test asked for, there is no other, and the app's scope
/// of each is the stated one.
async fn stored_copies(w: &World) -> Vec<CopyRecord> {
    let mut copies = Vec::new();
    for ch in &w.chains {
        copies.extend(w.app.store.copies_of_chain(ch).await.expect("copies"));
    }
    let by_id: BTreeMap<&CopyId, &CopyRecord> = copies.iter().map(|c| (&c.id, c)).collect();
    assert_eq!(by_id.len(), copies.len(), "a copy stored twice");
    let asked: BTreeSet<&CopyId> = w.intents.iter().map(|(id, _)| id).collect();
    assert_eq!(
        by_id.keys().copied().collect::<BTreeSet<_>>(),
        asked,
        "stored copies differ from the copies made"
    );
    for (id, want) in &w.intents {
        let c = by_id[id];
        let got = Intent {
            chain: c.chain.clone(),
            hop_kind: [
                hop::FILE,
                hop::FILE_VIA_CEPTOAR,
                hop::URGENT_COPY,
                hop::URGENT_COPY_CONFINED,
                hop::FORWARD,
            ]
            .into_iter()
            .find(|k| *k == c.hop_kind)
            .unwrap_or("unknown"),
            sender: c.sender_org.clone(),
            addressee: c.addressee_org.clone(),
            sector: c.sector.clone(),
            tlp: c.tlp.clone(),
            added: c.added_recipients.iter().cloned().collect(),
        };
        assert_eq!(&got, want, "stored copy {id} is not what was sent");
        assert_eq!(
            c.held_by_nisc,
            c.sender_org.0 == NISC_ORG || c.addressee_org.0 == NISC_ORG,
            "held_by_nisc of {id}"
        );
    }
    for c in &copies {
        assert_eq!(
            scope_of(c).expect("scope"),
            stated_scope(c),
            "the app's scope of copy {}",
            c.id
        );
    }
    copies
}

fn describe(p: &Person, a: &Actor) -> String {
    format!(
        "{} of {} ({}), {:?}, need-to-know {:?}, roles {:?}",
        p.login,
        a.org.name_en,
        a.org.kind.code(),
        a.person.employment,
        a.person.need_to_know,
        a.record.roles
    )
}

/// `got` lists each copy once and exactly the copies of `want`.
fn exactly(got: &[CopyId], want: &Ids, what: &str) {
    let set: Ids = got.iter().cloned().collect();
    assert_eq!(set.len(), got.len(), "{what}: a copy listed twice");
    assert!(
        set == *want,
        "{what}: returned {:?}, which it must not; left out {:?}, which it must return",
        set.difference(want).collect::<Vec<_>>(),
        want.difference(&set).collect::<Vec<_>>()
    );
}

fn ids(rows: &[ListRow]) -> Vec<CopyId> {
    rows.iter().map(|r| r.summary.id.clone()).collect()
}

/// What one person may read, and the slices of it each read path must return.
struct Expected<'a> {
    copies: &'a [CopyRecord],
    readable: Ids,
    org: OrgId,
    /// The kind of the person's organisation (ministries and CEPTOARs forward).
    org_kind: String,
    chains: &'a BTreeMap<ChainId, ChainRecord>,
}

impl Expected<'_> {
    fn only(&self, keep: impl Fn(&CopyRecord) -> bool) -> Ids {
        self.copies
            .iter()
            .filter(|c| self.readable.contains(&c.id) && keep(c))
            .map(|c| c.id.clone())
            .collect()
    }
    fn inbox(&self) -> Ids {
        self.only(|c| c.sender_org == self.org || c.addressee_org == self.org)
    }
}

// ---------------------------------------------------------------------------------------------
// The case listing (inbox, search, CSV export), stated from the policy's answers.

/// A listing filter, as this test applies it.
#[derive(Debug, Clone, Default)]
struct Lf {
    tlp: Option<&'static str>,
    sector: Option<&'static str>,
    statutory: Option<bool>,
    urgent: Option<bool>,
    to_forward: Option<bool>,
    /// Index into `WORDS`, or `WORDS.len()` for a word no report has.
    word: Option<usize>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl Lf {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let b = |v: bool| v.to_string();
        if let Some(t) = self.tlp {
            out.push(("tlp", t.to_owned()));
        }
        if let Some(s) = self.sector {
            out.push(("sector", s.to_owned()));
        }
        if let Some(v) = self.statutory {
            out.push(("statutory", b(v)));
        }
        if let Some(v) = self.urgent {
            out.push(("urgent", b(v)));
        }
        if let Some(v) = self.to_forward {
            out.push(("to_forward", b(v)));
        }
        if let Some(k) = self.word {
            out.push(("q", WORDS.get(k).map_or("zzz-nowhere", |w| w.1).to_owned()));
        }
        if let Some(d) = self.from {
            out.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("to", d.to_string()));
        }
        out
    }

    fn filter(&self, limit: u32) -> ListingFilter {
        let mut f = ListingFilter {
            limit: Some(limit.to_string()),
            ..ListingFilter::default()
        };
        for (k, v) in self.pairs() {
            let v = Some(v);
            match k {
                "tlp" => f.tlp = v,
                "sector" => f.sector = v,
                "statutory" => f.statutory = v,
                "urgent" => f.urgent = v,
                "to_forward" => f.to_forward = v,
                "q" => f.q = v,
                "from" => f.from = v,
                "to" => f.to = v,
                _ => unreachable!(),
            }
        }
        f
    }

    fn query(&self) -> String {
        self.pairs()
            .into_iter()
            .map(|(k, v)| format!("&{k}={}", enc(&v)))
            .collect()
    }
}

/// The JST calendar day of a stored time.
fn jst_day(t: DateTime<Utc>) -> NaiveDate {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
    t.with_timezone(&jst).date_naive()
}

/// One expected listing row: the case's row copy and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    copy: CopyId,
    statutory: bool,
    urgent: bool,
    pending: Option<CopyId>,
}

fn newest(c: &CopyRecord) -> (DateTime<Utc>, &CopyId) {
    (c.created_at, &c.id)
}

impl Expected<'_> {
    fn reads(&self, c: &CopyRecord) -> bool {
        self.readable.contains(&c.id)
    }

    /// The rows of a listing: per case, the newest readable copy the filter counts (in the
    /// inbox, only the organisation's own), newest first; flags from readable copies only.
    fn rows(&self, scope: Scope, f: &Lf) -> Vec<Row> {
        let counted = |c: &CopyRecord| {
            let form: LiaisonForm = serde_json::from_str(&c.form).expect("stored form");
            self.reads(c)
                && (scope == Scope::All || c.sender_org == self.org || c.addressee_org == self.org)
                && f.tlp.is_none_or(|t| c.tlp == t)
                && f.word.is_none_or(|k| {
                    WORDS
                        .get(k)
                        .is_some_and(|w| form.summary.description.contains(w.0))
                })
                && f.from.is_none_or(|d| jst_day(c.created_at) >= d)
                && f.to.is_none_or(|d| jst_day(c.created_at) <= d)
        };
        let mut rows: Vec<(&CopyRecord, Row)> = Vec::new();
        for (id, chain) in self.chains {
            let Some(row) = self
                .copies
                .iter()
                .filter(|c| &c.chain == id && counted(c))
                .max_by(|a, b| newest(a).cmp(&newest(b)))
            else {
                continue;
            };
            let urgent = self.copies.iter().any(|u| {
                &u.chain == id
                    && [hop::URGENT_COPY, hop::URGENT_COPY_CONFINED].contains(&u.hop_kind.as_str())
                    && self.reads(u)
            });
            let forwards = matches!(self.org_kind.as_str(), "ci_ministry" | "ceptoar");
            let pending = self
                .copies
                .iter()
                .filter(|p| {
                    forwards
                        && &p.chain == id
                        && p.addressee_org == self.org
                        && self.reads(p)
                        && !self.copies.iter().any(|o| {
                            o.parent.as_ref() == Some(&p.id)
                                && o.sender_org == self.org
                                && self.reads(o)
                        })
                })
                .min_by(|a, b| newest(a).cmp(&newest(b)))
                .map(|p| p.id.clone());
            let keep = f.sector.is_none_or(|s| row.sector == s)
                && f.statutory.is_none_or(|v| chain.statutory == v)
                && f.urgent.is_none_or(|v| urgent == v)
                && f.to_forward.is_none_or(|v| pending.is_some() == v);
            if keep {
                rows.push((
                    row,
                    Row {
                        copy: row.id.clone(),
                        statutory: chain.statutory,
                        urgent,
                        pending,
                    },
                ));
            }
        }
        rows.sort_by(|a, b| newest(b.0).cmp(&newest(a.0)));
        rows.into_iter().map(|(_, r)| r).collect()
    }
}

/// The filters every person's listings are checked with.
fn listing_filters(copies: &[CopyRecord]) -> Vec<Lf> {
    let mut days: Vec<NaiveDate> = copies.iter().map(|c| jst_day(c.created_at)).collect();
    days.sort();
    days.dedup();
    let mid = days[days.len() / 2];
    let mut out = vec![Lf::default()];
    out.extend(TLPS.iter().map(|t| Lf {
        tlp: Some(t),
        ..Lf::default()
    }));
    out.extend(SECTORS.iter().chain([&UNRELATED]).map(|s| Lf {
        sector: Some(s),
        ..Lf::default()
    }));
    for v in [true, false] {
        out.push(Lf {
            statutory: Some(v),
            ..Lf::default()
        });
        out.push(Lf {
            urgent: Some(v),
            ..Lf::default()
        });
        out.push(Lf {
            to_forward: Some(v),
            ..Lf::default()
        });
    }
    out.extend((0..=WORDS.len()).map(|k| Lf {
        word: Some(k),
        ..Lf::default()
    }));
    out.push(Lf {
        from: Some(mid),
        to: Some(mid),
        ..Lf::default()
    });
    out.push(Lf {
        from: Some(mid),
        ..Lf::default()
    });
    out.push(Lf {
        to: Some(mid),
        ..Lf::default()
    });
    out.push(Lf {
        sector: Some(SECTORS[0]),
        to_forward: Some(true),
        word: Some(1),
        ..Lf::default()
    });
    out.push(Lf {
        tlp: Some("AMBER"),
        urgent: Some(true),
        from: days.first().copied(),
        ..Lf::default()
    });
    out
}

fn same_rows(got: &[Row], want: &[Row], what: &str) {
    let ids: Vec<&CopyId> = got.iter().map(|r| &r.copy).collect();
    let set: BTreeSet<&CopyId> = ids.iter().copied().collect();
    assert_eq!(set.len(), ids.len(), "{what}: a row listed twice");
    assert!(got == want, "{what}:\n got  {got:?}\n want {want:?}");
}

/// The case listing of the application, for one person: every filter, both scopes, and paging.
async fn check_listing_app(w: &World, p: &Person, e: &Expected<'_>, filters: &[Lf]) {
    let app = &w.app;
    let actor = app.actor(&p.id).await.expect("actor");
    let who = describe(p, &actor);
    for scope in [Scope::Inbox, Scope::All] {
        for f in filters {
            let listing = app
                .listing(&actor, scope, &f.filter(500))
                .await
                .unwrap_or_else(|err| panic!("listing {scope:?} {f:?} for {who}: {err:?}"));
            assert!(listing.next.is_none(), "one page holds everything");
            let got: Vec<Row> = listing
                .items
                .iter()
                .map(|v| {
                    assert!(v.decision().allowed);
                    let r = v.get();
                    assert_eq!(r.to_forward, r.pending_copy.is_some());
                    Row {
                        copy: r.summary.id.clone(),
                        statutory: r.statutory,
                        urgent: r.urgent,
                        pending: r.pending_copy.clone(),
                    }
                })
                .collect();
            same_rows(
                &got,
                &e.rows(scope, f),
                &format!("listing {scope:?} {f:?} for {who}"),
            );
        }
        // Paging by the keyset cursor neither leaks nor loses.
        let mut paged = Vec::new();
        let mut filter = Lf::default().filter(3);
        loop {
            let page = app.listing(&actor, scope, &filter).await.expect("page");
            paged.extend(page.items.iter().map(|v| v.get().summary.id.clone()));
            match page.next {
                Some(next) => filter.cursor = Some(next),
                None => break,
            }
        }
        let want: Vec<CopyId> = e
            .rows(scope, &Lf::default())
            .into_iter()
            .map(|r| r.copy)
            .collect();
        assert_eq!(paged, want, "listing {scope:?} paged by 3 for {who}");
    }
}

/// The RFC 4180 records of a CSV export (after its byte-order mark).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{FEFF}').expect("UTF-8 BOM");
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = body.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => panic!("unquoted {c:?} in {text}"),
        }
    }
    records
}

/// The same over HTTP: the inbox and search (filtered, and paged by `next`), and the CSV
/// exports, which list exactly the same rows and are audited exactly when one is restricted.
async fn check_listing_http(w: &World, s: &Session, p: &Person, e: &Expected<'_>) {
    let who = format!("{} over HTTP", p.login);
    let row_ids = |v: &Value| -> Vec<CopyId> {
        v["items"]
            .as_array()
            .unwrap_or_else(|| panic!("items in {v}"))
            .iter()
            .map(|r| CopyId(r["summary"]["id"].as_str().expect("summary.id").into()))
            .collect()
    };
    let want_ids = |scope: Scope, f: &Lf| -> Vec<CopyId> {
        e.rows(scope, f).into_iter().map(|r| r.copy).collect()
    };
    let filters = [
        Lf::default(),
        Lf {
            word: Some(0),
            ..Lf::default()
        },
        Lf {
            urgent: Some(true),
            ..Lf::default()
        },
        Lf {
            to_forward: Some(true),
            statutory: Some(false),
            ..Lf::default()
        },
    ];
    for (scope, path) in [
        (Scope::Inbox, "/api/v1/liaisons/inbox"),
        (Scope::All, "/api/v1/liaisons"),
    ] {
        for f in &filters {
            let url = format!("{path}?limit=500{}", f.query());
            let (st, v) = s.get(&url).await;
            assert_eq!(st, 200, "GET {url}: {v}");
            assert_eq!(row_ids(&v), want_ids(scope, f), "GET {url} for {who}");
            for (r, want) in v["items"]
                .as_array()
                .expect("items")
                .iter()
                .zip(e.rows(scope, f))
            {
                assert_eq!(r["urgent"], json!(want.urgent), "{url} for {who}: {r}");
                assert_eq!(
                    r["to_forward"],
                    json!(want.pending.is_some()),
                    "{url} for {who}: {r}"
                );
                assert_eq!(
                    r["pending_copy"],
                    json!(want.pending),
                    "{url} for {who}: {r}"
                );
            }
        }
        // Following `next`, 4 per page.
        let mut paged = Vec::new();
        let mut url = format!("{path}?limit=4");
        loop {
            let (st, v) = s.get(&url).await;
            assert_eq!(st, 200, "GET {url}: {v}");
            paged.extend(row_ids(&v));
            match v["next"].as_str() {
                Some(next) => url = format!("{path}?limit=4&cursor={}", enc(next)),
                None => break,
            }
        }
        assert_eq!(
            paged,
            want_ids(scope, &Lf::default()),
            "{path} by cursor for {who}"
        );

        // The CSV export: the same rows; audited when one of them is restricted.
        let export = match scope {
            Scope::Inbox => "/api/v1/liaisons/inbox/export",
            Scope::All => "/api/v1/liaisons/export",
        };
        for f in &filters[..2] {
            let before = exports(w).await;
            let url = format!("{export}?{}", f.query().trim_start_matches('&'));
            let res = s
                .client
                .get(format!("{}{url}", s.base))
                .send()
                .await
                .expect("export");
            assert_eq!(res.status(), 200, "GET {url} for {who}");
            let text = res.text().await.expect("csv");
            let records = csv_records(&text);
            let col = records[0]
                .iter()
                .position(|h| h == "情報連絡ID")
                .expect("copy id column");
            let got: Vec<CopyId> = records[1..]
                .iter()
                .map(|r| CopyId(r[col].clone()))
                .collect();
            let want = want_ids(scope, f);
            assert_eq!(got, want, "GET {url} for {who}");
            let restricted = want.iter().any(|id| {
                let c = e.copies.iter().find(|c| &c.id == id).expect("copy");
                matches!(
                    stated_scope(c).tlp,
                    Tlp::Red | Tlp::AmberStrict | Tlp::Amber
                )
            });
            let after = exports(w).await;
            assert_eq!(
                after,
                before + usize::from(restricted),
                "GET {url} for {who}: audited exactly when a restricted copy left"
            );
        }
    }
}

/// How many CSV exports the audit log records.
async fn exports(w: &World) -> usize {
    w.app
        .store
        .audit_recent(100_000)
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "liaison.export")
        .count()
}

fn filter(sector: Option<&str>, tlp: Option<&str>) -> ListFilter {
    ListFilter {
        sector: sector.map(Into::into),
        tlp: tlp.map(Into::into),
        before: None,
        limit: Some(500),
    }
}

/// Every read path of the application, for one person.
async fn check_app(w: &World, p: &Person, e: &Expected<'_>) {
    let app = &w.app;
    let actor = app.actor(&p.id).await.expect("actor");
    let who = describe(p, &actor);

    let rows = app
        .search(&actor, filter(None, None))
        .await
        .expect("search");
    assert!(
        rows.windows(2)
            .all(|r| (r[0].summary.created_at, &r[0].summary.id)
                > (r[1].summary.created_at, &r[1].summary.id)),
        "search for {who}: not newest first"
    );
    exactly(&ids(&rows), &e.readable, &format!("search for {who}"));
    for s in SECTORS.iter().chain([&UNRELATED]) {
        let rows = app
            .search(&actor, filter(Some(s), None))
            .await
            .expect("search");
        exactly(
            &ids(&rows),
            &e.only(|c| c.sector == *s),
            &format!("search sector={s} for {who}"),
        );
    }
    for t in TLPS {
        let rows = app
            .search(&actor, filter(None, Some(t)))
            .await
            .expect("search");
        exactly(
            &ids(&rows),
            &e.only(|c| c.tlp == t),
            &format!("search tlp={t} for {who}"),
        );
        for s in SECTORS {
            let rows = app
                .search(&actor, filter(Some(s), Some(t)))
                .await
                .expect("search");
            exactly(
                &ids(&rows),
                &e.only(|c| c.tlp == t && c.sector == s),
                &format!("search sector={s} tlp={t} for {who}"),
            );
        }
    }

    // Paging by the keyset cursor neither leaks nor loses.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = app
            .search(
                &actor,
                ListFilter {
                    before: before.clone(),
                    limit: Some(3),
                    ..ListFilter::default()
                },
            )
            .await
            .expect("search page");
        paged.extend(ids(&page));
        match page.last() {
            Some(last) if page.len() == 3 => {
                before = Some((last.summary.created_at, last.summary.id.clone()))
            }
            _ => break,
        }
    }
    exactly(&paged, &e.readable, &format!("search paged by 3 for {who}"));

    let rows = app.inbox(&actor, filter(None, None)).await.expect("inbox");
    exactly(&ids(&rows), &e.inbox(), &format!("inbox of {who}"));
    for s in SECTORS {
        let rows = app
            .inbox(&actor, filter(Some(s), None))
            .await
            .expect("inbox");
        let want: Ids = e
            .inbox()
            .intersection(&e.only(|c| c.sector == s))
            .cloned()
            .collect();
        exactly(&ids(&rows), &want, &format!("inbox sector={s} of {who}"));
    }

    for c in e.copies {
        match app.view_copy(&actor, &c.id).await {
            Ok(v) => {
                assert!(
                    e.readable.contains(&c.id),
                    "view_copy {} ({} {} → {}) for {who}: returned a copy the policy denies",
                    c.id,
                    c.tlp,
                    c.sender_org,
                    c.addressee_org
                );
                assert_eq!(v.get().record.id, c.id);
                assert!(v.decision().allowed);
            }
            Err(AppError::NotFound) => assert!(
                !e.readable.contains(&c.id),
                "view_copy {} ({} {} → {}) for {who}: refused a copy the policy allows",
                c.id,
                c.tlp,
                c.sender_org,
                c.addressee_org
            ),
            Err(err) => panic!("view_copy {} for {who}: {err:?}", c.id),
        }
    }
    assert!(matches!(
        app.view_copy(&actor, &CopyId("no-such-copy".into())).await,
        Err(AppError::NotFound)
    ));

    for ch in &w.chains {
        let want = e.only(|c| &c.chain == ch);
        match app.view_chain(&actor, ch).await {
            Ok(v) => {
                assert_eq!(&v.id, ch);
                let got: Vec<CopyId> = v.copies.iter().map(|c| c.get().record.id.clone()).collect();
                exactly(&got, &want, &format!("view_chain {ch} for {who}"));
            }
            Err(AppError::NotFound) => assert!(
                want.is_empty(),
                "view_chain {ch} for {who}: not found, but the policy allows {want:?}"
            ),
            Err(err) => panic!("view_chain {ch} for {who}: {err:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The same over HTTP.

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn sign_in(base: &str, p: &Person) -> Session {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "login": p.login, "password": p.password }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in of {}", p.login);
    let body: Value = res.json().await.expect("json");
    Session {
        client,
        base: base.to_owned(),
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
    }
}

async fn check_http(w: &World, base: &str, p: &Person, e: &Expected<'_>) {
    let s = sign_in(base, p).await;
    let who = format!("{} over HTTP", p.login);

    check_listing_http(w, &s, p, e).await;

    for c in e.copies {
        let (st, v) = s.get(&format!("/api/v1/copies/{}", c.id)).await;
        if e.readable.contains(&c.id) {
            assert_eq!(st, 200, "GET /api/v1/copies/{} for {who}: {v}", c.id);
            assert_eq!(v["record"]["id"], json!(c.id), "{v}");
        } else {
            assert_eq!(
                st, 404,
                "GET /api/v1/copies/{} ({} {} → {}) for {who}: the policy denies it",
                c.id, c.tlp, c.sender_org, c.addressee_org
            );
        }
    }
    for ch in &w.chains {
        let want = e.only(|c| &c.chain == ch);
        let (st, v) = s.get(&format!("/api/v1/chains/{ch}")).await;
        if want.is_empty() {
            assert_eq!(st, 404, "GET /api/v1/chains/{ch} for {who}: {v}");
        } else {
            assert_eq!(st, 200, "GET /api/v1/chains/{ch} for {who}: {v}");
            let got: Vec<CopyId> = v["copies"]
                .as_array()
                .expect("copies")
                .iter()
                .map(|c| CopyId(c["record"]["id"].as_str().expect("record.id").into()))
                .collect();
            exactly(&got, &want, &format!("GET /api/v1/chains/{ch} for {who}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------

async fn check_world(spec: WorldSpec) {
    let started = std::time::Instant::now();
    let w = World::build(&spec).await;
    let built = started.elapsed();
    let copies = stored_copies(&w).await;

    let mut chains = BTreeMap::new();
    for id in &w.chains {
        chains.insert(id.clone(), w.app.store.chain(id).await.expect("chain"));
    }
    let mut expected = Vec::new();
    for p in &w.people {
        let actor = w.app.actor(&p.id).await.expect("actor");
        let viewer = actor.viewer().expect("viewer");
        let readable: Ids = copies
            .iter()
            .filter(|c| decide(&viewer, &stated_scope(c)).allowed)
            .map(|c| c.id.clone())
            .collect();
        expected.push(Expected {
            copies: &copies,
            readable,
            org: p.org.clone(),
            org_kind: w.org(&p.org).kind.clone(),
            chains: &chains,
        });
    }
    let allowed: usize = expected.iter().map(|e| e.readable.len()).sum();
    let denied = w.people.len() * copies.len() - allowed;
    assert!(
        allowed > 0 && denied > 0,
        "the world must hold allowed and denied (person, copy) pairs: {allowed} allowed, {denied} denied"
    );
    let filters = listing_filters(&copies);
    for (p, e) in w.people.iter().zip(&expected) {
        check_app(&w, p, e).await;
        check_listing_app(&w, p, e, &filters).await;
    }

    let router = kakehashi_server::router(
        w.app.clone(),
        kakehashi_server::ServerConfig {
            secure_cookies: false,
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = kakehashi_server::serve(listener, router, async {
            let _ = stopped.await;
        })
        .await;
    });
    let sample: BTreeSet<usize> = spec.http.iter().map(|k| k % w.people.len()).collect();
    for &k in &sample {
        check_http(&w, &base, &w.people[k], &expected[k]).await;
    }
    let _ = stop.send(());

    let (told, untold) = check_fan_out(&w, &copies).await;
    TOLD.fetch_add(told, std::sync::atomic::Ordering::SeqCst);
    UNTOLD.fetch_add(untold, std::sync::atomic::Ordering::SeqCst);

    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for c in &copies {
        *kinds.entry(c.hop_kind.clone()).or_default() += 1;
        *kinds.entry(c.tlp.clone()).or_default() += 1;
    }
    eprintln!(
        "read_paths world: {} orgs, {} people ({} over HTTP), {} chains, {} copies {kinds:?}, \
         {} refusals; {allowed} allowed and {} denied (person, copy) pairs; {told} told and \
         {untold} not told in the reached organisations; built in {built:.1?}, checked in {:.1?}",
        w.orgs.len(),
        w.people.len(),
        sample.len(),
        w.chains.len(),
        copies.len(),
        w.refusals,
        denied,
        started.elapsed() - built,
    );
}

/// People told (inbox rows) and people of reached organisations not told, over every world.
static TOLD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static UNTOLD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The fan-out against the policy: whoever has an inbox row for a copy may read it, and every
/// person of the copy's addressee (other than its sender's organisation) who may read it has one.
/// Returns (told, not told) among the people of the addressees.
async fn check_fan_out(w: &World, copies: &[CopyRecord]) -> (usize, usize) {
    let (mut told, mut untold) = (0, 0);
    for p in &w.people {
        let actor = w.app.actor(&p.id).await.expect("actor");
        let viewer = actor.viewer().expect("viewer");
        let rows = w
            .app
            .store
            .notifications(&p.id, 10_000)
            .await
            .expect("inbox rows");
        for c in copies {
            let may_read = decide(&viewer, &stated_scope(c)).allowed;
            let row = rows.iter().any(|r| r.kind == "copy" && r.ref_id == c.id.0);
            let who = describe(p, &actor);
            if row {
                assert!(
                    may_read,
                    "{who} was told of copy {} the policy denies",
                    c.id
                );
            }
            if p.org == c.addressee_org && p.org != c.sender_org {
                assert_eq!(
                    row, may_read,
                    "{who}, of the addressee, told of copy {} ({} {}): policy says {may_read}",
                    c.id, c.tlp, c.hop_kind
                );
                if may_read {
                    told += 1;
                } else {
                    untold += 1;
                }
            }
        }
    }
    (told, untold)
}

/// See the module documentation. Runs six random worlds; across them the fan-out must have both
/// told and not told people of reached organisations, or it proved nothing.
#[test]
fn no_read_path_returns_what_the_policy_denies() {
    use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
    let mut runner = TestRunner::new(Config {
        cases: 6,
        max_shrink_iters: 24,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        ..Config::default()
    });
    runner
        .run(&world(), |spec| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(check_world(spec));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (told, untold) = (
        TOLD.load(std::sync::atomic::Ordering::SeqCst),
        UNTOLD.load(std::sync::atomic::Ordering::SeqCst),
    );
    assert!(
        told > 0 && untold > 0,
        "the worlds must hold told ({told}) and untold ({untold}) people"
    );
}
