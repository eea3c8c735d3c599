//! Idempotent sends: what became of each client id in this session.
//!
//! A new id is queued once. Requests repeating an id while it is pending wait
//! for the same outcome. Once the server acknowledged it, a repeat answers
//! `duplicate` at once. If it failed, the id is forgotten so that a retry
//! really sends it again (never reporting a lost message as delivered).

use std::collections::{HashMap, VecDeque};

use tokio::sync::oneshot;

use super::{CommandError, SendOutcome};

/// How many settled client ids are remembered.
pub(super) const KEPT: usize = 10_000;

type Reply = oneshot::Sender<Result<SendOutcome, CommandError>>;

#[derive(Debug)]
enum State {
    Pending(Vec<Reply>),
    Acknowledged,
}

/// What to do with a send request.
#[derive(Debug)]
pub(super) enum Begin {
    /// A new id: queue the message, then call [`SentMessages::settle`].
    Send,
    /// The id is already on its way or delivered; the reply is taken care of.
    Handled,
}

/// The client ids of one session.
#[derive(Debug, Default)]
pub(super) struct SentMessages {
    states: HashMap<String, State>,
    settled_order: VecDeque<String>,
}

impl SentMessages {
    /// Registers a request for `client_id`.
    pub(super) fn begin(&mut self, client_id: &str, reply: Reply) -> Begin {
        match self.states.get_mut(client_id) {
            None => {
                self.states
                    .insert(client_id.to_owned(), State::Pending(vec![reply]));
                Begin::Send
            }
            Some(State::Pending(waiters)) => {
                waiters.push(reply);
                Begin::Handled
            }
            Some(State::Acknowledged) => {
                let _ = reply.send(Ok(SendOutcome {
                    network_id: client_id.to_owned(),
                    duplicate: true,
                }));
                Begin::Handled
            }
        }
    }

    /// Records the outcome of sending `client_id` and answers every waiter:
    /// the first request gets `duplicate: false`, repeats `duplicate: true`.
    pub(super) fn settle(&mut self, client_id: &str, result: Result<(), CommandError>) {
        let Some(State::Pending(waiters)) = self.states.remove(client_id) else {
            return;
        };
        for (n, reply) in waiters.into_iter().enumerate() {
            let _ = reply.send(result.clone().map(|()| SendOutcome {
                network_id: client_id.to_owned(),
                duplicate: n > 0,
            }));
        }
        if result.is_ok() {
            self.states
                .insert(client_id.to_owned(), State::Acknowledged);
            self.settled_order.push_back(client_id.to_owned());
            while self.settled_order.len() > KEPT {
                if let Some(old) = self.settled_order.pop_front() {
                    self.states.remove(&old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        sent: &mut SentMessages,
        id: &str,
    ) -> (Begin, oneshot::Receiver<Result<SendOutcome, CommandError>>) {
        let (tx, rx) = oneshot::channel();
        (sent.begin(id, tx), rx)
    }

    #[test]
    fn repeats_while_pending_share_the_outcome() {
        let mut sent = SentMessages::default();
        let (first, mut a) = request(&mut sent, "m1");
        let (second, mut b) = request(&mut sent, "m1");
        assert!(matches!(first, Begin::Send));
        assert!(matches!(second, Begin::Handled));
        sent.settle("m1", Ok(()));
        assert!(!a.try_recv().unwrap().unwrap().duplicate);
        assert!(b.try_recv().unwrap().unwrap().duplicate);
        let (third, mut c) = request(&mut sent, "m1");
        assert!(matches!(third, Begin::Handled));
        assert!(c.try_recv().unwrap().unwrap().duplicate);
    }

    #[test]
    fn a_failed_send_is_forgotten_so_a_retry_sends_again() {
        let mut sent = SentMessages::default();
        let (_, mut a) = request(&mut sent, "m1");
        sent.settle("m1", Err(CommandError::Network("down".into())));
        assert!(a.try_recv().unwrap().is_err());
        let (retry, _) = request(&mut sent, "m1");
        assert!(
            matches!(retry, Begin::Send),
            "a failed id must be sendable again"
        );
    }

    #[test]
    fn only_the_newest_ids_are_kept() {
        let mut sent = SentMessages::default();
        for n in 0..=KEPT {
            let id = format!("m{n}");
            let _ = request(&mut sent, &id);
            sent.settle(&id, Ok(()));
        }
        assert!(matches!(request(&mut sent, "m0").0, Begin::Send));
        assert!(matches!(
            request(&mut sent, &format!("m{KEPT}")).0,
            Begin::Handled
        ));
    }
}
