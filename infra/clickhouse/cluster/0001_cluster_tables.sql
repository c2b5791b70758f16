-- Cluster variant of infra/clickhouse/migrations (same columns), for a ClickHouse cluster named
-- `tally` with {shard}/{replica} macros and ClickHouse Keeper. Apply once with clickhouse-client
-- (`clickhouse-client --multiquery < 0001_cluster_tables.sql`) before pointing the services at
-- the cluster (CLICKHOUSE_URL); the services' own migration runner is for single-node engines.
--
-- Sharding: events and profile_ops are sharded by person_id, so one person's rows sit on one
-- shard and per-person work (funnels, retention, paths) runs shard-locally with
-- distributed_group_by_no_merge-friendly plans. Caveat: rows ingested under a device's
-- anonymous person before the customer logged in live on that person's shard; person_overrides
-- and profiles are therefore NOT sharded but fully replicated on every node (small tables:
-- one row per person), so every shard can resolve any person locally. An analysis that needs a
-- merged person's rows from two shards aggregates per shard and merges per person at the
-- initiator (GLOBAL IN over the person set), which is what the Distributed engine does by default.
--
-- Retention (per-app TTL): ClickHouse has one TTL expression per table, so the analytics API
-- builds one multiIf over app ids (analytics-api/src/retention/retention-ttl.ts). With
-- CLICKHOUSE_CLUSTER=tally it applies it to the local tables on every node:
--   ALTER TABLE tally.events_local ON CLUSTER tally MODIFY TTL toDateTime(time) + toIntervalDay(multiIf(...))
-- (same for profile_ops_local), at start-up and whenever an app's period changes. Each replica
-- then drops expired rows in its own merges; the Distributed tables hold no data and no TTL.
--
-- Materialized views fire on the replica that receives an INSERT (not on replicas fetching the
-- part), so every view writes into a Replicated target, which replicates its result: views over
-- the sharded local tables write into the local table of the same shard (person_activity is
-- sharded like events, by person_id); views over the fully replicated profiles table write
-- through the Distributed catalog_stats, so each profile change is counted once cluster-wide.

CREATE DATABASE IF NOT EXISTS tally ON CLUSTER tally;

