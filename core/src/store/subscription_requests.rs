//! Subscription requests awaiting the user's answer: people asking to see
//! the user's presence. Kept, so a contact list shows them after a restart;
//! a request the network delivers again (at each new session) is stored once.

use rusqlite::{OptionalExtension, Transaction, params};
use splitline_protocol::{Contact, Subscription};

use super::{Store, StoreError, changes::Changes};

/// True while an answer to `jid`'s request waits to be sent.
pub(super) fn answer_pending(tx: &Transaction<'_>, jid: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM contact_ops WHERE jid = ?1 AND kind IN ('accept', 'refuse') LIMIT 1",
            [jid],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Stores a request from `jid` (once).
pub(super) fn put(tx: &Transaction<'_>, jid: &str, at_ms: i64) -> Result<bool, StoreError> {
    let inserted = tx.execute(
        "INSERT INTO subscription_requests (jid, received_ms) VALUES (?1, ?2)
         ON CONFLICT (jid) DO NOTHING",
        params![jid, at_ms],
    )?;
    Ok(inserted > 0)
}

/// Forgets the request from `jid`.
pub(super) fn remove(tx: &Transaction<'_>, jid: &str) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM subscription_requests WHERE jid = ?1", [jid])? > 0)
}

/// A request arrived: stored and reported unless it is known already or
/// its answer is on its way.
pub(super) fn received(
    tx: &Transaction<'_>,
    from: &str,
    at_ms: i64,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    if !answer_pending(tx, from)? && put(tx, from, at_ms)? {
        changes.subscription_requests.push(from.to_owned());
        changes.contact_changed(from);
    }
    Ok(())
}

/// A contact the network now shows as seeing the user's presence was
/// answered (on another device): its request is settled.
pub(super) fn settled_by(
    tx: &Transaction<'_>,
    contact: &Contact,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    if matches!(
        contact.subscription,
        Subscription::From | Subscription::Both
    ) && remove(tx, &contact.jid)?
    {
        changes.contact_changed(&contact.jid);
    }
    Ok(())
}

impl Store {
    /// The addresses asking to see the user's presence, oldest first.
    pub fn subscription_requests(&self) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT jid FROM subscription_requests ORDER BY received_ms, jid",
            )?;
            let rows = statement.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
