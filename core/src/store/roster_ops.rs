//! Contact changes made on this device (add, rename, remove; accept or
//! refuse a subscription request), kept in order until the gateway took
//! them. The contact list shows them at once: each contact's pending changes
//! are folded into `contact_overlay`, which [`Store::contacts_page`] reads
//! over the network's view in `contacts`. A change the gateway took moves
//! into that view; one it refused for good is dropped and recorded, and the
//! list shows the network's view again.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, corrupt, parsed, subscription_requests};

/// What a contact change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOpKind {
    /// Put the contact in the list (with a name) and ask to see its presence.
    Add,
    /// Give a contact in the list a new name.
    Rename,
    /// Take the contact off the list, with both subscriptions.
    Remove,
    /// Let the asker see the user's presence (and ask back).
    Accept,
    /// Refuse the asker.
    Refuse,
}

impl ContactOpKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Rename => "rename",
            Self::Remove => "remove",
            Self::Accept => "accept",
            Self::Refuse => "refuse",
        }
    }

    fn parse(value: &str) -> Result<Self, StoreError> {
        Ok(match value {
            "add" => Self::Add,
            "rename" => Self::Rename,
            "remove" => Self::Remove,
            "accept" => Self::Accept,
            "refuse" => Self::Refuse,
            other => return Err(corrupt("contact change", other)),
        })
    }

    /// True for the changes of the list itself (not answers to requests).
    fn of_the_list(self) -> bool {
        matches!(self, Self::Add | Self::Rename | Self::Remove)
    }
}

/// A contact change waiting for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactOp {
    /// Its place in the queue.
    pub seq: i64,
    /// The contact's bare address.
    pub jid: String,
    /// What it does.
    pub kind: ContactOpKind,
    /// The name, for an add or a rename.
    pub name: Option<String>,
}

/// A contact change the gateway refused for good; it was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactOpFailure {
    /// The contact's bare address.
    pub jid: String,
    /// What the change was.
    pub kind: ContactOpKind,
    /// The gateway's reason.
    pub reason: String,
    /// When it was refused (ms since the epoch).
    pub at_ms: i64,
}

