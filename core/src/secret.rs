//! The password, held only as a [`Secret`]: zeroed when dropped, never
//! printed.

use zeroize::Zeroizing;

/// A password in memory: its bytes are zeroed when it is dropped, and its
/// `Debug` shows `[redacted]`. It has no `Display`, so it cannot reach a log
/// line by accident.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Takes `value`; the caller's copy is moved in, not duplicated.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The password, for the one request that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_shows_no_password() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
        assert_eq!(secret.expose(), "hunter2");
    }
}
