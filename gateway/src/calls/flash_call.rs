//! The flash call that proves a mobile number: the gateway rings the number
//! once, from a caller id that ends in the code, and hangs up as soon as the
//! phone rings. Nobody needs to answer; the app reads the caller id.

use std::time::Duration;

use ezk_sip_types::uri::{NameAddr, SipUri};
use tokio::time::Instant;

use super::sip::{
    endpoint::SipUa,
    leg::{Answer, LegError},
    sdp,
};

/// How long the phone may take to start ringing.
const RING_WITHIN: Duration = Duration::from_secs(20);
/// How long it rings before the gateway hangs up: enough for the app to see
/// the caller id.
const RING_FOR: Duration = Duration::from_secs(2);

/// How the flash call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlashOutcome {
    /// The phone rang (and perhaps declined or answered the call).
    Rang,
    /// The phone refused the call at once with this status, or never rang.
    NotReached(Option<u16>),
}

/// Rings `mobile` from `from` and hangs up.
pub(crate) async fn ring(
    ua: &SipUa,
    from: NameAddr,
    mobile: SipUri,
) -> Result<FlashOutcome, LegError> {
    let mut leg = ua.leg(from, mobile);
    leg.invite(None).await?;
    match leg.ringing(Instant::now() + RING_WITHIN).await? {
        Answer::Ringing => {
            match leg.answer(Instant::now() + RING_FOR, &mut |_| {}).await? {
                Answer::Answered(mut session, ok) => {
                    let refusal = sdp::refusal(&ok.body, 0);
                    leg.acknowledge(&session, &ok, Some(refusal)).await?;
                    session.terminate().await?;
                }
                Answer::TimedOut | Answer::Ringing => leg.cancel(&ua.endpoint).await?,
                Answer::Refused(_) => {}
            }
            Ok(FlashOutcome::Rang)
        }
        Answer::Answered(mut session, ok) => {
            let refusal = sdp::refusal(&ok.body, 0);
            leg.acknowledge(&session, &ok, Some(refusal)).await?;
            session.terminate().await?;
            Ok(FlashOutcome::Rang)
        }
        Answer::Refused(code) => Ok(FlashOutcome::NotReached(Some(code))),
        Answer::TimedOut => {
            leg.cancel(&ua.endpoint).await?;
            Ok(FlashOutcome::NotReached(None))
        }
    }
}
