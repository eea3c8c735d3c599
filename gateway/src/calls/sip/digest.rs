//! Digest authentication of INVITEs to the gateway (RFC 3261 22.4 with
//! RFC 2617 MD5, `qop=auth` or none: the form trunks use). ezk-sip-auth
//! answers challenges but does not make or check them, so this does: each
//! challenge has a fresh random nonce, good for one INVITE within
//! [`NONCE_TTL`].

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use ezk_sip_types::{
    Headers, Name,
    header::typed::{Algorithm, AlgorithmValue, AuthResponse, DigestResponse, QopOption, Username},
};

use crate::{
    config::DigestLogin,
    util::{lock, random_text},
};

/// How long a challenge's nonce may be answered.
pub(crate) const NONCE_TTL: Duration = Duration::from_secs(30);
/// Nonces outstanding at most; past it the oldest are forgotten (their
/// callers are challenged again).
const MAX_NONCES: usize = 4096;

/// What to do with an INVITE.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Its credentials are right.
    Accepted,
    /// No credentials, or an unknown or expired nonce: answer 401 with this
    /// `WWW-Authenticate` value.
    Challenge(String),
    /// Wrong credentials: refuse.
    Refused,
}

/// Checks INVITEs against one login in one realm.
#[derive(Debug)]
pub(crate) struct DigestGuard {
    login: DigestLogin,
    realm: String,
    nonces: Mutex<HashMap<String, Instant>>,
}

impl DigestGuard {
    /// A guard for `login` in `realm`.
    pub(crate) fn new(login: DigestLogin, realm: String) -> Self {
        Self {
            login,
            realm,
            nonces: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the `Authorization` in `headers` of a `method` request.
    pub(crate) fn check(&self, method: &str, headers: &Headers, now: Instant) -> Verdict {
        let answer = headers
            .try_get::<Vec<AuthResponse>>(Name::AUTHORIZATION)
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .find_map(|a| match a {
                AuthResponse::Digest(d) if d.realm == self.realm.as_str() => Some(d),
                _ => None,
            });
        match answer {
            None => self.challenge(now, false),
            Some(answer) => self.verify(method, &answer, now),
        }
    }

    fn verify(&self, method: &str, answer: &DigestResponse, now: Instant) -> Verdict {
        let fresh = lock(&self.nonces)
            .remove(answer.nonce.as_str())
            .is_some_and(|issued| now.saturating_duration_since(issued) < NONCE_TTL);
        if !fresh {
            return self.challenge(now, true);
        }
        let user_ok =
            matches!(&answer.username, Username::Username(u) if u == self.login.user.as_str());
        let md5 = matches!(
            answer.algorithm,
            Algorithm::AlgorithmValue(AlgorithmValue::MD5)
        );
        let qop = match &answer.qop_response {
            None => Some(None),
            Some(q) if q.qop == QopOption::Auth => Some(Some((q.nc, q.cnonce.as_str()))),
            Some(_) => None,
        };
        let (true, true, Some(qop)) = (user_ok, md5, qop) else {
            return Verdict::Refused;
        };
        let expected = response(
            &self.login,
            &self.realm,
            &Challenged {
                method,
                uri: &answer.uri,
                nonce: &answer.nonce,
                qop,
            },
        );
        if same(
            expected.as_bytes(),
            answer.response.to_ascii_lowercase().as_bytes(),
        ) {
            Verdict::Accepted
        } else {
            Verdict::Refused
        }
    }

    fn challenge(&self, now: Instant, stale: bool) -> Verdict {
        let Ok(nonce) = random_text(18) else {
            // No randomness, no nonce: nobody can authenticate.
            return Verdict::Refused;
        };
        let mut nonces = lock(&self.nonces);
        nonces.retain(|_, issued| now.saturating_duration_since(*issued) < NONCE_TTL);
        while nonces.len() >= MAX_NONCES {
            let oldest = nonces
                .iter()
                .min_by_key(|(_, issued)| **issued)
                .map(|(n, _)| n.clone());
            match oldest {
                Some(oldest) => nonces.remove(&oldest),
                None => break,
            };
        }
        nonces.insert(nonce.clone(), now);
        let stale = if stale { ", stale=true" } else { "" };
        Verdict::Challenge(format!(
            "Digest realm=\"{}\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\"{stale}",
            self.realm
        ))
    }
}

/// What a digest response covers.
struct Challenged<'a> {
    method: &'a str,
    uri: &'a str,
    nonce: &'a str,
    /// With `qop=auth`: the nonce count and the client nonce.
    qop: Option<(u32, &'a str)>,
}

/// The digest response (RFC 2617 3.2.2.1), lowercase hex.
fn response(login: &DigestLogin, realm: &str, c: &Challenged<'_>) -> String {
    let hex = |text: String| format!("{:x}", md5::compute(text.as_bytes()));
    let ha1 = hex(format!(
        "{}:{realm}:{}",
        login.user,
        login.password.expose()
    ));
    let ha2 = hex(format!("{}:{}", c.method, c.uri));
    match c.qop {
        None => hex(format!("{ha1}:{}:{ha2}", c.nonce)),
        Some((nc, cnonce)) => hex(format!("{ha1}:{}:{nc:08x}:{cnonce}:auth:{ha2}", c.nonce)),
    }
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
