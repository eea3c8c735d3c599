//! The XMPP server the tests run against: Prosody (the default) or ejabberd,
//! chosen by the environment variable `SPLITLINE_XMPP_SERVER`. Both serve
//! [`crate::DOMAIN`] with the MUC service [`crate::MUC_SERVICE`].

pub mod ejabberd;
pub mod prosody;

use futures::future::BoxFuture;

use ejabberd::Ejabberd;
use prosody::Prosody;

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

/// A running XMPP server on 127.0.0.1:[`port`](Self::port), in a temporary
/// directory; stopped and deleted on drop.
pub trait XmppServer: Send {
    /// The client port: plain TCP on loopback.
    fn port(&self) -> u16;

    /// Which server software this is.
    fn kind(&self) -> Kind;

    /// Stops the server (every client connection drops).
    fn stop(&mut self);

    /// Starts the server again with the same accounts, data and port.
    fn start_again(&mut self) -> BoxFuture<'_, ()>;

    /// Adds an account while running.
    fn register(&self, user: &str, password: &str);

    /// The server's log, for failure messages.
    fn log(&self) -> String;
}

/// Starts the server `SPLITLINE_XMPP_SERVER` chooses, with these
/// `(user, password)` accounts on [`crate::DOMAIN`].
pub async fn start(users: &[(&str, &str)]) -> Box<dyn XmppServer> {
    match Kind::from_env() {
        Kind::Prosody => Box::new(Prosody::start(users).await),
        Kind::Ejabberd => Box::new(Ejabberd::start(users).await),
    }
}
