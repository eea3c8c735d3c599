//! Room invitations, and what makes one believable: a mediated invitation
//! (XEP-0045 §7.8.2, `<x xmlns='…muc#user'><invite from='…'/></x>`) comes
//! from the room itself, a direct one (XEP-0249, `<x
//! xmlns='jabber:x:conference' jid='…'/>`) from the inviter, and either way
//! the room must prove that it is a room ([`is_room`]) before anyone joins.
//! Who may invite (a contact) is the session's to decide.

use tokio_xmpp::{
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::{
        disco::DiscoInfoResult,
        message::{Message, MessageType},
    },
};

const MUC: &str = "http://jabber.org/protocol/muc";
const MUC_USER: &str = "http://jabber.org/protocol/muc#user";
const CONFERENCE: &str = "jabber:x:conference";

/// An invitation whose form holds: who invites the user into which room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invitation {
    /// The room the user is invited into.
    pub(crate) room: BareJid,
    /// Who invites, as the invitation names them.
    pub(crate) by: BareJid,
}

/// Why an invitation is not believed, before anything is asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Forged {
    /// A mediated invitation must come from the room's bare address; this
    /// one came from an occupant, a user or no one.
    #[error("a mediated invitation that does not come from a room's bare address")]
    NotFromRoom,
    /// A mediated invitation names no inviter, or one that is no user.
    #[error("a mediated invitation that names no inviter")]
    NoInviter,
    /// A direct invitation names no room, or one that is no address.
    #[error("a direct invitation that names no room")]
    NoRoom,
    /// A direct invitation with no sender.
    #[error("a direct invitation with no sender")]
    NoSender,
    /// The invitation points at the inviter's own address (or the user's).
    #[error("an invitation into a person's own address")]
    PersonAsRoom,
}

/// The invitation `message` carries for `own`: `None` if it carries none,
/// the reason if its form is wrong. A post in a room and a bounce are never
/// invitations (a post that quotes one stays a post).
pub(crate) fn parse(message: &Message, own: &BareJid) -> Option<Result<Invitation, Forged>> {
    if matches!(message.type_, MessageType::Groupchat | MessageType::Error) {
        return None;
    }
    let invitation = if let Some(invite) = message
        .payloads
        .iter()
        .find(|p| p.is("x", MUC_USER))
        .and_then(|x| x.get_child("invite", MUC_USER))
    {
        mediated(message.from.as_ref(), invite)
    } else {
        let x = message.payloads.iter().find(|p| p.is("x", CONFERENCE))?;
        direct(message.from.as_ref(), x)
    };
    Some(invitation.and_then(|i| {
        if i.room == i.by || i.room == *own {
            Err(Forged::PersonAsRoom)
        } else {
            Ok(i)
        }
    }))
}

/// A mediated invitation: relayed by the room, so sent from its bare
/// address, with the inviter inside.
fn mediated(from: Option<&Jid>, invite: &Element) -> Result<Invitation, Forged> {
    let room = from
        .filter(|f| f.resource().is_none())
        .map(Jid::to_bare)
        .filter(|room| room.node().is_some())
        .ok_or(Forged::NotFromRoom)?;
    let by = invite
        .attr("from")
        .and_then(|f| Jid::new(f).ok())
        .map(|f| f.to_bare())
        .filter(|by| by.node().is_some())
        .ok_or(Forged::NoInviter)?;
    Ok(Invitation { room, by })
}

/// A direct invitation: sent by the inviter, naming the room.
fn direct(from: Option<&Jid>, x: &Element) -> Result<Invitation, Forged> {
    let by = from.ok_or(Forged::NoSender)?.to_bare();
    let room = x
        .attr("jid")
        .and_then(|r| BareJid::new(r).ok())
        .filter(|r| r.node().is_some())
        .ok_or(Forged::NoRoom)?;
    Ok(Invitation { room, by })
}

