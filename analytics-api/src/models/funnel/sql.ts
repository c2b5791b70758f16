// SQL of the funnel. Plan (one scan, no self-joins):
// 1. Read only the step and exclusion events of the app from the range start to the range end plus
//    the window (later steps may fall past the end), scoped and person-resolved, each with a step
//    bitmask (bit k: matches step k+1 with its filters), an exclusion bitmask, the link value and
//    the group key.
// 2. Per person, sort by (time, lowest step matched) so same-timestamp events count in order (then
//    by group value and link value, so ties resolve the same way every time); every step-1 event
//    inside the range starts an attempt, walked in walk-sql.ts (from every position at once by
//    reverse fills; with a link or exclusions, per attempt and step). Persons who cannot pass
//    step 1 skip this walk.
// 3. Drop attempts with an exclusion event between their steps; keep the person's best attempt
//    (deepest, then earliest). Aggregate persons per step, group and entry period.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { periodKeySql, periodLabelSql } from '../common/period-sql.ts';
import { LOGIN_ID_PER_PERSON, LOGIN_ID_SOURCE } from '../common/person-list.ts';
import { propertySql } from '../common/property-sql.ts';
import { type FunnelQuery, MAX_EVENTS_PER_PERSON } from './schema.ts';
import { walkSql } from './walk-sql.ts';

export interface FunnelSql {
  /** One row per person who entered: level, step times t1..tn (ms), group key. */
  readonly persons: string;
  readonly topGroups: string | null;
  /** Aggregates per GROUPING SETS ((gkey), (period), ()); `grouping` tells which. */
  readonly summary: (topKeys: readonly string[]) => string;
}

function eventCondition(
  ctx: AnalysisContext<FunnelQuery>,
  event: string,
  filters: FunnelQuery['steps'][number]['filters'],
  field: string,
): string {
  const name = ctx.names.event(event, `${field}.event`);
  return `(e.event = ${ctx.params.add(name, 'String')} AND ${filtersSql(filters, `${field}.filters`, ctx.names, ctx.params, ctx.timeZone)})`;
}

export interface FunnelSqlOptions {
  /** Carry each person's login id (listing customers); off for counts, it is a String column read. */
  readonly withLoginId?: boolean;
}

