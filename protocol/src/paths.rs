//! The request paths of protocol version 1.

/// Prefix of every protocol path.
pub const PREFIX: &str = "/v1";
/// `POST`: sign in ([`crate::SignInRequest`] → [`crate::SignInResponse`]). The only
/// request that needs no token.
pub const SIGN_IN: &str = "/v1/sign-in";
/// `POST`: sign off; ends the user's network session.
pub const SIGN_OFF: &str = "/v1/sign-off";
/// `GET`: long-poll for events ([`crate::EventsQuery`] → [`crate::EventsResponse`]).
pub const EVENTS: &str = "/v1/events";
/// `GET`: contacts with presence and the current cursor ([`crate::Snapshot`]).
pub const SNAPSHOT: &str = "/v1/snapshot";
/// `GET`: a page of the user's message archive ([`crate::ArchiveQuery`] →
/// [`crate::ArchivePage`]).
pub const ARCHIVE: &str = "/v1/archive";
/// `POST`: send a 1:1 message ([`crate::SendMessageRequest`]).
pub const MESSAGES: &str = "/v1/messages";
/// `POST`: mark chats as read up to a message ([`crate::DisplayedRequest`]).
pub const DISPLAYED: &str = "/v1/displayed";
/// `GET`: the user's closed chats ([`crate::ClosedChats`]); `POST`: close a
/// chat ([`crate::ClosedChat`]).
pub const CLOSED_CHATS: &str = "/v1/closed-chats";
/// `GET`: the user's rooms ([`crate::Rooms`]); `POST`: create a room
/// ([`crate::CreateRoomRequest`] → [`crate::Room`]).
pub const ROOMS: &str = "/v1/rooms";
/// `PUT`: rename the room ([`crate::RenameRoomRequest`]); `DELETE`: leave it.
pub const ROOM: &str = "/v1/rooms/{room}";
/// `GET`: the room's members ([`crate::RoomMembers`]); `POST`: add a member
/// ([`crate::AddMemberRequest`]).
pub const ROOM_MEMBERS: &str = "/v1/rooms/{room}/members";
/// `DELETE`: remove the member named in the path from the room.
pub const ROOM_MEMBER: &str = "/v1/rooms/{room}/members/{jid}";
/// `POST`: add a contact ([`crate::AddContactRequest`]).
pub const CONTACTS: &str = "/v1/contacts";
/// `DELETE`: remove the contact named in the path; `PUT`: rename it
/// ([`crate::RenameContactRequest`]).
pub const CONTACT: &str = "/v1/contacts/{jid}";
/// `POST`: accept the contact's subscription request.
pub const CONTACT_ACCEPT: &str = "/v1/contacts/{jid}/accept";
/// `POST`: refuse the contact's subscription request.
pub const CONTACT_REFUSE: &str = "/v1/contacts/{jid}/refuse";
/// `GET`: the numbers in the contacts' vCards ([`crate::ContactPhonesList`]).
pub const CONTACT_PHONES: &str = "/v1/contact-phones";
/// `PUT`: set the numbers of the user's own vCard ([`crate::SetOwnPhonesRequest`]).
pub const VCARD: &str = "/v1/vcard";
/// `GET`: the gateway's VAPID key and this device's push registration
/// ([`crate::PushSettings`]); `PUT`: register or replace it
/// ([`crate::PushRegistration`] → [`crate::PushRegistered`]); `DELETE`: unregister.
pub const PUSH: &str = "/v1/push";
/// `PUT`: which messages of the room wake the phone ([`crate::RoomPushRequest`]).
pub const PUSH_ROOM: &str = "/v1/push/rooms/{room}";
/// `GET`: the gateway's access numbers ([`crate::AccessNumbers`]).
pub const ACCESS_NUMBERS: &str = "/v1/access-numbers";
/// `POST`: call the user's verified mobile back and bridge the callee
/// ([`crate::StartCallRequest`] → [`crate::CallStarted`]).
pub const CALLS: &str = "/v1/calls";
/// `DELETE`: hang up or cancel the call named in the path.
pub const CALL: &str = "/v1/calls/{call_id}";
/// `GET`: the user's call records ([`crate::CallRecords`]; `?format=csv` or
/// `?format=jsonl` for those formats).
pub const CALL_RECORDS: &str = "/v1/call-records";
/// `GET`: the user's mobile number ([`crate::MobileNumber`]); `POST`: start
/// verifying one ([`crate::VerifyNumberRequest`] → [`crate::VerificationStarted`]).
pub const MOBILE_NUMBER: &str = "/v1/mobile-number";
/// `POST`: confirm the code of the flash call ([`crate::ConfirmNumberRequest`]).
pub const MOBILE_NUMBER_CONFIRM: &str = "/v1/mobile-number/confirm";
/// `PUT`: set one's own presence ([`crate::SetPresenceRequest`]).
pub const PRESENCE: &str = "/v1/presence";

/// Name of the HTTP header that carries the bearer token.
pub const AUTHORIZATION: &str = "authorization";
