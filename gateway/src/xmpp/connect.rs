//! Reaching the XMPP server: a one-shot credential check (a long-lived client
//! retries a wrong password forever without a word), then the long-lived client.

use std::time::Duration;

use sasl::common::Credentials;
use tokio_xmpp::{
    connect::{DnsConfig, ServerConnector, StartTlsServerConnector, TcpServerConnector},
    jid::{BareJid, FullJid, Jid},
    parsers::ns,
    stanzastream::StanzaStream,
    xmlstream::Timeouts,
};

/// Stanzas queued in each direction between a session worker and its stream.
const QUEUE_DEPTH: usize = 256;

use crate::config::{Config, XmppTransport};

/// Why a sign-in did not reach a session.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The server refused the address and password.
    #[error("the network refused the address or password")]
    AuthFailed,
    /// The server could not be reached or broke off.
    #[error("cannot reach the XMPP server: {0}")]
    Unreachable(String),
    /// The server did not answer in time.
    #[error("the XMPP server did not answer in time")]
    Timeout,
}

/// Where and how to reach the XMPP server.
#[derive(Debug, Clone)]
pub struct XmppEndpoint {
    server: Option<(String, u16)>,
    transport: XmppTransport,
    timeout: Duration,
}

impl XmppEndpoint {
    /// The endpoint the configuration names.
    pub fn from_config(config: &Config) -> Self {
        Self {
            server: config.xmpp_server.clone(),
            transport: config.xmpp_transport,
            timeout: config.sign_in_timeout,
        }
    }

    fn dns(&self, jid: &BareJid) -> DnsConfig {
        match &self.server {
            Some((host, port)) => DnsConfig::no_srv(host, *port),
            None => DnsConfig::srv_default_client(jid.domain().as_str()),
        }
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts {
            read_timeout: self.timeout,
            ..Timeouts::default()
        }
    }

    /// Logs in once and disconnects: fails fast on a wrong password.
    pub async fn check_credentials(
        &self,
        jid: &BareJid,
        password: &str,
    ) -> Result<(), SignInError> {
        let dns = self.dns(jid);
        let attempt = async {
            match self.transport {
                XmppTransport::Plaintext => {
                    login_once(
                        TcpServerConnector::from(dns),
                        jid,
                        password,
                        self.timeouts(),
                    )
                    .await
                }
                XmppTransport::Starttls => {
                    login_once(
                        StartTlsServerConnector::from(dns),
                        jid,
                        password,
                        self.timeouts(),
                    )
                    .await
                }
            }
        };
        tokio::time::timeout(self.timeout, attempt)
            .await
            .map_err(|_| SignInError::Timeout)?
    }

    /// A stanza stream that connects, keeps itself up with stream management
    /// (XEP-0198) and reconnects by itself. The unsplit stream is used, not
    /// `Client`: `Client`'s internal split receiver can miss a wake-up while a
    /// send holds its lock, leaving an incoming stanza unread.
    pub fn stream(&self, jid: FullJid, password: String) -> StanzaStream {
        let dns = self.dns(&jid.to_bare());
        let timeouts = Timeouts::default();
        let jid = Jid::from(jid);
        match self.transport {
            XmppTransport::Plaintext => StanzaStream::new_c2s(
                TcpServerConnector::from(dns),
                jid,
                password,
                timeouts,
                QUEUE_DEPTH,
            ),
            XmppTransport::Starttls => StanzaStream::new_c2s(
                StartTlsServerConnector::from(dns),
                jid,
                password,
                timeouts,
                QUEUE_DEPTH,
            ),
        }
    }
}

async fn login_once<C: ServerConnector>(
    connector: C,
    jid: &BareJid,
    password: &str,
    timeouts: Timeouts,
) -> Result<(), SignInError> {
    let node = jid
        .node()
        .map(|n| n.as_str().to_owned())
        .ok_or(SignInError::AuthFailed)?;
    let target = Jid::from(jid.clone());
    let (pending, binding) = connector
        .connect(&target, ns::JABBER_CLIENT, timeouts)
        .await
        .map_err(|e| SignInError::Unreachable(e.to_string()))?;
    let (features, stream) = pending
        .recv_features()
        .await
        .map_err(|e| SignInError::Unreachable(e.to_string()))?;
    let credentials = Credentials::default()
        .with_username(node)
        .with_password(password)
        .with_channel_binding(binding);
    match tokio_xmpp::client_login(stream, features.sasl_mechanisms, credentials).await {
        Ok(_) => Ok(()),
        Err(tokio_xmpp::Error::Auth(_)) => Err(SignInError::AuthFailed),
        Err(e) => Err(SignInError::Unreachable(e.to_string())),
    }
}
