//! The protocol over HTTPS: one method per request, errors sorted into what
//! the sync engine does next (see [`GatewayError`]).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Serialize, de::DeserializeOwned};
use splitline_protocol::{
    AccessNumbers, AddContactRequest, AddMemberRequest, ArchivePage, ArchiveQuery, CallRecords,
    CallStarted, ClosedChat, ClosedChats, ConfirmNumberRequest, ContactPhonesList,
    CreateRoomRequest, DisplayedRequest, ErrorBody, EventsQuery, EventsResponse, MobileNumber,
    RenameContactRequest, RenameRoomRequest, Room, RoomMembers, Rooms, SendMessageRequest,
    SendMessageResponse, SetOwnPhonesRequest, SetPresenceRequest, SignInRequest, SignInResponse,
    Snapshot, StartCallRequest, VerificationStarted, VerifyNumberRequest, paths,
};

use super::GatewayError;

mod push;

/// A client of one gateway endpoint.
#[derive(Debug, Clone)]
pub(crate) struct GatewayClient {
    http: reqwest::Client,
    base: String,
}

impl GatewayClient {
    /// A client of `base` (for example `https://gw.example.net`), trusting the
    /// system's roots plus `extra_root_pem` if given.
    pub(crate) fn new(base: &str, extra_root_pem: Option<&str>) -> Result<Self, GatewayError> {
        let mut builder = reqwest::Client::builder()
            .gzip(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(90));
        if let Some(pem) = extra_root_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                GatewayError::BadResponse(format!("the extra root certificate is not PEM: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The endpoint's base address.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
    ) -> Result<R, GatewayError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await
    }

    /// A `GET` of `path` with `query` in its URL.
    async fn get<Q: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        query: &Q,
    ) -> Result<R, GatewayError> {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .query(query);
        self.execute(request).await
    }

