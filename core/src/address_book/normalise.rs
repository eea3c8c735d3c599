//! Reading numbers as written into E.164 (with the home country for local
//! forms), and the content hash that tells a changed entry from one that is
//! the same as last time.

use splitline_protocol::{ContactPhones, PhoneNumber};

use super::NativeContact;

/// `written` in E.164, read in `home_country` (the form with a `+` or the
/// international prefix is read as it says), or `None` if it is no number.
pub(super) fn e164(written: &str, home_country: &str) -> Option<String> {
    PhoneNumber::parse(written, home_country)
        .ok()
        .map(|n| n.e164)
}

/// The contacts' numbers as (jid, E.164) pairs: each read as E.164, or in
/// `home_country` when it has no country code; the unreadable are dropped
/// (they are the contact's claim, and name no one).
pub(super) fn contact_numbers(
    contacts: &[ContactPhones],
    home_country: Option<&str>,
) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for contact in contacts {
        for written in &contact.numbers {
            let read = match home_country {
                Some(home) => e164(written, home),
                None => PhoneNumber::parse_e164(written).ok().map(|n| n.e164),
            };
            if let Some(e164) = read {
                pairs.push((contact.jid.to_lowercase(), e164));
            }
        }
    }
    pairs.sort();
    pairs.dedup();
    pairs
}

/// A hash of everything an entry's stored form depends on: its name, its
/// numbers with their labels, and the home country they are read in. FNV-1a
/// (64 bits): stable across builds, unlike the standard library's hasher.
pub(super) fn content_hash(entry: &NativeContact, home_country: &str) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    feed(home_country.as_bytes());
    feed(entry.name.as_bytes());
    for number in &entry.numbers {
        feed(number.label.as_deref().unwrap_or("\u{0}").as_bytes());
        feed(number.number.as_bytes());
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}
