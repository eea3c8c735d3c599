//! Push wake-up on the phone's side: handing the gateway the Web Push
//! subscription a UnifiedPush distributor gave this device, and the
//! gateway's VAPID key the distributor asks for. Like room admin, these
//! need the gateway at once (they do not wait in the outbox). A push only
//! wakes the app; what is new comes through [`crate::Client::sync_once`].

use splitline_protocol::{
    MAX_ENDPOINT_CHARS, PushContent, PushRegistered, PushRegistration, PushSettings, RoomPush,
};

use crate::gateway::{GatewayError, SessionHandle};

/// A Web Push subscription as a distributor hands it to the app (RFC 8030,
/// RFC 8291).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    /// The push service's endpoint URL for this device (a capability: never logged).
    pub endpoint: String,
    /// The device's P-256 public key, uncompressed, base64url without padding.
    pub p256dh: String,
    /// The device's authentication secret, base64url without padding.
    pub auth: String,
}

/// Why a subscription was not sent: it cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushInputError {
    /// The endpoint is not an `https://` (or `http://`) URL of at most
    /// [`MAX_ENDPOINT_CHARS`] characters.
    #[error("the push endpoint is not an http(s) URL of at most {MAX_ENDPOINT_CHARS} characters")]
    Endpoint,
    /// A key is empty or not base64url.
    #[error("the push key {0} is empty or not base64url")]
    Key(&'static str),
}

impl PushSubscription {
    /// The registration request for this subscription, checked as far as
    /// the phone can (the gateway checks the endpoint's address itself).
    pub fn registration(&self, content: PushContent) -> Result<PushRegistration, PushInputError> {
        let endpoint = self.endpoint.trim();
        let scheme_ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
        if !scheme_ok || endpoint.chars().count() > MAX_ENDPOINT_CHARS {
            return Err(PushInputError::Endpoint);
        }
        Ok(PushRegistration {
            endpoint: endpoint.to_owned(),
            p256dh: base64url("p256dh", &self.p256dh)?,
            auth: base64url("auth", &self.auth)?,
            content,
        })
    }
}

/// `value` trimmed, if it is non-empty base64url without padding.
fn base64url(name: &'static str, value: &str) -> Result<String, PushInputError> {
    let value = value.trim();
    let valid = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(value.to_owned())
    } else {
        Err(PushInputError::Key(name))
    }
}

/// Push requests on the current session: each uses the sync engine's
/// gateway client and the token of the latest sign-in.
pub struct Push {
    session: SessionHandle,
}

impl Push {
    pub(crate) fn new(session: SessionHandle) -> Self {
        Self { session }
    }

    /// The gateway's VAPID public key (what the distributor needs to
    /// register) and this device's registration, if any.
    pub async fn settings(&self) -> Result<PushSettings, GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.push_settings(&token).await
    }

    /// Registers this device's subscription, replacing any earlier one;
    /// the gateway answers with the session's idle timeout from now on.
    pub async fn register(
        &self,
        registration: &PushRegistration,
    ) -> Result<PushRegistered, GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.register_push(&token, registration).await
    }

    /// Removes this device's registration: no more pushes, and the session's
    /// idle timeout is the short one again.
    pub async fn unregister(&self) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.unregister_push(&token).await
    }

    /// Which of `room`'s messages wake the phone.
    pub async fn set_room(&self, room: &str, notify: RoomPush) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.set_room_push(&token, room.trim(), notify).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(endpoint: &str) -> PushSubscription {
        PushSubscription {
            endpoint: endpoint.into(),
            p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM".into(),
            auth: " tBHItJI5svbpez7KI4CCXg ".into(),
        }
    }

    #[test]
    fn a_subscription_becomes_a_registration_with_trimmed_fields() {
        let registration = subscription(" https://push.example/up/abc ")
            .registration(PushContent::Minimal)
            .expect("valid");
        assert_eq!(registration.endpoint, "https://push.example/up/abc");
        assert_eq!(registration.auth, "tBHItJI5svbpez7KI4CCXg");
        assert_eq!(registration.content, PushContent::Minimal);
    }

    #[test]
    fn an_endpoint_that_is_no_http_url_or_too_long_is_refused() {
        for endpoint in ["", "ftp://push.example/x", "push.example/x"] {
            assert_eq!(
                subscription(endpoint).registration(PushContent::Minimal),
                Err(PushInputError::Endpoint),
                "{endpoint:?}"
            );
        }
        let long = format!("https://push.example/{}", "a".repeat(MAX_ENDPOINT_CHARS));
        assert_eq!(
            subscription(&long).registration(PushContent::Text),
            Err(PushInputError::Endpoint)
        );
    }

    #[test]
    fn keys_must_be_base64url() {
        let mut padded = subscription("https://push.example/x");
        padded.auth = "tBHItJI5svbpez7KI4CCXg==".into();
        assert_eq!(
            padded.registration(PushContent::Minimal),
            Err(PushInputError::Key("auth"))
        );
        let mut empty = subscription("https://push.example/x");
        empty.p256dh = " ".into();
        assert_eq!(
            empty.registration(PushContent::Minimal),
            Err(PushInputError::Key("p256dh"))
        );
    }
}
