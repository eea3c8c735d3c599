//! The real gateway, started in this process on loopback ports, with the
//! gateway's own [`Settings`]: a test tunes what it needs and the rest stays
//! at the gateway's defaults.

use std::{net::SocketAddr, time::Duration};

use splitline_gateway::{Gateway, RunningGateway, config::XmppTransport};

pub use splitline_gateway::config::{Settings, SipSettings};

/// `127.0.0.1:port`.
pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The settings of a test gateway in front of the XMPP server on
/// `xmpp_port`, serving the harness's [`DOMAIN`](crate::DOMAIN): the
/// protocol on any free loopback port, metrics on, plain XMPP over loopback;
/// everything else at the gateway's defaults.
pub fn settings(xmpp_port: u16) -> Settings {
    let mut settings = Settings::default();
    settings.http.listen = Some(loopback(0));
    settings.http.metrics_listen = Some(loopback(0));
    settings.xmpp.xmpp_server = Some(format!("127.0.0.1:{xmpp_port}"));
    settings.xmpp.xmpp_transport = Some(XmppTransport::Plaintext);
    settings.xmpp.domains = Some(vec![crate::DOMAIN.to_owned()]);
    settings
}

/// Starts a gateway in front of the XMPP server on `xmpp_port`, with the
/// test [`settings`] changed by `tune`.
pub async fn start(xmpp_port: u16, tune: impl FnOnce(&mut Settings)) -> RunningGateway {
    let mut settings = settings(xmpp_port);
    tune(&mut settings);
    // RUST_LOG=debug shows the gateway's logs in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let gateway = Gateway::start(settings.validate().unwrap()).await.unwrap();
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
