// The query shapes the reference products are known to use, written against OUR schema and data
// (same engine, same person resolution through overrides) so the benchmark can time ours against
// theirs: OpenPanel's funnel (windowFunnel over a name pre-filter), PostHog's funnel
// (arraySort(groupArray(tuple(ts, step flags))) per person, walked step by step) and OpenPanel's
// retention (a cohort table joined to return events by dateDiff). Built only from constants of
// the benchmark, never from caller input.
import { BENCH_APP } from './bench-data-constants.ts';

const PERSON = 'if(po.new_person_id = 0, e.person_id, po.new_person_id)';
const OVERRIDES = `(SELECT old_person_id, argMax(new_person_id, version) AS new_person_id FROM person_overrides
   WHERE app_id = '${BENCH_APP}' GROUP BY old_person_id HAVING argMax(is_deleted, version) = 0)`;

function eventsOf(names: readonly string[], startMs: number, endMs: number, columns: string): string {
  const list = names.map((n) => `'${n}'`).join(', ');
  return `SELECT ${PERSON} AS person, ${columns}
    FROM events AS e LEFT JOIN ${OVERRIDES} AS po ON e.person_id = po.old_person_id
    WHERE e.app_id = '${BENCH_APP}' AND e.time >= fromUnixTimestamp64Milli(${startMs})
      AND e.time < fromUnixTimestamp64Milli(${endMs}) AND e.event IN (${list})`;
}

export function openPanelFunnelSql(
  steps: readonly string[],
  windowMinutes: number,
  startMs: number,
  endMs: number,
): string {
  const conds = steps.map((s) => `event = '${s}'`).join(', ');
  return `SELECT level, count() AS users FROM (
      SELECT person, windowFunnel(${windowMinutes * 60}, 'strict_increase')(toDateTime(time), ${conds}) AS level
      FROM (${eventsOf(steps, startMs, endMs + windowMinutes * 60_000, 'e.time AS time, e.event AS event')})
      GROUP BY person)
    GROUP BY level ORDER BY level`;
}

export function postHogFunnelSql(
  steps: readonly string[],
  windowMinutes: number,
  startMs: number,
  endMs: number,
): string {
  const w = windowMinutes * 60_000;
  // Walk: step 1 = first step-1 event in range; step k = first step-k event after step k-1, within the window.
  const walk: string[] = [`arrayFirst(x -> x.2 AND x.1 < ${endMs}, evs).1 AS t1`];
  for (let k = 2; k <= steps.length; k++) {
    walk.push(
      `if(t${k - 1} = 0, 0, arrayFirst(x -> x.${k + 1} AND x.1 >= t${k - 1} AND x.1 <= t1 + ${w}, evs).1) AS t${k}`,
    );
  }
  const counts = steps.map((_, i) => `countIf(t${i + 1} > 0) AS step${i + 1}`).join(', ');
  return `SELECT ${counts} FROM (
      SELECT person, arraySort(x -> x.1, groupArray(tuple(t, ${steps.map((_, i) => `f${i + 1}`).join(', ')}))) AS evs,
        ${walk.join(',\n        ')}
      FROM (${eventsOf(steps, startMs, endMs + w, `toUnixTimestamp64Milli(e.time) AS t, ${steps.map((s, i) => `e.event = '${s}' AS f${i + 1}`).join(', ')}`)})
      GROUP BY person)`;
}

export function openPanelRetentionSql(
  initial: string,
  returning: string,
  periods: number,
  startMs: number,
  endMs: number,
  zone: string,
): string {
  const returnEnd = endMs + (periods + 1) * 86_400_000;
  return `WITH cohort AS (
      SELECT person, min(toDate(time, '${zone}')) AS cohort_day
      FROM (${eventsOf([initial], startMs, endMs, 'e.time AS time')})
      GROUP BY person)
    SELECT c.cohort_day, dateDiff('day', c.cohort_day, toDate(r.time, '${zone}')) AS d, uniqExact(c.person) AS users
    FROM cohort AS c
    INNER JOIN (${eventsOf([returning], startMs, returnEnd, 'e.time AS time')}) AS r ON r.person = c.person
    WHERE d BETWEEN 0 AND ${periods}
    GROUP BY c.cohort_day, d ORDER BY c.cohort_day, d`;
}
