//! Telephone numbers on the wire: always E.164 (`+` and digits), parsed and
//! checked against the numbering plans of the `phonenumber` crate.

use std::str::FromStr;

use phonenumber::{Mode, Type, country};

/// A number that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// The region to read a local number in is not an ISO 3166 country code.
    #[error("'{0}' is not a country code (ISO 3166, like GB or DE)")]
    UnknownRegion(String),
    /// Not a telephone number at all.
    #[error("not a telephone number: {0}")]
    Unreadable(String),
    /// Read as a number, but not one that exists in its country's plan
    /// (short and emergency numbers are among these: dial them directly).
    #[error(
        "not a complete, valid telephone number; short and emergency numbers must be dialled directly"
    )]
    Invalid,
}

/// What kind of line a number is, as far as its numbering plan tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A mobile line.
    Mobile,
    /// A fixed line.
    FixedLine,
    /// The plan does not tell fixed from mobile (for example the US).
    FixedLineOrMobile,
    /// A freephone line.
    TollFree,
    /// A premium-rate or shared-cost line.
    PremiumRate,
    /// A personal number that forwards anywhere (UK 070, +878).
    Personal,
    /// A pager (UK 076, except the Isle of Man's 07624 mobiles).
    Pager,
    /// A VoIP number (UK 056).
    Voip,
    /// A non-geographic number charged as a fixed line (UK 03).
    Uan,
    /// A satellite phone: the global services +870 (Inmarsat) and +881
    /// (Iridium, Globalstar and other mobile satellite systems).
    Satellite,
    /// A number of an international network rather than a country: the
    /// global services +882 and +883 (iNum among them).
    InternationalNetwork,
    /// Anything else (voicemail access, or a range the plan does not type).
    Other,
}

/// Country calling codes of satellite systems (ITU-T E.164 global services).
const SATELLITE_CODES: [u16; 2] = [870, 881];
/// Country calling codes of international networks.
const NETWORK_CODES: [u16; 2] = [882, 883];
/// The most digits an E.164 number has (ITU-T E.164), country code included.
const MAX_E164_DIGITS: usize = 15;

/// True when `code` is an ISO 3166 alpha-2 country code the numbering
/// plans know (upper case, like `GB`).
pub fn is_country(code: &str) -> bool {
    code.bytes().all(|b| b.is_ascii_uppercase()) && country::Id::from_str(code).is_ok()
}

/// A valid number, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// The number in E.164: `+` and up to 15 digits.
    pub e164: String,
    /// The country it belongs to (ISO 3166 alpha-2), when the plan names one
    /// (not for global services).
    pub country: Option<String>,
    /// Its country calling code (44 for the UK).
    pub calling_code: u16,
    /// What kind of line it is.
    pub kind: LineKind,
}

impl PhoneNumber {
    /// Reads `input` as dialled in `region` (ISO 3166 alpha-2): a local or
    /// national form is read in that country's plan; a number starting with
    /// `+` (or the region's international prefix) is read as it says.
    pub fn parse(input: &str, region: &str) -> Result<Self, NumberError> {
        let region_id = country::Id::from_str(&region.to_ascii_uppercase())
            .map_err(|_| NumberError::UnknownRegion(region.to_owned()))?;
        let number = Self::read(Some(region_id), input)?;
        // The E.164 form is what travels and is read again (by
        // `parse_e164`): it must stand on its own. The plans' validity can
        // hang on the region read in (`+7` is shared by RU and KZ).
        Self::parse_e164(&number.e164)
    }

    /// Reads a number that must already be in E.164 form.
    pub fn parse_e164(input: &str) -> Result<Self, NumberError> {
        if !input.starts_with('+') {
            return Err(NumberError::Unreadable(format!(
                "'{input}' is not in E.164 form (+ and the country code)"
            )));
        }
        // Without a region: a region would wrongly colour how the national
        // part of a number with its own country code is read.
        Self::read(None, input)
    }

    fn read(region: Option<country::Id>, input: &str) -> Result<Self, NumberError> {
        let number = phonenumber::parse(region, input)
            .map_err(|e| NumberError::Unreadable(e.to_string()))?;
        if !number.is_valid() {
            return Err(NumberError::Invalid);
        }
        let code = number.code().value();
        let kind = match number.number_type(&phonenumber::metadata::DATABASE) {
            // The plan types these as mobile or VoIP; what they cost is
            // what matters, so they are named by their calling code.
            _ if SATELLITE_CODES.contains(&code) => LineKind::Satellite,
            _ if NETWORK_CODES.contains(&code) => LineKind::InternationalNetwork,
            Type::Mobile => LineKind::Mobile,
            Type::FixedLine => LineKind::FixedLine,
            Type::FixedLineOrMobile => LineKind::FixedLineOrMobile,
            Type::TollFree => LineKind::TollFree,
            Type::PremiumRate | Type::SharedCost => LineKind::PremiumRate,
            Type::PersonalNumber => LineKind::Personal,
            Type::Pager => LineKind::Pager,
            Type::Voip => LineKind::Voip,
            Type::Uan => LineKind::Uan,
            _ => LineKind::Other,
        };
        let e164 = number.format().mode(Mode::E164).to_string();
        // The plans accept some national numbers too long for E.164 once
        // the country code is put before them; no network routes those.
        if e164.len() > MAX_E164_DIGITS + 1 {
            return Err(NumberError::Invalid);
        }
        Ok(Self {
            e164,
            country: number.country().id().map(|id| id.as_ref().to_owned()),
            calling_code: code,
            kind,
        })
    }

