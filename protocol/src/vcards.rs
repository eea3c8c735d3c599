//! Telephone numbers in vCards: those of the user's contacts, as the gateway
//! read them, and the user's own, published for contacts to match.
//!
//! A vCard is its owner's claim: a number in it proves nothing about who
//! holds the line. The phone uses them only to name contacts.

use serde::{Deserialize, Serialize};

/// Most numbers taken from one vCard, and most the user may publish.
pub const MAX_VCARD_NUMBERS: usize = 8;

/// One contact's numbers, as written in their vCard (not normalised: a
/// number without a country code is read in the phone's home country).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhones {
    /// The contact's bare address.
    pub jid: String,
    /// Its numbers, at most [`MAX_VCARD_NUMBERS`].
    pub numbers: Vec<String>,
}

/// `GET /v1/contact-phones`: the numbers of every contact whose vCard
/// could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhonesList {
    /// One entry per contact whose vCard was read (with no numbers when it has none).
    pub contacts: Vec<ContactPhones>,
}

/// `PUT /v1/vcard`: the user's own numbers, which replace the telephone
/// numbers of their vCard (the rest of it is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOwnPhonesRequest {
    /// Numbers in E.164 form, at most [`MAX_VCARD_NUMBERS`]; empty removes them all.
    pub numbers: Vec<String>,
}
