//! The user's other logins changing the list of rooms: the server pushes
//! each change of the user's XEP-0402 bookmarks, so a room the desktop was
//! invited into (an invitation the server gave the desktop alone, at its
//! higher priority) and bookmarked is joined here too, and a room another
//! login stopped joining is left here too.

use super::{Link, Worker};
use crate::xmpp::xep::bookmarks::Pushed;

impl<L: Link> Worker<L> {
    /// Follows the bookmark changes the server pushed.
    pub(super) async fn on_bookmarks_pushed(&mut self, changes: Vec<Pushed>) {
        for change in changes {
            match change {
                Pushed::Bookmarked {
                    room,
                    autojoin: true,
                    ..
                } => {
                    self.rooms.forget_other(&room);
                    self.enter_room(room).await;
                }
                Pushed::Bookmarked {
                    room,
                    name,
                    autojoin: false,
                } => {
                    // Kept first, so that the write of the leave keeps it.
                    self.rooms.keep_other(room.clone(), name);
                    if self.rooms.contains(&room) {
                        self.leave_room(&room).await.ok();
                    }
                }
                Pushed::Removed(room) => {
                    self.rooms.forget_other(&room);
                    if self.rooms.contains(&room) {
                        self.leave_room(&room).await.ok();
                    }
                }
            }
        }
    }
}
