//! A keyed list diff: the row operations that turn the rows last reported
//! into the rows now, so a screen updates only the rows that changed.

use std::{collections::HashSet, hash::Hash};

/// A row with a stable identity in its list.
pub trait Keyed {
    /// The identity: a contact's or chat's address, a message's id.
    type Key: Clone + Eq + Hash + std::fmt::Debug;
    /// This row's key.
    fn key(&self) -> Self::Key;
}

/// One step of a diff; applied in order, each at an index of the list as the
/// steps before it left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOp<R> {
    /// Insert `row` at `index` (the rows from there move down one).
    Insert {
        /// Where, after the steps before.
        index: usize,
        /// The new row.
        row: R,
    },
    /// The row at `index` changed; here it is now.
    Update {
        /// Where, after the steps before.
        index: usize,
        /// The row as it is now.
        row: R,
    },
    /// Remove the row at `index` (the rows after it move up one).
    Remove {
        /// Where, after the steps before.
        index: usize,
    },
}

/// What changed in a list: the steps, in order, and the keys of the rows
/// inserted, updated, moved or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDiff<R: Keyed> {
    /// Apply in order to the old list to get the new one.
    pub ops: Vec<RowOp<R>>,
    /// Each key that changed, once.
    pub changed: Vec<R::Key>,
}

impl<R: Keyed> RowDiff<R> {
    /// True when the lists were equal.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The steps from `old` to `new`. Keys are unique within each list. Rows
/// gone are removed first (from the end); then each position of `new` is
/// kept, updated, or filled by an insert (a row that moved is removed where
/// it was and inserted where it is).
pub fn diff<R: Keyed + Clone + PartialEq>(old: &[R], new: &[R]) -> RowDiff<R> {
    let new_keys: HashSet<R::Key> = new.iter().map(Keyed::key).collect();
    let mut current: Vec<R> = old.to_vec();
    let mut ops = Vec::new();
    let mut changed = Vec::new();
    for index in (0..current.len()).rev() {
        if !new_keys.contains(&current[index].key()) {
            changed.push(current.remove(index).key());
            ops.push(RowOp::Remove { index });
        }
    }
    for (index, row) in new.iter().enumerate() {
        let key = row.key();
        if current.get(index).is_some_and(|r| r.key() == key) {
            if current[index] != *row {
                current[index] = row.clone();
                ops.push(RowOp::Update {
                    index,
                    row: row.clone(),
                });
                changed.push(key);
            }
            continue;
        }
        if let Some(at) = current[index..].iter().position(|r| r.key() == key) {
            current.remove(index + at);
            ops.push(RowOp::Remove { index: index + at });
        }
        current.insert(index, row.clone());
        ops.push(RowOp::Insert {
            index,
            row: row.clone(),
        });
        changed.push(key);
    }
    RowDiff { ops, changed }
}

#[cfg(test)]
mod tests;
