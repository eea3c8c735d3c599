//! A push endpoint checked like any outbound URL: `https://` (or `http://`
//! on loopback where tests allow it), at most [`MAX_ENDPOINT_CHARS`], no
//! user info, and never an address inside a private, link-local, loopback or
//! carrier network unless configured. The name is checked when the device
//! registers and its resolved addresses again at every send, so a name that
//! later resolves inside (DNS rebinding) reaches nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::{Uri, uri::Scheme};
use ipnet::IpNet;
use splitline_protocol::MAX_ENDPOINT_CHARS;

/// An endpoint that is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EndpointError {
    /// Longer than the protocol allows.
    #[error("the endpoint is longer than {MAX_ENDPOINT_CHARS} characters")]
    TooLong,
    /// Not an absolute URL with a host.
    #[error("the endpoint is not an absolute URL with a host")]
    NotAUrl,
    /// Not `https://` (or `http://` on loopback where allowed).
    #[error("the endpoint must be an https:// URL")]
    NotHttps,
    /// User info (`user@host`) in the URL.
    #[error("the endpoint must not carry user info")]
    UserInfo,
    /// The host is, or resolves to, an address the gateway does not call.
    #[error("the endpoint's host is a private, link-local, loopback or reserved address")]
    AddressNotAllowed,
    /// The host does not resolve.
    #[error("the endpoint's host does not resolve")]
    Unresolved,
}

/// A parsed endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The whole URL.
    pub(crate) uri: Uri,
    /// True for `https://`.
    pub(crate) https: bool,
    /// The host, without brackets.
    pub(crate) host: String,
    /// The port, explicit or the scheme's.
    pub(crate) port: u16,
}

impl Endpoint {
    /// The origin (scheme, host and port as given): the VAPID audience and
    /// what the gateway shows of the endpoint.
    pub(crate) fn origin(&self) -> String {
        match self.uri.authority() {
            Some(authority) => format!(
                "{}://{}",
                if self.https { "https" } else { "http" },
                authority
            ),
            None => String::new(),
        }
    }

    /// The path and query, for the request line.
    pub(crate) fn path_and_query(&self) -> &str {
        self.uri.path_and_query().map_or("/", |p| p.as_str())
    }
}

/// Which endpoints this gateway calls.
#[derive(Debug, Clone, Default)]
pub(crate) struct EndpointPolicy {
    /// Private networks that are allowed all the same.
    pub(crate) allowed_networks: Vec<IpNet>,
    /// `http://` to loopback (and loopback addresses) allowed: tests.
    pub(crate) allow_http_loopback: bool,
}

impl EndpointPolicy {
    /// Checks the endpoint's syntax, scheme and, when the host is an
    /// address, the address.
    pub(crate) fn parse(&self, text: &str) -> Result<Endpoint, EndpointError> {
        if text.chars().count() > MAX_ENDPOINT_CHARS {
            return Err(EndpointError::TooLong);
        }
        let uri: Uri = text.parse().map_err(|_| EndpointError::NotAUrl)?;
        let authority = uri.authority().ok_or(EndpointError::NotAUrl)?;
        if authority.as_str().contains('@') {
            return Err(EndpointError::UserInfo);
        }
        let https = match uri.scheme() {
            Some(s) if *s == Scheme::HTTPS => true,
            Some(s) if *s == Scheme::HTTP && self.allow_http_loopback => false,
            _ => return Err(EndpointError::NotHttps),
        };
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host.is_empty() {
            return Err(EndpointError::NotAUrl);
        }
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let endpoint = Endpoint {
            uri,
            https,
            host,
            port,
        };
        if let Ok(ip) = endpoint.host.parse::<IpAddr>() {
            self.check_address(&endpoint, ip)?;
        } else if !endpoint.https && endpoint.host != "localhost" {
            return Err(EndpointError::NotHttps);
        }
        Ok(endpoint)
    }

