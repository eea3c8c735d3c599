//! The worker's IQ requests: their ids, what each answer is for, and the
//! rule that an answer counts only from the entity asked (a room for a room's
//! request, otherwise the user's own account or server). Anyone can send an
//! IQ result with a guessed id; only the one asked may settle a request.

use std::collections::HashMap;

use tokio_xmpp::{
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::{iq::Iq, stanza_error::DefinedCondition},
};

use super::{CommandError, IqPurpose, Link, Worker};

/// Why an IQ request got no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum IqError {
    /// The entity asked has no such item (`item-not-found`). What that means
    /// depends on what was asked: each feature maps it for itself.
    #[error("the network has no such item")]
    ItemNotFound,
    /// Any other failure, as the phone hears it.
    #[error(transparent)]
    Failed(#[from] CommandError),
}

impl IqError {
    /// The failure as the phone hears it, with `not_found` for `item-not-found`.
    pub(super) fn or_not_found(self, not_found: CommandError) -> CommandError {
        match self {
            Self::ItemNotFound => not_found,
            Self::Failed(error) => error,
        }
    }

    fn from_condition(condition: &DefinedCondition) -> Self {
        match condition {
            DefinedCondition::ItemNotFound => Self::ItemNotFound,
            DefinedCondition::ServiceUnavailable | DefinedCondition::FeatureNotImplemented => {
                CommandError::Unsupported.into()
            }
            DefinedCondition::Forbidden
            | DefinedCondition::NotAllowed
            | DefinedCondition::NotAuthorized => CommandError::Forbidden.into(),
            other => CommandError::Network(format!("{other:?}")).into(),
        }
    }
}

/// What an IQ request got back: its payload, or why not.
pub(super) type IqOutcome = Result<Option<Element>, IqError>;

#[derive(Debug, Clone, Copy)]
pub(super) enum IqKind {
    Get,
    Set,
}

/// The worker's IQ requests awaiting an answer.
#[derive(Default)]
pub(super) struct PendingIqs {
    by_id: HashMap<String, IqPurpose>,
    next: u64,
}

impl PendingIqs {
    /// A fresh request id.
    pub(super) fn next_id(&mut self) -> String {
        self.next += 1;
        format!("sl-{}", self.next)
    }

    /// The request `id` in flight, to add to (archive results arrive before
    /// the query's answer).
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut IqPurpose> {
        self.by_id.get_mut(id)
    }

    /// Files a request sent with `id`.
    pub(super) fn insert(&mut self, id: String, purpose: IqPurpose) {
        self.by_id.insert(id, purpose);
    }

    /// Every request in flight, forgotten: their answers will not come.
    pub(super) fn drain(&mut self) -> impl Iterator<Item = IqPurpose> + '_ {
        self.by_id.drain().map(|(_, purpose)| purpose)
    }

    /// The request an IQ answers, with its outcome, if it answers one of ours
    /// and comes from whom it was asked of; otherwise the IQ back.
    #[allow(clippy::result_large_err)]
    pub(super) fn answer(&mut self, iq: Iq, own: &BareJid) -> Result<(IqPurpose, IqOutcome), Iq> {
        let (id, from, outcome) = match &iq {
            Iq::Result {
                id, from, payload, ..
            } => (id, from, Ok(payload.clone())),
            Iq::Error {
                id, from, error, ..
            } => (
                id,
                from,
                Err(IqError::from_condition(&error.defined_condition)),
            ),
            Iq::Get { .. } | Iq::Set { .. } => return Err(iq),
        };
        let Some(asked) = self.by_id.get(id) else {
            return Err(iq);
        };
        if !answers_for(from.as_ref(), asked.room(), own) {
            return Err(iq);
        }
        match self.by_id.remove(id) {
            Some(purpose) => Ok((purpose, outcome)),
            None => Err(iq),
        }
    }
}

/// Whether `from` may answer a request sent to `room` (or, without a room,
/// to the user's own account or server).
fn answers_for(from: Option<&Jid>, room: Option<&BareJid>, own: &BareJid) -> bool {
    match (from, room) {
        (Some(from), Some(room)) => from.to_bare() == *room,
        (None, Some(_)) => false,
        (from, None) => from.is_none_or(|f| {
            f.to_bare() == *own || f.to_bare().node().is_none() && f.domain() == own.domain()
        }),
    }
}

impl<L: Link> Worker<L> {
    /// Sends an IQ request to `to` (the user's own account without it) whose
    /// answer goes to `purpose`.
    pub(super) async fn send_iq(
        &mut self,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
        purpose: IqPurpose,
    ) {
        let id = self.pending.next_id();
        self.send_iq_with_id(id, to, kind, payload, purpose).await;
    }

    /// Sends an IQ request whose answer goes to `purpose`; `id` is also the
    /// query id of an archive query, whose results arrive before the answer.
    /// A request that cannot be sent is answered with the failure at once.
    pub(super) async fn send_iq_with_id(
        &mut self,
        id: String,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
        purpose: IqPurpose,
    ) {
        match self.try_send_iq(id.clone(), to, kind, payload).await {
            Ok(()) => self.pending.insert(id, purpose),
            Err(error) => Box::pin(self.on_iq_result(purpose, Err(error.into()))).await,
        }
    }

    /// Puts an IQ request on the stream; the caller files its purpose.
    pub(super) async fn try_send_iq(
        &mut self,
        id: String,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
    ) -> Result<(), CommandError> {
        let to = to.map(|t| Jid::from(t.clone()));
        let iq = match kind {
            IqKind::Get => Iq::Get {
                from: None,
                to,
                id,
                payload,
            },
            IqKind::Set => Iq::Set {
                from: None,
                to,
                id,
                payload,
            },
        };
        self.send(iq.into()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> Jid {
        Jid::new(s).unwrap()
    }

    #[test]
    fn only_the_entity_asked_may_answer() {
        let own = BareJid::new("alice@localhost").unwrap();
        let room = BareJid::new("team@conference.localhost").unwrap();
        // A room's request: only the room (any of its addresses).
        assert!(answers_for(
            Some(&jid("team@conference.localhost")),
            Some(&room),
            &own
        ));
        assert!(!answers_for(
            Some(&jid("alice@localhost")),
            Some(&room),
            &own
        ));
        assert!(!answers_for(None, Some(&room), &own));
        // The user's own requests: the account, its server, or no sender.
        assert!(answers_for(None, None, &own));
        assert!(answers_for(Some(&jid("alice@localhost/desk")), None, &own));
        assert!(answers_for(Some(&jid("localhost")), None, &own));
        assert!(!answers_for(Some(&jid("eve@localhost")), None, &own));
        assert!(!answers_for(Some(&jid("elsewhere.example")), None, &own));
        assert!(!answers_for(
            Some(&jid("team@conference.localhost")),
            None,
            &own
        ));
    }
}
