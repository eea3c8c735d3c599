//! Read state: displayed markers (XEP-0333) to the chat's other party and
//! the user's other logins, and read positions stored on the server for all
//! of the user's devices (XEP-0490), where the server can store them.

use tokio_xmpp::jid::BareJid;

use super::{CommandError, IqError, IqOutcome, IqPurpose, Link, ReadUpTo, Worker, iq::IqKind};
use crate::xmpp::xep::{chat, mds, muc};

/// What the session learnt about the server's read positions.
pub(super) struct ReadPositions {
    /// False once the server showed it cannot store them.
    stored_on_server: bool,
    /// The publish options the server takes.
    options: mds::Options,
    /// Whether the node was configured apart (with the basic options).
    node_configured: bool,
}

impl Default for ReadPositions {
    fn default() -> Self {
        Self {
            stored_on_server: true,
            options: mds::Options::Full,
            node_configured: false,
        }
    }
}

/// What a read-position request is for.
pub(super) enum ReadPositionIq {
    /// The positions stored on the server were asked for.
    Read,
    /// A position was sent to the server; with `retry`, with all publish
    /// options, to be sent again with the basic ones if refused.
    Publish {
        retry: Option<(BareJid, BareJid, String)>,
    },
    /// The node of read positions was configured.
    Configure,
}

impl<L: Link> Worker<L> {
    /// On a fresh stream: the positions stored meanwhile.
    pub(super) async fn reload_read_positions(&mut self) {
        let purpose = IqPurpose::ReadPositions(ReadPositionIq::Read);
        self.send_iq(None, IqKind::Get, mds::read_query(), purpose)
            .await;
    }

    /// Sends each marker in turn; stops at the first that cannot go out.
    pub(super) async fn send_read_markers(
        &mut self,
        markers: Vec<ReadUpTo>,
    ) -> Result<(), CommandError> {
        for read in markers {
            self.send_read_up_to(read).await?;
        }
        Ok(())
    }

    /// Tells the chat's other party and the user's other logins how far the
    /// user read it (a displayed marker), and stores the position on the
    /// server where it can (XEP-0490).
    async fn send_read_up_to(&mut self, read: ReadUpTo) -> Result<(), CommandError> {
        let in_room = self.rooms.contains(&read.chat);
        if self.read_positions.stored_on_server
            && let Some(archive_id) = &read.archive_id
        {
            let by = if in_room {
                read.chat.clone()
            } else {
                self.own.clone()
            };
            self.publish_read_position(&read.chat, &by, archive_id)
                .await;
        }
        let marker = if in_room {
            muc::room_displayed(read.chat, &read.network_id)
        } else {
            chat::displayed_marker(read.chat, &read.network_id)
        };
        self.send(marker.into()).await
    }

    /// Stores a read position on the server (XEP-0490) with the options the
    /// server takes; the first publish with the basic options also configures
    /// the node.
    async fn publish_read_position(&mut self, chat: &BareJid, by: &BareJid, archive_id: &str) {
        let options = self.read_positions.options;
        let payload = mds::publish(chat, by, archive_id, options);
        let retry = (options == mds::Options::Full)
            .then(|| (chat.clone(), by.clone(), archive_id.to_owned()));
        let purpose = IqPurpose::ReadPositions(ReadPositionIq::Publish { retry });
        self.send_iq(None, IqKind::Set, payload, purpose).await;
        if options == mds::Options::Basic && !self.read_positions.node_configured {
            self.read_positions.node_configured = true;
            let purpose = IqPurpose::ReadPositions(ReadPositionIq::Configure);
            self.send_iq(None, IqKind::Set, mds::configure(), purpose)
                .await;
        }
    }

    pub(super) async fn on_read_position_iq(
        &mut self,
        request: ReadPositionIq,
        outcome: IqOutcome,
    ) {
        match request {
            ReadPositionIq::Read => match outcome {
                Ok(payload) => {
                    self.read_positions.stored_on_server = true;
                    for event in mds::read_answer(payload.as_ref(), &self.own) {
                        self.publish(event);
                    }
                }
                // No positions stored yet.
                Err(IqError::ItemNotFound) => self.read_positions.stored_on_server = true,
                Err(IqError::Failed(error)) => {
                    tracing::info!(user = %self.own, %error, "the server keeps no read positions (XEP-0490)");
                    self.read_positions.stored_on_server = false;
                }
            },
            ReadPositionIq::Publish { retry } => match (outcome, retry) {
                (Ok(_), _) => {}
                (Err(error), Some((chat, by, archive_id))) => {
                    tracing::info!(user = %self.own, %error, "read position refused with all publish options; trying the basic ones");
                    self.read_positions.options = mds::Options::Basic;
                    self.publish_read_position(&chat, &by, &archive_id).await;
                }
                (Err(error), None) => {
                    tracing::warn!(user = %self.own, %error, "the server did not store a read position");
                }
            },
            ReadPositionIq::Configure => {
                if let Err(error) = outcome {
                    tracing::warn!(user = %self.own, %error, "the server did not configure the read positions node");
                }
            }
        }
    }
}
