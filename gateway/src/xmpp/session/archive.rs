//! Archive pages (XEP-0313): of the user's 1:1 messages, or of one of the
//! user's rooms. The archive sends the page's messages first, each naming the
//! query, then answers the query with the page's end.

use splitline_protocol::{ArchivePage, ArchivedMessage};
use tokio_xmpp::jid::BareJid;

use super::{CommandError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind};
use crate::xmpp::xep::mam::{self, PageAt};

/// A page being read: the messages so far, and who waits for it.
pub(super) struct ArchiveIq {
    /// The room whose archive is read; the user's own without it.
    pub(super) room: Option<BareJid>,
    /// Whether the newest page was asked for (nothing is newer).
    newest: bool,
    max: usize,
    messages: Vec<ArchivedMessage>,
    reply: Reply<ArchivePage>,
}

impl ArchiveIq {
    pub(super) fn fail(self, error: CommandError) {
        let _ = self.reply.send(Err(error));
    }

    /// The page is complete: the answer carries its end.
    pub(super) fn answer(self, outcome: IqOutcome) {
        let page = outcome
            .map_err(|e| e.or_not_found(CommandError::UnknownArchivePosition))
            .and_then(|payload| {
                let end = mam::page_end(payload).ok_or_else(|| {
                    CommandError::Network("the archive sent no end of page".to_owned())
                })?;
                Ok(ArchivePage {
                    messages: self.messages,
                    first: end.first,
                    last: end.last,
                    // A newest page has nothing newer after it.
                    complete: self.newest || end.complete,
                })
            });
        let _ = self.reply.send(page);
    }
}

impl<L: Link> Worker<L> {
    /// Asks for a page of `max` entries at `at`, of the chat `with` only
    /// when it is given.
    pub(super) async fn read_archive(
        &mut self,
        room: Option<BareJid>,
        with: Option<BareJid>,
        at: PageAt,
        max: u32,
        reply: Reply<ArchivePage>,
    ) {
        if let Some(room) = &room
            && let Err(error) = self.in_room(room)
        {
            let _ = reply.send(Err(error));
            return;
        }
        let query_id = self.pending.next_id();
        let purpose = IqPurpose::Archive(ArchiveIq {
            room: room.clone(),
            newest: at == PageAt::Newest,
            max: max as usize,
            messages: Vec::new(),
            reply,
        });
        let payload = mam::archive_query(&query_id, at, with.as_ref(), max);
        self.send_iq_with_id(query_id, room.as_ref(), IqKind::Set, payload, purpose)
            .await;
    }

    /// Adds a message to the page of the archive query `query_id`; one from
    /// a stranger is flagged as a message request, as on the live stream.
    pub(super) fn collect_archive_item(&mut self, query_id: &str, mut item: ArchivedMessage) {
        item.message.from_stranger =
            !item.outgoing && item.message.room.is_none() && self.is_stranger(&item.message.from);
        if let Some(IqPurpose::Archive(page)) = self.pending.get_mut(query_id)
            && page.messages.len() < page.max
        {
            page.messages.push(item);
        }
    }
}
