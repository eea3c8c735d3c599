//! Wire types of the Splitline data channel: the HTTP/JSON protocol between the
//! client core on the phone and the gateway.
//!
//! Every path lives under [`paths::PREFIX`]. Requests and responses are JSON,
//! gzip-compressed when the client accepts it. Errors are [`ErrorBody`] with a
//! stable [`ErrorCode`]. `docs/protocol.md` shows an example of every type here,
//! and a test checks that those examples parse.

#![warn(missing_docs)]

pub mod access_numbers;
pub mod archive;
pub mod calls;
pub mod closed_chats;
pub mod contacts;
pub mod error;
pub mod events;
pub mod messages;
pub mod paths;
pub mod phone_numbers;
pub mod presence;
pub mod push;
pub mod read_state;
pub mod rooms;
pub mod session;
pub mod text;
pub mod vcards;

pub use access_numbers::{
    AccessNumber, AccessNumbers, CostClass, MAX_POST_DIAL_CHARS, is_post_dial,
};
pub use archive::{
    ArchivePage, ArchiveQuery, ArchivedMessage, DEFAULT_ARCHIVE_PAGE, MAX_ARCHIVE_PAGE,
};
pub use calls::{
    CallEndReason, CallRecord, CallRecords, CallRoute, CallStarted, CallState, Callee,
    ConfirmNumberRequest, MobileNumber, StartCallRequest, VerificationStarted, VerifyNumberRequest,
};
pub use closed_chats::{ClosedChat, ClosedChats};
pub use contacts::{
    AddContactRequest, Contact, MAX_NAME_CHARS, RenameContactRequest, Subscription,
};
pub use error::{ErrorBody, ErrorCode};
pub use events::{
    Event, EventEnvelope, EventsQuery, EventsResponse, MAX_WAIT_SECS, SessionEndReason,
};
pub use messages::{ChatMessage, MAX_BODY_CHARS, SendMessageRequest, SendMessageResponse};
pub use phone_numbers::{LineKind, NumberError, PhoneNumber, is_country};
pub use presence::{Availability, ContactPresence, MAX_STATUS_CHARS, SetPresenceRequest};
pub use push::{
    MAX_ENDPOINT_CHARS, PushContent, PushCounts, PushReason, PushRegistered, PushRegistration,
    PushRegistrationInfo, PushSettings, PushWake, PushedMessage, RoomPush, RoomPushRequest,
};
pub use read_state::{DisplayedMarker, DisplayedRequest, MAX_MARKERS};
pub use rooms::{
    AddMemberRequest, Affiliation, CreateRoomRequest, MAX_INITIAL_MEMBERS, RenameRoomRequest, Room,
    RoomLeftReason, RoomMember, RoomMembers, Rooms,
};
pub use session::{SignInRequest, SignInResponse, Snapshot};
pub use text::is_network_char;
pub use vcards::{ContactPhones, ContactPhonesList, MAX_VCARD_NUMBERS, SetOwnPhonesRequest};
