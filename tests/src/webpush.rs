//! The real Web Push service the push tests send to: npm `web-push-testing`
//! (installed in `tests/webpush/` by `./build.sh setup`), started on a free
//! loopback port by the test and stopped when dropped. The tests subscribe
//! there as a UnifiedPush distributor would and read back what it decrypted.
//!
//! Beside it: [`DeviceKeys`] made and a captured push decrypted by npm
//! `http_ece` (`tests/webpush/ece.js`), a second implementation of RFC 8291,
//! and [`Capture`], a loopback endpoint that keeps the raw pushes it gets.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Arc,
    time::Duration,
};

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    process::{Child, Command},
    sync::Mutex,
};

/// How long a test waits for a push to arrive.
pub const PUSH_WAIT: Duration = Duration::from_secs(20);

fn dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/webpush"));
    assert!(
        dir.join("node_modules/web-push-testing").is_dir(),
        "web-push-testing is not installed in {}: run ./build.sh setup",
        dir.display()
    );
    dir
}

/// Turns push on for a test gateway: its data directory `data`, pushes over
/// http to loopback (where the test service listens), at most one push per
/// device per `min_interval_ms`, and `idle_secs` as the long idle timeout.
pub fn push_on(
    data: &Path,
    min_interval_ms: u64,
    idle_secs: u64,
) -> impl FnOnce(&mut crate::gateway::Settings) {
    let data = data.to_owned();
    move |settings| {
        settings.sip.data_dir = Some(data);
        settings.push.push_allow_http_loopback = Some(true);
        settings.push.push_min_interval_ms = Some(min_interval_ms);
        settings.push.push_idle_timeout_secs = Some(idle_secs);
    }
}

/// A running `web-push-testing`.
pub struct PushService {
    pub port: u16,
    http: reqwest::Client,
    _child: Child,
}

/// A subscription as the service hands it to a distributor.
#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
    #[serde(rename = "clientHash")]
    pub client_hash: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

impl PushService {
    pub async fn start() -> Self {
        let port = crate::free_port();
        let child = Command::new("node")
            .arg("node_modules/web-push-testing/src/bin/server.js")
            .arg(port.to_string())
            .current_dir(dir())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs web-push-testing");
        crate::wait_for_port(port, Duration::from_secs(10)).await;
        Self {
            port,
            http: reqwest::Client::new(),
            _child: child,
        }
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("http://127.0.0.1:{}{path}", self.port))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Subscribes for the application server key `vapid_public_key`.
    pub async fn subscribe(&self, vapid_public_key: &str) -> Subscription {
        let body = json!({"userVisibleOnly": "true", "applicationServerKey": vapid_public_key});
        let answer: Value = self.post("/subscribe", body).await.json().await.unwrap();
        serde_json::from_value(answer["data"].clone()).unwrap()
    }

    /// Subscribes for the gateway's VAPID key as a distributor would, and
    /// registers that subscription through the phone's core (minimal
    /// content); the subscription and the gateway's answer.
    pub async fn subscribe_core(
        &self,
        phone: &splitline_core::client::Client,
    ) -> (Subscription, splitline_protocol::PushRegistered) {
        let push = phone.push().unwrap();
        let vapid = push.settings().await.unwrap().vapid_public_key;
        let subscription = self.subscribe(&vapid).await;
        let registration = splitline_core::push::PushSubscription {
            endpoint: subscription.endpoint.clone(),
            p256dh: subscription.keys.p256dh.clone(),
            auth: subscription.keys.auth.clone(),
        }
        .registration(splitline_protocol::PushContent::Minimal)
        .unwrap();
        let registered = push.register(&registration).await.unwrap();
        (subscription, registered)
    }

    /// The decrypted messages the subscription got, oldest first.
    pub async fn notifications(&self, subscription: &Subscription) -> Vec<String> {
        let body = json!({"clientHash": subscription.client_hash});
        let answer: Value = self
            .post("/get-notifications", body)
            .await
            .json()
            .await
            .unwrap();
        answer["data"]["messages"]
            .as_array()
            .map(|messages| {
                messages
                    .iter()
                    .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until the subscription got at least `count` messages.
    pub async fn wait_for(&self, subscription: &Subscription, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + PUSH_WAIT;
        loop {
            let got = self.notifications(subscription).await;
            if got.len() >= count {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the push service got {} pushes, not {count}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Expires the subscription: later pushes to it get `410 Gone`.
    pub async fn expire(&self, subscription: &Subscription) {
        let path = format!("/expire-subscription/{}", subscription.client_hash);
        assert!(self.post(&path, json!({})).await.status().is_success());
    }
}

fn node(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let mut child = std::process::Command::new("node")
        .arg("ece.js")
        .args(args)
        .current_dir(dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs ece.js");
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or_default()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "ece.js {args:?} failed");
    output.stdout
}

/// A device's own subscription keys, made by `http_ece`'s side.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceKeys {
    pub p256dh: String,
    pub auth: String,
    pub private: String,
}

impl DeviceKeys {
    pub fn generate() -> Self {
        serde_json::from_slice(&node(&["keys"], None)).unwrap()
    }

    /// Decrypts an aes128gcm body with these keys, by `http_ece`.
    pub fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        node(&["decrypt", &self.private, &self.auth], Some(body))
    }
}

/// The claims of a VAPID `Authorization` header, once `ece.js` (node's
/// crypto) verified its ES256 signature with the key the header names.
pub fn vapid_claims(authorization: &str) -> serde_json::Value {
    serde_json::from_slice(&node(&["vapid", authorization], None)).unwrap()
}

/// One push as it arrived.
#[derive(Debug, Clone)]
pub struct Captured {
    /// The request line and headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback push endpoint that answers `201` and keeps what it got.
pub struct Capture {
    pub port: u16,
    pub got: Arc<Mutex<Vec<Captured>>>,
}

impl Capture {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let keep = got.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    if let Some(captured) = read_request(&mut stream).await {
                        keep.lock().await.push(captured);
                    }
                    let _ = stream
                        .write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        Self { port, got }
    }

    /// Waits for the first push.
    pub async fn first(&self) -> Captured {
        let deadline = tokio::time::Instant::now() + PUSH_WAIT;
        loop {
            if let Some(first) = self.got.lock().await.first() {
                return first.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no push reached the capture endpoint"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Captured { headers, body })
}
