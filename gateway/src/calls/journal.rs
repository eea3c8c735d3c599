//! Call records: what a carrier bills. Each step of a call (started,
//! answered, ended) is appended to a JSON-lines journal and synced to disk
//! before the call goes on, so records survive a gateway restart. A call the
//! journal shows started but not ended when the gateway starts again is ended
//! then, with the reason `gateway_restart`. A last line torn by a crash is
//! cut off at start.

use std::{
    collections::BTreeMap,
    fs::{File, OpenOptions},
    io::{BufRead, BufReader, Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    sync::Mutex,
};

use serde::{Deserialize, Serialize};
use splitline_protocol::{CallEndReason, CallRecord, CallRoute};

use crate::util::lock;

/// One step of a call, as journalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum Step {
    Started {
        call: String,
        at_ms: i64,
        account: String,
        route: CallRoute,
        mobile: String,
        callee: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_number: Option<String>,
    },
    Answered {
        call: String,
        at_ms: i64,
    },
    Ended {
        call: String,
        at_ms: i64,
        reason: CallEndReason,
    },
}

/// A journal that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file could not be read or written.
    #[error("call records file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line is not a journal step.
    #[error("call records file {path}, line {line}: {reason}")]
    Corrupt {
        path: PathBuf,
        /// The line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The journal of every call.
#[derive(Debug)]
pub(crate) struct CallJournal {
    path: PathBuf,
    file: Mutex<File>,
}

impl CallJournal {
    /// Opens (or creates) the journal at `path` and ends every call left
    /// open by an earlier run at `now_ms`.
    pub(crate) fn open(path: &Path, now_ms: i64) -> Result<Self, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_owned(),
            source,
        };
        cut_torn_tail(path).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(io)?;
        let records = Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        };
        for open in records.all()?.into_iter().filter(|r| r.ended_ms.is_none()) {
            records.ended(&open.call_id, now_ms, CallEndReason::GatewayRestart)?;
        }
        Ok(records)
    }

    /// Journals a new call.
    pub(crate) fn started(&self, record: &NewCall<'_>, at_ms: i64) -> Result<(), JournalError> {
        self.append(&Step::Started {
            call: record.call.to_owned(),
            at_ms,
            account: record.account.to_owned(),
            route: record.route,
            mobile: record.mobile.to_owned(),
            callee: record.callee.to_owned(),
            access_number: record.access_number.map(str::to_owned),
        })
    }

    /// Journals the answer that starts the billed time.
    pub(crate) fn answered(&self, call: &str, at_ms: i64) -> Result<(), JournalError> {
        self.append(&Step::Answered {
            call: call.to_owned(),
            at_ms,
        })
    }

    /// Journals a call's end.
    pub(crate) fn ended(
        &self,
        call: &str,
        at_ms: i64,
        reason: CallEndReason,
    ) -> Result<(), JournalError> {
        self.append(&Step::Ended {
            call: call.to_owned(),
            at_ms,
            reason,
        })
    }

    fn append(&self, step: &Step) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(step).map_err(|e| io(std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut file = lock(&self.file);
        file.write_all(&line).map_err(io)?;
        file.sync_data().map_err(io)
    }

    /// Every call, in the order they started.
    pub(crate) fn all(&self) -> Result<Vec<CallRecord>, JournalError> {
        let _writer = lock(&self.file);
        let file = File::open(&self.path).map_err(|source| JournalError::Io {
            path: self.path.clone(),
            source,
        })?;
        fold(&self.path, BufReader::new(file))
    }
}

/// Cuts a last line that a crash left without its line break: that step was
/// never complete.
fn cut_torn_tail(path: &Path) -> std::io::Result<()> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut text = Vec::new();
    file.read_to_end(&mut text)?;
    if text.is_empty() || text.ends_with(b"\n") {
        return Ok(());
    }
    let keep = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    tracing::warn!(
        dropped_bytes = text.len() - keep,
        "call records: cut a torn last line"
    );
    file.set_len(keep as u64)?;
    file.seek(SeekFrom::End(0))?;
    Ok(())
}

