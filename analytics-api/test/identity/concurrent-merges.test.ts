// Two ingestion workers merging the same customers at once: a second collector process (its own
// writer, person resolver, caches and profile folder) next to the stack's, both on the same
// MariaDB and ClickHouse. Each customer logs in on 12 devices; the devices' anonymous events,
// logins and profile operations are split across the two collectors and sent all at once, so
// person creation, device attribution and profile folds race. Expected values by hand:
//   one customer person; all 12 devices attributed to them; 12 x (3 anonymous + 1 login) = 48
//   events under one resolved person; points = 12 (one per device) + 20 (extra increments) = 32;
//   first_device (set_once) = the device with the earliest operation; one live profile.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, startServiceProcess } from '@tally/infra/embedded';
import { type EmbeddedStack, freePort, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsWithPersonSql, resolvedPersonExpr } from '../../src/identity/index.ts';
import { personId, profilesOf, send, type WireEvent } from './support/pipeline.ts';

const COLLECTOR_ENTRY = fileURLToPath(new URL('../../../collector/src/main.ts', import.meta.url));
const T0 = Date.UTC(2026, 10, 19, 8, 0, 0);
const DEVICES = 12;
const EXTRA_INCREMENTS = 20;

let stack: EmbeddedStack;
let second: ServiceProcess;
let secondUrl: string;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  // The second collector gets exactly the first one's configuration, except its port.
  const env = Object.fromEntries(
    readFileSync(`/proc/${stack.collector().pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  second = await startServiceProcess({
    name: 'collector-2',
    entry: COLLECTOR_ENTRY,
    env: { ...env, PORT: String(port) },
    readyUrl: `${secondUrl}/healthz`,
    logFile: `${stack.dir}/logs/collector-2.log`,
  });
}, 120_000);
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

/** The requests of one customer: per device, anonymous use then login and an increment. */
function requestsFor(customer: string): WireEvent[][] {
  const out: WireEvent[][] = [];
  for (let d = 0; d < DEVICES; d++) {
    const device = `${customer}-dev${d}`;
    const t = T0 + d * 60_000;
    out.push([
      { event: '$AppStart', time: t, distinct_id: device, properties: { $bank_code: 'B001' } },
      { event: '$AppViewScreen', time: t + 1000, distinct_id: device, properties: { $bank_code: 'B001' } },
      { event: '$AppViewScreen', time: t + 2000, distinct_id: device, properties: { $bank_code: 'B001' } },
    ]);
    out.push([
      {
        event: '$Login',
        time: t + 3000,
        distinct_id: device,
        login_id: customer,
        properties: { $bank_code: 'B001' },
      },
      {
        type: 'profile_increment',
        time: t + 3000,
        distinct_id: device,
        login_id: customer,
        properties: { points: 1 },
      },
      {
        type: 'profile_set_once',
        time: t + 3000,
        distinct_id: device,
        login_id: customer,
        properties: { first_device: `dev${d}` },
      },
    ]);
  }
  for (let i = 0; i < EXTRA_INCREMENTS; i++)
    out.push([
      {
        type: 'profile_increment',
        time: T0 + 3_600_000 + i,
        distinct_id: `${customer}-dev${i % DEVICES}`,
        login_id: customer,
        properties: { points: 1 },
      },
    ]);
  return out;
}

async function sendTo(url: string, events: WireEvent[]): Promise<void> {
  await send({ ...stack, collectorUrl: url } as EmbeddedStack, events);
}

describe('concurrent merges of one customer by two ingestion workers', () => {
  it('ends with one customer, every device attributed, every event and increment counted', async () => {
    const customers = ['CONC-1', 'CONC-2', 'CONC-3'];
    const all = customers.flatMap((c) => requestsFor(c));
    // Alternate collectors request by request: a device's anonymous events and its login go to
    // different workers, and both workers create and fold the same customer at the same time.
    await Promise.all(all.map((events, i) => sendTo(i % 2 === 0 ? stack.collectorUrl : secondUrl, events)));

    for (const customer of customers) {
      const [people] = await stack.metadata.pool.query(
        "SELECT COUNT(*) AS n FROM persons WHERE app_id = ? AND kind = 'customer' AND external_id = ?",
        [stack.appId, customer],
      );
      expect(Number((people as Array<{ n: number }>)[0]!.n)).toBe(1);
      const id = await personId(stack, 'customer', customer);
      const [attributed] = await stack.metadata.pool.query(
        'SELECT COUNT(*) AS n FROM device_first_logins WHERE app_id = ? AND customer_person_id = ?',
        [stack.appId, id],
      );
      expect(Number((attributed as Array<{ n: number }>)[0]!.n)).toBe(DEVICES);

      const result = await stack.clickhouse.query({
        query: `SELECT ${resolvedPersonExpr('e')} AS person, count() AS n FROM ${eventsWithPersonSql('e')}
                WHERE e.app_id = {app:String} AND startsWith(e.distinct_id, {prefix:String}) GROUP BY person`,
        query_params: { app: stack.appId, prefix: `${customer}-` },
        format: 'JSONEachRow',
      });
      expect(
        (await result.json<{ person: number; n: number }>()).map((r) => [Number(r.person), Number(r.n)]),
      ).toEqual([[id, DEVICES * 4]]);

      const devices = await Promise.all(
        Array.from({ length: DEVICES }, (_, d) => personId(stack, 'device', `${customer}-dev${d}`)),
      );
      const profiles = await profilesOf(stack, [id, ...devices]);
      expect(profiles.map((p) => p.person_id)).toEqual([id]);
      const p = profiles[0]!;
      expect(p.num_props.points).toBe(DEVICES + EXTRA_INCREMENTS);
      expect(p.props.first_device).toBe('dev0');
      expect([p.first_seen, p.last_seen]).toEqual([T0, T0 + (DEVICES - 1) * 60_000 + 3000]);
    }
  }, 120_000);
});
