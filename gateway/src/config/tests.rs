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

/// The flags that turn calls on: the trunk on 192.0.2.10 and the registrar on
/// 198.51.100.20.
const SIP_ON: [&str; 12] = [
    "--sip-listen",
    "127.0.0.1:5070",
    "--sip-trunk",
    "192.0.2.10:5064",
    "--sip-registrar",
    "198.51.100.20:5060",
    "--callback-caller-id",
    "+442079460999",
    "--verification-caller-prefix",
    "+44207946",
    "--data-dir",
    "/tmp/x",
];

fn policy(extra: &[&str]) -> Result<CallPolicyConfig, ConfigError> {
    Ok(sip_with(extra)?.policy)
}

#[test]
fn the_number_policy_defaults_to_home_fixed_and_mobile_lines() {
    use splitline_protocol::LineKind;
    let default = policy(&[]).unwrap();
    assert_eq!(default.countries, vec!["GB"]);
    assert_eq!(
        default.line_types,
        vec![LineKind::FixedLine, LineKind::Mobile]
    );
    assert!(default.deny_prefixes.is_empty());
    // Another home country is also the default country list.
    let german = policy(&["--home-country", "de"]).unwrap();
    assert_eq!(german.countries, vec!["DE"]);
    let file = Settings::from_toml(
        "home-country = \"FR\"\ncall-countries = [\"FR\", \"be\"]\n\
         call-line-types = [\"mobile\", \"toll-free\"]\ndeny-prefixes = [\"+3389\", \"32 \"]\n",
    )
    .unwrap();
    let config = settings(&SIP_ON).over(file).unwrap().validate().unwrap();
    let set = config.sip.unwrap().policy;
    assert_eq!(set.countries, vec!["FR", "BE"]);
    assert_eq!(set.line_types, vec![LineKind::Mobile, LineKind::TollFree]);
    assert_eq!(set.deny_prefixes, vec!["3389", "32"]);
}

