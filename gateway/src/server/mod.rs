//! Starting and stopping the gateway: the protocol listener (HTTPS, or plain
//! HTTP on loopback; see [`listener`]), the private metrics listener, the
//! idle reaper and, with a data directory, the push sender.

mod fd_limit;
mod framing;
mod listener;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::Router;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};

use crate::{
    calls::{CallControl, CallStartError},
    config::{Config, TlsFiles},
    http::{self, AppState},
    metrics::Metrics,
    push::{PushHub, PushStartError},
    sessions::Registry,
    xmpp::connect::XmppEndpoint,
};
use listener::ProtocolListener;

/// The gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The certificate or key could not be used.
    #[error("cannot use the TLS certificate or key: {0}")]
    Tls(String),
    /// Call control could not start.
    #[error(transparent)]
    Calls(#[from] CallStartError),
    /// Push could not start.
    #[error(transparent)]
    Push(#[from] PushStartError),
}

/// Entry point of the gateway.
#[derive(Debug)]
pub struct Gateway;

/// A started gateway.
#[derive(Debug)]
pub struct RunningGateway {
    /// Where the protocol is served.
    pub addr: SocketAddr,
    /// Where `/metrics` is served.
    pub metrics_addr: Option<SocketAddr>,
    /// True when the protocol is served over TLS.
    pub tls: bool,
    /// The call control, when calls are on.
    pub calls: Option<Arc<CallControl>>,
    registry: Arc<Registry>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Gateway {
    /// Binds the listeners and starts serving (on the current tokio runtime).
    pub async fn start(config: Config) -> Result<RunningGateway, StartError> {
        // Several crates may pull in rustls; this process uses ring. A second
        // install (another gateway in the same process) is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sessions = u64::try_from(config.sessions.max_sessions).unwrap_or(u64::MAX);
        let connections = u64::try_from(config.http.max_connections).unwrap_or(u64::MAX);
        fd_limit::raise_for(
            connections
                .saturating_add(sessions)
                .saturating_add(fd_limit::RESERVE),
        );
        let metrics = Arc::new(Metrics::default());
        let (call_events, mut call_events_rx) = mpsc::unbounded_channel();
        let calls = match &config.sip {
            Some(sip) => {
                let access_numbers = config
                    .access_numbers
                    .iter()
                    .map(|a| a.number.clone())
                    .collect();
                Some(
                    CallControl::start(
                        sip.clone(),
                        access_numbers,
                        config.xmpp.domains.clone(),
                        call_events,
                        metrics.clone(),
                    )
                    .await?,
                )
            }
            None => None,
        };
        let push = config
            .push
            .clone()
            .map(|push| PushHub::open(push, metrics.clone()))
            .transpose()?;
        let registry = Registry::new(
            config.sessions.clone(),
            config.xmpp.domains.clone(),
            XmppEndpoint::from_config(&config),
            metrics.clone(),
            push.clone(),
        );
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        if let Some(push) = push {
            tasks.push(tokio::spawn(push.send_forever()));
        }
        let notifier = registry.clone();
        tasks.push(tokio::spawn(async move {
            while let Some((account, event)) = call_events_rx.recv().await {
                notifier.notify_account(&account, &event);
            }
        }));

        let state = AppState {
            sessions: registry.clone(),
            calls: calls.clone(),
            directory: config.access_numbers.clone().into(),
            metrics: metrics.clone(),
        };
        let router = http::router(state, config.http.max_body_bytes);
        let listener = bind(config.http.listen)?;
        let addr = local_addr(&listener, config.http.listen)?;
        let tls = match &config.http.tls {
            Some(files) => Some(tokio_rustls::TlsAcceptor::from(Arc::new(tls_config(
                files,
            )?))),
            None => None,
        };
        let protocol = ProtocolListener {
            listener: tokio::net::TcpListener::from_std(listener)
                .map_err(|source| StartError::Bind { addr, source })?,
            tls,
            header_timeout: config.http.header_timeout,
            max_connections: config.http.max_connections,
            metrics: metrics.clone(),
        };
        let tls = protocol.tls.is_some();
        tasks.push(protocol.spawn(router, stop_rx.clone()));

        let metrics_addr = match config.http.metrics_listen {
            Some(wanted) => {
                let listener = bind(wanted)?;
                let bound = local_addr(&listener, wanted)?;
                let private = http::private_router(metrics, calls.clone());
                tasks.push(serve_plain(listener, private, stop_rx)?);
                Some(bound)
            }
            None => None,
        };
        tasks.push(tokio::spawn(registry.clone().reap_forever()));
        tracing::info!(%addr, tls, metrics = ?metrics_addr, "gateway serving");
        Ok(RunningGateway {
            addr,
            metrics_addr,
            tls,
            calls,
            registry,
            stop,
            tasks,
        })
    }
}

impl RunningGateway {
    /// Ends every session (the phones learn why), then stops serving.
    pub async fn shutdown(self) {
        if let Some(calls) = &self.calls {
            calls.shutdown(Duration::from_secs(5)).await;
        }
        self.registry.shutdown(Duration::from_secs(5)).await;
        let _ = self.stop.send(true);
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
        tracing::info!("gateway stopped");
    }
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, StartError> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok(listener)
}

fn local_addr(
    listener: &std::net::TcpListener,
    wanted: SocketAddr,
) -> Result<SocketAddr, StartError> {
    listener.local_addr().map_err(|source| StartError::Bind {
        addr: wanted,
        source,
    })
}

fn serve_plain(
    listener: std::net::TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, StartError> {
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: ([0, 0, 0, 0], 0).into(),
        source,
    })?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok(tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "HTTP server failed");
        }
    }))
}

fn tls_config(files: &TlsFiles) -> Result<rustls::ServerConfig, StartError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|iter| iter.collect::<Result<_, _>>())
        .map_err(|e| StartError::Tls(format!("{}: {e}", files.cert.display())))?;
    if certs.is_empty() {
        return Err(StartError::Tls(format!(
            "{}: no certificate found",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| StartError::Tls(format!("{}: {e}", files.key.display())))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| StartError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
