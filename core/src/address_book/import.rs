//! The incremental import: the whole native address book comes in, and only
//! what changed since the last one is written.

use std::collections::HashSet;

use splitline_protocol::is_country;

use super::{AddressBookError, NativeContact, normalise};
use crate::store::{NativeRow, NumberRow, Store, UnreadNumber};

/// Most entries one import takes.
pub const MAX_ENTRIES: usize = 50_000;
/// Most numbers one entry may have.
pub const MAX_NUMBERS_PER_ENTRY: usize = 64;
/// Longest id, name, label or number, in characters.
pub const MAX_FIELD_CHARS: usize = 256;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries new since the last import.
    pub added: usize,
    /// Entries whose name or numbers changed.
    pub updated: usize,
    /// Entries gone from the address book.
    pub removed: usize,
    /// Entries as they were.
    pub unchanged: usize,
    /// Every number of the address book that could not be read (kept as written).
    pub unread: Vec<UnreadNumber>,
}

/// Checks `entries`, then writes what differs from the store.
pub(super) fn import(
    store: &Store,
    entries: &[NativeContact],
    home_country: &str,
) -> Result<ImportReport, AddressBookError> {
    let home_country = home_country.trim().to_ascii_uppercase();
    if !is_country(&home_country) {
        return Err(AddressBookError::Invalid(format!(
            "'{home_country}' is not a country code (ISO 3166, like GB or DE)"
        )));
    }
    check(entries)?;
    let mut stored = store.native_hashes()?;
    let mut report = ImportReport::default();
    let mut upserts = Vec::new();
    for entry in entries {
        let hash = normalise::content_hash(entry, &home_country);
        match stored.remove(&entry.native_id) {
            Some(old) if old == hash => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
            None => report.added += 1,
        }
        upserts.push(row(entry, hash, &home_country));
    }
    // Whatever is left in the store was not in this import: gone.
    let removed: Vec<String> = stored.into_keys().collect();
    report.removed = removed.len();
    if !upserts.is_empty()
        || !removed.is_empty()
        || store.home_country()?.as_deref() != Some(&home_country)
    {
        store.apply_native_changes(&home_country, &upserts, &removed)?;
    }
    report.unread = store.unread_numbers()?;
    Ok(report)
}

fn row(entry: &NativeContact, content_hash: i64, home_country: &str) -> NativeRow {
    NativeRow {
        native_id: entry.native_id.clone(),
        name: entry.name.trim().to_owned(),
        content_hash,
        numbers: entry
            .numbers
            .iter()
            .map(|n| NumberRow {
                label: n.label.clone().filter(|l| !l.trim().is_empty()),
                written: n.number.clone(),
                e164: normalise::e164(&n.number, home_country),
            })
            .collect(),
    }
}

/// Refuses an import that is not a valid address book, before anything is written.
fn check(entries: &[NativeContact]) -> Result<(), AddressBookError> {
    let invalid = |message: String| Err(AddressBookError::Invalid(message));
    if entries.len() > MAX_ENTRIES {
        return invalid(format!(
            "{} entries; at most {MAX_ENTRIES} can be imported",
            entries.len()
        ));
    }
    let mut ids = HashSet::with_capacity(entries.len());
    for entry in entries {
        let id = &entry.native_id;
        if id.trim().is_empty() {
            return invalid("an entry has an empty id".into());
        }
        if !ids.insert(id.as_str()) {
            return invalid(format!("the id '{id}' is given to two entries"));
        }
        if entry.numbers.len() > MAX_NUMBERS_PER_ENTRY {
            return invalid(format!(
                "entry '{id}' has {} numbers; at most {MAX_NUMBERS_PER_ENTRY}",
                entry.numbers.len()
            ));
        }
        let fields = [Some(id.as_str()), Some(entry.name.as_str())]
            .into_iter()
            .chain(
                entry
                    .numbers
                    .iter()
                    .flat_map(|n| [n.label.as_deref(), Some(n.number.as_str())]),
            );
        if fields
            .flatten()
            .any(|f| f.chars().count() > MAX_FIELD_CHARS)
        {
            return invalid(format!(
                "entry '{id}' has a field over {MAX_FIELD_CHARS} characters"
            ));
        }
    }
    Ok(())
}
