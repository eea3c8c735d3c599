//! Calls that come in to the gateway's SIP endpoint: a user's mobile dialling
//! an access number for a call-through it reserved, and calls to a user's
//! network address that the registrar forwards because no SIP phone of the
//! user is registered; those go on to the user's mobile. Anything else is
//! refused without dialling anything.

use std::{
    sync::{Arc, Weak},
    time::Instant,
};

use ezk_sip_core::IncomingRequest;
use ezk_sip_types::uri::NameAddr;
use splitline_protocol::{CallEndReason, CallRoute, CallStarted, CallState, Event, PhoneNumber};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::BareJid;

use super::{
    CallControl, CallControlError, Target,
    caller::{self, Caller},
};
use crate::{
    calls::{
        bridge::{self, BridgePlan, UserLeg},
        callback::{self, Milestone},
        journal::NewCall,
        limits::WindowLimit,
        sip::digest::{DigestGuard, Verdict},
    },
    config::SipInbound,
    metrics::Metrics,
    util::{lock, now_ms, random_text},
};

/// A call-through waiting for the user's mobile to dial the access number.
pub(super) struct Reservation {
    /// The user's verified mobile, E.164: the caller id to match.
    mobile: String,
    /// The access number to be dialled, E.164.
    access_number: String,
    /// Hands the matching call to the reservation's task.
    claim: oneshot::Sender<IncomingRequest>,
}

/// What an incoming call must pass besides its source: digest credentials
/// when configured, and the per-user limit of forwarded calls.
pub(super) struct Gate {
    auth: Option<DigestGuard>,
    per_user: WindowLimit,
}

impl Gate {
    /// The gate the settings ask for.
    pub(super) fn new(inbound: &SipInbound) -> Self {
        Self {
            auth: inbound
                .auth
                .clone()
                .map(|login| DigestGuard::new(login, inbound.auth_realm.clone())),
            per_user: WindowLimit::new(
                inbound.incoming_calls_per_user,
                inbound.incoming_calls_window,
            ),
        }
    }
}

/// Takes new incoming calls until the endpoint or call control is gone, each
/// in its own task (a refusal waits for the caller's ACK).
pub(super) async fn serve(
    control: Weak<CallControl>,
    mut calls: mpsc::UnboundedReceiver<IncomingRequest>,
) {
    while let Some(invite) = calls.recv().await {
        let Some(control) = control.upgrade() else {
            break;
        };
        tokio::spawn(control.take_call(invite));
    }
}

impl CallControl {
    /// Reserves a call-through: the account's mobile is about to dial
    /// `access_number`, and that call is to be bridged to `target`.
    pub(super) fn reserve_call_through(
        self: &Arc<Self>,
        account: &BareJid,
        target: Target,
        access_number: &str,
    ) -> Result<CallStarted, CallControlError> {
        let access_number = PhoneNumber::parse_e164(access_number.trim())
            .map_err(|e| CallControlError::Invalid(format!("access_number: {e}")))?
            .e164;
        if !self.access_numbers.contains(&access_number) {
            return Err(CallControlError::Invalid(
                "access_number: not one of this gateway's access numbers".into(),
            ));
        }
        let admitted = self.admit(
            account,
            target,
            CallRoute::CallThrough,
            Some(&access_number),
        )?;
        let plan = BridgePlan {
            target: admitted.callee,
            target_sees: admitted.callee_sees,
            ring_timeout: self.config.ring_timeout,
            user: UserLeg::Incoming,
        };
        let (claim, claimed) = oneshot::channel();
        let call_id = admitted.call_id;
        lock(&self.reservations).insert(
            call_id.clone(),
            Reservation {
                mobile: admitted.mobile,
                access_number,
                claim,
            },
        );
        tracing::info!(call = %call_id, route = "call_through", "call reserved");
        let hangup = admitted.hangup;
        Ok(self.launch(
            account,
            call_id,
            CallState::AwaitingDial,
            move |control, account, id| async move {
                control
                    .await_dial(&account, &id, &plan, claimed, hangup)
                    .await;
            },
        ))
    }

