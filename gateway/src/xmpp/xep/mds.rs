//! Read positions kept on the server for all of the user's devices: Message
//! Displayed Synchronization (XEP-0490). The user's own PEP node holds one
//! item per chat, named by the chat's address, with the archive id of the
//! newest message read in it:
//! `<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' by='…' id='…'/></displayed>`.

use splitline_protocol::Event;
use tokio_xmpp::{
    jid::BareJid,
    minidom::{Element, rxml::xml_ncname},
    parsers::{message::Message, ns},
};

use super::{forms, pep};

/// The PEP node, and the namespace of its items' payload.
pub(crate) const NODE: &str = "urn:xmpp:mds:displayed:0";
/// The feature that asks the server to push the node's changes.
pub(crate) const NOTIFY: &str = "urn:xmpp:mds:displayed:0+notify";
const PUBLISH_OPTIONS: &str = "http://jabber.org/protocol/pubsub#publish-options";
const NODE_CONFIG: &str = "http://jabber.org/protocol/pubsub#node_config";
/// The node's configuration: private, and an item kept for every chat.
const ACCESS: (&str, &str) = ("pubsub#access_model", "whitelist");
const PERSIST: (&str, &str) = ("pubsub#persist_items", "true");
const ALL_ITEMS: (&str, &str) = ("pubsub#max_items", "max");
const NO_LAST_ITEM: (&str, &str) = ("pubsub#send_last_published_item", "never");

/// Which publish options a publish carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Options {
    /// All those XEP-0490 asks for.
    Full,
    /// Only the access model and persistence: some servers (ejabberd 23.01)
    /// refuse other publish options, so the node is then configured apart
    /// ([`configure`]).
    Basic,
}

