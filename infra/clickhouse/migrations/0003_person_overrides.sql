-- Person overrides: when ID-Mapping merges person A into person B (an anonymous device person
-- whose customer logs in), it writes (A -> B) here instead of rewriting past events. Chains are
-- flattened by the writer (A -> B, B -> C is stored as A -> C and B -> C), so one lookup gives the
-- final person. Analyses map events with:
--   if(o.new_person_id = 0, e.person_id, o.new_person_id)
-- over a LEFT JOIN on (old_person_id) of the latest version per old_person_id for the app.
-- Deleting (is_deleted = 1, higher version) undoes an override (an unbind).
CREATE TABLE IF NOT EXISTS person_overrides
(
    app_id         LowCardinality(String),
    old_person_id  UInt64,
    new_person_id  UInt64,
    version        UInt64,
    is_deleted     UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (app_id, old_person_id);