export function funnelSql(ctx: AnalysisContext<FunnelQuery>, options: FunnelSqlOptions = {}): FunnelSql {
  const { query, params } = ctx;
  const steps = query.steps;
  const n = steps.length;
  const windowMs = (query.windowMinutes ?? 1440) * 60_000;
  const exclusions = query.exclusions ?? [];
  exclusions.forEach((x, j) => {
    if (x.fromStep >= x.toStep || x.toStep > n) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `needs 1 <= fromStep < toStep <= ${n}`,
        `exclusions[${j}].toStep`,
      );
    }
  });
  const stepConds = steps.map((s, k) => eventCondition(ctx, s.event, s.filters, `steps[${k}]`));
  const exclConds = exclusions.map((x, j) => eventCondition(ctx, x.event, x.filters, `exclusions[${j}]`));
  const mask = (conds: string[]) =>
    conds.length ? conds.map((c, k) => `bitShiftLeft(toUInt16(${c}), ${k})`).join(' + ') : 'toUInt16(0)';
  // 15 for exclusion-only rows: after every step at the same instant, and 4 bits in the sort key.
  const lowestStep = `multiIf(${stepConds.map((c, k) => `${c}, ${k}`).join(', ')}, 15)`;
  let link = "''";
  if (query.linkProperty) {
    const ref = ctx.names.property('event', query.linkProperty, 'linkProperty');
    link = propertySql(ref, params, 'e', ctx.timeZone).text;
  }
  // With per-step or exclusion filters, only events matching some step or exclusion are read: the
  // per-customer cap (first 1,000 matching events) must not be filled by events no filter admits.
  // Without filters the event-name pre-filter already says the same.
  const filtered = [...steps, ...exclusions].some((s) => (s.filters?.length ?? 0) > 0);
  const source = eventSourceSql(ctx, {
    events: [...steps.map((s) => s.event), ...exclusions.map((x) => x.event)],
    endMs: ctx.range.endMs + windowMs,
    ...(filtered ? { where: [`(${[...stepConds, ...exclConds].join(' OR ')})`] } : {}),
    columns: {
      m: mask(stepConds),
      xm: mask(exclConds),
      fs: lowestStep,
      link,
      gkey: groupKeySql(ctx),
      lid: options.withLoginId ? LOGIN_ID_SOURCE.lid : "''",
    },
  });
  const W = params.add(windowMs, 'Int64');
  const end = params.add(ctx.range.endMs, 'Int64');
  // A person's events, in order: time, lowest step, then group and link value, then the bitmasks.
  // Without group-by or link the strings are constant and (t, fs, m, xm) packs into one UInt64
  // (t < 2^44 ms, fs 4 bits, m 10 bits, xm 5 bits): a plain numeric array sorts ~3x faster than
  // an array of tuples (measured: 2 M events, 0.9 s vs 2.6 s of engine CPU). Accessors below
  // read either form.
  const packed = (query.groupBy?.length ?? 0) === 0 && !query.linkProperty;
  const T = (x: string) => (packed ? `toInt64(bitShiftRight(${x}, 19))` : `${x}.1`);
  const LINK = (x: string) => (packed ? "''" : `${x}.4`);
  const GKEY = (x: string) => (packed ? "''" : `${x}.6`);
  // On packed elements the tests read the number itself: one bit test instead of shift, mask and
  // test, and times compared as packed bounds (t < b exactly when x < b << 19, the low bits being
  // below 2^19) instead of unpacking every element (10^7 bench funnel: 0.54 -> 0.45 s of CPU).
  const isStep = (x: string, k: number) => (packed ? `bitTest(${x}, ${5 + k})` : `bitTest(${x}.2, ${k})`);
  const isAnyStep = (x: string) => (packed ? `bitAnd(${x}, ${1023 << 5}) != 0` : `${x}.2 != 0`);
  const isExcluded = (x: string, j: number) => (packed ? `bitTest(${x}, ${j})` : `bitTest(${x}.3, ${j})`);
  const before = (x: string, ms: string) => (packed ? `${x} < bitShiftLeft(${ms}, 19)` : `${x}.1 < ${ms}`);
  const withinWindow = (x: string, t0: string) => before(x, `${t0} + ${W} + 1`);
  const isStart = (x: string) => `(${isStep(x, 0)} AND ${before(x, end)})`;
  const element = packed
    ? 'bitShiftLeft(toUInt64(t), 19) + bitShiftLeft(toUInt64(fs), 15) + bitShiftLeft(toUInt64(m), 5) + xm'
    : '(t, m, xm, link, fs, gkey)';
  const sorted = packed
    ? `arraySort(groupArray(${element}))`
    : `arraySort(x -> (x.1, x.5, x.6, x.4, x.2, x.3), groupArray(${element}))`;
  // Who needs walking: a person can pass step 1 only if some step-2 event follows a start within
  // the window (checked for every step-2 event against the latest start before it). The others,
  // most persons of a funnel, reach step 1 at their first start without walking their attempts.
  // Exclusions can drop an attempt at step 1 too, so with exclusions everyone is walked.
  const walk = exclusions.length
    ? '1'
    : `arrayExists((x, l) -> ${isStep('x', 1)} AND ${isStart('l')} AND ${withinWindow('x', T('l'))},
                       ev, arrayFill(x -> ${isStart('x')}, arrayShiftRight(ev, 1)))`;
  // The walked persons' attempts stay in arrays (no ARRAY JOIN and no second GROUP BY per person:
  // measured 1.4x faster, README); walk-sql.ts walks them.
  const linked = Boolean(query.linkProperty);
  const walked = walkSql({
    steps: n,
    order: query.order === 'strict' ? 'strict' : 'loose',
    linked,
    T,
    LINK,
    isStep,
    isAnyStep,
    isExcluded,
    isStart,
    withinWindow,
    windowMs: W,
    exclusions,
  });
  // A person not walked enters at their first start (fsi: its position in ev; the walk's start
  // position reads 0 for them).
  const bestTimes = [`${walked.startTime} + first_start * NOT walk`, ...walked.stepTimes];
  // Starts are read from the walked (capped) events, as the attempts are; the per-customer
  // aggregation holds nothing but the events (a minIf / countIf beside them measured 3-4% of the
  // 10^7 bench funnel), and the login id only when customers are listed.
  const perPerson = `
        SELECT person, login_id, arrayFirstIndex(x -> ${isStart('x')}, ev) AS fsi, ${T('ev[fsi]')} AS first_start,
          ev, ${walk} AS walk
        FROM (
          SELECT person, ${options.withLoginId ? LOGIN_ID_PER_PERSON : "'' AS login_id"},
            arraySlice(${sorted}, 1, ${MAX_EVENTS_PER_PERSON}) AS ev
          FROM (${source})
          GROUP BY person
        )
        -- Persons without a step-1 event inside the range never enter.
        WHERE fsi > 0`;
  const walkedSteps = walked.stages.reduce(
    (inner, columns) => `
        SELECT *, ${columns.join(',\n          ')}
        FROM (${inner})`,
    perPerson,
  );
  // Step times as scalars t1..tn (tk only meaningful where level >= k): a per-customer array of
  // them measured ~5% of the 10^7 bench funnel's engine CPU (21 interleaved runs).
  const timeColumns = bestTimes.map((_, k) => `t${k + 1}`);
  const persons = `
    SELECT person, login_id, level, ${timeColumns.join(', ')}, gkey
    FROM (
      SELECT person, login_id,
        ${walked.best} AS bi,
        ${walked.level} AS level,
        ${bestTimes.map((t, k) => `${t} AS ${timeColumns[k]}`).join(',\n        ')},
        ${GKEY(`ev[${walked.startIndex} + fsi * NOT walk]`)} AS gkey
      FROM (${walkedSteps})
    )${exclusions.length ? '\n    WHERE level > 0' : ''}`;
  const grouped = (query.groupBy?.length ?? 0) > 0;
  const topGroups = grouped
    ? `SELECT gkey FROM (${persons}) GROUP BY gkey ORDER BY count() DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`
    : null;
  const stepAggs = [
    'count() AS u1',
    ...Array.from({ length: n - 1 }, (_, i) => {
      const k = i + 2;
      const d = `(t${k} - t${k - 1})`;
      return `countIf(level >= ${k}) AS u${k}, quantileExactLowIf(0.5)(${d}, level >= ${k}) AS med${k}, avgIf(${d}, level >= ${k}) AS avg${k}`;
    }),
  ].join(',\n      ');
  // grp as grouping(gkey, pk): 1 = the (gkey) set, 2 = the (period) set, 3 = the total;
  // without group-by the (gkey) set would repeat the total, so it is not computed. Periods are
  // grouped by their key and labelled on the output rows (a label per customer: ~3% more CPU).
  const summary = (topKeys: readonly string[]) => `
    SELECT ${grouped ? 'grouping(gkey, pk) AS grp, gkey' : "grouping(pk) + 2 AS grp, '' AS gkey"},
      ${periodLabelSql(ctx, 'pk')} AS period, ${stepAggs}
    FROM (
      SELECT level, ${timeColumns.join(', ')}, ${keepTopGroupsSql(ctx, 'gkey', topKeys)} AS gkey,
             ${periodKeySql(ctx, 'fromUnixTimestamp64Milli(t1)')} AS pk
      FROM (${persons})
    )
    GROUP BY GROUPING SETS (${grouped ? '(gkey), ' : ''}(pk), ())`;
  return { persons, topGroups, summary };
}
