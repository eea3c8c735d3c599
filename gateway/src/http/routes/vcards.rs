//! Numbers in vCards: the contacts' (for the phone to match its address
//! book with, on the phone) and the user's own.

use axum::{
    Json, Router,
    http::StatusCode,
    routing::{get, put},
};
use splitline_protocol::{
    ContactPhonesList, MAX_VCARD_NUMBERS, PhoneNumber, SetOwnPhonesRequest, paths,
};

use super::no_content;
use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiJson},
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CONTACT_PHONES, get(contact_phones))
        .route(paths::VCARD, put(set_own_phones))
}

async fn contact_phones(Authed(session): Authed) -> Result<Json<ContactPhonesList>, ApiError> {
    let contacts = session
        .command(|reply| Command::ContactPhones { reply })
        .await?;
    Ok(Json(ContactPhonesList { contacts }))
}

async fn set_own_phones(
    Authed(session): Authed,
    ApiJson(request): ApiJson<SetOwnPhonesRequest>,
) -> Result<StatusCode, ApiError> {
    let numbers = own_numbers(&request.numbers)?;
    no_content(&session, |reply| Command::SetOwnPhones { numbers, reply }).await
}

/// The numbers in E.164, without repeats; a number that is not E.164 or
/// one too many is refused.
fn own_numbers(numbers: &[String]) -> Result<Vec<String>, ApiError> {
    if numbers.len() > MAX_VCARD_NUMBERS {
        return Err(ApiError::invalid(format!(
            "at most {MAX_VCARD_NUMBERS} numbers may be published"
        )));
    }
    let mut normalised: Vec<String> = Vec::with_capacity(numbers.len());
    for (index, number) in numbers.iter().enumerate() {
        let number = PhoneNumber::parse_e164(number)
            .map_err(|e| ApiError::invalid(format!("numbers[{index}]: {e}")))?;
        if !normalised.contains(&number.e164) {
            normalised.push(number.e164);
        }
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_numbers_are_e164_without_repeats_and_bounded() {
        let numbers = vec!["+44 7400 123456".to_owned(), "+447400123456".to_owned()];
        assert_eq!(own_numbers(&numbers).unwrap(), vec!["+447400123456"]);
        assert!(own_numbers(&["07400 123456".to_owned()]).is_err());
        assert!(own_numbers(&["+44 123".to_owned()]).is_err());
        let many = vec!["+447400123456".to_owned(); MAX_VCARD_NUMBERS + 1];
        assert!(own_numbers(&many).is_err());
        assert!(own_numbers(&[]).unwrap().is_empty());
    }
}
