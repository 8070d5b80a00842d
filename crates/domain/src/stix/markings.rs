//! TLP as STIX 2.1 marking definitions.
//!
//! Going out, each level is the OASIS TLP 2.0 marking definition with the standard's own fixed id
//! (the `tlp_2_0` property extension). Coming in, the TLP 2.0 ids and the TLP 1.0 ids of STIX 2.1
//! itself (§7.2.1.4, where WHITE is today's CLEAR) are understood; anything else is not a TLP
//! marking and maps to nothing, so an importer must refuse it or choose a level itself — an
//! unknown marking is never read as a wider one.

use crate::Tlp;
use serde_json::{json, Value};

/// The OASIS extension definition that carries `tlp_2_0`.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
/// When OASIS created the TLP 2.0 marking definitions.
pub const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The TLP 2.0 marking definition id of a level.
pub fn tlp2_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The `tlp_2_0` value of a level.
pub fn tlp2_value(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// The marking-definition object of a level, as OASIS publishes it.
pub fn tlp2_definition(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp2_id(tlp),
        "created": TLP2_CREATED,
        "name": format!("TLP:{}", tlp.code()),
        "extensions": {
            TLP2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp2_value(tlp),
            }
        }
    })
}

/// The TLP 1.0 ids STIX 2.1 defines (§7.2.1.4).
const TLP1: [(&str, Tlp); 4] = [
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
];

/// The level a marking-definition id stands for, if it is one of the standard TLP markings.
pub fn tlp_of_id(id: &str) -> Option<Tlp> {
    Tlp::ALL
        .into_iter()
        .find(|t| tlp2_id(*t) == id)
        .or_else(|| TLP1.iter().find(|(i, _)| *i == id).map(|(_, t)| *t))
}

/// The strictest level among an object's `object_marking_refs`; `None` when no ref is a TLP
/// marking (the caller decides: refuse, or the importer's own choice).
pub fn strictest_tlp<'a>(refs: impl IntoIterator<Item = &'a str>) -> Option<Tlp> {
    refs.into_iter().filter_map(tlp_of_id).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_id() {
        for t in Tlp::ALL {
            assert_eq!(tlp_of_id(tlp2_id(t)), Some(t));
            assert_eq!(tlp2_definition(t)["id"], tlp2_id(t));
        }
    }

    #[test]
    fn tlp1_ids_are_understood_and_white_is_clear() {
        assert_eq!(tlp_of_id(TLP1[0].0), Some(Tlp::Clear));
        assert_eq!(tlp_of_id(TLP1[3].0), Some(Tlp::Red));
    }

    #[test]
    fn unknown_markings_map_to_nothing_and_the_strictest_wins() {
        assert_eq!(
            tlp_of_id("marking-definition--00000000-0000-4000-8000-000000000000"),
            None
        );
        assert_eq!(strictest_tlp(["statement-marking"]), None);
        assert_eq!(
            strictest_tlp([tlp2_id(Tlp::Green), tlp2_id(Tlp::Red), tlp2_id(Tlp::Clear)]),
            Some(Tlp::Red)
        );
    }
}
