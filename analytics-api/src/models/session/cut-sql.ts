// Cuts one person's sorted event keys into sessions with vectorised array functions: a start flag
// per event (first event, gap > timeout, or a new calendar day in the zone -- or, by session id, a
// new id), an end flag (the next event starts one), then one array per session figure, taken at
// the start / end positions. Entry and exit screens come from a backward / forward fill of the
// screen ranks, so no per-session sub-array is ever built. No lambda captures an array (ClickHouse
// would copy it per element); every lambda walks its arrays side by side.

import { dayIndexSql } from '../common/day-index-sql.ts';
import type { TimeRange } from '../common/time-range.ts';
import { KEY_PARTS } from './event-key-sql.ts';

export interface CutOptions {
  /**
   * Inactivity with its timeout (ms, a bound parameter), or session ids: the name of the
   * session-id array aligned with `ks` (both sorted by id, then key).
   */
  readonly cut: { readonly timeoutMs: string } | { readonly sessionIds: string };
  /** The range start (ms) the keys' times count from, as a bound parameter. */
  readonly startMs: string;
  /** The query's range (its days cut inactivity sessions). */
  readonly range: TimeRange;
  /** Name of the sorted group-key array aligned with `ks`, or null without group-by. */
  readonly groupKeys: string | null;
}

/**
 * SELECT list over `ks` (sorted keys, see event-key-sql.ts; by session id, sorted by id first) giving
 * per-session arrays:
 * sts (start, ms since the range start), durs, evss, scrs, cnts, entries, exits (screen-name ranks,
 * 0 = no screen view) and, with group-by, gkss (the group key of each session's first event).
 */
export function sessionArraysSql(o: CutOptions): string {
  const { time, isScreen, rank, isCounted } = KEY_PARTS;
  const at = (values: string, flags: string) => `arrayFilter((v, f) -> f, ${values}, ${flags})`;
  // Days only matter for inactivity sessions (a session never spans two calendar days).
  const starts =
    'sessionIds' in o.cut
      ? `arrayMap((i, s, ps) -> i = 1 OR s != ps,
                  arrayEnumerate(${o.cut.sessionIds}), ${o.cut.sessionIds}, arrayPushFront(arrayPopBack(${o.cut.sessionIds}), '')) AS newF`
      : `arrayMap(t -> ${dayIndexSql(o.range, 't', o.startMs)}, ts) AS days,
         arrayMap((i, gap, d, pd) -> i = 1 OR gap > ${o.cut.timeoutMs} OR d != pd,
                  arrayEnumerate(ts), arrayDifference(ts), days, arrayPushFront(arrayPopBack(days), 0)) AS newF`;
  // Screen views (events counted) per session: the running count at its end minus the running
  // count just before its start.
  const perSession = (flags: string, running: string) =>
    `arrayMap((e, s) -> e - s, ${at(running, 'endF')},
              ${at(`arrayMap((c, x) -> c - x, ${running}, ${flags})`, 'newF')})`;
  return [
    'person',
    `arrayMap(k -> ${time('k')}, ks) AS ts`,
    `arrayMap(k -> ${isScreen('k')}, ks) AS scrF`,
    `arrayMap(k -> ${isCounted('k')}, ks) AS cntF`,
    `arrayMap(k -> ${rank('k')}, ks) AS ranks`,
    starts,
    'arrayPushBack(arrayPopFront(newF), 1) AS endF',
    `${at('ts', 'newF')} AS sts`,
    `arrayMap((a, b) -> b - a, sts, ${at('ts', 'endF')}) AS durs`,
    `arrayMap((a, b) -> b - a + 1, ${at('arrayEnumerate(ts)', 'newF')}, ${at('arrayEnumerate(ts)', 'endF')}) AS evss`,
    `${perSession('scrF', 'arrayCumSum(scrF)')} AS scrs`,
    `${perSession('cntF', 'arrayCumSum(cntF)')} AS cnts`,
    // Entry: at a session's start, the rank of the next screen view, stopping at the session's
    // end (0 when there is none); exit: at its end, the rank of the last screen view since its start.
    `${at('arrayReverseFill((v, keep) -> keep, ranks, arrayMap((x, e) -> x = 1 OR e, scrF, endF))', 'newF')} AS entries`,
    `${at('arrayFill((v, keep) -> keep, ranks, arrayMap((x, s) -> x = 1 OR s, scrF, newF))', 'endF')} AS exits`,
    ...(o.groupKeys ? [`${at(o.groupKeys, 'newF')} AS gkss`] : []),
  ].join(',\n           ');
}
