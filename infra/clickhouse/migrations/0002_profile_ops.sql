-- Profile operations (set, set_once, increment, append, unset, delete) exactly as received, one row
-- each, deduplicated by uuid like events. The ID-Mapping/profile service folds them into the
-- current profile; keeping the log makes a fold reproducible and lets a late operation be applied
-- in event-time order.
CREATE TABLE IF NOT EXISTS profile_ops
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (app_id, person_id, time)
SETTINGS index_granularity = 8192;
