//! A real ejabberd (Debian package, 23.01) in a temporary directory with its
//! own config and ports, all on loopback. Killed and deleted on drop.
//!
//! `ejabberdctl foreground` runs the Erlang VM through `su` as user
//! `ejabberd`, so the harness must run as root (or as `ejabberd`) and gives
//! the directory to that user. Accounts are registered over ejabberd's HTTP
//! API on its own loopback port (`ejabberdctl register` takes over a second
//! per account).

use std::{
    io::{Read, Write},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Kind, XmppServer};
use crate::{DOMAIN, MUC_SERVICE};

const CONFIG_TEMPLATE: &str = include_str!("../../ejabberd/ejabberd.yml.in");

/// How long a start may take (it usually takes 1 to 4 s, more on a busy machine).
const START_WITHIN: Duration = Duration::from_secs(60);

pub struct Ejabberd {
    /// The client (c2s) port on 127.0.0.1: plain TCP, no TLS required.
    port: u16,
    /// The HTTP API port on 127.0.0.1.
    http_port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Ejabberd {
    /// Starts ejabberd with these `(user, password)` accounts on [`DOMAIN`],
    /// and returns once it accepts logins.
    pub async fn start(users: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let [port, http_port, dist_port] = distinct_free_ports();
        std::fs::write(
            dir.path().join("ejabberd.yml"),
            CONFIG_TEMPLATE
                .replace("@C2S_PORT@", &port.to_string())
                .replace("@HTTP_PORT@", &http_port.to_string())
                .replace("@DOMAIN@", DOMAIN)
                .replace("@MUC@", MUC_SERVICE),
        )
        .unwrap();
        // Read by ejabberdctl: a node name of its own, and Erlang distribution
        // on a fixed port without epmd, so parallel servers do not meet.
        std::fs::write(
            dir.path().join("ejabberdctl.cfg"),
            format!(
                "ERLANG_NODE=splitline-{port}@localhost\n\
                 ERL_DIST_PORT={dist_port}\n\
                 EJABBERD_PID_PATH={}\n\
                 EJABBERD_BYPASS_WARNINGS=true\n",
                pid_path(dir.path()).display()
            ),
        )
        .unwrap();
        for sub in ["db", "log"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let status = Command::new("chown")
            .arg("-R")
            .arg("ejabberd:")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("cannot run chown");
        assert!(
            status.success(),
            "cannot give the test directory to user ejabberd: ejabberd tests run as root \
             (ejabberdctl runs the server as user ejabberd); is the Debian package installed? \
             (build.sh test installs it)"
        );
        let mut server = Self {
            port,
            http_port,
            dir,
            child: None,
        };
        server.spawn_and_wait().await;
        for (user, password) in users {
            server.register(user, password);
        }
        server
    }

    fn vm_pid(&self) -> Option<u32> {
        std::fs::read_to_string(pid_path(self.dir.path()))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Runs `ejabberdctl foreground` and waits until the server is started,
    /// listens for clients and offers them SASL on [`DOMAIN`].
    async fn spawn_and_wait(&mut self) {
        let dir = self.dir.path();
        // A stale pid file would name a process that is gone.
        let _ = std::fs::remove_file(pid_path(dir));
        let console = std::fs::File::create(console_path(dir)).unwrap();
        let child = Command::new("ejabberdctl")
            .arg("--config-dir")
            .arg(dir)
            .arg("--config")
            .arg(dir.join("ejabberd.yml"))
            .arg("--ctl-config")
            .arg(dir.join("ejabberdctl.cfg"))
            .arg("--spool")
            .arg(dir.join("db"))
            .arg("--logs")
            .arg(dir.join("log"))
            .arg("foreground")
            .stdin(Stdio::null())
            .stdout(console.try_clone().unwrap())
            .stderr(console)
            .spawn()
            .expect(
                "cannot start ejabberdctl: is the Debian package ejabberd installed? \
                 (build.sh test installs it)",
            );
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + START_WITHIN;
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "ejabberd exited while starting ({status}):\n{}\n{}",
                    std::fs::read_to_string(console_path(dir)).unwrap_or_default(),
                    self.log()
                );
            }
            // The HTTP API answers once ejabberd has started all its listeners.
            if let Ok((200, body)) = api(self.http_port, "status", "{}")
                && body.contains("started")
                && offers_sasl(self.port).await
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "ejabberd did not start within {START_WITHIN:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl XmppServer for Ejabberd {
    fn port(&self) -> u16 {
        self.port
    }

    fn kind(&self) -> Kind {
        Kind::Ejabberd
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // The VM runs under su; its pid file names it. On SIGTERM ejabberd
        // closes its listeners and connections within a few milliseconds and
        // writes its data out; the VM exits about a second later.
        if let Some(pid) = self.vm_pid() {
            signal("TERM", &[pid]);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(child.try_wait(), Ok(None)) {
            signal("KILL", &descendants(child.id()));
            let _ = child.kill();
        }
        let _ = child.wait();
    }

    /// Stops the server and starts it again with the same accounts, data
    /// and ports.
    fn start_again(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.stop();
            self.spawn_and_wait().await;
        })
    }

    fn register(&self, user: &str, password: &str) {
        let request = serde_json::json!({ "user": user, "host": DOMAIN, "password": password });
        let (status, body) = api(self.http_port, "register", &request.to_string())
            .unwrap_or_else(|e| panic!("cannot reach ejabberd's HTTP API to register {user}: {e}"));
        assert_eq!(status, 200, "ejabberd refused to register {user}: {body}");
    }

    /// The log, with the passwords in logged API calls masked.
    fn log(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("log").join("ejabberd.log"))
            .unwrap_or_default();
        mask_passwords(&log)
    }
}

