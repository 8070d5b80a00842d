//! What identifies a reporting organisation, gathered in one place for the CEPTOAR's
//! anonymisation (and for any other path that must hide who reported).

use kakehashi_domain::liaison::{Identifiers, LiaisonForm};
use kakehashi_store::{OrgRecord, PersonRecord};

/// The reporter's identifiers: its names and aliases, the form's ④, its people, registered
/// addresses, phone numbers, e-mail addresses, domains and IP ranges, the sender block of the
/// form it filed, and the extra terms a CEPTOAR chose to mask as well (`extra`, already
/// checked against the text rules).
pub fn reporter_identifiers(
    origin: &OrgRecord,
    people: &[PersonRecord],
    filed: &LiaisonForm,
    extra: &[String],
) -> Identifiers {
    let mut ids = Identifiers {
        operator_names: vec![origin.name_ja.clone(), origin.name_en.clone()],
        addresses: origin.addresses.clone(),
        phones: origin.phones.clone(),
        emails: origin.emails.clone(),
        domains: origin.domains.clone(),
        ips: origin.ip_ranges.clone(),
        extra_terms: extra.to_vec(),
        ..Default::default()
    };
    ids.operator_names.extend(origin.aliases.iter().cloned());
    let push = |list: &mut Vec<String>, v: &str| {
        let v = v.trim();
        if !v.is_empty() && !list.iter().any(|x| x == v) {
            list.push(v.to_owned());
        }
    };
    push(&mut ids.operator_names, &filed.operator_name);
    for p in people {
        push(&mut ids.people, &p.display_name);
        push(&mut ids.emails, &p.email);
        push(&mut ids.phones, &p.phone);
    }
    let s = &filed.sender;
    push(&mut ids.people, &s.person);
    push(&mut ids.emails, &s.email);
    push(&mut ids.phones, &s.phone);
    push(&mut ids.phones, &s.fax);
    ids
}
