// The floor under the models that read every customer's events in order (funnel, retention,
// session, path): the cheapest pass that still looks at each customer, timed on the same events
// of the same range: persons resolved by our own route (the overrides dictionary), one count per
// customer, nothing collected, nothing sorted. Any exact method that evaluates customers from
// their raw events pays at least this, so where the floor is near or above a goal, the goal needs
// data kept per customer at ingestion, not a better query. Built only from the benchmark's
// constants (the app is a bound parameter); never from caller input.
import { personResolutionSql } from '@tally/analytics-api/identity';

export interface FloorCase {
  /** The model whose floor this is (a bench case name). */
  readonly model: string;
  /** Events the model reads, or 'any'. */
  readonly events: readonly string[] | 'any';
  /** [startMs, endMs) the model reads (range plus a funnel's window or retention's periods). */
  readonly startMs: number;
  readonly endMs: number;
}

/** SQL for one floor case; parameter `app` is the bench app. */
export function perCustomerFloorSql(floor: FloorCase): string {
  const resolution = personResolutionSql(true, 'e');
  const names =
    floor.events === 'any' ? '' : `AND e.event IN (${floor.events.map((n) => `'${n}'`).join(', ')})`;
  return `WITH ${resolution.with}
    SELECT count() AS customers, sum(n) AS events FROM (
      SELECT ${resolution.person} AS person, count() AS n
      FROM events AS e ${resolution.join}
      WHERE e.app_id = {app:String} AND e.time >= fromUnixTimestamp64Milli(${floor.startMs}) AND e.time < fromUnixTimestamp64Milli(${floor.endMs}) ${names}
      GROUP BY person)`;
}
