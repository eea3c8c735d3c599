//! The user's message archive on the network (XEP-0313), read in pages to
//! catch up on what arrived while the phone had no session.

use serde::{Deserialize, Serialize};

use crate::ChatMessage;

/// Default number of messages in an archive page.
pub const DEFAULT_ARCHIVE_PAGE: u32 = 100;
/// Largest archive page the gateway serves.
pub const MAX_ARCHIVE_PAGE: u32 = 500;

fn default_max() -> u32 {
    DEFAULT_ARCHIVE_PAGE
}

/// Query of one page of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveQuery {
    /// Read this room's archive instead of the user's 1:1 archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// Read only the 1:1 chat with this bare address (XEP-0313 `with`), so
    /// one chat can page back through its own history. Not with `room`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    /// The archive id after which to read, oldest first. Without it, the page
    /// holds the newest messages of the archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The archive id before which to read: the page holds the `max` entries
    /// just older than it, oldest first, and `complete` says that nothing
    /// older precedes it. For reading back from the newest page (see
    /// [`ArchivePage::first`]). Not with `after` or `start_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Without `after`: read forward from the first message at or after this
    /// time (milliseconds since the Unix epoch; 0 for the archive's start)
    /// instead of reading the newest page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    /// Most messages in the page (1 to 500, default 100).
    #[serde(default = "default_max")]
    pub max: u32,
}

/// One page of the archive, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivePage {
    /// The messages of the page; each has its `archive_id`.
    pub messages: Vec<ArchivedMessage>,
    /// The archive id to read after next time: the page's last entry, which
    /// may be one that is not a chat message. Absent when the page is empty.
    pub last: Option<String>,
    /// The archive id to read before when reading backwards: the page's
    /// first entry. Absent when the page is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// True when nothing newer follows this page; for a page read with
    /// `before`, when nothing older precedes it.
    pub complete: bool,
}

impl ArchivePage {
    /// A complete page with nothing in it: the end of an archive.
    pub fn end() -> Self {
        Self {
            messages: Vec::new(),
            last: None,
            first: None,
            complete: true,
        }
    }
}

/// A message from the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedMessage {
    /// True when the user sent it (from this or another device).
    pub outgoing: bool,
    /// The message.
    pub message: ChatMessage,
}
