//! Choosing the access number that makes a call local: in the country the
//! phone is in, local to the user's own number's area when at home (longest
//! area prefix), and never a merely local number of an unknown area when
//! roaming.

use splitline_protocol::{AccessNumber, CostClass, PhoneNumber};

/// Where the call is made from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallOrigin<'a> {
    /// The country the phone is in (ISO 3166 alpha-2).
    pub country: &'a str,
    /// Whether the phone is roaming (on a network abroad or not its own).
    pub roaming: bool,
    /// The user's own mobile number, if known.
    pub own_number: Option<&'a PhoneNumber>,
}

/// The best access number for a call from `here`, or `None` when no number
/// of the directory makes it a cheap call.
///
/// At home, a number whose area prefix matches the user's own number is
/// local (the longest match wins); a number without prefixes serves the
/// whole country. Roaming, the user's number says nothing about where the
/// phone is, so only numbers good anywhere in the country count (toll-free,
/// national, or local without prefixes). Ties go to the cheaper cost class,
/// then to the directory's order.
pub(crate) fn pick<'a>(
    directory: &'a [AccessNumber],
    here: CallOrigin<'_>,
) -> Option<&'a AccessNumber> {
    let own_digits = here
        .own_number
        .filter(|n| !here.roaming && n.country.as_deref() == Some(here.country))
        .map(PhoneNumber::digits);
    directory
        .iter()
        .filter(|n| n.country.eq_ignore_ascii_case(here.country))
        .filter_map(|n| {
            let matched = if n.area_prefixes.is_empty() {
                Some(0)
            } else if let Some(digits) = own_digits {
                n.area_prefixes
                    .iter()
                    .filter(|p| digits.starts_with(p.as_str()))
                    .map(String::len)
                    .max()
            } else {
                None
            };
            let anywhere = n.cost_class != CostClass::Local;
            matched.or(anywhere.then_some(0)).map(|m| (m, n))
        })
        // Longest match first, then the cheaper class; `min_by` keeps the
        // first of equals, so the directory's order breaks ties.
        .min_by(|(a_len, a), (b_len, b)| {
            b_len
                .cmp(a_len)
                .then_with(|| a.cost_class.cmp(&b.cost_class))
        })
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pop(number: &str, country: &str, prefixes: &[&str], cost_class: CostClass) -> AccessNumber {
        AccessNumber {
            number: number.into(),
            country: country.into(),
            area_prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
            cost_class,
            post_dial: None,
        }
    }

    fn directory() -> Vec<AccessNumber> {
        vec![
            pop("+442079460000", "GB", &["4420"], CostClass::Local),
            pop("+441614960000", "GB", &["44161"], CostClass::Local),
            pop("+443300000000", "GB", &[], CostClass::National),
            pop("+4930901820", "DE", &["4930"], CostClass::Local),
            pop("+4989123456", "DE", &["4989", "49891"], CostClass::Local),
        ]
    }

    fn at_home<'a>(country: &'a str, own: &'a PhoneNumber) -> CallOrigin<'a> {
        CallOrigin {
            country,
            roaming: false,
            own_number: Some(own),
        }
    }

    #[test]
    fn at_home_the_longest_area_prefix_of_the_own_number_wins() {
        let directory = directory();
        let london = PhoneNumber::parse("020 7946 0018", "GB").unwrap();
        assert_eq!(
            pick(&directory, at_home("GB", &london)).unwrap().number,
            "+442079460000"
        );
        let munich = PhoneNumber::parse("089 1234 5678", "DE").unwrap();
        assert_eq!(
            pick(&directory, at_home("DE", &munich)).unwrap().number,
            "+4989123456"
        );
        // A number of an area without a local access number: the national one.
        let mobile = PhoneNumber::parse("07400 123456", "GB").unwrap();
        assert_eq!(
            pick(&directory, at_home("GB", &mobile)).unwrap().number,
            "+443300000000"
        );
        // No number in the country at all, or no local one: none.
        assert!(pick(&directory, at_home("FR", &london)).is_none());
        let hamburg = PhoneNumber::parse("040 1234567", "DE").unwrap();
        assert!(pick(&directory, at_home("DE", &hamburg)).is_none());
    }

    #[test]
    fn roaming_uses_only_numbers_good_anywhere_in_the_visited_country() {
        let directory = directory();
        let london = PhoneNumber::parse("020 7946 0018", "GB").unwrap();
        let roaming_in = |country| CallOrigin {
            country,
            roaming: true,
            own_number: Some(&london),
        };
        // In Germany only local numbers of unknown areas: none is safe.
        assert!(pick(&directory, roaming_in("DE")).is_none());
        // Roaming in the UK (a foreign SIM): the national number, even though
        // a London number would match the own number.
        assert_eq!(
            pick(&directory, roaming_in("GB")).unwrap().number,
            "+443300000000"
        );
        let mut with_free = directory;
        with_free.push(pop("+498001234567", "DE", &[], CostClass::TollFree));
        assert_eq!(
            pick(&with_free, roaming_in("DE")).unwrap().number,
            "+498001234567"
        );
    }
}
