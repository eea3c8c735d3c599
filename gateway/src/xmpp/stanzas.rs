//! Translation between stanzas and the protocol: what an incoming stanza means
//! for the phone, and the stanzas the phone's requests become.

use splitline_protocol::{ArchivedMessage, Availability, ChatMessage, Event};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
    minidom::{Element, rxml::xml_ncname},
    parsers::{
        carbons,
        data_forms::{DataForm, DataFormType, Field},
        delay::Delay,
        disco::{DiscoInfoQuery, DiscoInfoResult},
        displayed_markers::{Displayed, Markable},
        iq::Iq,
        mam,
        message::{Id, Lang, Message, MessageType},
        presence::{self, Presence, Show},
        roster::{self, Roster},
        rsm::SetQuery,
        stanza_error::{DefinedCondition, ErrorType, StanzaError},
        stanza_id::{OriginId, StanzaId},
    },
};

use super::{client_caps, displayed_sync, roster::DevicePresence};

const DATA_FORMS: &str = "jabber:x:data";

/// What an incoming stanza means.
#[derive(Debug, PartialEq)]
pub enum Inbound {
    /// The server changed the roster; acknowledge with an IQ result.
    RosterPush {
        /// The push's IQ id.
        id: String,
        /// The changed items.
        items: Vec<roster::Item>,
    },
    /// An IQ request this gateway does not serve; answer with an error.
    UnsupportedIq {
        /// The request's IQ id.
        id: String,
        /// Who asked.
        from: Option<Jid>,
    },
    /// Service discovery asks what this session can do; answer with
    /// [`disco_answer`].
    DiscoInfo {
        /// The request's IQ id.
        id: String,
        /// Who asked.
        from: Option<Jid>,
        /// The node asked about.
        node: Option<String>,
    },
    /// Something to put on the phone's stream as it is.
    Event(Event),
    /// Several things to put on the phone's stream.
    Events(Vec<Event>),
    /// A message of the user's archive, answering the archive query `query_id`.
    ArchiveResult {
        /// The query it answers.
        query_id: String,
        /// The message.
        item: ArchivedMessage,
    },
    /// One device of a contact changed presence (`None`: went offline).
    DevicePresence {
        /// The contact.
        jid: BareJid,
        /// The device's resource.
        device: String,
        /// Its presence.
        presence: Option<DevicePresence>,
    },
    /// Another login of the user announced a presence.
    OwnDevicePresence {
        /// That login's resource.
        device: String,
        /// What it announced.
        presence: DevicePresence,
    },
    /// Nothing for the phone.
    Ignored,
}

/// Classifies an incoming stanza for the user `own`; `now_ms` stamps messages
/// that carry no delay.
pub fn classify(stanza: Stanza, own: &BareJid, now_ms: i64) -> Inbound {
    match stanza {
        Stanza::Iq(iq) => classify_iq(iq, own),
        Stanza::Message(message) => classify_message(message, own, now_ms),
        Stanza::Presence(presence) => classify_presence(presence, own),
    }
}

fn from_own_account(from: Option<&Jid>, own: &BareJid) -> bool {
    from.is_none_or(|f| f.to_bare() == *own)
}

fn classify_iq(iq: Iq, own: &BareJid) -> Inbound {
    match iq {
        Iq::Set {
            from, id, payload, ..
        } => {
            if from_own_account(from.as_ref(), own)
                && let Ok(roster) = Roster::try_from(payload)
            {
                return Inbound::RosterPush {
                    id,
                    items: roster.items,
                };
            }
            Inbound::UnsupportedIq { id, from }
        }
        Iq::Get {
            from, id, payload, ..
        } => match DiscoInfoQuery::try_from(payload) {
            Ok(query) => Inbound::DiscoInfo {
                id,
                from,
                node: query.node,
            },
            Err(_) => Inbound::UnsupportedIq { id, from },
        },
        Iq::Result { .. } | Iq::Error { .. } => Inbound::Ignored,
    }
}

