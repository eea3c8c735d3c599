//! Multi-user chat (XEP-0045): persistent, members-only rooms with their
//! own archives (XEP-0313); joining, configuring and administering them, and
//! what a stanza from a room means. The user's rooms are kept as bookmarks
//! ([`super::bookmarks`]).
//!
//! Splitline joins each room with the user's bare address as nickname, so a
//! message's sender is known from its nickname, and two logins of the same
//! user share one occupant.

use splitline_protocol::{
    Affiliation, ArchivedMessage, ChatMessage, Event, RoomLeftReason, RoomMember,
};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, FullJid, Jid},
    minidom::{Element, rxml::xml_ncname},
    parsers::{
        delay::Delay,
        disco::{DiscoInfoQuery, DiscoInfoResult},
        displayed_markers::Displayed,
        mam,
        message::{Message, MessageType},
        muc::{Muc, muc::History},
        presence::{self, Presence},
        stanza_error::{DefinedCondition, StanzaError},
        stanza_id::OriginId,
    },
};

use super::{chat, forms, mam as archive};

const MUC_USER: &str = "http://jabber.org/protocol/muc#user";
const MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";
const MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";
const ROOM_CONFIG: &str = "http://jabber.org/protocol/muc#roomconfig";

/// The nickname the user joins every room with: the user's bare address.
pub(crate) fn nick(own: &BareJid) -> Result<tokio_xmpp::jid::ResourcePart, tokio_xmpp::jid::Error> {
    tokio_xmpp::jid::ResourcePart::new(own.as_str()).map(|r| r.into_owned())
}

/// The user's occupant address in `room`.
pub(crate) fn occupant(room: &BareJid, own: &BareJid) -> Option<FullJid> {
    nick(own).ok().map(|n| room.with_resource(&n))
}

/// The presence that joins `room` without its history (the archive has it).
pub(crate) fn join(room: &BareJid, own: &BareJid) -> Option<Presence> {
    let muc = Muc::new().with_history(History::new().with_maxstanzas(0));
    Some(
        Presence::available()
            .with_to(occupant(room, own)?)
            .with_payload(muc),
    )
}

/// The presence that leaves `room`.
pub(crate) fn leave(room: &BareJid, own: &BareJid) -> Option<Presence> {
    Some(Presence::unavailable().with_to(occupant(room, own)?))
}

/// A new room's address on `service`, unguessable.
pub(crate) fn new_room_address(service: &str) -> Result<BareJid, String> {
    let mut bytes = [0u8; 10];
    crate::util::random_bytes(&mut bytes).map_err(|e| e.to_string())?;
    let node: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    BareJid::new(&format!("room-{node}@{service}")).map_err(|e| e.to_string())
}

fn room_config(fields: &[(&str, &str)]) -> Element {
    Element::builder("query", MUC_OWNER)
        .append(forms::submit_form(ROOM_CONFIG, fields))
        .build()
}

/// The owner's configuration of a new room: persistent, members-only,
/// unlisted, members see each other's addresses, named `name`. Only fields
/// of the standard form: servers refuse a form with fields they do not know
/// (ejabberd), so archiving is left to the server's default for rooms,
/// which must be on (see docs/protocol.md).
pub(crate) fn new_room_config(name: &str) -> Element {
    room_config(&[
        ("muc#roomconfig_roomname", name),
        ("muc#roomconfig_persistentroom", "1"),
        ("muc#roomconfig_membersonly", "1"),
        ("muc#roomconfig_whois", "anyone"),
        ("muc#roomconfig_publicroom", "0"),
    ])
}

/// The owner's renaming of a room.
pub(crate) fn rename_config(name: &str) -> Element {
    room_config(&[("muc#roomconfig_roomname", name)])
}

/// The payload that gives each of `members` the affiliation `affiliation`
/// (`member`, or `none` to remove them).
pub(crate) fn set_affiliation(members: &[BareJid], affiliation: &str) -> Element {
    Element::builder("query", MUC_ADMIN)
        .append_all(members.iter().map(|m| {
            Element::builder("item", MUC_ADMIN)
                .attr(xml_ncname!("affiliation").to_owned(), affiliation)
                .attr(xml_ncname!("jid").to_owned(), m.as_str())
                .build()
        }))
        .build()
}

