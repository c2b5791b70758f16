// Per-session paths without group-by in day-session mode, on numbers: each event is one UInt64,
// (ms since the range start) << 28 | node rank << 1 | is anchor, where a node's rank is its
// position in the sorted list of the app's nodes in the range (a scalar subquery, no
// person resolution). Ranks keep the string order, so sorting the numbers sorts by (time, node,
// anchor) exactly as the tuple plan does, and the per-person state is a plain numeric array: at
// 10^7 events the per-session stage takes 0.87 s instead of 1.46 s (README, "Path"). Node ranks
// stay numbers through the (level, node, next) aggregation and the top-N ranking (rank order is
// string order) and become strings only on the aggregated rows. Builds SQL only; every caller
// value is a bound parameter of the context.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { dayIndexSql } from '../common/day-index-sql.ts';
import { utcParam } from '../common/time-range.ts';
import type { PathQuery } from './schema.ts';

/** Time offsets below 2^36 ms (795 days > MAX_RANGE_DAYS), ranks below 2^27. */
const TIME_SHIFT = 28;
const RANK_MASK = 2 ** 27 - 1;

export interface PackedPathsInput {
  /** Events of the range as eventSourceSql rows with `node` and `anchor` columns. */
  readonly events: string;
  /** The node expression over `e`, as in the events' `node` column. */
  readonly node: string;
  /** Event names the events are pre-filtered by, or 'any'. */
  readonly eventNames: readonly string[] | 'any';
  /** Events split into one node per property value (their nodes read the property). */
  readonly splitEvents: readonly string[];
  /** At most this many events per person (groupArray(N)). */
  readonly cap: number;
  /** Bound parameter holding the session timeout in ms. */
  readonly timeoutMs: string;
}

export interface PackedPaths {
  /** Rows (person, path Array(UInt32) of node ranks), reading `nodes` from an outer WITH. */
  readonly paths: string;
  /** Scalar subquery: the sorted node strings; rank r is nodes[r]. */
  readonly nodes: string;
}

export function packedPathsSql(ctx: AnalysisContext<PathQuery>, input: PackedPathsInput): PackedPaths {
  const { params } = ctx;
  const q = ctx.query;
  const anchor = q.anchor ?? 'all';
  const depth = Number(q.depth ?? 5);
  const startMs = params.add(ctx.range.startMs, 'Int64');
  const from = params.add(utcParam(ctx.range.startMs), "DateTime64(3, 'UTC')");
  const to = params.add(utcParam(ctx.range.endMs), "DateTime64(3, 'UTC')");
  const names =
    input.eventNames === 'any' ? '' : ` AND e.event IN ${params.add([...input.eventNames], 'Array(String)')}`;
  // Every node of the app in the range (a superset of the scoped, filtered events' nodes is fine:
  // ranks only need to keep the order). Only the split events' nodes read a property: the other
  // events' nodes are their names, a DISTINCT over the event column alone (10^8 bench path: the
  // node list 2.5 -> 1.2 s, when it read the property map and hashed a node string per event).
  // More nodes than ranks fit in (2^27) would overflow into the time bits: refused, not miscounted.
  const inRange = `e.app_id = {app:String} AND e.time >= ${from} AND e.time < ${to}${names}`;
  const eventNodes = (where: string) =>
    `(SELECT groupArray(toString(event)) FROM (SELECT DISTINCT e.event AS event FROM events AS e WHERE ${inRange}${where}))`;
  const split = input.splitEvents.length > 0 ? params.add([...input.splitEvents], 'Array(String)') : null;
  const all = split
    ? `arrayDistinct(arrayConcat(${eventNodes(` AND e.event NOT IN ${split}`)},
          (SELECT groupUniqArray(${input.node}) FROM events AS e WHERE ${inRange} AND e.event IN ${split})))`
    : eventNodes('');
  const nodes = `(SELECT names FROM (SELECT arraySort(${all}) AS names)
      WHERE throwIf(length(names) > ${RANK_MASK},
        'path analysis: more than ${RANK_MASK} distinct nodes in the range; narrow the range or the split') = 0)`;
  const T = (x: string) => `toInt64(bitShiftRight(${x}, ${TIME_SHIFT}))`;
  const R = (x: string) => `bitAnd(bitShiftRight(${x}, 1), ${RANK_MASK})`;
  const A = (x: string) => `bitAnd(${x}, 1)`;
  const element = `bitShiftLeft(toUInt64(t - ${startMs}), ${TIME_SHIFT})
      + bitShiftLeft(toUInt64(transform(node, nodes, range(1, length(nodes) + 1), 0)), 1) + anchor`;
  const cut =
    anchor === 'start'
      ? `arraySlice(s, arrayFirstIndex(x -> ${A('x')} = 1, s))`
      : anchor === 'end'
        ? `arraySlice(s, 1, arrayLastIndex(x -> ${A('x')} = 1, s))`
        : 's';
  const ranks = `arrayMap(x -> ${R('x')}, ${cut})`;
  const collapsed = q.collapseRepeats
    ? `arrayFilter((n, previous) -> n != previous, ${ranks} AS ns, arrayPushFront(arrayPopBack(ns), 0))`
    : ranks;
  const ordered = anchor === 'end' ? `arrayReverse(${collapsed})` : collapsed;
  const hasAnchor = anchor === 'all' ? '1' : `arrayExists(x -> ${A('x')} = 1, s)`;
  // Sessions cut where the day (in the query's zone) changes or after a gap > timeout; no
  // semi-join on days with an anchor first: on numbers, aggregating every event measured cheaper
  // (0.87 s vs 1.0 s at 10^7) and sessions without an anchor are dropped below either way.
  const paths = `
      SELECT person, arraySlice(${ordered}, 1, ${depth + 1}) AS path
      FROM (
        SELECT person,
               arraySplit((x, changed, gap) -> changed OR gap > ${input.timeoutMs}, seq,
                 arrayMap((d, previous) -> d != previous, days, arrayPushFront(arrayPopBack(days), days[1])),
                 arrayDifference(arrayMap(x -> ${T('x')}, seq))) AS sessions
        FROM (
          SELECT person, seq,
                 arrayMap(x -> ${dayIndexSql(ctx.range, T('x'), startMs)}, seq) AS days
          FROM (
            SELECT person, arraySort(groupArray(${input.cap})(${element})) AS seq
            FROM (${input.events})
            GROUP BY person
          )
        )
      )
      ARRAY JOIN sessions AS s
      WHERE ${hasAnchor}`;
  return { paths, nodes };
}
