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
    /// Digits the phone dials once the access number answers, for a number
    /// behind a switchboard that asks for them: `0-9 * #`, with `,` for a
    /// two-second pause and `;` to wait for the user (see
    /// [`is_post_dial`]). None: the number alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_dial: Option<String>,
}

/// The longest post-dial string an access number may have.
pub const MAX_POST_DIAL_CHARS: usize = 32;

/// Whether `digits` is a usable post-dial string: 1 to
/// [`MAX_POST_DIAL_CHARS`] of `0-9 * # , ;`, holding at least one digit.
pub fn is_post_dial(digits: &str) -> bool {
    (1..=MAX_POST_DIAL_CHARS).contains(&digits.len())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"*#,;".contains(&b))
        && digits
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_dial_string_is_digits_with_pauses_and_waits() {
        for good in [",1", ",,2#", ";1234#", "*9"] {
            assert!(is_post_dial(good), "{good}");
        }
        for bad in ["", ",,", "1 2", "1-2", "p1", &"1".repeat(33), "１"] {
            assert!(!is_post_dial(bad), "{bad}");
        }
    }
}

/// The gateway's access numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessNumbers {
    /// Every access number, in the gateway's order.
    pub numbers: Vec<AccessNumber>,
}
