//! The user's closed chats in private XML storage on the server (XEP-0049),
//! so that every Splitline device of the user hides them:
//! `<closed-chats xmlns='urn:splitline:closed-chats:0'><chat jid='…' up-to='…'/></closed-chats>`.

use splitline_protocol::ClosedChat;
use tokio_xmpp::minidom::{Element, rxml::xml_ncname};

/// The namespace of the stored list.
pub const NS: &str = "urn:splitline:closed-chats:0";
const PRIVATE: &str = "jabber:iq:private";
/// Most chats the list keeps; the longest closed drop out first.
pub const MAX_CLOSED: usize = 1_000;

fn query(list: Element) -> Element {
    Element::builder("query", PRIVATE).append(list).build()
}

/// The payload that reads the list.
pub fn read_query() -> Element {
    query(Element::builder("closed-chats", NS).build())
}

/// The payload that replaces the stored list with `chats`.
pub fn write_query(chats: &[ClosedChat]) -> Element {
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
pub fn parse(payload: Option<&Element>) -> Vec<ClosedChat> {
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

/// Adds or updates `closed` (keeping the later time), most recent last, and
/// keeps at most [`MAX_CLOSED`] entries.
pub fn merge(chats: &mut Vec<ClosedChat>, closed: ClosedChat) {
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
