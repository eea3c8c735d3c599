//! A callback by third-party call control (RFC 3725, flow 4): the gateway
//! calls the user's mobile without an offer; the mobile offers in its 200;
//! the gateway holds the ACK back, invites the callee with that offer, and
//! when the callee answers, acknowledges both legs, the mobile's ACK carrying
//! the callee's answer. Media flows between the two directly. A BYE on
//! either leg, or a hang-up from the app, ends both.

use std::time::Duration;

use ezk_sip_core::{Endpoint, transaction::TsxResponse};
use ezk_sip_types::{
    StatusCode,
    uri::{NameAddr, SipUri},
};
use ezk_sip_ua::invite::session::{InviteSession, InviteSessionEvent};
use splitline_protocol::CallEndReason;
use tokio::{sync::watch, time::Instant};

use super::sip::{
    endpoint::SipUa,
    leg::{Answer, LegError, OutLeg},
    sdp,
};

/// Everything a callback needs to know.
#[derive(Debug, Clone)]
pub(crate) struct CallbackPlan {
    /// The user's mobile, through the trunk.
    pub mobile: SipUri,
    /// The callee: a contact through the registrar or a number through the trunk.
    pub callee: SipUri,
    /// Who the mobile sees calling: the configured callback caller id.
    pub callback_from: NameAddr,
    /// Who the callee sees calling: the user.
    pub callee_sees: NameAddr,
    /// How long the mobile may ring.
    pub answer_timeout: Duration,
    /// How long the callee may ring.
    pub ring_timeout: Duration,
}

/// The steps of a callback, in order, for call state and timing. A bridged
/// incoming call goes through the callee's steps, its outgoing leg playing
/// the callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Milestone {
    /// The INVITE to the mobile is on the wire.
    MobileInvited,
    /// The user answered the callback.
    MobileAnswered,
    /// The INVITE to the callee is on the wire.
    CalleeInvited,
    /// The callee's phone rings.
    CalleeRinging,
    /// The callee answered.
    CalleeAnswered,
    /// Both legs are acknowledged: the two are talking.
    Bridged,
}

/// Places the callback and runs it to its end; says why it ended.
pub(crate) async fn run(
    ua: &SipUa,
    plan: &CallbackPlan,
    mut hangup: watch::Receiver<bool>,
    observe: &mut (impl FnMut(Milestone) + Send),
) -> CallEndReason {
    match drive(ua, plan, &mut hangup, observe).await {
        Ok(reason) => reason,
        Err(error) => {
            tracing::warn!(%error, "callback failed");
            CallEndReason::Failed
        }
    }
}

async fn drive(
    ua: &SipUa,
    plan: &CallbackPlan,
    hangup: &mut watch::Receiver<bool>,
    observe: &mut (impl FnMut(Milestone) + Send),
) -> Result<CallEndReason, LegError> {
    let endpoint = &ua.endpoint;
    let mut mobile = ua.leg(plan.callback_from.clone(), plan.mobile.clone());
    mobile.invite(None).await?;
    observe(Milestone::MobileInvited);
    let deadline = Instant::now() + plan.answer_timeout;
    let mut ignore = |_| {};
    let answer = tokio::select! {
        answer = mobile.answer(deadline, &mut ignore) => answer?,
        () = hung_up(hangup) => {
            mobile.cancel(endpoint).await?;
            return Ok(CallEndReason::Cancelled);
        }
    };
    let (mut mobile_session, mobile_ok) = match answer {
        Answer::Answered(session, response) => (session, response),
        Answer::Refused(_) => return Ok(CallEndReason::YouDidNotAnswer),
        Answer::TimedOut | Answer::Ringing => {
            mobile.cancel(endpoint).await?;
            return Ok(CallEndReason::YouDidNotAnswer);
        }
    };
    observe(Milestone::MobileAnswered);
    let mobile_sdp = sdp::next_session_id();
    if !sdp::has_media(&mobile_ok.body) {
        tracing::warn!("the mobile answered without an offer");
        mobile
            .acknowledge(&mobile_session, &mobile_ok, None)
            .await?;
        mobile_session.terminate().await?;
        return Ok(CallEndReason::Failed);
    }

    let callee_sdp = sdp::next_session_id();
    let mut callee = ua.leg(plan.callee_sees.clone(), plan.callee.clone());
    let rung = match callee
        .invite(Some(sdp::with_origin(&mobile_ok.body, callee_sdp, 1)))
        .await
    {
        Ok(()) => {
            observe(Milestone::CalleeInvited);
            ring_callee(
                endpoint,
                callee,
                &mut mobile_session,
                hangup,
                plan.ring_timeout,
                observe,
            )
            .await
        }
        Err(error) => Err(error),
    };
    let (reason, mobile_hung_up) = match rung {
        Ok(Rung::Answered(callee, mut callee_session, callee_ok)) => {
            observe(Milestone::CalleeAnswered);
            callee
                .acknowledge(&callee_session, &callee_ok, None)
                .await?;
            let answer = sdp::with_origin(&callee_ok.body, mobile_sdp, 1);
            mobile
                .acknowledge(&mobile_session, &mobile_ok, Some(answer))
                .await?;
            observe(Milestone::Bridged);
            return talk(&mut mobile_session, &mut callee_session, hangup).await;
        }
        Ok(Rung::Ended {
            reason,
            mobile_hung_up,
        }) => (reason, mobile_hung_up),
        Err(error) => {
            tracing::warn!(%error, "the callee leg failed");
            (CallEndReason::Failed, false)
        }
    };
    // The mobile's 200 still needs its ACK, with an answer refusing the media.
    mobile
        .acknowledge(
            &mobile_session,
            &mobile_ok,
            Some(sdp::refusal(&mobile_ok.body, mobile_sdp)),
        )
        .await?;
    if !mobile_hung_up {
        mobile_session.terminate().await?;
    }
    Ok(reason)
}

