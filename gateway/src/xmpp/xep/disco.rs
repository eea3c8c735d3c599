//! What a gateway session tells the network it can do: its service discovery
//! answer (XEP-0030) and the entity capabilities hash (XEP-0115) its presence
//! carries. The `+notify` features make the server push the user's own read
//! positions (XEP-0490) and bookmarks (XEP-0402), and the contacts' vCard4
//! changes (XEP-0292), to the session.

use std::collections::BTreeSet;

use tokio_xmpp::{
    jid::Jid,
    parsers::{
        caps::{self, Caps},
        disco::{DiscoInfoResult, Identity},
        hashes::Algo,
        iq::Iq,
        ns,
    },
};

use super::{bookmarks, chat, mds, vcard};

/// The URI naming this software in the capabilities.
pub(crate) const NODE: &str = "urn:splitline:gateway";

/// This session's service discovery answer, for the query's `node` (echoed).
pub(crate) fn disco_info(node: Option<String>) -> DiscoInfoResult {
    let features: BTreeSet<String> = [
        ns::DISCO_INFO,
        ns::CAPS,
        chat::CHAT_MARKERS,
        ns::CARBONS,
        mds::NOTIFY,
        bookmarks::NOTIFY,
        vcard::NOTIFY,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    DiscoInfoResult {
        node,
        identities: vec![Identity::new("client", "phone", "en", "Splitline")],
        features,
        extensions: Vec::new(),
    }
}

/// The capabilities element for this session's presence.
pub(crate) fn caps() -> Caps {
    let data = caps::compute_disco(&disco_info(None));
    let hash = caps::hash_caps(&data, Algo::Sha_1)
        .unwrap_or_else(|_| unreachable!("SHA-1 is a supported algorithm"));
    Caps::new(NODE, hash)
}

/// The answer to a service discovery request `id` about `node`.
pub(crate) fn disco_answer(id: String, to: Option<Jid>, node: Option<String>) -> Iq {
    let info: DiscoInfoResult = disco_info(node);
    Iq::Result {
        from: None,
        to,
        id,
        payload: Some(info.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_one_a_server_computes_from_the_disco_answer() {
        let caps = caps();
        assert_eq!(caps.node, NODE);
        let again = caps::hash_caps(&caps::compute_disco(&disco_info(None)), Algo::Sha_1).unwrap();
        assert_eq!(caps.ver, again.hash);
        let query = caps::query_caps(caps);
        let answer = disco_info(query.node.clone());
        assert_eq!(answer.node, query.node);
        assert!(answer.features.contains("urn:xmpp:mds:displayed:0+notify"));
        assert!(answer.features.contains("urn:xmpp:bookmarks:1+notify"));
        assert!(answer.features.contains("urn:xmpp:vcard4+notify"));
    }
}
