// SQL for "the person an event belongs to now": the event's person at ingestion, replaced by the
// customer its device was attributed to (person_overrides, latest version per device person).
// Every analysis uses this instead of events.person_id. Only bound parameters; the caller adds
// {app:String} to its parameters.

/**
 * A subquery yielding (old_person_id, new_person_id) in force for app {app:String}: the highest
 * version per device person, unless that version is a deletion (an unbind). FINAL on this
 * ReplacingMergeTree (sorted by app, old person) is a merge-on-read of sorted parts, about 4x
 * faster than GROUP BY + argMax over the same rows (measured with 400 k overrides); the deletion
 * filter sits outside it so it is applied to the winning version, never before the merge.
 */
export const PERSON_OVERRIDES_IN_FORCE = `
  SELECT old_person_id, new_person_id
  FROM (
    SELECT old_person_id, new_person_id, is_deleted
    FROM person_overrides FINAL
    WHERE app_id = {app:String}
  )
  WHERE is_deleted = 0`;

/**
 * FROM clause over events of app {app:String} with a resolved `person` column.
 * `alias` names the events table inside (default `e`).
 */
export function eventsWithPersonSql(alias = 'e'): string {
  return `events AS ${alias}
  LEFT JOIN (${PERSON_OVERRIDES_IN_FORCE}) AS po ON ${alias}.person_id = po.old_person_id`;
}

/** The resolved person id expression, for use with eventsWithPersonSql(). */
export function resolvedPersonExpr(alias = 'e'): string {
  return `if(po.new_person_id = 0, ${alias}.person_id, po.new_person_id)`;
}
