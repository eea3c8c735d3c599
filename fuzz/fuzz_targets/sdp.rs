//! The SDP the gateway relays between the legs of a call, and the answer it
//! gives to refuse an offer. Input: any bytes as the peer's SDP.
//! Invariants: the relayed SDP has the same lines, with every `o=` line the
//! gateway's own; the refusal has the same lines, every `m=` port 0, and
//! media exactly when the offer had some; both are idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_gateway::fuzzing::{sdp_has_media, sdp_refusal, sdp_with_origin};

fn lines(sdp: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(sdp)
        .lines()
        .map(str::to_owned)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let input = lines(data);
    let relayed = sdp_with_origin(data, 7, 2);
    let out = lines(&relayed);
    assert_eq!(out.len(), input.len());
    for (before, after) in input.iter().zip(&out) {
        if before.starts_with("o=") {
            assert_eq!(after, "o=splitline 7 2 IN IP4 0.0.0.0");
        } else {
            assert_eq!(before, after);
        }
    }
    assert_eq!(sdp_with_origin(&relayed, 7, 2), relayed);
    assert_eq!(sdp_has_media(&relayed), sdp_has_media(data));

    let refusal = sdp_refusal(data, 9);
    let refused = lines(&refusal);
    assert_eq!(refused.len(), input.len());
    for line in &refused {
        if let Some(media) = line.strip_prefix("m=") {
            let port = media.split(' ').nth(1);
            assert!(port.is_none_or(|p| p == "0"), "{line:?}");
        }
    }
    assert_eq!(sdp_has_media(&refusal), sdp_has_media(data));
    assert_eq!(sdp_refusal(&refusal, 9), refusal);
});
