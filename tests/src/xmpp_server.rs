//! The XMPP server the tests run against: Prosody (the default) or ejabberd,
//! chosen by the environment variable `SPLITLINE_XMPP_SERVER`.

use crate::{ejabberd::Ejabberd, prosody::Prosody};

/// The variable that chooses the server: `prosody` (default) or `ejabberd`.
pub const SERVER_VAR: &str = "SPLITLINE_XMPP_SERVER";

/// Which server software.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Prosody,
    Ejabberd,
}

impl Kind {
    /// The kind `SPLITLINE_XMPP_SERVER` asks for (Prosody when unset or empty).
    pub fn from_env() -> Self {
        match std::env::var(SERVER_VAR).as_deref().map(str::trim) {
            Err(_) | Ok("" | "prosody") => Self::Prosody,
            Ok("ejabberd") => Self::Ejabberd,
            Ok(other) => panic!("{SERVER_VAR}={other:?}: expected \"prosody\" or \"ejabberd\""),
        }
    }
}

/// A running XMPP server on 127.0.0.1:`port` serving `localhost` (with the
/// MUC service `conference.localhost`). Stopped and deleted on drop.
pub struct XmppServer {
    /// The client port: plain TCP on loopback.
    pub port: u16,
    server: Server,
}

enum Server {
    Prosody(Prosody),
    Ejabberd(Ejabberd),
}

impl XmppServer {
    /// Starts the server `SPLITLINE_XMPP_SERVER` chooses, with these
    /// `(user, password)` accounts on `localhost`.
    pub async fn start(users: &[(&str, &str)]) -> Self {
        Self::start_kind(Kind::from_env(), users).await
    }

    /// Starts a server of this kind, with these accounts on `localhost`.
    pub async fn start_kind(kind: Kind, users: &[(&str, &str)]) -> Self {
        let server = match kind {
            Kind::Prosody => Server::Prosody(Prosody::start(users).await),
            Kind::Ejabberd => Server::Ejabberd(Ejabberd::start(users).await),
        };
        let port = match &server {
            Server::Prosody(s) => s.port,
            Server::Ejabberd(s) => s.port,
        };
        Self { port, server }
    }

    pub fn kind(&self) -> Kind {
        match self.server {
            Server::Prosody(_) => Kind::Prosody,
            Server::Ejabberd(_) => Kind::Ejabberd,
        }
    }

    /// Stops the server (every client connection drops).
    pub fn stop(&mut self) {
        match &mut self.server {
            Server::Prosody(s) => s.stop(),
            Server::Ejabberd(s) => s.stop(),
        }
    }

    /// Starts the server again with the same accounts, data and port.
    pub async fn start_again(&mut self) {
        match &mut self.server {
            Server::Prosody(s) => s.start_again().await,
            Server::Ejabberd(s) => s.start_again().await,
        }
    }

    /// Adds an account while running.
    pub fn register(&self, user: &str, password: &str) {
        match &self.server {
            Server::Prosody(s) => s.register(user, password),
            Server::Ejabberd(s) => s.register(user, password),
        }
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        match &self.server {
            Server::Prosody(s) => s.log(),
            Server::Ejabberd(s) => s.log(),
        }
    }
}
