//! The protocol listener: accepts connections up to the cap (closing the
//! rest at once, counted), gives each connection the header timeout for its
//! TLS handshake and for every request head, and serves it with hyper's
//! HTTP/1.1, the peer's address put on each request as axum's `ConnectInfo`.

use std::{net::SocketAddr, sync::Arc, sync::atomic::Ordering, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{Request, body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
    task::JoinHandle,
};
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

use super::framing::JsonFramingErrors;
use crate::{http::json::BodyDeadline, metrics::Metrics};

/// How long to wait before accepting again after `accept` failed (out of
/// file descriptors, typically), so the loop does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);
/// How long open connections may take to finish when the gateway stops.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The protocol listener, bound, with what it needs to serve.
pub(super) struct ProtocolListener {
    /// The bound socket.
    pub(super) listener: TcpListener,
    /// TLS, or `None` for plain HTTP (loopback only).
    pub(super) tls: Option<TlsAcceptor>,
    /// Time for a TLS handshake and for each request head.
    pub(super) header_timeout: Duration,
    /// Most connections open at once.
    pub(super) max_connections: usize,
    /// Where the connection gauge and counters go.
    pub(super) metrics: Arc<Metrics>,
}

/// What every connection task shares.
struct Shared {
    http: http1::Builder,
    tls: Option<TlsAcceptor>,
    header_timeout: Duration,
    metrics: Arc<Metrics>,
    router: Router,
}

/// An open connection: holds its place under the cap and in the gauge.
struct Open {
    metrics: Arc<Metrics>,
    _slot: OwnedSemaphorePermit,
}

impl Open {
    fn new(metrics: Arc<Metrics>, slot: OwnedSemaphorePermit) -> Self {
        metrics
            .http_connections_open
            .fetch_add(1, Ordering::Relaxed);
        Self {
            metrics,
            _slot: slot,
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.metrics
            .http_connections_open
            .fetch_sub(1, Ordering::Relaxed);
    }
}

impl ProtocolListener {
    /// Serves `router` until `stop` turns true.
    pub(super) fn spawn(self, router: Router, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(self.accept_loop(router, stop))
    }

    async fn accept_loop(self, router: Router, mut stop: watch::Receiver<bool>) {
        let Self {
            listener,
            tls,
            header_timeout,
            max_connections,
            metrics,
        } = self;
        let slots = Arc::new(Semaphore::new(max_connections));
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        let shared = Arc::new(Shared {
            http,
            tls,
            header_timeout,
            metrics,
            router,
        });
        let mut refusing = false;
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stop.wait_for(|stopped| *stopped) => return,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a protocol connection");
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                Metrics::inc(&shared.metrics.http_connections_refused);
                if !refusing {
                    tracing::warn!(
                        max_connections,
                        "connection cap reached: refusing new connections"
                    );
                }
                refusing = true;
                drop(stream);
                continue;
            };
            refusing = false;
            let open = Open::new(shared.metrics.clone(), slot);
            tokio::spawn(shared.clone().serve(stream, peer, open, stop.clone()));
        }
    }
}

impl Shared {
    async fn serve(
        self: Arc<Self>,
        stream: TcpStream,
        peer: SocketAddr,
        _open: Open,
        stop: watch::Receiver<bool>,
    ) {
        let Some(acceptor) = &self.tls else {
            return self.serve_http(stream, peer, stop).await;
        };
        match tokio::time::timeout(self.header_timeout, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => self.serve_http(tls, peer, stop).await,
            Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
            Err(_) => Metrics::inc(&self.metrics.http_header_timeouts),
        }
    }

    async fn serve_http<S>(&self, io: S, peer: SocketAddr, mut stop: watch::Receiver<bool>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let router = self.router.clone();
        let header_timeout = self.header_timeout;
        let service = service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
                .extensions_mut()
                .insert(BodyDeadline(header_timeout));
            router.clone().call(request)
        });
        let connection = self
            .http
            .serve_connection(TokioIo::new(JsonFramingErrors::new(io)), service);
        tokio::pin!(connection);
        let finished = tokio::select! {
            served = connection.as_mut() => Some(served),
            _ = stop.wait_for(|stopped| *stopped) => None,
        };
        let served = match finished {
            Some(served) => served,
            None => {
                connection.as_mut().graceful_shutdown();
                tokio::time::timeout(STOP_GRACE, connection)
                    .await
                    .unwrap_or(Ok(()))
            }
        };
        match served {
            Err(error) if error.is_timeout() => Metrics::inc(&self.metrics.http_header_timeouts),
            Err(error) => tracing::debug!(%error, "protocol connection ended with an error"),
            Ok(()) => {}
        }
    }
}
