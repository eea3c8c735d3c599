//! The carrier's policy on what the trunk may dial: only mobiles are
//! verified, premium-rate numbers are never called, and calls go only to the
//! countries configured. Each refusal says why, for the user.

use splitline_protocol::{LineKind, PhoneNumber};

/// Only a mobile number can prove itself for callbacks.
pub(crate) fn check_verifiable(number: &PhoneNumber) -> Result<(), String> {
    if matches!(number.kind, LineKind::Mobile | LineKind::FixedLineOrMobile) {
        Ok(())
    } else {
        Err("only a mobile number can be verified for callbacks".into())
    }
}

/// Premium-rate and shared-cost numbers are never called.
pub(crate) fn check_callable(number: &PhoneNumber) -> Result<(), String> {
    if number.kind == LineKind::PremiumRate {
        Err("premium-rate and shared-cost numbers cannot be called".into())
    } else {
        Ok(())
    }
}

/// The number is in one of `countries` (empty: any country).
pub(crate) fn check_country(countries: &[String], number: &PhoneNumber) -> Result<(), String> {
    if countries.is_empty()
        || number
            .country
            .as_ref()
            .is_some_and(|c| countries.contains(c))
    {
        return Ok(());
    }
    Err(format!(
        "calls to {} are not allowed by this carrier",
        number.country.as_deref().unwrap_or("that destination")
    ))
}
