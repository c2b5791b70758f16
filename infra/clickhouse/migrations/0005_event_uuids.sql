-- Exactly-once index: every uuid written to events or profile_ops, sorted by uuid with small
-- granules, so the ingestion writer can ask "which of these 5,000 uuids exist already?" by
-- primary-key lookups (~5,000 granules of 256 rows) instead of scanning the events of a day
-- (a bloom filter does not help there: with thousands of probes every granule matches).
-- Fed by materialized views, i.e. inside the same INSERT statement as the rows themselves; the
-- writer repairs the rare gap a server crash between the two parts can leave (see dedup.ts).
-- The TTL bounds it: a client retry arriving more than 14 days after the original would count
-- twice. SDKs give up on an event long before that.
CREATE TABLE IF NOT EXISTS event_uuids
(
    uuid          UUID,
    app_id        LowCardinality(String),
    receive_time  DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY uuid
TTL toDateTime(receive_time) + INTERVAL 14 DAY
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_uuids_from_events TO event_uuids
AS SELECT uuid, app_id, receive_time FROM events;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_uuids_from_profile_ops TO event_uuids
AS SELECT uuid, app_id, receive_time FROM profile_ops;
