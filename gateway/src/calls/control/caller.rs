//! Who an incoming INVITE says is calling, and how far that is believed:
//! from a trusted trunk the caller is its P-Asserted-Identity (RFC 3325),
//! never `From:` alone; from anywhere else `From:` is all there is, and it
//! is shown as unverified. Display names are cut to a safe length.

use ezk_sip_core::IncomingRequest;
use ezk_sip_types::{
    Name,
    header::typed::FromTo,
    uri::{SipUri, SipUriUserPart},
};
use splitline_protocol::PhoneNumber;

/// The longest display name passed on, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 64;

/// The RFC 3325 header a trusted network asserts the caller in.
const ASSERTED_IDENTITY: Name = Name::custom("P-Asserted-Identity", &["p-asserted-identity"]);

/// Who calls, as far as the INVITE shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// What the records and the app show: a number (E.164) or a SIP address.
    pub shown: String,
    /// The caller's telephone number, when it may claim a call-through
    /// reservation: asserted by a trusted trunk, or (when no trunk is
    /// trusted) the `From:` of an allowed source.
    pub number: Option<PhoneNumber>,
    /// The display name, cut to [`MAX_NAME_CHARS`] with no control characters.
    pub name: Option<String>,
    /// True when a trusted trunk asserted the caller (and the name).
    pub asserted: bool,
}

/// The caller of `invite`; `trusted` says whether its source is a trunk
/// trusted to assert identities.
pub(super) fn identify(invite: &IncomingRequest, trusted: bool) -> Caller {
    let asserted = invite.headers.get_raw(&ASSERTED_IDENTITY);
    believe(
        &invite.base_headers.from,
        asserted.map(|v| v.as_str()),
        trusted,
    )
}

/// The caller from `From:` and the P-Asserted-Identity values; those count
/// only when `trusted`.
pub(crate) fn believe<'a>(
    from: &FromTo,
    asserted_values: impl Iterator<Item = &'a str>,
    trusted: bool,
) -> Caller {
    let claimed = from_header(from);
    if !trusted {
        return claimed;
    }
    asserted_values
        .flat_map(|value| value.split(','))
        .find_map(asserted)
        .unwrap_or(Caller {
            // A trusted trunk that asserts nothing proves nothing.
            number: None,
            ..claimed
        })
}

fn from_header(from: &FromTo) -> Caller {
    let uri = &from.uri.uri;
    let number = user(uri).and_then(phone_number);
    Caller {
        shown: number
            .as_ref()
            .map_or_else(|| sip_text(uri), |n| n.e164.clone()),
        number,
        name: from.uri.name.as_deref().and_then(safe_name),
        asserted: false,
    }
}

/// One P-Asserted-Identity value: `"Name" <sip:…>`, `<tel:…>` or a bare URI.
fn asserted(value: &str) -> Option<Caller> {
    let value = value.trim();
    let (name, uri) = match value.find('<') {
        Some(open) => {
            let close = value[open..].find('>')? + open;
            let name = value[..open].trim().trim_matches('"');
            (Some(name), &value[open + 1..close])
        }
        None => (None, value),
    };
    let name = name.and_then(safe_name);
    let (number, shown) = match uri.strip_prefix("tel:") {
        Some(tel) => {
            let number = phone_number(tel)?;
            let shown = number.e164.clone();
            (Some(number), shown)
        }
        None => {
            let uri: SipUri = uri.parse().ok()?;
            let number = user(&uri).and_then(phone_number);
            let shown = number
                .as_ref()
                .map_or_else(|| sip_text(&uri), |n| n.e164.clone());
            (number, shown)
        }
    };
    Some(Caller {
        shown,
        number,
        name,
        asserted: true,
    })
}

/// The user part of a SIP URI, if any.
pub(super) fn user(uri: &SipUri) -> Option<&str> {
    match &uri.user_part {
        SipUriUserPart::User(user) => Some(user.as_str()),
        SipUriUserPart::UserPw(user) => Some(user.user.as_str()),
        SipUriUserPart::Empty => None,
    }
}

/// A telephone number in a SIP user part: E.164 with or without the `+`.
pub(crate) fn phone_number(user: &str) -> Option<PhoneNumber> {
    let user = user.split(';').next().unwrap_or(user);
    if user.starts_with('+') {
        PhoneNumber::parse_e164(user).ok()
    } else if !user.is_empty() && user.bytes().all(|b| b.is_ascii_digit()) {
        PhoneNumber::parse_e164(&format!("+{user}")).ok()
    } else {
        None
    }
}

/// A SIP address as the records show it: `sip:user@host`, no port.
fn sip_text(uri: &SipUri) -> String {
    match user(uri) {
        Some(u) => format!("sip:{u}@{}", uri.host_port.host),
        None => format!("sip:{}", uri.host_port.host),
    }
}

/// A display name fit to show: no control or bidirectional-override
/// characters, spaces collapsed, at most [`MAX_NAME_CHARS`]; `None` when
/// nothing is left.
pub(super) fn safe_name(name: &str) -> Option<String> {
    let kept: String = name
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let cut: String = kept
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    let cut = cut.trim_end().to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// Characters that reorder the text around them (a name could hide what
/// follows it).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A display name for the mobile's caller id: the caller's own, cut to
/// characters that need no quoting care, at most 48 of them.
pub(crate) fn sip_display_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || " +-._@:".contains(*c))
        .take(48)
        .collect()
}

#[cfg(test)]
mod tests;
