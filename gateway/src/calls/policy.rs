//! The carrier's number policy: what the trunk may dial. A number is dialled
//! only when it is in none of the high-cost ranges (the built-in list and
//! the carrier's own prefixes), is a kind of line the carrier allows (fixed
//! and mobile by default; premium-rate and shared-cost never), and belongs
//! to an allowed country (the home country by default). Only mobiles of an
//! allowed country are verified. Each refusal says why, for the user.

use splitline_protocol::{LineKind, PhoneNumber};

use crate::config::CallPolicyConfig;

/// A range never dialled, whatever the configuration allows: E.164 digits
/// the number starts with, and the kind of line within it (`None`: any).
struct CostlyRange {
    prefix: &'static str,
    kind: Option<LineKind>,
    what: &'static str,
}

/// Known high-cost ranges, the usual routes of international revenue share
/// fraud. Satellite and international networks have no country, so no
/// country list can allow them; they are listed for the day one could.
const COSTLY_RANGES: [CostlyRange; 7] = [
    CostlyRange {
        prefix: "870",
        kind: None,
        what: "satellite numbers (Inmarsat)",
    },
    CostlyRange {
        prefix: "881",
        kind: None,
        what: "satellite numbers (Iridium, Globalstar)",
    },
    CostlyRange {
        prefix: "882",
        kind: None,
        what: "international network numbers",
    },
    CostlyRange {
        prefix: "883",
        kind: None,
        what: "international network numbers (iNum)",
    },
    CostlyRange {
        prefix: "979",
        kind: None,
        what: "international premium-rate numbers",
    },
    CostlyRange {
        prefix: "53",
        kind: Some(LineKind::Mobile),
        what: "Cuban mobiles",
    },
    CostlyRange {
        prefix: "252",
        kind: Some(LineKind::Mobile),
        what: "Somali mobiles",
    },
];

