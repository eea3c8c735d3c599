//! The roster (RFC 6121 §2): fetching it, changing it, and reading it
//! (from a fetch or from a push the server sends when it changed).

use tokio_xmpp::{
    jid::BareJid,
    minidom::Element,
    parsers::roster::{self, Roster},
};

/// The payload of a roster fetch.
pub(crate) fn roster_query() -> Element {
    Roster {
        ver: None,
        items: vec![],
    }
    .into()
}

/// The payload of a roster change: add or rename `jid`, or remove it.
pub(crate) fn roster_set(jid: &BareJid, name: Option<&str>, remove: bool) -> Element {
    Roster {
        ver: None,
        items: vec![roster::Item {
            jid: jid.clone(),
            name: name.map(str::to_owned),
            subscription: if remove {
                roster::Subscription::Remove
            } else {
                roster::Subscription::None
            },
            ask: roster::Ask::None,
            groups: vec![],
            approved: None,
        }],
    }
    .into()
}

/// The items of a roster (a fetch's answer or a push), or `None` when
/// `payload` is no roster.
pub(crate) fn parse(payload: Option<Element>) -> Option<Vec<roster::Item>> {
    Roster::try_from(payload?).ok().map(|r| r.items)
}
