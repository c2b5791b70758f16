-- Current customer profiles (user properties), one row per person after folding profile_ops and
-- preset properties. ReplacingMergeTree keeps the highest version; readers use argMax by version
-- (or FINAL on small scopes) rather than relying on background merges.
CREATE TABLE IF NOT EXISTS profiles
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
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (app_id, person_id);
