// Touchpoints as single numbers, for attributions without a link property, key event or group-by
// (the common case): (ms since the lookback start) << 20 | touchpoint-key rank, the rank taken from
// a sorted dictionary of the range's touchpoint keys. Sorting the numbers orders touchpoints by
// time, then key bytewise -- the order of the (time, key) tuples they replace -- and per-person
// arrays of numbers collect and sort faster than arrays of tuples holding strings (10^8 bench case,
// engine alone, same results: 3.68 s -> 3.09 s). Ranks become key strings only on the output rows.
// Never holds a caller value in SQL text.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';

const RANK_BITS = 20;
/** Ranks 1..MAX_TOUCH_KEYS (0 = none); 44 bits of ms above them cover 557 years. */
export const MAX_TOUCH_KEYS = 2 ** RANK_BITS - 1;

export interface PackedTouches {
  /** WITH clause binding `touchKeys`: the touchpoint keys of the range, sorted bytewise. */
  readonly dictionary: string;
  /** The packed touchpoint of an event over `e` (rank 0 when it is none); needs `touchKeys`. */
  readonly packed: string;
  /** The touchpoint's time (ms since epoch) of a packed element `x`, for lambdas. */
  time(x: string): string;
  /** The touchpoint's key rank of a packed element `x`. */
  rank(x: string): string;
}

export interface TouchKeys {
  /** The touchpoint key expression over `e` ('' when the event is no touchpoint). */
  readonly tkey: string;
  /** Events of the touchpoints split by a property: their keys are read from the data. */
  readonly splitEvents: readonly string[];
  /** The keys of the touchpoints not split: known without reading anything. */
  readonly fixedKeys: readonly string[];
  /** The lookback start (ms). */
  readonly startMs: number;
}

export function packedTouches(ctx: AnalysisContext, keys: TouchKeys): PackedTouches {
  const start = ctx.params.add(keys.startMs, 'Int64');
  const fixed = ctx.params.add(keys.fixedKeys, 'Array(String)');
  // The split touchpoints' keys as read from their events (a superset of what the filtered
  // analysis sees, which is all the ranks need: a read of those events' granules only), and the
  // fixed keys; without split touchpoints nothing is read.
  const read =
    keys.splitEvents.length === 0
      ? '[]'
      : `(SELECT groupUniqArray(k) FROM (${eventSourceSql(ctx, {
          events: keys.splitEvents,
          startMs: keys.startMs,
          globalFilters: false,
          resolvePerson: false,
          columns: { k: keys.tkey },
        })}) WHERE k != '')`;
  const dictionary = `WITH (
    SELECT keys
    FROM (SELECT arraySort(arrayDistinct(arrayConcat(${read}, ${fixed}))) AS keys)
    WHERE throwIf(length(keys) > ${MAX_TOUCH_KEYS},
            'attribution: more than ${MAX_TOUCH_KEYS} distinct touchpoint keys in the range; split touchpoints by a property with fewer values') = 0
  ) AS touchKeys`;
  // transform() hashes the constant dictionary once per query; indexOf() would scan it per row.
  const rank = `transform(${keys.tkey}, touchKeys, arrayEnumerate(touchKeys), toUInt32(0))`;
  return {
    dictionary,
    packed: `bitShiftLeft(toUInt64(toUnixTimestamp64Milli(e.time) - ${start}), ${RANK_BITS}) + ${rank}`,
    time: (x) => `(toInt64(bitShiftRight(${x}, ${RANK_BITS})) + ${start})`,
    rank: (x) => `toUInt32(bitAnd(${x}, ${MAX_TOUCH_KEYS}))`,
  };
}
