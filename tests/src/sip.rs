//! The SIP side of the call tests, all real programs started per test in a
//! temporary directory on free loopback ports: Kamailio as the registrar of
//! contacts' phones and as the carrier trunk, sipp playing the phones behind
//! telephone numbers, and baresip as a contact's SIP phone that answers by
//! itself.

use std::{
    net::{SocketAddr, UdpSocket},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tempfile::TempDir;
use tokio::process::{Child, Command};

/// A free UDP port on loopback.
pub fn free_udp_port() -> u16 {
    free_udp_port_on(LOOPBACK)
}

/// A free UDP port on `ip`.
fn free_udp_port_on(ip: &str) -> u16 {
    UdpSocket::bind((ip, 0))
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free UDP port on {ip}: {e}"))
}

/// The loopback address every peer uses unless a test says otherwise.
pub const LOOPBACK: &str = "127.0.0.1";

/// Waits until something has bound UDP `port` on loopback.
async fn wait_for_udp(port: u16, what: &str) {
    wait_for_udp_on(LOOPBACK, port, what).await;
}

/// Waits until something has bound UDP `port` on `ip`.
async fn wait_for_udp_on(ip: &str, port: u16, what: &str) {
    for _ in 0..100 {
        if UdpSocket::bind((ip, port)).is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not bind UDP port {port}");
}

fn sip_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sip")
}

fn log_file(path: &Path) -> Stdio {
    Stdio::from(std::fs::File::create(path).expect("log file"))
}

/// Kamailio: the registrar (and record-routing proxy) of contacts' phones,
/// and the carrier trunk routing numbers to sipp phones.
pub struct Kamailio {
    child: Child,
    dir: TempDir,
    /// Where contacts' phones register.
    pub registrar: SocketAddr,
    /// The carrier trunk.
    pub trunk: SocketAddr,
    /// Where the gateway's SIP endpoint is to listen: calls to users with
    /// no registered phone and to access numbers go there.
    pub gateway: SocketAddr,
}

impl Kamailio {
    /// Starts Kamailio; the trunk sends each number of `routes` to its port,
    /// and each of `access_numbers` to the gateway.
    pub async fn start(routes: &[(&str, u16)], access_numbers: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let registrar_port = free_udp_port();
        let trunk_port = free_udp_port();
        let gateway_port = free_udp_port();
        let to_gateway: Vec<(&str, u16)> =
            access_numbers.iter().map(|n| (*n, gateway_port)).collect();
        let route_lines: String = routes
            .iter()
            .chain(&to_gateway)
            .map(|(number, port)| {
                format!(
                    "    if ($rU == \"{number}\") {{ $du = \"sip:127.0.0.1:{port}\"; t_relay(); exit; }}\n"
                )
            })
            .collect();
        let cfg = std::fs::read_to_string(sip_dir().join("kamailio.cfg"))
            .unwrap()
            .replace("@REGISTRAR_PORT@", &registrar_port.to_string())
            .replace("@TRUNK_PORT@", &trunk_port.to_string())
            .replace("@GATEWAY_PORT@", &gateway_port.to_string())
            .replace("@ROUTES@", route_lines.trim_end());
        let cfg_path = dir.path().join("kamailio.cfg");
        std::fs::write(&cfg_path, cfg).unwrap();
        let child = Command::new("kamailio")
            .arg("-f")
            .arg(&cfg_path)
            .args(["-DD", "-E", "-m", "64", "-M", "8", "-Y"])
            .arg(dir.path())
            .arg("-P")
            .arg(dir.path().join("kamailio.pid"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(&dir.path().join("kamailio.log")))
            .kill_on_drop(true)
            // Its own process group, so that its worker processes go with it.
            .process_group(0)
            .spawn()
            .expect("kamailio runs (./build.sh setup installs it)");
        wait_for_udp(registrar_port, "kamailio").await;
        wait_for_udp(trunk_port, "kamailio").await;
        Self {
            child,
            dir,
            registrar: SocketAddr::from(([127, 0, 0, 1], registrar_port)),
            trunk: SocketAddr::from(([127, 0, 0, 1], trunk_port)),
            gateway: SocketAddr::from(([127, 0, 0, 1], gateway_port)),
        }
    }

    /// Kamailio's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("kamailio.log")).unwrap_or_default()
    }

    /// Waits until `user` has registered.
    pub async fn wait_registered(&self, user: &str) {
        let line = format!("REGISTERED {user}");
        for _ in 0..200 {
            if self.log().contains(&line) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{user} did not register; kamailio log:\n{}", self.log());
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        // Killing the main process alone would leave its workers behind.
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
        }
    }
}

/// sipp playing one phone for one call.
pub struct Sipp {
    child: Child,
    dir: TempDir,
    scenario: String,
    /// Its SIP port.
    pub port: u16,
}

/// The calls a sipp caller places.
pub struct Dial<'a> {
    /// Where the INVITEs go.
    pub target: SocketAddr,
    /// The Request-URI's user part.
    pub service: &'a str,
    /// The scenario's keys (`-key name value`), such as `caller`.
    pub keys: &'a [(&'a str, &'a str)],
    /// The address sipp sends from (any of 127.0.0.0/8 on Linux).
    pub from_ip: &'a str,
    /// How many calls, one after the other at sipp's default rate.
    pub calls: u32,
    /// More sipp options, such as `-au user -ap password` for `[authentication]`.
    pub args: &'a [&'a str],
}