    /// Waits for the reserved call to come in, then bridges it.
    async fn await_dial(
        &self,
        account: &BareJid,
        call_id: &str,
        plan: &BridgePlan,
        mut claimed: oneshot::Receiver<IncomingRequest>,
        mut hangup: watch::Receiver<bool>,
    ) {
        let invite = tokio::select! {
            invite = &mut claimed => invite.ok(),
            () = callback::hung_up(&mut hangup) => None,
            () = tokio::time::sleep(self.config.call_through_dial) => None,
        };
        // Whoever removes the reservation first owns it: when the matcher
        // did, its call is on the way.
        let invite = match invite {
            Some(invite) => Some(invite),
            None if lock(&self.reservations).remove(call_id).is_some() => None,
            None => claimed.await.ok(),
        };
        let Some(invite) = invite else {
            let reason = if *hangup.borrow() {
                CallEndReason::Cancelled
            } else {
                CallEndReason::NotDialled
            };
            self.end(account, call_id, reason);
            return;
        };
        self.notify_state(account, call_id, CallState::Connecting, None);
        let mut observe = self.observer(account, call_id, Some(CallState::Ringing));
        let reason = bridge::run(&self.ua, invite, plan, hangup, &mut observe).await;
        self.end(account, call_id, reason);
    }

