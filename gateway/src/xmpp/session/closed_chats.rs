//! Closed chats, shared by all of the user's devices through private storage
//! (XEP-0049). Closing is a read-modify-write of the whole list: one at a
//! time, so two closes at once cannot lose one; the closes that arrive
//! meanwhile wait and go together in the next one.

use splitline_protocol::ClosedChat;

use super::{CommandError, IqError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind};
use crate::xmpp::xep::private_storage;

/// Most chats the list keeps; the longest closed drop out first.
const MAX_CLOSED: usize = 1_000;

/// The closes not yet stored.
#[derive(Default)]
pub(super) struct Closes {
    /// Closes waiting for the one read-modify-write of the list in flight.
    waiting: Vec<(ClosedChat, Reply<()>)>,
    in_flight: bool,
}

/// What a request about the stored list is for.
pub(super) enum ClosedChatsIq {
    /// The phone asked for the list.
    Read { reply: Reply<Vec<ClosedChat>> },
    /// The stored list was read; merge these closes into it and write it back.
    Merge { batch: Vec<(ClosedChat, Reply<()>)> },
    /// The merged list was written.
    Write { replies: Vec<Reply<()>> },
}

impl ClosedChatsIq {
    pub(super) fn fail(self, error: CommandError) {
        match self {
            Self::Read { reply } => drop(reply.send(Err(error))),
            Self::Merge { batch } => fail_all(batch.into_iter().map(|(_, r)| r), &error),
            Self::Write { replies } => fail_all(replies, &error),
        }
    }
}

fn fail_all(replies: impl IntoIterator<Item = Reply<()>>, error: &CommandError) {
    replies
        .into_iter()
        .for_each(|r| drop(r.send(Err(error.clone()))));
}

/// The closed chats in the answer to a read of the list; no stored list
/// (which some servers answer with item-not-found) is an empty one.
fn stored(outcome: IqOutcome) -> Result<Vec<ClosedChat>, CommandError> {
    match outcome {
        Ok(payload) => Ok(private_storage::parse(payload.as_ref())),
        Err(IqError::ItemNotFound) => Ok(Vec::new()),
        Err(IqError::Failed(error)) => Err(error),
    }
}

/// Adds or updates `closed` (keeping the later time), most recent last, and
/// keeps at most [`MAX_CLOSED`] entries.
fn merge(chats: &mut Vec<ClosedChat>, closed: ClosedChat) {
    let up_to_ms = chats
        .iter()
        .find(|c| c.peer == closed.peer)
        .map_or(closed.up_to_ms, |c| c.up_to_ms.max(closed.up_to_ms));
    chats.retain(|c| c.peer != closed.peer);
    chats.push(ClosedChat {
        peer: closed.peer,
        up_to_ms,
    });
    let excess = chats.len().saturating_sub(MAX_CLOSED);
    chats.drain(..excess);
}

impl<L: Link> Worker<L> {
    pub(super) async fn read_closed_chats(&mut self, reply: Reply<Vec<ClosedChat>>) {
        let purpose = IqPurpose::ClosedChats(ClosedChatsIq::Read { reply });
        self.send_iq(None, IqKind::Get, private_storage::read_query(), purpose)
            .await;
    }

    pub(super) async fn close_chat(&mut self, chat: ClosedChat, reply: Reply<()>) {
        self.closes.waiting.push((chat, reply));
        self.start_close_batch().await;
    }

    /// On a fresh stream the write in flight, if any, will get no answer:
    /// the closes still waiting go now.
    pub(super) async fn restart_closes(&mut self) {
        self.closes.in_flight = false;
        self.start_close_batch().await;
    }

    /// Starts the next read-modify-write of the closed-chats list with every
    /// close waiting, unless one is in flight (two at once could lose one).
    async fn start_close_batch(&mut self) {
        while !self.closes.in_flight && !self.closes.waiting.is_empty() {
            let batch = std::mem::take(&mut self.closes.waiting);
            let id = self.pending.next_id();
            match self
                .try_send_iq(id.clone(), None, IqKind::Get, private_storage::read_query())
                .await
            {
                Ok(()) => {
                    self.closes.in_flight = true;
                    let purpose = IqPurpose::ClosedChats(ClosedChatsIq::Merge { batch });
                    self.pending.insert(id, purpose);
                }
                Err(error) => fail_all(batch.into_iter().map(|(_, r)| r), &error),
            }
        }
    }

    pub(super) async fn on_closed_chats_iq(&mut self, request: ClosedChatsIq, outcome: IqOutcome) {
        match request {
            ClosedChatsIq::Read { reply } => {
                let _ = reply.send(stored(outcome));
            }
            ClosedChatsIq::Merge { batch } => match stored(outcome) {
                Ok(mut chats) => {
                    let mut replies = Vec::with_capacity(batch.len());
                    for (chat, reply) in batch {
                        merge(&mut chats, chat);
                        replies.push(reply);
                    }
                    self.write_closed_chats(&chats, replies).await;
                }
                Err(error) => {
                    fail_all(batch.into_iter().map(|(_, r)| r), &error);
                    self.restart_closes().await;
                }
            },
            ClosedChatsIq::Write { replies } => {
                let result = outcome
                    .map(drop)
                    .map_err(|e| e.or_not_found(CommandError::NoSuchItem("stored list")));
                replies
                    .into_iter()
                    .for_each(|r| drop(r.send(result.clone())));
                self.restart_closes().await;
            }
        }
    }

    /// Writes the merged list; the next batch starts once it is stored.
    async fn write_closed_chats(&mut self, chats: &[ClosedChat], replies: Vec<Reply<()>>) {
        let id = self.pending.next_id();
        let payload = private_storage::write_query(chats);
        match self
            .try_send_iq(id.clone(), None, IqKind::Set, payload)
            .await
        {
            Ok(()) => {
                let purpose = IqPurpose::ClosedChats(ClosedChatsIq::Write { replies });
                self.pending.insert(id, purpose);
            }
            Err(error) => {
                fail_all(replies, &error);
                self.restart_closes().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(peer: &str, up_to_ms: i64) -> ClosedChat {
        ClosedChat {
            peer: peer.into(),
            up_to_ms,
        }
    }

    #[test]
    fn merging_keeps_the_later_time_and_a_bounded_list() {
        let mut chats = vec![closed("bob@localhost", 9)];
        merge(&mut chats, closed("bob@localhost", 4));
        assert_eq!(chats, vec![closed("bob@localhost", 9)]);
        for n in 0..MAX_CLOSED {
            merge(&mut chats, closed(&format!("u{n}@localhost"), 1));
        }
        assert_eq!(chats.len(), MAX_CLOSED);
        assert!(
            chats.iter().all(|c| c.peer != "bob@localhost"),
            "the oldest dropped out"
        );
    }
}
