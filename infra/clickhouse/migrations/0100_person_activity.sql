-- What a person's events say about them, for the preset profile properties (first seen time and
-- channel, last seen, first login, latest bank/branch): one aggregate row per ingestion person,
-- fed by a materialized view inside the same INSERT as the events, so the profile folder never
-- scans `events` (whose sort key does not start with the person). Read with the -Merge
-- combinators / min / max, grouped by person_id. Data-subject deletion deletes from it too.
-- Tuples carry the time next to the value so the folder can combine several persons (a customer
-- and the devices attributed to them) by time.
CREATE TABLE IF NOT EXISTS person_activity
(
    app_id         LowCardinality(String),
    person_id      UInt64,
    events         SimpleAggregateFunction(sum, UInt64),
    first_seen     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    first_login    SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    -- (channel, time) of the earliest event that named a channel
    first_channel  AggregateFunction(argMin, Tuple(String, DateTime64(3, 'UTC')), DateTime64(3, 'UTC')),
    -- (bank_code, branch_code, time) of the latest event that named a bank
    last_org       AggregateFunction(argMax, Tuple(String, String, DateTime64(3, 'UTC')), DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (app_id, person_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS person_activity_from_events TO person_activity AS
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
FROM events
GROUP BY app_id, person_id;
