//! Call control: admits call requests (verified number, [`callee`] checks,
//! policy, limits), journals them, runs callbacks, call-throughs
//! ([`incoming`]) and flash calls, and tells the account's sessions how each
//! call goes.

mod callee;
pub(crate) mod caller;
mod incoming;

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ezk_sip_types::uri::{NameAddr, SipUri};
use splitline_protocol::{
    CallEndReason, CallRecord, CallRoute, CallStarted, CallState, Event, MobileNumber, PhoneNumber,
    StartCallRequest, VerificationStarted,
};
use tokio::sync::{mpsc, watch};
use tokio_xmpp::jid::BareJid;

use super::{
    callback::{self, CallbackPlan, Milestone},
    flash_call,
    journal::{CallJournal, JournalError, NewCall},
    limits::WindowLimit,
    numbers::{self, CODE_DIGITS, CODE_TTL, ConfirmError, MobileNumbers},
    policy::{NumberPolicy, Refusal},
    sip::endpoint::{self, SipUa},
};
use crate::{
    config::SipConfig,
    metrics::Metrics,
    util::{lock, now_ms, random_text},
};

pub(crate) use callee::Roster;
use callee::Target;

/// How many callbacks' [`SetupTiming`]s are kept: the latest, for the
/// benchmark; older ones are dropped.
const SETUP_TIMINGS_KEPT: usize = 64;

/// A call request that cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CallControlError {
    /// The account has no verified mobile number to call back.
    #[error("verify your mobile number first: callbacks go only to a verified number")]
    NotVerified,
    /// The callee or number is not usable.
    #[error("{0}")]
    Invalid(String),
    /// The number policy does not allow calling (or verifying) this number.
    #[error(transparent)]
    NotAllowed(#[from] Refusal),
    /// A contact callee in a domain the gateway does not serve.
    #[error("this gateway does not call addresses in {0}; call your contacts in its domains")]
    DomainNotServed(String),
    /// A contact callee whose user part is a telephone number.
    #[error(
        "that address is a telephone number; call numbers as {{\"kind\":\"number\"}}, under the carrier's number policy"
    )]
    NumberInDisguise,
    /// A contact callee that is not on the user's roster.
    #[error("that address is not in your contacts; add it first")]
    NotAContact,
    /// The user's session could not say who is on the roster.
    #[error("cannot check your contacts: {0}")]
    Contacts(String),
    /// Too many calls; retry after the seconds given.
    #[error("{what}; try again in {retry_after} s")]
    RateLimited {
        /// What limit was hit.
        what: &'static str,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The gateway is at its limit of calls under way.
    #[error("the gateway has too many calls under way; try again shortly")]
    AtCapacity,
    /// No call of this user has this id, or it is over.
    #[error("no call of yours has that id, or it has ended")]
    UnknownCall,
    /// A verification code was not accepted.
    #[error(transparent)]
    Confirm(#[from] ConfirmError),
    /// The call records could not be written or read.
    #[error(transparent)]
    Records(#[from] JournalError),
    /// The system's random source failed.
    #[error("the gateway cannot make a call id")]
    NoRandomness,
}

/// What the gateway measured while setting one callback up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetupTiming {
    /// From the request to the mobile's INVITE handed to the socket.
    pub request_to_invite: Duration,
    /// From the mobile's 200 to the callee's INVITE handed to the socket.
    pub answer_to_callee_invite: Option<Duration>,
    /// From the callee's 200 to both ACKs sent: the bridge.
    pub callee_answer_to_bridge: Option<Duration>,
}

/// A call request that passed the checks, journalled and registered.
struct Admitted {
    call_id: String,
    /// The account's verified mobile, E.164.
    mobile: String,
    /// Where the callee is reached.
    callee: SipUri,
    /// Who the callee sees calling.
    callee_sees: NameAddr,
    hangup: watch::Receiver<bool>,
}

struct ActiveCall {
    account: String,
    hangup: watch::Sender<bool>,
}

/// The gateway's call control.
pub struct CallControl {
    ua: SipUa,
    config: SipConfig,
    policy: NumberPolicy,
    /// The XMPP domains the gateway serves: contacts are called only there.
    domains: Vec<String>,
    journal: CallJournal,
    numbers: MobileNumbers,
    calls_per_account: WindowLimit,
    verifications_per_account: WindowLimit,
    calls_overall: WindowLimit,
    /// What incoming calls must pass.
    gate: incoming::Gate,
    metrics: Arc<Metrics>,
    active: Mutex<HashMap<String, ActiveCall>>,
    /// The access numbers (E.164) calls through come in on.
    access_numbers: Vec<String>,
    /// Calls through an access number, reserved and not yet dialled.
    reservations: Mutex<HashMap<String, incoming::Reservation>>,
    events: mpsc::UnboundedSender<(BareJid, Event)>,
    /// The latest callbacks' setup timings, at most [`SETUP_TIMINGS_KEPT`].
    timings: Mutex<VecDeque<SetupTiming>>,
}

impl std::fmt::Debug for CallControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallControl")
            .field("listen", &self.config.listen)
            .finish_non_exhaustive()
    }
}

