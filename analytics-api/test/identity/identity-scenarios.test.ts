// ID-Mapping scenarios through the real pipeline (collector process -> ingestion writer ->
// MariaDB identity store -> ClickHouse) and counted with the analysis layer's person resolution
// (resolved-person-sql.ts). Each scenario lists its requests in arrival order and, written by hand
// from the rules in src/identity/README.md, the persons expected: the customers each one carries
// (none for a device that never logged in) and its number of events.
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsWithPersonSql, resolvedPersonExpr } from '../../src/identity/index.ts';

type Step = { d: string; login?: string; t: number; n?: number };
interface Scenario {
  readonly name: string;
  /** Requests in arrival order; each a list of events (device, optional login, minute, count). */
  readonly requests: Step[][];
  /** Expected persons: logins they carry ('' = anonymous device only) -> event count. */
  readonly persons: Record<string, number>;
}

const SCENARIOS: Scenario[] = [
  { name: 'anonymous only', requests: [[{ d: 'a', t: 1, n: 3 }]], persons: { '': 3 } },
  {
    name: 'anonymous then login on one device',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'a', login: 'C1', t: 5, n: 2 },
      ],
    ],
    persons: { C1: 4 },
  },
  {
    name: 'one customer on two devices',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
      [
        { d: 'b', t: 3 },
        { d: 'b', login: 'C1', t: 4 },
      ],
    ],
    persons: { C1: 4 },
  },
  {
    name: 'shared device: A logs out, B logs in; anonymous use stays with the first customer',
    requests: [
      [
        { d: 'a', login: 'A', t: 1, n: 2 },
        { d: 'a', t: 3 },
        { d: 'a', login: 'B', t: 5, n: 2 },
      ],
    ],
    persons: { A: 3, B: 2 },
  },
  {
    name: 'two customers are never merged, whatever the device order',
    requests: [
      [{ d: 'a', login: 'A', t: 1 }],
      [{ d: 'b', login: 'B', t: 2 }],
      [{ d: 'b', login: 'A', t: 3 }],
    ],
    persons: { A: 2, B: 1 },
  },
  {
    name: 'a late, earlier login takes the device (offline SDK)',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'B', t: 30 },
      ],
      [{ d: 'a', login: 'A', t: 20 }],
    ],
    persons: { A: 2, B: 1 },
  },
  {
    name: 'anonymous events after a logout belong to the first customer of the device',
    requests: [[{ d: 'a', login: 'C1', t: 1 }], [{ d: 'a', t: 10, n: 2 }]],
    persons: { C1: 3 },
  },
  {
    name: 'a device that never logs in stays its own anonymous person',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'b', login: 'C1', t: 2 },
      ],
    ],
    persons: { '': 2, C1: 1 },
  },
  {
    name: 'a retried request changes nothing',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
    ],
    persons: { C1: 2 },
  },
  {
    name: 'three devices, two customers, one shared',
    requests: [
      [
        { d: 'a', login: 'A', t: 1 },
        { d: 'b', t: 2 },
        { d: 'b', login: 'A', t: 3 },
      ],
      [
        { d: 'c', t: 4 },
        { d: 'c', login: 'B', t: 5 },
        { d: 'b', login: 'B', t: 6 },
        { d: 'b', t: 7 },
      ],
    ],
    persons: { A: 4, B: 3 },
  },
];

const BASE = Date.UTC(2026, 10, 20, 2, 0, 0);

describe('ID-Mapping scenarios through the pipeline', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startEmbeddedStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  SCENARIOS.forEach((scenario, s) => {
    it(scenario.name, async () => {
      // Ids unique to the scenario, so scenarios share one stack without meeting.
      const id = (x: string) => `s${s}-${x}`;
      for (const [r, request] of scenario.requests.entries()) {
        const events = request.flatMap((step, k) =>
          Array.from({ length: step.n ?? 1 }, (_, i) => ({
            event: step.login ? 'transfer' : '$AppViewScreen',
            uuid: uuidFor(s, k, i, scenario.name.startsWith('a retried') ? 0 : r),
            time: BASE + step.t * 60_000 + i * 1000,
            distinct_id: id(step.d),
            ...(step.login ? { login_id: id(step.login) } : {}),
          })),
        );
        const response = await fetch(`${stack.collectorUrl}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
          body: JSON.stringify({ events }),
        });
        expect(response.status).toBe(200);
      }
      const result = await stack.clickhouse.query({
        query: `SELECT arrayStringConcat(arraySort(groupUniqArray(e.login_id)), ',') AS logins, count() AS events
          FROM ${eventsWithPersonSql('e')}
          WHERE e.app_id = {app:String} AND startsWith(e.distinct_id, {prefix:String})
          GROUP BY ${resolvedPersonExpr('e')}`,
        query_params: { app: stack.appId, prefix: `s${s}-` },
        format: 'JSONEachRow',
      });
      const persons: Record<string, number> = {};
      for (const row of await result.json<{ logins: string; events: number }>()) {
        // A person's logins, without the empty login of its anonymous events.
        const key = row.logins
          .split(',')
          .filter(Boolean)
          .map((l) => l.replace(`s${s}-`, ''))
          .join(',');
        persons[key] = Number(row.events);
      }
      expect(persons).toEqual(scenario.persons);
    });
  });
});

const RUN = Date.now() % 1e12;

/** Uuids from the event's place in its scenario; the retry scenario reuses request 0's. */
function uuidFor(s: number, k: number, i: number, uuidRequest: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(s, 8)}-${hex(uuidRequest, 4)}-4${hex(k, 3)}-8${hex(i, 3)}-${hex(RUN, 12)}`;
}
