//! Row diffs for Kotlin: one record and one op enum per screen (uniffi has
//! no generics, so a macro makes them), and the subscription that keeps a
//! core view current on its listener's thread.

use splitline_core::{
    store::StoreError,
    views::{
        Source, View, Views,
        diff::{RowDiff, RowOp},
    },
};

use crate::{
    ChatInfo, ContactInfo, MessageInfo, SplitlineError,
    dispatch::{Signal, Subscription, subscribe},
};

/// Defines a screen's op enum and diff record, converted from the core's.
macro_rules! row_diff {
    ($op:ident, $op_doc:literal, $diff:ident, $diff_doc:literal, $row:ty, $key:ty) => {
        #[doc = $op_doc]
        #[derive(Debug, Clone, uniffi::Enum)]
        pub enum $op {
            /// Insert `row` at `index`.
            Insert {
                /// Where.
                index: u32,
                /// The new row.
                row: $row,
            },
            /// The row at `index` is now `row`.
            Update {
                /// Where.
                index: u32,
                /// The row now.
                row: $row,
            },
            /// Remove the row at `index`.
            Remove {
                /// Where.
                index: u32,
            },
        }

        #[doc = $diff_doc]
        #[derive(Debug, Clone, uniffi::Record)]
        pub struct $diff {
            /// Apply in order.
            pub ops: Vec<$op>,
            /// The key of each row inserted, updated, moved or removed, once.
            pub changed: Vec<$key>,
        }

        impl<R: splitline_core::views::diff::Keyed<Key = $key>> From<RowDiff<R>> for $diff
        where
            $row: From<R>,
        {
            fn from(diff: RowDiff<R>) -> Self {
                let index = $crate::types::to_u32;
                Self {
                    ops: diff
                        .ops
                        .into_iter()
                        .map(|op| match op {
                            RowOp::Insert { index: i, row } => $op::Insert {
                                index: index(i),
                                row: row.into(),
                            },
                            RowOp::Update { index: i, row } => $op::Update {
                                index: index(i),
                                row: row.into(),
                            },
                            RowOp::Remove { index: i } => $op::Remove { index: index(i) },
                        })
                        .collect(),
                    changed: diff.changed,
                }
            }
        }
    };
}

row_diff!(
    ContactRowOp,
    "One step of a contact list diff; apply in order, at indexes of the list as the steps before left it.",
    ContactListDiff,
    "What changed in the contact list: the steps, and the addresses of the rows they touch.",
    ContactInfo,
    String
);
row_diff!(
    ChatRowOp,
    "One step of a chat list diff; apply in order, at indexes of the list as the steps before left it.",
    ChatListDiff,
    "What changed in the chat list: the steps, and the peers of the rows they touch.",
    ChatInfo,
    String
);
row_diff!(
    MessageRowOp,
    "One step of a timeline diff; apply in order, at indexes of the list as the steps before left it.",
    TimelineDiff,
    "What changed in a timeline: the steps, and the message ids of the rows they touch.",
    MessageInfo,
    i64
);

/// Opens a view with `open` and keeps it current on its own thread: the
/// first delivery is every row (inserts), then one diff per batch of
/// relevant changes, each against the rows last delivered.
pub(crate) fn watch<S>(
    views: &Views,
    open: impl FnOnce(&Views) -> Result<View<S>, StoreError>,
    deliver: impl Fn(RowDiff<S::Row>) + Send + 'static,
) -> Result<Subscription, SplitlineError>
where
    S: Source + Send + 'static,
    S::Row: Send,
{
    // Subscribed before the first read, so no change in between is missed.
    let updates = views.subscribe();
    let mut view = open(views)?;
    subscribe(updates, move |signals| {
        let mut look = false;
        for signal in signals {
            match signal {
                Signal::Start => deliver(view.initial()),
                Signal::Update(update) => look |= view.affected_by(&update),
                Signal::Lagged => look = true,
                Signal::LoadMore(rows) => report(view.load_more(rows), &deliver),
                Signal::Stop => {}
            }
        }
        if look {
            report(view.refresh(), &deliver);
        }
    })
}

/// Delivers a non-empty diff; a failed read is logged and caught up by the
/// next one (it diffs against the rows last delivered).
fn report<R: splitline_core::views::diff::Keyed>(
    diff: Result<RowDiff<R>, StoreError>,
    deliver: &impl Fn(RowDiff<R>),
) {
    match diff {
        Ok(diff) if !diff.is_empty() => deliver(diff),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "a view could not read the store"),
    }
}
