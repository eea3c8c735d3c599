//! The phone's address book as imported (entries and their numbers, with a
//! content hash each), the numbers in the network contacts' vCards, and the
//! queries that match the two. Nothing of it leaves the phone.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError};

/// One native entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NativeRow {
    pub native_id: String,
    pub name: String,
    pub content_hash: i64,
    pub numbers: Vec<NumberRow>,
}

/// One number of a native entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberRow {
    pub label: Option<String>,
    pub written: String,
    /// `None` when it could not be read.
    pub e164: Option<String>,
}

/// A native entry with a number, as a lookup finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeMatch {
    /// The shell's stable id of the entry.
    pub native_id: String,
    /// Its display name.
    pub name: String,
    /// The number's label ("mobile", "work"), if any.
    pub label: Option<String>,
}

/// A network contact with a number in its vCard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkMatch {
    /// The contact's bare address.
    pub jid: String,
    /// The name the user gave the contact in the contact list, if any.
    pub name: Option<String>,
}

/// A number of the address book that could not be read, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadNumber {
    /// The entry's id.
    pub native_id: String,
    /// The entry's name.
    pub name: String,
    /// The number as written.
    pub written: String,
}

/// A native entry matched to a network contact by a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMatch {
    /// The entry's id.
    pub native_id: String,
    /// The entry's name.
    pub name: String,
    /// The contact's bare address.
    pub jid: String,
    /// The number they share (E.164).
    pub e164: String,
}

impl Store {
    /// Every imported entry's content hash, by native id.
    pub(crate) fn native_hashes(&self) -> Result<HashMap<String, i64>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare("SELECT native_id, content_hash FROM native_contacts")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Removes the entries `removed` and writes `upserts` (replacing their
    /// numbers), with `home_country` as the one numbers are read in, in one
    /// transaction.
    pub(crate) fn apply_native_changes(
        &self,
        home_country: &str,
        upserts: &[NativeRow],
        removed: &[String],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            set_home_country(tx, home_country)?;
            let mut delete = tx.prepare("DELETE FROM native_contacts WHERE native_id = ?1")?;
            for id in removed.iter().chain(upserts.iter().map(|r| &r.native_id)) {
                delete.execute([id])?;
            }
            let mut entry = tx.prepare(
                "INSERT INTO native_contacts (native_id, name, content_hash) VALUES (?1, ?2, ?3)",
            )?;
            let mut number = tx.prepare(
                "INSERT INTO native_numbers (native_id, position, label, written, e164)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for row in upserts {
                entry.execute(params![row.native_id, row.name, row.content_hash])?;
                for (position, n) in row.numbers.iter().enumerate() {
                    number.execute(params![row.native_id, position, n.label, n.written, n.e164])?;
                }
            }
            Ok(())
        })
    }

    /// The home country of the last import, if any.
    pub(crate) fn home_country(&self) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT home_country FROM address_book_settings WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// Replaces every network contact's numbers with `numbers` (jid, E.164).
    /// [`crate::address_book::AddressBook::refresh_contact_phones`] writes
    /// what the gateway read; benchmarks and tests write their own.
    pub fn replace_contact_phones(&self, numbers: &[(String, String)]) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contact_phones", [])?;
            let mut insert =
                tx.prepare("INSERT OR IGNORE INTO contact_phones (jid, e164) VALUES (?1, ?2)")?;
            for (jid, e164) in numbers {
                insert.execute([jid, e164])?;
            }
            Ok(())
        })
    }

    /// The native entries with the number `e164`, by name.
    pub(crate) fn native_with_number(&self, e164: &str) -> Result<Vec<NativeMatch>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT c.native_id, c.name, n.label FROM native_numbers n
                 JOIN native_contacts c ON c.native_id = n.native_id
                 WHERE n.e164 = ?1 ORDER BY c.name, c.native_id, n.position",
            )?;
            let rows = statement.query_map([e164], |r| {
                Ok(NativeMatch {
                    native_id: r.get(0)?,
                    name: r.get(1)?,
                    label: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The network contacts whose vCard has the number `e164`, by address,
    /// with the name from the contact list.
    pub(crate) fn contacts_with_number(&self, e164: &str) -> Result<Vec<NetworkMatch>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT p.jid, c.name FROM contact_phones p
                 LEFT JOIN contacts c ON c.jid = p.jid
                 WHERE p.e164 = ?1 ORDER BY p.jid",
            )?;
            let rows = statement.query_map([e164], |r| {
                Ok(NetworkMatch {
                    jid: r.get(0)?,
                    name: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Every native entry matched to a network contact, by name.
    pub(crate) fn contact_matches(&self) -> Result<Vec<ContactMatch>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT DISTINCT c.native_id, c.name, p.jid, p.e164 FROM native_numbers n
                 JOIN native_contacts c ON c.native_id = n.native_id
                 JOIN contact_phones p ON p.e164 = n.e164
                 ORDER BY c.name, c.native_id, p.jid, p.e164",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(ContactMatch {
                    native_id: r.get(0)?,
                    name: r.get(1)?,
                    jid: r.get(2)?,
                    e164: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The numbers that could not be read, by entry.
    pub(crate) fn unread_numbers(&self) -> Result<Vec<UnreadNumber>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT c.native_id, c.name, n.written FROM native_numbers n
                 JOIN native_contacts c ON c.native_id = n.native_id
                 WHERE n.e164 IS NULL ORDER BY c.name, c.native_id, n.position",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(UnreadNumber {
                    native_id: r.get(0)?,
                    name: r.get(1)?,
                    written: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn set_home_country(tx: &Transaction<'_>, home_country: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO address_book_settings (id, home_country) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET home_country = excluded.home_country",
        [home_country],
    )?;
    Ok(())
}
