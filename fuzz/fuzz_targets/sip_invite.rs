//! An INVITE's hostile headers: `From:`, P-Asserted-Identity (RFC 3325) and
//! display names, and the digest `Authorization` of an INVITE. Input: a
//! trust byte, then `From \0 PAI \0 PAI ...`, or `\x02` then `Authorization`
//! values separated by `\0`. Invariants: an untrusted source is never
//! asserted and its P-Asserted-Identity never counts; a shown number is the
//! E.164 of the number read; display names are at most 64 characters with
//! no control or bidirectional characters, the mobile's caller id only
//! plain characters; a digest guard that issued no nonce accepts nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_gateway::fuzzing::{
    MAX_CALLER_NAME_CHARS, digest_accepts, identify_caller, sip_user_number,
};

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let values: Vec<&str> = text.split('\0').collect();
    if mode == 2 {
        assert!(
            !digest_accepts("splitline", &values),
            "a digest answer accepted without a nonce"
        );
        return;
    }
    let trusted = mode == 1;
    let (from, asserted) = values.split_first().map_or(("", &[][..]), |(f, a)| (*f, a));
    let Some(caller) = identify_caller(from, asserted, trusted) else {
        return;
    };
    if !trusted {
        assert!(!caller.asserted, "an untrusted source asserted a caller");
        let plain = identify_caller(from, &[], false).map(|c| c.shown);
        assert_eq!(
            plain.as_deref(),
            Some(caller.shown.as_str()),
            "PAI counted untrusted"
        );
    }
    if let Some(number) = &caller.number {
        assert_eq!(caller.shown, number.e164);
        assert!(
            number.e164.starts_with('+') && number.digits().bytes().all(|b| b.is_ascii_digit())
        );
    }
    if let Some(name) = &caller.name {
        assert!(!name.is_empty() && name.chars().count() <= MAX_CALLER_NAME_CHARS);
        assert!(
            !name.chars().any(|c| c.is_control() || is_bidi(c)),
            "{name:?}"
        );
        assert_eq!(name.trim(), name);
    }
    let shown = &caller.display_for_mobile;
    assert!(shown.chars().count() <= 48);
    assert!(
        shown
            .chars()
            .all(|c| c.is_alphanumeric() || " +-._@:".contains(c)),
        "{shown:?}"
    );
    for value in asserted {
        if let Some(number) = sip_user_number(value) {
            assert_eq!(
                sip_user_number(&number.e164).map(|n| n.e164),
                Some(number.e164.clone())
            );
        }
    }
});
