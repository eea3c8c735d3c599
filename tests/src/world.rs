//! One test's world: an XMPP server with accounts, a gateway in front of it,
//! and an HTTP client for phones.

use splitline_gateway::RunningGateway;

pub use crate::PASSWORD;
use crate::{
    gateway::{self, Settings},
    jid,
    phone::{Phone, Refusal, http_client},
    xmpp_server::{self, XmppServer},
};

pub struct World {
    pub xmpp: Box<dyn XmppServer>,
    pub gateway: RunningGateway,
    pub http: reqwest::Client,
    pub base: String,
}

impl World {
    /// The XMPP server `SPLITLINE_XMPP_SERVER` chooses (Prosody by default)
    /// with these users (password [`PASSWORD`]) and a gateway with the test
    /// settings changed by `tune`. With TLS on, `ca_pem` is the CA the phones
    /// trust.
    pub async fn start(
        users: &[&str],
        tune: impl FnOnce(&mut Settings),
        ca_pem: Option<&str>,
    ) -> Self {
        let accounts: Vec<(&str, &str)> = users.iter().map(|u| (*u, PASSWORD)).collect();
        let xmpp = xmpp_server::start(&accounts).await;
        let gateway = gateway::start(xmpp.port(), tune).await;
        let base = gateway::base_url(&gateway);
        Self {
            xmpp,
            gateway,
            http: http_client(ca_pem),
            base,
        }
    }

    /// Signs the test account `user` in from `device` with the right password.
    pub async fn sign_in(&self, user: &str, device: &str) -> Phone {
        self.try_sign_in(&jid(user), PASSWORD, device)
            .await
            .unwrap()
    }

    /// Any sign-in attempt.
    pub async fn try_sign_in(
        &self,
        jid: &str,
        password: &str,
        device: &str,
    ) -> Result<Phone, Refusal> {
        Phone::sign_in(&self.http, &self.base, jid, password, device).await
    }

    /// A sign-in that must be refused; returns the refusal.
    pub async fn refused_sign_in(&self, jid: &str, password: &str, device: &str) -> Refusal {
        match self.try_sign_in(jid, password, device).await {
            Ok(_) => panic!("the sign-in of {jid} from {device} should have been refused"),
            Err(refusal) => refusal,
        }
    }

    /// The gateway's `/metrics` text.
    pub async fn metrics(&self) -> String {
        let addr = self
            .gateway
            .metrics_addr
            .expect("the test gateway serves metrics");
        self.http
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn shutdown(self) {
        self.gateway.shutdown().await;
    }
}
