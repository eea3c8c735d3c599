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
use ezk_sip_types::uri::{NameAddr, SipUri, SipUriUserPart};
use splitline_protocol::{CallEndReason, CallRoute, CallStarted, CallState, Event, PhoneNumber};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::BareJid;

use super::{CallControl, CallControlError, Target};
use crate::{
    calls::{
        bridge::{self, BridgePlan, UserLeg},
        callback::{self, Milestone},
        journal::NewCall,
    },
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

/// The user part of a SIP URI, if any.
fn user(uri: &SipUri) -> Option<&str> {
    match &uri.user_part {
        SipUriUserPart::User(user) => Some(user.as_str()),
        SipUriUserPart::UserPw(user) => Some(user.user.as_str()),
        SipUriUserPart::Empty => None,
    }
}

/// A telephone number in a SIP user part: E.164 with or without the `+`.
fn phone_number(user: &str) -> Option<PhoneNumber> {
    let user = user.split(';').next().unwrap_or(user);
    if user.starts_with('+') {
        PhoneNumber::parse_e164(user).ok()
    } else if !user.is_empty() && user.bytes().all(|b| b.is_ascii_digit()) {
        PhoneNumber::parse_e164(&format!("+{user}")).ok()
    } else {
        None
    }
}

/// Who is calling, as the records and the app show it: a telephone number
/// (E.164) or a SIP address.
fn caller_text(from: &SipUri) -> String {
    match user(from) {
        Some(u) => phone_number(u).map_or_else(
            || format!("sip:{u}@{}", from.host_port.host),
            |number| number.e164,
        ),
        None => format!("sip:{}", from.host_port.host),
    }
}

/// A display name for the mobile's caller id: the caller's own, cut to
/// characters that need no quoting care, at most 48 of them.
fn display_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || " +-._@:".contains(*c))
        .take(48)
        .collect()
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
    /// user forwarded to their mobile; refuses anything else.
    async fn take_call(self: Arc<Self>, invite: IncomingRequest) {
        let dialled = user(&invite.line.uri).map(str::to_owned);
        let access = dialled
            .as_deref()
            .and_then(phone_number)
            .filter(|n| self.access_numbers.contains(&n.e164));
        if let Some(access) = access {
            return self.claim_reservation(invite, &access.e164).await;
        }
        match dialled {
            Some(user) => self.forward(invite, &user).await,
            None => bridge::refuse(&self.ua, invite, 404).await,
        }
    }

    /// Hands a call to an access number to the reservation of the mobile
    /// calling, if there is one.
    async fn claim_reservation(&self, invite: IncomingRequest, access_number: &str) {
        let caller = user(&invite.base_headers.from.uri.uri).and_then(phone_number);
        let reservation = caller.as_ref().and_then(|caller| {
            let mut reservations = lock(&self.reservations);
            let call_id = reservations
                .iter()
                .find(|(_, r)| r.mobile == caller.e164 && r.access_number == access_number)
                .map(|(id, _)| id.clone())?;
            reservations.remove(&call_id)
        });
        let Some(reservation) = reservation else {
            tracing::info!(
                caller = caller.map(|c| c.redacted()).unwrap_or_default(),
                "refused a call to an access number: no call reserved for this caller"
            );
            return bridge::refuse(&self.ua, invite, 403).await;
        };
        if let Err(invite) = reservation.claim.send(invite) {
            bridge::refuse(&self.ua, invite, 480).await;
        }
    }

    /// Forwards a call to a user's network address to their verified mobile.
    async fn forward(self: Arc<Self>, invite: IncomingRequest, user: &str) {
        let Some((account, mobile)) = self.numbers.account_of_user(user) else {
            tracing::info!("refused an incoming call: no user with a verified mobile there");
            return bridge::refuse(&self.ua, invite, 404).await;
        };
        let Ok(account) = BareJid::new(&account) else {
            return bridge::refuse(&self.ua, invite, 404).await;
        };
        if let Err(error) = self.take_capacity(Instant::now()) {
            tracing::warn!(%error, "refused an incoming call");
            return bridge::refuse(&self.ua, invite, 503).await;
        }
        let from = &invite.base_headers.from;
        let caller = caller_text(&from.uri.uri);
        let shown = display_name(from.uri.name.as_deref().unwrap_or(&caller));
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
                callee: &caller,
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
                caller,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn numbers_in_user_parts_are_read_with_or_without_the_plus() {
        assert_eq!(phone_number("+447400123456").unwrap().e164, "+447400123456");
        assert_eq!(phone_number("447400123456").unwrap().e164, "+447400123456");
        assert_eq!(
            phone_number("+447400123456;npdi").unwrap().e164,
            "+447400123456"
        );
        assert!(phone_number("alice").is_none());
        assert!(phone_number("").is_none());
        assert!(phone_number("12").is_none());
    }

    #[test]
    fn display_names_keep_only_plain_characters() {
        assert_eq!(display_name("Carol \"C\" <x>\r\nVia: y"), "Carol C xVia: y");
        assert_eq!(display_name(&"a".repeat(100)).len(), 48);
        assert_eq!(display_name("sip:carol@127.0.0.1"), "sip:carol@127.0.0.1");
    }

    #[test]
    fn callers_show_as_numbers_or_sip_addresses() {
        let number: SipUri = "sip:447400123456@127.0.0.1:5060".parse().unwrap();
        assert_eq!(caller_text(&number), "+447400123456");
        let named: SipUri = "sip:bob@127.0.0.1:5060".parse().unwrap();
        assert_eq!(caller_text(&named), "sip:bob@127.0.0.1");
    }
}
