//! Who a call goes to: a contact, called at their SIP address with the
//! registrar, or a telephone number, called through the trunk. Both are
//! checked before anything is dialled: a number against the number policy;
//! a contact must be a bare address in a domain the gateway serves, on the
//! user's roster, and never a telephone number in disguise (a registrar may
//! well route `sip:+449098790000@…` to the trunk).

use std::future::Future;

use ezk_sip_types::uri::{NameAddr, SipUri};
use splitline_protocol::{Callee, PhoneNumber};
use tokio_xmpp::jid::BareJid;

use super::{CallControl, CallControlError};

/// The user's contact list, as call control asks it: implemented over the
/// user's XMPP session.
pub(crate) trait Roster {
    /// Whether `jid` is on the user's roster; an error says why the session
    /// cannot tell.
    fn contains(&self, jid: &BareJid) -> impl Future<Output = Result<bool, String>> + Send;
}

/// A callee that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A contact: the user part of their address, safe in a SIP URI.
    Contact(String),
    /// A telephone number the policy allows.
    Number(PhoneNumber),
}

/// Where a target is reached, who it sees calling, and what the records say.
pub(super) struct Route {
    pub(super) uri: SipUri,
    pub(super) sees: NameAddr,
    pub(super) text: String,
}

/// Characters a SIP user part may carry unescaped (RFC 3261 `unreserved`),
/// which are all a contact's user part may have here.
fn sip_safe(user: &str) -> bool {
    user.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c))
}

/// A user part that reads as a telephone number: digits, with an optional
/// `+` and the usual separators, and nothing else.
fn looks_like_number(user: &str) -> bool {
    let digits = user.trim_start_matches('+');
    digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"-.() ".contains(&b))
}

impl CallControl {
    /// Checks the callee of `account`'s call request.
    pub(super) async fn check_callee(
        &self,
        account: &BareJid,
        callee: &Callee,
        roster: &impl Roster,
    ) -> Result<Target, CallControlError> {
        match callee {
            Callee::Number { number } => Ok(Target::Number(self.check_number(number)?)),
            Callee::Contact { jid } => self.check_contact(account, jid, roster).await,
        }
    }

    /// A number the policy allows, in E.164.
    fn check_number(&self, number: &str) -> Result<PhoneNumber, CallControlError> {
        let number = PhoneNumber::parse_e164(number.trim())
            .map_err(|e| CallControlError::Invalid(format!("number: {e}")))?;
        self.policy.check_callee(&number)?;
        Ok(number)
    }

    async fn check_contact(
        &self,
        account: &BareJid,
        jid: &str,
        roster: &impl Roster,
    ) -> Result<Target, CallControlError> {
        let jid =
            BareJid::new(jid.trim()).map_err(|e| CallControlError::Invalid(format!("jid: {e}")))?;
        let user = jid.node().map(|n| n.as_str().to_owned()).ok_or_else(|| {
            CallControlError::Invalid("jid: a contact's address has a user part".into())
        })?;
        if !self
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(jid.domain().as_str()))
        {
            return Err(CallControlError::DomainNotServed(
                jid.domain().as_str().to_owned(),
            ));
        }
        if looks_like_number(&user) {
            // Say why, when the policy would refuse the number anyway.
            let digits: String = user.chars().filter(char::is_ascii_digit).collect();
            if let Ok(number) = PhoneNumber::parse_e164(&format!("+{digits}")) {
                self.policy.check_callee(&number)?;
            }
            return Err(CallControlError::NumberInDisguise);
        }
        if !sip_safe(&user) {
            return Err(CallControlError::Invalid(
                "jid: this address cannot be called over SIP (its user part has characters a SIP address cannot carry)".into(),
            ));
        }
        if jid == *account
            || !roster
                .contains(&jid)
                .await
                .map_err(CallControlError::Contacts)?
        {
            return Err(CallControlError::NotAContact);
        }
        Ok(Target::Contact(user))
    }

    /// Where the target is reached and who it sees calling: a contact sees
    /// the user's SIP address, a number the user's verified `mobile`.
    pub(super) fn route(
        &self,
        account: &BareJid,
        mobile: &str,
        target: Target,
    ) -> Result<Route, CallControlError> {
        match target {
            Target::Contact(user) => {
                let me = account.node().map(|n| n.as_str()).unwrap_or_default();
                Ok(Route {
                    uri: self.registrar_uri(&user)?,
                    sees: NameAddr::uri(self.registrar_uri(me)?),
                    text: format!("sip:{user}@{}", self.config.registrar),
                })
            }
            Target::Number(number) => Ok(Route {
                uri: self.trunk_uri(&number.e164)?,
                sees: self.trunk_party(mobile)?,
                text: number.e164,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_disguise_are_told_from_names() {
        for number in [
            "+449098790000",
            "449098790000",
            "+44-909-879-0000",
            "(0)20.7946",
            "112",
        ] {
            assert!(looks_like_number(number), "{number}");
        }
        for name in ["bob", "bob2", "r2d2", "+", "--", "agent.007x"] {
            assert!(!looks_like_number(name), "{name}");
        }
    }

    #[test]
    fn only_plain_user_parts_go_into_a_sip_address() {
        assert!(sip_safe("bob.smith-2_x"));
        for bad in ["bob;user=phone", "bob?x=y", "bob%40x", "bob+1", "bob,x"] {
            assert!(!sip_safe(bad), "{bad}");
        }
    }
}
