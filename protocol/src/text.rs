//! What text the network can carry.

/// True for characters XML 1.0 allows in text. JSON allows more (control
/// characters), which the XMPP stream could not carry: the gateway refuses
/// them in names, status texts and messages, and the core checks the same.
pub fn is_network_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_tabs_newlines_and_emoji_allowed() {
        assert!(!is_network_char('\u{0}'));
        assert!(!is_network_char('\u{1}'));
        assert!(!is_network_char('\u{FFFE}'));
        for ok in ['\t', '\n', '\r', 'a', 'é', '😀'] {
            assert!(is_network_char(ok), "{ok:?}");
        }
    }
}
