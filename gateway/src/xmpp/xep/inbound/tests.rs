use splitline_protocol::Availability;
use tokio_xmpp::minidom::Element;

use super::*;
use crate::xmpp::xep::{chat::displayed_marker, disco::disco_answer, presence::own_presence};

fn parse(xml: &str) -> Stanza {
    let element: Element = xml.parse().unwrap();
    Stanza::try_from(element).unwrap()
}

fn alice() -> BareJid {
    BareJid::new("alice@localhost").unwrap()
}

#[test]
fn service_discovery_is_answered_and_presence_carries_the_capabilities() {
    let query = parse(
        "<iq xmlns='jabber:client' type='get' id='disco' from='alice@localhost'>\
         <query xmlns='http://jabber.org/protocol/disco#info' node='n#v'/></iq>",
    );
    let Inbound::DiscoInfo { id, from, node } = classify(query, &alice(), 0) else {
        panic!("not a disco request")
    };
    assert_eq!((id.as_str(), node.as_deref()), ("disco", Some("n#v")));
    let answer: Element = disco_answer(id, from, node).into();
    let info = answer
        .get_child("query", "http://jabber.org/protocol/disco#info")
        .unwrap();
    assert_eq!(info.attr("node"), Some("n#v"));
    assert!(info.children().any(|f| f.attr("var") == Some(mds::NOTIFY)));
    let other = parse(
        "<iq xmlns='jabber:client' type='get' id='v1' from='bob@localhost/x'>\
         <query xmlns='jabber:iq:version'/></iq>",
    );
    assert!(matches!(
        classify(other, &alice(), 0),
        Inbound::UnsupportedIq { .. }
    ));
    let presence: Element = own_presence(Availability::Away, None).into();
    assert!(presence.has_child("c", "http://jabber.org/protocol/caps"));
}

#[test]
fn read_positions_are_pushed_only_from_the_users_own_account() {
    let push = |from: &str| {
        parse(&format!(
            "<message xmlns='jabber:client' from='{from}'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:mds:displayed:0'><item id='bob@localhost'>\
             <displayed xmlns='urn:xmpp:mds:displayed:0'>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='a-1'/>\
             </displayed></item></items></event></message>"
        ))
    };
    assert_eq!(
        classify(push("alice@localhost"), &alice(), 0),
        Inbound::Events(vec![Event::Displayed {
            peer: "bob@localhost".into(),
            network_id: "a-1".into(),
            by_user: true
        }])
    );
    assert_eq!(
        classify(push("mallory@localhost"), &alice(), 0),
        Inbound::Ignored
    );
}