/// The newest change of the list itself for `jid`: its seq, kind, and
/// whether a send was tried.
fn last_list_op(
    tx: &Transaction<'_>,
    jid: &str,
) -> Result<Option<(i64, ContactOpKind, bool)>, StoreError> {
    let row = tx
        .query_row(
            "SELECT seq, kind, started FROM contact_ops
             WHERE jid = ?1 AND kind IN ('add', 'rename', 'remove') ORDER BY seq DESC LIMIT 1",
            [jid],
            |r| Ok((r.get(0)?, parsed(r, 1, ContactOpKind::parse)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row)
}

fn insert_op(
    tx: &Transaction<'_>,
    jid: &str,
    kind: ContactOpKind,
    name: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO contact_ops (jid, kind, name) VALUES (?1, ?2, ?3)",
        params![jid, kind.as_str(), name],
    )?;
    Ok(())
}

fn in_network_list(tx: &Transaction<'_>, jid: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_row("SELECT 1 FROM contacts WHERE jid = ?1", [jid], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Queues a change, coalescing it with the changes of `jid` not yet tried.
fn queue(
    tx: &Transaction<'_>,
    jid: &str,
    kind: ContactOpKind,
    name: Option<&str>,
) -> Result<(), StoreError> {
    let last = last_list_op(tx, jid)?;
    match kind {
        // A second add or a rename before the first add went out only
        // changes the name that add carries.
        ContactOpKind::Add | ContactOpKind::Rename => {
            let into = match last {
                Some((seq, ContactOpKind::Add, false)) => Some(seq),
                Some((seq, ContactOpKind::Rename, false)) if kind == ContactOpKind::Rename => {
                    Some(seq)
                }
                _ => None,
            };
            match into {
                Some(seq) => {
                    tx.execute(
                        "UPDATE contact_ops SET name = ?2 WHERE seq = ?1",
                        params![seq, name],
                    )?;
                }
                None => insert_op(tx, jid, kind, name)?,
            }
        }
        // A removal makes the adds and renames not yet tried moot; it is
        // sent only if the network may list the contact.
        ContactOpKind::Remove => {
            tx.execute(
                "DELETE FROM contact_ops
                 WHERE jid = ?1 AND kind IN ('add', 'rename') AND started = 0",
                [jid],
            )?;
            match last_list_op(tx, jid)? {
                Some((_, ContactOpKind::Remove, _)) => {}
                Some(_) => insert_op(tx, jid, kind, None)?,
                None if in_network_list(tx, jid)? => insert_op(tx, jid, kind, None)?,
                None => {}
            }
        }
        // The newest answer to a request is the one that counts.
        ContactOpKind::Accept | ContactOpKind::Refuse => {
            tx.execute(
                "DELETE FROM contact_ops
                 WHERE jid = ?1 AND kind IN ('accept', 'refuse') AND started = 0",
                [jid],
            )?;
            insert_op(tx, jid, kind, None)?;
            subscription_requests::remove(tx, jid)?;
        }
    }
    refold(tx, jid)
}

/// Folds the pending changes of the list for `jid` into its overlay row.
fn refold(tx: &Transaction<'_>, jid: &str) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "SELECT kind, name FROM contact_ops
         WHERE jid = ?1 AND kind IN ('add', 'rename', 'remove') ORDER BY seq",
    )?;
    let ops = statement
        .query_map([jid], |r| {
            Ok((
                parsed(r, 0, ContactOpKind::parse)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if ops.is_empty() {
        tx.execute("DELETE FROM contact_overlay WHERE jid = ?1", [jid])?;
        return Ok(());
    }
    let (mut hidden, mut added, mut name_set, mut shown_name) = (false, false, false, None);
    for (kind, name) in ops {
        match kind {
            ContactOpKind::Add => (hidden, added, name_set, shown_name) = (false, true, true, name),
            ContactOpKind::Rename => (name_set, shown_name) = (true, name),
            ContactOpKind::Remove => (hidden, added, name_set) = (true, false, false),
            ContactOpKind::Accept | ContactOpKind::Refuse => {}
        }
    }
    tx.execute(
        "INSERT INTO contact_overlay (jid, hidden, added, name_set, name) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (jid) DO UPDATE SET hidden = excluded.hidden, added = excluded.added,
             name_set = excluded.name_set, name = excluded.name",
        params![jid, hidden, added, name_set, shown_name],
    )?;
    Ok(())
}

/// The network took `op`: its effect moves into the network's view (the
/// gateway's events confirm it soon after).
fn take_into_network_view(tx: &Transaction<'_>, op: &ContactOp) -> Result<(), StoreError> {
    match op.kind {
        ContactOpKind::Add => {
            tx.execute(
                "INSERT INTO contacts (jid, name, subscription, pending_out, availability, status)
                 VALUES (?1, ?2, 'none', 1, 'offline', NULL)
                 ON CONFLICT (jid) DO UPDATE SET name = excluded.name,
                     pending_out = CASE WHEN subscription IN ('none', 'from') THEN 1 ELSE pending_out END",
                params![op.jid, op.name],
            )?;
        }
        ContactOpKind::Rename => {
            tx.execute(
                "UPDATE contacts SET name = ?2 WHERE jid = ?1",
                params![op.jid, op.name],
            )?;
        }
        ContactOpKind::Remove => {
            tx.execute("DELETE FROM contacts WHERE jid = ?1", [&op.jid])?;
        }
        ContactOpKind::Accept | ContactOpKind::Refuse => {}
    }
    Ok(())
}

impl Store {
    /// Queues a contact change and shows it in the contact list at once;
    /// changes of `jid` not yet tried are coalesced with it (an add and a
    /// removal before either went out cancel out).
    pub(crate) fn queue_contact_op(
        &self,
        jid: &str,
        kind: ContactOpKind,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|tx| queue(tx, jid, kind, name))
    }

    /// The contact changes waiting for the gateway, oldest first.
    pub(crate) fn contact_ops(&self) -> Result<Vec<ContactOp>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare_cached("SELECT seq, jid, kind, name FROM contact_ops ORDER BY seq")?;
            let rows = statement.query_map([], |r| {
                Ok(ContactOp {
                    seq: r.get(0)?,
                    jid: r.get(1)?,
                    kind: parsed(r, 2, ContactOpKind::parse)?,
                    name: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Notes that a send of the change `seq` is tried: from now on it is
    /// never coalesced away, as the gateway may have it.
    pub(crate) fn contact_op_started(&self, seq: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("UPDATE contact_ops SET started = 1 WHERE seq = ?1", [seq])?;
            Ok(())
        })
    }

    /// The gateway took `op`: it leaves the queue, into the network's view.
    pub(crate) fn contact_op_done(&self, op: &ContactOp) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contact_ops WHERE seq = ?1", [op.seq])?;
            take_into_network_view(tx, op)?;
            refold(tx, &op.jid)
        })
    }

    /// The gateway refused `op` for good: it leaves the queue and is
    /// recorded for the user; the list shows the network's view again, and
    /// a request whose answer was refused is back among the requests.
    pub(crate) fn contact_op_failed(
        &self,
        op: &ContactOp,
        reason: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contact_ops WHERE seq = ?1", [op.seq])?;
            tx.execute(
                "INSERT INTO contact_failures (jid, kind, reason, at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![op.jid, op.kind.as_str(), reason, at_ms],
            )?;
            if !op.kind.of_the_list() && !subscription_requests::answer_pending(tx, &op.jid)? {
                subscription_requests::put(tx, &op.jid, at_ms)?;
            }
            refold(tx, &op.jid)
        })
    }

    /// Contact changes the gateway refused for good, oldest first.
    pub fn contact_failures(&self) -> Result<Vec<ContactOpFailure>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT jid, kind, reason, at_ms FROM contact_failures ORDER BY id",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(ContactOpFailure {
                    jid: r.get(0)?,
                    kind: parsed(r, 1, ContactOpKind::parse)?,
                    reason: r.get(2)?,
                    at_ms: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Forgets the recorded failures (the user has seen them).
    pub fn clear_contact_failures(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contact_failures", [])?;
            Ok(())
        })
    }
}
