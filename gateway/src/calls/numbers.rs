//! Users' mobile numbers: the one each account has proven is theirs (kept on
//! disk, one JSON line per verification, the last one per account winning)
//! and the verifications under way (in memory).
//!
//! A number is proven by a flash call: the gateway rings it from a caller id
//! ending in a random code, and the app, which sees the incoming number,
//! sends the code back.

use std::{
    collections::HashMap,
    path::Path,
    sync::Mutex,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use splitline_protocol::MobileNumber;

use crate::{
    jsonl::{JsonLines, JsonLinesError},
    util::{lock, random_bytes},
};

/// Digits in a flash-call code.
pub(crate) const CODE_DIGITS: u8 = 4;
/// How long a code stays valid.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(300);
/// Wrong codes before the verification is dropped.
const MAX_WRONG_CODES: u32 = 3;

/// The numbers file cannot be used.
pub(crate) type NumbersFileError = JsonLinesError;

/// A code was not accepted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfirmError {
    /// No verification is under way for the account.
    #[error("no verification is under way; ask for one first")]
    NothingPending,
    /// The code is too old.
    #[error("the code has expired; ask for a new flash call")]
    Expired,
    /// The code is wrong.
    #[error("wrong code; {left} tries left")]
    Wrong {
        /// Tries left before the verification is dropped.
        left: u32,
    },
    /// Too many wrong codes: the verification is dropped.
    #[error("too many wrong codes; ask for a new flash call")]
    TooManyWrong,
    /// The verified number could not be saved.
    #[error(transparent)]
    File(#[from] NumbersFileError),
}

#[derive(Debug, Serialize, Deserialize)]
struct Verified {
    account: String,
    number: String,
    at_ms: i64,
}

#[derive(Debug)]
struct Pending {
    number: String,
    code: String,
    expires: Instant,
    wrong: u32,
}

/// Verified numbers and verifications under way.
#[derive(Debug)]
pub(crate) struct MobileNumbers {
    file: JsonLines,
    verified: Mutex<HashMap<String, String>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl MobileNumbers {
    /// Opens (or creates) the numbers file at `path`. Unreadable lines are
    /// skipped with a warning (a torn last line after a crash).
    pub(crate) fn open(path: &Path) -> Result<Self, NumbersFileError> {
        let (file, lines) = JsonLines::open::<Verified>("mobile numbers", path)?;
        let verified = lines.into_iter().map(|v| (v.account, v.number)).collect();
        Ok(Self {
            file,
            verified: Mutex::new(verified),
            pending: Mutex::new(HashMap::new()),
        })
    }

    /// The account's verified number.
    pub(crate) fn verified(&self, account: &str) -> Option<String> {
        lock(&self.verified).get(account).cloned()
    }

    /// The one account whose address has the local part `user` and which
    /// has a verified number: the account and the number. None when there is
    /// none, or more than one (the user part is ambiguous across domains).
    pub(crate) fn account_of_user(&self, user: &str) -> Option<(String, String)> {
        let verified = lock(&self.verified);
        let mut found = verified
            .iter()
            .filter(|(account, _)| account.split_once('@').is_some_and(|(u, _)| u == user));
        let (account, number) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some((account.clone(), number.clone()))
    }

    /// What the account's number looks like now.
    pub(crate) fn status(&self, account: &str, now: Instant) -> MobileNumber {
        MobileNumber {
            verified: self.verified(account),
            pending: lock(&self.pending)
                .get(account)
                .filter(|p| p.expires > now)
                .map(|p| p.number.clone()),
        }
    }

    /// Starts verifying `number` for `account` (replacing any verification
    /// under way); returns the code the flash call carries.
    pub(crate) fn begin(&self, account: &str, number: &str, now: Instant) -> String {
        let code = random_code();
        lock(&self.pending).insert(
            account.to_owned(),
            Pending {
                number: number.to_owned(),
                code: code.clone(),
                expires: now + CODE_TTL,
                wrong: 0,
            },
        );
        code
    }

    /// Checks `code`; when right, the number becomes the account's verified
    /// number (saved before this returns) and is returned.
    pub(crate) fn confirm(
        &self,
        account: &str,
        code: &str,
        now: Instant,
        now_ms: i64,
    ) -> Result<String, ConfirmError> {
        let number = {
            let mut pending = lock(&self.pending);
            let entry = pending
                .get_mut(account)
                .ok_or(ConfirmError::NothingPending)?;
            if entry.expires <= now {
                pending.remove(account);
                return Err(ConfirmError::Expired);
            }
            if entry.code != code.trim() {
                entry.wrong += 1;
                if entry.wrong >= MAX_WRONG_CODES {
                    pending.remove(account);
                    return Err(ConfirmError::TooManyWrong);
                }
                return Err(ConfirmError::Wrong {
                    left: MAX_WRONG_CODES - entry.wrong,
                });
            }
            pending
                .remove(account)
                .map(|p| p.number)
                .ok_or(ConfirmError::NothingPending)?
        };
        self.file.append(&Verified {
            account: account.to_owned(),
            number: number.clone(),
            at_ms: now_ms,
        })?;
        lock(&self.verified).insert(account.to_owned(), number.clone());
        Ok(number)
    }
}

/// A uniformly random code of [`CODE_DIGITS`] digits.
fn random_code() -> String {
    let modulus = 10u32.pow(u32::from(CODE_DIGITS));
    loop {
        let mut bytes = [0u8; 4];
        if random_bytes(&mut bytes).is_err() {
            continue;
        }
        let value = u32::from_le_bytes(bytes);
        // Reject the top partial range so every code is equally likely.
        if value < u32::MAX - u32::MAX % modulus {
            return format!(
                "{:0width$}",
                value % modulus,
                width = usize::from(CODE_DIGITS)
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_right_code_verifies_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.jsonl");
        let now = Instant::now();
        {
            let numbers = MobileNumbers::open(&path).unwrap();
            let code = numbers.begin("alice@localhost", "+447700900001", now);
            assert_eq!(code.len(), 4);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            let status = numbers.status("alice@localhost", now);
            assert_eq!(status.pending.as_deref(), Some("+447700900001"));
            assert_eq!(status.verified, None);
            let number = numbers.confirm("alice@localhost", &code, now, 1).unwrap();
            assert_eq!(number, "+447700900001");
        }
        let numbers = MobileNumbers::open(&path).unwrap();
        assert_eq!(
            numbers.verified("alice@localhost").as_deref(),
            Some("+447700900001")
        );
        assert_eq!(numbers.verified("bob@localhost"), None);
    }

    #[test]
    fn wrong_and_expired_codes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let numbers = MobileNumbers::open(&dir.path().join("n.jsonl")).unwrap();
        let now = Instant::now();
        let code = numbers.begin("alice@localhost", "+447700900001", now);
        let wrong = if code == "0000" { "1111" } else { "0000" };
        assert!(matches!(
            numbers.confirm("alice@localhost", wrong, now, 1),
            Err(ConfirmError::Wrong { left: 2 })
        ));
        assert!(matches!(
            numbers.confirm("alice@localhost", wrong, now, 1),
            Err(ConfirmError::Wrong { left: 1 })
        ));
        assert!(matches!(
            numbers.confirm("alice@localhost", wrong, now, 1),
            Err(ConfirmError::TooManyWrong)
        ));
        assert!(matches!(
            numbers.confirm("alice@localhost", &code, now, 1),
            Err(ConfirmError::NothingPending)
        ));
        let code = numbers.begin("alice@localhost", "+447700900001", now);
        assert!(matches!(
            numbers.confirm("alice@localhost", &code, now + CODE_TTL, 1),
            Err(ConfirmError::Expired)
        ));
        assert_eq!(numbers.verified("alice@localhost"), None);
    }
}
