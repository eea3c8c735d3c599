//! The contacts' vCard numbers: fetched when first asked, vcard-temp when
//! there is no vCard4, answers only from the contact asked, and kept until
//! the contact's vCard4 change is pushed.

use splitline_protocol::ContactPhones;

use super::*;

const ROSTER: &str = "<query xmlns='jabber:iq:roster'>\
    <item jid='bob@localhost' subscription='both'/>\
    <item jid='carol@localhost' subscription='both'/></query>";

fn vcard4(number: &str) -> Element {
    xml(&format!(
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>\
         <tel><uri>tel:{number}</uri></tel></vcard></item></items></pubsub>"
    ))
}

fn phones(jid: &str, numbers: &[&str]) -> ContactPhones {
    ContactPhones {
        jid: jid.into(),
        numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
    }
}

#[tokio::test]
async fn contacts_numbers_are_fetched_once_from_the_contacts_themselves_and_follow_pushes() {
    let mut h = Harness::start(ROSTER, None).await;
    let asked = h.command(|reply| Command::ContactPhones { reply }).await;
    let mut requests = [h.request().await, h.request().await];
    requests.sort_by_key(|r| r.to.as_ref().map(ToString::to_string));
    let (bob, carol) = (&requests[0], &requests[1]);
    assert_eq!(bob.to, Some(Jid::new("bob@localhost").unwrap()));
    assert!(
        bob.payload
            .is("pubsub", "http://jabber.org/protocol/pubsub")
    );

    // Someone else's answer with bob's id settles nothing.
    h.answer(&bob.id, Some("eve@localhost"), Some(vcard4("+4930901820")));
    h.answer(
        &bob.id,
        Some("bob@localhost"),
        Some(vcard4("+442079460018")),
    );
    // Carol has no vCard4: her vcard-temp is asked for.
    h.refuse(
        &carol.id,
        Some("carol@localhost"),
        DefinedCondition::ItemNotFound,
    );
    let temp = h.request().await;
    assert_eq!(temp.to, Some(Jid::new("carol@localhost").unwrap()));
    assert!(temp.payload.is("vCard", "vcard-temp"));
    let card = "<vCard xmlns='vcard-temp'><TEL><NUMBER>+33 1 23 45 67 89</NUMBER></TEL></vCard>";
    h.answer(&temp.id, Some("carol@localhost"), Some(xml(card)));
    assert_eq!(
        answered(asked).await.unwrap(),
        vec![
            phones("bob@localhost", &["+442079460018"]),
            phones("carol@localhost", &["+33 1 23 45 67 89"])
        ]
    );

    // Bob's change is pushed; the next ask needs no request.
    h.push(
        "<message xmlns='jabber:client' from='bob@localhost' to='alice@localhost/splitline-test'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>\
         <tel><uri>tel:+447400123456</uri></tel></vcard></item></items></event></message>",
    );
    // A stranger's push is not kept.
    h.push(
        "<message xmlns='jabber:client' from='eve@localhost' to='alice@localhost/splitline-test'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>\
         <tel><uri>tel:+447400123457</uri></tel></vcard></item></items></event></message>",
    );
    h.sent_nothing().await;
    let again = h.command(|reply| Command::ContactPhones { reply }).await;
    assert_eq!(
        answered(again).await.unwrap(),
        vec![
            phones("bob@localhost", &["+447400123456"]),
            phones("carol@localhost", &["+33 1 23 45 67 89"])
        ]
    );
}

#[tokio::test]
async fn own_numbers_are_published_with_the_rest_of_the_vcard_kept() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    let numbers = vec!["+447400123456".to_owned()];
    let set = h
        .command(move |reply| Command::SetOwnPhones { numbers, reply })
        .await;
    let read = h.request().await;
    assert!(!read.set && read.to.is_none());
    let current = "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'>\
         <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>Alice</text></fn>\
         <tel><uri>tel:+4930901820</uri></tel></vcard></item></items></pubsub>";
    h.answer(&read.id, None, Some(xml(current)));
    let publish = h.request().await;
    assert!(publish.set);
    let written = String::from(&publish.payload);
    assert!(written.contains("tel:+447400123456") && written.contains("Alice"));
    assert!(
        !written.contains("+4930901820"),
        "the old number is replaced"
    );
    h.answer(&publish.id, None, None);
    answered(set).await.unwrap();
}