    /// The digits of the E.164 form, without the `+`.
    pub fn digits(&self) -> &str {
        self.e164.trim_start_matches('+')
    }

    /// The number for logs: the country code and the last two digits only.
    pub fn redacted(&self) -> String {
        let digits = self.digits();
        let tail = &digits[digits.len().saturating_sub(2)..];
        format!("+{}…{tail}", &digits[..digits.len().min(2)])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn local_national_and_international_forms_normalise_to_e164() {
        let london = PhoneNumber::parse("020 7946 0018", "GB").unwrap();
        assert_eq!(london.e164, "+442079460018");
        assert_eq!(london.country.as_deref(), Some("GB"));
        assert_eq!(london.kind, LineKind::FixedLine);
        assert_eq!(london.calling_code, 44);
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0018", "DE").unwrap(),
            london
        );
        assert_eq!(
            PhoneNumber::parse("0044 20 7946 0018", "de").unwrap(),
            london
        );
        let mobile = PhoneNumber::parse("07400 123456", "GB").unwrap();
        assert_eq!(mobile.kind, LineKind::Mobile);
        assert_eq!(mobile.redacted(), "+44…56");
        assert_eq!(
            PhoneNumber::parse("0808 157 0192", "GB").unwrap().kind,
            LineKind::TollFree
        );
    }

    #[test]
    fn costly_ranges_are_named_by_what_they_are() {
        let kind = |n: &str| PhoneNumber::parse_e164(n).unwrap().kind;
        assert_eq!(kind("+881621234567"), LineKind::Satellite); // Iridium
        assert_eq!(kind("+870772123456"), LineKind::Satellite); // Inmarsat
        assert_eq!(kind("+883510001234567"), LineKind::InternationalNetwork); // iNum
        assert_eq!(kind("+882161234567"), LineKind::InternationalNetwork);
        assert_eq!(kind("+447012345678"), LineKind::Personal); // UK 070
        assert_eq!(kind("+447640123456"), LineKind::Pager); // UK 076
        assert_eq!(kind("+447624123456"), LineKind::Mobile); // Isle of Man 07624
        assert_eq!(kind("+445612345678"), LineKind::Voip); // UK 056
        assert_eq!(kind("+443001234567"), LineKind::Uan); // UK 03
        assert_eq!(kind("+448451234567"), LineKind::PremiumRate); // shared cost
        assert_eq!(kind("+5351234567"), LineKind::Mobile); // Cuba
        assert_eq!(kind("+252611234567"), LineKind::Mobile); // Somalia
        assert_eq!(
            PhoneNumber::parse_e164("+881621234567").unwrap().country,
            None
        );
        assert!(is_country("GB") && is_country("CU"));
        assert!(!is_country("XX") && !is_country("gb") && !is_country("GBR"));
    }

    /// Found by the fuzz target `number_policy` (minimised): the German plan
    /// took this 14-digit national number as valid, 16 digits in E.164.
    #[test]
    fn numbers_longer_than_e164_allows_are_invalid() {
        assert_eq!(
            PhoneNumber::parse("877075303000245", "DE"),
            Err(NumberError::Invalid)
        );
        assert_eq!(
            PhoneNumber::parse_e164("+4977075303000245"),
            Err(NumberError::Invalid)
        );
    }

    /// Found by the fuzz target `number_policy` (minimised): read in DE, this
    /// was a valid Russian freephone number whose E.164 form `parse_e164`
    /// refused.
    #[test]
    fn a_number_read_in_a_region_reads_the_same_in_e164() {
        assert_eq!(
            PhoneNumber::parse("00 78000002676", "DE"),
            PhoneNumber::parse_e164("+78000002676")
        );
        let number = PhoneNumber::parse("020 7946 0018", "GB").unwrap();
        assert_eq!(PhoneNumber::parse_e164(&number.e164), Ok(number));
    }

    #[test]
    fn bad_numbers_get_clear_errors() {
        assert_eq!(PhoneNumber::parse("112", "DE"), Err(NumberError::Invalid));
        assert_eq!(PhoneNumber::parse("911", "US"), Err(NumberError::Invalid));
        assert!(matches!(
            PhoneNumber::parse("call me", "GB"),
            Err(NumberError::Unreadable(_))
        ));
        assert_eq!(
            PhoneNumber::parse("020 7946 0018", "XX"),
            Err(NumberError::UnknownRegion("XX".into()))
        );
        assert!(matches!(
            PhoneNumber::parse_e164("02079460018"),
            Err(NumberError::Unreadable(_))
        ));
        assert_eq!(
            PhoneNumber::parse_e164("+4930901820")
                .unwrap()
                .country
                .as_deref(),
            Some("DE")
        );
        // Read as it says, whatever region a parser might assume.
        assert_eq!(
            PhoneNumber::parse_e164("+44 161 496 0000").unwrap().e164,
            "+441614960000"
        );
    }
}
