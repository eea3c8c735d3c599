//! The telephone numbers of a vCard: XEP-0292 vCard4 over PEP (node
//! `urn:xmpp:vcard4`, `<tel><uri>tel:+…</uri></tel>`) first, XEP-0054
//! vcard-temp (`<TEL><NUMBER>…</NUMBER></TEL>`) as the fallback, and the
//! vCard4 the user publishes with their own numbers.
//!
//! A vCard is its owner's own claim: the numbers in it prove nothing about
//! who holds them. They name contacts in the phone's address book, never a
//! caller and never anything a call is charged or allowed by.

use tokio_xmpp::{
    minidom::{Element, rxml::xml_ncname},
    parsers::{message::Message, ns},
};

use super::pep;

/// The PEP node of a vCard4 (XEP-0292).
pub(crate) const NODE: &str = "urn:xmpp:vcard4";
/// The feature that asks the server to push contacts' vCard4 changes.
pub(crate) const NOTIFY: &str = "urn:xmpp:vcard4+notify";
/// The vCard4 XML namespace (RFC 6351).
const VCARD4: &str = "urn:ietf:params:xml:ns:vcard-4.0";
/// The vcard-temp namespace (XEP-0054).
const VCARD_TEMP: &str = "vcard-temp";

/// Most numbers taken from one vCard; the rest are ignored.
pub(crate) const MAX_NUMBERS: usize = splitline_protocol::MAX_VCARD_NUMBERS;
/// Longest number taken, in characters, as written (with its separators).
pub(crate) const MAX_NUMBER_CHARS: usize = 32;

/// The request for a contact's (or the user's own) current vCard4 item.
pub(crate) fn vcard4_query() -> Element {
    let items = Element::builder("items", ns::PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .attr(xml_ncname!("max_items").to_owned(), "1")
        .build();
    Element::builder("pubsub", ns::PUBSUB).append(items).build()
}

/// The request for a contact's vcard-temp.
pub(crate) fn vcard_temp_query() -> Element {
    Element::builder("vCard", VCARD_TEMP).build()
}

/// The vCard4 in the answer to [`vcard4_query`], if there is one.
pub(crate) fn vcard4_of(payload: Option<&Element>) -> Option<&Element> {
    vcard_in_items(payload?.get_child("items", ns::PUBSUB)?, ns::PUBSUB)
}

/// The vCard4 a PEP notification of `message` carries, if it is one.
pub(crate) fn pushed_vcard4(message: &Message) -> Option<&Element> {
    vcard_in_items(pep::event_items(message, NODE)?, ns::PUBSUB_EVENT)
}

fn vcard_in_items<'a>(items: &'a Element, namespace: &str) -> Option<&'a Element> {
    items
        .children()
        .filter(|i| i.is("item", namespace))
        .find_map(|i| i.get_child("vcard", VCARD4))
}

/// The numbers of a vCard4: each `tel` as a `tel:` URI or as text. Other
/// URIs (`sip:`, `https:`) are not telephone numbers and are skipped.
pub(crate) fn vcard4_numbers(vcard: &Element) -> Vec<String> {
    let written = vcard
        .children()
        .filter(|c| c.is("tel", VCARD4))
        .filter_map(|tel| {
            if let Some(uri) = tel.get_child("uri", VCARD4) {
                let uri = uri.text();
                let (scheme, rest) = uri.trim().split_once(':')?;
                scheme.eq_ignore_ascii_case("tel").then(|| {
                    // A tel URI's parameters (`;ext=`, `;phone-context=`) follow `;`.
                    rest.split(';').next().unwrap_or_default().to_owned()
                })
            } else {
                tel.get_child("text", VCARD4).map(Element::text)
            }
        });
    kept(written)
}

/// The numbers of a vcard-temp answer (`<vCard><TEL><NUMBER>`).
pub(crate) fn vcard_temp_numbers(payload: Option<&Element>) -> Vec<String> {
    let Some(vcard) = payload.filter(|p| p.is("vCard", VCARD_TEMP)) else {
        return Vec::new();
    };
    let written = vcard
        .children()
        .filter(|c| c.is("TEL", VCARD_TEMP))
        .filter_map(|tel| tel.get_child("NUMBER", VCARD_TEMP).map(Element::text));
    kept(written)
}

/// What is kept of the numbers as written: those that look like a number
/// (digits and the usual separators, short enough), without repeats, at
/// most [`MAX_NUMBERS`].
fn kept(written: impl Iterator<Item = String>) -> Vec<String> {
    let mut numbers: Vec<String> = Vec::new();
    for number in written.take(MAX_NUMBERS * 4) {
        let number = number.trim();
        let looks_like_one = !number.is_empty()
            && number.chars().count() <= MAX_NUMBER_CHARS
            && number.chars().filter(char::is_ascii_digit).count() >= 3
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().\u{a0}/".contains(c));
        if looks_like_one && !numbers.iter().any(|n| n == number) {
            numbers.push(number.to_owned());
            if numbers.len() == MAX_NUMBERS {
                break;
            }
        }
    }
    numbers
}

/// The user's vCard4 with `numbers` (E.164) as its only telephone numbers:
/// everything else of `current` (the name, a photo) is kept.
pub(crate) fn with_numbers(current: Option<&Element>, numbers: &[String]) -> Element {
    let mut vcard = current
        .cloned()
        .unwrap_or_else(|| Element::builder("vcard", VCARD4).build());
    while vcard.remove_child("tel", VCARD4).is_some() {}
    for number in numbers {
        let uri = Element::builder("uri", VCARD4)
            .append(format!("tel:{number}"))
            .build();
        vcard.append_child(Element::builder("tel", VCARD4).append(uri).build());
    }
    vcard
}

/// The request that publishes `vcard` as the user's current vCard4.
pub(crate) fn publish(vcard: Element) -> Element {
    let item = Element::builder("item", ns::PUBSUB)
        .attr(xml_ncname!("id").to_owned(), "current")
        .append(vcard)
        .build();
    let publish = Element::builder("publish", ns::PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .append(item)
        .build();
    Element::builder("pubsub", ns::PUBSUB)
        .append(publish)
        .build()
}

#[cfg(test)]
mod tests;
