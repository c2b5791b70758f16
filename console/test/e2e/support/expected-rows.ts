// What each model's result table must show, derived from the API's JSON answer: the numeric
// cells row by row (null where the API says null). Written from the result schemas, not from the
// console's rendering code, so a table that drops, reorders or rounds a figure fails.
type Json = Record<string, unknown>;
type Row = Array<number | null>;
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const EXPECTED_ROWS: Record<string, (result: Json) => Row[]> = {
  events: (r) => {
    // One period (granularity total): the table shows the total only.
    const rows = (s: Json) =>
      arr(s.values).length === 1 ? [n(s.total)] : [...arr(s.values).map(n), n(s.total)];
    const prev = (r.previous as Json | undefined)?.series;
    return [...arr(r.series).map((s) => rows(s as Json)), ...arr(prev).map((s) => rows(s as Json))];
  },
  funnel: (r) =>
    [r.steps, ...arr(r.groups).map((g) => (g as Json).steps)].flatMap((steps) =>
      arr(steps).map((s) => {
        const x = s as Json;
        return [
          n(x.users),
          n(x.conversionFromPrevious),
          n(x.conversionFromFirst),
          n(x.dropOff),
          n(x.medianSecondsFromPrevious),
        ];
      }),
    ),
  retention: (r) =>
    [...arr(r.average), ...arr(r.cohorts)].map((row) => {
      const x = row as Json;
      return [n(x.size), ...arr(x.retained).map(n)];
    }),
  path: (r) => arr(r.links).map((l) => [n((l as Json).sessions), n((l as Json).users)]),
  ltv: (r) =>
    arr(r.groups).flatMap((g) => {
      const x = g as Json;
      return [x.average, ...arr(x.cohorts)].map((c) => [
        n((c as Json).users),
        ...arr((c as Json).ltv).map(n),
      ]);
    }),
  distribution: (r) => [
    ...arr(r.buckets).map((b) => [n((b as Json).users), n((b as Json).share)]),
    ...arr(r.groups).flatMap((g) =>
      arr((g as Json).buckets).map((b) => [n((b as Json).users), n((b as Json).share)]),
    ),
  ],
  interval: (r) => {
    const stats = (s: Json) =>
      ['starts', 'count', 'min', 'p25', 'median', 'p75', 'max', 'mean'].map((k) => n(s[k]));
    return [r.overall, ...arr(r.groups)].flatMap((x) => {
      const series = x as Json;
      return [stats(series.total as Json), ...arr(series.byPeriod).map((s) => stats(s as Json))];
    });
  },
  session: (r) => {
    const keys = [
      'sessions',
      'users',
      'avgDurationSeconds',
      'medianDurationSeconds',
      'eventsPerSession',
      'screensPerSession',
      'bounceRate',
    ];
    const stats = (s: Json) => keys.map((k) => n(s[k]));
    return [r.overall, ...arr(r.groups)].flatMap((x) => {
      const series = x as Json;
      return [stats(series.total as Json), ...arr(series.byPeriod).map((s) => stats(s as Json))];
    });
  },
  'user-properties': (r) => {
    // The total first, then one row per cell (no measure in the default query).
    const stats = (c: unknown) => [n((c as Json).users), n((c as Json).share)];
    return [stats(r.total), ...arr(r.cells).map(stats)];
  },
  attribution: (r) => {
    // The overall touchpoints, then each group's (only with group-by).
    const models = arr(r.models) as string[];
    return [r, ...arr(r.groups)].flatMap((block) =>
      arr((block as Json).touchpoints).map((tp) => {
        const x = tp as Json;
        const credits = x.credits as Record<string, Json>;
        return [n(x.touchedConversions), ...models.map((m) => n(credits[m]?.conversions) ?? 0)];
      }),
    );
  },
};