/// Why the policy refuses a number: a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// The number is in a high-cost range.
    #[error("calls to {0} are not allowed by this carrier")]
    CostlyRange(&'static str),
    /// The kind of line is not one the carrier allows.
    #[error("calls to {0} are not allowed by this carrier")]
    LineType(&'static str),
    /// The number's country is not one the carrier allows.
    #[error("calls to numbers in {0} are not allowed by this carrier")]
    Country(String),
    /// The number belongs to no country (a global service).
    #[error("calls to global services (numbers of no country) are not allowed by this carrier")]
    NoCountry,
    /// Only a mobile can be verified.
    #[error("only a mobile number can be verified for callbacks")]
    NotMobile,
}

/// The policy, from the carrier's configuration.
#[derive(Debug, Clone)]
pub(crate) struct NumberPolicy {
    config: CallPolicyConfig,
}

impl NumberPolicy {
    /// The policy the configuration describes.
    pub(crate) fn new(config: CallPolicyConfig) -> Self {
        Self { config }
    }

    /// May the trunk call `number` (a callee, called back or through)?
    pub(crate) fn check_callee(&self, number: &PhoneNumber) -> Result<(), Refusal> {
        self.check_ranges(number)?;
        if !self.allows_line(number.kind) {
            return Err(Refusal::LineType(line_name(number.kind)));
        }
        self.check_country(number)
    }

    /// May `number` be rung to prove it is the user's, and be called back?
    /// Only a mobile (or a number its plan cannot tell from one) of an
    /// allowed country, in no high-cost range.
    pub(crate) fn check_mobile(&self, number: &PhoneNumber) -> Result<(), Refusal> {
        self.check_ranges(number)?;
        if !matches!(number.kind, LineKind::Mobile | LineKind::FixedLineOrMobile) {
            return Err(Refusal::NotMobile);
        }
        self.check_country(number)
    }

    fn check_ranges(&self, number: &PhoneNumber) -> Result<(), Refusal> {
        let digits = number.digits();
        if let Some(range) = COSTLY_RANGES
            .iter()
            .find(|r| digits.starts_with(r.prefix) && r.kind.is_none_or(|kind| kind == number.kind))
        {
            return Err(Refusal::CostlyRange(range.what));
        }
        if self
            .config
            .deny_prefixes
            .iter()
            .any(|prefix| digits.starts_with(prefix.as_str()))
        {
            return Err(Refusal::CostlyRange("this range"));
        }
        Ok(())
    }

    /// A line that may be fixed or mobile is allowed only when both are.
    fn allows_line(&self, kind: LineKind) -> bool {
        let allowed = |k| self.config.line_types.contains(&k);
        match kind {
            LineKind::FixedLineOrMobile => {
                allowed(LineKind::FixedLine) && allowed(LineKind::Mobile)
            }
            other => allowed(other),
        }
    }

    fn check_country(&self, number: &PhoneNumber) -> Result<(), Refusal> {
        match &number.country {
            Some(country) if self.config.countries.contains(country) => Ok(()),
            Some(country) => Err(Refusal::Country(country.clone())),
            None => Err(Refusal::NoCountry),
        }
    }
}

/// The kind of line, in a refusal.
fn line_name(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Mobile => "mobiles",
        LineKind::FixedLine => "fixed lines",
        LineKind::FixedLineOrMobile => "lines that may be fixed or mobile",
        LineKind::TollFree => "freephone numbers",
        LineKind::PremiumRate => "premium-rate and shared-cost numbers",
        LineKind::Personal => "personal numbers",
        LineKind::Pager => "pagers",
        LineKind::Voip => "VoIP numbers",
        LineKind::Uan => "non-geographic numbers",
        LineKind::Satellite => "satellite numbers",
        LineKind::InternationalNetwork => "international network numbers",
        LineKind::Other => "numbers of this kind",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    /// The numbers the trust-boundary report (#15) saw dialled.
    pub(crate) const FRAUD_ROUTES: [&str; 9] = [
        "+881621234567",    // Iridium
        "+870772123456",    // Inmarsat
        "+883510001234567", // iNum
        "+447012345678",    // UK personal (070)
        "+447640123456",    // UK pager (076)
        "+445612345678",    // UK VoIP (056)
        "+5351234567",      // Cuban mobile
        "+252611234567",    // Somali mobile
        "+449098790000",    // UK premium rate
    ];

    fn policy(countries: &[&str], lines: &[LineKind], deny: &[&str]) -> NumberPolicy {
        NumberPolicy::new(CallPolicyConfig {
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            line_types: lines.to_vec(),
            deny_prefixes: deny.iter().map(|p| (*p).to_owned()).collect(),
        })
    }

    fn number(e164: &str) -> PhoneNumber {
        PhoneNumber::parse_e164(e164).unwrap()
    }

    fn default_policy() -> NumberPolicy {
        policy(&["GB"], &[LineKind::FixedLine, LineKind::Mobile], &[])
    }

    #[test]
    fn the_default_refuses_every_fraud_route_and_allows_home_lines() {
        let policy = default_policy();
        for bad in FRAUD_ROUTES {
            assert!(policy.check_callee(&number(bad)).is_err(), "called {bad}");
            assert!(policy.check_mobile(&number(bad)).is_err(), "verified {bad}");
        }
        for good in ["+442079460123", "+447400123456"] {
            assert_eq!(policy.check_callee(&number(good)), Ok(()), "{good}");
        }
        assert_eq!(policy.check_mobile(&number("+447400123456")), Ok(()));
        assert_eq!(
            policy.check_mobile(&number("+442079460123")),
            Err(Refusal::NotMobile)
        );
        // Not of the home country, a freephone number, a non-geographic one.
        for refused in ["+4915112345678", "+448001234567", "+443001234567"] {
            assert!(policy.check_callee(&number(refused)).is_err(), "{refused}");
        }
    }

    #[test]
    fn costly_ranges_stay_refused_whatever_the_carrier_allows() {
        let everything = [
            LineKind::FixedLine,
            LineKind::Mobile,
            LineKind::Personal,
            LineKind::Pager,
            LineKind::Voip,
        ];
        let lax = policy(&["GB", "CU", "SO"], &everything, &[]);
        for bad in [
            "+5351234567",
            "+252611234567",
            "+881621234567",
            "+883510001234567",
        ] {
            assert!(
                matches!(lax.check_callee(&number(bad)), Err(Refusal::CostlyRange(_))),
                "{bad}"
            );
            assert!(
                matches!(lax.check_mobile(&number(bad)), Err(Refusal::CostlyRange(_))),
                "{bad}"
            );
        }
        // A Cuban fixed line is not in the range; the UK's 070 is allowed here.
        assert_eq!(lax.check_callee(&number("+5372345678")), Ok(()));
        assert_eq!(lax.check_callee(&number("+447012345678")), Ok(()));
        // The carrier's own prefixes add to the list.
        let own = policy(&["GB"], &everything, &["4470"]);
        assert_eq!(
            own.check_callee(&number("+447012345678")),
            Err(Refusal::CostlyRange("this range"))
        );
        assert_eq!(own.check_callee(&number("+447400123456")), Ok(()));
    }

    #[test]
    fn refusals_say_what_was_refused() {
        let policy = default_policy();
        let said = |n: &str| policy.check_callee(&number(n)).unwrap_err().to_string();
        assert!(said("+881621234567").contains("satellite"));
        assert!(said("+883510001234567").contains("iNum"));
        assert!(said("+5351234567").contains("Cuban mobiles"));
        assert!(said("+447640123456").contains("pagers"));
        assert!(said("+449098790000").contains("premium-rate"));
        assert!(said("+4915112345678").contains("DE"));
    }

    #[test]
    fn a_line_that_may_be_either_needs_both_allowed() {
        let us = number("+12025550123");
        let both = policy(&["US"], &[LineKind::FixedLine, LineKind::Mobile], &[]);
        assert_eq!(both.check_callee(&us), Ok(()));
        assert_eq!(both.check_mobile(&us), Ok(()));
        let mobile_only = policy(&["US"], &[LineKind::Mobile], &[]);
        assert!(mobile_only.check_callee(&us).is_err());
    }
}