/// What a new call's record starts with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewCall<'a> {
    /// The call's id.
    pub call: &'a str,
    /// The account (bare address).
    pub account: &'a str,
    /// How it is placed.
    pub route: CallRoute,
    /// The user's mobile (E.164).
    pub mobile: &'a str,
    pub callee: &'a str,
    /// The access number dialled.
    pub access_number: Option<&'a str>,
}

fn fold(path: &Path, reader: impl BufRead) -> Result<Vec<CallRecord>, JournalError> {
    let mut order = Vec::new();
    let mut calls: BTreeMap<String, CallRecord> = BTreeMap::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| JournalError::Io {
            path: path.to_owned(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let corrupt = |reason: String| JournalError::Corrupt {
            path: path.to_owned(),
            line: index + 1,
            reason,
        };
        let step: Step = serde_json::from_str(&line).map_err(|e| corrupt(e.to_string()))?;
        match step {
            Step::Started {
                call,
                at_ms,
                account,
                route,
                mobile,
                callee,
                access_number,
            } => {
                order.push(call.clone());
                calls.insert(
                    call.clone(),
                    CallRecord {
                        call_id: call,
                        account,
                        route,
                        mobile,
                        callee,
                        access_number,
                        started_ms: at_ms,
                        answered_ms: None,
                        ended_ms: None,
                        end_reason: None,
                        duration_secs: None,
                    },
                );
            }
            Step::Answered { call, at_ms } => {
                let record = calls
                    .get_mut(&call)
                    .ok_or_else(|| corrupt(format!("call {call} answered before it started")))?;
                // The first answer starts the billed time; an answer after the
                // end changes nothing.
                if record.ended_ms.is_none() {
                    record.answered_ms.get_or_insert(at_ms);
                }
            }
            Step::Ended {
                call,
                at_ms,
                reason,
            } => {
                let record = calls
                    .get_mut(&call)
                    .ok_or_else(|| corrupt(format!("call {call} ended before it started")))?;
                if record.ended_ms.is_none() {
                    record.ended_ms = Some(at_ms);
                    record.end_reason = Some(reason);
                    record.duration_secs = Some(record.answered_ms.map_or(0, |answered| {
                        u64::try_from(at_ms - answered).unwrap_or(0).div_ceil(1000)
                    }));
                }
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|call| calls.remove(&call))
        .collect())
}

/// The records as CSV, one call per line, with a header.
pub(crate) fn to_csv(records: &[CallRecord]) -> String {
    let mut out = String::from(
        "call_id,account,route,mobile,callee,access_number,started_ms,answered_ms,ended_ms,duration_secs,end_reason\n",
    );
    let text = |v: Option<String>| v.unwrap_or_default();
    let name = |v: serde_json::Value| v.as_str().map(str::to_owned).unwrap_or_default();
    for r in records {
        let fields = [
            r.call_id.clone(),
            r.account.clone(),
            name(serde_json::to_value(r.route).unwrap_or_default()),
            r.mobile.clone(),
            r.callee.clone(),
            text(r.access_number.clone()),
            r.started_ms.to_string(),
            text(r.answered_ms.map(|v| v.to_string())),
            text(r.ended_ms.map(|v| v.to_string())),
            text(r.duration_secs.map(|v| v.to_string())),
            text(
                r.end_reason
                    .map(|e| name(serde_json::to_value(e).unwrap_or_default())),
            ),
        ];
        let escaped: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&escaped.join(","));
        out.push('\n');
    }
    out
}

/// The records as JSON lines, one call per line.
pub(crate) fn to_json_lines(records: &[CallRecord]) -> String {
    let mut out = String::new();
    for record in records {
        if let Ok(line) = serde_json::to_string(record) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod properties;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A callback from alice's mobile, called `call`.
    pub(super) fn new_call(call: &str) -> NewCall<'_> {
        NewCall {
            call,
            account: "alice@localhost",
            route: CallRoute::Callback,
            mobile: "+447400123456",
            callee: "+442079460018",
            access_number: None,
        }
    }

    #[test]
    fn records_survive_a_restart_and_open_calls_are_ended_then() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        {
            let records = CallJournal::open(&path, 0).unwrap();
            records.started(&new_call("c1"), 1_000).unwrap();
            records.answered("c1", 3_000).unwrap();
            records
                .ended("c1", 64_001, CallEndReason::YouHungUp)
                .unwrap();
            records.started(&new_call("c2"), 70_000).unwrap();
            records.ended("c2", 75_000, CallEndReason::Busy).unwrap();
            records.started(&new_call("c3"), 80_000).unwrap();
            records.answered("c3", 81_000).unwrap();
        }
        let records = CallJournal::open(&path, 90_000).unwrap();
        let all = records.all().unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].duration_secs, Some(62), "61.001 s rounds up");
        assert_eq!(all[1].duration_secs, Some(0), "never answered");
        assert_eq!(all[1].end_reason, Some(CallEndReason::Busy));
        assert_eq!(all[2].end_reason, Some(CallEndReason::GatewayRestart));
        assert_eq!(all[2].duration_secs, Some(9));
        assert!(all.iter().all(|r| r.ended_ms.is_some()));
    }

    /// Found by the property in `properties.rs` (minimised): a second
    /// answer moved the start of the billed time, and an answer journalled
    /// after the end showed the call answered after it ended.
    #[test]
    fn only_the_first_answer_before_the_end_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let records = CallJournal::open(&path, 0).unwrap();
        records.started(&new_call("c1"), 1_000).unwrap();
        records.answered("c1", 2_400).unwrap();
        records.answered("c1", 3_100).unwrap();
        records
            .ended("c1", 5_000, CallEndReason::YouHungUp)
            .unwrap();
        records.answered("c1", 6_000).unwrap();
        let all = records.all().unwrap();
        assert_eq!(all[0].answered_ms, Some(2_400));
        assert_eq!(all[0].duration_secs, Some(3), "2.6 s rounds up");
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let dir = tempfile::tempdir().unwrap();
        let records = CallJournal::open(&dir.path().join("calls.jsonl"), 0).unwrap();
        records
            .started(
                &NewCall {
                    callee: "sip:\"bob\",x@localhost",
                    ..new_call("c1")
                },
                1_000,
            )
            .unwrap();
        records
            .ended("c1", 2_000, CallEndReason::Cancelled)
            .unwrap();
        let csv = to_csv(&records.all().unwrap());
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("call_id,account,route"));
        assert_eq!(
            lines[1],
            "c1,alice@localhost,callback,+447400123456,\"sip:\"\"bob\"\",x@localhost\",,1000,,2000,0,cancelled"
        );
    }

    #[test]
    fn a_torn_last_line_is_cut_and_the_journal_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        {
            let records = CallJournal::open(&path, 0).unwrap();
            records.started(&new_call("c1"), 1_000).unwrap();
        }
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"step\":\"ended\",\"ca");
        std::fs::write(&path, text).unwrap();
        let records = CallJournal::open(&path, 5_000).unwrap();
        let all = records.all().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].end_reason, Some(CallEndReason::GatewayRestart));
        let lines = to_json_lines(&all);
        let back: CallRecord = serde_json::from_str(lines.trim()).unwrap();
        assert_eq!(back, all[0]);
    }

    #[test]
    fn a_corrupt_journal_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        std::fs::write(
            &path,
            "{\"step\":\"answered\",\"call\":\"x\",\"at_ms\":1}\n",
        )
        .unwrap();
        let err = CallJournal::open(&path, 0).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
