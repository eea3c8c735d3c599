//! Contact changes and own presence going out: each queued change is sent
//! once, in order; one the gateway refuses for good is dropped and recorded
//! (the list shows the network's view again); a transient failure keeps it
//! for the engine's next round, after its backoff.

use splitline_protocol::{AddContactRequest, ErrorCode, RenameContactRequest, SetPresenceRequest};

use super::{Setback, SyncEngine, SyncUpdate, blocking};
use crate::{
    gateway::GatewayError,
    store::{Changes, ContactOp, ContactOpKind},
    util::now_ms,
};

/// True for a refusal that no retry can change.
fn refused_for_good(error: &GatewayError) -> bool {
    matches!(
        error.code(),
        Some(ErrorCode::InvalidRequest | ErrorCode::Forbidden | ErrorCode::NotFound)
    )
}

impl SyncEngine {
    /// Sends the queued contact changes in order, each once.
    pub(super) async fn flush_contact_ops(&mut self, token: &str) -> Result<(), Setback> {
        for op in blocking(&self.store, |s| s.contact_ops()).await? {
            let seq = op.seq;
            blocking(&self.store, move |s| s.contact_op_started(seq)).await?;
            let result = self.send_contact_op(token, &op).await;
            let jid = op.jid.clone();
            match result {
                Ok(()) => blocking(&self.store, move |s| s.contact_op_done(&op)).await?,
                // Removing someone the network does not list is done.
                Err(error)
                    if op.kind == ContactOpKind::Remove
                        && error.code() == Some(ErrorCode::NotFound) =>
                {
                    blocking(&self.store, move |s| s.contact_op_done(&op)).await?
                }
                Err(error) if refused_for_good(&error) => {
                    tracing::warn!(kind = ?op.kind, %error, "the gateway refused a contact change for good");
                    let reason = match &error {
                        GatewayError::Refused { body, .. } => body.message.clone(),
                        other => other.to_string(),
                    };
                    blocking(&self.store, move |s| {
                        s.contact_op_failed(&op, &reason, now_ms())
                    })
                    .await?
                }
                Err(error) => return Err(self.setback(error)),
            }
            let mut changes = Changes::default();
            changes.contact_changed(&jid);
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        Ok(())
    }

    async fn send_contact_op(&self, token: &str, op: &ContactOp) -> Result<(), GatewayError> {
        let client = self.client();
        match op.kind {
            ContactOpKind::Add => {
                let request = AddContactRequest {
                    jid: op.jid.clone(),
                    name: op.name.clone(),
                };
                client.add_contact(token, &request).await
            }
            ContactOpKind::Rename => {
                let request = RenameContactRequest {
                    name: op.name.clone(),
                };
                client.rename_contact(token, &op.jid, &request).await
            }
            ContactOpKind::Remove => client.remove_contact(token, &op.jid).await,
            ContactOpKind::Accept => client.answer_contact(token, &op.jid, true).await,
            ContactOpKind::Refuse => client.answer_contact(token, &op.jid, false).await,
        }
    }

    /// Sends the user's own presence if a change (or a new sign-in) made it due.
    pub(super) async fn flush_own_presence(&mut self, token: &str) -> Result<(), Setback> {
        let Some((presence, generation)) = blocking(&self.store, |s| s.own_presence_due()).await?
        else {
            return Ok(());
        };
        let request = SetPresenceRequest {
            availability: presence.availability,
            status: presence.status,
        };
        match self.client().set_presence(token, &request).await {
            Ok(()) => {}
            Err(error) if refused_for_good(&error) => {
                tracing::warn!(%error, "the gateway refused the own presence for good");
            }
            Err(error) => return Err(self.setback(error)),
        }
        blocking(&self.store, move |s| s.own_presence_sent(generation)).await?;
        Ok(())
    }
}
