//! Delivering one push (RFC 8030 §5): the payload encrypted for the device
//! (RFC 8291 aes128gcm, by `web-push-native`), signed with the VAPID key,
//! POSTed over hyper to an address checked again after resolving, and the
//! push service's answer turned into what happens next.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::http::{HeaderMap, Request, StatusCode, header};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::{
    coalesce::{Due, Outcome},
    endpoint::{Endpoint, EndpointError, EndpointPolicy},
    keys::{DeviceKeys, Vapid},
};

/// A push that could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DeliverError {
    /// The endpoint is not (or no longer) one the gateway calls.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The stored keys do not parse (they were checked on registration).
    #[error("the registration's keys are unusable")]
    Keys,
    /// Encryption failed.
    #[error("cannot encrypt the push")]
    Encrypt,
    /// The push service could not be reached or did not answer in time.
    #[error("push service unreachable: {0}")]
    Network(String),
}

impl DeliverError {
    /// What a failure means for the device: an endpoint refused or keys
    /// unusable will not get better; the network may.
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Self::Endpoint(EndpointError::Unresolved) | Self::Network(_) => {
                Outcome::Retry { retry_after: None }
            }
            Self::Endpoint(_) | Self::Keys => Outcome::Gone,
            Self::Encrypt => Outcome::Dropped,
        }
    }
}

/// What the push service's status means (RFC 8030 §5, §6.2, §8.4).
pub(crate) fn decide(status: StatusCode, headers: &HeaderMap) -> Outcome {
    match status.as_u16() {
        200..=299 => Outcome::Sent,
        404 | 410 => Outcome::Gone,
        429 | 500..=599 => Outcome::Retry {
            retry_after: headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
        },
        _ => Outcome::Dropped,
    }
}

/// Sends pushes.
#[derive(Clone)]
pub(crate) struct Deliverer {
    policy: EndpointPolicy,
    tls: TlsConnector,
    timeout: Duration,
}

impl Deliverer {
    /// A sender checking endpoints by `policy`, trusting the system's roots.
    pub(crate) fn new(policy: EndpointPolicy, timeout: Duration) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Self {
            policy,
            tls: TlsConnector::from(Arc::new(config)),
            timeout,
        }
    }

    /// Encrypts `due` for the device and sends it; the service's answer.
    pub(crate) async fn deliver(
        &self,
        due: &Due,
        endpoint: &str,
        keys: (&str, &str),
        vapid: &Vapid,
        now_secs: u64,
    ) -> Result<(StatusCode, HeaderMap), DeliverError> {
        let endpoint = self.policy.parse(endpoint)?;
        let device = DeviceKeys::parse(keys.0, keys.1).map_err(|_| DeliverError::Keys)?;
        let plaintext = serde_json::to_vec(&due.wake).map_err(|_| DeliverError::Encrypt)?;
        let auth = web_push_native::Auth::clone_from_slice(&device.auth);
        let body = web_push_native::encrypt(plaintext, &device.public, &auth)
            .map_err(|_| DeliverError::Encrypt)?;
        let request = Request::post(endpoint.path_and_query())
            .header(
                header::HOST,
                endpoint.uri.authority().map_or("", |a| a.as_str()),
            )
            .header("TTL", due.ttl_secs)
            .header("Urgency", due.urgency.as_str())
            .header(header::CONTENT_ENCODING, "aes128gcm")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(
                header::AUTHORIZATION,
                vapid.authorization(&endpoint.origin(), now_secs),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| DeliverError::Network(e.to_string()))?;
        tokio::time::timeout(self.timeout, self.send(&endpoint, request))
            .await
            .map_err(|_| DeliverError::Network("timed out".to_owned()))?
    }

    /// Resolves the host, checks every address, connects to one of them
    /// and sends: all within the timeout.
    async fn send(
        &self,
        endpoint: &Endpoint,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, HeaderMap), DeliverError> {
        let addrs: Vec<SocketAddr> = self.policy.resolve(endpoint).await?;
        let network = |e: &dyn std::fmt::Display| DeliverError::Network(e.to_string());
        let stream = TcpStream::connect(addrs.as_slice())
            .await
            .map_err(|e| network(&e))?;
        let response = if endpoint.https {
            let name = ServerName::try_from(endpoint.host.clone()).map_err(|e| network(&e))?;
            let tls = self
                .tls
                .connect(name, stream)
                .await
                .map_err(|e| network(&e))?;
            exchange(TokioIo::new(tls), request).await?
        } else {
            exchange(TokioIo::new(stream), request).await?
        };
        Ok(response)
    }
}

/// One HTTP/1.1 request on a fresh connection.
async fn exchange<T>(
    io: T,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, HeaderMap), DeliverError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let network = |e: hyper::Error| DeliverError::Network(e.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(network)?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(network);
    driver.abort();
    let response = response?;
    Ok((response.status(), response.headers().clone()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_services_answer_decides_what_happens_next() {
        let none = HeaderMap::new();
        assert_eq!(decide(StatusCode::CREATED, &none), Outcome::Sent);
        assert_eq!(decide(StatusCode::GONE, &none), Outcome::Gone);
        assert_eq!(decide(StatusCode::NOT_FOUND, &none), Outcome::Gone);
        assert_eq!(
            decide(StatusCode::SERVICE_UNAVAILABLE, &none),
            Outcome::Retry { retry_after: None }
        );
        let mut later = HeaderMap::new();
        later.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(
            decide(StatusCode::TOO_MANY_REQUESTS, &later),
            Outcome::Retry {
                retry_after: Some(Duration::from_secs(120))
            }
        );
        assert_eq!(decide(StatusCode::BAD_REQUEST, &none), Outcome::Dropped);
        assert_eq!(
            decide(StatusCode::PAYLOAD_TOO_LARGE, &none),
            Outcome::Dropped
        );
        assert_eq!(
            DeliverError::Endpoint(EndpointError::AddressNotAllowed).outcome(),
            Outcome::Gone,
            "a name that now resolves inside loses its registration"
        );
        assert_eq!(
            DeliverError::Network("reset".to_owned()).outcome(),
            Outcome::Retry { retry_after: None }
        );
    }
}