/// The payload that lists those with `affiliation` in a room.
pub(crate) fn list_affiliation(affiliation: Affiliation) -> Element {
    Element::builder("query", MUC_ADMIN)
        .append(
            Element::builder("item", MUC_ADMIN)
                .attr(
                    xml_ncname!("affiliation").to_owned(),
                    affiliation_str(affiliation),
                )
                .build(),
        )
        .build()
}

fn affiliation_str(affiliation: Affiliation) -> &'static str {
    match affiliation {
        Affiliation::Owner => "owner",
        Affiliation::Admin => "admin",
        Affiliation::Member => "member",
    }
}

/// The members in the answer to [`list_affiliation`].
pub(crate) fn parse_members(
    payload: Option<&Element>,
    affiliation: Affiliation,
) -> Vec<RoomMember> {
    let Some(query) = payload.filter(|p| p.is("query", MUC_ADMIN)) else {
        return Vec::new();
    };
    query
        .children()
        .filter(|c| c.is("item", MUC_ADMIN))
        .filter(|c| c.attr("affiliation") == Some(affiliation_str(affiliation)))
        .filter_map(|c| BareJid::new(c.attr("jid")?).ok())
        .map(|jid| RoomMember {
            jid: jid.to_string(),
            affiliation,
        })
        .collect()
}

/// A mediated invitation (sent through the room) for `to`.
pub(crate) fn invite(room: &BareJid, to: &BareJid) -> Message {
    let x = Element::builder("x", MUC_USER)
        .append(
            Element::builder("invite", MUC_USER)
                .attr(xml_ncname!("to").to_owned(), to.as_str())
                .build(),
        )
        .build();
    let mut message = Message::new(Some(Jid::from(room.clone())));
    message.type_ = MessageType::Normal;
    message.payloads.push(x);
    message
}

/// The payload that asks a room for its name.
pub(crate) fn info_query() -> Element {
    DiscoInfoQuery { node: None }.into()
}

/// The room's name in the answer to [`info_query`].
pub(crate) fn parse_name(payload: Option<Element>) -> Option<String> {
    let info = DiscoInfoResult::try_from(payload?).ok()?;
    info.identities
        .into_iter()
        .find(|i| i.category == "conference")
        .and_then(|i| i.name)
}

/// A displayed marker for a room: the user has read it up to the message
/// the room knows as `id` (XEP-0333 in group chats uses the room's ids).
pub(crate) fn room_displayed(room: BareJid, id: &str) -> Message {
    Message::groupchat(Some(Jid::from(room))).with_payload(Displayed {
        id: tokio_xmpp::parsers::message::Id(id.to_owned()),
    })
}

/// A groupchat message to a room, with the client's id as stanza id and origin id.
pub(crate) fn room_message(room: BareJid, body: &str, id: &str) -> Message {
    let mut message = Message::groupchat(Some(Jid::from(room))).with_body(
        tokio_xmpp::parsers::message::Lang::default(),
        body.to_owned(),
    );
    message.id = Some(tokio_xmpp::parsers::message::Id(id.to_owned()));
    message.with_payload(OriginId { id: id.to_owned() })
}

/// What a stanza from a room means.
#[derive(Debug, PartialEq)]
pub(crate) enum RoomInbound {
    /// The user is in the room now.
    Joined(BareJid),
    /// The user is no longer in the room; with a reason when the room says
    /// why (otherwise the user left, or the service went down).
    Gone(BareJid, Option<RoomLeftReason>),
    /// The room refused the user.
    JoinRefused(BareJid, DefinedCondition),
    /// The room's configuration changed (its name may have).
    ConfigChanged(BareJid),
    /// A message posted in the room.
    Event(Event),
    /// A message of the room's archive, answering the query `query_id`.
    ArchiveResult {
        /// The query it answers.
        query_id: String,
        item: ArchivedMessage,
    },
    /// Nothing for the phone.
    Ignored,
}

/// Classifies a stanza whose sender is `room`, one of the user's rooms
/// (invitations are read before: see [`super::invitation`]).
pub(crate) fn classify(stanza: Stanza, room: &BareJid, own: &BareJid, now_ms: i64) -> RoomInbound {
    match stanza {
        Stanza::Presence(presence) => classify_presence(presence, room, own),
        Stanza::Message(message) => classify_message(message, room, own, now_ms),
        Stanza::Iq(_) => RoomInbound::Ignored,
    }
}

