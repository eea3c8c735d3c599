//! Presence (RFC 6121): what a device announces, the user's own presence
//! with this session's capabilities, and subscription requests and answers.

use splitline_protocol::Availability;
use tokio_xmpp::{
    jid::{BareJid, Jid},
    parsers::{
        message::Lang,
        presence::{self, Presence, Show},
    },
};

use super::disco;

/// One device's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DevicePresence {
    /// How available the device is.
    pub(crate) availability: Availability,
    /// Its status text.
    pub(crate) status: Option<String>,
    /// Its priority.
    pub(crate) priority: i8,
}

impl DevicePresence {
    /// What an available presence announces.
    pub(crate) fn announced(presence: &Presence) -> Self {
        Self {
            availability: availability(presence.show.as_ref()),
            status: presence
                .statuses
                .values()
                .next()
                .cloned()
                .filter(|s| !s.is_empty()),
            priority: presence.priority.0,
        }
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

/// One's own presence to broadcast, with this session's capabilities.
pub(crate) fn own_presence(availability: Availability, status: Option<&str>) -> Presence {
    let mut presence = Presence::available().with_payload(disco::caps());
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
pub(crate) fn subscription(kind: presence::Type, to: &BareJid) -> Presence {
    Presence::new(kind).with_to(Jid::from(to.clone()))
}