/// Call control could not start.
#[derive(Debug, thiserror::Error)]
pub enum CallStartError {
    /// The data directory or its files cannot be used.
    #[error("data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The call records cannot be used.
    #[error(transparent)]
    Records(#[from] JournalError),
    /// The verified numbers cannot be used.
    #[error(transparent)]
    Numbers(#[from] numbers::NumbersFileError),
    /// The SIP address cannot be bound.
    #[error(transparent)]
    Sip(#[from] endpoint::EndpointError),
}

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);
const MINUTE: Duration = Duration::from_secs(60);

impl CallControl {
    /// Opens the journals in the data directory (ending calls a previous run
    /// left open) and binds the SIP endpoint. Calls through come in on
    /// `access_numbers` (E.164); contacts are called in `domains`. Call state
    /// events go to `events`; refused INVITEs are counted in `metrics`.
    pub(crate) async fn start(
        config: SipConfig,
        access_numbers: Vec<String>,
        domains: Vec<String>,
        events: mpsc::UnboundedSender<(BareJid, Event)>,
        metrics: Arc<Metrics>,
    ) -> Result<Arc<Self>, CallStartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| CallStartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let journal = CallJournal::open(&config.data_dir.join("call-records.jsonl"), now_ms())?;
        let numbers = MobileNumbers::open(&config.data_dir.join("verified-numbers.jsonl"))?;
        let (ua, new_calls) = endpoint::bind(
            config.listen,
            config.trunk,
            config.inbound.trunk_auth.as_ref(),
        )
        .await?;
        let control = Arc::new(Self {
            ua,
            calls_per_account: WindowLimit::new(config.calls_per_account_per_hour, HOUR),
            verifications_per_account: WindowLimit::new(
                config.verifications_per_account_per_day,
                DAY,
            ),
            calls_overall: WindowLimit::new(config.calls_per_minute, MINUTE),
            gate: incoming::Gate::new(&config.inbound),
            metrics,
            policy: NumberPolicy::new(config.policy.clone()),
            domains,
            config,
            journal,
            numbers,
            active: Mutex::new(HashMap::new()),
            access_numbers,
            reservations: Mutex::new(HashMap::new()),
            events,
            timings: Mutex::new(VecDeque::with_capacity(SETUP_TIMINGS_KEPT)),
        });
        tokio::spawn(incoming::serve(Arc::downgrade(&control), new_calls));
        Ok(control)
    }

    /// The account's mobile number.
    pub(crate) fn mobile_number(&self, account: &BareJid) -> MobileNumber {
        self.numbers.status(account.as_str(), Instant::now())
    }

    /// Starts proving `number` is the account's: rings it once from a caller
    /// id ending in a fresh code.
    pub(crate) fn verify(
        self: &Arc<Self>,
        account: &BareJid,
        number: &str,
    ) -> Result<VerificationStarted, CallControlError> {
        let number = PhoneNumber::parse_e164(number.trim())
            .map_err(|e| CallControlError::Invalid(format!("number: {e}")))?;
        self.policy.check_mobile(&number)?;
        let now = Instant::now();
        self.verifications_per_account
            .take(account.as_str(), now)
            .map_err(|retry_after| CallControlError::RateLimited {
                what: "too many verification calls for this account",
                retry_after,
            })?;
        self.take_overall(now)?;
        let code = self.numbers.begin(account.as_str(), &number.e164, now);
        let from =
            self.trunk_party(&format!("{}{code}", self.config.verification_caller_prefix))?;
        let mobile = self.trunk_uri(&number.e164)?;
        let control = self.clone();
        tokio::spawn(async move {
            match flash_call::ring(&control.ua, from, mobile).await {
                Ok(outcome) => tracing::info!(?outcome, "flash call done"),
                Err(error) => tracing::warn!(%error, "flash call failed"),
            }
        });
        Ok(VerificationStarted {
            number: number.e164,
            caller_prefix: self.config.verification_caller_prefix.clone(),
            code_digits: CODE_DIGITS,
            expires_in_secs: CODE_TTL.as_secs(),
        })
    }

    /// Checks the flash call's code; the number becomes the account's.
    pub(crate) fn confirm(
        &self,
        account: &BareJid,
        code: &str,
    ) -> Result<String, CallControlError> {
        let number = self
            .numbers
            .confirm(account.as_str(), code, Instant::now(), now_ms())?;
        self.notify(
            account,
            Event::MobileNumberVerified {
                number: number.clone(),
            },
        );
        Ok(number)
    }

    /// Starts a call for the account: a callback to its verified mobile, or
    /// with an access number, a call-through the mobile is about to dial.
    /// A contact callee must be on the account's `roster`.
    pub(crate) async fn start_call(
        self: &Arc<Self>,
        account: &BareJid,
        request: &StartCallRequest,
        roster: &impl Roster,
    ) -> Result<CallStarted, CallControlError> {
        let target = self.check_callee(account, &request.callee, roster).await?;
        match &request.access_number {
            None => self.place_callback(account, target),
            Some(number) => self.reserve_call_through(account, target, number),
        }
    }

    /// The account's verified mobile, if the policy still allows calling
    /// it back (it may have changed since the number was verified).
    fn verified_mobile(&self, account: &BareJid) -> Result<String, CallControlError> {
        let mobile = self
            .numbers
            .verified(account.as_str())
            .ok_or(CallControlError::NotVerified)?;
        let number = PhoneNumber::parse_e164(&mobile).map_err(|_| CallControlError::NotVerified)?;
        self.policy.check_mobile(&number)?;
        Ok(mobile)
    }

    /// Checks a call request to a checked `target` against the verified
    /// number and the limits; journals and registers the admitted call.
    fn admit(
        &self,
        account: &BareJid,
        target: Target,
        route: CallRoute,
        access_number: Option<&str>,
    ) -> Result<Admitted, CallControlError> {
        let mobile = self.verified_mobile(account)?;
        let callee = self.route(account, &mobile, target)?;
        let now = Instant::now();
        self.calls_per_account
            .take(account.as_str(), now)
            .map_err(|retry_after| CallControlError::RateLimited {
                what: "too many calls for this account",
                retry_after,
            })?;
        self.take_capacity(now)?;
        let call_id = random_text(12).map_err(|_| CallControlError::NoRandomness)?;
        let hangup = self.open_call(
            account,
            &call_id,
            &NewCall {
                call: &call_id,
                account: account.as_str(),
                route,
                mobile: &mobile,
                callee: &callee.text,
                access_number,
            },
        )?;
        Ok(Admitted {
            call_id,
            mobile,
            callee: callee.uri,
            callee_sees: callee.sees,
            hangup,
        })
    }

    /// Journals a new call and registers it so that it can be hung up.
    fn open_call(
        &self,
        account: &BareJid,
        call_id: &str,
        call: &NewCall<'_>,
    ) -> Result<watch::Receiver<bool>, CallControlError> {
        self.journal.started(call, now_ms())?;
        let (hangup, hangup_rx) = watch::channel(false);
        lock(&self.active).insert(
            call_id.to_owned(),
            ActiveCall {
                account: account.as_str().to_owned(),
                hangup,
            },
        );
        Ok(hangup_rx)
    }

    /// Calls the account's verified mobile back and bridges it to `target`.
    fn place_callback(
        self: &Arc<Self>,
        account: &BareJid,
        target: Target,
    ) -> Result<CallStarted, CallControlError> {
        let requested = Instant::now();
        let admitted = self.admit(account, target, CallRoute::Callback, None)?;
        let plan = CallbackPlan {
            mobile: self.trunk_uri(&admitted.mobile)?,
            callee: admitted.callee,
            callback_from: self.trunk_party(&self.config.callback_caller_id)?,
            callee_sees: admitted.callee_sees,
            answer_timeout: self.config.callback_answer,
            ring_timeout: self.config.ring_timeout,
        };
        let call_id = admitted.call_id;
        tracing::info!(call = %call_id, route = "callback", "call requested");
        let hangup = admitted.hangup;
        Ok(self.launch(
            account,
            call_id,
            CallState::CallingYou,
            move |control, account, id| async move {
                control
                    .run_callback(&account, &id, &plan, hangup, requested)
                    .await;
            },
        ))
    }

    /// Tells the account the call's first state, runs the call's `flow` in
    /// its own task, and answers the request with the call's id.
    fn launch<F>(
        self: &Arc<Self>,
        account: &BareJid,
        call_id: String,
        first: CallState,
        flow: impl FnOnce(Arc<Self>, BareJid, String) -> F,
    ) -> CallStarted
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.notify_state(account, &call_id, first, None);
        tokio::spawn(flow(self.clone(), account.clone(), call_id.clone()));
        CallStarted {
            call_id,
            callback_from: self.config.callback_caller_id.clone(),
        }
    }

