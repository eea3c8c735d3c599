//! The real gateway, started in this process on loopback ports.

use std::{path::PathBuf, time::Duration};

use splitline_gateway::{
    Gateway, RunningGateway,
    config::{Settings, XmppTransport},
};

/// What a test may change from the defaults.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub idle_timeout_secs: Option<u64>,
    pub max_body_bytes: Option<usize>,
    pub network_grace_secs: Option<u64>,
    pub max_sessions_per_account: Option<usize>,
    /// Most events a session buffers for its phone.
    pub event_buffer: Option<usize>,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A fixed port (default: any free one).
    pub port: Option<u16>,
    /// The access-number directory.
    pub access_numbers: Option<Vec<splitline_protocol::AccessNumber>>,
    /// Call control, on when set.
    pub calls: Option<CallOptions>,
}

/// Call control settings of a test gateway.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// The gateway's SIP port, picked before Kamailio starts so that it can
    /// route to the gateway.
    pub sip_port: u16,
    pub trunk: std::net::SocketAddr,
    pub registrar: std::net::SocketAddr,
    pub data_dir: PathBuf,
    pub callback_caller_id: String,
    pub verification_caller_prefix: String,
    pub ring_timeout_secs: Option<u64>,
    pub call_through_dial_secs: Option<u64>,
    pub calls_per_account_per_hour: Option<u32>,
    pub call_countries: Option<Vec<String>>,
}

/// Starts a gateway in front of the XMPP server on `xmpp_port`.
pub async fn start(xmpp_port: u16, options: Options) -> RunningGateway {
    // RUST_LOG=debug shows the gateway's logs in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let (tls_cert, tls_key) = options
        .tls
        .map_or((None, None), |(c, k)| (Some(c), Some(k)));
    let mut settings = Settings::default();
    settings.http.listen = Some(std::net::SocketAddr::from((
        [127, 0, 0, 1],
        options.port.unwrap_or(0),
    )));
    settings.http.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    settings.http.tls_cert = tls_cert;
    settings.http.tls_key = tls_key;
    settings.http.max_body_bytes = options.max_body_bytes;
    settings.xmpp.xmpp_server = Some(format!("127.0.0.1:{xmpp_port}"));
    settings.xmpp.xmpp_transport = Some(XmppTransport::Plaintext);
    settings.sessions.idle_timeout_secs = options.idle_timeout_secs;
    settings.sessions.network_grace_secs = options.network_grace_secs;
    settings.sessions.max_sessions_per_account = options.max_sessions_per_account;
    settings.sessions.event_buffer = options.event_buffer;
    settings.directory.access_numbers = options.access_numbers;
    if let Some(calls) = options.calls {
        settings.sip.sip_listen =
            Some(std::net::SocketAddr::from(([127, 0, 0, 1], calls.sip_port)));
        settings.sip.sip_trunk = Some(calls.trunk);
        settings.sip.sip_registrar = Some(calls.registrar);
        settings.sip.callback_caller_id = Some(calls.callback_caller_id);
        settings.sip.verification_caller_prefix = Some(calls.verification_caller_prefix);
        settings.sip.data_dir = Some(calls.data_dir);
        settings.sip.ring_timeout_secs = calls.ring_timeout_secs;
        settings.sip.call_through_dial_secs = calls.call_through_dial_secs;
        settings.sip.calls_per_account_per_hour = calls.calls_per_account_per_hour;
        settings.sip.call_countries = calls.call_countries;
    }
    let config = settings.validate().unwrap();
    let gateway = Gateway::start(config).await.unwrap();
    crate::wait_for_port(gateway.addr.port(), Duration::from_secs(5)).await;
    gateway
}

/// The base URL of a started gateway.
pub fn base_url(gateway: &RunningGateway) -> String {
    let scheme = if gateway.tls { "https" } else { "http" };
    // Over TLS the name must match the test certificate.
    let host = if gateway.tls {
        "localhost"
    } else {
        "127.0.0.1"
    };
    format!("{scheme}://{host}:{}", gateway.addr.port())
}