    /// Resolves the endpoint's host and checks every address it resolves to;
    /// the addresses to connect to.
    pub(crate) async fn resolve(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Vec<SocketAddr>, EndpointError> {
        let addrs: Vec<SocketAddr> =
            tokio::net::lookup_host((endpoint.host.as_str(), endpoint.port))
                .await
                .map_err(|_| EndpointError::Unresolved)?
                .collect();
        if addrs.is_empty() {
            return Err(EndpointError::Unresolved);
        }
        for addr in &addrs {
            self.check_address(endpoint, addr.ip())?;
        }
        Ok(addrs)
    }

    /// One address of the endpoint: a public one, one in an allowed network,
    /// or loopback where tests allow it; plain HTTP only to loopback.
    fn check_address(&self, endpoint: &Endpoint, ip: IpAddr) -> Result<(), EndpointError> {
        let ip = canonical(ip);
        let loopback_ok = self.allow_http_loopback && ip.is_loopback();
        if !endpoint.https && !loopback_ok {
            return Err(EndpointError::NotHttps);
        }
        if loopback_ok || self.allowed_networks.iter().any(|n| n.contains(&ip)) || is_public(ip) {
            Ok(())
        } else {
            Err(EndpointError::AddressNotAllowed)
        }
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Whether the address is on the public internet: not loopback, private,
/// carrier-grade NAT, link-local, unique-local, multicast, documentation,
/// benchmarking or otherwise reserved.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64: maps IPv4 inside
        || ip.to_ipv4().is_some()) // IPv4-compatible
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn production() -> EndpointPolicy {
        EndpointPolicy::default()
    }

    #[test]
    fn production_takes_public_https_only() {
        let policy = production();
        let endpoint = policy
            .parse("https://push.example.org/wpush/v2/abc?x=1")
            .unwrap();
        assert_eq!(endpoint.origin(), "https://push.example.org");
        assert_eq!(endpoint.path_and_query(), "/wpush/v2/abc?x=1");
        assert_eq!(endpoint.port, 443);
        assert_eq!(
            policy.parse("https://8.8.8.8:8443/x").unwrap().origin(),
            "https://8.8.8.8:8443"
        );
        assert_eq!(
            policy.parse("http://push.example.org/x"),
            Err(EndpointError::NotHttps)
        );
        assert_eq!(
            policy.parse("http://127.0.0.1/x"),
            Err(EndpointError::NotHttps)
        );
        assert_eq!(
            policy.parse("ftp://push.example.org/x"),
            Err(EndpointError::NotHttps)
        );
        assert_eq!(policy.parse("/relative"), Err(EndpointError::NotAUrl));
        assert_eq!(policy.parse("not a url"), Err(EndpointError::NotAUrl));
        assert_eq!(
            policy.parse("https://user:pw@push.example.org/x"),
            Err(EndpointError::UserInfo)
        );
        let long = format!(
            "https://push.example.org/{}",
            "a".repeat(MAX_ENDPOINT_CHARS)
        );
        assert_eq!(policy.parse(&long), Err(EndpointError::TooLong));
    }

    #[test]
    fn inside_addresses_are_refused_unless_configured() {
        let policy = production();
        for inside in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://172.16.0.1/x",
            "https://192.168.1.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[::1]/x",
            "https://[fe80::1]/x",
            "https://[fd00::1]/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://[64:ff9b::a00:1]/x",
        ] {
            assert_eq!(
                policy.parse(inside),
                Err(EndpointError::AddressNotAllowed),
                "{inside}"
            );
        }
        let carrier = EndpointPolicy {
            allowed_networks: vec!["10.20.0.0/16".parse().unwrap()],
            allow_http_loopback: false,
        };
        assert!(carrier.parse("https://10.20.3.4/push").is_ok());
        assert_eq!(
            carrier.parse("https://10.21.3.4/push"),
            Err(EndpointError::AddressNotAllowed)
        );
    }

    #[test]
    fn tests_may_use_http_on_loopback_only() {
        let policy = EndpointPolicy {
            allowed_networks: Vec::new(),
            allow_http_loopback: true,
        };
        assert!(policy.parse("http://127.0.0.1:8090/notify/x").is_ok());
        assert!(policy.parse("http://localhost:8090/notify/x").is_ok());
        assert_eq!(
            policy.parse("http://push.example.org/x"),
            Err(EndpointError::NotHttps)
        );
        assert_eq!(
            policy.parse("http://10.0.0.1/x"),
            Err(EndpointError::NotHttps)
        );
        assert_eq!(
            policy.parse("https://10.0.0.1/x"),
            Err(EndpointError::AddressNotAllowed)
        );
    }

    #[tokio::test]
    async fn a_name_is_checked_by_the_addresses_it_resolves_to() {
        // "localhost" resolves to loopback: refused in production, as a name
        // that rebinds to an inside address would be at send time.
        let policy = production();
        let endpoint = policy.parse("https://localhost:9/x").unwrap();
        assert_eq!(
            policy.resolve(&endpoint).await,
            Err(EndpointError::AddressNotAllowed)
        );
        let tests = EndpointPolicy {
            allowed_networks: Vec::new(),
            allow_http_loopback: true,
        };
        let endpoint = tests.parse("http://localhost:9/x").unwrap();
        assert!(
            tests
                .resolve(&endpoint)
                .await
                .unwrap()
                .iter()
                .all(|a| a.ip().is_loopback())
        );
    }
}