fn classify_message(mut message: Message, own: &BareJid, now_ms: i64) -> Inbound {
    // Carbons and archive results are trusted only from the user's own account:
    // anyone else could forge them.
    if from_own_account(message.from.as_ref(), own) {
        if let Some(events) = displayed_sync::pushed(&message, own) {
            return Inbound::Events(events);
        }
        if let Ok(Some(result)) = message.extract_payload::<mam::Result_>() {
            return archive_result(result, own, now_ms);
        }
        if let Ok(Some(sent)) = message.extract_payload::<carbons::Sent>() {
            if let Some(event) = displayed(&sent.forwarded.message, true) {
                return Inbound::Event(event);
            }
            return chat(
                sent.forwarded.message,
                sent.forwarded.delay.as_ref(),
                own,
                now_ms,
            )
            .map_or(Inbound::Ignored, |m| {
                Inbound::Event(Event::MessageSentElsewhere { message: m })
            });
        }
        if let Ok(Some(received)) = message.extract_payload::<carbons::Received>() {
            if let Some(event) = displayed(&received.forwarded.message, false) {
                return Inbound::Event(event);
            }
            return chat(
                received.forwarded.message,
                received.forwarded.delay.as_ref(),
                own,
                now_ms,
            )
            .map_or(Inbound::Ignored, |m| {
                Inbound::Event(Event::MessageReceived { message: m })
            });
        }
    }
    if let Some(event) = displayed(&message, false) {
        return Inbound::Event(event);
    }
    chat(message, None, own, now_ms).map_or(Inbound::Ignored, |m| {
        Inbound::Event(Event::MessageReceived { message: m })
    })
}

/// A bodiless 1:1 message carrying a displayed marker: read by the user on
/// another device (`by_user`, a sent carbon) or by the other party.
fn displayed(message: &Message, by_user: bool) -> Option<Event> {
    if !matches!(message.type_, MessageType::Chat | MessageType::Normal)
        || !message.bodies.is_empty()
    {
        return None;
    }
    let marker = message
        .payloads
        .iter()
        .find_map(|p| Displayed::try_from(p.clone()).ok())?;
    let peer = if by_user { &message.to } else { &message.from };
    Some(Event::Displayed {
        peer: peer.as_ref()?.to_bare().to_string(),
        network_id: marker.id.0,
        by_user,
    })
}

/// An archived 1:1 message; its archive's delay stamp is the time it was sent.
fn archive_result(result: mam::Result_, own: &BareJid, now_ms: i64) -> Inbound {
    let Some(query_id) = result.queryid.map(|q| q.0) else {
        return Inbound::Ignored;
    };
    let forwarded = result.forwarded;
    let Some(mut message) = chat(forwarded.message, forwarded.delay.as_ref(), own, now_ms) else {
        return Inbound::Ignored;
    };
    message.archive_id = Some(result.id);
    Inbound::ArchiveResult {
        query_id,
        item: ArchivedMessage {
            outgoing: message.from == own.as_str(),
            message,
        },
    }
}

/// A 1:1 message with a text, or `None` for anything else (errors, group
/// chat, chat states without a body). A delay stamp counts only when the
/// user's own server set it (offline storage); a sender could forge any other.
/// Likewise an archive id counts only when the user's own archive (`own`)
/// stamped it: the server removes such stamps from what others send.
fn chat(
    mut message: Message,
    outer_delay: Option<&Delay>,
    own: &BareJid,
    now_ms: i64,
) -> Option<ChatMessage> {
    if !matches!(message.type_, MessageType::Chat | MessageType::Normal) {
        return None;
    }
    let (_, body) = message.get_best_body_cloned(vec![])?;
    let from = message.from.as_ref()?.to_bare().to_string();
    let to = message.to.as_ref()?.to_bare().to_string();
    let own_server = to.split_once('@').map(|(_, domain)| domain.to_owned());
    let inner_delay = message
        .extract_payload::<Delay>()
        .ok()
        .flatten()
        .filter(|d| {
            d.from.as_ref().is_some_and(|f| {
                f.node().is_none() && Some(f.domain().as_str()) == own_server.as_deref()
            })
        });
    let timestamp_ms = outer_delay
        .or(inner_delay.as_ref())
        .map_or(now_ms, |d| d.stamp.0.timestamp_millis());
    let origin = message.extract_payload::<OriginId>().ok().flatten();
    let network_id = origin.map(|o| o.id).or(message.id.map(|id| id.0));
    let archive_id = message
        .payloads
        .iter()
        .filter_map(|p| StanzaId::try_from(p.clone()).ok())
        .find(|s| s.by == *own)
        .map(|s| s.id);
    Some(ChatMessage {
        network_id,
        archive_id,
        room: None,
        from,
        to,
        body,
        timestamp_ms,
    })
}