    async fn run_callback(
        &self,
        account: &BareJid,
        call_id: &str,
        plan: &CallbackPlan,
        hangup: watch::Receiver<bool>,
        requested: Instant,
    ) {
        let mut timing = SetupTiming {
            request_to_invite: Duration::ZERO,
            answer_to_callee_invite: None,
            callee_answer_to_bridge: None,
        };
        let mut mobile_answered = requested;
        let mut callee_answered = requested;
        let mut observe = |milestone: Milestone| {
            let now = Instant::now();
            match milestone {
                Milestone::MobileInvited => timing.request_to_invite = now - requested,
                Milestone::MobileAnswered => {
                    mobile_answered = now;
                    self.notify_state(account, call_id, CallState::Connecting, None);
                }
                Milestone::CalleeInvited => {
                    timing.answer_to_callee_invite = Some(now - mobile_answered);
                }
                Milestone::CalleeRinging => {
                    self.notify_state(account, call_id, CallState::Ringing, None);
                }
                Milestone::CalleeAnswered => callee_answered = now,
                Milestone::Bridged => {
                    timing.callee_answer_to_bridge = Some(now - callee_answered);
                    if let Err(error) = self.journal.answered(call_id, now_ms()) {
                        tracing::error!(%error, call = %call_id, "cannot journal an answer");
                    }
                    self.notify_state(account, call_id, CallState::Answered, None);
                }
            }
        };
        let reason = callback::run(&self.ua, plan, hangup, &mut observe).await;
        let mut timings = lock(&self.timings);
        if timings.len() == SETUP_TIMINGS_KEPT {
            timings.pop_front();
        }
        timings.push_back(timing);
        drop(timings);
        self.end(account, call_id, reason);
    }

