//! Read state going out: how far the user has read, and the chats they closed.

use splitline_protocol::{DisplayedMarker, DisplayedRequest, ErrorCode, MAX_MARKERS};

use super::{Setback, SyncEngine, blocking};

impl SyncEngine {
    /// Tells the network how far the user has read, in one request per
    /// [`MAX_MARKERS`] chats; markers the gateway refuses for good are dropped.
    pub(super) async fn flush_markers(&mut self, token: &str) -> Result<(), Setback> {
        let pending = blocking(&self.store, |s| s.pending_markers()).await?;
        for chunk in pending.chunks(MAX_MARKERS) {
            let request = DisplayedRequest {
                markers: chunk
                    .iter()
                    .map(|m| DisplayedMarker {
                        peer: m.peer.clone(),
                        network_id: m.network_id.clone(),
                        archive_id: m.archive_id.clone(),
                    })
                    .collect(),
            };
            match self.client().displayed(token, &request).await {
                Ok(()) => {}
                Err(error) if error.code() == Some(ErrorCode::InvalidRequest) => {
                    tracing::warn!(%error, "the gateway refused read markers for good");
                }
                Err(error) => return Err(self.setback(error)),
            }
            let sent = chunk.to_vec();
            blocking(&self.store, move |s| s.markers_sent(&sent)).await?;
        }
        Ok(())
    }

    /// Tells the network about chats closed here; a close the gateway
    /// refuses for good is dropped.
    pub(super) async fn flush_closes(&mut self, token: &str) -> Result<(), Setback> {
        for chat in blocking(&self.store, |s| s.pending_closes()).await? {
            match self.client().close_chat(token, &chat).await {
                Ok(()) => {}
                Err(error) if error.code() == Some(ErrorCode::InvalidRequest) => {
                    tracing::warn!(%error, "the gateway refused a closed chat for good");
                }
                Err(error) => return Err(self.setback(error)),
            }
            blocking(&self.store, move |s| s.close_sent(&chat)).await?;
        }
        Ok(())
    }
}
