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

/** The dictionary of overrides in force (ClickHouse migration 0006), keyed by device person. */
export const OVERRIDES_DICTIONARY = 'person_overrides_in_force';

const lookup = (key: string, otherwise = 'toUInt64(0)') =>
  `dictGetOrDefault('${OVERRIDES_DICTIONARY}', 'value', ${key}, ${otherwise})`;

/** The dictionary's load record (key 0): 1 + the highest block it holds, 0 when unusable. */
export const OVERRIDES_DICTIONARY_LOADED = lookup('toUInt64(0)');

/** The top 24 bits of the app's cityHash64, which the dictionary's entries carry above bit 40. */
const APP_TAG = 'bitShiftRight(cityHash64({app:String}), 40)';

/**
 * `usable`: 1 when the dictionary serves app {app:String}: its load is usable (record > 0) and no
 * other app holds the app's tag (the tag's owner, key 2^63 | tag, is none or this app), so an
 * entry with the app's tag is the app's own.
 */
export const OVERRIDES_DICTIONARY_STATE = `SELECT ${OVERRIDES_DICTIONARY_LOADED} > 0
  AND ${lookup(`bitOr(toUInt64(9223372036854775808), ${APP_TAG})`)} IN (0, cityHash64({app:String})) AS usable`;

/**
 * A scalar (old ids, persons) of app {app:String}: the override now in force for every device
 * person with an override row newer than the dictionary's load, itself when that is a deletion.
 * Recomputed from the table on each query, so the dictionary never has to be current (the
 * keeper, overrides-dictionary.ts, reloads it to keep this set small). Ties of version go to the
 * later block, as FINAL keeps the last inserted row.
 */
export const RECENT_OVERRIDES = `(
    SELECT (groupArray(old_person_id), groupArray(person))
    FROM (
      SELECT old_person_id,
             if(argMax(is_deleted, (version, _block_number)) = 1, old_person_id,
                argMax(new_person_id, (version, _block_number))) AS person
      FROM person_overrides
      WHERE app_id = {app:String}
        AND old_person_id IN (
          SELECT old_person_id FROM person_overrides
          WHERE app_id = {app:String} AND _block_number >= ${OVERRIDES_DICTIONARY_LOADED})
      GROUP BY old_person_id))`;

/**
 * The resolved person through the dictionary, with `WITH <RECENT_OVERRIDES> AS recent_overrides`
 * in scope. An event with a login id belongs to that customer and a customer is never an
 * override's old person (rules 1 and 4 in README.md), so only events without one are looked up:
 * 80% of the bench's events skip the lookup. An entry counts only with the query's app tag (the
 * two identical lookups are one: ClickHouse merges equal expressions).
 */
export function dictionaryPersonExpr(alias = 'e'): string {
  const entry = lookup(`${alias}.person_id`);
  const own = `if(bitShiftRight(${entry}, 40) = ${APP_TAG}, bitAnd(${entry}, ${2 ** 40 - 1}), ${alias}.person_id)`;
  return `if(${alias}.login_id = '', transform(${alias}.person_id, recent_overrides.1, recent_overrides.2, ${own}), ${alias}.person_id)`;
}

/** How SQL over rows aliased `alias` (with person_id and login_id) resolves their persons. */
export interface PersonResolutionSql {
  /** The resolved person expression. */
  readonly person: string;
  /** What follows `FROM <rows> AS alias`: the overrides join, or '' on the dictionary route. */
  readonly join: string;
  /** The WITH entry the expression needs (the dictionary route's recent overrides), or null. */
  readonly with: string | null;
}

/**
 * The one place that turns a resolution route into SQL: the dictionary (a lookup per row without
 * a login id, plus the overrides written since its load) or the join of the overrides in force.
 */
export function personResolutionSql(byDictionary: boolean, alias = 'e'): PersonResolutionSql {
  return byDictionary
    ? { person: dictionaryPersonExpr(alias), join: '', with: `${RECENT_OVERRIDES} AS recent_overrides` }
    : {
        person: resolvedPersonExpr(alias),
        join: `LEFT JOIN (${PERSON_OVERRIDES_IN_FORCE}) AS po ON ${alias}.person_id = po.old_person_id`,
        with: null,
      };
}
