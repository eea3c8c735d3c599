//! What an incoming stanza (from anyone but one of the user's rooms: see
//! [`super::muc::classify`]) means for the phone, and the IQ answers the
//! gateway gives to requests it receives.

use splitline_protocol::{ArchivedMessage, Event};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
    parsers::{
        disco::DiscoInfoQuery,
        iq::Iq,
        mam,
        message::Message,
        presence::{self, Presence},
        roster,
        stanza_error::{DefinedCondition, ErrorType, StanzaError},
    },
};

use super::{chat, mam as archive, mds, presence::DevicePresence, roster as contacts};

/// What an incoming stanza means.
#[derive(Debug, PartialEq)]
pub(crate) enum Inbound {
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
    /// [`super::disco::disco_answer`].
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
        item: ArchivedMessage,
    },
    /// One device of a contact changed presence (`None`: went offline).
    DevicePresence {
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
pub(crate) fn classify(stanza: Stanza, own: &BareJid, now_ms: i64) -> Inbound {
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
                && let Some(items) = contacts::parse(Some(payload))
            {
                return Inbound::RosterPush { id, items };
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
        if let Some(events) = mds::pushed(&message, own) {
            return Inbound::Events(events);
        }
        if let Ok(Some(result)) = message.extract_payload::<mam::Result_>() {
            return archive::archived(result, own, |message, delay| {
                chat::chat(message, delay, own, now_ms)
            })
            .map_or(Inbound::Ignored, |(query_id, item)| {
                Inbound::ArchiveResult { query_id, item }
            });
        }
        if let Some(carbon) = chat::carbon(&mut message, own, now_ms) {
            return carbon.map_or(Inbound::Ignored, Inbound::Event);
        }
    }
    chat::received(message, own, now_ms).map_or(Inbound::Ignored, Inbound::Event)
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
    if jid == *own {
        return match presence.type_ {
            presence::Type::None if !device.is_empty() => Inbound::OwnDevicePresence {
                device,
                presence: DevicePresence::announced(&presence),
            },
            _ => Inbound::Ignored,
        };
    }
    match presence.type_ {
        presence::Type::None => Inbound::DevicePresence {
            jid,
            device,
            presence: Some(DevicePresence::announced(&presence)),
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

/// The acknowledgement of an IQ request.
pub(crate) fn iq_result(id: String, to: Option<Jid>) -> Iq {
    Iq::Result {
        from: None,
        to,
        id,
        payload: None,
    }
}

/// The refusal of an IQ request this gateway does not serve.
pub(crate) fn iq_unsupported(id: String, to: Option<Jid>) -> Iq {
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
mod tests;
