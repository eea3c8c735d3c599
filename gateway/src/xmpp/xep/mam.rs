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

/// Which entries of an archive a page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageAt {
    /// The newest entries.
    Newest,
    /// The entries just after this archive id, reading forward.
    After(String),
    /// The entries just before this archive id, reading back.
    Before(String),
    /// The first entries at or after this time (ms since the Unix epoch).
    Start(i64),
}

/// The payload of an archive query: `max` entries at `at`, of the 1:1 chat
/// with `with` only when it is given (the form's `with` field).
pub(crate) fn archive_query(
    query_id: &str,
    at: PageAt,
    with: Option<&BareJid>,
    max: u32,
) -> Element {
    let (after, before, start) = match at {
        PageAt::Newest => (None, None, None),
        PageAt::After(id) => (Some(id), None, None),
        PageAt::Before(id) => (None, Some(id), None),
        PageAt::Start(ms) => (None, None, chrono::DateTime::from_timestamp_millis(ms)),
    };
    // An empty `before` asks for the last page (RSM, XEP-0059).
    let before = before.or((after.is_none() && start.is_none()).then(String::new));
    let mut fields = Vec::new();
    if let Some(with) = with {
        fields.push(Field::text_single("with", with.as_str()));
    }
    if let Some(start) = start {
        let stamp = start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        fields.push(Field::text_single("start", &stamp));
    }
    let form =
        (!fields.is_empty()).then(|| DataForm::new(DataFormType::Submit, "urn:xmpp:mam:2", fields));
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

/// The end of a page in the answer to [`archive_query`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PageEnd {
    /// The page's first archive id.
    pub(crate) first: Option<String>,
    /// The page's last archive id.
    pub(crate) last: Option<String>,
    /// Whether the archive has nothing more in the page's direction: nothing
    /// newer when reading forward, nothing older when reading back.
    pub(crate) complete: bool,
}

/// Reads the end of a page from the archive's answer.
pub(crate) fn page_end(payload: Option<Element>) -> Option<PageEnd> {
    let fin = mam::Fin::try_from(payload?).ok()?;
    Some(PageEnd {
        first: fin.set.first.map(|f| f.item),
        last: fin.set.last,
        complete: fin.complete,
    })
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

#[cfg(test)]
mod tests;
