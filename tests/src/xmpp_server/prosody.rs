//! A real Prosody (Debian package) in a temporary directory with its own
//! config and port. Stopped and deleted on drop.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use futures::future::BoxFuture;

use super::{Kind, XmppServer};
use crate::{DOMAIN, MUC_SERVICE};

const CONFIG_TEMPLATE: &str = include_str!("../../prosody/prosody.cfg.lua.in");

pub struct Prosody {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Prosody {
    /// Starts Prosody with these `(user, password)` accounts on [`DOMAIN`].
    pub async fn start(users: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = crate::free_port();
        let config = config_path(dir.path());
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(
            &config,
            CONFIG_TEMPLATE
                .replace("@DIR@", dir.path().to_str().unwrap())
                .replace("@PORT@", &port.to_string())
                .replace("@DOMAIN@", DOMAIN)
                .replace("@MUC@", MUC_SERVICE),
        )
        .unwrap();
        for (user, password) in users {
            register(&config, user, password);
        }
        let child = spawn(&config);
        crate::wait_for_port(port, Duration::from_secs(15)).await;
        Self { port, dir, child }
    }
}

impl XmppServer for Prosody {
    fn port(&self) -> u16 {
        self.port
    }

    fn kind(&self) -> Kind {
        Kind::Prosody
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn start_again(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.child = spawn(&config_path(self.dir.path()));
            crate::wait_for_port(self.port, Duration::from_secs(15)).await;
        })
    }

    fn register(&self, user: &str, password: &str) {
        register(&config_path(self.dir.path()), user, password);
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prosody.log")).unwrap_or_default()
    }
}

fn spawn(config: &Path) -> Child {
    Command::new("prosody")
        .arg("-F")
        .arg("--config")
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "cannot start prosody: is the Debian package installed? (build.sh test installs it)",
        )
}

fn config_path(dir: &Path) -> PathBuf {
    dir.join("prosody.cfg.lua")
}

fn register(config: &Path, user: &str, password: &str) {
    let status = Command::new("prosodyctl")
        .arg("--config")
        .arg(config)
        .args(["register", user, DOMAIN, password])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("cannot run prosodyctl");
    assert!(status.success(), "prosodyctl register {user} failed");
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
    }
}
