//! Checks of values that arrive from phones.

use splitline_protocol::is_network_char;
use tokio_xmpp::jid::BareJid;

use super::error::ApiError;

/// Longest message text, in characters (the protocol's limit).
pub(crate) const MAX_BODY_CHARS: usize = splitline_protocol::MAX_BODY_CHARS;
/// Longest status text, in characters.
pub(crate) const MAX_STATUS_CHARS: usize = splitline_protocol::MAX_STATUS_CHARS;
/// Longest contact name, in characters.
pub(crate) const MAX_NAME_CHARS: usize = splitline_protocol::MAX_NAME_CHARS;
/// Longest network or archive id of a message, in characters.
pub(crate) const MAX_ID_CHARS: usize = 256;

/// A bare address `user@domain`, normalised.
pub(crate) fn bare_jid(field: &str, value: &str) -> Result<BareJid, ApiError> {
    let jid = BareJid::new(value.trim()).map_err(|e| {
        ApiError::invalid(format!("{field}: '{value}' is not a valid address: {e}"))
    })?;
    if jid.node().is_none() {
        return Err(ApiError::invalid(format!(
            "{field}: '{value}' has no user part; expected user@domain"
        )));
    }
    Ok(jid)
}

/// An id chosen by the client: 1 to 64 of `A-Z a-z 0-9 - _ .`.
pub(crate) fn client_token<'a>(field: &str, value: &'a str) -> Result<&'a str, ApiError> {
    let ok = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(value)
    } else {
        Err(ApiError::invalid(format!(
            "{field} must be 1 to 64 characters of A-Z, a-z, 0-9, '-', '_' or '.'"
        )))
    }
}

/// A text of at most `max` characters, all of them sendable over XMPP;
/// `allow_empty` says whether "" is fine.
pub(crate) fn text<'a>(
    field: &str,
    value: &'a str,
    max: usize,
    allow_empty: bool,
) -> Result<&'a str, ApiError> {
    if !allow_empty && value.trim().is_empty() {
        return Err(ApiError::invalid(format!("{field} must not be empty")));
    }
    if let Some(bad) = value.chars().find(|c| !is_network_char(*c)) {
        return Err(ApiError::invalid(format!(
            "{field} contains the character U+{:04X}, which the network cannot carry",
            u32::from(bad)
        )));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_need_a_user_part() {
        assert_eq!(
            bare_jid("to", " Bob@Localhost ").unwrap().to_string(),
            "bob@localhost"
        );
        assert!(bare_jid("to", "localhost").is_err());
        assert!(bare_jid("to", "a@b/c").is_err());
        assert!(bare_jid("to", "").is_err());
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(client_token("client_id", "m-1_2.3").is_ok());
        assert!(client_token("client_id", "").is_err());
        assert!(client_token("client_id", "a b").is_err());
        assert!(client_token("client_id", &"x".repeat(65)).is_err());
    }

    #[test]
    fn texts_are_bounded() {
        assert!(text("body", "hi", 10, false).is_ok());
        assert!(text("body", "  ", 10, false).is_err());
        assert!(text("status", "", 10, true).is_ok());
        assert!(text("body", &"é".repeat(11), 10, false).is_err());
        assert!(text("body", "tab\tand\nnewline", 100, false).is_ok());
        assert!(text("body", "bell\u{7}", 100, false).is_err());
        assert!(text("status", "\u{FFFE}", 100, true).is_err());
        assert!(text("body", "emoji 🎉", 100, false).is_ok());
    }
}
