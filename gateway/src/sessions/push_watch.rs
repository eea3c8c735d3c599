//! A session's push watch: the event log's observer that hands the push
//! side each event appended while no long-poll of the session is open, and
//! tells it when the phone fetched.

use std::sync::{Arc, Weak};

use splitline_protocol::Event;

use super::session::UserSession;
use crate::{
    event_log::LogObserver,
    push::{DeviceKey, PushHub},
};

/// Watches one session's log for the push side.
#[derive(Debug)]
pub(super) struct PushWatch {
    pub(super) hub: Arc<PushHub>,
    pub(super) device: DeviceKey,
    pub(super) session: Weak<UserSession>,
}

impl LogObserver for PushWatch {
    fn pushed(&self, event: &Event) {
        let Some(session) = self.session.upgrade() else {
            return;
        };
        if !session.polling() {
            self.hub.note(&self.device, session.jid.as_str(), event);
        }
    }

    fn read(&self) {
        self.hub.fetched(&self.device);
    }
}