/// The status codes and the `muc#user` element of a stanza.
fn muc_user(payloads: &[Element]) -> Option<&Element> {
    payloads.iter().find(|p| p.is("x", MUC_USER))
}

fn status_codes(x: Option<&Element>) -> Vec<u16> {
    x.map(|x| {
        x.children()
            .filter(|c| c.is("status", MUC_USER))
            .filter_map(|c| c.attr("code")?.parse().ok())
            .collect()
    })
    .unwrap_or_default()
}

fn classify_presence(presence: Presence, room: &BareJid, own: &BareJid) -> RoomInbound {
    let x = muc_user(&presence.payloads);
    let codes = status_codes(x);
    let own_nick = nick(own).ok();
    let is_self = codes.contains(&110)
        || presence.from.as_ref().and_then(|f| f.resource()) == own_nick.as_deref();
    match presence.type_ {
        presence::Type::Error => {
            let condition = presence
                .payloads
                .iter()
                .find_map(|p| StanzaError::try_from(p.clone()).ok())
                .map_or(DefinedCondition::UndefinedCondition, |e| {
                    e.defined_condition
                });
            RoomInbound::JoinRefused(room.clone(), condition)
        }
        presence::Type::None if is_self => RoomInbound::Joined(room.clone()),
        presence::Type::Unavailable if is_self => {
            let destroyed = x.is_some_and(|x| x.children().any(|c| c.is("destroy", MUC_USER)));
            let reason = if destroyed {
                Some(RoomLeftReason::Destroyed)
            } else if codes.iter().any(|c| matches!(c, 301 | 307 | 321)) {
                Some(RoomLeftReason::Removed)
            } else {
                None
            };
            RoomInbound::Gone(room.clone(), reason)
        }
        _ => RoomInbound::Ignored,
    }
}

fn classify_message(
    mut message: Message,
    room: &BareJid,
    own: &BareJid,
    now_ms: i64,
) -> RoomInbound {
    if let Ok(Some(result)) = message.extract_payload::<mam::Result_>() {
        return archive_result(result, room, own, now_ms);
    }
    let x = muc_user(&message.payloads);
    if message.type_ != MessageType::Groupchat {
        return RoomInbound::Ignored;
    }
    if message.bodies.is_empty() {
        if let Some(marker) = message
            .payloads
            .iter()
            .find_map(|p| Displayed::try_from(p.clone()).ok())
        {
            // Only the user's own markers are read state; other members' are theirs.
            let by_user =
                message.from.as_ref().and_then(|f| f.resource()) == nick(own).ok().as_deref();
            return if by_user {
                RoomInbound::Event(Event::Displayed {
                    peer: room.to_string(),
                    network_id: marker.id.0,
                    by_user: true,
                })
            } else {
                RoomInbound::Ignored
            };
        }
        return if status_codes(x).contains(&104) {
            RoomInbound::ConfigChanged(room.clone())
        } else {
            RoomInbound::Ignored
        };
    }
    match posted(message, None, room, now_ms) {
        Some(m) if m.from == own.as_str() => {
            RoomInbound::Event(Event::MessageSentElsewhere { message: m })
        }
        Some(m) => RoomInbound::Event(Event::MessageReceived { message: m }),
        None => RoomInbound::Ignored,
    }
}

fn archive_result(result: mam::Result_, room: &BareJid, own: &BareJid, now_ms: i64) -> RoomInbound {
    archive::archived(result, own, |message, delay| {
        (message.type_ == MessageType::Groupchat)
            .then(|| posted(message, delay, room, now_ms))
            .flatten()
    })
    .map_or(RoomInbound::Ignored, |(query_id, item)| {
        RoomInbound::ArchiveResult { query_id, item }
    })
}