    fn end(&self, account: &BareJid, call_id: &str, reason: CallEndReason) {
        lock(&self.active).remove(call_id);
        if let Err(error) = self.journal.ended(call_id, now_ms(), reason) {
            tracing::error!(%error, call = %call_id, "cannot journal a call's end");
        }
        tracing::info!(call = %call_id, ?reason, "call ended");
        self.notify_state(account, call_id, CallState::Ended, Some(reason));
    }

    /// Hangs up (or cancels) one of the account's calls.
    pub(crate) fn hang_up(&self, account: &BareJid, call_id: &str) -> Result<(), CallControlError> {
        let active = lock(&self.active);
        let call = active
            .get(call_id)
            .filter(|c| c.account == account.as_str())
            .ok_or(CallControlError::UnknownCall)?;
        call.hangup.send_replace(true);
        Ok(())
    }

    /// Hangs up every call under way and waits (up to `grace`) for them to end.
    pub(crate) async fn shutdown(&self, grace: Duration) {
        for call in lock(&self.active).values() {
            call.hangup.send_replace(true);
        }
        let deadline = Instant::now() + grace;
        while !lock(&self.active).is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Call records: one account's, or (`None`) everyone's, oldest first.
    pub(crate) fn records(
        &self,
        account: Option<&BareJid>,
    ) -> Result<Vec<CallRecord>, CallControlError> {
        let mut all = self.journal.all()?;
        if let Some(account) = account {
            all.retain(|r| r.account == account.as_str());
        }
        Ok(all)
    }

    /// What the gateway measured for the latest callbacks (at most
    /// [`SETUP_TIMINGS_KEPT`] of them), oldest first.
    pub fn setup_timings(&self) -> Vec<SetupTiming> {
        lock(&self.timings).iter().copied().collect()
    }

    /// Room for one more call: under the concurrent calls and the
    /// gateway-wide rate.
    fn take_capacity(&self, now: Instant) -> Result<(), CallControlError> {
        if lock(&self.active).len() >= self.config.max_concurrent_calls {
            return Err(CallControlError::AtCapacity);
        }
        self.take_overall(now)
    }

    fn take_overall(&self, now: Instant) -> Result<(), CallControlError> {
        self.calls_overall
            .take("", now)
            .map_err(|retry_after| CallControlError::RateLimited {
                what: "the gateway is placing too many calls",
                retry_after,
            })
    }

    fn trunk_uri(&self, e164: &str) -> Result<SipUri, CallControlError> {
        parse_uri(&format!("sip:{e164}@{}", self.config.trunk))
    }

    fn trunk_party(&self, e164: &str) -> Result<NameAddr, CallControlError> {
        Ok(NameAddr::uri(self.trunk_uri(e164)?))
    }

    fn registrar_uri(&self, user: &str) -> Result<SipUri, CallControlError> {
        parse_uri(&format!("sip:{user}@{}", self.config.registrar))
    }

    fn notify_state(
        &self,
        account: &BareJid,
        call_id: &str,
        state: CallState,
        reason: Option<CallEndReason>,
    ) {
        self.notify(
            account,
            Event::CallChanged {
                call_id: call_id.to_owned(),
                state,
                reason,
            },
        );
    }

    fn notify(&self, account: &BareJid, event: Event) {
        let _ = self.events.send((account.clone(), event));
    }
}

fn parse_uri(text: &str) -> Result<SipUri, CallControlError> {
    text.parse()
        .map_err(|_| CallControlError::Invalid(format!("'{text}' is not a usable SIP address")))
}

#[cfg(test)]
mod tests;