/// How a sipp phone's call went.
#[derive(Debug)]
pub struct SippOutcome {
    /// True when the scenario ran to its end.
    pub passed: bool,
    /// The `<log>` lines of the scenario and its errors.
    pub logs: String,
}

impl Sipp {
    /// Starts sipp with `tests/sip/<scenario>.xml` on a free port, for one call.
    pub async fn start(scenario: &str) -> Self {
        Self::start_calls(scenario, 1).await
    }

    /// Starts sipp with `tests/sip/<scenario>.xml` on a free port, for `calls` calls.
    pub async fn start_calls(scenario: &str, calls: u32) -> Self {
        Self::spawn(scenario, calls, LOOPBACK, &[]).await
    }

    /// Starts sipp calling `service` at `target` from the number or user
    /// `caller`, with `tests/sip/<scenario>.xml` (a caller scenario).
    pub async fn dial(scenario: &str, target: SocketAddr, service: &str, caller: &str) -> Self {
        Self::dial_with(
            scenario,
            Dial {
                target,
                service,
                keys: &[("caller", caller)],
                from_ip: LOOPBACK,
                calls: 1,
                args: &[],
            },
        )
        .await
    }

    /// Starts sipp placing the calls of `dial` with `tests/sip/<scenario>.xml`.
    pub async fn dial_with(scenario: &str, dial: Dial<'_>) -> Self {
        let mut args = vec![dial.target.to_string(), "-s".into(), dial.service.into()];
        for (key, value) in dial.keys {
            args.extend(["-key".into(), (*key).into(), (*value).into()]);
        }
        args.extend(dial.args.iter().map(|a| (*a).to_owned()));
        Self::spawn(scenario, dial.calls, dial.from_ip, &args).await
    }

    async fn spawn(scenario: &str, calls: u32, ip: &str, extra: &[String]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_udp_port_on(ip);
        let media_port = free_udp_port_on(ip);
        let file = sip_dir().join(format!("{scenario}.xml"));
        let at = |name: &str| dir.path().join(name);
        let child = Command::new("sipp")
            .arg("-sf")
            .arg(&file)
            .args(["-i", ip, "-mi", ip, "-nostdin"])
            .args(["-m", &calls.to_string()])
            .args(["-p", &port.to_string(), "-mp", &media_port.to_string()])
            .args([
                "-timeout",
                "300s",
                "-trace_msg",
                "-trace_logs",
                "-trace_err",
            ])
            .arg("-message_file")
            .arg(at("messages.log"))
            .arg("-log_file")
            .arg(at("logs.log"))
            .arg("-error_file")
            .arg(at("errors.log"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(log_file(&at("stdout.log")))
            .stderr(log_file(&at("stderr.log")))
            .kill_on_drop(true)
            .spawn()
            .expect("sipp runs (./build.sh setup installs sip-tester)");
        wait_for_udp_on(ip, port, "sipp").await;
        Self {
            child,
            dir,
            scenario: scenario.to_owned(),
            port,
        }
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// The scenario's `<log>` lines so far.
    pub fn logs(&self) -> String {
        self.read("logs.log")
    }

    /// Waits for the call to end (killing sipp after `within`).
    pub async fn finish(mut self, within: Duration) -> SippOutcome {
        let passed = match tokio::time::timeout(within, self.child.wait()).await {
            Ok(status) => status.is_ok_and(|s| s.success()),
            Err(_) => {
                let _ = self.child.kill().await;
                false
            }
        };
        let logs = format!(
            "scenario {}\n{}\nerrors:\n{}\nmessages:\n{}",
            self.scenario,
            self.read("logs.log"),
            self.read("errors.log"),
            self.read("messages.log")
        );
        SippOutcome { passed, logs }
    }
}

/// baresip: a contact's SIP phone, registered with the registrar, answering
/// every call by itself.
pub struct Baresip {
    _child: Child,
    dir: TempDir,
}

impl Baresip {
    /// Starts baresip for `user` at `registrar` and waits for its registration.
    pub async fn start(user: &str, kamailio: &Kamailio) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sip_port = free_udp_port();
        let ctrl_port = crate::free_port();
        let rtp = free_udp_port();
        let config = format!(
            "poll_method epoll\nsip_listen 127.0.0.1:{sip_port}\n\
             audio_player aubridge,{user}\naudio_source aubridge,{user}\naudio_alert aubridge,{user}\n\
             rtp_ports {rtp}-{}\nmodule_path /usr/lib/baresip/modules\n\
             module g711.so\nmodule aubridge.so\nmodule_app account.so\nmodule_app menu.so\n\
             module_app ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:{ctrl_port}\n",
            rtp + 10
        );
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(
            dir.path().join("accounts"),
            format!(
                "<sip:{user}@{}>;regint=300;answermode=auto;audio_codecs=PCMU,PCMA\n",
                kamailio.registrar
            ),
        )
        .unwrap();
        let child = Command::new("baresip")
            .arg("-f")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file(&dir.path().join("baresip.log")))
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("baresip runs (./build.sh setup installs baresip-core)");
        kamailio.wait_registered(user).await;
        Self { _child: child, dir }
    }

    /// baresip's output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("baresip.log")).unwrap_or_default()
    }
}
