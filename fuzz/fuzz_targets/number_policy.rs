//! Phone-number normalisation and the carrier's number policy. Input: a
//! region byte, a formatting byte, then a number as dialled. Invariants: a
//! number reads to the same E.164 under any formatting of it (spaces,
//! dashes, dots, brackets, `00` for `+` where `00` is the international
//! prefix, full-width digits) or does not read at all, so a refused number
//! stays refused under every formatting; E.164 parses back to itself; the redacted form hides
//! all but the country code and the last two digits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_gateway::fuzzing::{default_policy_allows, sip_user_number};
use splitline_protocol::PhoneNumber;

/// Regions, with whether `00` is their international prefix.
const REGIONS: [(&str, bool); 6] = [
    ("GB", true),
    ("DE", true),
    ("FR", true),
    ("US", false),
    ("IN", true),
    ("CU", false),
];

/// `digits` (E.164 without the `+`) written out as a person might:
/// separators chosen by `style`, full-width digits when its top bit is set.
fn formatted(digits: &str, style: u8, international_00: bool) -> String {
    let separators = [" ", "-", ".", " - ", "  "];
    let separator = separators[usize::from(style & 0x7) % separators.len()];
    let full_width = style & 0x80 != 0;
    let mut out = if international_00 && style & 0x40 != 0 {
        "00".to_owned()
    } else {
        "+".to_owned()
    };
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + usize::from(style >> 3 & 0x3)) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(if full_width {
            char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap_or(c)
        } else {
            c
        });
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let [region, style, rest @ ..] = data else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let (region, international_00) = REGIONS[usize::from(*region) % REGIONS.len()];
    let Ok(number) = PhoneNumber::parse(input, region) else {
        return;
    };
    assert!(number.e164.starts_with('+') && number.digits().bytes().all(|b| b.is_ascii_digit()));
    assert!(number.digits().len() <= 15, "{}", number.e164);
    assert_eq!(PhoneNumber::parse_e164(&number.e164).as_ref(), Ok(&number));
    let redacted = number.redacted();
    assert!(redacted.chars().filter(char::is_ascii_digit).count() <= 4);

    let verdict = default_policy_allows(region, &number);
    let written = formatted(number.digits(), *style, international_00);
    match PhoneNumber::parse(&written, region) {
        Ok(again) => {
            assert_eq!(again.e164, number.e164, "{written:?} read differently");
            assert_eq!(
                default_policy_allows(region, &again),
                verdict,
                "{written:?}"
            );
        }
        // Unreadable is refused too: what matters is never another number.
        Err(_) => {}
    }
    // As the user part of a SIP URI: with or without the `+`, and parameters.
    let user = format!("{};npdi", number.digits());
    assert_eq!(
        sip_user_number(&user).map(|n| n.e164),
        Some(number.e164.clone())
    );
});
