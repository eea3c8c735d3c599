//! Tests of the configuration: defaults, precedence and checks.
use std::time::Duration;

use super::*;

fn settings(args: &[&str]) -> Settings {
    Settings::parse_from(std::iter::once("splitline-gateway").chain(args.iter().copied()))
}

#[test]
fn defaults_run_on_loopback() {
    let config = Settings::default().validate().unwrap();
    assert!(config.http.listen.ip().is_loopback());
    assert!(config.http.tls.is_none());
    assert_eq!(config.sessions.idle_timeout, Duration::from_secs(600));
    assert_eq!(config.xmpp.domains, vec!["localhost"]);
}

#[test]
fn flags_override_the_file() {
    let file: Settings = Settings::from_toml(
        "idle-timeout-secs = 30\nmax-sessions = 5\ndomains = [\"example.org\"]",
    )
    .unwrap();
    let config = settings(&["--idle-timeout-secs", "7"])
        .over(file)
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(config.sessions.idle_timeout, Duration::from_secs(7));
    assert_eq!(config.sessions.max_sessions, 5);
    assert_eq!(config.xmpp.domains, vec!["example.org"]);
}

#[test]
fn plain_http_off_loopback_is_refused() {
    let err = settings(&["--listen", "0.0.0.0:8480"])
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}

#[test]
fn plaintext_xmpp_needs_a_loopback_server() {
    let err = settings(&[
        "--xmpp-transport",
        "plaintext",
        "--xmpp-server",
        "xmpp.example.org:5222",
    ])
    .validate()
    .unwrap_err();
    assert!(err.to_string().contains("plaintext"), "{err}");
    let ok = settings(&[
        "--xmpp-transport",
        "plaintext",
        "--xmpp-server",
        "127.0.0.1:5222",
    ])
    .validate()
    .unwrap();
    assert_eq!(ok.xmpp.server, Some(("127.0.0.1".to_owned(), 5222)));
}

#[test]
fn access_numbers_come_from_the_file_and_are_checked() {
    let file = Settings::from_toml(
        "[[access-numbers]]\nnumber = \"+44 20 7946 0000\"\ncountry = \"GB\"\n\
         area_prefixes = [\"4420\"]\ncost_class = \"local\"\n",
    )
    .unwrap();
    let config = file.clone().validate().unwrap();
    assert_eq!(config.access_numbers[0].number, "+442079460000");
    let mut wrong = file;
    if let Some(numbers) = wrong.directory.access_numbers.as_mut() {
        numbers[0].country = "FR".into();
    }
    let err = wrong.validate().unwrap_err();
    assert!(err.to_string().contains("access-numbers"), "{err}");
}

#[test]
fn sip_settings_come_together_or_not_at_all() {
    assert!(Settings::default().validate().unwrap().sip.is_none());
    let err = settings(&["--sip-trunk", "127.0.0.1:5064"])
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("sip-listen"), "{err}");
    let base = [
        "--sip-listen",
        "127.0.0.1:5070",
        "--sip-trunk",
        "127.0.0.1:5064",
        "--sip-registrar",
        "127.0.0.1:5060",
        "--callback-caller-id",
        "+44 20 7946 0999",
        "--verification-caller-prefix",
        "+44207946",
        "--data-dir",
        "/tmp/x",
    ];
    let sip = settings(&base).validate().unwrap().sip.unwrap();
    assert_eq!(sip.callback_caller_id, "+442079460999");
    assert_eq!(sip.ring_timeout, Duration::from_secs(45));
    assert_eq!(sip.call_through_dial, Duration::from_secs(60));
    let err = settings(&base[..10]).validate().unwrap_err();
    assert!(err.to_string().contains("data-dir"), "{err}");
    let mut bad = base.to_vec();
    bad[9] = "+44";
    let err = settings(&bad).validate().unwrap_err();
    assert!(
        err.to_string().contains("verification-caller-prefix"),
        "{err}"
    );
    let mut bad = base.to_vec();
    bad.extend(["--call-countries", "GB,Germany"]);
    let err = settings(&bad).validate().unwrap_err();
    assert!(err.to_string().contains("GERMANY"), "{err}");
}

#[test]
fn unknown_file_keys_are_refused() {
    assert!(Settings::from_toml("listen-adress = \"127.0.0.1:1\"").is_err());
}

#[test]
fn a_file_cannot_name_another_config_file() {
    let err = Settings::from_toml("config = \"other.toml\"").unwrap_err();
    assert!(err.to_string().contains("unknown field `config`"), "{err}");
}

#[test]
fn every_group_is_read_from_the_file() {
    let config = Settings::from_toml(
        "max-body-bytes = 2048\nxmpp-transport = \"plaintext\"\nxmpp-server = \"127.0.0.1:5222\"\n\
         network-grace-secs = 9\nsip-listen = \"127.0.0.1:5070\"\nsip-trunk = \"127.0.0.1:5064\"\n\
         sip-registrar = \"127.0.0.1:5060\"\ncallback-caller-id = \"+442079460999\"\n\
         verification-caller-prefix = \"+44207946\"\ndata-dir = \"/tmp/x\"\nring-timeout-secs = 3\n",
    )
    .unwrap()
    .validate()
    .unwrap();
    assert_eq!(config.http.max_body_bytes, 2048);
    assert_eq!(config.xmpp.transport, XmppTransport::Plaintext);
    assert_eq!(config.sessions.network_grace, Duration::from_secs(9));
    assert_eq!(config.sip.unwrap().ring_timeout, Duration::from_secs(3));
}

#[test]
fn strangers_get_a_bounded_share_by_default_and_their_keys_are_checked() {
    let limits = Settings::default().validate().unwrap().sessions.strangers;
    assert_eq!(limits.messages_per_minute, 60);
    assert_eq!(limits.sender_bytes, 256 * 1024);
    assert_eq!(limits.share_bytes, 1024 * 1024);

    let file = Settings::from_toml("stranger-share-bytes = 2000000").unwrap();
    let config = settings(&["--stranger-messages-per-minute", "3"])
        .over(file)
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(config.sessions.strangers.messages_per_minute, 3);
    assert_eq!(config.sessions.strangers.share_bytes, 2_000_000);

    for (args, key) in [
        (
            &["--stranger-messages-per-minute", "0"][..],
            "stranger-messages-per-minute",
        ),
        (
            &["--stranger-share-bytes", "9000000"][..],
            "stranger-share-bytes",
        ),
        (
            &["--stranger-sender-bytes", "2000000"][..],
            "stranger-sender-bytes",
        ),
        (
            &["--stranger-sender-bytes", "1000"][..],
            "stranger-sender-bytes",
        ),
    ] {
        let err = settings(args).validate().unwrap_err();
        assert!(err.to_string().contains(key), "{args:?}: {err}");
    }
}
