-- The overrides in force as an in-memory dictionary, so analyses resolve a device's events by a
-- hash lookup on only the rows that can have an override (events without a login id: a
-- customer's own events are never overridden) instead of joining every event to the overrides
-- (10^8 bench event analysis, engine alone, 1.3 -> 0.95 s). The dictionary is loaded at one
-- moment and overrides keep arriving, so queries also recompute, from the table, the overrides
-- of the devices with a row newer than the load (RECENT_OVERRIDES in
-- analytics-api/src/identity/resolved-person-sql.ts; the reloads: overrides-dictionary.ts);
-- `_block_number` (persisted per row, kept through merges) tells which rows those are.
--
-- Keys and values (every number, one UInt64 each, so a lookup fetches one attribute):
--   device person id -> customer person id | app tag << 40, the app tag being the top 24 bits of
--     cityHash64(app_id): a lookup only takes an entry of the query's own app tag, so person ids
--     repeated across apps (MySQL's one id sequence never does that; hand-made data does) never
--     cross banks, at one shift per lookup (a second attribute cost 0.15 s at 10^8);
--   2^63 | tag -> cityHash64 of the one app holding that tag, 1 when two apps share it (the API
--     then joins for those apps);
--   0 -> the load's record: 1 + the highest block number loaded, or 0 when the dictionary cannot
--     be used (an old person id in two apps, a person 0, ids past 2^40 / 2^63).
-- Deleted (unbound) overrides are left out by FINAL.
ALTER TABLE person_overrides MODIFY SETTING enable_block_number_column = 1;

CREATE DICTIONARY IF NOT EXISTS person_overrides_in_force
(
    key    UInt64,
    value  UInt64
)
PRIMARY KEY key
SOURCE(CLICKHOUSE(QUERY '
  SELECT multiIf(grouping(id, tag) = 1, id, grouping(id, tag) = 2, bitOr(toUInt64(9223372036854775808), tag), 0) AS key,
         multiIf(grouping(id, tag) = 1, bitOr(any(person), bitShiftLeft(any(tag), 40)),
                 grouping(id, tag) = 2, if(uniqExact(app_hash) = 1, any(app_hash), 1),
                 max(apps) > 1 OR countIf(id = 0) > 0 OR max(id) >= 9223372036854775808 OR max(person) >= 1099511627776, 0,
                 max(block) + 1) AS value
  FROM (
    SELECT old_person_id AS id, any(new_person_id) AS person, cityHash64(any(app_id)) AS app_hash,
           bitShiftRight(app_hash, 40) AS tag, count() AS apps, max(_block_number) AS block
    FROM {{database}}.person_overrides FINAL
    GROUP BY old_person_id
  )
  GROUP BY GROUPING SETS ((id), (tag), ())
  HAVING grouping(id, tag) != 1 OR (max(apps) = 1 AND id != 0)'))
LAYOUT(HASHED())
LIFETIME(0);
