//! Keys: a device's subscription keys (its P-256 public key and 16-byte auth
//! secret, RFC 8291) checked as they arrive, and the gateway's VAPID key
//! (RFC 8292) that signs every push: given by configuration, or generated on
//! first start and kept in the data directory, readable by the gateway only.

use std::{
    fs::OpenOptions,
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use p256::{
    PublicKey, SecretKey,
    ecdsa::{Signature, SigningKey, signature::Signer},
    elliptic_curve::sec1::ToEncodedPoint,
};
use serde_json::json;

use crate::util::random_bytes;

/// The VAPID key file in the data directory.
const VAPID_KEY_FILE: &str = "vapid-private-key";
/// How long a VAPID token is valid (RFC 8292 allows at most 24 hours).
const VAPID_VALIDITY_SECS: u64 = 12 * 3600;

/// A device key that is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum KeyError {
    /// `p256dh` is not an uncompressed P-256 point in base64url.
    #[error("p256dh must be an uncompressed P-256 public key (65 bytes), base64url")]
    BadP256dh,
    /// `auth` is not 16 bytes in base64url.
    #[error("auth must be 16 bytes, base64url")]
    BadAuth,
}

/// The VAPID key cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum VapidError {
    /// The key file could not be read or written.
    #[error("VAPID key file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The configured or stored key is not a P-256 scalar in base64url.
    #[error("the VAPID private key is not a P-256 private key in base64url")]
    BadKey,
    /// No randomness to make a key with.
    #[error("no randomness for a new VAPID key")]
    NoRandomness,
}

/// Base64url, padded or not, as the protocol's keys come.
fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}

/// A device's keys, checked.
#[derive(Debug, Clone)]
pub(crate) struct DeviceKeys {
    /// The device's public key.
    pub(crate) public: PublicKey,
    /// The auth secret.
    pub(crate) auth: [u8; 16],
}

impl DeviceKeys {
    /// Checks `p256dh` (a point on the curve, uncompressed) and `auth`.
    pub(crate) fn parse(p256dh: &str, auth: &str) -> Result<Self, KeyError> {
        let point = decode(p256dh)
            .filter(|bytes| bytes.len() == 65 && bytes[0] == 4)
            .ok_or(KeyError::BadP256dh)?;
        let public = PublicKey::from_sec1_bytes(&point).map_err(|_| KeyError::BadP256dh)?;
        let auth: [u8; 16] = decode(auth)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(KeyError::BadAuth)?;
        Ok(Self { public, auth })
    }
}

/// The gateway's VAPID identity.
#[derive(Debug)]
pub(crate) struct Vapid {
    key: SigningKey,
    public: String,
    subject: String,
}

impl Vapid {
    /// The configured key, or the one kept in `data_dir`, made there on
    /// first start (mode 0600).
    pub(crate) fn load(
        configured: Option<&str>,
        data_dir: &Path,
        subject: String,
    ) -> Result<Self, VapidError> {
        let secret = match configured {
            Some(text) => parse_secret(text)?,
            None => load_or_create(&data_dir.join(VAPID_KEY_FILE))?,
        };
        let public = URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes());
        Ok(Self {
            key: SigningKey::from(secret),
            public,
            subject,
        })
    }

    /// The public key, uncompressed, base64url: the application server key.
    pub(crate) fn public_key(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a push to `origin` (RFC 8292 §3):
    /// `vapid t=<ES256 JWT>, k=<public key>`.
    pub(crate) fn authorization(&self, origin: &str, now_secs: u64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = json!({
            "aud": origin,
            "exp": now_secs + VAPID_VALIDITY_SECS,
            "sub": self.subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        format!("vapid t={signed}.{signature}, k={}", self.public)
    }
}

fn parse_secret(text: &str) -> Result<SecretKey, VapidError> {
    decode(text)
        .and_then(|bytes| SecretKey::from_slice(&bytes).ok())
        .ok_or(VapidError::BadKey)
}

fn load_or_create(path: &Path) -> Result<SecretKey, VapidError> {
    let file_error = |source| VapidError::File {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => return parse_secret(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(file_error(e)),
    }
    let secret = loop {
        let mut bytes = [0u8; 32];
        random_bytes(&mut bytes).map_err(|_| VapidError::NoRandomness)?;
        // Fails only for zero or a value past the group order: draw again.
        if let Ok(secret) = SecretKey::from_slice(&bytes) {
            break secret;
        }
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(file_error)?;
    file.write_all(URL_SAFE_NO_PAD.encode(secret.to_bytes()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(file_error)?;
    tracing::info!(path = %path.display(), "made a new VAPID key");
    Ok(secret)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use p256::ecdsa::{VerifyingKey, signature::Verifier};

    use super::*;

    #[test]
    fn device_keys_must_be_a_curve_point_and_16_bytes() {
        let point = SecretKey::from_slice(&[7u8; 32]).unwrap().public_key();
        let p256dh = URL_SAFE_NO_PAD.encode(point.to_encoded_point(false).as_bytes());
        let auth = URL_SAFE_NO_PAD.encode([1u8; 16]);
        assert!(DeviceKeys::parse(&p256dh, &auth).is_ok());
        assert!(DeviceKeys::parse(&format!("{p256dh}="), &format!("{auth}==")).is_ok());
        let mut off_curve = point.to_encoded_point(false).as_bytes().to_vec();
        off_curve[64] ^= 1;
        let off_curve = URL_SAFE_NO_PAD.encode(off_curve);
        assert_eq!(
            DeviceKeys::parse(&off_curve, &auth).unwrap_err(),
            KeyError::BadP256dh
        );
        let compressed = URL_SAFE_NO_PAD.encode(point.to_encoded_point(true).as_bytes());
        assert_eq!(
            DeviceKeys::parse(&compressed, &auth).unwrap_err(),
            KeyError::BadP256dh
        );
        assert_eq!(
            DeviceKeys::parse("!!", &auth).unwrap_err(),
            KeyError::BadP256dh
        );
        let short = URL_SAFE_NO_PAD.encode([1u8; 15]);
        assert_eq!(
            DeviceKeys::parse(&p256dh, &short).unwrap_err(),
            KeyError::BadAuth
        );
    }

    #[test]
    fn the_vapid_key_is_made_once_kept_private_and_signs_verifiable_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let subject = "mailto:push@localhost".to_owned();
        let first = Vapid::load(None, dir.path(), subject.clone()).unwrap();
        let mode = std::fs::metadata(dir.path().join(VAPID_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = Vapid::load(None, dir.path(), subject.clone()).unwrap();
        assert_eq!(first.public_key(), again.public_key());

        let header = first.authorization("https://push.example.org", 1_000);
        let (token, key) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(key, first.public_key());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let claims = signed.split_once('.').unwrap().1;
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://push.example.org");
        assert_eq!(claims["sub"], "mailto:push@localhost");
        assert_eq!(claims["exp"], 1_000 + VAPID_VALIDITY_SECS);
        let verifier =
            VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        assert!(verifier.verify(signed.as_bytes(), &signature).is_ok());

        let configured = URL_SAFE_NO_PAD.encode([9u8; 32]);
        let given = Vapid::load(Some(&configured), dir.path(), subject).unwrap();
        assert_ne!(given.public_key(), first.public_key());
        assert!(matches!(
            Vapid::load(Some("short"), dir.path(), String::new()),
            Err(VapidError::BadKey)
        ));
    }
}