    async fn execute<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<R, GatewayError> {
        let response = request
            .send()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let bytes = response
            .bytes()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            let body: ErrorBody = serde_json::from_slice(&bytes).map_err(|_| {
                GatewayError::BadResponse(format!("HTTP {status} without a protocol error body"))
            })?;
            return Err(GatewayError::Refused {
                status: status.as_u16(),
                body,
                retry_after,
            });
        }
        let bytes: &[u8] = if status == StatusCode::NO_CONTENT || bytes.is_empty() {
            b"null"
        } else {
            &bytes
        };
        serde_json::from_slice(bytes).map_err(|e| GatewayError::BadResponse(e.to_string()))
    }

    /// `POST /v1/sign-in`.
    pub(crate) async fn sign_in(
        &self,
        request: &SignInRequest,
    ) -> Result<SignInResponse, GatewayError> {
        self.call(Method::POST, paths::SIGN_IN, None, Some(request))
            .await
    }

    /// `GET /v1/events`.
    pub(crate) async fn events(
        &self,
        token: &str,
        cursor: &str,
        wait_secs: u64,
    ) -> Result<EventsResponse, GatewayError> {
        let query = EventsQuery {
            cursor: cursor.to_owned(),
            wait: wait_secs,
        };
        self.get(paths::EVENTS, token, &query).await
    }

    /// `GET /v1/archive`.
    pub(crate) async fn archive(
        &self,
        token: &str,
        query: &ArchiveQuery,
    ) -> Result<ArchivePage, GatewayError> {
        self.get(paths::ARCHIVE, token, query).await
    }

    /// `GET /v1/snapshot`.
    pub(crate) async fn snapshot(&self, token: &str) -> Result<Snapshot, GatewayError> {
        self.call::<(), _>(Method::GET, paths::SNAPSHOT, Some(token), None)
            .await
    }

    /// `POST /v1/messages`.
    pub(crate) async fn send(
        &self,
        token: &str,
        request: &SendMessageRequest,
    ) -> Result<SendMessageResponse, GatewayError> {
        self.call(Method::POST, paths::MESSAGES, Some(token), Some(request))
            .await
    }

    /// A `POST` of `body` to `path` whose answer carries nothing.
    async fn post<B: Serialize>(
        &self,
        path: &str,
        token: &str,
        body: Option<&B>,
    ) -> Result<(), GatewayError> {
        self.call::<B, serde::de::IgnoredAny>(Method::POST, path, Some(token), body)
            .await
            .map(drop)
    }

    /// `POST /v1/displayed`.
    pub(crate) async fn displayed(
        &self,
        token: &str,
        request: &DisplayedRequest,
    ) -> Result<(), GatewayError> {
        self.post(paths::DISPLAYED, token, Some(request)).await
    }

    /// `GET /v1/closed-chats`.
    pub(crate) async fn closed_chats(&self, token: &str) -> Result<ClosedChats, GatewayError> {
        self.call::<(), _>(Method::GET, paths::CLOSED_CHATS, Some(token), None)
            .await
    }

    /// `POST /v1/closed-chats`.
    pub(crate) async fn close_chat(
        &self,
        token: &str,
        chat: &ClosedChat,
    ) -> Result<(), GatewayError> {
        self.post(paths::CLOSED_CHATS, token, Some(chat)).await
    }

    /// `POST /v1/sign-off`.
    pub(crate) async fn sign_off(&self, token: &str) -> Result<(), GatewayError> {
        self.post::<()>(paths::SIGN_OFF, token, None).await
    }

    /// `GET /v1/access-numbers`.
    pub(crate) async fn access_numbers(&self, token: &str) -> Result<AccessNumbers, GatewayError> {
        self.call::<(), _>(Method::GET, paths::ACCESS_NUMBERS, Some(token), None)
            .await
    }

    /// `POST /v1/calls`: a callback, or with an access number, a call-through.
    pub(crate) async fn start_call(
        &self,
        token: &str,
        request: &StartCallRequest,
    ) -> Result<CallStarted, GatewayError> {
        self.call(Method::POST, paths::CALLS, Some(token), Some(request))
            .await
    }

    /// `DELETE /v1/calls/{call_id}`.
    pub(crate) async fn hang_up(&self, token: &str, call_id: &str) -> Result<(), GatewayError> {
        self.delete(&paths::CALL.replace("{call_id}", &segment(call_id)), token)
            .await
    }

    /// `GET /v1/mobile-number`.
    pub(crate) async fn mobile_number(&self, token: &str) -> Result<MobileNumber, GatewayError> {
        self.call::<(), _>(Method::GET, paths::MOBILE_NUMBER, Some(token), None)
            .await
    }

    /// `POST /v1/mobile-number`: the gateway flash-calls the number.
    pub(crate) async fn verify_number(
        &self,
        token: &str,
        number: &str,
    ) -> Result<VerificationStarted, GatewayError> {
        let request = VerifyNumberRequest {
            number: number.to_owned(),
        };
        self.call(
            Method::POST,
            paths::MOBILE_NUMBER,
            Some(token),
            Some(&request),
        )
        .await
    }

    /// `GET /v1/contact-phones`.
    pub(crate) async fn contact_phones(
        &self,
        token: &str,
    ) -> Result<ContactPhonesList, GatewayError> {
        self.call::<(), _>(Method::GET, paths::CONTACT_PHONES, Some(token), None)
            .await
    }

    /// `PUT /v1/vcard`.
    pub(crate) async fn set_own_phones(
        &self,
        token: &str,
        request: &SetOwnPhonesRequest,
    ) -> Result<(), GatewayError> {
        self.call::<_, serde::de::IgnoredAny>(Method::PUT, paths::VCARD, Some(token), Some(request))
            .await
            .map(drop)
    }

    /// `POST /v1/mobile-number/confirm`.
    pub(crate) async fn confirm_number(
        &self,
        token: &str,
        code: &str,
    ) -> Result<MobileNumber, GatewayError> {
        let request = ConfirmNumberRequest {
            code: code.to_owned(),
        };
        self.call(
            Method::POST,
            paths::MOBILE_NUMBER_CONFIRM,
            Some(token),
            Some(&request),
        )
        .await
    }

    /// `GET /v1/call-records`.
    pub(crate) async fn call_records(&self, token: &str) -> Result<CallRecords, GatewayError> {
        self.call::<(), _>(Method::GET, paths::CALL_RECORDS, Some(token), None)
            .await
    }

    /// `GET /v1/rooms`.
    pub(crate) async fn rooms(&self, token: &str) -> Result<Rooms, GatewayError> {
        self.call::<(), _>(Method::GET, paths::ROOMS, Some(token), None)
            .await
    }

    /// `POST /v1/rooms`.
    pub(crate) async fn create_room(
        &self,
        token: &str,
        request: &CreateRoomRequest,
    ) -> Result<Room, GatewayError> {
        self.call(Method::POST, paths::ROOMS, Some(token), Some(request))
            .await
    }

    /// `PUT /v1/rooms/{room}`.
    pub(crate) async fn rename_room(
        &self,
        token: &str,
        room: &str,
        name: &str,
    ) -> Result<(), GatewayError> {
        let request = RenameRoomRequest {
            name: name.to_owned(),
        };
        self.put(&room_path(paths::ROOM, room, None), token, &request)
            .await
    }

    /// `DELETE /v1/rooms/{room}`.
    pub(crate) async fn leave_room(&self, token: &str, room: &str) -> Result<(), GatewayError> {
        self.delete(&room_path(paths::ROOM, room, None), token)
            .await
    }

    /// `GET /v1/rooms/{room}/members`.
    pub(crate) async fn room_members(
        &self,
        token: &str,
        room: &str,
    ) -> Result<RoomMembers, GatewayError> {
        self.call::<(), _>(
            Method::GET,
            &room_path(paths::ROOM_MEMBERS, room, None),
            Some(token),
            None,
        )
        .await
    }

    /// `POST /v1/rooms/{room}/members`.
    pub(crate) async fn add_member(
        &self,
        token: &str,
        room: &str,
        jid: &str,
    ) -> Result<(), GatewayError> {
        let request = AddMemberRequest {
            jid: jid.to_owned(),
        };
        self.post(
            &room_path(paths::ROOM_MEMBERS, room, None),
            token,
            Some(&request),
        )
        .await
    }

    /// `DELETE /v1/rooms/{room}/members/{jid}`.
    pub(crate) async fn remove_member(
        &self,
        token: &str,
        room: &str,
        jid: &str,
    ) -> Result<(), GatewayError> {
        self.delete(&room_path(paths::ROOM_MEMBER, room, Some(jid)), token)
            .await
    }

    /// `POST /v1/contacts`.
    pub(crate) async fn add_contact(
        &self,
        token: &str,
        request: &AddContactRequest,
    ) -> Result<(), GatewayError> {
        self.post(paths::CONTACTS, token, Some(request)).await
    }

    /// `PUT /v1/contacts/{jid}`.
    pub(crate) async fn rename_contact(
        &self,
        token: &str,
        jid: &str,
        request: &RenameContactRequest,
    ) -> Result<(), GatewayError> {
        self.put(&contact_path(paths::CONTACT, jid), token, request)
            .await
    }

    /// `DELETE /v1/contacts/{jid}`.
    pub(crate) async fn remove_contact(&self, token: &str, jid: &str) -> Result<(), GatewayError> {
        self.delete(&contact_path(paths::CONTACT, jid), token).await
    }

    /// `POST /v1/contacts/{jid}/accept` or `/refuse`.
    pub(crate) async fn answer_contact(
        &self,
        token: &str,
        jid: &str,
        accept: bool,
    ) -> Result<(), GatewayError> {
        let template = if accept {
            paths::CONTACT_ACCEPT
        } else {
            paths::CONTACT_REFUSE
        };
        self.post::<()>(&contact_path(template, jid), token, None)
            .await
    }

    /// `PUT /v1/presence`.
    pub(crate) async fn set_presence(
        &self,
        token: &str,
        request: &SetPresenceRequest,
    ) -> Result<(), GatewayError> {
        self.put(paths::PRESENCE, token, request).await
    }

    /// A `PUT` of `body` to `path` whose answer carries nothing.
    async fn put<B: Serialize>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<(), GatewayError> {
        self.call::<B, serde::de::IgnoredAny>(Method::PUT, path, Some(token), Some(body))
            .await
            .map(drop)
    }

    async fn delete(&self, path: &str, token: &str) -> Result<(), GatewayError> {
        self.call::<(), serde::de::IgnoredAny>(Method::DELETE, path, Some(token), None)
            .await
            .map(drop)
    }
}

/// `template` with its `{room}` (and `{jid}`) filled in, percent-encoded.
fn room_path(template: &str, room: &str, jid: Option<&str>) -> String {
    let path = template.replace("{room}", &segment(room));
    match jid {
        Some(jid) => path.replace("{jid}", &segment(jid)),
        None => path,
    }
}

/// `template` with its `{jid}` filled in, percent-encoded.
fn contact_path(template: &str, jid: &str) -> String {
    template.replace("{jid}", &segment(jid))
}

/// A path segment: everything but unreserved characters and `@` percent-encoded.
fn segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