/// How ringing the callee ended.
enum Rung {
    /// The callee answered (not yet acknowledged).
    Answered(Box<OutLeg>, Box<InviteSession>, Box<TsxResponse>),
    /// No conversation: why, and whether the mobile already hung up.
    Ended {
        reason: CallEndReason,
        mobile_hung_up: bool,
    },
}

async fn ring_callee(
    endpoint: &Endpoint,
    mut callee: OutLeg,
    mobile: &mut InviteSession,
    hangup: &mut watch::Receiver<bool>,
    ring_timeout: Duration,
    observe: &mut (impl FnMut(Milestone) + Send),
) -> Result<Rung, LegError> {
    let deadline = Instant::now() + ring_timeout;
    let mut ringing = false;
    let mut on_provisional = |code: u16| {
        if (180..=183).contains(&code) && !ringing {
            ringing = true;
            observe(Milestone::CalleeRinging);
        }
    };
    let ended = |reason, mobile_hung_up| Rung::Ended {
        reason,
        mobile_hung_up,
    };
    loop {
        tokio::select! {
            answer = callee.answer(deadline, &mut on_provisional) => {
                return Ok(match answer? {
                    Answer::Answered(session, ok) => Rung::Answered(Box::new(callee), session, ok),
                    Answer::Refused(code) => ended(refusal_reason(code), false),
                    Answer::TimedOut | Answer::Ringing => {
                        callee.cancel(endpoint).await?;
                        ended(CallEndReason::NoAnswer, false)
                    }
                });
            }
            event = mobile.run() => match event? {
                InviteSessionEvent::Bye(bye) => {
                    mobile.handle_bye(bye).await?;
                    callee.cancel(endpoint).await?;
                    return Ok(ended(CallEndReason::YouHungUp, true));
                }
                InviteSessionEvent::Terminated => {
                    callee.cancel(endpoint).await?;
                    return Ok(ended(CallEndReason::YouHungUp, true));
                }
                other => refuse_in_dialog(&mobile.endpoint, other).await,
            },
            () = hung_up(hangup) => {
                callee.cancel(endpoint).await?;
                return Ok(ended(CallEndReason::Cancelled, false));
            }
        }
    }
}

/// Relays the conversation's end: whoever hangs up, both legs end. A hang-up
/// from the app counts as the user's.
pub(super) async fn talk(
    mobile: &mut InviteSession,
    callee: &mut InviteSession,
    hangup: &mut watch::Receiver<bool>,
) -> Result<CallEndReason, LegError> {
    loop {
        tokio::select! {
            event = mobile.run() => match event? {
                InviteSessionEvent::Bye(bye) => {
                    mobile.handle_bye(bye).await?;
                    callee.terminate().await?;
                    return Ok(CallEndReason::YouHungUp);
                }
                InviteSessionEvent::Terminated => {
                    callee.terminate().await?;
                    return Ok(CallEndReason::YouHungUp);
                }
                other => refuse_in_dialog(&mobile.endpoint, other).await,
            },
            event = callee.run() => match event? {
                InviteSessionEvent::Bye(bye) => {
                    callee.handle_bye(bye).await?;
                    mobile.terminate().await?;
                    return Ok(CallEndReason::CalleeHungUp);
                }
                InviteSessionEvent::Terminated => {
                    mobile.terminate().await?;
                    return Ok(CallEndReason::CalleeHungUp);
                }
                other => refuse_in_dialog(&callee.endpoint, other).await,
            },
            () = hung_up(hangup) => {
                let (to_mobile, to_callee) = tokio::join!(mobile.terminate(), callee.terminate());
                to_mobile?;
                to_callee?;
                return Ok(CallEndReason::YouHungUp);
            }
        }
    }
}

/// A re-INVITE (hold, codec change) would need relaying to the other leg,
/// which this gateway does not do yet: it is refused and the call goes on
/// unchanged. Other events need nothing.
pub(super) async fn refuse_in_dialog(endpoint: &Endpoint, event: InviteSessionEvent) {
    if let InviteSessionEvent::ReInviteReceived(reinvite) = event {
        tracing::info!("refusing a re-INVITE: not relayed");
        let response =
            endpoint.create_response(&reinvite.invite, StatusCode::NOT_ACCEPTABLE_HERE, None);
        if let Err(error) = reinvite.transaction.respond_failure(response).await {
            tracing::warn!(%error, "could not refuse a re-INVITE");
        }
    }
}

/// Why a callee's final refusal ends the call.
pub(super) fn refusal_reason(code: u16) -> CallEndReason {
    match code {
        486 | 600 | 603 => CallEndReason::Busy,
        408 | 480 => CallEndReason::NoAnswer,
        _ => CallEndReason::Unreachable,
    }
}

/// Resolves when the app asks to hang up (or the call's owner is gone).
pub(super) async fn hung_up(hangup: &mut watch::Receiver<bool>) {
    let _ = hangup.wait_for(|asked| *asked).await;
}
