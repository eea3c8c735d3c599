//! One-to-one chat: messages with a text, displayed markers (XEP-0333),
//! message carbons (XEP-0280) and the ids that make a message known
//! (origin and stanza ids, XEP-0359).

use splitline_protocol::{ChatMessage, Event};
use tokio_xmpp::{
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::{
        carbons,
        delay::Delay,
        displayed_markers::{Displayed, Markable},
        message::{Id, Lang, Message, MessageType},
        stanza_error::{DefinedCondition, ErrorType, StanzaError},
        stanza_id::{OriginId, StanzaId},
    },
};

/// The longest message id a read marker may name, in bytes.
const MAX_MARKER_ID_BYTES: usize = 256;

/// Chat markers (XEP-0333), which this gateway sends and reads.
pub(crate) const CHAT_MARKERS: &str = "urn:xmpp:chat-markers:0";

/// A chat message whose stanza id and origin id are the client's id; it asks
/// for displayed markers (XEP-0333).
pub(crate) fn chat_message(to: BareJid, body: &str, id: &str) -> Message {
    let mut message =
        Message::chat(Some(Jid::from(to))).with_body(Lang::default(), body.to_owned());
    message.id = Some(Id(id.to_owned()));
    message
        .with_payload(OriginId { id: id.to_owned() })
        .with_payload(Markable)
}

/// A displayed marker: the user has seen the chat with `to` up to its message `id`.
pub(crate) fn displayed_marker(to: BareJid, id: &str) -> Message {
    Message::chat(Some(Jid::from(to))).with_payload(Displayed {
        id: Id(id.to_owned()),
    })
}

/// The error that tells the sender of message `id` that it was not delivered
/// and may be tried later (`resource-constraint`, type `wait`), with `text`
/// as the reason. It carries none of the message's content.
pub(crate) fn refusal(to: Jid, id: Option<Id>, text: &str) -> Message {
    let mut message = Message::new(Some(to));
    message.type_ = MessageType::Error;
    message.id = id;
    message.with_payload(StanzaError::new(
        ErrorType::Wait,
        DefinedCondition::ResourceConstraint,
        "en",
        text,
    ))
}

/// The payload that turns message carbons on.
pub(crate) fn enable_carbons() -> Element {
    carbons::Enable.into()
}

/// What a message sent to the user directly (not a carbon) means: a
/// displayed marker, a message received, or nothing.
pub(crate) fn received(message: Message, own: &BareJid, now_ms: i64) -> Option<Event> {
    if let Some(event) = displayed(&message, false) {
        return Some(event);
    }
    chat(message, None, own, now_ms).map(|m| Event::MessageReceived { message: m })
}

/// What a carbon means, or `None` when `message` is no carbon. The caller
/// checks that it came from the user's own account: anyone else could forge
/// one. A sent carbon is the user's own message or marker from another
/// login; a received one was delivered to another login.
pub(crate) fn carbon(message: &mut Message, own: &BareJid, now_ms: i64) -> Option<Option<Event>> {
    let (forwarded, sent) = if let Ok(Some(sent)) = message.extract_payload::<carbons::Sent>() {
        (sent.forwarded, true)
    } else if let Ok(Some(received)) = message.extract_payload::<carbons::Received>() {
        (received.forwarded, false)
    } else {
        return None;
    };
    if let Some(event) = displayed(&forwarded.message, sent) {
        return Some(Some(event));
    }
    let message = chat(forwarded.message, forwarded.delay.as_ref(), own, now_ms);
    Some(message.map(|message| {
        if sent {
            Event::MessageSentElsewhere { message }
        } else {
            Event::MessageReceived { message }
        }
    }))
}

/// A bodiless 1:1 message carrying a displayed marker: read by the user on
/// another device (`by_user`, a sent carbon) or by the other party. A marker
/// naming an id longer than [`MAX_MARKER_ID_BYTES`] is ignored: no message
/// the gateway sends or passes on has one.
fn displayed(message: &Message, by_user: bool) -> Option<Event> {
    if !matches!(message.type_, MessageType::Chat | MessageType::Normal)
        || !message.bodies.is_empty()
    {
        return None;
    }
    let marker = message
        .payloads
        .iter()
        .find_map(|p| Displayed::try_from(p.clone()).ok())
        .filter(|m| m.id.0.len() <= MAX_MARKER_ID_BYTES)?;
    let peer = if by_user { &message.to } else { &message.from };
    Some(Event::Displayed {
        peer: peer.as_ref()?.to_bare().to_string(),
        network_id: marker.id.0,
        by_user,
    })
}

/// A 1:1 message with a text, or `None` for anything else (errors, group
/// chat, chat states without a body). `outer_delay` is the stamp of the
/// wrapper the user's own account sent it in (an archive result or a carbon);
/// the caller checks where that came from. Otherwise the message is timed
/// at `now_ms`, unless the user's own server stamped it on delivery from
/// offline storage (see [`offline_delay`]). Likewise an archive id counts
/// only when the user's own archive (`own`) stamped it (see [`ids`]).
pub(crate) fn chat(
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
    let inner_delay = offline_delay(&message, own);
    let timestamp_ms = outer_delay
        .or(inner_delay.as_ref())
        .map_or(now_ms, |d| d.stamp.0.timestamp_millis());
    let (network_id, archive_id) = ids(&mut message, own);
    Some(ChatMessage {
        network_id,
        archive_id,
        room: None,
        from,
        to,
        body,
        timestamp_ms,
        from_stranger: false,
    })
}

/// The delay stamp the user's own server put on a message it delivers from
/// offline storage, or `None`. Anyone can write `<delay from='server'>` into
/// a message, so the stamp's `from` proves nothing by itself. What proves it
/// is its place: the server's archive appends its stanza id (by `own`) to
/// every message it routes to the user, after whatever the sender wrote, and
/// offline storage appends its delay after that on delivery. So only a delay
/// from the user's server that follows the last stanza id by `own` is the
/// server's; without such a stanza id (a server without an archive) no
/// delay is trusted.
fn offline_delay(message: &Message, own: &BareJid) -> Option<Delay> {
    let server_stamp = message
        .payloads
        .iter()
        .rposition(|p| StanzaId::try_from(p.clone()).is_ok_and(|s| s.by == *own))?;
    message.payloads[server_stamp + 1..]
        .iter()
        .filter_map(|p| Delay::try_from(p.clone()).ok())
        .find(|d| {
            d.from.as_ref().is_some_and(|f| {
                f.node().is_none() && f.resource().is_none() && f.domain() == own.domain()
            })
        })
}

/// A message's network id (its origin id, or else its stanza id) and the
/// archive id that `archive` stamped on it, if it did (XEP-0359). A sender
/// may write stanza ids claiming to be by `archive` too, and a server may
/// keep them; the archive appends its own after them, so the last one by
/// `archive` is the archive's.
pub(crate) fn ids(message: &mut Message, archive: &BareJid) -> (Option<String>, Option<String>) {
    let origin = message.extract_payload::<OriginId>().ok().flatten();
    let network_id = origin.map(|o| o.id).or(message.id.take().map(|id| id.0));
    let archive_id = message
        .payloads
        .iter()
        .filter_map(|p| StanzaId::try_from(p.clone()).ok())
        .rfind(|s| s.by == *archive)
        .map(|s| s.id);
    (network_id, archive_id)
}
