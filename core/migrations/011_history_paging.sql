-- Migration 011 (history paging): reading one chat's archive backwards, a page at a time as its timeline
-- scrolls back past what the store holds (with `with` for a 1:1 chat, `room` for a room). One row
-- per chat: before_id is the oldest archive id reached (the next page is read before it),
-- complete says the archive has nothing older (the chat's beginning is stored, so it is never
-- asked again), and unfillable_gap is a gap marker the archive can no longer fill (it has nothing
-- older than the messages after it), so scrolling past it does not ask again either.

CREATE TABLE history_positions (
    peer TEXT PRIMARY KEY,
    before_id TEXT,
    complete INTEGER NOT NULL DEFAULT 0,
    unfillable_gap INTEGER
);
