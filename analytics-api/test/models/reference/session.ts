// Reference session analysis: per resolved person, the kept events of the range (scope, global
// filters, included + screen + counted names, a session id in session-id mode) per person (or per
// session id), sorted, cut at gaps longer than the timeout and where the zone's day changes;
// per session its start, duration, events, screen views, entry / exit screen, counted events and
// the group of its first event. Figures per period of the start and per group. Loops only.
import { DateTime } from 'luxon';
import type { Dataset, RawEvent } from '../support/dataset.ts';
import {
  keyOf,
  OTHERS,
  periodOf,
  periodsBetween,
  Reference,
  type RefFilter,
  type RefGranularity,
  type RefGroupBy,
  type RefScope,
  rangeOf,
  round6,
} from './common.ts';

export interface RefSessionQuery {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly granularity?: RefGranularity;
  readonly filters?: readonly RefFilter[];
  readonly groupBy?: readonly RefGroupBy[];
  readonly groupLimit?: number;
  readonly sessionMode?: 'inactivity' | 'session_id';
  readonly sessionTimeoutMinutes?: number;
  readonly includeEvents?: readonly string[];
  readonly screens?: readonly { readonly event: string; readonly property: string }[];
  readonly countEvent?: { readonly event: string; readonly filters?: readonly RefFilter[] };
  readonly screenLimit?: number;
}
export interface RefSessionStats {
  sessions: number;
  users: number;
  avgDurationSeconds: number | null;
  medianDurationSeconds: number | null;
  eventsPerSession: number | null;
  screensPerSession: number | null;
  bounces: number;
  bounceRate: number | null;
  countEventTotal: number;
  sessionsWithCountEvent: number;
  countEventPerSession: number | null;
}
export interface RefSessionSeries {
  group: (string | null)[] | null;
  total: RefSessionStats;
  byPeriod: RefSessionStats[];
}
export interface RefSessionResult {
  periods: string[];
  overall: RefSessionSeries;
  groups: RefSessionSeries[];
  entryScreens: { screen: string | null; sessions: number }[];
  exitScreens: { screen: string | null; sessions: number }[];
}

const CAP = 10_000;
const DEFAULT_SCREENS = [
  { event: '$AppViewScreen', property: '$screen_name' },
  { event: '$pageview', property: '$url' },
];
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Hit {
  t: number;
  screen: number;
  name: string;
  counted: number;
  key: string;
}
export interface Session {
  person: number;
  start: number;
  dur: number;
  events: number;
  screens: number;
  counted: number;
  key: string;
  entry: string | null;
  exit: string | null;
}

function stats(list: Session[]): RefSessionStats {
  const n = list.length;
  const sum = (f: (s: Session) => number) => list.reduce((a, s) => a + f(s), 0);
  const per = (x: number) => (n === 0 ? null : round6(x / n));
  const durs = list.map((s) => s.dur).sort((a, b) => a - b);
  const bounces = list.filter((s) => s.screens === 1).length;
  return {
    sessions: n,
    users: new Set(list.map((s) => s.person)).size,
    avgDurationSeconds: n === 0 ? null : Math.round(sum((s) => s.dur) / n) / 1000,
    medianDurationSeconds: n === 0 ? null : durs[Math.ceil(n / 2) - 1]! / 1000,
    eventsPerSession: per(sum((s) => s.events)),
    screensPerSession: per(sum((s) => s.screens)),
    bounces,
    bounceRate: per(bounces),
    countEventTotal: sum((s) => s.counted),
    sessionsWithCountEvent: list.filter((s) => s.counted > 0).length,
    countEventPerSession: per(sum((s) => s.counted)),
  };
}

function screensTop(names: string[], limit: number): { screen: string | null; sessions: number }[] {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || bytes(a[0], b[0]));
  const out: { screen: string | null; sessions: number }[] = ranked
    .slice(0, limit)
    .map(([screen, sessions]) => ({ screen: screen === '' ? null : screen, sessions }));
  const rest = ranked.slice(limit).reduce((a, [, c]) => a + c, 0);
  if (rest > 0) out.push({ screen: OTHERS, sessions: rest });
  return out;
}

