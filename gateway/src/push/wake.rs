//! Which events wake the phone, and how urgently (RFC 8030 §5.3 `Urgency`,
//! §5.2 `TTL`): a call is high and short-lived; a message normal; a room
//! message that only the room's `all` setting lets through low.

use splitline_protocol::{ChatMessage, Event, PushReason, PushedMessage, RoomPush};

/// RFC 8030 urgency, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Urgency {
    /// `low`.
    Low,
    /// `normal`.
    Normal,
    /// `high`.
    High,
}

impl Urgency {
    /// The header value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// How long a push about a message or request may wait at the push service.
const DAY_SECS: u32 = 24 * 3600;
/// How long a push about a call may: past it the call has moved on.
const CALL_TTL_SECS: u32 = 60;

/// One event that wakes the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wake {
    /// Why.
    pub(crate) reason: PushReason,
    /// How urgent.
    pub(crate) urgency: Urgency,
    /// How long the push service may hold it, seconds.
    pub(crate) ttl_secs: u32,
    /// The message, for devices that take text.
    pub(crate) message: Option<PushedMessage>,
}

/// What `event` means for a phone that is not polling: `own` is the user's
/// bare address (their nickname in rooms), `room_setting` the device's
/// setting for a room.
pub(crate) fn classify(
    event: &Event,
    own: &str,
    room_setting: impl FnOnce(&str) -> RoomPush,
) -> Option<Wake> {
    let wake = |reason, urgency, ttl_secs| Wake {
        reason,
        urgency,
        ttl_secs,
        message: None,
    };
    match event {
        Event::MessageReceived { message } => match &message.room {
            None => Some(Wake {
                message: Some(pushed(message, &message.from)),
                ..wake(PushReason::Message, Urgency::Normal, DAY_SECS)
            }),
            Some(room) => room_wake(message, room, own, room_setting(room)),
        },
        Event::SubscriptionRequested { .. } => {
            Some(wake(PushReason::ContactRequest, Urgency::Low, DAY_SECS))
        }
        Event::CallIncoming { .. } | Event::CallChanged { .. } => {
            Some(wake(PushReason::Call, Urgency::High, CALL_TTL_SECS))
        }
        Event::SessionEnded { .. } => {
            Some(wake(PushReason::SessionEnded, Urgency::Normal, DAY_SECS))
        }
        _ => None,
    }
}

fn room_wake(message: &ChatMessage, room: &str, own: &str, setting: RoomPush) -> Option<Wake> {
    if message.from == own || message.from.eq_ignore_ascii_case(own) {
        return None;
    }
    let urgency = match (setting, mentions(&message.body, own)) {
        (RoomPush::Never, _) | (RoomPush::Mentions, false) => return None,
        (_, true) => Urgency::Normal,
        (RoomPush::All, false) => Urgency::Low,
    };
    Some(Wake {
        reason: PushReason::RoomMessage,
        urgency,
        ttl_secs: DAY_SECS,
        message: Some(PushedMessage {
            chat: room.to_owned(),
            ..pushed(message, &message.from)
        }),
    })
}

fn pushed(message: &ChatMessage, from: &str) -> PushedMessage {
    PushedMessage {
        chat: message.from.clone(),
        from: from.to_owned(),
        body: message.body.clone(),
    }
}

/// Whether `body` mentions the user: their nickname (the bare address), or
/// its local part as a whole word, in any case.
fn mentions(body: &str, own: &str) -> bool {
    let body = body.to_lowercase();
    let own = own.to_lowercase();
    if body.contains(&own) {
        return true;
    }
    let local = own.split_once('@').map_or(own.as_str(), |(local, _)| local);
    !local.is_empty()
        && body
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .any(|word| word.trim_matches('.') == local)
}

#[cfg(test)]
mod tests {
    use splitline_protocol::{CallState, SessionEndReason};

    use super::*;

    fn message(room: Option<&str>, from: &str, body: &str) -> Event {
        Event::MessageReceived {
            message: ChatMessage {
                network_id: None,
                archive_id: None,
                room: room.map(str::to_owned),
                from: from.to_owned(),
                to: "alice@localhost".to_owned(),
                body: body.to_owned(),
                timestamp_ms: 0,
                from_stranger: false,
            },
        }
    }

    const ME: &str = "alice@localhost";
    const ROOM: &str = "team@muc.localhost";

    #[test]
    fn messages_requests_calls_and_session_ends_wake_with_their_urgency() {
        let chat = classify(&message(None, "bob@localhost", "hi"), ME, |_| {
            RoomPush::Never
        })
        .unwrap();
        assert_eq!(
            (chat.reason, chat.urgency),
            (PushReason::Message, Urgency::Normal)
        );
        assert_eq!(chat.message.unwrap().body, "hi");
        let call = classify(
            &Event::CallChanged {
                call_id: "c".to_owned(),
                state: CallState::Ringing,
                reason: None,
            },
            ME,
            |_| RoomPush::All,
        )
        .unwrap();
        assert_eq!(
            (call.reason, call.urgency, call.ttl_secs),
            (PushReason::Call, Urgency::High, 60)
        );
        let request = Event::SubscriptionRequested {
            from: "bob@localhost".to_owned(),
        };
        assert_eq!(
            classify(&request, ME, |_| RoomPush::All).unwrap().reason,
            PushReason::ContactRequest
        );
        let ended = Event::SessionEnded {
            reason: SessionEndReason::IdleTimeout,
        };
        assert_eq!(
            classify(&ended, ME, |_| RoomPush::All).unwrap().reason,
            PushReason::SessionEnded
        );
        let presence = Event::ContactRemoved {
            jid: "bob@localhost".to_owned(),
        };
        assert_eq!(classify(&presence, ME, |_| RoomPush::All), None);
    }

    #[test]
    fn a_room_message_wakes_by_the_rooms_setting() {
        let plain = message(Some(ROOM), "bob@localhost", "lunch?");
        let mention = message(Some(ROOM), "bob@localhost", "Alice, lunch?");
        let own = message(Some(ROOM), ME, "alice here");
        assert_eq!(classify(&plain, ME, |_| RoomPush::Mentions), None);
        let woken = classify(&mention, ME, |_| RoomPush::Mentions).unwrap();
        assert_eq!(
            (woken.reason, woken.urgency),
            (PushReason::RoomMessage, Urgency::Normal)
        );
        assert_eq!(woken.message.unwrap().chat, ROOM);
        assert_eq!(
            classify(&plain, ME, |_| RoomPush::All).unwrap().urgency,
            Urgency::Low
        );
        assert_eq!(classify(&mention, ME, |_| RoomPush::Never), None);
        assert_eq!(classify(&own, ME, |_| RoomPush::All), None);
        let inside_word = message(Some(ROOM), "bob@localhost", "malice aforethought");
        assert_eq!(classify(&inside_word, ME, |_| RoomPush::Mentions), None);
    }
}
