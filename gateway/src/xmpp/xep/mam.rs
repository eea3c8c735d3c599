//! Message archives (XEP-0313): the query for a page, its end, and the
//! archived messages that answer it, for the user's own archive and for a
//! room's alike.

use splitline_protocol::{ArchivedMessage, ChatMessage};
use tokio_xmpp::{
    jid::BareJid,
    minidom::Element,
    parsers::{
        data_forms::{DataForm, DataFormType, Field},
        delay::Delay,
        mam,
        message::Message,
        rsm::SetQuery,
    },
};

/// The payload of an archive query: `max` entries after the archive id
/// `after`; without it, the first `max` entries from the time `start_ms`, or
/// the newest `max` entries.
pub(crate) fn archive_query(
    query_id: &str,
    after: Option<String>,
    start_ms: Option<i64>,
    max: u32,
) -> Element {
    let start = start_ms
        .filter(|_| after.is_none())
        .and_then(chrono::DateTime::from_timestamp_millis);
    let before = (after.is_none() && start.is_none()).then(String::new);
    let form = start.map(|start| {
        let stamp = start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        DataForm::new(
            DataFormType::Submit,
            "urn:xmpp:mam:2",
            vec![Field::text_single("start", &stamp)],
        )
    });
    mam::Query {
        queryid: Some(mam::QueryId(query_id.to_owned())),
        node: None,
        form,
        set: Some(SetQuery {
            max: Some(max as usize),
            after,
            before,
            index: None,
        }),
        flip_page: false,
    }
    .into()
}

/// The end of a page in the answer to [`archive_query`]: the last archive
/// id on it, and whether the archive has nothing more.
pub(crate) fn page_end(payload: Option<Element>) -> Option<(Option<String>, bool)> {
    let fin = mam::Fin::try_from(payload?).ok()?;
    Some((fin.set.last, fin.complete))
}

/// One archived message with the query it answers. `decode` reads the
/// forwarded message with the archive's delay stamp (the time it was sent);
/// a result without a query id, or one `decode` refuses, is `None`. The
/// archive id is the result's, and a message from `own` is outgoing.
pub(crate) fn archived(
    result: mam::Result_,
    own: &BareJid,
    decode: impl FnOnce(Message, Option<&Delay>) -> Option<ChatMessage>,
) -> Option<(String, ArchivedMessage)> {
    let query_id = result.queryid?.0;
    let forwarded = result.forwarded;
    let mut message = decode(forwarded.message, forwarded.delay.as_ref())?;
    message.archive_id = Some(result.id);
    Some((
        query_id,
        ArchivedMessage {
            outgoing: message.from == own.as_str(),
            message,
        },
    ))
}