/** Every session of the range (scope, filters, included events), cut as the specification says. */
export function referenceSessions(
  data: Dataset,
  q: RefSessionQuery,
  scope: RefScope = { bankCodes: 'all' },
): Session[] {
  const ref = new Reference(data, q.timeZone);
  const zone = q.timeZone;
  const { start, end } = rangeOf(q.from, q.to, zone);
  const screens = q.screens ?? DEFAULT_SCREENS;
  const bySessionId = q.sessionMode === 'session_id';
  const timeout = (q.sessionTimeoutMinutes ?? 30) * 60_000;
  const included = q.includeEvents ? new Set([...q.includeEvents, ...screens.map((s) => s.event)]) : null;
  const counted = (e: RawEvent) =>
    q.countEvent !== undefined &&
    (q.countEvent.event === '$any' || e.event === q.countEvent.event) &&
    ref.matchesAll(e, q.countEvent.filters);
  // With includeEvents: the included and screen events, plus the counted event where it counts (a
  // counted "$any" counts among them and widens nothing).
  const sessionEvent = (e: RawEvent) =>
    included === null || included.has(e.event) || (q.countEvent?.event !== '$any' && counted(e));
  const dayOf = (t: number) => DateTime.fromMillis(t, { zone }).toISODate();
  const buckets = new Map<string, { person: number; hits: Hit[] }>();
  for (const e of data.events) {
    if (e.time < start || e.time >= end || !ref.inScope(e, scope) || !ref.matchesAll(e, q.filters)) continue;
    if (!sessionEvent(e)) continue;
    if (bySessionId && e.sessionId === '') continue;
    const person = ref.person(e);
    const skey = bySessionId ? e.sessionId : '';
    const screen = screens.find((s) => s.event === e.event);
    const id = `${person}|${skey}`;
    const b = buckets.get(id) ?? { person, hits: [] };
    b.hits.push({
      t: e.time,
      screen: screen ? 1 : 0,
      name: screen ? ref.value(e, 'event', screen.property).text : '',
      counted: counted(e) ? 1 : 0,
      key: keyOf(ref.groupOf(e, q.groupBy)),
    });
    buckets.set(id, b);
  }
  const sessions: Session[] = [];
  for (const { person, hits } of buckets.values()) {
    hits.sort(
      (a, b) =>
        a.t - b.t ||
        a.screen - b.screen ||
        bytes(a.name, b.name) ||
        a.counted - b.counted ||
        bytes(a.key, b.key),
    );
    const kept = hits.slice(0, CAP);
    const cut: Hit[][] = [];
    for (const h of kept) {
      const last = cut[cut.length - 1];
      const prev = last?.[last.length - 1];
      const newDay = prev !== undefined && dayOf(h.t) !== dayOf(prev.t);
      if (!last || (!bySessionId && (h.t - prev!.t > timeout || newDay))) cut.push([h]);
      else last.push(h);
    }
    for (const s of cut) {
      const views = s.filter((h) => h.screen === 1);
      sessions.push({
        person,
        start: s[0]!.t,
        dur: s[s.length - 1]!.t - s[0]!.t,
        events: s.length,
        screens: views.length,
        counted: s.filter((h) => h.counted === 1).length,
        key: s[0]!.key,
        entry: views.length ? views[0]!.name : null,
        exit: views.length ? views[views.length - 1]!.name : null,
      });
    }
  }
  return sessions;
}

/** The top group keys by sessions (ties bytewise), in order. */
export function referenceSessionTop(q: RefSessionQuery, sessions: readonly Session[]): string[] {
  const weight = new Map<string, number>();
  for (const s of sessions) weight.set(s.key, (weight.get(s.key) ?? 0) + 1);
  return [...weight.entries()]
    .sort((a, b) => b[1] - a[1] || bytes(a[0], b[0]))
    .slice(0, q.groupLimit ?? 10)
    .map(([k]) => k);
}

export function referenceSession(
  data: Dataset,
  q: RefSessionQuery,
  scope: RefScope = { bankCodes: 'all' },
): RefSessionResult {
  const zone = q.timeZone;
  const g = q.granularity ?? 'day';
  const { start, end } = rangeOf(q.from, q.to, zone);
  const sessions = referenceSessions(data, q, scope);
  const periods = periodsBetween(start, end, g, zone);
  const series = (group: (string | null)[] | null, list: Session[]): RefSessionSeries => ({
    group,
    total: stats(list),
    byPeriod: periods.map((p) => stats(list.filter((s) => periodOf(s.start, g, zone) === p))),
  });
  const groups: RefSessionSeries[] = [];
  if (q.groupBy?.length) {
    const top = referenceSessionTop(q, sessions);
    for (const key of top) {
      groups.push(
        series(
          key.split('\u001f').map((v) => (v === '' ? null : v)),
          sessions.filter((s) => s.key === key),
        ),
      );
    }
    const rest = sessions.filter((s) => !top.includes(s.key));
    if (rest.length)
      groups.push(
        series(
          q.groupBy.map(() => OTHERS),
          rest,
        ),
      );
  }
  const limit = q.screenLimit ?? 10;
  return {
    periods,
    overall: series(null, sessions),
    groups,
    entryScreens: screensTop(
      sessions.flatMap((s) => (s.entry === null ? [] : [s.entry])),
      limit,
    ),
    exitScreens: screensTop(
      sessions.flatMap((s) => (s.exit === null ? [] : [s.exit])),
      limit,
    ),
  };
}
