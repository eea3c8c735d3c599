//! The gateway's SIP user agent: one UDP endpoint with the dialog and INVITE
//! layers, a layer handing new incoming calls to call control, the Contact
//! address peers reach it at, and the outgoing legs it places (with the
//! trunk's digest credentials on legs to the trunk).

use std::net::SocketAddr;

use ezk_sip_auth::{DigestCredentials, DigestUser};
use ezk_sip_core::{Endpoint, IncomingRequest, Layer, MayTake};
use ezk_sip_types::{
    Method,
    header::typed::Contact,
    host::HostPort,
    uri::{NameAddr, SipUri},
};
use ezk_sip_ua::{dialog::DialogLayer, invite::InviteLayer};
use tokio::sync::mpsc;

/// The SIP endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The UDP address could not be bound.
    #[error("cannot listen for SIP on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The address is not usable in a SIP Contact (unspecified, 0.0.0.0).
    #[error("{0} cannot be a SIP contact address: listen on a specific address")]
    Contact(SocketAddr),
}

use super::leg::OutLeg;
use crate::config::DigestLogin;

/// The endpoint and the address other parties reach the gateway at.
#[derive(Clone)]
pub(crate) struct SipUa {
    /// The SIP endpoint.
    pub endpoint: Endpoint,
    /// The gateway's Contact.
    pub contact: Contact,
    /// The trunk, and the credentials its challenges are answered with.
    trunk: Option<(HostPort, DigestCredentials)>,
}

impl SipUa {
    /// An outgoing leg from `from` to `target`; a leg to the trunk answers
    /// its digest challenge.
    pub(crate) fn leg(&self, from: NameAddr, target: SipUri) -> OutLeg {
        let credentials = self
            .trunk
            .as_ref()
            .filter(|(trunk, _)| *trunk == target.host_port)
            .map(|(_, credentials)| credentials.clone());
        let leg = OutLeg::new(&self.endpoint, from, self.contact.clone(), target);
        match credentials {
            Some(credentials) => leg.authenticating(credentials),
            None => leg,
        }
    }
}

/// Takes INVITEs that open a new dialog (the dialog layer before it has
/// taken in-dialog requests) and hands them to call control.
struct NewCalls {
    calls: mpsc::UnboundedSender<IncomingRequest>,
}

#[async_trait::async_trait]
impl Layer for NewCalls {
    fn name(&self) -> &'static str {
        "splitline-new-calls"
    }

    async fn receive(&self, _endpoint: &Endpoint, mut request: MayTake<'_, IncomingRequest>) {
        if request.line.method != Method::INVITE || request.base_headers.to.tag.is_some() {
            return;
        }
        if let Some(invite) = request.inner().take()
            && let Err(unsent) = self.calls.send(invite)
        {
            // Call control is gone: leave the INVITE to the endpoint's refusal.
            *request.inner() = Some(unsent.0);
        }
    }
}

/// Binds the endpoint on `listen` (UDP); new incoming calls arrive on the
/// receiver. Legs to `trunk` answer its challenges with `trunk_login`.
pub(crate) async fn bind(
    listen: SocketAddr,
    trunk: SocketAddr,
    trunk_login: Option<&DigestLogin>,
) -> Result<(SipUa, mpsc::UnboundedReceiver<IncomingRequest>), EndpointError> {
    let mut builder = Endpoint::builder();
    let (calls, incoming) = mpsc::unbounded_channel();
    builder.add_layer(DialogLayer::default());
    builder.add_layer(InviteLayer::default());
    builder.add_layer(NewCalls { calls });
    builder.user_agent(concat!("splitline-gateway/", env!("CARGO_PKG_VERSION")));
    let transport = builder
        .bind_udp(listen)
        .await
        .map_err(|source| EndpointError::Bind {
            addr: listen,
            source,
        })?;
    let bound = transport.bound();
    if bound.ip().is_unspecified() {
        return Err(EndpointError::Contact(bound));
    }
    let endpoint = builder.build();
    let uri: SipUri = format!("sip:splitline@{bound}")
        .parse()
        .map_err(|_| EndpointError::Contact(bound))?;
    tracing::info!(%bound, "SIP endpoint listening");
    Ok((
        SipUa {
            endpoint,
            contact: Contact::new(NameAddr::uri(uri)),
            trunk: trunk_login.map(|login| {
                let mut credentials = DigestCredentials::new();
                credentials.set_default(DigestUser::new(
                    login.user.clone(),
                    login.password.expose().as_bytes(),
                ));
                (HostPort::from(trunk), credentials)
            }),
        },
        incoming,
    ))
}
