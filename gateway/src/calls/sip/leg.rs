//! One outgoing call leg (UAC INVITE) with what third-party call control
//! needs of it: a late or an early offer, the final answer through the INVITE
//! transaction or an early dialog, an ACK that may carry the answer
//! (RFC 3725 flow 4), a CANCEL that proxies accept, and one answer to a
//! digest challenge (401/407) when the leg has credentials.

use std::{future::poll_fn, task::Poll, time::Duration};

use bytes::Bytes;
use bytesstr::BytesStr;
use ezk_sip_auth::{
    ClientAuthenticator, DigestAuthenticator, DigestCredentials, RequestParts, ResponseParts,
};
use ezk_sip_core::{
    Endpoint, Request,
    transaction::{TsxResponse, consts::T1},
    transport::{OutgoingParts, OutgoingRequest},
};
use ezk_sip_types::{
    Method, Name,
    header::typed::{CSeq, Contact, ContentType, MaxForwards},
    uri::{NameAddr, SipUri},
};
use ezk_sip_ua::invite::{
    create_ack,
    initiator::{Early, EarlyResponse, InviteInitiator, Response},
    session::InviteSession,
};

/// A leg could not be placed or ended.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LegError {
    /// The SIP stack failed (transport, malformed message, timeout).
    #[error("SIP: {0}")]
    Sip(#[from] ezk_sip_core::Error),
    /// The INVITE transaction ended without a final response.
    #[error("the INVITE transaction ended without a final response")]
    NoFinalResponse,
    /// Nothing answered the CANCEL.
    #[error("the CANCEL was not answered")]
    CancelUnanswered,
    /// A CANCEL was asked for a leg whose INVITE was never sent.
    #[error("no INVITE was sent on this leg")]
    NotSent,
    /// An incoming INVITE could not be answered.
    #[error("answering an incoming call: {0}")]
    Accept(#[from] ezk_sip_ua::invite::acceptor::Error),
    /// An incoming INVITE cannot open a dialog.
    #[error("an incoming call's headers: {0}")]
    Headers(#[from] ezk_sip_types::header::HeaderError),
}

/// How a leg's INVITE ended.
pub(crate) enum Answer {
    /// The peer answered: the session and its 2xx (which may carry an offer).
    Answered(Box<InviteSession>, Box<TsxResponse>),
    /// The peer refused with this final status.
    Refused(u16),
    /// The deadline passed first; the INVITE is still pending.
    TimedOut,
    /// The peer rings (only from [`OutLeg::ringing`]); the INVITE is still pending.
    Ringing,
}

/// An outgoing INVITE and its early dialogs.
pub(crate) struct OutLeg {
    initiator: InviteInitiator,
    earlies: Vec<Early>,
    finished: bool,
    /// The INVITE's body, to send again after a challenge.
    offer: Option<Bytes>,
    /// Answers a challenge, once.
    auth: Option<DigestAuthenticator>,
    challenged: bool,
}

/// The content type of session descriptions.
pub(crate) fn sdp_content_type() -> ContentType {
    ContentType(BytesStr::from_static("application/sdp"))
}

impl OutLeg {
    /// A leg from `from` to `target`; no reliable provisionals, no session timer.
    pub(crate) fn new(
        endpoint: &Endpoint,
        from: NameAddr,
        contact: Contact,
        target: SipUri,
    ) -> Self {
        let mut initiator = InviteInitiator::new(endpoint.clone(), from, contact, target);
        initiator.support_100rel = false;
        initiator.support_timer = false;
        Self {
            initiator,
            earlies: Vec::new(),
            finished: false,
            offer: None,
            auth: None,
            challenged: false,
        }
    }

    /// The leg answers one digest challenge of its peer with `credentials`.
    pub(crate) fn authenticating(mut self, credentials: DigestCredentials) -> Self {
        self.auth = Some(DigestAuthenticator::new(credentials));
        self
    }

    /// Sends the INVITE: with `offer`, or without a body (the peer offers in
    /// its 2xx).
    pub(crate) async fn invite(&mut self, offer: Option<Bytes>) -> Result<(), LegError> {
        self.offer = offer;
        self.send_invite().await
    }

    async fn send_invite(&mut self) -> Result<(), LegError> {
        let mut invite: Request = self.initiator.create_invite();
        if let Some(offer) = &self.offer {
            invite.headers.insert_named(&sdp_content_type());
            invite.body = offer.clone();
        }
        if let Some(auth) = &mut self.auth {
            auth.authorize_request(&mut invite.headers);
        }
        self.initiator.send_invite(invite).await?;
        Ok(())
    }

    /// Sends the INVITE again with the answer to the challenge in
    /// `rejection`, if the leg has credentials and has not tried yet; says
    /// whether it did.
    async fn answer_challenge(&mut self, rejection: &TsxResponse) -> Result<bool, LegError> {
        let (Some(auth), false, Some(sent)) = (
            self.auth.as_mut(),
            self.challenged,
            self.initiator.transaction(),
        ) else {
            return Ok(false);
        };
        self.challenged = true;
        let sent = sent.request();
        let answered = auth.handle_rejection(
            RequestParts {
                line: &sent.msg.line,
                headers: &sent.msg.headers,
                body: &sent.msg.body,
            },
            ResponseParts {
                line: &rejection.line,
                headers: &rejection.headers,
                body: &rejection.body,
            },
        );
        if let Err(error) = answered {
            tracing::warn!(%error, "cannot answer the peer's digest challenge");
            return Ok(false);
        }
        self.send_invite().await?;
        Ok(true)
    }

    /// Waits for the final answer until `deadline`; `on_provisional` hears
    /// every provisional status (180 means ringing).
    pub(crate) async fn answer(
        &mut self,
        deadline: tokio::time::Instant,
        on_provisional: &mut (impl FnMut(u16) + Send),
    ) -> Result<Answer, LegError> {
        self.wait(deadline, false, on_provisional).await
    }

    /// Waits until the peer rings (180 to 183), answers or refuses, or
    /// `deadline` passes.
    pub(crate) async fn ringing(
        &mut self,
        deadline: tokio::time::Instant,
    ) -> Result<Answer, LegError> {
        self.wait(deadline, true, &mut |_| {}).await
    }

    async fn wait(
        &mut self,
        deadline: tokio::time::Instant,
        stop_at_ringing: bool,
        on_provisional: &mut (impl FnMut(u16) + Send),
    ) -> Result<Answer, LegError> {
        let rings = |code: u16| stop_at_ringing && (180..=183).contains(&code);
        let sleep = tokio::time::sleep_until(deadline);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                response = self.initiator.receive(), if !self.finished => match response? {
                    Response::Provisional(r) => {
                        let code = r.line.code.into_u16();
                        on_provisional(code);
                        if rings(code) {
                            return Ok(Answer::Ringing);
                        }
                    }
                    Response::Early(early, r, _) => {
                        let code = r.line.code.into_u16();
                        on_provisional(code);
                        self.earlies.push(early);
                        if rings(code) {
                            return Ok(Answer::Ringing);
                        }
                    }
                    Response::Session(session, r) => {
                        self.earlies.clear();
                        return Ok(Answer::Answered(Box::new(session), Box::new(r)));
                    }
                    Response::Failure(r) => {
                        let code = r.line.code.into_u16();
                        if matches!(code, 401 | 407) && self.answer_challenge(&r).await? {
                            continue;
                        }
                        self.earlies.clear();
                        return Ok(Answer::Refused(code));
                    }
                    Response::EarlyEvent => {}
                    Response::Finished => {
                        self.finished = true;
                        return Err(LegError::NoFinalResponse);
                    }
                },
                early = next_early(&mut self.earlies) => match early? {
                    EarlyResponse::Provisional(r, _) => {
                        let code = r.line.code.into_u16();
                        on_provisional(code);
                        if rings(code) {
                            return Ok(Answer::Ringing);
                        }
                    }
                    EarlyResponse::Success(session, r) => {
                        self.earlies.clear();
                        return Ok(Answer::Answered(Box::new(session), Box::new(r)));
                    }
                    EarlyResponse::Terminated => {}
                },
                () = &mut sleep => return Ok(Answer::TimedOut),
            }
        }
    }

    /// Acknowledges the 2xx `response` of `session`, with `answer` as the
    /// ACK's body when the peer offered. The ACK is sent again for every
    /// retransmitted 2xx until the transaction ends.
    ///
    /// The INVITE transaction must not be polled between the 2xx and this
    /// call: a retransmitted 2xx would open a second session on the same
    /// dialog and unregister the first.
    pub(crate) async fn acknowledge(
        mut self,
        session: &InviteSession,
        response: &TsxResponse,
        answer: Option<Bytes>,
    ) -> Result<(), LegError> {
        let mut ack = create_ack(&session.dialog, response.base_headers.cseq.cseq).await?;
        if let Some(answer) = answer {
            ack.msg.headers.insert_named(&sdp_content_type());
            ack.msg.body = answer;
        }
        session
            .endpoint
            .send_outgoing_request(&mut ack)
            .await
            .map_err(ezk_sip_core::Error::from)?;
        self.initiator.set_acknowledge(session, ack);
        if self.finished {
            return Ok(());
        }
        // Answer the 2xx retransmissions that queued up while the ACK was held
        // back, now, before any BYE can follow; then drain the rest.
        let _ = tokio::time::timeout(Duration::ZERO, self.initiator.receive()).await;
        tokio::spawn(async move {
            while let Ok(response) = self.initiator.receive().await {
                match response {
                    Response::Finished | Response::Failure(_) => break,
                    Response::Session(mut fork, _) => {
                        // Another fork answered too: it is not wanted.
                        let _ = fork.terminate().await;
                    }
                    _ => {}
                }
            }
        });
        Ok(())
    }

    /// Cancels the pending INVITE and waits until it ends. The CANCEL is built
    /// from the INVITE as sent, with its Via branch (RFC 3261 9.1), which
    /// proxies need to match it; it is re-sent until the INVITE completes. A
    /// 2xx that crossed the CANCEL is acknowledged and hung up.
    pub(crate) async fn cancel(mut self, endpoint: &Endpoint) -> Result<(), LegError> {
        let invite = self
            .initiator
            .transaction()
            .ok_or(LegError::NotSent)?
            .request();
        let mut cancel = Request::new(Method::CANCEL, invite.msg.line.uri.clone());
        for name in [Name::VIA, Name::FROM, Name::TO, Name::CALL_ID, Name::ROUTE] {
            if invite.msg.headers.contains(&name) {
                invite
                    .msg
                    .headers
                    .clone_into(&mut cancel.headers, name)
                    .map_err(ezk_sip_core::Error::from)?;
            }
        }
        let cseq: CSeq = invite
            .msg
            .headers
            .get_named()
            .map_err(ezk_sip_core::Error::from)?;
        cancel
            .headers
            .insert_named(&CSeq::new(cseq.cseq, Method::CANCEL));
        cancel.headers.insert_named(&MaxForwards(70));
        let mut out = OutgoingRequest {
            msg: cancel,
            parts: OutgoingParts {
                transport: invite.parts.transport.clone(),
                destination: invite.parts.destination,
                buffer: Bytes::new(),
            },
        };
        endpoint
            .send_outgoing_request(&mut out)
            .await
            .map_err(ezk_sip_core::Error::from)?;
        self.earlies.clear();
        let give_up = tokio::time::Instant::now() + T1 * 64;
        let mut interval = T1;
        loop {
            if self.finished {
                return Ok(());
            }
            tokio::select! {
                response = self.initiator.receive() => match response? {
                    Response::Failure(_) | Response::Finished => return Ok(()),
                    Response::Session(mut session, r) => {
                        let mut ack = create_ack(&session.dialog, r.base_headers.cseq.cseq).await?;
                        endpoint
                            .send_outgoing_request(&mut ack)
                            .await
                            .map_err(ezk_sip_core::Error::from)?;
                        session.terminate().await?;
                        return Ok(());
                    }
                    _ => {}
                },
                () = tokio::time::sleep(interval) => {
                    if tokio::time::Instant::now() > give_up {
                        return Err(LegError::CancelUnanswered);
                    }
                    endpoint
                        .send_outgoing_request(&mut out)
                        .await
                        .map_err(ezk_sip_core::Error::from)?;
                    interval = (interval * 2).min(Duration::from_secs(4));
                }
            }
        }
    }
}

/// The next event of any early dialog; pending forever when there is none.
/// An early dialog that answered or ended is removed (polling it again would
/// panic inside the SIP stack).
async fn next_early(earlies: &mut Vec<Early>) -> Result<EarlyResponse, LegError> {
    if earlies.is_empty() {
        return std::future::pending().await;
    }
    let (index, response) = poll_fn(|cx| {
        for (i, early) in earlies.iter_mut().enumerate() {
            if let Poll::Ready(r) = early.poll_receive(cx) {
                return Poll::Ready((i, r));
            }
        }
        Poll::Pending
    })
    .await;
    let response = response?;
    if matches!(
        response,
        EarlyResponse::Success(..) | EarlyResponse::Terminated
    ) {
        earlies.remove(index);
    }
    Ok(response)
}
