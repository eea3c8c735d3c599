//! The little SDP handling a signalling-only bridge needs: the gateway relays
//! each side's session description to the other, presenting itself as one
//! stable origin per leg, and can refuse an offer it must answer.

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

static SESSIONS: AtomicU64 = AtomicU64::new(1);

/// A fresh SDP session id for one leg's origin.
pub(crate) fn next_session_id() -> u64 {
    SESSIONS.fetch_add(1, Ordering::Relaxed)
}

/// Replaces the `o=` line so that the peer of one leg sees the gateway as the
/// origin `session_id`, at `version`.
pub(crate) fn with_origin(sdp: &[u8], session_id: u64, version: u64) -> Bytes {
    map_lines(sdp, |line| {
        line.starts_with("o=")
            .then(|| format!("o=splitline {session_id} {version} IN IP4 0.0.0.0"))
    })
}

/// An answer refusing every media stream of `offer` (port 0 on each `m=`
/// line), for an offer the gateway must answer when the call cannot go on.
pub(crate) fn refusal(offer: &[u8], session_id: u64) -> Bytes {
    map_lines(offer, |line| {
        if line.starts_with("o=") {
            return Some(format!("o=splitline {session_id} 1 IN IP4 0.0.0.0"));
        }
        let media = line.strip_prefix("m=")?;
        let mut fields: Vec<&str> = media.split(' ').collect();
        if let Some(port) = fields.get_mut(1) {
            *port = "0";
        }
        Some(format!("m={}", fields.join(" ")))
    })
}

/// True when `sdp` offers at least one media stream.
pub(crate) fn has_media(sdp: &[u8]) -> bool {
    String::from_utf8_lossy(sdp)
        .lines()
        .any(|l| l.starts_with("m="))
}

fn map_lines(sdp: &[u8], mut change: impl FnMut(&str) -> Option<String>) -> Bytes {
    let text = String::from_utf8_lossy(sdp);
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.lines() {
        match change(line) {
            Some(new) => out.push_str(&new),
            None => out.push_str(line),
        }
        out.push_str("\r\n");
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 16000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";

    #[test]
    fn origin_is_replaced_and_the_rest_kept() {
        let out = with_origin(OFFER.as_bytes(), 7, 2);
        let text = std::str::from_utf8(&out).unwrap_or_default();
        assert!(
            text.contains("o=splitline 7 2 IN IP4 0.0.0.0\r\n"),
            "{text}"
        );
        assert!(text.contains("m=audio 16000 RTP/AVP 0 8\r\n"));
        assert!(!text.contains("10.0.0.1 \r\n"));
        assert!(text.contains("c=IN IP4 10.0.0.1\r\n"));
    }

    #[test]
    fn refusal_sets_every_media_port_to_zero() {
        let out = refusal(OFFER.as_bytes(), 9);
        let text = std::str::from_utf8(&out).unwrap_or_default();
        assert!(text.contains("m=audio 0 RTP/AVP 0 8\r\n"), "{text}");
        assert!(has_media(&out));
        assert!(!has_media(b"v=0\r\n"));
    }
}