fn classify_presence(presence: Presence, own: &BareJid) -> Inbound {
    let Some(from) = presence.from.clone() else {
        return Inbound::Ignored;
    };
    let jid = from.to_bare();
    let device = from
        .resource()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default();
    let announced = || DevicePresence {
        availability: availability(presence.show.as_ref()),
        status: presence
            .statuses
            .values()
            .next()
            .cloned()
            .filter(|s| !s.is_empty()),
        priority: presence.priority.0,
    };
    if jid == *own {
        return match presence.type_ {
            presence::Type::None if !device.is_empty() => Inbound::OwnDevicePresence {
                device,
                presence: announced(),
            },
            _ => Inbound::Ignored,
        };
    }
    match presence.type_ {
        presence::Type::None => Inbound::DevicePresence {
            jid,
            device,
            presence: Some(announced()),
        },
        presence::Type::Unavailable => Inbound::DevicePresence {
            jid,
            device,
            presence: None,
        },
        presence::Type::Subscribe => Inbound::Event(Event::SubscriptionRequested {
            from: jid.to_string(),
        }),
        _ => Inbound::Ignored,
    }
}

fn availability(show: Option<&Show>) -> Availability {
    match show {
        None => Availability::Available,
        Some(Show::Chat) => Availability::Chat,
        Some(Show::Away) => Availability::Away,
        Some(Show::Xa) => Availability::ExtendedAway,
        Some(Show::Dnd) => Availability::DoNotDisturb,
    }
}

/// A chat message whose stanza id and origin id are the client's id; it asks
/// for displayed markers (XEP-0333).
pub fn chat_message(to: BareJid, body: &str, id: &str) -> Message {
    let mut message =
        Message::chat(Some(Jid::from(to))).with_body(Lang::default(), body.to_owned());
    message.id = Some(Id(id.to_owned()));
    message
        .with_payload(OriginId { id: id.to_owned() })
        .with_payload(Markable)
}

/// A displayed marker: the user has seen the chat with `to` up to its message `id`.
pub fn displayed_marker(to: BareJid, id: &str) -> Message {
    Message::chat(Some(Jid::from(to))).with_payload(Displayed {
        id: Id(id.to_owned()),
    })
}

/// One's own presence to broadcast, with this session's capabilities.
pub fn own_presence(availability: Availability, status: Option<&str>) -> Presence {
    let mut presence = Presence::available().with_payload(client_caps::caps());
    presence.show = match availability {
        Availability::Chat => Some(Show::Chat),
        Availability::Away => Some(Show::Away),
        Availability::ExtendedAway => Some(Show::Xa),
        Availability::DoNotDisturb => Some(Show::Dnd),
        Availability::Available | Availability::Offline => None,
    };
    if let Some(status) = status.filter(|s| !s.is_empty()) {
        presence.set_status(Lang::default(), status.to_owned());
    }
    presence
}

/// A subscription presence (`subscribe`, `subscribed`, `unsubscribed`) to `to`.
pub fn subscription(kind: presence::Type, to: &BareJid) -> Presence {
    Presence::new(kind).with_to(Jid::from(to.clone()))
}

/// The payload of a roster fetch.
pub fn roster_query() -> Element {
    Roster {
        ver: None,
        items: vec![],
    }
    .into()
}

/// The payload of a roster change: add or rename `jid`, or remove it.
pub fn roster_set(jid: &BareJid, name: Option<&str>, remove: bool) -> Element {
    Roster {
        ver: None,
        items: vec![roster::Item {
            jid: jid.clone(),
            name: name.map(str::to_owned),
            subscription: if remove {
                roster::Subscription::Remove
            } else {
                roster::Subscription::None
            },
            ask: roster::Ask::None,
            groups: vec![],
            approved: None,
        }],
    }
    .into()
}