CREATE TABLE IF NOT EXISTS tally.events_local ON CLUSTER tally
(
    app_id        LowCardinality(String),
    event         LowCardinality(String),
    time          DateTime64(3, 'UTC'),
    receive_time  DateTime64(3, 'UTC'),
    uuid          UUID,
    distinct_id   String,
    login_id      String,
    person_id     UInt64,
    session_id    String,
    bank_code     LowCardinality(String),
    branch_code   LowCardinality(String),
    channel       LowCardinality(String),
    lib           LowCardinality(String),
    lib_version   LowCardinality(String),
    app_version   LowCardinality(String),
    os            LowCardinality(String),
    os_version    LowCardinality(String),
    browser       LowCardinality(String),
    browser_version LowCardinality(String),
    device_model  LowCardinality(String),
    device_type   LowCardinality(String),
    ip            String,
    props         Map(LowCardinality(String), String),
    num_props     Map(LowCardinality(String), Float64),
    INDEX idx_uuid uuid TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/tally/events_local', '{replica}')
PARTITION BY toYYYYMM(time)
ORDER BY (app_id, toDate(time), event, bank_code, person_id, time)
-- Retention: the platform default until the analytics API replaces it with the per-app
-- expression (see the retention note at the top).
TTL toDateTime(time) + toIntervalDay(730);

CREATE TABLE IF NOT EXISTS tally.events ON CLUSTER tally AS tally.events_local
ENGINE = Distributed(tally, tally, events_local, person_id);

-- Daily customers and counts per event (migration 0007): each shard's parts carry their own, so
-- a query through the Distributed table aggregates them per shard and merges the states.
ALTER TABLE tally.events_local ON CLUSTER tally ADD PROJECTION IF NOT EXISTS persons_by_day
(
    SELECT app_id, event, toDate(time, 'Asia/Shanghai'), login_id > '', count(), groupBitmapState(person_id)
    GROUP BY app_id, event, toDate(time, 'Asia/Shanghai'), login_id > ''
);

CREATE TABLE IF NOT EXISTS tally.profile_ops_local ON CLUSTER tally
(
    app_id        LowCardinality(String),
    op            LowCardinality(String),
    time          DateTime64(3, 'UTC'),
    receive_time  DateTime64(3, 'UTC'),
    uuid          UUID,
    distinct_id   String,
    login_id      String,
    person_id     UInt64,
    bank_code     LowCardinality(String),
    branch_code   LowCardinality(String),
    props         Map(LowCardinality(String), String),
    num_props     Map(LowCardinality(String), Float64),
    INDEX idx_uuid uuid TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/tally/profile_ops_local', '{replica}')
PARTITION BY toYYYYMM(time)
ORDER BY (app_id, person_id, time)
TTL toDateTime(time) + toIntervalDay(730);

CREATE TABLE IF NOT EXISTS tally.profile_ops ON CLUSTER tally AS tally.profile_ops_local
ENGINE = Distributed(tally, tally, profile_ops_local, person_id);

-- Fully replicated (one Keeper path for all shards): every node holds every override.
-- No person_overrides_in_force dictionary here (single-node migration 0006): each node would
-- hold its own load while a query's recomputed recent overrides come from the initiator, so the
-- analytics API finds no dictionary and resolves persons by joining this table on every shard.
CREATE TABLE IF NOT EXISTS tally.person_overrides ON CLUSTER tally
(
    app_id         LowCardinality(String),
    old_person_id  UInt64,
    new_person_id  UInt64,
    version        UInt64,
    is_deleted     UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/tally/person_overrides', '{shard}-{replica}', version, is_deleted)
ORDER BY (app_id, old_person_id);

CREATE TABLE IF NOT EXISTS tally.profiles ON CLUSTER tally
(
    app_id         LowCardinality(String),
    person_id      UInt64,
    login_id       String,
    bank_code      LowCardinality(String),
    branch_code    LowCardinality(String),
    props          Map(LowCardinality(String), String),
    num_props      Map(LowCardinality(String), Float64),
    first_seen     DateTime64(3, 'UTC'),
    last_seen      DateTime64(3, 'UTC'),
    version        UInt64,
    is_deleted     UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/tally/profiles', '{shard}-{replica}', version, is_deleted)
ORDER BY (app_id, person_id);

-- The exactly-once index is looked up by uuid from any node: sharded by uuid, queried through
-- the Distributed table, fed by views on each shard's local tables.
CREATE TABLE IF NOT EXISTS tally.event_uuids_local ON CLUSTER tally
(
    uuid          UUID,
    app_id        LowCardinality(String),
    receive_time  DateTime64(3, 'UTC')
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/tally/event_uuids_local', '{replica}')
ORDER BY uuid
TTL toDateTime(receive_time) + INTERVAL 14 DAY
SETTINGS index_granularity = 256;

CREATE TABLE IF NOT EXISTS tally.event_uuids ON CLUSTER tally AS tally.event_uuids_local
ENGINE = Distributed(tally, tally, event_uuids_local, cityHash64(uuid));

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.event_uuids_from_events ON CLUSTER tally TO tally.event_uuids
AS SELECT uuid, app_id, receive_time FROM tally.events_local;

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.event_uuids_from_profile_ops ON CLUSTER tally TO tally.event_uuids
AS SELECT uuid, app_id, receive_time FROM tally.profile_ops_local;

-- What a person's events say about them (migration 0100): sharded like events (by person_id), so
-- each shard's view aggregates the events it holds; read through the Distributed table with the
-- -Merge combinators / min / max grouped by person_id, exactly as on a single node.
CREATE TABLE IF NOT EXISTS tally.person_activity_local ON CLUSTER tally
(
    app_id         LowCardinality(String),
    person_id      UInt64,
    events         SimpleAggregateFunction(sum, UInt64),
    first_seen     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    first_login    SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_channel  AggregateFunction(argMin, Tuple(String, DateTime64(3, 'UTC')), DateTime64(3, 'UTC')),
    last_org       AggregateFunction(argMax, Tuple(String, String, DateTime64(3, 'UTC')), DateTime64(3, 'UTC'))
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/tally/person_activity_local', '{replica}')
ORDER BY (app_id, person_id);

CREATE TABLE IF NOT EXISTS tally.person_activity ON CLUSTER tally AS tally.person_activity_local
ENGINE = Distributed(tally, tally, person_activity_local, person_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.person_activity_from_events ON CLUSTER tally
TO tally.person_activity_local AS
SELECT
    app_id,
    person_id,
    count() AS events,
    min(time) AS first_seen,
    max(time) AS last_seen,
    min(if(login_id != '', time, NULL)) AS first_login,
    argMinState(
        tuple(channel, time),
        if(channel = '', toDateTime64('2299-12-31 00:00:00', 3, 'UTC'), time)
    ) AS first_channel,
    argMaxState(
        tuple(bank_code, branch_code, time),
        if(bank_code = '', toDateTime64('1970-01-01 00:00:00', 3, 'UTC'), time)
    ) AS last_org
FROM tally.events_local
GROUP BY app_id, person_id;

-- The discovered catalog (migration 0200): per-shard partial aggregates, summed at read time
-- (readers already GROUP BY with sum/min/max, so several partial rows per key are expected).
-- Sharded by a hash of the key so one key's partials usually sit together.
CREATE TABLE IF NOT EXISTS tally.catalog_stats_local ON CLUSTER tally
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/tally/catalog_stats_local', '{replica}')
ORDER BY (app_id, kind, event, name, bank_code);

CREATE TABLE IF NOT EXISTS tally.catalog_stats ON CLUSTER tally AS tally.catalog_stats_local
ENGINE = Distributed(tally, tally, catalog_stats_local, cityHash64(app_id, kind, event, name));

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.catalog_stats_events ON CLUSTER tally TO tally.catalog_stats_local AS
SELECT app_id, 'event' AS kind, event, '' AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM tally.events_local GROUP BY app_id, event, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.catalog_stats_event_props ON CLUSTER tally TO tally.catalog_stats_local AS
SELECT app_id, 'event_prop' AS kind, event, arrayJoin(mapKeys(props)) AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM tally.events_local GROUP BY app_id, event, name, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.catalog_stats_event_num_props ON CLUSTER tally TO tally.catalog_stats_local AS
SELECT app_id, 'event_num_prop' AS kind, event, arrayJoin(mapKeys(num_props)) AS name, bank_code,
       count() AS volume, min(time) AS first_seen, max(time) AS last_seen
FROM tally.events_local GROUP BY app_id, event, name, bank_code;

-- profiles is replicated to every node, so these two views write through the Distributed table.
CREATE MATERIALIZED VIEW IF NOT EXISTS tally.catalog_stats_user_props ON CLUSTER tally TO tally.catalog_stats AS
SELECT app_id, 'user_prop' AS kind, '' AS event, arrayJoin(mapKeys(props)) AS name, bank_code,
       count() AS volume, min(src.last_seen) AS first_seen, max(src.last_seen) AS last_seen
FROM tally.profiles AS src GROUP BY app_id, name, bank_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS tally.catalog_stats_user_num_props ON CLUSTER tally TO tally.catalog_stats AS
SELECT app_id, 'user_num_prop' AS kind, '' AS event, arrayJoin(mapKeys(num_props)) AS name, bank_code,
       count() AS volume, min(src.last_seen) AS first_seen, max(src.last_seen) AS last_seen
FROM tally.profiles AS src GROUP BY app_id, name, bank_code;
