//! The event log's cursor semantics under any interleaving of the user's
//! events, strangers' messages and reads. Input: one operation a byte (and
//! its argument bytes). A phone reads with the cursor it stored and stores
//! the next one only sometimes (a crash before storing). Invariants: push
//! numbers events one by one; a read from a cursor returns the events right
//! after it, in order, unchanged, or an error (never a gap); the phone's
//! stored stream is every event once, in order, unless a read told it its
//! cursor expired (then it starts over from the head); batches are bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_gateway::{fuzzing::event_log, stranger_quota::StrangerLimits};
use splitline_protocol::{ChatMessage, Event};

const CAPACITY: usize = 16;
const MAX_BATCH: usize = 500;

fn own_event(n: u64, size: u8) -> Event {
    Event::ContactRemoved {
        jid: format!("{n}-{}", "x".repeat(usize::from(size))),
    }
}

fn stranger_event(n: u64, sender: &str, size: u8) -> Event {
    Event::MessageReceived {
        message: ChatMessage {
            network_id: Some(n.to_string()),
            archive_id: None,
            room: None,
            from: sender.to_owned(),
            to: "alice@localhost".to_owned(),
            body: "y".repeat(usize::from(size) * 8),
            timestamp_ms: 0,
            from_stranger: true,
        },
    }
}

fn seq_of(cursor: &str) -> u64 {
    cursor
        .rsplit_once('-')
        .and_then(|(_, s)| s.parse().ok())
        .unwrap_or(u64::MAX)
}

fuzz_target!(|data: &[u8]| {
    let log = event_log(
        "ep",
        CAPACITY,
        4096,
        StrangerLimits {
            messages_per_minute: 1000,
            sender_bytes: 1024,
            share_bytes: 2048,
        },
    );
    // Every event pushed, by seq (index seq - 1).
    let mut pushed: Vec<Event> = Vec::new();
    let mut stored_cursor = log.start_cursor();
    // Seqs the phone stored, and whether a read told it it lost some.
    let mut stored: Vec<u64> = Vec::new();
    let mut base = 0;
    // Cursors the log handed out, to resume from anywhere.
    let mut handed_out = vec![stored_cursor.clone()];
    let mut bytes = data.iter().copied();
    while let Some(op) = bytes.next() {
        let arg = bytes.next().unwrap_or(0);
        match op % 5 {
            0 | 1 => {
                let n = pushed.len() as u64 + 1;
                let (event, seq) = if op % 5 == 0 {
                    let event = own_event(n, arg);
                    (event.clone(), Some(log.push(event)))
                } else {
                    let sender = format!("s{}@elsewhere", arg % 3);
                    let event = stranger_event(n, &sender, arg);
                    (event.clone(), log.push_from_stranger(event, &sender))
                };
                if let Some(seq) = seq {
                    assert_eq!(seq, n, "events are numbered one by one");
                    pushed.push(event);
                }
            }
            2 | 3 => {
                let from = if op % 5 == 2 {
                    stored_cursor.clone()
                } else {
                    handed_out[usize::from(arg) % handed_out.len()].clone()
                };
                let after = seq_of(&from);
                match log.read(&from) {
                    Some((batch, next)) => {
                        assert!(batch.len() <= MAX_BATCH.min(CAPACITY));
                        for (i, (seq, event)) in batch.iter().enumerate() {
                            assert_eq!(
                                *seq,
                                after + 1 + i as u64,
                                "a gap or a repeat after {from}"
                            );
                            assert_eq!(Some(event), pushed.get(*seq as usize - 1));
                        }
                        assert_eq!(seq_of(&next), batch.last().map_or(after, |(s, _)| *s));
                        handed_out.push(next.clone());
                        if op % 5 == 2 && arg & 1 == 0 {
                            stored.extend(batch.iter().map(|(s, _)| *s));
                            stored_cursor = next;
                        }
                    }
                    None if op % 5 == 2 => {
                        // Expired: the phone is told and starts over from the head.
                        stored_cursor = log.head_cursor();
                        base = seq_of(&stored_cursor);
                        stored.clear();
                    }
                    None => {}
                }
            }
            _ => {
                let forged = format!("{}-{}", if arg & 1 == 0 { "ep" } else { "other" }, arg);
                if let Some((batch, _)) = log.read(&forged) {
                    let after = seq_of(&forged);
                    assert!(after <= pushed.len() as u64, "a future cursor was accepted");
                    if let Some((first, _)) = batch.first() {
                        assert_eq!(*first, after + 1, "a gap after {forged}");
                    }
                }
            }
        }
    }
    let expected: Vec<u64> = (base + 1..=base + stored.len() as u64).collect();
    assert_eq!(stored, expected, "the phone's stream has a gap or a repeat");
});
