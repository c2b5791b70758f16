-- Events: one row per accepted tracking event, written only by the ingestion writer.
--
-- Why this shape (single node; the cluster variant in ../cluster/ keeps the same columns):
-- * PARTITION BY month: retention drops whole partitions cheaply and a date-range query touches
--   1-2 partitions; daily partitions would mean ~3,000 parts a year per app, too many for merges.
-- * ORDER BY (app_id, toDate(time), event, bank_code, person_id, time): every analysis filters on
--   the app first, then on a date range, then on a short list of event names (funnel steps,
--   retention start/return); org scope narrows by bank. Within that, rows of one person are
--   adjacent and time-ordered, so windowFunnel/retention/path reads per-person runs in order.
-- * person_id is a UInt64 (numeric keys hash and group far faster than String ids; see
--   platform-notes). It is the person at ingestion time; later merges are applied at query time
--   through person_overrides, never by rewriting this table.
-- * Properties: strings (and booleans, JSON-encoded arrays) in `props`, numbers in `num_props`,
--   so a numeric aggregate reads a Float64 map without parsing, and a property name is a map key
--   that queries pass as a bound parameter instead of splicing it into SQL.
-- * uuid carries a bloom filter: the writer checks incoming uuids against recent rows before every
--   insert (exactly-once across client retries and Kafka redeliveries).
CREATE TABLE IF NOT EXISTS events
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (app_id, toDate(time), event, bank_code, person_id, time)
SETTINGS index_granularity = 8192;
