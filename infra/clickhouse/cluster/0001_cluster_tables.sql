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
ORDER BY (app_id, toDate(time), event, bank_code, person_id, time);

CREATE TABLE IF NOT EXISTS tally.events ON CLUSTER tally AS tally.events_local
ENGINE = Distributed(tally, tally, events_local, person_id);

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
ORDER BY (app_id, person_id, time);

CREATE TABLE IF NOT EXISTS tally.profile_ops ON CLUSTER tally AS tally.profile_ops_local
ENGINE = Distributed(tally, tally, profile_ops_local, person_id);

-- Fully replicated (one Keeper path for all shards): every node holds every override.
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
