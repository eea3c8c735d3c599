//! Bookmarks: the list of the user's rooms that every device of the user
//! joins. The gateway stores them as XEP-0048 bookmarks in the user's
//! private storage (XEP-0049), the one store every server has, and hears
//! the changes other logins make as XEP-0402 (PEP native bookmarks)
//! notifications, which servers also send for a private storage write when
//! they convert between the two (Prosody's `mod_bookmarks`, ejabberd's
//! `mod_private`).

use tokio_xmpp::{
    jid::BareJid,
    minidom::Element,
    parsers::{bookmarks::Storage, message::Message, ns, private},
};

use super::pep;

/// The PEP node (and namespace) of XEP-0402 bookmarks.
const NODE: &str = "urn:xmpp:bookmarks:1";
/// The feature that asks the server to push the user's bookmark changes.
pub(crate) const NOTIFY: &str = "urn:xmpp:bookmarks:1+notify";

/// The payload that reads the bookmarks.
pub(crate) fn bookmarks_query() -> Element {
    store(Storage::new())
}

/// The payload that replaces the stored bookmarks with `storage`.
pub(crate) fn store(storage: Storage) -> Element {
    private::Query { storage }.into()
}

/// The bookmarks in a read's answer; none stored is an empty list.
pub(crate) fn parse_bookmarks(payload: Option<Element>) -> Storage {
    payload
        .and_then(|p| private::Query::try_from(p).ok())
        .map_or_else(Storage::new, |q| q.storage)
}

/// A change of the user's bookmarks, pushed by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// A room was bookmarked, or its bookmark changed.
    Bookmarked {
        room: BareJid,
        /// The room's name in the bookmark.
        name: Option<String>,
        /// Whether the user's devices join it.
        autojoin: bool,
    },
    /// A room's bookmark was removed.
    Removed(BareJid),
}

/// The bookmark changes in `message`, if it is a notification of the user's
/// own XEP-0402 node from the user's own account (anyone else could forge
/// one); items that are not well-formed are skipped.
pub(crate) fn pushed(message: &Message, own: &BareJid) -> Option<Vec<Pushed>> {
    if message.from.as_ref().is_some_and(|f| f.to_bare() != *own) {
        return None;
    }
    let items = pep::event_items(message, NODE)?;
    Some(
        items
            .children()
            .filter_map(|change| {
                let room = BareJid::new(change.attr("id")?)
                    .ok()
                    .filter(|room| room.node().is_some())?;
                if change.is("retract", ns::PUBSUB_EVENT) {
                    return Some(Pushed::Removed(room));
                }
                let conference = change
                    .get_child("conference", NODE)
                    .filter(|_| change.is("item", ns::PUBSUB_EVENT))?;
                Some(Pushed::Bookmarked {
                    room,
                    name: conference.attr("name").map(str::to_owned),
                    autojoin: matches!(conference.attr("autojoin"), Some("true" | "1")),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        xml.parse::<Element>().unwrap().try_into().unwrap()
    }

    fn jid(s: &str) -> BareJid {
        BareJid::new(s).unwrap()
    }

    fn event(from: &str, node: &str, changes: &str) -> Message {
        message(&format!(
            "<message xmlns='jabber:client' from='{from}' to='alice@localhost/phone'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='{node}'>{changes}</items></event></message>"
        ))
    }

    #[test]
    fn pushed_bookmarks_count_only_from_the_users_own_account() {
        let own = jid("alice@localhost");
        let changes = "<item id='team@conference.localhost'>\
               <conference xmlns='urn:xmpp:bookmarks:1' name='Team' autojoin='true'>\
               <nick>alice</nick></conference></item>\
             <item id='quiet@conference.localhost'>\
               <conference xmlns='urn:xmpp:bookmarks:1'/></item>\
             <item id='not a jid@@'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='1'/></item>\
             <item id='conference.localhost'><conference xmlns='urn:xmpp:bookmarks:1'/></item>\
             <item id='junk@conference.localhost'><other xmlns='urn:x'/></item>\
             <retract id='old@conference.localhost'/>";
        assert_eq!(
            pushed(&event("alice@localhost", NODE, changes), &own),
            Some(vec![
                Pushed::Bookmarked {
                    room: jid("team@conference.localhost"),
                    name: Some("Team".into()),
                    autojoin: true,
                },
                Pushed::Bookmarked {
                    room: jid("quiet@conference.localhost"),
                    name: None,
                    autojoin: false,
                },
                Pushed::Removed(jid("old@conference.localhost")),
            ])
        );
        assert_eq!(pushed(&event("eve@localhost", NODE, changes), &own), None);
        assert_eq!(
            pushed(
                &event("alice@localhost", "urn:xmpp:mds:displayed:0", ""),
                &own
            ),
            None
        );
    }
}
