//! Identifier newtypes, so that an organisation id can never be passed where a person id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id_type!(
    /// An organisation (組織).
    OrgId
);
id_type!(
    /// A person (利用者) of one organisation.
    PersonId
);
id_type!(
    /// A CI sector (重要インフラ分野), by its reference-data code such as `electric_power`.
    SectorId
);
id_type!(
    /// A liaison chain (one case, numbered R<n> by NISC).
    ChainId
);
id_type!(
    /// One report (第k報) of a chain.
    ReportId
);
id_type!(
    /// One hop's immutable copy of a report.
    CopyId
);
