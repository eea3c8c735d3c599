//! Catching up after a sign-in or a lost cursor: the closed chats and the
//! rooms the network keeps, the archives a page at a time, and a snapshot
//! of the contacts when the event cursor is no longer valid.

use splitline_protocol::{ArchivePage, ArchiveQuery, ErrorCode};

use super::{Setback, SyncEngine, SyncUpdate, blocking};
use crate::{
    store::{Changes, RecoveryStep, RoomCatchUp, keys},
    util::now_ms,
};

impl SyncEngine {
    /// Reads the chats closed on any device, before the catch-up brings
    /// their messages.
    pub(super) async fn read_closed_chats(&mut self, token: &str) -> Result<(), Setback> {
        let chats = match self.client().closed_chats(token).await {
            Ok(list) => list.chats,
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "the server keeps no closed chats");
                Vec::new()
            }
            Err(error) => return Err(self.setback(error)),
        };
        let changed = blocking(&self.store, move |s| s.apply_closed_chats(&chats)).await?;
        if !changed.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(Changes {
                chats: changed,
                ..Changes::default()
            }));
        }
        self.closed_chats_read = true;
        Ok(())
    }

    /// Reads the user's rooms; each of them then catches up from its archive.
    pub(super) async fn read_rooms(&mut self, token: &str) -> Result<(), Setback> {
        match self.client().rooms(token).await {
            Ok(list) => {
                blocking(&self.store, move |s| s.replace_rooms(&list.rooms)).await?;
                let _ = self.updates.send(SyncUpdate::Changed(Changes {
                    rooms: true,
                    ..Changes::default()
                }));
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "the gateway offers no rooms");
            }
            Err(error) => return Err(self.setback(error)),
        }
        self.rooms_read = true;
        Ok(())
    }

    /// Reads and stores the page after the stored position of the user's 1:1
    /// archive, or of a room's archive; the last page ends that catch-up. An
    /// archive that no longer knows the position is read back instead.
    pub(super) async fn catch_up_page(
        &mut self,
        token: &str,
        room: Option<RoomCatchUp>,
    ) -> Result<(), Setback> {
        let (room, after) = match room {
            Some(r) => (Some(r.room), r.after),
            None => (
                None,
                blocking(&self.store, |s| s.sync_value(keys::ARCHIVE_CURSOR)).await?,
            ),
        };
        let key = room.clone();
        if let Some(recovery) = blocking(&self.store, move |s| s.recovery(key.as_deref())).await? {
            return self.recovery_page(token, room, recovery.before).await;
        }
        // A room without a position reads its archive from the start: all of
        // it is news to a member who has not seen it here.
        let start_ms = (room.is_some() && after.is_none()).then_some(0);
        let query = ArchiveQuery {
            room: room.clone(),
            with: None,
            after: after.clone(),
            before: None,
            start_ms,
            max: self.config.archive_page,
        };
        let page = match self.client().archive(token, &query).await {
            Ok(page) => page,
            Err(error) if error.code() == Some(ErrorCode::CursorInvalid) => {
                tracing::warn!(
                    room = room.is_some(),
                    "the archive no longer knows the stored position; reading it back from the newest page"
                );
                blocking(&self.store, move |s| s.start_recovery(room.as_deref())).await?;
                return Ok(());
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) && room.is_some() => {
                tracing::info!(%error, "no longer in a room; its catch-up ends");
                blocking(&self.store, move |s| {
                    s.end_room_catch_up(room.as_deref().unwrap_or_default())
                })
                .await?;
                return Ok(());
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "no archive to catch up from");
                ArchivePage::end()
            }
            Err(error) => return Err(self.setback(error)),
        };
        // A page that does not move the position ends the catch-up, so a
        // confused archive cannot keep the engine here.
        let stuck = page.last.is_none() || page.last == after;
        let page = ArchivePage {
            complete: page.complete || stuck,
            ..page
        };
        tracing::info!(
            messages = page.messages.len(),
            complete = page.complete,
            room = room.is_some(),
            "caught up an archive page"
        );
        let changes = blocking(&self.store, move |s| match &room {
            Some(room) => s.apply_room_archive_page(room, &page),
            None => s.apply_archive_page(&page),
        })
        .await?;
        if !changes.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        Ok(())
    }

    /// Reads and stores the page before `before` (the newest without it) of
    /// an archive being read back, until the pages meet what the store had.
    async fn recovery_page(
        &mut self,
        token: &str,
        room: Option<String>,
        before: Option<String>,
    ) -> Result<(), Setback> {
        let query = ArchiveQuery {
            room: room.clone(),
            with: None,
            after: None,
            before,
            start_ms: None,
            max: self.config.archive_page,
        };
        let page = match self.client().archive(token, &query).await {
            Ok(page) => page,
            // The archive dropped what it was being read back to, or the user
            // left the room: nothing older can be read, so the pages so far
            // are stored with a gap marker (the room's catch-up then ends as
            // usual).
            Err(error)
                if error.code() == Some(ErrorCode::CursorInvalid)
                    || (error.code() == Some(ErrorCode::NotFound) && room.is_some()) =>
            {
                tracing::info!(%error, "the archive can be read back no further");
                ArchivePage::end()
            }
            Err(error) => return Err(self.setback(error)),
        };
        let messages = page.messages.len();
        let (max_pages, now) = (self.config.recovery_pages, now_ms());
        let key = room.clone();
        let (changes, step) = blocking(&self.store, move |s| {
            s.apply_recovery_page(key.as_deref(), &page, max_pages, now)
        })
        .await?;
        match step {
            RecoveryStep::More | RecoveryStep::Met => tracing::info!(
                messages,
                ?step,
                room = room.is_some(),
                "read an archive page back"
            ),
            RecoveryStep::Gap => tracing::warn!(
                messages,
                room = room.is_some(),
                "the archive could not be read back to what this device had; marked a gap"
            ),
        }
        if !changes.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        Ok(())
    }

    /// Rebuilds the contact list from a snapshot after the cursor was lost.
    pub(super) async fn resync(&mut self, token: &str) -> Result<(), Setback> {
        tracing::info!("cursor invalid; resyncing from a snapshot");
        let snapshot = self
            .client()
            .snapshot(token)
            .await
            .map_err(|e| self.setback(e))?;
        blocking(&self.store, move |s| {
            s.replace_contacts(&snapshot.contacts, &snapshot.cursor)
        })
        .await?;
        let _ = self.updates.send(SyncUpdate::Changed(Changes {
            contacts: true,
            ..Changes::default()
        }));
        Ok(())
    }
}