/// The payload that stores the position in the chat with `chat`: read up to
/// the message `by` (the user's account for a 1:1 chat, the room for a room)
/// knows as `archive_id`. The node is private and keeps an item per chat.
pub(crate) fn publish(chat: &BareJid, by: &BareJid, archive_id: &str, options: Options) -> Element {
    let stanza_id = Element::builder("stanza-id", ns::SID)
        .attr(xml_ncname!("by").to_owned(), by.to_string())
        .attr(xml_ncname!("id").to_owned(), archive_id)
        .build();
    let item = Element::builder("item", ns::PUBSUB)
        .attr(xml_ncname!("id").to_owned(), chat.to_string())
        .append(
            Element::builder("displayed", NODE)
                .append(stanza_id)
                .build(),
        )
        .build();
    let publish = Element::builder("publish", ns::PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .append(item)
        .build();
    let options = Element::builder("publish-options", ns::PUBSUB)
        .append(forms::submit_form(
            PUBLISH_OPTIONS,
            match options {
                Options::Full => &[PERSIST, ALL_ITEMS, NO_LAST_ITEM, ACCESS],
                Options::Basic => &[PERSIST, ACCESS],
            },
        ))
        .build();
    Element::builder("pubsub", ns::PUBSUB)
        .append(publish)
        .append(options)
        .build()
}

/// The owner's configuration of the node, for servers that take only
/// [`Options::Basic`] when publishing.
pub(crate) fn configure() -> Element {
    let configure = Element::builder("configure", ns::PUBSUB_OWNER)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .append(forms::submit_form(
            NODE_CONFIG,
            &[PERSIST, ALL_ITEMS, NO_LAST_ITEM, ACCESS],
        ))
        .build();
    Element::builder("pubsub", ns::PUBSUB_OWNER)
        .append(configure)
        .build()
}

/// The payload that reads every stored position.
pub(crate) fn read_query() -> Element {
    let items = Element::builder("items", ns::PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .build();
    Element::builder("pubsub", ns::PUBSUB).append(items).build()
}

/// The positions in the answer to [`read_query`], as `displayed` events by
/// the user; no node is no positions.
pub(crate) fn read_answer(payload: Option<&Element>, own: &BareJid) -> Vec<Event> {
    payload
        .and_then(|p| p.get_child("items", ns::PUBSUB))
        .map_or_else(Vec::new, |items| positions(items, ns::PUBSUB, own))
}

/// The positions a pushed change of the node carries (a message from the
/// user's own account), or `None` when `message` is not one.
pub(crate) fn pushed(message: &Message, own: &BareJid) -> Option<Vec<Event>> {
    let items = pep::event_items(message, NODE)?;
    Some(positions(items, ns::PUBSUB_EVENT, own))
}

/// Each well-formed item of `items` as a `displayed` event. An id must be
/// the user's (1:1 chat) or the chat's own (room) to count: another
/// archive's ids mean nothing here.
fn positions(items: &Element, item_ns: &str, own: &BareJid) -> Vec<Event> {
    items
        .children()
        .filter(|item| item.is("item", item_ns))
        .filter_map(|item| {
            let chat = BareJid::new(item.attr("id")?).ok()?;
            let stanza_id = item
                .get_child("displayed", NODE)?
                .get_child("stanza-id", ns::SID)?;
            let by = BareJid::new(stanza_id.attr("by")?).ok()?;
            if by != *own && by != chat {
                return None;
            }
            Some(Event::Displayed {
                peer: chat.to_string(),
                network_id: stanza_id.attr("id")?.to_owned(),
                by_user: true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> BareJid {
        BareJid::new(s).unwrap()
    }

    fn read_by_user(peer: &str, id: &str) -> Event {
        Event::Displayed {
            peer: peer.into(),
            network_id: id.into(),
            by_user: true,
        }
    }

    #[test]
    fn a_published_position_reads_back() {
        let own = jid("alice@localhost");
        let payload = publish(&jid("bob@localhost"), &own, "a-7", Options::Full);
        let publish = payload.get_child("publish", ns::PUBSUB).unwrap();
        assert_eq!(publish.attr("node"), Some(NODE));
        let options = payload
            .get_child("publish-options", ns::PUBSUB)
            .unwrap()
            .get_child("x", "jabber:x:data")
            .unwrap();
        let access = options
            .children()
            .find(|f| f.attr("var") == Some("pubsub#access_model"))
            .unwrap();
        assert_eq!(access.children().next().unwrap().text(), "whitelist");
        let basic = super::publish(&jid("bob@localhost"), &own, "a-7", Options::Basic);
        let fields = |payload: &Element| {
            payload
                .get_child("publish-options", ns::PUBSUB)
                .and_then(|o| o.get_child("x", "jabber:x:data"))
                .map_or(0, |x| x.children().count())
        };
        assert_eq!((fields(&payload), fields(&basic)), (5, 3));
        // The server answers a read with the same items.
        let mut answer = Element::builder("pubsub", ns::PUBSUB).build();
        let mut items = Element::builder("items", ns::PUBSUB)
            .attr(xml_ncname!("node").to_owned(), NODE)
            .build();
        items.append_child(publish.get_child("item", ns::PUBSUB).unwrap().clone());
        answer.append_child(items);
        assert_eq!(
            read_answer(Some(&answer), &own),
            vec![read_by_user("bob@localhost", "a-7")]
        );
        assert!(read_answer(None, &own).is_empty());
    }

    #[test]
    fn pushed_positions_count_only_with_the_right_archive() {
        let own = jid("alice@localhost");
        let message: Message = "<message xmlns='jabber:client' from='alice@localhost'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:mds:displayed:0'>\
             <item id='bob@localhost'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
               <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='a-1'/></displayed></item>\
             <item id='room-x@conference.localhost'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
               <stanza-id xmlns='urn:xmpp:sid:0' by='room-x@conference.localhost' id='r-1'/></displayed></item>\
             <item id='carol@localhost'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
               <stanza-id xmlns='urn:xmpp:sid:0' by='evil@localhost' id='e-1'/></displayed></item>\
             <item id='not a jid@@'><displayed xmlns='urn:xmpp:mds:displayed:0'>\
               <stanza-id xmlns='urn:xmpp:sid:0' by='alice@localhost' id='x'/></displayed></item>\
             </items></event></message>"
            .parse::<Element>()
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            pushed(&message, &own),
            Some(vec![
                read_by_user("bob@localhost", "a-1"),
                read_by_user("room-x@conference.localhost", "r-1"),
            ])
        );
        let other_node: Message = "<message xmlns='jabber:client' from='alice@localhost'>\
             <event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:avatar:metadata'/></event></message>"
            .parse::<Element>()
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(pushed(&other_node, &own), None);
    }
}
