-- The metadata catalog's discovered half: which events and property names each app has received,
-- per bank (so volumes can be shown within a caller's org scope), with volume and first/last seen.
-- Kept by materialized views inside the same INSERT as the rows, so the catalog is current the
-- moment data is, and reading it never scans `events` (a map-key scan over 10^8 rows takes
-- seconds). Display names, descriptions and "hidden" are staff-edited and live in MySQL
-- (catalog_annotations). kind: event | event_prop | event_num_prop | user_prop | user_num_prop.
CREATE TABLE IF NOT EXISTS catalog_stats
(
    app_id      LowCardinality(String),
    kind        LowCardinality(String),
    event       LowCardinality(String),
    name        String,
    bank_code   LowCardinality(String),
    volume      SimpleAggregateFunction(sum, UInt64),
    first_seen  SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (app_id, kind, event, name, bank_code);

CREATE MATERIALIZED VIEW IF NOT EXISTS catalog_stats_events TO catalog_stats AS
SELECT app_id, 'event' AS kind, event, '' AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM events GROUP BY app_id, event, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS catalog_stats_event_props TO catalog_stats AS
SELECT app_id, 'event_prop' AS kind, event, arrayJoin(mapKeys(props)) AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM events GROUP BY app_id, event, name, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS catalog_stats_event_num_props TO catalog_stats AS
SELECT app_id, 'event_num_prop' AS kind, event, arrayJoin(mapKeys(num_props)) AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM events GROUP BY app_id, event, name, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS catalog_stats_user_props TO catalog_stats AS
SELECT app_id, 'user_prop' AS kind, '' AS event, arrayJoin(mapKeys(props)) AS name, bank_code,
       count() AS volume, min(src.last_seen) AS first_seen, max(src.last_seen) AS last_seen
FROM profiles AS src GROUP BY app_id, name, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS catalog_stats_user_num_props TO catalog_stats AS
SELECT app_id, 'user_num_prop' AS kind, '' AS event, arrayJoin(mapKeys(num_props)) AS name, bank_code,
       count() AS volume, min(src.last_seen) AS first_seen, max(src.last_seen) AS last_seen
FROM profiles AS src GROUP BY app_id, name, bank_code;

-- Data that arrived before this migration.
INSERT INTO catalog_stats
SELECT app_id, 'event', event, '', bank_code, count(), min(time), max(time)
FROM events GROUP BY app_id, event, bank_code;
INSERT INTO catalog_stats
SELECT app_id, 'event_prop', event, arrayJoin(mapKeys(props)) AS name, bank_code, count(), min(time), max(time)
FROM events GROUP BY app_id, event, name, bank_code;
INSERT INTO catalog_stats
SELECT app_id, 'event_num_prop', event, arrayJoin(mapKeys(num_props)) AS name, bank_code, count(), min(time), max(time)
FROM events GROUP BY app_id, event, name, bank_code;
