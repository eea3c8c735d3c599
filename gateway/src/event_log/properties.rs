//! Properties of the cursor semantics: for any interleaving of pushes and
//! reads, a phone that reads from the cursor it stored (and stores the next
//! one only sometimes, as a crash before storing would) receives every event
//! exactly once and in order, unless it is told its cursor expired; and a
//! read from any cursor the log handed out returns the events right after
//! it, or an error: never a gap.

use proptest::prelude::*;
use splitline_protocol::Event;

use super::{CursorError, EventLog};

#[derive(Debug, Clone)]
enum Op {
    /// Push an event of about this many bytes.
    Push(u16),
    /// The phone reads from its stored cursor; stores the next one if true.
    Read { store: bool },
    /// Someone resumes from the n-th cursor handed out.
    Resume(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u16..600).prop_map(Op::Push),
        2 => any::<bool>().prop_map(|store| Op::Read { store }),
        1 => any::<usize>().prop_map(Op::Resume),
    ]
}

fn event(n: usize, size: u16) -> Event {
    Event::ContactRemoved {
        jid: format!("{n}:{}", "x".repeat(usize::from(size))),
    }
}

fn seq_of(cursor: &str) -> u64 {
    cursor
        .rsplit_once('-')
        .and_then(|(_, s)| s.parse().ok())
        .unwrap_or(u64::MAX)
}

proptest! {
    #[test]
    fn every_event_reaches_the_phone_once_in_order_or_it_is_told(
        ops in proptest::collection::vec(op(), 1..80),
        capacity in 1usize..12,
    ) {
        let log = EventLog::new("ep".into(), capacity, 3000);
        let mut pushed: Vec<Event> = Vec::new();
        let mut cursor = log.start_cursor();
        let mut handed_out = vec![cursor.clone()];
        let mut stored: Vec<u64> = Vec::new();
        let mut base = 0;
        for op in ops {
            match op {
                Op::Push(size) => {
                    let e = event(pushed.len(), size);
                    pushed.push(e.clone());
                    prop_assert_eq!(log.push(e), pushed.len() as u64);
                }
                Op::Read { store } => match log.read(&cursor) {
                    Ok((batch, next)) => {
                        let after = seq_of(&cursor);
                        for (i, envelope) in batch.iter().enumerate() {
                            prop_assert_eq!(envelope.seq, after + 1 + i as u64);
                            prop_assert_eq!(Some(&envelope.event), pushed.get(envelope.seq as usize - 1));
                        }
                        handed_out.push(next.clone());
                        if store {
                            stored.extend(batch.iter().map(|e| e.seq));
                            cursor = next;
                        }
                    }
                    Err(CursorError::Expired) => {
                        cursor = log.head_cursor();
                        base = seq_of(&cursor);
                        stored.clear();
                    }
                    Err(CursorError::Unknown) => prop_assert!(false, "its own cursor {} unknown", cursor),
                },
                Op::Resume(n) => {
                    let from = &handed_out[n % handed_out.len()];
                    if let Ok((batch, _)) = log.read(from)
                        && let Some(first) = batch.first()
                    {
                        prop_assert_eq!(first.seq, seq_of(from) + 1, "a gap after {}", from);
                    }
                }
            }
        }
        let expected: Vec<u64> = (base + 1..=base + stored.len() as u64).collect();
        prop_assert_eq!(stored, expected);
    }
}
