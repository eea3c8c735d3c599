#![allow(clippy::unwrap_used)]

use splitline_core::{
    address_book::AddressBookError,
    calls::{CallSetupError, routing::RoutingError},
    client::ClientError,
    gateway::GatewayError,
    history::HistoryError,
    sync::SyncError,
};
use splitline_protocol::{ErrorBody, ErrorCode};

use super::SplitlineError;

fn refused(code: ErrorCode, retry_after: Option<u64>) -> GatewayError {
    GatewayError::Refused {
        status: code.http_status(),
        body: ErrorBody {
            code,
            message: "refused".into(),
            reason: None,
        },
        retry_after,
    }
}

/// The variant's name, as Kotlin sees it.
fn variant(error: &SplitlineError) -> &'static str {
    match error {
        SplitlineError::NotFound { .. } => "NotFound",
        SplitlineError::Forbidden { .. } => "Forbidden",
        SplitlineError::Invalid { .. } => "Invalid",
        SplitlineError::Offline { .. } => "Offline",
        SplitlineError::RateLimited { .. } => "RateLimited",
        SplitlineError::AuthFailed { .. } => "AuthFailed",
        SplitlineError::Storage { .. } => "Storage",
        SplitlineError::CallNotPossible { .. } => "CallNotPossible",
        SplitlineError::Internal { .. } => "Internal",
    }
}

#[test]
fn every_gateway_code_maps_to_its_variant_and_keeps_its_wire_name() {
    let cases = [
        (ErrorCode::InvalidRequest, "Invalid", "invalid_request"),
        (ErrorCode::Unauthorized, "Offline", "unauthorized"),
        (ErrorCode::AuthFailed, "AuthFailed", "auth_failed"),
        (ErrorCode::SessionEnded, "Offline", "session_ended"),
        (ErrorCode::DomainNotServed, "Forbidden", "domain_not_served"),
        (ErrorCode::Forbidden, "Forbidden", "forbidden"),
        (
            ErrorCode::DestinationNotAllowed,
            "Forbidden",
            "destination_not_allowed",
        ),
        (ErrorCode::NotFound, "NotFound", "not_found"),
        (ErrorCode::MethodNotAllowed, "Invalid", "method_not_allowed"),
        (ErrorCode::CursorInvalid, "Offline", "cursor_invalid"),
        (ErrorCode::PayloadTooLarge, "Invalid", "payload_too_large"),
        (ErrorCode::UriTooLong, "Invalid", "uri_too_long"),
        (ErrorCode::HeadersTooLarge, "Invalid", "headers_too_large"),
        (ErrorCode::RateLimited, "RateLimited", "rate_limited"),
        (
            ErrorCode::NetworkUnavailable,
            "Offline",
            "network_unavailable",
        ),
        (ErrorCode::Unavailable, "Offline", "unavailable"),
        (ErrorCode::Internal, "Internal", "internal"),
    ];
    for (code, expected, wire) in cases {
        let error = SplitlineError::from(refused(code, None));
        assert_eq!(variant(&error), expected, "{code:?}");
        assert_eq!(error.code(), Some(wire), "{code:?}");
        assert_eq!(error.retry_after_secs(), None);
    }
}

#[test]
fn a_rate_limit_carries_its_retry_after() {
    let error = SplitlineError::from(ClientError::Gateway(refused(
        ErrorCode::RateLimited,
        Some(30),
    )));
    assert_eq!(variant(&error), "RateLimited");
    assert_eq!(error.code(), Some("rate_limited"));
    assert_eq!(error.retry_after_secs(), Some(30));
}

#[test]
fn the_cores_own_errors_carry_no_gateway_code() {
    let cases = [
        (ClientError::Invalid("bad".into()), "Invalid", None),
        (
            ClientError::BodyTooLong {
                chars: 10_001,
                max: 10_000,
            },
            "Invalid",
            None,
        ),
        (
            ClientError::Sync(SyncError::Config("no endpoint".into())),
            "Invalid",
            None,
        ),
        (ClientError::Offline("not yet".into()), "Offline", None),
        (
            ClientError::Sync(SyncError::AuthFailed),
            "AuthFailed",
            Some("auth_failed"),
        ),
        (
            ClientError::Gateway(GatewayError::Unreachable("refused".into())),
            "Offline",
            None,
        ),
        (
            ClientError::Gateway(GatewayError::NotSignedIn),
            "Offline",
            None,
        ),
        (
            ClientError::Gateway(GatewayError::BadResponse("html".into())),
            "Internal",
            None,
        ),
        (
            ClientError::Store(splitline_core::store::StoreError::TaskFailed("gone".into())),
            "Storage",
            None,
        ),
    ];
    for (error, expected, code) in cases {
        let shown = error.to_string();
        let mapped = SplitlineError::from(error);
        assert_eq!(variant(&mapped), expected, "{shown}");
        assert_eq!(mapped.code(), code, "{shown}");
        assert_eq!(mapped.fields().0, shown, "details keep the core's words");
    }
}

#[test]
fn call_setup_errors_say_whether_a_call_is_possible() {
    let no_route = SplitlineError::from(CallSetupError::Routing(RoutingError::NoRoute(vec![])));
    assert_eq!(variant(&no_route), "CallNotPossible");
    let premium = SplitlineError::from(CallSetupError::Routing(RoutingError::PremiumRate));
    assert_eq!(variant(&premium), "Invalid");
    let gateway =
        SplitlineError::from(CallSetupError::Gateway(refused(ErrorCode::Forbidden, None)));
    assert_eq!(variant(&gateway), "Forbidden");
    assert_eq!(gateway.code(), Some("forbidden"));
}

#[test]
fn history_errors_are_invalid_input_or_storage() {
    let cases = [
        (HistoryError::BadPeer("x".into()), "Invalid"),
        (
            HistoryError::UnknownRow {
                peer: "bob@example.net".into(),
                row: 7,
            },
            "Invalid",
        ),
        (HistoryError::BadLimit { limit: 0, max: 100 }, "Invalid"),
        (
            HistoryError::Store(splitline_core::store::StoreError::TaskFailed("gone".into())),
            "Storage",
        ),
    ];
    for (error, expected) in cases {
        let shown = error.to_string();
        let mapped = SplitlineError::from(error);
        assert_eq!(variant(&mapped), expected, "{shown}");
        assert_eq!(mapped.code(), None, "{shown}");
        assert_eq!(mapped.fields().0, shown);
    }
}

#[test]
fn address_book_errors_map_to_their_variants() {
    let invalid = SplitlineError::from(AddressBookError::Invalid("two entries share an id".into()));
    assert_eq!((variant(&invalid), invalid.code()), ("Invalid", None));
    let number = SplitlineError::from(AddressBookError::Number(
        splitline_protocol::NumberError::UnknownRegion("XX".into()),
    ));
    assert_eq!((variant(&number), number.code()), ("Invalid", None));
    let store = SplitlineError::from(AddressBookError::Store(
        splitline_core::store::StoreError::TaskFailed("gone".into()),
    ));
    assert_eq!(variant(&store), "Storage");
    let task = SplitlineError::from(AddressBookError::TaskFailed("panicked".into()));
    assert_eq!(variant(&task), "Internal");
    let gateway = SplitlineError::from(AddressBookError::Gateway(refused(
        ErrorCode::NotFound,
        None,
    )));
    assert_eq!(
        (variant(&gateway), gateway.code()),
        ("NotFound", Some("not_found"))
    );
    let offline = SplitlineError::from(AddressBookError::Gateway(GatewayError::NotSignedIn));
    assert_eq!(variant(&offline), "Offline");
}
