// Helpers for identity tests that go through the real collector: send one request of wire-format
// events, and read what the analysis layer sees (resolved persons, current profiles).
import type { EmbeddedStack } from '@tally/testbed/stack';
import { expect } from 'vitest';
import { CURRENT_PROFILES_SQL } from '../../../src/identity/index.ts';

export interface WireEvent {
  type?: string;
  event?: string;
  uuid?: string;
  time: number;
  distinct_id: string;
  login_id?: string;
  properties?: Record<string, unknown>;
  identities?: Record<string, string>;
}

let counter = 0;
const RUN = (Date.now() % 1e12).toString(16).padStart(12, '0');

/** A uuid unique to this run (the stack may outlive one test). */
export function nextUuid(): string {
  counter++;
  return `${counter.toString(16).padStart(8, '0')}-0000-4000-8000-${RUN}`;
}

export async function send(stack: EmbeddedStack, events: WireEvent[]): Promise<void> {
  const body = { events: events.map((e) => ({ uuid: nextUuid(), ...e })) };
  const response = await fetch(`${stack.collectorUrl}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect((JSON.parse(text) as { rejected: unknown[] }).rejected).toEqual([]);
}

export interface CurrentProfile {
  person_id: number;
  login_id: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
  bank_code: string;
  branch_code: string;
  first_seen: number;
  last_seen: number;
}

/** Current profiles (CURRENT_PROFILES_SQL) of the given ingestion person ids. */
export async function profilesOf(stack: EmbeddedStack, personIds: number[]): Promise<CurrentProfile[]> {
  const result = await stack.clickhouse.query({
    query: `SELECT person_id, login_id, props, num_props, bank_code, branch_code,
              toUnixTimestamp64Milli(first_seen) AS first_seen, toUnixTimestamp64Milli(last_seen) AS last_seen
            FROM (${CURRENT_PROFILES_SQL}) WHERE person_id IN {ids:Array(UInt64)} ORDER BY person_id`,
    query_params: { app: stack.appId, ids: personIds },
    format: 'JSONEachRow',
  });
  return (await result.json<CurrentProfile>()).map((r) => ({
    ...r,
    person_id: Number(r.person_id),
    first_seen: Number(r.first_seen),
    last_seen: Number(r.last_seen),
  }));
}

/** Person id of a login id (customer) or distinct id (device) from the MySQL mapping. */
export async function personId(stack: EmbeddedStack, kind: 'customer' | 'device', externalId: string) {
  const [rows] = await stack.metadata.pool.query(
    'SELECT id FROM persons WHERE app_id = ? AND kind = ? AND external_id = ?',
    [stack.appId, kind, externalId],
  );
  const row = (rows as Array<{ id: number }>)[0];
  if (!row) throw new Error(`no ${kind} person ${externalId}`);
  return Number(row.id);
}
