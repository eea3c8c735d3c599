//! Private XML storage (XEP-0049) of the user's closed chats, so that every
//! Splitline device of the user hides them:
//! `<closed-chats xmlns='urn:splitline:closed-chats:0'><chat jid='…' up-to='…'/></closed-chats>`.
//! (The rooms' bookmarks live in the same storage: see [`super::bookmarks`].)

use splitline_protocol::ClosedChat;
use tokio_xmpp::minidom::{Element, rxml::xml_ncname};

/// The namespace of the stored list.
const NS: &str = "urn:splitline:closed-chats:0";
const PRIVATE: &str = "jabber:iq:private";

fn query(list: Element) -> Element {
    Element::builder("query", PRIVATE).append(list).build()
}

/// The payload that reads the list.
pub(crate) fn read_query() -> Element {
    query(Element::builder("closed-chats", NS).build())
}

/// The payload that replaces the stored list with `chats`.
pub(crate) fn write_query(chats: &[ClosedChat]) -> Element {
    let list = Element::builder("closed-chats", NS)
        .append_all(chats.iter().map(|c| {
            Element::builder("chat", NS)
                .attr(xml_ncname!("jid").to_owned(), c.peer.as_str())
                .attr(xml_ncname!("up-to").to_owned(), c.up_to_ms.to_string())
                .build()
        }))
        .build();
    query(list)
}

/// The list in a read's answer; anything malformed is skipped, and no
/// stored list is an empty one.
pub(crate) fn parse(payload: Option<&Element>) -> Vec<ClosedChat> {
    let Some(list) = payload.and_then(|q| q.get_child("closed-chats", NS)) else {
        return Vec::new();
    };
    list.children()
        .filter(|c| c.is("chat", NS))
        .filter_map(|c| {
            Some(ClosedChat {
                peer: c.attr("jid")?.to_owned(),
                up_to_ms: c.attr("up-to")?.parse().ok()?,
            })
        })
        .collect()
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
    fn the_list_survives_a_write_and_a_read() {
        let chats = vec![closed("bob@localhost", 5), closed("carol@localhost", 7)];
        let written = write_query(&chats);
        assert_eq!(parse(Some(&written)), chats);
        assert!(parse(None).is_empty());
        let junk: Element = "<query xmlns='jabber:iq:private'><closed-chats xmlns='urn:splitline:closed-chats:0'>\
             <chat jid='x@y' up-to='soon'/><chat up-to='1'/><chat jid='ok@y' up-to='3'/></closed-chats></query>"
            .parse()
            .unwrap();
        assert_eq!(parse(Some(&junk)), vec![closed("ok@y", 3)]);
    }
}
