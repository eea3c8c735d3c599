//! An append-only JSON-lines file: the gateway's durable store for small
//! records (verified numbers, push registrations). Every record is one line,
//! synced to disk before [`JsonLines::append`] returns, in a file only the
//! gateway may read (0600, made so); reading it back
//! skips a line torn by a crash, with a warning.

use std::{
    fs::{File, OpenOptions},
    io::{BufRead, BufReader, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    sync::Mutex,
};

use serde::{Serialize, de::DeserializeOwned};

use crate::util::lock;

/// The file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{what} file {path}: {source}")]
pub struct JsonLinesError {
    what: &'static str,
    path: PathBuf,
    source: std::io::Error,
}

/// An open JSON-lines file.
#[derive(Debug)]
pub(crate) struct JsonLines {
    what: &'static str,
    path: PathBuf,
    file: Mutex<File>,
}

impl JsonLines {
    /// Opens (or creates) the file at `path` (`what` names it in errors and
    /// logs) and reads every record in it, oldest first.
    pub(crate) fn open<T: DeserializeOwned>(
        what: &'static str,
        path: &Path,
    ) -> Result<(Self, Vec<T>), JsonLinesError> {
        let error = |source| JsonLinesError {
            what,
            path: path.to_owned(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .mode(0o600)
            .open(path)
            .map_err(error)?;
        let mut records = Vec::new();
        for line in BufReader::new(File::open(path).map_err(error)?).lines() {
            let line = line.map_err(error)?;
            match serde_json::from_str::<T>(&line) {
                Ok(record) => records.push(record),
                Err(_) if line.trim().is_empty() => {}
                Err(e) => tracing::warn!(file = what, error = %e, "skipped an unreadable line"),
            }
        }
        let lines = Self {
            what,
            path: path.to_owned(),
            file: Mutex::new(file),
        };
        Ok((lines, records))
    }

    /// Replaces the whole file by `records` (a compaction): written beside
    /// it, synced, then renamed over it, so a crash leaves the old file or
    /// the new one.
    pub(crate) fn rewrite<T: Serialize>(self, records: &[T]) -> Result<Self, JsonLinesError> {
        let error = |source| JsonLinesError {
            what: self.what,
            path: self.path.clone(),
            source,
        };
        let fresh = self.path.with_extension("rewrite");
        let mut text = Vec::new();
        for record in records {
            serde_json::to_writer(&mut text, record)
                .map_err(|e| error(std::io::Error::other(e)))?;
            text.push(b'\n');
        }
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&fresh)
            .map_err(error)?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(error)?;
        std::fs::rename(&fresh, &self.path).map_err(error)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(error)?;
        Ok(Self {
            what: self.what,
            path: self.path,
            file: Mutex::new(file),
        })
    }

    /// Appends `record` as one line and syncs it to disk.
    pub(crate) fn append<T: Serialize>(&self, record: &T) -> Result<(), JsonLinesError> {
        let error = |source| JsonLinesError {
            what: self.what,
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(record).map_err(|e| error(std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut file = lock(&self.file);
        file.write_all(&line).map_err(error)?;
        file.sync_data().map_err(error)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn records_come_back_in_order_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        {
            let (lines, old) = JsonLines::open::<u32>("test", &path).unwrap();
            assert!(old.is_empty());
            lines.append(&1u32).unwrap();
            lines.append(&2u32).unwrap();
        }
        OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"tor")
            .unwrap();
        let (lines, records) = JsonLines::open::<u32>("test", &path).unwrap();
        assert_eq!(records, vec![1, 2]);
        let lines = lines.rewrite(&[7u32]).unwrap();
        lines.append(&8u32).unwrap();
        let (_, records) = JsonLines::open::<u32>("test", &path).unwrap();
        assert_eq!(records, vec![7, 8]);
    }
}