    /// Follows a bridged call's steps: the target ringing shows as
    /// `ringing`, if anything; the bridge is journalled as the answer.
    fn observer<'a>(
        &'a self,
        account: &'a BareJid,
        call_id: &'a str,
        ringing: Option<CallState>,
    ) -> impl FnMut(Milestone) + Send + 'a {
        move |milestone| match milestone {
            Milestone::CalleeRinging => {
                if let Some(state) = ringing {
                    self.notify_state(account, call_id, state, None);
                }
            }
            Milestone::Bridged => {
                if let Err(error) = self.journal.answered(call_id, now_ms()) {
                    tracing::error!(%error, call = %call_id, "cannot journal an answer");
                }
                self.notify_state(account, call_id, CallState::Answered, None);
            }
            _ => {}
        }
    }

    /// Takes one new incoming call: a reserved call-through, or a call to a
    /// user forwarded to their mobile; refuses anything else, and anything
    /// from a source that is not an allowed trunk or registrar.
    async fn take_call(self: Arc<Self>, invite: IncomingRequest) {
        let source = invite.tp_info.source;
        if !self.config.inbound.allows(source) {
            Metrics::inc(&self.metrics.sip_refused_source);
            tracing::warn!(%source, "refused an INVITE: not from an allowed SIP source");
            return bridge::refuse(&self.ua, invite, 403).await;
        }
        if let Some(guard) = &self.gate.auth {
            match guard.check("INVITE", &invite.headers, Instant::now()) {
                Verdict::Accepted => {}
                Verdict::Challenge(challenge) => {
                    return bridge::challenge(&self.ua, invite, challenge).await;
                }
                Verdict::Refused => {
                    Metrics::inc(&self.metrics.sip_refused_auth);
                    tracing::warn!(%source, "refused an INVITE: wrong digest credentials");
                    return bridge::refuse(&self.ua, invite, 403).await;
                }
            }
        }
        let caller = caller::identify(&invite, self.config.inbound.trusts(source));
        let dialled = caller::user(&invite.line.uri).map(str::to_owned);
        let access = dialled
            .as_deref()
            .and_then(caller::phone_number)
            .filter(|n| self.access_numbers.contains(&n.e164));
        if let Some(access) = access {
            let proven = caller
                .number
                .as_ref()
                .filter(|_| self.config.inbound.may_claim_reservations(source));
            return self.claim_reservation(invite, proven, &access.e164).await;
        }
        match dialled {
            Some(user) => self.forward(invite, &user, caller).await,
            None => bridge::refuse(&self.ua, invite, 404).await,
        }
    }

    /// Hands a call to an access number to the reservation of the mobile
    /// calling (`caller`, as far as it is proven), if there is one.
    async fn claim_reservation(
        &self,
        invite: IncomingRequest,
        caller: Option<&PhoneNumber>,
        access_number: &str,
    ) {
        let reservation = caller.and_then(|caller| {
            let mut reservations = lock(&self.reservations);
            let call_id = reservations
                .iter()
                .find(|(_, r)| r.mobile == caller.e164 && r.access_number == access_number)
                .map(|(id, _)| id.clone())?;
            reservations.remove(&call_id)
        });
        let Some(reservation) = reservation else {
            tracing::info!(
                caller = caller.map(PhoneNumber::redacted).unwrap_or_default(),
                "refused a call to an access number: no call reserved for this caller"
            );
            return bridge::refuse(&self.ua, invite, 403).await;
        };
        if let Err(invite) = reservation.claim.send(invite) {
            bridge::refuse(&self.ua, invite, 480).await;
        }
    }

    /// Forwards a call to a user's network address to their verified mobile.
    /// At most `incoming-calls-per-user` forwarded calls ring one user per
    /// window; more are refused busy.
    async fn forward(self: Arc<Self>, invite: IncomingRequest, user: &str, caller: Caller) {
        let Some((account, _)) = self.numbers.account_of_user(user) else {
            tracing::info!("refused an incoming call: no user with a verified mobile there");
            return bridge::refuse(&self.ua, invite, 404).await;
        };
        let Ok(account) = BareJid::new(&account) else {
            return bridge::refuse(&self.ua, invite, 404).await;
        };
        // A mobile verified under an older, laxer policy is not rung either.
        let mobile = match self.verified_mobile(&account) {
            Ok(mobile) => mobile,
            Err(error) => {
                tracing::info!(%error, "refused an incoming call: the mobile is not callable");
                return bridge::refuse(&self.ua, invite, 404).await;
            }
        };
        let now = Instant::now();
        if let Err(retry_after) = self.gate.per_user.take(account.as_str(), now) {
            Metrics::inc(&self.metrics.sip_incoming_rate_limited);
            tracing::warn!(
                retry_after,
                "refused an incoming call: too many for this user"
            );
            return bridge::refuse(&self.ua, invite, 486).await;
        }
        if let Err(error) = self.take_capacity(now) {
            tracing::warn!(%error, "refused an incoming call");
            return bridge::refuse(&self.ua, invite, 503).await;
        }
        let shown = caller::sip_display_name(caller.name.as_deref().unwrap_or(&caller.shown));
        let target = self.trunk_uri(&mobile);
        let callback_from = self.trunk_uri(&self.config.callback_caller_id);
        let (Ok(target), Ok(callback_from)) = (target, callback_from) else {
            return bridge::refuse(&self.ua, invite, 500).await;
        };
        let Ok(call_id) = random_text(12) else {
            return bridge::refuse(&self.ua, invite, 500).await;
        };
        let opened = self.open_call(
            &account,
            &call_id,
            &NewCall {
                call: &call_id,
                account: account.as_str(),
                route: CallRoute::Incoming,
                mobile: &mobile,
                callee: &caller.shown,
                access_number: None,
            },
        );
        let hangup = match opened {
            Ok(hangup) => hangup,
            Err(error) => {
                tracing::error!(%error, "cannot journal an incoming call");
                return bridge::refuse(&self.ua, invite, 500).await;
            }
        };
        tracing::info!(call = %call_id, route = "incoming", "forwarding a call to the mobile");
        self.notify(
            &account,
            Event::CallIncoming {
                call_id: call_id.clone(),
                caller: caller.shown,
                caller_name: caller.name,
                caller_verified: caller.asserted,
                callback_from: self.config.callback_caller_id.clone(),
            },
        );
        self.notify_state(&account, &call_id, CallState::CallingYou, None);
        let plan = BridgePlan {
            target,
            target_sees: NameAddr {
                name: Some(shown.into()),
                uri: callback_from,
            },
            ring_timeout: self.config.callback_answer,
            user: UserLeg::Outgoing,
        };
        tokio::spawn(async move {
            let mut observe = self.observer(&account, &call_id, None);
            let reason = bridge::run(&self.ua, invite, &plan, hangup, &mut observe).await;
            self.end(&account, &call_id, reason);
        });
    }
}
