//! The access-number group: the directory of points of presence the gateway
//! serves to phones (`GET /v1/access-numbers`), file only, checked and
//! normalised once at start.

use clap::Args;
use serde::{Deserialize, Serialize};
use splitline_protocol::{AccessNumber, MAX_POST_DIAL_CHARS, PhoneNumber, is_post_dial};

use super::{ConfigError, invalid};

/// The access-number directory as given in the file.
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccessNumberSettings {
    /// The access numbers (points of presence) served to phones: file only, as
    /// `[[access-numbers]]` tables with `number`, `country`, `area_prefixes`,
    /// `cost_class` (`toll_free`, `local` or `national`) and, for a number
    /// behind a switchboard, `post_dial` (digits with `,` pauses and `;` waits).
    #[arg(skip)]
    pub access_numbers: Option<Vec<AccessNumber>>,
}

impl AccessNumberSettings {
    /// The directory, checked and normalised ([`normalise`]).
    pub(crate) fn validate(self) -> Result<Vec<AccessNumber>, ConfigError> {
        normalise(self.access_numbers.unwrap_or_default())
            .map_err(|reason| invalid("access-numbers", reason))
    }
}

/// Checks and normalises the configured access numbers: each a valid E.164
/// number of the country it names, with digit-only area prefixes inside that
/// number's country code, a usable post-dial string if any, and no number
/// twice.
fn normalise(numbers: Vec<AccessNumber>) -> Result<Vec<AccessNumber>, String> {
    let mut checked: Vec<AccessNumber> = Vec::with_capacity(numbers.len());
    for entry in numbers {
        let parsed = PhoneNumber::parse_e164(entry.number.trim())
            .map_err(|e| format!("{}: {e}", entry.number))?;
        let country = entry.country.trim().to_ascii_uppercase();
        if parsed.country.as_deref() != Some(country.as_str()) {
            return Err(format!(
                "{} is not a number of {country} ({})",
                entry.number,
                parsed.country.as_deref().unwrap_or("no country")
            ));
        }
        let code = parsed.calling_code.to_string();
        for prefix in &entry.area_prefixes {
            if prefix.len() > 15
                || !prefix.bytes().all(|b| b.is_ascii_digit())
                || !prefix.starts_with(&code)
            {
                return Err(format!(
                    "area prefix '{prefix}' of {}: E.164 digits starting with the country code {code}",
                    entry.number
                ));
            }
        }
        if let Some(post) = entry.post_dial.as_deref().filter(|p| !is_post_dial(p)) {
            return Err(format!(
                "post_dial '{post}' of {}: 1 to {MAX_POST_DIAL_CHARS} of 0-9 * # with , (pause) and ; (wait)",
                entry.number
            ));
        }
        if checked.iter().any(|c| c.number == parsed.e164) {
            return Err(format!("{} is listed twice", parsed.e164));
        }
        checked.push(AccessNumber {
            number: parsed.e164,
            country,
            area_prefixes: entry.area_prefixes,
            cost_class: entry.cost_class,
            post_dial: entry.post_dial,
        });
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use splitline_protocol::CostClass;

    use super::*;

    fn entry(number: &str, country: &str, prefixes: &[&str]) -> AccessNumber {
        AccessNumber {
            number: number.into(),
            country: country.into(),
            area_prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
            cost_class: CostClass::Local,
            post_dial: None,
        }
    }

    #[test]
    fn numbers_are_normalised_and_bad_entries_refused_with_the_reason() {
        let checked = normalise(vec![entry("+44 20 7946 0000", "gb", &["4420"])]).unwrap();
        assert_eq!(checked[0].number, "+442079460000");
        assert_eq!(checked[0].country, "GB");
        let refused = |e| normalise(vec![e]).unwrap_err();
        assert!(refused(entry("02079460000", "GB", &[])).contains("E.164"));
        assert!(refused(entry("+442079460000", "DE", &[])).contains("not a number of DE"));
        assert!(refused(entry("+442079460000", "GB", &["4930"])).contains("country code 44"));
        assert!(refused(entry("+442079460000", "GB", &["44-20"])).contains("area prefix"));
        let short = refused(entry("+44112", "GB", &[]));
        assert!(short.contains("telephone number"), "{short}");
        let twice = normalise(vec![
            entry("+442079460000", "GB", &[]),
            entry("+44 20 7946 0000", "GB", &[]),
        ]);
        assert!(twice.unwrap_err().contains("listed twice"));
        let switchboard = AccessNumber {
            post_dial: Some(",,2#".into()),
            ..entry("+442079460000", "GB", &[])
        };
        assert_eq!(
            normalise(vec![switchboard.clone()]).unwrap()[0]
                .post_dial
                .as_deref(),
            Some(",,2#")
        );
        let spelt = AccessNumber {
            post_dial: Some("press 2".into()),
            ..switchboard
        };
        assert!(refused(spelt).contains("post_dial 'press 2'"));
    }
}