#[test]
fn bad_number_policy_settings_are_refused_with_the_reason() {
    for (flags, setting, says) in [
        (&["--home-country", "UK"][..], "home-country", "'UK'"),
        (
            &["--call-countries", ""][..],
            "call-countries",
            "at least one",
        ),
        (
            &["--call-line-types", "mobile,premium"][..],
            "call-line-types",
            "'premium'",
        ),
        (
            &["--call-line-types", " "][..],
            "call-line-types",
            "at least one",
        ),
        (&["--deny-prefixes", "+44x"][..], "deny-prefixes", "'+44x'"),
    ] {
        let err = policy(flags).unwrap_err().to_string();
        assert!(
            err.contains(setting) && err.contains(says),
            "{flags:?}: {err}"
        );
    }
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
fn connection_limits_have_safe_defaults_and_are_checked() {
    let config = Settings::default().validate().unwrap();
    assert_eq!(config.http.header_timeout, Duration::from_secs(15));
    assert_eq!(config.http.max_connections, 10_000);
    let config = settings(&["--http-header-timeout-secs", "3", "--max-connections", "40"])
        .validate()
        .unwrap();
    assert_eq!(
        (config.http.header_timeout, config.http.max_connections),
        (Duration::from_secs(3), 40)
    );
    let file = Settings::from_toml("http-header-timeout-secs = 2\nmax-connections = 7").unwrap();
    let config = file.validate().unwrap();
    assert_eq!(
        (config.http.header_timeout, config.http.max_connections),
        (Duration::from_secs(2), 7)
    );
    for (args, key) in [
        (
            ["--http-header-timeout-secs", "0"],
            "http-header-timeout-secs",
        ),
        (
            ["--http-header-timeout-secs", "301"],
            "http-header-timeout-secs",
        ),
        (["--max-connections", "0"], "max-connections"),
    ] {
        let err = settings(&args).validate().unwrap_err();
        assert!(err.to_string().contains(key), "{err}");
    }
}

#[test]
fn sign_in_throttles_have_safe_defaults_and_are_checked() {
    let config = Settings::default().validate().unwrap().sessions;
    assert_eq!(
        (
            config.sign_in_failures,
            config.sign_in_failures_per_address,
            config.sign_in_guesses_per_sec,
            config.sign_in_refusal_floor,
        ),
        (5, 30, 20, Duration::from_millis(250))
    );
    let file = Settings::from_toml(
        "sign-in-failures-per-address = 50\nsign-in-guesses-per-sec = 3\nsign-in-refusal-floor-ms = 0",
    )
    .unwrap();
    let config = settings(&["--sign-in-guesses-per-sec", "7"])
        .over(file)
        .unwrap()
        .validate()
        .unwrap()
        .sessions;
    assert_eq!(
        (
            config.sign_in_failures_per_address,
            config.sign_in_guesses_per_sec,
            config.sign_in_refusal_floor,
        ),
        (50, 7, Duration::ZERO)
    );
    let err = settings(&["--sign-in-refusal-floor-ms", "5001"])
        .validate()
        .unwrap_err();
    assert!(
        err.to_string().contains("sign-in-refusal-floor-ms"),
        "{err}"
    );
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

/// The SIP settings of [`SIP_ON`] followed by `extra`.
fn sip_with(extra: &[&str]) -> Result<SipConfig, ConfigError> {
    let args: Vec<&str> = SIP_ON.iter().chain(extra).copied().collect();
    Ok(settings(&args).validate()?.sip.unwrap())
}

fn addr(text: &str) -> std::net::SocketAddr {
    text.parse().unwrap()
}

#[test]
fn invites_are_taken_from_the_trunk_and_registrar_by_default_and_nobody_is_trusted() {
    let inbound = sip_with(&[]).unwrap().inbound;
    assert!(inbound.allows(addr("192.0.2.10:5064")));
    assert!(
        inbound.allows(addr("192.0.2.10:40000")),
        "any port of the trunk"
    );
    assert!(inbound.allows(addr("198.51.100.20:5060")));
    assert!(inbound.allows(addr("[::ffff:192.0.2.10]:5060")));
    assert!(!inbound.allows(addr("192.0.2.11:5064")));
    assert!(!inbound.allows(addr("127.0.0.1:5060")));
    assert!(!inbound.trusts(addr("192.0.2.10:5064")));
    assert_eq!(inbound.incoming_calls_per_user, 5);
    assert_eq!(inbound.incoming_calls_window, Duration::from_secs(600));
}

#[test]
fn allowed_and_trusted_sources_take_addresses_and_networks() {
    let inbound = sip_with(&[
        "--sip-allowed-sources",
        "203.0.113.0/24, 2001:db8::1",
        "--sip-trusted-sources",
        "203.0.113.7",
        "--incoming-calls-per-user",
        "2",
        "--incoming-calls-window-secs",
        "60",
    ])
    .unwrap()
    .inbound;
    assert!(inbound.allows(addr("203.0.113.200:5060")));
    assert!(inbound.allows(addr("[2001:db8::1]:5060")));
    assert!(
        !inbound.allows(addr("192.0.2.10:5064")),
        "the list replaces the default"
    );
    assert!(inbound.trusts(addr("203.0.113.7:5060")));
    assert!(!inbound.trusts(addr("203.0.113.8:5060")));
    assert!(inbound.may_claim_reservations(addr("203.0.113.7:5060")));
    assert!(
        !inbound.may_claim_reservations(addr("203.0.113.8:5060")),
        "with a trusted trunk, an allowed but untrusted source claims no reservation"
    );
    assert!(
        sip_with(&[])
            .unwrap()
            .inbound
            .may_claim_reservations(addr("192.0.2.10:5064")),
        "with no trusted trunk, the caller id of an allowed source is believed"
    );
    assert_eq!(inbound.incoming_calls_per_user, 2);
    assert_eq!(inbound.incoming_calls_window, Duration::from_secs(60));

    let file = Settings::from_toml(
        "sip-allowed-sources = [\"10.0.0.0/8\"]\nsip-trusted-sources = [\"10.1.2.3\"]\n",
    )
    .unwrap();
    assert_eq!(
        file.sip.inbound.sip_allowed_sources.unwrap(),
        ["10.0.0.0/8"]
    );
}

#[test]
fn bad_sources_are_refused_by_name() {
    let err = sip_with(&["--sip-allowed-sources", "trunk.example.org"]).unwrap_err();
    assert!(err.to_string().contains("sip-allowed-sources"), "{err}");
    assert!(err.to_string().contains("trunk.example.org"), "{err}");
    let err = sip_with(&["--sip-trusted-sources", "10.0.0.0/33"]).unwrap_err();
    assert!(err.to_string().contains("sip-trusted-sources"), "{err}");
    let err = sip_with(&["--sip-allowed-sources", " , "]).unwrap_err();
    assert!(err.to_string().contains("no source left"), "{err}");
}

#[test]
fn digest_logins_come_in_pairs_and_passwords_are_never_printed() {
    let sip = sip_with(&[
        "--sip-auth-user",
        "trunk",
        "--sip-auth-password",
        "s3cret-in",
        "--sip-trunk-auth-user",
        "gateway",
        "--sip-trunk-auth-password",
        "s3cret-out",
    ])
    .unwrap();
    let auth = sip.inbound.auth.as_ref().unwrap();
    assert_eq!(
        (auth.user.as_str(), auth.password.expose()),
        ("trunk", "s3cret-in")
    );
    assert_eq!(sip.inbound.auth_realm, "splitline");
    let trunk = sip.inbound.trunk_auth.as_ref().unwrap();
    assert_eq!(
        (trunk.user.as_str(), trunk.password.expose()),
        ("gateway", "s3cret-out")
    );
    let printed = format!("{sip:?}");
    assert!(!printed.contains("s3cret"), "{printed}");

    let none = sip_with(&[]).unwrap().inbound;
    assert!(none.auth.is_none() && none.trunk_auth.is_none());
    let err = sip_with(&["--sip-auth-user", "trunk"]).unwrap_err();
    assert!(err.to_string().contains("sip-auth-password"), "{err}");
    let err = sip_with(&["--sip-trunk-auth-password", "x"]).unwrap_err();
    assert!(err.to_string().contains("sip-trunk-auth-user"), "{err}");
    let err = sip_with(&["--sip-auth-realm", "a\"b"]).unwrap_err();
    assert!(err.to_string().contains("sip-auth-realm"), "{err}");
}
