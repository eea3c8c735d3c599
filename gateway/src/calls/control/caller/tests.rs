#![allow(clippy::unwrap_used)]
use ezk_sip_types::uri::NameAddr;

use super::*;

fn from(name: Option<&str>, uri: &str) -> FromTo {
    let uri: SipUri = uri.parse().unwrap();
    let addr = match name {
        Some(name) => NameAddr::new(name.to_owned(), uri),
        None => NameAddr::uri(uri),
    };
    FromTo::new(addr, None)
}

const MOBILE: &str = "+447400123456";

#[test]
fn an_untrusted_source_is_believed_for_from_only_and_never_asserted() {
    let forged = from(Some("Alice"), "sip:447400123456@127.0.0.2");
    let pai = ["<sip:+442079460123@trunk>"];
    let caller = believe(&forged, pai.iter().copied(), false);
    assert_eq!(caller.shown, MOBILE);
    assert_eq!(caller.number.unwrap().e164, MOBILE);
    assert_eq!(caller.name.as_deref(), Some("Alice"));
    assert!(!caller.asserted);
}

#[test]
fn a_trusted_trunk_is_believed_for_its_asserted_identity_only() {
    let forged = from(Some("Alice"), "sip:+447400123456@trunk");
    let pai = ["\"Dave\" <sip:+442079460123@trunk;user=phone>, <tel:+442079460123>"];
    let caller = believe(&forged, pai.iter().copied(), true);
    assert_eq!(caller.shown, "+442079460123");
    assert_eq!(caller.number.unwrap().e164, "+442079460123");
    assert_eq!(caller.name.as_deref(), Some("Dave"));
    assert!(caller.asserted);

    let tel = ["<tel:+447400123456>"];
    let caller = believe(&forged, tel.iter().copied(), true);
    assert_eq!(caller.number.unwrap().e164, MOBILE);
    assert_eq!(caller.name, None, "the From: name is not asserted");
    assert!(caller.asserted);
}

#[test]
fn a_trusted_trunk_asserting_nothing_proves_no_number() {
    let forged = from(None, "sip:+447400123456@trunk");
    for pai in [&[][..], &["garbage"][..], &["<tel:not-a-number>"][..]] {
        let caller = believe(&forged, pai.iter().copied(), true);
        assert_eq!(caller.number, None, "{pai:?}");
        assert_eq!(caller.shown, MOBILE, "still shown, unverified");
        assert!(!caller.asserted);
    }
}

#[test]
fn numbers_in_user_parts_are_read_with_or_without_the_plus() {
    assert_eq!(phone_number("+447400123456").unwrap().e164, MOBILE);
    assert_eq!(phone_number("447400123456").unwrap().e164, MOBILE);
    assert_eq!(phone_number("+447400123456;npdi").unwrap().e164, MOBILE);
    assert!(phone_number("alice").is_none());
    assert!(phone_number("").is_none());
    assert!(phone_number("12").is_none());
}

#[test]
fn callers_show_as_numbers_or_sip_addresses() {
    let number = from(None, "sip:447400123456@127.0.0.1:5060");
    assert_eq!(from_header(&number).shown, MOBILE);
    let named = from(None, "sip:bob@127.0.0.1:5060");
    assert_eq!(from_header(&named).shown, "sip:bob@127.0.0.1");
    assert_eq!(from_header(&named).number, None);
}

#[test]
fn display_names_are_cut_and_lose_control_characters() {
    assert_eq!(
        safe_name("FREE\u{0}PRIZE\r\n call\u{202e}  now\t").as_deref(),
        Some("FREEPRIZE call now")
    );
    let long = safe_name(&"é".repeat(200)).unwrap();
    assert_eq!(long.chars().count(), MAX_NAME_CHARS);
    assert_eq!(safe_name(" \u{7}\u{200f} "), None);
}

#[test]
fn sip_display_names_keep_only_plain_characters() {
    assert_eq!(
        sip_display_name("Carol \"C\" <x>\r\nVia: y"),
        "Carol C xVia: y"
    );
    assert_eq!(sip_display_name(&"a".repeat(100)).len(), 48);
    assert_eq!(
        sip_display_name("sip:carol@127.0.0.1"),
        "sip:carol@127.0.0.1"
    );
}
