// One UInt64 per event that sorts exactly like the documented event order of a session
// (time, then non-screen before screen, then screen name, then not counted before counted) and
// carries what a session's figures need: (ms since the range start) << 27 | is screen << 26 |
// screen-name rank << 1 | is counted. Names are ranked through a sorted dictionary of the range's
// screen names, so per-person arrays hold numbers only: ClickHouse collects and sorts those several
// times faster than arrays of tuples with strings. Never holds a caller value in SQL text.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { type PropertyRef, propertySql } from '../common/property-sql.ts';
import { DEFAULT_SCREENS, type SessionQuery } from './schema.ts';

/** Bits below the time: 1 screen flag, RANK_BITS of screen-name rank, 1 counted flag. */
const TIME_SHIFT = 27;
const SCREEN_SHIFT = 26;
const RANK_BITS = 25;
/**
 * Ranks 1..MAX_SCREEN_NAMES (0 = not a screen view). 36 bits of milliseconds above them cover
 * 795 days, more than the longest range (732 days).
 */
export const MAX_SCREEN_NAMES = 2 ** RANK_BITS - 1;

export interface ScreenColumns {
  /** Screen event names (checked against the catalog when the caller named them). */
  readonly names: string[];
  /** 1 for a screen view, over `e`. */
  readonly isScreen: string;
  /** The screen name of a screen view ('' when not set or not a screen view), over `e`. */
  readonly screen: string;
  /** WITH clause binding `screenNames`: the range's screen names, sorted bytewise. */
  readonly dictionary: string;
}

export function screenColumns(ctx: AnalysisContext<SessionQuery>): ScreenColumns {
  const { params, names } = ctx;
  const given = ctx.query.screens;
  const screens = (given ?? DEFAULT_SCREENS).map((s, i) => {
    // Caller-named screens are checked against the catalog; the SDK defaults need not exist yet.
    if (given) names.event(s.event, `screens[${i}].event`);
    const ref: PropertyRef = given
      ? names.property('event', s.property, `screens[${i}].property`)
      : { source: 'event', name: s.property, type: 'string' };
    return { event: s.event, text: propertySql(ref, params, 'e', ctx.timeZone).text };
  });
  const list = screens.map((s) => s.event);
  const arms = screens.flatMap((s) => [`e.event = ${params.add(s.event, 'String')}`, s.text]);
  const screen = `multiIf(${arms.join(', ')}, '')`;
  // Every screen name of the range's screen views (a superset of what the filtered analysis
  // sees, which is all the ranks need): a cheap read of the screen events' granules only.
  const source = eventSourceSql(ctx, {
    events: list,
    globalFilters: false,
    resolvePerson: false,
    columns: { scr: screen },
  });
  const dictionary = `WITH (
    SELECT names
    FROM (SELECT arraySort(groupUniqArray(scr)) AS names FROM (${source}))
    WHERE throwIf(length(names) > ${MAX_SCREEN_NAMES},
            'session analysis: more than ${MAX_SCREEN_NAMES} distinct screen names in the range; narrow the range or the screens') = 0
  ) AS screenNames`;
  return {
    names: list,
    isScreen: `toUInt8(e.event IN ${params.add(list, 'Array(String)')})`,
    screen,
    dictionary,
  };
}

/** The packed key of an event over `e` (needs `screenNames` in scope). */
export function eventKeySql(ctx: AnalysisContext, screens: ScreenColumns, isCounted: string): string {
  const start = ctx.params.add(ctx.range.startMs, 'Int64');
  // transform() hashes the constant dictionary once per query; indexOf() would scan it per row.
  const rank = `transform(${screens.screen}, screenNames, arrayEnumerate(screenNames), toUInt32(0))`;
  return `bitShiftLeft(toUInt64(toUnixTimestamp64Milli(e.time) - ${start}), ${TIME_SHIFT})
      + if(${screens.isScreen} = 1, bitShiftLeft(toUInt64(1), ${SCREEN_SHIFT}) + bitShiftLeft(toUInt64(${rank}), 1), 0)
      + toUInt64(${isCounted})`;
}

/** Parts of a key array element `k`, for lambdas. */
export const KEY_PARTS = {
  /** ms since the range start */
  time: (k: string) => `toInt64(bitShiftRight(${k}, ${TIME_SHIFT}))`,
  isScreen: (k: string) => `bitAnd(bitShiftRight(${k}, ${SCREEN_SHIFT}), 1)`,
  rank: (k: string) => `toUInt32(bitAnd(bitShiftRight(${k}, 1), ${MAX_SCREEN_NAMES}))`,
  isCounted: (k: string) => `bitAnd(${k}, 1)`,
} as const;
