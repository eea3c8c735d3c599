//! One test's world: an XMPP server with accounts, a gateway in front of it,
//! and an HTTP client for phones.

use splitline_gateway::RunningGateway;

use crate::{
    gateway::{self, Options},
    phone::{Phone, Refusal, http_client},
    xmpp_server::XmppServer,
};

/// The password of every test account.
pub const PASSWORD: &str = "s3cret-pw";

pub struct World {
    pub xmpp: XmppServer,
    pub gateway: RunningGateway,
    pub http: reqwest::Client,
    pub base: String,
}

impl World {
    /// The XMPP server `SPLITLINE_XMPP_SERVER` chooses (Prosody by default)
    /// with these users (password [`PASSWORD`]) and a gateway with `options`.
    /// With TLS options, `ca_pem` is the CA the phones trust.
    pub async fn start(users: &[&str], options: Options, ca_pem: Option<&str>) -> Self {
        let accounts: Vec<(&str, &str)> = users.iter().map(|u| (*u, PASSWORD)).collect();
        let xmpp = XmppServer::start(&accounts).await;
        let gateway = gateway::start(xmpp.port, options).await;
        let base = gateway::base_url(&gateway);
        Self {
            xmpp,
            gateway,
            http: http_client(ca_pem),
            base,
        }
    }

    /// Signs `user@localhost` in from `device` with the right password.
    pub async fn sign_in(&self, user: &str, device: &str) -> Phone {
        self.try_sign_in(&format!("{user}@localhost"), PASSWORD, device)
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

    pub async fn shutdown(self) {
        self.gateway.shutdown().await;
    }
}