/// A message with a text posted in `room`. Its archive id counts only when
/// the room stamped it, its delay only when the room or the archive did.
fn posted(
    mut message: Message,
    archive_delay: Option<&Delay>,
    room: &BareJid,
    now_ms: i64,
) -> Option<ChatMessage> {
    let (_, body) = message.get_best_body_cloned(vec![])?;
    let nick = message.from.as_ref()?.resource()?.as_str().to_owned();
    let from = match BareJid::new(&nick) {
        Ok(jid) if jid.node().is_some() => jid.to_string(),
        _ => format!("{room}/{nick}"),
    };
    let room_delay = message
        .extract_payload::<Delay>()
        .ok()
        .flatten()
        .filter(|d| d.from.as_ref().is_some_and(|f| f.to_bare() == *room));
    let timestamp_ms = archive_delay
        .or(room_delay.as_ref())
        .map_or(now_ms, |d| d.stamp.0.timestamp_millis());
    let (network_id, archive_id) = chat::ids(&mut message, room);
    Some(ChatMessage {
        network_id,
        archive_id,
        room: Some(room.to_string()),
        from,
        to: room.to_string(),
        body,
        timestamp_ms,
        from_stranger: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Stanza {
        let element: Element = xml.parse().unwrap();
        Stanza::try_from(element).unwrap()
    }

    fn room() -> BareJid {
        BareJid::new("team@conference.localhost").unwrap()
    }

    fn own() -> BareJid {
        BareJid::new("alice@localhost").unwrap()
    }

    #[test]
    fn a_message_in_a_room_names_its_sender_and_the_rooms_archive_id() {
        let stanza = parse(
            "<message xmlns='jabber:client' type='groupchat' id='c1' \
             from='team@conference.localhost/bob@localhost' to='alice@localhost/x'>\
             <body>hi all</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='team@conference.localhost' id='A1'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='FORGED'/>\
             </message>",
        );
        let RoomInbound::Event(Event::MessageReceived { message }) =
            classify(stanza, &room(), &own(), 7)
        else {
            panic!("expected a received message");
        };
        assert_eq!(message.from, "bob@localhost");
        assert_eq!(message.room.as_deref(), Some("team@conference.localhost"));
        assert_eq!(message.archive_id.as_deref(), Some("A1"));
        assert_eq!(message.network_id.as_deref(), Some("c1"));
        assert_eq!(message.timestamp_ms, 7);
    }

    #[test]
    fn the_users_own_message_comes_back_as_sent_elsewhere() {
        let stanza = parse(
            "<message xmlns='jabber:client' type='groupchat' id='c2' \
             from='team@conference.localhost/alice@localhost'><body>mine</body></message>",
        );
        assert!(matches!(
            classify(stanza, &room(), &own(), 0),
            RoomInbound::Event(Event::MessageSentElsewhere { .. })
        ));
    }

    #[test]
    fn a_nickname_that_is_no_address_shows_with_the_room() {
        let stanza = parse(
            "<message xmlns='jabber:client' type='groupchat' \
             from='team@conference.localhost/Bobby'><body>x</body></message>",
        );
        let RoomInbound::Event(Event::MessageReceived { message }) =
            classify(stanza, &room(), &own(), 0)
        else {
            panic!("expected a received message");
        };
        assert_eq!(message.from, "team@conference.localhost/Bobby");
    }

    #[test]
    fn removal_and_destruction_are_told_apart_from_leaving() {
        let removed = parse(
            "<presence xmlns='jabber:client' type='unavailable' \
             from='team@conference.localhost/alice@localhost'>\
             <x xmlns='http://jabber.org/protocol/muc#user'>\
             <item affiliation='none' role='none'/><status code='110'/><status code='321'/></x>\
             </presence>",
        );
        assert_eq!(
            classify(removed, &room(), &own(), 0),
            RoomInbound::Gone(room(), Some(RoomLeftReason::Removed))
        );
        let destroyed = parse(
            "<presence xmlns='jabber:client' type='unavailable' \
             from='team@conference.localhost/alice@localhost'>\
             <x xmlns='http://jabber.org/protocol/muc#user'>\
             <item affiliation='none' role='none'/><destroy/><status code='110'/></x>\
             </presence>",
        );
        assert_eq!(
            classify(destroyed, &room(), &own(), 0),
            RoomInbound::Gone(room(), Some(RoomLeftReason::Destroyed))
        );
        let left = parse(
            "<presence xmlns='jabber:client' type='unavailable' \
             from='team@conference.localhost/alice@localhost'>\
             <x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/></x></presence>",
        );
        assert_eq!(
            classify(left, &room(), &own(), 0),
            RoomInbound::Gone(room(), None)
        );
        let other = parse(
            "<presence xmlns='jabber:client' type='unavailable' \
             from='team@conference.localhost/bob@localhost'/>",
        );
        assert_eq!(classify(other, &room(), &own(), 0), RoomInbound::Ignored);
    }
}
