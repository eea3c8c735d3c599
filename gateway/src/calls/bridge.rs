//! An incoming call bridged to one outgoing leg: the gateway answers the
//! caller as a user agent server and calls the target with the caller's
//! offer (a back-to-back user agent relaying signalling only). It carries
//! call-through (the user's mobile calls an access number; the target is the
//! callee) and forwarding (someone calls the user's network address; the
//! target is the user's mobile). The caller hears ringing when the target
//! rings; either side hanging up, a CANCEL or the app ends both legs.

use std::time::Duration;

use bytes::Bytes;
use ezk_sip_core::IncomingRequest;
use ezk_sip_types::{
    Name, StatusCode,
    uri::{NameAddr, SipUri},
};
use ezk_sip_ua::{dialog::Dialog, invite::acceptor::InviteAcceptor};
use splitline_protocol::CallEndReason;
use tokio::{sync::watch, time::Instant};

use super::{
    callback::{Milestone, hung_up, refusal_reason, talk},
    sip::{
        endpoint::SipUa,
        leg::{Answer, LegError, sdp_content_type},
        sdp,
    },
};

/// Which leg of a bridge is the user's own mobile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserLeg {
    /// The user's mobile called in (call-through).
    Incoming,
    /// The gateway calls the user's mobile (a forwarded incoming call).
    Outgoing,
}

/// Where to take an incoming call.
#[derive(Debug, Clone)]
pub(crate) struct BridgePlan {
    /// The outgoing leg's target.
    pub target: SipUri,
    /// Who the target sees calling.
    pub target_sees: NameAddr,
    /// How long the target may ring.
    pub ring_timeout: Duration,
    /// Which side is the user.
    pub user: UserLeg,
}

/// Answers `invite` and bridges it to the plan's target until the call ends;
/// says why it ended.
pub(crate) async fn run(
    ua: &SipUa,
    invite: IncomingRequest,
    plan: &BridgePlan,
    mut hangup: watch::Receiver<bool>,
    observe: &mut (impl FnMut(Milestone) + Send),
) -> CallEndReason {
    let offer = invite.body.clone();
    let acceptor = match accept(ua, invite) {
        Ok(acceptor) => acceptor,
        Err(error) => {
            tracing::warn!(%error, "cannot take an incoming call");
            return CallEndReason::Failed;
        }
    };
    match drive(ua, acceptor, &offer, plan, &mut hangup, observe).await {
        Ok(reason) => reason,
        Err(error) => {
            tracing::warn!(%error, "bridged call failed");
            CallEndReason::Failed
        }
    }
}

/// Refuses an incoming call with `code` (a final status, 300 to 699).
pub(crate) async fn refuse(ua: &SipUa, invite: IncomingRequest, code: u16) {
    refuse_with(ua, invite, code, None).await;
}

/// Answers an incoming call with a digest challenge (401 and this
/// `WWW-Authenticate` value).
pub(crate) async fn challenge(ua: &SipUa, invite: IncomingRequest, www_authenticate: String) {
    refuse_with(ua, invite, 401, Some(www_authenticate)).await;
}

async fn refuse_with(
    ua: &SipUa,
    invite: IncomingRequest,
    code: u16,
    www_authenticate: Option<String>,
) {
    let result = async {
        let acceptor = accept(ua, invite)?;
        let mut response = acceptor
            .create_response(StatusCode::from(code), None)
            .await?;
        if let Some(value) = www_authenticate {
            response.msg.headers.insert(Name::WWW_AUTHENTICATE, value);
        }
        acceptor.respond_failure(response).await?;
        Ok::<_, LegError>(())
    };
    if let Err(error) = result.await {
        tracing::warn!(%error, code, "could not refuse an incoming call");
    }
}

fn accept(ua: &SipUa, invite: IncomingRequest) -> Result<InviteAcceptor, LegError> {
    let dialog = Dialog::new_server(ua.endpoint.clone(), &invite, ua.contact.clone())?;
    Ok(InviteAcceptor::new(dialog, invite))
}

async fn respond_failure(acceptor: InviteAcceptor, code: u16) -> Result<(), LegError> {
    let response = acceptor
        .create_response(StatusCode::from(code), None)
        .await?;
    acceptor.respond_failure(response).await?;
    Ok(())
}

