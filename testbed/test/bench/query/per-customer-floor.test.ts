// The query bench's per-customer floor counts what the models count, on the real chdb engine:
// the customers of the given events in the range, devices resolved through the overrides (those
// in the loaded dictionary and one written after its load), nothing of another app, event or
// time outside [start, end).
import { type ClickHouseClient, migrateClickHouse } from '@tally/infra/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FloorCase, perCustomerFloorSql } from '../../../src/bench/query/per-customer-floor.ts';
import { type ScratchEngine, startScratchEngine } from '../../support/scratch-engine.ts';

const start = Date.parse('2026-03-01T00:00:00Z');
const end = Date.parse('2026-03-02T00:00:00Z');
const at = (minutes: number) =>
  new Date(start + minutes * 60_000).toISOString().replace('T', ' ').replace('Z', '');

describe('perCustomerFloorSql', () => {
  let engine: ScratchEngine;
  let client: ClickHouseClient;
  const floor = async (events: FloorCase['events']) => {
    const rows = await (
      await client.query({
        query: perCustomerFloorSql({ model: 'x', events, startMs: start, endMs: end }),
        query_params: { app: 'a' },
        format: 'JSONEachRow',
      })
    ).json<{ customers: string; events: string }>();
    return { customers: Number(rows[0]!.customers), events: Number(rows[0]!.events) };
  };

  beforeAll(async () => {
    engine = await startScratchEngine('floor_test');
    client = engine.client;
    await migrateClickHouse(client);
    const ev = (person: number, login: string, event: string, time: string, app = 'a') => ({
      app_id: app,
      event,
      time,
      receive_time: time,
      person_id: person,
      login_id: login,
    });
    await client.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [
        ev(1, 'C1', 'view', at(10)),
        ev(1, 'C1', 'view', at(20)),
        ev(101, '', 'view', at(5)), // device of customer 1, override in the dictionary
        ev(101, '', 'view', at(6)),
        ev(102, '', 'view', at(30)), // device of customer 2, override written after the load
        ev(2, 'C2', 'view', at(35)),
        ev(103, '', 'view', at(40)), // device without an override: its own person
        ev(4, 'C4', 'buy', at(50)), // another event
        ev(1, 'C1', 'view', at(24 * 60)), // at the end: outside [start, end)
        ev(1, 'C1', 'view', at(-1)), // before the start
        ev(5, 'C5', 'view', at(15), 'b'), // another app
      ],
    });
    await client.insert({
      table: 'person_overrides',
      format: 'JSONEachRow',
      values: [{ app_id: 'a', old_person_id: 101, new_person_id: 1, version: 1 }],
    });
    await client.command({ query: 'SYSTEM RELOAD DICTIONARY person_overrides_in_force' });
    await client.insert({
      table: 'person_overrides',
      format: 'JSONEachRow',
      values: [{ app_id: 'a', old_person_id: 102, new_person_id: 2, version: 1 }],
    });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('counts the customers of the named events: devices resolved, other apps, events and times left out', async () => {
    // Customers 1 (4 views, two of them by device 101), 2 (2 views, one by device 102) and device 103.
    expect(await floor(['view'])).toEqual({ customers: 3, events: 7 });
  });

  it('reads every event of the range for a model that reads them all', async () => {
    expect(await floor('any')).toEqual({ customers: 4, events: 8 });
  });
});
