//! A phone speaking the protocol to the gateway over real HTTP(S).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Serialize, de::DeserializeOwned};
use splitline_protocol::{
    AddContactRequest, Availability, ErrorBody, Event, EventsResponse, SendMessageRequest,
    SendMessageResponse, SetPresenceRequest, SignInRequest, SignInResponse, Subscription, paths,
};

/// How long a test waits for an expected event.
pub const EVENT_WAIT: Duration = Duration::from_secs(20);

/// An HTTP client for the gateway; `ca_pem` trusts a test CA.
pub fn http_client(ca_pem: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .gzip(true)
        .timeout(Duration::from_secs(75));
    if let Some(pem) = ca_pem {
        builder = builder
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

/// A signed-in phone.
pub struct Phone {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub cursor: String,
    pub jid: String,
    /// Every event seen, in order.
    pub seen: Vec<Event>,
    /// Events not yet consumed by [`Phone::wait_for`], in order.
    pending: Vec<Event>,
}

/// An error answer: status and body.
pub type Refusal = (StatusCode, ErrorBody);

impl Phone {
    pub async fn sign_in(
        http: &reqwest::Client,
        base: &str,
        jid: &str,
        password: &str,
        device: &str,
    ) -> Result<Self, Refusal> {
        let request = SignInRequest {
            jid: jid.to_owned(),
            password: password.to_owned(),
            device_id: device.to_owned(),
            build_id: "e2e-test".to_owned(),
        };
        let response: SignInResponse = call(
            http,
            base,
            Method::POST,
            paths::SIGN_IN,
            None,
            Some(&request),
        )
        .await?;
        Ok(Self {
            http: http.clone(),
            base: base.to_owned(),
            token: response.token,
            cursor: response.cursor,
            jid: jid.to_owned(),
            seen: Vec::new(),
            pending: Vec::new(),
        })
    }

    /// A request with this phone's token.
    pub async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, Refusal> {
        call(
            &self.http,
            &self.base,
            method,
            path,
            Some(&self.token),
            body,
        )
        .await
    }

    /// One long-poll; returns the new events.
    pub async fn poll(&mut self, wait: u64) -> Result<Vec<Event>, Refusal> {
        let path = format!("{}?cursor={}&wait={wait}", paths::EVENTS, self.cursor);
        let response: EventsResponse = self.call::<(), _>(Method::GET, &path, None).await?;
        self.cursor = response.next_cursor;
        let events: Vec<Event> = response.events.into_iter().map(|e| e.event).collect();
        self.seen.extend(events.iter().cloned());
        self.pending.extend(events.iter().cloned());
        Ok(events)
    }

    /// Polls until an event not yet consumed matches, and consumes that one.
    pub async fn wait_for(&mut self, what: &str, matches: impl Fn(&Event) -> bool) -> Event {
        let deadline = tokio::time::Instant::now() + EVENT_WAIT;
        loop {
            if let Some(index) = self.pending.iter().position(&matches) {
                return self.pending.remove(index);
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} never saw {what}; it saw {:#?}",
                self.jid,
                self.seen
            );
            self.poll(2).await.unwrap();
        }
    }

    /// Polls for `quiet` and asserts no event matches.
    pub async fn assert_none(
        &mut self,
        what: &str,
        quiet: Duration,
        matches: impl Fn(&Event) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + quiet;
        while tokio::time::Instant::now() < deadline {
            self.poll(1).await.unwrap();
        }
        let hits: Vec<&Event> = self.pending.iter().filter(|e| matches(e)).collect();
        assert!(
            hits.is_empty(),
            "{} saw {what} it should not have: {hits:#?}",
            self.jid
        );
    }

    pub async fn send(
        &self,
        client_id: &str,
        to: &str,
        body: &str,
    ) -> Result<SendMessageResponse, Refusal> {
        let request = SendMessageRequest {
            client_id: client_id.into(),
            to: to.into(),
            body: body.into(),
        };
        self.call(Method::POST, paths::MESSAGES, Some(&request))
            .await
    }

    pub async fn set_presence(
        &self,
        availability: Availability,
        status: Option<&str>,
    ) -> Result<(), Refusal> {
        let request = SetPresenceRequest {
            availability,
            status: status.map(str::to_owned),
        };
        self.call::<_, Empty>(Method::PUT, paths::PRESENCE, Some(&request))
            .await
            .map(drop)
    }

    /// POST with a body and no response body.
    pub async fn post_empty<B: Serialize>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), Refusal> {
        self.call::<B, Empty>(Method::POST, path, body)
            .await
            .map(drop)
    }

    pub async fn delete(&self, path: &str) -> Result<(), Refusal> {
        self.call::<(), Empty>(Method::DELETE, path, None)
            .await
            .map(drop)
    }
}

/// A response without a body (204).
#[derive(Debug, Default)]
pub struct Empty;

impl<'de> serde::Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Empty)
    }
}

/// One protocol request; a 4xx/5xx comes back as its parsed error body.
pub async fn call<B: Serialize, R: DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<R, Refusal> {
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let bytes = response.bytes().await.unwrap();
    if !status.is_success() {
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "error {status} without a JSON error body ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(
            body.code.http_status(),
            status.as_u16(),
            "status and code disagree: {body:?}"
        );
        return Err((status, body));
    }
    if status == StatusCode::NO_CONTENT || bytes.is_empty() {
        return Ok(serde_json::from_slice(b"null").unwrap());
    }
    Ok(serde_json::from_slice(&bytes).unwrap())
}

/// Makes `a` and `b` mutual contacts through the protocol alone.
pub async fn befriend(a: &mut Phone, b: &mut Phone) {
    let request = AddContactRequest {
        jid: b.jid.clone(),
        name: Some("Friend".into()),
    };
    a.post_empty(paths::CONTACTS, Some(&request)).await.unwrap();
    let a_jid = a.jid.clone();
    b.wait_for(
        "a subscription request",
        |e| matches!(e, Event::SubscriptionRequested { from } if *from == a_jid),
    )
    .await;
    b.post_empty::<()>(&paths::CONTACT_ACCEPT.replace("{jid}", &a.jid), None)
        .await
        .unwrap();
    let b_jid = b.jid.clone();
    a.wait_for(
        "the request back",
        |e| matches!(e, Event::SubscriptionRequested { from } if *from == b_jid),
    )
    .await;
    a.post_empty::<()>(&paths::CONTACT_ACCEPT.replace("{jid}", &b.jid), None)
        .await
        .unwrap();
    for (phone, other) in [(&mut *a, b_jid.clone()), (&mut *b, a_jid.clone())] {
        phone
            .wait_for("a mutual subscription", |e| matches!(e, Event::ContactChanged { contact } | Event::ContactAdded { contact } if contact.jid == other && contact.subscription == Subscription::Both))
            .await;
        phone
            .wait_for("the friend online", |e| matches!(e, Event::PresenceChanged { jid, presence } if *jid == other && presence.availability == Availability::Available))
            .await;
    }
}