#[test]
fn a_chat_message_becomes_message_received() {
    let stanza = parse(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/desk' to='alice@localhost/phone' id='m1'><body>hi</body></message>",
    );
    match classify(stanza, &alice(), 42) {
        Inbound::Event(Event::MessageReceived { message }) => {
            assert_eq!(message.from, "bob@localhost");
            assert_eq!(message.to, "alice@localhost");
            assert_eq!(message.body, "hi");
            assert_eq!(message.network_id.as_deref(), Some("m1"));
            assert_eq!(message.timestamp_ms, 42);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_sent_carbon_from_own_account_is_sent_elsewhere() {
    let stanza = parse(
        "<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/phone'>\
         <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
         <message xmlns='jabber:client' type='chat' from='alice@localhost/desk' to='bob@localhost' id='d1'><body>from desk</body></message>\
         </forwarded></sent></message>",
    );
    match classify(stanza, &alice(), 0) {
        Inbound::Event(Event::MessageSentElsewhere { message }) => {
            assert_eq!(message.to, "bob@localhost");
            assert_eq!(message.body, "from desk");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_forged_carbon_from_a_stranger_is_not_trusted() {
    let stanza = parse(
        "<message xmlns='jabber:client' from='eve@localhost/x' to='alice@localhost/phone'>\
         <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
         <message xmlns='jabber:client' type='chat' from='alice@localhost/desk' to='bob@localhost'><body>forged</body></message>\
         </forwarded></sent></message>",
    );
    assert_eq!(classify(stanza, &alice(), 0), Inbound::Ignored);
}

fn timestamp_of(stanza: Stanza, now_ms: i64) -> i64 {
    match classify(stanza, &alice(), now_ms) {
        Inbound::Event(Event::MessageReceived { message }) => message.timestamp_ms,
        other => panic!("unexpected {other:?}"),
    }
}

const SERVER_ID: &str = "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='a-5'/>";

fn delay(from: &str, year: u32) -> String {
    format!("<delay xmlns='urn:xmpp:delay' from='{from}' stamp='{year}-01-02T03:04:05Z'/>")
}

fn chat_with(payloads: &str) -> Stanza {
    parse(&format!(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost'>\
         <body>old</body>{payloads}</message>"
    ))
}

#[test]
fn offline_delivery_keeps_the_original_time() {
    // Prosody: the archive appends its stanza id, offline storage its delay after it.
    let offline = chat_with(&format!("{SERVER_ID}{}", delay("localhost", 2026)));
    assert_eq!(timestamp_of(offline, 0), 1_767_323_045_000);
    // A sender's stamp before the server's own is not the server's.
    let forged_then_offline = chat_with(&format!(
        "{}{SERVER_ID}{}",
        delay("localhost", 2000),
        delay("localhost", 2026)
    ));
    assert_eq!(timestamp_of(forged_then_offline, 0), 1_767_323_045_000);
}

#[test]
fn a_delay_the_sender_wrote_is_not_trusted_even_in_the_servers_name() {
    // Live: the sender's delay, then the stanza id the server appends.
    let live = chat_with(&format!("{}{SERVER_ID}", delay("localhost", 2000)));
    assert_eq!(timestamp_of(live, 7), 7, "a forged server stamp");
    let own_stamp = chat_with(&format!("{SERVER_ID}{}", delay("bob@localhost", 2001)));
    assert_eq!(timestamp_of(own_stamp, 7), 7, "a sender's own stamp");
    let other_server = chat_with(&format!("{SERVER_ID}{}", delay("example.org", 2001)));
    assert_eq!(timestamp_of(other_server, 7), 7, "another server's stamp");
    let no_archive = chat_with(&delay("localhost", 2026));
    assert_eq!(
        timestamp_of(no_archive, 7),
        7,
        "without the server's stanza id nothing proves the stamp"
    );
}

#[test]
fn only_the_users_own_archive_id_counts() {
    let stanza = parse(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost/phone' id='m2'><body>hi</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='bob@localhost' id='forged'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='a-17'/></message>",
    );
    match classify(stanza, &alice(), 0) {
        Inbound::Event(Event::MessageReceived { message }) => {
            assert_eq!(message.archive_id.as_deref(), Some("a-17"))
        }
        other => panic!("unexpected {other:?}"),
    }
    let foreign = parse(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost/phone'><body>hi</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='bob@localhost' id='forged'/></message>",
    );
    match classify(foreign, &alice(), 0) {
        Inbound::Event(Event::MessageReceived { message }) => {
            assert_eq!(message.archive_id, None)
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_forged_archive_id_in_the_users_name_loses_to_the_servers_own() {
    // Prosody 0.12 keeps a sender's stanza id by the user and appends its own after it.
    let stanza = parse(
        "<message xmlns='jabber:client' type='chat' from='eve@localhost/x' to='alice@localhost/phone'><body>hi</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='FAKE'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='bob@localhost' id='other'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='a-18'/></message>",
    );
    match classify(stanza, &alice(), 0) {
        Inbound::Event(Event::MessageReceived { message }) => {
            assert_eq!(message.archive_id.as_deref(), Some("a-18"))
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn in_a_room_the_rooms_last_archive_id_counts() {
    let room = BareJid::new("room@muc.localhost").unwrap();
    let post = parse(
        "<message xmlns='jabber:client' type='groupchat' from='room@muc.localhost/eve@localhost' to='alice@localhost/phone'><body>hi</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.localhost' id='FAKE'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.localhost' id='r-3'/></message>",
    );
    match crate::xmpp::xep::muc::classify(post, &room, &alice(), 0) {
        crate::xmpp::xep::muc::RoomInbound::Event(Event::MessageReceived { message }) => {
            assert_eq!(message.archive_id.as_deref(), Some("r-3"))
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn archive_results_from_own_account_carry_position_direction_and_time() {
    let result = |from: &str, inner_from: &str, inner_to: &str| {
        parse(&format!(
            "<message xmlns='jabber:client' from='{from}' to='alice@localhost/phone'>\
             <result xmlns='urn:xmpp:mam:2' queryid='sl-9' id='a-1'><forwarded xmlns='urn:xmpp:forward:0'>\
             <delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:05Z'/>\
             <message xmlns='jabber:client' type='chat' from='{inner_from}' to='{inner_to}' id='o1'><body>back then</body></message>\
             </forwarded></result></message>"
        ))
    };
    match classify(
        result("alice@localhost", "alice@localhost/desk", "bob@localhost"),
        &alice(),
        0,
    ) {
        Inbound::ArchiveResult { query_id, item } => {
            assert_eq!(query_id, "sl-9");
            assert!(item.outgoing);
            assert_eq!(item.message.archive_id.as_deref(), Some("a-1"));
            assert_eq!(item.message.network_id.as_deref(), Some("o1"));
            assert_eq!(item.message.timestamp_ms, 1_767_323_045_000);
        }
        other => panic!("unexpected {other:?}"),
    }
    match classify(
        result("alice@localhost", "bob@localhost/d", "alice@localhost"),
        &alice(),
        0,
    ) {
        Inbound::ArchiveResult { item, .. } => assert!(!item.outgoing),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        classify(
            result("eve@localhost/x", "bob@localhost/d", "alice@localhost"),
            &alice(),
            0
        ),
        Inbound::Ignored,
        "a stranger cannot inject archive results"
    );
}

#[test]
fn displayed_markers_say_who_read_which_chat() {
    let direct = parse(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost/phone'>\
         <displayed xmlns='urn:xmpp:chat-markers:0' id='p-1'/></message>",
    );
    assert_eq!(
        classify(direct, &alice(), 0),
        Inbound::Event(Event::Displayed {
            peer: "bob@localhost".into(),
            network_id: "p-1".into(),
            by_user: false
        })
    );
    let carbon = |from: &str| {
        parse(&format!(
            "<message xmlns='jabber:client' from='{from}' to='alice@localhost/phone'>\
             <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
             <message xmlns='jabber:client' type='chat' from='alice@localhost/desk' to='bob@localhost'>\
             <displayed xmlns='urn:xmpp:chat-markers:0' id='b-9'/></message>\
             </forwarded></sent></message>"
        ))
    };
    assert_eq!(
        classify(carbon("alice@localhost"), &alice(), 0),
        Inbound::Event(Event::Displayed {
            peer: "bob@localhost".into(),
            network_id: "b-9".into(),
            by_user: true
        })
    );
    assert_eq!(
        classify(carbon("eve@localhost/x"), &alice(), 0),
        Inbound::Ignored
    );
    let outgoing = displayed_marker(BareJid::new("bob@localhost").unwrap(), "b-9");
    let element = Element::from(outgoing);
    assert!(element.has_child("displayed", "urn:xmpp:chat-markers:0"));
}

#[test]
fn bodiless_and_group_messages_are_ignored() {
    let state = parse(
        "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost'><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    assert_eq!(classify(state, &alice(), 0), Inbound::Ignored);
    let group = parse(
        "<message xmlns='jabber:client' type='groupchat' from='room@muc.localhost/bob' to='alice@localhost'><body>x</body></message>",
    );
    assert_eq!(classify(group, &alice(), 0), Inbound::Ignored);
}

#[test]
fn presences_map_to_devices_and_requests() {
    let away = parse(
        "<presence xmlns='jabber:client' from='bob@localhost/desk'><show>away</show><status>lunch</status><priority>3</priority></presence>",
    );
    assert_eq!(
        classify(away, &alice(), 0),
        Inbound::DevicePresence {
            jid: BareJid::new("bob@localhost").unwrap(),
            device: "desk".into(),
            presence: Some(DevicePresence {
                availability: Availability::Away,
                status: Some("lunch".into()),
                priority: 3
            }),
        }
    );
    let ask = parse("<presence xmlns='jabber:client' type='subscribe' from='carol@localhost'/>");
    assert_eq!(
        classify(ask, &alice(), 0),
        Inbound::Event(Event::SubscriptionRequested {
            from: "carol@localhost".into()
        })
    );
    let mine = parse(
        "<presence xmlns='jabber:client' from='alice@localhost/desk'><show>dnd</show></presence>",
    );
    assert_eq!(
        classify(mine, &alice(), 0),
        Inbound::OwnDevicePresence {
            device: "desk".into(),
            presence: DevicePresence {
                availability: Availability::DoNotDisturb,
                status: None,
                priority: 0
            },
        }
    );
    let gone =
        parse("<presence xmlns='jabber:client' type='unavailable' from='alice@localhost/desk'/>");
    assert_eq!(classify(gone, &alice(), 0), Inbound::Ignored);
}

#[test]
fn roster_pushes_only_from_own_account() {
    let push = parse(
        "<iq xmlns='jabber:client' type='set' id='p1'><query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='both'/></query></iq>",
    );
    assert!(
        matches!(classify(push, &alice(), 0), Inbound::RosterPush { ref id, ref items } if id == "p1" && items.len() == 1)
    );
    let forged = parse(
        "<iq xmlns='jabber:client' type='set' id='p2' from='eve@localhost/x'><query xmlns='jabber:iq:roster'><item jid='eve@localhost' subscription='both'/></query></iq>",
    );
    assert!(matches!(
        classify(forged, &alice(), 0),
        Inbound::UnsupportedIq { .. }
    ));
}