/// Whether a service discovery answer (XEP-0030) describes a multi-user
/// chat room: a `conference` identity and the MUC feature. A user's account,
/// which the server answers for, is neither.
pub(crate) fn is_room(payload: Option<Element>) -> bool {
    payload
        .and_then(|p| DiscoInfoResult::try_from(p).ok())
        .is_some_and(|info| {
            info.identities.iter().any(|i| i.category == "conference")
                && info.features.contains(MUC)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        let element: Element = xml.parse().unwrap();
        Message::try_from(element).unwrap()
    }

    fn own() -> BareJid {
        BareJid::new("alice@localhost").unwrap()
    }

    fn invitation(room: &str, by: &str) -> Invitation {
        Invitation {
            room: BareJid::new(room).unwrap(),
            by: BareJid::new(by).unwrap(),
        }
    }

    fn mediated_from(from: &str) -> Message {
        message(&format!(
            "<message xmlns='jabber:client' from='{from}' to='alice@localhost'>\
             <x xmlns='{MUC_USER}'><invite from='bob@localhost/desk'/></x></message>"
        ))
    }

    #[test]
    fn a_mediated_invitation_counts_only_from_the_rooms_bare_address() {
        assert_eq!(
            parse(&mediated_from("team@conference.localhost"), &own()),
            Some(Ok(invitation("team@conference.localhost", "bob@localhost")))
        );
        // The stranger's own login, claiming the contact inside.
        assert_eq!(
            parse(&mediated_from("eve@localhost/laptop"), &own()),
            Some(Err(Forged::NotFromRoom))
        );
        // An occupant of the room is not the room.
        assert_eq!(
            parse(
                &mediated_from("team@conference.localhost/eve@localhost"),
                &own()
            ),
            Some(Err(Forged::NotFromRoom))
        );
        // A server or component is not a room either.
        assert_eq!(
            parse(&mediated_from("conference.localhost"), &own()),
            Some(Err(Forged::NotFromRoom))
        );
        // The invitation must name a user as its inviter.
        let no_inviter = message(&format!(
            "<message xmlns='jabber:client' from='team@conference.localhost'>\
             <x xmlns='{MUC_USER}'><invite/></x></message>"
        ));
        assert_eq!(parse(&no_inviter, &own()), Some(Err(Forged::NoInviter)));
        // The room may not be the inviter's own address.
        assert_eq!(
            parse(
                &message(&format!(
                    "<message xmlns='jabber:client' from='bob@localhost'>\
                     <x xmlns='{MUC_USER}'><invite from='bob@localhost'/></x></message>"
                )),
                &own()
            ),
            Some(Err(Forged::PersonAsRoom))
        );
    }

    #[test]
    fn a_direct_invitation_names_its_sender_as_the_inviter() {
        let direct = |from: &str, room: &str| {
            message(&format!(
                "<message xmlns='jabber:client' from='{from}' to='alice@localhost'>\
                 <x xmlns='{CONFERENCE}' jid='{room}' reason='come'/></message>"
            ))
        };
        assert_eq!(
            parse(
                &direct("bob@localhost/desk", "team@conference.localhost"),
                &own()
            ),
            Some(Ok(invitation("team@conference.localhost", "bob@localhost")))
        );
        assert_eq!(
            parse(&direct("bob@localhost/desk", "bob@localhost"), &own()),
            Some(Err(Forged::PersonAsRoom))
        );
        assert_eq!(
            parse(&direct("bob@localhost/desk", "alice@localhost"), &own()),
            Some(Err(Forged::PersonAsRoom))
        );
        assert_eq!(
            parse(
                &direct("bob@localhost/desk", "conference.localhost"),
                &own()
            ),
            Some(Err(Forged::NoRoom))
        );
        let plain = message(
            "<message xmlns='jabber:client' from='bob@localhost/desk'><body>hi</body></message>",
        );
        assert_eq!(parse(&plain, &own()), None);
        let post = message(&format!(
            "<message xmlns='jabber:client' type='groupchat' \
             from='team@conference.localhost/bob@localhost'><body>see</body>\
             <x xmlns='{CONFERENCE}' jid='games@conference.localhost'/></message>"
        ));
        assert_eq!(parse(&post, &own()), None);
    }

    #[test]
    fn only_a_conference_identity_with_the_muc_feature_is_a_room() {
        let info = |identity: &str, feature: &str| {
            Some(
                format!(
                    "<query xmlns='http://jabber.org/protocol/disco#info'>{identity}\
                     <feature var='{feature}'/></query>"
                )
                .parse::<Element>()
                .unwrap(),
            )
        };
        assert!(is_room(info(
            "<identity category='conference' type='text' name='Team'/>",
            MUC
        )));
        // What the server answers for a user's bare address.
        assert!(!is_room(info(
            "<identity category='account' type='registered'/>",
            "http://jabber.org/protocol/pubsub#publish"
        )));
        assert!(!is_room(info(
            "<identity category='conference' type='text'/>",
            "urn:xmpp:mam:2"
        )));
        assert!(!is_room(info(
            "<identity category='account' type='registered'/>",
            MUC
        )));
        assert!(!is_room(None));
    }
}
