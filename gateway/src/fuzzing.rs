//! Narrow doors into the gateway's parsers for the fuzz targets in `fuzz/`,
//! built only with the `fuzzing` feature: each wraps one pure function the
//! gateway runs on outside input, so the modules themselves stay private.
//! Not an API: nothing else may use it.

use std::time::Instant;

use ezk_sip_types::{Headers, Name, header::typed::FromTo};
use splitline_protocol::{Event, PhoneNumber};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
    minidom::Element,
};

use crate::{
    calls::{
        control::caller,
        policy::NumberPolicy,
        sip::{
            digest::{DigestGuard, Verdict},
            sdp,
        },
    },
    config::{CallPolicyConfig, DigestLogin, sip::CALL_LINE_TYPES},
    event_log::EventLog,
    http::validate,
    stranger_quota::StrangerLimits,
    xmpp::xep::{chat, inbound},
};

/// What [`classify_stanza`] made of a stanza, reduced to what a target checks.
#[derive(Debug, PartialEq)]
pub enum Classified {
    /// Trusted only from the user's own account: a roster push, an archive
    /// result, a read position pushed by the server, another login's presence.
    OwnAccountOnly(&'static str),
    /// An event for the phone's stream.
    Event(Event),
    /// A contact's device presence, or an IQ answered with a result or error.
    Handled,
    /// Nothing for the phone.
    Ignored,
}

/// Parses `xml` as a stanza and classifies it for the user `own` (a bare
/// address), as the session does with what the server delivers; `None` when
/// it is no stanza or `own` no address.
pub fn classify_stanza(xml: &str, own: &str, now_ms: i64) -> Option<Seen> {
    let own = BareJid::new(own).ok()?;
    let element: Element = xml.parse().ok()?;
    let stanza = Stanza::try_from(element).ok()?;
    let sender = match &stanza {
        Stanza::Iq(iq) => iq.from(),
        Stanza::Message(message) => message.from.as_ref(),
        Stanza::Presence(presence) => presence.from.as_ref(),
    }
    .map(|from| from.to_bare().to_string());
    Some(Seen {
        sender,
        classified: classify(stanza, &own, now_ms),
    })
}

/// A classified stanza and its sender.
#[derive(Debug)]
pub struct Seen {
    /// The bare address the stanza came from (`None`: the user's own server).
    pub sender: Option<String>,
    /// What it means.
    pub classified: Classified,
}

fn classify(stanza: Stanza, own: &BareJid, now_ms: i64) -> Classified {
    use inbound::Inbound;
    match inbound::classify(stanza, own, now_ms) {
        Inbound::RosterPush { .. } => Classified::OwnAccountOnly("roster push"),
        Inbound::ArchiveResult { .. } => Classified::OwnAccountOnly("archive result"),
        Inbound::Events(_) => Classified::OwnAccountOnly("pushed read positions"),
        Inbound::OwnDevicePresence { .. } => Classified::OwnAccountOnly("own device presence"),
        Inbound::Event(event) => Classified::Event(event),
        Inbound::UnsupportedIq { .. } | Inbound::DiscoInfo { .. } => Classified::Handled,
        Inbound::DevicePresence { .. } => Classified::Handled,
        Inbound::Ignored => Classified::Ignored,
    }
}

/// The chat message the gateway sends for the phone (`body`, client id
/// `id`, to `to`), as `from` would deliver it back to `to`: classified for
/// `to`. The round trip of the encoder through the decoder; `None` when
/// `from` or `to` is no address.
pub fn send_and_receive(from: &str, to: &str, body: &str, id: &str) -> Option<Seen> {
    let from = Jid::new(from).ok()?;
    let to = BareJid::new(to).ok()?;
    let mut message = chat::chat_message(to.clone(), body, id);
    let sender = Some(from.to_bare().to_string());
    message.from = Some(from);
    Some(Seen {
        sender,
        classified: classify(Stanza::Message(message), &to, 0),
    })
}

/// Who an INVITE with this `From:` value and these P-Asserted-Identity
/// values says is calling, when its source is `trusted`; `None` when the
/// `From:` does not parse (the SIP stack refuses such a request).
pub fn identify_caller(from: &str, asserted: &[&str], trusted: bool) -> Option<CallerSeen> {
    let mut headers = Headers::new();
    headers.insert(Name::FROM, from.to_owned());
    let from: FromTo = headers.get(Name::FROM).ok()?;
    let seen = caller::believe(&from, asserted.iter().copied(), trusted);
    Some(CallerSeen {
        display_for_mobile: caller::sip_display_name(seen.name.as_deref().unwrap_or(&seen.shown)),
        shown: seen.shown,
        number: seen.number,
        name: seen.name,
        asserted: seen.asserted,
    })
}

/// A caller as [`identify_caller`] saw it.
#[derive(Debug)]
pub struct CallerSeen {
    /// What the records and the app show.
    pub shown: String,
    /// The number that may claim a call-through reservation.
    pub number: Option<PhoneNumber>,
    /// The display name passed on to the app.
    pub name: Option<String>,
    /// True when a trusted trunk asserted the caller.
    pub asserted: bool,
    /// The display name the user's mobile is rung with.
    pub display_for_mobile: String,
}

/// The longest display name the app is shown, in characters.
pub const MAX_CALLER_NAME_CHARS: usize = caller::MAX_NAME_CHARS;

/// A telephone number in a SIP user part, as the gateway reads one.
pub fn sip_user_number(user: &str) -> Option<PhoneNumber> {
    caller::phone_number(user)
}

/// Whether a fresh digest guard (realm `realm`, which has handed out no
/// nonce yet) accepts an INVITE carrying these `Authorization` values.
pub fn digest_accepts(realm: &str, authorization: &[&str]) -> bool {
    let guard = DigestGuard::new(
        DigestLogin {
            user: "trunk".to_owned(),
            password: "secret".parse().unwrap_or_else(|never| match never {}),
        },
        realm.to_owned(),
    );
    let mut headers = Headers::new();
    for value in authorization {
        headers.insert(Name::AUTHORIZATION, (*value).to_owned());
    }
    matches!(
        guard.check("INVITE", &headers, Instant::now()),
        Verdict::Accepted
    )
}

/// The SDP the gateway relays with its own origin `o=` line.
pub fn sdp_with_origin(sdp: &[u8], session_id: u64, version: u64) -> Vec<u8> {
    sdp::with_origin(sdp, session_id, version).to_vec()
}

/// The answer refusing every media stream of `offer`.
pub fn sdp_refusal(offer: &[u8], session_id: u64) -> Vec<u8> {
    sdp::refusal(offer, session_id).to_vec()
}

/// True when `sdp` offers a media stream.
pub fn sdp_has_media(sdp: &[u8]) -> bool {
    sdp::has_media(sdp)
}

/// The gateway's default number policy (home country `home`): whether the
/// trunk may call `number`, and whether it may be verified as a mobile.
pub fn default_policy_allows(home: &str, number: &PhoneNumber) -> (bool, bool) {
    let policy = NumberPolicy::new(CallPolicyConfig {
        countries: vec![home.to_owned()],
        line_types: CALL_LINE_TYPES.to_vec(),
        deny_prefixes: Vec::new(),
    });
    (
        policy.check_callee(number).is_ok(),
        policy.check_mobile(number).is_ok(),
    )
}

/// The gateway's check of an address field (`user@domain`): the address
/// normalised, or `None` when refused.
pub fn valid_bare_jid(value: &str) -> Option<String> {
    validate::bare_jid("field", value)
        .ok()
        .map(|j| j.to_string())
}

/// The gateway's check of a client-chosen id.
pub fn valid_client_token(value: &str) -> bool {
    validate::client_token("field", value).is_ok()
}

/// The gateway's check of a text field of at most `max` characters.
pub fn valid_text(value: &str, max: usize, allow_empty: bool) -> bool {
    validate::text("field", value, max, allow_empty).is_ok()
}

/// A fresh event log (epoch `epoch`, at most `capacity` events and
/// `max_bytes` bytes), with `strangers` as the strangers' share.
pub fn event_log(
    epoch: &str,
    capacity: usize,
    max_bytes: usize,
    strangers: StrangerLimits,
) -> EventLogDoor {
    EventLogDoor(EventLog::new(epoch.to_owned(), capacity, max_bytes).with_strangers(strangers))
}

/// An [`EventLog`] seen through the calls a fuzz target makes.
pub struct EventLogDoor(EventLog);

impl EventLogDoor {
    /// Appends the user's own `event`; its sequence number.
    pub fn push(&self, event: Event) -> u64 {
        self.0.push(event)
    }

    /// Appends `event` from the stranger `sender`, unless their share is full.
    pub fn push_from_stranger(&self, event: Event, sender: &str) -> Option<u64> {
        self.0.push_from_stranger(event, sender).ok()
    }

    /// The cursor before everything the log holds.
    pub fn start_cursor(&self) -> String {
        self.0.start_cursor()
    }

    /// The cursor after everything the log holds.
    pub fn head_cursor(&self) -> String {
        self.0.head_cursor()
    }

    /// The events after `cursor` (sequence numbers and events) and the cursor
    /// after them; `None` when the cursor is unknown or expired.
    pub fn read(&self, cursor: &str) -> Option<(Vec<(u64, Event)>, String)> {
        let (events, next) = self.0.read(cursor).ok()?;
        Some((events.into_iter().map(|e| (e.seq, e.event)).collect(), next))
    }
}
