//! Administering the user's rooms: names (asked of the room when it joins
//! or says its configuration changed; set by an owner), and the owners,
//! admins and members.

use splitline_protocol::{Affiliation, Event, RoomMember};
use tokio_xmpp::jid::BareJid;

use super::{
    CommandError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind, rooms::room_error,
};
use crate::xmpp::xep::muc;

/// What a request to one of the user's rooms is for.
pub(super) enum RoomAdminIq {
    Rename {
        room: BareJid,
        name: String,
        reply: Reply<()>,
    },
    /// The room's name was asked for.
    Info { room: BareJid },
    /// One affiliation list was asked for; `remaining` follow.
    Members {
        room: BareJid,
        asked: Affiliation,
        remaining: Vec<Affiliation>,
        members: Vec<RoomMember>,
        reply: Reply<Vec<RoomMember>>,
    },
    SetMember {
        room: BareJid,
        invite: Option<BareJid>,
        reply: Reply<()>,
    },
}

impl RoomAdminIq {
    /// The room that answers this request.
    pub(super) fn room(&self) -> &BareJid {
        match self {
            Self::Rename { room, .. }
            | Self::Info { room }
            | Self::Members { room, .. }
            | Self::SetMember { room, .. } => room,
        }
    }

    pub(super) fn fail(self, error: CommandError) {
        match self {
            Self::Rename { reply, .. } | Self::SetMember { reply, .. } => {
                drop(reply.send(Err(error)))
            }
            Self::Members { reply, .. } => drop(reply.send(Err(error))),
            Self::Info { .. } => {}
        }
    }
}

impl<L: Link> Worker<L> {
    /// Asks `room` for its name.
    pub(super) async fn ask_room_name(&mut self, room: BareJid) {
        let purpose = IqPurpose::RoomAdmin(RoomAdminIq::Info { room: room.clone() });
        self.send_iq(Some(&room), IqKind::Get, muc::info_query(), purpose)
            .await;
    }

    pub(super) async fn rename_room(&mut self, room: BareJid, name: String, reply: Reply<()>) {
        if let Err(error) = self.in_room(&room) {
            let _ = reply.send(Err(error));
            return;
        }
        let payload = muc::rename_config(&name);
        let purpose = IqPurpose::RoomAdmin(RoomAdminIq::Rename {
            room: room.clone(),
            name,
            reply,
        });
        self.send_iq(Some(&room), IqKind::Set, payload, purpose)
            .await;
    }

    /// Lists the owners, then the admins, then the members.
    pub(super) async fn room_members(&mut self, room: BareJid, reply: Reply<Vec<RoomMember>>) {
        if let Err(error) = self.in_room(&room) {
            let _ = reply.send(Err(error));
            return;
        }
        let purpose = IqPurpose::RoomAdmin(RoomAdminIq::Members {
            room: room.clone(),
            asked: Affiliation::Owner,
            remaining: vec![Affiliation::Admin, Affiliation::Member],
            members: Vec::new(),
            reply,
        });
        let payload = muc::list_affiliation(Affiliation::Owner);
        self.send_iq(Some(&room), IqKind::Get, payload, purpose)
            .await;
    }

    /// Adds a member (and invites them) or removes one.
    pub(super) async fn set_member(
        &mut self,
        room: BareJid,
        jid: BareJid,
        add: bool,
        reply: Reply<()>,
    ) {
        if let Err(error) = self.in_room(&room) {
            let _ = reply.send(Err(error));
            return;
        }
        let affiliation = if add { "member" } else { "none" };
        let payload = muc::set_affiliation(std::slice::from_ref(&jid), affiliation);
        let purpose = IqPurpose::RoomAdmin(RoomAdminIq::SetMember {
            room: room.clone(),
            invite: add.then_some(jid),
            reply,
        });
        self.send_iq(Some(&room), IqKind::Set, payload, purpose)
            .await;
    }

    pub(super) async fn on_room_admin_iq(&mut self, request: RoomAdminIq, outcome: IqOutcome) {
        match request {
            RoomAdminIq::Rename { room, name, reply } => {
                if outcome.is_ok()
                    && let Some(renamed) = self.rooms.rename(&room, &name)
                {
                    self.publish(Event::RoomChanged { room: renamed });
                    self.write_bookmarks().await;
                }
                let _ = reply.send(outcome.map(drop).map_err(room_error));
            }
            RoomAdminIq::Info { room } => {
                if let Ok(payload) = outcome
                    && let Some(name) = muc::parse_name(payload)
                    && let Some(renamed) = self.rooms.rename(&room, &name)
                {
                    self.publish(Event::RoomChanged { room: renamed });
                    self.write_bookmarks().await;
                }
            }
            RoomAdminIq::Members {
                room,
                asked,
                mut remaining,
                mut members,
                reply,
            } => match outcome {
                Ok(payload) => {
                    members.extend(muc::parse_members(payload.as_ref(), asked));
                    if remaining.is_empty() {
                        let _ = reply.send(Ok(members));
                        return;
                    }
                    let asked = remaining.remove(0);
                    let purpose = IqPurpose::RoomAdmin(RoomAdminIq::Members {
                        room: room.clone(),
                        asked,
                        remaining,
                        members,
                        reply,
                    });
                    let payload = muc::list_affiliation(asked);
                    self.send_iq(Some(&room), IqKind::Get, payload, purpose)
                        .await;
                }
                Err(error) => drop(reply.send(Err(room_error(error)))),
            },
            RoomAdminIq::SetMember {
                room,
                invite,
                reply,
            } => {
                if outcome.is_ok()
                    && let Some(member) = invite
                {
                    self.send(muc::invite(&room, &member).into()).await.ok();
                }
                let _ = reply.send(outcome.map(drop).map_err(room_error));
            }
        }
    }
}
