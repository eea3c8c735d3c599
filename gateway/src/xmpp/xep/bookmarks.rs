//! Bookmarks (XEP-0048) in the user's private storage (XEP-0049): the list
//! of the user's rooms that every device of the user joins.

use tokio_xmpp::{
    minidom::Element,
    parsers::{bookmarks::Storage, private},
};

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
