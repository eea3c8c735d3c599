-- Version 3: read state. The newest message of each chat the user has seen, waiting to be told to
-- the network (XEP-0333 displayed markers); a newer marker for a chat replaces an older one.

CREATE TABLE pending_markers (
    peer TEXT PRIMARY KEY,
    network_id TEXT NOT NULL
);
