//! Tamper-detection tests over the public API: every way of editing a stored log must be
//! reported, at the entry where it happened.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kakehashi_audit::{
    canonical_json, compute_hash, seal, verify, AuditDraft, AuditEntry, VerifyError,
    VerifyErrorKind, GENESIS_HASH,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 1, 9, 30, 0)
        .single()
        .expect("valid time")
}

fn draft(i: u64) -> AuditDraft {
    AuditDraft {
        actor: (!i.is_multiple_of(3)).then(|| format!("person-{i}")),
        actor_org: (!i.is_multiple_of(4)).then(|| format!("org-{}", i % 7)),
        action: ["sign_in", "sign_in_failed", "liaison.file", "copy.read"][(i % 4) as usize]
            .to_owned(),
        target: (!i.is_multiple_of(5)).then(|| format!("target-{i}")),
        detail: json!({"n": i, "tags": ["a", "b"], "note": format!("記録 {i}")}),
    }
}

/// Seals `drafts` into a chain, one every 1.5 ms (a fraction that exercises sub-second times).
fn build(drafts: impl IntoIterator<Item = AuditDraft>) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        let at = t0() + Duration::microseconds(1500 * i as i64);
        let e = seal(out.last().map(AuditEntry::link), d, at);
        out.push(e);
    }
    out
}

fn chain(n: u64) -> Vec<AuditEntry> {
    build((1..=n).map(draft))
}

fn head(entries: &[AuditEntry]) -> Option<(u64, &str)> {
    entries.last().map(AuditEntry::link)
}

fn err(seq: u64, kind: VerifyErrorKind) -> Result<kakehashi_audit::VerifyReport, VerifyError> {
    Err(VerifyError { seq, kind })
}

/// Flips the last hex digit, so the result is still well-formed hex.
fn flip_hex(s: &str) -> String {
    let mut s = s.to_owned();
    let last = s.pop().expect("non-empty hash");
    s.push(if last == '0' { '1' } else { '0' });
    s
}

const FIELDS: [&str; 9] = [
    "actor",
    "actor_org",
    "action",
    "target",
    "detail",
    "at",
    "seq",
    "prev_hash",
    "hash",
];

/// Changes one field of `e` to a different value.
fn mutate(e: &mut AuditEntry, field: &str) {
    fn other(o: &Option<String>) -> Option<String> {
        match o {
            None => Some(String::new()),
            Some(s) => Some(format!("{s}x")),
        }
    }
    match field {
        "actor" => e.actor = other(&e.actor),
        "actor_org" => e.actor_org = other(&e.actor_org),
        "action" => e.action.push('x'),
        "target" => e.target = other(&e.target),
        "detail" => e.detail = json!({"wrapped": e.detail.take()}),
        "at" => e.at += Duration::nanoseconds(1),
        "seq" => e.seq += 1,
        "prev_hash" => e.prev_hash = flip_hex(&e.prev_hash),
        "hash" => e.hash = flip_hex(&e.hash),
        _ => unreachable!("unknown field {field}"),
    }
}

#[test]
fn a_chain_of_100_verifies() {
    let log = chain(100);
    assert_eq!(log[0].seq, 1);
    assert_eq!(log[0].prev_hash, GENESIS_HASH);
    for pair in log.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let report = verify(log.clone(), head(&log)).expect("intact log verifies");
    assert_eq!(report.entries, 100);
    assert_eq!(report.head, Some((100, log[99].hash.clone())));
    // Without a recorded head the chain itself is still checked.
    assert_eq!(
        verify(log.clone(), None)
            .expect("intact log verifies")
            .entries,
        100
    );
}

