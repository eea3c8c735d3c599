//! Contacts with their presence: the roster as the network keeps it.

use rusqlite::{OptionalExtension, Row, Transaction, params};
use splitline_protocol::{Availability, Contact, ContactPresence, Subscription};

use super::{
    Store, StoreError, changes::Changes, corrupt, keys, parsed, put_sync_value,
    subscription_requests,
};

fn subscription_str(s: Subscription) -> &'static str {
    match s {
        Subscription::None => "none",
        Subscription::From => "from",
        Subscription::To => "to",
        Subscription::Both => "both",
    }
}

fn parse_subscription(value: &str) -> Result<Subscription, StoreError> {
    Ok(match value {
        "none" => Subscription::None,
        "from" => Subscription::From,
        "to" => Subscription::To,
        "both" => Subscription::Both,
        other => return Err(corrupt("subscription", other)),
    })
}

pub(super) fn availability_str(a: Availability) -> &'static str {
    match a {
        Availability::Available => "available",
        Availability::Chat => "chat",
        Availability::Away => "away",
        Availability::ExtendedAway => "extended_away",
        Availability::DoNotDisturb => "do_not_disturb",
        Availability::Offline => "offline",
    }
}

pub(super) fn parse_availability(value: &str) -> Result<Availability, StoreError> {
    Ok(match value {
        "available" => Availability::Available,
        "chat" => Availability::Chat,
        "away" => Availability::Away,
        "extended_away" => Availability::ExtendedAway,
        "do_not_disturb" => Availability::DoNotDisturb,
        "offline" => Availability::Offline,
        other => return Err(corrupt("availability", other)),
    })
}

/// The contact list as shown: the network's view (`contacts`) with the
/// changes made here folded over it (`contact_overlay`, see `roster_ops`).
const LISTED: &str = "
    SELECT c.jid, CASE WHEN o.name_set THEN o.name ELSE c.name END AS name, c.subscription,
        CASE WHEN o.added AND c.subscription IN ('none', 'from') THEN 1 ELSE c.pending_out END
            AS pending_out,
        c.availability, c.status
    FROM contacts c LEFT JOIN contact_overlay o ON o.jid = c.jid
    WHERE NOT coalesce(o.hidden, 0)
    UNION ALL
    SELECT o.jid, o.name, 'none', 1, 'offline', NULL FROM contact_overlay o
    WHERE o.added AND o.jid NOT IN (SELECT jid FROM contacts)";

fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        jid: row.get(0)?,
        name: row.get(1)?,
        subscription: parsed(row, 2, parse_subscription)?,
        pending_out: row.get(3)?,
        presence: ContactPresence {
            availability: parsed(row, 4, parse_availability)?,
            status: row.get(5)?,
        },
    })
}

/// Inserts or updates a contact with its presence.
pub(super) fn upsert_contact(tx: &Transaction<'_>, contact: &Contact) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO contacts (jid, name, subscription, pending_out, availability, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
             pending_out = excluded.pending_out, availability = excluded.availability, status = excluded.status",
        params![
            contact.jid,
            contact.name,
            subscription_str(contact.subscription),
            contact.pending_out,
            availability_str(contact.presence.availability),
            contact.presence.status
        ],
    )?;
    Ok(())
}

impl Store {
    /// Contacts by display name, `limit` from `offset`, with the changes
    /// made here and not yet taken by the network shown (an added contact
    /// pending, a removed one gone, a renamed one with its new name).
    pub fn contacts_page(&self, offset: u32, limit: u32) -> Result<Vec<Contact>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT * FROM ({LISTED}) ORDER BY coalesce(name, jid) COLLATE NOCASE, jid
                 LIMIT ?1 OFFSET ?2"
            ))?;
            let rows = statement.query_map(params![limit, offset], contact_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One contact as [`Store::contacts_page`] shows it, if it is listed.
    pub fn contact(&self, jid: &str) -> Result<Option<Contact>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare_cached(&format!("SELECT * FROM ({LISTED}) WHERE jid = ?1"))?;
            Ok(statement.query_row([jid], contact_from_row).optional()?)
        })
    }

    /// Replaces the contact list with a snapshot and stores its cursor
    /// (resync); messages missed meanwhile come from the archive, so a
    /// catch-up becomes due. The snapshot carries no subscription requests:
    /// the stored ones stay, but those the snapshot shows answered go.
    pub(crate) fn replace_contacts(
        &self,
        contacts: &[Contact],
        cursor: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contacts", [])?;
            for contact in contacts {
                upsert_contact(tx, contact)?;
                subscription_requests::settled_by(tx, contact, &mut Changes::default())?;
            }
            put_sync_value(tx, keys::CURSOR, Some(cursor))?;
            put_sync_value(tx, keys::CATCH_UP, Some("due"))
        })
    }
}
