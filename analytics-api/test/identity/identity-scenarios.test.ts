// ID-Mapping scenarios (support/scenarios.ts) through the real pipeline (collector process ->
// ingestion writer -> MariaDB identity store -> ClickHouse), deletions through the deletion code,
// then checked four ways: events grouped by the analysis layer's resolved person
// (resolved-person-sql.ts), the current profiles (exactly one live profile per resolved person),
// identity lookups through the customer directory, and the analysis engine's own HTTP route
// (unique customers and events of the scenario, as every model counts them).
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { deleteCustomer } from '../../src/identity/customer-deletion.ts';
import { findPerson } from '../../src/identity/customer-directory.ts';
import { CURRENT_PROFILES_SQL, eventsWithPersonSql, resolvedPersonExpr } from '../../src/identity/index.ts';
import { describePersons } from '../../src/profiles/membership.ts';
import { seedDemoOrgAndStaff } from '../../src/staff/seed-demo.ts';
import { testConfig } from '../security/support/api-stack.ts';
import { type Caller, loginAs } from '../security/support/sessions.ts';
import { SCENARIOS, type Step } from './support/scenarios.ts';

const BASE = Date.UTC(2026, 10, 20, 2, 0, 0);
const RUN = Date.now() % 1e12;

describe('ID-Mapping scenarios through the pipeline', () => {
  let stack: EmbeddedStack;
  let api: FastifyInstance;
  let analyst: Caller;
  beforeAll(async () => {
    stack = await startEmbeddedStack();
    await seedDemoOrgAndStaff(stack.metadata);
    api = await buildApp({
      config: testConfig(),
      clickhouse: stack.clickhouse,
      metadata: stack.metadata,
      logger: false,
    });
    await api.ready();
    analyst = await loginAs(api, 'union.analyst');
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('has at least 25 scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(25);
  });

  SCENARIOS.forEach((scenario, s) => {
    it(scenario.name, async () => {
      // Ids unique to the scenario, so scenarios share one stack without meeting.
      const id = (x: string) => `s${s}-${x}`;
      for (const [r, request] of scenario.requests.entries()) {
        const deletion = request.find((step): step is { delete: string } => 'delete' in step);
        if (deletion) {
          const person = await findPerson(stack.metadata.pool, stack.appId, { loginId: id(deletion.delete) });
          expect(person).not.toBeNull();
          await deleteCustomer(
            { pool: stack.metadata.pool, clickhouse: stack.clickhouse },
            stack.appId,
            person!,
          );
          continue;
        }
        const events = (request as Exclude<Step, { delete: string }>[]).flatMap((step, k) =>
          Array.from({ length: step.n ?? 1 }, (_, i) => ({
            ...(step.bind || step.unbind
              ? {
                  type: step.bind ? 'bind' : 'unbind',
                  identities: Object.fromEntries(
                    Object.entries(step.bind ?? step.unbind ?? {}).map(([t, v]) => [t, id(v)]),
                  ),
                }
              : { event: step.login ? 'transfer' : '$AppViewScreen' }),
            uuid: uuidFor(s, k, i, scenario.name.startsWith('a retried') ? 0 : r),
            time: BASE + step.t * 60_000 + i * 1000,
            distinct_id: id(step.d),
            properties: { scenario: `s${s}` },
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

      // 1. Events by resolved person, as every analysis counts them.
      const result = await stack.clickhouse.query({
        query: `SELECT ${resolvedPersonExpr('e')} AS person,
                  arrayStringConcat(arraySort(groupUniqArray(e.login_id)), ',') AS logins,
                  any(e.distinct_id) AS device, count() AS events
          FROM ${eventsWithPersonSql('e')}
          WHERE e.app_id = {app:String} AND startsWith(e.distinct_id, {prefix:String})
          GROUP BY person`,
        query_params: { app: stack.appId, prefix: `s${s}-` },
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ person: number; logins: string; device: string; events: number }>();
      const persons: Record<string, number> = {};
      for (const row of rows) {
        // A person's logins, without the empty login of its anonymous events.
        const key =
          row.logins
            .split(',')
            .filter(Boolean)
            .map((l) => l.replace(`s${s}-`, ''))
            .join(',') || `~${row.device.replace(`s${s}-`, '')}`;
        persons[key] = Number(row.events);
      }
      expect(persons).toEqual(scenario.persons);

      // 4. The analysis engine (POST /v1/analysis/events) counts the same customers and events.
      const engine = await analyst.request({
        method: 'POST',
        url: '/v1/analysis/events',
        payload: {
          appId: stack.appId,
          from: '2026-11-01',
          to: '2026-12-31',
          timeZone: 'UTC',
          granularity: 'total',
          filters: [{ property: 'scenario', op: 'eq', values: [`s${s}`] }],
          metrics: [
            { event: '$any', aggregation: 'users' },
            { event: '$any', aggregation: 'count' },
          ],
        },
      });
      const expectedEvents = Object.values(scenario.persons).reduce((a, b) => a + b, 0);
      expect(engine.statusCode, engine.body).toBe(200);
      const totals = (engine.json() as { series: { total: number }[] }).series.map((x) => x.total);
      expect(totals).toEqual([Object.keys(scenario.persons).length, expectedEvents]);

      // 2. Exactly one live profile per resolved person among the scenario's persons.
      const [known] = await stack.metadata.pool.query(
        'SELECT id FROM persons WHERE app_id = ? AND external_id LIKE ?',
        [stack.appId, `s${s}-%`],
      );
      const ids = (known as Array<{ id: number }>).map((k) => Number(k.id));
      const live = await stack.clickhouse.query({
        query: `SELECT person_id FROM (${CURRENT_PROFILES_SQL}) WHERE person_id IN {ids:Array(UInt64)} ORDER BY person_id`,
        query_params: { app: stack.appId, ids },
        format: 'JSONEachRow',
      });
      const profiled = (await live.json<{ person_id: number }>()).map((p) => Number(p.person_id));
      const withEvents = rows.map((r) => Number(r.person)).sort((a, b) => a - b);
      // Every resolved person has a live profile; no device attributed to a customer keeps one
      // (customers of bind-only requests may have a profile without events).
      for (const p of withEvents) expect(profiled).toContain(p);
      const owners = await describePersons(stack.metadata.pool, stack.appId, profiled);
      for (const p of profiled) expect(owners.get(p)?.ownerId ?? null, `profile of ${p}`).toBeNull();

      // 3. Identities lead to the expected customer.
      for (const [value, login] of Object.entries(scenario.identities ?? {})) {
        const [row] = (
          (await stack.metadata.pool.query(
            'SELECT id_type FROM person_identities WHERE app_id = ? AND id_value = ?',
            [stack.appId, id(value)],
          )) as unknown as [Array<{ id_type: string }>]
        )[0];
        const found = row
          ? await findPerson(stack.metadata.pool, stack.appId, { idType: row.id_type, idValue: id(value) })
          : null;
        expect(found?.loginId ?? null, `identity ${value}`).toBe(login === null ? null : id(login));
      }
    });
  });
});

/** Uuids from the event's place in its scenario; the retry scenario reuses request 0's. */
function uuidFor(s: number, k: number, i: number, uuidRequest: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(s, 8)}-${hex(uuidRequest, 4)}-4${hex(k, 3)}-8${hex(i, 3)}-${hex(RUN, 12)}`;
}
