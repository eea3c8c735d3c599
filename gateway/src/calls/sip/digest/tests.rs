#![allow(clippy::unwrap_used)]
//! The guard's challenges answered by an independent client: ezk-sip-auth's
//! digest authenticator, as the gateway uses it towards the trunk.

use ezk_sip_auth::{
    ClientAuthenticator, DigestAuthenticator, DigestCredentials, DigestUser, RequestParts,
    ResponseParts,
};
use ezk_sip_types::{
    Method, StatusCode,
    msg::{RequestLine, StatusLine},
};

use super::*;
use crate::config::Secret;

fn guard() -> DigestGuard {
    DigestGuard::new(
        DigestLogin {
            user: "trunk".into(),
            password: "s3cret".parse::<Secret>().unwrap(),
        },
        "splitline".into(),
    )
}

/// The Authorization headers a client with `user` and `password` sends
/// after the `challenge`.
fn answer(challenge: &str, user: &str, password: &str) -> Headers {
    let mut challenged = Headers::new();
    challenged.insert(Name::WWW_AUTHENTICATE, challenge.to_owned());
    let line = RequestLine {
        method: Method::INVITE,
        uri: "sip:alice@127.0.0.1:5070".parse().unwrap(),
    };
    let status = StatusLine {
        code: StatusCode::UNAUTHORIZED,
        reason: None,
    };
    let mut credentials = DigestCredentials::new();
    credentials.set_default(DigestUser::new(user, password));
    let mut client = DigestAuthenticator::new(credentials);
    client
        .handle_rejection(
            RequestParts {
                line: &line,
                headers: &Headers::new(),
                body: &[],
            },
            ResponseParts {
                line: &status,
                headers: &challenged,
                body: &[],
            },
        )
        .unwrap();
    let mut headers = Headers::new();
    client.authorize_request(&mut headers);
    headers
}

fn challenge_of(verdict: Verdict) -> String {
    match verdict {
        Verdict::Challenge(challenge) => challenge,
        other => panic!("expected a challenge, got {other:?}"),
    }
}

#[test]
fn no_credentials_get_a_challenge_and_the_right_answer_is_accepted_once() {
    let guard = guard();
    let now = Instant::now();
    let challenge = challenge_of(guard.check("INVITE", &Headers::new(), now));
    assert!(
        challenge.starts_with("Digest realm=\"splitline\", nonce=\""),
        "{challenge}"
    );
    assert!(challenge.contains("qop=\"auth\""), "{challenge}");
    let headers = answer(&challenge, "trunk", "s3cret");
    assert_eq!(guard.check("INVITE", &headers, now), Verdict::Accepted);
    // A replay of the same answer: the nonce is spent.
    let again = challenge_of(guard.check("INVITE", &headers, now));
    assert!(again.ends_with("stale=true"), "{again}");
}

#[test]
fn a_wrong_password_or_user_is_refused() {
    let guard = guard();
    let now = Instant::now();
    for (user, password) in [("trunk", "guess"), ("other", "s3cret")] {
        let challenge = challenge_of(guard.check("INVITE", &Headers::new(), now));
        let headers = answer(&challenge, user, password);
        assert_eq!(
            guard.check("INVITE", &headers, now),
            Verdict::Refused,
            "{user}"
        );
    }
}

#[test]
fn an_expired_or_unknown_nonce_is_challenged_again() {
    let guard = guard();
    let now = Instant::now();
    let challenge = challenge_of(guard.check("INVITE", &Headers::new(), now));
    let headers = answer(&challenge, "trunk", "s3cret");
    let late = now + NONCE_TTL + Duration::from_secs(1);
    assert!(challenge_of(guard.check("INVITE", &headers, late)).ends_with("stale=true"));
    let made_up = answer(
        "Digest realm=\"splitline\", nonce=\"guessed\", algorithm=MD5, qop=\"auth\"",
        "trunk",
        "s3cret",
    );
    assert!(matches!(
        guard.check("INVITE", &made_up, now),
        Verdict::Challenge(_)
    ));
}

#[test]
fn the_rfc_2617_example_response_is_computed() {
    // RFC 2617 3.5, with the user, realm and password of its example.
    let login = DigestLogin {
        user: "Mufasa".into(),
        password: "Circle Of Life".parse::<Secret>().unwrap(),
    };
    let got = response(
        &login,
        "testrealm@host.com",
        &Challenged {
            method: "GET",
            uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop: Some((1, "0a4f113b")),
        },
    );
    assert_eq!(got, "6629fae49393a05397450978507c4ef1");
}
