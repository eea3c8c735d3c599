//! The gateway's points of presence: local access numbers the app dials so
//! that a call costs the user only local minutes (call-through).

use serde::{Deserialize, Serialize};

/// What a call to an access number costs the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostClass {
    /// Free to call (freephone).
    TollFree,
    /// A local call from the areas it serves.
    Local,
    /// A national call within its country.
    National,
}

/// One point of presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessNumber {
    /// The number to dial, E.164.
    pub number: String,
    /// Its country (ISO 3166 alpha-2).
    pub country: String,
    /// The E.164 digit prefixes (without `+`) of the areas it is local to,
    /// like `4420` for London; empty: the whole country.
    #[serde(default)]
    pub area_prefixes: Vec<String>,
    /// What a call to it costs from those areas.
    pub cost_class: CostClass,
}

/// The gateway's access numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessNumbers {
    /// Every access number, in the gateway's order.
    pub numbers: Vec<AccessNumber>,
}