/// The payload of an archive query: `max` entries after the archive id
/// `after`; without it, the first `max` entries from the time `start_ms`, or
/// the newest `max` entries.
pub fn archive_query(
    query_id: &str,
    after: Option<String>,
    start_ms: Option<i64>,
    max: u32,
) -> Element {
    let start = start_ms
        .filter(|_| after.is_none())
        .and_then(chrono::DateTime::from_timestamp_millis);
    let before = (after.is_none() && start.is_none()).then(String::new);
    let form = start.map(|start| {
        let stamp = start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        DataForm::new(
            DataFormType::Submit,
            "urn:xmpp:mam:2",
            vec![Field::text_single("start", &stamp)],
        )
    });
    mam::Query {
        queryid: Some(mam::QueryId(query_id.to_owned())),
        node: None,
        form,
        set: Some(SetQuery {
            max: Some(max as usize),
            after,
            before,
            index: None,
        }),
        flip_page: false,
    }
    .into()
}

/// The payload that turns message carbons on.
pub fn enable_carbons() -> Element {
    carbons::Enable.into()
}

/// The acknowledgement of an IQ request.
pub fn iq_result(id: String, to: Option<Jid>) -> Iq {
    Iq::Result {
        from: None,
        to,
        id,
        payload: None,
    }
}

/// The answer to a service discovery request `id` about `node`.
pub fn disco_answer(id: String, to: Option<Jid>, node: Option<String>) -> Iq {
    let info: DiscoInfoResult = client_caps::disco_info(node);
    Iq::Result {
        from: None,
        to,
        id,
        payload: Some(info.into()),
    }
}

/// A submitted data form (XEP-0004) of type `form_type` with these fields.
pub fn submit_form(form_type: &str, fields: &[(&str, &str)]) -> Element {
    let field = |var: &str, value: &str| {
        Element::builder("field", DATA_FORMS)
            .attr(xml_ncname!("var").to_owned(), var)
            .append(Element::builder("value", DATA_FORMS).append(value).build())
            .build()
    };
    Element::builder("x", DATA_FORMS)
        .attr(xml_ncname!("type").to_owned(), "submit")
        .append(field("FORM_TYPE", form_type))
        .append_all(fields.iter().map(|(var, value)| field(var, value)))
        .build()
}

/// The refusal of an IQ request this gateway does not serve.
pub fn iq_unsupported(id: String, to: Option<Jid>) -> Iq {
    Iq::Error {
        from: None,
        to,
        id,
        error: StanzaError::new(
            ErrorType::Cancel,
            DefinedCondition::ServiceUnavailable,
            "en",
            "not supported",
        ),
        payload: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(
            info.children()
                .any(|f| f.attr("var") == Some(displayed_sync::NOTIFY))
        );
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

    #[test]
    fn offline_delivery_keeps_the_original_time() {
        let stanza = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost'><body>old</body>\
             <delay xmlns='urn:xmpp:delay' from='localhost' stamp='2026-01-02T03:04:05Z'/></message>",
        );
        match classify(stanza, &alice(), 0) {
            Inbound::Event(Event::MessageReceived { message }) => {
                assert_eq!(message.timestamp_ms, 1_767_323_045_000)
            }
            other => panic!("unexpected {other:?}"),
        }
        let forged = parse(
            "<message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost'><body>old</body>\
             <delay xmlns='urn:xmpp:delay' from='bob@localhost' stamp='2001-01-02T03:04:05Z'/></message>",
        );
        match classify(forged, &alice(), 7) {
            Inbound::Event(Event::MessageReceived { message }) => {
                assert_eq!(
                    message.timestamp_ms, 7,
                    "a sender's own stamp is not trusted"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
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
        let ask =
            parse("<presence xmlns='jabber:client' type='subscribe' from='carol@localhost'/>");
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
        let gone = parse(
            "<presence xmlns='jabber:client' type='unavailable' from='alice@localhost/desk'/>",
        );
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
}