impl Drop for Ejabberd {
    /// Kills the server at once: its data goes with the directory.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal("KILL", &descendants(child.id()));
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn pid_path(dir: &Path) -> PathBuf {
    dir.join("ejabberd.pid")
}

fn console_path(dir: &Path) -> PathBuf {
    dir.join("console.log")
}

/// Three different free ports: client, HTTP API, Erlang distribution.
fn distinct_free_ports() -> [u16; 3] {
    loop {
        let ports = [crate::free_port(), crate::free_port(), crate::free_port()];
        if ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2] {
            return ports;
        }
    }
}

/// One call of ejabberd's HTTP API: `(status, body)`.
fn api(port: u16, command: &str, json: &str) -> std::io::Result<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "POST /api/{command} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:?}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Whether the server on `port` serves [`DOMAIN`] and offers SCRAM login.
async fn offers_sasl(port: u16) -> bool {
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(
                format!(
                    "<?xml version='1.0'?><stream:stream to='{DOMAIN}' xmlns='jabber:client' \
                     xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                )
                .as_bytes(),
            )
            .await?;
        let mut seen = Vec::new();
        let mut buf = [0; 4096];
        while !contains(&seen, b"</stream:features>") {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(contains(&seen, b"<mechanism>SCRAM-SHA-1</mechanism>"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(5), probe).await,
        Ok(Ok(true))
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// ejabberd logs each HTTP API call with its arguments; hide the passwords.
fn mask_passwords(log: &str) -> String {
    const KEY: &str = "{<<\"password\">>,<<\"";
    let mut out = String::with_capacity(log.len());
    let mut rest = log;
    while let Some(at) = rest.find(KEY) {
        let value_start = at + KEY.len();
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        rest = &rest[value_start..];
        rest = rest.find("\">>").map_or("", |end| &rest[end..]);
    }
    out.push_str(rest);
    out
}

/// Every process below `pid`, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            // Field 4 of /proc/PID/stat, after the parenthesised command name.
            let parent = std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .and_then(|stat| {
                    stat.rsplit_once(')')
                        .and_then(|(_, tail)| tail.split_whitespace().nth(1)?.parse::<u32>().ok())
                });
            if let Some(parent) = parent {
                parents.push((child, parent));
            }
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

fn signal(name: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .args(pids.iter().map(u32::to_string))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::mask_passwords;

    #[test]
    fn logged_passwords_are_masked() {
        let log = "API call register [{<<\"user\">>,<<\"alice\">>},\n {<<\"password\">>,<<\"pw-1\">>}] from x\n\
                   again {<<\"password\">>,<<\"pw-2\">>}";
        let masked = mask_passwords(log);
        assert!(
            !masked.contains("pw-1") && !masked.contains("pw-2"),
            "{masked}"
        );
        assert!(
            masked.contains("{<<\"password\">>,<<\"***\">>}] from x"),
            "{masked}"
        );
    }
}
