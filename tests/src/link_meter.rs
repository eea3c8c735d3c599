//! The phone's link, metered: a TCP proxy on loopback in front of the
//! gateway that counts what crosses it (connections, requests, bytes each
//! way), as a carrier's data counter would. The core is pointed at the proxy
//! instead of the gateway.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// What crossed the link since the last [`LinkMeter::reset`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// TCP connections opened.
    pub connections: u64,
    /// HTTP requests sent (request lines seen going up).
    pub requests: u64,
    /// Bytes from the phone to the gateway.
    pub up_bytes: u64,
    /// Bytes from the gateway to the phone.
    pub down_bytes: u64,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    requests: AtomicU64,
    up: AtomicU64,
    down: AtomicU64,
}

/// A running metered proxy; it stops when dropped.
pub struct LinkMeter {
    /// The URL the phone uses: `http://127.0.0.1:PORT`.
    pub url: String,
    counters: Arc<Counters>,
    accept: JoinHandle<()>,
}

impl LinkMeter {
    /// Starts a proxy to `gateway` (plain HTTP on loopback).
    pub async fn start(gateway: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let counters = Arc::new(Counters::default());
        let shared = counters.clone();
        let accept = tokio::spawn(async move {
            while let Ok((phone, _)) = listener.accept().await {
                let Ok(upstream) = TcpStream::connect(gateway).await else {
                    continue;
                };
                shared.connections.fetch_add(1, Ordering::Relaxed);
                let (phone_read, phone_write) = phone.into_split();
                let (gateway_read, gateway_write) = upstream.into_split();
                tokio::spawn(pump(phone_read, gateway_write, shared.clone(), true));
                tokio::spawn(pump(gateway_read, phone_write, shared.clone(), false));
            }
        });
        Self {
            url,
            counters,
            accept,
        }
    }

    /// What crossed since the start or the last reset.
    pub fn usage(&self) -> Usage {
        let c = &self.counters;
        Usage {
            connections: c.connections.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            up_bytes: c.up.load(Ordering::Relaxed),
            down_bytes: c.down.load(Ordering::Relaxed),
        }
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        let c = &self.counters;
        for counter in [&c.connections, &c.requests, &c.up, &c.down] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

impl Drop for LinkMeter {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Copies one direction, counting bytes and, going up, the request lines
/// (` HTTP/1.1\r\n` ends each; no JSON body holds a raw CR LF).
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    counters: Arc<Counters>,
    up: bool,
) {
    const REQUEST_LINE_END: &[u8] = b" HTTP/1.1\r\n";
    let mut buf = vec![0u8; 16 * 1024];
    // The tail of the last read, so a request line cut between reads counts.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if up {
            counters.up.fetch_add(n as u64, Ordering::Relaxed);
            carry.extend_from_slice(&buf[..n]);
            let found = carry
                .windows(REQUEST_LINE_END.len())
                .filter(|w| *w == REQUEST_LINE_END)
                .count();
            counters.requests.fetch_add(found as u64, Ordering::Relaxed);
            let keep = carry.len().min(REQUEST_LINE_END.len() - 1);
            carry.drain(..carry.len() - keep);
        } else {
            counters.down.fetch_add(n as u64, Ordering::Relaxed);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_and_bytes_are_counted_also_when_a_request_line_is_cut_between_reads() {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = upstream.local_addr().unwrap();
        let echo = tokio::spawn(async move {
            let (mut socket, _) = upstream.accept().await.unwrap();
            let mut got = vec![0u8; 1024];
            let mut total = 0;
            while total < 75 {
                total += socket.read(&mut got[total..]).await.unwrap();
            }
            socket
                .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .await
                .unwrap();
            total
        });
        let meter = LinkMeter::start(addr).await;
        let mut phone = TcpStream::connect(meter.url.trim_start_matches("http://"))
            .await
            .unwrap();
        // Two requests, the second's request line cut in the middle of "HTTP".
        phone
            .write_all(b"GET /v1/events HTTP/1.1\r\n\r\nGET /a HT")
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        phone
            .write_all(b"TP/1.1\r\nhost: x\r\n\r\n_padding_to_75_bytes")
            .await
            .unwrap();
        assert_eq!(echo.await.unwrap(), 75);
        let mut answer = vec![0u8; 27];
        phone.read_exact(&mut answer).await.unwrap();
        let used = meter.usage();
        assert_eq!(used.connections, 1);
        assert_eq!(used.requests, 2);
        assert_eq!(used.up_bytes, 75);
        assert_eq!(used.down_bytes, 27);
        meter.reset();
        assert_eq!(meter.usage(), Usage::default());
    }
}
