//! The outbox: queued messages go out in order, each exactly once.

use splitline_protocol::{ErrorCode, SendMessageRequest};

use super::{Setback, SyncEngine, SyncUpdate, blocking};
use crate::store::Changes;

impl SyncEngine {
    /// Sends queued messages in order, each once (its client id makes a resend harmless).
    pub(super) async fn flush_outbox(&mut self, token: &str) -> Result<(), Setback> {
        let outbox = blocking(&self.store, |s| s.outbox()).await?;
        for item in outbox {
            let request = SendMessageRequest {
                client_id: item.client_id.clone(),
                to: item.to,
                body: item.body,
            };
            match self.client().send(token, &request).await {
                Ok(sent) => {
                    blocking(&self.store, move |s| {
                        s.mark_sent(&sent.client_id, &sent.network_id)
                    })
                    .await?;
                }
                Err(error)
                    if matches!(
                        error.code(),
                        Some(
                            ErrorCode::InvalidRequest | ErrorCode::NotFound | ErrorCode::Forbidden
                        )
                    ) =>
                {
                    tracing::warn!(%error, "the gateway refused a queued message for good");
                    let id = item.client_id;
                    blocking(&self.store, move |s| s.mark_failed(&id)).await?;
                }
                Err(error) => return Err(self.setback(error)),
            }
            let _ = self.updates.send(SyncUpdate::Changed(Changes {
                chats: vec![request.to],
                ..Changes::default()
            }));
        }
        Ok(())
    }
}
