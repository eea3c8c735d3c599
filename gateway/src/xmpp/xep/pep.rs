//! Personal eventing (XEP-0163): what a notification of one of the user's
//! own nodes carries.

use tokio_xmpp::{
    minidom::Element,
    parsers::{message::Message, ns},
};

/// The `<items/>` of a pubsub event in `message` for `node`, or `None` when
/// `message` is no notification of that node.
pub(crate) fn event_items<'a>(message: &'a Message, node: &str) -> Option<&'a Element> {
    message
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?
        .get_child("items", ns::PUBSUB_EVENT)
        .filter(|items| items.attr("node") == Some(node))
}