async fn respond_provisional(acceptor: &mut InviteAcceptor, code: u16) -> Result<(), LegError> {
    let response = acceptor
        .create_response(StatusCode::from(code), None)
        .await?;
    acceptor.respond_provisional(response).await?;
    Ok(())
}

/// The status the caller gets when the target refuses with `code`:
/// the same, unless it concerns the gateway's own request (authentication,
/// malformed), which the caller can do nothing about.
fn relayed_refusal(code: u16) -> u16 {
    match code {
        401 | 407 | 400 | 420 | 421 | 488 => 480,
        400..=699 => code,
        _ => 480,
    }
}

async fn drive(
    ua: &SipUa,
    mut acceptor: InviteAcceptor,
    offer: &Bytes,
    plan: &BridgePlan,
    hangup: &mut watch::Receiver<bool>,
    observe: &mut (impl FnMut(Milestone) + Send),
) -> Result<CallEndReason, LegError> {
    respond_provisional(&mut acceptor, 100).await?;
    if !sdp::has_media(offer) {
        // Offerless INVITEs would need a second offer/answer round; callers
        // through a trunk always offer.
        respond_failure(acceptor, 488).await?;
        return Ok(CallEndReason::Failed);
    }
    let caller_sdp = sdp::next_session_id();
    let mut out = ua.leg(plan.target_sees.clone(), plan.target.clone());
    if let Err(error) = out
        .invite(Some(sdp::with_origin(offer, sdp::next_session_id(), 1)))
        .await
    {
        respond_failure(acceptor, 503).await?;
        return Err(error);
    }
    observe(Milestone::CalleeInvited);
    let deadline = Instant::now() + plan.ring_timeout;
    let mut ringing = false;
    let (mut out_session, out_ok) = loop {
        let waited = tokio::select! {
            answer = async {
                if ringing {
                    out.answer(deadline, &mut |_| {}).await
                } else {
                    out.ringing(deadline).await
                }
            } => answer?,
            () = acceptor.cancelled() => {
                out.cancel(&ua.endpoint).await?;
                return Ok(CallEndReason::Cancelled);
            }
            () = hung_up(hangup) => {
                out.cancel(&ua.endpoint).await?;
                let code = match plan.user {
                    UserLeg::Incoming => 487,
                    UserLeg::Outgoing => 603,
                };
                respond_failure(acceptor, code).await?;
                return Ok(CallEndReason::Cancelled);
            }
        };
        match waited {
            Answer::Ringing => {
                ringing = true;
                observe(Milestone::CalleeRinging);
                respond_provisional(&mut acceptor, 180).await?;
            }
            Answer::Answered(session, ok) => break (session, ok),
            Answer::Refused(code) => {
                respond_failure(acceptor, relayed_refusal(code)).await?;
                return Ok(match plan.user {
                    UserLeg::Incoming => refusal_reason(code),
                    UserLeg::Outgoing => CallEndReason::YouDidNotAnswer,
                });
            }
            Answer::TimedOut => {
                out.cancel(&ua.endpoint).await?;
                respond_failure(acceptor, 480).await?;
                return Ok(match plan.user {
                    UserLeg::Incoming => CallEndReason::NoAnswer,
                    UserLeg::Outgoing => CallEndReason::YouDidNotAnswer,
                });
            }
        }
    };
    observe(Milestone::CalleeAnswered);
    out.acknowledge(&out_session, &out_ok, None).await?;
    let answered = async {
        let mut ok = acceptor.create_response(StatusCode::OK, None).await?;
        ok.msg.headers.insert_named(&sdp_content_type());
        ok.msg.body = sdp::with_origin(&out_ok.body, caller_sdp, 1);
        acceptor.respond_success(ok).await
    };
    let mut in_session = match answered.await {
        Ok((session, _ack)) => session,
        Err(error) => {
            // The caller went away (or never acknowledged): end the target too.
            out_session.terminate().await?;
            return match error {
                ezk_sip_ua::invite::acceptor::Error::RequestTerminated => {
                    Ok(CallEndReason::Cancelled)
                }
                other => Err(other.into()),
            };
        }
    };
    observe(Milestone::Bridged);
    match plan.user {
        UserLeg::Incoming => talk(&mut in_session, &mut out_session, hangup).await,
        UserLeg::Outgoing => talk(&mut out_session, &mut in_session, hangup).await,
    }
}
