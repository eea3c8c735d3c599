use super::*;

fn parse(xml: &str) -> Element {
    xml.parse().unwrap()
}

fn items_answer(vcard: &str) -> Element {
    parse(&format!(
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'>\
         <item id='current'>{vcard}</item></items></pubsub>"
    ))
}

#[test]
fn a_vcard4_gives_its_tel_uris_and_texts_and_skips_other_uris() {
    let answer = items_answer(
        "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Bob</text></fn>\
         <tel><parameters><type><text>cell</text></type></parameters><uri>tel:+44 7700 900123</uri></tel>\
         <tel><uri>TEL:+49-30-1234567;ext=12</uri></tel>\
         <tel><uri>sip:bob@example.net</uri></tel>\
         <tel><uri>https://example.net/123456</uri></tel>\
         <tel><text>020 7946 0018</text></tel></vcard>",
    );
    let vcard = vcard4_of(Some(&answer)).unwrap();
    assert_eq!(
        vcard4_numbers(vcard),
        vec!["+44 7700 900123", "+49-30-1234567", "020 7946 0018"]
    );
    assert!(vcard4_of(None).is_none());
    assert!(
        vcard4_of(Some(&parse(
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'/>"
        )))
        .is_none()
    );
}

#[test]
fn a_vcard_temp_gives_its_tel_numbers() {
    let answer = parse(
        "<vCard xmlns='vcard-temp'><FN>Bob</FN><TEL><CELL/><NUMBER>+44 7700 900123</NUMBER></TEL>\
         <TEL><HOME/><NUMBER>not a number</NUMBER></TEL><TEL><NUMBER>+33 1 23 45 67 89</NUMBER></TEL></vCard>",
    );
    assert_eq!(
        vcard_temp_numbers(Some(&answer)),
        vec!["+44 7700 900123", "+33 1 23 45 67 89"]
    );
    assert!(vcard_temp_numbers(None).is_empty());
    let other = parse("<query xmlns='jabber:iq:version'/>");
    assert!(vcard_temp_numbers(Some(&other)).is_empty());
}

#[test]
fn hostile_vcards_give_a_bounded_list_of_short_numbers() {
    let huge = "9".repeat(100_000);
    let mut tels = format!("<tel><uri>tel:+{huge}</uri></tel><tel><text>{huge}</text></tel>");
    tels.push_str("<tel><uri>tel:+44 7700 900123</uri></tel>");
    tels.push_str("<tel><uri>tel:+44 7700 900123</uri></tel>");
    tels.push_str("<tel><uri>tel:12</uri></tel><tel><uri>tel:+44<script/></uri></tel>");
    tels.push_str("<tel><uri>tel:+44 7700 90012&amp;</uri></tel><tel/>");
    for n in 0..1_000 {
        tels.push_str(&format!("<tel><uri>tel:+4420794600{n:02}</uri></tel>"));
    }
    let answer = items_answer(&format!(
        "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>{tels}</vcard>"
    ));
    let numbers = vcard4_numbers(vcard4_of(Some(&answer)).unwrap());
    assert_eq!(numbers.len(), MAX_NUMBERS);
    assert_eq!(numbers[0], "+44 7700 900123", "the repeat is kept once");
    assert_eq!(numbers[1], "+442079460000");
    assert!(
        numbers
            .iter()
            .all(|n| n.chars().count() <= MAX_NUMBER_CHARS)
    );
}

#[test]
fn a_pushed_vcard4_is_read_from_the_notification() {
    let message: Message = parse(
        "<message xmlns='jabber:client' from='bob@localhost' to='alice@localhost'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>\
         <tel><uri>tel:+447700900456</uri></tel></vcard></item></items></event></message>",
    )
    .try_into()
    .unwrap();
    let vcard = pushed_vcard4(&message).unwrap();
    assert_eq!(vcard4_numbers(vcard), vec!["+447700900456"]);
}

#[test]
fn publishing_replaces_the_numbers_and_keeps_the_rest() {
    let current = parse(
        "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Bob</text></fn>\
         <tel><uri>tel:+447700900123</uri></tel></vcard>",
    );
    let numbers = vec!["+447700900456".to_owned(), "+33123456789".to_owned()];
    let vcard = with_numbers(Some(&current), &numbers);
    assert_eq!(vcard4_numbers(&vcard), numbers);
    assert!(vcard.get_child("fn", VCARD4).is_some(), "the name is kept");
    let request = publish(vcard);
    let item = request
        .get_child("publish", ns::PUBSUB)
        .filter(|p| p.attr("node") == Some(NODE))
        .and_then(|p| p.get_child("item", ns::PUBSUB))
        .unwrap();
    assert_eq!(item.attr("id"), Some("current"));
    let fresh = with_numbers(None, &numbers[..1]);
    assert_eq!(vcard4_numbers(&fresh), vec!["+447700900456"]);
}