#[test]
fn hashes_are_lowercase_sha256_hex() {
    for e in chain(5) {
        assert_eq!(e.hash.len(), 64);
        assert!(e
            .hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(compute_hash(&e), e.hash);
    }
}

#[test]
fn changing_any_field_of_any_entry_is_detected_at_that_entry() {
    let log = chain(100);
    let h = head(&log);
    for i in 0..log.len() {
        for field in FIELDS {
            let mut bad = log.clone();
            mutate(&mut bad[i], field);
            assert_ne!(bad[i], log[i], "mutation of {field} must change the entry");
            assert_eq!(
                verify(bad, h),
                err(i as u64 + 1, VerifyErrorKind::HashMismatch),
                "{field} of entry {}",
                i + 1
            );
        }
    }
}

#[test]
fn an_altered_entry_with_a_recomputed_hash_breaks_the_next_link() {
    let log = chain(10);
    let mut bad = log.clone();
    bad[4].action = "copy.delete".into();
    bad[4].hash = compute_hash(&bad[4]);
    assert_eq!(
        verify(bad.clone(), head(&log)),
        err(6, VerifyErrorKind::BrokenLink)
    );
    // The same on the last entry: only the recorded head can tell.
    let mut bad = log.clone();
    bad[9].action = "copy.delete".into();
    bad[9].hash = compute_hash(&bad[9]);
    assert_eq!(
        verify(bad, head(&log)),
        err(10, VerifyErrorKind::HeadMismatch)
    );
}

#[test]
fn deleting_a_middle_entry_is_detected() {
    let log = chain(20);
    let mut bad = log.clone();
    bad.remove(9); // seq 10
    assert_eq!(
        verify(bad, head(&log)),
        err(10, VerifyErrorKind::BrokenLink)
    );
}

#[test]
fn deleting_the_first_entry_is_detected() {
    let log = chain(20);
    assert_eq!(
        verify(log[1..].to_vec(), head(&log)),
        err(1, VerifyErrorKind::BrokenLink)
    );
}

#[test]
fn deleting_and_relinking_without_renumbering_is_a_sequence_gap() {
    let log = chain(20);
    let mut bad = log.clone();
    bad.remove(9); // seq 10; then re-hash seq 11 onto seq 9 and keep going
    bad[9].prev_hash = bad[8].hash.clone();
    for i in 9..bad.len() {
        if i > 9 {
            bad[i].prev_hash = bad[i - 1].hash.clone();
        }
        bad[i].hash = compute_hash(&bad[i]);
    }
    assert_eq!(
        verify(bad, head(&log)),
        err(10, VerifyErrorKind::SequenceGap)
    );
}

#[test]
fn inserting_a_forged_entry_is_detected() {
    let log = chain(20);
    // A forgery that claims seq 11, links to seq 10 and carries its own correct hash.
    let forged = seal(
        Some(log[9].link()),
        draft(999),
        log[9].at + Duration::microseconds(1),
    );
    let mut bad = log.clone();
    bad.insert(10, forged.clone());
    // The forgery itself is flawless; the genuine seq 11 after it no longer links.
    assert_eq!(
        verify(bad, head(&log)),
        err(12, VerifyErrorKind::BrokenLink)
    );

    // Appended at the end, with the head left alone.
    let forged = seal(Some(log[19].link()), draft(999), log[19].at);
    let mut bad = log.clone();
    bad.push(forged);
    assert_eq!(
        verify(bad, head(&log)),
        err(21, VerifyErrorKind::HeadMismatch)
    );

    // Re-hashed to fit in with a skipped number.
    let mut forged = seal(Some(log[9].link()), draft(999), log[9].at);
    forged.seq = 12;
    forged.hash = compute_hash(&forged);
    let mut bad = log[..10].to_vec();
    bad.push(forged);
    assert_eq!(verify(bad, None), err(11, VerifyErrorKind::SequenceGap));
}

#[test]
fn swapping_two_entries_is_detected() {
    let log = chain(20);
    for (a, b) in [(3, 4), (3, 15), (0, 19)] {
        let mut bad = log.clone();
        bad.swap(a, b);
        assert_eq!(
            verify(bad, head(&log)),
            err(a as u64 + 1, VerifyErrorKind::BrokenLink),
            "swap {a} {b}"
        );
    }
}

#[test]
fn truncating_the_tail_is_detected_given_the_head() {
    let log = chain(100);
    let h = head(&log);
    assert_eq!(
        verify(log[..90].to_vec(), h),
        err(90, VerifyErrorKind::HeadMismatch)
    );
    assert_eq!(
        verify(log[..99].to_vec(), h),
        err(99, VerifyErrorKind::HeadMismatch)
    );
    assert_eq!(verify(Vec::new(), h), err(0, VerifyErrorKind::HeadMismatch));
    // Without the head the shorter chain is indistinguishable from a genuine one.
    assert_eq!(verify(log[..90].to_vec(), None).map(|r| r.entries), Ok(90));
}

#[test]
fn a_tampered_head_is_detected() {
    let log = chain(10);
    let (seq, hash) = log[9].link();
    assert_eq!(
        verify(log.clone(), Some((seq + 1, hash))),
        err(10, VerifyErrorKind::HeadMismatch)
    );
    assert_eq!(
        verify(log.clone(), Some((seq, &flip_hex(hash)))),
        err(10, VerifyErrorKind::HeadMismatch)
    );
    assert_eq!(
        verify(log.clone(), Some(log[8].link())),
        err(10, VerifyErrorKind::HeadMismatch)
    );
}

#[test]
fn an_empty_log_verifies_against_the_genesis_head() {
    let empty = || Vec::<AuditEntry>::new();
    let ok = Ok(kakehashi_audit::VerifyReport {
        entries: 0,
        head: None,
    });
    assert_eq!(verify(empty(), None), ok);
    assert_eq!(verify(empty(), Some((0, GENESIS_HASH))), ok);
    // The genesis head is also what a backend holds before the first entry.
    let first = seal(Some((0, GENESIS_HASH)), draft(1), t0());
    assert_eq!(first, seal(None, draft(1), t0()));
}

#[test]
fn detail_key_order_does_not_matter() {
    let a: Value =
        serde_json::from_str(r#"{"b":1,"a":{"y":[1,{"q":1,"p":2}],"x":null}}"#).expect("json");
    let b: Value =
        serde_json::from_str(r#"{"a":{"x":null,"y":[1,{"p":2,"q":1}]},"b":1}"#).expect("json");
    assert_eq!(canonical_json(&a), canonical_json(&b));
    let with = |detail: Value| seal(None, AuditDraft { detail, ..draft(1) }, t0()).hash;
    assert_eq!(with(a), with(b));
    // ...but array order does.
    assert_ne!(with(json!([1, 2])), with(json!([2, 1])));
}

#[test]
fn moving_bytes_between_fields_changes_the_hash() {
    let base = AuditDraft {
        actor: Some("ab".into()),
        actor_org: Some("c".into()),
        action: "x".into(),
        target: None,
        detail: json!({}),
    };
    let hash = |d: AuditDraft| seal(None, d, t0()).hash;
    let h0 = hash(base.clone());
    let variants = [
        AuditDraft {
            actor: Some("a".into()),
            actor_org: Some("bc".into()),
            ..base.clone()
        },
        AuditDraft {
            actor: Some("abc".into()),
            actor_org: Some(String::new()),
            ..base.clone()
        },
        AuditDraft {
            actor_org: None,
            target: Some("c".into()),
            ..base.clone()
        },
        AuditDraft {
            actor: None,
            actor_org: Some("abc".into()),
            ..base.clone()
        },
        AuditDraft {
            target: Some(String::new()),
            ..base.clone()
        },
        AuditDraft {
            action: "xab".into(),
            actor: None,
            ..base.clone()
        },
    ];
    for v in variants {
        assert_ne!(hash(v.clone()), h0, "{v:?}");
    }
    // Absent and empty differ.
    let none = AuditDraft {
        target: None,
        ..base.clone()
    };
    let empty = AuditDraft {
        target: Some(String::new()),
        ..base
    };
    assert_ne!(hash(none), hash(empty));
}

#[test]
fn seal_truncates_time_to_microseconds() {
    let at = t0() + Duration::nanoseconds(123_456_789);
    let e = seal(None, draft(1), at);
    assert_eq!(e.at, t0() + Duration::nanoseconds(123_456_000));
    assert_eq!(e.hash, compute_hash(&e));
}

/// Pins format v1: if this fails, the hash encoding changed and every stored log would fail
/// verification. The expected value was computed independently from the documented encoding.
#[test]
fn hash_format_v1_is_stable() {
    let e = seal(
        Some((41, "ab".repeat(32).as_str())),
        AuditDraft {
            actor: Some("p-1".into()),
            actor_org: None,
            action: "liaison.file".into(),
            target: Some("R12-3".into()),
            detail: json!({"tlp": "amber", "n": 1.5, "a": [true, null, -7]}),
        },
        t0() + Duration::microseconds(250),
    );
    assert_eq!(e.seq, 42);
    assert_eq!(
        canonical_json(&e.detail),
        r#"{"a":[true,null,-7],"n":1.5,"tlp":"amber"}"#
    );
    assert_eq!(
        e.hash,
        "cc4360c629d81359d2170f81a12414cb576a9f99dcbd69244f9fe0a7f8a450f6"
    );
}

/// What the SQL backends do: `at` as RFC 3339 text, `detail` as canonical JSON text.
fn storage_round_trip(e: &AuditEntry) -> AuditEntry {
    let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let detail = canonical_json(&e.detail);
    AuditEntry {
        at: DateTime::parse_from_rfc3339(&at)
            .expect("rfc3339")
            .with_timezone(&Utc),
        detail: serde_json::from_str(&detail).expect("json"),
        ..e.clone()
    }
}

#[test]
fn entries_survive_storage_and_serde_round_trips() {
    let log = chain(30);
    let stored: Vec<_> = log.iter().map(storage_round_trip).collect();
    assert_eq!(verify(stored, head(&log)).map(|r| r.entries), Ok(30));
    let text = serde_json::to_string(&log).expect("serialise");
    let back: Vec<AuditEntry> = serde_json::from_str(&text).expect("deserialise");
    assert_eq!(verify(back, head(&log)).map(|r| r.entries), Ok(30));
}

#[test]
fn error_messages_are_bilingual() {
    let e = VerifyError {
        seq: 7,
        kind: VerifyErrorKind::HeadMismatch,
    };
    let s = e.to_string();
    assert!(s.contains("seq 7") && s.contains("通番 7"), "{s}");
    assert!(s.contains("head mismatch") && s.contains("末尾"), "{s}");
    for kind in [
        VerifyErrorKind::HashMismatch,
        VerifyErrorKind::BrokenLink,
        VerifyErrorKind::SequenceGap,
        VerifyErrorKind::HeadMismatch,
    ] {
        assert!(!kind.message_en().is_empty() && !kind.message_ja().is_ascii());
    }
}

// --- property tests -----------------------------------------------------------------------------

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        "[\\x00-\\x7f]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z._-]{0,12}", "\\PC{0,8}"]
}

fn arb_draft() -> impl Strategy<Value = AuditDraft> {
    (
        prop::option::of(arb_text()),
        prop::option::of(arb_text()),
        arb_text(),
        prop::option::of(arb_text()),
        arb_json(),
    )
        .prop_map(|(actor, actor_org, action, target, detail)| AuditDraft {
            actor,
            actor_org,
            action,
            target,
            detail,
        })
}

proptest! {
    #[test]
    fn canonical_json_is_stable_under_reparsing(v in arb_json()) {
        let text = canonical_json(&v);
        let back: Value = serde_json::from_str(&text).expect("canonical JSON parses");
        prop_assert_eq!(canonical_json(&back), text);
    }

    #[test]
    fn canonical_strings_match_serde_json(s in "\\PC*|[\\x00-\\x7f]*") {
        let v = Value::from(s.clone());
        prop_assert_eq!(canonical_json(&v), serde_json::to_string(&s).expect("string"));
    }

    #[test]
    fn random_chains_verify_and_survive_storage(drafts in prop::collection::vec(arb_draft(), 0..12)) {
        let log = build(drafts);
        let n = log.len() as u64;
        prop_assert_eq!(verify(log.clone(), head(&log)).map(|r| r.entries), Ok(n));
        let stored: Vec<_> = log.iter().map(storage_round_trip).collect();
        prop_assert_eq!(verify(stored, head(&log)).map(|r| r.entries), Ok(n));
    }

    #[test]
    fn any_single_mutation_is_detected_at_its_entry(
        drafts in prop::collection::vec(arb_draft(), 1..12),
        pick in any::<prop::sample::Index>(),
        field in prop::sample::select(FIELDS.to_vec()),
        rehash in any::<bool>(),
    ) {
        let log = build(drafts);
        let i = pick.index(log.len());
        let seq = i as u64 + 1;
        let last = i + 1 == log.len();
        let mut bad = log.clone();
        mutate(&mut bad[i], field);
        prop_assert_ne!(&bad[i], &log[i]);
        let got = verify(bad.clone(), head(&log));
        if !rehash || field == "hash" {
            prop_assert_eq!(got, err(seq, VerifyErrorKind::HashMismatch));
        } else {
            // A forger who also recomputes the entry's own hash.
            bad[i].hash = compute_hash(&bad[i]);
            let got = verify(bad, head(&log));
            let want = match field {
                "seq" => err(seq, VerifyErrorKind::SequenceGap),
                "prev_hash" => err(seq, VerifyErrorKind::BrokenLink),
                _ if last => err(seq, VerifyErrorKind::HeadMismatch),
                _ => err(seq + 1, VerifyErrorKind::BrokenLink),
            };
            prop_assert_eq!(got, want);
        }
    }
}
