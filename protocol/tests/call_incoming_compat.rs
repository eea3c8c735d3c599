//! `call_incoming` from a gateway older than `caller_name` and
//! `caller_verified` still parses: no name, and not verified.

#![allow(clippy::unwrap_used)]

use splitline_protocol::Event;

#[test]
fn an_old_call_incoming_parses_as_unverified_without_a_name() {
    let old = r#"{"type": "call_incoming", "call_id": "c1", "caller": "+447400123456", "callback_from": "+442079460999"}"#;
    let Event::CallIncoming {
        caller_name,
        caller_verified,
        caller,
        ..
    } = serde_json::from_str(old).unwrap()
    else {
        panic!("not a call_incoming")
    };
    assert_eq!(caller, "+447400123456");
    assert_eq!(caller_name, None);
    assert!(!caller_verified);
}
