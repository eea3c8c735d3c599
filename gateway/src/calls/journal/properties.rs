//! Properties of the call records across restarts: for any sequence of call
//! steps, restarts and restarts that tear the last line, every call that
//! was journalled as started has exactly one record, in the order started,
//! and ends exactly once: with its first end, or with `gateway_restart` at
//! the first restart after it began; its billed time follows from its
//! answer and its end.

use proptest::prelude::*;
use splitline_protocol::CallEndReason;

use super::{CallJournal, tests::new_call};

#[derive(Debug, Clone)]
enum Op {
    Start,
    Answer(usize),
    End(usize, bool),
    /// A restart; with `Some(n)`, the crash tore off the last `n` bytes
    /// (at least 1, at most the whole last line).
    Restart(Option<usize>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Start),
        2 => any::<usize>().prop_map(Op::Answer),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(n, busy)| Op::End(n, busy)),
        1 => proptest::option::of(1usize..400).prop_map(Op::Restart),
    ]
}

/// The record a call should have.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    call: String,
    answered: Option<i64>,
    ended: Option<(i64, CallEndReason)>,
}

/// One line of the journal, as the model knows it: its length, and the
/// model as it was before the line.
struct Written {
    bytes: usize,
    before: Vec<Expected>,
}

fn len(path: &std::path::Path) -> usize {
    std::fs::metadata(path).map_or(0, |m| m.len() as usize)
}

proptest! {
    // Each case syncs the journal at every step: fewer cases than the default 256.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_started_call_ends_exactly_once_across_restarts(
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let mut now = 1_000i64;
        let mut journal = CallJournal::open(&path, now).unwrap();
        let mut model: Vec<Expected> = Vec::new();
        let mut lines: Vec<Written> = Vec::new();
        for op in ops {
            now += 700;
            let before = model.clone();
            let size = len(&path);
            let wrote = match op {
                Op::Start => {
                    let call = format!("c{}", model.len());
                    journal.started(&new_call(&call), now).unwrap();
                    model.push(Expected { call, answered: None, ended: None });
                    true
                }
                Op::Answer(n) if !model.is_empty() => {
                    let record = &mut model[n % before.len()];
                    journal.answered(&record.call, now).unwrap();
                    if record.ended.is_none() {
                        record.answered.get_or_insert(now);
                    }
                    true
                }
                Op::End(n, busy) if !model.is_empty() => {
                    let reason = if busy { CallEndReason::Busy } else { CallEndReason::YouHungUp };
                    let record = &mut model[n % before.len()];
                    journal.ended(&record.call, now, reason).unwrap();
                    record.ended.get_or_insert((now, reason));
                    true
                }
                Op::Restart(tear) => {
                    drop(journal);
                    if let (Some(tear), Some(last)) = (tear, lines.pop()) {
                        // The crash tore the last line: that step never happened.
                        let cut = tear.min(last.bytes);
                        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                        file.set_len((len(&path) - cut) as u64).unwrap();
                        model = last.before;
                    }
                    journal = CallJournal::open(&path, now).unwrap();
                    for record in model.iter_mut().filter(|r| r.ended.is_none()) {
                        record.ended = Some((now, CallEndReason::GatewayRestart));
                    }
                    // The restart's own ends are whole lines nobody tears later.
                    lines.clear();
                    false
                }
                _ => false,
            };
            if wrote {
                lines.push(Written { bytes: len(&path) - size, before });
            }
        }
        drop(journal);
        now += 700;
        let journal = CallJournal::open(&path, now).unwrap();
        for record in model.iter_mut().filter(|r| r.ended.is_none()) {
            record.ended = Some((now, CallEndReason::GatewayRestart));
        }
        let all = journal.all().unwrap();
        prop_assert_eq!(
            all.iter().map(|r| r.call_id.as_str()).collect::<Vec<_>>(),
            model.iter().map(|r| r.call.as_str()).collect::<Vec<_>>()
        );
        for (record, expected) in all.iter().zip(&model) {
            let (ended, reason) = expected.ended.unwrap();
            prop_assert_eq!(record.ended_ms, Some(ended));
            prop_assert_eq!(record.end_reason, Some(reason));
            prop_assert_eq!(record.answered_ms, expected.answered);
            let billed = expected.answered.map_or(0, |a| ((ended - a) as u64).div_ceil(1000));
            prop_assert_eq!(record.duration_secs, Some(billed));
        }
    }
}
