//! Reaching the XMPP server: a one-shot credential check (a long-lived client
//! retries a wrong password forever without a word), then the long-lived client.

use std::{
    borrow::Cow,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use sasl::common::Credentials;
use splitline_backoff::Backoff;
use tokio::sync::oneshot;
use tokio_xmpp::{
    connect::{DnsConfig, ServerConnector, StartTlsServerConnector, TcpServerConnector},
    jid::{BareJid, FullJid, Jid},
    parsers::{ns, stream_features::StreamFeatures},
    stanzastream::{Connection, StanzaStream, XmppStream},
    xmlstream::{StreamHeader, Timeouts},
};

/// Stanzas queued in each direction between a session worker and its stream.
const QUEUE_DEPTH: usize = 256;
/// The ceiling of the first wait between reconnect attempts.
const FIRST_RECONNECT_DELAY: Duration = Duration::from_secs(1);
/// Longest wait between reconnect attempts.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(30);

use crate::config::{Config, XmppTransport};

/// Why a sign-in did not reach a session.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignInError {
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
pub(crate) struct XmppEndpoint {
    server: Option<(String, u16)>,
    transport: XmppTransport,
    timeout: Duration,
}

impl XmppEndpoint {
    /// The endpoint the configuration names.
    pub(crate) fn from_config(config: &Config) -> Self {
        Self {
            server: config.xmpp.server.clone(),
            transport: config.xmpp.transport,
            timeout: config.sessions.sign_in_timeout,
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
    pub(crate) async fn check_credentials(
        &self,
        jid: &BareJid,
        password: &str,
    ) -> Result<(), SignInError> {
        self.within_timeout(self.login(jid, password))
            .await
            .map(drop)
    }

    /// A stanza stream that keeps itself up with stream management (XEP-0198)
    /// and reconnects through [`Self::reconnect_into`], which stops as soon as
    /// the stream is dropped or the password stops working, so neither the
    /// password nor a login loop outlives the session. The unsplit stream is
    /// used, not `Client`: `Client`'s internal split receiver can miss a
    /// wake-up while a send holds its lock, leaving an incoming stanza unread.
    pub(crate) fn stream(&self, jid: FullJid, password: String) -> StanzaStream {
        let endpoint = self.clone();
        let connected_before = AtomicBool::new(false);
        let reconnector = move |_preferred_location: Option<String>,
                                slot: oneshot::Sender<Connection>| {
            let first = !connected_before.swap(true, Ordering::Relaxed);
            tokio::spawn(endpoint.clone().reconnect_into(
                jid.clone(),
                password.clone(),
                slot,
                first,
            ));
        };
        StanzaStream::new(Box::new(reconnector), QUEUE_DEPTH)
    }

    /// Logs in and hands the connection to the stream; gives up when the
    /// stream is gone or the password is refused. A stream's first login goes
    /// at once; a reconnect first waits a random delay, and failures back off
    /// with full jitter, so that sessions do not all come back in the same
    /// second after a server restart (RFC 6120 §3.3).
    async fn reconnect_into(
        self,
        jid: FullJid,
        password: String,
        mut slot: oneshot::Sender<Connection>,
        first: bool,
    ) {
        let bare = jid.to_bare();
        let mut backoff = Backoff::new(FIRST_RECONNECT_DELAY, MAX_RECONNECT_DELAY);
        if !first {
            tokio::select! {
                _ = slot.closed() => return,
                _ = tokio::time::sleep(backoff.next_delay(None)) => {}
            }
        }
        loop {
            let attempt = self.within_timeout(self.login(&bare, &password));
            let outcome = tokio::select! {
                _ = slot.closed() => return,
                outcome = attempt => outcome,
            };
            match outcome {
                Ok((features, stream)) => {
                    // If the stream went away meanwhile, dropping the connection closes it.
                    let _ = slot.send(Connection {
                        stream,
                        features,
                        identity: jid.into(),
                    });
                    return;
                }
                Err(SignInError::AuthFailed) => {
                    tracing::warn!(user = %bare, "the network refused the password on reconnect; ending the session");
                    return;
                }
                Err(error) => {
                    let delay = backoff.next_delay(None);
                    tracing::warn!(user = %bare, %error, retry_in = ?delay, "reconnect failed");
                    tokio::select! {
                        _ = slot.closed() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    async fn within_timeout<T>(
        &self,
        attempt: impl Future<Output = Result<T, SignInError>>,
    ) -> Result<T, SignInError> {
        tokio::time::timeout(self.timeout, attempt)
            .await
            .map_err(|_| SignInError::Timeout)?
    }

    /// Connects, authenticates and opens the authenticated stream.
    async fn login(
        &self,
        jid: &BareJid,
        password: &str,
    ) -> Result<(StreamFeatures, XmppStream), SignInError> {
        let dns = self.dns(jid);
        match self.transport {
            XmppTransport::Plaintext => {
                login(
                    TcpServerConnector::from(dns),
                    jid,
                    password,
                    self.timeouts(),
                )
                .await
            }
            XmppTransport::Starttls => {
                login(
                    StartTlsServerConnector::from(dns),
                    jid,
                    password,
                    self.timeouts(),
                )
                .await
            }
        }
    }
}

async fn login<C: ServerConnector>(
    connector: C,
    jid: &BareJid,
    password: &str,
    timeouts: Timeouts,
) -> Result<(StreamFeatures, XmppStream), SignInError> {
    let unreachable = |e: &dyn std::fmt::Display| SignInError::Unreachable(e.to_string());
    let node = jid
        .node()
        .map(|n| n.as_str().to_owned())
        .ok_or(SignInError::AuthFailed)?;
    let target = Jid::from(jid.clone());
    let (pending, binding) = connector
        .connect(&target, ns::JABBER_CLIENT, timeouts)
        .await
        .map_err(|e| unreachable(&e))?;
    let (features, stream) = pending.recv_features().await.map_err(|e| unreachable(&e))?;
    let credentials = Credentials::default()
        .with_username(node)
        .with_password(password)
        .with_channel_binding(binding);
    let authenticated =
        match tokio_xmpp::client_login(stream, features.sasl_mechanisms, credentials).await {
            Ok(stream) => stream,
            Err(tokio_xmpp::Error::Auth(_)) => return Err(SignInError::AuthFailed),
            Err(e) => return Err(unreachable(&e)),
        };
    let header = StreamHeader {
        to: Some(Cow::Borrowed(jid.domain().as_str())),
        from: None,
        id: None,
    };
    let pending = authenticated
        .send_header(header)
        .await
        .map_err(|e| unreachable(&e))?;
    let (features, stream) = pending.recv_features().await.map_err(|e| unreachable(&e))?;
    Ok((features, stream.box_stream()))
}
