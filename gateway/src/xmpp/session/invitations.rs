//! Invitations into rooms, believed only as far as they prove: the form
//! must hold ([`invitation::parse`]: a mediated one from the room's bare
//! address, a direct one from the inviter), the inviter must be a contact,
//! and the room must answer service discovery as a room before the user
//! joins it and it goes into the bookmarks.

use tokio_xmpp::jid::BareJid;

use super::{IqOutcome, IqPurpose, Link, Worker, iq::IqKind};
use crate::xmpp::xep::{
    invitation::{self, Invitation},
    muc,
};

/// What an invitation's request is for.
pub(super) enum InvitationIq {
    /// The room was asked whether it is one (disco#info).
    IsRoom(BareJid),
}

impl InvitationIq {
    /// The room that must answer.
    pub(super) fn room(&self) -> &BareJid {
        match self {
            Self::IsRoom(room) => room,
        }
    }
}

impl<L: Link> Worker<L> {
    /// An invitation in a message: a contact's, in proper form, leads to
    /// asking the room what it is; anything else is dropped.
    pub(super) async fn on_invitation(
        &mut self,
        invitation: Result<Invitation, invitation::Forged>,
    ) {
        let Invitation { room, by } = match invitation {
            Ok(invitation) => invitation,
            Err(forged) => {
                tracing::warn!(user = %self.own, %forged, "ignored a forged room invitation");
                return;
            }
        };
        if self.rooms.contains(&room) {
            return;
        }
        if !self.roster.contains(&by) {
            tracing::info!(user = %self.own, %room, "ignored a room invitation from outside the contact list");
            return;
        }
        let purpose = IqPurpose::Invitation(InvitationIq::IsRoom(room.clone()));
        self.send_iq(Some(&room), IqKind::Get, muc::info_query(), purpose)
            .await;
    }

    /// The room's answer: only a multi-user chat room is joined.
    pub(super) async fn on_invitation_iq(&mut self, request: InvitationIq, outcome: IqOutcome) {
        let InvitationIq::IsRoom(room) = request;
        match outcome.map(invitation::is_room) {
            Ok(true) => self.enter_room(room).await,
            Ok(false) => {
                tracing::warn!(user = %self.own, %room, "ignored an invitation into something that is no room");
            }
            Err(error) => {
                tracing::warn!(user = %self.own, %room, %error, "ignored an invitation into a room that does not answer");
            }
        }
    }
}
